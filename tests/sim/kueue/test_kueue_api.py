"""Kueue's API on the embedded server: served at v1beta2 (preferred) and v1beta1 (deprecated, converted), read and
written with the official Python client, raw HTTP and the real kubectl."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, LOCAL_QUEUES, WORKLOADS
from hyptui.sim.clock import SimClock
from hyptui.sim.kueue.scheduler import KueueScheduler
from hyptui.sim.kueue.task_governance import TALK_GOVERNANCE, apply_task_governance
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.http_requests import AGGREGATED_ACCEPT, raw
from tests.sim.apiserver.kubectl_runs import kubectl_command

GROUP = "kueue.x-k8s.io"
WARNING = '299 - "This version is deprecated. Use v1beta2 instead."'
TEAM_A = "hyperpod-ns-team-a"


def queued_job(name: str, gpus: int, priority: str = "training-priority") -> dict[str, Any]:
    labels = {"kueue.x-k8s.io/queue-name": f"{TEAM_A}-localqueue", "kueue.x-k8s.io/priority-class": priority}
    container = {"name": "c", "image": "i", "resources": {"limits": {"nvidia.com/gpu": str(gpus)}}}
    replica = {"name": "pod", "replicas": 1, "template": {"spec": {"containers": [container]}}}
    return {"metadata": {"name": name, "labels": labels}, "spec": {"replicaSpecs": [replica]}}


@pytest.fixture
def kueue(api_server: RunningApiServer) -> RunningApiServer:
    """The talk's governance objects, one admitted and one pending workload, as the simulated Kueue leaves them."""
    store = api_server.store
    apply_task_governance(store, TALK_GOVERNANCE)
    scheduler = KueueScheduler(store)
    clock: SimClock = store.clock
    store.create(HYPERPOD_PYTORCH_JOBS, queued_job("fits", 4), TEAM_A)
    scheduler.tick(clock.now())
    clock.advance(60)
    store.create(HYPERPOD_PYTORCH_JOBS, queued_job("waits", 8), TEAM_A)
    scheduler.tick(clock.now())
    clock.advance(300)
    scheduler.close()
    return api_server


def custom_api(server: RunningApiServer) -> client.CustomObjectsApi:
    return client.CustomObjectsApi(client.ApiClient(client.Configuration(host=server.url)))


def test_discovery_prefers_v1beta2_and_serves_v1beta1(kueue: RunningApiServer) -> None:
    body = raw(kueue.url, "GET", "/apis")[2]
    group = next(g for g in json.loads(body)["groups"] if g["name"] == GROUP)
    assert [v["version"] for v in group["versions"]] == ["v1beta2", "v1beta1"]
    assert group["preferredVersion"]["version"] == "v1beta2"
    aggregated = json.loads(raw(kueue.url, "GET", "/apis", headers={"Accept": AGGREGATED_ACCEPT})[2])
    item = next(i for i in aggregated["items"] if i["metadata"]["name"] == GROUP)
    resources = {r["resource"]: r for r in item["versions"][0]["resources"]}
    assert item["versions"][0]["version"] == "v1beta2"
    assert resources["clusterqueues"]["scope"] == "Cluster" and resources["clusterqueues"]["shortNames"] == ["cq"]
    assert resources["localqueues"]["shortNames"] == ["queue", "queues", "lq"]
    assert resources["workloads"]["shortNames"] == ["kwl", "kueueworkload", "kueueworkloads"]
    assert resources["resourceflavors"]["shortNames"] == ["flavor", "flavors", "rf"]
    assert resources["workloadpriorityclasses"]["scope"] == "Cluster"
    assert "subresources" not in resources["workloadpriorityclasses"]
    assert resources["workloads"]["subresources"][0]["subresource"] == "status"


