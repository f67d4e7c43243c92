"""`hyptui replay`: a recording's batches put back into a store at their recorded pace (times a speed), with pause,
step, seek and speed. Seeking back reduces from the start again, which the pure reducers make cheap and exact."""

from __future__ import annotations

import bisect
import logging
import time
from collections.abc import Callable
from datetime import datetime

from hyptui.recording.recording_file import Moment, Recording
from hyptui.store.actions import Action
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE
from hyptui.store.store import Store

logger = logging.getLogger(__name__)

SPEEDS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)


class ReplayStore(Store):
    """The store a replay's app reads. Its player is the only writer: what the screens dispatch (AWS polls, the
    invoke panel) is dropped, so every screen shows the recorded session and nothing else."""

    def dispatch(self, action: Action) -> None:
        logger.debug("replay ignores %s", type(action).__name__)


class Player:
    def __init__(
        self, recording: Recording, *, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.recording = recording
        self.store = ReplayStore()
        self.speed = speed
        self._monotonic = monotonic
        self._walls = [batch.moment.wall for batch in recording.batches]
        self._position = 0.0  # recorded seconds since the start
        self._applied = 0  # how many batches the store's state holds
        self._anchor: tuple[float, float] | None = None  # (monotonic, position) when play last (re)started
        # the clock between batches runs on from one recorded moment to the next
        self._moments = [Moment(recording.header.started, 0.0), *(b.moment for b in recording.batches), recording.end]
        self._moment_walls = [moment.wall for moment in self._moments]

    @property
    def position(self) -> float:
        return self._position

    @property
    def duration(self) -> float:
        return self.recording.duration

    @property
    def applied(self) -> int:
        return self._applied

    @property
    def playing(self) -> bool:
        return self._anchor is not None

    @property
    def at_end(self) -> bool:
        return self._applied == len(self._walls) and self._position >= self.duration

    def clock(self) -> datetime:
        """The recorded app clock at the current position, interpolated between recorded moments."""
        moments = self._moments
        index = bisect.bisect_right(self._moment_walls, self._position) - 1
        here = moments[max(index, 0)]
        after = moments[index + 1] if 0 <= index < len(moments) - 1 else None
        if after is None or after.wall <= here.wall:
            return here.at
        return here.at + (after.at - here.at) * ((self._position - here.wall) / (after.wall - here.wall))

    def play(self) -> None:
        if self.at_end:
            self.seek(0.0)
        self._anchor = (self._monotonic(), self._position)

    def pause(self) -> None:
        self._anchor = None

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def tick(self) -> None:
        """Catch up with the time passed since play started; stops at the end."""
        if self._anchor is None:
            return
        started, position = self._anchor
        self._move(position + (self._monotonic() - started) * self.speed)
        if self._position >= self.duration:
            self.pause()

    def step(self) -> None:
        """Pause and apply exactly the next batch."""
        self.pause()
        if self._applied < len(self._walls):
            self._go(self._applied + 1, self._walls[self._applied])

    def seek(self, position: float) -> None:
        self._move(position)
        if self._anchor is not None:
            self._anchor = (self._monotonic(), self._position)

    def seek_fraction(self, fraction: float) -> None:
        self.seek(self.duration * fraction)

    def faster(self) -> None:
        self._set_speed(next((s for s in SPEEDS if s > self.speed), self.speed))

    def slower(self) -> None:
        self._set_speed(next((s for s in reversed(SPEEDS) if s < self.speed), self.speed))

    def _set_speed(self, speed: float) -> None:
        self.tick()  # the time so far counts at the old speed
        self.speed = speed
        if self._anchor is not None:
            self._anchor = (self._monotonic(), self._position)

    def _move(self, position: float) -> None:
        position = min(max(position, 0.0), self.duration)
        self._go(bisect.bisect_right(self._walls, position), position)

    def _go(self, count: int, position: float) -> None:
        batches = self.recording.batches
        if count >= self._applied:
            state, pending = self.store.state, batches[self._applied : count]
        else:
            state, pending = EMPTY_STATE, batches[:count]
        if pending:
            state = reduce_many(state, [action for batch in pending for action in batch.actions])
        self._applied = count
        self._position = position
        self.store.replace_state(state)
