"""`hyp-custom-endpoint` schema 1.2: the flat config.yaml fields of an InferenceEndpointConfig.

Field names, types, defaults, constraints, descriptions and messages are those of hyperpod-custom-inference-template
1.2.1, so `hyptui validate` and `hyp validate` agree on every file."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hyptui.hyp_configs.cross_field import CrossFieldError


def require_a_name(metadata_name: str | None, endpoint_name: str | None) -> None:
    if not metadata_name and not endpoint_name:
        raise CrossFieldError(
            "Either metadata_name or endpoint_name must be provided", ("metadata_name", "endpoint_name")
        )


def check_certificate_and_dns(acm_arn: str | None, domain_name: str | None, hosted_zone_id: str | None) -> None:
    if (acm_arn is not None) != (domain_name is not None):
        raise CrossFieldError(
            "custom_certificate_acm_arn and custom_certificate_domain_name must both be provided together",
            ("custom_certificate_acm_arn", "custom_certificate_domain_name"),
        )
    if hosted_zone_id is not None and (acm_arn is None or domain_name is None):
        raise CrossFieldError(
            "dns_hosted_zone_id requires both custom_certificate_acm_arn and custom_certificate_domain_name",
            ("dns_hosted_zone_id", "custom_certificate_acm_arn", "custom_certificate_domain_name"),
        )


class FlatHPEndpointV1_2(BaseModel):
    model_config = ConfigDict(extra="forbid")

    namespace: str | None = Field(default=None, description="Kubernetes namespace", min_length=1)
    metadata_name: str | None = Field(
        default=None,
        description="Name of the custom endpoint object",
        max_length=63,
        pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    )
    endpoint_name: str | None = Field(
        default=None,
        description="Name of SageMaker endpoint; empty string means no creation",
        max_length=63,
        pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    )
    env: dict[str, str] | None = Field(default=None, description="Map of environment variable names to their values")
    instance_type: str | None = Field(
        default=None,
        description=("EC2 instance type for the inference server. Mutually exclusive with instance_types."),
        pattern="^ml\\..*",
    )
    instance_types: str | None = Field(
        default=None, description="Comma-separated list of instance types in order of preference"
    )
    metrics_enabled: bool | None = Field(default=None, description="Enable metrics collection")
    model_name: str = Field(
        description="Name of model to create on SageMaker",
        min_length=1,
        max_length=63,
        pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    )
    model_version: str | None = Field(
        default=None,
        description="Version of the model for the endpoint",
        min_length=5,
        max_length=14,
        pattern="^\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}$",
    )
    model_source_type: Literal["fsx", "s3", "huggingface", "kubernetesVolume"] = Field(
        description="Source type: fsx, s3, huggingface, or kubernetesVolume"
    )
    model_location: str | None = Field(default=None, description="Specific model data location")
    prefetch_enabled: bool | None = Field(default=False, description="Whether to pre-fetch model data")
    tls_certificate_output_s3_uri: str | None = Field(
        default=None, description="S3 URI for TLS certificate output", pattern="^s3://([^/]+)/?(.*)$"
    )
    image_uri: str = Field(description="Inference server image name")
    container_port: int = Field(description="Port on which the model server listens", ge=1, le=65535)
    model_volume_mount_path: str | None = Field(
        default="/opt/ml/model", description="Path inside container for model volume"
    )
    model_volume_mount_name: str = Field(description="Name of the model volume mount")
    fsx_dns_name: str | None = Field(default=None, description="FSX File System DNS Name")
    fsx_file_system_id: str | None = Field(default=None, description="FSX File System ID")
    fsx_mount_name: str | None = Field(default=None, description="FSX File System Mount Name")
    s3_bucket_name: str | None = Field(default=None, description="S3 bucket location")
    s3_region: str | None = Field(default=None, description="S3 bucket region")
    resources_limits: dict[str, int | str] | None = Field(default=None, description="Resource limits for the worker")
    resources_requests: dict[str, int | str] | None = Field(
        default=None, description="Resource requests for the worker"
    )
    dimensions: dict[str, str] | None = Field(
        default=None, description="CloudWatch Metric dimensions as key\u2013value pairs"
    )
    metric_collection_period: int | None = Field(default=300, description="Defines the Period for CloudWatch query")
    metric_collection_start_time: int | None = Field(
        default=300, description="Defines the StartTime for CloudWatch query"
    )
    metric_name: str | None = Field(default=None, description="Metric name to query for CloudWatch trigger")
    metric_stat: str | None = Field(
        default="Average",
        description=(
            "Statistics metric to be used by Trigger. Defines the Stat for the CloudWatch query. Default is Average."
        ),
    )
    metric_type: Literal["Value", "Average"] | None = Field(
        default="Average",
        description=(
            "The type of metric to be used by HPA. `Average` \u2013 Uses average value per pod; "
            "`Value` \u2013 Uses absolute metric value."
        ),
    )
    min_value: float | None = Field(
        default=0, description=("Minimum metric value used in case of empty response from CloudWatch. Default is 0.")
    )
    cloud_watch_trigger_name: str | None = Field(default=None, description="Name for the CloudWatch trigger")
    cloud_watch_trigger_namespace: str | None = Field(
        default=None, description="AWS CloudWatch namespace for the metric"
    )
    target_value: float | None = Field(default=None, description="Target value for the CloudWatch metric")
    use_cached_metrics: bool | None = Field(
        default=True, description=("Enable caching of metric values during polling interval. Default is true.")
    )
    invocation_endpoint: str | None = Field(
        default="invocations",
        description=(
            "The invocation endpoint of the model server. http://<host>:<port>/ would be "
            "pre-populated based on the other fields. Please fill in the path after "
            "http://<host>:<port>/ specific to your model server."
        ),
    )
    intelligent_routing_enabled: bool | None = Field(default=None, description="Enable intelligent routing")
    routing_strategy: Literal["prefixaware", "kvaware", "session", "roundrobin"] | None = Field(
        default=None, description="Routing strategy for intelligent routing"
    )
    enable_l1_cache: bool | None = Field(default=None, description="Enable L1 cache (CPU offloading)")
    enable_l2_cache: bool | None = Field(default=None, description="Enable L2 cache")
    l2_cache_backend: str | None = Field(default=None, description="L2 cache backend type")
    l2_cache_local_url: str | None = Field(default=None, description="L2 cache URL to local storage")
    cache_config_file: str | None = Field(default=None, description="KV cache configuration file path")
    max_deploy_time_in_seconds: int | None = Field(
        default=3600, description="Maximum deployment time in seconds. Defaults to 3600."
    )
    custom_certificate_acm_arn: str | None = Field(
        default=None,
        description="ACM certificate ARN for custom TLS certificate",
        pattern="^arn:aws:acm:[a-z0-9-]+:[0-9]{12}:certificate/[a-fA-F0-9-]+$",
    )
    custom_certificate_domain_name: str | None = Field(
        default=None,
        description="Domain name for the custom TLS certificate",
        max_length=253,
        pattern="^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    )
    load_balancer_health_check_path: str | None = Field(
        default=None, description="Health check path for the ALB target group"
    )
    load_balancer_routing_algorithm: str | None = Field(
        default=None, description="Routing algorithm: least_outstanding_requests or round_robin"
    )
    max_concurrent_requests: int | None = Field(
        default=None, description="Maximum concurrent requests per pod for nginx sidecar proxy"
    )
    max_queue_size: int | None = Field(
        default=None, description="Maximum request queue size when concurrent limit is reached"
    )
    kubernetes: dict[str, Any] | None = Field(
        default=None,
        description=("Kubernetes customizations for the inference pod (initContainers, volumes, schedulerName)"),
    )
    replicas: int | None = Field(default=1, description="Number of inference server replicas. Default 1.")
    initial_replica_count: int | None = Field(default=None, description="Number of desired pods. Defaults to 1.")
    worker_args: str | None = Field(default=None, description="Comma-separated arguments to the entrypoint")
    worker_command: str | None = Field(default=None, description="Comma-separated entrypoint command array")
    working_dir: str | None = Field(default=None, description="Working directory of the container")
    overflow_status_code: int | None = Field(
        default=None, description="HTTP status code when request limits exceeded. Default 429."
    )
    metrics_scrape_interval_seconds: int | None = Field(
        default=None, description="Scrape interval in seconds for metrics collection"
    )
    model_metrics_path: str | None = Field(default=None, description="Path where the model exposes metrics")
    model_metrics_port: int | None = Field(default=None, description="Port where the model exposes metrics")
    node_affinity: dict[str, Any] | None = Field(default=None, description="Node affinity JSON for advanced scheduling")
    tags: dict[str, str] | None = Field(
        default=None, description="Tags as key-value pairs to add to the SageMaker Endpoint"
    )
    probes: dict[str, Any] | None = Field(
        default=None, description="Container probes JSON (livenessProbe, readinessProbe, startupProbe)"
    )
    auto_scaling_spec: dict[str, Any] | None = Field(
        default=None, description=("Full autoScalingSpec JSON (overrides individual cloudwatch fields if provided)")
    )
    huggingface_model_id: str | None = Field(
        default=None, description="HuggingFace Hub model identifier in org/model format"
    )
    huggingface_commit_sha: str | None = Field(
        default=None, description="Git commit SHA for the model revision (40-char hex)"
    )
    huggingface_token_secret_name: str | None = Field(
        default=None, description="Name of the K8s Secret containing the HuggingFace API token"
    )
    huggingface_token_secret_key: str | None = Field(
        default=None, description="Key in the K8s Secret for the HuggingFace API token"
    )
    dns_hosted_zone_id: str | None = Field(
        default=None, description="Route53 Hosted Zone ID for DNS automation", pattern="^Z[A-Z0-9]+$"
    )
    data_capture: dict[str, Any] | None = Field(
        default=None, description=("Data capture configuration JSON for SageMaker, LoadBalancer, and Model Pod tiers")
    )

    @model_validator(mode="after")
    def _model_source(self) -> FlatHPEndpointV1_2:
        if self.model_source_type == "s3" and (not self.s3_bucket_name or not self.s3_region):
            raise CrossFieldError(
                "s3_bucket_name and s3_region are required when model_source_type is 's3'",
                ("s3_bucket_name", "s3_region"),
            )
        if self.model_source_type == "fsx" and not self.fsx_file_system_id:
            raise CrossFieldError(
                "fsx_file_system_id is required when model_source_type is 'fsx'", ("fsx_file_system_id",)
            )
        if self.model_source_type == "huggingface" and not self.huggingface_model_id:
            raise CrossFieldError(
                "huggingface_model_id is required when model_source_type is 'huggingface'", ("huggingface_model_id",)
            )
        return self

    @model_validator(mode="after")
    def _name(self) -> FlatHPEndpointV1_2:
        require_a_name(self.metadata_name, self.endpoint_name)
        return self

    @model_validator(mode="after")
    def _placement(self) -> FlatHPEndpointV1_2:
        placed = self.instance_type or self.instance_types
        if self.instance_type and self.instance_types:
            raise CrossFieldError(
                "instance_type and instance_types are mutually exclusive", ("instance_type", "instance_types")
            )
        if self.node_affinity and placed:
            raise CrossFieldError(
                "node_affinity cannot be specified with instance_type or instance_types simultaneously",
                ("node_affinity", "instance_type", "instance_types"),
            )
        if not placed and not self.node_affinity:
            raise CrossFieldError(
                "Either instance_type, instance_types, or node_affinity must be provided",
                ("instance_type", "instance_types", "node_affinity"),
            )
        return self

    @model_validator(mode="after")
    def _certificate(self) -> FlatHPEndpointV1_2:
        check_certificate_and_dns(
            self.custom_certificate_acm_arn, self.custom_certificate_domain_name, self.dns_hosted_zone_id
        )
        return self
