"""Shared fixtures for the embedded cluster's tests: a store on a frozen clock, and the API server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from hyptui.sim.apiserver.server import ApiServer
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.nodes.container_logs import LogStore

SIM_START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RunningApiServer:
    store: ObjectStore
    logs: LogStore
    url: str


@pytest.fixture
def api_server() -> Iterator[RunningApiServer]:
    store = ObjectStore(SimClock(start=SIM_START, speed=0))
    logs = LogStore()
    server = ApiServer(store, logs)
    server.start()
    try:
        yield RunningApiServer(store, logs, server.url)
    finally:
        server.stop()
