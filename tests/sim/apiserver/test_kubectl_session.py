"""A scripted kubectl 1.32 session against the embedded cluster on a frozen clock: every line is what a real cluster
prints for the same objects (columns, ages, restarts, error texts)."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NAMESPACES, NODES, PODS
from tests.sim.api_server import SIM_START, RunningApiServer

NOW = SIM_START + timedelta(hours=3, minutes=2)
TEAM = "team"
BACK_OFF = "Back-off restarting failed container pytorch in pod llama-worker-0_team"


def at(**delta: float) -> str:
    return rfc3339(NOW - timedelta(**delta))


def node(name: str, ready: bool, ip: str, **extra: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": {"node.kubernetes.io/instance-type": "ml.g5.12xlarge"}},
        "spec": extra,
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "addresses": [{"type": "InternalIP", "address": ip}],
            "nodeInfo": {
                "kubeletVersion": "v1.32.1-eks-5d632ec",
                "osImage": "Amazon Linux 2",
                "kernelVersion": "5.10.234-225.910.amzn2.x86_64",
                "containerRuntimeVersion": "containerd://1.7.27",
            },
        },
    }


def running_pod(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels},
        "spec": {"containers": [{"name": "pytorch", "image": "trainer:1"}], "nodeName": "hyperpod-i-0"},
        "status": {
            "phase": "Running",
            "podIP": "10.1.0.21",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {
                    "name": "pytorch",
                    "ready": True,
                    "restartCount": 2,
                    "state": {"running": {"startedAt": at(minutes=5)}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": at(minutes=5)}},
                }
            ],
        },
    }


def waiting_pod(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels},
        "spec": {"containers": [{"name": "pytorch", "image": "trainer:1"}], "nodeName": "hyperpod-i-0"},
        "status": {
            "phase": "Pending",
            "containerStatuses": [
                {
                    "name": "pytorch",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"waiting": {"reason": "ContainerCreating"}},
                }
            ],
        },
    }


@pytest.fixture
def session(api_server: RunningApiServer) -> RunningApiServer:
    store, clock = api_server.store, api_server.store.clock
    for name in ("default", TEAM):
        store.create(NAMESPACES, {"metadata": {"name": name}})
    store.create(NODES, node("hyperpod-i-0", True, "10.1.0.10"))
    store.create(NODES, node("hyperpod-i-1", False, "10.1.0.11", unschedulable=True))
    clock.advance((NOW - SIM_START).total_seconds() - 330)
    job = {"metadata": {"name": "llama"}, "spec": {"nprocPerNode": "2"}}
    job = store.create(HYPERPOD_PYTORCH_JOBS, job, TEAM)
    store.mutate(
        HYPERPOD_PYTORCH_JOBS,
        TEAM,
        "llama",
        lambda j: j.update(
            status={
                "conditions": [{"type": "Created", "status": "True"}, {"type": "Running", "status": "True"}],
                "restartCount": 1,
            }
        ),
    )
    store.create(HYPERPOD_PYTORCH_JOBS, {"metadata": {"name": "qwen"}, "spec": {"nprocPerNode": "1"}}, TEAM)
    worker = store.create(PODS, running_pod("llama-worker-0", {"job": "llama", "rank": "0"}), TEAM)
    clock.advance(330 - 95)
    store.create(PODS, waiting_pod("llama-worker-1", {"job": "llama", "rank": "1"}), TEAM)
    clock.advance(95)
    reference = {"apiVersion": "v1", "kind": "Pod", "name": "llama-worker-0", "namespace": TEAM}
    event = {
        "metadata": {"name": "llama-worker-0.181a2b3c4d5e6f70"},
        "involvedObject": {**reference, "uid": worker["metadata"]["uid"], "fieldPath": "spec.containers{pytorch}"},
        "reason": "BackOff",
        "message": BACK_OFF,
        "source": {"component": "kubelet", "host": "hyperpod-i-0"},
        "firstTimestamp": at(minutes=6),
        "lastTimestamp": at(minutes=5),
        "count": 2,
        "type": "Warning",
    }
    store.create(EVENTS, event, TEAM)
    assert clock.now() == NOW
    return api_server


@pytest.fixture
def kubectl(session: RunningApiServer, tmp_path: Path):
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "sim", "cluster": {"server": session.url}}],
        "users": [{"name": "sim", "user": {"token": "sim"}}],
        "contexts": [{"name": "sim", "context": {"cluster": "sim", "user": "sim", "namespace": TEAM}}],
        "current-context": "sim",
    }
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(config))

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        command = ["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, input=stdin)

    return run


def output(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    return result.stderr.strip()


def cells(text: str) -> list[list[str]]:
    """A printed table split into its cells (kubectl pads columns with at least three spaces)."""
    return [re.split(r" {3,}", line.strip()) for line in text.splitlines()]


def table(text: str) -> str:
    return text.strip("\n") + "\n"


SUBDOMAIN_RULE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_RULE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with "
    "an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


def test_get_pods_in_every_layout(kubectl) -> None:
    assert output(kubectl("get", "pods")) == table("""
