"""Themes users add as YAML files in `$XDG_CONFIG_HOME/hyptui/themes/`, one theme per file:

    name: solarized-projector
    dark: true
    primary: "#268bd2"
    background: "#002b36"
    variables: {status-ok: "#859900", status-bad: "#dc322f"}

Every colour Textual accepts works ("#rrggbb", "rgb(...)", names); hyptui's status variables not given fall back to
the defaults. A file that does not load is reported (file, field, what is allowed) and skipped; the others load.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

from hyptui.themes import THEMES, VARIABLE_DEFAULTS

THEMES_DIRECTORY = "themes"  # beside config.yaml
COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
)


def _colour(value: str | None) -> str | None:
    if value is not None:
        try:
            Color.parse(value)
        except ColorParseError:
            raise ValueError(f"{value!r} is not a colour (use #rrggbb, rgb(r,g,b) or a colour name)") from None
    return value


class ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    primary: str
    dark: bool = True
    secondary: str | None = None
    accent: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    variables: dict[str, str] = {}

    @field_validator(*COLOUR_FIELDS)
    @classmethod
    def _is_colour(cls, value: str | None) -> str | None:
        return _colour(value)

    @field_validator("name")
    @classmethod
    def _not_built_in(cls, name: str) -> str:
        if name in {theme.name for theme in THEMES}:
            raise ValueError(f"{name!r} is a built-in theme; give yours another name")
        if not name.strip():
            raise ValueError("a theme needs a name")
        return name

    @field_validator("variables")
    @classmethod
    def _status_colours(cls, variables: dict[str, str]) -> dict[str, str]:
        for key, value in variables.items():
            if key in VARIABLE_DEFAULTS:
                _colour(value)
        return variables

    def theme(self) -> Theme:
        fields = self.model_dump(exclude={"variables"}, exclude_none=True)
        return Theme(**fields, variables={**VARIABLE_DEFAULTS, **self.variables})


def _problem(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "the file"
    return f"{path}: {field}: {first['msg'].removeprefix('Value error, ')}; theme skipped"


def load_user_themes(directory: Path) -> tuple[list[Theme], list[str]]:
    """The themes in `directory` (*.yaml, *.yml, by file name) and one message per file that had to be skipped."""
    themes: list[Theme] = []
    problems: list[str] = []
    if not directory.is_dir():
        return themes, problems
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as error:
            problems.append(f"{path}: cannot read ({error.strerror}); theme skipped")
            continue
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            problems.append(f"{path}{where}: not valid YAML; theme skipped")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: expected a mapping of theme fields; theme skipped")
            continue
        try:
            loaded = ThemeFile.model_validate(data)
        except ValidationError as error:
            problems.append(_problem(path, error))
            continue
        if loaded.name in {theme.name for theme in themes}:
            problems.append(f"{path}: name: {loaded.name!r} is already defined by another file; theme skipped")
            continue
        themes.append(loaded.theme())
    return themes, problems
