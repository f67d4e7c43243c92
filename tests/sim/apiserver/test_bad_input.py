"""Bad requests get the codes and Status reasons a real API server gives, change nothing, and never bring the server
down: targeted cases first, then a seeded fuzz over methods, paths, queries, headers and bodies."""

from __future__ import annotations

import http.client
import json
import random
import socket
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, PODS
from hyptui.sim.apiserver.protobuf_body import PROTOBUF
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.http_requests import job_body, pod_body, raw

PODS_PATH = "/api/v1/namespaces/team/pods"
JOBS_PATH = "/apis/sagemaker.amazonaws.com/v1/namespaces/team/hyperpodpytorchjobs"


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    api_server.store.create(NAMESPACES, {"metadata": {"name": "team"}})
    api_server.store.create(PODS, pod_body("p1"), "team")
    api_server.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    return api_server


def request(
    cluster: RunningApiServer, method: str, path: str, body: Any = None, content_type: str = "application/json"
) -> tuple[int, dict[str, Any]]:
    code, headers, reply = raw(cluster.url, method, path, body, {"Content-Type": content_type})
    assert headers["content-type"] == "application/json"
    status = json.loads(reply)
    return code, status


def refused(cluster: RunningApiServer, method: str, path: str, body: Any = None, **kwargs: str) -> dict[str, Any]:
    """The request fails with a well-formed Status, and the store did not move."""
    before = cluster.store.resource_version
    code, status = request(cluster, method, path, body, **kwargs)
    assert code >= 400
    assert (status["kind"], status["status"], status["code"]) == ("Status", "Failure", code)
    assert cluster.store.resource_version == before
    return status


def test_malformed_bodies_are_400(cluster: RunningApiServer) -> None:
    status = refused(cluster, "POST", PODS_PATH, b'{"metadata": ')
    assert status["reason"] == "BadRequest"
    assert refused(cluster, "POST", PODS_PATH, b"a: [", content_type="application/yaml")["reason"] == "BadRequest"
    assert refused(cluster, "POST", PODS_PATH, b"[1, 2]")["code"] == 400
    wrong_type = refused(cluster, "POST", PODS_PATH, {"metadata": {"name": "p2", "labels": ["a"]}})
    assert wrong_type["message"] == (
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field '
        "Pod.metadata.labels of type map[string]string"
    )
    assert refused(cluster, "PUT", f"{PODS_PATH}/p1", {"metadata": "p1"})["code"] == 400
    merge = "application/merge-patch+json"
    assert refused(cluster, "PATCH", f"{PODS_PATH}/p1", {"spec": 5}, content_type=merge)["code"] == 400
    assert refused(cluster, "PATCH", f"{PODS_PATH}/p1", b"{", content_type=merge)["code"] == 400
    apply = "application/apply-patch+yaml"
    without_manager = refused(cluster, "PATCH", f"{PODS_PATH}/p1", pod_body("p1"), content_type=apply)
    assert without_manager["message"] == (
        "PATCH requests of type application/apply-patch+yaml require the fieldManager parameter"
    )


def test_invalid_names_are_422(cluster: RunningApiServer) -> None:
    status = refused(cluster, "POST", "/api/v1/namespaces", {"metadata": {"name": "team.a"}})
    assert (status["reason"], status["details"]["causes"][0]["field"]) == ("Invalid", "metadata.name")
    assert status["message"].startswith('Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": ')
    assert "RFC 1123 label" in status["message"]
    long_name = "a" * 254
    too_long = refused(cluster, "POST", PODS_PATH, pod_body(long_name))
    assert f'metadata.name: Invalid value: "{long_name}": must be no more than 253 characters' in too_long["message"]
    job = refused(cluster, "POST", JOBS_PATH, job_body("Llama"))
    assert job["message"].startswith('hyperpodpytorchjobs.sagemaker.amazonaws.com "Llama" is invalid: metadata.name')
    code, dotted = request(cluster, "POST", PODS_PATH, pod_body("worker.0"))
    assert (code, dotted["metadata"]["name"]) == (201, "worker.0")


