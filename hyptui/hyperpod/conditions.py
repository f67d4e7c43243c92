"""Kubernetes conditions (`status.conditions`, one entry per type): finding and reading one, and setting one the way
each kind's controller writes it — metav1.Condition (apimeta.SetStatusCondition, the operators' custom resources), a
pod's, a node's, a Deployment's, and the HyperPod training operator's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hyptui.hyperpod.age import rfc3339


def conditions_by_type(obj: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """An object's conditions keyed by type (the last one of a type wins); malformed entries are skipped."""
    status = obj.get("status")
    conditions = status.get("conditions") or () if isinstance(status, Mapping) else ()
    return {str(c.get("type", "")): c for c in conditions if isinstance(c, Mapping)}


def status_condition(status: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    """The condition of type `kind` among a status's `conditions` (the first, should there be two), else None."""
    return next((c for c in status.get("conditions") or () if isinstance(c, Mapping) and c.get("type") == kind), None)


def find_condition(obj: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    """The object's `status.conditions` entry of type `kind`, else None."""
    status = obj.get("status")
    return status_condition(status, kind) if isinstance(status, Mapping) else None


def condition_is_true(obj: Mapping[str, Any], kind: str) -> bool:
    found = find_condition(obj, kind)
    return found is not None and found.get("status") == "True"


def set_status_condition(
    status: dict[str, Any], kind: str, value: str, reason: str, message: str, at: datetime, generation: int
) -> None:
    """Add or update the condition of type `kind`; its lastTransitionTime moves only when the status flips."""
    found = _entry(status, kind)
    if found is None:
        found = {"type": kind, "status": value, "lastTransitionTime": rfc3339(at)}
        status["conditions"].append(found)
    elif found.get("status") != value:
        found["lastTransitionTime"] = rfc3339(at)
    found.update(status=value, reason=reason, message=message, observedGeneration=generation)


def set_pod_condition(
    pod: dict[str, Any], kind: str, value: str, at: datetime, reason: str = "", message: str = ""
) -> None:
    """A PodCondition as the kubelet writes it: lastProbeTime null, reason and message only when there is one."""
    found = _entry(pod.setdefault("status", {}), kind)
    if found is None:
        found = {"type": kind, "status": value, "lastProbeTime": None, "lastTransitionTime": rfc3339(at)}
        pod["status"]["conditions"].append(found)
    elif found.get("status") != value:
        found["lastTransitionTime"] = rfc3339(at)
    found["status"] = value
    for key, text in (("reason", reason), ("message", message)):
        if text:
            found[key] = text
        else:
            found.pop(key, None)


def set_deployment_condition(
    status: dict[str, Any], kind: str, value: str, reason: str, message: str, at: datetime
) -> None:
    """An apps/v1 DeploymentCondition: lastUpdateTime moves with every new reason or message."""
    found = _entry(status, kind)
    if found is None:
        found = {"type": kind, "status": value, "lastTransitionTime": rfc3339(at), "lastUpdateTime": rfc3339(at)}
        status["conditions"].append(found)
    elif found.get("status") != value:
        found["lastTransitionTime"] = rfc3339(at)
    if (found.get("status"), found.get("reason"), found.get("message")) != (value, reason, message):
        found["lastUpdateTime"] = rfc3339(at)
    found.update(status=value, reason=reason, message=message)


def set_node_condition(node: dict[str, Any], kind: str, value: str, reason: str, message: str, at: datetime) -> None:
    """A NodeCondition as the kubelet and node controller update it: the kubelet registered every condition already,
    and lastHeartbeatTime moves with every update."""
    for condition in node["status"]["conditions"]:
        if condition["type"] == kind:
            if condition["status"] != value:
                condition["lastTransitionTime"] = rfc3339(at)
            condition.update(status=value, reason=reason, message=message, lastHeartbeatTime=rfc3339(at))


def set_job_condition(
    status: dict[str, Any], kind: str, value: str, reason: str, message: str, at: datetime, *, add: bool = True
) -> None:
    """A HyperPodPyTorchJob condition, updated in place (keeping its position, which `hyp list` reads) or appended
    when `add`; lastProbeTime moves with every change."""
    found = _entry(status, kind)
    if found is None:
        if add:
            status["conditions"].append(
                {
                    "type": kind,
                    "status": value,
                    "reason": reason,
                    "message": message,
                    "lastTransitionTime": rfc3339(at),
                    "lastProbeTime": rfc3339(at),
                }
            )
        return
    if found.get("status") != value:
        found["lastTransitionTime"] = rfc3339(at)
    if (found.get("status"), found.get("reason"), found.get("message")) != (value, reason, message):
        found.update(status=value, reason=reason, message=message, lastProbeTime=rfc3339(at))


def _entry(status: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The condition of type `kind` in `status`, which from now on has a conditions list."""
    return next((c for c in status.setdefault("conditions", []) if c.get("type") == kind), None)
