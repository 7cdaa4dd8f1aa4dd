"""CMS imports: export files → records → Articles → the store, all or nothing.

A whole import runs in one store transaction. Records are normalized and
written a chunk at a time, so a 100k-record export never sits in memory at
once; the first bad record stops the writing, the rest are still checked so
every problem is reported, and the transaction is rolled back.

Large imports normalize in worker processes. They get JSON Lines records as
the file's bytes and send back the encoded rows (no Article objects), while
this process only reads lines and writes rows; at most two chunks per worker
are in flight, and the ids already met are kept in a temporary database, so
memory stays the same whatever the size of the export.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import stat
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputError, Problem, WorkerDiedError
from ..merge import as_shown, merge_upstream, reformatted
from ..model import EncodedArticle, encode
from ..normalize import IdNotNormal, NormalizeContext, RecordProblems, legacy_link_ids, normalize
from ..results import IDS_LISTED, ImportResult
from ..store import Store
from ..store.base import ArticleWrite, StoredArticle
from ..stories import StoryRules, Supersedable, any_release, citation_keys, hand_over, link_cms_articles, shows
from ..workers import worker_pool
from ..yamlfile import line_of
from . import state
from .read import (
    MAX_UNREADABLE,
    UNREADABLE,
    UNREADABLE_REST,
    LineSpan,
    RawRecord,
    iter_records,
    parse_line,
    raw_article,
    stream_records,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

CMS_ORIGIN = "cms"
#: parsed records (JSON, YAML) normalized (in a worker, or inline) and written at a time;
#: JSON Lines go by spans of whole lines (read.SPAN_BYTES)
CHUNK = 500
#: fewer records, or JSON Lines of fewer bytes, are normalized inline: starting worker processes
#: (a forkserver that imports pressfeed, then the workers) would cost more than it saves
POOL_MIN_RECORDS = 4000
POOL_MIN_BYTES = 4 * 1024 * 1024

#: what is normalized at a time: parsed records (JSON, YAML, stdin), or a span of a JSON Lines file
Chunk = list[RawRecord] | LineSpan


class Prepared(NamedTuple):
    """A record normalized and encoded, with the keys it cites ingested releases by."""

    encoded: EncodedArticle
    cites: tuple[str, ...]
    #: the record gave its own `updated`
    explicit_updated: bool
    #: the ids an article of this record may be stored under from versions before (normalize.legacy_link_ids)
    legacy_ids: tuple[str, ...] = ()
    #: its own id as versions before took it, refused now, and why (normalize.IdNotNormal): kept by an article
    #: stored under it, else the record's problem
    refused_id: tuple[str, str] | None = None


class Unreadable(NamedTuple):
    """A record that is not one (invalid JSON, not a mapping, not UTF-8); MAX_UNREADABLE of them end a file."""

    problem: Problem


#: a record's outcome from normalization: prepared, its problems as (field, message), or unreadable
Outcome = Prepared | list[tuple[str, str]] | Unreadable


class Normalized(NamedTuple):
    """What normalizing a chunk gives back: an outcome per record, in order (ending at an unreadable one)."""

    outcomes: list[Outcome]
    #: a span's: the line (within the span) of each record, and how many lines the span has
    lines: list[int]
    line_count: int = 0


def normalize_chunk(chunk: Chunk, ctx: NormalizeContext, now: datetime) -> Normalized:
    """Pure: runs in a worker process for large imports, or inline; reads, parses and encodes as it goes.

    `now` is the import's time: a record cannot have been updated after it.
    """
    with _no_cyclic_gc():  # a worker's own collector, as the importing process's (see _no_cyclic_gc)
        if not isinstance(chunk, LineSpan):
            return Normalized([_prepared(record, ctx, now) for record in chunk], [])
        lines, count = chunk.lines()
        outcomes: list[Outcome] = []
        for number, (line, text) in enumerate(lines, 1):
            try:
                record = parse_line(chunk.file, line, text, number)
            except InputError as exc:  # and on: the lines after it are records, and may have problems too
                outcomes.append(Unreadable(exc.problems[0]))
                continue
            outcomes.append(_prepared(record, ctx, now))
        return Normalized(outcomes, [line for line, _ in lines], count)


def _prepared(record: RawRecord, ctx: NormalizeContext, now: datetime) -> Outcome:
    data, refused = record.data, None
    try:
        normalized = normalize(raw_article(data), ctx, now=now)
    except RecordProblems as exc:
        refused = _refused_id(exc)
        if refused is None:
            return [(p.field, p.message) for p in exc.problems]
        data = {**data, "id": refused.normal}  # the rest of the record, to write if it is stored under its id
        normalized = normalize(raw_article(data), ctx, now=now)
    article = normalized.article
    explicit = data.get("updated") not in (None, "")
    legacy = legacy_link_ids(article, data.get("id"))
    kept = (refused.given, refused.message) if refused is not None else None
    return Prepared(encode(article), tuple(citation_keys(article, normalized.words)), explicit, legacy, kept)


def _settled(prepared: Prepared, found: set[str]) -> Outcome:
    """A record with its refused id kept, when an article is stored under it, else the id as its problem."""
    if prepared.refused_id is None:
        return prepared
    given, problem = prepared.refused_id
    if given not in found:
        return [("id", problem)]
    return prepared._replace(encoded=encode(replace(prepared.encoded.article, id=given)), refused_id=None)


def _refused_id(problems: RecordProblems) -> IdNotNormal | None:
    """The record's one problem, when it is an id that versions before took."""
    match problems.problems:
        case [IdNotNormal() as refused] if refused.taken_before:
            return refused
    return None


