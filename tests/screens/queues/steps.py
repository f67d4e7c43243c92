"""What the governance editor tests do on screen: open the editor, find a team's count field, retype a field."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Label

from hyptui.screens.queues.governance_editor import GovernanceEditorScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import settle, wait_until


async def open_editor(pilot: Pilot, cluster: EmbeddedCluster, *, on_queues: bool = False) -> GovernanceEditorScreen:
    if not on_queues:
        await open_queues(pilot, cluster)
    await pilot.press("E")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, GovernanceEditorScreen), "the governance editor")
    # Loaded: the cursor lands in the first priority class once every row is there.
    await wait_until(pilot, lambda: isinstance(pilot.app.screen.focused, Input), "the policy and team quotas")
    screen = pilot.app.screen
    assert isinstance(screen, GovernanceEditorScreen)
    return screen


def count_input(screen: GovernanceEditorScreen, team: int, instance_type: str) -> Input:
    header = [str(label.content) for label in screen.query("#team-rows .gov-header Label").results(Label)]
    return screen.query_one(f"#quota-{team}-count-{header.index(instance_type) - 1}", Input)


async def retype(pilot: Pilot, field: Input, text: str) -> None:
    field.focus()
    await wait_until(pilot, lambda: pilot.app.screen.focused is field, f"{field.id} to take the cursor")
    await pilot.press("end", *["backspace"] * len(field.value), *text)
    await pilot.pause()


async def open_queues(pilot: Pilot, cluster: EmbeddedCluster) -> None:
    await settle(pilot, cluster)
    await pilot.press("5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QueuesScreen), "the queues section")
    await wait_until(pilot, lambda: pilot.app.screen.query_one("#teams", StaticTable).row_count == 2, "the teams")
