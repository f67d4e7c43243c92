"""`apiextensions.k8s.io/v1 customresourcedefinitions`, read-only: one CRD per custom kind the cluster serves, built
from the kinds table (clients such as the HyperPod CLI look up a CRD to tell whether an operator is installed)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from hyptui.hyperpod.kinds import AGE_COLUMN, ResourceKind
from hyptui.sim.apiserver.custom_schemas import structural_schema

CUSTOM_RESOURCE_DEFINITIONS = ResourceKind(
    key="customresourcedefinitions",
    group="apiextensions.k8s.io",
    version="v1",
    plural="customresourcedefinitions",
    kind="CustomResourceDefinition",
    namespaced=False,
    singular="customresourcedefinition",
    short_names=("crd", "crds"),
    categories=("api-extensions",),
    builtin=True,
)
CRD_VERBS = ["get", "list"]
_UID_NAMESPACE = uuid.UUID("6f0c1f0e-5b7a-4c43-9d7e-2f1a9b3c4d5e")


def custom_resource_definitions(kinds: Iterable[ResourceKind], created: str) -> list[dict[str, Any]]:
    """CRD objects ordered by name; `created` is their creationTimestamp (when the cluster came up)."""
    by_name: dict[str, list[ResourceKind]] = {}
    for kind in kinds:
        if not kind.builtin:
            by_name.setdefault(kind.qualified_plural, []).append(kind)
    return [_definition(name, versions, created) for name, versions in sorted(by_name.items())]


def _definition(name: str, versions: list[ResourceKind], created: str) -> dict[str, Any]:
    first = versions[0]
    names: dict[str, Any] = {
        "plural": first.plural,
        "singular": first.singular,
        "kind": first.kind,
        "listKind": first.list_kind,
    }
    if first.short_names:
        names["shortNames"] = list(first.short_names)
    if first.categories:
        names["categories"] = list(first.categories)
    return {
        "apiVersion": CUSTOM_RESOURCE_DEFINITIONS.api_version,
        "kind": CUSTOM_RESOURCE_DEFINITIONS.kind,
        "metadata": {
            "name": name,
            "uid": str(uuid.uuid5(_UID_NAMESPACE, name)),
            "resourceVersion": "1",
            "generation": 1,
            "creationTimestamp": created,
        },
        "spec": {
            "group": first.group,
            "names": names,
            "scope": "Namespaced" if first.namespaced else "Cluster",
            "versions": [
                *(_version(kind, index == 0) for index, kind in enumerate(versions)),
                *(_version(first.at_version(served.version), False) for served in first.served_versions),
            ],
            "conversion": _conversion(first),
        },
        "status": {
            "acceptedNames": names,
            "storedVersions": [first.version],
            "conditions": [
                _condition("NamesAccepted", "NoConflicts", "no conflicts found", created),
                _condition("Established", "InitialNamesAccepted", "the initial names have been accepted", created),
            ],
        },
    }


def _version(kind: ResourceKind, storage: bool) -> dict[str, Any]:
    version: dict[str, Any] = {
        "name": kind.version,
        "served": True,
        "storage": storage,
        "schema": {"openAPIV3Schema": structural_schema(kind)},
    }
    if kind.deprecation_warning:
        version["deprecated"] = True
        version["deprecationWarning"] = kind.deprecation_warning
    if kind.has_status:
        version["subresources"] = {"status": {}}
    columns = kind.printer_columns or (AGE_COLUMN,)
    version["additionalPrinterColumns"] = [
        {
            "name": column.name,
            "type": column.type,
            "jsonPath": column.json_path,
            **({"description": column.description} if column.description else {}),
            **({"priority": column.priority} if column.priority else {}),
            **({"format": column.format} if column.format else {}),
        }
        for column in columns
    ]
    return version


def _conversion(kind: ResourceKind) -> dict[str, Any]:
    """Served at several versions, the operator's webhook converts (Kueue's lives in kueue-system)."""
    if not kind.served_versions:
        return {"strategy": "None"}
    service = {"name": "kueue-webhook-service", "namespace": "kueue-system", "path": "/convert", "port": 443}
    return {
        "strategy": "Webhook",
        "webhook": {"clientConfig": {"service": service}, "conversionReviewVersions": ["v1"]},
    }


def _condition(condition_type: str, reason: str, message: str, at: str) -> dict[str, str]:
    return {"type": condition_type, "status": "True", "lastTransitionTime": at, "reason": reason, "message": message}
