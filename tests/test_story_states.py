"""One story, one item, as a state machine (Hypothesis): releases, newsroom articles, edits and runs in any order.

The examples of tests/test_stories.py each pin one path; this drives the real
library (`Pressfeed.run()` on a site of local files) through random orders of
them and checks, after every run, what readers can see in the published
feeds: no story twice, the three formats alike, a guid never turning into
another story (but for the one allowed take-over), dates never going back,
and an unchanged second run writing nothing.

The model is small on purpose: three releases of one agency, which may come
from its board (`msit`) and from a second source of the same agency
(`briefing`), one release of a source that keeps its releases beside the
newsroom's (`when_in_cms: keep`), and three CMS articles, any of which may
rewrite the same release. Run a deeper search with
`HYPOTHESIS_PROFILE=thorough pytest tests/test_story_states.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from lxml import etree

from conftest import NOW
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import ArticleNotFoundError, UsageError
from pressfeed.model import Status
from test_stories import (
    ATOM,
    AUTHORITY,
    CMS_ID,
    OTHER,
    OTHER_ID,
    RELEASE_ID,
    RELEASE_LINK,
    SECOND_ID,
    SECOND_TITLE,
    Site,
    cms,
    everywhere,
    feed,
    release,
    second,
)

# -- the world: releases and articles ------------------------------------------------------------------

#: topics of the releases; each text is long enough to be matched by its body (stories.BODY_MIN)
TOPICS = [
    ("국가 AI 컴퓨팅센터 사업자 선정", "국가 인공지능 컴퓨팅센터 구축 사업의 최종 사업자를 선정했다"),
    ("6G 초고주파 송수신 기술 개발 착수", "6G 상용화를 위한 초고주파 무선 송수신 기술 개발에 착수했다"),
    ("양자 과학기술 인재 양성 계획 발표", "양자 과학기술 분야의 석박사급 인재 2천 명을 양성하는 계획을 내놓았다"),
    ("공공 클라우드 전환 지원 사업 공고", "공공기관 정보시스템의 민간 클라우드 전환을 돕는 지원 사업을 공고했다"),
]
KST = ZoneInfo("Asia/Seoul")  # the site's zone: naive dates in exports are read in it
#: releases 0..2 come from `msit` and `briefing` (one agency, two sources); 3 from `keep` only
SHARED = range(3)
KEPT = 3
SOURCES = {k: ("msit", "briefing") for k in SHARED} | {KEPT: ("keep",)}
ARTICLES = range(3)

#: the forms one release link takes over fetches (www./m., scheme, tracking parameters, trailing slash)
FORMS = ["plain", "m", "http", "utm", "slash"]
#: how a newsroom writes a republished text's opening byline and closing credit
BYLINES = ["(포탈뉴스통신) ", "( 포탈뉴스통신 ) ", ""]
TAILS = [
    "",
    "<p>[뉴스출처 : 과학기술정보통신부]</p>",
    "<p><strong>[뉴스출처 : 과학기술정보통신부]</strong></p><p>&nbsp;</p>",
    "<p>[뉴스출처 : 과학기술정보통신부] 이 자료는 과학기술정보통신부의 보도자료를 전재하여 제공함</p>",
]
#: an article's status in the CMS, and how far ahead of the clock its date is when first written (None: its
#: usual date, long past)
STATUSES = ["published", "published", "published", "draft", "hidden"]
EMBARGOES = [None, None, None, 30, 600]
#: how long after the last run the next one is
MINUTES = [1, 5, 60, 720]


def release_title(k: int) -> str:
    return f"과기정통부, {TOPICS[k][0]}"


def article_title(j: int) -> str:
    return f"[포탈 기획 {j + 1}] 뉴스룸이 다시 쓴 과학기술 소식"


def release_text(k: int, version: int) -> str:
    what = TOPICS[k][1]
    text = (
        f"과학기술정보통신부는 11월 8일 {what}고 밝혔다. 이번 사업은 2028년까지 단계적으로 추진되며, "
        "비수도권 거점에 자원을 우선 배치해 대학과 연구기관, 창업기업이 함께 쓸 수 있도록 한다."
    )
    return text + "".join(f" 세부 일정은 {n}차 설명회에서 안내한다." for n in range(1, version + 1))


def base_link(k: int, family: str) -> str:
    if family == "briefing":
        return f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={156750100 + k}"
    return f"https://www.msit.go.kr/bbs/view.do?sCode=user&bbsSeqNo=94&nttSeqNo={3186400 + k}"


def link_form(url: str, form: str) -> str:
    """One link as boards and newsrooms write it: all of these normalize to one key."""
    if form == "m":
        return url.replace("://www.", "://m.")
    if form == "http":
        return url.replace("https://", "http://")
    if form == "utm":
        return url + "&utm_source=rss&utm_medium=feed"
    if form == "slash":
        return url.replace(".do?", ".do/?")
    return url


def board_item(k: int, link: str, guid: str | None, text: str | None) -> str:
    """An RSS item of a ministry board: naive KST date, a guid or none, the full text or a title and link only."""
    xml_link = link.replace("&", "&amp;")
    parts = [f"<item><title>{release_title(k)}</title><link>{xml_link}</link>"]
    if guid is not None:
        parts.append(f"<guid isPermaLink='false'>{guid}</guid>")
    parts.append(f"<pubDate>2025-11-08 {9 + k:02d}:00:00</pubDate>")
    if text is not None:
        parts.append(f"<description><![CDATA[<p>{text}</p>]]></description>")
    return "".join(parts) + "</item>"


@dataclass
class Copy:
    """A release as one source lists it now."""

    form: str
    fulltext: bool
    guid: bool


@dataclass
class Cite:
    """What an article cites: a release by its link (of the `family` source, in a form) or by its text."""

    release: int
    by: str  # "url" | "body"
    family: str = "msit"
    form: str = "plain"
    version: int = 0
    byline: str = ""
    tail: str = ""


@dataclass
class Record:
    """A CMS export's record of one article."""

    cite: Cite | None
    status: str  # published | draft | hidden
    embargo: datetime | None  # published later than the clock at writing, or the article's usual date


