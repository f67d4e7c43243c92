"""CloudFormation (query protocol) on the simulated account: the HyperPod cluster stack `hyp create cluster-stack`
submits, as a main stack with nested stacks (VPC, security group, S3 endpoint, EKS, FSx, Helm chart, HyperPod
cluster) whose events unfold over about two minutes of simulated time. Nothing runs in the background: a stack's
timeline is laid out when it is created or deleted and read against the clock on every call. While the HyperPod
nested stack creates its cluster, SageMaker lists the cluster as `Creating`, then `InService`.

Chosen: the durations (many minutes in AWS, compressed here), and that a stack naming a HyperPod cluster that already
exists fails at that resource and rolls back, with SageMaker's message as the reason.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hyptui.sim.aws.clusters import EKS, HyperPodCluster, InstanceGroup, short_id, static_nodes
from hyptui.sim.aws.protocols import AwsCall, AwsError, page
from hyptui.sim.inference.endpoints import ACCOUNT_ID

XML_NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
VERSION = "2010-05-15"
STACK = "AWS::CloudFormation::Stack"
HYPERPOD_RESOURCE = "AWS::SageMaker::Cluster"
_STACK_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]{0,127}$")
EVENTS_PAGE = 100
STACKS_PAGE = 100
ROLLBACK_SECONDS = 20
DELETE_SECONDS = 4  # per nested stack
REQUIRED_CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")


@dataclass(frozen=True, slots=True)
class NestedStack:
    logical_id: str  # its resource in the main template: "VPCStack"
    create_param: str  # the Create...Stack parameter that leaves it out when "false"
    after: tuple[str, ...]  # nested stacks it waits for
    seconds: int
    resources: tuple[tuple[str, str], ...]  # (logical id, resource type)


# The HyperPod EKS cluster template's nested stacks, in dependency order.
NESTED_STACKS = (
    NestedStack(
        "VPCStack",
        "CreateVPCStack",
        (),
        18,
        (
            ("VPC", "AWS::EC2::VPC"),
            ("InternetGateway", "AWS::EC2::InternetGateway"),
            ("PublicSubnet1", "AWS::EC2::Subnet"),
        ),
    ),
    NestedStack(
        "SecurityGroupStack",
        "CreateSecurityGroupStack",
        ("VPCStack",),
        8,
        (("SecurityGroup", "AWS::EC2::SecurityGroup"),),
    ),
    NestedStack(
        "S3EndpointStack", "CreateS3EndpointStack", ("VPCStack",), 6, (("S3VPCEndpoint", "AWS::EC2::VPCEndpoint"),)
    ),
    NestedStack(
        "EKSClusterStack",
        "CreateEKSClusterStack",
        ("SecurityGroupStack",),
        40,
        (("EKSClusterRole", "AWS::IAM::Role"), ("EKSCluster", "AWS::EKS::Cluster")),
    ),
    NestedStack(
        "FsxStack", "CreateFsxStack", ("SecurityGroupStack",), 30, (("FSxLustreFileSystem", "AWS::FSx::FileSystem"),)
    ),
    NestedStack(
        "HelmChartStack",
        "CreateHelmChartStack",
        ("EKSClusterStack",),
        12,
        (("HelmChartInstaller", "Custom::HelmChart"),),
    ),
    NestedStack(
        "HyperPodClusterStack",
        "CreateHyperPodClusterStack",
        ("HelmChartStack", "FsxStack", "S3EndpointStack"),
        24,
        (("HyperPodCluster", HYPERPOD_RESOURCE),),
    ),
)


@dataclass(frozen=True, slots=True)
class StackEvent:
    at: datetime
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str = ""


@dataclass
class Stack:
    name: str
    stack_id: str
    region: str
    created: datetime
    parameters: dict[str, str]
    tags: list[dict[str, str]]
    capabilities: list[str]
    parent: Stack | None = None
    logical_id: str = ""  # a nested stack's resource in its parent
    events: list[StackEvent] = field(default_factory=list)  # past and scheduled, in time order per resource

    def visible(self, now: datetime) -> list[StackEvent]:
        return sorted((e for e in self.events if e.at <= now), key=lambda e: e.at)

    def status(self, now: datetime) -> tuple[str, str]:
        own = [e for e in self.visible(now) if e.logical_id == self.name]
        return (own[-1].status, own[-1].reason) if own else ("CREATE_IN_PROGRESS", "")

    def deleted_at(self, now: datetime) -> datetime | None:
        return next(
            (e.at for e in self.visible(now) if e.logical_id == self.name and e.status == "DELETE_COMPLETE"), None
        )

    def stack_event(self, at: datetime, status: str, reason: str = "") -> StackEvent:
        return StackEvent(at, self.name, self.stack_id, STACK, status, reason)


def _stack_id(region: str, name: str, serial: int) -> str:
    unique = uuid.UUID(short_id("stack", region, name, str(serial), length=32))
    return f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{name}/{unique}"


def _instance_group_settings(params: dict[str, str]) -> list[dict[str, Any]]:
    """`InstanceGroupSettings1..N`, each a JSON list of one group, as `hyp create cluster-stack` sends them."""
    groups = []
    for index in range(1, 21):
        text = params.get(f"InstanceGroupSettings{index}")
        if not text:
            continue
        try:
            parsed = json.loads(text)
        except ValueError:
            raise AwsError("ValidationError", f"Parameter InstanceGroupSettings{index} is not a JSON list.") from None
        groups.extend(g for g in (parsed if isinstance(parsed, list) else [parsed]) if isinstance(g, dict))
    return groups or [{"InstanceGroupName": "default", "InstanceType": "ml.t3.medium", "InstanceCount": 1}]


def _physical_id(resource_type: str, stack: Stack, logical_id: str) -> str:
    digest = short_id(stack.stack_id, logical_id, length=17)
    params = stack.parent.parameters if stack.parent else stack.parameters
    return {
        "AWS::EC2::VPC": f"vpc-{digest}",
        "AWS::EC2::InternetGateway": f"igw-{digest}",
        "AWS::EC2::Subnet": f"subnet-{digest}",
        "AWS::EC2::SecurityGroup": f"sg-{digest}",
        "AWS::EC2::VPCEndpoint": f"vpce-{digest}",
        "AWS::IAM::Role": f"{stack.name[:40]}-{logical_id}-{digest[:12].upper()}",
        "AWS::EKS::Cluster": params.get("EKSClusterName", "eks-cluster"),
        "AWS::FSx::FileSystem": f"fs-{digest}",
        HYPERPOD_RESOURCE: f"arn:aws:sagemaker:{stack.region}:{ACCOUNT_ID}:cluster/"
        + short_id("cluster", stack.region, params.get("HyperPodClusterName", "hyperpod-cluster")),
    }.get(resource_type, f"{logical_id}-{digest[:8]}")


class CloudFormationStacks:
    """Every stack of the account; thread-safe (the AWS server is threaded)."""

    def __init__(self, existing_clusters: Callable[[str], list[str]]) -> None:
        self._existing_clusters = existing_clusters  # names of the HyperPod clusters of a region, stacks aside
        self._stacks: list[Stack] = []
        self._lock = threading.Lock()

    def hyperpod_clusters(self, now: datetime) -> list[HyperPodCluster]:
        """Clusters a HyperPod nested stack is creating or has created, until it is deleted."""
        with self._lock:
            stacks = [s for s in self._stacks if s.logical_id == "HyperPodClusterStack"]
        return [c for c in (_cluster_of(s, now) for s in stacks) if c is not None]

    # Operations

    def create_stack(self, call: AwsCall) -> dict[str, Any]:
        params = call.params
        name = params.get("StackName", "")
        if not _STACK_NAME.match(name):
            raise AwsError(
                "ValidationError",
                f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must "
                "satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
            )
        if not params.get("TemplateURL") and not params.get("TemplateBody"):
            raise AwsError("ValidationError", "Either Template URL or Template Body must be specified.")
        missing = [c for c in REQUIRED_CAPABILITIES if c not in (params.get("Capabilities") or [])]
        if "CAPABILITY_NAMED_IAM" not in missing:
            missing = [c for c in missing if c != "CAPABILITY_IAM"]
        if missing:
            raise AwsError("InsufficientCapabilitiesException", f"Requires capabilities : [{', '.join(missing)}]")
        values = {p["ParameterKey"]: p.get("ParameterValue", "") for p in params.get("Parameters") or []}
        _instance_group_settings(values)
        taken = set(self._existing_clusters(call.region)) | {c.name for c in self.hyperpod_clusters(call.now)}
        with self._lock:
            if any(s.name == name and s.region == call.region and s.deleted_at(call.now) is None for s in self._stacks):
                raise AwsError("AlreadyExistsException", f"Stack [{name}] already exists")
            main = Stack(
                name,
                _stack_id(call.region, name, len(self._stacks)),
                call.region,
                call.now,
                values,
                list(params.get("Tags") or []),
                list(params.get("Capabilities") or []),
            )
            self._stacks.append(main)
            self._schedule_create(main, values.get("HyperPodClusterName", "hyperpod-cluster") in taken)
        return {"StackId": main.stack_id}

    def delete_stack(self, call: AwsCall) -> dict[str, Any]:
        with self._lock:
            stack = self._find(call.params.get("StackName", ""), call)
            if stack is None:
                return {}  # DeleteStack of a stack that does not exist succeeds silently
            status, _ = stack.status(call.now)
            if call.params.get("RetainResources") and status != "DELETE_FAILED":
                raise AwsError(
                    "ValidationError",
                    f"Invalid operation on stack [{stack.stack_id}]: RetainResources can only be specified when the "
                    "stack is in the DELETE_FAILED state",
                )
            if status.endswith("_IN_PROGRESS"):
                raise AwsError("ValidationError", f"Stack [{stack.name}] cannot be deleted while in status {status}")
            if stack.parent is not None:
                raise AwsError("ValidationError", f"Stack [{stack.name}] is a nested stack: delete its root stack.")
            self._schedule_delete(stack, call.now)
        return {}

    def describe_stacks(self, call: AwsCall) -> dict[str, Any]:
        wanted = call.params.get("StackName")
        with self._lock:
            if wanted:
                stack = self._find(wanted, call, include_deleted=True)
                if stack is None:
                    raise AwsError("ValidationError", f"Stack with id {wanted} does not exist")
                stacks = [stack]
            else:
                stacks = [s for s in self._region(call) if s.deleted_at(call.now) is None]
            found = page(stacks[::-1], call.params.get("NextToken"), None, default=STACKS_PAGE, maximum=STACKS_PAGE)
            return {"Stacks": [self._description(s, call.now) for s in found.items], "NextToken": found.next_token}

    def describe_stack_events(self, call: AwsCall) -> dict[str, Any]:
        wanted = call.params.get("StackName", "")
        with self._lock:
            stack = self._find(wanted, call, include_deleted=True)
            if stack is None:
                raise AwsError("ValidationError", f"Stack [{wanted}] does not exist")
            events = [_event(stack, e) for e in reversed(stack.visible(call.now))]
        found = page(events, call.params.get("NextToken"), None, default=EVENTS_PAGE, maximum=EVENTS_PAGE)
        return {"StackEvents": found.items, "NextToken": found.next_token}

    def list_stacks(self, call: AwsCall) -> dict[str, Any]:
        statuses = set(call.params.get("StackStatusFilter") or [])
        with self._lock:
            summaries = []
            for stack in reversed(self._region(call)):
                status, reason = stack.status(call.now)
                if statuses and status not in statuses:
                    continue
                summaries.append(
                    {
                        "StackId": stack.stack_id,
                        "StackName": stack.name,
                        "TemplateDescription": "Main stack for EKS based HyperPod cluster",
                        "CreationTime": stack.created,
                        "DeletionTime": stack.deleted_at(call.now),
                        "StackStatus": status,
                        "StackStatusReason": reason or None,
                        "ParentId": stack.parent.stack_id if stack.parent else None,
                        "RootId": stack.parent.stack_id if stack.parent else None,
                    }
                )
        found = page(summaries, call.params.get("NextToken"), None, default=STACKS_PAGE, maximum=STACKS_PAGE)
        return {"StackSummaries": found.items, "NextToken": found.next_token}

    # Lookups

    def _region(self, call: AwsCall) -> list[Stack]:
        return [s for s in self._stacks if s.region == call.region and s.created <= call.now]

    def _find(self, name_or_id: str, call: AwsCall, include_deleted: bool = False) -> Stack | None:
        """By id (deleted stacks too, as CloudFormation allows), or by name among stacks not deleted."""
        for stack in reversed(self._region(call)):
            if stack.stack_id == name_or_id and (include_deleted or stack.deleted_at(call.now) is None):
                return stack
            if stack.name == name_or_id and stack.deleted_at(call.now) is None:
                return stack
        return None

    def _description(self, stack: Stack, now: datetime) -> dict[str, Any]:
        status, reason = stack.status(now)
        description: dict[str, Any] = {
            "StackId": stack.stack_id,
            "StackName": stack.name,
            "Description": "Main stack for EKS based HyperPod cluster" if stack.parent is None else None,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in stack.parameters.items()],
            "CreationTime": stack.created,
            "DeletionTime": stack.deleted_at(now),
            "StackStatus": status,
            "StackStatusReason": reason or None,
            "DisableRollback": False,
            "Capabilities": stack.capabilities,
            "Tags": stack.tags,
            "ParentId": stack.parent.stack_id if stack.parent else None,
            "RootId": stack.parent.stack_id if stack.parent else None,
        }
        if status == "CREATE_COMPLETE" and stack.parent is None:
            children = {s.logical_id: s for s in self._stacks if s.parent is stack}
            outputs = []
            for logical_id, output, resource in (
                ("VPCStack", "OutputVpcId", "VPC"),
                ("EKSClusterStack", "OutputEKSClusterName", "EKSCluster"),
                ("HyperPodClusterStack", "OutputHyperPodClusterArn", "HyperPodCluster"),
            ):
                child = children.get(logical_id)
                if child is not None:
                    value = next(e.physical_id for e in child.events if e.logical_id == resource and e.physical_id)
                    outputs.append({"OutputKey": output, "OutputValue": value})
            description["Outputs"] = outputs
        return description

    # Timelines

    def _schedule_create(self, main: Stack, fail_cluster: bool) -> None:
        start = main.created
        main.events.append(main.stack_event(start, "CREATE_IN_PROGRESS", "User Initiated"))
        finished: dict[str, datetime] = {}
        end = start + timedelta(seconds=1)
        for nested in NESTED_STACKS:
            if main.parameters.get(nested.create_param, "true").lower() == "false":
                continue
            begins = max([start + timedelta(seconds=2), *(finished[d] for d in nested.after if d in finished)])
            child = self._nested_stack(main, nested, begins)
            fails = fail_cluster and nested.logical_id == "HyperPodClusterStack"
            finished[nested.logical_id] = end = max(end, self._create_nested(main, child, nested, begins, fails))
            if fails:
                reason = (
                    f"The following resource(s) failed to create: [{nested.logical_id}]. Rollback requested by user."
                )
                main.events.append(main.stack_event(end + timedelta(seconds=1), "ROLLBACK_IN_PROGRESS", reason))
                main.events.append(main.stack_event(end + timedelta(seconds=ROLLBACK_SECONDS), "ROLLBACK_COMPLETE"))
                return
        main.events.append(main.stack_event(end + timedelta(seconds=1), "CREATE_COMPLETE"))

    def _nested_stack(self, main: Stack, nested: NestedStack, begins: datetime) -> Stack:
        name = f"{main.name}-{nested.logical_id}-{short_id(main.stack_id, nested.logical_id, length=13).upper()}"
        child = Stack(
            name,
            _stack_id(main.region, name, len(self._stacks)),
            main.region,
            begins,
            {},
            main.tags,
            main.capabilities,
            parent=main,
            logical_id=nested.logical_id,
        )
        self._stacks.append(child)
        return child

    def _create_nested(self, main: Stack, child: Stack, nested: NestedStack, begins: datetime, fails: bool) -> datetime:
        """The nested stack's events, in its own stack and as a resource of the main one; returns when it ended."""
        main.events.append(StackEvent(begins, nested.logical_id, "", STACK, "CREATE_IN_PROGRESS"))
        main.events.append(
            StackEvent(
                begins, nested.logical_id, child.stack_id, STACK, "CREATE_IN_PROGRESS", "Resource creation Initiated"
            )
        )
        child.events.append(child.stack_event(begins, "CREATE_IN_PROGRESS", "User Initiated"))
        step = nested.seconds / len(nested.resources)
        at = begins
        for index, (logical_id, resource_type) in enumerate(nested.resources):
            started = begins + timedelta(seconds=index * step + 1)
            at = begins + timedelta(seconds=(index + 1) * step)
            physical = _physical_id(resource_type, child, logical_id)
            child.events.append(StackEvent(started, logical_id, "", resource_type, "CREATE_IN_PROGRESS"))
            child.events.append(
                StackEvent(
                    started, logical_id, physical, resource_type, "CREATE_IN_PROGRESS", "Resource creation Initiated"
                )
            )
            if fails and resource_type == HYPERPOD_RESOURCE:
                cluster = main.parameters.get("HyperPodClusterName", "hyperpod-cluster")
                reason = (
                    f'Resource handler returned message: "Cluster with name {cluster} already exists. '
                    '(Service: SageMaker, Status Code: 400)" (HandlerErrorCode: AlreadyExists)'
                )
                child.events.append(StackEvent(at, logical_id, physical, resource_type, "CREATE_FAILED", reason))
                failed = f"The following resource(s) failed to create: [{logical_id}]. "
                child.events.append(child.stack_event(at, "CREATE_FAILED", failed))
                main.events.append(
                    StackEvent(
                        at,
                        nested.logical_id,
                        child.stack_id,
                        STACK,
                        "CREATE_FAILED",
                        f"Embedded stack {child.stack_id} was not successfully created: {failed}",
                    )
                )
                return at
            child.events.append(StackEvent(at, logical_id, physical, resource_type, "CREATE_COMPLETE"))
        done = at + timedelta(seconds=1)
        child.events.append(child.stack_event(done, "CREATE_COMPLETE"))
        main.events.append(StackEvent(done, nested.logical_id, child.stack_id, STACK, "CREATE_COMPLETE"))
        return done

    def _schedule_delete(self, main: Stack, now: datetime) -> None:
        main.events.append(main.stack_event(now, "DELETE_IN_PROGRESS", "User Initiated"))
        at = now + timedelta(seconds=1)
        children = [s for s in self._stacks if s.parent is main]
        for child in reversed(children):
            main.events.append(StackEvent(at, child.logical_id, child.stack_id, STACK, "DELETE_IN_PROGRESS"))
            child.events.append(child.stack_event(at, "DELETE_IN_PROGRESS", "User Initiated"))
            created = [e for e in child.events if e.status == "CREATE_COMPLETE" and e.logical_id != child.name]
            step = DELETE_SECONDS / (len(created) + 1)
            for index, event in enumerate(reversed(created)):
                begun = at + timedelta(seconds=index * step)
                child.events.append(
                    StackEvent(begun, event.logical_id, event.physical_id, event.resource_type, "DELETE_IN_PROGRESS")
                )
                child.events.append(
                    StackEvent(
                        begun + timedelta(seconds=step),
                        event.logical_id,
                        event.physical_id,
                        event.resource_type,
                        "DELETE_COMPLETE",
                    )
                )
            at += timedelta(seconds=DELETE_SECONDS)
            child.events.append(child.stack_event(at, "DELETE_COMPLETE"))
            main.events.append(StackEvent(at, child.logical_id, child.stack_id, STACK, "DELETE_COMPLETE"))
            at += timedelta(seconds=1)
        main.events.append(main.stack_event(at, "DELETE_COMPLETE"))


