"""Feed health: is each source alive, and is anything arriving from it?

A feed that answers 404, one that answers 200 and never changes again, and
one with no items are all failures an operator must hear about: a consumer of
the discontinued policy-briefing RSS failed silently for 36 days. So is a
source whose releases pressfeed holds as drafts for good (their pages gave no
text after every try): nothing publishes them unless someone acts. Health is
judged from the stored fetch state and held items alone (pure), for
`pressfeed sources check` and for the warning lines of `pressfeed run`.
:func:`next_fetch` is the one rule for when a source is fetched next (ingest
skips a source by it; `sources` and `sources check` show it); backoff decides
when a failing source is tried again (:mod:`pressfeed.ingest.reset` clears
all that when an operator asks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from ..config import SourceConfig, SourceKind
from ..text import counted
from .state import SourceState, short_days

#: a source answering 404 this long is reported gone (it is still tried, at the longest backoff)
GONE_AFTER = timedelta(days=3)
#: backoff after the n-th failure in a row: BASE × 2^(n-1), at most CAP
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=6)
#: a quiet (cron) run repeats a warning about an unchanged health this often
REMIND_EVERY = timedelta(days=1)
#: a held item whose retry is this far past was not retried: its feed no longer lists it, so it never will be
OVERDUE = timedelta(days=1)


class Wait(StrEnum):
    """Why a source is not fetched at the next run."""

    #: a press-release API source whose key variable is not set: not before it is
    DISABLED = "disabled"
    #: HTTP 410: never again, until `pressfeed sources reset` or a new url in the config
    GONE = "gone"
    #: the server said when: Retry-After on a 429/503, or the API's used-up daily quota (until midnight KST)
    RETRY_AFTER = "retry-after"
    #: pressfeed's own backoff after failures in a row (a 404 that lasted GONE_AFTER included)
    BACKOFF = "backoff"


@dataclass(frozen=True)
class NextFetch:
    """When a source is fetched next: at the next run (`wait` None), at `at` (in the site's zone), or not until
    the operator acts (`at` None: gone, disabled); `reason` says why, as a person reads it."""

    wait: Wait | None = None
    at: datetime | None = None
    reason: str = ""

    @property
    def due(self) -> bool:
        return self.wait is None

    def text(self) -> str:
        """'2025-11-09T01:05:00+09:00 (backing off after 1 failure)', or 'none — why'; what every command
        shows after "next fetch"."""
        if self.due:
            return "at the next run"
        if self.at is None:
            return f"none — {self.reason}"
        return f"{self.at.isoformat()} ({self.reason})"

    def skipped(self) -> str:
        """Why an ingest did not fetch the source (its report's warning)."""
        return f"not fetched: {self.reason}" if self.at is None else f"not polled: next fetch {self.text()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat() if self.at is not None else None,
            "wait": str(self.wait) if self.wait is not None else None,
            "reason": self.reason,
        }


class Health(StrEnum):
    OK = "ok"
    #: answers, but its newest item is older than stale_after_days
    STALE = "stale"
    #: answers with a feed that has no items
    EMPTY = "empty"
    #: answers with items, none of which could be used (relative links with nothing to resolve them against)
    UNUSABLE = "unusable"
    #: errors, for `failures` runs in a row
    FAILING = "failing"
    #: HTTP 410, or 404 for longer than GONE_AFTER
    GONE = "gone"
    #: a permanent redirect was seen: the config's url should follow
    MOVED = "moved"
    #: a press-release API source whose key variable is not set
    DISABLED = "disabled"
    #: never fetched yet
    PENDING = "pending"
    #: answers, but holds items as drafts that will not be tried again
    HELD = "held"
    #: the press-release API counts more releases on a day than it gives, however paged
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    name: str
    status: Health
    detail: str
    #: when the source is fetched next, and why not before (:func:`next_fetch`)
    next_fetch: NextFetch = NextFetch()
    unknown_agencies: tuple[str, ...] = ()
    #: why each item pressfeed holds as a draft is held (its page gave no text, or it has none)
    held: tuple[str, ...] = ()
    #: how many of those will not be tried again
    given_up: int = 0
    #: its articles an editor changed whose upstream changed since, the local edit kept (`articles revert`)
    kept_out: tuple[str, ...] = ()
    #: the items of its last answer whose latest change is held back: they changed too often without a date
    #: of their own (SourceState.restless)
    restless: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is Health.OK

    @property
    def next_try(self) -> datetime | None:
        """When the source is fetched next, if at a set time (backoff, Retry-After) rather than the next run."""
        return self.next_fetch.at

    def line(self) -> str:
        text = f"{self.source_id}: {self.status}"
        if self.detail:
            text += f" — {self.detail}"
        if self.next_try is not None:  # gone and disabled say in `detail` what brings them back
            text += f"; next fetch {self.next_fetch.text()}"
        if self.held:
            many = f"{len(self.held)} items held as drafts" if len(self.held) > 1 else "1 item held as a draft"
            example = self.held[0]
            if self.status is Health.HELD:  # its advice is the detail's, said once
                example = _GIVEN_UP.sub("", example)
            text += f"; {many}, e.g. {example}"
        if self.kept_out:
            many = f"{len(self.kept_out)} local edits" if len(self.kept_out) > 1 else "1 local edit"
            text += (
                f"; {many} kept where upstream changed the article since, e.g. {self.kept_out[0]}"
                f" (`pressfeed articles revert {self.kept_out[0]}` takes upstream's version)"
            )
        if self.restless:
            several = len(self.restless) > 1
            which = f"{len(self.restless)} items" if several else "1 item"
            whose = "their" if several else "its"
            text += (
                f"; {which} changed too often without a date of {whose} own, {whose} latest change held back,"
                f" e.g. {self.restless[0]} (`pressfeed sources reset {self.source_id}` takes {whose} next change)"
            )
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.source_id,
            "name": self.name,
            "status": str(self.status),
            "ok": self.ok,
            "detail": self.detail,
            "next_try": self.next_try.isoformat() if self.next_try else None,
            "next_fetch": self.next_fetch.to_json(),
            "unknown_agencies": list(self.unknown_agencies),
            "held": list(self.held),
            "given_up": self.given_up,
            "kept_out": list(self.kept_out),
            "restless": list(self.restless),
        }


