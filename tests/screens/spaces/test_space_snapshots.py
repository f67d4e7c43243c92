"""SVG snapshots of the spaces section, on conftest.py's seeded app, fixed port and clock; each
is paired with a behaviour test in test_spaces_screen.py, and `steps` asserts the screen really got there."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import TextArea

from hyptui.hyperpod.kinds import WORKSPACES
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.spaces.detail import SpaceDetailScreen
from hyptui.screens.spaces.templates import SpaceTemplatesScreen
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import cell, freeze_cursors, table_keys, wait_until, widget_text
from tests.screens.spaces.steps import BIG_GPU, open_spaces, select

SIZE = (150, 40)
BIG = "default/big-gpu"


async def with_gpu_space(pilot: Pilot, cluster: EmbeddedCluster) -> None:
    await open_spaces(pilot, cluster)
    workspace = {"metadata": {"name": "big-gpu"}, "spec": {"displayName": "Too big", "resources": BIG_GPU}}
    cluster.store.create(WORKSPACES, workspace, "default")
    cluster.advance(120)
    await wait_until(pilot, lambda: BIG in table_keys(pilot.app), "the GPU space")
    await wait_until(pilot, lambda: cell(pilot.app, BIG, "status") == "Pending", "the GPU space to wait")
    select(pilot, BIG)
    summary = pilot.app.screen.query_one("#space-summary")
    await wait_until(pilot, lambda: "Insufficient nvidia.com/gpu" in widget_text(summary), "the reason")


def test_spaces_list_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await with_gpu_space(pilot, cluster)
        freeze_cursors(pilot)

    assert take(SIZE, steps)


def test_space_detail_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await with_gpu_space(pilot, cluster)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SpaceDetailScreen), "the detail")
        reason = pilot.app.screen.query_one("#space-reason")
        await wait_until(pilot, lambda: "Insufficient nvidia.com/gpu" in widget_text(reason), "the reason")
        freeze_cursors(pilot)

    assert take(SIZE, steps)


def test_space_templates_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_spaces(pilot, cluster)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SpaceTemplatesScreen), "the templates")
        await wait_until(pilot, lambda: len(table_keys(pilot.app)) == 2, "both templates")
        describe = pilot.app.screen.query_one("#template-describe")
        await wait_until(pilot, lambda: "Description" in widget_text(describe), "the description")
        freeze_cursors(pilot)

    assert take(SIZE, steps)


def test_new_space_form_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await open_spaces(pilot, cluster)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfigFormScreen), "the space form")
        screen = pilot.app.screen
        assert isinstance(screen, ConfigFormScreen)
        await wait_until(
            pilot, lambda: "# template: hyp-space" in screen.query_one("#config-preview", TextArea).text, "previews"
        )
        assert screen.row("name").editor.has_focus
        freeze_cursors(pilot)

    assert take(SIZE, steps)
