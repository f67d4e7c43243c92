"""The embedded API server refuses what kube-apiserver refuses — bodies over 3 MiB, annotations over 256 KiB, media
types it cannot decode, numbers JSON cannot carry, YAML alias bombs, bad label keys, continue tokens it never issued,
bad pod log options — with the real codes and messages, stores nothing, and answers a burst of clients."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, PODS
from hyptui.sim.apiserver.request_bodies import MAX_BODY_BYTES
from hyptui.sim.apiserver.validation import ANNOTATIONS_SIZE_LIMIT
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.http_requests import job_body, pod_body, raw
from tests.sim.apiserver.test_bad_input import refused

PODS_PATH = "/api/v1/namespaces/team/pods"
JOBS_PATH = "/apis/sagemaker.amazonaws.com/v1/namespaces/team/hyperpodpytorchjobs"
TOO_LARGE = f"Request entity too large: limit is {MAX_BODY_BYTES}"
CHUNKED_POST = (
    f"POST {PODS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
).encode()


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    """A namespace with a pod and a job in it (as test_bad_input's cluster)."""
    api_server.store.create(NAMESPACES, {"metadata": {"name": "team"}})
    api_server.store.create(PODS, pod_body("p1"), "team")
    api_server.store.create(HYPERPOD_PYTORCH_JOBS, job_body("j1"), "team")
    return api_server


def annotated_pod(name: str, annotations: dict[str, str]) -> dict[str, Any]:
    body = pod_body(name)
    body["metadata"]["annotations"] = annotations
    return body


def exchange(cluster: RunningApiServer, request: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    """Send hand-written HTTP (framing the client library would not send) and read the Status that answers it."""
    host, port = urlsplit(cluster.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(response.read())


# ---- body size


def test_a_body_over_3_mib_is_413_and_nothing_is_stored(cluster: RunningApiServer) -> None:
    body = annotated_pod("big", {"blob": "x" * MAX_BODY_BYTES})
    status = refused(cluster, "POST", PODS_PATH, body)
    assert (status["reason"], status["message"]) == ("RequestEntityTooLarge", TOO_LARGE)
    assert raw(cluster.url, "GET", f"{PODS_PATH}/big")[0] == 404
    merge = "application/merge-patch+json"
    patch = {"metadata": {"annotations": {"blob": "x" * (20 * 1024 * 1024)}}}
    assert refused(cluster, "PATCH", f"{PODS_PATH}/p1", patch, content_type=merge)["code"] == 413


def test_a_declared_terabyte_is_refused_without_reading_it(cluster: RunningApiServer) -> None:
    request = (
        f"POST {PODS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {1 << 40}\r\n\r\n"
    ).encode()
    code, headers, status = exchange(cluster, request)
    assert (code, status["message"], headers["connection"]) == (413, TOO_LARGE, "close")


def test_a_chunked_body_over_3_mib_is_413(cluster: RunningApiServer) -> None:
    payload = json.dumps(annotated_pod("chunky", {"blob": "x" * MAX_BODY_BYTES})).encode()
    mib = 1 << 20
    pieces = [payload[start : start + mib] for start in range(0, len(payload), mib)]
    chunks = b"".join(f"{len(piece):X}\r\n".encode() + piece + b"\r\n" for piece in pieces) + b"0\r\n\r\n"
    code, _, status = exchange(cluster, CHUNKED_POST + chunks)
    assert (code, status["reason"]) == (413, "RequestEntityTooLarge")
    assert raw(cluster.url, "GET", f"{PODS_PATH}/chunky")[0] == 404


def test_a_negative_chunk_size_is_400_not_a_read_to_the_end(cluster: RunningApiServer) -> None:
    code, _, status = exchange(cluster, CHUNKED_POST + b"-5\r\n")
    assert (code, status["message"]) == (400, "invalid chunked request body")


# ---- annotations and labels


def test_annotations_over_256_kib_are_422(cluster: RunningApiServer) -> None:
    at_limit = {"a": "x" * (ANNOTATIONS_SIZE_LIMIT - 1)}  # key and value bytes together
    assert raw(cluster.url, "POST", PODS_PATH, annotated_pod("fits", at_limit))[0] == 201
    over = {"a": "x" * ANNOTATIONS_SIZE_LIMIT}
    status = refused(cluster, "POST", PODS_PATH, annotated_pod("over", over))
    assert status["message"] == 'Pod "over" is invalid: metadata.annotations: Too long: must have at most 262144 bytes'
    assert status["details"]["causes"] == [
        {
            "reason": "FieldValueTooLong",
            "message": "Too long: must have at most 262144 bytes",
            "field": "metadata.annotations",
        }
    ]
    merge = "application/merge-patch+json"
    grown = {"metadata": {"annotations": {"b": "y"}}}
    assert refused(cluster, "PATCH", f"{PODS_PATH}/fits", grown, content_type=merge)["code"] == 422


def test_bad_label_and_annotation_keys_are_422(cluster: RunningApiServer) -> None:
    status = refused(cluster, "POST", PODS_PATH, pod_body("p2", labels={"-team": "a"}))
    assert status["message"] == (
        'Pod "p2" is invalid: metadata.labels: Invalid value: "-team": name part must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
        "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    )
    value = refused(cluster, "POST", PODS_PATH, pod_body("p2", labels={"team": "a b"}))
    assert value["message"].startswith('Pod "p2" is invalid: metadata.labels: Invalid value: "a b": a valid label')
    prefixed = refused(
        cluster, "POST", JOBS_PATH, {**job_body("j2"), "metadata": {"name": "j2", "labels": {"a/b/c": ""}}}
    )
    assert "a qualified name must consist of" in prefixed["message"]
    annotation = refused(cluster, "POST", PODS_PATH, annotated_pod("p2", {"Example.com/Build Id": "7"}))
    assert annotation["details"]["causes"][0]["field"] == "metadata.annotations"
    assert raw(cluster.url, "POST", PODS_PATH, annotated_pod("p2", {"Example.com/Build-Id": "7"}))[0] == 201


def test_a_label_selector_with_a_bad_key_or_value_is_400(cluster: RunningApiServer) -> None:
    status = refused(cluster, "GET", f"{PODS_PATH}?labelSelector={quote('-app=x')}")
    assert status["message"].startswith(
        'unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters'
    )
    value = refused(cluster, "GET", f"{PODS_PATH}?labelSelector={quote('app in (ok,-x)')}")
    assert value["message"].startswith(
        'unable to parse requirement: values[0][app]: Invalid value: "-x": a valid label'
    )
    assert raw(cluster.url, "GET", f"{PODS_PATH}?labelSelector={quote('example.com/app in (a,b)')}")[0] == 200


# ---- media types and decoding


def test_a_body_in_an_unknown_media_type_is_415(cluster: RunningApiServer) -> None:
    status = refused(cluster, "POST", PODS_PATH, pod_body("p2"), content_type="text/plain")
    assert (status["reason"], status["message"]) == (
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, "
        "application/yaml, application/vnd.kubernetes.protobuf",
    )
    custom = refused(cluster, "PUT", f"{JOBS_PATH}/j1", job_body("j1"), content_type="application/xml")
    assert custom["message"].endswith("accepted media types include: application/json, application/yaml")


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_numbers_json_cannot_carry_are_400_and_lists_keep_working(cluster: RunningApiServer, number: bytes) -> None:
    body = b'{"apiVersion": "sagemaker.amazonaws.com/v1", "kind": "HyperPodPyTorchJob", "metadata": {"name": "nan"}, '
    body += b'"spec": {"nprocPerNode": "2", "replicaSpecs": [{"name": "w", "replicas": ' + number + b"}]}}"
    assert refused(cluster, "POST", JOBS_PATH, body)["reason"] == "BadRequest"
    merge = "application/merge-patch+json"
    patch = b'{"spec": {"runPolicy": {"ttlSecondsAfterFinished": ' + number + b"}}}"
    assert refused(cluster, "PATCH", f"{JOBS_PATH}/j1", patch, content_type=merge)["reason"] == "BadRequest"
    code, _, listing = raw(cluster.url, "GET", "/apis/sagemaker.amazonaws.com/v1/hyperpodpytorchjobs")
    assert (code, [item["metadata"]["name"] for item in json.loads(listing)["items"]]) == (200, ["j1"])


def test_yaml_non_finite_numbers_are_400(cluster: RunningApiServer) -> None:
    for number in (".nan", ".inf", "-.inf", "1.0e+999"):
        document = f"metadata: {{name: p2}}\nspec:\n  containers: [{{name: main, image: a}}]\n  priority: {number}\n"
        assert refused(cluster, "POST", PODS_PATH, document.encode(), content_type="application/yaml")["code"] == 400


def test_yaml_scalars_become_what_json_would_hold(cluster: RunningApiServer) -> None:
    # sigs.k8s.io/yaml keeps timestamps as strings; PyYAML would build datetimes no JSON reply can carry.
    document = (
        b"metadata:\n  name: p2\n  annotations: {built: 2025-01-01}\nspec:\n  containers: [{name: main, image: a}]\n"
    )
    code, _, created = raw(cluster.url, "POST", PODS_PATH, document, {"Content-Type": "application/yaml"})
    assert (code, json.loads(created)["metadata"]["annotations"]) == (201, {"built": "2025-01-01"})
    recursive = b"metadata: &m {name: p3, labels: *m}\n"
    assert refused(cluster, "POST", PODS_PATH, recursive, content_type="application/yaml")["code"] == 400


def alias_bomb(levels: int = 9) -> bytes:
    """A couple of KB of YAML that expands to 9**9 strings."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    head = "metadata: {name: bomb}\nspec:\n  containers: [{name: main, image: a}]\n  bomb:\n"
    return (head + "".join(f"    {line}\n" for line in lines)).encode()


def test_a_yaml_alias_bomb_is_400(cluster: RunningApiServer) -> None:
    assert len(alias_bomb()) < 2048
    status = refused(cluster, "POST", PODS_PATH, alias_bomb(), content_type="application/yaml")
    assert status["message"].endswith("yaml: document contains excessive aliasing")
    apply = "application/apply-patch+yaml"
    patch = refused(cluster, "PATCH", f"{PODS_PATH}/p1?fieldManager=me", alias_bomb(), content_type=apply)
    assert patch["message"] == "error decoding patch: yaml: document contains excessive aliasing"
    # Anchors reused the way manifests reuse them are fine.
    reused = (
        b"metadata: {name: p2, labels: &l {team: a}, annotations: *l}\nspec:\n  containers: [{name: main, image: a}]\n"
    )
    assert raw(cluster.url, "POST", PODS_PATH, reused, {"Content-Type": "application/yaml"})[0] == 201


# ---- list and log parameters


def test_a_continue_token_the_server_never_issued_is_400(cluster: RunningApiServer) -> None:
    zero_version = base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":0,"start":["team","p1"]}').decode()
    for token, detail in (
        ("garbage", "continue key is not valid: "),
        ("%21%21%21", "continue key is not valid: illegal base64 data"),
        (zero_version, "continue key is not valid: incorrect encoded start resourceVersion"),
    ):
        status = refused(cluster, "GET", f"{PODS_PATH}?limit=1&continue={token}")
        assert status["message"].startswith(f"invalid continue token: {detail}")
    cluster.store.create(PODS, pod_body("p2"), "team")
    code, _, first = raw(cluster.url, "GET", f"{PODS_PATH}?limit=1")
    token = json.loads(first)["metadata"]["continue"]
    code, _, rest = raw(cluster.url, "GET", f"{PODS_PATH}?limit=1&continue={token}")
    assert (code, [item["metadata"]["name"] for item in json.loads(rest)["items"]]) == (200, ["p2"])


def test_bad_pod_log_options_are_422(cluster: RunningApiServer) -> None:
    status = refused(cluster, "GET", f"{PODS_PATH}/p1/log?sinceSeconds=-5")
    assert status["message"] == 'PodLogOptions "p1" is invalid: sinceSeconds: Invalid value: -5: must be greater than 0'
    assert status["details"]["kind"] == "PodLogOptions"
    assert refused(cluster, "GET", f"{PODS_PATH}/p1/log?sinceSeconds=0")["code"] == 422
    tail = refused(cluster, "GET", f"{PODS_PATH}/p1/log?tailLines=-1&limitBytes=0")
    assert [cause["field"] for cause in tail["details"]["causes"]] == ["tailLines", "limitBytes"]
    both = refused(cluster, "GET", f"{PODS_PATH}/p1/log?sinceSeconds=5&sinceTime=2025-01-01T00:00:00Z")
    assert both["message"].endswith("Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")


# ---- bursts


def test_200_concurrent_requests_are_all_answered(api_server: RunningApiServer) -> None:
    host = urlsplit(api_server.url).netloc
    clients = 200
    start = threading.Barrier(clients)
    outcomes: list[int | str] = ["not run"] * clients

    def one(index: int) -> None:
        connection = http.client.HTTPConnection(host, timeout=30)
        try:
            start.wait()  # every client connects at once: the burst an informer fleet makes at start-up
            connection.request("GET", "/api/v1/namespaces")
            response = connection.getresponse()
            response.read()
            outcomes[index] = response.status
        except OSError as error:
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == [200] * clients
