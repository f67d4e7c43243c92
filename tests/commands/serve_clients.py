"""Clients of a running `hyptui serve` for its tests: the process and the URL it prints, plain HTTP requests with the
headers a test chooses (a browser's, or an attacker's), and the websocket that textual-serve's page opens."""

from __future__ import annotations

import http.client
import json
import queue
import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import websocket  # websocket-client, which the kubernetes client already brings

from tests.commands.hyptui_process import HYPTUI

WAIT_SECONDS = 30.0  # a bound on a hang (the served app starts on a loaded 2-core machine), not a target
PRINTED_URL = re.compile(r"hyptui serve: open (http://\S+) \(ctrl\+c stops\)")


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return result


class ServeProcess:
    """`hyptui serve ARGUMENTS` as a child process: its stderr read line by line as it comes (so a full pipe never
    stalls it), its log (stdout) in a file."""

    def __init__(self, arguments: list[str], environment: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as log_file:
            self.process = subprocess.Popen(
                [*HYPTUI, "serve", *arguments],
                env=environment,
                stdout=log_file,
                stderr=subprocess.PIPE,
                text=True,
            )
        self.stderr: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def printed_url(self) -> str:
        """The URL it prints once it listens (the only one that gets in)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("timed out waiting for hyptui serve to print its URL") from None
            if line is None:
                raise AssertionError(f"hyptui serve exited: {''.join(self.stderr)}")
            if match := PRINTED_URL.search(line):
                return match.group(1)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=WAIT_SECONDS)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Message
    body: str

    def cookie(self) -> str:
        """The cookie it sets, as the next request's `Cookie` header carries it."""
        jar = SimpleCookie(self.headers["Set-Cookie"])
        return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def get(url: str, *, host: str | None = None, cookie: str | None = None, origin: str | None = None) -> Reply:
    """One GET, redirects not followed, `Host` as given (a browser sends the URL's)."""
    parts = urlsplit(url)
    headers = {"Host": host or parts.netloc}
    if cookie is not None:
        headers["Cookie"] = cookie
    if origin is not None:
        headers["Origin"] = origin
    target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT_SECONDS)
    try:
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def websocket_url(origin: str, query: str = "width=80&height=24") -> str:
    """The page's websocket address, as textual-serve writes it into the page."""
    address = f"ws{origin.removeprefix('http')}/ws"
    return f"{address}?{query}" if query else address


def connect(url: str, *, origin: str | None, cookie: str | None = None, host: str | None = None) -> websocket.WebSocket:
    """The websocket with the headers given; `origin=None` sends none (a browser always sends one)."""
    return websocket.create_connection(
        url,
        timeout=WAIT_SECONDS,
        origin=origin,
        suppress_origin=origin is None,
        cookie=cookie,
        host=host,
    )


def refusal(url: str, *, origin: str | None, cookie: str | None = None, host: str | None = None) -> int | None:
    """The HTTP status that refused the websocket, or None if it opened."""
    try:
        connect(url, origin=origin, cookie=cookie, host=host).close()
    except websocket.WebSocketBadStatusException as refused:
        return refused.status_code
    return None


def answers_ping(socket: websocket.WebSocket) -> bool:
    """textual-serve's own ping (the page's keep-alive) comes back as a pong, among the app's output."""
    socket.send(json.dumps(["ping", "probe"]))
    pong = json.dumps(["pong", "probe"])  # as aiohttp's send_json writes it
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if socket.recv() == pong:
            return True
    return False
