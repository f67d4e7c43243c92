"""The AWS gateway's read calls against moto's server: a second, independent implementation of the SageMaker, EKS
and CloudFormation wire protocols, so the gateway is not only ever checked against hyptui's own simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from hyptui.aws.failures import AwsFailure
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.target import DEMO_REGION, AwsTarget

TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "hyptui-moto-bucket"}}},
}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # never 0.0.0.0
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def target(moto_url: str) -> AwsTarget:
    return AwsTarget.embedded(moto_url)


@pytest.fixture(scope="module")
def seeded(target: AwsTarget) -> dict[str, str]:
    """What the talk's account holds, made through moto's own API: an EKS cluster, a HyperPod cluster on it, a stack."""
    eks = target.client("eks").create_cluster(
        name="ml-cluster-eks",
        roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": ["subnet-0a"], "securityGroupIds": ["sg-0a"]},
    )["cluster"]
    sagemaker = target.client("sagemaker")
    group = {
        "InstanceGroupName": "accelerated-worker-group",
        "InstanceType": "ml.g5.12xlarge",
        "InstanceCount": 4,
        "ThreadsPerCore": 1,
        "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lifecycle/scripts", "OnCreate": "on_create.sh"},
        "ExecutionRole": "arn:aws:iam::123456789012:role/hyperpod",
    }
    cluster_arn = sagemaker.create_cluster(
        ClusterName="ml-cluster",
        InstanceGroups=[group],
        VpcConfig={"SecurityGroupIds": ["sg-0a"], "Subnets": ["subnet-0a"]},
        Orchestrator={"Eks": {"ClusterArn": eks["arn"]}},
    )["ClusterArn"]
    stack_id = target.client("cloudformation").create_stack(
        StackName="hyptui-moto-stack", TemplateBody=json.dumps(TEMPLATE)
    )["StackId"]
    return {"eks_arn": eks["arn"], "cluster_arn": cluster_arn, "stack_id": stack_id}


def test_clusters_and_nodes_read_the_same_from_moto(target: AwsTarget, seeded: dict[str, str]) -> None:
    gateway = AwsGateway(target)
    [summary] = gateway.list_clusters()
    assert (summary.name, summary.arn) == ("ml-cluster", seeded["cluster_arn"])
    detail = gateway.describe_cluster("ml-cluster")
    # moto keeps no Orchestrator, so the cluster reads as an old Slurm one does: without the key
    assert (detail.orchestrator, detail.eks_cluster_arn) == ("Slurm", "")
    assert [(g.instance_type, g.target_count) for g in detail.instance_groups] == [("ml.g5.12xlarge", 4)]
    assert (detail.subnets, detail.security_groups) == (("subnet-0a",), ("sg-0a",))
    nodes = gateway.list_cluster_nodes("ml-cluster")
    assert all(node.instance_type == "ml.g5.12xlarge" for node in nodes)
    eks = gateway.eks_cluster("ml-cluster-eks")
    assert (eks.name, eks.arn, eks.region) == ("ml-cluster-eks", seeded["eks_arn"], DEMO_REGION)


def test_stacks_and_their_events_read_the_same_from_moto(target: AwsTarget, seeded: dict[str, str]) -> None:
    gateway = AwsGateway(target)
    stack = gateway.describe_stack("hyptui-moto-stack")
    assert stack.stack_id == seeded["stack_id"] and stack.status == "CREATE_COMPLETE"
    assert seeded["stack_id"] in {s.stack_id for s in gateway.list_stacks()}
    events = gateway.stack_events("hyptui-moto-stack")
    own = [e.status for e in events if e.logical_id == "hyptui-moto-stack"]
    assert own[0] == "CREATE_COMPLETE" and own[-1] == "CREATE_IN_PROGRESS"  # newest first


def test_a_missing_cluster_is_the_same_clear_failure_on_moto(target: AwsTarget, seeded: dict[str, str]) -> None:
    with pytest.raises(AwsFailure, match="no-such-cluster"):
        AwsGateway(target).describe_cluster("no-such-cluster")


def test_the_caller_reads_the_same_from_moto(target: AwsTarget) -> None:
    identity = AwsGateway(target).caller_identity()
    assert identity.account == "123456789012"  # moto's default account
    assert identity.arn.startswith("arn:aws:sts::123456789012:")
