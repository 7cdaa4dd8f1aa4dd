"""The one place pressfeed reads the time, so tests can set it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


class Clock:
    """Returns the current UTC time; tests pass a fixed or stepping function."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        value = self._now()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("clock must return timezone-aware datetimes")
        return value.astimezone(UTC).replace(microsecond=0)


def fixed(when: datetime) -> Clock:
    """A clock stopped at `when` (tests, reproducible benchmarks)."""
    return Clock(lambda: when)
