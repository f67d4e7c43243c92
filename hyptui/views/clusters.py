"""HyperPod clusters and cluster stacks as a person reads them: one row per cluster (orchestrator, instance groups as
type x count, healthy nodes, GPUs, age), a cluster's detail, and a stack's progress as a tree of the main stack, its
nested stacks and their resources, with how long each has taken and why the first one that failed did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hyptui.aws.clusters import ClusterDetail, ClusterNode, EksCluster
from hyptui.aws.poller import NESTED_STACK
from hyptui.aws.stacks import Stack, StackEvent
from hyptui.hyp_configs.capacity import INSTANCE_TYPES
from hyptui.hyperpod.age import human_duration
from hyptui.store.state import AppState, AwsCluster, StackProgress
from hyptui.views.columns import ColumnSpec

EKS = "EKS"
TIMES = "\u00d7"  # the multiplication sign
HEALTHY_NODE = "Running"  # ClusterInstanceStatus of a node that is up
# CloudFormation's wrapper reason for a nested stack that failed; the resource inside it says why
EMBEDDED_FAILURE = "Embedded stack "

CLUSTER_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 20, flex_max=36),
    ColumnSpec("orchestrator", "ORCHESTRATOR", 12),
    ColumnSpec("status", "STATUS", 10, toned=True),
    ColumnSpec("instance_groups", "INSTANCE GROUPS", 34, priority=1, flex_max=60),
    ColumnSpec("nodes", "NODES", 6),
    ColumnSpec("gpus", "GPUS", 5),
    ColumnSpec("age", "AGE", 6, priority=2),
)

CLUSTER_NODE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("instance_id", "INSTANCE ID", 19),
    ColumnSpec("group", "GROUP", 18, priority=2),
    ColumnSpec("instance_type", "INSTANCE TYPE", 15),
    ColumnSpec("status", "STATUS", 25, toned=True),  # DeepHealthCheckInProgress
    ColumnSpec("launched", "LAUNCHED", 16, priority=1),
    ColumnSpec("message", "MESSAGE", 20, priority=3, flex_max=80),
)

STACK_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("resource", "STACK / RESOURCE", 34, flex_max=70),
    ColumnSpec("type", "TYPE", 26, priority=2),
    ColumnSpec("status", "STATUS", 18, toned=True),  # CREATE_IN_PROGRESS
    ColumnSpec("elapsed", "ELAPSED", 7),
    ColumnSpec("reason", "REASON", 24, priority=1, flex_max=120),
)


def gpus_per_instance(instance_type: str) -> int:
    capacity = INSTANCE_TYPES.get(instance_type)
    return capacity.gpus if capacity else 0


def instance_groups_text(detail: ClusterDetail) -> str:
    """`4 x ml.g5.12xlarge, 6 x ml.t3.medium` (with TIMES, unspaced): instances per type, in the groups' order."""
    counts: dict[str, int] = {}
    for group in detail.instance_groups:
        counts[group.instance_type] = counts.get(group.instance_type, 0) + group.current_count
    return ", ".join(f"{count}{TIMES}{itype}" for itype, count in counts.items())


