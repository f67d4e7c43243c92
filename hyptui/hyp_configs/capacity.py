"""HyperPod instance types and the resources `hyp create` derives from them.

The table holds the same capacities the HyperPod SDK uses when it rewrites a job's requests and limits
(`sagemaker.hyperpod.training.constants`, sagemaker-hyperpod 3.12.0): an interoperability fact, since a job is only
admitted if its requests fit what the SDK believes the instance offers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hyptui.hyperpod.quantities import leading_number
from hyptui.hyperpod.resources import EFA, GPU, MIG_PREFIX, NEURON


@dataclass(frozen=True, slots=True)
class InstanceCapacity:
    name: str
    vcpu: int
    memory_gib: int
    gpus: int
    trainium: int
    efa: int
    mig_profiles: tuple[str, ...] = ()

    @property
    def accelerator_resource(self) -> str | None:
        """The extended resource its accelerators are requested by, or None for a CPU-only type."""
        if self.trainium > 0:
            return NEURON
        if self.gpus > 0:
            return GPU
        return None

    @property
    def accelerators(self) -> int:
        return self.trainium or self.gpus


def _it(
    name: str, *, vcpu: int, memory_gib: int, gpus: int, trainium: int, efa: int, mig: tuple[str, ...] = ()
) -> InstanceCapacity:
    return InstanceCapacity(name, vcpu, memory_gib, gpus, trainium, efa, mig)


INSTANCE_TYPES: dict[str, InstanceCapacity] = {
    t.name: t
    for t in (
        _it(
            "ml.p4d.24xlarge",
            vcpu=96,
            memory_gib=1152,
            gpus=8,
            trainium=0,
            efa=4,
            mig=("mig-1g.5gb", "mig-1g.10gb", "mig-2g.10gb", "mig-3g.20gb", "mig-4g.20gb", "mig-7g.40gb"),
        ),
        _it(
            "ml.p4de.24xlarge",
            vcpu=96,
            memory_gib=1152,
            gpus=8,
            trainium=0,
            efa=4,
            mig=("mig-1g.10gb", "mig-1g.20gb", "mig-2g.20gb", "mig-3g.40gb", "mig-4g.40gb", "mig-7g.80gb"),
        ),
        _it(
            "ml.p5.48xlarge",
            vcpu=192,
            memory_gib=2048,
            gpus=8,
            trainium=0,
            efa=32,
            mig=("mig-1g.10gb", "mig-1g.20gb", "mig-2g.20gb", "mig-3g.40gb", "mig-4g.40gb", "mig-7g.80gb"),
        ),
        _it("ml.p5.4xlarge", vcpu=16, memory_gib=256, gpus=1, trainium=0, efa=1),
        _it("ml.trn1.32xlarge", vcpu=128, memory_gib=512, gpus=0, trainium=16, efa=8),
        _it("ml.trn1n.32xlarge", vcpu=128, memory_gib=512, gpus=0, trainium=16, efa=16),
        _it("ml.g5.xlarge", vcpu=4, memory_gib=16, gpus=1, trainium=0, efa=0),
        _it("ml.g5.2xlarge", vcpu=8, memory_gib=32, gpus=1, trainium=0, efa=0),
        _it("ml.g5.4xlarge", vcpu=16, memory_gib=64, gpus=1, trainium=0, efa=0),
        _it("ml.g5.8xlarge", vcpu=32, memory_gib=128, gpus=1, trainium=0, efa=1),
        _it("ml.g5.12xlarge", vcpu=48, memory_gib=192, gpus=4, trainium=0, efa=1),
        _it("ml.g5.16xlarge", vcpu=64, memory_gib=256, gpus=1, trainium=0, efa=1),
        _it("ml.g5.24xlarge", vcpu=96, memory_gib=384, gpus=4, trainium=0, efa=1),
        _it("ml.g5.48xlarge", vcpu=192, memory_gib=768, gpus=8, trainium=0, efa=1),
        _it("ml.g6.xlarge", vcpu=4, memory_gib=16, gpus=1, trainium=0, efa=0),
        _it("ml.g6.2xlarge", vcpu=8, memory_gib=32, gpus=1, trainium=0, efa=0),
        _it("ml.g6.4xlarge", vcpu=16, memory_gib=64, gpus=1, trainium=0, efa=0),
        _it("ml.g6.8xlarge", vcpu=32, memory_gib=128, gpus=1, trainium=0, efa=1),
        _it("ml.g6.16xlarge", vcpu=64, memory_gib=256, gpus=1, trainium=0, efa=1),
        _it("ml.g6.12xlarge", vcpu=48, memory_gib=192, gpus=4, trainium=0, efa=1),
        _it("ml.g6.24xlarge", vcpu=96, memory_gib=384, gpus=4, trainium=0, efa=1),
        _it("ml.g6.48xlarge", vcpu=192, memory_gib=768, gpus=8, trainium=0, efa=1),
        _it("ml.gr6.4xlarge", vcpu=16, memory_gib=128, gpus=1, trainium=0, efa=0),
        _it("ml.gr6.8xlarge", vcpu=32, memory_gib=256, gpus=1, trainium=0, efa=1),
        _it("ml.g6e.xlarge", vcpu=4, memory_gib=32, gpus=1, trainium=0, efa=0),
        _it("ml.g6e.2xlarge", vcpu=8, memory_gib=64, gpus=1, trainium=0, efa=0),
        _it("ml.g6e.4xlarge", vcpu=16, memory_gib=128, gpus=1, trainium=0, efa=0),
        _it("ml.g6e.8xlarge", vcpu=32, memory_gib=256, gpus=1, trainium=0, efa=1),
        _it("ml.g6e.16xlarge", vcpu=64, memory_gib=512, gpus=1, trainium=0, efa=1),
        _it("ml.g6e.12xlarge", vcpu=48, memory_gib=384, gpus=4, trainium=0, efa=1),
        _it("ml.g6e.24xlarge", vcpu=96, memory_gib=768, gpus=4, trainium=0, efa=2),
        _it("ml.g6e.48xlarge", vcpu=192, memory_gib=1536, gpus=8, trainium=0, efa=4),
        _it("ml.g7e.2xlarge", vcpu=8, memory_gib=64, gpus=1, trainium=0, efa=0),
        _it("ml.g7e.4xlarge", vcpu=16, memory_gib=128, gpus=1, trainium=0, efa=0),
        _it("ml.g7e.8xlarge", vcpu=32, memory_gib=256, gpus=1, trainium=0, efa=1),
        _it("ml.g7e.12xlarge", vcpu=48, memory_gib=512, gpus=2, trainium=0, efa=1),
        _it("ml.g7e.24xlarge", vcpu=96, memory_gib=1024, gpus=4, trainium=0, efa=2),
        _it("ml.g7e.48xlarge", vcpu=192, memory_gib=2048, gpus=8, trainium=0, efa=4),
        _it(
            "ml.p5e.48xlarge",
            vcpu=192,
            memory_gib=2048,
            gpus=8,
            trainium=0,
            efa=32,
            mig=("mig-1g.18gb", "mig-1g.35gb", "mig-2g.35gb", "mig-3g.71gb", "mig-4g.71gb", "mig-7g.141gb"),
        ),
        _it(
            "ml.p5en.48xlarge",
            vcpu=192,
            memory_gib=2048,
            gpus=8,
            trainium=0,
            efa=16,
            mig=("mig-1g.18gb", "mig-1g.35gb", "mig-2g.35gb", "mig-3g.71gb", "mig-4g.71gb", "mig-7g.141gb"),
        ),
        _it("ml.trn2.3xlarge", vcpu=12, memory_gib=128, gpus=0, trainium=1, efa=1),
        _it("ml.trn2.48xlarge", vcpu=192, memory_gib=2048, gpus=0, trainium=16, efa=16),
        _it(
            "ml.p6e-gb200.36xlarge",
            vcpu=144,
            memory_gib=960,
            gpus=4,
            trainium=0,
            efa=0,
            mig=("mig-1g.23gb", "mig-1g.47gb", "mig-2g.47gb", "mig-3g.93gb", "mig-4g.93gb", "mig-7g.186gb"),
        ),
        _it(
            "ml.p6-b200.48xlarge",
            vcpu=192,
            memory_gib=2048,
            gpus=8,
            trainium=0,
            efa=8,
            mig=("mig-1g.23gb", "mig-1g.45gb", "mig-2g.45gb", "mig-3g.90gb", "mig-4g.90gb", "mig-7g.180gb"),
        ),
        _it(
            "ml.p6-b300.48xlarge",
            vcpu=192,
            memory_gib=4096,
            gpus=8,
            trainium=0,
            efa=16,
            mig=("mig-1g.34gb", "mig-1g.67gb", "mig-2g.67gb", "mig-3g.135gb", "mig-4g.135gb", "mig-7g.269gb"),
        ),
        _it("ml.c5.large", vcpu=2, memory_gib=4, gpus=0, trainium=0, efa=0),
        _it("ml.c5.xlarge", vcpu=4, memory_gib=8, gpus=0, trainium=0, efa=0),
        _it("ml.c5.2xlarge", vcpu=8, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.c5.4xlarge", vcpu=16, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.c5.9xlarge", vcpu=36, memory_gib=72, gpus=0, trainium=0, efa=0),
        _it("ml.c5.12xlarge", vcpu=48, memory_gib=96, gpus=0, trainium=0, efa=0),
        _it("ml.c5.18xlarge", vcpu=72, memory_gib=144, gpus=0, trainium=0, efa=0),
        _it("ml.c5.24xlarge", vcpu=96, memory_gib=192, gpus=0, trainium=0, efa=0),
        _it("ml.c5n.large", vcpu=2, memory_gib=5, gpus=0, trainium=0, efa=0),
        _it("ml.c5n.2xlarge", vcpu=8, memory_gib=21, gpus=0, trainium=0, efa=0),
        _it("ml.c5n.4xlarge", vcpu=16, memory_gib=42, gpus=0, trainium=0, efa=0),
        _it("ml.c5n.9xlarge", vcpu=36, memory_gib=96, gpus=0, trainium=0, efa=1),
        _it("ml.c5n.18xlarge", vcpu=72, memory_gib=192, gpus=0, trainium=0, efa=1),
        _it("ml.m5.large", vcpu=2, memory_gib=8, gpus=0, trainium=0, efa=0),
        _it("ml.m5.xlarge", vcpu=4, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.m5.2xlarge", vcpu=8, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.m5.4xlarge", vcpu=16, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.m5.8xlarge", vcpu=32, memory_gib=128, gpus=0, trainium=0, efa=0),
        _it("ml.m5.12xlarge", vcpu=48, memory_gib=192, gpus=0, trainium=0, efa=0),
        _it("ml.m5.16xlarge", vcpu=64, memory_gib=256, gpus=0, trainium=0, efa=0),
        _it("ml.m5.24xlarge", vcpu=96, memory_gib=384, gpus=0, trainium=0, efa=0),
        _it("ml.t3.medium", vcpu=2, memory_gib=4, gpus=0, trainium=0, efa=0),
        _it("ml.t3.large", vcpu=2, memory_gib=8, gpus=0, trainium=0, efa=0),
        _it("ml.t3.xlarge", vcpu=4, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.t3.2xlarge", vcpu=8, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.large", vcpu=2, memory_gib=4, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.xlarge", vcpu=4, memory_gib=8, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.2xlarge", vcpu=8, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.4xlarge", vcpu=16, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.8xlarge", vcpu=32, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.12xlarge", vcpu=48, memory_gib=96, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.16xlarge", vcpu=64, memory_gib=128, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.24xlarge", vcpu=96, memory_gib=192, gpus=0, trainium=0, efa=0),
        _it("ml.c6i.32xlarge", vcpu=128, memory_gib=256, gpus=0, trainium=0, efa=1),
        _it("ml.m6i.large", vcpu=2, memory_gib=8, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.xlarge", vcpu=4, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.2xlarge", vcpu=8, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.4xlarge", vcpu=16, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.8xlarge", vcpu=32, memory_gib=128, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.12xlarge", vcpu=48, memory_gib=192, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.16xlarge", vcpu=64, memory_gib=256, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.24xlarge", vcpu=96, memory_gib=384, gpus=0, trainium=0, efa=0),
        _it("ml.m6i.32xlarge", vcpu=128, memory_gib=512, gpus=0, trainium=0, efa=1),
        _it("ml.r6i.large", vcpu=2, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.xlarge", vcpu=4, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.2xlarge", vcpu=8, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.4xlarge", vcpu=16, memory_gib=128, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.8xlarge", vcpu=32, memory_gib=256, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.12xlarge", vcpu=48, memory_gib=384, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.16xlarge", vcpu=64, memory_gib=512, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.24xlarge", vcpu=96, memory_gib=768, gpus=0, trainium=0, efa=0),
        _it("ml.r6i.32xlarge", vcpu=128, memory_gib=1024, gpus=0, trainium=0, efa=1),
        _it("ml.m7i.large", vcpu=2, memory_gib=8, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.xlarge", vcpu=4, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.2xlarge", vcpu=8, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.4xlarge", vcpu=16, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.8xlarge", vcpu=32, memory_gib=128, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.12xlarge", vcpu=48, memory_gib=192, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.16xlarge", vcpu=64, memory_gib=256, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.24xlarge", vcpu=96, memory_gib=384, gpus=0, trainium=0, efa=0),
        _it("ml.m7i.48xlarge", vcpu=192, memory_gib=768, gpus=0, trainium=0, efa=1),
        _it("ml.r7i.large", vcpu=2, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.xlarge", vcpu=4, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.2xlarge", vcpu=8, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.4xlarge", vcpu=16, memory_gib=128, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.8xlarge", vcpu=32, memory_gib=256, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.12xlarge", vcpu=48, memory_gib=384, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.16xlarge", vcpu=64, memory_gib=512, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.24xlarge", vcpu=96, memory_gib=768, gpus=0, trainium=0, efa=0),
        _it("ml.r7i.48xlarge", vcpu=192, memory_gib=1536, gpus=0, trainium=0, efa=1),
        _it("ml.i3en.large", vcpu=2, memory_gib=16, gpus=0, trainium=0, efa=0),
        _it("ml.i3en.xlarge", vcpu=4, memory_gib=32, gpus=0, trainium=0, efa=0),
        _it("ml.i3en.2xlarge", vcpu=8, memory_gib=64, gpus=0, trainium=0, efa=0),
        _it("ml.i3en.3xlarge", vcpu=12, memory_gib=96, gpus=0, trainium=0, efa=0),
        _it("ml.i3en.6xlarge", vcpu=24, memory_gib=192, gpus=0, trainium=0, efa=0),
        _it("ml.i3en.12xlarge", vcpu=48, memory_gib=384, gpus=0, trainium=0, efa=1),
        _it("ml.i3en.24xlarge", vcpu=96, memory_gib=768, gpus=0, trainium=0, efa=1),
    )
}

# Every MIG profile some instance type offers: the values `accelerator_partition_type` accepts at all.
MIG_PROFILES: frozenset[str] = frozenset(p for t in INSTANCE_TYPES.values() for p in t.mig_profiles)


class CapacityError(ValueError):
    """A request the SDK would refuse at submit time; the message is the SDK's own."""


