"""Pods as `kubectl get pods` shows them, and the pods of one job, one inference app or one node."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hyptui.hyperpod.age import age_of, human_duration
from hyptui.hyperpod.kinds import PODS
from hyptui.hyperpod.labels import APP_LABEL, JOB_LABEL
from hyptui.hyperpod.pod_status import pod_summary
from hyptui.store.selectors import GroupIndex, by_name, in_key_order, memoize_on_identity
from hyptui.store.state import AppState, KubeObject, ObjectKey

_FINISHED_PHASES = ("Succeeded", "Failed")


def _job_of_pod(pod: KubeObject) -> ObjectKey | None:
    job = pod.labels.get(JOB_LABEL)
    return (pod.namespace, job) if job else None


def _app_of_pod(pod: KubeObject) -> ObjectKey | None:
    app = pod.labels.get(APP_LABEL)
    return (pod.namespace, app) if app else None


def _node_of_pod(pod: KubeObject) -> str | None:
    status = pod.raw.get("status") or {}
    if status.get("phase") in _FINISHED_PHASES:
        return None  # finished pods hold no resources on their node any more
    return (pod.raw.get("spec") or {}).get("nodeName") or None


pods_by_job = GroupIndex(_job_of_pod, by_name)
pods_by_node = GroupIndex(_node_of_pod, by_name)
_pods_by_app = GroupIndex(_app_of_pod, by_name)


def job_pods(state: AppState, key: ObjectKey) -> tuple[KubeObject, ...]:
    """The pods of one job, sorted by name."""
    return pods_by_job(state.collection(PODS.key)).get(key, ())


def app_pods(state: AppState, namespace: str, app: str) -> tuple[KubeObject, ...]:
    """The pods labelled app=<app> in one namespace, sorted by name."""
    return _pods_by_app(state.collection(PODS.key)).get((namespace, app), ())


def all_pods(state: AppState) -> tuple[KubeObject, ...]:
    """Every watched pod, ordered by (namespace, name); the same tuple until the pods change."""
    return in_key_order(state.collection(PODS.key))


@dataclass(frozen=True, slots=True)
class PodRow:
    key: ObjectKey
    name: str
    namespace: str
    node: str
    status: str  # as kubectl's pod printer shows it
    ready: str  # "ready/total" containers
    restarts: str  # "0" or "2 (5m ago)"
    age: str
    created: datetime | None
    owner: str  # the job (HPJob label) or inference app (app label) the pod runs for, else ""
    labels: Mapping[str, str]


def _pod_row(pod: KubeObject, now: datetime) -> PodRow:
    summary = pod_summary(pod.raw)
    restarts = str(summary.restarts)
    if summary.restarts and summary.last_restart is not None:
        restarts = f"{summary.restarts} ({human_duration(now - summary.last_restart)} ago)"
    return PodRow(
        key=pod.key,
        name=pod.name,
        namespace=pod.namespace,
        node=(pod.raw.get("spec") or {}).get("nodeName") or "<none>",
        status=summary.status,
        ready=f"{summary.ready}/{summary.total}",
        restarts=restarts,
        age=age_of(pod.created, now),
        created=pod.created,
        owner=pod.labels.get(JOB_LABEL) or pod.labels.get(APP_LABEL) or "",
        labels=pod.labels,
    )


@memoize_on_identity
def pod_rows(pods: Sequence[KubeObject], now: datetime) -> tuple[PodRow, ...]:
    """kubectl-style rows for the given pods, in the order given."""
    return tuple(_pod_row(pod, now) for pod in pods)