def elapsed(delta: timedelta) -> str:
    """A duration as a stopwatch reads: 45s, 2m05s, 1h02m."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _launched(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


@dataclass(frozen=True, slots=True)
class ClusterRow:
    key: str  # the cluster ARN
    name: str
    orchestrator: str  # EKS | Slurm
    status: str
    instance_groups: str
    healthy: int
    total: int
    gpus: int
    age: str
    created: datetime | None

    @property
    def nodes(self) -> str:
        return f"{self.healthy}/{self.total}"


def cluster_row(cluster: AwsCluster, now: datetime) -> ClusterRow:
    detail = cluster.detail
    return ClusterRow(
        key=detail.arn,
        name=detail.name,
        orchestrator=detail.orchestrator,
        status=detail.status,
        instance_groups=instance_groups_text(detail),
        healthy=sum(node.status == HEALTHY_NODE for node in cluster.nodes),
        total=len(cluster.nodes),
        gpus=sum(group.current_count * gpus_per_instance(group.instance_type) for group in detail.instance_groups),
        age=human_duration(now - detail.created) if detail.created else "",
        created=detail.created,
    )


def cluster_rows(state: AppState, now: datetime) -> list[ClusterRow]:
    loaded = state.aws_clusters
    return [cluster_row(cluster, now) for cluster in loaded.clusters] if loaded else []


def find_cluster(state: AppState, arn: str) -> AwsCluster | None:
    loaded = state.aws_clusters
    return next((c for c in loaded.clusters if c.detail.arn == arn), None) if loaded else None


def slurm_message(name: str) -> str:
    return (
        f"{name} is orchestrated by Slurm: hyptui, like hyp, opens EKS-orchestrated clusters only. Reach it on its "
        "login node (SSH or SSM) and use sinfo and squeue there."
    )


# -- a cluster's detail -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupRow:
    name: str
    instance_type: str
    count: str  # current/target
    gpus: str  # per instance
    status: str


@dataclass(frozen=True, slots=True)
class NodeRow:
    key: str  # instance id
    instance_id: str
    group: str
    instance_type: str
    status: str
    launched: str
    launch_time: datetime
    message: str


@dataclass(frozen=True, slots=True)
class ClusterDetailView:
    row: ClusterRow
    fields: tuple[tuple[str, str], ...]  # (label, value) in reading order
    groups: tuple[GroupRow, ...]
    nodes: tuple[NodeRow, ...]
    failure: str


def node_row(node: ClusterNode) -> NodeRow:
    return NodeRow(
        key=node.instance_id,
        instance_id=node.instance_id,
        group=node.instance_group,
        instance_type=node.instance_type,
        status=node.status,
        launched=_launched(node.launch_time),
        launch_time=node.launch_time,
        message=node.message,
    )


def cluster_detail_view(cluster: AwsCluster, eks: EksCluster | None, now: datetime) -> ClusterDetailView:
    detail = cluster.detail
    row = cluster_row(cluster, now)
    fields: list[tuple[str, str]] = [
        ("Cluster", detail.name),
        ("ARN", detail.arn),
        ("Status", detail.status),
        ("Created", f"{_launched(detail.created)} ({row.age} ago)" if detail.created else ""),
        ("Orchestrator", detail.orchestrator),
        ("Nodes healthy", row.nodes),
        ("GPUs", str(row.gpus)),
    ]
    if detail.orchestrator == EKS:
        fields.append(("EKS cluster", detail.eks_cluster_name))
        fields.append(("EKS ARN", detail.eks_cluster_arn))
        fields.append(("EKS version", f"{eks.version} ({eks.status})" if eks else "…"))
        fields.append(("API endpoint", eks.endpoint if eks else "…"))
    fields.append(("VPC", eks.vpc_id if eks else ("…" if detail.orchestrator == EKS else "")))
    fields.append(("Subnets", ", ".join(detail.subnets)))
    fields.append(("Security groups", ", ".join(detail.security_groups)))
    groups = tuple(
        GroupRow(
            name=group.name,
            instance_type=group.instance_type,
            count=f"{group.current_count}/{group.target_count}",
            gpus=str(gpus_per_instance(group.instance_type)),
            status=group.status,
        )
        for group in detail.instance_groups
    )
    nodes = tuple(node_row(node) for node in cluster.nodes)
    return ClusterDetailView(row, tuple(fields), groups, nodes, detail.failure_message)


# -- a stack's progress -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StackNode:
    """One line of the progress tree: the main stack, a nested stack or a resource."""

    key: str
    depth: int
    logical_id: str
    resource_type: str
    status: str
    reason: str
    elapsed: str
    last: bool  # the last child of its parent, for the tree's └─
    ancestors_last: tuple[bool, ...]  # whether each ancestor below the root was a last child, for the │ guides

    @property
    def label(self) -> str:
        if self.depth == 0:
            return self.logical_id
        guides = "".join("   " if last else "│  " for last in self.ancestors_last)
        return f"{guides}{'└─ ' if self.last else '├─ '}{self.logical_id}"


@dataclass(frozen=True, slots=True)
class StackView:
    stack: Stack
    status: str
    elapsed: str
    nodes: tuple[StackNode, ...]
    failure: str  # the first failed resource's reason, "" when nothing failed
    resources: int  # resources below the main stack, nested stacks included
    done: int  # of those, how many have finished their current operation

    @property
    def in_progress(self) -> bool:
        return self.status.endswith("_IN_PROGRESS")


def _operation(status: str) -> str:
    """CREATE for CREATE_IN_PROGRESS/CREATE_COMPLETE/CREATE_FAILED: events of one operation share it."""
    for suffix in ("_IN_PROGRESS", "_COMPLETE", "_FAILED"):
        if status.endswith(suffix):
            return status.removesuffix(suffix)
    return status


def _finished(status: str) -> bool:
    return status.endswith(("_COMPLETE", "_FAILED"))


@dataclass(frozen=True, slots=True)
class _Resource:
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str
    started: datetime  # when its current operation began: a delete after a create starts the clock again
    latest: datetime


def _operation_start(history: Sequence[StackEvent]) -> datetime:
    """When the operation of the last event (oldest first) began."""
    operation = _operation(history[-1].status)
    started = history[-1].at
    for event in reversed(history):
        if _operation(event.status) != operation:
            break
        started = event.at
    return started


def _resources(events: Sequence[StackEvent], stack_name: str) -> list[_Resource]:
    """Each resource's current state, in the order the resources first appeared."""
    by_id: dict[str, list[StackEvent]] = {}
    for event in sorted(events, key=lambda e: e.at):
        if event.logical_id != stack_name:
            by_id.setdefault(event.logical_id, []).append(event)
    resources = []
    for logical_id, history in by_id.items():
        latest = history[-1]
        reason = next((e.reason for e in reversed(history) if e.reason and e.failed), "") or latest.reason
        physical = next((e.physical_id for e in reversed(history) if e.physical_id), "")
        resources.append(
            _Resource(
                logical_id, physical, latest.resource_type, latest.status, reason, _operation_start(history), latest.at
            )
        )
    return resources


