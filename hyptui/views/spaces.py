"""SageMaker Spaces as a person reads them: one row per Workspace (which IDE, whether it is up, who owns it, what it
asks for), a detail with the spec, conditions and why a space that should run is not running yet, the add-on's
WorkspaceTemplates, and the WorkspaceConnection request `hyp create hyp-space-access` sends for an access URL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hyptui.hyperpod.age import age_of
from hyptui.hyperpod.conditions import condition_is_true, find_condition
from hyptui.hyperpod.job_status import JobCondition, job_conditions
from hyptui.hyperpod.kinds import PODS, WORKSPACE_TEMPLATES, WORKSPACES
from hyptui.hyperpod.labels import (
    CREATED_BY_ANNOTATION,
    DEFAULT_TEMPLATE_LABEL,
    PRIORITY_CLASS_LABEL,
    QUEUE_LABEL,
    WORKSPACE_NAME_LABEL,
)
from hyptui.hyperpod.pod_status import pod_summary
from hyptui.hyperpod.resources import GPU, MIG_PREFIX
from hyptui.store.selectors import memoize_on_identity
from hyptui.store.state import AppState, Collection, KubeObject, ObjectKey

# The add-on's names (jupyter-infra/jupyter-k8s): the label on a space's pod, and the annotation naming its creator.
MAIN_CONTAINER = "workspace"
APP_NAMES = {"jupyterlab": "JupyterLab", "code-editor": "Code Editor"}
# `hyp create hyp-space-access -t`: a VS Code remote deep link, or a browser link to the IDE.
VSCODE_REMOTE = "vscode-remote"
WEB_UI = "web-ui"
ACCESS_TYPES = (VSCODE_REMOTE, WEB_UI)
ACCESS_NAMES = {VSCODE_REMOTE: "VS Code remote", WEB_UI: "web UI"}
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@memoize_on_identity
def _pods_by_space(pods: Collection) -> Mapping[ObjectKey, KubeObject]:
    """Each space's pod (the newest, while a replacement starts), by the space's (namespace, name)."""
    found: dict[ObjectKey, KubeObject] = {}
    for pod in pods.objects.values():
        space = pod.labels.get(WORKSPACE_NAME_LABEL)
        if space is None:
            continue
        key = (pod.namespace, space)
        held = found.get(key)
        if held is None or (pod.created or _EARLIEST) > (held.created or _EARLIEST):
            found[key] = pod
    return found


def space_pod(state: AppState, key: ObjectKey) -> KubeObject | None:
    return _pods_by_space(state.collection(PODS.key)).get(key)


def app_name(raw: Mapping[str, Any]) -> str:
    app_type = str((raw.get("spec") or {}).get("appType") or "")
    return APP_NAMES.get(app_type, app_type or "-")


def space_status(raw: Mapping[str, Any], pod: KubeObject | None) -> str:
    """One word: Running, Starting, Pending (no node can take its pod), Degraded, Stopping, Stopped or Deleting."""
    if (raw.get("metadata") or {}).get("deletionTimestamp"):
        return "Deleting"
    if (raw.get("spec") or {}).get("desiredStatus") == "Stopped":
        return "Stopped" if condition_is_true(raw, "Stopped") else "Stopping"
    if condition_is_true(raw, "Degraded"):
        return "Degraded"
    if condition_is_true(raw, "Available"):
        return "Running"
    if pod is not None and _unscheduled(pod.raw) is not None:
        return "Pending"
    return "Starting"


def _unscheduled(pod: Mapping[str, Any]) -> Mapping[str, Any] | None:
    scheduled = find_condition(pod, "PodScheduled")
    return scheduled if scheduled is not None and scheduled.get("status") == "False" else None


def waiting_reason(raw: Mapping[str, Any], pod: KubeObject | None) -> str:
    """Why a space that should run is not available yet, in the scheduler's or kubelet's words ("" when it is up,
    stopped, or simply starting). The controller only says "Workspace is starting"; the reason is on the pod."""
    if (raw.get("spec") or {}).get("desiredStatus") == "Stopped" or condition_is_true(raw, "Available"):
        return ""
    if pod is None:
        return ""
    unscheduled = _unscheduled(pod.raw)
    if unscheduled is not None:
        return f"{unscheduled.get('reason') or 'Unschedulable'}: {unscheduled.get('message') or ''}".rstrip(": ")
    for container in (pod.raw.get("status") or {}).get("containerStatuses") or ():
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") and waiting["reason"] != "ContainerCreating":
            return f"{waiting['reason']}: {waiting.get('message') or ''}".rstrip(": ")
    return ""


def owner_name(raw: Mapping[str, Any]) -> str:
    """The creator's session name: the last part of the IAM ARN the add-on's webhook recorded."""
    creator = str(((raw.get("metadata") or {}).get("annotations") or {}).get(CREATED_BY_ANNOTATION) or "")
    return creator.rpartition("/")[2] or creator or "-"


def access_type(raw: Mapping[str, Any]) -> str:
    spec = raw.get("spec") or {}
    return str(spec.get("accessType") or spec.get("ownershipType") or "Public")


def _quantities(resources: Mapping[str, Any]) -> dict[str, str]:
    """One amount per resource: the request, else the limit (a GPU is usually given as a limit only)."""
    merged = {str(k): str(v) for k, v in (resources.get("limits") or {}).items() if v is not None}
    merged.update({str(k): str(v) for k, v in (resources.get("requests") or {}).items() if v is not None})
    return merged


def resources_text(resources: Mapping[str, Any] | None) -> str:
    """`1 CPU · 2Gi · 1 GPU`, or the MIG profile for a GPU slice (`2 x mig-1g.10gb`)."""
    amounts = _quantities(resources or {})
    parts = []
    if "cpu" in amounts:
        parts.append(f"{amounts['cpu']} CPU")
    if "memory" in amounts:
        parts.append(amounts["memory"])
    if amounts.get(GPU, "0") != "0":
        parts.append(f"{amounts[GPU]} GPU")
    for name, count in sorted(amounts.items()):
        if name.startswith(MIG_PREFIX) and count != "0":
            profile = name.removeprefix("nvidia.com/")
            parts.append(profile if count == "1" else f"{count} x {profile}")
    return " · ".join(parts) or "-"


@dataclass(frozen=True, slots=True)
class SpaceRow:
    key: ObjectKey
    name: str
    namespace: str
    display_name: str
    app: str
    status: str
    available: str  # the Available condition's status, as `hyp list hyp-space` prints it
    owner_access: str
    resources: str
    age: str
    created: datetime | None
    reason: str  # why it is not available yet ("" when nothing holds it)


def space_rows(state: AppState, now: datetime) -> tuple[SpaceRow, ...]:
    """One row per Workspace in scope, by (namespace, name)."""
    rows = []
    for workspace in state.collection(WORKSPACES.key).objects.values():
        raw = workspace.raw
        pod = space_pod(state, workspace.key)
        spec = raw.get("spec") or {}
        rows.append(
            SpaceRow(
                key=workspace.key,
                name=workspace.name,
                namespace=workspace.namespace,
                display_name=str(spec.get("displayName") or ""),
                app=app_name(raw),
                status=space_status(raw, pod),
                available=str((find_condition(raw, "Available") or {}).get("status") or "-"),
                owner_access=f"{owner_name(raw)} · {access_type(raw)}",
                resources=resources_text(spec.get("resources")),
                age=age_of(workspace.created, now),
                created=workspace.created,
                reason=waiting_reason(raw, pod),
            )
        )
    rows.sort(key=lambda row: row.key)
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class SpaceDetail:
    status: str
    fields: tuple[tuple[str, str], ...]  # (label, value) in reading order
    conditions: tuple[JobCondition, ...]  # status.conditions, read as for any custom resource
    reason: str
    pod: str | None  # the pod's name, for its log and events


def _pairs(mapping: Mapping[str, Any] | None) -> str:
    return ", ".join(f"{key}={value}" for key, value in (mapping or {}).items()) or "-"


def _volumes_text(volumes: Iterable[Mapping[str, Any]]) -> str:
    entries = [
        f"{volume.get('persistentVolumeClaimName', '?')} at {volume.get('mountPath', '?')}"
        + (f" ({volume.get('name')})" if volume.get("name") != volume.get("persistentVolumeClaimName") else "")
        for volume in volumes
    ]
    return ", ".join(entries) or "-"


def _storage_text(storage: Mapping[str, Any] | None) -> str:
    if not storage:
        return "-"
    text = f"{storage.get('size') or '?'} at {storage.get('mountPath') or '?'}"
    return text + (f" ({storage['storageClassName']})" if storage.get("storageClassName") else "")


def _idle_text(idle: Mapping[str, Any] | None) -> str:
    if not idle or not idle.get("enabled"):
        return "off"
    return f"after {idle.get('idleTimeoutInMinutes', '?')} min idle"


def _requests_limits(resources: Mapping[str, Any] | None) -> str:
    resources = resources or {}
    parts = [f"{side} {_pairs(resources.get(side))}" for side in ("requests", "limits") if resources.get(side)]
    return "; ".join(parts) or "-"


def _pod_text(pod: KubeObject | None) -> str:
    if pod is None:
        return "-"
    node = (pod.raw.get("spec") or {}).get("nodeName") or "no node"
    return f"{pod.name} on {node} · {pod_summary(pod.raw).status}"


def space_detail(state: AppState, key: ObjectKey) -> SpaceDetail | None:
    workspace = state.collection(WORKSPACES.key).objects.get(key)
    if workspace is None:
        return None
    raw = workspace.raw
    spec = raw.get("spec") or {}
    pod = space_pod(state, key)
    template = spec.get("templateRef") or {}
    annotations = (raw.get("metadata") or {}).get("annotations") or {}
    fields = (
        ("Display name", str(spec.get("displayName") or "-")),
        ("App", app_name(raw)),
        ("Template", f"{template.get('namespace') or workspace.namespace}/{template['name']}" if template else "-"),
        ("Image", str(spec.get("image") or "-")),
        ("Desired", str(spec.get("desiredStatus") or "Running")),
        ("Resources", resources_text(spec.get("resources"))),
        ("Requests", _requests_limits(spec.get("resources"))),
        ("Node selector", _pairs(spec.get("nodeSelector"))),
        ("Volumes", _volumes_text(spec.get("volumes") or ())),
        ("Storage", _storage_text(spec.get("storage"))),
        ("Idle shutdown", _idle_text(spec.get("idleShutdown"))),
        ("Queue", workspace.labels.get(QUEUE_LABEL, "-")),
        ("Priority", workspace.labels.get(PRIORITY_CLASS_LABEL, "-")),
        ("Owner", str(annotations.get(CREATED_BY_ANNOTATION) or "-")),
        ("Ownership", str(spec.get("ownershipType") or "-")),
        ("Access", access_type(raw)),
        ("Pod", _pod_text(pod)),
    )
    return SpaceDetail(
        status=space_status(raw, pod),
        fields=fields,
        conditions=job_conditions(raw),
        reason=waiting_reason(raw, pod),
        pod=pod.name if pod is not None else None,
    )


# ---- templates


@dataclass(frozen=True, slots=True)
class TemplateRow:
    key: ObjectKey
    name: str
    namespace: str
    display_name: str
    app: str
    default_image: str
    resources: str
    default: bool  # the one a space without templateRef gets
    age: str
    created: datetime | None


def template_rows(state: AppState, now: datetime) -> tuple[TemplateRow, ...]:
    rows = []
    for template in state.collection(WORKSPACE_TEMPLATES.key).objects.values():
        spec = template.raw.get("spec") or {}
        rows.append(
            TemplateRow(
                key=template.key,
                name=template.name,
                namespace=template.namespace,
                display_name=str(spec.get("displayName") or ""),
                app=app_name(template.raw),
                default_image=str(spec.get("defaultImage") or "-"),
                resources=resources_text(spec.get("defaultResources")),
                default=template.labels.get(DEFAULT_TEMPLATE_LABEL) == "true",
                age=age_of(template.created, now),
                created=template.created,
            )
        )
    rows.sort(key=lambda row: row.key)
    return tuple(rows)


def template_description(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """What a template gives a space that leaves a field unset, as (label, value) lines."""
    spec = raw.get("spec") or {}
    storage = spec.get("primaryStorage") or {}
    strategy = spec.get("defaultAccessStrategy") or {}
    command = (spec.get("defaultContainerConfig") or {}).get("command") or ()
    return (
        ("Display name", str(spec.get("displayName") or "-")),
        ("Description", str(spec.get("description") or "-")),
        ("App", app_name(raw)),
        ("Default image", str(spec.get("defaultImage") or "-")),
        ("Allowed images", ", ".join(spec.get("allowedImages") or ()) or "any"),
        ("Resources", _requests_limits(spec.get("defaultResources"))),
        (
            "Storage",
            f"{storage.get('defaultSize', '-')} (from {storage.get('minSize', '-')} to {storage.get('maxSize', '-')})"
            f" at {storage.get('defaultMountPath', '-')}, class {storage.get('defaultStorageClassName', '-')}",
        ),
        ("Command", " ".join(command) or "-"),
        ("Ownership", str(spec.get("defaultOwnershipType") or "-")),
        ("Access strategy", f"{strategy.get('namespace', '')}/{strategy.get('name', '')}" if strategy else "-"),
        ("Idle shutdown", _idle_text(spec.get("defaultIdleShutdown"))),
        ("Secondary storage", "allowed" if spec.get("allowSecondaryStorages") else "not allowed"),
    )


# ---- access


def connection_request(namespace: str, workspace: str, connection_type: str) -> dict[str, Any]:
    """The body `hyp create hyp-space-access` posts: no name, the namespace, the space and the connection type."""
    if connection_type not in ACCESS_TYPES:
        raise ValueError(f"connection type {connection_type!r}: choose one of {', '.join(ACCESS_TYPES)}")
    return {
        "metadata": {"namespace": namespace},
        "spec": {"workspaceName": workspace, "workspaceConnectionType": connection_type},
    }


def connection_url(response: Mapping[str, Any]) -> str:
    """The URL in the add-on's answer; ValueError when it sent none."""
    url = (response.get("status") or {}).get("workspaceConnectionUrl")
    if not isinstance(url, str) or not url:
        raise ValueError("the spaces add-on answered without a workspaceConnectionUrl")
    return url
