"""User settings: a good file applies, a bad one falls back to defaults with a message naming the field."""

from __future__ import annotations

from pathlib import Path

import yaml

from hyptui.settings.user_config import UserConfig, config_path, load_user_config, remember_theme


def test_missing_file_means_defaults_and_no_message(tmp_path: Path) -> None:
    assert load_user_config(tmp_path / "config.yaml") == (UserConfig(), None)


def test_good_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "keymap:\n  delete: x\naliases:\n  a: jobs hyperpod-ns-team-a\ntheme: hyptui-light\nreadonly: true\n"
    )
    config, problem = load_user_config(path)
    assert problem is None
    assert config == UserConfig(
        keymap={"delete": "x"}, aliases={"a": "jobs hyperpod-ns-team-a"}, theme="hyptui-light", readonly=True
    )


def test_read_only_per_context_by_name_or_pattern(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "contexts:\n"
        "  demo-readonly:\n    readonly: true\n"
        '  "arn:aws:eks:*:cluster/prod-*":\n    readonly: true\n'
        "  staging:\n    readonly: false\n"
    )
    config, problem = load_user_config(path)
    assert problem is None
    assert config.readonly_in("demo-readonly")
    assert config.readonly_in("arn:aws:eks:us-west-2:123456789012:cluster/prod-hp")
    assert not config.readonly_in("arn:aws:eks:us-west-2:123456789012:cluster/dev-hp")
    assert not config.readonly_in("staging")
    assert config.readonly_in(None)  # not connected yet: it may be one of them
    assert not UserConfig().readonly_in(None)
    assert UserConfig(readonly=True).readonly_in("staging")


def test_unknown_verb_is_named_with_the_verbs_that_exist(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("keymap:\n  destroy: x\n")
    config, problem = load_user_config(path)
    assert config == UserConfig()
    assert problem is not None
    assert problem.startswith(f"{path}: keymap: unknown verb 'destroy'; verbs are: ")
    assert "delete" in problem and problem.endswith("; using defaults")


def test_other_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    cases = {
        "keymap: [x]\n": "keymap: Input should be a valid dictionary",
        "aliases:\n  jobs: nodes\n": "aliases: alias 'jobs' would hide the built-in command of that name",
        "readonly: maybe\n": "readonly: Input should be a valid boolean",
        "contexts:\n  prod:\n    readonly: sometimes\n": "contexts.prod.readonly: Input should be a valid boolean",
        "contexts:\n  prod:\n    theme: x\n": "contexts.prod.theme: Extra inputs are not permitted",
        "colour: red\n": "colour: Extra inputs are not permitted",
        "keymap: {delete: ' '}\n": "keymap: verb 'delete' needs at least one key",
        "- a\n- b\n": "expected a mapping of settings, got list",
        "keymap: {delete: [\n": "line 2: not valid YAML",
    }
    for text, message in cases.items():
        path.write_text(text)
        config, problem = load_user_config(path)
        assert config == UserConfig(), text
        assert problem is not None and message in problem, (text, problem)


def test_config_path_follows_xdg() -> None:
    assert config_path({"XDG_CONFIG_HOME": "/x"}) == Path("/x/hyptui/config.yaml")
    assert config_path({"HOME": "/home/u"}) == Path("/home/u/.config/hyptui/config.yaml")


def test_remembering_the_theme_keeps_everything_else(tmp_path: Path) -> None:
    path = tmp_path / "hyptui" / "config.yaml"
    assert remember_theme(path, "hyptui-light")
    assert yaml.safe_load(path.read_text()) == {"theme": "hyptui-light"}
    path.write_text("aliases:\n  a: jobs\nsomething_newer: 1\ntheme: old\n")
    assert remember_theme(path, "hyptui-high-contrast")
    assert yaml.safe_load(path.read_text()) == {
        "aliases": {"a": "jobs"},
        "something_newer": 1,
        "theme": "hyptui-high-contrast",
    }


def test_a_file_that_does_not_parse_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("keymap: {delete: [\n")
    assert not remember_theme(path, "hyptui-light")
    assert path.read_text() == "keymap: {delete: [\n"
