"""Full text from items' linked pages, and republishing rights, against a board site on 127.0.0.1.

The site serves a title-only board feed (as 재정경제부's does: title, http link,
`2026-08-07 00:00:00.0` dates) and the release pages of tests/pages/.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner
from lxml import etree
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import CONFIG_TEXT, NOW
from pressfeed.cli import cli
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import ConfigError
from pressfeed.ingest import fulltext
from pressfeed.ingest.extract import ExtractedPage
from pressfeed.ingest.fetch import open_fetcher
from pressfeed.model import ArticleFilter, Status
from pressfeed.results import IngestResult, SourceReport

PAGES = Path(__file__).parent / "pages"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CHROME = ("이 누리집은 대한민국 공식 전자정부 누리집입니다", "개인정보처리방침", "fn_fileDown")


def board(*items: tuple[str, str, str]) -> bytes:
    """A title-only board feed: (title, path, naive date)."""
    body = "".join(
        f"<item><title>{title}</title><link>{{base}}{path}</link><pubDate>{when}</pubDate></item>"
        for title, path, when in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>재정경제부 보도자료</title>'
        f"<link>https://www.mofe.go.kr/</link><description>보도자료</description>{body}</channel></rss>"
    ).encode()


YOUTH = ("청년 일자리 도약 장려금 지원 확대 방안", "/nw/view.do?nttId=74496", "2025-11-07 00:00:00.0")
SHIPS = ("해양수산부, 연안여객선 안전관리 강화", "/nw/view.do?nttId=74497", "2025-11-07 00:00:00.0")
BUS = ("광역버스 입석 해소 대책", "/nw/view.do?nttId=74498", "2025-11-06 00:00:00.0")
SCRIPT_ONLY = "[참고] 사업 안내 리플릿.hwp"
#: what the run says of the bundled page's one file offered only through fn_fileDown('FILE_…','4')
BY_SCRIPT = f"offered only through a script ({SCRIPT_ONLY}): not kept"


class Board:
    """The ministry's site: a feed and pages, each changeable between runs; counts page requests."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.feed = board(YOUTH)
        self.pages: dict[str, tuple[int, bytes, str]] = {
            "/nw/view.do": (200, (PAGES / "mofe_board_view.html").read_bytes(), "text/html; charset=utf-8")
        }
        self.hits: list[str] = []
        #: "path?nttId=N" → where its page has moved (a 302 there)
        self.moved: dict[str, str] = {}
        #: seconds each page takes to answer (a slow board), and "path?nttId=N" → its own
        self.delay = 0.0
        self.delays: dict[str, float] = {}
        server.expect_request("/rss.xml").respond_with_handler(self._feed)
        server.expect_request("/nw/view.do").respond_with_handler(self._page)

    def url(self, path: str = "") -> str:
        return self.server.url_for(path)

    def _feed(self, request: Request) -> Response:
        base = self.url("").rstrip("/")
        return Response(self.feed.replace(b"{base}", base.encode()), content_type="application/rss+xml")

    def _page(self, request: Request) -> Response:
        self.hits.append(request.full_path)
        key = f"{request.path}?nttId={request.args.get('nttId')}"
        time.sleep(self.delays.get(key, self.delay))
        if key in self.moved:
            return Response(status=302, headers={"Location": self.moved[key]})
        status, body, kind = self.pages.get(key, self.pages["/nw/view.do"])
        return Response(body, status=status, content_type=kind)


@pytest.fixture
def ministry(httpserver: HTTPServer) -> Board:
    return Board(httpserver)


def configure(site: Path, ministry: Board, **settings: Any) -> Path:
    agencies = settings.pop("agencies", {})
    source = {
        "id": "mofe",
        "name": "재정경제부",
        "home": "https://www.mofe.go.kr/",
        "url": ministry.url("/rss.xml"),
        "section": "economy",
        "byline": "포탈뉴스통신",
        "max_age_days": 0,
        "fulltext": "auto",
        **settings,
    }
    extra: dict[str, Any] = {"fetch": {"timeout": 5.0, "connect_timeout": 2.0}, "sources": [source]}
    if agencies:
        extra["agencies"] = agencies
    text = CONFIG_TEXT + "\n" + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")
    return site


def ingest(site: Path, when: datetime = NOW) -> tuple[SourceReport, Pressfeed]:
    pf = Pressfeed(load_config(site), clock=fixed(when))
    result: IngestResult = pf.ingest()
    [report] = result.reports
    return report, pf


def only(pf: Pressfeed) -> Any:
    [stored] = pf.store.articles(ArticleFilter())
    return stored


# -- the text ------------------------------------------------------------------------------------------


def test_a_title_only_item_gets_its_pages_text_and_files(site: Path, ministry: Board) -> None:
    configure(site, ministry)
    report, pf = ingest(site)
    assert len(report.new) == 1 and report.warnings == (f"{YOUTH[0]!r}: 1 attachment {BY_SCRIPT}",)
    article = only(pf).article
    assert article.status is Status.PUBLISHED
    body = article.body_html
    assert "재정경제부는 11월 7일 정부세종청사에서" in body
    assert body.index("정부세종청사") < body.index("2년 근속") < body.index("현장의 목소리")  # paragraphs in order
    assert ministry.url("/upload/photo/2025/11/20251107_youth_01.jpg").replace("localhost", "127.0.0.1") in body
    assert not any(chrome in body for chrome in CHROME)
    assert "<script" not in body and "<style" not in body
    files = [(a.title, a.type) for a in article.attachments]
    assert ("1107(조간) 청년 일자리 도약 장려금 지원 확대 방안.hwpx", "application/hwp+zip") in files
    assert ("1107(조간) 청년 일자리 도약 장려금 지원 확대 방안.pdf", "application/pdf") in files
    assert all("privacy" not in a.url for a in article.attachments)  # the footer's PDF is site chrome
    assert "재정경제부는 11월 7일" in article.summary and article.summary.endswith("…")


def test_a_page_several_items_link_to_is_no_ones_text(site: Path, ministry: Board) -> None:
    """An attack's: a board that tells its releases apart by "#74496" alone (or links them all to its list). The
    page was read for each, and three releases went out with the one text it shows. It is read for none: each
    goes on with its feed's own text, or waits as a draft for an editor."""
    titles = (YOUTH[0], SHIPS[0], BUS[0])
    texts = ["", *[f"<description><![CDATA[{BUS_TEXT}]]></description>"] * 2]  # the first item: a title alone
    ministry.feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>재정경제부 보도자료</title>'
        "<link>https://www.mofe.go.kr/</link><description>보도자료</description>"
        + "".join(
            f"<item><title>{title}</title><link>{{base}}/nw/view.do#{7449 + n}</link><guid>{7449 + n}</guid>"
            f"<pubDate>2025-11-07 00:00:00.0</pubDate>{texts[n]}"
            "</item>"
            for n, title in enumerate(titles)
        )
        + "</channel></rss>"
    ).encode()
    configure(site, ministry)
    report, pf = ingest(site)
    assert ministry.hits == []
    stored = {s.article.title: s.article for s in pf.store.articles(ArticleFilter())}
    assert sorted(stored) == sorted(titles)
    assert stored[YOUTH[0]].status is Status.DRAFT and stored[YOUTH[0]].body_html == ""
    assert all("대도시권광역교통위원회" in stored[t].body_html for t in titles[1:])  # (their feed's text)
    assert not any("정부세종청사에서" in a.body_html for a in stored.values())
    assert report.warnings == (f"{YOUTH[0]!r}: its link is other items' too, no one release's page: held as a draft",)


@pytest.mark.parametrize("anchors", [False, True], ids=["list-page", "fragment"])
def test_a_page_guidless_items_link_to_is_no_ones_text(site: Path, ministry: Board, anchors: bool) -> None:
    """Guid-less items linked to one page (the board's list, or told apart by "#74496" alone): each is a
    release of its own since jobs._told_apart, but the pages are read before it, by the item's link id, which
    they all share: _shared_pages counts one id and reads the page for each. Every release went out with the
    one text it shows (before, only the first was stored at all)."""
    titles = (YOUTH[0], SHIPS[0], BUS[0])
    ministry.feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>재정경제부 보도자료</title>'
        "<link>https://www.mofe.go.kr/</link><description>보도자료</description>"
        + "".join(
            f"<item><title>{title}</title><link>{{base}}/nw/view.do{f'#{7449 + n}' if anchors else ''}</link>"
            "<pubDate>2025-11-07 00:00:00.0</pubDate></item>"
            for n, title in enumerate(titles)
        )
        + "</channel></rss>"
    ).encode()
    configure(site, ministry)
    _, pf = ingest(site)
    stored = {s.article.title: s.article for s in pf.store.articles(ArticleFilter())}
    assert sorted(stored) == sorted(titles)
    assert not any("정부세종청사에서" in a.body_html for a in stored.values()), ministry.hits
    assert ministry.hits == []


