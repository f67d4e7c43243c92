"""`hyp-pytorch-job` schemas 1.0 and 1.1: the flat config.yaml fields of a HyperPodPyTorchJob.

Field names, types, defaults, constraints, descriptions and validation messages are those of the template package
hyperpod-pytorch-job-template 1.5.0 (descriptions as its schema.json words them, since config.yaml shows those), so
`hyptui validate` and `hyp validate` accept and refuse the same files with the same words.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hyptui.hyp_configs.capacity import INSTANCE_TYPES, MIG_PROFILES
from hyptui.hyp_configs.cross_field import CrossFieldError

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
TOPOLOGY_LABELS = frozenset(
    {
        "topology.k8s.aws/ultraserver-id",
        "topology.k8s.aws/network-node-layer-1",
        "topology.k8s.aws/network-node-layer-2",
        "topology.k8s.aws/network-node-layer-3",
    }
)
_C_IDENTIFIER = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_LABEL_KEY = re.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9\-_.]*[a-zA-Z0-9])?/)?[a-zA-Z0-9]([a-zA-Z0-9\-_.]*[a-zA-Z0-9])?$")

VOLUME_DESCRIPTION = (
    "List of volume configurations.         Command structure: --volume name=<volume_name>,type=<volume_type>,"
    "mount_path=<mount_path>,<type-specific options>         For hostPath: --volume name=model-data,type=hostPath,"
    "mount_path=/data,path=/data          For persistentVolumeClaim: --volume name=training-output,type=pvc,"
    "mount_path=/mnt/output,claim_name=training-output-pvc,read_only=false         If multiple --volume flag if "
    "multiple volumes are needed         "
)


class VolumeConfig(BaseModel):
    """One `volume:` entry: a hostPath or a PersistentVolumeClaim mounted into the training container."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Volume name", min_length=1)
    type: Literal["hostPath", "pvc"] = Field(description="Volume type")
    mount_path: str = Field(description="Mount path in container", min_length=1)
    path: str | None = Field(default=None, description="Host path (required for hostPath volumes)", min_length=1)
    claim_name: str | None = Field(default=None, description="PVC claim name (required for pvc volumes)", min_length=1)
    read_only: bool | None = Field(default=None, description="Read-only flag for pvc volumes")

    @field_validator("mount_path", "path")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value and not value.startswith("/"):
            raise ValueError("Path must be absolute (start with /)")
        return value

    @model_validator(mode="after")
    def _type_specific(self) -> VolumeConfig:
        if self.type == "hostPath" and not self.path:
            raise CrossFieldError("hostPath volumes require path field", ("path",))
        if self.type == "pvc" and not self.claim_name:
            raise CrossFieldError("PVC volumes require claim_name field", ("claim_name",))
        return self


def check_unique_volumes(names: list[str], mount_paths: list[str]) -> None:
    """hyp's rule for every template with volumes: no two share a name or a mount path."""
    if len(set(names)) != len(names):
        raise ValueError("Duplicate volume names found")
    if len(set(mount_paths)) != len(mount_paths):
        raise ValueError("Duplicate mount paths found")


def _unique_volumes(volumes: list[VolumeConfig] | None) -> list[VolumeConfig] | None:
    check_unique_volumes([v.name for v in volumes or ()], [v.mount_path for v in volumes or ()])
    return volumes


