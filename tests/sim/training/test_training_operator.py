"""The simulated HyperPod training operator, driven on a frozen clock: pods, conditions, restarts, events and logs."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import pytest

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.training.operator import (
    SCHEDULING_RETRY_SECONDS,
    TrainingOperator,
)
from tests.sim.training.training_cluster import CONTAINER, NS, START, create_gpu_nodes, hyp_status, pytorch_job


@dataclass
class Sim:
    clock: SimClock
    store: ObjectStore
    logs: LogStore
    operator: TrainingOperator

    def run(self, seconds: float, step: float = 1.0) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            self.clock.advance(step)
            self.operator.tick(self.clock.now())
            elapsed += step

    def job(self, name: str = "llama") -> dict:
        return self.store.get(HYPERPOD_PYTORCH_JOBS, NS, name)

    def pod(self, name: str) -> dict:
        return self.store.get(PODS, NS, name)

    def events(self, name: str) -> list[dict]:
        return self.store.list(EVENTS, NS, field_selector=f"involvedObject.name={name}")[0]

    def log(self, pod: str, previous: bool = False) -> str:
        return "".join(self.logs.read(NS, pod, CONTAINER, previous=previous))


def make_sim(seed: int = 3) -> Sim:
    clock = SimClock(start=START, speed=0)
    store = ObjectStore(clock)
    logs = LogStore()
    store.create(NAMESPACES, {"metadata": {"name": NS}})
    create_gpu_nodes(store, 4)
    return Sim(clock, store, logs, TrainingOperator(store, logs, random.Random(seed)))


@pytest.fixture
def sim() -> Sim:
    return make_sim()


def submit(sim: Sim, job: dict) -> None:
    sim.store.create(HYPERPOD_PYTORCH_JOBS, job, NS)
    sim.operator.tick(sim.clock.now())


def container(pod: dict) -> dict:
    return pod["status"]["containerStatuses"][0]


def reasons(events: list[dict]) -> list[str]:
    return [e["reason"] for e in sorted(events, key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))]


def test_a_new_job_is_created_and_gets_its_pods(sim: Sim) -> None:
    submit(sim, pytorch_job())
    job = sim.job()
    assert hyp_status(job) == "Created"
    created = job["status"]["conditions"][0]
    assert (created["reason"], created["lastTransitionTime"]) == ("HyperPodPyTorchJobCreated", "2025-06-05T12:00:00Z")
    assert job["status"]["startTime"] == "2025-06-05T12:00:00Z"
    assert [p["name"] for p in job["status"]["jobPods"]] == ["llama-pod-0", "llama-pod-1"]
    pods, _ = sim.store.list(PODS, NS, label_selector="HPJob=llama")
    assert [p["metadata"]["name"] for p in pods] == ["llama-pod-0", "llama-pod-1"]
    for index, pod in enumerate(pods):
        labels = pod["metadata"]["labels"]
        assert labels["kueue.x-k8s.io/queue-name"] == "hyperpod-ns-team-a-localqueue"
        assert labels["sagemaker.amazonaws.com/replica-index"] == str(index)
        owner = pod["metadata"]["ownerReferences"][0]
        assert (owner["kind"], owner["name"], owner["uid"]) == ("HyperPodPyTorchJob", "llama", job["metadata"]["uid"])
        assert owner["controller"] and owner["blockOwnerDeletion"]
        assert pod["spec"]["containers"][0]["name"] == CONTAINER
        assert pod["spec"]["nodeName"].startswith("hyperpod-i-")
        assert pod["status"]["phase"] == "Pending"
        assert pod["status"]["qosClass"] == "BestEffort"
    assert pods[0]["spec"]["nodeName"] != pods[1]["spec"]["nodeName"]
    assert reasons(sim.events("llama")) == ["HyperPodPyTorchJobCreated", "SuccessfulCreatePod", "SuccessfulCreatePod"]
    scheduled = sim.events("llama-pod-0")[0]
    assert scheduled["reason"] == "Scheduled"
    assert scheduled["source"]["component"] == "default-scheduler"
    assert scheduled["message"] == f"Successfully assigned {NS}/llama-pod-0 to {pods[0]['spec']['nodeName']}"
    assert scheduled["metadata"]["name"].startswith("llama-pod-0.")
    assert scheduled["involvedObject"]["uid"] == pods[0]["metadata"]["uid"]


def test_pods_go_through_container_creating_to_running(sim: Sim) -> None:
    submit(sim, pytorch_job())
    sim.run(2)
    pod = sim.pod("llama-pod-0")
    assert pod["status"]["phase"] == "Pending"
    assert container(pod)["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert pod["status"]["podIP"].startswith("10.1.")
    assert pod["status"]["hostIP"] == next(
        a["address"] for a in sim.store.get(NODES, None, pod["spec"]["nodeName"])["status"]["addresses"]
    )
    sim.run(60)
    pod = sim.pod("llama-pod-0")
    assert pod["status"]["phase"] == "Running"
    assert container(pod)["ready"] and "running" in container(pod)["state"]
    ready = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
    assert ready == {
        "PodReadyToStartContainers": "True",
        "Initialized": "True",
        "Ready": "True",
        "ContainersReady": "True",
        "PodScheduled": "True",
    }
    assert reasons(sim.events("llama-pod-0")) == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    kubelet = sim.events("llama-pod-0")[-1]
    assert kubelet["source"] == {"component": "kubelet", "host": pod["spec"]["nodeName"]}
    assert kubelet["involvedObject"]["fieldPath"] == f"spec.containers{{{CONTAINER}}}"
    job = sim.job()
    assert hyp_status(job) == "Running"
    assert [c["type"] for c in job["status"]["conditions"]] == ["Created", "PodsRunning", "Running"]
    assert job["status"]["masterAddr"] == pod["status"]["podIP"]


def test_a_job_runs_to_completion_and_logs_its_training(sim: Sim) -> None:
    submit(sim, pytorch_job(duration=600))
    sim.run(720, step=5)
    job = sim.job()
    assert hyp_status(job) == "Completed"
    assert job["status"]["completionTime"]
    assert {c["type"]: c["status"] for c in job["status"]["conditions"]} == {
        "Created": "True",
        "PodsRunning": "False",
        "Running": "False",
        "Completed": "True",
    }
    for name in ("llama-pod-0", "llama-pod-1"):
        pod = sim.pod(name)
        assert pod["status"]["phase"] == "Succeeded"
        terminated = container(pod)["state"]["terminated"]
        assert (terminated["reason"], terminated["exitCode"]) == ("Completed", 0)
    log = sim.log("llama-pod-0")
    assert "Rendezvous complete for workers" in log
    assert "NCCL INFO NET/OFI Selected provider is efa" in log
    assert "Loading dataset from /fsx/data/llama/train.jsonl" in log
    assert "step 100 | loss " in log
    assert "Saving checkpoint to /fsx/checkpoints/llama/step_100" in log
    assert "Training completed" in log
    assert "No checkpoint found in /fsx/checkpoints/llama" in log
    losses = [float(line.split("| loss ")[1].split(" ")[0]) for line in log.splitlines() if "| loss " in line]
    assert losses[-1] < losses[0] - 0.3  # the curve comes down
    assert sim.logs.follow(NS, "llama-pod-0", CONTAINER, 0, timeout=0).finished
    assert "HyperPodPyTorchJobSucceeded" in reasons(sim.events("llama"))


def test_logs_are_rank_aware(sim: Sim) -> None:
    submit(sim, pytorch_job())
    sim.run(120)
    second = sim.log("llama-pod-1")
    assert "group_rank=1" in second
    assert "global_ranks=[4, 5, 6, 7]" in second
    assert "nRanks 8 nNodes 2 localRanks 4 localRank 3" in second
    master = sim.pod("llama-pod-0")["status"]["podIP"]
    assert f"master_addr={master}" in second


def test_a_crash_restarts_pods_in_place_then_the_job_runs_on(sim: Sim) -> None:
    submit(sim, pytorch_job(duration=1200, fail_after=400, fail_count=1, retries=2))
    sim.run(540, step=2)
    job = sim.job()
    assert job["status"]["restartCount"] == 1
    assert hyp_status(job) == "Running"
    assert {c["type"]: c["status"] for c in job["status"]["conditions"]}["Restarting"] == "False"
    crashed = container(sim.pod("llama-pod-0"))
    assert crashed["restartCount"] == 1
    assert crashed["containerID"] != crashed["lastState"]["terminated"]["containerID"]
    assert crashed["lastState"]["terminated"]["exitCode"] == 1
    assert crashed["lastState"]["terminated"]["reason"] == "Error"
    assert container(sim.pod("llama-pod-1"))["lastState"]["terminated"]["exitCode"] == 143
    previous = sim.log("llama-pod-0", previous=True)
    assert "Traceback (most recent call last):" in previous
    assert "torch.distributed.elastic.multiprocessing.errors.ChildFailedError" in previous
    assert "CUDA error: an illegal memory access was encountered" in previous or "DistBackendError" in previous
    assert "Process group watchdog thread terminated" in sim.log("llama-pod-1", previous=True)
    current = sim.log("llama-pod-0")
    assert "Traceback" not in current
    assert "Loading checkpoint from /fsx/checkpoints/llama/step_100" in current
    assert "Resuming training from step 100" in current
    job_reasons = reasons(sim.events("llama"))
    assert "HyperPodPyTorchJobRestarting" in job_reasons
    restarting = next(e for e in sim.events("llama") if e["reason"] == "HyperPodPyTorchJobRestarting")
    assert restarting["type"] == "Warning"
    assert "restart 1 of 2" in restarting["message"]
    assert job["status"]["latestFaultyPodInstanceList"] == {
        "restartType": "PLR",
        "faultyInstanceIdList": [],
        "faultyPodList": ["llama-pod-0"],
        "faultyRankList": ["0"],
    }
    assert job["status"]["restartStatus"] == {"currentEvalPeriod": 0, "fullJobRestartCount": 0, "restartCount": 1}
    [remediated] = [e for e in sim.events("llama") if e["reason"] == "HyperPodPyTorchJobRemediated"]
    assert remediated["type"] == "Normal"
    assert remediated["message"] == "HyperPodPyTorchJob llama fault remediated in 5.0 seconds."  # the restart back-off
    assert "sim.hyptui.io/fault-detected-at" not in job["metadata"]["annotations"]


def test_the_restarting_state_shows_between_crash_and_restart(sim: Sim) -> None:
    submit(sim, pytorch_job(replicas=1, fail_after=100, retries=1))
    while hyp_status(sim.job()) != "Restarting":
        sim.run(1)
        assert sim.clock.now() < START.replace(minute=10)
    assert container(sim.pod("llama-pod-0"))["state"]["terminated"]["reason"] == "Error"
    assert sim.pod("llama-pod-0")["status"]["phase"] == "Running"  # the kubelet will start the container again
    sim.run(6)
    assert container(sim.pod("llama-pod-0"))["restartCount"] == 1


def test_a_job_that_keeps_crashing_fails_after_its_retries(sim: Sim) -> None:
    submit(sim, pytorch_job(replicas=1, fail_after=60, retries=2))
    sim.run(600, step=3)
    job = sim.job()
    assert hyp_status(job) == "Failed"
    assert job["status"]["restartCount"] == 2
    failed = next(c for c in job["status"]["conditions"] if c["type"] == "Failed")
    assert failed["reason"] == "HyperPodPyTorchJobFailed"
    assert "maximum number of retries (2)" in failed["message"]
    assert job["status"]["completionTime"]
    pod = sim.pod("llama-pod-0")
    assert pod["status"]["phase"] == "Failed"
    assert container(pod)["restartCount"] == 2
    assert "Traceback" in sim.log("llama-pod-0")
    failed_events = [e for e in sim.events("llama") if e["reason"] == "HyperPodPyTorchJobFailed"]
    assert [e["type"] for e in failed_events] == ["Warning"]


def test_without_jobmaxretrycount_the_first_crash_fails_the_job(sim: Sim) -> None:
    submit(sim, pytorch_job(replicas=1, fail_after=60))
    sim.run(200, step=5)
    assert hyp_status(sim.job()) == "Failed"
    assert sim.job()["status"]["restartCount"] == 0


def test_a_pod_that_fits_nowhere_stays_pending_with_failed_scheduling(sim: Sim) -> None:
    submit(sim, pytorch_job(gpus=8))
    sim.run(65, step=5)
    pod = sim.pod("llama-pod-0")
    assert pod["status"]["phase"] == "Pending"
    assert "nodeName" not in pod["spec"]
    scheduled = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (scheduled["status"], scheduled["reason"]) == ("False", "Unschedulable")
    assert scheduled["message"].startswith("0/4 nodes are available: 4 Insufficient nvidia.com/gpu.")
    [event] = sim.events("llama-pod-0")
    assert (event["type"], event["reason"]) == ("Warning", "FailedScheduling")
    assert event["count"] == 3  # first attempt, then retries every 30 s, aggregated like client-go does
    assert event["message"] == scheduled["message"]
    assert hyp_status(sim.job()) == "Created"


def test_a_pending_pod_is_scheduled_once_capacity_frees_up(sim: Sim) -> None:
    submit(sim, pytorch_job(name="big", replicas=4, duration=200))
    submit(sim, pytorch_job(name="waiting", replicas=1))
    assert "nodeName" not in sim.pod("waiting-pod-0")["spec"]
    sim.run(400, step=5)
    assert hyp_status(sim.job("big")) == "Completed"
    assert sim.pod("waiting-pod-0")["spec"]["nodeName"]
    assert hyp_status(sim.job("waiting")) == "Running"


def test_a_suspended_job_creates_no_pods_until_resumed(sim: Sim) -> None:
    submit(sim, pytorch_job(suspend=True))
    sim.run(30)
    assert sim.store.list(PODS, NS)[0] == []
    job = sim.job()
    assert hyp_status(job) == "Suspended"
    assert "startTime" not in job["status"]
    sim.store.mutate(HYPERPOD_PYTORCH_JOBS, NS, "llama", lambda j: j["spec"]["runPolicy"].update(suspend=False))
    sim.run(60)
    assert hyp_status(sim.job()) == "Running"
    assert len(sim.store.list(PODS, NS)[0]) == 2
    sim.store.mutate(HYPERPOD_PYTORCH_JOBS, NS, "llama", lambda j: j["spec"]["runPolicy"].update(suspend=True))
    sim.run(1)
    assert sim.store.list(PODS, NS)[0] == []
    assert hyp_status(sim.job()) == "Suspended"
    assert "SuccessfulDeletePod" in reasons(sim.events("llama"))


def test_deleting_a_job_takes_its_pods_and_their_logs(sim: Sim) -> None:
    submit(sim, pytorch_job())
    sim.run(90)
    assert sim.logs.has_logs(NS, "llama-pod-0", CONTAINER)
    sim.store.delete(HYPERPOD_PYTORCH_JOBS, NS, "llama")
    sim.run(1)
    assert sim.store.list(PODS, NS)[0] == []
    assert not sim.logs.has_logs(NS, "llama-pod-0", CONTAINER)
    with pytest.raises(ApiError):
        sim.job()


def test_a_tick_with_nothing_due_writes_nothing(sim: Sim) -> None:
    submit(sim, pytorch_job(gpus=8))
    sim.run(1)
    before = sim.store.resource_version
    sim.operator.tick(sim.clock.now())
    sim.clock.advance(0.5)
    sim.operator.tick(sim.clock.now())
    assert sim.store.resource_version == before


def snapshot(sim: Sim, pods: tuple[str, ...] = ("llama-pod-0", "llama-pod-1")) -> str:
    objects = [sim.store.list(kind, NS)[0] for kind in (HYPERPOD_PYTORCH_JOBS, PODS, EVENTS)]
    for items in objects:
        for item in items:
            item["metadata"].pop("resourceVersion", None)
            if "involvedObject" in item:
                # When the recorder wrote the event is tick timing; what it reports (first/lastTimestamp) is not.
                item["metadata"].pop("creationTimestamp")
                item["involvedObject"].pop("resourceVersion", None)
    logs = [sim.logs.read(NS, pod, CONTAINER, timestamps=True) for pod in pods]
    return json.dumps([objects, logs], sort_keys=True)


def test_same_seed_same_cluster() -> None:
    runs = []
    for _ in range(2):
        sim = make_sim(seed=11)
        submit(sim, pytorch_job(fail_after=200, retries=1))
        sim.run(400, step=4)
        runs.append(snapshot(sim))
    assert runs[0] == runs[1]
    other = make_sim(seed=12)
    submit(other, pytorch_job(fail_after=200, retries=1))
    other.run(400, step=4)
    assert snapshot(other) != runs[0]


def test_one_long_tick_replays_what_many_short_ticks_do() -> None:
    fine, coarse = make_sim(), make_sim()
    for sim in (fine, coarse):
        submit(sim, pytorch_job(replicas=1, duration=300, fail_after=120, fail_count=1, retries=1))
    fine.run(900, step=1)
    coarse.run(900, step=900)
    assert hyp_status(coarse.job()) == "Completed"
    assert snapshot(coarse, ("llama-pod-0",)) == snapshot(fine, ("llama-pod-0",))


def test_a_pod_template_the_server_rejects_is_reported_not_fatal(sim: Sim) -> None:
    job = pytorch_job("no-containers", replicas=1)
    job["spec"]["replicaSpecs"][0]["template"]["spec"]["containers"] = []
    submit(sim, job)
    sim.run(3)

    def refusals() -> list[dict]:
        return [e for e in sim.events("no-containers") if e["reason"] == "FailedCreatePod"]

    assert [(e["type"], e["count"]) for e in refusals()] == [("Warning", 1)]
    assert "spec.containers: Required value" in refusals()[0]["message"]
    sim.run(SCHEDULING_RETRY_SECONDS)
    assert refusals()[0]["count"] == 2  # retried with back-off, not on every pass
    assert sim.store.list(PODS, NS, label_selector="HPJob=no-containers")[0] == []
