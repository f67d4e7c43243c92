from collections.abc import Iterator, KeysView, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest

from hyptui.store import reducers
from hyptui.store.actions import Connected, ConnectionFailed, ListLoaded, Notice, WatchEvent, WatchStatusChanged
from hyptui.store.reducers import reduce, reduce_many
from hyptui.store.state import (
    EMPTY_STATE,
    AppState,
    Collection,
    Connection,
    KubeObject,
    ObjectKey,
    WatchPhase,
    WatchStatus,
)

CLUSTER_A = Connection(context="a", cluster="a", user="me", namespace=None, server="https://a.example", readonly=False)
CLUSTER_B = Connection(
    context="b", cluster="b", user="me", namespace="team-b", server="https://b.example", readonly=True
)


def pod(name: str, rv: str, namespace: str = "team-a", phase: str = "Running") -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}", "resourceVersion": rv},
        "status": {"phase": phase},
    }


def listed(*items: dict[str, Any], rv: str = "100", kind: str = "pods") -> AppState:
    return reduce(EMPTY_STATE, ListLoaded(kind, items, rv))


def event(type_: str, obj: dict[str, Any], kind: str = "pods") -> WatchEvent:
    return WatchEvent(kind, type_, obj)  # type: ignore[arg-type]


def phase_of(state: AppState, name: str, namespace: str = "team-a") -> str:
    return state.collection("pods").objects[(namespace, name)].raw["status"]["phase"]


def test_kube_object_from_raw_reads_metadata() -> None:
    raw = {
        "metadata": {
            "name": "p1",
            "namespace": "team-a",
            "uid": "u1",
            "resourceVersion": "42",
            "creationTimestamp": "2025-03-01T10:00:00Z",
            "labels": {"HPJob": "train"},
        }
    }
    obj = KubeObject.from_raw(raw)
    assert (obj.namespace, obj.name, obj.uid, obj.resource_version) == ("team-a", "p1", "u1", "42")
    assert obj.created == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert obj.labels == {"HPJob": "train"}
    assert obj.key == ("team-a", "p1")
    assert obj.raw is raw


def test_kube_object_from_raw_of_a_cluster_scoped_object() -> None:
    obj = KubeObject.from_raw({"metadata": {"name": "node-1", "resourceVersion": "7"}})
    assert obj.key == ("", "node-1")
    assert obj.created is None
    assert obj.labels == {}


def test_list_loaded_replaces_the_whole_collection() -> None:
    state = listed(pod("a", "1"), pod("b", "2"), rv="10")
    state = reduce(state, ListLoaded("pods", (pod("b", "12"), pod("c", "13")), "20"))
    collection = state.collection("pods")
    assert set(collection.objects) == {("team-a", "b"), ("team-a", "c")}
    assert collection.objects[("team-a", "b")].resource_version == "12"
    assert collection.resource_version == "20"


def test_relist_keeps_objects_whose_version_did_not_change() -> None:
    state = listed(pod("a", "1"), pod("b", "2"), rv="10")
    before = state.collection("pods").objects
    after = reduce(state, ListLoaded("pods", (pod("a", "1"), pod("b", "5")), "20")).collection("pods").objects
    assert after[("team-a", "a")] is before[("team-a", "a")]
    assert after[("team-a", "b")] is not before[("team-a", "b")]


def test_identical_relist_returns_the_same_state() -> None:
    state = listed(pod("a", "1"), pod("b", "2"), rv="10")
    assert reduce(state, ListLoaded("pods", (pod("a", "1"), pod("b", "2")), "10")) is state


def test_relist_dropping_an_object_is_a_change() -> None:
    state = listed(pod("a", "1"), pod("b", "2"), rv="10")
    after = reduce(state, ListLoaded("pods", (pod("a", "1"),), "10"))
    assert set(after.collection("pods").objects) == {("team-a", "a")}


