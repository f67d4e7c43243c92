"""The simulated spaces operator (the `amazon-sagemaker-spaces` add-on's workspace controller), with the bits of
kube-scheduler and kubelet its pods need.

Follows jupyter-infra/jupyter-k8s `internal/controller`: a Workspace whose `spec.desiredStatus` is Running gets one pod
(the real controller goes through a Deployment `workspace-<name>` and a Service `workspace-<name>-service`, which the
simulator does not serve, so the pod is owned by the Workspace itself and named as the Deployment's would be); Stopped
deletes it. Status carries the controller's five conditions, always written together and stamped with the moment of
the last change: Available, Progressing, Degraded, Stopped, Deleting, with its reasons (`ResourcesNotReady` while
starting, `ResourcesReady` once the pod is ready, `DesiredStateStopped`/`AllResourcesStopped` when stopped,
`DeletionInProgress`). A pod no node can take leaves the Workspace Progressing (`ResourcesNotReady`, "Workspace is
starting"), exactly as the real controller does: the scheduler's reason is on the pod (PodScheduled condition and
FailedScheduling event). The finalizer `workspace.jupyter.org/workspace-protection` makes deletion go through here.

Idle shutdown (`spec.idleShutdown.enabled`, `idleTimeoutInMinutes`): the real controller asks the IDE for its last
activity; here the last activity is the annotation `sim.hyptui.io/last-activity` (an RFC 3339 time; any other value,
e.g. `now`, is replaced by the current time), or the moment the Workspace became Available when that is later. Once
the timeout has passed with no activity the operator records `IdleShutdown` and sets `desiredStatus: Stopped`.

Level-triggered like the training operator: each tick applies every transition that fell due since the last one at
the moment it fell due, so the seed's coarse replay produces the same history as live ticks would.
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
from hyptui.hyperpod.conditions import find_condition, set_pod_condition
from hyptui.hyperpod.kinds import NODES, PODS, WORKSPACES
from hyptui.hyperpod.labels import WORKSPACE_NAME_LABEL
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.events import EventRecorder
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.kubelet import (
    SCHEDULER_COMPONENT,
    accept,
    apply_pod_defaults,
    bind,
    container_ids,
    node_ip,
    pod_ip_on,
    pulled_message,
    qos_class,
    record_kubelet_event,
    scheduling_due,
    sort_pod_conditions,
    start,
    unschedulable,
)
from hyptui.sim.nodes.placement import place_pod
from hyptui.sim.owner_references import controller_reference
from hyptui.sim.spaces.connections import WorkspaceConnections
from hyptui.sim.spaces.webhook import WorkspaceDefaulter

LAST_ACTIVITY_ANNOTATION = "sim.hyptui.io/last-activity"  # chosen for the simulator; see the module docstring
FINALIZER = "workspace.jupyter.org/workspace-protection"
COMPONENT_LABEL = "workspace.jupyter.org/component"
MAIN_CONTAINER = "workspace"
JUPYTER_PORT = 8888
DEFAULT_IMAGE = (
    "jk8s-application-jupyter-uv:latest"  # the controller's image when neither Workspace nor template has one
)
DEFAULT_REQUESTS = {"cpu": "100m", "memory": "128Mi"}
DEFAULT_MOUNT_PATH = "/home/jovyan"
STORAGE_VOLUME = "workspace-storage"
CODE_EDITOR = "code-editor"

OPERATOR_COMPONENT = "workspace-controller"
KUBELET_ACCEPT_SECONDS = 1
PULL_SECONDS = (15, 45)  # SageMaker Distribution images are large, but spaces nodes usually have them cached
SCHEDULING_GATED = "Scheduling is blocked due to non-empty scheduling gates"

_TRUE, _FALSE = "True", "False"
_NO_ERROR = ("Degraded", _FALSE, "NoError", "No errors detected")
_STARTING = (
    ("Available", _FALSE, "ResourcesNotReady", "Workspace is starting"),
    ("Progressing", _TRUE, "ResourcesNotReady", "Workspace is starting"),
    _NO_ERROR,
    ("Stopped", _FALSE, "DesiredStateRunning", "Workspace is starting"),
    ("Deleting", _FALSE, "DesiredStateRunning", "Workspace is starting"),
)
_RUNNING = (
    ("Available", _TRUE, "ResourcesReady", "Workspace is ready"),
    ("Progressing", _FALSE, "ResourcesReady", "Workspace is ready"),
    _NO_ERROR,
    ("Stopped", _FALSE, "DesiredStateRunning", "Workspace is running"),
    ("Deleting", _FALSE, "DesiredStateRunning", "Workspace is running"),
)
_STOPPED = (
    ("Available", _FALSE, "DesiredStateStopped", "Workspace is stopped"),
    ("Progressing", _FALSE, "DesiredStateStopped", "Workspace is stopped"),
    _NO_ERROR,
    ("Stopped", _TRUE, "AllResourcesStopped", "Workspace is stopped"),
    ("Deleting", _FALSE, "DesiredStateStopped", "Workspace is stopped"),
)
_DELETING = (
    ("Available", _FALSE, "DeletionInProgress", "Workspace is being deleted"),
    ("Progressing", _FALSE, "DeletionInProgress", "Workspace is being deleted"),
    _NO_ERROR,
    ("Stopped", _FALSE, "DeletionInProgress", "Workspace is being deleted"),
    ("Deleting", _TRUE, "DeletionInProgress", "Workspace resources are being deleted"),
)
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value).astimezone(UTC) if value else None
    except ValueError:
        return None


def _is_true(obj: dict, kind: str) -> bool:
    return (find_condition(obj, kind) or {}).get("status") == _TRUE


def _encoded(text: str, length: int) -> str:
    """A stable name fragment in Kubernetes' generated-name alphabet (a Deployment's pod-template-hash, say)."""
    number = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    digits = []
    for _ in range(length):
        number, digit = divmod(number, len(_NAME_ALPHABET))
        digits.append(_NAME_ALPHABET[digit])
    return "".join(digits)


def deployment_name(workspace_name: str) -> str:
    return f"workspace-{workspace_name}"


class SpacesOperator:
    """The workspace controller plus the add-on's webhook and connection API, which it registers on the store."""

    def __init__(self, store: ObjectStore, logs: LogStore) -> None:
        self._store = store
        self._logs = logs
        self._events = EventRecorder(store)
        self._scheduling_attempts: dict[str, datetime] = {}  # pod uid → last failed attempt
        self._hooks = (WorkspaceDefaulter(store), WorkspaceConnections(store))

    def close(self) -> None:
        for hook in self._hooks:
            hook.close()

    def tick(self, now: datetime) -> None:
        workspaces, _ = self._store.list(WORKSPACES)
        if not workspaces:
            return
        nodes, _ = self._store.list(NODES)
        pods, _ = self._store.list(PODS)
        for workspace in workspaces:
            _WorkspaceReconciler(self, workspace, nodes, pods, now).run()

    # ---- shared by the reconcilers

    def workspace_event(self, workspace: dict, event_type: str, reason: str, message: str, at: datetime) -> None:
        self._events.record(workspace, WORKSPACES, event_type, reason, message, at, OPERATOR_COMPONENT)

    def kubelet_event(self, pod: dict, reason: str, message: str, at: datetime) -> None:
        record_kubelet_event(self._events, pod, MAIN_CONTAINER, reason, message, at)

    def scheduler_event(self, pod: dict, event_type: str, reason: str, message: str, at: datetime) -> None:
        self._events.record(pod, PODS, event_type, reason, message, at, SCHEDULER_COMPONENT)


