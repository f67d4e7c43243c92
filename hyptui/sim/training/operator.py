"""The simulated HyperPod training operator (HPTO), with the bits of kube-scheduler and kubelet its pods need.

Level-triggered: every `tick(now)` reads all HyperPodPyTorchJobs, pods and nodes and moves each job along to `now`,
applying every transition that fell due since the last tick at the moment it fell due (a long gap between ticks, or
a seed that starts jobs in the past, replays the same history as many small ticks would). Everything that matters is
read back from the objects; the in-memory dictionaries only hold things that are harmless to lose (pull durations,
event aggregation, scheduling back-off), so a fresh operator picks up where another one stopped.

Faults follow HPTO's resiliency: a crashed process, a pod deleted under the job, a pod whose node turns unhealthy
(`sagemaker.amazonaws.com/node-health-status` other than Schedulable) or a `runPolicy.logMonitoringConfiguration` rule
that finds the job hanging or slow restarts the job while `runPolicy.jobMaxRetryCount` allows: healthy pods restart in
place, pods on an unhealthy node are deleted and recreated on a healthy node. Each restart updates `restartCount`,
`restartStatus` and `latestFaultyPodInstanceList` (HPTO's status fields; `restartType` is PLR when every pod restarted
in place, JLR when pods were recreated), and the job's return to Running reports how long the remediation took.

Condition types follow what HPTO reports (`Created`, `PodsRunning`, `Running`, `Completed`, `Failed`, `Suspended`,
seen in hyp CLI code and published job status dumps). Reasons and messages are not published; they follow the
Kubeflow training operator HPTO descends from (`<Kind>Created`, `<Kind>Running`, `<Kind>Restarting`, ...), and the
`Restarting` condition type is taken from Kubeflow too.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hyptui.hyperpod.age import rfc3339, rfc3339_micro
from hyptui.hyperpod.conditions import condition_is_true, find_condition, set_job_condition, set_pod_condition
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, PODS
from hyptui.hyperpod.labels import JOB_LABEL, NODE_HEALTH_LABEL, OPERATOR_POD_LABEL, SCHEDULABLE
from hyptui.hyperpod.resources import GPU
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.events import object_reference
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.hyperpod_nodes import instance_id
from hyptui.sim.nodes.kubelet import (
    SCHEDULER_COMPONENT,
    SCHEDULING_RETRY_SECONDS,
    accept,
    apply_pod_defaults,
    bind,
    container_ids,
    node_ip,
    pod_ip_on,
    pulled_message,
    qos_class,
    record_kubelet_event,
    scheduling_due,
    start,
    unschedulable,
)
from hyptui.sim.nodes.placement import place_pod, pod_requests
from hyptui.sim.operator_log import OperatorPodLog
from hyptui.sim.owner_references import controller_reference
from hyptui.sim.pod_operator import OwnerReconciler, PodOperator
from hyptui.sim.training.log_monitoring import RuleVerdict, first_verdict, parse_rules
from hyptui.sim.training.logs import MASTER_PORT, TrainingRun, steps_for_duration
from hyptui.sim.transitions import Transition, apply_due_transitions

# Simulation knobs, set on the job's metadata.annotations (all chosen for the simulator, none exist in HPTO).
DURATION_ANNOTATION = "sim.hyptui.io/duration-seconds"  # rendezvous → exit 0 of a run that starts from scratch
FAIL_AFTER_ANNOTATION = "sim.hyptui.io/fail-after-seconds"  # rank 0 crashes this long after each rendezvous
FAIL_COUNT_ANNOTATION = "sim.hyptui.io/fail-count"  # only the first N runs crash (default: every run)
CHECKPOINT_ANNOTATION = "sim.hyptui.io/checkpoint-step"  # written by the operator: the step a new run resumes from
# Fault injection: "true" makes the job's processes hang (no more log lines); the operator replaces the value with the
# moment the hang began, and clears it when the job restarts.
QUIET_LOG_ANNOTATION = "sim.hyptui.io/quiet-log"
FAULT_DETECTED_ANNOTATION = "sim.hyptui.io/fault-detected-at"  # written by the operator while a fault is remediated
DEFAULT_DURATION_SECONDS = 900

JOB_NAME_LABEL = "job-name"  # HPTO pods also carry this in the published awsome-distributed-training examples
REPLICA_SPEC_LABEL = "sagemaker.amazonaws.com/replica-spec-name"  # chosen
REPLICA_INDEX_LABEL = "sagemaker.amazonaws.com/replica-index"  # chosen
OPERATOR_CONTAINER = "manager"
MAIN_CONTAINER = "pytorch-job-container"

OPERATOR_COMPONENT = "hyperpod-training-operator"  # chosen: HPTO's event source name is not published

# Default for runPolicy.jobMaxRetryCount when unset: chosen (HPTO does not document one); a fault then fails the job.
DEFAULT_MAX_RETRIES = 0
KUBELET_ACCEPT_SECONDS = 1  # binding → kubelet sets up the sandbox and starts pulling
PULL_SECONDS = (12, 40)  # training images are several GB
RESTART_SECONDS = 5  # a failed run → every pod restarted in place
DEFAULT_EVAL_PERIOD_SECONDS = 3600  # runPolicy.restartPolicy.evalPeriodSeconds as `hyp create` renders it

_KIND = HYPERPOD_PYTORCH_JOBS.kind
_TRUE, _FALSE = "True", "False"


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _parse_time_or_none(value: str | None) -> datetime | None:
    try:
        return _parse_time(value) if value else None
    except ValueError:
        return None


def _seconds(value: Any, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


def _main_container(pod_spec: dict) -> str:
    names = [c.get("name", "") for c in pod_spec.get("containers") or []]
    return MAIN_CONTAINER if MAIN_CONTAINER in names else names[0]


def _container_status(pod: dict) -> dict:
    main = _main_container(pod.get("spec") or {})
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return next((s for s in statuses if s.get("name") == main), {})


def _state(pod: dict) -> str:
    """`unbound`, `accepted` (kubelet pulling), `running`, `terminated`, or `bound` (waiting for the kubelet)."""
    if not (pod.get("spec") or {}).get("nodeName"):
        return "unbound"
    state = _container_status(pod).get("state") or {}
    if "running" in state:
        return "running"
    if "terminated" in state:
        return "terminated"
    return "accepted" if (pod.get("status") or {}).get("startTime") else "bound"


def _nproc_per_node(job: dict, pod_spec: dict) -> int:
    value = str((job.get("spec") or {}).get("nprocPerNode", "auto"))
    if value.isdigit() and int(value) > 0:
        return int(value)
    wanted = pod_requests(pod_spec)
    if value == "cpu":
        return max(1, wanted["cpu"] // 1000)
    return max(1, wanted[GPU])


@dataclass(frozen=True, slots=True)
class _Replica:
    name: str  # pod name
    spec_name: str
    index: int
    node_rank: int
    template: dict


@dataclass(frozen=True, slots=True)
class _Fault:
    cause: str  # completes "... is restarting because ..."
    faulty_pods: tuple[str, ...]
    faulty_ranks: tuple[str, ...]
    faulty_instances: tuple[str, ...] = ()
    relocate: tuple[str, ...] = ()  # pods to delete and recreate on a healthy node
    recreated: bool = False  # a pod was already deleted under the job
    crashed: str = ""  # the pod whose rank 0 exited 1 (its log gets the traceback)
    stopped_by_operator: bool = False  # a log monitoring rule fired: the operator stops healthy-looking processes

    @property
    def restart_type(self) -> str:
        return "JLR" if self.relocate or self.recreated else "PLR"


def _replicas(job: dict) -> list[_Replica]:
    job_name = job["metadata"]["name"]
    replicas = []
    for spec in (job.get("spec") or {}).get("replicaSpecs") or []:
        spec_name = spec.get("name") or "pod"
        for index in range(int(spec.get("replicas") or 0)):
            replicas.append(
                _Replica(f"{job_name}-{spec_name}-{index}", spec_name, index, len(replicas), spec.get("template") or {})
            )
    return replicas


def _is_operator_pod(pod: dict) -> bool:
    return OPERATOR_POD_LABEL in (pod["metadata"].get("labels") or {})


class TrainingOperator(PodOperator):
    def __init__(self, store: ObjectStore, logs: LogStore, rng: random.Random) -> None:
        self._rng = rng
        self._pull_seconds: dict[str, int] = {}  # pod uid → how long the kubelet takes to pull its image
        self._create_attempts: dict[str, datetime] = {}  # job uid → last pod create the API server refused
        super().__init__(store, logs, OperatorPodLog(logs, OPERATOR_CONTAINER, _is_operator_pod))

    def _forget_pod(self, uid: str) -> None:
        self._pull_seconds.pop(uid, None)

    # ---- the loop

    def tick(self, now: datetime) -> None:
        jobs, _ = self._store.list(HYPERPOD_PYTORCH_JOBS)
        if not jobs:
            return
        nodes, cluster = self._nodes_and_pods()
        for job in jobs:
            if not job["metadata"].get("deletionTimestamp"):
                _JobReconciler(self, job, nodes, cluster, now).run()


class _JobReconciler(OwnerReconciler):
    """One job's pass: brings the job and its pods from their stored state to `now`, transition by transition."""

    op: TrainingOperator

    def __init__(
        self,
        operator: TrainingOperator,
        job: dict,
        nodes: list[dict],
        cluster: dict[tuple[str, str], dict],
        now: datetime,
    ) -> None:
        super().__init__(operator, HYPERPOD_PYTORCH_JOBS, job, nodes, cluster, now)
        self.logs = operator._logs
        self.events = operator._events
        self.replicas = _replicas(job)
        self.annotations = job["metadata"].get("annotations") or {}

    @property
    def job(self) -> dict:
        return self.obj

    # ---- helpers

    def _log(self, at: datetime, message: str, **fields: Any) -> None:
        self.op.operator_log.write(at, message, HYPERPOD_PYTORCH_JOBS, self.job, **fields)

    def _job_event(self, event_type: str, reason: str, message: str, at: datetime) -> None:
        self.events.record(self.job, HYPERPOD_PYTORCH_JOBS, event_type, reason, message, at, OPERATOR_COMPONENT)

    def _kubelet_event(self, pod: dict, reason: str, message: str, at: datetime, event_type: str = "Normal") -> None:
        record_kubelet_event(self.events, pod, _main_container(pod["spec"]), reason, message, at, event_type)

    def _pods(self) -> list[dict | None]:
        return [self.cluster.get((self.namespace, r.name)) for r in self.replicas]

    @property
    def _max_retries(self) -> int:
        run_policy = (self.job.get("spec") or {}).get("runPolicy") or {}
        return _seconds(run_policy.get("jobMaxRetryCount", DEFAULT_MAX_RETRIES), DEFAULT_MAX_RETRIES)

    @property
    def _restart_count(self) -> int:
        return int((self.job.get("status") or {}).get("restartCount") or 0)

    # ---- the pass

    def run(self) -> None:
        if not (self.job.get("status") or {}).get("conditions"):
            self._created()
        suspended = bool(((self.job.get("spec") or {}).get("runPolicy") or {}).get("suspend"))
        if suspended:
            self._suspend()
            return
        if condition_is_true(self.job, "Completed") or condition_is_true(self.job, "Failed"):
            return
        if condition_is_true(self.job, "Suspended"):
            self._resume()
        self._steps()
        # What changed outside the operator since the last pass (a node label, a deleted pod, a fault injection) is
        # noticed now, after the transitions that fell due before.
        if not (condition_is_true(self.job, "Completed") or condition_is_true(self.job, "Failed")):
            self._stamp_quiet_log()
            self._notice_faults()
            self._create_missing_pods()
            self._steps()
        self._flush_logs(self.now)

    def _steps(self) -> None:
        apply_due_transitions(self._transitions, self.now)

    def _created(self) -> None:
        at = _parse_time(self.job["metadata"]["creationTimestamp"])
        message = f"{_KIND} {self.name} is created."

        def created(status: dict) -> None:
            set_job_condition(status, "Created", _TRUE, f"{_KIND}Created", message, at)
            status.setdefault("restartCount", 0)

        self._update_status(created)
        self._job_event("Normal", f"{_KIND}Created", message, at)
        self._log(at, "Reconciling new HyperPodPyTorchJob")

    def _suspend(self) -> None:
        pods = [pod for pod in self._pods() if pod is not None]
        if condition_is_true(self.job, "Suspended") and not pods:
            return
        at = self.now
        self._save_checkpoint(at)
        for pod in pods:
            self.store.delete(PODS, self.namespace, pod["metadata"]["name"])
            self.cluster.pop((self.namespace, pod["metadata"]["name"]), None)
            self._job_event("Normal", "SuccessfulDeletePod", f"Deleted pod: {pod['metadata']['name']}", at)
        message = f"{_KIND} {self.name} is suspended."

        def suspended(status: dict) -> None:
            set_job_condition(status, "Suspended", _TRUE, f"{_KIND}Suspended", message, at)
            set_job_condition(status, "PodsRunning", _FALSE, f"{_KIND}Suspended", message, at, add=False)
            set_job_condition(status, "Running", _FALSE, f"{_KIND}Suspended", message, at, add=False)
            status.pop("startTime", None)
            status.pop("jobPods", None)

        self._update_status(suspended)
        self._job_event("Normal", f"{_KIND}Suspended", message, at)
        self._log(at, "Suspended HyperPodPyTorchJob, deleted its pods", pods=len(pods))

    def _resume(self) -> None:
        message = f"{_KIND} {self.name} is resumed."
        self._update_status(lambda s: set_job_condition(s, "Suspended", _FALSE, f"{_KIND}Resumed", message, self.now))
        self._job_event("Normal", f"{_KIND}Resumed", message, self.now)

    def _save_checkpoint(self, at: datetime) -> None:
        """Remember the newest checkpoint the current run wrote; the next run (any pod) resumes from it."""
        runs = self._runs()
        if runs:
            self._record_checkpoint(runs[0][1].last_checkpoint(at))

    def _record_checkpoint(self, step: int) -> None:
        self._update(
            lambda job: job["metadata"].setdefault("annotations", {}).__setitem__(CHECKPOINT_ANNOTATION, str(step))
        )

    def _create_missing_pods(self) -> None:
        created = False
        for replica in self.replicas:
            if (self.namespace, replica.name) in self.cluster:
                continue
            uid = self.job["metadata"]["uid"]
            refused = self.op._create_attempts.get(uid)
            if refused is not None and (self.now - refused).total_seconds() < SCHEDULING_RETRY_SECONDS:
                continue
            try:
                pod = self.store.create(PODS, self._pod_manifest(replica), self.namespace)
            except ApiError as error:
                # A pod template the API server rejects: reported on the job and retried with back-off, as the
                # real controller does, instead of failing every pass.
                self.op._create_attempts[uid] = self.now
                self._job_event("Warning", "FailedCreatePod", f"Error creating: {error.message}", self.now)
                continue
            self.cluster[(self.namespace, replica.name)] = pod
            at = _parse_time(pod["metadata"]["creationTimestamp"])
            self._job_event("Normal", "SuccessfulCreatePod", f"Created pod: {replica.name}", at)
            created = True
        if not created:
            return
        references = [object_reference(pod, PODS) for pod in self._pods() if pod is not None]
        for reference in references:
            reference.pop("resourceVersion", None)

        def record_pods(status: dict) -> None:
            status["jobPods"] = references
            status.setdefault("startTime", rfc3339(self.now))

        self._update_status(record_pods)
        self._log(self.now, "Created job pods", pods=[r["name"] for r in references])

    def _pod_manifest(self, replica: _Replica) -> dict:
        template_metadata = replica.template.get("metadata") or {}
        spec = copy.deepcopy(replica.template.get("spec") or {})
        apply_pod_defaults(spec, "OnFailure")  # chosen: the operator restarts failed runs in place
        labels = {
            **(template_metadata.get("labels") or {}),
            JOB_LABEL: self.name,
            JOB_NAME_LABEL: self.name,
            REPLICA_SPEC_LABEL: replica.spec_name,
            REPLICA_INDEX_LABEL: str(replica.index),
        }
        metadata = {
            "name": replica.name,
            "namespace": self.namespace,
            "labels": labels,
            "ownerReferences": [controller_reference(HYPERPOD_PYTORCH_JOBS, self.job)],
        }
        if template_metadata.get("annotations"):
            metadata["annotations"] = dict(template_metadata["annotations"])
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": metadata,
            "spec": spec,
            "status": {"phase": "Pending", "qosClass": qos_class(spec)},
        }

    # ---- transitions

    def _transitions(self) -> list[Transition]:
        """The transitions of the job and its pods from their stored state, whether due yet or not."""
        due: list[Transition] = []
        pods = self._pods()
        for order, pod in enumerate(pods):
            if pod is None:
                continue
            state = _state(pod)
            if state == "unbound" and pod["metadata"]["uid"] not in self.tried_scheduling:
                at = scheduling_due(pod, self.op._scheduling_attempts.get(pod["metadata"]["uid"]), self.now)
                if at is not None:
                    due.append((at, order, lambda at, p=pod: self._schedule(p, at)))
            elif state == "bound":
                bound = _parse_time(find_condition(pod, "PodScheduled")["lastTransitionTime"])
                at = bound + timedelta(seconds=KUBELET_ACCEPT_SECONDS)
                due.append((at, order, lambda at, p=pod: self._accept(p, at)))
            elif state == "accepted":
                at = _parse_time(pod["status"]["startTime"]) + timedelta(seconds=self._pull_seconds_for(pod))
                due.append((at, order, lambda at, p=pod: self._start(p, at)))
        due += self._job_transitions(pods)
        return due

    def _job_transitions(self, pods: list[dict | None]) -> list[Transition]:
        if any(pod is None for pod in pods) or not pods:
            return []
        present = [pod for pod in pods if pod is not None]
        states = {_state(pod) for pod in present}
        last = len(pods)
        if states == {"running"}:
            rendezvous = self._rendezvous(present)
            transitions: list[Transition] = []
            if not condition_is_true(self.job, "Running"):
                transitions.append((rendezvous, last, self._running))
            run = self._run(present[0], rendezvous)
            assert run is not None
            crash = self._crash_time(rendezvous)
            if run.stalled_at is not None and crash is not None and crash > run.stalled_at:
                crash = None  # hung processes do not crash
            if crash is not None and (run.finished_at is None or crash < run.finished_at):
                transitions.append((crash, last + 1, self._crash))
            elif run.finished_at is not None:
                transitions.append((run.finished_at, last + 1, self._complete))
            verdict = self._log_verdict(present, rendezvous)
            if verdict is not None:
                faulty = verdict[1]
                transitions.append((verdict[0].at, last + 2, lambda at: self._monitor_fault(at, verdict[0], faulty)))
            return transitions
        if not condition_is_true(self.job, "Restarting"):
            return []
        # A restart in progress: every stopped container comes back in place once the kubelet's back-off passed.
        return [
            (
                _parse_time(_container_status(pod)["state"]["terminated"]["finishedAt"])
                + timedelta(seconds=RESTART_SECONDS),
                last + order,
                lambda at, p=pod: self._restart_pod(p, at),
            )
            for order, pod in enumerate(present)
            if _state(pod) == "terminated"
        ]

    def _pull_seconds_for(self, pod: dict) -> int:
        uid = pod["metadata"]["uid"]
        if uid not in self.op._pull_seconds:
            self.op._pull_seconds[uid] = self.op._rng.randint(*PULL_SECONDS)
        return self.op._pull_seconds[uid]

    # -- scheduler

    def _schedule(self, pod: dict, at: datetime) -> None:
        name = pod["metadata"]["name"]
        self.tried_scheduling.add(pod["metadata"]["uid"])
        placement = place_pod(pod, self.nodes, list(self.cluster.values()))
        if placement.node_name is None:
            self.op._scheduling_attempts[pod["metadata"]["uid"]] = at
            pod = self._update_pod(pod, unschedulable(placement.message, at))
            self.events.record(pod, PODS, "Warning", "FailedScheduling", placement.message, at, SCHEDULER_COMPONENT)
            return
        node = placement.node_name
        pod = self._update_pod(pod, bind(node, at))
        self.op._scheduling_attempts.pop(pod["metadata"]["uid"], None)
        message = f"Successfully assigned {self.namespace}/{name} to {node}"
        self.events.record(pod, PODS, "Normal", "Scheduled", message, at, SCHEDULER_COMPONENT)

    # -- kubelet

    def _accept(self, pod: dict, at: datetime) -> None:
        host_ip = node_ip(self.nodes, pod["spec"]["nodeName"])
        pod = self._update_pod(pod, accept(host_ip, pod_ip_on(host_ip, self.op._rng), at))
        image = next(c.get("image", "") for c in pod["spec"]["containers"] if c["name"] == _main_container(pod["spec"]))
        self._kubelet_event(pod, "Pulling", f'Pulling image "{image}"', at)

    def _start(self, pod: dict, at: datetime) -> None:
        pulled = self._pull_seconds_for(pod)
        pod = self._update_pod(pod, start(container_ids(pod, self.op._rng), at))
        main = _main_container(pod["spec"])
        image = next(c.get("image", "") for c in pod["spec"]["containers"] if c["name"] == main)
        self._kubelet_event(pod, "Pulled", pulled_message(image, pulled), at)
        self._kubelet_event(pod, "Created", f"Created container: {main}", at)
        self._kubelet_event(pod, "Started", f"Started container {main}", at)
        if pod["metadata"]["name"] == self.replicas[0].name:
            ip = pod["status"].get("podIP", "")
            self._update_status(lambda s: s.update(masterAddr=ip, masterPort=MASTER_PORT))

    # -- the training run

    def _rendezvous(self, pods: list[dict]) -> datetime:
        """Agents wait at the rendezvous until every node is up: training starts with the last container."""
        return max(_parse_time(_container_status(p)["state"]["running"]["startedAt"]) for p in pods)

    def _run(self, pod: dict, rendezvous: datetime | None = None) -> TrainingRun | None:
        status = _container_status(pod)
        running = (status.get("state") or {}).get("running")
        if running is None:
            return None
        replica = next(r for r in self.replicas if r.name == pod["metadata"]["name"])
        nproc = _nproc_per_node(self.job, pod["spec"])
        master = self.cluster.get((self.namespace, self.replicas[0].name)) or {}
        duration = _seconds(self.annotations.get(DURATION_ANNOTATION), DEFAULT_DURATION_SECONDS)
        checkpoint = (self.job["metadata"].get("annotations") or {}).get(CHECKPOINT_ANNOTATION, "0")
        return TrainingRun(
            job=self.name,
            pod=pod["metadata"]["name"],
            node_rank=replica.node_rank,
            nnodes=len(self.replicas),
            nproc_per_node=nproc,
            # the job's name, not its uid: the numbers in a log must not change when unrelated objects are added
            seed=random.Random(f"{self.namespace}/{self.name}").getrandbits(32),
            total_steps=steps_for_duration(duration),
            resume_step=_seconds(checkpoint, 0),
            restart_count=int(status.get("restartCount") or 0),
            master_addr=(master.get("status") or {}).get("podIP", ""),
            started_at=_parse_time(running["startedAt"]),
            rendezvous_at=rendezvous,
            stalled_at=self._stalled_at(),
        )

    def _stalled_at(self) -> datetime | None:
        value = (self.job["metadata"].get("annotations") or {}).get(QUIET_LOG_ANNOTATION)
        return _parse_time_or_none(value)

    def _crash_time(self, rendezvous: datetime) -> datetime | None:
        if FAIL_AFTER_ANNOTATION not in self.annotations:
            return None
        fail_count = self.annotations.get(FAIL_COUNT_ANNOTATION)
        if fail_count is not None and self._restart_count >= _seconds(fail_count, 0):
            return None
        return rendezvous + timedelta(seconds=_seconds(self.annotations[FAIL_AFTER_ANNOTATION], 0))

    def _runs(self) -> list[tuple[dict, TrainingRun]]:
        pods = [pod for pod in self._pods() if pod is not None]
        running = [pod for pod in pods if _state(pod) == "running"]
        rendezvous = self._rendezvous(running) if running and len(running) == len(self.replicas) else None
        if rendezvous is None and running and condition_is_true(self.job, "Running"):
            # A pod went away under a running job: the others still train from the rendezvous they all joined.
            rendezvous = _parse_time(find_condition(self.job, "Running")["lastTransitionTime"])
        runs = [(pod, self._run(pod, rendezvous)) for pod in running]
        return [(pod, run) for pod, run in runs if run is not None]

    def _flush_logs(self, until: datetime) -> None:
        for pod, run in self._runs():
            container = _main_container(pod["spec"])
            name = pod["metadata"]["name"]
            after = self._last_logged(name, container) or run.started_at - timedelta(microseconds=1)
            for at, line in run.lines_between(after, until):
                self.logs.append(self.namespace, name, container, line, at)

    def _last_logged(self, pod: str, container: str) -> datetime | None:
        """Where this run's log ends, read from the log itself, so any operator instance continues it seamlessly."""
        size = self.logs.size(self.namespace, pod, container)
        if not size:
            return None
        chunk = self.logs.follow(self.namespace, pod, container, size - 1, timeout=0)
        return chunk.entries[-1][0] if chunk.entries else None

    def _running(self, at: datetime) -> None:
        message = f"{_KIND} {self.name} is running."
        count = len(self.replicas)

        def running(status: dict) -> None:
            set_job_condition(status, "PodsRunning", _TRUE, "PodsRunning", f"All {count} pods are running.", at)
            set_job_condition(status, "Running", _TRUE, f"{_KIND}Running", message, at)
            set_job_condition(status, "Restarting", _FALSE, f"{_KIND}Running", message, at, add=False)

        self._update_status(running)
        self._job_event("Normal", f"{_KIND}Running", message, at)
        self._log(at, "All pods running, training started", restartCount=self._restart_count)
        detected = _parse_time_or_none(self._annotations.get(FAULT_DETECTED_ANNOTATION))
        if detected is not None:
            self._remediated(at, detected)

    @property
    def _annotations(self) -> dict[str, str]:
        return self.job["metadata"].get("annotations") or {}

    def _remediated(self, at: datetime, detected: datetime) -> None:
        seconds = max(0.0, (at - detected).total_seconds())
        faulty = (self.job.get("status") or {}).get("latestFaultyPodInstanceList") or {}
        moved = ""
        if faulty.get("restartType") == "JLR":
            nodes = [
                f"{name} now runs on {pod['spec']['nodeName']}"
                for name in faulty.get("faultyPodList") or []
                if (pod := self.cluster.get((self.namespace, name))) is not None
            ]
            moved = f" ({', '.join(nodes)})" if nodes else ""
        message = f"{_KIND} {self.name} fault remediated in {seconds:.1f} seconds{moved}."
        self._update(lambda job: job["metadata"]["annotations"].pop(FAULT_DETECTED_ANNOTATION, None))
        self._job_event("Normal", f"{_KIND}Remediated", message, at)
        self._log(at, "Job fault remediated", remediationSeconds=round(seconds, 1))

    def _crash(self, at: datetime) -> None:
        self._flush_logs(at)
        runs = self._runs()
        failed_pod = runs[0][0]["metadata"]["name"]
        rank = next(r.node_rank for r in self.replicas if r.name == failed_pod)
        cause = f"pod {failed_pod} failed with exit code 1"
        self._fault(at, _Fault(cause, (failed_pod,), (str(rank),), crashed=failed_pod))

    # -- faults

    def _stamp_quiet_log(self) -> None:
        value = self._annotations.get(QUIET_LOG_ANNOTATION)
        if value is None or _parse_time_or_none(value) is not None:
            return
        stamp = rfc3339_micro(self.now)
        self._update(lambda job: job["metadata"]["annotations"].__setitem__(QUIET_LOG_ANNOTATION, stamp))
        self._log(self.now, "Training processes stopped logging")

    def _notice_faults(self) -> None:
        """Pods deleted under the job, and pods on a node that is no longer Schedulable (or no longer exists)."""
        recorded = {ref.get("name") for ref in (self.job.get("status") or {}).get("jobPods") or []}
        nodes = {node["metadata"]["name"]: node for node in self.nodes}
        causes: list[str] = []
        faulty: list[_Replica] = []
        relocate: list[dict] = []
        instances: list[str] = []
        for replica, pod in zip(self.replicas, self._pods(), strict=True):
            if pod is None:
                if replica.name in recorded:
                    causes.append(f"pod {replica.name} was deleted")
                    faulty.append(replica)
                continue
            node_name = pod["spec"].get("nodeName")
            if not node_name or pod["status"].get("phase") in ("Succeeded", "Failed"):
                continue
            node = nodes.get(node_name)
            health = ((node or {}).get("metadata", {}).get("labels") or {}).get(NODE_HEALTH_LABEL, SCHEDULABLE)
            if node is not None and health == SCHEDULABLE:
                continue
            causes.append(f"node {node_name} of pod {replica.name} is {health if node is not None else 'gone'}")
            faulty.append(replica)
            relocate.append(pod)
            instances.append(instance_id(node_name))
        if not faulty:
            return
        if condition_is_true(self.job, "Restarting") or find_condition(self.job, "Running") is None:
            # Part of a start or a remediation already under way: move the pods along, no new restart.
            for pod in relocate:
                self._delete_pod(pod, self.now)
            return
        fault = _Fault(
            "; ".join(causes),
            tuple(r.name for r in faulty),
            tuple(str(r.node_rank) for r in faulty),
            tuple(instances),
            relocate=tuple(pod["metadata"]["name"] for pod in relocate),
            recreated=len(relocate) < len(faulty),
        )
        self._fault(self.now, fault)

    def _log_verdict(self, pods: list[dict], rendezvous: datetime) -> tuple[RuleVerdict, tuple[str, ...]] | None:
        """The earliest verdict of the job's log monitoring rules over this run's lines, and the pods it concerns."""
        rules = parse_rules((self.job.get("spec") or {}).get("runPolicy") or {})
        if not rules:
            return None
        verdicts = []
        for pod in pods:
            run = self._run(pod, rendezvous)
            assert run is not None
            lines = run.lines_between(run.started_at - timedelta(microseconds=1), self.now)
            verdict = first_verdict(rules, lines, run.started_at, self.now)
            if verdict is not None:
                verdicts.append((verdict, pod["metadata"]["name"]))
        if not verdicts:
            return None
        first = min((verdict for verdict, _ in verdicts), key=lambda v: (v.at, v.rule))
        return first, tuple(name for verdict, name in verdicts if (verdict.at, verdict.rule) == (first.at, first.rule))

    def _monitor_fault(self, at: datetime, verdict: RuleVerdict, pods: tuple[str, ...]) -> None:
        self._flush_logs(at)
        ranks = tuple(str(r.node_rank) for r in self.replicas if r.name in pods)
        cause = f"log monitoring rule {verdict.rule} found the job {verdict.detail}"
        self._log(at, f"Job is {verdict.verdict}", rule=verdict.rule, pods=list(pods))
        self._fault(at, _Fault(cause, pods, ranks, stopped_by_operator=True))

    def _delete_pod(self, pod: dict, at: datetime) -> None:
        name = pod["metadata"]["name"]
        self.store.delete(PODS, self.namespace, name)
        self.cluster.pop((self.namespace, name), None)
        self._job_event("Normal", "SuccessfulDeletePod", f"Deleted pod: {name}", at)

    def _fault(self, at: datetime, fault: _Fault) -> None:
        """Stop the run, then restart the job (pods in place, or recreated off an unhealthy node) or fail it."""
        self._flush_logs(at)
        runs = self._runs()
        retries, used = self._max_retries, self._restart_count
        restarting = used < retries
        for pod, run in runs:
            name = pod["metadata"]["name"]
            if restarting and name in fault.relocate:
                continue  # deleted below, its log with it
            container = _main_container(pod["spec"])
            if name == fault.crashed:
                lines = run.failure_lines(at)
            elif fault.stopped_by_operator:
                lines = run.stop_lines(at)
            else:
                lines = run.peer_failure_lines(at)
            for line_at, line in lines:
                self.logs.append(self.namespace, name, container, line, line_at)
            self.logs.mark_finished(self.namespace, name, container)
            self._update_pod(pod, _terminate(at, exit_code=1 if name == fault.crashed else 143, reason="Error"))
        if runs:
            self._record_checkpoint(runs[0][1].last_checkpoint(at))
        faulty = {
            "restartType": fault.restart_type,
            "faultyInstanceIdList": list(fault.faulty_instances),
            "faultyPodList": list(fault.faulty_pods),
            "faultyRankList": list(fault.faulty_ranks),
        }
        if restarting:
            for name in fault.relocate:
                if (pod := self.cluster.get((self.namespace, name))) is not None:
                    self._delete_pod(pod, at)
            self._restarting(at, fault, faulty, used, retries)
            return
        message = (
            f"{_KIND} {self.name} has failed because {fault.cause} and the job reached "
            f"its maximum number of retries ({retries})."
        )

        def failed(status: dict) -> None:
            status["latestFaultyPodInstanceList"] = faulty
            _finished("Failed", f"{_KIND}Failed", message, at)(status)

        self._update_status(failed)
        for pod, _ in runs:
            self._update_pod(self.cluster[(self.namespace, pod["metadata"]["name"])], _finish_pod("Failed", at))
        self._job_event("Warning", f"{_KIND}Failed", message, at)
        self._log(at, "Job failed, retries exhausted", jobMaxRetryCount=retries)
        self._clean_pods()

    def _restarting(self, at: datetime, fault: _Fault, faulty: dict, used: int, retries: int) -> None:
        message = f"{_KIND} {self.name} is restarting because {fault.cause} (restart {used + 1} of {retries})."
        restart_status = self._restart_status(at, fault.restart_type)

        def restarting(status: dict) -> None:
            status["restartCount"] = used + 1
            status["restartStatus"] = restart_status
            status["latestFaultyPodInstanceList"] = faulty
            set_job_condition(status, "PodsRunning", _FALSE, f"{_KIND}Restarting", message, at, add=False)
            set_job_condition(status, "Running", _FALSE, f"{_KIND}Restarting", message, at, add=False)
            set_job_condition(status, "Restarting", _TRUE, f"{_KIND}Restarting", message, at)

        def annotate(job: dict) -> None:
            annotations = job["metadata"].setdefault("annotations", {})
            annotations[FAULT_DETECTED_ANNOTATION] = rfc3339_micro(at)
            annotations.pop(QUIET_LOG_ANNOTATION, None)  # restarted processes no longer hang

        self._update_status(restarting)
        self._update(annotate)
        self._job_event("Warning", f"{_KIND}Restarting", message, at)
        what = "recreating pods off faulty nodes" if fault.relocate else "restarting job pods in place"
        self._log(
            at,
            f"Job fault detected, {what}",
            faultyPods=list(fault.faulty_pods),
            restartType=fault.restart_type,
        )

    def _restart_status(self, at: datetime, restart_type: str) -> dict:
        """HPTO's restart accounting per evaluation window: full (JLR) restarts, and standard ones since the last."""
        run_policy = (self.job.get("spec") or {}).get("runPolicy") or {}
        period = _seconds((run_policy.get("restartPolicy") or {}).get("evalPeriodSeconds"), DEFAULT_EVAL_PERIOD_SECONDS)
        status = self.job.get("status") or {}
        started = _parse_time(status.get("startTime") or self.job["metadata"]["creationTimestamp"])
        window = int((at - started).total_seconds() // max(1, period))
        previous = status.get("restartStatus") or {}
        if previous.get("currentEvalPeriod") != window:
            previous = {}
        full, standard = int(previous.get("fullJobRestartCount") or 0), int(previous.get("restartCount") or 0)
        if restart_type == "JLR":
            full, standard = full + 1, 0
        else:
            standard += 1
        return {"currentEvalPeriod": window, "fullJobRestartCount": full, "restartCount": standard}

    def _restart_pod(self, pod: dict, at: datetime) -> None:
        container = _main_container(pod["spec"])
        self.logs.rotate(self.namespace, pod["metadata"]["name"], container)
        fresh_ids = {c["name"]: f"containerd://{self.op._rng.getrandbits(256):064x}" for c in pod["spec"]["containers"]}

        def restart(p: dict) -> None:
            for status in p["status"]["containerStatuses"]:
                status["lastState"] = {"terminated": status["state"]["terminated"]}
                status["containerID"] = fresh_ids[status["name"]]
                status["state"] = {"running": {"startedAt": rfc3339(at)}}
                status["restartCount"] = int(status.get("restartCount") or 0) + 1
                status.update(ready=True, started=True)
            set_pod_condition(p, "Ready", _TRUE, at)
            set_pod_condition(p, "ContainersReady", _TRUE, at)

        pod = self._update_pod(pod, restart)
        image = next(c.get("image", "") for c in pod["spec"]["containers"] if c["name"] == container)
        self._kubelet_event(pod, "Pulled", f'Container image "{image}" already present on machine', at)
        self._kubelet_event(pod, "Created", f"Created container: {container}", at)
        self._kubelet_event(pod, "Started", f"Started container {container}", at)

    def _complete(self, at: datetime) -> None:
        self._flush_logs(at)
        for pod, _ in self._runs():
            self.logs.mark_finished(self.namespace, pod["metadata"]["name"], _main_container(pod["spec"]))
            pod = self._update_pod(pod, _terminate(at, exit_code=0, reason="Completed"))
            self._update_pod(pod, _finish_pod("Succeeded", at))
        message = f"{_KIND} {self.name} is successfully completed."

        self._update_status(_finished("Completed", f"{_KIND}Succeeded", message, at))
        self._job_event("Normal", f"{_KIND}Succeeded", message, at)
        self._log(at, "Job completed")
        self._clean_pods()

    def _clean_pods(self) -> None:
        """runPolicy.cleanPodPolicy `All` deletes a finished job's pods; `None`/`Running` (or unset) keep them."""
        if ((self.job.get("spec") or {}).get("runPolicy") or {}).get("cleanPodPolicy") != "All":
            return
        for pod in self._pods():
            if pod is not None:
                self.store.delete(PODS, self.namespace, pod["metadata"]["name"])
                self.cluster.pop((self.namespace, pod["metadata"]["name"]), None)


def _finished(condition: str, reason: str, message: str, at: datetime) -> Callable[[dict], None]:
    """The job's end: the running conditions turn False and `condition` (Completed or Failed) becomes the last True."""

    def finish(status: dict) -> None:
        for kind in ("PodsRunning", "Running", "Restarting"):
            set_job_condition(status, kind, _FALSE, reason, message, at, add=False)
        set_job_condition(status, condition, _TRUE, reason, message, at)
        status["completionTime"] = rfc3339(at)

    return finish


def _terminate(at: datetime, exit_code: int, reason: str) -> Callable[[dict], None]:
    def terminate(pod: dict) -> None:
        for status in pod["status"]["containerStatuses"]:
            running = status["state"].get("running") or {}
            status["state"] = {
                "terminated": {
                    "containerID": status.get("containerID", ""),
                    "exitCode": exit_code,
                    "reason": reason,
                    "startedAt": running.get("startedAt", rfc3339(at)),
                    "finishedAt": rfc3339(at),
                }
            }
            status.update(ready=False, started=False)
        not_ready = (
            f"containers with unready status: [{' '.join(s['name'] for s in pod['status']['containerStatuses'])}]"
        )
        set_pod_condition(pod, "Ready", _FALSE, at, "ContainersNotReady", not_ready)
        set_pod_condition(pod, "ContainersReady", _FALSE, at, "ContainersNotReady", not_ready)

    return terminate


def _finish_pod(phase: str, at: datetime) -> Callable[[dict], None]:
    """A pod whose containers will not run again: terminal phase, and the kubelet's PodCompleted/PodFailed wording."""

    def finish(pod: dict) -> None:
        pod["status"]["phase"] = phase
        reason = "PodCompleted" if phase == "Succeeded" else "PodFailed"
        set_pod_condition(pod, "PodReadyToStartContainers", _FALSE, at)
        set_pod_condition(pod, "Ready", _FALSE, at, reason)
        set_pod_condition(pod, "ContainersReady", _FALSE, at, reason)

    return finish