def test_relist_from_a_replaced_cluster_wins_over_higher_stored_versions() -> None:
    """A restored control plane restarts its resourceVersions: what it lists replaces what we held, however new."""
    state = listed(pod("a", "900", phase="Running"), pod("b", "901"), rv="950")
    replaced = {**pod("a", "3", phase="Pending"), "metadata": {**pod("a", "3")["metadata"], "uid": "new-a"}}
    after = reduce(state, ListLoaded("pods", (replaced,), "5"))
    assert set(after.collection("pods").objects) == {("team-a", "a")}
    assert phase_of(after, "a") == "Pending"
    assert after.collection("pods").resource_version == "5"
    assert (
        phase_of(
            reduce(
                after,
                event(
                    "MODIFIED",
                    {**replaced, "status": {"phase": "Running"}}
                    | {"metadata": {**replaced["metadata"], "resourceVersion": "6"}},
                ),
            ),
            "a",
        )
        == "Running"
    )


def test_relist_does_not_keep_a_different_object_that_has_the_same_name_and_version() -> None:
    state = listed(pod("a", "7", phase="Running"), rv="10")
    other = {**pod("a", "7", phase="Failed"), "metadata": {**pod("a", "7")["metadata"], "uid": "another-a"}}
    after = reduce(state, ListLoaded("pods", (other,), "10"))
    assert phase_of(after, "a") == "Failed"


def test_connection_failed_says_why_and_drops_the_previous_cluster() -> None:
    state = reduce(reduce(EMPTY_STATE, Connected(CLUSTER_A)), ListLoaded("pods", (pod("a", "1"),), "10"))
    failed = reduce(state, ConnectionFailed("kubeconfig /k: context 'x' does not exist; contexts: a"))
    assert failed.connection is None
    assert failed.connection_problem == "kubeconfig /k: context 'x' does not exist; contexts: a"
    assert failed.collection("pods").objects == {}
    assert reduce(failed, Connected(CLUSTER_B)).connection_problem is None


def test_added_inserts_and_advances_the_collection_version() -> None:
    state = reduce(listed(pod("a", "1")), event("ADDED", pod("b", "101")))
    assert set(state.collection("pods").objects) == {("team-a", "a"), ("team-a", "b")}
    assert state.collection("pods").resource_version == "101"


def test_modified_replaces_with_the_newer_version() -> None:
    state = reduce(listed(pod("a", "1", phase="Pending")), event("MODIFIED", pod("a", "2", phase="Running")))
    assert phase_of(state, "a") == "Running"


@pytest.mark.parametrize("type_", ["ADDED", "MODIFIED"])
def test_stale_upsert_never_overwrites_newer_state(type_: str) -> None:
    state = listed(pod("a", "50", phase="Running"))
    assert reduce(state, event(type_, pod("a", "49", phase="Pending"))) is state


def test_duplicate_added_with_the_same_version_changes_nothing() -> None:
    state = listed(pod("a", "50"))
    assert reduce(state, event("ADDED", pod("a", "50"))) is state


def test_duplicate_added_with_a_newer_version_is_an_upsert() -> None:
    state = listed(pod("a", "50", phase="Pending"))
    state = reduce(state, event("ADDED", pod("a", "51", phase="Running")))
    assert phase_of(state, "a") == "Running"
    assert len(state.collection("pods").objects) == 1


def test_versions_that_are_not_integers_are_not_compared() -> None:
    state = listed(pod("a", "zz", phase="Pending"))
    state = reduce(state, event("MODIFIED", pod("a", "aa", phase="Running")))
    assert phase_of(state, "a") == "Running"


def test_version_comparison_is_numeric_not_lexical() -> None:
    state = listed(pod("a", "9", phase="Pending"))
    state = reduce(state, event("MODIFIED", pod("a", "10", phase="Running")))
    assert phase_of(state, "a") == "Running"


def test_deleted_of_an_unknown_object_returns_the_same_state() -> None:
    state = listed(pod("a", "1"))
    assert reduce(state, event("DELETED", pod("ghost", "200"))) is state


def test_deleted_of_a_kind_never_listed_returns_the_same_state() -> None:
    assert reduce(EMPTY_STATE, event("DELETED", pod("ghost", "200"))) is EMPTY_STATE