def test_one_release_listed_twice_under_two_guids_has_its_page_read(site: Path, ministry: Board) -> None:
    """A review's: the same release listed twice (two guids, one title, one page) was read for neither, and held."""
    ministry.feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>재정경제부 보도자료</title>'
        "<link>https://www.mofe.go.kr/</link><description>보도자료</description>"
        + "".join(
            f"<item><title>{YOUTH[0]}</title><link>{{base}}/nw/view.do#{guid}</link><guid>{guid}</guid>"
            "<pubDate>2025-11-07 00:00:00.0</pubDate></item>"
            for guid in ("74496", "74496-1")
        )
        + "</channel></rss>"
    ).encode()
    configure(site, ministry)
    report, pf = ingest(site)
    stored = pf.store.articles(ArticleFilter())
    assert stored and all("정부세종청사에서" in s.article.body_html for s in stored), report.warnings
    assert not any("other items' too" in w for w in report.warnings)


@pytest.mark.parametrize("link", ["/nw/view.do?nttId=74496", "nw/view.do?nttId=74496"])
def test_a_relative_link_is_read_from_where_it_points(site: Path, ministry: Board, link: str) -> None:
    """Title-only boards give relative links. The article's link was resolved, but its page was asked for by
    the link as written: no request, every release held as a draft and, after six tries, given up."""
    feed = board((YOUTH[0], link, YOUTH[2])).replace(b"{base}", b"").replace(b"https://www.mofe.go.kr/", b"{base}/")
    ministry.feed = feed
    configure(site, ministry)
    report, pf = ingest(site)
    assert ministry.hits == ["/nw/view.do?nttId=74496"]
    article = only(pf).article
    assert article.status is Status.PUBLISHED and "재정경제부는 11월 7일 정부세종청사에서" in article.body_html
    assert article.link == ministry.url("/nw/view.do?nttId=74496")
    assert len(report.new) == 1 and not any("no web page" in warning for warning in report.warnings)


#: an eGovFrame board's other script-only link, as a second file after the page's fn_fileDown one
EGOV_LINK = (
    f"{SCRIPT_ONLY}</a></li>"
    "<li><a href=\"javascript:fn_egov_downFile('FILE_000000000458121','5')\">붙임2. 질의응답 자료.hwp</a>"
)


def test_files_offered_only_through_a_script_are_named(site: Path, ministry: Board) -> None:
    """A board that offers files through script calls (fn_fileDown('FILE_…','4')) gives no URL to keep: they
    were dropped without a word, and the article went out without the files the release lists."""
    page = (PAGES / "mofe_board_view.html").read_bytes().replace(f"{SCRIPT_ONLY}</a>".encode(), EGOV_LINK.encode())
    ministry.pages[YOUTH[1]] = (200, page, "text/html; charset=utf-8")
    configure(site, ministry)
    report, pf = ingest(site)
    note = f"2 attachments offered only through a script ({SCRIPT_ONLY}, 붙임2. 질의응답 자료.hwp): not kept"
    assert report.warnings == (f"{YOUTH[0][:40]!r}: {note}",)
    stored = only(pf)
    assert stored.article.status is Status.PUBLISHED and len(stored.article.attachments) == 3
    shown = check(site, NOW, "articles", "show", stored.article.id)
    assert f"page_note: {note}" in shown.stdout
    assert json.loads(check(site, NOW, "articles", "show", stored.article.id, "--json").stdout)["page_note"] == note
    # the same keys mean the same in both: a script reading `list --json` was told null
    listed = json.loads(check(site, NOW, "articles", "list", "--json").stdout)
    assert [(item["id"], item["page_note"]) for item in listed] == [(stored.article.id, note)]

    report, _ = ingest(site, NOW + timedelta(minutes=5))
    assert report.warnings == ()  # said when the page is read, not at every run


def test_a_page_whose_charset_is_only_in_its_meta(site: Path, ministry: Board) -> None:
    ministry.pages["/nw/view.do?nttId=74496"] = (200, (PAGES / "mof_euckr_meta.html").read_bytes(), "text/html")
    configure(site, ministry)
    _, pf = ingest(site)
    body = only(pf).article.body_html
    assert "\ufffd" not in body
    assert any("\uac00" <= ch <= "\ud7a3" for ch in body)  # Hangul, decoded from EUC-KR


def test_a_css_selector_picks_the_text(site: Path, ministry: Board) -> None:
    ministry.pages["/nw/view.do?nttId=74496"] = (200, (PAGES / "molit_selector.html").read_bytes(), "text/html")
    configure(site, ministry, fulltext="div.bd_view_cont")
    _, pf = ingest(site)
    article = only(pf).article
    assert article.status is Status.PUBLISHED
    assert "FAQ" not in article.body_html and "자주 묻는 질문" not in article.body_html


def test_an_invalid_selector_is_a_config_error(site: Path, ministry: Board) -> None:
    with pytest.raises(ConfigError) as info:
        configure(site, ministry, fulltext="div[[")
        load_config(site)
    assert info.value.key == "sources[0].fulltext"
    assert "not a CSS selector" in info.value.message


def test_a_redirected_pages_relative_links_point_from_where_it_was_served(site: Path, ministry: Board) -> None:
    """The board answers the feed's link with a 302 to the release's page elsewhere; its photo's relative
    URL is relative to that page, as a browser shows it, not to the link the feed gave."""
    paragraph = "<p>재정경제부는 11월 7일 청년 일자리 도약 장려금 지원을 확대한다고 밝혔다. 대상과 기간을 늘린다.</p>"
    page = f"<html><body><div class='bd_view_cont'>{paragraph * 6}<img src='photo/youth_01.jpg'></div></body></html>"
    ministry.server.expect_request("/press/2025/view.do").respond_with_data(page, content_type="text/html")
    ministry.moved["/nw/view.do?nttId=74496"] = ministry.url("/press/2025/view.do?nttId=74496")
    configure(site, ministry, fulltext="div.bd_view_cont")
    _, pf = ingest(site)
    article = only(pf).article
    assert article.status is Status.PUBLISHED
    assert ministry.url("/press/2025/photo/youth_01.jpg") in article.body_html
    assert article.link == ministry.url("/nw/view.do?nttId=74496")  # the item's link stays the feed's


def test_pages_are_read_once(site: Path, ministry: Board) -> None:
    configure(site, ministry)
    ingest(site)
    assert len(ministry.hits) == 1
    ministry.feed = board(YOUTH, SHIPS)  # the feed changes: only the new item's page is read
    report, pf = ingest(site, NOW + timedelta(minutes=5))
    assert (len(report.new), len(ministry.hits)) == (1, 2)
    assert ministry.hits[-1].endswith("nttId=74497")
    stored = pf.store.get(only_id(pf, YOUTH[0]))
    assert stored is not None and "11월 7일" in stored.article.body_html  # the stored text, reused


def test_a_page_read_before_the_figures_digest_is_not_read_again(site: Path, ministry: Board) -> None:
    """Pages stored before their item's figures had a digest of their own keep the first digest alone: they
    stand for the item as the feed still gives it, and an upgrade asks for none of them again."""
    configure(site, ministry)
    _, pf = ingest(site)
    [page] = pf.store.pages([only_id(pf, YOUTH[0])]).values()
    pf.store.save_pages([replace(page, entry_hash=page.entry_hash.partition(".")[0])])
    ministry.feed = board(YOUTH, SHIPS)
    ingest(site, NOW + timedelta(minutes=5))
    assert ministry.hits == ["/nw/view.do?nttId=74496", "/nw/view.do?nttId=74497"]


def only_id(pf: Pressfeed, title: str) -> str:
    return next(s.article.id for s in pf.store.articles(ArticleFilter()) if s.article.title == title)


def test_a_guid_with_a_new_session_each_fetch_is_read_once(site: Path, ministry: Board) -> None:
    """An eGovFrame board's guid is the item's link with the session the fetch was given. Taken as it
    was, every fetch was a new guid: a new id, its page fetched again, more keys and page rows each run."""

    def with_session(session: str) -> bytes:
        link = f"{{base}}/nw/view.do;jsessionid={session}.node1?nttId=74496"
        item = f"<item><title>{YOUTH[0]}</title><link>{link}</link><guid>{link}</guid><pubDate>{YOUTH[2]}</pubDate>"
        return board().replace(b"</channel>", f"{item}</item></channel>".encode())

    ministry.server.expect_request(re.compile(r"/nw/view\.do;jsessionid=.+")).respond_with_handler(ministry._page)
    ministry.feed = with_session("A1B2C3D4E5F6")
    configure(site, ministry)
    first, pf = ingest(site)
    ministry.feed = with_session("0F1E2D3C4B5A")
    second, pf = ingest(site, NOW + timedelta(minutes=5))
    assert (len(first.new), second.new, second.unchanged, len(ministry.hits)) == (1, (), 1, 1)
    keys = pf.store.db.execute("SELECT count(*) FROM dedupe_key").fetchone()[0]  # type: ignore[attr-defined]
    passages = pf.store.db.execute("SELECT count(*) FROM passage").fetchone()[0]  # type: ignore[attr-defined]
    pages = pf.store.db.execute("SELECT count(*) FROM page").fetchone()[0]  # type: ignore[attr-defined]
    assert (keys, passages, pages) == (5, 3, 1)  # guid, link, content, body and title; 3 passages: one article's


