"""The problems section: every job, pod and node that needs attention, worst first; Enter goes to it."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.widgets.resource_table import TableRow
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
    TITLE_TEXT = "Problems · what needs attention, worst first"
    COLUMNS = PROBLEM_COLUMNS
    TABLE_ID = "problems"
    KINDS = (HYPERPOD_PYTORCH_JOBS, PODS, NODES)

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