def _stack_elapsed(stack: Stack, events: Sequence[StackEvent], now: datetime) -> str:
    own = sorted((e for e in events if e.logical_id == stack.name), key=lambda e: e.at)
    if not own:
        return elapsed(now - stack.created)
    # A rollback undoes the create it ends: count from the create.
    started = own[0].at if _operation(stack.status).endswith("ROLLBACK") else _operation_start(own)
    return elapsed((own[-1].at if _finished(stack.status) else now) - started)


def stack_view(progress: StackProgress, now: datetime) -> StackView:
    stack = progress.stack
    events: Mapping[str, tuple[StackEvent, ...]] = progress.events
    root_events = events.get(stack.stack_id, ())
    nodes: list[StackNode] = [
        StackNode(
            stack.stack_id,
            0,
            stack.name,
            NESTED_STACK,
            stack.status,
            stack.reason,
            _stack_elapsed(stack, root_events, now),
            True,
            (),
        )
    ]
    failures: list[tuple[datetime, str, str]] = []  # (when, resource type, "logical id: reason")
    counts = [0, 0]

    def add(children: list[_Resource], parent_key: str, depth: int, ancestors: tuple[bool, ...]) -> None:
        for index, resource in enumerate(children):
            last = index == len(children) - 1
            key = f"{parent_key}/{resource.logical_id}"
            end = resource.latest if _finished(resource.status) else now
            nodes.append(
                StackNode(
                    key,
                    depth,
                    resource.logical_id,
                    resource.resource_type,
                    resource.status,
                    resource.reason,
                    elapsed(end - resource.started),
                    last,
                    ancestors,
                )
            )
            counts[0] += 1
            counts[1] += _finished(resource.status)
            if resource.status.endswith("_FAILED"):
                failures.append((resource.latest, resource.resource_type, f"{resource.logical_id}: {resource.reason}"))
            nested = events.get(resource.physical_id) if resource.resource_type == NESTED_STACK else None
            if nested:
                stack_name = next((e.stack_name for e in nested), "")
                add(_resources(nested, stack_name), key, depth + 1, (*ancestors, last))

    add(_resources(root_events, stack.name), stack.stack_id, 1, ())
    # The resource that failed, not the nested stacks that failed because of it.
    specific = [f for f in failures if f[1] != NESTED_STACK and not f[2].split(": ", 1)[1].startswith(EMBEDDED_FAILURE)]
    chosen = min(specific or failures, default=None)
    return StackView(
        stack=stack,
        status=stack.status,
        elapsed=nodes[0].elapsed,
        nodes=tuple(nodes),
        failure=chosen[2] if chosen else "",
        resources=counts[0],
        done=counts[1],
    )
