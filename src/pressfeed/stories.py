"""One story, one item: the newsroom's article and the release it came from are not both published.

A portal's newsroom rewrites the important releases under its own byline,
and ingest brings in all of them. A CMS article and an ingested release are
the same story when:

* the article's `source.url` and the release's link normalize to the same
  key (:func:`pressfeed.urls.normalize_link`: scheme, `www.`/`m.`,
  tracking parameters, trailing slash); or
* the article's body is the release's body: their texts are equal once case,
  whitespace, a newsroom's byline and signature (:data:`_BYLINE`, :data:`_SIGNATURE`), the
  release's embargo notice pasted with it and the credit line are set aside;
  a body shorter than BODY_MIN characters ("붙임 참조") matches nothing; or
* the article's body is a near copy of the release's (:func:`alike`): a
  newsroom fixed a typo, dropped the contact line or a bullet, changed a
  sentence. Both are long (NEAR_MIN), published within NEAR_DAYS of each
  other, and share one of their longest sentences (:func:`passage_keys`, the
  keys they are found by) and NEAR_ALIKE of their text's five-letter runs. A
  rewrite is no near copy (its `source.url` names the release), nor is a
  release of a series (the same template, other figures, another day).

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

When several newsroom articles cite one release, the one soonest in the feeds
supersedes it (:func:`settle`): whenever one of them is written, published,
held back or deleted, so the release never shows beside an article that
rewrites it. An article holds a release's guid only while it supersedes it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from .context import Agencies, agency_key
from .embargo import FIRST_LINE_MARKUP, may_be_notice, split_embargo_notice
from .ingest.keys import BODY_MIN, link_key
from .model import Article, Status, encode
from .sanitize import body_words
from .store import Store, StoredArticle
from .store.base import ArticleWrite
from .terms import credit_agencies
from .text import FIGURES, without_figures, without_space

#: what a newsroom puts before a republished body: "(포탈뉴스통신) ", "[서울=포탈뉴스통신] ", "【서울=포탈뉴스통신】 ",
#: "포탈뉴스통신 홍길동 기자 = ", "(서울=포탈뉴스통신) 홍길동 기자 = "
_BYLINE = re.compile(
    r"\s*(?:\(\s*[^()]{1,20}\s*\)\s*|[\[【]\s*[^\[\]【】=]{1,12}=[^\[\]【】=]{1,20}[\]】]\s*)?"
    r"(?:(?:[^\s=()\[\]]{1,20}\s+)?[가-힣]{2,4}\s?(?:기자|특파원)\s?=\s*)?"
)
#: and after it: the reporter's address, "홍길동 기자 hong@example-portal.kr" (an agency's contact address ends
#: many releases: it is theirs, and stays)
_SIGNATURE = re.compile(r"\s[가-힣]{2,4}\s?(?:기자|특파원)\s*[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}\s*$")
#: characters of a body's end the signature is looked for in
_SIGNATURE_SPAN = 120

#: the characters of a body's text a pasted notice is looked for in: as many as the markup of the first line
#: split_embargo_notice() reads (its text is no longer, its layout whitespace uncollapsed here)
_NOTICE_SPAN = FIRST_LINE_MARKUP

#: whether a stored release may be superseded, given the sources that brought copies of it (their when_in_cms)
Supersedable = Callable[[StoredArticle, Sequence[str]], bool]


def any_release(stored: StoredArticle, brought_by: Sequence[str] = ()) -> bool:
    """The default rule: any ingested release may be superseded by a newsroom article citing it."""
    return True


@dataclass(frozen=True)
class StoryRules:
    """The config's say in which newsroom article supersedes which release (:func:`settle`)."""

    #: which releases may be superseded (their sources' `when_in_cms`: pressfeed.config.Config.supersedable)
    supersedable: Supersedable = any_release
    #: the registry, by which a near copy names the agency whose release it copies (:func:`one_agency`)
    agencies: Agencies = field(default_factory=Agencies)