def cpu_reservation(vcpu: int) -> float:
    """Cores the SDK keeps back for system daemons: 0.1 + 30% of core 1, 15% of core 2, 10% of cores 3-4, 6% beyond."""
    reserved = 0.1
    if vcpu >= 1:
        reserved += 0.3
    if vcpu >= 2:
        reserved += 0.15
    for _ in range(min(2, max(0, vcpu - 2))):
        reserved += 0.1
    if vcpu > 4:
        reserved += (vcpu - 4) * 0.06
    return reserved


def memory_reservation(memory_gib: float) -> float:
    """GiB the SDK keeps back: 0.5 + 30% of the first 4, 25% of the next 4, 20% of the next 8, 17% to 128, 7% beyond."""
    reserved = 0.5
    remaining = memory_gib
    for size, share in ((4, 0.3), (4, 0.25), (8, 0.2), (112, 0.17)):
        if remaining <= 0:
            break
        part = min(size, remaining)
        reserved += part * share
        remaining -= part
    if remaining > 0:
        reserved += remaining * 0.07
    return reserved


def mig_slices(profile: str) -> int:
    """GPU slices of a MIG profile: `mig-3g.40gb` -> 3."""
    match = re.fullmatch(r"mig-(\d+)g\.[\d.]+gb", profile)
    if not match:
        raise CapacityError(f"Invalid MIG partition format: {profile}")
    return int(match.group(1))


