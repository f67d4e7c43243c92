"""`hyptui serve`'s server: textual-serve runs `command` for each browser tab and relays its screen and keys, behind
a guard that lets in only the holder of this start's token, through the address it listens on (`ServeAccess`)."""

from __future__ import annotations

import shlex
import socket
import sys

from aiohttp import hdrs, web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler, Middleware
from textual_serve.server import Server

from hyptui.commands.serve import TOKEN_PARAMETER, ServeAccess, listen_problem

NO_TOKEN = "hyptui serve: open the URL it printed when it started (it holds the token)"
WRONG_HOST = "hyptui serve: this Host is not the address hyptui serve listens on"
FOREIGN_ORIGIN = "hyptui serve: this page belongs to another site"


def app_command(arguments: list[str]) -> str:
    """The shell command textual-serve runs per browser tab: this Python, this hyptui, the given arguments."""
    return shlex.join([sys.executable, "-m", "hyptui.screens.shell.main", *arguments])


def guard(access: ServeAccess) -> Middleware:
    """Every request, page, static file or websocket, passes here before textual-serve sees it."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not access.host_allowed(request.headers.get(hdrs.HOST)):
            raise web.HTTPForbidden(text=WRONG_HOST)
        websocket = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
        origin = request.headers.get(hdrs.ORIGIN)
        if (websocket or origin is not None) and not access.origin_allowed(origin):
            raise web.HTTPForbidden(text=FOREIGN_ORIGIN)  # browsers always send it on a websocket
        presented = request.query.get(TOKEN_PARAMETER)
        if presented is None:
            presented = request.cookies.get(access.cookie_name)
        elif not websocket and access.token_matches(presented):
            # the token moves into a cookie and out of the address bar, history and the next page's Referer
            redirect = web.HTTPSeeOther(str(request.rel_url.without_query_params(TOKEN_PARAMETER)))
            redirect.set_cookie(access.cookie_name, access.token, path="/", httponly=True, samesite="Strict")
            raise redirect
        if not access.token_matches(presented):
            raise web.HTTPForbidden(text=NO_TOKEN)
        return await handler(request)

    return check


class AccessLog(AbstractAccessLogger):
    """One line per request, without the query string: the first visit's carries the token."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %s', request.remote, request.method, request.path, response.status)


class GuardedServer(Server):
    """textual-serve's server with every route behind `guard`. It prints no banner: its URL would lack the token."""

    def __init__(self, command: str, access: ServeAccess) -> None:
        super().__init__(command, host=access.host, port=access.port, title="hyptui", public_url=access.origin)
        self.access = access

    async def _make_app(self) -> web.Application:  # the one place textual-serve's aiohttp app can take a middleware
        app = await super()._make_app()
        app.middlewares.append(guard(self.access))
        return app

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: `run` has printed the URL, with its token."""

    def run_on(self, listener: socket.socket) -> None:
        """Until ctrl+c or SIGTERM (aiohttp's own signal handling stops it gracefully)."""
        self.initialize_logging()
        web.run_app(self._make_app(), sock=listener, print=None, access_log_class=AccessLog)


def listen(host: str, port: int) -> socket.socket:
    """Bound before anything is printed, so a taken port is one line and no URL that leads nowhere."""
    return socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)


def run(command: str, host: str, port: int) -> int:
    access = ServeAccess(host, port)
    try:
        listener = listen(host, port)
    except OSError as error:
        print(f"hyptui serve: {listen_problem(host, port, error)}", file=sys.stderr)
        return 1
    print(f"hyptui serve: open {access.url} (ctrl+c stops)", file=sys.stderr, flush=True)
    GuardedServer(command, access).run_on(listener)
    return 0
