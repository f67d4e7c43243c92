"""The queues section against the embedded cluster: policy, team GPUs, workloads, why a job waits, Enter to the job."""

from __future__ import annotations

from pathlib import Path

from hyptui.screens.job_detail import JobDetailScreen
from hyptui.screens.queues import QueuesScreen
from hyptui.screens.resource_table import ResourceTable
from hyptui.screens.static_table import StaticTable
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until, widget_text

WAITING = "hyperpod-ns-team-b/hyperpodpytorchjob-llama3-3-70b-lora-"


async def open_queues(pilot, cluster) -> None:
    await settle(pilot, cluster)
    await pilot.press("5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QueuesScreen), "the queues section")
    await wait_until(pilot, lambda: len(table_keys(pilot.app, "#workloads")) == 6, "every workload")


async def test_queues_show_the_policy_the_teams_and_why_a_job_waits(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 45)) as pilot:
        await open_queues(pilot, frozen_cluster)
        screen = app.screen
        policy = widget_text(screen.query_one("#policy"))
        assert "inference (90) > experimentation (80) > training (70) > fine-tuning (50)" in policy
        teams = screen.query_one("#teams", StaticTable)
        rows = {str(teams.get_row_at(i)[0]): [str(v) for v in teams.get_row_at(i)] for i in range(teams.row_count)}
        assert rows["hyperpod-ns-team-a-clusterqueue"][2:7] == ["8", "12", "4", "0", "0"]  # borrows 4 of team b's
        assert rows["hyperpod-ns-team-a-clusterqueue"][1] == "■■■■■■■■▣▣▣▣"
        assert rows["hyperpod-ns-team-b-clusterqueue"][2:7] == ["8", "4", "0", "4", "0"]
        waiting = next(key for key in table_keys(app, "#workloads") if key.startswith(WAITING))
        assert cell(app, waiting, "state", "#workloads") == "PENDING"
        table = screen.query_one("#workloads", ResourceTable)
        table.move_cursor(row=table_keys(app, "#workloads").index(waiting))

        def explanation() -> str:
            return " ".join(widget_text(screen.query_one("#why")).replace("│", " ").split())  # unwrapped

        lent = "0 of its own are free (4 lent to hyperpod-ns-team-a-clusterqueue)"
        await wait_until(pilot, lambda: lent in explanation(), "the explanation")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "the job")
        assert app.screen.key == ("hyperpod-ns-team-b", "llama3-3-70b-lora")
