"""The embedded cluster as a client meets it: HTTPS verified with its CA, and EKS tokens required, as on EKS."""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.fixed_clock import FIXED_START


@pytest.fixture
def cluster() -> Iterator[EmbeddedCluster]:
    with EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), populate=False) as running:
        yield running


def get(cluster: EmbeddedCluster, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    assert cluster.ca_pem is not None
    context = ssl.create_default_context(cadata=cluster.ca_pem.decode())
    connection = http.client.HTTPSConnection(urlsplit(cluster.url).netloc, timeout=10, context=context)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body.startswith(b"{") else {"text": body.decode()}
    finally:
        connection.close()


def test_requests_without_a_valid_token_get_a_401_status(cluster: EmbeddedCluster) -> None:
    unauthorized = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    }
    assert get(cluster, "/api/v1/pods") == (401, unauthorized)
    assert get(cluster, "/api/v1/pods", {"Authorization": "Bearer k8s-aws-v1.bm90LWEtdXJs"}) == (401, unauthorized)
    counts = cluster.server.authentications
    assert (counts.anonymous, counts.rejected, counts.authenticated) == (1, 1, 0)


def test_health_and_version_answer_anyone_as_on_eks(cluster: EmbeddedCluster) -> None:
    assert get(cluster, "/healthz") == (200, {"text": "ok"})
    status, version = get(cluster, "/version")
    assert status == 200 and version["minor"] == "32"


def test_a_client_that_does_not_trust_the_ca_cannot_connect(cluster: EmbeddedCluster) -> None:
    connection = http.client.HTTPSConnection(urlsplit(cluster.url).netloc, timeout=10)  # the system's CAs only
    with pytest.raises(ssl.SSLCertVerificationError):
        connection.request("GET", "/healthz")
    connection.close()


def test_plain_http_is_there_for_debugging_and_checks_no_token() -> None:
    with EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), plain_http=True) as plain:
        assert plain.url.startswith("http://") and plain.ca_pem is None
        assert plain.kube_user == {"token": "hyptui-sim"}
        connection = http.client.HTTPConnection(urlsplit(plain.url).netloc, timeout=10)
        connection.request("GET", "/api/v1/nodes")
        response = connection.getresponse()
        assert response.status == 200 and len(json.loads(response.read())["items"]) == 10
        connection.close()
