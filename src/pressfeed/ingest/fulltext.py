"""Full text for title-only releases: each item's linked page, read once, its main text taken.

Ministries' own board feeds often carry only a title, a link and a date; the
release sits on the linked page between the site's menus and footer. For a
source with `fulltext: auto` (or a CSS selector), each item's page is fetched
with the same polite fetcher as feeds (per-host limit, timeouts, size cap,
Retry-After, the source's headers, no private addresses) and its text and
files extracted (:mod:`pressfeed.ingest.extract`); the text then goes through
the one normalization path like any body.

A page is read for new items, and again only when the feed says something
new of the item (its title, link, date or text): an item already extracted
reuses the stored text. A page that cannot be fetched or gives no text
leaves the item held as a draft, with the reason, and is retried later, at
most MAX_ATTEMPTS times; the item is published when extraction succeeds.
A failed re-read of an item whose page gave text before keeps that text (the
item stays published, under what the feed now says of it) and is retried the
same way: a server's bad minute never takes a release out of the feeds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..config import SourceConfig
from ..model import RawArticle, RawMedia, Status
from ..normalize import NormalizeContext, ingested_id, without_session
from ..store import PageState, Store
from .extract import ExtractedPage, ExtractionError, extract_page
from .fetch import FetchRequest, FetchResult

#: tries before an item's page is given up (the item stays a draft for an editor)
MAX_ATTEMPTS = 6
#: wait after the n-th failed try: BASE × 2^(n-1), at most CAP
RETRY_BASE = timedelta(minutes=30)
RETRY_CAP = timedelta(hours=12)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

Fetch = Callable[[FetchRequest], Awaitable[FetchResult]]


@dataclass(frozen=True)
class Completed:
    """A source's items with their pages' text where it was read, and what was held back."""

    entries: tuple[RawArticle, ...]
    #: pages read (or failed) this time, to remember
    pages: tuple[PageState, ...]
    #: entries held as drafts, and why
    held: int = 0
    warnings: tuple[str, ...] = ()


def entry_hash(raw: RawArticle) -> str:
    """What the feed says of an item: a change is a reason to read its page again (a new session in its
    link is none: eGovFrame boards give one at every fetch)."""
    said = [raw.title, without_session(str(raw.link or "")), raw.published, raw.updated, raw.body_html, raw.summary]
    return hashlib.sha256(json.dumps([str(v or "") for v in said], ensure_ascii=False).encode()).hexdigest()[:32]


async def complete(
    source: SourceConfig,
    entries: Sequence[RawArticle],
    store: Store,
    fetch: Fetch,
    ctx: NormalizeContext,
    now: datetime,
    pool: Executor | None = None,
    time_limit: float | None = None,
) -> Completed:
    """Give each item the text of its page: stored when read before, else fetched and extracted now.

    `time_limit`: seconds the source's pages may take together (the rest of its fetch.timeout); a page
    not read by then fails this try like a page that timed out, and is read on a later run.
    """
    ids = [ingested_id(raw, source, ctx) for raw in entries]
    known = store.pages([i for i in ids if i is not None])
    out = list(entries)
    todo: list[tuple[int, str, str]] = []
    held = 0
    for index, (raw, article_id) in enumerate(zip(entries, ids, strict=True)):
        if article_id is None:
            continue  # no usable link: normalization skips it with a warning
        digest = entry_hash(raw)
        page = known.get(article_id)
        if page is not None and page.entry_hash == digest:
            if page.status == "done":
                out[index] = with_page(raw, page)
                continue
            if page.next_try is None or page.next_try > now:
                out[index], _ = _without_page(raw, page)  # waiting for its retry, or given up
                held += out[index].status == Status.DRAFT.value
                continue
        todo.append((index, article_id, digest))
    attempts = {i: known[a].attempts if a in known and known[a].entry_hash == d else 0 for i, a, d in todo}
    results = await _read_all(source, [out[i] for i, _, _ in todo], fetch, pool, time_limit)
    pages, warnings = [], []
    for (index, article_id, digest), outcome in zip(todo, results, strict=True):
        raw = out[index]
        if isinstance(outcome, ExtractedPage):
            page = _done(article_id, digest, str(raw.link), outcome, now)
            out[index] = with_page(raw, page)
        else:
            before = known.get(article_id)
            page = _failed(article_id, digest, str(raw.link), outcome, attempts[index] + 1, now, before)
            out[index], fate = _without_page(raw, page)
            held += out[index].status == Status.DRAFT.value
            warnings.append(f"{str(raw.title)[:40]!r}: {fate}: {page.reason}")
        pages.append(page)
    return Completed(tuple(out), tuple(pages), held, tuple(warnings))


async def _read_all(
    source: SourceConfig, raws: Sequence[RawArticle], fetch: Fetch, pool: Executor | None, limit: float | None
) -> list[ExtractedPage | str]:
    """Every page read, or why not; all within `limit` seconds. Each fetch has its own fetch.timeout
    budget, but pages queue for the host's few slots: without a cap on the whole, 40 slow pages
    took 20 times the source's timeout."""
    tasks = [asyncio.ensure_future(_read(source, raw, fetch, pool)) for raw in raws]
    if not tasks:
        return []
    done, late = await asyncio.wait(tasks, timeout=limit)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)  # let the cancelled fetches close their connections
    reason = "page not read in time (a source's pages share its fetch.timeout)"
    return [task.result() if task in done else reason for task in tasks]


