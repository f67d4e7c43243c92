"""Raw JSON access to the API server through the official async client (`kubernetes.aio`).

Every kind goes through the same path-based calls, so watching a custom resource is no different from watching pods.
The kubeconfig is read by hyptui's own reader (its errors name the file, entry and field) and every request carries
the credential the kubeconfig's user asks for; TLS and HTTP stay the official client's.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from hyptui.kube import kubeconfig
from hyptui.kube.client_certificate import ClientCertificate
from hyptui.kube.credentials import Credentials, credentials_for
from hyptui.kube.kubeconfig import KubeConfigError
from hyptui.kube.proxy import ProxyError, proxy_for
from hyptui.kube.target import KubeTarget


class ApiRequestError(Exception):
    """A non-2xx answer, with the API server's own Status message when it sent one."""

    def __init__(self, status: int, reason: str, message: str, causes: tuple[str, ...] = ()) -> None:
        super().__init__(f"{status} {reason}: {message}" if message else f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.message = message
        self.causes = causes  # the Status's details.causes[].reason

    @classmethod
    def from_status(
        cls, status: Mapping[str, Any], fallback_code: int = 500, fallback_reason: str = ""
    ) -> ApiRequestError:
        details = status.get("details")
        causes = details.get("causes") if isinstance(details, Mapping) else None
        return cls(
            int(status.get("code") or fallback_code),
            str(status.get("reason") or fallback_reason),
            str(status.get("message") or ""),
            tuple(str(c.get("reason")) for c in causes or () if isinstance(c, Mapping)),
        )

    @classmethod
    def from_body(cls, status: int, http_reason: str, body: bytes) -> ApiRequestError:
        try:
            parsed = json.loads(body)
        except ValueError:
            return cls(status, http_reason, body.decode("utf-8", "replace").strip()[:300])
        if isinstance(parsed, dict):
            return cls.from_status({**parsed, "code": status}, status, http_reason)
        return cls(status, http_reason, "")

    @property
    def history_gone(self) -> bool:
        """The server cannot continue from our resourceVersion, too old (410) or newer than its own (a replaced or
        restored control plane): only a relist gets back in step."""
        return self.status == 410 or (self.status == 504 and "ResourceVersionTooLarge" in self.causes)


@dataclass(frozen=True, slots=True)
class ContextInfo:
    context: str
    cluster: str
    user: str
    namespace: str | None
    server: str


def context_names(target: KubeTarget) -> list[str]:
    """The kubeconfig's contexts, for `:ctx` completion; empty when the file cannot be read (the gateway says why)."""
    return kubeconfig.context_names(kubeconfig.kubeconfig_paths(target.kubeconfig))


async def import_client() -> Any:
    """Import kubernetes.aio off the event loop: it costs about half a second, and the first screen must not wait."""
    return await asyncio.to_thread(importlib.import_module, "kubernetes.aio.client")


class KubeApi:
    def __init__(self, api_client: Any, info: ContextInfo, credentials: Credentials) -> None:
        self._client = api_client
        self.info = info
        self._credentials = credentials

    @classmethod
    async def connect(cls, target: KubeTarget) -> KubeApi:
        """Raises KubeConfigError naming what in the kubeconfig is unusable; credentials are fetched per request."""
        paths = kubeconfig.kubeconfig_paths(target.kubeconfig)
        resolved = await asyncio.to_thread(kubeconfig.resolve_context, paths, target.context)
        client_module = await import_client()
        configuration = client_module.Configuration()
        configuration.host = resolved.server
        tls = resolved.tls
        if tls.ca_pem:
            configuration.ca_cert_data = tls.ca_pem.decode("ascii")
        configuration.verify_ssl = not tls.insecure
        configuration.tls_server_name = tls.server_name
        try:
            configuration.proxy = proxy_for(resolved.server, resolved.proxy_url)
        except ProxyError as error:
            raise KubeConfigError(f"{resolved.source}: cluster {resolved.cluster_name}: {error}") from None
        # Proxies were chosen above by kubectl's rules (loopback never proxied); aiohttp must not pick its own.
        configuration.client_session_kwargs = {"trust_env": False}
        client_files = ClientCertificate.written(resolved.auth)
        if client_files is not None:
            configuration.cert_file, configuration.key_file = str(client_files.cert), str(client_files.key)
        try:
            api_client = client_module.ApiClient(configuration=configuration)
        finally:
            if client_files is not None:  # the SSL context has read them; nothing secret stays on disk
                client_files.remove()
        info = ContextInfo(
            context=resolved.context,
            cluster=resolved.cluster_name,
            user=resolved.user_name,
            namespace=resolved.namespace,
            server=resolved.server,
        )
        return cls(api_client, info, credentials_for(resolved.auth))

    async def close(self) -> None:
        await self._client.close()

    async def _request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Sent with the kubeconfig user's credential (never without it); a 401 gets one retry with a fresh one."""
        for attempt in range(2):
            authorization = await self._credentials.authorization()
            headers = {"Accept": "application/json"}
            if content_type:
                headers["Content-Type"] = content_type
            if authorization:
                headers["Authorization"] = authorization
            serialized = await self._client.param_serialize(
                method, path, query_params=list((query or {}).items()), header_params=headers, body=body
            )
            response = await self._client.call_api(*serialized, _request_timeout=timeout)
            if response.status == 401 and attempt == 0 and self._credentials.rejected(authorization):
                response.response.release()
                continue
            if response.status >= 300:
                raise ApiRequestError.from_body(response.status, response.reason or "", await response.read())
            return response
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def get_json(self, path: str, query: Mapping[str, Any] | None = None) -> dict:
        response = await self._request("GET", path, query)
        return json.loads(await response.read())

    async def create(self, path: str, body: dict) -> dict:
        response = await self._request("POST", path, body=body, content_type="application/json")
        return json.loads(await response.read())

    async def merge_patch(self, path: str, patch: dict) -> dict:
        response = await self._request("PATCH", path, body=patch, content_type="application/merge-patch+json")
        return json.loads(await response.read())

    async def delete(self, path: str, propagation: str = "Background") -> dict:
        body = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation}
        response = await self._request("DELETE", path, body=body)
        return json.loads(await response.read())

    @contextlib.asynccontextmanager
    async def stream(
        self, path: str, query: Mapping[str, Any], read_timeout: float | None
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """A long-running response (watch events, followed logs), open once this yields: its lines as they arrive."""
        aiohttp = importlib.import_module("aiohttp")
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=read_timeout)
        response = await self._request("GET", path, query, timeout=timeout)
        try:
            yield response.response.content
        finally:
            response.response.release()
