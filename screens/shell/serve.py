"""`hyptui serve`'s server: textual-serve runs `command` for each browser tab and relays its screen and keys."""

from __future__ import annotations

import shlex
import sys

from textual_serve.server import Server


def app_command(arguments: list[str]) -> str:
    """The shell command textual-serve runs per browser tab: this Python, this hyptui, the given arguments."""
    return shlex.join([sys.executable, "-m", "hyptui.screens.shell.main", *arguments])


def run(command: str, host: str, port: int) -> int:
    Server(command, host=host, port=port, title="hyptui").serve()  # until ctrl+c
    return 0
