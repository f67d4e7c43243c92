"""What `hyptui --record` costs and how fast `hyptui replay` moves: per-batch recording time (encode, redact, write,
flush) for a busy cluster's watch traffic, the file size, reading it back, and seeking to the end and back.

    python benchmarks/recording_bench.py [events]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hyptui.recording.player import Player
from hyptui.recording.recorder import Recorder
from hyptui.recording.recording_file import read_recording
from hyptui.store.actions import ListLoaded, WatchEvent

START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PODS = 2_000
BATCH = 50  # events the store coalesces into one flush under load


def pod(index: int, rv: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"job-{index // 4}-pod-{index % 4}",
            "namespace": f"hyperpod-ns-team-{index % 3}",
            "resourceVersion": str(rv),
            "labels": {"HPJob": f"job-{index // 4}", "app": "trainer"},
        },
        "spec": {
            "nodeName": f"hyperpod-i-{index % 64:017x}",
            "containers": [{"name": "pytorch", "env": [{"name": "HF_TOKEN", "value": "hf_example_not_a_secret"}]}],
        },
        "status": {"phase": "Running", "containerStatuses": [{"name": "pytorch", "ready": True, "restartCount": 0}]},
    }


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    clock = {"now": START}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "session.jsonl"
        recorder = Recorder(path, context="bench", secrets={"a-kubeconfig-token-1234"})
        recorder.start(lambda: clock["now"])
        recorder.record([ListLoaded("pods", tuple(pod(i, i) for i in range(PODS)), str(PODS))])
        batch_times = []
        for first in range(0, events, BATCH):
            batch = [WatchEvent("pods", "MODIFIED", pod(i % PODS, PODS + i)) for i in range(first, first + BATCH)]
            clock["now"] += timedelta(milliseconds=100)
            began = time.perf_counter()
            recorder.record(batch)
            batch_times.append(time.perf_counter() - began)
        recorder.close()
        size = path.stat().st_size
        per_event = sum(batch_times) / events * 1e6
        print(f"record {events:,} events in batches of {BATCH}: {per_event:.0f} µs per event, ", end="")
        print(f"worst batch {max(batch_times) * 1000:.1f} ms, file {size / 1e6:.1f} MB")

        began = time.perf_counter()
        recording = read_recording(path)
        print(f"read {len(recording.batches):,} batches back: {time.perf_counter() - began:.2f} s")
        player = Player(recording)
        began = time.perf_counter()
        player.seek(recording.duration)
        print(f"seek to the end (reduce every batch): {time.perf_counter() - began:.2f} s")
        began = time.perf_counter()
        player.seek(recording.duration / 2)
        print(f"seek back to the middle (reduce again from the start): {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main()
