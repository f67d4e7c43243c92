"""The region in the current kubeconfig context's EKS ARN, and the `--profile`/`--region` flags."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hyptui.aws.region import region_of_eks_arn, region_of_kube_context
from hyptui.commands.parser import build_parser

ARN = "arn:aws:eks:eu-central-1:123456789012:cluster/research"


def test_region_of_an_eks_arn() -> None:
    assert region_of_eks_arn(ARN) == "eu-central-1"
    assert region_of_eks_arn("hyptui-sim") is None


def test_region_of_the_current_or_named_context(tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "contexts": [
                    {"name": ARN, "context": {"cluster": ARN, "user": ARN}},
                    {"name": "kind", "context": {"cluster": "kind", "user": "kind"}},
                ],
                "current-context": ARN,
            }
        )
    )
    assert region_of_kube_context(path) == "eu-central-1"
    assert region_of_kube_context(path, "kind") is None
    assert region_of_kube_context(tmp_path / "missing") is None


def test_profile_and_region_flags() -> None:
    args = build_parser().parse_args(["--profile", "research", "--region", "us-west-2"])
    assert (args.profile, args.region) == ("research", "us-west-2")


def test_a_bad_region_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--region", "Ohio"])
    assert "--region must be an AWS region such as us-east-2, not 'Ohio'" in capsys.readouterr().err
