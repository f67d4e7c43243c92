"""What the simulated operators that run pods (training, inference) share: the store, the pods' logs and events, the
scheduler's back-off per pod, the operator's own pod log, forgetting what they kept about a deleted pod, and the pass
over each owner that keeps the owner and its pods fresh as it writes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hyptui.hyperpod.kinds import NODES, PODS, ResourceKind
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.events import EventRecorder
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.operator_log import OperatorPodLog


class PodOperator:
    def __init__(self, store: ObjectStore, logs: LogStore, operator_log: OperatorPodLog) -> None:
        self._store = store
        self._logs = logs
        self._events = EventRecorder(store)
        self._scheduling_attempts: dict[str, datetime] = {}  # pod uid → last failed attempt
        self.operator_log = operator_log
        self._unsubscribe = store.subscribe(self._on_change)

    def close(self) -> None:
        """Stop listening to the store (an operator that only replayed history, as the seed does)."""
        self._unsubscribe()

    def _on_change(self, change: str, kind: ResourceKind, obj: dict) -> None:
        # The kubelet forgets a deleted pod's containers, logs included (an owner's deletion comes here through the GC).
        if change == "DELETED" and kind.key == PODS.key:
            metadata = obj["metadata"]
            self._logs.drop(metadata["namespace"], metadata["name"])
            self._scheduling_attempts.pop(metadata["uid"], None)
            self._forget_pod(metadata["uid"])

    def _forget_pod(self, uid: str) -> None:
        """Drop whatever else the operator keeps about a deleted pod (nothing, unless an operator says otherwise)."""

    def _nodes_and_pods(self) -> tuple[list[dict], dict[tuple[str, str], dict]]:
        """This tick's nodes and pods (by namespace and name), the operator's own pod found among them."""
        nodes, _ = self._store.list(NODES)
        pods, _ = self._store.list(PODS)
        self.operator_log.find_pod(pods)
        return nodes, {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in pods}


class OwnerReconciler:
    """One owner's pass in a tick (a job, an endpoint): the owner and the tick's pods kept fresh as they are written."""

    def __init__(
        self,
        operator: PodOperator,
        kind: ResourceKind,
        obj: dict,
        nodes: list[dict],
        cluster: dict[tuple[str, str], dict],
        now: datetime,
    ) -> None:
        self.op = operator
        self.store = operator._store
        self.kind = kind
        self.obj = obj
        self.nodes = nodes
        self.cluster = cluster
        self.now = now
        self.namespace = obj["metadata"]["namespace"]
        self.name = obj["metadata"]["name"]
        self.tried_scheduling: set[str] = set()  # pod uids

    def _update(self, change: Callable[[dict], None]) -> None:
        updated = self.store.mutate(self.kind, self.namespace, self.name, change)
        if updated is not None:
            self.obj = updated

    def _update_status(self, change: Callable[[dict], None]) -> None:
        self._update(lambda obj: change(obj.setdefault("status", {})))

    def _update_pod(self, pod: dict, change: Callable[[dict], None]) -> dict:
        updated = self.store.mutate(PODS, self.namespace, pod["metadata"]["name"], change)
        if updated is None:
            return pod
        self.cluster[(self.namespace, pod["metadata"]["name"])] = updated
        return updated
