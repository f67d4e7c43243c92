"""`hyptui fault` against the embedded cluster over real HTTP, through the official kubernetes client."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.screens.shell.main import main
from hyptui.sim.cluster import EmbeddedCluster

TEAM_A = "hyperpod-ns-team-a"
HEALTH = "sagemaker.amazonaws.com/node-health-status"


def fault(kubeconfig: Path, *args: str) -> int:
    return main(["--kubeconfig", str(kubeconfig), "fault", *args])


def fsdp_pods(cluster: EmbeddedCluster) -> list[dict]:
    return cluster.store.list(PODS, TEAM_A, label_selector="HPJob=llama3-1-8b-fsdp")[0]


def test_node_unhealthy_labels_the_node_and_the_agent_quarantines_it(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = fsdp_pods(frozen_cluster)[0]["spec"]["nodeName"]
    assert fault(kubeconfig, "node-unhealthy", node, "--reboot") == 0
    assert f"node/{node} labeled {HEALTH}=UnschedulablePendingReboot" in capsys.readouterr().out
    assert frozen_cluster.store.get(NODES, None, node)["metadata"]["labels"][HEALTH] == "UnschedulablePendingReboot"
    frozen_cluster.advance(1)
    taints = frozen_cluster.store.get(NODES, None, node)["spec"]["taints"]
    assert [t["key"] for t in taints] == [HEALTH]
    assert node not in [p["spec"].get("nodeName") for p in fsdp_pods(frozen_cluster)]


def test_node_unhealthy_defaults_to_replacement(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    node = frozen_cluster.store.list(NODES)[0][0]["metadata"]["name"]
    assert fault(kubeconfig, "node-unhealthy", node) == 0
    labels = frozen_cluster.store.get(NODES, None, node)["metadata"]["labels"]
    assert labels[HEALTH] == "UnschedulablePendingReplacement"


def test_kill_pod_deletes_it_and_the_operator_recreates_it(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = frozen_cluster.store.get(PODS, TEAM_A, "llama3-1-8b-fsdp-pod-0")
    assert fault(kubeconfig, "kill-pod", f"{TEAM_A}/llama3-1-8b-fsdp-pod-0") == 0
    assert "pod/llama3-1-8b-fsdp-pod-0 deleted" in capsys.readouterr().out
    frozen_cluster.advance(1)
    new = frozen_cluster.store.get(PODS, TEAM_A, "llama3-1-8b-fsdp-pod-0")
    assert new["metadata"]["uid"] != old["metadata"]["uid"]
    job = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_A, "llama3-1-8b-fsdp")
    assert job["status"]["restartCount"] == 1


def test_quiet_log_annotates_the_job_and_its_log_stops(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fault(kubeconfig, "quiet-log", f"{TEAM_A}/llama3-1-8b-fsdp") == 0
    assert "its processes hang" in capsys.readouterr().out
    frozen_cluster.advance(1)
    annotations = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_A, "llama3-1-8b-fsdp")["metadata"]["annotations"]
    assert annotations["sim.hyptui.io/quiet-log"].startswith("2026-11-28T10:00:01")
    before = frozen_cluster.logs.read(TEAM_A, "llama3-1-8b-fsdp-pod-0", "pytorch-job-container")
    frozen_cluster.advance(120, step=10)
    assert frozen_cluster.logs.read(TEAM_A, "llama3-1-8b-fsdp-pod-0", "pytorch-job-container") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("node-unhealthy", "hyperpod-i-00000000000000bad"), "node 'hyperpod-i-00000000000000bad' not found"),
        (("kill-pod", f"{TEAM_A}/no-such-pod"), f"pod 'no-such-pod' not found in namespace '{TEAM_A}'"),
        (("quiet-log", f"{TEAM_A}/no-such-job"), f"HyperPodPyTorchJob 'no-such-job' not found in namespace '{TEAM_A}'"),
        (("kill-pod", "just-a-name"), "expected NAMESPACE/POD, got 'just-a-name'"),
    ],
)
def test_errors_name_what_was_not_found(
    kubeconfig: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert fault(kubeconfig, *args) == 1
    assert capsys.readouterr().err.strip() == f"hyptui fault: {message}"


def test_a_missing_kubeconfig_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fault(tmp_path / "absent", "kill-pod", "ns/pod") == 1
    assert capsys.readouterr().err.startswith("hyptui fault: cannot use the kubeconfig: ")
