"""The spaces add-on's mutating Workspace webhook, as an admission hook of the embedded cluster.

On create it does what jupyter-infra/jupyter-k8s `internal/webhook/v1alpha1` does: `desiredStatus` defaults to Running,
`workspace.jupyter.org/created-by` names the caller, a Workspace without `templateRef` gets the template labelled
`workspace.jupyter.org/default-template: "true"` (in its namespace, else the add-on's), and every spec field the
Workspace leaves unset is filled from the template. The template's labels land on the Workspace, so the stored object
(and the create response) already shows the defaults, as on a real cluster.
"""

from __future__ import annotations

import copy
from typing import Any

from hyptui.hyperpod.kinds import WORKSPACE_TEMPLATES, WORKSPACES
from hyptui.hyperpod.labels import CREATED_BY_ANNOTATION, DEFAULT_TEMPLATE_LABEL
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore

LAST_UPDATED_BY_ANNOTATION = "workspace.jupyter.org/last-updated-by"
TEMPLATE_LABEL = "workspace.jupyter.org/template-name"
TEMPLATE_NAMESPACE_LABEL = "workspace.jupyter.org/template-namespace"
ADDON_NAMESPACE = "jupyter-k8s-system"  # where the add-on chart installs its templates (its `namespace` value)
# Chosen: the embedded cluster authenticates nobody, so every request comes from this one IAM role session.
SIMULATED_CALLER = "arn:aws:sts::123456789012:assumed-role/HyperPodAdmin/hyptui"
WEBHOOK_NAME = "mworkspace-v1alpha1.kb.io"

# Workspace spec field ← WorkspaceTemplate spec field, copied when the Workspace leaves it unset.
_TEMPLATE_DEFAULTS = (
    ("image", "defaultImage"),
    ("ownershipType", "defaultOwnershipType"),
    ("containerConfig", "defaultContainerConfig"),
    ("accessType", "defaultAccessType"),
    ("appType", "appType"),
    ("resources", "defaultResources"),
    ("volumes", "defaultVolumes"),
    ("nodeSelector", "defaultNodeSelector"),
    ("affinity", "defaultAffinity"),
    ("tolerations", "defaultTolerations"),
    ("accessStrategy", "defaultAccessStrategy"),
    ("lifecycle", "defaultLifecycle"),
    ("readinessProbe", "defaultReadinessProbe"),
    ("podSecurityContext", "defaultPodSecurityContext"),
    ("containerSecurityContext", "defaultContainerSecurityContext"),
    ("initContainers", "defaultInitContainers"),
    ("idleShutdown", "defaultIdleShutdown"),
)


def denied(message: str) -> ApiError:
    """How the API server reports a webhook's refusal."""
    return ApiError(403, "Forbidden", f'admission webhook "{WEBHOOK_NAME}" denied the request: {message}')


class WorkspaceDefaulter:
    """Registered on the store for Workspace creates; `close()` withdraws it."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._withdraw = store.admit(WORKSPACES, self)

    def close(self) -> None:
        self._withdraw()

    def __call__(self, workspace: dict[str, Any], namespace: str | None) -> dict[str, Any]:
        metadata = workspace.setdefault("metadata", {})
        spec = workspace.setdefault("spec", {})
        if not isinstance(metadata, dict) or not isinstance(spec, dict):
            return workspace  # malformed: the API server's own checks answer it
        namespace = namespace or metadata.get("namespace") or "default"
        spec.setdefault("desiredStatus", "Running")
        annotations = metadata.setdefault("annotations", {})
        annotations[CREATED_BY_ANNOTATION] = SIMULATED_CALLER
        annotations[LAST_UPDATED_BY_ANNOTATION] = SIMULATED_CALLER
        template = self._template(spec, namespace)
        if template is not None:
            _apply_template(workspace, template)
        return workspace

    def _template(self, spec: dict[str, Any], namespace: str) -> dict[str, Any] | None:
        reference = spec.get("templateRef") or {}
        if reference.get("name"):
            where = reference.get("namespace") or namespace
            try:
                return self._store.get(WORKSPACE_TEMPLATES, where, reference["name"])
            except ApiError as error:
                if error.code != 404:
                    raise
                message = f'workspacetemplates.workspace.jupyter.org "{reference["name"]}" not found'
                raise denied(f"failed to apply template defaults: {message}") from None
        for where in dict.fromkeys((namespace, ADDON_NAMESPACE)):
            found, _ = self._store.list(WORKSPACE_TEMPLATES, where, label_selector=f"{DEFAULT_TEMPLATE_LABEL}=true")
            if len(found) > 1:
                names = " ".join(t["metadata"]["name"] for t in found)
                raise denied(
                    "failed to apply template reference: multiple templates found with default-template label in "
                    f"namespace {where}: [{names}], expected exactly one"
                )
            if found:
                template = found[0]
                spec["templateRef"] = {"name": template["metadata"]["name"], "namespace": where}
                return template
        return None


def _apply_template(workspace: dict[str, Any], template: dict[str, Any]) -> None:
    spec, defaults = workspace["spec"], template.get("spec") or {}
    for field, default in _TEMPLATE_DEFAULTS:
        if not spec.get(field) and defaults.get(default):
            spec[field] = copy.deepcopy(defaults[default])
    storage = defaults.get("primaryStorage") or {}
    if storage:
        if spec.get("storage") is None and storage.get("defaultSize"):
            spec["storage"] = {}
        if isinstance(spec.get("storage"), dict):
            for field, default in (
                ("size", "defaultSize"),
                ("storageClassName", "defaultStorageClassName"),
                ("mountPath", "defaultMountPath"),
            ):
                if not spec["storage"].get(field) and storage.get(default):
                    spec["storage"][field] = storage[default]
    named = {entry.get("name") for entry in spec.get("env") or []}
    extra_env = [copy.deepcopy(entry) for entry in defaults.get("baseEnv") or [] if entry.get("name") not in named]
    if extra_env:
        spec["env"] = [*(spec.get("env") or []), *extra_env]
    labels = workspace["metadata"].setdefault("labels", {})
    labels[TEMPLATE_LABEL] = template["metadata"]["name"]
    labels[TEMPLATE_NAMESPACE_LABEL] = template["metadata"]["namespace"]
    for label in defaults.get("baseLabels") or []:
        labels.setdefault(label.get("key", ""), label.get("value", ""))
