"""The spaces section against the embedded cluster: create a space from the form, watch it become available, get a
VS Code and a web UI URL (each a WorkspaceConnection the add-on answered), stop, start and delete it; a space no node
can take stays Progressing with the scheduler's reason; the detail, its log and the templates view."""

from __future__ import annotations

import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from hyptui.hyperpod.kinds import PODS, WORKSPACE_CONNECTIONS, WORKSPACES
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.shell.yaml_view import YamlScreen
from hyptui.screens.spaces.access import AccessModal
from hyptui.screens.spaces.detail import SpaceDetailScreen
from hyptui.screens.spaces.list import SpacesScreen
from hyptui.screens.spaces.templates import SpaceTemplatesScreen
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.spaces.seed import SEED_SPACE
from tests.screens.forms import form, pick, tab_to
from tests.screens.helpers import cell, make_app, table_keys, type_text, wait_until, widget_text
from tests.screens.spaces.steps import BIG_GPU, SEEDED, open_spaces, select

TEAM = "hyperpod-ns-team-a"
NEW = f"{TEAM}/team-notebook"
WORKSPACE_LABEL = "workspace.jupyter.org/workspace-name"


def space_pods(cluster: EmbeddedCluster, key: str) -> list[dict[str, Any]]:
    namespace, name = key.split("/")
    pods, _ = cluster.store.list(PODS, namespace, label_selector=f"{WORKSPACE_LABEL}={name}")
    return pods


@pytest.fixture
def connections(frozen_cluster: EmbeddedCluster) -> Iterator[list[dict[str, Any]]]:
    """Every WorkspaceConnection the add-on answered, as the sim's API server returned it."""
    answered: list[dict[str, Any]] = []

    def record(response: dict[str, Any], namespace: str | None) -> dict[str, Any]:
        answered.append(response)
        return response

    withdraw = frozen_cluster.store.admit(WORKSPACE_CONNECTIONS, record)
    yield answered
    withdraw()


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    def none(using: str | None = None) -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none)


async def fill_space(pilot: Pilot) -> None:
    await tab_to(pilot, "name")
    await type_text(pilot, "team-notebook")
    await pilot.press("tab")
    await type_text(pilot, "Team notebook")
    await pick(pilot, "namespace", "hyperpod-ns-team-a", TEAM)
    template = {"name": "sagemaker-code-editor-template", "namespace": "jupyter-k8s-system"}
    await pick(pilot, "template_ref", "{'name': 'sagemaker-c", template)
    await tab_to(pilot, "resources")
    await type_text(pilot, "{'requests': {'cpu': '1', 'memory': '2Gi'}}")
    await tab_to(pilot, "volumes")
    await type_text(pilot, "- {'name': 'fsx', 'mountPath': '/fsx', 'persistentVolumeClaimName': 'fsx-claim'}")
    await tab_to(pilot, "node_selector")
    await type_text(pilot, "{'node.kubernetes.io/instance-type': 'ml.t3.medium'}")
    await tab_to(pilot, "idle_shutdown")
    await type_text(pilot, "{'enabled': True, 'idleTimeoutInMinutes': 120, 'detection': {}}")
    await pick(pilot, "queue_name", "h", f"{TEAM}-localqueue")
    await pick(pilot, "priority", "e", "experimentation-priority")
    status = form(pilot).query_one("StatusLine")
    await wait_until(pilot, lambda: "  ·  valid" in widget_text(status), "the space form to validate")


async def access(pilot: Pilot, key: str, connections: list[dict[str, Any]]) -> str:
    before = len(connections)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, AccessModal), "the access URL")
    modal = pilot.app.screen
    assert isinstance(modal, AccessModal)
    assert len(connections) == before + 1
    url = connections[-1]["status"]["workspaceConnectionUrl"]
    assert modal.url == url
    assert url in widget_text(modal.query_one("#access-url")).replace("\n", "")
    assert pilot.app.clipboard == url  # what OSC 52 carried
    assert not modal.query("#open-browser")  # no browser on this machine: nothing to offer
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SpacesScreen), "the modal to close")
    return url


