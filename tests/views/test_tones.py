"""Status words map to the theme's status colours: the scheduler holding a job back is not a failure."""

from __future__ import annotations

from hyptui.views.tones import Tone, tone_of


def test_suspended_and_preempted_have_their_own_tone() -> None:
    assert tone_of("Suspended") is Tone.SUSPENDED  # a HyperPod job Kueue holds back
    assert tone_of("PREEMPTED") is Tone.SUSPENDED  # its workload, in the queues section
    assert tone_of("Pending") is Tone.WARN
    assert tone_of("Failed") is Tone.BAD
    assert tone_of("Running") is Tone.OK
    assert tone_of("Completed") is Tone.IDLE
    assert tone_of("whatever") is Tone.PLAIN
