"""A correction that only a copy's source gives.

A release two sources bring is one article, its first source's (the owner's);
the other source's items are copies of it. A ministry correcting a figure on
its own board alone left the correction in the copy, counted a duplicate, and
readers kept the wrong figure.

Every source's item is judged against that source's own last version, never
against another source's form of the release (two boards' forms always
differ): its words (title, subtitle, body text), per article and source, in
the `sighting` table. A copy whose words changed, and stayed so at its
source's next, later fetch (a board flapping between two forms, or counting
views, corrects nothing), changed the release; that change is a correction
when the article lacks it (the owner, or another copy, may have brought it
already). It is taken after every source of the run is placed, so the owner's
own change of the same run wins. Only the words are taken (title, subtitle,
summary and body): the article keeps its owner's files, credit, section,
byline, link, status and published date. From then on the owner's item,
unchanged since, leaves the copy's words in place, and the owner's next change
of its own wins again. An article an editor changed keeps the edit: the copy's
version is kept out (`articles revert` takes it), as an owner's is. Past the
limit of changes without a date (merge.undated_changes) a correction is held
back until `sources reset` of the copy's source lets it through.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple, Protocol

from ..store.base import Sighting

if TYPE_CHECKING:
    from ..model import Article

#: what the digest is made of: another recipe makes every stored digest a first sighting (no correction)
DIGEST_VERSION = "w1"
#: Sighting.since of a correction held back that `sources reset` of its source lets through (Store.release_held);
#: the copy's next new words keep the mark ("reset <time>"), as an owner's next change is taken after its reset
RELEASED = "reset"


def released(row: Sighting) -> bool:
    """Did `sources reset` let this copy's held-back correction through?"""
    return row.since.startswith(RELEASED)


def _seen_at(row: Sighting) -> str:
    """When the copy first gave the words its row has seen ("" for none: held back, or a first sighting)."""
    return row.since.removeprefix(RELEASED).strip()


#: a board's view counter in an item's text ("조회수 : 1,234", "조회 12 | 작성일 …", "Hits 7"): it moves between
#: any two fetches, and is no word of the release. A figure the text counts has its unit or word after it
#: ("조회수 100만 회", "조회수 3배", "조회 1위"), and a word ending in one ("review 2025") is none
_VIEW_COUNT = re.compile(r"(?:조회수?|(?<![a-z])(?:views?|hits?))\s*[:：]?\s*\d[\d,]*(?=$|[\s|/·)\]])", re.IGNORECASE)
#: how near its body's start or end a board puts its counter (a line of the post's facts): within the text, the
#: figure is the release's own ("누적 조회수 1,234,567 달성")
_COUNTER_EDGE = 40
#: between an item's title, subtitle and body in its words: a change is seen in its own part
_PART = " ¶ "
#: a list's middle dot as HWP, Japanese fonts and typists write it (NFKC folds none of them into "·")
_MIDDLE_DOTS = str.maketrans(dict.fromkeys("\u318d\u30fb\u2027\u2219\u22c5", "·"))


class _Reporting(Protocol):
    updated: list[str]
    conflicts: list[str]
    warnings: list[str]


def words_of(article: Article) -> str:
    """What a reader reads of an ingested item: its title, subtitle and body text, without the notice, title
    lines and label a board adds (merge.reader_view), a view counter, and its markup (a board rotating
    tracking parameters in its links changes no word); one space between words, and compatibility forms
    folded (full-width digits are the same figures)."""
    from ..merge import reader_view
    from ..sanitize import body_words

    view = reader_view(article, ingested=True)
    parts = (_folded(view.title), _folded(view.subtitle), _without_counter(_folded(body_words(view.body_html))))
    return _PART.join(parts)


def _folded(text: str) -> str:
    """A text's words, one space between them, in the forms two copies of one text may differ in folded."""
    return " ".join(unicodedata.normalize("NFKC", text.translate(_MIDDLE_DOTS)).split())


def _without_counter(body: str) -> str:
    """A body's text (folded) without a board's view counter at its start or end."""
    edge = len(body) - _COUNTER_EDGE

    def drop(m: re.Match[str]) -> str:
        return "" if m.start() < _COUNTER_EDGE or m.end() > edge else m.group()

    return " ".join(_VIEW_COUNT.sub(drop, body).split())