async def test_create_access_stop_start_and_delete_a_space(
    frozen_cluster: EmbeddedCluster,
    kubeconfig: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    connections: list[dict[str, Any]],
    no_browser: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 50)) as pilot:
        await open_spaces(pilot, frozen_cluster)
        assert cell(app, SEEDED, "app") == "JupyterLab"
        assert cell(app, SEEDED, "status") == "Running"
        assert cell(app, SEEDED, "resources") == "1 CPU · 2Gi"

        await pilot.press("n")
        await wait_until(pilot, lambda: form_open(pilot), "the space form")
        await fill_space(pilot)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, SpacesScreen), "the form to close after create")
        await wait_until(pilot, lambda: NEW in table_keys(app), "the new space in the table")
        assert cell(app, NEW, "app") == "Code Editor"  # from the template picked
        assert cell(app, NEW, "owner_access") == "hyptui · Public"

        workspace = frozen_cluster.store.get(WORKSPACES, TEAM, "team-notebook")
        assert workspace["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == f"{TEAM}-localqueue"
        assert workspace["metadata"]["labels"]["kueue.x-k8s.io/priority-class"] == "experimentation-priority"
        assert workspace["spec"]["volumes"] == [
            {"name": "fsx", "mountPath": "/fsx", "persistentVolumeClaimName": "fsx-claim"}
        ]
        assert workspace["spec"]["idleShutdown"]["idleTimeoutInMinutes"] == 120
        assert (tmp_path / "team-notebook" / "config.yaml").is_file()

        frozen_cluster.advance(60)
        await wait_until(pilot, lambda: cell(app, NEW, "status") == "Running", "the space to run")
        assert cell(app, NEW, "available") == "True"
        [pod] = space_pods(frozen_cluster, NEW)
        assert pod["spec"]["nodeSelector"] == {"node.kubernetes.io/instance-type": "ml.t3.medium"}

        select(pilot, NEW)
        remote = await access(pilot, "a", connections)
        assert remote.startswith("vscode://amazonwebservices.aws-toolkit-vscode/connect/workspace?")
        assert "workspaceName=team-notebook&namespace=hyperpod-ns-team-a" in remote
        web = await access(pilot, "A", connections)
        assert web.startswith("https://team-notebook-") and "/bearer-auth?token=" in web
        assert [c["spec"]["workspaceConnectionType"] for c in connections] == ["vscode-remote", "web-ui"]

        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the stop question")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: frozen_cluster.store.get(WORKSPACES, TEAM, "team-notebook")["spec"]["desiredStatus"] == "Stopped",
            "the stop patch",
        )
        frozen_cluster.advance(1)
        await wait_until(pilot, lambda: cell(app, NEW, "status") == "Stopped", "the space to stop")
        assert space_pods(frozen_cluster, NEW) == []
        assert cell(app, NEW, "available") == "False"

        await pilot.press("s")
        await wait_until(
            pilot,
            lambda: frozen_cluster.store.get(WORKSPACES, TEAM, "team-notebook")["spec"]["desiredStatus"] == "Running",
            "the start patch",
        )
        frozen_cluster.advance(60)
        await wait_until(pilot, lambda: cell(app, NEW, "status") == "Running", "the space to run again")
        assert len(space_pods(frozen_cluster, NEW)) == 1

        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the delete question")
        assert "Delete Workspace team-notebook in hyperpod-ns-team-a?" in widget_text(app.screen.query_one("#question"))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SpacesScreen), "the question to close")
        frozen_cluster.advance(1)
        await wait_until(pilot, lambda: NEW not in table_keys(app), "the space to leave the table")
        with pytest.raises(ApiError):
            frozen_cluster.store.get(WORKSPACES, TEAM, "team-notebook")
        assert space_pods(frozen_cluster, NEW) == []


def form_open(pilot: Pilot) -> bool:
    from hyptui.screens.configs.form import ConfigFormScreen

    return isinstance(pilot.app.screen, ConfigFormScreen) and pilot.app.screen.spec.name == "hyp-space"


def create_big_gpu_space(cluster: EmbeddedCluster) -> None:
    workspace = {"metadata": {"name": "big-gpu"}, "spec": {"displayName": "Too big", "resources": BIG_GPU}}
    cluster.store.create(WORKSPACES, workspace, "default")
    cluster.advance(120)


