"""What the API server checks before it stores anything: object names (DNS-1123), label and annotation keys and
values and the annotations' total size, and the JSON types of the fields the simulator relies on (unknown fields:
see field_validation)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from hyptui.hyperpod.kinds import NAMESPACES, ResourceKind
from hyptui.sim.apiserver.errors import bad_request, invalid, invalid_field, too_long_field

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = _DNS1123_LABEL + r"(\." + _DNS1123_LABEL + ")*"
_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    f"with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{_DNS1123_LABEL}')"
)
_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    f"and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{_DNS1123_SUBDOMAIN}')"
)


def check_name(kind: ResourceKind, name: str) -> None:
    """Namespaces must be DNS-1123 labels, every other kind the simulator serves a DNS-1123 subdomain."""
    label = kind.key == NAMESPACES.key
    limit, pattern, message = (
        (63, _DNS1123_LABEL, _LABEL_MESSAGE) if label else (253, _DNS1123_SUBDOMAIN, _SUBDOMAIN_MESSAGE)
    )
    causes = []
    shown = json.dumps(name)
    if len(name) > limit:
        causes.append(invalid_field("metadata.name", shown, f"must be no more than {limit} characters"))
    if not re.fullmatch(pattern, name):
        causes.append(invalid_field("metadata.name", shown, message))
    if causes:
        raise invalid(kind, name, causes)


def _regex_message(message: str, pattern: str, *examples: str) -> str:
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{pattern}')"


_QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QUALIFIED_NAME_MESSAGE = _regex_message(
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    _QUALIFIED_NAME,
    "MyName",
    "my.name",
    "123-abc",
)
_LABEL_VALUE = f"({_QUALIFIED_NAME})?"
_LABEL_VALUE_MESSAGE = _regex_message(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character",
    _LABEL_VALUE,
    "MyValue",
    "my_value",
    "12345",
)
QUALIFIED_NAME_MAX_LENGTH = 63
LABEL_VALUE_MAX_LENGTH = 63
ANNOTATIONS_SIZE_LIMIT = 256 * 1024  # bytes of all keys and values together


def label_key_problems(key: str) -> list[str]:
    """Why `key` is not a qualified name (`[prefix/]name`, as label and annotation keys must be): apimachinery's
    messages, in its order."""
    parts = key.split("/")
    if len(parts) > 2:
        return [
            f"a qualified name {_QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    problems = []
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            problems.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                problems.append("prefix part must be no more than 253 characters")
            if not re.fullmatch(_DNS1123_SUBDOMAIN, prefix):
                problems.append(f"prefix part {_SUBDOMAIN_MESSAGE}")
    name = parts[-1]
    if not name:
        problems.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX_LENGTH:
        problems.append(f"name part must be no more than {QUALIFIED_NAME_MAX_LENGTH} characters")
    if not re.fullmatch(_QUALIFIED_NAME, name):
        problems.append(f"name part {_QUALIFIED_NAME_MESSAGE}")
    return problems


def label_value_problems(value: str) -> list[str]:
    problems = []
    if len(value) > LABEL_VALUE_MAX_LENGTH:
        problems.append(f"must be no more than {LABEL_VALUE_MAX_LENGTH} characters")
    if not re.fullmatch(_LABEL_VALUE, value):
        problems.append(_LABEL_VALUE_MESSAGE)
    return problems


def check_metadata(kind: ResourceKind, obj: Mapping[str, Any]) -> None:
    """Labels and annotations as ValidateObjectMeta checks them (after check_shape made them maps of strings)."""
    metadata = obj["metadata"]
    causes = []
    for key, value in (metadata.get("labels") or {}).items():
        causes += [invalid_field("metadata.labels", json.dumps(key), problem) for problem in label_key_problems(key)]
        causes += [
            invalid_field("metadata.labels", json.dumps(value), problem) for problem in label_value_problems(value)
        ]
    annotations = metadata.get("annotations") or {}
    for key in annotations:
        # Annotation keys are qualified names too, but case does not matter.
        problems = label_key_problems(key.lower())
        causes += [invalid_field("metadata.annotations", json.dumps(key), problem) for problem in problems]
    if sum(len(key.encode()) + len(value.encode()) for key, value in annotations.items()) > ANNOTATIONS_SIZE_LIMIT:
        causes.append(too_long_field("metadata.annotations", ANNOTATIONS_SIZE_LIMIT))
    if causes:
        raise invalid(kind, metadata.get("name", ""), causes)


_JSON_TYPES = ((bool, "bool"), (str, "string"), (int, "number"), (float, "number"), (list, "array"), (dict, "object"))


def check_shape(kind: ResourceKind, obj: Mapping[str, Any]) -> None:
    """The types the simulator relies on (metadata, spec, status, a pod's containers) are what the real decoder
    would accept; anything else is the 400 the decoder gives instead of a broken object in the store."""
    metadata = obj.get("metadata")
    _expect(kind, "metadata", metadata, dict, "v1.ObjectMeta")
    assert isinstance(metadata, dict)
    for field in ("name", "generateName", "namespace", "resourceVersion", "uid"):
        _expect(kind, f"metadata.{field}", metadata.get(field), str, "string", optional=True)
    for field in ("labels", "annotations"):
        _expect(kind, f"metadata.{field}", metadata.get(field), dict, "map[string]string", optional=True)
        for value in (metadata.get(field) or {}).values():
            _expect(kind, f"metadata.{field}", value, str, "string")
    _expect(kind, "metadata.finalizers", metadata.get("finalizers"), list, "[]string", optional=True)
    for finalizer in metadata.get("finalizers") or []:
        _expect(kind, "metadata.finalizers", finalizer, str, "string")
    _expect(kind, "metadata.ownerReferences", metadata.get("ownerReferences"), list, "[]v1.OwnerReference", True)
    for reference in metadata.get("ownerReferences") or []:
        _expect(kind, "metadata.ownerReferences", reference, dict, "v1.OwnerReference")
    for field in ("spec", "status"):
        _expect(kind, field, obj.get(field), dict, "object", optional=True)
    if kind.key == "pods":
        containers = (obj.get("spec") or {}).get("containers")
        _expect(kind, "spec.containers", containers, list, "[]v1.Container", optional=True)
        for container in containers or []:
            _expect(kind, "spec.containers", container, dict, "v1.Container")
            _expect(kind, "spec.containers.name", container.get("name"), str, "string", optional=True)


def _expect(kind: ResourceKind, field: str, value: Any, expected: type, go_type: str, optional: bool = False) -> None:
    if (value is None and optional) or (
        isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    ):
        return
    found = (
        "null" if value is None else next(name for python_type, name in _JSON_TYPES if isinstance(value, python_type))
    )
    raise bad_request(
        f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: json: cannot unmarshal '
        f"{found} into Go struct field {kind.kind}.{field} of type {go_type}"
    )
