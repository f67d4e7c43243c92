"""Label and field selectors as the API server parses and matches them (`?labelSelector=`, `?fieldSelector=`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.hyperpod.label_selector import LabelSelector, LabelSelectorError
from hyptui.sim.apiserver.errors import bad_request
from hyptui.sim.apiserver.validation import label_key_problems, label_value_problems

# Field selectors the API server derives from booleans: absent means "false".
_BOOLEAN_FIELDS = {"spec.unschedulable", "spec.hostNetwork"}


def parse_label_selector(text: str) -> LabelSelector:
    """The selector, or 400 for bad syntax or for a key or value no label could have (as labels.Parse checks them)."""
    try:
        selector = LabelSelector.parse(text)
    except LabelSelectorError as error:
        raise bad_request(str(error)) from None
    for requirement in selector.requirements:
        if problems := label_key_problems(requirement.key):
            # The real parser has no field path here, and Go prints the nil path as "<nil>".
            detail = f"<nil>: Invalid value: {json.dumps(requirement.key)}: {'; '.join(problems)}"
            raise bad_request(f"unable to parse requirement: {detail}")
        for index, value in enumerate(sorted(requirement.values)):
            if problems := label_value_problems(value):
                field = f"values[{index}][{requirement.key}]"
                detail = f"{field}: Invalid value: {json.dumps(value)}: {'; '.join(problems)}"
                raise bad_request(f"unable to parse requirement: {detail}")
    return selector


@dataclass(frozen=True, slots=True)
class FieldRequirement:
    field: str
    equal: bool
    value: str


@dataclass(frozen=True, slots=True)
class FieldSelector:
    requirements: tuple[FieldRequirement, ...] = ()

    @classmethod
    def parse(cls, text: str, kind: ResourceKind) -> FieldSelector:
        supported = supported_field_labels(kind)
        requirements: list[FieldRequirement] = []
        for term in _split_unescaped(text, ","):
            if term == "":
                continue
            requirement = _field_requirement(term)
            if requirement.field not in supported:
                raise bad_request(f"field label not supported: {requirement.field}")
            requirements.append(requirement)
        return cls(tuple(requirements))

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all((field_value(obj, r.field) == r.value) == r.equal for r in self.requirements)


def supported_field_labels(kind: ResourceKind) -> frozenset[str]:
    labels = {"metadata.name", *kind.field_labels}
    if kind.namespaced:
        labels.add("metadata.namespace")
    return frozenset(labels)


def _field_requirement(term: str) -> FieldRequirement:
    for operator in ("!=", "==", "="):
        parts = _split_unescaped(term, operator, limit=1)
        if len(parts) == 2:
            return FieldRequirement(_unescape(parts[0]), operator != "!=", _unescape(parts[1]))
    raise bad_request(f"invalid selector: '{term}'; can't understand '{term}'")


def _split_unescaped(text: str, separator: str, limit: int = -1) -> list[str]:
    """Split on `separator` unless it follows a backslash (field selector values escape `\\`, `,` and `=`)."""
    parts: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(text):
        if text[position] == "\\" and position + 1 < len(text):
            current.append(text[position : position + 2])
            position += 2
        elif text.startswith(separator, position) and (limit < 0 or len(parts) < limit):
            parts.append("".join(current))
            current = []
            position += len(separator)
        else:
            current.append(text[position])
            position += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def field_value(obj: Mapping[str, Any], field: str) -> str:
    """The string a field selector compares against: dotted path lookup, booleans as "true"/"false", absent as ""."""
    # `source` is the events' only non-path label: it selects on source.component.
    path = "source.component" if field == "source" else field
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, bool) or (value is None and field in _BOOLEAN_FIELDS):
        return "true" if value else "false"
    return "" if value is None else str(value)
