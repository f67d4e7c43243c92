"""How alarming a status word is, so every screen colours Running, Pending and Failed alike."""

from __future__ import annotations

from enum import StrEnum


class Tone(StrEnum):
    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    IDLE = "idle"
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
}
_WARN = {
    "Pending",
    "ContainerCreating",
    "Created",
    "Suspended",
    "Terminating",
    "Restarting",
    "PodInitializing",
    "Ready,SchedulingDisabled",
    "Stuck",
    "Warning",
    "PENDING",
    "PREEMPTED",
    "QUOTARESERVED",
    "Starting",  # spaces: on their way up or down
    "Stopping",
    "Deleting",
    "DeploymentPending",
    "DeploymentInProgress",
    "CreationInProgress",
    "DeletionPending",
    "DeletionInProgress",
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
}
_IDLE = {"Completed", "Succeeded", "Note", "FINISHED", "Stopped"}


def tone_of(status: str) -> Tone:
    if status in _BAD:
        return Tone.BAD
    if status in _WARN:
        return Tone.WARN
    if status in _OK:
        return Tone.OK
    if status in _IDLE:
        return Tone.IDLE
    return Tone.PLAIN
