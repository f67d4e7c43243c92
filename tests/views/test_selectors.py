from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hyptui.store.actions import Action, ListLoaded, Notice, WatchEvent
from hyptui.store.reducers import reduce, reduce_many
from hyptui.store.selectors import get_object, memoize_on_identity
from hyptui.store.state import EMPTY_STATE, AppState
from hyptui.views.events import object_events
from hyptui.views.jobs import JobRow, job_rows
from hyptui.views.pods import job_pods, pod_rows

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def job(
    name: str,
    namespace: str = "team-a",
    rv: str = "1",
    conditions: tuple[tuple[str, str], ...] = (("Created", "True"),),
    replicas: tuple[int, ...] = (1,),
    restart_count: int | None = None,
    age: timedelta | None = timedelta(hours=1),
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "uid": f"uid-{name}", "resourceVersion": rv}
    if age is not None:
        metadata["creationTimestamp"] = stamp(NOW - age)
    status: dict[str, Any] = {"conditions": [{"type": t, "status": s} for t, s in conditions]}
    if restart_count is not None:
        status["restartCount"] = restart_count
    return {
        "apiVersion": "sagemaker.amazonaws.com/v1",
        "kind": "HyperPodPyTorchJob",
        "metadata": metadata,
        "spec": {"replicaSpecs": [{"name": f"pool-{i}", "replicas": count} for i, count in enumerate(replicas)]},
        "status": status,
    }


def container(
    name: str = "main",
    *,
    ready: bool = True,
    state: dict[str, Any] | None = None,
    restarts: int = 0,
    last_finished: timedelta | None = None,
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": state if state is not None else {"running": {"startedAt": stamp(NOW - timedelta(hours=1))}},
    }
    if last_finished is not None:
        status["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": stamp(NOW - last_finished)}}
    return status


def pod(
    name: str,
    job_name: str | None = "train",
    namespace: str = "team-a",
    rv: str = "1",
    phase: str = "Running",
    containers: tuple[dict[str, Any], ...] | None = None,
    node: str | None = "node-1",
    age: timedelta = timedelta(minutes=30),
    **extra: Any,
) -> dict[str, Any]:
    statuses = list(containers) if containers is not None else [container()]
    raw: dict[str, Any] = {
        "metadata": {
            "name": name,
            "namespace": namespace,
            "resourceVersion": rv,
            "creationTimestamp": stamp(NOW - age),
            "labels": {"HPJob": job_name} if job_name else {},
        },
        "spec": {"containers": [{"name": status["name"]} for status in statuses]},
        "status": {"phase": phase, "containerStatuses": statuses},
    }
    if node:
        raw["spec"]["nodeName"] = node
    for section, values in extra.items():
        raw.setdefault(section, {}).update(values)
    return raw


def k8s_event(name: str, kind: str, object_name: str, namespace: str = "team-a", **times: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": namespace or "default", "resourceVersion": "1"},
        "involvedObject": {"kind": kind, "name": object_name, "namespace": namespace},
        "reason": "Scheduled",
        **times,
    }


def cluster(jobs: tuple[dict[str, Any], ...] = (), pods: tuple[dict[str, Any], ...] = (), **others: Any) -> AppState:
    actions: list[Action] = [ListLoaded("jobs", jobs, "10"), ListLoaded("pods", pods, "10")]
    actions += [ListLoaded(kind, items, "10") for kind, items in others.items()]
    return reduce_many(EMPTY_STATE, actions)


def only_row(state: AppState, now: datetime = NOW) -> JobRow:
    (row,) = job_rows(state, now)
    return row


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ((("Created", "True"), ("Running", "True")), "Running"),
        ((("Created", "True"), ("Running", "True"), ("Completed", "True")), "Completed"),
        ((("Created", "True"), ("Running", "False")), "Created"),
        ((), "Unknown"),
    ],
)
def test_job_status_is_derived_like_hyp_list(conditions: tuple[tuple[str, str], ...], expected: str) -> None:
    assert only_row(cluster(jobs=(job("train", conditions=conditions),))).status == expected


