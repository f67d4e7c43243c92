"""The endpoints section: every InferenceEndpointConfig and JumpStartModel in scope, live, with their deployment and
SageMaker endpoint states; forms for new ones, the invoke panel, and the inference operator's log."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable

from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS, ResourceKind
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.endpoints.detail import ENDPOINT_CASCADE, EndpointDetailScreen, open_operator_log
from hyptui.screens.endpoints.invoke import InvokePanel
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.store.state import AppState, ObjectKey
from hyptui.views.columns import ENDPOINT_COLUMNS
from hyptui.views.endpoints import EndpointRow, endpoint_rows, find_endpoint, split_endpoint_key

CUSTOM_TEMPLATE = "hyp-custom-endpoint"
JUMPSTART_TEMPLATE = "hyp-jumpstart-endpoint"


def endpoint_table_row(row: EndpointRow) -> TableRow:
    return TableRow(
        key=row.key,
        cells={
            "name": row.name,
            "namespace": row.namespace,
            "kind": row.kind_label,
            "model": row.model,
            "instance_type": row.instance_type,
            "replicas": row.replicas,
            "deployment": row.deployment,
            "sagemaker": row.sagemaker,
            "age": row.age,
        },
        sort_values={"replicas": (row.ready, row.desired), "age": -row.created.timestamp() if row.created else None},
    )


class EndpointsScreen(TableScreen):
    BINDINGS = bindings("invoke", "new_endpoint", "new_jumpstart", "yaml", "delete", "operator_logs")
    TITLE_TEXT = "Inference endpoints · InferenceEndpointConfig, JumpStartModel"
    COLUMNS = ENDPOINT_COLUMNS
    TABLE_ID = "endpoints"
    KINDS = (INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS)

    def show_state(self, state: AppState) -> None:
        self.show_rows(state, [endpoint_table_row(row) for row in endpoint_rows(state, self.hyptui.clock())])

    @on(DataTable.RowSelected, "#endpoints")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        key = self.table.selected_key
        if key is not None:
            self.app.push_screen(EndpointDetailScreen(key))

    def action_invoke(self) -> None:
        key = self.table.selected_key
        if key is not None:
            self.app.push_screen(InvokePanel(key))

    def action_yaml(self) -> None:
        key = self.table.selected_key
        found = find_endpoint(self.hyptui.store.state, key) if key else None
        if found is not None:
            self.hyptui.show_yaml(*found)

    def action_delete(self) -> None:
        targets = [split_endpoint_key(key) for key in self.table.target_keys()]
        by_kind: dict[str, tuple[ResourceKind, list[ObjectKey]]] = {}
        for kind, object_key in targets:
            by_kind.setdefault(kind.key, (kind, []))[1].append(object_key)
        self._confirm_deletes(list(by_kind.values()))

    def _confirm_deletes(self, batches: list[tuple[ResourceKind, list[ObjectKey]]]) -> None:
        """One question per kind (marks may span custom endpoints and JumpStart models), asked in turn."""
        if batches:
            (kind, keys), rest = batches[0], batches[1:]
            self.hyptui.confirm_delete(
                kind, keys, consequence=ENDPOINT_CASCADE, then=lambda: self._confirm_deletes(rest)
            )

    def action_new_endpoint(self) -> None:
        self.app.push_screen(ConfigFormScreen.new(CUSTOM_TEMPLATE))

    def action_new_jumpstart(self) -> None:
        self.app.push_screen(ConfigFormScreen.new(JUMPSTART_TEMPLATE))

    def action_operator_logs(self) -> None:
        open_operator_log(self)
