"""`cluster-stack` schema 1.0: the CloudFormation parameters of a new HyperPod EKS cluster stack.

Field names, types, defaults and descriptions are those of hyperpod-cluster-stack-template 1.0.2; like hyp's
model it ignores unknown keys."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator


class ClusterStackV1_0(BaseModel):
    resource_name_prefix: str | None = Field(
        default="hyp-eks-stack",
        description=("Prefix to be used for all resources. A 4-digit UUID will be added to prefix during submission"),
    )
    create_hyperpod_cluster_stack: bool | None = Field(
        default=True, description="Boolean to Create HyperPod Cluster Stack"
    )
    hyperpod_cluster_name: str | None = Field(
        default="hyperpod-cluster", description="Name of SageMaker HyperPod Cluster"
    )
    create_eks_cluster_stack: bool | None = Field(default=True, description="Boolean to Create EKS Cluster Stack")
    kubernetes_version: str | None = Field(default="1.31", description="The Kubernetes version")
    eks_cluster_name: str | None = Field(default="eks-cluster", description="The name of the EKS cluster")
    create_helm_chart_stack: bool | None = Field(default=True, description="Boolean to Create Helm Chart Stack")
    namespace: str | None = Field(default="kube-system", description="The namespace to deploy the HyperPod Helm chart")
    helm_repo_url: str = Field(
        default="https://github.com/aws/sagemaker-hyperpod-cli.git",
        description=("The URL of the Helm repo containing the HyperPod Helm chart (fixed default)"),
    )
    helm_repo_path: str = Field(
        default="helm_chart/HyperPodHelmChart",
        description="The path to the HyperPod Helm chart in the Helm repo (fixed default)",
    )
    helm_operators: str | None = Field(
        default="mlflow.enabled=true,trainingOperators.enabled=true,cluster-role-and-bindings.enabled=true,namespaced-role-and-bindings.enable=true,nvidia-device-plugin.devicePlugin.enabled=true,neuron-device-plugin.devicePlugin.enabled=true,aws-efa-k8s-device-plugin.devicePlugin.enabled=true,mpi-operator.enabled=true,health-monitoring-agent.enabled=true,deep-health-check.enabled=true,job-auto-restart.enabled=true,hyperpod-patching.enabled=true",
        description="The configuration of HyperPod Helm chart",
    )
    helm_release: str | None = Field(default="dependencies", description="The name used for Helm chart release")
    node_provisioning_mode: str | None = Field(
        default="Continuous",
        description=('Enable or disable the continuous provisioning mode. Valid values: "Continuous" or leave empty'),
    )
    node_recovery: str | None = Field(
        default="Automatic",
        description=(
            "Specifies whether to enable or disable the automatic node recovery feature. "
            'Valid values: "Automatic", "None"'
        ),
    )
    instance_group_settings: list[Any] | None = Field(
        default=[
            {
                "InstanceCount": 1,
                "InstanceGroupName": "default",
                "InstanceType": "ml.t3.medium",
                "TargetAvailabilityZoneId": "use2-az2",
                "ThreadsPerCore": 1,
                "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeSizeInGB": 500}}],
            }
        ],
        description="List of string containing instance group configurations",
    )
    rig_settings: list[Any] | None = Field(
        default=None, description="List of string containing restricted instance group configurations"
    )
    rig_s3_bucket_name: str | None = Field(
        default=None, description="The name of the S3 bucket used to store the RIG resources"
    )
    tags: list[Any] | None = Field(
        default=None, description=("Custom tags for managing the SageMaker HyperPod cluster as an AWS resource")
    )
    create_vpc_stack: bool | None = Field(default=True, description="Boolean to Create VPC Stack")
    vpc_id: str | None = Field(
        default=None, description=("The ID of the VPC you wish to use if you do not want to create a new VPC")
    )
    vpc_cidr: str | None = Field(default="10.192.0.0/16", description="The IP range (CIDR notation) for the VPC")
    availability_zone_ids: list[str] | None = Field(
        default=None,
        description=(
            "List of AZs in submission region to deploy subnets in. Must be provided in YAML "
            'format starting with "-" below. Example: - use2-az1 for us-east-2 region'
        ),
    )
    create_security_group_stack: bool | None = Field(default=True, description="Boolean to Create Security Group Stack")
    security_group_id: str | None = Field(
        default=None,
        description=(
            "The ID of the security group you wish to use in SecurityGroup substack if you "
            "do not want to create a new one"
        ),
    )
    security_group_ids: list[str] | None = Field(
        default=None,
        description=("The security groups you wish to use for Hyperpod cluster if you do not want to create new ones"),
    )
    private_subnet_ids: list[str] | None = Field(
        default=None,
        description=("List of private subnet IDs used for HyperPod cluster if you do not want to create VPC stack"),
    )
    eks_private_subnet_ids: list[str] | None = Field(
        default=None,
        description=("List of private subnet IDs for the EKS cluster if you do not want to create VPC stack"),
    )
    nat_gateway_ids: list[str] | None = Field(
        default=None,
        description=("List of NAT Gateway IDs to route internet bound traffic if you do not want to create VPC stack"),
    )
    private_route_table_ids: list[str] | None = Field(
        default=None, description=("List of private route table IDs if you do not want to create VPC stack")
    )
    create_s3_endpoint_stack: bool | None = Field(default=True, description="Boolean to Create S3 Endpoint stack")
    enable_hp_inference_feature: bool | None = Field(
        default=False, description="Boolean to enable inference operator in Hyperpod cluster"
    )
    stage: str | None = Field(
        default="prod",
        description=('Deployment stage used in S3 bucket naming for inference operator. Valid values: "gamma", "prod"'),
    )
    custom_bucket_name: str = Field(default="", description="Custom S3 bucket name for templates")
    create_life_cycle_script_stack: bool | None = Field(
        default=True, description="Boolean to Create Life Cycle Script Stack"
    )
    create_s3_bucket_stack: bool | None = Field(default=True, description="Boolean to Create S3 Bucket Stack")
    s3_bucket_name: str | None = Field(
        default="s3-bucket", description="The name of the S3 bucket used to store the cluster lifecycle scripts"
    )
    github_raw_url: str = Field(
        default="https://raw.githubusercontent.com/aws-samples/awsome-distributed-training/refs/heads/main/1.architectures/7.sagemaker-hyperpod-eks/LifecycleScripts/base-config/on_create.sh",
        description="The raw GitHub URL for the lifecycle script (fixed default)",
    )
    on_create_path: str | None = Field(
        default="sagemaker-hyperpod-eks-bucket", description="The file name of lifecycle script"
    )
    create_sagemaker_iam_role_stack: bool | None = Field(
        default=True, description="Boolean to Create SageMaker IAM Role Stack"
    )
    sagemaker_iam_role_name: str | None = Field(
        default="create-cluster-role",
        description=(
            "The name of the IAM role that SageMaker will use during cluster creation to "
            "access the AWS resources on your behalf"
        ),
    )
    create_fsx_stack: bool | None = Field(default=True, description="Boolean to Create FSx Stack")
    fsx_subnet_id: str | None = Field(default="", description="The subnet id that will be used to create FSx")
    fsx_availability_zone_id: str | None = Field(
        default="", description=("The availability zone to get subnet id that will be used to create FSx")
    )
    per_unit_storage_throughput: int | None = Field(default=250, description="Per unit storage throughput")
    data_compression_type: str | None = Field(
        default="NONE", description=('Data compression type for the FSx file system. Valid values: "NONE", "LZ4"')
    )
    file_system_type_version: float | None = Field(
        default=2.15, description="File system type version for the FSx file system"
    )
    storage_capacity: int | None = Field(default=1200, description="Storage capacity for the FSx file system in GiB")
    fsx_file_system_id: str | None = Field(default="", description="Existing FSx file system ID")

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # config.yaml writes 1.31 bare, which YAML reads back as a float
        return str(value) if value is not None else value
