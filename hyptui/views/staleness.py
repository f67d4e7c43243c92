"""Whether what a screen shows can be vouched for: rows drawn from a kind that is not live (syncing after a lost
connection, reconnecting, failed) are stale until its relist succeeds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.store.state import AppState, WatchPhase

_VOUCHED = (WatchPhase.LIVE, WatchPhase.ABSENT)  # an absent kind has nothing to be stale about


@dataclass(frozen=True, slots=True)
class Staleness:
    since: datetime | None  # when the first of the kinds stopped being live
    phase: WatchPhase
    error: str | None

    def describe(self) -> str:
        since = f" since {self.since.astimezone():%H:%M:%S}" if self.since else ""
        why = f": {self.error}" if self.error else ""
        return f"stale{since} ({self.phase.value}{why})"


def staleness(state: AppState, kinds: Iterable[ResourceKind]) -> Staleness | None:
    """None while every one of `kinds` that holds objects is live; else since when and why not. A kind still
    loading for the first time holds nothing to be stale about."""
    stale = [
        status
        for kind in kinds
        if (status := state.watches.get(kind.key)) is not None
        and status.phase not in _VOUCHED
        and state.collection(kind.key).objects
    ]
    if not stale:
        return None
    dated = [status for status in stale if status.since is not None]
    first = min(dated, key=lambda status: status.since) if dated else stale[0]
    return Staleness(first.since, first.phase, first.error)
