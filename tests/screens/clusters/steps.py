"""What the clusters tests do on screen: open the section, select a cluster, create a stack and read its progress."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import TextArea

from hyptui.screens.clusters.list import ClustersScreen
from hyptui.screens.clusters.stack_progress import StackProgressScreen
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.forms import tab_to
from tests.screens.helpers import (
    cell,
    settle,
    table_keys,
    type_text,
    wait_until,
    widget_text,
)

LIVE = "ml-cluster-aim371"


async def open_clusters(pilot: Pilot, cluster: EmbeddedCluster, count: int = 3) -> ClustersScreen:
    await settle(pilot, cluster)
    await pilot.press("8")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClustersScreen), "the clusters section")
    await wait_until(pilot, lambda: len(table_keys(pilot.app)) == count, f"{count} clusters")
    return screen_of(pilot)


def select(pilot: Pilot, name: str) -> str:
    key = key_of(pilot, name)
    screen_of(pilot).table.move_cursor(row=table_keys(pilot.app).index(key))
    return key


async def create_stack(pilot: Pilot, hyperpod_cluster: str) -> StackProgressScreen:
    """n on the clusters screen, the cluster's name typed into the cluster-stack form, ctrl+r."""
    app = pilot.app
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfigFormScreen), "the cluster-stack form")
    form = app.screen
    assert isinstance(form, ConfigFormScreen) and form.spec.name == "cluster-stack"
    preview = form.query_one("#manifest-preview", TextArea)
    await tab_to(pilot, "hyperpod_cluster_name")
    await pilot.press("ctrl+u")
    await type_text(pilot, hyperpod_cluster)
    expected = f"HyperPodClusterName: {hyperpod_cluster}"
    await wait_until(pilot, lambda: expected in preview.text, "the parameters create sends")
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: isinstance(app.screen, StackProgressScreen), "the stack's progress")
    progress = app.screen
    assert isinstance(progress, StackProgressScreen)
    return progress


def summary(screen: StackProgressScreen) -> str:
    return widget_text(screen.query_one("#stack-summary")).strip()


def screen_of(pilot: Pilot) -> ClustersScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ClustersScreen)
    return screen


def key_of(pilot: Pilot, name: str) -> str:
    return next(key for key in table_keys(pilot.app) if cell(pilot.app, key, "name") == name)
