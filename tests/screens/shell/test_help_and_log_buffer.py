"""The help screen lists the keys the screen beneath answers to; the log view's buffer is bounded and counts drops."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.help import HelpScreen
from hyptui.screens.widgets.log_view import LogLine, LogView
from tests.screens.helpers import make_app, settle, wait_until, widget_text


async def help_text(pilot) -> str:
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help screen")
    text = widget_text(pilot.app.screen.query_one("Static"))
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen), "closing help")
    return text


async def test_help_lists_the_screens_keys(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        text = await help_text(pilot)
        for key, action in [("/", "Filter"), ("^d", "Delete"), ("y", "YAML"), ("q", "Quit"), ("o", "Order")]:
            assert any(line.split()[:2] == [key, action] for line in text.splitlines() if line.split()), (key, text)


async def test_help_in_readonly_mode_hides_delete(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        text = await help_text(pilot)
        assert "Filter" in text and "Delete" not in text


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView(max_lines=5)


async def test_log_view_keeps_the_newest_lines_and_counts_the_dropped() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(LogView)
        view.append_lines([LogLine(f"line {i}") for i in range(8)])
        await pilot.pause()
        assert view.lines == tuple(f"line {i}" for i in range(3, 8))
        assert (view.line_count, view.dropped) == (5, 3)
        assert view.search("line [67]") == 2
        view.append_lines([LogLine(f"line {i}") for i in range(8, 12)])
        assert view.lines[0] == "line 7" and view.dropped == 7
        assert view.match_count == 1  # "line 6" left the buffer, and its match with it
        view.clear_lines()
        assert (view.line_count, view.dropped) == (0, 0)


async def test_timestamps_and_sources_are_shown_on_request_and_searched_as_shown() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(LogView)
        view.append_lines(
            [
                LogLine("step 1 | loss 2.0", "2026-11-28T10:00:01.000000000Z", "job-pod-0"),
                LogLine("RuntimeError: CUDA error", "2026-11-28T10:00:02.000000000Z", "job-pod-1"),
            ]
        )
        assert view.lines == ("step 1 | loss 2.0", "RuntimeError: CUDA error")
        view.show_sources = True
        assert view.lines[1] == "[job-pod-1] RuntimeError: CUDA error"
        view.show_timestamps = True
        assert view.lines[0] == "2026-11-28T10:00:01.000000000Z [job-pod-0] step 1 | loss 2.0"
        assert view.search("pod-1") == 1
        await pilot.pause()
        error_row = view.render_line(1)
        assert any(seg.style and seg.style.color for seg in error_row if "RuntimeError" in seg.text)


async def test_a_late_backlog_is_merged_into_time_order_within_the_buffer_limit() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 10)):
        view = app.query_one(LogView)
        view.merge_lines([LogLine(f"b{i}", f"2026-11-28T10:00:0{i}.000000000Z", "b") for i in (3, 4, 5)])
        view.merge_lines([LogLine(f"a{i}", f"2026-11-28T10:00:0{i}.000000000Z", "a") for i in (1, 2, 6)])
        assert view.lines == ("a2", "b3", "b4", "b5", "a6") and view.dropped == 1  # five fit: a1 is the oldest


class NarrowLogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView()


async def test_wrap_shows_long_lines_in_pieces_and_jumps_to_wrapped_matches() -> None:
    app = NarrowLogApp()
    async with app.run_test(size=(20, 6)) as pilot:
        view = app.query_one(LogView)
        view.follow = False
        width = view.scrollable_content_region.width
        long = "".join(chr(ord("a") + i % 26) for i in range(3 * width))
        view.append_lines([LogLine("short"), LogLine(long), LogLine("needle")])
        await pilot.pause()
        assert view.virtual_size.height == 3
        view.wrap = True
        await pilot.pause()
        assert view.virtual_size.height == 5  # the long line takes three rows
        assert view.render_line(2).text.rstrip() == long[width : 2 * width]
        view.search("needle")
        view.jump_to_match(forward=True)
        await pilot.pause()
        assert view.scroll_offset.y == min(4, view.max_scroll_y)
        view.wrap = False
        await pilot.pause()
        assert view.virtual_size.height == 3
