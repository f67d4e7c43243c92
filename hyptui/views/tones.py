"""How alarming a status word is, so every screen colours Running, Pending and Failed alike."""

from __future__ import annotations

from enum import StrEnum


class Tone(StrEnum):
    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    IDLE = "idle"
    SUSPENDED = "suspended"  # held back by the scheduler (Kueue suspended or preempted it), not broken
    BORROWED = "borrowed"  # quota a team uses beyond its guarantee; not a status word, the queues screen applies it
    PLAIN = "plain"


_BAD = {
    "Failed",
    "Error",
    "CrashLoopBackOff",
    "OOMKilled",
    "ImagePullBackOff",
    "ErrImagePull",
    "Evicted",
    "Unknown",
    "NotReady",
    "UnschedulablePendingReplacement",
    "UnschedulablePendingReboot",
    "Broken",
    "Degraded",  # a space whose controller reports Degraded
    "DeploymentFailed",  # inference endpoints: status.state and the SageMaker endpoint's state
    "CreationFailed",
    "DeletionFailed",
    "Failure",  # a HyperPod cluster node (ClusterInstanceStatus)
    "Invalid",  # a config directory `hyp validate` would refuse
    "Unreadable",
}
_WARN = {
    "Pending",
    "ContainerCreating",
    "Created",
    "Terminating",
    "Restarting",
    "PodInitializing",
    "Ready,SchedulingDisabled",
    "Stuck",
    "Warning",
    "PENDING",
    "QUOTARESERVED",
    "Starting",  # spaces: on their way up or down
    "Stopping",
    "Deleting",
    "DeploymentPending",
    "DeploymentInProgress",
    "CreationInProgress",
    "DeletionPending",
    "DeletionInProgress",
    "Creating",  # HyperPod clusters (ClusterStatus) and their nodes (ClusterInstanceStatus) on their way
    "Updating",
    "RollingBack",
    "SystemUpdating",
    "ShuttingDown",
    "DeepHealthCheckInProgress",
}
_OK = {
    "Running",
    "Ready",
    "Schedulable",
    "Passed",
    "True",
    "ADMITTED",
    "DeploymentComplete",
    "CreationCompleted",
    "InService",  # a HyperPod cluster or instance group
    "Valid",  # a config directory `hyp validate` accepts
}
_SUSPENDED = {"Suspended", "PREEMPTED"}
_IDLE = {"Completed", "Succeeded", "Note", "FINISHED", "Stopped"}


def _stack_tone(status: str) -> Tone:
    """CloudFormation's statuses (CREATE_IN_PROGRESS...): failures and rollbacks are bad, work under way a warning."""
    if status.endswith("_FAILED") or "ROLLBACK" in status:
        return Tone.BAD
    if status.endswith("_IN_PROGRESS"):
        return Tone.WARN
    if status == "DELETE_COMPLETE":
        return Tone.IDLE
    return Tone.OK if status.endswith("_COMPLETE") else Tone.PLAIN


def tone_of(status: str) -> Tone:
    if "_" in status and status.isupper():
        return _stack_tone(status)
    if status in _BAD:
        return Tone.BAD
    if status in _SUSPENDED:
        return Tone.SUSPENDED
    if status in _WARN:
        return Tone.WARN
    if status in _OK:
        return Tone.OK
    if status in _IDLE:
        return Tone.IDLE
    return Tone.PLAIN
