from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS, ResourceKind
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import FIRST_RESOURCE_VERSION, ObjectStore, Watcher
from hyptui.sim.clock import SimClock

START = datetime(2025, 1, 1, tzinfo=UTC)
SMP = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


def new_store(history_size: int = 10_000, watch_queue_limit: int = 10_000) -> ObjectStore:
    store = ObjectStore(SimClock(start=START, speed=0), history_size, watch_queue_limit)
    store.create(NAMESPACES, {"metadata": {"name": "team"}})
    return store


def pod(name: str, labels: dict[str, str] | None = None, **metadata: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels or {}, **metadata},
        "spec": {"containers": [{"name": "main", "image": "trainer:1"}]},
    }


def job(name: str, **metadata: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, **metadata}, "spec": {"replicas": 1}}


def owner_ref(owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }


def drain(watcher: Watcher) -> list[tuple[str, str, str]]:
    events = []
    while (event := watcher.next_event(0)) is not None:
        metadata = event["object"]["metadata"]
        events.append((event["type"], metadata.get("name", ""), metadata.get("resourceVersion", "")))
    return events


def api_error(action: Any) -> ApiError:
    with pytest.raises(ApiError) as raised:
        action()
    return raised.value


# ---- create / get / list


def test_create_sets_server_fields_and_returns_a_copy() -> None:
    store = new_store()
    created = store.create(PODS, pod("p1"), "team")
    metadata = created["metadata"]
    assert created["apiVersion"] == "v1" and created["kind"] == "Pod"
    assert metadata["namespace"] == "team"
    assert metadata["creationTimestamp"] == "2025-01-01T00:00:00Z"
    assert "generation" not in metadata  # pods carry none on a 1.32 server
    assert re.fullmatch(r"[0-9a-f-]{36}", metadata["uid"])
    assert int(metadata["resourceVersion"]) == store.resource_version > FIRST_RESOURCE_VERSION
    assert created["status"] == {"phase": "Pending"}
    created["metadata"]["labels"]["mutated"] = "yes"
    assert "mutated" not in store.get(PODS, "team", "p1")["metadata"]["labels"]


def test_namespace_gets_its_defaults() -> None:
    namespace = new_store().get(NAMESPACES, None, "team")
    assert namespace["status"] == {"phase": "Active"}
    assert namespace["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}


def test_generate_name_appends_five_random_characters() -> None:
    store = new_store()
    first = store.create(PODS, pod("", generateName="worker-"), "team")["metadata"]["name"]
    second = store.create(PODS, pod("", generateName="worker-"), "team")["metadata"]["name"]
    assert re.fullmatch(r"worker-[a-z0-9]{5}", first)
    assert first != second


def test_create_errors_carry_the_real_messages() -> None:
    store = new_store()
    store.create(PODS, pod("p1"), "team")
    duplicate = api_error(lambda: store.create(PODS, pod("p1"), "team"))
    assert (duplicate.code, duplicate.reason, duplicate.message) == (409, "AlreadyExists", 'pods "p1" already exists')

    missing_namespace = api_error(lambda: store.create(PODS, pod("p2"), "nowhere"))
    assert (missing_namespace.code, missing_namespace.message) == (404, 'namespaces "nowhere" not found')

    mismatch = api_error(lambda: store.create(PODS, pod("p2", namespace="other"), "team"))
    assert mismatch.code == 400
    assert mismatch.message == "the namespace of the provided object does not match the namespace sent on the request"

    no_containers = api_error(lambda: store.create(PODS, {"metadata": {"name": "p3"}, "spec": {}}, "team"))
    assert (no_containers.code, no_containers.message) == (422, 'Pod "p3" is invalid: spec.containers: Required value')

    no_name = api_error(lambda: store.create(NODES, {"metadata": {}}))
    assert no_name.code == 422

    wrong_version = api_error(lambda: store.create(NODES, {"apiVersion": "v2", "metadata": {"name": "n"}}))
    assert wrong_version.code == 400


def test_get_missing_custom_resource_names_it_group_qualified() -> None:
    error = api_error(lambda: new_store().get(HYPERPOD_PYTORCH_JOBS, "team", "nope"))
    assert error.code == 404
    assert error.message == 'hyperpodpytorchjobs.sagemaker.amazonaws.com "nope" not found'
    assert error.status_body()["details"] == {
        "name": "nope",
        "group": "sagemaker.amazonaws.com",
        "kind": "hyperpodpytorchjobs",
    }


def test_list_sorts_filters_and_reports_the_resource_version() -> None:
    store = new_store()
    store.create(NAMESPACES, {"metadata": {"name": "alpha"}})
    store.create(PODS, pod("b", {"app": "x"}), "team")
    store.create(PODS, pod("a", {"app": "y"}), "team")
    store.create(PODS, pod("z", {"app": "x"}), "alpha")
    items, resource_version = store.list(PODS)
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in items] == [
        ("alpha", "z"),
        ("team", "a"),
        ("team", "b"),
    ]
    assert resource_version == store.resource_version
    assert [i["metadata"]["name"] for i in store.list(PODS, "team")[0]] == ["a", "b"]
    assert [i["metadata"]["name"] for i in store.list(PODS, label_selector="app=x")[0]] == ["z", "b"]
    assert [i["metadata"]["name"] for i in store.list(PODS, field_selector="metadata.namespace=alpha")[0]] == ["z"]
    assert api_error(lambda: store.list(PODS, field_selector="spec.image=x")).code == 400


