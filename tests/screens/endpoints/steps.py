"""What the endpoints tests do on screen: open the section, find an endpoint's row, read a cell."""

from __future__ import annotations

from textual.pilot import Pilot

from hyptui.screens.endpoints.list import EndpointsScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import cell, settle, table_keys, wait_until

NS = "default"  # the sim's kubeconfig names no namespace, so the forms default to it, as hyp does


def key_of(kind, name: str) -> str:
    return f"{kind.key}/{NS}/{name}"


async def open_endpoints(pilot: Pilot, cluster: EmbeddedCluster) -> EndpointsScreen:
    await settle(pilot, cluster)
    await pilot.press("6")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EndpointsScreen), "the endpoints section")
    return pilot.app.screen


def shows(app: HyptuiApp, key: str, column: str, value: str) -> bool:
    return key in table_keys(app) and cell(app, key, column) == value
