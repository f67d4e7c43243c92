"""Set a cluster context without the AWS CLI: write the kubeconfig entries `aws eks update-kubeconfig` writes for an
EKS cluster (cluster and user named by the cluster ARN, context by the ARN or an alias, an `exec` entry that runs
`aws eks get-token`, or `hyptui eks-token` where the AWS CLI is not installed), replacing only entries of the same
name, making it the current context, keeping the previous file as `<name>.hyptui-backup`, and writing atomically
(the merge itself is `settings/kubeconfig_merge`, shared with the embedded cluster's kubeconfig).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hyptui.aws.clusters import EksCluster
from hyptui.aws.eks_token import EXEC_API_VERSION, exec_user, hyptui_command
from hyptui.kube.kubeconfig import kubeconfig_paths
from hyptui.settings.kubeconfig_merge import BACKUP_SUFFIX, KubeconfigError, merge_into_kubeconfig

# KubeconfigError and BACKUP_SUFFIX come from the shared merge; callers of update_kubeconfig name them here.
__all__ = [
    "BACKUP_SUFFIX",
    "ContextUpdate",
    "KubeconfigError",
    "cluster_entry",
    "default_kubeconfig",
    "update_kubeconfig",
    "user_entry",
]


@dataclass(frozen=True, slots=True)
class ContextUpdate:
    path: Path
    context: str
    backup: Path | None  # None when there was no previous file
    updated_existing: bool  # the cluster entry was there before (aws: "Updated context" vs "Added new context")


def default_kubeconfig() -> Path:
    """Where `aws eks update-kubeconfig` writes: the first file of $KUBECONFIG, else ~/.kube/config."""
    return kubeconfig_paths(None)[0]


def user_entry(eks: EksCluster, profile: str | None) -> dict[str, Any]:
    """The credentials part: `aws --region R eks get-token --cluster-name N --output json`, as the AWS CLI writes it,
    or hyptui's own `eks-token` on a machine without the AWS CLI (a login node often has none)."""
    if shutil.which("aws") is None:
        return exec_user(eks.name, eks.region, command=hyptui_command(), profile=profile)
    command: dict[str, Any] = {
        "apiVersion": EXEC_API_VERSION,
        "args": ["--region", eks.region, "eks", "get-token", "--cluster-name", eks.name, "--output", "json"],
        "command": "aws",
    }
    if profile:
        command["env"] = [{"name": "AWS_PROFILE", "value": profile}]
    return {"exec": command}


def cluster_entry(eks: EksCluster) -> dict[str, Any]:
    cluster: dict[str, Any] = {"server": eks.endpoint}
    if eks.certificate_authority and eks.endpoint.startswith("https://"):
        cluster = {"certificate-authority-data": eks.certificate_authority, **cluster}
    return cluster


def update_kubeconfig(
    path: Path,
    eks: EksCluster,
    user: Mapping[str, Any],
    *,
    alias: str | None = None,
    namespace: str | None = None,
) -> ContextUpdate:
    """Add or update `eks`'s cluster, `user` (see user_entry) and context in `path` and make the context current."""
    context_name = alias or eks.arn
    context: dict[str, Any] = {"cluster": eks.arn, "user": eks.arn}
    if namespace:
        context["namespace"] = namespace
    merge = merge_into_kubeconfig(
        path,
        cluster={"cluster": cluster_entry(eks), "name": eks.arn},
        user={"name": eks.arn, "user": dict(user)},
        context={"context": context, "name": context_name},
    )
    return ContextUpdate(path, context_name, merge.backup, merge.replaced_cluster)