#: characters of a folded text (pressfeed.stories._folded) below which no near copy of it is looked for: a
#: release's body is 1-4 KB; a short one's copy must be exact
NEAR_MIN = 300
#: the sentences a text's near copies are found by: its longest, so that a fixed typo or a changed sentence
#: leaves the others
PASSAGES = 3
#: characters of a sentence below which it finds nothing (a heading, a date line, "붙임 참조.")
_PASSAGE_MIN = 20
#: the share (Jaccard) of their five-letter runs two texts have in common to be one release's: a fixed
#: typo is ~0.99, a contact line dropped ~0.95; another day's release of a series, with its own figures, less
NEAR_ALIKE = 0.9
_SHINGLE = 5
#: how far apart a release and its near copy are published at most: a series' next release is not its copy
NEAR_DAYS = timedelta(days=3)
#: the bullets a release's paragraphs open with ("□ 과기정통부는 …", "ㅇ 이번 사업은 …"), which a newsroom drops
#: (or adds): not compared in a near copy. A compatibility jamo such as "ㅇ" is in no word (syllables are whole)
_BULLET = "□■○●◦•▪▫◆◇▶▷►※◎☐ㅇ"
_BULLETS = str.maketrans("", "", _BULLET)
#: where a folded text's passages end: a sentence's end ("…밝혔다."; "…2.5%" splits too, alike in both copies),
#: and a bullet, which opens the next item of a release written in items without full stops ("□ … 추진
#: ○ … 예정"); neither is part of a passage
_PASSAGE_END = re.compile(rf"[.。!?{_BULLET}]")
#: the prefix of the passage keys
PASSAGE = "passage:"
#: a phone number or an e-mail address, in a folded sentence
_CONTACT = re.compile(r"\d{2,4}[-)]\d{3,4}-\d{4}|@")
#: candidates compared for each release or article at most: those sharing the most passages (a release's
#: boilerplate may be in many others of the same days)
NEAR_CANDIDATES = 5
#: characters of each text compared: a release is 1-4 KB; a hostile 2 MB pair would take a second
_NEAR_SPAN = 20_000


def body_key(text: str) -> str | None:
    """`body:<hash>` of a body's plain text, or None when it is too short to tell a story.

    The text's whitespace, collapsed or not, makes no difference (the hash has
    none); nor do a newsroom's byline before it and its reporter's address after it.
    """
    folded = _folded(text)
    return _body_key(folded)


def copy_keys(text: str) -> tuple[str | None, tuple[str, ...]]:
    """What a body's copies find it by: its body key (an exact copy's) and its passage keys (a near copy's)."""
    folded = _folded(text)
    body = _body_key(folded)
    return body, tuple(_passage_keys(folded)) if body is not None else ()


def passage_keys(text: str) -> list[str]:
    """`passage:<hash>` of a long body's PASSAGES longest sentences, once folded: a near copy of it shares one."""
    return _passage_keys(_folded(text))


def _near_form(text: str) -> str:
    """A text as near copies are compared: folded, without bullets."""
    return _folded(text).translate(_BULLETS)


def alike(release: Article, article: Article) -> float | None:
    """How alike `article` (a newsroom's) is to `release` as its near copy, the Jaccard of their five-letter
    runs; None when it is none: both long, published within NEAR_DAYS, with no figure the release has not
    (nor one it changed), their texts NEAR_ALIKE. (An exact copy is found by its body key.)"""
    if abs(release.published - article.published) > NEAR_DAYS:
        return None
    ours = _near_form(body_words(release.body_html))[:_NEAR_SPAN]
    theirs = _near_form(_cited_text(article))[:_NEAR_SPAN]
    if min(len(ours), len(theirs)) < NEAR_MIN:
        return None
    if _figures(theirs) - _figures(ours) or _figure_changed(ours, theirs):
        return None  # a figure the release has not (another day's release of a series), or one it changed
    a, b = _shingles(ours), _shingles(theirs)
    if min(len(a), len(b)) < NEAR_ALIKE * max(len(a), len(b)):
        return None  # (Jaccard is at most the smaller set's share of the larger: string lengths are no bound)
    score = len(a & b) / len(a | b)
    return score if score >= NEAR_ALIKE else None


