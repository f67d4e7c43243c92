"""HyperPodPyTorchJob manifests for tests: small enough to fit anywhere, or too big to ever be scheduled."""

from __future__ import annotations

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS


def pytorch_job(name: str, namespace: str, instance_type: str, requests: dict, replicas: int = 1) -> dict:
    container = {
        "name": "pytorch-job-container",
        "image": "public.ecr.aws/docker/library/python:3.12",
        "resources": {"requests": requests, "limits": {k: v for k, v in requests.items() if k == "nvidia.com/gpu"}},
    }
    template = {
        "spec": {"nodeSelector": {"node.kubernetes.io/instance-type": instance_type}, "containers": [container]}
    }
    return {
        "apiVersion": HYPERPOD_PYTORCH_JOBS.api_version,
        "kind": HYPERPOD_PYTORCH_JOBS.kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"nprocPerNode": "1", "replicaSpecs": [{"name": "pod", "replicas": replicas, "template": template}]},
    }


def cpu_job(name: str, namespace: str = "hyperpod-ns-team-b") -> dict:
    """One pod that fits on a free ml.t3.medium whatever the seed jobs hold; no queue, so Kueue leaves it alone."""
    return pytorch_job(name, namespace, "ml.t3.medium", {"cpu": "500m", "memory": "1Gi"})


def unschedulable_job(name: str, namespace: str = "hyperpod-ns-team-b") -> dict:
    """Two pods asking for 8 GPUs each on 4-GPU nodes: pending forever, with the scheduler saying why."""
    return pytorch_job(name, namespace, "ml.g5.12xlarge", {"nvidia.com/gpu": 8}, replicas=2)
