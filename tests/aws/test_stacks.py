"""A cluster stack through the AWS gateway: create it, follow its nested stacks and events until it completes, see
the new cluster, delete it."""

from __future__ import annotations

import json

import pytest

from hyptui.aws.failures import AwsFailure
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.stacks import TEMPLATE_URL
from hyptui.sim.cluster import EmbeddedCluster


def test_create_follow_and_delete_a_cluster_stack(frozen_cluster: EmbeddedCluster, gateway: AwsGateway) -> None:
    parameters = {
        "HyperPodClusterName": "team-cluster",
        "EKSClusterName": "team-eks",
        "InstanceGroupSettings1": json.dumps(
            [{"InstanceCount": 3, "InstanceGroupName": "g", "InstanceType": "ml.t3.medium"}]
        ),
    }
    url = TEMPLATE_URL.format(region="us-east-2", version="1.0")
    stack_id = gateway.create_stack("HyperpodClusterStack-0f0f0", parameters, template_url=url, tags={"team": "a"})
    frozen_cluster.advance(45, step=5)
    stack = gateway.describe_stack(stack_id)
    assert stack.in_progress and ("HyperPodClusterName", "team-cluster") in stack.parameters
    nested = gateway.nested_stacks(stack_id)
    assert {s.parent_id for s in nested} == {stack_id} and len(nested) >= 4
    frozen_cluster.advance(90, step=10)
    assert gateway.describe_stack(stack_id).status == "CREATE_COMPLETE"
    events = gateway.stack_events(stack_id)
    assert events[0].status == "CREATE_COMPLETE" and not any(e.failed for e in events)
    assert [s.name for s in gateway.list_stacks() if not s.parent_id] == ["HyperpodClusterStack-0f0f0"]
    cluster = gateway.describe_cluster("team-cluster")
    assert cluster.eks_cluster_name == "team-eks" and cluster.instance_groups[0].current_count == 3
    gateway.delete_stack(stack_id)
    frozen_cluster.advance(60, step=10)
    assert gateway.describe_stack(stack_id).status == "DELETE_COMPLETE"
    assert "team-cluster" not in [c.name for c in gateway.list_clusters()]
    with pytest.raises(AwsFailure, match="Stack with id HyperpodClusterStack-0f0f0 does not exist"):
        gateway.describe_stack("HyperpodClusterStack-0f0f0")
