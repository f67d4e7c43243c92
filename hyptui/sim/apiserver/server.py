"""The embedded cluster's API server: the HTTP API served from a daemon thread on a loopback port, over TLS with
EKS-style token authentication unless started plain for debugging."""

from __future__ import annotations

import ssl
import threading

from hyptui.sim.apiserver.authentication import TokenAuthenticator
from hyptui.sim.apiserver.http_api import STREAM_WAKE_SECONDS, AuthenticationCounts, ClusterHTTPServer
from hyptui.sim.apiserver.loopback import require_loopback, serve_in_thread, url_of
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.nodes.container_logs import LogStore


class ApiServer:
    def __init__(
        self,
        store: ObjectStore,
        logs: LogStore,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: ssl.SSLContext | None = None,
        authenticator: TokenAuthenticator | None = None,
    ) -> None:
        require_loopback(host, "API server")
        self._store = store
        self._logs = logs
        self._tls = tls
        self.authenticator = authenticator
        self._address = (host, port)
        self._httpd: ClusterHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return url_of(self._httpd, "API server", "https" if self._tls else "http")

    def start(self) -> None:
        """Listening when this returns (the socket binds in the constructor); requests are served by a daemon thread."""
        self._httpd = ClusterHTTPServer(self._address, self._store, self._logs, self._tls, self.authenticator)
        self._thread = serve_in_thread(self._httpd, "hyptui-sim-api")

    def end_watches(self) -> None:
        """End every open watch cleanly, as an API server rollout or a load balancer does: each client resumes its
        watch from where it was, with a new request."""
        if self._httpd is not None:
            self._httpd.close_watches()

    @property
    def authentications(self) -> AuthenticationCounts:
        if self._httpd is None:
            raise RuntimeError("the API server has not been started")
        return self._httpd.authentications

    def stop(self) -> None:
        if self._httpd is None or self._thread is None:
            return
        httpd = self._httpd
        httpd.stopping.set()
        httpd.close_watches()
        httpd.shutdown()
        # Watches end at once, log streams notice the flag within one wake; idle keep-alive connections are cut.
        httpd.wait_for_streams(STREAM_WAKE_SECONDS * 2)
        httpd.close_connections()
        httpd.server_close()
        self._thread.join(timeout=1)
        self._httpd = None
        self._thread = None
