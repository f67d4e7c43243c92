"""`metadata.generation` as a 1.32 API server keeps it: custom resources start at 1 and count spec changes (not status
or metadata ones), every kind with a generation gains one when deletion starts, and the built-in kinds served here
(pods, nodes, namespaces, events) carry none unless the client set one on create."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from kubernetes import client

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from hyptui.sim.kubeconfig import write_sim_kubeconfig
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.http_requests import pod_body
from tests.sim.apiserver.kubectl_runs import kubectl_command, succeeded

TEAM = "team"


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    api_server.store.create(NAMESPACES, {"metadata": {"name": TEAM}})
    return api_server


def kubectl(cluster: RunningApiServer, tmp_path: Path, *args: str) -> str:
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", cluster.url)
    return succeeded(subprocess.run(kubectl_command(kubeconfig, *args), capture_output=True, text=True, timeout=60))


def generation(cluster: RunningApiServer, tmp_path: Path, resource: str) -> int | None:
    obj = json.loads(kubectl(cluster, tmp_path, "get", resource, "-n", TEAM, "-o", "json"))
    return obj["metadata"].get("generation")


def test_custom_resources_count_spec_changes_only(cluster: RunningApiServer, tmp_path: Path) -> None:
    job = {"apiVersion": "sagemaker.amazonaws.com/v1", "kind": "HyperPodPyTorchJob", "metadata": {"name": "j1"}}
    manifest = tmp_path / "job.json"
    manifest.write_text(json.dumps({**job, "spec": {"nprocPerNode": "1"}}))

    def patch(body: str, *options: str) -> None:
        kubectl(cluster, tmp_path, "patch", "hpjob", "j1", "-n", TEAM, "--type=merge", "-p", body, *options)

    kubectl(cluster, tmp_path, "create", "-n", TEAM, "-f", str(manifest))
    assert generation(cluster, tmp_path, "hpjob/j1") == 1
    kubectl(cluster, tmp_path, "label", "hpjob", "j1", "-n", TEAM, "team=a")
    patch('{"status":{"restartCount":1}}', "--subresource=status")
    assert generation(cluster, tmp_path, "hpjob/j1") == 1
    patch('{"spec":{"nprocPerNode":"2"}}')
    patch('{"spec":{"nprocPerNode":"2"}}')
    assert generation(cluster, tmp_path, "hpjob/j1") == 2, "a no-op patch changes nothing"
    patch('{"metadata":{"finalizers":["example.com/hold"]}}')
    kubectl(cluster, tmp_path, "delete", "hpjob", "j1", "-n", TEAM, "--wait=false")
    deleting = cluster.store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "j1")["metadata"]
    assert deleting["deletionTimestamp"] and deleting["generation"] == 3


def test_built_in_kinds_served_here_carry_no_generation(cluster: RunningApiServer, tmp_path: Path) -> None:
    core = client.CoreV1Api(client.ApiClient(client.Configuration(host=cluster.url)))
    created = core.create_namespaced_pod(TEAM, pod_body("p1"))
    assert created.metadata.generation is None
    patched = core.patch_namespaced_pod("p1", TEAM, {"spec": {"activeDeadlineSeconds": 30}})
    assert (patched.spec.active_deadline_seconds, patched.metadata.generation) == (30, None)
    assert generation(cluster, tmp_path, "pod/p1") is None
    chosen = core.create_namespaced_pod(TEAM, {**pod_body("p2"), "metadata": {"name": "p2", "generation": 7}})
    assert chosen.metadata.generation == 7, "a 1.32 server keeps what the client set on a pod"
    relabelled = core.patch_namespaced_pod("p2", TEAM, {"metadata": {"generation": 9, "labels": {"a": "b"}}})
    assert relabelled.metadata.generation == 7
    core.create_node({"metadata": {"name": "n1"}})
    core.create_namespaced_event(TEAM, {"metadata": {"name": "e1"}, "involvedObject": {"name": "p1"}})
    for kind, namespace, name in ((NODES, None, "n1"), (NAMESPACES, None, TEAM), (EVENTS, TEAM, "e1")):
        assert "generation" not in cluster.store.get(kind, namespace, name)["metadata"]
    assert "generation" not in cluster.store.get(PODS, TEAM, "p1")["metadata"]
