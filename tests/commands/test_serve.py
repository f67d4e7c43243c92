"""`hyptui serve`: its guard rails, and a real browser (headless Debian Chromium, driven over the DevTools protocol)
loading the served page, showing the jobs table of the embedded cluster and taking a keystroke."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
import websocket  # websocket-client, which the kubernetes client already brings

from hyptui.commands.parser import build_parser
from hyptui.commands.serve import is_loopback, problem_with
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES
from hyptui.screens.shell.serve import app_command
from hyptui.screens.spaces.access import browser_for
from hyptui.sim.cluster import EmbeddedCluster
from tests.commands.hyptui_process import HYPTUI

WAIT_SECONDS = 30.0  # a bound on a hang (Chromium and the served app start on a loaded 2-core machine), not a target
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
)


def test_serve_options_and_what_it_runs() -> None:
    args = build_parser().parse_args(["serve", "--port", "8123", "--", "demo", "--speed", "10"])
    assert (args.port, args.host, args.app_arguments) == (8123, None, ["--", "demo", "--speed", "10"])
    assert app_command(["demo", "--speed", "10"]) == f"{sys.executable} -m hyptui.screens.shell.main demo --speed 10"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3") and not is_loopback("example.com")


def test_serve_refuses_what_would_fail_in_every_tab(capsys) -> None:
    assert problem_with([]) is None
    assert problem_with(["demo", "--speed", "10"]) is None
    assert problem_with(["--context", "prod", "--readonly"]) is None
    assert "`hyptui sim` does not run the app" in str(problem_with(["sim"]))
    assert "`hyptui serve` does not run the app" in str(problem_with(["serve"]))
    assert "not a hyptui command line: --speed x" in str(problem_with(["--speed", "x"]))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--port", "0"])
    assert "--port must be from 1 to 65535 for serve, not 0" in capsys.readouterr().err


async def test_served_urls_open_in_the_browser_showing_hyptui() -> None:
    class Served:  # what browser_for reads of Textual's App under `hyptui serve`
        is_web = True
        opened: list[str] = []

        def open_url(self, url: str, *, new_tab: bool = True) -> None:
            self.opened.append(url)

    app = Served()
    browser = await browser_for(app)  # type: ignore[arg-type]
    assert browser is not None and browser.open("https://space.example/lab")
    assert app.opened == ["https://space.example/lab"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return result


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class DevTools:
    """Just enough of the Chrome DevTools protocol: commands, and the events that arrive meanwhile."""

    def __init__(self, url: str) -> None:
        self._socket = websocket.create_connection(url, timeout=WAIT_SECONDS, suppress_origin=True)
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        self._socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == call_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def pump(self, seconds: float) -> None:
        """Collect the events of the next `seconds`."""
        self._socket.settimeout(seconds)
        try:
            while True:
                self.events.append(json.loads(self._socket.recv()))
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self._socket.settimeout(WAIT_SECONDS)

    def screen_text(self) -> str:
        """What the served app wrote to the page's terminal so far, without escape sequences."""
        chunks = []
        for event in self.events:
            if event.get("method") == "Network.webSocketFrameReceived":
                frame = event["params"]["response"]
                data = frame["payloadData"]
                chunks.append(base64.b64decode(data).decode("utf-8", "replace") if frame["opcode"] == 2 else data)
        return ANSI.sub("", "".join(chunks))

    def close(self) -> None:
        self._socket.close()


def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "the browser test needs Debian's chromium (apt-get install chromium); .ci/run installs it"
    return path


@pytest.fixture
def served(kubeconfig: Path, tmp_path: Path) -> Iterator[int]:
    """`hyptui serve` on a free port, each tab running the app against the embedded cluster, with settings and
    per-context memory of its own (the user's would reopen whatever section they left)."""
    port = free_port()
    environment = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state")}
    server = subprocess.Popen(
        [
            *HYPTUI,
            "serve",
            "--port",
            str(port),
            "--",
            "--kubeconfig",
            str(kubeconfig),
            "-A",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: listening(port) or server.poll() is not None, "hyptui serve to listen")
        assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        yield port
    finally:
        server.terminate()
        server.wait(timeout=WAIT_SECONDS)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    profile = tmp_path / "chromium-profile"  # left for pytest to remove: Chromium's helpers write there as they exit
    process = subprocess.Popen(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so its renderer and helper processes stop with it
    )
    try:
        port_file = profile / "DevToolsActivePort"
        wait_for(lambda: port_file.exists() and port_file.read_text().count("\n") >= 1, "Chromium's DevTools")
        port = int(port_file.read_text().splitlines()[0])
        pages = wait_for(lambda: _pages(port), "Chromium's first page")
        tools = DevTools(pages[0]["webSocketDebuggerUrl"])
        try:
            yield tools
        finally:
            tools.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=WAIT_SECONDS)


def _pages(port: int) -> list[dict[str, Any]]:
    with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
        return [target for target in json.load(reply) if target["type"] == "page"]


def test_a_browser_shows_the_jobs_table_and_takes_keys(
    frozen_cluster: EmbeddedCluster, served: int, browser: DevTools
) -> None:
    browser.call("Network.enable")
    browser.call("Page.enable")
    browser.call("Page.navigate", url=f"http://127.0.0.1:{served}/")
    jobs = sorted(job["metadata"]["name"] for job in frozen_cluster.store.list(HYPERPOD_PYTORCH_JOBS)[0])

    def shown(*words: str) -> bool:
        browser.pump(0.5)
        text = browser.screen_text()
        return all(word in text for word in words)

    wait_for(lambda: shown("Training jobs", "NAMESPACE", "STATUS", *jobs), "the jobs table in the browser")
    browser.call("Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea').focus()")
    browser.call("Input.dispatchKeyEvent", type="keyDown", text="2", key="2", code="Digit2")
    browser.call("Input.dispatchKeyEvent", type="keyUp", key="2", code="Digit2")
    nodes = [node["metadata"]["name"] for node in frozen_cluster.store.list(NODES)[0]]
    wait_for(lambda: shown("Nodes", "INSTANCE TYPE", nodes[0]), "the nodes section after pressing 2 in the browser")
