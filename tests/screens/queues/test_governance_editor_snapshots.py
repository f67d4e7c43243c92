"""SVG snapshots of the governance editor (fixed clock, seed and port), paired with test_governance_editor.py:
team-b's quota being changed with its diff, the confirmation listing it, and values that block the apply."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import freeze_cursors, wait_until
from tests.screens.queues.steps import count_input, open_editor, retype

SIZE = (150, 40)


async def _team_b_edited(pilot: Pilot, cluster: EmbeddedCluster) -> None:
    screen = await open_editor(pilot, cluster)
    await retype(pilot, count_input(screen, 1, "ml.g5.12xlarge"), "3")
    await retype(pilot, screen.query_one("#quota-1-borrow", Input), "50")
    freeze_cursors(pilot)


def test_team_quota_edited(take) -> None:
    assert take(SIZE, _team_b_edited)


def test_apply_asks_first(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await _team_b_edited(pilot, cluster)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal), "the confirmation")

    assert take(SIZE, steps)


def test_problems_block_the_apply(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        screen = await open_editor(pilot, cluster)
        await retype(pilot, screen.query_one("#class-0-weight", Input), "101")
        await retype(pilot, count_input(screen, 0, "ml.t3.medium"), "two")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "2 problems" in str(screen.query_one("StatusLine").content), "the problems")
        freeze_cursors(pilot)

    assert take(SIZE, steps)