def test_unknown_fields_only_fail_strict_validation(cluster: RunningApiServer) -> None:
    body = {**job_body("j2"), "extra": 1, "metadata": {"name": "j2", "colour": "blue"}}
    status = refused(cluster, "POST", f"{JOBS_PATH}?fieldValidation=Strict", body)
    assert status["message"] == (
        'HyperPodPyTorchJob in version "v1" cannot be handled as a HyperPodPyTorchJob: strict decoding error: '
        'unknown field "extra", unknown field "metadata.colour"'
    )
    patch = refused(
        cluster,
        "PATCH",
        f"{PODS_PATH}/p1?fieldValidation=Strict",
        {"metadata": {"colour": "blue"}},
        content_type="application/merge-patch+json",
    )
    assert patch["message"] == 'strict decoding error: unknown field "metadata.colour"'
    code, _ = request(cluster, "POST", f"{JOBS_PATH}?fieldValidation=Warn", body)
    assert code == 201


def test_unknown_paths_and_verbs(cluster: RunningApiServer) -> None:
    for path in ("/api/v1/widgets", "/apis/example.com/v1/widgets", "/api/v2/pods", "/api/v1/namespaces/team/nodes/x"):
        missing = refused(cluster, "GET", path)
        assert (missing["code"], missing["message"]) == (404, "the server could not find the requested resource")
    for method, path in (("POST", f"{PODS_PATH}/p1"), ("PUT", PODS_PATH), ("DELETE", f"{PODS_PATH}/p1/status")):
        not_allowed = refused(cluster, method, path, pod_body("p1"))
        assert (not_allowed["code"], not_allowed["reason"]) == (405, "MethodNotAllowed")
    assert refused(cluster, "POST", "/version", {})["code"] == 405
    assert refused(cluster, "GET", f"{PODS_PATH}?labelSelector=a%20in%20(b")["reason"] == "BadRequest"
    assert refused(cluster, "GET", f"{PODS_PATH}?fieldSelector=spec.x%3Dy")["message"] == (
        "field label not supported: spec.x"
    )
    assert refused(cluster, "GET", f"{PODS_PATH}?limit=ten")["code"] == 400


def test_protobuf_bodies(cluster: RunningApiServer) -> None:
    # The exact bytes `kubectl create namespace research` sends: runtime.Unknown{TypeMeta, Raw(Namespace)}.
    envelope = (
        b'k8s\x00\n\x0f\n\x02v1\x12\tNamespace\x12 \n\x18\n\x08research\x12\x00\x1a\x00"\x00*\x002\x008\x00B\x00'
        b'\x12\x00\x1a\x02\n\x00\x1a\x00"\x00'
    )
    code, created = request(cluster, "POST", "/api/v1/namespaces", envelope, content_type=PROTOBUF)
    assert (code, created["metadata"]["name"]) == (201, "research")
    pod_type = b"\n\x02v1\x12\x03Pod"
    pod_envelope = b"k8s\x00\n" + bytes([len(pod_type)]) + pod_type + b"\x12\x00"
    assert refused(cluster, "POST", PODS_PATH, pod_envelope, content_type=PROTOBUF)["code"] == 415
    assert refused(cluster, "POST", "/api/v1/namespaces", b"k8s\x00\n\xff", content_type=PROTOBUF)["code"] == 400


