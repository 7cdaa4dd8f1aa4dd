"""The store contract (pressfeed.store.base), once, for every backend: SQLite and a real PostgreSQL.

Every test takes `store_url` (conftest): a new SQLite file, or a new schema of
a PostgreSQL server started for the session from the distribution's binaries,
in a database whose default collation is Korean (ICU), as a portal's would be.
The tests talk to the Store protocol only; where a backend's own SQL is
needed (a store at an older schema), they say so.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pressfeed.errors import ArticleNotFoundError, LockedError, NoStoreError, StoreError
from pressfeed.model import Article, ArticleFilter, Attribution, Status, encode, utc_text
from pressfeed.store import Store, copy_store, open_store
from pressfeed.store.base import TABLES, ArticleWrite, FeedFileState, PageState, Sighting, UpstreamChange
from pressfeed.store.url import backend

NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
AUTH = "tag:example-portal.kr,2025"


def article(
    key: str,
    *,
    section: str = "politics",
    published: datetime = NOW - timedelta(hours=1),
    updated: datetime | None = None,
    status: Status = Status.PUBLISHED,
    title: str = "",
    source: bool = False,
) -> Article:
    kind = "source/msit" if source else "article"
    return Article(
        id=f"{AUTH}:{kind}/{key}",
        title=title or f"정부, {key} 관련 브리핑 개최",
        section=section,
        published=published,
        updated=updated or published,
        link=f"https://www.example-portal.kr/news/articleView.html?idxno={key}",
        body_html=f"<p>{key} 본문입니다.</p>",
        byline="포탈뉴스통신",
        status=status,
        source=Attribution(name="과학기술정보통신부", home="https://www.msit.go.kr/") if source else None,
    )


def upstream(a: Article, origin: str = "cms") -> ArticleWrite:
    return ArticleWrite.from_upstream(encode(a), origin)


def release(key: str, **kwargs: object) -> ArticleWrite:
    return upstream(article(key, source=True, section="it-science", **kwargs), "source:msit")  # type: ignore[arg-type]


@pytest.fixture
def make_store(store_url: str) -> Iterator[Callable[[], Store]]:
    """Opens stores at the test's URL (a second one is another connection, as another process has)."""
    opened: list[Store] = []

    def make() -> Store:
        opened.append(open_store(store_url))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], Store]) -> Store:
    return make_store()


def seq_of(store: Store, article_id: str) -> int:
    stored = store.get(article_id)
    assert stored is not None
    return stored.seq


# -- opening, versions, errors ------------------------------------------------------------------


def test_a_new_store_is_empty_and_a_missing_one_is_not_created(store_url: str, store: Store) -> None:
    assert store.count() == 0
    assert store.get(f"{AUTH}:article/1") is None
    assert store.feed_keys(None, NOW, 50) == []
    assert store.get_meta("stories_relink") == "pending"  # set by the one-story migration, as on upgrade
    assert list(store.source_states()) == []
    # a read-only command asks without `create`: the store exists now; elsewhere there is none
    open_store(store_url, create=False).close()
    elsewhere = store_url.replace("pressfeed.db", "other.db") if backend(store_url) == "sqlite" else None
    if elsewhere is not None:
        with pytest.raises(NoStoreError):
            open_store(elsewhere, create=False)


def test_a_missing_postgresql_schema_is_not_created_by_a_reader(pg_server) -> None:  # type: ignore[no-untyped-def]
    url = pg_server.new_schema()
    with pytest.raises(NoStoreError, match="no pressfeed store"):
        open_store(url, create=False)
    import psycopg

    with psycopg.connect(url) as conn:  # nothing was created
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone() == (0,)


def test_backend_errors_become_store_errors_naming_the_store(store: Store) -> None:
    store.write([release("9001")])
    bad = PageState(f"{AUTH}:source/msit/9001", "h", "https://www.korea.kr/x", "bogus", 1, NOW)
    with pytest.raises(StoreError) as caught:
        store.save_pages([bad])  # the schema's CHECK refuses the status
    assert str(caught.value).startswith(f"store {store.location}: ")
    assert store.pages([bad.article_id]) == {}  # and the store is still usable
    assert store.count() == 1


