"""The queues section against the embedded cluster: policy, team GPUs, workloads, why a job waits, Enter to the job."""

from __future__ import annotations

from pathlib import Path

from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.screens.widgets.static_table import StaticTable
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until, widget_text

WAITING = "hyperpod-ns-team-b/hyperpodpytorchjob-llama3-3-70b-lora-"


def assert_borrowed_colour(app, teams: StaticTable, colour: str) -> None:
    """Team A's borrowed GPUs (the bar's ▣ cells and the BORROWED count) wear the theme's status-borrowed colour."""
    assert app.get_css_variables()["status-borrowed"] == colour
    row = next(
        teams.get_row_at(i)
        for i in range(teams.row_count)
        if str(teams.get_row_at(i)[0]).startswith("hyperpod-ns-team-a")
    )
    bar, borrowed = row[1], row[4]
    coloured = "".join(bar.plain[span.start : span.end] for span in bar.spans if span.style.color.name == colour)
    assert coloured == "▣▣▣▣"
    assert borrowed.style.color.name == colour


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
        assert_borrowed_colour(app, teams, "#5fd7d7")
        app.theme = "hyptui-light"
        await pilot.pause(1.2)  # the once-a-second redraw picks up the new theme's colour
        assert_borrowed_colour(app, teams, "#1b7c83")
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
