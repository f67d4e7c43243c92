"""Inference endpoints as a person reads them: one row per InferenceEndpointConfig (custom) or JumpStartModel, and
for one endpoint where its model comes from, what it runs on, how far its deployment and its SageMaker endpoint have
got (with how long that usually takes), why it failed, and its pods (labelled `app=<name>` by the operator)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hyptui.hyperpod.age import human_duration, parse_time
from hyptui.hyperpod.conditions import find_condition
from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS, ResourceKind
from hyptui.hyperpod.namespaces import INFERENCE_OPERATOR_NAMESPACE
from hyptui.store.state import AppState, KubeObject, ObjectKey
from hyptui.views.events import EventCells, related_event_rows
from hyptui.views.pods import app_pods

ENDPOINT_KINDS: tuple[ResourceKind, ...] = (INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS)
KIND_LABELS = {INFERENCE_ENDPOINT_CONFIGS.key: "custom", JUMPSTART_MODELS.key: "JumpStart"}
# `hyp get-operator-logs` for endpoints reads the first pod of this namespace

DEPLOYMENT_PENDING = "DeploymentPending"
DEPLOYMENT_IN_PROGRESS = "DeploymentInProgress"
DEPLOYMENT_COMPLETE = "DeploymentComplete"
DEPLOYMENT_FAILED = "DeploymentFailed"
CREATION_IN_PROGRESS = "CreationInProgress"
CREATION_COMPLETED = "CreationCompleted"
SAGEMAKER_CONDITION = "SageMakerEndpointRegistrationComplete"  # False while the endpoint is being created
NO_SAGEMAKER_ENDPOINT = "-"  # endpointName "" asks the operator for no SageMaker endpoint

# What the HyperPod docs and `hyp describe` announce, shown beside a state that is taking its time.
DEPLOYING_HINT = "usually 1-5 min"
SAGEMAKER_HINT = "usually ~10 min"


def endpoint_key(kind: ResourceKind, namespace: str, name: str) -> str:
    """A row key naming the kind too, since a custom endpoint and a JumpStart model may share a name."""
    return f"{kind.key}/{namespace}/{name}"


def split_endpoint_key(key: str) -> tuple[ResourceKind, ObjectKey]:
    kind_key, namespace, name = key.split("/", 2)
    kind = next(kind for kind in ENDPOINT_KINDS if kind.key == kind_key)
    return kind, (namespace, name)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _spec(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    return _map(raw.get("spec"))


def _status(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    return _map(raw.get("status"))


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def is_jumpstart(kind: ResourceKind) -> bool:
    return kind.key == JUMPSTART_MODELS.key


def model_name(kind: ResourceKind, raw: Mapping[str, Any]) -> str:
    spec = _spec(raw)
    if is_jumpstart(kind):
        return str(_map(spec.get("model")).get("modelId") or "")
    return str(spec.get("modelName") or "")


def instance_type(kind: ResourceKind, raw: Mapping[str, Any]) -> str:
    spec = _spec(raw)
    if is_jumpstart(kind):
        return str(_map(spec.get("server")).get("instanceType") or "")
    if spec.get("instanceType"):
        return str(spec["instanceType"])
    if spec.get("instanceTypes"):
        return ",".join(str(t) for t in spec["instanceTypes"])
    return "node affinity" if spec.get("nodeAffinity") else ""


def sagemaker_endpoint_name(kind: ResourceKind, raw: Mapping[str, Any]) -> str:
    """The SageMaker endpoint the operator registers ("" when none is asked for)."""
    spec = _spec(raw)
    if is_jumpstart(kind):
        return str(_map(spec.get("sageMakerEndpoint")).get("name") or "")
    return str(spec.get("endpointName") or "")


def deployment_state(raw: Mapping[str, Any]) -> str:
    """The overall state: a Deletion* state while the operator tears the endpoint down, else the deployment's."""
    status = _status(raw)
    state = str(status.get("state") or "")
    if state.startswith("Deletion"):
        return state
    overall = _map(status.get("deploymentStatus")).get("deploymentObjectOverallState")
    return str(overall or state or DEPLOYMENT_PENDING)


def sagemaker_state(kind: ResourceKind, raw: Mapping[str, Any]) -> str:
    state = _map(_map(_status(raw).get("endpoints")).get("sagemaker")).get("state")
    if state:
        return str(state)
    return "" if sagemaker_endpoint_name(kind, raw) else NO_SAGEMAKER_ENDPOINT


