"""Kueue's quota arithmetic for flat cohorts: what a ClusterQueue may still take of a flavor's resource, what it could
take at most, and which flavor a pod set gets (Kueue's resource_node.go and flavorassigner). Fair sharing is not
simulated beyond its looser preemption rule (see QueueQuotas.fair_sharing).

Amounts are integers in Kueue's units: millicores for cpu, bytes for memory, counts for the rest. Quota a queue keeps
for itself (`nominalQuota - lendingLimit`) stays local; the rest is pooled in the cohort, and a queue may take from
the pool up to `nominal + borrowingLimit` in total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hyptui.hyperpod.quantities import amount, amount_text

FlavorResource = tuple[str, str]  # (flavor, resource)


@dataclass(frozen=True, slots=True)
class ResourceQuota:
    nominal: int
    borrowing_limit: int | None = None  # None: borrow without limit
    lending_limit: int | None = None  # None: lend everything


@dataclass(frozen=True, slots=True)
class ResourceGroup:
    covered: tuple[str, ...]
    flavors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueueQuotas:
    """One ClusterQueue's spec, as far as admission goes."""

    name: str
    cohort: str
    groups: tuple[ResourceGroup, ...]
    quotas: Mapping[FlavorResource, ResourceQuota]
    within_cluster_queue: str = "Never"
    reclaim_within_cohort: str = "Never"
    strict_fifo: bool = False
    # Kueue's fair sharing is cluster-wide; HyperPod's FairShare=Enabled gives every queue a weight. Only its looser
    # preemption rule is simulated (a workload may preempt even when it would borrow), not the shares themselves.
    fair_sharing: bool = False

    @classmethod
    def of(cls, cluster_queue: Mapping[str, Any]) -> QueueQuotas:
        spec = cluster_queue.get("spec") or {}
        groups: list[ResourceGroup] = []
        quotas: dict[FlavorResource, ResourceQuota] = {}
        for group in spec.get("resourceGroups") or []:
            flavors = tuple(str(f.get("name")) for f in group.get("flavors") or [])
            groups.append(ResourceGroup(tuple(group.get("coveredResources") or ()), flavors))
            for flavor in group.get("flavors") or []:
                for resource in flavor.get("resources") or []:
                    name = str(resource.get("name"))

                    def limit(key: str, resource: Mapping[str, Any] = resource, name: str = name) -> int | None:
                        value = resource.get(key)
                        return None if value is None else amount(name, value)

                    quotas[(str(flavor.get("name")), name)] = ResourceQuota(
                        amount(name, resource.get("nominalQuota") or 0),
                        limit("borrowingLimit"),
                        limit("lendingLimit"),
                    )
        preemption = spec.get("preemption") or {}
        return cls(
            name=cluster_queue["metadata"]["name"],
            cohort=str(spec.get("cohortName") or ""),
            groups=tuple(groups),
            quotas=quotas,
            within_cluster_queue=preemption.get("withinClusterQueue") or "Never",
            reclaim_within_cohort=preemption.get("reclaimWithinCohort") or "Never",
            strict_fifo=spec.get("queueingStrategy") == "StrictFIFO",
            fair_sharing=spec.get("fairSharing") is not None,
        )

    def group_of(self, resource: str) -> ResourceGroup | None:
        return next((group for group in self.groups if resource in group.covered), None)

    def flavor_resources(self) -> Iterable[tuple[str, tuple[str, ...]]]:
        """Every flavor with the resources it covers, in spec order (the order status lists them)."""
        for group in self.groups:
            for flavor in group.flavors:
                yield flavor, group.covered


