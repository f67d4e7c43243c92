"""The simulated Kueue on a bare store: quota, borrowing and lending limits, preemption, ordering, and workloads that
can never fit. No training operator runs here, so an evicted job has no pods to wait for: its quota comes back on the
pass after the eviction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hyptui.hyperpod.kinds import (
    CLUSTER_QUEUES,
    EVENTS,
    HYPERPOD_PYTORCH_JOBS,
    LOCAL_QUEUES,
    NAMESPACES,
    RESOURCE_FLAVORS,
    WORKLOAD_PRIORITY_CLASSES,
    WORKLOADS,
)
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.kueue.scheduler import KueueScheduler
from hyptui.sim.kueue.workloads import workload_name

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
FLAVOR = "ml.g5.12xlarge"


class Kueue:
    def __init__(self) -> None:
        self.clock = SimClock(start=START, speed=0)
        self.store = ObjectStore(self.clock)
        self.scheduler = KueueScheduler(self.store)
        self.store.create(RESOURCE_FLAVORS, {"metadata": {"name": FLAVOR}, "spec": {"nodeLabels": {"it": FLAVOR}}})
        for name, value in (("low", 10), ("high", 100)):
            self.store.create(WORKLOAD_PRIORITY_CLASSES, {"metadata": {"name": name}, "value": value})

    def queue(
        self, team: str, gpus: int, borrow: int | None = None, lend: int | None = None, **preemption: str
    ) -> None:
        self.store.create(NAMESPACES, {"metadata": {"name": team}})
        gpu: dict[str, Any] = {"name": "nvidia.com/gpu", "nominalQuota": str(gpus)}
        if borrow is not None:
            gpu["borrowingLimit"] = str(borrow)
        if lend is not None:
            gpu["lendingLimit"] = str(lend)
        spec = {
            "cohortName": "pool",
            "namespaceSelector": {},
            "preemption": {"withinClusterQueue": "LowerPriority", "reclaimWithinCohort": "Any", **preemption},
            "resourceGroups": [
                {"coveredResources": ["nvidia.com/gpu"], "flavors": [{"name": FLAVOR, "resources": [gpu]}]}
            ],
        }
        self.store.create(CLUSTER_QUEUES, {"metadata": {"name": f"{team}-cq"}, "spec": spec})
        self.store.create(LOCAL_QUEUES, {"metadata": {"name": "lq"}, "spec": {"clusterQueue": f"{team}-cq"}}, team)

    def submit(self, team: str, name: str, gpus: int, pods: int = 1, priority: str = "low") -> None:
        labels = {"kueue.x-k8s.io/queue-name": "lq", "kueue.x-k8s.io/priority-class": priority}
        container = {"name": "c", "image": "i", "resources": {"limits": {"nvidia.com/gpu": str(gpus)}}}
        replica = {"name": "pod", "replicas": pods, "template": {"spec": {"containers": [container]}}}
        job = {"metadata": {"name": name, "labels": labels}, "spec": {"replicaSpecs": [replica]}}
        self.store.create(HYPERPOD_PYTORCH_JOBS, job, team)

    def tick(self, seconds: float = 1) -> None:
        self.clock.advance(seconds)
        self.scheduler.tick(self.clock.now())

    def workload(self, team: str, job: str) -> dict[str, Any]:
        return self.store.get(WORKLOADS, team, workload_name(self.store.get(HYPERPOD_PYTORCH_JOBS, team, job)))

    def condition(self, team: str, job: str, kind: str) -> tuple[str, str, str] | None:
        found = [c for c in self.workload(team, job)["status"]["conditions"] if c["type"] == kind]
        return (found[0]["status"], found[0]["reason"], found[0]["message"]) if found else None

    def running(self, team: str) -> list[str]:
        jobs = self.store.list(HYPERPOD_PYTORCH_JOBS, team)[0]
        return [j["metadata"]["name"] for j in jobs if not j["spec"]["runPolicy"]["suspend"]]

    def gpus(self, team: str) -> tuple[str, str]:
        [flavor] = self.store.get(CLUSTER_QUEUES, None, f"{team}-cq")["status"]["flavorsUsage"]
        [gpu] = flavor["resources"]
        return gpu["total"], gpu["borrowed"]


@pytest.fixture
def kueue() -> Kueue:
    return Kueue()


def test_a_queued_job_starts_suspended_and_runs_once_admitted(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.submit("a", "job", gpus=4)
    assert kueue.store.get(HYPERPOD_PYTORCH_JOBS, "a", "job")["spec"]["runPolicy"]["suspend"] is True
    kueue.tick()
    workload = kueue.workload("a", "job")
    assert workload["metadata"]["name"].startswith("hyperpodpytorchjob-job-")
    assert len(workload["metadata"]["name"]) == len("hyperpodpytorchjob-job-") + 5
    assert workload["metadata"]["ownerReferences"][0]["kind"] == "HyperPodPyTorchJob"
    assert workload["spec"]["priorityClassRef"] == {
        "group": "kueue.x-k8s.io",
        "kind": "WorkloadPriorityClass",
        "name": "low",
    }
    assert workload["spec"]["priority"] == 10
    assert workload["status"]["admission"] == {
        "clusterQueue": "a-cq",
        "podSetAssignments": [
            {"name": "pod", "flavors": {"nvidia.com/gpu": FLAVOR}, "resourceUsage": {"nvidia.com/gpu": "4"}, "count": 1}
        ],
    }
    assert kueue.condition("a", "job", "Admitted") == ("True", "Admitted", "The workload is admitted")
    job = kueue.store.get(HYPERPOD_PYTORCH_JOBS, "a", "job")
    assert job["spec"]["runPolicy"]["suspend"] is False
    assert job["spec"]["replicaSpecs"][0]["template"]["spec"]["nodeSelector"] == {"it": FLAVOR}
    reasons = [e["reason"] for e in kueue.store.list(EVENTS, "a")[0]]
    assert {"CreatedWorkload", "QuotaReserved", "Admitted", "Started"} <= set(reasons)
    local = kueue.store.get(LOCAL_QUEUES, "a", "lq")["status"]
    assert (local["pendingWorkloads"], local["reservingWorkloads"], local["admittedWorkloads"]) == (0, 1, 1)
    assert local["flavorsUsage"] == [{"name": FLAVOR, "resources": [{"name": "nvidia.com/gpu", "total": "4"}]}]


def test_borrowing_stops_at_the_borrowing_limit(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4, borrow=2)
    kueue.queue("b", gpus=4)
    kueue.submit("a", "too-big", gpus=8)
    kueue.submit("a", "borrows", gpus=6)
    kueue.tick()
    assert kueue.running("a") == ["borrows"]
    assert kueue.gpus("a") == ("6", "2")
    assert kueue.condition("a", "too-big", "QuotaReserved") == (
        "False",
        "Pending",
        "couldn't assign flavors to pod set pod: insufficient quota for nvidia.com/gpu in flavor ml.g5.12xlarge, "
        "previously considered podsets requests (0) + current podset request (8) > maximum capacity (6)",
    )


def test_a_lending_limit_keeps_quota_home(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.queue("b", gpus=4, lend=1)
    kueue.submit("a", "wants-six", gpus=6)
    kueue.submit("a", "wants-five", gpus=5)
    kueue.tick()
    assert kueue.running("a") == ["wants-five"]
    assert kueue.gpus("a") == ("5", "1")
    assert "maximum capacity (5)" in kueue.condition("a", "wants-six", "QuotaReserved")[2]
    kueue.submit("b", "home", gpus=3)
    kueue.tick()
    assert kueue.running("b") == ["home"]  # the 3 GPUs b keeps for itself were never lent out


def test_a_higher_priority_job_preempts_within_its_queue(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.submit("a", "batch", gpus=4, priority="low")
    kueue.tick()
    kueue.submit("a", "urgent", gpus=4, priority="high")
    kueue.tick()
    assert kueue.running("a") == []  # batch stopped, urgent waits for the quota to come back
    evicted = kueue.condition("a", "batch", "Evicted")
    assert evicted is not None and evicted[:2] == ("True", "Preempted")
    urgent_uid = kueue.workload("a", "urgent")["metadata"]["uid"]
    assert evicted[2].startswith(f"Preempted to accommodate a workload (UID: {urgent_uid}, JobUID: ")
    assert evicted[2].endswith(
        "due to prioritization in the ClusterQueue; preemptor path: /pool/a-cq; preemptee path: /pool/a-cq"
    )
    assert kueue.condition("a", "batch", "Preempted")[:2] == ("True", "InClusterQueue")
    assert kueue.condition("a", "urgent", "QuotaReserved")[2].endswith(". Pending the preemption of 1 workload(s)")
    kueue.tick()
    assert kueue.running("a") == ["urgent"]
    assert kueue.condition("a", "batch", "Requeued")[:2] == ("True", "Preempted")
    assert kueue.condition("a", "batch", "Admitted") == ("False", "NoReservation", "The workload has no reservation")
    assert kueue.condition("a", "batch", "QuotaReserved")[:2] == ("False", "Pending")
    assert "admission" not in kueue.workload("a", "batch")["status"]


def test_equal_priority_never_preempts_within_a_queue(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.submit("a", "first", gpus=4)
    kueue.tick()
    kueue.submit("a", "second", gpus=4)
    kueue.tick(5)
    assert kueue.running("a") == ["first"]
    assert kueue.condition("a", "second", "QuotaReserved") == (
        "False",
        "Pending",
        "couldn't assign flavors to pod set pod: insufficient unused quota for nvidia.com/gpu in flavor "
        "ml.g5.12xlarge, 4 more needed",
    )


def test_a_team_reclaims_its_lent_quota_whatever_the_priority(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.queue("b", gpus=4)
    kueue.submit("a", "borrower", gpus=8, priority="high")
    kueue.tick()
    assert kueue.gpus("a") == ("8", "4")
    kueue.submit("b", "owner", gpus=4, priority="low")
    kueue.tick()
    assert kueue.condition("a", "borrower", "Preempted")[:2] == ("True", "InCohortReclamation")
    assert "due to reclamation within the cohort" in kueue.condition("a", "borrower", "Evicted")[2]
    kueue.tick()
    assert (kueue.running("a"), kueue.running("b")) == ([], ["owner"])
    assert kueue.gpus("a") == ("0", "0")
    # 8 GPUs no longer fit a's share: it waits, and preempts nothing (8 > its nominal 4).
    assert kueue.condition("a", "borrower", "QuotaReserved")[2].endswith("4 more needed")


def test_a_borrowing_team_cannot_reclaim(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.queue("b", gpus=4)
    kueue.submit("a", "borrower", gpus=6)
    kueue.submit("b", "home", gpus=2)
    kueue.tick()
    assert kueue.gpus("a") == ("6", "2")
    # 2 + 4 GPUs would take b past its nominal 4: reclaiming is for getting back to the guarantee, not beyond.
    kueue.submit("b", "more", gpus=4, priority="high")
    kueue.tick(3)
    assert (kueue.running("a"), kueue.running("b")) == (["borrower"], ["home"])
    assert kueue.condition("b", "more", "QuotaReserved")[2].endswith("4 more needed")


def test_priority_first_then_first_come_first_served(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.submit("a", "holder", gpus=4, priority="high")
    kueue.tick()
    for name, priority in (("old-low", "low"), ("new-high", "high"), ("newer-low", "low")):
        kueue.submit("a", name, gpus=4, priority=priority)
        kueue.tick()
    order = []
    for _ in range(3):
        (running,) = kueue.running("a")
        kueue.store.delete(HYPERPOD_PYTORCH_JOBS, "a", running)
        kueue.tick()
        order.append(kueue.running("a")[0])
    assert order == ["new-high", "old-low", "newer-low"]


def test_a_workload_that_can_never_fit_says_so_once_and_preempts_nobody(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4, borrow=0)
    kueue.queue("b", gpus=4)
    kueue.submit("a", "small", gpus=2, priority="low")
    kueue.submit("b", "other", gpus=4, priority="low")
    kueue.tick()
    kueue.submit("a", "huge", gpus=16, pods=2, priority="high")
    kueue.tick()
    stamp = kueue.workload("a", "huge")["metadata"]["resourceVersion"]
    for _ in range(20):
        kueue.tick(5)
    assert (kueue.running("a"), kueue.running("b")) == (["small"], ["other"])
    assert kueue.condition("a", "huge", "QuotaReserved") == (
        "False",
        "Pending",
        "couldn't assign flavors to pod set pod: insufficient quota for nvidia.com/gpu in flavor ml.g5.12xlarge, "
        "previously considered podsets requests (0) + current podset request (32) > maximum capacity (4)",
    )
    assert kueue.workload("a", "huge")["metadata"]["resourceVersion"] == stamp  # no rewrite on every pass
    for job in ("small", "other"):
        assert kueue.condition("a" if job == "small" else "b", job, "Evicted") is None
    pending = [e for e in kueue.store.list(EVENTS, "a")[0] if e["reason"] == "Pending"]
    assert [e["count"] for e in pending] == [1]


def test_a_job_without_a_local_queue_waits_with_the_reason(kueue: Kueue) -> None:
    kueue.store.create(NAMESPACES, {"metadata": {"name": "lost"}})
    kueue.submit("lost", "job", gpus=1)
    kueue.tick()
    assert kueue.condition("lost", "job", "QuotaReserved") == ("False", "Inadmissible", "LocalQueue lq doesn't exist")
    assert kueue.running("lost") == []


def test_finished_jobs_give_their_quota_back(kueue: Kueue) -> None:
    kueue.queue("a", gpus=4)
    kueue.submit("a", "first", gpus=4)
    kueue.tick()
    kueue.submit("a", "second", gpus=4)
    kueue.tick()
    assert kueue.running("a") == ["first"]

    def complete(job: dict[str, Any]) -> None:
        job["status"] = {"conditions": [{"type": "Completed", "status": "True"}]}

    kueue.store.mutate(HYPERPOD_PYTORCH_JOBS, "a", "first", complete)
    kueue.tick()
    assert kueue.condition("a", "first", "Finished") == ("True", "Succeeded", "Job finished successfully")
    assert kueue.running("a") == ["first", "second"]  # a finished job is not suspended again
    assert kueue.gpus("a") == ("4", "0")
