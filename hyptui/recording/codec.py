"""Store actions to and from JSON-ready values, each tagged with its class name; pydantic validates the way back, so
a decoded action equals the one recorded."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hyptui.store.actions import Action

ACTION_CLASSES: tuple[type, ...] = typing.get_args(Action)
_ADAPTERS: dict[str, TypeAdapter[Any]] = {cls.__name__: TypeAdapter(cls) for cls in ACTION_CLASSES}


class ActionDecodeError(ValueError):
    """A recorded action that cannot be read back; `str()` says which class and which field."""


def action_name(action: Action) -> str:
    return type(action).__name__


def encode_action(action: Action) -> Any:
    """The action's fields as JSON-ready values (dicts, lists, strings, numbers)."""
    return _ADAPTERS[action_name(action)].dump_python(action, mode="json")


def decode_action(name: str, data: Any) -> Action:
    adapter = _ADAPTERS.get(name)
    if adapter is None:
        raise ActionDecodeError(f"unknown action {name!r} (this hyptui knows {', '.join(sorted(_ADAPTERS))})")
    try:
        return adapter.validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "its fields"
        raise ActionDecodeError(f"{name} {where}: {first['msg']}") from None
