"""What a HyperPodPyTorchJob asks for, in the terms `hyp create hyp-pytorch-job` uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hyptui.hyperpod.labels import INSTANCE_TYPE_LABEL, PRIORITY_CLASS_LABEL, QUEUE_LABEL


def _first_container(replica_spec: Mapping[str, Any]) -> Mapping[str, Any]:
    containers = ((replica_spec.get("template") or {}).get("spec") or {}).get("containers") or [{}]
    return containers[0]


def job_spec_summary(job: Mapping[str, Any]) -> list[tuple[str, str]]:
    spec = job.get("spec") or {}
    labels = (job.get("metadata") or {}).get("labels") or {}
    replica_specs = spec.get("replicaSpecs") or []
    first = replica_specs[0] if replica_specs else {}
    pod_spec = (first.get("template") or {}).get("spec") or {}
    container = _first_container(first)
    resources = container.get("resources") or {}
    requests = resources.get("requests") or resources.get("limits") or {}
    run_policy = spec.get("runPolicy") or {}
    rows = [
        ("Image", str(container.get("image") or "-")),
        ("Instance type", str((pod_spec.get("nodeSelector") or {}).get(INSTANCE_TYPE_LABEL) or "-")),
        ("Replicas", str(sum(int(r.get("replicas") or 0) for r in replica_specs))),
        ("Tasks per node", str(spec.get("nprocPerNode") or "-")),
        ("Requests", ", ".join(f"{k}={v}" for k, v in requests.items()) or "-"),
        ("Queue", str(labels.get(QUEUE_LABEL) or "-")),
        ("Priority", str(labels.get(PRIORITY_CLASS_LABEL) or "-")),
        ("Max retries", str(run_policy.get("jobMaxRetryCount", "-"))),
    ]
    return rows