def _first_int(resources: dict, keys: tuple[str, ...]) -> int | None:
    for key in keys:
        if resources.get(key):
            return int(resources[key])
    return None


def _first_float(resources: dict, keys: tuple[str, ...]) -> float | None:
    for key in keys:
        if resources.get(key):
            return float(resources[key])
    return None


def _partition(requests: dict, limits: dict) -> tuple[str | None, int | None, int | None]:
    key = next((k for k in requests if k.startswith(MIG_PREFIX)), None)
    count = int(requests[key]) if key else None
    key = key or next((k for k in limits if k.startswith(MIG_PREFIX)), None)
    limit = int(limits[key]) if key and limits.get(key) else None
    return (key.removeprefix("nvidia.com/") if key else None), count, limit


def _trim(instance: InstanceCapacity, requests: dict) -> None:
    """Lower cpu and memory requests to what the instance can allocate once its reservations are taken."""
    cpu = float("".join(c for c in str(requests.get("cpu", "0")) if c.isdigit() or c == "."))
    memory = float(str(requests.get("memory", "0Gi")).replace("Gi", ""))
    requests["cpu"] = str(min(instance.vcpu - cpu_reservation(instance.vcpu), cpu))
    requests["memory"] = f"{min(instance.memory_gib - memory_reservation(instance.memory_gib), memory)}Gi"


