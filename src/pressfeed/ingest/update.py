"""The ingest pipeline: every due source fetched concurrently, then placed in config order.

Downloads and parsing overlap (a worker pool parses one feed while others are
still downloading); everything that changes state — fetch state, dedupe, the
store — happens afterwards, one source at a time in config order, so the
first source to bring a joint release owns it. A failing source is recorded
against itself (error, status, retry time) and never stops the others.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from ..clock import Clock
from ..config import Config, SourceConfig, SourceKind
from ..context import NormalizeContext
from ..errors import UsageError
from ..merge import (
    UNDATED_CHANGES_MAX,
    dates_a_change,
    in_figures_only,
    locally_edited,
    merge_upstream,
    reformatted,
    same_upstream,
    undated_changes,
)
from ..results import IngestResult, Outcome, SourceReport
from ..store import Store
from ..store.base import ArticleWrite, StoredArticle, UpstreamChange
from ..terms import Status, utc_text
from ..workers import lazy_pool, workers_for
from .copies import Correction, Sightings, digest_of, lacks, patched, released, with_words, words_of
from .health import Wait, backoff, gone_note, is_gone, next_fetch, was_gone
from .request import FetchFailure, FetchResult, is_local, local_path, read_capped
from .state import SourceState

if TYPE_CHECKING:
    from ..model import Article, EncodedArticle, RawArticle
    from .briefing import ServiceKey
    from .jobs import Job, Parsed
    from .mapping import Mapped

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
#: below this many feeds to fetch, starting worker processes costs more than it saves
POOL_MIN_FEEDS = 8


@dataclass
class _Report:
    """One source's report while the pipeline fills it in; frozen into a SourceReport at the end."""

    source_id: str
    outcome: Outcome = Outcome.OK
    http_status: int | None = None
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)
    moved_to: str | None = None
    #: named on the command line (`pressfeed ingest ID`): the operator asked for this source
    named: bool = False
    #: a gone source, or a named one not fetched: since when, what pressfeed does, how to bring it back
    note: str = ""

    def freeze(self) -> SourceReport:
        return SourceReport(
            source_id=self.source_id,
            outcome=self.outcome,
            http_status=self.http_status,
            new=tuple(self.new),
            updated=tuple(self.updated),
            unchanged=self.unchanged,
            skipped=self.skipped,
            duplicates=self.duplicates,
            conflicts=tuple(self.conflicts),
            error=self.error,
            warnings=tuple(self.warnings),
            unusable=tuple(self.unusable),
            moved_to=self.moved_to,
            named=self.named,
            note=self.note,
        )


@dataclass
class _SourceRun:
    """A source, its fetch state and its report, through one ingest."""

    source: SourceConfig
    state: SourceState
    report: _Report
    #: the press-release API's key, from the environment
    key: ServiceKey | None = None
    #: a fulltext source with held items due for another try: read the feed even if it did not change
    reread: bool = False


@dataclass(frozen=True)
class _Retrieved:
    """What a source's retriever brought back: a feed document, or items the API already gave."""

    #: the fetch that decides the source's status (for the API: the last request, or the failed one)
    result: FetchResult
    body: bytes | None = None
    entries: tuple[RawArticle, ...] | None = None
    #: briefing-api: the last day read completely
    window_end: str | None = None
    warnings: tuple[str, ...] = ()
    #: what tells an unchanged answer from a changed one: :func:`answer_digest` of the answer's bytes
    digest: str = ""
    #: briefing-api: the days whose answers count more releases than they give (SourceState.short_days)
    short_days: tuple[str, ...] | None = None


def select_sources(config: Config, source_ids: Sequence[str]) -> list[SourceConfig]:
    if not source_ids:
        return list(config.sources)
    known = {s.id for s in config.sources}
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise UsageError(f"unknown source {', '.join(unknown)} (known: {', '.join(sorted(known)) or 'none'})")
    return [s for s in config.sources if s.id in source_ids]


def ingest_sources(
    config: Config,
    store: Store,
    clock: Clock,
    source_ids: Sequence[str] = (),
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    auto_workers: bool = False,
    environ: Mapping[str, str] | None = None,
) -> IngestResult:
    """Fetch, parse, dedupe and store the selected sources (all by default).

    `auto_workers`: the caller's entry point is guarded, so worker processes
    may start without `fetch.workers` configured (the pressfeed command).
    Sources named in `source_ids` are tried even while they back off after
    failures (a server's Retry-After is still honoured). `environ` holds
    the API keys' variables (default: the process environment).
    """
    now = clock.now()
    env = dict(os.environ if environ is None else environ)
    stored = dict(store.source_states())  # one read for every source, not a round trip each
    named = bool(source_ids)
    runs = [
        _SourceRun(s, SourceState.load(stored.get(s.id), s.url), _Report(s.id, named=named), _key(s, env))
        for s in select_sources(config, source_ids)
    ]
    due = [run for run in runs if _due(run, now, config.site.tz)]
    for run in due:
        recheck = run.state.recheck_time()
        # (a held page due for another try, or a copy's new words to see again: ingest.copies)
        run.reread = (recheck is not None and recheck <= now) or (
            bool(run.source.fulltext)
            and any(p.next_try is not None and p.next_try <= now for p in store.held(f"source:{run.source.id}"))
        )
    placer = _Placer(config, store, now, dry_run)
    if progress is not None:
        for run in runs:
            if run not in due:
                progress(run.source.id)  # gone, waiting or disabled: nothing to fetch
    due = _skip_unchanged_files(due, placer, config.fetch.max_bytes, progress)
    if due:
        _fetch_and_place(config, clock, runs, due, placer, progress, auto_workers=auto_workers)
        corrected = placer.take_corrections({run.source.id: run.report for run in runs})
        # the corrections held back: `sources check` names them among the copy's source's own items held back
        held = placer.held if dry_run else store.held_corrections()
        for run in due:  # (their state was made before the copies' corrections were taken)
            if run.source.id in corrected:
                run.state = replace(run.state, updated=len(run.report.updated))
            restless = _restless_now(store, run, set(held.get(run.source.id, ())))
            if restless != run.state.restless:
                run.state = replace(run.state, restless=restless)
    if not dry_run:
        store.save_source_states({run.source.id: run.state.to_dict() for run in runs})
    return IngestResult(tuple(run.report.freeze() for run in runs), dry_run)


def _fetch_and_place(
    config: Config,
    clock: Clock,
    runs: Sequence[_SourceRun],
    due: Sequence[_SourceRun],
    placer: _Placer,
    progress: Progress | None,
    *,
    auto_workers: bool,
) -> None:
    """The pipeline (pressfeed.ingest.pipeline) over the due sources; worker processes start at the first parse."""
    from ..stops import run_coroutine
    from .pipeline import run_pipeline

    workers = config.fetch.workers
    if workers is None:
        workers = workers_for(None, auto=auto_workers) if len(due) >= POOL_MIN_FEEDS else 0
    with lazy_pool(workers, "pressfeed.ingest.worker") as pool:
        run_coroutine(run_pipeline(config.fetch, clock, runs, due, placer, pool, progress))


