"""The I/O half of ingest: due sources retrieved concurrently (httpx, asyncio), parsed as they arrive.

Imported by :mod:`pressfeed.ingest.update` only when some source needs
fetching or parsing: a run whose sources are unchanged local files (the
sample site) loads no HTTP stack, event loop or feed parser.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..clock import Clock
from ..config import FetchConfig, SourceKind
from ..errors import StoreError, WorkerDiedError
from ..workers import LazyPool
from .bounds import hold_seconds, most_parse_seconds
from .fetch import open_fetcher
from .request import FetchRequest, FetchResult, Wire
from .update import Progress, _Placer, _Retrieved, _SourceRun, answer_digest

if TYPE_CHECKING:  # imported where used: a pass where every feed answers 304 parses nothing
    from .jobs import Job, Parsed

log = logging.getLogger(__name__)
#: errors that stop the run as they always did: the store, or the disk it is on, failed (exit 74),
#: and memory ran out; anything else a source's work raises fails that source only
FATAL = (StoreError, OSError, MemoryError)
#: sources placed in one store transaction at most (~5 ms each for a 30-item feed); the event
#: loop sends no request and hands out no parse job meanwhile
PLACE_BATCH = 10
#: CPU seconds placing an item may take, at most: ~40 µs here (a 10,000-item feed in 0.4 s)
PLACE_SECONDS_PER_ITEM = 1e-4


async def run_pipeline(
    fetch_config: FetchConfig,
    clock: Clock,
    runs: Sequence[_SourceRun],
    due: Sequence[_SourceRun],
    placer: _Placer,
    pool: LazyPool,
    progress: Progress | None,
) -> None:
    """Retrieve and parse every due source concurrently; take the results in config order.

    Source N is placed as soon as sources 1..N are parsed, not after the last
    download. The concurrent part only returns values; state changes happen
    in the loop below, one source at a time.
    """
    loop = asyncio.get_running_loop()
    now = clock.now()
    retry_lane = asyncio.Lock()

    async def retrieve_and_parse(fetch: Wire, run: _SourceRun) -> tuple[_Retrieved, Parsed | None]:
        try:
            retrieved = await _retrieve(fetch, run, now, fetch_config.timeout)
            job = placer.job(run, retrieved)
            # one time budget per source: what the feed's fetch left of it is its pages' to share
            left = max(fetch_config.timeout - retrieved.result.elapsed, 0.0)
            return retrieved, None if job is None else await parse(fetch, run, job, left)
        except FATAL:
            raise
        except Exception as exc:  # a server's bytes met a case no code foresaw: that source fails, not the run
            return _broken(run, exc), None
        finally:
            if progress is not None:
                progress(run.source.id)  # as sources finish, whatever their order

    async def parse(fetch: Wire, run: _SourceRun, job: Job, time_left: float) -> Parsed:
        try:
            return await parse_in(fetch, run, job, time_left, await pool.ready())
        except BrokenExecutor:
            pass
        # its pool broke: a worker died, under this job or another one. Tried again once, one such job at a
        # time, in a new pool: a job that kills its worker again fails its own source only
        async with retry_lane:
            try:
                return await parse_in(fetch, run, job, time_left, await pool.ready())
            except BrokenExecutor:
                raise WorkerDiedError(WORKER_DIED) from None

    async def parse_in(fetch: Wire, run: _SourceRun, job: Job, time_left: float, executor: Executor | None) -> Parsed:
        from .jobs import Parsed, parse_and_map  # here: a 304 or an unchanged answer parses nothing

        try:
            if run.source.fulltext:
                read = await _read_pages(job, fetch, placer, executor, time_left)
                if isinstance(read, Parsed):
                    return read
                job = read
            if executor is None:
                # parsed on the event loop's thread (a small run starts no worker process): not while a
                # request on the wire could time out meanwhile, failing its source for this one's document
                await fetch.room_for(hold_seconds(most_parse_seconds(job.body)))
                return parse_and_map(job)
            return await loop.run_in_executor(executor, parse_and_map, job)
        except BrokenExecutor:
            assert executor is not None  # (only a pool breaks)
            pool.renew(executor)  # the jobs after this break get a working pool
            raise

    async with open_fetcher(fetch_config, clock) as fetch:
        tasks = {id(run): asyncio.create_task(retrieve_and_parse(fetch, run)) for run in due}
        order = [(run, tasks[id(run)]) for run in runs if id(run) in tasks]
        placed = 0
        while placed < len(order):
            await asyncio.wait([order[placed][1]])
            batch: list[tuple[_SourceRun, tuple[_Retrieved, Parsed | None]]] = []
            while placed < len(order) and order[placed][1].done() and len(batch) < PLACE_BATCH:
                run, task = order[placed]
                if task.cancelled() or task.exception() is not None:
                    break
                batch.append((run, task.result()))
                placed += 1
            if not batch:
                order[placed][1].result()  # a fatal error (FATAL, or a cancellation), raised here
            # placing holds the event loop (a feed of 50,000 items, ~2 s): not while a request could time out
            # (answers without items, 304s and failures, take a millisecond: they wait for nothing)
            items = sum(len(parsed.mapped) for _, (_, parsed) in batch if parsed is not None)
            if items:
                await fetch.room_for(hold_seconds(PLACE_SECONDS_PER_ITEM * items))
            # the answers at hand in one store transaction: one commit for them, not one per source
            # (nothing is awaited inside, so the store is never held while the network is waited for;
            # at most PLACE_BATCH of them, so requests and parse jobs are not held up for long)
            with placer.batch():
                for run, (retrieved, parsed) in batch:
                    placer.receive(run, retrieved, parsed)


#: a source whose parse was in a worker process that died: it, not the rest of the run, fails
WORKER_DIED = (
    "a worker process died while this feed was parsed (killed by the system, e.g. out of memory, or a crash "
    "in a parser), and again when it was tried alone; the other sources went on"
)


def _broken(run: _SourceRun, exc: Exception) -> _Retrieved:
    """A source whose work raised: a failed retrieval naming the error, recorded against it like any
    other failure (nothing of it is placed, its window is not advanced); the traceback is for -vv."""
    log.debug("%s: ingest failed", run.source.id, exc_info=True)
    said = " ".join(str(exc).split())[:200]  # one line in a report, not a page
    message = said if isinstance(exc, WorkerDiedError) else f"internal error ({type(exc).__name__}: {said})"
    if run.key is not None:
        message = run.key.redact(message)  # an exception may quote a request URL, which carries the key
    url = run.state.url or run.source.url
    return _Retrieved(FetchResult(run.source.id, url, None, None, {}, error=message))


async def _read_pages(job: Job, fetch: Wire, placer: _Placer, pool: Executor | None, time_left: float) -> Job | Parsed:
    """For a fulltext source: the job with its entries given their pages' text, or the feed's parse failure."""
    from . import fulltext
    from .jobs import Parsed, parse_entries

    entries = job.entries
    warning = ""
    if entries is None:
        if pool is None:
            await fetch.room_for(hold_seconds(most_parse_seconds(job.body)))  # as in run_pipeline's parse_in
            parsed = parse_entries(job)
        else:
            parsed = await asyncio.get_running_loop().run_in_executor(pool, parse_entries, job)
        if isinstance(parsed, Parsed):
            return parsed
        entries, warning = parsed
    completed = await fulltext.complete(job.source, entries, placer.store, fetch, job.ctx, job.now, pool, time_left)
    if not placer.dry_run:
        placer.store.save_pages(completed.pages)
    notes = ((warning,) if warning else ()) + completed.warnings
    return replace(job, body=b"", entries=completed.entries, notes=notes, recheck=completed.recheck)


async def _retrieve(fetch: Wire, run: _SourceRun, now: datetime, seconds: float) -> _Retrieved:
    """One source's answer: a feed document, or the press-release API's windows walked (in `seconds` in all)."""
    source, state = run.source, run.state
    if source.kind is SourceKind.BRIEFING_API:
        from . import briefing

        assert run.key is not None  # a source without its key is not due
        walk = await briefing.walk(source, run.key, state.window_end, fetch, now, state.short_days, seconds)
        digest = answer_digest(b"\0".join(walk.bodies), source)
        return _Retrieved(walk.result, None, walk.items, walk.window_end, walk.warnings, digest, walk.short_days)
    # after a 301 the request goes to the new URL, but only the configured origin may be private
    url = state.url or source.url
    etag, modified = (None, None) if run.reread else (state.etag, state.last_modified)
    request = FetchRequest(source.id, url, etag, modified, source.headers, trusted_origin=source.url)
    result = await fetch(request)
    return _Retrieved(result, result.body, digest=answer_digest(result.body or b"", source))
