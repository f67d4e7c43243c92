"""The ownerReference a simulated controller puts on what it creates: it names the controller, and blocks the owner's
foreground deletion until the dependent is gone (what the API server's garbage collector reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hyptui.hyperpod.kinds import ResourceKind


def controller_reference(kind: ResourceKind, owner: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": kind.api_version,
        "kind": kind.kind,
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }
