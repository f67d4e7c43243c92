"""Discovery documents (`/version`, `/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`), built from hyptui's kinds table.

Legacy documents serve the Python client's DynamicClient; the aggregated form (apidiscovery.k8s.io/v2) is what kubectl
asks for first and saves it the per-group-version round trips.
"""

from __future__ import annotations

from typing import Any

from hyptui.hyperpod.kinds import ALL_KINDS, CREATE_ONLY_KINDS, PODS, ResourceKind, ServedVersion
from hyptui.sim.apiserver.crds import CRD_VERBS, CUSTOM_RESOURCE_DEFINITIONS
from hyptui.sim.apiserver.event_views import EVENTS_V1

AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
RESOURCE_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
STATUS_VERBS = ["get", "patch", "update"]

VERSION_INFO: dict[str, str] = {
    "major": "1",
    "minor": "32",  # the gcloud kubectl dispatcher picks kubectl 1.32 from this
    "gitVersion": "v1.32.5",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T00:00:00Z",
    "goVersion": "go1.23.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}


# Every other served version of a stored kind, as a kind of its own, with the stored kind it converts to and from.
VERSION_VIEWS: dict[ResourceKind, tuple[ResourceKind, ServedVersion]] = {
    kind.at_version(served.version): (kind, served) for kind in ALL_KINDS for served in kind.served_versions
}
# The kinds table plus what only the API server serves: older versions of custom kinds (after the preferred one), the
# CRDs of the custom kinds and the events.k8s.io view.
SERVED_KINDS: tuple[ResourceKind, ...] = (
    *ALL_KINDS,
    *VERSION_VIEWS,
    *CREATE_ONLY_KINDS,
    EVENTS_V1,
    CUSTOM_RESOURCE_DEFINITIONS,
)
_BY_PATH: dict[tuple[str, str, str], ResourceKind] = {(k.group, k.version, k.plural): k for k in SERVED_KINDS}


def wants_aggregated(accept: str) -> bool:
    """kubectl offers the v2 aggregated form first; plain `application/json` clients get the legacy documents."""
    for media_range in accept.split(","):
        params = dict(part.strip().split("=", 1) for part in media_range.split(";")[1:] if "=" in part)
        if params == {"g": "apidiscovery.k8s.io", "v": "v2", "as": "APIGroupDiscoveryList"}:
            return True
    return False


def groups() -> dict[str, list[str]]:
    """Named API groups and their versions, preferred first, in kinds-table order."""
    versions: dict[str, list[str]] = {}
    for kind in SERVED_KINDS:
        if kind.group and kind.version not in versions.setdefault(kind.group, []):
            versions[kind.group].append(kind.version)
    return versions


def kind_for(group: str, version: str, plural: str) -> ResourceKind | None:
    return _BY_PATH.get((group, version, plural))


def serves_group_version(group: str, version: str) -> bool:
    return any((k.group, k.version) == (group, version) for k in SERVED_KINDS)


def verbs_of(kind: ResourceKind) -> list[str]:
    if kind in CREATE_ONLY_KINDS:
        return ["create"]
    return CRD_VERBS if kind is CUSTOM_RESOURCE_DEFINITIONS else RESOURCE_VERBS


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def api_group_list() -> dict[str, Any]:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": group,
                "versions": [{"groupVersion": f"{group}/{v}", "version": v} for v in versions],
                "preferredVersion": {"groupVersion": f"{group}/{versions[0]}", "version": versions[0]},
            }
            for group, versions in groups().items()
        ],
    }


def api_resource_list(group: str, version: str) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for kind in _kinds_of(group, version):
        resource: dict[str, Any] = {
            "name": kind.plural,
            "singularName": kind.singular,
            "namespaced": kind.namespaced,
            "kind": kind.kind,
            "verbs": verbs_of(kind),
            **_names(kind),
        }
        resources.append(resource)
        for subresource, verbs in _subresources(kind):
            resources.append(
                {
                    "name": f"{kind.plural}/{subresource}",
                    "singularName": "",
                    "namespaced": kind.namespaced,
                    "kind": kind.kind,
                    "verbs": verbs,
                }
            )
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def aggregated_discovery(core: bool) -> dict[str, Any]:
    """`/api` (core=True) or `/apis` in the apidiscovery.k8s.io/v2 form."""
    listed = {"": ["v1"]} if core else groups()
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": [
            {
                "metadata": {"name": group},
                "versions": [
                    {
                        "version": version,
                        "resources": [_aggregated_resource(kind) for kind in _kinds_of(group, version)],
                        "freshness": "Current",
                    }
                    for version in versions
                ],
            }
            for group, versions in listed.items()
        ],
    }


def _aggregated_resource(kind: ResourceKind) -> dict[str, Any]:
    response_kind = {"group": kind.group, "version": kind.version, "kind": kind.kind}
    resource: dict[str, Any] = {
        "resource": kind.plural,
        "responseKind": response_kind,
        "scope": "Namespaced" if kind.namespaced else "Cluster",
        "singularResource": kind.singular,
        "verbs": verbs_of(kind),
        **_names(kind),
    }
    subresources = [
        {"subresource": name, "responseKind": response_kind, "verbs": verbs} for name, verbs in _subresources(kind)
    ]
    if subresources:
        resource["subresources"] = subresources
    return resource


def _names(kind: ResourceKind) -> dict[str, list[str]]:
    """The optional aliases both discovery forms list: shortNames (`po`) and categories (`all`)."""
    names: dict[str, list[str]] = {}
    if kind.short_names:
        names["shortNames"] = list(kind.short_names)
    if kind.categories:
        names["categories"] = list(kind.categories)
    return names


def _kinds_of(group: str, version: str) -> list[ResourceKind]:
    return [kind for kind in SERVED_KINDS if (kind.group, kind.version) == (group, version)]


def _subresources(kind: ResourceKind) -> list[tuple[str, list[str]]]:
    subresources: list[tuple[str, list[str]]] = []
    if kind.key == PODS.key:
        subresources.append(("log", ["get"]))
    if kind.has_status:
        subresources.append(("status", STATUS_VERBS))
    return subresources