def test_job_ready_counts_running_pods_of_the_job_against_desired_replicas() -> None:
    state = cluster(
        jobs=(job("train", replicas=(2, 1)),),
        pods=(
            pod("train-0"),
            pod("train-1"),
            pod("train-2", phase="Pending"),
            pod("train-x", namespace="team-b"),  # same label, another namespace
            pod("other-0", job_name="other"),
            pod("loose-0", job_name=None),
        ),
    )
    assert only_row(state).ready == "2/3"


def test_job_restarts_come_from_the_job_status_when_present() -> None:
    state = cluster(jobs=(job("train", restart_count=4),), pods=(pod("train-0", containers=(container(restarts=9),)),))
    assert only_row(state).restarts == 4


def test_job_restarts_fall_back_to_the_pods_container_restarts() -> None:
    state = cluster(
        jobs=(job("train"),),
        pods=(
            pod("train-0", containers=(container("a", restarts=2), container("b", restarts=1))),
            pod("train-1", containers=(container(restarts=3),)),
            pod("other-0", job_name="other", containers=(container(restarts=50),)),
        ),
    )
    assert only_row(state).restarts == 6


def test_job_age_and_created() -> None:
    row = only_row(cluster(jobs=(job("train", age=timedelta(minutes=5, seconds=30)),)))
    assert row.age == "5m30s"
    assert row.created == NOW - timedelta(minutes=5, seconds=30)
    assert only_row(cluster(jobs=(job("train", age=None),))).age == "<unknown>"


def test_job_rows_are_ordered_by_namespace_then_name() -> None:
    state = cluster(jobs=(job("b"), job("a", namespace="team-b"), job("a")))
    rows = job_rows(state, NOW)
    assert [row.key for row in rows] == [("team-a", "a"), ("team-a", "b"), ("team-b", "a")]
    assert (rows[0].name, rows[0].namespace) == ("a", "team-a")


def test_job_rows_are_memoized_on_identity() -> None:
    state = cluster(jobs=(job("a"), job("b")), pods=(pod("a-0", job_name="a"),))
    rows = job_rows(state, NOW)
    assert job_rows(state, NOW) is rows
    # A change elsewhere in the state leaves jobs and pods untouched, so the same rows come back.
    assert job_rows(reduce(state, Notice("hello")), NOW) is rows


def test_one_job_changing_rebuilds_only_its_row() -> None:
    state = cluster(jobs=(job("a"), job("b")), pods=(pod("a-0", job_name="a"), pod("b-0", job_name="b")))
    before = job_rows(state, NOW)
    changed = reduce(state, WatchEvent("jobs", "MODIFIED", job("a", rv="20", conditions=(("Running", "True"),))))
    after = job_rows(changed, NOW)
    assert after[0].status == "Running"
    assert after[1] is before[1]


def test_a_pod_of_one_job_changing_keeps_the_other_jobs_rows() -> None:
    state = cluster(jobs=(job("a"), job("b")), pods=(pod("a-0", job_name="a"), pod("b-0", job_name="b")))
    before = job_rows(state, NOW)
    changed = reduce(state, WatchEvent("pods", "MODIFIED", pod("a-0", job_name="a", rv="20", phase="Failed")))
    after = job_rows(changed, NOW)
    assert after[0].ready == "0/1"
    assert after[1] is before[1]
    assert job_pods(changed, ("team-a", "b")) is job_pods(state, ("team-a", "b"))


def test_a_new_now_re_ages_rows_only_where_the_age_shows_it() -> None:
    state = cluster(jobs=(job("old", age=timedelta(hours=3)), job("young", age=timedelta(seconds=30))))
    before = job_rows(state, NOW)
    after = job_rows(state, NOW + timedelta(seconds=1))
    assert after[0] is before[0]  # "180m" either way
    assert (before[1].age, after[1].age) == ("30s", "31s")


def test_job_pods_are_the_jobs_pods_sorted_by_name() -> None:
    state = cluster(pods=(pod("train-2"), pod("train-0"), pod("other-0", job_name="other"), pod("train-1")))
    assert [p.name for p in job_pods(state, ("team-a", "train"))] == ["train-0", "train-1", "train-2"]
    assert job_pods(state, ("team-a", "missing")) == ()


