"""PostgreSQL store (psycopg 3): SQLite's contract (:mod:`.base`), for sites that run on several hosts.

Choices, each made for byte-identical feeds and that contract:

* Times are ``timestamptz``, written truncated to the second in UTC, which is
  what ``model.utc_text`` keeps in SQLite: the embargo and newest-first
  comparisons are the same, and operators get real timestamps to query.
* Identifiers (ids, sections, keys, paths) are ``text COLLATE "C"``: ties in
  time order by id bytes, as SQLite's BINARY does, whatever the database's
  default collation (a linguistic one would order ids differently).
* The article JSON is ``text``: pressfeed's bytes, unchanged (``jsonb``
  reorders keys and would cost a parse on every write).
* Write transactions first take a transaction-level advisory lock: one writer
  at a time, as SQLite's ``BEGIN IMMEDIATE``, so read-modify-write steps (the
  sequence, ``set_status``, ``link_story``) never lose an update to another
  host. Readers never wait.
* The run lock is a session-level advisory lock, released by the server when
  the process holding it dies. Both keys include the schema, so two stores in
  one database (``options=-csearch_path%3D…``) do not block each other.
* No round trip per row: id lists travel as one array (``= ANY``), batches as
  ``executemany`` (psycopg pipelines it) or ``unnest``, `store copy` as COPY.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql

from ..errors import ArticleNotFoundError, LockedError, StoreError, StoreNotEmptyError
from ..terms import ArticleFilter, Status
from .base import (
    ARTICLE_COLUMNS,
    BOOL_COLUMNS,
    CHANGED_UPSTREAM,
    HELD_CORRECTIONS,
    PAGE_COLUMNS,
    RELEASE_HELD,
    SIGHTING_COLUMNS,
    TABLES,
    TIME_COLUMNS,
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
    feed_visible,
    grouped,
    page_row,
    page_state,
    sighting_row,
    sightings_by_article,
    source_state_rows,
    stored_article,
    table_with_data,
    translate_errors,
    unblock_undated_sql,
    upstream_change,
    upstream_change_row,
)
from .url import redact


def _sql(name: str) -> Callable[[], str]:
    return lambda: resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


#: migration n brings a store from schema_version n to n + 1: SQLite's steps, but for its schema 5,
#: whose indexes PostgreSQL had from its schemas 1-3
MIGRATIONS = [
    _sql("pg_schema.sql"),
    _sql("pg_v2_stories.sql"),
    _sql("pg_v3_pages.sql"),
    _sql("pg_v4_feed_files.sql"),
    _sql("pg_v5_shown.sql"),
    _sql("pg_v6_rendered_at.sql"),
    _sql("pg_v7_upstream_changes.sql"),
    _sql("pg_v8_passages.sql"),
    _sql("pg_v9_undated_changes.sql"),
    _sql("pg_v10_undated_index.sql"),
    _sql("pg_v11_sightings.sql"),
]
VERSION = len(MIGRATIONS)
#: rows per batch of `dump`
DUMP_BATCH = 1000
#: seconds a write waits for another host's write transaction (SQLite's busy timeout is the same)
WRITE_WAIT = 30


def _utc(value: datetime) -> datetime:
    """A time as the store keeps it: UTC, whole seconds (what utc_text keeps)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r} cannot be stored")
    return value.astimezone(UTC).replace(microsecond=0)


def _stored(value: datetime | None) -> datetime | None:
    return _utc(value) if value is not None else None


def _read(value: datetime | None) -> datetime | None:
    """A stored time back, in the same tzinfo SQLite's `datetime.fromisoformat("…Z")` gives."""
    return value.astimezone(UTC) if value is not None else None


