"""`hyptui sim` on its own: a cluster from a seed file, kept in a state directory between runs, and a request log."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.seed_file import SeedFileError, seed_from_file
from hyptui.sim.state_dir import StateError, load_state, save_state, set_aside, state_file
from tests.commands.hyptui_process import HYPTUI
from tests.sim.api_server import SIM_START

SEED = """\
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
- apiVersion: v1
  kind: Node
  metadata: {name: hyperpod-i-0, labels: {node.kubernetes.io/instance-type: ml.g5.12xlarge}}
- apiVersion: v1
  kind: Pod
  metadata: {name: worker-0, namespace: team}
  spec: {containers: [{name: pytorch, image: trainer:1}]}
---
apiVersion: v1
kind: List
items:
- apiVersion: sagemaker.amazonaws.com/v1
  kind: HyperPodPyTorchJob
  metadata: {name: llama, namespace: team}
  spec: {replicas: 2}
"""
BAD_SEED = """\
apiVersion: v1
kind: Pod
metadata: {name: Worker_0}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Widget
metadata: {name: w}
---
- apiVersion: v1
  kind: Node
  metadata: {labels: {a: b}}
- just a string
---
apiVersion: v1
kind: Pod
metadata: {name: lost, namespace: nowhere}
spec: {containers: [{name: c}]}
"""


def store() -> ObjectStore:
    return ObjectStore(SimClock(start=SIM_START, speed=0))


def names(objects: ObjectStore, kind, namespace: str | None = None) -> list[str]:
    return [item["metadata"]["name"] for item in objects.list(kind, namespace)[0]]


def test_a_seed_file_fills_an_empty_cluster(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    cluster = store()
    assert seed_from_file(cluster, seed) == 5
    assert names(cluster, NAMESPACES) == ["default", "team"]
    assert names(cluster, NODES) == ["hyperpod-i-0"]
    assert names(cluster, PODS, "team") == ["worker-0"]
    assert cluster.get(HYPERPOD_PYTORCH_JOBS, "team", "llama")["spec"] == {"replicas": 2}


def test_a_bad_seed_file_names_every_problem_and_loads_nothing(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(BAD_SEED)
    cluster = store()
    with pytest.raises(SeedFileError) as error:
        seed_from_file(cluster, seed)
    problems = error.value.problems
    assert problems[:3] == [
        "document 2: kind: v1 Widget is not served (served: "
        "inference.sagemaker.aws.amazon.com/v1 InferenceEndpointConfig, "
        "inference.sagemaker.aws.amazon.com/v1 JumpStartModel, "
        "inference.sagemaker.aws.amazon.com/v1 SageMakerEndpointRegistration, kueue.x-k8s.io/v1beta2 ClusterQueue, "
        "kueue.x-k8s.io/v1beta2 LocalQueue, kueue.x-k8s.io/v1beta2 ResourceFlavor, kueue.x-k8s.io/v1beta2 Workload, "
        "kueue.x-k8s.io/v1beta2 WorkloadPriorityClass, sagemaker.amazonaws.com/v1 HyperPodPyTorchJob, v1 Event, "
        "v1 Namespace, v1 Node, v1 Pod, workspace.jupyter.org/v1alpha1 Workspace, "
        "workspace.jupyter.org/v1alpha1 WorkspaceTemplate)",
        "document 3, item 1: metadata.name: Required value",
        "document 3, item 2: must be an object with apiVersion, kind and metadata",
    ]
    assert problems[3].startswith('document 1: Pod "Worker_0" is invalid: metadata.name: Invalid value: "Worker_0"')
    assert problems[4] == 'document 4: namespaces "nowhere" not found'
    assert cluster.resource_version == store().resource_version
    seed.write_text("a: [")
    with pytest.raises(SeedFileError, match="not valid YAML"):
        seed_from_file(cluster, seed)


def test_state_round_trip_keeps_identities_and_versions(tmp_path: Path) -> None:
    first = store()
    first.create(NAMESPACES, {"metadata": {"name": "team"}})
    pod = first.create(PODS, {"metadata": {"name": "p1"}, "spec": {"containers": [{"name": "c"}]}}, "team")
    saved_version = save_state(first, tmp_path)
    assert saved_version == first.resource_version

    loaded = load_state(tmp_path)
    assert loaded is not None
    second = store()
    second.restore(*loaded)
    assert second.get(PODS, "team", "p1") == pod
    assert second.resource_version == saved_version
    with pytest.raises(Exception, match="too old resource version"):
        second.watch(PODS, "team", str(saved_version - 1))
    created = second.create(PODS, {"metadata": {"name": "p2"}, "spec": {"containers": [{"name": "c"}]}}, "team")
    assert int(created["metadata"]["resourceVersion"]) == saved_version + 1
    assert load_state(tmp_path / "empty") is None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"format": 99}),
        json.dumps({"format": 1, "resourceVersion": 5, "objects": [{"kind": "Pod"}]}),
    ],
)
def test_a_corrupted_state_file_is_refused_whole(tmp_path: Path, content: str) -> None:
    state_file(tmp_path).write_text(content)
    with pytest.raises(StateError, match=str(state_file(tmp_path))):
        load_state(tmp_path)
    kept = set_aside(tmp_path)
    assert kept.read_text() == content and not state_file(tmp_path).exists()


def start_sim(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    command = [*HYPTUI, "sim", "--kubeconfig", str(tmp_path / "kubeconfig"), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def banner(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    return [process.stdout.readline() for _ in range(6)]


def kubectl(tmp_path: Path, *args: str) -> str:
    command = ["kubectl", "--kubeconfig", str(tmp_path / "kubeconfig"), "--cache-dir", str(tmp_path / "cache"), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None
    return process.stderr.read()


def test_sim_serves_a_seed_keeps_its_state_and_logs_requests(tmp_path: Path) -> None:
    seed, state = tmp_path / "seed.yaml", tmp_path / "state"
    seed.write_text(SEED)
    first = start_sim(tmp_path, "--seed", str(seed), "--state", str(state), "-v")
    try:
        lines = banner(first)
        assert lines[4] == f"or:   export KUBECONFIG={(tmp_path / 'kubeconfig').resolve()}\n"
        assert kubectl(tmp_path, "get", "pods", "-n", "team", "-o", "name") == "pod/worker-0\n"
        kubectl(tmp_path, "label", "namespace", "team", "kept=yes")
    finally:
        log = stop(first)
    assert any(line.endswith("GET /api/v1/namespaces/team/pods?limit=500 200") for line in _without_timing(log))

    second = start_sim(tmp_path, "--state", str(state))
    try:
        banner(second)
        labels = yaml.safe_load(kubectl(tmp_path, "get", "namespace", "team", "-o", "yaml"))["metadata"]["labels"]
        assert labels["kept"] == "yes"
    finally:
        assert "GET " not in stop(second)

    state_file(state).write_text('{"format": 1, "resourceVersion": 3, "objects": [{"half": "written"')
    third = start_sim(tmp_path, "--state", str(state))
    try:
        banner(third)
        assert kubectl(tmp_path, "get", "namespaces", "-o", "name") == ""
    finally:
        complaint = stop(third)
    assert "cannot load the saved cluster" in complaint and "starting with an empty cluster" in complaint
    assert (state / "cluster.json.corrupt").exists()


def test_sim_refuses_a_bad_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(BAD_SEED)
    result = subprocess.run(
        [*HYPTUI, "sim", "--seed", str(seed), "--kubeconfig", str(tmp_path / "kc")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[:2] == [
        f"hyptui sim: bad seed file {seed}:",
        "  document 2: kind: v1 Widget is not served (served: "
        "inference.sagemaker.aws.amazon.com/v1 InferenceEndpointConfig, "
        "inference.sagemaker.aws.amazon.com/v1 JumpStartModel, "
        "inference.sagemaker.aws.amazon.com/v1 SageMakerEndpointRegistration, kueue.x-k8s.io/v1beta2 ClusterQueue, "
        "kueue.x-k8s.io/v1beta2 LocalQueue, kueue.x-k8s.io/v1beta2 ResourceFlavor, kueue.x-k8s.io/v1beta2 Workload, "
        "kueue.x-k8s.io/v1beta2 WorkloadPriorityClass, sagemaker.amazonaws.com/v1 HyperPodPyTorchJob, v1 Event, "
        "v1 Namespace, v1 Node, v1 Pod, workspace.jupyter.org/v1alpha1 Workspace, "
        "workspace.jupyter.org/v1alpha1 WorkspaceTemplate)",
    ]
    assert not (tmp_path / "kc").exists()


def _without_timing(log: str) -> list[str]:
    return [line.rsplit(" ", 1)[0] for line in log.splitlines()]
