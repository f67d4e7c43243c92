"""How the log view copes with a big aggregated job log: time to load 100,000 interleaved lines from 8 pods, to
search them, to toggle timestamps, and to paint a screen while scrolled to the middle.

    python benchmarks/log_view_bench.py [lines]
"""

from __future__ import annotations

import asyncio
import sys
import time

from textual.app import App, ComposeResult

from hyptui.screens.widgets.log_view import LogLine, LogView


def lines_from_pods(count: int, pods: int = 8) -> list[list[LogLine]]:
    per_pod = count // pods
    return [
        [
            LogLine(
                f"[default{rank}]: INFO - step {step} | loss {2.5 - step / per_pod:.4f} | tokens/s {6000 + step % 900}",
                f"2026-11-28T10:{step // 3600 % 60:02d}:{step // 60 % 60:02d}.{step % 60:02d}0000000Z",
                f"job-pod-{rank}",
            )
            for step in range(per_pod)
        ]
        for rank in range(pods)
    ]


class Bench(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView()


async def main(count: int) -> None:
    batches = lines_from_pods(count)
    app = Bench()
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(LogView)
        view.show_sources = True
        started = time.perf_counter()
        for batch in batches:  # each pod's backlog arrives separately and is merged into time order
            view.merge_lines(batch)
        await pilot.pause()
        loaded = time.perf_counter()
        matches = view.search("loss 1\\.9")
        searched = time.perf_counter()
        view.show_timestamps = True
        await pilot.pause()
        toggled = time.perf_counter()
        view.follow = False
        view.scroll_to(y=view.line_count // 2, animate=False, immediate=True)
        paint_start = time.perf_counter()
        for y in range(50):
            view.render_line(y)
        painted = time.perf_counter()
    print(f"{view.line_count:,} lines from 8 pods merged in {1000 * (loaded - started):.0f} ms")
    print(f"search (regex) over them: {1000 * (searched - loaded):.0f} ms, {matches:,} matches")
    print(f"timestamps toggled (re-measure + re-search): {1000 * (toggled - searched):.0f} ms")
    print(f"one 50-line screen rendered mid-log: {1000 * (painted - paint_start):.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
