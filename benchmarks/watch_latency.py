"""How long a job created through the official client takes to reach hyptui's store (and so the screen).

Starts the embedded cluster, runs the kube gateway into a store attached to an asyncio loop (flushes coalesced to
100 ms, as in the app), creates jobs one at a time through CustomObjectsApi and prints the create-to-state latency.

    python benchmarks/watch_latency.py [jobs]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kubernetes import client

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.kube.gateway import KubeGateway
from hyptui.kube.target import KubeTarget
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState, WatchPhase
from hyptui.store.store import Store


def job_body(name: str) -> dict:
    return {
        "apiVersion": HYPERPOD_PYTORCH_JOBS.api_version,
        "kind": HYPERPOD_PYTORCH_JOBS.kind,
        "metadata": {"name": name, "namespace": "hyperpod-ns-team-b"},
        "spec": {
            "replicaSpecs": [
                {
                    "name": "pod",
                    "replicas": 1,
                    "template": {"spec": {"containers": [{"name": "pytorch-job-container", "image": "python:3.12"}]}},
                }
            ]
        },
    }


async def measure(cluster: EmbeddedCluster, kubeconfig: Path, count: int) -> list[float]:
    store = Store(reduce_many, EMPTY_STATE)
    store.attach(asyncio.get_running_loop())
    arrived: dict[str, float] = {}

    def note(state: AppState) -> None:
        for _, name in state.collection(HYPERPOD_PYTORCH_JOBS.key).objects:
            arrived.setdefault(name, time.perf_counter())

    store.subscribe(note)
    gateway = asyncio.create_task(KubeGateway(KubeTarget(kubeconfig=kubeconfig), store.dispatch).run())
    while not store.state.watches or any(w.phase is not WatchPhase.LIVE for w in store.state.watches.values()):
        await asyncio.sleep(0.01)
    api = client.CustomObjectsApi(client.ApiClient(client.Configuration(host=cluster.url)))
    latencies = []
    for index in range(count):
        name = f"latency-{index}"
        sent = time.perf_counter()
        await asyncio.to_thread(
            api.create_namespaced_custom_object,
            HYPERPOD_PYTORCH_JOBS.group,
            HYPERPOD_PYTORCH_JOBS.version,
            "hyperpod-ns-team-b",
            HYPERPOD_PYTORCH_JOBS.plural,
            job_body(name),
        )
        while name not in arrived:
            await asyncio.sleep(0.001)
        latencies.append(arrived[name] - sent)
        await asyncio.sleep(0.15)  # let the coalescing window close, as between real user actions
    gateway.cancel()
    await asyncio.gather(gateway, return_exceptions=True)
    store.detach()
    return latencies


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with EmbeddedCluster() as cluster, tempfile.TemporaryDirectory() as scratch:
        kubeconfig = cluster.write_kubeconfig(Path(scratch) / "kubeconfig")
        latencies = asyncio.run(measure(cluster, kubeconfig, count))
    milliseconds = sorted(1000 * value for value in latencies)
    print(
        f"create -> store, {count} jobs: median {statistics.median(milliseconds):.1f} ms, "
        f"p90 {milliseconds[int(0.9 * (count - 1))]:.1f} ms, max {milliseconds[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
