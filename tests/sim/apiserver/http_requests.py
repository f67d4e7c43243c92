"""Requests to the embedded API server as raw HTTP, and the pod and job bodies the API tests send."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

GROUP = "sagemaker.amazonaws.com"


VERSION = "v1"


PLURAL = "hyperpodpytorchjobs"


AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)


def pod_body(
    name: str, labels: dict[str, str] | None = None, containers: tuple[str, ...] = ("main",)
) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"containers": [{"name": c, "image": "trainer:1"} for c in containers]},
    }


def job_body(name: str) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "HyperPodPyTorchJob",
        "metadata": {"name": name},
        "spec": {"nprocPerNode": "2"},
    }


def raw(
    url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
    try:
        payload = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        connection.request(method, path, body=payload, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()