def _skip_unchanged_files(
    due: list[_SourceRun], placer: _Placer, max_bytes: int, progress: Progress | None
) -> list[_SourceRun]:
    """Local-file feeds whose bytes are what was last parsed, recorded as the pipeline would record them
    (read, same answer: not modified) without it; the sources still to fetch."""
    rest = []
    for run in due:
        retrieved = _unchanged_file(run, max_bytes)
        if retrieved is None:
            rest.append(run)
            continue
        placer.receive(run, retrieved, None)
        if progress is not None:
            progress(run.source.id)
    return rest


def _unchanged_file(run: _SourceRun, max_bytes: int) -> _Retrieved | None:
    source, state = run.source, run.state
    url = state.url or source.url
    if source.kind is not SourceKind.FEED or run.reread or state.body_sha256 is None or not is_local(url):
        return None
    try:
        body = read_capped(local_path(url), max_bytes)
    except FetchFailure:  # missing, unreadable, too large: the pipeline reads it again and says why
        return None
    digest = answer_digest(body, source)
    if digest != state.body_sha256:
        return None
    return _Retrieved(FetchResult(source.id, url, 200, body, {}), body, digest=digest)


def _restless_now(store: Store, run: _SourceRun, held: set[str]) -> tuple[str, ...]:
    """A source's items held back as `sources check` lists them: its own whose change was not taken (as its
    state has them), and the articles its copies' corrections are held back from (`held`), no others (a
    correction the owner's change absorbed, or one taken)."""
    listed = set(run.state.restless)
    others = sorted(listed - held)
    if others:  # (those of another source's articles are held corrections no longer held)
        own = store.get_many(others)
        listed = {a for a in listed if a in held or (a in own and own[a].origin == f"source:{run.source.id}")}
    return tuple(sorted(listed | held))


def _key(source: SourceConfig, environ: Mapping[str, str]) -> ServiceKey | None:
    if source.kind is not SourceKind.BRIEFING_API or not environ.get(source.service_key_env, "").strip():
        return None  # no key, no fetch: the API module (and its HTTP stack) is not imported for nothing
    from .briefing import ServiceKey

    return ServiceKey.from_env(source.service_key_env, dict(environ))


def _due(run: _SourceRun, now: datetime, tz: tzinfo) -> bool:
    """Is the source fetched this run (:func:`~.health.next_fetch`, the one rule)? When not, its report says
    why (disabled, gone, waiting, backing off); a source named on the command line skips only our backoff."""
    state, report = run.state, run.report
    upcoming = next_fetch(run.source, state, now, tz, key_set=run.key is not None, explicit=report.named)
    if upcoming.due:
        return True
    if upcoming.wait is Wait.DISABLED:
        report.outcome = Outcome.DISABLED
    elif upcoming.wait is Wait.GONE:  # no failure of an unnamed run: the run that got the 410 said so
        report.outcome, report.http_status = Outcome.STILL_GONE, 410
    else:
        report.outcome, report.http_status = Outcome.WAITING, state.http_status
    if report.named:  # the operator asked for it: said at default verbosity (results.SourceReport)
        report.note = upcoming.reason if upcoming.at is None else upcoming.skipped()
    else:
        report.warnings.append(upcoming.skipped())
    return False


