"""The replay app's controls on a recorded session: paused at the start, step, play, speed, seek forward with the
go-to prompt (a bad entry explained in place), seek back rebuilding the state; offline and read-only throughout."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from hyptui.recording.player import ReplayStore
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.replay.app import ReplayApp
from hyptui.screens.replay.bar import ReplayBar
from hyptui.screens.replay.seek_prompt import SeekPrompt
from hyptui.store.actions import Notice
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE
from tests.screens.helpers import table_keys, wait_until, widget_text
from tests.screens.replay.replay_sessions import BATCHES, DURATION, JOB_KEY, recorded_session

SIZE = (150, 40)


def bar(app: ReplayApp) -> str:
    return widget_text(app.screen.query_one(ReplayBar))


async def test_pause_step_play_speed_and_seek_both_ways(tmp_path: Path) -> None:
    recording = recorded_session(tmp_path / "session.jsonl")
    app = ReplayApp(recording, playing=False)
    async with app.run_test(size=SIZE) as pilot:
        player = app.player
        await pilot.pause()
        assert app.readonly and isinstance(app.store, ReplayStore)
        assert "‖ paused" in bar(app) and "0:00/0:50" in bar(app) and f"batch 0/{BATCHES}" in bar(app)
        assert table_keys(app) == []

        await pilot.press("full_stop", "full_stop")
        assert player.applied == 2 and "batch 2/4" in bar(app) and "0:20/0:50" in bar(app)
        await wait_until(pilot, lambda: JOB_KEY in table_keys(app), "the recorded job's row")
        footer = {key.action for key in app.screen.query(FooterKey)}
        assert {"replay_pause", "replay_step"} <= footer and "delete" not in footer  # read-only
        assert "[ ] seek < > speed ^g go to" in bar(app)  # the keys the footer has no room for

        await pilot.press("greater_than_sign")
        assert player.speed == 2 and " 2x " in bar(app)
        await pilot.press("less_than_sign", "less_than_sign")
        assert player.speed == 0.5
        await pilot.press("p")
        assert player.playing and "► replaying" in bar(app)
        await wait_until(pilot, lambda: player.position > 20.0, "the recording to move on")
        await pilot.press("p")
        assert not player.playing

        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, SeekPrompt), "the go-to prompt")
        await pilot.press(*"soon", "enter")
        assert isinstance(app.screen, SeekPrompt)  # refused in place, what was typed still there
        assert "'soon' is not a time into the recording" in widget_text(app.screen.query_one("#seek-error"))
        assert app.screen.query_one(Input).value == "soon"
        app.screen.query_one(Input).value = "90%"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, SeekPrompt), "the prompt to close")
        assert player.position == 45.0 and player.applied == 4
        await wait_until(pilot, lambda: JOB_KEY not in table_keys(app), "the deleted job gone")

        await pilot.press("left_square_bracket")  # back 10% = 5 s, before the deletion's batch
        assert player.position == 40.0 and player.applied == 4
        await pilot.press("left_square_bracket")
        assert player.applied == 3
        await wait_until(pilot, lambda: JOB_KEY in table_keys(app), "the job back")
        batches = recording.batches[:3]
        assert app.store.state == reduce_many(EMPTY_STATE, [action for b in batches for action in b.actions])

        app.store.dispatch(Notice("from a screen"))  # what the screens dispatch never reaches a replay's state
        app.store.flush()
        assert app.store.state.notice is None

        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes section")
        await wait_until(pilot, lambda: bool(app.screen.query(ReplayBar)), "the nodes section's replay bar")
        assert "batch 3/4" in bar(app)
        assert player.duration == DURATION


async def test_playing_runs_to_the_end_and_stops(tmp_path: Path) -> None:
    app = ReplayApp(recorded_session(tmp_path / "session.jsonl"), speed=1000)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.player.at_end, "the end of the recording")
        await pilot.pause(0.2)
        assert not app.player.playing and "■ ended" in bar(app) and "0:50/0:50" in bar(app)
        assert JOB_KEY not in table_keys(app)
