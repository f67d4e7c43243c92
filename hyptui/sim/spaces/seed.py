"""What the demo cluster holds for SageMaker Spaces: the add-on's two WorkspaceTemplates (as the jupyter-k8s-aws
`aws-hyperpod` chart installs them) and the talk's space, a JupyterLab on a CPU node with the FSx volume mounted."""

from __future__ import annotations

from typing import Any

from hyptui.hyperpod.kinds import NAMESPACES, WORKSPACE_TEMPLATES, WORKSPACES
from hyptui.hyperpod.labels import DEFAULT_TEMPLATE_LABEL, INSTANCE_TYPE_LABEL
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.spaces.webhook import ADDON_NAMESPACE

DISTRIBUTION_CPU_IMAGE = "public.ecr.aws/sagemaker/sagemaker-distribution:latest-cpu"
DISTRIBUTION_GPU_IMAGE = "public.ecr.aws/sagemaker/sagemaker-distribution:latest-gpu"
JUPYTER_TEMPLATE = "sagemaker-jupyter-template"
CODE_EDITOR_TEMPLATE = "sagemaker-code-editor-template"
ENTRYPOINTS = "/opt/amazon/sagemaker/workspace/bin"
SEED_SPACE = "my-jupyterlab-space"
SEED_SPACE_NAMESPACE = "default"


def _template(name: str, display_name: str, app_type: str, entrypoint: str, *, default: bool) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": "jupyter-k8s-aws-hyperpod", "app.kubernetes.io/managed-by": "Helm"}
    if default:
        labels[DEFAULT_TEMPLATE_LABEL] = "true"
    application = "Jupyter Lab" if app_type == "jupyterlab" else "Code Editor"
    return {
        "apiVersion": WORKSPACE_TEMPLATES.api_version,
        "kind": WORKSPACE_TEMPLATES.kind,
        "metadata": {"name": name, "namespace": ADDON_NAMESPACE, "labels": labels},
        "spec": {
            "displayName": display_name,
            "description": f"{application} environment using SageMaker Distribution with pre-installed ML libraries "
            "and tools",
            "defaultImage": DISTRIBUTION_CPU_IMAGE,
            "allowedImages": [DISTRIBUTION_CPU_IMAGE, DISTRIBUTION_GPU_IMAGE],
            "defaultResources": {"requests": {"cpu": "2", "memory": "8Gi"}, "limits": {"cpu": "2", "memory": "8Gi"}},
            "primaryStorage": {
                "defaultSize": "5Gi",
                "minSize": "1Gi",
                "maxSize": "100Gi",
                "defaultStorageClassName": "sagemaker-spaces-default-storage-class",
                "defaultMountPath": "/home/sagemaker-user",
            },
            "defaultContainerConfig": {"command": [f"{ENTRYPOINTS}/{entrypoint}"]},
            "defaultPodSecurityContext": {"fsGroup": 1000},
            "defaultOwnershipType": "Public",
            "defaultAccessStrategy": {"name": "hyperpod-access-strategy", "namespace": ADDON_NAMESPACE},
            "allowSecondaryStorages": True,
            "appType": app_type,
        },
    }


def create_space_templates(store: ObjectStore) -> None:
    """The add-on's namespace and templates, installed with the cluster."""
    store.create(NAMESPACES, {"metadata": {"name": ADDON_NAMESPACE}})
    jupyter = _template(
        JUPYTER_TEMPLATE, "SageMaker Jupyter Lab", "jupyterlab", "entrypoint-workspace-jupyterlab", default=True
    )
    code_editor = _template(
        CODE_EDITOR_TEMPLATE, "SageMaker Code Editor", "code-editor", "entrypoint-workspace-code-editor", default=False
    )
    for template in (jupyter, code_editor):
        store.create(WORKSPACE_TEMPLATES, template, ADDON_NAMESPACE)


def seed_space() -> dict[str, Any]:
    """The talk's space as `hyp create hyp-space` sends it: a CPU instance through the node selector (the template's
    2 CPU / 8 GiB would not fit an ml.t3.medium), the FSx claim the training jobs use mounted at /fsx."""
    return {
        "apiVersion": WORKSPACES.api_version,
        "kind": WORKSPACES.kind,
        "metadata": {"name": SEED_SPACE, "namespace": SEED_SPACE_NAMESPACE},
        "spec": {
            "displayName": "My JupyterLab Space",
            "desiredStatus": "Running",
            "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}},
            "volumes": [{"name": "fsx", "mountPath": "/fsx", "persistentVolumeClaimName": "fsx-claim"}],
            "nodeSelector": {INSTANCE_TYPE_LABEL: "ml.t3.medium"},
            "templateRef": {"name": JUPYTER_TEMPLATE, "namespace": ADDON_NAMESPACE},
        },
    }


def create_seed_space(store: ObjectStore) -> None:
    store.create(WORKSPACES, seed_space(), SEED_SPACE_NAMESPACE)
