"""The storage interface the rest of pressfeed depends on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..model import Article, ArticleFilter, EncodedArticle, Status


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


@dataclass(frozen=True, slots=True)
class PageState:
    """What pressfeed read of an ingested item's linked page (pressfeed.ingest.fulltext)."""

    article_id: str
    #: what the feed said of the item when the page was read
    entry_hash: str
    url: str
    #: "done" (text taken) or "failed" (the item is held as a draft)
    status: str
    attempts: int
    fetched: datetime
    next_try: datetime | None = None
    reason: str = ""
    body_html: str = ""
    #: (url, type, title) of the files the page offers
    attachments: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleWrite:
    """An intent to store an article (new or changed)."""

    encoded: EncodedArticle
    origin: str
    #: content hash and status of the upstream version this write takes in;
    #: None for an editor's local change (the stored upstream values stay)
    upstream_hash: str | None = None
    upstream_status: Status | None = None

    @classmethod
    def from_upstream(
        cls, encoded: EncodedArticle, origin: str, upstream: EncodedArticle | None = None
    ) -> ArticleWrite:
        """Store `encoded`, taken in from upstream version `upstream` (itself by default)."""
        taken = upstream or encoded
        return cls(encoded, origin, taken.content_hash, taken.status)

    @property
    def article(self) -> Article:
        return self.encoded.article


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int


@dataclass(frozen=True, slots=True)
class FeedFileState:
    fingerprint: str
    sha256: str
    #: the feed-level updated time written into the file
    updated: datetime | None = None
    #: os.stat() of the file as written: when it still matches, the file is not re-read
    size: int = -1
    mtime_ns: int = -1


class Store(Protocol):
    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    # articles
    def get(self, article_id: str) -> StoredArticle | None: ...

    def get_many(self, ids: Sequence[str]) -> dict[str, StoredArticle]: ...

    def write(self, writes: Iterable[ArticleWrite]) -> WriteResult: ...

    def articles(self, query: ArticleFilter) -> list[StoredArticle]: ...

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

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    # one story, one item
    def citing(self, keys: Sequence[str]) -> dict[str, list[str]]: ...

    def set_citations(self, article_id: str, keys: Iterable[str]) -> None: ...

    #: (key, article_id) pairs, existing ones ignored: the citations of articles that had none
    def add_citations(self, rows: Iterable[tuple[str, str]]) -> None: ...

    def superseded(self, article_id: str) -> list[str]: ...

    def link_story(self, release_id: str, article_id: str, adopt: bool) -> None: ...

    def unlink_story(self, release_id: str) -> None: ...

    def set_keep_both(self, release_id: str, keep: bool) -> None: ...

    # full text
    def pages(self, ids: Sequence[str]) -> dict[str, PageState]: ...

    def save_pages(self, pages: Iterable[PageState]) -> None: ...

    def held(self, origin: str) -> list[PageState]: ...

    # ingest state
    def dedupe_lookup(self, keys: Sequence[str]) -> dict[str, str]: ...

    def add_dedupe_keys(self, keys: Iterable[tuple[str, str, str]]) -> None: ...

    def dedupe_sources(self, article_id: str) -> list[str]: ...

    def source_state(self, source_id: str) -> dict[str, Any] | None: ...

    def save_source_state(self, source_id: str, state: dict[str, Any]) -> None: ...

    def source_states(self) -> Iterator[tuple[str, dict[str, Any]]]: ...
