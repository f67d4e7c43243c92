"""The simulated Kueue (v0.19, as the HyperPod task-governance add-on installs it): its webhook and job reconciler for
HyperPodPyTorchJobs, and its scheduler with classical preemption.

A job labelled `kueue.x-k8s.io/queue-name` is created suspended (`spec.runPolicy.suspend`) and gets a Workload. Each
pass the scheduler reserves quota for pending workloads, best first (not borrowing before borrowing, then priority,
then FIFO), assigning flavors by quota and evicting lower-priority or borrowing workloads when that makes room; an
admitted job is resumed with its flavor's node labels in its pod templates, an evicted one is suspended again and
gives its quota back once its pods are gone. ClusterQueue and LocalQueue status follows. Level-triggered: everything
is read back from the objects each pass, so a fresh controller picks up where another one stopped.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.conditions import condition_is_true, find_condition
from hyptui.hyperpod.kinds import (
    CLUSTER_QUEUES,
    HYPERPOD_PYTORCH_JOBS,
    LOCAL_QUEUES,
    NAMESPACES,
    PODS,
    RESOURCE_FLAVORS,
    WORKLOAD_PRIORITY_CLASSES,
    WORKLOADS,
    ResourceKind,
)
from hyptui.hyperpod.labels import JOB_LABEL, JOB_UID_LABEL, PRIORITY_CLASS_LABEL
from hyptui.hyperpod.quantities import amount_text
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.events import EventRecorder
from hyptui.sim.kueue.preemption import HUMAN_REASONS, Reservation, Target, preemption_targets
from hyptui.sim.kueue.quota import FIT, NO_FIT, Assignment, QueueQuotas, QuotaBook, assign_flavors
from hyptui.sim.kueue.workloads import (
    ADMITTED,
    ADMITTED_MESSAGE,
    DEACTIVATED,
    DEACTIVATED_MESSAGE,
    EVICTED,
    FINISHED,
    INADMISSIBLE,
    JOB_SUCCEEDED_MESSAGE,
    NO_RESERVATION,
    NO_RESERVATION_MESSAGE,
    PENDING,
    PREEMPTED,
    QUOTA_RESERVED,
    REQUEUED,
    RESOURCE_IN_USE_FINALIZER,
    admission_usage,
    holds_quota,
    is_admitted,
    is_finished,
    is_pending,
    new_workload,
    pod_set_requests,
    priority,
    queue_order_time,
    queued_job,
    reset_condition,
    set_condition,
    transition_time,
)

ADMISSION_COMPONENT = "kueue-admission"
JOB_CONTROLLER_COMPONENT = "kueue-job-controller"


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _run_policy(job: Mapping[str, Any]) -> Mapping[str, Any]:
    return (job.get("spec") or {}).get("runPolicy") or {}


def _job_suspended(job: Mapping[str, Any]) -> bool:
    return bool(_run_policy(job).get("suspend"))


def _job_finished(job: Mapping[str, Any]) -> str | None:
    """ "Succeeded" or "Failed" once the training operator says so."""
    for entry in (job.get("status") or {}).get("conditions") or []:
        if entry.get("status") == "True" and entry.get("type") in ("Completed", "Failed"):
            return "Succeeded" if entry["type"] == "Completed" else "Failed"
    return None


def _key(obj: Mapping[str, Any]) -> tuple[str, str]:
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector; null selects nothing, {} everything (as a ClusterQueue's namespaceSelector)."""
    if selector is None:
        return False
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels[key] in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


