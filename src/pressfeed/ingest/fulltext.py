"""Full text for title-only releases: each item's linked page, read once, its main text taken.

Ministries' own board feeds often carry only a title, a link and a date; the
release sits on the linked page between the site's menus and footer. For a
source with `fulltext: auto` (or a CSS selector), each item's page is fetched
with the same polite fetcher as feeds (per-host limit, timeouts, size cap,
Retry-After, the source's headers, no private addresses) and its text and
files extracted (:mod:`pressfeed.ingest.extract`); the text then goes through
the one normalization path like any body.

`auto` reads the page only for an item whose feed gives no more than a
teaser (:func:`feed_has_text`); an item that carries its release is published
from it. A selector names where the release is on that site, so it reads
every item's page. A page is read for new items, and again only when the feed
says something new of the item (its title, link, date or text): an item
already extracted reuses the stored text.

A page that cannot be fetched or gives no text is retried later, at most
MAX_ATTEMPTS times, and meanwhile the item has the best text there is: an
earlier read's (a failed re-read never takes a published release out of the
feeds, nor erases its text), else the feed's own, however short; an item with
neither is held as a draft, with the reason, and published when extraction
succeeds.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from ..config import SourceConfig
from ..errors import RecordError, foreign
from ..model import RawArticle, RawMedia, Status
from ..normalize import NormalizeContext, ingested_identity
from ..sanitize import body_words, sanitize_html
from ..store import PageState, Store
from ..text import counted, without_figures
from ..urls import normalize_link, without_session
from .bounds import hold_seconds
from .extract import MIN_CHARS, ExtractedPage, ExtractionError, extract_page, page_seconds
from .fetch import MESSAGE_CHARS, FetchRequest
from .health import given_up_note, retry_note, without_tries
from .request import ON_THE_WIRE, Wire

#: tries before an item's page is given up (an item with no text of its own stays a draft for an editor)
MAX_ATTEMPTS = 6
#: wait after the n-th failed try: BASE × 2^(n-1), at most CAP
RETRY_BASE = timedelta(minutes=30)
RETRY_CAP = timedelta(hours=12)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
#: how a board's feed ends a text it cut short: the page has the rest
TEASER_ENDS = ("…", "...", "더보기", "[더보기]", "more")


@dataclass(frozen=True)
class Completed:
    """A source's items with their pages' text where it was read, and what was held back."""

    entries: tuple[RawArticle, ...]
    #: pages read (or failed) this time, to remember
    pages: tuple[PageState, ...]
    #: entries held as drafts, and why
    held: int = 0
    warnings: tuple[str, ...] = ()
    #: when the first page not read this time is due to be: one kept for an item that changed in its figures
    #: alone, or one waiting for its next try (the answer is parsed again then, whatever item it is)
    recheck: datetime | None = None


def entry_hash(raw: RawArticle) -> str:
    """What the feed says of an item: a change is a reason to read its page again (a new session in its
    link is none: eGovFrame boards give one at every fetch). Then, after a ".", the same with its figures
    left out, the link's aside: a change in them alone (a view counter, the time a board serves the item
    at) reads the page within :data:`REREAD_FIGURES` (a board's re-dated correction too, not at once)."""
    said = [raw.title, without_session(str(raw.link or "")), raw.published, raw.updated, raw.body_html, raw.summary]
    fields = [str(v or "") for v in said]
    figureless = [field if index == 1 else without_figures(field) for index, field in enumerate(fields)]
    return f"{_digest(fields)}.{_digest(figureless)}"


def _digest(fields: list[str]) -> str:
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()[:32]


#: how often a page that was read is read again while its item changes in its figures alone: a board putting
#: a view counter in its titles had every item's page asked for on every run (cron every 5 minutes: 288 times
#: a day an item), and a correction of a figure ("5만 장" to "6만 장") is still read within the hour (the
#: source's answer is parsed again then, the same as it may be: SourceState.recheck)
REREAD_FIGURES = timedelta(hours=1)


def _same_item(page: PageState, digest: str) -> bool:
    """Does the feed say what it said of the item when its page was read? (A page stored before the figures'
    digest was added has the first alone.)"""
    return page.entry_hash.partition(".")[0] == digest.partition(".")[0]


def _figures_alone(page: PageState, digest: str, now: datetime) -> bool:
    """Has the item changed in its figures alone since its page was read, within REREAD_FIGURES?"""
    before, now_said = page.entry_hash.partition(".")[2], digest.partition(".")[2]
    return page.status == "done" and bool(before) and before == now_said and now - page.fetched < REREAD_FIGURES


async def complete(
    source: SourceConfig,
    entries: Sequence[RawArticle],
    store: Store,
    fetch: Wire,
    ctx: NormalizeContext,
    now: datetime,
    pool: Executor | None = None,
    time_limit: float | None = None,
) -> Completed:
    """Give each item the text of its page: stored when read before, else fetched and extracted now.

    `time_limit`: seconds the source's pages may take together (the rest of its fetch.timeout); a page
    not read by then fails this try like a page that timed out, and is read on a later run.
    """
    identities = [ingested_identity(raw, source, ctx) for raw in entries]
    known = store.pages([identity[0] for identity in identities if identity is not None])
    out = list(entries)
    todo: list[tuple[int, str, str]] = []
    links: dict[int, str] = {}  # the pages to read, absolute
    held = 0
    recheck: datetime | None = None
    shared = _shared_pages(entries, identities)
    warnings: list[str] = []
    for index, (raw, identity) in enumerate(zip(entries, identities, strict=True)):
        if identity is None:
            continue  # no usable link: normalization skips it with a warning
        article_id, links[index] = identity
        if source.fulltext == "auto" and feed_has_text(raw):
            continue  # the feed gives the release: its page has nothing to add
        page = known.get(article_id)
        if index in shared:
            out[index], fate = _without_page(raw, page if page is not None and page.status == "done" else None)
            held += out[index].status == Status.DRAFT.value
            warnings.append(f"{str(raw.title)[:40]!r}: its link is other items' too, no one release's page: {fate}")
            continue
        digest = entry_hash(raw)
        if page is not None and _goes_on(page, digest, links[index], now):
            if page.status == "done":
                out[index] = with_page(raw, page)
                if not _same_item(page, digest):  # its figures alone changed: its page is read within the hour
                    recheck = _earliest(recheck, page.fetched + REREAD_FIGURES)
                continue
            if page.next_try is None or page.next_try > now:
                recheck = _earliest(recheck, page.next_try)
                out[index], _ = _without_page(raw, page if page.body_html else None)  # waiting, or given up
                held += out[index].status == Status.DRAFT.value
                continue
        todo.append((index, article_id, digest))
    todo.sort(key=lambda job: _turn(known.get(job[1]), job[2]))
    attempts = {i: known[a].attempts if a in known and _goes_on(known[a], d, links[i], now) else 0 for i, a, d in todo}
    results = await _read_all(source, [links[i] for i, _, _ in todo], fetch, pool, time_limit)
    pages = []
    for (index, article_id, digest), outcome in zip(todo, results, strict=True):
        raw = out[index]
        if isinstance(outcome, ExtractedPage):
            page = _done(article_id, digest, links[index], outcome, now)
            out[index] = with_page(raw, page)
            if page.reason:
                warnings.append(f"{str(raw.title)[:40]!r}: {page.reason}")
        else:
            before = known.get(article_id)
            kept = before if before is not None and before.body_html else None
            out[index], fate = _without_page(raw, kept)
            is_held = out[index].status == Status.DRAFT.value
            if outcome in _NOT_TRIED:  # never requested, or cut short: no try of the page's, read on the next run
                page = _late(article_id, digest, links[index], attempts[index], now, kept, outcome)
            else:
                tries, link = attempts[index] + 1, links[index]
                page = _failed(
                    article_id, digest, link, outcome, tries, now, kept, is_held, source_id=source.id, tz=ctx.tz
                )
            held += is_held
            warnings.append(f"{str(raw.title)[:40]!r}: {fate}: {page.reason}")
        recheck = _earliest(recheck, page.next_try)
        pages.append(page)
    return Completed(tuple(out), tuple(pages), held, tuple(warnings), recheck)


def _earliest(due: datetime | None, other: datetime | None) -> datetime | None:
    return other if due is None else due if other is None else min(due, other)


def _goes_on(page: PageState, digest: str, link: str, now: datetime) -> bool:
    """Does what pressfeed read of an item's page stand for the item as the feed gives it now (`digest`, its
    page `link`)? A read while the feed said the same of the item does. So does a failed read of the same
    page, its tries and its wait, while tries are left: the feed saying something new of the item does not
    mend its page (a board's view counter in the title had its 404 page asked for on every run, never given
    up). Given up on, the page has a new round when the item changes (a board that posted the page late). A
    page read is read again, as the item may have been corrected; within REREAD_FIGURES of its read, not when
    only the item's figures changed (:func:`entry_hash`)."""
    if _same_item(page, digest) or _figures_alone(page, digest, now):
        return True
    return page.status == "failed" and page.next_try is not None and normalize_link(page.url) == normalize_link(link)


def _turn(page: PageState | None, digest: str) -> int:
    """Where a page goes in this run's queue (feed order within each): those never asked for when the source's time
    ran out last time, then the rest, then those cut short while they were read. In feed order alone, two pages
    slower than the source's time took it on every run (late, no try counted: the time is the source's), and the
    pages after them were never asked for (an attack's)."""
    if page is None or not _same_item(page, digest):
        return 1
    return {LATE: 0, CUT_SHORT: 2}.get(page.reason, 1)


def _shared_pages(entries: Sequence[RawArticle], identities: Sequence[tuple[str, str] | None]) -> set[int]:
    """The entries (by index) whose page, compared as links are (a fragment aside), items of other ids and other
    titles link to alike: a board that tells its releases apart by "#74496" alone, or links them all to its list.
    Such a page is no one item's: read for each, every release went out with the one text it shows. (One release
    listed twice, under two guids and one title, is that page's.)"""
    pages: dict[str, list[tuple[int, str, str]]] = {}
    for index, (raw, identity) in enumerate(zip(entries, identities, strict=True)):
        if identity is not None:
            title = " ".join(str(raw.title or "").split())
            pages.setdefault(normalize_link(identity[1]), []).append((index, identity[0], title))
    shared: set[int] = set()
    for items in pages.values():
        if len({i for _, i, _ in items}) > 1 and len({t for _, _, t in items}) > 1:
            shared.update(index for index, _, _ in items)
    return shared


async def _read_all(
    source: SourceConfig, urls: Sequence[str], fetch: Wire, pool: Executor | None, limit: float | None
) -> list[ExtractedPage | str]:
    """Every page read, or why not; all within `limit` seconds. Each fetch has its own fetch.timeout
    budget, but pages queue for the host's few slots: without a cap on the whole, 40 slow pages
    took 20 times the source's timeout.

    The limit is one of the fetcher's timers: a feed's parse or placing on the loop's thread waits for it
    (one that held the loop past it made pages late that had answered, or had not had their turn); pages
    extracted there do not (:meth:`~pressfeed.ingest.streams.Armed.sharing`)."""
    if not urls:
        return []
    shared = fetch.limit(limit)
    on_the_wire: set[int] = set()
    with shared.sharing():
        tasks = [
            asyncio.ensure_future(_read(source, url, fetch, pool, functools.partial(on_the_wire.add, i)))
            for i, url in enumerate(urls)
        ]
    try:
        async with shared:
            await asyncio.wait(tasks)
    except TimeoutError:
        pass  # the pages not read by now are late
    finally:
        late = [task for task in tasks if not task.done()]
        for task in late:
            task.cancel()
    await asyncio.gather(*late, return_exceptions=True)  # let the cancelled fetches close their connections
    return [
        (CUT_SHORT if i in on_the_wire else LATE) if task in late else task.result() for i, task in enumerate(tasks)
    ]


#: why a page was not read: the source's time ran out first (a feed that took most of it leaves the pages
#: little); it is no failure of the page's, so it counts no try and waits for no backoff
LATE = "page not read in time (a source's pages share its fetch.timeout): read on the next run"
#: the same, for a page whose request had its turn and was cut short: it goes after the others next time
CUT_SHORT = (
    "page not read in time (cut short while read; a source's pages share its fetch.timeout): read on the next run"
)
#: the reasons of pages the source's time did not let be tried
_NOT_TRIED = (LATE, CUT_SHORT)


async def _read(
    source: SourceConfig, url: str, fetch: Wire, pool: Executor | None, on_the_wire: Callable[[], None]
) -> ExtractedPage | str:
    """The page's text and files, or why there are none; `on_the_wire` is called when its request has its turn."""
    ON_THE_WIRE.set(on_the_wire)  # (this task's own context)
    request = FetchRequest(source.id, url, headers=source.headers, trusted_origin=source.url, accept=PAGE_ACCEPT)
    result = await fetch(request)
    if not result.ok or result.body is None:
        return f"page {foreign(url)} could not be fetched ({result.error or f'HTTP {result.status}'})"
    selector = None if source.fulltext == "auto" else source.fulltext
    content_type = result.headers.get("content-type", "")
    base = result.base_url  # a redirected page's relative links point from where it was served
    try:
        if pool is None:
            # on the event loop's thread: not while another request could time out meanwhile (see pipeline)
            await fetch.room_for(hold_seconds(page_seconds(result.body)))
            return extract_page(result.body, url=base, content_type=content_type, selector=selector)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, _extract, result.body, base, content_type, selector)
    except ExtractionError as exc:
        # the page's server chose its Content-Type and markup, which the message may quote
        return foreign(exc.message if exc.url else str(exc), MESSAGE_CHARS)