def test_v1beta1_replies_carry_the_deprecation_warning(kueue: RunningApiServer) -> None:
    _, old, body = raw(kueue.url, "GET", f"/apis/{GROUP}/v1beta1/clusterqueues")
    assert old.get("warning") == WARNING
    assert json.loads(body)["apiVersion"] == f"{GROUP}/v1beta1"
    _, new, _ = raw(kueue.url, "GET", f"/apis/{GROUP}/v1beta2/clusterqueues")
    assert "warning" not in new


def test_renamed_fields_convert_both_ways(kueue: RunningApiServer) -> None:
    api = custom_api(kueue)
    queue = {
        "apiVersion": f"{GROUP}/v1beta1",
        "kind": "ClusterQueue",
        "metadata": {"name": "legacy"},
        "spec": {
            "cohort": "shared-pool",
            "admissionChecks": ["prov"],
            "flavorFungibility": {"whenCanBorrow": "Borrow", "whenCanPreempt": "Preempt"},
        },
    }
    created = api.create_cluster_custom_object(GROUP, "v1beta1", "clusterqueues", queue)
    assert created["spec"]["cohort"] == "shared-pool" and "cohortName" not in created["spec"]
    stored = api.get_cluster_custom_object(GROUP, "v1beta2", "clusterqueues", "legacy")
    assert stored["spec"]["cohortName"] == "shared-pool" and "cohort" not in stored["spec"]
    assert stored["spec"]["admissionChecksStrategy"] == {"admissionChecks": [{"name": "prov"}]}
    assert stored["spec"]["flavorFungibility"] == {"whenCanBorrow": "MayStopSearch", "whenCanPreempt": "MayStopSearch"}
    patched = api.patch_cluster_custom_object(
        GROUP, "v1beta1", "clusterqueues", "legacy", {"spec": {"cohort": "other"}}
    )
    assert patched["spec"]["cohort"] == "other"
    assert api.get_cluster_custom_object(GROUP, "v1beta2", "clusterqueues", "legacy")["spec"]["cohortName"] == "other"

    [waits] = [w for w in kueue.store.list(WORKLOADS, TEAM_A)[0] if "waits" in w["metadata"]["name"]]
    old = api.get_namespaced_custom_object(GROUP, "v1beta1", TEAM_A, "workloads", waits["metadata"]["name"])
    assert old["spec"]["priorityClassSource"] == "kueue.x-k8s.io/workloadpriorityclass"
    assert old["spec"]["priorityClassName"] == "training-priority"
    assert "priorityClassRef" not in old["spec"]
    local = api.get_namespaced_custom_object(GROUP, "v1beta1", TEAM_A, "localqueues", f"{TEAM_A}-localqueue")
    assert "flavorUsage" in local["status"] and "flavorsUsage" not in local["status"]
    assert kueue.store.get(LOCAL_QUEUES, TEAM_A, f"{TEAM_A}-localqueue")["status"]["flavorsUsage"]


def test_status_written_through_v1beta1_lands_converted(kueue: RunningApiServer) -> None:
    api = custom_api(kueue)
    name = f"{TEAM_A}-localqueue"
    usage = [{"name": "ml.g5.12xlarge", "resources": [{"name": "nvidia.com/gpu", "total": "2"}]}]
    api.patch_namespaced_custom_object_status(
        GROUP, "v1beta1", TEAM_A, "localqueues", name, {"status": {"flavorUsage": usage}}
    )
    assert kueue.store.get(LOCAL_QUEUES, TEAM_A, name)["status"]["flavorsUsage"] == usage


