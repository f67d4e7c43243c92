"""The configs section (`0`, `:configs`): the config directories under where hyptui started, as `hyp init` and the
forms leave them, with whether `hyp validate` would accept each; `e` or Enter opens one in its form."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hyptui.hyp_configs.directories import ConfigDirectory, config_directories
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import SelectedRowPane
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.store.state import AppState
from hyptui.views.columns import CONFIG_DIRECTORY_COLUMNS


def config_directory_row(row: ConfigDirectory, root: Path) -> TableRow:
    relative = row.path.relative_to(root).as_posix()
    return TableRow(
        key=str(row.path),
        cells={
            "directory": "." if relative == "." else f"./{relative}",
            "template": row.template or "-",
            "version": row.version or "-",
            "state": row.state,
            "problems": str(len(row.problems)) if not row.error else "-",
            "runs": str(row.runs),
            "modified": row.modified.strftime("%Y-%m-%d %H:%M"),
        },
        sort_values={"problems": len(row.problems), "runs": row.runs, "modified": -row.modified.timestamp()},
    )


class ConfigsScreen(TableScreen):
    BINDINGS = bindings("open_config", "reload")
    COLUMNS = CONFIG_DIRECTORY_COLUMNS
    TABLE_ID = "configs"
    TITLE_ID = "title"

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, ConfigDirectory] = {}

    def title_text(self) -> str:
        return f"Config directories under {Path.cwd()}"

    def compose_below_table(self) -> ComposeResult:
        yield SelectedRowPane(id="why", markup=False)  # hyp's messages quote patterns such as [a-z0-9]

    def on_mount(self) -> None:
        self.query_one("#why").border_title = "Why?"
        super().on_mount()

    def on_screen_resume(self) -> None:
        self.action_reload()  # each time it shows (the first time too): a form may have saved or created a directory

    def show_state(self, state: AppState) -> None:
        self._update_status()  # the directories are files, not cluster state: reload (r) rescans them

    @work(exclusive=True, group="scan")
    async def action_reload(self) -> None:
        root = Path.cwd()
        found = await asyncio.to_thread(config_directories, root)  # a big tree must not freeze the keyboard
        self._rows = {str(row.path): row for row in found}
        self.table.set_rows([config_directory_row(row, root) for row in found])
        self._explain()
        self._update_status()

    def _explain(self) -> None:
        row = self._rows.get(self.table.selected_key or "")
        text = ""
        if row is not None and row.error:
            text = row.error
        elif row is not None and row.problems:
            heading = "`hyp validate` would refuse it (e opens the form, each beside its field):"
            text = "\n".join((heading, *row.problems))
        why = self.query_one("#why", Static)
        why.update(text)
        why.display = bool(text)  # a valid directory needs no answer

    @on(DataTable.RowHighlighted, "#configs")
    def _highlighted(self) -> None:
        self._explain()

    @on(DataTable.RowSelected, "#configs")
    async def _selected(self) -> None:
        await self.action_open_config()

    async def action_open_config(self) -> None:
        key = self.table.selected_key
        if key is not None:
            await self.hyptui.open_config_directory(Path(key), here=True)
