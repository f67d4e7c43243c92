"""The embedded cluster's object store: what etcd plus the API server's registry do, in one process behind one lock.

Every write bumps one global resourceVersion, lands in a history ring buffer (watch resume, 410 when too old), feeds
the open watchers and, once the lock is released, the subscribed controllers. Stored objects are never mutated in
place (every write stores a fresh dict), so watch queues and history can share them; callers always get copies.
"""

from __future__ import annotations

import logging
import pickle
import random
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import CREATE_ONLY_KINDS, NAMESPACES, NODES, PODS, ResourceKind
from hyptui.hyperpod.quantities import number_text
from hyptui.sim.apiserver.errors import (
    ApiError,
    already_exists,
    bad_request,
    conflict,
    forbidden,
    invalid,
    invalid_field,
    not_found,
    required_field,
    too_large_resource_version,
    too_old_resource_version,
    unsupported_media_type,
)
from hyptui.sim.apiserver.patch import (
    APPLY_PATCH,
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    json_patch,
    merge_patch,
    strategic_merge_patch,
)
from hyptui.sim.apiserver.request_bodies import UndecodableBody, decode_json, decode_yaml
from hyptui.sim.apiserver.selectors import FieldSelector, LabelSelector, parse_label_selector
from hyptui.sim.apiserver.validation import check_metadata, check_name, check_shape
from hyptui.sim.clock import SimClock

log = logging.getLogger(__name__)

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"
PROPAGATION_POLICIES = ("Orphan", "Background", "Foreground")
FOREGROUND_FINALIZER = "foregroundDeletion"
FIRST_RESOURCE_VERSION = 1000
# Kubernetes' generateName alphabet: no vowels (no accidental words) and no look-alike characters.
_NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# Fields the server owns: a PUT, PATCH or controller change can never set them.
_SERVER_OWNED_METADATA = (
    "name",
    "namespace",
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "generateName",
)

