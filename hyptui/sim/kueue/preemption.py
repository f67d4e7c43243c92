"""Kueue's classical preemption: which admitted workloads to evict so a pending one fits.

Candidates are lower-priority workloads of the preemptor's own ClusterQueue (`withinClusterQueue`) and workloads of
other queues in the cohort that borrow what the preemptor needs (`reclaimWithinCohort`, only when the preemptor stays
within its nominal quota). They are taken in Kueue's order (already evicted first, other queues before the own one,
lower priority first, most recently admitted first) until the preemptor fits; then every target whose return would
still leave room is given back, last taken first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hyptui.sim.kueue.quota import FlavorResource, QueueQuotas, QuotaBook

IN_CLUSTER_QUEUE = "InClusterQueue"
IN_COHORT_RECLAMATION = "InCohortReclamation"
HUMAN_REASONS = {
    IN_CLUSTER_QUEUE: "prioritization in the ClusterQueue",
    IN_COHORT_RECLAMATION: "reclamation within the cohort",
}


@dataclass(frozen=True, slots=True)
class Reservation:
    """An admitted workload holding quota: what preemption may take back."""

    key: tuple[str, str]  # namespace, name
    uid: str
    queue: str
    priority: int
    usage: Mapping[FlavorResource, int]
    reserved_at: datetime
    created_at: datetime
    evicted: bool = False  # eviction under way: it still holds its quota until its job stops


@dataclass(frozen=True, slots=True)
class Target:
    reservation: Reservation
    reason: str


def preemption_targets(
    book: QuotaBook,
    queue: QueueQuotas,
    priority: int,
    created_at: datetime,
    usage: Mapping[FlavorResource, int],
    reservations: Iterable[Reservation],
) -> list[Target]:
    """The smallest set Kueue's heuristic finds, or [] when preempting cannot make room."""
    needed = {fr for fr, value in usage.items() if value > book.available(queue, fr)}
    own: list[Reservation] = []
    others: list[Reservation] = []
    for reservation in reservations:
        if not needed & reservation.usage.keys():
            continue
        if reservation.queue == queue.name:
            if _within_queue_allows(queue.within_cluster_queue, priority, created_at, reservation):
                own.append(reservation)
        elif queue.cohort and book.queues[reservation.queue].cohort == queue.cohort:
            policy = queue.reclaim_within_cohort
            if policy == "Any" or (policy == "LowerPriority" and reservation.priority < priority):
                others.append(reservation)
    candidates = sorted(others, key=_order) + sorted(own, key=_order)
    candidates.sort(key=lambda r: not r.evicted)  # stable: evicted first, then the order above
    within_nominal = all(book.used(queue.name, fr) + usage[fr] <= _nominal(queue, fr) for fr in needed)
    # With no candidate elsewhere the own queue may borrow to fit; reclaiming from others requires fitting in nominal.
    attempts = [True] if not others or not within_nominal else [False, True]
    for allow_borrowing in attempts:
        targets = _greedy(book, queue, usage, needed, candidates, allow_borrowing)
        if targets:
            return targets
    return []


def _nominal(queue: QueueQuotas, fr: FlavorResource) -> int:
    quota = queue.quotas.get(fr)
    return quota.nominal if quota else 0


def _within_queue_allows(policy: str, priority: int, created_at: datetime, candidate: Reservation) -> bool:
    if policy == "LowerPriority":
        return candidate.priority < priority
    if policy == "LowerOrNewerEqualPriority":
        return candidate.priority < priority or (candidate.priority == priority and candidate.created_at > created_at)
    return False


def _order(reservation: Reservation) -> tuple[int, float, str]:
    # lower priority first, most recently admitted first, then uid for a stable order
    return reservation.priority, -reservation.reserved_at.timestamp(), reservation.uid


def _greedy(
    book: QuotaBook,
    queue: QueueQuotas,
    usage: Mapping[FlavorResource, int],
    needed: set[FlavorResource],
    candidates: Sequence[Reservation],
    allow_borrowing: bool,
) -> list[Target]:
    trial = book.copy()
    taken: list[Target] = []
    for candidate in candidates:
        # Reclaiming is only from a queue still borrowing, and never to let the preemptor borrow.
        reclaiming = candidate.queue != queue.name
        if reclaiming and (allow_borrowing or not trial.borrowing(trial.queues[candidate.queue], needed)):
            continue
        trial.remove(candidate.queue, candidate.usage)
        reason = IN_CLUSTER_QUEUE if candidate.queue == queue.name else IN_COHORT_RECLAMATION
        taken.append(Target(candidate, reason))
        if trial.fits(queue, usage, allow_borrowing):
            return _give_back(trial, queue, usage, taken, allow_borrowing)
    return []


def _give_back(
    trial: QuotaBook, queue: QueueQuotas, usage: Mapping[FlavorResource, int], taken: list[Target], allow: bool
) -> list[Target]:
    kept = list(taken)
    for target in reversed(taken[:-1]):
        trial.add(target.reservation.queue, target.reservation.usage)
        if trial.fits(queue, usage, allow):
            kept.remove(target)
        else:
            trial.remove(target.reservation.queue, target.reservation.usage)
    return kept
