"""`hyp-jumpstart-endpoint` schema 1.2: the flat config.yaml fields of a JumpStartModel endpoint.

Field names, types, defaults, constraints, descriptions and messages are those of
hyperpod-jumpstart-inference-template 1.2.0."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hyptui.hyp_configs.custom_endpoint import check_certificate_and_dns, require_a_name


class FlatHPJumpStartEndpointV1_2(BaseModel):
    model_config = ConfigDict(extra="forbid")

    namespace: str | None = Field(default=None, description="Kubernetes namespace", min_length=1)
    accept_eula: bool = Field(default=False, description="Whether model terms of use have been accepted")
    metadata_name: str | None = Field(
        default=None,
        description="Name of the jumpstart endpoint object",
        max_length=63,
        pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    )
    model_id: str = Field(
        description="Unique identifier of the model within the hub",
        min_length=1,
        max_length=63,
        pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    )
    model_version: str | None = Field(
        default=None,
        description="Semantic version of the model to deploy (e.g. 1.0.0)",
        min_length=5,
        max_length=14,
        pattern="^\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}$",
    )
    instance_type: str = Field(description="EC2 instance type for the inference server", pattern="^ml\\..*")
    accelerator_partition_type: str | None = Field(
        default=None, description="MIG profile to use for GPU partitioning", pattern="^mig-.*$"
    )
    accelerator_partition_validation: bool | None = Field(
        default=True, description="Enable MIG validation for GPU partitioning. Default is true."
    )
    endpoint_name: str | None = Field(
        default=None,
        description="Name of SageMaker endpoint; empty string means no creation",
        max_length=63,
        pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    )
    tls_certificate_output_s3_uri: str | None = Field(
        default=None, description="S3 URI to write the TLS certificate", pattern="^s3://([^/]+)/?(.*)$"
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
    intelligent_routing_enabled: bool | None = Field(default=None, description="Enable intelligent routing")
    routing_strategy: Literal["prefixaware", "kvaware", "session", "roundrobin"] | None = Field(
        default=None, description="Routing strategy for intelligent routing"
    )
    enable_l1_cache: bool | None = Field(default=None, description="Enable L1 cache (CPU offloading)")
    enable_l2_cache: bool | None = Field(default=None, description="Enable L2 cache")
    l2_cache_backend: str | None = Field(default=None, description="L2 cache backend type")
    l2_cache_local_url: str | None = Field(default=None, description="L2 cache URL to local storage")
    cache_config_file: str | None = Field(default=None, description="KV cache configuration file path")
    load_balancer_health_check_path: str | None = Field(
        default=None, description="Health check path for the ALB target group"
    )
    load_balancer_routing_algorithm: str | None = Field(
        default=None, description="Routing algorithm: least_outstanding_requests or round_robin"
    )
    replicas: int | None = Field(default=1, description="Number of inference server replicas. Default 1.")
    max_deploy_time_in_seconds: int | None = Field(
        default=3600, description="Maximum deployment time in seconds. Defaults to 3600."
    )
    env: dict[str, str] | None = Field(default=None, description="Map of environment variable names to their values")
    metrics_enabled: bool | None = Field(default=None, description="Enable metrics collection")
    metrics_scrape_interval_seconds: int | None = Field(
        default=None, description="Scrape interval in seconds for metrics collection"
    )
    model_metrics_path: str | None = Field(default=None, description="Path where the model exposes metrics")
    model_metrics_port: int | None = Field(default=None, description="Port where the model exposes metrics")
    additional_configs: dict[str, str] | None = Field(
        default=None, description="Additional model configs as key-value pairs"
    )
    gated_model_download_role: str | None = Field(default=None, description="IAM role ARN for downloading gated models")
    model_hub_name: str | None = Field(default=None, description="Name of the model hub")
    execution_role: str | None = Field(
        default=None, description="IAM role ARN for deploying and managing the inference server"
    )
    auto_scaling_spec: dict[str, Any] | None = Field(
        default=None, description="Full autoScalingSpec JSON for autoscaling configuration"
    )
    dns_hosted_zone_id: str | None = Field(
        default=None, description="Route53 Hosted Zone ID for DNS automation", pattern="^Z[A-Z0-9]+$"
    )
    data_capture: dict[str, Any] | None = Field(
        default=None, description=("Data capture configuration JSON for SageMaker, LoadBalancer, and Model Pod tiers")
    )

    @model_validator(mode="after")
    def _name(self) -> FlatHPJumpStartEndpointV1_2:
        require_a_name(self.metadata_name, self.endpoint_name)
        return self

    @model_validator(mode="after")
    def _certificate(self) -> FlatHPJumpStartEndpointV1_2:
        check_certificate_and_dns(
            self.custom_certificate_acm_arn, self.custom_certificate_domain_name, self.dns_hosted_zone_id
        )
        return self
