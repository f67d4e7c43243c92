"""The configs section: directories `hyp init`/`configure` made (tests/config/fixtures/hyp) found under where hyptui
started, each with what `hyp validate` would say; `e` opens one in its form and esc comes back to the list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.configs.list import ConfigsScreen
from hyptui.sim.cluster import EmbeddedCluster
from tests.paths import HYP_FIXTURES
from tests.screens.helpers import cell, make_app, settle, table_keys, wait_until, widget_text

FIXTURES = HYP_FIXTURES


@pytest.fixture
def configs_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """hyptui started in a folder of config directories: a valid job, an invalid one, one that is not YAML."""
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", tmp_path / "llama")
    shutil.copytree(FIXTURES / "pytorch-1.1-invalid", tmp_path / "team-b" / "broken")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "config.yaml").write_text("job_name: [unclosed\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def open_configs(pilot: Pilot, cluster: EmbeddedCluster, rows: int) -> ConfigsScreen:
    await settle(pilot, cluster)
    await pilot.press("0")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfigsScreen), "the configs section")
    await wait_until(pilot, lambda: len(table_keys(pilot.app)) == rows, f"{rows} config directories")
    screen = pilot.app.screen
    assert isinstance(screen, ConfigsScreen)
    return screen


async def test_lists_config_directories_and_opens_one_in_its_form(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, configs_root: Path
) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_configs(pilot, frozen_cluster, 3)
        llama, broken, notes = (str(configs_root / name) for name in ("llama", "team-b/broken", "notes"))
        assert table_keys(app) == [llama, notes, broken]
        assert [cell(app, llama, column) for column in ("directory", "template", "version", "state", "runs")] == [
            "./llama",
            "hyp-pytorch-job",
            "1.1",
            "Valid",
            "1",
        ]
        assert (cell(app, broken, "state"), cell(app, broken, "problems")) == ("Invalid", "5")
        assert cell(app, notes, "state") == "Unreadable"

        screen.table.move_cursor(row=table_keys(app).index(broken))
        pattern = "queue_name: String should match pattern '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"  # hyp's words, intact
        await wait_until(pilot, lambda: pattern in widget_text(screen.query_one("#why")), "hyp validate's lines")
        screen.table.move_cursor(row=table_keys(app).index(notes))
        await wait_until(pilot, lambda: "not valid YAML" in widget_text(screen.query_one("#why")), "why")
        screen.table.move_cursor(row=table_keys(app).index(llama))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfigFormScreen), "the directory's form")
        form = app.screen
        assert isinstance(form, ConfigFormScreen)
        assert form.spec.name == "hyp-pytorch-job" and form.directory == configs_root / "llama"
        assert form.row("job_name").value == "my-job"  # hyp configure's value, in place
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back to the list, unchanged")


async def test_reload_finds_a_directory_made_meanwhile(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, configs_root: Path
) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_configs(pilot, frozen_cluster, 3)
        shutil.copytree(FIXTURES / "jumpstart-endpoint-1.2-basic", configs_root / "chat")  # e.g. `hyp init` elsewhere
        await pilot.press("r")
        await wait_until(pilot, lambda: len(table_keys(app)) == 4, "the new directory")
        assert cell(app, str(configs_root / "chat"), "template") == "hyp-jumpstart-endpoint"
