"""OpenAPI v3 schemas of the built-in kinds the embedded cluster serves (Pod, Node, Namespace, both Event views), read
from the official Python client's generated models, which carry every field of the Kubernetes API types.

They are what `/openapi/v3` publishes under `components.schemas` and what strict field validation walks.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from hyptui.hyperpod.kinds import EVENTS, NAMESPACES, NODES, PODS, ResourceKind

# Root model per built-in kind key (the events.k8s.io view has its own key).
_ROOT_MODELS = {
    PODS.key: "V1Pod",
    NODES.key: "V1Node",
    NAMESPACES.key: "V1Namespace",
    EVENTS.key: "CoreV1Event",
    "events.k8s.io": "EventsV1Event",
}
_META_TYPES = frozenset(
    {"ObjectMeta", "OwnerReference", "ManagedFieldsEntry", "LabelSelector", "LabelSelectorRequirement"}
)
_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer", "format": "int64"},
    "float": {"type": "number", "format": "double"},
    "bool": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "object": {},  # RawExtension, IntOrString, FieldsV1: any value
}
_LIST = re.compile(r"List\[(.+)\]")
_MAP = re.compile(r"Dict\[str, (.+)\]")


def builtin_schema_name(kind: ResourceKind) -> str | None:
    """The component name of a built-in kind's schema (`io.k8s.api.core.v1.Pod`), None for custom kinds."""
    model = _ROOT_MODELS.get(kind.key)
    return _component_name(model) if model else None


@cache
def builtin_components() -> dict[str, dict[str, Any]]:
    """Every schema the built-in kinds reach, by component name."""
    components: dict[str, dict[str, Any]] = {}
    for model in _ROOT_MODELS.values():
        _add_model(model, components)
    return components


def object_meta_name() -> str:
    return _component_name("V1ObjectMeta")


def _component_name(model: str) -> str:
    """`V1PodSpec` → `io.k8s.api.core.v1.PodSpec`, `EventsV1Event` → `io.k8s.api.events.v1.Event`."""
    prefix, name = re.fullmatch(r"((?:Core|Events)?V1)(.+)", model).groups()  # type: ignore[union-attr]
    if prefix == "EventsV1":
        return f"io.k8s.api.events.v1.{name}"
    if name in _META_TYPES:
        return f"io.k8s.apimachinery.pkg.apis.meta.v1.{name}"
    return f"io.k8s.api.core.v1.{name}"


def _add_model(model: str, components: dict[str, dict[str, Any]]) -> str:
    name = _component_name(model)
    if name in components:
        return name
    from kubernetes.client import models  # the client is a dependency; its models load only when a schema is asked

    cls = getattr(models, model)
    properties: dict[str, Any] = {}
    components[name] = {"type": "object", "properties": properties}
    for attribute, type_text in cls.openapi_types.items():
        properties[cls.attribute_map[attribute]] = _schema_of(type_text, components)
    return name


def _schema_of(type_text: str, components: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if type_text in _SCALARS:
        return dict(_SCALARS[type_text])
    if match := _LIST.fullmatch(type_text):
        return {"type": "array", "items": _schema_of(match.group(1), components)}
    if match := _MAP.fullmatch(type_text):
        return {"type": "object", "additionalProperties": _schema_of(match.group(1), components)}
    return {"$ref": f"#/components/schemas/{_add_model(type_text, components)}"}
