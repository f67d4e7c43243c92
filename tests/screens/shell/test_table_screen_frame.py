"""Every table screen gets its frame from TableScreen: connection bar, title, filter, its table, status line and
footer, in that order, with the screen's own panes above or below the table; against the embedded cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from hyptui.screens.clusters.list import ClustersScreen
from hyptui.screens.configs.list import ConfigsScreen
from hyptui.screens.endpoints.list import EndpointsScreen
from hyptui.screens.events.list import EventsScreen
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.jobs.pods import PodsScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.problems.list import ProblemsScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.spaces.list import SpacesScreen
from hyptui.screens.spaces.templates import SpaceTemplatesScreen
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.views.columns import JOB_COLUMNS
from tests.screens.helpers import cluster_job_keys, make_app, settle, widget_text

SECTION_SCREENS = (
    JobsScreen,
    PodsScreen,
    NodesScreen,
    ProblemsScreen,
    EventsScreen,
    QueuesScreen,
    EndpointsScreen,
    SpacesScreen,
    SpaceTemplatesScreen,
    ConfigsScreen,
    ClustersScreen,
)


def assert_standard_frame(screen: TableScreen) -> None:
    children = list(screen.children)
    assert isinstance(children[0], ConnectionBar)
    assert isinstance(children[1], ScreenTitle)
    assert widget_text(children[1]).strip().startswith(screen.title_text())
    field = screen.query_one("#filter", Input)
    table = children[children.index(field) + 1]
    assert isinstance(table, ResourceTable) and table.id == screen.TABLE_ID
    assert field.placeholder == screen.FILTER_PLACEHOLDER
    assert isinstance(children[-2], StatusLine)
    assert isinstance(children[-1], KeyFooter)


async def test_every_table_screen_has_the_standard_frame(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        job = sorted(cluster_job_keys(frozen_cluster))[0]
        screens = [screen_class() for screen_class in SECTION_SCREENS]
        screens.append(JobDetailScreen(tuple(job.split("/", 1))))
        for screen in screens:
            await app.push_screen(screen)
            await pilot.pause()
            assert_standard_frame(screen)
            await app.pop_screen()


async def test_detail_panes_sit_above_and_below_the_table(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        namespace, name = sorted(cluster_job_keys(frozen_cluster))[0].split("/", 1)
        screen = JobDetailScreen((namespace, name))
        await app.push_screen(screen)
        await pilot.pause()
        ids = [child.id for child in screen.children]
        assert ids[ids.index("filter") - 1] == "detail-top"
        assert ids[ids.index("pods") + 1 :][:2] == ["faults", "events"]


def test_a_table_screen_must_name_its_columns_and_table() -> None:
    with pytest.raises(TypeError, match="TABLE_ID"):

        class Untitled(TableScreen):
            COLUMNS = JOB_COLUMNS
