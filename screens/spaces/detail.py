"""One space: its spec as the add-on filled it in, its conditions, why it is not available yet (in the scheduler's
words when no node can take it), its pod, the events around it, and its IDE's log."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from hyptui.hyperpod.age import human_duration
from hyptui.hyperpod.kinds import WORKSPACES
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.spaces.verbs import DELETE_CONSEQUENCE, SpaceVerbs
from hyptui.screens.widgets.fields_table import fields_table
from hyptui.screens.widgets.panes import DETAIL_PANES_CSS
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState, ObjectKey
from hyptui.views.events import related_event_rows
from hyptui.views.spaces import SpaceDetail, space_detail


class SpaceDetailScreen(SpaceVerbs):
    DEFAULT_CSS = (
        DETAIL_PANES_CSS
        + """
    SpaceDetailScreen #conditions {
        max-height: 9;
    }

    #space-reason {
        height: auto;
        padding: 0 1;
        color: $status-warn;
        border: round $status-warn;
        border-title-color: $status-warn;
    }
    """
    )
    BINDINGS = bindings("back", "logs", "start_space", "stop_space", "access_vscode", "access_web", "yaml", "delete")

    def __init__(self, key: ObjectKey) -> None:
        super().__init__()
        self.key = key
        self._detail: SpaceDetail | None = None

    def compose(self) -> ComposeResult:
        namespace, name = self.key
        yield ConnectionBar()
        yield ScreenTitle(f"Workspace {namespace}/{name}", id="title")
        yield Static(id="spec")
        yield StaticTable("TYPE", "STATUS", "REASON", "AGE", "MESSAGE", id="conditions")
        yield Static(id="space-reason", markup=False)
        yield StaticTable("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", id="events")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#spec").border_title = "Spec"
        self.query_one("#conditions").border_title = "Conditions"
        self.query_one("#space-reason").border_title = "Why not available"
        self.query_one("#events").border_title = "Events"
        super().on_mount()

    def selected_space(self) -> ObjectKey | None:
        return self.key

    def show_state(self, state: AppState) -> None:
        namespace, name = self.key
        now = self.hyptui.clock()
        detail = space_detail(state, self.key)
        title = self.query_one("#title", ScreenTitle)
        if detail is None:
            if self._detail is not None:
                title.update(f"Workspace {namespace}/{name} · deleted")
            return
        self._detail = detail
        title.update(f"Workspace {namespace}/{name} · {detail.status}")
        self.query_one("#spec", Static).update(fields_table(detail.fields))
        conditions = []
        for condition in detail.conditions:
            changed = condition.last_transition
            since = human_duration(now - changed) if changed else ""
            conditions.append((condition.type, condition.status, condition.reason, since, condition.message))
        self.query_one("#conditions", StaticTable).show_rows(conditions)
        reason = self.query_one("#space-reason", Static)
        reason.display = bool(detail.reason)
        reason.update(detail.reason)
        events = self.query_one("#events", StaticTable)
        namespace, name = self.key
        pods = [detail.pod] if detail.pod else []
        if events.show_rows(related_event_rows(state, namespace, WORKSPACES.kind, name, pods, now)):
            events.scroll_end(animate=False)
        self.query_one(StatusLine).update(state.notice or "")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_logs(self) -> None:
        pod = self._detail.pod if self._detail else None
        if pod is None:
            self.notify("The space has no pod (it is stopped)", severity="warning")
            return
        self.hyptui.open_pod_log(self.key[0], pod)

    def action_delete(self) -> None:
        self.hyptui.confirm_delete(WORKSPACES, [self.key], consequence=DELETE_CONSEQUENCE, then=self.app.pop_screen)
