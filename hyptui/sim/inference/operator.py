"""The simulated HyperPod inference operator, with the Deployment controller, KEDA/HPA and SageMaker it drives.

For every InferenceEndpointConfig and JumpStartModel it validates the request against the cluster, runs the model
pods (labelled `app=<name>`, owned by the endpoint, on nodes of the requested instance type), reports them the way
the real operator copies its Deployment's status into `status.deploymentStatus`, and once the model serves, creates
the SageMaker endpoint through a SageMakerEndpointRegistration. Level-triggered like the training operator: every
transition is applied at the moment it fell due, read back from the objects, so a replay matches live ticks.

States, in order: `status.state` and `status.deploymentStatus.deploymentObjectOverallState` go DeploymentPending →
DeploymentInProgress → DeploymentComplete (or DeploymentFailed, with `reason` and `message`), then
`status.endpoints.sagemaker.state` CreationInProgress → CreationCompleted. Deleting the endpoint goes through
DeletionInProgress (the operator's finalizer holds the object until the SageMaker endpoint is gone).

Chosen where the real operator publishes nothing: condition types and reasons, event reasons, the pod and container
names, the registration's name (the endpoint's), and the timings (a few minutes to deploy, ~7 to create the
SageMaker endpoint at speed 1, as `hyp describe` announces).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.conditions import find_condition, set_deployment_condition, set_status_condition, status_condition
from hyptui.hyperpod.kinds import PODS, SAGEMAKER_ENDPOINT_REGISTRATIONS, ResourceKind
from hyptui.hyperpod.labels import APP_LABEL, CLUSTER_NAME_LABEL, INSTANCE_TYPE_LABEL, REGION_LABEL
from hyptui.hyperpod.namespaces import INFERENCE_OPERATOR_NAMESPACE
from hyptui.hyperpod.quantities import parse_quantity
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.inference.endpoints import (
    ACCOUNT_ID,
    DEFAULT_REGION,
    ENDPOINT_KINDS,
    EndpointSpec,
    endpoint_spec,
)
from hyptui.sim.inference.logs import ModelServerRun
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.kubelet import (
    SCHEDULER_COMPONENT,
    accept,
    apply_pod_defaults,
    bind,
    container_ids,
    mark_ready,
    node_ip,
    pod_ip_on,
    pull_failed,
    pull_failure,
    pulled_message,
    qos_class,
    record_kubelet_event,
    scheduling_due,
    start,
    unschedulable,
)
from hyptui.sim.nodes.placement import node_allocatable, place_pod
from hyptui.sim.nodes.system_pods import INFERENCE_OPERATOR_CONTAINER
from hyptui.sim.operator_log import OperatorPodLog
from hyptui.sim.owner_references import controller_reference
from hyptui.sim.pod_operator import OwnerReconciler, PodOperator
from hyptui.sim.transitions import Transition, apply_due_transitions

OPERATOR_COMPONENT = "hyperpod-inference-operator"
FINALIZER = "inference.sagemaker.aws.amazon.com/finalizer"
TEMPLATE_HASH_LABEL = "pod-template-hash"
WORKER_CONTAINER = "worker"

PENDING, IN_PROGRESS, COMPLETE, FAILED = (
    "DeploymentPending",
    "DeploymentInProgress",
    "DeploymentComplete",
    "DeploymentFailed",
)
DELETION_IN_PROGRESS, DELETION_COMPLETE = "DeletionInProgress", "DeletionComplete"
CREATION_IN_PROGRESS, CREATION_COMPLETED = "CreationInProgress", "CreationCompleted"
SAGEMAKER_CONDITION = "SageMakerEndpointRegistrationComplete"

VALIDATE_SECONDS = 3  # creation → the operator has checked the request and created the Deployment
KUBELET_ACCEPT_SECONDS = 1
PULL_SECONDS = (60, 120)  # LMI and vLLM images are 10-20 GB
BACKOFF_SECONDS = 10  # the kubelet's first image pull back-off
PROGRESS_DEADLINE_SECONDS = 600  # the Deployment's default progressDeadlineSeconds
REGISTRATION_SECONDS = 5  # DeploymentComplete → the SageMakerEndpointRegistration exists
SAGEMAKER_CREATE_SECONDS = (360, 480)  # `hyp describe`: "SageMaker Endpoint (takes ~10 min to create)"
SAGEMAKER_DELETE_SECONDS = 30
DELETE_SECONDS = 2  # no SageMaker endpoint to delete
_TRUE, _FALSE = "True", "False"
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _stable(text: str) -> random.Random:
    """Randomness drawn from a name: the same endpoint behaves the same on every run, and the cluster's shared
    random stream (which the seeded demo depends on) is left alone."""
    return random.Random(int(hashlib.sha256(text.encode()).hexdigest()[:16], 16))


def _alnum(text: str, length: int) -> str:
    rng = _stable(text)
    return "".join(rng.choice(_NAME_ALPHABET) for _ in range(length))


def _container(pod: dict) -> dict:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return statuses[0] if statuses else {}


def _pod_state(pod: dict) -> str:
    """unbound, bound, pulling, backoff (image pull failed), loading (running, not ready), ready."""
    if not pod["spec"].get("nodeName"):
        return "unbound"
    if not (pod.get("status") or {}).get("startTime"):
        return "bound"
    container = _container(pod)
    waiting = (container.get("state") or {}).get("waiting") or {}
    if waiting.get("reason") in ("ErrImagePull", "ImagePullBackOff", "InvalidImageName"):
        return "backoff"
    if "running" in (container.get("state") or {}):
        return "ready" if container.get("ready") else "loading"
    return "pulling"


def _ready_since(pod: dict) -> datetime | None:
    if _pod_state(pod) != "ready":
        return None
    ready = find_condition(pod, "Ready")
    return _parse_time(ready["lastTransitionTime"]) if ready else None


def _is_operator_pod(pod: dict) -> bool:
    return pod["metadata"]["namespace"] == INFERENCE_OPERATOR_NAMESPACE


class InferenceOperator(PodOperator):
    def __init__(self, store: ObjectStore, logs: LogStore) -> None:
        self._last_poll: dict[str, datetime] = {}  # endpoint uid → last autoscaler evaluation
        self._below_since: dict[str, datetime] = {}  # endpoint uid → since when the autoscaler wants fewer pods
        super().__init__(store, logs, OperatorPodLog(logs, INFERENCE_OPERATOR_CONTAINER, _is_operator_pod))

    def tick(self, now: datetime) -> None:
        endpoints = [(kind, obj) for kind in ENDPOINT_KINDS for obj in self._store.list(kind)[0]]
        if not endpoints:
            return
        nodes, cluster = self._nodes_and_pods()
        for kind, obj in endpoints:
            _EndpointReconciler(self, kind, obj, nodes, cluster, now).run()


class _EndpointReconciler(OwnerReconciler):
    """One endpoint's pass: its status, pods and registration brought from their stored state to `now`."""

    op: InferenceOperator

    def __init__(
        self,
        operator: InferenceOperator,
        kind: ResourceKind,
        obj: dict,
        nodes: list[dict],
        cluster: dict[tuple[str, str], dict],
        now: datetime,
    ) -> None:
        super().__init__(operator, kind, obj, nodes, cluster, now)
        labels = (nodes[0]["metadata"].get("labels") or {}) if nodes else {}
        self.region = labels.get(REGION_LABEL, DEFAULT_REGION)
        self.cluster_name = labels.get(CLUSTER_NAME_LABEL, "hyperpod-cluster")
        self.spec: EndpointSpec = endpoint_spec(kind, obj, self.region)

    # ---- reading

    @property
    def status(self) -> dict:
        return self.obj.get("status") or {}

    @property
    def state(self) -> str:
        return self.status.get("state", "")

    @property
    def generation(self) -> int:
        return int(self.obj["metadata"].get("generation") or 1)

    @property
    def deployed(self) -> bool:
        """The model's Deployment exists (created once the request validated; `status.replicas` is its size)."""
        return "replicas" in self.status and self.state in (IN_PROGRESS, COMPLETE, FAILED)

    @property
    def desired(self) -> int:
        return int(self.status.get("replicas", self.spec.replicas))

    @property
    def sagemaker_state(self) -> str:
        return ((self.status.get("endpoints") or {}).get("sagemaker") or {}).get("state", "")

    def _state_since(self) -> datetime:
        stamp = (self.status.get("deploymentStatus") or {}).get("lastUpdated")
        return _parse_time(stamp) if stamp else _parse_time(self.obj["metadata"]["creationTimestamp"])

    def _pods(self) -> list[dict]:
        uid = self.obj["metadata"]["uid"]
        owned = [
            pod
            for (namespace, _), pod in self.cluster.items()
            if namespace == self.namespace
            and any(ref.get("uid") == uid for ref in pod["metadata"].get("ownerReferences") or [])
        ]
        return sorted(owned, key=lambda p: (p["metadata"]["creationTimestamp"], p["metadata"]["name"]))

    def _registration(self) -> dict | None:
        found = self.store.list(
            SAGEMAKER_ENDPOINT_REGISTRATIONS, self.namespace, field_selector=f"metadata.name={self.name}"
        )
        return found[0][0] if found[0] else None

    # ---- writing

    def _event(self, event_type: str, reason: str, message: str, at: datetime) -> None:
        self.op._events.record(self.obj, self.kind, event_type, reason, message, at, OPERATOR_COMPONENT)

    def _log(self, at: datetime, message: str, **fields: Any) -> None:
        self.op.operator_log.write(at, message, self.kind, self.obj, **fields)

    def _overall(self, state: str, reason: str, message: str, at: datetime) -> Callable[[dict], None]:
        def change(status: dict) -> None:
            status["state"] = state
            deployment = status.setdefault("deploymentStatus", {})
            deployment.update(
                name=self.name,
                deploymentObjectOverallState=state,
                reason=reason,
                message=message,
                lastUpdated=rfc3339(at),
            )
            status["observedGeneration"] = self.generation

        return change

    # ---- the pass

    def run(self) -> None:
        if self.obj["metadata"].get("deletionTimestamp"):
            self._deleting()
            return
        if not self.state:
            self._pending()
        self._steps()
        if self.deployed:
            self._autoscale()
            self._reconcile_replicas(self.now)
            self._steps()
        self._flush_logs()

    def _steps(self) -> None:
        apply_due_transitions(self._transitions, self.now)

    def _transitions(self) -> list[Transition]:
        """The transitions of the endpoint and its pods from their stored state, whether due yet or not."""
        due: list[Transition] = []
        if self.state == PENDING:
            due.append((self._state_since() + timedelta(seconds=VALIDATE_SECONDS), 0, self._validate))
        pods = self._pods() if self.deployed else []
        for order, pod in enumerate(pods, start=1):
            due += self._pod_transitions(pod, order)
        due += self._endpoint_transitions(pods, len(pods) + 1)
        return due

    # ---- validation and the Deployment

    def _pending(self) -> None:
        at = _parse_time(self.obj["metadata"]["creationTimestamp"])

        def pending(obj: dict) -> None:
            finalizers = obj["metadata"].setdefault("finalizers", [])
            if FINALIZER not in finalizers:
                finalizers.append(FINALIZER)
            status = obj.setdefault("status", {})
            message = f"Validating {self.kind.kind} {self.name}"
            self._overall(PENDING, PENDING, message, at)(status)
            status["selector"] = f"{APP_LABEL}={self.name}"
            set_status_condition(status, PENDING, _TRUE, PENDING, message, at, self.generation)

        self._update(pending)
        self._log(at, f"Reconciling {self.kind.kind}", model=self.spec.model_name)

    def _validation_failure(self) -> tuple[str, str] | None:
        if self.spec.eula_required_not_accepted:
            return (
                "EulaNotAccepted",
                f"Model {self.spec.model_name} is gated: set spec.model.acceptEula to true to accept its EULA",
            )
        types = {n["metadata"].get("labels", {}).get(INSTANCE_TYPE_LABEL) for n in self.nodes}
        wanted = [t for t in self.spec.instance_types if t in types]
        if not self.spec.instance_types and self.spec.node_affinity is None:
            return "InvalidInstanceType", "No instance type given: set instanceType, instanceTypes or nodeAffinity"
        if self.spec.instance_types and not wanted:
            available = ", ".join(sorted(t for t in types if t))
            return (
                "InstanceTypeNotInCluster",
                f"Instance type {', '.join(self.spec.instance_types)} is not available in HyperPod cluster "
                f"{self.cluster_name} (instance types: {available})",
            )
        requests = {**(self.spec.resources.get("limits") or {}), **(self.spec.resources.get("requests") or {})}
        for resource, amount in sorted(requests.items()):
            if not resource.startswith("nvidia.com/"):
                continue
            wanted_amount = parse_quantity(amount)
            capacities = [
                node_allocatable(n).get(resource, 0)
                for n in self.nodes
                if not wanted or n["metadata"].get("labels", {}).get(INSTANCE_TYPE_LABEL) in wanted
            ]
            if capacities and wanted_amount > max(capacities):
                return (
                    "InsufficientCapacity",
                    f"The worker requests {amount} {resource} but {', '.join(wanted or ['the nodes'])} "
                    f"has at most {max(capacities)} per instance",
                )
        return None

    def _validate(self, at: datetime) -> None:
        failure = self._validation_failure()
        if failure is not None:
            self._fail(at, *failure)
            return
        replicas = self.spec.replicas
        if self.spec.autoscaling is not None:
            scaling = self.spec.autoscaling
            replicas = max(scaling.min_replicas, min(scaling.max_replicas, replicas))
        rs = self._replica_set_name()
        message = f"Deployment {self.name} created with {replicas} replica(s)"

        def in_progress(status: dict) -> None:
            self._overall(IN_PROGRESS, IN_PROGRESS, message, at)(status)
            status["replicas"] = replicas
            set_status_condition(
                status, PENDING, _FALSE, "Validated", "The endpoint configuration is valid", at, self.generation
            )
            set_status_condition(status, IN_PROGRESS, _TRUE, IN_PROGRESS, message, at, self.generation)
            deployment = status["deploymentStatus"].setdefault("status", {})
            deployment["observedGeneration"] = 1
            set_deployment_condition(
                deployment, "Progressing", _TRUE, "NewReplicaSetCreated", f'Created new replica set "{rs}"', at
            )

        self._update_status(in_progress)
        self._event("Normal", IN_PROGRESS, message, at)
        self._log(
            at,
            "Created Deployment for the model",
            deployment=self.name,
            replicas=replicas,
            instanceTypes=list(self.spec.instance_types),
            image=self.spec.image,
        )
        metrics = ((self.obj.get("spec") or {}).get("metrics") or {}).get("enabled") is True
        self._log(at, "Reconciled metrics configuration", metricsEnabled=metrics)
        self._reconcile_replicas(at)

    def _replica_set_name(self) -> str:
        template = json.dumps([self.spec.image, self.spec.resources, self.spec.env, self.spec.instance_types])
        return f"{self.name}-{_alnum(template, 10)}"

    def _reconcile_replicas(self, at: datetime) -> None:
        """The Deployment's part: as many pods as `status.replicas`, newest removed first. New pods meet the scheduler
        at once, so a pass that applies a past moment schedules them at that moment."""
        pods = self._pods()
        if len(pods) > self.desired:
            for pod in pods[self.desired :][::-1]:
                self.store.delete(PODS, self.namespace, pod["metadata"]["name"])
                self.cluster.pop((self.namespace, pod["metadata"]["name"]), None)
            self._sync_counts(at)
            return
        missing = self.desired - len(pods)
        if missing <= 0:
            return
        rs = self._replica_set_name()
        for _ in range(missing):
            pod = self.store.create(PODS, self._pod_manifest(rs), self.namespace)
            self.cluster[(self.namespace, pod["metadata"]["name"])] = pod
            self._schedule(pod, at)
        self._sync_counts(at)

    def _pod_manifest(self, rs: str) -> dict:
        rng = _stable(f"{self.namespace}/{rs}")
        while True:
            name = f"{rs}-{''.join(rng.choice(_NAME_ALPHABET) for _ in range(5))}"
            if (self.namespace, name) not in self.cluster:
                break
        spec = self.spec
        container: dict[str, Any] = {
            "name": WORKER_CONTAINER,
            "image": spec.image,
            "ports": [{"name": "http", "containerPort": spec.port, "protocol": "TCP"}],
            "env": [{"name": key, "value": value} for key, value in spec.env],
            "resources": copy.deepcopy(spec.resources),
            "volumeMounts": [dict(spec.volume_mount)],
            "readinessProbe": {
                "httpGet": {"path": "/ping", "port": spec.port, "scheme": "HTTP"},
                "periodSeconds": 10,
                "timeoutSeconds": 1,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
        }
        if spec.command:
            container["command"] = list(spec.command)
        if spec.args:
            container["args"] = list(spec.args)
        affinity = spec.node_affinity or {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": INSTANCE_TYPE_LABEL, "operator": "In", "values": list(spec.instance_types)}
                        ]
                    }
                ]
            }
        }
        pod_spec: dict[str, Any] = {
            "containers": [container],
            "affinity": {"nodeAffinity": affinity},
            "volumes": [{"name": spec.volume_mount["name"], "emptyDir": {}}],
        }
        apply_pod_defaults(pod_spec, "Always")
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": self.namespace,
                "labels": {APP_LABEL: self.name, TEMPLATE_HASH_LABEL: rs.rsplit("-", 1)[1]},
                "ownerReferences": [controller_reference(self.kind, self.obj)],
            },
            "spec": pod_spec,
            "status": {"phase": "Pending", "qosClass": qos_class(pod_spec)},
        }

    def _sync_counts(self, at: datetime) -> None:
        """The Deployment's status as the operator copies it: counts (zeros omitted, as Go's omitempty does) and the
        Available/Progressing conditions."""
        pods = self._pods()
        ready = sum(1 for pod in pods if _pod_state(pod) == "ready")
        desired = self.desired
        rs = self._replica_set_name()
        minimum = desired - desired // 4  # maxUnavailable 25%, rounded down

        def counts(status: dict) -> None:
            deployment = status.setdefault("deploymentStatus", {}).setdefault("status", {})
            for key, value in (
                ("replicas", len(pods)),
                ("updatedReplicas", len(pods)),
                ("readyReplicas", ready),
                ("availableReplicas", ready),
                ("unavailableReplicas", max(0, desired - ready)),
            ):
                if value:
                    deployment[key] = value
                else:
                    deployment.pop(key, None)
            if ready >= minimum and desired:
                set_deployment_condition(
                    deployment,
                    "Available",
                    _TRUE,
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.",
                    at,
                )
            else:
                set_deployment_condition(
                    deployment,
                    "Available",
                    _FALSE,
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.",
                    at,
                )
            progressing = status_condition(deployment, "Progressing") or {}
            if progressing.get("reason") == "ProgressDeadlineExceeded" and ready < desired:
                return
            if ready >= desired and len(pods) == desired:
                reason, message = "NewReplicaSetAvailable", f'ReplicaSet "{rs}" has successfully progressed.'
            else:
                reason, message = "ReplicaSetUpdated", f'ReplicaSet "{rs}" is progressing.'
            set_deployment_condition(deployment, "Progressing", _TRUE, reason, message, at)

        self._update_status(counts)

    # ---- pods: scheduler and kubelet

    def _pod_transitions(self, pod: dict, order: int) -> list[Transition]:
        state = _pod_state(pod)
        uid = pod["metadata"]["uid"]
        if state == "unbound" and uid not in self.tried_scheduling:
            at = scheduling_due(pod, self.op._scheduling_attempts.get(uid), self.now)
            return [] if at is None else [(at, order, lambda at, p=pod: self._schedule(p, at))]
        if state == "bound":
            scheduled = find_condition(pod, "PodScheduled")
            at = _parse_time(scheduled["lastTransitionTime"]) + timedelta(seconds=KUBELET_ACCEPT_SECONDS)
            return [(at, order, lambda at, p=pod: self._accept(p, at))]
        if state == "pulling":
            at = _parse_time(pod["status"]["startTime"]) + timedelta(seconds=self._pull_seconds(pod))
            return [(at, order, lambda at, p=pod: self._pulled(p, at))]
        if state == "backoff" and _container(pod)["state"]["waiting"]["reason"] == "ErrImagePull":
            at = _parse_time(pod["status"]["startTime"]) + timedelta(seconds=self._pull_seconds(pod) + BACKOFF_SECONDS)
            return [(at, order, lambda at, p=pod: self._back_off(p, at))]
        if state == "loading":
            run = self._run(pod)
            return [(run.ready_at, order, lambda at, p=pod: self._ready(p, at))]
        return []

    def _pull_seconds(self, pod: dict) -> int:
        if self._image_present(pod):
            return 0
        return _stable(f"pull/{pod['metadata']['name']}").randint(*PULL_SECONDS)

    def _image_present(self, pod: dict) -> bool:
        """Another pod on the node already runs the image (a scale-up next to an existing replica pulls nothing)."""
        node, image = pod["spec"].get("nodeName"), pod["spec"]["containers"][0].get("image")
        return any(
            other["spec"].get("nodeName") == node
            and other["metadata"]["uid"] != pod["metadata"]["uid"]
            and any(
                s.get("image") == image and s.get("imageID") for s in other["status"].get("containerStatuses") or []
            )
            and _parse_time(_container(other)["state"]["running"]["startedAt"])
            <= _parse_time(pod["status"]["startTime"])
            for other in self.cluster.values()
            if "running" in (_container(other).get("state") or {})
        )

    def _schedule(self, pod: dict, at: datetime) -> None:
        uid = pod["metadata"]["uid"]
        self.tried_scheduling.add(uid)
        placement = place_pod(pod, self.nodes, list(self.cluster.values()))
        if placement.node_name is None:
            self.op._scheduling_attempts[uid] = at
            pod = self._update_pod(pod, unschedulable(placement.message, at))
            self.op._events.record(pod, PODS, "Warning", "FailedScheduling", placement.message, at, SCHEDULER_COMPONENT)
            return
        pod = self._update_pod(pod, bind(placement.node_name, at))
        self.op._scheduling_attempts.pop(uid, None)
        message = f"Successfully assigned {self.namespace}/{pod['metadata']['name']} to {placement.node_name}"
        self.op._events.record(pod, PODS, "Normal", "Scheduled", message, at, SCHEDULER_COMPONENT)

    def _kubelet_event(self, pod: dict, reason: str, message: str, at: datetime, event_type: str = "Normal") -> None:
        record_kubelet_event(self.op._events, pod, WORKER_CONTAINER, reason, message, at, event_type)

    def _accept(self, pod: dict, at: datetime) -> None:
        host_ip = node_ip(self.nodes, pod["spec"]["nodeName"])
        pod = self._update_pod(pod, accept(host_ip, pod_ip_on(host_ip, _stable(pod["metadata"]["uid"])), at))
        image = self.spec.image
        if not self._image_present(pod):
            self._kubelet_event(pod, "Pulling", f'Pulling image "{image}"', at)

    def _pulled(self, pod: dict, at: datetime) -> None:
        image = pod["spec"]["containers"][0].get("image", "")
        failure = pull_failure(image)
        if failure is not None:
            reason, message = failure
            pod = self._update_pod(pod, pull_failed(reason, message))
            if reason == "InvalidImageName":
                self._kubelet_event(pod, "InspectFailed", message, at, "Warning")
            else:
                self._kubelet_event(pod, "Failed", f'Failed to pull image "{image}": {message}', at, "Warning")
            self._kubelet_event(pod, "Failed", f"Error: {reason}", at, "Warning")
            if reason == "InvalidImageName":
                self._image_failed(pod, at, message)
            return
        seconds = self._pull_seconds(pod)
        pod = self._update_pod(
            pod, start(container_ids(pod, _stable(f"containers/{pod['metadata']['uid']}")), at, ready=False)
        )
        if seconds:
            self._kubelet_event(pod, "Pulled", pulled_message(image, seconds), at)
        else:
            self._kubelet_event(pod, "Pulled", f'Container image "{image}" already present on machine', at)
        self._kubelet_event(pod, "Created", f"Created container: {WORKER_CONTAINER}", at)
        self._kubelet_event(pod, "Started", f"Started container {WORKER_CONTAINER}", at)

    def _back_off(self, pod: dict, at: datetime) -> None:
        image = pod["spec"]["containers"][0].get("image", "")
        cause = _container(pod)["state"]["waiting"].get("message", "")
        pod = self._update_pod(
            pod, pull_failed("ImagePullBackOff", f'Back-off pulling image "{image}": ErrImagePull: {cause}')
        )
        self._kubelet_event(pod, "BackOff", f'Back-off pulling image "{image}"', at)
        self._kubelet_event(pod, "Failed", "Error: ImagePullBackOff", at, "Warning")
        self._image_failed(pod, at, cause)

    def _image_failed(self, pod: dict, at: datetime, cause: str) -> None:
        self._sync_counts(at)
        if self.state == IN_PROGRESS:
            message = f"Pod {pod['metadata']['name']} cannot pull image {self.spec.image}: {cause}"
            self._fail(at, "ImagePullFailed", message)

    def _run(self, pod: dict) -> ModelServerRun:
        spec = self.spec
        gpus = sum(
            int(parse_quantity(v))
            for k, v in {**(spec.resources.get("limits") or {}), **(spec.resources.get("requests") or {})}.items()
            if k.startswith("nvidia.com/")
        )
        return ModelServerRun(
            pod=pod["metadata"]["name"],
            model_name=spec.model_name,
            source=spec.model_source,
            image=spec.image,
            gpus=gpus,
            port=spec.port,
            mount_path=spec.volume_mount["mountPath"],
            env=spec.env,
            started_at=_parse_time(_container(pod)["state"]["running"]["startedAt"]),
        )

    def _ready(self, pod: dict, at: datetime) -> None:
        self._flush_pod_log(pod, at)
        self._update_pod(pod, mark_ready(at))
        self._sync_counts(at)

    def _flush_logs(self) -> None:
        for pod in self._pods():
            if _pod_state(pod) in ("loading", "ready"):
                self._flush_pod_log(pod, self.now)

    def _flush_pod_log(self, pod: dict, until: datetime) -> None:
        name = pod["metadata"]["name"]
        lines = self._run(pod).lines()
        written = self.op._logs.size(self.namespace, name, WORKER_CONTAINER)
        for at, line in lines[written:]:
            if at > until:
                break
            self.op._logs.append(self.namespace, name, WORKER_CONTAINER, line, at)

    # ---- the endpoint's own transitions

    def _endpoint_transitions(self, pods: list[dict], order: int) -> list[Transition]:
        due: list[Transition] = []
        ready_times = [_ready_since(pod) for pod in pods]
        all_ready = bool(pods) and len(pods) >= self.desired and all(t is not None for t in ready_times)
        if self.state in (IN_PROGRESS, FAILED) and all_ready:
            at = max(t for t in ready_times if t is not None)
            due.append((max(at, self._state_since()), order, self._complete))
        if self.state == IN_PROGRESS:
            deadline = min(PROGRESS_DEADLINE_SECONDS, self.spec.max_deploy_seconds)
            due.append((self._state_since() + timedelta(seconds=deadline), order + 1, self._deadline))
        if self.state == COMPLETE and self.spec.sagemaker_name and not self.sagemaker_state:
            due.append((self._state_since() + timedelta(seconds=REGISTRATION_SECONDS), order, self._register))
        if self.sagemaker_state == CREATION_IN_PROGRESS:
            registration = self._registration()
            if registration is not None:
                # When the operator asked for it (the registration's own timestamp is when the store saw it).
                asked = status_condition(self.status, SAGEMAKER_CONDITION)
                created = _parse_time(asked["lastTransitionTime"])
                seconds = _stable(f"sagemaker/{self.spec.sagemaker_name}").randint(*SAGEMAKER_CREATE_SECONDS)
                due.append((created + timedelta(seconds=seconds), order, lambda at: self._in_service(at, registration)))
        return due

    def _fail(self, at: datetime, reason: str, message: str) -> None:
        def failed(status: dict) -> None:
            self._overall(FAILED, reason, message, at)(status)
            set_status_condition(status, PENDING, _FALSE, reason, message, at, self.generation)
            if status_condition(status, IN_PROGRESS) is not None:
                set_status_condition(status, IN_PROGRESS, _FALSE, reason, message, at, self.generation)
            set_status_condition(status, FAILED, _TRUE, reason, message, at, self.generation)

        self._update_status(failed)
        self._event("Warning", FAILED, message, at)
        self._log(at, "Deployment failed", reason=reason, error=message)

    def _deadline(self, at: datetime) -> None:
        waiting = next((p for p in self._pods() if _pod_state(p) != "ready"), None)
        cause = ""
        if waiting is not None:
            scheduled = find_condition(waiting, "PodScheduled") or {}
            detail = scheduled.get("message") or f"pod is {_pod_state(waiting)}"
            cause = f": pod {waiting['metadata']['name']}: {detail}"
        rs = self._replica_set_name()

        def exceeded(status: dict) -> None:
            deployment = status.setdefault("deploymentStatus", {}).setdefault("status", {})
            message = f'ReplicaSet "{rs}" has timed out progressing.'
            set_deployment_condition(deployment, "Progressing", _FALSE, "ProgressDeadlineExceeded", message, at)

        self._update_status(exceeded)
        self._fail(at, "ProgressDeadlineExceeded", f"Deployment {self.name} did not become available in time{cause}")

    def _complete(self, at: datetime) -> None:
        ready = len(self._pods())
        message = f"Deployment {self.name} is available with {ready}/{self.desired} ready replicas"
        self._sync_counts(at)

        def complete(status: dict) -> None:
            self._overall(COMPLETE, COMPLETE, message, at)(status)
            set_status_condition(status, IN_PROGRESS, _FALSE, COMPLETE, message, at, self.generation)
            if status_condition(status, FAILED) is not None:
                set_status_condition(status, FAILED, _FALSE, COMPLETE, message, at, self.generation)
            set_status_condition(status, COMPLETE, _TRUE, COMPLETE, message, at, self.generation)

        self._update_status(complete)
        self._event("Normal", COMPLETE, message, at)
        self._log(at, "Model deployment complete", readyReplicas=ready)

    # ---- SageMaker

    def _arn(self, resource: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{ACCOUNT_ID}:{resource}/{name.lower()}"

    def _register(self, at: datetime) -> None:
        endpoint = self.spec.sagemaker_name
        digest = hashlib.sha256(f"{self.namespace}/{self.name}".encode()).hexdigest()
        balancer = f"internal-k8s-{self.namespace[:8]}-{self.name[:8]}-{digest[:10]}"
        host = f"{balancer}-{int(digest[10:19], 16)}.{self.region}.elb.amazonaws.com"
        registration = {
            "apiVersion": SAGEMAKER_ENDPOINT_REGISTRATIONS.api_version,
            "kind": SAGEMAKER_ENDPOINT_REGISTRATIONS.kind,
            "metadata": {
                "name": self.name,
                "namespace": self.namespace,
                "labels": {APP_LABEL: self.name},
                "ownerReferences": [controller_reference(self.kind, self.obj)],
            },
            "spec": {
                "name": endpoint,
                "instanceType": (self.spec.instance_types or ("",))[0],
                "imageUri": self.spec.image,
                "executionRole": f"arn:aws:iam::{ACCOUNT_ID}:role/HyperPodInferenceExecutionRole",
                "loadBalancerHostName": host,
                "restApiId": digest[20:30],
                "invocationEndpoint": self.spec.invocation_path,
                "eksClusterDetails": {
                    "name": f"{self.cluster_name}-eks",
                    "arn": f"arn:aws:eks:{self.region}:{ACCOUNT_ID}:cluster/{self.cluster_name}-eks",
                },
                "tlsConfig": {
                    "tlsCertificateOutputS3Bucket": f"hyperpod-tls-{ACCOUNT_ID}-{self.region}",
                    "tlsCertificateS3Keys": [f"{self.namespace}/{self.name}/tls.pem"],
                },
            },
            "status": {"state": CREATION_IN_PROGRESS, "loadBalancer": {"hostName": host}},
        }
        if self._registration() is None:
            self.store.create(SAGEMAKER_ENDPOINT_REGISTRATIONS, registration, self.namespace)
        message = f"Creating SageMaker endpoint {endpoint}"

        def creating(status: dict) -> None:
            status.setdefault("endpoints", {})["sagemaker"] = {"state": CREATION_IN_PROGRESS}
            set_status_condition(
                status,
                SAGEMAKER_CONDITION,
                _FALSE,
                CREATION_IN_PROGRESS,
                message,
                at,
                self.generation,
            )

        self._update_status(creating)
        self._event("Normal", CREATION_IN_PROGRESS, message, at)
        self._log(at, "Created SageMakerEndpointRegistration", endpointName=endpoint, loadBalancer=host)

    def _in_service(self, at: datetime, registration: dict) -> None:
        endpoint = self.spec.sagemaker_name
        arns = {
            "endpointArn": self._arn("endpoint", endpoint),
            "configArn": self._arn("endpoint-config", f"{endpoint}-config"),
            "modelArn": self._arn("model", f"{endpoint}-model"),
        }

        def completed(reg: dict) -> None:
            status = reg.setdefault("status", {})
            status.update(
                state=CREATION_COMPLETED,
                observedGeneration=int(reg["metadata"].get("generation") or 1),
                endpoint={
                    "arn": arns["endpointArn"],
                    "configArn": arns["configArn"],
                    "modelArn": arns["modelArn"],
                    "lastModifiedTime": rfc3339(at),
                },
            )
            set_status_condition(
                status, "Ready", _TRUE, CREATION_COMPLETED, f"SageMaker endpoint {endpoint} is InService", at, 1
            )

        self.store.mutate(SAGEMAKER_ENDPOINT_REGISTRATIONS, self.namespace, registration["metadata"]["name"], completed)
        message = "Deployment and SageMaker endpoint registration creation have been completed successfully"

        def in_service(status: dict) -> None:
            status.setdefault("endpoints", {})["sagemaker"] = {"state": CREATION_COMPLETED, **arns}
            set_status_condition(status, SAGEMAKER_CONDITION, _TRUE, CREATION_COMPLETED, message, at, self.generation)

        self._update_status(in_service)
        self._event("Normal", CREATION_COMPLETED, f"SageMaker endpoint {endpoint} is InService", at)
        self._log(at, "SageMaker endpoint is InService", endpointName=endpoint, endpointArn=arns["endpointArn"])

    # ---- autoscaling (KEDA's ScaledObject and the HPA it drives)

    def _autoscale(self) -> None:
        scaling, uid = self.spec.autoscaling, self.obj["metadata"]["uid"]
        if self.state != COMPLETE:
            return
        if scaling is None:
            if self.desired != self.spec.replicas:
                self._rescale(self.spec.replicas, "spec.replicas changed")
            return
        last = self.op._last_poll.get(uid)
        if last is not None and self.now < last + timedelta(seconds=scaling.polling_seconds):
            return
        self.op._last_poll[uid] = self.now
        if self.spec.load is None:
            return
        current = self.desired
        wanted = scaling.desired(self.spec.load, current)
        if wanted > current:
            self.op._below_since.pop(uid, None)
            self._rescale(wanted, f"{scaling.metric_name} ({self.spec.load:g}) above target ({scaling.target:g})")
        elif wanted < current:
            since = self.op._below_since.setdefault(uid, self.now)
            if self.now >= since + timedelta(seconds=scaling.scale_down_stabilization_seconds):
                self.op._below_since.pop(uid, None)
                self._rescale(wanted, "All metrics below target")
        else:
            self.op._below_since.pop(uid, None)

    def _rescale(self, replicas: int, why: str) -> None:
        self._update_status(lambda status: status.__setitem__("replicas", replicas))
        message = f"New size: {replicas}; reason: {why}"
        self._event("Normal", "SuccessfulRescale", message, self.now)
        self._log(self.now, "Scaled the model Deployment", replicas=replicas, reason=why)

    # ---- deletion

    def _deleting(self) -> None:
        marked = _parse_time(self.obj["metadata"]["deletionTimestamp"])
        if self.state != DELETION_IN_PROGRESS:
            at = max(marked, _parse_time(self.obj["metadata"]["creationTimestamp"]))
            message = f"Deleting {self.kind.kind} {self.name}"

            def deleting(status: dict) -> None:
                status["state"] = DELETION_IN_PROGRESS
                if (status.get("endpoints") or {}).get("sagemaker"):
                    status["endpoints"]["sagemaker"]["state"] = DELETION_IN_PROGRESS
                set_status_condition(
                    status, DELETION_IN_PROGRESS, _TRUE, DELETION_IN_PROGRESS, message, at, self.generation
                )

            self._update_status(deleting)
            registration = self._registration()
            if registration is not None:
                self.store.mutate(
                    SAGEMAKER_ENDPOINT_REGISTRATIONS,
                    self.namespace,
                    registration["metadata"]["name"],
                    lambda reg: reg.setdefault("status", {}).__setitem__("state", DELETION_IN_PROGRESS),
                )
            for pod in self._pods():
                self.store.delete(PODS, self.namespace, pod["metadata"]["name"])
                self.cluster.pop((self.namespace, pod["metadata"]["name"]), None)
            self._event("Normal", DELETION_IN_PROGRESS, message, at)
            self._log(at, "Deleting the model Deployment and its SageMaker endpoint")
        seconds = SAGEMAKER_DELETE_SECONDS if self.sagemaker_state else DELETE_SECONDS
        if self.now < marked + timedelta(seconds=seconds):
            return
        self._log(marked + timedelta(seconds=seconds), "Removed finalizer, deletion complete")

        def release(obj: dict) -> None:
            obj.setdefault("status", {})["state"] = DELETION_COMPLETE
            obj["metadata"]["finalizers"] = [f for f in obj["metadata"].get("finalizers") or [] if f != FINALIZER]

        self._update(release)