# ---- fuzz

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")
_PATHS = (
    "/",
    "/api",
    "/apis",
    "/api/v1",
    "/version",
    "/healthz",
    "/openapi/v3",
    "/openapi/v3/api/v1",
    "/api/v1/namespaces",
    "/api/v1/namespaces/team",
    "/api/v1/namespaces/team/status",
    PODS_PATH,
    f"{PODS_PATH}/p1",
    f"{PODS_PATH}/p1/status",
    f"{PODS_PATH}/p1/log",
    f"{PODS_PATH}/p1/exec",
    "/api/v1/pods",
    "/api/v1/nodes",
    "/api/v1/watch/pods",
    "/api/v1/namespaces/team/events",
    "/apis/events.k8s.io/v1/events",
    JOBS_PATH,
    f"{JOBS_PATH}/j1",
    f"{JOBS_PATH}/j1/status",
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    "/apis/sagemaker.amazonaws.com",
)
_QUERY_KEYS = (
    "labelSelector",
    "fieldSelector",
    "limit",
    "continue",
    "resourceVersion",
    "includeObject",
    "fieldValidation",
    "fieldManager",
    "propagationPolicy",
    "tailLines",
    "sinceSeconds",
    "sinceTime",
    "container",
    "previous",
    "timestamps",
    "limitBytes",
    "orphanDependents",
)
_QUERY_VALUES = (
    "",
    "0",
    "1",
    "-1",
    "x",
    "a=b",
    "a in (b",
    "!",
    "Strict",
    "Object",
    "true",
    "9" * 30,
    "%ZZ",
    "%C3%A9",
    "%00",
    "(",
)
_CONTENT_TYPES = (
    "application/json",
    "application/yaml",
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
    PROTOBUF,
    "text/plain",
)
_ACCEPTS = (
    "application/json",
    "application/json;as=Table;v=v1;g=meta.k8s.io",
    "*/*",
    "application/vnd.kubernetes.protobuf",
)


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 3 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([0, -1, 2**40, 1.5])
    if choice in (3, 4):
        return rng.choice(["", "p1", "Bad_Name", "team", "v1", "Pod", "x" * 300, "\u0000", "/status"])
    if choice in (5, 6):
        keys = ["metadata", "spec", "status", "name", "labels", "apiVersion", "kind", "op", "path", "value", "$patch"]
        return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return [_random_value(rng, depth + 1) for _ in range(rng.randrange(3))]


def _random_body(rng: random.Random) -> bytes:
    choice = rng.randrange(6)
    if choice == 0:
        return b""
    if choice == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    if choice == 2:
        base = {**pod_body(rng.choice(["p1", "p9", "Bad", ""]))}
        base["metadata"][rng.choice(["labels", "name", "namespace", "finalizers"])] = _random_value(rng)
        return json.dumps(base).encode()
    return json.dumps(_random_value(rng)).encode()


def _random_query(rng: random.Random) -> str:
    pairs = [f"{rng.choice(_QUERY_KEYS)}={quote(rng.choice(_QUERY_VALUES))}" for _ in range(rng.randrange(4))]
    if rng.random() < 0.1:
        pairs.append("watch=true")
    pairs.append("timeoutSeconds=0.05")  # watch streams end by themselves, so the fuzz never hangs
    rng.shuffle(pairs)
    return "?" + "&".join(pairs)


def test_fuzzed_requests_always_get_a_well_formed_answer(cluster: RunningApiServer) -> None:
    rng = random.Random(20250101)
    host = urlsplit(cluster.url).netloc
    for attempt in range(400):
        method = rng.choice(_METHODS)
        path = rng.choice(_PATHS) + _random_query(rng)
        body = _random_body(rng)
        headers = {"Content-Type": rng.choice(_CONTENT_TYPES), "Accept": rng.choice(_ACCEPTS)}
        before = cluster.store.resource_version
        connection = http.client.HTTPConnection(host, timeout=10)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        where = f"request {attempt}: {method} {path} {body[:80]!r}"
        assert 200 <= response.status < 600 and response.status != 500, where
        if response.status >= 400 and method != "HEAD":
            status = json.loads(payload)
            assert (status["kind"], status["code"]) == ("Status", response.status), where
            assert cluster.store.resource_version == before, where
    for line in (b"GARBAGE\r\n\r\n", b"GET /api/v1/pods HTTP/1.1\r\nContent-Length: x\r\n\r\n", b"\xff\xfe\r\n\r\n"):
        address = urlsplit(cluster.url)
        with socket.create_connection((address.hostname, address.port), timeout=5) as raw_socket:
            raw_socket.sendall(line)
            reply = b""
            while chunk := raw_socket.recv(65536):  # the server closes the connection after a malformed request
                reply += chunk
            head, _, body = reply.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400"), line
            assert json.loads(body)["kind"] == "Status"
    assert raw(cluster.url, "GET", "/healthz")[0] == 200
