"""Atomic writes go through a symlink to its target, leave no temp file when interrupted, and sweep their own stale
temp files from earlier runs while leaving everyone else's alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hyptui.settings.atomic_file import STALE_TEMP_SECONDS, write_atomic


def dotfiles_link(tmp_path: Path) -> tuple[Path, Path]:
    """A `~/.kube/config` that is a relative symlink into a dotfiles folder, as dotfile managers make it."""
    target = tmp_path / "dotfiles" / "kube" / "config"
    target.parent.mkdir(parents=True)
    target.write_text("old\n")
    link = tmp_path / "home" / ".kube" / "config"
    link.parent.mkdir(parents=True)
    link.symlink_to(os.path.relpath(target, link.parent))
    return link, target


def aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_writes_through_a_symlink_and_keeps_the_link(tmp_path: Path) -> None:
    link, target = dotfiles_link(tmp_path)
    write_atomic(link, "new\n")
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in link.parent.iterdir()) == ["config"]


def test_the_temp_file_sits_beside_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    link, target = dotfiles_link(tmp_path)
    renamed: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def recording_replace(source: str, destination: str | Path) -> None:
        renamed.append((Path(source), Path(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", recording_replace)
    write_atomic(link, "new\n")
    [(source, destination)] = renamed
    assert source.parent == target.parent and destination == target


def test_an_interrupted_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config"
    path.write_text("old\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_sweeps_its_own_stale_temp_files_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "config"
    stale = tmp_path / ".config.hyptui-k3j9x_2a.tmp"
    stale.write_text("half a kubeconfig")
    aged(stale, STALE_TEMP_SECONDS + 60)
    # a write in progress in another process, another program's temp file, and a temp file for another target
    fresh = tmp_path / ".config.hyptui-q8w7e6r5.tmp"
    fresh.write_text("being written")
    others = [tmp_path / ".config.a1b2c3d4.tmp", tmp_path / "config.tmp", tmp_path / ".context.hyptui-abcdefgh.tmp"]
    for other in others:
        other.write_text("not ours to remove")
        aged(other, STALE_TEMP_SECONDS * 24)
    write_atomic(path, "new\n")
    assert not stale.exists()
    assert fresh.exists() and all(other.exists() for other in others)
    assert path.read_text() == "new\n"


def test_sweeps_beside_the_target_of_a_symlink(tmp_path: Path) -> None:
    link, target = dotfiles_link(tmp_path)
    stale = target.parent / ".config.hyptui-zzzzzzzz.tmp"
    stale.write_text("half")
    aged(stale, STALE_TEMP_SECONDS * 2)
    write_atomic(link, "new\n")
    assert sorted(p.name for p in target.parent.iterdir()) == ["config"]


def test_the_file_gets_the_requested_mode(tmp_path: Path) -> None:
    private, shared = tmp_path / "key", tmp_path / "cert"
    write_atomic(private, "secret\n")
    write_atomic(shared, "public\n", mode=0o644)
    assert private.stat().st_mode & 0o777 == 0o600
    assert shared.stat().st_mode & 0o777 == 0o644
