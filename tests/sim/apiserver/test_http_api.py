"""The embedded API server over real HTTP, driven by the official `kubernetes` client and by raw http.client."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from hyptui.sim.apiserver.discovery import AGGREGATED_CONTENT_TYPE
from hyptui.sim.apiserver.server import ApiServer
from tests.sim.api_server import SIM_START, RunningApiServer
from tests.sim.apiserver.http_requests import AGGREGATED_ACCEPT, GROUP, PLURAL, VERSION, job_body, pod_body, raw


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    api_server.store.create(NAMESPACES, {"metadata": {"name": "team"}})
    return api_server


@pytest.fixture
def api_client(cluster: RunningApiServer) -> Any:
    with client.ApiClient(client.Configuration(host=cluster.url)) as api_client:
        yield api_client


@pytest.fixture
def core(api_client: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api_client)


@pytest.fixture
def custom(api_client: client.ApiClient) -> client.CustomObjectsApi:
    return client.CustomObjectsApi(api_client)


def status_of(error: ApiException) -> dict[str, Any]:
    return json.loads(error.body)


# ---- plumbing and discovery


def test_health_version_and_unknown_paths(cluster: RunningApiServer) -> None:
    for path in ("/healthz", "/readyz", "/livez"):
        assert raw(cluster.url, "GET", path)[::2] == (200, b"ok")
    code, _, body = raw(cluster.url, "GET", "/version?timeout=5s")
    version = json.loads(body)
    assert (code, version["major"], version["minor"], version["gitVersion"]) == (200, "1", "32", "v1.32.5")

    code, headers, body = raw(cluster.url, "GET", "/api/v1/widgets")
    assert (code, headers["content-type"]) == (404, "application/json")
    assert json.loads(body) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server could not find the requested resource",
        "reason": "NotFound",
        "details": {},
        "code": 404,
    }
    assert raw(cluster.url, "GET", "/api/v1/namespaces/team/pods/p1/exec")[0] == 404
    assert raw(cluster.url, "GET", "/apis/example.com/v1")[0] == 404
    assert raw(cluster.url, "PUT", "/api/v1/namespaces/team/pods", {"metadata": {}})[0] == 405


def test_legacy_discovery(cluster: RunningApiServer) -> None:
    api = json.loads(raw(cluster.url, "GET", "/api")[2])
    assert api["kind"] == "APIVersions" and api["versions"] == ["v1"]
    groups = json.loads(raw(cluster.url, "GET", "/apis")[2])
    assert groups["kind"] == "APIGroupList"
    assert groups["groups"][0]["preferredVersion"] == {"groupVersion": f"{GROUP}/{VERSION}", "version": VERSION}

    core = json.loads(raw(cluster.url, "GET", "/api/v1")[2])
    names = {r["name"]: r for r in core["resources"]}
    assert {"namespaces", "nodes", "pods", "events", "pods/log", "pods/status", "nodes/status"} <= set(names)
    assert names["pods"]["shortNames"] == ["po"] and names["pods"]["namespaced"] is True
    assert names["nodes"]["namespaced"] is False

    jobs = json.loads(raw(cluster.url, "GET", f"/apis/{GROUP}/{VERSION}")[2])
    assert jobs["groupVersion"] == f"{GROUP}/{VERSION}"
    assert [r["name"] for r in jobs["resources"]] == [PLURAL, f"{PLURAL}/status"]
    assert jobs["resources"][0]["categories"] == ["all"]


def test_aggregated_discovery_when_asked(cluster: RunningApiServer) -> None:
    code, headers, body = raw(cluster.url, "GET", "/apis", headers={"Accept": AGGREGATED_ACCEPT})
    assert (code, headers["content-type"]) == (200, AGGREGATED_CONTENT_TYPE)
    document = json.loads(body)
    assert document["kind"] == "APIGroupDiscoveryList"
    assert [item["metadata"]["name"] for item in document["items"]] == [
        GROUP,
        "kueue.x-k8s.io",
        "workspace.jupyter.org",
        "inference.sagemaker.aws.amazon.com",
        "connection.workspace.jupyter.org",
        "events.k8s.io",
        "apiextensions.k8s.io",
    ]
    group = document["items"][0]
    (resource,) = group["versions"][0]["resources"]
    assert resource["scope"] == "Namespaced" and resource["shortNames"] == ["hpjob"]
    assert resource["subresources"][0]["subresource"] == "status"

    core = json.loads(raw(cluster.url, "GET", "/api", headers={"Accept": AGGREGATED_ACCEPT})[2])
    pods = next(r for r in core["items"][0]["versions"][0]["resources"] if r["resource"] == "pods")
    assert {s["subresource"] for s in pods["subresources"]} == {"log", "status"}


def test_dynamic_client_discovers_the_custom_resource(cluster: RunningApiServer, tmp_path: Path) -> None:
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    with client.ApiClient(client.Configuration(host=cluster.url)) as api_client:
        dynamic = DynamicClient(api_client, cache_file=str(tmp_path / "discovery.json"))
        jobs = dynamic.resources.get(api_version=f"{GROUP}/{VERSION}", kind="HyperPodPyTorchJob")
        assert [item.metadata.name for item in jobs.get(namespace="team").items] == ["j1"]


def test_keep_alive_survives_errors_and_streams(cluster: RunningApiServer) -> None:
    connection = http.client.HTTPConnection(urlsplit(cluster.url).netloc, timeout=10)
    try:
        for path in (
            "/api/v1/namespaces/team/pods/missing",
            "/api/v1/namespaces/team/pods?watch=true&timeoutSeconds=0.1",
            "/api/v1/namespaces",
        ):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        assert response.status == 200
    finally:
        connection.close()


def test_only_loopback_addresses_are_served() -> None:
    from hyptui.sim.apiserver.storage import ObjectStore
    from hyptui.sim.clock import SimClock
    from hyptui.sim.nodes.container_logs import LogStore

    with pytest.raises(ValueError, match="loopback"):
        ApiServer(ObjectStore(SimClock(start=SIM_START, speed=0)), LogStore(), host="0.0.0.0")


# ---- CRUD with the official client


def test_core_crud(core: client.CoreV1Api) -> None:
    created, code, _ = core.create_namespaced_pod_with_http_info("team", pod_body("p1", {"app": "trainer"}))
    assert code == 201 and created.metadata.namespace == "team" and created.status.phase == "Pending"
    core.create_namespaced_pod("team", pod_body("p2", {"app": "other"}))

    listed = core.list_namespaced_pod("team", label_selector="app=trainer")
    assert [p.metadata.name for p in listed.items] == ["p1"]
    assert int(listed.metadata.resource_version) >= int(created.metadata.resource_version)
    assert len(core.list_pod_for_all_namespaces(field_selector="metadata.name=p2").items) == 1

    patched = core.patch_namespaced_pod("p1", "team", {"metadata": {"labels": {"stage": "train"}}})
    assert patched.metadata.labels == {"app": "trainer", "stage": "train"}
    assert core.read_namespaced_pod("p1", "team").metadata.labels["stage"] == "train"

    deleted = core.delete_namespaced_pod("p1", "team")
    assert deleted.metadata.name == "p1"
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_pod("p1", "team")
    assert missing.value.status == 404
    assert status_of(missing.value)["message"] == 'pods "p1" not found'


def test_nodes_and_namespaces(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    core.create_node({"metadata": {"name": "hyperpod-i-1", "labels": {"node.kubernetes.io/instance-type": "ml.p5"}}})
    cordoned = core.patch_node("hyperpod-i-1", {"spec": {"unschedulable": True}})
    assert cordoned.spec.unschedulable is True
    assert [n.metadata.name for n in core.list_node(field_selector="spec.unschedulable=true").items] == ["hyperpod-i-1"]

    core.create_namespace({"metadata": {"name": "scratch"}})
    core.create_namespaced_pod("scratch", pod_body("tmp"))
    code, _, body = raw(cluster.url, "DELETE", "/api/v1/namespaces/scratch")
    assert (code, json.loads(body)["status"]["phase"]) == (200, "Terminating")
    assert [ns.metadata.name for ns in core.list_namespace().items] == ["team"]
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_pod("tmp", "scratch")
    assert gone.value.status == 404


def test_errors_are_status_objects(core: client.CoreV1Api) -> None:
    stale = core.create_namespaced_pod("team", pod_body("p1"))
    core.patch_namespaced_pod("p1", "team", {"metadata": {"labels": {"v": "2"}}})
    with pytest.raises(ApiException) as conflict:
        core.replace_namespaced_pod("p1", "team", stale)
    body = status_of(conflict.value)
    assert (conflict.value.status, body["reason"], body["details"]) == (409, "Conflict", {"name": "p1", "kind": "pods"})

    with pytest.raises(ApiException) as exists:
        core.create_namespaced_pod("team", pod_body("p1"))
    assert exists.value.status == 409 and status_of(exists.value)["reason"] == "AlreadyExists"

    with pytest.raises(ApiException) as bad_selector:
        core.list_namespaced_pod("team", label_selector="app in trainer")
    assert bad_selector.value.status == 400

    with pytest.raises(ApiException) as bad_field:
        core.list_namespaced_pod("team", field_selector="spec.image=x")
    assert status_of(bad_field.value)["message"] == "field label not supported: spec.image"

    with pytest.raises(ApiException) as no_namespace:
        core.create_namespaced_pod("nowhere", pod_body("p1"))
    assert status_of(no_namespace.value)["message"] == 'namespaces "nowhere" not found'


def test_custom_resources_and_their_status(custom: client.CustomObjectsApi) -> None:
    created = custom.create_namespaced_custom_object(GROUP, VERSION, "team", PLURAL, job_body("j1"))
    assert created["metadata"]["generation"] == 1

    status = custom.patch_namespaced_custom_object_status(
        GROUP, VERSION, "team", PLURAL, "j1", {"status": {"conditions": [{"type": "Running", "status": "True"}]}}
    )
    assert status["status"]["conditions"][0]["type"] == "Running"
    assert status["metadata"]["generation"] == 1

    current = custom.get_namespaced_custom_object(GROUP, VERSION, "team", PLURAL, "j1")
    current["spec"]["nprocPerNode"] = "4"
    current["status"] = {"ignored": True}
    replaced = custom.replace_namespaced_custom_object(GROUP, VERSION, "team", PLURAL, "j1", current)
    assert replaced["spec"]["nprocPerNode"] == "4" and replaced["metadata"]["generation"] == 2
    assert replaced["status"]["conditions"][0]["type"] == "Running"

    status_put = {**replaced, "status": {"phase": "Completed"}}
    assert custom.replace_namespaced_custom_object_status(GROUP, VERSION, "team", PLURAL, "j1", status_put)[
        "status"
    ] == {"phase": "Completed"}

    everywhere = custom.list_cluster_custom_object(GROUP, VERSION, PLURAL)
    assert [item["metadata"]["name"] for item in everywhere["items"]] == ["j1"]
    assert everywhere["kind"] == "HyperPodPyTorchJobList"

    without_version = job_body("j1")
    with pytest.raises(ApiException) as invalid:
        custom.replace_namespaced_custom_object(GROUP, VERSION, "team", PLURAL, "j1", without_version)
    assert invalid.value.status == 422
    assert "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update" in invalid.value.body

    json_patched = custom.patch_namespaced_custom_object(
        GROUP,
        VERSION,
        "team",
        PLURAL,
        "j1",
        [{"op": "replace", "path": "/spec/nprocPerNode", "value": "8"}],
        _content_type="application/json-patch+json",
    )
    assert json_patched["spec"]["nprocPerNode"] == "8"
    custom.delete_namespaced_custom_object(GROUP, VERSION, "team", PLURAL, "j1")
    with pytest.raises(ApiException) as gone:
        custom.get_namespaced_custom_object(GROUP, VERSION, "team", PLURAL, "j1")
    assert status_of(gone.value)["message"] == f'{PLURAL}.{GROUP} "j1" not found'


def test_strategic_merge_patch_on_a_custom_resource_is_415(cluster: RunningApiServer) -> None:
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    code, _, body = raw(
        cluster.url,
        "PATCH",
        f"/apis/{GROUP}/{VERSION}/namespaces/team/{PLURAL}/j1",
        {"spec": {"nprocPerNode": "3"}},
        {"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert (code, json.loads(body)["reason"]) == (415, "UnsupportedMediaType")


def test_list_pages_with_limit_and_continue(cluster: RunningApiServer) -> None:
    for name in ("a", "b", "c"):
        cluster.store.create(PODS, pod_body(name), "team")
    first = json.loads(raw(cluster.url, "GET", "/api/v1/namespaces/team/pods?limit=2")[2])
    assert [i["metadata"]["name"] for i in first["items"]] == ["a", "b"]
    assert first["metadata"]["remainingItemCount"] == 1
    token = first["metadata"]["continue"]
    second = json.loads(raw(cluster.url, "GET", f"/api/v1/namespaces/team/pods?limit=2&continue={token}")[2])
    assert [i["metadata"]["name"] for i in second["items"]] == ["c"]
    assert "continue" not in second["metadata"]
    assert raw(cluster.url, "GET", "/api/v1/namespaces/team/pods?continue=garbage")[0] == 400  # not a token it issued


def test_delete_options_and_delete_collection(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    owner = cluster.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    reference = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "HyperPodPyTorchJob", "name": "j1"}
    owned = pod_body("w0")
    owned["metadata"]["ownerReferences"] = [{**reference, "uid": owner["metadata"]["uid"]}]
    cluster.store.create(PODS, owned, "team")
    code, _, _ = raw(
        cluster.url,
        "DELETE",
        f"/apis/{GROUP}/{VERSION}/namespaces/team/{PLURAL}/j1",
        {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Orphan"},
        {"Content-Type": "application/json"},
    )
    assert code == 200
    assert core.read_namespaced_pod("w0", "team").metadata.owner_references is None

    core.create_namespaced_pod("team", pod_body("x1", {"batch": "x"}))
    core.create_namespaced_pod("team", pod_body("x2", {"batch": "x"}))
    removed = core.delete_collection_namespaced_pod("team", label_selector="batch=x")
    assert removed is not None
    assert [p.metadata.name for p in core.list_namespaced_pod("team").items] == ["w0"]


# ---- watch


def test_watch_streams_changes_from_a_resource_version(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    core.create_namespaced_pod("team", pod_body("p1"))
    start = core.list_namespaced_pod("team").metadata.resource_version
    core.patch_namespaced_pod("p1", "team", {"metadata": {"labels": {"x": "1"}}})
    core.create_namespaced_pod("team", pod_body("p2"))
    core.delete_namespaced_pod("p1", "team")
    events = [
        (event["type"], event["object"].metadata.name)
        for event in watch.Watch().stream(core.list_namespaced_pod, "team", resource_version=start, timeout_seconds=1)
    ]
    assert events == [("MODIFIED", "p1"), ("ADDED", "p2"), ("DELETED", "p1")]


def test_watch_sees_live_changes_and_custom_objects(cluster: RunningApiServer, custom: client.CustomObjectsApi) -> None:
    seen: list[tuple[str, str]] = []
    start = str(cluster.store.resource_version)
    stream = watch.Watch().stream(
        custom.list_namespaced_custom_object, GROUP, VERSION, "team", PLURAL, resource_version=start, timeout_seconds=2
    )
    created = threading.Event()

    def consume() -> None:
        for event in stream:
            seen.append((event["type"], event["object"]["metadata"]["name"]))
            created.set()

    consumer = threading.Thread(target=consume)
    consumer.start()
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, job_body("live"), "team")
    assert created.wait(5)
    cluster.store.delete(HYPERPOD_PYTORCH_JOBS, "team", "live")
    consumer.join(5)
    assert not consumer.is_alive(), "the stream must end at timeoutSeconds"
    assert seen == [("ADDED", "live"), ("DELETED", "live")]


def test_watch_from_a_too_old_resource_version_raises_410(core: client.CoreV1Api) -> None:
    with pytest.raises(ApiException) as expired:
        list(watch.Watch().stream(core.list_namespaced_pod, "team", resource_version="1", timeout_seconds=1))
    assert expired.value.status == 410


def test_watch_from_a_resource_version_the_server_has_not_reached_is_a_504_with_a_retry_hint(
    cluster: RunningApiServer,
) -> None:
    """What a client that watched a replaced or restored control plane hears, after the watch cache's wait."""
    current = cluster.store.resource_version
    code, headers, body = raw(cluster.url, "GET", f"/api/v1/pods?watch=1&resourceVersion={current + 1000}")
    status = json.loads(body)
    assert (code, headers["retry-after"], status["reason"]) == (504, "1", "Timeout")
    assert status["message"] == f"Timeout: Too large resource version: {current + 1000}, current: {current}"
    assert status["details"] == {
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    }