Listener = Callable[[str, ResourceKind, dict[str, Any]], None]
# A mutating admission webhook: `hook(obj, namespace)` returns the object to create, or raises ApiError to refuse it.
AdmissionHook = Callable[[dict[str, Any], str | None], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Change:
    resource_version: int
    type: str
    kind: ResourceKind
    obj: dict[str, Any]
    previous: dict[str, Any] | None  # the state before a MODIFIED, so watchers see selector enter/leave


T = TypeVar("T")


def _copied(value: T) -> T:
    """A deep copy of stored (JSON) data: a pickle round trip is several times quicker than copy.deepcopy, and
    every read and write of the store copies."""
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


class Watcher:
    """One watch: a bounded queue the store fills from its write path; the consumer drains it with next_event()."""

    def __init__(
        self,
        kind: ResourceKind,
        namespace: str | None,
        labels: LabelSelector,
        fields: FieldSelector,
        queue_limit: int,
        resource_version: int,
    ) -> None:
        self.kind = kind
        self._namespace = namespace
        self._labels = labels
        self._fields = fields
        self._queue_limit = queue_limit
        self._condition = threading.Condition()
        self._queue: deque[dict[str, Any]] = deque()
        self._closed = False
        self._latest_resource_version = resource_version  # the last write this watcher has considered

    def next_event(self, timeout: float) -> dict[str, Any] | None:
        """`{"type", "object"}`, or None when nothing arrived within `timeout` seconds or the watch is closed."""
        with self._condition:
            if not self._queue and not self._closed:
                self._condition.wait(timeout)
            if not self._queue:
                return None
            event = self._queue.popleft()
        return {"type": event["type"], "object": _copied(event["object"])}

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._queue.clear()
            self._condition.notify_all()

    @property
    def done(self) -> bool:
        """Closed (by the consumer, or by the store after an overflow) and fully drained."""
        with self._condition:
            return self._closed and not self._queue

    def bookmark_resource_version(self) -> int | None:
        """The RV a BOOKMARK may announce: only once every queued event went out, else a resume could skip some."""
        with self._condition:
            return None if self._queue else self._latest_resource_version

    def matches(self, obj: Mapping[str, Any]) -> bool:
        metadata = obj.get("metadata", {})
        if self._namespace and metadata.get("namespace") != self._namespace:
            return False
        return self._labels.matches(metadata.get("labels")) and self._fields.matches(obj)

    def _enqueue_initial(self, obj: dict[str, Any]) -> None:
        # Initial ADDED events and history replay are bounded by the store and the history size, not the queue limit.
        self._queue.append({"type": ADDED, "object": obj})

    def _offer(self, change: _Change, replay: bool = False) -> None:
        event_type = self._event_type(change)
        with self._condition:
            if self._closed:
                return
            self._latest_resource_version = change.resource_version
            if event_type is None:
                return
            if not replay and len(self._queue) >= self._queue_limit:
                # Too far behind to catch up: tell the client to relist, as the real watch cache does.
                self._queue.clear()
                error = too_old_resource_version(change.resource_version, change.resource_version)
                self._queue.append({"type": "ERROR", "object": error.status_body()})
                self._closed = True
            else:
                self._queue.append({"type": event_type, "object": change.obj})
            self._condition.notify_all()

    def _event_type(self, change: _Change) -> str | None:
        if change.kind.key != self.kind.key:
            return None
        matches_now = self.matches(change.obj)
        if change.type != MODIFIED:
            return change.type if matches_now else None
        matched_before = change.previous is not None and self.matches(change.previous)
        if matched_before and matches_now:
            return MODIFIED
        if matches_now:
            return ADDED
        return DELETED if matched_before else None


class ObjectStore:
    """Objects by kind and (namespace, name); every public method returns copies and raises ApiError like the server."""

    def __init__(self, clock: SimClock, history_size: int = 10_000, watch_queue_limit: int = 10_000) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._objects: dict[ResourceKind, dict[tuple[str, str], dict[str, Any]]] = {}
        self._resource_version = FIRST_RESOURCE_VERSION
        self._history: deque[_Change] = deque(maxlen=history_size)
        self._history_floor = FIRST_RESOURCE_VERSION  # watches may resume from any RV >= this
        self._watch_queue_limit = watch_queue_limit
        self._watchers: list[Watcher] = []
        self._listeners: list[Listener] = []
        self._admission: dict[str, list[AdmissionHook]] = {}  # kind key → hooks, in registration order
        self._undelivered: list[tuple[str, ResourceKind, dict[str, Any]]] = []
        self._delivery_lock = threading.Lock()
        # Seeded, so a replayed scenario produces the same uids and generated names (snapshots stay stable).
        self._random = random.Random(0)

    @property
    def clock(self) -> SimClock:
        return self._clock

    @property
    def resource_version(self) -> int:
        with self._lock:
            return self._resource_version

    # ---- reads

    def get(self, kind: ResourceKind, namespace: str | None, name: str) -> dict[str, Any]:
        with self._lock:
            return _copied(self._require(kind, namespace, name))

    def list(
        self, kind: ResourceKind, namespace: str | None = None, label_selector: str = "", field_selector: str = ""
    ) -> tuple[list[dict[str, Any]], int]:
        """Matching objects ordered by namespace/name, and the resource version they were read at."""
        labels = parse_label_selector(label_selector)
        fields = FieldSelector.parse(field_selector, kind)
        with self._lock:
            items = [
                obj
                for obj in self._sorted(kind, namespace)
                if labels.matches(obj["metadata"].get("labels")) and fields.matches(obj)
            ]
            return _copied(items), self._resource_version

    def watch(
        self,
        kind: ResourceKind,
        namespace: str | None,
        resource_version: str | None,
        label_selector: str = "",
        field_selector: str = "",
    ) -> Watcher:
        """RV unset or "0": ADDED for every matching object, then live changes. RV=N: the recorded changes after N,
        then live ones; 410 Expired when N is older than the history keeps, 504 when N is newer than this store."""
        labels = parse_label_selector(label_selector)
        fields = FieldSelector.parse(field_selector, kind)
        since = _parse_resource_version(resource_version)
        with self._lock:
            watcher = Watcher(kind, namespace, labels, fields, self._watch_queue_limit, since or self._resource_version)
            if since is None:
                for obj in self._sorted(kind, namespace):
                    if watcher.matches(obj):
                        watcher._enqueue_initial(obj)
            else:
                if since > self._resource_version:
                    raise too_large_resource_version(since, self._resource_version)
                if since < self._history_floor:
                    oldest = self._history[0].resource_version if self._history else self._resource_version
                    raise too_old_resource_version(since, oldest)
                for change in self._history:
                    if change.resource_version > since:
                        watcher._offer(change, replay=True)
            self._watchers.append(watcher)
            return watcher

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def admit(self, kind: ResourceKind, hook: AdmissionHook) -> Callable[[], None]:
        """Run `hook` on every create of `kind` before it is stored, as the operators' webhooks do; for a create-only
        kind (an aggregated API) the hooks' result is the answer and nothing is stored. Returns the unregistration."""
        with self._lock:
            self._admission.setdefault(kind.key, []).append(hook)

        def withdraw() -> None:
            with self._lock:
                hooks = self._admission.get(kind.key, [])
                if hook in hooks:
                    hooks.remove(hook)

        return withdraw

    # ---- writes

    def create(self, kind: ResourceKind, obj: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
        obj = self._admitted(kind, obj, namespace)
        if kind in CREATE_ONLY_KINDS:
            return obj
        try:
            with self._lock:
                return _copied(self._create(kind, obj, namespace))
        finally:
            self._deliver()

    def replace(
        self,
        kind: ResourceKind,
        namespace: str | None,
        name: str,
        obj: dict[str, Any],
        subresource: str | None = None,
    ) -> dict[str, Any]:
        _check_subresource(subresource)
        if not isinstance(obj, dict):
            raise bad_request("the request body must be a JSON object")
        check_shape(kind, {"metadata": {}, **obj})
        try:
            with self._lock:
                stored = self._require(kind, namespace, name)
                metadata = obj.get("metadata") or {}
                if metadata.get("name") not in (None, name):
                    raise bad_request(
                        f"the name of the object ({metadata['name']}) does not match the name on the URL ({name})"
                    )
                _check_namespace(kind, metadata, namespace)
                sent_version = metadata.get("resourceVersion")
                if sent_version:
                    if sent_version != stored["metadata"]["resourceVersion"]:
                        raise conflict(kind, name)
                elif not kind.builtin:
                    cause = invalid_field("metadata.resourceVersion", "0x0", "must be specified for an update")
                    raise invalid(kind, name, [cause])
                candidate = _apply_subresource_rules(kind, stored, _copied(obj), subresource)
                return _copied(self._update(kind, stored, candidate))
        finally:
            self._deliver()

    def patch(
        self,
        kind: ResourceKind,
        namespace: str | None,
        name: str,
        body: bytes | str | dict[str, Any] | list[Any],
        content_type: str,
        subresource: str | None = None,
        decoded: Callable[[Any], Any] = lambda obj: obj,
    ) -> dict[str, Any]:
        """`decoded` turns the patched object into what is stored (the API server drops unknown fields there)."""
        _check_subresource(subresource)
        media_type = content_type.split(";")[0].strip().lower()
        accepted = (JSON_PATCH, MERGE_PATCH, APPLY_PATCH) + ((STRATEGIC_MERGE_PATCH,) if kind.builtin else ())
        if media_type not in accepted:
            raise unsupported_media_type(accepted)
        document = decode_patch(body, media_type)
        try:
            with self._lock:
                stored = self._find(kind, namespace, name)
                if stored is None:
                    if media_type != APPLY_PATCH or subresource is not None:
                        raise not_found(kind, name)
                    # Server-side apply creates what does not exist yet.
                    return _copied(self._create(kind, object_to_apply(document, name), namespace))
                patched = decoded(apply_patch_document(kind, stored, document, media_type))
                if not isinstance(patched, dict):
                    raise bad_request("the patched object must be a JSON object")
                check_shape(kind, {"metadata": {}, **patched})
                sent_version = (patched.get("metadata") or {}).get("resourceVersion")
                if sent_version and sent_version != stored["metadata"]["resourceVersion"]:
                    raise conflict(kind, name)
                candidate = _apply_subresource_rules(kind, stored, patched, subresource)
                return _copied(self._update(kind, stored, candidate))
        finally:
            self._deliver()

    def delete(
        self,
        kind: ResourceKind,
        namespace: str | None,
        name: str,
        propagation: str = "Background",
        preconditions: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Delete like the API server: objects with finalizers only get a deletionTimestamp; pods go at once
        (the simulator has no kubelet grace period); a namespace turns Terminating and takes its contents along."""
        if propagation not in PROPAGATION_POLICIES:
            raise bad_request(f"propagationPolicy: Unsupported value: {propagation!r}")
        try:
            with self._lock:
                stored = self._require(kind, namespace, name)
                _check_preconditions(kind, stored, preconditions or {})
                return _copied(self._delete(kind, stored, propagation))
        finally:
            self._deliver()

    def mutate(
        self, kind: ResourceKind, namespace: str | None, name: str, change: Callable[[dict[str, Any]], None]
    ) -> dict[str, Any] | None:
        """Controller write: `change` edits a copy (status included); stored with a new RV only if it changed.
        `change` runs under the store lock, so it must not call the store."""
        try:
            with self._lock:
                stored = self._find(kind, namespace, name)
                if stored is None:
                    return None
                candidate = _copied(stored)
                change(candidate)
                return _copied(self._update(kind, stored, candidate))
        finally:
            self._deliver()

    # ---- persistence

    def dump(self) -> tuple[dict[ResourceKind, list[dict[str, Any]]], int]:
        """Every stored object by kind, ordered by namespace/name, and the resource version of that moment."""
        with self._lock:
            objects = {kind: _copied(list(self._sorted(kind, None))) for kind in self._objects}
            return objects, self._resource_version

    def restore(self, objects: Mapping[ResourceKind, list[dict[str, Any]]], resource_version: int) -> None:
        """Load a dump into an empty store as it was: same uids, timestamps and resource versions. Watches may resume
        from the restored resource version on; older ones get 410, since the history did not survive."""
        with self._lock:
            if any(self._objects.values()):
                raise RuntimeError("restore() needs an empty store")
            newest = resource_version
            for kind, items in objects.items():
                bucket = self._bucket(kind)
                for obj in items:
                    bucket[(obj["metadata"].get("namespace", ""), obj["metadata"]["name"])] = _copied(obj)
                    newest = max(newest, int(obj["metadata"].get("resourceVersion") or 0))
            self._resource_version = newest
            self._history.clear()
            self._history_floor = newest

    def _admitted(self, kind: ResourceKind, obj: Any, namespace: str | None) -> Any:
        """Hooks run outside the store lock, so they may read the store (a template, a connection's workspace)."""
        with self._lock:
            hooks = list(self._admission.get(kind.key, ()))
        if kind in CREATE_ONLY_KINDS and not hooks:
            # The aggregated API server is not running: the real API server answers 503 for its group.
            raise ApiError(503, "ServiceUnavailable", "the server is currently unable to handle the request")
        if not hooks:
            return obj
        if not isinstance(obj, dict):
            raise bad_request("the request body must be a JSON object")
        admitted = _copied(obj)
        for hook in hooks:
            admitted = hook(admitted, namespace)
        return admitted

    # ---- internals (all called with self._lock held)

    def _bucket(self, kind: ResourceKind) -> dict[tuple[str, str], dict[str, Any]]:
        return self._objects.setdefault(kind, {})

    def _find(self, kind: ResourceKind, namespace: str | None, name: str) -> dict[str, Any] | None:
        return self._bucket(kind).get(((namespace or "") if kind.namespaced else "", name))

    def _require(self, kind: ResourceKind, namespace: str | None, name: str) -> dict[str, Any]:
        stored = self._find(kind, namespace, name)
        if stored is None:
            raise not_found(kind, name)
        return stored

    def _sorted(self, kind: ResourceKind, namespace: str | None) -> Iterator[dict[str, Any]]:
        bucket = self._bucket(kind)
        for key in sorted(bucket):
            if not (kind.namespaced and namespace) or key[0] == namespace:
                yield bucket[key]

    def _create(self, kind: ResourceKind, obj: Any, namespace: str | None) -> dict[str, Any]:
        if not isinstance(obj, dict):
            raise bad_request("the request body must be a JSON object")
        _check_type(kind, obj)
        check_shape(kind, {"metadata": {}, **obj})
        body = {key: value for key, value in _copied(obj).items() if key not in ("apiVersion", "kind")}
        new = {"apiVersion": kind.api_version, "kind": kind.kind, **body}
        metadata = new.setdefault("metadata", {})
        if kind.namespaced:
            _check_namespace(kind, metadata, namespace)
            metadata["namespace"] = namespace or metadata.get("namespace")
            if not metadata["namespace"]:
                raise bad_request("the namespace of the object must be set for a namespaced resource")
            self._check_namespace_accepts_content(metadata["namespace"])
        else:
            metadata.pop("namespace", None)
        if not metadata.get("name"):
            if not metadata.get("generateName"):
                raise invalid(kind, "", [required_field("metadata.name", "name or generateName is required")])
            metadata["name"] = self._generated_name(kind, metadata)
        check_name(kind, metadata["name"])
        check_metadata(kind, new)
        _validate(kind, new)
        if self._find(kind, metadata.get("namespace"), metadata["name"]) is not None:
            raise already_exists(kind, metadata["name"])
        for transient in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
            metadata.pop(transient, None)
        metadata["uid"] = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        metadata["creationTimestamp"] = rfc3339(self._clock.now())
        if _tracks_generation(kind):
            metadata["generation"] = 1
        elif not _is_number(metadata.get("generation")):
            # Built-in kinds of a 1.32 server keep what the client set (pods gain generation tracking in 1.33).
            metadata.pop("generation", None)
        _apply_creation_defaults(kind, new)
        return self._commit(kind, ADDED, new, None)

    def _generated_name(self, kind: ResourceKind, metadata: dict[str, Any]) -> str:
        while True:
            suffix = "".join(self._random.choice(_NAME_SUFFIX_ALPHABET) for _ in range(5))
            name = f"{metadata['generateName']}{suffix}"
            if self._find(kind, metadata.get("namespace"), name) is None:
                return name

    def _check_namespace_accepts_content(self, namespace: str) -> None:
        stored = self._find(NAMESPACES, None, namespace)
        if stored is None:
            raise not_found(NAMESPACES, namespace)
        if stored["metadata"].get("deletionTimestamp"):
            raise forbidden(f"unable to create new content in namespace {namespace} because it is being terminated")

    def _update(self, kind: ResourceKind, stored: dict[str, Any], candidate: dict[str, Any]) -> dict[str, Any]:
        """Store `candidate` over `stored`, keeping server-owned fields; a no-op returns `stored` without a write."""
        candidate["apiVersion"] = kind.api_version
        candidate["kind"] = kind.kind
        metadata = candidate.get("metadata")
        if not isinstance(metadata, dict):
            metadata = candidate["metadata"] = {}
        for field in _SERVER_OWNED_METADATA:
            if field in stored["metadata"]:
                metadata[field] = stored["metadata"][field]
            else:
                metadata.pop(field, None)
        metadata["resourceVersion"] = stored["metadata"]["resourceVersion"]
        if _tracks_generation(kind) and _spec_of(kind, candidate) != _spec_of(kind, stored):
            metadata["generation"] = stored["metadata"].get("generation", 0) + 1
        if candidate == stored:
            return stored
        check_metadata(kind, candidate)
        if metadata.get("deletionTimestamp") and not metadata.get("finalizers"):
            # The last finalizer is gone: the pending deletion completes with this write.
            return self._remove(kind, candidate, cascade=True)
        updated = self._commit(kind, MODIFIED, candidate, stored)
        if metadata.get("ownerReferences") != stored["metadata"].get("ownerReferences"):
            self._release_owners_of(stored, {ref.get("uid") for ref in metadata.get("ownerReferences") or []})
        return updated

    def _delete(self, kind: ResourceKind, stored: dict[str, Any], propagation: str) -> dict[str, Any]:
        if kind.key == NAMESPACES.key:
            return self._delete_namespace(stored)
        uid = stored["metadata"]["uid"]
        if propagation == "Orphan":
            self._orphan_dependents(uid)
        if propagation == "Foreground":
            return self._delete_in_foreground(kind, stored)
        if stored["metadata"].get("finalizers"):
            if stored["metadata"].get("deletionTimestamp"):
                return stored
            # Dependents are collected (Background) when the finalizers are gone and the object really goes.
            return self._commit(kind, MODIFIED, self._marked_for_deletion(stored), stored)
        return self._remove(kind, stored, cascade=propagation == "Background")

    def _delete_in_foreground(self, kind: ResourceKind, stored: dict[str, Any]) -> dict[str, Any]:
        """The owner stays, marked and holding the `foregroundDeletion` finalizer, while the garbage collector deletes
        its dependents (in the foreground those that have dependents of their own); it goes once no dependent that
        blocks owner deletion is left."""
        metadata = stored["metadata"]
        finalizers = list(metadata.get("finalizers") or [])
        if metadata.get("deletionTimestamp") and FOREGROUND_FINALIZER in finalizers:
            return stored
        marked = _copied(stored) if metadata.get("deletionTimestamp") else self._marked_for_deletion(stored)
        marked["metadata"]["finalizers"] = [*finalizers, FOREGROUND_FINALIZER]
        marked = self._commit(kind, MODIFIED, marked, stored)
        for dependent_kind, dependent in self._dependents(metadata["uid"]):
            current = self._find(dependent_kind, dependent["metadata"].get("namespace"), dependent["metadata"]["name"])
            if current is not None:
                nested = bool(self._dependents(current["metadata"]["uid"]))
                self._delete(dependent_kind, current, "Foreground" if nested else "Background")
        self._release_if_unblocked(kind, marked["metadata"].get("namespace"), marked["metadata"]["name"])
        return marked

    def _release_if_unblocked(self, kind: ResourceKind, namespace: str | None, name: str) -> None:
        """The garbage collector's last step of a foreground deletion: drop `foregroundDeletion` once no dependent
        with `blockOwnerDeletion` is left (which removes the owner when it was the last finalizer)."""
        owner = self._find(kind, namespace, name)
        if owner is None or FOREGROUND_FINALIZER not in (owner["metadata"].get("finalizers") or []):
            return
        uid = owner["metadata"]["uid"]
        for _, dependent in self._dependents(uid):
            refs = dependent["metadata"].get("ownerReferences") or []
            if any(ref.get("uid") == uid and ref.get("blockOwnerDeletion") for ref in refs):
                return
        released = _copied(owner)
        released["metadata"]["finalizers"] = [f for f in owner["metadata"]["finalizers"] if f != FOREGROUND_FINALIZER]
        self._update(kind, owner, released)

    def _release_owners_of(self, dependent: Mapping[str, Any], still_owned_by: set[str]) -> None:
        """A dependent went away (or dropped an owner): owners waiting on it in the foreground may go now."""
        metadata = dependent["metadata"]
        for ref in metadata.get("ownerReferences") or []:
            if ref.get("uid") in still_owned_by:
                continue
            group = ref.get("apiVersion", "").rpartition("/")[0]
            for owner_kind in [k for k in self._objects if k.kind == ref.get("kind") and k.group == group]:
                namespace = metadata.get("namespace") if owner_kind.namespaced else None
                owner = self._find(owner_kind, namespace, ref.get("name", ""))
                if owner is not None and owner["metadata"]["uid"] == ref.get("uid"):
                    self._release_if_unblocked(owner_kind, namespace, ref["name"])

    def _marked_for_deletion(self, stored: dict[str, Any]) -> dict[str, Any]:
        marked = _copied(stored)
        marked["metadata"]["deletionTimestamp"] = rfc3339(self._clock.now())
        marked["metadata"]["deletionGracePeriodSeconds"] = 0
        if marked["metadata"].get("generation", 0) > 0:
            marked["metadata"]["generation"] += 1  # as the registry does when it sets deletionTimestamp
        return marked

    def _delete_namespace(self, stored: dict[str, Any]) -> dict[str, Any]:
        if stored["metadata"].get("deletionTimestamp"):
            return stored
        terminating = self._marked_for_deletion(stored)
        terminating.setdefault("status", {})["phase"] = "Terminating"
        terminating = self._commit(NAMESPACES, MODIFIED, terminating, stored)
        name = stored["metadata"]["name"]
        for kind, bucket in list(self._objects.items()):
            for key in sorted(bucket):
                # A cascade from an earlier object may already have taken this one.
                if key[0] == name and key in bucket:
                    self._delete(kind, bucket[key], "Background")
        self._finish_namespace_if_empty(name)
        return terminating

    def _finish_namespace_if_empty(self, namespace: str) -> None:
        stored = self._find(NAMESPACES, None, namespace)
        if stored is None or not stored["metadata"].get("deletionTimestamp") or stored["metadata"].get("finalizers"):
            return
        if any(key[0] == namespace for bucket in self._objects.values() for key in bucket):
            return
        self._remove(NAMESPACES, stored, cascade=True)

    def _remove(self, kind: ResourceKind, last_state: dict[str, Any], cascade: bool) -> dict[str, Any]:
        removed = self._commit(kind, DELETED, last_state, None)
        if cascade:
            self._delete_dependents(removed["metadata"]["uid"])
        self._release_owners_of(removed, still_owned_by=set())
        if kind.namespaced:
            self._finish_namespace_if_empty(removed["metadata"]["namespace"])
        return removed

    def _dependents(self, owner_uid: str) -> list[tuple[ResourceKind, dict[str, Any]]]:
        found = []
        for kind, bucket in self._objects.items():
            for obj in bucket.values():
                refs = obj["metadata"].get("ownerReferences") or []
                if any(ref.get("uid") == owner_uid for ref in refs):
                    found.append((kind, obj))
        return found

    def _delete_dependents(self, owner_uid: str) -> None:
        # The garbage collector's job: owned objects follow their owner.
        for kind, dependent in self._dependents(owner_uid):
            current = self._find(kind, dependent["metadata"].get("namespace"), dependent["metadata"]["name"])
            if current is not None:
                self._delete(kind, current, "Background")

    def _orphan_dependents(self, owner_uid: str) -> None:
        for kind, dependent in self._dependents(owner_uid):
            orphan = _copied(dependent)
            refs = [ref for ref in orphan["metadata"]["ownerReferences"] if ref.get("uid") != owner_uid]
            if refs:
                orphan["metadata"]["ownerReferences"] = refs
            else:
                del orphan["metadata"]["ownerReferences"]
            self._commit(kind, MODIFIED, orphan, dependent)

    def _commit(
        self, kind: ResourceKind, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        self._resource_version += 1
        if event_type != DELETED:
            obj = _canonical_quantities(kind, obj)
        # A fresh top level and metadata: the previous state may be shared with watch queues and history.
        obj = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(self._resource_version)}}
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if event_type == DELETED:
            self._bucket(kind).pop(key, None)
        else:
            self._bucket(kind)[key] = obj
        change = _Change(self._resource_version, event_type, kind, obj, previous)
        if len(self._history) == self._history.maxlen:
            self._history_floor = self._history[0].resource_version
        self._history.append(change)
        self._watchers = [watcher for watcher in self._watchers if not watcher.done]
        for watcher in self._watchers:
            watcher._offer(change)
        self._undelivered.append((event_type, kind, obj))
        return obj

    def _deliver(self) -> None:
        """Hand committed changes to listeners, outside the store lock and in commit order. A listener that writes
        only queues its changes; whichever thread is delivering picks them up."""
        while True:
            if not self._delivery_lock.acquire(blocking=False):
                return
            try:
                while True:
                    with self._lock:
                        batch, self._undelivered = self._undelivered, []
                        listeners = list(self._listeners)
                    if not batch:
                        break
                    for event_type, kind, obj in batch:
                        for listener in listeners:
                            try:
                                listener(event_type, kind, _copied(obj))
                            except Exception:  # one broken controller must not starve the others
                                log.exception("store listener failed on %s %s", event_type, kind.kind)
            finally:
                self._delivery_lock.release()
            with self._lock:
                if not self._undelivered:
                    return


def _parse_resource_version(value: str | None) -> int | None:
    """None for "start from the current state" (unset or "0"), else the RV to resume after."""
    if value in (None, "", "0"):
        return None
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"invalid resource version: {value!r}") from None


def _check_subresource(subresource: str | None) -> None:
    if subresource not in (None, "status"):
        raise bad_request(f"subresource {subresource!r} cannot be written")


def _check_namespace(kind: ResourceKind, metadata: Mapping[str, Any], namespace: str | None) -> None:
    sent = metadata.get("namespace")
    if kind.namespaced and namespace and sent and sent != namespace:
        raise bad_request("the namespace of the provided object does not match the namespace sent on the request")


def _check_type(kind: ResourceKind, obj: Mapping[str, Any]) -> None:
    if obj.get("apiVersion") not in (None, kind.api_version):
        raise bad_request(
            f"the API version in the data ({obj['apiVersion']}) does not match the expected API version "
            f"({kind.api_version})"
        )
    if obj.get("kind") not in (None, kind.kind):
        raise bad_request(f"the kind in the data ({obj['kind']}) does not match the expected kind ({kind.kind})")


def _quantity_maps(kind: ResourceKind, obj: Mapping[str, Any]) -> list[tuple[str | int, ...]]:
    """Paths of the resource-quantity maps in built-in kinds (custom resources keep what their schema allows)."""
    if kind.key == PODS.key:
        spec = obj.get("spec") or {}
        paths = []
        for group in ("containers", "initContainers"):
            for index, _ in enumerate(spec.get(group) or ()):
                paths += [("spec", group, index, "resources", part) for part in ("requests", "limits")]
        return [*paths, ("spec", "overhead")]
    if kind.key == NODES.key:
        return [("status", "capacity"), ("status", "allocatable")]
    return []


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _at(obj: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(obj, Mapping):
            obj = obj.get(part)
        elif isinstance(obj, list) and isinstance(part, int) and part < len(obj):
            obj = obj[part]
        else:
            return None
    return obj


def _canonical_quantities(kind: ResourceKind, obj: dict[str, Any]) -> dict[str, Any]:
    """A real API server stores every Quantity of a built-in kind as a string ("4", "160Gi", "500m"); clients such
    as the official Python client reject a number there. Returns `obj` itself when nothing needs converting."""
    numeric = [path for path in _quantity_maps(kind, obj) if any(map(_is_number, (_at(obj, path) or {}).values()))]
    if not numeric:
        return obj
    converted = _copied(obj)
    for path in numeric:
        quantities = _at(converted, path)
        for resource, value in quantities.items():
            if _is_number(value):
                quantities[resource] = number_text(value)
    return converted


def _validate(kind: ResourceKind, obj: Mapping[str, Any]) -> None:
    # The one structural rule worth simulating: a pod without containers is what people get wrong by hand.
    if kind.key == PODS.key and not (obj.get("spec") or {}).get("containers"):
        raise invalid(kind, obj["metadata"]["name"], [required_field("spec.containers")])


def _apply_creation_defaults(kind: ResourceKind, obj: dict[str, Any]) -> None:
    """What the real registry fills in on create and the simulator's clients read back."""
    if kind.key == NAMESPACES.key:
        name = obj["metadata"]["name"]
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj.setdefault("status", {})["phase"] = "Active"
    elif kind.key == PODS.key:
        obj.setdefault("status", {}).setdefault("phase", "Pending")


def _tracks_generation(kind: ResourceKind) -> bool:
    """Custom resources count generations; of the built-in kinds served here (pods, nodes, namespaces, events)
    none does on a 1.32 server."""
    return not kind.builtin


def _spec_of(kind: ResourceKind, obj: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an object whose change bumps metadata.generation."""
    ignored = {"metadata", "status"} if kind.has_status else {"metadata"}
    return {key: value for key, value in obj.items() if key not in ignored}


def _apply_subresource_rules(
    kind: ResourceKind, stored: dict[str, Any], candidate: dict[str, Any], subresource: str | None
) -> dict[str, Any]:
    """With a status subresource the main resource cannot change .status; /status changes only .status."""
    if subresource == "status":
        updated = _copied(stored)
        if "status" in candidate:
            updated["status"] = candidate["status"]
        else:
            updated.pop("status", None)
        return updated
    if kind.has_status:
        if "status" in stored:
            candidate["status"] = _copied(stored["status"])
        else:
            candidate.pop("status", None)
    return candidate


def decode_patch(body: bytes | str | dict[str, Any] | list[Any], media_type: str) -> Any:
    if not isinstance(body, bytes | str):
        return body
    try:
        # Server-side apply bodies are YAML (kubectl sends JSON, which YAML reads too).
        return decode_yaml(body) if media_type == APPLY_PATCH else decode_json(body)
    except UndecodableBody as error:
        raise bad_request(f"error decoding patch: {error}") from None


def object_to_apply(document: Any, name: str) -> Any:
    """A server-side apply body that creates its object: named by the URL, which a differing name contradicts."""
    if not isinstance(document, dict):
        return document
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    if metadata.get("name") not in (None, name):
        raise bad_request(f"the name of the object ({metadata['name']}) does not match the name on the URL ({name})")
    return {**document, "metadata": {**metadata, "name": name}}


def apply_patch_document(kind: ResourceKind, stored: dict[str, Any], document: Any, media_type: str) -> Any:
    if media_type == JSON_PATCH:
        return json_patch(stored, document)
    if not isinstance(document, dict):
        raise bad_request("the patch must be a JSON object")
    if media_type == MERGE_PATCH or (media_type == APPLY_PATCH and not kind.builtin):
        return merge_patch(stored, document)
    return strategic_merge_patch(stored, document)


def _check_preconditions(kind: ResourceKind, stored: Mapping[str, Any], preconditions: Mapping[str, str]) -> None:
    metadata = stored["metadata"]
    for field, label in (("uid", "UID"), ("resourceVersion", "ResourceVersion")):
        expected = preconditions.get(field)
        if expected and expected != metadata.get(field):
            actual = metadata.get(field)
            advice = f"Precondition failed: {label} in precondition: {expected}, {label} in object meta: {actual}"
            raise conflict(kind, metadata["name"], advice)
