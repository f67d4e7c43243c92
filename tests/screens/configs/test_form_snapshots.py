"""SVG snapshots of the config form, on conftest.py's seeded app, fixed port and clock; each is
paired with a behaviour test in test_config_form.py, and `steps` asserts the form really got there."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import TextArea

from hyptui.screens.clusters.list import ClustersScreen
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.endpoints.list import EndpointsScreen
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.forms import PATTERN_MESSAGE, message_text, open_form
from tests.screens.helpers import freeze_cursors, settle, wait_until

FORM_SIZE = (150, 40)


def test_new_job_form_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        screen = await open_form(pilot, cluster)
        assert screen.row("job_name").editor.has_focus
        assert "# template: hyp-pytorch-job" in screen.query_one("#config-preview", TextArea).text
        freeze_cursors(pilot)

    assert take(FORM_SIZE, steps)


def test_job_form_validation_error_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        screen = await open_form(pilot, cluster)
        await pilot.press(*"Bert_FT", "tab", *"ecr/bert:1")
        await wait_until(pilot, lambda: PATTERN_MESSAGE in message_text(screen, "job_name"), "hyp's message")
        freeze_cursors(pilot)

    assert take(FORM_SIZE, steps)


def form_from(section_key: str, screen: type, form_key: str, template: str):
    """Steps: open a section, then its form for `template`, and check the form knows which template it writes."""

    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await settle(pilot, cluster)
        await pilot.press(section_key)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen), f"the {screen.__name__}")
        await pilot.press(form_key)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfigFormScreen), f"the {template} form")
        form = pilot.app.screen
        assert isinstance(form, ConfigFormScreen) and form.spec.name == template
        preview = form.query_one("#config-preview", TextArea)
        await wait_until(pilot, lambda: f"# template: {template}" in preview.text, "the config.yaml preview")
        freeze_cursors(pilot)

    return steps


def test_custom_endpoint_form_snapshot(take) -> None:
    assert take(FORM_SIZE, form_from("6", EndpointsScreen, "n", "hyp-custom-endpoint"))


def test_jumpstart_endpoint_form_snapshot(take) -> None:
    assert take(FORM_SIZE, form_from("6", EndpointsScreen, "J", "hyp-jumpstart-endpoint"))


def test_cluster_stack_form_snapshot(take) -> None:
    assert take(FORM_SIZE, form_from("8", ClustersScreen, "n", "cluster-stack"))
