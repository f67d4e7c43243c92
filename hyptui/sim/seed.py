"""The demo cluster, modelled on the AWS re:Invent AIM371 walkthrough: `ml-cluster-aim371` with 4 x ml.g5.12xlarge and
6 x ml.t3.medium, two Task-governance teams, and training jobs caught at every stage of their life.

Jobs start in the past. Rather than forging their state, the seed rewinds the clock, creates each job when its story
begins and lets a training operator play the hours until now, so pods, events, conditions and logs are exactly what
the live operator would have produced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from hyptui.hyperpod.labels import (
    INSTANCE_TYPE_LABEL,
    MANAGED_QUEUE_LABEL,
    OPERATOR_POD_LABEL,
    PRIORITY_CLASS_LABEL,
    QUEUE_LABEL,
    QUOTA_ALLOCATION_LABEL,
)
from hyptui.hyperpod.namespaces import HYPERPOD_NAMESPACE, INFERENCE_OPERATOR_NAMESPACE
from hyptui.hyperpod.resources import EFA, GPU
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.controllers import build_controllers
from hyptui.sim.kueue.task_governance import (
    LEND_AND_BORROW,
    LOWER_PRIORITY,
    TALK_POLICY,
    ComputeQuota,
    InstanceQuota,
    TaskGovernance,
    apply_task_governance,
)
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.hyperpod_nodes import hyperpod_node_name, make_node
from hyptui.sim.nodes.system_pods import health_agent_pod, inference_operator_pod, pod_suffix, running_system_pod
from hyptui.sim.spaces.seed import create_seed_space, create_space_templates
from hyptui.sim.training.operator import (
    DURATION_ANNOTATION,
    FAIL_AFTER_ANNOTATION,
    FAIL_COUNT_ANNOTATION,
    MAIN_CONTAINER,
    OPERATOR_CONTAINER,
)

CLUSTER_NAME = "ml-cluster-aim371"
ZONE = "us-east-2b"
CLUSTER_AGE = timedelta(days=12)
HISTORY = timedelta(hours=6)  # how far back the oldest seeded job starts
REPLAY_STEP = timedelta(minutes=5)  # operator passes during the replay; transitions in between keep their exact times
TEAMS = ("team-a", "team-b")
TRAINING_IMAGE = "763104351884.dkr.ecr.us-east-2.amazonaws.com/pytorch-training:2.8.0-gpu-py312-cu129-ubuntu22.04-ec2"
QWEN_IMAGE = "123456789012.dkr.ecr.us-east-2.amazonaws.com/qwen3-finetuning:pytorch2.8-cu129"
OPERATOR_IMAGE = "905418368575.dkr.ecr.us-east-2.amazonaws.com/hyperpod-training-operator:v1.2.0"


@dataclass(frozen=True, slots=True)
class SeedJob:
    name: str
    team: str
    starts_before_now: timedelta
    duration: timedelta
    replicas: int = 1
    gpus_per_pod: int = 4
    image: str = TRAINING_IMAGE
    priority: str = "training-priority"
    max_retries: int = 3
    fail_after: timedelta | None = None
    fail_count: int | None = None


# The talk's cluster policy; each team is allocated two of the four ml.g5.12xlarge (the talk gives each team one, which
# the replayed governance demo in the tests uses), so the seeded jobs fit: team A runs three 4-GPU pods, borrowing four
# GPUs of team B's idle quota, while team B's evaluation job runs within its own.
SEED_GOVERNANCE = TaskGovernance(
    TALK_POLICY,
    tuple(
        ComputeQuota(team, (InstanceQuota("ml.g5.12xlarge", 2),), LEND_AND_BORROW, 100, LOWER_PRIORITY)
        for team in TEAMS
    ),
)

SEED_JOBS = (
    # Finished long ago: Completed.
    SeedJob("llama3-2-3b-sft", "team-a", timedelta(hours=5, minutes=30), timedelta(minutes=40)),
    # Crashes on every run until its retries run out: Failed.
    SeedJob(
        "mistral-7b-dpo",
        "team-b",
        timedelta(hours=4),
        timedelta(hours=2),
        priority="experimentation-priority",
        max_retries=2,
        fail_after=timedelta(minutes=7),
    ),
    # The talk's job: 2 nodes x 4 processes, running for hours.
    SeedJob("llama3-1-8b-fsdp", "team-a", timedelta(hours=2), timedelta(hours=10), replicas=2),
    # Asks for 2 x 8 GPUs, all of team B's quota and all it may borrow: Kueue keeps it queued (Suspended) while team A
    # borrows; were it admitted, 8 GPUs per pod would not fit any 4-GPU node.
    SeedJob("llama3-3-70b-lora", "team-b", timedelta(minutes=40), timedelta(hours=8), replicas=2, gpus_per_pod=8),
    # Recovered from one fault already; the next one comes a few minutes into the demo.
    SeedJob(
        "qwen3-4b-thinking-fsdp",
        "team-a",
        timedelta(minutes=25),
        timedelta(hours=3),
        image=QWEN_IMAGE,
        max_retries=5,
        fail_after=timedelta(minutes=15),
        fail_count=2,
    ),
    # Submitted just before the demo starts: pulls its image, runs within the first minute, completes in a few.
    SeedJob(
        "llama3-1-8b-eval", "team-b", timedelta(seconds=10), timedelta(minutes=4), priority="experimentation-priority"
    ),
)


def seed_cluster(store: ObjectStore, logs: LogStore, clock: SimClock, rng: random.Random) -> None:
    """Fill an empty store. Leaves the clock where it was; deterministic for a fixed clock start and rng seed."""
    now = clock.now()

    def travel_to(moment: datetime) -> None:
        clock.advance((moment - clock.now()).total_seconds())

    travel_to(now - CLUSTER_AGE)
    _create_namespaces(store)
    apply_task_governance(store, SEED_GOVERNANCE)
    nodes = _create_nodes(store, clock, rng)
    _create_system_pods(store, logs, clock, rng, nodes)
    create_space_templates(store)
    # The same operators as the live cluster, so the seeded history is what they would have produced.
    controllers = build_controllers(store, logs, rng)

    def run_controllers() -> None:
        for controller in controllers:
            controller.tick(clock.now())

    try:
        travel_to(now - HISTORY)
        create_seed_space(store)  # the talk's pre-created space, running since the oldest job's day began
        pending = sorted(((now - job.starts_before_now, job) for job in SEED_JOBS), key=lambda entry: entry[0])
        tick = now - HISTORY
        while True:
            moment = min(tick, now)
            while pending and pending[0][0] <= moment:
                starts, job = pending.pop(0)
                travel_to(starts)
                store.create(HYPERPOD_PYTORCH_JOBS, _pytorch_job(job), _namespace(job.team))
                run_controllers()
            travel_to(moment)
            run_controllers()
            if moment == now:
                break
            tick += REPLAY_STEP
        # Started with the cluster, but created after the replay so the replayed history (uids, resource versions)
        # is what it was before the inference operator was simulated.
        travel_to(now - CLUSTER_AGE)
        cpu_nodes = [n for n in nodes if GPU not in n["status"]["capacity"]]
        store.create(PODS, inference_operator_pod(cpu_nodes[1], clock.now(), logs), INFERENCE_OPERATOR_NAMESPACE)
    finally:
        for controller in controllers:
            controller.close()
        travel_to(now)


def _namespace(team: str) -> str:
    return f"hyperpod-ns-{team}"


def _create_namespaces(store: ObjectStore) -> None:
    for name in ("default", "kube-system", "kube-public", HYPERPOD_NAMESPACE, INFERENCE_OPERATOR_NAMESPACE):
        store.create(NAMESPACES, {"metadata": {"name": name}})
    for team in TEAMS:
        labels = {
            MANAGED_QUEUE_LABEL: "true",
            QUOTA_ALLOCATION_LABEL: team,
        }
        store.create(NAMESPACES, {"metadata": {"name": _namespace(team), "labels": labels}})


def _create_nodes(store: ObjectStore, clock: SimClock, rng: random.Random) -> list[dict]:
    groups = (("accelerated-worker-group", "ml.g5.12xlarge", 4), ("general-purpose-worker-group", "ml.t3.medium", 6))
    nodes = []
    for group, instance_type, count in groups:
        for _ in range(count):
            ip = f"10.1.{rng.randint(0, 63)}.{rng.randint(2, 254)}"
            node = make_node(
                hyperpod_node_name(rng),
                instance_type,
                CLUSTER_NAME,
                group,
                zone=ZONE,
                internal_ip=ip,
                created_at=clock.now(),
            )
            nodes.append(store.create(NODES, node))
    return nodes


def _create_system_pods(
    store: ObjectStore, logs: LogStore, clock: SimClock, rng: random.Random, nodes: list[dict]
) -> None:
    gpu_nodes = [n for n in nodes if GPU in n["status"]["capacity"]]
    cpu_nodes = [n for n in nodes if n not in gpu_nodes]
    operator_name = f"hp-training-operator-hp-training-controller-manager-{pod_suffix(rng, 10)}-{pod_suffix(rng, 5)}"
    operator = running_system_pod(
        operator_name,
        HYPERPOD_NAMESPACE,
        {OPERATOR_POD_LABEL: "hp-training-controller-manager", "control-plane": "controller-manager"},
        OPERATOR_CONTAINER,
        OPERATOR_IMAGE,
        cpu_nodes[0],
        clock.now(),
        rng,
        {"cpu": "100m", "memory": "256Mi"},
    )
    store.create(PODS, operator, HYPERPOD_NAMESPACE)
    started = clock.now()
    for line in (
        "INFO\tsetup\tstarting manager",
        'INFO\tcontroller-runtime.metrics\tStarting metrics server\t{"bindAddress": ":8443"}',
        'INFO\tStarting EventSource\t{"controller": "hyperpodpytorchjob", '
        '"source": "kind source: *v1.HyperPodPyTorchJob"}',
        'INFO\tStarting Controller\t{"controller": "hyperpodpytorchjob"}',
        'INFO\tStarting workers\t{"controller": "hyperpodpytorchjob", "worker count": 4}',
    ):
        logs.append(
            HYPERPOD_NAMESPACE, operator_name, OPERATOR_CONTAINER, f"{started:%Y-%m-%dT%H:%M:%S.000}Z\t{line}", started
        )
    for node in gpu_nodes:
        store.create(PODS, health_agent_pod(node, started, rng, logs), HYPERPOD_NAMESPACE)


def _pytorch_job(job: SeedJob) -> dict:
    """A HyperPodPyTorchJob as `hyp create hyp-pytorch-job` renders it (template 1.1, with queue and priority)."""
    namespace = _namespace(job.team)
    kueue = {QUEUE_LABEL: f"{namespace}-localqueue", PRIORITY_CLASS_LABEL: job.priority}
    annotations = {DURATION_ANNOTATION: str(int(job.duration.total_seconds()))}
    if job.fail_after is not None:
        annotations[FAIL_AFTER_ANNOTATION] = str(int(job.fail_after.total_seconds()))
    if job.fail_count is not None:
        annotations[FAIL_COUNT_ANNOTATION] = str(job.fail_count)
    resources = {
        "requests": {GPU: job.gpus_per_pod, "cpu": "44", "memory": "160Gi", EFA: 1},
        "limits": {GPU: job.gpus_per_pod, EFA: 1},
    }
    container = {
        "name": MAIN_CONTAINER,
        "image": job.image,
        "imagePullPolicy": "IfNotPresent",
        "command": [
            "hyperpodrun",
            f"--nnodes={job.replicas}:{job.replicas}",
            f"--nproc_per_node={job.gpus_per_pod}",
            "/fsx/scripts/train.py",
        ],
        "args": ["--config", f"/fsx/scripts/{job.name}/args.yaml"],
        "env": [
            {"name": "NCCL_DEBUG", "value": "INFO"},
            {"name": "FI_PROVIDER", "value": "efa"},
            {"name": "TORCH_NCCL_ASYNC_ERROR_HANDLING", "value": "1"},
        ],
        "resources": resources,
        "volumeMounts": [{"name": "shmem", "mountPath": "/dev/shm"}, {"name": "fsx", "mountPath": "/fsx"}],
    }
    return {
        "apiVersion": HYPERPOD_PYTORCH_JOBS.api_version,
        "kind": HYPERPOD_PYTORCH_JOBS.kind,
        "metadata": {"name": job.name, "namespace": namespace, "labels": kueue, "annotations": annotations},
        "spec": {
            "nprocPerNode": str(job.gpus_per_pod),
            "replicaSpecs": [
                {
                    "name": "pod",
                    "replicas": job.replicas,
                    "template": {
                        "metadata": {"labels": kueue},
                        "spec": {
                            "containers": [container],
                            "nodeSelector": {INSTANCE_TYPE_LABEL: "ml.g5.12xlarge"},
                            "volumes": [
                                {"name": "shmem", "hostPath": {"path": "/dev/shm"}},
                                {"name": "fsx", "persistentVolumeClaim": {"claimName": "fsx-claim"}},
                            ],
                        },
                    },
                }
            ],
            "runPolicy": {"cleanPodPolicy": "None", "jobMaxRetryCount": job.max_retries},
        },
    }