class PyTorchJobConfigV1_0(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_name: str = Field(description="Job name", min_length=1, max_length=63, pattern=DNS_LABEL)
    image: str = Field(description="Docker image for training", min_length=1)
    namespace: str | None = Field(default="default", description="Kubernetes namespace", min_length=1)
    command: list[str] | None = Field(default=None, description="Command to run in the container")
    args: list[str] | None = Field(default=None, description="Arguments for the entry script")
    environment: dict[str, str] | None = Field(default=None, description="Environment variables as key_value pairs")
    pull_policy: str | None = Field(default=None, description="Image pull policy", min_length=1)
    instance_type: str | None = Field(default=None, description="Instance type for training", min_length=1)
    node_count: int | None = Field(default=1, description="Number of nodes", ge=1)
    tasks_per_node: int | None = Field(default=None, description="Number of tasks per node", ge=1)
    label_selector: dict[str, str] | None = Field(default=None, description="Node label selector as key_value pairs")
    deep_health_check_passed_nodes_only: bool | None = Field(
        default=False, description="Schedule pods only on nodes that passed deep health check"
    )
    scheduler_type: str | None = Field(
        default=None,
        description="If specified, training job pod will be dispatched by specified scheduler. If not specified, "
        "the pod will be dispatched by default scheduler.",
        min_length=1,
    )
    queue_name: str | None = Field(
        default=None, description="Queue name for job scheduling", min_length=1, max_length=63, pattern=DNS_LABEL
    )
    priority: str | None = Field(default=None, description="Priority class for job scheduling", min_length=1)
    max_retry: int | None = Field(default=None, description="Maximum number of job retries", ge=0)
    volume: list[VolumeConfig] | None = Field(default=None, description=VOLUME_DESCRIPTION)
    service_account_name: str | None = Field(default=None, description="Service account name", min_length=1)

    _unique = field_validator("volume")(_unique_volumes)


class PyTorchJobConfigV1_1(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_name: str = Field(description="Job name", min_length=1, max_length=63, pattern=DNS_LABEL)
    image: str = Field(description="Docker image for training", min_length=1)
    namespace: str | None = Field(default=None, description="Kubernetes namespace", min_length=1)
    command: list[str] | None = Field(default=None, description="Command to run in the container")
    args: list[str] | None = Field(default=None, description="Arguments for the entry script")
    environment: dict[str, str] | None = Field(default=None, description="Environment variables as key_value pairs")
    pull_policy: str | None = Field(default=None, description="Image pull policy", min_length=1)
    instance_type: str | None = Field(default=None, description="Instance type for training", min_length=1)
    node_count: int | None = Field(
        default=None,
        description="[DEPRECATED] Number of nodes. Use replica_count instead.",
        ge=1,
        json_schema_extra={"deprecated": True},
    )
    replica_count: int | None = Field(default=None, description="Number of job replicas", ge=1)
    tasks_per_node: str | None = Field(
        default="auto", description="Number of workers per node; supported values: [auto,cpu, gpu, int]"
    )
    label_selector: dict[str, str] | None = Field(default=None, description="Node label selector as key_value pairs")
    deep_health_check_passed_nodes_only: bool | None = Field(
        default=False, description="Schedule pods only on nodes that passed deep health check"
    )
    scheduler_type: str | None = Field(
        default=None,
        description="If specified, training job pod will be dispatched by specified scheduler. If not specified, "
        "the pod will be dispatched by default scheduler.",
        min_length=1,
    )
    queue_name: str | None = Field(
        default=None, description="Queue name for job scheduling", min_length=1, max_length=63, pattern=DNS_LABEL
    )
    # hyp validates in this order (priority right after queue_name) but writes config.yaml in schema.json's order,
    # where priority follows the partition fields: see YAML_ORDER_V1_1.
    priority: str | None = Field(default=None, description="Priority class for job scheduling", min_length=1)
    accelerators: int | None = Field(default=None, description="Number of accelerators (GPUs/TPUs)")
    vcpu: float | None = Field(default=None, description="Number of vCPUs")
    memory: float | None = Field(default=None, description="Amount of memory in GiB")
    accelerators_limit: int | None = Field(default=None, description="Limit for the number of accelerators (GPUs/TPUs)")
    vcpu_limit: float | None = Field(default=None, description="Limit for the number of vCPUs")
    memory_limit: float | None = Field(default=None, description="Limit for the amount of memory in GiB")
    efa: int | None = Field(default=None, description="Number of EFA interfaces", ge=0)
    efa_limit: int | None = Field(default=None, description="Limit for the number of EFA interfaces", ge=0)
    accelerator_partition_type: str | None = Field(default=None, description="Type of accelerator partition")
    accelerator_partition_count: int | None = Field(
        default=None, description="Number of accelerator partitions to request", ge=1
    )
    accelerator_partition_limit: int | None = Field(
        default=None, description="Limit for the number of accelerator partitions", ge=1
    )
    max_retry: int | None = Field(default=None, description="Maximum number of job retries", ge=0)
    volume: list[VolumeConfig] | None = Field(default=None, description=VOLUME_DESCRIPTION)
    service_account_name: str | None = Field(default=None, description="Service account name", min_length=1)
    preferred_topology: str | None = Field(default=None, description="Preferred topology annotation for scheduling")
    required_topology: str | None = Field(default=None, description="Required topology annotation for scheduling")
    elastic_replica_increment_step: int | None = Field(
        default=None, description="Scaling step size for elastic training", ge=1
    )
    max_node_count: int | None = Field(
        default=None,
        description="[DEPRECATED] Maximum number of nodes for elastic training. Use max_replica_count instead.",
        ge=1,
        json_schema_extra={"deprecated": True},
    )
    max_replica_count: int | None = Field(
        default=None, description="Maximum number of replicas for elastic training", ge=1
    )
    elastic_graceful_shutdown_timeout_in_seconds: int | None = Field(
        default=None, description="Graceful shutdown timeout in seconds for elastic scaling operations"
    )
    elastic_scaling_timeout_in_seconds: int | None = Field(
        default=None, description="Scaling timeout for elastic training"
    )
    elastic_scale_up_snooze_time_in_seconds: int | None = Field(
        default=None,
        description="Timeout period after job restart during which no scale up/workload admission is allowed",
    )
    elastic_replica_discrete_values: list[int] | None = Field(
        default=None,
        description="Alternative to replica increment step. Provides exact values for total replicas count",
    )

    @field_validator("tasks_per_node", mode="before")
    @classmethod
    def _tasks_per_node(cls, value: object) -> object:
        if value is None:
            return value
        text = str(value).lower()
        if text in ("auto", "cpu", "gpu"):
            return text
        if "." not in str(value):
            try:
                number = int(str(value))
            except ValueError:
                number = -1
            if number >= 0:
                return str(number)
        raise ValueError("tasks_per_node must be 'auto', 'cpu', 'gpu', or a non-negative integer")

    _unique = field_validator("volume")(_unique_volumes)

    @field_validator("command", "args")
    @classmethod
    def _non_empty_items(cls, value: list[str] | None) -> list[str] | None:
        for index, item in enumerate(value or ()):
            if not item.strip():
                # hyp names the list `args` whichever field it is; the words are kept so messages match.
                raise ValueError(f"args[{index}] must be a non-empty string")
        return value

    @field_validator("environment")
    @classmethod
    def _environment_names(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for key in value or ():
            if not _C_IDENTIFIER.match(key):
                raise ValueError(f"Environment variable name '{key}' must be a valid C_IDENTIFIER")
        return value

    @field_validator("label_selector")
    @classmethod
    def _label_keys(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for key in value or ():
            if not key or not _LABEL_KEY.match(key) or ".." in key:
                raise ValueError(f"Label selector key '{key}' must follow Kubernetes label naming conventions")
        return value

    @field_validator("preferred_topology", "required_topology")
    @classmethod
    def _topology(cls, value: str | None) -> str | None:
        if value is not None and value not in TOPOLOGY_LABELS:
            raise ValueError(f"Topology label '{value}' must be one of: {', '.join(sorted(TOPOLOGY_LABELS))}")
        return value

    @field_validator("accelerator_partition_type")
    @classmethod
    def _partition_type(cls, value: str | None) -> str | None:
        if value not in MIG_PROFILES:
            raise ValueError(f"Accelerator partition type '{value}' must be one of: {', '.join(sorted(MIG_PROFILES))}")
        return value

    @model_validator(mode="after")
    def _partition_options(self) -> PyTorchJobConfigV1_1:
        if (
            self.accelerator_partition_type is None
            and self.accelerator_partition_count is None
            and self.accelerator_partition_limit is None
        ):
            return self
        partition = self.accelerator_partition_type
        if not partition:
            raise CrossFieldError(
                "accelerator_partition_type must be specified to use accelerator partitions.",
                ("accelerator_partition_type",),
            )
        # hyp passes `replica_count or node_count` where it checks node_count, so any replica count is refused too.
        replicas = self.replica_count or self.node_count
        for amount, name in (
            (self.accelerators, "accelerators"),
            (self.accelerators_limit, "accelerators_limit"),
            (replicas, "node_count"),
        ):
            if amount is not None and amount > 0:
                raise CrossFieldError(
                    f"accelerator_partition_type cannot be used together with {name}.",
                    ("accelerator_partition_type", "replica_count" if name == "node_count" else name),
                )
        instance = INSTANCE_TYPES.get(self.instance_type or "")
        if instance is None or not instance.mig_profiles:
            raise CrossFieldError(
                f"Instance type '{self.instance_type}' does not support accelerator partitions.",
                ("accelerator_partition_type", "instance_type"),
            )
        if partition not in instance.mig_profiles:
            raise CrossFieldError(
                f"Accelerator partition '{partition}' is not supported on instance type '{self.instance_type}'. "
                f"Allowed partitions: {', '.join(sorted(instance.mig_profiles))}",
                ("accelerator_partition_type", "instance_type"),
            )
        return self

    @model_validator(mode="after")
    def _replica_params(self) -> PyTorchJobConfigV1_1:
        if self.replica_count is not None and self.node_count is not None:
            raise CrossFieldError(
                "Only one of 'replica_count' or 'node_count' can be specified, not both.",
                ("replica_count", "node_count"),
            )
        if self.max_replica_count is not None and self.max_node_count is not None:
            raise CrossFieldError(
                "Only one of 'max_replica_count' or 'max_node_count' can be specified, not both.",
                ("max_replica_count", "max_node_count"),
            )
        resources = (self.accelerators, self.vcpu, self.memory, self.accelerators_limit, self.vcpu_limit)
        if self.node_count is not None and any((*resources, self.memory_limit)):
            raise CrossFieldError(
                "node_count cannot be combined with resource fields (accelerators, vcpu, memory). "
                "Use replica_count instead to specify replicas with granular resources.",
                ("node_count",),
            )
        return self

    @model_validator(mode="after")
    def _elastic(self) -> PyTorchJobConfigV1_1:
        discrete = self.elastic_replica_discrete_values
        if self.elastic_replica_increment_step is not None and discrete is not None:
            raise CrossFieldError(
                "Only one of 'elastic_replica_increment_step' or 'elastic_replica_discrete_values' "
                "can be specified, not both. Please use either:\n"
                "  - elastic_replica_increment_step for uniform scaling steps, or\n"
                "  - elastic_replica_discrete_values for specific replica counts",
                ("elastic_replica_increment_step", "elastic_replica_discrete_values"),
            )
        if discrete is None:
            return self
        if any(value <= 0 for value in discrete):
            raise CrossFieldError(
                f"All values in 'elastic_replica_discrete_values' must be positive integers. Got: {discrete}",
                ("elastic_replica_discrete_values",),
            )
        most = self.max_replica_count or self.max_node_count
        too_many = [value for value in discrete if most is not None and value > most]
        if too_many:
            raise CrossFieldError(
                f"All values in 'elastic_replica_discrete_values' must be <= max replica count ({most}). "
                f"Invalid values: {too_many}.",
                ("elastic_replica_discrete_values", "max_replica_count"),
            )
        return self


def _schema_order_v1_1() -> tuple[str, ...]:
    names = [name for name in PyTorchJobConfigV1_1.model_fields if name != "priority"]
    names.insert(names.index("accelerator_partition_limit") + 1, "priority")
    return tuple(names)


# config.yaml order of schema 1.1 (schema.json's), which differs from the validation order only for `priority`.
YAML_ORDER_V1_1: tuple[str, ...] = _schema_order_v1_1()
