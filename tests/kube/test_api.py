"""How KubeApi reaches the API server: kubectl's proxy rules, over TLS to the embedded cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hyptui.hyperpod.kinds import NODES
from hyptui.kube.api import KubeApi
from hyptui.kube.kubeconfig import KubeConfigError
from hyptui.kube.target import KubeTarget
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.fixed_clock import FIXED_START

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, a request sent there would fail


@pytest.fixture
def cluster() -> Iterator[EmbeddedCluster]:
    with EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), populate=True) as running:
        yield running


async def node_count(kubeconfig: Path) -> int:
    api = await KubeApi.connect(KubeTarget(kubeconfig=kubeconfig))
    try:
        return len((await api.get_json(NODES.collection_path(None)))["items"])
    finally:
        await api.close()


async def test_a_loopback_server_is_never_reached_through_the_environments_proxy(
    cluster: EmbeddedCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(variable, DEAD_PROXY)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert await node_count(cluster.write_kubeconfig(tmp_path / "kubeconfig")) == 10


async def test_the_kubeconfigs_proxy_url_is_used(cluster: EmbeddedCluster, tmp_path: Path) -> None:
    kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
    config = yaml.safe_load(kubeconfig.read_text())
    config["clusters"][0]["cluster"]["proxy-url"] = DEAD_PROXY
    kubeconfig.write_text(yaml.safe_dump(config))
    with pytest.raises(OSError, match=r"127\.0\.0\.1:9 "):  # the proxy, not the cluster, was what could not be reached
        await node_count(kubeconfig)
    config["clusters"][0]["cluster"]["proxy-url"] = "socks5://127.0.0.1:1080"
    kubeconfig.write_text(yaml.safe_dump(config))
    with pytest.raises(KubeConfigError, match="socks5"):
        await node_count(kubeconfig)