# ---- update / patch


def test_put_with_a_stale_resource_version_conflicts() -> None:
    store = new_store()
    stale = store.create(PODS, pod("p1"), "team")
    store.patch(PODS, "team", "p1", {"metadata": {"labels": {"v": "2"}}}, SMP)
    error = api_error(lambda: store.replace(PODS, "team", "p1", stale))
    assert error.code == 409 and error.reason == "Conflict"
    assert error.message == (
        'Operation cannot be fulfilled on pods "p1": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


def test_put_without_resource_version_is_unconditional_for_builtins_but_invalid_for_custom_resources() -> None:
    store = new_store()
    store.create(PODS, pod("p1"), "team")
    updated = store.replace(PODS, "team", "p1", pod("p1", {"new": "label"}))
    assert updated["metadata"]["labels"] == {"new": "label"}

    store.create(HYPERPOD_PYTORCH_JOBS, job("j1"), "team")
    error = api_error(lambda: store.replace(HYPERPOD_PYTORCH_JOBS, "team", "j1", job("j1")))
    assert error.code == 422
    assert error.message == (
        'hyperpodpytorchjobs.sagemaker.amazonaws.com "j1" is invalid: '
        "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"
    )
    assert error.status_body()["details"]["causes"][0]["field"] == "metadata.resourceVersion"


def test_put_rejects_a_different_name() -> None:
    store = new_store()
    store.create(PODS, pod("p1"), "team")
    assert api_error(lambda: store.replace(PODS, "team", "p1", pod("p2"))).code == 400


def test_status_subresource_rules_and_generation() -> None:
    store = new_store()
    created = store.create(HYPERPOD_PYTORCH_JOBS, job("j1"), "team")

    status_write = {**created, "spec": {"replicas": 9}, "status": {"phase": "Running"}}
    after_status = store.replace(HYPERPOD_PYTORCH_JOBS, "team", "j1", status_write, subresource="status")
    assert after_status["status"] == {"phase": "Running"}
    assert after_status["spec"] == {"replicas": 1}, "a /status write must not touch the spec"
    assert after_status["metadata"]["generation"] == 1

    main_write = {**after_status, "spec": {"replicas": 2}, "status": {"phase": "Hacked"}}
    after_spec = store.replace(HYPERPOD_PYTORCH_JOBS, "team", "j1", main_write)
    assert after_spec["status"] == {"phase": "Running"}, "the main resource must not touch the status"
    assert after_spec["spec"] == {"replicas": 2}
    assert after_spec["metadata"]["generation"] == 2

    labelled = store.patch(HYPERPOD_PYTORCH_JOBS, "team", "j1", {"metadata": {"labels": {"a": "b"}}}, MERGE)
    assert labelled["metadata"]["generation"] == 2


def test_server_owned_metadata_survives_updates() -> None:
    store = new_store()
    created = store.create(PODS, pod("p1"), "team")
    forged = {
        **created,
        "metadata": {**created["metadata"], "uid": "forged", "creationTimestamp": "1999-01-01T00:00:00Z"},
    }
    updated = store.replace(PODS, "team", "p1", forged)
    assert updated["metadata"]["uid"] == created["metadata"]["uid"]
    assert updated["metadata"]["creationTimestamp"] == created["metadata"]["creationTimestamp"]


def test_no_op_writes_do_not_bump_the_resource_version() -> None:
    store = new_store()
    created = store.create(PODS, pod("p1", {"a": "1"}), "team")
    watcher = store.watch(PODS, "team", created["metadata"]["resourceVersion"])
    same = store.patch(PODS, "team", "p1", {"metadata": {"labels": {"a": "1"}}}, SMP)
    assert same["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert store.replace(PODS, "team", "p1", created) == created
    assert store.resource_version == int(created["metadata"]["resourceVersion"])
    assert drain(watcher) == []


def test_strategic_merge_patch_is_unsupported_for_custom_resources() -> None:
    store = new_store()
    store.create(HYPERPOD_PYTORCH_JOBS, job("j1"), "team")
    error = api_error(lambda: store.patch(HYPERPOD_PYTORCH_JOBS, "team", "j1", b'{"spec":{}}', SMP))
    assert (error.code, error.reason) == (415, "UnsupportedMediaType")
    assert error.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )


def test_patch_formats_and_their_failures() -> None:
    store = new_store()
    created = store.create(PODS, pod("p1", {"a": "1"}), "team")
    merged = store.patch(PODS, "team", "p1", b'{"metadata":{"labels":{"a":null,"b":"2"}}}', MERGE + "; charset=utf-8")
    assert merged["metadata"]["labels"] == {"b": "2"}
    ops = [
        {"op": "test", "path": "/metadata/labels/b", "value": "2"},
        {"op": "add", "path": "/spec/nodeName", "value": "n"},
    ]
    assert store.patch(PODS, "team", "p1", ops, JSON_PATCH)["spec"]["nodeName"] == "n"

    failed_test = [{"op": "test", "path": "/metadata/labels/b", "value": "nope"}]
    assert api_error(lambda: store.patch(PODS, "team", "p1", failed_test, JSON_PATCH)).code == 422
    stale = {"metadata": {"resourceVersion": created["metadata"]["resourceVersion"], "labels": {"c": "3"}}}
    assert api_error(lambda: store.patch(PODS, "team", "p1", stale, MERGE)).code == 409
    assert api_error(lambda: store.patch(PODS, "team", "p1", b"{not json", MERGE)).code == 400
    assert api_error(lambda: store.patch(PODS, "team", "p1", b"{}", "text/plain")).code == 415
    assert api_error(lambda: store.patch(PODS, "team", "nope", b"{}", MERGE)).code == 404


def test_status_patch_changes_only_status() -> None:
    store = new_store()
    store.create(PODS, pod("p1"), "team")
    patched = store.patch(
        PODS, "team", "p1", {"status": {"phase": "Running"}, "metadata": {"labels": {"x": "y"}}}, MERGE, "status"
    )
    assert patched["status"]["phase"] == "Running"
    assert patched["metadata"]["labels"] == {}


def test_apply_patch_creates_when_absent() -> None:
    store = new_store()
    body = b"metadata:\n  name: j1\nspec:\n  replicas: 3\n"
    created = store.patch(HYPERPOD_PYTORCH_JOBS, "team", "j1", body, "application/apply-patch+yaml")
    assert created["spec"] == {"replicas": 3}
    applied = store.patch(
        HYPERPOD_PYTORCH_JOBS, "team", "j1", {"spec": {"replicas": 4}}, "application/apply-patch+yaml"
    )
    assert applied["spec"] == {"replicas": 4}


def test_mutate_is_the_controllers_write() -> None:
    store = new_store()
    created = store.create(HYPERPOD_PYTORCH_JOBS, job("j1"), "team")

    def start(obj: dict[str, Any]) -> None:
        obj["status"] = {"phase": "Running"}

    running = store.mutate(HYPERPOD_PYTORCH_JOBS, "team", "j1", start)
    assert running is not None and running["status"] == {"phase": "Running"}
    assert int(running["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    again = store.mutate(HYPERPOD_PYTORCH_JOBS, "team", "j1", start)
    assert again is not None and again["metadata"]["resourceVersion"] == running["metadata"]["resourceVersion"]
    assert store.mutate(HYPERPOD_PYTORCH_JOBS, "team", "gone", start) is None


# ---- delete


def test_plain_delete_removes_a_pod_at_once() -> None:
    store = new_store()
    created = store.create(PODS, pod("p1"), "team")
    watcher = store.watch(PODS, "team", created["metadata"]["resourceVersion"])
    deleted = store.delete(PODS, "team", "p1")
    assert int(deleted["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    assert drain(watcher) == [("DELETED", "p1", deleted["metadata"]["resourceVersion"])]
    assert api_error(lambda: store.get(PODS, "team", "p1")).code == 404
    assert api_error(lambda: store.delete(PODS, "team", "p1")).code == 404


def test_finalizers_delay_deletion_until_removed() -> None:
    store = new_store()
    store.create(HYPERPOD_PYTORCH_JOBS, job("j1", finalizers=["sagemaker.amazonaws.com/cleanup"]), "team")
    watcher = store.watch(HYPERPOD_PYTORCH_JOBS, "team", str(store.resource_version))
    terminating = store.delete(HYPERPOD_PYTORCH_JOBS, "team", "j1")
    assert terminating["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:00Z"
    assert store.get(HYPERPOD_PYTORCH_JOBS, "team", "j1")["metadata"]["deletionTimestamp"]
    assert store.delete(HYPERPOD_PYTORCH_JOBS, "team", "j1") == terminating, "a second delete changes nothing"

    store.patch(HYPERPOD_PYTORCH_JOBS, "team", "j1", {"metadata": {"finalizers": None}}, MERGE)
    assert api_error(lambda: store.get(HYPERPOD_PYTORCH_JOBS, "team", "j1")).code == 404
    assert [event[0] for event in drain(watcher)] == ["MODIFIED", "DELETED"]


def test_owner_reference_garbage_collection() -> None:
    store = new_store()
    owner = store.create(HYPERPOD_PYTORCH_JOBS, job("j1"), "team")
    store.create(PODS, pod("j1-worker-0", ownerReferences=[owner_ref(owner)]), "team")
    store.create(PODS, pod("bystander"), "team")
    store.delete(HYPERPOD_PYTORCH_JOBS, "team", "j1")
    assert [p["metadata"]["name"] for p in store.list(PODS, "team")[0]] == ["bystander"]


def test_foreground_deletes_dependents_first_and_orphan_keeps_them() -> None:
    store = new_store()
    owner = store.create(HYPERPOD_PYTORCH_JOBS, job("j1"), "team")
    store.create(PODS, pod("w0", ownerReferences=[owner_ref(owner)]), "team")
    watcher = store.watch(PODS, "team", str(store.resource_version))
    jobs = store.watch(HYPERPOD_PYTORCH_JOBS, "team", str(store.resource_version))
    store.delete(HYPERPOD_PYTORCH_JOBS, "team", "j1", propagation="Foreground")
    (pod_deleted,) = drain(watcher)
    job_marked, job_deleted = drain(jobs)
    assert (job_marked[0], job_deleted[0]) == ("MODIFIED", "DELETED")
    assert int(job_marked[2]) < int(pod_deleted[2]) < int(job_deleted[2])

    owner = store.create(HYPERPOD_PYTORCH_JOBS, job("j2"), "team")
    store.create(PODS, pod("w1", ownerReferences=[owner_ref(owner)]), "team")
    store.delete(HYPERPOD_PYTORCH_JOBS, "team", "j2", propagation="Orphan")
    assert "ownerReferences" not in store.get(PODS, "team", "w1")["metadata"]
    assert api_error(lambda: store.delete(PODS, "team", "w1", propagation="Sideways")).code == 400


def test_delete_preconditions() -> None:
    store = new_store()
    store.create(PODS, pod("p1"), "team")
    error = api_error(lambda: store.delete(PODS, "team", "p1", preconditions={"uid": "other"}))
    assert error.code == 409 and "Precondition failed: UID in precondition: other" in error.message


def test_namespace_deletion_cascades_and_waits_for_finalizers() -> None:
    store = new_store()
    store.create(PODS, pod("p1"), "team")
    store.create(HYPERPOD_PYTORCH_JOBS, job("j1", finalizers=["keep"]), "team")
    terminating = store.delete(NAMESPACES, None, "team")
    assert terminating["status"]["phase"] == "Terminating"
    assert store.list(PODS, "team")[0] == []
    assert store.get(NAMESPACES, None, "team")["status"]["phase"] == "Terminating"
    forbidden = api_error(lambda: store.create(PODS, pod("p2"), "team"))
    assert forbidden.code == 403
    assert forbidden.message == "unable to create new content in namespace team because it is being terminated"

    store.mutate(HYPERPOD_PYTORCH_JOBS, "team", "j1", lambda obj: obj["metadata"].pop("finalizers"))
    assert api_error(lambda: store.get(NAMESPACES, None, "team")).code == 404


# ---- watch


def test_watch_without_resource_version_starts_with_synthetic_adds() -> None:
    store = new_store()
    store.create(PODS, pod("b"), "team")
    store.create(PODS, pod("a"), "team")
    store.create(NODES, {"metadata": {"name": "n1"}})
    watcher = store.watch(PODS, None, "0")
    store.create(PODS, pod("c"), "team")
    assert [(kind, name) for kind, name, _ in drain(watcher)] == [("ADDED", "a"), ("ADDED", "b"), ("ADDED", "c")]


def test_watch_resumes_from_a_resource_version() -> None:
    store = new_store()
    store.create(PODS, pod("before"), "team")
    resume_from = str(store.resource_version)
    store.create(PODS, pod("after"), "team")
    store.patch(PODS, "team", "after", {"metadata": {"labels": {"x": "1"}}}, SMP)
    watcher = store.watch(PODS, "team", resume_from)
    store.delete(PODS, "team", "after")
    assert [(kind, name) for kind, name, _ in drain(watcher)] == [
        ("ADDED", "after"),
        ("MODIFIED", "after"),
        ("DELETED", "after"),
    ]


def test_watch_from_a_resource_version_older_than_history_is_expired() -> None:
    store = new_store(history_size=3)
    first = store.resource_version
    for index in range(5):
        store.create(PODS, pod(f"p{index}"), "team")
    error = api_error(lambda: store.watch(PODS, "team", str(first)))
    assert (error.code, error.reason) == (410, "Expired")
    assert error.message.startswith(f"too old resource version: {first} (")
    store.watch(PODS, "team", str(store.resource_version - 3))


def test_watch_sees_label_selector_enter_and_leave() -> None:
    store = new_store()
    store.create(PODS, pod("p1", {"queue": "a"}), "team")
    watcher = store.watch(PODS, "team", str(store.resource_version), label_selector="queue=b")
    store.patch(PODS, "team", "p1", {"metadata": {"labels": {"queue": "b"}}}, SMP)
    store.patch(PODS, "team", "p1", {"metadata": {"labels": {"note": "x"}}}, SMP)
    left = store.patch(PODS, "team", "p1", {"metadata": {"labels": {"queue": "a"}}}, SMP)
    store.patch(PODS, "team", "p1", {"metadata": {"labels": {"note": "y"}}}, SMP)
    events = drain(watcher)
    assert [kind for kind, _, _ in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert events[-1][2] == left["metadata"]["resourceVersion"], "DELETED carries the state that left, new RV"


def test_watch_filters_by_kind_namespace_and_field() -> None:
    store = new_store()
    store.create(NAMESPACES, {"metadata": {"name": "other"}})
    watcher = store.watch(PODS, "team", None, field_selector="metadata.name=p1")
    store.create(PODS, pod("p1"), "other")
    store.create(PODS, pod("p2"), "team")
    store.create(EVENTS, {"metadata": {"name": "p1.1"}, "involvedObject": {"name": "p1"}}, "team")
    store.create(PODS, pod("p1"), "team")
    assert [(kind, name) for kind, name, _ in drain(watcher)] == [("ADDED", "p1")]


def test_a_watcher_too_far_behind_is_closed_with_410() -> None:
    store = new_store(watch_queue_limit=2)
    watcher = store.watch(PODS, "team", None)
    for index in range(3):
        store.create(PODS, pod(f"p{index}"), "team")
    event = watcher.next_event(0)
    assert event is not None and event["type"] == "ERROR"
    assert event["object"]["code"] == 410
    assert watcher.next_event(0) is None
    assert watcher.done


def test_watch_bookmark_version_waits_for_the_queue_to_drain() -> None:
    store = new_store()
    watcher = store.watch(PODS, "team", None)
    store.create(PODS, pod("p1"), "team")
    assert watcher.bookmark_resource_version() is None
    drain(watcher)
    store.create(NODES, {"metadata": {"name": "n1"}})
    assert watcher.bookmark_resource_version() == store.resource_version


def test_next_event_times_out_and_close_ends_the_watch() -> None:
    store = new_store()
    watcher = store.watch(PODS, "team", None)
    assert watcher.next_event(0.01) is None
    watcher.close()
    store.create(PODS, pod("p1"), "team")
    assert watcher.next_event(0.01) is None
    assert watcher.done


# ---- listeners


def test_listeners_see_every_commit_and_may_write_back() -> None:
    store = new_store()
    seen: list[tuple[str, str, str]] = []

    def controller(event_type: str, kind: ResourceKind, obj: dict[str, Any]) -> None:
        seen.append((event_type, kind.kind, obj["metadata"]["name"]))
        if kind is PODS and event_type == "ADDED":
            # Writing from a listener would deadlock if listeners ran under the store lock.
            store.create(EVENTS, {"metadata": {"name": f"{obj['metadata']['name']}.scheduled"}}, "team")

    unsubscribe = store.subscribe(controller)
    store.create(PODS, pod("p1"), "team")
    assert seen == [("ADDED", "Pod", "p1"), ("ADDED", "Event", "p1.scheduled")]
    unsubscribe()
    store.delete(PODS, "team", "p1")
    assert len(seen) == 2


def test_a_failing_listener_does_not_stop_the_others() -> None:
    store = new_store()
    seen: list[str] = []

    def broken(event_type: str, kind: ResourceKind, obj: dict[str, Any]) -> None:
        raise RuntimeError("controller bug")

    store.subscribe(broken)
    store.subscribe(lambda event_type, kind, obj: seen.append(obj["metadata"]["name"]))
    store.create(NODES, {"metadata": {"name": "n1"}})
    assert seen == ["n1"]
