"""Waiting for a broken kubeconfig to be fixed: returns when one of its files (or a missing folder on the way to one)
is written, or after a while anyway, since home folders on NFS do not always report changes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path

RETRY_ANYWAY_SECONDS = 30.0
WAKE_MILLISECONDS = 200  # how soon a cancelled wait lets go of watchfiles' thread


async def kubeconfig_changed(paths: Sequence[Path], retry_anyway: float = RETRY_ANYWAY_SECONDS) -> None:
    from watchfiles import awatch  # imported on first need: only a broken kubeconfig waits here

    wanted = {path.expanduser().absolute() for path in paths}
    roots = {_nearest_existing_folder(path) for path in wanted}

    def concerns(_change: object, changed: str) -> bool:
        path = Path(changed)
        return any(path == target or path in target.parents for target in wanted)

    async def first_change() -> None:
        async for _ in awatch(
            *roots, watch_filter=concerns, recursive=False, debounce=100, rust_timeout=WAKE_MILLISECONDS
        ):
            return

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(first_change(), retry_anyway)


def _nearest_existing_folder(path: Path) -> Path:
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder
