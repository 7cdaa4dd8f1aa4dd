"""The storage interface the rest of pressfeed depends on, and the contract every backend keeps.

The contract (pinned for every backend by ``tests/test_store.py``):

* **Transactions.** `transaction()` is one write transaction; nested calls
  join the outer one; an exception rolls all of it back. Write transactions
  are serialized (one writer at a time), so a read inside one sees every
  earlier commit and no other writer's changes until it ends.
* **The sequence.** Every write of an article, and every change to a story
  link (`link_story`, `unlink_story`, `set_keep_both`), gives the rows it
  touches a new `seq`, larger than any before. Feed fingerprints are built
  from (id, seq), so a changed row always changes its feeds' fingerprints.
* **Upstream bookkeeping.** A write with `upstream_hash`/`upstream_status`
  records them; a write without (an editor's local change) keeps the stored
  ones (rules: :mod:`pressfeed.merge`).
* **Tombstones.** `delete` removes the article and its citations and leaves a
  tombstone; dedupe keys stay, so no source brings the article back.
* **Times** are stored to the second, in UTC: what is compared is
  ``model.utc_text`` of both sides, so an item published at 12:00:00.7 is in
  a feed built at 12:00:00 (embargo: published > now is not).
* **Order.** Ties in time are broken by id, compared as bytes (SQLite's
  BINARY, PostgreSQL's "C" collation), so every backend lists the same items
  in the same order and builds byte-identical feeds.
* **Migrations.** Opening a store brings its schema to the current version,
  each step in a transaction; a store newer than this pressfeed is refused.
* **Errors.** A backend's own errors leave a store as :class:`StoreError`
  naming the store (:func:`translate_errors`); the CLI exits 74 on them.
* **The run lock.** `lock(wait)` is held by one pressfeed run at a time among
  every process, on every host, that uses the store.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import FunctionType, TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..errors import ArticleNotFoundError, LockedError, StoreError
from ..terms import ArticleFilter, Status

if TYPE_CHECKING:
    import os

    from ..model import Article, EncodedArticle


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store holds it, with the bookkeeping around it (rules: :mod:`pressfeed.merge`)."""

    article: Article
    #: "cms" for imported records, "source:<id>" for ingested ones
    origin: str
    content_hash: str
    #: content hash and status of the version last taken from upstream; None for local-only articles
    upstream_hash: str | None
    upstream_status: str | None
    #: bumped on every write; feed fingerprints are built from it
    seq: int
    #: one story, one item (pressfeed.stories): the CMS article that supersedes this release
    superseded_by: str | None = None
    #: an editor publishes this release beside the article that supersedes it
    keep_both: bool = False
    #: the guid of a release this CMS article replaced in the feeds, and that release's `updated` then
    feed_guid: str | None = None
    feed_guid_updated: datetime | None = None
    #: upstream's changes taken without a date of its own since it last dated one (pressfeed.merge.undated_changes)
    undated_changes: int = 0


@dataclass(frozen=True, slots=True)
class PageState:
    """What pressfeed read of an ingested item's linked page (pressfeed.ingest.fulltext)."""

    article_id: str
    #: what the feed said of the item when the page was read
    entry_hash: str
    url: str
    #: "done" (text taken) or "failed" (the item is held as a draft, or keeps the text of an earlier read)
    status: str
    attempts: int
    fetched: datetime
    next_try: datetime | None = None
    reason: str = ""
    #: the page's text; a failed re-read carries the earlier read's (and its files), never erases it
    body_html: str = ""
    #: (url, type, title) of the files the page offers
    attachments: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class UpstreamChange:
    """An upstream version of an ingested article that an editor's local edit kept out (pressfeed.merge): the
    latest one, and when upstream first changed the article since the edit."""

    article_id: str
    content_hash: str
    status: str
    #: the version as the article row stores it (article.data: its content JSON with `updated` and `status`)
    data: str
    seen: datetime

    @classmethod
    def kept(cls, encoded: EncodedArticle, seen: datetime) -> UpstreamChange:
        """`encoded` as the version kept out, seen at `seen`."""
        return cls(encoded.id, encoded.content_hash, str(encoded.status), encoded.data, seen)

    @property
    def article(self) -> Article:
        return _article_from_dict()(json.loads(self.data))


