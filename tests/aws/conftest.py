"""The AWS gateway's tests run boto3 against the embedded cluster's AWS server, in an environment stripped of the
developer's own AWS settings so credentials and region come only from what each test gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hyptui.aws.gateway import AwsGateway
from hyptui.aws.target import AwsTarget
from hyptui.sim.cluster import EmbeddedCluster
from tests.aws_environment import strip_aws_environment


@pytest.fixture(autouse=True)
def clean_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    aws_dir = tmp_path / "aws"
    aws_dir.mkdir()
    strip_aws_environment(monkeypatch, aws_dir)
    yield aws_dir


@pytest.fixture
def gateway(frozen_cluster: EmbeddedCluster) -> AwsGateway:
    return AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url))
