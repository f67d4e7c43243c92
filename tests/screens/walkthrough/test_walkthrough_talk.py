"""The shipped `talk` walkthrough run end to end on the embedded demo cluster, the presenter's key pressed for every
step: after each, the narration panel says it is done, and the screens and the sim's store show what the step did.
Also the panel's keys: back where a step can be done twice, restart a module, and refusals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from hyptui.aws.target import AwsTarget
from hyptui.hyperpod.job_status import job_status
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, INFERENCE_ENDPOINT_CONFIGS, NODES, PODS, WORKSPACES
from hyptui.kube.target import KubeTarget
from hyptui.screens.clusters.stack_progress import StackProgressScreen
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.endpoints.invoke import InvokePanel
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.spaces.access import AccessModal
from hyptui.screens.spaces.list import SpacesScreen
from hyptui.screens.walkthrough.panel import WalkthroughPanel
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.walkthrough.progress import Phase
from hyptui.walkthrough.stage import WalkthroughStage
from tests.screens.helpers import WAIT_SECONDS, settle, table_keys, wait_until, widget_text
from tests.screens.walkthrough.steps import TALK

pytestmark = pytest.mark.usefixtures("no_developer_aws")  # AWS only from the app's target

TEAM_A, TEAM_B = "hyperpod-ns-team-a", "hyperpod-ns-team-b"
SHOWN_SPEED = 10  # what the panel says; the test's clock stands still until it advances it


@pytest.fixture(autouse=True)
def forms_write_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def walkthrough_app(cluster: EmbeddedCluster, kubeconfig: Path, workspace: Path) -> HyptuiApp:
    stage = WalkthroughStage(workspace, SHOWN_SPEED, TALK)
    return HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=cluster.clock.now,
        aws=AwsTarget.embedded(cluster.aws_url),
        walkthrough=stage,
    )


def phase(app: HyptuiApp) -> Phase:
    assert app.walkthrough is not None and app.walkthrough.progress is not None
    return app.walkthrough.progress.phase


def panel_text(app: HyptuiApp) -> str:
    return widget_text(app.screen.query_one(WalkthroughPanel))


async def run_step(pilot: Pilot, cluster: EmbeddedCluster, *, chunk: float = 30) -> None:
    """F8 runs the step shown; simulated time moves on in chunks until the expectation holds; F8 again shows the
    next step. Fails with the panel's words when the step failed or timed out."""
    app = pilot.app
    director = app.walkthrough
    await pilot.press("f8")
    await wait_until(pilot, lambda: phase(app) is not Phase.READY, "the step's action")
    deadline = time.monotonic() + 6 * WAIT_SECONDS
    while phase(app) is Phase.RUNNING:
        settled = time.monotonic() + 0.3  # give the app a moment to see the state before time moves on
        while phase(app) is Phase.RUNNING and time.monotonic() < settled:
            await pilot.pause(0.05)
        if phase(app) is Phase.RUNNING:
            cluster.advance(chunk, step=5)
        assert time.monotonic() < deadline, f"step still running: {director.progress}"
    assert phase(app) is Phase.DONE, f"{director.progress}: {panel_text(app)}"
    await wait_until(pilot, lambda: "✓" in panel_text(app), "the panel to say done")


async def next_step(pilot: Pilot) -> None:
    app = pilot.app
    before = app.walkthrough.progress
    await pilot.press("f8")
    await wait_until(pilot, lambda: app.walkthrough.progress != before, "the next step")


def job(cluster: EmbeddedCluster, namespace: str, name: str) -> dict | None:
    try:
        return cluster.store.get(HYPERPOD_PYTORCH_JOBS, namespace, name)
    except ApiError:
        return None


async def jobs_reach(pilot: Pilot, cluster: EmbeddedCluster, states: dict[tuple[str, str], str]) -> None:
    """The training operator follows Kueue's decision within a few simulated seconds."""

    def reached() -> bool:
        return all((found := job(cluster, *key)) and job_status(found) == status for key, status in states.items())

    for _ in range(12):
        if reached():
            return
        cluster.advance(5)
        await pilot.pause(0.05)
    assert reached(), {key: job_status(job(cluster, *key) or {}) for key in states}