def _from_quotas(
    instance: InstanceCapacity,
    vcpu: float | None,
    memory: float | None,
    accelerators: int | None,
    partition: str | None,
    partition_count: int | None,
    efa: int | None,
) -> dict | None:
    """Requests from what the user asked for, the rest in proportion to the instance (None when nothing was asked)."""
    if partition is not None and partition_count is not None:
        return _partition_requests(instance, vcpu, memory, partition, partition_count)
    if not ((memory or 0) > 0 or (vcpu or 0) > 0 or (accelerators or 0) > 0):
        return None
    result: dict = {}
    resource = instance.accelerator_resource
    if vcpu is None and accelerators is None:
        cpu: float = (memory / instance.memory_gib) * instance.vcpu if instance.memory_gib > 0 and memory else 0
        mem = memory
    elif accelerators and resource is not None and instance.accelerators > 0:
        share = accelerators / instance.accelerators
        cpu = vcpu or share * instance.vcpu
        mem = memory or share * instance.memory_gib
        result[resource] = accelerators
        if efa or instance.efa:
            result[EFA] = efa or instance.efa
    else:
        cpu = vcpu or 0
        mem = memory or ((vcpu / instance.vcpu if vcpu is not None else 0) * instance.memory_gib)
    result["cpu"] = f"{cpu}"
    result["memory"] = f"{mem}Gi"
    _trim(instance, result)
    return result


