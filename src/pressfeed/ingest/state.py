"""Per-source fetch state, kept in the store between runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SourceState:
    #: the URL in the config when this state was recorded; a new one resets the state
    config_url: str = ""
    #: where to fetch now (differs from config_url after a permanent redirect)
    url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    #: sha256 of the last body parsed, to skip re-parsing identical bytes without an ETag
    body_sha256: str | None = None
    last_fetch: str | None = None
    last_success: str | None = None
    http_status: int | None = None
    new: int = 0
    updated: int = 0
    skipped: int = 0
    last_error: str | None = None
    retry_after: str | None = None
    gone: bool = False
    moved_to: str | None = None
    #: failures in a row, and when the first of them happened
    failures: int = 0
    first_failure: str | None = None
    #: when the 404s in a row began (the failures before them are no days of a feed gone); None: not a 404 now
    first_404: str | None = None
    #: our own backoff after failures: not fetched before this (a server's Retry-After is `retry_after`)
    next_try: str | None = None
    #: entries in the last feed parsed (None: never parsed), and the newest item's date then
    items: int | None = None
    newest_item: str | None = None
    #: of those, the entries that could not be used (no usable link, no title), and why the first could not
    unusable: int = 0
    unusable_reason: str | None = None
    #: briefing-api: the last day read completely (KST date), where the next run starts
    window_end: str | None = None
    #: briefing-api: the days among those read again whose answer counts more releases than it gives, however
    #: paged ("YYYY-MM-DD:N", N more): they may be missing (health tells), and are not split or paged again
    short_days: tuple[str, ...] = ()
    #: agencies items named that the registry does not know (for `sources check`)
    unknown_agencies: tuple[str, ...] = ()
    #: the health a quiet run last warned about, and when
    warned_health: str | None = None
    warned_at: str | None = None
    #: when the answer is parsed again, the same as it may be: fulltext, when the first page the last answer's
    #: items held back is due to be read (one kept for an item that changed in its figures alone, one waiting
    #: for its next try); a copy's new words, at the next run (they count once they hold: ingest.copies)
    recheck: str | None = None
    #: the items of the last answer placed whose change was not taken: they changed UNDATED_CHANGES_MAX times
    #: without a date of their own (pressfeed.merge.undated_changes), and their latest version is held back
    #: (a 304 or the same answer again keeps them). What `sources check` names: an item the feed no longer
    #: lists is no longer among them
    restless: tuple[str, ...] = ()

    @classmethod
    def load(cls, data: dict[str, Any] | None, config_url: str) -> SourceState:
        if not data or data.get("config_url") != config_url:
            return cls(config_url=config_url, url=config_url)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["unknown_agencies"] = tuple(values.get("unknown_agencies") or ())
        values["short_days"] = tuple(values.get("short_days") or ())
        values["restless"] = tuple(values.get("restless") or ())
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        # every field is a str, int, None or tuple of str: no deep copy (dataclasses.asdict) needed
        return {name: getattr(self, name) for name in _FIELDS}

    def last_fetch_time(self) -> datetime | None:
        return _time(self.last_fetch)

    def retry_after_time(self) -> datetime | None:
        return _time(self.retry_after)

    def next_try_time(self) -> datetime | None:
        return _time(self.next_try)

    def recheck_time(self) -> datetime | None:
        return _time(self.recheck)


def short_days(entries: Sequence[str]) -> dict[date, int]:
    """SourceState.short_days read: day → releases counted and not given (entries not of that form left out)."""
    out = {}
    for entry in entries:
        day, _, count = entry.partition(":")
        try:
            out[date.fromisoformat(day)] = int(count)
        except ValueError:
            continue
    return out


def short_entries(days: Mapping[date, int]) -> tuple[str, ...]:
    """SourceState.short_days written: "YYYY-MM-DD:N", oldest first."""
    return tuple(f"{day.isoformat()}:{count}" for day, count in sorted(days.items()))


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


_FIELDS = tuple(f.name for f in fields(SourceState))
