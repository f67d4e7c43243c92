"""How kubectl, the official client and hyptui reach the embedded cluster: a kubeconfig as `aws eks update-kubeconfig`
writes one for EKS (`certificate-authority-data`, a user whose exec plugin mints EKS tokens), signing as the embedded
account through an AWS profile of its own, so nothing in the user's AWS setup is used or needed.

A cluster started plain (`--http`, for debugging) gets the old shape: no CA and a static token it does not check.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hyptui.aws.eks_token import exec_user, hyptui_command
from hyptui.aws.target import DEMO_KEY
from hyptui.settings.atomic_file import write_atomic
from hyptui.settings.kubeconfig_merge import merge_into_kubeconfig

SIM_CONTEXT = "hyptui-sim"
SIM_TOKEN = "hyptui-sim"  # the plain cluster's token: it checks none, but some clients insist on sending one
SIM_PROFILE = "hyptui-sim"
# The embedded account's only IAM user: public dummies, as DEMO_KEY is for its AWS APIs.
SIM_ACCESS_KEY = DEMO_KEY
SIM_SECRET_KEY = DEMO_KEY


def sim_kubeconfig(server_url: str, user: Mapping[str, Any] | None = None, ca_pem: bytes | None = None) -> dict:
    """For a plain cluster leave out `user` and `ca_pem`."""
    cluster: dict[str, Any] = {"server": server_url}
    if ca_pem is not None:
        cluster = {"certificate-authority-data": base64.b64encode(ca_pem).decode("ascii"), **cluster}
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": SIM_CONTEXT, "cluster": cluster}],
        "users": [{"name": SIM_CONTEXT, "user": dict(user or plain_user())}],
        "contexts": [{"name": SIM_CONTEXT, "context": {"cluster": SIM_CONTEXT, "user": SIM_CONTEXT}}],
        "current-context": SIM_CONTEXT,
    }


def write_sim_kubeconfig(
    path: Path, server_url: str, user: Mapping[str, Any] | None = None, ca_pem: bytes | None = None
) -> Path:
    """Merge the `hyptui-sim` entries into `path` as kind does: the file's other contexts and their credentials stay,
    `hyptui-sim` becomes current and the previous file is kept beside it (settings/kubeconfig_merge). Raises
    KubeconfigError, writing nothing, when `path` holds something that is not a kubeconfig."""
    config = sim_kubeconfig(server_url, user, ca_pem)
    [cluster], [sim_user], [context] = config["clusters"], config["users"], config["contexts"]
    merge_into_kubeconfig(path, cluster=cluster, user=sim_user, context=context)
    return path


def plain_user() -> dict[str, Any]:
    return {"token": SIM_TOKEN}


def token_user(directory: Path, eks_name: str, region: str, lifetime: int | None) -> dict[str, Any]:
    """`hyptui eks-token` signing with the embedded account's profile, kept in `directory` beside the cluster's CA."""
    config, credentials = write_account_profile(directory, region)
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}
    return exec_user(eks_name, region, command=hyptui_command(), profile=SIM_PROFILE, env=env, lifetime=lifetime)


def write_account_profile(directory: Path, region: str) -> tuple[Path, Path]:
    """The AWS config and credentials files naming the embedded account's user as profile `hyptui-sim`."""
    config, credentials = directory / "aws-config", directory / "aws-credentials"
    write_atomic(config, f"[profile {SIM_PROFILE}]\nregion = {region}\n")
    write_atomic(
        credentials,
        f"[{SIM_PROFILE}]\naws_access_key_id = {SIM_ACCESS_KEY}\naws_secret_access_key = {SIM_SECRET_KEY}\n",
    )
    return config, credentials
