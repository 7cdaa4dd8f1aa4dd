"""CMS imports: records streamed in chunks, all or nothing.

A whole import runs in one store transaction. Records are normalized and
written a chunk at a time, so a 100k-record export never sits in memory at
once; the first bad record stops the writing, the rest are still checked so
every problem is reported, and the transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from .cms import RawRecord
from .errors import Problem
from .merge import merge_upstream
from .model import Article
from .normalize import NormalizeContext, RecordProblems, article_from_record
from .store import Store
from .store.base import ArticleWrite
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


@dataclass
class Importer:
    """One import; call :meth:`add` for each file's records, inside a store transaction."""

    store: Store
    ctx: NormalizeContext
    now: datetime
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: id → where it was first seen, for duplicate ids across chunks and files
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, records: Iterable[RawRecord]) -> None:
        for chunk in _chunks(records, CHUNK):
            normalized = self._normalize(chunk)
            if not self.problems:  # once anything is wrong, only check the rest
                self._write(normalized)

    def result(self, files: int) -> ImportResult:
        return ImportResult(tuple(self.created), tuple(self.updated), self.unchanged, files, tuple(self.deleted))

    def _normalize(self, records: list[RawRecord]) -> list[tuple[RawRecord, Article]]:
        out = []
        for record in records:
            try:
                article = article_from_record(record.data, self.ctx)
            except RecordProblems as exc:
                for p in exc.problems:
                    key = p.field.split(".")[0]
                    line = (line_of(record.data, key) if key in record.data else None) or record.line
                    self.problems.append(Problem(record.file, line, p.field, p.message))
                continue
            first = self.seen.setdefault(article.id, (record.file, record.line))
            if first != (record.file, record.line):
                message = f"duplicate id {article.id!r} (first at {first[0]}:{first[1]})"
                self.problems.append(Problem(record.file, record.line, "id", message))
                continue
            out.append((record, article))
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
