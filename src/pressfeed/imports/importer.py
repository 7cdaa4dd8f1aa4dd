"""CMS imports: export files → records → Articles → the store, all or nothing.

A whole import runs in one store transaction. Records are normalized and
written a chunk at a time, so a 100k-record export never sits in memory at
once; the first bad record stops the writing, the rest are still checked so
every problem is reported, and the transaction is rolled back.
"""

from __future__ import annotations

import gc
import glob
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path

from ..errors import InputError, Problem
from ..merge import merge_upstream
from ..model import EncodedArticle, encode
from ..normalize import NormalizeContext, RecordProblems, normalize
from ..results import ImportFailure, ImportResult
from ..store import Store
from ..store.base import ArticleWrite, StoredArticle
from ..stories import Supersedable, citation_keys, link_cms_articles
from ..workers import worker_pool
from ..yamlfile import line_of
from .read import RawRecord, iter_records, raw_article, read_records

CMS_ORIGIN = "cms"
CHUNK = 2000
#: store meta: "pending" after an upgrade to one-story-one-item, until every configured export was linked once
RELINK_KEY = "stories_relink"


@dataclass(frozen=True)
class Prepared:
    """A record normalized and encoded, with the keys it cites ingested releases by."""

    encoded: EncodedArticle
    cites: tuple[str, ...]


#: a record's outcome from normalization: prepared, or its problems as (field, message)
Outcome = Prepared | list[tuple[str, str]]


def normalize_chunk(records: list[RawRecord], ctx: NormalizeContext) -> list[Outcome]:
    """Pure: runs in a worker process for large imports, or inline; encodes as it goes."""
    out: list[Outcome] = []
    for record in records:
        try:
            normalized = normalize(raw_article(record.data), ctx)
        except RecordProblems as exc:
            out.append([(p.field, p.message) for p in exc.problems])
            continue
        article = normalized.article
        out.append(Prepared(encode(article), tuple(citation_keys(article, normalized.text))))
    return out


def _any_release(stored: StoredArticle) -> bool:
    return True