async def test_the_talk_walkthrough_runs_every_module_end_to_end(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    cluster = frozen_cluster
    app = walkthrough_app(cluster, kubeconfig, tmp_path / "walkthrough")
    async with app.run_test(size=(170, 50)) as pilot:
        await settle(pilot, cluster)
        text = panel_text(app)
        assert "module 1/5 Creating a cluster" in text and "step 1/3" in text and "simulated time ×10" in text  # noqa: RUF001

        # -- 1. cluster stack -------------------------------------------------------------------------------
        await run_step(pilot, cluster)
        await wait_until(pilot, lambda: len(table_keys(app)) == 3, "the account's clusters")
        await next_step(pilot)
        await run_step(pilot, cluster)
        form = app.screen
        assert isinstance(form, ConfigFormScreen) and form.spec.name == "cluster-stack"
        assert form.row("kubernetes_version").value == "1.33"
        assert "HyperPodClusterName: hyperpod-cluster-demo" in form.query_one("#manifest-preview").text
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert isinstance(app.screen, StackProgressScreen)
        assert (tmp_path / "walkthrough" / "hyp-eks-stack" / "config.yaml").is_file()

        # -- 2. training with fault recovery --------------------------------------------------------------
        await next_step(pilot)
        assert "module 2/5 Training with fault recovery" in panel_text(app)
        await run_step(pilot, cluster)
        assert isinstance(app.screen, JobsScreen)
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert job(cluster, TEAM_A, "llama3-1-8b-fsdp") is None
        await next_step(pilot)
        await run_step(pilot, cluster)
        form = app.screen
        assert isinstance(form, ConfigFormScreen) and form.row("replica_count").value == 2
        assert form.row("queue_name").value == f"{TEAM_A}-localqueue"
        await next_step(pilot)
        await run_step(pilot, cluster)
        created = job(cluster, TEAM_A, "qwen3-tool-calling")
        assert created is not None and job_status(created) == "Running"
        assert created["spec"]["replicaSpecs"][0]["replicas"] == 2
        assert f"{TEAM_A}/qwen3-tool-calling" in table_keys(app)
        await next_step(pilot)
        victim = cluster.store.get(PODS, TEAM_A, "qwen3-tool-calling-pod-1")["spec"]["nodeName"]
        await run_step(pilot, cluster)
        labels = cluster.store.get(NODES, None, victim)["metadata"]["labels"]
        assert labels["sagemaker.amazonaws.com/node-health-status"] == "UnschedulablePendingReboot"
        assert app.walkthrough.progress.faulted_node == victim
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert job_status(job(cluster, TEAM_A, "qwen3-tool-calling")) == "Running"
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert app.screen.table.selected_key == f"{TEAM_A}/qwen3-tool-calling"

        # -- 3. inference -----------------------------------------------------------------------------------
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert job(cluster, TEAM_A, "qwen3-tool-calling") is None
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert app.screen.spec.name == "hyp-custom-endpoint"
        await next_step(pilot)
        await run_step(pilot, cluster)
        endpoint = cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, "default", "qwen3-tool-calling")
        assert endpoint["spec"]["worker"]["resources"]["limits"] == {"nvidia.com/gpu": 1}
        await next_step(pilot)
        await run_step(pilot, cluster)
        await next_step(pilot)
        await run_step(pilot, cluster, chunk=5)
        assert isinstance(app.screen, InvokePanel)
        reply = app.screen.query_one("#response").text
        assert '"object": "chat.completion"' in reply and "Las Vegas" in reply
        await next_step(pilot)
        await run_step(pilot, cluster, chunk=5)
        with pytest.raises(ApiError):
            cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, "default", "qwen3-tool-calling")

        # -- 4. governance ----------------------------------------------------------------------------------
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert isinstance(app.screen, QueuesScreen)
        for gone in ((TEAM_A, "llama3-1-8b-fsdp"), (TEAM_A, "qwen3-4b-thinking-fsdp"), (TEAM_B, "llama3-3-70b-lora")):
            await next_step(pilot)
            await run_step(pilot, cluster, chunk=5)
            assert job(cluster, *gone) is None
        states = {
            7: {(TEAM_A, "team-a-training"): "Running"},
            9: {(TEAM_A, "team-a-training"): "Suspended", (TEAM_B, "team-b-training"): "Running"},
            12: {(TEAM_B, "team-b-training"): "Suspended", (TEAM_B, "team-b-experiment"): "Running"},
            14: {(TEAM_A, "team-a-training"): "Suspended", (TEAM_B, "team-b-training"): "Running"},
            15: {(TEAM_A, "team-a-training"): "Running"},
        }
        for number in range(5, 17):
            await next_step(pilot)
            await run_step(pilot, cluster)
            await jobs_reach(pilot, cluster, states.get(number, {}))
            if number == 10:
                why = widget_text(app.screen.query_one("#why"))
                assert "preempted" in why and "team-b-training" in why
        assert job(cluster, TEAM_A, "team-a-training") is None

        # -- 5. spaces --------------------------------------------------------------------------------------
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert isinstance(app.screen, SpacesScreen)
        await next_step(pilot)
        await run_step(pilot, cluster)
        await next_step(pilot)
        await run_step(pilot, cluster)
        space = cluster.store.get(WORKSPACES, TEAM_A, "my-code-editor-space")
        assert space["spec"]["nodeSelector"] == {"node.kubernetes.io/instance-type": "ml.t3.medium"}
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert app.screen.table.selected_key == "default/my-jupyterlab-space"
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert isinstance(app.screen, AccessModal) and app.screen.url.startswith("vscode://")
        await next_step(pilot)
        await run_step(pilot, cluster)
        assert isinstance(app.screen, AccessModal) and app.screen.url.startswith("https://")
        await pilot.press("escape")
        await pilot.press("f8")
        await wait_until(pilot, lambda: "last step" in str(list(app._notifications)), "the end")


