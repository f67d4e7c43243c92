"""HPTO log monitoring rules judged against timed log lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hyptui.sim.training.log_monitoring import first_verdict, parse_rules

START = datetime(2025, 6, 5, 12, 0, tzinfo=UTC)


def lines(*entries: tuple[float, str]) -> list[tuple[datetime, str]]:
    return [(START + timedelta(seconds=offset), text) for offset, text in entries]


def rules(**rule: object) -> list:
    return parse_rules(
        {"logMonitoringConfiguration": [{"name": "R", "logPattern": r"step (\d+) loss (\d+\.\d+)", **rule}]}
    )


def test_a_pattern_that_never_matches_within_the_start_cut_off_is_hanging() -> None:
    verdict = first_verdict(rules(expectedStartCutOffInSeconds=60), lines((10, "setup"), (70, "more")), START, START)
    assert verdict is None  # not due yet at the start
    now = START + timedelta(seconds=90)
    verdict = first_verdict(rules(expectedStartCutOffInSeconds=60), lines((10, "setup"), (70, "more")), START, now)
    assert verdict is not None
    assert (verdict.rule, verdict.verdict, verdict.at) == ("R", "HANGING", START + timedelta(seconds=60))
    found = lines((10, "step 1 loss 2.0"))
    assert first_verdict(rules(expectedStartCutOffInSeconds=60), found, START, now) is None


def test_a_gap_longer_than_the_recurring_frequency_is_hanging_from_the_last_match() -> None:
    log = lines((10, "step 1 loss 2.0"), (20, "step 2 loss 1.9"), (95, "step 3 loss 1.8"))
    verdict = first_verdict(rules(expectedRecurringFrequencyInSeconds=30), log, START, START + timedelta(seconds=100))
    assert verdict is not None
    assert (verdict.verdict, verdict.at) == ("HANGING", START + timedelta(seconds=50))
    assert verdict.detail == "hanging: no line matched for 30 seconds"


def test_a_metric_must_breach_for_the_given_data_points_in_a_row() -> None:
    log = lines((1, "step 1 loss 2.5"), (2, "step 2 loss 0.5"), (3, "step 3 loss 2.2"), (4, "step 4 loss 2.1"))
    now = START + timedelta(seconds=10)
    config = {"metricThreshold": 2, "operator": "gt", "metricEvaluationDataPoints": 2}
    # The first group is the step number; the rule reads the first capturing group, as HPTO does.
    assert first_verdict(rules(**config), log, START, now) is not None
    loss_only = parse_rules(
        {"logMonitoringConfiguration": [{"name": "Loss", "logPattern": r"loss (\d+\.\d+)", **config}]}
    )
    verdict = first_verdict(loss_only, log, START, now)
    assert verdict is not None
    assert (verdict.verdict, verdict.at) == ("SLOW", START + timedelta(seconds=4))
    assert verdict.detail == "slow: 2.1 > 2 for 2 data points"


def test_a_stop_pattern_retires_the_rule() -> None:
    log = lines((10, "step 1 loss 2.0"), (20, "training done"))
    config = {"expectedRecurringFrequencyInSeconds": 30, "stopPattern": "training done"}
    assert first_verdict(rules(**config), log, START, START + timedelta(seconds=300)) is None


def test_unusable_rules_are_left_out() -> None:
    broken = [{"name": "bad", "logPattern": "("}, {"logPattern": "x"}, {"name": "ok", "logPattern": "x"}]
    assert [rule.name for rule in parse_rules({"logMonitoringConfiguration": broken})] == ["ok"]
