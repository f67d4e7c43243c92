"""Job detail (spec, conditions, pods, events), the pod log view and the YAML view, against the embedded cluster."""

from __future__ import annotations

import re
from pathlib import Path

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, PODS
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.shell.yaml_view import YamlScreen
from hyptui.screens.widgets.static_table import StaticTable
from tests.screens.helpers import make_app, table_keys, wait_until, widget_text
from tests.screens.jobs.steps import open_first_pod_log, open_running_job


async def test_job_detail_shows_spec_conditions_pods_and_events(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 45)) as pilot:
        namespace, job, _ = await open_running_job(pilot, frozen_cluster)
        screen = app.screen
        spec = widget_text(screen.query_one("#spec"))
        stored = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, namespace, job)
        image = stored["spec"]["replicaSpecs"][0]["template"]["spec"]["containers"][0]["image"]
        assert re.search(r"Instance type +ml\.g5\.12xlarge", spec) and image[:30] in spec
        conditions = screen.query_one("#conditions", StaticTable)
        stored_types = [c["type"] for c in stored["status"]["conditions"]]
        assert [str(conditions.get_row_at(i)[0]) for i in range(conditions.row_count)] == stored_types
        await wait_until(pilot, lambda: screen.query_one("#events", StaticTable).row_count > 0, "events")
        assert widget_text(screen.query_one("#title")).strip().endswith("· Running")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "going back to the jobs")


async def test_pod_log_follows_searches_and_goes_back(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 45)) as pilot:
        _, _, view = await open_first_pod_log(pilot, frozen_cluster)

        before = view.line_count
        frozen_cluster.advance(60)
        await wait_until(pilot, lambda: view.line_count > before, "new lines while following")
        assert view.follow
        await pilot.press("f")
        assert not view.follow

        await pilot.press("slash", *"loss")
        await pilot.press("enter")
        await pilot.pause()
        assert view.match_count == sum("loss" in line.lower() for line in view.lines) > 0

        def shown_match() -> tuple[int, int]:
            found = re.search(r"match (\d+)/(\d+)", widget_text(app.screen.query_one("StatusLine")))
            assert found, "the status line should say which match is shown"
            return int(found[1]), int(found[2])

        ordinal, total = shown_match()
        assert total == view.match_count
        assert "loss" in view.lines[int(view.scroll_offset.y)].lower()
        await pilot.press("n")
        assert shown_match() == (ordinal % total + 1, total)
        await pilot.press("N")
        assert shown_match() == (ordinal, total)

        await pilot.press("escape")  # the first escape closes the search, the second goes back
        await pilot.pause()
        assert isinstance(app.screen, PodLogScreen) and view.match_count == 0
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "back to the job")


async def test_yaml_view_shows_the_object(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(120, 40)) as pilot:
        _, job, _ = await open_running_job(pilot, frozen_cluster)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "the YAML screen")
        assert f"  name: {job}\n" in app.screen.yaml_text
        assert "managedFields" not in app.screen.yaml_text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "back to the job")


async def test_deleting_from_the_detail_goes_back_to_the_list(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        namespace, job, _ = await open_running_job(pilot, frozen_cluster)
        await pilot.press("ctrl+d")
        await pilot.pause()
        question = " ".join(widget_text(app.screen.query_one("#question")).split())  # the modal wraps long lines
        assert f"Delete HyperPodPyTorchJob {job} in {namespace}?" in question
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "the jobs list")
        await wait_until(pilot, lambda: f"{namespace}/{job}" not in table_keys(app), "the row to go")
        names = {j["metadata"]["name"] for j in frozen_cluster.store.list(HYPERPOD_PYTORCH_JOBS, namespace)[0]}
        assert job not in names
        assert frozen_cluster.store.list(PODS, namespace, label_selector=f"HPJob={job}")[0] == []


async def test_since_presets_and_more_tail_ask_the_server_again(frozen_cluster, kubeconfig: Path) -> None:
    from datetime import timedelta

    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 45)) as pilot:
        namespace, pod, view = await open_first_pod_log(pilot, frozen_cluster)
        recent = frozen_cluster.logs.read(
            namespace, pod, "pytorch-job-container", since=frozen_cluster.clock.now() - timedelta(minutes=5)
        )
        expected = [line.rstrip("\n") for line in recent]
        assert 0 < len(expected) < view.line_count
        await pilot.press("2")
        await wait_until(pilot, lambda: list(view.lines) == expected, "the last five minutes only")
        assert "(since 5m)" in widget_text(app.screen.query_one("StatusLine"))
        await pilot.press("0", "plus")
        await wait_until(pilot, lambda: "(tail 20,000)" in widget_text(app.screen.query_one("StatusLine")), "more")
