"""The simulated scheduler: the node a pod fits on, or the FailedScheduling message kube-scheduler would give.

Filters run in kube-scheduler's default order (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit) and a
node is rejected by the first filter it fails, so each node contributes one reason to the message, as in the real one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hyptui.hyperpod.conditions import condition_is_true
from hyptui.hyperpod.labels import HEALTH_TAINT, NODE_HEALTH_LABEL, SCHEDULABLE
from hyptui.hyperpod.quantities import amount

_MATCH_SELECTOR = "node(s) didn't match Pod's node affinity/selector"
_UNRESOLVABLE_BY_PREEMPTION = "Preemption is not helpful for scheduling"
_NO_VICTIMS = "No preemption victims found for incoming pod"
_TERMINAL_PHASES = ("Succeeded", "Failed")


def _container_requests(container: dict) -> Counter[str]:
    resources = container.get("resources") or {}
    # An unset request defaults to the limit (API-server defaulting), so limits-only GPU pods still reserve GPUs.
    merged = {**(resources.get("limits") or {}), **(resources.get("requests") or {})}
    return Counter({name: amount(name, value) for name, value in merged.items()})


def pod_requests(pod_spec: dict) -> Counter[str]:
    """What a pod reserves: the sum over its containers, or the largest init container if that is bigger."""
    total: Counter[str] = Counter()
    for container in pod_spec.get("containers") or []:
        total.update(_container_requests(container))
    for init in pod_spec.get("initContainers") or []:
        for name, wanted in _container_requests(init).items():
            total[name] = max(total[name], wanted)
    return total


def node_allocatable(node: dict) -> Counter[str]:
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    return Counter({name: amount(name, value) for name, value in allocatable.items()})


def _expression_matches(labels: dict[str, str], expression: dict) -> bool:
    key, operator, values = expression.get("key", ""), expression.get("operator"), expression.get("values") or []
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    if operator in ("Gt", "Lt") and key in labels and values:
        node_value, bound = int(labels[key]), int(values[0])
        return node_value > bound if operator == "Gt" else node_value < bound
    return False


def _matches_node_selection(pod_spec: dict, labels: dict[str, str]) -> bool:
    selector = pod_spec.get("nodeSelector") or {}
    if any(labels.get(key) != value for key, value in selector.items()):
        return False
    required = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    terms = required.get("nodeSelectorTerms") or []
    # Terms are ORed, expressions within a term ANDed.
    return not terms or any(
        all(_expression_matches(labels, e) for e in term.get("matchExpressions") or []) for term in terms
    )


def _tolerates(pod_spec: dict, taint: dict) -> bool:
    """Kubernetes toleration matching: same key (or an empty key with Exists), Exists or an equal value, same effect
    (or none)."""
    for toleration in pod_spec.get("tolerations") or []:
        key, operator = toleration.get("key") or "", toleration.get("operator") or "Equal"
        if key and key != taint.get("key"):
            continue
        if operator == "Equal" and (toleration.get("value") or "") != (taint.get("value") or ""):
            continue
        if operator not in ("Equal", "Exists") or (not key and operator != "Exists"):
            continue
        if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
            continue
        return True
    return False


def _untolerated_taint(pod_spec: dict, node: dict) -> str | None:
    """The node's first NoSchedule/NoExecute taint the pod does not tolerate, as kube-scheduler prints it."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    taints = [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") in ("NoSchedule", "NoExecute")]
    health = labels.get(NODE_HEALTH_LABEL, SCHEDULABLE)
    if health != SCHEDULABLE and not any(t.get("key") == NODE_HEALTH_LABEL for t in taints):
        # HyperPod's health taint lands moments after the label; the sim treats the label as the taint meanwhile.
        taints.append(dict(HEALTH_TAINT))
    if not condition_is_true(node, "Ready"):
        taints.append({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"})
    for taint in taints:
        if not _tolerates(pod_spec, taint):
            return f"{{{taint['key']}: {taint.get('value') or ''}}}"
    return None


def _in_use(node_name: str, pods: list[dict]) -> tuple[Counter[str], int]:
    used: Counter[str] = Counter()
    count = 0
    for pod in pods:
        if (pod.get("spec") or {}).get("nodeName") != node_name:
            continue
        if (pod.get("status") or {}).get("phase") in _TERMINAL_PHASES:
            continue
        used.update(pod_requests(pod.get("spec") or {}))
        count += 1
    return used, count


@dataclass(frozen=True, slots=True)
class _Fit:
    reasons: tuple[str, ...]  # empty when the pod fits
    resolvable_by_preemption: bool
    free_share: float  # LeastAllocated-style score: mean free fraction of cpu and memory after placing the pod


def _fit(pod_spec: dict, node: dict, pods: list[dict]) -> _Fit:
    if (node.get("spec") or {}).get("unschedulable"):
        return _Fit(("node(s) were unschedulable",), False, 0.0)
    taint = _untolerated_taint(pod_spec, node)
    if taint:
        return _Fit((f"node(s) had untolerated taint {taint}",), False, 0.0)
    if not _matches_node_selection(pod_spec, (node.get("metadata") or {}).get("labels") or {}):
        return _Fit((_MATCH_SELECTOR,), False, 0.0)
    allocatable = node_allocatable(node)
    used, pod_count = _in_use(node["metadata"]["name"], pods)
    wanted = pod_requests(pod_spec)
    reasons = []
    if pod_count + 1 > allocatable.get("pods", 110):
        reasons.append("Too many pods")
    for resource in sorted(wanted):
        if wanted[resource] and used[resource] + wanted[resource] > allocatable.get(resource, 0):
            reasons.append(f"Insufficient {resource}")
    if reasons:
        return _Fit(tuple(reasons), True, 0.0)
    shares = [
        (allocatable[r] - used[r] - wanted[r]) / allocatable[r] for r in ("cpu", "memory") if allocatable.get(r, 0) > 0
    ]
    return _Fit((), True, sum(shares) / len(shares) if shares else 0.0)


@dataclass(frozen=True, slots=True)
class Placement:
    node_name: str | None  # None when no node fits
    message: str  # the FailedScheduling event message when node_name is None, else ""


def _histogram(reasons: Counter[str]) -> str:
    # kube-scheduler formats "<count> <reason>" and sorts those strings, count included.
    return ", ".join(sorted(f"{count} {reason}" for reason, count in reasons.items()))


def place_pod(pod: dict, nodes: list[dict], pods: list[dict]) -> Placement:
    """Pick the feasible node with the most free cpu/memory left (ties by name), or explain why none is feasible.

    `pods` is every pod in the cluster; terminal ones and `pod` itself free nothing and take nothing.
    """
    pod_spec = pod.get("spec") or {}
    own = (pod.get("metadata") or {}).get("uid")
    others = [p for p in pods if (p.get("metadata") or {}).get("uid") != own or own is None]
    fits = {node["metadata"]["name"]: _fit(pod_spec, node, others) for node in nodes}
    feasible = [(fit.free_share, name) for name, fit in fits.items() if not fit.reasons]
    if feasible:
        best_share = max(share for share, _ in feasible)
        return Placement(min(name for share, name in feasible if share == best_share), "")
    reasons: Counter[str] = Counter()
    preemption: Counter[str] = Counter()
    for fit in fits.values():
        reasons.update(fit.reasons)
        preemption[_NO_VICTIMS if fit.resolvable_by_preemption else _UNRESOLVABLE_BY_PREEMPTION] += 1
    total = len(nodes)
    if not total:
        return Placement(None, "no nodes available to schedule pods")
    return Placement(
        None,
        f"0/{total} nodes are available: {_histogram(reasons)}. "
        f"preemption: 0/{total} nodes are available: {_histogram(preemption)}.",
    )
