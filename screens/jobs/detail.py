"""One training job: what it asked for, its conditions, its pods and the events around it."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from hyptui.hyperpod.age import human_duration
from hyptui.hyperpod.job_spec import job_spec_summary
from hyptui.hyperpod.job_status import job_conditions, job_status
from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, PODS
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import DETAIL_PANES_CSS
from hyptui.screens.widgets.rows import pod_table_row
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.screens.widgets.text_lines import ScreenTitle
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState, KubeObject, ObjectKey
from hyptui.views.columns import POD_COLUMNS
from hyptui.views.events import object_events, related_event_rows
from hyptui.views.fault_timeline import fault_timeline
from hyptui.views.pods import job_pods, pod_rows

JOBS_COLLECTION = HYPERPOD_PYTORCH_JOBS.key
POD_CASCADE = "Its pods are deleted with it."


class JobDetailScreen(TableScreen):
    DEFAULT_CSS = (
        DETAIL_PANES_CSS
        + """
    #detail-top {
        height: auto;
        max-height: 12;
    }
    """
    )
    BINDINGS = bindings("logs", "job_logs", "yaml", "kill_pod", "delete")
    COLUMNS = POD_COLUMNS
    TABLE_ID = "pods"
    KINDS = (HYPERPOD_PYTORCH_JOBS, PODS, EVENTS)
    TITLE_ID = "title"
    FILTER_PLACEHOLDER = "filter pods: regex, !regex to invert"

    def __init__(self, key: ObjectKey) -> None:
        super().__init__()
        self.key = key
        self._job: KubeObject | None = None

    def title_text(self) -> str:
        namespace, name = self.key
        return f"HyperPodPyTorchJob {namespace}/{name}"

    def compose_above_table(self) -> ComposeResult:
        with Horizontal(id="detail-top"):
            yield Static(id="spec")
            yield StaticTable("TYPE", "STATUS", "REASON", "AGE", "MESSAGE", id="conditions")

    def compose_below_table(self) -> ComposeResult:
        yield StaticTable("WHEN", "FAULT", "ATTEMPT", "REMEDIATION", "RECOVERED IN", id="faults")
        yield StaticTable("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", id="events")

    def on_mount(self) -> None:
        self.query_one("#spec").border_title = "Spec"
        self.query_one("#conditions").border_title = "Conditions"
        self.query_one("#events").border_title = "Events"
        self.query_one("#faults").border_title = "Faults and recovery"
        self.table.border_title = "Pods"
        self.table.focus()
        super().on_mount()

    def show_state(self, state: AppState) -> None:
        now = self.hyptui.clock()
        job = get_object(state, JOBS_COLLECTION, self.key)
        title = self.query_one("#title", ScreenTitle)
        if job is None:
            if self._job is not None:
                title.update(f"{self.title_text()} · deleted")
            return
        self._job = job
        title.update(f"{self.title_text()} · {job_status(job.raw)}")
        self.query_one("#spec", Static).update(_spec_table(job))
        self._show_conditions(job, now)
        pods = job_pods(state, self.key)
        self.table.set_rows([pod_table_row(row) for row in pod_rows(pods, now)])
        self._show_events(state, job, pods, now)
        self._show_faults(state, job, now)
        self._update_status()

    def _show_conditions(self, job: KubeObject, now: datetime) -> None:
        rows = []
        for condition in job_conditions(job.raw):
            changed = condition.last_transition
            rows.append(
                (
                    condition.type,
                    condition.status,
                    condition.reason,
                    human_duration(now - changed) if changed else "",
                    condition.message,
                )
            )
        self.query_one("#conditions", StaticTable).show_rows(rows)

    def _show_events(self, state: AppState, job: KubeObject, pods: tuple[KubeObject, ...], now: datetime) -> None:
        names = [pod.name for pod in pods]
        rows = related_event_rows(state, job.namespace, HYPERPOD_PYTORCH_JOBS.kind, job.name, names, now)
        table = self.query_one("#events", StaticTable)
        if table.show_rows(rows):
            table.scroll_end(animate=False)

    def _show_faults(self, state: AppState, job: KubeObject, now: datetime) -> None:
        entries = fault_timeline(object_events(state, job.namespace, HYPERPOD_PYTORCH_JOBS.kind, job.name))
        rows = [
            (
                human_duration(now - entry.at) + " ago" if entry.at else "",
                entry.fault,
                entry.attempt,
                entry.remediation or "recovering…",
                entry.recovered_in,
            )
            for entry in entries
        ]
        table = self.query_one("#faults", StaticTable)
        table.display = bool(rows)
        table.show_rows(rows)

    def _selected_pod(self) -> str | None:
        return self.table.selected_key

    @on(DataTable.RowSelected, "#pods")
    def _pod_selected(self) -> None:
        self.action_logs()

    def action_logs(self) -> None:
        pod = self._selected_pod()
        if pod is not None:
            self.app.push_screen(PodLogScreen(self.key[0], pod))

    def action_job_logs(self) -> None:
        pods = [pod.name for pod in job_pods(self.hyptui.store.state, self.key)]
        if pods:
            self.app.push_screen(PodLogScreen(self.key[0], *pods))

    def action_kill_pod(self) -> None:
        pod = self._selected_pod()
        if pod is not None:
            namespace = self.key[0]
            self.hyptui.confirm_delete(
                PODS, [(namespace, pod)], consequence="The training operator restarts the job's pods.", action="Kill"
            )

    def action_yaml(self) -> None:
        if self._job is not None:
            self.hyptui.show_yaml(HYPERPOD_PYTORCH_JOBS, self._job)

    def action_delete(self) -> None:
        self.hyptui.confirm_delete(HYPERPOD_PYTORCH_JOBS, [self.key], consequence=POD_CASCADE, then=self.app.pop_screen)


def _spec_table(job: KubeObject) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    for label, value in job_spec_summary(job.raw):
        table.add_row(label, value)
    return table
