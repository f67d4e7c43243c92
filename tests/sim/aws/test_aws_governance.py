"""SageMaker task governance on the embedded cluster with boto3: the seed's teams as compute quotas and its policy as
the cluster scheduler config, and every change regenerating the Kueue objects HyperPod manages."""

from __future__ import annotations

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from hyptui.hyperpod.kinds import CLUSTER_QUEUES, LOCAL_QUEUES, NAMESPACES, WORKLOAD_PRIORITY_CLASSES
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.cluster import EmbeddedCluster
from tests.sim.aws.aws_clients import aws_client


@pytest.fixture
def sagemaker(frozen_cluster: EmbeddedCluster) -> BaseClient:
    return aws_client(frozen_cluster, "sagemaker")


def live_arn(sagemaker: BaseClient) -> str:
    return sagemaker.describe_cluster(ClusterName="ml-cluster-aim371")["ClusterArn"]


def quota_of(sagemaker: BaseClient, team: str) -> dict:
    summaries = sagemaker.list_compute_quotas()["ComputeQuotaSummaries"]
    return next(q for q in summaries if q["ComputeQuotaTarget"]["TeamName"] == team)


def gpu_quota(cluster: EmbeddedCluster, team: str) -> dict:
    queue = cluster.store.get(CLUSTER_QUEUES, None, f"hyperpod-ns-{team}-clusterqueue")
    resources = queue["spec"]["resourceGroups"][0]["flavors"][0]["resources"]
    return next(r for r in resources if r["name"] == "nvidia.com/gpu")


def test_the_seed_teams_and_policy_are_sagemaker_records(sagemaker: BaseClient) -> None:
    quotas = sagemaker.list_compute_quotas(SortBy="Name", SortOrder="Ascending")["ComputeQuotaSummaries"]
    assert [q["Name"] for q in quotas] == ["team-a-quota", "team-b-quota"]
    assert quotas[0]["ClusterArn"] == live_arn(sagemaker)
    assert quotas[0]["ComputeQuotaConfig"] == {
        "ComputeQuotaResources": [{"InstanceType": "ml.g5.12xlarge", "Count": 2}],
        "ResourceSharingConfig": {"Strategy": "LendAndBorrow", "BorrowLimit": 100},
        "PreemptTeamTasks": "LowerPriority",
    }
    (policy,) = sagemaker.list_cluster_scheduler_configs()["ClusterSchedulerConfigSummaries"]
    described = sagemaker.describe_cluster_scheduler_config(ClusterSchedulerConfigId=policy["ClusterSchedulerConfigId"])
    classes = {c["Name"]: c["Weight"] for c in described["SchedulerConfig"]["PriorityClasses"]}
    assert classes == {"inference": 90, "experimentation": 80, "fine-tuning": 50, "training": 70}
    assert described["SchedulerConfig"]["FairShare"] == "Enabled"


def test_updating_team_b_regenerates_its_cluster_queue(frozen_cluster: EmbeddedCluster, sagemaker: BaseClient) -> None:
    team_b = quota_of(sagemaker, "team-b")
    assert gpu_quota(frozen_cluster, "team-b") == {"name": "nvidia.com/gpu", "nominalQuota": "8", "borrowingLimit": "8"}
    reply = sagemaker.update_compute_quota(
        ComputeQuotaId=team_b["ComputeQuotaId"],
        TargetVersion=team_b["ComputeQuotaVersion"],
        ComputeQuotaConfig={
            "ComputeQuotaResources": [{"InstanceType": "ml.g5.12xlarge", "Count": 1}],
            "ResourceSharingConfig": {"Strategy": "LendAndBorrow", "BorrowLimit": 50},
        },
    )
    assert reply["ComputeQuotaVersion"] == team_b["ComputeQuotaVersion"] + 1
    assert gpu_quota(frozen_cluster, "team-b") == {"name": "nvidia.com/gpu", "nominalQuota": "4", "borrowingLimit": "2"}
    described = sagemaker.describe_compute_quota(ComputeQuotaId=team_b["ComputeQuotaId"])
    assert described["Status"] == "Updated" and described["CreatedBy"]["IamIdentity"]["Arn"].endswith(":role/Admin")
    with pytest.raises(ClientError) as stale:
        sagemaker.update_compute_quota(ComputeQuotaId=team_b["ComputeQuotaId"], TargetVersion=1)
    assert stale.value.response["Error"]["Code"] == "ConflictException"


