"""AWS data reaches the store the way Kubernetes data does, as actions: a poller runs one read on its own thread every
few seconds while a screen shows its result, and dispatches what the read returns, or AwsFailed with the gateway's
message. Reads of one poller never overlap; `refresh()` runs the next one now."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hyptui.aws.failures import AwsFailure
from hyptui.aws.gateway import AwsGateway
from hyptui.aws.stacks import Stack
from hyptui.store.actions import Action, AwsClustersLoaded, AwsEksLoaded, AwsFailed, AwsStackLoaded
from hyptui.store.state import AwsCluster, AwsClusters, StackProgress

logger = logging.getLogger(__name__)

CLUSTERS_TOPIC = "clusters"
CLUSTERS_SECONDS = 5.0
STACK_SECONDS = 2.0  # a stack's events come every few seconds while it is created or deleted
EKS_SECONDS = 60.0  # an EKS cluster's endpoint and VPC hardly change
NESTED_STACK = "AWS::CloudFormation::Stack"

Read = Callable[[], Action]


def stack_topic(stack_id: str) -> str:
    return f"stack:{stack_id}"


def eks_topic(name: str) -> str:
    return f"eks:{name}"


def read_clusters(gateway: AwsGateway) -> AwsClustersLoaded:
    """Every HyperPod cluster of the region with its instance groups and nodes, as `hyp list-cluster` gathers them."""
    clusters = []
    for summary in gateway.list_clusters():
        try:
            detail = gateway.describe_cluster(summary.arn)
            nodes = gateway.list_cluster_nodes(summary.arn)
        except AwsFailure as failure:
            if failure.not_found:  # deleted between the listing and the describe
                continue
            raise
        clusters.append(AwsCluster(detail, nodes))
    return AwsClustersLoaded(CLUSTERS_TOPIC, AwsClusters(gateway.region, tuple(clusters)))


def read_stack(gateway: AwsGateway, stack_id: str) -> AwsStackLoaded:
    """A root stack and the events of it and of every nested stack its events name (by id, so a deleted nested
    stack's events stay readable)."""
    stack: Stack = gateway.describe_stack(stack_id)
    root_events = gateway.stack_events(stack.stack_id)
    events = {stack.stack_id: root_events}
    for event in root_events:
        nested = event.physical_id
        if event.resource_type == NESTED_STACK and nested and nested not in events:
            events[nested] = gateway.stack_events(nested)
    return AwsStackLoaded(stack_topic(stack_id), StackProgress(stack, events))


def read_eks(gateway: AwsGateway, name: str) -> AwsEksLoaded:
    return AwsEksLoaded(eks_topic(name), gateway.eks_cluster(name))


class AwsPoller:
    def __init__(self, read: Read, dispatch: Callable[[Action], None], *, topic: str, interval: float) -> None:
        self._read = read
        self._dispatch = dispatch
        self._topic = topic
        self._interval = interval
        self._stop: threading.Event | None = None
        self._wake = threading.Event()

    @property
    def running(self) -> bool:
        return self._stop is not None

    def start(self) -> None:
        """Poll now and every `interval` seconds until stop(); starting a running poller polls now."""
        if self._stop is not None:
            self.refresh()
            return
        self._stop = threading.Event()
        threading.Thread(target=self._run, args=(self._stop,), name=f"aws-poll {self._topic}", daemon=True).start()

    def stop(self) -> None:
        """The read under way finishes, and its result is dropped."""
        if self._stop is not None:
            self._stop.set()
            self._wake.set()
            self._stop = None

    def refresh(self) -> None:
        self._wake.set()

    def _run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            try:
                action = self._read()
            except AwsFailure as failure:
                action = AwsFailed(self._topic, str(failure))
            except Exception as error:  # anything else would end the thread silently and leave the screen stale
                logger.exception("AWS poll %s failed", self._topic)
                action = AwsFailed(self._topic, f"{type(error).__name__}: {error}")
            if not stop.is_set():
                self._dispatch(action)
            self._wake.wait(self._interval)