@dataclass
class _Cluster:
    """One pass's reading of what Kueue watches."""

    flavors: dict[str, dict[str, Any]]
    queues: dict[str, dict[str, Any]]
    local_queues: dict[tuple[str, str], dict[str, Any]]
    priority_classes: dict[str, dict[str, Any]]
    namespaces: dict[str, dict[str, Any]]
    jobs: dict[tuple[str, str], dict[str, Any]]
    workloads: dict[tuple[str, str], dict[str, Any]]
    job_pods: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def read(cls, store: ObjectStore) -> _Cluster:
        def by_name(kind: ResourceKind) -> dict[str, dict[str, Any]]:
            return {obj["metadata"]["name"]: obj for obj in store.list(kind)[0]}

        def by_key(kind: ResourceKind) -> dict[tuple[str, str], dict[str, Any]]:
            return {_key(obj): obj for obj in store.list(kind)[0]}

        cluster = cls(
            flavors=by_name(RESOURCE_FLAVORS),
            queues=by_name(CLUSTER_QUEUES),
            local_queues=by_key(LOCAL_QUEUES),
            priority_classes=by_name(WORKLOAD_PRIORITY_CLASSES),
            namespaces=by_name(NAMESPACES),
            jobs=by_key(HYPERPOD_PYTORCH_JOBS),
            workloads=by_key(WORKLOADS),
        )
        for pod in store.list(PODS)[0]:
            job_name = (pod["metadata"].get("labels") or {}).get(JOB_LABEL)
            if job_name:
                cluster.job_pods[(pod["metadata"]["namespace"], job_name)] += 1
        return cluster

    def workload_of(self, job: Mapping[str, Any]) -> dict[str, Any] | None:
        uid = job["metadata"]["uid"]
        for workload in self.workloads.values():
            if any(ref.get("uid") == uid for ref in workload["metadata"].get("ownerReferences") or []):
                return workload
        return None

    def job_of(self, workload: Mapping[str, Any]) -> dict[str, Any] | None:
        namespace = workload["metadata"]["namespace"]
        for reference in workload["metadata"].get("ownerReferences") or []:
            job = self.jobs.get((namespace, reference.get("name", "")))
            if job is not None and job["metadata"]["uid"] == reference.get("uid"):
                return job
        return None

    def flavor_labels(self) -> dict[str, dict[str, str]]:
        return {name: dict((f.get("spec") or {}).get("nodeLabels") or {}) for name, f in self.flavors.items()}

    def missing_flavors(self, queue: QueueQuotas) -> list[str]:
        return sorted({flavor for flavor, _ in queue.flavor_resources() if flavor not in self.flavors})


