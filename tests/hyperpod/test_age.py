from datetime import UTC, datetime, timedelta, timezone

import pytest

from hyptui.hyperpod.age import human_duration, parse_time


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=-2), "<invalid>"),
        (timedelta(seconds=-1.9), "0s"),  # Go truncates toward zero: -1 is tolerated skew
        (timedelta(seconds=-0.5), "0s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=95), "95s"),
        (timedelta(seconds=119.9), "119s"),
        (timedelta(minutes=2), "2m"),
        (timedelta(minutes=5, seconds=30), "5m30s"),
        (timedelta(minutes=5), "5m"),
        (timedelta(minutes=9, seconds=59), "9m59s"),
        (timedelta(minutes=10, seconds=59), "10m"),
        (timedelta(minutes=125), "125m"),
        (timedelta(minutes=179, seconds=59), "179m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=5, minutes=20), "5h20m"),
        (timedelta(hours=5), "5h"),
        (timedelta(hours=7, minutes=59, seconds=59), "7h59m"),
        (timedelta(hours=8), "8h"),
        (timedelta(hours=30, minutes=59), "30h"),
        (timedelta(hours=47, minutes=59), "47h"),
        (timedelta(hours=48), "2d"),
        (timedelta(days=3, hours=5), "3d5h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=7, hours=23), "7d23h"),
        (timedelta(days=8), "8d"),
        (timedelta(days=200), "200d"),
        (timedelta(days=729), "729d"),
        (timedelta(days=730), "2y"),
        (timedelta(days=3 * 365 + 20), "3y20d"),
        (timedelta(days=3 * 365), "3y"),
        (timedelta(days=8 * 365 - 1), "7y364d"),
        (timedelta(days=9 * 365 + 100), "9y"),
    ],
)
def test_human_duration_matches_kubectl(delta: timedelta, expected: str) -> None:
    assert human_duration(delta) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T10:20:30Z", datetime(2025, 3, 1, 10, 20, 30, tzinfo=UTC)),
        ("2025-03-01T10:20:30.123456Z", datetime(2025, 3, 1, 10, 20, 30, 123456, tzinfo=UTC)),
        ("2025-03-01T10:20:30.123456789Z", datetime(2025, 3, 1, 10, 20, 30, 123456, tzinfo=UTC)),
        ("2025-03-01T12:20:30+02:00", datetime(2025, 3, 1, 10, 20, 30, tzinfo=UTC)),
        ("2025-03-01t10:20:30z", datetime(2025, 3, 1, 10, 20, 30, tzinfo=UTC)),
        ("2025-03-01T10:20:30", datetime(2025, 3, 1, 10, 20, 30, tzinfo=UTC)),
    ],
)
def test_parse_time_reads_rfc3339_as_utc(text: str, expected: datetime) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


def test_parse_time_keeps_the_instant_of_an_offset_time() -> None:
    parsed = parse_time("2025-03-01T05:00:00-05:00")
    assert parsed == datetime(2025, 3, 1, 5, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize("value", [None, "", "yesterday", "2025-13-01T00:00:00Z", 1700000000])
def test_parse_time_rejects_what_is_not_a_timestamp(value: object) -> None:
    assert parse_time(value) is None
