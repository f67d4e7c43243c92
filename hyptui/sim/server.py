"""The embedded cluster's API server: the HTTP API served from a daemon thread on a loopback port."""

from __future__ import annotations

import ipaddress
import threading

from hyptui.sim.http_api import STREAM_WAKE_SECONDS, ClusterHTTPServer
from hyptui.sim.logs import LogStore
from hyptui.sim.storage import ObjectStore


class ApiServer:
    def __init__(self, store: ObjectStore, logs: LogStore, host: str = "127.0.0.1", port: int = 0) -> None:
        # The simulator has no authentication, so it must never be reachable from another machine.
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the embedded API server binds loopback addresses only, not {host}")
        self._store = store
        self._logs = logs
        self._address = (host, port)
        self._httpd: ClusterHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the API server has not been started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Listening when this returns (the socket binds in the constructor); requests are served by a daemon thread."""
        self._httpd = ClusterHTTPServer(self._address, self._store, self._logs)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="hyptui-sim-api", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None or self._thread is None:
            return
        httpd = self._httpd
        httpd.stopping.set()
        httpd.shutdown()
        # Streams notice the flag within one wake and end cleanly; idle keep-alive connections are cut.
        httpd.wait_for_streams(STREAM_WAKE_SECONDS * 2)
        httpd.close_connections()
        httpd.server_close()
        self._thread.join(timeout=1)
        self._httpd = None
        self._thread = None
