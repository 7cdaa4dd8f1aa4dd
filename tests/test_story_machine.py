"""One story, one item, in any order of events: one state machine (Hypothesis) over what comes in and when.

The examples of tests/test_stories.py each pin one path; this drives the real
library (`Pressfeed.run()` on a site of local files) through random orders of
them. The world is small on purpose, and has every way a story reaches the
portal today:

* three releases of one agency, each listed by its board with the text
  (`msit`), by a second source of the same agency (`briefing`) and by a board
  that lists titles only, under links of its own (`board`, `republish: link`);
  one more release from a source that keeps its releases beside the newsroom's
  (`when_in_cms: keep`). A copy's link comes in any of the forms boards and
  newsrooms write (scheme, `www.`/`m.`, tracking parameters, trailing slash),
  with or without a guid and the text; the agency edits its texts;
* three CMS articles, citing a release by `source.url` (of either source, in
  any form) or by its text as portals republish it (byline and credit
  variants, the version of the text it copied), or nothing, and any of them
  the release another cites (the one soonest in the feeds supersedes it);
  published, draft, hidden, or embargoed, their date moved by the CMS at any
  time, later or back; a rewrite may stop citing or cite another release, or
  change only the status;
* editors' `articles hide/publish/delete` and `publish --keep-both` (a second
  after the last run, or at its very instant), and cron, with the clock moving on;
* and, each as one step, paths few random orders reach: a second article
  rewriting a release one already cites, then one of them coming or going; an
  article taking over the guid of a release readers have, then the CMS moving
  it later, with cron before and past its new date; an editor's command on a
  release an article cites.

After every run the feeds must hold, whatever came before:

1. every story once: no release as two items (nor two stored articles), and no
   release beside a newsroom article citing it by a key ingest has read (its
   link, or the version of its text the article copied), unless its source or
   an editor keeps both;
2. the same items, titles and order in RSS, Atom and JSON Feed;
3. what has anything published and nothing else: each newsroom article
   published (by the CMS, or an editor since) and due; each release ingest
   could publish, unless hidden, deleted or kept out by its article;
4. each guid the story it first showed, but for the one allowed take-over (a
   release's item showing the article that supersedes it, new to readers); a
   release always under one guid;
5. `updated` never going back, and moving on whenever an item shows another
   story; `published` not going back while it shows the same story (unless its
   source moved it back: the CMS, or a release's text after its title's day);
6. a second run, with nothing changed, writing nothing.

`HYPOTHESIS_PROFILE=thorough pytest tests/test_story_machine.py` searches longer (a few minutes).
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
from test_stories import ATOM, AUTHORITY, Site, cms, feed

pytestmark = pytest.mark.slow

# -- the world: releases and articles ------------------------------------------------------------------

#: topics of the releases; each text is long enough to be matched by its body (stories.BODY_MIN)
TOPICS = [
    ("국가 AI 컴퓨팅센터 사업자 선정", "국가 인공지능 컴퓨팅센터 구축 사업의 최종 사업자를 선정했다"),
    ("6G 초고주파 송수신 기술 개발 착수", "6G 상용화를 위한 초고주파 무선 송수신 기술 개발에 착수했다"),
    ("양자 과학기술 인재 양성 계획 발표", "양자 과학기술 분야의 석박사급 인재 2천 명을 양성하는 계획을 내놓았다"),
    ("공공 클라우드 전환 지원 사업 공고", "공공기관 정보시스템의 민간 클라우드 전환을 돕는 지원 사업을 공고했다"),
]
KST = ZoneInfo("Asia/Seoul")  # the site's zone: naive dates in exports are read in it
#: releases 0..2 come from `msit`, `briefing` and the title-only `board` (one agency); 3 from `keep` only
SHARED = range(3)
KEPT = 3
SOURCES = {k: ("msit", "briefing", "board") for k in SHARED} | {KEPT: ("keep",)}
#: the sources' feeds, and the family of links each lists a release under
FEEDS = {"msit": "msit", "briefing": "briefing", "board": "board", "keep": "msit"}
ARTICLES = range(3)

#: the forms one release link takes over fetches (www./m., scheme, both, tracking parameters, trailing slash)
FORMS = ["plain", "m", "http", "http-m", "utm", "slash"]
#: how a newsroom writes a republished text's opening byline and closing credit
BYLINES = ["(포탈뉴스통신) ", "( 포탈뉴스통신 ) ", ""]
TAILS = [
    "",
    "<p>[뉴스출처 : 과학기술정보통신부]</p>",
    "<p><strong>[뉴스출처 : 과학기술정보통신부]</strong></p><p>&nbsp;</p>",
    "<p>[뉴스출처 : 과학기술정보통신부] 이 자료는 과학기술정보통신부의 보도자료를 전재하여 제공함</p>",
]
#: an article's status in the CMS, and its date as the CMS writes it: kept as it was (None), its usual date
#: long past, or minutes ahead of the clock (an embargo)
STATUSES = ["published", "published", "published", "draft", "hidden"]
DATES: list[str | int | None] = [None, None, None, "usual", 30, 600]
USUAL = datetime(2025, 11, 8, 11, 30, tzinfo=KST)  # test_stories.cms's `published`
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
    if family == "board":  # another site's link, which says nothing of the first
        return f"http://www.msit.go.kr/user/bbs/board.do?mode=view&articleId={3186400 + k}"
    return f"https://www.msit.go.kr/bbs/view.do?sCode=user&bbsSeqNo=94&nttSeqNo={3186400 + k}"


def link_form(url: str, form: str) -> str:
    """One link as boards and newsrooms write it: all of these normalize to one key."""
    if form in ("m", "http-m"):
        url = url.replace("://www.", "://m.")
    if form in ("http", "http-m"):
        url = url.replace("https://", "http://")
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


def title_item(k: int, link: str) -> str:
    """A title-only board as 재정경제부's: title, its own http:// link and the day, nothing else."""
    xml_link = link.replace("&", "&amp;")
    day = "<pubDate>2025-11-08 00:00:00.0</pubDate>"
    return f"<item><title>{release_title(k)}</title><link>{xml_link}</link>{day}</item>"


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
    embargo: datetime | None  # its date, when not the usual one (long past)

    @property
    def date(self) -> datetime:
        return USUAL if self.embargo is None else self.embargo


