"""Driving the app against the embedded cluster: build it, wait for live data, read the table."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.geometry import Region
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

from hyptui.aws.target import AwsTarget
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.kube.target import KubeTarget
from hyptui.recording.recorder import open_recorder
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.shell.command_bar import CommandBar
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.store.state import WatchPhase

WAIT_SECONDS = 10.0  # generous: a bound on a hang, not a performance claim


def make_app(
    cluster: EmbeddedCluster, kubeconfig: Path, *, readonly: bool = False, record: Path | None = None
) -> HyptuiApp:
    """`record`: write the session there, as `hyptui --record` does."""
    target = KubeTarget(kubeconfig=kubeconfig, all_namespaces=True)
    aws = AwsTarget.embedded(cluster.aws_url, cluster.kube_user)
    recorder = open_recorder(record, target, aws) if record is not None else None
    return HyptuiApp(target, readonly=readonly, clock=cluster.clock.now, aws=aws, recorder=recorder)


def app_with_config(cluster: EmbeddedCluster, kubeconfig: Path, config: Path, **kwargs) -> HyptuiApp:
    """The app reading its settings (config.yaml, and themes/ beside it) from `config`."""
    target = KubeTarget(kubeconfig=kubeconfig, all_namespaces=True)
    return HyptuiApp(target, clock=cluster.clock.now, config_path=config, **kwargs)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type `text` into the focused widget one key event per character, as fast as a terminal delivers typing.
    The events are Pilot.press's own, minus its wait for the app to go idle after every key (~0.1 s a key)."""
    app = pilot.app
    assert app._driver is not None
    for character in text:
        key = events.Key(_character_to_key(character), character)
        key.set_sender(app)
        app._driver.send_message(key)
    await pilot.pause()  # the app hands each key to the focused widget...
    await pilot.pause()  # ...which then handles them in order


def widget_text(widget: Widget) -> str:
    """What the widget shows on screen, border and padding included, as plain text."""
    lines = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join(line.text for line in lines)


def all_live(app: HyptuiApp) -> bool:
    watches = app.store.state.watches
    return bool(watches) and all(status.phase is WatchPhase.LIVE for status in watches.values())


def table_keys(app: HyptuiApp, selector: str = "ResourceTable") -> list[str]:
    table = app.screen.query_one(selector, ResourceTable)
    return [str(key.value) for key in table.rows]


def cell(app: HyptuiApp, row_key: str, column: str, selector: str = "ResourceTable") -> str:
    table = app.screen.query_one(selector, ResourceTable)
    return str(table.get_cell(row_key, column))


def cluster_job_keys(cluster: EmbeddedCluster) -> set[str]:
    jobs, _ = cluster.store.list(HYPERPOD_PYTORCH_JOBS)
    return {f"{job['metadata']['namespace']}/{job['metadata']['name']}" for job in jobs}


async def settle(pilot: Pilot, cluster: EmbeddedCluster) -> None:
    """Wait until every watch is live and the jobs table shows exactly the cluster's jobs."""
    app = pilot.app
    await wait_until(pilot, lambda: all_live(app), "every watch to go live")
    await wait_until(pilot, lambda: set(table_keys(app)) == cluster_job_keys(cluster), "the jobs table to fill")
    await asyncio.sleep(0)


async def command(pilot: Pilot, text: str) -> None:
    """Type `text` on the `:` command line and run it."""
    await pilot.press("colon")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandBar), "the command line")
    await pilot.press(*text, "enter")
    await pilot.pause()


def freeze_cursors(pilot: Pilot) -> None:
    """A blinking cursor would make a snapshot depend on the moment it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