@dataclass
class QuotaBook:
    """The cluster's queues and the quota their reserving workloads hold: Kueue's scheduling snapshot."""

    queues: dict[str, QueueQuotas]
    usage: dict[str, Counter[FlavorResource]] = field(default_factory=dict)

    def copy(self) -> QuotaBook:
        return QuotaBook(self.queues, {name: Counter(used) for name, used in self.usage.items()})

    def add(self, queue: str, usage: Mapping[FlavorResource, int]) -> None:
        self.usage.setdefault(queue, Counter()).update(usage)

    def remove(self, queue: str, usage: Mapping[FlavorResource, int]) -> None:
        self.usage.setdefault(queue, Counter()).subtract(usage)

    def used(self, queue: str, fr: FlavorResource) -> int:
        return self.usage.get(queue, Counter())[fr]

    def members(self, cohort: str) -> list[QueueQuotas]:
        return [queue for queue in self.queues.values() if cohort and queue.cohort == cohort]

    def _local_quota(self, queue: QueueQuotas, fr: FlavorResource) -> int:
        quota = queue.quotas.get(fr, ResourceQuota(0))
        return max(0, quota.nominal - quota.lending_limit) if quota.lending_limit is not None else 0

    def _pool(self, cohort: str, fr: FlavorResource) -> tuple[int, int]:
        """What the cohort's members lend to it, and how much of that they use."""
        quota = used = 0
        for member in self.members(cohort):
            local = self._local_quota(member, fr)
            quota += member.quotas.get(fr, ResourceQuota(0)).nominal - local
            used += max(0, self.used(member.name, fr) - local)
        return quota, used

    def available(self, queue: QueueQuotas, fr: FlavorResource) -> int:
        """What the queue may still take now (negative when over-admitted)."""
        quota = queue.quotas.get(fr, ResourceQuota(0))
        used = self.used(queue.name, fr)
        if not queue.cohort:
            return quota.nominal - used
        local = self._local_quota(queue, fr)
        pool, pool_used = self._pool(queue.cohort, fr)
        from_pool = pool - pool_used
        if quota.borrowing_limit is not None:
            stored_in_pool = quota.nominal - local
            used_in_pool = max(0, used - local)
            from_pool = min(stored_in_pool - used_in_pool + quota.borrowing_limit, from_pool)
        return max(0, local - used) + from_pool

    def potential(self, queue: QueueQuotas, fr: FlavorResource) -> int:
        """What the queue could take with nothing else running."""
        quota = queue.quotas.get(fr, ResourceQuota(0))
        if not queue.cohort:
            return quota.nominal
        total = self._local_quota(queue, fr) + self._pool(queue.cohort, fr)[0]
        if quota.borrowing_limit is not None:
            total = min(quota.nominal + quota.borrowing_limit, total)
        return total

    def borrowing(self, queue: QueueQuotas, frs: Iterable[FlavorResource]) -> bool:
        return any(self.used(queue.name, fr) > queue.quotas.get(fr, ResourceQuota(0)).nominal for fr in frs)

    def fits(self, queue: QueueQuotas, usage: Mapping[FlavorResource, int], allow_borrowing: bool = True) -> bool:
        for fr, value in usage.items():
            if value > self.available(queue, fr):
                return False
            nominal = queue.quotas.get(fr, ResourceQuota(0)).nominal
            if not allow_borrowing and self.used(queue.name, fr) + value > nominal:
                return False
        return True


# Representative modes of a flavor assignment, worst first.
NO_FIT, PREEMPT, FIT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class PodSetRequest:
    name: str
    count: int
    per_pod: Mapping[str, int]  # resource -> amount for one pod
    node_selector: Mapping[str, str]

    def total(self, resource: str) -> int:
        return self.per_pod[resource] * self.count


@dataclass(frozen=True, slots=True)
class Assignment:
    """Flavors for every pod set, the usage they add, and why not when they do not fit."""

    mode: int
    flavors: tuple[Mapping[str, str], ...]  # per pod set: resource -> flavor
    usage: Mapping[FlavorResource, int]
    message: str
    borrows: bool


def assign_flavors(
    book: QuotaBook,
    queue: QueueQuotas,
    pod_sets: Iterable[PodSetRequest],
    flavor_labels: Mapping[str, Mapping[str, str]],
) -> Assignment:
    """Kueue's flavor assignment with its default fungibility (stop at a flavor that fits, borrowing included; try
    the next flavor rather than preempt). `flavor_labels` holds the nodeLabels of every existing ResourceFlavor."""
    usage: Counter[FlavorResource] = Counter()
    flavors: list[dict[str, str]] = []
    messages: list[str] = []
    mode = FIT
    for pod_set in pod_sets:
        chosen: dict[str, str] = {}
        reasons: list[str] = []
        pod_set_mode = FIT
        for group in _groups_for(queue, pod_set, reasons):
            flavor, group_mode, group_reasons = _flavor_for(book, queue, group, pod_set, usage, flavor_labels)
            pod_set_mode = min(pod_set_mode, group_mode)
            reasons += group_reasons
            if flavor is not None:
                for resource in group.covered:
                    if resource in pod_set.per_pod:
                        chosen[resource] = flavor
                        usage[(flavor, resource)] += pod_set.total(resource)
        if reasons and not chosen.keys() >= pod_set.per_pod.keys():
            pod_set_mode = NO_FIT
        if pod_set_mode != FIT:
            messages.append(f"couldn't assign flavors to pod set {pod_set.name}: " + ", ".join(sorted(reasons)))
        mode = min(mode, pod_set_mode)
        flavors.append(chosen)
    borrows = any(book.used(queue.name, fr) + value > _nominal(queue, fr) for fr, value in usage.items())
    return Assignment(mode, tuple(flavors), dict(usage), "; ".join(messages), borrows)