def test_an_item_the_feed_changes_is_read_again(site: Path, ministry: Board) -> None:
    configure(site, ministry)
    ingest(site)
    ministry.feed = board((YOUTH[0] + " (수정)", YOUTH[1], YOUTH[2]))
    report, _ = ingest(site, NOW + timedelta(minutes=5))
    assert len(ministry.hits) == 2 and len(report.updated) == 1


# -- items whose feed carries text ---------------------------------------------------------------------------

YOUTH_TEXT = (
    "<p>재정경제부는 11월 7일 경제관계장관회의에서 「청년 일자리 도약 장려금 지원 확대 방안」을 확정했다.</p>"
    "<p>내년부터 지원 인원을 12만명에서 15만명으로 늘리고, 비수도권 중소기업에 취업한 청년이 2년간 근속하면 최대"
    " 720만원의 근속 인센티브를 지급한다. 기업에는 청년 1인당 월 60만원씩 최대 1년간 인건비를 지원한다.</p>"
    "<p>그동안 6개월 이상 실업 상태인 청년만 신청할 수 있었으나, 앞으로는 고졸 이하 청년과 국민취업지원제도"
    " 이수자도 실업 기간과 관계없이 지원받을 수 있다. 정부는 이를 위해 2026년 예산안에 1조 2,400억원을 반영했다.</p>"
)
#: the first lines of the release and an ellipsis: what many boards put in <description>
YOUTH_TEASER = (
    "<p>재정경제부는 11월 7일 경제관계장관회의에서 「청년 일자리 도약 장려금 지원 확대 방안」을 확정했다."
    " 내년부터 지원 인원을 12만명에서 15만명으로 늘리고…</p>"
)
BUS_TEXT = (
    "<p>□ 대도시권광역교통위원회는 수도권 출퇴근 시간대 광역버스 입석을 해소하기 위해 12월 1일부터 광역버스"
    " 노선 12개를 새로 운행한다.</p><p>□ 신설 노선은 입석 승객이 많은 경기 남부와 인천 서북부 신도시를 중심으로"
    " 선정되었고, 출퇴근 시간대에 모두 68회를 추가로 운행한다. 정류장 평균 대기시간은 21분에서 12분으로 줄어들"
    " 전망이다.</p><p>□ 아울러 전세버스를 활용한 출근 맞춤버스 9개 노선도 시범 운행한다.</p>"
    "<p>□ 광역교통위원회 관계자는 “입석 운행이 사라질 때까지 노선과 차량을 계속 늘리겠다”고 밝혔다.</p>"
)


def with_text(item: tuple[str, str, str], text: str) -> bytes:
    """A board feed whose one item carries `text` in its <description>, in CDATA as boards send it."""
    title, path, when = item
    entry = (
        f"<item><title>{title}</title><link>{{base}}{path}</link>"
        f"<description><![CDATA[{text}]]></description><pubDate>{when}</pubDate></item>"
    )
    return board().replace(b"</channel>", f"{entry}</channel>".encode())


def test_an_item_whose_feed_carries_its_text_is_published_without_its_page(site: Path, ministry: Board) -> None:
    """`auto` is for title-only items: one whose feed gives the release was fetched anyway, and held as a
    draft when its page failed."""
    ministry.feed = with_text(YOUTH, YOUTH_TEXT)
    page_missing(site, ministry)
    configure(site, ministry)
    report, pf = ingest(site)
    article = only(pf).article
    assert article.status is Status.PUBLISHED and "경제관계장관회의에서" in article.body_html
    assert ministry.hits == [] and report.warnings == ()


def test_a_teaser_in_the_feed_has_its_page_read(site: Path, ministry: Board) -> None:
    ministry.feed = with_text(YOUTH, YOUTH_TEASER)
    configure(site, ministry)
    _, pf = ingest(site)
    article = only(pf).article
    assert len(ministry.hits) == 1 and "정부세종청사에서" in article.body_html  # the page's text, not the teaser's


@pytest.mark.parametrize(
    ("item", "text", "fulltext", "page", "from_page"),
    [
        (YOUTH, YOUTH_TEASER, "auto", "mofe_board_view.html", "정부세종청사에서"),
        (BUS, BUS_TEXT, "div.bd_view_cont", "molit_selector.html", "정식 노선 전환 여부"),
    ],
    ids=["auto-teaser", "selector-text"],
)
def test_a_page_that_fails_leaves_the_feeds_text_published_meanwhile(
    site: Path, ministry: Board, item: tuple[str, str, str], text: str, fulltext: str, page: str, from_page: str
) -> None:
    """A teaser under `auto`, or any text under a selector (which reads every item's page: the operator named
    where the release is): the page is read, and while it fails the feed's text is published, not held."""
    ministry.feed = with_text(item, text)
    ministry.pages[item[1]] = (404, b"<html><body>not found</body></html>", "text/html")
    configure(site, ministry, fulltext=fulltext)
    report, pf = ingest(site)
    stored = only(pf)
    assert stored.article.status is Status.PUBLISHED and pf.info(stored).held == ""
    assert from_page not in stored.article.body_html
    [warning] = report.warnings
    assert warning.startswith(f"{item[0][:40]!r}: published with the feed's text: page ") and "try 1 of 6" in warning

    ministry.pages[item[1]] = (200, (PAGES / page).read_bytes(), "text/html; charset=utf-8")
    report, pf = ingest(site, NOW + timedelta(minutes=31))  # the feed has not changed: the retry is due
    assert len(ministry.hits) == 2 and len(report.updated) == 1
    assert from_page in only(pf).article.body_html


# -- a published item whose page fails when read again ----------------------------------------------------

CORRECTED = (YOUTH[0] + " (수정)", YOUTH[1], YOUTH[2])


def page_missing(site: Path, ministry: Board) -> None:
    ministry.pages[YOUTH[1]] = (404, b"<html><body>not found</body></html>", "text/html")


def page_unavailable(site: Path, ministry: Board) -> None:
    ministry.pages[YOUTH[1]] = (503, "<html><body>서비스 점검 중입니다</body></html>".encode(), "text/html")


def page_too_slow(site: Path, ministry: Board) -> None:
    ministry.delay = 1.0
    path = site / "feeds" / "pressfeed.yaml"
    text = path.read_text(encoding="utf-8").replace("timeout: 5.0", "timeout: 0.5")
    path.write_text(text.replace("connect_timeout: 2.0", "connect_timeout: 0.5"), encoding="utf-8")


@pytest.mark.parametrize("fail", [page_missing, page_unavailable, page_too_slow], ids=["404", "503", "timeout"])
def test_a_published_item_keeps_its_text_when_its_page_fails_on_a_re_read(
    site: Path, ministry: Board, fail: Any
) -> None:
    """The board corrects a published release's title while its server has a bad minute: the release took the
    feed's entry without its text (a draft, in no feed) and lost the stored text for good once retries ran out.
    It stays published with the text read before, under the new title, and the page is read again later."""
    configure(site, ministry)
    ingest(site)
    ministry.feed = board(CORRECTED)
    fail(site, ministry)
    report, pf = ingest(site, NOW + timedelta(minutes=5))
    stored = only(pf)
    assert stored.article.status is Status.PUBLISHED and stored.article.title == CORRECTED[0]
    assert "정부세종청사에서" in stored.article.body_html and len(stored.article.attachments) == 3
    info = pf.info(stored)
    # a page the source's time ran out on counts no try of its own (see test_a_sources_pages_share_its_time)
    tried = "read on the next run" if fail is page_too_slow else "try 1 of 6"
    assert len(report.updated) == 1 and info.held == "" and tried in info.page_note  # `articles show`
    [warning] = report.warnings
    assert warning.startswith(f"{CORRECTED[0][:40]!r}: kept the text read before: ") and tried in warning
    pf.build()
    assert CORRECTED[0] in (site / "public" / "economy" / "rss.xml").read_text(encoding="utf-8")

    configure(site, ministry)  # the board is itself again
    ministry.pages.pop(YOUTH[1], None)
    ministry.delay = 0.0
    hits = len(ministry.hits)
    report, pf = ingest(site, NOW + timedelta(minutes=40))  # the feed has not changed: its retry is due
    assert len(ministry.hits) == hits + 1 and report.warnings == (f"{CORRECTED[0][:40]!r}: 1 attachment {BY_SCRIPT}",)
    assert pf.store.pages([stored.article.id])[stored.article.id].status == "done"


def test_a_re_read_that_never_succeeds_never_erases_the_text(site: Path, ministry: Board) -> None:
    configure(site, ministry)
    ingest(site)
    ministry.feed = board(CORRECTED)
    when = failing_runs(site, ministry, 8, NOW + timedelta(minutes=5))
    assert len(ministry.hits) == 1 + 6  # the first read, then the tries of the re-read
    pf = Pressfeed(load_config(site), clock=fixed(when))
    stored = only(pf)
    assert stored.article.status is Status.PUBLISHED and "정부세종청사에서" in stored.article.body_html
    [health] = pf.source_health()
    assert health.ok and health.held == ()  # nothing held: the release is in the feeds
    report, _ = ingest(site, when)
    assert report.warnings == () and len(ministry.hits) == 7  # given up quietly, the text still there


# -- pages that give no text ------------------------------------------------------------------------------


