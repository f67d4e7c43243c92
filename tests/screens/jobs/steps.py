"""What the jobs tests do on screen: open a running job's detail, open its first pod's log."""

from __future__ import annotations

from hyptui.hyperpod.kinds import PODS
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.pod_log import TAIL_LINES, PodLogScreen
from hyptui.screens.widgets.log_view import LogView
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import settle, table_keys, wait_until


async def open_running_job(pilot, cluster: EmbeddedCluster) -> tuple[str, str, list[str]]:
    """From the jobs list to the detail of a running job, once its pods show; returns (namespace, job, pods)."""
    namespace, job, pods = running_job_with_pods(cluster)
    app = pilot.app
    await settle(pilot, cluster)
    table = app.screen.query_one(ResourceTable)
    table.focus()
    table.move_cursor(row=table_keys(app).index(f"{namespace}/{job}"))
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "the job detail screen")
    await wait_until(pilot, lambda: table_keys(app, "#pods") == pods, "the job's pods")
    return namespace, job, pods


async def open_first_pod_log(pilot, cluster: EmbeddedCluster) -> tuple[str, str, LogView]:
    """On to the first pod's log, once all of it has arrived; returns (namespace, pod, the log view)."""
    namespace, _, pods = await open_running_job(pilot, cluster)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PodLogScreen), "the log screen")
    view = pilot.app.screen.query_one(LogView)
    container = cluster.store.get(PODS, namespace, pods[0])["spec"]["containers"][0]["name"]
    stored = cluster.logs.read(namespace, pods[0], container, tail_lines=TAIL_LINES)
    expected = [line.rstrip("\n") for line in stored]
    await wait_until(pilot, lambda: list(view.lines) == expected, "the whole log so far")
    return namespace, pods[0], view


def running_job_with_pods(cluster: EmbeddedCluster) -> tuple[str, str, list[str]]:
    pods, _ = cluster.store.list(PODS, field_selector="status.phase=Running", label_selector="HPJob")
    assert pods, "the seed should have a running training job"
    namespace = pods[0]["metadata"]["namespace"]
    job = pods[0]["metadata"]["labels"]["HPJob"]
    names = sorted(p["metadata"]["name"] for p in pods if p["metadata"]["labels"]["HPJob"] == job)
    return namespace, job, names
