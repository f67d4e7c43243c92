"""The embedded cluster's AWS side: a small HTTP server on 127.0.0.1 that boto3 reaches through its `endpoint_url`
override, so hyptui calls AWS the same way against the simulator as against AWS. It answers SageMaker (HyperPod
clusters and nodes, compute quotas and cluster scheduler configs, DescribeEndpoint), the SageMaker Runtime's
InvokeEndpoint, EKS DescribeCluster, STS GetCallerIdentity and CloudFormation stacks, each in its own wire protocol
(`aws_protocols`). Any credentials are accepted (nothing is signature-checked, which is why it binds loopback only);
the signature's region picks the region, and `faults` makes calls fail the ways AWS can.

    boto3.client("sagemaker", endpoint_url=cluster.aws_url, region_name="us-east-2",
                 aws_access_key_id="hyptui", aws_secret_access_key="hyptui")
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from operator import attrgetter
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from hyptui.sim.apiserver.http_api import request_log
from hyptui.sim.apiserver.loopback import require_loopback, serve_in_thread, url_of
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.aws import cloudformation, eks, sagemaker, sts
from hyptui.sim.aws.account import Handler, SimulatedAccount, handlers
from hyptui.sim.aws.faults import DENIED, EXPIRED, AwsFaults, Fault
from hyptui.sim.aws.protocols import (
    AwsCall,
    AwsError,
    json_error,
    json_reply,
    query_error,
    query_params,
    query_reply,
    rest_json_error,
    signature_of,
)
from hyptui.sim.inference.endpoints import DEFAULT_REGION, find_sagemaker_endpoint
from hyptui.sim.inference.invoke import RuntimeReply, error_reply, invoke, request_id

log = logging.getLogger(__name__)

_INVOCATIONS = re.compile(r"^/endpoints/(?P<name>[^/]+)/invocations$")
_SAGEMAKER_TARGET = "SageMaker."
# Query-protocol services, told apart by the API version every request carries.
_QUERY_SERVICES: dict[str, tuple[str, str, dict[str, Handler]]] = {
    sts.VERSION: ("sts", sts.XML_NAMESPACE, sts.OPERATIONS),
    cloudformation.VERSION: (
        "cloudformation",
        cloudformation.XML_NAMESPACE,
        handlers(attrgetter("stacks"), cloudformation.OPERATIONS),
    ),
}


def _fault_error(fault: Fault, query: bool) -> AwsError:
    """A fault in the error code each protocol family uses for it."""
    if fault.kind == DENIED:
        return AwsError("AccessDenied" if query else "AccessDeniedException", fault.message, 403 if query else 400)
    if fault.kind == EXPIRED:
        return AwsError("ExpiredToken" if query else "ExpiredTokenException", fault.message)
    return AwsError("Throttling" if query else "ThrottlingException", fault.message)


class _AwsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], account: SimulatedAccount, faults: AwsFaults) -> None:
        super().__init__(address, _AwsRequestHandler)
        self.account = account
        self.faults = faults


class _AwsRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _AwsHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the TUI owns the terminal."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        rid = request_id("POST", path, body.decode(errors="replace"), self._now().isoformat())
        target = self.headers.get("X-Amz-Target") or ""
        if target.startswith(_SAGEMAKER_TARGET):
            self._send(self._sagemaker(target.removeprefix(_SAGEMAKER_TARGET), body, rid))
        elif _INVOCATIONS.match(path):
            self._send(self._invoke(unquote(_INVOCATIONS.match(path)["name"]), body, rid))
        elif (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            self._send(self._query(body, rid))
        else:
            self._send(error_reply("UnknownOperationException", 404, f"No operation at POST {path}", rid))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        rid = request_id("GET", self.path, self._now().isoformat())
        routed = eks.route("GET", parts.path, dict(parse_qsl(parts.query)))
        if routed is None:
            self._send(error_reply("UnknownOperationException", 404, f"No operation at GET {parts.path}", rid))
            return
        operation, params = routed
        try:
            reply = self._call("eks", operation, params, eks.OPERATIONS[operation], rid, query=False)
        except AwsError as error:
            self._send(rest_json_error(error, rid))
            return
        self._send(json_reply(reply, rid, content_type="application/json"))

    def _now(self) -> datetime:
        return self.server.account.store.clock.now()

    def _sagemaker(self, operation: str, body: bytes, rid: str) -> RuntimeReply:
        handler = sagemaker.OPERATIONS.get(operation)
        try:
            if handler is None:
                raise AwsError("UnknownOperationException", f"The operation {operation} is not simulated.")
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                raise AwsError("SerializationException", "The request body is not valid JSON.") from None
            return json_reply(self._call("sagemaker", operation, params, handler, rid, query=False), rid)
        except AwsError as error:
            return json_error(error, rid)

    def _query(self, body: bytes, rid: str) -> RuntimeReply:
        params = query_params(body)
        operation = str(params.pop("Action", ""))
        service, namespace, operations = _QUERY_SERVICES.get(str(params.pop("Version", "")), ("", "", {}))
        try:
            handler = operations.get(operation)
            if handler is None:
                raise AwsError("InvalidAction", f"Could not find operation {operation} for version.")
            return query_reply(operation, namespace, self._call(service, operation, params, handler, rid, True), rid)
        except AwsError as error:
            return query_error(error, namespace, rid)

    def _invoke(self, name: str, body: bytes, rid: str) -> RuntimeReply:
        call = self._aws_call("InvokeEndpoint", {}, rid)
        fault = self.server.faults.fault_for("sagemaker:InvokeEndpoint", call.caller_arn)
        if fault is not None:
            error = _fault_error(fault, query=False)
            return error_reply(error.code, error.status, error.message, rid)
        store = self.server.account.store
        return invoke(name, find_sagemaker_endpoint(store, name), body, store.clock.now(), call.region)

    def _aws_call(self, operation: str, params: dict[str, Any], rid: str) -> AwsCall:
        request_log.debug("AWS %s", operation)
        signature = signature_of(self.headers.get("Authorization"))
        region = signature.region if signature else DEFAULT_REGION
        key = signature.access_key if signature else ""
        return AwsCall(operation, params, region, key, self._now(), rid)

    def _call(
        self, service: str, operation: str, params: dict[str, Any], handler: Handler, rid: str, query: bool
    ) -> dict[str, Any]:
        call = self._aws_call(operation, params, rid)
        fault = self.server.faults.fault_for(f"{service}:{operation}", call.caller_arn)
        if fault is not None:
            raise _fault_error(fault, query)
        try:
            return handler(self.server.account, call)
        except AwsError:
            raise
        except Exception as error:  # a simulator bug answers as AWS's own failures do, and is logged
            log.exception("simulated %s %s failed", service, operation)
            raise AwsError("InternalFailure", f"The simulated service failed: {error!r}", 500) from error

    def _send(self, reply: RuntimeReply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


class AwsServer:
    def __init__(
        self,
        store: ObjectStore,
        kube_url: Callable[[], str] = str,
        kube_ca: Callable[[], bytes | None] = lambda: None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        require_loopback(host, "AWS server")
        self.account = SimulatedAccount(store, kube_url, kube_ca)
        self.faults = AwsFaults()
        self._address = (host, port)
        self._httpd: _AwsHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return url_of(self._httpd, "AWS server")

    def start(self) -> AwsServer:
        self._httpd = _AwsHTTPServer(self._address, self.account, self.faults)
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
