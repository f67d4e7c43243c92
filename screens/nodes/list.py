"""The nodes section: every node with its instance type, HyperPod health verdicts and GPU use; faulty ones stand out."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable

from hyptui.hyperpod.kinds import NODES, PODS
from hyptui.hyperpod.labels import PENDING_REPLACEMENT
from hyptui.hyperpod.node_faults import NodeUnhealthy
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState
from hyptui.views.columns import NODE_COLUMNS
from hyptui.views.nodes import NodeRow, node_rows


def node_table_row(row: NodeRow) -> TableRow:
    return TableRow(
        key=row.name,
        cells={
            "name": row.name,
            "instance_type": row.instance_type,
            "group": row.group,
            "status": row.status,
            "health": row.health,
            "deep_health": row.deep_health,
            "gpus": row.gpus,
            "pods": str(row.pods),
            "age": row.age,
        },
        sort_values={"pods": row.pods, "age": -row.created.timestamp() if row.created else None},
        labels=row.labels,
    )


class NodesScreen(TableScreen):
    BINDINGS = bindings("yaml", "fault_node")
    TITLE_TEXT = "Nodes"
    COLUMNS = NODE_COLUMNS
    TABLE_ID = "nodes"
    KINDS = (NODES, PODS)

    def show_state(self, state: AppState) -> None:
        self.table.set_rows([node_table_row(row) for row in node_rows(state, self.hyptui.clock())])
        self._update_status()

    @on(DataTable.RowSelected, "#nodes")
    def _row_selected(self) -> None:
        self.action_yaml()

    def action_yaml(self) -> None:
        name = self.table.selected_key
        node = get_object(self.hyptui.store.state, NODES.key, ("", name)) if name else None
        if node is not None:
            self.hyptui.show_yaml(NODES, node)

    def action_fault_node(self) -> None:
        """What HyperPod's health agent does when a node fails its checks: the label that gets it replaced."""
        name = self.table.selected_key
        if name is None:
            return
        self.hyptui.confirm_patch(
            NODES,
            None,
            name,
            NodeUnhealthy(name).patch,
            question=f"Mark node {name} {PENDING_REPLACEMENT}?\n"
            "HyperPod replaces it; its training pods move to healthy nodes.",
            action="Mark unhealthy",
        )