def one_agency(release: Article, article: Article, agencies: Agencies) -> bool:
    """Do they name one agency (a registry entry, or the same name)? Yes when either names none. A newsroom's
    copy of 부산시's release, which the portal never ingested, is no near copy of 서울시's of the template."""
    ours, theirs = _agencies(release, agencies), _agencies(article, agencies)
    return not ours or not theirs or bool(ours & theirs)


def _agencies(article: Article, agencies: Agencies) -> set[str]:
    """The agencies an article is credited to: its source's name, a joint release's others, its credit's. A name
    is an agency's when the registry knows it, or when it ends as an agency's does; a newsroom's or a wire's
    ("연합뉴스", "포탈뉴스통신"), a site's ("정책브리핑"), is none."""
    source = article.source
    if source is None:
        return set()
    found = set()
    for name in (source.name, *source.joint, *credit_agencies(source.credit)):
        for part in _NAME_PARTS.split(name):  # "행정안전부(국가기록원)", "행정안전부 보도자료"
            part = part.strip().removesuffix("보도자료").strip()
            entry = agencies.find(part) if part else None
            if entry is not None:
                found.add(agency_key(entry.name))
            elif part and _AGENCY_END.search(part):
                found.add(agency_key(part))
    return found


_NAME_PARTS = re.compile(r"[()]")
#: how the names of ministries, their agencies, committees, local governments and public bodies end
_AGENCY_END = re.compile(r"(?:부|처|청|원|실|위원회|시|도|군|구|공사|공단|재단|센터|본부)$")


#: a figure of a folded text: digits (thousands' commas, decimals), with 천 and a large unit: "1만5천", "2조5천억"
_FIGURE = re.compile(r"(?:\d[\d,]*(?:\.\d+)?천?[조억만]?)+")
_FIGURE_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?)(천?)([조억만]?)")
_UNITS = {"": 1, "만": 10**4, "억": 10**8, "조": 10**12}


def _figures(folded: str) -> Counter[Decimal]:
    """The values of a folded text's figures, as many times as each is written: "1만 5천" and "1만5000" alike
    (exactly: "2.3억" is "2억3천만", which a float's 229999999.99999997 is not)."""
    values: Counter[Decimal] = Counter()
    for figure in _FIGURE.findall(folded):
        value = Decimal(0)
        for digits, thousand, unit in _FIGURE_PART.findall(figure):
            value += Decimal(digits.replace(",", "") or 0) * (1000 if thousand else 1) * _UNITS[unit]
        values[value] += 1
    return values


def _figure_changed(ours: str, theirs: str) -> bool:
    """Does a sentence of the article say what one of the release says but with other figures? A correction
    ("[정정]") holds the figure it corrects, in its note, and the release of a newsroom's copy does not."""
    said: dict[str, set[str]] = {}
    for sentence in _PASSAGE_END.split(ours):
        if FIGURES.search(sentence):
            said.setdefault(without_figures(sentence), set()).add(sentence)
    return any(
        sentence not in said.get(without_figures(sentence), {sentence})
        for sentence in _PASSAGE_END.split(theirs)
        if FIGURES.search(sentence)
    )


def _folded(text: str) -> str:
    """A body's text as its copies are compared: no byline before it nor reporter's address after it, no
    whitespace, case folded."""
    lead = _BYLINE.match(text)  # (it matches "" at least)
    rest = text[lead.end() :] if lead is not None else text
    start = max(0, len(rest) - _SIGNATURE_SPAN)
    # (a signature has an "@": an end without one is let go before the pattern tries each of its characters)
    tail = _SIGNATURE.search(rest, start) if rest.find("@", start) >= 0 else None
    if tail is not None:
        rest = rest[: tail.start()]
    # casefold() neither makes nor unmakes whitespace: removing it first is the same
    return without_space(rest).casefold()


