"""A correction that only a copy's source gives.

A release two sources bring is one article, its first source's (the owner's);
the other source's items are copies of it. A ministry correcting a figure on
its own board alone left the correction in the copy, counted a duplicate, and
readers kept the wrong figure.

Every source's item is judged against that source's own last version, never
against another source's form of the release (two boards' forms always
differ): a digest of its words (title, subtitle, body text) per article and
source, the `sighting` table. A copy whose words changed, and stayed so at its
source's next fetch (a board flapping between two forms, or counting views,
corrects nothing), is a correction. It is taken after every source of the run
is placed, so the owner's own change of the same run wins. Only the words are
taken (title, subtitle, summary, body, images and files): the article keeps its
owner's credit, section, byline, link, status and dates. From then on the
owner's item, unchanged since, leaves the copy's words in place, and the
owner's next change of its own wins again. An article an editor changed keeps
the edit: the copy's version is kept out (`articles revert` takes it), as an
owner's is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from ..store.base import Sighting

if TYPE_CHECKING:
    from ..model import Article

#: what the digest is made of: another recipe makes every stored digest a first sighting (no correction)
DIGEST_VERSION = "w1"
#: a board's view counter in an item's text, in the digest's spaceless words ("조회수 : 1,234", "조회 12", "Hits
#: 7"): it moves between any two fetches, and is no word of the release. Not a figure the text counts
#: ("유튜브 조회수 100만 회", "조회 3,200건"), nor a word ending in one ("review 2025")
_VIEW_COUNT = re.compile(
    r"(?:조회수?|(?<![a-z])(?:views?|hits?))[:：]?\d[\d,]*(?![\d,.]|[만억천백십]|회|건|명|번|개|%)", re.IGNORECASE
)


class _Reporting(Protocol):
    updated: list[str]
    conflicts: list[str]
    warnings: list[str]


def words_digest(article: Article) -> str:
    """The digest of what a reader reads of an ingested item: its title, subtitle and body text, without the
    notice, title lines and label a board adds (merge.reader_view), its whitespace, and its markup (a
    board rotating tracking parameters in its links changes no word)."""
    from ..merge import reader_view
    from ..sanitize import body_words
    from ..text import without_space

    view = reader_view(article, ingested=True)
    words = "\x1f".join(without_space(part) for part in (view.title, view.subtitle, body_words(view.body_html)))
    words = _VIEW_COUNT.sub("", words)
    return DIGEST_VERSION + ":" + hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


def with_words(article: Article, words: Article) -> Article:
    """`article` with the words of `words` (title, subtitle, summary and body): all else, its files, credit,
    section, byline, link, tags, dates and status, stays `article`'s. (A copy's feed often gives no files, and
    the owner's new file, its words unchanged, is the owner's change.)"""
    return replace(
        article, title=words.title, subtitle=words.subtitle, summary=words.summary, body_html=words.body_html
    )


def _current(row: Sighting | None) -> Sighting | None:
    """A stored sighting, unless another recipe made its digests: then the next is a first sighting."""
    return row if row is not None and row.taken.startswith(DIGEST_VERSION + ":") else None


def gives_words(item: Article, stored: Article) -> bool:
    """Does a copy's item say what the release's words are? Not without text (a title only, its page not read
    yet), nor a teaser of an article that has the text (its page failed: a first read of it later is no
    correction, and a teaser never replaces the text), nor an item its source holds as a draft (`status:
    draft`: its words wait for an editor, they do not go out in another source's article)."""
    from ..sanitize import body_words
    from ..terms import Status
    from .fulltext import is_release_text

    if not item.body_html or item.status is not Status.PUBLISHED:
        return False
    return is_release_text(body_words(item.body_html)) or not is_release_text(body_words(stored.body_html))


@dataclass(frozen=True, slots=True)
class Correction:
    """A copy's version, held at two fetches, to be taken into its article after every source is placed."""

    article_id: str
    source_id: str
    article: Article
    report: _Reporting


@dataclass
class Sightings:
    """One run's sightings: read per source placed, the rows to save, and the corrections copies confirmed."""

    #: article id → source id → its sighting, as stored (and as this run changed it)
    rows: dict[str, dict[str, Sighting]] = field(default_factory=dict)
    #: the rows changed since the last save
    changed: dict[tuple[str, str], Sighting] = field(default_factory=dict)
    #: (article id, source id) sighted this run: a source listing one release twice gives one sighting a run
    sighted: set[tuple[str, str]] = field(default_factory=set)
    #: article id → the first correction a copy confirmed this run
    corrections: dict[str, Correction] = field(default_factory=dict)
    #: the articles whose owner's item gave new words this run: its change wins over a copy's
    owner_changed: set[str] = field(default_factory=set)
    #: the sources whose copy changed its words, to be read again at the next run however their answer stands
    unconfirmed: set[str] = field(default_factory=set)
    #: the run's time (UTC, ISO 8601): new words seen at it hold only at a later fetch
    now: str = ""

    def load(self, found: dict[str, dict[str, Sighting]]) -> None:
        self.rows.update(found)

    def _put(self, row: Sighting) -> None:
        self.rows.setdefault(row.article_id, {})[row.source_id] = row
        self.changed[row.article_id, row.source_id] = row

    def take_changed(self) -> list[Sighting]:
        """The rows to save, in a stable order; forgotten here once taken."""
        rows = [self.changed[k] for k in sorted(self.changed)]
        self.changed = {}
        return rows

    def copy_seen(self, article_id: str, source_id: str, item: Article, stored: Article, report: _Reporting) -> None:
        """A copy's item of the article (`stored`): its first sighting is its version; new words are a correction
        once they hold at its source's next fetch."""
        if (article_id, source_id) in self.sighted or not gives_words(item, stored):
            return
        self.sighted.add((article_id, source_id))
        digest = words_digest(item)
        row = _current(self.rows.get(article_id, {}).get(source_id))
        if row is None:
            self._put(Sighting(article_id, source_id, digest, digest))
        elif digest == row.taken:
            if row.seen != digest:  # back to its version: what changed in between was no correction
                self._put(replace(row, seen=digest))
        elif digest != row.seen:
            self._put(replace(row, seen=digest, since=self.now))
            self.unconfirmed.add(source_id)
        elif row.since == self.now:  # a run again at the same instant is no second fetch (cron twice at once)
            self.unconfirmed.add(source_id)
        else:  # the same new words at two fetches in a row
            self._put(replace(row, taken=digest, earlier=row.taken))
            if digest != row.earlier:  # (back to the words it gave before: a stale cache, not the ministry)
                self.corrections.setdefault(article_id, Correction(article_id, source_id, item, report))

    def owner_seen(self, article_id: str, source_id: str, item: Article, stored: Article | None) -> bool:
        """The owner's item of an article a copy's source ever gave: True when the article carries a copy's
        words and the owner's item gives no new ones. An owner not sighted before had the words stored
        (`stored`; None, an edited article, whose words are the editor's: its first sighting is its version)."""
        rows = self.rows.get(article_id)
        if not rows or (article_id, source_id) in self.sighted:
            return False
        self.sighted.add((article_id, source_id))
        digest = words_digest(item)
        found = rows.get(source_id)
        row = _current(found)
        carried = any(r.carries for r in rows.values())
        if row is None:
            # the words stored are the owner's unless they are a copy's (taken, or an editor's revert of one kept
            # out) or an editor's, or a digest of another recipe says nothing: then the owner's item is its version
            known = digest if stored is None or found is not None or carried else words_digest(stored)
            row = Sighting(article_id, source_id, "", known)
        if row.taken == digest:
            if row.seen != digest:
                self._put(Sighting(article_id, source_id, digest, digest))
            return carried
        # the owner's own change: it wins, and no copy's words are carried any more
        self.owner_changed.add(article_id)
        self._put(Sighting(article_id, source_id, digest, digest))
        for other in list(rows.values()):
            if other.carries:
                self._put(replace(other, carries=False))
        return False

    def carried(self, article_id: str, source_id: str, owner_id: str, owner_words: Article | None) -> None:
        """The article now carries the words of `source_id`'s version: the owner's item, unchanged, leaves them
        be. An owner never sighted gets its version from the words the article had (`owner_words`; None: an
        edited article's are the editor's, and its first sighting is its version)."""
        rows = self.rows.get(article_id, {})
        for other in list(rows.values()):
            if other.carries and other.source_id != source_id:
                self._put(replace(other, carries=False))
        self._put(replace(rows[source_id], carries=True))
        if owner_id not in rows and owner_words is not None:
            digest = words_digest(owner_words)
            self._put(Sighting(article_id, owner_id, digest, digest))