def test_a_missing_page_holds_the_item_as_a_draft_until_it_appears(site: Path, ministry: Board) -> None:
    ministry.pages["/nw/view.do?nttId=74496"] = (404, b"<html><body>not found</body></html>", "text/html")
    configure(site, ministry)
    report, pf = ingest(site)
    stored = only(pf)
    assert stored.article.status is Status.DRAFT and stored.article.body_html == ""
    assert report.warnings[0].startswith(f"{YOUTH[0][:40]!r}: held as a draft: page ")
    info = pf.info(stored)
    assert "could not be fetched (HTTP 404)" in info.held
    due = (NOW + timedelta(minutes=30)).astimezone(ZoneInfo("Asia/Seoul"))  # in the site's zone, as times are shown
    assert f"(try 1 of 6; next at {due.isoformat()})" in info.held
    base = ["--site", str(site), "--now", NOW.isoformat(), "articles", "list"]
    listed = CliRunner().invoke(cli, base).stdout
    assert f"held        economy       {stored.article.id}" in listed
    assert CliRunner().invoke(cli, [*base, "--status", "held"]).stdout == listed  # the one item, held
    assert CliRunner().invoke(cli, [*base, "--status", "draft"]).stdout == ""
    [health] = pf.source_health()
    assert len(health.held) == 1 and "; 1 item held as a draft, e.g. " in health.line()
    assert health.ok and health.given_up == 0  # it is tried again: nothing for anyone to do yet
    pf.build()
    assert stored.article.id not in (site / "public" / "rss.xml").read_text(encoding="utf-8")

    ingest(site, NOW + timedelta(minutes=10))  # before the retry is due: not read again
    assert len(ministry.hits) == 1
    ministry.pages.pop("/nw/view.do?nttId=74496")  # the page appears
    report, pf = ingest(site, NOW + timedelta(minutes=31))
    assert len(ministry.hits) == 2 and len(report.updated) == 1
    stored = only(pf)
    assert stored.article.status is Status.PUBLISHED and "11월 7일" in stored.article.body_html
    assert pf.info(stored).held == ""


def test_a_held_item_an_editor_publishes_is_listed_as_published(site: Path, ministry: Board) -> None:
    """It vanished from `articles list --status` published, held and draft alike, listed as "held"."""
    ministry.pages["/nw/view.do?nttId=74496"] = (404, b"<html><body>not found</body></html>", "text/html")
    configure(site, ministry)
    _, pf = ingest(site)
    stored = only(pf)
    pf.set_status(stored.article.id, Status.PUBLISHED)  # as it is, a link to the ministry's page
    base = ["--site", str(site), "--now", NOW.isoformat(), "articles", "list"]
    published = CliRunner().invoke(cli, [*base, "--status", "published"]).stdout
    assert f"published   economy       {stored.article.id}" in published
    assert CliRunner().invoke(cli, [*base, "--status", "held"]).stdout == ""


def failing_runs(site: Path, ministry: Board, runs: int, when: datetime = NOW) -> datetime:
    """`runs` ingests 13 hours apart (past any retry wait) from `when` while the item's page answers 500;
    the next run's time."""
    ministry.pages["/nw/view.do?nttId=74496"] = (500, b"error", "text/html")
    configure(site, ministry)
    for _ in range(runs):
        ingest(site, when)
        when += timedelta(hours=13)
    return when


def test_retries_are_bounded(site: Path, ministry: Board) -> None:
    when = failing_runs(site, ministry, 8)
    assert len(ministry.hits) == 6
    _, pf = ingest(site, when)
    assert pf.info(only(pf)).held.endswith(
        "(given up after 6 tries: publish it by hand, or fix the source and run `pressfeed sources reset mofe` "
        "to try its page again)"
    )


def test_a_failing_page_is_tried_as_often_when_its_feed_changes_the_item_each_time(site: Path, ministry: Board) -> None:
    """An attack's: a board putting its view counter in the title made the item new to its page on every fetch,
    its 404 asked for on every run, never given up. The feed saying something new of an item does not mend
    its page; a new link does."""
    ministry.pages["/nw/view.do?nttId=74496"] = (404, b"<html><body>not found</body></html>", "text/html")
    configure(site, ministry)
    title, path, pub = YOUTH
    when = NOW
    for views in range(30):  # every 10 minutes for five hours: 30 min, 1 h, 2 h apart...
        ministry.feed = board((f"{title} (조회 {views})", path, pub))
        ingest(site, when)
        when += timedelta(minutes=10)
    assert len(ministry.hits) == 4  # at 0:00, 0:30, 1:30, 3:30 (and 7:30 next)
    ministry.feed = board((f"{title} (조회 30)", "/nw/view.do?nttId=74499", pub))  # the board fixed its link
    ingest(site, when)
    assert ministry.hits[-1] == "/nw/view.do?nttId=74499" and len(ministry.hits) == 5


def test_a_page_read_is_read_again_at_most_hourly_while_its_item_changes_in_its_figures_alone(
    site: Path, ministry: Board
) -> None:
    """A board putting its view counter in its titles had every item's page asked for again on every run (288
    times a day at a 5-minute cron), as if each were a correction. Its figures changing alone read the page
    within the hour (a corrected figure is still read); its words changing, at once."""
    configure(site, ministry)
    title, path, pub = YOUTH
    when = NOW
    for views in range(30):  # every 10 minutes for five hours
        ministry.feed = board((f"{title} (조회 {views})", path, pub))
        ingest(site, when)
        when += timedelta(minutes=10)
    assert len(ministry.hits) == 5  # at 0:00, 1:00, 2:00, 3:00, 4:00
    stored = only(Pressfeed(load_config(site), clock=fixed(when)))
    assert stored.article.status is Status.PUBLISHED and "정부세종청사에서" in stored.article.body_html
    ministry.feed = board((f"{title} (수정) (조회 30)", path, pub))  # a word: read at once
    ingest(site, when)
    assert len(ministry.hits) == 6


def test_a_figure_corrected_in_the_title_has_its_page_read_within_the_hour_though_the_feed_stays(
    site: Path, ministry: Board
) -> None:
    """An attack's: a title's figure corrected (its page with it) within the hour of the page's read was left
    for later, and the feed saying nothing more after it, its answer was never parsed again: readers kept
    the old text under the new title. Within the hour it is, the same answer as it is."""
    title, path, pub = YOUTH
    ministry.feed = board((f"{title} (1차)", path, pub))
    configure(site, ministry)
    ingest(site)
    page = (PAGES / "mofe_board_view.html").read_bytes()
    ministry.pages[path] = (200, page.replace("11월 7일".encode(), "11월 8일".encode()), "text/html; charset=utf-8")
    ministry.feed = board((f"{title} (2차)", path, pub))  # a figure: the page is not read at once
    ingest(site, NOW + timedelta(minutes=20))
    assert len(ministry.hits) == 1
    ingest(site, NOW + timedelta(minutes=40))  # the same answer: not read yet
    assert len(ministry.hits) == 1
    report, pf = ingest(site, NOW + timedelta(minutes=61))
    assert len(ministry.hits) == 2 and len(report.updated) == 1
    assert "11월 8일" in only(pf).article.body_html
    ingest(site, NOW + timedelta(minutes=80))  # read: nothing more is due
    assert len(ministry.hits) == 2


def test_a_board_re_dating_its_item_has_its_page_read_within_the_hour(site: Path, ministry: Board) -> None:
    """A new date is how a board says it corrected a release, or the time it serves its item at (on every
    fetch): the page is read within the hour, though the feed says nothing more."""
    configure(site, ministry)
    title, path, _ = YOUTH
    ingest(site)
    ministry.feed = board((title, path, "2025-11-08 00:00:00.0"))
    ingest(site, NOW + timedelta(minutes=20))
    assert len(ministry.hits) == 1
    ingest(site, NOW + timedelta(minutes=61))
    assert len(ministry.hits) == 2


def test_a_failed_page_of_an_item_that_is_another_articles_is_tried_again_though_the_feed_stays(
    site: Path, ministry: Board
) -> None:
    """An attack's: a page is kept under its item's own id, and only pages of articles of that id made a run
    parse an unchanged answer again for their next try. A board's moved item is the release it was (so is a
    copy of another source's): its failed read of the corrected page was never tried again. The source's state
    keeps when its next page is due, whatever article the page's item is."""
    title, _, pub = YOUTH
    configure(site, ministry)
    ingest(site)
    moved = "/nw/view.do?nttId=99496"
    ministry.feed = board((title, moved, pub))
    report, _ = ingest(site, NOW + timedelta(minutes=10))
    assert report.new == () and len(report.updated) == 1  # the release, at its new link
    ministry.pages[moved] = (500, b"error", "text/html")
    ministry.feed = board((f"{title} (수정)", moved, pub))  # a word: its page is read at once, and fails
    ingest(site, NOW + timedelta(minutes=20))
    assert len(ministry.hits) == 3
    page = (PAGES / "mofe_board_view.html").read_bytes()
    ministry.pages[moved] = (200, page.replace("11월 7일".encode(), "11월 8일".encode()), "text/html; charset=utf-8")
    _, pf = ingest(site, NOW + timedelta(minutes=51))  # its try is due (30 minutes): the same answer, parsed
    assert len(ministry.hits) == 4 and "11월 8일" in only(pf).article.body_html


