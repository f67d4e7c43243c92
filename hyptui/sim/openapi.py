"""`/openapi/v3`: just enough OpenAPI for `kubectl create -f` and `apply -f` to run without `--validate=false`.

Per kind, one PATCH operation carrying its group-version-kind and a `fieldValidation` parameter tells kubectl the server
validates fields itself, so it sends `fieldValidation=Strict` instead of validating against schemas we do not have.
Strategic merge patch is left out of the request bodies on purpose: kubectl's client-side apply then computes it from
its compiled-in types for built-in kinds and sends a merge patch for custom ones.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from hyptui.kinds import ResourceKind
from hyptui.sim.discovery import SERVED_KINDS, VERSION_INFO

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
    return documents


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
