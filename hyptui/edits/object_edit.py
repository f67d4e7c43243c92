"""`e` on an object: its YAML as `kubectl edit` shows it, the user's edited text read back, and the JSON merge patch
that carries exactly what they changed (RFC 7386: a removed key becomes null, a list is replaced whole)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# written by the API server or by controllers: edits to them would be refused or undone, so they are not sent
SERVER_METADATA = ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink")
IDENTITY = (("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace"))


class EditError(ValueError):
    """The edited text cannot be sent; the message says where and why."""


def object_yaml(obj: Mapping[str, Any]) -> str:
    # managedFields is noise for a person reading the object; kubectl hides it by default too
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    return yaml.safe_dump({**obj, "metadata": metadata}, sort_keys=False, default_flow_style=False, width=1000)


def editor_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """$VISUAL, then $EDITOR, as kubectl edit and git pick them; None when neither is set."""
    env = os.environ if environ is None else environ
    chosen = env.get("VISUAL") or env.get("EDITOR")
    return shlex.split(chosen) if chosen and chosen.strip() else None


def run_editor(command: list[str], text: str) -> str:
    """Let the editor change `text` in a temporary .yaml file and return what it saved (the terminal is the
    editor's while this runs)."""
    with tempfile.TemporaryDirectory(prefix="hyptui-edit-") as scratch:
        path = Path(scratch) / "object.yaml"
        path.write_text(text, encoding="utf-8")
        subprocess.run([*command, str(path)], check=False)
        return path.read_text(encoding="utf-8")


def _at(obj: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, Mapping) else None
    return obj


def _comparable(obj: Mapping[str, Any]) -> dict[str, Any]:
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in SERVER_METADATA}
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": metadata}


def merge_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    patch: dict[str, Any] = {key: None for key in old if key not in new}
    for key, value in new.items():
        before = old.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            inner = merge_patch(before, value)
            if inner:
                patch[key] = inner
        elif key not in old or value != before:
            patch[key] = value
    return patch


def edit_patch(original: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The merge patch from `original` to the edited `text` ({} when nothing that can be sent changed)."""
    try:
        edited = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise EditError(f"{where}not valid YAML ({getattr(error, 'problem', None) or error})") from None
    if not isinstance(edited, Mapping):
        raise EditError("the object must stay a mapping (apiVersion, kind, metadata, spec...)")
    for path in IDENTITY:
        if _at(edited, path) != _at(original, path):
            field = ".".join(path)
            raise EditError(f"{field} cannot change ({_at(original, path)!r}); create a new object for that")
    return merge_patch(_comparable(original), _comparable(edited))
