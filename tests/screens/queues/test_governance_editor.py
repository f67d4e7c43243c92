"""The governance editor against the embedded cluster's AWS side: change team B's quota and see the queues screen
change; bad values and AWS errors stop an apply without losing what was typed; read-only mode has no editor."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from hyptui.hyperpod.kinds import CLUSTER_QUEUES, WORKLOAD_PRIORITY_CLASSES
from hyptui.screens.queues.governance_editor import GovernanceEditorScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import make_app, wait_until
from tests.screens.queues.steps import count_input, open_editor, open_queues, retype

TEAM_B_QUEUE = "hyperpod-ns-team-b-clusterqueue"
SIZE = (170, 45)


def guaranteed_gpus(cluster: EmbeddedCluster, queue: str = TEAM_B_QUEUE) -> str:
    spec = cluster.store.get(CLUSTER_QUEUES, None, queue)["spec"]
    flavors = spec["resourceGroups"][0]["flavors"]
    return next(r["nominalQuota"] for f in flavors for r in f["resources"] if r["name"] == "nvidia.com/gpu")


def team_row(pilot: Pilot, queue: str = TEAM_B_QUEUE) -> list[str]:
    teams = pilot.app.screen.query_one("#teams", StaticTable)
    rows = [[str(value) for value in teams.get_row_at(i)] for i in range(teams.row_count)]
    return next(row for row in rows if row[0] == queue)


def text_of(pilot: Pilot, selector: str) -> str:
    """What a Static says, unwrapped."""
    return " ".join(str(pilot.app.screen.query_one(selector, Static).content).split())


async def test_change_team_b_quota_and_see_the_queues_screen_change(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await open_queues(pilot, frozen_cluster)
        assert team_row(pilot)[2] == "8" and guaranteed_gpus(frozen_cluster) == "8"  # 2 x ml.g5.12xlarge
        screen = await open_editor(pilot, frozen_cluster, on_queues=True)
        assert str(screen.query_one("#quota-1-team", Label).content) == "team-b"
        assert count_input(screen, 1, "ml.g5.12xlarge").value == "2"
        await retype(pilot, count_input(screen, 1, "ml.g5.12xlarge"), "3")
        await retype(pilot, screen.query_one("#quota-1-borrow", Input), "50")
        changes = "team-b: ml.g5.12xlarge 2 → 3, borrow 100% → 50%"
        assert text_of(pilot, "#gov-changes") == changes

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        assert changes in text_of(pilot, "#question")
        await pilot.press("y")
        await wait_until(pilot, lambda: guaranteed_gpus(frozen_cluster) == "12", "team-b's ClusterQueue to change")
        queue = frozen_cluster.store.get(CLUSTER_QUEUES, None, TEAM_B_QUEUE)
        gpu = next(
            r for r in queue["spec"]["resourceGroups"][0]["flavors"][0]["resources"] if r["name"] == "nvidia.com/gpu"
        )
        assert gpu["borrowingLimit"] == "6"  # 50% of 12
        await wait_until(pilot, lambda: "no changes" in text_of(pilot, "StatusLine"), "the editor to reload")

        await pilot.press("escape")  # nothing unsaved: straight back
        await wait_until(pilot, lambda: isinstance(app.screen, QueuesScreen), "the queues screen")
        await wait_until(pilot, lambda: team_row(pilot)[2] == "12", "team-b's GUARANTEED to show 12")


async def test_a_bad_value_blocks_the_apply_and_names_the_field(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, frozen_cluster)
        weight = screen.query_one("#class-0-weight", Input)
        await retype(pilot, weight, "101")
        await retype(pilot, screen.query_one("#quota-1-borrow", Input), "900")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # no confirmation: nothing can be sent
        problems = text_of(pilot, "#gov-problems")
        assert "Priority class inference weight: a whole number from 0 to 100, not '101'" in problems
        assert "team-b · borrow limit: a whole number from 1 to 500 percent, not '900'" in problems
        assert weight.has_class("-problem") and app.screen.focused is weight
        assert "2 problems" in text_of(pilot, "StatusLine")
        values = {c["metadata"]["name"]: c["value"] for c in frozen_cluster.store.list(WORKLOAD_PRIORITY_CLASSES)[0]}
        assert values["experimentation-priority"] == 80

        await pilot.press("escape")  # unsaved edits: asks first, and "no" keeps them
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "the editor again")
        assert weight.value == "101"


async def test_an_aws_error_is_shown_and_the_edits_are_kept(frozen_cluster, kubeconfig: Path) -> None:
    frozen_cluster.aws.faults.deny("sagemaker:UpdateComputeQuota")
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, frozen_cluster)
        await retype(pilot, count_input(screen, 1, "ml.g5.12xlarge"), "1")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: "not authorized" in text_of(pilot, "#gov-failure"), "the AWS error")
        failure = text_of(pilot, "#gov-failure")
        assert failure.startswith("Not applied (0 of 1 changes made; your edits are kept): Cannot update the compute")
        assert "sagemaker:UpdateComputeQuota" in failure
        assert count_input(screen, 1, "ml.g5.12xlarge").value == "1"
        assert text_of(pilot, "#gov-changes") == "team-b: ml.g5.12xlarge 2 → 1"
        assert guaranteed_gpus(frozen_cluster) == "8"

        frozen_cluster.aws.faults.clear()  # the permission arrives: the same edit goes through
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: guaranteed_gpus(frozen_cluster) == "4", "team-b's ClusterQueue to change")
        await wait_until(pilot, lambda: not screen.query_one("#gov-failure").display, "the error to go")


async def test_a_denied_read_is_explained(frozen_cluster, kubeconfig: Path) -> None:
    frozen_cluster.aws.faults.deny("sagemaker:ListComputeQuotas")
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await open_queues(pilot, frozen_cluster)
        await pilot.press("E")
        await wait_until(pilot, lambda: isinstance(app.screen, GovernanceEditorScreen), "the governance editor")
        await wait_until(pilot, lambda: "not authorized" in text_of(pilot, "#gov-failure"), "the AWS error")
        assert text_of(pilot, "#gov-failure").startswith("Cannot list compute quotas:")
        assert not app.screen.query("#team-rows Input")
        await pilot.press("ctrl+s", "escape")  # nothing to apply, nothing to lose
        await wait_until(pilot, lambda: isinstance(app.screen, QueuesScreen), "the queues screen")


async def test_priority_classes_added_moved_and_removed(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, frozen_cluster)
        screen.query_one("#class-3-name", Input).focus()  # fine-tuning, the last of four (highest weight first)
        await pilot.pause()
        await pilot.press("ctrl+n", *"research", "tab", *"60")
        await pilot.press("alt+up")  # research before fine-tuning
        assert app.screen.focused is screen.query_one("#class-3-weight", Input)
        screen.query_one("#class-4-name", Input).focus()  # fine-tuning, now after research
        await pilot.pause()
        await pilot.press("ctrl+delete")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        assert "• policy: research added (60), fine-tuning removed" in text_of(pilot, "#question")
        await pilot.press("y")

        def values() -> dict[str, int]:
            classes = frozen_cluster.store.list(WORKLOAD_PRIORITY_CLASSES)[0]
            return {c["metadata"]["name"]: c["value"] for c in classes}

        await wait_until(pilot, lambda: "research-priority" in values(), "the new WorkloadPriorityClass")
        assert values() == {
            "experimentation-priority": 80,
            "inference-priority": 90,
            "research-priority": 60,
            "training-priority": 70,
        }
        await wait_until(pilot, lambda: "no changes" in text_of(pilot, "StatusLine"), "the editor to reload")
        names = [screen.query_one(f"#class-{i}-name", Input).value for i in range(4)]
        assert names == ["inference", "experimentation", "training", "research"]


async def test_read_only_mode_has_no_governance_editor(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_queues(pilot, frozen_cluster)
        footer = {active.binding.action for active in app.screen.active_bindings.values() if active.binding.show}
        assert "filter" in footer and "edit_governance" not in footer
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, QueuesScreen)