class _Placer:
    """Takes fetched sources in config order: records fetch state, dedupes and stores their items.

    Remembers what earlier sources of this run claimed, so a release brought
    by two sources becomes one article, owned by the first.
    """

    def __init__(self, config: Config, store: Store, now: datetime, dry_run: bool) -> None:
        self.config, self.store, self.now, self.dry_run = config, store, now, dry_run
        self.ctx: NormalizeContext = config.normalize_context()
        self.claimed: dict[str, str] = {}  # dedupe key → article id, this run
        self.pending: dict[str, str] = {}  # article id → origin, for articles created this run
        #: article id → its version, for articles created this run (decoded only when a copy's title is compared:
        #: decoding every new item's for its title was a tenth of a first run's placing)
        self.pending_versions: dict[str, EncodedArticle] = {}
        #: stored articles an item already decided this run → that item's origin: the first item in document
        #: order is the article, as for one created; a later one writing too made it flip between them every run
        self.taken: dict[str, str] = {}
        #: per source placed: the upstream versions local edits keep out (article id → that version), and the
        #: articles whose kept-out version is gone (upstream sent back the one last taken or gave what the article
        #: holds, the edit was undone, or it was taken)
        self.kept_out: dict[str, EncodedArticle] = {}
        self.settled: set[str] = set()
        self.known_changes: dict[str, UpstreamChange] = {}  # those recorded before, of the articles at hand
        #: article id → the sources whose items landed on it this run (a source's copy of a release is one)
        self.copies: dict[str, set[str]] = {}
        #: per source placed: the articles its items name by their own guid (or link), listed in its answer
        self.listed: set[str] = set()
        #: per source placed: the deleted articles its items could land on → the sources whose items they were
        self.deleted_from: dict[str, list[str]] = {}
        #: per source placed: the articles its items landed on whose change was not taken (restless)
        self.restless: list[str] = []
        #: item id → the article it landed on (its own, or the one it is a copy of), for health (_newest)
        self.targets: dict[str, str] = {}
        #: per source placed: the time its answer was made, which its board gave its items as their date, or as
        #: their `updated` (dc:date, atom:updated)
        self.stamp: datetime | None = None
        self.updated_stamp: datetime | None = None
        #: what each source last gave of the articles at hand, and the corrections copies gave (ingest.copies)
        self.sightings = Sightings(now=utc_text(now))
        #: per source placed, one that reads its items' pages: the items whose page gave no text this time
        self.unread: set[str] = set()
        #: source id → the articles its copies' corrections are held back from this run (too many undated changes)
        self.held: dict[str, list[str]] = {}

    def batch(self) -> AbstractContextManager[None]:
        """Around the sources :meth:`receive` takes in a row: one store transaction (none in a dry run)."""
        return nullcontext() if self.dry_run else self.store.transaction()

    def job(self, run: _SourceRun, retrieved: _Retrieved) -> Job | None:
        """The parse job for a retrieval, or None (failed with nothing, 304, or the same answer as last time
        and no held item's page due for another try)."""
        source, state, result = run.source, run.state, retrieved.result
        if retrieved.entries is None and (not result.ok or result.not_modified or retrieved.body is None):
            return None
        if retrieved.entries is not None and not retrieved.entries and not result.ok:
            return None
        # the same answer under the same source settings maps to the same articles: skip it
        if result.ok and not run.reread and retrieved.digest == state.body_sha256:
            return None
        from .jobs import Job

        body, base = retrieved.body or b"", result.base_url  # relative links: from where the bytes came
        return Job(source, self.ctx, self.now, body, result.headers, result.url, retrieved.entries, base=base)

    def receive(self, run: _SourceRun, retrieved: _Retrieved, parsed: Parsed | None) -> None:
        """Record one source's retrieval and take its parsed items (an API walk that failed midway
        still brings the windows read before the failure)."""
        result, report, stamp = retrieved.result, run.report, self.now.isoformat()
        report.http_status = result.status
        report.warnings.extend(retrieved.warnings)
        state = replace(
            run.state, last_fetch=stamp, http_status=result.status, first_404=_first_404(run.state, result, stamp)
        )
        if retrieved.window_end is not None:
            state = replace(state, window_end=retrieved.window_end)
        if retrieved.short_days is not None:
            state = replace(state, short_days=retrieved.short_days)
        if result.moved_to:
            report.moved_to = result.moved_to
            state = replace(state, url=result.moved_to, moved_to=result.moved_to)
        if not result.ok:
            run.state = self._failed(state, report, result.error, result, was_gone=was_gone(run.state))
            if parsed is not None and parsed.error is None:
                run.state = self._accept(run, parsed, None)
            return
        if parsed is not None and parsed.error is not None:
            # an answer that never parses (a maintenance page served with a 200) is one more failure in a row,
            # backed off as any: not the first of them at every run, fetched and mailed every five minutes
            run.state = self._failed(replace(state, retry_after=None), report, parsed.error)
            run.state = replace(run.state, etag=None, last_modified=None, body_sha256=None)
            return
        # a 304 repeats the validators we sent; a 200 replaces them (even with none)
        run.state = replace(
            state,
            etag=result.etag,
            last_modified=result.last_modified,
            retry_after=None,
            next_try=None,
            last_error=None,
            failures=0,
            first_failure=None,
            first_404=None,
            last_success=stamp,
        )
        if parsed is None:
            report.outcome = Outcome.NOT_MODIFIED
            return
        run.state = self._accept(run, parsed, retrieved.digest)
        if run.source.id in self.sightings.unconfirmed:
            # a copy's new words count once they hold at the next fetch: its answer is read then, changed or not
            run.state = replace(run.state, recheck=self.now.isoformat())

    def _accept(self, run: _SourceRun, parsed: Parsed, digest: str | None) -> SourceState:
        """Dedupe and store a parsed answer's items; remember what feed health needs."""
        report, state = run.report, run.state
        report.warnings.extend(parsed.warnings)
        report.unusable.extend(parsed.unusable)
        report.skipped += parsed.skipped
        self.place_source(run.source, list(parsed.mapped), report)
        newest = _newest(parsed, self.store, self.targets) or state.newest_item
        return replace(
            state,
            body_sha256=digest or state.body_sha256,
            new=len(report.new),
            updated=len(report.updated),
            skipped=report.skipped,
            items=parsed.entries if run.source.kind is SourceKind.FEED else None,
            newest_item=newest,
            unusable=len(parsed.unusable),
            unusable_reason=parsed.unusable[0] if parsed.unusable else None,
            unknown_agencies=parsed.unknown_agencies,
            recheck=parsed.recheck.isoformat() if parsed.recheck is not None else None,
            restless=tuple(sorted(set(self.restless))),
        )

    def _failed(
        self,
        state: SourceState,
        report: _Report,
        error: str | None,
        result: FetchResult | None = None,
        *,
        was_gone: bool = False,
    ) -> SourceState:
        """Record a failure and back off: BASE × 2^(n-1), or as long as the server asked (Retry-After); a 410
        is never tried again. `was_gone`: the run before found the source gone, so this is no news, unless
        it is the 410 that ends the polling of a source gone by its 404s."""
        gone = result is not None and result.gone
        was_gone = was_gone and (state.gone or not gone)
        failures = state.failures + 1
        retry_after = result.retry_after if result is not None else None
        next_try = None if gone else retry_after or self.now + backoff(failures)
        state = replace(
            state,
            last_error=error,
            failures=failures,
            first_failure=state.first_failure or self.now.isoformat(),
            next_try=next_try.isoformat() if next_try else None,
            gone=gone,
            retry_after=retry_after.isoformat() if retry_after else None,
        )
        report.error = error
        if is_gone(state, self.now):
            report.outcome = Outcome.STILL_GONE if was_gone else Outcome.GONE
            report.note = gone_note(report.source_id, state, self.now, self.ctx.tz, found=not was_gone)
        else:
            report.outcome = Outcome.FAILED
        return state

    def place_source(self, source: SourceConfig, mapped: list[Mapped], report: _Report) -> None:
        """Dedupe one source's items against the store and this run, and write what is new or changed."""
        origin = f"source:{source.id}"
        all_keys = [k for m in mapped for k in (*m.keys, *m.probes, *_body(m))]
        known = self.store.dedupe_lookup(all_keys)
        known.update((k, self.claimed[k]) for k in all_keys if k in self.claimed)
        # every article an item could land on, read in two queries rather than two per item
        candidates = sorted({*known.values(), *(m.encoded.id for m in mapped)})
        stored = self.store.get_many(candidates)
        tombstoned = self.store.tombstoned(candidates)
        # the sources whose items the deleted ones were: a deleted release is no longer stored to say its own
        self.deleted_from = self.store.dedupe_sources(sorted(tombstoned)) if tombstoned else {}
        self.kept_out, self.settled, self.restless = {}, set(), []
        self.known_changes = self.store.upstream_changes(list(stored)) if stored else {}
        self.sightings.load(self.store.sightings(list(stored)) if stored else {})
        others = any(s.origin != origin for s in stored.values())  # (else none of its items is a copy)
        self.unread = self._unread(source, mapped) if others else set()
        # the articles the answer's items name by their guid or link (their own id, or the release a copy of
        # another source's became): a post still listed
        named = (known.get(k) for m in mapped for k in m.keys if k.startswith(("guid:", "link:")))
        self.listed = {m.encoded.id for m in mapped} | {found for found in named if found is not None}
        self.stamp = _served_at(mapped, known, stored, origin, self.now)
        self.updated_stamp = _served_at(mapped, known, stored, origin, self.now, updated=True)
        writes: list[ArticleWrite] = []
        keys: list[tuple[str, str, str]] = []
        passages: list[tuple[str, str]] = []
        gained: set[str] = set()  # the releases items landed on: a newsroom article may cite them by their keys
        days = {k for m in mapped for k in m.keys if k.startswith("title:")}  # the titles of its items' own days
        from .keys import copy_key  # (with the items' keys: only where items were mapped)

        for m in mapped:
            target = self._target(m, known, source.id, stored, days)
            self.targets[m.encoded.id] = target
            had_link = any(k.startswith("link:") and known.get(k) == target for k in m.keys)
            if self._decide(m, target, origin, stored, tombstoned, report, writes, had_link=had_link):
                keys += [(k, target, source.id) for k in (*m.keys, *_body(m))]
                passages += [(k, target) for k in m.passages]
                owner = stored[target].origin if target in stored else self.pending.get(target, origin)
                if owner != origin:  # a copy: its source is one that brought the release, whatever keys are new
                    keys.append((copy_key(source.id, target), target, source.id))
                gained.add(target)
                self.copies.setdefault(target, set()).add(source.id)
                for k in (*m.keys, *_body(m)):  # the first article to record a key keeps it, as in the store
                    known.setdefault(k, target)
                    self.claimed.setdefault(k, target)
        if self.dry_run:
            return
        from ..stories import settle  # (and normalize's keys: only where items were mapped)

        joined = self._joined(source.id, gained, stored, writes)
        with self.store.transaction():
            self.store.write(writes)
            self.store.touch(joined)
            self.store.add_dedupe_keys(keys)
            self.store.add_passages(passages)
            self.store.save_sightings(self.sightings.take_changed())
            self._record_kept_out()
            # every release that gained keys, written or not: a copy joining a joint release another source
            # brought may carry the link a newsroom article cites. Releases first stored this run (by any
            # source) were never in a feed, so the article keeps its own guid.
            settle(
                self.store,
                self.config.story_rules(),
                self.now,
                releases=gained,
                fresh=set(self.pending),
            )

    def _joined(
        self, source_id: str, gained: set[str], stored: dict[str, StoredArticle], writes: list[ArticleWrite]
    ) -> list[str]:
        """The stored articles of other sources this source's items are copies of, for the first time: their
        feeds are rendered again, as they now go out under the terms of this source too (pressfeed.rights)."""
        written = {w.encoded.id for w in writes}
        origin = f"source:{source_id}"
        others = sorted(t for t in gained if t in stored and t not in written and stored[t].origin != origin)
        if not others:
            return []
        brought = self.store.dedupe_sources(others)
        return [t for t in others if source_id not in brought.get(t, ())]

    def _record_kept_out(self) -> None:
        """Remember the upstream versions local edits kept out (`articles show` and `sources check` tell of them,
        `articles revert` takes one); forget those settled (of articles no longer edited, updated or not)."""
        if self.settled:
            self.store.drop_upstream_changes(sorted(self.settled))
        self.store.save_upstream_changes(UpstreamChange.kept(e, self.now) for _, e in sorted(self.kept_out.items()))

    def _unread(self, source: SourceConfig, mapped: list[Mapped]) -> set[str]:
        """The items of a source that reads pages whose page gave no text this time: their words are the feed's
        or an earlier read's, not what the source gives, and a copy's say nothing of a correction (its page read
        at the next try would be one)."""
        if not source.fulltext:
            return set()
        pages = self.store.pages([m.encoded.id for m in mapped])
        return {article_id for article_id, page in pages.items() if page.status != "done"}

    def take_corrections(self, reports: Mapping[str, _Report]) -> set[str]:
        """Take the corrections copies confirmed this run (pressfeed.ingest.copies), once every source is placed:
        the owner's own change of this run wins, whichever source came first in the config. And those an editor's
        edit kept out, the edit since undone by hand. The sources whose corrections updated an article."""
        self.sightings.absorbed()
        found: dict[str, Correction] = {}
        for article_id, confirmed in sorted(self.sightings.corrections.items()):
            for correction in confirmed:  # (their new words are their version now; a stale cache's are none)
                self.sightings.settled(correction)
            fresh = [c for c in confirmed if c.words and digest_of(c.words) != c.before.earlier]
            if fresh and article_id not in self.sightings.owner_changed:  # (the owner's change of the run wins)
                found[article_id] = fresh[0]
        ids = sorted(found)
        stored_by_id = self.store.get_many(ids) if ids else {}
        tombstoned = self.store.tombstoned(ids) if ids else set()
        kept = self.store.upstream_changes(ids) if ids else {}
        writes: list[ArticleWrite] = []
        kept_out: list[UpstreamChange] = []
        for article_id in ids:
            stored = stored_by_id.get(article_id)
            if stored is None or article_id in tombstoned or not stored.article.body_html:
                continue  # deleted, or a title held for its text: a copy's text is taken as it always was
            write = self._correction(found[article_id], stored, kept.get(article_id))
            if isinstance(write, ArticleWrite):
                writes.append(write)
            elif write is not None:
                kept_out.append(write)
        corrected = {found[w.encoded.id].source_id for w in writes}
        undone = self._undone(reports, corrected, exclude=set(ids))
        writes += undone
        rows = self.sightings.take_changed()
        if self.dry_run or not (writes or kept_out or rows):
            return corrected  # (a dry run's reports say what a run would take)
        from ..stories import settle

        with self.store.transaction():
            self.store.write(writes)
            self.store.save_upstream_changes(kept_out)
            # (a version kept out of an edit since undone is older than one taken now: gone either way)
            self.store.drop_upstream_changes([w.encoded.id for w in writes])
            self.store.save_sightings(rows)
            if writes:
                settle(self.store, self.config.story_rules(), self.now, releases={w.encoded.id for w in writes})
        return corrected

    def _undone(self, reports: Mapping[str, _Report], corrected: set[str], exclude: set[str]) -> list[ArticleWrite]:
        """The copies' corrections an editor's edit kept out, the edit since undone by hand (not reverted): taken
        as `articles revert` would, dated now. The owner's item need not be read again for it."""
        waiting = {
            a: s for a, s in self.store.waiting_corrections().items() if a not in exclude | self.sightings.owner_changed
        }
        if not waiting:
            return []
        from ..model import encode

        ids = sorted(waiting)
        stored_by_id, kept = self.store.get_many(ids), self.store.upstream_changes(ids)
        writes = []
        for article_id in ids:
            stored, change = stored_by_id.get(article_id), kept.get(article_id)
            if stored is None or change is None or locally_edited(stored):
                continue
            version = encode(change.article)
            merged = merge_upstream(stored, version, explicit_updated=False, now=self.now) or version
            writes.append(ArticleWrite.from_upstream(merged, stored.origin, upstream=version))
            if (report := reports.get(waiting[article_id])) is not None:
                report.updated.append(article_id)
                corrected.add(waiting[article_id])
        return writes

    def _correction(
        self, correction: Correction, stored: StoredArticle, kept: UpstreamChange | None
    ) -> ArticleWrite | UpstreamChange | None:
        """What a copy's confirmed version makes of its article: a write, a version an editor's edit keeps out,
        or nothing (the article has that change already, or upstream changed it too often without a date)."""
        from ..model import encode

        edited = locally_edited(stored)
        # the upstream version the words go into: for an edited article, the one kept out, if any
        base = kept.article if edited and kept is not None else stored.article
        has = words_of(base)
        before = correction.before.words
        # (its words before unknown, made its version when the owner's change absorbed them: what it changes now
        # cannot be told from what it held, and is no correction)
        if not before or digest_of(has) == digest_of(correction.words) or not lacks(has, before, correction.words):
            return None
        status = Status(stored.upstream_status) if stored.upstream_status else stored.article.status
        version = encode(replace(with_words(base, correction.article), status=status))
        owner = stored.origin.removeprefix("source:")
        article_id, report, source = correction.article_id, correction.report, correction.source_id
        if edited:
            self.sightings.carried(correction, owner, None)
            report.conflicts.append(article_id)
            return UpstreamChange.kept(version, self.now)
        changes = undated_changes(stored, version, explicit_updated=False, now=self.now)
        merged = merge_upstream(stored, version, explicit_updated=False, now=self.now)
        if released(correction.before):
            # held back, and its source reset since: taken now, whatever the owner's own undated changes (a view
            # counter) made of the one change the reset freed
            changes = stored.undated_changes
        elif not correction.before.since:  # held back before: only a reset of its source lets it through
            changes = None
        if changes is None:  # held back, as the owner's change would be, until `sources reset` of its source
            if correction.before.since:  # (said once: one held back before, its `since` none, re-confirms)
                report.warnings.append(
                    f"{article_id} ({stored.article.title}): its correction is held back, the article having"
                    f" changed {UNDATED_CHANGES_MAX} times without a date of its own (`pressfeed sources reset"
                    f" {source}` takes it at the next run)"
                )
            self.sightings.held_back(correction)
            self.held.setdefault(source, []).append(article_id)
            return None
        if merged is None:
            return None
        self.sightings.carried(correction, owner, stored.article)
        report.updated.append(article_id)
        return ArticleWrite.from_upstream(merged, stored.origin, upstream=version, undated_changes=changes)

    def _carried_words(
        self, candidate: EncodedArticle, stored: StoredArticle, report: _Report, *, edited: bool
    ) -> EncodedArticle | None:
        """The owner's item of an article that carries a copy's correction, its own words unchanged or changed
        elsewhere only (copies.Sightings.owner_seen): with the copy's words, taken or kept out (of the edit, or of
        one an editor has since undone by hand: taken now), or, the owner having changed other words, the
        correction made in the owner's text. The rest of the item (a new file) is the owner's, kept out of an
        edit as ever. None: the article is edited, keeps no version out, and the owner's words are unchanged (the
        edit stands)."""
        from ..model import encode

        target = stored.article.id
        kept = self.known_changes.get(target)
        change = self.sightings.kept_correction.get(target)
        both = patched(candidate.article, *change) if change is not None else None
        if both is not None:  # the owner's other change, with the copy's correction made in its text (kept out of
            return encode(both)  # an edit, for `articles revert`)
        if edited and kept is None:
            if change is None:
                return None
            # the owner's other change where the correction cannot be made in its text (a place within markup), and
            # the edit's words are no upstream's: kept out as the owner gives it, and said
            report.warnings.append(
                f"{target} ({stored.article.title}): its source changed other words than those a copy's correction"
                " changed, in a text the correction cannot be made in: the version kept out of the local edit"
                " for `pressfeed articles revert` is the source's, without the copy's correction"
            )
            return candidate
        if change is not None:
            report.warnings.append(
                f"{target} ({stored.article.title}): its source changed its words but not those a copy's"
                " correction changed, which it still gives as before: the article keeps the correction,"
                " without the source's other change (`pressfeed articles show` names the copy)"
            )
        return encode(with_words(candidate.article, (kept or stored).article))

    def _target(
        self, m: Mapped, known: dict[str, str], source_id: str, stored: dict[str, StoredArticle], days: set[str]
    ) -> str:
        """The article an item is, by its strongest known key.

        A content or title match only joins releases across sources (a joint
        release, the API's copy of a board's); within one source, guid and link
        decide, so a recurring text under a new guid and link stays a new article,
        unless the release moved (:meth:`_moved`). Its title on the day before or
        after finds a release of that day only when this source sent no copy of
        that day's of its own: a daily briefing of one name is one release a day.
        """
        origin = f"source:{source_id}"
        for key in (*m.keys, *m.probes):
            found = known.get(key)
            if found is None:
                continue
            owner = stored[found].origin if found in stored else self.pending.get(found)
            # a release of the source's own an editor deleted: a text that recurs is still posted again
            ours = owner == origin or (owner is None and source_id in self.deleted_from.get(found, ()))
            if ours and key.startswith(("content:", "title:")) and not self._moved(key, m, found, stored, known):
                continue
            if key.startswith("link:") and _another_release(m, stored.get(found), origin):
                continue
            if key in m.probes and (key in days or self._has_copy(found, source_id)):
                continue
            return found
        found = known.get(m.body_key) if m.body_key is not None else None
        if found is not None and self._retitled_copy(m, found, origin, stored):
            return found
        return m.encoded.id

    def _moved(self, key: str, m: Mapped, found: str, stored: dict[str, StoredArticle], known: dict[str, str]) -> bool:
        """Is an item under a new guid and link, whose title and text are those of a release its source gave in
        a run before and no longer lists, that release moved? A board's new software gave every item a new guid
        and link at once, and readers got its last 30 releases again as new ones. Its `content:` key says so
        for a text long enough to tell a story; for an item with none (a title-only board's, a page not read
        yet), its own day's `title:` key: a title of 12 letters or more, one agency's. The same day too, given
        by the feed (not the fetch's; its time of day may be written anew): a text that recurs ("주간 주요
        일정", its boilerplate) is posted again on another, and a short one ("인사", "붙임 파일 참조") is any
        release's. A release an editor deleted is no longer stored to give its day: its own day's title key
        pointing at it says the item is that release moved (and stays deleted); else it is a post of its own."""
        kind = "content:" if m.body_key is not None else "title:"
        if not key.startswith(kind) or key not in m.keys or not m.dated or found in self.listed:
            return False  # (listed: the first post, still listed beside this one, is a post of its own)
        release = stored.get(found)
        if release is None:
            return found in self.deleted_from and any(k.startswith("title:") and known.get(k) == found for k in m.keys)
        tz = self.ctx.tz
        return release.article.published.astimezone(tz).date() == m.encoded.published.astimezone(tz).date()

    def _retitled_copy(self, m: Mapped, found: str, origin: str, stored: dict[str, StoredArticle]) -> bool:
        """Is an item whose text is the whole of another source's release (`found`, by its body key) that
        release, under a title with more or less of it? A board titles a release with its subtitle ("… - 2030년
        까지 GPU 5만 장 -"), the API without: neither key found the copy, and readers had it twice. The text alone
        joins no two releases: a board's boilerplate would (one long enough to key, "자세한 내용은 첨부 …"); nor a
        correction or a photo of the release reposted with its text ("[정정] …", "[사진] …")."""
        from .keys import one_title

        release = stored.get(found)
        owner = release.origin if release is not None else self.pending.get(found)
        version = release if release is not None else self.pending_versions.get(found)
        title = version.article.title if version is not None else ""
        return owner not in (None, origin) and bool(title) and one_title(m.encoded.article.title, title)

    def _link_only(self, article_id: str, origin: str, candidate: EncodedArticle) -> bool:
        """Will the feeds carry only the link of this release, whose text `candidate` brings (pressfeed.rights,
        the terms of every source that brought it)?"""
        from ..config import Republish
        from ..rights import rights_for

        brought = self._brought_by(article_id)
        return rights_for(self.config, origin, candidate.article.source, brought).republish is Republish.LINK

    def _has_copy(self, article_id: str, source_id: str) -> bool:
        """Did the source send an item that is this article (this run or before)?"""
        return source_id in self.copies.get(article_id, ()) or source_id in self._brought_by(article_id)

    def _brought_by(self, article_id: str) -> set[str]:
        """The sources whose items are this article: by the keys stored, and this run's."""
        stored = self.store.dedupe_sources([article_id]).get(article_id, ())
        return {*stored, *self.copies.get(article_id, ())}

    def _decide(
        self,
        m: Mapped,
        target: str,
        origin: str,
        stored_by_id: dict[str, StoredArticle],
        tombstoned: set[str],
        report: _Report,
        writes: list[ArticleWrite],
        *,
        had_link: bool = False,
    ) -> bool:
        """Decide one item's fate; True when its keys should be recorded for `target`. `had_link`: the item's
        link is one the article was at before (its key is the article's already)."""
        stored = stored_by_id.get(target)
        if (
            stored is not None
            and stored.origin != origin
            and stored.origin.startswith("source:")
            and m.encoded.id not in self.unread
        ):
            # another source's release: its words may be a correction the owner's item lacks
            self.sightings.copy_seen(target, origin.removeprefix("source:"), m.encoded.article, stored.article, report)
        # created or decided earlier in this run: a duplicate, unless its owner's item decided it (a board read again,
        # for a new post or a held page due) and this is another source's text of that title
        first = self.taken.get(target, self.pending.get(target))
        if first is not None and not (
            stored is not None and first == stored.origin and _takes_over(stored, origin, m.encoded)
        ):
            report.duplicates += 1
            return True
        if target in tombstoned:
            report.skipped += 1  # deleted by an editor: never comes back
            return False
        from ..model import encode  # (the record types: only where items were mapped)

        candidate = m.encoded if m.encoded.id == target else encode(replace(m.encoded.article, id=target))
        if stored is None:
            writes.append(ArticleWrite.from_upstream(candidate, origin))
            report.new.append(target)
            self.pending[target] = origin
            self.pending_versions[target] = candidate
            return True
        if stored.origin != origin:
            if _takes_over(stored, origin, candidate):  # the text of a release another source brought as a title
                merged, upstream = merge_upstream(stored, candidate, explicit_updated=False, now=self.now), candidate
                if merged is not None and self._link_only(target, origin, merged) and self.store.shown([target]):
                    # readers have its item, and would get nothing new: the text is stored (terms may change)
                    # under the link and dates they have; so is upstream's version, as the source's next item is
                    # compared (under them too, _keep_link), or the article read as an editor's from now on. A copy
                    # at the title's own page, in any form, is stored with its own dates under the title's link, as its
                    # next item is compared (_keep_link keeps only the link of one page).
                    upstream = _keep_link(candidate, stored)
                    if upstream is candidate:
                        merged, upstream = _as_they_have_it(merged, stored), _as_they_have_it(candidate, stored)
                    else:
                        merged = merge_upstream(stored, upstream, explicit_updated=False, now=self.now)
                if merged is not None:
                    writes.append(ArticleWrite.from_upstream(merged, origin, upstream=upstream))
                    report.updated.append(target)
                    self.taken[target] = origin
                    self.sightings.owner_changed.add(target)
                    # the source it was (a board's title, or teaser) is a copy now: its text, when it comes, is its
                    # first sighting, not a correction of its title
                    self.sightings.taken_over(target, stored.origin.removeprefix("source:"))
                    if target in self.known_changes:  # kept out of another source's version, since undone
                        self.settled.add(target)
                    return True
            report.duplicates += 1  # a joint release another source brought first
            return True
        self.taken[target] = origin
        edited = locally_edited(stored)
        owner_words = None if edited else stored.article  # (an edited article's are the editor's)
        if self.sightings.owner_seen(target, origin.removeprefix("source:"), candidate.article, owner_words):
            carried = self._carried_words(candidate, stored, report, edited=edited)
            if carried is None:  # (edited, nothing kept out, the owner's words unchanged: the edit stands)
                report.unchanged += 1
                return True
            candidate = carried
        # as the item gave them: the stored dates kept below are no dates of upstream's
        given, explicit = candidate, candidate.updated > candidate.published
        # the time its answer was made is no date of a change (the content hash has no `updated`: merged, a
        # change is dated as an undated one is)
        explicit = explicit and candidate.updated != self.updated_stamp
        stamped = m.dated and not m.noticed and candidate.published == self.stamp
        if not m.dated or stamped or m.day == stored.article.published.astimezone(self.ctx.tz).date():
            # fetch time stood in for a missing date, or for a day's midnight: keep the dates given first, but an
            # `updated` the item gives (a board's correction of a day-only release, dated)
            candidate = _keep_dates(candidate, stored)
            if stamped:
                given = candidate  # the time its answer was made is no date: none of a change either
            elif explicit:
                updated = max(given.updated, candidate.published)
                candidate = candidate.restamped(status=candidate.status, updated=updated)
        elif m.noticed and stored.article.published <= self.now and candidate.published != stored.article.published:
            # its notice read anew (stored before notices were read) would re-date a release readers have had
            candidate = _keep_dates(candidate, stored)
        if candidate.article.link != stored.article.link:
            candidate = _keep_link(candidate, stored)
            if had_link and candidate.article.link != stored.article.link:
                # a page the release was at before (a board serving its old and new forms in turn as it moves):
                # the link and dates readers have stay, or each form was an update of the other on every run; but an
                # `updated` the item gives dates its change (as with _keep_dates above)
                candidate = _keep_link(candidate, stored, page=False)
                if explicit:
                    updated = max(given.updated, candidate.published)
                    candidate = candidate.restamped(status=candidate.status, updated=updated)
        if had_link and _taken_over_before_5a94f7a(stored, given):
            stored = replace(stored, upstream_hash=stored.content_hash)  # no editor's: upstream's next change is taken
            if same_upstream(stored, candidate):
                writes.append(ArticleWrite.from_upstream(encode(stored.article), origin, upstream=candidate))
        # an edited article that reads as the item, put under its link and dates (an editor's own date, _keep_dates),
        # under the status last taken, has nothing of upstream's to keep out: the edit stands, upstream's version
        # as it was
        alike = (
            locally_edited(stored)
            and candidate.content_hash == stored.content_hash
            and stored.upstream_status == candidate.status
        )
        known = self.known_changes.get(target)
        if known is not None and (same_upstream(stored, candidate) or alike or not locally_edited(stored)):
            # upstream took its change back, or gives what the article holds, or the edit was undone: nothing is
            # kept out any more
            self.settled.add(target)
        if locally_edited(stored) and stored.article.published > self.now and _hold_moved(stored, candidate, known):
            writes.append(_held_until(stored, candidate, origin))
        if same_upstream(stored, candidate) or alike:
            report.unchanged += 1
            return True
        if locally_edited(stored):
            if known is not None and (known.content_hash, known.status) == (candidate.content_hash, candidate.status):
                report.unchanged += 1  # kept out and told before: `sources check` and `articles show` say so
            else:
                self.kept_out[target] = candidate  # the latest, for `articles revert`
                if _told(known, candidate, explicit_updated=explicit, now=self.now):
                    report.unchanged += 1
                else:
                    report.conflicts.append(target)
            # its keys are not the article's: a board changing the item on every fetch left a version's each time
            # (they are recorded once the version is taken, `articles revert` and the next fetch)
            return False
        if (form := reformatted(stored, candidate, explicit_updated=explicit)) is not None:
            writes.append(ArticleWrite.from_upstream(form, origin))  # what no reader sees: a moved feed's URL
            report.unchanged += 1
            return True
        merged = merge_upstream(stored, candidate, explicit_updated=explicit, now=self.now)
        if merged is None:
            report.unchanged += 1
            return True
        changes = undated_changes(stored, given, explicit_updated=explicit, now=self.now)
        if changes is None:  # restless: neither taken nor its keys kept, which every such version would add
            report.unchanged += 1
            self.restless.append(target)
            return False
        writes.append(ArticleWrite.from_upstream(merged, origin, upstream=candidate, undated_changes=changes))
        report.updated.append(target)
        if changes == UNDATED_CHANGES_MAX and changes > stored.undated_changes:
            report.warnings.append(_restless(candidate.article))
        return True


