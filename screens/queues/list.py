"""The queues section: the cluster policy's priorities, each team's GPUs (guaranteed, used, borrowed, lent, idle),
every workload with its state, and for the selected one a plain answer to "why is it not running?"."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hyptui.hyperpod.kinds import CLUSTER_QUEUES, LOCAL_QUEUES, WORKLOAD_PRIORITY_CLASSES, WORKLOADS
from hyptui.screens.queues.governance_editor import GovernanceEditorScreen
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import SelectedRowPane
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.store.state import AppState
from hyptui.views.columns import WORKLOAD_COLUMNS
from hyptui.views.queues import (
    TeamRow,
    WorkloadRow,
    fair_sharing,
    priority_classes,
    team_rows,
    why_waiting,
    workload_rows,
)

BAR_WIDTH = 16
TEAM_COLUMNS = ("CLUSTER QUEUE", "GPUS", "GUARANTEED", "IN USE", "BORROWED", "LENT", "IDLE", "PENDING", "ADMITTED")


def gpu_bar(team: TeamRow, borrowed_style: Style) -> Text:
    """One cell per GPU the team could hold: ■ its own in use, ▣ borrowed (in the theme's borrowed colour), ▢ lent to
    others, · idle."""
    own = team.in_use - team.borrowed
    bar = Text.assemble("■" * own, ("▣" * team.borrowed, borrowed_style), "▢" * team.lent, "·" * team.idle)
    if len(bar) > BAR_WIDTH:
        bar.truncate(BAR_WIDTH)
        bar.append("…")
    return bar


def team_cells(team: TeamRow, borrowed_style: Style) -> tuple[str | Text, ...]:
    return (
        team.queue,
        gpu_bar(team, borrowed_style),
        str(team.guaranteed),
        str(team.in_use),
        Text(str(team.borrowed), style=borrowed_style if team.borrowed else ""),
        str(team.lent),
        str(team.idle),
        str(team.pending),
        str(team.admitted),
    )


def workload_table_row(row: WorkloadRow) -> TableRow:
    return TableRow(
        key=row.key,
        cells={
            "job": row.job or row.name,
            "namespace": row.namespace,
            "priority": row.priority or "-",
            "state": row.state,
            "position": str(row.position) if row.position else "",
            "gpus": str(row.gpus),
            "waiting": row.waiting,
            "message": row.message,
        },
        sort_values={"gpus": row.gpus, "priority": -row.priority_value, "position": row.position},
    )


class QueuesScreen(TableScreen):
    DEFAULT_CSS = """
    #policy {
        height: 1;
        padding: 0 1;
        color: $accent;
    }

    #teams {
        height: auto;
        max-height: 8;
    }

    #workloads {
        border: round $panel;
        border-title-color: $accent;
    }
    """
    BINDINGS = bindings("edit_governance")
    TITLE_TEXT = "Queues · task governance"
    COLUMNS = WORKLOAD_COLUMNS
    TABLE_ID = "workloads"
    KINDS = (CLUSTER_QUEUES, LOCAL_QUEUES, WORKLOADS, WORKLOAD_PRIORITY_CLASSES)
    FILTER_PLACEHOLDER = "filter workloads: regex on visible columns"

    def compose_above_table(self) -> ComposeResult:
        yield Static(id="policy")
        yield StaticTable(*TEAM_COLUMNS, id="teams")

    def compose_below_table(self) -> ComposeResult:
        yield SelectedRowPane(id="why")

    def on_mount(self) -> None:
        self.query_one("#teams").border_title = "Teams (■ own ▣ borrowed ▢ lent · idle)"
        self.table.border_title = "Workloads"
        self.query_one("#why").border_title = "Why?"
        super().on_mount()

    def show_state(self, state: AppState) -> None:
        now = self.hyptui.clock()
        classes = priority_classes(state)
        policy = " > ".join(f"{row.name.removesuffix('-priority')} ({row.value})" for row in classes)
        sharing = "fair share on" if fair_sharing(state) else "fair share off: idle quota goes first come, first served"
        self.query_one("#policy", Static).update(
            f"Priority: {policy} · {sharing}" if classes else "No task governance policy"
        )
        teams = self.query_one("#teams", StaticTable)
        borrowed = teams.get_component_rich_style("tone--borrowed", partial=True)
        teams.show_rows([team_cells(team, borrowed) for team in team_rows(state)])
        self._workloads = {row.key: row for row in workload_rows(state, now)}
        self.table.set_rows([workload_table_row(row) for row in self._workloads.values()])
        self._explain()
        self._update_status()

    def _explain(self) -> None:
        key = self.table.selected_key
        row = self._workloads.get(key) if key else None
        text = why_waiting(self.hyptui.store.state, row, self.hyptui.clock()) if row else ""
        self.query_one("#why", Static).update(text)

    def action_edit_governance(self) -> None:
        self.app.push_screen(GovernanceEditorScreen())

    @on(DataTable.RowHighlighted, "#workloads")
    def _highlighted(self) -> None:
        self._explain()

    @on(DataTable.RowSelected, "#workloads")
    async def _selected(self) -> None:
        key = self.table.selected_key
        row = self._workloads.get(key) if key else None
        if row is not None and row.job:
            await self.hyptui.open_job((row.namespace, row.job))