@dataclass(frozen=True, slots=True)
class Sighting:
    """What one source last gave of an article, in words (pressfeed.ingest.copies)."""

    article_id: str
    source_id: str
    #: the digest of its item's words at its last fetch
    seen: str
    #: the digest of the words that count as its version: the first it gave, or one it gave at two fetches in a row
    taken: str
    #: the article's words are this source's version, not its owner's
    carries: bool = False
    #: the digest of the version it gave before `taken` ("" for none)
    earlier: str = ""
    #: when it first gave the words `seen` (UTC, ISO 8601); "" for a first sighting, or a correction held back;
    #: "reset" (and the time of its next new words) once `sources reset` of its source lets a held one through
    since: str = ""
    #: a copy's words of `taken` (pressfeed.ingest.copies.words_of), what its next change is made from
    words: str = ""
    #: a carrying copy's words before the first of the corrections it carries
    was: str = ""


@dataclass(frozen=True, slots=True)
class ArticleWrite:
    """An intent to store an article (new or changed)."""

    encoded: EncodedArticle
    origin: str
    #: content hash and status of the upstream version this write takes in;
    #: None for an editor's local change (the stored upstream values stay)
    upstream_hash: str | None = None
    upstream_status: Status | None = None
    #: StoredArticle.undated_changes from this write on; None: the stored count stays
    undated_changes: int | None = None

    @classmethod
    def from_upstream(
        cls,
        encoded: EncodedArticle,
        origin: str,
        upstream: EncodedArticle | None = None,
        *,
        undated_changes: int | None = None,
    ) -> ArticleWrite:
        """Store `encoded`, taken in from upstream version `upstream` (itself by default)."""
        taken = upstream or encoded
        return cls(encoded, origin, taken.content_hash, taken.status, undated_changes)

    @property
    def article(self) -> Article:
        return self.encoded.article


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int


@dataclass(frozen=True, slots=True)
class FeedFileState:
    """A published file as the build left it: what it was rendered from, and its stat."""

    #: the feed's settings and items (ids and their write sequence): the same fingerprint renders the same bytes
    fingerprint: str
    #: the feed-level updated time written into the file
    updated: datetime | None = None
    #: os.stat() of the file as written: while it matches, the file is taken to hold what was written
    size: int = -1
    mtime_ns: int = -1
    #: the time its dates were clamped to when it was rendered (publish.build.not_ahead); None: recorded by a
    #: version before it was kept
    rendered_at: datetime | None = None


#: every table `store copy` moves, in load order, with its columns in the order rows travel. Values travel
#: in SQLite's form: times as UTC text (model.utc_text), booleans as 0/1 (see Store.dump)
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "article": (
        "id",
        "section",
        "status",
        "published",
        "updated",
        "origin",
        "content_hash",
        "upstream_hash",
        "upstream_status",
        "seq",
        "data",
        "superseded_by",
        "keep_both",
        "feed_guid",
        "feed_guid_updated",
        "undated_changes",
    ),
    "tombstone": ("article_id", "deleted"),
    "dedupe_key": ("key", "article_id", "source_id"),
    "citation": ("key", "article_id"),
    "passage": ("key", "article_id"),
    "page": (
        "article_id",
        "entry_hash",
        "url",
        "status",
        "attempts",
        "next_try",
        "reason",
        "body_html",
        "attachments",
        "fetched",
    ),
    "source_state": ("id", "data"),
    "feed_file": ("path", "fingerprint", "updated", "size", "mtime_ns", "rendered_at"),
    "shown": ("article_id",),
    "upstream_change": ("article_id", "content_hash", "status", "data", "seen"),
    "sighting": ("article_id", "source_id", "seen", "taken", "carries", "earlier", "since", "words", "was"),
}


def table_with_data(execute: Callable[[str], Any]) -> str | None:
    """The first table that has a row, the schema's own bookkeeping (meta) aside; None: the store is new.

    `execute` runs a query and gives a cursor (sqlite3's connection or psycopg's cursor).
    """
    for table in TABLES:
        if table != "meta" and execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            return table
    return None


