"""What every hyptui screen shares: the connection bar and a redraw whenever the store's state changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.verb_bindings import is_mutating
from hyptui.store.state import AppState

if TYPE_CHECKING:
    from hyptui.screens.shell.app import HyptuiApp


class LiveScreen(Screen):
    @property
    def hyptui(self) -> HyptuiApp:
        return cast("HyptuiApp", self.app)

    def on_mount(self) -> None:
        self.hyptui.state_changed.subscribe(self, self._on_state)
        self._on_state(self.hyptui.store.state)

    def _on_state(self, state: AppState) -> None:
        for bar in self.query(ConnectionBar):
            bar.show(state)
        self.show_state(state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Read-only mode hides every verb that would change the cluster, on every screen.
        return not (self.hyptui.readonly and is_mutating(action))

    def show_state(self, state: AppState) -> None:
        """Redraw from `state`; called on mount, on every store change and once a second for ages."""