def assess(
    source: SourceConfig, state: SourceState, now: datetime, environ: Mapping[str, str], tz: tzinfo = UTC
) -> SourceHealth:
    """The health of one source from its stored state, at `now` (`environ`: where API keys live).

    Days and times it names are in `tz`, the site's zone, as every date the portal shows."""
    key_set = has_key(source, environ)
    status, detail = _status(source, state, now, key_set, tz)
    upcoming = next_fetch(source, state, now, tz, key_set=key_set)
    return SourceHealth(source.id, source.name, status, detail, upcoming, state.unknown_agencies)


def has_key(source: SourceConfig, environ: Mapping[str, str]) -> bool:
    """Does the environment hold the source's API key (always true for a source that needs none)?"""
    return bool(environ.get(source.service_key_env, "").strip()) if source.service_key_env else True


def next_fetch(
    source: SourceConfig,
    state: SourceState,
    now: datetime,
    tz: tzinfo = UTC,
    *,
    key_set: bool = True,
    explicit: bool = False,
) -> NextFetch:
    """When the source is fetched next, and why not before: the rule ingest skips a source by, and what
    `pressfeed sources` and `sources check` show. `explicit`: named on the command line, which skips
    pressfeed's own backoff, never what the server asked. Times are given in `tz`, the site's zone."""
    if source.kind is SourceKind.BRIEFING_API and not key_set:
        return NextFetch(Wait.DISABLED, None, f"set {source.service_key_env} to the data.go.kr service key")
    if state.gone:
        return NextFetch(Wait.GONE, None, gone_note(source.id, state, now, tz))
    waits = []
    retry_after = state.retry_after_time()
    if retry_after is not None and retry_after > now:
        waits.append((retry_after, Wait.RETRY_AFTER))
    backing_off = state.next_try_time()
    if backing_off is not None and backing_off > now and not explicit:
        waits.append((backing_off, Wait.BACKOFF))
    if not waits:
        return NextFetch()
    at, wait = max(waits, key=lambda w: w[0])  # a tie: the server's (our backoff took its time then)
    if wait is Wait.RETRY_AFTER:
        reason = "the server asked to wait"
    elif is_gone(state, now):
        reason = f"gone after {_days_of_404(state, now)} days of HTTP 404, retried in case it returns"
    else:
        reason = f"backing off after {_failures(state.failures)}"
    return NextFetch(wait, at.astimezone(tz), reason)


