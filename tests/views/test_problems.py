"""The problems view's ranking, on the seeded demo cluster and on hand-made faults."""

from __future__ import annotations

from hyptui.hyperpod.kinds import CLUSTER_QUEUES, HYPERPOD_PYTORCH_JOBS, LOCAL_QUEUES, NODES, PODS, WORKLOADS
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.store.actions import ListLoaded
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState
from hyptui.views.problems import Severity, find_problems
from tests.fixed_clock import FIXED_START
from tests.job_manifests import unschedulable_job


def state_of(cluster: EmbeddedCluster) -> AppState:
    actions = []
    for kind in (HYPERPOD_PYTORCH_JOBS, PODS, NODES, CLUSTER_QUEUES, LOCAL_QUEUES, WORKLOADS):
        items, version = cluster.store.list(kind)
        actions.append(ListLoaded(kind.key, tuple(items), str(version)))
    return reduce_many(EMPTY_STATE, actions)


def summary(cluster: EmbeddedCluster) -> list[tuple[str, str, str, str]]:
    return [
        (problem.severity.name, problem.kind, problem.name, problem.reason)
        for problem in find_problems(state_of(cluster), cluster.clock.now())
    ]


def test_the_seed_shows_its_failed_job_first_and_notes_the_job_kueue_keeps_suspended() -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.tick()
    assert summary(cluster) == [
        ("BROKEN", "jobs", "mistral-7b-dpo", "Failed"),
        ("NOTE", "jobs", "llama3-3-70b-lora", "Suspended (pending in queue)"),
    ]
    problems = find_problems(state_of(cluster), cluster.clock.now())
    assert "maximum number of retries" in problems[0].detail
    assert problems[1].detail.startswith("llama3-3-70b-lora asks for 16 GPUs. Its team's queue")


def test_pods_pending_too_long_are_stuck_with_the_schedulers_reason() -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, unschedulable_job("too-big"))
    cluster.advance(4 * 60)
    assert [p for p in summary(cluster) if p[2].startswith("too-big")] == []  # not yet: pending is normal at first
    cluster.advance(2 * 60 + 1)  # the operator creates the pods a second after the job
    stuck = [p for p in find_problems(state_of(cluster), cluster.clock.now()) if p.name.startswith("too-big")]
    assert [(p.severity.name, p.kind, p.name, p.reason) for p in stuck] == [
        ("STUCK", "pods", "too-big-pod-0", "Pending for 6m (unschedulable)"),
        ("STUCK", "pods", "too-big-pod-1", "Pending for 6m (unschedulable)"),
    ]
    assert stuck[0].detail.startswith("0/10 nodes are available:") and "Insufficient nvidia.com/gpu" in stuck[0].detail


def test_an_unhealthy_node_is_broken_and_ranks_with_the_failures() -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.tick()
    node = next(n for n in cluster.store.list(NODES)[0] if n["status"]["allocatable"].get("nvidia.com/gpu"))
    name = node["metadata"]["name"]
    label = {"sagemaker.amazonaws.com/node-health-status": "UnschedulablePendingReboot"}
    cluster.store.patch(NODES, None, name, {"metadata": {"labels": label}}, "application/merge-patch+json")
    broken = [row for row in summary(cluster) if row[0] == Severity.BROKEN.name]
    assert ("BROKEN", "nodes", name, "UnschedulablePendingReboot") in broken
