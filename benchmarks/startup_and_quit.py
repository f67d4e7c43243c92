"""How fast `hyptui demo` paints, shows live data and quits, measured in a pseudo-terminal.

Prints, over several runs: seconds from launch to the first screen (its title), to the first job row (list+watch
done), and from pressing q to the process exiting (every watch cancelled).

    python benchmarks/startup_and_quit.py [runs]
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time

FIRST_PAINT = b"Training jobs"
FIRST_ROW = b"llama3-1-8b-fsdp"


def _wait_for(fd: int, needle: bytes, seen: bytearray, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while needle not in seen:
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"{needle!r} did not appear")
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            seen.extend(os.read(fd, 65536))
    return time.perf_counter()


def one_run() -> tuple[float, float, float]:
    main_fd, child_fd = pty.openpty()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TERM": "xterm-256color", "HOME": home}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "hyptui.screens.shell.main", "demo"],
            stdin=child_fd,
            stdout=child_fd,
            stderr=child_fd,
            env=env,
        )
        os.close(child_fd)
        seen = bytearray()
        painted = _wait_for(main_fd, FIRST_PAINT, seen)
        live = _wait_for(main_fd, FIRST_ROW, seen)
        pressed = time.perf_counter()
        os.write(main_fd, b"q")
        deadline = time.perf_counter() + 10
        while process.poll() is None and time.perf_counter() < deadline:
            select.select([main_fd], [], [], 0.005)
            with contextlib.suppress(OSError):  # the terminal closes as the process exits
                os.read(main_fd, 65536)
        exited = time.perf_counter()
        os.close(main_fd)
        if process.poll() is None:
            process.kill()
            raise RuntimeError("hyptui did not quit within 10 s")
    return painted - started, live - started, exited - pressed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = [one_run() for _ in range(runs)]
    for label, values in zip(("first paint", "first job row", "quit after q"), zip(*results, strict=True), strict=True):
        print(f"{label:>14}: median {statistics.median(values):.3f} s  (min {min(values):.3f}, max {max(values):.3f})")


if __name__ == "__main__":
    main()
