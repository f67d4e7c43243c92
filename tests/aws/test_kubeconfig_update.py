"""Setting the cluster context without the AWS CLI: the entries `aws eks update-kubeconfig` writes, other contexts
untouched, a backup of the previous file, and a context the official client and kubectl use to reach the cluster."""

from __future__ import annotations

import base64
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from kubernetes import client, config

from hyptui.aws.clusters import EksCluster
from hyptui.aws.eks_token import hyptui_command
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.kubeconfig_update import (
    BACKUP_SUFFIX,
    KubeconfigError,
    default_kubeconfig,
    update_kubeconfig,
    user_entry,
)
from hyptui.aws.target import AwsTarget
from hyptui.sim.cluster import EmbeddedCluster

LIVE = "ml-cluster-aim371"
LIVE_ARN = f"arn:aws:eks:us-east-2:123456789012:cluster/{LIVE}-eks"
REAL = EksCluster(
    name="research",
    arn="arn:aws:eks:eu-central-1:123456789012:cluster/research",
    endpoint="https://ABC.gr7.eu-central-1.eks.amazonaws.com",
    certificate_authority="LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
    version="1.32",
    status="ACTIVE",
    vpc_id="vpc-1",
)
OTHER = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [{"name": "kind-dev", "cluster": {"server": "https://127.0.0.1:6443"}}],
    "users": [{"name": "kind-dev", "user": {"token": "abc"}}],
    "contexts": [{"name": "kind-dev", "context": {"cluster": "kind-dev", "user": "kind-dev"}}],
    "current-context": "kind-dev",
}


def aws_cli_on_path(monkeypatch: pytest.MonkeyPatch, folder: Path, installed: bool) -> None:
    folder.mkdir()
    if installed:
        aws = folder / "aws"
        aws.write_text("#!/bin/sh\nexit 0\n")
        aws.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


def test_writes_the_aws_cli_entries_for_an_eks_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aws_cli_on_path(monkeypatch, tmp_path / "bin", installed=True)
    path = tmp_path / "config"
    update = update_kubeconfig(path, REAL, user_entry(REAL, "research"))
    written = yaml.safe_load(path.read_text())
    assert written["current-context"] == REAL.arn == update.context
    assert written["clusters"] == [
        {
            "cluster": {"certificate-authority-data": REAL.certificate_authority, "server": REAL.endpoint},
            "name": REAL.arn,
        }
    ]
    assert written["users"] == [
        {
            "name": REAL.arn,
            "user": {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                    "args": [
                        *("--region", "eu-central-1", "eks", "get-token"),
                        *("--cluster-name", "research", "--output", "json"),
                    ],
                    "command": "aws",
                    "env": [{"name": "AWS_PROFILE", "value": "research"}],
                }
            },
        }
    ]
    assert written["contexts"] == [{"context": {"cluster": REAL.arn, "user": REAL.arn}, "name": REAL.arn}]
    assert update.backup is None and not update.updated_existing


def test_without_the_aws_cli_the_user_runs_hyptuis_own_eks_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_cli_on_path(monkeypatch, tmp_path / "bin", installed=False)
    exec_entry = user_entry(REAL, "research")["exec"]
    assert exec_entry["command"] == hyptui_command()
    assert exec_entry["args"] == [
        *("eks-token", "--cluster-name", "research", "--region", "eu-central-1", "--profile", "research")
    ]
    assert exec_entry["apiVersion"] == "client.authentication.k8s.io/v1beta1"


def test_keeps_other_contexts_backs_up_and_updates_in_place(tmp_path: Path) -> None:
    path = tmp_path / "config"
    original = yaml.safe_dump(OTHER, sort_keys=False)
    path.write_text(original)
    user = user_entry(REAL, None)
    first = update_kubeconfig(path, REAL, user, alias="research", namespace="hyperpod-ns-team-a")
    assert first.backup == tmp_path / f"config{BACKUP_SUFFIX}" and first.backup.read_text() == original
    moved = replace(REAL, endpoint="https://NEW.gr7.eu-central-1.eks.amazonaws.com")
    second = update_kubeconfig(path, moved, user, alias="research")
    written = yaml.safe_load(path.read_text())
    assert second.updated_existing and written["current-context"] == "research"
    assert [c["name"] for c in written["clusters"]] == ["kind-dev", REAL.arn]
    assert written["clusters"][1]["cluster"]["server"] == moved.endpoint
    assert [c["name"] for c in written["contexts"]] == ["kind-dev", "research"]
    assert written["contexts"][0] == OTHER["contexts"][0] and written["users"][0] == OTHER["users"][0]
    assert "exec" in written["users"][1]["user"] and "env" not in written["users"][1]["user"]["exec"]


def test_a_file_that_is_not_a_kubeconfig_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("clusters: {not: a list}\n")
    with pytest.raises(KubeconfigError, match="has clusters that is not a list"):
        update_kubeconfig(path, REAL, {"token": "t"})
    assert path.read_text() == "clusters: {not: a list}\n"
    path.write_text("clusters: [\n")
    with pytest.raises(KubeconfigError, match="is not valid YAML"):
        update_kubeconfig(path, REAL, {"token": "t"})


def test_default_path_is_the_first_of_kubeconfig(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    assert default_kubeconfig() == tmp_path / "a"
    monkeypatch.delenv("KUBECONFIG")
    assert default_kubeconfig() == Path.home() / ".kube" / "config"


def test_set_cluster_context_reaches_the_embedded_cluster_over_tls_with_eks_tokens(
    frozen_cluster: EmbeddedCluster, tmp_path: Path
) -> None:
    gateway = AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url, frozen_cluster.kube_user))
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(OTHER, sort_keys=False))
    update = gateway.set_cluster_context(LIVE, path, namespace="hyperpod-ns-team-a")
    assert update.context == LIVE_ARN
    written = yaml.safe_load(path.read_text())
    assert written["users"][1] == {"name": LIVE_ARN, "user": frozen_cluster.kube_user}
    assert frozen_cluster.url.startswith("https://")
    ca = base64.b64decode(written["clusters"][1]["cluster"]["certificate-authority-data"])
    assert ca == frozen_cluster.ca_pem
    api = client.CoreV1Api(config.new_client_from_config(config_file=str(path)))
    assert len(api.list_node().items) == 10
    assert {p.metadata.namespace for p in api.list_namespaced_pod("hyperpod-ns-team-a").items} == {"hyperpod-ns-team-a"}
    if shutil.which("kubectl"):
        nodes = subprocess.run(
            ["kubectl", "--kubeconfig", str(path), "get", "nodes", "-o", "name"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert len(nodes.stdout.split()) == 10


def test_a_slurm_cluster_has_no_context_to_set(gateway: AwsGateway, tmp_path: Path) -> None:
    from hyptui.aws.failures import AwsFailure

    with pytest.raises(AwsFailure, match="not EKS-orchestrated"):
        gateway.set_cluster_context("ml-cluster-slurm", tmp_path / "config")
    assert not (tmp_path / "config").exists()
