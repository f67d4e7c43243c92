"""The embedded cluster's SageMaker, EKS and STS over real HTTP with boto3: HyperPod clusters and nodes that agree with
its Kubernetes side, pagination as the service models define it, and AWS-shaped errors in each protocol."""

from __future__ import annotations

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from hyptui.hyperpod.kinds import NODES
from hyptui.hyperpod.labels import NODE_HEALTH_LABEL, PENDING_REPLACEMENT
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.nodes.hyperpod_nodes import instance_id
from tests.sim.aws.aws_clients import aws_client

LIVE = "ml-cluster-aim371"


@pytest.fixture
def sagemaker(frozen_cluster: EmbeddedCluster) -> BaseClient:
    return aws_client(frozen_cluster, "sagemaker")


def test_lists_two_eks_clusters_and_one_slurm_cluster_newest_first(sagemaker: BaseClient) -> None:
    summaries = sagemaker.list_clusters()["ClusterSummaries"]
    assert [s["ClusterName"] for s in summaries] == [LIVE, "ml-cluster", "ml-cluster-slurm"]
    assert {s["ClusterStatus"] for s in summaries} == {"InService"}
    assert all(s["ClusterArn"].startswith("arn:aws:sagemaker:us-east-2:123456789012:cluster/") for s in summaries)
    orchestrators = [sagemaker.describe_cluster(ClusterName=s["ClusterArn"]).get("Orchestrator") for s in summaries]
    assert [next(iter(o)) if o else None for o in orchestrators] == ["Eks", "Eks", None]  # Slurm: no key
    by_name = sagemaker.list_clusters(SortBy="NAME", SortOrder="Ascending", NameContains="ml-cluster-")
    assert [s["ClusterName"] for s in by_name["ClusterSummaries"]] == [LIVE, "ml-cluster-slurm"]


def test_the_live_cluster_describes_the_instance_groups_its_nodes_form(
    frozen_cluster: EmbeddedCluster, sagemaker: BaseClient
) -> None:
    detail = sagemaker.describe_cluster(ClusterName=LIVE)
    groups = {g["InstanceGroupName"]: (g["InstanceType"], g["CurrentCount"]) for g in detail["InstanceGroups"]}
    assert groups == {
        "accelerated-worker-group": ("ml.g5.12xlarge", 4),
        "general-purpose-worker-group": ("ml.t3.medium", 6),
    }
    assert detail["Orchestrator"]["Eks"]["ClusterArn"] == f"arn:aws:eks:us-east-2:123456789012:cluster/{LIVE}-eks"
    nodes, _ = frozen_cluster.store.list(NODES)
    listed = sagemaker.list_cluster_nodes(ClusterName=LIVE)["ClusterNodeSummaries"]
    assert {n["InstanceId"] for n in listed} == {instance_id(n["metadata"]["name"]) for n in nodes}
    assert {n["InstanceStatus"]["Status"] for n in listed} == {"Running"}
    node = nodes[0]
    details = sagemaker.describe_cluster_node(ClusterName=LIVE, NodeId=instance_id(node["metadata"]["name"]))
    address = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
    assert details["NodeDetails"]["PrivatePrimaryIp"] == address
    assert details["NodeDetails"]["LaunchTime"].isoformat().startswith("2026-11-16T10:00:00")
    assert details["NodeDetails"]["Placement"] == {"AvailabilityZone": "us-east-2b", "AvailabilityZoneId": "use2-az2"}


def test_a_node_pending_replacement_shows_as_shutting_down_and_degrades_its_group(
    frozen_cluster: EmbeddedCluster, sagemaker: BaseClient
) -> None:
    gpu_node = next(n for n in frozen_cluster.store.list(NODES)[0] if "nvidia.com/gpu" in n["status"]["capacity"])
    name = gpu_node["metadata"]["name"]
    frozen_cluster.store.mutate(
        NODES, None, name, lambda n: n["metadata"]["labels"].__setitem__(NODE_HEALTH_LABEL, PENDING_REPLACEMENT)
    )
    node = sagemaker.describe_cluster_node(ClusterName=LIVE, NodeId=instance_id(name))["NodeDetails"]
    assert node["InstanceStatus"]["Status"] == "ShuttingDown"
    groups = {
        g["InstanceGroupName"]: g["Status"] for g in sagemaker.describe_cluster(ClusterName=LIVE)["InstanceGroups"]
    }
    assert groups == {"accelerated-worker-group": "Degraded", "general-purpose-worker-group": "InService"}


def test_pages_follow_next_token_until_every_node_is_listed(sagemaker: BaseClient) -> None:
    first = sagemaker.list_cluster_nodes(ClusterName=LIVE, MaxResults=4, SortBy="NAME", SortOrder="Ascending")
    assert len(first["ClusterNodeSummaries"]) == 4 and first["NextToken"]
    pages = sagemaker.get_paginator("list_cluster_nodes").paginate(
        ClusterName=LIVE, SortBy="NAME", SortOrder="Ascending", PaginationConfig={"PageSize": 4}
    )
    ids = [n["InstanceId"] for p in pages for n in p["ClusterNodeSummaries"]]
    assert len(ids) == 10 and ids == sorted(ids) and ids[:4] == [n["InstanceId"] for n in first["ClusterNodeSummaries"]]
    with pytest.raises(ClientError) as bad_token:
        sagemaker.list_cluster_nodes(ClusterName=LIVE, NextToken="not-a-token")
    assert bad_token.value.response["Error"]["Code"] == "ValidationException"


