"""`kubectl get` columns: the API server's Table format (meta.k8s.io/v1), with kubectl's built-in printers for pods,
nodes, namespaces and events and the CRD printer columns of custom kinds.

Cells are always the wide set with priorities on the columns, as the real server renders them; kubectl picks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hyptui.hyperpod.age import human_duration, parse_time
from hyptui.hyperpod.conditions import status_condition
from hyptui.hyperpod.kinds import AGE_COLUMN, EVENTS, NAMESPACES, NODES, PODS, PrinterColumn, ResourceKind
from hyptui.hyperpod.pod_status import pod_summary
from hyptui.sim.apiserver.crds import CUSTOM_RESOURCE_DEFINITIONS
from hyptui.sim.apiserver.event_views import EVENTS_V1, to_core
from hyptui.sim.apiserver.jsonpath import JsonPath

TABLE_CONTENT_TYPE = "application/json;as=Table;v={version};g=meta.k8s.io"
INCLUDE_OBJECT = ("None", "Metadata", "Object")
NONE = "<none>"

_NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow "
    "a client to request the generation of an appropriate name automatically. Name is primarily intended for creation "
    "idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_AGE_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed "
    "to be set in happens-before order across separate operations. Clients may not set this value. It is represented "
    "in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str = "string"
    description: str = ""
    priority: int = 0
    format: str = ""

    def definition(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


NAME = Column("Name", format="name", description=_NAME_DESCRIPTION)
AGE = Column("Age", description=_AGE_DESCRIPTION)

Cells = list[Any]
Printer = Callable[[Mapping[str, Any], datetime], Cells]


def table_version(accept: str) -> str | None:
    """The meta.k8s.io Table version the client asked for first ("v1" or "v1beta1"), or None for plain objects."""
    for media_range in accept.split(","):
        params = dict(part.strip().split("=", 1) for part in media_range.split(";")[1:] if "=" in part)
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io" and params.get("v") in ("v1", "v1beta1"):
            return params["v"]
    return None


def render_table(
    kind: ResourceKind,
    objects: Sequence[Mapping[str, Any]],
    now: datetime,
    *,
    version: str = "v1",
    include_object: str = "Metadata",
    list_metadata: Mapping[str, Any] | None = None,
    headers: bool = True,
) -> dict[str, Any]:
    columns, printer = _printer_for(kind)
    table: dict[str, Any] = {
        "kind": "Table",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": dict(list_metadata or {}),
        "columnDefinitions": [column.definition() for column in columns] if headers else None,
        "rows": [_row(obj, printer(obj, now), include_object, version) for obj in objects],
    }
    return table


def _row(obj: Mapping[str, Any], cells: Cells, include_object: str, version: str) -> dict[str, Any]:
    row: dict[str, Any] = {"cells": cells}
    if include_object == "Object":
        row["object"] = obj
    elif include_object == "Metadata":
        row["object"] = {
            "kind": "PartialObjectMetadata",
            "apiVersion": f"meta.k8s.io/{version}",
            "metadata": obj.get("metadata") or {},
        }
    if (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed") and obj.get("kind") == "Pod":
        row["conditions"] = [_completed_condition(obj["status"]["phase"])]
    return row


def _completed_condition(phase: str) -> dict[str, str]:
    message = "The pod has completed successfully." if phase == "Succeeded" else "The pod failed."
    return {"type": "Completed", "status": "True", "reason": phase, "message": message}


def _printer_for(kind: ResourceKind) -> tuple[list[Column], Printer]:
    builtin = _BUILTIN_PRINTERS.get((kind.group, kind.plural))
    if builtin is not None:
        return builtin
    columns = kind.printer_columns or (AGE_COLUMN,)
    return [NAME, *(_crd_column(c) for c in columns)], _crd_printer(columns)


def age(timestamp: object, now: datetime) -> str:
    """kubectl's translateTimestampSince."""
    moment = parse_time(timestamp)
    return human_duration(now - moment) if moment is not None else "<unknown>"


# ---- pods


