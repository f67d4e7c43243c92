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
    "status-suspended": "#af87ff",
    "status-borrowed": "#5fd7d7",
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

HYPTUI_LIGHT = Theme(
    name="hyptui-light",
    primary="#0969da",
    secondary="#54aeff",
    accent="#bc4c00",
    warning="#9a6700",
    error="#cf222e",
    success="#1a7f37",
    foreground="#1f2328",
    background="#ffffff",
    surface="#f6f8fa",
    panel="#eaeef2",
    dark=False,
    variables={
        "status-ok": "#1a7f37",
        "status-warn": "#9a6700",
        "status-bad": "#cf222e",
        "status-idle": "#6e7781",
        "status-suspended": "#8250df",
        "status-borrowed": "#1b7c83",
    },
)

# For projectors: pure black and white, saturated status colours, nothing that washes out.
HYPTUI_HIGH_CONTRAST = Theme(
    name="hyptui-high-contrast",
    primary="#00d7ff",
    secondary="#ffffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff3030",
    success="#00ff5f",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    dark=True,
    variables={
        "status-ok": "#00ff5f",
        "status-warn": "#ffff00",
        "status-bad": "#ff3030",
        "status-idle": "#bcbcbc",
        "status-suspended": "#ff5fff",
        "status-borrowed": "#00ffff",
    },
)

# What NO_COLOR asks for: greys only, so state is read from the words (and bold for failures), never from hue.
HYPTUI_MONOCHROME = Theme(
    name="hyptui-monochrome",
    primary="#d0d0d0",
    secondary="#a8a8a8",
    accent="#ffffff",
    warning="#d0d0d0",
    error="#ffffff",
    success="#d0d0d0",
    foreground="#d0d0d0",
    background="#000000",
    surface="#121212",
    panel="#262626",
    dark=True,
    variables={
        "status-ok": "#d0d0d0",
        "status-warn": "#d0d0d0",
        "status-bad": "#ffffff",
        "status-idle": "#808080",
        "status-suspended": "#a8a8a8",
        "status-borrowed": "#ffffff",
    },
)

THEMES: tuple[Theme, ...] = (HYPTUI_DARK, HYPTUI_LIGHT, HYPTUI_HIGH_CONTRAST, HYPTUI_MONOCHROME)
DEFAULT_THEME = HYPTUI_DARK.name
MONOCHROME_THEME = HYPTUI_MONOCHROME.name
