"""The AWS gateway against the embedded cluster's AWS side over real HTTP: clusters, nodes, EKS and the caller, with
pagination, credential and region resolution, and a clear message for each way AWS can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyptui.aws.failures import AwsFailure
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.target import DEMO_REGION, AwsTarget
from hyptui.hyperpod.kinds import NODES
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.nodes.hyperpod_nodes import instance_id

LIVE = "ml-cluster-aim371"


def test_lists_every_cluster_and_describes_instance_groups(gateway: AwsGateway) -> None:
    clusters = gateway.list_clusters()
    assert [c.name for c in clusters] == [LIVE, "ml-cluster", "ml-cluster-slurm"]
    detail = gateway.describe_cluster(LIVE)
    assert detail.orchestrator == "EKS" and detail.eks_cluster_name == f"{LIVE}-eks"
    assert [(g.instance_type, g.current_count) for g in detail.instance_groups] == [
        ("ml.g5.12xlarge", 4),
        ("ml.t3.medium", 6),
    ]
    slurm = gateway.describe_cluster("ml-cluster-slurm")
    assert slurm.orchestrator == "Slurm" and slurm.eks_cluster_arn == ""
    with pytest.raises(AwsFailure, match="ml-cluster-slurm is not EKS-orchestrated"):
        gateway.eks_cluster_of(slurm)


def test_nodes_come_from_every_page(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    # Eleven nodes: more than SageMaker's default page of ten, so the paginator has to follow NextToken.
    extra = frozen_cluster.store.list(NODES)[0][0]
    extra["metadata"] = {**extra["metadata"], "name": "hyperpod-i-0aaaaaaaaaaaaaaaa"}
    for field in ("uid", "resourceVersion", "creationTimestamp"):
        extra["metadata"].pop(field, None)
    frozen_cluster.store.create(NODES, extra)
    nodes = gateway.list_cluster_nodes(LIVE)
    expected = {instance_id(n["metadata"]["name"]) for n in frozen_cluster.store.list(NODES)[0]}
    assert len(nodes) == 11 and {n.instance_id for n in nodes} == expected
    one = gateway.describe_cluster_node(LIVE, "i-0aaaaaaaaaaaaaaaa")
    assert one.status == "Running" and one.availability_zone == "us-east-2b" and one.private_ip


def test_eks_cluster_and_caller(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    eks = gateway.eks_cluster_of(gateway.describe_cluster(LIVE))
    assert eks.endpoint == frozen_cluster.url and eks.region == DEMO_REGION and eks.certificate_authority
    identity = gateway.caller_identity()
    assert identity.account == "123456789012" and identity.arn.endswith(":user/hyptui")


def test_no_credentials_is_a_clear_message(frozen_cluster: EmbeddedCluster) -> None:
    gateway = AwsGateway(AwsTarget(region=DEMO_REGION, endpoint_url=frozen_cluster.aws_url))
    with pytest.raises(AwsFailure, match=r"Cannot check the AWS credentials: no AWS credentials found"):
        gateway.caller_identity()


def test_unknown_profile_is_a_clear_message(frozen_cluster: EmbeddedCluster) -> None:
    gateway = AwsGateway(AwsTarget(profile="nobody", region=DEMO_REGION, endpoint_url=frozen_cluster.aws_url))
    with pytest.raises(AwsFailure, match=r"the AWS profile 'nobody' is not in ~/.aws/config"):
        gateway.list_clusters()


def test_a_profile_gives_credentials_and_region(frozen_cluster: EmbeddedCluster, clean_aws_environment: Path) -> None:
    (clean_aws_environment / "config").write_text("[profile research]\nregion = us-east-2\n")
    (clean_aws_environment / "credentials").write_text(
        "[research]\naws_access_key_id = researcher\naws_secret_access_key = secret\n"
    )
    gateway = AwsGateway(AwsTarget(profile="research", endpoint_url=frozen_cluster.aws_url))
    assert gateway.region == "us-east-2"
    assert gateway.caller_identity().arn.endswith(":user/researcher")
    assert len(gateway.list_clusters()) == 3


def test_region_falls_back_to_the_eks_context_then_fails_clearly(
    frozen_cluster: EmbeddedCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "hyptui")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hyptui")
    from_context = AwsGateway(AwsTarget(endpoint_url=frozen_cluster.aws_url), context_region="us-east-2")
    assert from_context.list_clusters()[0].name == LIVE
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert AwsGateway(AwsTarget(endpoint_url=frozen_cluster.aws_url), context_region="us-east-2").region == "eu-west-1"
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(AwsFailure, match=r"no AWS region\. Pass --region, set AWS_REGION"):
        AwsGateway(AwsTarget(endpoint_url=frozen_cluster.aws_url)).list_clusters()


def test_a_region_without_clusters_lists_none(frozen_cluster: EmbeddedCluster) -> None:
    target = AwsTarget.embedded(frozen_cluster.aws_url)
    gateway = AwsGateway(AwsTarget(target.profile, "ap-south-1", target.endpoint_url, "hyptui", "hyptui"))
    assert gateway.list_clusters() == ()
    with pytest.raises(AwsFailure) as missing:
        gateway.describe_cluster(LIVE)
    assert missing.value.not_found and "Cluster 'ml-cluster-aim371' not found" in str(missing.value)


def test_access_denied_names_the_action(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    frozen_cluster.aws.faults.deny("sagemaker:ListClusters")
    with pytest.raises(AwsFailure) as denied:
        gateway.list_clusters()
    assert str(denied.value).startswith("Cannot list HyperPod clusters in us-east-2: access denied.")
    assert "not authorized to perform: sagemaker:ListClusters" in str(denied.value)
    assert denied.value.code == "AccessDeniedException"


def test_throttling_is_retried_then_reported(frozen_cluster: EmbeddedCluster) -> None:
    frozen_cluster.aws.faults.throttle(2, "sagemaker:DescribeCluster")
    patient = AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url), max_attempts=3)
    assert patient.describe_cluster(LIVE).name == LIVE
    frozen_cluster.aws.faults.throttle(3, "sagemaker:DescribeCluster")
    impatient = AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url), max_attempts=2)
    with pytest.raises(AwsFailure, match=r"AWS is throttling requests \(Rate exceeded\) and still was after 1 retries"):
        impatient.describe_cluster(LIVE)


def test_expired_credentials_say_how_to_refresh(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    frozen_cluster.aws.faults.expire_credentials()
    with pytest.raises(AwsFailure, match=r"the AWS credentials have expired or are not valid \(ExpiredToken\)"):
        gateway.caller_identity()