def test_a_damaged_sqlite_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    """A disk fault is no error to retry: the message says the file is damaged and how to get going again."""
    path = tmp_path / "pressfeed.db"
    with open_store(f"sqlite://{path}") as store:
        store.write([release(str(9000 + n)) for n in range(100)])
    data = bytearray(path.read_bytes())
    # the second half overwritten: the articles' pages, written after every page of the schema
    half = len(data) // 2 // 4096 * 4096
    data[half:] = bytes(range(256)) * ((len(data) - half) // 256)
    path.write_bytes(bytes(data))
    advice = "the file is damaged: restore it from a backup"

    with open_store(f"sqlite://{path}") as store, pytest.raises(StoreError) as caught:
        store.count()
    assert "database disk image is malformed" in str(caught.value) and advice in str(caught.value)

    path.write_bytes(b"no database" * 400)
    with pytest.raises(StoreError) as refused:
        open_store(f"sqlite://{path}")
    assert "file is not a database; if store.path (or store.url) names the right file, " + advice in str(refused.value)


def test_a_busy_store_is_not_called_damaged(tmp_path: Path) -> None:
    """Only SQLite's own word for a damaged file brings the advice: a lock held elsewhere is no damage."""
    path = tmp_path / "pressfeed.db"
    open_store(f"sqlite://{path}").close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with open_store(f"sqlite://{path}") as store, pytest.raises(StoreError) as caught:
            store.db.execute("PRAGMA busy_timeout = 0")  # type: ignore[attr-defined]
            store.write([release("9001")])
    finally:
        holder.rollback()
        holder.close()
    assert "locked" in str(caught.value) and "damaged" not in str(caught.value)


# -- transactions ------------------------------------------------------------------------------


def test_a_failed_transaction_leaves_nothing_and_nested_ones_join_the_outer(make_store: Callable[[], Store]) -> None:
    store, other = make_store(), make_store()
    store.write([upstream(article("1"))])

    with pytest.raises(RuntimeError), store.transaction():
        store.write([upstream(article("2"))])
        store.set_meta("k", "v")
        with store.transaction():
            store.write([upstream(article("3"))])
        raise RuntimeError("boom")
    assert store.count() == 1 and store.get_meta("k") is None and other.count() == 1

    with store.transaction():
        with store.transaction():
            store.write([upstream(article("2"))])
        assert other.get(article("2").id) is None  # the inner block committed nothing yet
    assert other.get(article("2").id) is not None

    with pytest.raises(ValueError), store.transaction():  # an inner failure undoes the outer's work too
        store.write([upstream(article("4"))])
        with store.transaction():
            raise ValueError("inner")
    assert store.get(article("4").id) is None and store.count() == 2


def test_writers_take_turns_so_no_update_is_lost(make_store: Callable[[], Store]) -> None:
    """Two connections (two hosts) each add 1 to a counter 25 times: read, then write, in one transaction."""
    stores = [make_store(), make_store()]
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                with stores[n].transaction():
                    count = int(stores[n].get_meta("counter") or 0)
                    stores[n].write([upstream(article(f"{n}-{i}"))])
                    stores[n].set_meta("counter", str(count + 1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[0].get_meta("counter") == "50"
    seqs = [s.seq for s in stores[1].articles(ArticleFilter())]
    assert len(seqs) == 50 and len(set(seqs)) == 50 and int(stores[1].get_meta("seq") or 0) == max(seqs)


# -- the sequence and upstream bookkeeping ---------------------------------------------------------


def test_seq_grows_with_every_write_and_every_story_change(store: Store) -> None:
    store.write([upstream(article("a")), upstream(article("b"))])
    a, b = seq_of(store, article("a").id), seq_of(store, article("b").id)
    assert 0 < a < b
    store.write([upstream(article("a", title="고친 제목"))])
    assert seq_of(store, article("a").id) > b
    store.write([release("r")])
    r_id, a_id = release("r").article.id, article("a").id
    before = max(seq_of(store, i) for i in (a_id, article("b").id, r_id))
    # each change, and the rows whose feeds it changes (and so must get a new seq)
    for change, touched in (
        (lambda: store.link_story(r_id, a_id, adopt=True), (r_id, a_id)),  # a takes over r's guid
        (lambda: store.set_keep_both(r_id, True), (r_id, a_id)),  # a gives the guid back
        (lambda: store.unlink_story(r_id), (r_id,)),
        (lambda: store.set_status(a_id, Status.HIDDEN, NOW), (a_id,)),
    ):
        change()
        after = [seq_of(store, i) for i in touched]
        assert min(after) > before and len(set(after)) == len(after)
        before = max(after)
    assert seq_of(store, article("b").id) < before  # untouched rows keep theirs
    assert int(store.get_meta("seq") or 0) >= before


def test_upstream_hash_and_status_are_kept_through_local_edits(store: Store) -> None:
    original = encode(article("u", source=True))
    store.write([ArticleWrite.from_upstream(original, "source:msit")])
    stored = store.get(original.article.id)
    assert stored is not None
    assert (stored.upstream_hash, stored.upstream_status) == (original.content_hash, Status.PUBLISHED)
    assert stored.content_hash == original.content_hash and stored.origin == "source:msit"

    edited = encode(replace(original.article, title="편집자가 고친 제목"))
    store.write([ArticleWrite(edited, "source:msit")])  # an editor's change: no upstream values
    stored = store.get(original.article.id)
    assert stored is not None
    assert stored.content_hash == edited.content_hash != original.content_hash
    assert (stored.upstream_hash, stored.upstream_status) == (original.content_hash, Status.PUBLISHED)
    assert stored.article.title == "편집자가 고친 제목"

    newer = encode(replace(original.article, body_html="<p>기관이 고친 본문</p>", status=Status.DRAFT))
    store.write([ArticleWrite.from_upstream(edited, "source:msit", upstream=newer)])  # upstream moved, edit kept
    stored = store.get(original.article.id)
    assert stored is not None
    assert (stored.upstream_hash, stored.upstream_status) == (newer.content_hash, Status.DRAFT)
    assert stored.content_hash == edited.content_hash


def test_set_status_keeps_upstream_status_and_writes_only_a_change(store: Store) -> None:
    store.write([upstream(article("s"))])
    first = seq_of(store, article("s").id)
    same = store.set_status(article("s").id, Status.PUBLISHED, NOW)
    assert same.seq == first  # nothing changed: nothing written
    hidden = store.set_status(article("s").id, Status.HIDDEN, NOW)
    assert hidden.article.status is Status.HIDDEN and hidden.upstream_status == Status.PUBLISHED
    assert hidden.seq > first
    assert store.articles(ArticleFilter(status=Status.HIDDEN))[0].article.id == article("s").id
    with pytest.raises(ArticleNotFoundError):
        store.set_status(f"{AUTH}:article/none", Status.HIDDEN, NOW)


def test_articles_round_trip_exactly(store: Store) -> None:
    a = replace(
        article("rt", source=True, published=datetime(2025, 11, 7, 23, 30, 15, tzinfo=UTC)),
        tags=("인공지능", "GPU"),
        subtitle="부제",
    )
    store.write([upstream(a, "source:msit")])
    stored = store.get(a.id)
    assert stored is not None and stored.article == a
    assert stored.article.published.tzinfo is UTC
    assert store.get_many([a.id, f"{AUTH}:article/none"]) == {a.id: stored}
    assert store.get_many([]) == {}


# -- deleting --------------------------------------------------------------------------------------


def test_delete_leaves_a_tombstone_drops_citations_and_keeps_dedupe_keys(store: Store) -> None:
    cms = article("d")
    store.write([upstream(cms), release("d")])
    store.set_citations(cms.id, ["link:korea.kr/x", "body:abc"])
    store.add_dedupe_keys([("guid:msit:d", cms.id, "msit"), ("link:korea.kr/x", release("d").article.id, "msit")])
    assert store.cited_pairs(articles=[cms.id]) == {(release("d").article.id, cms.id)}
    store.delete(cms.id, NOW)
    assert store.get(cms.id) is None and store.count() == 1
    assert store.is_tombstoned(cms.id) and not store.is_tombstoned(release("d").article.id)
    assert store.tombstoned([cms.id, release("d").article.id, "nope"]) == {cms.id}
    assert store.cited_pairs(releases=[release("d").article.id], articles=[cms.id]) == set()  # its citations went
    assert store.dedupe_lookup(["guid:msit:d"]) == {"guid:msit:d": cms.id}  # so no source brings it back
    with pytest.raises(ArticleNotFoundError):
        store.delete(cms.id, NOW)


# -- what the feeds show ---------------------------------------------------------------------------


def test_feed_keys_newest_first_without_drafts_hidden_or_embargoed_items(store: Store) -> None:
    store.write(
        [
            upstream(article("old", published=NOW - timedelta(days=2))),
            upstream(article("new", published=NOW - timedelta(minutes=1))),
            upstream(article("draft", status=Status.DRAFT)),
            upstream(article("hidden", status=Status.HIDDEN)),
            upstream(article("embargo", published=NOW + timedelta(seconds=1))),  # not before 12:00:01
            upstream(article("at-now", published=NOW + timedelta(microseconds=700_000))),  # same second as now
            upstream(article("econ", section="economy")),
        ]
    )
    ids = [i.rsplit("/", 1)[1] for i, _ in store.feed_keys(None, NOW, 50)]
    assert ids == ["at-now", "new", "econ", "old"]
    assert [i.rsplit("/", 1)[1] for i, _ in store.feed_keys("politics", NOW, 50)] == ["at-now", "new", "old"]
    assert [i.rsplit("/", 1)[1] for i, _ in store.feed_keys(None, NOW, 2)] == ["at-now", "new"]
    later = [i.rsplit("/", 1)[1] for i, _ in store.feed_keys(None, NOW + timedelta(seconds=1), 50)]
    assert later[0] == "embargo"
    keys = dict(store.feed_keys(None, NOW, 50))
    assert keys[article("new").id] == seq_of(store, article("new").id)


def test_ties_in_time_are_ordered_by_id_bytes(store: Store) -> None:
    """A Korean collation would put 가 first and ignore case; every backend orders as SQLite's BINARY does."""
    keys = ["가", "a", "B", "_", "Z", "10", "9"]
    store.write([upstream(article(k)) for k in keys])
    expected = [f"{AUTH}:article/{k}" for k in sorted(keys)]
    assert [i for i, _ in store.feed_keys(None, NOW, 50)] == expected
    assert [s.article.id for s in store.articles(ArticleFilter(section="politics"))] == expected


def test_articles_filters(store: Store) -> None:
    store.write(
        [
            upstream(article("p1", published=NOW - timedelta(hours=3))),
            upstream(article("p2", status=Status.DRAFT, published=NOW - timedelta(hours=2))),
            upstream(article("e1", section="economy", published=NOW + timedelta(hours=1))),
            release("r1", published=NOW - timedelta(hours=4), status=Status.DRAFT),
        ]
    )

    def ids(**kwargs: object) -> list[str]:
        return [s.article.id.rsplit("/", 1)[1] for s in store.articles(ArticleFilter(**kwargs))]  # type: ignore[arg-type]

    assert ids() == ["e1", "p2", "p1", "r1"]
    assert ids(section="politics") == ["p2", "p1"]
    assert ids(status=Status.DRAFT) == ["p2", "r1"]
    assert ids(origins=("source:msit",), status=Status.DRAFT) == ["r1"]
    assert ids(origins=("source:msit", "cms"), status=Status.DRAFT) == ["p2", "r1"]
    assert ids(origins=("source:none",)) == []
    assert ids(published_before=NOW) == ["p2", "p1", "r1"]
    assert ids(published_after=NOW) == ["e1"]
    assert ids(limit=2) == ["e1", "p2"]
    assert ids(superseded=True) == []
    store.link_story(f"{AUTH}:source/msit/r1", f"{AUTH}:article/p1", adopt=False)
    assert ids(superseded=True) == ["r1"] and ids(superseded=True, status=Status.PUBLISHED) == []
    assert store.count() == 4


def test_undated_changes_are_kept_until_a_write_counts_them_anew(store: Store) -> None:
    """An upstream write gives the count (pressfeed.merge.undated_changes), an editor's write keeps it."""
    store.write([release("n1")])
    assert store.get(release("n1").article.id).undated_changes == 0  # type: ignore[union-attr]
    store.write([replace(release("n1", title="조회수 2"), undated_changes=5)])
    assert store.get(release("n1").article.id).undated_changes == 5  # type: ignore[union-attr]
    edit = ArticleWrite(encode(release("n1", title="편집된 제목").article), "source:msit")
    store.write([edit])
    stored = store.get(release("n1").article.id)
    assert stored is not None and stored.undated_changes == 5 and stored.article.title == "편집된 제목"
    store.write([replace(release("n1", title="정정"), undated_changes=0)])
    assert store.get(release("n1").article.id).undated_changes == 0  # type: ignore[union-attr]


def test_a_reset_takes_the_next_change_of_one_sources_items_past_the_undated_limit(store: Store) -> None:
    """`sources reset` lets the items whose changes are no longer taken (pressfeed.merge.undated_changes) take
    one more: their count one below the limit, of that source's alone, and only of those at the limit."""
    counts = (("a1", 24), ("a2", 30), ("a3", 23))
    restless = [replace(release(n, title=f"조회수 {n}"), undated_changes=c) for n, c in counts]
    other = replace(release("b1"), origin="source:mofa", undated_changes=24)
    store.write([*restless, other, release("a4")])

    def count(key: str) -> int:
        stored = store.get(release(key).article.id)
        assert stored is not None
        return stored.undated_changes

    assert store.unblock_undated("source:msit", 24) == 2
    assert [count(n) for n in ("a1", "a2", "a3", "a4", "b1")] == [23, 23, 23, 0, 24]
    assert store.unblock_undated("source:msit", 24) == 0


def test_a_store_upgraded_to_the_undated_index_keeps_its_counts(store_url: str, older_pressfeed, schema_module) -> None:  # type: ignore[no-untyped-def]
    """The index comes with the upgrade (SQLite 11, PostgreSQL 10): the counts stored before are found by it."""
    with older_pressfeed(schema_module.VERSION - 1):
        old = open_store(store_url)
        old.write([replace(release("a1"), undated_changes=24)])
        old.close()
    with open_store(store_url) as new:
        assert new.unblock_undated("source:msit", 24) == 1


def upstream_change(write: ArticleWrite, seen: datetime) -> UpstreamChange:
    return UpstreamChange.kept(write.encoded, seen)


def test_upstream_changes_keep_the_latest_version_and_the_first_time_seen(store: Store) -> None:
    edited = release("u1")
    store.write([edited])
    store.write([ArticleWrite(encode(replace(edited.article, title="편집된 제목")), edited.origin)])  # a local edit
    first = upstream_change(release("u1", title="정정 1"), NOW)
    store.save_upstream_changes([first])
    assert store.upstream_changes([edited.article.id]) == {edited.article.id: first}
    assert store.changed_upstream() == {"source:msit": [edited.article.id]}
    second = upstream_change(release("u1", title="정정 2"), NOW + timedelta(hours=1))
    store.save_upstream_changes([second])
    [kept] = store.upstream_changes([edited.article.id]).values()
    assert (kept.article.title, kept.content_hash, kept.seen) == ("정정 2", second.content_hash, NOW)
    store.drop_upstream_changes([edited.article.id])
    assert store.upstream_changes([edited.article.id]) == {} and store.changed_upstream() == {}
    store.save_upstream_changes([second])
    store.write([edited])  # the edit undone: what it kept out is no edit's any more
    assert store.changed_upstream() == {} and len(store.upstream_changes([edited.article.id])) == 1
    store.delete(edited.article.id, NOW)  # a deleted article's change goes with it
    assert store.upstream_changes([edited.article.id]) == {}


def test_sightings_are_kept_per_article_and_source_and_go_with_a_deleted_article(store: Store) -> None:
    first, second = release("s1"), release("s2")
    store.write([first, second])
    a, b = first.article.id, second.article.id
    store.save_sightings([Sighting(a, "msit", "w1:x", "w1:x"), Sighting(a, "korea-kr", "w1:y", "w1:x")])
    store.save_sightings([Sighting(b, "korea-kr", "w1:z", "w1:z")])
    # a later row replaces its article's and source's, and leaves the others be
    store.save_sightings([Sighting(a, "korea-kr", "w1:y", "w1:y", carries=True, earlier="w1:x")])
    assert store.sightings([a, b, "no-such-article"]) == {
        a: {
            "msit": Sighting(a, "msit", "w1:x", "w1:x"),
            "korea-kr": Sighting(a, "korea-kr", "w1:y", "w1:y", True, "w1:x"),
        },
        b: {"korea-kr": Sighting(b, "korea-kr", "w1:z", "w1:z")},
    }
    assert store.sightings([]) == {}
    # a correction held back (new words seen, `since` none), and what `sources reset` of its source does to it
    store.save_sightings([Sighting(b, "korea-kr", "w1:new", "w1:z", words="old words")])
    assert store.held_corrections() == {"korea-kr": [b]}
    assert (store.release_held("msit"), store.release_held("korea-kr"), store.release_held("korea-kr")) == (0, 1, 0)
    assert store.held_corrections() == {} and store.sightings([b])[b]["korea-kr"].since == "reset"
    store.delete(a, NOW)  # what sources gave of a deleted article goes with it
    assert list(store.sightings([a, b])) == [b]


# -- one story, one item -----------------------------------------------------------------------------


def test_a_superseded_release_leaves_the_feeds_while_its_article_is_in_them(store: Store) -> None:
    rel, cms = release("story"), upstream(article("story", section="it-science"))
    store.write([rel, cms])
    r_id, a_id = rel.article.id, cms.article.id

    def shown() -> set[str]:
        return {i for i, _ in store.feed_keys("it-science", NOW, 50)}

    store.link_story(r_id, a_id, adopt=False)
    assert shown() == {a_id}
    assert store.superseded_many([a_id, r_id]) == {a_id: [r_id]}
    stored = store.get(r_id)
    assert stored is not None and stored.superseded_by == a_id

    store.set_status(a_id, Status.DRAFT, NOW)  # the newsroom's version is not out: the release stays
    assert shown() == {r_id}
    store.set_status(a_id, Status.PUBLISHED, NOW)
    store.write([upstream(article("story", section="it-science", published=NOW + timedelta(hours=1)))])
    assert shown() == {r_id}  # embargoed article: the release stays until it is out
    assert {i for i, _ in store.feed_keys("it-science", NOW + timedelta(hours=2), 50)} == {a_id}

    store.set_keep_both(r_id, True)
    assert {i for i, _ in store.feed_keys("it-science", NOW + timedelta(hours=2), 50)} == {a_id, r_id}
    store.unlink_story(r_id)
    stored = store.get(r_id)
    assert stored is not None and stored.superseded_by is None and not stored.keep_both
    assert store.superseded_many([a_id]) == {}


def test_an_article_that_adopts_a_release_takes_its_guid_and_keep_both_gives_it_back(store: Store) -> None:
    rel = release("guid", updated=NOW - timedelta(minutes=30), published=NOW - timedelta(hours=2))
    cms = upstream(article("guid", section="it-science"))
    store.write([rel, cms])
    store.link_story(rel.article.id, cms.article.id, adopt=True)
    adopted = store.get(cms.article.id)
    assert adopted is not None
    assert (adopted.feed_guid, adopted.feed_guid_updated) == (rel.article.id, NOW - timedelta(minutes=30))
    assert adopted.feed_guid_updated is not None and adopted.feed_guid_updated.tzinfo is UTC

    store.set_keep_both(rel.article.id, True)
    given_back = store.get(cms.article.id)
    assert given_back is not None and given_back.feed_guid is None and given_back.feed_guid_updated is None
    kept = store.get(rel.article.id)
    assert kept is not None and kept.keep_both and kept.superseded_by == cms.article.id


def test_citations_are_replaced_per_article_and_found_by_key(store: Store) -> None:
    a, b = article("c1").id, article("c2").id
    store.add_dedupe_keys([("link:korea.kr/1", "R1", "msit"), ("body:x", "RX", "msit"), ("body:y", "RY", "msit")])
    releases = ["R1", "RX", "RY"]
    store.set_citations(a, ["link:korea.kr/1", "body:x"])
    store.set_citations(b, ["link:korea.kr/1"])
    assert store.cited_pairs(releases=releases) == {("R1", a), ("R1", b), ("RX", a)}
    store.set_citations(a, ["body:y"])
    assert store.cited_pairs(releases=releases) == {("R1", b), ("RY", a)}
    store.set_citations_many({a: [], b: ["body:y", "body:y"]})
    assert store.cited_pairs(releases=releases) == {("RY", b)}


def test_the_articles_citing_a_release_are_found_by_every_key_it_is_known_by(store: Store) -> None:
    """A story both ways: the articles citing any key a release owns (its keys outlive it), and the releases
    owning a key an article cites. Each side is looked up by an index: an import asks it for every article."""
    store.add_dedupe_keys([("link:korea.kr/1", "R1", "msit"), ("body:r1", "R1", "msit"), ("guid:msit:1", "R1", "msit")])
    store.add_dedupe_keys([("link:korea.kr/2", "R2", "msit"), ("body:r1", "R2", "moef")])  # a key keeps its first owner
    store.set_citations_many(
        {"A1": ["link:korea.kr/1"], "A2": ["body:r1", "link:korea.kr/1"], "A3": ["link:korea.kr/2"]}
    )
    store.add_citations([("link:korea.kr/9", "A3")])
    with plans_of_statements(store) as plans:
        by_release = store.cited_pairs(releases=["R1", "nope"])
        by_article = store.cited_pairs(articles=["A3"])
        both = store.cited_pairs(releases=["R2"], articles=["A1"])
    assert by_release == {("R1", "A1"), ("R1", "A2")}
    assert by_article == {("R2", "A3")}
    assert both == {("R2", "A3"), ("R1", "A1")}
    assert store.cited_pairs() == set()
    scan = re.compile(r"\bSCAN (TABLE )?(d|c|dedupe_key|citation)\b|Seq Scan on (dedupe_key|citation)\b")
    assert plans and [(sql, plan) for sql, plan in plans if scan.search(plan)] == []


def test_passage_pairs_count_shared_passages_within_days_each_way_by_an_index(store: Store) -> None:
    """A near copy's candidates (pressfeed.stories): every release sharing a passage key (not only the first to
    have it), with how many and how far apart, of articles published within the days asked; deleted releases
    drop out of them."""
    r1, r2, far = release("p1"), release("p2"), release("p3", published=NOW - timedelta(days=9))
    a1, a2 = upstream(article("pa1")), upstream(article("pa2"))
    store.write([r1, r2, far, a1, a2])
    ids = {w: w.article.id for w in (r1, r2, far, a1, a2)}
    store.add_passages([("passage:x", ids[r1]), ("passage:y", ids[r1]), ("passage:x", ids[r2])])
    store.add_passages([("passage:x", ids[far]), ("passage:x", ids[r1])])  # again: ignored
    store.set_citations_many({ids[a1]: ["passage:x", "passage:y"], ids[a2]: ["passage:y", "body:z"]})
    with plans_of_statements(store) as plans:
        by_release = store.passage_pairs(releases=[ids[r1], ids[r2], ids[far]], within=timedelta(days=3))
        by_article = store.passage_pairs(articles=[ids[a2]], within=timedelta(days=3))
    assert by_release == {(ids[r1], ids[a1]): (2, 0), (ids[r1], ids[a2]): (1, 0), (ids[r2], ids[a1]): (1, 0)}
    assert by_article == {(ids[r1], ids[a2]): (1, 0)}
    nine_days = 9 * 86400 - 3600  # (the article an hour before NOW)
    assert store.passage_pairs(articles=[ids[a1]], within=timedelta(days=10))[(ids[far], ids[a1])] == (1, nine_days)
    assert store.passage_pairs() == {}
    store.delete(ids[r2], NOW)
    assert store.passage_pairs(articles=[ids[a1]], within=timedelta(days=3)) == {(ids[r1], ids[a1]): (2, 0)}
    # its passages outlive it, as its dedupe keys do: a near copy holding its guid is known by them
    assert store.shares_passage(ids[r2], ids[a1]) and not store.shares_passage(ids[r2], ids[a2])
    scan = re.compile(r"\bSCAN (TABLE )?(p|c|passage|citation)\b|Seq Scan on (passage|citation)\b")
    assert plans and [(sql, plan) for sql, plan in plans if scan.search(plan)] == []


@contextmanager
def plans_of_statements(store: Store) -> Iterator[list[tuple[str, str]]]:
    """(statement, its query plan) of every SELECT or UPDATE the store runs in the block.

    Each statement is explained with the parameters it ran with (SQLite may use a partial index
    only for some values). PostgreSQL's EXPLAIN runs with sequential scans disabled, so an index
    is used wherever one can be, however small the test's tables.
    """
    sqlite = backend_of(store) == "sqlite"
    name = "db" if sqlite else "conn"
    connection, ran = getattr(store, name), []

    class Recording:
        def __getattr__(self, attribute: str) -> object:
            return getattr(connection, attribute)

        def execute(self, sql: str, params: object = ()) -> object:
            ran.append((sql, params))
            return connection.execute(sql, params)

    seen: list[tuple[str, str]] = []
    setattr(store, name, Recording())
    try:
        yield seen
    finally:
        setattr(store, name, connection)
    explained = [(sql, params) for sql, params in ran if sql.lstrip().upper().startswith(("SELECT", "UPDATE"))]
    if sqlite:
        for sql, params in explained:
            seen.append((sql, " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))))
        return
    with connection.transaction():
        connection.execute("SET LOCAL enable_seqscan = off")
        for sql, params in explained:
            seen.append((sql, " | ".join(row[0] for row in connection.execute(f"EXPLAIN {sql}", params))))


def backend_of(store: Store) -> str:
    return "sqlite" if hasattr(store, "db") else "postgresql"


def test_the_lookups_every_run_makes_use_an_index(store: Store) -> None:
    """A source's drafts (the health check after every run), its held pages (every ingest of a full-text
    source), the article holding a release's guid (a story unlinked) and the items a reset lets change again:
    an index each, never a scan of the whole table, whose cost grows with the store (1.5 s a run at 100k
    articles and 200 sources)."""
    held_page = PageState(release("h").article.id, "e", "https://www.korea.kr/h", "failed", 1, NOW, reason="HTTP 503")
    cms = upstream(article("g", section="it-science"))
    store.write([release("h", status=Status.DRAFT), release("g"), cms, upstream(article("d", status=Status.DRAFT))])
    store.save_pages([held_page, replace(held_page, article_id=release("g").article.id, status="done")])
    store.link_story(release("g").article.id, cms.article.id, adopt=True)

    with plans_of_statements(store) as plans:
        drafts = store.articles(ArticleFilter(origins=("source:msit", "source:moef"), status=Status.DRAFT))
        held = store.held("source:msit")
        store.unlink_story(release("g").article.id)
        store.unblock_undated("source:msit", 24)  # `sources reset`
    assert [d.article.id for d in drafts] == [release("h").article.id]
    assert held == [held_page]
    given_back = store.get(cms.article.id)
    assert given_back is not None and given_back.feed_guid is None

    lookups = [(sql, plan) for sql, plan in plans if "article" in sql or "page" in sql]
    assert len(lookups) >= 3
    # a scan is fine only over a partial index, which holds just the rows looked for
    partial = re.compile(r"USING (COVERING )?INDEX (article_drafts|article_feed_guid|article_undated|page_failed)\b")
    scan = re.compile(r"\bSCAN (TABLE )?(article|page)\b|Seq Scan on (article|page)\b")  # "TABLE": SQLite < 3.36
    scans = [
        (sql, step)
        for sql, plan in lookups
        for step in plan.split(" | ")
        if scan.search(step) and not partial.search(step)
    ]
    assert scans == []
    drafts_plans = [plan for sql, plan in lookups if re.search(r"origin (IN|= ANY)", sql)]
    assert drafts_plans and all(re.search(r"\(origin ?=", plan) for plan in drafts_plans), drafts_plans


# -- full text -------------------------------------------------------------------------------------


def test_pages_are_saved_replaced_and_held_per_origin(store: Store) -> None:
    store.write([release("p1"), release("p2"), upstream(article("p3"))])
    p1, p2, p3 = release("p1").article.id, release("p2").article.id, article("p3").id
    done = PageState(p1, "e1", "https://www.korea.kr/1", "done", 1, NOW, body_html="<p>본문</p>",
                     attachments=(("https://www.korea.kr/1.hwp", "application/x-hwp", "붙임"),))  # fmt: skip
    failed = PageState(p2, "e2", "https://www.korea.kr/2", "failed", 2, NOW, NOW + timedelta(hours=1), "HTTP 503")
    orphan = replace(failed, article_id=f"{AUTH}:source/msit/gone")
    other = replace(failed, article_id=p3)
    store.save_pages([done, failed, orphan, other])
    assert store.pages([p1, p2, "nope"]) == {p1: done, p2: failed}
    assert store.held("source:msit") == [failed]  # failed, and its article stored with that origin
    store.save_pages([replace(failed, status="done", attempts=3, next_try=None, reason="", body_html="<p>x</p>")])
    assert store.held("source:msit") == []
    assert store.pages([p2])[p2].attempts == 3 and store.pages([p2])[p2].next_try is None
    assert store.pages([]) == {}


# -- ingest state, build state, meta -------------------------------------------------------------------


def test_dedupe_keys_keep_the_first_owner(store: Store) -> None:
    store.add_dedupe_keys([("guid:msit:1", "A", "msit"), ("link:korea.kr/1", "A", "moef"), ("guid:msit:1", "B", "x")])
    store.add_dedupe_keys([("guid:msit:1", "C", "msit"), ("content:abc", "A", "msit")])
    assert store.dedupe_lookup(["guid:msit:1", "link:korea.kr/1", "content:abc", "nope"]) == {
        "guid:msit:1": "A",
        "link:korea.kr/1": "A",
        "content:abc": "A",
    }
    assert store.dedupe_sources(["A", "B", "C", "nope"]) == {"A": ["moef", "msit"]}  # B and C own no key
    assert store.dedupe_sources([]) == {}
    assert store.dedupe_lookup([]) == {}


def test_touch_gives_new_seqs_and_changes_nothing_else(store: Store) -> None:
    store.write([release("a"), release("b"), release("c")])
    ids = [article(k, source=True).id for k in "abc"]

    def unsequenced() -> dict[str, object]:
        return {i: replace(stored, seq=0) for i in ids if (stored := store.get(i)) is not None}

    before = unsequenced()
    seqs = {i: seq_of(store, i) for i in ids}
    store.touch([ids[0], ids[2], "nope"])
    assert seq_of(store, ids[0]) > seqs[ids[2]] and seq_of(store, ids[2]) > seq_of(store, ids[0])
    assert seq_of(store, ids[1]) == seqs[ids[1]]
    assert unsequenced() == before and len(before) == 3
    store.touch([])


def test_source_states_round_trip_in_id_order(store: Store) -> None:
    store.save_source_state("msit", {"etag": '"abc"', "new": 3, "unknown_agencies": ["국가유산청"]})
    store.save_source_state("kma", {"gone": True})
    store.save_source_state("msit", {"etag": '"def"', "new": 0})
    assert store.source_state("msit") == {"etag": '"def"', "new": 0}
    assert store.source_state("none") is None
    assert list(store.source_states()) == [("kma", {"gone": True}), ("msit", {"etag": '"def"', "new": 0})]
    # a run saves every source's state at once
    store.save_source_states({"msit": {"new": 1}, "korea-kr": {"failures": 2}})
    store.save_source_states({})
    assert list(store.source_states()) == [("kma", {"gone": True}), ("korea-kr", {"failures": 2}), ("msit", {"new": 1})]


def test_feed_file_states_and_meta(store: Store) -> None:
    states = {
        "rss.xml": FeedFileState("fp1", NOW, 1234, 1_762_603_200_123_456_789, NOW + timedelta(hours=2)),
        "it-science/feed.json": FeedFileState("fp2", None, 10, 5),
    }
    store.save_feed_files(states)
    assert store.feed_files() == states
    store.save_feed_files({"rss.xml": replace(states["rss.xml"], fingerprint="fp3")})
    store.forget_feed_files(["it-science/feed.json"])
    assert store.feed_files() == {"rss.xml": replace(states["rss.xml"], fingerprint="fp3")}
    store.set_meta("config_digest", "abc")
    store.set_meta("config_digest", "def")
    assert store.get_meta("config_digest") == "def" and store.get_meta("none") is None


# -- the run lock --------------------------------------------------------------------------------------


def test_the_run_lock_is_held_by_one_user_of_the_store_at_a_time(make_store: Callable[[], Store]) -> None:
    first, second = make_store(), make_store()
    with first.lock(0), pytest.raises(LockedError, match="another pressfeed run is in progress"), second.lock(0.2):
        pass
    with second.lock(0):  # released
        pass
    released = threading.Event()

    def hold() -> None:
        with first.lock(0):
            held.set()
            released.wait(5)

    held = threading.Event()
    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.3, released.set).start()
    with second.lock(10):  # waits for the holder
        assert released.is_set()
    holder.join()


# -- migrations ----------------------------------------------------------------------------------------


@pytest.fixture
def schema_module(store_url: str):  # type: ignore[no-untyped-def]
    import pressfeed.store.postgres as postgres
    import pressfeed.store.sqlite as sqlite

    return sqlite if backend(store_url) == "sqlite" else postgres


@pytest.fixture
def older_pressfeed(schema_module, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`with older_pressfeed(n):` stores open as pressfeed at schema n made them; after the block, as now."""

    @contextmanager
    def at(version: int) -> Iterator[None]:
        migrations = schema_module.MIGRATIONS
        monkeypatch.setattr(schema_module, "MIGRATIONS", migrations[:version])
        monkeypatch.setattr(schema_module, "VERSION", version)
        try:
            yield
        finally:
            monkeypatch.setattr(schema_module, "MIGRATIONS", migrations)
            monkeypatch.setattr(schema_module, "VERSION", len(migrations))

    return at


def write_as_before(store: Store, writes: list[ArticleWrite]) -> None:
    """Store.write as pressfeed wrote articles before schema 10 (PostgreSQL 9): without undated_changes."""
    import pressfeed.store.postgres as postgres
    import pressfeed.store.sqlite as sqlite

    columns = "id, section, status, published, updated, origin, content_hash, upstream_hash, upstream_status, seq, data"
    with store.transaction():
        first = store._next_seq(len(writes))  # type: ignore[attr-defined]
        if isinstance(store, sqlite.SQLiteStore):
            rows = [sqlite._article_row(w, first + i)[:-1] for i, w in enumerate(writes)]
            values = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT)"
            store.db.executemany(f"INSERT INTO article ({columns}) VALUES ({values})", rows)
        else:
            rows = [postgres._article_row(w, first + i)[:-1] for i, w in enumerate(writes)]
            with store.conn.cursor() as cursor:  # type: ignore[attr-defined]
                cursor.executemany(f"INSERT INTO article ({columns}) VALUES ({', '.join(['%s'] * 11)})", rows)


def test_a_store_of_an_older_schema_is_upgraded_keeping_its_data(store_url: str, older_pressfeed) -> None:  # type: ignore[no-untyped-def]
    with older_pressfeed(2):  # a store as pressfeed wrote it before full text (schema 2)
        old = open_store(store_url)
        write_as_before(old, [release("m")])
        old.set_meta("stories_relink", "done")
        seq = 1  # the store's first write
        old.close()

    new = open_store(store_url)
    try:
        stored = new.get(release("m").article.id)
        assert stored is not None and stored.seq == seq and stored.article == release("m").article
        assert stored.undated_changes == 0  # none counted before
        assert new.get_meta("stories_relink") == "done"
        page = PageState(release("m").article.id, "e", "https://www.korea.kr/m", "failed", 1, NOW, reason="HTTP 404")
        new.save_pages([page])  # the new table is there
        assert new.held("source:msit") == [page]
    finally:
        new.close()
    open_store(store_url).close()  # a current store opens without migrating again


def test_a_schema_3_store_keeps_what_its_builds_recorded(store_url: str, older_pressfeed) -> None:  # type: ignore[no-untyped-def]
    """Schema 4 drops the published files' SHA-256; their fingerprints and stats stay, so no feed is rebuilt."""
    insert = "INSERT INTO feed_file (path, fingerprint, sha256, updated, size, mtime_ns) VALUES (?, ?, ?, ?, ?, ?)"
    with older_pressfeed(3):
        old = open_store(store_url)
        if backend(store_url) == "sqlite":
            old.db.execute(insert, ("rss.xml", "fp", "ab" * 32, utc_text(NOW), 10, 20))  # type: ignore[attr-defined]
        else:
            old.conn.execute(insert.replace("?", "%s"), ("rss.xml", "fp", "ab" * 32, NOW, 10, 20))  # type: ignore[attr-defined]
        old.close()

    with open_store(store_url) as new:
        assert new.feed_files() == {"rss.xml": FeedFileState("fp", NOW, 10, 20)}


def test_a_store_from_before_shown_items_counts_what_its_builds_showed(  # type: ignore[no-untyped-def]
    store_url: str, older_pressfeed
) -> None:
    """Its builds recorded no items: what was published and due when it is upgraded is taken as shown."""
    due, draft = article("due"), article("draft", status=Status.DRAFT)
    future = article("future", published=datetime(2100, 1, 1, tzinfo=UTC))  # after the real clock's now
    with older_pressfeed(_before("shown", store_url)):
        old = open_store(store_url)
        write_as_before(old, [upstream(due), upstream(draft), upstream(future)])
        old.close()

    with open_store(store_url) as new:
        assert new.shown([due.id, draft.id, future.id]) == {due.id}
        new.mark_shown([future.id, future.id])  # a later build's items; again: no error
        assert new.shown([due.id, draft.id, future.id]) == {due.id, future.id}
        assert new.shown([]) == set()


def test_files_recorded_before_their_render_time_was_kept_keep_what_they_had(  # type: ignore[no-untyped-def]
    store_url: str, older_pressfeed
) -> None:
    """The time a file was rendered at came with schema 7 (PostgreSQL 6); a file recorded before keeps its
    fingerprint, date and stat (no feed is rebuilt for the upgrade) and has no such time."""
    insert = "INSERT INTO feed_file (path, fingerprint, updated, size, mtime_ns) VALUES (?, ?, ?, ?, ?)"
    with older_pressfeed(_before("rendered_at", store_url)):
        old = open_store(store_url)
        if backend(store_url) == "sqlite":
            old.db.execute(insert, ("rss.xml", "fp", utc_text(NOW), 10, 20))  # type: ignore[attr-defined]
        else:
            old.conn.execute(insert.replace("?", "%s"), ("rss.xml", "fp", NOW, 10, 20))  # type: ignore[attr-defined]
        old.close()

    with open_store(store_url) as new:
        recorded = FeedFileState("fp", NOW, 10, 20)
        assert new.feed_files() == {"rss.xml": recorded} and recorded.rendered_at is None
        later = replace(recorded, rendered_at=NOW + timedelta(minutes=5))
        new.save_feed_files({"rss.xml": later})
        assert new.feed_files() == {"rss.xml": later}


#: the schema a store had just before a migration: (SQLite's, PostgreSQL's)
BEFORE = {"shown": (5, 4), "rendered_at": (6, 5)}


def _before(migration: str, store_url: str) -> int:
    sqlite, postgresql = BEFORE[migration]
    return sqlite if backend(store_url) == "sqlite" else postgresql


def test_hosts_opening_a_new_store_at_once_create_it_once(
    store_url: str, request: pytest.FixtureRequest, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Cron on several hosts, first run against an empty database: one creates the tables, the others wait."""
    for attempt in range(4):
        if backend(store_url) == "sqlite":
            url = f"sqlite://{tmp_path / f'race-{attempt}.db'}"
        else:
            url = request.getfixturevalue("pg_server").new_schema()
        start = threading.Barrier(4)
        errors: list[BaseException] = []
        opened: list[Store] = []

        def first_run(url: str = url, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                opened.append(open_store(url))  # noqa: B023 (joined before the next round)
            except BaseException as exc:
                errors.append(exc)  # noqa: B023

        threads = [threading.Thread(target=first_run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for store in opened:
            store.close()
        assert errors == [] and len(opened) == 4


def test_a_store_newer_than_this_pressfeed_is_refused(
    store_url: str,
    schema_module,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    open_store(store_url).close()
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:1])
    monkeypatch.setattr(schema_module, "VERSION", 1)
    with pytest.raises(StoreError, match="newer than this pressfeed"):
        open_store(store_url)


# -- copying a whole store -----------------------------------------------------------------------------


def fill(store: Store) -> None:
    """A little of everything a store holds."""
    store.write([upstream(article("f1")), release("f1"), upstream(article("f2", status=Status.HIDDEN))])
    store.write([replace(release("f1", title="조회수 2"), undated_changes=3)])
    store.link_story(release("f1").article.id, article("f1").id, adopt=True)
    store.set_keep_both(release("f1").article.id, True)
    store.set_citations(article("f1").id, ["link:korea.kr/f1"])
    store.add_dedupe_keys([("guid:msit:f1", release("f1").article.id, "msit")])
    store.add_passages([("passage:0123", release("f1").article.id)])
    store.write([upstream(article("gone"))])
    store.delete(article("gone").id, NOW)
    store.save_pages([PageState(release("f1").article.id, "e", "https://www.korea.kr/f1", "done", 1, NOW)])
    store.save_source_state("msit", {"etag": '"x"', "new": 1})
    store.save_feed_files({"rss.xml": FeedFileState("fp", NOW, 10, 20)})
    store.mark_shown([article("f1").id])
    store.save_upstream_changes([upstream_change(release("f1", title="정정된 제목"), NOW)])
    store.save_sightings(
        [
            Sighting(
                release("f1").article.id,
                "korea-kr",
                "w1:b",
                "w1:a",
                carries=True,
                earlier="w1:0",
                since="2025-11-08T12:00:00Z",
            )
        ]
    )
    store.set_meta("config_digest", "abc")


@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_copy_moves_every_row_and_refuses_a_store_in_use(
    store: Store,
    target_kind: str,
    tmp_path,
    request: pytest.FixtureRequest,  # type: ignore[no-untyped-def]
) -> None:
    if target_kind == "sqlite":
        target_url = f"sqlite://{tmp_path / 'copy.db'}"
    else:
        target_url = request.getfixturevalue("pg_server").new_schema()
    fill(store)
    target = open_store(target_url)
    try:
        counts = copy_store(store, target)
        assert counts["article"] == 3 and counts["tombstone"] == 1 and counts["dedupe_key"] == 1
        assert list(target.dump()) == list(store.dump())  # every row, in SQLite's value forms
        assert target.feed_keys(None, NOW, 50) == store.feed_keys(None, NOW, 50)
        assert target.get(article("f1").id) == store.get(article("f1").id)
        assert target.get_meta("stories_relink") == store.get_meta("stories_relink")
        with pytest.raises(StoreError, match="already holds data"):
            copy_store(store, target)
        assert target.count() == 3  # nothing doubled
    finally:
        target.close()
    assert {table for table, _ in store.dump()} == set(TABLES)  # fill() put something in every table


# -- file modes (SQLite) --------------------------------------------------------------


@contextmanager
def umask(mask: int) -> Iterator[None]:
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


#: umask 077 also checks that the umask is still obeyed, not overridden by a fixed mode
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o640), (0o002, 0o660), (0o077, 0o600)])
def test_a_new_store_is_never_readable_by_other_users(tmp_path: Path, mask: int, mode: int) -> None:
    """It holds drafts and embargoed articles; the web server needs only the output folder. The group gets
    what the umask gives it (a shared editors' group, umask 002), others nothing, whatever the umask."""
    path = tmp_path / ".pressfeed" / "pressfeed.db"
    with umask(mask):
        store = open_store(f"sqlite://{path}")
        try:
            store.write([upstream(article("1"))])  # a write: the -wal and -shm files exist now
            files = sorted(path.parent.glob("pressfeed.db*"))
            assert [f.name for f in files] == ["pressfeed.db", "pressfeed.db-shm", "pressfeed.db-wal"]
            assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == dict.fromkeys(
                (f.name for f in files), mode
            )
        finally:
            store.close()


def test_an_existing_store_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "pressfeed.db"
    open_store(f"sqlite://{path}").close()
    path.chmod(0o644)  # the operator's choice (or a store made before new ones were private)
    with umask(0o022):
        open_store(f"sqlite://{path}").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
