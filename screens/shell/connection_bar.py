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
_TROUBLE = (WatchPhase.RECONNECTING, WatchPhase.FAILED)  # not the first sync: nothing was vouched for yet
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
            if state.connection_problem:  # retried whenever the kubeconfig changes
                bad = self.get_component_rich_style("tone--bad", partial=True)
                text.append("✖ ", style=bad)
                text.append(state.connection_problem, style=bad)
            else:
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
            if phase is not WatchPhase.LIVE:
                worst = [s for s in state.watches.values() if s.phase is phase]
                since = min((s.since for s in worst if s.since), default=None)
                if since is not None and phase in _TROUBLE:
                    text.append(f" since {since.astimezone():%H:%M:%S}")
                errors = [s.error for s in worst if s.error]
                if errors:
                    text.append(f"  {errors[0]}", style="dim")
        self.update(text)
