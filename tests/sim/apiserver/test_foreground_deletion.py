"""Foreground deletion as the API server and garbage collector do it: the owner stays readable and listed, marked and
holding the `foregroundDeletion` finalizer, until no dependent that blocks owner deletion is left; then it goes, and
`kubectl delete --cascade=foreground --wait` returns."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, PODS, WORKLOADS
from hyptui.sim.apiserver.storage import FOREGROUND_FINALIZER, ObjectStore
from hyptui.sim.kubeconfig import write_sim_kubeconfig
from tests.sim.api_server import RunningApiServer
from tests.sim.apiserver.kubectl_runs import kubectl_command, succeeded

TEAM = "team"
HOLD = "example.com/hold"
MERGE = "application/merge-patch+json"


@pytest.fixture
def cluster(api_server: RunningApiServer) -> RunningApiServer:
    api_server.store.create(NAMESPACES, {"metadata": {"name": TEAM}})
    return api_server


def owned_by(owner: dict[str, Any], block: bool = True) -> list[dict[str, Any]]:
    metadata = owner["metadata"]
    reference = {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": metadata["name"]}
    return [{**reference, "uid": metadata["uid"], "controller": True, "blockOwnerDeletion": block}]


def pod(name: str, **metadata: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, **metadata}, "spec": {"containers": [{"name": "c", "image": "i"}]}}


def job(store: ObjectStore, name: str) -> dict[str, Any]:
    return store.create(HYPERPOD_PYTORCH_JOBS, {"metadata": {"name": name}, "spec": {}}, TEAM)


def exists(store: ObjectStore, kind: Any, name: str) -> bool:
    return any(obj["metadata"]["name"] == name for obj in store.list(kind, TEAM)[0])


def test_kubectl_waits_for_the_blocking_dependents(cluster: RunningApiServer, tmp_path: Path) -> None:
    store = cluster.store
    owner = job(store, "j1")
    store.create(PODS, pod("w0", ownerReferences=owned_by(owner), finalizers=[HOLD]), TEAM)
    store.create(PODS, pod("w1", ownerReferences=owned_by(owner, block=False)), TEAM)
    kubeconfig = write_sim_kubeconfig(tmp_path / "kubeconfig", cluster.url)

    def kubectl(*args: str) -> str:
        command = kubectl_command(kubeconfig, "-n", TEAM, *args)
        return succeeded(subprocess.run(command, capture_output=True, text=True, timeout=60))

    jobs = store.watch(HYPERPOD_PYTORCH_JOBS, TEAM, str(store.resource_version))
    command = kubectl_command(kubeconfig, "-n", TEAM, "delete", "hpjob", "j1", "--cascade=foreground", "--wait")
    deleting = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        marked = jobs.next_event(timeout=30)
        assert marked is not None and marked["type"] == "MODIFIED"
        assert marked["object"]["metadata"]["finalizers"] == [FOREGROUND_FINALIZER]
        assert marked["object"]["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:00Z"
        assert kubectl("get", "hpjob", "-o", "name") == "hyperpodpytorchjob.sagemaker.amazonaws.com/j1\n"
        assert kubectl("get", "pods") == (
            "NAME   READY   STATUS        RESTARTS   AGE\nw0     0/1     Terminating   0          0s\n"
        )
        assert deleting.poll() is None, "kubectl returned while a blocking dependent was left"
        store.patch(PODS, TEAM, "w0", {"metadata": {"finalizers": None}}, MERGE)
        out, err = deleting.communicate(timeout=60)
    finally:
        jobs.close()
        if deleting.poll() is None:
            deleting.kill()
    assert (deleting.returncode, out, err) == (0, 'hyperpodpytorchjob.sagemaker.amazonaws.com "j1" deleted\n', "")
    assert store.list(HYPERPOD_PYTORCH_JOBS, TEAM)[0] == [] and store.list(PODS, TEAM)[0] == []


def test_an_owner_without_blocking_dependents_goes_at_once(cluster: RunningApiServer) -> None:
    store = cluster.store
    owner = job(store, "j1")
    store.create(PODS, pod("w0", ownerReferences=owned_by(owner, block=False), finalizers=[HOLD]), TEAM)
    answer = store.delete(HYPERPOD_PYTORCH_JOBS, TEAM, "j1", propagation="Foreground")
    assert answer["metadata"]["finalizers"] == [FOREGROUND_FINALIZER]
    assert not exists(store, HYPERPOD_PYTORCH_JOBS, "j1")
    assert store.get(PODS, TEAM, "w0")["metadata"]["deletionTimestamp"], "the dependent is still deleted"


def test_other_finalizers_and_orphaned_dependents(cluster: RunningApiServer) -> None:
    store = cluster.store
    owner = store.create(HYPERPOD_PYTORCH_JOBS, {"metadata": {"name": "j1", "finalizers": [HOLD]}, "spec": {}}, TEAM)
    store.create(PODS, pod("w0", ownerReferences=owned_by(owner), finalizers=[HOLD]), TEAM)
    store.delete(HYPERPOD_PYTORCH_JOBS, TEAM, "j1", propagation="Foreground")
    assert store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "j1")["metadata"]["finalizers"] == [HOLD, FOREGROUND_FINALIZER]
    # The dependent letting go of its owner unblocks it as surely as going away.
    store.patch(PODS, TEAM, "w0", {"metadata": {"ownerReferences": None}}, MERGE)
    assert store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "j1")["metadata"]["finalizers"] == [HOLD]
    store.patch(HYPERPOD_PYTORCH_JOBS, TEAM, "j1", {"metadata": {"finalizers": None}}, MERGE)
    assert not exists(store, HYPERPOD_PYTORCH_JOBS, "j1")
    assert exists(store, PODS, "w0"), "an orphan survives its former owner"


def test_a_chain_waits_for_its_deepest_blocking_dependent(cluster: RunningApiServer) -> None:
    store = cluster.store
    owner = job(store, "j1")
    workload = store.create(WORKLOADS, {"metadata": {"name": "wl", "ownerReferences": owned_by(owner)}}, TEAM)
    store.create(PODS, pod("w0", ownerReferences=owned_by(workload), finalizers=[HOLD]), TEAM)
    store.delete(HYPERPOD_PYTORCH_JOBS, TEAM, "j1", propagation="Foreground")
    middle = store.get(WORKLOADS, TEAM, "wl")["metadata"]
    assert middle["finalizers"] == [FOREGROUND_FINALIZER], "a dependent with dependents goes in the foreground too"
    assert exists(store, HYPERPOD_PYTORCH_JOBS, "j1")
    store.patch(PODS, TEAM, "w0", {"metadata": {"finalizers": None}}, MERGE)
    assert store.list(HYPERPOD_PYTORCH_JOBS, TEAM)[0] == store.list(WORKLOADS, TEAM)[0] == []
