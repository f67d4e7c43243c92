"""One HyperPod cluster: status, orchestrator, the EKS cluster behind it (endpoint, version, VPC), subnets and
security groups, its instance groups and every node (instance id, type, status, launch time), polled while shown;
`g` opens its task governance (cluster policy and team quotas)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from hyptui.aws.poller import CLUSTERS_SECONDS, CLUSTERS_TOPIC, EKS_SECONDS, eks_topic, read_clusters, read_eks
from hyptui.screens.queues.governance_editor import GovernanceEditorScreen
from hyptui.screens.shell.aws_polled import AwsPolledScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.fields_table import fields_table
from hyptui.screens.widgets.panes import FailurePane
from hyptui.screens.widgets.resource_table import ResourceTable, TableRow
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState
from hyptui.views.clusters import (
    CLUSTER_NODE_COLUMNS,
    EKS,
    ClusterDetailView,
    NodeRow,
    cluster_detail_view,
    find_cluster,
    slurm_message,
)


def poll_clusters(screen: AwsPolledScreen) -> None:
    """Every cluster of the region, polled for `screen` while it is shown (the list and a cluster's detail)."""
    app = screen.hyptui
    screen.poll(lambda: read_clusters(app.aws_gateway), topic=CLUSTERS_TOPIC, interval=CLUSTERS_SECONDS)


def node_table_row(row: NodeRow) -> TableRow:
    return TableRow(
        key=row.key,
        cells={
            "instance_id": row.instance_id,
            "group": row.group,
            "instance_type": row.instance_type,
            "status": row.status,
            "launched": row.launched,
            "message": row.message,
        },
        sort_values={"launched": row.launch_time},
    )


class ClusterDetailScreen(AwsPolledScreen):
    DEFAULT_CSS = """
    ClusterDetailScreen #cluster-summary {
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-color: $accent;
    }

    ClusterDetailScreen #instance-groups {
        height: auto;
        max-height: 8;
    }

    ClusterDetailScreen #cluster-nodes {
        border: round $panel;
        border-title-color: $accent;
    }
    """
    BINDINGS = bindings("back", "governance", "reload")

    def __init__(self, arn: str) -> None:
        super().__init__()
        self.arn = arn
        self._eks_name = ""
        self._view: ClusterDetailView | None = None

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("HyperPod cluster", id="title")
        yield Static(id="cluster-summary")
        yield FailurePane(id="cluster-failure", markup=False)
        yield StaticTable("GROUP", "INSTANCE TYPE", "COUNT", "GPUS EACH", "STATUS", id="instance-groups")
        yield ResourceTable(CLUSTER_NODE_COLUMNS, id="cluster-nodes")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:  # LiveScreen's on_mount runs too
        self.query_one("#cluster-summary").border_title = "Cluster"
        self.query_one("#cluster-failure").border_title = "Failure"
        self.query_one("#instance-groups").border_title = "Instance groups"
        self.query_one("#cluster-nodes").border_title = "Nodes"
        poll_clusters(self)

    def _watch_eks(self, name: str) -> None:
        """The EKS cluster is known once SageMaker has described the HyperPod cluster."""
        app = self.hyptui
        self._eks_name = name
        self.poll(lambda: read_eks(app.aws_gateway, name), topic=eks_topic(name), interval=EKS_SECONDS)

    def show_state(self, state: AppState) -> None:
        cluster = find_cluster(state, self.arn)
        title = self.query_one("#title", ScreenTitle)
        if cluster is None:
            if state.aws_clusters is not None:
                title.update(f"HyperPod cluster {self.arn} · not in the region any more")
            self._show_status(state)
            return
        detail = cluster.detail
        if detail.eks_cluster_name and not self._eks_name:
            self._watch_eks(detail.eks_cluster_name)
        eks = state.aws_eks.get(detail.eks_cluster_name)
        view = self._view = cluster_detail_view(cluster, eks, self.hyptui.clock())
        title.update(f"HyperPod cluster {detail.name} · {detail.status}")
        self.query_one("#cluster-summary", Static).update(fields_table(view.fields))
        failure = self.query_one("#cluster-failure", Static)
        failure.display = bool(view.failure)
        failure.update(view.failure)
        groups = [(g.name, g.instance_type, g.count, g.gpus, g.status) for g in view.groups]
        self.query_one("#instance-groups", StaticTable).show_rows(groups)
        self.query_one("#cluster-nodes", ResourceTable).set_rows([node_table_row(row) for row in view.nodes])
        self._show_status(state)

    def _show_status(self, state: AppState) -> None:
        topics = (CLUSTERS_TOPIC, eks_topic(self._eks_name)) if self._eks_name else (CLUSTERS_TOPIC,)
        problems = [state.aws_failures[topic] for topic in topics if topic in state.aws_failures]
        self.query_one(StatusLine).update("  ·  ".join(problems))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_governance(self) -> None:
        self.open_governance()

    def open_governance(self) -> None:
        """The cluster's task governance editor (cluster policy and team quotas, SageMaker APIs)."""
        view = self._view
        if view is not None and view.row.orchestrator != EKS:
            self.notify(slurm_message(view.row.name), severity="warning", timeout=8)
            return
        self.app.push_screen(GovernanceEditorScreen(self.arn))