def _event(stack: Stack, event: StackEvent) -> dict[str, Any]:
    event_id = (
        str(uuid.UUID(short_id(stack.stack_id, event.at.isoformat(), event.status, length=32)))
        if event.logical_id == stack.name
        else f"{event.logical_id}-{event.status}-{event.at:%Y-%m-%dT%H:%M:%S.000Z}"
    )
    return {
        "StackId": stack.stack_id,
        "EventId": event_id,
        "StackName": stack.name,
        "LogicalResourceId": event.logical_id,
        "PhysicalResourceId": event.physical_id,
        "ResourceType": event.resource_type,
        "Timestamp": event.at,
        "ResourceStatus": event.status,
        "ResourceStatusReason": event.reason or None,
    }


def _cluster_of(stack: Stack, now: datetime) -> HyperPodCluster | None:
    """The HyperPod cluster a HyperPod nested stack is creating, has created or is deleting."""
    events = [e for e in stack.visible(now) if e.resource_type == HYPERPOD_RESOURCE]
    if not events or events[-1].status in ("CREATE_FAILED", "DELETE_COMPLETE"):
        return None
    status = {"CREATE_IN_PROGRESS": "Creating", "CREATE_COMPLETE": "InService"}.get(events[-1].status, "Deleting")
    assert stack.parent is not None
    params = stack.parent.parameters
    name = params.get("HyperPodClusterName", "hyperpod-cluster")
    created = events[0].at
    groups = []
    for settings in _instance_group_settings(params):
        group = str(settings.get("InstanceGroupName", "default"))
        itype = str(settings.get("InstanceType", "ml.t3.medium"))
        count = int(settings.get("InstanceCount", 1)) if status != "Creating" else 0
        groups.append(InstanceGroup(group, itype, static_nodes(name, group, itype, count, created, f"{stack.region}b")))
    return HyperPodCluster(
        name=name,
        region=stack.region,
        created=created,
        orchestrator=EKS,
        instance_groups=tuple(groups),
        status=status,
        eks_name=params.get("EKSClusterName", "eks-cluster"),
    )


# Each CloudFormation operation and the CloudFormationStacks method that answers it.
OPERATIONS: dict[str, str] = {
    "CreateStack": "create_stack",
    "DeleteStack": "delete_stack",
    "DescribeStacks": "describe_stacks",
    "DescribeStackEvents": "describe_stack_events",
    "ListStacks": "list_stacks",
}
