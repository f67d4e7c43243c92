"""The pods section against the embedded cluster: `9` lists every pod, `:pods -l HPJob=<job>` one job's, Enter opens a
pod's log and ctrl+k kills the marked pods (the training operator then replaces them)."""

from __future__ import annotations

from pathlib import Path

from hyptui.hyperpod.kinds import PODS
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.jobs.pods import PodsScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import cell, command, make_app, settle, table_keys, wait_until

JOB = "llama3-1-8b-fsdp"
NAMESPACE = "hyperpod-ns-team-a"


def pod_keys(cluster: EmbeddedCluster, selector: str = "") -> list[str]:
    pods, _ = cluster.store.list(PODS, label_selector=selector)
    return sorted(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}" for pod in pods)


async def test_pods_section_lists_every_pod_and_one_jobs_by_label(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("9")
        await wait_until(pilot, lambda: isinstance(app.screen, PodsScreen), "the pods section")
        await wait_until(pilot, lambda: table_keys(app) == pod_keys(frozen_cluster), "every pod of the cluster")
        await command(pilot, f"pods -l HPJob={JOB}")
        its_pods = pod_keys(frozen_cluster, f"HPJob={JOB}")
        assert len(its_pods) == 2
        await wait_until(pilot, lambda: table_keys(app) == its_pods, "only the job's pods")
        assert {cell(app, key, "owner") for key in its_pods} == {JOB}
        assert all(cell(app, key, "status") == "Running" for key in its_pods)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PodLogScreen), "the pod's log")


async def test_killing_marked_pods_deletes_them_at_the_cluster(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await command(pilot, f"po -l HPJob={JOB}")
        its_pods = pod_keys(frozen_cluster, f"HPJob={JOB}")
        await wait_until(pilot, lambda: table_keys(app) == its_pods, "the job's pods")
        uids = {pod["metadata"]["uid"] for pod in frozen_cluster.store.list(PODS, label_selector=f"HPJob={JOB}")[0]}
        await pilot.press("space", "down", "space", "ctrl+k")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation listing both pods")
        await pilot.press("y")

        def replaced() -> bool:
            frozen_cluster.advance(5)
            now = {pod["metadata"]["uid"] for pod in frozen_cluster.store.list(PODS, label_selector=f"HPJob={JOB}")[0]}
            return not now & uids

        await wait_until(pilot, replaced, "both pods deleted (and replaced by the operator)")
