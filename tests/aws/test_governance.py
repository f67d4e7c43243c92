"""Task governance through the AWS gateway: read the teams' quotas and the policy, change them, and see the Kueue
objects the embedded cluster's queues screen reads change with them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hyptui.aws.failures import AwsFailure
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.governance import PolicySpec, QuotaSpec
from hyptui.hyperpod.kinds import CLUSTER_QUEUES, WORKLOAD_PRIORITY_CLASSES
from hyptui.sim.cluster import EmbeddedCluster


def test_quotas_and_policy_round_trip(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    cluster = gateway.describe_cluster("ml-cluster-aim371")
    quotas = {q.spec.team: q for q in gateway.list_compute_quotas(cluster.arn)}
    assert set(quotas) == {"team-a", "team-b"}
    team_b = quotas["team-b"]
    assert team_b.spec == QuotaSpec("team-b", (("ml.g5.12xlarge", 2),), "LendAndBorrow", 100, "LowerPriority", 0)
    version = gateway.update_compute_quota(team_b, replace(team_b.spec, strategy="Lend", fair_share_weight=30))
    changed = gateway.describe_compute_quota(team_b.id)
    assert changed.version == version == 2 and changed.spec.strategy == "Lend" and changed.spec.fair_share_weight == 30
    queue = frozen_cluster.store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-b-clusterqueue")
    assert queue["spec"]["fairSharing"] == {"weight": "30"}
    with pytest.raises(AwsFailure, match=r"Cannot update the compute quota of team team-b: TargetVersion 1"):
        gateway.update_compute_quota(team_b, team_b.spec)  # stale: version 1 was replaced

    (policy,) = gateway.list_scheduler_configs(cluster.arn)
    described = gateway.describe_scheduler_config(policy.id)
    assert described.spec is not None and ("inference", 90) in described.spec.priority_classes
    gateway.update_scheduler_config(described, PolicySpec((("inference", 95), ("training", 60)), fair_share=False))
    values = {c["metadata"]["name"]: c["value"] for c in frozen_cluster.store.list(WORKLOAD_PRIORITY_CLASSES)[0]}
    assert values == {"inference-priority": 95, "training-priority": 60}


def test_create_and_delete_a_team(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    arn = gateway.describe_cluster("ml-cluster-aim371").arn
    quota_id = gateway.create_compute_quota(arn, "team-c-quota", QuotaSpec("team-c", (("ml.t3.medium", 3),)))
    assert frozen_cluster.store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-c-clusterqueue")
    gateway.delete_compute_quota(quota_id)
    assert {q.spec.team for q in gateway.list_compute_quotas()} == {"team-a", "team-b"}
    with pytest.raises(AwsFailure) as missing:
        gateway.describe_compute_quota(quota_id)
    assert missing.value.not_found