def _partition_requests(
    instance: InstanceCapacity, vcpu: float | None, memory: float | None, partition: str, count: int
) -> dict:
    if vcpu is None and memory is None:
        share = (count * mig_slices(partition)) / (instance.gpus * 7)  # a GPU has seven MIG slices
        vcpu, memory = float(int(share * instance.vcpu)), float(int(share * instance.memory_gib))
    elif memory is None:
        memory = float(int((vcpu or 0) / instance.vcpu * instance.memory_gib))
    elif vcpu is None:
        vcpu = float(int(memory / instance.memory_gib * instance.vcpu))
    result = {"cpu": str(vcpu), "memory": f"{memory}Gi", f"nvidia.com/{partition}": str(count)}
    _trim(instance, result)
    return result


def _whole_instance(instance: InstanceCapacity) -> dict:
    result: dict = {"cpu": f"{instance.vcpu}", "memory": f"{instance.memory_gib}Gi"}
    if instance.accelerator_resource is not None:
        result[instance.accelerator_resource] = instance.accelerators
        if instance.efa > 0:
            result[EFA] = instance.efa
    _trim(instance, result)
    return result


def _check_accelerators(instance: InstanceCapacity, request: int | None, limit: int | None) -> None:
    if request is not None and limit is not None:
        if request != limit:
            raise CapacityError("Accelerator request must equal accelerator limit")
        if limit > instance.accelerators:
            raise CapacityError(
                f"Requested accelerator limit ({limit}) exceeds instance capacity ({instance.accelerators})"
            )


def _check_efa(instance: InstanceCapacity, efa: int | None, limit: int | None) -> None:
    if instance.efa == 0:
        if efa is not None or limit is not None:
            raise CapacityError(f"Instance type '{instance.name}' does not support EFA, but EFA values were provided.")
        return
    if efa is not None and limit is not None and efa != limit:
        raise CapacityError("EFA request must equal EFA limit")
    if limit is not None and limit > instance.efa:
        raise CapacityError(f"Requested EFA limit ({limit}) exceeds instance capacity ({instance.efa})")
    if efa is not None and efa > instance.efa:
        raise CapacityError(f"Requested EFA ({efa}) exceeds instance capacity ({instance.efa})")


def _check_partition(
    partition: str | None, accelerators: int | None, accelerators_limit: int | None, replicas: int | None, itype: str
) -> None:
    if not partition:
        raise CapacityError("accelerator_partition_type must be specified to use accelerator partitions.")
    for amount, name in (
        (accelerators, "accelerators"),
        (accelerators_limit, "accelerators_limit"),
        (replicas, "node_count"),
    ):
        if amount is not None and amount > 0:
            raise CapacityError(f"accelerator_partition_type cannot be used together with {name}.")
    instance = INSTANCE_TYPES.get(itype)
    if instance is None or not instance.mig_profiles:
        raise CapacityError(f"Instance type '{itype}' does not support accelerator partitions.")
    if partition not in instance.mig_profiles:
        raise CapacityError(
            f"Accelerator partition '{partition}' is not supported on instance type '{itype}'. "
            f"Allowed partitions: {', '.join(sorted(instance.mig_profiles))}"
        )