def _newest(parsed: Parsed, store: Store, targets: Mapping[str, str]) -> str | None:
    """The newest item's date, for health: an undated item's is the one the article it is (`targets`: the
    article each item was placed on) was first stored under, not its fetch's (a board stamping every answer, its
    items undated, was never stale however long ago its last release)."""
    undated = [targets.get(m.encoded.id, m.encoded.id) for m in parsed.mapped if not m.dated]
    stored = store.get_many(undated) if undated else {}
    dates = [s.article.published for s in stored.values()]
    newest = max([*dates, *([parsed.newest] if parsed.newest is not None else [])], default=None)
    return newest.isoformat() if newest is not None else None


def _first_404(before: SourceState, result: FetchResult, now: str) -> str | None:
    """When the 404s in a row began, with this answer: not at a failure of another kind before them (a state
    recorded before they were told apart has the first failure of the 404s it holds)."""
    if result.status != 404:
        return None
    if before.http_status == 404 and before.failures:
        return before.first_404 or before.first_failure
    return now


def _hold_moved(stored: StoredArticle, candidate: EncodedArticle, known: UpstreamChange | None) -> bool:
    """Whether upstream moved the embargo of an edited release, still held, and nothing else: its version last
    taken but for its date, the article's (which the edit kept, then), or the version kept out but for its date,
    the article's (a postponement taken back after the edit)."""
    if candidate.article.published == stored.article.published:
        return False
    dated = known.article.published == stored.article.published if known is not None else False
    if known is not None and dated and _dated_apart(known.article, candidate):
        return True
    return _last_taken_but_dated(stored, candidate)