#: the columns of TABLES that hold times, and those that hold booleans
TIME_COLUMNS = {
    ("article", "published"),
    ("article", "updated"),
    ("article", "feed_guid_updated"),
    ("tombstone", "deleted"),
    ("page", "next_try"),
    ("page", "fetched"),
    ("feed_file", "updated"),
    ("feed_file", "rendered_at"),
    ("upstream_change", "seen"),
}
BOOL_COLUMNS = {("article", "keep_both"), ("sighting", "carries")}
#: rows of a table, as `Store.dump` yields them a batch at a time
Batch = tuple[str, list[tuple[Any, ...]]]


# Row codecs both backends share: the same columns, in this order; only how a
# time is written and read back differs (SQLite: `utc_text`; PostgreSQL: timestamptz).
TimeReader = Callable[[Any], datetime | None]
TimeWriter = Callable[[datetime], Any]

#: the article columns a StoredArticle is read from (`stored_article`)
ARTICLE_COLUMNS = (
    "data, origin, content_hash, upstream_hash, upstream_status, seq,"
    " superseded_by, keep_both, feed_guid, feed_guid_updated, undated_changes"
)
#: the upstream_change columns, as UpstreamChange has them
UPSTREAM_CHANGE_COLUMNS = "article_id, content_hash, status, data, seen"
#: the page columns, as `page_state` reads and `page_row` writes them
PAGE_COLUMNS = "article_id, entry_hash, url, status, attempts, fetched, next_try, reason, body_html, attachments"


def feed_visible(param: str) -> str:
    """The SQL condition for an article a feed shows, both backends: published and due, and not
    a release superseded by a newsroom article that is itself in the feeds. Takes the build's
    time twice, as `param` (the backend's placeholder)."""
    return (
        f"status = 'published' AND published <= {param} AND (superseded_by IS NULL OR keep_both OR NOT EXISTS ("
        "SELECT 1 FROM article AS c WHERE c.id = article.superseded_by"
        f" AND c.status = 'published' AND c.published <= {param}))"
    )


@functools.cache
def _article_from_dict() -> Callable[[dict[str, Any]], Article]:
    """model.article_from_dict, imported at the first article read: a run that reads none (the cron
    job with nothing new) never builds the record types. Cached, so a read costs no import statement."""
    from ..model import article_from_dict

    return article_from_dict


def stored_article(row: Sequence[Any], read_time: TimeReader) -> StoredArticle:
    """A row of ARTICLE_COLUMNS as a StoredArticle."""
    return StoredArticle(
        article=_article_from_dict()(json.loads(row[0])),
        origin=row[1],
        content_hash=row[2],
        upstream_hash=row[3],
        upstream_status=row[4],
        seq=row[5],
        superseded_by=row[6],
        keep_both=bool(row[7]),
        feed_guid=row[8],
        feed_guid_updated=read_time(row[9]),
        undated_changes=row[10] or 0,
    )