def test_deleted_removes_a_known_object() -> None:
    state = reduce(listed(pod("a", "1"), pod("b", "2")), event("DELETED", pod("a", "150")))
    assert set(state.collection("pods").objects) == {("team-a", "b")}
    assert state.collection("pods").resource_version == "150"


def test_deleted_older_than_the_stored_object_is_ignored() -> None:
    state = listed(pod("a", "60"))
    assert reduce(state, event("DELETED", pod("a", "59"))) is state


def test_bookmark_only_advances_the_collection_version() -> None:
    state = listed(pod("a", "1"), rv="100")
    after = reduce(state, event("BOOKMARK", {"metadata": {"resourceVersion": "180"}}))
    assert after.collection("pods").resource_version == "180"
    assert after.collection("pods").objects is state.collection("pods").objects


def test_bookmark_never_moves_the_collection_version_back() -> None:
    state = listed(pod("a", "1"), rv="100")
    assert reduce(state, event("BOOKMARK", {"metadata": {"resourceVersion": "90"}})) is state


def test_an_older_but_not_stale_event_applies_without_moving_the_collection_version_back() -> None:
    state = listed(pod("a", "5", phase="Pending"), rv="100")
    state = reduce(state, event("MODIFIED", pod("a", "7", phase="Running")))
    assert phase_of(state, "a") == "Running"
    assert state.collection("pods").resource_version == "100"


def test_error_events_change_nothing() -> None:
    state = listed(pod("a", "1"))
    status = {"kind": "Status", "code": 410, "metadata": {"resourceVersion": "900"}}
    assert reduce(state, event("ERROR", status)) is state


def test_events_for_a_kind_never_listed_start_its_collection() -> None:
    state = reduce(EMPTY_STATE, event("ADDED", pod("a", "3")))
    assert set(state.collection("pods").objects) == {("team-a", "a")}


def test_untouched_collections_and_objects_keep_their_identity() -> None:
    state = listed(pod("a", "1"), pod("b", "2"))
    state = reduce(state, ListLoaded("jobs", ({"metadata": {"name": "j", "namespace": "team-a"}},), "5"))
    after = reduce(state, event("MODIFIED", pod("a", "3")))
    assert after.collection("jobs") is state.collection("jobs")
    assert after.collection("pods").objects[("team-a", "b")] is state.collection("pods").objects[("team-a", "b")]
    assert after.watches is state.watches


def test_reducers_never_mutate_their_input() -> None:
    state = listed(pod("a", "1"), pod("b", "2"), rv="10")
    objects_before = dict(state.collection("pods").objects)
    collections_before = dict(state.collections)
    reduce_many(
        state,
        [
            event("MODIFIED", pod("a", "11")),
            event("DELETED", pod("b", "12")),
            event("ADDED", pod("c", "13")),
            event("BOOKMARK", {"metadata": {"resourceVersion": "14"}}),
            WatchStatusChanged("pods", WatchStatus(WatchPhase.LIVE)),
            Notice("hello"),
        ],
    )
    assert dict(state.collection("pods").objects) == objects_before
    assert state.collection("pods").resource_version == "10"
    assert dict(state.collections) == collections_before
    assert state.watches == {}
    assert state.notice is None


def test_state_mappings_are_read_only() -> None:
    state = listed(pod("a", "1"))
    objects = state.collection("pods").objects
    with pytest.raises(TypeError):
        objects[("team-a", "z")] = objects[("team-a", "a")]  # type: ignore[index]
    with pytest.raises(TypeError):
        state.collections["nodes"] = Collection()  # type: ignore[index]


def test_reduce_many_matches_reducing_one_action_at_a_time() -> None:
    actions = [
        event("ADDED", pod("c", "101")),
        event("MODIFIED", pod("a", "102", phase="Succeeded")),
        event("MODIFIED", pod("a", "99", phase="Failed")),
        event("DELETED", pod("b", "103")),
        ListLoaded("jobs", ({"metadata": {"name": "j", "namespace": "team-a", "resourceVersion": "5"}},), "5"),
        event("ADDED", pod("d", "104")),
        event("DELETED", pod("d", "105")),
        WatchStatusChanged("pods", WatchStatus(WatchPhase.LIVE)),
        Notice("watching"),
    ]
    start = listed(pod("a", "1"), pod("b", "2"))
    one_by_one = start
    for action in actions:
        one_by_one = reduce(one_by_one, action)
    batched = reduce_many(start, actions)
    assert batched == one_by_one
    assert set(batched.collection("pods").objects) == {("team-a", "a"), ("team-a", "c")}
    assert phase_of(batched, "a") == "Succeeded"


