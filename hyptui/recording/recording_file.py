"""The recording file: JSON lines, a header first, then one line per action (tagged with its class, its batch, the
app clock's time and the seconds since the start), and an end line when the session closed cleanly.

    {"hyptui_recording": 1, "hyptui": "0.1.0", "started": "2026-11-28T10:00:00Z", "context": "hyptui-sim"}
    {"batch": 0, "at": "2026-11-28T10:00:00Z", "wall": 0.04, "action": "Connected", "data": {...}}
    {"end": true, "at": "2026-11-28T10:05:00Z", "wall": 300.2}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hyptui.recording.codec import ActionDecodeError, decode_action
from hyptui.store.actions import Action

FORMAT_VERSION = 1
FORMAT_KEY = "hyptui_recording"


class RecordingError(Exception):
    """A recording that cannot be replayed; `str()` names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class Header:
    hyptui_version: str
    started: datetime  # the app clock's time when recording began
    context: str  # the kubeconfig context recorded (no server URL, no credentials)


@dataclass(frozen=True, slots=True)
class Moment:
    at: datetime  # the app clock: the simulated time under `hyptui demo`
    wall: float  # real seconds since recording began


@dataclass(frozen=True, slots=True)
class Batch:
    """Actions the store reduced together, in order."""

    moment: Moment
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class Recording:
    header: Header
    batches: tuple[Batch, ...]
    end: Moment  # the clean end line, else the last batch's moment (a crash cut the file short)
    notices: tuple[str, ...] = ()  # what was skipped, for the user to see

    @property
    def duration(self) -> float:
        return self.end.wall


def header_line(header: Header) -> dict[str, Any]:
    return {
        FORMAT_KEY: FORMAT_VERSION,
        "hyptui": header.hyptui_version,
        "started": header.started.isoformat(),
        "context": header.context,
    }


def action_line(batch: int, moment: Moment, name: str, data: Any) -> dict[str, Any]:
    return {"batch": batch, "at": moment.at.isoformat(), "wall": round(moment.wall, 6), "action": name, "data": data}


def end_line(moment: Moment) -> dict[str, Any]:
    return {"end": True, "at": moment.at.isoformat(), "wall": round(moment.wall, 6)}


def read_recording(path: Path) -> Recording:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RecordingError(f"{path}: {error.strerror or error}") from None
    return parse_recording(raw, str(path))


def parse_recording(raw: bytes, name: str) -> Recording:
    lines = raw.split(b"\n")
    cut_short = lines[-1] != b""  # every complete line ends with a newline: a crash mid-write leaves a partial one
    if not cut_short:
        lines.pop()
    notices: list[str] = []
    reader = _Reader(name)
    for number, line in enumerate(lines, start=1):
        try:
            reader.read(number, line)
        except RecordingError:
            if cut_short and number == len(lines) and number > 1:
                notices.append(f"{name}: line {number} was cut off mid-write and is skipped")
                break
            raise
    if reader.header is None:
        raise RecordingError(f"{name}, line 1: the file is empty, not a hyptui recording")
    return Recording(reader.header, tuple(reader.batches), reader.end or reader.last_moment(), tuple(notices))


class _Reader:
    def __init__(self, name: str) -> None:
        self._name = name
        self.header: Header | None = None
        self.batches: list[Batch] = []
        self.end: Moment | None = None
        self._batch_number = -1
        self._line = 0

    def last_moment(self) -> Moment:
        assert self.header is not None
        return self.batches[-1].moment if self.batches else Moment(self.header.started, 0.0)

    def read(self, number: int, line: bytes) -> None:
        self._line = number
        try:
            entry = json.loads(line)
        except ValueError as error:
            raise self._fail(f"not JSON ({error})") from None
        if not isinstance(entry, dict):
            raise self._fail("not a JSON object")
        if self.header is None:
            self.header = self._header(entry)
        elif self.end is not None:
            raise self._fail("a line after the end line")
        elif entry.get("end") is True:
            self.end = self._moment(entry)
        else:
            self._action(entry)

    def _fail(self, reason: str) -> RecordingError:
        return RecordingError(f"{self._name}, line {self._line}: {reason}")

    def _header(self, entry: dict[str, Any]) -> Header:
        version = entry.get(FORMAT_KEY)
        if version is None:
            raise self._fail(f"not a hyptui recording (the first line has no {FORMAT_KEY!r} field)")
        if version != FORMAT_VERSION:
            raise self._fail(f"recording format {version!r} is not one this hyptui reads (it reads {FORMAT_VERSION})")
        return Header(str(entry.get("hyptui", "")), self._time(entry, "started"), str(entry.get("context", "")))

    def _time(self, entry: dict[str, Any], key: str) -> datetime:
        value = entry.get(key)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise self._fail(f"{key!r} must be an ISO 8601 time, not {value!r}")
        return moment

    def _moment(self, entry: dict[str, Any]) -> Moment:
        wall = entry.get("wall")
        if not isinstance(wall, int | float) or isinstance(wall, bool) or wall < 0:
            raise self._fail(f"'wall' must be the seconds since the start (a number >= 0), not {wall!r}")
        if self.batches and wall < self.batches[-1].moment.wall:
            raise self._fail(f"'wall' goes back in time ({wall} after {self.batches[-1].moment.wall})")
        return Moment(self._time(entry, "at"), float(wall))

    def _action(self, entry: dict[str, Any]) -> None:
        batch = entry.get("batch")
        if not isinstance(batch, int) or isinstance(batch, bool) or batch < self._batch_number:
            raise self._fail(f"'batch' must be a whole number, not less than the line before's, not {batch!r}")
        name = entry.get("action")
        if not isinstance(name, str):
            raise self._fail("no 'action' field naming the action's class")
        try:
            action = decode_action(name, entry.get("data"))
        except ActionDecodeError as error:
            raise self._fail(str(error)) from None
        if batch == self._batch_number:
            last = self.batches[-1]
            self.batches[-1] = Batch(last.moment, (*last.actions, action))
        else:
            self.batches.append(Batch(self._moment(entry), (action,)))
            self._batch_number = batch
