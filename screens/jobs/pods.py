"""The pods section (`9`, `:pods`): every watched pod with the job or endpoint it runs for, as `kubectl get pods`
and `hyp list-pods` show them; `:pods -l HPJob=<job>` narrows to one job's pods, Enter opens a pod's log."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable

from hyptui.hyperpod.kinds import PODS
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import PODS_PANE_CSS
from hyptui.screens.widgets.rows import pod_table_row, split_key
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState, ObjectKey
from hyptui.views.columns import ALL_POD_COLUMNS
from hyptui.views.pods import all_pods, pod_rows


class PodsScreen(TableScreen):
    DEFAULT_CSS = PODS_PANE_CSS
    BINDINGS = bindings("logs", "yaml", "kill_pod")
    TITLE_TEXT = "Pods"
    COLUMNS = ALL_POD_COLUMNS
    TABLE_ID = "pods"
    KINDS = (PODS,)
    FILTER_PLACEHOLDER = "filter: regex on visible columns, !regex to invert, -l key=value"

    def show_state(self, state: AppState) -> None:
        rows = pod_rows(all_pods(state), self.hyptui.clock())
        self.show_rows(state, [pod_table_row(row, qualified=True) for row in rows])

    def _selected(self) -> ObjectKey | None:
        key = self.table.selected_key
        return split_key(key) if key is not None else None

    @on(DataTable.RowSelected, "#pods")
    def _row_selected(self) -> None:
        self.action_logs()

    def action_logs(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.hyptui.open_pod_log(*selected)

    def action_yaml(self) -> None:
        selected = self._selected()
        pod = get_object(self.hyptui.store.state, PODS.key, selected) if selected else None
        if pod is not None:
            self.hyptui.show_yaml(PODS, pod)

    def action_kill_pod(self) -> None:
        targets = [split_key(key) for key in self.table.target_keys()]
        if targets:
            self.hyptui.confirm_delete(
                PODS, targets, consequence="Their job's operator (or ReplicaSet) starts new ones.", action="Kill"
            )
