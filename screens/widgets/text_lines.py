"""One-line labels every screen uses: a title and a status line."""

from __future__ import annotations

from textual.widgets import Static


class ScreenTitle(Static):
    DEFAULT_CSS = """
    ScreenTitle {
        height: 1;
        padding: 0 1;
        color: $accent;
        text-style: bold;
    }
    """


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        color: $foreground-muted;
    }

    StatusLine.-error {
        height: auto;
        color: $error;
    }
    """
