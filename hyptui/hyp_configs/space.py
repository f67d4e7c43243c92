"""`hyp-space` schema 1.1: a SageMaker Space (Workspace) as `hyp create hyp-space` takes it, flag for field.

hyp has no init template for spaces; these are the fields, defaults, constraints and descriptions of
hyperpod-space-template 1.1.0, kept in a config.yaml of the same layout as the other templates."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hyptui.hyp_configs.pytorch_job import check_unique_volumes
from hyptui.hyperpod.labels import PRIORITY_CLASS_LABEL, QUEUE_LABEL


class AccessStrategyRef(BaseModel):
    name: str = Field(description="Name of the WorkspaceAccessStrategy")
    namespace: str | None = Field(default=None, description="Namespace where the WorkspaceAccessStrategy is located")


class ContainerConfig(BaseModel):
    command: list[str] | None = Field(default=None, description="Command specifies the container command")
    args: list[str] | None = Field(default=None, description="Args specifies the container arguments")


class IdleShutdownSpec(BaseModel):
    enabled: bool = Field(description="Enabled indicates if idle shutdown is enabled")
    idleTimeoutInMinutes: int = Field(description="IdleTimeoutInMinutes specifies idle timeout in minutes", ge=1)
    detection: IdleDetectionSpec = Field(description="Detection specifies how to detect idle state")


class ResourceRequirements(BaseModel):
    requests: dict[str, str | None] | None = Field(
        default=None,
        description=(
            "Requests describes the minimum amount of compute resources required. If "
            "Requests is omitted for a container, it defaults to Limits if that is "
            "explicitly specified, otherwise to an implementation-defined value. Requests "
            "cannot exceed Limits."
        ),
    )
    limits: dict[str, str | None] | None = Field(
        default=None, description="Limits describes the maximum amount of compute resources allowed."
    )


class StorageSpec(BaseModel):
    storageClassName: str | None = Field(
        default=None, description=("StorageClassName specifies the storage class to use for persistent storage")
    )
    size: str | None = Field(
        default="10Gi",
        description=(
            "Size specifies the size of the persistent volume. Supports standard Kubernetes "
            "resource quantities (e.g., '10Gi', '500Mi', '1Ti'). Integer values without "
            "units are interpreted as bytes"
        ),
    )
    mountPath: str | None = Field(
        default="/home",
        description=(
            "MountPath specifies where to mount the persistent volume in the container. "
            "Default is /home/jovyan (jovyan is the standard user in Jupyter images)"
        ),
    )


class TemplateRef(BaseModel):
    name: str = Field(description="Name of the WorkspaceTemplate")
    namespace: str | None = Field(default=None, description="Namespace where the WorkspaceTemplate is located")


class VolumeSpec(BaseModel):
    name: str = Field(
        description=("Name is a unique identifier for this volume within the pod (maps to pod.spec.volumes[].name)"),
        min_length=1,
    )
    mountPath: str = Field(
        description=("MountPath is the path where the volume should be mounted (Unix-style path, e.g. /data)"),
        min_length=1,
    )
    persistentVolumeClaimName: str = Field(
        description="PersistentVolumeClaimName is the name of the existing PVC to mount", min_length=1
    )


class IdleDetectionSpec(BaseModel):
    httpGet: dict[str, Any] | None = Field(
        default=None, description="HTTPGet specifies the HTTP request to perform for idle detection"
    )


class SpaceConfigV1_1(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Space name", min_length=1, max_length=63, pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    display_name: str = Field(description="Display Name of the space", min_length=1)
    namespace: str = Field(default="default", description="Kubernetes namespace", min_length=1)
    image: str | None = Field(default=None, description="Image specifies the container image to use")
    desired_status: Literal["Running", "Stopped"] | None = Field(
        default=None, description="DesiredStatus specifies the desired operational status"
    )
    ownership_type: Literal["Public", "OwnerOnly"] | None = Field(
        default=None,
        description=(
            "OwnershipType specifies who can modify the space. 'Public' means anyone with "
            "RBAC permissions can update/delete the space. 'OwnerOnly' means only the "
            "creator can update/delete the space."
        ),
    )
    resources: ResourceRequirements | None = Field(
        default=None, description="Resources specifies the resource requirements"
    )
    storage: StorageSpec | None = Field(default=None, description="Storage specifies the storage configuration")
    volumes: list[VolumeSpec] | None = Field(
        default=None, description=("Volumes specifies additional volumes to mount from existing PersistentVolumeClaims")
    )
    container_config: ContainerConfig | None = Field(
        default=None, description="ContainerConfig specifies container command and args configuration"
    )
    node_selector: dict[str, str] | None = Field(
        default=None, description=("NodeSelector specifies node selection constraints for the space pod (JSON string)")
    )
    affinity: dict[str, Any] | None = Field(
        default=None,
        description=("Affinity specifies node affinity and anti-affinity rules for the space pod (JSON string)"),
    )
    tolerations: list[dict[str, Any]] | None = Field(
        default=None,
        description=(
            "Tolerations specifies tolerations for the space pod to schedule on nodes with "
            "matching taints (JSON string)"
        ),
    )
    lifecycle: dict[str, Any] | None = Field(
        default=None,
        description=(
            "Lifecycle specifies actions that the management system should take in response "
            "to container lifecycle events (JSON string)"
        ),
    )
    template_ref: TemplateRef | None = Field(
        default=None,
        description=(
            "TemplateRef references a WorkspaceTemplate to use as base configuration. When "
            "set, template provides defaults and workspace spec fields act as overrides"
        ),
    )
    idle_shutdown: IdleShutdownSpec | None = Field(
        default=None, description="IdleShutdown specifies idle shutdown configuration"
    )
    app_type: str | None = Field(default=None, description="AppType specifies the application type for this workspace")
    service_account_name: str | None = Field(
        default=None,
        description=("ServiceAccountName specifies the name of the ServiceAccount to use for the workspace pod"),
    )
    access_type: Literal["Public", "OwnerOnly"] | None = Field(
        default=None,
        description=(
            "AccessType specifies who can connect to the workspace. 'Public' means anyone "
            "with RBAC permissions can connect. 'OwnerOnly' means only the creator can "
            "connect."
        ),
    )
    env: list[dict[str, Any]] | None = Field(
        default=None, description=("Environment variables for the workspace container (list of {name, value} objects)")
    )
    access_strategy: AccessStrategyRef | None = Field(
        default=None, description="AccessStrategy references a WorkspaceAccessStrategy to use"
    )
    pod_security_context: dict[str, Any] | None = Field(
        default=None,
        description=("Pod-level security context. Overrides template defaults when specified (JSON string)"),
    )
    container_security_context: dict[str, Any] | None = Field(
        default=None,
        description=(
            "Container-level security context for the main workspace container. Overrides "
            "template defaults (JSON string)"
        ),
    )
    init_containers: list[dict[str, Any]] | None = Field(
        default=None, description=("Init containers to run before the workspace container starts (JSON string, max 10)")
    )
    queue_name: str | None = Field(
        default=None,
        description="Queue name for space scheduling",
        min_length=1,
        max_length=63,
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
    )
    priority: str | None = Field(default=None, description="Priority class for space scheduling", min_length=1)

    @field_validator("volumes")
    @classmethod
    def _unique_volumes(cls, volumes: list[VolumeSpec] | None) -> list[VolumeSpec] | None:
        check_unique_volumes([v.name for v in volumes or ()], [v.mountPath for v in volumes or ()])
        return volumes


# Workspace spec field ← config.yaml field, in the order hyperpod-space-template 1.1's `to_domain` writes them.
_SPEC_FIELDS = (
    ("image", "image"),
    ("desiredStatus", "desired_status"),
    ("ownershipType", "ownership_type"),
    ("resources", "resources"),
    ("storage", "storage"),
    ("volumes", "volumes"),
    ("containerConfig", "container_config"),
    ("nodeSelector", "node_selector"),
    ("affinity", "affinity"),
    ("tolerations", "tolerations"),
    ("lifecycle", "lifecycle"),
    ("templateRef", "template_ref"),
    ("idleShutdown", "idle_shutdown"),
    ("appType", "app_type"),
    ("serviceAccountName", "service_account_name"),
    ("accessType", "access_type"),
    ("env", "env"),
    ("accessStrategy", "access_strategy"),
    ("podSecurityContext", "pod_security_context"),
    ("containerSecurityContext", "container_security_context"),
    ("initContainers", "init_containers"),
)


def workspace_manifest(config: SpaceConfigV1_1) -> dict[str, Any]:
    """The Workspace `hyp create hyp-space` submits for a validated config (its `to_domain`): unset fields left out,
    task governance as Kueue labels on the Workspace."""
    spec: dict[str, Any] = {"displayName": config.display_name}
    for key, field in _SPEC_FIELDS:
        value = getattr(config, field)
        if value is None:
            continue
        if isinstance(value, list):
            value = [item.model_dump(exclude_none=True) if isinstance(item, BaseModel) else item for item in value]
        elif isinstance(value, BaseModel):
            value = value.model_dump(exclude_none=True)
        spec[key] = value
    metadata: dict[str, Any] = {"name": config.name, "namespace": config.namespace}
    labels = {
        label: value
        for label, value in ((QUEUE_LABEL, config.queue_name), (PRIORITY_CLASS_LABEL, config.priority))
        if value is not None
    }
    if labels:
        metadata["labels"] = labels
    return {"apiVersion": "workspace.jupyter.org/v1alpha1", "kind": "Workspace", "metadata": metadata, "spec": spec}