def digest_of(words: str) -> str:
    """The digest of an item's words (:func:`words_of`): the same words, whatever their spacing, give the same."""
    from ..text import without_space

    return DIGEST_VERSION + ":" + hashlib.sha256(without_space(words).encode("utf-8")).hexdigest()[:32]


def words_digest(article: Article) -> str:
    """The digest of an item's words."""
    return digest_of(words_of(article))


class _Place(NamedTuple):
    """A place a copy changed its words: with a word on either side, as it read before (`was`) and after
    (`now`); the words before the place and after it, as it read before (`left`, `right`)."""

    insert: bool
    was: list[str]
    now: list[str]
    left: list[str]
    right: list[str]


def _places(before: str, after: str) -> list[_Place]:
    """The places a copy changed from words `before` to `after` (whitespace-separated words, diffed)."""
    old, new = before.split(), after.split()
    return [
        _Place(tag == "insert", old[max(i1 - 1, 0) : i2 + 1], new[max(j1 - 1, 0) : j2 + 1], old[:i1], old[i2:])
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        if tag != "equal"
    ]


def _spaced(words: str | list[str]) -> str:
    """Words one space apart, with one space before and after: a phrase found in another so is whole words."""
    return f" {' '.join(words.split() if isinstance(words, str) else words)} "


def lacks(article_words: str, before: str, after: str) -> bool:
    """Does an article (its words) lack the change a copy made from words `before` to `after`? Each change
    is read with a word on either side, as the copy has it: the article has it where it reads the new words in
    that place ("2025년 1,500 2026년"), not just somewhere ("1,500" in another cell of a table whose columns were
    swapped), and no longer reads the old ones there. Whole words only ("60" is not in "1960년"): in doubt the
    article lacks it, and the change is taken."""
    have = _spaced(article_words)
    return any(
        _spaced(place.now) not in have or (not place.insert and _spaced(place.was) in have)
        for place in _places(before, after)
    )


def untouched(words: str, before: str, after: str, owner_before: str = "") -> bool:
    """Does an owner's new text (its words) leave every place a copy changed from `before` to `after` as the
    copy read it before (each place with a word on either side, still read there), and, its own text before
    known (`owner_before`), remove none of the words the copy changed (an owner correcting the same figure its
    own way, quoting the old sentence in a "정정 전" line, touched it)? A change of other words is no change of
    those the copy corrected."""
    have, places = _spaced(words), _places(before, after)
    if not places or not all(_spaced(place.was) in have for place in places):
        return False
    return not owner_before or not any(_rewritten(owner_before, words, p.left, p.right) for p in places)


def _rewritten(before: str, after: str, left: list[str], right: list[str]) -> bool:
    """Does text `after` read, between the words around a place (`left` ends before it, `right` starts after
    it), anything text `before` did not read there: the owner wrote that place anew (50일간 for 40일간), even
    if it also quotes the old one ("정정 전: …")?"""
    if not left or not right:
        return False  # (a place at the text's edge: its other words tell)
    pattern = re.compile(rf"(?<!\S){re.escape(left[-1])}((?: \S+){{1,8}}?) {re.escape(right[0])}(?!\S)")
    had = set(pattern.findall(" ".join(before.split())))
    return any(middle not in had for middle in pattern.findall(" ".join(after.split())))


def patched(article: Article, before: str, after: str) -> Article | None:
    """`article` (the owner's later version) with a copy's change from words `before` to `after` made in its own
    text: each changed place, with a word on either side, found once in its title, subtitle or body and changed
    there. None when a place is not found just once as plain words (the owner's form differs there: markup
    within it, other digits), and the caller keeps the copy's words instead."""
    fields = {"title": article.title, "subtitle": article.subtitle, "body_html": article.body_html}
    for place in _places(before, after):
        if any(c in word for word in (*place.was, *place.now) for c in '&<>"¶'):
            return None  # (markup, or a place across the title and the body)
        pattern = re.compile(r"(?<!\S)" + r"\s+".join(map(re.escape, place.was)) + r"(?!\S)")
        # (in the text readers read: not within a tag, an image's alt text or a link's title)
        hits = [(name, m) for name, text in fields.items() for m in pattern.finditer(text) if not _in_tag(text, m)]
        if len(hits) != 1:
            return None
        name, m = hits[0]
        fields[name] = fields[name][: m.start()] + " ".join(place.now) + fields[name][m.end() :]
    return replace(article, title=fields["title"], subtitle=fields["subtitle"], body_html=fields["body_html"])