def test_events_after_a_relist_in_the_same_batch_apply_on_top_of_it() -> None:
    state = reduce_many(
        listed(pod("a", "1")),
        [ListLoaded("pods", (pod("b", "20"),), "20"), event("ADDED", pod("c", "21"))],
    )
    assert set(state.collection("pods").objects) == {("team-a", "b"), ("team-a", "c")}
    assert state.collection("pods").resource_version == "21"


def test_reduce_many_of_nothing_returns_the_same_state() -> None:
    state = listed(pod("a", "1"))
    assert reduce_many(state, []) is state


class CountingMapping(Mapping[ObjectKey, KubeObject]):
    """A collection's objects that count how often the reducer copies them."""

    def __init__(self, objects: dict[ObjectKey, KubeObject]) -> None:
        self._objects = objects
        self.copies = 0

    def __getitem__(self, key: ObjectKey) -> KubeObject:
        return self._objects[key]

    def __iter__(self) -> Iterator[ObjectKey]:
        return iter(self._objects)

    def __len__(self) -> int:
        return len(self._objects)

    def keys(self) -> KeysView[ObjectKey]:  # dict(mapping) calls keys() once per copy
        self.copies += 1
        return self._objects.keys()


def test_a_burst_copies_and_freezes_the_collection_once(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[Collection] = []

    def counting_collection(*args: Any, **kwargs: Any) -> Collection:
        frozen.append(Collection(*args, **kwargs))
        return frozen[-1]

    monkeypatch.setattr(reducers, "Collection", counting_collection)
    objects = {obj.key: obj for obj in (KubeObject.from_raw(pod(f"p{i}", "1")) for i in range(2_000))}
    counting = CountingMapping(objects)
    state = AppState(collections=MappingProxyType({"pods": Collection(objects=counting, resource_version="1")}))
    burst = [event("MODIFIED", pod(f"p{i % 2_000}", str(2 + i))) for i in range(10_000)]
    after = reduce_many(state, burst)
    assert counting.copies == 1
    assert len(frozen) == 1
    assert after.collection("pods").resource_version == "10001"
    assert len(after.collection("pods").objects) == 2_000


def test_watch_status_changed_records_the_status_per_kind() -> None:
    status = WatchStatus(WatchPhase.RECONNECTING, error="connection reset", since=datetime(2025, 1, 1, tzinfo=UTC))
    state = reduce(EMPTY_STATE, WatchStatusChanged("pods", status))
    assert state.watches == {"pods": status}
    assert reduce(state, WatchStatusChanged("pods", status)) is state


def test_notice_sets_and_clears_the_message() -> None:
    state = reduce(EMPTY_STATE, Notice("Could not delete pod a"))
    assert state.notice == "Could not delete pod a"
    assert reduce(state, Notice("Could not delete pod a")) is state
    assert reduce(state, Notice(None)).notice is None


def test_connected_to_the_same_cluster_changes_nothing() -> None:
    state = reduce_many(EMPTY_STATE, [Connected(CLUSTER_A), ListLoaded("pods", (pod("a", "1"),), "10")])
    assert reduce(state, Connected(CLUSTER_A)) is state


def test_connected_to_another_cluster_drops_what_was_seen_of_the_old_one() -> None:
    state = reduce_many(
        EMPTY_STATE,
        [
            Connected(CLUSTER_A),
            ListLoaded("pods", (pod("a", "1"),), "10"),
            WatchStatusChanged("pods", WatchStatus(WatchPhase.LIVE)),
            Notice("kept"),
        ],
    )
    after = reduce(state, Connected(CLUSTER_B))
    assert after.connection == CLUSTER_B
    assert after.collections == {}
    assert after.watches == {}
    assert after.notice == "kept"
