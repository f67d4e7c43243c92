"""What client-go's protobuf requests get from the embedded cluster: JSON (with the right Content-Type) wherever the
client offers it as the fallback, a 406 where it does not, and the protobuf bodies kubectl's typed commands send
(`kubectl drain`'s DeleteOptions, `kubectl create namespace`) decoded."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hyptui.hyperpod.kinds import NAMESPACES, NODES, PODS
from hyptui.sim.apiserver.protobuf_body import decode_protobuf_object
from hyptui.sim.kubeconfig import write_sim_kubeconfig
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.http_requests import pod_body, raw
from tests.sim.apiserver.kubectl_runs import kubectl_command, succeeded

TEAM = "team"
PROTOBUF_OR_JSON = "application/vnd.kubernetes.protobuf,application/json"


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    store = api_server.store
    store.create(NAMESPACES, {"metadata": {"name": TEAM}})
    store.create(NODES, {"metadata": {"name": "n1"}})
    store.create(PODS, {**pod_body("p0"), "spec": {"containers": [{"name": "c"}], "nodeName": "n1"}}, TEAM)
    return api_server


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        (f"/api/v1/namespaces/{TEAM}/pods/p0", PROTOBUF_OR_JSON, "application/json"),
        (
            f"/api/v1/namespaces/{TEAM}/events?fieldSelector=involvedObject.name%3Dp0",
            PROTOBUF_OR_JSON,
            "application/json",
        ),
        (
            "/api/v1/nodes",
            "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io",
            "application/json;as=Table;v=v1;g=meta.k8s.io",
        ),
        (
            "/apis",
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        ),
        ("/api/v1/pods?watch=true&timeoutSeconds=0.1", PROTOBUF_OR_JSON, "application/json"),
    ],
)
def test_protobuf_with_a_json_fallback_gets_json(
    cluster: RunningApiServer, path: str, accept: str, content_type: str
) -> None:
    code, headers, body = raw(cluster.url, "GET", path, headers={"Accept": accept})
    assert (code, headers["content-type"]) == (200, content_type)
    assert json.loads(body.split(b"\n")[0]), "the first (or only) document is JSON"


def test_protobuf_only_is_not_acceptable(cluster: RunningApiServer) -> None:
    code, headers, body = raw(
        cluster.url,
        "GET",
        f"/api/v1/namespaces/{TEAM}/pods/p0",
        headers={"Accept": "application/vnd.kubernetes.protobuf"},
    )
    assert (code, headers["content-type"], json.loads(body)["reason"]) == (406, "application/json", "NotAcceptable")
    assert raw(cluster.url, "GET", "/healthz", headers={"Accept": "application/vnd.kubernetes.protobuf"})[0] == 200


def test_kubectl_typed_commands_that_speak_protobuf(cluster: RunningApiServer, tmp_path: Path) -> None:
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", cluster.url)

    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(kubectl_command(kubeconfig, *args), capture_output=True, text=True, timeout=60)

    drained = kubectl("drain", "n1", "--force", "--timeout=30s")
    assert (succeeded(drained), drained.stderr) == (
        "node/n1 cordoned\npod/p0 deleted\nnode/n1 drained\n",
        f"Warning: deleting Pods that declare no controller: {TEAM}/p0\n",
    )
    assert cluster.store.list(PODS, TEAM)[0] == []
    assert cluster.store.get(NODES, None, "n1")["spec"]["unschedulable"] is True
    assert succeeded(kubectl("create", "namespace", "ns2")) == "namespace/ns2 created\n"
    assert succeeded(kubectl("events", "-n", TEAM)) == ""


def protobuf_field(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload


def test_delete_options_decode_from_protobuf() -> None:
    type_meta = protobuf_field(1, b"v1") + protobuf_field(2, b"DeleteOptions")
    options = (
        bytes([1 << 3, *[0xFF] * 9, 0x01])  # gracePeriodSeconds: -1 as a 10-byte varint
        + protobuf_field(2, protobuf_field(1, b"uid-1"))
        + bytes([3 << 3, 1])  # orphanDependents
        + protobuf_field(4, b"Foreground")
        + protobuf_field(5, b"All")
    )
    body = b"k8s\x00" + protobuf_field(1, type_meta) + protobuf_field(2, options)
    assert decode_protobuf_object(body) == {
        "apiVersion": "v1",
        "kind": "DeleteOptions",
        "gracePeriodSeconds": -1,
        "preconditions": {"uid": "uid-1"},
        "orphanDependents": True,
        "propagationPolicy": "Foreground",
        "dryRun": ["All"],
    }
