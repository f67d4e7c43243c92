"""CloudFormation stacks as hyptui follows a cluster stack's progress: the stack, its nested stacks, and their
events, as small frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# hyp's cluster-stack template and the capabilities `hyp create cluster-stack` grants it.
TEMPLATE_URL = (
    "https://aws-sagemaker-hyperpod-cluster-setup-{region}-prod.s3.amazonaws.com/{version}/templates/"
    "main-stack-eks-based-template.yaml"
)
CAPABILITIES = ("CAPABILITY_AUTO_EXPAND", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")
# ListStacks filter hyp uses: every status but DELETE_COMPLETE.
LIVE_STATUSES = (
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "CREATE_COMPLETE",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_COMPLETE",
    "UPDATE_FAILED",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "IMPORT_IN_PROGRESS",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED",
    "IMPORT_ROLLBACK_COMPLETE",
)


@dataclass(frozen=True, slots=True)
class Stack:
    name: str
    stack_id: str
    status: str
    reason: str
    created: datetime
    parent_id: str  # "" for a root stack
    deleted: datetime | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    outputs: tuple[tuple[str, str], ...] = ()

    @property
    def in_progress(self) -> bool:
        return self.status.endswith("_IN_PROGRESS")


@dataclass(frozen=True, slots=True)
class StackEvent:
    event_id: str
    stack_name: str
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str
    at: datetime

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


def stack(item: dict[str, Any]) -> Stack:
    return Stack(
        name=item["StackName"],
        stack_id=item["StackId"],
        status=item["StackStatus"],
        reason=item.get("StackStatusReason", ""),
        created=item["CreationTime"],
        parent_id=item.get("ParentId", ""),
        deleted=item.get("DeletionTime"),
        parameters=tuple((p["ParameterKey"], p.get("ParameterValue", "")) for p in item.get("Parameters") or []),
        outputs=tuple((o["OutputKey"], o.get("OutputValue", "")) for o in item.get("Outputs") or []),
    )


def stack_event(item: dict[str, Any]) -> StackEvent:
    return StackEvent(
        event_id=item["EventId"],
        stack_name=item["StackName"],
        logical_id=item.get("LogicalResourceId", ""),
        physical_id=item.get("PhysicalResourceId", ""),
        resource_type=item.get("ResourceType", ""),
        status=item.get("ResourceStatus", ""),
        reason=item.get("ResourceStatusReason", ""),
        at=item["Timestamp"],
    )
