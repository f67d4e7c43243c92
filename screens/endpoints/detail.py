"""One inference endpoint: where its model comes from and what it runs on, how far its deployment and SageMaker
endpoint have got (and how long that usually takes), why it failed, its conditions, its model pods and its events."""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hyptui.hyperpod.kinds import EVENTS, INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS
from hyptui.screens.endpoints.invoke import InvokePanel
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import DETAIL_PANES_CSS
from hyptui.screens.widgets.rows import pod_table_row
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.screens.widgets.text_lines import ScreenTitle
from hyptui.store.state import AppState
from hyptui.views.columns import POD_COLUMNS
from hyptui.views.endpoints import (
    INFERENCE_OPERATOR_NAMESPACE,
    EndpointDetail,
    endpoint_detail,
    endpoint_pods,
    find_endpoint,
    inference_operator_pod,
    split_endpoint_key,
)
from hyptui.views.pods import pod_rows

ENDPOINT_CASCADE = "Its model pods and its SageMaker endpoint are deleted with it."


def open_operator_log(screen: LiveScreen) -> None:
    """The inference operator's log, as `hyp get-operator-logs` reads it for endpoints."""
    operator = inference_operator_pod(screen.hyptui.store.state)
    if operator is None:
        screen.notify(
            f"No inference operator pod in {INFERENCE_OPERATOR_NAMESPACE} is in view; try :ns all", severity="warning"
        )
        return
    screen.hyptui.open_pod_log(operator.namespace, operator.name)


class EndpointDetailScreen(TableScreen):
    DEFAULT_CSS = (
        DETAIL_PANES_CSS
        + """
    #endpoint-progress {
        display: none;
        height: auto;
        padding: 0 1;
        color: $status-warn;
    }

    #endpoint-progress.-shown {
        display: block;
    }

    #endpoint-progress.-failed {
        color: $status-bad;
        text-style: bold;
    }
    """
    )
    BINDINGS = bindings("logs", "job_logs", "invoke", "yaml", "delete", "operator_logs")
    COLUMNS = POD_COLUMNS
    TABLE_ID = "pods"
    KINDS = (INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS, EVENTS)
    TITLE_ID = "title"
    FILTER_PLACEHOLDER = "filter pods: regex, !regex to invert"

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.kind, self.object_key = split_endpoint_key(key)
        self._seen = False

    def title_text(self) -> str:
        namespace, name = self.object_key
        return f"{self.kind.kind} {namespace}/{name}"

    def compose_above_table(self) -> ComposeResult:
        yield Static("", id="endpoint-progress", markup=False)
        yield Static(id="spec")
        yield StaticTable("TYPE", "STATUS", "REASON", "FOR", "MESSAGE", id="conditions")

    def compose_below_table(self) -> ComposeResult:
        yield StaticTable("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", id="events")

    def on_mount(self) -> None:
        self.query_one("#spec").border_title = "Endpoint"
        self.query_one("#conditions").border_title = "Conditions"
        self.query_one("#events").border_title = "Events"
        self.table.border_title = "Pods (app=" + self.object_key[1] + ")"
        self.table.focus()
        super().on_mount()

    def show_state(self, state: AppState) -> None:
        detail = endpoint_detail(state, self.key, self.hyptui.clock())
        title = self.query_one("#title", ScreenTitle)
        if detail is None:
            if self._seen:
                title.update(f"{self.title_text()} · deleted")
            return
        self._seen = True
        row = detail.row
        title.update(f"{self.title_text()} · {row.deployment} · SageMaker {row.sagemaker or 'not created yet'}")
        self._show_progress(detail)
        self.query_one("#spec", Static).update(_summary_table(detail))
        self.query_one("#conditions", StaticTable).show_rows(
            [(c.type, c.status, c.reason, c.since, c.message) for c in detail.conditions]
        )
        self.table.set_rows([pod_table_row(pod) for pod in pod_rows(detail.pods, self.hyptui.clock())])
        events = self.query_one("#events", StaticTable)
        if events.show_rows(detail.events):
            events.scroll_end(animate=False)
        self._update_status()

    def _show_progress(self, detail: EndpointDetail) -> None:
        line = self.query_one("#endpoint-progress", Static)
        text = f"DeploymentFailed · {detail.failure}" if detail.failure else detail.progress
        line.update(text)
        line.set_class(bool(detail.failure), "-failed")
        line.set_class(bool(text), "-shown")

    @on(DataTable.RowSelected, "#pods")
    def _pod_selected(self) -> None:
        self.action_logs()

    def action_logs(self) -> None:
        pod = self.table.selected_key
        if pod is not None:
            self.hyptui.open_pod_log(self.object_key[0], pod)

    def action_job_logs(self) -> None:
        pods = [pod.name for pod in endpoint_pods(self.hyptui.store.state, *self.object_key)]
        if pods:
            self.app.push_screen(PodLogScreen(self.object_key[0], *pods))

    def action_invoke(self) -> None:
        self.app.push_screen(InvokePanel(self.key))

    def action_yaml(self) -> None:
        found = find_endpoint(self.hyptui.store.state, self.key)
        if found is not None:
            self.hyptui.show_yaml(*found)

    def action_delete(self) -> None:
        self.hyptui.confirm_delete(self.kind, [self.object_key], consequence=ENDPOINT_CASCADE, then=self.app.pop_screen)

    def action_operator_logs(self) -> None:
        open_operator_log(self)


def _summary_table(detail: EndpointDetail) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    for label, value in detail.summary:
        table.add_row(label, value)
    return table
