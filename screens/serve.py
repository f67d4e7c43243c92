"""`hyptui serve`'s server: textual-serve runs `command` for each browser tab and relays its screen and keys."""

from __future__ import annotations

from textual_serve.server import Server


def run(command: str, host: str, port: int) -> int:
    Server(command, host=host, port=port, title="hyptui").serve()  # until ctrl+c
    return 0
