"""What the training operator's tests build on: GPU nodes, a HyperPodPyTorchJob manifest, and the status word
`hyp list hyp-pytorch-job` prints."""

from __future__ import annotations

from datetime import UTC, datetime

from hyptui.hyperpod.kinds import NODES
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.nodes.hyperpod_nodes import make_node
from hyptui.sim.training.operator import (
    DURATION_ANNOTATION,
    FAIL_AFTER_ANNOTATION,
    FAIL_COUNT_ANNOTATION,
)

START = datetime(2025, 6, 5, 12, 0, tzinfo=UTC)


NS = "hyperpod-ns-team-a"


CONTAINER = "pytorch-job-container"


def create_gpu_nodes(store: ObjectStore, count: int) -> None:
    """`count` ml.g5.12xlarge nodes named hyperpod-i-0000000000000000<i>, with internal IPs 10.1.0.<10 + i>."""
    for i in range(count):
        node = make_node(
            f"hyperpod-i-0000000000000000{i}",
            "ml.g5.12xlarge",
            "ml-cluster",
            "accelerated-worker-group",
            zone="us-east-2b",
            internal_ip=f"10.1.0.{10 + i}",
            created_at=START,
        )
        store.create(NODES, node)


def pytorch_job(
    name: str = "llama",
    replicas: int = 2,
    gpus: int = 4,
    duration: int = 600,
    fail_after: int | None = None,
    fail_count: int | None = None,
    retries: int | None = None,
    suspend: bool = False,
) -> dict:
    annotations = {DURATION_ANNOTATION: str(duration)}
    if fail_after is not None:
        annotations[FAIL_AFTER_ANNOTATION] = str(fail_after)
    if fail_count is not None:
        annotations[FAIL_COUNT_ANNOTATION] = str(fail_count)
    run_policy: dict = {"cleanPodPolicy": "None", "suspend": suspend}
    if retries is not None:
        run_policy["jobMaxRetryCount"] = retries
    container = {
        "name": CONTAINER,
        "image": "pytorch/pytorch:2.8.0",
        "resources": {"requests": {"nvidia.com/gpu": gpus}, "limits": {"nvidia.com/gpu": gpus}},
    }
    return {
        "metadata": {"name": name, "namespace": NS, "annotations": annotations, "labels": {"team": "a"}},
        "spec": {
            "nprocPerNode": "4",
            "replicaSpecs": [
                {
                    "name": "pod",
                    "replicas": replicas,
                    "template": {
                        "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "hyperpod-ns-team-a-localqueue"}},
                        "spec": {
                            "containers": [container],
                            "nodeSelector": {"node.kubernetes.io/instance-type": "ml.g5.12xlarge"},
                        },
                    },
                }
            ],
            "runPolicy": run_policy,
        },
    }


def hyp_status(job: dict) -> str:
    """What `hyp list hyp-pytorch-job` prints: the type of the last True condition."""
    for condition in reversed((job.get("status") or {}).get("conditions") or []):
        if condition["status"] == "True":
            return condition["type"]
    return "Unknown"
