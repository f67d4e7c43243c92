"""The events section's rows, and the events of one object (and its pods) that a detail shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from hyptui.hyperpod.age import human_duration, parse_time
from hyptui.hyperpod.kinds import EVENTS, PODS
from hyptui.store.selectors import GroupIndex
from hyptui.store.state import AppState, KubeObject, ObjectKey

EARLIEST = datetime.min.replace(tzinfo=UTC)
EVENT_LIMIT = 50  # a detail shows the most recent events of an object and its pods; the events section has them all
EventCells = tuple[str, str, str, str, str]  # last seen ("2m (x3)"), type, reason, kind/name, message


def event_order(event: KubeObject) -> tuple[datetime, int]:
    """Oldest first; events within the same second keep the order they were written in (resourceVersion)."""
    raw = event.raw
    # kubectl sorts by lastTimestamp; events.k8s.io-style events only carry eventTime.
    seen = (
        parse_time(raw.get("lastTimestamp"))
        or parse_time(raw.get("eventTime"))
        or parse_time(raw.get("firstTimestamp"))
    )
    version = int(event.resource_version) if event.resource_version.isdigit() else 0
    return (seen or event.created or EARLIEST, version)


def _involved_object(event: KubeObject) -> tuple[str, str, str] | None:
    involved = event.raw.get("involvedObject") or {}
    name = involved.get("name")
    return (involved.get("namespace") or "", involved.get("kind") or "", name) if name else None


_events_by_object = GroupIndex(_involved_object, event_order)


def object_events(state: AppState, namespace: str, kind: str, name: str) -> tuple[KubeObject, ...]:
    """Core v1 events about one object, oldest first; namespace is "" for cluster-scoped objects."""
    return _events_by_object(state.collection(EVENTS.key)).get((namespace, kind, name), ())


def _count(raw: dict) -> int:
    count = raw.get("count")
    return (count if isinstance(count, int) else 0) or 1


def related_event_rows(
    state: AppState, namespace: str, kind: str, name: str, pods: Sequence[str], now: datetime
) -> tuple[EventCells, ...]:
    """An object's and its pods' events, oldest first, as `kubectl events` prints them."""
    related = list(object_events(state, namespace, kind, name))
    for pod in pods:
        related.extend(object_events(state, namespace, PODS.kind, pod))
    related.sort(key=event_order)
    rows = []
    for event in related[-EVENT_LIMIT:]:
        raw = event.raw
        involved = raw.get("involvedObject") or {}
        seen, _ = event_order(event)
        count = _count(raw)
        when = human_duration(now - seen) if seen > EARLIEST else ""
        rows.append(
            (
                f"{when} (x{count})" if count > 1 else when,
                str(raw.get("type") or ""),
                str(raw.get("reason") or ""),
                f"{str(involved.get('kind') or '').lower()}/{involved.get('name') or ''}",
                str(raw.get("message") or ""),
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class EventRow:
    key: ObjectKey
    last_seen: str
    type: str
    reason: str
    namespace: str
    kind: str  # of the involved object
    name: str
    count: int
    message: str
    seen: datetime


def event_rows(state: AppState, now: datetime) -> tuple[EventRow, ...]:
    """Every event in scope, newest first; repeats are already folded into one event with a count by the server."""
    rows = []
    for event in state.collection(EVENTS.key).objects.values():
        raw = event.raw
        involved = raw.get("involvedObject") or {}
        seen, _ = event_order(event)
        rows.append(
            EventRow(
                key=event.key,
                last_seen=human_duration(now - seen) if seen > EARLIEST else "",
                type=str(raw.get("type") or ""),
                reason=str(raw.get("reason") or ""),
                namespace=str(involved.get("namespace") or event.namespace),
                kind=str(involved.get("kind") or ""),
                name=str(involved.get("name") or ""),
                count=int(raw.get("count") or 1),
                message=str(raw.get("message") or ""),
                seen=seen,
            )
        )
    rows.sort(key=lambda row: (row.seen, row.key), reverse=True)
    return tuple(rows)
