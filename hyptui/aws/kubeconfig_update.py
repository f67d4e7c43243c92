"""Set a cluster context without the AWS CLI: write the kubeconfig entries `aws eks update-kubeconfig` writes for an
EKS cluster (cluster and user named by the cluster ARN, context by the ARN or an alias, an `exec` entry that runs
`aws eks get-token`, or `hyptui eks-token` where the AWS CLI is not installed), replacing only entries of the same
name, making it the current context, keeping the previous file as `<name>.hyptui-backup`, and writing atomically.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hyptui.aws.clusters import EksCluster
from hyptui.aws.eks_token import EXEC_API_VERSION, exec_user, hyptui_command
from hyptui.settings.atomic_file import write_atomic

BACKUP_SUFFIX = ".hyptui-backup"


class KubeconfigError(Exception):
    """The kubeconfig cannot be read or is not a kubeconfig; nothing was written."""


@dataclass(frozen=True, slots=True)
class ContextUpdate:
    path: Path
    context: str
    backup: Path | None  # None when there was no previous file
    updated_existing: bool  # the cluster entry was there before (aws: "Updated context" vs "Added new context")


def default_kubeconfig() -> Path:
    """Where `aws eks update-kubeconfig` writes: the first file of $KUBECONFIG, else ~/.kube/config."""
    first = next((p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p.strip()), "")
    return Path(first).expanduser() if first else Path.home() / ".kube" / "config"


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
    previous = _read(path)
    config = _loaded(path, previous)
    context_name = alias or eks.arn
    updated = any(entry.get("name") == eks.arn for entry in config["clusters"])
    context: dict[str, Any] = {"cluster": eks.arn, "user": eks.arn}
    if namespace:
        context["namespace"] = namespace
    _insert(config["clusters"], {"cluster": cluster_entry(eks), "name": eks.arn})
    _insert(config["users"], {"name": eks.arn, "user": dict(user)})
    _insert(config["contexts"], {"context": context, "name": context_name})
    config["current-context"] = context_name
    backup = None
    if previous is not None:
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        write_atomic(backup, previous)
    write_atomic(path, yaml.safe_dump(config, sort_keys=False))
    return ContextUpdate(path, context_name, backup, updated)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise KubeconfigError(f"cannot read the kubeconfig {path}: {error.strerror}") from error


def _loaded(path: Path, text: str | None) -> dict[str, Any]:
    try:
        config = yaml.safe_load(text) if text else None
    except yaml.YAMLError as error:
        raise KubeconfigError(f"the kubeconfig {path} is not valid YAML: {error}") from error
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise KubeconfigError(f"the kubeconfig {path} is not a mapping of clusters, users and contexts")
    config.setdefault("apiVersion", "v1")
    config.setdefault("kind", "Config")
    config.setdefault("preferences", {})
    for key in ("clusters", "users", "contexts"):
        if config.get(key) is None:
            config[key] = []
        if not isinstance(config[key], list):
            raise KubeconfigError(f"the kubeconfig {path} has {key} that is not a list")
    return config


def _insert(entries: list[Any], entry: dict[str, Any]) -> None:
    """Replace the entry of the same name in place, or append: other entries stay as they are."""
    for index, existing in enumerate(entries):
        if isinstance(existing, dict) and existing.get("name") == entry["name"]:
            entries[index] = entry
            return
    entries.append(entry)
