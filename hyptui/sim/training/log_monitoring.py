"""HPTO's log monitoring: `runPolicy.logMonitoringConfiguration` rules judged against the lines a pod printed.

Field names and semantics are HPTO's (the hyperpod CLI's `LogMonitoringConfiguration` model and the AWS "Using the
training operator to run jobs" page): a rule is HANGING when its `logPattern` has not matched within
`expectedStartCutOffInSeconds` of the start, or not again within `expectedRecurringFrequencyInSeconds` of its last
match; it is SLOW when the number captured by the pattern compares to `metricThreshold` with `operator` for
`metricEvaluationDataPoints` matches in a row; a `stopPattern` match retires the rule. Either verdict makes the operator
restart the job.
"""

from __future__ import annotations

import operator as compare
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "gt": compare.gt,
    "lt": compare.lt,
    "eq": compare.eq,
    "gteq": compare.ge,
    "lteq": compare.le,
}
_SYMBOLS = {"gt": ">", "lt": "<", "eq": "=", "gteq": ">=", "lteq": "<="}


@dataclass(frozen=True, slots=True)
class LogRule:
    name: str
    pattern: re.Pattern[str]
    start_cutoff: float | None
    recurring: float | None
    threshold: float | None
    operator: str | None
    data_points: int
    stop: re.Pattern[str] | None

    @property
    def judges_metric(self) -> bool:
        return self.threshold is not None and self.operator in _OPERATORS and self.pattern.groups > 0


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    rule: str
    verdict: str  # HANGING or SLOW, HPTO's words
    at: datetime
    detail: str  # what the operator reports, completing "log monitoring rule X found the job ..."


def _number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def parse_rules(run_policy: dict) -> list[LogRule]:
    """The job's rules; a rule the operator could not use (no name or pattern, a bad regex) is left out."""
    rules = []
    for entry in run_policy.get("logMonitoringConfiguration") or []:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("logPattern"):
            continue
        try:
            pattern = re.compile(str(entry["logPattern"]))
            stop = re.compile(str(entry["stopPattern"])) if entry.get("stopPattern") else None
        except re.error:
            continue
        points = _number(entry.get("metricEvaluationDataPoints"))
        rules.append(
            LogRule(
                name=str(entry["name"]),
                pattern=pattern,
                start_cutoff=_number(entry.get("expectedStartCutOffInSeconds")),
                recurring=_number(entry.get("expectedRecurringFrequencyInSeconds")),
                threshold=_number(entry.get("metricThreshold")),
                operator=entry.get("operator"),
                data_points=max(1, int(points)) if points else 1,
                stop=stop,
            )
        )
    return rules


def _judge(rule: LogRule, lines: Sequence[tuple[datetime, str]], started_at: datetime) -> RuleVerdict | None:
    last_match: datetime | None = None
    breaches = 0
    for at, text in lines:
        if (
            rule.start_cutoff is not None
            and last_match is None
            and at > started_at + timedelta(seconds=rule.start_cutoff)
        ):
            return _no_start(rule, started_at)
        if (
            rule.recurring is not None
            and last_match is not None
            and at > last_match + timedelta(seconds=rule.recurring)
        ):
            return _no_recurrence(rule, last_match)
        if rule.stop is not None and rule.stop.search(text):
            return None
        match = rule.pattern.search(text)
        if match is None:
            continue
        last_match = at
        if not rule.judges_metric:
            continue
        value = _number(match.group(1))
        assert rule.threshold is not None and rule.operator is not None
        breaches = breaches + 1 if value is not None and _OPERATORS[rule.operator](value, rule.threshold) else 0
        if breaches >= rule.data_points:
            detail = (
                f"slow: {value:g} {_SYMBOLS[rule.operator]} {rule.threshold:g} "
                f"for {rule.data_points} data point{'s' if rule.data_points > 1 else ''}"
            )
            return RuleVerdict(rule.name, "SLOW", at, detail)
    if rule.start_cutoff is not None and last_match is None:
        return _no_start(rule, started_at)
    if rule.recurring is not None and last_match is not None:
        return _no_recurrence(rule, last_match)
    return None


def _no_start(rule: LogRule, started_at: datetime) -> RuleVerdict:
    seconds = rule.start_cutoff or 0
    at = started_at + timedelta(seconds=seconds)
    return RuleVerdict(rule.name, "HANGING", at, f"hanging: no line matched within {seconds:g} seconds of the start")


def _no_recurrence(rule: LogRule, last_match: datetime) -> RuleVerdict:
    seconds = rule.recurring or 0
    at = last_match + timedelta(seconds=seconds)
    return RuleVerdict(rule.name, "HANGING", at, f"hanging: no line matched for {seconds:g} seconds")


def first_verdict(
    rules: Sequence[LogRule], lines: Sequence[tuple[datetime, str]], started_at: datetime, now: datetime
) -> RuleVerdict | None:
    """The earliest HANGING or SLOW verdict due by `now` for one run's lines (oldest first, none after `now`)."""
    verdicts = [v for rule in rules if (v := _judge(rule, lines, started_at)) is not None and v.at <= now]
    return min(verdicts, key=lambda v: (v.at, v.rule), default=None)
