"""Container logs of the embedded cluster: what the kubelet keeps per container, the current and the previous run."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hyptui.sim.apiserver.errors import bad_request

LogEntry = tuple[datetime, str]


@dataclass(slots=True)
class _ContainerLog:
    current: list[LogEntry] = field(default_factory=list)
    previous: list[LogEntry] | None = None
    finished: bool = False  # the current run has terminated: followers stop at its end


@dataclass(frozen=True, slots=True)
class LogChunk:
    """What a follower got: entries after its cursor, the next cursor, and whether the run is over (or gone)."""

    entries: list[LogEntry]
    next_index: int
    finished: bool


def timestamp_prefix(moment: datetime) -> str:
    """The kubelet's `timestamps=true` prefix: RFC 3339 with nanoseconds (we only have micro) and a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z "


def render_line(entry: LogEntry, timestamps: bool) -> str:
    moment, line = entry
    return f"{timestamp_prefix(moment) if timestamps else ''}{line}\n"


class LogStore:
    """Append-only logs keyed by (namespace, pod, container); thread-safe, followers block on a condition."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._logs: dict[tuple[str, str, str], _ContainerLog] = {}

    def append(self, namespace: str, pod: str, container: str, line: str, at: datetime) -> None:
        with self._condition:
            self._logs.setdefault((namespace, pod, container), _ContainerLog()).current.append((at, line))
            self._condition.notify_all()

    def rotate(self, namespace: str, pod: str, container: str) -> None:
        """The container restarted: its current run becomes the previous one (what `--previous` shows)."""
        with self._condition:
            log = self._logs.setdefault((namespace, pod, container), _ContainerLog())
            log.previous, log.current, log.finished = log.current, [], False
            self._condition.notify_all()

    def mark_finished(self, namespace: str, pod: str, container: str) -> None:
        with self._condition:
            self._logs.setdefault((namespace, pod, container), _ContainerLog()).finished = True
            self._condition.notify_all()

    def drop(self, namespace: str, pod: str) -> None:
        with self._condition:
            for key in [key for key in self._logs if key[:2] == (namespace, pod)]:
                del self._logs[key]
            self._condition.notify_all()

    def has_logs(self, namespace: str, pod: str, container: str) -> bool:
        """Whether the container ever ran (wrote a line, finished or restarted)."""
        with self._condition:
            return (namespace, pod, container) in self._logs

    def size(self, namespace: str, pod: str, container: str) -> int:
        """Entries in the current run: the cursor a follower starts from after reading up to it."""
        with self._condition:
            log = self._logs.get((namespace, pod, container))
            return len(log.current) if log else 0

    def read(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        previous: bool = False,
        tail_lines: int | None = None,
        since: datetime | None = None,
        limit_bytes: int | None = None,
        timestamps: bool = False,
        end: int | None = None,
    ) -> list[str]:
        """Rendered lines, each ending in a newline; `end` stops at that entry of the current run (a follow cursor).
        With `limit_bytes` the last line may be cut short, as the kubelet cuts it."""
        with self._condition:
            log = self._logs.get((namespace, pod, container), _ContainerLog())
            if previous and log.previous is None:
                raise bad_request(f'previous terminated container "{container}" in pod "{pod}" not found')
            entries = list(log.previous if previous and log.previous is not None else log.current[:end])
        if since is not None:
            entries = [entry for entry in entries if entry[0] >= since]
        if tail_lines is not None:
            entries = entries[-tail_lines:] if tail_lines > 0 else []
        lines = [render_line(entry, timestamps) for entry in entries]
        return _limit(lines, limit_bytes) if limit_bytes is not None else lines

    def follow(self, namespace: str, pod: str, container: str, start_index: int, timeout: float) -> LogChunk:
        """Block up to `timeout` seconds for entries past `start_index`; `finished` once the run ended (or restarted,
        or its pod was dropped) and everything was handed out."""
        key = (namespace, pod, container)
        with self._condition:
            self._condition.wait_for(lambda: self._has_news(key, start_index), timeout)
            log = self._logs.get(key)
            if log is None:
                # Not started yet (keep waiting) or dropped with its pod under a follower that had read some of it.
                return LogChunk([], start_index, finished=start_index > 0)
            if start_index > len(log.current):
                return LogChunk([], start_index, finished=True)
            entries = log.current[start_index:]
            return LogChunk(entries, start_index + len(entries), finished=log.finished)

    def _has_news(self, key: tuple[str, str, str], start_index: int) -> bool:
        log = self._logs.get(key)
        if log is None:
            return start_index > 0
        return log.finished or len(log.current) != start_index


def _limit(lines: list[str], limit_bytes: int) -> list[str]:
    kept: list[str] = []
    budget = limit_bytes
    for line in lines:
        encoded = line.encode()
        if len(encoded) >= budget:
            if budget > 0:
                kept.append(encoded[:budget].decode(errors="ignore"))
            break
        kept.append(line)
        budget -= len(encoded)
    return kept
