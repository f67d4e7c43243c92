"""The training-jobs screen: every HyperPodPyTorchJob in scope, live."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, PODS
from hyptui.hyperpod.labels import OPERATOR_POD_LABEL
from hyptui.hyperpod.namespaces import HYPERPOD_NAMESPACE
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.jobs.detail import JOBS_COLLECTION, POD_CASCADE, JobDetailScreen
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.screens.widgets.rows import split_key
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState, ObjectKey
from hyptui.views.columns import JOB_COLUMNS
from hyptui.views.jobs import JobRow, job_rows

JOB_TEMPLATE = "hyp-pytorch-job"  # what `n` opens a form for


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
        labels=row.labels,
    )


class JobsScreen(TableScreen):
    BINDINGS = bindings("yaml", "delete", "operator_logs", "new")
    TITLE_TEXT = "Training jobs · HyperPodPyTorchJob"
    COLUMNS = JOB_COLUMNS
    TABLE_ID = "jobs"
    KINDS = (HYPERPOD_PYTORCH_JOBS, PODS)

    def show_state(self, state: AppState) -> None:
        self.show_rows(state, [job_table_row(row) for row in job_rows(state, self.hyptui.clock())])

    def _selected(self) -> ObjectKey | None:
        key = self.table.selected_key
        return split_key(key) if key else None

    @on(DataTable.RowSelected, "#jobs")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        key = self._selected()
        if key is not None:
            self.app.push_screen(JobDetailScreen(key))

    def action_yaml(self) -> None:
        key = self._selected()
        job = get_object(self.hyptui.store.state, JOBS_COLLECTION, key) if key else None
        if job is not None:
            self.hyptui.show_yaml(HYPERPOD_PYTORCH_JOBS, job)

    def action_delete(self) -> None:
        targets = [split_key(key) for key in self.table.target_keys()]
        if targets:
            self.hyptui.confirm_delete(HYPERPOD_PYTORCH_JOBS, targets, consequence=POD_CASCADE)

    def action_new(self) -> None:
        self.app.push_screen(ConfigFormScreen.new(JOB_TEMPLATE))

    def action_operator_logs(self) -> None:
        pods = self.hyptui.store.state.collection(PODS.key).objects.values()
        operator = next(
            (pod for pod in pods if pod.namespace == HYPERPOD_NAMESPACE and OPERATOR_POD_LABEL in pod.labels), None
        )
        if operator is None:
            self.notify(
                f"No training operator pod (label {OPERATOR_POD_LABEL}) in {HYPERPOD_NAMESPACE} is in view; "
                "try :ns all",
                severity="warning",
            )
            return
        self.hyptui.open_pod_log(operator.namespace, operator.name)
