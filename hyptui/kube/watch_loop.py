"""List + watch for one kind, as client-go's reflector does it: resume a watch that ended from its last
resourceVersion; relist and replace after a 410, a "too large resource version" or a lost connection (the server may
be a new one, whose resourceVersions mean nothing to ours); back off while the server or the credential is away.

The kind is `live` only once a list has succeeded and its watch is open; until then its rows are stale, since when is
kept across retries."""

from __future__ import annotations

import asyncio
import importlib
import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.kube.api import ApiRequestError, KubeApi
from hyptui.kube.credentials import CredentialError
from hyptui.store.actions import Action, ListLoaded, WatchEvent, WatchStatusChanged
from hyptui.store.state import WatchPhase, WatchStatus

# The server ends each watch after this long and we resume from the last resourceVersion; real API servers pick
# 30-60 minutes when asked for nothing, which would hide a dead connection for as long.
WATCH_TIMEOUT_SECONDS = 240
LIST_PAGE_SIZE = 500


class Backoff:
    # The cap bounds how long after a server comes back the screen catches up (a few seconds, not a minute).
    def __init__(self, first: float = 0.5, cap: float = 3.0, rng: random.Random | None = None) -> None:
        self._first = first
        self._cap = cap
        self._next = first
        self._rng = rng or random.Random()

    def reset(self) -> None:
        self._next = self._first

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._cap, self._next * 2)
        return delay * (0.8 + 0.4 * self._rng.random())


class WatchLoop:
    def __init__(
        self,
        api: KubeApi,
        kind: ResourceKind,
        namespace: str | None,
        dispatch: Callable[[Action], None],
        backoff: Backoff | None = None,
        watch_timeout: int = WATCH_TIMEOUT_SECONDS,
    ) -> None:
        self._api = api
        self._kind = kind
        self._namespace = namespace if kind.namespaced else None
        # The storage version first, then older ones the kind is also served at (a cluster with an older add-on
        # only serves those); objects read at an older version are converted to the storage shape.
        self._versions: list[tuple[str, Callable[[dict], dict] | None]] = [(kind.version, None)]
        self._versions += [(served.version, served.to_storage) for served in kind.served_versions]
        self._version_index = 0
        self._to_storage: Callable[[dict], dict] | None = None
        self._path = kind.collection_path(self._namespace)
        self._dispatch = dispatch
        self._backoff = backoff or Backoff()
        self._watch_timeout = watch_timeout
        self._phase: WatchPhase | None = None
        self._error: str | None = None
        self._stale_since: datetime | None = None  # when the kind last stopped being live

    def _set_phase(self, phase: WatchPhase, error: str | None = None) -> None:
        if phase is self._phase and error == self._error:
            return
        if phase is WatchPhase.LIVE:
            self._stale_since = None
        elif self._stale_since is None:
            self._stale_since = datetime.now(UTC)
        self._phase, self._error = phase, error
        self._dispatch(
            WatchStatusChanged(self._kind.key, WatchStatus(phase, error, self._stale_since or datetime.now(UTC)))
        )

    async def run(self) -> None:
        # Already loaded with the client by the time a watch runs; imported here so the engine starts without it.
        client_errors = importlib.import_module("aiohttp").ClientError
        resource_version: str | None = None
        while True:
            try:
                if resource_version is None:
                    self._set_phase(WatchPhase.SYNCING, self._error)
                    try:
                        resource_version = await self._list()
                    except ApiRequestError as error:
                        if error.status != 404:
                            raise
                        if not self._next_version():
                            self._set_phase(
                                WatchPhase.ABSENT, f"the cluster does not serve {self._kind.qualified_plural}"
                            )
                            return
                        continue
                    self._set_phase(WatchPhase.LIVE)
                resource_version = await self._watch(resource_version)
                self._backoff.reset()
            except ApiRequestError as error:
                if error.history_gone:
                    resource_version = None
                    continue
                await self._wait_after(str(error))
            except CredentialError as error:  # nothing was sent: the watch can resume where it was
                await self._wait_after(str(error))
            except (OSError, TimeoutError, ValueError, client_errors) as error:
                resource_version = None
                await self._wait_after(_describe(error))

    def _next_version(self) -> bool:
        """Move on to the next older served version; False when there is none left to try."""
        if self._version_index + 1 >= len(self._versions):
            return False
        self._version_index += 1
        version, self._to_storage = self._versions[self._version_index]
        self._path = replace(self._kind, version=version).collection_path(self._namespace)
        return True

    async def _wait_after(self, message: str) -> None:
        self._set_phase(WatchPhase.RECONNECTING, message)
        await asyncio.sleep(self._backoff.next_delay())

    async def _list(self) -> str:
        items: list[dict] = []
        query: dict[str, str | int] = {"limit": LIST_PAGE_SIZE}
        while True:
            page = await self._api.get_json(self._path, query)
            items.extend(page.get("items") or [])
            metadata = page.get("metadata") or {}
            token = metadata.get("continue")
            if not token:
                break
            query = {"limit": LIST_PAGE_SIZE, "continue": token}
        resource_version = str(metadata.get("resourceVersion") or "")
        for item in items:  # lists omit kind/apiVersion on items; screens that render YAML want them back
            item.setdefault("kind", self._kind.kind)
            item.setdefault("apiVersion", self._kind.api_version)
        if self._to_storage is not None:
            items = [self._to_storage(item) for item in items]
        self._dispatch(ListLoaded(self._kind.key, tuple(items), resource_version))
        return resource_version

    async def _watch(self, resource_version: str) -> str:
        query = {
            "watch": "true",
            "resourceVersion": resource_version,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": self._watch_timeout,
        }
        async with self._api.stream(self._path, query, read_timeout=self._watch_timeout + 30) as lines:
            self._set_phase(WatchPhase.LIVE)
            async for line in lines:
                if not line.strip():
                    continue
                event = json.loads(line)
                kind = event.get("type")
                obj = event.get("object") or {}
                if kind == "ERROR":
                    raise ApiRequestError.from_status(obj)
                if self._to_storage is not None and kind != "BOOKMARK":
                    obj = self._to_storage(obj)
                self._dispatch(WatchEvent(self._kind.key, kind, obj))
                resource_version = str((obj.get("metadata") or {}).get("resourceVersion") or resource_version)
        return resource_version


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
