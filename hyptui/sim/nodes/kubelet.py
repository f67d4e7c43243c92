"""What kube-scheduler and the kubelet write on a pod, shared by the simulated operators that run pods: binding, the
sandbox and its IP, container start, readiness, termination, and the events each step records.

Each helper returns the change to apply with `ObjectStore.mutate` (the store runs it under its lock), so an operator
decides when a step falls due and the helpers only say what the step looks like.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.conditions import find_condition, set_pod_condition
from hyptui.hyperpod.kinds import PODS
from hyptui.sim.events import EventRecorder

SCHEDULER_COMPONENT = "default-scheduler"
KUBELET_COMPONENT = "kubelet"
SCHEDULING_RETRY_SECONDS = 30

_TRUE, _FALSE = "True", "False"
_CONDITION_ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")

PodChange = Callable[[dict], None]


# Repositories of the AWS Deep Learning Containers registry (account 763104351884) the simulated registry knows; a
# typo in one of these is the usual bad image, and it fails to pull as a missing reference does on a real node.
DLC_ACCOUNT = "763104351884"
DLC_REPOSITORIES = frozenset(
    {
        "djl-inference",
        "djl-lmi",
        "huggingface-pytorch-inference",
        "huggingface-pytorch-tgi-inference",
        "huggingface-pytorch-training",
        "pytorch-inference",
        "pytorch-training",
        "sglang",
        "tensorflow-inference",
        "vllm",
    }
)
_IMAGE_REFERENCE = re.compile(
    r"^(?:(?P<registry>[a-zA-Z0-9.-]+(?::[0-9]+)?)/)?(?P<path>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$"
)


def apply_pod_defaults(spec: dict, restart_policy: str) -> None:
    """What the API server and the workload controllers fill into a pod template, in place."""
    spec.setdefault("restartPolicy", restart_policy)
    spec.setdefault("schedulerName", SCHEDULER_COMPONENT)
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault(
        "tolerations",
        [
            {
                "key": f"node.kubernetes.io/{taint}",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            }
            for taint in ("not-ready", "unreachable")
        ],
    )
    for container in spec.get("containers") or []:
        image = container.get("image", "")
        container.setdefault("imagePullPolicy", "Always" if image.endswith(":latest") else "IfNotPresent")
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        resources = container.setdefault("resources", {})
        if resources.get("limits"):
            resources["requests"] = {**resources["limits"], **(resources.get("requests") or {})}


def pull_failure(image: str) -> tuple[str, str] | None:
    """(waiting reason, kubelet message) when `image` cannot be pulled, None when the pull succeeds."""
    match = _IMAGE_REFERENCE.match(image)
    if not image or match is None:
        return (
            "InvalidImageName",
            f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": '
            "invalid reference format",
        )
    registry, path = match["registry"] or "", match["path"]
    if registry.startswith(f"{DLC_ACCOUNT}.dkr.ecr.") and path not in DLC_REPOSITORIES:
        return (
            "ErrImagePull",
            f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found',
        )
    return None


def sort_pod_conditions(pod: dict) -> None:
    """The kubelet lists pod conditions in this order; kubectl describe shows them as listed."""
    pod["status"]["conditions"].sort(
        key=lambda c: _CONDITION_ORDER.index(c["type"]) if c["type"] in _CONDITION_ORDER else len(_CONDITION_ORDER)
    )


def qos_class(pod_spec: dict) -> str:
    containers = pod_spec.get("containers") or []
    requests_and_limits = []
    for container in containers:
        resources = container.get("resources") or {}
        limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
        requests_and_limits.append((limits, {**limits, **requests}))
    if not any(r.get(k) or lim.get(k) for lim, r in requests_and_limits for k in ("cpu", "memory")):
        return "BestEffort"
    guaranteed = all(
        lim.get(k) and str(lim.get(k)) == str(r.get(k)) for lim, r in requests_and_limits for k in ("cpu", "memory")
    )
    return "Guaranteed" if guaranteed else "Burstable"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def image_id(image: str) -> str:
    return f"{image.split(':')[0]}@sha256:{digest(image)}"


def pulled_message(image: str, seconds: int) -> str:
    """The kubelet's Pulled event after a real pull; the size is fixed per image (GPU images are several GB)."""
    size = 4_000_000_000 + int(digest(image)[:8], 16) % 6_000_000_000
    return (
        f'Successfully pulled image "{image}" in {seconds}s ({seconds}s including waiting). Image size: {size} bytes.'
    )


def node_ip(nodes: list[dict], node_name: str) -> str:
    node = next((n for n in nodes if n["metadata"]["name"] == node_name), {})
    addresses = (node.get("status") or {}).get("addresses") or []
    return next((a["address"] for a in addresses if a.get("type") == "InternalIP"), "10.1.0.10")