class KueueScheduler:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._events = EventRecorder(store)
        self._withdraw = store.admit(HYPERPOD_PYTORCH_JOBS, self._suspend_queued_job)

    def close(self) -> None:
        self._withdraw()

    @staticmethod
    def _suspend_queued_job(job: dict[str, Any], namespace: str | None) -> dict[str, Any]:
        """Kueue's mutating webhook: a job that names a queue starts suspended and waits for admission."""
        if queued_job(job) and isinstance(job.get("spec"), dict):
            job["spec"].setdefault("runPolicy", {})["suspend"] = True
        return job

    # ---- the pass

    def tick(self, now: datetime) -> None:
        cluster = _Cluster.read(self._store)
        if not (cluster.queues or cluster.workloads or any(map(queued_job, cluster.jobs.values()))):
            return
        self._release_deleted(cluster)
        for job in cluster.jobs.values():
            if queued_job(job) and not job["metadata"].get("deletionTimestamp"):
                self._reconcile_job(cluster, job, now)
        cluster = _Cluster.read(self._store)
        started = self._schedule(cluster, now)
        for workload in started:
            job = cluster.job_of(workload)
            if job is not None and _job_suspended(job):
                self._start_job(cluster, job, workload, now)
        self._write_queue_status(_Cluster.read(self._store), now)

    # ---- job reconciler

    def _release_deleted(self, cluster: _Cluster) -> None:
        """A deleted workload (its job went) gives its quota back: the finalizer goes."""
        for key, workload in list(cluster.workloads.items()):
            if workload["metadata"].get("deletionTimestamp") and RESOURCE_IN_USE_FINALIZER in (
                workload["metadata"].get("finalizers") or []
            ):
                self._update_workload(key, _without_finalizer)
                cluster.workloads.pop(key, None)

    def _reconcile_job(self, cluster: _Cluster, job: dict[str, Any], now: datetime) -> None:
        workload = cluster.workload_of(job)
        outcome = _job_finished(job)
        if workload is None:
            if outcome is None:
                self._create_workload(cluster, job, now)
            return
        key = _key(workload)
        if is_finished(workload):
            return
        if outcome is not None:
            self._finish(job, workload, outcome, now)
            return
        if holds_quota(workload) and (condition_is_true(workload, EVICTED) or not _is_active(workload)):
            if not condition_is_true(workload, EVICTED):
                self._update_workload(
                    key, lambda w: set_condition(w, EVICTED, True, DEACTIVATED, DEACTIVATED_MESSAGE, now)
                )
                workload = cluster.workloads[key] = self._store.get(WORKLOADS, *key)
            if not _job_suspended(job):
                self._stop_job(
                    cluster, job, workload, (find_condition(workload, EVICTED) or {}).get("message", ""), now
                )
            elif not cluster.job_pods[_key(job)]:
                self._requeue(key, workload, now)
        elif is_admitted(workload) and _job_suspended(job):
            self._start_job(cluster, job, workload, now)
        elif not holds_quota(workload) and not _job_suspended(job):
            self._stop_job(cluster, job, workload, "Not admitted by cluster queue", now)

    def _create_workload(self, cluster: _Cluster, job: dict[str, Any], now: datetime) -> None:
        labels = job["metadata"].get("labels") or {}
        priority_class = cluster.priority_classes.get(labels.get(PRIORITY_CLASS_LABEL, ""))
        try:
            created = self._store.create(WORKLOADS, new_workload(job, priority_class), job["metadata"]["namespace"])
        except ApiError as error:
            if error.code != 409:
                raise
            return
        cluster.workloads[_key(created)] = created
        namespace, name = _key(created)
        self._job_event(job, "CreatedWorkload", f"Created Workload: {namespace}/{name}", now)

    def _finish(self, job: dict[str, Any], workload: dict[str, Any], outcome: str, now: datetime) -> None:
        message = JOB_SUCCEEDED_MESSAGE
        if outcome == "Failed":
            failed = find_condition(job, "Failed") or {}
            message = failed.get("message") or "Job failed"
        at = max(now, _time(workload["metadata"]["creationTimestamp"]))

        def finish(w: dict[str, Any]) -> None:
            set_condition(w, FINISHED, True, outcome, message, at)
            _without_finalizer(w)

        self._update_workload(_key(workload), finish)
        namespace, name = _key(workload)
        self._job_event(job, "FinishedWorkload", f"Workload '{namespace}/{name}' is declared finished", now)

    def _requeue(self, key: tuple[str, str], workload: dict[str, Any], now: datetime) -> None:
        """The evicted job has stopped: its quota goes back and the workload waits in its queue again."""
        evicted = find_condition(workload, EVICTED) or {}
        reason, message = evicted.get("reason", ""), evicted.get("message", "")

        def requeue(w: dict[str, Any]) -> None:
            set_condition(w, QUOTA_RESERVED, False, PENDING, message, now)
            w["status"].pop("admission", None)
            if find_condition(w, ADMITTED) is not None:
                set_condition(w, ADMITTED, False, NO_RESERVATION, NO_RESERVATION_MESSAGE, now)
            set_condition(w, REQUEUED, reason != DEACTIVATED, reason, message, now)
            _without_finalizer(w)

        self._update_workload(key, requeue)

    def _stop_job(
        self, cluster: _Cluster, job: dict[str, Any], workload: Mapping[str, Any], message: str, now: datetime
    ) -> None:
        """Suspend the job and give its pod templates their node selectors back, as they were when it queued."""
        originals = {p["name"]: (p.get("template") or {}).get("spec") or {} for p in workload["spec"]["podSets"]}

        def stop(j: dict[str, Any]) -> None:
            j["spec"].setdefault("runPolicy", {})["suspend"] = True
            for replica in j["spec"].get("replicaSpecs") or []:
                spec = (replica.get("template") or {}).get("spec")
                original = originals.get(replica.get("name"))
                if isinstance(spec, dict) and original is not None:
                    if original.get("nodeSelector"):
                        spec["nodeSelector"] = copy.deepcopy(original["nodeSelector"])
                    else:
                        spec.pop("nodeSelector", None)

        if self._store.mutate(HYPERPOD_PYTORCH_JOBS, *_key(job), stop) is not None:
            self._job_event(job, "Stopped", message, now)

    def _start_job(self, cluster: _Cluster, job: dict[str, Any], workload: Mapping[str, Any], now: datetime) -> None:
        """Resume an admitted job with its flavors' node labels added to each pod template's nodeSelector."""
        admission = workload["status"]["admission"]
        labels: dict[str, dict[str, str]] = {}
        for assignment in admission.get("podSetAssignments") or []:
            merged: dict[str, str] = {}
            for flavor in sorted(set((assignment.get("flavors") or {}).values())):
                merged.update((cluster.flavors.get(flavor, {}).get("spec") or {}).get("nodeLabels") or {})
            labels[assignment["name"]] = merged

        def start(j: dict[str, Any]) -> None:
            j["spec"].setdefault("runPolicy", {})["suspend"] = False
            for replica in j["spec"].get("replicaSpecs") or []:
                spec = replica.setdefault("template", {}).setdefault("spec", {})
                if labels.get(replica.get("name")):
                    spec["nodeSelector"] = {**(spec.get("nodeSelector") or {}), **labels[replica["name"]]}

        if self._store.mutate(HYPERPOD_PYTORCH_JOBS, *_key(job), start) is not None:
            self._job_event(job, "Started", f"Admitted by clusterQueue {admission['clusterQueue']}", now)

    # ---- scheduler

    def _schedule(self, cluster: _Cluster, now: datetime) -> list[dict[str, Any]]:
        """One scheduling pass; returns the workloads admitted in it."""
        book = QuotaBook({name: QueueQuotas.of(cq) for name, cq in cluster.queues.items()})
        reservations: dict[tuple[str, str], Reservation] = {}
        for key, workload in cluster.workloads.items():
            queue = ((workload.get("status") or {}).get("admission") or {}).get("clusterQueue")
            if holds_quota(workload) and queue in book.queues:
                reservation = _reservation(key, workload, queue)
                reservations[key] = reservation
                book.add(queue, reservation.usage)
        queued: dict[str, list[dict[str, Any]]] = {}
        for workload in sorted(cluster.workloads.values(), key=_queue_order):
            if not is_pending(workload):
                continue
            queue_name, problem = self._queue_for(cluster, workload)
            if problem:
                self._mark_pending(workload, INADMISSIBLE, problem, now)
            else:
                queued.setdefault(queue_name, []).append(workload)
        admitted: list[dict[str, Any]] = []
        evicted_now: set[tuple[str, str]] = set()
        flavor_labels = cluster.flavor_labels()
        while queued:
            heads = []
            for queue_name, waiting in list(queued.items()):
                heads.append((queue_name, waiting.pop(0)))
                if not waiting:
                    del queued[queue_name]
            assigned = [
                (
                    queue_name,
                    workload,
                    assign_flavors(book, book.queues[queue_name], pod_set_requests(workload), flavor_labels),
                )
                for queue_name, workload in heads
            ]
            assigned.sort(key=lambda entry: (entry[2].borrows, *_queue_order(entry[1])))
            for queue_name, workload, _ in assigned:
                queue = book.queues[queue_name]
                assignment = assign_flavors(book, queue, pod_set_requests(workload), flavor_labels)
                if assignment.mode == FIT:
                    admitted.append(self._admit(workload, queue, assignment, now))
                    book.add(queue_name, assignment.usage)
                    reservations[_key(workload)] = _reservation(_key(workload), admitted[-1], queue_name)
                    continue
                if queue.strict_fifo:
                    queued.pop(queue_name, None)  # StrictFIFO: a head that cannot be admitted blocks its queue
                message = assignment.message
                if assignment.mode != NO_FIT:
                    targets = preemption_targets(
                        book,
                        queue,
                        priority(workload),
                        _time(workload["metadata"]["creationTimestamp"]),
                        assignment.usage,
                        reservations.values(),
                    )
                    if targets and not evicted_now & {t.reservation.key for t in targets}:
                        self._preempt(cluster, book, workload, queue, targets, now)
                        evicted_now |= {t.reservation.key for t in targets}
                        message += f". Pending the preemption of {len(targets)} workload(s)"
                self._mark_pending(workload, PENDING, message, now)
        return admitted

    def _queue_for(self, cluster: _Cluster, workload: Mapping[str, Any]) -> tuple[str, str]:
        """The ClusterQueue a pending workload waits in, or why it cannot wait anywhere."""
        namespace = workload["metadata"]["namespace"]
        local_name = workload["spec"].get("queueName", "")
        local = cluster.local_queues.get((namespace, local_name))
        if local is None:
            return "", f"LocalQueue {local_name} doesn't exist"
        queue_name = (local.get("spec") or {}).get("clusterQueue", "")
        queue = cluster.queues.get(queue_name)
        if queue is None:
            return "", f"ClusterQueue {queue_name} doesn't exist"
        if cluster.missing_flavors(QueueQuotas.of(queue)):
            return "", f"ClusterQueue {queue_name} is inactive"
        labels = (cluster.namespaces.get(namespace, {}).get("metadata") or {}).get("labels") or {}
        if not _selector_matches((queue.get("spec") or {}).get("namespaceSelector"), labels):
            return "", "Workload namespace doesn't match ClusterQueue selector"
        return queue_name, ""

    def _admit(
        self, workload: dict[str, Any], queue: QueueQuotas, assignment: Assignment, now: datetime
    ) -> dict[str, Any]:
        pod_sets = workload["spec"]["podSets"]
        requests = pod_set_requests(workload)
        admission = {
            "clusterQueue": queue.name,
            "podSetAssignments": [
                {
                    "name": pod_set["name"],
                    "flavors": dict(sorted(flavors.items())),
                    "resourceUsage": {r: amount_text(r, request.total(r)) for r in sorted(request.per_pod)},
                    "count": request.count,
                }
                for pod_set, flavors, request in zip(pod_sets, assignment.flavors, requests, strict=True)
            ],
        }
        message = f"Quota reserved in ClusterQueue {queue.name}"

        def admit(w: dict[str, Any]) -> None:
            w.setdefault("status", {})["admission"] = admission
            set_condition(w, QUOTA_RESERVED, True, QUOTA_RESERVED, message, now)
            reset_condition(w, EVICTED, QUOTA_RESERVED, now)
            reset_condition(w, PREEMPTED, QUOTA_RESERVED, now)
            set_condition(w, ADMITTED, True, ADMITTED, ADMITTED_MESSAGE, now)
            finalizers = w["metadata"].setdefault("finalizers", [])
            if RESOURCE_IN_USE_FINALIZER not in finalizers:
                finalizers.append(RESOURCE_IN_USE_FINALIZER)

        waited = int((now - queue_order_time(workload)).total_seconds())
        updated = self._update_workload(_key(workload), admit)
        self._workload_event(updated, "Normal", QUOTA_RESERVED, f"{message}, wait time since queued was {waited}s", now)
        self._workload_event(
            updated,
            "Normal",
            ADMITTED,
            f"Admitted by ClusterQueue {queue.name}, wait time since reservation was 0s",
            now,
        )
        return updated

    def _preempt(
        self,
        cluster: _Cluster,
        book: QuotaBook,
        preemptor: dict[str, Any],
        queue: QueueQuotas,
        targets: list[Target],
        now: datetime,
    ) -> None:
        """Mark the targets evicted; their jobs are stopped now and their quota returns once the pods are gone."""
        job_uid = (preemptor["metadata"].get("labels") or {}).get(JOB_UID_LABEL, "UNKNOWN")
        for target in targets:
            if target.reservation.evicted:
                continue
            victim_queue = book.queues[target.reservation.queue]
            message = (
                f"Preempted to accommodate a workload (UID: {preemptor['metadata']['uid']}, JobUID: {job_uid}) "
                f"due to {HUMAN_REASONS[target.reason]}; preemptor path: {_queue_path(queue)}; "
                f"preemptee path: {_queue_path(victim_queue)}"
            )

            def evict(w: dict[str, Any], message: str = message, reason: str = target.reason) -> None:
                set_condition(w, EVICTED, True, PREEMPTED, message, now)
                set_condition(w, PREEMPTED, True, reason, message, now)

            victim = self._update_workload(target.reservation.key, evict)
            mine, theirs = priority(preemptor), target.reservation.priority
            priorities = (
                f"; preemptor effective priority: {mine} (base: {mine}, boost: 0); "
                f"preemptee effective priority: {theirs} (base: {theirs}, boost: 0)"
            )
            self._workload_event(victim, "Normal", PREEMPTED, message + priorities, now)
            namespace, name = target.reservation.key
            self._workload_event(
                preemptor,
                "Normal",
                "PreemptedWorkload",
                f"Preempted workload {namespace}/{name} (UID: {target.reservation.uid}) in ClusterQueue "
                f"{target.reservation.queue}{priorities}",
                now,
            )
            job = cluster.job_of(victim)
            if job is not None and not _job_suspended(job):
                self._stop_job(cluster, job, victim, message, now)

    def _mark_pending(self, workload: dict[str, Any], reason: str, message: str, now: datetime) -> None:
        """QuotaReserved=False with why; written (and reported) only when the reason changes, so a workload that
        waits long does not flood the API with writes and events."""
        current = find_condition(workload, QUOTA_RESERVED) or {}
        if (current.get("status"), current.get("reason"), current.get("message")) == ("False", reason, message):
            return
        updated = self._update_workload(
            _key(workload), lambda w: set_condition(w, QUOTA_RESERVED, False, reason, message, now)
        )
        self._workload_event(updated, "Warning", PENDING, message, now)

    # ---- queue status

    def _write_queue_status(self, cluster: _Cluster, now: datetime) -> None:
        per_queue: dict[str, list[dict[str, Any]]] = {}
        per_local: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for workload in cluster.workloads.values():
            namespace = workload["metadata"]["namespace"]
            local_key = (namespace, workload["spec"].get("queueName", ""))
            per_local.setdefault(local_key, []).append(workload)
            local = cluster.local_queues.get(local_key)
            admitted_in = ((workload.get("status") or {}).get("admission") or {}).get("clusterQueue")
            queue_name = admitted_in or ((local or {}).get("spec") or {}).get("clusterQueue")
            if queue_name:
                per_queue.setdefault(queue_name, []).append(workload)
        for name, cq in cluster.queues.items():
            status = _cluster_queue_status(cluster, QueueQuotas.of(cq), per_queue.get(name, []))
            self._write_status(CLUSTER_QUEUES, None, name, status, now)
        for key, local in cluster.local_queues.items():
            queue_name = (local.get("spec") or {}).get("clusterQueue", "")
            cq = cluster.queues.get(queue_name)
            status = _local_queue_status(QueueQuotas.of(cq) if cq else None, per_local.get(key, []))
            self._write_status(LOCAL_QUEUES, key[0], key[1], status, now)

    def _write_status(
        self, kind: ResourceKind, namespace: str | None, name: str, status: dict[str, Any], now: datetime
    ) -> None:
        active, reason, message = status.pop("_active")

        def write(obj: dict[str, Any]) -> None:
            previous = obj.get("status") or {}
            conditions = copy.deepcopy(previous.get("conditions") or [])
            found = next((c for c in conditions if c.get("type") == "Active"), None)
            value = "True" if active else "False"
            if found is None or found.get("status") != value:
                found = {"type": "Active", "lastTransitionTime": rfc3339(now)}
                conditions = [c for c in conditions if c.get("type") != "Active"] + [found]
            found.update(status=value, reason=reason, message=message)
            found["observedGeneration"] = obj["metadata"].get("generation", 1)
            obj["status"] = {"conditions": conditions, **status}

        self._store.mutate(kind, namespace, name, write)

    # ---- writes

    def _update_workload(self, key: tuple[str, str], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        updated = self._store.mutate(WORKLOADS, *key, change)
        return updated if updated is not None else self._store.get(WORKLOADS, *key)

    def _job_event(self, job: dict[str, Any], reason: str, message: str, at: datetime) -> None:
        self._events.record(job, HYPERPOD_PYTORCH_JOBS, "Normal", reason, message, at, JOB_CONTROLLER_COMPONENT)

    def _workload_event(self, workload: dict[str, Any], kind: str, reason: str, message: str, at: datetime) -> None:
        self._events.record(workload, WORKLOADS, kind, reason, message, at, ADMISSION_COMPONENT)


def _is_active(workload: Mapping[str, Any]) -> bool:
    return (workload.get("spec") or {}).get("active") is not False


def _without_finalizer(workload: dict[str, Any]) -> None:
    finalizers = [f for f in workload["metadata"].get("finalizers") or [] if f != RESOURCE_IN_USE_FINALIZER]
    if finalizers:
        workload["metadata"]["finalizers"] = finalizers
    else:
        workload["metadata"].pop("finalizers", None)


def _queue_order(workload: Mapping[str, Any]) -> tuple[int, datetime, str]:
    """Kueue's heap order: higher priority first, then the earlier queued, then uid."""
    return -priority(workload), queue_order_time(workload), workload["metadata"].get("uid", "")


def _queue_path(queue: QueueQuotas) -> str:
    return f"/{queue.cohort}/{queue.name}" if queue.cohort else f"/{queue.name}"


def _reservation(key: tuple[str, str], workload: Mapping[str, Any], queue: str) -> Reservation:
    reserved_at = transition_time(workload, QUOTA_RESERVED) or _time(workload["metadata"]["creationTimestamp"])
    return Reservation(
        key=key,
        uid=workload["metadata"]["uid"],
        queue=queue,
        priority=priority(workload),
        usage=admission_usage(workload),
        reserved_at=reserved_at,
        created_at=_time(workload["metadata"]["creationTimestamp"]),
        evicted=condition_is_true(workload, EVICTED),
    )


def _flavor_totals(
    queue: QueueQuotas, workloads: list[dict[str, Any]], counted: Callable[[Mapping[str, Any]], bool], borrowed: bool
) -> list[dict[str, Any]]:
    used: Counter[tuple[str, str]] = Counter()
    for workload in workloads:
        if counted(workload):
            used.update(admission_usage(workload))
    listing = []
    for flavor, covered in queue.flavor_resources():
        resources = []
        for resource in covered:
            total = used[(flavor, resource)]
            entry = {"name": resource, "total": amount_text(resource, total)}
            if borrowed:
                nominal = queue.quotas[(flavor, resource)].nominal if (flavor, resource) in queue.quotas else 0
                entry["borrowed"] = amount_text(resource, max(0, total - nominal))
            resources.append(entry)
        listing.append({"name": flavor, "resources": resources})
    return listing


def _counts(workloads: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "pendingWorkloads": sum(1 for w in workloads if is_pending(w)),
        "reservingWorkloads": sum(1 for w in workloads if holds_quota(w)),
        "admittedWorkloads": sum(1 for w in workloads if is_admitted(w)),
    }


def _cluster_queue_status(cluster: _Cluster, queue: QueueQuotas, workloads: list[dict[str, Any]]) -> dict[str, Any]:
    missing = cluster.missing_flavors(queue)
    if missing:
        active = (
            False,
            "FlavorNotFound",
            f"Can't admit new workloads: references missing ResourceFlavor(s): {missing}.",
        )
    else:
        active = (True, "Ready", "Can admit new workloads")
    return {
        "_active": active,
        "flavorsReservation": _flavor_totals(queue, workloads, holds_quota, borrowed=True),
        "flavorsUsage": _flavor_totals(queue, workloads, is_admitted, borrowed=True),
        **_counts(workloads),
    }


def _local_queue_status(queue: QueueQuotas | None, workloads: list[dict[str, Any]]) -> dict[str, Any]:
    if queue is None:
        return {
            "_active": (False, "ClusterQueueDoesNotExist", "Can't submit new workloads to clusterQueue"),
            **_counts(workloads),
        }
    return {
        "_active": (True, "Ready", "Can submit new workloads to localQueue"),
        **_counts(workloads),
        "flavorsReservation": _flavor_totals(queue, workloads, holds_quota, borrowed=False),
        "flavorsUsage": _flavor_totals(queue, workloads, is_admitted, borrowed=False),
    }
