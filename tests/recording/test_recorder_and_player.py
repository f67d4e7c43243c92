"""The recorder's file read back by the player: pace, step, seek both ways, speed, and the clock in between."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

from hyptui.recording.player import Player
from hyptui.recording.recorder import Recorder
from hyptui.recording.recording_file import read_recording
from hyptui.store.actions import Notice, WatchEvent
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE
from tests.recording.samples import JOB, SAMPLES, T0


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _record(path: Path, batches: list[tuple[float, list]], *, close: bool = True) -> None:
    """Each batch at `seconds` after the start, on both the app clock and the wall."""
    wall = FakeTime()
    recorder = Recorder(path, context="hyptui-sim", secrets=["sekrit-value"], monotonic=wall)
    recorder.start(lambda: T0 + timedelta(seconds=wall.now))
    for seconds, actions in batches:
        wall.now = seconds
        recorder.record(actions)
    wall.now = 100.0
    if close:
        recorder.close()


def test_the_file_is_private_holds_every_sample_redacted_and_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_text("old")
    path.chmod(0o644)
    _record(path, [(1.0, list(SAMPLES)), (2.0, [Notice("token sekrit-value leaked")])])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"sekrit-value" not in path.read_bytes()
    recording = read_recording(path)
    assert recording.header.context == "hyptui-sim" and recording.header.started == T0
    assert recording.batches[0].actions == SAMPLES
    assert recording.batches[1].actions == (Notice("<redacted>"),)
    assert recording.duration == 100.0 and recording.end.at == T0 + timedelta(seconds=100)


def test_a_recording_cut_short_by_a_crash_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    _record(path, [(1.0, [Notice("a")]), (3.0, [Notice("b")])], close=False)
    recording = read_recording(path)
    assert len(recording.batches) == 2 and recording.duration == 3.0


def _player(tmp_path: Path) -> tuple[Player, FakeTime]:
    path = tmp_path / "session.jsonl"
    job = {**JOB, "metadata": {**JOB["metadata"], "resourceVersion": "13"}}
    batches = [
        (10.0, [Notice("first")]),
        (20.0, [WatchEvent("jobs", "ADDED", JOB)]),
        (30.0, [WatchEvent("jobs", "MODIFIED", job), Notice("third")]),
        (40.0, [WatchEvent("jobs", "DELETED", job)]),
    ]
    _record(path, batches)
    now = FakeTime()
    return Player(read_recording(path), monotonic=now), now


def test_playing_applies_batches_at_the_recorded_pace_times_the_speed(tmp_path: Path) -> None:
    player, now = _player(tmp_path)
    player.play()
    now.now = 15.0
    player.tick()
    assert player.applied == 1 and player.store.state.notice == "first"
    assert player.clock() == T0 + timedelta(seconds=15)  # between batches the recorded clock runs on
    player.faster()  # x2 from here
    now.now = 20.0
    player.tick()
    assert player.position == 25.0 and player.applied == 2
    assert ("team-a", "llama") in player.store.state.collection("jobs").objects
    now.now = 1000.0
    player.tick()
    assert player.at_end and not player.playing
    assert player.store.state.collection("jobs").objects == {}


def test_pause_step_and_seek_back_rebuild_the_same_state_as_reducing_from_the_start(tmp_path: Path) -> None:
    player, now = _player(tmp_path)
    player.play()
    player.pause()
    now.now = 50.0
    player.tick()
    assert player.applied == 0 and player.position == 0.0
    player.step()
    player.step()
    assert player.applied == 2 and player.position == 20.0 and player.clock() == T0 + timedelta(seconds=20)
    player.seek(35.0)
    assert player.applied == 3 and player.store.state.notice == "third"
    player.seek_fraction(0.15)  # 15 s of 100
    assert player.applied == 1
    actions = [action for batch in player.recording.batches[:1] for action in batch.actions]
    assert player.store.state == reduce_many(EMPTY_STATE, actions)
    player.seek(-5)
    assert player.applied == 0 and player.store.state == EMPTY_STATE
    player.slower()
    player.slower()
    assert player.speed == 0.25
