"""Where the user was, per kubeconfig context: the section, the namespace scope and each section's filter, kept in
`$XDG_STATE_HOME/hyptui/contexts.yaml` so the next start on that context opens where the last one left off.

It is a convenience: a missing, unreadable or malformed file is an empty memory, never an error, and entries that do
not fit the expected shape are dropped one by one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from hyptui.settings.atomic_file import write_atomic
from hyptui.settings.user_dirs import state_dir

ALL_NAMESPACES = "*"  # the file's word for "every namespace"


@dataclass(frozen=True, slots=True)
class ContextMemory:
    section: str | None = None
    namespace: str | None = None  # None: not remembered; ALL_NAMESPACES: every namespace
    filters: Mapping[str, str] = field(default_factory=dict)  # section -> filter text

    def with_filter(self, section: str, text: str) -> ContextMemory:
        filters = {k: v for k, v in self.filters.items() if k != section}
        return replace(self, filters={**filters, section: text} if text else filters)


def memory_path(environ: Mapping[str, str] | None = None) -> Path:
    return state_dir(os.environ if environ is None else environ) / "contexts.yaml"


def _entry(raw: Any) -> ContextMemory | None:
    if not isinstance(raw, Mapping):
        return None
    section, namespace, filters = raw.get("section"), raw.get("namespace"), raw.get("filters") or {}
    return ContextMemory(
        section=section if isinstance(section, str) else None,
        namespace=namespace if isinstance(namespace, str) else None,
        filters={k: v for k, v in filters.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(filters, Mapping)
        else {},
    )


def load_memory(path: Path) -> dict[str, ContextMemory]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(data, Mapping):
        return {}
    entries = {str(context): _entry(raw) for context, raw in data.items()}
    return {context: entry for context, entry in entries.items() if entry is not None}


def save_memory(path: Path, memory: Mapping[str, ContextMemory]) -> None:
    data = {}
    for context, entry in memory.items():
        fields = {"section": entry.section, "namespace": entry.namespace, "filters": dict(entry.filters)}
        data[context] = {key: value for key, value in fields.items() if value}
    write_atomic(path, yaml.safe_dump(data, sort_keys=True))
