"""HyperPod clusters, their instance groups and nodes, and the EKS cluster behind one, as hyptui reads them from the
SageMaker and EKS replies: small frozen values, with only what the screens show or the kubeconfig needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    account: str
    arn: str
    user_id: str


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    name: str
    arn: str
    status: str
    created: datetime


@dataclass(frozen=True, slots=True)
class InstanceGroup:
    name: str
    instance_type: str
    current_count: int
    target_count: int
    status: str


@dataclass(frozen=True, slots=True)
class ClusterDetail:
    name: str
    arn: str
    status: str
    created: datetime | None
    orchestrator: str  # "EKS" | "Slurm"
    eks_cluster_arn: str  # "" unless EKS-orchestrated
    instance_groups: tuple[InstanceGroup, ...]
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    failure_message: str = ""

    @property
    def eks_cluster_name(self) -> str:
        return self.eks_cluster_arn.rsplit("/", 1)[-1] if self.eks_cluster_arn else ""


@dataclass(frozen=True, slots=True)
class ClusterNode:
    instance_id: str
    instance_group: str
    instance_type: str
    status: str
    message: str
    launch_time: datetime
    private_dns: str = ""
    private_ip: str = ""
    availability_zone: str = ""


@dataclass(frozen=True, slots=True)
class EksCluster:
    name: str
    arn: str
    endpoint: str
    certificate_authority: str  # base64 PEM, as kubeconfig's certificate-authority-data takes it
    version: str
    status: str
    vpc_id: str

    @property
    def region(self) -> str:
        return self.arn.split(":")[3]


def caller_identity(reply: dict[str, Any]) -> CallerIdentity:
    return CallerIdentity(reply["Account"], reply["Arn"], reply["UserId"])


def cluster_summary(item: dict[str, Any]) -> ClusterSummary:
    return ClusterSummary(item["ClusterName"], item["ClusterArn"], item["ClusterStatus"], item["CreationTime"])


def cluster_detail(reply: dict[str, Any]) -> ClusterDetail:
    orchestrator = reply.get("Orchestrator") or {}
    vpc = reply.get("VpcConfig") or {}
    return ClusterDetail(
        name=reply.get("ClusterName", ""),
        arn=reply["ClusterArn"],
        status=reply["ClusterStatus"],
        created=reply.get("CreationTime"),
        # Slurm clusters made before EKS support carry no Orchestrator at all (hyp's #264/#268 tripped on that)
        orchestrator="EKS" if "Eks" in orchestrator else "Slurm",
        eks_cluster_arn=(orchestrator.get("Eks") or {}).get("ClusterArn", ""),
        instance_groups=tuple(
            InstanceGroup(
                name=group.get("InstanceGroupName", ""),
                instance_type=group.get("InstanceType", ""),
                current_count=group.get("CurrentCount", 0),
                target_count=group.get("TargetCount", 0),
                status=group.get("Status", ""),
            )
            for group in reply.get("InstanceGroups") or []
        ),
        subnets=tuple(vpc.get("Subnets") or ()),
        security_groups=tuple(vpc.get("SecurityGroupIds") or ()),
        failure_message=reply.get("FailureMessage", ""),
    )


def cluster_node(item: dict[str, Any]) -> ClusterNode:
    status = item.get("InstanceStatus") or {}
    return ClusterNode(
        instance_id=item["InstanceId"],
        instance_group=item.get("InstanceGroupName", ""),
        instance_type=item.get("InstanceType", ""),
        status=status.get("Status", ""),
        message=status.get("Message", ""),
        launch_time=item["LaunchTime"],
        private_dns=item.get("PrivateDnsHostname", ""),
        private_ip=item.get("PrivatePrimaryIp", ""),
        availability_zone=(item.get("Placement") or {}).get("AvailabilityZone", ""),
    )


def eks_cluster(reply: dict[str, Any]) -> EksCluster:
    cluster = reply["cluster"]
    return EksCluster(
        name=cluster["name"],
        arn=cluster["arn"],
        endpoint=cluster.get("endpoint", ""),
        certificate_authority=(cluster.get("certificateAuthority") or {}).get("data", ""),
        version=cluster.get("version", ""),
        status=cluster.get("status", ""),
        vpc_id=(cluster.get("resourcesVpcConfig") or {}).get("vpcId", ""),
    )