@pytest.fixture
def training_app(frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path) -> Iterator[HyptuiApp]:
    yield walkthrough_app(frozen_cluster, kubeconfig, tmp_path / "walkthrough")


async def test_back_restart_and_the_panels_own_keys(frozen_cluster: EmbeddedCluster, training_app: HyptuiApp) -> None:
    app = training_app
    async with app.run_test(size=(170, 50)) as pilot:
        await settle(pilot, frozen_cluster)
        director = app.walkthrough
        director.begin(TALK, 1)  # training, as the palette's entry starts it
        await pilot.pause()
        panel = app.screen.query_one(WalkthroughPanel)
        assert app.focused is panel
        await pilot.press("backspace")  # nothing before the first step
        assert director.progress.step == 0
        await pilot.press("space")  # the panel has focus: space runs the step (a section switch)
        await wait_until(pilot, lambda: phase(app) is Phase.DONE, "the section step")
        await pilot.press("enter")  # and enter moves on
        await wait_until(pilot, lambda: director.progress.step == 1, "step 2")
        await pilot.press("backspace")  # a section step can be done again
        await wait_until(pilot, lambda: director.progress.step == 0, "back to step 1")
        await run_step(pilot, frozen_cluster)
        await next_step(pilot)
        await run_step(pilot, frozen_cluster, chunk=5)  # the delete
        await next_step(pilot)
        await pilot.press("f7")  # going back over a delete would delete twice
        assert director.progress.step == 2
        assert "cannot be done twice" in str(list(app._notifications)[-1].message)
        await pilot.press("f6")
        await wait_until(pilot, lambda: director.progress.step == 0, "the module's first step")
        assert phase(app) is Phase.READY
        await run_step(pilot, frozen_cluster)
        await next_step(pilot)
        await run_step(pilot, frozen_cluster, chunk=5)  # already gone: done at once, and said so
        assert "already gone" in director.progress.note


async def test_a_form_value_the_cluster_does_not_offer_fails_the_step_with_the_field(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    broken = TALK.modules[1].steps[2].action.model_copy(update={"values": {"namespace": "no-such-team"}})
    step = TALK.modules[1].steps[2].model_copy(update={"action": broken})
    module = TALK.modules[1].model_copy(update={"steps": (step,)})
    walkthrough = TALK.model_copy(update={"modules": (module,)})
    app = HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=frozen_cluster.clock.now,
        aws=AwsTarget.embedded(frozen_cluster.aws_url),
        walkthrough=WalkthroughStage(tmp_path / "walkthrough", 1, walkthrough),
    )
    async with app.run_test(size=(170, 50)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("f8")
        await wait_until(
            pilot,
            lambda: phase(app) is Phase.FAILED,
            "the step to fail",
        )
        assert "open_form.values.namespace: 'no-such-team' is not a choice" in app.walkthrough.progress.note
        # the panel repaints on the next refresh after the phase changes, so its words are waited for
        await wait_until(
            pilot,
            lambda: "failed: Step 1: open_form.values.namespace" in panel_text(app),
            "the panel to say which value failed",
        )


async def test_the_palette_starts_a_shipped_walkthrough_at_a_module_only_in_a_demo(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    stage = WalkthroughStage(tmp_path / "walkthrough", 1)  # `hyptui demo` with no --walkthrough
    app = HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=frozen_cluster.clock.now,
        aws=AwsTarget.embedded(frozen_cluster.aws_url),
        walkthrough=stage,
    )
    async with app.run_test(size=(170, 50)) as pilot:
        await settle(pilot, frozen_cluster)
        assert not app.screen.query(WalkthroughPanel)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Walkthrough talk: 4")
        await pilot.pause(0.5)
        offered = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
        assert any("Walkthrough talk: 4 Task governance" in prompt for prompt in offered), offered
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.walkthrough.progress is not None, "the walkthrough to start")
        assert (app.walkthrough.progress.module, app.walkthrough.progress.step) == (3, 0)
        await wait_until(pilot, lambda: bool(app.screen.query(WalkthroughPanel)), "the panel")
        assert "module 4/5 Task governance, borrowing and preemption" in panel_text(app)
        assert "simulated time ×1" in panel_text(app)  # noqa: RUF001

    plain = HyptuiApp(KubeTarget(kubeconfig=kubeconfig, all_namespaces=True), clock=frozen_cluster.clock.now)
    async with plain.run_test(size=(170, 50)) as pilot:  # a real cluster's session offers no walkthrough
        await settle(pilot, frozen_cluster)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Walkthrough")
        await pilot.pause(0.5)
        offered = [str(option.prompt) for option in plain.screen.query_one(OptionList).options]
        assert not any("Walkthrough" in prompt for prompt in offered), offered