def gone_note(source_id: str, state: SourceState, now: datetime, tz: tzinfo = UTC, *, found: bool = False) -> str:
    """What an operator must hear of a gone source: since when, what pressfeed does with it now, and how to
    bring it back. `found`: this run found it gone (the 410, or the 404 that has now lasted GONE_AFTER)."""
    if state.gone:
        since = "" if found else f"gone since {_day(state.last_fetch, tz)} (HTTP 410), "
        return (
            f"{since}no longer polled; once it answers again, `pressfeed sources reset {source_id}` polls it again "
            "(or put its new url in the config, or remove the source)"
        )
    days, first = _days_of_404(state, now), _day(since_404(state), tz)
    retry = state.next_try_time()
    then = f" (next {local_time(retry, tz)})" if retry is not None else ""
    # from this run on it fails no run: the health warning reminds of it once a day
    treated = f"now treated as gone after {days} days of HTTP 404 (since {first}): no longer a failure, only"
    if not found:
        treated = f"gone after {days} days of HTTP 404 (since {first}): only"
    back = (
        f"once it answers again, `pressfeed sources reset {source_id}` fetches it at the next run "
        "(or put its new url in the config, or remove the source)"
    )
    return f"{treated} retried in case it returns{then}; {back}"


# What a failed page's reason ends with (pressfeed.ingest.fulltext adds it): its tries and when the next is, or
# that it was given up and what to do; here, as health reads them, and fulltext is too heavy for it to import
_GIVEN_UP_NOTE = r"given up after \d+ tries: [^()]*"
_GIVEN_UP = re.compile(rf" \({_GIVEN_UP_NOTE}\)$")
_TRIES = re.compile(rf" \((?:try \d+ of \d+; next at [^()]*|{_GIVEN_UP_NOTE})\)$")


def retry_note(attempts: int, most: int, next_at: str) -> str:
    """A failed page's note of its tries, the next due at `next_at`."""
    return f" (try {attempts} of {most}; next at {next_at})"


def given_up_note(attempts: int, advice: str) -> str:
    """A failed page's note once its tries are over: what to do."""
    return f" (given up after {attempts} tries: {advice})"


def without_tries(reason: str) -> str:
    """A failed page's reason without the note of its tries."""
    return _TRIES.sub("", reason)


def local_time(when: datetime, tz: tzinfo) -> str:
    """A time as every command shows it: ISO 8601 in the site's zone, with its offset."""
    return when.astimezone(tz).isoformat()


def with_held(health: SourceHealth, held: tuple[str, ...], given_up: int) -> SourceHealth:
    """`health` with the items its source holds as drafts (`held`: why each is; `given_up`: how many will not
    be tried again). Those make a source that is otherwise ok `held`."""
    if not given_up or health.status is not Health.OK:
        return replace(health, held=held, given_up=given_up)
    detail = (
        f"{given_up} of its items will not be tried again: publish or hide them "
        f"(pressfeed articles list --status held), or fix the source and run `pressfeed sources reset "
        f"{health.source_id}` to try their pages again"
    )
    return replace(health, status=Health.HELD, detail=detail, held=held, given_up=given_up)


