"""EKS bearer tokens, as `aws eks get-token` makes them, and the kubeconfig entry that runs `hyptui eks-token`.

A token is `k8s-aws-v1.` + the unpadded base64url of a presigned STS GetCallerIdentity URL whose SigV4 signature
covers an `x-k8s-aws-id: <cluster name>` header, so it proves who the caller is to that one cluster only. The URL is
signed with botocore's SigV4 query signer directly rather than an STS client: no service model to load, and an
`AWS_ENDPOINT_URL` pointing at a local AWS stand-in cannot redirect it away from the STS host the API server checks.

botocore is imported where it is used, so `hyptui eks-token` starts without loading it until it signs.
"""

from __future__ import annotations

import base64
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.session import Session

TOKEN_PREFIX = "k8s-aws-v1."
K8S_AWS_ID_HEADER = "x-k8s-aws-id"
TOKEN_LIFETIME_SECONDS = 900  # EKS accepts a token for 15 minutes after its X-Amz-Date
PRESIGN_EXPIRES_SECONDS = 60  # what every EKS token generator sends; STS ignores it for GetCallerIdentity
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"
STS_ACTION, STS_VERSION = "GetCallerIdentity", "2011-06-15"
GLOBAL_STS_REGION = "us-east-1"  # the signing region of the global endpoint sts.amazonaws.com

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_STS_HOSTS = (
    re.compile(r"sts\.amazonaws\.com"),
    re.compile(rf"sts\.(?P<region>(?!cn-){_REGION})\.amazonaws\.com"),
    re.compile(rf"sts\.(?P<region>(?=cn-){_REGION})\.amazonaws\.com\.cn"),
)


class EksTokenError(Exception):
    """A token that could not be made; the message names what was missing (credentials, profile, region)."""


def sts_host(region: str | None) -> str:
    """The STS endpoint host a token for `region` is presigned on: regional, or the global one without a region."""
    if region is None:
        return "sts.amazonaws.com"
    return f"sts.{region}.amazonaws.com" + (".cn" if region.startswith("cn-") else "")


def sts_host_region(host: str) -> str | None:
    """The region a request to the STS `host` is signed for; None when `host` is not an STS endpoint."""
    for pattern in _STS_HOSTS:
        match = pattern.fullmatch(host)
        if match:
            return match.groupdict().get("region") or GLOBAL_STS_REGION
    return None


def eks_token(session: Session, cluster_name: str, region: str | None = None) -> str:
    """A token for `cluster_name`, signed with the botocore `session`'s credential chain (its profile, environment,
    SSO, instance role, ...). The region is `region`, else the session's, else none (the global STS endpoint)."""
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        region = region or session.get_config_variable("region")
        credentials = session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except (BotoCoreError, ClientError) as error:
        raise EksTokenError(str(error)) from None
    host = sts_host(region)
    if sts_host_region(host) != (region or GLOBAL_STS_REGION):
        raise EksTokenError(f"{region!r} is not an AWS region (such as us-east-2)")
    if frozen is None:
        raise EksTokenError("no AWS credentials found (environment, profile, SSO or instance role)")
    request = AWSRequest(
        method="GET",
        url=f"https://{host}/",
        params={"Action": STS_ACTION, "Version": STS_VERSION},
        headers={K8S_AWS_ID_HEADER: cluster_name},
    )
    SigV4QueryAuth(frozen, "sts", region or GLOBAL_STS_REGION, expires=PRESIGN_EXPIRES_SECONDS).add_auth(request)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(request.url.encode()).decode().rstrip("=")


def expiration(lifetime_seconds: int = TOKEN_LIFETIME_SECONDS, *, now: datetime | None = None) -> datetime:
    """When a client should replace a token made `now`: a margin before the server stops accepting it, so a request
    sent just before the deadline still arrives in time (60 s of 15 minutes, as the AWS CLI reports; a fifth of a
    short lifetime)."""
    margin = min(60.0, lifetime_seconds / 5)
    return (now or datetime.now(UTC)) + timedelta(seconds=lifetime_seconds - margin)


def exec_credential(token: str, expires: datetime) -> dict[str, Any]:
    """The ExecCredential a kubeconfig exec plugin prints; a naive `expires` is taken as UTC."""
    moment = expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires.astimezone(UTC)
    return {
        "kind": "ExecCredential",
        "apiVersion": EXEC_API_VERSION,
        "spec": {},
        "status": {"expirationTimestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "token": token},
    }


def exec_user(
    cluster_name: str,
    region: str | None,
    *,
    command: str,
    args_prefix: list[str] | None = None,
    profile: str | None = None,
    env: dict[str, str] | None = None,
    lifetime: int | None = None,
) -> dict[str, Any]:
    """A kubeconfig `users[].user` that gets its token from `command [args_prefix...] eks-token ...`: `command` is
    the `hyptui` script (see hyptui_command), or an interpreter whose `args_prefix` runs the entry point with `-m`."""
    args = [*(args_prefix or []), "eks-token", "--cluster-name", cluster_name]
    for flag, value in (("--region", region), ("--profile", profile), ("--lifetime", lifetime)):
        if value is not None:
            args += [flag, str(value)]
    exec_entry: dict[str, Any] = {"apiVersion": EXEC_API_VERSION, "command": command, "args": args}
    if env:
        exec_entry["env"] = [{"name": name, "value": value} for name, value in env.items()]
    exec_entry |= {"interactiveMode": "Never", "provideClusterInfo": False}
    return {"exec": exec_entry}


def hyptui_command() -> str:
    """The `hyptui` console script installed beside this interpreter, by absolute path so kubectl finds it without
    the venv on PATH; plain `hyptui` when there is none."""
    script = Path(sys.executable).parent / ("hyptui.exe" if os.name == "nt" else "hyptui")
    return str(script) if script.is_file() else "hyptui"
