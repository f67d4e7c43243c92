"""Kueue objects between kueue.x-k8s.io/v1beta2 (storage, preferred) and v1beta1 (served, deprecated): the renames of
Kueue's conversion code, so a v1beta1 client (the HyperPod CLI still is one) and a v1beta2 one see the same object."""

from __future__ import annotations

import copy
from typing import Any

KUEUE_GROUP = "kueue.x-k8s.io"
V1BETA1 = f"{KUEUE_GROUP}/v1beta1"
V1BETA2 = f"{KUEUE_GROUP}/v1beta2"
DEPRECATION_WARNING = "This version is deprecated. Use v1beta2 instead."

WORKLOAD_PRIORITY_CLASS_SOURCE = "kueue.x-k8s.io/workloadpriorityclass"
POD_PRIORITY_CLASS_SOURCE = "scheduling.k8s.io/priorityclass"
# v1beta1 priorityClassSource <-> v1beta2 priorityClassRef {group, kind}
_PRIORITY_SOURCES = {
    WORKLOAD_PRIORITY_CLASS_SOURCE: (KUEUE_GROUP, "WorkloadPriorityClass"),
    POD_PRIORITY_CLASS_SOURCE: ("scheduling.k8s.io", "PriorityClass"),
}
_MAY_STOP_SEARCH = "MayStopSearch"
_V1BETA1_FUNGIBILITY = {"whenCanBorrow": "Borrow", "whenCanPreempt": "Preempt"}


def _retagged(obj: dict[str, Any], api_version: str) -> dict[str, Any]:
    converted = copy.deepcopy(obj)
    if "apiVersion" in converted:
        converted["apiVersion"] = api_version
    return converted


def _rename(section: Any, old: str, new: str) -> None:
    if isinstance(section, dict) and old in section:
        section[new] = section.pop(old)


def same_to_v1beta1(obj: dict[str, Any]) -> dict[str, Any]:
    """ResourceFlavor and WorkloadPriorityClass: nothing but the apiVersion differs."""
    return _retagged(obj, V1BETA1)


def same_to_v1beta2(obj: dict[str, Any]) -> dict[str, Any]:
    return _retagged(obj, V1BETA2)


def cluster_queue_to_v1beta1(obj: dict[str, Any]) -> dict[str, Any]:
    converted = _retagged(obj, V1BETA1)
    _rename(converted.get("spec"), "cohortName", "cohort")
    return converted


def cluster_queue_to_v1beta2(obj: dict[str, Any]) -> dict[str, Any]:
    converted = _retagged(obj, V1BETA2)
    spec = converted.get("spec")
    if isinstance(spec, dict):
        _rename(spec, "cohort", "cohortName")
        checks = spec.pop("admissionChecks", None)
        if checks:
            spec["admissionChecksStrategy"] = {"admissionChecks": [{"name": name} for name in checks]}
        fungibility = spec.get("flavorFungibility")
        if isinstance(fungibility, dict):
            for field, old in _V1BETA1_FUNGIBILITY.items():
                if fungibility.get(field) == old:
                    fungibility[field] = _MAY_STOP_SEARCH
    status = converted.get("status")
    if isinstance(status, dict):
        status.pop("pendingWorkloadsStatus", None)  # dropped in v1beta2: the visibility API replaced it
    return converted


def local_queue_to_v1beta1(obj: dict[str, Any]) -> dict[str, Any]:
    converted = _retagged(obj, V1BETA1)
    _rename(converted.get("status"), "flavorsUsage", "flavorUsage")
    return converted


def local_queue_to_v1beta2(obj: dict[str, Any]) -> dict[str, Any]:
    converted = _retagged(obj, V1BETA2)
    _rename(converted.get("status"), "flavorUsage", "flavorsUsage")
    return converted


def workload_to_v1beta1(obj: dict[str, Any]) -> dict[str, Any]:
    converted = _retagged(obj, V1BETA1)
    spec = converted.get("spec")
    if isinstance(spec, dict):
        reference = spec.pop("priorityClassRef", None)
        if isinstance(reference, dict):
            for source, (group, kind) in _PRIORITY_SOURCES.items():
                if (reference.get("group"), reference.get("kind")) == (group, kind):
                    spec["priorityClassSource"] = source
                    spec["priorityClassName"] = reference.get("name", "")
    # Kueue's v1beta1 field keeps its historical misspelling.
    _rename(converted.get("status"), "accumulatedPastExecutionTimeSeconds", "accumulatedPastExexcutionTimeSeconds")
    return converted


def workload_to_v1beta2(obj: dict[str, Any]) -> dict[str, Any]:
    converted = _retagged(obj, V1BETA2)
    spec = converted.get("spec")
    if isinstance(spec, dict):
        source = spec.pop("priorityClassSource", None)
        name = spec.pop("priorityClassName", None)
        if source in _PRIORITY_SOURCES and name:
            group, kind = _PRIORITY_SOURCES[source]
            spec["priorityClassRef"] = {"group": group, "kind": kind, "name": name}
    _rename(converted.get("status"), "accumulatedPastExexcutionTimeSeconds", "accumulatedPastExecutionTimeSeconds")
    return converted
