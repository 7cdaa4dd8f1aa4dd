"""One story, one item, in any order of arrival: a state machine (Hypothesis) over what comes in and when.

A ministry's releases reach the portal two ways, as they do today: a board feed
with the text (source `msit`) and a board that lists titles only, under its own
links (`msit-board`, `republish: link`); the newsroom's CMS export rewrites some
of them (one cites its release by `source.url`, one republishes its text
without a url) and writes one story of its own. Hypothesis picks the order:
releases appear and leave either feed, the agency edits a text, the CMS
export publishes, holds, hides, schedules or rewrites an article, editors run
`articles hide/publish/delete` on articles and releases, and cron runs, with
the clock moving on.

After every run, whatever came before, the feeds must hold:

* the same items in RSS, Atom and JSON Feed;
* every story once (the release or the newsroom's article, never both) as soon
  as pressfeed can tell they are one: the release's text or its link known;
  before that, a title-only copy and a rewrite citing the text may stand apart;
* the newsroom's version wherever it is published and cites a release whose
  text is known;
* every story that has anything published, and nothing else;
* each guid the story it first showed (readers never see an item turn into
  another story), its `updated` never going back;
* a second run that writes nothing.

tests/test_story_states.py models the same rule from another side (keep
sources, guid-less items, more url forms); this one has the title-only
board, the version of a text a rewrite copied, and rewrites that stop citing.
`HYPOTHESIS_PROFILE=thorough pytest tests/test_story_orders.py` searches
longer.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from conftest import CONFIG_TEXT, MSIT_BOARD, NOW
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.model import ArticleFilter, Status

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
KST = ZoneInfo("Asia/Seoul")
AGENCY = "과학기술정보통신부"
CREDIT = f"[뉴스출처 : {AGENCY}]"


@dataclass(frozen=True)
class Release:
    number: int
    title: str
    text: str

    @property
    def link(self) -> str:
        return f"https://www.msit.go.kr/bbs/view.do?sCode=user&bbsSeqNo=94&nttSeqNo={self.number}"

    @property
    def board_link(self) -> str:
        """Where the title-only board lists it: another site's link, which says nothing of the first."""
        return f"http://www.msit.go.kr/user/bbs/board.do?mode=view&articleId={self.number}"


RELEASES = (
    Release(
        3190001,
        "과기정통부, 양자컴퓨터 시제품 공개…2027년까지 100큐비트 목표",
        "과학기술정보통신부는 11월 8일 국내 연구진이 개발한 양자컴퓨터 시제품을 공개했다고 밝혔다. "
        "정부는 2027년까지 100큐비트급 양자컴퓨터를 구축하고, 대학과 기업이 클라우드로 쓸 수 있게 할 계획이다. "
        "시제품은 초전도 방식으로 20큐비트를 구현했으며, 연구진은 오류 보정 기술을 함께 검증하고 있다.",
    ),
    Release(
        3190002,
        "과기정통부, 겨울철 통신망 안전 점검…기지국 3천 곳 대상",
        "과학기술정보통신부는 겨울철 한파와 폭설에 대비해 이동통신 기지국 3천 곳과 주요 통신시설의 안전 점검에 "
        "나선다고 밝혔다. 점검반은 비상 전원과 난방 설비, 케이블 결빙 방지 대책을 확인하고 미비점은 바로 고친다. "
        "통신3사는 재난 때 다른 회사의 망을 빌려 쓰는 로밍 훈련도 이달 안에 마칠 예정이다.",
    ),
)
#: the newsroom's articles: which release each rewrites, and how it says so (None: a story of its own)
ARTICLES = {
    "c1": ("국내 첫 양자컴퓨터 시제품 나왔다…정부 '2027년 100큐비트'", 0, "url"),
    "c2": ("통신3사 기지국 3천 곳 겨울철 안전 점검", 1, "text"),
    "c3": ("[기획] 지역 소멸 막을 청년 정착 지원, 현장을 가다", None, ""),
}
#: the forms of a release's link a newsroom writes in `source.url`
URL_FORMS = (
    lambda link: link,
    lambda link: link.replace("https://www.", "http://m."),
    lambda link: link + "&utm_source=portal&utm_medium=referral",
)

CONFIG = (
    CONFIG_TEXT
    + "\n"
    + yaml.safe_dump(
        {
            "imports": ["feeds/articles/*.yaml"],
            "sources": [
                MSIT_BOARD,
                # the title-only board: its items are published as links (republish: link), no text
                {**MSIT_BOARD, "id": "msit-board", "url": "feeds/agencies/msit-board.xml", "republish": "link"},
            ],
        },
        allow_unicode=True,
        sort_keys=False,
    )
)


