"""`hyptui sim --state DIR`: the cluster's objects saved to DIR/cluster.json (atomically, whenever they changed, and at
exit) and loaded at the next start. A file that does not load as a whole is reported and not used at all."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from hyptui.hyperpod.kinds import ALL_KINDS, ResourceKind
from hyptui.settings.atomic_file import write_atomic
from hyptui.sim.apiserver.storage import ObjectStore

STATE_FILE = "cluster.json"
STATE_FORMAT = 1
SAVE_INTERVAL_SECONDS = 2.0
_KINDS_BY_TYPE: dict[tuple[str, str], ResourceKind] = {(k.api_version, k.kind): k for k in ALL_KINDS}


class StateError(ValueError):
    """The state file exists but cannot be trusted; the message says where it went wrong."""


def state_file(directory: Path) -> Path:
    return directory / STATE_FILE


def save_state(store: ObjectStore, directory: Path) -> int:
    """Write every object and the resource version; returns that resource version."""
    objects, resource_version = store.dump()
    items = [obj for kind in ALL_KINDS for obj in objects.get(kind, [])]
    document = {"format": STATE_FORMAT, "resourceVersion": resource_version, "objects": items}
    write_atomic(state_file(directory), json.dumps(document, indent=1, sort_keys=True) + "\n")
    return resource_version


def load_state(directory: Path) -> tuple[dict[ResourceKind, list[dict[str, Any]]], int] | None:
    """The saved objects by kind and the resource version, None when nothing was saved; StateError when corrupted."""
    path = state_file(directory)
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise StateError(f"{path}: not readable JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        raise StateError(f"{path}: not a hyptui cluster state (format {STATE_FORMAT})")
    resource_version = document.get("resourceVersion")
    items = document.get("objects")
    if not isinstance(resource_version, int) or not isinstance(items, list):
        raise StateError(f"{path}: resourceVersion and objects are required")
    objects: dict[ResourceKind, list[dict[str, Any]]] = {}
    for index, obj in enumerate(items):
        kind = _checked_kind(obj)
        if kind is None:
            raise StateError(f"{path}: object {index} is not a complete object of a served kind")
        objects.setdefault(kind, []).append(obj)
    return objects, resource_version


def _checked_kind(obj: Any) -> ResourceKind | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        return None
    kind = _KINDS_BY_TYPE.get((obj.get("apiVersion"), obj.get("kind")))
    metadata = obj["metadata"]
    required = ("name", "uid", "resourceVersion", "creationTimestamp") + (
        ("namespace",) if kind and kind.namespaced else ()
    )
    if kind is None or not all(isinstance(metadata.get(field), str) for field in required):
        return None
    return kind if metadata["resourceVersion"].isdigit() else None


def set_aside(directory: Path) -> Path:
    """Move a state file that failed to load out of the way (the saver would overwrite it) and say where it went."""
    corrupt = state_file(directory).with_suffix(".json.corrupt")
    state_file(directory).replace(corrupt)
    return corrupt


class StateSaver:
    """Saves the store to the state directory from a background thread whenever its resource version moved."""

    def __init__(self, store: ObjectStore, directory: Path, interval: float = SAVE_INTERVAL_SECONDS) -> None:
        self._store = store
        self._directory = directory
        self._interval = interval
        self._stop = threading.Event()
        self._saved: int | None = None
        self._thread = threading.Thread(target=self._run, name="hyptui-sim-state", daemon=True)

    def start(self) -> StateSaver:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and save a last time."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._save_if_changed()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._save_if_changed()

    def _save_if_changed(self) -> None:
        if self._store.resource_version != self._saved:
            self._saved = save_state(self._store, self._directory)
