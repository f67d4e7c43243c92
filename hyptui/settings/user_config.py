"""The user's settings in `$XDG_CONFIG_HOME/hyptui/config.yaml`: key remaps, command aliases, theme, read-only
(everywhere, or in the kubeconfig contexts named under `contexts`, where shell-style patterns match many):

    readonly: false
    contexts:
      "arn:aws:eks:*:cluster/prod-*":
        readonly: true

A bad file never stops hyptui: it starts with the defaults and a message naming the file, the field and what is
allowed. Writes (the remembered theme) are atomic and keep every other setting.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from hyptui.settings.atomic_file import write_atomic
from hyptui.views.sections import SECTIONS
from hyptui.views.verbs import VERBS


class ContextSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    readonly: bool = False


class UserConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    keymap: dict[str, str] = {}  # verb id -> keys, e.g. {"delete": "ctrl+x"}
    aliases: dict[str, str] = {}  # word -> command, e.g. {"a": "jobs hyperpod-ns-team-a"}
    theme: str | None = None
    readonly: bool = False
    contexts: dict[str, ContextSettings] = {}  # context name or shell-style pattern -> settings there

    def readonly_in(self, context: str | None) -> bool:
        """Whether verbs that change the cluster are off in `context`. While the context is not known yet (None),
        any read-only context counts: the one about to connect may be it."""
        rules = [name for name, settings in self.contexts.items() if settings.readonly]
        if self.readonly:
            return True
        if context is None:
            return bool(rules)
        return any(fnmatchcase(context, pattern) for pattern in rules)

    @field_validator("keymap")
    @classmethod
    def _known_verbs(cls, keymap: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(keymap) - set(VERBS))
        if unknown:
            raise ValueError(f"unknown verb {unknown[0]!r}; verbs are: {', '.join(sorted(VERBS))}")
        empty = [verb for verb, keys in keymap.items() if not keys.strip()]
        if empty:
            raise ValueError(f"verb {empty[0]!r} needs at least one key")
        return keymap

    @field_validator("aliases")
    @classmethod
    def _aliases_do_not_shadow(cls, aliases: dict[str, str]) -> dict[str, str]:
        reserved = {word for section in SECTIONS.values() for word in section.words}
        clash = sorted(set(aliases) & reserved)
        if clash:
            raise ValueError(f"alias {clash[0]!r} would hide the built-in command of that name")
        return aliases


def config_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "hyptui" / "config.yaml"


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "the file"
    message = first["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


def load_user_config(path: Path) -> tuple[UserConfig, str | None]:
    """The settings, and a message when the file had to be ignored (defaults are used then)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UserConfig(), None
    except OSError as error:
        return UserConfig(), f"{path}: cannot read ({error.strerror}); using defaults"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        return UserConfig(), f"{path}{line}: not valid YAML; using defaults"
    if data is None:
        return UserConfig(), None
    if not isinstance(data, dict):
        return UserConfig(), f"{path}: expected a mapping of settings, got {type(data).__name__}; using defaults"
    try:
        return UserConfig.model_validate(data), None
    except ValidationError as error:
        return UserConfig(), f"{path}: {_describe(error)}; using defaults"


def remember_theme(path: Path, theme: str) -> bool:
    """Store the chosen theme, keeping everything else the file says. A file we cannot read back as a mapping is
    left alone (returns False): overwriting it would lose what the user wrote."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        data = {}
    except (OSError, yaml.YAMLError):
        return False
    if not isinstance(data, dict):
        return False
    data["theme"] = theme
    write_atomic(path, yaml.safe_dump(data, sort_keys=False))
    return True