def _status(source: SourceConfig, state: SourceState, now: datetime, key_set: bool, tz: tzinfo) -> tuple[Health, str]:
    if source.kind is SourceKind.BRIEFING_API and not key_set:
        return Health.DISABLED, f"not fetched until {source.service_key_env} holds the data.go.kr service key"
    if state.gone:
        return (
            Health.GONE,
            f"HTTP 410 since {_day(state.last_fetch, tz)}: `pressfeed sources reset {source.id}` once it answers "
            "again, else change its url or remove the source",
        )
    if is_gone(state, now):
        return Health.GONE, f"HTTP 404 since {_day(since_404(state), tz)}: has the feed moved or closed?"
    if state.failures:
        return (
            Health.FAILING,
            f"{_failures(state.failures)} in a row since {_day(state.first_failure, tz)}: {state.last_error}",
        )
    if state.last_fetch is None:
        return Health.PENDING, "not fetched yet"
    if state.last_success is None and state.items is None:  # (reset after failing from its first fetch on)
        return Health.PENDING, "no answer read yet"
    if state.moved_to and state.moved_to != state.config_url:
        return Health.MOVED, f"moved permanently to {state.moved_to}: update its url in the config"
    if state.items == 0:
        return Health.EMPTY, "the feed has no items: is it still the right address?"
    if state.items and state.unusable >= state.items:
        return Health.UNUSABLE, f"none of its {state.items} items could be used, e.g. {state.unusable_reason}"
    newest = _time(state.newest_item)
    if source.stale_after_days and newest is not None and now - newest > timedelta(days=source.stale_after_days):
        age = (now - newest).days
        return Health.STALE, f"newest item is from {_day(state.newest_item, tz)}, {age} days ago: has the feed stopped?"
    if state.short_days:  # (after stale: a source that stopped matters more than a release counted twice)
        return Health.INCOMPLETE, _short_days(state.short_days)
    return Health.OK, ""


def _short_days(entries: tuple[str, ...]) -> str:
    said = ", ".join(f"{count} on {day}" for day, count in short_days(entries).items())
    return (
        f"the API counts more releases than it gives, however paged ({said}): they may be missing; see the "
        "press-release portal for those days (a release withdrawn and still counted, or a page size it caps)"
    )


def is_gone(state: SourceState, now: datetime) -> bool:
    """Is the source gone at `now`: a 410, or 404s for GONE_AFTER?"""
    since = _time(since_404(state))
    lasting_404 = state.failures > 0 and state.http_status == 404 and since is not None and now - since >= GONE_AFTER
    return state.gone or lasting_404


def was_gone(state: SourceState) -> bool:
    """Was the source gone as of its last fetch (what the run before this one found)?"""
    last = _time(state.last_fetch)
    return last is not None and is_gone(state, last)


def _failures(count: int) -> str:
    return counted(count, "failure")


def _days_of_404(state: SourceState, now: datetime) -> int:
    since = _time(since_404(state))
    return (now - since).days if since is not None else 0


def since_404(state: SourceState) -> str | None:
    """When the 404s in a row began: not the failures of other kinds before them (a state recorded before
    pressfeed told them apart has only its first failure)."""
    return state.first_404 or state.first_failure


def backoff(failures: int) -> timedelta:
    """How long to wait after the n-th failure in a row."""
    return min(BACKOFF_BASE * (1 << min(max(failures - 1, 0), 16)), BACKOFF_CAP)


def warning_due(health: SourceHealth, state: SourceState, now: datetime) -> bool:
    """Should a quiet (cron) run warn about this unhealthy source now?

    When its health changed since the last warning, and once a day while it
    stays the same, so cron mail neither misses a dead source nor repeats it
    every five minutes.
    """
    if health.ok:
        return False
    last = _time(state.warned_at)
    return state.warned_health != str(health.status) or last is None or now - last >= REMIND_EVERY


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _day(text: str | None, tz: tzinfo) -> str:
    """The day of a stored time, as the site's zone has it."""
    when = _time(text)
    return when.astimezone(tz).date().isoformat() if when is not None else "?"