def rss(items: str, title: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://www.msit.go.kr/</link><description>보도자료</description>{items}</channel></rss>"
    )


def release_text(release: Release, edits: int) -> str:
    return release.text + "".join(f" 추가 설명 {n}." for n in range(1, edits + 1))


def text_item(release: Release, edits: int) -> str:
    text = release_text(release, edits)
    return (
        f"<item><title>{release.title}</title><link>{release.link.replace('&', '&amp;')}</link>"
        f"<guid isPermaLink='false'>msit-{release.number}</guid><pubDate>2025-11-08 10:00:00</pubDate>"
        f"<description><![CDATA[<p>{text}</p>]]></description></item>"
    )


def title_item(release: Release) -> str:
    """A board as 재정경제부's: title, an http:// link and the day, nothing else."""
    link = release.board_link.replace("&", "&amp;")
    return f"<item><title>{release.title}</title><link>{link}</link><pubDate>2025-11-08 00:00:00.0</pubDate></item>"


def cms_id(key: str) -> str:
    return f"tag:example-portal.kr,2025:article/20251108-010{list(ARTICLES).index(key) + 1}"


def cms_record(key: str, status: str, url_form: int, published: str, edits: int) -> dict[str, object]:
    """`url_form`: how the record cites its release; one past URL_FORMS, it no longer does (a rewrite).
    `edits`: the agency's edits in the release text the newsroom copied."""
    title, cited, how = ARTICLES[key]
    number = list(ARTICLES).index(key) + 1
    record: dict[str, object] = {
        "id": f"20251108-010{number}",
        "title": title,
        "section": "IT/과학",
        "published": published,
        "byline": "포탈뉴스통신",
        "link": f"/news/articleView.html?idxno=12400{number}",
        "status": status,
    }
    if cited is None or url_form == len(URL_FORMS):  # a story of its own, or a rewrite that cites nothing
        record["body_html"] = f"<p>(포탈뉴스통신) {title}: 기자가 현장을 다시 취재해 새로 썼다.</p>"
    elif how == "url":
        release = RELEASES[cited]
        record["body_html"] = "<p>(포탈뉴스통신) 국내 연구진이 만든 양자컴퓨터 시제품이 처음 공개됐다.</p>"
        record["source"] = {"name": AGENCY, "home": "https://www.msit.go.kr/", "url": URL_FORMS[url_form](release.link)}
    else:  # the release's text as portals republish it: byline, then the text, then the credit
        record["body_html"] = f"<p>(포탈뉴스통신) {release_text(RELEASES[cited], edits)}</p><p>{CREDIT}</p>"
    return record


_INDEXES = [str(i) for i in range(len(RELEASES))]
#: every change an example's steps choose from (each mostly followed by a cron run)
CHANGES = st.one_of(
    st.tuples(
        st.sampled_from(["in text feed", "in text feed", "on title board", "on title board"]), st.sampled_from(_INDEXES)
    ),
    st.tuples(st.sampled_from(["leaves text feed", "leaves title board", "agency edits"]), st.sampled_from(_INDEXES)),
    st.tuples(
        st.just("article"),
        st.sampled_from(list(ARTICLES)),
        st.sampled_from(["published", "published", "draft", "hidden", "scheduled"]),
        st.sampled_from([*(str(n) for n in range(len(URL_FORMS))), "rewrite"]),
    ),
    st.tuples(
        st.just("command"),
        st.sampled_from([*ARTICLES, "r0", "r1"]),
        st.sampled_from(["hide", "hide", "publish", "publish", "delete"]),
    ),
)


