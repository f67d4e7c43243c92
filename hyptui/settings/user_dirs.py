"""Where hyptui keeps what it learns between runs (the XDG base directory rule), named once for every module that
keeps something there."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def state_dir(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_STATE_HOME/hyptui`, else `$HOME/.local/state/hyptui` (an unset or empty variable counts as absent)."""
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "state")
    return Path(base) / "hyptui"
