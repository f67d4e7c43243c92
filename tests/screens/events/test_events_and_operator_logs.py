"""The events section and the training operator's log, against the embedded cluster."""

from __future__ import annotations

from pathlib import Path

from hyptui.hyperpod.kinds import EVENTS
from hyptui.screens.events.list import EventsScreen
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until


async def test_events_newest_first_warnings_stand_out_and_enter_opens_the_job(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen), "the events section")
        stored = frozen_cluster.store.list(EVENTS)[0]
        await wait_until(pilot, lambda: len(table_keys(app)) == len(stored), "every event")
        seen = [row.seen for row in app.screen._rows.values()]
        assert seen == sorted(seen, reverse=True)
        table = app.screen.query_one(ResourceTable)
        warning = next(key for key in table_keys(app) if cell(app, key, "type") == "Warning")
        assert table.get_cell(warning, "type").style == table.get_component_rich_style("tone--warn", partial=True)

        await pilot.press("slash", *"mistral-7b-dpo", "enter")
        await wait_until(pilot, lambda: 0 < len(table_keys(app)) < len(stored), "the filter")
        job_event = next(key for key in table_keys(app) if cell(app, key, "object").startswith("hyperpodpytorchjob/"))
        table.move_cursor(row=table_keys(app).index(job_event))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "the job the event is about")
        assert app.screen.key == ("hyperpod-ns-team-b", "mistral-7b-dpo")


async def test_operator_logs_open_the_training_operators_pod(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("O")
        await wait_until(pilot, lambda: isinstance(app.screen, PodLogScreen), "the operator's log")
        assert app.screen.namespace == "aws-hyperpod"
        view = app.screen.log_view
        await wait_until(pilot, lambda: view.line_count > 0, "operator log lines")
        assert any("hyperpodpytorchjob" in line for line in view.lines)