def _dated_apart(article: Article, candidate: EncodedArticle) -> bool:
    """Whether `candidate` is `article` (an upstream version kept out) but for its publication date."""
    from ..model import encode

    return encode(_redated(article, candidate.article.published)).content_hash == candidate.content_hash


def _last_taken_but_dated(stored: StoredArticle, candidate: EncodedArticle) -> bool:
    """Whether `candidate` is upstream's version last taken but for its date, the article's (which no edit
    changed, then): given the article's date, it hashes as that version did."""
    from ..model import encode

    return encode(_redated(candidate.article, stored.article.published)).content_hash == stored.upstream_hash


def _redated(article: Article, when: datetime) -> Article:
    """`article` published at `when`, as its source's item (the attribution carries the date too)."""
    source = article.source
    if source is not None and source.published == article.published:
        source = replace(source, published=when)
    return replace(article, published=when, source=source)


def _held_until(stored: StoredArticle, candidate: EncodedArticle, origin: str) -> ArticleWrite:
    """An edited release held until upstream's new embargo: the edit stands (upstream's version is kept out, or
    dropped, as any), but an editor's title fix is no word on the hold, and readers must get the release neither
    before its new time nor a day late once a postponement is taken back."""
    from ..model import encode

    old = stored.article
    held = replace(_redated(old, candidate.article.published), updated=max(old.updated, candidate.article.updated))
    return ArticleWrite(encode(held), origin)  # an editor's kind of write: the upstream version last taken stays


