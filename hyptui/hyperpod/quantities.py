"""Kubernetes resource quantities ("500m", "4Gi", "2", "1e3"): read as resource.Quantity reads them, kept as integer
amounts in the scheduler's units (millicores for cpu, bytes or plain counts for the rest), and written back as the API
server canonicalises them. Also the two lenient readings hyptui needs besides: a view's whole count, and the HyperPod
SDK's leading number."""

from __future__ import annotations

import re
from decimal import Decimal

_QUANTITY = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
_BINARY_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL_EXPONENTS = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BYTE_RESOURCES = ("memory", "ephemeral-storage")
_LEADING_NUMBER = re.compile(r"^([0-9]*\.?[0-9]+)")


def parse_quantity(value: str | int | float) -> Decimal:
    """A Kubernetes resource.Quantity in base units: `"500m"` → 0.5, `"16Gi"` → 17179869184, `"1e3"` → 1000, `4` → 4."""
    if isinstance(value, int | float):
        return Decimal(str(value))
    match = _QUANTITY.match(value.strip())
    if not match:
        raise ValueError(f"quantities must match the regular expression '{_QUANTITY.pattern}': {value!r}")
    number, suffix = Decimal(match[1]), match[2] or ""
    if suffix in _BINARY_SUFFIXES:
        return number * _BINARY_SUFFIXES[suffix]
    exponent = _DECIMAL_EXPONENTS[suffix] if suffix in _DECIMAL_EXPONENTS else int(suffix[1:])
    return number.scaleb(exponent)


def cpu_millis(value: str | int | float) -> int:
    """CPU in millicores, rounded up as the API server does (`"0.1"` → 100, `"250m"` → 250, `4` → 4000)."""
    return int((parse_quantity(value) * 1000).to_integral_value(rounding="ROUND_CEILING"))


def memory_bytes(value: str | int | float) -> int:
    """Bytes (or a plain count), rounded up: `"104Gi"` → 111669149696, `"1e3"` → 1000."""
    return int(parse_quantity(value).to_integral_value(rounding="ROUND_CEILING"))


def amount(resource: str, value: str | int | float) -> int:
    """What kube-scheduler and Kueue count in: millicores for cpu, bytes or plain counts for everything else."""
    return cpu_millis(value) if resource == "cpu" else memory_bytes(value)


def amount_text(resource: str, value: int) -> str:
    """An amount (see `amount`) as the API server renders the Quantity: "44", "500m", "136Gi", "4"."""
    if resource == "cpu":
        return str(value // 1000) if value % 1000 == 0 else f"{value}m"
    if resource in _BYTE_RESOURCES or resource.startswith("hugepages-"):
        for suffix, size in reversed(_BINARY_SUFFIXES.items()):
            if value and value % size == 0:
                return f"{value // size}{suffix}"
    return str(value)


def number_text(value: int | float) -> str:
    """A number given where a Quantity belongs, as the API server stores it: 4 → "4", 0.5 → "500m"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{round(value * 1000)}m"


def whole_count(value: object, *, integers_only: bool = False) -> int:
    """A count as a view reads one, 0 when it does not read as one: "4" → 4, "1.5" → 1 (the fraction dropped), or
    with `integers_only` 0 for anything but an integer ("1.5" → 0)."""
    try:
        return int(str(value)) if integers_only else int(float(str(value)))
    except ValueError:
        return 0


def leading_number(text: object) -> float | None:
    """The leading number of a quantity such as `80.5Gi`, its unit ignored, as the HyperPod SDK reads it."""
    match = _LEADING_NUMBER.match(str(text)) if text else None
    return float(match.group(1)) if match else None