def test_a_watch_slightly_ahead_of_the_server_is_served_once_it_catches_up(cluster: RunningApiServer) -> None:
    ahead = cluster.store.resource_version + 1

    def write_two() -> None:
        cluster.store.create(PODS, pod_body("late-1"), "team")  # brings the server to `ahead`
        cluster.store.create(PODS, pod_body("late-2"), "team")

    writer = threading.Timer(0.3, write_two)
    writer.start()
    path = f"/api/v1/namespaces/team/pods?watch=1&resourceVersion={ahead}&timeoutSeconds=0.6"
    code, _, body = raw(cluster.url, "GET", path)
    writer.join()
    assert code == 200
    assert [json.loads(line)["object"]["metadata"]["name"] for line in body.decode().splitlines()] == ["late-2"]


def test_raw_watch_stream_with_bookmarks_and_selector(cluster: RunningApiServer) -> None:
    cluster.store.create(PODS, pod_body("p1", {"queue": "a"}), "team")
    cluster.store.create(PODS, pod_body("p2", {"queue": "b"}), "team")
    code, headers, body = raw(
        cluster.url,
        "GET",
        "/api/v1/namespaces/team/pods?watch=1&labelSelector=queue%3Da&allowWatchBookmarks=true&timeoutSeconds=0.3",
    )
    assert (code, headers["transfer-encoding"], headers["content-type"]) == (200, "chunked", "application/json")
    events = [json.loads(line) for line in body.decode().splitlines()]
    assert [e["type"] for e in events] == ["ADDED", "BOOKMARK"]
    assert events[1]["object"] == {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": str(cluster.store.resource_version)},
    }

    code, _, body = raw(cluster.url, "GET", "/api/v1/watch/namespaces/team/pods?resourceVersion=5&timeoutSeconds=1")
    (error,) = [json.loads(line) for line in body.decode().splitlines()]
    assert code == 200 and error["type"] == "ERROR"
    assert (error["object"]["code"], error["object"]["reason"]) == (410, "Expired")