def _in_tag(text: str, m: re.Match[str]) -> bool:
    """Is a match within a tag of sanitized HTML (every "<" opens one)?"""
    return text.rfind("<", 0, m.start()) > text.rfind(">", 0, m.start())


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
    #: the copy's sighting before its new words held: what it changed from, and what it is again if the change is
    #: held back
    before: Sighting
    words: str

    @property
    def after(self) -> Sighting:
        """The copy's sighting once its new words are its version: saved with what they make of the article, so a
        run that dies in between confirms them again."""
        digest = digest_of(self.words)
        return replace(self.before, seen=digest, taken=digest, earlier=self.before.taken, since="", words=self.words)


@dataclass
class Sightings:
    """One run's sightings: read per source placed, the rows to save, and the corrections copies confirmed."""

    #: article id → source id → its sighting, as stored (and as this run changed it)
    rows: dict[str, dict[str, Sighting]] = field(default_factory=dict)
    #: the rows changed since the last save
    changed: dict[tuple[str, str], Sighting] = field(default_factory=dict)
    #: (article id, source id) sighted this run: a source listing one release twice gives one sighting a run
    sighted: set[tuple[str, str]] = field(default_factory=set)
    #: article id → the corrections copies confirmed this run, in the order they were placed (the first is taken)
    corrections: dict[str, list[Correction]] = field(default_factory=dict)
    #: the articles whose owner's item gave new words this run: its change wins over a copy's
    owner_changed: set[str] = field(default_factory=set)
    #: the sources whose copy changed its words, to be read again at the next run however their answer stands
    unconfirmed: set[str] = field(default_factory=set)
    #: the run's time (UTC, ISO 8601): new words seen at it hold only at a later fetch
    now: str = ""
    #: (article id, source id) → the words of a copy's new version seen this run
    new_words: dict[tuple[str, str], str] = field(default_factory=dict)
    #: article id → the copy's correction it carries (its words before and after), whose places the owner's
    #: change of its words this run left as they were
    kept_correction: dict[str, tuple[str, str]] = field(default_factory=dict)

    def load(self, found: dict[str, dict[str, Sighting]]) -> None:
        """Rows read from the store; this run's changes not saved yet (a dry run's) stand."""
        for article_id, rows in found.items():
            self.rows[article_id] = {**rows, **self.rows.get(article_id, {})} if self.changed else rows

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
        words = words_of(item)
        digest = digest_of(words)
        row = _current(self.rows.get(article_id, {}).get(source_id))
        if row is None:
            self._put(Sighting(article_id, source_id, digest, digest, words=words))
        elif digest == row.taken:
            if row.seen != digest:  # back to its version (a stale read): what changed in between was no correction
                self._put(replace(row, seen=digest))
        elif digest != row.seen:
            since = f"{RELEASED} {self.now}" if released(row) else self.now
            self._put(replace(row, seen=digest, since=since))
            self.unconfirmed.add(source_id)
            self.new_words[article_id, source_id] = words
        elif _seen_at(row) == self.now:  # a run again at the same instant is no second fetch (cron twice at once)
            self.unconfirmed.add(source_id)
        else:  # the same new words at two fetches in a row (their row is saved when they are taken)
            correction = Correction(article_id, source_id, item, report, row, words)
            self.corrections.setdefault(article_id, []).append(correction)

    def settled(self, correction: Correction) -> None:
        """A confirmed correction's words are the copy's version now, taken or not (the article has them)."""
        self._put(correction.after)

    def owner_seen(self, article_id: str, source_id: str, item: Article, owner_words: Article | None) -> bool:
        """The owner's item of an article a copy's source ever gave: True when the article carries a copy's
        words and the owner's item gives no new ones. An owner not sighted before had the words stored
        (`owner_words`; None, an edited article, whose words are the editor's: its first sighting is its
        version)."""
        rows = self.rows.get(article_id)
        if not rows or (article_id, source_id) in self.sighted:
            return False
        self.sighted.add((article_id, source_id))
        words = words_of(item)
        digest = digest_of(words)
        found = rows.get(source_id)
        row = _current(found)
        carried = any(r.carries for r in rows.values())
        if row is None:
            # the words stored are the owner's last, unless they are an editor's, or a copy's (taken, or an
            # editor's revert of one kept out), or a digest of another recipe was all it had: then its item is its
            # version
            says = owner_words is not None and found is None and not carried
            known = words_digest(owner_words) if says and owner_words is not None else digest
            row = Sighting(article_id, source_id, "", known)
        if row.taken == digest:
            if row.seen != digest or not row.words:  # (its words kept: what its next change is made from)
                self._put(Sighting(article_id, source_id, digest, digest, words=words))
            return carried
        carrier = next(
            (r for r in rows.values() if r.carries and r.was and untouched(words, r.was, r.words, row.words)), None
        )
        if carrier is not None:
            # a change of other words (a typo fixed, a title marked amended): the figure the copy corrected would
            # be wrong again in the owner's whole text; the correction it carries stays (made in the owner's text)
            self._put(Sighting(article_id, source_id, digest, digest, words=words))
            self.kept_correction[article_id] = (carrier.was, carrier.words)
            return True
        # the owner's own change: it wins, also over a copy's new words not taken yet (seen this run, or earlier:
        # one held back), which are that copy's version now, and no copy's words are carried any more
        self.owner_changed.add(article_id)
        self._put(Sighting(article_id, source_id, digest, digest, words=words))
        for other in list(rows.values()):
            if other.source_id != source_id and (other.carries or other.seen != other.taken):
                self._absorb(replace(other, carries=False))
        return False

    def _absorb(self, row: Sighting) -> None:
        """A copy's new words as its version (the words it changed from: those seen this run, else unknown)."""
        if row.seen == row.taken:
            self._put(row)
            return
        words = self.new_words.get((row.article_id, row.source_id), "")
        self._put(replace(row, taken=row.seen, earlier=row.taken, since="", words=words))

    def carried(self, correction: Correction, owner_id: str, owner_words: Article | None) -> None:
        """The article now carries the words of the copy's version: the owner's item, unchanged, leaves them be.
        An owner never sighted gets its version from the words the article had (`owner_words`; None: an edited
        article's are the editor's, and its first sighting is its version)."""
        article_id, source_id = correction.article_id, correction.source_id
        rows = self.rows.get(article_id, {})
        for other in list(rows.values()):
            if other.carries and other.source_id != source_id:
                self._put(replace(other, carries=False))
        row = rows[source_id]
        # a copy correcting again while the article carries its words: what they corrected is still from its words
        # before the first (the owner's text has none of them)
        was = row.was if row.carries and row.was else correction.before.words
        self._put(replace(row, carries=True, was=was))
        if owner_id not in rows and owner_words is not None:
            words = words_of(owner_words)
            self._put(Sighting(article_id, owner_id, digest_of(words), digest_of(words), words=words))

    def held_back(self, correction: Correction) -> None:
        """A correction not taken now (its article changed too often without a date): the copy's row as it was,
        its new words seen (since no time: said once), so they hold again whenever its answer is read next (a
        `sources reset` of its source reads it at the next run)."""
        self._put(replace(correction.before, seen=digest_of(correction.words), since=""))

    def absorbed(self) -> None:
        """The copies' new words seen in a run the owner changed its own: their version (the owner's change
        wins; the same change in the copy's form, a run later, is none)."""
        for article_id, source_id in sorted(self.new_words):
            row = self.rows.get(article_id, {}).get(source_id)
            if article_id in self.owner_changed and row is not None:
                self._absorb(row)

    def taken_over(self, article_id: str, former: str) -> None:
        """Another source's text took the release over from its owner (`former`), whose title or teaser said
        nothing of the words: its next sighting is its first. The article's words are its new owner's."""
        for row in list(self.rows.get(article_id, {}).values()):
            if row.source_id == former:
                self._put(replace(row, seen="", taken="", carries=False))
            elif row.carries:
                self._put(replace(row, carries=False))