def source_state_rows(states: Mapping[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(id, data) rows of source states, both backends: the JSON with sorted keys (a copy compares equal)."""
    return [(source_id, json.dumps(state, ensure_ascii=False, sort_keys=True)) for source_id, state in states.items()]


def page_state(row: Sequence[Any], read_time: TimeReader) -> PageState:
    """A row of PAGE_COLUMNS as a PageState."""
    fetched = read_time(row[5])
    assert fetched is not None  # NOT NULL in both schemas
    return PageState(
        article_id=row[0],
        entry_hash=row[1],
        url=row[2],
        status=row[3],
        attempts=row[4],
        fetched=fetched,
        next_try=read_time(row[6]),
        reason=row[7] or "",
        body_html=row[8] or "",
        attachments=tuple(tuple(a) for a in json.loads(row[9] or "[]")),
    )


def page_row(page: PageState, write_time: TimeWriter) -> tuple[Any, ...]:
    """A PageState as a row of PAGE_COLUMNS."""
    return (
        page.article_id,
        page.entry_hash,
        page.url,
        page.status,
        page.attempts,
        write_time(page.fetched),
        write_time(page.next_try) if page.next_try else None,
        page.reason,
        page.body_html,
        json.dumps([list(a) for a in page.attachments], ensure_ascii=False),
    )


#: the articles whose local edit kept an upstream version out, with their origin (`Store.changed_upstream`): still
#: edited (an edit undone leaves its row until the next fetch or `articles revert` drops it)
CHANGED_UPSTREAM = (
    "SELECT article.origin, article.id FROM upstream_change"
    " JOIN article ON article.id = upstream_change.article_id"
    " WHERE article.upstream_hash IS NOT NULL AND article.upstream_hash <> article.content_hash ORDER BY article.id"
)


#: the articles an editor's undone edit left with a copy's correction kept out, and that copy's source
#: (pressfeed.ingest.copies: taken at the next run)
WAITING_CORRECTIONS = (
    "SELECT upstream_change.article_id, sighting.source_id FROM upstream_change"
    " JOIN sighting ON sighting.article_id = upstream_change.article_id"
    " JOIN article ON article.id = upstream_change.article_id"
    " WHERE sighting.carries AND article.upstream_hash = article.content_hash ORDER BY upstream_change.article_id"
)


#: Store.held_corrections (the partial index sighting_held holds these rows)
HELD_CORRECTIONS = (
    "SELECT source_id, article_id FROM sighting WHERE since = '' AND seen <> taken ORDER BY source_id, article_id"
)
#: Store.release_held, with the backend's placeholder
RELEASE_HELD = "UPDATE sighting SET since = 'reset' WHERE source_id = {p} AND since = '' AND seen <> taken"


def unblock_undated_sql(p: str) -> str:
    """Store.unblock_undated's statement, with the backend's placeholder `p` (the partial index article_undated
    holds the rows `undated_changes > 0` finds)."""
    return (
        f"UPDATE article SET undated_changes = {p} - 1"
        f" WHERE undated_changes > 0 AND undated_changes >= {p} AND origin = {p}"
    )


def grouped(rows: Iterable[Sequence[Any]]) -> dict[str, list[str]]:
    """(key, value) rows as the values of each key, in row order: (origin, article id), (article id, source)."""
    found: dict[str, list[str]] = {}
    for key, value in rows:
        found.setdefault(key, []).append(value)
    return found


#: the sighting columns, as Sighting has them
SIGHTING_COLUMNS = "article_id, source_id, seen, taken, carries, earlier, since, words, was"


def sightings_by_article(rows: Iterable[Sequence[Any]]) -> dict[str, dict[str, Sighting]]:
    """Rows of SIGHTING_COLUMNS, by article and source."""
    found: dict[str, dict[str, Sighting]] = {}
    for row in rows:
        found.setdefault(row[0], {})[row[1]] = Sighting(row[0], row[1], row[2], row[3], bool(row[4]), *row[5:9])
    return found


def sighting_row(sighting: Sighting) -> tuple[Any, ...]:
    """A Sighting as a row of SIGHTING_COLUMNS (`carries` as both backends take a boolean)."""
    s = sighting
    return (s.article_id, s.source_id, s.seen, s.taken, s.carries, s.earlier, s.since, s.words, s.was)


def upstream_change(row: Sequence[Any], read_time: TimeReader) -> UpstreamChange:
    """A row of UPSTREAM_CHANGE_COLUMNS as an UpstreamChange."""
    seen = read_time(row[4])
    assert seen is not None  # NOT NULL in both schemas
    return UpstreamChange(row[0], row[1], row[2], row[3], seen)


def upstream_change_row(change: UpstreamChange, write_time: TimeWriter) -> tuple[Any, ...]:
    """An UpstreamChange as a row of UPSTREAM_CHANGE_COLUMNS."""
    return (change.article_id, change.content_hash, change.status, change.data, write_time(change.seen))


def change_status(store: Store, article_id: str, status: Status) -> StoredArticle:
    """`Store.set_status` on any backend: one read-modify-write in a transaction."""
    from ..model import encode

    with store.transaction():
        stored = store.get(article_id)
        if stored is None:
            raise ArticleNotFoundError(article_id)
        if stored.article.status != status:
            store.write([ArticleWrite(encode(replace(stored.article, status=status)), stored.origin)])
        result = store.get(article_id)
    assert result is not None
    return result


class Store(Protocol):
    #: where the store is, for messages: a file path, or a PostgreSQL URL without its password
    location: str
    #: only this machine can use the store (a SQLite file): its run lock is also the site's
    local: bool

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def lock(self, wait: float) -> AbstractContextManager[None]:
        """The run lock: held by one pressfeed run at a time among all users of this store.

        Waits up to `wait` seconds, then raises LockedError.
        """
        ...

    # the whole store, for `pressfeed store copy`
    def dump(self) -> Iterator[Batch]:
        """Every row of every table (TABLES, in its order), a batch at a time, from one consistent snapshot."""
        ...

    def load(self, batches: Iterable[Batch]) -> dict[str, int]:
        """Fill this store, which must hold no data yet, from `dump()` batches, in one transaction; rows per table."""
        ...

    # articles
    def get(self, article_id: str) -> StoredArticle | None: ...

    def get_many(self, ids: Sequence[str]) -> dict[str, StoredArticle]: ...

    def write(self, writes: Iterable[ArticleWrite]) -> WriteResult: ...

    def articles(self, query: ArticleFilter) -> list[StoredArticle]: ...

    def touch(self, ids: Sequence[str]) -> None:
        """Give the articles new seqs, unchanged: the feeds that show them are rendered again (a copy another
        source brought may change the terms they go out under)."""
        ...

    def feed_keys(self, section: str | None, now: datetime, limit: int) -> list[tuple[str, int]]: ...

    def set_status(self, article_id: str, status: Status, now: datetime) -> StoredArticle: ...

    def delete(self, article_id: str, now: datetime) -> None: ...

    def is_tombstoned(self, article_id: str) -> bool: ...

    def tombstoned(self, ids: Sequence[str]) -> set[str]: ...

    #: how many articles were ever deleted (tombstones): a new one can change what an import does
    def tombstone_count(self) -> int: ...

    def count(self) -> int: ...

    # build state
    def feed_files(self) -> dict[str, FeedFileState]: ...

    def save_feed_files(self, states: dict[str, FeedFileState]) -> None: ...

    def forget_feed_files(self, paths: Iterable[str]) -> None: ...

    def mark_shown(self, ids: Iterable[str]) -> None:
        """Record that these articles are in a published feed (readers have them from now on)."""
        ...

    def shown(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` that have ever been in a published feed."""
        ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    # one story, one item
    def set_citations(self, article_id: str, keys: Iterable[str]) -> None: ...

    def set_citations_many(self, citations: Mapping[str, Sequence[str]]) -> None:
        """`set_citations` for many articles at once (article id → its keys)."""
        ...

    #: (key, article_id) pairs, existing ones ignored: the citations of articles that had none
    def add_citations(self, rows: Iterable[tuple[str, str]]) -> None: ...

    def superseded_many(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """article id → the releases it supersedes (sorted), for the ids that supersede any."""
        ...

    def cited_pairs(self, releases: Sequence[str] = (), articles: Sequence[str] = ()) -> set[tuple[str, str]]:
        """(release id, article id) of every article citing a release by a key that release is known by (its
        dedupe keys, which outlive it), where the release is one of `releases` or the article one of `articles`."""
        ...

    #: (passage key, release id) pairs, existing ones ignored (pressfeed.stories.passage_keys)
    def add_passages(self, rows: Iterable[tuple[str, str]]) -> None: ...

    def shares_passage(self, release_id: str, article_id: str) -> bool:
        """Does the article cite one of the release's passage keys? They outlive the release (as its dedupe keys
        do): a near copy of a deleted release, whose text is compared no more, is known by them."""
        ...

    def passage_pairs(
        self, releases: Sequence[str] = (), articles: Sequence[str] = (), within: timedelta = timedelta(days=3)
    ) -> dict[tuple[str, str], tuple[int, float]]:
        """(release id, article id) → (how many passage keys they share, seconds between their publication,
        whole), of every article sharing one with a release published `within` of it, where the release is
        one of `releases` or the article one of `articles`: a near copy's candidates (pressfeed.stories)."""
        ...

    def link_story(self, release_id: str, article_id: str, adopt: bool) -> None: ...

    def unlink_story(self, release_id: str) -> None: ...

    def set_keep_both(self, release_id: str, keep: bool) -> None: ...

    # full text
    def pages(self, ids: Sequence[str]) -> dict[str, PageState]: ...

    def save_pages(self, pages: Iterable[PageState]) -> None: ...

    def held(self, origin: str) -> list[PageState]: ...

    def upstream_changes(self, ids: Sequence[str]) -> dict[str, UpstreamChange]:
        """The upstream versions local edits of these articles kept out."""
        ...

    def changed_upstream(self) -> dict[str, list[str]]:
        """The articles whose local edit kept an upstream version out, by origin ("source:<id>")."""
        ...

    def unblock_undated(self, origin: str, limit: int) -> int:
        """The origin's articles whose changes without a date reached `limit`, and so are no longer taken
        (pressfeed.merge.undated_changes), get their next one taken: their count one below it (`sources
        reset`). How many they were."""
        ...

    def save_upstream_changes(self, changes: Iterable[UpstreamChange]) -> None:
        """Record versions kept out; an article's row keeps the `seen` it was first recorded with."""
        ...

    def drop_upstream_changes(self, ids: Sequence[str]) -> None: ...

    # what each source last gave of an article (pressfeed.ingest.copies)
    def sightings(self, ids: Sequence[str]) -> dict[str, dict[str, Sighting]]:
        """Article id → source id → its sighting, for these articles (those without any left out)."""
        ...

    def save_sightings(self, sightings: Iterable[Sighting]) -> None:
        """Record sightings, each replacing the one of its article and source."""
        ...

    def waiting_corrections(self) -> dict[str, str]:
        """Article id → source id: the articles no longer edited whose kept-out version is that copy's correction."""
        ...

    def held_corrections(self) -> dict[str, list[str]]:
        """Source id → the articles its copies' corrections are held back from (pressfeed.ingest.copies)."""
        ...

    def release_held(self, source_id: str) -> int:
        """Let the source's held-back corrections through at the next run (`sources reset`); how many."""
        ...

    # ingest state
    def dedupe_lookup(self, keys: Sequence[str]) -> dict[str, str]: ...

    def add_dedupe_keys(self, keys: Iterable[tuple[str, str, str]]) -> None: ...

    def dedupe_sources(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """The sources whose items are each article (its own and its copies'), by the keys they gave; articles
        without keys are left out."""
        ...

    def source_state(self, source_id: str) -> dict[str, Any] | None: ...

    def save_source_state(self, source_id: str, state: dict[str, Any]) -> None: ...

    def save_source_states(self, states: Mapping[str, dict[str, Any]]) -> None:
        """Several sources' states in one statement (a run saves every source's)."""
        ...

    def source_states(self) -> Iterator[tuple[str, dict[str, Any]]]: ...


#: seconds between attempts while a lock is waited for (filelock's default)
LOCK_POLL = 0.05
#: descriptors of the flock(2) locks this process holds; a forked child closes its copies (as filelock
#: has it do), so a lock stays its holder's alone and goes when the holder dies
_HELD: set[int] = set()
_FORK_HOOK: list[bool] = []


@contextmanager
def file_lock(path: Path, wait: float) -> Iterator[None]:
    """An exclusive lock on a file (released by the kernel if the process dies); LockedError after `wait` s.

    flock(2) on the file, as filelock takes it, without importing filelock (~12 ms of every cron start);
    where flock is missing (no fcntl, or a file system without it) filelock and its fallback take over.
    """
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _flock(path, wait)
    if fd is None:
        with _filelock(path, wait):
            yield
        return
    try:
        yield
    finally:
        if fd in _HELD:  # (a forked child has closed it already)
            _HELD.discard(fd)
            os.close(fd)  # the only descriptor of this open file: the lock goes with it


def _flock(path: Path, wait: float) -> int | None:
    """The descriptor of `path` locked with flock(2), polled for up to `wait` s; None without flock."""
    import errno
    import os
    import time

    try:
        import fcntl
    except ImportError:
        return None
    fd, created = _open_lock_file(path)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno == errno.ENOSYS:  # this file system has no flock: filelock's soft lock creates
                    os.close(fd)  # the file as its marker, so the one made here goes
                    if created:
                        path.unlink(missing_ok=True)
                    return None
                if exc.errno not in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK):
                    raise
            if wait >= 0 and time.monotonic() >= deadline:  # (negative: for ever, as filelock has it)
                raise LockedError(f"another pressfeed run is in progress (lock {path}{_holder(fd)}); nothing done")
            time.sleep(LOCK_POLL)
        moved = not still_at(os.fstat(fd), path, follow_symlinks=False)  # (a lock file is never a link)
        if not moved:
            _write_holder(fd)
    except BaseException:
        os.close(fd)
        raise
    if moved:
        # its holder removed the file as it let go (a refused first command undoing the store it made):
        # a lock on that file shuts out no one who opens the path now, so take the path's own
        os.close(fd)
        path.parent.mkdir(parents=True, exist_ok=True)  # (its folder too, if it was new)
        return _flock(path, max(deadline - time.monotonic(), 0.0) if wait >= 0 else wait)
    if not _FORK_HOOK and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_close_held)
        _FORK_HOOK.append(True)
    _HELD.add(fd)
    return fd


def _open_lock_file(path: Path, tries: int = 3) -> tuple[int, bool]:
    """The lock file's descriptor, and whether this call made the file. Its folder may go as it is opened
    (a refused first command's undo, between another's mkdir and open): it is made again."""
    import os

    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tries -= 1
        try:
            try:
                return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o666), True
            except FileExistsError:
                return os.open(path, flags), False
        except FileNotFoundError:
            if tries <= 0:
                raise
            path.parent.mkdir(parents=True, exist_ok=True)


def still_at(opened: os.stat_result, path: Path | str, *, follow_symlinks: bool = True) -> bool:
    """Whether the file `opened` describes (os.fstat, or os.stat when it was opened) is still the one at `path`:
    one removed (or replaced) since is not (a refused first command undoing its new store, lock and all)."""
    import os

    try:
        return os.path.samestat(opened, os.stat(path, follow_symlinks=follow_symlinks))
    except FileNotFoundError:
        return False


def _write_holder(fd: int) -> None:
    """The holder's pid in the lock file, for the message of those it refuses; a courtesy only, so a full
    disk (or any other failure to write it) leaves the file as it was."""
    import contextlib
    import os

    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)


