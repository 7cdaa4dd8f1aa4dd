"""SQLite store: WAL, one schema text, migrations keyed by PRAGMA user_version."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import ArticleNotFoundError, StoreError, StoreNotEmptyError
from ..terms import ArticleFilter, Status, utc_text
from .base import (
    ARTICLE_COLUMNS,
    CHANGED_UPSTREAM,
    HELD_CORRECTIONS,
    PAGE_COLUMNS,
    RELEASE_HELD,
    SIGHTING_COLUMNS,
    TABLES,
    UPSTREAM_CHANGE_COLUMNS,
    WAITING_CORRECTIONS,
    ArticleWrite,
    Batch,
    FeedFileState,
    PageState,
    Sighting,
    StoredArticle,
    UpstreamChange,
    WriteResult,
    change_status,
    damage_advice,
    feed_visible,
    file_lock,
    grouped,
    page_row,
    page_state,
    sighting_row,
    sightings_by_article,
    source_state_rows,
    still_at,
    stored_article,
    table_with_data,
    translate_errors,
    unblock_undated_sql,
    upstream_change,
    upstream_change_row,
)


def _read(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _text(value: datetime | None) -> str | None:
    return utc_text(value) if value is not None else None


def _sql(name: str) -> Callable[[], str]:
    def read() -> str:
        from importlib import resources  # (tempfile, shutil and more: only when a migration runs)

        return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")

    return read


#: migration n brings a store from user_version n to n + 1
MIGRATIONS = [
    _sql("schema.sql"),
    _sql("v2_stories.sql"),
    _sql("v3_pages.sql"),
    _sql("v4_feed_files.sql"),
    _sql("v5_lookups.sql"),
    _sql("v6_shown.sql"),
    _sql("v7_rendered_at.sql"),
    _sql("v8_upstream_changes.sql"),
    _sql("v9_passages.sql"),
    _sql("v10_undated_changes.sql"),
    _sql("v11_undated_index.sql"),
    _sql("v12_sightings.sql"),
]
VERSION = len(MIGRATIONS)


#: rows per batch of `dump`
DUMP_BATCH = 1000


def _unwritable(path: Path) -> bool:
    """The store's folder (where SQLite keeps its -wal and -shm files) or the file cannot be written."""
    return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


