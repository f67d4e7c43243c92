"""The spaces section (being built: see issue 8)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from hyptui.screens.base import LiveScreen
from hyptui.screens.connection_bar import ConnectionBar
from hyptui.screens.text_lines import ScreenTitle, StatusLine


class SpacesScreen(LiveScreen):
    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("Spaces · IDEs on the cluster")
        yield StatusLine()
        yield Footer()
