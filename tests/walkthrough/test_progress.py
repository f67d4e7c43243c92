"""The pure stepping: what the advance key means in each phase, done once every expectation holds, timed out in
simulated time, back only over steps that can be done twice, restart, and the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hyptui.store.state import EMPTY_STATE
from hyptui.walkthrough import progress as steps
from hyptui.walkthrough.load import parse_walkthrough
from hyptui.walkthrough.progress import Intent, Phase

FILE = """
title: t
modules:
  - name: one
    title: One
    steps:
      - {narration: a, action: {type: section, section: jobs}}
      - {narration: b, action: {type: delete, kind: jobs, namespace: n, name: j}, timeout: 30,
         expect: {type: absent, kind: jobs, namespace: n, name: j}}
      - {narration: c, action: {type: wait}, expect: {type: job, namespace: n, name: j, status: Running}}
  - name: two
    title: Two
    steps:
      - {narration: d, action: {type: wait}}
"""
WALK = parse_walkthrough(FILE, "t")
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def test_a_step_runs_then_is_done_when_its_expectations_hold() -> None:
    at = steps.start(WALK)
    assert steps.intent(WALK, at) is Intent.RUN
    running = steps.ran(at, NOW)
    assert steps.intent(WALK, running) is Intent.WAIT
    done = steps.observe(WALK, running, EMPTY_STATE, NOW)  # no expectation: done at once
    assert done.phase is Phase.DONE and steps.intent(WALK, done) is Intent.NEXT
    second = steps.next_step(WALK, done)
    assert second == steps.Progress(0, 1)
    deleting = steps.ran(second, NOW)
    assert steps.observe(WALK, deleting, EMPTY_STATE, NOW).phase is Phase.DONE  # the job is absent from the state


def test_a_step_times_out_in_simulated_time() -> None:
    running = steps.ran(steps.Progress(0, 2), NOW)
    assert steps.observe(WALK, running, EMPTY_STATE, NOW + timedelta(seconds=60)).phase is Phase.RUNNING
    late = steps.observe(WALK, running, EMPTY_STATE, NOW + timedelta(seconds=61))
    assert late.phase is Phase.TIMED_OUT and steps.elapsed(late, NOW + timedelta(seconds=61)) == 61
    assert steps.intent(WALK, late) is Intent.NEXT


def test_back_only_over_steps_that_can_be_done_twice() -> None:
    assert "first step" in steps.back(WALK, steps.Progress(0, 0))
    assert steps.back(WALK, steps.Progress(0, 1)) == steps.Progress(0, 0)  # the delete has not run yet
    ran_delete = steps.ran(steps.Progress(0, 1), NOW)
    assert "step 2 (delete) cannot be done twice" in steps.back(WALK, ran_delete)
    assert "step 2 (delete) cannot be done twice" in steps.back(WALK, steps.Progress(0, 2))
    assert steps.restart_module(steps.Progress(0, 2, Phase.FAILED, note="x")) == steps.Progress(0, 0)


def test_modules_follow_each_other_to_the_end() -> None:
    last_of_one = steps.Progress(0, 2, Phase.DONE)
    assert steps.next_step(WALK, last_of_one) == steps.Progress(1, 0)
    end = steps.Progress(1, 0, Phase.FAILED, note="refused")
    assert steps.intent(WALK, end) is Intent.FINISHED
    assert steps.next_step(WALK, end) is None
    assert steps.start(WALK, 1) == steps.Progress(1, 0)
