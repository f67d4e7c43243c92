"""`hyptui serve`: its guard rails; who gets in (the holder of the printed URL's token, through the address it listens
on, from its own page) and who does not; and a real browser (headless Debian Chromium, driven over the DevTools
protocol) opening the printed URL, showing the jobs table of the embedded cluster and taking a keystroke."""

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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
import websocket  # websocket-client, which the kubernetes client already brings

from hyptui.commands.parser import build_parser
from hyptui.commands.serve import ServeAccess, authority, is_loopback, problem_with
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES
from hyptui.screens.shell.serve import app_command
from hyptui.screens.spaces.access import browser_for
from hyptui.sim.cluster import EmbeddedCluster
from tests.commands.hyptui_process import HYPTUI
from tests.commands.serve_clients import (
    WAIT_SECONDS,
    ServeProcess,
    answers_ping,
    connect,
    get,
    refusal,
    wait_for,
    websocket_url,
)

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
def served(kubeconfig: Path, tmp_path: Path) -> Iterator[ServeProcess]:
    """`hyptui serve` on a free port, each tab running the app against the embedded cluster, with settings and
    per-context memory of its own (the user's would reopen whatever section they left)."""
    environment = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state")}
    arguments = ["--port", str(free_port()), "--", "--kubeconfig", str(kubeconfig), "-A"]
    server = ServeProcess(arguments, environment, tmp_path / "serve.log")
    try:
        yield server
    finally:
        server.stop()


def test_serve_access_per_start() -> None:
    access = ServeAccess("127.0.0.1", 8000)
    assert access.origin == "http://127.0.0.1:8000" and access.url == f"http://127.0.0.1:8000/?token={access.token}"
    assert len(access.token) >= 43 and ServeAccess("127.0.0.1", 8000).token != access.token
    assert access.token not in repr(access)
    assert access.token_matches(access.token)
    assert not access.token_matches(None) and not access.token_matches(access.token[:-1])
    assert not access.token_matches("é")  # compare_digest would raise on a non-ASCII str
    assert access.host_allowed("127.0.0.1:8000") and access.host_allowed("LOCALHOST:8000")
    assert not access.host_allowed("evil.example:8000") and not access.host_allowed("127.0.0.1:8001")
    assert not access.host_allowed("127.0.0.1") and not access.host_allowed(None)
    assert access.origin_allowed("http://127.0.0.1:8000") and not access.origin_allowed("http://localhost:8000")
    assert not access.origin_allowed("null") and not access.origin_allowed(None)
    ipv6 = ServeAccess("::1", 8000)
    assert ipv6.origin == "http://[::1]:8000" and ipv6.host_allowed("[::1]:8000")
    assert authority("10.1.2.3", 80) == "10.1.2.3" and ServeAccess("10.1.2.3", 8000).host_allowed("10.1.2.3:8000")
    assert ServeAccess("127.0.0.1", 8000).cookie_name != ServeAccess("127.0.0.1", 8001).cookie_name


def test_without_the_token_nothing_is_served(served: ServeProcess) -> None:
    origin = served.printed_url().split("/?")[0]
    for path in ("/", "/static/js/textual.js", "/download/anything"):
        reply = get(origin + path)
        assert reply.status == 403 and "open the URL it printed when it started" in reply.body, (path, reply)
    assert refusal(websocket_url(origin), origin=origin) == 403


def test_a_wrong_token_is_refused(served: ServeProcess) -> None:
    url = served.printed_url()
    origin, token = url.split("/?token=")
    for wrong in (token[:-1], token + "x", "%C3%A9", ""):
        assert get(f"{origin}/?token={wrong}").status == 403, wrong
        assert refusal(websocket_url(origin, f"token={wrong}"), origin=origin) == 403, wrong
    assert "Set-Cookie" not in get(f"{origin}/?token={token[:-1]}").headers


