"""`hyptui sim --seed FILE`: a cluster described in YAML (namespaces, nodes, any served objects), as a multi-document
file, a list, or a `kind: List`. Every entry is checked, against a scratch store too, before any of it is loaded, and
every problem is reported with its document (and item) and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hyptui.hyperpod.kinds import ALL_KINDS, NAMESPACES, NODES, ResourceKind
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore

DEFAULT_NAMESPACE = "default"
_KINDS_BY_TYPE: dict[tuple[str, str], ResourceKind] = {(k.api_version, k.kind): k for k in ALL_KINDS}
# Namespaces before what lives in them, nodes before the pods bound to them.
_LOAD_ORDER = {NAMESPACES.key: 0, NODES.key: 1}


class SeedFileError(ValueError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SeedEntry:
    where: str  # "document 2" or "document 1, item 3"
    kind: ResourceKind
    obj: dict[str, Any]

    @property
    def namespace(self) -> str | None:
        if not self.kind.namespaced:
            return None
        return self.obj["metadata"].get("namespace") or DEFAULT_NAMESPACE


def read_seed_file(path: Path, problems: list[str]) -> list[SeedEntry]:
    """The well-formed entries; what is wrong with the others is added to `problems`."""
    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as error:
        raise SeedFileError(path, [f"cannot read it: {error}"]) from None
    except yaml.YAMLError as error:
        raise SeedFileError(path, [f"not valid YAML: {error}"]) from None
    entries: list[SeedEntry] = []
    for number, document in enumerate(documents, start=1):
        if document is None:
            continue
        items = document.get("items") if isinstance(document, dict) and document.get("kind") == "List" else document
        if isinstance(items, list):
            located = [(f"document {number}, item {index}", item) for index, item in enumerate(items, start=1)]
        else:
            located = [(f"document {number}", document)]
        for where, item in located:
            entry = _entry(where, item, problems)
            if entry is not None:
                entries.append(entry)
    return entries


def _entry(where: str, item: Any, problems: list[str]) -> SeedEntry | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: must be an object with apiVersion, kind and metadata")
        return None
    for field in ("apiVersion", "kind"):
        if not isinstance(item.get(field), str):
            problems.append(f"{where}: {field}: Required value")
            return None
    kind = _KINDS_BY_TYPE.get((item["apiVersion"], item["kind"]))
    if kind is None:
        served = ", ".join(sorted(f"{k.api_version} {k.kind}" for k in ALL_KINDS))
        problems.append(f"{where}: kind: {item['apiVersion']} {item['kind']} is not served (served: {served})")
        return None
    metadata = item.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str) or not metadata["name"]:
        problems.append(f"{where}: metadata.name: Required value")
        return None
    return SeedEntry(where, kind, item)


def seed_from_file(store: ObjectStore, path: Path) -> int:
    """Create what the file describes (and a `default` namespace unless it has one) in an empty store, all or
    nothing; returns how many objects it created."""
    problems: list[str] = []
    entries = read_seed_file(path, problems)
    ordered = sorted(entries, key=lambda entry: _LOAD_ORDER.get(entry.kind.key, 2))
    if not any(e.kind.key == NAMESPACES.key and e.obj["metadata"]["name"] == DEFAULT_NAMESPACE for e in entries):
        default = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": DEFAULT_NAMESPACE}}
        ordered.insert(0, SeedEntry("the default namespace", NAMESPACES, default))
    scratch = ObjectStore(store.clock)
    for entry in ordered:
        try:
            scratch.create(entry.kind, entry.obj, entry.namespace)
        except ApiError as error:
            problems.append(f"{entry.where}: {error.message}")
    if problems:
        raise SeedFileError(path, problems)
    for entry in ordered:
        store.create(entry.kind, entry.obj, entry.namespace)
    return len(ordered)