class _WorkspaceReconciler:
    def __init__(self, operator: SpacesOperator, workspace: dict, nodes: list[dict], pods: list[dict], now: datetime):
        self.op = operator
        self.store = operator._store
        self.workspace = workspace
        self.nodes = nodes
        self.all_pods = pods
        self.now = now
        self.name = workspace["metadata"]["name"]
        self.namespace = workspace["metadata"]["namespace"]

    # ---- helpers

    def _update(self, change: Callable[[dict], None]) -> None:
        updated = self.store.mutate(WORKSPACES, self.namespace, self.name, change)
        if updated is not None:
            self.workspace = updated

    def _set_status(self, conditions: tuple[tuple[str, str, str, str], ...], at: datetime, running: bool) -> bool:
        """The controller's condition set; False when it was already in place (nothing written)."""
        current = [
            (c.get("type"), c.get("status"), c.get("reason"), c.get("message"))
            for c in (self.workspace.get("status") or {}).get("conditions") or []
        ]
        if current == list(conditions):
            return False

        def write(workspace: dict) -> None:
            status = workspace.setdefault("status", {})
            status["conditions"] = [
                {"type": kind, "status": value, "lastTransitionTime": rfc3339(at), "reason": reason, "message": text}
                for kind, value, reason, text in conditions
            ]
            if running:
                status["deploymentName"] = deployment_name(self.name)
                status["serviceName"] = f"{deployment_name(self.name)}-service"
            else:
                status.pop("deploymentName", None)
                status.pop("serviceName", None)

        self._update(write)
        return True

    def _pod(self) -> dict | None:
        uid = self.workspace["metadata"]["uid"]
        for pod in self.all_pods:
            metadata = pod["metadata"]
            if metadata.get("namespace") == self.namespace and any(
                ref.get("uid") == uid for ref in metadata.get("ownerReferences") or []
            ):
                return pod
        return None

    def _update_pod(self, pod: dict, change: Callable[[dict], None]) -> dict:
        updated = self.store.mutate(PODS, self.namespace, pod["metadata"]["name"], change)
        if updated is None:
            return pod
        self.all_pods = [updated if p["metadata"]["uid"] == updated["metadata"]["uid"] else p for p in self.all_pods]
        return updated

    # ---- the pass

    def run(self) -> None:
        metadata = self.workspace["metadata"]
        if metadata.get("deletionTimestamp"):
            self._delete()
            return
        if FINALIZER not in (metadata.get("finalizers") or []):
            self._update(lambda w: w["metadata"].setdefault("finalizers", []).append(FINALIZER))
        if (self.workspace.get("spec") or {}).get("desiredStatus", "Running") == "Stopped":
            self._stop(self.now)
            return
        pod = self._pod()
        if pod is None:
            first_pass = not (self.workspace.get("status") or {}).get("conditions")
            at = _parse_time(metadata["creationTimestamp"]) if first_pass else self.now
            pod = self._create_pod(at or self.now)
        elif not _is_true(self.workspace, "Available") and "running" not in self._container_state(pod):
            self._set_status(_STARTING, self.now, running=True)
        while (step := self._next_step(pod)) is not None:
            at, apply = step
            pod = apply(pod, at)
        self._check_idle()

    def _next_step(self, pod: dict) -> tuple[datetime, Callable[[dict, datetime], dict]] | None:
        """The earliest pod transition due by now, if any."""
        spec, status = pod["spec"], pod.get("status") or {}
        state = self._container_state(pod)
        if not spec.get("nodeName"):
            due = self._scheduling_due(pod)
            step: tuple[datetime, Callable[[dict, datetime], dict]] | None = (due, self._schedule) if due else None
        elif not status.get("startTime"):
            scheduled = _parse_time((find_condition(pod, "PodScheduled") or {}).get("lastTransitionTime")) or self.now
            step = (scheduled + timedelta(seconds=KUBELET_ACCEPT_SECONDS), self._accept)
        elif "waiting" in state:
            started = _parse_time(status["startTime"]) or self.now
            step = (started + timedelta(seconds=self._pull_seconds(pod)), self._start)
        elif "running" in state and not _is_true(self.workspace, "Available"):
            step = (_parse_time(state["running"]["startedAt"]) or self.now, self._available)
        else:
            step = None
        return step if step is not None and step[0] <= self.now else None

    @staticmethod
    def _container_state(pod: dict) -> dict:
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        return next((s.get("state") or {} for s in statuses if s.get("name") == MAIN_CONTAINER), {})

    # ---- start

    def _create_pod(self, at: datetime) -> dict:
        manifest = self._pod_manifest()
        pod = self.store.create(PODS, manifest, self.namespace)
        self.all_pods.append(pod)
        self._set_status(_STARTING, at, running=True)
        return pod

    def _pod_manifest(self) -> dict:
        spec = self.workspace.get("spec") or {}
        resources = copy.deepcopy(spec.get("resources") or {})
        resources["requests"] = resources.get("requests") or dict(DEFAULT_REQUESTS)
        container: dict[str, Any] = {
            "name": MAIN_CONTAINER,
            "image": spec.get("image") or DEFAULT_IMAGE,
            "ports": [{"name": "http", "containerPort": JUPYTER_PORT, "protocol": "TCP"}],
            "resources": resources,
        }
        for field, source in (
            ("command", (spec.get("containerConfig") or {}).get("command")),
            ("args", (spec.get("containerConfig") or {}).get("args")),
            ("env", spec.get("env")),
            ("lifecycle", spec.get("lifecycle")),
            ("securityContext", spec.get("containerSecurityContext")),
            ("readinessProbe", spec.get("readinessProbe")),
        ):
            if source:
                container[field] = copy.deepcopy(source)
        mounts, volumes = [], []
        storage = spec.get("storage")
        if isinstance(storage, dict):
            mounts.append({"name": STORAGE_VOLUME, "mountPath": storage.get("mountPath") or DEFAULT_MOUNT_PATH})
            claim = f"{deployment_name(self.name)}-pvc"
            volumes.append({"name": STORAGE_VOLUME, "persistentVolumeClaim": {"claimName": claim}})
        for volume in spec.get("volumes") or []:
            if volume.get("name") == STORAGE_VOLUME:
                continue
            mounts.append({"name": volume["name"], "mountPath": volume.get("mountPath", "")})
            claim = volume.get("persistentVolumeClaimName", "")
            volumes.append({"name": volume["name"], "persistentVolumeClaim": {"claimName": claim}})
        if mounts:
            container["volumeMounts"] = mounts
        pod_spec: dict[str, Any] = {"containers": [container]}
        for field, source in (
            ("nodeSelector", "nodeSelector"),
            ("affinity", "affinity"),
            ("tolerations", "tolerations"),
            ("serviceAccountName", "serviceAccountName"),
            ("securityContext", "podSecurityContext"),
            ("initContainers", "initContainers"),
        ):
            if spec.get(source):
                pod_spec[field] = copy.deepcopy(spec[source])
        if volumes:
            pod_spec["volumes"] = volumes
        apply_pod_defaults(pod_spec, restart_policy="Always")
        template_hash = _encoded(json.dumps(pod_spec, sort_keys=True), 10)
        # Deployment pods are `<deployment>-<pod-template-hash>-<5 random>`; a new pod gets a new suffix.
        suffix = _encoded(f"{self.workspace['metadata']['uid']}/{self.store.resource_version}", 5)
        metadata = self.workspace["metadata"]
        labels = {
            **(metadata.get("labels") or {}),
            "app": "jupyter",
            WORKSPACE_NAME_LABEL: self.name,
            COMPONENT_LABEL: "workspace",
            "pod-template-hash": template_hash,
        }
        pod_metadata: dict[str, Any] = {
            "name": f"{deployment_name(self.name)}-{template_hash}-{suffix}",
            "namespace": self.namespace,
            "labels": labels,
            "ownerReferences": [controller_reference(WORKSPACES, self.workspace)],
        }
        if metadata.get("annotations"):
            pod_metadata["annotations"] = dict(metadata["annotations"])
        status = {"phase": "Pending", "qosClass": qos_class(pod_spec)}
        return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_metadata, "spec": pod_spec, "status": status}

    def _scheduling_due(self, pod: dict) -> datetime | None:
        if pod["spec"].get("schedulingGates"):
            self._gated(pod)
            return None
        return scheduling_due(pod, self.op._scheduling_attempts.get(pod["metadata"]["uid"]), self.now)

    def _gated(self, pod: dict) -> None:
        """A pod held by scheduling gates (Kueue's admission gate) waits, as kube-scheduler reports it."""
        if (find_condition(pod, "PodScheduled") or {}).get("reason") == "SchedulingGated":
            return

        def gated(p: dict) -> None:
            set_pod_condition(p, "PodScheduled", _FALSE, self.now, "SchedulingGated", SCHEDULING_GATED)
            sort_pod_conditions(p)

        self._update_pod(pod, gated)

    def _schedule(self, pod: dict, at: datetime) -> dict:
        placement = place_pod(pod, self.nodes, self.all_pods)
        uid = pod["metadata"]["uid"]
        if placement.node_name is None:
            self.op._scheduling_attempts[uid] = at
            pod = self._update_pod(pod, unschedulable(placement.message, at))
            self.op.scheduler_event(pod, "Warning", "FailedScheduling", placement.message, at)
            return pod
        self.op._scheduling_attempts.pop(uid, None)
        pod = self._update_pod(pod, bind(placement.node_name, at))
        message = f"Successfully assigned {self.namespace}/{pod['metadata']['name']} to {placement.node_name}"
        self.op.scheduler_event(pod, "Normal", "Scheduled", message, at)
        return pod

    @staticmethod
    def _rng(pod: dict, purpose: str) -> random.Random:
        # Per pod and purpose: stable across passes, and the spaces never shift the other operators' random draws.
        return random.Random(f"{pod['metadata']['uid']}/{purpose}")

    def _pull_seconds(self, pod: dict) -> int:
        return self._rng(pod, "pull").randint(*PULL_SECONDS)

    def _accept(self, pod: dict, at: datetime) -> dict:
        host_ip = node_ip(self.nodes, pod["spec"]["nodeName"])
        pod = self._update_pod(pod, accept(host_ip, pod_ip_on(host_ip, self._rng(pod, "ip")), at))
        self.op.kubelet_event(pod, "Pulling", f'Pulling image "{pod["spec"]["containers"][0]["image"]}"', at)
        return pod

    def _start(self, pod: dict, at: datetime) -> dict:
        pod = self._update_pod(pod, start(container_ids(pod, self._rng(pod, "containers")), at))
        image = pod["spec"]["containers"][0]["image"]
        self.op.kubelet_event(pod, "Pulled", pulled_message(image, self._pull_seconds(pod)), at)
        self.op.kubelet_event(pod, "Created", f"Created container: {MAIN_CONTAINER}", at)
        self.op.kubelet_event(pod, "Started", f"Started container {MAIN_CONTAINER}", at)
        self._write_start_log(pod, at)
        return pod

    def _available(self, pod: dict, at: datetime) -> dict:
        self._set_status(_RUNNING, at, running=True)
        self.op.workspace_event(self.workspace, "Normal", "WorkspaceRunning", "Workspace is now running", at)
        return pod

    def _write_start_log(self, pod: dict, at: datetime) -> None:
        spec = self.workspace.get("spec") or {}
        home = (spec.get("storage") or {}).get("mountPath") or DEFAULT_MOUNT_PATH
        lines = (
            _code_editor_lines(pod, home)
            if spec.get("appType") == CODE_EDITOR
            else _jupyterlab_lines(pod, home, self.namespace, self.name)
        )
        for offset, line in enumerate(lines):
            moment = at + timedelta(milliseconds=37 * offset)
            self.op._logs.append(self.namespace, pod["metadata"]["name"], MAIN_CONTAINER, line(moment), moment)

    # ---- stop, idle, delete

    def _remove_pod(self, at: datetime) -> None:
        pod = self._pod()
        if pod is None:
            return
        if pod["spec"].get("nodeName"):
            self.op.kubelet_event(pod, "Killing", f"Stopping container {MAIN_CONTAINER}", at)
        self.store.delete(PODS, self.namespace, pod["metadata"]["name"])
        self.op._logs.drop(self.namespace, pod["metadata"]["name"])
        self.all_pods = [p for p in self.all_pods if p["metadata"]["uid"] != pod["metadata"]["uid"]]

    def _stop(self, at: datetime) -> None:
        self._remove_pod(at)
        if self._set_status(_STOPPED, at, running=False):
            self.op.workspace_event(self.workspace, "Normal", "WorkspaceStopped", "Workspace has been stopped", at)

    def _check_idle(self) -> None:
        idle = (self.workspace.get("spec") or {}).get("idleShutdown") or {}
        available = find_condition(self.workspace, "Available") or {}
        if not idle.get("enabled") or available.get("status") != _TRUE:
            return
        annotations = self.workspace["metadata"].get("annotations") or {}
        activity = annotations.get(LAST_ACTIVITY_ANNOTATION)
        last_activity = _parse_time(activity)
        if activity is not None and last_activity is None:
            stamp = rfc3339(self.now)
            self._update(lambda w: w["metadata"]["annotations"].__setitem__(LAST_ACTIVITY_ANNOTATION, stamp))
            last_activity = self.now
        since = _parse_time(available.get("lastTransitionTime")) or self.now
        minutes = int(idle.get("idleTimeoutInMinutes") or 0)
        deadline = max(since, last_activity or since) + timedelta(minutes=minutes)
        if minutes < 1 or deadline > self.now:
            return
        message = f"Stopping workspace due to idle timeout of {minutes} minutes"
        self.op.workspace_event(self.workspace, "Normal", "IdleShutdown", message, deadline)
        self._update(lambda w: w["spec"].__setitem__("desiredStatus", "Stopped"))
        self._stop(deadline)

    def _delete(self) -> None:
        if FINALIZER not in (self.workspace["metadata"].get("finalizers") or []):
            return
        self._remove_pod(self.now)
        self._set_status(_DELETING, self.now, running=False)
        self._update(lambda w: w["metadata"]["finalizers"].remove(FINALIZER))


