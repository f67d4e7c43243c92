"""SVG snapshot of the replay app paused halfway through a recorded session (the recording is synthetic, on a frozen
clock and a fixed server URL, so nothing in it moves); paired with test_replay_controls.py."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from hyptui.screens.replay.app import ReplayApp
from hyptui.screens.replay.seek_prompt import SeekPrompt
from tests.screens.helpers import table_keys, wait_until
from tests.screens.replay.replay_sessions import JOB_KEY, recorded_session


def test_replay_paused_halfway_snapshot(snap_compare, tmp_path: Path) -> None:
    app = ReplayApp(recorded_session(tmp_path / "session.jsonl"), playing=False)

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, SeekPrompt), "the go-to prompt")
        await pilot.press(*"50%", "enter")
        await wait_until(pilot, lambda: JOB_KEY in table_keys(app), "the recorded job's row")
        assert app.player.applied == 2 and not app.player.playing

    assert snap_compare(app, terminal_size=(130, 30), run_before=run_before)
