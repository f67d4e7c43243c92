"""Long-running system pods of a HyperPod cluster (the training operator, the per-node health-monitoring agent), built
already Running: no controller in the sim manages their DaemonSets or Deployments."""

from __future__ import annotations

import random
from datetime import datetime

from hyptui.sim.clock import rfc3339
from hyptui.sim.logs import LogStore

SYSTEM_NAMESPACE = "aws-hyperpod"
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
        SYSTEM_NAMESPACE,
        dict(HEALTH_AGENT_LABELS),
        HEALTH_AGENT_CONTAINER,
        HEALTH_AGENT_IMAGE,
        node,
        at,
        rng,
        {"cpu": "500m", "memory": "512Mi"},
    )
    line = f"Health monitoring started on {node['metadata']['name']}: GPU, NVLink, EFA and kernel log monitors"
    logs.append(SYSTEM_NAMESPACE, name, HEALTH_AGENT_CONTAINER, line, at)
    return pod