def pod_ip_on(host_ip: str, rng: random.Random) -> str:
    """The VPC CNI hands pods secondary addresses from the node's subnet."""
    prefix = ".".join(host_ip.split(".")[:2])
    return f"{prefix}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"


def container_ids(pod: dict, rng: random.Random) -> dict[str, str]:
    return {c["name"]: f"containerd://{rng.getrandbits(256):064x}" for c in pod["spec"]["containers"]}


def scheduling_due(pod: dict, last_attempt: datetime | None, now: datetime) -> datetime | None:
    """When kube-scheduler tries an unbound pod: as it appears, then SCHEDULING_RETRY_SECONDS after a failed attempt,
    made at `now` so a retry after a long gap judges the cluster as it is (and events never go back in time)."""
    if last_attempt is None and find_condition(pod, "PodScheduled") is None:
        return datetime.fromisoformat(pod["metadata"]["creationTimestamp"]).astimezone(UTC)
    if last_attempt is None or last_attempt + timedelta(seconds=SCHEDULING_RETRY_SECONDS) <= now:
        return now
    return None


def unschedulable(message: str, at: datetime) -> PodChange:
    def change(pod: dict) -> None:
        set_pod_condition(pod, "PodScheduled", _FALSE, at, "Unschedulable", message)

    return change


def bind(node: str, at: datetime) -> PodChange:
    def change(pod: dict) -> None:
        pod["spec"]["nodeName"] = node
        set_pod_condition(pod, "PodScheduled", _TRUE, at)

    return change


def accept(host_ip: str, pod_ip: str, at: datetime) -> PodChange:
    """The kubelet admitted the pod: sandbox up with its IP, containers waiting in ContainerCreating (pulling)."""

    def change(pod: dict) -> None:
        waiting = [c["name"] for c in pod["spec"]["containers"]]
        status = pod["status"]
        status.update(
            hostIP=host_ip,
            hostIPs=[{"ip": host_ip}],
            podIP=pod_ip,
            podIPs=[{"ip": pod_ip}],
            startTime=rfc3339(at),
        )
        set_pod_condition(pod, "PodReadyToStartContainers", _TRUE, at)
        set_pod_condition(pod, "Initialized", _TRUE, at)
        not_ready = f"containers with unready status: [{' '.join(waiting)}]"
        set_pod_condition(pod, "Ready", _FALSE, at, "ContainersNotReady", not_ready)
        set_pod_condition(pod, "ContainersReady", _FALSE, at, "ContainersNotReady", not_ready)
        sort_pod_conditions(pod)
        status["containerStatuses"] = [
            {
                "name": c["name"],
                "image": c.get("image", ""),
                "imageID": "",
                "ready": False,
                "restartCount": 0,
                "started": False,
                "state": {"waiting": {"reason": "ContainerCreating"}},
                "lastState": {},
            }
            for c in pod["spec"]["containers"]
        ]

    return change


def start(ids: dict[str, str], at: datetime, *, ready: bool = True) -> PodChange:
    """Containers running; Ready at once, or (`ready=False`) once a readiness probe passes (see `mark_ready`)."""

    def change(pod: dict) -> None:
        for status in pod["status"]["containerStatuses"]:
            status.update(
                imageID=image_id(status["image"]),
                containerID=ids[status["name"]],
                ready=ready,
                started=True,
                state={"running": {"startedAt": rfc3339(at)}},
            )
        pod["status"]["phase"] = "Running"
        if ready:
            set_pod_condition(pod, "Ready", _TRUE, at)
            set_pod_condition(pod, "ContainersReady", _TRUE, at)

    return change


def mark_ready(at: datetime) -> PodChange:
    def change(pod: dict) -> None:
        for status in pod["status"]["containerStatuses"]:
            status["ready"] = True
        set_pod_condition(pod, "Ready", _TRUE, at)
        set_pod_condition(pod, "ContainersReady", _TRUE, at)

    return change


def pull_failed(reason: str, message: str) -> PodChange:
    """The image cannot be pulled: ErrImagePull, then ImagePullBackOff while the kubelet retries."""

    def change(pod: dict) -> None:
        for status in pod["status"]["containerStatuses"]:
            status["state"] = {"waiting": {"reason": reason, "message": message}}

    return change


def record_kubelet_event(
    events: EventRecorder,
    pod: dict,
    container: str,
    reason: str,
    message: str,
    at: datetime,
    event_type: str = "Normal",
) -> None:
    events.record(
        pod,
        PODS,
        event_type,
        reason,
        message,
        at,
        KUBELET_COMPONENT,
        host=pod["spec"].get("nodeName", ""),
        field_path=f"spec.containers{{{container}}}",
    )
