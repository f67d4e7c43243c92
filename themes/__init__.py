"""hyptui's themes and stylesheet. Screens use only the theme variables defined here, never literal colours."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from textual.theme import Theme

STYLESHEET = Path(str(files(__name__) / "hyptui.tcss"))

# Variables the stylesheet uses beyond Textual's own; every theme must define them (defaults in `VARIABLE_DEFAULTS`).
VARIABLE_DEFAULTS: dict[str, str] = {
    "status-ok": "#5fd787",
    "status-warn": "#ffd75f",
    "status-bad": "#ff5f5f",
    "status-idle": "#8a8a8a",
}

HYPTUI_DARK = Theme(
    name="hyptui-dark",
    primary="#3b9eff",
    secondary="#8ab4f8",
    accent="#ff9900",
    warning="#ffd75f",
    error="#ff5f5f",
    success="#5fd787",
    foreground="#d0d7de",
    background="#0d1117",
    surface="#161b22",
    panel="#1f2630",
    dark=True,
    variables=dict(VARIABLE_DEFAULTS),
)

THEMES: tuple[Theme, ...] = (HYPTUI_DARK,)
DEFAULT_THEME = HYPTUI_DARK.name
