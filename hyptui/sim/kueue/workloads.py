"""Kueue Workloads for HyperPodPyTorchJobs: the object Kueue's job reconciler creates for a queued job, the conditions
its scheduler writes (metav1.Condition, with Kueue's reasons and messages), and what they say about the workload."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from hyptui.hyperpod.conditions import condition_is_true, find_condition, set_status_condition
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, WORKLOADS
from hyptui.hyperpod.kueue_versions import KUEUE_GROUP
from hyptui.hyperpod.labels import JOB_UID_LABEL, QUEUE_LABEL
from hyptui.hyperpod.quantities import amount
from hyptui.sim.kueue.quota import PodSetRequest
from hyptui.sim.nodes.placement import pod_requests
from hyptui.sim.owner_references import controller_reference

RESOURCE_IN_USE_FINALIZER = "kueue.x-k8s.io/resource-in-use"

QUOTA_RESERVED = "QuotaReserved"
ADMITTED = "Admitted"
EVICTED = "Evicted"
PREEMPTED = "Preempted"
REQUEUED = "Requeued"
FINISHED = "Finished"
PENDING = "Pending"  # the QuotaReserved=False reason of Kueue 0.19 without the UnadmittedWorkloadsObservability gate
INADMISSIBLE = "Inadmissible"
NO_RESERVATION = "NoReservation"
DEACTIVATED = "Deactivated"
NO_RESERVATION_MESSAGE = "The workload has no reservation"
ADMITTED_MESSAGE = "The workload is admitted"
DEACTIVATED_MESSAGE = "The workload is deactivated"
JOB_SUCCEEDED_MESSAGE = "Job finished successfully"


def workload_name(job: Mapping[str, Any]) -> str:
    """`hyperpodpytorchjob-<job>-<5 hex>`: Kueue's GetWorkloadNameForOwnerWithGVK (sha1 of kind, group, name, uid)."""
    kind, group = HYPERPOD_PYTORCH_JOBS.kind, HYPERPOD_PYTORCH_JOBS.group
    name, uid = job["metadata"]["name"], job["metadata"]["uid"]
    digest = hashlib.sha1(f"{kind}\n{group}\n{name}\n{uid}".encode()).hexdigest()[:5]
    return f"{kind.lower()}-{name}"[:247] + f"-{digest}"


def queued_job(job: Mapping[str, Any]) -> bool:
    return bool((job["metadata"].get("labels") or {}).get(QUEUE_LABEL))


def job_pod_sets(job: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One pod set per replica spec, named after it, with the spec's pod template as the job has it."""
    return [
        {
            "name": str(replica.get("name") or f"replica-{index}"),
            "count": int(replica.get("replicas") or 1),
            "template": copy.deepcopy(replica.get("template") or {}),
        }
        for index, replica in enumerate((job.get("spec") or {}).get("replicaSpecs") or [])
    ]


def new_workload(job: Mapping[str, Any], priority_class: Mapping[str, Any] | None) -> dict[str, Any]:
    metadata = job["metadata"]
    spec: dict[str, Any] = {
        "active": True,
        "podSets": job_pod_sets(job),
        "queueName": (metadata.get("labels") or {})[QUEUE_LABEL],
        "priority": int(priority_class.get("value") or 0) if priority_class else 0,
    }
    if priority_class is not None:
        spec["priorityClassRef"] = {
            "group": KUEUE_GROUP,
            "kind": "WorkloadPriorityClass",
            "name": priority_class["metadata"]["name"],
        }
    return {
        "apiVersion": WORKLOADS.api_version,
        "kind": WORKLOADS.kind,
        "metadata": {
            "name": workload_name(job),
            "namespace": metadata["namespace"],
            "labels": {JOB_UID_LABEL: metadata["uid"]},
            "ownerReferences": [controller_reference(HYPERPOD_PYTORCH_JOBS, job)],
        },
        "spec": spec,
    }


def pod_set_requests(workload: Mapping[str, Any]) -> list[PodSetRequest]:
    requests = []
    for pod_set in (workload.get("spec") or {}).get("podSets") or []:
        pod_spec = (pod_set.get("template") or {}).get("spec") or {}
        per_pod = {resource: value for resource, value in pod_requests(pod_spec).items() if value}
        requests.append(
            PodSetRequest(
                str(pod_set.get("name")),
                int(pod_set.get("count") or 1),
                per_pod,
                dict(pod_spec.get("nodeSelector") or {}),
            )
        )
    return requests


def admission_usage(workload: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    """The quota an admitted workload holds, from its podSetAssignments."""
    usage: dict[tuple[str, str], int] = {}
    admission = (workload.get("status") or {}).get("admission") or {}
    for assignment in admission.get("podSetAssignments") or []:
        flavors = assignment.get("flavors") or {}
        for resource, value in (assignment.get("resourceUsage") or {}).items():
            if resource in flavors:
                key = (flavors[resource], resource)
                usage[key] = usage.get(key, 0) + amount(resource, value)
    return usage


# ---- conditions


def set_condition(workload: dict[str, Any], kind: str, status: bool, reason: str, message: str, at: datetime) -> None:
    value = "True" if status else "False"
    generation = workload["metadata"].get("generation", 1)
    set_status_condition(workload.setdefault("status", {}), kind, value, reason, message, at, generation)


def reset_condition(workload: dict[str, Any], kind: str, reason: str, at: datetime) -> None:
    """An active Evicted/Preempted condition turns False once quota is reserved again: "Previously: ..."."""
    found = find_condition(workload, kind)
    if found is not None and found.get("status") == "True":
        set_condition(workload, kind, False, reason, f"Previously: {found.get('message', '')}", at)


def transition_time(workload: Mapping[str, Any], kind: str) -> datetime | None:
    found = find_condition(workload, kind)
    if found is None or not found.get("lastTransitionTime"):
        return None
    return datetime.fromisoformat(found["lastTransitionTime"]).astimezone(UTC)


def is_finished(workload: Mapping[str, Any]) -> bool:
    return condition_is_true(workload, FINISHED)


def holds_quota(workload: Mapping[str, Any]) -> bool:
    """Quota reserved and not given back yet (an evicted workload holds it until its job has stopped)."""
    return condition_is_true(workload, QUOTA_RESERVED) and not is_finished(workload)


def is_admitted(workload: Mapping[str, Any]) -> bool:
    return holds_quota(workload) and condition_is_true(workload, ADMITTED) and not condition_is_true(workload, EVICTED)


def is_pending(workload: Mapping[str, Any]) -> bool:
    return not holds_quota(workload) and not is_finished(workload) and is_active(workload)


def is_active(workload: Mapping[str, Any]) -> bool:
    return (workload.get("spec") or {}).get("active") is not False and not workload["metadata"].get("deletionTimestamp")


def queue_order_time(workload: Mapping[str, Any]) -> datetime:
    """Creation, or the moment it was put back in the queue after an eviction."""
    requeued = transition_time(workload, REQUEUED) if condition_is_true(workload, REQUEUED) else None
    created = datetime.fromisoformat(workload["metadata"]["creationTimestamp"]).astimezone(UTC)
    return requeued or created


def priority(workload: Mapping[str, Any]) -> int:
    return int((workload.get("spec") or {}).get("priority") or 0)
