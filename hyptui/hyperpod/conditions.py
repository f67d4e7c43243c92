"""metav1.Condition, as apimeta.SetStatusCondition maintains it in the status of the operators' custom resources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hyptui.sim.clock import rfc3339


def set_status_condition(
    status: dict[str, Any], kind: str, value: str, reason: str, message: str, at: datetime, generation: int
) -> None:
    """Add or update the condition of type `kind`; its lastTransitionTime moves only when the status flips."""
    conditions = status.setdefault("conditions", [])
    found = next((c for c in conditions if c.get("type") == kind), None)
    if found is None:
        found = {"type": kind, "status": value, "lastTransitionTime": rfc3339(at)}
        conditions.append(found)
    elif found.get("status") != value:
        found["lastTransitionTime"] = rfc3339(at)
    found.update(status=value, reason=reason, message=message, observedGeneration=generation)
