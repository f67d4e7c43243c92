"""Shared fixtures for the embedded cluster's tests: a store on a frozen clock, and the API server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hyptui.sim.apiserver.server import ApiServer
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.nodes.container_logs import LogStore
from tests.sim.api_server import SIM_START, RunningApiServer


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
