"""HyperPod task governance as SageMaker keeps it: each team's compute quota and the cluster policy (the cluster
scheduler config), as small frozen values to show and edit, and the request shapes to send them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class QuotaSpec:
    """What a team is allocated and how it shares: the editable part of a compute quota."""

    team: str
    instances: tuple[tuple[str, int], ...]  # (instance type, count)
    strategy: str = "LendAndBorrow"  # LendAndBorrow | Lend | DontLend
    borrow_limit_percent: int = 50  # only for LendAndBorrow
    preempt_team_tasks: str = "LowerPriority"  # LowerPriority | Never
    fair_share_weight: int = 0
    active: bool = True

    def config(self) -> dict[str, Any]:
        sharing: dict[str, Any] = {"Strategy": self.strategy}
        if self.strategy == "LendAndBorrow":
            sharing["BorrowLimit"] = self.borrow_limit_percent
        return {
            "ComputeQuotaResources": [{"InstanceType": itype, "Count": count} for itype, count in self.instances],
            "ResourceSharingConfig": sharing,
            "PreemptTeamTasks": self.preempt_team_tasks,
        }

    def target(self) -> dict[str, Any]:
        return {"TeamName": self.team, "FairShareWeight": self.fair_share_weight}

    @property
    def activation_state(self) -> str:
        return "Enabled" if self.active else "Disabled"


@dataclass(frozen=True, slots=True)
class ComputeQuota:
    id: str
    arn: str
    name: str
    version: int
    status: str
    cluster_arn: str
    spec: QuotaSpec
    created: datetime | None
    modified: datetime | None


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """The cluster policy: priority classes with weights (0-100) and whether idle compute is fair-shared."""

    priority_classes: tuple[tuple[str, int], ...]  # (name, weight)
    fair_share: bool = True

    def config(self) -> dict[str, Any]:
        return {
            "PriorityClasses": [{"Name": name, "Weight": weight} for name, weight in self.priority_classes],
            "FairShare": "Enabled" if self.fair_share else "Disabled",
        }


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    id: str
    arn: str
    name: str
    version: int
    status: str
    cluster_arn: str
    spec: PolicySpec | None  # None in a listing: only DescribeClusterSchedulerConfig returns it
    created: datetime | None
    modified: datetime | None


def _record_fields(reply: dict[str, Any], resource: str) -> dict[str, Any]:
    """What every governance record's Describe/List reply carries; id, ARN and version are named after the resource."""
    return {
        "id": reply[f"{resource}Id"],
        "arn": reply[f"{resource}Arn"],
        "name": reply.get("Name", ""),
        "version": int(reply.get(f"{resource}Version", 0)),
        "status": reply.get("Status", ""),
        "cluster_arn": reply.get("ClusterArn", ""),
        "created": reply.get("CreationTime"),
        "modified": reply.get("LastModifiedTime"),
    }


def compute_quota(reply: dict[str, Any]) -> ComputeQuota:
    config = reply.get("ComputeQuotaConfig") or {}
    target = reply.get("ComputeQuotaTarget") or {}
    sharing = config.get("ResourceSharingConfig") or {}
    spec = QuotaSpec(
        team=target.get("TeamName", ""),
        instances=tuple(
            (r.get("InstanceType", ""), int(r.get("Count", 0))) for r in config.get("ComputeQuotaResources") or []
        ),
        strategy=sharing.get("Strategy", "LendAndBorrow"),
        borrow_limit_percent=int(sharing.get("BorrowLimit", 0)),
        preempt_team_tasks=config.get("PreemptTeamTasks", "LowerPriority"),
        fair_share_weight=int(target.get("FairShareWeight", 0)),
        active=reply.get("ActivationState", "Enabled") == "Enabled",
    )
    return ComputeQuota(spec=spec, **_record_fields(reply, "ComputeQuota"))


def scheduler_config(reply: dict[str, Any]) -> SchedulerConfig:
    config = reply.get("SchedulerConfig")
    spec = None
    if config is not None:
        spec = PolicySpec(
            tuple((c["Name"], int(c["Weight"])) for c in config.get("PriorityClasses") or []),
            config.get("FairShare", "Enabled") == "Enabled",
        )
    return SchedulerConfig(spec=spec, **_record_fields(reply, "ClusterSchedulerConfig"))
