"""SageMaker HyperPod task governance as plain data, and the Kueue objects HyperPod makes of it.

A cluster policy (ClusterSchedulerConfig) names priority classes with weights; each team's compute quota
(ComputeQuota) allocates instances and says how the team lends and borrows idle compute. HyperPod turns them into a
namespace `hyperpod-ns-<team>`, a ClusterQueue `hyperpod-ns-<team>-clusterqueue` in one shared cohort, a LocalQueue
`hyperpod-ns-<team>-localqueue`, a ResourceFlavor per instance type and a WorkloadPriorityClass `<class>-priority` per
class; `apply_task_governance` (re)generates exactly those, as the SageMaker API does on every change.

Published: the object names and labels, the cohort name (`shared-pool`), quota = count x the instance's vCPU, memory,
GPUs and EFA, borrowing limit = nominal x BorrowLimit%. Chosen where HyperPod publishes nothing: DontLend sets a
lending limit of 0 and no borrowing, Lend no borrowing; reclaiming lent quota preempts regardless of priority
(`reclaimWithinCohort: Any`); a WorkloadPriorityClass's value is the class's weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hyptui.hyperpod.kinds import (
    CLUSTER_QUEUES,
    LOCAL_QUEUES,
    NAMESPACES,
    RESOURCE_FLAVORS,
    WORKLOAD_PRIORITY_CLASSES,
    ResourceKind,
)
from hyptui.hyperpod.labels import INSTANCE_TYPE_LABEL, MANAGED_QUEUE_LABEL, QUOTA_ALLOCATION_LABEL
from hyptui.hyperpod.quantities import amount, amount_text
from hyptui.hyperpod.resources import EFA, GPU, NEURON
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.nodes.hyperpod_nodes import INSTANCE_TYPES

ACTIVATE_QUOTA_LABEL = "sagemaker.amazonaws.com/activate-quota"
COHORT = "shared-pool"
COVERED_RESOURCES = (NEURON, "cpu", "memory", GPU, EFA)

LEND_AND_BORROW, LEND, DONT_LEND = "LendAndBorrow", "Lend", "DontLend"
LOWER_PRIORITY, NEVER = "LowerPriority", "Never"


@dataclass(frozen=True, slots=True)
class PriorityClass:
    name: str  # "training": becomes the WorkloadPriorityClass `training-priority`
    weight: int  # 0..100


@dataclass(frozen=True, slots=True)
class ClusterPolicy:
    priority_classes: tuple[PriorityClass, ...]
    fair_share: bool = True  # ClusterSchedulerConfig FairShare Enabled|Disabled


@dataclass(frozen=True, slots=True)
class InstanceQuota:
    instance_type: str
    count: int


@dataclass(frozen=True, slots=True)
class ComputeQuota:
    team: str
    instances: tuple[InstanceQuota, ...]
    strategy: str = LEND_AND_BORROW  # ResourceSharingConfig.Strategy
    borrow_limit_percent: int = 50  # ResourceSharingConfig.BorrowLimit
    preempt_team_tasks: str = LOWER_PRIORITY  # Never | LowerPriority
    fair_share_weight: int = 0
    enabled: bool = True  # ActivationState

    @property
    def namespace(self) -> str:
        return f"hyperpod-ns-{self.team}"

    @property
    def cluster_queue(self) -> str:
        return f"{self.namespace}-clusterqueue"

    @property
    def local_queue(self) -> str:
        return f"{self.namespace}-localqueue"


@dataclass(frozen=True, slots=True)
class TaskGovernance:
    policy: ClusterPolicy | None
    quotas: tuple[ComputeQuota, ...]


def priority_class_name(name: str) -> str:
    return f"{name}-priority"


# The talk's setup (AIM371, as in awsome-distributed-training's task-governance walkthrough): two teams with one
# ml.g5.12xlarge each, lending and borrowing 100%; the walkthrough's priority classes and weights.
TALK_POLICY = ClusterPolicy(
    (
        PriorityClass("inference", 90),
        PriorityClass("experimentation", 80),
        PriorityClass("fine-tuning", 50),
        PriorityClass("training", 70),
    ),
    fair_share=True,
)
TALK_GOVERNANCE = TaskGovernance(
    TALK_POLICY,
    tuple(
        ComputeQuota(team, (InstanceQuota("ml.g5.12xlarge", 1),), LEND_AND_BORROW, 100, LOWER_PRIORITY)
        for team in ("team-a", "team-b")
    ),
)


def apply_task_governance(store: ObjectStore, governance: TaskGovernance) -> None:
    """Make the cluster's SageMaker-managed Kueue objects what `governance` says: create, update, delete."""
    wanted: dict[ResourceKind, dict[tuple[str, str], dict[str, Any]]] = {
        kind: {} for kind in (RESOURCE_FLAVORS, WORKLOAD_PRIORITY_CLASSES, CLUSTER_QUEUES, LOCAL_QUEUES)
    }
    for priority_class in governance.policy.priority_classes if governance.policy else ():
        _want(wanted, WORKLOAD_PRIORITY_CLASSES, _priority_class(priority_class))
    fair_share = governance.policy is not None and governance.policy.fair_share
    for quota in governance.quotas:
        if not quota.enabled:
            continue
        _ensure_namespace(store, quota)
        for instance in quota.instances:
            _want(wanted, RESOURCE_FLAVORS, _flavor(instance.instance_type))
        _want(wanted, CLUSTER_QUEUES, _cluster_queue(quota, fair_share))
        _want(wanted, LOCAL_QUEUES, _local_queue(quota))
    for kind, objects in wanted.items():
        for (namespace, _), obj in objects.items():
            _upsert(store, kind, namespace or None, obj)
        current, _ = store.list(kind, label_selector=f"{MANAGED_QUEUE_LABEL}=true")
        for obj in current:
            key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            if key not in objects:
                _delete_if_present(store, kind, key)