@translate_errors((sqlite3.Error,))
class SQLiteStore:
    #: one machine's file: the lock beside it is also the site's run lock
    local = True

    def __init__(self, path: Path | str, read_only: bool | None = None) -> None:
        """`read_only` None: read-only when the store cannot be written (a read-only folder, another
        user's store), so commands that only read still work; a write then fails naming the store."""
        self.path = self.location = str(path)
        memory = self.path == ":memory:"
        if read_only is None:
            read_only = not memory and Path(self.path).exists() and _unwritable(Path(self.path))
        self.read_only = read_only
        self._depth = 0
        self._open()

    def _open(self) -> None:
        memory = self.path == ":memory:"
        if not memory and not self.read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            _create_private(self.path)
        try:
            self.db = _connect_read_only(self.path) if self.read_only else _connect(self.path)
            #: the file opened, to tell when another command removed it (see :meth:`lock`)
            self._file = None if memory else os.stat(self.path)
        except (sqlite3.Error, FileNotFoundError) as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        try:
            if not self.read_only:
                _wal(self.db)
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path}: {_open_failure(exc, Path(self.path))}") from None
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lock(self, wait: float) -> AbstractContextManager[None]:
        """A file lock beside the database (`pressfeed.db` → `pressfeed.lock`); released if the process dies."""
        if self.path == ":memory:":
            return nullcontext()
        return self._locked(wait)

    @contextmanager
    def _locked(self, wait: float) -> Iterator[None]:
        with file_lock(self.lock_file, wait):
            if not self._still_open():
                # a refused first command, started beside this one, removed the new (empty) store this one had
                # opened before taking the lock: the store at the path is the one to work in
                self.db.close()
                self._open()
            yield

    def _still_open(self) -> bool:
        """Whether the file at the store's path is the one this store opened."""
        return self._file is None or still_at(self._file, self.path)

    @property
    def lock_file(self) -> Path:
        """The run lock's file: stores beside each other with one stem (pressfeed.db, pressfeed.bak) share it."""
        return Path(self.path).with_suffix(".lock")

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise StoreError(
                f"{self.path}: store schema {version} is newer than this pressfeed ({VERSION}); upgrade pressfeed"
            )
        if version < VERSION and self.read_only:
            self._refuse_foreign(version)
            raise StoreError(
                f"{self.path}: the store needs upgrading (schema {version} to {VERSION}) and is read-only here; "
                "run a pressfeed command that writes, as a user who may write its folder"
            )
        for number in range(version, VERSION):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                # read again under the write lock: another process opening the store may have gone first
                current = self.db.execute("PRAGMA user_version").fetchone()[0]
                if current > number:
                    self.db.execute("COMMIT")
                    continue
                self._refuse_foreign(current)
                for statement in _statements(MIGRATIONS[number]()):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def _refuse_foreign(self, version: int) -> None:
        if version == 0 and self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{self.path}: this SQLite file is not a pressfeed store")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:  # also when COMMIT itself failed (disk full, I/O error)
                self.db.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    # -- articles -------------------------------------------------------------

    _COLUMNS = ARTICLE_COLUMNS

    @staticmethod
    def _row(row: Sequence[Any]) -> StoredArticle:
        return stored_article(row, _read)

    def get(self, article_id: str) -> StoredArticle | None:
        row = self.db.execute(f"SELECT {self._COLUMNS} FROM article WHERE id = ?", (article_id,)).fetchone()
        return self._row(row) if row else None

    def get_many(self, ids: Sequence[str]) -> dict[str, StoredArticle]:
        rows = self._where_in(f"SELECT {self._COLUMNS} FROM article WHERE id IN ({{}})", ids)
        return {stored.article.id: stored for stored in map(self._row, rows)}

    def _where_in(self, sql: str, values: Sequence[str]) -> Iterator[Sequence[Any]]:
        """Rows of `sql` (with {} for the IN list) over `values`, in chunks under SQLite's variable limit."""
        for start in range(0, len(values), 500):
            chunk = list(values[start : start + 500])
            # each row, not `yield from`: a read a stop cut short is collected after the store closed, and
            # closing a delegated cursor then raises ("Cannot operate on a closed database") at exit
            for row in self.db.execute(sql.format(",".join("?" * len(chunk))), chunk):  # noqa: UP028
                yield row

    def _next_seq(self, count: int) -> int:
        """Reserve `count` sequence numbers; returns the first."""
        first = int(self.get_meta("seq") or 0) + 1
        self.set_meta("seq", str(first + count - 1))
        return first

    def write(self, writes: Iterable[ArticleWrite]) -> WriteResult:
        items = list(writes)
        if not items:
            return WriteResult(0)
        with self.transaction():
            first = self._next_seq(len(items))
            rows = [_article_row(w, first + i) for i, w in enumerate(items)]
            self.db.executemany(
                """INSERT INTO article (id, section, status, published, updated, origin, content_hash,
                                        upstream_hash, upstream_status, seq, data, undated_changes)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?)
                   ON CONFLICT(id) DO UPDATE SET
                     section = excluded.section, status = excluded.status,
                     published = excluded.published, updated = excluded.updated,
                     origin = excluded.origin, content_hash = excluded.content_hash,
                     upstream_hash = coalesce(excluded.upstream_hash, article.upstream_hash),
                     upstream_status = coalesce(excluded.upstream_status, article.upstream_status),
                     seq = excluded.seq, data = excluded.data,
                     undated_changes = coalesce(excluded.undated_changes, article.undated_changes)""",
                rows,
            )
        return WriteResult(len(items))

    def touch(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self.transaction():
            first = self._next_seq(len(ids))
            self.db.executemany("UPDATE article SET seq = ? WHERE id = ?", [(first + i, a) for i, a in enumerate(ids)])

    def articles(self, query: ArticleFilter) -> list[StoredArticle]:
        if query.origins is not None and len(query.origins) != 1:
            # One search per origin, merged here: given an IN list, SQLite's planner walks every row of the
            # status in date order (that index gives the ORDER BY) rather than sort what the list finds.
            found = [row for origin in query.origins for row in self._article_rows(replace(query, origins=(origin,)))]
            found.sort(key=lambda row: row[-1])  # by id, then newest first: the sort is stable
            found.sort(key=lambda row: row[-2], reverse=True)
            return [self._row(row) for row in found[: query.limit]]
        return [self._row(row) for row in self._article_rows(query)]

    def _article_rows(self, query: ArticleFilter) -> list[Any]:
        """Rows of ARTICLE_COLUMNS, then published and id, as `articles` returns them."""
        where, params = [], []
        if query.section is not None:
            where.append("section = ?")
            params.append(query.section)
        if query.status is not None:
            where.append("status = ?")
            params.append(str(query.status))
        if query.published_before is not None:
            where.append("published <= ?")
            params.append(utc_text(query.published_before))
        if query.published_after is not None:
            where.append("published > ?")
            params.append(utc_text(query.published_after))
        if query.superseded:
            where.append("superseded_by IS NOT NULL")
        if query.origins is not None:
            where.append(f"origin IN ({','.join('?' * len(query.origins))})")
            params.extend(query.origins)
        if query.status is None:
            # Every index on published starts with status (and section): one arm per status, each read in
            # index order, merged (SQLite's MERGE of a sorted UNION ALL), so `LIMIT n` reads about n rows
            # per status instead of sorting the whole table. status has exactly these three values (CHECK).
            arms = [" AND ".join(["status = ?", *where]) for _ in Status]
            sql = " UNION ALL ".join(f"SELECT {self._COLUMNS}, published, id FROM article WHERE {arm}" for arm in arms)
            params = [p for status in Status for p in (str(status), *params)]
        else:
            sql = f"SELECT {self._COLUMNS}, published, id FROM article WHERE " + " AND ".join(where)
        sql += " ORDER BY published DESC, id"
        if query.limit is not None:
            sql += " LIMIT ?"
            params.append(str(query.limit))
        return self.db.execute(sql, params).fetchall()

    def feed_keys(self, section: str | None, now: datetime, limit: int) -> list[tuple[str, int]]:
        """(id, seq) of what a feed shows: newest published, not embargoed.

        Cheap (index only, no JSON), so a build can tell an unchanged feed
        without loading or rendering anything.
        """
        at = utc_text(now)
        visible = feed_visible("?")
        if section is None:
            sql = f"SELECT id, seq FROM article WHERE {visible} ORDER BY published DESC, id LIMIT ?"
            params: tuple[Any, ...] = (at, at, limit)
        else:
            sql = f"SELECT id, seq FROM article WHERE section = ? AND {visible} ORDER BY published DESC, id LIMIT ?"
            params = (section, at, at, limit)
        return [(row[0], row[1]) for row in self.db.execute(sql, params)]

    def set_status(self, article_id: str, status: Status, now: datetime) -> StoredArticle:
        return change_status(self, article_id, status)

    def delete(self, article_id: str, now: datetime) -> None:
        with self.transaction():
            if self.get(article_id) is None:
                raise ArticleNotFoundError(article_id)
            self.db.execute("DELETE FROM article WHERE id = ?", (article_id,))
            self.db.execute("DELETE FROM citation WHERE article_id = ?", (article_id,))
            # (its passage keys outlive it, as its dedupe keys do: a near copy holding its guid is known by them)
            self.db.execute("DELETE FROM upstream_change WHERE article_id = ?", (article_id,))
            self.db.execute("DELETE FROM sighting WHERE article_id = ?", (article_id,))
            self.db.execute(
                "INSERT OR REPLACE INTO tombstone (article_id, deleted) VALUES (?, ?)",
                (article_id, utc_text(now)),
            )

    def is_tombstoned(self, article_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM tombstone WHERE article_id = ?", (article_id,)).fetchone()
        return row is not None

    def tombstoned(self, ids: Sequence[str]) -> set[str]:
        return {row[0] for row in self._where_in("SELECT article_id FROM tombstone WHERE article_id IN ({})", ids)}

    def tombstone_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM tombstone").fetchone()[0])

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM article").fetchone()[0])

    # -- build state ----------------------------------------------------------

    def feed_files(self) -> dict[str, FeedFileState]:
        rows = self.db.execute("SELECT path, fingerprint, updated, size, mtime_ns, rendered_at FROM feed_file")
        return {
            path: FeedFileState(fp, _read(updated), size, mtime_ns, _read(rendered_at))
            for path, fp, updated, size, mtime_ns, rendered_at in rows
        }

    def save_feed_files(self, states: dict[str, FeedFileState]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO feed_file (path, fingerprint, updated, size, mtime_ns, rendered_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (path, s.fingerprint, _text(s.updated), s.size, s.mtime_ns, _text(s.rendered_at))
                    for path, s in states.items()
                ],
            )

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def forget_feed_files(self, paths: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM feed_file WHERE path = ?", [(p,) for p in paths])

    def mark_shown(self, ids: Iterable[str]) -> None:
        rows = [(i,) for i in ids]
        if rows:  # a no-op build writes nothing
            with self.transaction():
                self.db.executemany("INSERT OR IGNORE INTO shown (article_id) VALUES (?)", rows)

    def shown(self, ids: Sequence[str]) -> set[str]:
        return {row[0] for row in self._where_in("SELECT article_id FROM shown WHERE article_id IN ({})", ids)}

    # -- one story, one item ---------------------------------------------------

    def set_citations(self, article_id: str, keys: Iterable[str]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM citation WHERE article_id = ?", (article_id,))
            self.db.executemany(
                "INSERT OR IGNORE INTO citation (key, article_id) VALUES (?, ?)", [(k, article_id) for k in keys]
            )

    def set_citations_many(self, citations: Mapping[str, Sequence[str]]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM citation WHERE article_id = ?", [(a,) for a in citations])
            self.db.executemany(
                "INSERT OR IGNORE INTO citation (key, article_id) VALUES (?, ?)",
                [(k, a) for a, keys in citations.items() for k in keys],
            )

    def add_citations(self, rows: Iterable[tuple[str, str]]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO citation (key, article_id) VALUES (?, ?)", rows)

    def superseded_many(self, ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        rows = self._where_in("SELECT superseded_by, id FROM article WHERE superseded_by IN ({})", ids)
        for article_id, release_id in sorted((row[0], row[1]) for row in rows):
            out.setdefault(article_id, []).append(release_id)
        return out

    def cited_pairs(self, releases: Sequence[str] = (), articles: Sequence[str] = ()) -> set[tuple[str, str]]:
        pairs = "SELECT d.article_id, c.article_id FROM dedupe_key AS d JOIN citation AS c ON c.key = d.key"
        rows = chain(
            self._where_in(pairs + " WHERE d.article_id IN ({})", releases),
            self._where_in(pairs + " WHERE c.article_id IN ({})", articles),
        )
        return {(row[0], row[1]) for row in rows}

    def add_passages(self, rows: Iterable[tuple[str, str]]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO passage (key, article_id) VALUES (?, ?)", list(rows))

    def shares_passage(self, release_id: str, article_id: str) -> bool:
        sql = (
            "SELECT 1 FROM passage AS p JOIN citation AS c ON c.key = p.key WHERE p.article_id = ? AND c.article_id = ?"
        )
        return self.db.execute(sql, (release_id, article_id)).fetchone() is not None

    def passage_pairs(
        self, releases: Sequence[str] = (), articles: Sequence[str] = (), within: timedelta = timedelta(days=3)
    ) -> dict[tuple[str, str], tuple[int, float]]:
        days = float(within.total_seconds() / 86400)
        apart = "abs(julianday(r.published) - julianday(a.published))"
        pairs = (
            f"SELECT p.article_id, c.article_id, count(*), min({apart}) * 86400 FROM passage AS p"
            " JOIN citation AS c ON c.key = p.key JOIN article AS r ON r.id = p.article_id"
            f" JOIN article AS a ON a.id = c.article_id WHERE {apart} <= {days!r}"
        )
        rows = chain(
            self._where_in(pairs + " AND p.article_id IN ({}) GROUP BY 1, 2", releases),
            self._where_in(pairs + " AND c.article_id IN ({}) GROUP BY 1, 2", articles),
        )
        return {(row[0], row[1]): (row[2], round(row[3])) for row in rows}

    def link_story(self, release_id: str, article_id: str, adopt: bool) -> None:
        """`article_id` supersedes `release_id`; with `adopt` it takes over the release's guid too.

        Both rows get a new seq: the feeds that show either must be rebuilt.
        """
        with self.transaction():
            first = self._next_seq(2)
            self.db.execute(
                "UPDATE article SET superseded_by = ?, seq = ? WHERE id = ?", (article_id, first, release_id)
            )
            if adopt:
                self.db.execute(
                    "UPDATE article SET feed_guid = ?, feed_guid_updated ="
                    " (SELECT updated FROM article WHERE id = ?), seq = ? WHERE id = ?",
                    (release_id, release_id, first + 1, article_id),
                )

    def unlink_story(self, release_id: str) -> None:
        """The release stands alone again; an article that had taken its guid gives it back."""
        with self.transaction():
            first = self._next_seq(2)
            self.db.execute(
                "UPDATE article SET feed_guid = NULL, feed_guid_updated = NULL, seq = ? WHERE feed_guid = ?",
                (first, release_id),
            )
            self.db.execute(
                "UPDATE article SET superseded_by = NULL, keep_both = 0, seq = ? WHERE id = ?", (first + 1, release_id)
            )

    def set_keep_both(self, release_id: str, keep: bool) -> None:
        with self.transaction():
            first = self._next_seq(2)
            if keep:  # both in the feeds: they cannot share a guid
                self.db.execute(
                    "UPDATE article SET feed_guid = NULL, feed_guid_updated = NULL, seq = ? WHERE feed_guid = ?",
                    (first, release_id),
                )
            self.db.execute(
                "UPDATE article SET keep_both = ?, seq = ? WHERE id = ?", (int(keep), first + 1, release_id)
            )

    # -- full text ------------------------------------------------------------

    _PAGE = PAGE_COLUMNS

    @staticmethod
    def _page(row: Sequence[Any]) -> PageState:
        return page_state(row, _read)

    def pages(self, ids: Sequence[str]) -> dict[str, PageState]:
        rows = self._where_in(f"SELECT {self._PAGE} FROM page WHERE article_id IN ({{}})", ids)
        return {page.article_id: page for page in map(self._page, rows)}

    def save_pages(self, pages: Iterable[PageState]) -> None:
        rows = [page_row(p, utc_text) for p in pages]
        with self.transaction():
            self.db.executemany(f"INSERT OR REPLACE INTO page ({self._PAGE}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

    def held(self, origin: str) -> list[PageState]:
        """Pages that gave no text last time, for the items of `origin` still stored (held as drafts, or
        keeping an earlier read's text): their retries make a run read the feed even when it has not changed."""
        rows = self.db.execute(
            f"SELECT {', '.join('page.' + c.strip() for c in self._PAGE.split(','))} FROM page"
            " JOIN article ON article.id = page.article_id"
            " WHERE page.status = 'failed' AND article.origin = ? ORDER BY page.article_id",
            (origin,),
        )
        return [self._page(row) for row in rows]

    # -- local edits ----------------------------------------------------------

    def upstream_changes(self, ids: Sequence[str]) -> dict[str, UpstreamChange]:
        rows = self._where_in(f"SELECT {UPSTREAM_CHANGE_COLUMNS} FROM upstream_change WHERE article_id IN ({{}})", ids)
        return {row[0]: upstream_change(row, _read) for row in rows}

    def changed_upstream(self) -> dict[str, list[str]]:
        return grouped(self.db.execute(_CHANGED_UPSTREAM))

    def unblock_undated(self, origin: str, limit: int) -> int:
        with self.transaction():
            return self.db.execute(unblock_undated_sql("?"), (limit, limit, origin)).rowcount

    def save_upstream_changes(self, changes: Iterable[UpstreamChange]) -> None:
        rows = [upstream_change_row(c, utc_text) for c in changes]
        with self.transaction():
            self.db.executemany(
                f"INSERT INTO upstream_change ({UPSTREAM_CHANGE_COLUMNS}) VALUES (?,?,?,?,?) ON CONFLICT (article_id)"
                " DO UPDATE SET content_hash = excluded.content_hash, status = excluded.status, data = excluded.data",
                rows,
            )

    def drop_upstream_changes(self, ids: Sequence[str]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM upstream_change WHERE article_id = ?", [(i,) for i in ids])

    def sightings(self, ids: Sequence[str]) -> dict[str, dict[str, Sighting]]:
        return sightings_by_article(
            self._where_in(f"SELECT {SIGHTING_COLUMNS} FROM sighting WHERE article_id IN ({{}})", ids)
        )

    def held_corrections(self) -> dict[str, list[str]]:
        return grouped(self.db.execute(HELD_CORRECTIONS))

    def release_held(self, source_id: str) -> int:
        with self.transaction():
            return self.db.execute(RELEASE_HELD.format(p="?"), (source_id,)).rowcount

    def waiting_corrections(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.db.execute(WAITING_CORRECTIONS)}

    def save_sightings(self, sightings: Iterable[Sighting]) -> None:
        rows = [sighting_row(s) for s in sightings]
        if rows:
            with self.transaction():
                self.db.executemany(f"INSERT OR REPLACE INTO sighting ({SIGHTING_COLUMNS}) VALUES ({'?,' * 8}?)", rows)

    # -- ingest state ---------------------------------------------------------

    def dedupe_lookup(self, keys: Sequence[str]) -> dict[str, str]:
        return {
            row[0]: row[1] for row in self._where_in("SELECT key, article_id FROM dedupe_key WHERE key IN ({})", keys)
        }

    def add_dedupe_keys(self, keys: Iterable[tuple[str, str, str]]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO dedupe_key (key, article_id, source_id) VALUES (?, ?, ?)", list(keys)
            )

    def dedupe_sources(self, ids: Sequence[str]) -> dict[str, list[str]]:
        sql = "SELECT DISTINCT article_id, source_id FROM dedupe_key WHERE article_id IN ({}) ORDER BY 1, 2"
        return grouped(self._where_in(sql, ids))

    def source_state(self, source_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM source_state WHERE id = ?", (source_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_source_state(self, source_id: str, state: dict[str, Any]) -> None:
        self.save_source_states({source_id: state})

    def save_source_states(self, states: Mapping[str, dict[str, Any]]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO source_state (id, data) VALUES (?, ?)", source_state_rows(states)
            )

    def source_states(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for source_id, data in self.db.execute("SELECT id, data FROM source_state ORDER BY id").fetchall():
            yield source_id, json.loads(data)

    # -- the whole store (pressfeed store copy) ---------------------------------

    def dump(self) -> Iterator[Batch]:
        """Every table in one read transaction: a consistent snapshot, even while another process writes."""
        if self._depth:
            raise StoreError(f"{self.path}: dump() inside a transaction")
        self.db.execute("BEGIN")
        try:
            for table, columns in TABLES.items():
                cursor = self.db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")
                while rows := cursor.fetchmany(DUMP_BATCH):
                    yield table, rows
        finally:
            self.db.execute("COMMIT")

    def load(self, batches: Iterable[Batch]) -> dict[str, int]:
        counts = dict.fromkeys(TABLES, 0)
        with self.transaction():
            held = self.table_with_data()
            if held is not None:  # `store copy` fills new stores only: it never merges into one in use
                raise StoreNotEmptyError(
                    f"{self.location}: the store already holds data ({held}); copy into a new, empty store"
                )
            self.db.execute("DELETE FROM meta")  # what migrations put there: the source's values replace it
            for table, rows in batches:
                columns = TABLES[table]
                self.db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
                )
                counts[table] += len(rows)
        return counts

    def table_with_data(self) -> str | None:
        """The first table that has a row, the schema's own bookkeeping (meta) aside; None: the store is new."""
        return table_with_data(self.db.execute)


def _wal(db: sqlite3.Connection) -> None:
    """WAL mode, which the file keeps. Switching a new file to it while another process opens it too fails
    at once with "database is locked" (no busy timeout applies there), so that is retried for a while."""
    deadline = time.monotonic() + 30
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


#: a new store's mode before the umask: never readable by other users (it holds drafts and embargoed
#: articles, and the web server needs only the output folder); the group as the umask allows
STORE_MODE = 0o660


def _create_private(path: str) -> None:
    """Create the store's file, empty (SQLite's empty database), unless it exists. SQLite gives its -wal
    and -shm files the database file's mode, so they stay as private."""
    # it exists; or it cannot be created, and opening it says why as it always did
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, STORE_MODE))


#: bytes free on the store's device below which a failed write is taken for a full disk
_FULL = 1024 * 1024


def _open_failure(exc: sqlite3.DatabaseError, path: Path) -> str:
    """Why opening the store failed, as an operator can act on it: a write that failed on a full disk (SQLite
    says "disk I/O error", or "cannot rollback" after the failed BEGIN) is no damaged store."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_IOERR", "SQLITE_FULL", "SQLITE_ERROR")):
        import shutil  # (here: its import, with zlib, bz2 and lzma, was ~1.5 ms of every command's start-up)

        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            free = _FULL
        if free < _FULL:
            return f"cannot write the store: no space left on its disk ({free:,} bytes free; {exc})"
    return f"not a usable pressfeed store: {exc}{damage_advice(exc)}"


#: CHANGED_UPSTREAM, upstream_change read first (SQLite's CROSS JOIN keeps the tables' order): a row per kept-out
#: change, few. Left to choose, SQLite (no statistics) scanned every article in id order to spare the ORDER BY's
#: sort, looking each up there: 3.4 ms at 10,000 articles for no row, in every run's health check
_CHANGED_UPSTREAM = CHANGED_UPSTREAM.replace(" JOIN article ", " CROSS JOIN article ", 1)


def _connect(path: str, uri: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False, uri=uri)


def _connect_read_only(path: str) -> sqlite3.Connection:
    """A connection that never writes, even where SQLite cannot create its -wal/-shm files.

    SQLite opens a WAL database read-only only when those files exist or can
    be created. When they cannot and there is no write-ahead log to read (the
    last writer closed cleanly), the database file alone is the whole store:
    it is then opened as immutable.
    """
    uri = Path(path).resolve().as_uri()
    db = _connect(f"{uri}?mode=ro", uri=True)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return _connect(f"{uri}?immutable=1", uri=True)


def _article_row(write: ArticleWrite, seq: int) -> tuple[Any, ...]:
    encoded = write.encoded  # its row fields: the Article itself need not be decoded
    return (
        encoded.id,
        encoded.section,
        str(encoded.status),
        encoded.published_text,
        encoded.updated_text,
        write.origin,
        write.encoded.content_hash,
        write.upstream_hash,
        str(write.upstream_status) if write.upstream_status is not None else None,
        seq,
        # the JSON's UTF-8, which the SQL casts to TEXT: stored exactly as the text would be, without
        # decoding a worker's bytes into a str only for sqlite3 to encode it again
        write.encoded.data_utf8,
        write.undated_changes,
    )


def _statements(script: str) -> list[str]:
    """Split a schema text into statements (executescript would commit our transaction)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
