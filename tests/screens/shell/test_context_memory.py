"""Per-context memory: the section, the namespace scope and each section's filter come back on the next start for
the same kubeconfig context; -n/-A given on the command line win over the remembered scope."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from hyptui.hyperpod.kinds import NODES
from hyptui.kube.target import KubeTarget
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.settings.context_memory import ContextMemory, load_memory, save_memory
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import all_live, table_keys, wait_until

CONTEXT = "hyptui-sim"


def app_for(cluster: EmbeddedCluster, kubeconfig: Path, memory: Path, **target) -> HyptuiApp:
    return HyptuiApp(KubeTarget(kubeconfig=kubeconfig, **target), clock=cluster.clock.now, memory_path=memory)


def cpu_nodes(cluster: EmbeddedCluster) -> set[str]:
    nodes = cluster.store.list(NODES, label_selector="node.kubernetes.io/instance-type=ml.t3.medium")[0]
    return {node["metadata"]["name"] for node in nodes}


def test_the_file_round_trips_and_a_broken_one_is_an_empty_memory(tmp_path: Path) -> None:
    path = tmp_path / "state" / "contexts.yaml"
    remembered = {"a": ContextMemory("nodes", "*", {"nodes": "t3"}), "b": ContextMemory(section="jobs")}
    save_memory(path, remembered)
    assert load_memory(path) == remembered
    assert ContextMemory(filters={"jobs": "x"}).with_filter("jobs", "") == ContextMemory()
    path.write_text("a: [not, a, mapping]\nb: {section: 3, filters: {jobs: team-a}}\n: broken")
    assert load_memory(path) == {}
    path.write_text("a: [not, a, mapping]\nb: {section: 3, filters: {jobs: team-a, 4: x}}\n")
    assert load_memory(path) == {"b": ContextMemory(filters={"jobs": "team-a"})}


async def test_the_next_start_opens_where_the_last_one_left_off(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "contexts.yaml"
    first = app_for(frozen_cluster, kubeconfig, memory)
    async with first.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: all_live(first), "every watch to go live")
        await pilot.press("slash", *"llama", "enter")
        await pilot.press("2", "slash", *"t3.medium", "enter")
        await wait_until(pilot, lambda: set(table_keys(first)) == cpu_nodes(frozen_cluster), "the CPU nodes")
        await pilot.press("colon", *"ns hyperpod-ns-team-a", "enter")
        await wait_until(pilot, lambda: first.target.namespace == "hyperpod-ns-team-a", "the namespace")
    filters = {"jobs": "llama", "nodes": "t3.medium"}
    assert load_memory(memory) == {CONTEXT: ContextMemory("nodes", "hyperpod-ns-team-a", filters)}

    again = app_for(frozen_cluster, kubeconfig, memory)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(again.screen, NodesScreen), "the nodes section again")
        await wait_until(pilot, lambda: set(table_keys(again)) == cpu_nodes(frozen_cluster), "the filter again")
        assert again.screen.query_one("#filter", Input).value == "t3.medium"
        await wait_until(pilot, lambda: again.target.namespace == "hyperpod-ns-team-a", "the namespace again")
        await pilot.press("1")  # the jobs section's own filter comes back the first time it shows
        await wait_until(pilot, lambda: isinstance(again.screen, JobsScreen), "the jobs section")
        await wait_until(pilot, lambda: again.screen.query_one("#filter", Input).value == "llama", "its filter")
        assert table_keys(again) and all("llama" in key for key in table_keys(again))

    explicit = app_for(frozen_cluster, kubeconfig, memory, all_namespaces=True)  # -A on the command line
    async with explicit.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: all_live(explicit), "every watch to go live")
        await wait_until(pilot, lambda: isinstance(explicit.screen, JobsScreen), "the last section: jobs")
        assert explicit.target.namespace is None and explicit.target.all_namespaces
