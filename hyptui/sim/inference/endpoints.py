"""The two endpoint kinds of the HyperPod inference operator read as one: what to deploy (image, resources, instance
types, replicas, autoscaling) and which SageMaker endpoint fronts it, for the simulated operator and the runtime API.

An InferenceEndpointConfig names its image and resources; a JumpStartModel names a model id, and the operator picks
the serving image (the LMI container JumpStart lists for text-generation models) and takes every GPU of the instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, ResourceKind
from hyptui.hyperpod.labels import INSTANCE_TYPE_LABEL
from hyptui.hyperpod.resources import GPU
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.nodes.hyperpod_nodes import INSTANCE_TYPES

ENDPOINT_KINDS: tuple[ResourceKind, ...] = (INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS)
ACCOUNT_ID = "123456789012"  # the simulated AWS account (moto's default too)
DEFAULT_REGION = "us-east-2"
DEFAULT_MAX_DEPLOY_SECONDS = 3600
DJL_LMI_IMAGE = "763104351884.dkr.ecr.{region}.amazonaws.com/djl-inference:0.32.0-lmi14.0.0-cu124"
JUMPSTART_HUB = "SageMakerPublicHub"
# Simulation knob: the current value of the endpoint's autoscaling metric (e.g. invocations per minute), set with
# `kubectl annotate`; it stands in for the CloudWatch/Prometheus query KEDA would run (chosen, not a real annotation).
LOAD_ANNOTATION = "sim.hyptui.io/load"


@dataclass(frozen=True, slots=True)
class Autoscaling:
    """`autoScalingSpec` with the CRD's defaults, reduced to what the simulated KEDA/HPA pair acts on."""

    min_replicas: int
    max_replicas: int
    target: float
    metric_type: str  # Average: the metric is shared by the pods; Value: compared as is
    metric_name: str
    polling_seconds: int
    scale_down_stabilization_seconds: int

    def desired(self, load: float, current: int) -> int:
        """HPA's formula: ceil(current x metric / target), the metric averaged over the pods for Average."""
        if self.target <= 0:
            return current
        ratio = load / self.target if self.metric_type == "Average" else max(1, current) * load / self.target
        return max(self.min_replicas, min(self.max_replicas, math.ceil(ratio - 1e-9)))


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    kind: ResourceKind
    namespace: str
    name: str
    uid: str
    sagemaker_name: str  # "" when no SageMaker endpoint is to be created
    model_name: str
    model_source: str  # where the weights come from, as the model server logs it
    instance_types: tuple[str, ...]
    node_affinity: dict[str, Any] | None
    image: str
    port: int
    env: tuple[tuple[str, str], ...]
    resources: dict[str, dict[str, Any]]
    command: tuple[str, ...]
    args: tuple[str, ...]
    volume_mount: dict[str, str]
    replicas: int
    max_deploy_seconds: int
    invocation_path: str
    autoscaling: Autoscaling | None
    eula_required_not_accepted: bool  # a gated JumpStart model whose EULA was not accepted
    load: float | None  # the LOAD_ANNOTATION value, when set and numeric


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _trigger(spec: dict) -> dict | None:
    """The first metric trigger with a target: the *List forms take priority, as the CRD documents."""
    candidates: list[Any] = []
    for key in ("cloudWatchTriggerList", "prometheusTriggerList"):
        candidates += spec.get(key) or []
    for key in ("cloudWatchTrigger", "prometheusTrigger"):
        value = spec.get(key)
        candidates += value if isinstance(value, list) else [value]
    return next((t for t in candidates if isinstance(t, dict) and _float(t.get("targetValue")) is not None), None)


def _autoscaling(spec: dict) -> Autoscaling | None:
    scaling = spec.get("autoScalingSpec") or {}
    trigger = _trigger(scaling)
    if trigger is None:
        return None
    minimum = _int(scaling.get("minReplicaCount"), 1)
    return Autoscaling(
        min_replicas=minimum,
        max_replicas=max(minimum, _int(scaling.get("maxReplicaCount"), 5)),
        target=_float(trigger.get("targetValue")) or 0.0,
        metric_type=str(trigger.get("metricType") or "Average"),
        metric_name=str(trigger.get("metricName") or trigger.get("query") or trigger.get("name") or "load"),
        polling_seconds=max(1, _int(scaling.get("pollingInterval"), 30)),
        scale_down_stabilization_seconds=_int(scaling.get("scaleDownStabilizationTime"), 300),
    )


def _instance_types_of_affinity(affinity: dict) -> tuple[str, ...]:
    required = (affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or []
    found: list[str] = []
    for term in required:
        for expression in term.get("matchExpressions") or []:
            if expression.get("key") == INSTANCE_TYPE_LABEL and expression.get("operator") == "In":
                found += [str(v) for v in expression.get("values") or []]
    return tuple(found)


def _model_source(source: dict) -> str:
    kind = source.get("modelSourceType")
    location = str(source.get("modelLocation") or "").strip("/")
    if kind == "s3":
        bucket = (source.get("s3Storage") or {}).get("bucketName", "")
        return f"s3://{bucket}/{location}".rstrip("/")
    if kind == "fsx":
        fsx = source.get("fsxStorage") or {}
        return f"fsx://{fsx.get('fileSystemId', '')}/{fsx.get('mountName', '')}/{location}".rstrip("/")
    if kind == "huggingface":
        return f"hf://{(source.get('huggingFaceModel') or {}).get('modelId', '')}"
    return f"pvc://{location}"


def _env(items: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(e.get("name")), str(e.get("value", ""))) for e in items or [] if isinstance(e, dict))


