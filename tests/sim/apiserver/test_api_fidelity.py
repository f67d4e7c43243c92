"""The API server's answers beyond plain CRUD, over raw HTTP: Table rendering, OpenAPI, CRDs, the events.k8s.io view,
consistent list chunks, optimistic concurrency and generation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, PODS
from tests.sim.api_server import SIM_START, RunningApiServer
from tests.sim.apiserver.http_requests import job_body, pod_body, raw

TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)
JOBS = "/apis/sagemaker.amazonaws.com/v1/namespaces/team/hyperpodpytorchjobs"


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    api_server.store.create(NAMESPACES, {"metadata": {"name": "team"}})
    return api_server


def get_json(cluster: RunningApiServer, path: str, accept: str = "application/json") -> tuple[int, Any]:
    code, _, body = raw(cluster.url, "GET", path, headers={"Accept": accept})
    return code, json.loads(body)


def send(cluster: RunningApiServer, method: str, path: str, body: Any, content_type: str = "application/json") -> Any:
    code, _, reply = raw(cluster.url, method, path, body, {"Content-Type": content_type})
    return code, json.loads(reply)


def test_table_rows_carry_metadata_or_whole_objects(cluster: RunningApiServer) -> None:
    cluster.store.create(PODS, pod_body("p1", {"app": "x"}), "team")
    code, headers, body = raw(cluster.url, "GET", "/api/v1/namespaces/team/pods", headers={"Accept": TABLE_ACCEPT})
    table = json.loads(body)
    assert (code, headers["content-type"]) == (200, "application/json;as=Table;v=v1;g=meta.k8s.io")
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
    ]
    (row,) = table["rows"]
    assert row["cells"] == ["p1", "0/1", "Pending", "0", "0s", "<none>", "<none>", "<none>", "<none>"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["labels"] == {"app": "x"}
    _, with_objects = get_json(cluster, "/api/v1/namespaces/team/pods?includeObject=Object", TABLE_ACCEPT)
    assert with_objects["rows"][0]["object"]["spec"]["containers"][0]["name"] == "main"
    _, bare = get_json(cluster, "/api/v1/namespaces/team/pods?includeObject=None", TABLE_ACCEPT)
    assert "object" not in bare["rows"][0]
    code, refused = get_json(cluster, "/api/v1/namespaces/team/pods?includeObject=All", TABLE_ACCEPT)
    assert (code, refused["reason"]) == (400, "BadRequest")
    _, older = get_json(cluster, "/api/v1/pods", "application/json;as=Table;v=v1beta1;g=meta.k8s.io")
    assert older["apiVersion"] == "meta.k8s.io/v1beta1"


def test_custom_resource_printer_columns(cluster: RunningApiServer) -> None:
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    cluster.store.mutate(
        HYPERPOD_PYTORCH_JOBS,
        "team",
        "j1",
        lambda job: job.update(status={"conditions": [{"type": "Created"}, {"type": "Running"}], "restartCount": 2}),
    )
    cluster.store.clock.advance(3 * 3600 + 120)
    _, table = get_json(cluster, JOBS, TABLE_ACCEPT)
    assert [(c["name"], c["type"], c["priority"]) for c in table["columnDefinitions"]] == [
        ("Name", "string", 0),
        ("State", "string", 0),
        ("Age", "date", 0),
        ("Restarts", "integer", 1),
    ]
    assert table["rows"][0]["cells"] == ["j1", "Running", "3h2m", 2]


def test_table_watch_sends_column_definitions_once(cluster: RunningApiServer) -> None:
    cluster.store.create(PODS, pod_body("p1"), "team")
    cluster.store.create(PODS, pod_body("p2"), "team")
    code, _, body = raw(
        cluster.url,
        "GET",
        "/api/v1/namespaces/team/pods?watch=true&timeoutSeconds=0.3",
        headers={"Accept": TABLE_ACCEPT},
    )
    events = [json.loads(line) for line in body.splitlines()]
    assert code == 200 and [event["type"] for event in events] == ["ADDED", "ADDED"]
    first, second = (event["object"] for event in events)
    assert first["kind"] == "Table" and len(first["columnDefinitions"]) == 9
    assert second["columnDefinitions"] is None
    assert [first["rows"][0]["cells"][0], second["rows"][0]["cells"][0]] == ["p1", "p2"]


def test_openapi_names_every_kind_with_field_validation(cluster: RunningApiServer) -> None:
    code, index = get_json(cluster, "/openapi/v3")
    assert code == 200
    assert set(index["paths"]) == {
        "api/v1",
        "apis/sagemaker.amazonaws.com/v1",
        "apis/kueue.x-k8s.io/v1beta2",
        "apis/kueue.x-k8s.io/v1beta1",
        "apis/events.k8s.io/v1",
        "apis/apiextensions.k8s.io/v1",
        "apis/workspace.jupyter.org/v1alpha1",
        "apis/connection.workspace.jupyter.org/v1alpha1",
        "apis/inference.sagemaker.aws.amazon.com/v1",
    }
    code, document = get_json(cluster, index["paths"]["apis/sagemaker.amazonaws.com/v1"]["serverRelativeURL"])
    assert code == 200
    (path,) = document["paths"].values()
    patch = path["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {
        "group": "sagemaker.amazonaws.com",
        "version": "v1",
        "kind": "HyperPodPyTorchJob",
    }
    assert "fieldValidation" in [parameter["name"] for parameter in patch["parameters"]]
    assert "application/strategic-merge-patch+json" not in patch["requestBody"]["content"]
    assert get_json(cluster, "/openapi/v3/apis/nothing/v1")[0] == 404
    assert get_json(cluster, "/openapi/v2")[0] == 404


def test_custom_resource_definitions_are_listed_read_only(cluster: RunningApiServer) -> None:
    crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    _, listing = get_json(cluster, crds)
    assert [item["metadata"]["name"] for item in listing["items"]] == [
        "clusterqueues.kueue.x-k8s.io",
        "hyperpodpytorchjobs.sagemaker.amazonaws.com",
        "inferenceendpointconfigs.inference.sagemaker.aws.amazon.com",
        "jumpstartmodels.inference.sagemaker.aws.amazon.com",
        "localqueues.kueue.x-k8s.io",
        "resourceflavors.kueue.x-k8s.io",
        "sagemakerendpointregistrations.inference.sagemaker.aws.amazon.com",
        "workloadpriorityclasses.kueue.x-k8s.io",
        "workloads.kueue.x-k8s.io",
        "workspaces.workspace.jupyter.org",
        "workspacetemplates.workspace.jupyter.org",
    ]
    crd = listing["items"][1]
    assert crd["spec"]["names"]["shortNames"] == ["hpjob"]
    (version,) = crd["spec"]["versions"]
    assert version["subresources"] == {"status": {}}
    assert version["additionalPrinterColumns"][0] == {
        "name": "State",
        "type": "string",
        "jsonPath": ".status.conditions[-1:].type",
        "description": "The latest condition of the job",
    }
    assert get_json(cluster, f"{crds}/hyperpodpytorchjobs.sagemaker.amazonaws.com")[0] == 200
    code, missing = get_json(cluster, f"{crds}/widgets.example.com")
    assert (code, missing["message"]) == (
        404,
        'customresourcedefinitions.apiextensions.k8s.io "widgets.example.com" not found',
    )
    assert send(cluster, "POST", crds, crd)[0] == 405


def test_events_are_served_in_both_apis(cluster: RunningApiServer) -> None:
    pod = cluster.store.create(PODS, pod_body("p1"), "team")
    regarding = {"apiVersion": "v1", "kind": "Pod", "name": "p1", "namespace": "team", "uid": pod["metadata"]["uid"]}
    new_style = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "p1.1"},
        "eventTime": "2025-01-01T00:00:00.000000Z",
        "reportingController": "kueue-admission",
        "reportingInstance": "kueue-controller-0",
        "action": "Admit",
        "reason": "Admitted",
        "regarding": regarding,
        "note": "Admitted by ClusterQueue cq",
        "type": "Normal",
    }
    code, created = send(cluster, "POST", "/apis/events.k8s.io/v1/namespaces/team/events", new_style)
    assert code == 201 and created["note"] == "Admitted by ClusterQueue cq"
    core = cluster.store.get(EVENTS, "team", "p1.1")
    assert (core["message"], core["involvedObject"]["name"], core["reportingComponent"]) == (
        "Admitted by ClusterQueue cq",
        "p1",
        "kueue-admission",
    )
    old_style = {
        "metadata": {"name": "p1.2"},
        "involvedObject": regarding,
        "reason": "Pulled",
        "message": "pulled",
        "source": {"component": "kubelet"},
        "firstTimestamp": rfc3339(SIM_START),
        "lastTimestamp": rfc3339(SIM_START),
        "count": 3,
        "type": "Normal",
    }
    cluster.store.create(EVENTS, old_style, "team")
    selector = "?fieldSelector=regarding.name%3Dp1,reason%3DPulled"
    _, listing = get_json(cluster, f"/apis/events.k8s.io/v1/namespaces/team/events{selector}")
    (viewed,) = listing["items"]
    assert (viewed["apiVersion"], viewed["note"], viewed["deprecatedCount"]) == ("events.k8s.io/v1", "pulled", 3)
    assert viewed["deprecatedSource"] == {"component": "kubelet"} and viewed["eventTime"] is None
    code, patched = send(
        cluster,
        "PATCH",
        "/apis/events.k8s.io/v1/namespaces/team/events/p1.2",
        {"note": "again"},
        "application/merge-patch+json",
    )
    assert code == 200 and patched["note"] == "again"
    assert cluster.store.get(EVENTS, "team", "p1.2")["message"] == "again"
    # Server-side apply works on the events.k8s.io view as on any built-in resource: it creates, then merges.
    apply = "/apis/events.k8s.io/v1/namespaces/team/events/p1.3?fieldManager=me"
    code, refused = send(cluster, "PATCH", apply, new_style, "application/apply-patch+yaml")
    assert (code, refused["message"]) == (
        400,
        "the name of the object (p1.1) does not match the name on the URL (p1.3)",
    )
    applied = {**new_style, "metadata": {"name": "p1.3"}}
    code, created = send(cluster, "PATCH", apply, applied, "application/apply-patch+yaml")
    assert code == 200 and created["note"] == "Admitted by ClusterQueue cq"
    code, reapplied = send(cluster, "PATCH", apply, {**applied, "note": "again"}, "application/apply-patch+yaml")
    assert (code, reapplied["note"]) == (200, "again") and cluster.store.get(EVENTS, "team", "p1.3")[
        "message"
    ] == "again"
    code, refused = send(cluster, "PATCH", apply, {**applied, "notes": "x"}, "application/apply-patch+yaml")
    assert (code, refused["message"]) == (
        500,
        "failed to create typed patch object (team/p1.3; events.k8s.io/v1, Kind=Event): .notes: field not declared in "
        "schema",
    )
    assert [event["metadata"]["name"] for event in cluster.store.list(EVENTS, "team")[0]] == ["p1.1", "p1.2", "p1.3"]
    _, table = get_json(cluster, "/api/v1/namespaces/team/events", TABLE_ACCEPT)
    assert [row["cells"][3] for row in table["rows"]] == ["pod/p1", "pod/p1", "pod/p1"]


def test_list_chunks_come_from_one_snapshot(cluster: RunningApiServer) -> None:
    for name in ("a", "b", "c"):
        cluster.store.create(PODS, pod_body(name), "team")
    _, first = get_json(cluster, "/api/v1/namespaces/team/pods?limit=1")
    cluster.store.delete(PODS, "team", "b")
    cluster.store.create(PODS, pod_body("bb"), "team")
    token = first["metadata"]["continue"]
    _, rest = get_json(cluster, f"/api/v1/namespaces/team/pods?limit=5&continue={token}")
    assert [item["metadata"]["name"] for item in rest["items"]] == ["b", "c"]
    assert rest["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    _, fresh = get_json(cluster, "/api/v1/namespaces/team/pods")
    assert [item["metadata"]["name"] for item in fresh["items"]] == ["a", "bb", "c"]


def test_optimistic_concurrency_and_generation(cluster: RunningApiServer) -> None:
    created = cluster.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    stale = {**created, "spec": {"nprocPerNode": "5"}}
    current = send(cluster, "PUT", f"{JOBS}/j1", stale)[1]
    assert current["metadata"]["generation"] == 2
    code, conflict = send(cluster, "PUT", f"{JOBS}/j1", {**stale, "spec": {"nprocPerNode": "6"}})
    assert (code, conflict["reason"], conflict["message"]) == (
        409,
        "Conflict",
        'Operation cannot be fulfilled on hyperpodpytorchjobs.sagemaker.amazonaws.com "j1": the object has been '
        "modified; please apply your changes to the latest version and try again",
    )
    without_version = {**current, "metadata": {"name": "j1"}}
    code, invalid = send(cluster, "PUT", f"{JOBS}/j1", without_version)
    assert (code, invalid["message"]) == (
        422,
        'hyperpodpytorchjobs.sagemaker.amazonaws.com "j1" is invalid: metadata.resourceVersion: Invalid value: 0x0: '
        "must be specified for an update",
    )
    status = {**current, "status": {"restartCount": 1}}
    after_status = send(cluster, "PUT", f"{JOBS}/j1/status", status)[1]
    labelled = send(
        cluster, "PATCH", f"{JOBS}/j1", {"metadata": {"labels": {"a": "b"}}}, "application/merge-patch+json"
    )[1]
    assert (after_status["metadata"]["generation"], labelled["metadata"]["generation"]) == (2, 2)
    assert labelled["status"] == {"restartCount": 1}