def _body_key(folded: str) -> str | None:
    if len(folded) < BODY_MIN:
        return None
    return "body:" + hashlib.sha256(folded.encode()).hexdigest()


def _passage_keys(folded: str) -> list[str]:
    if len(folded) < NEAR_MIN:  # (with its bullets: alike() tells without them)
        return []
    sentences = [s for s in _PASSAGE_END.split(folded) if len(s) >= _PASSAGE_MIN]
    # a contact line (a phone number, an address) is every release of its office's. Each has a "-" or an "@":
    # a text with neither is let go before the pattern tries each of its characters (~10 µs a release)
    if ("-" in folded or "@" in folded) and _CONTACT.search(folded):
        sentences = [s for s in sentences if not _CONTACT.search(s)]
    longest = sorted(sentences, key=len, reverse=True)[:PASSAGES]  # (a stable sort: ties in their order)
    return sorted({PASSAGE + hashlib.sha256(s.encode()).hexdigest()[:32] for s in longest})


def _shingles(folded: str) -> set[str]:
    return {folded[i : i + _SHINGLE] for i in range(len(folded) - _SHINGLE + 1)}


#: how far back releases get their passage keys at the upgrade: those readers have in the feeds
BACKFILL_DAYS = timedelta(days=30)


def backfill_passages(store: Store, origins: Sequence[str], now: datetime) -> int:
    """Give the releases of `origins` published in the last BACKFILL_DAYS the passage keys ingest gives new
    ones (once, after the upgrade that brought near copies: a release its feed no longer lists would never get
    them, and would stay beside its newsroom copy); returns how many releases have some."""
    from .terms import ArticleFilter

    given = 0
    # a day's releases at a time: a big portal's 30 days (90k releases, ~1 GB as articles) are not held at once
    for day in range(-BACKFILL_DAYS.days, 1):
        after, before = now + timedelta(days=day), now + timedelta(days=day + 1) if day < 0 else None
        found = store.articles(ArticleFilter(origins=tuple(origins), published_after=after, published_before=before))
        rows = [(key, r.article.id) for r in found for key in passage_keys(body_words(r.article.body_html))]
        store.add_passages(rows)
        given += len({article_id for _, article_id in rows})
    return given


def citation_keys(article: Article, text: str) -> list[str]:
    """The keys a CMS article cites releases by: its source.url, and its body (`text`, its plain text), less
    the release's embargo notice a newsroom pasted with it (ingest drops it from the release): the body key
    of an exact copy, the passage keys of a near one."""
    keys = []
    if article.source is not None and article.source.url:
        keys.append(link_key(article.source.url))  # the key the release's link has
    body, passages = copy_keys(_without_notice(article, text))
    return [*keys, body, *passages] if body is not None else keys


def _without_notice(article: Article, text: str) -> str:
    """An article's plain text (`text`) less a release's embargo notice pasted with it."""
    start = len(text) - len(text.lstrip())
    if may_be_notice(text[start : start + _NOTICE_SPAN]):  # (a time and a notice's word, first: cheap)
        without, notice = split_embargo_notice(article.body_html)
        if notice:
            return body_words(without)
    return text


def _cited_text(article: Article) -> str:
    return _without_notice(article, body_words(article.body_html))


def visible(stored: StoredArticle, now: datetime) -> bool:
    """Is the article in the feeds (as far as it alone decides)?"""
    return shows(stored.article, now)


def shows(article: Article, now: datetime) -> bool:
    """Is this version of an article in the feeds (as far as it alone decides)?"""
    return article.status is Status.PUBLISHED and article.published <= now


