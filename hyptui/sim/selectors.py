"""Label and field selectors as the API server parses and matches them (`?labelSelector=`, `?fieldSelector=`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hyptui.kinds import ResourceKind
from hyptui.sim.errors import ApiError, bad_request

# Characters that end an identifier in the label selector grammar (apimachinery's lexer).
_LABEL_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|>|<|[^\s!=(),<>]+)")
_SET_OPERATORS = {"in", "notin"}
_VALUE_OPERATORS = {"=", "==", "!="}
_NUMERIC_OPERATORS = {">", "<"}
# Field selectors the API server derives from booleans: absent means "false".
_BOOLEAN_FIELDS = {"spec.unschedulable", "spec.hostNetwork"}


@dataclass(frozen=True, slots=True)
class LabelRequirement:
    key: str
    operator: str  # "exists", "!exists", "=", "!=", "in", "notin", ">", "<"
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        match self.operator:
            case "exists":
                return present
            case "!exists":
                return not present
            case "=" | "in":
                return present and value in self.values
            case "!=" | "notin":
                return not present or value not in self.values
            case _:
                return present and _compare_numeric(value or "", self.operator, next(iter(self.values)))


def _compare_numeric(value: str, operator: str, bound: str) -> bool:
    try:
        actual = int(value)
    except ValueError:
        return False
    return actual > int(bound) if operator == ">" else actual < int(bound)


@dataclass(frozen=True, slots=True)
class LabelSelector:
    requirements: tuple[LabelRequirement, ...] = ()

    @classmethod
    def parse(cls, text: str) -> LabelSelector:
        return cls(_LabelParser(text).parse())

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return all(requirement.matches(labels) for requirement in self.requirements)


class _LabelParser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize_labels(text)
        self.position = 0

    def parse(self) -> tuple[LabelRequirement, ...]:
        requirements: list[LabelRequirement] = []
        while self._peek() is not None:
            requirements.append(self._requirement())
            separator = self._take()
            if separator not in (None, ","):
                raise _unparsable(f"found '{separator}', expected: ',' or 'end of string'")
            if separator == "," and self._peek() is None:
                raise _unparsable("found '', expected: identifier after ','")
        return tuple(requirements)

    def _requirement(self) -> LabelRequirement:
        if self._peek() == "!":
            self._take()
            return LabelRequirement(self._identifier(), "!exists")
        key = self._identifier()
        operator = self._peek()
        if operator in (None, ","):
            return LabelRequirement(key, "exists")
        self._take()
        if operator in _VALUE_OPERATORS:
            value = self._value()
            return LabelRequirement(key, "!=" if operator == "!=" else "=", frozenset({value}))
        if operator in _SET_OPERATORS:
            return LabelRequirement(key, operator, self._value_set())
        if operator in _NUMERIC_OPERATORS:
            bound = self._value()
            if not re.fullmatch(r"-?\d+", bound):
                raise _unparsable(f"for '{operator}' operator, the value must be an integer")
            return LabelRequirement(key, operator, frozenset({bound}))
        raise _unparsable(f"found '{operator}', expected: in, notin, =, ==, !=, gt, lt")

    def _identifier(self) -> str:
        token = self._take()
        if token is None or not _is_word(token):
            raise _unparsable(f"found '{token or ''}', expected: identifier")
        return token

    def _value(self) -> str:
        # An empty value (`k=` or `k=,x`) is legal and means the empty string.
        token = self._peek()
        if token is None or not _is_word(token):
            return ""
        self._take()
        return token

    def _value_set(self) -> frozenset[str]:
        if self._take() != "(":
            raise _unparsable("found '', expected: '('")
        values: set[str] = set()
        while True:
            values.add(self._value())
            token = self._take()
            if token == ")":
                return frozenset(values)
            if token != ",":
                raise _unparsable(f"found '{token or ''}', expected: ',', or ')'")

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str | None:
        token = self._peek()
        if token is not None:
            self.position += 1
        return token


def _tokenize_labels(text: str) -> list[str]:
    # Every non-blank character starts some token, so findall never skips input.
    return _LABEL_TOKEN.findall(text)


def _is_word(token: str) -> bool:
    return token not in {"!=", "==", "=", "!", "(", ")", ",", ">", "<"}


def _unparsable(detail: str) -> ApiError:
    return bad_request(f"unable to parse requirement: {detail}")


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
