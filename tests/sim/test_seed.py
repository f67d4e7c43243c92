"""The demo cluster: the AIM371 topology, jobs caught in every state, and the same cluster for the same seed."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from hyptui.hyperpod.kinds import CLUSTER_QUEUES, EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS, WORKLOADS
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.seed import CLUSTER_NAME, seed_cluster
from hyptui.sim.training.operator import TrainingOperator

START = datetime(2025, 12, 2, 17, 30, tzinfo=UTC)
TEAM_A, TEAM_B = "hyperpod-ns-team-a", "hyperpod-ns-team-b"


@dataclass
class Seeded:
    clock: SimClock
    store: ObjectStore
    logs: LogStore
    operator: TrainingOperator


def seeded(seed: int = 7) -> Seeded:
    clock = SimClock(start=START, speed=0)
    store, logs, rng = ObjectStore(clock), LogStore(), random.Random(seed)
    operator = TrainingOperator(store, logs, rng)  # built first, as the embedded cluster does
    seed_cluster(store, logs, clock, rng)
    operator.tick(clock.now())
    return Seeded(clock, store, logs, operator)


def hyp_status(job: dict) -> str:
    for condition in reversed(job["status"]["conditions"]):
        if condition["status"] == "True":
            return condition["type"]
    return "Unknown"


def statuses(store: ObjectStore) -> dict[str, str]:
    return {job["metadata"]["name"]: hyp_status(job) for job in store.list(HYPERPOD_PYTORCH_JOBS)[0]}


def test_seed_leaves_the_clock_where_it_was() -> None:
    assert seeded().clock.now() == START


def test_namespaces_and_team_labels() -> None:
    store = seeded().store
    names = {ns["metadata"]["name"] for ns in store.list(NAMESPACES)[0]}
    assert {"default", "kube-system", "aws-hyperpod", "hyperpod-inference-system", TEAM_A, TEAM_B} <= names
    team_a = store.get(NAMESPACES, None, TEAM_A)["metadata"]["labels"]
    assert team_a["sagemaker.amazonaws.com/sagemaker-managed-queue"] == "true"
    assert team_a["sagemaker.amazonaws.com/quota-allocation-id"] == "team-a"


def test_nodes_match_the_talk_cluster() -> None:
    nodes = seeded().store.list(NODES)[0]
    groups: dict[tuple[str, str], int] = {}
    for node in nodes:
        labels = node["metadata"]["labels"]
        assert labels["sagemaker.amazonaws.com/cluster-name"] == CLUSTER_NAME
        key = (labels["sagemaker.amazonaws.com/instance-group-name"], labels["node.kubernetes.io/instance-type"])
        groups[key] = groups.get(key, 0) + 1
    assert groups == {
        ("accelerated-worker-group", "ml.g5.12xlarge"): 4,
        ("general-purpose-worker-group", "ml.t3.medium"): 6,
    }


def test_jobs_show_every_state_at_once() -> None:
    sim = seeded()
    assert statuses(sim.store) == {
        "llama3-2-3b-sft": "Completed",
        "mistral-7b-dpo": "Failed",
        "llama3-1-8b-fsdp": "Running",
        "llama3-3-70b-lora": "Suspended",
        "qwen3-4b-thinking-fsdp": "Running",
        "llama3-1-8b-eval": "Created",
    }
    for job in sim.store.list(HYPERPOD_PYTORCH_JOBS)[0]:
        assert datetime.fromisoformat(job["metadata"]["creationTimestamp"]) < START
    qwen = sim.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_A, "qwen3-4b-thinking-fsdp")
    assert qwen["status"]["restartCount"] == 1
    assert qwen["status"]["latestFaultyPodInstanceList"]["faultyPodList"] == ["qwen3-4b-thinking-fsdp-pod-0"]
    remediated = sim.store.list(
        EVENTS, TEAM_A, field_selector="involvedObject.name=qwen3-4b-thinking-fsdp,reason=HyperPodPyTorchJobRemediated"
    )[0]
    assert [e["message"] for e in remediated] == [
        "HyperPodPyTorchJob qwen3-4b-thinking-fsdp fault remediated in 5.0 seconds."
    ]
    assert sim.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_B, "mistral-7b-dpo")["status"]["restartCount"] == 2
    running = sim.store.list(PODS, TEAM_A, label_selector="HPJob=llama3-1-8b-fsdp")[0]
    assert [p["status"]["phase"] for p in running] == ["Running", "Running"]
    assert "step " in "".join(sim.logs.read(TEAM_A, "llama3-1-8b-fsdp-pod-1", "pytorch-job-container"))


def test_the_just_submitted_job_moves_within_the_first_minutes_of_a_demo() -> None:
    sim = seeded()
    pods = sim.store.list(PODS, TEAM_B, label_selector="HPJob=llama3-1-8b-eval")[0]
    assert [p["status"]["phase"] for p in pods] == ["Pending"]  # pulling its image
    seen = []
    for _ in range(10 * 60):
        sim.clock.advance(1)
        sim.operator.tick(sim.clock.now())
        status = statuses(sim.store)["llama3-1-8b-eval"]
        if not seen or seen[-1][1] != status:
            seen.append(((sim.clock.now() - START).total_seconds(), status))
    assert [status for _, status in seen] == ["Created", "Running", "Completed"]
    running_at, completed_at = seen[1][0], seen[2][0]
    assert running_at <= 60 and completed_at <= 6 * 60


def test_the_big_job_waits_in_its_queue_while_team_a_borrows() -> None:
    store = seeded().store
    assert store.list(PODS, TEAM_B, label_selector="HPJob=llama3-3-70b-lora")[0] == []
    job = store.get(HYPERPOD_PYTORCH_JOBS, TEAM_B, "llama3-3-70b-lora")
    assert job["spec"]["runPolicy"]["suspend"] is True
    [workload] = [w for w in store.list(WORKLOADS, TEAM_B)[0] if "70b" in w["metadata"]["name"]]
    [reserved] = [c for c in workload["status"]["conditions"] if c["type"] == "QuotaReserved"]
    assert (reserved["status"], reserved["reason"]) == ("False", "Pending")
    assert reserved["message"].startswith("couldn't assign flavors to pod set pod: ")
    assert (
        "insufficient unused quota for nvidia.com/gpu in flavor ml.g5.12xlarge, 16 more needed" in reserved["message"]
    )
    team_a = store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-a-clusterqueue")["status"]
    [flavor] = team_a["flavorsUsage"]
    gpus = next(r for r in flavor["resources"] if r["name"] == "nvidia.com/gpu")
    assert (flavor["name"], gpus["total"], gpus["borrowed"]) == ("ml.g5.12xlarge", "12", "4")
    team_b = store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-b-clusterqueue")["status"]
    assert (team_b["pendingWorkloads"], team_b["admittedWorkloads"]) == (1, 1)


def test_event_timestamps_never_run_backwards() -> None:
    sim = seeded()
    for _ in range(12):
        sim.clock.advance(10)
        sim.operator.tick(sim.clock.now())
    for event in sim.store.list(EVENTS)[0]:
        assert event["firstTimestamp"] <= event["lastTimestamp"] <= "2025-12-02T17:32:00Z", event["metadata"]["name"]


def test_the_flaky_job_faults_again_during_the_demo() -> None:
    sim = seeded()
    for _ in range(15 * 60 // 5):
        sim.clock.advance(5)
        sim.operator.tick(sim.clock.now())
    qwen = sim.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_A, "qwen3-4b-thinking-fsdp")
    assert qwen["status"]["restartCount"] == 2
    assert hyp_status(qwen) == "Running"
    previous = "".join(sim.logs.read(TEAM_A, "qwen3-4b-thinking-fsdp-pod-0", "pytorch-job-container", previous=True))
    assert "Traceback (most recent call last):" in previous


def test_the_operator_pod_has_its_logs() -> None:
    sim = seeded()
    [operator] = sim.store.list(PODS, "aws-hyperpod", label_selector="hp-training-control-plane")[0]
    assert operator["metadata"]["name"].startswith("hp-training-operator-hp-training-controller-manager-")
    lines = "".join(sim.logs.read("aws-hyperpod", operator["metadata"]["name"], "manager"))
    assert "starting manager" in lines
    assert '"name": "llama3-1-8b-fsdp"' in lines


def dump(sim: Seeded) -> str:
    objects = {kind.key: sim.store.list(kind)[0] for kind in (NAMESPACES, NODES, PODS, HYPERPOD_PYTORCH_JOBS, EVENTS)}
    pods = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in objects["pods"]]
    logs = [sim.logs.read(ns, name, "pytorch-job-container", timestamps=True) for ns, name in pods]
    return json.dumps([objects, logs], sort_keys=True)


def test_same_start_and_seed_give_the_same_cluster() -> None:
    assert dump(seeded(7)) == dump(seeded(7))
    assert dump(seeded(7)) != dump(seeded(8))
