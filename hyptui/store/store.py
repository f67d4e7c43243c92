"""The one mutable holder of AppState: any thread dispatches, the UI loop flushes in coalesced batches."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable, Sequence

from hyptui.store.actions import Action
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState

logger = logging.getLogger(__name__)

Subscriber = Callable[[AppState], None]


class _Attachment:
    """The loop flushes are scheduled on; a fresh one per attach() so callbacks from an earlier one do nothing."""

    __slots__ = ("interval", "last_flush", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, interval: float) -> None:
        self.loop = loop
        self.interval = interval
        self.last_flush: float | None = None  # loop.time() of the last flush; touched on the loop thread only


Reducer = Callable[[AppState, Sequence[Action]], AppState]


class Store:
    def __init__(
        self,
        reducer: Reducer = reduce_many,
        state: AppState = EMPTY_STATE,
        on_actions: Callable[[Sequence[Action]], None] | None = None,
    ) -> None:
        """`on_actions(batch)`: told every batch as it is reduced, in reduction order (`hyptui --record`)."""
        self._reducer = reducer
        self._on_actions = on_actions
        self._state = state
        self._lock = threading.Lock()  # guards _pending, _flush_scheduled, _attachment and _subscribers
        self._reduce_lock = threading.Lock()  # one reduction at a time, so none is lost to a concurrent flush
        self._pending: list[Action] = []
        self._flush_scheduled = False
        self._attachment: _Attachment | None = None
        self._subscribers: dict[int, Subscriber] = {}  # replaced, never mutated: flush iterates it unlocked
        self._subscription_ids = itertools.count()

    @property
    def state(self) -> AppState:
        return self._state

    def dispatch(self, action: Action) -> None:
        """Queue an action; safe from any thread. Applied by the next flush."""
        with self._lock:
            self._pending.append(action)
            attachment = self._attachment
            if attachment is None or self._flush_scheduled:
                return
            self._flush_scheduled = True
        try:
            attachment.loop.call_soon_threadsafe(self._schedule_flush, attachment)
        except RuntimeError:
            # The loop closed under us (app shutting down); the action stays queued for an explicit flush().
            logger.debug("store loop is closed; action left queued")

    def flush(self) -> bool:
        """Apply every queued action; if the state changed, call each subscriber once. Returns whether it changed."""
        with self._reduce_lock:
            with self._lock:
                actions, self._pending = self._pending, []
            if not actions:
                return False
            old = self._state
            new = self._state = self._reducer(old, actions)
            if self._on_actions is not None:
                try:
                    self._on_actions(actions)
                except Exception:
                    logger.exception("store action listener %r failed", self._on_actions)
        if new is old:
            return False
        self._notify(new)
        return True

    def replace_state(self, state: AppState) -> None:
        """Make `state` the current one, as a flush would (a replay moving through its recording)."""
        with self._reduce_lock:
            old, self._state = self._state, state
        if state is not old:
            self._notify(state)

    def _notify(self, state: AppState) -> None:
        for callback in self._subscribers.values():
            try:
                callback(state)
            except Exception:
                logger.exception("store subscriber %r failed", callback)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(state)` after every flush that changes the state; returns the function that stops it."""
        with self._lock:
            subscription = next(self._subscription_ids)
            self._subscribers = {**self._subscribers, subscription: callback}

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = {key: value for key, value in self._subscribers.items() if key != subscription}

        return unsubscribe

    def attach(self, loop: asyncio.AbstractEventLoop, interval: float = 0.1) -> None:
        """Flush on `loop` from now on, at most once per `interval` seconds; subscribers then run on that thread."""
        attachment = _Attachment(loop, interval)
        with self._lock:
            self._attachment = attachment
            self._flush_scheduled = schedule_now = bool(self._pending)
        if schedule_now:
            loop.call_soon_threadsafe(self._schedule_flush, attachment)

    def detach(self) -> None:
        """Stop flushing on the loop; queued actions wait for an explicit flush()."""
        with self._lock:
            self._attachment = None
            self._flush_scheduled = False

    def _schedule_flush(self, attachment: _Attachment) -> None:
        # Runs on the loop thread: wait out the rest of the interval since the last flush, so bursts coalesce.
        if attachment is not self._attachment:
            return
        delay = 0.0
        if attachment.last_flush is not None:
            delay = max(0.0, attachment.last_flush + attachment.interval - attachment.loop.time())
        attachment.loop.call_later(delay, self._flush_on_loop, attachment)

    def _flush_on_loop(self, attachment: _Attachment) -> None:
        with self._lock:
            if attachment is not self._attachment:
                return
            # Cleared here, not in flush(): a manual flush() must not let a second timer join the pending one.
            self._flush_scheduled = False
        attachment.last_flush = attachment.loop.time()
        self.flush()
