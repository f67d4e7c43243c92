"""Endpoint rows and details from state: both kinds side by side, every model source, autoscaling, TLS, time in state
with the expected duration, the failure reason, the pods labelled app=<name>, and why an invoke would fail now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hyptui.hyperpod.kinds import EVENTS, INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS
from hyptui.store.actions import InvocationRecorded, ListLoaded
from hyptui.store.reducers import INVOCATION_HISTORY, reduce, reduce_many
from hyptui.store.selectors import invocation_history
from hyptui.store.state import EMPTY_STATE, AppState, Invocation
from hyptui.views.endpoints import (
    endpoint_detail,
    endpoint_key,
    endpoint_rows,
    inference_operator_pod,
    model_source,
    not_in_service_reason,
    split_endpoint_key,
)

NOW = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)


def stamp(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def condition(kind: str, status: str, reason: str, minutes_ago: float, message: str = "") -> dict[str, Any]:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": stamp(minutes_ago),
    }


def custom(name: str = "llama", status: dict | None = None, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": INFERENCE_ENDPOINT_CONFIGS.api_version,
        "kind": INFERENCE_ENDPOINT_CONFIGS.kind,
        "metadata": {"name": name, "namespace": "default", "uid": name, "creationTimestamp": stamp(3)},
        "spec": {
            "endpointName": name,
            "modelName": "llama3-8b",
            "instanceType": "ml.g5.12xlarge",
            "replicas": 1,
            "modelSourceConfig": {
                "modelSourceType": "s3",
                "modelLocation": "models/llama/",
                "s3Storage": {"bucketName": "demo-models", "region": "us-east-2"},
            },
            "worker": {
                "image": "djl-inference:0.32.0-lmi14.0.0-cu124",
                "resources": {"requests": {"nvidia.com/gpu": 1, "cpu": "4"}, "limits": {"nvidia.com/gpu": 1}},
            },
            "tlsConfig": {"tlsCertificateOutputS3Uri": "s3://tls-bucket/certs"},
            **spec,
        },
        "status": status or {},
    }


def jumpstart(name: str = "qwen", status: dict | None = None) -> dict[str, Any]:
    return {
        "apiVersion": JUMPSTART_MODELS.api_version,
        "kind": JUMPSTART_MODELS.kind,
        "metadata": {"name": name, "namespace": "default", "uid": name, "creationTimestamp": stamp(20)},
        "spec": {
            "model": {"modelId": "huggingface-llm-qwen2-5-7b-instruct", "modelHubName": "SageMakerPublicHub"},
            "sageMakerEndpoint": {"name": "qwen-chat"},
            "server": {"instanceType": "ml.g5.12xlarge"},
        },
        "status": status or {},
    }


def pod(name: str, app: str, namespace: str = "default", image: str = "lmi:1", gpus: int = 4) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": app}, "creationTimestamp": stamp(2)},
        "spec": {
            "nodeName": "hyperpod-i-1",
            "containers": [{"name": "worker", "image": image, "resources": {"requests": {"nvidia.com/gpu": gpus}}}],
        },
        "status": {"phase": "Running"},
    }


IN_PROGRESS = {
    "state": "DeploymentInProgress",
    "replicas": 1,
    "deploymentStatus": {"deploymentObjectOverallState": "DeploymentInProgress", "status": {"replicas": 1}},
    "conditions": [
        condition("DeploymentPending", "False", "Validated", 3),
        condition("DeploymentInProgress", "True", "DeploymentInProgress", 3, "Deployment llama created"),
    ],
}
IN_SERVICE = {
    "state": "DeploymentComplete",
    "replicas": 1,
    "deploymentStatus": {
        "deploymentObjectOverallState": "DeploymentComplete",
        "status": {
            "replicas": 1,
            "readyReplicas": 1,
            "conditions": [condition("Available", "True", "MinimumReplicasAvailable", 12)],
        },
    },
    "endpoints": {"sagemaker": {"state": "CreationCompleted", "endpointArn": "arn:aws:sagemaker:endpoint/qwen-chat"}},
    "conditions": [
        condition("DeploymentComplete", "True", "DeploymentComplete", 12),
        condition("SageMakerEndpointRegistrationComplete", "True", "CreationCompleted", 4),
    ],
}


def state_of(*objects: dict[str, Any], pods: tuple[dict, ...] = (), events: tuple[dict, ...] = ()) -> AppState:
    by_kind: dict[str, list[dict]] = {INFERENCE_ENDPOINT_CONFIGS.key: [], JUMPSTART_MODELS.key: []}
    for obj in objects:
        kind = INFERENCE_ENDPOINT_CONFIGS if obj["kind"] == INFERENCE_ENDPOINT_CONFIGS.kind else JUMPSTART_MODELS
        by_kind[kind.key].append(obj)
    actions = [ListLoaded(key, tuple(items), "1") for key, items in by_kind.items()]
    actions += [ListLoaded(PODS.key, tuple(pods), "1"), ListLoaded(EVENTS.key, tuple(events), "1")]
    return reduce_many(EMPTY_STATE, actions)


def test_rows_show_both_kinds_with_their_states_replicas_and_age() -> None:
    state = state_of(custom(status=IN_PROGRESS), jumpstart(status=IN_SERVICE), custom("bare", endpointName=""))
    rows = {row.name: row for row in endpoint_rows(state, NOW)}
    llama, qwen, bare = rows["llama"], rows["qwen"], rows["bare"]
    assert (llama.kind_label, llama.model, llama.instance_type) == ("custom", "llama3-8b", "ml.g5.12xlarge")
    assert (llama.replicas, llama.deployment, llama.sagemaker, llama.age) == ("0/1", "DeploymentInProgress", "", "3m")
    assert (qwen.kind_label, qwen.model) == ("JumpStart", "huggingface-llm-qwen2-5-7b-instruct")
    assert (qwen.replicas, qwen.deployment, qwen.sagemaker) == ("1/1", "DeploymentComplete", "CreationCompleted")
    assert qwen.sagemaker_endpoint == "qwen-chat"
    assert (bare.deployment, bare.sagemaker) == ("DeploymentPending", "-")  # not yet seen by the operator; no SM
    assert qwen.key == "jumpstartmodels/default/qwen"
    assert split_endpoint_key(qwen.key) == (JUMPSTART_MODELS, ("default", "qwen"))


def test_a_custom_and_a_jumpstart_endpoint_of_the_same_name_are_two_rows() -> None:
    state = state_of(custom("same"), jumpstart("same"))
    assert [row.key for row in endpoint_rows(state, NOW)] == [
        endpoint_key(JUMPSTART_MODELS, "default", "same"),
        endpoint_key(INFERENCE_ENDPOINT_CONFIGS, "default", "same"),
    ]


def test_deletion_states_win_over_the_last_deployment_state() -> None:
    deleting = {**IN_SERVICE, "state": "DeletionInProgress"}
    assert endpoint_rows(state_of(custom(status=deleting)), NOW)[0].deployment == "DeletionInProgress"


def test_every_model_source_is_spelled_out() -> None:
    def source(config: dict[str, Any]) -> str:
        return model_source(INFERENCE_ENDPOINT_CONFIGS, custom(modelSourceConfig=config))

    assert source(custom()["spec"]["modelSourceConfig"]) == "S3 s3://demo-models/models/llama (us-east-2)"
    fsx = {"fileSystemId": "fs-0abc", "mountName": "fsx1", "dnsName": "fs-0abc.fsx.aws"}
    assert source({"modelSourceType": "fsx", "modelLocation": "llama", "fsxStorage": fsx}) == (
        "FSx fs-0abc:/fsx1/llama (fs-0abc.fsx.aws)"
    )
    hf = {"modelId": "meta-llama/Llama-3.1-8B", "commitSHA": "0123456789abcdef0123"}
    assert source({"modelSourceType": "huggingface", "huggingFaceModel": hf}) == (
        "Hugging Face meta-llama/Llama-3.1-8B @ 0123456789ab"
    )
    assert model_source(JUMPSTART_MODELS, jumpstart()) == (
        "JumpStart huggingface-llm-qwen2-5-7b-instruct latest (SageMakerPublicHub)"
    )


def test_the_detail_while_deploying_says_how_long_and_how_long_it_usually_takes() -> None:
    state = state_of(custom(status=IN_PROGRESS), pods=(pod("llama-abc", "llama"), pod("other-x", "other")))
    detail = endpoint_detail(state, "inferenceendpointconfigs/default/llama", NOW)
    assert detail is not None
    assert detail.progress == "Deploying the model for 3m (usually 1-5 min) · 0/1 pods ready"
    assert detail.failure == ""
    summary = dict(detail.summary)
    assert summary["Image"] == "djl-inference:0.32.0-lmi14.0.0-cu124"
    assert summary["Resources"] == "requests cpu=4, nvidia.com/gpu=1; limits nvidia.com/gpu=1"
    assert summary["Autoscaling"] == "off · 1 replica"
    assert summary["SageMaker endpoint"] == "llama · not created yet"
    assert summary["TLS certificate"] == "not issued yet · written to s3://tls-bucket/certs"
    assert [(c.type, c.status, c.since) for c in detail.conditions] == [
        ("DeploymentPending", "False", "3m"),
        ("DeploymentInProgress", "True", "3m"),
    ]
    assert [p.name for p in detail.pods] == ["llama-abc"]  # app=llama only


def test_the_detail_while_the_sagemaker_endpoint_is_created() -> None:
    creating = {
        **IN_SERVICE,
        "endpoints": {"sagemaker": {"state": "CreationInProgress"}},
        "conditions": [condition("SageMakerEndpointRegistrationComplete", "False", "CreationInProgress", 4)],
    }
    detail = endpoint_detail(state_of(custom(status=creating)), "inferenceendpointconfigs/default/llama", NOW)
    assert detail is not None
    assert detail.progress == "Creating SageMaker endpoint llama for 4m (usually ~10 min)"


def test_a_failed_deployment_shows_its_reason() -> None:
    failed = {
        "state": "DeploymentFailed",
        "deploymentStatus": {
            "deploymentObjectOverallState": "DeploymentFailed",
            "reason": "InsufficientCapacity",
            "message": "The worker requests 8 nvidia.com/gpu but ml.g5.12xlarge has at most 4 per instance",
        },
    }
    detail = endpoint_detail(state_of(custom(status=failed)), "inferenceendpointconfigs/default/llama", NOW)
    assert detail is not None
    assert detail.failure == (
        "InsufficientCapacity: The worker requests 8 nvidia.com/gpu but ml.g5.12xlarge has at most 4 per instance"
    )
    assert detail.progress == ""
    assert "failed to deploy" in not_in_service_reason(detail.row)


def test_a_jumpstart_detail_reads_its_image_and_gpus_from_its_pod() -> None:
    events = (
        {
            "metadata": {"name": "e1", "namespace": "default"},
            "involvedObject": {"kind": "JumpStartModel", "name": "qwen", "namespace": "default"},
            "type": "Normal",
            "reason": "CreationCompleted",
            "message": "SageMaker endpoint qwen-chat is InService",
            "lastTimestamp": stamp(4),
            "count": 1,
        },
        {
            "metadata": {"name": "e2", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "qwen-1", "namespace": "default"},
            "type": "Warning",
            "reason": "FailedScheduling",
            "message": "0/10 nodes are available",
            "lastTimestamp": stamp(15),
            "count": 3,
        },
    )
    state = state_of(jumpstart(status=IN_SERVICE), pods=(pod("qwen-1", "qwen", image="djl-lmi:0.32"),), events=events)
    detail = endpoint_detail(state, "jumpstartmodels/default/qwen", NOW)
    assert detail is not None
    summary = dict(detail.summary)
    assert summary["Image"] == "djl-lmi:0.32"
    assert summary["Resources"] == "requests nvidia.com/gpu=4"
    assert summary["SageMaker endpoint"] == "qwen-chat · CreationCompleted · arn:aws:sagemaker:endpoint/qwen-chat"
    assert ("Deployment Available", "True", "12m") in [(c.type, c.status, c.since) for c in detail.conditions]
    assert [(seen, reason, about) for seen, _, reason, about, _ in detail.events] == [
        ("15m (x3)", "FailedScheduling", "pod/qwen-1"),
        ("4m", "CreationCompleted", "jumpstartmodel/qwen"),
    ]
    assert detail.progress == ""
    assert not_in_service_reason(detail.row) == ""


def test_autoscaling_and_a_certificate_are_described() -> None:
    scaling = {
        "minReplicaCount": 1,
        "maxReplicaCount": 4,
        "cloudWatchTrigger": {"metricName": "Invocations", "targetValue": 10, "metricType": "Average"},
    }
    certificate = {"certificateName": "llama-cert", "certificateHealth": "Healthy", "lastCertExpiryTime": "2027-11-28"}
    obj = custom(status={**IN_SERVICE, "replicas": 3, "tlsCertificate": certificate}, autoScalingSpec=scaling)
    detail = endpoint_detail(state_of(obj), "inferenceendpointconfigs/default/llama", NOW)
    assert detail is not None
    summary = dict(detail.summary)
    assert summary["Autoscaling"] == "1-4 replicas on Invocations (target 10 per pod) · now 3"
    assert summary["Replicas"] == "1/3 ready"
    assert summary["TLS certificate"] == "llama-cert: Healthy, expires 2027-11-28"


def test_why_an_invoke_would_fail_follows_the_endpoint_through_its_states() -> None:
    def reason(obj: dict[str, Any]) -> str:
        return not_in_service_reason(endpoint_rows(state_of(obj), NOW)[0])

    assert reason(custom(status=IN_PROGRESS)).startswith("SageMaker endpoint llama is not created yet")
    creating = {**IN_SERVICE, "endpoints": {"sagemaker": {"state": "CreationInProgress"}}}
    assert reason(custom(status=creating)) == (
        "SageMaker endpoint llama is not in service yet (CreationInProgress, usually ~10 min). "
        "Invocations fail until it is CreationCompleted."
    )
    assert "has no SageMaker endpoint" in reason(custom(endpointName=""))
    assert reason(custom(status=IN_SERVICE)) == ""


def test_the_inference_operator_pod_is_the_first_in_its_namespace() -> None:
    pods = (pod("manager-b", "x", "hyperpod-inference-system"), pod("manager-a", "x", "hyperpod-inference-system"))
    operator = inference_operator_pod(state_of(pods=pods))
    assert operator is not None and operator.name == "manager-a"
    assert inference_operator_pod(state_of()) is None


def test_invocation_history_is_kept_per_endpoint_and_bounded() -> None:
    state = EMPTY_STATE
    for index in range(INVOCATION_HISTORY + 2):
        item = Invocation(NOW, f"request {index}", "application/json", True, "{}", 12.0)
        state = reduce(state, InvocationRecorded("inferenceendpointconfigs/default/llama", item))
    kept = invocation_history(state, "inferenceendpointconfigs/default/llama")
    assert len(kept) == INVOCATION_HISTORY
    assert kept[0].request == "request 2" and kept[-1].request == f"request {INVOCATION_HISTORY + 1}"
    assert invocation_history(state, "jumpstartmodels/default/qwen") == ()
