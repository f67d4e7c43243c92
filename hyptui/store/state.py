"""The immutable application state: which cluster we look at, what we have seen of it, and how the watches fare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from hyptui.aws.clusters import ClusterDetail, ClusterNode, EksCluster
from hyptui.aws.stacks import Stack, StackEvent
from hyptui.hyperpod.age import parse_time

ObjectKey = tuple[str, str]  # (namespace, name); namespace is "" for cluster-scoped kinds

_NOTHING: Mapping[Any, Any] = MappingProxyType({})


def _nothing() -> Mapping[Any, Any]:
    return _NOTHING


@dataclass(frozen=True, slots=True)
class KubeObject:
    """One object as the API server last sent it; `raw` is shared, never copied and never mutated."""

    namespace: str
    name: str
    uid: str
    resource_version: str
    created: datetime | None
    labels: Mapping[str, str]
    raw: Mapping[str, Any]

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> KubeObject:
        meta = raw.get("metadata") or {}
        labels = meta.get("labels")
        return cls(
            namespace=meta.get("namespace") or "",
            name=meta.get("name") or "",
            uid=meta.get("uid") or "",
            resource_version=meta.get("resourceVersion") or "",
            created=parse_time(meta.get("creationTimestamp")),
            labels=MappingProxyType(labels) if labels else _NOTHING,
            raw=raw,
        )

    @property
    def key(self) -> ObjectKey:
        return (self.namespace, self.name)


@dataclass(frozen=True, slots=True)
class Collection:
    """Every object of one kind, keyed by (namespace, name)."""

    objects: Mapping[ObjectKey, KubeObject] = field(default_factory=_nothing)
    resource_version: str = ""  # of the last list or watch event applied; where a watch resumes


EMPTY_COLLECTION = Collection()


class WatchPhase(StrEnum):
    SYNCING = "syncing"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    ABSENT = "absent"  # the cluster does not serve this kind (its add-on is not installed): nothing to watch


@dataclass(frozen=True, slots=True)
class WatchStatus:
    phase: WatchPhase
    error: str | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Connection:
    """Which cluster we are looking at, as the kubeconfig context resolved it."""

    context: str
    cluster: str
    user: str
    namespace: str | None  # None: all namespaces
    server: str  # API server URL
    readonly: bool = False


@dataclass(frozen=True, slots=True)
class Invocation:
    """One request sent to an inference endpoint from the invoke panel, and what came back."""

    at: datetime
    request: str
    content_type: str
    ok: bool
    response: str  # the body (pretty-printed when JSON) or the error message
    latency_ms: float


@dataclass(frozen=True, slots=True)
class AwsCluster:
    """One HyperPod cluster as SageMaker describes it, with its nodes."""

    detail: ClusterDetail
    nodes: tuple[ClusterNode, ...]


@dataclass(frozen=True, slots=True)
class AwsClusters:
    """Every HyperPod cluster of the region, as the last successful poll found them."""

    region: str
    clusters: tuple[AwsCluster, ...]


@dataclass(frozen=True, slots=True)
class StackProgress:
    """A root CloudFormation stack and the events of it and of each nested stack (by stack id), newest first."""

    stack: Stack
    events: Mapping[str, tuple[StackEvent, ...]]


@dataclass(frozen=True, slots=True)
class AppState:
    connection: Connection | None = None
    connection_problem: str | None = None  # why there is no connection (an unusable kubeconfig), while there is none
    collections: Mapping[str, Collection] = field(default_factory=_nothing)  # by ResourceKind.key
    watches: Mapping[str, WatchStatus] = field(default_factory=_nothing)  # by ResourceKind.key
    notice: str | None = None  # the last user-visible error or info message
    # the session's invoke history, newest last, by endpoint row key (hyptui.views.endpoints.endpoint_key)
    invocations: Mapping[str, tuple[Invocation, ...]] = field(default_factory=_nothing)
    # AWS, polled while a screen shows it (hyptui.aws.poller); it outlives kubeconfig context switches
    aws_clusters: AwsClusters | None = None  # None until the first poll answers
    aws_stacks: Mapping[str, StackProgress] = field(default_factory=_nothing)  # by root stack id
    aws_eks: Mapping[str, EksCluster] = field(default_factory=_nothing)  # by EKS cluster name
    aws_failures: Mapping[str, str] = field(default_factory=_nothing)  # by poll topic: why its last poll failed

    def collection(self, kind: str) -> Collection:
        return self.collections.get(kind, EMPTY_COLLECTION)


EMPTY_STATE = AppState()
