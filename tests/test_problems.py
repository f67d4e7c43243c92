"""The problems view's ranking, on the seeded demo cluster and on hand-made faults."""

from __future__ import annotations

from hyptui.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.problems import Severity, find_problems
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.store.actions import ListLoaded
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState
from tests.conftest import FIXED_START


def state_of(cluster: EmbeddedCluster) -> AppState:
    actions = []
    for kind in (HYPERPOD_PYTORCH_JOBS, PODS, NODES):
        items, version = cluster.store.list(kind)
        actions.append(ListLoaded(kind.key, tuple(items), str(version)))
    return reduce_many(EMPTY_STATE, actions)


def summary(cluster: EmbeddedCluster) -> list[tuple[str, str, str, str]]:
    return [
        (problem.severity.name, problem.kind, problem.name, problem.reason)
        for problem in find_problems(state_of(cluster), cluster.clock.now())
    ]


def test_the_seed_shows_its_failed_job_first_then_the_pods_that_cannot_be_scheduled() -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.tick()
    assert summary(cluster) == [
        ("BROKEN", "jobs", "mistral-7b-dpo", "Failed"),
        ("STUCK", "pods", "llama3-3-70b-lora-pod-0", "Pending for 40m (unschedulable)"),
        ("STUCK", "pods", "llama3-3-70b-lora-pod-1", "Pending for 40m (unschedulable)"),
    ]
    problems = find_problems(state_of(cluster), cluster.clock.now())
    assert "maximum number of retries" in problems[0].detail
    assert problems[1].detail.startswith("0/10 nodes are available:")


def test_an_unhealthy_node_is_broken_and_ranks_with_the_failures() -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.tick()
    node = next(n for n in cluster.store.list(NODES)[0] if n["status"]["allocatable"].get("nvidia.com/gpu"))
    name = node["metadata"]["name"]
    label = {"sagemaker.amazonaws.com/node-health-status": "UnschedulablePendingReboot"}
    cluster.store.patch(NODES, None, name, {"metadata": {"labels": label}}, "application/merge-patch+json")
    broken = [row for row in summary(cluster) if row[0] == Severity.BROKEN.name]
    assert ("BROKEN", "nodes", name, "UnschedulablePendingReboot") in broken
