"""Everything that can happen to the state, as typed values; gateway threads and screens dispatch these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from hyptui.store.state import Connection, Invocation, WatchStatus

WatchEventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]


@dataclass(frozen=True, slots=True)
class Connected:
    """Now looking at this cluster; a different one than before drops everything seen of the old one."""

    connection: Connection


@dataclass(frozen=True, slots=True)
class ListLoaded:
    """A full (re)list of one kind: replaces the whole collection."""

    kind: str  # ResourceKind.key
    items: tuple[dict[str, Any], ...]
    resource_version: str


@dataclass(frozen=True, slots=True)
class WatchEvent:
    kind: str  # ResourceKind.key
    type: WatchEventType
    obj: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WatchStatusChanged:
    kind: str  # ResourceKind.key
    status: WatchStatus


@dataclass(frozen=True, slots=True)
class Notice:
    message: str | None  # None clears it


@dataclass(frozen=True, slots=True)
class InvocationRecorded:
    """An endpoint answered (or refused) a request from the invoke panel; kept for the session's history."""

    endpoint: str  # the endpoint's row key
    invocation: Invocation


Action = Connected | ListLoaded | WatchEvent | WatchStatusChanged | Notice | InvocationRecorded