_POD_COLUMNS = [
    NAME,
    Column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    Column("Status", description="The aggregate status of the containers in this pod."),
    Column(
        "Restarts",
        description="The number of times the containers in this pod have been restarted and when the last container "
        "in this pod has restarted.",
    ),
    AGE,
    Column("IP", priority=1, description="podIP address allocated to the pod. Routable at least within the cluster."),
    Column("Node", priority=1, description="NodeName indicates in which node this pod is scheduled."),
    Column("Nominated Node", priority=1, description="nominatedNodeName is set when this pod preempts other pods."),
    Column("Readiness Gates", priority=1, description="If specified, all readiness gates will be evaluated."),
]


def _pod_cells(pod: Mapping[str, Any], now: datetime) -> Cells:
    summary = pod_summary(pod)
    restarts = str(summary.restarts)
    if summary.restarts and summary.last_restart is not None:
        restarts = f"{summary.restarts} ({human_duration(now - summary.last_restart)} ago)"
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    pod_ips = status.get("podIPs") or []
    ip = (pod_ips[0].get("ip") if pod_ips else status.get("podIP")) or NONE
    gates = spec.get("readinessGates") or []
    if gates:
        true_conditions = {c.get("type") for c in status.get("conditions") or [] if c.get("status") == "True"}
        passed = sum(1 for gate in gates if gate.get("conditionType") in true_conditions)
        readiness = f"{passed}/{len(gates)}"
    else:
        readiness = NONE
    return [
        pod["metadata"]["name"],
        f"{summary.ready}/{summary.total}",
        summary.status,
        restarts,
        age(pod["metadata"].get("creationTimestamp"), now),
        ip,
        spec.get("nodeName") or NONE,
        status.get("nominatedNodeName") or NONE,
        readiness,
    ]


# ---- nodes


_NODE_COLUMNS = [
    NAME,
    Column("Status", description="The status of the node"),
    Column("Roles", description="The roles of the node"),
    AGE,
    Column("Version", description="Kubelet Version reported by the node."),
    Column("Internal-IP", priority=1, description="List of addresses reachable to the node."),
    Column("External-IP", priority=1, description="List of addresses reachable to the node."),
    Column("OS-Image", priority=1, description="OS Image reported by the node from /etc/os-release."),
    Column("Kernel-Version", priority=1, description="Kernel Version reported by the node from 'uname -r'."),
    Column("Container-Runtime", priority=1, description="Container runtime version reported by the node."),
]
_ROLE_PREFIX = "node-role.kubernetes.io/"


