import asyncio
import logging
import threading
from typing import Any

import pytest

from hyptui.store.actions import ListLoaded, Notice, WatchEvent
from hyptui.store.state import AppState
from hyptui.store.store import Store

# Generous: a burst dispatched by threads takes a few flush intervals at most, never hundreds.
MAX_FLUSHES_FOR_A_BURST = 20


def added(name: str, rv: int) -> WatchEvent:
    return WatchEvent("pods", "ADDED", {"metadata": {"name": name, "namespace": "ns", "resourceVersion": str(rv)}})


def pod_count(state: AppState) -> int:
    return len(state.collection("pods").objects)


class Recorder:
    """A subscriber that remembers each state it was given, and on which thread."""

    def __init__(self) -> None:
        self.states: list[AppState] = []
        self.threads: set[int] = set()
        self.reached = asyncio.Event()
        self.target: int | None = None

    def __call__(self, state: AppState) -> None:
        self.states.append(state)
        self.threads.add(threading.get_ident())
        if self.target is not None and pod_count(state) >= self.target:
            self.reached.set()

    async def wait_for_pods(self, count: int) -> None:
        self.target = count
        if self.states and pod_count(self.states[-1]) >= count:
            return
        await asyncio.wait_for(self.reached.wait(), timeout=30)


def test_nothing_applies_until_flush() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    store.dispatch(Notice("hello"))
    assert store.state.notice is None
    assert seen.states == []
    assert store.flush() is True
    assert store.state.notice == "hello"
    assert seen.states == [store.state]


def test_flush_applies_queued_actions_in_order_and_notifies_once() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    for message in ("one", "two", "three"):
        store.dispatch(Notice(message))
    assert store.flush() is True
    assert len(seen.states) == 1
    assert store.state.notice == "three"


def test_flush_that_changes_nothing_notifies_nobody() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    assert store.flush() is False
    store.dispatch(Notice(None))  # already None
    assert store.flush() is False
    assert seen.states == []


def test_flush_uses_the_given_reducer() -> None:
    calls: list[tuple[AppState, int]] = []

    def counting_reducer(state: AppState, actions: Any) -> AppState:
        calls.append((state, len(actions)))
        return AppState(notice=f"{len(actions)} actions")

    store = Store(counting_reducer)
    store.dispatch(Notice("a"))
    store.dispatch(Notice("b"))
    store.flush()
    assert [count for _, count in calls] == [2]
    assert store.state.notice == "2 actions"


def test_unsubscribe_stops_the_calls() -> None:
    store = Store()
    seen = Recorder()
    unsubscribe = store.subscribe(seen)
    store.dispatch(Notice("first"))
    store.flush()
    unsubscribe()
    unsubscribe()  # twice is harmless
    store.dispatch(Notice("second"))
    store.flush()
    assert [state.notice for state in seen.states] == ["first"]


def test_a_failing_subscriber_breaks_neither_the_store_nor_the_others(caplog: pytest.LogCaptureFixture) -> None:
    store = Store()

    def broken(state: AppState) -> None:
        raise RuntimeError("boom")

    seen = Recorder()
    store.subscribe(broken)
    store.subscribe(seen)
    store.dispatch(Notice("first"))
    with caplog.at_level(logging.ERROR, logger="hyptui.store.store"):
        assert store.flush() is True
    store.dispatch(Notice("second"))
    store.flush()
    assert [state.notice for state in seen.states] == ["first", "second"]
    assert "boom" in caplog.text


def test_dispatch_from_many_threads_loses_nothing() -> None:
    store = Store()
    threads_count, per_thread = 8, 2_000
    start = threading.Barrier(threads_count + 1)
    done = threading.Event()

    def produce(thread_index: int) -> None:
        start.wait()
        for i in range(per_thread):
            store.dispatch(added(f"t{thread_index}-{i}", thread_index * per_thread + i + 1))

    def flush_meanwhile() -> None:
        start.wait()
        while not done.is_set():
            store.flush()

    producers = [threading.Thread(target=produce, args=(t,)) for t in range(threads_count)]
    flusher = threading.Thread(target=flush_meanwhile)
    for thread in [*producers, flusher]:
        thread.start()
    for thread in producers:
        thread.join()
    done.set()
    flusher.join()
    store.flush()
    assert pod_count(store.state) == threads_count * per_thread


async def test_a_burst_on_the_loop_is_coalesced_into_one_flush() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    store.attach(asyncio.get_running_loop(), interval=0.05)
    # No await between dispatches: the whole burst is queued before the loop can flush once.
    for i in range(10_000):
        store.dispatch(added(f"p{i}", i + 1))
    await seen.wait_for_pods(10_000)
    assert len(seen.states) == 1


async def test_a_burst_from_threads_flushes_a_bounded_number_of_times() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    store.attach(asyncio.get_running_loop(), interval=0.1)

    def produce(offset: int) -> None:
        for i in range(2_500):
            store.dispatch(added(f"p{offset + i}", offset + i + 1))

    producers = [threading.Thread(target=produce, args=(t * 2_500,)) for t in range(4)]
    for thread in producers:
        thread.start()
    await seen.wait_for_pods(10_000)
    for thread in producers:
        thread.join()
    assert 1 <= len(seen.states) <= MAX_FLUSHES_FOR_A_BURST
    assert seen.threads == {threading.get_ident()}  # subscribers run on the loop's thread


async def test_a_second_burst_waits_out_the_interval() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    store.attach(asyncio.get_running_loop(), interval=3_600)
    store.dispatch(added("first", 1))
    await seen.wait_for_pods(1)
    store.dispatch(added("second", 2))
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(seen.states) == 1
    assert pod_count(store.state) == 1
    store.detach()
    assert store.flush() is True
    assert pod_count(store.state) == 2


async def test_attach_flushes_what_was_queued_before() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    store.dispatch(added("early", 1))
    store.attach(asyncio.get_running_loop(), interval=0.05)
    await seen.wait_for_pods(1)
    assert len(seen.states) == 1


async def test_after_detach_nothing_flushes_on_its_own() -> None:
    store = Store()
    seen = Recorder()
    store.subscribe(seen)
    store.attach(asyncio.get_running_loop(), interval=0.01)
    store.detach()
    store.dispatch(added("late", 1))
    await asyncio.sleep(0.05)
    assert seen.states == []
    assert store.flush() is True


def test_dispatch_after_the_loop_closed_keeps_the_action_queued() -> None:
    store = Store()
    loop = asyncio.new_event_loop()
    store.attach(loop)
    loop.close()
    store.dispatch(ListLoaded("pods", (), "5"))
    assert store.flush() is True
    assert store.state.collection("pods").resource_version == "5"