def test_a_new_team_gets_its_namespace_and_queues_and_loses_them_on_delete(
    frozen_cluster: EmbeddedCluster, sagemaker: BaseClient
) -> None:
    created = sagemaker.create_compute_quota(
        Name="team-c-quota",
        ClusterArn=live_arn(sagemaker),
        ComputeQuotaConfig={
            "ComputeQuotaResources": [{"InstanceType": "ml.t3.medium", "Count": 2}],
            "ResourceSharingConfig": {"Strategy": "DontLend"},
            "PreemptTeamTasks": "Never",
        },
        ComputeQuotaTarget={"TeamName": "team-c", "FairShareWeight": 10},
    )
    assert created["ComputeQuotaArn"].endswith(f":compute-quota/{created['ComputeQuotaId']}")
    namespace = frozen_cluster.store.get(NAMESPACES, None, "hyperpod-ns-team-c")
    assert namespace["metadata"]["labels"]["sagemaker.amazonaws.com/quota-allocation-id"] == "team-c"
    queue = frozen_cluster.store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-c-clusterqueue")
    assert queue["spec"]["preemption"]["withinClusterQueue"] == "Never"
    cpu = next(r for r in queue["spec"]["resourceGroups"][0]["flavors"][0]["resources"] if r["name"] == "cpu")
    assert cpu == {"name": "cpu", "nominalQuota": "4", "borrowingLimit": "0", "lendingLimit": "0"}
    frozen_cluster.store.get(LOCAL_QUEUES, "hyperpod-ns-team-c", "hyperpod-ns-team-c-localqueue")
    with pytest.raises(ClientError) as twice:
        sagemaker.create_compute_quota(
            Name="again",
            ClusterArn=live_arn(sagemaker),
            ComputeQuotaConfig={"ComputeQuotaResources": [{"InstanceType": "ml.t3.medium", "Count": 1}]},
            ComputeQuotaTarget={"TeamName": "team-c"},
        )
    assert twice.value.response["Error"]["Code"] == "ConflictException"
    sagemaker.delete_compute_quota(ComputeQuotaId=created["ComputeQuotaId"])
    with pytest.raises(ApiError):
        frozen_cluster.store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-c-clusterqueue")
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        sagemaker.describe_compute_quota(ComputeQuotaId=created["ComputeQuotaId"])


def test_bad_quotas_are_refused_with_the_field_named(sagemaker: BaseClient) -> None:
    for config, message in (
        ({"ComputeQuotaResources": [{"InstanceType": "ml.p5.48xlarge", "Count": 1}]}, "not in any instance group"),
        ({"ComputeQuotaResources": [{"InstanceType": "ml.t3.medium", "Accelerators": 1}]}, "Count of whole instances"),
        (
            {
                "ComputeQuotaResources": [{"InstanceType": "ml.t3.medium", "Count": 1}],
                "ResourceSharingConfig": {"Strategy": "LendAndBorrow", "BorrowLimit": 900},
            },
            "BorrowLimit must be a percentage from 0 to 500",
        ),
    ):
        with pytest.raises(ClientError) as refused:
            sagemaker.create_compute_quota(
                Name="team-d-quota",
                ClusterArn=live_arn(sagemaker),
                ComputeQuotaConfig=config,
                ComputeQuotaTarget={"TeamName": "team-d"},
            )
        assert refused.value.response["Error"]["Code"] == "ValidationException"
        assert message in refused.value.response["Error"]["Message"]
    slurm = sagemaker.describe_cluster(ClusterName="ml-cluster-slurm")["ClusterArn"]
    with pytest.raises(ClientError, match="not orchestrated by EKS"):
        sagemaker.create_compute_quota(
            Name="q",
            ClusterArn=slurm,
            ComputeQuotaConfig={"ComputeQuotaResources": []},
            ComputeQuotaTarget={"TeamName": "team-d"},
        )


def test_changing_the_policy_regenerates_the_priority_classes(
    frozen_cluster: EmbeddedCluster, sagemaker: BaseClient
) -> None:
    (policy,) = sagemaker.list_cluster_scheduler_configs()["ClusterSchedulerConfigSummaries"]
    with pytest.raises(ClientError) as second:
        sagemaker.create_cluster_scheduler_config(
            Name="another", ClusterArn=live_arn(sagemaker), SchedulerConfig={"PriorityClasses": []}
        )
    assert second.value.response["Error"]["Code"] == "ConflictException"
    sagemaker.update_cluster_scheduler_config(
        ClusterSchedulerConfigId=policy["ClusterSchedulerConfigId"],
        TargetVersion=policy["ClusterSchedulerConfigVersion"],
        SchedulerConfig={"PriorityClasses": [{"Name": "urgent", "Weight": 100}, {"Name": "training", "Weight": 40}]},
    )
    classes, _ = frozen_cluster.store.list(WORKLOAD_PRIORITY_CLASSES)
    assert {c["metadata"]["name"]: c["value"] for c in classes} == {"urgent-priority": 100, "training-priority": 40}
    sagemaker.delete_cluster_scheduler_config(ClusterSchedulerConfigId=policy["ClusterSchedulerConfigId"])
    assert frozen_cluster.store.list(WORKLOAD_PRIORITY_CLASSES)[0] == []
    assert (
        "fairSharing" not in frozen_cluster.store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-a-clusterqueue")["spec"]
    )