NAME             READY   STATUS              RESTARTS     AGE
llama-worker-0   1/1     Running             2 (5m ago)   5m30s
llama-worker-1   0/1     ContainerCreating   0            95s
""")
    assert cells(output(kubectl("get", "pods", "-o", "wide"))) == [
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ["llama-worker-0", "1/1", "Running", "2 (5m ago)", "5m30s", "10.1.0.21", "hyperpod-i-0", "<none>", "<none>"],
        ["llama-worker-1", "0/1", "ContainerCreating", "0", "95s", "<none>", "hyperpod-i-0", "<none>", "<none>"],
    ]
    assert output(kubectl("get", "pods", "-A", "--show-labels")) == table("""
NAMESPACE   NAME             READY   STATUS              RESTARTS     AGE     LABELS
team        llama-worker-0   1/1     Running             2 (5m ago)   5m30s   job=llama,rank=0
team        llama-worker-1   0/1     ContainerCreating   0            95s     job=llama,rank=1
""")
    newest_first = kubectl("get", "pods", "-L", "rank", "--sort-by=.status.phase")
    assert output(newest_first) == table("""
NAME             READY   STATUS              RESTARTS     AGE     RANK
llama-worker-1   0/1     ContainerCreating   0            95s     1
llama-worker-0   1/1     Running             2 (5m ago)   5m30s   0
""")
    assert output(kubectl("get", "pod", "llama-worker-0", "--no-headers")) == table("""
llama-worker-0   1/1   Running   2 (5m ago)   5m30s
""")
    assert output(kubectl("get", "pods", "--chunk-size=1", "-o", "name")) == "pod/llama-worker-0\npod/llama-worker-1\n"


def test_get_nodes_namespaces_events_jobs_and_crds(kubectl) -> None:
    assert output(kubectl("get", "nodes")) == table("""
NAME           STATUS                        ROLES    AGE    VERSION
hyperpod-i-0   Ready                         <none>   3h2m   v1.32.1-eks-5d632ec
hyperpod-i-1   NotReady,SchedulingDisabled   <none>   3h2m   v1.32.1-eks-5d632ec
""")
    assert cells(output(kubectl("get", "node", "hyperpod-i-0", "-o", "wide"))) == [
        [
            *("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP"),
            *("OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"),
        ],
        [
            *("hyperpod-i-0", "Ready", "<none>", "3h2m", "v1.32.1-eks-5d632ec", "10.1.0.10", "<none>"),
            *("Amazon Linux 2", "5.10.234-225.910.amzn2.x86_64", "containerd://1.7.27"),
        ],
    ]
    assert output(kubectl("get", "ns")) == table("""
NAME      STATUS   AGE
default   Active   3h2m
team      Active   3h2m
""")
    assert output(kubectl("get", "events")) == table(f"""
LAST SEEN   TYPE      REASON    OBJECT               MESSAGE
5m          Warning   BackOff   pod/llama-worker-0   {BACK_OFF}
""")
    assert cells(output(kubectl("get", "events", "-o", "wide"))) == [
        [*("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME")],
        [
            *("5m", "Warning", "BackOff", "pod/llama-worker-0", "spec.containers{pytorch}", "kubelet, hyperpod-i-0"),
            *(BACK_OFF, "6m", "2", "llama-worker-0.181a2b3c4d5e6f70"),
        ],
    ]
    assert output(kubectl("get", "hpjob")) == table("""
