"""Structural schemas of the custom kinds, as their CRDs declare them: the fields of `spec` are the real CRDs' (Kueue
v0.19.2, the inference operator's and jupyter-k8s' CRDs, the HyperPod SDK's HyperPodPyTorchJob model); what lies below
them, and `status`, is `x-kubernetes-preserve-unknown-fields`, so unknown fields are found one level into `spec`."""

from __future__ import annotations

from typing import Any

from hyptui.hyperpod.kinds import ResourceKind

_SPEC_FIELDS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("sagemaker.amazonaws.com", "v1", "HyperPodPyTorchJob"): (
        "elasticPolicy",
        "nprocPerNode",
        "replicaSpecs",
        "runPolicy",
    ),
    ("kueue.x-k8s.io", "v1beta2", "ResourceFlavor"): ("nodeLabels", "nodeTaints", "tolerations", "topologyName"),
    ("kueue.x-k8s.io", "v1beta1", "ResourceFlavor"): ("nodeLabels", "nodeTaints", "tolerations", "topologyName"),
    ("kueue.x-k8s.io", "v1beta2", "ClusterQueue"): (
        "admissionChecksStrategy",
        "admissionScope",
        "cohortName",
        "concurrentAdmissionPolicy",
        "fairSharing",
        "flavorFungibility",
        "namespaceSelector",
        "preemption",
        "queueingStrategy",
        "resourceGroups",
        "stopPolicy",
    ),
    ("kueue.x-k8s.io", "v1beta1", "ClusterQueue"): (
        "admissionChecks",
        "admissionChecksStrategy",
        "admissionScope",
        "cohort",
        "fairSharing",
        "flavorFungibility",
        "namespaceSelector",
        "preemption",
        "queueingStrategy",
        "resourceGroups",
        "stopPolicy",
    ),
    ("kueue.x-k8s.io", "v1beta2", "LocalQueue"): ("clusterQueue", "fairSharing", "stopPolicy"),
    ("kueue.x-k8s.io", "v1beta1", "LocalQueue"): ("clusterQueue", "fairSharing", "stopPolicy"),
    ("kueue.x-k8s.io", "v1beta2", "Workload"): (
        "active",
        "maximumExecutionTimeSeconds",
        "podSets",
        "preemptionGates",
        "priority",
        "priorityClassRef",
        "queueName",
    ),
    ("kueue.x-k8s.io", "v1beta1", "Workload"): (
        "active",
        "maximumExecutionTimeSeconds",
        "podSets",
        "priority",
        "priorityClassName",
        "priorityClassSource",
        "queueName",
    ),
    ("workspace.jupyter.org", "v1alpha1", "Workspace"): (
        "accessStrategy",
        "accessType",
        "affinity",
        "appType",
        "containerConfig",
        "containerSecurityContext",
        "desiredStatus",
        "displayName",
        "env",
        "idleShutdown",
        "image",
        "initContainers",
        "lifecycle",
        "nodeSelector",
        "ownershipType",
        "podSecurityContext",
        "readinessProbe",
        "resources",
        "serviceAccountName",
        "storage",
        "templateRef",
        "tolerations",
        "volumes",
    ),
    ("workspace.jupyter.org", "v1alpha1", "WorkspaceTemplate"): (
        "allowCustomImages",
        "allowCustomInitContainers",
        "allowSecondaryStorages",
        "allowedImages",
        "appType",
        "baseEnv",
        "baseLabels",
        "defaultAccessStrategy",
        "defaultAccessType",
        "defaultAffinity",
        "defaultContainerConfig",
        "defaultContainerSecurityContext",
        "defaultIdleShutdown",
        "defaultImage",
        "defaultInitContainers",
        "defaultLifecycle",
        "defaultNodeSelector",
        "defaultOwnershipType",
        "defaultPodSecurityContext",
        "defaultReadinessProbe",
        "defaultResources",
        "defaultTolerations",
        "defaultVolumes",
        "description",
        "displayName",
        "envRequirements",
        "idleShutdownOverrides",
        "labelRequirements",
        "primaryStorage",
        "resourceBounds",
    ),
    ("inference.sagemaker.aws.amazon.com", "v1", "InferenceEndpointConfig"): (
        "InitialReplicaCount",
        "autoScalingSpec",
        "dataCapture",
        "dnsConfig",
        "endpointName",
        "instanceType",
        "instanceTypes",
        "intelligentRoutingSpec",
        "invocationEndpoint",
        "kubernetes",
        "kvCacheSpec",
        "loadBalancer",
        "maxDeployTimeInSeconds",
        "metrics",
        "modelName",
        "modelSourceConfig",
        "modelVersion",
        "nodeAffinity",
        "pdSpec",
        "replicas",
        "tags",
        "tlsConfig",
        "worker",
    ),
    ("inference.sagemaker.aws.amazon.com", "v1", "JumpStartModel"): (
        "autoScalingSpec",
        "dataCapture",
        "dnsConfig",
        "environmentVariables",
        "intelligentRoutingSpec",
        "kvCacheSpec",
        "loadBalancer",
        "maxDeployTimeInSeconds",
        "metrics",
        "model",
        "replicas",
        "sageMakerEndpoint",
        "server",
        "tlsConfig",
    ),
    ("inference.sagemaker.aws.amazon.com", "v1", "SageMakerEndpointRegistration"): (
        "eksClusterDetails",
        "executionRole",
        "imageUri",
        "instanceType",
        "invocationEndpoint",
        "loadBalancerHostName",
        "name",
        "restApiId",
        "sageMakerEndpointDataCaptureConfig",
        "tags",
        "tlsConfig",
    ),
}
# Top-level fields of kinds without a spec (WorkloadPriorityClass: `value`, `description`).
_TOP_LEVEL_TYPES = {"value": {"type": "integer", "format": "int32"}, "description": {"type": "string"}}
_ANYTHING: dict[str, Any] = {"x-kubernetes-preserve-unknown-fields": True}


def structural_schema(kind: ResourceKind) -> dict[str, Any]:
    """The `openAPIV3Schema` of a custom kind at its version; a kind without declared fields preserves everything."""
    properties: dict[str, Any] = {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
    }
    spec_fields = _SPEC_FIELDS.get((kind.group, kind.version, kind.kind))
    if spec_fields is None and not kind.extra_fields:
        return {"type": "object", **_ANYTHING}
    if spec_fields is not None:
        properties["spec"] = {"type": "object", "properties": {field: dict(_ANYTHING) for field in spec_fields}}
    for field in kind.extra_fields:
        properties[field] = dict(_TOP_LEVEL_TYPES.get(field, _ANYTHING))
    if kind.has_status:
        properties["status"] = {"type": "object", **_ANYTHING}
    return {"type": "object", "properties": properties}