def _node_cells(node: Mapping[str, Any], now: datetime) -> Cells:
    status = node.get("status") or {}
    ready = status_condition(status, "Ready")
    states = [] if ready is None else ["Ready" if ready.get("status") == "True" else "NotReady"]
    states = states or ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    labels = node["metadata"].get("labels") or {}
    roles = {key.removeprefix(_ROLE_PREFIX) for key in labels if key.startswith(_ROLE_PREFIX)} - {""}
    if labels.get("kubernetes.io/role"):
        roles.add(labels["kubernetes.io/role"])
    info = status.get("nodeInfo") or {}
    return [
        node["metadata"]["name"],
        ",".join(states),
        ",".join(sorted(roles)) or NONE,
        age(node["metadata"].get("creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        _node_address(status, "InternalIP"),
        _node_address(status, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def _node_address(status: Mapping[str, Any], address_type: str) -> str:
    found = next((a for a in status.get("addresses") or [] if a.get("type") == address_type), None)
    return found.get("address", NONE) if found else NONE


# ---- namespaces


_NAMESPACE_COLUMNS = [NAME, Column("Status", description="The status of the namespace"), AGE]


def _namespace_cells(namespace: Mapping[str, Any], now: datetime) -> Cells:
    phase = (namespace.get("status") or {}).get("phase", "")
    return [namespace["metadata"]["name"], phase, age(namespace["metadata"].get("creationTimestamp"), now)]


# ---- events


_EVENT_COLUMNS = [
    Column("Last Seen", description="The time at which the most recent occurrence of this event was recorded."),
    Column("Type", description="Type of this event (Normal, Warning), new types could be added in the future"),
    Column(
        "Reason",
        description="This should be a short, machine understandable string that gives the reason for "
        "the transition into the object's current status.",
    ),
    Column("Object", description="The object that this event is about."),
    Column("Subobject", priority=1, description="The field of the object the event is about, e.g. a container."),
    Column(
        "Source",
        priority=1,
        description="The component reporting this event. Should be a short machine understandable string.",
    ),
    Column("Message", description="A human-readable description of the status of this operation."),
    Column("First Seen", priority=1, description="The time at which the event was first recorded."),
    Column("Count", priority=1, description="The number of times this event has occurred."),
    Column("Name", priority=1, format="name", description=_NAME_DESCRIPTION),
]


def _event_cells(event: Mapping[str, Any], now: datetime) -> Cells:
    first_seen = age(event.get("firstTimestamp"), now)
    if not event.get("firstTimestamp"):
        first_seen = age(event.get("eventTime"), now)
    last_seen = age(event.get("lastTimestamp"), now) if event.get("lastTimestamp") else first_seen
    count = event.get("count") or 0
    if series := event.get("series"):
        last_seen = age(series.get("lastObservedTime"), now)
        count = series.get("count") or 0
    elif count == 0:
        count = 1  # singleton events of the new API carry no count
    involved = event.get("involvedObject") or {}
    target = str(involved.get("kind", "")).lower()
    if involved.get("name"):
        target = f"{target}/{involved['name']}"
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent") or ""
    instance = source.get("host") or event.get("reportingInstance") or ""
    return [
        last_seen,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {instance}" if instance else component,
        str(event.get("message", "")).strip(),
        first_seen,
        int(count),
        event["metadata"]["name"],
    ]


def _events_v1_cells(event: Mapping[str, Any], now: datetime) -> Cells:
    return _event_cells(to_core(dict(event)), now)


# ---- customresourcedefinitions (apiextensions' own table convertor)


_CRD_COLUMNS = [NAME, Column("Created At", "date", _AGE_DESCRIPTION)]


def _crd_definition_cells(crd: Mapping[str, Any], now: datetime) -> Cells:
    return [crd["metadata"]["name"], crd["metadata"].get("creationTimestamp")]


# ---- custom resources


def _crd_column(column: PrinterColumn) -> Column:
    return Column(column.name, column.type, column.description, column.priority, column.format)


def _crd_printer(columns: Sequence[PrinterColumn]) -> Printer:
    paths = [JsonPath.parse(column.json_path) for column in columns]

    def cells(obj: Mapping[str, Any], now: datetime) -> Cells:
        row: Cells = [obj["metadata"]["name"]]
        for column, path in zip(columns, paths, strict=True):
            found = path.find(obj)
            row.append(_crd_cell(column.type, found[0], now) if found else None)
        return row

    return cells


def _crd_cell(column_type: str, value: Any, now: datetime) -> Any:
    """apiextensions' cellForJSONValue: typed cells, dates as ages, anything unconvertible as null (`<none>`)."""
    match column_type:
        case "string":
            return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        case "integer":
            return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        case "number":
            return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        case "boolean":
            return value if isinstance(value, bool) else None
        case "date":
            return age(value, now) if parse_time(value) is not None else None
    return None


_BUILTIN_PRINTERS: dict[tuple[str, str], tuple[list[Column], Printer]] = {
    (PODS.group, PODS.plural): (_POD_COLUMNS, _pod_cells),
    (NODES.group, NODES.plural): (_NODE_COLUMNS, _node_cells),
    (NAMESPACES.group, NAMESPACES.plural): (_NAMESPACE_COLUMNS, _namespace_cells),
    (EVENTS.group, EVENTS.plural): (_EVENT_COLUMNS, _event_cells),
    (EVENTS_V1.group, EVENTS_V1.plural): (_EVENT_COLUMNS, _events_v1_cells),
    (CUSTOM_RESOURCE_DEFINITIONS.group, CUSTOM_RESOURCE_DEFINITIONS.plural): (_CRD_COLUMNS, _crd_definition_cells),
}
