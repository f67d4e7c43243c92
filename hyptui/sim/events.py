"""Core v1 Events as the controllers' recorders write them, shared by every simulated operator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import EVENTS, ResourceKind
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore


def object_reference(obj: dict, kind: ResourceKind) -> dict:
    metadata = obj["metadata"]
    reference = {"apiVersion": kind.api_version, "kind": kind.kind, "name": metadata["name"]}
    if metadata.get("namespace"):
        reference["namespace"] = metadata["namespace"]
    reference["uid"] = metadata["uid"]
    if metadata.get("resourceVersion"):
        reference["resourceVersion"] = metadata["resourceVersion"]
    return reference


class EventRecorder:
    """Writes core/v1 Events the way client-go's recorder does: named `<object>.<hex of the unix nanos>`, and a repeat
    of the same (object, reason, message) bumps `count` and `lastTimestamp` instead of adding an event."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._recent: dict[tuple, tuple[str, str]] = {}  # aggregation key → (namespace, event name)

    def record(
        self,
        involved: dict,
        kind: ResourceKind,
        event_type: str,
        reason: str,
        message: str,
        at: datetime,
        component: str,
        host: str = "",
        field_path: str = "",
    ) -> None:
        reference = object_reference(involved, kind)
        if field_path:
            reference["fieldPath"] = field_path
        namespace = involved["metadata"].get("namespace") or "default"
        key = (reference["uid"], field_path, event_type, reason, message, component)
        known = self._recent.get(key) or self._find(namespace, key)
        if known and self._bump(*known, at):
            self._recent[key] = known
            return
        nanos = (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 1000
        event = {
            "metadata": {"namespace": namespace},
            "involvedObject": reference,
            "reason": reason,
            "message": message,
            "source": {"component": component, **({"host": host} if host else {})},
            "firstTimestamp": rfc3339(at),
            "lastTimestamp": rfc3339(at),
            "count": 1,
            "type": event_type,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host,
        }
        while True:
            event["metadata"]["name"] = f"{involved['metadata']['name']}.{nanos:x}"
            try:
                self._store.create(EVENTS, event, namespace)
                break
            except ApiError as error:
                if error.code != 409:
                    raise
                nanos += 1  # two events for one object in the same microsecond
        self._recent[key] = (namespace, event["metadata"]["name"])

    def _find(self, namespace: str, key: tuple) -> tuple[str, str] | None:
        """An event another recorder (an earlier operator instance) wrote for the same occurrence."""
        uid, field_path, event_type, reason, message, component = key
        events, _ = self._store.list(EVENTS, namespace, field_selector=f"involvedObject.uid={uid},reason={reason}")
        for event in events:
            same = (
                event["involvedObject"].get("fieldPath", ""),
                event.get("type"),
                event.get("message"),
                (event.get("source") or {}).get("component"),
            )
            if same == (field_path, event_type, message, component):
                return namespace, event["metadata"]["name"]
        return None

    def _bump(self, namespace: str, name: str, at: datetime) -> bool:
        def bump(event: dict) -> None:
            event["count"] = int(event.get("count") or 1) + 1
            event["lastTimestamp"] = rfc3339(at)

        return self._store.mutate(EVENTS, namespace, name, bump) is not None
