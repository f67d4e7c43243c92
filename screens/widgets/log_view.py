"""A log pane that renders only the visible lines, keeps a bounded buffer and counts what it dropped. Lines keep their
timestamp and source pod, shown or hidden at will; errors and warnings stand out; searches highlight."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

DEFAULT_MAX_LINES = 100_000  # benchmarks/log_view_bench.py: 100k lines merge in ~0.5 s, a screen renders in ~3 ms
_ERROR = re.compile(r"\b(ERROR|FATAL|CRITICAL|Traceback|[A-Za-z]*Error:)", re.IGNORECASE)
_WARN = re.compile(r"\bWARN(ING)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LogLine:
    text: str
    stamp: str = ""  # RFC 3339 from the API server, sortable as text
    source: str = ""  # the pod, when several are interleaved
    marker: bool = False


def _time_order(line: LogLine) -> tuple[str, str]:
    # Lines of the same instant from different pods go by pod name, so the order never depends on arrival.
    return (line.stamp, line.source)


class LogView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LogView {
        height: 1fr;
        background: $surface;
    }

    LogView > .logview--marker {
        color: $accent;
        text-style: bold;
    }

    LogView > .logview--match {
        background: $accent;
        color: $background;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"logview--match", "logview--error", "logview--warn", "logview--marker", "logview--source"}
    follow: reactive[bool] = reactive(True)
    show_timestamps: reactive[bool] = reactive(False)
    show_sources: reactive[bool] = reactive(False)
    wrap: reactive[bool] = reactive(False)

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: deque[LogLine] = deque(maxlen=max_lines)
        self.dropped = 0
        self._widest = 0
        self._pattern: re.Pattern[str] | None = None
        self._matches: list[int] = []  # absolute line numbers (dropped + index) that match the search
        self._row_starts: list[int] | None = None  # wrapped mode: the first screen row of each line (cached)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines as shown (with timestamps and sources when those are on)."""
        return tuple(self._display(line) for line in self._lines)

    def _display(self, line: LogLine) -> str:
        if line.marker:
            return line.text
        prefix = f"{line.stamp} " if self.show_timestamps and line.stamp else ""
        if self.show_sources and line.source:
            prefix += f"[{line.source}] "
        return prefix + line.text

    def append_lines(self, lines: list[LogLine]) -> None:
        for line in lines:
            if len(self._lines) == self._lines.maxlen:
                self.dropped += 1
            self._lines.append(line)
            shown = self._display(line)
            self._widest = max(self._widest, len(shown))
            if self._pattern is not None and self._pattern.search(shown):
                self._matches.append(self.dropped + len(self._lines) - 1)
        self._matches = [m for m in self._matches if m >= self.dropped]
        self._resized()

    def _wrap_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _rows(self) -> list[int]:
        """Wrapped mode: where each line starts, in screen rows (a line takes one row per wrap width of text)."""
        if self._row_starts is None:
            width, row, starts = self._wrap_width(), 0, []
            for line in self._lines:
                starts.append(row)
                row += max(1, -(-len(self._display(line)) // width))
            starts.append(row)
            self._row_starts = starts
        return self._row_starts

    def _row_of(self, index: int) -> int:
        return self._rows()[index] if self.wrap else index

    def _line_at(self, row: int) -> tuple[int, int]:
        """(line index, which wrapped piece of it) shown on screen row `row`."""
        if not self.wrap:
            return row, 0
        starts = self._rows()
        index = bisect_right(starts, row) - 1
        return index, row - starts[index]

    def _resized(self) -> None:
        self._row_starts = None
        if self.wrap:
            self.virtual_size = Size(self._wrap_width(), self._rows()[-1])
        else:
            self.virtual_size = Size(self._widest, len(self._lines))
        if self.follow:
            # after the refresh, so the scroll range already includes the new lines
            self.call_after_refresh(self.scroll_end, animate=False, x_axis=False)
        self.refresh()

    def merge_lines(self, lines: list[LogLine]) -> None:
        """Add lines from several sources keeping the whole buffer in timestamp order: one pod's backlog often
        arrives after another's newer lines, and must slot in before them."""
        lines = sorted(lines, key=_time_order)
        if not self._lines or not lines or _time_order(lines[0]) >= _time_order(self._lines[-1]):
            self.append_lines(lines)
            return
        merged = sorted([*self._lines, *lines], key=_time_order)
        overflow = max(0, len(merged) - (self._lines.maxlen or len(merged)))
        self.dropped += overflow
        self._lines = deque(merged[overflow:], maxlen=self._lines.maxlen)
        self._reformat()

    @property
    def last_stamp(self) -> str:
        return self._lines[-1].stamp if self._lines else ""

    def clear_lines(self) -> None:
        self._lines.clear()
        self.dropped = 0
        self._widest = 0
        self._matches = []
        self._row_starts = None
        self.virtual_size = Size(0, 0)
        self.refresh()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.scroll_end(animate=False, x_axis=False)

    def _reformat(self) -> None:
        self._widest = max((len(self._display(line)) for line in self._lines), default=0)
        if self._pattern is not None:
            self._find_matches()
        self._resized()

    def watch_show_timestamps(self) -> None:
        self._reformat()

    def watch_show_sources(self) -> None:
        self._reformat()

    def watch_wrap(self) -> None:
        self._resized()

    def on_resize(self) -> None:
        if self.wrap:
            self._resized()

    # -- search -------------------------------------------------------------------------------------------------

    def search(self, text: str) -> int:
        """Highlight every match of `text` (a regex, or literal text when it is not one); returns the match count."""
        if not text:
            self._pattern = None
            self._matches = []
        else:
            try:
                self._pattern = re.compile(text, re.IGNORECASE)
            except re.error:
                self._pattern = re.compile(re.escape(text), re.IGNORECASE)
            self._find_matches()
        self.refresh()
        return len(self._matches)

    def _find_matches(self) -> None:
        assert self._pattern is not None
        pattern = self._pattern
        self._matches = [self.dropped + i for i, line in enumerate(self._lines) if pattern.search(self._display(line))]

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def jump_to_match(self, forward: bool) -> int | None:
        """Scroll to the next (or previous) match after the top visible line; returns its 1-based ordinal."""
        if not self._matches:
            return None
        self.follow = False
        top = self.dropped + self._line_at(int(self.scroll_offset.y))[0]
        if forward:
            ordinal = next((i for i, m in enumerate(self._matches) if m > top), 0)
        else:
            ordinal = next((i for i in range(len(self._matches) - 1, -1, -1) if self._matches[i] < top), -1)
            ordinal %= len(self._matches)
        self.scroll_to(y=self._row_of(self._matches[ordinal] - self.dropped), animate=False, immediate=True)
        return ordinal + 1

    # -- rendering ----------------------------------------------------------------------------------------------

    def _line_style(self, line: LogLine) -> str:
        if line.marker:
            return "logview--marker"
        if _ERROR.search(line.text):
            return "logview--error"
        if _WARN.search(line.text):
            return "logview--warn"
        return ""

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index, piece = self._line_at(scroll_y + y)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        line = self._lines[index]
        component = self._line_style(line)
        text = Text(self._display(line), no_wrap=True)
        if component:
            text.stylize(self.get_component_rich_style(component, partial=True))
        if self._pattern is not None:
            text.highlight_regex(self._pattern, style=self.get_component_rich_style("logview--match"))
        if self.wrap:
            text = text[piece * width : (piece + 1) * width]
            scroll_x = 0
        segments = [segment for segment in text.render(self.app.console) if segment.text != "\n"]
        strip = Strip(segments or [Segment("")]).crop_extend(scroll_x, scroll_x + width, None)
        return strip.apply_style(self.rich_style)
