"""SVG snapshots of each screen state (fixed clock, fixed seed, fixed port), each paired with a behaviour test in
test_jobs_screen.py, test_job_detail_and_logs.py, test_help_and_log_buffer.py or test_navigation.py. `run_before`
asserts the screen really got there, so a crashed app cannot pass as a blank snapshot."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from hyptui.kinds import EVENTS
from hyptui.screens.command_bar import CommandBar
from hyptui.screens.events import EventsScreen
from hyptui.screens.help import HelpScreen
from hyptui.screens.job_detail import JobDetailScreen
from hyptui.screens.nodes import NodesScreen
from hyptui.screens.pod_log import PodLogScreen
from hyptui.screens.problems import ProblemsScreen
from hyptui.screens.resource_table import ResourceTable
from hyptui.screens.static_table import StaticTable
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.conftest import FIXED_START
from tests.screens.helpers import make_app, settle, table_keys, wait_until
from tests.screens.test_job_detail_and_logs import open_first_pod_log, open_running_job


def freeze_cursors(pilot) -> None:
    """A blinking cursor would make the snapshot depend on the moment it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


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


def test_nodes_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NodesScreen), "the nodes section")
        await wait_until(pilot, lambda: len(table_keys(pilot.app)) == 10, "every node")

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(140, 24), run_before=ready)


def test_help_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help screen")

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(120, 36), run_before=ready)


def test_palette_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
        await pilot.press(*"del")
        await pilot.pause(0.5)
        freeze_cursors(pilot)

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(120, 30), run_before=ready)


def test_command_line_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandBar), "the command line")
        await pilot.press(*"jbos", "enter")
        await pilot.pause()
        freeze_cursors(pilot)

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(100, 20), run_before=ready)


@pytest.mark.parametrize("theme", ["hyptui-light", "hyptui-high-contrast", "hyptui-monochrome"])
def test_theme_snapshots(snap_compare, snapshot_cluster, theme: str) -> None:
    cluster, kubeconfig = snapshot_cluster
    app = make_app(cluster, kubeconfig)
    app.theme = theme

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        assert pilot.app.theme == theme

    assert snap_compare(app, terminal_size=(110, 16), run_before=ready)


def test_problems_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        await pilot.press("exclamation_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen), "the problems section")
        await wait_until(pilot, lambda: len(table_keys(pilot.app)) == 3, "the seed's three problems")

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(150, 16), run_before=ready)


def test_job_with_faults_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster
    key = "hyperpod-ns-team-a/qwen3-4b-thinking-fsdp"

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        table = pilot.app.screen.query_one(ResourceTable)
        table.move_cursor(row=table_keys(pilot.app).index(key))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobDetailScreen), "the job's detail")
        faults = pilot.app.screen.query_one("#faults", StaticTable)
        await wait_until(pilot, lambda: faults.row_count == 1, "its recovered fault")

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(150, 44), run_before=ready)


def test_job_logs_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await open_running_job(pilot, cluster)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PodLogScreen), "the job's logs")
        view = pilot.app.screen.log_view
        namespace, job = "hyperpod-ns-team-a", "llama3-1-8b-fsdp"
        expected = sum(
            len(cluster.logs.read(namespace, f"{job}-pod-{i}", "pytorch-job-container", tail_lines=5000))
            for i in range(2)
        )
        await wait_until(pilot, lambda: view.line_count == expected, "both pods' lines")

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(140, 30), run_before=ready)


def test_events_snapshot(snap_compare, snapshot_cluster) -> None:
    cluster, kubeconfig = snapshot_cluster

    async def ready(pilot) -> None:
        await settle(pilot, cluster)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, EventsScreen), "the events section")
        await wait_until(pilot, lambda: len(table_keys(pilot.app)) == len(cluster.store.list(EVENTS)[0]), "events")

    assert snap_compare(make_app(cluster, kubeconfig), terminal_size=(150, 24), run_before=ready)