@dataclass
class Story:
    """What readers have seen of one guid."""

    first: str  # the story it showed first ("R0", "A1")
    allowed: set[str] = field(default_factory=set)  # stories it may show besides (the article that took it over)
    updated: str = ""
    published: str = ""
    last: str = ""  # the story it showed last


# -- the state machine -----------------------------------------------------------------------------------


class StoryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="story-states-"))
        self.site = Site(self.tmp / "site")
        self._configure()
        self.now = NOW
        self.copies: dict[tuple[int, str], Copy] = {}
        self.versions = dict.fromkeys(SOURCES, 0)
        self.records: dict[int, Record] = {}
        self.editor: dict[str, Status] = {}  # an editor's status of a CMS article, until the CMS changes it
        self.imported: dict[int, str] = {}  # each article's CMS status as the last run imported it
        self.deleted: set[str] = set()
        self.keep_both: set[int] = set()
        # what ingest has brought of each release: its links (by source family) and its text versions
        self.known_links: dict[int, set[str]] = {k: set() for k in SOURCES}
        self.known_texts: dict[int, set[int]] = {k: set() for k in SOURCES}
        self.guids: dict[str, Story] = {}
        self.seen: set[str] = set()  # every story a build has put in a feed
        self.release_guid: dict[str, str] = {}
        self.builds = 0

    def _configure(self) -> None:
        """Three sources of one agency: its board, a second source (`briefing`), and one that keeps its releases."""
        path = self.site.root / "feeds/pressfeed.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        msit = config["sources"][0]
        config["sources"] = [
            msit,
            {**msit, "id": "briefing", "url": "feeds/agencies/briefing.xml"},
            {**msit, "id": "keep", "url": "feeds/agencies/keep.xml", "when_in_cms": "keep"},
        ]
        self.site.write("feeds/pressfeed.yaml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
        self._write_sources()

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- what the files say ------------------------------------------------------------------------------

    def _write_sources(self) -> None:
        for source in ("msit", "briefing", "keep"):
            items = []
            for (k, where), copy in sorted(getattr(self, "copies", {}).items()):
                if where != source:
                    continue
                family = "briefing" if source == "briefing" else "msit"
                guid = (f"{156750100 + k}" if family == "briefing" else f"msit-{3186400 + k}") if copy.guid else None
                text = release_text(k, self.versions[k]) if copy.fulltext else None
                items.append(board_item(k, link_form(base_link(k, family), copy.form), guid, text))
            self.site.write(f"feeds/agencies/{source}.xml", feed(*items))

    def _write_export(self) -> None:
        docs = []
        for j, record in sorted(self.records.items()):
            fields: dict[str, object] = {"id": f"20251108-{101 + j:04d}", "title": article_title(j)}
            fields["status"] = record.status
            if record.embargo is not None:
                fields["published"] = record.embargo.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
            cite = record.cite
            if cite is None:
                body = f"<p>(포탈뉴스통신) 기획 기사 {j + 1}번은 보도자료 없이 쓴 뉴스룸의 해설이다.</p>"
                docs.append(cms(url=None, body=body, **fields))
            elif cite.by == "url":
                url = link_form(base_link(cite.release, cite.family), cite.form)
                docs.append(cms(url=url, **fields))
            else:
                body = f"<p>{cite.byline}{release_text(cite.release, cite.version)}</p>{cite.tail}"
                docs.append(cms(url=None, body=body, **fields))
        self.site.cms("---\n".join(docs) if docs else "[]\n")

    # -- the world at the start: any of the releases and articles, in any order around a first run or two ---------

    @initialize(data=st.data())
    def world(self, data: st.DataObject) -> None:
        """Rules are switched off at random for a whole example (Hypothesis's swarm testing): without a world of
        its own, an example that never posts, writes or runs would check nothing."""
        steps = data.draw(st.permutations([*(f"R{k}" for k in SOURCES), *(f"A{j}" for j in ARTICLES), "run", "run"]))
        for step in steps:
            if step == "run":
                self.run(data.draw(st.sampled_from(MINUTES), label="minutes"))
            elif not data.draw(st.sampled_from([True, True, False]), label=f"with {step}"):
                continue
            elif step.startswith("R"):
                copy = data.draw(st.tuples(st.booleans(), st.sampled_from(FORMS), st.booleans(), st.booleans()))
                self.post_release(int(step[1:]), *copy)
            else:
                article = st.tuples(st.sampled_from(STATUSES), st.sampled_from(EMBARGOES))
                self.write_article(data, int(step[1:]), *data.draw(article, label=step))
        self.run(data.draw(st.sampled_from(MINUTES), label="minutes"))  # and readers get that world

    # -- rules: the agencies --------------------------------------------------------------------------------

    @rule(
        k=st.sampled_from(sorted(SOURCES)),
        second=st.booleans(),
        form=st.sampled_from(FORMS),
        fulltext=st.booleans(),
        guid=st.booleans(),
    )
    def post_release(self, k: int, second: bool, form: str, fulltext: bool, guid: bool) -> None:
        """A release appears in a source's feed, or is listed again in another form (link, guid, text)."""
        sources = SOURCES[k]
        self.copies[(k, sources[-1] if second else sources[0])] = Copy(form, fulltext, guid)
        self._write_sources()

    @precondition(lambda self: bool(self.copies))
    @rule(data=st.data())
    def remove_release(self, data: st.DataObject) -> None:
        """The board's feed no longer lists it (boards keep their newest few)."""
        del self.copies[data.draw(st.sampled_from(sorted(self.copies)))]
        self._write_sources()

    @rule(k=st.sampled_from(sorted(SOURCES)))
    def edit_release(self, k: int) -> None:
        """The agency corrects its release: a sentence added upstream."""
        self.versions[k] += 1
        self._write_sources()

    # -- rules: the newsroom ------------------------------------------------------------------------------------

    def _cited_elsewhere(self, j: int) -> set[int]:
        """Releases another live article cites too: several newsroom articles may rewrite one release."""
        return {
            r.cite.release
            for i, r in self.records.items()
            if i != j and r.cite is not None and self._article_id(i) not in self.deleted
        }

    @rule(
        data=st.data(),
        j=st.sampled_from(list(ARTICLES)),
        status=st.sampled_from(STATUSES),
        embargo=st.sampled_from(EMBARGOES),
    )
    def write_article(self, data: st.DataObject, j: int, status: str, embargo: int | None) -> None:
        """The CMS export gets an article (new or changed): citing a release by link or by text, or nothing."""
        if self._article_id(j) in self.deleted:
            return  # a deleted article stays deleted whatever the export says; nothing to model
        kind = data.draw(st.sampled_from(["url", "url", "body", "body", "none"]), label="cites")
        cite = None
        citable = list(SOURCES)
        if kind != "none":
            # mostly a release that is, or was, in a feed: the newsroom rewrites what it has read
            listed = {k for k, _ in self.copies} | {k for k in SOURCES if self.known_links[k]}
            k = data.draw(st.sampled_from(citable + [k for k in citable if k in listed] * 3), label="release")
            if kind == "url":
                families = ["msit", "msit", "briefing"] if k in SHARED else ["msit"]
                family = data.draw(st.sampled_from(families), label="family")
                cite = Cite(k, "url", family=family, form=data.draw(st.sampled_from(FORMS), label="form"))
            else:
                byline = data.draw(st.sampled_from(BYLINES), label="byline")
                tail = data.draw(st.sampled_from(TAILS), label="tail")
                cite = Cite(k, "body", version=self.versions[k], byline=byline, tail=tail)
        old = self.records.get(j)
        # the link goes, and the editor's exception with it; unless another article citing the release may hold it
        # (the model cannot tell which one does, and keeps the exception: its check is the lenient one)
        dropped = old.cite.release if old is not None and old.cite is not None else None
        kept_elsewhere = dropped in self._cited_elsewhere(j)
        if dropped is not None and (cite is None or cite.release != dropped) and not kept_elsewhere:
            self.keep_both.discard(dropped)
        # its date is set when first written: an item's published date may only move by what the library does
        when = old.embargo if old is not None else None if embargo is None else self.now + timedelta(minutes=embargo)
        self.records[j] = Record(cite, status, when)
        self._write_export()

    # -- rules: editors ---------------------------------------------------------------------------------------------

    def _library(self) -> Pressfeed:
        """The library as an editor's command uses it: a second after whatever came before (a fixed clock would
        otherwise date the command at the very instant of the last run)."""
        self.now += timedelta(seconds=1)
        return Pressfeed(load_config(self.site.root), clock=fixed(self.now))

    @precondition(lambda self: self.builds > 0)
    @rule(j=st.sampled_from(list(ARTICLES)), action=st.sampled_from(["hide", "publish", "delete"]))
    def edit_article(self, j: int, action: str) -> None:
        """`pressfeed articles hide/publish/delete` on a newsroom article."""
        article_id = self._article_id(j)
        with self._library() as pf:
            try:
                if action == "delete":
                    pf.delete(article_id)
                    self.deleted.add(article_id)
                else:
                    pf.publish(article_id) if action == "publish" else pf.set_status(article_id, Status.HIDDEN)
                    self.editor[article_id] = Status.PUBLISHED if action == "publish" else Status.HIDDEN
            except (ArticleNotFoundError, UsageError):
                pass  # not imported yet, or deleted: the editor's command refuses, and changes nothing

    @precondition(lambda self: self.builds > 0)
    @rule(k=st.sampled_from(sorted(SOURCES)), action=st.sampled_from(["hide", "publish", "keep-both", "delete"]))
    def edit_release_status(self, k: int, action: str) -> None:
        """The same commands on a release; `publish --keep-both` keeps a superseded one beside its article."""
        with self._library() as pf:
            stored = [s for s in pf.articles() if s.article.title == release_title(k)]
            if not stored:
                return
            release_id = stored[0].article.id
            try:
                if action == "delete":
                    pf.delete(release_id)
                    self.deleted.add(f"R{k}")
                elif action == "hide":
                    pf.set_status(release_id, Status.HIDDEN)
                else:
                    pf.publish(release_id, keep_both=action == "keep-both")
                    if action == "keep-both":
                        self.keep_both.add(k)
            except UsageError:
                pass  # nothing supersedes it, or it is published already and kept out: refused, nothing changed

    # -- rules: cron ---------------------------------------------------------------------------------------------------

    @rule(minutes=st.sampled_from(MINUTES))
    def run(self, minutes: int) -> None:
        """`pressfeed run` some minutes later, then at once again: the second must write nothing."""
        self.now += timedelta(minutes=minutes)
        for j, record in self.records.items():
            if self.imported.get(j) != record.status:  # the CMS changed the status: its word wins over an editor's
                self.editor.pop(self._article_id(j), None)
            self.imported[j] = record.status
        self.site.run(self.now).close()
        for (k, source), copy in self.copies.items():
            self.known_links[k].add("briefing" if source == "briefing" else "msit")
            if copy.fulltext:
                self.known_texts[k].add(self.versions[k])
        self.builds += 1
        self._check_feeds()
        # 5. a second run with nothing changed writes nothing: neither says so nor touches a file
        before = self._files()
        with Pressfeed(load_config(self.site.root), clock=fixed(self.now)) as pf:
            again = pf.run()
        assert again.ok and again.build.written == (), again.lines()
        assert self._files() == before, "an unchanged second run rewrote a feed file"

    # -- the invariants --------------------------------------------------------------------------------------

    @staticmethod
    def _article_id(j: int) -> str:
        return f"tag:{AUTHORITY}:article/20251108-{101 + j:04d}"

    def _files(self) -> dict[str, tuple[int, bytes]]:
        public = self.site.root / "public"
        return {str(p.relative_to(public)): (p.stat().st_mtime_ns, p.read_bytes()) for p in public.rglob("*.*")}

    def _cites(self, j: int, k: int) -> bool:
        """Does article j cite release k by a key ingest has recorded for it (its links, its texts)?"""
        record = self.records.get(j)
        if record is None or record.cite is None or record.cite.release != k:
            return False
        cite = record.cite
        return cite.family in self.known_links[k] if cite.by == "url" else cite.version in self.known_texts[k]

    def _items(self, key: str) -> list[tuple[str, str, str, str]]:
        """(guid, story, updated, published) of each item of one feed, checked alike in the three formats."""
        folder = self.site.root / "public" / key
        rss = etree.parse(str(folder / "rss.xml"))
        atom = etree.parse(str(folder / "atom.xml"))
        items = json.loads((folder / "feed.json").read_text(encoding="utf-8"))["items"]
        ids = {
            "rss": [g.text for g in rss.iter("guid")],
            "atom": [e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")],
            "json": [item["id"] for item in items],
        }
        # 2. the three formats carry the same items, in the same order
        assert ids["rss"] == ids["atom"] == ids["json"], ids
        titles = [t.text or "" for t in rss.iter("title")][1:]
        assert titles == [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")] == [i["title"] for i in items]
        out = []
        for entry, title in zip(atom.iter(f"{ATOM}entry"), titles, strict=True):
            dates = (entry.findtext(f"{ATOM}updated") or "", entry.findtext(f"{ATOM}published") or "")
            out.append((entry.findtext(f"{ATOM}id") or "", self._story(title), *dates))
        return out

    @staticmethod
    def _story(title: str) -> str:
        for k in SOURCES:
            if title == release_title(k):
                return f"R{k}"
        for j in ARTICLES:
            if title == article_title(j):
                return f"A{j}"
        raise AssertionError(f"an item no rule made: {title!r}")

    def _check_feeds(self) -> None:
        shown: dict[str, str] = {}
        for key in ("", "it-science"):
            items = self._items(key)
            stories = [story for _, story, _, _ in items]
            # 1. no story twice: no release as two items, no release beside the article superseding it
            assert len(set(stories)) == len(stories), stories
            for k in SOURCES:
                for j in ARTICLES:
                    if not (f"A{j}" in stories and self._cites(j, k)):
                        continue
                    if k == KEPT or k in self.keep_both:
                        event("a release kept beside its article" if f"R{k}" in stories else "kept, not shown")
                        continue
                    assert f"R{k}" not in stories, f"R{k} beside A{j}, which supersedes it: {stories}"
                    event(f"a release kept out by its article (by {self.records[j].cite.by})")  # type: ignore[union-attr]
            for guid, story, updated, published in items:
                shown[guid] = story
                self._check_guid(guid, story, updated, published)
            # what was deleted stays out
            assert not {*stories} & {f"R{k}" for k in SOURCES if f"R{k}" in self.deleted}
            assert not {*stories} & {f"A{j}" for j in ARTICLES if self._article_id(j) in self.deleted}
            # and the feeds are not empty for nothing: every newsroom article due and published is in them
            assert self._due() <= {*stories}, (self._due(), stories)
        self.seen.update(shown.values())

    def _due(self) -> set[str]:
        """The newsroom articles the feeds must show: published (by the CMS, or an editor since), dated by now."""
        due = set()
        for j, record in self.records.items():
            article_id = self._article_id(j)
            status = self.editor.get(article_id, Status(record.status))
            dated = record.embargo is None or record.embargo <= self.now
            if article_id not in self.deleted and status is Status.PUBLISHED and dated:
                due.add(f"A{j}")
        return due

    def _check_guid(self, guid: str, story: str, updated: str, published: str) -> None:
        known = self.guids.get(guid)
        if known is None:
            known = self.guids[guid] = Story(story)
        elif story != known.first and story not in known.allowed:
            # 3. the one change allowed: a release's item shows the article superseding it, new to readers
            taking_over = known.first.startswith("R") and story.startswith("A") and story not in self.seen
            assert taking_over and self._cites(int(story[1:]), int(known.first[1:])), (
                f"{guid} showed {known.first}, now {story}"
            )
            known.allowed.add(story)
            event("an article took over a release's guid")
        if story.startswith("R"):  # a release is one item: always under the same guid
            assert self.release_guid.setdefault(story, guid) == guid, f"{story} under {guid} and another guid"
        # 4. dates never go back: `updated` whatever the item shows; `published` while it shows the same story
        # (the article's own date comes with it when it takes a release's item over, and the release's when
        # that item shows the release again: the README promises only `updated`)
        when = datetime.fromisoformat
        if known.updated:
            assert when(updated) >= when(known.updated), (guid, known.updated, updated)
            if story != known.last:  # readers take a version as newer only by its date
                assert when(updated) > when(known.updated), (guid, known.last, story, updated)
            else:
                assert when(published) >= when(known.published), (guid, known.published, published)
        known.updated, known.published, known.last = updated, published, story


# -- what the machine found, as plain examples ----------------------------------------------------------------


SECOND = second()


def test_a_release_whose_article_was_deleted_is_superseded_by_the_next_article_citing_it(tmp_path: Path) -> None:
    """The newsroom deleted its article and wrote another citing the same release: the release kept pointing at
    the deleted one (`superseded_by`), which let no other article supersede it, and readers got the release
    beside the new article for good. A deleted article holds no story: the next one citing the release takes it,
    under the release's guid, since readers have the release and not the new article."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.cms(cms())
    portal.run().close()
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=1))) as pf:
        pf.delete(CMS_ID)
    portal.run(NOW + timedelta(minutes=2)).close()
    assert everywhere(portal, "") == [RELEASE_ID]  # the release is back while no article supersedes it
    portal.cms(cms() + "---\n" + SECOND)
    pf = portal.run(NOW + timedelta(minutes=3))
    assert pf.store.get(RELEASE_ID).superseded_by == SECOND_ID  # type: ignore[union-attr]
    pf.close()
    assert everywhere(portal, "") == [RELEASE_ID]  # one item: the new article under the release's guid
    assert portal.titles() == [SECOND_TITLE]


def test_a_release_one_article_lets_go_is_taken_by_another_article_of_the_same_import(tmp_path: Path) -> None:
    """One export moves article 0101's citation to another release and has 0102 cite the first one. The import
    linked article by article from the releases as read before any change: 0102 found the release still held by
    0101, and the release, free now, went into the feeds beside 0102, which rewrites it."""
    portal = Site(tmp_path / "site")
    portal.feed(release(), OTHER)
    portal.cms(cms())
    portal.run().close()
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, OTHER_ID])
    portal.cms(cms(url=RELEASE_LINK.replace("3186412", "3186500")) + "---\n" + SECOND)
    with portal.run(NOW + timedelta(minutes=5)) as pf:
        assert pf.store.get(RELEASE_ID).superseded_by == SECOND_ID  # type: ignore[union-attr]
    # readers had 0101 and the other release: each keeps its guid and the release leaves; 0102 is new
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, SECOND_ID])


def atom_updated(portal: Site, guid: str) -> datetime:
    atom = etree.parse(str(portal.root / "public" / "atom.xml"))
    return datetime.fromisoformat(atom.find(f"{ATOM}entry[{ATOM}id='{guid}']/{ATOM}updated").text)  # type: ignore[union-attr,arg-type]


def test_a_release_an_article_stops_citing_comes_back_under_its_guid_dated_later(tmp_path: Path) -> None:
    """The article had taken the release's guid; the newsroom then changed its `source.url`. The release came
    back under its guid with its own, older `updated`: readers, who had the article's version, would take the
    release's as older and keep the article's. Hiding or deleting the article dated it at that moment already."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.run().close()
    portal.cms(cms())
    portal.run(NOW + timedelta(minutes=5)).close()
    assert everywhere(portal, "") == [RELEASE_ID]  # the article, under the release's guid
    taken = atom_updated(portal, RELEASE_ID)
    portal.cms(cms(url=RELEASE_LINK.replace("3186412", "3186999")))  # now it cites a release never ingested
    portal.run(NOW + timedelta(minutes=10)).close()
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, RELEASE_ID])
    atom = etree.parse(str(portal.root / "public" / "atom.xml"))
    assert (
        atom.findtext(f"{ATOM}entry[{ATOM}id='{RELEASE_ID}']/{ATOM}title")
        == "과기정통부, 국가 AI 컴퓨팅센터 사업자 선정"
    )
    assert atom_updated(portal, RELEASE_ID) > taken


def test_a_release_kept_beside_the_article_that_had_its_guid_is_dated_later(tmp_path: Path) -> None:
    """`articles publish --keep-both` on a release whose guid its article had taken: the article goes back to
    its own guid, and the release showed again under its guid with its own, older `updated`."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.run().close()
    portal.cms(cms())
    portal.run(NOW + timedelta(minutes=5)).close()
    taken = atom_updated(portal, RELEASE_ID)
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=10))) as pf:
        pf.publish(RELEASE_ID, keep_both=True)
        pf.build()
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, RELEASE_ID])
    assert atom_updated(portal, RELEASE_ID) > taken


def test_an_article_that_stops_citing_a_deleted_release_does_not_show_under_its_guid(tmp_path: Path) -> None:
    """A draft article took over the guid of a release readers had (a draft may: it shows when published). The
    release was deleted, leaving the feeds; then the newsroom rewrote the article citing nothing and published
    it. It showed under the deleted release's guid: readers saw their item of the release turn into an article
    that is no longer its story."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.run().close()
    portal.cms(cms(status="draft"))
    portal.run(NOW + timedelta(minutes=5)).close()
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=10))) as pf:
        pf.delete(RELEASE_ID)
        pf.build()
    assert everywhere(portal, "") == []
    portal.cms(cms(url=None))  # its own text, citing no release
    portal.run(NOW + timedelta(minutes=15)).close()
    assert everywhere(portal, "") == [CMS_ID]


@pytest.mark.parametrize("leave", ["hide", "delete"])
def test_a_second_article_citing_the_release_keeps_it_out_when_the_first_leaves(tmp_path: Path, leave: str) -> None:
    """Two newsroom articles cite one release; the first (by id) supersedes it. When the first leaves the feeds,
    the release comes back: beside the second article, which rewrites it too, and readers never had it."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.cms(cms() + "---\n" + SECOND)
    portal.run().close()
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=1))) as pf:
        pf.delete(CMS_ID) if leave == "delete" else pf.set_status(CMS_ID, Status.HIDDEN)
    portal.run(NOW + timedelta(minutes=2)).close()
    assert everywhere(portal, "") == [SECOND_ID]


#: no explain phase: each step is a run of the library, and explaining a failure would rerun it hundreds of times
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
for name, examples, steps in (("story-states", 40, 20), ("story-states-thorough", 500, 40)):
    settings.register_profile(
        name,
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        phases=PHASES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
PROFILE = "story-states-thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else "story-states"

TestStoryStates = StoryMachine.TestCase
TestStoryStates.settings = settings.get_profile(PROFILE)
