"""The Kubernetes REST API over HTTP/1.1: routing, verbs, watch streams and pod logs, on top of the object store.

Every reply carries a Content-Length or is chunked, so keep-alive connections stay in step; long-running streams
(watch, `logs -f`) wake at least every STREAM_WAKE_SECONDS to notice a stopping server or a departed client.
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import ALL_KINDS, CREATE_ONLY_KINDS, EVENTS, PODS, ResourceKind
from hyptui.sim.apiserver import discovery, openapi
from hyptui.sim.apiserver.authentication import TokenAuthenticator, Unauthenticated
from hyptui.sim.apiserver.crds import CUSTOM_RESOURCE_DEFINITIONS, custom_resource_definitions
from hyptui.sim.apiserver.errors import (
    ApiError,
    bad_request,
    forbidden_field,
    internal_error,
    invalid_field,
    invalid_pod_log_options,
    method_not_allowed,
    not_found,
    path_not_found,
    unauthorized,
    unsupported_media_type,
)
from hyptui.sim.apiserver.event_views import EVENTS_V1, core_field_selector, to_core, to_events_v1
from hyptui.sim.apiserver.field_validation import FieldValidation, check_apply_patch
from hyptui.sim.apiserver.list_pages import ListSnapshots
from hyptui.sim.apiserver.patch import APPLY_PATCH, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH
from hyptui.sim.apiserver.protobuf_body import PROTOBUF
from hyptui.sim.apiserver.request_bodies import (
    CUSTOM_OBJECT_MEDIA_TYPES,
    OBJECT_MEDIA_TYPES,
    decode_object_body,
    read_body,
)
from hyptui.sim.apiserver.selectors import FieldSelector, parse_label_selector
from hyptui.sim.apiserver.storage import (
    PROPAGATION_POLICIES,
    ObjectStore,
    Watcher,
    apply_patch_document,
    decode_patch,
    object_to_apply,
)
from hyptui.sim.apiserver.table_printers import INCLUDE_OBJECT, TABLE_CONTENT_TYPE, render_table, table_version
from hyptui.sim.nodes.container_logs import LogStore, render_line

log = logging.getLogger(__name__)
# One debug line per request (method, path, status, milliseconds): `hyptui sim -v` shows them.
request_log = logging.getLogger("hyptui.sim.requests")

STREAM_WAKE_SECONDS = 0.5
HANDSHAKE_TIMEOUT_SECONDS = 10.0
BOOKMARK_INTERVAL_SECONDS = 60.0
DEFAULT_WATCH_TIMEOUT_SECONDS = 1800.0  # the real server picks 30-60 minutes when the client names none
HEALTH_PATHS = ("/healthz", "/readyz", "/livez")
PUBLIC_PATHS = (*HEALTH_PATHS, "/version")
# How long a watch from a resourceVersion the store has not reached waits before the 504 (the watch cache: 3 s)
FRESHNESS_WAIT_SECONDS = 3.0
TRUE_VALUES = ("1", "true", "True")
Number = TypeVar("Number", int, float)


class ClusterHTTPServer(ThreadingHTTPServer):
    """The listening socket plus what handlers share: the store, the logs, a stop flag and the open connections."""

    daemon_threads = True
    # A burst of clients (informers starting, a test's worker pool) must queue, not be dropped: socketserver's
    # backlog of 5 made connections time out. The kernel caps this at net.core.somaxconn.
    request_queue_size = 1024
    block_on_close = False  # stop() ends streams itself; never wait on an idle keep-alive connection

    def __init__(
        self,
        address: tuple[str, int],
        store: ObjectStore,
        logs: LogStore,
        tls: ssl.SSLContext | None = None,
        authenticator: TokenAuthenticator | None = None,
    ) -> None:
        super().__init__(address, ApiRequestHandler)
        self.authenticator = authenticator
        self.authentications = AuthenticationCounts()
        self.counting = threading.Lock()
        if tls is not None:  # the handshake happens in the request's own thread, never in the accept loop
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.store = store
        self.logs = logs
        self.started = rfc3339(store.clock.now())  # when the CRDs were "installed"
        self.list_snapshots = ListSnapshots()
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._watchers: set[Watcher] = set()
        self._streams = 0
        self._condition = threading.Condition()

    def track(self, connection: socket.socket) -> None:
        with self._condition:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._condition:
            self._connections.discard(connection)

    def watch_opened(self, watcher: Watcher) -> None:
        with self._condition:
            self._watchers.add(watcher)

    def watch_closed(self, watcher: Watcher) -> None:
        with self._condition:
            self._watchers.discard(watcher)

    def close_watches(self) -> None:
        """Wake every watch stream now, not at its next wake-up, so a stopping server need not wait for them."""
        with self._condition:
            watchers = list(self._watchers)
        for watcher in watchers:
            watcher.close()

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

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError) as error:  # a plain-HTTP client, a client that does not trust our CA
                log.debug("TLS handshake with %s failed: %s", client_address, error)
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.exception("request from %s failed", client_address)


@dataclass
class AuthenticationCounts:
    """What the server made of each request's credential: tests check that a client never sends none."""

    authenticated: int = 0
    rejected: int = 0  # a token that proves nothing (expired, forged, for another cluster)
    anonymous: int = 0  # no Authorization header at all, outside the public paths


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


