"""Record a session against the embedded cluster, replay the file in a second app, and compare what both show at
the same points: the jobs and nodes tables and the header, rendered as text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.hyperpod.labels import NODE_HEALTH_LABEL, PENDING_REPLACEMENT
from hyptui.recording.recording_file import read_recording
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.replay.app import ReplayApp
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.store.selectors import get_object
from tests.job_manifests import cpu_job
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until, widget_text

NAMESPACE, JOB = "hyperpod-ns-team-b", "replayed-job"
KEY = f"{NAMESPACE}/{JOB}"
SIZE = (150, 40)


@dataclass(frozen=True)
class Point:
    """What the live app showed once `batches` batches had been recorded."""

    batches: int
    section: str
    header: str
    table: str


def shown(app: HyptuiApp) -> tuple[str, str]:
    """The header and the main table as text; the table's blank bottom rows go (the replay bar takes one line)."""
    table = widget_text(app.screen.query_one(ResourceTable)).rstrip()
    return widget_text(app.screen.query_one("ConnectionBar")), table


async def capture(pilot: Pilot, section: str) -> Point:
    app = pilot.app
    await pilot.pause()
    header, table = shown(app)
    return Point(app._recorder.batches, section, header, table)


def job_failed(app: HyptuiApp) -> bool:
    job = get_object(app.store.state, HYPERPOD_PYTORCH_JOBS.key, (NAMESPACE, JOB))
    conditions = job.raw.get("status", {}).get("conditions", []) if job else []
    return any(c["type"] == "Failed" and c["status"] == "True" for c in conditions)


async def record_a_session(pilot: Pilot, cluster) -> list[Point]:
    app = pilot.app
    points = []
    await settle(pilot, cluster)
    points.append(await capture(pilot, "jobs"))

    cluster.store.create(HYPERPOD_PYTORCH_JOBS, cpu_job(JOB))
    cluster.tick()
    await wait_until(pilot, lambda: KEY in table_keys(app) and cell(app, KEY, "status") == "Created", "Created")
    cluster.advance(120)
    await wait_until(pilot, lambda: cell(app, KEY, "ready") == "1/1", "the job running")
    points.append(await capture(pilot, "jobs"))

    node = cluster.store.get(PODS, NAMESPACE, f"{JOB}-pod-0")["spec"]["nodeName"]
    cluster.store.mutate(
        NODES, None, node, lambda n: n["metadata"]["labels"].__setitem__(NODE_HEALTH_LABEL, PENDING_REPLACEMENT)
    )
    await pilot.press("2")
    await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes section")
    await wait_until(pilot, lambda: cell(app, node, "health") == PENDING_REPLACEMENT, "the node marked unhealthy")
    cluster.advance(120)  # without retries left, the job fails with its node
    await wait_until(pilot, lambda: job_failed(app), "the job failed")
    points.append(await capture(pilot, "nodes"))

    await pilot.press("1")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: KEY in table_keys(app), "the jobs section")
    table.move_cursor(row=table_keys(app).index(KEY))
    await pilot.press("ctrl+d", "y")
    await wait_until(pilot, lambda: KEY not in table_keys(app), "the job deleted")
    points.append(await capture(pilot, "jobs"))
    return points


async def test_a_recorded_session_replays_to_the_same_screens(frozen_cluster, kubeconfig: Path, tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    live = make_app(frozen_cluster, kubeconfig, record=path)
    async with live.run_test(size=SIZE) as pilot:
        points = await record_a_session(pilot, frozen_cluster)

    assert len({point.table for point in points}) == len(points)  # each point shows something new
    recording = read_recording(path)
    assert recording.notices == () and len(recording.batches) >= points[-1].batches
    replay = ReplayApp(recording, playing=False)
    async with replay.run_test(size=SIZE) as pilot:
        for point in [*points, points[1]]:  # the last one seeks back
            replay.player.seek(recording.batches[point.batches - 1].moment.wall)
            assert replay.player.applied == point.batches
            await replay.action_open_section(point.section)
            replay.state_changed.publish(replay.store.state)
            await pilot.pause()
            assert shown(replay) == (point.header, point.table)