def _settle_memory(instance: InstanceCapacity, requests: dict, limits: dict) -> None:
    limit_text = limits.get("memory")
    user_limit = limit_text is not None
    limit = leading_number(limit_text if user_limit else requests.get("memory"))
    request = leading_number(requests.get("memory"))
    if limit is None or request is None:
        raise CapacityError(f"Invalid memory format: {limit_text or requests.get('memory')}")
    allocatable = int(instance.memory_gib - memory_reservation(instance.memory_gib))
    if not user_limit:
        limit = min(limit, allocatable)
    limits["memory"] = f"{limit}Gi"
    requests["memory"] = f"{min(request, allocatable)}Gi"


def _settle_cpu(instance: InstanceCapacity, requests: dict) -> None:
    # requests were trimmed to what is allocatable already; this only rounds the cap down to whole cores
    requests["cpu"] = str(min(float(requests["cpu"]), int(instance.vcpu - cpu_reservation(instance.vcpu))))


def submission_resources(
    instance_type: str | None, requests: dict, limits: dict, replicas: int | None
) -> tuple[dict, dict] | None:
    """The requests and limits `hyp create` submits for a container the template rendered with these resources.

    The SDK rewrites them from the instance table before submitting; None means it leaves them as rendered (no
    instance type). Raises CapacityError with the SDK's message where it refuses the job.
    """
    accelerator_keys = ("accelerators", GPU, NEURON)
    asks = any(r.get(k) and str(r.get(k)) != "0" for r in (requests, limits) for k in accelerator_keys)
    if not instance_type:
        if asks:
            raise CapacityError("instance_type is required when specifying accelerator resources")
        return None
    instance = INSTANCE_TYPES.get(instance_type) or InstanceCapacity(instance_type, 0, 0, 0, 0, 0)
    accelerators = _first_int(requests, accelerator_keys)
    accelerators_limit = _first_int(limits, accelerator_keys)
    vcpu = _first_float(requests, ("cpu", "vcpu"))
    vcpu_limit = _first_float(limits, ("cpu", "vcpu"))
    memory, memory_limit = leading_number(requests.get("memory")), leading_number(limits.get("memory"))
    if instance.accelerator_resource is None:
        accelerators = accelerators_limit = None
    elif accelerators is None or accelerators_limit is None:
        accelerators = accelerators_limit = accelerators if accelerators is not None else accelerators_limit
    _check_accelerators(instance, accelerators, accelerators_limit)
    efa = int(requests[EFA]) if requests.get(EFA) else None
    efa_limit = int(limits[EFA]) if limits.get(EFA) else None
    _check_efa(instance, efa, efa_limit)
    partition, partition_count, partition_limit = _partition(requests, limits)
    if partition or partition_count or partition_limit:
        _check_partition(partition, accelerators, accelerators_limit, replicas, instance_type)
    if instance_type not in INSTANCE_TYPES:
        raise CapacityError(
            f"Invalid instance_type '{instance_type}'. Please re-check the instance type and contact AWS for support."
        )
    if partition_count is None or partition_limit is None:
        partition_count = partition_limit = partition_count if partition_count is not None else partition_limit
    new_requests = _from_quotas(instance, vcpu, memory, accelerators, partition, partition_count, efa)
    if new_requests is None:
        new_requests = _whole_instance(instance)
        accelerators_limit = new_requests.get(instance.accelerator_resource or "", accelerators_limit)
    new_limits: dict = {}
    if vcpu_limit is not None:
        new_limits["cpu"] = f"{vcpu_limit}"
    if accelerators_limit is not None and instance.accelerator_resource is not None:
        new_limits[instance.accelerator_resource] = accelerators_limit
    if partition_limit is not None:
        new_limits[f"nvidia.com/{partition}"] = partition_limit
    if memory_limit is not None:
        new_limits["memory"] = f"{memory_limit}Gi"
    efa_allocated = new_requests.get(EFA)
    if efa_allocated is not None and int(efa_allocated) > 0:
        new_limits[EFA] = int(efa_allocated)
    _settle_memory(instance, new_requests, new_limits)
    _settle_cpu(instance, new_requests)
    return new_requests, new_limits