def test_get_object_finds_by_kind_and_key() -> None:
    state = cluster(jobs=(job("train"),))
    found = get_object(state, "jobs", ("team-a", "train"))
    assert found is not None and found.name == "train"
    assert get_object(state, "jobs", ("team-a", "nope")) is None
    assert get_object(state, "nodes", ("", "node-1")) is None


def test_object_events_match_the_involved_object_oldest_first() -> None:
    state = cluster(
        events=(
            k8s_event("e-late", "Pod", "train-0", lastTimestamp="2026-01-10T11:50:00Z"),
            k8s_event("e-micro", "Pod", "train-0", eventTime="2026-01-10T11:40:00.123456Z"),
            k8s_event("e-early", "Pod", "train-0", lastTimestamp="2026-01-10T11:00:00Z"),
            k8s_event("e-other-pod", "Pod", "train-1", lastTimestamp="2026-01-10T11:00:00Z"),
            k8s_event("e-job", "HyperPodPyTorchJob", "train-0", lastTimestamp="2026-01-10T11:00:00Z"),
            k8s_event("e-ns", "Pod", "train-0", namespace="team-b", lastTimestamp="2026-01-10T11:00:00Z"),
            k8s_event("e-node", "Node", "node-1", namespace="", lastTimestamp="2026-01-10T11:00:00Z"),
        )
    )
    assert [e.name for e in object_events(state, "team-a", "Pod", "train-0")] == ["e-early", "e-micro", "e-late"]
    assert [e.name for e in object_events(state, "", "Node", "node-1")] == ["e-node"]
    assert object_events(state, "team-a", "Pod", "nobody") == ()


def waiting(reason: str) -> dict[str, Any]:
    return {"waiting": {"reason": reason}}


def terminated(reason: str = "", exit_code: int = 1, signal: int = 0) -> dict[str, Any]:
    return {"terminated": {"reason": reason, "exitCode": exit_code, "signal": signal}}


def one_pod_row(raw: dict[str, Any], now: datetime = NOW):
    state = cluster(pods=(raw,))
    (row,) = pod_rows(job_pods(state, ("team-a", "train")), now)
    return row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (pod("p"), "Running"),
        (pod("p", phase="Pending", containers=()), "Pending"),
        (
            pod("p", phase="Pending", containers=(container(ready=False, state=waiting("ContainerCreating")),)),
            "ContainerCreating",
        ),
        (pod("p", containers=(container(ready=False, state=waiting("CrashLoopBackOff")),)), "CrashLoopBackOff"),
        (
            pod("p", phase="Succeeded", containers=(container(ready=False, state=terminated("Completed", 0)),)),
            "Completed",
        ),
        (pod("p", phase="Failed", containers=(container(ready=False, state=terminated("Error")),)), "Error"),
        (
            pod("p", phase="Running", containers=(container(ready=False, state=terminated("OOMKilled", 137)),)),
            "OOMKilled",
        ),
        (pod("p", phase="Failed", containers=(container(ready=False, state=terminated(exit_code=3)),)), "ExitCode:3"),
        (pod("p", phase="Failed", containers=(container(ready=False, state=terminated(signal=9)),)), "Signal:9"),
        (pod("p", metadata={"deletionTimestamp": "2026-01-10T11:59:00Z"}), "Terminating"),
        (pod("p", phase="Succeeded", metadata={"deletionTimestamp": "2026-01-10T11:59:00Z"}), "Succeeded"),
        (pod("p", phase="Failed", status={"reason": "Evicted"}, containers=()), "Evicted"),
        (
            pod("p", metadata={"deletionTimestamp": "2026-01-10T11:59:00Z"}, status={"reason": "NodeLost"}),
            "Unknown",
        ),
        (
            # One container finished, one still running, pod not Ready: kubectl says NotReady, not Completed.
            pod("p", containers=(container("a", state=terminated("Completed", 0), ready=False), container("b"))),
            "NotReady",
        ),
        (
            pod(
                "p",
                phase="Pending",
                containers=(container(ready=False, state=waiting("PodInitializing")),),
                spec={"initContainers": [{"name": "setup"}]},
                status={"initContainerStatuses": [container("setup", ready=False, state=waiting("PodInitializing"))]},
            ),
            "Init:0/1",
        ),
        (
            pod(
                "p",
                phase="Pending",
                containers=(container(ready=False, state=waiting("PodInitializing")),),
                spec={"initContainers": [{"name": "setup"}]},
                status={"initContainerStatuses": [container("setup", ready=False, state=waiting("ImagePullBackOff"))]},
            ),
            "Init:ImagePullBackOff",
        ),
        (
            pod(
                "p",
                phase="Pending",
                containers=(container(ready=False, state=waiting("PodInitializing")),),
                status={"conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]},
            ),
            "PodInitializing",
        ),
        (
            pod(
                "p",
                phase="Pending",
                containers=(),
                status={"conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]},
            ),
            "SchedulingGated",
        ),
    ],
)
def test_pod_status_is_printed_like_kubectl(raw: dict[str, Any], expected: str) -> None:
    assert one_pod_row(raw).status == expected


