"""Unknown fields anywhere in an object, as the real API server treats them: kubectl's default `fieldValidation=Strict`
refuses them, Warn answers with Warning headers, Ignore drops them silently, server-side apply fails to type them; the
schemas are the ones `/openapi/v3` publishes (built-in kinds) and the CRDs' structural schemas (custom kinds)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hyptui.hyperpod.kinds import CLUSTER_QUEUES, NAMESPACES, PODS, WORKLOAD_PRIORITY_CLASSES
from hyptui.sim.apiserver import openapi
from hyptui.sim.apiserver.crds import custom_resource_definitions
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.field_validation import FieldValidation, check_apply_patch
from hyptui.sim.kubeconfig import write_sim_kubeconfig
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.http_requests import raw
from tests.sim.apiserver.kubectl_runs import kubectl_command, succeeded

Kubectl = Callable[..., subprocess.CompletedProcess[str]]

POD = """apiVersion: v1
kind: Pod
metadata: {name: NAME}
spec:
  containers: [{name: c, image: i, imagee: x}]
  foo: 1
"""
QUEUE = """apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: cq1}
spec:
  cohortName: all
  resourceGroups:
  - coveredResources: [cpu]
    flavors: [{name: f, resources: [{name: cpu, nominalQuota: 9}]}]
    extra: {z: 1}
  foo: 1
