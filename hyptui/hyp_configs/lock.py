"""The `.hyp` lock file: the template a directory was initialised with, so editing `# template:` cannot switch it."""

from __future__ import annotations

from pathlib import Path

from hyptui.settings.atomic_file import write_atomic

LOCK_FILE = ".hyp"


def read_lock(directory: Path) -> str | None:
    path = directory / LOCK_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def write_lock(directory: Path, template: str) -> None:
    # hyp writes the bare name, no newline, readable by anyone
    write_atomic(directory / LOCK_FILE, template, mode=0o644)
