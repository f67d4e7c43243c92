"""The moment every frozen embedded cluster and fixed-clock test starts at, so ages and timestamps repeat."""

from datetime import UTC, datetime

FIXED_START = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)