#: where a record is: file, line, its position among the file's records, and its fields when parsed here
Place = tuple[str, int, int, Mapping[str, Any] | None]


class _Tally:
    """How many records went one way, and the first IDS_LISTED of their ids."""

    def __init__(self) -> None:
        self.count = 0
        self.ids: list[str] = []

    def add(self, article_id: str) -> None:
        self.count += 1
        if len(self.ids) < IDS_LISTED:
            self.ids.append(article_id)


class SeenIds:
    """The ids met so far in one import, with where each first appeared, to report duplicates.

    The first MEMORY ids are kept in a dict; beyond that, in a private
    temporary SQLite database, which keeps a small page cache and spills the
    rest to a temporary file: a million ids cost no more memory than ten thousand.
    """

    MEMORY = 10_000

    def __init__(self) -> None:
        self.memory: dict[str, tuple[str, int, int]] = {}
        self.db: sqlite3.Connection | None = None

    def first(self, ids: Sequence[str]) -> dict[str, tuple[str, int, int]]:
        """id → (file, line, index) of its first record, for the ids already met."""
        found = {i: self.memory[i] for i in ids if i in self.memory}
        if self.db is not None:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                sql = f"SELECT id, file, line, idx FROM seen WHERE id IN ({','.join('?' * len(chunk))})"
                found.update((row[0], (row[1], row[2], row[3])) for row in self.db.execute(sql, chunk))
        return found

    def add(self, met: dict[str, tuple[str, int, int]]) -> None:
        if self.db is None and len(self.memory) + len(met) <= self.MEMORY:
            self.memory.update(met)
            return
        if self.db is None:
            self.db = sqlite3.connect("", isolation_level=None)  # "": a temporary database, deleted on close
            self.db.execute("CREATE TABLE seen (id TEXT PRIMARY KEY, file TEXT, line INT, idx INT) WITHOUT ROWID")
        self.db.executemany("INSERT INTO seen VALUES (?, ?, ?, ?)", ((i, *where) for i, where in met.items()))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


