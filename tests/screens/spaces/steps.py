"""What the spaces tests do on screen: open the section, select a space; a space no node can take."""

from __future__ import annotations

from textual.pilot import Pilot

from hyptui.screens.spaces.list import SpacesScreen
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.spaces.seed import SEED_SPACE, SEED_SPACE_NAMESPACE
from tests.screens.helpers import settle, table_keys, wait_until


async def open_spaces(pilot: Pilot, cluster: EmbeddedCluster) -> SpacesScreen:
    await settle(pilot, cluster)
    await pilot.press("7")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SpacesScreen), "the spaces section")
    await wait_until(pilot, lambda: SEEDED in table_keys(pilot.app), "the seeded space")
    screen = pilot.app.screen
    assert isinstance(screen, SpacesScreen)
    return screen


def select(pilot: Pilot, key: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SpacesScreen)
    screen.table.move_cursor(row=table_keys(pilot.app).index(key))


BIG_GPU = {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"nvidia.com/gpu": "16"}}


SEEDED = f"{SEED_SPACE_NAMESPACE}/{SEED_SPACE}"