def test_static_clusters_have_plausible_nodes_and_a_slurm_controller(sagemaker: BaseClient) -> None:
    slurm = sagemaker.describe_cluster(ClusterName="ml-cluster-slurm")
    assert [g["SlurmConfig"]["NodeType"] for g in slurm["InstanceGroups"]] == ["Controller", "Login", "Compute"]
    nodes = sagemaker.list_cluster_nodes(ClusterName="ml-cluster-slurm", InstanceGroupNameContains="worker")
    assert [n["InstanceType"] for n in nodes["ClusterNodeSummaries"]] == ["ml.g5.8xlarge"] * 4


def test_unknown_cluster_and_node_are_resource_not_found(sagemaker: BaseClient) -> None:
    with pytest.raises(ClientError) as missing:
        sagemaker.describe_cluster(ClusterName="no-such-cluster")
    assert missing.value.response["Error"] == {
        "Code": "ResourceNotFound",
        "Message": "Cluster 'no-such-cluster' not found.",
    }
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        sagemaker.describe_cluster_node(ClusterName=LIVE, NodeId="i-0000000000000000")


def test_a_region_without_clusters_lists_none(frozen_cluster: EmbeddedCluster) -> None:
    assert aws_client(frozen_cluster, "sagemaker", region="eu-west-1").list_clusters()["ClusterSummaries"] == []
    assert aws_client(frozen_cluster, "eks", region="eu-west-1").list_clusters()["clusters"] == []


def test_eks_describe_cluster_points_at_the_embedded_kubernetes_api(frozen_cluster: EmbeddedCluster) -> None:
    eks = aws_client(frozen_cluster, "eks")
    assert eks.list_clusters()["clusters"] == [f"{LIVE}-eks", "ml-cluster-eks"]
    live = eks.describe_cluster(name=f"{LIVE}-eks")["cluster"]
    assert live["endpoint"] == frozen_cluster.url
    assert live["arn"] == f"arn:aws:eks:us-east-2:123456789012:cluster/{LIVE}-eks"
    assert live["status"] == "ACTIVE" and live["certificateAuthority"]["data"]
    other = eks.describe_cluster(name="ml-cluster-eks")["cluster"]
    assert other["endpoint"].endswith(".gr7.us-east-2.eks.amazonaws.com")
    with pytest.raises(eks.exceptions.ResourceNotFoundException) as missing:
        eks.describe_cluster(name="nope")
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_sts_names_the_caller_after_its_access_key(frozen_cluster: EmbeddedCluster) -> None:
    identity = aws_client(frozen_cluster, "sts").get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:user/hyptui"


def test_access_denied_in_each_protocol(frozen_cluster: EmbeddedCluster) -> None:
    frozen_cluster.aws.faults.deny("sagemaker:ListClusters", "sts:GetCallerIdentity", "eks:DescribeCluster")
    for call, code in (
        (lambda: aws_client(frozen_cluster, "sagemaker").list_clusters(), "AccessDeniedException"),
        (lambda: aws_client(frozen_cluster, "sts").get_caller_identity(), "AccessDenied"),
        (lambda: aws_client(frozen_cluster, "eks").describe_cluster(name=f"{LIVE}-eks"), "AccessDeniedException"),
    ):
        with pytest.raises(ClientError) as denied:
            call()
        assert denied.value.response["Error"]["Code"] == code
        assert "is not authorized to perform" in denied.value.response["Error"]["Message"]
    assert aws_client(frozen_cluster, "sagemaker").describe_cluster(ClusterName=LIVE)["ClusterName"] == LIVE


def test_boto3_retries_throttling_then_succeeds_or_gives_up(frozen_cluster: EmbeddedCluster) -> None:
    frozen_cluster.aws.faults.throttle(2, "sagemaker:ListClusters")
    retrying = aws_client(frozen_cluster, "sagemaker", retries={"mode": "standard", "total_max_attempts": 3})
    reply = retrying.list_clusters()
    assert reply["ResponseMetadata"]["RetryAttempts"] == 2 and reply["ClusterSummaries"]
    frozen_cluster.aws.faults.throttle(5, "sts:GetCallerIdentity")
    with pytest.raises(ClientError) as throttled:
        aws_client(frozen_cluster, "sts", retries={"mode": "standard", "total_max_attempts": 2}).get_caller_identity()
    assert throttled.value.response["Error"]["Code"] == "Throttling"
    assert throttled.value.response["ResponseMetadata"]["RetryAttempts"] == 1


def test_expired_credentials_are_reported_as_such(frozen_cluster: EmbeddedCluster) -> None:
    frozen_cluster.aws.faults.expire_credentials()
    with pytest.raises(ClientError) as expired:
        aws_client(frozen_cluster, "sts").get_caller_identity()
    assert expired.value.response["Error"]["Code"] == "ExpiredToken"