def _replica_counts(kind: ResourceKind, raw: Mapping[str, Any]) -> tuple[int, int]:
    status = _status(raw)
    counts = _map(_map(status.get("deploymentStatus")).get("status"))
    desired = _int(status.get("replicas"), _int(_spec(raw).get("replicas"), 1))
    return _int(counts.get("readyReplicas")), desired


@dataclass(frozen=True, slots=True)
class EndpointRow:
    key: str  # endpoint_key()
    kind: ResourceKind
    namespace: str
    name: str
    kind_label: str  # custom | JumpStart
    model: str
    instance_type: str
    ready: int
    desired: int
    deployment: str
    sagemaker: str
    sagemaker_endpoint: str  # "" when none is asked for
    age: str
    created: datetime | None

    @property
    def replicas(self) -> str:
        return f"{self.ready}/{self.desired}"

    @property
    def in_service(self) -> bool:
        return self.sagemaker == CREATION_COMPLETED


def endpoint_row(kind: ResourceKind, obj: KubeObject, now: datetime) -> EndpointRow:
    raw = obj.raw
    ready, desired = _replica_counts(kind, raw)
    return EndpointRow(
        key=endpoint_key(kind, obj.namespace, obj.name),
        kind=kind,
        namespace=obj.namespace,
        name=obj.name,
        kind_label=KIND_LABELS[kind.key],
        model=model_name(kind, raw),
        instance_type=instance_type(kind, raw),
        ready=ready,
        desired=desired,
        deployment=deployment_state(raw),
        sagemaker=sagemaker_state(kind, raw),
        sagemaker_endpoint=sagemaker_endpoint_name(kind, raw),
        age=human_duration(now - obj.created) if obj.created else "",
        created=obj.created,
    )


def endpoint_rows(state: AppState, now: datetime) -> tuple[EndpointRow, ...]:
    """Every endpoint of both kinds in scope, by namespace and name."""
    rows = [
        endpoint_row(kind, obj, now) for kind in ENDPOINT_KINDS for obj in state.collection(kind.key).objects.values()
    ]
    return tuple(sorted(rows, key=lambda row: (row.namespace, row.name, row.kind_label)))


def find_endpoint(state: AppState, key: str) -> tuple[ResourceKind, KubeObject] | None:
    kind, object_key = split_endpoint_key(key)
    obj = state.collection(kind.key).objects.get(object_key)
    return (kind, obj) if obj is not None else None


# -- one endpoint ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionRow:
    type: str
    status: str
    reason: str
    since: str  # time in this status, kubectl-style
    message: str


@dataclass(frozen=True, slots=True)
class EndpointDetail:
    row: EndpointRow
    summary: tuple[tuple[str, str], ...]  # (label, value) lines
    progress: str  # how long the current step has taken and usually takes; "" once settled
    failure: str  # reason and message of a DeploymentFailed; "" otherwise
    conditions: tuple[ConditionRow, ...]
    pods: tuple[KubeObject, ...]
    events: tuple[EventCells, ...]  # about the endpoint and its pods, oldest first


def model_source(kind: ResourceKind, raw: Mapping[str, Any]) -> str:
    spec = _spec(raw)
    if is_jumpstart(kind):
        model = _map(spec.get("model"))
        version = model.get("modelVersion") or "latest"
        hub = model.get("modelHubName") or "SageMakerPublicHub"
        return f"JumpStart {model.get('modelId', '')} {version} ({hub})"
    source = _map(spec.get("modelSourceConfig"))
    kind_name = source.get("modelSourceType")
    location = str(source.get("modelLocation") or "").strip("/")
    if kind_name == "s3":
        s3 = _map(source.get("s3Storage"))
        region = f" ({s3['region']})" if s3.get("region") else ""
        return f"S3 s3://{s3.get('bucketName', '')}/{location}".rstrip("/") + region
    if kind_name == "fsx":
        fsx = _map(source.get("fsxStorage"))
        where = "/".join(p for p in (str(fsx.get("mountName") or ""), location) if p)
        return f"FSx {fsx.get('fileSystemId', '')}:/{where}" + (f" ({fsx['dnsName']})" if fsx.get("dnsName") else "")
    if kind_name == "huggingface":
        hf = _map(source.get("huggingFaceModel"))
        commit = f" @ {str(hf['commitSHA'])[:12]}" if hf.get("commitSHA") else ""
        return f"Hugging Face {hf.get('modelId', '')}{commit}"
    if kind_name:
        return f"{kind_name} {location}".strip()
    return ""


