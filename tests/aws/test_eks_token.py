"""EKS tokens as `aws eks get-token` makes them, the ExecCredential around one and the kubeconfig user that asks
hyptui for it; signed with explicit dummy credentials, never sent anywhere."""

from __future__ import annotations

import base64
import re
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import botocore.session
import pytest

from hyptui.aws.eks_token import (
    EksTokenError,
    eks_token,
    exec_credential,
    exec_user,
    expiration,
    hyptui_command,
    sts_host_region,
)
from tests.fixed_clock import FIXED_START

ACCESS_KEY, SECRET_KEY = "AKIAHYPTUIEXAMPLE", "hyptui-example-secret"


def session(region: str | None = None, token: str | None = None) -> botocore.session.Session:
    signer = botocore.session.Session()
    signer.set_credentials(ACCESS_KEY, SECRET_KEY, token)
    if region:
        signer.set_config_variable("region", region)
    return signer


def presigned_url(token: str) -> str:
    encoded = token.removeprefix("k8s-aws-v1.")
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


def query(token: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(presigned_url(token)).query).items()}


def test_a_token_is_an_unpadded_base64url_presigned_get_caller_identity_url() -> None:
    token = eks_token(session(), "hyperpod-demo", "us-east-2")
    assert token.startswith("k8s-aws-v1.")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token.removeprefix("k8s-aws-v1."))
    url = urlsplit(presigned_url(token))
    assert (url.scheme, url.netloc, url.path) == ("https", "sts.us-east-2.amazonaws.com", "/")
    params = query(token)
    assert params["Action"] == "GetCallerIdentity"
    assert params["Version"] == "2011-06-15"
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert re.fullmatch(rf"{ACCESS_KEY}/\d{{8}}/us-east-2/sts/aws4_request", params["X-Amz-Credential"])
    assert re.fullmatch(r"\d{8}T\d{6}Z", params["X-Amz-Date"])
    assert params["X-Amz-Expires"] == "60"
    assert "x-k8s-aws-id" in params["X-Amz-SignedHeaders"].split(";")
    assert re.fullmatch(r"[0-9a-f]{64}", params["X-Amz-Signature"])
    assert "X-Amz-Security-Token" not in params


@pytest.mark.parametrize(
    ("region", "host", "scope_region"),
    [
        (None, "sts.amazonaws.com", "us-east-1"),
        ("eu-west-1", "sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("cn-north-1", "sts.cn-north-1.amazonaws.com.cn", "cn-north-1"),
    ],
)
def test_the_url_is_on_the_regional_sts_endpoint_or_the_global_one_without_a_region(
    region: str | None, host: str, scope_region: str
) -> None:
    token = eks_token(session(), "hyperpod-demo", region)
    assert urlsplit(presigned_url(token)).netloc == host
    assert f"/{scope_region}/sts/" in query(token)["X-Amz-Credential"]
    assert sts_host_region(host) == scope_region


def test_without_an_explicit_region_the_sessions_region_is_used() -> None:
    token = eks_token(session(region="ap-southeast-2"), "hyperpod-demo", None)
    assert urlsplit(presigned_url(token)).netloc == "sts.ap-southeast-2.amazonaws.com"


def test_an_explicit_region_beats_the_sessions() -> None:
    token = eks_token(session(region="ap-southeast-2"), "hyperpod-demo", "us-west-2")
    assert urlsplit(presigned_url(token)).netloc == "sts.us-west-2.amazonaws.com"


def test_temporary_credentials_carry_their_session_token() -> None:
    token = eks_token(session(token="session/token+="), "hyperpod-demo", "us-east-2")
    assert query(token)["X-Amz-Security-Token"] == "session/token+="


def test_no_credentials_is_a_clear_error() -> None:
    with pytest.raises(EksTokenError, match="no AWS credentials"):
        eks_token(botocore.session.Session(), "hyperpod-demo", "us-east-2")


def test_an_unknown_profile_is_named() -> None:
    with pytest.raises(EksTokenError, match="nobody"):
        eks_token(botocore.session.Session(profile="nobody"), "hyperpod-demo", None)


@pytest.mark.parametrize("region", ["us east 2", "evil.com/x", "US-EAST-2"])
def test_a_region_that_names_no_sts_endpoint_is_refused(region: str) -> None:
    with pytest.raises(EksTokenError, match="is not an AWS region"):
        eks_token(session(), "hyperpod-demo", region)


@pytest.mark.parametrize(("lifetime", "reported"), [(900, 840), (100, 80), (5, 4)])
def test_the_reported_expiration_keeps_a_margin_before_the_token_stops_working(lifetime: int, reported: int) -> None:
    assert expiration(lifetime, now=FIXED_START) == FIXED_START + timedelta(seconds=reported)


def test_an_exec_credential_is_what_aws_eks_get_token_prints() -> None:
    expires = datetime(2026, 11, 28, 12, 14, 0, 500000, tzinfo=timezone(timedelta(hours=2)))
    assert exec_credential("k8s-aws-v1.abc", expires) == {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {"expirationTimestamp": "2026-11-28T10:14:00Z", "token": "k8s-aws-v1.abc"},
    }


def test_a_naive_expiration_is_taken_as_utc() -> None:
    credential = exec_credential("t", datetime(2026, 11, 28, 10, 14, 0))
    assert credential["status"]["expirationTimestamp"] == "2026-11-28T10:14:00Z"
    assert exec_credential("t", datetime(2026, 11, 28, 10, 14, 0, tzinfo=UTC)) == credential


def test_an_exec_user_runs_hyptui_eks_token_with_every_option_given() -> None:
    user = exec_user(
        "hyperpod-demo",
        "us-east-2",
        command="/venv/bin/python",
        args_prefix=["-m", "hyptui.screens.shell.main"],
        profile="team",
        env={"AWS_CONFIG_FILE": "/tmp/config"},
        lifetime=30,
    )
    assert user == {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "/venv/bin/python",
            "args": [
                "-m",
                "hyptui.screens.shell.main",
                "eks-token",
                "--cluster-name",
                "hyperpod-demo",
                "--region",
                "us-east-2",
                "--profile",
                "team",
                "--lifetime",
                "30",
            ],
            "env": [{"name": "AWS_CONFIG_FILE", "value": "/tmp/config"}],
            "interactiveMode": "Never",
            "provideClusterInfo": False,
        }
    }


def test_an_exec_user_leaves_out_what_was_not_given() -> None:
    assert exec_user("hyperpod-demo", None, command="/usr/bin/hyptui") == {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "/usr/bin/hyptui",
            "args": ["eks-token", "--cluster-name", "hyperpod-demo"],
            "interactiveMode": "Never",
            "provideClusterInfo": False,
        }
    }


def test_hyptui_command_is_the_script_beside_the_interpreter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    assert hyptui_command() == "hyptui"
    (bin_dir / "hyptui").write_text("#!/bin/sh\n")
    assert hyptui_command() == str(bin_dir / "hyptui")