def test_a_page_given_up_on_has_a_new_round_when_its_item_changes(site: Path, ministry: Board) -> None:
    """A review's: tries carry over while the feed changes the item, but a page given up on stayed so for good,
    a board that posted its page late never read without `sources reset`."""
    when = failing_runs(site, ministry, 7)
    assert len(ministry.hits) == 6  # given up
    title, path, pub = YOUTH
    ministry.feed = board((f"{title} (수정)", path, pub))
    ingest(site, when)
    assert len(ministry.hits) == 7


def check(site: Path, when: datetime, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--site", str(site), "--now", when.isoformat(), *args])


def test_a_source_with_items_given_up_on_is_unhealthy_until_someone_acts(site: Path, ministry: Board) -> None:
    """Nothing publishes an item whose retries are spent: `sources check` fails, and cron hears of it."""
    when = failing_runs(site, ministry, 5)
    assert check(site, when, "sources", "check").exit_code == 0  # one try left: still ok
    quiet = check(site, when, "-q", "run")  # the sixth and last try
    assert quiet.exit_code == 0  # the run did its job; the source needs a person
    assert "warning: source mofe: held — 1 of its items will not be tried again" in quiet.stderr
    # a reviewer's: the line said its advice twice, once for the source and again for the example item
    assert quiet.stderr.count("sources reset mofe") == 1 and "given up after" not in quiet.stderr
    assert check(site, when + timedelta(minutes=5), "-q", "run").stderr == ""  # said once, not every run

    checked = check(site, when, "sources", "check", "--json")
    assert checked.exit_code == 1
    [verdict] = json.loads(checked.stdout)
    assert (verdict["status"], verdict["ok"], verdict["given_up"]) == ("held", False, 1)
    assert "given up after 6 tries" in verdict["held"][0]

    stored = only(Pressfeed(load_config(site), clock=fixed(when)))
    assert check(site, when, "articles", "publish", stored.article.id).exit_code == 0
    assert check(site, when, "sources", "check").exit_code == 0


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ((PAGES / "mofe_error_page.html").read_bytes(), "an error page or only site chrome?"),
        ((PAGES / "release.pdf").read_bytes(), ""),
    ],
    ids=["error-page", "pdf"],
)
def test_a_page_without_release_text_holds_the_item(site: Path, ministry: Board, page: bytes, reason: str) -> None:
    ministry.pages["/nw/view.do?nttId=74496"] = (200, page, "text/html")
    configure(site, ministry)
    _, pf = ingest(site)
    stored = only(pf)
    assert stored.article.status is Status.DRAFT
    assert reason in pf.info(stored).held


def test_a_pages_hostile_content_type_is_quoted_short_in_the_held_reason(site: Path, ministry: Board) -> None:
    """The page's server chooses its Content-Type; the item's reason is shown by `articles show`, `sources
    check` and cron mail. NEL (0x85) passes HTTP as a byte and is a line break once decoded."""
    hostile = "application/x-" + "hwp" * 3_000 + "\x85X-Forged: yes"
    ministry.pages["/nw/view.do?nttId=74496"] = (200, (PAGES / "release.pdf").read_bytes(), hostile)
    configure(site, ministry)
    report, pf = ingest(site)

    reason = pf.info(only(pf)).held
    assert reason.startswith("page is not HTML (Content-Type application/x-hwphwp")
    assert len(reason) < 500 and reason.isprintable() and "X-Forged" not in reason
    assert all(len(warning) < 600 and warning.isprintable() for warning in report.warnings)


def test_a_page_without_text_holds_the_item_when_worker_processes_extract(site: Path, ministry: Board) -> None:
    """In a worker process (the pressfeed command's default from 8 feeds up) an extraction error came back
    pickled, and ExtractionError could not be unpickled: the pool broke ("BrokenProcessPool: a process
    terminated abruptly"), the source failed as an internal error, and so did every feed parsed after it.
    An error page, a login page, a linked PDF: any page without text did it."""
    ministry.pages["/nw/view.do?nttId=74496"] = (200, (PAGES / "mofe_error_page.html").read_bytes(), "text/html")
    configure(site, ministry)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    (site / "feeds" / "pressfeed.yaml").write_text(text.replace("fetch:\n", "fetch:\n  workers: 2\n"))

    report, pf = ingest(site)

    assert report.error is None, report.error
    stored = only(pf)
    assert stored.article.status is Status.DRAFT
    assert "an error page or only site chrome?" in pf.info(stored).held


def test_a_page_larger_than_the_cap_holds_the_item(site: Path, ministry: Board) -> None:
    huge = (
        b"<html><body><div class='bd_view_cont'>"
        + "<p>가나다라 마바사</p>".encode() * 100_000
        + b"</div></body></html>"
    )
    ministry.pages["/nw/view.do?nttId=74496"] = (200, huge, "text/html")
    configure(site, ministry)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    (site / "feeds" / "pressfeed.yaml").write_text(text.replace("fetch:\n", "fetch:\n  max_bytes: 200000\n"))
    _, pf = ingest(site)
    stored = only(pf)
    assert stored.article.status is Status.DRAFT
    assert "larger than" in pf.info(stored).held


