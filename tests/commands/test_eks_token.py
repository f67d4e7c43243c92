"""`hyptui eks-token` as kubectl runs it: a child process whose stdout is an ExecCredential the embedded API server's
authenticator accepts, or which fails with one line on stderr and nothing on stdout."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hyptui.sim.apiserver.authentication import TokenAuthenticator
from tests.aws_environment import AWS_VARIABLES
from tests.commands.hyptui_process import HYPTUI

CLUSTER = "hyperpod-demo"
ENV_KEY, ENV_SECRET = "AKIAHYPTUIENV", "env-secret"
PROFILE_KEY, PROFILE_SECRET = "AKIAHYPTUITEAM", "team-secret"


@pytest.fixture
def aws_home(tmp_path: Path) -> dict[str, str]:
    """An environment with none of the developer's AWS settings, whose config files define the profile `team`."""
    (tmp_path / "config").write_text("[profile team]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(
        f"[team]\naws_access_key_id = {PROFILE_KEY}\naws_secret_access_key = {PROFILE_SECRET}\n"
    )
    env = {name: value for name, value in os.environ.items() if name not in AWS_VARIABLES}
    return env | {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def eks_token(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HYPTUI, *args], env=env, capture_output=True, text=True, timeout=60)


def sts_host(token: str) -> str:
    encoded = token.removeprefix("k8s-aws-v1.")
    return urlsplit(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()).netloc


def expires_at(credential: dict) -> datetime:
    return datetime.strptime(credential["status"]["expirationTimestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_environment_credentials_make_a_token_the_cluster_accepts(aws_home: dict[str, str]) -> None:
    env = aws_home | {"AWS_ACCESS_KEY_ID": ENV_KEY, "AWS_SECRET_ACCESS_KEY": ENV_SECRET}
    before = datetime.now(UTC).replace(microsecond=0)
    result = eks_token(env, "eks-token", "--cluster-name", CLUSTER, "--region", "us-east-2")
    after = datetime.now(UTC)
    assert (result.returncode, result.stderr) == (0, "")
    credential = json.loads(result.stdout)
    assert credential["kind"] == "ExecCredential"
    assert credential["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert credential["spec"] == {}
    assert before + timedelta(minutes=14) <= expires_at(credential) <= after + timedelta(minutes=14)
    token = credential["status"]["token"]
    assert sts_host(token) == "sts.us-east-2.amazonaws.com"
    authenticator = TokenAuthenticator(CLUSTER, {ENV_KEY: ENV_SECRET})
    assert authenticator.authenticate(f"Bearer {token}") == f"arn:aws:iam::123456789012:user/{ENV_KEY}"


def test_a_profile_from_the_config_files_signs_in_its_region(aws_home: dict[str, str]) -> None:
    result = eks_token(aws_home, "eks-token", "--cluster-name", CLUSTER, "--profile", "team")
    assert result.returncode == 0, result.stderr
    token = json.loads(result.stdout)["status"]["token"]
    assert sts_host(token) == "sts.eu-west-1.amazonaws.com"
    authenticator = TokenAuthenticator(CLUSTER, {PROFILE_KEY: PROFILE_SECRET})
    assert authenticator.authenticate(f"Bearer {token}") == f"arn:aws:iam::123456789012:user/{PROFILE_KEY}"


def test_hyptuis_global_profile_and_region_apply_and_the_subcommands_own_win(aws_home: dict[str, str]) -> None:
    result = eks_token(aws_home, "--profile", "team", "--region", "us-west-2", "eks-token", "--cluster-name", CLUSTER)
    assert result.returncode == 0, result.stderr
    assert sts_host(json.loads(result.stdout)["status"]["token"]) == "sts.us-west-2.amazonaws.com"
    result = eks_token(
        aws_home,
        "--region",
        "us-west-2",
        "eks-token",
        "--cluster-name",
        CLUSTER,
        "--profile",
        "team",
        "--region",
        "ap-south-1",
    )
    assert result.returncode == 0, result.stderr
    assert sts_host(json.loads(result.stdout)["status"]["token"]) == "sts.ap-south-1.amazonaws.com"


def test_aws_region_comes_before_the_profiles_region(aws_home: dict[str, str]) -> None:
    result = eks_token(
        aws_home | {"AWS_REGION": "sa-east-1"}, "eks-token", "--cluster-name", CLUSTER, "--profile", "team"
    )
    assert result.returncode == 0, result.stderr
    assert sts_host(json.loads(result.stdout)["status"]["token"]) == "sts.sa-east-1.amazonaws.com"


def test_a_short_lifetime_is_reported_with_a_proportional_margin(aws_home: dict[str, str]) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = eks_token(aws_home, "eks-token", "--cluster-name", CLUSTER, "--profile", "team", "--lifetime", "5")
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    assert before + timedelta(seconds=4) <= expires_at(json.loads(result.stdout)) <= after + timedelta(seconds=4)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--profile", "nobody"], {}, "hyptui eks-token: The config profile (nobody) could not be found"),
        ([], {}, "hyptui eks-token: no AWS credentials found"),
        (["--profile", "team", "--region", "us east 2"], {}, "hyptui eks-token: 'us east 2' is not an AWS region"),
        (["--profile", "team"], {"AWS_REGION": "mars"}, "hyptui eks-token: 'mars' is not an AWS region"),
        (["--profile", "team", "--lifetime", "901"], {}, "hyptui eks-token: --lifetime must be a whole number"),
        (["--profile", "team", "--lifetime", "soon"], {}, "hyptui eks-token: --lifetime must be a whole number"),
    ],
)
def test_a_failure_is_one_line_on_stderr_and_nothing_on_stdout(
    aws_home: dict[str, str], args: list[str], env: dict[str, str], message: str
) -> None:
    result = eks_token(aws_home | env, "eks-token", "--cluster-name", CLUSTER, *args)
    assert (result.returncode, result.stdout) == (1, "")
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)
