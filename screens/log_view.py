"""A log pane that renders only the visible lines, keeps a bounded buffer and counts what it dropped."""

from __future__ import annotations

import re
from collections import deque

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

DEFAULT_MAX_LINES = 10_000


class LogView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"logview--match"}
    follow: reactive[bool] = reactive(True)

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: deque[str] = deque(maxlen=max_lines)
        self.dropped = 0
        self._widest = 0
        self._pattern: re.Pattern[str] | None = None
        self._matches: list[int] = []  # absolute line numbers (dropped + index) that match the search

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(self._lines)

    def append_lines(self, lines: list[str]) -> None:
        for line in lines:
            if len(self._lines) == self._lines.maxlen:
                self.dropped += 1
            self._lines.append(line)
            self._widest = max(self._widest, len(line))
            if self._pattern is not None and self._pattern.search(line):
                self._matches.append(self.dropped + len(self._lines) - 1)
        self._matches = [m for m in self._matches if m >= self.dropped]
        self.virtual_size = Size(self._widest, len(self._lines))
        if self.follow:
            # after the refresh, so the scroll range already includes the new lines
            self.call_after_refresh(self.scroll_end, animate=False, x_axis=False)
        self.refresh()

    def clear_lines(self) -> None:
        self._lines.clear()
        self.dropped = 0
        self._widest = 0
        self._matches = []
        self.virtual_size = Size(0, 0)
        self.refresh()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.scroll_end(animate=False, x_axis=False)

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
            self._matches = [self.dropped + i for i, line in enumerate(self._lines) if self._pattern.search(line)]
        self.refresh()
        return len(self._matches)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def jump_to_match(self, forward: bool) -> int | None:
        """Scroll to the next (or previous) match after the top visible line; returns its 1-based ordinal."""
        if not self._matches:
            return None
        self.follow = False
        top = self.dropped + int(self.scroll_offset.y)
        if forward:
            ordinal = next((i for i, m in enumerate(self._matches) if m > top), 0)
        else:
            ordinal = next((i for i in range(len(self._matches) - 1, -1, -1) if self._matches[i] < top), -1)
            ordinal %= len(self._matches)
        self.scroll_to(y=self._matches[ordinal] - self.dropped, animate=False, immediate=True)
        return ordinal + 1

    # -- rendering ----------------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        text = Text(self._lines[index], no_wrap=True)
        if self._pattern is not None:
            text.highlight_regex(self._pattern, style=self.get_component_rich_style("logview--match"))
        segments = [segment for segment in text.render(self.app.console) if segment.text != "\n"]
        strip = Strip(segments or [Segment("")]).crop_extend(scroll_x, scroll_x + width, None)
        return strip.apply_style(self.rich_style)
