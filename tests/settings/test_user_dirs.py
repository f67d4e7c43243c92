"""The state directory follows the XDG base directory rule, and context memory lives inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyptui.settings.context_memory import memory_path
from hyptui.settings.user_dirs import state_dir


def test_xdg_state_home_wins_over_home(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path / "home")}
    assert state_dir(env) == tmp_path / "state" / "hyptui"


def test_home_local_state_without_xdg_state_home(tmp_path: Path) -> None:
    assert state_dir({"HOME": str(tmp_path)}) == tmp_path / ".local" / "state" / "hyptui"


def test_empty_xdg_state_home_counts_as_unset(tmp_path: Path) -> None:
    assert state_dir({"XDG_STATE_HOME": "", "HOME": str(tmp_path)}) == tmp_path / ".local" / "state" / "hyptui"


def test_default_reads_the_process_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_dir() == tmp_path / "hyptui"


def test_context_memory_is_kept_in_the_state_dir(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert memory_path(env) == state_dir(env) / "contexts.yaml"