"""
NAMESPACE = "hyperpod-ns-alpha"


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    api_server.store.create(NAMESPACES, {"metadata": {"name": NAMESPACE}})
    return api_server


@pytest.fixture
def kubectl(cluster: RunningApiServer, tmp_path: Path) -> Kubectl:
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", cluster.url)

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        command = kubectl_command(kubeconfig, *args)
        return subprocess.run(command, input=input, capture_output=True, text=True, timeout=60)

    return run


def pod(name: str) -> str:
    return POD.replace("NAME", name)


def test_strict_refuses_unknown_fields_inside_a_pod_spec(cluster: RunningApiServer, kubectl: Kubectl) -> None:
    refused = kubectl("create", "-n", NAMESPACE, "-f", "-", input=pod("p1"))
    assert refused.stderr == (
        'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: '
        'strict decoding error: unknown field "spec.containers[0].imagee", unknown field "spec.foo"\n'
    )
    assert cluster.store.list(PODS, NAMESPACE)[0] == []


def test_warn_creates_without_the_unknown_fields_and_says_so(cluster: RunningApiServer, kubectl: Kubectl) -> None:
    warned = kubectl("create", "--validate=warn", "-n", NAMESPACE, "-f", "-", input=pod("p1"))
    assert (warned.stdout, warned.stderr) == (
        "pod/p1 created\n",
        'Warning: unknown field "spec.containers[0].imagee"\nWarning: unknown field "spec.foo"\n',
    )
    assert cluster.store.get(PODS, NAMESPACE, "p1")["spec"] == {"containers": [{"name": "c", "image": "i"}]}
    ignored = kubectl("apply", "--validate=false", "-n", NAMESPACE, "-f", "-", input=pod("p2"))
    assert (ignored.stdout, ignored.stderr) == ("pod/p2 created\n", "")
    assert "foo" not in cluster.store.get(PODS, NAMESPACE, "p2")["spec"]


def test_custom_resources_follow_their_structural_schema(cluster: RunningApiServer, kubectl: Kubectl) -> None:
    refused = kubectl("apply", "-f", "-", input=QUEUE)
    assert refused.stderr == (
        'Error from server (BadRequest): error when creating "STDIN": ClusterQueue in version "v1beta2" cannot be '
        'handled as a ClusterQueue: strict decoding error: unknown field "spec.foo"\n'
    )
    assert cluster.store.list(CLUSTER_QUEUES)[0] == []
    # Below the declared fields the schema preserves unknown fields: anything goes there.
    assert succeeded(kubectl("apply", "-f", "-", input=QUEUE.replace("  foo: 1\n", ""))) == (
        "clusterqueue.kueue.x-k8s.io/cq1 created\n"
    )
    assert cluster.store.get(CLUSTER_QUEUES, None, "cq1")["spec"]["resourceGroups"][0]["extra"] == {"z": 1}


def test_server_side_apply_cannot_type_an_unknown_field(cluster: RunningApiServer, kubectl: Kubectl) -> None:
    assert kubectl("apply", "--server-side", "-n", NAMESPACE, "-f", "-", input=pod("p3")).stderr == (
        f"Error from server: failed to create typed patch object ({NAMESPACE}/p3; /v1, Kind=Pod): "
        '.spec.containers[name="c"].imagee: field not declared in schema\n'
    )
    assert kubectl("apply", "--server-side", "-f", "-", input=QUEUE).stderr == (
        "Error from server: failed to create typed patch object (/cq1; kueue.x-k8s.io/v1beta2, Kind=ClusterQueue): "
        ".spec.foo: field not declared in schema\n"
    )
    assert cluster.store.list(CLUSTER_QUEUES)[0] == []


def test_the_official_client_gets_warnings_by_default(cluster: RunningApiServer) -> None:
    body = {"metadata": {"name": "p4", "colour": "blue"}, "spec": {"containers": [{"name": "c", "imagee": "x"}]}}
    code, headers, reply = raw(cluster.url, "POST", f"/api/v1/namespaces/{NAMESPACE}/pods", body)
    assert code == 201 and json.loads(reply)["metadata"] == cluster.store.get(PODS, NAMESPACE, "p4")["metadata"]
    assert "colour" not in json.loads(reply)["metadata"]
    code, headers, _ = raw(
        cluster.url,
        "PATCH",
        f"/api/v1/namespaces/{NAMESPACE}/pods/p4",
        {"spec": {"containers": [{"name": "c", "imagee": "y"}]}},
        {"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert code == 200 and headers["warning"] == '299 - "unknown field \\"spec.containers[0].imagee\\""'
    code, _, reply = raw(
        cluster.url,
        "PATCH",
        f"/api/v1/namespaces/{NAMESPACE}/pods/p4?fieldValidation=Strict",
        {"spec": {"containers": [{"name": "c", "imagee": "y"}]}},
        {"Content-Type": "application/merge-patch+json"},
    )
    assert (code, json.loads(reply)["message"]) == (
        400,
        'strict decoding error: unknown field "spec.containers[0].imagee"',
    )


def test_explain_reads_the_published_schemas(kubectl: Kubectl) -> None:
    assert "FIELD: image <string>" in succeeded(kubectl("explain", "pod.spec.containers.image"))
    assert "cohortName" in succeeded(kubectl("explain", "clusterqueue.spec"))


def unknown(kind: Any, obj: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    validation = FieldValidation(kind, "Warn")
    return validation.decoded(obj), validation.warnings


def test_unknown_fields_are_found_at_every_depth_of_a_built_in_kind() -> None:
    kept, warnings = unknown(
        PODS,
        {
            "metadata": {"name": "p", "labels": {"any": "label"}, "x": 1},
            "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80, "y": 2}]}], "overhead": {"cpu": "1"}},
            "status": {"phase": "Running", "z": 3},
        },
    )
    assert warnings == [
        'unknown field "metadata.x"',
        'unknown field "spec.containers[0].ports[0].y"',
        'unknown field "status.z"',
    ]
    assert kept == {
        "metadata": {"name": "p", "labels": {"any": "label"}},
        "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}], "overhead": {"cpu": "1"}},
        "status": {"phase": "Running"},
    }


def test_custom_kinds_report_sorted_fields_then_metadata() -> None:
    _, warnings = unknown(CLUSTER_QUEUES, {"metadata": {"name": "q", "m": 1}, "z": 1, "spec": {"y": 1, "x": 1}})
    assert warnings == [
        'unknown field "spec.x"',
        'unknown field "spec.y"',
        'unknown field "z"',
        'unknown field "metadata.m"',
    ]
    assert unknown(WORKLOAD_PRIORITY_CLASSES, {"metadata": {"name": "w"}, "value": 1, "spec": {}})[1] == [
        'unknown field "spec"'
    ]


def test_apply_patch_paths_name_keyed_list_elements() -> None:
    try:
        check_apply_patch(PODS, {"spec": {"containers": [{"name": "c", "env": [{"name": "E", "q": 1}]}]}}, "ns", "p")
    except ApiError as error:
        assert (error.code, error.message) == (
            500,
            'failed to create typed patch object (ns/p; /v1, Kind=Pod): .spec.containers[name="c"].env[name="E"].q: '
            "field not declared in schema",
        )
    else:
        raise AssertionError("an undeclared field was applied")


def test_crds_and_openapi_carry_the_same_schema() -> None:
    definitions = {crd["metadata"]["name"]: crd for crd in custom_resource_definitions([CLUSTER_QUEUES], "now")}
    schema = definitions["clusterqueues.kueue.x-k8s.io"]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert schema["properties"]["spec"]["properties"]["resourceGroups"] == {
        "x-kubernetes-preserve-unknown-fields": True
    }
    document = openapi.group_version_document("apis/kueue.x-k8s.io/v1beta2")
    assert document is not None
    published = document["components"]["schemas"]["io.x-k8s.kueue.v1beta2.ClusterQueue"]
    assert published["properties"]["spec"] == schema["properties"]["spec"]
    assert published["properties"]["metadata"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    }
    core = openapi.group_version_document("api/v1")
    assert core is not None and "io.k8s.api.core.v1.PodSpec" in core["components"]["schemas"]
