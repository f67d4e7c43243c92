"""The account's HyperPod clusters as SageMaker describes them, as in the talk: the cluster the embedded Kubernetes API
serves (its instance groups and nodes read from the Node objects, so both sides agree), a second EKS-orchestrated
cluster and a Slurm-orchestrated one (static: no API behind them), and any cluster a CloudFormation stack created.

Chosen where HyperPod publishes nothing: a node pending reboot is `Pending`, one pending replacement `ShuttingDown`
(the instance going away), one running deep health checks `DeepHealthCheckInProgress`, a NotReady one `Failure`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hyptui.hyperpod.conditions import find_condition
from hyptui.hyperpod.kinds import NODES
from hyptui.hyperpod.labels import (
    CLUSTER_NAME_LABEL,
    INSTANCE_GROUP_LABEL,
    INSTANCE_TYPE_LABEL,
    NODE_HEALTH_LABEL,
    PENDING_REBOOT,
    PENDING_REPLACEMENT,
    REGION_LABEL,
    UNSCHEDULABLE,
    ZONE_LABEL,
)
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.inference.endpoints import ACCOUNT_ID, DEFAULT_REGION
from hyptui.sim.nodes.hyperpod_nodes import instance_id

LIVE_CLUSTER_DEFAULT = "ml-cluster-aim371"  # the seed's cluster name, for an embedded cluster without nodes
EKS, SLURM = "Eks", "Slurm"
RUNNING = "Running"


def short_id(*parts: str, length: int = 12) -> str:
    """A stable lowercase id, as SageMaker ids look (`[a-z0-9]{12}`)."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def zone_id(zone: str) -> str:
    """`us-east-2b` -> `use2-az2`: the zone id AWS pairs with a zone name (fixed here; per account in AWS)."""
    region, letter = zone[:-1], zone[-1]
    area, direction, number = region.split("-")
    return f"{area}{direction[0]}{number}-az{ord(letter) - ord('a') + 1}"


@dataclass(frozen=True, slots=True)
class ClusterNode:
    instance_id: str
    instance_group: str
    instance_type: str
    launch_time: datetime
    status: str  # ClusterInstanceStatus
    message: str
    private_ip: str
    private_dns: str
    zone: str

    def summary(self) -> dict[str, Any]:
        return {
            "InstanceGroupName": self.instance_group,
            "InstanceId": self.instance_id,
            "InstanceType": self.instance_type,
            "LaunchTime": self.launch_time,
            "InstanceStatus": {"Status": self.status, "Message": self.message or None},
            "PrivateDnsHostname": self.private_dns,
        }

    def details(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "ThreadsPerCore": 1,
            "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeSizeInGB": 500}}],
            "PrivatePrimaryIp": self.private_ip,
            "Placement": {"AvailabilityZone": self.zone, "AvailabilityZoneId": zone_id(self.zone)},
        }


@dataclass(frozen=True, slots=True)
class InstanceGroup:
    name: str
    instance_type: str
    nodes: tuple[ClusterNode, ...]
    slurm_node_type: str = ""  # Controller | Login | Compute, for a Slurm cluster's groups

    def details(self, cluster: HyperPodCluster) -> dict[str, Any]:
        running = sum(node.status == RUNNING for node in self.nodes)
        detail: dict[str, Any] = {
            "CurrentCount": len(self.nodes),
            "TargetCount": len(self.nodes),
            "InstanceGroupName": self.name,
            "InstanceType": self.instance_type,
            "LifeCycleConfig": {
                "SourceS3Uri": f"s3://sagemaker-{cluster.name}-{short_id(cluster.name, length=8)}/lifecycle-scripts/",
                "OnCreate": "on_create.sh",
            },
            "ExecutionRole": f"arn:aws:iam::{ACCOUNT_ID}:role/sagemaker-{cluster.name}-execution-role",
            "ThreadsPerCore": 1,
            "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeSizeInGB": 500}}],
            "Status": "InService" if running == len(self.nodes) else "Degraded",
        }
        if self.slurm_node_type:
            detail["SlurmConfig"] = {"NodeType": self.slurm_node_type}
        return detail


