"""Whether a screen's rows can be vouched for, from the watch status of the kinds they come from."""

from __future__ import annotations

from datetime import UTC, datetime

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, PODS
from hyptui.store.actions import ListLoaded, WatchStatusChanged
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, WatchPhase, WatchStatus
from hyptui.views.staleness import staleness

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)
POD = {"metadata": {"name": "p", "namespace": "a", "uid": "1", "resourceVersion": "3"}}
JOB = {"metadata": {"name": "j", "namespace": "a", "uid": "2", "resourceVersion": "4"}}


def state_with(*statuses: tuple[str, WatchStatus]):
    actions = [ListLoaded(PODS.key, (POD,), "3"), ListLoaded(HYPERPOD_PYTORCH_JOBS.key, (JOB,), "4")]
    actions += [WatchStatusChanged(kind, status) for kind, status in statuses]
    return reduce_many(EMPTY_STATE, actions)


def test_live_kinds_are_vouched_for() -> None:
    state = state_with((PODS.key, WatchStatus(WatchPhase.LIVE, None, T0)))
    assert staleness(state, (PODS, HYPERPOD_PYTORCH_JOBS)) is None


def test_the_earliest_kind_that_stopped_being_live_says_since_when_and_why() -> None:
    state = state_with(
        (PODS.key, WatchStatus(WatchPhase.RECONNECTING, "connection refused", T1)),
        (HYPERPOD_PYTORCH_JOBS.key, WatchStatus(WatchPhase.SYNCING, None, T0)),
    )
    stale = staleness(state, (PODS, HYPERPOD_PYTORCH_JOBS))
    assert stale is not None and (stale.since, stale.phase) == (T0, WatchPhase.SYNCING)
    assert stale.describe() == f"stale since {T0.astimezone():%H:%M:%S} (syncing)"
    only_pods = staleness(state, (PODS,))
    assert only_pods is not None and only_pods.describe().endswith("(reconnecting: connection refused)")


def test_a_kind_loading_for_the_first_time_has_nothing_to_be_stale_about() -> None:
    state = state_with((EVENTS.key, WatchStatus(WatchPhase.SYNCING, None, T0)))
    assert staleness(state, (EVENTS,)) is None
