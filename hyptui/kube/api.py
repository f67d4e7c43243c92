"""Raw JSON access to the API server through the official async client (`kubernetes.aio`).

Every kind goes through the same path-based calls, so watching a custom resource is no different from watching pods,
while kubeconfig loading, TLS and exec credential plugins stay the official client's.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from hyptui.kube.target import KubeTarget


class ApiRequestError(Exception):
    """A non-2xx answer, with the API server's own Status message when it sent one."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}" if message else f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.message = message

    @classmethod
    def from_body(cls, status: int, http_reason: str, body: bytes) -> ApiRequestError:
        try:
            parsed = json.loads(body)
        except ValueError:
            return cls(status, http_reason, body.decode("utf-8", "replace").strip()[:300])
        if isinstance(parsed, dict):
            return cls(status, str(parsed.get("reason") or http_reason), str(parsed.get("message") or ""))
        return cls(status, http_reason, "")


class KubeConfigError(Exception):
    """The kubeconfig could not be used; the message says which file or field and why."""


@dataclass(frozen=True, slots=True)
class ContextInfo:
    context: str
    cluster: str
    user: str
    namespace: str | None
    server: str


def context_names(target: KubeTarget) -> list[str]:
    """The kubeconfig's contexts, for `:ctx` completion; empty when the file cannot be read (the gateway says why)."""
    aio_config = importlib.import_module("kubernetes.aio.config.kube_config")
    try:
        contexts, _ = aio_config.list_kube_config_contexts(str(target.kubeconfig) if target.kubeconfig else None)
    except Exception:  # a missing or broken file: completion is a nicety, the connection reports the problem
        return []
    return [context["name"] for context in contexts]


async def import_client() -> Any:
    """Import kubernetes.aio off the event loop: it costs about half a second, and the first screen must not wait."""
    return await asyncio.to_thread(importlib.import_module, "kubernetes.aio.config")


class KubeApi:
    def __init__(self, api_client: Any, info: ContextInfo) -> None:
        self._client = api_client
        self.info = info

    @classmethod
    async def connect(cls, target: KubeTarget) -> KubeApi:
        aio_config = await import_client()
        client_module = importlib.import_module("kubernetes.aio.client")
        config_exception = importlib.import_module("kubernetes.aio.config.config_exception").ConfigException
        configuration = client_module.Configuration()
        config_file = str(target.kubeconfig) if target.kubeconfig else None
        try:
            loader = await aio_config.load_kube_config(
                config_file=config_file, context=target.context, client_configuration=configuration
            )
        except FileNotFoundError as error:
            raise KubeConfigError(f"kubeconfig {error.filename}: no such file") from error
        except (config_exception, ValueError, TypeError, KeyError) as error:
            where = config_file or "the default kubeconfig ($KUBECONFIG or ~/.kube/config)"
            raise KubeConfigError(f"{where}: {error}") from error
        current = loader.current_context
        context = current["context"]
        info = ContextInfo(
            context=current["name"],
            cluster=context.get("cluster") or "",
            user=context.get("user") or "",
            namespace=context.get("namespace"),
            server=configuration.host,
        )
        return cls(client_module.ApiClient(configuration=configuration), info)

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
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        serialized = await self._client.param_serialize(
            method,
            path,
            query_params=list((query or {}).items()),
            header_params=headers,
            body=body,
            auth_settings=["BearerToken"],
        )
        response = await self._client.call_api(*serialized, _request_timeout=timeout)
        if response.status >= 300:
            raise ApiRequestError.from_body(response.status, response.reason or "", await response.read())
        return response

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

    async def stream_lines(
        self, path: str, query: Mapping[str, Any], read_timeout: float | None
    ) -> AsyncIterator[bytes]:
        """Lines of a long-running response (watch events, followed logs) as they arrive."""
        aiohttp = importlib.import_module("aiohttp")
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=read_timeout)
        response = await self._request("GET", path, query, timeout=timeout)
        try:
            async for line in response.response.content:
                yield line
        finally:
            response.response.release()