def test_pod_ready_counts_ready_running_containers_and_sidecars() -> None:
    raw = pod(
        "p",
        containers=(container("a"), container("b", ready=False)),
        spec={"initContainers": [{"name": "proxy", "restartPolicy": "Always"}, {"name": "setup"}]},
        status={
            "initContainerStatuses": [
                container("proxy", ready=True) | {"started": True},
                container("setup", ready=False, state=terminated("Completed", 0)),
            ]
        },
    )
    assert one_pod_row(raw).ready == "2/3"


def test_pod_restarts_show_the_latest_restart() -> None:
    raw = pod(
        "p",
        containers=(
            container("a", restarts=1, last_finished=timedelta(minutes=20)),
            container("b", restarts=1, last_finished=timedelta(minutes=5)),
        ),
    )
    assert one_pod_row(raw).restarts == "2 (5m ago)"


def test_pod_without_restarts_shows_zero() -> None:
    assert one_pod_row(pod("p")).restarts == "0"


def test_pod_row_node_age_and_key() -> None:
    row = one_pod_row(pod("p", age=timedelta(minutes=30)))
    assert (row.key, row.name, row.namespace, row.node, row.age) == (("team-a", "p"), "p", "team-a", "node-1", "30m")
    assert row.created == NOW - timedelta(minutes=30)
    assert one_pod_row(pod("p", phase="Pending", node=None)).node == "<none>"


def test_pod_rows_are_memoized_on_identity() -> None:
    state = cluster(pods=(pod("train-0"), pod("train-1")))
    pods = job_pods(state, ("team-a", "train"))
    rows = pod_rows(pods, NOW)
    assert pod_rows(pods, NOW) is rows
    assert [row.name for row in rows] == ["train-0", "train-1"]


def test_memoize_on_identity_recomputes_for_equal_but_different_inputs() -> None:
    calls: list[tuple[int, ...]] = []

    @memoize_on_identity
    def total(values: list[int]) -> int:
        calls.append(tuple(values))
        return sum(values)

    values = [1, 2]
    assert total(values) == 3
    assert total(values) == 3
    assert total([1, 2]) == 3
    assert calls == [(1, 2), (1, 2)]


class CountingLabels(dict[str, str]):
    """Labels that count how often the HPJob label is looked up."""

    lookups = 0

    def get(self, key: str, default: Any = None) -> Any:
        CountingLabels.lookups += 1
        return super().get(key, default)


def test_pods_are_indexed_once_per_pods_change_not_scanned_per_job() -> None:
    jobs = tuple(job(f"job-{j}") for j in range(5))
    pods = tuple(pod(f"job-{j}-{i}", job_name=f"job-{j}") for j in range(5) for i in range(4))
    for raw in pods:
        raw["metadata"]["labels"] = CountingLabels(raw["metadata"]["labels"])
    state = cluster(jobs=jobs, pods=pods)
    CountingLabels.lookups = 0
    job_rows(state, NOW)
    assert CountingLabels.lookups == len(pods)
    job_rows(state, NOW + timedelta(seconds=1))
    job_rows(reduce(state, WatchEvent("jobs", "MODIFIED", job("job-0", rv="99"))), NOW)
    assert CountingLabels.lookups == len(pods)
