"""How an upstream version (a CMS export record or an ingested item) meets a stored article.

The rules in one place: when upstream sent nothing new, when an editor's local
edit must be kept, and what to store when upstream did change.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .terms import Status

if TYPE_CHECKING:
    from .model import Article, EncodedArticle
    from .store.base import StoredArticle


#: upstream's changes to an item taken without a date of its own since the last it dated: a board putting a
#: view counter or the fetch time in its items changes them on every fetch, and each change taken told readers
#: of the item again and kept the version's keys for good (lemon24/reader stops at the same count,
#: HASH_CHANGED_LIMIT)
UNDATED_CHANGES_MAX = 24
#: how near the fetch a date is the fetch's own, not one upstream gave a change: a board stamping its items
#: (their `updated`, or their `pubDate`) with the time it serves them re-dates them on every fetch
FETCH_STAMP = timedelta(minutes=10)


def locally_edited(stored: StoredArticle) -> bool:
    """An article whose content an editor changed since it was last taken from upstream."""
    return stored.upstream_hash is not None and stored.upstream_hash != stored.content_hash


def same_upstream(stored: StoredArticle, incoming: EncodedArticle) -> bool:
    """Is `incoming` (fresh from upstream) what was last taken from upstream?"""
    return stored.upstream_hash == incoming.content_hash and stored.upstream_status == incoming.status


def reformatted(stored: StoredArticle, incoming: EncodedArticle, *, explicit_updated: bool) -> EncodedArticle | None:
    """`incoming` under the stored status and `updated` when it differs from the version last taken in nothing
    a reader sees; None when it is the same version or an update.

    A CMS re-export may differ in formatting only, a moved feed in the URL its
    items were read from, a release in the embargo notice normalization now
    drops: an update would re-date every such item, and readers show it as
    unread again. Stored in its new form, under its old dates, it is no update,
    and the next copy in that form is the version last taken. Only an article
    no editor changed holds the upstream version to compare with; a status, or
    an `updated` the record gives anew, is for the rules below.
    """
    old = stored.article
    if stored.upstream_hash in (None, incoming.content_hash) or stored.upstream_hash != stored.content_hash:
        return None
    if stored.upstream_status != incoming.status or (explicit_updated and incoming.updated != old.updated):
        return None
    ingested = stored.origin.startswith("source:")
    if _without_opening(reader_view(incoming.article, ingested)) != _without_opening(reader_view(old, ingested)):
        return None
    return incoming.restamped(status=old.status, updated=old.updated)


def as_shown(incoming: EncodedArticle, shown: Article, shown_hash: str) -> EncodedArticle:
    """`incoming`, or `shown` (whose content hash is `shown_hash`) under `incoming`'s status and `updated`
    when a reader sees the two alike (:func:`reader_view`)."""
    if incoming.content_hash == shown_hash or reader_view(incoming.article) != reader_view(shown):
        return incoming
    from .model import encode

    kept = encode(shown)
    if kept.content_hash != shown_hash:  # a stored form this version would not write: compare as before
        return incoming
    return kept.restamped(status=incoming.status, updated=incoming.updated)


def reader_view(article: Article, ingested: bool = False) -> Article:
    """What a reader gets of an article, for telling a change from a new form of the same.

    Its body as laid out (:func:`pressfeed.sanitize.layout_form`) and
    without a leading embargo notice (stale once the item is in a feed) nor,
    `ingested`, its title (a board's heading, dropped since: a newsroom's text is its own), its title
    without a board's press-release label (dropped since), and
    its source without the feed URL it was read from: that says which URL
    ingest asked (a feed that moved, a source whose URL the config now gives
    anew), not what the item is. `updated` and `status` are left to the rules
    here.
    """
    # (only where a version's hash differs from the stored one's)
    from .embargo import drop_embargo_notice, drop_title_lines
    from .ingest.keys import without_release_label
    from .sanitize import layout_form

    source = article.source
    if source is not None and source.feed:
        source = replace(source, feed="")
    body = drop_title_lines(article.body_html, article.title) if ingested else article.body_html
    body = layout_form(drop_embargo_notice(body))
    title = without_release_label(article.title) if ingested else article.title
    view = replace(article, title=title, body_html=body, source=source)
    return replace(view, updated=article.published, status=Status.PUBLISHED)


def in_figures_only(old: Article, new: Article) -> bool:
    """Do two upstream versions of an ingested article differ, as a reader sees them, in their figures alone: a
    board's view counter, or the time it served the item, in its words? (Under one link: another is another
    page. The figures of its markup, such as a link's or an image's address, and of its files are no words:
    another file is a change. Its dates are the caller's to weigh: a date upstream gives a change is one it
    means, the time it served the item none, see update._told.)"""
    from .model import content_json

    if old.link != new.link:
        return False
    before, after = (content_json(_figures_masked(reader_view(a, ingested=True))) for a in (old, new))
    return before == after


_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)
#: a tag of sanitized HTML (every "<" opens one), kept as it is, or a figure of its text
_TAG_OR_FIGURE = re.compile(r"(<[^>]*>)|\d+")


def _figures_masked(view: Article) -> Article:
    """A reader's view with the figures of its words (title, subtitle, summary, the body's text) as "#", and
    no date."""
    from .text import without_figures

    return replace(
        view,
        published=_NO_DATE,
        source=None if view.source is None else replace(view.source, published=_NO_DATE),
        title=without_figures(view.title),
        subtitle=without_figures(view.subtitle),
        summary=without_figures(view.summary),
        body_html=_TAG_OR_FIGURE.sub(lambda m: m.group(1) or "#", view.body_html),
    )


def _without_opening(view: Article) -> Article:
    """A reader's view (:func:`reader_view`) less a summary that is the body's opening words (derived from
    it, or a feed's copy of it: feedparser gives an Atom entry's content as its summary, which versions
    before stored whole): upstream sending such a summary in a new form has changed nothing of its own. (An
    editor's edit of it is an edit: :func:`as_shown` compares whole views.)"""
    from .sanitize import body_words
    from .text import without_space

    core = without_space(view.summary.removesuffix("…"))
    if core and without_space(body_words(view.body_html)).startswith(core):
        return replace(view, summary="")
    return view


def dates_a_change(old: Article, new: Article | EncodedArticle, *, explicit_updated: bool, now: datetime) -> bool:
    """Does upstream date `new` as a change of `old`, one it means: a later `updated` it gives, or a later
    published date (a board re-dating its item), older than FETCH_STAMP (the fetch's own time is no date)?"""
    moved = (explicit_updated and new.updated > old.updated) or new.published > old.published
    return moved and now - max(new.updated, new.published) > FETCH_STAMP


def undated_changes(
    stored: StoredArticle, incoming: EncodedArticle, *, explicit_updated: bool, now: datetime
) -> int | None:
    """StoredArticle.undated_changes once `incoming`, which changes the stored article, is taken; None: it is
    not, upstream having changed the article UNDATED_CHANGES_MAX times since it last dated a change.

    A change upstream dates is one it means: a later `updated`, or a later published date (a board re-dates
    its item), older than FETCH_STAMP. It is taken, and the count starts again. A date of the fetch's own
    time is none: a correction to an item past the limit is taken at the first fetch more than FETCH_STAMP
    after its date. A new status (a held release's text came, a source set to draft) is taken, neither
    counting nor counted against.
    """
    if dates_a_change(stored.article, incoming, explicit_updated=explicit_updated, now=now):
        return 0
    if stored.upstream_status != incoming.status:
        return stored.undated_changes
    if stored.undated_changes >= UNDATED_CHANGES_MAX:
        return None
    return stored.undated_changes + 1


def merge_upstream(
    stored: StoredArticle, incoming: EncodedArticle, *, explicit_updated: bool, now: datetime
) -> EncodedArticle | None:
    """What to store when upstream sends `incoming`; None = nothing.

    Re-sending the version last taken changes nothing, whatever an editor did
    locally since. An editor's hide/publish stands until upstream itself changes
    the status; an agency's release an editor hid stays hidden whatever it
    sends. Content edits without an explicit `updated` are dated now. An
    explicit `updated` never moves the stored one back: readers take a version
    as newer by it (new content under an earlier date is dated a second after
    the stored version); only a stored date still in the future, typed wrong,
    gives way to the record's.
    """
    old = stored.article
    if explicit_updated:
        if old.updated > now:
            updated = incoming.updated
        elif incoming.updated < old.updated and stored.upstream_hash != incoming.content_hash:
            updated = old.updated + timedelta(seconds=1)
        else:
            updated = max(incoming.updated, old.updated)
    elif stored.upstream_hash == incoming.content_hash:
        updated = old.updated
    elif old.updated > now:  # a scheduled article's date, which no reader saw: it must not outlast the schedule
        updated = max(now, incoming.updated)
    else:
        updated = max(now, old.updated)
    if same_upstream(stored, incoming) and updated == old.updated:
        return None
    status = incoming.status if stored.upstream_status != incoming.status else old.status
    if old.status is Status.HIDDEN and stored.origin.startswith("source:"):
        # an agency says nothing of a status: a release turns published when the text it was held for comes
        # (its page read, another source's copy), or draft under a source's `status: draft`, and neither is a
        # word against an editor's hide (only editors hide)
        status = Status.HIDDEN
    return incoming.restamped(status=status, updated=updated)
