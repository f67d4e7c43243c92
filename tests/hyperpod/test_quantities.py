"""Kubernetes quantities: every format the scheduler, Kueue, the API server's canonical form, the views and the hyp
SDK's capacity rewrite read or write."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hyptui.hyperpod.quantities import (
    amount,
    amount_text,
    cpu_millis,
    leading_number,
    memory_bytes,
    number_text,
    parse_quantity,
    whole_count,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("500m", "0.5"), ("4", "4"), ("0.1", "0.1"), ("16Gi", str(16 * 2**30)), ("1000Mi", str(1000 * 2**20))],
)
def test_quantities_parse_to_base_units(text: str, expected: str) -> None:
    assert parse_quantity(text) == Decimal(expected)


def test_cpu_and_memory_helpers_round_like_the_api_server() -> None:
    assert cpu_millis("500m") == 500
    assert cpu_millis(4) == 4000
    assert cpu_millis("0.1") == 100
    assert memory_bytes("104Gi") == 104 * 2**30
    assert memory_bytes("1e3") == 1000
    with pytest.raises(ValueError, match="quantities must match"):
        parse_quantity("4 cores")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1Ki", 2**10),
        ("1.5Ki", 1536),
        ("2Ti", 2 * 2**40),
        ("1Pi", 2**50),
        ("1Ei", 2**60),
        ("250n", Decimal("0.00000025")),
        ("3u", Decimal("0.000003")),
        ("2k", 2000),
        ("5M", 5 * 10**6),
        ("1G", 10**9),
        ("1T", 10**12),
        ("1P", 10**15),
        ("2E", 2 * 10**18),
        ("2E2", 200),
        ("1e-3", Decimal("0.001")),
        (".5", Decimal("0.5")),
        ("+3", 3),
        ("-1", -1),
        (" 8 ", 8),
        ("43.0", 43),
        ("150.5Gi", Decimal("150.5") * 2**30),
        (4, 4),
        (0.25, Decimal("0.25")),
    ],
)
def test_every_suffix_and_number_form_reads_as_resource_quantity_does(
    value: str | int | float, expected: int | Decimal
) -> None:
    assert parse_quantity(value) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "Gi", "4 Gi", "4gi", "1.2.3", "0x10", "4m4"])
def test_what_is_not_a_quantity_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="quantities must match"):
        parse_quantity(text)


def test_cpu_and_bytes_round_up_never_down() -> None:
    assert cpu_millis("0.0001") == 1
    assert cpu_millis("1500u") == 2
    assert cpu_millis(0.5) == 500
    assert memory_bytes("0.5") == 1
    assert memory_bytes("1.0001k") == 1001
    assert memory_bytes(3) == 3


def test_amounts_are_millicores_for_cpu_and_base_units_for_the_rest() -> None:
    assert amount("cpu", "44") == 44000
    assert amount("cpu", "100m") == 100
    assert amount("cpu", 2) == 2000
    assert amount("memory", "160Gi") == 160 * 2**30
    assert amount("memory", "128Mi") == 128 * 2**20
    assert amount("nvidia.com/gpu", "4") == 4
    assert amount("nvidia.com/gpu", 8) == 8
    assert amount("vpc.amazonaws.com/efa", 1) == 1


@pytest.mark.parametrize(
    ("resource", "value", "expected"),
    [
        ("cpu", 44000, "44"),
        ("cpu", 500, "500m"),
        ("cpu", 1500, "1500m"),
        ("cpu", 0, "0"),
        ("memory", 136 * 2**30, "136Gi"),
        ("memory", 512 * 2**20, "512Mi"),
        ("memory", 2048 * 2**30, "2Ti"),
        ("memory", 3 * 2**10, "3Ki"),
        ("memory", 1000, "1000"),
        ("memory", 0, "0"),
        ("ephemeral-storage", 20 * 2**30, "20Gi"),
        ("hugepages-2Mi", 4 * 2**20, "4Mi"),
        ("nvidia.com/gpu", 4, "4"),
        ("nvidia.com/gpu", 1024, "1024"),
    ],
)
def test_amounts_are_written_as_the_api_server_renders_them(resource: str, value: int, expected: str) -> None:
    assert amount_text(resource, value) == expected


@pytest.mark.parametrize(
    ("resource", "text"), [("cpu", "500m"), ("cpu", "44"), ("memory", "160Gi"), ("nvidia.com/gpu", "4")]
)
def test_an_amount_written_back_reads_as_the_same_amount(resource: str, text: str) -> None:
    assert amount_text(resource, amount(resource, text)) == text


@pytest.mark.parametrize(("value", "expected"), [(4, "4"), (4.0, "4"), (0, "0"), (0.5, "500m"), (1.25, "1250m")])
def test_a_number_where_a_quantity_belongs_is_stored_in_canonical_form(value: int | float, expected: str) -> None:
    assert number_text(value) == expected


@pytest.mark.parametrize(
    ("value", "lenient", "integers_only"),
    [
        ("4", 4, 4),
        (4, 4, 4),
        ("0", 0, 0),
        ("1.5", 1, 0),
        ("4.0", 4, 0),
        (None, 0, 0),
        ("", 0, 0),
        ("four", 0, 0),
        ("4Gi", 0, 0),
    ],
)
def test_a_view_reads_a_count_as_zero_unless_it_is_a_number(value: object, lenient: int, integers_only: int) -> None:
    assert whole_count(value) == lenient
    assert whole_count(value, integers_only=True) == integers_only


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80.5Gi", 80.5), ("160Gi", 160.0), ("4", 4.0), (".5Gi", 0.5), ("500Mi", 500.0), (32, 32.0)],
)
def test_the_sdk_reads_the_leading_number_and_ignores_the_unit(text: object, expected: float) -> None:
    assert leading_number(text) == expected


@pytest.mark.parametrize("text", [None, "", "Gi", "-4Gi"])
def test_the_sdk_reads_no_number_where_none_leads(text: object) -> None:
    assert leading_number(text) is None
