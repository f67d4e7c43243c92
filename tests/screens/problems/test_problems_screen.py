"""The problems section against the embedded cluster: ranked rows, and Enter goes to the object in question."""

from __future__ import annotations

from pathlib import Path

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.problems.list import ProblemsScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from tests.job_manifests import unschedulable_job
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until

FAILED_JOB = "jobs/hyperpod-ns-team-b/mistral-7b-dpo"
SUSPENDED_JOB = "jobs/hyperpod-ns-team-b/llama3-3-70b-lora"
PENDING_POD = "pods/hyperpod-ns-team-b/too-big-pod-0"


async def open_problems(pilot, cluster) -> None:
    await settle(pilot, cluster)
    await pilot.press("exclamation_mark")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen), "the problems section")
    await wait_until(pilot, lambda: FAILED_JOB in table_keys(pilot.app), "the problems")


async def test_problems_rank_and_jump_to_the_job(frozen_cluster, kubeconfig: Path) -> None:
    frozen_cluster.store.create(HYPERPOD_PYTORCH_JOBS, unschedulable_job("too-big"))
    frozen_cluster.advance(6 * 60 + 1)  # the operator creates the pods a second after the job
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_problems(pilot, frozen_cluster)
        await wait_until(pilot, lambda: PENDING_POD in table_keys(pilot.app), "the pending pod")
        assert table_keys(app)[0] == FAILED_JOB
        assert table_keys(app)[-1] == SUSPENDED_JOB  # a note ranks last
        assert cell(app, FAILED_JOB, "severity") == "Broken"
        assert cell(app, PENDING_POD, "severity") == "Stuck"
        assert cell(app, PENDING_POD, "reason") == "Pending for 6m (unschedulable)"
        assert cell(app, PENDING_POD, "detail").startswith("0/10 nodes are available")
        table = app.screen.query_one(ResourceTable)
        table.move_cursor(row=table_keys(app).index(PENDING_POD))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "the pod's job")
        assert app.screen.key == ("hyperpod-ns-team-b", "too-big")
        await pilot.press("escape")  # back goes to the job list of the jobs section
        await wait_until(pilot, lambda: type(app.screen).__name__ == "JobsScreen", "the jobs list")


async def test_a_node_fault_appears_and_enter_shows_the_node(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_problems(pilot, frozen_cluster)
        node = next(n for n in frozen_cluster.store.list(NODES)[0] if n["status"]["allocatable"].get("nvidia.com/gpu"))
        name = node["metadata"]["name"]
        label = {"sagemaker.amazonaws.com/node-health-status": "UnschedulablePendingReplacement"}
        frozen_cluster.store.patch(NODES, None, name, {"metadata": {"labels": label}}, "application/merge-patch+json")
        await wait_until(pilot, lambda: f"nodes//{name}" in table_keys(app), "the node's problem")
        table = app.screen.query_one(ResourceTable)
        table.move_cursor(row=table_keys(app).index(f"nodes//{name}"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes section")
        await wait_until(pilot, lambda: table_keys(app) == [name], "the node, filtered")
