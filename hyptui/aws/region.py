"""Which AWS region to use, in `hyp`'s order: `--region`, then AWS_REGION, then boto3's own resolution
(AWS_DEFAULT_REGION, the profile's region), then the region in the current kubeconfig context's EKS cluster ARN."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

_EKS_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:eks:(?P<region>[a-z0-9-]+):\d{12}:cluster/.+$")


def region_of_eks_arn(arn: str) -> str | None:
    """`arn:aws:eks:us-east-2:123456789012:cluster/x` -> `us-east-2`; None for anything else."""
    match = _EKS_ARN.match(arn or "")
    return match["region"] if match else None


def region_of_kube_context(kubeconfig: Path | None = None, context: str | None = None) -> str | None:
    """The region of the (current, or named) context's cluster when it is an EKS cluster ARN, as
    `aws eks update-kubeconfig` names it; None when the kubeconfig is missing, unreadable or names no EKS cluster."""
    path = kubeconfig or Path(os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or Path.home() / ".kube/config")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(config, dict):
        return None
    name = context or config.get("current-context")
    for entry in config.get("contexts") or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            cluster = (entry.get("context") or {}).get("cluster") or ""
            return region_of_eks_arn(cluster) or region_of_eks_arn(name or "")
    return None
