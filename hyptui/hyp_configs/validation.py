"""Validation messages per field: first exactly what `hyp validate` reports, then what hyp only finds at submit time
(or never): capacity of the instance type, MIG profiles, and whether the queue and priority class exist."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from hyptui.hyp_configs.capacity import INSTANCE_TYPES, cpu_reservation, memory_reservation
from hyptui.hyp_configs.cross_field import CrossFieldError
from hyptui.hyp_configs.pytorch_job import VolumeConfig
from hyptui.hyp_configs.registry import TemplateSpec

Source = Literal["hyp", "capacity", "cluster"]


@dataclass(frozen=True, slots=True)
class FieldMessage:
    """One problem. `loc` and `message` are hyp's words (`str()` gives its `loc: message` line); `fields` are the
    config.yaml keys it concerns, for a form to mark; `source` says whether `hyp validate` reports it too."""

    loc: str
    message: str
    fields: tuple[str, ...]
    source: Source = "hyp"
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}"


def hyp_messages(spec: TemplateSpec, values: Mapping[str, Any]) -> list[FieldMessage]:
    """What `hyp validate` prints for these values, in its order (empty when it accepts them)."""
    data = {k: v for k, v in values.items() if v is not None}
    if spec.volume_field and spec.volume_field in data:
        volumes, problems = _volumes(spec, data[spec.volume_field])
        if problems:
            return problems
        data[spec.volume_field] = volumes
    try:
        spec.model.model_validate(data)
    except ValidationError as error:
        return _messages(error, prefix=())
    return []


def _volumes(spec: TemplateSpec, raw: Any) -> tuple[list[BaseModel], list[FieldMessage]]:
    """hyp builds each volume before the model sees the list: non-mappings are dropped, and the first bad entry is
    the only thing reported, located inside the volume (`mount_path: ...`)."""
    if not isinstance(raw, list | tuple | dict | str):
        return [], [FieldMessage(spec.volume_field or "", "Input should be a valid list", (spec.volume_field or "",))]
    volumes = []
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        try:
            volumes.append(VolumeConfig.model_validate(entry))
        except ValidationError as error:
            return [], _messages(error, prefix=(), field=spec.volume_field)
    return volumes, []


def _messages(error: ValidationError, prefix: tuple[str, ...], field: str | None = None) -> list[FieldMessage]:
    messages = []
    for detail in error.errors():
        loc = tuple(str(part) for part in detail["loc"])
        cause = (detail.get("ctx") or {}).get("error")
        if field is not None:
            fields: tuple[str, ...] = (field,)
        elif loc:
            fields = (loc[0],)
        elif isinstance(cause, CrossFieldError):
            fields = cause.fields
        else:
            fields = ()
        messages.append(FieldMessage(".".join(prefix + loc), detail["msg"], fields))
    return messages


def capacity_messages(
    spec: TemplateSpec,
    values: Mapping[str, Any],
    *,
    queues: Collection[str] | None = None,
    priority_classes: Collection[str] | None = None,
) -> list[FieldMessage]:
    """Beyond hyp: what the instance type can hold, and (when the lists are given) whether the queue and priority
    class exist. Only fields of the right type are checked, so this runs on half-filled forms too."""
    messages: list[FieldMessage] = []
    queue = values.get("queue_name")
    if queues is not None and isinstance(queue, str) and queue and queue not in queues:
        known = ", ".join(sorted(queues)) or "none"
        messages.append(
            FieldMessage(
                "queue_name", f"Queue '{queue}' does not exist; available: {known}", ("queue_name",), "cluster"
            )
        )
    priority = values.get("priority")
    if priority_classes is not None and isinstance(priority, str) and priority and priority not in priority_classes:
        known = ", ".join(sorted(priority_classes)) or "none"
        messages.append(
            FieldMessage(
                "priority", f"Priority class '{priority}' does not exist; available: {known}", ("priority",), "cluster"
            )
        )
    if spec.name == "hyp-pytorch-job" and spec.version != "1.0":
        messages += _job_capacity(values)
    return messages


def _int(values: Mapping[str, Any], key: str) -> int | None:
    value = values.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(values: Mapping[str, Any], key: str) -> float | None:
    value = values.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _job_capacity(values: Mapping[str, Any]) -> list[FieldMessage]:
    out: list[FieldMessage] = []

    def add(field: str, message: str, *others: str, severity: Literal["error", "warning"] = "error") -> None:
        out.append(FieldMessage(field, message, (field, *others), "capacity", severity))

    for key in ("accelerators", "accelerators_limit", "vcpu", "vcpu_limit", "memory", "memory_limit"):
        amount = _float(values, key)
        if amount is not None and amount < 0:
            add(key, "Input should be greater than or equal to 0")
    itype = values.get("instance_type")
    accelerators, accelerators_limit = _int(values, "accelerators"), _int(values, "accelerators_limit")
    asks = any(_float(values, k) for k in ("accelerators", "vcpu", "memory")) or values.get(
        "accelerator_partition_type"
    )
    if not isinstance(itype, str) or not itype:
        if asks:
            add(
                "instance_type",
                "instance_type is required when specifying accelerators, accelerator_partition_type, vcpu, or memory",
            )
        return out
    instance = INSTANCE_TYPES.get(itype)
    if instance is None:
        add(
            "instance_type",
            f"Invalid instance_type '{itype}'. Please re-check the instance type and contact AWS for support. "
            f"Known types: {', '.join(sorted(INSTANCE_TYPES))}",
        )
        return out
    if instance.accelerator_resource is None:
        for key in ("accelerators", "accelerators_limit"):
            if _int(values, key):
                add(
                    key, f"Instance type '{itype}' does not support accelerators, but accelerator values were provided."
                )
    else:
        for key, amount in (("accelerators", accelerators), ("accelerators_limit", accelerators_limit)):
            if amount is not None and amount > instance.accelerators:
                add(key, f"Requested {key} ({amount}) exceeds instance capacity ({instance.accelerators})")
        if accelerators and accelerators_limit is None:
            # the template renders a missing limit as "0", which the SDK then refuses
            add(
                "accelerators_limit",
                f"Accelerator request must equal accelerator limit: set accelerators_limit to {accelerators} "
                "(hyp create renders an empty limit as 0)",
                "accelerators",
            )
        elif accelerators is not None and accelerators_limit is not None and accelerators != accelerators_limit:
            add("accelerators_limit", "Accelerator request must equal accelerator limit", "accelerators")
    efa, efa_limit = _int(values, "efa"), _int(values, "efa_limit")
    for key, amount in (("efa", efa), ("efa_limit", efa_limit)):
        if amount is not None and amount > instance.efa:
            if instance.efa == 0:
                add(key, f"Instance type '{itype}' does not support EFA, but EFA values were provided.")
            else:
                add(key, f"Requested {key} ({amount}) exceeds instance capacity ({instance.efa})")
    if efa is not None and efa_limit is not None and efa != efa_limit and instance.efa:
        add("efa_limit", "EFA request must equal EFA limit", "efa")
    for key, capacity, reserved, unit in (
        ("vcpu", instance.vcpu, cpu_reservation(instance.vcpu), "vCPU"),
        ("memory", instance.memory_gib, memory_reservation(instance.memory_gib), "GiB"),
    ):
        for name in (key, f"{key}_limit"):
            amount = _float(values, name)
            if amount is None:
                continue
            if amount > capacity:
                add(name, f"Requested {name} ({amount:g}) exceeds instance capacity ({capacity} {unit} on {itype})")
            elif name == key and amount > capacity - reserved:
                add(
                    name,
                    f"hyp create lowers {name} {amount:g} to {capacity - reserved:g}, what {itype} can allocate",
                    severity="warning",
                )
    partition = values.get("accelerator_partition_type")
    if isinstance(partition, str) and partition and partition not in instance.mig_profiles:
        allowed = ", ".join(sorted(instance.mig_profiles)) or "none (no MIG support)"
        add(
            "accelerator_partition_type",
            f"Accelerator partition '{partition}' is not supported on instance type '{itype}'. "
            f"Allowed partitions: {allowed}",
            "instance_type",
        )
    return out


def validate_values(
    spec: TemplateSpec,
    values: Mapping[str, Any],
    *,
    queues: Collection[str] | None = None,
    priority_classes: Collection[str] | None = None,
) -> list[FieldMessage]:
    """hyp's messages (what `hyp validate` prints), then hyptui's own checks beyond them."""
    return hyp_messages(spec, values) + capacity_messages(
        spec, values, queues=queues, priority_classes=priority_classes
    )


def messages_by_field(messages: list[FieldMessage]) -> dict[str, list[FieldMessage]]:
    """For a form: each field's messages; whole-model messages that name no field are kept under ""."""
    grouped: dict[str, list[FieldMessage]] = {}
    for message in messages:
        for name in message.fields or ("",):
            grouped.setdefault(name, []).append(message)
    return grouped
