"""Store throughput, flush coalescing and jobs-table build time; prints figures only, asserts nothing."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hyptui.store.actions import Action, ListLoaded, WatchEvent
from hyptui.store.reducers import reduce_many
from hyptui.store.state import AppState
from hyptui.store.store import Store
from hyptui.views.jobs import job_rows

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
JOBS = 2_000
PODS_PER_JOB = 4
EVENTS = 100_000
BURST = 1_000


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def job(index: int, rv: int, running: bool = True) -> dict[str, Any]:
    conditions = [{"type": "Created", "status": "True", "lastTransitionTime": stamp(NOW - timedelta(hours=2))}]
    if running:
        conditions.append({"type": "Running", "status": "True", "lastTransitionTime": stamp(NOW - timedelta(hours=1))})
    return {
        "apiVersion": "sagemaker.amazonaws.com/v1",
        "kind": "HyperPodPyTorchJob",
        "metadata": {
            "name": f"job-{index:05d}",
            "namespace": f"team-{index % 8}",
            "uid": f"uid-job-{index}",
            "resourceVersion": str(rv),
            "creationTimestamp": stamp(NOW - timedelta(minutes=index % 5_000)),
            "labels": {"kueue.x-k8s.io/queue-name": f"team-{index % 8}-lq"},
        },
        "spec": {
            "nprocPerNode": "auto",
            "replicaSpecs": [{"name": "pod", "replicas": PODS_PER_JOB, "template": {"spec": {"containers": []}}}],
        },
        "status": {"conditions": conditions},
    }


def pod(job_index: int, replica: int, rv: int) -> dict[str, Any]:
    return {
        "metadata": {
            "name": f"job-{job_index:05d}-pod-{replica}",
            "namespace": f"team-{job_index % 8}",
            "uid": f"uid-pod-{job_index}-{replica}",
            "resourceVersion": str(rv),
            "creationTimestamp": stamp(NOW - timedelta(minutes=30)),
            "labels": {"HPJob": f"job-{job_index:05d}"},
        },
        "spec": {"nodeName": f"node-{job_index % 64}", "containers": [{"name": "pytorch"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": "pytorch", "ready": True, "restartCount": replica % 2, "state": {"running": {}}}
            ],
        },
    }


def listed_cluster() -> tuple[ListLoaded, ListLoaded]:
    jobs = tuple(job(i, i + 1) for i in range(JOBS))
    pods = tuple(pod(j, r, JOBS + j * PODS_PER_JOB + r + 1) for j in range(JOBS) for r in range(PODS_PER_JOB))
    return ListLoaded("jobs", jobs, str(JOBS)), ListLoaded("pods", pods, str(JOBS + len(pods)))


def modified_events(count: int, first_rv: int) -> list[WatchEvent]:
    return [
        WatchEvent("jobs", "MODIFIED", job((first_rv + i) % JOBS, first_rv + i, running=i % 3 != 0))
        for i in range(count)
    ]


def throughput() -> None:
    store = Store()
    store.dispatch(listed_cluster()[0])
    store.flush()
    elapsed = 0.0
    for offset in range(0, EVENTS, BURST):
        # Each burst's dicts are made untimed and dropped after, as decoded watch events would be: we time the store.
        burst = modified_events(BURST, first_rv=1_000_000 + offset)
        started = time.perf_counter()
        for event in burst:
            store.dispatch(event)
        store.flush()
        elapsed += time.perf_counter() - started
    print(f"(a) {EVENTS:,} MODIFIED events over {JOBS:,} jobs, dispatch + flush every {BURST:,}:")
    print(f"    {EVENTS / elapsed:,.0f} events/s ({elapsed * 1000:.0f} ms in the store)")


def coalescing() -> None:
    flushes = 0
    subscriber_calls = 0

    def counting_reducer(state: AppState, actions: Sequence[Action]) -> AppState:
        nonlocal flushes
        flushes += 1
        return reduce_many(state, actions)

    def count_call(state: AppState) -> None:
        nonlocal subscriber_calls
        subscriber_calls += 1

    events = modified_events(10_000, first_rv=2_000_000)

    async def run() -> None:
        store = Store(counting_reducer)
        store.subscribe(count_call)
        store.attach(asyncio.get_running_loop(), interval=0.1)

        def produce() -> None:
            # 100 chunks of 100, one every 10 ms: the burst arrives over about one second, as a busy watch would.
            for offset in range(0, len(events), 100):
                for event in events[offset : offset + 100]:
                    store.dispatch(event)
                time.sleep(0.01)

        producer = threading.Thread(target=produce)
        producer.start()
        await asyncio.to_thread(producer.join)
        await asyncio.sleep(0.25)  # let the last coalesced flush land
        store.detach()

    asyncio.run(run())
    print("(b) 10,000 events dispatched over ~1 s from a thread, store attached to an asyncio loop (interval 0.1 s):")
    print(f"    {flushes} flushes, {subscriber_calls} subscriber calls")


def jobs_table() -> None:
    state = reduce_many(AppState(), listed_cluster())
    started = time.perf_counter()
    rows = job_rows(state, NOW)
    cold = time.perf_counter() - started

    changed = reduce_many(state, [WatchEvent("jobs", "MODIFIED", job(7, 9_000_000, running=False))])
    started = time.perf_counter()
    job_rows(changed, NOW)
    one_job = time.perf_counter() - started

    pod_changed = reduce_many(changed, [WatchEvent("pods", "MODIFIED", pod(7, 0, 9_000_001))])
    started = time.perf_counter()
    job_rows(pod_changed, NOW)
    one_pod = time.perf_counter() - started

    started = time.perf_counter()
    job_rows(pod_changed, NOW + timedelta(seconds=1))
    next_tick = time.perf_counter() - started

    print(f"(c) job_rows for {len(rows):,} jobs with {len(state.collection('pods').objects):,} pods:")
    print(f"    cold {cold * 1000:.1f} ms; after one job change {one_job * 1000:.1f} ms;", end=" ")
    print(f"after one pod change {one_pod * 1000:.1f} ms; next clock tick {next_tick * 1000:.1f} ms")


if __name__ == "__main__":
    throughput()
    coalescing()
    jobs_table()
