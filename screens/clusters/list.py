"""The clusters section: every HyperPod cluster of the AWS region, polled from SageMaker while shown; Enter on an
EKS-orchestrated one sets its context in the kubeconfig (as `hyp set-cluster-context`) and opens its jobs, `d` its
detail, `n` the cluster-stack form that creates a new one through CloudFormation."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hyptui.aws.failures import AwsFailure
from hyptui.aws.kubeconfig_update import ContextUpdate, KubeconfigError, default_kubeconfig
from hyptui.aws.poller import CLUSTERS_TOPIC
from hyptui.screens.clusters.detail import ClusterDetailScreen, poll_clusters
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.shell.aws_polled import AwsPolledScreen
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.screens.widgets.text_lines import ScreenTitle
from hyptui.store.state import AppState
from hyptui.views.clusters import CLUSTER_COLUMNS, EKS, ClusterRow, cluster_rows, find_cluster, slurm_message
from hyptui.views.command_line import OpenSection

CLUSTER_STACK_TEMPLATE = "cluster-stack"
LOADING = "Asking SageMaker for the HyperPod clusters…"


def cluster_table_row(row: ClusterRow) -> TableRow:
    return TableRow(
        key=row.key,
        cells={
            "name": row.name,
            "orchestrator": row.orchestrator,
            "status": row.status,
            "instance_groups": row.instance_groups,
            "nodes": row.nodes,
            "gpus": str(row.gpus),
            "age": row.age,
        },
        sort_values={
            "nodes": (row.healthy, row.total),
            "gpus": row.gpus,
            "age": -row.created.timestamp() if row.created else None,
        },
    )


def clusters_message(state: AppState) -> str:
    """What the table cannot say itself: why the clusters could not be read, that none exist, or that none came yet."""
    failure = state.aws_failures.get(CLUSTERS_TOPIC)
    loaded = state.aws_clusters
    if failure:
        return failure + ("\nShowing the clusters as last read." if loaded and loaded.clusters else "")
    if loaded is None:
        return LOADING
    if not loaded.clusters:
        return (
            f"No HyperPod clusters in {loaded.region}. Start hyptui with --region (or AWS_REGION) for another region, "
            "or press n to create one."
        )
    return ""


class ClustersScreen(TableScreen, AwsPolledScreen):
    DEFAULT_CSS = """
    #clusters-message {
        height: auto;
        padding: 0 1;
        color: $status-warn;
    }

    #clusters-message.-failed {
        color: $status-bad;
        text-style: bold;
    }
    """
    BINDINGS = bindings("describe_cluster", "new_cluster_stack", "reload")
    TITLE_TEXT = "HyperPod clusters"
    TITLE_ID = "clusters-title"
    COLUMNS = CLUSTER_COLUMNS
    TABLE_ID = "clusters"

    def __init__(self) -> None:
        super().__init__()
        self._hint = ""  # about the selected row, e.g. why a Slurm cluster does not open

    def compose_below_table(self) -> ComposeResult:
        yield Static("", id="clusters-message", markup=False)

    def on_mount(self) -> None:  # LiveScreen's on_mount runs too
        poll_clusters(self)

    def show_state(self, state: AppState) -> None:
        loaded = state.aws_clusters
        title = f"{self.TITLE_TEXT} · {loaded.region}" if loaded else self.TITLE_TEXT
        self.query_one("#clusters-title", ScreenTitle).update(title)
        self.table.set_rows([cluster_table_row(row) for row in cluster_rows(state, self.hyptui.clock())])
        self._show_message(state)
        self._update_status()

    def _show_message(self, state: AppState) -> None:
        text = "\n".join(part for part in (clusters_message(state), self._hint) if part)
        message = self.query_one("#clusters-message", Static)
        message.update(text)
        message.display = bool(text)
        message.set_class(bool(state.aws_failures.get(CLUSTERS_TOPIC)), "-failed")

    @on(DataTable.RowHighlighted, "#clusters")
    def _row_highlighted(self) -> None:
        if self._hint:
            self._hint = ""
            self._show_message(self.hyptui.store.state)

    @on(DataTable.RowSelected, "#clusters")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Set the cluster's context and open its jobs, as `hyp set-cluster-context` then `hyp list`."""
        key = self.table.selected_key
        cluster = find_cluster(self.hyptui.store.state, key) if key else None
        if cluster is None:
            return
        if cluster.detail.orchestrator != EKS:
            self._hint = slurm_message(cluster.detail.name)
            self._show_message(self.hyptui.store.state)
            return
        self.notify(f"Setting the context of {cluster.detail.name}…")
        self._set_context(cluster.detail.name)

    @work(thread=True, exclusive=True, group="cluster-context", exit_on_error=False)
    def _set_context(self, cluster: str) -> None:
        app = self.hyptui
        path = app.target.kubeconfig or default_kubeconfig()
        try:
            update = app.aws_gateway.set_cluster_context(cluster, path)
        except (AwsFailure, KubeconfigError) as error:
            app.call_from_thread(app.notify, str(error), severity="error", timeout=10)
        else:
            app.call_from_thread(self._context_set, cluster, update)

    def _context_set(self, cluster: str, update: ContextUpdate) -> None:
        app = self.hyptui
        app.use_kubeconfig_context(update.path, update.context)
        verb = "Updated" if update.updated_existing else "Added"
        backup = f" (previous file kept as {update.backup})" if update.backup else ""
        app.notify(f"{verb} context {update.context} in {update.path}{backup}; showing the jobs of {cluster}")
        app.run_worker(app.run_command(OpenSection("jobs")), group="verbs", exit_on_error=False)

    def action_describe_cluster(self) -> None:
        key = self.table.selected_key
        if key is not None:
            self.app.push_screen(ClusterDetailScreen(key))

    def action_new_cluster_stack(self) -> None:
        self.app.push_screen(ConfigFormScreen.new(CLUSTER_STACK_TEMPLATE))