@dataclass
class Importer:
    """One import; call :meth:`add` for each file's records, inside a store transaction."""

    store: Store
    ctx: NormalizeContext
    now: datetime
    #: worker processes to normalize in; 0 = in this process
    workers: int = 0
    #: may a newsroom article supersede this release (the release's source's when_in_cms)
    supersedable: Supersedable = _any_release
    #: link unchanged records to the releases they cite too (once, after an upgrade)
    relink_all: bool = False
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: id → the record that first had it, for duplicate ids across chunks and files
    seen: dict[str, RawRecord] = field(default_factory=dict)

    def add(self, records: Iterable[RawRecord]) -> None:
        chunks = _chunks(records, CHUNK)
        head = list(islice(chunks, 2))
        workers = self.workers if len(head) > 1 else 0  # one chunk: starting workers costs more than it saves
        with worker_pool(workers, __name__) as pool:
            if pool is None:
                for chunk in chain(head, chunks):
                    self._take(chunk, normalize_chunk(chunk, self.ctx))
                return
            # workers normalize ahead while this process writes; a few chunks in flight bound memory
            pending: deque[tuple[list[RawRecord], Future[list[Outcome]]]] = deque()
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

    def _take(self, records: list[RawRecord], outcomes: list[Outcome]) -> None:
        accepted = self._check(records, outcomes)
        if not self.problems:  # once anything is wrong, only check the rest
            self._write(accepted)

    def _check(self, records: list[RawRecord], outcomes: list[Outcome]) -> list[tuple[RawRecord, Prepared]]:
        """Locate problems (file:line of the field) and duplicate ids; the good records in order."""
        out = []
        for record, outcome in zip(records, outcomes, strict=True):
            if not isinstance(outcome, Prepared):
                for name, message in outcome:
                    key = name.split(".")[0]
                    line = (line_of(record.data, key) if key in record.data else None) or record.line
                    self.problems.append(Problem(record.file, line, name, message))
                continue
            article_id = outcome.encoded.article.id
            first = self.seen.setdefault(article_id, record)
            if first is not record:
                message = f"duplicate of record {first.index} of {first.file} (line {first.line}, id {article_id!r})"
                self.problems.append(Problem(record.file, record.line, "id", message))
                continue
            out.append((record, outcome))
        return out

    def _write(self, accepted: list[tuple[RawRecord, Prepared]]) -> None:
        ids = [p.encoded.article.id for _, p in accepted]
        existing = self.store.get_many(ids)
        tombstoned = self.store.tombstoned(ids)
        writes: list[ArticleWrite] = []
        for record, prepared in accepted:
            encoded = prepared.encoded
            article_id = encoded.article.id
            stored = existing.get(article_id)
            if stored is None and article_id in tombstoned:
                self.deleted.append(article_id)
            elif stored is None:
                writes.append(ArticleWrite.from_upstream(encoded, CMS_ORIGIN))
                self.created.append(article_id)
            else:
                explicit_updated = record.data.get("updated") not in (None, "")
                merged = merge_upstream(stored, encoded, explicit_updated=explicit_updated, now=self.now)
                if merged is None:
                    self.unchanged += 1
                else:
                    writes.append(ArticleWrite.from_upstream(merged, stored.origin, upstream=encoded))
                    self.updated.append(article_id)
        self.store.write(writes)
        self._link(accepted, {w.article.id for w in writes})

    def _link(self, accepted: list[tuple[RawRecord, Prepared]], written: set[str]) -> None:
        """Written (or, once, all) articles supersede the releases they cite (pressfeed.stories)."""
        cites = {p.encoded.article.id: list(p.cites) for _, p in accepted}
        ids = sorted(cites) if self.relink_all else sorted(written)
        stored = self.store.get_many(ids)
        linked = [(stored[i], cites[i]) for i in ids if i in stored]
        if linked:
            link_cms_articles(self.store, linked, self.supersedable, self.now)


def _chunks(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def read_file(path: str) -> Iterator[RawRecord]:
    """Records of one export file, streamed where the format allows; `-` reads standard input."""
    if path == "-":
        return iter(read_records("<stdin>", sys.stdin.read()))
    try:
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
    supersedable: Supersedable = _any_release,
    *,
    relink_all: bool = False,
) -> ImportResult:
    """Import export files all-or-nothing: any bad record in any file, nothing is written."""
    importer = Importer(store, ctx, now, workers, supersedable, relink_all=relink_all)
    with _no_cyclic_gc(), store.transaction():
        for path in paths:
            try:
                importer.add(read_file(path))
            except InputError as exc:
                importer.problems.extend(exc.problems)
        if importer.problems:
            raise InputError(importer.problems)  # leaving the transaction rolls it back
    return importer.result(files=len(paths))


def import_each(
    store: Store,
    ctx: NormalizeContext,
    now: datetime,
    paths: Sequence[Path],
    workers: int = 0,
    supersedable: Supersedable = _any_release,
    *,
    relink_all: bool = False,
) -> ImportResult:
    """Files one by one, each all-or-nothing: a bad file is reported, the others go in."""
    total = ImportResult()
    for path in paths:
        try:
            total += import_files(store, ctx, now, [str(path)], workers, supersedable, relink_all=relink_all)
        except InputError as exc:
            total += ImportResult(failures=(ImportFailure(str(path), tuple(exc.problems)),))
    return total


def configured_files(patterns: Sequence[str], site_dir: Path) -> list[Path]:
    """The export files the config's `imports:` globs name, relative ones against the site."""
    found: set[Path] = set()
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(site_dir / pattern)
        found.update(Path(p) for p in glob.glob(full, recursive=True) if Path(p).is_file())
    return sorted(found)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """No cyclic GC while a bulk import holds every record: it found no garbage and cost ~20%."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
