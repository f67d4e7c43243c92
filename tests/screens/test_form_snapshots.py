"""SVG snapshots of the config form, reusing the seeded app, fixed port and clock of test_screen_snapshots.py; each is
paired with a behaviour test in test_config_form.py, and `steps` asserts the form really got there."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import TextArea

from hyptui.sim.cluster import EmbeddedCluster
from tests.screens import test_screen_snapshots as screen_snapshots
from tests.screens.helpers import wait_until
from tests.screens.test_config_form import PATTERN_MESSAGE, message_text, open_form

# The seeded cluster on the fixed port and the compare-with-SVG fixture, shared with the other screens' snapshots.
snapshot_cluster = screen_snapshots.snapshot_cluster
take = screen_snapshots.take
FORM_SIZE = (150, 40)


def freeze_form(pilot: Pilot) -> None:
    screen_snapshots.freeze_cursors(pilot)
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


def test_new_job_form_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        screen = await open_form(pilot, cluster)
        assert screen.row("job_name").editor.has_focus
        assert "# template: hyp-pytorch-job" in screen.query_one("#config-preview", TextArea).text
        freeze_form(pilot)

    assert take(FORM_SIZE, steps)


def test_job_form_validation_error_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        screen = await open_form(pilot, cluster)
        await pilot.press(*"Bert_FT", "tab", *"ecr/bert:1")
        await wait_until(pilot, lambda: PATTERN_MESSAGE in message_text(screen, "job_name"), "hyp's message")
        freeze_form(pilot)

    assert take(FORM_SIZE, steps)
