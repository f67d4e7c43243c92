"""`y` then `e` on a job: the in-app editor (a headless or browser session cannot hand the terminal to $EDITOR),
a merge patch of exactly the edit landing in the embedded cluster, and edits that cannot be sent kept with the
reason. Read-only mode offers no edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.shell.object_editor import ObjectEditorScreen
from hyptui.screens.shell.yaml_view import YamlScreen
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import make_app, settle, wait_until, widget_text

NAMESPACE, JOB = "hyperpod-ns-team-a", "llama3-1-8b-fsdp"


async def open_editor(pilot, cluster: EmbeddedCluster) -> ObjectEditorScreen:
    await settle(pilot, cluster)
    await pilot.press("y")  # the first job is highlighted
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, YamlScreen), "the YAML view")
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ObjectEditorScreen), "the in-app editor")
    return pilot.app.screen


async def test_an_edit_is_sent_as_a_merge_patch_of_what_changed(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "vi")  # set, but a headless session cannot suspend: the in-app editor opens
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        editor = await open_editor(pilot, frozen_cluster)
        area = editor.query_one("#editor", TextArea)
        assert f"name: {JOB}" in area.text
        said = [notification.message for notification in app._notifications]
        assert "vi needs a terminal hyptui can hand over; editing here instead" in said
        area.text = area.text.replace("labels:\n", "labels:\n    owner: platform-team\n", 1)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "the editor to close once sent")
        job = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, NAMESPACE, JOB)
        assert job["metadata"]["labels"]["owner"] == "platform-team"
        assert job["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == "hyperpod-ns-team-a-localqueue"


async def test_an_edit_that_cannot_be_sent_keeps_the_text_and_says_why(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        editor = await open_editor(pilot, frozen_cluster)
        area = editor.query_one("#editor", TextArea)
        renamed = area.text.replace(f"name: {JOB}", "name: renamed", 1)
        area.text = renamed
        await pilot.press("ctrl+s")
        status = editor.query_one("#problem")
        await wait_until(pilot, lambda: "metadata.name cannot change" in widget_text(status), "the reason")
        assert area.text == renamed and isinstance(app.screen, ObjectEditorScreen)
        before = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, NAMESPACE, JOB)["metadata"]["resourceVersion"]

        area.text = renamed.replace("name: renamed", f"name: {JOB}", 1).replace("nprocPerNode:", "nprocPerNode: [", 1)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "not valid YAML" in widget_text(status), "the YAML error")
        await pilot.press("escape")  # leaving with unsent edits asks first
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        assert "Leave without sending your edits?" in widget_text(app.screen.query_one("#question"))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "back to the YAML view")
        after = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, NAMESPACE, JOB)["metadata"]["resourceVersion"]
        assert after == before  # nothing was sent


async def test_read_only_offers_no_edit(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig, readonly=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        assert isinstance(app.screen, JobsScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "the YAML view")
        assert "e" not in app.screen.active_bindings
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, YamlScreen)
