"""The part of Kubernetes JSONPath that CRD printer columns use: `.a.b`, `['k']`, `[n]`, `[a:b]`, `[*]` and
`[?(@.field=='value')]` filters, evaluated leniently (a missing key yields no result, as kubectl allows)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Step = Callable[[Any], list[Any]]

_FILTER = re.compile(r"\?\(\s*@((?:\.[\w.-]+)*)\s*(?:(==|!=|<|>)\s*(.+?))?\s*\)")


class JsonPathError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class JsonPath:
    text: str
    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, text: str) -> JsonPath:
        expression = text.strip()
        if expression.startswith("{") and expression.endswith("}"):
            expression = expression[1:-1]
        return cls(text, tuple(_parse_steps(expression)))

    def find(self, document: Any) -> list[Any]:
        values = [document]
        for step in self.steps:
            values = [found for value in values for found in step(value)]
        return values


def _parse_steps(expression: str) -> list[Step]:
    steps: list[Step] = []
    position = 0
    while position < len(expression):
        char = expression[position]
        if char == ".":
            match = re.match(r"\.([^.\[]*)", expression[position:])
            assert match is not None  # `.` followed by anything matches
            if match.group(1):
                steps.append(_key(match.group(1)))
            position += match.end()
        elif char == "[":
            end = _closing_bracket(expression, position)
            steps.append(_bracket(expression[position + 1 : end]))
            position = end + 1
        elif position == 0 and char == "$":
            position += 1
        else:
            raise JsonPathError(f"unexpected {char!r} in JSONPath {expression!r}")
    return steps


def _closing_bracket(expression: str, start: int) -> int:
    depth = 0
    quote = ""
    for index in range(start, len(expression)):
        char = expression[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
            if depth == 0:
                return index
    raise JsonPathError(f"unclosed bracket in JSONPath {expression!r}")


def _key(name: str) -> Step:
    if name == "*":
        return lambda value: list(value.values()) if isinstance(value, dict) else list(value or [])
    return lambda value: [value[name]] if isinstance(value, dict) and name in value else []


def _keys(names: list[str]) -> Step:
    steps = [_key(name) for name in names]

    def walk(value: Any) -> list[Any]:
        values = [value]
        for step in steps:
            values = [found for item in values for found in step(item)]
        return values

    return walk


def _bracket(inner: str) -> Step:
    inner = inner.strip()
    if inner == "*":
        return _key("*")
    if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
        # kubectl reads ['a.b'] as .a.b, where `\.` is a literal dot: ['workspace\.jupyter\.org/created-by'] is one key
        keys = [part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", inner[1:-1])]
        return _keys(keys)
    if filter_match := _FILTER.fullmatch(inner):
        return _filter(filter_match.group(1), filter_match.group(2), filter_match.group(3))
    if re.fullmatch(r"-?\d*:-?\d*(:-?\d+)?|-?\d+", inner):
        return _index_or_slice(inner)
    raise JsonPathError(f"unsupported JSONPath segment [{inner}]")


def _index_or_slice(inner: str) -> Step:
    if ":" not in inner:
        index = int(inner)

        def pick(value: Any) -> list[Any]:
            if isinstance(value, list) and -len(value) <= index < len(value):
                return [value[index]]
            return []

        return pick
    parts = [int(part) if part else None for part in inner.split(":")]
    sliced = slice(*parts)
    return lambda value: list(value[sliced]) if isinstance(value, list) else []


def _filter(path: str, operator: str | None, literal: str | None) -> Step:
    field = JsonPath.parse(path) if path else None
    expected = _literal(literal) if literal is not None else None

    def keep(item: Any) -> bool:
        found = field.find(item) if field else [item]
        if operator is None:
            return bool(found)
        if not found:
            return False
        actual = found[0]
        match operator:
            case "==":
                return actual == expected
            case "!=":
                return actual != expected
            case "<":
                return _comparable(actual, expected) and actual < expected
            case _:
                return _comparable(actual, expected) and actual > expected

    return lambda value: [item for item in (value if isinstance(value, list) else []) if keep(item)]


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise JsonPathError(f"unsupported JSONPath literal {text!r}") from None


def _comparable(actual: Any, expected: Any) -> bool:
    numbers = (int, float)
    return isinstance(actual, numbers) and isinstance(expected, numbers) and not isinstance(actual, bool)
