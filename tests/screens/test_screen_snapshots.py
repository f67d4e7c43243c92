"""SVG snapshots of each screen state (fixed clock, fixed seed, fixed port), each paired with a behaviour test in
test_jobs_screen.py or test_job_detail_and_logs.py. `run_before` asserts the screen really got there, so a crashed
app cannot pass as a blank snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.conftest import FIXED_START
from tests.screens.helpers import make_app, settle
from tests.screens.test_job_detail_and_logs import open_first_pod_log, open_running_job

# The header shows the API server URL, so snapshots need the same port every run.
SNAPSHOT_PORT = 47_621


@pytest.fixture
def snapshot_cluster(tmp_path: Path) -> Iterator[tuple[EmbeddedCluster, Path]]:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7, port=SNAPSHOT_PORT)
    cluster.start()
    try:
        yield cluster, cluster.write_kubeconfig(tmp_path / "kubeconfig")
    finally:
        cluster.stop()


def test_jobs_list_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(120, 30), run_before=ready)


def test_jobs_list_narrow_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(80, 24), run_before=ready)


def test_job_detail_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await open_running_job(pilot, cluster)

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(140, 40), run_before=ready)


def test_pod_log_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await open_first_pod_log(pilot, cluster)
        await pilot.press("slash", *"loss", "enter")
        await pilot.pause()

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(120, 30), run_before=ready)
