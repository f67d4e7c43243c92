"""Long-running system pods of a HyperPod cluster (the training operator, the per-node health-monitoring agent), built
already Running: no controller in the sim manages their DaemonSets or Deployments."""

from __future__ import annotations

import random
from datetime import datetime

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.namespaces import HYPERPOD_NAMESPACE, INFERENCE_OPERATOR_NAMESPACE
from hyptui.sim.nodes.container_logs import LogStore

HEALTH_AGENT_IMAGE = "905418368575.dkr.ecr.us-east-2.amazonaws.com/hyperpod-health-monitoring-agent:1.0.742.0_1.0.241.0"
HEALTH_AGENT_LABELS = {"app": "health-monitoring-agent"}
HEALTH_AGENT_CONTAINER = "health-monitoring-agent"


def running_system_pod(
    name: str,
    namespace: str,
    labels: dict[str, str],
    container: str,
    image: str,
    node: dict,
    at: datetime,
    rng: random.Random,
    requests: dict[str, str],
) -> dict:
    """A long-running system pod, already Running (no controller in the sim manages DaemonSets or Deployments)."""
    started = rfc3339(at)
    host_ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
    pod_ip = f"10.1.{rng.randint(64, 127)}.{rng.randint(2, 254)}"
    conditions = [
        {"type": kind, "status": "True", "lastProbeTime": None, "lastTransitionTime": started}
        for kind in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
    ]
    return {
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "nodeName": node["metadata"]["name"],
            "containers": [{"name": container, "image": image, "resources": {"requests": requests}}],
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "serviceAccountName": name.rsplit("-", 2)[0],
        },
        "status": {
            "phase": "Running",
            "conditions": conditions,
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}],
            "startTime": started,
            "qosClass": "Burstable",
            "containerStatuses": [
                {
                    "name": container,
                    "image": image,
                    "imageID": f"{image.split(':')[0]}@sha256:{rng.getrandbits(256):064x}",
                    "containerID": f"containerd://{rng.getrandbits(256):064x}",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": started}},
                    "lastState": {},
                }
            ],
        },
    }


def pod_suffix(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(length))


def health_agent_pod(node: dict, at: datetime, rng: random.Random, logs: LogStore) -> dict:
    """The health-monitoring agent DaemonSet's pod on `node`, with the line it logs when it starts."""
    name = f"health-monitoring-agent-{pod_suffix(rng, 5)}"
    pod = running_system_pod(
        name,
        HYPERPOD_NAMESPACE,
        dict(HEALTH_AGENT_LABELS),
        HEALTH_AGENT_CONTAINER,
        HEALTH_AGENT_IMAGE,
        node,
        at,
        rng,
        {"cpu": "500m", "memory": "512Mi"},
    )
    line = f"Health monitoring started on {node['metadata']['name']}: GPU, NVLink, EFA and kernel log monitors"
    logs.append(HYPERPOD_NAMESPACE, name, HEALTH_AGENT_CONTAINER, line, at)
    return pod


INFERENCE_OPERATOR_IMAGE = (
    "905418368575.dkr.ecr.us-east-2.amazonaws.com/hyperpod-inference-operator:v3.0-20250731-171436"
)
INFERENCE_OPERATOR_LABELS = {
    "app.kubernetes.io/name": "hyperpod-inference-operator",
    "control-plane": "controller-manager",
}
INFERENCE_OPERATOR_CONTAINER = "manager"


def inference_operator_pod(node: dict, at: datetime, logs: LogStore) -> dict:
    """The inference operator's controller-manager pod (`hyp get-operator-logs` reads the first pod of its namespace),
    with its startup lines. Its randomness comes from its own stream, so adding it leaves the rest of a seed alone."""
    rng = random.Random("hyperpod-inference-operator")
    name = f"hyperpod-inference-operator-controller-manager-{pod_suffix(rng, 10)}-{pod_suffix(rng, 5)}"
    pod = running_system_pod(
        name,
        INFERENCE_OPERATOR_NAMESPACE,
        dict(INFERENCE_OPERATOR_LABELS),
        INFERENCE_OPERATOR_CONTAINER,
        INFERENCE_OPERATOR_IMAGE,
        node,
        at,
        rng,
        {"cpu": "100m", "memory": "256Mi"},
    )
    stamp = f"{at:%Y-%m-%dT%H:%M:%S.000}Z"
    for line in (
        "INFO\tsetup\tstarting manager",
        'INFO\tcontroller-runtime.metrics\tStarting metrics server\t{"bindAddress": ":8443"}',
        *(
            f'INFO\tStarting Controller\t{{"controller": "{controller}"}}'
            for controller in ("inferenceendpointconfig", "jumpstartmodel", "sagemakerendpointregistration")
        ),
        'INFO\tStarting workers\t{"controller": "inferenceendpointconfig", "worker count": 1}',
    ):
        logs.append(INFERENCE_OPERATOR_NAMESPACE, name, INFERENCE_OPERATOR_CONTAINER, f"{stamp}\t{line}", at)
    return pod