@translate_errors((psycopg.Error,))
class PostgresStore:
    #: shared by every host that reaches the database
    local = False

    def __init__(self, url: str, *, create: bool = True) -> None:
        """`create` False: a database without pressfeed's tables is left alone (`version` stays None)."""
        self.url = url
        self.location = redact(url)
        self._depth = 0
        self.conn = _connect(url, self.location)
        try:
            schema = self.conn.execute("SELECT current_schema()").fetchone()
            if schema is None or schema[0] is None:
                raise StoreError(f"{self.location}: no schema to create tables in (check search_path)")
            self._write_key, self._run_key = _key("write", schema[0]), _key("run", schema[0])
            self.conn.execute(f"SET lock_timeout = '{WRITE_WAIT}s'")
            # times travel as text in ISO form, whatever the database, role or PGDATESTYLE/PGTZ say: psycopg
            # parses timestamptz in no other DateStyle, and the zone it reads them in must be one it knows
            self.conn.execute("SET DateStyle = 'ISO, YMD'")
            self.conn.execute("SET TimeZone = 'UTC'")
            self.version = self._version()
            if self.version is not None or create:
                self._migrate()
        except psycopg.Error as exc:
            self.conn.close()
            raise StoreError(f"store {self.location}: {' '.join(str(exc).split())}") from None
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def same_schema(self, other: PostgresStore) -> bool:
        """Whether `other` works in this store's very schema, however its URL is spelled (a password, one more
        parameter, another role): asked while this store holds its run lock, `other`'s server sees this
        session hold `other`'s run lock. (pg_locks shows every role's locks, as pg_stat_activity does not.)"""
        pid = self._one("SELECT pg_backend_pid()")
        query = f"SELECT l.pid FROM pg_locks l WHERE {_RUN_LOCK_HELD}"
        holder = other.conn.execute(query, _halves(other._run_key)).fetchone()
        return other._run_key == self._run_key and holder is not None and holder[0] == pid

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------

    def _version(self) -> int | None:
        row = self.conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return None
        found = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(found[0]) if found and found[0] is not None else 0

    def _migrate(self) -> None:
        if self.version == VERSION:
            return
        # two hosts opening a new database at once: one migrates, the other waits, then finds it done. The
        # lock is taken before the transaction begins: a transaction that began earlier may still see the
        # catalog as it was (a cached "no such table") after the other host committed
        self.conn.execute("SELECT pg_advisory_lock(%s)", (self._write_key,))
        try:
            self._migrate_locked()
        finally:
            with suppress(psycopg.Error):
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (self._write_key,))
        self.version = VERSION

    def _migrate_locked(self) -> None:
        with self.conn.transaction():
            version = self._version()
            if version is None:
                self._refuse_foreign_tables()
                self.conn.execute("CREATE TABLE schema_version (version integer NOT NULL)")
                self.conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                version = 0
            if version > VERSION:
                raise StoreError(
                    f"{self.location}: store schema {version} is newer than this pressfeed ({VERSION}); "
                    "upgrade pressfeed"
                )
            try:
                for number in range(version, VERSION):
                    for statement in _statements(MIGRATIONS[number]()):
                        self.conn.execute(statement)
                    self.conn.execute("UPDATE schema_version SET version = %s", (number + 1,))
            except psycopg.errors.InsufficientPrivilege as exc:
                role = self.conn.info.user
                raise StoreError(
                    f"{self.location}: the store needs upgrading (schema {version} to {VERSION}) and role {role!r} "
                    f"may not change its tables ({' '.join(str(exc).split())}); run a pressfeed command that "
                    "writes as the role that owns them (the one that created the store)"
                ) from None

    def _refuse_foreign_tables(self) -> None:
        names = [f"{table}" for table in TABLES]
        row = self.conn.execute(
            "SELECT string_agg(t, ', ') FROM unnest(%s::text[]) AS t WHERE to_regclass(t) IS NOT NULL", (names,)
        ).fetchone()
        if row and row[0]:
            raise StoreError(
                f"{self.location}: the database already has tables named {row[0]} but no pressfeed schema_version; "
                "give pressfeed a database of its own, or a schema (options=-csearch_path%3Dpressfeed in the URL)"
            )

    # -- transactions and locks -----------------------------------------------------

    def _write_lock(self) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._write_key,))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested calls join the outer one. Writers take turns (see the module doc)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self.conn.transaction():
            self._write_lock()
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0

    @contextmanager
    def lock(self, wait: float) -> Iterator[None]:
        """The run lock: a session advisory lock, polled until `wait` runs out (then LockedError)."""
        deadline, delay = time.monotonic() + wait, 0.05
        while not self._one("SELECT pg_try_advisory_lock(%s)", (self._run_key,)):
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockedError(
                    f"another pressfeed run is in progress (lock: PostgreSQL advisory lock in {self.location}"
                    f"{self._holder()}); nothing done"
                )
            time.sleep(min(delay, left))
            delay = min(delay * 2, 1.0)
        try:
            yield
        finally:
            with suppress(psycopg.Error):  # else the session is gone, and its locks with it
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (self._run_key,))

    def _holder(self) -> str:
        """ ", held by pressfeed on host-a (pid 123)" when the server lets us see who holds the run lock."""
        try:
            row = self.conn.execute(
                "SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                f" WHERE {_RUN_LOCK_HELD}",
                _halves(self._run_key),
            ).fetchone()
        except psycopg.Error:
            return ""
        if not row:
            return ""
        return f", held by {row[0] or 'a session'} (pid {row[1]})"

    def _one(self, query: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(query, params).fetchone()
        return row[0] if row else None

    # -- articles -------------------------------------------------------------------

    _COLUMNS = ARTICLE_COLUMNS

    @staticmethod
    def _row(row: Sequence[Any]) -> StoredArticle:
        return stored_article(row, _read)

    def get(self, article_id: str) -> StoredArticle | None:
        row = self.conn.execute(f"SELECT {self._COLUMNS} FROM article WHERE id = %s", (article_id,)).fetchone()
        return self._row(row) if row else None

    def get_many(self, ids: Sequence[str]) -> dict[str, StoredArticle]:
        if not ids:
            return {}
        rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM article WHERE id = ANY(%s)", (list(ids),))
        return {stored.article.id: stored for stored in map(self._row, rows)}

    def _next_seq(self, count: int) -> int:
        """Reserve `count` sequence numbers; returns the first. The meta row's lock orders concurrent writers."""
        last = self._one(
            "INSERT INTO meta (key, value) VALUES ('seq', %s) ON CONFLICT (key) DO UPDATE"
            " SET value = (meta.value::bigint + excluded.value::bigint)::text RETURNING value",
            (str(count),),
        )
        return int(last) - count + 1

    def write(self, writes: Iterable[ArticleWrite]) -> WriteResult:
        items = list(writes)
        if not items:
            return WriteResult(0)
        with self.transaction():
            first = self._next_seq(len(items))
            with self.conn.cursor() as cursor:
                cursor.executemany(
                    """INSERT INTO article (id, section, status, published, updated, origin, content_hash,
                                            upstream_hash, upstream_status, seq, data, undated_changes)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                       ON CONFLICT (id) DO UPDATE SET
                         section = excluded.section, status = excluded.status,
                         published = excluded.published, updated = excluded.updated,
                         origin = excluded.origin, content_hash = excluded.content_hash,
                         upstream_hash = coalesce(excluded.upstream_hash, article.upstream_hash),
                         upstream_status = coalesce(excluded.upstream_status, article.upstream_status),
                         seq = excluded.seq, data = excluded.data,
                         undated_changes = coalesce(excluded.undated_changes, article.undated_changes)""",
                    [_article_row(w, first + i) for i, w in enumerate(items)],
                )
        return WriteResult(len(items))

    def touch(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self.transaction():
            first = self._next_seq(len(ids))
            self.conn.execute(
                "UPDATE article SET seq = t.seq FROM unnest(%s::text[], %s::bigint[]) AS t(id, seq)"
                " WHERE article.id = t.id",
                (list(ids), [first + i for i in range(len(ids))]),
            )

    def articles(self, query: ArticleFilter) -> list[StoredArticle]:
        where: list[str] = []
        params: list[Any] = []
        if query.section is not None:
            where.append("section = %s")
            params.append(query.section)
        if query.status is not None:
            where.append("status = %s")
            params.append(str(query.status))
        if query.published_before is not None:
            where.append("published <= %s")
            params.append(_utc(query.published_before))
        if query.published_after is not None:
            where.append("published > %s")
            params.append(_utc(query.published_after))
        if query.superseded:
            where.append("superseded_by IS NOT NULL")
        if query.origins is not None:
            where.append("origin = ANY(%s)")
            params.append(list(query.origins))
        text = f"SELECT {self._COLUMNS} FROM article"
        if where:
            text += " WHERE " + " AND ".join(where)
        text += " ORDER BY published DESC, id"
        if query.limit is not None:
            text += " LIMIT %s"
            params.append(query.limit)
        return [self._row(row) for row in self.conn.execute(text, params)]

    def feed_keys(self, section: str | None, now: datetime, limit: int) -> list[tuple[str, int]]:
        """(id, seq) of what a feed shows: newest published, not embargoed, not superseded (index only)."""
        at = _utc(now)
        visible = feed_visible("%s")
        if section is None:
            text = f"SELECT id, seq FROM article WHERE {visible} ORDER BY published DESC, id LIMIT %s"
            params: tuple[Any, ...] = (at, at, limit)
        else:
            text = f"SELECT id, seq FROM article WHERE section = %s AND {visible} ORDER BY published DESC, id LIMIT %s"
            params = (section, at, at, limit)
        return [(row[0], row[1]) for row in self.conn.execute(text, params)]

    def set_status(self, article_id: str, status: Status, now: datetime) -> StoredArticle:
        return change_status(self, article_id, status)

    def delete(self, article_id: str, now: datetime) -> None:
        with self.transaction():
            if self.get(article_id) is None:
                raise ArticleNotFoundError(article_id)
            self.conn.execute("DELETE FROM article WHERE id = %s", (article_id,))
            self.conn.execute("DELETE FROM citation WHERE article_id = %s", (article_id,))
            # (its passage keys outlive it, as its dedupe keys do: a near copy holding its guid is known by them)
            self.conn.execute("DELETE FROM upstream_change WHERE article_id = %s", (article_id,))
            self.conn.execute("DELETE FROM sighting WHERE article_id = %s", (article_id,))
            self.conn.execute(
                "INSERT INTO tombstone (article_id, deleted) VALUES (%s, %s)"
                " ON CONFLICT (article_id) DO UPDATE SET deleted = excluded.deleted",
                (article_id, _utc(now)),
            )

    def is_tombstoned(self, article_id: str) -> bool:
        return self._one("SELECT 1 FROM tombstone WHERE article_id = %s", (article_id,)) is not None

    def tombstone_count(self) -> int:
        return int(self._one("SELECT count(*) FROM tombstone"))

    def tombstoned(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.conn.execute("SELECT article_id FROM tombstone WHERE article_id = ANY(%s)", (list(ids),))
        return {row[0] for row in rows}

    def count(self) -> int:
        return int(self._one("SELECT count(*) FROM article"))

    # -- build state ----------------------------------------------------------------

    def feed_files(self) -> dict[str, FeedFileState]:
        rows = self.conn.execute("SELECT path, fingerprint, updated, size, mtime_ns, rendered_at FROM feed_file")
        return {
            path: FeedFileState(fp, _read(updated), size, mtime_ns, _read(rendered_at))
            for path, fp, updated, size, mtime_ns, rendered_at in rows
        }

    def save_feed_files(self, states: dict[str, FeedFileState]) -> None:
        with self.transaction(), self.conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO feed_file (path, fingerprint, updated, size, mtime_ns, rendered_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (path) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, updated = excluded.updated,"
                " size = excluded.size, mtime_ns = excluded.mtime_ns, rendered_at = excluded.rendered_at",
                [
                    (path, s.fingerprint, _stored(s.updated), s.size, s.mtime_ns, _stored(s.rendered_at))
                    for path, s in states.items()
                ],
            )

    def forget_feed_files(self, paths: Iterable[str]) -> None:
        gone = list(paths)
        if gone:
            with self.transaction():
                self.conn.execute("DELETE FROM feed_file WHERE path = ANY(%s)", (gone,))

    def mark_shown(self, ids: Iterable[str]) -> None:
        rows = [(i,) for i in ids]
        if rows:
            with self.transaction(), self.conn.cursor() as cursor:
                cursor.executemany("INSERT INTO shown (article_id) VALUES (%s) ON CONFLICT DO NOTHING", rows)

    def shown(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.conn.execute("SELECT article_id FROM shown WHERE article_id = ANY(%s)", (list(ids),))
        return {row[0] for row in rows}

    def get_meta(self, key: str) -> str | None:
        value = self._one("SELECT value FROM meta WHERE key = %s", (key,))
        return str(value) if value is not None else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- one story, one item ---------------------------------------------------------

    def set_citations(self, article_id: str, keys: Iterable[str]) -> None:
        self.set_citations_many({article_id: list(keys)})

    def set_citations_many(self, citations: Mapping[str, Sequence[str]]) -> None:
        if not citations:
            return
        pairs = [(k, a) for a, keys in citations.items() for k in keys]
        with self.transaction():
            self.conn.execute("DELETE FROM citation WHERE article_id = ANY(%s)", (list(citations),))
            if pairs:
                self.conn.execute(
                    "INSERT INTO citation (key, article_id) SELECT * FROM unnest(%s::text[], %s::text[])"
                    " ON CONFLICT DO NOTHING",
                    ([k for k, _ in pairs], [a for _, a in pairs]),
                )

    def add_citations(self, rows: Iterable[tuple[str, str]]) -> None:
        pairs = list(rows)
        if pairs:
            self.conn.execute(
                "INSERT INTO citation (key, article_id) SELECT * FROM unnest(%s::text[], %s::text[])"
                " ON CONFLICT DO NOTHING",
                ([k for k, _ in pairs], [a for _, a in pairs]),
            )

    def superseded_many(self, ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if not ids:
            return out
        rows = self.conn.execute(
            "SELECT superseded_by, id FROM article WHERE superseded_by = ANY(%s) ORDER BY superseded_by, id",
            (list(ids),),
        )
        for article_id, release_id in rows:
            out.setdefault(article_id, []).append(release_id)
        return out

    def cited_pairs(self, releases: Sequence[str] = (), articles: Sequence[str] = ()) -> set[tuple[str, str]]:
        if not releases and not articles:
            return set()
        pairs = "SELECT d.article_id, c.article_id FROM dedupe_key AS d JOIN citation AS c ON c.key = d.key"
        # a UNION, not an OR across the join: each side is looked up by its own index
        rows = self.conn.execute(
            f"{pairs} WHERE d.article_id = ANY(%s) UNION {pairs} WHERE c.article_id = ANY(%s)",
            (list(releases), list(articles)),
        )
        return {(row[0], row[1]) for row in rows}

    def add_passages(self, rows: Iterable[tuple[str, str]]) -> None:
        pairs = list(rows)
        if not pairs:
            return
        with self.transaction():
            self.conn.execute(
                "INSERT INTO passage (key, article_id) SELECT * FROM unnest(%s::text[], %s::text[])"
                " ON CONFLICT DO NOTHING",
                ([k for k, _ in pairs], [a for _, a in pairs]),
            )

    def shares_passage(self, release_id: str, article_id: str) -> bool:
        sql = (
            "SELECT 1 FROM passage AS p JOIN citation AS c ON c.key = p.key"
            " WHERE p.article_id = %s AND c.article_id = %s LIMIT 1"
        )
        return self.conn.execute(sql, (release_id, article_id)).fetchone() is not None

    def passage_pairs(
        self, releases: Sequence[str] = (), articles: Sequence[str] = (), within: timedelta = timedelta(days=3)
    ) -> dict[tuple[str, str], tuple[int, float]]:
        if not releases and not articles:
            return {}
        apart = "abs(extract(epoch FROM r.published - a.published))"
        pairs = (
            f"SELECT p.article_id, c.article_id, count(*), min({apart}) FROM passage AS p"
            " JOIN citation AS c ON c.key = p.key JOIN article AS r ON r.id = p.article_id"
            f" JOIN article AS a ON a.id = c.article_id WHERE {apart} <= %s"
        )
        seconds = within.total_seconds()
        rows = self.conn.execute(
            f"{pairs} AND p.article_id = ANY(%s) GROUP BY 1, 2 UNION {pairs} AND c.article_id = ANY(%s) GROUP BY 1, 2",
            (seconds, list(releases), seconds, list(articles)),
        )
        return {(row[0], row[1]): (int(row[2]), round(float(row[3]))) for row in rows}

    def link_story(self, release_id: str, article_id: str, adopt: bool) -> None:
        """`article_id` supersedes `release_id`; with `adopt` it takes over the release's guid too."""
        with self.transaction():
            first = self._next_seq(2)
            self.conn.execute(
                "UPDATE article SET superseded_by = %s, seq = %s WHERE id = %s", (article_id, first, release_id)
            )
            if adopt:
                self.conn.execute(
                    "UPDATE article SET feed_guid = %s, feed_guid_updated ="
                    " (SELECT updated FROM article WHERE id = %s), seq = %s WHERE id = %s",
                    (release_id, release_id, first + 1, article_id),
                )

    def unlink_story(self, release_id: str) -> None:
        with self.transaction():
            first = self._next_seq(2)
            self.conn.execute(
                "UPDATE article SET feed_guid = NULL, feed_guid_updated = NULL, seq = %s WHERE feed_guid = %s",
                (first, release_id),
            )
            self.conn.execute(
                "UPDATE article SET superseded_by = NULL, keep_both = false, seq = %s WHERE id = %s",
                (first + 1, release_id),
            )

    def set_keep_both(self, release_id: str, keep: bool) -> None:
        with self.transaction():
            first = self._next_seq(2)
            if keep:  # both in the feeds: they cannot share a guid
                self.conn.execute(
                    "UPDATE article SET feed_guid = NULL, feed_guid_updated = NULL, seq = %s WHERE feed_guid = %s",
                    (first, release_id),
                )
            self.conn.execute(
                "UPDATE article SET keep_both = %s, seq = %s WHERE id = %s", (keep, first + 1, release_id)
            )

    # -- full text --------------------------------------------------------------------

    _PAGE = PAGE_COLUMNS

    @staticmethod
    def _page(row: Sequence[Any]) -> PageState:
        return page_state(row, _read)

    def pages(self, ids: Sequence[str]) -> dict[str, PageState]:
        if not ids:
            return {}
        rows = self.conn.execute(f"SELECT {self._PAGE} FROM page WHERE article_id = ANY(%s)", (list(ids),))
        return {page.article_id: page for page in map(self._page, rows)}

    def save_pages(self, pages: Iterable[PageState]) -> None:
        self._upsert("page", self._PAGE, "article_id", [page_row(p, _utc) for p in pages])

    def _upsert(self, table: str, columns: str, key: str, rows: list[tuple[Any, ...]], keep: str = "") -> None:
        """Insert rows, each replacing the one of its `key` (columns), but in the columns `keep` names."""
        if not rows:
            return
        names = [c.strip() for c in columns.split(",")]
        kept = {c.strip() for c in f"{key},{keep}".split(",")}
        update = ", ".join(f"{c} = excluded.{c}" for c in names if c not in kept)
        with self.transaction(), self.conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
                f" ON CONFLICT ({key}) DO UPDATE SET {update}",
                rows,
            )

    def held(self, origin: str) -> list[PageState]:
        rows = self.conn.execute(
            f"SELECT {', '.join('page.' + c.strip() for c in self._PAGE.split(','))} FROM page"
            " JOIN article ON article.id = page.article_id"
            " WHERE page.status = 'failed' AND article.origin = %s ORDER BY page.article_id",
            (origin,),
        )
        return [self._page(row) for row in rows]

    # -- local edits ----------------------------------------------------------------------

    def upstream_changes(self, ids: Sequence[str]) -> dict[str, UpstreamChange]:
        if not ids:
            return {}
        rows = self.conn.execute(
            f"SELECT {UPSTREAM_CHANGE_COLUMNS} FROM upstream_change WHERE article_id = ANY(%s)", (list(ids),)
        )
        return {row[0]: upstream_change(row, _read) for row in rows}

    def changed_upstream(self) -> dict[str, list[str]]:
        return grouped(self.conn.execute(CHANGED_UPSTREAM))

    def unblock_undated(self, origin: str, limit: int) -> int:
        with self.transaction():
            return self.conn.execute(unblock_undated_sql("%s"), (limit, limit, origin)).rowcount

    def save_upstream_changes(self, changes: Iterable[UpstreamChange]) -> None:
        rows = [upstream_change_row(c, _utc) for c in changes]
        self._upsert("upstream_change", UPSTREAM_CHANGE_COLUMNS, "article_id", rows, keep="seen")

    def drop_upstream_changes(self, ids: Sequence[str]) -> None:
        if ids:
            with self.transaction():
                self.conn.execute("DELETE FROM upstream_change WHERE article_id = ANY(%s)", (list(ids),))

    def sightings(self, ids: Sequence[str]) -> dict[str, dict[str, Sighting]]:
        if not ids:
            return {}
        rows = self.conn.execute(f"SELECT {SIGHTING_COLUMNS} FROM sighting WHERE article_id = ANY(%s)", (list(ids),))
        return sightings_by_article(rows)

    def held_corrections(self) -> dict[str, list[str]]:
        return grouped(self.conn.execute(HELD_CORRECTIONS))

    def release_held(self, source_id: str) -> int:
        with self.transaction():
            return self.conn.execute(RELEASE_HELD.format(p="%s"), (source_id,)).rowcount

    def waiting_corrections(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.conn.execute(WAITING_CORRECTIONS)}

    def save_sightings(self, sightings: Iterable[Sighting]) -> None:
        self._upsert("sighting", SIGHTING_COLUMNS, "article_id, source_id", [sighting_row(s) for s in sightings])

    # -- ingest state ------------------------------------------------------------------

    def dedupe_lookup(self, keys: Sequence[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.conn.execute("SELECT key, article_id FROM dedupe_key WHERE key = ANY(%s)", (list(keys),))
        return {row[0]: row[1] for row in rows}

    def add_dedupe_keys(self, keys: Iterable[tuple[str, str, str]]) -> None:
        rows = list(keys)
        if not rows:
            return
        with self.transaction():
            self.conn.execute(
                "INSERT INTO dedupe_key (key, article_id, source_id)"
                " SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]),
            )

    def dedupe_sources(self, ids: Sequence[str]) -> dict[str, list[str]]:
        if not ids:
            return {}
        rows = self.conn.execute(
            "SELECT DISTINCT article_id, source_id FROM dedupe_key WHERE article_id = ANY(%s) ORDER BY 1, 2",
            (list(ids),),
        )
        return grouped(rows)

    def source_state(self, source_id: str) -> dict[str, Any] | None:
        data = self._one("SELECT data FROM source_state WHERE id = %s", (source_id,))
        return json.loads(data) if data is not None else None

    def save_source_state(self, source_id: str, state: dict[str, Any]) -> None:
        self.save_source_states({source_id: state})

    def save_source_states(self, states: Mapping[str, dict[str, Any]]) -> None:
        if not states:
            return
        with self.transaction(), self.conn.cursor() as cursor:
            cursor.executemany(  # pipelined: one round trip for a run's every source
                "INSERT INTO source_state (id, data) VALUES (%s, %s)"
                " ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                source_state_rows(states),
            )

    def source_states(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for source_id, data in self.conn.execute("SELECT id, data FROM source_state ORDER BY id").fetchall():
            yield source_id, json.loads(data)

    # -- the whole store (pressfeed store copy) ----------------------------------------

    def dump(self) -> Iterator[Batch]:
        """Every table from one REPEATABLE READ snapshot, in SQLite's value forms (times as UTC text)."""
        if self._depth:
            raise StoreError(f"{self.location}: dump() inside a transaction")
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for table, columns in TABLES.items():
                with self.conn.cursor(name=f"dump_{table}") as cursor:
                    cursor.execute(_dump_query(table, columns))
                    while rows := cursor.fetchmany(DUMP_BATCH):
                        yield table, rows

    def load(self, batches: Iterable[Batch]) -> dict[str, int]:
        counts = dict.fromkeys(TABLES, 0)
        with self.transaction(), self.conn.cursor() as cursor:
            held = table_with_data(cursor.execute)  # `store copy` fills new stores only
            if held is not None:
                raise StoreNotEmptyError(
                    f"{self.location}: the store already holds data ({held}); copy into a new, empty store"
                )
            cursor.execute("DELETE FROM meta")  # what migrations put there: the source's values replace it
            for table, rows in batches:
                columns = TABLES[table]
                booleans = [i for i, c in enumerate(columns) if (table, c) in BOOL_COLUMNS]
                target = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
                )
                with cursor.copy(target) as copy:
                    for row in rows:
                        if booleans:
                            row = tuple(bool(v) if i in booleans else v for i, v in enumerate(row))
                        copy.write_row(row)
                counts[table] += len(rows)
        return counts


def _dump_query(table: str, columns: Sequence[str]) -> str:
    """SELECT of a table's rows with times as utc_text and booleans as 0/1, as SQLite stores them."""
    out = []
    for column in columns:
        if (table, column) in TIME_COLUMNS:
            out.append(f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')""")
        elif (table, column) in BOOL_COLUMNS:
            out.append(f"{column}::int")
        else:
            out.append(column)
    return f"SELECT {', '.join(out)} FROM {table} ORDER BY 1"


def _connect(url: str, location: str) -> psycopg.Connection[Any]:
    """A connection in autocommit mode (transactions are explicit), named for pg_stat_activity."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as exc:
        raise StoreError(f"{location}: not a usable PostgreSQL URL: {exc}") from None
    extra: dict[str, Any] = {}
    if "application_name" not in params:
        extra["application_name"] = f"pressfeed on {socket.gethostname()}"[:63]
    if "connect_timeout" not in params:
        extra["connect_timeout"] = 10
    if "client_encoding" not in params:  # text as UTF-8 whatever PGCLIENTENCODING says; on a SQL_ASCII database
        extra["client_encoding"] = "utf8"  # psycopg would otherwise send every str as bytes (text = bytea)
    try:
        return psycopg.connect(url, autocommit=True, **extra)
    except psycopg.Error as exc:
        host = params.get("host") or "the local socket"
        where = f"{host}:{params.get('port') or 5432}"
        message = " ".join(str(exc).split())
        raise StoreError(f"cannot connect to PostgreSQL at {where} ({location}): {message}") from None


#: pg_locks' row `l` of a session advisory lock (its key's two halves as parameters) held in the current database
_RUN_LOCK_HELD = (
    "l.locktype = 'advisory' AND l.granted AND l.classid = %s::oid AND l.objid = %s::oid"
    " AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def _halves(key: int) -> tuple[int, int]:
    """An advisory lock key as pg_locks shows it: classid (the high 32 bits), objid (the low)."""
    return (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF


def _key(purpose: str, schema: str) -> int:
    """A 64-bit advisory lock key for this purpose and schema."""
    digest = hashlib.sha256(f"pressfeed {purpose} {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _article_row(write: ArticleWrite, seq: int) -> tuple[Any, ...]:
    article = write.article
    return (
        article.id,
        article.section,
        str(article.status),
        _utc(article.published),
        _utc(article.updated),
        write.origin,
        write.encoded.content_hash,
        write.upstream_hash,
        str(write.upstream_status) if write.upstream_status is not None else None,
        seq,
        write.encoded.data,
        write.undated_changes,
    )


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
