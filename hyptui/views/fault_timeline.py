"""A training job's faults and what the operator did about each, read from the job's events: what broke and when,
how it was remediated (restarted in place, or moved to another node) and how long recovery took."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from hyptui.hyperpod.age import parse_time
from hyptui.store.state import KubeObject

_CAUSE = re.compile(r"is restarting because (?P<cause>.+?)(?: \(restart (?P<n>\d+) of (?P<m>\d+)\))?\.?$")
_REMEDIATED = re.compile(r"remediated in (?P<seconds>[\d.]+) seconds(?: \((?P<where>.+)\))?\.?$")


@dataclass(frozen=True, slots=True)
class FaultEntry:
    at: datetime | None
    fault: str  # what broke, in the operator's words
    attempt: str  # "restart 1 of 3", when the operator says
    remediation: str  # "restarted in place", "<pod> now runs on <node>", "job failed", or "" while under way
    recovered_in: str  # "6.5s", "" while under way


def _event_time(event: KubeObject) -> datetime | None:
    raw = event.raw
    return parse_time(raw.get("lastTimestamp") or raw.get("eventTime") or raw.get("firstTimestamp"))


def fault_timeline(job_events: Sequence[KubeObject]) -> tuple[FaultEntry, ...]:
    """`job_events` oldest first, as the selectors give them."""
    entries: list[FaultEntry] = []
    for event in job_events:
        reason = str(event.raw.get("reason") or "")
        message = str(event.raw.get("message") or "")
        at = _event_time(event)
        if reason.endswith("Restarting"):
            cause = _CAUSE.search(message)
            attempt = f"restart {cause['n']} of {cause['m']}" if cause and cause["n"] else ""
            entries.append(FaultEntry(at, cause["cause"] if cause else message, attempt, "", ""))
            continue
        if not entries or entries[-1].remediation:
            continue  # nothing open to close
        open_entry = entries[-1]
        if reason.endswith("Remediated"):
            remediated = _REMEDIATED.search(message)
            seconds = float(remediated["seconds"]) if remediated else _seconds_between(open_entry.at, at)
            where = remediated["where"] if remediated and remediated["where"] else "restarted in place"
            entries[-1] = replace(open_entry, remediation=where, recovered_in=_seconds_text(seconds))
        elif reason.endswith("Failed"):
            entries[-1] = replace(open_entry, remediation="job failed: retries exhausted")
    return tuple(entries)


def _seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start and end else None


def _seconds_text(seconds: float | None) -> str:
    return f"{seconds:.1f}s" if seconds is not None else "?"