def test_custom_resource_definitions_list_both_versions(kueue: RunningApiServer) -> None:
    body = raw(kueue.url, "GET", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusterqueues.{GROUP}")[2]
    crd = json.loads(body)
    versions = {v["name"]: v for v in crd["spec"]["versions"]}
    assert versions["v1beta2"]["storage"] and not versions["v1beta1"]["storage"]
    assert versions["v1beta1"]["deprecated"] is True
    assert versions["v1beta1"]["additionalPrinterColumns"][0]["jsonPath"] == ".spec.cohort"
    assert versions["v1beta2"]["additionalPrinterColumns"][0]["jsonPath"] == ".spec.cohortName"
    assert crd["status"]["storedVersions"] == ["v1beta2"]


@pytest.fixture
def kubectl(kueue: RunningApiServer, tmp_path: Path):
    path = tmp_path / "kubeconfig"
    context = {"cluster": "sim", "user": "sim"}
    config = {"clusters": [{"name": "sim", "cluster": {"server": kueue.url}}], "users": [{"name": "sim", "user": {}}]}
    path.write_text(
        yaml.safe_dump({**config, "contexts": [{"name": "sim", "context": context}], "current-context": "sim"})
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(kubectl_command(path, *args), capture_output=True, text=True, timeout=60)

    return run


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [" ".join(line.split()) for line in result.stdout.splitlines()]


def test_kubectl_prints_kueues_columns(kubectl) -> None:
    assert lines(kubectl("get", "cq")) == [
        "NAME COHORT PENDING WORKLOADS",
        "hyperpod-ns-team-a-clusterqueue shared-pool 1",
        "hyperpod-ns-team-b-clusterqueue shared-pool 0",
    ]
    assert lines(kubectl("get", "cq", "-o", "wide"))[:2] == [
        "NAME COHORT STRATEGY PENDING WORKLOADS ADMITTED WORKLOADS",
        "hyperpod-ns-team-a-clusterqueue shared-pool BestEffortFIFO 1 1",
    ]
    assert lines(kubectl("get", "lq", "-A")) == [
        "NAMESPACE NAME CLUSTERQUEUE PENDING WORKLOADS ADMITTED WORKLOADS",
        "hyperpod-ns-team-a hyperpod-ns-team-a-localqueue hyperpod-ns-team-a-clusterqueue 1 1",
        "hyperpod-ns-team-b hyperpod-ns-team-b-localqueue hyperpod-ns-team-b-clusterqueue 0 0",
    ]
    workloads = lines(kubectl("get", "workloads", "-A"))
    assert workloads[0] == "NAMESPACE NAME QUEUE RESERVED IN ADMITTED FINISHED AGE"
    fits, waits = sorted(workloads[1:])
    assert fits.startswith(f"{TEAM_A} hyperpodpytorchjob-fits-")
    assert fits.endswith(f"{TEAM_A}-localqueue {TEAM_A}-clusterqueue True 6m")
    assert waits.endswith(f"{TEAM_A}-localqueue 5m")  # no reservation, no Admitted condition yet
    assert lines(kubectl("get", "wpc")) == [
        "NAME VALUE",
        "experimentation-priority 80",
        "fine-tuning-priority 50",
        "inference-priority 90",
        "training-priority 70",
    ]
    assert lines(kubectl("get", "rf")) == ["NAME AGE", "ml.g5.12xlarge 6m"]


def test_kubectl_shows_the_warning_of_an_explicit_v1beta1(kubectl) -> None:
    result = kubectl("get", f"clusterqueues.v1beta1.{GROUP}", "-o", "jsonpath={.items[0].spec.cohort}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "shared-pool"
    assert "Warning: This version is deprecated. Use v1beta2 instead." in result.stderr


def test_a_workload_shows_why_it_waits(kubectl) -> None:
    result = kubectl("get", "kwl", "-n", TEAM_A, "-o", "json")
    assert result.returncode == 0, result.stderr
    waiting = next(i for i in json.loads(result.stdout)["items"] if "waits" in i["metadata"]["name"])
    [reserved] = [c for c in waiting["status"]["conditions"] if c["type"] == "QuotaReserved"]
    assert reserved["message"] == (
        "couldn't assign flavors to pod set pod: insufficient unused quota for nvidia.com/gpu in flavor "
        "ml.g5.12xlarge, 4 more needed"
    )
