"""The embedded API server alone, over real HTTP on a frozen clock, as the sim's tests start it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.nodes.container_logs import LogStore

SIM_START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RunningApiServer:
    store: ObjectStore
    logs: LogStore
    url: str