def _told(known: UpstreamChange | None, candidate: EncodedArticle, *, explicit_updated: bool, now: datetime) -> bool:
    """Was the editor told of this version kept out, its figures aside? A board counting views in an item
    changes it on every fetch, and each was said again ("kept local edit") on every terminal run. A change
    upstream dates (merge.dates_a_change) is one it means, a correction: it is told, whatever it changed."""
    if known is None or known.status != str(candidate.status):
        return False
    told = known.article
    return not dates_a_change(told, candidate.article, explicit_updated=explicit_updated, now=now) and (
        in_figures_only(told, candidate.article)
    )


def _body(m: Mapped) -> tuple[str, ...]:
    """The item's body key, if its text is long enough to have one."""
    return (m.body_key,) if m.body_key is not None else ()


def _restless(article: Article) -> str:
    """Said once, when the last change of an item that changes without a new date is taken."""
    return (
        f"{article.id} ({article.title}) changed {UNDATED_CHANGES_MAX} times without a date of its own, as a"
        " view counter in its text or the fetch time as its date would: its changes are no longer taken until"
        " its feed dates one (`pressfeed articles show` says so)"
    )


def _another_release(m: Mapped, stored: StoredArticle | None, origin: str) -> bool:
    """Is an item of the source's with a guid of its own, under the link of another of its releases, another
    release? It is when their titles differ too: a link the source gives several releases (its list page)
    names none of them, across runs as in one document (jobs._without_shared_links). A guid changed alone
    (a board's new format) keeps the title, and the article; so does one whose title was corrected in the
    same run, if its text (one long enough to tell a story) is the same."""
    from ..sanitize import body_words
    from ..text import without_space
    from .keys import BODY_MIN, title_identity  # (with the items' keys: only where items were mapped)

    if (
        stored is None
        or stored.origin != origin
        or stored.article.id == m.encoded.id
        or not any(k.startswith("guid:") for k in m.keys)
        or title_identity(stored.article.title) == title_identity(m.encoded.article.title)
    ):
        return False
    text = without_space(body_words(m.encoded.article.body_html))
    # a text too short to tell a story ("붙임 파일 참조") is any release's: the titles tell them apart
    return len(text) < BODY_MIN or text != without_space(body_words(stored.article.body_html))


