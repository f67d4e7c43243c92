"""Themes users drop into the config directory: loaded and selectable, or reported (file, field, what is allowed)
and skipped, never a crash."""

from __future__ import annotations

from pathlib import Path

from hyptui.themes import VARIABLE_DEFAULTS
from hyptui.themes.user_themes import THEMES_DIRECTORY, load_user_themes
from tests.screens.helpers import app_with_config, settle

PROJECTOR = """\
name: solarized-projector
dark: true
primary: "#268bd2"
background: "#002b36"
variables:
  status-ok: "#859900"
"""


def write(directory: Path, name: str, text: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)


def test_a_theme_file_becomes_a_theme_and_bad_ones_are_named(tmp_path: Path) -> None:
    write(tmp_path, "a-projector.yaml", PROJECTOR)
    write(tmp_path, "b-bad-colour.yaml", 'name: bad\nprimary: "#12345z"\n')
    write(tmp_path, "c-built-in.yml", 'name: hyptui-dark\nprimary: "#000000"\n')
    write(tmp_path, "d-not-yaml.yaml", "name: [unclosed\n")
    write(tmp_path, "e-unknown-field.yaml", 'name: typo\nprimary: "#000000"\nprimray: "#ffffff"\n')
    write(tmp_path, "f-same-name.yaml", PROJECTOR)
    themes, problems = load_user_themes(tmp_path)
    [theme] = themes
    assert (theme.name, theme.primary, theme.background) == ("solarized-projector", "#268bd2", "#002b36")
    assert theme.variables == {**VARIABLE_DEFAULTS, "status-ok": "#859900"}
    assert problems == [
        f"{tmp_path / 'b-bad-colour.yaml'}: primary: '#12345z' is not a colour (use #rrggbb, rgb(r,g,b) or a colour"
        " name); theme skipped",
        f"{tmp_path / 'c-built-in.yml'}: name: 'hyptui-dark' is a built-in theme; give yours another name; theme"
        " skipped",
        f"{tmp_path / 'd-not-yaml.yaml'} line 2: not valid YAML; theme skipped",
        f"{tmp_path / 'e-unknown-field.yaml'}: primray: Extra inputs are not permitted; theme skipped",
        f"{tmp_path / 'f-same-name.yaml'}: name: 'solarized-projector' is already defined by another file; theme"
        " skipped",
    ]


def test_no_theme_directory_is_no_theme_and_no_problem(tmp_path: Path) -> None:
    assert load_user_themes(tmp_path / "absent") == ([], [])


async def test_the_app_starts_in_a_user_theme_and_reports_the_broken_one(
    frozen_cluster, kubeconfig: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("theme: solarized-projector\n")
    write(tmp_path / THEMES_DIRECTORY, "projector.yaml", PROJECTOR)
    write(tmp_path / THEMES_DIRECTORY, "broken.yaml", "name: broken\n")
    app = app_with_config(frozen_cluster, kubeconfig, config)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot, frozen_cluster)
        assert app.theme == "solarized-projector"
        assert app.get_css_variables()["status-ok"] == "#859900"
        messages = [str(notification.message) for notification in app._notifications]
        assert any("broken.yaml: primary: Field required; theme skipped" in message for message in messages)