def _holder(fd: int) -> str:
    """ ", pid 1234" from the lock file its holder wrote; "" when it is not there yet (or not a pid)."""
    import os

    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f", pid {text}" if text.isdigit() else ""


def _close_held() -> None:
    import contextlib
    import os

    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


@contextmanager
def _filelock(path: Path, wait: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(f"another pressfeed run is in progress (lock {path}); nothing done") from None
    try:
        yield
    finally:
        lock.release()


# -- backend errors become StoreError ------------------------------------------------------------

S = TypeVar("S")


def translate_errors(errors: tuple[type[Exception], ...]) -> Callable[[type[S]], type[S]]:
    """Class decorator: `errors` (the backend's own) raised by any public method become StoreError.

    The message names the store (`self.location`) and says what the backend
    said. Context managers (`transaction`, `lock`) and generators (`dump`)
    are translated as they run, not only when they are created.
    """

    def decorate(cls: type[S]) -> type[S]:
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and isinstance(member, FunctionType):
                setattr(cls, name, _translating(member, errors))
        return cls

    return decorate


#: SQLite's names for a file that is not, or no longer, a database: a disk fault, which no retry mends
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
DAMAGED = (
    "the file is damaged: restore it from a backup, or move it aside (with its -wal and -shm files) for the next "
    'run to start an empty store (README: "Backups")'
)


def damage_advice(exc: BaseException) -> str:
    """What an operator can do, after SQLite's message, when the error says the file is damaged; else ""."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    if name == "SQLITE_NOTADB":  # no database at all: as likely a store.path naming another file
        return f"; if store.path (or store.url) names the right file, {DAMAGED}"
    return f"; {DAMAGED}" if name.startswith(_DAMAGED) else ""


@contextmanager
def _translated(store: Any, errors: tuple[type[Exception], ...]) -> Iterator[None]:
    try:
        yield
    except errors as exc:
        raise StoreError(f"store {store.location}: {_one_line(exc)}{damage_advice(exc)}") from exc


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _translating(fn: Callable[..., Any], errors: tuple[type[Exception], ...]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _translated(self, errors):
            result = fn(self, *args, **kwargs)
        if isinstance(result, Generator):
            return _generator(self, result, errors)
        if isinstance(result, AbstractContextManager):
            return _Context(self, result, errors)
        return result

    return method


def _generator(store: Any, gen: Generator[Any, None, None], errors: tuple[type[Exception], ...]) -> Iterator[Any]:
    with _translated(store, errors):
        yield from gen


class _Context(AbstractContextManager[Any]):
    def __init__(self, store: Any, inner: AbstractContextManager[Any], errors: tuple[type[Exception], ...]) -> None:
        self.store, self.inner, self.errors = store, inner, errors

    def __enter__(self) -> Any:
        with _translated(self.store, self.errors):
            return self.inner.__enter__()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        with _translated(self.store, self.errors):
            return self.inner.__exit__(kind, exc, tb)
