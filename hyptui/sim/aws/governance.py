"""SageMaker task governance on the simulated account: compute quotas (one per team) and the cluster scheduler config
(the cluster policy), as the SageMaker API keeps them, with ids, versions and statuses. For the cluster the embedded
Kubernetes API serves, the records start from the Kueue objects the cluster holds, and every create, update and
delete regenerates those objects (`task_governance.apply_task_governance`), as HyperPod does.

Simplified: changes complete at once (status `Created`/`Updated`, never `Creating`), deleted records disappear, only
whole-instance allocations (`Count`) are simulated, and only the current version of a record is kept.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.aws.clusters import EKS, HyperPodCluster, HyperPodClusters, short_id
from hyptui.sim.aws.protocols import AwsCall, AwsError, Page, epoch_or_none, page, validation_error
from hyptui.sim.inference.endpoints import ACCOUNT_ID
from hyptui.sim.kueue.task_governance import (
    DONT_LEND,
    LEND,
    LEND_AND_BORROW,
    LOWER_PRIORITY,
    NEVER,
    ClusterPolicy,
    ComputeQuota,
    InstanceQuota,
    PriorityClass,
    TaskGovernance,
    apply_task_governance,
    read_task_governance,
)

_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_TEAM = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9]){0,39}?$")
MAX_PRIORITY_CLASSES = 10
DEFAULT_PAGE, MAX_PAGE = 10, 100


@dataclass(frozen=True, slots=True)
class Record:
    """One compute quota or cluster scheduler config as SageMaker keeps it."""

    kind: str  # "compute-quota" | "cluster-scheduler-config"
    id: str
    name: str
    description: str
    cluster: HyperPodCluster
    version: int
    status: str
    created: datetime
    modified: datetime
    created_by: str
    quota: ComputeQuota | None = None
    policy: ClusterPolicy | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:sagemaker:{self.cluster.region}:{ACCOUNT_ID}:{self.kind}/{self.id}"


def _quota_config(quota: ComputeQuota) -> dict[str, Any]:
    sharing: dict[str, Any] = {"Strategy": quota.strategy}
    if quota.strategy == LEND_AND_BORROW:
        sharing["BorrowLimit"] = quota.borrow_limit_percent
    return {
        "ComputeQuotaResources": [{"InstanceType": i.instance_type, "Count": i.count} for i in quota.instances],
        "ResourceSharingConfig": sharing,
        "PreemptTeamTasks": quota.preempt_team_tasks,
    }


def _scheduler_config(policy: ClusterPolicy) -> dict[str, Any]:
    return {
        "PriorityClasses": [{"Name": c.name, "Weight": c.weight} for c in policy.priority_classes],
        "FairShare": "Enabled" if policy.fair_share else "Disabled",
    }


def _quota_fields(record: Record) -> dict[str, Any]:
    quota = record.quota
    assert quota is not None
    return {
        "ComputeQuotaArn": record.arn,
        "ComputeQuotaId": record.id,
        "Name": record.name,
        "ComputeQuotaVersion": record.version,
        "Status": record.status,
        "ClusterArn": record.cluster.arn,
        "ComputeQuotaConfig": _quota_config(quota),
        "ComputeQuotaTarget": {"TeamName": quota.team, "FairShareWeight": quota.fair_share_weight},
        "ActivationState": "Enabled" if quota.enabled else "Disabled",
        "CreationTime": record.created,
        "LastModifiedTime": record.modified,
    }


def _identity(arn: str) -> dict[str, Any]:
    return {"IamIdentity": {"Arn": arn, "PrincipalId": "AIDA" + short_id("user", arn, length=17).upper()}}


def _enum(value: Any, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise validation_error(f"{field} must be one of {', '.join(allowed)}, not {value!r}.")
    return value


def _quota_of(config: dict[str, Any], target: dict[str, Any], active: str, cluster: HyperPodCluster) -> ComputeQuota:
    team = target.get("TeamName", "")
    if not _TEAM.match(team):
        raise validation_error(
            f"TeamName {team!r} must be lowercase letters, digits and hyphens, start and end with a letter or digit, "
            "and be at most 40 characters."
        )
    groups = {g.instance_type for g in cluster.instance_groups}
    instances = []
    for resource in config.get("ComputeQuotaResources") or []:
        itype = resource.get("InstanceType", "")
        if itype not in groups:
            raise validation_error(
                f"Instance type {itype} is not in any instance group of cluster {cluster.name} "
                f"(it has {', '.join(sorted(groups))})."
            )
        count = resource.get("Count")
        if not isinstance(count, int) or count < 0:
            raise validation_error(
                f"ComputeQuotaResources for {itype} must give a Count of whole instances (0 or more); "
                "the simulated cluster does not allocate Accelerators, VCpu or MemoryInGiB."
            )
        instances.append(InstanceQuota(itype, count))
    sharing = config.get("ResourceSharingConfig") or {"Strategy": LEND_AND_BORROW}
    strategy = _enum(sharing.get("Strategy"), "ResourceSharingConfig.Strategy", (LEND_AND_BORROW, LEND, DONT_LEND))
    borrow = sharing.get("BorrowLimit", 50)
    if not isinstance(borrow, int) or not 0 <= borrow <= 500:
        raise validation_error(f"ResourceSharingConfig.BorrowLimit must be a percentage from 0 to 500, not {borrow}.")
    weight = target.get("FairShareWeight", 0)
    if not isinstance(weight, int) or not 0 <= weight <= 100:
        raise validation_error(f"ComputeQuotaTarget.FairShareWeight must be from 0 to 100, not {weight}.")
    return ComputeQuota(
        team=team,
        instances=tuple(instances),
        strategy=strategy,
        borrow_limit_percent=borrow if strategy == LEND_AND_BORROW else 0,
        preempt_team_tasks=_enum(
            config.get("PreemptTeamTasks", LOWER_PRIORITY), "PreemptTeamTasks", (LOWER_PRIORITY, NEVER)
        ),
        fair_share_weight=weight,
        enabled=_enum(active, "ActivationState", ("Enabled", "Disabled")) == "Enabled",
    )


def _policy_of(config: dict[str, Any]) -> ClusterPolicy:
    classes = config.get("PriorityClasses") or []
    if len(classes) > MAX_PRIORITY_CLASSES:
        raise validation_error(f"SchedulerConfig.PriorityClasses may hold at most {MAX_PRIORITY_CLASSES} classes.")
    parsed = []
    for entry in classes:
        name, weight = entry.get("Name", ""), entry.get("Weight")
        if not _TEAM.match(name):
            raise validation_error(
                f"Priority class name {name!r} must be lowercase letters, digits and hyphens, at most 40 characters."
            )
        if not isinstance(weight, int) or not 0 <= weight <= 100:
            raise validation_error(f"Priority class {name} needs a Weight from 0 to 100, not {weight}.")
        parsed.append(PriorityClass(name, weight))
    if len({c.name for c in parsed}) != len(parsed):
        raise validation_error("SchedulerConfig.PriorityClasses names must be unique.")
    fair = _enum(config.get("FairShare", "Enabled"), "SchedulerConfig.FairShare", ("Enabled", "Disabled"))
    return ClusterPolicy(tuple(parsed), fair_share=fair == "Enabled")


class TaskGovernanceRecords:
    """Every compute quota and scheduler config of the account; thread-safe (the AWS server is threaded)."""

    def __init__(self, store: ObjectStore, clusters: HyperPodClusters) -> None:
        self._store = store
        self._clusters = clusters
        self._lock = threading.RLock()
        self._records: dict[str, Record] | None = None  # read from the live cluster on first use
        self._serial = 0

    def _all(self, region: str) -> dict[str, Record]:
        if self._records is None:
            self._records = {}
            live = next((c for c in self._clusters.all(region) if c.live), None)
            if live is not None:
                self._import(live, read_task_governance(self._store))
        return self._records

    def _import(self, live: HyperPodCluster, governance: TaskGovernance) -> None:
        created = live.created
        system = f"arn:aws:iam::{ACCOUNT_ID}:role/Admin"
        if governance.policy is not None:
            self._add("cluster-scheduler-config", "default", live, created, system, policy=governance.policy)
        for quota in governance.quotas:
            self._add("compute-quota", f"{quota.team}-quota", live, created, system, quota=quota)

    def _add(
        self, kind: str, name: str, cluster: HyperPodCluster, now: datetime, by: str, description: str = "", **body: Any
    ) -> Record:
        assert self._records is not None
        self._serial += 1
        record_id = short_id(kind, cluster.arn, name, str(self._serial))
        record = Record(kind, record_id, name, description, cluster, 1, "Created", now, now, by, **body)
        self._records[record_id] = record
        return record

    def _apply(self, cluster: HyperPodCluster) -> None:
        """Regenerate the live cluster's Kueue objects from its records (other clusters have no API here)."""
        if not cluster.live:
            return
        mine = [r for r in (self._records or {}).values() if r.cluster.arn == cluster.arn]
        policy = next((r.policy for r in mine if r.policy is not None), None)
        quotas = tuple(r.quota for r in mine if r.quota is not None)
        apply_task_governance(self._store, TaskGovernance(policy, quotas))

    def _cluster(self, call: AwsCall) -> HyperPodCluster:
        arn = call.params.get("ClusterArn", "")
        cluster = next((c for c in self._clusters.all(call.region) if c.arn == arn), None)
        if cluster is None:
            raise AwsError("ResourceNotFound", f"Cluster '{arn}' not found.")
        if cluster.orchestrator != EKS:
            raise validation_error(f"Cluster {cluster.name} is not orchestrated by EKS; task governance needs EKS.")
        return cluster

    def _record(self, call: AwsCall, kind: str, id_field: str, version_field: str | None = None) -> Record:
        record_id = call.params.get(id_field, "")
        record = self._all(call.region).get(record_id)
        wanted = call.params.get(version_field) if version_field else None
        if record is None or record.kind != kind or (wanted is not None and wanted != record.version):
            label = "Compute quota" if kind == "compute-quota" else "Cluster scheduler config"
            raise AwsError("ResourceNotFound", f"{label} {record_id} not found.")
        return record

    def _name(self, call: AwsCall) -> str:
        name = call.params.get("Name", "")
        if not _NAME.match(name):
            raise validation_error(f"Name {name!r} must be 1 to 63 letters, digits and hyphens, not starting with one.")
        return name

    def _changed(self, record: Record, call: AwsCall, **changes: Any) -> Record:
        if call.params.get("TargetVersion") != record.version:
            raise AwsError(
                "ConflictException",
                f"TargetVersion {call.params.get('TargetVersion')} does not match the current version "
                f"{record.version} of {record.id}; describe it again and retry.",
            )
        description = call.params.get("Description", record.description)
        updated = replace(
            record, version=record.version + 1, status="Updated", modified=call.now, description=description, **changes
        )
        assert self._records is not None
        self._records[record.id] = updated
        self._apply(record.cluster)
        return updated

    def _delete(self, record: Record) -> dict[str, Any]:
        assert self._records is not None
        del self._records[record.id]
        self._apply(record.cluster)
        return {}

    def _listed(self, call: AwsCall, kind: str, sort_keys: dict[str, Callable[[Record], Any]]) -> Page:
        """The page of `kind` records the call's filters, sort order and NextToken/MaxResults ask for."""
        params = call.params
        low, high = epoch_or_none(params.get("CreatedAfter")), epoch_or_none(params.get("CreatedBefore"))
        records = [
            r
            for r in self._all(call.region).values()
            if r.kind == kind
            and r.cluster.region == call.region
            and params.get("NameContains", "") in r.name
            and params.get("Status", r.status) == r.status
            and params.get("ClusterArn", r.cluster.arn) == r.cluster.arn
            and (low is None or r.created > low)
            and (high is None or r.created < high)
        ]
        key = sort_keys[_enum(params.get("SortBy", "CreationTime"), "SortBy", tuple(sort_keys))]
        order = _enum(params.get("SortOrder", "Descending"), "SortOrder", ("Ascending", "Descending"))
        ordered = sorted(records, key=lambda r: (key(r), r.id), reverse=order == "Descending")
        return page(ordered, params.get("NextToken"), params.get("MaxResults"), default=DEFAULT_PAGE, maximum=MAX_PAGE)

    # Compute quotas

    def create_compute_quota(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            name, cluster = self._name(call), self._cluster(call)
            target = call.params.get("ComputeQuotaTarget") or {}
            quota = _quota_of(
                call.params.get("ComputeQuotaConfig") or {},
                target,
                call.params.get("ActivationState", "Enabled"),
                cluster,
            )
            for record in self._all(call.region).values():
                if record.quota is not None and record.cluster.arn == cluster.arn and record.quota.team == quota.team:
                    raise AwsError(
                        "ConflictException",
                        f"Team {quota.team} already has compute quota {record.id} ({record.name}) in cluster "
                        f"{cluster.name}.",
                    )
            description = call.params.get("Description", "")
            record = self._add("compute-quota", name, cluster, call.now, call.caller_arn, description, quota=quota)
            self._apply(cluster)
            return {"ComputeQuotaArn": record.arn, "ComputeQuotaId": record.id}

    def describe_compute_quota(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            record = self._record(call, "compute-quota", "ComputeQuotaId", "ComputeQuotaVersion")
            return {
                **_quota_fields(record),
                "Description": record.description or None,
                "CreatedBy": _identity(record.created_by),
                "LastModifiedBy": _identity(record.created_by),
            }

    def list_compute_quotas(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            sort_keys = {
                "Name": lambda r: r.name,
                "CreationTime": lambda r: r.created,
                "Status": lambda r: r.status,
                "ClusterArn": lambda r: r.cluster.arn,
            }
            found = self._listed(call, "compute-quota", sort_keys)
            return {"ComputeQuotaSummaries": [_quota_fields(r) for r in found.items], "NextToken": found.next_token}

    def update_compute_quota(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            record = self._record(call, "compute-quota", "ComputeQuotaId")
            assert record.quota is not None
            current = _quota_config(record.quota)
            target = {"TeamName": record.quota.team, "FairShareWeight": record.quota.fair_share_weight}
            target.update({k: v for k, v in (call.params.get("ComputeQuotaTarget") or {}).items() if k != "TeamName"})
            active = call.params.get("ActivationState", "Enabled" if record.quota.enabled else "Disabled")
            quota = _quota_of(call.params.get("ComputeQuotaConfig") or current, target, active, record.cluster)
            updated = self._changed(record, call, quota=quota)
            return {"ComputeQuotaArn": updated.arn, "ComputeQuotaVersion": updated.version}

    def delete_compute_quota(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            return self._delete(self._record(call, "compute-quota", "ComputeQuotaId"))

    # Cluster scheduler configs (the cluster policy)

    def create_cluster_scheduler_config(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            name, cluster = self._name(call), self._cluster(call)
            policy = _policy_of(call.params.get("SchedulerConfig") or {})
            for record in self._all(call.region).values():
                if record.policy is not None and record.cluster.arn == cluster.arn:
                    raise AwsError(
                        "ConflictException",
                        f"Cluster {cluster.name} already has cluster scheduler config {record.id} ({record.name}).",
                    )
            description = call.params.get("Description", "")
            record = self._add(
                "cluster-scheduler-config", name, cluster, call.now, call.caller_arn, description, policy=policy
            )
            self._apply(cluster)
            return {"ClusterSchedulerConfigArn": record.arn, "ClusterSchedulerConfigId": record.id}

    def describe_cluster_scheduler_config(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            record = self._record(
                call, "cluster-scheduler-config", "ClusterSchedulerConfigId", "ClusterSchedulerConfigVersion"
            )
            assert record.policy is not None
            return {
                "ClusterSchedulerConfigArn": record.arn,
                "ClusterSchedulerConfigId": record.id,
                "Name": record.name,
                "ClusterSchedulerConfigVersion": record.version,
                "Status": record.status,
                "ClusterArn": record.cluster.arn,
                "SchedulerConfig": _scheduler_config(record.policy),
                "Description": record.description or None,
                "CreationTime": record.created,
                "CreatedBy": _identity(record.created_by),
                "LastModifiedTime": record.modified,
                "LastModifiedBy": _identity(record.created_by),
            }

    def list_cluster_scheduler_configs(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            sort_keys = {"Name": lambda r: r.name, "CreationTime": lambda r: r.created, "Status": lambda r: r.status}
            found = self._listed(call, "cluster-scheduler-config", sort_keys)
            summaries = [
                {
                    "ClusterSchedulerConfigArn": r.arn,
                    "ClusterSchedulerConfigId": r.id,
                    "ClusterSchedulerConfigVersion": r.version,
                    "Name": r.name,
                    "CreationTime": r.created,
                    "LastModifiedTime": r.modified,
                    "Status": r.status,
                    "ClusterArn": r.cluster.arn,
                }
                for r in found.items
            ]
            return {"ClusterSchedulerConfigSummaries": summaries, "NextToken": found.next_token}

    def update_cluster_scheduler_config(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            record = self._record(call, "cluster-scheduler-config", "ClusterSchedulerConfigId")
            assert record.policy is not None
            config = call.params.get("SchedulerConfig") or _scheduler_config(record.policy)
            updated = self._changed(record, call, policy=_policy_of(config))
            return {"ClusterSchedulerConfigArn": updated.arn, "ClusterSchedulerConfigVersion": updated.version}

    def delete_cluster_scheduler_config(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            return self._delete(self._record(call, "cluster-scheduler-config", "ClusterSchedulerConfigId"))


# Each SageMaker task-governance operation and the TaskGovernanceRecords method that answers it.
OPERATIONS: dict[str, str] = {
    "CreateComputeQuota": "create_compute_quota",
    "DescribeComputeQuota": "describe_compute_quota",
    "ListComputeQuotas": "list_compute_quotas",
    "UpdateComputeQuota": "update_compute_quota",
    "DeleteComputeQuota": "delete_compute_quota",
    "CreateClusterSchedulerConfig": "create_cluster_scheduler_config",
    "DescribeClusterSchedulerConfig": "describe_cluster_scheduler_config",
    "ListClusterSchedulerConfigs": "list_cluster_scheduler_configs",
    "UpdateClusterSchedulerConfig": "update_cluster_scheduler_config",
    "DeleteClusterSchedulerConfig": "delete_cluster_scheduler_config",
}