@dataclass
class Importer:
    """One import; call :meth:`add` for each file's records, inside a store transaction, then :meth:`close`."""

    store: Store
    ctx: NormalizeContext
    now: datetime
    #: worker processes to normalize in; 0 = in this process
    workers: int = 0
    #: may a newsroom article supersede this release (the release's source's when_in_cms)
    supersedable: Supersedable = any_release
    #: link unchanged records to the releases they cite too (once, after an upgrade)
    relink_all: bool = False
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    created: _Tally = field(default_factory=_Tally)
    updated: _Tally = field(default_factory=_Tally)
    deleted: _Tally = field(default_factory=_Tally)
    seen: SeenIds = field(default_factory=SeenIds)
    #: `seen` is the run's, met by other imports too (pressfeed.imports.configured): not this one's to close
    shared_seen: bool = False
    #: the file being read met MAX_UNREADABLE unreadable records: the rest of it is not read
    _stopped: bool = False
    _unreadable: int = 0
    #: this import's updates are counted in the store (pressfeed.imports.state)
    _counted: bool = False
    #: lines and records of the file's spans taken so far (a span numbers its own from 1)
    _lines: int = 0
    _records: int = 0

    def add(self, records: Iterable[RawRecord] | Iterable[LineSpan]) -> None:
        """One file's records or spans (or any iterable of records); an unreadable record ends it."""
        self._stopped = False
        self._lines = self._records = self._unreadable = 0
        chunks, large = _chunked(records)
        with worker_pool(self.workers if large else 0, __name__) as pool:
            if pool is None:
                for chunk in chunks:
                    self._take(chunk, normalize_chunk(chunk, self.ctx, self.now))
                    if self._stopped:
                        return
                return
            # workers normalize ahead while this process writes: each has one chunk queued behind the
            # one it is working on, which keeps it busy and bounds what is in memory
            pending: deque[tuple[Chunk, Future[Normalized]]] = deque()
            for chunk in chunks:
                pending.append((chunk, pool.submit(normalize_chunk, chunk, self.ctx, self.now)))
                if len(pending) >= 2 * self.workers:
                    done, future = pending.popleft()
                    self._take(done, _result(future))
                    if self._stopped:
                        break
            while pending and not self._stopped:
                done, future = pending.popleft()
                self._take(done, _result(future))
            for _, future in pending:
                future.cancel()

    def result(self, files: int) -> ImportResult:
        return ImportResult(
            self.created.count,
            self.updated.count,
            self.unchanged,
            files,
            self.deleted.count,
            created_ids=tuple(self.created.ids),
            updated_ids=tuple(self.updated.ids),
            deleted_ids=tuple(self.deleted.ids),
        )

    def close(self) -> None:
        if not self.shared_seen:
            self.seen.close()

    def _take(self, chunk: Chunk, normalized: Normalized) -> None:
        if isinstance(chunk, LineSpan):  # the span's lines and records come after those of the spans before
            lines, records = self._lines, self._records
            places: list[Place] = [
                (chunk.file, lines + line, records + n, None) for n, line in enumerate(normalized.lines, 1)
            ]
            self._lines += normalized.line_count
            self._records += len(normalized.lines)
        else:
            lines, places = 0, [(r.file, r.line, r.index, r.data) for r in chunk]
        accepted = self._check(places, normalized.outcomes, lines)
        if not self.problems:  # once anything is wrong, only check the rest
            self._write(accepted)

    def _check(self, places: list[Place], outcomes: list[Outcome], line_base: int) -> list[Prepared]:
        """Locate problems (file:line of the field) and duplicate ids; the good records in order."""
        out: list[Prepared] = []
        outcomes = self._settling_refused_ids(outcomes)
        ids = [o.encoded.id for o in outcomes if isinstance(o, Prepared)]
        earlier = self.seen.first(ids)
        met: dict[str, tuple[str, int, int]] = {}
        for (file, line, index, data), outcome in zip(places, outcomes, strict=False):
            if isinstance(outcome, Unreadable):
                problem = outcome.problem
                self.problems.append(replace(problem, line=line_base + problem.line if problem.line else None))
                self._unreadable += problem.message.startswith(UNREADABLE)  # (a key written twice is JSON)
                if self._unreadable == MAX_UNREADABLE:  # not a JSON Lines file at all, most likely
                    self.problems.append(Problem(file, None, "file", UNREADABLE_REST))
                    self._stopped = True
                    break
                continue
            if isinstance(outcome, list):
                for name, message in outcome:
                    key = name.split(".")[0]
                    located = line_of(data, key) if data is not None and key in data else None
                    self.problems.append(Problem(file, located or line, name, message))
                continue
            article_id = outcome.encoded.id
            first = earlier.get(article_id) or met.get(article_id)
            if first is not None:
                first_file, first_line, first_index = first
                message = f"duplicate of record {first_index} of {first_file} (line {first_line}, id {article_id!r})"
                self.problems.append(Problem(file, line, "id", message))
                continue
            met[article_id] = (file, line, index)
            out.append(outcome)
        self.seen.add(met)
        return out

    def _settling_refused_ids(self, outcomes: list[Outcome]) -> list[Outcome]:
        """A record whose own id versions before took, refused now (dot segments: "https://…/news/./1"), keeps
        it when an article is stored (or deleted) under it: readers know that article by it, and the normal
        form would publish it twice. Else the id is the record's problem, as any refused id is."""
        refused = [o.refused_id[0] for o in outcomes if isinstance(o, Prepared) and o.refused_id is not None]
        if not refused:
            return outcomes
        found = set(self.store.get_many(refused)) | self.store.tombstoned(refused)
        return [_settled(o, found) if isinstance(o, Prepared) else o for o in outcomes]

    def _write(self, accepted: list[Prepared]) -> None:
        accepted = self._keeping_legacy_ids(accepted)
        ids = [p.encoded.id for p in accepted]
        existing = self.store.get_many(ids)
        tombstoned = self.store.tombstoned(ids)
        writes: list[ArticleWrite] = []
        created: set[str] = set()
        #: articles under a release's guid, as stored before, and whether their new version is in the feeds
        handed: list[tuple[StoredArticle, bool]] = []
        for prepared in accepted:
            encoded = prepared.encoded
            article_id = encoded.id
            stored = existing.get(article_id)
            if stored is None and article_id in tombstoned:
                self.deleted.add(article_id)
            elif stored is None:
                writes.append(ArticleWrite.from_upstream(encoded, CMS_ORIGIN))
                self.created.add(article_id)
                created.add(article_id)
            elif stored.origin != CMS_ORIGIN:
                # an ingested release edited through an export: the newsroom's local edit, whose upstream is
                # still the agency's feed (its next change is a conflict to report, not a version to take)
                edit = self._local_edit(stored, encoded, prepared.explicit_updated)
                if edit is None:
                    self.unchanged += 1
                else:
                    writes.append(ArticleWrite(edit, stored.origin))
                    self.updated.add(article_id)
            elif (form := reformatted(stored, encoded, explicit_updated=prepared.explicit_updated)) is not None:
                writes.append(ArticleWrite.from_upstream(form, stored.origin))  # a re-export in another format
                self.unchanged += 1
            else:
                merged = merge_upstream(stored, encoded, explicit_updated=prepared.explicit_updated, now=self.now)
                if merged is None:
                    self.unchanged += 1
                else:
                    writes.append(ArticleWrite.from_upstream(merged, stored.origin, upstream=encoded))
                    self.updated.add(article_id)
                    if stored.feed_guid is not None:
                        handed.append((stored, shows(merged.article, self.now)))
        self.store.write(writes)
        for before, in_feeds in handed:  # a status or date the export changed took it in or out of the feeds
            hand_over(self.store, before, in_feeds, self.now)
        if self.updated.count and not self._counted:  # in this transaction: gone with it if it rolls back
            state.count_update(self.store)
            self._counted = True
        written = {w.encoded.id for w in writes}
        guids = {i: s.feed_guid for i, s in existing.items() if s.feed_guid is not None and i in written}
        self._link(accepted, written, created, guids)

    def _keeping_legacy_ids(self, accepted: list[Prepared]) -> list[Prepared]:
        """An article stored (or deleted) under an id its link gave in versions before keeps that id: it is
        the guid readers know it by. Looked up only for records whose link is not in normal form (`:443`,
        `%7e`, `%ed`, `/./`), which are rare."""
        legacy = {i for p in accepted for i in p.legacy_ids}
        if not legacy:
            return accepted
        found = set(self.store.get_many(sorted(legacy))) | self.store.tombstoned(sorted(legacy))
        if not found:
            return accepted
        kept = {p.encoded.id: next((i for i in p.legacy_ids if i in found), "") for p in accepted}
        normal = {i for i, old in kept.items() if old}
        taken = set(self.store.get_many(sorted(normal))) | self.store.tombstoned(sorted(normal))
        return [
            p._replace(encoded=encode(replace(p.encoded.article, id=old)), legacy_ids=())
            if (old := kept[p.encoded.id]) and p.encoded.id not in taken
            else p
            for p in accepted
        ]

    def _local_edit(self, stored: StoredArticle, encoded: EncodedArticle, explicit: bool) -> EncodedArticle | None:
        """The edited version to store, dated now unless the record says when; None when it is what is stored."""
        old = stored.article
        encoded = as_shown(encoded, old, stored.content_hash)
        updated = encoded.updated if explicit else old.updated
        if explicit and updated < old.updated <= self.now:
            # as merge_upstream: a record's `updated` never moves the stored one back (new content a second after it)
            updated = old.updated if stored.content_hash == encoded.content_hash else old.updated + timedelta(seconds=1)
        if stored.content_hash == encoded.content_hash and old.status == encoded.status and old.updated == updated:
            return None
        if not explicit and stored.content_hash != encoded.content_hash:
            updated = max(self.now, old.updated)
        return encoded.restamped(status=encoded.status, updated=updated)

    def _link(self, accepted: list[Prepared], written: set[str], created: set[str], guids: dict[str, str]) -> None:
        """Written (or, once, all) articles supersede the releases they cite (pressfeed.stories); `guids`: the
        release whose guid each held as stored before."""
        cited = [(p.encoded.id, p.cites) for p in accepted if self.relink_all or p.encoded.id in written]
        if cited:
            link_cms_articles(
                self.store,
                sorted(cited),
                StoryRules(self.supersedable, self.ctx.agencies),
                self.now,
                new=created,
                guids=guids,
            )


