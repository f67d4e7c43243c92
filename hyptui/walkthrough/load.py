"""Reading walkthrough files: the shipped ones by name, anyone's by path, each problem named by module, step number
and field ("module 'training', step 3, action.node: field required") so a file can be fixed before a demo starts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hyptui.walkthrough.model import Walkthrough

SHIPPED_PACKAGE = "hyptui.walkthrough.shipped"
SUFFIX = ".yaml"


class WalkthroughError(Exception):
    """A walkthrough that does not load; `messages` has one line per problem."""

    def __init__(self, source: str, messages: Sequence[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(messages))
        self.source = source
        self.messages = tuple(messages)


def shipped_names() -> tuple[str, ...]:
    files = resources.files(SHIPPED_PACKAGE).iterdir()
    return tuple(sorted(f.name.removesuffix(SUFFIX) for f in files if f.name.endswith(SUFFIX)))


def load_walkthrough(name_or_path: str) -> Walkthrough:
    """A shipped walkthrough by name (`talk`), else the file at that path."""
    if name_or_path in shipped_names():
        text = resources.files(SHIPPED_PACKAGE).joinpath(name_or_path + SUFFIX).read_text(encoding="utf-8")
        return parse_walkthrough(text, name_or_path)
    path = Path(name_or_path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        shipped = ", ".join(shipped_names())
        raise WalkthroughError(
            str(path), [f"cannot read it ({error.strerror}); shipped walkthroughs: {shipped}"]
        ) from None
    return parse_walkthrough(text, str(path))


def parse_walkthrough(text: str, source: str) -> Walkthrough:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise WalkthroughError(source, [f"{where}not valid YAML ({getattr(error, 'problem', error)})"]) from None
    if not isinstance(data, Mapping):
        raise WalkthroughError(source, ["expected a mapping with title and modules"])
    try:
        return Walkthrough.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        raise WalkthroughError(source, [_message(data, e) for e in errors if not _follows(e, errors)]) from None


def _follows(error: Any, errors: list[Any]) -> bool:
    """A list reported too short only because its items failed: the items' own errors say it all."""
    loc = tuple(error["loc"])
    return error["type"] == "too_short" and any(tuple(o["loc"])[: len(loc)] == loc and o is not error for o in errors)


def _message(data: Mapping[str, Any], error: Any) -> str:
    loc = list(error["loc"])
    where: list[str] = []
    if loc[:1] == ["modules"] and len(loc) > 1 and isinstance(loc[1], int):
        module = _item(data.get("modules"), loc[1])
        name = module.get("name") if isinstance(module, Mapping) else None
        where.append(f"module {name!r}" if isinstance(name, str) else f"module {loc[1] + 1}")
        loc = loc[2:]
        if loc[:1] == ["steps"] and len(loc) > 1 and isinstance(loc[1], int):
            where.append(f"step {loc[1] + 1}")
            step = _item(module.get("steps") if isinstance(module, Mapping) else None, loc[1])
            loc = _field_path(loc[2:], step if isinstance(step, Mapping) else {})
    field = ".".join(str(part) for part in loc)
    text = _wording(error)
    return ", ".join([*where, f"{field}: {text}" if field else text])


def _item(items: Any, index: int) -> Any:
    return items[index] if isinstance(items, list) and index < len(items) else None


def _field_path(loc: list[Any], step: Mapping[str, Any]) -> list[Any]:
    """Drop what the model adds and the file does not show: the action's or expectation's type tag, and the index of
    an expectation written as a single mapping."""
    if not loc or loc[0] not in ("action", "expect"):
        return loc
    head, rest = loc[0], loc[1:]
    written = step.get(head)
    if head == "expect" and rest and isinstance(rest[0], int):
        index, rest = rest[0], rest[1:]
        if not isinstance(written, Mapping):
            head, written = f"expect[{index + 1}]", _item(written, index)
    if rest and isinstance(written, Mapping) and rest[0] == written.get("type"):
        rest = rest[1:]  # the union member's tag, e.g. 'fault_node'
    return [head, *rest]


def _wording(error: Any) -> str:
    kind = error["type"]
    if kind == "union_tag_invalid":
        context = error.get("ctx") or {}
        return f"unknown type {context.get('tag')!r}; one of {context.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "type: field required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "too_short" and "min_length" in (error.get("ctx") or {}):
        wanted = error["ctx"]["min_length"]
        return f"needs at least {wanted} item{'s' * (wanted != 1)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]
