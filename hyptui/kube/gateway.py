"""The app's one way to the cluster: connects, keeps each watched kind live in the store, runs the screens' verbs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

from hyptui.hyperpod.kinds import (
    CLUSTER_QUEUES,
    EVENTS,
    HYPERPOD_PYTORCH_JOBS,
    INFERENCE_ENDPOINT_CONFIGS,
    JUMPSTART_MODELS,
    LOCAL_QUEUES,
    NODES,
    PODS,
    WORKLOAD_PRIORITY_CLASSES,
    WORKLOADS,
    WORKSPACE_TEMPLATES,
    WORKSPACES,
    ResourceKind,
)
from hyptui.kube.api import KubeApi
from hyptui.kube.kubeconfig import KubeConfigError, kubeconfig_paths
from hyptui.kube.kubeconfig_watch import kubeconfig_changed
from hyptui.kube.target import KubeTarget
from hyptui.kube.watch_loop import WatchLoop
from hyptui.store.actions import Action, Connected, ConnectionFailed
from hyptui.store.state import Connection

WATCHED_KINDS: tuple[ResourceKind, ...] = (
    HYPERPOD_PYTORCH_JOBS,
    PODS,
    NODES,
    EVENTS,
    # task governance: absent (not an error) on clusters without the Kueue add-on
    CLUSTER_QUEUES,
    LOCAL_QUEUES,
    WORKLOADS,
    WORKLOAD_PRIORITY_CLASSES,
    # inference endpoints and spaces: absent on clusters without those operators
    INFERENCE_ENDPOINT_CONFIGS,
    JUMPSTART_MODELS,
    WORKSPACES,
    WORKSPACE_TEMPLATES,
)


class NotConnected(Exception):
    pass


class KubeGateway:
    def __init__(
        self,
        target: KubeTarget,
        dispatch: Callable[[Action], None],
        *,
        readonly_in: Callable[[str], bool] = lambda context: False,
        kinds: Sequence[ResourceKind] = WATCHED_KINDS,
    ) -> None:
        """`readonly_in(context)`: whether the session is read-only in the context the kubeconfig resolves to."""
        self._target = target
        self._dispatch = dispatch
        self._readonly_in = readonly_in
        self._kinds = tuple(kinds)
        self._api: KubeApi | None = None

    async def run(self) -> None:
        """Connect and watch until cancelled; cancellation closes every stream and the HTTP session. An unusable
        kubeconfig is reported, and tried again whenever one of its files changes."""
        while True:
            try:
                self._api = await KubeApi.connect(self._target)
            except KubeConfigError as error:
                self._dispatch(ConnectionFailed(str(error)))
                await kubeconfig_changed(kubeconfig_paths(self._target.kubeconfig))
                continue
            break
        info = self._api.info
        namespace = self._target.scope(info.namespace)
        self._dispatch(
            Connected(
                Connection(
                    context=info.context,
                    cluster=info.cluster,
                    user=info.user,
                    namespace=namespace,
                    server=info.server,
                    readonly=self._readonly_in(info.context),
                )
            )
        )
        loops = [WatchLoop(self._api, kind, namespace, self._dispatch) for kind in self._kinds]
        try:
            async with asyncio.TaskGroup() as group:
                for loop in loops:
                    group.create_task(loop.run())
        finally:
            await self._api.close()

    def _ready_api(self) -> KubeApi:
        if self._api is None:
            raise NotConnected("not connected to a cluster yet")
        return self._api

    async def delete(self, kind: ResourceKind, namespace: str | None, name: str) -> None:
        api = self._ready_api()
        await api.delete(kind.object_path(namespace, name))

    async def create(self, kind: ResourceKind, namespace: str | None, body: dict) -> dict:
        """POST `body` to the kind's collection; the API server's answer (for a create-only kind, all there is)."""
        api = self._ready_api()
        return await api.create(kind.collection_path(namespace), body)

    async def merge_patch(self, kind: ResourceKind, namespace: str | None, name: str, patch: dict) -> None:
        api = self._ready_api()
        await api.merge_patch(kind.object_path(namespace, name), patch)

    async def pod_log(
        self,
        namespace: str,
        pod: str,
        container: str | None,
        *,
        follow: bool,
        tail_lines: int | None,
        timestamps: bool = False,
        since_seconds: int | None = None,
    ) -> AsyncIterator[str]:
        api = self._ready_api()
        query: dict[str, str | int] = {"follow": "true" if follow else "false"}
        if timestamps:
            query["timestamps"] = "true"
        if container:
            query["container"] = container
        if tail_lines is not None:
            query["tailLines"] = tail_lines
        if since_seconds is not None:
            query["sinceSeconds"] = since_seconds
        async with api.stream(PODS.object_path(namespace, pod) + "/log", query, read_timeout=None) as lines:
            async for line in lines:
                yield line.decode("utf-8", "replace").rstrip("\r\n")
