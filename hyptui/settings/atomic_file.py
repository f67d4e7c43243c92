"""Atomic file writes: readers see the old file or the new one, never half of either, and no temp file outlives its
write.

A symlink (a `~/.kube/config` kept in a dotfiles repository) is written through: the target gets the new text and
the link stays a link. The temp file sits beside the target, so the final rename never crosses a filesystem.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# A write killed outright (SIGKILL, power loss) cannot remove its temp file; none of ours takes this long.
STALE_TEMP_SECONDS = 3600.0


def write_atomic(path: Path, text: str, mode: int = 0o600) -> None:
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(target)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:  # KeyboardInterrupt too: an interrupted write leaves nothing behind
        Path(tmp).unlink(missing_ok=True)
        raise


def temp_prefix(target: Path) -> str:
    """How write_atomic's temp files for `target` begin; the mark keeps other programs' temp files out of its sweep."""
    return f".{target.name}.hyptui-"


def remove_stale_temp_files(target: Path) -> None:
    """Remove write_atomic's temp files for `target` left by earlier runs, as editors sweep their swap files."""
    prefix, cutoff = temp_prefix(target), time.time() - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)):
            continue
        # Another run may have swept it first, or the directory may forbid it: litter is never a reason to fail.
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