def _want(wanted: dict[ResourceKind, dict[tuple[str, str], dict[str, Any]]], kind: ResourceKind, obj: dict) -> None:
    wanted[kind][(obj["metadata"].get("namespace", ""), obj["metadata"]["name"])] = obj


def _managed(**extra: str) -> dict[str, str]:
    return {MANAGED_QUEUE_LABEL: "true", **extra}


def _priority_class(priority_class: PriorityClass) -> dict[str, Any]:
    return {
        "apiVersion": WORKLOAD_PRIORITY_CLASSES.api_version,
        "kind": WORKLOAD_PRIORITY_CLASSES.kind,
        "metadata": {"name": priority_class_name(priority_class.name), "labels": _managed()},
        "value": priority_class.weight,
        "description": f"SageMaker HyperPod task governance priority class {priority_class.name}",
    }


def _flavor(instance_type: str) -> dict[str, Any]:
    return {
        "apiVersion": RESOURCE_FLAVORS.api_version,
        "kind": RESOURCE_FLAVORS.kind,
        "metadata": {"name": instance_type, "labels": _managed()},
        "spec": {"nodeLabels": {INSTANCE_TYPE_LABEL: instance_type}},
    }


def _instance_resources(instance_type: str, count: int) -> dict[str, int]:
    instance = INSTANCE_TYPES[instance_type]
    return {
        NEURON: 0,
        "cpu": amount("cpu", instance.vcpus * count),
        "memory": amount("memory", f"{instance.memory_gib * count}Gi"),
        GPU: instance.gpus * count,
        EFA: instance.efa * count,
    }


