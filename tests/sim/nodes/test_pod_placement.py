"""The simulated scheduler: requests, node choice and kube-scheduler's FailedScheduling wording."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from hyptui.hyperpod.labels import NODE_HEALTH_LABEL
from hyptui.sim.nodes.hyperpod_nodes import hyperpod_node_name, make_node
from hyptui.sim.nodes.placement import place_pod, pod_requests

CREATED = datetime(2025, 1, 1, tzinfo=UTC)


def node(name: str, instance_type: str = "ml.g5.12xlarge", group: str = "accelerated-worker-group") -> dict:
    return make_node(
        name, instance_type, "ml-cluster", group, zone="us-east-2b", internal_ip="10.1.0.5", created_at=CREATED
    )


def pod(name: str, gpus: int = 4, instance_type: str = "ml.g5.12xlarge", node_name: str = "", phase: str = "") -> dict:
    spec: dict = {
        "containers": [
            {"name": "c", "resources": {"requests": {"nvidia.com/gpu": gpus, "cpu": "8", "memory": "64Gi"}}}
        ],
        "nodeSelector": {"node.kubernetes.io/instance-type": instance_type},
    }
    if node_name:
        spec["nodeName"] = node_name
    return {"metadata": {"name": name, "uid": f"uid-{name}"}, "spec": spec, "status": {"phase": phase or "Running"}}


def test_requests_sum_containers_default_to_limits_and_respect_init_containers() -> None:
    spec = {
        "containers": [
            {"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
            {"resources": {"limits": {"nvidia.com/gpu": "2", "cpu": "1"}}},
        ],
        "initContainers": [{"resources": {"requests": {"cpu": "4"}}}],
    }
    wanted = pod_requests(spec)
    assert wanted["cpu"] == 4000  # the init container needs more than the app containers together
    assert wanted["memory"] == 2**30
    assert wanted["nvidia.com/gpu"] == 2


def test_hyperpod_nodes_look_like_the_real_ones() -> None:
    name = hyperpod_node_name(random.Random(1))
    assert re.fullmatch(r"hyperpod-i-[0-9a-f]{17}", name)
    gpu_node = node(name)
    labels = gpu_node["metadata"]["labels"]
    assert labels["node.kubernetes.io/instance-type"] == "ml.g5.12xlarge"
    assert labels[NODE_HEALTH_LABEL] == "Schedulable"
    assert labels["sagemaker.amazonaws.com/deep-health-check-status"] == "Passed"
    assert labels["sagemaker.amazonaws.com/instance-group-name"] == "accelerated-worker-group"
    assert labels["kubernetes.io/hostname"] == name
    allocatable = gpu_node["status"]["allocatable"]
    assert allocatable["cpu"] == "47810m"  # EKS kube-reserved for 48 vCPUs
    assert (allocatable["nvidia.com/gpu"], allocatable["vpc.amazonaws.com/efa"]) == ("4", "1")
    assert gpu_node["status"]["nodeInfo"]["kubeletVersion"].startswith("v1.32.")
    assert gpu_node["status"]["conditions"][-1]["type"] == "Ready"
    cpu_node = node("hyperpod-i-0000000000000000a", "ml.t3.medium", "general-purpose-worker-group")
    assert "sagemaker.amazonaws.com/deep-health-check-status" not in cpu_node["metadata"]["labels"]
    assert "nvidia.com/gpu" not in cpu_node["status"]["capacity"]


def test_places_on_a_matching_node_with_free_gpus() -> None:
    nodes = [node("gpu-a"), node("gpu-b"), node("cpu-a", "ml.t3.medium")]
    busy = pod("other", node_name="gpu-a")
    placement = place_pod(pod("new"), nodes, [busy])
    assert placement.node_name == "gpu-b"
    assert placement.message == ""


def test_finished_pods_free_their_node() -> None:
    nodes = [node("gpu-a")]
    done = pod("done", node_name="gpu-a", phase="Succeeded")
    assert place_pod(pod("new"), nodes, [done]).node_name == "gpu-a"
    running = pod("running", node_name="gpu-a")
    assert place_pod(pod("new"), nodes, [running]).node_name is None


def test_failed_scheduling_message_matches_kube_scheduler() -> None:
    nodes = [node(f"gpu-{i}") for i in range(4)] + [node(f"cpu-{i}", "ml.t3.medium") for i in range(6)]
    placement = place_pod(pod("big", gpus=8), nodes, [])
    assert placement.node_name is None
    assert placement.message == (
        "0/10 nodes are available: 4 Insufficient nvidia.com/gpu, 6 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/10 nodes are available: 4 No preemption victims found for incoming pod, "
        "6 Preemption is not helpful for scheduling."
    )


def test_unhealthy_nodes_are_skipped_with_a_taint_reason() -> None:
    sick = node("gpu-sick")
    sick["metadata"]["labels"][NODE_HEALTH_LABEL] = "UnschedulablePendingReboot"
    placement = place_pod(pod("new"), [sick], [])
    assert placement.node_name is None
    # HyperPod's quarantine taint is `sagemaker.amazonaws.com/node-health-status=Unschedulable:NoSchedule`.
    assert (
        "1 node(s) had untolerated taint {sagemaker.amazonaws.com/node-health-status: Unschedulable}"
        in placement.message
    )
    assert place_pod(pod("new"), [sick, node("gpu-ok")], []).node_name == "gpu-ok"


def test_node_taints_are_honoured_unless_tolerated() -> None:
    tainted = node("gpu-tainted")
    tainted["spec"]["taints"] = [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]
    placement = place_pod(pod("new"), [tainted], [])
    assert "1 node(s) had untolerated taint {nvidia.com/gpu: present}" in placement.message
    tolerant = pod("tolerant")
    tolerant["spec"]["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert place_pod(tolerant, [tainted], []).node_name == "gpu-tainted"
    wrong_value = pod("wrong-value")
    wrong_value["spec"]["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "absent"}]
    assert place_pod(wrong_value, [tainted], []).node_name is None
    tainted["spec"]["taints"][0]["effect"] = "PreferNoSchedule"  # a preference, not a filter
    assert place_pod(pod("new"), [tainted], []).node_name == "gpu-tainted"


def test_required_node_affinity_is_honoured() -> None:
    nodes = [node("gpu-a"), node("gpu-b")]
    nodes[1]["metadata"]["labels"]["topology.k8s.aws/network-node-layer-1"] = "nn-1"
    wanted = pod("new")
    wanted["spec"]["affinity"] = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "topology.k8s.aws/network-node-layer-1", "operator": "Exists"}]}
                ]
            }
        }
    }
    assert place_pod(wanted, nodes, []).node_name == "gpu-b"
