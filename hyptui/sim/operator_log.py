"""The lines the simulated operators write to their own pod's log, in controller-runtime's format (what
`hyp get-operator-logs` shows): time, level, message, and the reconciled object as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.sim.nodes.container_logs import LogStore


def controller_log_line(at: datetime, message: str, kind: ResourceKind, obj: dict, **fields: Any) -> str:
    name, namespace = obj["metadata"]["name"], obj["metadata"]["namespace"]
    context = {
        "controller": kind.singular,
        "controllerGroup": kind.group,
        "controllerKind": kind.kind,
        kind.kind: {"name": name, "namespace": namespace},
        "namespace": namespace,
        "name": name,
        **fields,
    }
    return f"{at:%Y-%m-%dT%H:%M:%S.%f}"[:-3] + f"Z\tINFO\t{message}\t{json.dumps(context)}"


class OperatorPodLog:
    """An operator's own pod log: found again on every tick (the pod may come and go); lines go nowhere without it."""

    def __init__(self, logs: LogStore, container: str, is_operator_pod: Callable[[dict], bool]) -> None:
        self._logs = logs
        self._container = container
        self._is_operator_pod = is_operator_pod
        self._pod: tuple[str, str] | None = None

    def find_pod(self, pods: list[dict]) -> None:
        pod = next((p for p in pods if self._is_operator_pod(p)), None)
        self._pod = (pod["metadata"]["namespace"], pod["metadata"]["name"]) if pod is not None else None

    def write(self, at: datetime, message: str, kind: ResourceKind, obj: dict, **fields: Any) -> None:
        if self._pod is None:
            return
        line = controller_log_line(at, message, kind, obj, **fields)
        self._logs.append(*self._pod, self._container, line, at)