def _extract(body: bytes, url: str, content_type: str, selector: str | None) -> ExtractedPage:
    return extract_page(body, url=url, content_type=content_type, selector=selector)


def with_page(raw: RawArticle, page: PageState) -> RawArticle:
    """The item with its page's text (replacing the feed's short one) and files."""
    files = tuple(RawMedia(url=u, type=t, title=n) for u, t, n in page.attachments)
    known = {str(m.url) for m in raw.media}
    media = raw.media + tuple(f for f in files if f.url not in known)
    return replace(raw, body_html=page.body_html, summary=raw.summary or None, media=media)


def feed_has_text(raw: RawArticle) -> bool:
    """Does the feed give the item's release, not just a teaser?"""
    return is_release_text(_feed_words(raw))


def is_release_text(words: str) -> bool:
    """Is a body's text (pressfeed.sanitize.body_words) a release's, not a teaser? As much text as a page must give
    (extract.MIN_CHARS characters, whitespace not counted), not ending as a cut text does ("…", "더보기")."""
    text = words.strip()
    return len(_SPACE.sub("", text)) >= MIN_CHARS and not text.endswith(TEASER_ENDS)


_SPACE = re.compile(r"\s+")


def _feed_words(raw: RawArticle) -> str:
    """The text of the feed's body as normalization will see it (escaped HTML unescaped, tags gone)."""
    if not isinstance(raw.body_html, str) or not raw.body_html:
        return ""
    try:
        return body_words(sanitize_html(raw.body_html, raw.base))
    except RecordError:
        return ""  # too large to be a body: normalization says so


