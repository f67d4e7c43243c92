"""The lines the simulated operators write to their own pod's log, in controller-runtime's format (what
`hyp get-operator-logs` shows): time, level, message, and the reconciled object as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hyptui.hyperpod.kinds import ResourceKind


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
