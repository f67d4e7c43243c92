"""HyperPodPyTorchJob status as `hyp list hyp-pytorch-job` derives it, shared by selectors and screens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hyptui.hyperpod.age import parse_time

UNKNOWN = "Unknown"


@dataclass(frozen=True, slots=True)
class JobCondition:
    type: str
    status: str  # "True" | "False" | "Unknown", as the operator writes it
    reason: str
    message: str
    last_transition: datetime | None


def job_conditions(raw_job: Mapping[str, Any]) -> tuple[JobCondition, ...]:
    """`status.conditions` in the order the operator wrote them; malformed entries are skipped, not fatal."""
    status = raw_job.get("status") or {}
    conditions = status.get("conditions") or ()
    return tuple(
        JobCondition(
            type=str(entry.get("type") or ""),
            status=str(entry.get("status") or ""),
            reason=str(entry.get("reason") or ""),
            message=str(entry.get("message") or ""),
            last_transition=parse_time(entry.get("lastTransitionTime")),
        )
        for entry in conditions
        if isinstance(entry, Mapping)
    )


def job_status(raw_job: Mapping[str, Any]) -> str:
    """The type of the last condition whose status is "True", else "Unknown" (hyp list's STATUS column)."""
    status = raw_job.get("status") or {}
    for entry in reversed(status.get("conditions") or ()):
        if isinstance(entry, Mapping) and entry.get("status") == "True" and entry.get("type"):
            return str(entry["type"])
    return UNKNOWN