def _pod_image(pods: Iterable[KubeObject]) -> str:
    for pod in pods:
        for container in _map(pod.raw.get("spec")).get("containers") or []:
            if _map(container).get("image"):
                return str(container["image"])
    return ""


def _quantities(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(values.items()))


def resources_text(kind: ResourceKind, raw: Mapping[str, Any], pods: tuple[KubeObject, ...]) -> str:
    spec = _spec(raw)
    if is_jumpstart(kind):
        partition = _map(spec.get("server")).get("acceleratorPartitionType")
        if partition:
            return f"1 {partition} GPU partition"
        containers = [_map(c) for pod in pods[:1] for c in _map(pod.raw.get("spec")).get("containers") or []]
        resources = _map(containers[0].get("resources")) if containers else {}
    else:
        resources = _map(_map(spec.get("worker")).get("resources"))
    requests, limits = _map(resources.get("requests")), _map(resources.get("limits"))
    parts = []
    if requests:
        parts.append(f"requests {_quantities(requests)}")
    if limits:
        parts.append(f"limits {_quantities(limits)}")
    if parts:
        return "; ".join(parts)
    return "every GPU of the instance" if is_jumpstart(kind) else "none requested"


def _triggers(scaling: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Any] = []
    for key in ("cloudWatchTriggerList", "prometheusTriggerList", "cloudWatchTrigger", "prometheusTrigger"):
        value = scaling.get(key)
        found += value if isinstance(value, list) else [value]
    return [_map(t) for t in found if _map(t).get("targetValue") is not None]


def autoscaling_text(raw: Mapping[str, Any], desired: int) -> str:
    """min-max replicas and the metric that scales them; the template writes a trigger without a target by
    default, which scales nothing."""
    scaling = _map(_spec(raw).get("autoScalingSpec"))
    triggers = _triggers(scaling)
    if not triggers:
        return f"off · {desired} replica{'s' * (desired != 1)}"
    trigger = triggers[0]
    minimum = _int(scaling.get("minReplicaCount"), 1)
    maximum = _int(scaling.get("maxReplicaCount"), 5)
    metric = trigger.get("metricName") or trigger.get("query") or trigger.get("name") or "metric"
    per = " per pod" if (trigger.get("metricType") or "Average") == "Average" else ""
    return f"{minimum}-{maximum} replicas on {metric} (target {trigger['targetValue']}{per}) · now {desired}"


def tls_text(raw: Mapping[str, Any]) -> str:
    certificate = _map(_status(raw).get("tlsCertificate"))
    config = _map(_spec(raw).get("tlsConfig"))
    custom = _map(config.get("customCertificateConfig"))
    if certificate:
        name = certificate.get("certificateName") or certificate.get("certificateARN") or "certificate"
        health = certificate.get("certificateHealth") or "unknown health"
        expires = f", expires {certificate['lastCertExpiryTime']}" if certificate.get("lastCertExpiryTime") else ""
        return f"{name}: {health}{expires}"
    if custom:
        return f"custom certificate for {custom.get('domainName', '')} (ACM {custom.get('acmArn', '')})"
    output = config.get("tlsCertificateOutputS3Uri")
    return "not issued yet" + (f" · written to {output}" if output else "")


def _sagemaker_text(row: EndpointRow, raw: Mapping[str, Any]) -> str:
    if not row.sagemaker_endpoint:
        return "none (endpoint name left empty)"
    arn = _map(_map(_status(raw).get("endpoints")).get("sagemaker")).get("endpointArn")
    state = row.sagemaker or "not created yet"
    return f"{row.sagemaker_endpoint} · {state}" + (f" · {arn}" if arn else "")


def _conditions(raw: Mapping[str, Any], now: datetime) -> tuple[ConditionRow, ...]:
    """The endpoint's conditions, then its model Deployment's (prefixed, so Available reads as the Deployment's)."""
    status = _status(raw)
    deployment = _map(_map(status.get("deploymentStatus")).get("status"))
    rows = []
    for prefix, conditions in (("", status.get("conditions")), ("Deployment ", deployment.get("conditions"))):
        for condition in conditions or []:
            condition = _map(condition)
            changed = parse_time(condition.get("lastTransitionTime"))
            rows.append(
                ConditionRow(
                    type=prefix + str(condition.get("type") or ""),
                    status=str(condition.get("status") or ""),
                    reason=str(condition.get("reason") or ""),
                    since=human_duration(now - changed) if changed else "",
                    message=str(condition.get("message") or ""),
                )
            )
    return tuple(rows)


