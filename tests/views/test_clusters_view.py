"""Cluster rows, a cluster's detail and a stack's progress tree from the AWS values the gateway returns; the store's
AWS actions; and the CloudFormation request a cluster-stack config.yaml becomes, as `hyp create` sends it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import pytest

from hyptui.aws.clusters import ClusterDetail, ClusterNode, EksCluster, InstanceGroup
from hyptui.aws.stacks import Stack, StackEvent
from hyptui.hyp_configs.cluster_stack_params import ClusterStackParamsError, stack_request
from hyptui.store.actions import AwsClustersLoaded, AwsFailed, AwsStackLoaded
from hyptui.store.reducers import reduce
from hyptui.store.state import EMPTY_STATE, AwsCluster, AwsClusters, StackProgress
from hyptui.views.clusters import (
    cluster_detail_view,
    cluster_row,
    elapsed,
    instance_groups_text,
    slurm_message,
    stack_view,
)
from hyptui.views.tones import Tone, tone_of

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
STACK = "AWS::CloudFormation::Stack"


def node(instance: str, status: str = "Running", itype: str = "ml.g5.12xlarge") -> ClusterNode:
    return ClusterNode(instance, "gpu", itype, status, "", NOW - timedelta(days=12))


def detail(orchestrator: str = "EKS") -> ClusterDetail:
    return ClusterDetail(
        name="ml-cluster-aim371",
        arn="arn:aws:sagemaker:us-east-2:123456789012:cluster/abc",
        status="InService",
        created=NOW - timedelta(days=12),
        orchestrator=orchestrator,
        eks_cluster_arn="arn:aws:eks:us-east-2:123456789012:cluster/ml-eks" if orchestrator == "EKS" else "",
        instance_groups=(
            InstanceGroup("accelerated", "ml.g5.12xlarge", 4, 4, "InService"),
            InstanceGroup("general", "ml.t3.medium", 6, 6, "InService"),
            InstanceGroup("more-gpus", "ml.g5.12xlarge", 1, 2, "Updating"),
        ),
        subnets=("subnet-1",),
        security_groups=("sg-1",),
    )


def test_a_cluster_row_counts_instances_per_type_healthy_nodes_and_gpus() -> None:
    nodes = (node("i-1"), node("i-2", "ShuttingDown"), node("i-3", "Pending"))
    row = cluster_row(AwsCluster(detail(), nodes), NOW)
    assert row.instance_groups == "5\u00d7ml.g5.12xlarge, 6\u00d7ml.t3.medium"
    assert (row.nodes, row.gpus, row.age, row.orchestrator) == ("1/3", 20, "12d", "EKS")


def test_unknown_instance_types_count_no_gpus_and_groups_keep_their_order() -> None:
    slurm = ClusterDetail(
        "s", "arn:s", "InService", None, "Slurm", "", (InstanceGroup("c", "ml.unknown", 2, 2, "InService"),), (), ()
    )
    assert instance_groups_text(slurm) == "2\u00d7ml.unknown"
    row = cluster_row(AwsCluster(slurm, ()), NOW)
    assert (row.gpus, row.nodes, row.age) == (0, "0/0", "")
    assert "orchestrated by Slurm" in slurm_message("s") and "EKS-orchestrated clusters only" in slurm_message("s")


def test_the_detail_names_the_eks_cluster_and_its_vpc_once_known() -> None:
    cluster = AwsCluster(detail(), (node("i-1"),))
    waiting = dict(cluster_detail_view(cluster, None, NOW).fields)
    assert waiting["EKS cluster"] == "ml-eks" and waiting["VPC"] == "…"
    eks = EksCluster("ml-eks", "arn:eks", "https://x.eks.amazonaws.com", "", "1.32", "ACTIVE", "vpc-9")
    view = cluster_detail_view(cluster, eks, NOW)
    fields = dict(view.fields)
    assert (fields["VPC"], fields["API endpoint"], fields["EKS version"]) == ("vpc-9", eks.endpoint, "1.32 (ACTIVE)")
    assert [(g.name, g.count, g.gpus) for g in view.groups][2] == ("more-gpus", "1/2", "4")
    assert view.nodes[0].launched == "2026-11-16 10:00"
    slurm = dict(cluster_detail_view(AwsCluster(detail("Slurm"), ()), None, NOW).fields)
    assert "EKS cluster" not in slurm and slurm["VPC"] == ""


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (59, "59s"), (60, "1m00s"), (125, "2m05s"), (3720, "1h02m"), (-3, "0s")]
)
def test_elapsed_reads_like_a_stopwatch(seconds: int, text: str) -> None:
    assert elapsed(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("status", "tone"),
    [
        ("CREATE_IN_PROGRESS", Tone.WARN),
        ("CREATE_COMPLETE", Tone.OK),
        ("CREATE_FAILED", Tone.BAD),
        ("ROLLBACK_COMPLETE", Tone.BAD),
        ("UPDATE_ROLLBACK_IN_PROGRESS", Tone.BAD),
        ("DELETE_COMPLETE", Tone.IDLE),
        ("InService", Tone.OK),
        ("Creating", Tone.WARN),
        ("DeepHealthCheckInProgress", Tone.WARN),
        ("Failure", Tone.BAD),
        ("QUOTARESERVED", Tone.WARN),  # a Kueue word, not CloudFormation's
    ],
)
def test_cluster_node_and_stack_statuses_have_tones(status: str, tone: Tone) -> None:
    assert tone_of(status) is tone


def event(stack: str, logical: str, status: str, at: int, *, physical: str = "", kind: str = "", reason: str = ""):
    return StackEvent(
        f"{logical}-{status}-{at}", stack, logical, physical, kind, status, reason, NOW + timedelta(seconds=at)
    )


def progress(main_status: str, main: list[StackEvent], nested: list[StackEvent]) -> StackProgress:
    stack = Stack("Main", "id-main", main_status, "", NOW, "")
    return StackProgress(stack, MappingProxyType({"id-main": tuple(main), "id-vpc": tuple(nested)}))


def test_a_stack_in_progress_is_a_tree_of_nested_stacks_and_resources_with_elapsed_times() -> None:
    main = [
        event("Main", "Main", "CREATE_IN_PROGRESS", 0, reason="User Initiated"),
        event("Main", "VPCStack", "CREATE_IN_PROGRESS", 2, physical="id-vpc", kind=STACK),
        event("Main", "Role", "CREATE_IN_PROGRESS", 2, kind="AWS::IAM::Role"),
        event("Main", "Role", "CREATE_COMPLETE", 12, kind="AWS::IAM::Role"),
    ]
    nested = [
        event("Main-VPCStack", "Main-VPCStack", "CREATE_IN_PROGRESS", 2),
        event("Main-VPCStack", "VPC", "CREATE_IN_PROGRESS", 3, kind="AWS::EC2::VPC"),
        event("Main-VPCStack", "VPC", "CREATE_COMPLETE", 9, physical="vpc-1", kind="AWS::EC2::VPC"),
        event("Main-VPCStack", "Subnet", "CREATE_IN_PROGRESS", 9, kind="AWS::EC2::Subnet"),
    ]
    view = stack_view(progress("CREATE_IN_PROGRESS", main, nested), NOW + timedelta(seconds=20))
    assert [(n.label, n.status, n.elapsed) for n in view.nodes] == [
        ("Main", "CREATE_IN_PROGRESS", "20s"),
        ("├─ VPCStack", "CREATE_IN_PROGRESS", "18s"),
        ("│  ├─ VPC", "CREATE_COMPLETE", "6s"),
        ("│  └─ Subnet", "CREATE_IN_PROGRESS", "11s"),
        ("└─ Role", "CREATE_COMPLETE", "10s"),
    ]
    assert (view.in_progress, view.resources, view.done, view.failure) == (True, 4, 2, "")


def test_a_failed_stack_surfaces_the_resource_that_failed_not_the_stacks_around_it() -> None:
    cause = 'Resource handler returned message: "Cluster with name x already exists."'
    main = [
        event("Main", "Main", "CREATE_IN_PROGRESS", 0),
        event("Main", "VPCStack", "CREATE_IN_PROGRESS", 2, physical="id-vpc", kind=STACK),
        event("Main", "VPCStack", "CREATE_FAILED", 30, physical="id-vpc", kind=STACK, reason="Embedded stack id-vpc"),
        event("Main", "Main", "ROLLBACK_IN_PROGRESS", 31, reason="The following resource(s) failed to create"),
        event("Main", "Main", "ROLLBACK_COMPLETE", 50),
    ]
    nested = [event("Main-VPCStack", "Cluster", "CREATE_FAILED", 29, kind="AWS::SageMaker::Cluster", reason=cause)]
    view = stack_view(progress("ROLLBACK_COMPLETE", main, nested), NOW + timedelta(minutes=5))
    assert view.failure == f"Cluster: {cause}"
    assert view.elapsed == "50s"  # from the create the rollback undid, to the rollback's end


def test_a_delete_restarts_a_resources_clock() -> None:
    main = [
        event("Main", "Role", "CREATE_IN_PROGRESS", 0, kind="AWS::IAM::Role"),
        event("Main", "Role", "CREATE_COMPLETE", 10, kind="AWS::IAM::Role"),
        event("Main", "Role", "DELETE_IN_PROGRESS", 100, kind="AWS::IAM::Role"),
    ]
    view = stack_view(progress("DELETE_IN_PROGRESS", main, []), NOW + timedelta(seconds=104))
    assert [(n.logical_id, n.status, n.elapsed) for n in view.nodes[1:]] == [("Role", "DELETE_IN_PROGRESS", "4s")]


def test_aws_actions_load_replace_and_fail_without_losing_what_was_loaded() -> None:
    clusters = AwsClusters("us-east-2", (AwsCluster(detail(), (node("i-1"),)),))
    state = reduce(EMPTY_STATE, AwsClustersLoaded("clusters", clusters))
    assert state.aws_clusters == clusters
    assert reduce(state, AwsClustersLoaded("clusters", clusters)) is state  # an unchanged poll changes nothing
    failed = reduce(state, AwsFailed("clusters", "Cannot list: access denied."))
    assert failed.aws_clusters == clusters and failed.aws_failures == {"clusters": "Cannot list: access denied."}
    assert reduce(failed, AwsClustersLoaded("clusters", clusters)).aws_failures == {}
    stack = progress("CREATE_IN_PROGRESS", [], [])
    loaded = reduce(failed, AwsStackLoaded("stack:id-main", stack))
    assert loaded.aws_stacks == {"id-main": stack} and loaded.aws_failures == failed.aws_failures


def test_a_cluster_stack_config_becomes_the_request_hyp_create_sends() -> None:
    values = {
        "hyperpod_cluster_name": "team",
        "create_fsx_stack": False,
        "kubernetes_version": 1.31,
        "private_subnet_ids": ["subnet-a", "subnet-b"],
        "tags": [{"Key": "team", "Value": "a"}, "bare"],
        "instance_group_settings": [
            {"InstanceCount": 2, "InstanceType": "ml.g5.12xlarge", "TargetAvailabilityZoneId": "use2-az1"},
            {"instance_count": 1, "InstanceType": "ml.t3.medium", "TargetAvailabilityZoneId": "use2-az2"},
        ],
    }
    request = stack_request(values, "us-east-2", "0123456789")
    assert request.name == "HyperpodClusterStack-01234"
    assert request.template_url == (
        "https://aws-sagemaker-hyperpod-cluster-setup-us-east-2-prod.s3.amazonaws.com/1/templates/"
        "main-stack-eks-based-template.yaml"
    )
    params = request.parameters
    assert params["ResourceNamePrefix"] == "hyp-eks-stack-5678"
    assert (params["HyperPodClusterName"], params["CreateFsxStack"], params["KubernetesVersion"]) == (
        "team",
        "false",
        "1.31",
    )
    assert params["PrivateSubnetIds"] == "subnet-a,subnet-b"
    assert (params["AvailabilityZoneIds"], params["FsxAvailabilityZoneId"]) == ("use2-az1,use2-az2", "use2-az1")
    assert json.loads(params["InstanceGroupSettings1"]) == [values["instance_group_settings"][0]]
    assert json.loads(params["InstanceGroupSettings2"])[0]["InstanceCount"] == 1
    assert "RigSettings1" not in params and "VpcId" not in params
    assert json.loads(params["Tags"]) == values["tags"]
    assert request.tags == {"team": "a", "bare": ""}


def test_a_cluster_stack_without_zones_or_with_bad_values_says_which_field() -> None:
    with pytest.raises(ClusterStackParamsError, match="availability_zone_ids: name the availability zone ids"):
        stack_request({"instance_group_settings": [{"InstanceType": "ml.t3.medium"}]}, "us-east-2")
    with pytest.raises(ClusterStackParamsError, match=r"^storage_capacity: "):
        stack_request({"storage_capacity": "lots"}, "us-east-2")
    gamma = stack_request({"stage": "gamma", "availability_zone_ids": ["use2-az1"]}, "us-east-2")
    assert "-us-east-2-gamma.s3." in gamma.template_url and len(gamma.name) == len("HyperpodClusterStack-") + 5
