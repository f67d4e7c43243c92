"""The simulated spaces add-on on a frozen clock: the Workspace webhook's template defaults, the workspace controller's
pods, conditions, events, logs and idle shutdown, and WorkspaceConnection URLs over HTTP as `hyp` asks for them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from kubernetes import client
from kubernetes.client.rest import ApiException

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import EVENTS, NAMESPACES, NODES, PODS, WORKSPACE_CONNECTIONS, WORKSPACES
from hyptui.hyperpod.labels import CREATED_BY_ANNOTATION
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.server import ApiServer
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.hyperpod_nodes import make_node
from hyptui.sim.spaces.connections import EKS_CLUSTER_ARN, WEB_UI_DOMAIN, namespace_label
from hyptui.sim.spaces.operator import LAST_ACTIVITY_ANNOTATION, SpacesOperator
from hyptui.sim.spaces.seed import CODE_EDITOR_TEMPLATE, DISTRIBUTION_CPU_IMAGE, create_space_templates
from hyptui.sim.spaces.webhook import SIMULATED_CALLER
from tests.sim.api_server import SIM_START

NS = "default"
CPU_NODE = "hyperpod-i-0000000000000000a"
GPU_NODE = "hyperpod-i-0000000000000000b"
MIG_NODE = "hyperpod-i-0000000000000000c"
MIG_PROFILE = "nvidia.com/mig-1g.10gb"


@dataclass
class Sim:
    clock: SimClock
    store: ObjectStore
    logs: LogStore
    operator: SpacesOperator

    def run(self, seconds: float, step: float = 1.0) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            self.clock.advance(step)
            self.operator.tick(self.clock.now())
            elapsed += step

    def workspace(self, name: str) -> dict[str, Any]:
        return self.store.get(WORKSPACES, NS, name)

    def conditions(self, name: str) -> dict[str, tuple[str, str]]:
        return {c["type"]: (c["status"], c["reason"]) for c in self.workspace(name)["status"]["conditions"]}

    def pods(self, name: str) -> list[dict[str, Any]]:
        return self.store.list(PODS, NS, label_selector=f"workspace.jupyter.org/workspace-name={name}")[0]

    def reasons(self, name: str) -> list[str]:
        events, _ = self.store.list(EVENTS, NS, field_selector=f"involvedObject.name={name}")
        return [e["reason"] for e in sorted(events, key=lambda e: (e["lastTimestamp"], e["metadata"]["name"]))]

    def create(self, name: str, **spec: Any) -> dict[str, Any]:
        return self.store.create(WORKSPACES, {"metadata": {"name": name}, "spec": {"displayName": name, **spec}}, NS)


def _node(name: str, instance_type: str, ip: str) -> dict[str, Any]:
    return make_node(
        name, instance_type, "ml-cluster", "group", zone="us-east-2b", internal_ip=ip, created_at=SIM_START
    )


def build_store(store: ObjectStore) -> None:
    store.create(NAMESPACES, {"metadata": {"name": NS}})
    create_space_templates(store)
    store.create(NODES, _node(CPU_NODE, "ml.t3.medium", "10.1.0.10"))
    store.create(NODES, _node(GPU_NODE, "ml.g5.12xlarge", "10.1.0.11"))
    mig = _node(MIG_NODE, "ml.p5.48xlarge", "10.1.0.12")
    for quantities in (mig["status"]["capacity"], mig["status"]["allocatable"]):
        quantities[MIG_PROFILE] = "7"
    store.create(NODES, mig)


@pytest.fixture
def sim() -> Iterator[Sim]:
    clock = SimClock(start=SIM_START, speed=0)
    store = ObjectStore(clock)
    build_store(store)
    logs = LogStore()
    operator = SpacesOperator(store, logs)
    try:
        yield Sim(clock, store, logs, operator)
    finally:
        operator.close()


SMALL = {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "500m", "memory": "1Gi"}}
CPU_SELECTOR = {"node.kubernetes.io/instance-type": "ml.t3.medium"}
FSX = [{"name": "fsx", "mountPath": "/fsx", "persistentVolumeClaimName": "fsx-claim"}]


def test_a_running_space_gets_a_pod_then_turns_available(sim: Sim) -> None:
    created = sim.create("notebook", resources=SMALL, nodeSelector=CPU_SELECTOR, volumes=FSX)
    # The webhook's defaults are in the create response already.
    assert created["spec"]["desiredStatus"] == "Running"
    assert created["spec"]["image"] == DISTRIBUTION_CPU_IMAGE
    assert created["metadata"]["annotations"][CREATED_BY_ANNOTATION] == SIMULATED_CALLER
    sim.run(1)
    assert sim.conditions("notebook") == {
        "Available": ("False", "ResourcesNotReady"),
        "Progressing": ("True", "ResourcesNotReady"),
        "Degraded": ("False", "NoError"),
        "Stopped": ("False", "DesiredStateRunning"),
        "Deleting": ("False", "DesiredStateRunning"),
    }
    [pod] = sim.pods("notebook")
    assert pod["metadata"]["name"].startswith("workspace-notebook-")
    assert pod["spec"]["nodeName"] == CPU_NODE
    [container] = pod["spec"]["containers"]
    assert container["name"] == "workspace"
    assert container["command"] == ["/opt/amazon/sagemaker/workspace/bin/entrypoint-workspace-jupyterlab"]
    assert {m["name"]: m["mountPath"] for m in container["volumeMounts"]} == {
        "workspace-storage": "/home/sagemaker-user",
        "fsx": "/fsx",
    }
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]}
    assert claims == {"workspace-storage": "workspace-notebook-pvc", "fsx": "fsx-claim"}
    sim.run(60)
    assert sim.conditions("notebook")["Available"] == ("True", "ResourcesReady")
    assert sim.conditions("notebook")["Progressing"] == ("False", "ResourcesReady")
    assert sim.workspace("notebook")["status"]["deploymentName"] == "workspace-notebook"
    [pod] = sim.pods("notebook")
    assert pod["status"]["phase"] == "Running"
    assert sim.reasons(pod["metadata"]["name"]) == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert sim.reasons("notebook") == ["WorkspaceRunning"]
    log = "\n".join(sim.logs.read(NS, pod["metadata"]["name"], "workspace"))
    assert "Jupyter Server" in log and "is running at:" in log


def test_stop_removes_the_pod_and_start_brings_a_new_one(sim: Sim) -> None:
    sim.create("notebook", resources=SMALL, nodeSelector=CPU_SELECTOR)
    sim.run(60)
    [first] = sim.pods("notebook")
    sim.store.patch(WORKSPACES, NS, "notebook", {"spec": {"desiredStatus": "Stopped"}}, "application/merge-patch+json")
    sim.run(1)
    assert sim.pods("notebook") == []
    assert sim.conditions("notebook")["Stopped"] == ("True", "AllResourcesStopped")
    assert sim.conditions("notebook")["Available"] == ("False", "DesiredStateStopped")
    assert "deploymentName" not in sim.workspace("notebook")["status"]
    assert sim.reasons("notebook") == ["WorkspaceRunning", "WorkspaceStopped"]
    sim.store.patch(WORKSPACES, NS, "notebook", {"spec": {"desiredStatus": "Running"}}, "application/merge-patch+json")
    sim.run(60)
    [second] = sim.pods("notebook")
    assert second["metadata"]["uid"] != first["metadata"]["uid"]
    assert sim.conditions("notebook")["Available"] == ("True", "ResourcesReady")


def test_idle_shutdown_after_the_timeout_without_activity(sim: Sim) -> None:
    idle = {"enabled": True, "idleTimeoutInMinutes": 30, "detection": {}}
    sim.create("notebook", resources=SMALL, nodeSelector=CPU_SELECTOR, idleShutdown=idle)
    sim.run(60)
    available_at = sim.workspace("notebook")["status"]["conditions"][0]["lastTransitionTime"]
    sim.run(20 * 60, step=60)
    # Activity 20 minutes in moves the deadline; "now" is stamped with the current time.
    sim.store.patch(
        WORKSPACES,
        NS,
        "notebook",
        {"metadata": {"annotations": {LAST_ACTIVITY_ANNOTATION: "now"}}},
        "application/merge-patch+json",
    )
    sim.run(1)
    stamped = sim.workspace("notebook")["metadata"]["annotations"][LAST_ACTIVITY_ANNOTATION]
    assert stamped == rfc3339(sim.clock.now())
    sim.run(25 * 60, step=60)
    assert sim.conditions("notebook")["Available"] == ("True", "ResourcesReady")
    sim.run(10 * 60, step=60)
    workspace = sim.workspace("notebook")
    assert workspace["spec"]["desiredStatus"] == "Stopped"
    assert sim.pods("notebook") == []
    assert sim.conditions("notebook")["Stopped"] == ("True", "AllResourcesStopped")
    assert "IdleShutdown" in sim.reasons("notebook")
    # Stopped exactly 30 minutes after the last activity, which came after the space became available.
    stopped_at = workspace["status"]["conditions"][0]["lastTransitionTime"]
    assert stopped_at == rfc3339(datetime.fromisoformat(stamped) + timedelta(minutes=30))
    assert stamped > available_at


def test_delete_cleans_up_the_pod_and_the_workspace(sim: Sim) -> None:
    sim.create("notebook", resources=SMALL, nodeSelector=CPU_SELECTOR)
    sim.run(60)
    assert sim.workspace("notebook")["metadata"]["finalizers"] == ["workspace.jupyter.org/workspace-protection"]
    sim.store.delete(WORKSPACES, NS, "notebook")
    assert sim.workspace("notebook")["metadata"]["deletionTimestamp"]
    sim.run(1)
    assert sim.pods("notebook") == []
    with pytest.raises(ApiError) as missing:
        sim.workspace("notebook")
    assert missing.value.code == 404


def test_a_gpu_no_node_has_leaves_the_space_progressing(sim: Sim) -> None:
    resources = {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"nvidia.com/gpu": "16"}}
    sim.create("big-gpu", resources=resources)
    sim.run(120)
    assert sim.conditions("big-gpu")["Progressing"] == ("True", "ResourcesNotReady")
    assert sim.conditions("big-gpu")["Available"] == ("False", "ResourcesNotReady")
    [pod] = sim.pods("big-gpu")
    scheduled = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (scheduled["status"], scheduled["reason"]) == ("False", "Unschedulable")
    assert "Insufficient nvidia.com/gpu" in scheduled["message"]
    assert "FailedScheduling" in sim.reasons(pod["metadata"]["name"])


def test_a_mig_slice_lands_on_the_node_that_offers_it(sim: Sim) -> None:
    resources = {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {MIG_PROFILE: "1"}}
    sim.create("mig", resources=resources)
    sim.run(60)
    [pod] = sim.pods("mig")
    assert pod["spec"]["nodeName"] == MIG_NODE
    assert pod["spec"]["containers"][0]["resources"]["requests"][MIG_PROFILE] == "1"
    assert sim.conditions("mig")["Available"] == ("True", "ResourcesReady")


def test_template_defaults_fill_only_what_the_space_leaves_unset(sim: Sim) -> None:
    reference = {"name": CODE_EDITOR_TEMPLATE, "namespace": "jupyter-k8s-system"}
    labels = {"kueue.x-k8s.io/queue-name": "hyperpod-ns-team-a-localqueue"}
    workspace = {
        "metadata": {"name": "editor", "labels": labels},
        "spec": {"displayName": "Editor", "templateRef": reference, "resources": SMALL, "nodeSelector": CPU_SELECTOR},
    }
    created = sim.store.create(WORKSPACES, workspace, NS)
    assert created["spec"]["appType"] == "code-editor"
    assert created["spec"]["resources"] == SMALL
    assert created["spec"]["storage"]["size"] == "5Gi"
    assert created["metadata"]["labels"]["workspace.jupyter.org/template-name"] == CODE_EDITOR_TEMPLATE
    sim.run(60)
    [pod] = sim.pods("editor")
    # Task governance labels travel to the pod, where Kueue looks for them.
    assert pod["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == "hyperpod-ns-team-a-localqueue"
    log = "\n".join(sim.logs.read(NS, pod["metadata"]["name"], "workspace"))
    assert "Web UI available at" in log
    with pytest.raises(ApiError) as refused:
        sim.create("orphan", templateRef={"name": "missing"})
    assert refused.value.code == 403
    assert "not found" in refused.value.message


def test_a_gated_pod_waits_for_its_gates(sim: Sim) -> None:
    sim.create("queued", resources=SMALL, nodeSelector=CPU_SELECTOR)
    sim.run(1)
    [pod] = sim.pods("queued")
    name = pod["metadata"]["name"]
    sim.store.delete(PODS, NS, name)
    gated = {key: value for key, value in pod.items() if key != "status"}
    gated["metadata"] = {k: v for k, v in pod["metadata"].items() if k in ("name", "labels", "ownerReferences")}
    gated["spec"] = {**pod["spec"], "schedulingGates": [{"name": "kueue.x-k8s.io/admission"}]}
    gated["spec"].pop("nodeName")
    sim.store.create(PODS, gated, NS)
    sim.run(60)
    scheduled = next(c for c in sim.store.get(PODS, NS, name)["status"]["conditions"] if c["type"] == "PodScheduled")
    assert scheduled["reason"] == "SchedulingGated"
    assert sim.conditions("queued")["Progressing"] == ("True", "ResourcesNotReady")
    sim.store.patch(PODS, NS, name, {"spec": {"schedulingGates": None}}, "application/merge-patch+json")
    sim.run(60)
    assert sim.store.get(PODS, NS, name)["spec"]["nodeName"] == CPU_NODE
    assert sim.conditions("queued")["Available"] == ("True", "ResourcesReady")


# ---- over HTTP


@dataclass
class Served:
    sim: Sim
    url: str


@pytest.fixture
def served(sim: Sim) -> Iterator[Served]:
    server = ApiServer(sim.store, sim.logs)
    server.start()
    try:
        yield Served(sim, server.url)
    finally:
        server.stop()


def create_access(url: str, workspace: str, connection_type: str) -> dict[str, Any]:
    """What `hyp create hyp-space-access` posts: no name, the namespace, the workspace and the connection type."""
    body = {
        "metadata": {"namespace": NS},
        "spec": {"workspaceName": workspace, "workspaceConnectionType": connection_type},
    }
    with client.ApiClient(client.Configuration(host=url)) as api_client:
        return client.CustomObjectsApi(api_client).create_namespaced_custom_object(
            WORKSPACE_CONNECTIONS.group, WORKSPACE_CONNECTIONS.version, NS, WORKSPACE_CONNECTIONS.plural, body
        )


def test_connection_urls_for_vscode_and_the_web_ui(served: Served) -> None:
    served.sim.create("notebook", resources=SMALL, nodeSelector=CPU_SELECTOR)
    served.sim.run(60)
    remote = create_access(served.url, "notebook", "vscode-remote")
    assert remote["metadata"] == {"namespace": NS, "creationTimestamp": None}
    assert remote["status"]["workspaceConnectionType"] == "vscode-remote"
    link = remote["status"]["workspaceConnectionUrl"]
    assert link.startswith("vscode://amazonwebservices.aws-toolkit-vscode/connect/workspace?sessionId=")
    query = parse_qs(urlsplit(link).query)
    assert query["workspaceName"] == ["notebook"]
    assert query["namespace"] == [NS]
    assert query["eksClusterArn"] == [EKS_CLUSTER_ARN]
    assert query["streamUrl"][0].startswith("wss://ssmmessages.us-east-2.amazonaws.com/v1/data-channel/")
    web = create_access(served.url, "notebook", "web-ui")["status"]["workspaceConnectionUrl"]
    parts = urlsplit(web)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        f"notebook-{namespace_label(NS)}.{WEB_UI_DOMAIN}",
        "/bearer-auth",
    )
    assert namespace_label(NS) == "mrswmylvnr2a"
    assert len(parse_qs(parts.query)["token"][0].split(".")) == 3


def test_connection_refused_until_the_space_is_available(served: Served) -> None:
    served.sim.create("big-gpu", resources={"limits": {"nvidia.com/gpu": "16"}})
    served.sim.run(5)
    with pytest.raises(ApiException) as not_available:
        create_access(served.url, "big-gpu", "vscode-remote")
    assert not_available.value.status == 400
    assert json.loads(not_available.value.body)["message"] == (
        "workspace is not available. Check workspace status for details"
    )
    with pytest.raises(ApiException) as missing:
        create_access(served.url, "nope", "web-ui")
    assert missing.value.status == 404
    with pytest.raises(ApiException) as bad_type:
        create_access(served.url, "big-gpu", "ssh")
    assert bad_type.value.status == 400
    with client.ApiClient(client.Configuration(host=served.url)) as api_client, pytest.raises(ApiException) as listing:
        client.CustomObjectsApi(api_client).list_namespaced_custom_object(
            WORKSPACE_CONNECTIONS.group, WORKSPACE_CONNECTIONS.version, NS, WORKSPACE_CONNECTIONS.plural
        )
    assert listing.value.status == 405


def test_kubectl_get_shows_the_crd_columns(served: Served, tmp_path: Path) -> None:
    served.sim.create("notebook", resources=SMALL, nodeSelector=CPU_SELECTOR)
    served.sim.run(60)
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "sim", "cluster": {"server": served.url}}],
        "users": [{"name": "sim", "user": {"token": "sim"}}],
        "contexts": [{"name": "sim", "context": {"cluster": "sim", "user": "sim", "namespace": NS}}],
        "current-context": "sim",
    }
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(config))

    def kubectl(*args: str) -> list[list[str]]:
        command = ["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
        return [line.split() for line in result.stdout.splitlines()]

    assert kubectl("get", "workspaces", "-o", "wide") == [
        ["NAME", "AVAILABLE", "PROGRESSING", "DEGRADED", "AGE", "CREATEDBY", "ACCESSTYPE"],
        ["notebook", "True", "False", "False", "60s", SIMULATED_CALLER],
    ]
    assert kubectl("get", "workspacetemplates", "-A")[0] == [
        "NAMESPACE",
        "NAME",
        "DISPLAY",
        "NAME",
        "DEFAULT",
        "IMAGE",
        "AGE",
    ]
