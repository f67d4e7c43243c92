"""Spaces read from the embedded cluster's spaces add-on: rows, the detail (and why a space is not available), the
templates, and the WorkspaceConnection request `hyp create hyp-space-access` sends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hyptui.hyperpod.kinds import EVENTS, PODS, WORKSPACE_TEMPLATES, WORKSPACES
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.spaces.seed import SEED_SPACE
from hyptui.store.actions import ListLoaded
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState
from hyptui.views.events import related_event_rows
from hyptui.views.spaces import (
    connection_request,
    connection_url,
    resources_text,
    space_detail,
    space_rows,
    space_status,
    template_description,
    template_rows,
)
from tests.fixed_clock import FIXED_START

MIG = {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"nvidia.com/mig-1g.10gb": "2"}}
BIG_GPU = {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"nvidia.com/gpu": "16"}}


def state_of(cluster: EmbeddedCluster) -> AppState:
    actions = []
    for kind in (WORKSPACES, WORKSPACE_TEMPLATES, PODS, EVENTS):
        items, version = cluster.store.list(kind)
        actions.append(ListLoaded(kind.key, tuple(items), str(version)))
    return reduce_many(EMPTY_STATE, actions)


@pytest.fixture(scope="module")
def cluster() -> EmbeddedCluster:
    """The seeded cluster with a space no node can take, one that is stopped, and one on a queue."""
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), seed=7)
    cluster.tick()

    def create(name: str, namespace: str = "default", labels: dict[str, str] | None = None, **spec: Any) -> None:
        metadata = {"name": name, "labels": labels or {}}
        cluster.store.create(WORKSPACES, {"metadata": metadata, "spec": {"displayName": name, **spec}}, namespace)

    create("big-gpu", resources=BIG_GPU)
    create("parked", desiredStatus="Stopped", appType="code-editor")
    create(
        "queued",
        "hyperpod-ns-team-a",
        labels={"kueue.x-k8s.io/queue-name": "hyperpod-ns-team-a-localqueue"},
        resources=MIG,
        idleShutdown={"enabled": True, "idleTimeoutInMinutes": 90, "detection": {}},
    )
    cluster.advance(90)
    return cluster


def test_rows_say_which_ide_whether_it_is_up_and_what_it_asks_for(cluster: EmbeddedCluster) -> None:
    rows = {row.name: row for row in space_rows(state_of(cluster), cluster.clock.now())}
    assert list(rows) == ["big-gpu", SEED_SPACE, "parked", "queued"]  # by namespace, then name
    seeded = rows[SEED_SPACE]
    assert (seeded.app, seeded.status, seeded.available, seeded.reason) == ("JupyterLab", "Running", "True", "")
    assert seeded.owner_access == "hyptui · Public"
    assert seeded.resources == "1 CPU · 2Gi"
    assert seeded.display_name == "My JupyterLab Space"
    big = rows["big-gpu"]
    assert (big.status, big.available) == ("Pending", "False")
    assert big.reason.startswith("Unschedulable: 0/")
    assert "Insufficient nvidia.com/gpu" in big.reason
    assert (rows["parked"].app, rows["parked"].status, rows["parked"].available) == ("Code Editor", "Stopped", "False")
    assert rows["queued"].resources == "1 CPU · 4Gi · 2 x mig-1g.10gb"


def test_resources_prefer_requests_and_show_gpus_and_mig_slices() -> None:
    assert resources_text(None) == "-"
    assert resources_text({"limits": {"cpu": "4", "memory": "16Gi"}, "requests": {"cpu": "2"}}) == "2 CPU · 16Gi"
    assert resources_text({"limits": {"nvidia.com/gpu": "1", "cpu": "8"}}) == "8 CPU · 1 GPU"
    assert resources_text({"limits": {"nvidia.com/gpu": "0", "nvidia.com/mig-3g.20gb": "1"}}) == "mig-3g.20gb"


def test_the_detail_shows_the_spec_the_add_on_filled_and_why_it_waits(cluster: EmbeddedCluster) -> None:
    state, now = state_of(cluster), cluster.clock.now()
    detail = space_detail(state, ("default", "big-gpu"))
    assert detail is not None
    fields = dict(detail.fields)
    assert fields["Template"] == "jupyter-k8s-system/sagemaker-jupyter-template"  # the default template
    assert fields["Image"] == "public.ecr.aws/sagemaker/sagemaker-distribution:latest-cpu"
    assert fields["Requests"] == "requests cpu=1, memory=4Gi; limits nvidia.com/gpu=16"
    assert fields["Storage"] == "5Gi at /home/sagemaker-user (sagemaker-spaces-default-storage-class)"
    assert fields["Idle shutdown"] == "off"
    conditions = {c.type: (c.status, c.reason) for c in detail.conditions}
    assert conditions["Progressing"] == ("True", "ResourcesNotReady")
    assert "Insufficient nvidia.com/gpu" in detail.reason
    assert detail.pod is not None and fields["Pod"] == f"{detail.pod} on no node · Pending"
    events = related_event_rows(state, "default", WORKSPACES.kind, "big-gpu", [detail.pod], now)
    assert ("Warning", "FailedScheduling") in {(row[1], row[2]) for row in events}

    queued = space_detail(state, ("hyperpod-ns-team-a", "queued"))
    assert queued is not None
    fields = dict(queued.fields)
    assert (fields["Queue"], fields["Priority"]) == ("hyperpod-ns-team-a-localqueue", "-")
    assert fields["Idle shutdown"] == "after 90 min idle"
    seeded = space_detail(state, ("default", SEED_SPACE))
    assert seeded is not None
    assert dict(seeded.fields)["Volumes"] == "fsx-claim at /fsx (fsx)"
    assert dict(seeded.fields)["Owner"] == "arn:aws:sts::123456789012:assumed-role/HyperPodAdmin/hyptui"
    assert seeded.reason == ""
    parked = space_detail(state, ("default", "parked"))
    assert parked is not None and parked.pod is None and dict(parked.fields)["Pod"] == "-"
    assert space_detail(state, ("default", "missing")) is None


def test_a_space_between_stop_and_start_reads_as_such(cluster: EmbeddedCluster) -> None:
    state = state_of(cluster)
    workspace = state.collection(WORKSPACES.key).objects[("default", SEED_SPACE)].raw
    stopping = {**workspace, "spec": {**workspace["spec"], "desiredStatus": "Stopped"}}
    deleting = {**workspace, "metadata": {**workspace["metadata"], "deletionTimestamp": "2026-11-28T10:00:00Z"}}
    assert space_status(stopping, None) == "Stopping"
    assert space_status(deleting, None) == "Deleting"
    assert space_status({"spec": {}, "status": {}}, None) == "Starting"


def test_templates_list_and_describe(cluster: EmbeddedCluster) -> None:
    state = state_of(cluster)
    rows = template_rows(state, cluster.clock.now() + timedelta(days=1))
    assert [(row.name, row.app, row.default) for row in rows] == [
        ("sagemaker-code-editor-template", "Code Editor", False),
        ("sagemaker-jupyter-template", "JupyterLab", True),
    ]
    assert rows[0].resources == "2 CPU · 8Gi"
    jupyter = state.collection(WORKSPACE_TEMPLATES.key).objects[rows[1].key].raw
    described = dict(template_description(jupyter))
    assert described["Access strategy"] == "jupyter-k8s-system/hyperpod-access-strategy"
    assert described["Command"] == "/opt/amazon/sagemaker/workspace/bin/entrypoint-workspace-jupyterlab"


def test_the_connection_request_is_hyps_and_the_url_is_read_back() -> None:
    assert connection_request("team", "nb", "web-ui") == {
        "metadata": {"namespace": "team"},
        "spec": {"workspaceName": "nb", "workspaceConnectionType": "web-ui"},
    }
    with pytest.raises(ValueError, match="choose one of vscode-remote, web-ui"):
        connection_request("team", "nb", "ssh")
    assert connection_url({"status": {"workspaceConnectionUrl": "https://x/bearer-auth"}}) == "https://x/bearer-auth"
    with pytest.raises(ValueError, match="workspaceConnectionUrl"):
        connection_url({"status": {}})
