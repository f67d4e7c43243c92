"""A SageMaker inference endpoint as DescribeEndpoint reports it: whether it is in service and how many instances
serve it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SageMakerEndpoint:
    name: str
    arn: str
    status: str  # Creating | InService | Updating | Failed | Deleting ...
    failure_reason: str
    current_instances: int
    desired_instances: int
    created: datetime | None

    @property
    def in_service(self) -> bool:
        return self.status == "InService"


def sagemaker_endpoint(reply: dict[str, Any]) -> SageMakerEndpoint:
    variants = reply.get("ProductionVariants") or []
    return SageMakerEndpoint(
        name=reply["EndpointName"],
        arn=reply["EndpointArn"],
        status=reply["EndpointStatus"],
        failure_reason=reply.get("FailureReason", ""),
        current_instances=sum(v.get("CurrentInstanceCount", 0) for v in variants),
        desired_instances=sum(v.get("DesiredInstanceCount", 0) for v in variants),
        created=reply.get("CreationTime"),
    )
