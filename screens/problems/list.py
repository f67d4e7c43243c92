"""The problems section: every job, pod and node that needs attention, worst first; Enter goes to it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Input

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.widgets.resource_table import ResourceTable, TableRow
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState
from hyptui.views.columns import PROBLEM_COLUMNS
from hyptui.views.problems import Problem, find_problems

KIND_LABELS = {HYPERPOD_PYTORCH_JOBS.key: "job", PODS.key: "pod", NODES.key: "node"}


def problem_row(problem: Problem, now) -> TableRow:
    return TableRow(
        key=problem.key,
        cells={
            "severity": problem.severity.name.capitalize(),
            "kind": KIND_LABELS[problem.kind],
            "namespace": problem.namespace or "-",
            "name": problem.name,
            "reason": problem.reason,
            "detail": problem.detail,
            "age": problem.age(now),
        },
        sort_values={"severity": int(problem.severity), "age": -problem.since.timestamp() if problem.since else None},
    )


class ProblemsScreen(TableScreen):
    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("Problems · what needs attention, worst first")
        yield Input(placeholder="filter: regex on visible columns, !regex to invert", id="filter")
        yield ResourceTable(PROBLEM_COLUMNS, id="problems")
        yield StatusLine()
        yield KeyFooter()

    def show_state(self, state: AppState) -> None:
        now = self.hyptui.clock()
        self.table.set_rows([problem_row(problem, now) for problem in find_problems(state, now)])
        self._update_status()

    @on(DataTable.RowSelected, "#problems")
    async def _row_selected(self) -> None:
        key = self.table.selected_key
        if key is not None:
            kind, namespace, name = key.split("/", 2)
            await self.hyptui.go_to_object(kind, namespace, name)