def _takes_over(stored: StoredArticle | None, origin: str, candidate: EncodedArticle) -> bool:
    """Does a copy with text take over a release another source stored without any (a board's title, held or
    published as a link), or with a teaser only (its page gave none: "…밝혔다..."), when the copy has the
    release's text? It becomes that source's, under the same id and guid: readers who have the item see it
    updated with the text. An editor's local change stays, as against any upstream; and a `status: draft`
    source's copy takes over no published release."""
    if (
        stored is None
        or stored.origin == origin
        or not stored.origin.startswith("source:")
        or not candidate.article.body_html
        or locally_edited(stored)
    ):
        return False
    if candidate.status is not Status.PUBLISHED and stored.article.status is Status.PUBLISHED:
        return False  # a `status: draft` source's words wait for an editor: they take no published release away
    if not stored.article.body_html:
        return True
    from ..sanitize import body_words
    from .fulltext import is_release_text

    return not is_release_text(body_words(stored.article.body_html)) and is_release_text(
        body_words(candidate.article.body_html)
    )


def answer_digest(body: bytes, source: SourceConfig) -> str:
    """The digest of an answer under the source's settings (the same bytes under other settings map
    differently); computed once per answer, without copying the body."""
    digest = hashlib.sha256(body)
    digest.update(repr(source).encode())
    return digest.hexdigest()