def hand_over(store: Store, before: StoredArticle, in_feeds: bool, now: datetime) -> None:
    """A newsroom article under a release's guid (`before`, as stored until now) enters the feeds or leaves
    them (`in_feeds`): the item readers have under that guid turns into the other version, the article
    back over the release or the release over it, however that came about (an editor's command, a CMS
    export's status or date, a deletion). That version is dated `now`: a reader takes a version as newer
    only by its `updated`, which must never go back."""
    if before.feed_guid is not None and visible(before, now) != in_feeds:
        restamp(store, before.article.id if in_feeds else before.feed_guid, now)


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
    rules: StoryRules,
    now: datetime,
    *,
    new: Collection[str] = (),
    guids: Mapping[str, str] | None = None,
) -> None:
    """After CMS articles were written: record what they cite (by id), and :func:`settle` their releases.

    `new`: articles first stored by this import, which cite nothing yet.
    `guids`: article id → the release whose guid it held before it was written (written ones only: an
    unchanged article still cites what it did).
    """
    # whole batches: a 100k import must not cost a database round trip per article. Articles
    # first stored now cite nothing yet: their citations go in without replacing any.
    store.add_citations((k, a) for a, article_keys in cited if a in new for k in article_keys)
    store.set_citations_many({article_id: keys for article_id, keys in cited if article_id not in new})
    settle(store, rules, now, articles=[article_id for article_id, _ in cited], guids=guids)


def settle(
    store: Store,
    rules: StoryRules,
    now: datetime,
    *,
    releases: Collection[str] = (),
    articles: Collection[str] = (),
    guids: Mapping[str, str] | None = None,
    fresh: Collection[str] = (),
) -> None:
    """Which newsroom article supersedes each release of these stories: the one home of that rule.

    `releases`: releases ingested now. `articles`: CMS articles written, published, held back or deleted
    now; the releases they cite or supersede are settled. `guids`: article id → the release whose guid it
    held (a deleted release is found only so). `fresh`: releases first stored now, never in a feed.

    Of the articles citing a release, the one soonest in the feeds supersedes it (:func:`_soon`; the first
    by id among equals). The one superseding it keeps it (the first wins) until another is in the feeds
    sooner: a release must not show beside an article that rewrites it, whichever of the two that is. An
    editor's --keep-both keeps it with its article. An article that no longer cites a release, or is
    deleted, lets it go, and its guid, and the keep-both with it. Only releases something cites or
    supersedes are read back.
    """
    ids = sorted(articles)
    held = {r for released in (store.superseded_many(ids) if ids else {}).values() for r in released}
    guid_of = {release_id: article_id for article_id, release_id in (guids or {}).items()}
    # the releases these articles cite or may be near copies of: compared below, once, with all their citers
    exact, near, _ = _candidates(store, articles=ids) if ids else (set(), set(), set())
    touched = sorted({*releases, *(r for r, _ in exact | near), *held, *guid_of})
    citing = _citing(store, rules.agencies, releases=touched) if touched else set()
    # an article near a release now may supersede another it was taken for before (it is a near copy of one
    # release at most, and this one came later): that one is settled too
    by = sorted({a for _, a in citing})
    earlier = {r for taken in (store.superseded_many(by) if by else {}).values() for r in taken}
    if earlier - set(touched):
        citing |= _citing(store, rules.agencies, releases=sorted(earlier - set(touched)))
        touched = sorted({*touched, *earlier})
    held |= earlier
    citers: dict[str, list[str]] = {}
    for release_id, article_id in sorted(citing):
        citers.setdefault(release_id, []).append(article_id)
    stored = store.get_many([r for r in touched if r in citers or r in held or r in guid_of])
    holders = {r.superseded_by for r in stored.values() if r.superseded_by is not None}
    by_id = store.get_many(sorted({*(a for c in citers.values() for a in c), *holders, *guid_of.values()}))
    shown = store.shown(sorted({*stored, *by_id}))
    brought = store.dedupe_sources(sorted(stored)) if stored else {}
    for release_id in touched:
        release, cited = stored.get(release_id), citers.get(release_id, [])
        if release is None:  # deleted (or nothing to settle): an article no longer citing it gives its guid back
            # (a near copy of it is known by the passage keys they shared, which outlive it: its text is gone)
            holder_id = guid_of.get(release_id)
            if holder_id is not None and holder_id not in cited and not store.shares_passage(release_id, holder_id):
                store.unlink_story(release_id)
            continue
        holder = by_id.get(release.superseded_by) if release.superseded_by else None
        if holder is not None and holder.article.id not in cited:
            release, holder = _let_go(store, release, holder, by_id, now), None
        elif holder is None and release.superseded_by is not None:
            # the article superseding it was deleted: the release stands alone, and an editor's keep-both,
            # said of that article, goes with it (the next article citing it keeps it out as any would)
            store.unlink_story(release_id)
            release = replace(release, superseded_by=None, keep_both=False)
        if not _supersedable(release, rules.supersedable, brought.get(release_id, ())):
            if holder is not None and not release.keep_both and release.article.status is Status.PUBLISHED:
                # a source that keeps its releases brought a copy since: it stands again. Not one an editor
                # keeps beside its article already, nor one hidden: that would only move the article's guid
                _let_go(store, release, holder, by_id, now)
            continue
        if holder is not None and release.keep_both:
            continue
        takers = [by_id[a] for a in cited if a in by_id and not by_id[a].origin.startswith("source:")]
        best = min(takers, key=lambda a: (_soon(a, now), a.article.id), default=None)
        if best is None or _soon(best, now) >= _soon(holder, now):
            continue  # the article it has is as soon in the feeds as any (or is deleted, and none cites it)
        if holder is not None:  # held back, or later: it gives the release, and its guid, to the sooner one
            store.unlink_story(release_id)
            by_id[holder.article.id] = _without_guid(holder, release_id)
        adopt = release_id not in fresh and _adopts(release, best, shown, now)
        store.link_story(release_id, best.article.id, adopt=adopt)
        if adopt:  # an article takes one guid: a second release it supersedes keeps its own
            by_id[best.article.id] = replace(best, feed_guid=release_id)