@dataclass(frozen=True, slots=True)
class HyperPodCluster:
    name: str
    region: str
    created: datetime
    orchestrator: str  # EKS | SLURM
    instance_groups: tuple[InstanceGroup, ...]
    status: str = "InService"
    eks_name: str = ""  # the EKS cluster that orchestrates it
    live: bool = False  # served by the embedded Kubernetes API

    @property
    def id(self) -> str:
        return short_id("cluster", self.region, self.name)

    @property
    def arn(self) -> str:
        return f"arn:aws:sagemaker:{self.region}:{ACCOUNT_ID}:cluster/{self.id}"

    @property
    def eks_arn(self) -> str:
        return f"arn:aws:eks:{self.region}:{ACCOUNT_ID}:cluster/{self.eks_name}"

    @property
    def vpc_id(self) -> str:
        return "vpc-0" + short_id("vpc", self.name, length=16)

    @property
    def subnets(self) -> list[str]:
        return ["subnet-0" + short_id("subnet", self.name, length=16)]

    @property
    def security_groups(self) -> list[str]:
        return ["sg-0" + short_id("sg", self.name, length=16)]

    @property
    def nodes(self) -> list[ClusterNode]:
        return [node for group in self.instance_groups for node in group.nodes]

    def summary(self) -> dict[str, Any]:
        return {
            "ClusterArn": self.arn,
            "ClusterName": self.name,
            "CreationTime": self.created,
            "ClusterStatus": self.status,
        }

    def details(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            **self.summary(),
            "InstanceGroups": [group.details(self) for group in self.instance_groups],
            "VpcConfig": {"SecurityGroupIds": self.security_groups, "Subnets": self.subnets},
        }
        # The talk's Slurm cluster predates EKS support: like such clusters on AWS, it has no Orchestrator key.
        if self.orchestrator == EKS:
            detail["Orchestrator"] = {"Eks": {"ClusterArn": self.eks_arn}}
            detail["NodeRecovery"] = "Automatic"
        return detail


def _node_status(node: dict[str, Any]) -> tuple[str, str]:
    labels = node["metadata"].get("labels") or {}
    health = labels.get(NODE_HEALTH_LABEL)
    if health == PENDING_REBOOT:
        return "Pending", "Rebooting the instance after a health check found a fault"
    if health == PENDING_REPLACEMENT:
        return "ShuttingDown", "Replacing the instance after a health check found a fault"
    if health == UNSCHEDULABLE:
        return "DeepHealthCheckInProgress", "Running deep health checks"
    ready = find_condition(node, "Ready") or {}
    if ready.get("status") not in (None, "True"):
        return "Failure", ready.get("message") or "The node is not ready"
    return RUNNING, ""


def _address(node: dict[str, Any], kind: str) -> str:
    return next((a["address"] for a in node["status"].get("addresses") or [] if a.get("type") == kind), "")


def _created(node: dict[str, Any], fallback: datetime) -> datetime:
    text = node["metadata"].get("creationTimestamp")
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else fallback


def live_cluster(store: ObjectStore, fallback_created: datetime) -> HyperPodCluster:
    """The cluster behind the embedded Kubernetes API, read from its HyperPod nodes."""
    nodes, _ = store.list(NODES)
    names = Counter((n["metadata"].get("labels") or {}).get(CLUSTER_NAME_LABEL) for n in nodes)
    names.pop(None, None)
    name = names.most_common(1)[0][0] if names else LIVE_CLUSTER_DEFAULT
    mine = [n for n in nodes if (n["metadata"].get("labels") or {}).get(CLUSTER_NAME_LABEL) == name]
    groups: dict[tuple[str, str], list[ClusterNode]] = {}
    region = DEFAULT_REGION
    for node in mine:
        labels = node["metadata"].get("labels") or {}
        region = labels.get(REGION_LABEL, region)
        status, message = _node_status(node)
        summary = ClusterNode(
            instance_id=instance_id(node["metadata"]["name"]),
            instance_group=labels.get(INSTANCE_GROUP_LABEL, "default"),
            instance_type=labels.get(INSTANCE_TYPE_LABEL, ""),
            launch_time=_created(node, fallback_created),
            status=status,
            message=message,
            private_ip=_address(node, "InternalIP"),
            private_dns=_address(node, "InternalDNS"),
            zone=labels.get(ZONE_LABEL, f"{region}b"),
        )
        groups.setdefault((summary.instance_group, summary.instance_type), []).append(summary)
    created = min((n.launch_time for group in groups.values() for n in group), default=fallback_created)
    return HyperPodCluster(
        name=name,
        region=region,
        created=created,
        orchestrator=EKS,
        instance_groups=tuple(
            InstanceGroup(group, itype, tuple(members)) for (group, itype), members in sorted(groups.items())
        ),
        eks_name=f"{name}-eks",
        live=True,
    )


