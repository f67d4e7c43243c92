"""Views derived from AppState for the screens, memoized on the identity of their inputs (the reducers share what
did not change, so an unchanged input is the very same object)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, cast

from hyptui.hyperpod.age import human_duration, parse_time
from hyptui.hyperpod.job_status import job_status
from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.hyperpod.pod_status import pod_summary
from hyptui.store.state import AppState, Collection, Invocation, KubeObject, ObjectKey

JOB_LABEL = "HPJob"  # the training operator labels every pod of a job with HPJob=<job name>
APP_LABEL = "app"  # the inference operator labels an endpoint's model pods with app=<endpoint name>

F = TypeVar("F", bound=Callable[..., Any])
K = TypeVar("K", bound=Hashable)


def memoize_on_identity(function: F) -> F:
    """Remember the last call: called again with the very same argument objects, return the very same result."""
    last: tuple[tuple[Any, ...], Any] | None = None

    @functools.wraps(function)
    def memoized(*args: Any) -> Any:
        nonlocal last
        previous = last
        if previous is not None and len(previous[0]) == len(args) and all(map(operator.is_, previous[0], args)):
            return previous[1]
        result = function(*args)
        last = (args, result)
        return result

    return cast(F, memoized)


class _GroupIndex(Generic[K]):
    """One collection's objects grouped by a key, rebuilt once per collection change; a group whose members did not
    change keeps its tuple, so whatever is cached per group downstream stays valid."""

    def __init__(self, group_of: Callable[[KubeObject], K | None], order: Callable[[KubeObject], Any]) -> None:
        self._group_of = group_of
        self._order = order
        self._last: tuple[Collection | None, Mapping[K, tuple[KubeObject, ...]]] = (None, {})

    def __call__(self, collection: Collection) -> Mapping[K, tuple[KubeObject, ...]]:
        built_from, previous = self._last
        if collection is built_from:
            return previous
        grouped: dict[K, list[KubeObject]] = {}
        for obj in collection.objects.values():
            group = self._group_of(obj)
            if group is not None:
                grouped.setdefault(group, []).append(obj)
        groups: dict[K, tuple[KubeObject, ...]] = {}
        for group, members in grouped.items():
            members.sort(key=self._order)
            kept = previous.get(group)
            if kept is None or len(kept) != len(members) or not all(map(operator.is_, kept, members)):
                kept = tuple(members)
            groups[group] = kept
        self._last = (collection, groups)
        return groups


def _job_of_pod(pod: KubeObject) -> ObjectKey | None:
    job = pod.labels.get(JOB_LABEL)
    return (pod.namespace, job) if job else None


def _involved_object(event: KubeObject) -> tuple[str, str, str] | None:
    involved = event.raw.get("involvedObject") or {}
    name = involved.get("name")
    return (involved.get("namespace") or "", involved.get("kind") or "", name) if name else None


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def event_order(event: KubeObject) -> tuple[datetime, int]:
    """Oldest first; events within the same second keep the order they were written in (resourceVersion)."""
    raw = event.raw
    # kubectl sorts by lastTimestamp; events.k8s.io-style events only carry eventTime.
    seen = (
        parse_time(raw.get("lastTimestamp"))
        or parse_time(raw.get("eventTime"))
        or parse_time(raw.get("firstTimestamp"))
    )
    version = int(event.resource_version) if event.resource_version.isdigit() else 0
    return (seen or event.created or _EARLIEST, version)


def _by_name(obj: KubeObject) -> str:
    return obj.name


def _app_of_pod(pod: KubeObject) -> ObjectKey | None:
    app = pod.labels.get(APP_LABEL)
    return (pod.namespace, app) if app else None


_pods_by_job = _GroupIndex(_job_of_pod, _by_name)
_pods_by_app = _GroupIndex(_app_of_pod, _by_name)
_events_by_object = _GroupIndex(_involved_object, event_order)


def get_object(state: AppState, kind: str, key: ObjectKey) -> KubeObject | None:
    return state.collection(kind).objects.get(key)


def job_pods(state: AppState, key: ObjectKey) -> tuple[KubeObject, ...]:
    """The pods of one job, sorted by name."""
    return _pods_by_job(state.collection(PODS.key)).get(key, ())


def app_pods(state: AppState, namespace: str, app: str) -> tuple[KubeObject, ...]:
    """The pods labelled app=<app> in one namespace, sorted by name."""
    return _pods_by_app(state.collection(PODS.key)).get((namespace, app), ())


def invocation_history(state: AppState, endpoint: str) -> tuple[Invocation, ...]:
    """The requests sent to one endpoint this session, oldest first."""
    return state.invocations.get(endpoint, ())


def object_events(state: AppState, namespace: str, kind: str, name: str) -> tuple[KubeObject, ...]:
    """Core v1 events about one object, oldest first; namespace is "" for cluster-scoped objects."""
    return _events_by_object(state.collection(EVENTS.key)).get((namespace, kind, name), ())


EVENT_LIMIT = 50  # a detail shows the most recent events of an object and its pods; the events section has them all
EventCells = tuple[str, str, str, str, str]  # last seen ("2m (x3)"), type, reason, kind/name, message


def related_event_rows(
    state: AppState, namespace: str, kind: str, name: str, pods: Sequence[str], now: datetime
) -> tuple[EventCells, ...]:
    """An object's and its pods' events, oldest first, as `kubectl events` prints them."""
    related = list(object_events(state, namespace, kind, name))
    for pod in pods:
        related.extend(object_events(state, namespace, PODS.kind, pod))
    related.sort(key=event_order)
    rows = []
    for event in related[-EVENT_LIMIT:]:
        raw = event.raw
        involved = raw.get("involvedObject") or {}
        seen, _ = event_order(event)
        count = _as_int(raw.get("count")) or 1
        when = human_duration(now - seen) if seen > _EARLIEST else ""
        rows.append(
            (
                f"{when} (x{count})" if count > 1 else when,
                str(raw.get("type") or ""),
                str(raw.get("reason") or ""),
                f"{str(involved.get('kind') or '').lower()}/{involved.get('name') or ''}",
                str(raw.get("message") or ""),
            )
        )
    return tuple(rows)


def _age(created: datetime | None, now: datetime) -> str:
    return human_duration(now - created) if created is not None else "<unknown>"


def _as_int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _container_restarts(pod: KubeObject) -> int:
    statuses = (pod.raw.get("status") or {}).get("containerStatuses") or ()
    return sum(_as_int(container.get("restartCount")) for container in statuses)


def _is_running(pod: KubeObject) -> bool:
    return (pod.raw.get("status") or {}).get("phase") == "Running"


@dataclass(frozen=True, slots=True)
class JobRow:
    key: ObjectKey
    name: str
    namespace: str
    status: str  # as `hyp list hyp-pytorch-job` shows it
    ready: str  # "running/desired" pods
    restarts: int
    age: str
    created: datetime | None  # for sorting; `age` is only for show
    labels: Mapping[str, str]


def _job_row(job: KubeObject, pods: tuple[KubeObject, ...], age: str) -> JobRow:
    spec = job.raw.get("spec") or {}
    desired = sum(_as_int(replica.get("replicas")) for replica in spec.get("replicaSpecs") or ())
    running = sum(1 for pod in pods if _is_running(pod))
    restart_count = (job.raw.get("status") or {}).get("restartCount")
    restarts = restart_count if isinstance(restart_count, int) else sum(map(_container_restarts, pods))
    return JobRow(
        key=job.key,
        name=job.name,
        namespace=job.namespace,
        status=job_status(job.raw),
        ready=f"{running}/{desired}",
        restarts=restarts,
        age=age,
        created=job.created,
        labels=job.labels,
    )


class _JobTable:
    """Rows for every job; a row is rebuilt only when its job or its pods changed, and only re-aged otherwise."""

    def __init__(self) -> None:
        self._rows: dict[ObjectKey, tuple[KubeObject, tuple[KubeObject, ...], JobRow]] = {}

    def rows(self, jobs: Collection, pods: Collection, now: datetime) -> tuple[JobRow, ...]:
        pods_by_job = _pods_by_job(pods)
        previous = self._rows
        current: dict[ObjectKey, tuple[KubeObject, tuple[KubeObject, ...], JobRow]] = {}
        for key in sorted(jobs.objects):
            job = jobs.objects[key]
            its_pods = pods_by_job.get(key, ())
            age = _age(job.created, now)
            cached = previous.get(key)
            if cached is not None and cached[0] is job and cached[1] is its_pods:
                row = cached[2] if cached[2].age == age else replace(cached[2], age=age)
            else:
                row = _job_row(job, its_pods, age)
            current[key] = (job, its_pods, row)
        self._rows = current
        return tuple(entry[2] for entry in current.values())


_job_table_rows = memoize_on_identity(_JobTable().rows)


def job_rows(state: AppState, now: datetime) -> tuple[JobRow, ...]:
    """One row per HyperPodPyTorchJob, ordered by (namespace, name)."""
    return _job_table_rows(state.collection(HYPERPOD_PYTORCH_JOBS.key), state.collection(PODS.key), now)


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
        age=_age(pod.created, now),
        created=pod.created,
        owner=pod.labels.get(JOB_LABEL) or pod.labels.get(APP_LABEL) or "",
        labels=pod.labels,
    )


@memoize_on_identity
def _in_key_order(collection: Collection) -> tuple[KubeObject, ...]:
    return tuple(collection.objects[key] for key in sorted(collection.objects))


def all_pods(state: AppState) -> tuple[KubeObject, ...]:
    """Every watched pod, ordered by (namespace, name); the same tuple until the pods change."""
    return _in_key_order(state.collection(PODS.key))


@memoize_on_identity
def pod_rows(pods: Sequence[KubeObject], now: datetime) -> tuple[PodRow, ...]:
    """kubectl-style rows for the given pods, in the order given."""
    return tuple(_pod_row(pod, now) for pod in pods)


HEALTH_LABEL = "sagemaker.amazonaws.com/node-health-status"
DEEP_HEALTH_LABEL = "sagemaker.amazonaws.com/deep-health-check-status"
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
INSTANCE_GROUP_LABEL = "sagemaker.amazonaws.com/instance-group-name"
GPU = "nvidia.com/gpu"
_FINISHED_PHASES = ("Succeeded", "Failed")


def _node_of_pod(pod: KubeObject) -> str | None:
    status = pod.raw.get("status") or {}
    if status.get("phase") in _FINISHED_PHASES:
        return None  # finished pods hold no resources on their node any more
    return (pod.raw.get("spec") or {}).get("nodeName") or None


_pods_by_node = _GroupIndex(_node_of_pod, _by_name)


def _gpu_count(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _pod_gpus(pod: KubeObject) -> int:
    containers = (pod.raw.get("spec") or {}).get("containers") or ()
    total = 0
    for container in containers:
        resources = container.get("resources") or {}
        requested = (resources.get("requests") or {}).get(GPU, (resources.get("limits") or {}).get(GPU, 0))
        total += _gpu_count(requested)
    return total


@dataclass(frozen=True, slots=True)
class NodeRow:
    key: ObjectKey
    name: str
    instance_type: str
    group: str
    status: str  # kubectl's: Ready / NotReady, with ",SchedulingDisabled" when cordoned
    health: str  # the HyperPod health agent's verdict (node-health-status label)
    deep_health: str
    gpus: str  # "used/allocatable", "-" on CPU nodes
    pods: int
    age: str
    created: datetime | None
    faulty: bool  # anything but Schedulable and Ready: the row must stand out
    labels: Mapping[str, str]


def _node_status(raw: Mapping[str, Any]) -> str:
    conditions = (raw.get("status") or {}).get("conditions") or ()
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    status = "Ready" if ready is not None and ready.get("status") == "True" else "NotReady"
    if (raw.get("spec") or {}).get("unschedulable"):
        status += ",SchedulingDisabled"
    return status


def node_rows(state: AppState, now: datetime) -> tuple[NodeRow, ...]:
    pods_by_node = _pods_by_node(state.collection(PODS.key))
    rows = []
    for node in sorted(state.collection(NODES.key).objects.values(), key=_by_name):
        labels = node.labels
        on_node = pods_by_node.get(node.name, ())
        allocatable = _gpu_count(((node.raw.get("status") or {}).get("allocatable") or {}).get(GPU, 0))
        status = _node_status(node.raw)
        health = labels.get(HEALTH_LABEL, "-")
        rows.append(
            NodeRow(
                key=node.key,
                name=node.name,
                instance_type=labels.get(INSTANCE_TYPE_LABEL, "-"),
                group=labels.get(INSTANCE_GROUP_LABEL, "-"),
                status=status,
                health=health,
                deep_health=labels.get(DEEP_HEALTH_LABEL, "-"),
                gpus=f"{sum(_pod_gpus(pod) for pod in on_node)}/{allocatable}" if allocatable else "-",
                pods=len(on_node),
                age=_age(node.created, now),
                created=node.created,
                faulty=status != "Ready" or health not in ("Schedulable", "-"),
                labels=labels,
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class EventRow:
    key: ObjectKey
    last_seen: str
    type: str
    reason: str
    namespace: str
    kind: str  # of the involved object
    name: str
    count: int
    message: str
    seen: datetime


def event_rows(state: AppState, now: datetime) -> tuple[EventRow, ...]:
    """Every event in scope, newest first; repeats are already folded into one event with a count by the server."""
    rows = []
    for event in state.collection(EVENTS.key).objects.values():
        raw = event.raw
        involved = raw.get("involvedObject") or {}
        seen, _ = event_order(event)
        rows.append(
            EventRow(
                key=event.key,
                last_seen=human_duration(now - seen) if seen > _EARLIEST else "",
                type=str(raw.get("type") or ""),
                reason=str(raw.get("reason") or ""),
                namespace=str(involved.get("namespace") or event.namespace),
                kind=str(involved.get("kind") or ""),
                name=str(involved.get("name") or ""),
                count=int(raw.get("count") or 1),
                message=str(raw.get("message") or ""),
                seen=seen,
            )
        )
    rows.sort(key=lambda row: (row.seen, row.key), reverse=True)
    return tuple(rows)
