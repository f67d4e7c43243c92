"""Shared fixtures: an embedded cluster on a frozen clock, and snapshots kept under snapshots/ at the repo top."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension

from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.fixed_clock import FIXED_START
from tests.paths import SNAPSHOTS


def _snapshot_dirname(cls: type, *, test_location) -> str:
    return str(SNAPSHOTS / test_location.basename)


# The design keeps SVG snapshots in snapshots/ at the top of the repo; the plugin would put them beside each test.
SVGImageExtension.dirname = classmethod(_snapshot_dirname)


@pytest.fixture
def frozen_cluster() -> Iterator[EmbeddedCluster]:
    """The seeded demo cluster with simulated time standing still until a test advances it."""
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def kubeconfig(frozen_cluster: EmbeddedCluster, tmp_path: Path) -> Path:
    return frozen_cluster.write_kubeconfig(tmp_path / "kubeconfig")
