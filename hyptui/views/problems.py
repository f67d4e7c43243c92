"""Everything in the cluster that needs a person, ranked: what the problems view shows at 3 a.m."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum

from hyptui.hyperpod.age import human_duration, parse_time
from hyptui.hyperpod.conditions import find_condition, status_condition
from hyptui.hyperpod.job_status import job_conditions, job_status
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.hyperpod.labels import JOB_LABEL, NODE_HEALTH_LABEL, SCHEDULABLE
from hyptui.hyperpod.pod_status import pod_summary
from hyptui.store.state import AppState, KubeObject
from hyptui.views.nodes import NodeRow, node_rows
from hyptui.views.queues import why_waiting, workload_rows

PENDING_TOO_LONG = timedelta(minutes=5)
RESTARTS_TOO_MANY = 2  # a job that has restarted this often is worth a look even while it runs

# Pod states that never fix themselves without someone changing something.
BROKEN_POD_STATES = {
    "CrashLoopBackOff",
    "OOMKilled",
    "ImagePullBackOff",
    "ErrImagePull",
    "Error",
    "CreateContainerError",
}


class Severity(IntEnum):
    BROKEN = 1  # failed, crashing, unhealthy: act now
    STUCK = 2  # waiting or flapping: look soon
    NOTE = 3  # suspended or draining: know about it


@dataclass(frozen=True, slots=True)
class Problem:
    severity: Severity
    kind: str  # ResourceKind.key of the object: "jobs", "pods" or "nodes"
    namespace: str
    name: str
    reason: str  # one line: what is wrong
    detail: str  # the cluster's own words about it
    since: datetime | None

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"

    def age(self, now: datetime) -> str:
        return human_duration(now - self.since) if self.since else ""


def _job_problems(job: KubeObject) -> list[Problem]:
    status = job_status(job.raw)
    conditions = job_conditions(job.raw)
    last = next((c for c in reversed(conditions) if c.status == "True"), None)
    detail = last.message if last else ""
    since = last.last_transition if last else job.created
    if status == "Failed":
        return [Problem(Severity.BROKEN, HYPERPOD_PYTORCH_JOBS.key, job.namespace, job.name, "Failed", detail, since)]
    restarts = int((job.raw.get("status") or {}).get("restartCount") or 0)
    if restarts >= RESTARTS_TOO_MANY and status not in ("Completed", "Failed"):
        reason = f"restarted {restarts} times"
        return [Problem(Severity.STUCK, HYPERPOD_PYTORCH_JOBS.key, job.namespace, job.name, reason, detail, since)]
    if status == "Suspended":
        return [Problem(Severity.NOTE, HYPERPOD_PYTORCH_JOBS.key, job.namespace, job.name, "Suspended", detail, since)]
    return []


def _pod_problems(pod: KubeObject, now: datetime) -> list[Problem]:
    summary = pod_summary(pod.raw)
    status = pod.raw.get("status") or {}
    if summary.status in BROKEN_POD_STATES:
        detail = _container_message(pod.raw)
        return [Problem(Severity.BROKEN, PODS.key, pod.namespace, pod.name, summary.status, detail, pod.created)]
    if status.get("phase") == "Pending" and pod.created and now - pod.created >= PENDING_TOO_LONG:
        scheduled = status_condition(status, "PodScheduled") or {}
        waiting = human_duration(now - pod.created)
        reason = f"Pending for {waiting}" + (" (unschedulable)" if scheduled.get("status") == "False" else "")
        detail = scheduled.get("message") or _container_message(pod.raw)
        return [Problem(Severity.STUCK, PODS.key, pod.namespace, pod.name, reason, detail, pod.created)]
    return []


def _container_message(raw: dict) -> str:
    for container in (raw.get("status") or {}).get("containerStatuses") or ():
        state = container.get("state") or {}
        for detail in (
            state.get("waiting"),
            state.get("terminated"),
            (container.get("lastState") or {}).get("terminated"),
        ):
            if detail and detail.get("message"):
                return str(detail["message"])
    return ""


def _node_problems(row: NodeRow, node: KubeObject) -> list[Problem]:
    if not row.faulty:
        return []
    ready = find_condition(node.raw, "Ready") or {}
    reason = row.health if row.health not in (SCHEDULABLE, "-") else row.status
    detail = f"{NODE_HEALTH_LABEL}={row.health}" if reason == row.health else str(ready.get("message") or "")
    since = parse_time(ready.get("lastTransitionTime")) if reason == row.status else None
    return [Problem(Severity.BROKEN, NODES.key, "", row.name, reason, detail, since or node.created)]


def _explain_queued(found: list[Problem], state: AppState, now: datetime) -> list[Problem]:
    """A job Kueue holds back is explained in quota terms (what it asks, what its team has) rather than by the
    operator's bare "suspended"."""
    workloads = {(row.namespace, row.job): row for row in workload_rows(state, now) if row.job}
    explained = []
    for problem in found:
        row = workloads.get((problem.namespace, problem.name))
        if problem.reason == "Suspended" and row is not None:
            problem = replace(
                problem, reason=f"Suspended ({row.state.lower()} in queue)", detail=why_waiting(state, row, now)
            )
        explained.append(problem)
    return explained


def find_problems(state: AppState, now: datetime) -> tuple[Problem, ...]:
    found: list[Problem] = []
    for job in state.collection(HYPERPOD_PYTORCH_JOBS.key).objects.values():
        found += _job_problems(job)
    found = _explain_queued(found, state, now)
    jobs_listed = {(problem.namespace, problem.name) for problem in found}
    for pod in state.collection(PODS.key).objects.values():
        if (pod.namespace, owning_job(dict(pod.labels))) in jobs_listed:
            continue  # the job's own line already says what its pods did
        found += _pod_problems(pod, now)
    nodes = state.collection(NODES.key).objects
    for row in node_rows(state, now):
        found += _node_problems(row, nodes[row.key])
    oldest_first = datetime.min.replace(tzinfo=now.tzinfo)
    return tuple(sorted(found, key=lambda p: (p.severity, p.since or oldest_first, p.key)))


def owning_job(pod_labels: dict[str, str]) -> str | None:
    """The HyperPodPyTorchJob a pod belongs to, so a pod's problem can open its job."""
    return pod_labels.get(JOB_LABEL)
