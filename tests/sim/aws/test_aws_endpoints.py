"""DescribeEndpoint on the embedded cluster, through the AWS gateway: SageMaker's view of the endpoints the HyperPod
inference operator registers, as `hyp invoke` checks before invoking."""

from __future__ import annotations

import pytest

from hyptui.aws.failures import AwsFailure
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.target import AwsTarget
from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, NODES, PODS
from hyptui.hyperpod.namespaces import INFERENCE_OPERATOR_NAMESPACE
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.nodes.system_pods import inference_operator_pod
from tests.endpoint_manifests import NS, custom_endpoint
from tests.sim.inference.inference_cluster import START, add_inference_nodes


def test_describe_endpoint_follows_the_operator_to_in_service() -> None:
    sim = EmbeddedCluster(clock=SimClock(start=START, speed=0), populate=False)
    add_inference_nodes(sim.store, sim.clock.now())
    cpu_node = sim.store.get(NODES, None, "hyperpod-i-0000000000000000d")
    sim.store.create(PODS, inference_operator_pod(cpu_node, sim.clock.now(), sim.logs), INFERENCE_OPERATOR_NAMESPACE)
    with sim:
        gateway = AwsGateway(AwsTarget.embedded(sim.aws_url))
        with pytest.raises(AwsFailure, match=r'Could not find endpoint "arn:aws:sagemaker:us-east-2:123456789012:'):
            gateway.describe_endpoint("My-Endpoint")
        sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(endpoint_name="My-Endpoint"), NS)
        seen = []
        for _ in range(40):  # twenty minutes, looked at every thirty seconds
            sim.advance(30, step=5)
            try:
                seen.append(gateway.describe_endpoint("My-Endpoint").status)
            except AwsFailure as missing:
                assert "Could not find endpoint" in str(missing)  # before the operator registers it
        assert seen[0] == "Creating" and seen[-1] == "InService"
        ready = gateway.describe_endpoint("My-Endpoint")
        assert ready.in_service and ready.current_instances == ready.desired_instances >= 1
        assert ready.arn == "arn:aws:sagemaker:us-east-2:123456789012:endpoint/my-endpoint"
