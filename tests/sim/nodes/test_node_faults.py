"""Faults and recovery on a frozen clock: the health agent quarantines, reboots and replaces nodes; the training
operator moves pods off them, restarts killed or hanging jobs, and reports each remediation."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.health_agent import (
    DEEP_HEALTH_CHECK_SECONDS,
    NOT_READY_AFTER_SECONDS,
    REBOOT_SECONDS,
    REPLACEMENT_SECONDS,
    NodeHealthAgent,
)
from hyptui.sim.training.operator import QUIET_LOG_ANNOTATION, TrainingOperator
from tests.sim.training.training_cluster import CONTAINER, NS, START, create_gpu_nodes, hyp_status, pytorch_job

HEALTH = "sagemaker.amazonaws.com/node-health-status"
DEEP_HEALTH = "sagemaker.amazonaws.com/deep-health-check-status"
TEAM_A = "hyperpod-ns-team-a"


@dataclass
class Sim:
    clock: SimClock
    store: ObjectStore
    logs: LogStore
    controllers: tuple[NodeHealthAgent, TrainingOperator]

    def tick(self) -> None:
        for controller in self.controllers:
            controller.tick(self.clock.now())

    def run(self, seconds: float, step: float = 1.0) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            self.clock.advance(step)
            self.tick()
            elapsed += step

    def job(self, name: str = "llama") -> dict:
        return self.store.get(HYPERPOD_PYTORCH_JOBS, NS, name)

    def pod(self, name: str) -> dict:
        return self.store.get(PODS, NS, name)

    def node_of(self, pod: str) -> str:
        return self.pod(pod)["spec"]["nodeName"]

    def label(self, node: str, status: str) -> None:
        self.store.mutate(NODES, None, node, lambda n: n["metadata"]["labels"].__setitem__(HEALTH, status))

    def job_events(self, name: str = "llama") -> list[dict]:
        events = self.store.list(EVENTS, NS, field_selector=f"involvedObject.name={name}")[0]
        return sorted(events, key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))

    def node_events(self, node: str) -> list[tuple[str, str]]:
        events = self.store.list(EVENTS, "default", field_selector=f"involvedObject.name={node}")[0]
        return [(e["reason"], e["message"]) for e in sorted(events, key=lambda e: e["metadata"]["name"])]

    def log(self, pod: str) -> str:
        return "".join(self.logs.read(NS, pod, CONTAINER))


def make_sim(nodes: int = 4, seed: int = 3) -> Sim:
    clock = SimClock(start=START, speed=0)
    store, logs, rng = ObjectStore(clock), LogStore(), random.Random(seed)
    for namespace in (NS, "default"):
        store.create(NAMESPACES, {"metadata": {"name": namespace}})
    create_gpu_nodes(store, nodes)
    return Sim(clock, store, logs, (NodeHealthAgent(store, logs, rng), TrainingOperator(store, logs, rng)))


def submit(sim: Sim, job: dict) -> None:
    sim.store.create(HYPERPOD_PYTORCH_JOBS, job, NS)
    sim.tick()


def condition(job: dict, kind: str) -> dict:
    return next(c for c in job["status"]["conditions"] if c["type"] == kind)


def remediation_seconds(events: list[dict]) -> float:
    [remediated] = [e for e in events if e["reason"] == "HyperPodPyTorchJobRemediated"]
    match = re.search(r"remediated in (\d+\.\d) seconds", remediated["message"])
    assert match, remediated["message"]
    return float(match[1])


def test_a_pod_on_a_node_marked_for_reboot_moves_to_a_healthy_node_of_the_same_type() -> None:
    sim = make_sim()
    submit(sim, pytorch_job(duration=3600, retries=3))
    sim.run(420, step=2)  # past the checkpoint at step 100
    assert hyp_status(sim.job()) == "Running"
    faulty = sim.node_of("llama-pod-1")
    healthy = sim.node_of("llama-pod-0")
    sim.label(faulty, "UnschedulablePendingReboot")
    sim.run(1)
    # The agent quarantined the node; the operator deleted the pod and recreated it elsewhere at once.
    taint = sim.store.get(NODES, None, faulty)["spec"]["taints"]
    assert [(t["key"], t["value"], t["effect"]) for t in taint] == [(HEALTH, "Unschedulable", "NoSchedule")]
    moved_to = sim.node_of("llama-pod-1")
    assert moved_to not in (faulty, healthy)
    assert sim.store.get(NODES, None, moved_to)["metadata"]["labels"]["node.kubernetes.io/instance-type"] == (
        "ml.g5.12xlarge"
    )
    job = sim.job()
    assert hyp_status(job) == "Restarting"
    restarting = condition(job, "Restarting")
    assert restarting["message"] == (
        f"HyperPodPyTorchJob llama is restarting because node {faulty} of pod llama-pod-1 is "
        "UnschedulablePendingReboot (restart 1 of 3)."
    )
    assert job["status"]["restartCount"] == 1
    assert job["status"]["latestFaultyPodInstanceList"] == {
        "restartType": "JLR",
        "faultyInstanceIdList": [faulty.removeprefix("hyperpod-")],
        "faultyPodList": ["llama-pod-1"],
        "faultyRankList": ["1"],
    }
    assert job["status"]["restartStatus"] == {"currentEvalPeriod": 0, "fullJobRestartCount": 1, "restartCount": 0}
    assert container_state(sim.pod("llama-pod-0")) == "terminated"  # the healthy pod restarts in place
    sim.run(60)
    job = sim.job()
    assert hyp_status(job) == "Running"
    assert condition(job, "Restarting")["status"] == "False"
    assert sim.pod("llama-pod-0")["status"]["containerStatuses"][0]["restartCount"] == 1
    assert sim.node_of("llama-pod-0") == healthy
    events = sim.job_events()
    reasons = [e["reason"] for e in events]
    assert reasons.index("HyperPodPyTorchJobRestarting") < reasons.index("HyperPodPyTorchJobRemediated")
    assert "SuccessfulDeletePod" in reasons
    seconds = remediation_seconds(events)
    assert 5 <= seconds <= 60  # restart back-off, then the new pod's image pull
    assert f"llama-pod-1 now runs on {moved_to}" in next(
        e["message"] for e in events if e["reason"] == "HyperPodPyTorchJobRemediated"
    )
    assert "Resuming training from step 100" in sim.log("llama-pod-1")


def container_state(pod: dict) -> str:
    return next(iter(pod["status"]["containerStatuses"][0]["state"]))


def test_a_rebooted_node_comes_back_schedulable_with_a_new_boot_id() -> None:
    sim = make_sim()
    node = "hyperpod-i-00000000000000000"
    boot_id = sim.store.get(NODES, None, node)["status"]["nodeInfo"]["bootID"]
    sim.label(node, "UnschedulablePendingReboot")
    sim.run(NOT_READY_AFTER_SECONDS + 1)
    ready = next(c for c in sim.store.get(NODES, None, node)["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("Unknown", "NodeStatusUnknown")
    sim.run(REBOOT_SECONDS)
    back = sim.store.get(NODES, None, node)
    assert back["metadata"]["labels"][HEALTH] == "Schedulable"
    assert "taints" not in back["spec"]
    assert back["status"]["nodeInfo"]["bootID"] != boot_id
    assert [reason for reason, _ in sim.node_events(node)] == [
        "NodeUnhealthy",
        "NodeNotReady",
        "Rebooted",
        "NodeReady",
        "NodeRecovered",
    ]


def test_a_replaced_node_gives_way_to_a_new_instance_that_runs_deep_health_checks_first() -> None:
    sim = make_sim(nodes=2)
    submit(sim, pytorch_job(duration=7200, retries=2))
    sim.run(120, step=2)
    faulty = sim.node_of("llama-pod-1")
    sim.label(faulty, "UnschedulablePendingReplacement")
    sim.run(30)
    # No spare node: the recreated pod waits, and the scheduler says why.
    pod = sim.pod("llama-pod-1")
    assert "nodeName" not in pod["spec"]
    scheduled = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert "untolerated taint {sagemaker.amazonaws.com/node-health-status: Unschedulable}" in scheduled["message"]
    sim.run(REPLACEMENT_SECONDS, step=5)
    names = [n["metadata"]["name"] for n in sim.store.list(NODES)[0]]
    assert faulty not in names and len(names) == 2
    [new] = [n for n in sim.store.list(NODES)[0] if n["metadata"]["name"] != sim.node_of("llama-pod-0")]
    assert re.fullmatch(r"hyperpod-i-[0-9a-f]{17}", new["metadata"]["name"])
    assert (new["metadata"]["labels"][HEALTH], new["metadata"]["labels"][DEEP_HEALTH]) == (
        "Unschedulable",
        "InProgress",
    )
    assert hyp_status(sim.job()) == "Restarting"
    sim.run(DEEP_HEALTH_CHECK_SECONDS + 60, step=5)
    new = sim.store.get(NODES, None, new["metadata"]["name"])
    assert (new["metadata"]["labels"][HEALTH], new["metadata"]["labels"][DEEP_HEALTH]) == ("Schedulable", "Passed")
    assert sim.node_of("llama-pod-1") == new["metadata"]["name"]
    assert hyp_status(sim.job()) == "Running"
    assert remediation_seconds(sim.job_events()) > REPLACEMENT_SECONDS + DEEP_HEALTH_CHECK_SECONDS
    reasons = [reason for reason, _ in sim.node_events(new["metadata"]["name"])]
    assert reasons == ["Starting", "RegisteredNode", "NodeReady", "ReplacementNode", "NodeRecovered"]
    assert [reason for reason, _ in sim.node_events(faulty)][-1] == "RemovingNode"


def test_a_killed_pod_is_recreated_and_the_job_restarts() -> None:
    sim = make_sim()
    submit(sim, pytorch_job(duration=3600, retries=1))
    sim.run(120, step=2)
    old_uid = sim.pod("llama-pod-0")["metadata"]["uid"]
    sim.store.delete(PODS, NS, "llama-pod-0")
    sim.run(1)
    assert sim.pod("llama-pod-0")["metadata"]["uid"] != old_uid
    job = sim.job()
    assert condition(job, "Restarting")["message"].startswith(
        "HyperPodPyTorchJob llama is restarting because pod llama-pod-0 was deleted (restart 1 of 1)."
    )
    assert job["status"]["latestFaultyPodInstanceList"]["restartType"] == "JLR"
    assert job["status"]["latestFaultyPodInstanceList"]["faultyInstanceIdList"] == []
    assert "Process group watchdog thread terminated" in sim.log("llama-pod-1")
    sim.run(60)
    assert "Process group watchdog thread terminated" in "".join(
        sim.logs.read(NS, "llama-pod-1", CONTAINER, previous=True)
    )
    assert hyp_status(sim.job()) == "Running"
    assert remediation_seconds(sim.job_events()) >= 5
    # The second kill is one too many.
    sim.store.delete(PODS, NS, "llama-pod-1")
    sim.run(1)
    failed = condition(sim.job(), "Failed")
    assert failed["message"] == (
        "HyperPodPyTorchJob llama has failed because pod llama-pod-1 was deleted and the job reached its maximum "
        "number of retries (1)."
    )


HANG_RULE = {
    "name": "JobHangingDetection",
    "logPattern": r".*step (\d+) \| loss.*",
    "expectedStartCutOffInSeconds": 120,
    "expectedRecurringFrequencyInSeconds": 60,
}


def test_a_job_whose_log_goes_quiet_is_restarted_by_its_hang_detection_rule() -> None:
    sim = make_sim()
    job = pytorch_job(duration=3600, retries=2)
    job["spec"]["runPolicy"]["logMonitoringConfiguration"] = [HANG_RULE]
    submit(sim, job)
    sim.run(240, step=2)
    assert hyp_status(sim.job()) == "Running" and sim.job()["status"]["restartCount"] == 0
    annotate(sim, QUIET_LOG_ANNOTATION, "true")
    sim.run(1)
    quiet_since = datetime.fromisoformat(sim.job()["metadata"]["annotations"][QUIET_LOG_ANNOTATION])
    before = sim.log("llama-pod-0")
    sim.run(30)
    assert sim.log("llama-pod-0") == before  # hung: nothing more
    sim.run(40)
    job = sim.job()
    assert job["status"]["restartCount"] == 1
    restarting = next(e for e in sim.job_events() if e["reason"] == "HyperPodPyTorchJobRestarting")
    assert (
        "log monitoring rule JobHangingDetection found the job hanging: no line matched for 60 seconds"
        in (restarting["message"])
    )
    fired = datetime.fromisoformat(restarting["firstTimestamp"].replace("Z", "+00:00"))
    assert 0 < (fired - quiet_since).total_seconds() <= 60
    assert job["status"]["latestFaultyPodInstanceList"]["restartType"] == "PLR"
    assert job["status"]["latestFaultyPodInstanceList"]["faultyPodList"] == ["llama-pod-0", "llama-pod-1"]
    assert QUIET_LOG_ANNOTATION not in job["metadata"]["annotations"]
    sim.run(120, step=2)
    assert hyp_status(sim.job()) == "Running"
    assert "| loss " in sim.log("llama-pod-0").split("Starting training: steps")[-1]
    assert sim.job()["status"]["restartCount"] == 1  # the restarted run logs again, so the rule is satisfied


def test_without_log_monitoring_a_quiet_job_just_hangs() -> None:
    sim = make_sim()
    submit(sim, pytorch_job(duration=300, retries=2))
    sim.run(90, step=2)
    annotate(sim, QUIET_LOG_ANNOTATION, "true")
    sim.run(1)
    before = sim.log("llama-pod-0")
    sim.run(600, step=10)
    assert hyp_status(sim.job()) == "Running"  # would have completed after 300 s; a stuck job never does
    assert sim.job()["status"]["restartCount"] == 0
    assert sim.log("llama-pod-0") == before


def test_a_metric_threshold_breach_restarts_the_job_until_its_retries_run_out() -> None:
    sim = make_sim()
    job = pytorch_job(duration=3600, retries=2)
    job["spec"]["runPolicy"]["logMonitoringConfiguration"] = [
        {
            "name": "LossTooHigh",
            "logPattern": r".*\| loss (\d+\.\d+) \|.*",
            "metricThreshold": 1,
            "operator": "gt",
            "metricEvaluationDataPoints": 3,
        }
    ]
    submit(sim, job)
    sim.run(600, step=5)
    job = sim.job()
    assert hyp_status(job) == "Failed"
    assert job["status"]["restartCount"] == 2
    failed = condition(job, "Failed")
    assert "log monitoring rule LossTooHigh found the job slow: " in failed["message"]
    assert "> 1 for 3 data points" in failed["message"]
    assert "maximum number of retries (2)" in failed["message"]


def annotate(sim: Sim, key: str, value: str) -> None:
    sim.store.mutate(
        HYPERPOD_PYTORCH_JOBS,
        NS,
        "llama",
        lambda j: j["metadata"].setdefault("annotations", {}).__setitem__(key, value),
    )


def fault_story(seed: int) -> str:
    sim = make_sim(seed=seed)
    submit(sim, pytorch_job(duration=3600, retries=3))
    sim.run(120, step=3)
    sim.label(sim.node_of("llama-pod-1"), "UnschedulablePendingReplacement")
    sim.run(REPLACEMENT_SECONDS + DEEP_HEALTH_CHECK_SECONDS + 120, step=7)
    objects = [sim.store.list(kind)[0] for kind in (NODES, PODS, HYPERPOD_PYTORCH_JOBS, EVENTS)]
    logs = [sim.logs.read(NS, pod, CONTAINER, timestamps=True) for pod in ("llama-pod-0", "llama-pod-1")]
    return json.dumps([objects, logs], sort_keys=True)


def test_the_same_seed_tells_the_same_fault_story() -> None:
    assert fault_story(5) == fault_story(5)
    assert fault_story(5) != fault_story(6)


# ---- the seeded demo cluster, as `hyptui demo` starts it


def test_the_talk_demo_a_node_of_the_running_job_fails_and_its_pod_moves() -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=datetime(2026, 11, 28, 10, tzinfo=UTC), speed=0), seed=7)
    cluster.tick()
    # Once the evaluation job finishes, one accelerated node is spare.
    cluster.advance(6 * 60, step=5)
    pods = cluster.store.list(PODS, TEAM_A, label_selector="HPJob=llama3-1-8b-fsdp")[0]
    faulty = pods[1]["spec"]["nodeName"]
    cluster.store.mutate(
        NODES, None, faulty, lambda n: n["metadata"]["labels"].__setitem__(HEALTH, "UnschedulablePendingReboot")
    )
    cluster.advance(90)
    pods = cluster.store.list(PODS, TEAM_A, label_selector="HPJob=llama3-1-8b-fsdp")[0]
    assert [p["status"]["phase"] for p in pods] == ["Running", "Running"]
    assert faulty not in [p["spec"]["nodeName"] for p in pods]
    job = cluster.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_A, "llama3-1-8b-fsdp")
    assert hyp_status(job) == "Running"
    assert job["status"]["restartCount"] == 1
    assert job["status"]["latestFaultyPodInstanceList"]["faultyPodList"] == ["llama3-1-8b-fsdp-pod-1"]
    events = cluster.store.list(EVENTS, TEAM_A, field_selector="involvedObject.name=llama3-1-8b-fsdp")[0]
    assert remediation_seconds(events) > 0
    node_events = cluster.store.list(EVENTS, "default", field_selector=f"involvedObject.name={faulty}")[0]
    assert "NodeUnhealthy" in {e["reason"] for e in node_events}