def _jupyterlab_lines(pod: dict, home: str, namespace: str, name: str) -> list[Callable[[datetime], str]]:
    base = f"/workspaces/{namespace}/{name}/"
    host = pod["metadata"]["name"]

    def server(text: str) -> Callable[[datetime], str]:
        return lambda at: f"[I {at:%Y-%m-%d %H:%M:%S}.{at.microsecond // 1000:03d} ServerApp] {text}"

    return [
        server("jupyter_lsp | extension was successfully linked."),
        server("jupyter_server_terminals | extension was successfully linked."),
        server("jupyterlab | extension was successfully linked."),
        server(f"Writing Jupyter server cookie secret to {home}/.local/share/jupyter/runtime/jupyter_cookie_secret"),
        server("jupyterlab | extension was successfully loaded."),
        server(f"Serving notebooks from local directory: {home}"),
        server("Jupyter Server 2.14.2 is running at:"),
        server(f"http://{host}:{JUPYTER_PORT}{base}lab"),
        server(f"    http://127.0.0.1:{JUPYTER_PORT}{base}lab"),
        server("Use Control-C to stop this server and shut down all kernels (twice to skip confirmation)."),
    ]


def _code_editor_lines(pod: dict, home: str) -> list[Callable[[datetime], str]]:
    def plain(text: str) -> Callable[[datetime], str]:
        return lambda _: text

    def timed(text: str) -> Callable[[datetime], str]:
        return lambda at: f"[{at:%H:%M:%S}] {text}"

    return [
        plain("*"),
        plain("* Visual Studio Code Server"),
        plain("*"),
        plain("* By using the software, you agree to"),
        plain("* the Visual Studio Code Server License Terms (https://aka.ms/vscode-server-license) and"),
        plain("* the Microsoft Privacy Statement (https://privacy.microsoft.com/en-US/privacystatement)."),
        plain("*"),
        plain(f"Server bound to 0.0.0.0:{JUPYTER_PORT} (IPv4)"),
        plain(f"Extension host agent listening on {JUPYTER_PORT}"),
        timed(f"Opening workspace folder {home}"),
        plain(f"Web UI available at http://localhost:{JUPYTER_PORT}/?folder={home}"),
        timed("Extension host agent started."),
    ]
