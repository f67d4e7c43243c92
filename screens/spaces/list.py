"""The spaces section: every SageMaker Space (Workspace) in scope, live, with the verbs `hyp` has for them: create
from the space form, start, stop, delete, and an access URL (VS Code remote or web UI)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hyptui.hyperpod.kinds import PODS, WORKSPACES
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.spaces.detail import SpaceDetailScreen
from hyptui.screens.spaces.templates import SpaceTemplatesScreen
from hyptui.screens.spaces.verbs import DELETE_CONSEQUENCE, SpaceVerbs
from hyptui.screens.widgets.panes import SelectedRowPane
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.screens.widgets.rows import split_key
from hyptui.store.state import AppState, ObjectKey
from hyptui.views.columns import SPACE_COLUMNS
from hyptui.views.spaces import SpaceRow, space_rows

SPACE_TEMPLATE = "hyp-space"  # what `n` opens a form for


def space_table_row(row: SpaceRow) -> TableRow:
    return TableRow(
        key=f"{row.namespace}/{row.name}",
        cells={
            "name": row.name,
            "namespace": row.namespace,
            "app": row.app,
            "status": row.status,
            "available": row.available,
            "owner_access": row.owner_access,
            "resources": row.resources,
            "age": row.age,
        },
        sort_values={"age": -row.created.timestamp() if row.created else None},
    )


def space_summary(row: SpaceRow) -> str:
    """The selected space in a line or two: what it is, and what holds it back when something does."""
    text = f"{row.display_name or row.name} · {row.app} · {row.status}"
    return f"{text}\nProgressing, not available: {row.reason}" if row.reason else text


class SpacesScreen(TableScreen, SpaceVerbs):
    BINDINGS = bindings(
        "new_space", "start_space", "stop_space", "access_vscode", "access_web", "yaml", "delete", "space_templates"
    )
    TITLE_TEXT = "Spaces · IDEs on the cluster"
    COLUMNS = SPACE_COLUMNS
    TABLE_ID = "spaces"
    KINDS = (WORKSPACES, PODS)

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, SpaceRow] = {}

    def compose_below_table(self) -> ComposeResult:
        yield SelectedRowPane(id="space-summary", markup=False)

    def on_mount(self) -> None:
        self.query_one("#space-summary").border_title = "Selected"
        super().on_mount()

    def show_state(self, state: AppState) -> None:
        rows = space_rows(state, self.hyptui.clock())
        self._rows = {f"{row.namespace}/{row.name}": row for row in rows}
        self.show_rows(state, [space_table_row(row) for row in rows])
        self._summarize()

    def _summarize(self) -> None:
        key = self.table.selected_key
        row = self._rows.get(key) if key else None
        self.query_one("#space-summary", Static).update(space_summary(row) if row else "No space selected")

    @on(DataTable.RowHighlighted, "#spaces")
    def _highlighted(self) -> None:
        self._summarize()

    def selected_space(self) -> ObjectKey | None:
        key = self.table.selected_key
        return split_key(key) if key else None

    @on(DataTable.RowSelected, "#spaces")
    def _row_selected(self) -> None:
        key = self.selected_space()
        if key is not None:
            self.app.push_screen(SpaceDetailScreen(key))

    def action_delete(self) -> None:
        targets = [split_key(key) for key in self.table.target_keys()]
        if targets:
            self.hyptui.confirm_delete(WORKSPACES, targets, consequence=DELETE_CONSEQUENCE)

    def action_new_space(self) -> None:
        self.app.push_screen(ConfigFormScreen.new(SPACE_TEMPLATE))

    def action_space_templates(self) -> None:
        self.app.push_screen(SpaceTemplatesScreen())
