"""Reading a recording back: what a clean file holds, and a clear message (line number, reason) for a bad one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hyptui.recording.recording_file import RecordingError, parse_recording, read_recording
from hyptui.store.actions import Notice

HEADER = {"hyptui_recording": 1, "hyptui": "0.1.0", "started": "2026-11-28T10:00:00+00:00", "context": "sim"}


def _line(batch: int, wall: float, message: str) -> dict:
    at = f"2026-11-28T10:00:{int(wall):02d}+00:00"
    return {"batch": batch, "at": at, "wall": wall, "action": "Notice", "data": {"message": message}}


def _text(*entries: dict) -> bytes:
    return "".join(json.dumps(entry) + "\n" for entry in entries).encode()


def test_actions_group_into_batches_and_the_end_line_gives_the_length() -> None:
    raw = _text(
        HEADER, _line(0, 1, "a"), _line(0, 1, "b"), _line(1, 3, "c"), {"end": True, "at": HEADER["started"], "wall": 9}
    )
    recording = parse_recording(raw, "r.jsonl")
    assert [batch.actions for batch in recording.batches] == [(Notice("a"), Notice("b")), (Notice("c"),)]
    assert recording.header.context == "sim"
    assert recording.duration == 9
    assert recording.notices == ()


def test_a_line_cut_off_mid_write_is_skipped_with_a_notice_and_the_length_is_the_last_batch() -> None:
    raw = _text(HEADER, _line(0, 1, "a"), _line(1, 4, "b")) + b'{"batch": 2, "at": "2026-11-28T10:0'
    recording = parse_recording(raw, "r.jsonl")
    assert len(recording.batches) == 2
    assert recording.duration == 4
    assert recording.notices == ("r.jsonl: line 4 was cut off mid-write and is skipped",)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", r"r.jsonl, line 1: the file is empty"),
        (_text({"hello": 1}), r"line 1: not a hyptui recording"),
        (
            _text({**HEADER, "hyptui_recording": 2}),
            r"line 1: recording format 2 is not one this hyptui reads \(it reads 1\)",
        ),
        (_text(HEADER, _line(0, 1, "a")) + b"{oops\n", r"line 3: not JSON"),
        (_text(HEADER, {**_line(0, 1, "a"), "action": "Teleported"}), r"line 2: unknown action 'Teleported'"),
        (
            _text(HEADER, {**_line(0, 1, "a"), "data": {"message": 5}}),
            r"line 2: Notice message: Input should be a valid string",
        ),
        (_text(HEADER, _line(0, 5, "a"), _line(1, 2, "b")), r"line 3: 'wall' goes back in time"),
        (_text(HEADER, {**_line(0, 1, "a"), "at": "noon"}), r"line 2: 'at' must be an ISO 8601 time, not 'noon'"),
        (
            _text(HEADER, {"end": True, "at": HEADER["started"], "wall": 1}, _line(0, 1, "a")),
            r"line 3: a line after the end",
        ),
    ],
    ids=[
        "empty",
        "no-header",
        "newer-format",
        "bad-json",
        "unknown-action",
        "bad-field",
        "time-back",
        "bad-time",
        "after-end",
    ],
)
def test_a_bad_recording_is_refused_naming_the_line_and_the_problem(raw: bytes, message: str) -> None:
    with pytest.raises(RecordingError, match=message):
        parse_recording(raw, "r.jsonl")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match=r"nothing.jsonl: No such file"):
        read_recording(tmp_path / "nothing.jsonl")