def _condition_since(raw: Mapping[str, Any], condition_type: str) -> datetime | None:
    found = find_condition(raw, condition_type)
    return parse_time(found.get("lastTransitionTime")) if found is not None else None


def progress_text(row: EndpointRow, raw: Mapping[str, Any], now: datetime) -> str:
    if row.deployment in (DEPLOYMENT_PENDING, DEPLOYMENT_IN_PROGRESS):
        took = f" for {human_duration(now - row.created)}" if row.created else ""
        return f"Deploying the model{took} ({DEPLOYING_HINT}) · {row.ready}/{row.desired} pods ready"
    if row.deployment == DEPLOYMENT_COMPLETE and row.sagemaker == CREATION_IN_PROGRESS:
        since = _condition_since(raw, SAGEMAKER_CONDITION)
        took = f" for {human_duration(now - since)}" if since else ""
        return f"Creating SageMaker endpoint {row.sagemaker_endpoint}{took} ({SAGEMAKER_HINT})"
    return ""


def failure_text(row: EndpointRow, raw: Mapping[str, Any]) -> str:
    if row.deployment != DEPLOYMENT_FAILED:
        return ""
    deployment = _map(_status(raw).get("deploymentStatus"))
    reason, message = deployment.get("reason") or "", deployment.get("message") or ""
    return f"{reason}: {message}" if reason and message else str(reason or message or "no reason given")


def endpoint_pods(state: AppState, namespace: str, name: str) -> tuple[KubeObject, ...]:
    """The endpoint's model pods, found as `hyp list-pods` does: label app=<name> in its namespace."""
    return app_pods(state, namespace, name)


def endpoint_detail(state: AppState, key: str, now: datetime) -> EndpointDetail | None:
    found = find_endpoint(state, key)
    if found is None:
        return None
    kind, obj = found
    raw = obj.raw
    row = endpoint_row(kind, obj, now)
    pods = endpoint_pods(state, obj.namespace, obj.name)
    image = _pod_image(pods) if is_jumpstart(kind) else str(_map(_spec(raw).get("worker")).get("image") or "")
    summary = (
        ("Kind", f"{kind.kind} ({row.kind_label})"),
        ("Model", row.model),
        ("Model source", model_source(kind, raw)),
        ("Image", image or "chosen by the operator"),
        ("Instance type", row.instance_type),
        ("Resources", resources_text(kind, raw, pods)),
        ("Replicas", f"{row.ready}/{row.desired} ready"),
        ("Autoscaling", autoscaling_text(raw, row.desired)),
        ("SageMaker endpoint", _sagemaker_text(row, raw)),
        ("TLS certificate", tls_text(raw)),
    )
    return EndpointDetail(
        row=row,
        summary=summary,
        progress=progress_text(row, raw, now),
        failure=failure_text(row, raw),
        conditions=_conditions(raw, now),
        pods=pods,
        events=related_event_rows(state, obj.namespace, kind.kind, obj.name, [pod.name for pod in pods], now),
    )


def not_in_service_reason(row: EndpointRow) -> str:
    """Why invoking would fail now, in the user's terms; "" when the SageMaker endpoint is in service."""
    if not row.sagemaker_endpoint:
        return f"{row.name} has no SageMaker endpoint (its endpoint name is empty), so there is nothing to invoke."
    if row.in_service:
        return ""
    if row.deployment == DEPLOYMENT_FAILED:
        return f"{row.name} failed to deploy, so SageMaker endpoint {row.sagemaker_endpoint} will not be created."
    if row.deployment != DEPLOYMENT_COMPLETE:
        return (
            f"SageMaker endpoint {row.sagemaker_endpoint} is not created yet: the model is still deploying "
            f"({row.deployment}, {DEPLOYING_HINT}). Invocations fail until it is CreationCompleted."
        )
    return (
        f"SageMaker endpoint {row.sagemaker_endpoint} is not in service yet ({row.sagemaker or 'being registered'}, "
        f"{SAGEMAKER_HINT}). Invocations fail until it is CreationCompleted."
    )


def inference_operator_pod(state: AppState) -> KubeObject | None:
    """The pod `hyp get-operator-logs` reads for endpoints: the first in the inference operator's namespace."""
    pods = [pod for pod in state.collection(PODS.key).objects.values() if pod.namespace == INFERENCE_OPERATOR_NAMESPACE]
    return min(pods, key=lambda pod: pod.name) if pods else None
