"""The training-jobs screen: every HyperPodPyTorchJob in scope, live."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input

from hyptui.columns import JOB_COLUMNS
from hyptui.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.screens.base import LiveScreen
from hyptui.screens.connection_bar import ConnectionBar
from hyptui.screens.resource_table import ResourceTable, TableRow
from hyptui.screens.text_lines import ScreenTitle, StatusLine
from hyptui.store.selectors import JobRow, get_object, job_rows
from hyptui.store.state import AppState, ObjectKey

JOBS_COLLECTION = HYPERPOD_PYTORCH_JOBS.key
POD_CASCADE = "Its pods are deleted with it."


def job_table_row(row: JobRow) -> TableRow:
    return TableRow(
        key=f"{row.namespace}/{row.name}",
        cells={
            "name": row.name,
            "namespace": row.namespace,
            "status": row.status,
            "ready": row.ready,
            "restarts": str(row.restarts),
            "age": row.age,
        },
        sort_values={"restarts": row.restarts, "age": -row.created.timestamp() if row.created else None},
    )


def split_key(key: str) -> ObjectKey:
    namespace, _, name = key.partition("/")
    return (namespace, name)


class TableScreen(LiveScreen):
    """A screen built around one ResourceTable: filter with `/`, sort with shift+←/→ and `o`."""

    AUTO_FOCUS = "ResourceTable"  # not the (hidden) filter field, which would swallow every key

    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("shift+left", "sort_column(-1)", "Sort ←", show=False),
        Binding("shift+right", "sort_column(1)", "Sort →", show=False),
        Binding("o", "flip_order", "Order"),
    ]

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value or field.has_class("-active"):
            field.value = ""
            field.remove_class("-active")
            self.table.set_filter("")
            self.table.focus()
            self._update_status()
        else:
            self.dismiss_screen()

    def dismiss_screen(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    @on(ResourceTable.Refreshed)
    def _table_refreshed(self) -> None:
        self._update_status()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._update_status()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_sort_column(self, step: int) -> None:
        self.table.shift_sort_column(step)
        self._update_status()

    def action_flip_order(self) -> None:
        self.table.flip_sort_order()
        self._update_status()

    def _update_status(self) -> None:
        table = self.table
        parts = [f"{table.shown_count} of {table.total_count}"]
        query = self.query_one("#filter", Input).value
        if query:
            parts.append(f"filter {query!r}")
        if table.sort_description:
            parts.append(f"sorted by {table.sort_description}")
        notice = self.hyptui.store.state.notice
        if notice:
            parts.append(notice)
        self.query_one(StatusLine).update("  ·  ".join(parts))


class JobsScreen(TableScreen):
    BINDINGS = [
        Binding("y", "yaml", "YAML"),
        Binding("ctrl+d", "delete", "Delete"),
    ]

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("Training jobs · HyperPodPyTorchJob")
        yield Input(placeholder="filter: regex on visible columns, !regex to invert", id="filter")
        yield ResourceTable(JOB_COLUMNS, id="jobs")
        yield StatusLine()
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "delete" and self.hyptui.readonly)

    def show_state(self, state: AppState) -> None:
        table = self.table
        all_namespaces = state.connection is None or state.connection.namespace is None
        table.hide_columns(set() if all_namespaces else {"namespace"})
        table.set_rows([job_table_row(row) for row in job_rows(state, self.hyptui.clock())])
        self._update_status()

    def _selected(self) -> ObjectKey | None:
        key = self.table.selected_key
        return split_key(key) if key else None

    @on(DataTable.RowSelected, "#jobs")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from hyptui.screens.job_detail import JobDetailScreen

        key = self._selected()
        if key is not None:
            self.app.push_screen(JobDetailScreen(key))

    def action_yaml(self) -> None:
        key = self._selected()
        job = get_object(self.hyptui.store.state, JOBS_COLLECTION, key) if key else None
        if job is not None:
            self.hyptui.show_yaml(HYPERPOD_PYTORCH_JOBS, job)

    def action_delete(self) -> None:
        key = self._selected()
        if key is not None:
            self.hyptui.confirm_delete(HYPERPOD_PYTORCH_JOBS, *key, consequence=POD_CASCADE)
