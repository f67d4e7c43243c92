"""The nodes section's rows: instance type and group, kubectl's status, HyperPod's health verdicts and GPU use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hyptui.hyperpod.age import age_of
from hyptui.hyperpod.conditions import condition_is_true
from hyptui.hyperpod.kinds import NODES, PODS
from hyptui.hyperpod.labels import (
    DEEP_HEALTH_LABEL,
    INSTANCE_GROUP_LABEL,
    INSTANCE_TYPE_LABEL,
    NODE_HEALTH_LABEL,
    SCHEDULABLE,
)
from hyptui.hyperpod.quantities import whole_count
from hyptui.hyperpod.resources import GPU
from hyptui.store.selectors import by_name
from hyptui.store.state import AppState, KubeObject, ObjectKey
from hyptui.views.pods import pods_by_node


def _pod_gpus(pod: KubeObject) -> int:
    containers = (pod.raw.get("spec") or {}).get("containers") or ()
    total = 0
    for container in containers:
        resources = container.get("resources") or {}
        requested = (resources.get("requests") or {}).get(GPU, (resources.get("limits") or {}).get(GPU, 0))
        total += whole_count(requested, integers_only=True)
    return total


@dataclass(frozen=True, slots=True)
class NodeRow:
    key: ObjectKey
    name: str
    instance_type: str
    group: str
    status: str  # kubectl's: Ready / NotReady, with ",SchedulingDisabled" when cordoned
    health: str  # the HyperPod health agent's verdict (node-health-status label)
    deep_health: str
    gpus: str  # "used/allocatable", "-" on CPU nodes
    pods: int
    age: str
    created: datetime | None
    faulty: bool  # anything but Schedulable and Ready: the row must stand out
    labels: Mapping[str, str]


def _node_status(raw: Mapping[str, Any]) -> str:
    status = "Ready" if condition_is_true(raw, "Ready") else "NotReady"
    if (raw.get("spec") or {}).get("unschedulable"):
        status += ",SchedulingDisabled"
    return status


def node_rows(state: AppState, now: datetime) -> tuple[NodeRow, ...]:
    by_node = pods_by_node(state.collection(PODS.key))
    rows = []
    for node in sorted(state.collection(NODES.key).objects.values(), key=by_name):
        labels = node.labels
        on_node = by_node.get(node.name, ())
        allocatable = whole_count(
            ((node.raw.get("status") or {}).get("allocatable") or {}).get(GPU, 0), integers_only=True
        )
        status = _node_status(node.raw)
        health = labels.get(NODE_HEALTH_LABEL, "-")
        rows.append(
            NodeRow(
                key=node.key,
                name=node.name,
                instance_type=labels.get(INSTANCE_TYPE_LABEL, "-"),
                group=labels.get(INSTANCE_GROUP_LABEL, "-"),
                status=status,
                health=health,
                deep_health=labels.get(DEEP_HEALTH_LABEL, "-"),
                gpus=f"{sum(_pod_gpus(pod) for pod in on_node)}/{allocatable}" if allocatable else "-",
                pods=len(on_node),
                age=age_of(node.created, now),
                created=node.created,
                faulty=status != "Ready" or health not in (SCHEDULABLE, "-"),
                labels=labels,
            )
        )
    return tuple(rows)
