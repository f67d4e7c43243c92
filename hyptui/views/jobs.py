"""The jobs section's rows: one per HyperPodPyTorchJob, with its status as `hyp list hyp-pytorch-job` shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from hyptui.hyperpod.age import age_of
from hyptui.hyperpod.job_status import job_status
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, PODS
from hyptui.store.selectors import memoize_on_identity
from hyptui.store.state import AppState, Collection, KubeObject, ObjectKey
from hyptui.views.pods import pods_by_job


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
        by_job = pods_by_job(pods)
        previous = self._rows
        current: dict[ObjectKey, tuple[KubeObject, tuple[KubeObject, ...], JobRow]] = {}
        for key in sorted(jobs.objects):
            job = jobs.objects[key]
            its_pods = by_job.get(key, ())
            age = age_of(job.created, now)
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
