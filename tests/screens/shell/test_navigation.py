"""The keyboard grammar: sections with their own stacks, `:` commands, marks with one bulk delete, copy, the palette,
user keymaps and themes, read-only mode; against the embedded cluster over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
import yaml
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from hyptui.hyperpod.kinds import NODES, PODS
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.shell.command_bar import CommandBar
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.views.sections import SECTIONS
from tests.screens.helpers import (
    app_with_config,
    cell,
    cluster_job_keys,
    command,
    make_app,
    settle,
    table_keys,
    type_text,
    wait_until,
    widget_text,
)


def node_names(cluster: EmbeddedCluster) -> list[str]:
    return sorted(node["metadata"]["name"] for node in cluster.store.list(NODES)[0])


async def test_sections_keep_their_own_stacks(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "a job's detail")
        detail = app.screen
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes section")
        await wait_until(pilot, lambda: table_keys(app) == node_names(frozen_cluster), "every node")
        await pilot.press("1")
        await wait_until(pilot, lambda: app.screen is detail, "the jobs section, still on the job's detail")


def test_the_app_has_a_screen_for_each_section_of_the_table() -> None:
    assert list(HyptuiApp.MODES) == list(SECTIONS)


async def palette(pilot: Pilot, label: str) -> None:
    """Find `label` in the command palette and run it."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    await type_text(pilot, label)
    found = pilot.app.screen.query_one(CommandList)

    def first_is_label() -> bool:
        return found.option_count > 0 and found.get_option_at_index(0).hit.text == label

    await wait_until(pilot, first_is_label, f"{label!r} first in the palette")
    await pilot.press("enter")


def shows(app: HyptuiApp, section: str) -> Callable[[], bool]:
    """Whether the app is on the section, at its own screen."""
    return lambda: app.current_mode == section and type(app.screen) is HyptuiApp.MODES[section]