def test_the_token_becomes_a_cookie_that_opens_the_page_and_the_websocket(served: ServeProcess) -> None:
    url = served.printed_url()
    origin, token = url.split("/?token=")
    first_visit = get(url + "&fontsize=18")
    assert first_visit.status == 303 and first_visit.headers["Location"] == "/?fontsize=18"
    set_cookie = first_visit.headers["Set-Cookie"]
    assert token in set_cookie and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    cookie = first_visit.cookie()
    page = get(origin + "/", cookie=cookie)
    assert page.status == 200 and f'websocket-url="{websocket_url(origin, "")}"' in page.body and token not in page.body
    assert get(origin + "/static/js/textual.js", cookie=cookie).status == 200
    socket = connect(websocket_url(origin), origin=origin, cookie=cookie)
    try:
        assert answers_ping(socket)
    finally:
        socket.close()
    by_token = connect(websocket_url(origin, f"width=80&height=24&token={token}"), origin=origin)
    try:
        assert answers_ping(by_token)
    finally:
        by_token.close()
    wait_for(lambda: '"GET /" 303' in served.log_text(), "the first visit in the access log")
    assert token not in served.log_text()


def test_a_foreign_origin_is_refused_even_with_the_cookie(served: ServeProcess) -> None:
    url = served.printed_url()
    origin = url.split("/?")[0]
    cookie = get(url).cookie()
    port = origin.rsplit(":", 1)[1]
    for foreign in ("http://evil.example", f"http://evil.example:{port}", f"http://localhost:{int(port) + 1}", "null"):
        assert refusal(websocket_url(origin), origin=foreign, cookie=cookie) == 403, foreign
        assert get(origin + "/", origin=foreign, cookie=cookie).status == 403, foreign
    assert refusal(websocket_url(origin), origin=None, cookie=cookie) == 403


def test_an_unexpected_host_is_refused(served: ServeProcess) -> None:
    """A DNS-rebinding page: its name now points at 127.0.0.1, so its requests carry its own Host and Origin."""
    url = served.printed_url()
    origin = url.split("/?")[0]
    cookie = get(url).cookie()
    port = origin.rsplit(":", 1)[1]
    rebound = f"evil.example:{port}"
    assert get(url, host=rebound).status == 403 and "Set-Cookie" not in get(url, host=rebound).headers
    assert get(origin + "/", host=rebound, cookie=cookie).status == 403
    assert refusal(websocket_url(origin), origin=f"http://{rebound}", host=rebound, cookie=cookie) == 403
    assert get(origin + "/", host=f"localhost:{port}", cookie=cookie).status == 200


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*HYPTUI, "serve", "--port", str(port)], capture_output=True, text=True, timeout=WAIT_SECONDS
        )
    assert result.returncode == 1
    assert result.stderr == f"hyptui serve: port {port} on 127.0.0.1 is in use; pick another with --port\n"


def test_another_address_warns_and_still_needs_the_token(tmp_path: Path) -> None:
    port = free_port()
    server = ServeProcess(["--host", "0.0.0.0", "--port", str(port)], dict(os.environ), tmp_path / "serve.log")
    try:
        assert server.printed_url().startswith(f"http://0.0.0.0:{port}/?token=")
        assert "warning: listening on 0.0.0.0, reachable from the network" in server.stderr[0]
        assert get(f"http://127.0.0.1:{port}/", host=f"0.0.0.0:{port}").status == 403
    finally:
        server.stop()


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
    frozen_cluster: EmbeddedCluster, served: ServeProcess, browser: DevTools
) -> None:
    url = served.printed_url()
    browser.call("Network.enable")
    browser.call("Page.enable")
    browser.call("Page.navigate", url=url)
    jobs = sorted(job["metadata"]["name"] for job in frozen_cluster.store.list(HYPERPOD_PYTORCH_JOBS)[0])

    def shown(*words: str) -> bool:
        browser.pump(0.5)
        text = browser.screen_text()
        return all(word in text for word in words)

    wait_for(lambda: shown("Training jobs", "NAMESPACE", "STATUS", *jobs), "the jobs table in the browser")
    address_bar = browser.call("Runtime.evaluate", expression="location.href")["result"]["value"]
    assert address_bar == url.split("?")[0]  # the token moved into a cookie, out of history
    browser.call("Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea').focus()")
    browser.call("Input.dispatchKeyEvent", type="keyDown", text="2", key="2", code="Digit2")
    browser.call("Input.dispatchKeyEvent", type="keyUp", key="2", code="Digit2")
    nodes = [node["metadata"]["name"] for node in frozen_cluster.store.list(NODES)[0]]
    wait_for(lambda: shown("Nodes", "INSTANCE TYPE", nodes[0]), "the nodes section after pressing 2 in the browser")
