"""Snapshot fixtures for every screen's snapshot module: the seeded app on a fixed port and clock, compared with its
stored SVG under snapshots/."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.aws_environment import strip_aws_environment
from tests.fixed_clock import FIXED_START
from tests.screens.helpers import make_app

# The header shows the API server URL, so snapshots need the same port every run.
SNAPSHOT_PORT = 47_621


@pytest.fixture
def snapshot_cluster(tmp_path: Path) -> Iterator[tuple[EmbeddedCluster, Path]]:
    deadline = time.monotonic() + 30
    while True:  # another test run on this machine may hold the port for a moment
        cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7, port=SNAPSHOT_PORT)
        try:
            cluster.start()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield cluster, cluster.write_kubeconfig(tmp_path / "kubeconfig")
    finally:
        cluster.stop()


@pytest.fixture
def no_developer_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials and region come only from each app's AwsTarget, never from the machine running the tests."""
    strip_aws_environment(monkeypatch, tmp_path / "aws")


Steps = Callable[[Pilot, EmbeddedCluster], Awaitable[None]]


@pytest.fixture
def take(snap_compare, snapshot_cluster) -> Callable[..., bool]:
    """take(size, steps, theme=None): the seeded app at `size`, after `steps`, compared with its stored SVG."""
    cluster, kubeconfig = snapshot_cluster

    def compare(size: tuple[int, int], steps: Steps, theme: str | None = None) -> bool:
        app = make_app(cluster, kubeconfig)
        if theme:
            app.theme = theme

        async def run_before(pilot: Pilot) -> None:
            await steps(pilot, cluster)

        return snap_compare(app, terminal_size=size, run_before=run_before)

    return compare
