"""A pod's log, followed live: `f` toggles follow, `/` searches with highlight, `n`/`N` step through matches."""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Input

from hyptui.kinds import PODS
from hyptui.kube.api import ApiRequestError
from hyptui.screens.base import LiveScreen
from hyptui.screens.connection_bar import ConnectionBar
from hyptui.screens.log_view import LogView
from hyptui.screens.text_lines import ScreenTitle, StatusLine
from hyptui.screens.verb_bindings import bindings
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState

TAIL_LINES = 5_000  # what a first look needs; the buffer keeps up to LogView's limit as the log grows
FLUSH_SECONDS = 0.1  # lines arriving in a burst are painted together
RETRY_SECONDS = 2.0


class PodLogScreen(LiveScreen):
    AUTO_FOCUS = "LogView"
    BINDINGS = bindings("follow", "search", "next_match", "previous_match", "reload", "back")

    def __init__(self, namespace: str, pod: str, container: str | None = None) -> None:
        super().__init__()
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self._pending: list[str] = []
        self._stream_state = "connecting…"
        self._match_note = ""

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle(f"Logs · pod {self.namespace}/{self.pod}", id="title")
        yield Input(placeholder="search: regex (enter to jump, n/N next/previous)", id="filter")
        yield LogView(id="log")
        yield StatusLine()
        yield Footer()

    @property
    def log_view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        super().on_mount()
        self.log_view.focus()
        self.set_interval(FLUSH_SECONDS, self._flush)
        self._start_stream()

    def show_state(self, state: AppState) -> None:
        if self.container is None:
            pod = get_object(state, PODS.key, (self.namespace, self.pod))
            containers = ((pod.raw.get("spec") or {}).get("containers") or []) if pod else []
            if containers:
                self.container = containers[0].get("name")
        self._update_status()

    def _start_stream(self) -> None:
        self.run_worker(self._stream(), group="log-stream", exclusive=True, exit_on_error=False)

    async def _stream(self) -> None:
        while True:
            try:
                self._stream_state = "streaming"
                async for line in self.hyptui.gateway.pod_log(
                    self.namespace, self.pod, self.container, follow=True, tail_lines=TAIL_LINES
                ):
                    self._pending.append(line)
                self._stream_state = "ended: the container has stopped (r reloads)"
                return
            except ApiRequestError as error:
                if error.status == 404:
                    self._stream_state = f"pod is gone: {error.message}"
                    return
                self._stream_state = f"{error.message or error}; retrying"
            except Exception as error:  # the connection dropped; the header shows the cluster state
                self._stream_state = f"{type(error).__name__}: {error}; retrying"
            self._update_status()
            await asyncio.sleep(RETRY_SECONDS)

    def _flush(self) -> None:
        if self._pending:
            lines, self._pending = self._pending, []
            self.log_view.append_lines(lines)
        self._update_status()

    def _update_status(self) -> None:
        view = self.log_view
        parts = [f"{view.line_count} lines"]
        if view.dropped:
            parts.append(f"{view.dropped} older lines dropped")
        parts.append("following" if view.follow else "paused (f follows)")
        if self._match_note:
            parts.append(self._match_note)
        parts.append(self._stream_state)
        self.query_one(StatusLine).update("  ·  ".join(parts))

    def action_follow(self) -> None:
        self.log_view.follow = not self.log_view.follow
        self._update_status()

    def action_search(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        field.focus()

    @on(Input.Changed, "#filter")
    def _search_changed(self, event: Input.Changed) -> None:
        count = self.log_view.search(event.value)
        self._match_note = f"{count} matches for {event.value!r}" if event.value else ""
        self._update_status()

    @on(Input.Submitted, "#filter")
    def _search_submitted(self) -> None:
        self.log_view.focus()
        self.action_next_match()

    def _jump(self, forward: bool) -> None:
        ordinal = self.log_view.jump_to_match(forward)
        if ordinal is not None:
            self._match_note = f"match {ordinal}/{self.log_view.match_count}"
        self._update_status()

    def action_next_match(self) -> None:
        self._jump(True)

    def action_previous_match(self) -> None:
        self._jump(False)

    def action_reload(self) -> None:
        self._pending = []
        self.log_view.clear_lines()
        self._start_stream()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.has_class("-active"):
            field.value = ""  # clears the highlight through _search_changed
            field.remove_class("-active")
            self._match_note = ""
            self.log_view.focus()
        else:
            self.app.pop_screen()
