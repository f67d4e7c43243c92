"""Kubernetes timestamps in and out, and kubectl-style ages, so hyptui's AGE columns match `kubectl get`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_SECOND_US = 1_000_000
_MINUTE_US = 60 * _SECOND_US
_HOUR_US = 60 * _MINUTE_US


def human_duration(delta: timedelta) -> str:
    """k8s.io/apimachinery `duration.HumanDuration`: about two significant figures, `<invalid>` for clock skew."""
    micros = delta // timedelta(microseconds=1)
    # Go's int(d.Seconds()) truncates toward zero, so -1.9s still counts as -1 (tolerated skew, shown as "0s").
    seconds = -(-micros // _SECOND_US) if micros < 0 else micros // _SECOND_US
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 2 * 60:
        return f"{seconds}s"
    minutes = micros // _MINUTE_US
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = micros // _HOUR_US
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 8 * 24:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 2 * 365 * 24:
        return f"{hours // 24}d"
    if hours < 8 * 365 * 24:
        rest = (hours // 24) % 365
        return f"{hours // 24 // 365}y{rest}d" if rest else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 timestamp (`...Z`, fractions, offsets) as an aware UTC datetime; None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        # RFC 3339 allows lower-case t/z, which fromisoformat rejects.
        moment = datetime.fromisoformat(value.upper())
    except ValueError:
        return None
    if moment.tzinfo is None:
        # The API server always sends an offset; a bare time from a hand-written object is taken as UTC.
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    """Kubernetes metav1.Time: second precision, always UTC with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(moment: datetime) -> str:
    """Kubernetes metav1.MicroTime, as used by Event.eventTime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def age_of(created: datetime | None, now: datetime) -> str:
    """An object's AGE column from its creationTimestamp, `<unknown>` without one, as kubectl prints it."""
    return human_duration(now - created) if created is not None else "<unknown>"