async def _read(source: SourceConfig, raw: RawArticle, fetch: Fetch, pool: Executor | None) -> ExtractedPage | str:
    """The page's text and files, or why there are none."""
    url = str(raw.link or "")
    if not url.startswith(("http://", "https://")):
        return f"the item's link {url!r} is no web page"
    request = FetchRequest(source.id, url, headers=source.headers, trusted_origin=source.url, accept=PAGE_ACCEPT)
    result = await fetch(request)
    if not result.ok or result.body is None:
        return f"page {url} could not be fetched ({result.error or f'HTTP {result.status}'})"
    selector = None if source.fulltext == "auto" else source.fulltext
    content_type = result.headers.get("content-type", "")
    base = result.base_url  # a redirected page's relative links point from where it was served
    try:
        if pool is None:
            return extract_page(result.body, url=base, content_type=content_type, selector=selector)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, _extract, result.body, base, content_type, selector)
    except ExtractionError as exc:
        return exc.message if exc.url else str(exc)


def _extract(body: bytes, url: str, content_type: str, selector: str | None) -> ExtractedPage:
    return extract_page(body, url=url, content_type=content_type, selector=selector)


def with_page(raw: RawArticle, page: PageState) -> RawArticle:
    """The item with its page's text (replacing the feed's short one) and files."""
    files = tuple(RawMedia(url=u, type=t, title=n) for u, t, n in page.attachments)
    known = {str(m.url) for m in raw.media}
    media = raw.media + tuple(f for f in files if f.url not in known)
    return replace(raw, body_html=page.body_html, summary=raw.summary or None, media=media)


def _without_page(raw: RawArticle, page: PageState) -> tuple[RawArticle, str]:
    """An item whose page gave no text this time, and what became of it: the text an earlier read gave
    (a failed re-read must not take a published release out of the feeds, nor erase its text), else
    held as a draft, never an empty article in a feed."""
    if page.body_html:
        return with_page(raw, page), "kept the text read before"
    return replace(raw, status=Status.DRAFT.value), "held as a draft"


def _done(article_id: str, digest: str, url: str, page: ExtractedPage, now: datetime) -> PageState:
    files = tuple((a.url, a.type, a.title) for a in page.attachments)
    return PageState(article_id, digest, url, "done", 1, now, body_html=page.body_html, attachments=files)


def _failed(
    article_id: str, digest: str, url: str, reason: str, attempts: int, now: datetime, before: PageState | None
) -> PageState:
    """A failed try; it carries the text and files of an earlier good read (`before`), the one copy of them."""
    kept = before if before is not None and before.body_html else None
    body, files = (kept.body_html, kept.attachments) if kept else ("", ())
    if attempts >= MAX_ATTEMPTS:
        advice = "the text read before stays" if kept else "publish it by hand, or fix the source"
        given_up = f"{reason} (given up after {attempts} tries: {advice})"
        return PageState(article_id, digest, url, "failed", attempts, now, None, given_up, body, files)
    wait = min(RETRY_BASE * (1 << (attempts - 1)), RETRY_CAP)
    retry = f"{reason} (try {attempts} of {MAX_ATTEMPTS}; next at {(now + wait).isoformat()})"
    return PageState(article_id, digest, url, "failed", attempts, now, now + wait, retry, body, files)