NAME    STATE     AGE
llama   Running   5m30s
qwen              5m30s
""")
    # A job without status has no STATE and no RESTARTS: the server sends null cells, kubectl prints nothing.
    assert output(kubectl("get", "hyperpodpytorchjobs", "-A", "-o", "wide")).splitlines() == [
        "NAMESPACE   NAME    STATE     AGE     RESTARTS",
        "team        llama   Running   5m30s   1",
        "team        qwen              5m30s   ",
    ]
    assert output(kubectl("get", "crd")) == table("""
NAME                                                                CREATED AT
clusterqueues.kueue.x-k8s.io                                        2025-01-01T00:00:00Z
hyperpodpytorchjobs.sagemaker.amazonaws.com                         2025-01-01T00:00:00Z
inferenceendpointconfigs.inference.sagemaker.aws.amazon.com         2025-01-01T00:00:00Z
jumpstartmodels.inference.sagemaker.aws.amazon.com                  2025-01-01T00:00:00Z
localqueues.kueue.x-k8s.io                                          2025-01-01T00:00:00Z
resourceflavors.kueue.x-k8s.io                                      2025-01-01T00:00:00Z
sagemakerendpointregistrations.inference.sagemaker.aws.amazon.com   2025-01-01T00:00:00Z
workloadpriorityclasses.kueue.x-k8s.io                              2025-01-01T00:00:00Z
workloads.kueue.x-k8s.io                                            2025-01-01T00:00:00Z
workspaces.workspace.jupyter.org                                    2025-01-01T00:00:00Z
workspacetemplates.workspace.jupyter.org                            2025-01-01T00:00:00Z
""")


def test_get_watch_prints_rows_as_they_change(session: RunningApiServer, kubectl, tmp_path: Path) -> None:
    command = [*_kubectl_prefix(tmp_path), "get", "pods", "-w"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as watching:
        assert watching.stdout is not None
        try:
            header = [watching.stdout.readline() for _ in range(3)]
            assert header[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]

            def start(pod: dict[str, Any]) -> None:
                status = pod["status"]
                status["phase"] = "Running"
                status["containerStatuses"][0].update(ready=True, state={"running": {"startedAt": at()}})

            session.store.mutate(PODS, TEAM, "llama-worker-1", start)
            assert watching.stdout.readline().split() == ["llama-worker-1", "1/1", "Running", "0", "95s"]
        finally:
            watching.terminate()


def _kubectl_prefix(tmp_path: Path) -> list[str]:
    return ["kubectl", "--kubeconfig", str(tmp_path / "kubeconfig"), "--cache-dir", str(tmp_path / "cache")]


def test_describe_and_events_for_a_pod(kubectl) -> None:
    described = output(kubectl("describe", "pod", "llama-worker-0"))
    assert "Name:         llama-worker-0\nNamespace:    team\nNode:         hyperpod-i-0/\n" in described
    assert "    Restart Count:  2\n" in described
    events = described.split("Events:\n")[1].splitlines()
    assert events[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    # Ages in describe and `kubectl events` are computed by kubectl from the wall clock, not the simulated one.
    assert events[2].split()[:2] == ["Warning", "BackOff"]
    assert events[2].split()[3:6] == ["(x2", "over", events[2].split()[5]]
    assert events[2].endswith(f"kubelet  {BACK_OFF}")
    listed = output(kubectl("events", "--for", "pod/llama-worker-0")).splitlines()
    assert listed[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert re.fullmatch(
        r"\d+d \(x2 over \d+d\)   Warning   BackOff   Pod/llama-worker-0   " + re.escape(BACK_OFF),
        listed[1],
    )
    assert output(kubectl("events", "--for", "pod/llama-worker-1")) == ""


def test_logs_and_their_errors(session: RunningApiServer, kubectl) -> None:
    for second in range(3):
        session.logs.append(TEAM, "llama-worker-0", "pytorch", f"step {second}", NOW - timedelta(seconds=3 - second))
    assert output(kubectl("logs", "llama-worker-0", "--tail=2")) == "step 1\nstep 2\n"
    stamped = output(kubectl("logs", "llama-worker-0", "-c", "pytorch", "--since=2s", "--timestamps"))
    assert stamped == "2025-01-01T03:01:58.000000000Z step 1\n2025-01-01T03:01:59.000000000Z step 2\n"
    assert failure(kubectl("logs", "llama-worker-0", "--previous")) == (
        'Error from server (BadRequest): previous terminated container "pytorch" in pod "llama-worker-0" not found'
    )
    assert failure(kubectl("logs", "llama-worker-1")) == (
        'Error from server (BadRequest): container "pytorch" in pod "llama-worker-1" is waiting to start: '
        "ContainerCreating"
    )
    # kubectl checks the container name itself before asking; the server's answer is tested in test_http_api
    assert failure(kubectl("logs", "llama-worker-0", "-c", "sidecar")) == (
        "error: container sidecar is not valid for pod llama-worker-0"
    )


def test_label_and_patch_in_every_format(session: RunningApiServer, kubectl) -> None:
    store = session.store
    assert output(kubectl("label", "pod", "llama-worker-0", "x=y")) == "pod/llama-worker-0 labeled\n"
    assert failure(kubectl("label", "pod", "llama-worker-0", "x=z")) == (
        "error: 'x' already has a value (y), and --overwrite is false"
    )
    assert output(kubectl("patch", "pod", "llama-worker-0", "-p", '{"metadata":{"labels":{"x":null}}}')) == (
        "pod/llama-worker-0 patched\n"
    )
    assert "x" not in store.get(PODS, TEAM, "llama-worker-0")["metadata"]["labels"]
    assert failure(kubectl("patch", "hpjob", "llama", "-p", '{"spec":{"nprocPerNode":"3"}}')) == (
        "error: application/strategic-merge-patch+json is not supported by sagemaker.amazonaws.com/v1, "
        "Kind=HyperPodPyTorchJob: the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )
    generation = store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "llama")["metadata"]["generation"]
    output(kubectl("patch", "hpjob", "llama", "--type=merge", "-p", '{"spec":{"nprocPerNode":"3"}}'))
    json_patch = '[{"op":"replace","path":"/spec/nprocPerNode","value":"4"}]'
    output(kubectl("patch", "hpjob", "llama", "--type=json", "-p", json_patch))
    status_patch = '{"status":{"restartCount":5}}'
    output(kubectl("patch", "hpjob", "llama", "--subresource=status", "--type=merge", "-p", status_patch))
    job = store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "llama")
    assert (job["spec"]["nprocPerNode"], job["status"]["restartCount"]) == ("4", 5)
    assert job["metadata"]["generation"] == generation + 2  # the status change does not count
    failed_test = '[{"op":"test","path":"/spec/nprocPerNode","value":"9"}]'
    assert "testing value /spec/nprocPerNode failed" in failure(
        kubectl("patch", "hpjob", "llama", "--type=json", "-p", failed_test)
    )


def test_create_and_apply_from_files(session: RunningApiServer, kubectl) -> None:
    pod = yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "eval", "labels": {"tier": "eval"}},
            "spec": {"containers": [{"name": "c", "image": "x"}]},
        }
    )
    assert output(kubectl("create", "-f", "-", stdin=pod)) == "pod/eval created\n"
    assert failure(kubectl("create", "-f", "-", stdin=pod)) == (
        'Error from server (AlreadyExists): error when creating "STDIN": pods "eval" already exists'
    )
    applied = kubectl("apply", "-f", "-", stdin=pod.replace("tier: eval", "tier: test"))
    assert output(applied) == "pod/eval configured\n"
    assert "pods/eval is missing the kubectl.kubernetes.io/last-applied-configuration annotation" in applied.stderr
    assert session.store.get(PODS, TEAM, "eval")["metadata"]["labels"] == {"tier": "test"}
    job = yaml.safe_dump(
        {
            "apiVersion": "sagemaker.amazonaws.com/v1",
            "kind": "HyperPodPyTorchJob",
            "metadata": {"name": "mixtral"},
            "spec": {"nprocPerNode": "1"},
        }
    )
    assert output(kubectl("apply", "-f", "-", stdin=job)) == (
        "hyperpodpytorchjob.sagemaker.amazonaws.com/mixtral created\n"
    )
    assert output(kubectl("apply", "-f", "-", stdin=job)) == (
        "hyperpodpytorchjob.sagemaker.amazonaws.com/mixtral unchanged\n"
    )
    assert output(kubectl("apply", "-f", "-", stdin=job.replace("nprocPerNode: '1'", "nprocPerNode: '2'"))) == (
        "hyperpodpytorchjob.sagemaker.amazonaws.com/mixtral configured\n"
    )
    server_side = job.replace("nprocPerNode: '1'", "nprocPerNode: '3'")
    assert output(kubectl("apply", "--server-side", "-f", "-", stdin=server_side)) == (
        "hyperpodpytorchjob.sagemaker.amazonaws.com/mixtral serverside-applied\n"
    )
    assert session.store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "mixtral")["spec"] == {"nprocPerNode": "3"}
    unknown = pod.replace("name: eval", "name: eval2\n  color: blue")
    assert "color: blue" in unknown
    assert failure(kubectl("create", "-f", "-", stdin=unknown)) == (
        'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: '
        'strict decoding error: unknown field "metadata.color"'
    )


def test_invalid_names_and_selectors(session: RunningApiServer, kubectl) -> None:
    before = session.store.resource_version
    assert failure(kubectl("create", "namespace", "Bad_Name")) == (
        f'The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": {LABEL_RULE}'
    )
    assert failure(kubectl("run", "Bad_Pod", "--image=x")) == (
        f'The Pod "Bad_Pod" is invalid: metadata.name: Invalid value: "Bad_Pod": {SUBDOMAIN_RULE}'
    )
    assert failure(kubectl("get", "pods", "-l", "a in (b")) == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "a in (b", '
        "field selector \"\": unable to parse requirement: found '', expected: ',', or ')'"
    )
    assert failure(kubectl("get", "pods", "--field-selector", "spec.foo=bar")) == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", '
        'field selector "spec.foo=bar": field label not supported: spec.foo'
    )
    assert failure(kubectl("get", "pod", "nope")) == 'Error from server (NotFound): pods "nope" not found'
    assert failure(kubectl("get", "widgets")) == 'error: the server doesn\'t have a resource type "widgets"'
    assert session.store.resource_version == before
    assert output(kubectl("create", "namespace", "research")) == "namespace/research created\n"


def test_wait_delete_and_cascades(session: RunningApiServer, kubectl) -> None:
    store = session.store
    job = store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "llama")
    owner = {"apiVersion": job["apiVersion"], "kind": job["kind"], "name": "llama", "uid": job["metadata"]["uid"]}
    for name in ("llama-worker-0", "llama-worker-1"):
        store.mutate(PODS, TEAM, name, lambda pod: pod["metadata"].update(ownerReferences=[owner]))
    qwen = store.get(HYPERPOD_PYTORCH_JOBS, TEAM, "qwen")
    orphan = {
        "metadata": {
            "name": "qwen-worker-0",
            "ownerReferences": [{**owner, "name": "qwen", "uid": qwen["metadata"]["uid"]}],
        },
        "spec": {"containers": [{"name": "c", "image": "x"}]},
    }
    store.create(PODS, orphan, TEAM)

    assert output(kubectl("wait", "--for=condition=Ready", "pod/llama-worker-0", "--timeout=5s")) == (
        "pod/llama-worker-0 condition met\n"
    )
    assert failure(kubectl("wait", "--for=condition=Ready", "pod/llama-worker-1", "--timeout=1s")) == (
        "error: timed out waiting for the condition on pods/llama-worker-1"
    )
    assert output(kubectl("delete", "hpjob", "qwen", "--cascade=orphan")) == (
        'hyperpodpytorchjob.sagemaker.amazonaws.com "qwen" deleted\n'
    )
    assert "ownerReferences" not in store.get(PODS, TEAM, "qwen-worker-0")["metadata"]
    assert output(kubectl("delete", "hpjob", "llama", "--cascade=foreground", "--wait")) == (
        'hyperpodpytorchjob.sagemaker.amazonaws.com "llama" deleted\n'
    )
    assert output(kubectl("get", "pods", "-o", "name")) == "pod/qwen-worker-0\n"
    assert output(kubectl("delete", "pods", "-l", "!job")) == 'pod "qwen-worker-0" deleted\n'
    finished = kubectl("get", "hpjob,pods")
    assert (finished.returncode, finished.stdout, finished.stderr) == (0, "", "No resources found in team namespace.\n")