@dataclass
class Story:
    """What readers have seen of one guid."""

    first: str  # the story it showed first ("R0", "A1")
    allowed: set[str] = field(default_factory=set)  # stories it may show besides (the article that took it over)
    updated: str = ""
    published: str = ""
    last: str = ""  # the story it showed last
    dated: datetime | None = None  # the CMS's date of the article it showed last


# -- the state machine -----------------------------------------------------------------------------------


class StoryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="story-machine-"))
        self.now = NOW
        self.copies: dict[tuple[int, str], Copy] = {}
        self.versions = dict.fromkeys(SOURCES, 0)
        self.records: dict[int, Record] = {}
        self.editor: dict[str, Status] = {}  # an editor's status of a CMS article, until the CMS changes it
        self.imported: dict[int, str] = {}  # each article's CMS status as the last run imported it
        self.deleted: set[str] = set()
        self.release_status: dict[int, Status] = {}  # an editor's status of a release, until upstream changes it
        self.keep_both: set[int] = set()
        # releases whose keep-both may stand or not: an article citing them stopped, and another citing them (or a
        # deleted one) may be the one superseding them (the model does not tell which of them settle chose)
        self.kept_maybe: set[int] = set()
        self.linked: dict[int, int] = {}  # the release each article cited by a key the store had after the last run
        # what ingest has brought of each release: its links (by source family) and its text versions
        self.known_links: dict[int, set[str]] = {k: set() for k in SOURCES}
        self.known_texts: dict[int, set[int]] = {k: set() for k in SOURCES}
        # the release as stored: the source that owns it (the first to bring it, or the first with its text after
        # a title) and whether it has a text; `unsure`, once its owner listed it without the text it had
        self.owner: dict[int, str] = {}
        self.has_text: dict[int, bool] = {}
        self.unsure: set[int] = set()
        self.placed: set[int] = set()  # releases the last run stored first
        self.redated: set[str] = set()  # releases whose date another copy gave anew, until readers next see them
        self.guids: dict[str, Story] = {}
        self.seen: set[str] = set()  # every story a build has put in a feed
        self.shown: dict[str, str] = {}  # the story each guid shows in the feeds after the last run
        self.release_guid: dict[str, str] = {}
        # the guids readers last saw before an editor's command at the very instant of the last run: the version
        # it dates then may show at a later run, in a fixed clock's same instant (a real clock has moved)
        self.same_instant: set[str] = set()
        self.site = Site(self.tmp / "site")
        self._configure()

    def _configure(self) -> None:
        """The agency's board, a second source of it, its title-only board, and a source that keeps its releases."""
        path = self.site.root / "feeds/pressfeed.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        msit = config["sources"][0]
        config["sources"] = [
            msit,
            {**msit, "id": "briefing", "url": "feeds/agencies/briefing.xml"},
            {**msit, "id": "board", "url": "feeds/agencies/board.xml", "republish": "link"},
            {**msit, "id": "keep", "url": "feeds/agencies/keep.xml", "when_in_cms": "keep"},
        ]
        self.site.write("feeds/pressfeed.yaml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
        self._write_sources()

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- what the files say ------------------------------------------------------------------------------

    def _write_sources(self) -> None:
        for source, family in FEEDS.items():
            items = []
            for (k, where), copy in sorted(self.copies.items()):
                if where != source:
                    continue
                link = link_form(base_link(k, family), copy.form)
                if source == "board":
                    items.append(title_item(k, link))
                    continue
                guid = (f"{156750100 + k}" if family == "briefing" else f"msit-{3186400 + k}") if copy.guid else None
                text = release_text(k, self.versions[k]) if copy.fulltext else None
                items.append(board_item(k, link, guid, text))
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
                k = int(step[1:])
                where = data.draw(st.sampled_from(SOURCES[k]), label="source")
                copy = data.draw(st.tuples(st.sampled_from(FORMS), st.booleans(), st.booleans()))
                self.post_release(k, where, *copy)
            else:
                article = st.tuples(st.sampled_from(STATUSES), st.sampled_from(DATES))
                self.write_article(data, int(step[1:]), *data.draw(article, label=step))
        self.run(data.draw(st.sampled_from(MINUTES), label="minutes"))  # and readers get that world

    # -- rules: the agencies --------------------------------------------------------------------------------

    @rule(
        k=st.sampled_from(sorted(SOURCES)),
        where=st.sampled_from(["msit", "briefing", "board"]),
        form=st.sampled_from(FORMS),
        fulltext=st.booleans(),
        guid=st.booleans(),
    )
    def post_release(self, k: int, where: str, form: str, fulltext: bool, guid: bool) -> None:
        """A release appears in a source's feed, or is listed again in another form (link, guid, text)."""
        source = where if where in SOURCES[k] else SOURCES[k][0]
        self.copies[(k, source)] = Copy(form, fulltext, guid)
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

    @rule(
        data=st.data(),
        j=st.sampled_from(list(ARTICLES)),
        status=st.sampled_from(STATUSES),
        date=st.sampled_from(DATES),
    )
    def write_article(self, data: st.DataObject, j: int, status: str, date: str | int | None) -> None:
        """The CMS export gets an article (new or changed): citing a release by link or by text, or nothing, or
        what it cited before (the text it copied then, whatever the agency edited since)."""
        if self._article_id(j) in self.deleted:
            return  # a deleted article stays deleted whatever the export says; nothing to model
        old = self.records.get(j)
        kinds = ["url", "url", "body", "body", "none"] + (["same", "same"] if old is not None else [])
        kind = data.draw(st.sampled_from(kinds), label="cites")
        cite = old.cite if old is not None and kind == "same" else None
        if kind in ("url", "body"):
            # mostly a release that is, or was, in a feed: the newsroom rewrites what it has read; and as often one
            # another article rewrites too (which of them supersedes it is the rule settle keeps)
            listed = [k for k in SOURCES if any(k == c for c, _ in self.copies) or self.known_links[k]]
            others = [r.cite.release for i, r in self.records.items() if i != j and r.cite is not None]
            k = data.draw(st.sampled_from([*SOURCES, *listed * 3, *others * 3]), label="release")
            cite = self._draw_cite(data, k, kind)
        self._record(j, cite, status, date)

    def _draw_cite(self, data: st.DataObject, k: int, by: str) -> Cite:
        """How an article cites release k: by link (mostly one it has read) or by text (as the agency has it now,
        or a version it has read)."""
        if by == "url":
            families = ["msit", "msit", "briefing"] if k in SHARED else ["msit"]
            read = [f for f in families if f in self.known_links[k]]
            family = data.draw(st.sampled_from(families + read * 2), label="family")
            return Cite(k, "url", family=family, form=data.draw(st.sampled_from(FORMS), label="form"))
        version = data.draw(st.sampled_from([self.versions[k], *sorted(self.known_texts[k])]), label="version")
        byline = data.draw(st.sampled_from(BYLINES), label="byline")
        tail = data.draw(st.sampled_from(TAILS), label="tail")
        return Cite(k, "body", version=version, byline=byline, tail=tail)

    def _read_cite(self, data: st.DataObject, k: int, by: str) -> Cite | None:
        """A citation of release k by a key ingest has recorded (`by` link or text, else the other), or None."""
        for how in (by, "body" if by == "url" else "url"):
            if how == "url" and self.known_links[k]:  # the board's own link too: a title-only copy has no other
                family = data.draw(st.sampled_from(sorted(self.known_links[k])), label="family")
                return Cite(k, "url", family=family, form=data.draw(st.sampled_from(FORMS), label="form"))
            if how == "body" and self.known_texts[k]:
                version = data.draw(st.sampled_from(sorted(self.known_texts[k])), label="version")
                byline = data.draw(st.sampled_from(BYLINES), label="byline")
                tail = data.draw(st.sampled_from(TAILS), label="tail")
                return Cite(k, "body", version=version, byline=byline, tail=tail)
        return None

    def _record(self, j: int, cite: Cite | None, status: str, date: str | int | None) -> None:
        """The CMS export's record of article j now (`date`: as in DATES)."""
        old = self.records.get(j)
        if date is None:  # the date it had, or the usual one
            when = old.embargo if old is not None else None
        else:  # the CMS moves it, at any time: back to the usual date (an embargo lifted), or ahead of the clock
            when = None if date == "usual" else self.now + timedelta(minutes=int(date))
        self.records[j] = Record(cite, status, when)
        self._write_export()

    # -- rules: paths the rules above reach in few examples, each as one step of them (checked after each run) -----

    def _cited(self) -> list[tuple[int, int]]:
        """(article, release) for each article citing a release by a key ingest has recorded, deleted or not."""
        return sorted(self._citing().items())

    def _superseded(self) -> list[int]:
        """The releases an article cited by a key the store had after the last run (and may supersede)."""
        return sorted({k for k in self.linked.values() if k != KEPT})

    def _holders(self) -> list[int]:
        """The newsroom articles the last run showed under a release's guid (that took it over), not deleted since."""
        return sorted(
            int(story[1:])
            for guid, story in self.shown.items()
            if story.startswith("A") and self.guids[guid].first.startswith("R") and story not in self._gone()
        )

    def _shown_releases(self) -> list[int]:
        """The releases the last run showed that an article may supersede."""
        return sorted(int(s[1:]) for s in self.shown.values() if s.startswith("R") and int(s[1:]) != KEPT)

    def _unseen(self) -> list[int]:
        """The newsroom articles no build has put in a feed (and not deleted): one may take a release's guid."""
        return [j for j in ARTICLES if f"A{j}" not in self.seen and self._article_id(j) not in self.deleted]

    @precondition(lambda self: bool(self._cited()))
    @rule(
        data=st.data(),
        by=st.sampled_from(["url", "body"]),
        article=st.tuples(st.sampled_from(STATUSES), st.sampled_from(DATES)),
        minutes=st.sampled_from(MINUTES),
        then=st.sampled_from(["cms", "editor", "none"]),
    )
    def rewrite_cited(
        self, data: st.DataObject, by: str, article: tuple[str, str | int | None], minutes: int, then: str
    ) -> None:
        """A second newsroom article rewrites a release one already cites, and cron runs; then one of the two comes
        into the feeds or leaves them (the CMS's status or date, an editor's command), and cron runs again: the
        one soonest in the feeds must supersede it, whichever it is."""
        i, k = data.draw(st.sampled_from(self._cited()), label="cited")
        free = [j for j in ARTICLES if j != i and self._article_id(j) not in self.deleted]
        if not free:
            return
        j, cite = data.draw(st.sampled_from(free), label="second"), self._read_cite(data, k, by)
        if cite is None:
            return
        self._record(j, cite, *article)
        self.run(minutes)
        if then == "none":
            return
        which = data.draw(st.sampled_from([i, j]), label="which")
        if then == "editor":
            action = data.draw(st.sampled_from(["hide", "publish", "delete"]), label="action")
            self.edit_article(which, action, data.draw(st.booleans(), label="later"))
        elif self._article_id(which) not in self.deleted:
            record = self.records[which]
            status, date = data.draw(st.tuples(st.sampled_from(STATUSES), st.sampled_from(DATES)), label="moved")
            self._record(which, record.cite, status, date)
        self.run(data.draw(st.sampled_from(MINUTES), label="minutes"))

    @precondition(lambda self: bool(self._shown_releases()) and bool(self._unseen()))
    @rule(
        data=st.data(),
        by=st.sampled_from(["url", "body"]),
        minutes=st.sampled_from(MINUTES),
        ahead=st.sampled_from([None, 30, 600]),
    )
    def take_over(self, data: st.DataObject, by: str, minutes: int, ahead: int | None) -> None:
        """The newsroom rewrites a release readers have, published now, and cron runs: its item takes the
        release's guid. Then, maybe, the CMS moves it later (as `move_later`)."""
        k = data.draw(st.sampled_from(self._shown_releases()), label="release")
        j, cite = data.draw(st.sampled_from(self._unseen()), label="article"), self._read_cite(data, k, by)
        if cite is None:
            return
        self._record(j, cite, "published", "usual")
        self.run(minutes)
        if ahead is not None and j in self._holders():
            self._move_later(data, j, ahead)

    @precondition(lambda self: bool(self._holders()))
    @rule(data=st.data(), ahead=st.sampled_from([30, 600]))
    def move_later(self, data: st.DataObject, ahead: int) -> None:
        """The CMS moves an article under a release's guid later: cron runs before its new date (the release back
        under the guid), and past it (the article back, dated no earlier than its publication: 3389e8e)."""
        self._move_later(data, data.draw(st.sampled_from(self._holders()), label="article"), ahead)

    def _move_later(self, data: st.DataObject, j: int, ahead: int) -> None:
        self._record(j, self.records[j].cite, "published", ahead)
        before = data.draw(st.sampled_from([m for m in MINUTES if m < ahead]), label="before")
        self.run(before)
        self.run(data.draw(st.sampled_from([m for m in MINUTES if before + m >= ahead]), label="past"))
        if j in self._holders():
            event("an article under a release's guid moved later, and back past its date")

    @precondition(lambda self: bool(self._superseded()))
    @rule(
        data=st.data(),
        action=st.sampled_from(["keep-both", "keep-both", "hide", "publish", "status", "delete"]),
        later=st.sampled_from([True, True, False]),
    )
    def edit_superseded(self, data: st.DataObject, action: str, later: bool) -> None:
        """An editor's command on a release an article cites (and supersedes, when settle chose it)."""
        k = data.draw(st.sampled_from(self._superseded()), label="release")
        self.edit_release_status(k, action, later)

    # -- rules: editors ---------------------------------------------------------------------------------------------

    def _library(self, later: bool) -> Pressfeed:
        """The library as an editor's command uses it: a second after whatever came before, or at that very
        instant (a fixed clock: the same instant as the last run)."""
        if later:
            self.now += timedelta(seconds=1)
        else:
            self.same_instant |= set(self.guids)
        return Pressfeed(load_config(self.site.root), clock=fixed(self.now))

    @rule(
        j=st.sampled_from(list(ARTICLES)),
        action=st.sampled_from(["hide", "publish", "status", "delete"]),
        later=st.sampled_from([True, True, False]),
    )
    def edit_article(self, j: int, action: str, later: bool) -> None:
        """`pressfeed articles hide/publish/delete` on a newsroom article (`status`: the library's set_status)."""
        article_id = self._article_id(j)
        with self._library(later) as pf:
            try:
                if action == "delete":
                    pf.delete(article_id)
                    self.deleted.add(article_id)
                    self._unkeep_deleted(j)
                else:
                    if action == "publish":
                        pf.publish(article_id)
                    else:
                        pf.set_status(article_id, Status.HIDDEN if action == "hide" else Status.PUBLISHED)
                    self.editor[article_id] = Status.HIDDEN if action == "hide" else Status.PUBLISHED
            except (ArticleNotFoundError, UsageError):
                pass  # not imported yet, or deleted: the editor's command refuses, and changes nothing

    @rule(
        k=st.sampled_from(sorted(SOURCES)),
        action=st.sampled_from(["hide", "publish", "status", "keep-both", "delete"]),
        later=st.sampled_from([True, True, False]),
    )
    def edit_release_status(self, k: int, action: str, later: bool) -> None:
        """The same commands on a release; `publish --keep-both` keeps a superseded one beside its article."""
        with self._library(later) as pf:
            release_id = self._release_id(pf, k)
            if release_id is None:
                return
            try:
                if action == "delete":
                    pf.delete(release_id)
                    self.deleted.add(f"R{k}")
                elif action == "hide":
                    pf.set_status(release_id, Status.HIDDEN)
                    self.release_status[k] = Status.HIDDEN
                else:
                    if action == "status":
                        pf.set_status(release_id, Status.PUBLISHED)
                    else:
                        pf.publish(release_id, keep_both=action == "keep-both")
                    self.release_status[k] = Status.PUBLISHED  # a title held as a draft too: the editor's word
                    if action == "keep-both":
                        self.keep_both.add(k)
                        self.kept_maybe.discard(k)
            except UsageError:
                pass  # nothing supersedes it, or it is published already and kept out: refused, nothing changed

    @staticmethod
    def _release_id(pf: Pressfeed, k: int) -> str | None:
        stored = [s for s in pf.articles() if s.article.title == release_title(k)]
        assert len(stored) <= 1, stored  # one release, one stored article, whichever sources brought it
        return stored[0].article.id if stored else None

    # -- rules: cron ---------------------------------------------------------------------------------------------------

    @rule(minutes=st.sampled_from(MINUTES))
    def run(self, minutes: int) -> None:
        """`pressfeed run` some minutes later, then at once again: the second must write nothing."""
        self.now += timedelta(minutes=minutes)
        self._unkeep()
        for j, record in self.records.items():
            if self.imported.get(j) != record.status:  # the CMS changed the status: its word wins over an editor's
                self.editor.pop(self._article_id(j), None)
            self.imported[j] = record.status
        with self.site.run(self.now) as pf:
            for k in SOURCES:
                self._release_id(pf, k)
        self.placed = set()  # releases this run stores first
        for source in FEEDS:  # in config order, as ingest places them
            for (k, where), copy in sorted(self.copies.items()):
                if where == source:
                    self._ingested(k, source, copy.fulltext and source != "board")
        self.linked = self._citing()
        self._check_feeds()
        self._check_views()
        # 6. a second run with nothing changed writes nothing: neither says so nor touches a file
        before = self._files()
        with Pressfeed(load_config(self.site.root), clock=fixed(self.now)) as pf:
            again = pf.run()
        assert again.ok and again.build.written == (), again.lines()
        assert self._files() == before, "an unchanged second run rewrote a feed file"

    def _citing(self) -> dict[int, int]:
        """The release each article cites by a key ingest has recorded (a deleted one: what it cited then)."""
        return {
            j: r.cite.release for j, r in self.records.items() if r.cite is not None and self._cites(j, r.cite.release)
        }

    def _unkeep_deleted(self, j: int) -> None:
        """A deleted article takes the keep-both exception said of it (settle): for sure when it was the only one
        citing the release, maybe when others cite it too (which of them superseded it, settle chose)."""
        k = self.linked.get(j)
        if k is None or k not in self.keep_both | self.kept_maybe:
            return
        self.keep_both.discard(k)
        if any(c == k and i != j and self._article_id(i) not in self.deleted for i, c in self.linked.items()):
            self.kept_maybe.add(k)
        else:
            self.kept_maybe.discard(k)

    def _unkeep(self) -> None:
        """A link this run's import undoes takes the editor's keep-both exception with it: the article superseding
        the release stopped citing it. It goes for sure when every article that cited it stopped (a deleted one
        took it when it was deleted: _unkeep_deleted)."""
        cites = self._citing()
        for k in sorted(self.keep_both | self.kept_maybe):
            linked = {j for j, c in self.linked.items() if c == k}
            left = {j for j in linked if cites.get(j) != k}
            if not left:
                continue
            self.keep_both.discard(k)
            if linked - left:
                self.kept_maybe.add(k)
            else:
                self.kept_maybe.discard(k)

    def _ingested(self, k: int, source: str, text: bool) -> None:
        """What ingest makes of a copy of release k: the keys it records, and which copy the store keeps."""
        self.known_links[k].add(FEEDS[source])
        if text:
            self.known_texts[k].add(self.versions[k])
        if f"R{k}" in self.deleted:
            return  # a tombstone: no copy brings it back
        before = self._upstream(k)
        if k not in self.owner:
            self.owner[k], self.has_text[k] = source, text  # the first copy owns it
            self.placed.add(k)
        elif source != self.owner[k] and text and not self.has_text[k]:
            self.owner[k], self.has_text[k] = source, text  # the text of a title: dated as that copy is
            self.redated.add(f"R{k}")
        elif source == self.owner[k] and text:
            self.has_text[k] = True
        elif source == self.owner[k] and self.has_text[k]:
            self.unsure.add(k)  # its text gone upstream: how the store takes that is test_ingest's to say
        hid = self.release_status.get(k) is Status.HIDDEN
        if before is not None and self._upstream(k) is not before and not hid:
            # an editor's status stands until upstream changes its own; a hidden release stays hidden (no agency
            # says anything of a status: the text it was held for coming is none)
            self.release_status.pop(k, None)

    def _upstream(self, k: int) -> Status | None:
        """The status of release k as its copies give it: a text, or a title on a `republish: link` board, is
        published; a title alone is held as a draft."""
        if k not in self.owner:
            return None
        return Status.PUBLISHED if self.has_text[k] or self.owner[k] == "board" else Status.DRAFT

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
                    if k == KEPT or k in self.keep_both | self.kept_maybe:
                        event("a release kept beside its article" if f"R{k}" in stories else "kept, not shown")
                        continue
                    assert f"R{k}" not in stories, f"R{k} beside A{j}, which supersedes it: {stories}"
                    event(f"a release kept out by its article (by {self.records[j].cite.by})")  # type: ignore[union-attr]
                    others = [i for i in ARTICLES if self._cites(i, k) and f"A{i}" not in {*stories, *self._gone()}]
                    if others and f"R{k}" in self._releases_shown(set()):  # settle's rule decides which keeps it out
                        event("a release kept out by one of its articles, another not in the feeds")
            for guid, story, updated, published in items:
                shown[guid] = story
                self._check_guid(guid, story, updated, published)
            # 3. what has anything published, and nothing else (what was deleted stays out)
            assert {s for s in stories if s.startswith("A")} == self._due(), (self._due(), stories)
            loose = self.unsure | self.kept_maybe  # which copy the store keeps, or whether it is kept beside
            releases = {s for s in stories if s.startswith("R") and int(s[1:]) not in loose}
            expected = {s for s in self._releases_shown(set(stories)) if int(s[1:]) not in loose}
            assert releases == expected, (expected, stories)
        self.seen.update(shown.values())
        self.shown = shown
        self.redated -= set(shown.values())

    def _check_views(self) -> None:
        """7. what `articles show` tells an editor agrees with the feeds: a release it calls kept out (superseded)
        is not in them and the article superseding it is; any other is in them when published and due; and no
        release reads as locally edited. (The editor's view, stories.keeps_out, restates the feed query's rule,
        store.base.feed_visible.)"""
        stories = {story for _, story, _, _ in self._items("")}
        with Pressfeed(load_config(self.site.root), clock=fixed(self.now)) as pf:
            releases = [s for s in pf.articles() if s.origin.startswith("source:")]
            for info in pf.infos(releases):
                stored = info.stored
                story, superseder = self._story(stored.article.title), stored.superseded_by
                # no editor here edits a release's content: one read as edited keeps its source's changes out
                assert not info.locally_edited, f"{story} reads as locally edited"
                assert pf.kept_out_by(stored) == (superseder if info.superseded else None), story
                if info.superseded:
                    by = pf.store.get(superseder) if superseder else None
                    assert by is not None and self._story(by.article.title) in stories, (story, superseder, stories)
                    assert story not in stories, f"{story} is in the feeds, and its view says {superseder} keeps it out"
                    event("a release its view calls kept out")
                else:
                    due = stored.article.status is Status.PUBLISHED and stored.article.published <= self.now
                    assert (story in stories) == due, (story, stored.article.status, info.story_lines(), stories)

    def _gone(self) -> set[str]:
        """The newsroom articles editors deleted."""
        return {f"A{j}" for j in ARTICLES if self._article_id(j) in self.deleted}

    def _due(self) -> set[str]:
        """The newsroom articles the feeds must show: published (by the CMS, or an editor since), dated by now."""
        due = set()
        for j, record in self.records.items():
            article_id = self._article_id(j)
            status = self.editor.get(article_id, Status(record.status))
            if article_id not in self.deleted and status is Status.PUBLISHED and record.date <= self.now:
                due.add(f"A{j}")
        return due

    def _releases_shown(self, stories: set[str]) -> set[str]:
        """The releases the feeds must show: with something to publish, neither hidden nor deleted, and kept out
        by no newsroom article in the feeds (unless their source or an editor keeps both)."""
        out = set()
        for k in self.owner:
            if self.release_status.get(k, self._upstream(k)) is not Status.PUBLISHED or f"R{k}" in self.deleted:
                continue
            kept_out = k != KEPT and k not in self.keep_both
            if not (kept_out and any(f"A{j}" in stories and self._cites(j, k) for j in ARTICLES)):
                out.add(f"R{k}")
        return out

    def _check_guid(self, guid: str, story: str, updated: str, published: str) -> None:
        known = self.guids.get(guid)
        if known is None:
            known = self.guids[guid] = Story(story)
        elif story != known.first and story not in known.allowed:
            # 4. the one change allowed: a release's item shows the article superseding it, new to readers
            taking_over = known.first.startswith("R") and story.startswith("A") and story not in self.seen
            assert taking_over and self._cites(int(story[1:]), int(known.first[1:])), (
                f"{guid} showed {known.first}, now {story}"
            )
            known.allowed.add(story)
            event("an article took over a release's guid")
        if story.startswith("R"):  # a release is one item: always under the same guid
            assert self.release_guid.setdefault(story, guid) == guid, f"{story} under {guid} and another guid"
        # 5. dates never go back: `updated` whatever the item shows; `published` while it shows the same story
        # (the article's own date comes with it when it takes a release's item over, and the release's when
        # that item shows the release again: the README promises only `updated`), unless the CMS moved it back
        when = datetime.fromisoformat
        dated = self.records[int(story[1:])].date if story.startswith("A") else None
        # the source dated it back: the CMS moved the article's date, or a release's text came with its own date
        # after its title, which was dated when fetched (a board gives only the day)
        moved_back = story in self.redated or (dated is not None and known.dated is not None and dated < known.dated)
        if known.updated:
            assert when(updated) >= when(known.updated), (guid, known.updated, updated)
            if story != known.last:  # readers take a version as newer only by its date
                # (not when an editor's command shared the instant of the run before: the clock did not move)
                assert guid in self.same_instant or when(updated) > when(known.updated), (
                    guid,
                    known.last,
                    story,
                    updated,
                )
            elif not moved_back:
                assert when(published) >= when(known.published), (guid, known.published, published)
        known.updated, known.published, known.last, known.dated = updated, published, story, dated
        self.same_instant.discard(guid)


#: no explain phase: each step is a run of the library, and explaining a failure would rerun it hundreds of times
#: (the suite's 50 x 16: the steps that compose a rare path run the library two or three times, in about the time
#: 60 x 20 took before them)
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
for name, examples, steps in (("story-machine", 50, 16), ("story-machine-thorough", 600, 40)):
    settings.register_profile(
        name,
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        phases=PHASES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
PROFILE = "story-machine-thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else "story-machine"

TestStoryMachine = StoryMachine.TestCase
TestStoryMachine.settings = settings.get_profile(PROFILE)
