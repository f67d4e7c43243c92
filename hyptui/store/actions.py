"""Everything that can happen to the state, as typed values; gateway threads and screens dispatch these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from hyptui.aws.clusters import EksCluster
from hyptui.store.state import AwsClusters, Connection, Invocation, StackProgress, WatchStatus

WatchEventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]


@dataclass(frozen=True, slots=True)
class Connected:
    """Now looking at this cluster; a different one than before drops everything seen of the old one."""

    connection: Connection


@dataclass(frozen=True, slots=True)
class ListLoaded:
    """A full (re)list of one kind: replaces the whole collection."""

    kind: str  # ResourceKind.key
    items: tuple[dict[str, Any], ...]
    resource_version: str


@dataclass(frozen=True, slots=True)
class WatchEvent:
    kind: str  # ResourceKind.key
    type: WatchEventType
    obj: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WatchStatusChanged:
    kind: str  # ResourceKind.key
    status: WatchStatus


@dataclass(frozen=True, slots=True)
class ConnectionFailed:
    """No cluster to look at: the kubeconfig is unusable; the message names the file, entry and field."""

    message: str


@dataclass(frozen=True, slots=True)
class Notice:
    message: str | None  # None clears it


@dataclass(frozen=True, slots=True)
class InvocationRecorded:
    """An endpoint answered (or refused) a request from the invoke panel; kept for the session's history."""

    endpoint: str  # the endpoint's row key
    invocation: Invocation


@dataclass(frozen=True, slots=True)
class AwsClustersLoaded:
    topic: str  # the poll's topic (hyptui.aws.poller), whose failure this clears
    clusters: AwsClusters


@dataclass(frozen=True, slots=True)
class AwsStackLoaded:
    topic: str
    progress: StackProgress


@dataclass(frozen=True, slots=True)
class AwsEksLoaded:
    topic: str
    eks: EksCluster


@dataclass(frozen=True, slots=True)
class AwsFailed:
    """A poll failed; what it loaded before stays, shown with this message."""

    topic: str
    message: str


AwsAction = AwsClustersLoaded | AwsStackLoaded | AwsEksLoaded | AwsFailed
Action = (
    Connected
    | ConnectionFailed
    | ListLoaded
    | WatchEvent
    | WatchStatusChanged
    | Notice
    | InvocationRecorded
    | AwsAction
)