@dataclass(frozen=True, slots=True)
class ResourceView:
    """How a served resource maps onto the store: most are stored as served; events.k8s.io Events are the core ones
    converted on the way in and out."""

    stored: ResourceKind
    to_client: Callable[[dict[str, Any]], dict[str, Any]]
    from_client: Callable[[Any], Any]
    field_selector: Callable[[str], str]


def _same(value: Any) -> Any:
    return value


def _view_of(kind: ResourceKind) -> ResourceView:
    if kind.key == EVENTS_V1.key:
        return ResourceView(
            EVENTS, to_events_v1, lambda obj: to_core(obj) if isinstance(obj, dict) else obj, core_field_selector
        )
    if kind in discovery.VERSION_VIEWS:
        stored, served = discovery.VERSION_VIEWS[kind]
        return ResourceView(
            stored, served.from_storage, lambda obj: served.to_storage(obj) if isinstance(obj, dict) else obj, _same
        )
    return ResourceView(kind, _same, _same, _same)


@dataclass(frozen=True, slots=True)
class ReplyFormat:
    """What the client's Accept header and `includeObject` ask a read to return: objects, or a Table of them."""

    table: str | None  # the meta.k8s.io Table version, or None for objects
    include_object: str

    @classmethod
    def of(cls, accept: str, query: dict[str, str]) -> ReplyFormat:
        include_object = query.get("includeObject") or "Metadata"
        if include_object not in INCLUDE_OBJECT:
            supported = ", ".join(f'"{value}"' for value in INCLUDE_OBJECT)
            raise bad_request(f'includeObject: Unsupported value: "{include_object}": supported values: {supported}')
        return cls(table_version(accept), include_object)

    @property
    def content_type(self) -> str:
        return TABLE_CONTENT_TYPE.format(version=self.table) if self.table else "application/json"


class ApiRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"  # a malformed request line still gets a status line back, as from Go
    server_version = "hyptui-sim"
    timeout = 300  # seconds an idle keep-alive connection may sit before its thread lets go
    server: ClusterHTTPServer
    _response_started = False  # once a status line went out, an error can no longer become a Status reply
    _status = 0
    # Sent as `Warning: 299` headers with the reply: a deprecated version's warning, unknown fields dropped.
    _warnings: list[str]

    # ---- plumbing

    def setup(self) -> None:
        super().setup()
        self._warnings = []  # a malformed request is answered before _handle starts one
        self.server.track(self.connection)

    def finish(self) -> None:
        self.server.untrack(self.connection)
        with contextlib.suppress(OSError):  # the client (or stop()) closed the socket first
            super().finish()

    def send_response(self, code: int, message: str | None = None) -> None:
        self._response_started = True
        self._status = code
        super().send_response(code, message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (bad request line, headers too long) is answered with a Status too, then the connection
        closes, since the request's end is unknown."""
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        reason = phrase.replace(" ", "").replace("-", "")
        self._send_json(code, ApiError(code, reason, message or phrase).status_body())

    def end_headers(self) -> None:
        for warning in self._warnings:
            text = warning.replace("\\", "\\\\").replace('"', '\\"')
            self.send_header("Warning", f'299 - "{text}"')
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are logged once they are answered, with their duration (see _handle)."""

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

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def do_TRACE(self) -> None:
        self._handle("TRACE")

    def _handle(self, method: str) -> None:
        started = time.monotonic()
        self._response_started = False  # per request: a keep-alive connection reuses the handler
        self._status = 0
        self._warnings = []
        try:
            url = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
            body = self._read_body()
            self._authenticate(url.path.rstrip("/") or "/")
            if query.get("dryRun"):
                # Refused rather than ignored: ignoring it would make a dry run change the cluster.
                raise bad_request("dryRun is not supported by the embedded cluster")
            self._route(method, unquote(url.path), query, body)
        except ApiError as error:
            if self._response_started:
                self.close_connection = True
            else:
                retry_after = (error.details or {}).get("retryAfterSeconds")
                # kube-apiserver copies the Status's retry hint into the header, for clients that honour it
                headers = {"Retry-After": str(retry_after)} if retry_after else {}
                self._send_json(error.code, error.status_body(), headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log.exception("%s %s failed", method, self.path)
            self.close_connection = True
            if not self._response_started:
                self._send_json(500, internal_error().status_body())
        finally:
            elapsed = (time.monotonic() - started) * 1000
            request_log.debug("%s %s %s %.1fms", method, self.path, self._status or "-", elapsed)

    def _read_body(self) -> bytes:
        try:
            return read_body(self.rfile, self.headers)
        except ApiError:
            self.close_connection = True  # the body's end may not have been read: the connection cannot carry on
            raise

    def _authenticate(self, path: str) -> None:
        """As EKS: a bearer token proving an IAM identity, except for the health and version paths, which anyone may
        read without one (system:public-info-viewer)."""
        authenticator = self.server.authenticator
        if authenticator is None:
            return
        authorization = self.headers.get("Authorization")
        counts = self.server.authentications
        if authorization is None and path in PUBLIC_PATHS:
            return
        try:
            authenticator.authenticate(authorization)
        except Unauthenticated as error:
            with self.server.counting:
                if authorization is None:
                    counts.anonymous += 1
                else:
                    counts.rejected += 1
            log.debug("401 for %s %s: %s", self.command, self.path, error.reason)
            raise unauthorized() from None
        with self.server.counting:
            counts.authenticated += 1

    # ---- routing

    def _route(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        path = path.rstrip("/") or "/"
        if path in HEALTH_PATHS:
            self._only_get(method)
            self._send_text(200, "ok")
            return
        if _only_protobuf(self.headers.get("Accept", "")):
            # Clients offer JSON as the fallback (client-go does); one that will take nothing else is refused.
            raise ApiError(
                406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml"
            )
        if path in ("/version", "/api", "/apis") or self._is_discovery(path):
            self._only_get(method)
            self._send_discovery(path)
            return
        if path == "/openapi/v3" or path.startswith("/openapi/v3/"):
            self._only_get(method)
            self._send_openapi(path)
            return
        route = parse_resource_path(path.strip("/").split("/"))
        if route is None:
            raise path_not_found()
        if route.kind.deprecation_warning:
            self._warnings.append(route.kind.deprecation_warning)
        if route.kind.key == CUSTOM_RESOURCE_DEFINITIONS.key:
            self._only_get(method)
        if route.kind in CREATE_ONLY_KINDS and (method != "POST" or route.name is not None):
            raise method_not_allowed()
        view = _view_of(route.kind)
        store = self.server.store
        match method:
            case "GET":
                self._get(route, query)
            case "POST" if route.name is None:
                fields = FieldValidation.of(route.kind, query)
                obj = fields.decoded(self._decode_object(route.kind, body))
                created = store.create(view.stored, view.from_client(obj), route.namespace)
                self._warnings += fields.warnings
                self._send_json(201, view.to_client(created))
            case "PUT" if route.name is not None and route.subresource != "log":
                fields = FieldValidation.of(route.kind, query)
                obj = fields.decoded(self._decode_object(route.kind, body))
                replaced = store.replace(
                    view.stored, route.namespace, route.name, view.from_client(obj), route.subresource
                )
                self._warnings += fields.warnings
                self._send_json(200, view.to_client(replaced))
            case "PATCH" if route.name is not None and route.subresource != "log":
                self._patch(route, view, query, body)
            case "DELETE" if route.subresource is None:
                self._delete(route, query, body)
            case _:
                raise method_not_allowed()

    @property
    def _content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    def _decode_object(self, kind: ResourceKind, body: bytes) -> Any:
        accepted = OBJECT_MEDIA_TYPES if kind.builtin else CUSTOM_OBJECT_MEDIA_TYPES
        return decode_object_body(body, self._content_type, accepted)

    @staticmethod
    def _only_get(method: str) -> None:
        if method != "GET":
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

    def _send_openapi(self, path: str) -> None:
        if path == "/openapi/v3":
            self._send_json(200, openapi.openapi_index())
            return
        document = openapi.group_version_document(path.removeprefix("/openapi/v3/"))
        if document is None:
            raise path_not_found()
        self._send_json(200, document)

    # ---- verbs

    def _get(self, route: ResourceRoute, query: dict[str, str]) -> None:
        if route.subresource == "log":
            assert route.name is not None and route.namespace is not None  # the router only serves namespaced pods
            self._pod_log(route.namespace, route.name, query)
            return
        reply = ReplyFormat.of(self.headers.get("Accept", ""), query)
        if route.name is not None:
            obj = self._read_object(route)
            if reply.table:
                document = self._table(
                    route.kind, [obj], reply, {"resourceVersion": obj["metadata"]["resourceVersion"]}
                )
                self._send_json(200, document, reply.content_type)
            else:
                self._send_json(200, obj)
        elif route.legacy_watch or query.get("watch") in TRUE_VALUES:
            self._watch(route, query, reply)
        else:
            self._list(route, query, reply)

    def _read_object(self, route: ResourceRoute) -> dict[str, Any]:
        assert route.name is not None
        if route.kind.key == CUSTOM_RESOURCE_DEFINITIONS.key:
            found = [crd for crd in self._definitions() if crd["metadata"]["name"] == route.name]
            if not found:
                raise not_found(route.kind, route.name)
            return found[0]
        view = _view_of(route.kind)
        return view.to_client(self.server.store.get(view.stored, route.namespace, route.name))

    def _read_collection(self, route: ResourceRoute, query: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
        label_selector, field_selector = query.get("labelSelector", ""), query.get("fieldSelector", "")
        if route.kind.key == CUSTOM_RESOURCE_DEFINITIONS.key:
            labels = parse_label_selector(label_selector)
            fields = FieldSelector.parse(field_selector, route.kind)
            definitions = [
                crd
                for crd in self._definitions()
                if labels.matches(crd["metadata"].get("labels")) and fields.matches(crd)
            ]
            return definitions, self.server.store.resource_version
        view = _view_of(route.kind)
        items, resource_version = self.server.store.list(
            view.stored, route.namespace, label_selector, view.field_selector(field_selector)
        )
        return [view.to_client(item) for item in items], resource_version

    def _definitions(self) -> list[dict[str, Any]]:
        return custom_resource_definitions(ALL_KINDS, self.server.started)

    def _list(self, route: ResourceRoute, query: dict[str, str], reply: ReplyFormat) -> None:
        limit = _number_param(query, "limit") or 0
        resource = f"{route.kind.api_version}/{route.kind.key}"  # each served version pages its own form
        asked = (resource, route.namespace, query.get("labelSelector", ""), query.get("fieldSelector", ""))
        snapshots = self.server.list_snapshots
        if token := query.get("continue"):
            page = snapshots.next_page(asked, token, limit)
        else:
            items, resource_version = self._read_collection(route, query)
            page = snapshots.first_page(asked, items, resource_version, limit)
        metadata: dict[str, Any] = {"resourceVersion": str(page.resource_version)}
        if page.continue_token:
            metadata["continue"] = page.continue_token
            metadata["remainingItemCount"] = page.remaining
        if reply.table:
            self._send_json(200, self._table(route.kind, page.items, reply, metadata), reply.content_type)
            return
        listing = {"kind": route.kind.list_kind, "apiVersion": route.kind.api_version, "metadata": metadata}
        self._send_json(200, {**listing, "items": page.items})

    def _table(
        self,
        kind: ResourceKind,
        objects: list[dict[str, Any]],
        reply: ReplyFormat,
        metadata: dict[str, Any] | None = None,
        headers: bool = True,
    ) -> dict[str, Any]:
        assert reply.table is not None
        now = self.server.store.clock.now()
        return render_table(
            kind,
            objects,
            now,
            version=reply.table,
            include_object=reply.include_object,
            list_metadata=metadata,
            headers=headers,
        )

    def _patch(self, route: ResourceRoute, view: ResourceView, query: dict[str, str], body: bytes) -> None:
        assert route.name is not None
        store = self.server.store
        content_type = self.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type == APPLY_PATCH and not query.get("fieldManager"):
            raise bad_request("PATCH requests of type application/apply-patch+yaml require the fieldManager parameter")
        fields = FieldValidation.of(route.kind, query)
        if media_type == APPLY_PATCH:
            check_apply_patch(route.kind, decode_patch(body, media_type), route.namespace, route.name)
        if view.stored is route.kind:
            patched = store.patch(
                route.kind,
                route.namespace,
                route.name,
                body,
                content_type,
                route.subresource,
                decoded=lambda obj: fields.decoded(obj, patch=True),
            )
            self._warnings += fields.warnings
            self._send_json(200, patched)
            return
        # A converted view: patch the object as the client sees it, store it back in the stored form.
        accepted = (JSON_PATCH, MERGE_PATCH, APPLY_PATCH) + ((STRATEGIC_MERGE_PATCH,) if route.kind.builtin else ())
        if media_type not in accepted:
            raise unsupported_media_type(accepted)
        document = decode_patch(body, media_type)
        try:
            current = view.to_client(store.get(view.stored, route.namespace, route.name))
        except ApiError as error:
            if error.code != 404 or media_type != APPLY_PATCH or route.subresource is not None:
                raise
            # Server-side apply creates what does not exist yet.
            created = store.create(
                view.stored, view.from_client(object_to_apply(document, route.name)), route.namespace
            )
            self._send_json(200, view.to_client(created))
            return
        patched = fields.decoded(apply_patch_document(route.kind, current, document, media_type), patch=True)
        replaced = store.replace(view.stored, route.namespace, route.name, view.from_client(patched), route.subresource)
        self._warnings += fields.warnings
        self._send_json(200, view.to_client(replaced))

    def _delete(self, route: ResourceRoute, query: dict[str, str], body: bytes) -> None:
        options = decode_object_body(body, self._content_type, OBJECT_MEDIA_TYPES) if body.strip() else {}
        if not isinstance(options, dict):
            raise bad_request("DeleteOptions must be a JSON object")
        if options.get("dryRun"):
            raise bad_request("dryRun is not supported by the embedded cluster")
        propagation = options.get("propagationPolicy") or query.get("propagationPolicy")
        orphan = options.get("orphanDependents", query.get("orphanDependents"))
        if propagation is None:
            propagation = "Orphan" if orphan in (True, "true") else "Background"
        if propagation not in PROPAGATION_POLICIES:
            raise bad_request(f'propagationPolicy: Unsupported value: "{propagation}"')
        preconditions = options.get("preconditions") or None
        if preconditions is not None and not isinstance(preconditions, dict):
            raise bad_request("preconditions must be an object")
        store = self.server.store
        view = _view_of(route.kind)
        if route.name is not None:
            deleted = store.delete(view.stored, route.namespace, route.name, propagation, preconditions)
            self._send_json(200, view.to_client(deleted))
            return
        items, _ = self._read_collection(route, query)
        deleted_items = []
        for item in items:
            metadata = item["metadata"]
            try:
                deleted = store.delete(view.stored, metadata.get("namespace"), metadata["name"], propagation)
            except ApiError as error:
                if error.code != 404:  # a cascade got there first
                    raise
            else:
                deleted_items.append(view.to_client(deleted))
        listing = {
            "kind": route.kind.list_kind,
            "apiVersion": route.kind.api_version,
            "metadata": {"resourceVersion": str(store.resource_version)},
            "items": deleted_items,
        }
        self._send_json(200, listing)

    # ---- watch

    def _watch(self, route: ResourceRoute, query: dict[str, str], reply: ReplyFormat) -> None:
        if route.kind.key == CUSTOM_RESOURCE_DEFINITIONS.key:
            raise method_not_allowed()  # the definitions never change while the cluster runs
        view = _view_of(route.kind)
        self._wait_until_fresh(query.get("resourceVersion"))
        try:
            watcher = self.server.store.watch(
                view.stored,
                route.namespace,
                query.get("resourceVersion"),
                query.get("labelSelector", ""),
                view.field_selector(query.get("fieldSelector", "")),
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
        stream = _WatchStream(self, route.kind, view, reply)
        self.server.watch_opened(watcher)
        with self._chunked_stream("application/json"):
            try:
                self._pump_watch(watcher, stream, timeout, bookmarks)
            finally:
                watcher.close()
                self.server.watch_closed(watcher)

    def _wait_until_fresh(self, resource_version: str | None) -> None:
        """A client a little ahead of this server (another apiserver's write not seen yet) is served once the store
        catches up; one far ahead (a restarted cluster) gets the 504 after the wait."""
        wanted = int(resource_version) if resource_version and resource_version.isdigit() else 0
        deadline = time.monotonic() + FRESHNESS_WAIT_SECONDS
        store = self.server.store
        while store.resource_version < wanted and time.monotonic() < deadline and not self.server.stopping.is_set():
            time.sleep(0.05)

    def _pump_watch(self, watcher: Watcher, stream: _WatchStream, timeout: float, bookmarks: bool) -> None:
        deadline = time.monotonic() + timeout
        next_bookmark = time.monotonic() + BOOKMARK_INTERVAL_SECONDS
        while not self.server.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if bookmarks:  # a last bookmark lets the client resume right where this stream ended
                    stream.write_bookmark(watcher)
                return
            event = watcher.next_event(min(STREAM_WAKE_SECONDS, remaining))
            if event is not None:
                stream.write(event)
                if event["type"] == "ERROR":
                    return
            elif watcher.done or self._client_gone():
                return
            elif bookmarks and time.monotonic() >= next_bookmark:
                stream.write_bookmark(watcher)
                next_bookmark = time.monotonic() + BOOKMARK_INTERVAL_SECONDS

    def _write_event(self, event: dict[str, Any]) -> None:
        self._write_chunk(json.dumps(event, separators=(",", ":")).encode() + b"\n")

    # ---- pod logs

    def _pod_log(self, namespace: str, name: str, query: dict[str, str]) -> None:
        store, logs = self.server.store, self.server.logs
        _check_log_options(name, query)
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

    def _send_json(
        self, code: int, document: Any, content_type: str = "application/json", headers: Mapping[str, str] = {}
    ) -> None:
        self._send_bytes(code, json.dumps(document, separators=(",", ":")).encode(), content_type, headers)

    def _send_text(self, code: int, text: str) -> None:
        self._send_bytes(code, text.encode(), "text/plain; charset=utf-8")

    def _send_bytes(self, code: int, payload: bytes, content_type: str, headers: Mapping[str, str] = {}) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:  # tell the client, as Go's server does, so it does not reuse the connection
            self.send_header("Connection", "close")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _chunked_stream(self, content_type: str) -> _ChunkedStream:
        return _ChunkedStream(self, content_type)

    def _write_chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    def _client_gone(self) -> bool:
        """A stream only writes, so a closed client shows as a readable socket with nothing to read."""
        connection = self.connection
        try:
            readable, _, _ = select.select([connection], [], [], 0)
            if not readable:
                return False
            if not isinstance(connection, ssl.SSLSocket):
                return connection.recv(1, socket.MSG_PEEK) == b""
            # TLS cannot peek: read what came (a client mid-stream sends nothing else), b"" at its close_notify
            timeout = connection.gettimeout()
            connection.settimeout(0)
            try:
                return connection.recv(1) == b""
            except (ssl.SSLWantReadError, BlockingIOError):
                return False
            finally:
                connection.settimeout(timeout)
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


class _WatchStream:
    """Writes one watch's events as the client asked: objects in the served form, or one-row Tables whose column
    definitions only the first event carries (as the real server sends them to `kubectl get -w`)."""

    def __init__(self, handler: ApiRequestHandler, kind: ResourceKind, view: ResourceView, reply: ReplyFormat) -> None:
        self._handler = handler
        self._kind = kind
        self._view = view
        self._reply = reply
        self._headers_sent = False

    def write(self, event: dict[str, Any]) -> None:
        if event["type"] in ("ADDED", "MODIFIED", "DELETED"):
            obj = self._view.to_client(event["object"])
            if self._reply.table:
                obj = self._handler._table(self._kind, [obj], self._reply, headers=not self._headers_sent)
                self._headers_sent = True
            event = {"type": event["type"], "object": obj}
        self._handler._write_event(event)

    def write_bookmark(self, watcher: Watcher) -> None:
        resource_version = watcher.bookmark_resource_version()
        if resource_version is None:
            return
        bookmark = {
            "kind": self._kind.kind,
            "apiVersion": self._kind.api_version,
            "metadata": {"resourceVersion": str(resource_version)},
        }
        self._handler._write_event({"type": "BOOKMARK", "object": bookmark})


def _only_protobuf(accept: str) -> bool:
    media_types = [media_range.split(";")[0].strip() for media_range in accept.split(",") if media_range.strip()]
    return bool(media_types) and all(media_type == PROTOBUF for media_type in media_types)


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


def _check_log_options(pod: str, query: dict[str, str]) -> None:
    """PodLogOptions as the real server validates them, before it looks for the pod: 422 naming each bad option."""
    causes = []
    tail, limit, since = (_number_param(query, name) for name in ("tailLines", "limitBytes", "sinceSeconds"))
    if tail is not None and tail < 0:
        causes.append(invalid_field("tailLines", str(tail), "must be greater than or equal to 0"))
    if limit is not None and limit < 1:
        causes.append(invalid_field("limitBytes", str(limit), "must be greater than 0"))
    if since is not None and query.get("sinceTime"):
        causes.append(forbidden_field("", "at most one of `sinceTime` or `sinceSeconds` may be specified"))
    elif since is not None and since < 1:
        causes.append(invalid_field("sinceSeconds", str(since), "must be greater than 0"))
    if causes:
        raise invalid_pod_log_options(pod, causes)


def _log_since(query: dict[str, str], now: datetime) -> datetime | None:
    if (seconds := _number_param(query, "sinceSeconds")) is not None:
        return now - timedelta(seconds=seconds)
    if moment := query.get("sinceTime"):
        try:
            return datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(f"sinceTime: Invalid value: {moment!r}: must be RFC 3339") from None
    return None
