"""The ingest pipeline: every due source fetched concurrently, then processed in config order.

A failing source is recorded against itself (error, status, retry time) and
never stops the others. Config order decides who "owns" a joint release: the
first source to bring it creates the article, later ones are recorded on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..clock import Clock
from ..config import Config, SourceConfig
from ..errors import PressfeedError, UsageError
from ..merge import merge_upstream
from ..model import Article, article_record
from ..normalize import NormalizeContext
from ..store import Store
from ..store.base import ArticleWrite, StoredArticle
from ..workers import default_workers, worker_pool
from .fetch import FetchRequest, FetchResult, open_fetcher
from .mapping import Mapped, map_entry, with_id
from .parse import FeedParseError, parse_feed
from .state import SourceState

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
Fetch = Callable[[FetchRequest], Awaitable[FetchResult]]


@dataclass
class SourceReport:
    source_id: str
    #: ok | not-modified | failed | waiting | gone
    outcome: str = "ok"
    http_status: int | None = None
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    moved_to: str | None = None

    @property
    def failed(self) -> bool:
        return self.outcome in ("failed", "gone")

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class IngestResult:
    reports: tuple[SourceReport, ...]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.reports)

    @property
    def failed(self) -> list[SourceReport]:
        return [r for r in self.reports if r.failed]

    def summary(self) -> str:
        new = sum(len(r.new) for r in self.reports)
        updated = sum(len(r.updated) for r in self.reports)
        text = f"ingest: {len(self.reports)} sources, {new} new, {updated} updated"
        if self.dry_run:
            text = text.replace("ingest:", "ingest (dry run, nothing written):")
        failed = self.failed
        if failed:
            reasons = ", ".join(f"{r.source_id}: {r.error}" for r in failed)
            text += f", {len(failed)} failed ({reasons})"
        conflicts = sum(len(r.conflicts) for r in self.reports)
        if conflicts:
            text += f", {conflicts} kept local edits"
        return text

    def failure_lines(self) -> list[str]:
        return [f"source {r.source_id} failed: {r.error}" for r in self.failed]

    def notice_lines(self) -> list[str]:
        """Things an operator should act on that are not failures."""
        out = []
        for r in self.reports:
            if r.moved_to:
                out.append(f"source {r.source_id} moved permanently to {r.moved_to}; update its url in the config")
            out += [f"source {r.source_id}: kept local edit of {a}, upstream changed it" for a in r.conflicts]
            out += [f"source {r.source_id}: {w}" for w in r.warnings]
        return out

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "dry_run": self.dry_run, "sources": [r.to_json() for r in self.reports]}


@dataclass(frozen=True)
class _Job:
    """One feed to parse and map: plain data, so a worker process can take it."""

    source: SourceConfig
    body: bytes
    headers: dict[str, str]
    url: str
    ctx: NormalizeContext
    now: datetime
    digest: str


@dataclass(frozen=True)
class _Parsed:
    mapped: tuple[Mapped, ...] = ()
    skipped: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None


def parse_and_map(job: _Job) -> _Parsed:
    """Parse one feed and map its entries; pure, so it runs in a worker process or inline."""
    try:
        feed = parse_feed(job.body, job.headers, job.url)
    except FeedParseError as exc:
        return _Parsed(error=str(exc))
    except Exception as exc:  # hostile bytes can break a parser in ways it does not declare
        # the source's error says what happened; the traceback is for -vv, not for cron's mail
        log.debug("%s: parser failed", job.source.id, exc_info=True)
        return _Parsed(error=f"unreadable feed ({type(exc).__name__}: {exc})")
    warnings = [feed.warning] if feed.warning else []
    mapped: list[Mapped] = []
    skipped = 0
    for entry in feed.entries:
        try:
            outcome = map_entry(entry, job.source, job.ctx, job.now, job.url)
            if isinstance(outcome, Mapped):
                article_record(outcome.article)  # encoded here, in the worker: the stored JSON and hash
        except (ValueError, TypeError, ArithmeticError, PressfeedError) as exc:  # one odd entry, not the source
            log.debug("%s: entry skipped", job.source.id, exc_info=True)
            warnings.append(f"{entry.title[:40]!r}: unusable entry skipped ({type(exc).__name__}: {exc})")
            skipped += 1
            continue
        warnings.extend(outcome.warnings)
        if isinstance(outcome, Mapped):
            mapped.append(outcome)
        else:
            skipped += 1
    return _Parsed(tuple(mapped), skipped, tuple(warnings))


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
) -> IngestResult:
    sources = select_sources(config, source_ids)
    now = clock.now()
    states = {s.id: SourceState.load(store.source_state(s.id), s.url) for s in sources}
    reports = {s.id: SourceReport(s.id) for s in sources}
    requests = [req for s in sources if (req := _request(s, states[s.id], reports[s.id], now)) is not None]
    run = _Run(config.normalize_context(), store, now, dry_run)
    with _parse_pool(len(requests), config.fetch.workers) as pool:
        asyncio.run(_pipeline(config, clock, sources, requests, run, states, reports, pool, progress))
    if not dry_run:
        with store.transaction():
            for source_id, state in states.items():
                store.save_source_state(source_id, state.to_dict())
    return IngestResult(tuple(reports[s.id] for s in sources), dry_run)


async def _pipeline(
    config: Config,
    clock: Clock,
    sources: Sequence[SourceConfig],
    requests: Sequence[FetchRequest],
    run: _Run,
    states: dict[str, SourceState],
    reports: dict[str, SourceReport],
    pool: Executor | None,
    progress: Progress | None,
) -> None:
    """Fetch everything concurrently, parse each feed as it arrives, place in config order.

    Placement (dedupe and writes) follows config order, so the first source to
    bring a joint release owns it, but it does not wait for the last download:
    source N is placed as soon as sources 1..N are parsed.
    """
    loop = asyncio.get_running_loop()
    by_id = {s.id: s for s in sources}

    async def prepare(fetch: Fetch, request: FetchRequest) -> tuple[_Parsed, str] | None:
        source = by_id[request.source_id]
        result = await fetch(request)
        states[source.id], job = run.receive(source, result, states[source.id], reports[source.id])
        parsed = None
        if job is not None:
            parsed = parse_and_map(job) if pool is None else await loop.run_in_executor(pool, parse_and_map, job)
        if progress is not None:
            progress(source.id)  # as sources finish, whatever their order
        return None if parsed is None or job is None else (parsed, job.digest)

    if progress is not None:
        for source_id in by_id.keys() - {r.source_id for r in requests}:
            progress(source_id)  # gone or waiting: nothing to fetch
    async with open_fetcher(config.fetch, clock) as fetch:
        tasks = {r.source_id: asyncio.create_task(prepare(fetch, r)) for r in requests}
        for source in sources:
            task = tasks.get(source.id)
            prepared = await task if task is not None else None
            if prepared is not None:
                parsed, digest = prepared
                states[source.id] = run.accept(source, parsed, digest, states[source.id], reports[source.id])


#: below this many feeds to fetch, starting worker processes costs more than it saves
POOL_MIN_FEEDS = 8


def _parse_pool(feeds: int, workers: int | None) -> AbstractContextManager[Executor | None]:
    if workers is None:
        workers = default_workers() if feeds >= POOL_MIN_FEEDS else 0
    return worker_pool(workers, __name__)


def _request(source: SourceConfig, state: SourceState, report: SourceReport, now: datetime) -> FetchRequest | None:
    """The fetch to make, or None when the source is gone or asked us to wait."""
    if state.gone:
        report.outcome, report.http_status = "gone", 410
        report.error = f"gone (HTTP 410) since {state.last_fetch}; remove it from the config or change its url"
        return None
    retry = state.retry_after_time()
    if retry is not None and retry > now:
        report.outcome, report.http_status = "waiting", state.http_status
        report.warnings.append(f"not polled: server asked to wait until {retry.isoformat()}")
        return None
    # after a 301 the request goes to the new URL, but only the configured origin may be private
    url = state.url or source.url
    return FetchRequest(source.id, url, state.etag, state.last_modified, source.headers, trusted_origin=source.url)


class _Run:
    """One ingest run's shared view: what earlier sources in this run already claimed."""

    def __init__(self, ctx: NormalizeContext, store: Store, now: datetime, dry_run: bool) -> None:
        self.ctx, self.store, self.now, self.dry_run = ctx, store, now, dry_run
        self.claimed: dict[str, str] = {}  # dedupe key → article id, this run
        self.pending: dict[str, str] = {}  # article id → origin, for articles created this run
        # what the source being placed can touch, read up front
        self.stored: dict[str, StoredArticle] = {}
        self.tombstoned: set[str] = set()

    def receive(
        self, source: SourceConfig, result: FetchResult, state: SourceState, report: SourceReport
    ) -> tuple[SourceState, _Job | None]:
        """Record the fetch outcome; a new body becomes a parse job. Touches no article."""
        stamp = self.now.isoformat()
        report.http_status = result.status
        state = replace(state, last_fetch=stamp, http_status=result.status)
        if result.moved_to:
            report.moved_to = result.moved_to
            state = replace(state, url=result.moved_to, moved_to=result.moved_to)
        if not result.ok:
            return self._failed(state, report, result), None
        # a 304 repeats the validators we sent; a 200 replaces them (even with none)
        state = replace(
            state,
            etag=result.etag,
            last_modified=result.last_modified,
            retry_after=None,
            last_error=None,
            failures=0,
            last_success=stamp,
        )
        # same bytes under the same source settings map to the same articles: skip them
        digest = _digest(result.body, source) if result.body is not None else None
        if result.not_modified or result.body is None or digest == state.body_sha256:
            report.outcome = "not-modified"
            return state, None
        job = _Job(source, result.body, result.headers, result.url, self.ctx, self.now, digest or "")
        return state, job

    def accept(
        self, source: SourceConfig, parsed: _Parsed, digest: str, state: SourceState, report: SourceReport
    ) -> SourceState:
        """Take a parsed feed: record its problems, then dedupe and store its entries."""
        report.warnings.extend(parsed.warnings)
        if parsed.error is not None:
            report.outcome, report.error = "failed", parsed.error
            return replace(
                state,
                last_error=parsed.error,
                failures=state.failures + 1,
                etag=None,
                last_modified=None,
                body_sha256=None,
            )
        report.skipped += parsed.skipped
        self.place(source, list(parsed.mapped), report)
        return replace(
            state,
            body_sha256=digest,
            new=len(report.new),
            updated=len(report.updated),
            skipped=report.skipped,
        )

    def _failed(self, state: SourceState, report: SourceReport, result: FetchResult) -> SourceState:
        report.outcome, report.error = ("gone" if result.gone else "failed"), result.error
        return replace(
            state,
            last_error=result.error,
            failures=state.failures + 1,
            gone=result.gone,
            retry_after=result.retry_after.isoformat() if result.retry_after else None,
        )

    def place(self, source: SourceConfig, mapped: list[Mapped], report: SourceReport) -> None:
        """Dedupe the mapped entries against the store and this run, and write what is new or changed."""
        origin = f"source:{source.id}"
        all_keys = [k for m in mapped for k in m.keys]
        known = self.store.dedupe_lookup(all_keys)
        known.update((k, self.claimed[k]) for k in all_keys if k in self.claimed)
        # every article an entry could land on, read in two queries rather than two per entry
        candidates = sorted({*known.values(), *(m.article.id for m in mapped)})
        self.stored = self.store.get_many(candidates)
        self.tombstoned = self.store.tombstoned(candidates)
        writes: list[ArticleWrite] = []
        keys: list[tuple[str, str, str]] = []
        for m in mapped:
            target = self._target(m, known, origin)
            if self._place(m, target, origin, report, writes):
                keys += [(k, target, source.id) for k in m.keys]
                for k in m.keys:
                    known[k] = self.claimed[k] = target
        if self.dry_run:
            return
        with self.store.transaction():
            self.store.write(writes)
            self.store.add_dedupe_keys(keys)

    def _target(self, m: Mapped, known: dict[str, str], origin: str) -> str:
        """The article an entry is, by its strongest known key.

        A content match only joins releases across sources (a joint release);
        within one source, guid and link decide, so a recurring text under a
        new guid and link stays a new article.
        """
        for key in m.keys:
            found = known.get(key)
            if found is None:
                continue
            if key.startswith("content:") and self._origin_of(found) == origin:
                continue
            return found
        return m.article.id

    def _origin_of(self, article_id: str) -> str | None:
        stored = self.stored.get(article_id)
        return stored.origin if stored is not None else self.pending.get(article_id)

    def _place(self, m: Mapped, target: str, origin: str, report: SourceReport, writes: list[ArticleWrite]) -> bool:
        """Decide one entry's fate; True when its keys should be recorded for `target`."""
        if target in self.pending:
            report.duplicates += 1
            return True
        if target in self.tombstoned:
            report.skipped += 1  # deleted by an editor: never comes back
            return False
        stored = self.stored.get(target)
        candidate = with_id(m.article, target)
        if stored is None:
            writes.append(ArticleWrite(candidate, origin, upstream=candidate))
            report.new.append(target)
            self.pending[target] = origin
            return True
        if stored.origin != origin:
            report.duplicates += 1  # a joint release another source brought first
            return True
        if not m.dated:  # fetch time stood in for a missing date: keep the one given first
            candidate = _keep_dates(candidate, stored.article)
        if stored.same_upstream(candidate):
            report.unchanged += 1
            return True
        if stored.locally_edited:
            report.conflicts.append(target)
            return True
        merged = merge_upstream(
            stored, candidate, explicit_updated=candidate.updated > candidate.published, now=self.now
        )
        if merged is None:
            report.unchanged += 1
        else:
            writes.append(ArticleWrite(merged, origin, upstream=candidate))
            report.updated.append(target)
        return True


def _digest(body: bytes, source: SourceConfig) -> str:
    return hashlib.sha256(body + repr(source).encode()).hexdigest()


def _keep_dates(candidate: Article, stored: Article) -> Article:
    source = candidate.source
    if source is not None and stored.source is not None:
        source = replace(source, published=stored.source.published)
    return replace(candidate, published=stored.published, updated=stored.updated, source=source)
