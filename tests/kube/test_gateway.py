"""The kube gateway against the embedded API server over real HTTP: list+watch, reconnect, relist on 410, cancel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hyptui.hyperpod.kinds import NAMESPACES, NODES
from hyptui.kube.api import KubeApi
from hyptui.kube.gateway import KubeGateway
from hyptui.kube.target import KubeTarget
from hyptui.kube.watch_loop import Backoff, WatchLoop
from hyptui.sim.apiserver.server import ApiServer
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.kubeconfig import write_sim_kubeconfig
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.store.actions import ListLoaded, WatchEvent
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState, WatchPhase
from hyptui.store.store import Store

WAIT_SECONDS = 10.0


def node(name: str) -> dict:
    return {"metadata": {"name": name, "labels": {"node.kubernetes.io/instance-type": "ml.t3.medium"}}}


async def wait_for(store: Store, condition: Callable[[AppState], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        store.flush()
        if condition(store.state):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def node_names(state: AppState) -> set[str]:
    return {name for _, name in state.collection(NODES.key).objects}


@pytest.fixture
def object_store() -> ObjectStore:
    store = ObjectStore(SimClock(start=datetime(2026, 11, 28, tzinfo=UTC), speed=0), history_size=5)
    store.create(NAMESPACES, {"metadata": {"name": "default"}})
    return store


async def test_gateway_lists_then_follows_changes(object_store: ObjectStore, tmp_path: Path) -> None:
    server = ApiServer(object_store, LogStore())
    server.start()
    store = Store(reduce_many, EMPTY_STATE)
    object_store.create(NODES, node("before"))
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", server.url)
    gateway = KubeGateway(KubeTarget(kubeconfig=kubeconfig), store.dispatch, kinds=(NODES,))
    task = asyncio.create_task(gateway.run())
    try:
        await wait_for(store, lambda s: node_names(s) == {"before"}, "the initial list")
        assert store.state.connection is not None and store.state.connection.server == server.url
        await wait_for(store, lambda s: s.watches[NODES.key].phase is WatchPhase.LIVE, "the watch to go live")
        object_store.create(NODES, node("after"))
        await wait_for(store, lambda s: node_names(s) == {"before", "after"}, "the ADDED event")
        object_store.delete(NODES, None, "before")
        await wait_for(store, lambda s: node_names(s) == {"after"}, "the DELETED event")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        server.stop()


async def test_watch_reconnects_and_relists_after_the_server_was_away(
    object_store: ObjectStore, tmp_path: Path
) -> None:
    server = ApiServer(object_store, LogStore())
    server.start()
    port = int(server.url.rsplit(":", 1)[1])
    api = await KubeApi.connect(KubeTarget(kubeconfig=write_sim_kubeconfig(tmp_path / "kubeconfig", server.url)))
    actions: list[object] = []
    store = Store(reduce_many, EMPTY_STATE)

    def dispatch(action: object) -> None:
        actions.append(action)
        store.dispatch(action)

    loop = WatchLoop(api, NODES, None, dispatch, backoff=Backoff(first=0.05, cap=0.2), watch_timeout=1)
    task = asyncio.create_task(loop.run())
    try:
        await wait_for(
            store,
            lambda s: s.watches.get(NODES.key) is not None and s.watches[NODES.key].phase is WatchPhase.LIVE,
            "live",
        )
        server.stop()
        # While the server is away, more changes than its history keeps: the client's resourceVersion expires.
        for index in range(10):
            object_store.create(NODES, node(f"n{index}"))
        await wait_for(store, lambda s: s.watches[NODES.key].phase is WatchPhase.RECONNECTING, "reconnecting")
        assert store.state.watches[NODES.key].error
        server = ApiServer(object_store, LogStore(), port=port)
        server.start()
        await wait_for(store, lambda s: node_names(s) == {f"n{i}" for i in range(10)}, "the relist")
        assert sum(isinstance(a, ListLoaded) for a in actions) == 2
        object_store.create(NODES, node("later"))
        await wait_for(store, lambda s: "later" in node_names(s), "watching again after the relist")
        assert any(isinstance(a, WatchEvent) and a.obj["metadata"]["name"] == "later" for a in actions)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await api.close()
        server.stop()


async def test_cancelling_the_gateway_ends_its_streams(object_store: ObjectStore, tmp_path: Path) -> None:
    server = ApiServer(object_store, LogStore())
    server.start()
    store = Store(reduce_many, EMPTY_STATE)
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", server.url)
    gateway = KubeGateway(KubeTarget(kubeconfig=kubeconfig), store.dispatch, kinds=(NODES, NAMESPACES))
    task = asyncio.create_task(gateway.run())
    try:
        await wait_for(
            store,
            lambda s: len(s.watches) == 2 and all(w.phase is WatchPhase.LIVE for w in s.watches.values()),
            "live watches",
        )
        task.cancel()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=WAIT_SECONDS)
        assert task.cancelled()
    finally:
        server.stop()


async def test_an_unusable_kubeconfig_is_named_then_used_once_the_file_is_fixed(
    object_store: ObjectStore, tmp_path: Path
) -> None:
    server = ApiServer(object_store, LogStore())
    server.start()
    store = Store(reduce_many, EMPTY_STATE)
    kubeconfig = tmp_path / "kube" / "config"  # neither the file nor its folder exists yet
    task = asyncio.create_task(KubeGateway(KubeTarget(kubeconfig=kubeconfig), store.dispatch, kinds=(NODES,)).run())
    try:
        await wait_for(store, lambda s: s.connection_problem == f"kubeconfig {kubeconfig}: no such file", "missing")
        kubeconfig.parent.mkdir()
        kubeconfig.write_text("apiVersion: v1\nkind: Config\ncurrent-context: nowhere\ncontexts: []\n")
        await wait_for(store, lambda s: "nowhere" in (s.connection_problem or ""), "the unknown context named")
        assert store.state.connection is None
        write_sim_kubeconfig(kubeconfig, server.url)
        await wait_for(store, lambda s: s.connection is not None and s.connection_problem is None, "connected")
        object_store.create(NODES, node("fixed"))
        await wait_for(store, lambda s: "fixed" in node_names(s), "watching")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        server.stop()


async def test_an_older_served_version_is_watched_and_converted_and_a_missing_kind_is_absent(
    object_store: ObjectStore, tmp_path: Path
) -> None:
    from dataclasses import replace

    from hyptui.hyperpod.kinds import CLUSTER_QUEUES, HYPERPOD_PYTORCH_JOBS, ServedVersion
    from hyptui.hyperpod.kueue_versions import cluster_queue_to_v1beta1, cluster_queue_to_v1beta2

    object_store.create(CLUSTER_QUEUES, {"metadata": {"name": "team-a"}, "spec": {"cohortName": "shared-pool"}})
    server = ApiServer(object_store, LogStore())
    server.start()
    # As if the cluster's Kueue were older than the version hyptui prefers: only v1beta1 answers.
    unserved_first = replace(
        CLUSTER_QUEUES,
        version="v1",
        served_versions=(ServedVersion("v1beta1", cluster_queue_to_v1beta2, cluster_queue_to_v1beta1),),
    )
    not_installed = replace(HYPERPOD_PYTORCH_JOBS, group="not-installed.example.com")
    store = Store(reduce_many, EMPTY_STATE)
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", server.url)
    gateway = KubeGateway(KubeTarget(kubeconfig=kubeconfig), store.dispatch, kinds=(unserved_first, not_installed))
    task = asyncio.create_task(gateway.run())
    try:
        await wait_for(
            store, lambda s: ("", "team-a") in s.collection(CLUSTER_QUEUES.key).objects, "the queue, read at v1beta1"
        )
        queue = store.state.collection(CLUSTER_QUEUES.key).objects[("", "team-a")]
        assert queue.raw["spec"] == {"cohortName": "shared-pool"}  # converted back from v1beta1's `cohort`
        await wait_for(
            store,
            lambda s: (
                s.watches.get(not_installed.key) is not None and s.watches[not_installed.key].phase is WatchPhase.ABSENT
            ),
            "the missing kind to be absent",
        )
        assert (
            "does not serve hyperpodpytorchjobs.not-installed.example.com"
            in store.state.watches[not_installed.key].error
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        server.stop()
