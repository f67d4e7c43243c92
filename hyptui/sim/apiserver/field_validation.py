"""Unknown fields in a request body, found by walking the kind's schema (the one `/openapi/v3` publishes) the way the
API server's decoder does: they are always dropped; `fieldValidation=Strict` refuses the request, `Warn` (the default)
answers with one `Warning` header per field, `Ignore` says nothing. Server-side apply types its patch against the schema
whatever the directive, and refuses unknown fields with the real server's 500."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.sim.apiserver import openapi
from hyptui.sim.apiserver.errors import ApiError, bad_request
from hyptui.sim.apiserver.patch import STRATEGIC_MERGE_KEYS

STRICT = "Strict"
WARN = "Warn"


@dataclass(frozen=True, slots=True)
class _Element:
    """A list element on a field path: its position, the element and the list's field name (for associative keys)."""

    position: int
    value: Any
    list_field: str


Path = tuple[str | _Element, ...]


@dataclass(slots=True)
class FieldValidation:
    """One request's `fieldValidation` directive and the warnings it collected."""

    kind: ResourceKind
    directive: str
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, kind: ResourceKind, query: Mapping[str, str]) -> FieldValidation:
        return cls(kind, query.get("fieldValidation") or WARN)

    def decoded(self, obj: Any, *, patch: bool = False) -> Any:
        """`obj` without its unknown fields; a 400 naming them all when the directive is Strict."""
        if not isinstance(obj, dict):
            return obj
        found: list[Path] = []
        kept = _prune(obj, openapi.object_schema(self.kind), (), found)
        if not found:
            return obj
        paths = [_decoder_path(path) for path in found]
        if not self.kind.builtin:
            # apiextensions sorts what pruning found, then appends what ObjectMeta's decoder found.
            metadata = [path for path in paths if path.startswith("metadata.")]
            paths = sorted(path for path in paths if not path.startswith("metadata.")) + metadata
        unknown = [f'unknown field "{path}"' for path in paths]
        if self.directive == STRICT:
            raise _strict_error(self.kind, ", ".join(unknown), patch)
        if self.directive == WARN:
            self.warnings += unknown
        return kept


def check_apply_patch(kind: ResourceKind, document: Any, namespace: str | None, name: str) -> None:
    """Server-side apply converts its patch to the kind's typed form first; an undeclared field fails it."""
    if not isinstance(document, dict):
        return
    found: list[Path] = []
    _prune(document, openapi.object_schema(kind), (), found)
    if found:
        group_version = kind.api_version if kind.group else f"/{kind.version}"
        identity = f"{namespace or ''}/{name}; {group_version}, Kind={kind.kind}"
        # The real server answers 500 with no reason here (kubernetes/kubernetes#122480); kubectl prints
        # "Error from server: ...".
        detail = f"{_typed_path(found[0])}: field not declared in schema"
        raise ApiError(500, "", f"failed to create typed patch object ({identity}): {detail}")


def _strict_error(kind: ResourceKind, detail: str, patch: bool) -> ApiError:
    if patch:
        return bad_request(f"strict decoding error: {detail}")
    return bad_request(
        f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: strict decoding error: {detail}'
    )


def _prune(value: Any, schema: Mapping[str, Any], path: Path, found: list[Path]) -> Any:
    schema = openapi.resolve(schema)
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties is not None:
            kept = {}
            for key, item in value.items():
                if key in properties:
                    kept[key] = _prune(item, properties[key], (*path, key), found)
                elif schema.get("x-kubernetes-preserve-unknown-fields"):
                    kept[key] = item
                else:
                    found.append((*path, key))
            return kept
        values = schema.get("additionalProperties")
        if isinstance(values, dict):
            return {key: _prune(item, values, (*path, key), found) for key, item in value.items()}
        return value
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        list_field = next((part for part in reversed(path) if isinstance(part, str)), "")
        return [
            _prune(item, items, (*path, _Element(position, item, list_field)), found)
            for position, item in enumerate(value)
        ]
    return value


def _decoder_path(path: Path) -> str:
    """`spec.containers[0].imagee`, as the strict JSON decoder names a field."""
    text = ""
    for part in path:
        if isinstance(part, _Element):
            text += f"[{part.position}]"
        else:
            text += f".{part}" if text else part
    return text


def _typed_path(path: Path) -> str:
    """`.spec.containers[name="c"].imagee`, as structured-merge-diff names a field (keyed list elements by key)."""
    text = ""
    for part in path:
        if not isinstance(part, _Element):
            text += f".{part}"
            continue
        key = STRATEGIC_MERGE_KEYS.get(part.list_field)
        if key and isinstance(part.value, dict) and key in part.value:
            text += f"[{key}={json.dumps(part.value[key])}]"
        else:
            text += f"[{part.position}]"
    return text
