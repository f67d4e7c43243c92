"""The config form against the embedded cluster: filled with keys only, validated inline with hyp's words, saved as
`hyp init` + `hyp configure` would write it, created as `hyp create` would submit it, loaded from a `hyp init`
directory, kept in step with edits made in another editor, and never left with unsaved work without asking."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Switch, TextArea

from hyptui.hyp_configs.cluster_choices import cluster_choices
from hyptui.hyp_configs.config_file import ConfigDocument, init_directory
from hyptui.hyp_configs.registry import get_template
from hyptui.hyp_configs.submit import prepare
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.widgets.field_input import FieldRow, field_kind, parse_value, value_text
from hyptui.sim.cluster import EmbeddedCluster
from tests.paths import HYP_FIXTURES
from tests.screens.forms import PATTERN_MESSAGE, form, message_text, open_form, pick, tab_to
from tests.screens.helpers import (
    cluster_job_keys,
    make_app,
    table_keys,
    type_text,
    wait_until,
    widget_text,
)

FIXTURES = HYP_FIXTURES


async def fill_job(pilot: Pilot, name: str) -> ConfigFormScreen:
    screen = form(pilot)
    await tab_to(pilot, "job_name")
    await type_text(pilot, name)
    await pilot.press("tab")
    await type_text(pilot, "ecr/bert:1")
    await pick(pilot, "namespace", "hyperpod-ns", "hyperpod-ns-team-a")
    await pick(pilot, "instance_type", "ml.g", "ml.g5.12xlarge")
    await tab_to(pilot, "replica_count")
    await pilot.press("2")
    await pick(pilot, "queue_name", "h", "hyperpod-ns-team-a-localqueue")  # only team-a's queues are offered
    await tab_to(pilot, "accelerators")
    await pilot.press("4")
    await tab_to(pilot, "accelerators_limit")
    await pilot.press("4")
    await pick(pilot, "priority", "t", "training-priority")
    await wait_until(pilot, lambda: "valid" in widget_text(screen.query_one("StatusLine")), "the form to validate")
    return screen


async def load(pilot: Pilot, directory: Path) -> ConfigFormScreen:
    await tab_to(pilot, "directory")
    await type_text(pilot, str(directory))
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: form(pilot).directory == directory, "the directory to load")
    return form(pilot)


async def test_keys_fill_validate_and_create_a_job_as_hyp_would(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_form(pilot, frozen_cluster)
        await type_text(pilot, "Bert_FT")
        await wait_until(pilot, lambda: PATTERN_MESSAGE in message_text(screen, "job_name"), "hyp's pattern message")
        assert screen.row("job_name").has_class("-invalid")
        await pilot.press("ctrl+u")
        await fill_job(pilot, "bert-ft")
        assert message_text(screen, "job_name").strip() == ""
        assert screen.query_one("#directory", Input).value == "./bert-ft"
        assert "replicas: 2" in screen.query_one("#manifest-preview", TextArea).text

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "the form to close after create")
        key = "hyperpod-ns-team-a/bert-ft"
        await wait_until(pilot, lambda: key in table_keys(app), "the new job in the jobs table")

    written = tmp_path / "bert-ft"
    document = ConfigDocument.load(written)
    _, expected = prepare(document, "default")
    job = frozen_cluster.store.get(HYPERPOD_PYTORCH_JOBS, "hyperpod-ns-team-a", "bert-ft")
    assert job["metadata"]["labels"] == expected["metadata"]["labels"]
    assert job["metadata"]["labels"] == {
        "kueue.x-k8s.io/queue-name": "hyperpod-ns-team-a-localqueue",
        "kueue.x-k8s.io/priority-class": "training-priority",
    }
    replica, expected_replica = job["spec"]["replicaSpecs"][0], expected["spec"]["replicaSpecs"][0]
    assert replica["replicas"] == expected_replica["replicas"] == 2
    pod, expected_pod = replica["template"], expected_replica["template"]
    assert pod["metadata"]["labels"] == expected_pod["metadata"]["labels"]
    assert pod["spec"]["nodeSelector"] == expected_pod["spec"]["nodeSelector"]
    container, expected_container = pod["spec"]["containers"][0], expected_pod["spec"]["containers"][0]
    assert container["image"] == "ecr/bert:1"
    assert container["resources"] == expected_container["resources"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 4
    assert len(list((written / "run").iterdir())) == 1

    engine = init_directory(tmp_path / "engine", "hyp-pytorch-job", namespace="default")
    engine.update({k: v for k, v in document.values.items() if v is not None}).save()
    for name in ("config.yaml", "k8s.jinja", "README.md", ".hyp"):
        assert (written / name).read_bytes() == (tmp_path / "engine" / name).read_bytes(), name


async def test_a_refused_create_keeps_the_form_and_says_why(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    existing = "llama3-1-8b-fsdp"  # a seeded job in hyperpod-ns-team-a, as the fixture's namespace
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", tmp_path / "dup")
    config = tmp_path / "dup" / "config.yaml"
    config.write_text(config.read_text().replace("job_name: my-job", f"job_name: {existing}"))
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_form(pilot, frozen_cluster)
        screen = await load(pilot, Path("dup"))
        await pilot.press("ctrl+r")
        problem = screen.query_one("#form-problem")
        await wait_until(pilot, lambda: "Create failed" in widget_text(problem), "the refusal")
        assert "already exists" in widget_text(problem)
        assert app.screen is screen
        assert screen.row("job_name").value == existing


async def test_creating_is_hidden_and_refused_in_read_only_mode(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig, readonly=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_form(pilot, frozen_cluster)
        await pilot.press(*"ro-job", "tab", "i")
        await wait_until(pilot, lambda: "valid" in widget_text(screen.query_one("StatusLine")), "a valid form")
        assert "ctrl+r" not in screen.active_bindings
        assert "ctrl+s" in screen.active_bindings
        await pilot.press("ctrl+r")
        await pilot.pause(0.3)
        assert app.screen is screen
        assert not (tmp_path / "ro-job").exists()
    assert "hyperpod-ns-team-a/ro-job" not in cluster_job_keys(frozen_cluster)


async def test_a_hyp_init_directory_loads_with_every_value_in_place(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    directory = Path("llama")  # relative, as typed
    shutil.copytree(FIXTURES / "pytorch-1.1-full", directory)
    document = ConfigDocument.load(directory)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_form(pilot, frozen_cluster)
        screen = await load(pilot, directory)
        for field in document.template.fields():
            row = screen.row(field.name)
            value = document.values.get(field.name)
            assert row.value == value, field.name
            editor = row.editor
            if isinstance(editor, Switch):
                assert editor.value is bool(value), field.name
            elif isinstance(editor, Select):
                assert editor.value == value_text(value), field.name
            else:
                shown = editor.text if isinstance(editor, TextArea) else editor.value
                assert shown == value_text(value), field.name
        assert screen.query_one("#config-preview", TextArea).text == (directory / "config.yaml").read_text()
        assert not screen.dirty
        await pilot.press("escape")  # nothing changed: leaves without asking
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "the jobs list")


async def test_edits_in_another_editor_reach_the_form_and_a_broken_file_keeps_the_values(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    directory = Path("basic")
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", directory)
    config = directory / "config.yaml"
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_form(pilot, frozen_cluster)
        screen = await load(pilot, directory)
        original = config.read_text()
        image = screen.row("image")
        config.write_text(original.replace(f"image: {image.value}", "image: edited/elsewhere:2"))
        await wait_until(pilot, lambda: image.value == "edited/elsewhere:2", "the edit to reach the form")
        assert image.editor.value == "edited/elsewhere:2"
        assert "image: edited/elsewhere:2" in screen.query_one("#config-preview", TextArea).text

        config.write_text(original.replace("job_name:", "job_name: [unclosed"))
        problem = screen.query_one("#form-problem")
        await wait_until(pilot, lambda: "does not load" in widget_text(problem), "the parse error")
        assert "line" in widget_text(problem)  # where: YAML's line and column
        assert image.value == "edited/elsewhere:2"  # the last good values stay

        config.write_text(original.replace("job_name:", "job_name: bad_name #"))
        await wait_until(pilot, lambda: "does not load" not in widget_text(problem), "the file to load again")
        await wait_until(pilot, lambda: PATTERN_MESSAGE in message_text(screen, "job_name"), "its validation")


async def test_leaving_or_loading_over_unsaved_changes_asks_first(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_form(pilot, frozen_cluster)
        await pilot.press(*"half-typed", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the unsaved-changes question")
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "the form again")
        assert screen.row("job_name").value == "half-typed"

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: (tmp_path / "half-typed" / "config.yaml").is_file(), "the save")
        assert not screen.dirty
        assert "job_name: half-typed" in (tmp_path / "half-typed" / "config.yaml").read_text()

        await pilot.press("x", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question again")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "the jobs list")
    assert "half-typedx" not in (tmp_path / "half-typed" / "config.yaml").read_text()


@pytest.mark.parametrize("fixture", ["pytorch-1.1-full", "pytorch-1.1-numeric-args", "pytorch-1.0-basic"])
def test_each_value_reads_back_from_the_text_the_form_shows(fixture: str) -> None:
    document = ConfigDocument.load(FIXTURES / fixture)
    for name, value in document.values.items():
        assert parse_value(name, value_text(value)) == value, name


def test_field_kinds_follow_the_schema() -> None:
    spec = get_template("hyp-pytorch-job")
    kinds = {field.name: field_kind(field.annotation) for field in spec.fields()}
    assert kinds["deep_health_check_passed_nodes_only"] == "switch"
    assert kinds["command"] == kinds["environment"] == kinds["volume"] == "block"
    assert kinds["replica_count"] == kinds["job_name"] == "text"


async def test_pickers_offer_what_the_cluster_knows(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_form(pilot, frozen_cluster)
        choices = cluster_choices(app.store.state)
        assert {"ml.g5.12xlarge", "ml.t3.medium"} <= set(choices.instance_types)
        assert {"hyperpod-ns-team-a", "hyperpod-ns-team-b"} <= set(choices.namespaces)
        jobs, _ = frozen_cluster.store.list(HYPERPOD_PYTORCH_JOBS)
        images = {
            c["image"] for j in jobs for r in j["spec"]["replicaSpecs"] for c in r["template"]["spec"]["containers"]
        }
        assert set(choices.images) == images
        instance_type = screen.row("instance_type").editor
        assert isinstance(instance_type, Select)
        assert isinstance(screen.row("job_name").editor, Input)
        assert choices.priority_classes is not None and "training-priority" in choices.priority_classes
        assert choices.queues("hyperpod-ns-team-b") == ("hyperpod-ns-team-b-localqueue",)
        assert isinstance(screen.row("queue_name"), FieldRow)
