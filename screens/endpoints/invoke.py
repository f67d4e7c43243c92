"""The invoke panel: a request editor (JSON body and content type) for one endpoint's SageMaker endpoint, sent with a
key through SageMaker Runtime, the reply pretty-printed with its latency, and the session's requests to that endpoint
listed so any of them can be loaded again. A JSON body that does not parse is reported, and not sent."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static, TextArea

from hyptui.aws.runtime import DEFAULT_REQUEST, JSON_CONTENT_TYPE, InvokeResult, invoke_endpoint, request_problem
from hyptui.hyperpod.age import human_duration
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.actions import InvocationRecorded
from hyptui.store.selectors import invocation_history
from hyptui.store.state import AppState, Invocation
from hyptui.views.endpoints import EndpointRow, endpoint_row, find_endpoint, not_in_service_reason


def first_line(text: str, width: int = 48) -> str:
    """A request squeezed onto one line for the history list."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class InvokePanel(LiveScreen):
    DEFAULT_CSS = """
    #invoke-state {
        height: auto;
        padding: 0 1;
        color: $status-ok;
    }

    #invoke-state.-warning {
        color: $status-warn;
    }

    #invoke-body {
        height: 1fr;
    }

    #invoke-request {
        width: 1fr;
    }

    #content-type-row {
        height: 1;
        padding: 0 1;
    }

    #content-type-row Label {
        width: 14;
    }

    #content-type {
        width: 1fr;
        background: $boost;
    }

    #request-body, #response, #history {
        border: round $panel;
        border-title-color: $accent;
        background: $surface;
    }

    #request-body {
        height: 2fr;
    }

    #history {
        height: 1fr;
        min-height: 5;
        overflow-x: hidden;
    }

    #response {
        width: 1fr;
    }

    #response.-error {
        border: round $error;
    }

    .field-name {
        color: $accent;
        text-style: bold;
    }
    """
    AUTO_FOCUS = "#request-body"
    BINDINGS = bindings("send_request", "back")

    def __init__(self, key: str, *, timer: Callable[[], float] = time.perf_counter) -> None:
        super().__init__()
        self.key = key
        self._timer = timer  # what latency is measured with (a fixed one keeps snapshots stable)
        self._row: EndpointRow | None = None
        self._sending = False
        self._history: tuple[Invocation, ...] = ()
        self._note = ""  # what the last send attempt came to, for the status line

    def compose(self) -> ComposeResult:
        history = invocation_history(self.hyptui.store.state, self.key)
        last = history[-1] if history else None
        yield ConnectionBar()
        yield ScreenTitle("Invoke", id="title")
        yield Static("", id="invoke-state", markup=False)
        with Horizontal(id="invoke-body"):
            with Vertical(id="invoke-request"):
                with Horizontal(id="content-type-row"):
                    yield Label("content type", classes="field-name")
                    yield Input(last.content_type if last else JSON_CONTENT_TYPE, id="content-type", compact=True)
                yield TextArea(last.request if last else DEFAULT_REQUEST, id="request-body", soft_wrap=False)
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            yield TextArea("", id="response", read_only=True, soft_wrap=True)
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#request-body").border_title = "Request · ctrl+r sends"
        self.query_one("#response").border_title = "Response"
        history = self.query_one("#history", DataTable)
        history.border_title = "History · enter loads a request"
        history.add_column("WHEN", key="when", width=9)
        history.add_column("RESULT", key="result", width=6)
        history.add_column("LATENCY", key="latency", width=9)
        history.add_column("REQUEST", key="request")
        super().on_mount()

    # -- state ----------------------------------------------------------------------------------------------

    def show_state(self, state: AppState) -> None:
        found = find_endpoint(state, self.key)
        now = self.hyptui.clock()
        self._row = endpoint_row(*found, now) if found else None
        title = self.query_one("#title", ScreenTitle)
        banner = self.query_one("#invoke-state", Static)
        if self._row is None:
            title.update(f"Invoke · {self.key.split('/', 1)[1]} · deleted")
            banner.update("The endpoint is gone; nothing to invoke.")
            banner.set_class(True, "-warning")
        else:
            row = self._row
            endpoint = row.sagemaker_endpoint or "(no SageMaker endpoint)"
            title.update(f"Invoke · SageMaker endpoint {endpoint} · {row.kind.kind} {row.namespace}/{row.name}")
            reason = not_in_service_reason(row)
            banner.update(reason or f"In service · {row.model} on {row.instance_type} · {row.replicas} replicas ready")
            banner.set_class(bool(reason), "-warning")
        self._show_history(invocation_history(state, self.key), now)
        self._show_status()

    def _show_history(self, history: tuple[Invocation, ...], now: datetime) -> None:
        table = self.query_one("#history", DataTable)
        if history is not self._history:
            self._history = history
            table.clear()
            for index in reversed(range(len(history))):  # newest on top
                item = history[index]
                latency = f"{item.latency_ms:.0f} ms"
                table.add_row("", "ok" if item.ok else "error", latency, first_line(item.request), key=str(index))
        for index, item in enumerate(history):  # "how long ago" moves on every second
            table.update_cell(str(index), "when", human_duration(now - item.at) + " ago")

    def _show_status(self) -> None:
        parts = [f"{len(self._history)} request{'s' * (len(self._history) != 1)} this session"]
        if self._sending:
            parts.append("sending…")
        elif self._note:
            parts.append(self._note)
        self.query_one(StatusLine).update("  ·  ".join(parts))

    # -- sending --------------------------------------------------------------------------------------------

    def action_send_request(self) -> None:
        if self._sending:
            return
        row = self._row
        body = self.query_one("#request-body", TextArea).text
        content_type = self.query_one("#content-type", Input).value.strip()
        if row is None or not row.sagemaker_endpoint:
            self._show_response("Not sent", not_in_service_reason(row) if row else "The endpoint is gone.", ok=False)
            return
        problem = request_problem(body, content_type)
        if problem is not None:
            self._show_response("Not sent", problem, ok=False)
            return
        self._sending = True
        self._show_status()
        self._send(row, body, content_type)

    @work(exclusive=True, group="invoke", exit_on_error=False)
    async def _send(self, row: EndpointRow, body: str, content_type: str) -> None:
        try:
            result = await invoke_endpoint(
                self.hyptui.aws, row.sagemaker_endpoint, body, content_type, timer=self._timer
            )
        finally:
            self._sending = False
        if not result.ok and not row.in_service:
            # the runtime only knows the endpoint is missing or Creating; the cluster knows why
            result = replace(result, body=f"{not_in_service_reason(row)}\n\nSageMaker said: {result.body}")
        self.hyptui.store.dispatch(
            InvocationRecorded(
                self.key,
                Invocation(
                    at=self.hyptui.clock(),
                    request=body,
                    content_type=content_type,
                    ok=result.ok,
                    response=result.body,
                    latency_ms=result.latency_ms,
                ),
            )
        )
        self._show_result(result)

    def _show_result(self, result: InvokeResult) -> None:
        where = f" · {result.content_type}" if result.content_type else ""
        heading = f"{'ok' if result.ok else 'error'}{where} · {result.latency_ms:.0f} ms"
        self._show_response(heading, result.body, result.ok)

    def _show_response(self, heading: str, text: str, ok: bool) -> None:
        response = self.query_one("#response", TextArea)
        response.load_text(text)
        response.border_title = f"Response · {heading}"
        response.set_class(not ok, "-error")
        self._note = heading
        self._show_status()

    @on(DataTable.RowSelected, "#history")
    def _history_selected(self, event: DataTable.RowSelected) -> None:
        item = self._history[int(str(event.row_key.value))]
        self.query_one("#request-body", TextArea).load_text(item.request)
        self.query_one("#content-type", Input).value = item.content_type
        heading = f"{'ok' if item.ok else 'error'} · {item.latency_ms:.0f} ms (from history)"
        self._show_response(heading, item.response, item.ok)
        self.query_one("#request-body", TextArea).focus()

    def action_back(self) -> None:
        self.dismiss()
