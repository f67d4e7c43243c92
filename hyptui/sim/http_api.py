"""The Kubernetes REST API over HTTP/1.1: routing, verbs, watch streams and pod logs, on top of the object store.

Every reply carries a Content-Length or is chunked, so keep-alive connections stay in step; long-running streams
(watch, `logs -f`) wake at least every STREAM_WAKE_SECONDS to notice a stopping server or a departed client.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from hyptui.kinds import PODS, ResourceKind
from hyptui.sim import discovery
from hyptui.sim.errors import ApiError, bad_request, expired, internal_error, method_not_allowed, path_not_found
from hyptui.sim.logs import LogStore, render_line
from hyptui.sim.storage import PROPAGATION_POLICIES, ObjectStore, Watcher

log = logging.getLogger(__name__)

STREAM_WAKE_SECONDS = 0.5
BOOKMARK_INTERVAL_SECONDS = 60.0
DEFAULT_WATCH_TIMEOUT_SECONDS = 1800.0  # the real server picks 30-60 minutes when the client names none
HEALTH_PATHS = ("/healthz", "/readyz", "/livez")
TRUE_VALUES = ("1", "true", "True")
Number = TypeVar("Number", int, float)


class ClusterHTTPServer(ThreadingHTTPServer):
    """The listening socket plus what handlers share: the store, the logs, a stop flag and the open connections."""

    daemon_threads = True
    block_on_close = False  # stop() ends streams itself; never wait on an idle keep-alive connection

    def __init__(self, address: tuple[str, int], store: ObjectStore, logs: LogStore) -> None:
        super().__init__(address, ApiRequestHandler)
        self.store = store
        self.logs = logs
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._streams = 0
        self._condition = threading.Condition()

    def track(self, connection: socket.socket) -> None:
        with self._condition:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._condition:
            self._connections.discard(connection)

    def stream_opened(self) -> None:
        with self._condition:
            self._streams += 1

    def stream_closed(self) -> None:
        with self._condition:
            self._streams -= 1
            self._condition.notify_all()

    def wait_for_streams(self, timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._streams == 0, timeout)

    def close_connections(self) -> None:
        """Wake handlers blocked reading an idle keep-alive connection (and any stream that outlived the wait)."""
        with self._condition:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.exception("request from %s failed", client_address)


@dataclass(frozen=True, slots=True)
class ResourceRoute:
    kind: ResourceKind
    namespace: str | None
    name: str | None
    subresource: str | None
    legacy_watch: bool = False


def parse_resource_path(segments: list[str]) -> ResourceRoute | None:
    """`/api/v1/...` or `/apis/<g>/<v>/...` split on "/" into a route, or None when nothing is served there."""
    if segments[:1] == ["api"] and len(segments) >= 3:
        group, version, rest = "", segments[1], segments[2:]
    elif segments[:1] == ["apis"] and len(segments) >= 4:
        group, version, rest = segments[1], segments[2], segments[3:]
    else:
        return None
    legacy_watch = rest[0] == "watch"  # the deprecated /api/v1/watch/... prefix
    if legacy_watch:
        rest = rest[1:]
    namespace = None
    kind = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        kind = discovery.kind_for(group, version, rest[2])
        if kind is not None and kind.namespaced:
            namespace, rest = rest[1], rest[3:]
        else:
            kind = None
    if kind is None:
        if not rest:
            return None
        kind = discovery.kind_for(group, version, rest[0])
        rest = rest[1:]
        if kind is None or (kind.namespaced and rest):  # a namespaced object needs its namespace in the path
            return None
    if len(rest) > 2:
        return None
    name = rest[0] if rest else None
    subresource = rest[1] if len(rest) > 1 else None
    if subresource not in (None, *_subresources(kind)) or (legacy_watch and name is not None):
        return None
    return ResourceRoute(kind, namespace, name, subresource, legacy_watch)


def _subresources(kind: ResourceKind) -> tuple[str, ...]:
    return (("status",) if kind.has_status else ()) + (("log",) if kind.key == PODS.key else ())


class ApiRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hyptui-sim"
    timeout = 300  # seconds an idle keep-alive connection may sit before its thread lets go
    server: ClusterHTTPServer
    _response_started = False  # once a status line went out, an error can no longer become a Status reply

    # ---- plumbing

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        self.server.untrack(self.connection)
        with contextlib.suppress(OSError):  # the client (or stop()) closed the socket first
            super().finish()

    def send_response(self, code: int, message: str | None = None) -> None:
        self._response_started = True
        super().send_response(code, message)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
        self._response_started = False  # per request: a keep-alive connection reuses the handler
        try:
            body = self._read_body()
            if query.get("dryRun"):
                # Refused rather than ignored: ignoring it would make a dry run change the cluster.
                raise bad_request("dryRun is not supported by the embedded cluster")
            self._route(method, unquote(url.path), query, body)
        except ApiError as error:
            self._send_json(error.code, error.status_body())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log.exception("%s %s failed", method, self.path)
            self.close_connection = True
            if not self._response_started:
                self._send_json(500, internal_error().status_body())

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # ---- routing

    def _route(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        path = path.rstrip("/") or "/"
        if path in HEALTH_PATHS:
            self._send_text(200, "ok")
            return
        if path in ("/version", "/api", "/apis") or self._is_discovery(path):
            if method != "GET":
                raise method_not_allowed()
            self._send_discovery(path)
            return
        route = parse_resource_path(path.strip("/").split("/"))
        if route is None:
            raise path_not_found()
        match method:
            case "GET":
                self._get(route, query)
            case "POST" if route.name is None:
                created = self.server.store.create(route.kind, _decode_body(body, self.headers), route.namespace)
                self._send_json(201, created)
            case "PUT" if route.name is not None and route.subresource != "log":
                replaced = self.server.store.replace(
                    route.kind, route.namespace, route.name, _decode_body(body, self.headers), route.subresource
                )
                self._send_json(200, replaced)
            case "PATCH" if route.name is not None and route.subresource != "log":
                content_type = self.headers.get("Content-Type", "")
                patched = self.server.store.patch(
                    route.kind, route.namespace, route.name, body, content_type, route.subresource
                )
                self._send_json(200, patched)
            case "DELETE" if route.subresource is None:
                self._delete(route, query, body)
            case _:
                raise method_not_allowed()

    @staticmethod
    def _is_discovery(path: str) -> bool:
        """`/api/v1` or a served `/apis/<group>/<version>`: the per-group-version resource lists."""
        segments = path.strip("/").split("/")
        if segments[0] == "api":
            return len(segments) == 2 and segments[1] == "v1"
        return segments[0] == "apis" and len(segments) == 3 and discovery.serves_group_version(*segments[1:])

    def _send_discovery(self, path: str) -> None:
        accept = self.headers.get("Accept", "")
        if path == "/version":
            self._send_json(200, discovery.VERSION_INFO)
        elif path in ("/api", "/apis") and discovery.wants_aggregated(accept):
            document = discovery.aggregated_discovery(core=path == "/api")
            self._send_json(200, document, content_type=discovery.AGGREGATED_CONTENT_TYPE)
        elif path == "/api":
            self._send_json(200, discovery.api_versions(self.headers.get("Host", "127.0.0.1")))
        elif path == "/apis":
            self._send_json(200, discovery.api_group_list())
        else:
            segments = path.strip("/").split("/")
            group, version = ("", segments[1]) if segments[0] == "api" else (segments[1], segments[2])
            self._send_json(200, discovery.api_resource_list(group, version))

    # ---- verbs

    def _get(self, route: ResourceRoute, query: dict[str, str]) -> None:
        store = self.server.store
        if route.subresource == "log":
            assert route.name is not None and route.namespace is not None  # the router only serves namespaced pods
            self._pod_log(route.namespace, route.name, query)
        elif route.name is not None:
            self._send_json(200, store.get(route.kind, route.namespace, route.name))
        elif route.legacy_watch or query.get("watch") in TRUE_VALUES:
            self._watch(route, query)
        else:
            self._list(route, query)

    def _list(self, route: ResourceRoute, query: dict[str, str]) -> None:
        items, resource_version = self.server.store.list(
            route.kind, route.namespace, query.get("labelSelector", ""), query.get("fieldSelector", "")
        )
        metadata: dict[str, Any] = {"resourceVersion": str(resource_version)}
        if token := query.get("continue"):
            start = _decode_continue(token)
            items = [item for item in items if _object_key(item) > start]
        limit = _number_param(query, "limit") or 0
        if 0 < limit < len(items):
            metadata["continue"] = _encode_continue(_object_key(items[limit - 1]))
            metadata["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        self._send_json(
            200,
            {"kind": route.kind.list_kind, "apiVersion": route.kind.api_version, "metadata": metadata, "items": items},
        )

    def _delete(self, route: ResourceRoute, query: dict[str, str], body: bytes) -> None:
        options = _decode_body(body, self.headers) if body.strip() else {}
        if not isinstance(options, dict):
            raise bad_request("DeleteOptions must be a JSON object")
        propagation = options.get("propagationPolicy") or query.get("propagationPolicy")
        orphan = options.get("orphanDependents", query.get("orphanDependents"))
        if propagation is None:
            propagation = "Orphan" if orphan in (True, "true") else "Background"
        if propagation not in PROPAGATION_POLICIES:
            raise bad_request(f'propagationPolicy: Unsupported value: "{propagation}"')
        store = self.server.store
        if route.name is not None:
            deleted = store.delete(
                route.kind, route.namespace, route.name, propagation, options.get("preconditions") or None
            )
            self._send_json(200, deleted)
            return
        items, _ = store.list(
            route.kind, route.namespace, query.get("labelSelector", ""), query.get("fieldSelector", "")
        )
        deleted_items = []
        for item in items:
            metadata = item["metadata"]
            try:
                deleted_items.append(store.delete(route.kind, metadata.get("namespace"), metadata["name"], propagation))
            except ApiError as error:
                if error.code != 404:  # a cascade got there first
                    raise
        listing = {
            "kind": route.kind.list_kind,
            "apiVersion": route.kind.api_version,
            "metadata": {"resourceVersion": str(store.resource_version)},
            "items": deleted_items,
        }
        self._send_json(200, listing)

    # ---- watch

    def _watch(self, route: ResourceRoute, query: dict[str, str]) -> None:
        try:
            watcher = self.server.store.watch(
                route.kind,
                route.namespace,
                query.get("resourceVersion"),
                query.get("labelSelector", ""),
                query.get("fieldSelector", ""),
            )
        except ApiError as error:
            if error.code != 410:
                raise
            # Too old: the real server answers 200 and reports it in the stream, so clients relist.
            with self._chunked_stream("application/json"):
                self._write_event({"type": "ERROR", "object": error.status_body()})
            return
        timeout = _seconds_param(query, "timeoutSeconds") or DEFAULT_WATCH_TIMEOUT_SECONDS
        bookmarks = query.get("allowWatchBookmarks") in TRUE_VALUES
        with self._chunked_stream("application/json"):
            try:
                self._pump_watch(watcher, timeout, bookmarks)
            finally:
                watcher.close()

    def _pump_watch(self, watcher: Watcher, timeout: float, bookmarks: bool) -> None:
        deadline = time.monotonic() + timeout
        next_bookmark = time.monotonic() + BOOKMARK_INTERVAL_SECONDS
        while not self.server.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if bookmarks:  # a last bookmark lets the client resume right where this stream ended
                    self._write_bookmark(watcher)
                return
            event = watcher.next_event(min(STREAM_WAKE_SECONDS, remaining))
            if event is not None:
                self._write_event(event)
                if event["type"] == "ERROR":
                    return
            elif watcher.done or self._client_gone():
                return
            elif bookmarks and time.monotonic() >= next_bookmark:
                self._write_bookmark(watcher)
                next_bookmark = time.monotonic() + BOOKMARK_INTERVAL_SECONDS

    def _write_bookmark(self, watcher: Watcher) -> None:
        resource_version = watcher.bookmark_resource_version()
        if resource_version is None:
            return
        kind = watcher.kind
        bookmark = {
            "kind": kind.kind,
            "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": str(resource_version)},
        }
        self._write_event({"type": "BOOKMARK", "object": bookmark})

    def _write_event(self, event: dict[str, Any]) -> None:
        self._write_chunk(json.dumps(event, separators=(",", ":")).encode() + b"\n")

    # ---- pod logs

    def _pod_log(self, namespace: str, name: str, query: dict[str, str]) -> None:
        store, logs = self.server.store, self.server.logs
        pod = store.get(PODS, namespace, name)
        container = _log_container(pod, query.get("container"))
        previous = query.get("previous") in TRUE_VALUES
        reason = _waiting_reason(pod, container)
        if not previous and reason and not logs.has_logs(namespace, name, container):
            raise bad_request(f'container "{container}" in pod "{name}" is waiting to start: {reason}')
        since = _log_since(query, store.clock.now())
        tail = _number_param(query, "tailLines")
        limit = _number_param(query, "limitBytes")
        timestamps = query.get("timestamps") in TRUE_VALUES
        follow = query.get("follow") in TRUE_VALUES and not previous
        end = logs.size(namespace, name, container) if follow else None
        lines = logs.read(
            namespace,
            name,
            container,
            previous=previous,
            tail_lines=tail,
            since=since,
            limit_bytes=limit,
            timestamps=timestamps,
            end=end,
        )
        if not follow:
            self._send_bytes(200, "".join(lines).encode(), "text/plain")
            return
        assert end is not None
        with self._chunked_stream("text/plain"):
            budget = None if limit is None else limit - sum(len(line.encode()) for line in lines)
            if lines:
                self._write_chunk("".join(lines).encode())
            self._follow_log(namespace, name, container, end, timestamps, budget)

    def _follow_log(
        self, namespace: str, name: str, container: str, cursor: int, timestamps: bool, budget: int | None
    ) -> None:
        logs = self.server.logs
        while not self.server.stopping.is_set() and (budget is None or budget > 0):
            chunk = logs.follow(namespace, name, container, cursor, STREAM_WAKE_SECONDS)
            cursor = chunk.next_index
            if chunk.entries:
                data = "".join(render_line(entry, timestamps) for entry in chunk.entries).encode()
                if budget is not None:
                    data, budget = data[:budget], budget - len(data)
                self._write_chunk(data)
            if chunk.finished:
                return
            if not chunk.entries and (self._client_gone() or self._container_over(namespace, name, container)):
                # The pod went away or its container stopped without the log being closed: hand out the rest, stop.
                rest = logs.follow(namespace, name, container, cursor, 0)
                if rest.entries:
                    self._write_chunk("".join(render_line(entry, timestamps) for entry in rest.entries).encode())
                return

    def _container_over(self, namespace: str, name: str, container: str) -> bool:
        try:
            pod = self.server.store.get(PODS, namespace, name)
        except ApiError:
            return True
        return "terminated" in (_container_status(pod, container).get("state") or {})

    # ---- responses

    def _send_json(self, code: int, document: Any, content_type: str = "application/json") -> None:
        self._send_bytes(code, json.dumps(document, separators=(",", ":")).encode(), content_type)

    def _send_text(self, code: int, text: str) -> None:
        self._send_bytes(code, text.encode(), "text/plain; charset=utf-8")

    def _send_bytes(self, code: int, payload: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.write(payload)

    def _chunked_stream(self, content_type: str) -> _ChunkedStream:
        return _ChunkedStream(self, content_type)

    def _write_chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    def _client_gone(self) -> bool:
        """A stream only writes, so a closed client shows as a readable socket with nothing to read."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