Pairs = set[tuple[str, str]]


def _candidates(
    store: Store, *, releases: Sequence[str] = (), articles: Sequence[str] = ()
) -> tuple[Pairs, Pairs, Pairs]:
    """(release, article) of the articles citing one of `releases`, or the releases one of `articles` cites:
    those by an exact key, those a near copy may be (a passage key shared, among the likeliest), and every
    likeliest pair of the articles and releases of these."""
    exact = store.cited_pairs(releases=releases, articles=articles)
    shared = store.passage_pairs(releases=releases, articles=articles, within=NEAR_DAYS).keys() - exact
    if not shared:
        return exact, set(), set()
    # each ranked among all of its candidates, not only those of this call: whoever asks, a pair is compared or
    # not alike (else a release superseded when its article was imported could be let go when it is ingested)
    every = store.passage_pairs(
        releases=sorted({r for r, _ in shared}), articles=sorted({a for _, a in shared}), within=NEAR_DAYS
    )
    likely = _likeliest(every)
    return exact, shared & likely, likely


def _citing(store: Store, agencies: Agencies, *, releases: Sequence[str] = (), articles: Sequence[str] = ()) -> Pairs:
    """(release, article) of every article citing one of `releases`, or a release one of `articles` cites: by an
    exact key, or as a near copy (a passage key shared, one agency, the texts compared)."""
    exact, near, likely = _candidates(store, releases=releases, articles=articles)
    asked = {a for _, a in near}
    # an article is a near copy of one release at most, the most alike of its candidates: of a template's
    # releases for several regions the same day (0.92 alike), the one it copies; and of none when it cites one
    # by its link or its exact text (a correction of the release it copies is near it too)
    pool = sorted(pair for pair in likely if pair[1] in asked)
    if not pool:
        return exact
    cites = store.cited_pairs(articles=sorted(asked))
    found = store.get_many(sorted({i for pair in (*pool, *cites) for i in pair}))
    exactly = {a for r, a in cites if r in found}  # (a dedupe key outlives its release)
    pool = [(r, a) for r, a in pool if a not in exactly]
    best: dict[str, tuple[float, str]] = {}
    for r, a in pool:
        pair = (found[r].article, found[a].article) if r in found and a in found else None
        score = alike(*pair) if pair is not None and one_agency(*pair, agencies) else None
        if score is not None and (a not in best or score > best[a][0]):
            best[a] = (score, r)
    return exact | {(r, a) for a, (_, r) in best.items() if (r, a) in near}


