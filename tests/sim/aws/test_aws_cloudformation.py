"""CloudFormation on the embedded cluster with boto3: a HyperPod cluster stack whose nested stacks complete over two
simulated minutes and leave a new HyperPod cluster, a stack that fails and rolls back with the reason, and deletion."""

from __future__ import annotations

import json

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from hyptui.sim.cluster import EmbeddedCluster
from tests.sim.aws.aws_clients import aws_client

CAPABILITIES = ["CAPABILITY_AUTO_EXPAND", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
TEMPLATE = "https://aws-sagemaker-hyperpod-cluster-setup-us-east-2-prod.s3.amazonaws.com/1.0/templates/main.yaml"
GROUPS = [{"InstanceCount": 2, "InstanceGroupName": "workers", "InstanceType": "ml.g5.8xlarge"}]


@pytest.fixture
def cfn(frozen_cluster: EmbeddedCluster) -> BaseClient:
    return aws_client(frozen_cluster, "cloudformation")


def create(cfn: BaseClient, name: str, cluster_name: str = "new-cluster") -> str:
    parameters = {
        "HyperPodClusterName": cluster_name,
        "EKSClusterName": f"{cluster_name}-eks",
        "InstanceGroupSettings1": json.dumps(GROUPS),
        "CreateFsxStack": "true",
    }
    return cfn.create_stack(
        StackName=name,
        TemplateURL=TEMPLATE,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=CAPABILITIES,
    )["StackId"]


def status(cfn: BaseClient, name: str) -> str:
    return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]


def test_a_cluster_stack_unfolds_over_two_minutes_and_leaves_a_cluster(
    frozen_cluster: EmbeddedCluster, cfn: BaseClient
) -> None:
    sagemaker = aws_client(frozen_cluster, "sagemaker")
    stack_id = create(cfn, "HyperpodClusterStack-1a2b3")
    nested = [s for s in cfn.describe_stacks()["Stacks"] if s.get("ParentId") == stack_id]
    assert nested == []  # nested stacks start a moment later
    frozen_cluster.advance(60, step=10)
    assert status(cfn, stack_id) == "CREATE_IN_PROGRESS"
    names = {s["StackName"].split("-")[2] for s in cfn.describe_stacks()["Stacks"] if s.get("ParentId") == stack_id}
    assert {"VPCStack", "SecurityGroupStack", "S3EndpointStack", "EKSClusterStack", "FsxStack"} <= names
    frozen_cluster.advance(35, step=5)
    creating = sagemaker.describe_cluster(ClusterName="new-cluster")
    assert creating["ClusterStatus"] == "Creating" and creating["InstanceGroups"][0]["CurrentCount"] == 0
    frozen_cluster.advance(30, step=10)
    described = cfn.describe_stacks(StackName="HyperpodClusterStack-1a2b3")["Stacks"][0]
    assert described["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    cluster = sagemaker.describe_cluster(ClusterName="new-cluster")
    assert outputs["OutputHyperPodClusterArn"] == cluster["ClusterArn"] and cluster["ClusterStatus"] == "InService"
    assert [(g["InstanceType"], g["CurrentCount"]) for g in cluster["InstanceGroups"]] == [("ml.g5.8xlarge", 2)]
    assert cluster["Orchestrator"]["Eks"]["ClusterArn"].endswith(":cluster/new-cluster-eks")
    events = cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
    assert (events[0]["LogicalResourceId"], events[0]["ResourceStatus"]) == (
        "HyperpodClusterStack-1a2b3",
        "CREATE_COMPLETE",
    )
    assert (events[-1]["ResourceStatus"], events[-1]["ResourceStatusReason"]) == (
        "CREATE_IN_PROGRESS",
        "User Initiated",
    )
    times = [e["Timestamp"] for e in events]
    assert times == sorted(times, reverse=True) and 90 <= (times[0] - times[-1]).total_seconds() <= 150


def test_a_stack_naming_an_existing_cluster_fails_there_and_rolls_back(
    frozen_cluster: EmbeddedCluster, cfn: BaseClient
) -> None:
    stack_id = create(cfn, "clash", cluster_name="ml-cluster")
    frozen_cluster.advance(200, step=10)
    assert status(cfn, "clash") == "ROLLBACK_COMPLETE"
    hyperpod = next(s for s in cfn.describe_stacks()["Stacks"] if "HyperPodClusterStack" in s["StackName"])
    assert hyperpod["ParentId"] == stack_id and hyperpod["StackStatus"] == "CREATE_FAILED"
    failed = [
        e
        for e in cfn.describe_stack_events(StackName=hyperpod["StackId"])["StackEvents"]
        if e["ResourceStatus"] == "CREATE_FAILED" and e["LogicalResourceId"] == "HyperPodCluster"
    ]
    assert "Cluster with name ml-cluster already exists" in failed[0]["ResourceStatusReason"]
    reasons = [e.get("ResourceStatusReason", "") for e in cfn.describe_stack_events(StackName="clash")["StackEvents"]]
    assert "The following resource(s) failed to create: [HyperPodClusterStack]. Rollback requested by user." in reasons


def test_deleting_the_stack_removes_the_cluster(frozen_cluster: EmbeddedCluster, cfn: BaseClient) -> None:
    stack_id = create(cfn, "short-lived")
    with pytest.raises(ClientError, match="cannot be deleted while in status CREATE_IN_PROGRESS"):
        cfn.delete_stack(StackName="short-lived")
    frozen_cluster.advance(150, step=10)
    with pytest.raises(ClientError, match="RetainResources can only be specified"):
        cfn.delete_stack(StackName="short-lived", RetainResources=["VPCStack"])
    cfn.delete_stack(StackName="short-lived")
    assert status(cfn, "short-lived") == "DELETE_IN_PROGRESS"
    frozen_cluster.advance(60, step=10)
    with pytest.raises(ClientError) as gone:
        cfn.describe_stacks(StackName="short-lived")
    assert gone.value.response["Error"] == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "Stack with id short-lived does not exist",
    }
    assert status(cfn, stack_id) == "DELETE_COMPLETE"  # by id, a deleted stack is still found
    listed = {s["StackName"]: s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"] if "ParentId" not in s}
    assert listed == {"short-lived": "DELETE_COMPLETE"}
    live = cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE"])["StackSummaries"]
    assert live == []
    sagemaker = aws_client(frozen_cluster, "sagemaker")
    assert "new-cluster" not in [c["ClusterName"] for c in sagemaker.list_clusters()["ClusterSummaries"]]


def test_bad_requests_get_cloudformation_errors(cfn: BaseClient) -> None:
    with pytest.raises(ClientError) as capabilities:
        cfn.create_stack(StackName="s", TemplateURL=TEMPLATE, Capabilities=["CAPABILITY_IAM"])
    assert capabilities.value.response["Error"]["Code"] == "InsufficientCapabilitiesException"
    assert "CAPABILITY_NAMED_IAM" in capabilities.value.response["Error"]["Message"]
    with pytest.raises(ClientError, match="Either Template URL or Template Body must be specified"):
        cfn.create_stack(StackName="s", Capabilities=CAPABILITIES)
    create(cfn, "twice")
    with pytest.raises(cfn.exceptions.AlreadyExistsException):
        create(cfn, "twice", cluster_name="other")
    with pytest.raises(ClientError, match="Stack \\[nope\\] does not exist"):
        cfn.describe_stack_events(StackName="nope")
