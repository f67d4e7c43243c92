"""The simulated AWS account behind the embedded cluster's AWS server: the state its services share (HyperPod
clusters, task governance, CloudFormation stacks) over the cluster's object store, and the shape of a handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.aws.cloudformation import CloudFormationStacks
from hyptui.sim.aws.clusters import HyperPodClusters
from hyptui.sim.aws.governance import TaskGovernanceRecords
from hyptui.sim.aws.protocols import AwsCall


class SimulatedAccount:
    def __init__(
        self, store: ObjectStore, kube_url: Callable[[], str], kube_ca: Callable[[], bytes | None] = lambda: None
    ) -> None:
        self.store = store
        self.kube_url = kube_url  # where the live cluster's Kubernetes API answers (its EKS endpoint)
        self.kube_ca = kube_ca  # the CA its certificate is signed by (None: plain HTTP)
        self.stacks = CloudFormationStacks(lambda region: [c.name for c in self.clusters.built_in(region)])
        self.clusters = HyperPodClusters(store, store.clock, self.stacks.hyperpod_clusters)
        self.governance = TaskGovernanceRecords(store, self.clusters)


Handler = Callable[[SimulatedAccount, AwsCall], dict[str, Any]]


def handlers(service: Callable[[SimulatedAccount], Any], methods: Mapping[str, str]) -> dict[str, Handler]:
    """A handler per operation that one of the account's services answers with its method of the given name."""
    return {operation: _answered_by(service, method) for operation, method in methods.items()}


def _answered_by(service: Callable[[SimulatedAccount], Any], method: str) -> Handler:
    def handler(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
        return getattr(service(account), method)(call)

    return handler
