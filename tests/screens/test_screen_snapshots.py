"""SVG snapshots of each screen state (fixed clock, fixed seed, fixed port), each paired with a behaviour test in
test_jobs_screen.py or test_job_detail_and_logs.py. `run_before` asserts the screen really got there, so a crashed
app cannot pass as a blank snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hyptui.kinds import PODS
from hyptui.screens.job_detail import JobDetailScreen
from hyptui.screens.log_view import LogView
from hyptui.screens.pod_log import TAIL_LINES, PodLogScreen
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.conftest import FIXED_START
from tests.screens.helpers import make_app, settle, table_keys, wait_until
from tests.screens.test_job_detail_and_logs import open_job, running_job_with_pods

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
    namespace, job, pods = running_job_with_pods(cluster)

    async def ready(pilot) -> None:
        await open_job(pilot, cluster, namespace, job)
        await wait_until(pilot, lambda: table_keys(pilot.app, "#pods") == pods, "the job's pods")
        assert isinstance(pilot.app.screen, JobDetailScreen)

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(140, 40), run_before=ready)


def test_pod_log_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster
    namespace, job, pods = running_job_with_pods(cluster)

    async def ready(pilot) -> None:
        await open_job(pilot, cluster, namespace, job)
        await wait_until(pilot, lambda: table_keys(pilot.app, "#pods") == pods, "the job's pods")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PodLogScreen), "the log screen")
        view = pilot.app.screen.query_one(LogView)
        container = cluster.store.get(PODS, namespace, pods[0])["spec"]["containers"][0]["name"]
        expected = [
            line.rstrip("\n") for line in cluster.logs.read(namespace, pods[0], container, tail_lines=TAIL_LINES)
        ]
        await wait_until(pilot, lambda: list(view.lines) == expected, "the log")
        await pilot.press("slash", *"loss", "enter")
        await pilot.pause()

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(120, 30), run_before=ready)
