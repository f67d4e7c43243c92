"""What the UI writes goes through the app's live gateway, never a client of its own: the config form's create and
the walkthrough's node fault (the same label `hyptui fault node-unhealthy` sets)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from hyptui.aws.target import AwsTarget
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES
from hyptui.hyperpod.node_faults import NodeUnhealthy
from hyptui.kube.gateway import KubeGateway
from hyptui.kube.target import KubeTarget
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.walkthrough.load import parse_walkthrough
from hyptui.walkthrough.progress import Phase
from hyptui.walkthrough.stage import WalkthroughStage
from tests.paths import HYP_FIXTURES
from tests.screens.helpers import make_app, settle, wait_until

FIXTURES = HYP_FIXTURES
TEAM_A = "hyperpod-ns-team-a"


@pytest.fixture
def gateway_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Every create and merge patch the app's gateway sends, in order (each still sent)."""
    sent: list[tuple[Any, ...]] = []
    create, merge_patch = KubeGateway.create, KubeGateway.merge_patch

    async def recorded_create(self: KubeGateway, kind, namespace, body) -> dict:
        sent.append(("create", kind, namespace, body["metadata"]["name"]))
        return await create(self, kind, namespace, body)

    async def recorded_merge_patch(self: KubeGateway, kind, namespace, name, patch) -> None:
        sent.append(("merge_patch", kind, namespace, name, patch))
        await merge_patch(self, kind, namespace, name, patch)

    monkeypatch.setattr(KubeGateway, "create", recorded_create)
    monkeypatch.setattr(KubeGateway, "merge_patch", recorded_merge_patch)
    return sent


async def test_the_forms_create_goes_through_the_apps_gateway(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, gateway_writes: list
) -> None:
    directory = tmp_path / "job"
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", directory)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, frozen_cluster)
        await app.open_config_directory(directory)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfigFormScreen), "the directory's form")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "the form to close after create")
    assert gateway_writes == [("create", HYPERPOD_PYTORCH_JOBS, TEAM_A, "my-job")]
    assert frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, TEAM_A, "my-job") is not None


def fault_walkthrough_app(cluster: EmbeddedCluster, kubeconfig: Path, workspace: Path, node: str) -> HyptuiApp:
    walkthrough = parse_walkthrough(
        "title: one fault\n"
        "modules:\n"
        "  - {name: fault, title: A fault, steps: [{narration: Label it., "
        f"action: {{type: fault_node, node: {node}}}}}]}}\n",
        "test",
    )
    return HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=cluster.clock.now,
        aws=AwsTarget.embedded(cluster.aws_url),
        walkthrough=WalkthroughStage(workspace, 1, walkthrough),
    )


async def run_the_step(pilot: Pilot) -> Phase:
    app = pilot.app
    await pilot.press("f8")
    await wait_until(pilot, lambda: app.walkthrough.progress.phase not in (Phase.READY, Phase.RUNNING), "its end")
    return app.walkthrough.progress.phase


async def test_the_walkthroughs_node_fault_goes_through_the_apps_gateway(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, gateway_writes: list
) -> None:
    node = frozen_cluster.store.list(NODES)[0][0]["metadata"]["name"]
    app = fault_walkthrough_app(frozen_cluster, kubeconfig, tmp_path, node)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, frozen_cluster)
        assert await run_the_step(pilot) is Phase.DONE
        assert app.walkthrough.progress.faulted_node == node
    fault = NodeUnhealthy(node, reboot=True)
    assert gateway_writes == [("merge_patch", NODES, None, node, fault.patch)]
    labels = frozen_cluster.store.get(NODES, None, node)["metadata"]["labels"]
    assert labels["sagemaker.amazonaws.com/node-health-status"] == "UnschedulablePendingReboot"


async def test_a_fault_on_a_node_that_is_not_there_fails_the_step_and_says_so(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    app = fault_walkthrough_app(frozen_cluster, kubeconfig, tmp_path, "no-such-node")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, frozen_cluster)
        assert await run_the_step(pilot) is Phase.FAILED
        assert "node 'no-such-node' not found" in app.walkthrough.progress.note
