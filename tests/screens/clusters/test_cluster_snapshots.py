"""SVG snapshots of the clusters section, on conftest.py's seeded app, fixed port and clock;
each is paired with a behaviour test in test_clusters_screen.py, and `steps` asserts the screen really got there."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from textual.pilot import Pilot

from hyptui.screens.clusters.detail import ClusterDetailScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.clusters.steps import LIVE, create_stack, open_clusters, select, summary
from tests.screens.helpers import freeze_cursors, wait_until, widget_text

pytestmark = pytest.mark.usefixtures("no_developer_aws")  # only the app's AwsTarget counts
SIZE = (150, 40)


def test_clusters_list_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_clusters(pilot, cluster)
        select(pilot, LIVE)
        freeze_cursors(pilot)

    assert take(SIZE, steps)


def test_cluster_detail_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_clusters(pilot, cluster)
        select(pilot, LIVE)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClusterDetailScreen), "the detail")
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.query_one("#cluster-nodes", ResourceTable).row_count == 10, "nodes")
        summary_widget = screen.query_one("#cluster-summary")
        await wait_until(pilot, lambda: "vpc-0" in widget_text(summary_widget), "the EKS cluster's VPC")
        freeze_cursors(pilot)

    assert take(SIZE, steps)


def test_stack_progress_snapshot(take, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # The random part of the stack's name, fixed as the snapshot's seed is.
    monkeypatch.setattr(secrets, "token_hex", lambda size: "0f0f0a1b2c"[: 2 * size])

    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_clusters(pilot, cluster)
        progress = await create_stack(pilot, "team-cluster")
        cluster.advance(45, step=5)
        await pilot.press("r")
        tree = progress.query_one("#stack-tree", ResourceTable)
        await wait_until(pilot, lambda: "45s elapsed" in summary(progress) and tree.row_count > 10, "mid-way")
        pilot.app.clear_notifications()  # they name the run directory, stamped with the wall clock
        freeze_cursors(pilot)

    assert take(SIZE, steps)
