"""`hyptui serve`: the same app in a web browser, through textual-serve. Each browser tab runs its own hyptui process
with the command line given after the options (e.g. `hyptui serve -- demo --speed 10`).

Whoever drives the page drives hyptui with this user's kubeconfig and AWS credentials, so only the holder of a random
per-start token gets in (it is in the URL printed at start, then in a cookie, as Jupyter does), and only through the
address it listens on (`ServeAccess`). It listens on 127.0.0.1 unless `--host` names another address.
"""

from __future__ import annotations

import argparse
import errno
import hmac
import ipaddress
import secrets
import shlex
import sys
from dataclasses import dataclass, field

from hyptui.commands.arguments import port

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_PARAMETER = "token"


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve hyptui to a web browser on 127.0.0.1 (textual-serve), behind a per-start token",
        description="Serve hyptui to a web browser. Open the URL it prints: it holds a token made for this start, "
        "and nobody without it gets in. Arguments after the options (after `--` if they start with a dash) are the "
        "hyptui command line each browser tab runs, e.g. `hyptui serve -- demo --speed 10`.",
    )
    serve.add_argument("--port", type=server_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--host",
        help=f"address to listen on (default {DEFAULT_HOST}); any other is reachable from the network, where anyone "
        "with the printed URL drives hyptui",
    )
    serve.add_argument("app_arguments", nargs=argparse.REMAINDER, metavar="HYPTUI ARGS", help="what each tab runs")
    serve.set_defaults(run=run)


def server_port(text: str) -> int:
    value = port(text)
    if value == 0:  # the page's websocket address is written with the port before the server picks one
        raise argparse.ArgumentTypeError("--port must be from 1 to 65535 for serve, not 0")
    return value


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def authority(host: str, port: int) -> str:
    """`host:port` as a URL and a browser's `Host` header write it: IPv6 in brackets, http's port 80 left out."""
    name = f"[{host}]" if ":" in host else host
    return name if port == 80 else f"{name}:{port}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class ServeAccess:
    """Who may use one start of `hyptui serve`: the holder of its token, through the address it listens on. A
    `Host` other than that address is a DNS-rebinding name; an `Origin` other than the served one is another site."""

    host: str
    port: int
    token: str = field(default_factory=new_token, repr=False)  # never in a log line or a traceback

    @property
    def origin(self) -> str:
        return f"http://{authority(self.host, self.port)}"

    @property
    def url(self) -> str:
        """What to open: the page, carrying the token."""
        return f"{self.origin}/?{TOKEN_PARAMETER}={self.token}"

    @property
    def cookie_name(self) -> str:
        return f"hyptui-serve-{self.port}"  # cookies ignore the port: two serves on one host keep a cookie each

    def host_allowed(self, host_header: str | None) -> bool:
        allowed = {authority(name, self.port).lower() for name in ("127.0.0.1", "localhost", self.host)}
        return host_header is not None and host_header.lower() in allowed

    def origin_allowed(self, origin_header: str | None) -> bool:
        return origin_header is not None and origin_header.lower() == self.origin.lower()

    def token_matches(self, presented: str | None) -> bool:
        # bytes, since compare_digest refuses str with non-ASCII characters, which anyone may send
        return presented is not None and hmac.compare_digest(presented.encode(), self.token.encode())


def listen_problem(host: str, port: int, error: OSError) -> str:
    """Why the server could not take its address, in one line."""
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use; pick another with --port"
    return f"cannot listen on {host} port {port}: {error.strerror or error}"


SERVABLE = (None, "demo", "open", "replay")  # the commands that run the app (None: the app on a context)


def problem_with(arguments: list[str]) -> str | None:
    """Why the served command line would fail in every tab, said once here instead."""
    from hyptui.commands.parser import build_parser

    try:
        parsed = build_parser().parse_args(arguments)
    except SystemExit:
        return f"not a hyptui command line: {shlex.join(arguments)}"
    if parsed.command not in SERVABLE:
        return f"`hyptui {parsed.command}` does not run the app; serve the app itself, demo, open or replay"
    return None


def run(args: argparse.Namespace) -> int:
    """Checks what each tab would run; the UI's server then listens and prints the URL with its token."""
    arguments = args.app_arguments[1:] if args.app_arguments[:1] == ["--"] else args.app_arguments
    problem = problem_with(arguments)
    if problem is not None:
        print(f"hyptui serve: {problem}", file=sys.stderr)
        return 2
    host = args.host or DEFAULT_HOST
    if not is_loopback(host):
        print(
            f"hyptui serve: warning: listening on {host}, reachable from the network. Anyone with the URL printed "
            "below (it holds the token) drives hyptui with your kubeconfig and AWS credentials.",
            file=sys.stderr,
        )
    return args.ui.serve(arguments, host, args.port)