async def test_every_section_opens_by_its_keys_its_word_and_the_palette(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        ids = list(SECTIONS)
        for index, section in enumerate(SECTIONS.values()):
            ways = {
                **{f"key {key}": partial(pilot.press, key) for key in section.keys.split(",")},
                f":{section.words[0]}": partial(command, pilot, section.words[0]),
                f"the palette's Go to {section.id}": partial(palette, pilot, f"Go to {section.id}"),
            }
            for way, go in ways.items():
                await app.run_action(f"open_section({ids[index - 1]!r})")  # from the section before it
                await go()
                await wait_until(pilot, shows(app, section.id), f"{way} to open {section.id}")


async def test_colon_commands_switch_filter_and_change_namespace(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await command(pilot, "nodes")
        assert isinstance(app.screen, NodesScreen)
        await command(pilot, "jobs team-b")
        assert isinstance(app.screen, JobsScreen)
        team_b = {key for key in cluster_job_keys(frozen_cluster) if key.startswith("hyperpod-ns-team-b/")}
        await wait_until(pilot, lambda: set(table_keys(app)) == team_b, "only team-b's jobs")
        assert "filter 'team-b'" in widget_text(app.screen.query_one("StatusLine"))

        await pilot.press("escape")
        await command(pilot, "ns hyperpod-ns-team-a")
        team_a = {key for key in cluster_job_keys(frozen_cluster) if key.startswith("hyperpod-ns-team-a/")}
        await wait_until(pilot, lambda: set(table_keys(app)) == team_a, "the team-a namespace only")
        table = app.screen.query_one(ResourceTable)
        assert "namespace" not in [str(key.value) for key in table.columns]
        assert "ns hyperpod-ns-team-a" in widget_text(app.screen.query_one("ConnectionBar"))
        await command(pilot, "ns all")
        await wait_until(pilot, lambda: set(table_keys(app)) == cluster_job_keys(frozen_cluster), "all namespaces")


async def test_a_wrong_command_is_explained_and_the_text_kept(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await command(pilot, "jbos")
        assert isinstance(app.screen, CommandBar)
        assert "unknown command 'jbos'" in widget_text(app.screen.query_one("#command-error"))
        assert app.screen.query_one("#command").value == "jbos"
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)


async def test_marked_rows_are_deleted_with_one_confirmation(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        first, second, *rest = table_keys(app)
        await pilot.press("space", "space")  # marks a row and moves down, twice
        assert app.screen.query_one(ResourceTable).marked_keys == [first, second]
        assert cell(app, first, "name").startswith("● ")
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        question = widget_text(app.screen.query_one("#question"))
        assert "Delete these 2 hyperpodpytorchjobs?" in question and first in question and second in question
        await pilot.press("y")
        await wait_until(pilot, lambda: set(table_keys(app)) == set(rest), "both rows to go")
        assert cluster_job_keys(frozen_cluster) == set(rest)


async def test_copy_puts_the_selected_name_on_the_clipboard(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("c")
        assert app.clipboard == table_keys(app)[0].split("/")[1]


async def test_the_palette_runs_a_verb_by_name(frozen_cluster, kubeconfig: Path) -> None:
    from hyptui.screens.shell.yaml_view import YamlScreen

    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"YAML")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "the YAML view, run from the palette")


@pytest.mark.parametrize(
    ("keymap", "old_key", "new_key", "reached", "what"),
    [
        ("delete: x", "ctrl+d", "x", lambda app: isinstance(app.screen, ConfirmModal), "the delete confirmation"),
        ("section_nodes: j", "2", "j", lambda app: shows(app, "nodes")(), "the nodes section"),
    ],
    ids=["a verb", "a section"],
)
async def test_a_user_keymap_rebinds_a_verb(
    frozen_cluster,
    kubeconfig: Path,
    tmp_path: Path,
    keymap: str,
    old_key: str,
    new_key: str,
    reached: Callable[[HyptuiApp], bool],
    what: str,
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"keymap:\n  {keymap}\n")
    app = app_with_config(frozen_cluster, kubeconfig, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press(old_key)
        await pilot.pause()
        assert isinstance(app.screen, JobsScreen)
        await pilot.press(new_key)
        await wait_until(pilot, lambda: reached(app), f"{what} on {new_key}")


async def test_a_bad_config_starts_with_defaults_and_says_why(frozen_cluster, kubeconfig: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("keymap:\n  destroy: x\n")
    app = app_with_config(frozen_cluster, kubeconfig, config)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot, frozen_cluster)
        messages = [notification.message for notification in app._notifications]
        assert any("keymap: unknown verb 'destroy'" in message for message in messages)
        assert app.theme == "hyptui-dark"


async def test_the_chosen_theme_is_remembered(frozen_cluster, kubeconfig: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("aliases:\n  b: jobs team-b\n")
    app = app_with_config(frozen_cluster, kubeconfig, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("ctrl+p")  # switched live from the palette, as a presenter would before a talk
        await pilot.pause()
        await pilot.press(*"theme")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await pilot.press(*"high-contrast")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme == "hyptui-high-contrast", "the theme picked in the palette")
        assert app.get_css_variables()["status-suspended"] == "#ff5fff"
    assert yaml.safe_load(config.read_text()) == {"aliases": {"b": "jobs team-b"}, "theme": "hyptui-high-contrast"}
    again = app_with_config(frozen_cluster, kubeconfig, config)
    assert again.theme == "hyptui-high-contrast"


def test_no_color_picks_the_monochrome_theme(frozen_cluster, kubeconfig: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert make_app(frozen_cluster, kubeconfig).theme == "hyptui-monochrome"


async def test_nodes_show_health_and_gpu_use_and_a_fault_stands_out(frozen_cluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("2")
        await wait_until(pilot, lambda: table_keys(app) == node_names(frozen_cluster), "every node")
        gpu_nodes = [n for n in frozen_cluster.store.list(NODES)[0] if n["status"]["allocatable"].get("nvidia.com/gpu")]
        busy = frozen_cluster.store.list(PODS, field_selector=f"spec.nodeName={gpu_nodes[0]['metadata']['name']}")[0]
        target = gpu_nodes[0]["metadata"]["name"]
        assert cell(app, target, "instance_type") == "ml.g5.12xlarge"
        assert cell(app, target, "health") == "Schedulable"
        assert cell(app, target, "gpus").endswith("/4")
        assert cell(app, target, "pods") == str(sum(p["status"]["phase"] not in ("Succeeded", "Failed") for p in busy))
        frozen_cluster.store.patch(
            NODES,
            None,
            target,
            {"metadata": {"labels": {"sagemaker.amazonaws.com/node-health-status": "UnschedulablePendingReplacement"}}},
            "application/merge-patch+json",
        )
        await wait_until(pilot, lambda: cell(app, target, "health") == "UnschedulablePendingReplacement", "the fault")
        table = app.screen.query_one(ResourceTable)
        health = table.get_cell(target, "health")
        assert health.style == table.get_component_rich_style("tone--bad", partial=True)


async def test_ctx_switches_to_another_cluster_of_the_kubeconfig(frozen_cluster, tmp_path: Path) -> None:
    from hyptui.sim.clock import SimClock
    from hyptui.sim.kubeconfig import sim_kubeconfig
    from tests.fixed_clock import FIXED_START

    other = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), populate=False)
    other.store.create(NODES, {"metadata": {"name": "lonely-node"}})
    other.start()
    try:
        config = sim_kubeconfig(frozen_cluster.url, frozen_cluster.kube_user, frozen_cluster.ca_pem)
        second = sim_kubeconfig(other.url, other.kube_user, other.ca_pem)  # the same account and cluster name
        config["clusters"].append({"name": "other", "cluster": second["clusters"][0]["cluster"]})
        config["contexts"].append({"name": "other", "context": {"cluster": "other", "user": "hyptui-sim"}})
        kubeconfig = tmp_path / "two-clusters"
        kubeconfig.write_text(yaml.safe_dump(config))
        app = make_app(frozen_cluster, kubeconfig)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, frozen_cluster)
            await command(pilot, "ctx nowhere")
            assert "no context 'nowhere' in the kubeconfig; it has hyptui-sim, other" in widget_text(
                app.screen.query_one("#command-error")
            )
            await pilot.press("escape")
            await command(pilot, "ctx other")
            await wait_until(pilot, lambda: table_keys(app) == [], "the other cluster's (empty) job list")
            await wait_until(
                pilot, lambda: "⎈ other" in widget_text(app.screen.query_one("ConnectionBar")), "the new context"
            )
            await pilot.press("2")
            await wait_until(pilot, lambda: table_keys(app) == ["lonely-node"], "the other cluster's node")
            await command(pilot, "ctx hyptui-sim")
            await wait_until(pilot, lambda: table_keys(app) == node_names(frozen_cluster), "back on the first")
    finally:
        other.stop()
