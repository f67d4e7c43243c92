"""Which AWS region to use, in `hyp`'s order: `--region`, then AWS_REGION, then boto3's own resolution
(AWS_DEFAULT_REGION, the profile's region), then the region in the current kubeconfig context's EKS cluster ARN."""

from __future__ import annotations

import re
from pathlib import Path

from hyptui.kube.kubeconfig import KubeConfigError, kubeconfig_paths, load_kubeconfig

_EKS_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:eks:(?P<region>[a-z0-9-]+):\d{12}:cluster/.+$")


def region_of_eks_arn(arn: str) -> str | None:
    """`arn:aws:eks:us-east-2:123456789012:cluster/x` -> `us-east-2`; None for anything else."""
    match = _EKS_ARN.match(arn or "")
    return match["region"] if match else None


def region_of_kube_context(kubeconfig: Path | None = None, context: str | None = None) -> str | None:
    """The region of the (current, or named) context's cluster when it is an EKS cluster ARN, as
    `aws eks update-kubeconfig` names it; None when the kubeconfig is missing, unusable or names no EKS cluster."""
    try:
        chosen = load_kubeconfig(kubeconfig_paths(kubeconfig)).context(context)
    except KubeConfigError:  # the kube gateway reports an unusable kubeconfig; a region is only a default here
        return None
    return region_of_eks_arn(chosen.cluster) or region_of_eks_arn(chosen.name)
