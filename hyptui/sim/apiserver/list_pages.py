"""List chunking (`limit` / `continue`): every page of one list comes from the snapshot the first page was read from,
so objects written meanwhile neither appear nor vanish mid-list; a snapshot no longer kept answers 410 Expired, a
token this server could not have issued 400."""

from __future__ import annotations

import base64
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from hyptui.sim.apiserver.errors import ApiError, bad_request, expired

KEPT_SNAPSHOTS = 64
_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter."
)

SnapshotKey = tuple[str, str | None, str, str, int]  # kind, namespace, label selector, field selector, RV


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    resource_version: int
    continue_token: str | None
    remaining: int | None


def object_key(obj: dict[str, Any]) -> list[str]:
    return [obj["metadata"].get("namespace", ""), obj["metadata"]["name"]]


class ListSnapshots:
    """The full results of recent chunked lists, by what was asked and the resource version they were read at."""

    def __init__(self, kept: int = KEPT_SNAPSHOTS) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._snapshots: OrderedDict[SnapshotKey, list[dict[str, Any]]] = OrderedDict()

    def first_page(
        self, query: tuple[str, str | None, str, str], items: list[dict[str, Any]], resource_version: int, limit: int
    ) -> Page:
        if limit <= 0 or limit >= len(items):
            return Page(items, resource_version, None, None)
        with self._lock:
            self._snapshots[(*query, resource_version)] = items
            while len(self._snapshots) > self._kept:
                self._snapshots.popitem(last=False)
        return self._page(items, 0, resource_version, limit)

    def next_page(self, query: tuple[str, str | None, str, str], token: str, limit: int) -> Page:
        resource_version, start = _decode(token)
        with self._lock:
            items = self._snapshots.get((*query, resource_version))
            if items is not None:
                self._snapshots.move_to_end((*query, resource_version))
        if items is None:
            raise expired(_EXPIRED)
        offset = next((index for index, item in enumerate(items) if object_key(item) > start), len(items))
        return self._page(items, offset, resource_version, limit)

    @staticmethod
    def _page(items: list[dict[str, Any]], offset: int, resource_version: int, limit: int) -> Page:
        end = len(items) if limit <= 0 else offset + limit
        page = items[offset:end]
        if end >= len(items):
            return Page(page, resource_version, None, None)
        token = _encode(resource_version, object_key(page[-1]))
        return Page(page, resource_version, token, len(items) - end)


_TOKEN_VERSION = "meta.k8s.io/v1"


def _encode(resource_version: int, start: list[str]) -> str:
    document = {"v": _TOKEN_VERSION, "rv": resource_version, "start": start}
    # Unpadded URL-safe base64, as the real server's tokens are.
    return base64.urlsafe_b64encode(json.dumps(document, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(token: str) -> tuple[int, list[str]]:
    """A token's snapshot and start, or the real server's 400 for a token it could not have issued."""
    try:
        data = base64.b64decode(token.encode() + b"=" * (-len(token) % 4), altchars=b"-_", validate=True)
    except ValueError:
        raise _invalid_token("continue key is not valid: illegal base64 data") from None
    try:
        document = json.loads(data)
    except ValueError as error:
        raise _invalid_token(f"continue key is not valid: {error}") from None
    if not isinstance(document, dict) or document.get("v") != _TOKEN_VERSION:
        version = document.get("v") if isinstance(document, dict) else None
        raise _invalid_token(f"server does not recognize this encoded version {version or ''}".rstrip())
    resource_version, start = document.get("rv"), document.get("start")
    if not isinstance(resource_version, int) or isinstance(resource_version, bool) or resource_version <= 0:
        raise _invalid_token(
            f"continue key is not valid: incorrect encoded start resourceVersion (version {_TOKEN_VERSION})"
        )
    if not (isinstance(start, list) and len(start) == 2 and all(isinstance(part, str) for part in start)):
        raise _invalid_token(f"continue key is not valid: encoded start key empty (version {_TOKEN_VERSION})")
    return resource_version, start


def _invalid_token(detail: str) -> ApiError:
    return bad_request(f"invalid continue token: {detail}")