def static_nodes(
    cluster: str, group: str, instance_type: str, count: int, launched: datetime, zone: str
) -> tuple[ClusterNode, ...]:
    nodes = []
    for index in range(count):
        digest = short_id("node", cluster, group, str(index), length=17)
        ip = f"10.{int(digest[:2], 16) % 64}.{int(digest[2:4], 16) % 256}.{2 + int(digest[4:6], 16) % 250}"
        nodes.append(
            ClusterNode(
                instance_id=f"i-{digest}",
                instance_group=group,
                instance_type=instance_type,
                launch_time=launched + timedelta(minutes=7, seconds=13 * index),
                status=RUNNING,
                message="",
                private_ip=ip,
                private_dns=f"ip-{ip.replace('.', '-')}.{zone[:-1]}.compute.internal",
                zone=zone,
            )
        )
    return tuple(nodes)


def static_clusters(now: datetime, region: str = DEFAULT_REGION) -> list[HyperPodCluster]:
    """The talk's two other clusters: another EKS-orchestrated one and a Slurm-orchestrated one."""
    zone = f"{region}b"
    eks_created = now - timedelta(days=41, hours=3)
    slurm_created = now - timedelta(days=95, hours=6)

    def group(cluster: str, created: datetime, name: str, itype: str, count: int, slurm: str = "") -> InstanceGroup:
        return InstanceGroup(name, itype, static_nodes(cluster, name, itype, count, created, zone), slurm)

    return [
        HyperPodCluster(
            name="ml-cluster",
            region=region,
            created=eks_created,
            orchestrator=EKS,
            instance_groups=(
                group("ml-cluster", eks_created, "gpu-worker-group", "ml.p5.48xlarge", 2),
                group("ml-cluster", eks_created, "cpu-worker-group", "ml.m5.2xlarge", 2),
            ),
            eks_name="ml-cluster-eks",
        ),
        HyperPodCluster(
            name="ml-cluster-slurm",
            region=region,
            created=slurm_created,
            orchestrator=SLURM,
            instance_groups=(
                group("ml-cluster-slurm", slurm_created, "controller-machine", "ml.m5.2xlarge", 1, "Controller"),
                group("ml-cluster-slurm", slurm_created, "login-group", "ml.m5.2xlarge", 1, "Login"),
                group("ml-cluster-slurm", slurm_created, "worker-group-1", "ml.g5.8xlarge", 4, "Compute"),
            ),
        ),
    ]


class HyperPodClusters:
    """Every cluster in the account: the live one (read afresh on each call), the static ones, and those stacks made."""

    def __init__(
        self, store: ObjectStore, clock: SimClock, from_stacks: Callable[[datetime], list[HyperPodCluster]]
    ) -> None:
        self._store = store
        self._clock = clock
        started = clock.now()
        self._fallback_created = started - timedelta(days=12)
        self._static = static_clusters(started)
        self._from_stacks = from_stacks

    def built_in(self, region: str) -> list[HyperPodCluster]:
        """The clusters no stack of this account created."""
        clusters = [live_cluster(self._store, self._fallback_created), *self._static]
        return [c for c in clusters if c.region == region]

    def all(self, region: str) -> list[HyperPodCluster]:
        created = [c for c in self._from_stacks(self._clock.now()) if c.region == region]
        return [*self.built_in(region), *created]

    def find(self, region: str, name_or_arn: str) -> HyperPodCluster | None:
        return next((c for c in self.all(region) if name_or_arn in (c.name, c.arn)), None)
