"""A short recorded session made without an app, for the replay screen's tests: the seeded cluster listed, then a job
created, run and deleted, every step one batch, 10 recorded seconds and some simulated minutes apart."""

from __future__ import annotations

import copy
from pathlib import Path

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.recording.recorder import Recorder
from hyptui.recording.recording_file import Recording, read_recording
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.kubeconfig import SIM_CONTEXT
from hyptui.store.actions import Action, Connected, ListLoaded, WatchEvent, WatchStatusChanged
from hyptui.store.state import Connection, WatchPhase, WatchStatus
from tests.fixed_clock import FIXED_START
from tests.job_manifests import cpu_job

KINDS = (HYPERPOD_PYTORCH_JOBS, NODES, PODS, EVENTS)
SERVER = "https://127.0.0.1:6443"  # fixed, so snapshots do not depend on the test cluster's port
JOB = "replayed-job"
JOB_KEY = f"hyperpod-ns-team-b/{JOB}"
STEP_SECONDS = 10.0
BATCHES = 4
DURATION = 50.0  # the end line comes a step after the last batch


def recorded_session(path: Path) -> Recording:
    """The session recorded against a fresh seeded cluster on a frozen clock (never served: nothing listens)."""
    return read_recording(record_session(path, EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)))


def record_session(path: Path, cluster: EmbeddedCluster) -> Path:
    wall = [0.0]
    recorder = Recorder(path, context=SIM_CONTEXT, monotonic=lambda: wall[0])
    recorder.start(cluster.clock.now)
    seen: list[Action] = []
    keys = {kind.key for kind in KINDS}
    cluster.store.subscribe(
        lambda change, kind, obj: (
            seen.append(WatchEvent(kind.key, change, copy.deepcopy(obj))) if kind.key in keys else None
        )
    )

    def batch(actions: list[Action]) -> None:
        wall[0] += STEP_SECONDS
        recorder.record(actions)

    listed: list[Action] = [Connected(Connection(SIM_CONTEXT, SIM_CONTEXT, SIM_CONTEXT, None, SERVER))]
    for kind in KINDS:
        items, version = cluster.store.list(kind)
        listed.append(ListLoaded(kind.key, tuple(items), str(version)))
        listed.append(WatchStatusChanged(kind.key, WatchStatus(WatchPhase.LIVE, None, cluster.clock.now())))
    batch(listed)

    def step(change) -> None:
        seen.clear()
        change()
        batch(list(seen))

    step(lambda: (cluster.store.create(HYPERPOD_PYTORCH_JOBS, cpu_job(JOB)), cluster.tick()))
    step(lambda: cluster.advance(120))
    step(lambda: (cluster.store.delete(HYPERPOD_PYTORCH_JOBS, "hyperpod-ns-team-b", JOB), cluster.advance(5)))
    wall[0] += STEP_SECONDS
    recorder.close()
    return path