def _without_page(raw: RawArticle, kept: PageState | None) -> tuple[RawArticle, str]:
    """An item whose page gave no text this time, and what became of it: the text an earlier read gave
    (`kept`: a failed re-read must not take a published release out of the feeds, nor erase its text),
    else the feed's own text, however short; held as a draft only with none, never empty in a feed."""
    if kept is not None:
        return with_page(raw, kept), "kept the text read before"
    if _feed_words(raw).strip():
        return raw, "published with the feed's text"
    return replace(raw, status=Status.DRAFT.value), "held as a draft"


def _done(article_id: str, digest: str, url: str, page: ExtractedPage, now: datetime) -> PageState:
    """A read page; its reason names the files it offers only through script calls (`articles show` says it)."""
    files = tuple((a.url, a.type, a.title) for a in page.attachments)
    note = _script_only(page.unresolved_files)
    return PageState(article_id, digest, url, "done", 1, now, reason=note, body_html=page.body_html, attachments=files)


def _script_only(names: Sequence[str]) -> str:
    """Files a page offers only through script calls (eGovFrame's fn_fileDown('FILE_…','4')) have no URL to
    keep; the release lists them, so an editor should know the article goes out without them."""
    if not names:
        return ""
    return f"{counted(len(names), 'attachment')} offered only through a script ({', '.join(names)}): not kept"


