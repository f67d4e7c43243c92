"""A pod's STATUS, READY and RESTARTS exactly as kubectl's pod printer computes them (k8s 1.32 printPod), so the
numbers hyptui shows match `kubectl get pods`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hyptui.hyperpod.age import parse_time
from hyptui.hyperpod.conditions import condition_is_true


def _as_int(value: object) -> int:
    return value if isinstance(value, int) else 0


@dataclass(frozen=True, slots=True)
class PodSummary:
    status: str
    ready: int
    total: int
    restarts: int
    last_restart: datetime | None


def _later(current: datetime | None, candidate: datetime | None) -> datetime | None:
    if candidate is None or (current is not None and current >= candidate):
        return current
    return candidate


def _last_finished(container: Mapping[str, Any]) -> datetime | None:
    terminated = (container.get("lastState") or {}).get("terminated")
    return parse_time(terminated.get("finishedAt")) if terminated is not None else None


def _terminated_reason(terminated: Mapping[str, Any]) -> str:
    if terminated.get("reason"):
        return str(terminated["reason"])
    if terminated.get("signal"):
        return f"Signal:{terminated['signal']}"
    return f"ExitCode:{_as_int(terminated.get('exitCode'))}"


def pod_summary(raw: Mapping[str, Any]) -> PodSummary:
    """kubectl's printPod (k8s 1.32), field for field, so STATUS/READY/RESTARTS match `kubectl get pods`."""
    spec = raw.get("spec") or {}
    status = raw.get("status") or {}
    init_specs = spec.get("initContainers") or ()
    restartable = {c.get("name") for c in init_specs if c.get("restartPolicy") == "Always"}  # sidecars
    total = len(spec.get("containers") or ()) + len(restartable)
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    if any(
        c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated" for c in status.get("conditions") or ()
    ):
        reason = "SchedulingGated"

    ready = restarts = sidecar_restarts = 0
    last_restart = sidecar_last_restart = None
    initializing = False
    for index, container in enumerate(status.get("initContainerStatuses") or ()):
        count = _as_int(container.get("restartCount"))
        finished = _last_finished(container)
        restarts += count
        last_restart = _later(last_restart, finished)
        is_sidecar = container.get("name") in restartable
        if is_sidecar:
            sidecar_restarts += count
            sidecar_last_restart = _later(sidecar_last_restart, finished)
        state = container.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and _as_int(terminated.get("exitCode")) == 0:
            continue
        if is_sidecar and container.get("started"):
            ready += 1 if container.get("ready") else 0
            continue
        if terminated is not None:
            reason = f"Init:{_terminated_reason(terminated)}"
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = f"Init:{waiting['reason']}"
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or condition_is_true(raw, "Initialized"):
        restarts, last_restart = sidecar_restarts, sidecar_last_restart
        has_running = False
        for container in reversed(status.get("containerStatuses") or ()):
            restarts += _as_int(container.get("restartCount"))
            last_restart = _later(last_restart, _last_finished(container))
            state = container.get("state") or {}
            terminated, waiting = state.get("terminated"), state.get("waiting")
            if waiting is not None and waiting.get("reason"):
                reason = str(waiting["reason"])
            elif terminated is not None:
                reason = _terminated_reason(terminated)
            elif container.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        # A finished container next to a running one: the pod is not "Completed" yet.
        if reason == "Completed" and has_running:
            reason = "Running" if condition_is_true(raw, "Ready") else "NotReady"

    if (raw.get("metadata") or {}).get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    return PodSummary(status=reason, ready=ready, total=total, restarts=restarts, last_restart=last_restart)
