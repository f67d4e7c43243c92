"""What every server of the embedded cluster shares: loopback only, served from a daemon thread."""

from __future__ import annotations

import ipaddress
import threading
from socketserver import BaseServer


def require_loopback(host: str, what: str) -> None:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the embedded {what} binds loopback addresses only, not {host}")


SHUTDOWN_POLL_SECONDS = 0.05  # the longest shutdown() waits for the accept loop to notice; an idle wake-up is cheap


def serve_in_thread(httpd: BaseServer, name: str) -> threading.Thread:
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, name=name, daemon=True
    )
    thread.start()
    return thread


def url_of(httpd: BaseServer | None, what: str, scheme: str = "http") -> str:
    if httpd is None:
        raise RuntimeError(f"the {what} has not been started")
    host, port = httpd.server_address[:2]
    return f"{scheme}://{host}:{port}"