async def test_a_gpu_no_node_has_keeps_the_space_progressing_with_the_reason(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    create_big_gpu_space(frozen_cluster)
    app = make_app(frozen_cluster, kubeconfig)
    key = "default/big-gpu"
    async with app.run_test(size=(170, 45)) as pilot:
        screen = await open_spaces(pilot, frozen_cluster)
        await wait_until(pilot, lambda: key in table_keys(app), "the GPU space")
        assert cell(app, key, "status") == "Pending"
        assert cell(app, key, "available") == "False"
        assert cell(app, key, "resources") == "1 CPU · 4Gi · 16 GPU"
        select(pilot, key)
        summary = screen.query_one("#space-summary", Static)
        await wait_until(pilot, lambda: "Insufficient nvidia.com/gpu" in widget_text(summary), "the reason")

        await pilot.press("a")  # the add-on refuses a connection to a space that is not available
        await wait_until(
            pilot,
            lambda: any("workspace is not available" in str(n.message) for n in app._notifications),
            "the add-on's refusal",
        )
        assert not isinstance(app.screen, AccessModal)

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SpaceDetailScreen), "the detail")
        detail = app.screen
        conditions = detail.query_one("#conditions", StaticTable)
        await wait_until(pilot, lambda: conditions.row_count == 5, "the conditions")
        rows = {str(conditions.get_row_at(i)[0]): [str(v) for v in conditions.get_row_at(i)] for i in range(5)}
        assert rows["Progressing"][1:3] == ["True", "ResourcesNotReady"]
        assert rows["Available"][1:3] == ["False", "ResourcesNotReady"]
        reason = widget_text(detail.query_one("#space-reason"))
        assert "Unschedulable" in reason and "Insufficient nvidia.com/gpu" in reason
        events = detail.query_one("#events", StaticTable)
        assert any(str(events.get_row_at(i)[2]) == "FailedScheduling" for i in range(events.row_count))


async def test_detail_log_and_templates(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 45)) as pilot:
        await open_spaces(pilot, frozen_cluster)
        select(pilot, SEEDED)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SpaceDetailScreen), "the detail")
        spec = app.screen.query_one("#spec")
        await wait_until(pilot, lambda: "fsx-claim at /fsx" in widget_text(spec), "the spec")
        text = widget_text(spec)
        assert "default/sagemaker-jupyter-template" not in text
        assert "jupyter-k8s-system/sagemaker-jupyter-template" in text
        assert "node.kubernetes.io/instance-type=ml.t3.medium" in text
        assert "5Gi at /home/sagemaker-user" in text
        assert not app.screen.query_one("#space-reason").display
        [pod] = space_pods(frozen_cluster, SEEDED)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, PodLogScreen), "the IDE's log")
        assert app.screen.pods == (pod["metadata"]["name"],)
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SpacesScreen), "back to the list")

        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, SpaceTemplatesScreen), "the templates")
        await wait_until(pilot, lambda: len(table_keys(app)) == 2, "both templates")
        assert table_keys(app) == [
            "jupyter-k8s-system/sagemaker-code-editor-template",
            "jupyter-k8s-system/sagemaker-jupyter-template",
        ]
        assert cell(app, "jupyter-k8s-system/sagemaker-jupyter-template", "default") == "yes"
        describe = app.screen.query_one("#template-describe")
        await wait_until(pilot, lambda: "SageMaker Code Editor" in widget_text(describe), "the description")
        assert "5Gi (from 1Gi to 100Gi) at /home/sagemaker-user" in widget_text(describe)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "the template's YAML")


async def test_access_offers_a_local_browser_when_there_is_one(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    class Browser(webbrowser.BackgroundBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda using=None: Browser("firefox"))
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(170, 45)) as pilot:
        await open_spaces(pilot, frozen_cluster)
        select(pilot, SEEDED)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AccessModal), "the access URL")
        modal = app.screen
        assert modal.query_one("#open-browser")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, SpacesScreen), "the modal to close")
        assert opened == [modal.url]
        assert modal.url.startswith(f"https://{SEED_SPACE}-")
