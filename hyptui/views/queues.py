"""Task governance as a person reads it: the priority classes in order, each team's GPUs (guaranteed, in use,
borrowed, lent, idle), every workload with its state, and a plain-language answer to "why is my job not running?"
built from the quota arithmetic rather than the raw Kueue condition."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from hyptui.hyperpod.age import human_duration, parse_time
from hyptui.hyperpod.conditions import conditions_by_type
from hyptui.hyperpod.kinds import CLUSTER_QUEUES, LOCAL_QUEUES, WORKLOAD_PRIORITY_CLASSES, WORKLOADS
from hyptui.hyperpod.quantities import whole_count
from hyptui.hyperpod.resources import GPU
from hyptui.store.state import AppState, KubeObject


@dataclass(frozen=True, slots=True)
class PriorityRow:
    name: str
    value: int
    description: str


def priority_classes(state: AppState) -> tuple[PriorityRow, ...]:
    rows = [
        PriorityRow(wpc.name, whole_count(wpc.raw.get("value")), str(wpc.raw.get("description") or ""))
        for wpc in state.collection(WORKLOAD_PRIORITY_CLASSES.key).objects.values()
    ]
    return tuple(sorted(rows, key=lambda row: (-row.value, row.name)))


@dataclass(frozen=True, slots=True)
class TeamRow:
    queue: str  # the ClusterQueue
    cohort: str
    guaranteed: int  # nominal GPUs
    borrow_limit: int | None  # None: no limit
    in_use: int  # admitted GPUs, borrowed ones included
    borrowed: int
    lent: int  # this team's guaranteed GPUs that others are using
    idle: int  # guaranteed and used by nobody
    pending: int
    admitted: int


def _gpu_quota(queue: KubeObject) -> tuple[int, int | None]:
    nominal, limit, limited = 0, 0, False
    for group in (queue.raw.get("spec") or {}).get("resourceGroups") or ():
        for flavor in group.get("flavors") or ():
            for resource in flavor.get("resources") or ():
                if resource.get("name") == GPU:
                    nominal += whole_count(resource.get("nominalQuota"))
                    if resource.get("borrowingLimit") is not None:
                        limited = True
                        limit += whole_count(resource["borrowingLimit"])
    return nominal, (limit if limited else None)


def _gpu_usage(queue: KubeObject) -> tuple[int, int]:
    total = borrowed = 0
    for flavor in (queue.raw.get("status") or {}).get("flavorsUsage") or ():
        for resource in flavor.get("resources") or ():
            if resource.get("name") == GPU:
                total += whole_count(resource.get("total"))
                borrowed += whole_count(resource.get("borrowed"))
    return total, borrowed


def team_rows(state: AppState) -> tuple[TeamRow, ...]:
    queues = sorted(state.collection(CLUSTER_QUEUES.key).objects.values(), key=lambda q: q.name)
    usage = {q.name: _gpu_usage(q) for q in queues}
    rows = []
    for queue in queues:
        spec = queue.raw.get("spec") or {}
        cohort = str(spec.get("cohortName") or spec.get("cohort") or "")
        guaranteed, limit = _gpu_quota(queue)
        in_use, borrowed = usage[queue.name]
        own = in_use - borrowed
        # What the rest of the cohort borrows comes out of its members' unused guarantees, in queue order.
        borrowed_by_others = sum(
            usage[q.name][1]
            for q in queues
            if q.name != queue.name and cohort and str((q.raw.get("spec") or {}).get("cohortName") or "") == cohort
        )
        lent = min(max(0, guaranteed - own), borrowed_by_others) if cohort else 0
        status = queue.raw.get("status") or {}
        rows.append(
            TeamRow(
                queue=queue.name,
                cohort=cohort,
                guaranteed=guaranteed,
                borrow_limit=limit,
                in_use=in_use,
                borrowed=borrowed,
                lent=lent,
                idle=max(0, guaranteed - own - lent),
                pending=whole_count(status.get("pendingWorkloads")),
                admitted=whole_count(status.get("admittedWorkloads")),
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class WorkloadRow:
    key: str  # namespace/workload
    namespace: str
    name: str
    job: str  # the owning job's name ("" if none)
    queue: str  # LocalQueue
    priority: str  # class name
    priority_value: int
    state: str  # FINISHED, ADMITTED, QUOTARESERVED, PREEMPTED or PENDING
    gpus: int  # what it asks for, all pods together
    waiting: str  # since when it has been in its current state
    message: str  # Kueue's own words about it
    reason: str = ""  # the explaining condition's reason, e.g. InCohortReclamation
    position: int | None = None  # 1 = next its ClusterQueue considers; None unless waiting


def workload_gpus(raw: Mapping[str, Any]) -> int:
    total = 0
    for pod_set in (raw.get("spec") or {}).get("podSets") or ():
        per_pod = 0
        for container in ((pod_set.get("template") or {}).get("spec") or {}).get("containers") or ():
            resources = container.get("resources") or {}
            per_pod += whole_count((resources.get("requests") or resources.get("limits") or {}).get(GPU, 0))
        total += per_pod * whole_count(pod_set.get("count", 1))
    return total


def workload_state(raw: Mapping[str, Any]) -> tuple[str, Mapping[str, Any] | None]:
    """kueuectl's status word (finished > admitted > quota reserved > pending), with PREEMPTED for a workload
    that is waiting because it was evicted; and the condition that explains it."""
    conditions = conditions_by_type(raw)

    def true(kind: str) -> bool:
        return conditions.get(kind, {}).get("status") == "True"

    if true("Finished"):
        return "FINISHED", conditions["Finished"]
    if true("Admitted"):
        return "ADMITTED", conditions["Admitted"]
    if true("QuotaReserved"):
        return "QUOTARESERVED", conditions["QuotaReserved"]
    if true("Evicted") or true("Preempted"):
        return "PREEMPTED", conditions.get("Preempted") or conditions.get("Evicted")
    return "PENDING", conditions.get("QuotaReserved")


def _owner_job(raw: Mapping[str, Any]) -> str:
    owners = (raw.get("metadata") or {}).get("ownerReferences") or ()
    return str(next((o.get("name") for o in owners if o.get("controller")), "") or "")


def fair_sharing(state: AppState) -> bool:
    """HyperPod's FairShare=Enabled shows on the cluster side as a fairSharing weight on every team's ClusterQueue."""
    queues = state.collection(CLUSTER_QUEUES.key).objects.values()
    return any((queue.raw.get("spec") or {}).get("fairSharing") is not None for queue in queues)


def _with_positions(rows: list[tuple[WorkloadRow, str, datetime | None]]) -> list[WorkloadRow]:
    """Number each ClusterQueue's waiting workloads in the order Kueue's queue heap pops them: higher priority
    first, then the queue-ordering time (creation, or the eviction for an evicted workload, Kueue's default)."""
    waiting: dict[str, list[tuple[WorkloadRow, datetime | None]]] = {}
    for row, cluster_queue, ordered_at in rows:
        if row.state in ("PENDING", "PREEMPTED"):
            waiting.setdefault(cluster_queue, []).append((row, ordered_at))
    positions: dict[str, int] = {}
    for members in waiting.values():
        members.sort(key=lambda m: (-m[0].priority_value, m[1] or datetime.max.replace(tzinfo=UTC), m[0].key))
        positions.update({row.key: index for index, (row, _) in enumerate(members, start=1)})
    return [replace(row, position=positions.get(row.key)) for row, _, _ in rows]


def workload_rows(state: AppState, now: datetime) -> tuple[WorkloadRow, ...]:
    values = {row.name: row.value for row in priority_classes(state)}
    rows = []
    for workload in state.collection(WORKLOADS.key).objects.values():
        raw = workload.raw
        spec = raw.get("spec") or {}
        priority = str((spec.get("priorityClassRef") or {}).get("name") or spec.get("priorityClassName") or "")
        word, condition = workload_state(raw)
        since = parse_time((condition or {}).get("lastTransitionTime")) or workload.created
        queue = str(spec.get("queueName") or "")
        ordered_at = since if word == "PREEMPTED" else workload.created
        rows.append(
            (
                WorkloadRow(
                    key=f"{workload.namespace}/{workload.name}",
                    namespace=workload.namespace,
                    name=workload.name,
                    job=_owner_job(raw),
                    queue=queue,
                    priority=priority,
                    priority_value=values.get(priority, whole_count(spec.get("priority"))),
                    state=word,
                    gpus=workload_gpus(raw),
                    waiting=human_duration(now - since) if since else "",
                    message=str((condition or {}).get("message") or ""),
                    reason=str((condition or {}).get("reason") or ""),
                ),
                _cluster_queue_of(state, workload.namespace, queue),
                ordered_at,
            )
        )
    order = {"ADMITTED": 0, "QUOTARESERVED": 1, "PREEMPTED": 2, "PENDING": 3, "FINISHED": 4}
    ranked = _with_positions(rows)
    return tuple(sorted(ranked, key=lambda row: (order[row.state], row.position or 0, -row.priority_value, row.key)))


def _cluster_queue_of(state: AppState, namespace: str, local_queue: str) -> str:
    found = state.collection(LOCAL_QUEUES.key).objects.get((namespace, local_queue))
    return str(((found.raw.get("spec") or {}) if found else {}).get("clusterQueue") or "")


_PREEMPTOR_UID = re.compile(r"\(UID: (?P<uid>[^,)]+)")
# Kueue's preemption reasons, as what the preemptor did or had
_PREEMPTION_CLAIMS = {
    "InClusterQueue": "has a higher priority in the same team's queue",
    "InCohortReclamation": "reclaimed quota its team had lent",
    "InCohortReclaimWhileBorrowing": "has a higher priority and may borrow in the cohort",
    "InCohortFairSharing": "has a smaller fair share of the cohort",
}


def _preempted_words(state: AppState, row: WorkloadRow) -> str:
    """Who took the workload's place and by what right, from the Preempted condition's UID and reason."""
    found = _PREEMPTOR_UID.search(row.message)
    uid = found["uid"] if found else ""
    preemptor = next((w for w in state.collection(WORKLOADS.key).objects.values() if uid and w.uid == uid), None)
    claim = _PREEMPTION_CLAIMS.get(row.reason, "had a better claim")
    if preemptor is None:
        return f"a workload that {claim}"
    return f"{_owner_job(preemptor.raw) or preemptor.name} ({preemptor.namespace}), which {claim}"


def why_waiting(state: AppState, row: WorkloadRow, now: datetime) -> str:
    """Plain words for a pending or preempted workload: what it asks for, what its team has, what it could borrow
    and from whom, and who took its place; for a running one, what it holds."""
    teams = {team.queue: team for team in team_rows(state)}
    team = teams.get(_cluster_queue_of(state, row.namespace, row.queue))
    job = row.job or row.name
    asks = f"{job} asks for {row.gpus} GPU{'s' if row.gpus != 1 else ''}"
    if team is None:
        return f"{asks}, but its queue {row.queue!r} leads to no ClusterQueue hyptui can see. Kueue says: {row.message}"
    own_free = max(0, team.guaranteed - (team.in_use - team.borrowed) - team.lent)
    cohort = [other for other in teams.values() if other.queue != team.queue and team.cohort == other.cohort != ""]
    lenders = [f"{other.queue} ({other.idle} idle)" for other in cohort if other.idle]
    borrowable = sum(other.idle for other in cohort)
    if team.borrow_limit is not None:
        borrowable = min(borrowable, max(0, team.borrow_limit - team.borrowed))
    borrowers = ", ".join(other.queue for other in cohort if other.borrowed)
    lent_words = f" ({team.lent} lent to {borrowers})" if team.lent and borrowers else ""
    team_words = (
        f"Its team's queue {team.queue} is guaranteed {team.guaranteed}, uses {team.in_use}"
        f" ({team.borrowed} borrowed), so {own_free} of its own are free{lent_words}"
    )
    cohort_words = (
        f"; the cohort {team.cohort} could lend {borrowable} more from {', '.join(lenders)}."
        if lenders
        else f"; nothing is idle to borrow in the cohort {team.cohort or '(none)'}."
    )
    line_words = f" It is number {row.position} in line for {team.queue}." if row.position else ""
    if row.state == "FINISHED":
        return f"{job} finished {row.waiting} ago and holds nothing any more."
    if row.state in ("ADMITTED", "QUOTARESERVED"):
        return f"{asks} and holds them in {team.queue} ({row.state.lower()} {row.waiting} ago)."
    if row.state == "PREEMPTED":
        return (
            f"{asks}. It was preempted {row.waiting} ago by {_preempted_words(state, row)}. {team_words}"
            f"{cohort_words}{line_words} It runs again when that much is free."
        )
    if row.gpus > team.guaranteed + (team.borrow_limit if team.borrow_limit is not None else borrowable):
        return (
            f"{asks}, more than its team could ever hold ({team.guaranteed} guaranteed"
            f" + {team.borrow_limit if team.borrow_limit is not None else borrowable} borrowable): it will not run"
            f" as it is. Ask for fewer GPUs or a bigger quota. Kueue says: {row.message}"
        )
    return f"{asks}. {team_words}{cohort_words}{line_words} Kueue says: {row.message}"
