"""The endpoints section (being built: see issue 7)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from hyptui.screens.base import LiveScreen
from hyptui.screens.connection_bar import ConnectionBar
from hyptui.screens.text_lines import ScreenTitle, StatusLine


class EndpointsScreen(LiveScreen):
    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("Endpoints · inference")
        yield StatusLine()
        yield Footer()
