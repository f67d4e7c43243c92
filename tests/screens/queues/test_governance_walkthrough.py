"""The talk's task-governance demo replayed through the UI: every job is submitted with the job form, every deletion
goes through the jobs screen's confirmation, and after each step the queues section must tell the same story as the
embedded cluster's Kueue: who runs, who is suspended, how many GPUs team A borrows, and why a job waits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from hyptui.hyperpod.job_status import job_status
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.sim.cluster import EmbeddedCluster
from tests.fixed_clock import FIXED_START
from tests.governance_cluster import governance_demo_cluster
from tests.screens.forms import form, open_form, pick, tab_to
from tests.screens.helpers import all_live, cell, make_app, table_keys, type_text, wait_until, widget_text

TEAM_A, TEAM_B = "hyperpod-ns-team-a", "hyperpod-ns-team-b"
A_TRAINING, B_TRAINING, B_EXPERIMENT = "team-a-training", "team-b-training", "team-b-experiment"


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedCluster]:
    monkeypatch.chdir(tmp_path)  # the form writes each job's config directory here, as hyp init would
    cluster = governance_demo_cluster(FIXED_START)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


async def submit(pilot: Pilot, cluster: EmbeddedCluster, name: str, namespace: str, nodes: int, priority: str) -> None:
    """Jobs section, n, fill the form with keys only, ctrl+r: what `hyp create hyp-pytorch-job` does in the talk."""
    await pilot.press("1")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen), "the jobs section")
    await open_form(pilot, cluster)
    screen = form(pilot)
    await tab_to(pilot, "job_name")
    await type_text(pilot, name)
    await pilot.press("tab")
    await type_text(pilot, "qwen3-finetuning:pytorch2.8-cu129")
    await pick(pilot, "namespace", namespace, namespace)
    await pick(pilot, "instance_type", "ml.g", "ml.g5.12xlarge")
    await tab_to(pilot, "replica_count")
    await pilot.press(str(nodes))
    await pick(pilot, "queue_name", "h", f"{namespace}-localqueue")
    for field in ("accelerators", "accelerators_limit"):
        await tab_to(pilot, field)
        await pilot.press("4")
    await pick(pilot, "priority", priority[0], priority)
    await wait_until(pilot, lambda: "valid" in widget_text(screen.query_one("StatusLine")), "the form to validate")
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen), "the form to close after create")
    await wait_until(pilot, lambda: f"{namespace}/{name}" in table_keys(pilot.app), f"{name} in the jobs table")


async def delete(pilot: Pilot, namespace: str, name: str) -> None:
    await pilot.press("1")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen), "the jobs section")
    table = pilot.app.screen.query_one(ResourceTable)
    table.focus()
    table.move_cursor(row=table_keys(pilot.app).index(f"{namespace}/{name}"))
    await pilot.press("ctrl+d")
    await pilot.pause()
    await pilot.press("y")
    await wait_until(pilot, lambda: f"{namespace}/{name}" not in table_keys(pilot.app), f"{name} to go")


async def queues(pilot: Pilot) -> QueuesScreen:
    await pilot.press("5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QueuesScreen), "the queues section")
    return pilot.app.screen


def workload_key(pilot: Pilot, namespace: str, job: str) -> str:
    return next(
        k for k in table_keys(pilot.app, "#workloads") if k.startswith(f"{namespace}/hyperpodpytorchjob-{job}-")
    )


def team(pilot: Pilot, queue: str) -> dict[str, str]:
    teams = pilot.app.screen.query_one("#teams", StaticTable)
    rows = [[str(value) for value in teams.get_row_at(index)] for index in range(teams.row_count)]
    row = next(row for row in rows if row[0] == f"{queue}-clusterqueue")
    return dict(zip(("queue", "bar", "guaranteed", "in use", "borrowed", "lent", "idle"), row, strict=False))


async def expect(pilot: Pilot, cluster: EmbeddedCluster, states: dict[tuple[str, str], str], borrowed: dict) -> None:
    """The queues section and the cluster agree on every job's workload state and each team's borrowed GPUs."""
    await queues(pilot)
    kueue_words = {"Running": "ADMITTED", "Suspended": "PREEMPTED"}

    def shown() -> bool:
        keys = table_keys(pilot.app, "#workloads")
        for (namespace, job), status in states.items():
            key = next((k for k in keys if k.startswith(f"{namespace}/hyperpodpytorchjob-{job}-")), None)
            if key is None or cell(pilot.app, key, "state", "#workloads") != kueue_words[status]:
                return False
        return all(team(pilot, queue)["borrowed"] == gpus for queue, gpus in borrowed.items())

    await wait_until(pilot, shown, f"the queues section to show {states} and borrowing {borrowed}")
    for (namespace, job), status in states.items():
        assert job_status(cluster.store.get(HYPERPOD_PYTORCH_JOBS, namespace, job)) == status, job


def why(pilot: Pilot, namespace: str, job: str) -> str:
    screen = pilot.app.screen
    table = screen.query_one("#workloads", ResourceTable)
    table.move_cursor(row=table_keys(pilot.app, "#workloads").index(workload_key(pilot, namespace, job)))
    inside = widget_text(screen.query_one("#why")).splitlines()[1:-1]  # within the border
    text = " ".join(" ".join(inside).replace("│", " ").split())
    return text


async def test_the_talks_governance_demo_through_the_ui(cluster: EmbeddedCluster, tmp_path: Path) -> None:
    app = make_app(cluster, cluster.write_kubeconfig(tmp_path / "kubeconfig"))
    async with app.run_test(size=(170, 50)) as pilot:
        await wait_until(pilot, lambda: all_live(app), "every watch to go live")
        policy = await queues(pilot)
        assert "experimentation (80) > training (70)" in widget_text(policy.query_one("#policy"))

        # Team A's 2-node job runs on its own instance and one borrowed from team B.
        await submit(pilot, cluster, A_TRAINING, TEAM_A, 2, "training-priority")
        cluster.advance(90, step=5)
        await expect(pilot, cluster, {(TEAM_A, A_TRAINING): "Running"}, {TEAM_A: "4", TEAM_B: "0"})
        assert team(pilot, TEAM_B)["lent"] == "4"
        await wait_until(
            pilot, lambda: "asks for 8 GPUs and holds them" in why(pilot, TEAM_A, A_TRAINING), "why it runs"
        )

        # Team B takes its guaranteed instance back: A's job is preempted and B's job runs.
        await submit(pilot, cluster, B_TRAINING, TEAM_B, 1, "training-priority")
        cluster.advance(90, step=5)
        await expect(
            pilot,
            cluster,
            {(TEAM_A, A_TRAINING): "Suspended", (TEAM_B, B_TRAINING): "Running"},
            {TEAM_A: "0", TEAM_B: "0"},
        )
        preempted = "team-a-training asks for 8 GPUs. It was preempted 85s ago by team-b-training (hyperpod-ns-team-b),"
        preempted += " which reclaimed quota its team had lent."
        await wait_until(pilot, lambda: why(pilot, TEAM_A, A_TRAINING).startswith(preempted), "why A waits")
        assert "It is number 1 in line for hyperpod-ns-team-a-clusterqueue." in why(pilot, TEAM_A, A_TRAINING)
        assert cell(app, workload_key(pilot, TEAM_A, A_TRAINING), "position", "#workloads") == "1"

        # A higher-priority experimentation job in team B preempts B's training job and borrows A's idle instance.
        await submit(pilot, cluster, B_EXPERIMENT, TEAM_B, 2, "experimentation-priority")
        cluster.advance(90, step=5)
        await expect(
            pilot,
            cluster,
            {(TEAM_A, A_TRAINING): "Suspended", (TEAM_B, B_TRAINING): "Suspended", (TEAM_B, B_EXPERIMENT): "Running"},
            {TEAM_A: "0", TEAM_B: "4"},
        )
        by_priority = "by team-b-experiment (hyperpod-ns-team-b), which has a higher priority in the same team's queue."
        await wait_until(pilot, lambda: by_priority in why(pilot, TEAM_B, B_TRAINING), "why B's job waits")

        # Deleting the experimentation job resumes B's training job; A's job still waits.
        await delete(pilot, TEAM_B, B_EXPERIMENT)
        cluster.advance(90, step=5)
        await expect(
            pilot,
            cluster,
            {(TEAM_A, A_TRAINING): "Suspended", (TEAM_B, B_TRAINING): "Running"},
            {TEAM_A: "0", TEAM_B: "0"},
        )

        # Deleting B's job frees the instance: A resumes and borrows team B's idle GPUs again.
        await delete(pilot, TEAM_B, B_TRAINING)
        cluster.advance(90, step=5)
        await expect(pilot, cluster, {(TEAM_A, A_TRAINING): "Running"}, {TEAM_A: "4", TEAM_B: "0"})