def _keep_link(candidate: EncodedArticle, stored: StoredArticle, *, page: bool = True) -> EncodedArticle:
    """The candidate with the link first stored when the two are one page (:func:`normalize_link`: www. or
    m., http or https, tracking parameters): boards rotate them (`call_from=rsslink` one day, `pWise=main` the
    next), and each change was an update, every item re-dated and shown to readers as unread again. Not
    `page`: whatever page it is (one the release was at before), and with the dates first stored."""
    from ..model import encode
    from ..urls import normalize_link

    article, old = candidate.article, stored.article
    if page and normalize_link(article.link) != normalize_link(old.link):
        return candidate  # another page: an update
    source = article.source
    if source is not None and old.source is not None and source.url == article.link:
        source = replace(source, url=old.source.url)  # the original release: the same link
    if not page:
        article = replace(article, published=old.published, updated=old.updated)
        if source is not None and old.source is not None:
            source = replace(source, url=old.source.url, published=old.source.published)
    return encode(replace(article, link=old.link, source=source))


def _taken_over_before_5a94f7a(stored: StoredArticle, given: EncodedArticle) -> bool:
    """Does `stored` read as edited only because a takeover before 5a94f7a recorded upstream's version as its
    source gave it, under its own link and date, while the article holds it under the link and dates readers
    had (`_as_they_have_it`)? Then it is no editor's edit: one of its words, title or files would differ from
    upstream's version too (one of its link and date alone is taken for such a takeover; the next change keeps
    them, _keep_link). `given`: the source's item now, its words changed since or not, its link and date as then
    (a copy re-dated since, or one whose date was the fetch time, is not found)."""
    from ..model import encode

    article = stored.article
    if not locally_edited(stored) or given.article.link == article.link:
        return False  # (an editor's new date on a release at its own link is an edit)
    as_given = replace(article, link=given.article.link, published=given.article.published)
    return encode(as_given).content_hash == stored.upstream_hash


def _as_they_have_it(candidate: EncodedArticle, stored: StoredArticle) -> EncodedArticle:
    """The candidate under the link and dates of the item readers have."""
    from ..model import encode

    old = stored.article
    article = replace(candidate.article, link=old.link, published=old.published, updated=old.updated)
    return encode(article)


#: stored items that must move to one time together for it to be a board's stamp: two releases corrected at
#: once, on a board listing only them, are no stamp
SERVED_AT_ITEMS = 3


def _served_at(
    mapped: list[Mapped],
    known: dict[str, str],
    stored: dict[str, StoredArticle],
    origin: str,
    now: datetime,
    *,
    updated: bool = False,
) -> datetime | None:
    """The time a source's answer was made, when its board gave it to its items as their date: the one date
    every item of the source's stored before gives, SERVED_AT_ITEMS at least having moved to it from dates
    readers have had. A board writing the time of the request as every item's pubDate re-dated each of them at
    the first fetch of every day (and behind a cache, its stamp older than FETCH_STAMP, each change looked
    dated). Releases do not move to one second together, but for an embargo postponed (a notice's time: never
    a stamp); an item keeping a date of its own says the answer is dated by its releases (several a board
    corrects and re-dates to one minute); a day-only item's time is pressfeed's stand-in, not the board's (the
    day rule in _decide is its). The stamp is the time the request reached the board, after the run's clock
    was read (by seconds, as far as a date may be ahead and still be one: FUTURE_SKEW). `updated`: the same
    of the `updated` items give (dc:date, atom:updated) beside a pubDate of their own."""
    from ..normalize import FUTURE_SKEW

    dates = set()
    moved = 0
    for m in mapped:
        given = m.encoded.updated if updated else m.encoded.published
        if not m.dated or m.noticed or m.day is not None:
            continue
        found = (
            m.encoded.id
            if m.encoded.id in stored
            else next((known[k] for k in m.keys if k.startswith(("guid:", "link:")) and k in known), None)
        )
        before = stored.get(found) if found is not None else None
        if before is None or before.origin != origin:
            continue
        if updated and given <= m.encoded.published:
            # an item giving no `updated` of its own: the board stamps no answer (two corrected in one minute
            # beside it are dated by their corrections)
            return None
        dates.add(given)
        was = before.article.updated if updated else before.article.published
        if was < given and was <= now:
            moved += 1
    if moved < SERVED_AT_ITEMS or len(dates) != 1:
        return None
    (stamp,) = dates
    return stamp if stamp <= now + FUTURE_SKEW else None


def _keep_dates(candidate: EncodedArticle, stored: StoredArticle) -> EncodedArticle:
    """The candidate with the dates first stored (an undated item is not new at every fetch)."""
    from ..model import encode

    article, old = candidate.article, stored.article
    source = article.source
    if source is not None and old.source is not None:
        source = replace(source, published=old.source.published)
    return encode(replace(article, published=old.published, updated=old.updated, source=source))
