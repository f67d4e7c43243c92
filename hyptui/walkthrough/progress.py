"""Where a walkthrough stands and how it moves, as pure functions: the narration panel asks what the presenter's key
means now, performs the step's action itself, and reports back with `ran`, `failed` and `observe`.

A step is READY (its narration shown, nothing done), RUNNING (done, waiting for its expectation), then DONE,
TIMED_OUT (simulated time ran past its timeout) or FAILED (the action itself could not be done)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from hyptui.store.state import AppState
from hyptui.walkthrough.expect import holds
from hyptui.walkthrough.model import Module, Step, Walkthrough


class Phase(StrEnum):
    READY = "ready"
    RUNNING = "running"
    DONE = "done"
    TIMED_OUT = "timed out"
    FAILED = "failed"


class Intent(StrEnum):
    """What the presenter's advance key does in a phase."""

    RUN = "run"
    WAIT = "wait"  # still running: nothing to do but wait
    NEXT = "next"
    FINISHED = "finished"  # the last step is over


@dataclass(frozen=True, slots=True)
class Progress:
    module: int
    step: int
    phase: Phase = Phase.READY
    started: datetime | None = None  # simulated time the action ran
    note: str = ""  # why it failed, or what the action reported
    faulted_node: str | None = None  # where this step's fault went, for a node expectation by pod


def start(walkthrough: Walkthrough, module: int = 0) -> Progress:
    if not 0 <= module < len(walkthrough.modules):
        raise IndexError(f"no module {module + 1} in {walkthrough.title!r}")
    return Progress(module, 0)


def module_of(walkthrough: Walkthrough, progress: Progress) -> Module:
    return walkthrough.modules[progress.module]


def step_of(walkthrough: Walkthrough, progress: Progress) -> Step:
    return module_of(walkthrough, progress).steps[progress.step]


def is_last(walkthrough: Walkthrough, progress: Progress) -> bool:
    return (
        progress.module == len(walkthrough.modules) - 1
        and progress.step == len(module_of(walkthrough, progress).steps) - 1
    )


def intent(walkthrough: Walkthrough, progress: Progress) -> Intent:
    if progress.phase is Phase.READY:
        return Intent.RUN
    if progress.phase is Phase.RUNNING:
        return Intent.WAIT
    return Intent.FINISHED if is_last(walkthrough, progress) else Intent.NEXT


def ran(progress: Progress, now: datetime, *, note: str = "", faulted_node: str | None = None) -> Progress:
    return replace(progress, phase=Phase.RUNNING, started=now, note=note, faulted_node=faulted_node)


def failed(progress: Progress, why: str) -> Progress:
    return replace(progress, phase=Phase.FAILED, note=why)


def elapsed(progress: Progress, now: datetime) -> float:
    return max(0.0, (now - progress.started).total_seconds()) if progress.started else 0.0


def observe(walkthrough: Walkthrough, progress: Progress, state: AppState, now: datetime) -> Progress:
    """A running step is done once every expectation holds, and timed out once its simulated time is up."""
    if progress.phase is not Phase.RUNNING:
        return progress
    step = step_of(walkthrough, progress)
    if all(holds(expect, state, faulted_node=progress.faulted_node) for expect in step.expect):
        return replace(progress, phase=Phase.DONE)
    if elapsed(progress, now) > step.timeout:
        return replace(progress, phase=Phase.TIMED_OUT)
    return progress


def next_step(walkthrough: Walkthrough, progress: Progress) -> Progress | None:
    """The following step, READY; the next module's first after a module's last; None after the last."""
    if progress.step + 1 < len(module_of(walkthrough, progress).steps):
        return Progress(progress.module, progress.step + 1)
    if progress.module + 1 < len(walkthrough.modules):
        return Progress(progress.module + 1, 0)
    return None


def back(walkthrough: Walkthrough, progress: Progress) -> Progress | str:
    """The previous step of the module, READY to run again; or why not: only steps that leave the cluster as it
    was can be done twice (a create or a delete cannot), and the current step too, if it already ran."""
    if progress.step == 0:
        return "this is the module's first step; r restarts the module"
    current = step_of(walkthrough, progress)
    if progress.phase is not Phase.READY and not current.repeatable:
        return f"step {progress.step + 1} ({current.action.type}) cannot be done twice; r restarts the module"
    previous = module_of(walkthrough, progress).steps[progress.step - 1]
    if not previous.repeatable:
        return f"step {progress.step} ({previous.action.type}) cannot be done twice; r restarts the module"
    return Progress(progress.module, progress.step - 1)


def restart_module(progress: Progress) -> Progress:
    return Progress(progress.module, 0)
