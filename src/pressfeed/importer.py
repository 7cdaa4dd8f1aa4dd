"""CMS imports: records streamed in chunks, all or nothing.

A whole import runs in one store transaction. Records are normalized and
written a chunk at a time, so a 100k-record export never sits in memory at
once; the first bad record stops the writing, the rest are still checked so
every problem is reported, and the transaction is rolled back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice

from .cms import RawRecord
from .errors import Problem
from .merge import merge_upstream
from .model import Article, article_record
from .normalize import NormalizeContext, RecordProblems, article_from_record
from .store import Store
from .store.base import ArticleWrite
from .workers import default_workers, worker_pool
from .yamlfile import line_of

CMS_ORIGIN = "cms"
CHUNK = 2000


@dataclass(frozen=True)
class ImportResult:
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: int = 0
    files: int = 0
    #: records of deleted articles: the tombstone wins over the export
    deleted: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"import: {self.files} files, {len(self.created)} new, "
            f"{len(self.updated)} updated, {self.unchanged} unchanged"
        )
        return text + (f", {len(self.deleted)} deleted (skipped)" if self.deleted else "")


#: a record's outcome from normalization: the article, or its problems as (field, message)
Normalized = Article | list[tuple[str, str]]


def normalize_chunk(records: list[RawRecord], ctx: NormalizeContext) -> list[Normalized]:
    """Pure: runs in a worker process for large imports, or inline."""
    out: list[Normalized] = []
    for record in records:
        try:
            article = article_from_record(record.data, ctx)
        except RecordProblems as exc:
            out.append([(p.field, p.message) for p in exc.problems])
            continue
        article_record(article)  # the stored JSON and hash travel back with it, encoded here
        out.append(article)
    return out


@dataclass
class Importer:
    """One import; call :meth:`add` for each file's records, inside a store transaction."""

    store: Store
    ctx: NormalizeContext
    now: datetime
    #: worker processes for normalizing; None = one per core once an import spans chunks
    workers: int | None = None
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: id → where it was first seen, for duplicate ids across chunks and files
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, records: Iterable[RawRecord]) -> None:
        chunks = _chunks(records, CHUNK)
        head = list(islice(chunks, 2))
        workers = self.workers if self.workers is not None else (default_workers() if len(head) > 1 else 0)
        with worker_pool(workers, __name__) as pool:
            if pool is None:
                for chunk in chain(head, chunks):
                    self._take(chunk, normalize_chunk(chunk, self.ctx))
                return
            # workers normalize ahead while this process writes; a few chunks in flight bound memory
            pending: deque[tuple[list[RawRecord], Future[list[Normalized]]]] = deque()
            for chunk in chain(head, chunks):
                pending.append((chunk, pool.submit(normalize_chunk, chunk, self.ctx)))
                if len(pending) > 2 * workers:
                    done, future = pending.popleft()
                    self._take(done, future.result())
            while pending:
                done, future = pending.popleft()
                self._take(done, future.result())

    def result(self, files: int) -> ImportResult:
        return ImportResult(tuple(self.created), tuple(self.updated), self.unchanged, files, tuple(self.deleted))

    def _take(self, records: list[RawRecord], outcomes: list[Normalized]) -> None:
        normalized = self._check(records, outcomes)
        if not self.problems:  # once anything is wrong, only check the rest
            self._write(normalized)

    def _check(self, records: list[RawRecord], outcomes: list[Normalized]) -> list[tuple[RawRecord, Article]]:
        """Locate problems (file:line of the field) and duplicate ids; the good records in order."""
        out = []
        for record, outcome in zip(records, outcomes, strict=True):
            if not isinstance(outcome, Article):
                for name, message in outcome:
                    key = name.split(".")[0]
                    line = (line_of(record.data, key) if key in record.data else None) or record.line
                    self.problems.append(Problem(record.file, line, name, message))
                continue
            first = self.seen.setdefault(outcome.id, (record.file, record.line))
            if first != (record.file, record.line):
                message = f"duplicate id {outcome.id!r} (first at {first[0]}:{first[1]})"
                self.problems.append(Problem(record.file, record.line, "id", message))
                continue
            out.append((record, outcome))
        return out

    def _write(self, normalized: list[tuple[RawRecord, Article]]) -> None:
        ids = [a.id for _, a in normalized]
        existing = self.store.get_many(ids)
        tombstoned = self.store.tombstoned(ids)
        writes: list[ArticleWrite] = []
        for record, article in normalized:
            stored = existing.get(article.id)
            if stored is None and article.id in tombstoned:
                self.deleted.append(article.id)
            elif stored is None:
                writes.append(ArticleWrite(article, CMS_ORIGIN, upstream=article))
                self.created.append(article.id)
            else:
                explicit_updated = record.data.get("updated") not in (None, "")
                merged = merge_upstream(stored, article, explicit_updated=explicit_updated, now=self.now)
                if merged is None:
                    self.unchanged += 1
                else:
                    writes.append(ArticleWrite(merged, stored.origin, upstream=article))
                    self.updated.append(article.id)
        self.store.write(writes)


def _chunks(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk
