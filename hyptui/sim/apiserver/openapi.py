"""`/openapi/v3`: just enough OpenAPI for `kubectl create -f` and `apply -f` to run without `--validate=false`.

Per kind, one PATCH operation carrying its group-version-kind and a `fieldValidation` parameter tells kubectl the server
validates fields itself, so it sends `fieldValidation=Strict` instead of validating against schemas we do not have.
Strategic merge patch is left out of the request bodies on purpose: kubectl's client-side apply then computes it from
its compiled-in types for built-in kinds and sends a merge patch for custom ones.

`components.schemas` holds each kind's schema (built-in kinds from the official client's models, custom kinds from their
CRD's structural schema), so `kubectl explain` works and the server validates request fields against the same schemas.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.sim.apiserver.builtin_schemas import builtin_components, builtin_schema_name, object_meta_name
from hyptui.sim.apiserver.custom_schemas import structural_schema
from hyptui.sim.apiserver.discovery import SERVED_KINDS, VERSION_INFO

_REF_PREFIX = "#/components/schemas/"
_PATCH_MEDIA_TYPES = ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")


def group_version_path(kind: ResourceKind) -> str:
    """The key of a group-version in the `/openapi/v3` index: `api/v1` or `apis/<group>/<version>`."""
    return f"apis/{kind.group}/{kind.version}" if kind.group else f"api/{kind.version}"


@cache
def openapi_index() -> dict[str, Any]:
    paths = {
        path: {"serverRelativeURL": f"/openapi/v3/{path}?hash={_hash(document)}"}
        for path, document in _documents().items()
    }
    return {"paths": paths}


def group_version_document(path: str) -> dict[str, Any] | None:
    """The document of `api/v1` or `apis/<group>/<version>`, None when that group-version is not served."""
    return _documents().get(path)


@cache
def _documents() -> dict[str, dict[str, Any]]:
    documents: dict[str, dict[str, Any]] = {}
    for kind in SERVED_KINDS:
        document = documents.setdefault(
            group_version_path(kind),
            {
                "openapi": "3.0.0",
                "info": {"title": "Kubernetes", "version": VERSION_INFO["gitVersion"]},
                "paths": {},
                "components": {"schemas": {}},
            },
        )
        document["paths"][_object_path(kind)] = {"patch": _patch_operation(kind)}
        schemas = document["components"]["schemas"]
        # `kubectl explain` finds a kind's schema by the group-version-kind its root carries.
        gvk = {"x-kubernetes-group-version-kind": [{"group": kind.group, "version": kind.version, "kind": kind.kind}]}
        if not kind.builtin:
            schemas.update(_reachable(object_meta_name()))
            schemas[_custom_schema_name(kind)] = {**_published(kind), **gvk}
        elif name := builtin_schema_name(kind):
            schemas.update(_reachable(name))
            schemas[name] = {**schemas[name], **gvk}
    return documents


def _custom_schema_name(kind: ResourceKind) -> str:
    """A custom kind's component name, group reversed as real servers have it: `io.x-k8s.kueue.v1beta2.Workload`."""
    return ".".join([*reversed(kind.group.split(".")), kind.version, kind.kind])


def object_schema(kind: ResourceKind) -> dict[str, Any]:
    """The schema a served kind's objects are validated against: a `$ref` for built-in kinds, `{}` (anything) for
    the read-only CustomResourceDefinitions."""
    if not kind.builtin:
        return _published(kind)
    name = builtin_schema_name(kind)
    return {"$ref": _REF_PREFIX + name} if name else {}


def resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a `$ref` to the component it names."""
    while "$ref" in schema:
        schema = builtin_components()[schema["$ref"].removeprefix(_REF_PREFIX)]
    return schema


@cache
def _published(kind: ResourceKind) -> dict[str, Any]:
    """A custom kind's structural schema, its metadata typed as ObjectMeta as the real server publishes it."""
    schema = structural_schema(kind)
    if "properties" in schema:
        schema["properties"]["metadata"] = {"$ref": _REF_PREFIX + object_meta_name()}
    return schema


def _reachable(name: str) -> dict[str, dict[str, Any]]:
    """A component and every component it refers to, as a group-version document must carry them."""
    components = builtin_components()
    found: dict[str, dict[str, Any]] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found[current] = components[current]
        pending += [ref.removeprefix(_REF_PREFIX) for ref in _refs(components[current])]
    return found


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        return [schema["$ref"]] if "$ref" in schema else [ref for value in schema.values() for ref in _refs(value)]
    return []


def _object_path(kind: ResourceKind) -> str:
    base = f"/apis/{kind.group}/{kind.version}" if kind.group else f"/api/{kind.version}"
    scope = "/namespaces/{namespace}" if kind.namespaced else ""
    return f"{base}{scope}/{kind.plural}/{{name}}"


def _patch_operation(kind: ResourceKind) -> dict[str, Any]:
    query = ("dryRun", "fieldManager", "fieldValidation", "force")
    return {
        "operationId": f"patch{kind.kind}",
        "parameters": [{"name": name, "in": "query", "schema": {"type": "string"}} for name in query],
        "requestBody": {"content": {media_type: {"schema": {"type": "object"}} for media_type in _PATCH_MEDIA_TYPES}},
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": {"group": kind.group, "version": kind.version, "kind": kind.kind},
    }


def _hash(document: dict[str, Any]) -> str:
    return hashlib.sha512(json.dumps(document, sort_keys=True).encode()).hexdigest()[:128].upper()