def _groups_for(queue: QueueQuotas, pod_set: PodSetRequest, reasons: list[str]) -> list[ResourceGroup]:
    groups: list[ResourceGroup] = []
    for resource in sorted(pod_set.per_pod):
        group = queue.group_of(resource)
        if group is None:
            reasons.append(f"resource {resource} unavailable in ClusterQueue")
        elif group not in groups:
            groups.append(group)
    return groups


def _flavor_for(
    book: QuotaBook,
    queue: QueueQuotas,
    group: ResourceGroup,
    pod_set: PodSetRequest,
    assumed: Counter[FlavorResource],
    flavor_labels: Mapping[str, Mapping[str, str]],
) -> tuple[str | None, int, list[str]]:
    """The flavor of one resource group for a pod set: the first that fits, else the first that fits by
    preempting; with every flavor's reasons when none fits outright."""
    reasons: list[str] = []
    label_keys = {key for flavor in group.flavors for key in flavor_labels.get(flavor, {})}
    best: tuple[str | None, int] = (None, NO_FIT)
    for flavor in group.flavors:
        if flavor not in flavor_labels:
            reasons.append(f"flavor {flavor} not found")
            continue
        labels = flavor_labels[flavor]
        if any(key in label_keys and labels.get(key) != value for key, value in pod_set.node_selector.items()):
            reasons.append(f"flavor {flavor} doesn't match node affinity")
            continue
        flavor_mode = FIT
        for resource in sorted(r for r in pod_set.per_pod if r in group.covered):
            resource_mode, reason = _fits_quota(book, queue, (flavor, resource), assumed, pod_set.total(resource))
            if reason:
                reasons.append(reason)
            flavor_mode = min(flavor_mode, resource_mode)
            if flavor_mode == NO_FIT:
                break
        if flavor_mode == FIT:
            return flavor, FIT, []
        if flavor_mode > best[1]:
            best = (flavor, flavor_mode)
    return best[0], best[1], reasons


def _fits_quota(
    book: QuotaBook, queue: QueueQuotas, fr: FlavorResource, assumed: Counter[FlavorResource], request: int
) -> tuple[int, str]:
    flavor, resource = fr
    value = assumed[fr] + request
    maximum = book.potential(queue, fr)
    if value > maximum:
        return NO_FIT, (
            f"insufficient quota for {resource} in flavor {flavor}, previously considered podsets requests "
            f"({amount_text(resource, assumed[fr])}) + current podset request ({amount_text(resource, request)}) "
            f"> maximum capacity ({amount_text(resource, maximum)})"
        )
    available = book.available(queue, fr)
    if value <= available:
        return FIT, ""
    reason = (
        f"insufficient unused quota for {resource} in flavor {flavor}, "
        f"{amount_text(resource, value - available)} more needed"
    )
    # Preemption helps a request within the queue's nominal quota, or any request with fair sharing
    # (borrowWithinCohort is not simulated).
    may_preempt = _may_preempt(queue) and (value <= _nominal(queue, fr) or _preempts_while_borrowing(queue))
    return (PREEMPT if may_preempt else NO_FIT), reason


def _nominal(queue: QueueQuotas, fr: FlavorResource) -> int:
    return queue.quotas.get(fr, ResourceQuota(0)).nominal


def _preempts_while_borrowing(queue: QueueQuotas) -> bool:
    return queue.fair_sharing and bool(queue.cohort) and queue.reclaim_within_cohort != "Never"


def _may_preempt(queue: QueueQuotas) -> bool:
    return queue.within_cluster_queue != "Never" or (bool(queue.cohort) and queue.reclaim_within_cohort != "Never")
