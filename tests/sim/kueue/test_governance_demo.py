"""The talk's task-governance demo, replayed step by step on the embedded cluster with a frozen clock: two teams with
one ml.g5.12xlarge each, lending and borrowing 100%, Kueue and the training operator doing the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hyptui.hyperpod.job_status import job_status
from hyptui.hyperpod.kinds import CLUSTER_QUEUES, HYPERPOD_PYTORCH_JOBS, PODS, WORKLOAD_PRIORITY_CLASSES
from hyptui.sim.cluster import EmbeddedCluster
from tests.governance_cluster import governance_demo_cluster

START = datetime(2025, 12, 2, 17, 30, tzinfo=UTC)
TEAM_A, TEAM_B = "hyperpod-ns-team-a", "hyperpod-ns-team-b"
A_TRAINING, B_TRAINING, B_EXPERIMENT = (
    "team-a-qwen3-training-prio",
    "team-b-qwen3-training-prio",
    "team-b-qwen3-experimentation-prio",
)


def hyp_job(name: str, namespace: str, nodes: int, priority: str) -> dict[str, Any]:
    """What `hyp create hyp-pytorch-job --queue-name ... --priority ... --node-count N` submits, trimmed."""
    labels = {"kueue.x-k8s.io/queue-name": f"{namespace}-localqueue", "kueue.x-k8s.io/priority-class": priority}
    container = {
        "name": "pytorch-job-container",
        "image": "qwen3-finetuning:pytorch2.8-cu129",
        "resources": {
            "requests": {"nvidia.com/gpu": "4", "cpu": "44", "memory": "160Gi"},
            "limits": {"nvidia.com/gpu": "4"},
        },
    }
    template = {
        "metadata": {"labels": labels},
        "spec": {"containers": [container], "nodeSelector": {"node.kubernetes.io/instance-type": "ml.g5.12xlarge"}},
    }
    return {
        "metadata": {"name": name, "labels": labels, "annotations": {"sim.hyptui.io/duration-seconds": "36000"}},
        "spec": {
            "nprocPerNode": "4",
            "replicaSpecs": [{"name": "pod", "replicas": nodes, "template": template}],
            "runPolicy": {"cleanPodPolicy": "None", "jobMaxRetryCount": 100},
        },
    }


@pytest.fixture
def cluster() -> EmbeddedCluster:
    return governance_demo_cluster(START)


def status(cluster: EmbeddedCluster, namespace: str, name: str) -> str:
    return job_status(cluster.store.get(HYPERPOD_PYTORCH_JOBS, namespace, name))


def running_pods(cluster: EmbeddedCluster, namespace: str, job: str) -> int:
    pods = cluster.store.list(PODS, namespace, label_selector=f"HPJob={job}")[0]
    return sum(1 for pod in pods if pod["status"]["phase"] == "Running")


def borrowed_gpus(cluster: EmbeddedCluster, team: str) -> str:
    queue = cluster.store.get(CLUSTER_QUEUES, None, f"hyperpod-ns-{team}-clusterqueue")
    [flavor] = queue["status"]["flavorsUsage"]
    return next(r["borrowed"] for r in flavor["resources"] if r["name"] == "nvidia.com/gpu")


def submit(cluster: EmbeddedCluster, name: str, namespace: str, nodes: int, priority: str) -> None:
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, hyp_job(name, namespace, nodes, priority), namespace)


def test_the_talks_governance_demo(cluster: EmbeddedCluster) -> None:
    classes = {c["metadata"]["name"]: c["value"] for c in cluster.store.list(WORKLOAD_PRIORITY_CLASSES)[0]}
    assert classes["experimentation-priority"] > classes["training-priority"]

    # Team A's 2-node job runs on its own instance and one borrowed from team B.
    submit(cluster, A_TRAINING, TEAM_A, 2, "training-priority")
    cluster.advance(90, step=5)
    assert status(cluster, TEAM_A, A_TRAINING) == "Running"
    assert running_pods(cluster, TEAM_A, A_TRAINING) == 2
    assert borrowed_gpus(cluster, "team-a") == "4"

    # Team B takes its guaranteed instance back: A's job is suspended, its pods go, B's job runs.
    submit(cluster, B_TRAINING, TEAM_B, 1, "training-priority")
    cluster.advance(5)
    assert status(cluster, TEAM_A, A_TRAINING) == "Suspended"
    assert cluster.store.list(PODS, TEAM_A, label_selector=f"HPJob={A_TRAINING}")[0] == []
    cluster.advance(85, step=5)
    assert status(cluster, TEAM_B, B_TRAINING) == "Running"
    assert running_pods(cluster, TEAM_B, B_TRAINING) == 1
    assert (borrowed_gpus(cluster, "team-a"), borrowed_gpus(cluster, "team-b")) == ("0", "0")

    # A higher-priority 2-node experimentation job in team B suspends B's training job and borrows A's idle instance.
    submit(cluster, B_EXPERIMENT, TEAM_B, 2, "experimentation-priority")
    cluster.advance(90, step=5)
    assert status(cluster, TEAM_B, B_TRAINING) == "Suspended"
    assert status(cluster, TEAM_B, B_EXPERIMENT) == "Running"
    assert status(cluster, TEAM_A, A_TRAINING) == "Suspended"
    assert borrowed_gpus(cluster, "team-b") == "4"

    # Deleting the experimentation job resumes B's training job; A's job still waits.
    cluster.store.delete(HYPERPOD_PYTORCH_JOBS, TEAM_B, B_EXPERIMENT)
    cluster.advance(90, step=5)
    assert status(cluster, TEAM_B, B_TRAINING) == "Running"
    assert status(cluster, TEAM_A, A_TRAINING) == "Suspended"

    # Deleting B's job frees the idle instance: A resumes and borrows again.
    cluster.store.delete(HYPERPOD_PYTORCH_JOBS, TEAM_B, B_TRAINING)
    cluster.advance(90, step=5)
    assert status(cluster, TEAM_A, A_TRAINING) == "Running"
    assert running_pods(cluster, TEAM_A, A_TRAINING) == 2
    assert borrowed_gpus(cluster, "team-a") == "4"
