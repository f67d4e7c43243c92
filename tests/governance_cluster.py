"""The cluster of the talk's task-governance demo: four ml.g5.12xlarge nodes, two teams guaranteed one each and
lending and borrowing 100%, and no jobs yet."""

from __future__ import annotations

from datetime import datetime

from hyptui.hyperpod.kinds import NODES
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.kueue.task_governance import TALK_GOVERNANCE, apply_task_governance
from hyptui.sim.nodes.hyperpod_nodes import make_node


def governance_demo_cluster(start: datetime, **options) -> EmbeddedCluster:
    cluster = EmbeddedCluster(clock=SimClock(start=start, speed=0), populate=False, **options)
    for index in range(4):
        node = make_node(
            f"hyperpod-i-0000000000000000{index}",
            "ml.g5.12xlarge",
            "ml-cluster-aim371",
            "accelerated-worker-group",
            zone="us-east-2b",
            internal_ip=f"10.1.0.{index + 10}",
            created_at=start,
        )
        cluster.store.create(NODES, node)
    apply_task_governance(cluster.store, TALK_GOVERNANCE)
    return cluster
