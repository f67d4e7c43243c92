"""HyperPod instance types the simulated cluster knows, and the Node objects a HyperPod EKS cluster shows for them."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime

from hyptui.hyp_configs.capacity import INSTANCE_TYPES as CATALOG
from hyptui.hyp_configs.capacity import InstanceCapacity
from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.labels import (
    CLUSTER_NAME_LABEL,
    DEEP_HEALTH_LABEL,
    DEEP_HEALTH_PASSED,
    INSTANCE_GROUP_LABEL,
    INSTANCE_TYPE_LABEL,
    NODE_HEALTH_LABEL,
    REGION_LABEL,
    SCHEDULABLE,
    ZONE_LABEL,
)
from hyptui.hyperpod.resources import EFA, GPU

KUBELET_VERSION = "v1.32.3-eks-473151a"
CONTAINER_RUNTIME = "containerd://1.7.27"
OS_IMAGE = "Amazon Linux 2023.7.20250527"
KERNEL_VERSION = "6.1.134-152.225.amzn2023.x86_64"


@dataclass(frozen=True, slots=True)
class InstanceType:
    """A simulated node's instance type: the catalog hyptui validates configs against (hyptui.hyp_configs.capacity),
    plus what only a node needs."""

    capacity: InstanceCapacity
    max_pods: int  # what the EKS max-pods calculator recommends for the type
    gpu_product: str = ""  # the nvidia.com/gpu.product label value; empty for CPU-only types

    @property
    def name(self) -> str:
        return self.capacity.name

    @property
    def vcpus(self) -> int:
        return self.capacity.vcpu

    @property
    def memory_gib(self) -> int:
        return self.capacity.memory_gib

    @property
    def gpus(self) -> int:
        return self.capacity.gpus

    @property
    def efa(self) -> int:
        return self.capacity.efa


def _simulated(name: str, max_pods: int, gpu_product: str = "") -> InstanceType:
    return InstanceType(CATALOG[name], max_pods, gpu_product)


INSTANCE_TYPES: dict[str, InstanceType] = {
    t.name: t
    for t in (
        _simulated("ml.t3.medium", max_pods=17),
        _simulated("ml.m5.2xlarge", max_pods=58),
        _simulated("ml.g5.8xlarge", max_pods=234, gpu_product="NVIDIA-A10G"),
        _simulated("ml.g5.12xlarge", max_pods=250, gpu_product="NVIDIA-A10G"),
        _simulated("ml.p5.48xlarge", max_pods=250, gpu_product="NVIDIA-H100-80GB-HBM3"),
    )
}


def hyperpod_node_name(rng: random.Random) -> str:
    """HyperPod names EKS nodes after the EC2 instance: `hyperpod-i-` plus the 17 hex digits of the instance id."""
    return f"hyperpod-i-{rng.getrandbits(68):017x}"


def instance_id(node_name: str) -> str:
    """The EC2 instance id behind a HyperPod node (what `latestFaultyPodInstanceList.faultyInstanceIdList` lists)."""
    return node_name.removeprefix("hyperpod-")


def _reserved_millicores(vcpus: int) -> int:
    """EKS AMI kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% of the rest."""
    shares = [60, 10, 5, 5]
    return sum(shares[:vcpus]) + max(0, vcpus - 4) * 25 // 10


def _capacity(itype: InstanceType) -> dict[str, str]:
    # The kernel keeps a few percent of the nominal memory, so nodes never report the round figure.
    memory_ki = itype.memory_gib * 1024 * 1024 * 97 // 100
    capacity = {
        "cpu": str(itype.vcpus),
        "ephemeral-storage": "524275692Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": f"{memory_ki}Ki",
        "pods": str(itype.max_pods),
    }
    if itype.gpus:
        capacity[GPU] = str(itype.gpus)
    if itype.efa:
        capacity[EFA] = str(itype.efa)
    return capacity


def _allocatable(itype: InstanceType, capacity: dict[str, str]) -> dict[str, str]:
    # EKS bootstrap: kube-reserved memory is 255Mi + 11Mi per pod, plus the 100Mi hard eviction threshold.
    reserved_memory_ki = (255 + 11 * itype.max_pods + 100) * 1024
    allocatable = dict(capacity)
    allocatable["cpu"] = f"{itype.vcpus * 1000 - _reserved_millicores(itype.vcpus)}m"
    allocatable["memory"] = f"{int(capacity['memory'][:-2]) - reserved_memory_ki}Ki"
    allocatable["ephemeral-storage"] = "482098134736"
    return allocatable


def _hex_id(seed: str, length: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def make_node(
    name: str,
    instance_type: str,
    cluster_name: str,
    instance_group: str,
    *,
    zone: str,
    internal_ip: str,
    created_at: datetime,
) -> dict:
    """A Ready HyperPod worker Node; machine ids derive from the name so the object is stable for a stable name."""
    itype = INSTANCE_TYPES[instance_type]
    region = zone[:-1]
    instance = instance_id(name)
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": instance_type,
        "beta.kubernetes.io/os": "linux",
        "failure-domain.beta.kubernetes.io/region": region,
        "failure-domain.beta.kubernetes.io/zone": zone,
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        INSTANCE_TYPE_LABEL: instance_type,
        CLUSTER_NAME_LABEL: cluster_name,
        "sagemaker.amazonaws.com/compute-type": "hyperpod",
        INSTANCE_GROUP_LABEL: instance_group,
        NODE_HEALTH_LABEL: SCHEDULABLE,
        REGION_LABEL: region,
        ZONE_LABEL: zone,
    }
    if itype.gpus:
        labels[DEEP_HEALTH_LABEL] = DEEP_HEALTH_PASSED
        labels["nvidia.com/gpu.count"] = str(itype.gpus)
        labels["nvidia.com/gpu.product"] = itype.gpu_product
    capacity = _capacity(itype)
    at = rfc3339(created_at)
    conditions = [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "alpha.kubernetes.io/provided-node-ip": internal_ip,
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {"providerID": f"aws:///{zone}/sagemaker/cluster/{cluster_name}-{instance}"},
        "status": {
            "capacity": capacity,
            "allocatable": _allocatable(itype, capacity),
            "conditions": [
                {
                    "type": kind,
                    "status": status,
                    "reason": reason,
                    "message": message,
                    "lastHeartbeatTime": at,
                    "lastTransitionTime": at,
                }
                for kind, status, reason, message in conditions
            ],
            "addresses": [
                {"type": "InternalIP", "address": internal_ip},
                {"type": "InternalDNS", "address": f"ip-{internal_ip.replace('.', '-')}.{region}.compute.internal"},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": _uuid_like(f"boot:{name}"),
                "containerRuntimeVersion": CONTAINER_RUNTIME,
                "kernelVersion": KERNEL_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "kubeletVersion": KUBELET_VERSION,
                "machineID": _hex_id(f"machine:{name}", 32),
                "operatingSystem": "linux",
                "osImage": OS_IMAGE,
                "systemUUID": "ec2" + _hex_id(f"system:{name}", 5) + _uuid_like(f"system:{name}")[8:],
            },
        },
    }


def _uuid_like(seed: str) -> str:
    h = _hex_id(seed, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
