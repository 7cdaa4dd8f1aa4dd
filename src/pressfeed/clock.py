"""The one place pressfeed reads the time, so tests (and replays) can set it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

#: environment variable (and the CLI's --now) that fixes the time a command runs at
NOW_ENV = "PRESSFEED_NOW"
#: the years a run may be set at: pressfeed reckons years back and ahead of its time, and at datetime's
#: edges (years 1 and 9999) that overflowed mid-run; no portal ran before 1970
NOW_YEARS = range(1970, 9000)


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
    """A clock stopped at `when` (tests, reproducible benchmarks, `--now`)."""
    return Clock(lambda: when)


def parse_now(text: str, tz: tzinfo) -> datetime:
    """An ISO 8601 time for `--now`; without an offset it is in `tz` (the site's zone)."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time (e.g. 2025-11-08T21:00:00+09:00)") from None
    when = when if when.tzinfo is not None else when.replace(tzinfo=tz)
    if when.year not in NOW_YEARS:
        raise ValueError(f"{text!r} is out of range: its year must be from {NOW_YEARS.start} to {NOW_YEARS.stop - 1}")
    return when
