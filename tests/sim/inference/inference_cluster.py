"""GPU nodes for the inference operator's tests, on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime

from hyptui.hyperpod.kinds import (
    NAMESPACES,
    NODES,
)
from hyptui.hyperpod.namespaces import INFERENCE_OPERATOR_NAMESPACE
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.nodes.hyperpod_nodes import make_node
from tests.endpoint_manifests import NS

START = datetime(2025, 6, 5, 12, 0, tzinfo=UTC)


G5_12XL = ("hyperpod-i-0000000000000000a", "hyperpod-i-0000000000000000b")


G5_8XL = "hyperpod-i-0000000000000000c"


def add_inference_nodes(store: ObjectStore, at: datetime) -> None:
    """Two ml.g5.12xlarge (4 GPUs each), one ml.g5.8xlarge (1 GPU) and one ml.t3.medium, plus the operator pod."""
    nodes = [(name, "ml.g5.12xlarge") for name in G5_12XL]
    nodes += [(G5_8XL, "ml.g5.8xlarge"), ("hyperpod-i-0000000000000000d", "ml.t3.medium")]
    for index, (name, instance_type) in enumerate(nodes):
        node = make_node(
            name,
            instance_type,
            "ml-cluster",
            "workers",
            zone="us-east-2b",
            internal_ip=f"10.1.0.{10 + index}",
            created_at=at,
        )
        store.create(NODES, node)
    for namespace in (NS, INFERENCE_OPERATOR_NAMESPACE):
        store.create(NAMESPACES, {"metadata": {"name": namespace}})
