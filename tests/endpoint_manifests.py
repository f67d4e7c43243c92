"""InferenceEndpointConfig manifests as `hyp create hyp-custom-endpoint` submits them, for the operator's, the AWS
gateway's and the screens' tests."""

from __future__ import annotations

from hyptui.hyperpod.kinds import (
    INFERENCE_ENDPOINT_CONFIGS,
)

NS = "default"


DJL = "763104351884.dkr.ecr.us-east-2.amazonaws.com/djl-inference:0.32.0-lmi14.0.0-cu124"


def custom_endpoint(
    name: str = "my-ep",
    *,
    instance_type: str = "ml.g5.12xlarge",
    gpus: int = 1,
    replicas: int = 1,
    image: str = DJL,
    endpoint_name: str | None = None,
    **spec: object,
) -> dict:
    """An InferenceEndpointConfig as `hyp create hyp-custom-endpoint` submits it (None values dropped)."""
    return {
        "apiVersion": INFERENCE_ENDPOINT_CONFIGS.api_version,
        "kind": INFERENCE_ENDPOINT_CONFIGS.kind,
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "endpointName": endpoint_name or name,
            "instanceType": instance_type,
            "modelName": "llama3-8b",
            "replicas": replicas,
            "maxDeployTimeInSeconds": 3600,
            "modelSourceConfig": {
                "modelSourceType": "s3",
                "modelLocation": "models/llama",
                "prefetchEnabled": False,
                "s3Storage": {"bucketName": "my-bucket", "region": "us-east-2"},
            },
            "worker": {
                "environmentVariables": [{"name": "OPTION_ROLLING_BATCH", "value": "vllm"}],
                "image": image,
                "modelInvocationPort": {"containerPort": 8080},
                "modelVolumeMount": {"name": "model-weights", "mountPath": "/opt/ml/model"},
                "resources": {
                    "limits": {"nvidia.com/gpu": gpus},
                    "requests": {"nvidia.com/gpu": gpus, "cpu": 4, "memory": "16Gi"},
                },
            },
            "invocationEndpoint": "invocations",
            **spec,
        },
    }
