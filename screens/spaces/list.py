"""The spaces section: every SageMaker Space (Workspace) in scope, live, with the verbs `hyp` has for them: create
from the space form, start, stop, delete, and an access URL (VS Code remote or web UI)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from hyptui.hyperpod.kinds import WORKSPACES
from hyptui.screens.jobs.list import split_key
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.spaces.access import request_access
from hyptui.screens.widgets.resource_table import ResourceTable, TableRow
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState, ObjectKey
from hyptui.views.columns import SPACE_COLUMNS
from hyptui.views.spaces import VSCODE_REMOTE, WEB_UI, SpaceRow, space_rows

SPACE_TEMPLATE = "hyp-space"  # what `n` opens a form for
DELETE_CONSEQUENCE = "Its pod stops and is deleted with it."
RUNNING = {"spec": {"desiredStatus": "Running"}}  # what `hyp start hyp-space` patches
STOPPED = {"spec": {"desiredStatus": "Stopped"}}
STOP_CONSEQUENCE = "Its pod is deleted; the space keeps its storage and can be started again."


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


class SpaceVerbs(LiveScreen):
    """Start, stop, access and YAML for one space, shared by the list and the detail."""

    def selected_space(self) -> ObjectKey | None:
        raise NotImplementedError

    def action_yaml(self) -> None:
        key = self.selected_space()
        workspace = get_object(self.hyptui.store.state, WORKSPACES.key, key) if key else None
        if workspace is not None:
            self.hyptui.show_yaml(WORKSPACES, workspace)

    def action_start_space(self) -> None:
        key = self.selected_space()
        if key is None or self.hyptui.readonly:
            return
        namespace, name = key

        async def start() -> None:
            try:
                await self.hyptui.gateway.merge_patch(WORKSPACES, namespace, name, RUNNING)
            except Exception as error:  # the API's reason is the message the user needs
                self.notify(f"Could not start space {name}: {error}", severity="error")
            else:
                self.notify(f"Starting space {name}")

        self.run_worker(start(), group="verbs", exit_on_error=False)

    def action_stop_space(self) -> None:
        key = self.selected_space()
        if key is None:
            return
        namespace, name = key
        self.hyptui.confirm_patch(
            WORKSPACES,
            namespace,
            name,
            STOPPED,
            question=f"Stop space {name} in {namespace}?\n{STOP_CONSEQUENCE}",
            action="Stop",
        )

    def action_access_vscode(self) -> None:
        self._access(VSCODE_REMOTE)

    def action_access_web(self) -> None:
        self._access(WEB_UI)

    def _access(self, connection_type: str) -> None:
        key = self.selected_space()
        if key is not None and not self.hyptui.readonly:
            self.run_worker(
                request_access(self.hyptui, key, connection_type), group="space-access", exit_on_error=False
            )


class SpacesScreen(TableScreen, SpaceVerbs):
    BINDINGS = bindings(
        "new_space", "start_space", "stop_space", "access_vscode", "access_web", "yaml", "delete", "space_templates"
    )

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, SpaceRow] = {}

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("Spaces · IDEs on the cluster")
        yield Input(placeholder="filter: regex on visible columns, !regex to invert", id="filter")
        yield ResourceTable(SPACE_COLUMNS, id="spaces")
        yield Static(id="space-summary", markup=False)
        yield StatusLine()
        yield KeyFooter()

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
        from hyptui.screens.spaces.detail import SpaceDetailScreen

        key = self.selected_space()
        if key is not None:
            self.app.push_screen(SpaceDetailScreen(key))

    def action_delete(self) -> None:
        targets = [split_key(key) for key in self.table.target_keys()]
        if targets:
            self.hyptui.confirm_delete(WORKSPACES, targets, consequence=DELETE_CONSEQUENCE)

    def action_new_space(self) -> None:
        from hyptui.screens.configs.form import ConfigFormScreen

        self.app.push_screen(ConfigFormScreen.new(SPACE_TEMPLATE))

    def action_space_templates(self) -> None:
        from hyptui.screens.spaces.templates import SpaceTemplatesScreen

        self.app.push_screen(SpaceTemplatesScreen())
