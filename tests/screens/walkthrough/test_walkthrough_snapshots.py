"""SVG snapshot of the narration panel docked over the jobs screen, paired with test_walkthrough_talk.py: the
training module's delete step done, the next step's narration shown and waiting for the presenter."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from hyptui.aws.target import AwsTarget
from hyptui.kube.target import KubeTarget
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.walkthrough.progress import Phase
from hyptui.walkthrough.stage import WalkthroughStage
from tests.screens.helpers import settle, wait_until, widget_text
from tests.screens.walkthrough.steps import TALK


def test_narration_panel_over_the_jobs_screen(snap_compare, snapshot_cluster, tmp_path: Path) -> None:
    cluster, kubeconfig = snapshot_cluster
    stage = WalkthroughStage(tmp_path / "walkthrough", 10, TALK, module=1)
    app = HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=cluster.clock.now,
        aws=AwsTarget.embedded(cluster.aws_url),
        walkthrough=stage,
    )

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot, cluster)
        director = app.walkthrough
        for _ in range(2):  # the section step, then the delete of llama3-1-8b-fsdp
            await pilot.press("f8")
            await wait_until(pilot, lambda: director.progress.phase is Phase.DONE, "the step")
            await pilot.press("f8")
        await wait_until(pilot, lambda: director.progress.step == 2, "the form step")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "the jobs screen")
        panel = app.screen.query_one("WalkthroughPanel")
        await wait_until(pilot, lambda: "step 3/7" in widget_text(panel), "the narration")
        app.clear_notifications()

    assert snap_compare(app, terminal_size=(150, 40), run_before=run_before)
