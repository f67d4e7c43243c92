"""Simulated time for the embedded cluster: real time scaled by a speed factor, or frozen and advanced by tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SimClock:
    """`speed=1` follows the wall clock, `speed=10` runs ten times faster, `speed=0` stands still until `advance()`."""

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._origin = start or datetime.now(UTC).replace(microsecond=0)
        self._speed = speed
        self._anchor = time.monotonic()
        self._offset = 0.0  # seconds added by advance()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        with self._lock:
            elapsed = (time.monotonic() - self._anchor) * self._speed + self._offset
        return self._origin + timedelta(seconds=elapsed)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds
