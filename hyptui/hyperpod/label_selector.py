"""Kubernetes label selectors (`app=x,tier!=web,env in (a,b),!canary`) parsed and matched as apimachinery does, for
the embedded API server's `?labelSelector=` and for the app's `-l` row filter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


class LabelSelectorError(ValueError):
    """The selector does not parse; the message is the API server's."""


# Characters that end an identifier in the label selector grammar (apimachinery's lexer).
_LABEL_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|>|<|[^\s!=(),<>]+)")
_SET_OPERATORS = {"in", "notin"}
_VALUE_OPERATORS = {"=", "==", "!="}
_NUMERIC_OPERATORS = {">", "<"}


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


def _unparsable(detail: str) -> LabelSelectorError:
    return LabelSelectorError(f"unable to parse requirement: {detail}")
