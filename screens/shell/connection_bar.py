"""The header line every screen shares: where we are connected and whether the data is live."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from hyptui.store.state import AppState, WatchPhase

_PHASE_LABEL = {
    WatchPhase.LIVE: ("● live", "tone--ok"),
    WatchPhase.SYNCING: ("◌ syncing", "tone--warn"),
    WatchPhase.RECONNECTING: ("◌ reconnecting", "tone--warn"),
    WatchPhase.FAILED: ("✖ failed", "tone--bad"),
}
_PHASE_ORDER = (WatchPhase.FAILED, WatchPhase.RECONNECTING, WatchPhase.SYNCING, WatchPhase.LIVE)


def overall_phase(state: AppState) -> WatchPhase | None:
    """The worst phase across watches: one reconnecting kind makes the whole screen suspect."""
    phases = {status.phase for status in state.watches.values()}
    return next((phase for phase in _PHASE_ORDER if phase in phases), None)


class ConnectionBar(Static):
    COMPONENT_CLASSES = {"tone--ok", "tone--warn", "tone--bad"}

    def show(self, state: AppState) -> None:
        connection = state.connection
        text = Text(no_wrap=True, overflow="ellipsis")
        if connection is None:
            text.append("⎈ connecting…", style="bold")
            self.update(text)
            return
        text.append(f"⎈ {connection.context}", style="bold")
        if connection.cluster and connection.cluster != connection.context:
            text.append(f" · cluster {connection.cluster}")
        text.append(f" · ns {connection.namespace or 'all'}")
        text.append(f" · {connection.server}", style="dim")
        if connection.readonly:
            text.append(" · read-only", style="bold")
        phase = overall_phase(state)
        if phase is not None:
            label, component = _PHASE_LABEL[phase]
            text.append(" · ")
            text.append(label, style=self.get_component_rich_style(component, partial=True))
            errors = [s.error for s in state.watches.values() if s.error and s.phase is not WatchPhase.ABSENT]
            if errors and phase is not WatchPhase.LIVE:
                text.append(f"  {errors[0]}", style="dim")
        self.update(text)
