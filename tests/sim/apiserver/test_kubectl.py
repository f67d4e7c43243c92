"""The real kubectl against the embedded API server (the gcloud dispatcher on PATH picks 1.32 from /version)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from tests.sim.api_server import SIM_START, RunningApiServer
from tests.sim.apiserver.kubectl_runs import kubectl_command, succeeded

Kubectl = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    store = api_server.store
    for namespace in ("hyperpod-ns-alpha", "hyperpod-ns-beta"):
        store.create(NAMESPACES, {"metadata": {"name": namespace}})
    for index in range(2):
        store.create(NODES, {"metadata": {"name": f"hyperpod-i-{index}", "labels": {"gpu": "h100"}}})
    store.create(HYPERPOD_PYTORCH_JOBS, {"metadata": {"name": "llama"}, "spec": {}}, "hyperpod-ns-alpha")
    store.create(HYPERPOD_PYTORCH_JOBS, {"metadata": {"name": "mistral"}, "spec": {}}, "hyperpod-ns-beta")
    for name in ("llama-worker-0", "llama-worker-1"):
        pod = {"metadata": {"name": name, "labels": {"job": "llama"}}, "spec": {"containers": [{"name": "pytorch"}]}}
        store.create(PODS, pod, "hyperpod-ns-alpha")
    for second in range(3):
        api_server.logs.append(
            "hyperpod-ns-alpha", "llama-worker-0", "pytorch", f"step {second}", SIM_START + timedelta(seconds=second)
        )
    return api_server


@pytest.fixture
def kubeconfig(cluster: RunningApiServer, tmp_path: Path) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "sim", "cluster": {"server": cluster.url}}],
        "users": [{"name": "sim", "user": {"token": "sim"}}],
        "contexts": [{"name": "sim", "context": {"cluster": "sim", "user": "sim"}}],
        "current-context": "sim",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def kubectl(kubeconfig: Path) -> Kubectl:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(kubectl_command(kubeconfig, *args), capture_output=True, text=True, timeout=60)

    return run


def names(listing: dict[str, Any]) -> list[str]:
    return [item["metadata"]["name"] for item in listing["items"]]


def test_get_nodes_as_yaml(kubectl: Kubectl) -> None:
    listing = yaml.safe_load(succeeded(kubectl("get", "nodes", "-o", "yaml")))
    assert names(listing) == ["hyperpod-i-0", "hyperpod-i-1"]
    assert listing["items"][0]["metadata"]["labels"] == {"gpu": "h100"}


def test_get_custom_resources_across_namespaces(kubectl: Kubectl) -> None:
    listing = json.loads(succeeded(kubectl("get", "hyperpodpytorchjobs", "-A", "-o", "json")))
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in listing["items"]] == [
        ("hyperpod-ns-alpha", "llama"),
        ("hyperpod-ns-beta", "mistral"),
    ]
    by_short_name = succeeded(kubectl("get", "hpjob", "-n", "hyperpod-ns-beta", "-o", "name"))
    assert by_short_name.split() == ["hyperpodpytorchjob.sagemaker.amazonaws.com/mistral"]


def test_get_pods_by_name_and_selector(kubectl: Kubectl) -> None:
    assert succeeded(kubectl("get", "pods", "-n", "hyperpod-ns-alpha", "-o", "name")).split() == [
        "pod/llama-worker-0",
        "pod/llama-worker-1",
    ]
    selected = kubectl("get", "pods", "-A", "-l", "job=llama", "--field-selector", "metadata.name=llama-worker-1")
    assert "llama-worker-1" in succeeded(selected) and "llama-worker-0" not in selected.stdout


def test_missing_object_is_reported_like_a_real_server(kubectl: Kubectl) -> None:
    result = kubectl("get", "pod", "nope", "-n", "hyperpod-ns-alpha")
    assert result.returncode == 1
    assert 'Error from server (NotFound): pods "nope" not found' in result.stderr


def test_label_and_patch(cluster: RunningApiServer, kubectl: Kubectl) -> None:
    succeeded(kubectl("label", "node", "hyperpod-i-0", "health=Schedulable"))
    succeeded(kubectl("patch", "node", "hyperpod-i-1", "-p", '{"spec":{"unschedulable":true}}'))
    succeeded(
        kubectl(
            "patch", "hpjob", "llama", "-n", "hyperpod-ns-alpha", "--type=merge", "-p", '{"spec":{"nprocPerNode":"1"}}'
        )
    )
    assert cluster.store.get(NODES, None, "hyperpod-i-0")["metadata"]["labels"]["health"] == "Schedulable"
    assert cluster.store.get(NODES, None, "hyperpod-i-1")["spec"]["unschedulable"] is True
    assert cluster.store.get(HYPERPOD_PYTORCH_JOBS, "hyperpod-ns-alpha", "llama")["spec"] == {"nprocPerNode": "1"}


def test_delete_pod(cluster: RunningApiServer, kubectl: Kubectl) -> None:
    result = succeeded(kubectl("delete", "pod", "llama-worker-1", "-n", "hyperpod-ns-alpha"))
    assert result.strip() == 'pod "llama-worker-1" deleted'
    assert names({"items": cluster.store.list(PODS, "hyperpod-ns-alpha")[0]}) == ["llama-worker-0"]


def test_logs(kubectl: Kubectl) -> None:
    assert succeeded(kubectl("logs", "llama-worker-0", "-n", "hyperpod-ns-alpha")) == "step 0\nstep 1\nstep 2\n"
    tail = succeeded(kubectl("logs", "llama-worker-0", "-n", "hyperpod-ns-alpha", "--tail=1", "--timestamps"))
    assert tail == "2025-01-01T00:00:02.000000000Z step 2\n"


def test_logs_follow_ends_with_the_container(cluster: RunningApiServer, kubeconfig: Path) -> None:
    command = kubectl_command(kubeconfig, "logs", "-f", "llama-worker-0", "-n", "hyperpod-ns-alpha", "--tail=1")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as follower:
        assert follower.stdout is not None
        assert follower.stdout.readline() == "step 2\n"
        cluster.logs.append("hyperpod-ns-alpha", "llama-worker-0", "pytorch", "done", SIM_START + timedelta(seconds=9))
        cluster.logs.mark_finished("hyperpod-ns-alpha", "llama-worker-0", "pytorch")
        assert follower.wait(timeout=30) == 0
        assert follower.stdout.read() == "done\n"