def test_a_page_that_would_hold_extraction_holds_the_item_instead(
    site: Path, ministry: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release page nested hundreds deep costs readability seconds to minutes of CPU, page after page of
    the feed: extraction stops at its budget (cut here to keep the test short) and the item waits."""
    line = "<p>재정경제부는 7일 청년 일자리 도약 장려금 지원 대상을 확대한다고 밝혔다.</p>"
    nested = "<div>" + f"<div>{line}" * 250 + "</div>" * 251
    deep = f'<html><head><meta charset="utf-8"></head><body>{nested * 20}</body></html>'.encode()
    ministry.pages["/nw/view.do?nttId=74496"] = (200, deep, "text/html")
    monkeypatch.setattr("pressfeed.ingest.extract.CPU_SECONDS", 0.3)
    monkeypatch.setattr("pressfeed.ingest.extract.CPU_SECONDS_PER_MIB", 0.0)
    configure(site, ministry)
    report, pf = ingest(site)
    stored = only(pf)
    assert stored.article.status is Status.DRAFT
    assert "page refused: still extracting after 0.3 s of CPU time" in pf.info(stored).held
    assert not report.outcome.failed  # the feed itself was read


@pytest.mark.slow
def test_a_page_that_holds_extraction_fails_no_other_page(
    site: Path, ministry: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are extracted on the event loop's thread when no worker process runs, holding every request's
    timers: the deep page's 2.5 s ran out the other page's fetch.timeout (2 s) while its answer came (0.5 s),
    here 1.5 s, 1 s and 0.3 s
    and that release was held for a page that had answered. Now extraction waits until it may hold the loop."""
    line = "<p>재정경제부는 7일 청년 일자리 도약 장려금 지원 대상을 확대한다고 밝혔다.</p>"
    # ~3 s of CPU here, under the element limit (deeper is flattened: extract._PAGE_NESTING)
    nested = "<div>" + f"<div>{line}" * 60 + "</div>" * 61
    deep = f'<html><head><meta charset="utf-8"></head><body>{nested * 700}</body></html>'.encode()
    ministry.feed = board(YOUTH, SHIPS)
    ministry.pages["/nw/view.do?nttId=74496"] = (200, deep, "text/html")
    ministry.delays["/nw/view.do?nttId=74497"] = 0.3
    monkeypatch.setattr("pressfeed.ingest.extract.CPU_SECONDS", 1.5)
    monkeypatch.setattr("pressfeed.ingest.extract.CPU_SECONDS_PER_MIB", 0.0)
    configure(site, ministry)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    text = text.replace("timeout: 5.0", "timeout: 1.0").replace("connect_timeout: 2.0", "connect_timeout: 1.0")
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")

    _, pf = ingest(site)

    states = {s.article.title: (s.article.status, pf.info(s).held) for s in pf.store.articles(ArticleFilter())}
    assert states[SHIPS[0]] == (Status.PUBLISHED, "")
    status, held = states[YOUTH[0]]
    assert status is Status.DRAFT and "page refused: still extracting after 1.5 s of CPU time" in held


def test_a_sources_pages_share_its_time(site: Path, ministry: Board) -> None:
    """A slow board with a week of releases: every page had a fetch.timeout of its own, and one host takes
    one request at a time, so the source took five pages' time. Pages not read within the source's time
    are held and tried again later, like pages that timed out."""
    week = [(f"보도자료 {n}", f"/nw/view.do?nttId={74490 + n}", "2025-11-07 00:00:00.0") for n in range(5)]
    ministry.feed = board(*week)
    ministry.delay = 1.0  # each page within fetch.timeout; five of them one after another are not
    configure(site, ministry)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    text = text.replace("fetch:\n  timeout: 5.0", "fetch:\n  timeout: 2.5\n  per_host: 1")
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")
    report, pf = ingest(site)
    assert len(report.new) == 5
    stored = pf.store.articles(ArticleFilter())
    published = [s for s in stored if s.article.status is Status.PUBLISHED]
    held = [pf.info(s).held for s in stored if s.article.status is Status.DRAFT]
    assert len(published) <= 3 and len(ministry.hits) <= 4  # 2 in 2.5 s; fewer on a slow machine, never all 5
    assert held and all("not read in time" in reason and "read on the next run" in reason for reason in held)
    assert sum("not read in time" in w for w in report.warnings) == len(held)
    # no try of the pages' own, and no backoff: a feed that leaves its pages little time must not make
    # drafts of its releases for good (a review found them counted as failed tries, then given up)
    pages = pf.store.pages([s.article.id for s in stored if s.article.status is Status.DRAFT])
    assert {page.attempts for page in pages.values()} == {0}
    ministry.delay = 0.0
    _, pf = ingest(site, NOW + timedelta(minutes=1))
    assert {s.article.status for s in pf.store.articles(ArticleFilter())} == {Status.PUBLISHED}


def test_pages_slower_than_the_sources_time_do_not_keep_the_others_back(site: Path, ministry: Board) -> None:
    """An attack's: the first two pages of a feed answered slower than the source's time. Late, they counted no
    try and stayed first, holding both of the host's slots on every run: the pages after them were never asked
    for, and their releases stayed drafts. Pages never asked for go first next time, those cut short last."""
    week = [(f"보도자료 {n}", f"/nw/view.do?nttId={74490 + n}", "2025-11-07 00:00:00.0") for n in range(5)]
    ministry.feed = board(*week)
    for _, path, _ in week[:2]:
        ministry.delays[path] = 4.0
    configure(site, ministry)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    text = text.replace("fetch:\n  timeout: 5.0", "fetch:\n  workers: 2\n  timeout: 2.0\n  per_host: 2")
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")
    ingest(site)
    assert [path for path in ministry.hits if path.endswith(("74492", "74493", "74494"))] == []  # (their turn)
    _, pf = ingest(site, NOW + timedelta(minutes=1))
    stored = {s.article.title: s for s in pf.store.articles(ArticleFilter())}
    assert [stored[title].article.status for title, _, _ in week] == [Status.DRAFT] * 2 + [Status.PUBLISHED] * 3
    pages = pf.store.pages([stored[title].article.id for title, _, _ in week[:2]])
    assert {(page.attempts, "cut short while read" in page.reason) for page in pages.values()} == {(0, True)}


def test_work_held_on_the_loop_elsewhere_leaves_a_sources_pages_their_time(site: Path, ministry: Board) -> None:
    """The time a source's pages share was no timer the loop's other work knew of: another source's feed,
    parsed on the loop's thread while this source's pages waited for their turn, ran it out, and the
    pages came back "not read in time" although their board answered at once. Now that work waits for
    the pages, and the pages' own extraction does not wait for their limit (it would, until it fired)."""
    configure(site, ministry)
    config = load_config(site)
    [source] = config.sources
    urls = [ministry.url(path) for _, path, _ in (YOUTH, SHIPS)]

    async def scenario() -> tuple[list[Any], float]:
        async with open_fetcher(config.fetch, fixed(NOW)) as fetch:
            reading = asyncio.create_task(fulltext._read_all(source, urls, fetch, None, 1.5))
            await asyncio.sleep(0)  # the pages' time is running; their requests are not made yet
            asked = time.monotonic()
            await fetch.room_for(5.0)  # another source's document, parsed inline, may hold the loop for 5 s
            waited = time.monotonic() - asked
            time.sleep(2.0)  # and holds it for 2
            return await reading, waited

    pages, waited = asyncio.run(scenario())

    assert [type(page) for page in pages] == [ExtractedPage, ExtractedPage]  # neither came back late
    assert waited < 1.5  # the parse waited for the pages, which took less than their limit
    assert len(ministry.hits) == 2


def test_two_sources_pages_are_extracted_side_by_side(site: Path, ministry: Board) -> None:
    """Two fulltext sources in a small run extract their pages on the loop's thread, and each source's pages
    share a time limit that other work on that thread waits for. Had a page waited for the other source's
    limit, each would have waited for the other until both limits ran out, and both releases would have
    come back late. Here the pages answer 2 s in, with 5 s of each source's 7 left: a page may hold the loop
    5 s (its budget), so the other's limit is within reach."""
    ministry.server.expect_request("/rss2.xml").respond_with_handler(
        lambda request: Response(board(SHIPS).replace(b"{base}", ministry.url("").rstrip("/").encode()))
    )
    ministry.delay = 2.0
    configure(site, ministry)
    path = site / "feeds" / "pressfeed.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["fetch"] = {"timeout": 7.0, "connect_timeout": 2.0, "per_host": 4}
    config["sources"].append({**config["sources"][0], "id": "mofe-2", "url": ministry.url("/rss2.xml")})
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    started = time.monotonic()
    result = Pressfeed(load_config(site), clock=fixed(NOW)).ingest()

    assert not any("not read in time" in warning for report in result.reports for warning in report.warnings)
    assert [len(report.new) for report in result.reports] == [1, 1]
    assert time.monotonic() - started < 6.0  # the pages were extracted as they came, not when a limit ran out
    assert len(ministry.hits) == 2


def test_the_health_check_reads_a_sources_held_pages_at_once(site: Path, ministry: Board) -> None:
    """Every run ends with each source's health: its held items' pages are one read, not one per item
    (each a round trip on PostgreSQL), and every reason is still there."""
    for item in (YOUTH, SHIPS, BUS):
        ministry.pages[item[1]] = (404, b"<html><body>not found</body></html>", "text/html")
    ministry.feed = board(YOUTH, SHIPS, BUS)
    configure(site, ministry)
    _, pf = ingest(site)
    calls: list[str] = []
    store = pf.store

    class Counting:
        def __getattr__(self, name: str) -> Any:
            value = getattr(store, name)
            if callable(value):
                calls.append(name)
            return value

    pf.store = Counting()  # type: ignore[assignment]
    [health] = pf.source_health()
    assert len(health.held) == 3 and all("could not be fetched (HTTP 404)" in reason for reason in health.held)
    assert calls.count("pages") == 1


def test_a_title_only_item_without_fulltext_is_held_too(site: Path, ministry: Board) -> None:
    configure(site, ministry, fulltext="")
    report, pf = ingest(site)
    stored = only(pf)
    assert stored.article.status is Status.DRAFT and ministry.hits == []
    assert pf.info(stored).held.startswith("no text to republish")
    assert any("no text to republish" in w for w in report.warnings)
    [health] = pf.source_health()  # nothing will fetch its text: held for good
    assert (health.status, health.given_up) == ("held", 1)


def test_an_item_that_leaves_the_feed_before_its_last_try_is_given_up(site: Path, ministry: Board) -> None:
    """Pages are retried only for items the feed still lists: one that scrolled out is held for good."""
    when = failing_runs(site, ministry, 2)
    ministry.feed = board(SHIPS)  # the held item is gone from the feed; a new one is there
    ingest(site, when)
    [health] = Pressfeed(load_config(site), clock=fixed(when + timedelta(hours=6))).source_health()
    assert health.ok and health.given_up == 0  # its retry is not overdue yet
    [health] = Pressfeed(load_config(site), clock=fixed(when + timedelta(days=2))).source_health()
    assert (health.status, health.given_up) == ("held", 1)
    assert "try 2 of 6" in health.held[0]


def test_a_source_that_makes_every_item_a_draft_is_not_held(site: Path, ministry: Board) -> None:
    """Its items wait for an editor by design: one without text is listed, not alarmed about."""
    configure(site, ministry, fulltext="", status="draft")
    _, pf = ingest(site)
    [health] = pf.source_health()
    assert health.ok and health.given_up == 0
    assert health.held and health.held[0].startswith("no text to republish")


# -- a source whose work raises -----------------------------------------------------------------------------

ECONOMY = (
    "<item><title>최근 경제동향(2025년 11월호)</title><link>https://www.mofe.go.kr/nw/view.do?nttId=74401</link>"
    "<description>&lt;p&gt;최근 우리 경제는 반도체 등 정보통신기술 품목을 중심으로 수출 호조가 이어지고 있다.&lt;/p&gt;"
    "</description><pubDate>2025-11-07 10:00:00</pubDate></item>"
)


def two_sources(site: Path, ministry: Board) -> Path:
    """mofe (full text from its pages) and moef (a board feed with its text), in that order."""
    ministry.server.expect_request("/moef.xml").respond_with_data(
        board().replace(b"</channel>", ECONOMY.encode() + b"</channel>"), content_type="application/rss+xml"
    )
    configure(site, ministry)
    config = yaml.safe_load((site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8"))
    moef = {**config["sources"][0], "id": "moef", "name": "기획재정부", "url": ministry.url("/moef.xml")}
    del moef["fulltext"]
    config["sources"].append(moef)
    (site / "feeds" / "pressfeed.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return site


def test_an_error_no_code_foresaw_fails_its_source_and_the_run_goes_on(
    site: Path, ministry: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's bytes that met an unforeseen case (as a `charset=hex` once did) raised out of the pipeline:
    every run stopped there, nothing of the other sources was stored and nothing built."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise LookupError("'hex' is not a text encoding; use codecs.decode() to handle arbitrary codecs")

    monkeypatch.setattr("pressfeed.ingest.fulltext.extract_page", broken)
    two_sources(site, ministry)
    ran = check(site, NOW, "run")
    assert ran.exit_code == 1, ran.stderr  # partial failure
    assert "mofe" in ran.stderr and "LookupError" in ran.stderr
    pf = Pressfeed(load_config(site), clock=fixed(NOW))
    state = pf.store.source_state("mofe")
    assert state is not None and state["failures"] == 1 and "internal error (LookupError" in state["last_error"]
    assert [s.article.title for s in pf.store.articles(ArticleFilter())] == ["최근 경제동향(2025년 11월호)"]
    assert "최근 경제동향" in (site / "public" / "economy" / "rss.xml").read_text(encoding="utf-8")


def test_an_item_linking_to_a_host_no_url_can_name_costs_only_itself(site: Path, ministry: Board) -> None:
    """A link to `http://xn--/` (an IDNA label with nothing after its prefix) raised IDNAError out of the
    page fetch: the whole source failed as an "internal error" at every run, its good items with it."""
    bad = b"<item><title>\xea\xb9\xa8\xec\xa7\x84 \xeb\xa7\x81\xed\x81\xac</title><link>http://xn--/view</link>"
    bad += b"<pubDate>2025-11-07 00:00:00.0</pubDate></item>"
    ministry.feed = board(YOUTH).replace(b"</channel>", bad + b"</channel>")
    configure(site, ministry)
    report, pf = ingest(site)
    assert report.error is None
    stored = {s.article.title: s.article for s in pf.store.articles(ArticleFilter())}
    assert stored[YOUTH[0]].status is Status.PUBLISHED
    assert stored["깨진 링크"].status is Status.DRAFT  # held, its page tried again like any that fails
    [held] = [w for w in report.warnings if w.startswith("'깨진 링크'")]
    assert "invalid URL: http://xn--/view (Malformed A-label" in held


def test_a_store_that_fails_while_pages_are_saved_still_stops_the_run(
    site: Path, ministry: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's errors are no source's: the run stops with exit 74 naming the store, as it did."""
    from pressfeed.errors import StoreError
    from pressfeed.store.sqlite import SQLiteStore

    def full(self: Any, pages: Any) -> None:
        raise StoreError(".pressfeed/pressfeed.db: database or disk is full")

    monkeypatch.setattr(SQLiteStore, "save_pages", full)
    two_sources(site, ministry)
    ran = check(site, NOW, "run")
    assert ran.exit_code == 74 and "database or disk is full" in ran.stderr


# -- rights ----------------------------------------------------------------------------------------------


def feeds(site: Path) -> tuple[Any, Any, dict[str, Any]]:
    public = site / "public" / "economy"
    rss = etree.parse(str(public / "rss.xml")).find("channel/item")
    atom = etree.parse(str(public / "atom.xml")).find(f"{ATOM}entry")
    [item] = json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"]
    return rss, atom, item


def built(site: Path, ministry: Board, **settings: Any) -> tuple[Any, Any, dict[str, Any]]:
    configure(site, ministry, **settings)
    _, pf = ingest(site)
    pf.build()
    return feeds(site)


def contents(rss: Any, atom: Any, item: dict[str, Any]) -> tuple[str, str, str]:
    """The item's text as each format carries it: RSS content:encoded, Atom content, JSON content_html."""
    return (
        rss.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "",
        atom.findtext(f"{ATOM}content") or "",
        item["content_html"],
    )


def test_full_rights_carry_the_text_and_the_photo(site: Path, ministry: Board) -> None:
    rss, atom, item = built(site, ministry)
    assert all("1조 2,400억원" in content for content in contents(rss, atom, item))
    assert item["image"].endswith("20251107_youth_01.jpg")
    assert rss.find(f"{DC}rights") is None and atom.find(f"{ATOM}rights") is None


def test_summary_rights_carry_the_summary_only(site: Path, ministry: Board) -> None:
    rss, atom, item = built(site, ministry, republish="summary")
    for content in contents(rss, atom, item):
        assert "재정경제부는 11월 7일" in content  # the summary ...
        assert "2년 근속" not in content  # ... not the rest of the text
        assert "[뉴스출처 : 재정경제부]" in content


def test_link_rights_carry_title_link_and_credit(site: Path, ministry: Board) -> None:
    rss, atom, item = built(site, ministry, republish="link")
    # no summary (the title again would be one): the RSS item's one text is its description, the credit line
    assert rss.find("{http://purl.org/rss/1.0/modules/content/}encoded") is None
    for content in (rss.findtext("description") or "", *contents(rss, atom, item)[1:]):
        assert "11월 7일" not in content
        assert "[뉴스출처 : 재정경제부]" in content and "원문 보기" in content
    assert atom.find(f"{ATOM}summary") is None and "summary" not in item
    assert "image" not in item and rss.find("{http://search.yahoo.com/mrss/}content") is None
    assert rss.findtext("link").endswith("nttId=74496")  # the original


def test_link_rights_publish_a_title_only_item(site: Path, ministry: Board) -> None:
    configure(site, ministry, fulltext="", republish="link")
    _, pf = ingest(site)
    assert only(pf).article.status is Status.PUBLISHED  # nothing to republish but the link: nothing missing


def test_dropped_images_leave_no_photo_anywhere(site: Path, ministry: Board) -> None:
    rss, atom, item = built(site, ministry, images="drop")
    for content in contents(rss, atom, item):
        assert "<img" not in content and "11월 7일" in content
    assert "image" not in item
    assert all(e.get("type", "").startswith("application/") for e in rss.iter("enclosure"))
    assert rss.find("{http://search.yahoo.com/mrss/}content") is None


def test_a_source_removed_leaves_its_items_under_the_least_terms(site: Path, ministry: Board) -> None:
    """An attack's: a `republish: link` source removed from the config (a board retired) left its items with
    no terms, and the next build published their text and photo in full."""
    built(site, ministry, republish="link", images="drop")
    configure(site, ministry, id="mofe-new")  # the item's source is gone; the registry knows nothing of it
    Pressfeed(load_config(site), clock=fixed(NOW + timedelta(minutes=5))).build()
    rss, atom, item = feeds(site)
    assert all("11월 7일" not in content for content in contents(rss, atom, item))
    assert "image" not in item and rss.find("{http://search.yahoo.com/mrss/}content") is None


def test_summary_and_image_terms_hold_whatever_the_feed_sends() -> None:
    """An attack's: under `summary`, a feed whose own summary is its whole text published all of it; under
    `images: drop`, a photo sent as an `application/octet-stream` enclosure went out as one."""
    from pressfeed.config import Images, Republish
    from pressfeed.model import Article, Attachment
    from pressfeed.rights import Rights, as_republished

    whole = "재정경제부는 청년 일자리 지원을 확대한다. " * 40
    photo = Attachment("https://www.mofe.go.kr/files/photo-01.JPG?size=l", "application/octet-stream", 1000)
    phone = Attachment("https://www.mofe.go.kr/files/IMG_0001.HEIC", "application/octet-stream", 3000)
    paper = Attachment(
        "https://www.mofe.go.kr/files/release.hwp", "application/x-hwp", 2000, "보도자료(사진.png 포함).hwp"
    )
    # a board's download links name no file: the name it lists them under does (an attack's: .tif, .HEIC and
    # .bmp photos went out under `images: drop`)
    listed = tuple(
        Attachment(f"https://www.mofe.go.kr/com/fileDownload.do?id={n}", "application/octet-stream", 10, name)
        for n, name in enumerate(("현장사진1.tif", "현장사진2.HEIC", "현장사진3.bmp (2.1MB)", "사진.TIFF"))
    )
    article = Article(
        id="tag:example-portal.kr,2025:a/1",
        title="청년 일자리",
        section="economy",
        published=NOW,
        updated=NOW,
        link="https://www.mofe.go.kr/nw/view.do?nttId=1",
        summary=whole,
        body_html=f"<p>{whole}</p>",
        attachments=(photo, phone, paper, *listed),
    )
    carried = as_republished(article, Rights(Republish.SUMMARY, Images.DROP), summary_length=200)
    assert len(carried.summary) <= 200 and len(carried.body_html) < 300
    assert carried.attachments == (paper,)
    # `link`: the release's HWP is its text too (an attack's: its files went out as enclosures)
    linked = as_republished(article, Rights(Republish.LINK, Images.KEEP), summary_length=200)
    assert (linked.body_html, linked.summary, linked.attachments) == ("", "", ())
    assert as_republished(article, Rights(Republish.FULL, Images.KEEP)).attachments == article.attachments


def test_the_least_of_several_terms_is_what_each_allows() -> None:
    from pressfeed.config import Images, Republish
    from pressfeed.rights import FULL_RIGHTS, Rights, least

    terms = [Rights(license="KOGL-1"), Rights(Republish.SUMMARY, license="KOGL-1"), Rights(images=Images.DROP)]
    assert least(terms) == Rights(Republish.SUMMARY, Images.DROP, "KOGL-1")
    assert least([*terms, Rights(Republish.LINK, license="KOGL-3")]) == Rights(
        Republish.LINK, Images.DROP, "KOGL-1, KOGL-3"
    )
    assert least([FULL_RIGHTS, FULL_RIGHTS]) is FULL_RIGHTS


def test_the_license_travels_in_every_format(site: Path, ministry: Board) -> None:
    rss, atom, item = built(site, ministry, license="KOGL-1 (공공누리 제1유형: 출처표시)")
    assert rss.findtext(f"{DC}rights") == "KOGL-1 (공공누리 제1유형: 출처표시)"
    assert atom.findtext(f"{ATOM}rights") == "KOGL-1 (공공누리 제1유형: 출처표시)"
    assert item["_pressfeed"]["license"] == "KOGL-1 (공공누리 제1유형: 출처표시)"


def test_the_agencys_terms_win_over_the_sources(site: Path, ministry: Board) -> None:
    agencies = {"재정경제부": {"id": "mofe", "republish": "link", "license": "KOGL-3"}}
    rss, _, item = built(site, ministry, agencies=agencies, license="KOGL-1")
    assert "11월 7일" not in item["content_html"]
    assert rss.findtext(f"{DC}rights") == "KOGL-3"


def with_copy(site: Path, ministry: Board, path: str, feed: list[bytes], **settings: Any) -> None:
    """A second source after mofe: the feed at `path` of the ministry's server is `feed[0]`, changeable."""
    ministry.server.expect_request(path).respond_with_handler(
        lambda _: Response(feed[0], content_type="application/rss+xml")
    )
    config = yaml.safe_load((site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8"))
    copy = {**config["sources"][0], "id": "copy", "name": "금융위원회", "url": ministry.url(path), **settings}
    del copy["fulltext"]
    config["sources"].append(copy)
    (site / "feeds" / "pressfeed.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def test_a_copy_another_source_brings_later_narrows_the_terms(site: Path, ministry: Board) -> None:
    """An attack's: the API's copy of a release whose agency's board is `republish: link` went out in full
    when the API brought it first; the terms depended on which source was first."""
    feed = [board()]
    configure(site, ministry)
    # the same agency's copy: no guid, so every key it gives (link, title, text) mofe's item gave already
    with_copy(site, ministry, "/copy.xml", feed, name="재정경제부", republish="link", images="drop", license="KOGL-3")
    pf = Pressfeed(load_config(site), clock=fixed(NOW))
    pf.ingest()
    pf.build()
    assert all("11월 7일" in content for content in contents(*feeds(site)))  # mofe's terms: full
    feed[0] = board(YOUTH).replace(b"{base}", ministry.url("").rstrip("/").encode())  # now copy has it too
    later = Pressfeed(load_config(site), clock=fixed(NOW + timedelta(hours=1)))
    copy = next(r for r in later.ingest().reports if r.source_id == "copy")
    assert copy.duplicates == 1 and not copy.new
    assert "economy/rss.xml" in later.build().written  # the same items, rendered again for the new terms
    rss, atom, item = feeds(site)
    assert all("11월 7일" not in content for content in contents(rss, atom, item))
    assert "image" not in item and rss.find("{http://search.yahoo.com/mrss/}content") is None
    assert rss.findtext(f"{DC}rights") == "KOGL-3"
    assert only(later).origin == "source:mofe"  # still the first source's article
    seq = only(later).seq
    feed[0] = feed[0].replace(b"</channel>", b"<!-- the copy's feed changed: read again --></channel>")
    again = Pressfeed(load_config(site), clock=fixed(NOW + timedelta(hours=2)))
    assert next(r for r in again.ingest().reports if r.source_id == "copy").duplicates == 1
    assert only(again).seq == seq  # its copy is known now: touched once, not at every read
    assert again.build().rendered == 0


def test_a_joint_releases_other_agency_is_credited_and_its_terms_hold(site: Path, ministry: Board) -> None:
    """An attack's: the credit a joint release's body gives both agencies was replaced by one naming the
    board's agency alone, and the other agency's `republish: link` was never applied."""
    text = "재정경제부와 금융위원회는 청년 자산형성 지원 방안을 함께 발표했다. " * 4
    joint = (
        "<item><title>청년 자산형성 공동 지원</title><link>https://www.mofe.go.kr/nw/view.do?nttId=74999</link>"
        f"<description>&lt;p&gt;{text}&lt;/p&gt;&lt;p&gt;[뉴스출처 : 재정경제부] [뉴스출처 : 금융위원회]&lt;/p&gt;"
        "</description><pubDate>2025-11-07 10:00:00</pubDate></item>"
    )
    configure(site, ministry, agencies={"금융위원회": {"id": "fsc", "republish": "link", "license": "KOGL-3"}})
    with_copy(site, ministry, "/joint.xml", [board().replace(b"</channel>", joint.encode() + b"</channel>")])
    config = yaml.safe_load((site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8"))
    config["sources"] = [{**config["sources"][1], "name": "재정경제부"}]  # the joint release on mofe's board
    (site / "feeds" / "pressfeed.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    _, pf = ingest(site)
    pf.build()
    assert only(pf).article.source.credit == "[뉴스출처 : 재정경제부] [뉴스출처 : 금융위원회]"
    rss, atom, item = feeds(site)
    for content in contents(rss, atom, item)[1:]:
        assert "함께 발표했다" not in content
        assert "[뉴스출처 : 재정경제부] [뉴스출처 : 금융위원회]" in content
    assert item["_pressfeed"]["license"] == "KOGL-3"


def test_changing_rights_republishes_without_refetching(site: Path, ministry: Board) -> None:
    built(site, ministry)
    configure(site, ministry, republish="link")
    pf = Pressfeed(load_config(site), clock=fixed(NOW + timedelta(minutes=5)))
    assert "economy/rss.xml" in pf.build().written
    assert len(ministry.hits) == 1
    stored = only(pf)
    assert "11월 7일" in stored.article.body_html  # the store keeps what was fetched


def test_changing_rights_in_the_sources_file_republishes(site: Path, ministry: Board) -> None:
    # `sources import` keeps sources in their own file; their terms are applied when an item is rendered too
    configure(site, ministry)
    config = site / "feeds" / "pressfeed.yaml"
    head, sources = config.read_text(encoding="utf-8").split("\nsources:\n")
    config.write_text(head + "\n", encoding="utf-8")
    (site / "feeds" / "sources.yaml").write_text(sources, encoding="utf-8")
    ingest(site)[1].build()
    (site / "feeds" / "sources.yaml").write_text(sources + "  republish: link\n", encoding="utf-8")
    pf = Pressfeed(load_config(site), clock=fixed(NOW + timedelta(minutes=5)))
    assert "economy/rss.xml" in pf.build().written
    _, _, item = feeds(site)
    assert "11월 7일" not in item["content_html"] and "원문 보기" in item["content_html"]


def test_the_customary_notice_in_the_credit(site: Path, ministry: Board) -> None:
    _, _, item = built(site, ministry, credit="[뉴스출처 : {name}] 이 자료는 {name}의 보도자료를 전재하여 제공함")
    assert "이 자료는 재정경제부의 보도자료를 전재하여 제공함" in item["content_html"]


def test_a_utf16_page_without_a_byte_order_mark_costs_only_its_item(site: Path, ministry: Board) -> None:
    """A page in UTF-16LE with no BOM (an old Windows CMS's export) decodes, as no declared charset fits, to text
    full of NULs; readability's summary kept them and lxml's fragment_fromstring raised ValueError ("All strings
    must be XML compatible"), no ExtractionError: the whole source failed as an "internal error" at every run, its
    good items with it, instead of the one page being held and tried again."""
    ministry.feed = board(YOUTH, SHIPS)
    page = (PAGES / "mofe_board_view.html").read_bytes().decode("utf-8")
    ministry.pages["/nw/view.do?nttId=74496"] = (200, page.encode("utf-16-le"), "text/html")
    configure(site, ministry)

    report, pf = ingest(site)

    assert report.error is None, report.error
    stored = {s.article.title: s.article for s in pf.store.articles(ArticleFilter())}
    assert stored[SHIPS[0]].status is Status.PUBLISHED
    assert YOUTH[0] in stored  # held, or published with what could be read: not lost with its source


def test_a_pages_unparsable_base_href_costs_only_its_item_with_a_selector(site: Path, ministry: Board) -> None:
    """With a selector the release's container is part of the page's tree, and lxml's make_links_absolute first
    resolves the page's own <base href> itself (resolve_base_href=False is not passed on by rewrite_links), without
    handle_failures: `<base href="http://[::1">` raised urllib's ValueError ("Invalid IPv6 URL") out of
    extraction, and the whole source failed as an "internal error" at every run, its good items with it."""
    ministry.feed = board(YOUTH, SHIPS)
    page = (PAGES / "molit_selector.html").read_bytes()
    page = page.replace(b'<div class="bd_view_cont">', b'<div class="bd_view_cont"><img src="/photo/1106.jpg" alt="">')
    hostile = page.replace(b"<head>", b'<head><base href="http://[::1">', 1)
    ministry.pages["/nw/view.do?nttId=74496"] = (200, hostile, "text/html")
    ministry.pages["/nw/view.do?nttId=74497"] = (200, page, "text/html")
    configure(site, ministry, fulltext="div.bd_view_cont")

    report, pf = ingest(site)

    assert report.error is None, report.error
    stored = {s.article.title: s.article for s in pf.store.articles(ArticleFilter())}
    assert stored[SHIPS[0]].status is Status.PUBLISHED
    assert YOUTH[0] in stored