class StoryOrders(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="story-orders-"))
        self.minutes = 0
        #: releases in each feed now; the text edits the agency made to each
        self.in_text: set[int] = set()
        self.in_board: set[int] = set()
        self.edits = [0] * len(RELEASES)
        #: what ingest has stored: a release's text (a text copy read once), a release at all
        self.text_known: set[int] = set()
        self.stored: set[int] = set()
        #: the CMS export: each article's status, the url form it cites by, its `published`, and the agency's
        #: edits in the release text it copied
        self.articles: dict[str, tuple[str, int, str, int]] = {}
        #: the versions of each release's text ingest has read (by the number of edits in them)
        self.versions: list[set[int]] = [set() for _ in RELEASES]
        #: what editors did with `pressfeed articles`: an article's status until its CMS status changes,
        #: and what they deleted (never back, whatever the export or a feed says)
        self.command_status: dict[str, str] = {}
        #: each article's status in the export as the last run imported it: a command gives way to the CMS
        #: when a run finds the CMS changed it since (not when the CMS changed it before the command)
        self.imported_status: dict[str, str] = {}
        self.deleted: set[str] = set()
        self.hidden_releases: set[int] = set()
        #: what readers saw: each guid's story, and its latest `updated`
        self.story_of_guid: dict[str, str] = {}
        self.updated_of_guid: dict[str, str] = {}

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def write(self, relpath: str, text: str) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def write_feeds(self) -> None:
        texts = "".join(text_item(RELEASES[i], self.edits[i]) for i in sorted(self.in_text))
        self.write("feeds/agencies/msit.xml", rss(texts, f"{AGENCY} 보도자료"))
        titles = "".join(title_item(RELEASES[i]) for i in sorted(self.in_board))
        self.write("feeds/agencies/msit-board.xml", rss(titles, f"{AGENCY} 알림·소식"))

    def write_cms(self) -> None:
        records = [cms_record(key, *written) for key, written in sorted(self.articles.items())]
        text = "".join("---\n" + yaml.safe_dump(r, allow_unicode=True, sort_keys=False) for r in records)
        self.write("feeds/articles/news.yaml", text or "# nothing yet\n")

    @initialize()
    def site(self) -> None:
        self.write("feeds/pressfeed.yaml", CONFIG)
        self.write_feeds()
        self.write_cms()

    # -- what arrives ----------------------------------------------------------------------------

    @rule(change=CHANGES, run=st.sampled_from([True, True, True, False]), minutes=st.sampled_from([1, 5, 60]))
    def step(self, change: tuple[str, ...], run: bool, minutes: int) -> None:
        """One change (or an editor's command), and mostly a cron run after it: one rule, so that the few
        steps of an example go to orders of events, not to choosing among rules."""
        if change[0] == "command":
            self.editor_runs_a_command(change[1], change[2])
        else:
            self.something_changes(change)
        if run:
            self.cron_runs(minutes)

    def something_changes(self, change: tuple[str, ...]) -> None:
        """A release appears in or leaves a feed, the agency edits one, or an editor writes an article."""
        what, *args = change
        if what == "article":
            key, status, form = args
            before = self.articles.get(key)
            published = "2025-11-08 11:30:00"
            if status == "scheduled":  # an embargo: published half an hour from now
                status = "published"
                published = (NOW + timedelta(minutes=self.minutes + 30)).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
            # the newsroom may stop citing the release (a rewrite); the url form it cites by stays otherwise
            keep = before[1] if before and before[1] < len(URL_FORMS) else int(form if form != "rewrite" else 0)
            cites = len(URL_FORMS) if form == "rewrite" else keep
            cited = ARTICLES[key][1]
            copied = before[3] if before else self.edits[cited] if cited is not None else 0
            self.articles[key] = (status, cites, published, copied)
            self.write_cms()
            return
        i = int(args[0])
        if what == "in text feed":
            self.in_text.add(i)
        elif what == "on title board":
            self.in_board.add(i)
        elif what == "leaves text feed":
            self.in_text.discard(i)
        elif what == "leaves title board":
            self.in_board.discard(i)
        else:
            self.edits[i] += 1
        self.write_feeds()

    def editor_runs_a_command(self, key: str, command: str) -> None:
        """`pressfeed articles hide/publish/delete` on a newsroom article or a release, between runs."""
        pf = Pressfeed(load_config(self.root), clock=fixed(NOW + timedelta(minutes=self.minutes)))
        try:
            article_id = cms_id(key) if key in ARTICLES else self.release_id(pf, int(key[1]))
            if article_id is None or pf.store.get(article_id) is None:
                return  # not stored (yet, or any more): the command would only say so
            if command == "delete":
                pf.delete(article_id)
                self.deleted.add(key)
            else:
                pf.set_status(article_id, Status.HIDDEN if command == "hide" else Status.PUBLISHED)
                if key in ARTICLES:
                    self.command_status[key] = "hidden" if command == "hide" else "published"
                elif command == "hide":
                    self.hidden_releases.add(int(key[1]))
                else:
                    self.hidden_releases.discard(int(key[1]))
        finally:
            pf.close()

    @staticmethod
    def release_id(pf: Pressfeed, i: int) -> str | None:
        stored = [s for s in pf.store.articles(ArticleFilter()) if s.article.title == RELEASES[i].title]
        assert len(stored) <= 1, stored  # one release, one article, whichever source brought it
        return stored[0].article.id if stored else None

    # -- cron --------------------------------------------------------------------------------------

    def cron_runs(self, minutes: int) -> None:
        for key, (status, *_) in self.articles.items():
            if self.imported_status.get(key, status) != status:
                self.command_status.pop(key, None)
            self.imported_status[key] = status
        self.minutes += minutes
        when = NOW + timedelta(minutes=self.minutes)
        pf = Pressfeed(load_config(self.root), clock=fixed(when))
        try:
            result = pf.run()
            assert result.ok, result.lines()
        finally:
            pf.close()
        self.text_known |= self.in_text
        for i in self.in_text:
            self.versions[i].add(self.edits[i])
        self.stored |= self.in_text | self.in_board
        self.check_feeds()
        again = Pressfeed(load_config(self.root), clock=fixed(when))
        try:
            assert again.run().build.written == (), "a second run with nothing new wrote feeds"
        finally:
            again.close()

    # -- what readers get -------------------------------------------------------------------------

    def items(self) -> list[tuple[str, str, str]]:
        """(guid, title, updated) of the site feed's items, after checking the three formats agree."""
        from lxml import etree

        public = self.root / "public"
        channel = etree.parse(str(public / "rss.xml")).find("channel")
        assert channel is not None
        rss_items = [(i.findtext("guid") or "", i.findtext("title") or "") for i in channel.iter("item")]
        atom = etree.parse(str(public / "atom.xml"))
        entries = [
            (e.findtext(f"{ATOM}id") or "", e.findtext(f"{ATOM}updated") or "") for e in atom.iter(f"{ATOM}entry")
        ]
        jsonfeed = [item["id"] for item in json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"]]
        assert [g for g, _ in rss_items] == [g for g, _ in entries] == jsonfeed
        return [(guid, title, updated) for (guid, title), (_, updated) in zip(rss_items, entries, strict=True)]

    def story(self, title: str) -> str:
        for i, release in enumerate(RELEASES):
            if title == release.title:
                return f"r{i}"
        for key, (article_title, cited, _) in ARTICLES.items():
            if title == article_title:
                return f"r{cited}" if cited is not None else key
        raise AssertionError(f"an item no one wrote: {title!r}")

    def published(self, key: str) -> bool:
        """Is the newsroom's article in the feeds, by its status, the command an editor gave, and its time?"""
        if key not in self.articles or key in self.deleted:
            return False
        status, _, published, _ = self.articles[key]
        if self.command_status.get(key, status) != "published":
            return False
        when = datetime.fromisoformat(published).replace(tzinfo=KST)
        return when <= NOW + timedelta(minutes=self.minutes)

    def linkable(self, key: str) -> bool:
        """Can pressfeed tell the article rewrites its release? Not when it no longer cites it, nor while the
        release is known only as a title, nor when it copied a version of the text ingest never read."""
        _, cited, how = ARTICLES[key]
        _, form, _, copied = self.articles[key]
        if cited is None or form == len(URL_FORMS) or cited not in self.text_known:
            return False
        return how == "url" or copied in self.versions[cited]

    def check_feeds(self) -> None:
        items = self.items()
        titles = [title for _, title, _ in items]
        shown = Counter(self.story(title) for title in titles)
        # a release's story: while the release is stored and no editor hid or deleted it
        expected = {f"r{i}" for i in self.stored - self.hidden_releases if f"r{i}" not in self.deleted}
        apart: set[str] = set()  # stories told twice on purpose: pressfeed cannot know they are one
        for key, (title, cited, _) in ARTICLES.items():
            if not self.published(key):
                assert title not in titles, f"{key} is in the feeds: {items}"
                continue
            story = f"r{cited}" if cited is not None else key
            expected.add(story)
            assert title in titles, f"{key} is published and in no feed: {items}"
            if not self.linkable(key):
                apart.add(story)
        assert set(shown) == expected, (shown, expected)
        for story, count in shown.items():
            assert count <= (2 if story in apart else 1), f"{story} is in the feed {count} times: {items}"
        for guid, title, updated in items:
            story = self.story(title)
            assert self.story_of_guid.setdefault(guid, story) == story, (
                f"{guid} turned from {self.story_of_guid[guid]} into {story}"
            )
            assert updated >= self.updated_of_guid.get(guid, ""), f"{guid} dated back to {updated}"
            self.updated_of_guid[guid] = updated


StoryOrders.TestCase.settings = settings(
    max_examples=300 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 30,
    stateful_step_count=14,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_one_story_one_item_in_any_order = StoryOrders.TestCase