def test_stop_ends_open_streams(cluster: RunningApiServer) -> None:
    from hyptui.sim.nodes.container_logs import LogStore

    server = ApiServer(cluster.store, LogStore())
    server.start()
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=10)
    connection.request("GET", "/api/v1/pods?watch=true")
    response = connection.getresponse()
    finished = threading.Event()

    def read_all() -> None:
        with contextlib.suppress(http.client.HTTPException, OSError):  # cut off mid-stream is fine too
            response.read()
        finished.set()

    reader = threading.Thread(target=read_all)
    reader.start()
    server.stop()
    assert finished.wait(5), "a watch stream must end when the server stops"
    reader.join()
    connection.close()


# ---- pod logs


def add_lines(cluster: RunningApiServer, pod: str, container: str, count: int, first_second: int = 0) -> None:
    for index in range(count):
        at = SIM_START + timedelta(seconds=first_second + index)
        cluster.logs.append("team", pod, container, f"line {first_second + index}", at)


def test_pod_log_options(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    core.create_namespaced_pod("team", pod_body("p1"))
    add_lines(cluster, "p1", "main", 5)
    assert core.read_namespaced_pod_log("p1", "team") == "".join(f"line {i}\n" for i in range(5))
    assert core.read_namespaced_pod_log("p1", "team", tail_lines=2) == "line 3\nline 4\n"
    assert core.read_namespaced_pod_log("p1", "team", tail_lines=1, timestamps=True) == (
        "2025-01-01T00:00:04.000000000Z line 4\n"
    )
    assert core.read_namespaced_pod_log("p1", "team", limit_bytes=10) == "line 0\nlin"

    cluster.store.clock.advance(5)  # now 00:00:05, so the last two seconds hold lines 3 and 4
    assert core.read_namespaced_pod_log("p1", "team", since_seconds=2) == "line 3\nline 4\n"
    code, headers, body = raw(cluster.url, "GET", "/api/v1/namespaces/team/pods/p1/log?sinceTime=2025-01-01T00:00:04Z")
    assert (code, headers["content-type"], body) == (200, "text/plain", b"line 4\n")


def test_pod_log_errors(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    core.create_namespaced_pod("team", pod_body("multi", containers=("a", "b")))

    def message(**options: Any) -> str:
        with pytest.raises(ApiException) as raised:
            core.read_namespaced_pod_log("multi", "team", **options)
        assert raised.value.status == 400
        return status_of(raised.value)["message"]

    assert message() == "a container name must be specified for pod multi, choose one of: [a b]"
    assert message(container="x") == "container x is not valid for pod multi"
    assert message(container="a", previous=True) == 'previous terminated container "a" in pod "multi" not found'

    waiting = {"name": "a", "state": {"waiting": {"reason": "ContainerCreating"}}}
    cluster.store.mutate(PODS, "team", "multi", lambda pod: pod["status"].update(containerStatuses=[waiting]))
    assert message(container="a") == 'container "a" in pod "multi" is waiting to start: ContainerCreating'
    assert core.read_namespaced_pod_log("multi", "team", container="b") == ""


def test_previous_run_after_a_restart(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    core.create_namespaced_pod("team", pod_body("p1"))
    add_lines(cluster, "p1", "main", 2)
    cluster.logs.rotate("team", "p1", "main")
    add_lines(cluster, "p1", "main", 1, first_second=10)
    assert core.read_namespaced_pod_log("p1", "team", previous=True) == "line 0\nline 1\n"
    assert core.read_namespaced_pod_log("p1", "team") == "line 10\n"


def test_follow_streams_until_the_container_finishes(cluster: RunningApiServer, core: client.CoreV1Api) -> None:
    core.create_namespaced_pod("team", pod_body("p1"))
    add_lines(cluster, "p1", "main", 3)
    response = core.read_namespaced_pod_log("p1", "team", follow=True, tail_lines=1, _preload_content=False)
    received: list[bytes] = []
    first = threading.Event()

    def consume() -> None:
        for chunk in response.stream(1024):
            received.append(chunk)
            first.set()

    consumer = threading.Thread(target=consume)
    consumer.start()
    assert first.wait(5)
    add_lines(cluster, "p1", "main", 2, first_second=3)
    cluster.logs.mark_finished("team", "p1", "main")
    consumer.join(5)
    assert not consumer.is_alive(), "the stream must end when the container finishes"
    assert b"".join(received) == b"line 2\nline 3\nline 4\n"
    assert response.headers["Transfer-Encoding"] == "chunked"


def test_follow_ends_when_the_pod_is_deleted(cluster: RunningApiServer) -> None:
    cluster.store.create(PODS, pod_body("p1"), "team")
    add_lines(cluster, "p1", "main", 1)
    connection = http.client.HTTPConnection(urlsplit(cluster.url).netloc, timeout=10)
    try:
        connection.request("GET", "/api/v1/namespaces/team/pods/p1/log?follow=true")
        response = connection.getresponse()  # headers arrive once the stream is open
        cluster.store.delete(PODS, "team", "p1")
        assert (response.status, response.read()) == (200, b"line 0\n")
    finally:
        connection.close()


def test_event_and_node_kinds_are_served(cluster: RunningApiServer) -> None:
    cluster.store.create(NODES, {"metadata": {"name": "n1"}})
    code, _, body = raw(cluster.url, "GET", "/api/v1/nodes/n1/status")
    assert code == 200 and json.loads(body)["metadata"]["name"] == "n1"
    event = {"metadata": {"name": "p1.1"}, "involvedObject": {"kind": "Pod", "name": "p1"}, "reason": "Scheduled"}
    assert raw(cluster.url, "POST", "/api/v1/namespaces/team/events", event)[0] == 201
    code, _, body = raw(cluster.url, "GET", "/api/v1/events?fieldSelector=involvedObject.name%3Dp1")
    assert [e["reason"] for e in json.loads(body)["items"]] == ["Scheduled"]


def test_quantities_of_built_in_kinds_are_strings_the_official_client_can_read(api_server) -> None:
    """A real API server canonicalises Quantities; the official client's Pod and Node models reject numbers."""
    store = api_server.store
    store.create(NAMESPACES, {"metadata": {"name": "quantities"}})
    container = {"name": "c", "image": "i", "resources": {"requests": {"nvidia.com/gpu": 4, "cpu": 0.5}}}
    store.create(PODS, {"metadata": {"name": "p"}, "spec": {"containers": [container]}}, "quantities")
    store.create(NODES, {"metadata": {"name": "n"}, "status": {"allocatable": {"nvidia.com/gpu": 4, "pods": 110}}})
    api = client.CoreV1Api(client.ApiClient(client.Configuration(host=api_server.url)))
    pod = api.read_namespaced_pod("p", "quantities")
    assert pod.spec.containers[0].resources.requests == {"nvidia.com/gpu": "4", "cpu": "500m"}
    assert api.read_node("n").status.allocatable == {"nvidia.com/gpu": "4", "pods": "110"}
