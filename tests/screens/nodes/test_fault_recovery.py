"""The talk's fault-recovery demo, driven from the UI: submit a 2-node job, mark one of its nodes unhealthy in the
nodes section, then watch the operator move the pod, the job run again and the fault timeline report the recovery
time."""

from __future__ import annotations

from pathlib import Path

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.screens.widgets.static_table import StaticTable
from tests.job_manifests import pytorch_job
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until

NAMESPACE, JOB = "hyperpod-ns-team-a", "llama3-1-8b-fsdp"
DEMO_JOB = "talk-demo-fsdp"


def job_status(cluster, name: str = JOB) -> str:
    conditions = cluster.store.get(HYPERPOD_PYTORCH_JOBS, NAMESPACE, name)["status"]["conditions"]
    return next(c["type"] for c in reversed(conditions) if c["status"] == "True")


def submit_the_talks_job(cluster) -> None:
    """As in the talk: a 2-node job (4 GPUs, 4 processes per node) on ml.g5.12xlarge, with room for one pod to move.

    The seeded cluster's GPU nodes are busy, so the seeded talk job makes way and the eval job finishes first."""
    cluster.advance(8 * 60)
    cluster.store.delete(HYPERPOD_PYTORCH_JOBS, NAMESPACE, JOB)
    job = pytorch_job(DEMO_JOB, NAMESPACE, "ml.g5.12xlarge", {"nvidia.com/gpu": 4}, replicas=2)
    job["spec"]["nprocPerNode"] = "4"
    job["spec"]["runPolicy"] = {"jobMaxRetryCount": 3}
    cluster.store.create(HYPERPOD_PYTORCH_JOBS, job)
    cluster.advance(90)
    assert job_status(cluster, DEMO_JOB) == "Running"


async def test_marking_a_node_unhealthy_moves_the_pod_and_the_timeline_shows_the_recovery(
    frozen_cluster, kubeconfig: Path
) -> None:
    submit_the_talks_job(frozen_cluster)
    victim_pod = f"{DEMO_JOB}-pod-1"
    victim_node = frozen_cluster.store.get(PODS, NAMESPACE, victim_pod)["spec"]["nodeName"]
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes section")
        await wait_until(pilot, lambda: victim_node in table_keys(app), "the job's node")
        table = app.screen.query_one(ResourceTable)
        table.move_cursor(row=table_keys(app).index(victim_node))
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        await pilot.press("y")
        health = "UnschedulablePendingReplacement"
        await wait_until(pilot, lambda: cell(app, victim_node, "health") == health, "the node marked unhealthy")
        labels = frozen_cluster.store.get(NODES, None, victim_node)["metadata"]["labels"]
        assert labels["sagemaker.amazonaws.com/node-health-status"] == health

        frozen_cluster.advance(120)  # the operator reacts, recreates the pod elsewhere, the new pod starts
        moved_to = frozen_cluster.store.get(PODS, NAMESPACE, victim_pod)["spec"]["nodeName"]
        assert moved_to != victim_node
        assert job_status(frozen_cluster, DEMO_JOB) == "Running"

        await pilot.press("1")
        await wait_until(pilot, lambda: not isinstance(app.screen, NodesScreen), "the jobs section")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: f"{NAMESPACE}/{DEMO_JOB}" in table_keys(app), "the submitted job")
        table.move_cursor(row=table_keys(app).index(f"{NAMESPACE}/{DEMO_JOB}"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "the job's detail")
        faults = app.screen.query_one("#faults", StaticTable)
        await wait_until(pilot, lambda: faults.row_count == 1, "one fault in the timeline")
        when, fault, attempt, remediation, recovered = (str(value) for value in faults.get_row_at(0))
        assert when.endswith(" ago")
        assert victim_node in fault and health in fault
        assert attempt == "restart 1 of 3"
        assert remediation == f"{victim_pod} now runs on {moved_to}"
        assert recovered.endswith("s") and float(recovered[:-1]) > 0
        assert table_keys(app, "#pods") == [f"{DEMO_JOB}-pod-0", victim_pod]
        await wait_until(pilot, lambda: cell(app, victim_pod, "node", "#pods") == moved_to, "the pod's new node")


async def test_all_pods_logs_interleave_by_time_with_the_pod_in_front(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, frozen_cluster)
        table = app.screen.query_one(ResourceTable)
        table.move_cursor(row=table_keys(app).index(f"{NAMESPACE}/{JOB}"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "the job's detail")
        await wait_until(pilot, lambda: len(table_keys(app, "#pods")) == 2, "the job's pods")
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, PodLogScreen), "the job's logs")
        view = app.screen.log_view
        expected = sum(
            len(frozen_cluster.logs.read(NAMESPACE, f"{JOB}-pod-{i}", "pytorch-job-container", tail_lines=5000))
            for i in range(2)
        )
        await wait_until(pilot, lambda: view.line_count == expected, "both pods' lines")
        lines = view.lines
        assert {line.split("]", 1)[0] for line in lines} == {f"[{JOB}-pod-0", f"[{JOB}-pod-1"}
        await pilot.press("t")
        stamps = [line.split(" ", 1)[0] for line in view.lines]
        assert stamps == sorted(stamps)  # interleaved by time
        await pilot.press("m")
        assert "marker" in view.lines[-1]
