"""The embedded cluster's AWS side: a small HTTP server on 127.0.0.1 that boto3 reaches through its `endpoint_url`
override, so hyptui calls AWS the same way against the simulator as against AWS. Today it answers the SageMaker
Runtime `InvokeEndpoint` for the cluster's inference endpoints; any credentials are accepted (nothing is signed-checked,
which is why it binds loopback only).

    boto3.client("sagemaker-runtime", endpoint_url=cluster.aws_url, region_name="us-east-2",
                 aws_access_key_id="hyptui", aws_secret_access_key="hyptui")
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from hyptui.kinds import NODES
from hyptui.sim.inference_endpoints import DEFAULT_REGION, find_sagemaker_endpoint
from hyptui.sim.inference_invoke import RuntimeReply, error_reply, invoke, request_id
from hyptui.sim.loopback import require_loopback, serve_in_thread, url_of
from hyptui.sim.storage import ObjectStore

_INVOCATIONS = re.compile(r"^/endpoints/(?P<name>[^/]+)/invocations$")


class _AwsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: ObjectStore) -> None:
        super().__init__(address, _AwsRequestHandler)
        self.store = store


class _AwsRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _AwsHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the TUI owns the terminal."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        match = _INVOCATIONS.match(path)
        store = self.server.store
        if match is None:
            rid = request_id("POST", path)
            self._send(error_reply("UnknownOperationException", 404, f"No operation at POST {path}", rid))
            return
        name = unquote(match["name"])
        self._send(invoke(name, find_sagemaker_endpoint(store, name), body, store.clock.now(), _region(store)))

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self._send(error_reply("UnknownOperationException", 404, f"No operation at GET {path}", request_id(path)))

    def _send(self, reply: RuntimeReply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


def _region(store: ObjectStore) -> str:
    nodes, _ = store.list(NODES)
    labels = (nodes[0]["metadata"].get("labels") or {}) if nodes else {}
    return labels.get("topology.kubernetes.io/region", DEFAULT_REGION)


class AwsServer:
    def __init__(self, store: ObjectStore, host: str = "127.0.0.1", port: int = 0) -> None:
        require_loopback(host, "AWS server")
        self._store = store
        self._address = (host, port)
        self._httpd: _AwsHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return url_of(self._httpd, "AWS server")

    def start(self) -> AwsServer:
        self._httpd = _AwsHTTPServer(self._address, self._store)
        self._thread = serve_in_thread(self._httpd, "hyptui-sim-aws")
        return self

    def stop(self) -> None:
        if self._httpd is None or self._thread is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=1)
        self._httpd = None
        self._thread = None
