"""Pod logs followed live: one pod, or every pod of a job interleaved by timestamp with the pod's name in front.
`f` follows, `/` searches with highlight and `n`/`N` step through matches, `t` shows timestamps, `m` drops a marker,
ctrl+s saves what is shown."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from hyptui.hyperpod.kinds import PODS
from hyptui.kube.api import ApiRequestError
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.filter_input import FilterInput
from hyptui.screens.widgets.log_view import LogLine, LogView
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.settings.atomic_file import write_atomic
from hyptui.store.selectors import get_object

TAIL_LINES = 5_000  # what a first look needs; the buffer keeps up to LogView's limit as the log grows
TAIL_STEPS = (5_000, 20_000, 100_000)  # `+` asks the server for more history, up to the buffer's size
FLUSH_SECONDS = 0.1  # lines arriving in a burst are painted together
RETRY_SECONDS = 2.0


def split_stamp(raw: str) -> LogLine:
    """`2026-11-28T09:54:41.000000000Z text` (what the API sends with timestamps=true) into its parts."""
    stamp, space, text = raw.partition(" ")
    if space and stamp.endswith("Z") and "T" in stamp:
        return LogLine(text, stamp)
    return LogLine(raw)


class PodLogScreen(LiveScreen):
    AUTO_FOCUS = "LogView"
    BINDINGS = bindings(
        "follow",
        "search",
        "next_match",
        "previous_match",
        "timestamps",
        "marker",
        "save_log",
        "tail_more",
        "wrap",
        "since_all",
        "since_1m",
        "since_5m",
        "since_15m",
        "since_1h",
        "reload",
        "back",
    )

    def __init__(self, namespace: str, *pods: str) -> None:
        super().__init__()
        self.namespace = namespace
        self.pods = pods
        self._pending: list[LogLine] = []
        self._stream_states: dict[str, str] = dict.fromkeys(pods, "connecting…")
        self._match_note = ""
        self.tail_lines = TAIL_LINES
        self.since_seconds: int | None = None  # None: the last `tail_lines` lines, whatever their age

    @property
    def pod(self) -> str:
        return self.pods[0]

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        what = (
            f"pod {self.namespace}/{self.pod}" if len(self.pods) == 1 else f"{len(self.pods)} pods in {self.namespace}"
        )
        yield ScreenTitle(f"Logs · {what}", id="title")
        yield FilterInput(placeholder="search: regex (enter to jump, n/N next/previous)", id="filter")
        yield LogView(id="log")
        yield StatusLine()
        yield KeyFooter()

    @property
    def log_view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        super().on_mount()
        self.log_view.show_sources = len(self.pods) > 1
        self.log_view.focus()
        self.set_interval(FLUSH_SECONDS, self._flush)
        self._start_streams()

    def _container_of(self, pod: str) -> str | None:
        found = get_object(self.hyptui.store.state, PODS.key, (self.namespace, pod))
        containers = ((found.raw.get("spec") or {}).get("containers") or []) if found else []
        return containers[0].get("name") if containers else None

    def _start_streams(self) -> None:
        for pod in self.pods:
            self.run_worker(self._stream(pod), group=f"log-{pod}", exclusive=True, exit_on_error=False)

    async def _stream(self, pod: str) -> None:
        source = pod if len(self.pods) > 1 else ""
        while True:
            try:
                self._stream_states[pod] = "streaming"
                container = self._container_of(pod)
                stream = self.hyptui.gateway.pod_log(
                    self.namespace,
                    pod,
                    container,
                    follow=True,
                    tail_lines=self.tail_lines,
                    timestamps=True,
                    since_seconds=self.since_seconds,
                )
                async for raw in stream:
                    line = split_stamp(raw)
                    self._pending.append(LogLine(line.text, line.stamp, source))
                self._stream_states[pod] = "ended: the container has stopped (r reloads)"
                return
            except ApiRequestError as error:
                if error.status == 404:
                    self._stream_states[pod] = f"pod is gone: {error.message}"
                    return
                self._stream_states[pod] = f"{error.message or error}; retrying"
            except Exception as error:  # the connection dropped; the header shows the cluster state
                self._stream_states[pod] = f"{type(error).__name__}: {error}; retrying"
            self._update_status()
            await asyncio.sleep(RETRY_SECONDS)

    def _flush(self) -> None:
        if self._pending:
            lines, self._pending = self._pending, []
            # Interleave pods by time; the API's RFC 3339 stamps (fixed nanosecond width) sort as text.
            self.log_view.merge_lines(lines)
        self._update_status()

    def _update_status(self) -> None:
        view = self.log_view
        window = f"since {self.since_seconds // 60}m" if self.since_seconds else f"tail {self.tail_lines:,}"
        parts = [f"{view.line_count} lines ({window})"]
        if view.dropped:
            parts.append(f"{view.dropped} older lines dropped")
        parts.append("following" if view.follow else "paused (f follows)")
        if self._match_note:
            parts.append(self._match_note)
        states = set(self._stream_states.values())
        parts.append(
            states.pop() if len(states) == 1 else "; ".join(f"{p}: {s}" for p, s in self._stream_states.items())
        )
        self.query_one(StatusLine).update("  ·  ".join(parts))

    def action_follow(self) -> None:
        self.log_view.follow = not self.log_view.follow
        self._update_status()

    def action_timestamps(self) -> None:
        self.log_view.show_timestamps = not self.log_view.show_timestamps

    def action_wrap(self) -> None:
        self.log_view.wrap = not self.log_view.wrap

    def action_marker(self) -> None:
        now = self.hyptui.clock()
        view = self.log_view
        # stamped as the newest line, so a later merge keeps the marker where it was dropped
        view.append_lines([LogLine(f"──────── marker {now:%H:%M:%S} ────────", view.last_stamp, marker=True)])

    def action_save_log(self) -> None:
        name = self.pod if len(self.pods) == 1 else f"{self.namespace}-{len(self.pods)}-pods"
        path = Path.cwd() / f"{name}-{datetime.now():%Y%m%dT%H%M%S}.log"
        try:
            write_atomic(path, "".join(f"{line}\n" for line in self.log_view.lines), mode=0o644)
        except OSError as error:
            self.notify(f"Could not save {path}: {error.strerror}", severity="error")
        else:
            self.notify(f"Saved {self.log_view.line_count} lines to {path}")

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

    def action_tail_more(self) -> None:
        self.tail_lines = next((step for step in TAIL_STEPS if step > self.tail_lines), TAIL_STEPS[-1])
        self.action_reload()

    def _since(self, minutes: int | None) -> None:
        self.since_seconds = minutes * 60 if minutes else None
        self.action_reload()

    def action_since_all(self) -> None:
        self._since(None)

    def action_since_1m(self) -> None:
        self._since(1)

    def action_since_5m(self) -> None:
        self._since(5)

    def action_since_15m(self) -> None:
        self._since(15)

    def action_since_1h(self) -> None:
        self._since(60)

    def action_reload(self) -> None:
        self._pending = []
        self.log_view.clear_lines()
        self._start_streams()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.has_class("-active"):
            field.value = ""  # clears the highlight through _search_changed
            field.remove_class("-active")
            self._match_note = ""
            self.log_view.focus()
        else:
            self.app.pop_screen()
