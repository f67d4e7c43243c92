"""One-line labels every screen uses: a title and a status line."""

from __future__ import annotations

from textual.widgets import Static


class ScreenTitle(Static):
    pass


class StatusLine(Static):
    pass
