"""What an operator's `pressfeed sources reset` clears of a source's fetch state, and what it keeps.

Its own module: only that command needs it, and every run imports
:mod:`pressfeed.ingest.health` (a no-op cron run pays for each class it creates).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo

from ..config import SourceConfig, SourceKind
from .health import _day, _failures, is_gone, local_time, since_404
from .state import SourceState, short_days


@dataclass(frozen=True)
class Reset:
    """A source's fetch state after `pressfeed sources reset`, and what the reset cleared and kept, as a person
    reads each."""

    state: SourceState
    cleared: tuple[str, ...]
    kept: tuple[str, ...] = ()


def reset(source: SourceConfig, state: SourceState, now: datetime, tz: tzinfo = UTC) -> Reset:
    """The source as if it had never failed: fetched at the next run, at its url in the config, in full.

    Cleared: gone (410, or the 404 that lasted GONE_AFTER), the failures in a row and their backoff, a server's
    Retry-After, a followed permanent redirect, the conditional-GET validators and the last body's hash (so
    the next answer is read and parsed whole), the API's days found short (read again in full), the health
    warning last sent (a source still unhealthy is warned of at the next run, not a day later), and the items
    its last answer held back (their next change is taken: Store.unblock_undated). Kept: what the
    source brought and where it got to (counts, newest item, the API's window_end), and the press-release
    API's wait: data.go.kr refuses the key until its daily quota resets, however often it is asked, and each
    refusal would be one more failure.
    """
    cleared, kept = [], []
    if state.gone:
        cleared.append(f"gone (HTTP 410 since {_day(state.last_fetch, tz)})")
    elif is_gone(state, now):
        cleared.append(f"gone (HTTP 404 since {_day(since_404(state), tz)})")
    if state.failures:
        cleared.append(f"{_failures(state.failures)} in a row")
    backing_off = state.next_try_time()
    waiting = state.retry_after_time()
    if waiting is not None and waiting <= now:
        waiting = None
    if backing_off is not None and backing_off > now and backing_off != waiting:
        cleared.append(f"the backoff until {local_time(backing_off, tz)}")
    keep_wait = waiting is not None and source.kind is SourceKind.BRIEFING_API
    if waiting is not None and keep_wait:
        kept.append(f"the API's wait until {local_time(waiting, tz)} (its quota: data.go.kr refuses the key till then)")
    elif waiting is not None:
        cleared.append(f"the server's wait until {local_time(waiting, tz)} (Retry-After)")
    if state.url and state.url != state.config_url:
        cleared.append(f"the redirect to {state.url}")
    if state.short_days:
        days = ", ".join(day.isoformat() for day in short_days(state.short_days))
        cleared.append(f"the days the API counted more releases than it gave ({days}: read again in full)")
    if state.etag or state.last_modified:  # (the last body's hash goes too, unsaid: the next answer is parsed)
        cleared.append("ETag/Last-Modified (the next fetch is a full one)")
    fresh = replace(
        state,
        url=state.config_url,
        moved_to=None,
        etag=None,
        last_modified=None,
        body_sha256=None,
        gone=False,
        failures=0,
        first_failure=None,
        last_error=None,
        next_try=None,
        retry_after=state.retry_after if keep_wait else None,
        warned_health=None,
        warned_at=None,
        short_days=(),
        restless=(),  # their next change is taken (Store.unblock_undated): none is held back now
    )
    return Reset(fresh, tuple(cleared), tuple(kept))


def undated_cleared(count: int) -> tuple[str, ...]:
    """`count` items past the limit of changes without a date (pressfeed.merge.undated_changes) getting their
    next change taken, as cleared."""
    if not count:
        return ()
    if count == 1:
        return ("the hold on 1 item past the limit of changes without a date (its next change is taken)",)
    return (f"the hold on {count} items past the limit of changes without a date (the next change of each is taken)",)
