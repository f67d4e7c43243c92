"""One event store, two APIs: core/v1 Events (what the store keeps and kubectl reads) and their events.k8s.io/v1 view
(regarding, note, reportingController, deprecated* fields), converted both ways as the real API server does."""

from __future__ import annotations

import copy
from typing import Any

from hyptui.hyperpod.kinds import EVENTS, ResourceKind

EVENTS_V1 = ResourceKind(
    key="events.k8s.io",
    group="events.k8s.io",
    version="v1",
    plural="events",
    kind="Event",
    namespaced=True,
    singular="event",
    short_names=("ev",),
    builtin=True,
)

# core field <-> events.k8s.io field, for the fields that only changed name
_RENAMED = (
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("reportingComponent", "reportingController"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
)
_SHARED = ("metadata", "reason", "type", "eventTime", "series", "action", "related", "reportingInstance")
# events.k8s.io field selectors the server maps onto the core ones it indexes
_FIELD_LABELS = {
    **{
        label.replace("involvedObject.", "regarding.", 1): label
        for label in EVENTS.field_labels
        if label.startswith("involvedObject.")
    },
    "reportingController": "reportingComponent",
}


def to_events_v1(core: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = {"apiVersion": EVENTS_V1.api_version, "kind": "Event"}
    for field in _SHARED:
        if core.get(field) is not None:
            event[field] = copy.deepcopy(core[field])
    for core_field, v1_field in _RENAMED:
        if core.get(core_field) not in (None, "", 0, {}):
            event[v1_field] = copy.deepcopy(core[core_field])
    event.setdefault("eventTime", None)  # an old-style event has none; the conversion does not invent one
    return event


def to_core(event: dict[str, Any]) -> dict[str, Any]:
    core: dict[str, Any] = {}
    if "metadata" in event:
        core["metadata"] = copy.deepcopy(event["metadata"])
    for field in _SHARED[1:]:
        if event.get(field) is not None:
            core[field] = copy.deepcopy(event[field])
    for core_field, v1_field in _RENAMED:
        if event.get(v1_field) is not None:
            core[core_field] = copy.deepcopy(event[v1_field])
    return core


def core_field_selector(selector: str) -> str:
    """`regarding.name=p1,reportingController=x` as the core field labels the store selects on."""
    terms = []
    for term in selector.split(","):
        for v1_label, core_label in _FIELD_LABELS.items():
            if term.startswith(v1_label) and term[len(v1_label) : len(v1_label) + 1] in ("=", "!"):
                term = core_label + term[len(v1_label) :]
                break
        terms.append(term)
    return ",".join(terms)