class _ChunkedStream:
    """Headers of a chunked 200 on enter; on exit the terminating chunk, so the connection can carry on."""

    def __init__(self, handler: ApiRequestHandler, content_type: str) -> None:
        self._handler = handler
        self._content_type = content_type

    def __enter__(self) -> None:
        handler = self._handler
        handler.send_response(200)
        handler.send_header("Content-Type", self._content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Cache-Control", "no-cache, private")
        handler.end_headers()
        handler.wfile.flush()
        handler.server.stream_opened()

    def __exit__(self, *exc: object) -> None:
        handler = self._handler
        handler.server.stream_closed()
        if handler.server.stopping.is_set() or exc[0] is not None:
            handler.close_connection = True
        if exc[0] is None:
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()


def _decode_body(body: bytes, headers: Any) -> Any:
    if not body.strip():
        raise bad_request("the request body is empty")
    content_type = (headers.get("Content-Type") or "application/json").split(";")[0].strip()
    try:
        return yaml.safe_load(body) if content_type in ("application/yaml", "application/x-yaml") else json.loads(body)
    except (ValueError, yaml.YAMLError) as error:
        raise bad_request(f"the body of the request could not be decoded: {error}") from None


def _object_key(obj: dict[str, Any]) -> tuple[str, str]:
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _encode_continue(key: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _decode_continue(token: str) -> tuple[str, str]:
    try:
        namespace, name = json.loads(base64.urlsafe_b64decode(token.encode()))
        return str(namespace), str(name)
    except (ValueError, TypeError):
        raise expired(
            "The provided continue parameter is too old to display a consistent list result. You can start a new list "
            "without the continue parameter."
        ) from None


def _log_container(pod: dict[str, Any], requested: str | None) -> str:
    spec = pod.get("spec") or {}
    containers = [c["name"] for c in spec.get("containers") or []]
    others = [c["name"] for c in (spec.get("initContainers") or []) + (spec.get("ephemeralContainers") or [])]
    name = pod["metadata"]["name"]
    if not requested:
        if len(containers) == 1:
            return containers[0]
        choices = " ".join(containers)
        raise bad_request(f"a container name must be specified for pod {name}, choose one of: [{choices}]")
    if requested not in containers + others:
        raise bad_request(f"container {requested} is not valid for pod {name}")
    return requested


def _container_status(pod: dict[str, Any], container: str) -> dict[str, Any]:
    status = pod.get("status") or {}
    statuses = _iter_statuses(status)
    return next((s for s in statuses if s.get("name") == container), {})


def _iter_statuses(status: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        yield from status.get(field) or []


def _waiting_reason(pod: dict[str, Any], container: str) -> str | None:
    waiting = (_container_status(pod, container).get("state") or {}).get("waiting")
    return (waiting.get("reason") or "ContainerCreating") if isinstance(waiting, dict) else None


def _number_param(query: dict[str, str], name: str) -> int | None:
    return _parsed_param(query, name, int)


def _seconds_param(query: dict[str, str], name: str) -> float | None:
    # Lenient beyond the real integer: fractions let tests keep streams short.
    return _parsed_param(query, name, float)


def _parsed_param(query: dict[str, str], name: str, parse: Callable[[str], Number]) -> Number | None:
    value = query.get(name)
    if not value:
        return None
    try:
        return parse(value)
    except ValueError:
        raise bad_request(f"{name}: Invalid value: {value!r}: must be a number") from None


def _log_since(query: dict[str, str], now: datetime) -> datetime | None:
    if seconds := _number_param(query, "sinceSeconds"):
        return now - timedelta(seconds=seconds)
    if moment := query.get("sinceTime"):
        try:
            return datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(f"sinceTime: Invalid value: {moment!r}: must be RFC 3339") from None
    return None
