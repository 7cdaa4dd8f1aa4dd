"""One story, one item: the newsroom's article and the release it came from are not both published.

A portal's newsroom rewrites the important releases under its own byline,
and ingest brings in all of them. A CMS article and an ingested release are
the same story when:

* the article's `source.url` and the release's link normalize to the same
  key (:func:`pressfeed.urls.normalize_link`: scheme, `www.`/`m.`,
  tracking parameters, trailing slash); or
* the article's body is the release's body: their texts are equal once case,
  whitespace, a leading "(매체명)" byline and the credit line are set aside.
  This is exact on purpose: a rewrite that changes one sentence is no match
  by text (its `source.url` names the release), and a body shorter than
  BODY_MIN characters ("붙임 참조") matches nothing.

The newsroom's version wins. The release stays stored, `superseded_by` the
article, and leaves every feed while the article is in them (a draft,
hidden or embargoed article leaves the release where it is). When readers
have the release and not yet the article (the store records what each build
put in a feed), the article takes over the release's guid, so readers see an
update of that item, not a second one. When readers have both, each keeps
its own guid: the release leaves the feeds, and no item turns into a copy
of another one readers hold. Sources with
`when_in_cms: keep` are never superseded; an editor may keep a superseded
release in the feeds on purpose (`articles publish --keep-both`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime

from .model import Article, Status, encode
from .store import Store, StoredArticle
from .store.base import ArticleWrite
from .text import collapse_space, without_space
from .urls import normalize_link

#: characters of normalized body text below which a body says nothing about its story
BODY_MIN = 100
#: "(포탈뉴스통신) " at the start of a republished body
_BYLINE = re.compile(r"^\(\s*[^()]{1,20}\s*\)\s*")

#: whether a stored release may be superseded (its source's when_in_cms)
Supersedable = Callable[[StoredArticle], bool]


def body_key(text: str) -> str | None:
    """`body:<hash>` of a body's plain text, or None when it is too short to tell a story.

    The text's whitespace, collapsed or not, makes no difference (the hash has
    none): a "(매체명)" byline is found on the collapsed form of its own bit.
    """
    rest = text.lstrip()
    if rest.startswith("("):  # the byline's ")" is the first one: its pattern allows no parenthesis inside
        close = rest.find(")")
        if close > 0 and _BYLINE.match(collapse_space(rest[: close + 1])):
            rest = rest[close + 1 :]
    # casefold() neither makes nor unmakes whitespace: removing it first is the same
    folded = without_space(rest).casefold()
    if len(folded) < BODY_MIN:
        return None
    return "body:" + hashlib.sha256(folded.encode()).hexdigest()


def citation_keys(article: Article, text: str) -> list[str]:
    """The keys a CMS article cites releases by: its source.url, and its body."""
    keys = []
    if article.source is not None and article.source.url:
        keys.append(f"link:{normalize_link(article.source.url)}")
    body = body_key(text)
    if body is not None:
        keys.append(body)
    return keys


def visible(stored: StoredArticle, now: datetime) -> bool:
    """Is the article in the feeds (as far as it alone decides)?"""
    return shows(stored.article, now)


def shows(article: Article, now: datetime) -> bool:
    """Is this version of an article in the feeds (as far as it alone decides)?"""
    return article.status is Status.PUBLISHED and article.published <= now


def hand_over(store: Store, before: StoredArticle, in_feeds: bool, now: datetime) -> StoredArticle | None:
    """A newsroom article under a release's guid (`before`, as stored until now) enters the feeds or leaves
    them (`in_feeds`): the item readers have under that guid turns into the other version, the article
    back over the release or the release over it, however that came about (an editor's command, a CMS
    export's status or date, a deletion). That version is dated `now`: a reader takes a version as newer
    only by its `updated`, which must never go back. Returns the article dated anew, if one was."""
    if before.feed_guid is None or visible(before, now) == in_feeds:
        return None
    return restamp(store, before.article.id if in_feeds else before.feed_guid, now)


def restamp(store: Store, article_id: str, now: datetime) -> StoredArticle | None:
    """Date an article `now` (not before its own `updated`): the version of its item readers get is new.

    `updated` is not in the content hash, so this is no local edit of an ingested release. None when
    there is no such article (a release deleted after the newsroom's version took its guid).
    """
    stored = store.get(article_id)
    if stored is not None and stored.article.updated < now:
        encoded = encode(stored.article).restamped(status=stored.article.status, updated=now)
        store.write([ArticleWrite(encoded, stored.origin)])
        stored = store.get(article_id)
    return stored


def keeps_out(release: StoredArticle, article: StoredArticle | None, now: datetime) -> bool:
    """Does the article superseding `release` (None: deleted) keep it out of the feeds now? While that article
    is itself in them, unless the release is kept beside it: the condition the store's feed query applies
    (pressfeed.store.base.feed_visible), for an editor's view of one release."""
    return release.superseded_by is not None and not release.keep_both and article is not None and visible(article, now)


def link_cms_articles(
    store: Store,
    cited: Sequence[tuple[str, Sequence[str]]],
    supersedable: Supersedable,
    now: datetime,
    *,
    new: Collection[str] = (),
) -> None:
    """After CMS articles were written: record what they cite (by id), and supersede those releases.

    A release already superseded by another article keeps it (the first wins);
    releases an article no longer cites stand alone again. `new`: articles
    first stored by this import, which neither cite nor supersede anything
    yet. Only articles that cite a stored release are read back from the store.
    """
    keys = [k for _, article_keys in cited for k in article_keys]
    owners = store.dedupe_lookup(keys)
    releases = store.get_many(sorted(set(owners.values())))
    gone = _deleted_superseders(store, releases.values())
    matches = {article_id: {owners[k] for k in article_keys if k in owners} for article_id, article_keys in cited}
    articles = store.get_many([article_id for article_id, matched in matches.items() if matched])
    # whole batches: a 100k import must not cost a database round trip per article. Articles
    # first stored now cite nothing yet: their citations go in without replacing any.
    store.add_citations((k, a) for a, article_keys in cited if a in new for k in article_keys)
    known = {article_id: article_keys for article_id, article_keys in cited if article_id not in new}
    store.set_citations_many(known)
    superseded = store.superseded_many(list(known))
    shown = store.shown(sorted({*releases, *articles}))
    holders = {**articles, **store.get_many([a for a in superseded if a not in articles])}
    # first every release an article no longer cites stands alone, so that another article of this import may
    # take it; the releases read above are kept as the store now has them, link by link
    for article_id, released in superseded.items():
        for release_id in released:
            if release_id not in matches.get(article_id, ()):
                store.unlink_story(release_id)
                holder = holders.get(article_id)
                if holder is not None and holder.feed_guid == release_id:
                    restamp(store, release_id, now)  # the item readers have shows the release again: a newer version
                if release_id in releases:
                    releases[release_id] = replace(releases[release_id], superseded_by=None, keep_both=False)
    for article_id, matched in matches.items():
        article = articles.get(article_id)
        for release_id in sorted(matched):
            release = releases.get(release_id)
            if release is not None and article is not None and _may_link(release, article, supersedable, gone):
                store.link_story(release_id, article_id, adopt=_adopts(release, article, shown, now))
                releases[release_id] = replace(release, superseded_by=article_id)  # the first wins


def link_releases(
    store: Store,
    releases: Sequence[tuple[str, Sequence[str]]],
    supersedable: Supersedable,
    now: datetime,
    *,
    new: set[str],
) -> None:
    """After releases were ingested (by id, with their keys): supersede those a CMS article already cites.

    `new`: ids of releases first stored by this ingest; they were never in a
    feed, so the article keeps its own guid. Only cited releases are read back.
    """
    keys = [k for _, release_keys in releases for k in release_keys]
    citing = store.citing(keys)
    cited = {
        release_id: sorted({a for k in release_keys for a in citing.get(k, ())})
        for release_id, release_keys in releases
    }
    stored = store.get_many([release_id for release_id, by in cited.items() if by])
    gone = _deleted_superseders(store, stored.values())
    articles = store.get_many(sorted({a for by in cited.values() for a in by[:1]}))
    shown = store.shown(sorted({*stored, *articles}))
    for release_id in sorted(cited):  # in id order, as the store gives them back
        release = stored.get(release_id)
        for article_id in cited[release_id][:1]:  # one story, one newsroom article: the first by id
            article = articles.get(article_id)
            if release is not None and article is not None and _may_link(release, article, supersedable, gone):
                adopt = release_id not in new and _adopts(release, article, shown, now)
                store.link_story(release_id, article_id, adopt=adopt)


def _deleted_superseders(store: Store, releases: Collection[StoredArticle]) -> set[str]:
    """The articles superseding these releases that were deleted since: they hold no story any more."""
    by = sorted({r.superseded_by for r in releases if r.superseded_by is not None})
    return set(by) - store.get_many(by).keys() if by else set()


def _may_link(release: StoredArticle, article: StoredArticle, supersedable: Supersedable, gone: set[str]) -> bool:
    """`gone`: deleted articles (:func:`_deleted_superseders`). A release the first article superseded stays
    its (the first wins) until that article is deleted: then the next newsroom article citing it takes it, or
    the release would be published beside that article for good."""
    if release.article.id == article.article.id or not release.origin.startswith("source:"):
        return False
    if article.origin.startswith("source:"):
        return False  # only the newsroom's articles supersede releases
    free = release.superseded_by is None or release.superseded_by in gone
    return free and supersedable(release)


def _adopts(release: StoredArticle, article: StoredArticle, shown: Collection[str], now: datetime) -> bool:
    """Take over the release's guid when readers have it already and not the article, which has no other.

    `shown`: the ids among both that a build has put in a feed. An article readers
    have keeps its guid: taking the release's would make that item a second copy
    of the article in their lists, and drop the article's own item from the feeds.
    """
    if article.article.id in shown or release.article.id not in shown:
        return False
    return visible(release, now) and not release.keep_both and article.feed_guid is None