def _cluster_queue(quota: ComputeQuota, fair_share: bool) -> dict[str, Any]:
    flavors = []
    for instance in quota.instances:
        resources = []
        for resource, nominal in _instance_resources(instance.instance_type, instance.count).items():
            entry: dict[str, Any] = {"name": resource, "nominalQuota": amount_text(resource, nominal)}
            if quota.strategy == LEND_AND_BORROW:
                entry["borrowingLimit"] = amount_text(resource, nominal * quota.borrow_limit_percent // 100)
            else:
                entry["borrowingLimit"] = "0"
            if quota.strategy == DONT_LEND:
                entry["lendingLimit"] = "0"
            resources.append(entry)
        flavors.append({"name": instance.instance_type, "resources": resources})
    spec: dict[str, Any] = {
        "cohortName": COHORT,
        "namespaceSelector": {},
        "queueingStrategy": "BestEffortFIFO",
        "flavorFungibility": {"whenCanBorrow": "MayStopSearch", "whenCanPreempt": "TryNextFlavor"},
        "preemption": {
            "withinClusterQueue": quota.preempt_team_tasks,
            "reclaimWithinCohort": "Any",
            "borrowWithinCohort": {"policy": "Never"},
        },
        "resourceGroups": [{"coveredResources": list(COVERED_RESOURCES), "flavors": flavors}],
    }
    if fair_share:
        spec["fairSharing"] = {"weight": str(quota.fair_share_weight)}
    return {
        "apiVersion": CLUSTER_QUEUES.api_version,
        "kind": CLUSTER_QUEUES.kind,
        "metadata": {"name": quota.cluster_queue, "labels": _managed(**{QUOTA_ALLOCATION_LABEL: quota.team})},
        "spec": spec,
    }


def _local_queue(quota: ComputeQuota) -> dict[str, Any]:
    return {
        "apiVersion": LOCAL_QUEUES.api_version,
        "kind": LOCAL_QUEUES.kind,
        "metadata": {
            "name": quota.local_queue,
            "namespace": quota.namespace,
            "labels": _managed(**{QUOTA_ALLOCATION_LABEL: quota.team}),
        },
        "spec": {"clusterQueue": quota.cluster_queue},
    }


def _ensure_namespace(store: ObjectStore, quota: ComputeQuota) -> None:
    labels = {MANAGED_QUEUE_LABEL: "true", QUOTA_ALLOCATION_LABEL: quota.team, ACTIVATE_QUOTA_LABEL: "Enabled"}
    try:
        store.get(NAMESPACES, None, quota.namespace)
    except ApiError as error:
        if error.code != 404:
            raise
        store.create(NAMESPACES, {"metadata": {"name": quota.namespace, "labels": labels}})
        return
    store.mutate(NAMESPACES, None, quota.namespace, _with_labels(labels))


def _with_labels(labels: dict[str, str]) -> Callable[[dict[str, Any]], None]:
    def label(obj: dict[str, Any]) -> None:
        obj["metadata"]["labels"] = {**(obj["metadata"].get("labels") or {}), **labels}

    return label


def _upsert(store: ObjectStore, kind: ResourceKind, namespace: str | None, obj: dict[str, Any]) -> None:
    """Create, or overwrite what SageMaker owns (labels, spec, value) and keep the status Kueue writes."""

    def overwrite(current: dict[str, Any]) -> None:
        current["metadata"]["labels"] = {**(current["metadata"].get("labels") or {}), **obj["metadata"]["labels"]}
        for field, value in obj.items():
            if field not in ("apiVersion", "kind", "metadata"):
                current[field] = value

    if store.mutate(kind, namespace, obj["metadata"]["name"], overwrite) is None:
        store.create(kind, obj, namespace)


def _delete_if_present(store: ObjectStore, kind: ResourceKind, key: tuple[str, str]) -> None:
    try:
        store.delete(kind, key[0] or None, key[1])
    except ApiError as error:
        if error.code != 404:
            raise


def read_task_governance(store: ObjectStore) -> TaskGovernance:
    """The governance the cluster's SageMaker-managed Kueue objects express: the inverse of `apply_task_governance`,
    so the AWS side starts from whatever the cluster holds (the seed's, a seed file's, a saved state's)."""
    classes, _ = store.list(WORKLOAD_PRIORITY_CLASSES, label_selector=f"{MANAGED_QUEUE_LABEL}=true")
    queues, _ = store.list(CLUSTER_QUEUES, label_selector=f"{MANAGED_QUEUE_LABEL}=true")
    quotas = tuple(q for q in (_quota_of(queue) for queue in queues) if q is not None)
    policy = None
    if classes:
        priority_classes = tuple(
            PriorityClass(c["metadata"]["name"].removesuffix("-priority"), int(c.get("value", 0)))
            # highest first, as the policy was written (the store lists them by name)
            for c in sorted(classes, key=lambda c: -int(c.get("value", 0)))
        )
        policy = ClusterPolicy(priority_classes, fair_share=any("fairSharing" in q["spec"] for q in queues))
    return TaskGovernance(policy, quotas)


def _quota_of(queue: dict[str, Any]) -> ComputeQuota | None:
    team = (queue["metadata"].get("labels") or {}).get(QUOTA_ALLOCATION_LABEL)
    if not team:
        return None
    spec = queue["spec"]
    instances, strategy, percent = [], LEND_AND_BORROW, 0
    for group in spec.get("resourceGroups") or []:
        for flavor in group.get("flavors") or []:
            if flavor["name"] not in INSTANCE_TYPES:
                continue
            resources = {r["name"]: r for r in flavor.get("resources") or []}
            cpu = resources.get("cpu") or {}
            nominal = amount("cpu", cpu.get("nominalQuota", "0"))
            per_instance = amount("cpu", INSTANCE_TYPES[flavor["name"]].vcpus)
            instances.append(InstanceQuota(flavor["name"], nominal // per_instance))
            if str(cpu.get("lendingLimit")) == "0":
                strategy = DONT_LEND
            elif str(cpu.get("borrowingLimit", "0")) == "0":
                strategy = LEND
            elif nominal:
                percent = amount("cpu", cpu["borrowingLimit"]) * 100 // nominal
    return ComputeQuota(
        team,
        tuple(instances),
        strategy,
        percent if strategy == LEND_AND_BORROW else 0,
        (spec.get("preemption") or {}).get("withinClusterQueue", LOWER_PRIORITY),
        int((spec.get("fairSharing") or {}).get("weight", 0)),
    )
