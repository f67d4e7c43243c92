"""Task governance read from the embedded cluster's Kueue objects: team GPUs, workload states, and why a job waits."""

from __future__ import annotations

from hyptui.hyperpod.kinds import (
    CLUSTER_QUEUES,
    HYPERPOD_PYTORCH_JOBS,
    LOCAL_QUEUES,
    WORKLOAD_PRIORITY_CLASSES,
    WORKLOADS,
)
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.store.actions import ListLoaded
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState
from hyptui.views.queues import fair_sharing, priority_classes, team_rows, why_waiting, workload_rows
from tests.fixed_clock import FIXED_START
from tests.job_manifests import pytorch_job


def state_of(cluster: EmbeddedCluster) -> AppState:
    actions = []
    for kind in (CLUSTER_QUEUES, LOCAL_QUEUES, WORKLOADS, WORKLOAD_PRIORITY_CLASSES):
        items, version = cluster.store.list(kind)
        actions.append(ListLoaded(kind.key, tuple(items), str(version)))
    return reduce_many(EMPTY_STATE, actions)


def seeded() -> EmbeddedCluster:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.tick()
    return cluster


def test_priority_classes_in_order_and_who_borrows_from_whom() -> None:
    state = state_of(seeded())
    assert [row.name for row in priority_classes(state)] == [
        "inference-priority",
        "experimentation-priority",
        "training-priority",
        "fine-tuning-priority",
    ]
    teams = {row.queue: row for row in team_rows(state)}
    a, b = teams["hyperpod-ns-team-a-clusterqueue"], teams["hyperpod-ns-team-b-clusterqueue"]
    assert (a.guaranteed, a.in_use, a.borrowed, a.lent, a.idle) == (8, 12, 4, 0, 0)
    assert (b.guaranteed, b.in_use, b.borrowed, b.lent, b.idle) == (8, 4, 0, 4, 0)


def test_why_a_job_waits_names_its_team_and_who_holds_its_quota() -> None:
    cluster = seeded()
    state = state_of(cluster)
    rows = {row.job: row for row in workload_rows(state, cluster.clock.now())}
    waiting = rows["llama3-3-70b-lora"]
    assert (waiting.state, waiting.gpus) == ("PENDING", 16)
    text = why_waiting(state, waiting, cluster.clock.now())
    assert text.startswith("llama3-3-70b-lora asks for 16 GPUs. Its team's queue hyperpod-ns-team-b-clusterqueue")
    assert "so 0 of its own are free (4 lent to hyperpod-ns-team-a-clusterqueue)" in text
    assert "Kueue says: couldn't assign flavors" in text
    running = why_waiting(state, rows["llama3-1-8b-fsdp"], cluster.clock.now())
    assert (
        running
        == "llama3-1-8b-fsdp asks for 8 GPUs and holds them in hyperpod-ns-team-a-clusterqueue (admitted 120m ago)."
    )


def test_a_reclaimed_workload_says_it_was_preempted() -> None:
    cluster = seeded()
    job = pytorch_job("team-b-eval-2", "hyperpod-ns-team-b", "ml.g5.12xlarge", {"nvidia.com/gpu": 4})
    job["metadata"]["labels"] = {
        "kueue.x-k8s.io/queue-name": "hyperpod-ns-team-b-localqueue",
        "kueue.x-k8s.io/priority-class": "experimentation-priority",
    }
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, job)
    cluster.advance(30)
    state = state_of(cluster)
    rows = workload_rows(state, cluster.clock.now())
    preempted = [row for row in rows if row.state == "PREEMPTED"]
    assert len(preempted) == 1 and preempted[0].namespace == "hyperpod-ns-team-a"
    text = why_waiting(state, preempted[0], cluster.clock.now())
    assert "It was preempted" in text and "runs again when that much is free" in text
    assert any(row.job == "team-b-eval-2" and row.state == "ADMITTED" for row in rows)


def test_waiting_workloads_are_numbered_in_the_order_their_queue_admits_them() -> None:
    cluster = seeded()
    for name, priority in (("later-low", "fine-tuning-priority"), ("later-high", "experimentation-priority")):
        cluster.advance(1)
        job = pytorch_job(name, "hyperpod-ns-team-b", "ml.g5.12xlarge", {"nvidia.com/gpu": "4"}, replicas=4)
        job["metadata"]["labels"] = {
            "kueue.x-k8s.io/queue-name": "hyperpod-ns-team-b-localqueue",
            "kueue.x-k8s.io/priority-class": priority,
        }
        cluster.store.create(HYPERPOD_PYTORCH_JOBS, job, "hyperpod-ns-team-b")
    cluster.tick()
    state = state_of(cluster)
    rows = {row.job: row for row in workload_rows(state, cluster.clock.now())}
    # Higher priority first, then first come: the seeded 70B job (training) was there before the fine-tuning one.
    assert [rows[job].position for job in ("later-high", "llama3-3-70b-lora", "later-low")] == [1, 2, 3]
    assert rows["llama3-1-8b-fsdp"].position is None  # admitted: not in line
    text = why_waiting(state, rows["later-low"], cluster.clock.now())
    assert "It is number 3 in line for hyperpod-ns-team-b-clusterqueue." in text
    assert fair_sharing(state)
