"""The simulated HyperPod health monitoring system: the per-node agent and the node recovery behind it.

A fault reaches it the way it reaches the real one, as `sagemaker.amazonaws.com/node-health-status` on the Node
(`kubectl label node X sagemaker.amazonaws.com/node-health-status=UnschedulablePendingReboot --overwrite` is how AWS
documents a manual recovery). The agent then quarantines the node with the taint HyperPod documents
(`sagemaker.amazonaws.com/node-health-status=Unschedulable:NoSchedule`); a reboot brings the same instance back, a
replacement swaps in a new `hyperpod-i-…` instance that runs deep health checks (`deep-health-check-status:
InProgress` → `Passed`) before it turns Schedulable. Level-triggered: every step is read back from the node (its
labels, and the taint's `timeAdded`), and each is applied at the moment it fell due, so a long tick replays the same
story as many short ones.

Durations, event reasons of HyperPod's own (`NodeUnhealthy`, `NodeRecovered`, `ReplacementNode`) and the agent's log
lines are chosen: HyperPod does not publish them. `NodeNotReady`, `Rebooted`, `NodeReady`, `Starting`,
`RegisteredNode` and `RemovingNode` are the Kubernetes node controller's and kubelet's own reasons and wording.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.conditions import condition_is_true, set_node_condition
from hyptui.hyperpod.kinds import NODES, PODS
from hyptui.hyperpod.labels import (
    CLUSTER_NAME_LABEL,
    DEEP_HEALTH_IN_PROGRESS,
    DEEP_HEALTH_LABEL,
    DEEP_HEALTH_PASSED,
    HEALTH_TAINT,
    INSTANCE_GROUP_LABEL,
    INSTANCE_TYPE_LABEL,
    NODE_HEALTH_LABEL,
    PENDING_REBOOT,
    PENDING_REPLACEMENT,
    SCHEDULABLE,
    UNSCHEDULABLE,
    ZONE_LABEL,
)
from hyptui.hyperpod.namespaces import HYPERPOD_NAMESPACE
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.events import EventRecorder
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.hyperpod_nodes import hyperpod_node_name, instance_id, make_node
from hyptui.sim.nodes.system_pods import HEALTH_AGENT_CONTAINER, HEALTH_AGENT_LABELS, health_agent_pod

AGENT_COMPONENT = "hyperpod-health-monitoring-agent"  # chosen
NODE_CONTROLLER = "node-controller"
KUBELET = "kubelet"

NOT_READY_AFTER_SECONDS = 20  # quarantine → HyperPod stops the instance for its reboot or replacement
REBOOT_SECONDS = 180  # quarantine → the rebooted instance is back and Schedulable
REPLACEMENT_SECONDS = 420  # quarantine → the new instance joins the cluster
DEEP_HEALTH_CHECK_SECONDS = 300  # a new accelerated instance's deep health checks (hours on real clusters)


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def health_taint(node: dict) -> dict | None:
    """The quarantine taint HyperPod puts on an unhealthy node, if the node carries it."""
    taints = (node.get("spec") or {}).get("taints") or []
    return next((t for t in taints if t.get("key") == NODE_HEALTH_LABEL), None)


def _boot_id(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class NodeHealthAgent:
    def __init__(self, store: ObjectStore, logs: LogStore, rng: random.Random) -> None:
        self._store = store
        self._logs = logs
        self._rng = rng
        self._events = EventRecorder(store)

    def close(self) -> None:
        """Nothing to release: the agent reads the store on each tick and holds no subscription."""

    def tick(self, now: datetime) -> None:
        nodes, _ = self._store.list(NODES)
        for node in nodes:
            self._reconcile(node, now)

    def _reconcile(self, node: dict, now: datetime) -> None:
        labels = node["metadata"].get("labels") or {}
        health = labels.get(NODE_HEALTH_LABEL, SCHEDULABLE)
        taint = health_taint(node)
        if health in (PENDING_REBOOT, PENDING_REPLACEMENT):
            if taint is None:
                node = self._quarantine(node, health, now)
                taint = health_taint(node)
            assert taint is not None
            since = _parse_time(taint["timeAdded"])
            stop_at = since + timedelta(seconds=NOT_READY_AFTER_SECONDS)
            if condition_is_true(node, "Ready") and stop_at <= now:
                node = self._stopped(node, stop_at)
            if health == PENDING_REBOOT and since + timedelta(seconds=REBOOT_SECONDS) <= now:
                self._rebooted(node, since + timedelta(seconds=REBOOT_SECONDS))
            elif health == PENDING_REPLACEMENT and since + timedelta(seconds=REPLACEMENT_SECONDS) <= now:
                self._replace(node, since + timedelta(seconds=REPLACEMENT_SECONDS), now)
        elif health == UNSCHEDULABLE and labels.get(DEEP_HEALTH_LABEL) == DEEP_HEALTH_IN_PROGRESS and taint:
            passed_at = _parse_time(taint["timeAdded"]) + timedelta(seconds=DEEP_HEALTH_CHECK_SECONDS)
            if passed_at <= now:
                self._deep_health_check_passed(node, passed_at)
        elif health == SCHEDULABLE and taint is not None:
            self._release(node, now, f"Node {node['metadata']['name']} was marked {SCHEDULABLE}; quarantine lifted")

    # ---- steps

    def _mutate(self, node: dict, change) -> dict:
        return self._store.mutate(NODES, None, node["metadata"]["name"], change) or node

    def _event(self, node: dict, event_type: str, reason: str, message: str, at: datetime, component: str) -> None:
        host = node["metadata"]["name"] if component == KUBELET else ""
        self._events.record(node, NODES, event_type, reason, message, at, component, host=host)

    def _agent_log(self, node_name: str, line: str, at: datetime) -> None:
        pods, _ = self._store.list(PODS, HYPERPOD_NAMESPACE, label_selector="app=health-monitoring-agent")
        for pod in pods:
            if pod["spec"].get("nodeName") == node_name:
                self._logs.append(HYPERPOD_NAMESPACE, pod["metadata"]["name"], HEALTH_AGENT_CONTAINER, line, at)

    def _quarantine(self, node: dict, health: str, at: datetime) -> dict:
        taint = {**HEALTH_TAINT, "timeAdded": rfc3339(at)}

        def quarantine(n: dict) -> None:
            n.setdefault("spec", {}).setdefault("taints", []).append(taint)

        node = self._mutate(node, quarantine)
        name = node["metadata"]["name"]
        action = "reboot" if health == PENDING_REBOOT else "replace"
        message = (
            f"Node {name} is {health}: quarantined with taint {NODE_HEALTH_LABEL}={UNSCHEDULABLE}:NoSchedule, "
            f"HyperPod will {action} instance {instance_id(name)}"
        )
        self._event(node, "Warning", "NodeUnhealthy", message, at, AGENT_COMPONENT)
        self._agent_log(name, f"{at:%Y-%m-%dT%H:%M:%SZ} node health status {health}: {action} requested", at)
        return node

    def _stopped(self, node: dict, at: datetime) -> dict:
        node = self._mutate(
            node,
            lambda n: set_node_condition(
                n, "Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", at
            ),
        )
        name = node["metadata"]["name"]
        self._event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady", at, NODE_CONTROLLER)
        return node

    def _rebooted(self, node: dict, at: datetime) -> None:
        name = node["metadata"]["name"]
        boot_id = _boot_id(f"boot:{name}:{at.isoformat()}")

        def back(n: dict) -> None:
            n["status"]["nodeInfo"]["bootID"] = boot_id
            set_node_condition(n, "Ready", "True", "KubeletReady", "kubelet is posting ready status", at)

        node = self._mutate(node, back)
        self._event(node, "Warning", "Rebooted", f"Node {name} has been rebooted, boot id: {boot_id}", at, KUBELET)
        self._event(node, "Normal", "NodeReady", f"Node {name} status is now: NodeReady", at, KUBELET)
        self._release(node, at, f"Node {name} passed health checks after its reboot and is {SCHEDULABLE}")

    def _release(self, node: dict, at: datetime, message: str) -> None:
        def release(n: dict) -> None:
            n["metadata"]["labels"][NODE_HEALTH_LABEL] = SCHEDULABLE
            n["spec"]["taints"] = [t for t in n["spec"].get("taints") or [] if t.get("key") != NODE_HEALTH_LABEL]
            if not n["spec"]["taints"]:
                del n["spec"]["taints"]
            set_node_condition(n, "Ready", "True", "KubeletReady", "kubelet is posting ready status", at)

        node = self._mutate(node, release)
        self._event(node, "Normal", "NodeRecovered", message, at, AGENT_COMPONENT)
        self._agent_log(node["metadata"]["name"], f"{at:%Y-%m-%dT%H:%M:%SZ} node health status {SCHEDULABLE}", at)

    def _replace(self, old: dict, at: datetime, now: datetime) -> None:
        old_name = old["metadata"]["name"]
        labels = old["metadata"]["labels"]
        name = hyperpod_node_name(self._rng)
        ip = f"10.1.{self._rng.randint(0, 63)}.{self._rng.randint(2, 254)}"
        self._event(
            old,
            "Normal",
            "RemovingNode",
            f"Node {old_name} event: Removing Node {old_name} from Controller",
            at,
            NODE_CONTROLLER,
        )
        self._store.delete(NODES, None, old_name)
        had_agent = False
        pods, _ = self._store.list(PODS)
        for pod in pods:
            # The pod garbage collector removes pods bound to a node that no longer exists.
            if pod["spec"].get("nodeName") == old_name:
                had_agent = had_agent or (pod["metadata"].get("labels") or {}) == HEALTH_AGENT_LABELS
                self._store.delete(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
        node = make_node(
            name,
            labels[INSTANCE_TYPE_LABEL],
            labels.get(CLUSTER_NAME_LABEL, ""),
            labels.get(INSTANCE_GROUP_LABEL, ""),
            zone=labels.get(ZONE_LABEL, "us-east-2b"),
            internal_ip=ip,
            created_at=at,
        )
        if DEEP_HEALTH_LABEL in node["metadata"]["labels"]:
            node["metadata"]["labels"][NODE_HEALTH_LABEL] = UNSCHEDULABLE
            node["metadata"]["labels"][DEEP_HEALTH_LABEL] = DEEP_HEALTH_IN_PROGRESS
            node["spec"]["taints"] = [{**HEALTH_TAINT, "timeAdded": rfc3339(at)}]
        node = self._store.create(NODES, node)
        self._event(node, "Normal", "Starting", "Starting kubelet.", at, KUBELET)
        self._event(
            node,
            "Normal",
            "RegisteredNode",
            f"Node {name} event: Registered Node {name} in Controller",
            at,
            NODE_CONTROLLER,
        )
        self._event(node, "Normal", "NodeReady", f"Node {name} status is now: NodeReady", at, KUBELET)
        checks = "running deep health checks" if health_taint(node) else f"{SCHEDULABLE}"
        message = f"Node {name} replaces {old_name} (instance {instance_id(old_name)}, {PENDING_REPLACEMENT}): {checks}"
        self._event(node, "Normal", "ReplacementNode", message, at, AGENT_COMPONENT)
        if had_agent:
            self._store.create(PODS, health_agent_pod(node, at, self._rng, self._logs), HYPERPOD_NAMESPACE)
        # A replacement whose deep health checks already fell due by now finishes them in this pass.
        self._reconcile(node, now)

    def _deep_health_check_passed(self, node: dict, at: datetime) -> None:
        def passed(n: dict) -> None:
            n["metadata"]["labels"][DEEP_HEALTH_LABEL] = DEEP_HEALTH_PASSED

        node = self._mutate(node, passed)
        name = node["metadata"]["name"]
        self._release(node, at, f"Node {name} passed deep health checks and is {SCHEDULABLE}")