def _late(
    article_id: str, digest: str, url: str, attempts: int, now: datetime, kept: PageState | None, reason: str
) -> PageState:
    """A page the source's time did not reach (or cut short): as it was, due again at once, with the text it had."""
    body, files = (kept.body_html, kept.attachments) if kept else ("", ())
    return PageState(article_id, digest, url, "failed", attempts, now, now, reason, body, files)


def _failed(
    article_id: str,
    digest: str,
    url: str,
    reason: str,
    attempts: int,
    now: datetime,
    kept: PageState | None = None,
    held: bool = True,
    *,
    source_id: str,
    tz: tzinfo = UTC,
) -> PageState:
    """A failed try; it carries the text and files of an earlier good read (`kept`), the one copy of them."""
    body, files = (kept.body_html, kept.attachments) if kept else ("", ())
    if attempts >= MAX_ATTEMPTS:
        # the command, as the source's `held` detail names it: whoever reads one reason knows what to run
        reset = f"run `pressfeed sources reset {source_id}` to try its page again"
        advice = f"publish it by hand, or fix the source and {reset}" if held else "the text it has stays"
        given_up = reason + given_up_note(attempts, advice)
        return PageState(article_id, digest, url, "failed", attempts, now, None, given_up, body, files)
    wait = min(RETRY_BASE * (1 << (attempts - 1)), RETRY_CAP)
    retry = reason + retry_note(attempts, MAX_ATTEMPTS, (now + wait).astimezone(tz).isoformat())
    return PageState(article_id, digest, url, "failed", attempts, now, now + wait, retry, body, files)


def try_again(page: PageState, now: datetime, tz: tzinfo = UTC) -> PageState:
    """A failed page due for a full round of tries again from `now` (`pressfeed sources reset`): its item is
    read at the next run that finds it in the feed; its reason no longer says it was given up."""
    reason = without_tries(page.reason)
    if reason not in _NOT_TRIED:
        reason += f" (tried again from the next run: reset at {now.astimezone(tz).isoformat()})"
    return replace(page, attempts=0, next_try=now, reason=reason)
