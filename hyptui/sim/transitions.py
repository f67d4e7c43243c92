"""How a level-triggered simulated operator brings an object to `now`: each transition that fell due is applied at the
moment it fell due, earliest first, so a long gap between ticks replays the same history as many small ticks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

# When it falls due, its place among transitions due at the same moment, and what it does at that moment.
Transition = tuple[datetime, int, Callable[[datetime], None]]


def apply_due_transitions(collect: Callable[[], list[Transition]], now: datetime) -> None:
    """Apply every transition due by `now`, collecting them again after each one (it changes what falls due next)."""
    while True:
        due = [entry for entry in collect() if entry[0] <= now]
        if not due:
            return
        at, _, apply = min(due, key=lambda entry: (entry[0], entry[1]))
        apply(at)