def _chunked(items: Iterable[RawRecord] | Iterable[LineSpan]) -> tuple[Iterator[Chunk], bool]:
    """The chunks to normalize, and whether there are enough of them for worker processes."""
    it = iter(items)
    first = next(it, None)
    if first is None:
        return iter(()), False
    if isinstance(first, LineSpan):
        spans: list[LineSpan] = [first]
        while sum(s.end - s.start for s in spans) < POOL_MIN_BYTES and (span := next(it, None)) is not None:
            spans.append(span)  # type: ignore[arg-type]
        large = sum(s.end - s.start for s in spans) >= POOL_MIN_BYTES and len(spans) > 1
        return chain(spans, it), large  # type: ignore[arg-type]
    head: list[RawRecord] = [first, *islice(it, POOL_MIN_RECORDS - 1)]  # type: ignore[list-item]
    return _chunks(chain(head, it), CHUNK), len(head) >= POOL_MIN_RECORDS  # type: ignore[arg-type]


def _chunks(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def read_file(path: str) -> Iterator[RawRecord] | Iterator[LineSpan]:
    """Records of one export file, streamed where the format allows; `-` reads standard input."""
    if path == "-":
        return stream_records("<stdin>", sys.stdin.buffer)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # a pipe waits for ever, /dev/zero never ends
            kind = "a directory: give the export files in it" if stat.S_ISDIR(mode) else "a pipe or a device"
            raise InputError([Problem(path, None, "file", f"is not a regular file ({kind}): not read")])
        return iter_records(path, Path(path))
    except FileNotFoundError:
        raise InputError([Problem(path, None, "file", "not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path, None, "file", f"cannot read: {exc}")]) from None


def import_files(
    store: Store,
    ctx: NormalizeContext,
    now: datetime,
    paths: Sequence[str],
    workers: int = 0,
    supersedable: Supersedable = any_release,
    *,
    relink_all: bool = False,
    seen: SeenIds | None = None,
) -> ImportResult:
    """Import export files all-or-nothing: any bad record in any file, nothing is written. `seen`: the ids
    other imports of this run met (a record of one of them is a duplicate here too); the caller closes it."""
    importer = Importer(store, ctx, now, workers, supersedable, relink_all=relink_all)
    if seen is not None:
        importer.seen, importer.shared_seen = seen, True
    try:
        with _no_cyclic_gc(), store.transaction():
            for path in paths:
                try:
                    importer.add(read_file(path))
                except InputError as exc:
                    importer.problems.extend(exc.problems)
                except FileNotFoundError:  # a JSON Lines span opens the file again: the CMS removed it meanwhile
                    importer.problems.append(Problem(path, None, "file", "removed while it was read: not imported"))
            if importer.problems:
                raise InputError(importer.problems)  # leaving the transaction rolls it back
    finally:
        importer.close()
    return importer.result(files=len(paths))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """No cyclic GC while a bulk import runs: it finds no garbage and cost ~20%."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _result(future: Future[Normalized]) -> Normalized:
    """A chunk's normalized records; a worker that died under it (or under another chunk: the whole pool
    breaks) fails the file's import, which writes nothing of it, with a message, not a traceback."""
    from concurrent.futures import BrokenExecutor

    try:
        return future.result()
    except BrokenExecutor:
        raise WorkerDiedError(
            "a worker process died while records were normalized (killed by the system, e.g. out of memory, "
            "or a crash in a sanitizer): nothing of this file was imported; run again, or set fetch.workers: 0"
        ) from None
