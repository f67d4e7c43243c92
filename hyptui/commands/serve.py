"""`hyptui serve`: the same app in a web browser, through textual-serve. Each browser tab runs its own hyptui process
with the command line given after the options (e.g. `hyptui serve -- demo --speed 10`).

It listens on 127.0.0.1 unless `--host` names another address: the page has no authentication, and whoever opens it
drives hyptui with this user's kubeconfig and AWS credentials.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys

from hyptui.commands.arguments import port

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve hyptui to a web browser on 127.0.0.1 (textual-serve)",
        description="Serve hyptui to a web browser. Arguments after the options (after `--` if they start with "
        "a dash) are the hyptui command line each browser tab runs, e.g. `hyptui serve -- demo --speed 10`.",
    )
    serve.add_argument("--port", type=server_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--host",
        help=f"address to listen on (default {DEFAULT_HOST}); any other is reachable by others, with no password",
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
    arguments = args.app_arguments[1:] if args.app_arguments[:1] == ["--"] else args.app_arguments
    problem = problem_with(arguments)
    if problem is not None:
        print(f"hyptui serve: {problem}", file=sys.stderr)
        return 2
    host = args.host or DEFAULT_HOST
    if not is_loopback(host):
        print(
            f"hyptui serve: warning: listening on {host}, reachable from other machines. The page has no "
            "authentication: anyone who opens it drives hyptui with your kubeconfig and AWS credentials.",
            file=sys.stderr,
        )
    print(f"hyptui serve: open http://{host}:{args.port} (ctrl+c stops)", file=sys.stderr)
    return args.ui.serve(arguments, host, args.port)
