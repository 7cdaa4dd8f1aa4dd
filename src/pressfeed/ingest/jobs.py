"""The CPU-bound half of ingest: one source's answer parsed and its items mapped.

Pure functions over plain data, run in a worker process (the pool's
forkserver preloads this module, feedparser and normalization with it: see
:mod:`pressfeed.ingest.worker`) or inline. :mod:`pressfeed.ingest.update`
imports it only when there is something to parse; the feed parser is
imported where a document is parsed, so a main process whose workers parse
never loads it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..config import SourceConfig
from ..context import NormalizeContext
from ..errors import PressfeedError
from ..model import RawArticle
from .mapping import Mapped, map_item

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One source's items to map: plain data, so a worker process can take it."""

    source: SourceConfig
    ctx: NormalizeContext
    now: datetime
    #: a feed document to parse (with its response headers and URL) ...
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    url: str = ""
    #: ... or items already parsed
    entries: tuple[RawArticle, ...] | None = None
    #: warnings from before mapping (pages that gave no text)
    notes: tuple[str, ...] = ()
    #: what the document's relative links resolve against: where it came from after redirects ("" = url)
    base: str = ""
    #: when the first page this answer's items held back is due to be read (fulltext.Completed.recheck)
    recheck: datetime | None = None


@dataclass(frozen=True)
class Parsed:
    mapped: tuple[Mapped, ...] = ()
    skipped: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    #: entries in the document, and the newest date among them (feed health)
    entries: int = 0
    newest: datetime | None = None
    unknown_agencies: tuple[str, ...] = ()
    #: why each entry that could not be used was skipped (among `warnings`)
    unusable: tuple[str, ...] = ()
    #: Job.recheck, carried to the source's state
    recheck: datetime | None = None


def parse_entries(job: Job) -> tuple[tuple[RawArticle, ...], str] | Parsed:
    """A feed document's entries and its well-formedness warning, or the failure as a Parsed."""
    from .parse import FeedParseError, parse_feed

    try:
        feed = parse_feed(job.body, job.headers, job.url, base=job.base, home=job.source.home)
    except FeedParseError as exc:
        return Parsed(error=str(exc))
    except Exception as exc:  # hostile bytes can break a parser in ways it does not declare
        # the source's error says what happened; the traceback is for -vv, not for cron's mail
        log.debug("%s: parser failed", job.source.id, exc_info=True)
        return Parsed(error=f"unreadable feed ({type(exc).__name__}: {exc})")
    return _told_apart(feed.entries), feed.warning  # (before a full-text source's pages are read by id)


def parse_and_map(job: Job) -> Parsed:
    """Parse one source's answer and map its items; pure, so it runs in a worker process or inline."""
    warnings: list[str] = list(job.notes)
    entries = job.entries
    if entries is None:
        parsed = parse_entries(job)
        if isinstance(parsed, Parsed):
            return parsed
        entries, warning = parsed
        warnings += [warning] if warning else []
    mapped: list[Mapped] = []
    skipped = 0
    unusable: list[str] = []
    dates: list[datetime] = []
    unknown: set[str] = set()
    for entry in entries:
        try:
            outcome = map_item(entry, job.source, job.ctx, job.now)
        except (ValueError, TypeError, ArithmeticError, PressfeedError) as exc:  # one odd entry, not the source
            log.debug("%s: entry skipped", job.source.id, exc_info=True)
            unusable.append(f"{str(entry.title)[:40]!r}: unusable entry skipped ({type(exc).__name__}: {exc})")
            warnings.append(unusable[-1])
            skipped += 1
            continue
        warnings.extend(outcome.warnings)
        # an undated item's date is its fetch's, no news of the feed's: it counts with the date it was stored
        # under (Store: the first fetch's; see _Placer._accept)
        if outcome.published is not None and not (isinstance(outcome, Mapped) and not outcome.dated):
            dates.append(outcome.published)
        if isinstance(outcome, Mapped):
            mapped.append(outcome)
            unknown.update([outcome.unknown_agency] if outcome.unknown_agency else [])
        else:
            skipped += 1
            unusable.extend(outcome.warnings if outcome.unusable else ())
    newest = max(dates, default=None)
    mapped = _without_shared_links(mapped)
    return Parsed(
        tuple(mapped),
        skipped,
        tuple(warnings),
        None,
        len(entries),
        newest,
        tuple(sorted(unknown)),
        tuple(unusable),
        job.recheck,
    )


def _told_apart(entries: tuple[RawArticle, ...]) -> tuple[RawArticle, ...]:
    """Items without a guid whose page (their link resolved and compared as links are) another item of the
    document links to as well get a guid: the page with the link's fragment where that is theirs alone
    ("#74401"), else the page with the title.

    Known by the shared page, a board's list page every item links to, they were one id: the first release
    took the others for its duplicates, never stored nor published, and no warning said so. With a guid each,
    their shared link is no key of theirs (:func:`_without_shared_links`), nor is its page their text
    (fulltext._shared_pages). The guid holds whatever form the board gives the link (a session, a tracking
    parameter, `www.`, relative or not), and repeats of one item (its link and title) stay one. It is lost while
    the board lists the item alone, or under another title (see README, "Ingest: dedupe and updates").
    """
    pages = [_page(entry) for entry in entries]
    sharing: dict[str, int] = {}
    for page in pages:
        if page is not None:
            sharing[page[0]] = sharing.get(page[0], 0) + 1
    if all(count == 1 for count in sharing.values()):
        return entries
    titles = [" ".join(str(entry.title or "").split()) for entry in entries]
    told = list(entries)
    for index, (entry, page, title) in enumerate(zip(entries, pages, titles, strict=True)):
        if page is None or entry.guid.strip() or sharing[page[0]] == 1:
            continue
        url, fragment = page
        # a fragment no other title has is the item's own, listed twice or not (a repeat changes no one's guid)
        own = bool(fragment) and all(t == title for p, t in zip(pages, titles, strict=True) if p == page)
        told[index] = replace(entry, guid=f"{url}#{fragment}" if own else f"{url} {title}")
    return tuple(told)


def _page(entry: RawArticle) -> tuple[str, str] | None:
    """(the page an entry links to, compared as links are; the link's fragment), or None without a link."""
    from urllib.parse import urlsplit

    from ..urls import absolute_url, normalize_link

    if not isinstance(entry.link, str) or not entry.link.strip():
        return None
    link = entry.link.strip()
    absolute = absolute_url(link, entry.base) if entry.base else link
    return normalize_link(absolute or link), urlsplit(link).fragment


def _without_shared_links(mapped: list[Mapped]) -> list[Mapped]:
    """Items whose `link:` key several items of the one document share, each with a guid of its own, lose it.

    Such a link names none of them: a board that links every item to its list page, or one that tells
    them apart by a fragment the comparison ignores ("#view-101"). Keyed by it, the first release
    took the others for its duplicates, and they were never published. (A guid that changes on every fetch
    while the link stays is still one item: there the link is the item's alone.)
    """
    guids: dict[str, set[str]] = {}
    for item in mapped:
        link = next((k for k in item.keys if k.startswith("link:")), None)
        guid = next((k for k in item.keys if k.startswith("guid:")), None)
        if link is not None and guid is not None:
            guids.setdefault(link, set()).add(guid)
    shared = {link for link, found in guids.items() if len(found) > 1}
    if not shared:
        return mapped
    return [replace(m, keys=tuple(k for k in m.keys if k not in shared)) for m in mapped]