def _likeliest(shared: Mapping[tuple[str, str], tuple[int, float]]) -> set[tuple[str, str]]:
    """The pairs among the NEAR_CANDIDATES of their release and of their article that share the most passages,
    then were published nearest: a release's boilerplate sentence, in a thousand newsroom articles, costs no
    thousand comparisons, and of a series' releases sharing their template, its own day's comes first."""
    kept = []
    for side in (0, 1):
        ranked: dict[str, list[tuple[str, str]]] = {}
        for pair in sorted(shared, key=lambda p: (-shared[p][0], shared[p][1], p)):
            ranked.setdefault(pair[side], []).append(pair)
        kept.append({pair for pairs in ranked.values() for pair in _first(pairs, shared)})
    return kept[0] & kept[1]


#: candidates compared at most when those tied with the NEAR_CANDIDATES-th are kept too
_NEAR_TIED = 4 * NEAR_CANDIDATES


def _first(ranked: list[tuple[str, str]], shared: Mapping[tuple[str, str], tuple[int, float]]) -> list[tuple[str, str]]:
    """The first NEAR_CANDIDATES of ranked pairs, and those tied with the last of them (up to _NEAR_TIED): of
    a template's releases for several regions the same hour, which share as many passages with the copy of
    one, no id's hash decides which are compared (the copied one could be left out, and a sibling taken)."""
    if len(ranked) <= NEAR_CANDIDATES:
        return ranked
    last = shared[ranked[NEAR_CANDIDATES - 1]]
    if last[0] < 2:  # one sentence shared: an office's boilerplate, in every release of its (the cost it bounds)
        return ranked[:NEAR_CANDIDATES]
    more = [p for p in ranked[NEAR_CANDIDATES:_NEAR_TIED] if shared[p] == last]
    return ranked[:NEAR_CANDIDATES] + more


def _let_go(
    store: Store, release: StoredArticle, holder: StoredArticle, by_id: dict[str, StoredArticle], now: datetime
) -> StoredArticle:
    """The article superseding `release` cites it no longer: the release stands alone again (as returned)."""
    store.unlink_story(release.article.id)
    if holder.feed_guid == release.article.id:
        restamp(store, release.article.id, now)  # the item readers have shows the release again: a newer version
    by_id[holder.article.id] = _without_guid(holder, release.article.id)
    return replace(release, superseded_by=None, keep_both=False)


def _without_guid(article: StoredArticle, release_id: str) -> StoredArticle:
    if article.feed_guid != release_id:
        return article
    return replace(article, feed_guid=None, feed_guid_updated=None)


def _soon(article: StoredArticle | None, now: datetime) -> tuple[int, datetime]:
    """How soon an article is in the feeds, for comparing: in them now; published for later (the earlier the
    sooner); a draft or hidden (only when someone publishes it); deleted, or none."""
    if article is None:
        return 3, now
    if visible(article, now):
        return 0, now
    if article.article.status is Status.PUBLISHED:
        return 1, article.article.published
    return 2, now


def _supersedable(release: StoredArticle, supersedable: Supersedable, brought_by: Sequence[str]) -> bool:
    """Only ingested releases are superseded, and only where the when_in_cms of each source that brought them
    lets them."""
    return release.origin.startswith("source:") and supersedable(release, brought_by)


def _adopts(release: StoredArticle, article: StoredArticle, shown: Collection[str], now: datetime) -> bool:
    """Take over the release's guid when readers have it already and not the article, which has no other.

    `shown`: the ids among both that a build has put in a feed. An article readers
    have keeps its guid: taking the release's would make that item a second copy
    of the article in their lists, and drop the article's own item from the feeds.
    """
    if article.article.id in shown or release.article.id not in shown:
        return False
    return visible(release, now) and not release.keep_both and article.feed_guid is None
