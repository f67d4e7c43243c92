"""Pure reducers: (state, actions) -> new state, sharing every part that did not change so selectors can memoize."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from hyptui.store.actions import (
    Action,
    AwsClustersLoaded,
    AwsEksLoaded,
    AwsFailed,
    AwsStackLoaded,
    Connected,
    ConnectionFailed,
    InvocationRecorded,
    ListLoaded,
    Notice,
    WatchEvent,
    WatchStatusChanged,
)
from hyptui.store.state import EMPTY_COLLECTION, AppState, Collection, Connection, KubeObject, ObjectKey

INVOCATION_HISTORY = 50  # requests kept per endpoint for the session


def reduce(state: AppState, action: Action) -> AppState:
    return reduce_many(state, (action,))


def reduce_many(state: AppState, actions: Sequence[Action]) -> AppState:
    """Apply actions in order; each touched collection is copied once per call, however many events hit it."""
    batch = _Batch(state)
    for action in actions:
        batch.apply(action)
    return batch.result()


def _version_number(resource_version: str) -> int | None:
    # resourceVersions are opaque strings; only when both sides are plain integers may they be compared.
    return int(resource_version) if resource_version.isascii() and resource_version.isdigit() else None


def _is_newer(stored: str, incoming: str) -> bool:
    stored_number = _version_number(stored)
    incoming_number = _version_number(incoming)
    return stored_number is not None and incoming_number is not None and stored_number > incoming_number


def _identity(raw: Mapping[str, Any]) -> tuple[ObjectKey, str]:
    meta = raw.get("metadata") or {}
    return (meta.get("namespace") or "", meta.get("name") or ""), meta.get("resourceVersion") or ""


def _uid(raw: Mapping[str, Any]) -> str:
    return (raw.get("metadata") or {}).get("uid") or ""


class _Draft:
    """One collection being changed within a batch: copied on its first write, frozen once at the end."""

    __slots__ = ("_private", "_resource_version", "base")

    def __init__(self, base: Collection) -> None:
        self.base = base
        self._private: dict[ObjectKey, KubeObject] | None = None  # this batch's own copy, made on the first write
        self._resource_version = base.resource_version

    @property
    def _objects(self) -> Mapping[ObjectKey, KubeObject]:
        return self.base.objects if self._private is None else self._private

    def _writable(self) -> dict[ObjectKey, KubeObject]:
        if self._private is None:
            self._private = dict(self.base.objects)
        return self._private

    def _advance(self, resource_version: str) -> None:
        if resource_version and not _is_newer(self._resource_version, resource_version):
            self._resource_version = resource_version

    def relist(self, items: Iterable[Mapping[str, Any]], resource_version: str) -> None:
        current = self._objects
        fresh: dict[ObjectKey, KubeObject] = {}
        reused = 0
        for raw in items:
            key, version = _identity(raw)
            old = current.get(key)
            # The same object at the same resourceVersion is the same content: keep the old one so per-object caches
            # stay warm. The uid must match too: a restored or replaced cluster reuses names and small versions.
            if old is not None and version and old.resource_version == version and old.uid == _uid(raw):
                fresh[key] = old
                reused += 1
            else:
                fresh[key] = KubeObject.from_raw(raw)
        if reused != len(fresh) or len(fresh) != len(current):
            self._private = fresh
        self._resource_version = resource_version

    def apply_event(self, event_type: str, raw: Mapping[str, Any]) -> None:
        key, version = _identity(raw)
        if event_type == "BOOKMARK":
            self._advance(version)
            return
        old = self._objects.get(key)
        if event_type == "DELETED":
            if old is None or _is_newer(old.resource_version, version):
                return
            del self._writable()[key]
        elif event_type in ("ADDED", "MODIFIED"):
            # A replayed or reordered event must not roll an object back to an older version.
            if old is not None and (
                (version and old.resource_version == version) or _is_newer(old.resource_version, version)
            ):
                return
            self._writable()[key] = KubeObject.from_raw(raw)
        else:
            # ERROR events carry a Status, not an object; the gateway handles them, the state has nothing to apply.
            return
        self._advance(version)

    def freeze(self) -> Collection:
        if self._private is None:
            if self._resource_version == self.base.resource_version:
                return self.base
            return Collection(objects=self.base.objects, resource_version=self._resource_version)
        return Collection(objects=MappingProxyType(self._private), resource_version=self._resource_version)


class _Batch:
    """The state being built by one reduce_many call."""

    def __init__(self, state: AppState) -> None:
        self._state = state
        self._connection = state.connection
        self._connection_problem = state.connection_problem
        self._collections = state.collections
        self._watches = state.watches
        self._notice = state.notice
        self._invocations = state.invocations
        self._aws: dict[str, Any] = {}  # AppState's aws_* fields this batch changed
        self._drafts: dict[str, _Draft] = {}

    def _draft(self, kind: str) -> _Draft:
        draft = self._drafts.get(kind)
        if draft is None:
            draft = self._drafts[kind] = _Draft(self._collections.get(kind, EMPTY_COLLECTION))
        return draft

    def _connect(self, connection: Connection | None) -> None:
        if connection == self._connection:
            return
        self._connection = connection
        # What we saw of the previous cluster would otherwise be shown under this one's name.
        self._collections = MappingProxyType({})
        self._watches = MappingProxyType({})
        self._drafts.clear()

    def apply(self, action: Action) -> None:
        match action:
            case WatchEvent(kind=kind, type=event_type, obj=raw):
                self._draft(kind).apply_event(event_type, raw)
            case ListLoaded(kind=kind, items=items, resource_version=resource_version):
                self._draft(kind).relist(items, resource_version)
            case WatchStatusChanged(kind=kind, status=status):
                if self._watches.get(kind) != status:
                    self._watches = MappingProxyType({**self._watches, kind: status})
            case Notice(message=message):
                self._notice = message
            case Connected(connection=connection):
                self._connection_problem = None
                self._connect(connection)
            case ConnectionFailed(message=message):
                self._connection_problem = message
                self._connect(None)
            case InvocationRecorded(endpoint=endpoint, invocation=invocation):
                kept = (*self._invocations.get(endpoint, ()), invocation)[-INVOCATION_HISTORY:]
                self._invocations = MappingProxyType({**self._invocations, endpoint: kept})
            case AwsClustersLoaded(topic=topic, clusters=clusters):
                self._aws_loaded(topic, "aws_clusters", clusters)
            case AwsStackLoaded(topic=topic, progress=progress):
                self._aws_loaded(topic, "aws_stacks", self._with("aws_stacks", progress.stack.stack_id, progress))
            case AwsEksLoaded(topic=topic, eks=eks):
                self._aws_loaded(topic, "aws_eks", self._with("aws_eks", eks.name, eks))
            case AwsFailed(topic=topic, message=message):
                self._aws_set("aws_failures", self._with("aws_failures", topic, message))

    # A poll that finds what the last one found changes nothing, so screens redraw only when AWS changed.

    def _aws_value(self, name: str) -> Any:
        return self._aws.get(name, getattr(self._state, name))

    def _aws_set(self, name: str, value: Any) -> None:
        if value != self._aws_value(name):
            self._aws[name] = value

    def _with(self, name: str, key: str, value: Any) -> Mapping[str, Any]:
        current = self._aws_value(name)
        return current if current.get(key) == value else MappingProxyType({**current, key: value})

    def _aws_loaded(self, topic: str, name: str, value: Any) -> None:
        self._aws_set(name, value)
        failures = self._aws_value("aws_failures")
        if topic in failures:
            self._aws_set("aws_failures", MappingProxyType({k: v for k, v in failures.items() if k != topic}))

    def result(self) -> AppState:
        changed = {kind: frozen for kind, draft in self._drafts.items() if (frozen := draft.freeze()) is not draft.base}
        collections = MappingProxyType({**self._collections, **changed}) if changed else self._collections
        state = self._state
        if (
            self._connection == state.connection
            and self._connection_problem == state.connection_problem
            and collections is state.collections
            and self._watches is state.watches
            and self._notice == state.notice
            and self._invocations is state.invocations
            and not self._aws
        ):
            return state
        return replace(
            state,
            connection=self._connection,
            connection_problem=self._connection_problem,
            collections=collections,
            watches=self._watches,
            notice=self._notice,
            invocations=self._invocations,
            **self._aws,
        )
