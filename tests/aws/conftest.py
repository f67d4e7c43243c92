"""The AWS gateway's tests run boto3 against the embedded cluster's AWS server, in an environment stripped of the
developer's own AWS settings so credentials and region come only from what each test gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hyptui.aws.gateway import AwsGateway
from hyptui.aws.target import AwsTarget
from hyptui.sim.cluster import EmbeddedCluster

AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_ENDPOINT_URL",
)


@pytest.fixture(autouse=True)
def clean_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    aws_dir = tmp_path / "aws"
    aws_dir.mkdir()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_dir / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws_dir / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-role probe on a machine without one
    yield aws_dir


@pytest.fixture
def gateway(frozen_cluster: EmbeddedCluster) -> AwsGateway:
    return AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url))
