"""The config directories under where hyptui started (those `hyp init` or hyptui's forms made), each with its
template, whether `hyp validate` would accept it, and how often it was created; the configs section lists them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hyptui.hyp_configs.config_file import CONFIG_FILE, ConfigDocument, ConfigFileError
from hyptui.hyp_configs.lock import LOCK_FILE
from hyptui.hyp_configs.render import RUN_DIRECTORY
from hyptui.hyp_configs.validation import hyp_messages

SEARCH_DEPTH = 3  # ./job, ./team-a/job, ./team-a/jobs/job: deep enough for a repo of configs, cheap to walk
SKIPPED = {RUN_DIRECTORY, "node_modules", "__pycache__", "site-packages"}


@dataclass(frozen=True, slots=True)
class ConfigDirectory:
    path: Path
    template: str  # "" when config.yaml could not be read
    version: str
    problems: tuple[str, ...]  # what `hyp validate` would print, one `field: message` line each; none: valid
    error: str  # why the directory could not be read ("" when it could)
    runs: int  # `create` submissions kept under run/
    modified: datetime  # config.yaml's last change

    @property
    def state(self) -> str:
        if self.error:
            return "Unreadable"
        return "Invalid" if self.problems else "Valid"


def _candidates(root: Path, depth: int) -> Iterator[Path]:
    """Directories holding a config.yaml or hyp's lock file, at most `depth` levels below `root`."""
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        level = len(here.relative_to(root).parts)
        if CONFIG_FILE in files or LOCK_FILE in files:
            yield here
        # hidden folders (.git, .venv) and what hyp itself writes are never config directories
        subdirectories[:] = sorted(
            name for name in subdirectories if not name.startswith(".") and name not in SKIPPED and level < depth
        )


def _runs(directory: Path) -> int:
    runs = directory / RUN_DIRECTORY
    return sum(1 for entry in runs.iterdir() if entry.is_dir()) if runs.is_dir() else 0


def _modified(directory: Path) -> datetime:
    try:
        return datetime.fromtimestamp((directory / CONFIG_FILE).stat().st_mtime, UTC)
    except OSError:
        return datetime.fromtimestamp(directory.stat().st_mtime, UTC)


def describe(directory: Path) -> ConfigDirectory:
    """One directory as the list shows it; a broken one says why instead of failing the list."""
    try:
        document = ConfigDocument.load(directory)
    except ConfigFileError as error:
        return ConfigDirectory(directory, "", "", (), str(error), _runs(directory), _modified(directory))
    problems = tuple(map(str, hyp_messages(document.template, document.values)))
    spec = document.template
    return ConfigDirectory(directory, spec.name, spec.version, problems, "", _runs(directory), _modified(directory))


def config_directories(root: Path, depth: int = SEARCH_DEPTH) -> list[ConfigDirectory]:
    """Every config directory under `root` (itself included), in path order."""
    return [describe(directory) for directory in _candidates(root, depth)]
