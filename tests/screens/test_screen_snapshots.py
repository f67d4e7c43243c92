"""SVG snapshots of each screen state (fixed clock, fixed seed, fixed port), each paired with a behaviour test in
test_jobs_screen.py, test_job_detail_and_logs.py, test_help_and_log_buffer.py or test_navigation.py. `run_before`
asserts the screen really got there, so a crashed app cannot pass as a blank snapshot."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot

from hyptui.hyperpod.kinds import EVENTS, PODS
from hyptui.screens.configs.list import ConfigsScreen
from hyptui.screens.events.list import EventsScreen
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.jobs.pods import PodsScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.problems.list import ProblemsScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.shell.command_bar import CommandBar
from hyptui.screens.shell.help import HelpScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.sim.cluster import EmbeddedCluster
from tests.fixed_clock import FIXED_START
from tests.paths import HYP_FIXTURES
from tests.screens.helpers import freeze_cursors, settle, table_keys, wait_until
from tests.screens.jobs.steps import open_first_pod_log, open_running_job

CONFIG_FIXTURES = HYP_FIXTURES


async def open_section(pilot: Pilot, cluster: EmbeddedCluster, key: str, screen: type, rows: int) -> None:
    await settle(pilot, cluster)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen), f"the {screen.__name__}")
    await wait_until(pilot, lambda: len(table_keys(pilot.app)) == rows, f"{rows} rows")


async def open_modal(pilot: Pilot, cluster: EmbeddedCluster, key: str, screen: type) -> None:
    await settle(pilot, cluster)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen), f"the {screen.__name__}")


def test_jobs_list_snapshot(take) -> None:
    assert take((120, 30), settle)


def test_jobs_list_narrow_snapshot(take) -> None:
    assert take((80, 24), settle)


def test_job_detail_snapshot(take) -> None:
    assert take((140, 40), open_running_job)


def test_pod_log_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_first_pod_log(pilot, cluster)
        await pilot.press("slash", *"loss", "enter")
        await pilot.pause()

    assert take((120, 30), steps)


def test_nodes_snapshot(take) -> None:
    assert take((140, 24), lambda pilot, cluster: open_section(pilot, cluster, "2", NodesScreen, 10))


def test_pods_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_section(pilot, cluster, "9", PodsScreen, len(cluster.store.list(PODS)[0]))

    assert take((150, 30), steps)


def test_configs_snapshot(take, monkeypatch) -> None:
    # a fixed folder and file times: the title names the folder, the table the times
    root = Path(tempfile.gettempdir()) / "hyptui-configs-snapshot"
    shutil.rmtree(root, ignore_errors=True)
    for fixture, name in (("pytorch-1.1-basic", "llama"), ("pytorch-1.1-invalid", "team-b/broken")):
        shutil.copytree(CONFIG_FIXTURES / fixture, root / name)
        os.utime(root / name / "config.yaml", (FIXED_START.timestamp(), FIXED_START.timestamp()))
    monkeypatch.chdir(root)

    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await settle(pilot, cluster)
        await pilot.press("0")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfigsScreen), "the configs section")
        await wait_until(pilot, lambda: len(table_keys(pilot.app)) == 2, "both directories")
        await pilot.press("down")  # the invalid one, whose Why? panel shows
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#why").display, "the Why? panel")

    try:
        assert take((130, 20), steps)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_help_snapshot(take) -> None:
    assert take((120, 36), lambda pilot, cluster: open_modal(pilot, cluster, "question_mark", HelpScreen))


def test_palette_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_modal(pilot, cluster, "ctrl+p", CommandPalette)
        await pilot.press(*"del")
        await pilot.pause(0.5)
        freeze_cursors(pilot)

    assert take((120, 30), steps)


def test_command_line_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_modal(pilot, cluster, "colon", CommandBar)
        await pilot.press(*"jbos", "enter")
        await pilot.pause()
        freeze_cursors(pilot)

    assert take((100, 20), steps)


@pytest.mark.parametrize("theme", ["hyptui-light", "hyptui-high-contrast", "hyptui-monochrome"])
def test_theme_snapshots(take, theme: str) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await settle(pilot, cluster)
        assert pilot.app.theme == theme

    assert take((110, 16), steps, theme=theme)


def test_problems_snapshot(take) -> None:
    assert take((150, 16), lambda pilot, cluster: open_section(pilot, cluster, "exclamation_mark", ProblemsScreen, 2))


def test_events_snapshot(take, snapshot_cluster) -> None:
    cluster, _ = snapshot_cluster
    events = len(cluster.store.list(EVENTS)[0])
    assert take((150, 24), lambda pilot, cluster: open_section(pilot, cluster, "4", EventsScreen, events))


def test_job_with_faults_snapshot(take) -> None:
    key = "hyperpod-ns-team-a/qwen3-4b-thinking-fsdp"

    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await settle(pilot, cluster)
        table = pilot.app.screen.query_one(ResourceTable)
        table.move_cursor(row=table_keys(pilot.app).index(key))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobDetailScreen), "the job's detail")
        faults = pilot.app.screen.query_one("#faults", StaticTable)
        await wait_until(pilot, lambda: faults.row_count == 1, "its recovered fault")

    assert take((150, 44), steps)


def test_job_logs_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
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

    assert take((140, 30), steps)


def test_queues_snapshot(take) -> None:
    assert take((150, 34), lambda pilot, cluster: open_section(pilot, cluster, "5", QueuesScreen, 6))
