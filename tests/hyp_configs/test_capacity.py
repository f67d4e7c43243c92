"""Instance capacity: the requests and limits hyp create derives, and hyptui's checks beyond hyp validate."""

from __future__ import annotations

import pytest

from hyptui.hyp_configs.capacity import (
    INSTANCE_TYPES,
    CapacityError,
    cpu_reservation,
    memory_reservation,
    submission_resources,
)
from hyptui.hyp_configs.registry import get_template
from hyptui.hyp_configs.validation import capacity_messages, validate_values
from hyptui.hyperpod.resources import GPU, NEURON

JOB = get_template("hyp-pytorch-job", "1.1")
BASE = {"job_name": "j", "image": "i"}


def test_the_table_knows_the_sims_instance_types_with_matching_capacity() -> None:
    g5 = INSTANCE_TYPES["ml.g5.12xlarge"]
    assert (g5.vcpu, g5.memory_gib, g5.gpus, g5.efa, g5.accelerator_resource) == (48, 192, 4, 1, GPU)
    assert INSTANCE_TYPES["ml.trn1.32xlarge"].accelerator_resource == NEURON
    assert INSTANCE_TYPES["ml.t3.medium"].accelerator_resource is None
    assert "mig-1g.10gb" in INSTANCE_TYPES["ml.p5.48xlarge"].mig_profiles


def test_reservations_follow_the_sdk_tiers() -> None:
    assert cpu_reservation(48) == pytest.approx(0.1 + 0.3 + 0.15 + 0.2 + 44 * 0.06)
    assert memory_reservation(192) == pytest.approx(0.5 + 1.2 + 1.0 + 1.6 + 112 * 0.17 + 64 * 0.07)


def test_a_job_that_asks_for_nothing_gets_the_whole_allocatable_instance() -> None:
    requests, limits = submission_resources("ml.g5.12xlarge", {GPU: "0"}, {GPU: "0"}, 1)
    assert requests == {"cpu": "44", "memory": "164Gi", GPU: 4, "vpc.amazonaws.com/efa": 1}
    assert limits == {GPU: 4, "vpc.amazonaws.com/efa": 1, "memory": "164Gi"}


def test_accelerators_bring_their_share_of_cpu_and_memory() -> None:
    requests, limits = submission_resources("ml.g5.12xlarge", {GPU: 2}, {GPU: 2}, 1)
    assert requests == {GPU: 2, "vpc.amazonaws.com/efa": 1, "cpu": "24.0", "memory": "96.0Gi"}
    assert limits[GPU] == 2 and limits["memory"] == "96.0Gi"


def test_no_instance_type_leaves_resources_alone_unless_accelerators_are_asked_for() -> None:
    assert submission_resources(None, {GPU: "0"}, {GPU: "0"}, 1) is None
    with pytest.raises(CapacityError, match="instance_type is required when specifying accelerator resources"):
        submission_resources(None, {GPU: 1}, {GPU: 1}, 1)


@pytest.mark.parametrize(
    ("itype", "requests", "limits", "message"),
    [
        ("ml.g5.8xlarge", {GPU: 2}, {GPU: 2}, r"Requested accelerator limit \(2\) exceeds instance capacity \(1\)"),
        ("ml.t3.medium", {"vpc.amazonaws.com/efa": 1}, {}, "does not support EFA"),
        (
            "ml.p5.48xlarge",
            {"vpc.amazonaws.com/efa": 2},
            {"vpc.amazonaws.com/efa": 3},
            "EFA request must equal EFA limit",
        ),
        ("ml.g5.8xlarge", {"nvidia.com/mig-1g.10gb": 1}, {}, "does not support accelerator partitions"),
        ("ml.nope.xlarge", {"cpu": 1}, {}, "Invalid instance_type 'ml.nope.xlarge'"),
    ],
)
def test_the_sdks_refusals(itype: str, requests: dict, limits: dict, message: str) -> None:
    with pytest.raises(CapacityError, match=message):
        submission_resources(itype, requests, limits, None)


def test_queue_and_priority_must_exist_when_the_cluster_lists_are_given() -> None:
    values = {**BASE, "queue_name": "team-q", "priority": "urgent"}
    assert capacity_messages(JOB, values) == []
    messages = capacity_messages(JOB, values, queues=["hyperpod-ns-team-a-localqueue"], priority_classes=[])
    assert [(m.fields, m.source, m.message) for m in messages] == [
        (("queue_name",), "cluster", "Queue 'team-q' does not exist; available: hyperpod-ns-team-a-localqueue"),
        (("priority",), "cluster", "Priority class 'urgent' does not exist; available: none"),
    ]


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        (
            {"instance_type": "ml.g5.8xlarge", "accelerators": 2, "accelerators_limit": 2},
            "accelerators",
            "exceeds instance capacity (1)",
        ),
        ({"instance_type": "ml.g5.12xlarge", "accelerators": 2}, "accelerators_limit", "set accelerators_limit to 2"),
        (
            {"instance_type": "ml.g5.12xlarge", "vcpu": 64},
            "vcpu",
            "exceeds instance capacity (48 vCPU on ml.g5.12xlarge)",
        ),
        (
            {"instance_type": "ml.g5.12xlarge", "memory_limit": 300.5},
            "memory_limit",
            "exceeds instance capacity (192 GiB",
        ),
        ({"instance_type": "ml.g5.12xlarge", "efa": 2}, "efa", "Requested efa (2) exceeds instance capacity (1)"),
        ({"instance_type": "ml.t3.medium", "accelerators": 1}, "accelerators", "does not support accelerators"),
        (
            {"instance_type": "ml.p5.48xlarge", "accelerator_partition_type": "mig-1g.5gb"},
            "accelerator_partition_type",
            "Allowed partitions: mig-1g.10gb",
        ),
        ({"instance_type": "ml.x.large"}, "instance_type", "Invalid instance_type 'ml.x.large'"),
        ({"accelerators": -1}, "accelerators", "Input should be greater than or equal to 0"),
        ({"vcpu": 4}, "instance_type", "instance_type is required when specifying"),
    ],
)
def test_capacity_messages_name_the_field(values: dict, field: str, text: str) -> None:
    messages = [m for m in capacity_messages(JOB, {**BASE, **values}) if m.severity == "error"]
    assert any(field in m.fields and text in m.message for m in messages), [str(m) for m in messages]


def test_asking_for_more_than_allocatable_is_a_warning_not_an_error() -> None:
    (message,) = capacity_messages(JOB, {**BASE, "instance_type": "ml.g5.12xlarge", "vcpu": 46})
    assert message.severity == "warning" and message.fields == ("vcpu",)
    assert message.message == "hyp create lowers vcpu 46 to 44.61, what ml.g5.12xlarge can allocate"


def test_hyptuis_own_messages_follow_hyps() -> None:
    values = {**BASE, "instance_type": "ml.g5.8xlarge", "accelerator_partition_type": "mig-1g.10gb"}
    messages = validate_values(JOB, values)
    assert [(m.source, m.fields) for m in messages] == [
        ("hyp", ("accelerator_partition_type", "instance_type")),
        ("capacity", ("accelerator_partition_type", "instance_type")),
    ]