def _load(obj: dict) -> float | None:
    return _float((obj["metadata"].get("annotations") or {}).get(LOAD_ANNOTATION))


def _jumpstart_resources(instance_type: str, partition: str | None) -> dict[str, dict[str, Any]]:
    if partition:
        return {"requests": {f"nvidia.com/{partition}": "1"}, "limits": {f"nvidia.com/{partition}": "1"}}
    known = INSTANCE_TYPES.get(instance_type)
    gpus = known.gpus if known else 1
    return {"requests": {GPU: str(gpus)}, "limits": {GPU: str(gpus)}}


def endpoint_spec(kind: ResourceKind, obj: dict, region: str = DEFAULT_REGION) -> EndpointSpec:
    metadata, spec = obj["metadata"], obj.get("spec") or {}
    common = {
        "kind": kind,
        "namespace": metadata["namespace"],
        "name": metadata["name"],
        "uid": metadata["uid"],
        "replicas": max(0, _int(spec.get("replicas"), 1)),
        "max_deploy_seconds": _int(spec.get("maxDeployTimeInSeconds"), DEFAULT_MAX_DEPLOY_SECONDS),
        "autoscaling": _autoscaling(spec),
        "load": _load(obj),
    }
    if kind.key == JUMPSTART_MODELS.key:
        model, server = spec.get("model") or {}, spec.get("server") or {}
        model_id = str(model.get("modelId") or "")
        instance_type = str(server.get("instanceType") or "")
        hub = model.get("modelHubName") or JUMPSTART_HUB
        version = model.get("modelVersion") or "*"
        return EndpointSpec(
            **common,
            sagemaker_name=str((spec.get("sageMakerEndpoint") or {}).get("name") or ""),
            model_name=model_id,
            model_source=f"s3://jumpstart-cache-prod-{region}/{hub}/{model_id}/{version}/artifacts/inference-prepack/",
            instance_types=(instance_type,) if instance_type else (),
            node_affinity=None,
            image=DJL_LMI_IMAGE.format(region=region),
            port=8080,
            env=_env(spec.get("environmentVariables")) or (("SM_NUM_GPUS", "all"), ("OPTION_ROLLING_BATCH", "vllm")),
            resources=_jumpstart_resources(instance_type, server.get("acceleratorPartitionType")),
            command=(),
            args=(),
            volume_mount={"name": "model-weights", "mountPath": "/opt/ml/model"},
            invocation_path="invocations",
            # Gated JumpStart models (Meta's Llama family) refuse to deploy until their EULA is accepted.
            eula_required_not_accepted=model_id.startswith("meta-") and model.get("acceptEula") is not True,
        )
    worker = spec.get("worker") or {}
    affinity = spec.get("nodeAffinity") or None
    if spec.get("instanceType"):
        instance_types: tuple[str, ...] = (str(spec["instanceType"]),)
    elif spec.get("instanceTypes"):
        instance_types = tuple(str(t) for t in spec["instanceTypes"])
    else:
        instance_types = _instance_types_of_affinity(affinity or {})
    resources = worker.get("resources") or {}
    endpoint_name = spec.get("endpointName")
    return EndpointSpec(
        **common,
        sagemaker_name=str(endpoint_name) if endpoint_name not in (None, "") else "",
        model_name=str(spec.get("modelName") or metadata["name"]),
        model_source=_model_source(spec.get("modelSourceConfig") or {}),
        instance_types=instance_types,
        node_affinity=affinity if not spec.get("instanceType") and not spec.get("instanceTypes") else None,
        image=str(worker.get("image") or ""),
        port=_int((worker.get("modelInvocationPort") or {}).get("containerPort"), 8080),
        env=_env(worker.get("environmentVariables")),
        resources={k: dict(v) for k, v in resources.items() if k in ("requests", "limits") and isinstance(v, dict)},
        command=tuple(str(c) for c in worker.get("command") or []),
        args=tuple(str(a) for a in worker.get("args") or []),
        volume_mount={
            "name": str((worker.get("modelVolumeMount") or {}).get("name") or "model-weights"),
            "mountPath": str((worker.get("modelVolumeMount") or {}).get("mountPath") or "/opt/ml/model"),
        },
        invocation_path=str(spec.get("invocationEndpoint") or "invocations"),
        eula_required_not_accepted=False,
    )


@dataclass(frozen=True, slots=True)
class SageMakerEndpoint:
    """A SageMaker endpoint as the runtime API sees it: InService once the operator's registration completed."""

    name: str
    status: str  # Creating | InService | Deleting | Failed
    endpoint: EndpointSpec
    ready_replicas: int


_SAGEMAKER_STATUS = {
    "CreationInProgress": "Creating",
    "CreationCompleted": "InService",
    "CreationFailed": "Failed",
    "UpdateInProgress": "Updating",
    "UpdateCompleted": "InService",
    "UpdateFailed": "Failed",
    "DeletionInProgress": "Deleting",
}


def find_sagemaker_endpoint(store: ObjectStore, name: str) -> SageMakerEndpoint | None:
    """The endpoint whose SageMaker endpoint is `name`, once the operator has started creating it."""
    for kind in ENDPOINT_KINDS:
        for obj in store.list(kind)[0]:
            spec = endpoint_spec(kind, obj)
            state = (((obj.get("status") or {}).get("endpoints") or {}).get("sagemaker") or {}).get("state")
            if spec.sagemaker_name != name or state not in _SAGEMAKER_STATUS:
                continue
            counts = ((obj.get("status") or {}).get("deploymentStatus") or {}).get("status") or {}
            return SageMakerEndpoint(name, _SAGEMAKER_STATUS[state], spec, int(counts.get("readyReplicas") or 0))
    return None
