"""The agency-feed ingest pipeline through :class:`Pressfeed`.

Network only via pytest-httpserver on 127.0.0.1; every other feed is a local
file. The clock is fixed (conftest.NOW = 2025-11-08 12:00 UTC = 21:00 KST).
"""

from __future__ import annotations

import html
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import CONFIG_TEXT, NOW
from pressfeed.cli import cli
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import LockedError, UsageError
from pressfeed.ingest.keys import link_key, normalize_link
from pressfeed.merge import FETCH_STAMP, UNDATED_CHANGES_MAX, locally_edited, reader_view, undated_changes
from pressfeed.model import Article, ArticleFilter, Attachment, Status, encode
from pressfeed.normalize import hashed_id
from pressfeed.results import IngestResult, RunResult, SourceReport
from pressfeed.sanitize import plain_text, sanitize_html
from pressfeed.store.base import ArticleWrite, StoredArticle
from pressfeed.stories import body_key

#: a complete site modelled on the portal and the policy-briefing feeds of November 2025 (tests/fixtures)
SAMPLE_FEEDS = Path(__file__).resolve().parent / "fixtures" / "portal-2025" / "feeds"
AUTHORITY = "example-portal.kr,2025"
PRESS = "https://www.korea.kr/briefing/pressReleaseView.do?newsId="
RSS_TYPE = "application/rss+xml; charset=utf-8"


def guid_id(source_id: str, guid: str) -> str:
    return hashed_id(AUTHORITY, f"source/{source_id}", guid)


def link_id(link: str) -> str:
    return hashed_id(AUTHORITY, "link", normalize_link(link))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- the local HTTP server (127.0.0.1 only) ----------------------------------------


@pytest.fixture(autouse=True)
def _no_unexpected_requests(httpserver: HTTPServer) -> Iterator[None]:
    yield
    httpserver.check_assertions()


def requested(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _ in httpserver.log]


class Served:
    """A mutable response for one path: change `body`/`status` between ingests."""

    def __init__(self, body: bytes, content_type: str = RSS_TYPE, status: int = 200, **headers: str) -> None:
        self.body, self.content_type, self.status, self.headers = body, content_type, status, headers

    def __call__(self, request: Request) -> Response:
        return Response(self.body, status=self.status, headers=self.headers, content_type=self.content_type)


def serve(httpserver: HTTPServer, path: str, body: bytes, **kwargs: Any) -> Served:
    served = Served(body, **kwargs)
    httpserver.expect_request(path).respond_with_handler(served)
    return served


# -- feed fixtures (modelled on feeds/agencies/) -------------------------------------


def item(
    news_id: int | str,
    title: str,
    body: str,
    *,
    guid: str | None = "",
    link: str | None = None,
    pub: str | None = "2025-11-07 09:00:00",
    extra: str = "",
) -> str:
    """One korea.kr-style RSS 2.0 item; guid "" → msit-<newsId>, None → no <guid>."""
    link = link if link is not None else f"{PRESS}{news_id}&call_from=rsslink"
    guid = f"msit-{news_id}" if guid == "" else guid
    parts = [
        "    <item>",
        f"      <title>{title}</title>",
        f"      <link>{link.replace('&', '&amp;')}</link>",
    ]
    if guid is not None:
        parts.append(f'      <guid isPermaLink="false">{guid}</guid>')
    parts.append("      <dc:creator>과학기술정보통신부</dc:creator>")
    if pub is not None:
        parts.append(f"      <pubDate>{pub}</pubDate>")
    parts.append(f"      <description><![CDATA[{body}]]></description>")
    if extra:
        parts.append(extra)
    parts.append("    </item>")
    return "\n".join(parts)


def rss_text(*items: str, title: str = "과학기술정보통신부 보도자료", built: str = "2025-11-07 18:00:00") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "  <channel>\n"
        f"    <title>{title}</title>\n"
        "    <link>https://www.korea.kr/</link>\n"
        f"    <description>정책브리핑 - {title}</description>\n"
        "    <language>ko</language>\n"
        f"    <lastBuildDate>{built}</lastBuildDate>\n" + "\n".join(items) + "\n  </channel>\n</rss>\n"
    )


def rss(*items: str, title: str = "과학기술정보통신부 보도자료", built: str = "2025-11-07 18:00:00") -> bytes:
    return rss_text(*items, title=title, built=built).encode("utf-8")


AI_TITLE = "과기정통부, 국가 인공지능 컴퓨팅센터 구축 사업 공모 착수"
AI_BODY = (
    "<p>과학기술정보통신부는 국가 차원의 인공지능 연산 기반을 확충하기 위한 ‘국가 인공지능 컴퓨팅센터 구축 사업’"
    " 참여기업 공모를 11월 7일부터 12월 5일까지 진행한다고 밝혔다.</p>"
)
SIXG_TITLE = "과기정통부, 6G 상용화 기술개발 사업 착수보고회 개최"
SIXG_BODY = (
    "<p>과학기술정보통신부는 11월 5일 대한상공회의소에서 ‘6G 상용화 기술개발 사업 착수보고회’를 열고,"
    " 2030년 6G 상용화를 목표로 핵심기술 개발에 본격 착수한다고 밝혔다.</p>"
)
LAW_TITLE = "과기정통부, 인공지능 기본법 하위법령 제정안 입법예고"
LAW_BODY = (
    "<p>과학기술정보통신부는 ‘인공지능 발전과 신뢰 기반 조성 등에 관한 기본법’의 시행령 제정안을"
    " 11월 3일부터 40일간 입법예고한다고 밝혔다.</p>"
)


def ai_item(**kwargs: Any) -> str:
    return item(156720412, AI_TITLE, AI_BODY, **kwargs)


def sixg_item(**kwargs: Any) -> str:
    kwargs.setdefault("pub", "2025-11-05 14:00:00")
    return item(156720287, SIXG_TITLE, SIXG_BODY, **kwargs)


def law_item(**kwargs: Any) -> str:
    kwargs.setdefault("pub", "2025-11-03 12:00:00")
    return item(156720010, LAW_TITLE, LAW_BODY, **kwargs)


AI_ID = guid_id("msit", "msit-156720412")
SIXG_ID = guid_id("msit", "msit-156720287")
LAW_ID = guid_id("msit", "msit-156720010")


# -- sites and Pressfeeds ---------------------------------------------------------------


def source(source_id: str, url: str, **kwargs: Any) -> dict[str, Any]:
    names = {"msit": "과학기술정보통신부", "moef": "기획재정부", "korea-kr": "정책브리핑"}
    data: dict[str, Any] = {
        "id": source_id,
        "name": names.get(source_id, "과학기술정보통신부"),
        "home": "https://www.msit.go.kr/",
        "url": url,
        "section": "it-science",
        "byline": "포탈뉴스통신",
        "max_age_days": 0,
    }
    data.update(kwargs)
    return data


def configure(site: Path, *sources: dict[str, Any], **fetch: Any) -> Path:
    """feeds/pressfeed.yaml = the conftest config + fast fetch limits (or `fetch`'s) + `sources`."""
    extra = {
        "fetch": {"timeout": 5.0, "connect_timeout": 2.0, "user_agent": "pressfeed-test", **fetch},
        "sources": list(sources),
    }
    text = CONFIG_TEXT + "\n" + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    path = site / "feeds" / "pressfeed.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return site


Opener = Callable[..., Pressfeed]


@pytest.fixture
def opener() -> Iterator[Opener]:
    """`opener(site, when=NOW)` → a Pressfeed on `site` with a fixed clock; closed at teardown."""
    opened: list[Pressfeed] = []

    def open_(site: Path, when: datetime = NOW) -> Pressfeed:
        pf = Pressfeed(load_config(site), clock=fixed(when))
        opened.append(pf)
        return pf

    yield open_
    for pf in opened:
        pf.close()


def ingest_at(opener: Opener, site: Path, when: datetime = NOW, **kwargs: Any) -> tuple[IngestResult, Pressfeed]:
    pf = opener(site, when)
    return pf.ingest(**kwargs), pf


def only(result: IngestResult) -> SourceReport:
    assert len(result.reports) == 1
    return result.reports[0]


def stored_articles(pf: Pressfeed, origin: str | None = None) -> list[Article]:
    return [s.article for s in pf.store.articles(ArticleFilter(origins=None if origin is None else (origin,)))]


def dedupe_key_count(pf: Pressfeed) -> int:
    return int(pf.store.db.execute("SELECT count(*) FROM dedupe_key").fetchone()[0])  # type: ignore[attr-defined]


# ======================================================================================
# end to end on the bundled sample site
# ======================================================================================


def copy_sample(root: Path) -> Path:
    site = root / "site"
    shutil.copytree(SAMPLE_FEEDS, site / "feeds")
    return site


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Pressfeed, RunResult]]:
    site = copy_sample(tmp_path_factory.mktemp("sample"))
    pf = Pressfeed.open(site, clock=fixed(NOW))
    try:
        yield pf, pf.run()
    finally:
        pf.close()


def by_news_id(pf: Pressfeed, news_id: int) -> list[Article]:
    return [a for a in stored_articles(pf) if a.link and f"newsId={news_id}" in a.link and a.source is not None]


def report_of(result: IngestResult, source_id: str) -> SourceReport:
    return next(r for r in result.reports if r.source_id == source_id)


def test_sample_run_new_articles_per_source(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, run = sample
    assert run.ok
    assert run.ingest is not None
    counts = {r.source_id: (r.outcome, len(r.new), r.duplicates, r.skipped, r.error) for r in run.ingest.reports}
    assert counts == {
        "msit": ("ok", 5, 0, 0, None),
        "moef": ("ok", 3, 1, 0, None),
        "molit": ("ok", 4, 0, 0, None),
        "kma": ("ok", 3, 0, 0, None),
        "korea-kr": ("ok", 4, 1, 0, None),
    }
    assert run.ingest.summary() == "ingest: 5 sources, 19 new, 0 updated"
    for source_id, number in (("msit", 5), ("moef", 3), ("molit", 4), ("kma", 3), ("korea-kr", 4)):
        assert len(stored_articles(pf, f"source:{source_id}")) == number
        assert sorted(a.id for a in stored_articles(pf, f"source:{source_id}")) == sorted(
            report_of(run.ingest, source_id).new
        )


def test_sample_euc_kr_moef_titles_decode(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    titles = sorted(a.title for a in stored_articles(pf, "source:moef"))
    assert titles == [
        "2025년 10월 국고채 발행 실적 및 11월 발행 계획",
        "경제관계장관회의 개최 - 소상공인 경영부담 완화 방안 확정",
        "최근 경제동향(2025년 11월호)",
    ]
    (article,) = by_news_id(pf, 156720530)
    assert article.source is not None and article.source.name == "기획재정부"
    assert "반도체 등 정보통신기술(ICT) 품목" in article.body_html
    assert "\ufffd" not in article.body_html


def test_sample_naive_dates_are_kst(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (ai,) = by_news_id(pf, 156720412)  # pubDate 2025-11-07 09:00:00 (KST)
    assert ai.published == utc(2025, 11, 7, 0, 0)
    assert ai.source is not None and ai.source.published == utc(2025, 11, 7, 0, 0)
    (moef,) = by_news_id(pf, 156720530)  # 2025-11-07 10:00:00, EUC-KR feed
    assert moef.published == utc(2025, 11, 7, 1, 0)
    (gtx,) = by_news_id(pf, 156720233)  # Atom, naive 2025-11-05T10:00:00
    assert gtx.published == utc(2025, 11, 5, 1, 0)
    (sixg,) = by_news_id(pf, 156720287)  # RFC 822 with +0900
    assert sixg.published == utc(2025, 11, 5, 5, 0)
    (kma,) = by_news_id(pf, 156720455)  # dc:date +09:00
    assert kma.published == utc(2025, 11, 7, 2, 0)
    (lease,) = by_news_id(pf, 156720310)  # Atom: published 09:30, updated 10:15 (+09:00)
    assert (lease.published, lease.updated) == (utc(2025, 11, 6, 0, 30), utc(2025, 11, 6, 1, 15))


def test_sample_combined_feed_takes_agency_from_title(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (eu,) = by_news_id(pf, 156720440)
    assert eu.title == "제10차 한-EU 전략대화 개최…공급망·경제안보 협력 강화"
    assert eu.source is not None
    assert eu.source.name == "외교부"
    assert eu.source.credit == "[뉴스출처 : 외교부]"
    assert eu.source.home == ""  # the combined feed's home is not 외교부's
    assert eu.section == "politics"  # rule "외교|한-EU|대사"
    assert eu.status is Status.DRAFT
    combined = stored_articles(pf, "source:korea-kr")
    assert all(not a.title.startswith("[") for a in combined)
    assert all(a.status is Status.DRAFT for a in combined)
    assert {a.title: (a.source.name if a.source else None, a.section) for a in combined} == {
        "제10차 한-EU 전략대화 개최…공급망·경제안보 협력 강화": ("외교부", "politics"),
        "겨울철 복지 사각지대 위기가구 집중 발굴·지원": ("보건복지부", "society"),
        "겨울철 자연재난 대책기간 운영…대설·한파 대비 총력": ("행정안전부", "society"),
        "연말연시 해외여행객 대상 안전 유의사항 안내": ("외교부", "politics"),
    }


def test_sample_joint_release_stored_once_for_first_source(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (joint,) = by_news_id(pf, 156720355)
    assert joint.id == guid_id("msit", "msit-156720355")
    stored = pf.store.get(joint.id)
    assert stored is not None and stored.origin == "source:msit"
    assert joint.source is not None and joint.source.name == "과학기술정보통신부"
    assert joint.section == "it-science"
    assert pf.store.dedupe_sources([joint.id]) == {joint.id: ["moef", "msit"]}
    moef_keys = [
        "guid:moef:http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720355",
        "link:korea.kr/briefing/pressReleaseView.do?newsId=156720355",
    ]
    assert pf.store.dedupe_lookup(moef_keys) == dict.fromkeys(moef_keys, joint.id)


def test_sample_msit_release_in_combined_feed_stored_once(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (law,) = by_news_id(pf, 156720010)
    assert law.id == LAW_ID
    assert law.title == LAW_TITLE
    assert pf.store.dedupe_sources([law.id]) == {law.id: ["korea-kr", "msit"]}


def test_sample_entry_without_guid_gets_link_id(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (sixg,) = by_news_id(pf, 156720287)
    assert sixg.id == hashed_id(AUTHORITY, "link", "korea.kr/briefing/pressReleaseView.do?newsId=156720287")
    assert sixg.id == link_id(f"{PRESS}156720287&call_from=rsslink")


def test_sample_body_sanitized_and_image_resolved(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (ai,) = by_news_id(pf, 156720412)
    image = "https://www.korea.kr/newsWeb/resources/attaches/2025.11/07/ai.jpg"
    assert "<script" not in ai.body_html
    assert "evil.example" not in ai.body_html
    assert "onerror" not in ai.body_html
    assert "alert" not in ai.body_html
    assert f'<img src="{image}">' in ai.body_html
    assert [(i.url, i.type) for i in ai.images] == [(image, "image/jpeg")]
    (molit,) = by_news_id(pf, 156720471)
    assert molit.link == f"{PRESS}156720471"
    assert "onmouseover" not in molit.body_html
    assert "document.cookie" not in molit.body_html
    assert f'href="{PRESS}156720471#attach"' in molit.body_html


def test_sample_hwp_enclosure_becomes_attachment(sample: tuple[Pressfeed, RunResult]) -> None:
    pf, _ = sample
    (plan,) = by_news_id(pf, 156720150)
    assert plan.attachments == (
        Attachment("https://www.korea.kr/common/download.do?fileId=1977&tblKey=GMN", "application/x-hwp", 183296, ""),
    )
    assert plan.images == ()


def test_sample_second_run_creates_nothing_and_writes_no_file(tmp_path: Path) -> None:
    site = copy_sample(tmp_path)
    with Pressfeed.open(site, clock=fixed(NOW)) as pf:
        first = pf.run()
        count = pf.store.count()
        assert first.build.written
        second = pf.run()
        assert second.ok
        assert second.ingest is not None
        assert [(r.source_id, r.new, r.updated) for r in second.ingest.reports] == [
            (s, (), ()) for s in ("msit", "moef", "molit", "kma", "korea-kr")
        ]
        assert second.imported.created == 0 and second.imported.updated == 0
        assert second.build.written == ()
        assert second.build.removed == ()
        assert pf.store.count() == count
    # a fresh process (new Pressfeed) re-reading the same unchanged files changes nothing either
    with Pressfeed.open(site, clock=fixed(NOW + timedelta(hours=1))) as pf:
        third = pf.run()
        assert third.ingest is not None
        assert sum(len(r.new) + len(r.updated) for r in third.ingest.reports) == 0
        assert third.build.written == ()


# ======================================================================================
# HTTP paths
# ======================================================================================


def test_etag_304_round_trip(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    body = rss(ai_item(), sixg_item(guid=None))

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            body,
            content_type=RSS_TYPE,
            headers={"ETag": '"v1"', "Last-Modified": "Fri, 07 Nov 2025 09:00:00 GMT"},
        )

    httpserver.expect_request("/rss/dept_msit.xml").respond_with_handler(handler)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))

    first, pf = ingest_at(opener, site)
    assert (only(first).outcome, only(first).http_status, len(only(first).new)) == ("ok", 200, 2)
    state = pf.store.source_state("msit")
    assert state is not None
    assert (state["etag"], state["last_modified"]) == ('"v1"', "Fri, 07 Nov 2025 09:00:00 GMT")

    second, pf = ingest_at(opener, site, NOW + timedelta(minutes=10))
    report = only(second)
    assert report.outcome == "not-modified"
    assert report.http_status == 304
    assert (report.new, report.updated, report.unchanged, report.skipped, report.duplicates) == ((), (), 0, 0, 0)
    assert second.ok
    conditional = httpserver.log[1][0]
    assert conditional.headers.get("If-None-Match") == '"v1"'
    assert conditional.headers.get("If-Modified-Since") == "Fri, 07 Nov 2025 09:00:00 GMT"
    assert httpserver.log[0][0].headers.get("If-None-Match") is None
    assert pf.store.count() == 2
    assert pf.store.source_state("msit")["etag"] == '"v1"'  # type: ignore[index]


def test_identical_body_without_validators_is_not_reparsed(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    assert len(only(ingest_at(opener, site)[0]).new) == 1
    report = only(ingest_at(opener, site)[0])
    assert (report.outcome, report.http_status, report.unchanged, report.new) == ("not-modified", 200, 0, ())


def test_same_bytes_are_reparsed_after_the_source_settings_change(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), sixg_item()))
    url = httpserver.url_for("/rss/dept_msit.xml")
    configure(site, source("msit", url, include=["인공지능"]))
    first = only(ingest_at(opener, site)[0])
    assert (first.new, first.skipped) == ((AI_ID,), 1)
    configure(site, source("msit", url))  # the filter is dropped: 6G is now wanted
    second = only(ingest_at(opener, site, NOW + timedelta(hours=1))[0])
    assert second.outcome == "ok"
    assert (second.new, second.unchanged) == ((SIXG_ID,), 1)


def test_permanent_redirect_moves_source(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    old, new = httpserver.url_for("/rss/old_msit.xml"), httpserver.url_for("/rss/dept_msit.xml")
    httpserver.expect_request("/rss/old_msit.xml").respond_with_data("", status=301, headers={"Location": new})
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", old))

    first, pf = ingest_at(opener, site)
    report = only(first)
    assert report.outcome == "ok"
    assert report.moved_to == new
    assert report.new == (AI_ID,)
    assert any("moved permanently to " + new in line for line in map(str, first.notices()))
    state = pf.store.source_state("msit")
    assert state is not None
    assert (state["config_url"], state["url"], state["moved_to"]) == (old, new, new)

    second, _ = ingest_at(opener, site, NOW + timedelta(minutes=30))
    assert only(second).moved_to is None
    assert only(second).outcome == "not-modified"
    assert requested(httpserver) == ["/rss/old_msit.xml", "/rss/dept_msit.xml", "/rss/dept_msit.xml"]


def test_relative_links_resolve_where_a_redirect_took_the_feed(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A ministry moves its board (301) and its feed's links are relative: they point from the new place,
    as in any reader. Resolved against the URL asked for, the first run's guid-less release got a link
    (and id) under the old place and the next run, asking the new place, published it a second time."""
    old, new = httpserver.url_for("/rss/dept_msit.xml"), httpserver.url_for("/bbs/msit/rss.do")
    httpserver.expect_request("/rss/dept_msit.xml").respond_with_data("", status=301, headers={"Location": new})
    sixg = sixg_item(guid=None, link="view.do?sCode=user&amp;nttSeqNo=3186500")
    served = serve(httpserver, "/bbs/msit/rss.do", rss(sixg))
    configure(site, source("msit", old))
    _, pf = ingest_at(opener, site)
    [article] = stored_articles(pf)
    assert article.link == httpserver.url_for("/bbs/msit/view.do") + "?sCode=user&nttSeqNo=3186500"
    served.body = rss(ai_item(guid=None, link="view.do?sCode=user&amp;nttSeqNo=3186501"), sixg)
    second, pf = ingest_at(opener, site, NOW + timedelta(minutes=30))
    report = only(second)
    assert (len(report.new), report.updated, report.unchanged) == (1, (), 1)  # the new release only
    assert sorted(a.link.rsplit("=", 1)[1] for a in stored_articles(pf)) == ["3186500", "3186501"]
    assert pf.store.source_state("msit")["url"] == new  # type: ignore[index]


def test_a_moved_feed_updates_none_of_its_items(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """A ministry moves its board feed for good (301). Its items read the same from the new place, but each
    named the feed it was read from as its source (RSS <source url>, atom:source): once the new place's
    feed changed, every item was "updated", re-dated and shown to readers as unread again."""
    old, new = httpserver.url_for("/rss/dept_msit.xml"), httpserver.url_for("/bbs/msit/rss.do")
    served_old = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), sixg_item()))
    served_new = serve(httpserver, "/bbs/msit/rss.do", rss(ai_item(), sixg_item()))
    configure(site, source("msit", old))
    _, pf = ingest_at(opener, site)
    before = {a.id: a for a in stored_articles(pf)}
    assert {a.source.feed for a in before.values()} == {old}  # type: ignore[union-attr]

    served_old.status, served_old.body, served_old.headers = 301, b"", {"Location": new}
    moved, _ = ingest_at(opener, site, NOW + timedelta(minutes=30))
    assert only(moved).moved_to == new
    served_new.body = rss(law_item(), ai_item(), sixg_item(), built="2025-11-08 09:00:00")  # a new release
    later, pf = ingest_at(opener, site, NOW + timedelta(hours=1))

    report = only(later)
    assert (report.new, report.updated, report.unchanged) == ((LAW_ID,), (), 2)
    for article_id, article in before.items():
        stored = pf.store.get(article_id)
        assert stored is not None and stored.article.updated == article.updated  # not re-dated
        assert stored.article == replace(article, source=replace(article.source, feed=new))  # type: ignore[arg-type]
    law = pf.store.get(LAW_ID)
    assert law is not None and law.article.source is not None and law.article.source.feed == new
    moved_form = [pf.store.get(i) for i in before]

    configure(site, source("msit", new))  # as `sources check` advises: a new state, the feed read afresh
    updated, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert (only(updated).new, only(updated).updated, only(updated).unchanged) == ((), (), 3)
    assert [pf.store.get(i) for i in before] == moved_form  # nothing written again
    assert requested(httpserver) == ["/rss/dept_msit.xml"] * 2 + ["/bbs/msit/rss.do"] * 3


def test_a_moved_feed_updates_the_items_whose_links_now_point_elsewhere(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """After the move, a relative link resolves from the new place (as in any reader): that item's link is
    news to readers, an update; an item with absolute links, or one an agency corrected, is as before."""
    old, new = httpserver.url_for("/rss/dept_msit.xml"), httpserver.url_for("/bbs/msit/rss.do")
    relative = sixg_item(link="view.do?sCode=user&amp;nttSeqNo=3186500")  # eGovFrame boards' relative links
    served_old = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), relative, law_item()))
    served_new = serve(httpserver, "/bbs/msit/rss.do", rss(ai_item(), relative, law_item()))
    configure(site, source("msit", old))
    _, pf = ingest_at(opener, site)
    assert pf.store.get(SIXG_ID).article.link == httpserver.url_for("/rss/view.do") + "?sCode=user&nttSeqNo=3186500"  # type: ignore[union-attr]

    served_old.status, served_old.body, served_old.headers = 301, b"", {"Location": new}
    ingest_at(opener, site, NOW + timedelta(minutes=30))
    corrected = law_item().replace("40일간", "30일간")
    served_new.body = rss(ai_item(), relative, corrected, built="2025-11-08 09:00:00")
    when = NOW + timedelta(hours=1)
    later, pf = ingest_at(opener, site, when)

    report = only(later)
    assert (sorted(report.updated), report.unchanged) == (sorted((SIXG_ID, LAW_ID)), 1)
    sixg, law = pf.store.get(SIXG_ID), pf.store.get(LAW_ID)
    assert sixg is not None and law is not None
    assert sixg.article.link == httpserver.url_for("/bbs/msit/view.do") + "?sCode=user&nttSeqNo=3186500"
    assert "30일간" in law.article.body_html
    assert sixg.article.updated == law.article.updated == when


def test_410_gone_is_never_requested_again(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    httpserver.expect_request("/rss/dept_old.xml").respond_with_data("", status=410)
    configure(site, source("msit", httpserver.url_for("/rss/dept_old.xml")))

    first, pf = ingest_at(opener, site)
    report = only(first)
    assert (report.outcome, report.http_status, report.failed) == ("gone", 410, True)
    assert report.error == "HTTP 410 Gone"
    assert not first.ok
    assert pf.store.source_state("msit")["gone"] is True  # type: ignore[index]

    second, _ = ingest_at(opener, site, NOW + timedelta(days=1))
    report = only(second)
    assert (report.outcome, report.http_status, report.failed) == ("still-gone", 410, False)
    assert report.error is None and "410" in report.warnings[0]  # not news: its health warning says it
    assert second.ok
    assert requested(httpserver) == ["/rss/dept_old.xml"]


def test_gone_source_is_fetched_again_after_its_url_changes(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    httpserver.expect_request("/rss/dept_old.xml").respond_with_data("", status=410)
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_old.xml")))
    assert only(ingest_at(opener, site)[0]).outcome == "gone"
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).outcome, only(result).new) == ("ok", (AI_ID,))
    assert result.ok
    state = pf.store.source_state("msit")
    assert state is not None and state["gone"] is False and state["failures"] == 0
    assert requested(httpserver) == ["/rss/dept_old.xml", "/rss/dept_msit.xml"]


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_waits_then_fetches_again(status: int, httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    calls = []

    def handler(request: Request) -> Response:
        calls.append(request.path)
        if len(calls) == 1:
            return Response("slow down", status=status, headers={"Retry-After": "120"})
        return Response(rss(ai_item()), content_type=RSS_TYPE)

    httpserver.expect_request("/rss/dept_msit.xml").respond_with_handler(handler)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))

    first, pf = ingest_at(opener, site)
    report = only(first)
    assert (report.outcome, report.http_status, report.error) == ("failed", status, f"HTTP {status}")
    assert not first.ok
    state = pf.store.source_state("msit")
    assert state is not None
    assert state["retry_after"] == (NOW + timedelta(seconds=120)).isoformat()
    assert state["failures"] == 1

    for later in (timedelta(0), timedelta(seconds=60), timedelta(seconds=119)):
        result, pf = ingest_at(opener, site, NOW + later)
        report = only(result)
        assert report.outcome == "waiting"
        assert report.new == ()
        assert any("not polled" in w for w in report.warnings)
    assert len(calls) == 1
    assert pf.store.count() == 0

    result, pf = ingest_at(opener, site, NOW + timedelta(seconds=121))
    report = only(result)
    assert (report.outcome, report.http_status, report.new) == ("ok", 200, (AI_ID,))
    assert result.ok
    assert len(calls) == 2
    state = pf.store.source_state("msit")
    assert state is not None
    assert (state["retry_after"], state["failures"], state["last_error"]) == (None, 0, None)


@pytest.mark.parametrize("status", [429, 503])
def test_without_retry_after_the_backoff_decides(
    status: int, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board's passing 503 that names no wait: tried again after our backoff (5 minutes after one failure),
    not an hour later (a fixed wait held a ministry's releases back for its whole length)."""
    calls = []

    def handler(request: Request) -> Response:
        calls.append(request.path)
        if len(calls) == 1:
            return Response("busy", status=status)
        return Response(rss(ai_item()), content_type=RSS_TYPE)

    httpserver.expect_request("/rss/dept_msit.xml").respond_with_handler(handler)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))

    first, pf = ingest_at(opener, site)
    assert (only(first).outcome, only(first).error) == ("failed", f"HTTP {status}")
    state = pf.store.source_state("msit")
    assert state is not None and (state["retry_after"], state["failures"]) == (None, 1)
    assert only(ingest_at(opener, site, NOW + timedelta(minutes=4))[0]).outcome == "waiting"
    assert len(calls) == 1

    result, pf = ingest_at(opener, site, NOW + timedelta(minutes=5))
    assert (only(result).outcome, only(result).new) == ("ok", (AI_ID,))
    assert len(calls) == 2


def test_404_is_failed(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    httpserver.expect_request("/rss/dept_msit.xml").respond_with_data(
        "<html><body>페이지를 찾을 수 없습니다</body></html>", status=404, content_type="text/html; charset=utf-8"
    )
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert (report.outcome, report.http_status, report.error) == ("failed", 404, "HTTP 404")
    assert not result.ok
    assert result.failure_lines() == ["source msit failed: HTTP 404"]
    state = pf.store.source_state("msit")
    assert state is not None and (state["last_error"], state["failures"]) == ("HTTP 404", 1)
    # the source backs off: the next run within five minutes leaves it alone, a later one tries again
    waiting, pf = ingest_at(opener, site, NOW + timedelta(minutes=4))
    assert only(waiting).outcome == "waiting" and waiting.ok
    assert any("backing off after 1 failure" in w for w in only(waiting).warnings)
    again, pf = ingest_at(opener, site, NOW + timedelta(minutes=5))
    assert only(again).outcome == "failed"
    assert len(httpserver.log) == 2
    assert pf.store.source_state("msit")["failures"] == 2  # type: ignore[index]
    # twice as long after the second failure; a source named explicitly is tried at once
    later, pf = ingest_at(opener, site, NOW + timedelta(minutes=14))
    assert only(later).outcome == "waiting"
    named, pf = ingest_at(opener, site, NOW + timedelta(minutes=14), source_ids=["msit"])
    assert only(named).outcome == "failed"
    assert len(httpserver.log) == 3


def test_html_error_page_served_as_200_is_failed(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    page = (
        "<!DOCTYPE html><html lang='ko'><head><title>서비스 점검 안내</title></head>"
        "<body><h1>서비스 점검 중입니다</h1><p>이용에 불편을 드려 죄송합니다.</p></body></html>"
    )
    serve(httpserver, "/rss/dept_msit.xml", page.encode(), content_type="text/html; charset=utf-8")
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.outcome == "failed"
    assert report.http_status == 200
    assert report.error is not None and report.error.startswith("not an RSS/Atom feed")
    assert not result.ok
    assert pf.store.count() == 0
    state = pf.store.source_state("msit")
    assert state is not None and state["body_sha256"] is None and state["failures"] == 1


def test_truncated_feed_is_ingested_with_warning(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    whole = rss_text(ai_item(), sixg_item(), law_item())
    cut = whole[: whole.index("<guid", whole.index(LAW_TITLE))]  # mid-way through the third item
    serve(httpserver, "/rss/dept_msit.xml", cut.encode())
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.outcome == "ok"
    assert result.ok
    assert report.new[:2] == (AI_ID, SIXG_ID)
    assert any(w.startswith("feed is not well-formed, used anyway") for w in report.warnings)
    assert pf.store.get(AI_ID) is not None and pf.store.get(SIXG_ID) is not None


def test_failing_source_does_not_stop_others(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    httpserver.expect_request("/rss/dept_moef.xml").respond_with_data("internal error", status=500)
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), law_item()))
    configure(
        site,
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
    )
    result, pf = ingest_at(opener, site)
    bad, good = result.reports
    assert (bad.source_id, bad.outcome, bad.error) == ("moef", "failed", "HTTP 500")
    assert (good.source_id, good.outcome, good.new) == ("msit", "ok", (AI_ID, LAW_ID))
    assert not result.ok
    assert [r.source_id for r in result.failed] == ["moef"]
    assert "moef: HTTP 500" in result.summary()
    assert result.summary() == "ingest: 2 sources, 2 new, 0 updated, 1 failed (moef: HTTP 500)"
    assert pf.store.get(AI_ID) is not None and pf.store.get(LAW_ID) is not None
    assert sorted(requested(httpserver)) == ["/rss/dept_moef.xml", "/rss/dept_msit.xml"]


# ======================================================================================
# EUC-KR
# ======================================================================================

MOEF_TITLE = "최근 경제동향(2025년 11월호)"
MOEF_BODY = "<p>최근 우리 경제는 반도체 등 정보통신기술(ICT) 품목을 중심으로 수출 호조가 이어지고 있다.</p>"


def moef_feed(declaration: str, extra_title: str = "") -> str:
    text = rss_text(
        item(
            156720530,
            MOEF_TITLE + extra_title,
            MOEF_BODY,
            guid="http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720530",
            link="http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720530&pWise=sub",
            pub="2025-11-07 10:00:00",
        ),
        title="기획재정부 보도자료",
    )
    return text.replace('<?xml version="1.0" encoding="UTF-8"?>', declaration)


def test_euc_kr_feed_labeled_in_content_type(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    body = moef_feed('<?xml version="1.0"?>').encode("euc-kr")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    serve(httpserver, "/rss/dept_moef.xml", body, content_type="text/xml; charset=euc-kr")
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.outcome == "ok" and report.warnings == ()
    (article,) = stored_articles(pf)
    assert article.title == MOEF_TITLE
    assert article.body_html == MOEF_BODY
    assert article.source is not None and article.source.name == "기획재정부"
    assert article.published == utc(2025, 11, 7, 1, 0)


def test_mislabeled_cp949_feed_declared_utf8(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    # "똠" exists only in CP949 (not in KS X 1001): what "EUC-KR" servers really send
    text = moef_feed('<?xml version="1.0" encoding="UTF-8"?>', " - 똠얌꿍 관세 포함")
    body = text.encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    serve(httpserver, "/rss/dept_moef.xml", body, content_type="application/rss+xml; charset=utf-8")
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    result, pf = ingest_at(opener, site)
    assert only(result).outcome == "ok"
    (article,) = stored_articles(pf)
    assert article.title == MOEF_TITLE + " - 똠얌꿍 관세 포함"
    assert article.body_html == MOEF_BODY
    assert "\ufffd" not in article.title + article.body_html


# ======================================================================================
# dedupe
# ======================================================================================


def test_a_board_link_with_a_new_session_each_fetch_is_one_item(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """eGovFrame boards put a session in every link for a client without their cookie: no guid, and a
    different link each fetch. One item, published by its link without the session."""
    board = "https://www.msit.go.kr/bbs/view.do;jsessionid={session}.node1?sCode=user&nttSeqNo=3186500"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(guid=None, link=board.format(session="A1B2"))))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    (created,) = only(first).new
    served.body = rss(ai_item(guid=None, link=board.format(session="C3D4")))
    second, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(second).new, only(second).unchanged) == ((), 1)
    assert [a.id for a in stored_articles(pf)] == [created]
    assert stored_articles(pf)[0].link == "https://www.msit.go.kr/bbs/view.do?sCode=user&nttSeqNo=3186500"


def test_a_php_boards_link_with_a_session_is_published_without_it(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A PHP board (gnuboard, XE with session.use_trans_sid) appends PHPSESSID to every link for a client
    without its cookie, as eGovFrame puts ;jsessionid= in the path. Keyed without it (one item), but the link
    readers got carried the fetcher's session: every subscriber's click joined one server session."""
    board = "https://www.kma.go.kr/bbs/board.php?bo_table=press&wr_id=1203&PHPSESSID={session}"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(guid=None, link=board.format(session="9f8e7d"))))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    assert len(only(first).new) == 1
    served.body = rss(ai_item(guid=None, link=board.format(session="0a1b2c")))
    second, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(second).new, only(second).unchanged) == ((), 1)
    assert [a.link for a in stored_articles(pf)] == ["https://www.kma.go.kr/bbs/board.php?bo_table=press&wr_id=1203"]


def test_a_board_that_re_renders_its_markup_updates_nothing(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """A ministry's board upgrade writes the same releases with other quoting, attribute order and spacing
    between paragraphs: readers see the same items, so none is re-dated; a word set in bold is an update."""
    photo = "https://www.msit.go.kr/upload/bbs/2025/3186500_1.jpg"
    written = f'<p>{AI_BODY[3:-4]}</p>\n<p><img src="{photo}" alt="컴퓨팅센터 조감도" width="600"></p>'
    served = serve(httpserver, "/rss/dept_msit.xml", rss(sixg_item(), item(156720412, AI_TITLE, written)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    before = pf.store.get(AI_ID)

    rerendered = f"<p class='txt'>\n  {AI_BODY[3:-4]}\n</p><p><img width=600 alt='컴퓨팅센터 조감도' src={photo} /></p>"
    served.body = rss(sixg_item(), item(156720412, AI_TITLE, rerendered), built="2025-11-08 09:00:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).updated, only(result).unchanged) == ((), 2)
    after = pf.store.get(AI_ID)
    assert after is not None and before is not None and after.article.updated == before.article.updated

    bold = rerendered.replace("참여기업", "<b>참여기업</b>")
    served.body = rss(sixg_item(), item(156720412, AI_TITLE, bold), built="2025-11-08 10:00:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert (only(result).updated, only(result).unchanged) == ((AI_ID,), 1)
    assert "<b>참여기업</b>" in pf.store.get(AI_ID).article.body_html  # type: ignore[union-attr]


def test_a_release_stored_with_its_embargo_notice_loses_it_without_an_update(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Releases stored before the notice was dropped: their next fetch stores the text without it, under the
    same dates. An update would show each to readers as unread again for a line they never needed."""
    notice = "<p><strong>※ 이 자료는 11월 7일(금) 12:00 이후 보도하여 주시기 바랍니다.</strong></p>"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(item(156720412, AI_TITLE, notice + AI_BODY)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None and "보도하여" not in stored.article.body_html
    # as a store written before this version holds it
    old = encode(replace(stored.article, body_html=sanitize_html(notice, PRESS) + stored.article.body_html))
    pf.store.write([ArticleWrite.from_upstream(old, stored.origin)])

    served.body = rss(item(156720412, AI_TITLE, notice + AI_BODY), built="2025-11-08 09:00:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).updated, only(result).unchanged) == ((), 1)
    after = pf.store.get(AI_ID)
    assert after is not None and "보도하여" not in after.article.body_html
    assert after.article.updated == stored.article.updated and after.upstream_hash == after.content_hash


def test_same_guid_with_changed_text_is_an_update(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    assert only(first).new == (AI_ID,)
    before = pf.store.get(AI_ID)
    assert before is not None and before.article.updated == utc(2025, 11, 7, 0, 0)

    changed = AI_BODY.replace("12월 5일", "12월 12일")
    served.body = rss(item(156720412, AI_TITLE, changed))
    later = NOW + timedelta(hours=2)
    second, pf = ingest_at(opener, site, later)
    report = only(second)
    assert (report.new, report.updated, report.unchanged, report.duplicates) == ((), (AI_ID,), 0, 0)
    assert second.summary() == "ingest: 1 source, 0 new, 1 updated"
    after = pf.store.get(AI_ID)
    assert after is not None
    assert pf.store.count() == 1
    assert "12월 12일" in after.article.body_html
    assert after.article.published == before.article.published
    assert after.article.updated == later
    assert after.seq > before.seq
    assert not locally_edited(after)


def viewed(views: int, updated: str = "") -> bytes:
    """The AI release as a board that puts its view counter in the description gives it; `updated`, the date
    of a change it dates (Atom's element in RSS, as a board's template writes it)."""
    extra = f'<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">{updated}</atom:updated>' if updated else ""
    return rss(item(156720412, AI_TITLE, f"{AI_BODY}<p>조회수 {views}</p>", extra=extra))


def test_an_item_changing_on_every_fetch_without_a_date_is_taken_a_bounded_number_of_times(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", viewed(1))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    taken, warnings, keys = [], [], []
    runs = UNDATED_CHANGES_MAX + 3
    for run in range(1, runs + 1):
        served.body = viewed(1 + run)
        result, pf = ingest_at(opener, site, NOW + timedelta(minutes=10 * run))
        taken.append(only(result).updated == (AI_ID,))
        warnings += only(result).warnings
        keys.append(dedupe_key_count(pf))
    assert taken == [True] * UNDATED_CHANGES_MAX + [False] * 3
    # said once, when the last change was taken; the versions not taken leave no keys behind
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{AI_ID} ({AI_TITLE}) changed 24 times without a date of its own")
    assert keys[-4] == keys[-3] == keys[-2] == keys[-1]
    stored = pf.store.get(AI_ID)
    assert stored is not None and f"조회수 {1 + UNDATED_CHANGES_MAX}<" in stored.article.body_html
    assert stored.article.updated == NOW + timedelta(minutes=10 * UNDATED_CHANGES_MAX)
    shown = CliRunner().invoke(cli, ["--site", str(site), "articles", "show", AI_ID])
    assert "upstream: changed 24 times without a date of its own" in shown.output

    # a change the feed dates is taken, and the count starts again
    served.body = viewed(100, updated="2025-11-09T04:30:00+09:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=8))
    assert only(result).updated == (AI_ID,)
    stored = pf.store.get(AI_ID)
    assert stored is not None and "조회수 100<" in stored.article.body_html and stored.undated_changes == 0
    served.body = viewed(101, updated="2025-11-09T04:30:00+09:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=8, minutes=10))
    assert only(result).updated == (AI_ID,)
    assert pf.store.get(AI_ID).undated_changes == 1  # type: ignore[union-attr]


def test_a_day_only_item_dating_its_corrections_has_each_taken_and_dated(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A review's: a board giving its day only as pubDate and a timed `updated`: the stored dates kept for its day
    hid the `updated` it gave, so each dated correction counted as undated (none taken past the limit), and
    none was dated (readers were not told)."""

    def corrected(run: int) -> bytes:
        when = f"2025-11-07T{9 + run // 6:02d}:{run % 6 * 10:02d}:00+09:00"
        extra = f'<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">{when}</atom:updated>'
        return rss(item(156720412, AI_TITLE, f"{AI_BODY}<p>정정 {run}</p>", pub="2025-11-07 00:00:00", extra=extra))

    served = serve(httpserver, "/rss/dept_msit.xml", corrected(0))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    for run in range(1, UNDATED_CHANGES_MAX + 3):
        served.body = corrected(run)
        result, pf = ingest_at(opener, site, NOW + timedelta(hours=run))
        stored = pf.store.get(AI_ID)
        assert only(result).updated == (AI_ID,) and stored is not None and stored.undated_changes == 0
        given = datetime(2025, 11, 7, 9 + run // 6, run % 6 * 10, tzinfo=ZoneInfo("Asia/Seoul"))
        assert stored.article.updated == given and stored.article.published == datetime(2025, 11, 6, 15, tzinfo=UTC)


def test_a_title_heading_is_a_change_of_a_newsroom_articles_own_text() -> None:
    """A review's: reader_view dropped a leading title for every article, so a CMS re-export adding or removing
    one was no update; a newsroom's text is its own (normalize keeps it there too)."""
    article = Article(
        id="tag:example-portal.kr,2025:cms/1",
        title=AI_TITLE,
        section="it-science",
        published=NOW,
        updated=NOW,
        link="https://www.example-portal.kr/news/1",
        body_html=AI_BODY,
    )
    headed = replace(article, body_html=f"<h2>{AI_TITLE}</h2>{AI_BODY}")
    assert reader_view(headed, ingested=True) == reader_view(article, ingested=True)
    assert reader_view(headed) != reader_view(article)


def test_a_new_status_or_date_is_taken_whatever_the_count_of_undated_changes(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A held release whose text came is published, a change upstream dates is taken: neither is restless."""
    serve(httpserver, "/rss/dept_msit.xml", viewed(1))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None
    held = replace(stored, upstream_status="draft", undated_changes=UNDATED_CHANGES_MAX)
    changed = encode(replace(stored.article, title="정정 " + AI_TITLE))
    now = stored.article.updated + timedelta(days=1)
    assert undated_changes(held, changed, explicit_updated=False, now=now) == UNDATED_CHANGES_MAX
    restless = replace(held, upstream_status="published")
    assert undated_changes(restless, changed, explicit_updated=False, now=now) is None
    later = stored.article.updated + timedelta(hours=1)
    dated = encode(replace(stored.article, title="정정 " + AI_TITLE, updated=later))
    assert undated_changes(restless, dated, explicit_updated=True, now=now) == 0
    # the fetch's own time is no date of upstream's: a board stamping its items so re-dates them every fetch
    assert undated_changes(restless, dated, explicit_updated=True, now=later + FETCH_STAMP) is None
    assert undated_changes(restless, dated, explicit_updated=True, now=later + FETCH_STAMP * 2) == 0
    # RSS: a board re-dates its item's pubDate on a correction
    redated = encode(replace(stored.article, title="정정 " + AI_TITLE, published=later, updated=later))
    assert undated_changes(restless, redated, explicit_updated=False, now=now) == 0
    earlier = encode(replace(stored.article, title="정정 " + AI_TITLE, updated=stored.article.updated))
    assert undated_changes(restless, earlier, explicit_updated=True, now=now) is None  # no date after the stored one
    assert undated_changes(replace(restless, undated_changes=3), changed, explicit_updated=False, now=now) == 4


def test_a_text_opening_with_the_title_loses_it_and_a_release_stored_with_it_is_no_update(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board's page (or feed) opening with the release's title as a heading: readers saw the title twice.
    A release stored with it before is stored without it under the dates readers have."""
    served = serve(
        httpserver, "/rss/dept_msit.xml", rss(item(156720412, AI_TITLE, f"<h2>[보도자료] {AI_TITLE}</h2>{AI_BODY}"))
    )
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None and plain_text(stored.article.body_html).startswith("과학기술정보통신부는")
    # as a version before stored it: with the heading
    before = replace(stored.article, body_html=f"<h2>[보도자료] {AI_TITLE}</h2>{stored.article.body_html}")
    pf.store.write([ArticleWrite.from_upstream(encode(before), stored.origin)])
    served.body = rss(
        item(156720412, AI_TITLE, f"<h2>[보도자료] {AI_TITLE}</h2>{AI_BODY}"), built="2025-11-08 18:00:00"
    )
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert only(result).updated == ()
    after = pf.store.get(AI_ID)
    assert after is not None and after.article.body_html == stored.article.body_html
    assert after.article.updated == stored.article.updated


def test_a_boards_label_of_a_release_is_no_part_of_its_title_and_one_stored_with_it_is_no_update(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board lists its releases as "[보도자료] …" and the service without: the board's copy, first, gave
    readers the label as the title. A release stored with it before is stored without it under its dates."""
    labelled = f"[보도자료] {AI_TITLE}"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(item(156720412, labelled, AI_BODY)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None and stored.article.title == AI_TITLE
    pf.build()
    assert f"<title>{labelled}</title>" not in (site / "public" / "rss.xml").read_text(encoding="utf-8")
    before = replace(stored.article, title=labelled)  # as a version before stored it
    pf.store.write([ArticleWrite.from_upstream(encode(before), stored.origin)])
    served.body = rss(item(156720412, labelled, AI_BODY), built="2025-11-08 18:00:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert only(result).updated == ()
    after = pf.store.get(AI_ID)
    assert after is not None and after.article.title == AI_TITLE and after.article.updated == stored.article.updated


@pytest.mark.parametrize("label", ["［보도자료］", "［보도참고자료］", "（보도자료）"])
def test_a_boards_full_width_label_of_a_release_is_no_part_of_its_title(
    label: str, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A Korean IME in full-width mode writes the board's label as "［보도자료］": the title key already reads
    it as the label (keys.title_identity folds NFKC first), but the title readers got kept it, while
    "【보도자료】" and "[보도자료]" are taken off (keys.without_release_label sees no NFKC)."""
    serve(httpserver, "/rss/dept_msit.xml", rss(item(156720412, f"{label} {AI_TITLE}", AI_BODY)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None and stored.article.title == AI_TITLE


def test_same_link_across_sources_is_one_article(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(
        httpserver,
        "/rss/dept_msit.xml",
        rss(law_item(link=f"{PRESS}156720010&call_from=rsslink")),
    )
    serve(
        httpserver,
        "/rss/pressrelease.xml",
        rss(
            item(
                156720010,
                "인공지능 기본법 시행령 제정안 40일간 입법예고",
                "<p>고영향 인공지능 판단 기준 등을 담은 시행령 제정안이 공개됐다.</p>",
                guid="pressrelease-156720010",
                link="http://korea.kr/briefing/pressReleaseView.do?newsId=156720010&utm_source=rss&utm_medium=feed",
                pub="Mon, 03 Nov 2025 12:00:00 +0900",
            ),
            title="정책브리핑 보도자료",
        ),
    )
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
    )
    result, pf = ingest_at(opener, site)
    msit, combined = result.reports
    assert (msit.new, msit.duplicates) == ((LAW_ID,), 0)
    assert (combined.new, combined.duplicates) == ((), 1)
    (article,) = stored_articles(pf)
    assert article.id == LAW_ID
    assert article.title == LAW_TITLE
    assert pf.store.dedupe_sources([LAW_ID]) == {LAW_ID: ["korea-kr", "msit"]}

    # next run: each source's own guid now points at the same article
    second, _ = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert [(r.outcome, r.new) for r in second.reports] == [("not-modified", ()), ("not-modified", ())]
    assert pf.store.count() == 1


def test_same_link_arriving_later_in_another_source_is_a_duplicate(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(law_item()))
    combined = serve(httpserver, "/rss/pressrelease.xml", rss(title="정책브리핑 보도자료"))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
    )
    ingest_at(opener, site)
    combined.body = rss(
        item(
            156720010,
            "입법예고 안내",
            "<p>다른 본문</p>",
            guid="pressrelease-156720010",
            link="https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720010&fbclid=IwAR0",
        ),
        title="정책브리핑 보도자료",
    )
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert [(r.source_id, r.new, r.duplicates) for r in result.reports] == [("msit", (), 0), ("korea-kr", (), 1)]
    assert pf.store.count() == 1
    assert pf.store.get(LAW_ID).origin == "source:msit"  # type: ignore[union-attr]


#: the AI release as the ministry's board titles it, with its subtitle, and its whole text (long enough to tell a story)
AI_SUBTITLED = f"{AI_TITLE} - 2030년까지 첨단 GPU 5만 장 확보 지원 -"
AI_WHOLE = AI_BODY + (
    "<p>과기정통부는 공모를 통해 선정된 컨소시엄이 2030년까지 첨단 그래픽처리장치 5만 장 이상을 확보하도록"
    " 지원할 계획이다.</p>"
)


@pytest.mark.parametrize("board_first", [False, True])
def test_a_release_under_its_title_with_the_subtitle_is_one_article(
    board_first: bool, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The service's copy without the subtitle, the board's with: neither the title nor title and text together
    are one key, and readers had the release twice. Its whole text under a title with more of it is a copy."""
    board_item = item(
        156720412, AI_SUBTITLED, AI_WHOLE, guid="3186001", link="https://www.msit.go.kr/bbs/view.do?nttSeqNo=3186001"
    )
    combined_item = item(156720412, AI_TITLE, AI_WHOLE, guid="pressrelease-156720412")
    board = serve(httpserver, "/rss/dept_msit.xml", rss(board_item) if board_first else rss())
    combined = serve(httpserver, "/rss/pressrelease.xml", rss() if board_first else rss(combined_item))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
    )
    first, pf = ingest_at(opener, site)
    board.body, combined.body = rss(board_item), rss(combined_item)
    second, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    (article,) = stored_articles(pf)
    assert article.title == (AI_SUBTITLED if board_first else AI_TITLE)  # the first copy's, as for any copy
    assert sum(len(r.new) for r in (*first.reports, *second.reports)) == 1
    assert sorted(pf.store.dedupe_sources([article.id])[article.id]) == ["korea-kr", "msit"]


@pytest.mark.parametrize("label", ["[정정]", "[사진]", "[2보]"])
def test_an_item_labelled_as_another_with_the_releases_text_is_another_item(
    label: str, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A review's: a correction reposted with the release's text (the fix in its attachment) joined the
    service's copy of the original by its text, and was gone as a duplicate."""
    service = item(156720412, AI_TITLE, AI_WHOLE, guid="pressrelease-156720412")
    board = "https://www.msit.go.kr/bbs/view.do?nttSeqNo="
    original = item(1, AI_TITLE, AI_WHOLE, guid="3186001", link=f"{board}3186001")
    link, pub = f"{board}3186002", "2025-11-07 15:00:00"
    labelled = item(2, f"{label} {AI_TITLE}", AI_WHOLE, guid="3186002", link=link, pub=pub)
    serve(httpserver, "/rss/pressrelease.xml", rss(service))
    serve(httpserver, "/rss/dept_msit.xml", rss(original, labelled))
    configure(
        site,
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
    )
    _, pf = ingest_at(opener, site)
    assert sorted(a.title for a in stored_articles(pf)) == sorted([AI_TITLE, f"{label} {AI_TITLE}"])


def test_a_boilerplate_text_under_another_title_is_another_release(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A text alone joins no two releases: a board's boilerplate long enough to key would join them all."""
    boilerplate = (
        "<p>본 보도자료의 자세한 내용은 첨부파일을 참고하시기 바랍니다. 보도자료 내용에 대한 문의는 담당부서로 연락하여"
        " 주시기 바랍니다. 과학기술정보통신부 대변인실 044-202-4034. 첨부파일이 열리지 않으면"
        " 누리집의 보도자료 게시판에서 내려받으실 수 있습니다.</p>"
    )
    assert body_key(plain_text(boilerplate)) is not None  # long enough to key: only the titles tell them apart
    serve(httpserver, "/rss/dept_msit.xml", rss(item(1, AI_TITLE, boilerplate, guid="1")))
    serve(httpserver, "/rss/pressrelease.xml", rss(item(2, SIXG_TITLE, boilerplate, guid="pressrelease-2")))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
    )
    _, pf = ingest_at(opener, site)
    assert sorted(a.title for a in stored_articles(pf)) == sorted([AI_TITLE, SIXG_TITLE])


def test_same_text_different_links_and_guids_is_one_article(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    title = "과기정통부-기재부, 인공지능 전환(AX) 민관 합동 투자 확대 방안 발표"
    more = "두 부처는 민관 합동 투자를 2030년까지 100조 원 규모로 늘리고, 지역 거점 데이터센터를 함께 확충한다."
    body = (
        "<p>과학기술정보통신부와 기획재정부는 11월 6일 정부서울청사에서 '인공지능 전환(AX) 민관 합동 투자 확대 방안'을"
        f" 발표했다. {more}</p>"
    )
    reformatted = (
        "<div><p>과학기술정보통신부와   기획재정부는 11월 6일\n정부서울청사에서 "
        f"<b>'인공지능 전환(AX) 민관 합동 투자 확대 방안'</b>을 발표했다.</p><p>{more}</p></div>"
    )
    serve(
        httpserver,
        "/rss/dept_msit.xml",
        rss(item(156720355, title, body, link="https://www.msit.go.kr/bbs/view.do?nttSeqNo=3185555")),
    )
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(
            item(
                "x",
                title,
                reformatted,
                guid="moef-press-7781",
                link="https://www.moef.go.kr/nw/nes/detailNesDtaView.do?searchNttId1=MOSF_000000000071234",
                pub="2025-11-06 11:00:00",
            ),
            title="기획재정부 보도자료",
        ),
    )
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
    )
    result, pf = ingest_at(opener, site)
    msit, moef = result.reports
    joint = guid_id("msit", "msit-156720355")
    assert (msit.new, moef.new, moef.duplicates) == ((joint,), (), 1)
    (article,) = stored_articles(pf)
    assert article.id == joint
    assert article.section == "it-science"
    assert pf.store.dedupe_sources([joint]) == {joint: ["moef", "msit"]}


POLICY_TITLE = "「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최"
POLICY_BODY = (
    "<p>기획재정부는 11월 24일 정부세종청사에서 경제단체, 연구기관, 학계 전문가가 참석한 가운데 "
    "‘2027년 경제정책방향’ 수립을 위한 민관 합동 간담회를 개최했다.</p>"
)
BOARD_LINK = "http://www.moef.go.kr/nw/nes/detailNesDtaView.do?searchNttId1=MOSF_000000000074400"


def title_only_board(*items: tuple[str, str, str]) -> bytes:
    """A ministry board as 재정경제부's is: title, http:// link and a naive date, no description at all."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link.replace('&', '&amp;')}</link><pubDate>{pub}</pubDate></item>"
        for title, link, pub in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>기획재정부 보도자료</title>'
        f"<link>https://www.moef.go.kr/</link><description>보도자료</description>{entries}</channel></rss>"
    ).encode()


def two_copies(httpserver: HTTPServer, site: Path, board_pub: str, board_title: str = POLICY_TITLE) -> Path:
    """The release with its text from one source (the press-release service's copy, listed first) and as a
    title on the ministry's board, under another link."""
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(
            service_item(),
            title="기획재정부 보도자료",
        ),
    )
    serve(httpserver, "/board/rss.do", title_only_board((board_title, BOARD_LINK, board_pub)))
    return configure(
        site,
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        source(
            "moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", section="economy", republish="link"
        ),
    )


@pytest.mark.parametrize("board_pub", ["2025-11-06 00:00:00.0", "2025-11-07 00:00:00.0"], ids=["same-day", "next-day"])
def test_a_boards_title_only_copy_joins_the_release_with_its_text(
    httpserver: HTTPServer, site: Path, opener: Opener, board_pub: str
) -> None:
    """The API's copy and the board's carry different links and the board has no text: only the agency, the
    title and the day say they are one release, which would otherwise be published twice."""
    two_copies(httpserver, site, board_pub)
    result, pf = ingest_at(opener, site)
    text, board = result.reports
    (article,) = stored_articles(pf)
    assert (text.new, board.new, board.duplicates) == ((article.id,), (), 1)
    assert "민관 합동 간담회를 개최했다" in article.body_html
    assert pf.store.dedupe_lookup([link_key(BOARD_LINK)]) == {link_key(BOARD_LINK): article.id}  # citable


@pytest.mark.parametrize(
    ("board_pub", "board_title"),
    [
        ("2025-11-08 00:00:00.0", POLICY_TITLE),  # two days apart: another release of the same name
        ("2025-11-06 00:00:00.0", "「2027년 경제정책방향」 발표"),
    ],
    ids=["two-days-apart", "other-title"],
)
def test_a_board_item_of_another_day_or_title_stays_its_own(
    httpserver: HTTPServer, site: Path, opener: Opener, board_pub: str, board_title: str
) -> None:
    two_copies(httpserver, site, board_pub, board_title)
    result, pf = ingest_at(opener, site)
    assert [len(report.new) for report in result.reports] == [1, 1]
    assert len(stored_articles(pf)) == 2


JOINT_TITLE = "청년 자산형성 지원을 위한 범정부 공동 방안 발표"
JOINT_BODY = (
    "<p>기획재정부와 금융위원회는 11월 6일 청년의 자산형성을 돕기 위한 범정부 공동 방안을 발표했다. "
    "청년도약계좌의 기여금을 늘리고 중도해지 요건을 완화하는 내용이 담겼다.</p>"
    "<p>[뉴스출처 : 기획재정부] [뉴스출처 : 금융위원회]</p>"
)
FSC_LINK = "https://www.fsc.go.kr/no010101/84210"


@pytest.mark.parametrize("first", ["lead-with-text", "co-ministry-board"])
def test_a_joint_releases_title_on_the_other_agencys_board_is_the_same_item(
    httpserver: HTTPServer, site: Path, opener: Opener, first: str
) -> None:
    """The service lists a joint release under its lead ministry, with a text whose credit names both; the
    other ministry's board gives the same title that day. Title keys were the lead's alone: two items."""
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(item(156750400, JOINT_TITLE, JOINT_BODY, guid="156750400", pub="2025-11-06 14:00:00")),
    )
    serve(httpserver, "/fsc/rss.do", title_only_board((JOINT_TITLE, FSC_LINK, "2025-11-06 00:00:00.0")))
    sources = [
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        source("fsc-board", httpserver.url_for("/fsc/rss.do"), name="금융위원회", section="economy"),
    ]
    configure(site, *(sources if first == "lead-with-text" else reversed(sources)))
    config = site / "feeds" / "pressfeed.yaml"
    registry = {"agencies": {"기획재정부": {"id": "moef"}, "금융위원회": {"id": "fsc"}}}
    config.write_text(config.read_text(encoding="utf-8") + yaml.safe_dump(registry, allow_unicode=True), "utf-8")
    _, pf = ingest_at(opener, site)
    (only_one,) = stored_articles(pf)
    article = pf.store.get(only_one.id)
    assert article is not None and article.origin == "source:moef"
    assert article.article.status is Status.PUBLISHED and "청년도약계좌의 기여금을 늘리고" in article.article.body_html
    assert article.article.source is not None
    assert article.article.source.credit == "[뉴스출처 : 기획재정부] [뉴스출처 : 금융위원회]"
    assert sorted(pf.store.dedupe_sources([only_one.id])[only_one.id]) == ["fsc-board", "moef"]
    assert pf.store.dedupe_lookup([link_key(FSC_LINK)]) == {link_key(FSC_LINK): only_one.id}  # citable by either


@pytest.mark.parametrize("marked", [True, False], ids=["marked-joint", "not-marked"])
def test_a_release_titled_joint_is_one_item_whichever_ministry_lists_it(
    httpserver: HTTPServer, site: Path, opener: Opener, marked: bool
) -> None:
    """An attack's: the service lists a joint release under its lead ministry, crediting it alone; another
    ministry's board gives the title. Its title says "(관계부처 합동)", so it is every ministry's. Without
    that mark the same title of another ministry is another ministry's release: two items, as before."""
    title = "부동산 시장 안정 및 주택 공급 확대 방안" + (" (관계부처 합동)" if marked else "")
    body = "<p>정부는 11월 6일 부동산 시장 안정을 위한 대책을 발표했다. 주택 공급을 확대하고 대출 규제를 정비한다.</p>"
    serve(httpserver, "/rss/molit.xml", rss(item(156750500, title, body, guid="156750500", pub="2025-11-06 11:00:00")))
    serve(httpserver, "/board/rss.do", title_only_board((title, BOARD_LINK, "2025-11-06 00:00:00.0")))
    configure(
        site,
        source("molit", httpserver.url_for("/rss/molit.xml"), name="국토교통부", section="economy"),
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", section="economy"),
    )
    result, pf = ingest_at(opener, site)
    molit, board = result.reports
    assert len(molit.new) == 1
    assert (len(board.new), board.duplicates) == ((0, 1) if marked else (1, 0))
    assert len(stored_articles(pf)) == (1 if marked else 2)


def title_first(httpserver: HTTPServer, site: Path, api: dict[str, Any] | None = None, **board: Any) -> None:
    """The press-release service with nothing yet, listed first; the board with the release's title only."""
    serve(httpserver, "/rss/dept_moef.xml", rss(title="기획재정부 보도자료"))
    serve(httpserver, "/board/rss.do", title_only_board((POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0")))
    configure(
        site,
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy", **(api or {})),
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", **board),
    )


def service_item(body: str = POLICY_BODY, **kwargs: Any) -> str:
    """The service's copy of the release, with its text (or a correction of it)."""
    return item(156750300, POLICY_TITLE, body, guid="156750300", pub="2025-11-06 14:00:00", **kwargs)


def text_arrives(httpserver: HTTPServer, *items: str) -> None:
    """The service's answer (its copy of the release, with its text, unless `items` say otherwise); the board
    lists the title still."""
    httpserver.clear()
    serve(httpserver, "/rss/dept_moef.xml", rss(*(items or (service_item(),))))
    serve(httpserver, "/board/rss.do", title_only_board((POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0")))


def taken_over_under_link_terms(httpserver: HTTPServer, site: Path, opener: Opener) -> Pressfeed:
    """The board's title published as a link (its terms), and readers have it; an hour later the service's copy
    with the text takes it over. The library then."""
    title_first(httpserver, site, republish="link")
    _, pf = ingest_at(opener, site)
    pf.build()  # readers have the board's item
    text_arrives(httpserver)
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    return pf


@pytest.mark.parametrize("rights", ["link", "full"], ids=["published-as-link", "held-as-draft"])
def test_the_copy_with_text_takes_over_a_title_the_board_posted_a_run_earlier(
    httpserver: HTTPServer, site: Path, opener: Opener, rights: str
) -> None:
    """Boards often post before the press-release service: the title-only copy came first, and owned the
    story. The copy with text now takes it over, under the same id: readers see that item updated."""
    title_first(httpserver, site, republish=rights)
    _, pf = ingest_at(opener, site)
    pf.build()  # readers get the link (a held title: nothing)
    (board,) = stored_articles(pf)
    assert board.body_html == "" and board.status is (Status.PUBLISHED if rights == "link" else Status.DRAFT)
    text_arrives(httpserver)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    text, _ = result.reports
    (article,) = stored_articles(pf)
    assert (article.id, text.updated, text.new) == (board.id, (board.id,), ())
    assert "민관 합동 간담회를 개최했다" in article.body_html and article.status is Status.PUBLISHED
    assert pf.store.get(board.id).origin == "source:moef"  # type: ignore[union-attr]
    if rights == "link":  # the feeds still carry only its link (the board's terms count): nothing new to show
        assert (article.link, article.published, article.updated) == (board.link, board.published, board.updated)
    else:  # readers had nothing of it: published now, with its text
        assert article.updated == NOW + timedelta(hours=1)
    # and the board's copy, unchanged on the next run, is a duplicate of it again, not a way back
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [r.updated for r in result.reports] == [(), ()] and "개최했다" in stored_articles(pf)[0].body_html


#: the release's whole text, as the service gives it, and the board's teaser of it
POLICY_WHOLE = POLICY_BODY + (
    "<p>이날 간담회에서는 내년 거시경제 여건과 주요 위험 요인을 점검하고, 민생 경제 회복과 잠재성장률 제고를 위한"
    " 정책 과제를 논의했다.</p><p>기획재정부는 간담회에서 나온 의견을 검토해 12월 중 경제정책방향을 확정·발표할"
    " 계획이라고 밝혔다.</p><p>간담회에 참석한 전문가들은 수출 회복세가 내수로 이어지도록 투자 활성화와"
    " 규제 개선을 서둘러야 한다고 입을 모았다.</p>"
)
POLICY_TEASER = "<p>기획재정부는 11월 24일 정부세종청사에서 경제단체, 연구기관, 학계 전문가가 참석한 가운데...</p>"


@pytest.mark.parametrize("service", ["whole", "teaser", "short"])
def test_the_copy_with_the_releases_text_takes_over_a_teaser_the_board_posted(
    httpserver: HTTPServer, site: Path, opener: Opener, service: str
) -> None:
    """A subscriber's attack: the board's item had a teaser only (its page gave no text), published as the feed
    gave it; the service's copy with the whole text came hours later and was a duplicate, readers kept the
    teaser. It takes the teaser over, as it does a title. A copy with no more than a teaser, or a text too
    short to be a release's, does not: two copies of such would take each other over."""
    service_feed = serve(httpserver, "/rss/dept_moef.xml", rss(title="기획재정부 보도자료"))
    teaser = f"<item><title>{POLICY_TITLE}</title><link>{BOARD_LINK}</link><pubDate>2025-11-06 00:00:00.0</pubDate>"
    teaser += f"<description><![CDATA[{POLICY_TEASER}]]></description></item>"
    serve(httpserver, "/board/rss.do", title_only_board().replace(b"</channel>", teaser.encode() + b"</channel>"))
    configure(
        site,
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부"),
    )
    _, pf = ingest_at(opener, site)
    (board,) = stored_articles(pf)
    assert board.status is Status.PUBLISHED and board.body_html.endswith("...</p>")
    text = {"whole": POLICY_WHOLE, "teaser": POLICY_TEASER, "short": POLICY_BODY}[service]
    service_feed.body = rss(item(156750300, POLICY_TITLE, text, guid="156750300"))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    (article,) = stored_articles(pf)
    assert article.id == board.id
    if service == "whole":
        assert result.reports[0].updated == (board.id,) and "12월 중 경제정책방향을 확정" in article.body_html
        assert pf.store.get(board.id).origin == "source:moef"  # type: ignore[union-attr]
    else:
        assert (result.reports[0].updated, result.reports[0].duplicates) == ((), 1)
        assert article.body_html == board.body_html


def test_a_title_taken_over_under_link_terms_takes_its_new_owners_next_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The story machine's (seed 1169): the text stored under the link and dates readers had of the board's
    title was recorded as upstream's version under the service's own link and date, so the article read as
    edited by an editor. The service's next correction was kept out as against an edit, its keys never
    recorded, and a newsroom article copying the corrected text stood beside the release."""
    pf = taken_over_under_link_terms(httpserver, site, opener)
    stored = pf.store.get(stored_articles(pf)[0].id)
    assert stored is not None and not locally_edited(stored)
    # unchanged on the next run: nothing to take, nothing kept out
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [(r.updated, r.conflicts) for r in result.reports] == [((), ()), ((), ())]
    corrected = POLICY_WHOLE.replace("</p>", " 간담회에는 관계부처 차관도 참석했다.</p>", 1)
    text_arrives(httpserver, service_item(corrected))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    (article,) = stored_articles(pf)
    assert result.reports[0].updated == (stored.article.id,) and "차관도 참석했다" in article.body_html
    assert pf.store.upstream_changes([article.id]) == {}  # nothing kept out
    key = body_key(plain_text(corrected))
    assert key is not None and pf.store.dedupe_lookup([key]) == {key: article.id}  # a copy of it is found


def test_a_title_taken_over_under_link_terms_by_a_copy_at_the_boards_page_is_not_redated_at_the_next_answer(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The copy with text links the board's own page in another form (https, no www., a tracking
    parameter). The takeover stores text and upstream's version under the link and dates readers had (5a94f7a);
    at the service's next answer (another release posted) _keep_link takes the same page's link back but not the
    dates (only another page, `had_link`, keeps them), so the item reads as a change of upstream's: the release
    is re-dated to the service's time and told to readers as updated, with nothing new for them."""
    same_page = BOARD_LINK.replace("http://www.", "https://") + "&call_from=rsslink"
    taken_over = service_item(link=same_page)
    title_first(httpserver, site, republish="link")
    _, pf = ingest_at(opener, site)
    pf.build()  # readers have the board's item
    text_arrives(httpserver, taken_over)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    (article,) = stored_articles(pf)
    assert result.reports[0].updated == (article.id,) and "개최했다" in article.body_html
    text_arrives(httpserver, taken_over, ai_item())  # its next answer: another release
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [(r.updated, r.conflicts) for r in result.reports] == [((), ()), ((), ())]
    after = pf.article(article.id)
    assert (after.article.published, after.article.updated) == (article.published, article.updated)
    assert not locally_edited(after)


def test_an_editors_date_on_a_title_taken_over_under_link_terms_is_no_upstream_change(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) After a link-terms takeover (5a94f7a: upstream's version under the board's link and dates), an
    editor gives the release the service's real time. The service's next answer, its item unchanged, is put
    under the link and dates the article holds (_keep_link, `had_link`), the editor's among them, and read as a
    change of upstream's: "kept local edit" was told with nothing changed upstream, `sources check` named the
    release for good, and the version kept out was the editor's own."""
    pf = taken_over_under_link_terms(httpserver, site, opener)
    (article,) = stored_articles(pf)
    stored = pf.article(article.id)
    edited = replace(stored.article, published=utc(2025, 11, 6, 5, 0))  # the service's 14:00 KST, not midnight
    pf.store.write([ArticleWrite(encode(edited), stored.origin)])
    taken_over = service_item()
    # the service's next answer: another release posted, this one's item unchanged
    text_arrives(httpserver, taken_over, ai_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [(r.updated, r.conflicts) for r in result.reports] == [((), ()), ((), ())]
    assert pf.store.upstream_changes([article.id]) == {}
    assert pf.source_health()[0].kept_out == ()
    assert pf.article(article.id).article == edited and locally_edited(pf.article(article.id))
    # and the service's correction after is kept out of the edit, for `articles revert`
    corrected = POLICY_BODY.replace("</p>", " 간담회에는 관계부처 차관도 참석했다.</p>")
    text_arrives(httpserver, taken_over.replace(POLICY_BODY, corrected), ai_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert result.reports[0].conflicts == (article.id,)
    kept = pf.store.upstream_changes([article.id])[article.id]
    assert "차관도 참석했다" in kept.article.body_html


@pytest.mark.parametrize("copy_status", ["published", "draft"])
def test_a_takeover_keeps_the_hide_an_editor_gave_the_title(
    httpserver: HTTPServer, site: Path, opener: Opener, copy_status: str
) -> None:
    """An attack's: the board's title was held as a draft and an editor hid it; the copy with text took the
    release over and published it, its status differing from the held draft's taken for upstream's word. A
    review's: from a `status: draft` source, the copy made it a draft."""
    title_first(httpserver, site, api=dict(status=copy_status))
    _, pf = ingest_at(opener, site)
    (board,) = stored_articles(pf)
    assert board.status is Status.DRAFT  # held: its page gave no text
    pf.store.set_status(board.id, Status.HIDDEN, NOW)
    text_arrives(httpserver)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert result.reports[0].updated == (board.id,)
    (article,) = stored_articles(pf)
    assert "민관 합동 간담회를 개최했다" in article.body_html and article.status is Status.HIDDEN


def test_a_held_title_an_editor_hid_stays_hidden_when_its_text_comes(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The README: hidden articles stay hidden. A held title's draft is pressfeed's hold, not an agency's word
    on its status: the text arriving later (the board's own feed here) does not undo an editor's hide."""
    serve(httpserver, "/board/rss.do", title_only_board((POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0")))
    configure(site, source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부"))
    _, pf = ingest_at(opener, site)
    (held,) = stored_articles(pf)
    assert held.status is Status.DRAFT
    pf.store.set_status(held.id, Status.HIDDEN, NOW)
    httpserver.clear()
    item = f"<pubDate>2025-11-06 00:00:00.0</pubDate><description><![CDATA[<p>{POLICY_BODY}</p>]]></description>"
    board = title_only_board((POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0"))
    serve(httpserver, "/board/rss.do", board.replace(b"<pubDate>2025-11-06 00:00:00.0</pubDate>", item.encode()))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    (article,) = stored_articles(pf)
    assert result.reports[0].updated == (held.id,) and "개최했다" in article.body_html
    assert article.status is Status.HIDDEN


def test_a_held_title_taken_over_under_link_terms_is_new_to_readers_now(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A review's: a held title (in no feed) taken over by a `republish: link` source's copy entered the feeds
    under its old dates, `updated` before `published`."""
    title_first(httpserver, site, api={"republish": "link"})
    _, pf = ingest_at(opener, site)
    assert stored_articles(pf)[0].status is Status.DRAFT
    text_arrives(httpserver)
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    (article,) = stored_articles(pf)
    assert article.status is Status.PUBLISHED and article.updated == NOW + timedelta(hours=1) >= article.published


def test_a_takeover_forgets_what_an_undone_edit_of_the_title_kept_out(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The board's title, edited and undone, kept a version of the board's out: the copy with text took the
    article over and that stale version stayed, for `articles revert` to put back over the text (a review)."""
    from pressfeed.store.base import UpstreamChange

    title_first(httpserver, site, republish="link")
    _, pf = ingest_at(opener, site)
    (board,) = stored_articles(pf)
    stale = encode(replace(board, title=POLICY_TITLE + " (수정)"))
    pf.store.save_upstream_changes([UpstreamChange.kept(stale, NOW)])
    httpserver.clear()
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(service_item()),
    )
    serve(httpserver, "/board/rss.do", rss(title="기획재정부 게시판"))  # the board lists it no more
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert result.reports[0].updated == (board.id,)
    assert pf.store.upstream_changes([board.id]) == {}


def test_the_copy_with_text_takes_over_a_title_brought_earlier_in_the_same_run(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """With the board listed first, its title is placed first in the run: the text still wins."""
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(service_item()),
    )
    serve(httpserver, "/board/rss.do", title_only_board((POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0")))
    configure(
        site,
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", republish="link"),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
    )
    result, pf = ingest_at(opener, site)
    board, text = result.reports
    (article,) = stored_articles(pf)
    assert (board.new, text.updated) == ((article.id,), (article.id,))
    assert "민관 합동 간담회를 개최했다" in article.body_html
    assert pf.store.get(article.id).origin == "source:moef"  # type: ignore[union-attr]


NEXT_POST = (
    "「2027년 경제정책방향」 관계부처 합동 브리핑 일정 안내",
    BOARD_LINK.replace("74400", "74401"),
    "2025-11-06 00:00:00.0",
)


@pytest.mark.parametrize("why", ["new-post", "page-due"])
def test_the_copy_with_text_takes_over_a_title_its_board_lists_again_in_the_same_run(
    httpserver: HTTPServer, site: Path, opener: Opener, why: str
) -> None:
    """The board, listed first, is read again in the run the text comes (it posted something else, or the page
    of its held title is due for another try), so its own copy is decided first: the text still takes the
    release over. It was a duplicate, and the release stayed a draft, out of every feed, until the text's
    source changed again in a run that did not read the board."""
    page = httpserver.url_for("/board/view.do") + "?nttId=74400"
    link = page if why == "page-due" else BOARD_LINK
    if why == "page-due":
        serve(httpserver, "/board/view.do", b"busy", content_type="text/plain", status=500)
    board = serve(httpserver, "/board/rss.do", title_only_board((POLICY_TITLE, link, "2025-11-06 00:00:00.0")))
    moef = serve(httpserver, "/rss/dept_moef.xml", rss(title="기획재정부 보도자료"))
    fulltext = {"fulltext": "auto"} if why == "page-due" else {}
    configure(
        site,
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", section="economy", **fulltext),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
    )
    _, pf = ingest_at(opener, site)
    (held,) = stored_articles(pf)
    assert held.status is Status.DRAFT
    listed = [(POLICY_TITLE, link, "2025-11-06 00:00:00.0")]
    if why == "new-post":
        listed.append(NEXT_POST)
        board.body = title_only_board(*listed)
    moef.body = rss(service_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    read_again, text = result.reports
    assert read_again.unchanged == 1 and (text.updated, text.duplicates) == ((held.id,), 0)  # the title decided first
    article = pf.store.get(held.id)
    assert article is not None and article.origin == "source:moef"
    assert article.article.status is Status.PUBLISHED and "민관 합동 간담회를 개최했다" in article.article.body_html
    # the board read again (a third post), its title is a duplicate of the text, not a way back
    board.body = title_only_board(*listed, (NEXT_POST[0] + " 변경", NEXT_POST[1] + "2", NEXT_POST[2]))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert [r.updated for r in result.reports] == [(), ()]
    assert pf.store.get(held.id) == article


def test_a_briefing_of_the_same_name_on_consecutive_days_keeps_each_days_copy(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Two releases under one title a day apart: each board copy joins its own day's release, not the first."""
    title = "코로나바이러스감염증-19 국내 발생 현황 정례브리핑"
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(
            item(156750301, title, POLICY_BODY, guid="156750301", pub="2025-11-06 14:00:00"),
            item(156750302, title, POLICY_BODY.replace("24일", "25일"), guid="156750302", pub="2025-11-07 14:00:00"),
            title="기획재정부 보도자료",
        ),
    )
    second = BOARD_LINK.replace("74400", "74401")
    serve(
        httpserver,
        "/board/rss.do",
        title_only_board((title, BOARD_LINK, "2025-11-06 00:00:00.0"), (title, second, "2025-11-07 00:00:00.0")),
    )
    configure(
        site,
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", republish="link"),
    )
    result, pf = ingest_at(opener, site)
    assert [len(report.new) for report in result.reports] == [2, 0]
    owners = pf.store.dedupe_lookup([link_key(BOARD_LINK), link_key(second)])
    assert owners == {
        link_key(BOARD_LINK): guid_id("moef", "156750301"),
        link_key(second): guid_id("moef", "156750302"),
    }


@pytest.mark.parametrize("order", ["newest-first", "oldest-first"])
def test_a_daily_briefing_a_source_is_a_day_ahead_on_is_that_days_release(
    httpserver: HTTPServer, site: Path, opener: Opener, order: str
) -> None:
    """A reviewer's: the board (first) has posted only yesterday's situation report, the feed with text both.
    Today's copy looked up yesterday's title, found the board's and was its duplicate: the newest report was
    in no feed until the board posted it, or never. A source's copy of one day is not the next day's too."""
    title = "중앙재난안전대책본부 대설 대처 상황 보고"
    board = serve(httpserver, "/board/rss.do", title_only_board((title, BOARD_LINK, "2025-11-06 00:00:00.0")))
    days = [
        item(156750301, title, POLICY_BODY, guid="156750301", pub="2025-11-06 14:00:00"),
        item(156750302, title, POLICY_BODY.replace("24일", "25일"), guid="156750302", pub="2025-11-07 14:00:00"),
    ]
    serve(httpserver, "/rss/dept_moef.xml", rss(*(days[::-1] if order == "newest-first" else days)))
    configure(
        site,
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", republish="link"),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), name="기획재정부", section="economy"),
    )
    result, pf = ingest_at(opener, site)
    (yesterday,), today = result.reports[0].new, guid_id("moef", "156750302")
    assert result.reports[1].new == (today,) and pf.store.count() == 2
    # the board posts today's the next run: it joins today's release, not yesterday's
    board.body = title_only_board(
        (title, BOARD_LINK, "2025-11-06 00:00:00.0"),
        (title, BOARD_LINK.replace("74400", "74401"), "2025-11-07 00:00:00.0"),
    )
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert result.reports[0].new == () and pf.store.count() == 2
    assert pf.store.dedupe_lookup([link_key(BOARD_LINK.replace("74400", "74401"))]) == {
        link_key(BOARD_LINK.replace("74400", "74401")): today
    }
    assert yesterday != today


def test_short_notices_of_two_agencies_are_two_releases(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """A reviewer's: "인사" with "붙임 파일 참조" from two ministries shared one content key, and the second was
    a duplicate of the first: one ministry's personnel notice was never published, and nothing said so."""
    notice = "<p>붙임 파일 참조</p>"
    serve(httpserver, "/rss/dept_msit.xml", rss(item(1, "인사", notice, guid="msit-1", pub="2025-11-06 09:00:00")))
    serve(httpserver, "/rss/dept_moef.xml", rss(item(2, "인사", notice, guid="moef-2", pub="2025-11-06 09:00:00")))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
    )
    result, pf = ingest_at(opener, site)
    assert [len(r.new) for r in result.reports] == [1, 1] and pf.store.count() == 2


def test_a_short_notice_of_the_next_day_is_never_taken_for_todays(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Reviews of this rule: "인사" / "붙임 파일 참조" is an agency's notice of one day; its next day's, from
    another source, looked up as a title is (the day before), was its duplicate and never published. So a
    board's copy of the evening before and the feed's of the next morning are two items: seen, where a
    lost notice is not."""
    notice = "<p>붙임 파일 참조</p>"
    serve(httpserver, "/board/rss.do", rss(item(1, "인사", notice, guid="b-1", pub="2025-11-06 09:00:00")))
    serve(httpserver, "/rss/dept_moef.xml", rss(item(2, "인사", notice, guid="a-2", pub="2025-11-07 09:00:00")))
    configure(
        site,
        source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부"),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), name="기획재정부"),
    )
    result, pf = ingest_at(opener, site)
    assert [len(r.new) for r in result.reports] == [1, 1] and pf.store.count() == 2


def test_a_list_page_link_and_a_short_text_name_no_release(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """A review's: two releases of one board under its list page, each with "붙임 파일 참조": the second, its
    text the same as the first's, was taken for a corrected title of it, and overwrote it."""
    listing = "https://www.moef.go.kr/nw/nes/nesdta.do?menuNo=4010100"
    notice = "<p>붙임 파일 참조</p>"
    first = item(1, "기획재정부 인사 발령 (국장급)", notice, guid="moef-1", link=listing)
    feed = serve(httpserver, "/rss/dept_moef.xml", rss(first))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    ingest_at(opener, site)
    feed.body = rss(item(2, "2026년 예산안 국회 제출 관련 해명", notice, guid="moef-2", link=listing))
    result, pf = ingest_at(opener, site, NOW + timedelta(days=1))
    assert only(result).new == (guid_id("moef", "moef-2"),) and pf.store.count() == 2
    stored = pf.store.get(guid_id("moef", "moef-1"))
    assert stored is not None and stored.article.title == "기획재정부 인사 발령 (국장급)"


def test_a_link_a_source_gives_two_releases_in_two_runs_names_neither(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A reviewer's: a feed linking every release to its list page, one release per answer. The next run's
    release took the link as the last one's, and overwrote it: readers saw one story turn into another."""
    listing = "https://www.moef.go.kr/nw/nes/nesdta.do?menuNo=4010100"
    text = POLICY_BODY + POLICY_BODY.replace("<p>기획재정부는", "<p>이어서 기획재정부는")  # long enough to tell
    feed = serve(httpserver, "/rss/dept_moef.xml", rss(item(1, POLICY_TITLE, text, guid="moef-1", link=listing)))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    ingest_at(opener, site)
    other = item(2, AI_TITLE, AI_BODY, guid="moef-2", link=listing, pub="2025-11-08 09:00:00")
    feed.body = rss(other)
    result, pf = ingest_at(opener, site, NOW + timedelta(days=1))
    assert only(result).new == (guid_id("moef", "moef-2"),) and only(result).updated == ()
    stored = pf.store.get(guid_id("moef", "moef-1"))
    assert stored is not None and stored.article.title == POLICY_TITLE
    # a guid changed alone (a board's new format) is still the article it was, and so is one whose title was
    # corrected in the same run, its text the same
    feed.body = rss(item(1, POLICY_TITLE, text, guid="https://www.moef.go.kr/?id=1", link=listing))
    result, pf = ingest_at(opener, site, NOW + timedelta(days=2))
    assert only(result).new == () and pf.store.count() == 2
    fixed = POLICY_TITLE.replace("간담회", "간담회를")
    feed.body = rss(item(1, fixed, text, guid="https://www.moef.go.kr/?nttId=1", link=listing))
    result, pf = ingest_at(opener, site, NOW + timedelta(days=3))
    assert (only(result).new, only(result).updated) == ((), (guid_id("moef", "moef-1"),)) and pf.store.count() == 2


def test_an_undated_item_gets_no_title_key(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """Dated at each fetch, it would gather a title key a day and join any later release of its name."""
    board = title_only_board((POLICY_TITLE, BOARD_LINK, "")).replace(b"<pubDate></pubDate>", b"")
    serve(httpserver, "/board/rss.do", board)
    configure(site, source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", republish="link"))
    _, pf = ingest_at(opener, site)
    keys = [row[0] for row in pf.store.db.execute("SELECT key FROM dedupe_key")]  # type: ignore[attr-defined]
    assert keys and not [k for k in keys if k.startswith("title:")]


def test_one_source_repeating_a_title_under_another_link_is_two_articles(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Within one source, guid and link decide: a board that posts a title twice has posted twice."""
    second = BOARD_LINK.replace("74400", "74401")
    serve(
        httpserver,
        "/board/rss.do",
        title_only_board(
            (POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0"), (POLICY_TITLE, second, "2025-11-06 00:00:00.0")
        ),
    )
    configure(site, source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", republish="link"))
    result, pf = ingest_at(opener, site)
    assert len(only(result).new) == 2 and len(stored_articles(pf)) == 2


def test_joint_release_belongs_to_first_source_in_config_even_if_its_feed_arrives_last(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    moef_arrived = threading.Event()

    def slow_msit(request: Request) -> Response:
        moef_arrived.wait(timeout=2.0)  # answer only after MOEF's feed has gone out
        time.sleep(0.2)
        return Response(rss(law_item()), content_type=RSS_TYPE)

    def fast_moef(request: Request) -> Response:
        try:
            return Response(
                rss(
                    item(
                        156720010,
                        LAW_TITLE,
                        LAW_BODY,
                        guid="moef-156720010",
                        link="http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720010&pWise=sub",
                    ),
                    title="기획재정부 보도자료",
                ),
                content_type=RSS_TYPE,
            )
        finally:
            moef_arrived.set()

    httpserver.expect_request("/rss/dept_msit.xml").respond_with_handler(slow_msit)
    httpserver.expect_request("/rss/dept_moef.xml").respond_with_handler(fast_moef)
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        # MSIT's request far from timing out: MOEF's feed is parsed on the loop's thread at once (see
        # Fetcher.room_for), not after MSIT's answer came
        timeout=20.0,
    )
    order: list[str] = []
    pf = opener(site)
    result = pf.ingest(progress=order.append)
    assert order == ["moef", "msit"]  # MOEF's feed really was processed first
    msit, moef = result.reports
    assert (msit.new, msit.duplicates, moef.new, moef.duplicates) == ((LAW_ID,), 0, (), 1)
    (article,) = stored_articles(pf)
    assert article.id == LAW_ID
    assert pf.store.get(LAW_ID).origin == "source:msit"  # type: ignore[union-attr]
    assert article.section == "it-science"


def test_releases_of_one_feed_that_share_a_link_are_each_published(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board linking items to its list page, or an app telling them apart by the fragment: their guids
    differ, their links compare equal. Keyed by the link, the first took the others for its duplicates."""
    app = "https://www.mofe.go.kr/#/press/view/{n}"
    items = [
        item(101, "경제정책방향 발표", "<p>하나.</p>", guid="mofe-101", link=app.format(n=101)),
        item(102, "물가 관계장관회의 개최", "<p>둘.</p>", guid="mofe-102", link=app.format(n=102)),
        item(103, "국고채 발행 계획", "<p>셋.</p>", guid="mofe-103", link="https://www.mofe.go.kr/press/list.do"),
        item(104, "세법 개정안 입법예고", "<p>넷.</p>", guid="mofe-104", link="https://www.mofe.go.kr/press/list.do"),
    ]
    served = serve(httpserver, "/rss/dept_msit.xml", rss(*items))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    assert (len(only(first).new), only(first).duplicates) == (4, 0)
    assert sorted(a.title for a in stored_articles(pf)) == [
        "경제정책방향 발표",
        "국고채 발행 계획",
        "물가 관계장관회의 개최",
        "세법 개정안 입법예고",
    ]
    items.append(item(105, "예산안 국회 제출", "<p>다섯.</p>", guid="mofe-105", link=app.format(n=105)))
    served.body = rss(*items)
    again, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (len(only(again).new), only(again).unchanged, only(again).duplicates) == (1, 4, 0)


def test_guidless_releases_of_an_app_told_apart_by_their_hash_route_are_each_published(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """No guid, and links that differ only after "#/": the normalized link dropped the fragment, so all
    became one id and the later releases were never published."""
    app = "https://www.molit.go.kr/app/#/press/view/{n}"
    titles = ("주택 공급 확대 방안 발표", "전세사기 피해 지원 강화", "광역버스 입석 해소 대책")
    items = [
        item(n, t, f"<p>{t} 관련 보도자료입니다.</p>", guid=None, link=app.format(n=n)) for n, t in enumerate(titles, 1)
    ]
    served = serve(httpserver, "/rss/dept_msit.xml", rss(*items[:2]))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    assert (len(only(first).new), only(first).duplicates) == (2, 0)
    served.body = rss(*items)
    again, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (len(only(again).new), only(again).unchanged, only(again).updated) == (1, 2, ())
    assert sorted(a.link for a in stored_articles(pf)) == [app.format(n=n) for n in (1, 2, 3)]


LISTING = "https://www.moef.go.kr/nw/nes/nesdta.do?menuNo=4010100"


@pytest.mark.parametrize("anchors", [False, True], ids=["list-page", "fragment"])
def test_guidless_releases_a_board_links_to_its_list_page_are_each_published(
    anchors: bool, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """No guid, and every item linked to the board's list page (or told apart by a plain "#74401" that the
    comparison drops): the id comes from the normalized link, so all were one id. The first release took the
    others for its duplicates, silently: they were never stored nor published, and no warning said so (with a
    guid each, jobs._without_shared_links keeps them apart)."""
    titles = ("2025년 10월 국고채 발행 실적 및 계획", "최근 경제동향 11월호 발간", "경제관계장관회의 개최 결과")
    items = [
        item(n, t, f"<p>{t} 관련 보도자료입니다.</p>", guid=None, link=LISTING + (f"#7440{n}" if anchors else ""))
        for n, t in enumerate(titles)
    ]
    serve(httpserver, "/rss/dept_moef.xml", rss(*items))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    result, pf = ingest_at(opener, site)
    assert (len(only(result).new), only(result).duplicates) == (3, 0)
    assert sorted(a.title for a in stored_articles(pf)) == sorted(titles)


LISTED = ("2025년 10월 국고채 발행 실적 및 계획", "최근 경제동향 11월호 발간", "경제관계장관회의 개최 결과")


@pytest.mark.xfail(
    strict=True,
    reason="a known limit (README, 'Ingest: dedupe and updates'): a guid-less, undated item's identity depends on"
    " the others sharing its link; no key joins its two ids (its text too short for a body key)",
)
@pytest.mark.parametrize("anchors", [False, True], ids=["list-page", "fragment"])
@pytest.mark.parametrize("order", ["one-left", "upgrade"])
def test_an_undated_guidless_release_sharing_its_link_is_one_article_across_runs(
    anchors: bool, order: str, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """jobs._told_apart gives an item a guid only while another of the document shares its link: the same
    undated release listed alone (the others gone from the board: "one-left"), or listed alone before, then
    with others (a store of the version before, where only the first was stored: "upgrade"), is known by its
    link once and by a guid the other time: two ids, and no date for _moved to join them. It was published
    again as a new release."""
    items = [
        item(n, t, f"<p>{t} 관련 보도자료입니다.</p>", guid=None, pub=None, link=LISTING + (f"#7440{n}" * anchors))
        for n, t in enumerate(LISTED)
    ]
    first, then = (items, items[:1]) if order == "one-left" else (items[:1], items)
    served = serve(httpserver, "/rss/dept_moef.xml", rss(*first))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    ingest_at(opener, site)
    served.body = rss(*then)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert len(only(result).new) == (0 if order == "one-left" else 2)
    assert sorted(a.title for a in stored_articles(pf)) == sorted(LISTED[: len(first) if order == "one-left" else 3])


@pytest.mark.xfail(
    strict=True,
    reason="a known limit (README, 'Ingest: dedupe and updates'): a list-page board's guid-less item is known by"
    " its link and title",
)
def test_a_guidless_release_of_a_list_page_board_whose_title_is_corrected_stays_one_article(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Items linked to the board's list page get the guid "<link> <title>" (jobs._told_apart): a title
    corrected the next day is a new guid, a new id, and its content and title keys are new too. The corrected
    release was published as a second one beside the first."""
    sentence = "기획재정부는 11월 7일 정부세종청사에서 관계부처 합동 회의를 열고 주요 현안 {n}을 논의했다고 밝혔다. "
    text = "<p>" + sentence * 3
    corrected = "2025년 10월 국고채 발행 실적 및 11월 발행 계획"

    def listed(first: str) -> bytes:
        titles = (first, *LISTED[1:])
        return rss(*(item(n, t, text.format(n=n) + "</p>", guid=None, link=LISTING) for n, t in enumerate(titles)))

    served = serve(httpserver, "/rss/dept_moef.xml", listed(LISTED[0]))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    ingest_at(opener, site)
    served.body = listed(corrected)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=20))
    assert only(result).new == ()
    assert sorted(a.title for a in stored_articles(pf)) == sorted((corrected, *LISTED[1:]))


def test_a_release_repeated_in_a_fragment_boards_feed_leaves_the_others_ids(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Undated guid-less items told apart by their fragments have their link as guid; one of them listed twice
    makes the group's links no longer all different, and jobs._told_apart gives every item of the group
    "<link> <title>" instead: new ids for all, the releases published again."""
    items = [
        item(n, t, f"<p>{t} 관련 보도자료입니다.</p>", guid=None, pub=None, link=f"{LISTING}#7440{n}")
        for n, t in enumerate(LISTED)
    ]
    served = serve(httpserver, "/rss/dept_moef.xml", rss(*items))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    ingest_at(opener, site)
    served.body = rss(*items, items[0])
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert only(result).new == ()
    assert sorted(a.title for a in stored_articles(pf)) == sorted(LISTED)


@pytest.mark.parametrize(
    "listing",
    ["https://www.moef.go.kr/nw/nesdta.do;jsessionid=A1B2C3", "https://www.moef.go.kr/nw/nesdta.php?PHPSESSID=a1b2c3"],
    ids=["path-session", "query-session"],
)
def test_guidless_releases_a_board_links_to_its_list_page_with_a_session_are_each_published(
    listing: str, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The list page every item links to carries the board's session: jobs._told_apart gives each the guid
    "<link> <title>", and guid_identity (without_session) takes the session's value to the end of the text, the
    title with it ("[^/?#;]*", "[^&#]*"): every item's guid is the bare link again, one id, the first release
    took the others for its duplicates."""
    titles = ("2025년 10월 국고채 발행 실적 및 계획", "최근 경제동향 11월호 발간", "경제관계장관회의 개최 결과")
    items = [item(n, t, f"<p>{t} 관련 보도자료입니다.</p>", guid=None, link=listing) for n, t in enumerate(titles)]
    serve(httpserver, "/rss/dept_moef.xml", rss(*items))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    result, pf = ingest_at(opener, site)
    assert (len(only(result).new), only(result).duplicates) == (3, 0)
    assert sorted(a.title for a in stored_articles(pf)) == sorted(titles)


def test_guidless_releases_a_board_tells_apart_by_relative_fragment_links_with_a_session_keep_their_ids(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board's relative links ("/nw/nesdta.do;jsessionid=…#74400"), told apart by their fragments: jobs._told_apart
    gives each its link as given for guid, session and all, and guid_identity leaves a guid that is no http(s) URL
    as it is. The board's new session at the next fetch is a new guid for every item, new ids: every release is
    published again at every run (undated: no date for _moved to join them)."""

    def listed(session: str) -> bytes:
        link = "/nw/nesdta.do;jsessionid=" + session + "#7440{n}"
        texts = ((n, t, f"<p>{t} 관련 보도자료입니다.</p>") for n, t in enumerate(LISTED))
        return rss(*(item(n, t, body, guid=None, pub=None, link=link.format(n=n)) for n, t, body in texts))

    served = serve(httpserver, "/rss/dept_moef.xml", listed("A1B2C3"))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    first, _ = ingest_at(opener, site)
    assert len(only(first).new) == 3
    served.body = listed("D4E5F6")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert only(result).new == ()
    assert sorted(a.title for a in stored_articles(pf)) == sorted(LISTED)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("https://www.moef.go.kr/nw/nesdta.do?call_from=rsslink", "https://www.moef.go.kr/nw/nesdta.do?pWise=main"),
        ("https://www.moef.go.kr/nw/nesdta.do", "https://moef.go.kr/nw/nesdta.do"),
    ],
    ids=["tracking", "www"],
)
@pytest.mark.parametrize("anchors", [True, False], ids=["fragment", "list-page"])
def test_guidless_releases_sharing_a_link_keep_their_ids_as_the_board_rotates_its_link_form(
    anchors: bool, first: str, then: str, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Guid-less items told apart by "#74400" get their link *as given* for guid (jobs._told_apart), and
    guid_identity keeps an http(s) guid but for its session: the forms of one page normalize_link joins (a
    tracking parameter boards rotate, `call_from=rsslink` one day and `pWise=main` the next; www. or not) are new
    guids, new ids: every undated release is published again when its board changes the form. The same holds for
    a list page's items, whose guid is that link (but for its session) and their title."""

    def listed(link: str) -> bytes:
        texts = ((n, t, f"<p>{t} 관련 보도자료입니다.</p>") for n, t in enumerate(LISTED))
        return rss(*(item(n, t, b, guid=None, pub=None, link=link + f"#7440{n}" * anchors) for n, t, b in texts))

    served = serve(httpserver, "/rss/dept_moef.xml", listed(first))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    ingest_at(opener, site)
    served.body = listed(then)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert only(result).new == ()
    assert sorted(a.title for a in stored_articles(pf)) == sorted(LISTED)


def test_a_guidless_release_sharing_its_link_with_one_guided_item_is_published(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A feed mixing an item with a guid and one without on the board's list page: jobs._told_apart gives a guid
    only where two guid-less items share a link, and jobs._without_shared_links counts the guids on a link (one
    here): the guid-less release keeps the link key the other has, and is taken for its duplicate, silently."""
    items = [
        item(0, LISTED[0], f"<p>{LISTED[0]} 관련 보도자료입니다.</p>", guid="moef-74400", link=LISTING),
        item(1, LISTED[1], f"<p>{LISTED[1]} 관련 보도자료입니다.</p>", guid=None, link=LISTING),
    ]
    serve(httpserver, "/rss/dept_moef.xml", rss(*items))
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"))
    result, pf = ingest_at(opener, site)
    assert (len(only(result).new), only(result).duplicates) == (2, 0)
    assert sorted(a.title for a in stored_articles(pf)) == sorted(LISTED[:2])


def test_guidless_releases_linking_one_page_relatively_and_absolutely_are_each_published(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """jobs._told_apart groups guid-less items by normalize_link of the link as the feed gives it, before it is
    resolved: the list page written relative for one item and absolute for another is two groups of one, no
    guid for either, and the ids (from the resolved link) are one: the second release was taken for the first's
    duplicate, silently."""
    feed = httpserver.url_for("/rss/dept_moef.xml")
    links = ("/nw/nesdta.do", httpserver.url_for("/nw/nesdta.do"))
    titled = enumerate(zip(LISTED, links, strict=False))
    items = [item(n, t, f"<p>{t} 관련 보도자료입니다.</p>", guid=None, link=link) for n, (t, link) in titled]
    serve(httpserver, "/rss/dept_moef.xml", rss(*items))
    configure(site, source("moef", feed, section="economy"))
    result, pf = ingest_at(opener, site)
    assert (len(only(result).new), only(result).duplicates) == (2, 0)
    assert sorted(a.title for a in stored_articles(pf)) == sorted(LISTED[:2])


def test_items_of_one_feed_that_are_one_stored_article_write_it_once_and_keep_the_first(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board pins a notice of a release above its list under the release's own guid. Every item was
    compared with the stored copy and written: the later one won, and the next run the first won back,
    re-dating the article every run. The first in document order is the article, as when it was created."""
    pinned = item(156720287, "[공지] " + SIXG_TITLE, "<p>6G 착수보고회 개최 안내 (요약)</p>", pub="2025-11-06 09:00:00")
    served = serve(httpserver, "/rss/dept_msit.xml", rss(pinned, law_item(), sixg_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    assert (sorted(only(first).new), only(first).duplicates) == (sorted([SIXG_ID, LAW_ID]), 1)
    for hours in (1, 2):  # the feed changes each time (a new release), so it is read again
        news = [ai_item(guid=f"msit-{n}") for n in range(hours)]
        served.body = rss(pinned, *news, law_item(), sixg_item())
        again, pf = ingest_at(opener, site, NOW + timedelta(hours=hours))
        assert (only(again).updated, only(again).unchanged, only(again).duplicates) == ((), 2 + hours - 1, 1)
        stored = pf.store.get(SIXG_ID)
        assert stored is not None and stored.article.title.startswith("[공지]")


def test_a_guid_that_changes_each_fetch_under_one_link_stays_one_item(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(guid="session-1")))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first, pf = ingest_at(opener, site)
    served.body = rss(ai_item(guid="session-2"))
    again, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (len(only(first).new), only(again).new, only(again).unchanged) == (1, (), 1)
    assert len(stored_articles(pf)) == 1


def test_entry_without_guid_id_comes_from_normalized_link(
    httpserver: HTTPServer, tmp_path: Path, opener: Opener
) -> None:
    serve(httpserver, "/a/dept_msit.xml", rss(sixg_item(guid=None, link=f"{PRESS}156720287&call_from=rsslink")))
    serve(
        httpserver,
        "/b/dept_msit.xml",
        rss(sixg_item(guid=None, link="https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720287")),
    )
    expected = hashed_id(AUTHORITY, "link", "korea.kr/briefing/pressReleaseView.do?newsId=156720287")
    ids = []
    for name in ("a", "b"):
        site = configure(tmp_path / name, source("msit", httpserver.url_for(f"/{name}/dept_msit.xml")))
        result, pf = ingest_at(opener, site)
        ids.append(only(result).new)
        (article,) = stored_articles(pf)
        assert article.id == expected
    assert ids == [(expected,), (expected,)]
    assert expected.startswith(f"tag:{AUTHORITY}:link/")


def test_entry_without_guid_dedupes_across_www_and_m_hosts(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(sixg_item(guid=None)))
    serve(
        httpserver,
        "/rss/pressrelease.xml",
        rss(
            item(
                156720287,
                "6G 상용화 착수보고회",
                "<p>요약 본문</p>",
                guid=None,
                link="http://m.korea.kr/briefing/pressReleaseView.do?newsId=156720287&call_from=rsslink",
            )
        ),
    )
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
    )
    result, pf = ingest_at(opener, site)
    expected = link_id(f"{PRESS}156720287")
    assert [(r.new, r.duplicates) for r in result.reports] == [((expected,), 0), ((), 1)]
    assert pf.store.count() == 1


# ======================================================================================
# upstream update vs local edit
# ======================================================================================


def test_an_edit_imported_over_a_release_is_a_local_edit(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """`pressfeed import` of a record with a release's id is how an editor changes its text; the import took
    it for the release's new upstream, and the agency's next change overwrote the edit without a word."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    released = pf.store.get(AI_ID)
    assert released is not None
    edit = {
        "id": AI_ID,
        "title": "편집된 제목",
        "section": "it-science",
        "published": released.article.published.isoformat(),
        "link": released.article.link,
        "body_html": "<p>편집국이 고친 본문.</p>",
    }
    path = site / "edit.json"
    path.write_text(json.dumps(edit, ensure_ascii=False), encoding="utf-8")
    assert pf.import_files([str(path)]).updated_ids == (AI_ID,)
    assert pf.import_files([str(path)]).unchanged == 1  # the same edit again changes nothing
    resaved = {**edit, "body_html": "<p>\n  편집국이 고친 본문.\n</p>\n", "title": " 편집된  제목"}  # re-saved
    path.write_text(json.dumps(dict(reversed(resaved.items())), ensure_ascii=False, indent=2), encoding="utf-8")
    assert pf.import_files([str(path)]).unchanged == 1  # so is the edit saved in another format
    edited = pf.store.get(AI_ID)
    assert edited is not None and locally_edited(edited) and edited.origin == released.origin

    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY.replace("12월 5일", "12월 12일")))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert only(result).conflicts == (AI_ID,)
    after = pf.store.get(AI_ID)
    assert after is not None and (after.article.title, after.article.body_html) == (
        "편집된 제목",
        "<p>편집국이 고친 본문.</p>",
    )


def _edited_release(httpserver: HTTPServer, site: Path, opener: Opener) -> Served:
    """The AI release ingested, then its title edited locally: the feed it came from, to change upstream."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None
    pf.store.write([ArticleWrite(encode(replace(stored.article, title="편집된 제목")), stored.origin)])
    return served


def test_local_edit_is_kept_when_upstream_changes(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    served = _edited_release(httpserver, site, opener)
    edited = opener(site, NOW).store.get(AI_ID)
    assert edited is not None and locally_edited(edited)  # the upstream hash kept, beside the edit's
    keys = dedupe_key_count(opener(site, NOW))

    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY.replace("12월 5일", "12월 12일")))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert dedupe_key_count(pf) == keys  # the version kept out is not the article: its keys are not kept either
    report = only(result)
    assert report.conflicts == (AI_ID,)
    assert (report.new, report.updated) == ((), ())
    assert result.summary() == "ingest: 1 source, 0 new, 0 updated, 1 kept local edits"
    assert f"source msit: kept local edit of {AI_ID}, upstream changed it" in map(str, result.notices())
    after = pf.store.get(AI_ID)
    assert after is not None
    assert after.article.title == "편집된 제목"
    assert "12월 5일" in after.article.body_html
    assert after.seq == edited.seq


def test_an_upstream_change_a_local_edit_kept_out_is_remembered_until_reverted(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The ministry's correction was reported once (on a terminal; a quiet cron run only logged it) and lost:
    nothing told an editor later, and nothing could take the ministry's version instead of the edit."""
    served = _edited_release(httpserver, site, opener)
    corrected = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY.replace("12월 5일", "12월 12일")))
    served.body = corrected
    changed_at = NOW + timedelta(hours=1)
    assert only(ingest_at(opener, site, changed_at)[0]).conflicts == (AI_ID,)
    # told again only when upstream changes again; meanwhile `sources check` and `articles show` say so
    served.body = corrected.replace(b"<rss", b"<rss ", 1)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert only(result).conflicts == () and only(result).unchanged == 1
    [health] = pf.source_health()
    assert health.kept_out == (AI_ID,) and "1 local edit kept where upstream changed the article" in health.line()
    info = pf.info(pf.article(AI_ID))
    assert info.upstream_changed == changed_at and info.to_json()["upstream_changed"] == "2025-11-08T13:00:00Z"
    base = ["--site", str(site), "--now", (NOW + timedelta(hours=3)).isoformat(), "articles"]
    shown = CliRunner().invoke(cli, [*base, "show", AI_ID]).stdout
    assert "upstream: changed at 2025-11-08T22:00:00+09:00; the local edit is kept" in shown
    # the editor takes the ministry's version: dated then, no local edit, nothing kept out any more
    reverted = CliRunner().invoke(cli, [*base, "revert", AI_ID])
    assert reverted.exit_code == 0, reverted.output
    assert "upstream's version (changed at 2025-11-08T22:00:00+09:00) taken, the local edit dropped" in reverted.stdout
    pf = opener(site, NOW + timedelta(hours=3))
    after = pf.article(AI_ID)
    assert after.article.title == AI_TITLE + " (종합)" and "12월 12일" in after.article.body_html
    assert not locally_edited(after) and after.article.updated == NOW + timedelta(hours=3)
    assert pf.store.upstream_changes([AI_ID]) == {} and pf.source_health()[0].kept_out == ()
    again = CliRunner().invoke(cli, [*base, "revert", AI_ID])
    assert again.exit_code == 2 and "has no local edit: nothing to revert" in again.stderr
    # and the next fetch of the same version changes nothing
    assert only(ingest_at(opener, site, NOW + timedelta(hours=4))[0]).updated == ()


def test_a_revert_to_a_correction_upstream_dated_is_dated_at_the_revert(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) README and `articles revert --help`: upstream's version is taken "dated at the revert". When
    the ministry dated its correction (an `updated` of its own, earlier than the editor's edit), the revert was
    dated a second after the edit instead: readers sorting by date get the change hours back in their list."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    path = site / "edit.json"
    path.write_text(json.dumps({**pf.info(pf.article(AI_ID)).record(), "title": "편집된 제목"}, ensure_ascii=False))
    opener(site, NOW + timedelta(hours=1)).import_files([str(path)])
    dated = '<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">2025-11-08T21:30:00+09:00</atom:updated>'
    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY, extra=dated))
    assert only(ingest_at(opener, site, NOW + timedelta(hours=2))[0]).conflicts == (AI_ID,)
    reverted, _ = opener(site, NOW + timedelta(hours=3)).revert(AI_ID)
    assert reverted.article.title == AI_TITLE + " (종합)"
    assert reverted.article.updated == NOW + timedelta(hours=3)


def test_a_revert_to_upstreams_text_last_taken_under_a_new_status_is_dated_at_the_revert(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) A release of a `status: draft` source, retitled and published by an editor; the source then
    drops `status: draft`: upstream's version is the text last taken, published, and is kept out. `articles
    revert` passes explicit_updated=False, but merge_upstream keeps the stored `updated` for the hash last taken
    (as for a re-sent version): the editor's title is replaced by upstream's under the date readers have, so
    they never get the change, though README says a revert is dated at the revert."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), status="draft"))
    _, pf = ingest_at(opener, site)
    path = site / "edit.json"
    record = {**pf.info(pf.article(AI_ID)).record(), "title": "편집된 제목", "status": "published"}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    opener(site, NOW + timedelta(hours=1)).import_files([str(path)])
    edited = opener(site, NOW + timedelta(hours=1)).article(AI_ID)
    assert edited.article.status is Status.PUBLISHED and edited.article.title == "편집된 제목"
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    served.body = rss(ai_item())
    ingest_at(opener, site, NOW + timedelta(hours=2))
    assert opener(site, NOW + timedelta(hours=2)).store.upstream_changes([AI_ID])
    reverted, _ = opener(site, NOW + timedelta(hours=3)).revert(AI_ID)
    assert reverted.article.title == AI_TITLE
    assert reverted.article.updated == NOW + timedelta(hours=3), reverted.article.updated


def test_an_edited_release_whose_board_counts_its_views_is_a_conflict_once_until_its_words_change(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board putting its view counter in the description: each fetch of an edited release was a new conflict,
    "kept local edit" on every terminal run. Told once; the version kept out follows the counter (a revert
    takes the latest), and a change of its words is told again (of its figures alone, not: `sources check` and
    `articles show` still say the edit is kept)."""
    served = _edited_release(httpserver, site, opener)
    told = []
    for run, views in enumerate((10, 11, 12, 13), 1):
        served.body = viewed(views)
        result, pf = ingest_at(opener, site, NOW + timedelta(hours=run))
        told.append(only(result).conflicts)
    assert told == [(AI_ID,), (), (), ()]
    assert "조회수 13<" in pf.store.upstream_changes([AI_ID])[AI_ID].article.body_html
    assert pf.source_health()[0].kept_out == (AI_ID,)
    served.body = rss(item(156720412, AI_TITLE + " (종합)", f"{AI_BODY}<p>조회수 14</p>"))  # its words changed
    assert only(ingest_at(opener, site, NOW + timedelta(hours=5))[0]).conflicts == (AI_ID,)


def test_an_edited_release_whose_upstream_dates_a_correction_of_its_figures_is_a_conflict_again(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board's dated correction of a release's deadline (12월 5일 to 12월 12일, its `updated` later): a change
    upstream dates is one it means (merge.undated_changes), and the editor who kept an edit must hear of it. The
    figures-only rule (a view counter) took it for a counter's tick and said nothing."""
    served = _edited_release(httpserver, site, opener)
    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY))
    assert only(ingest_at(opener, site, NOW + timedelta(hours=1))[0]).conflicts == (AI_ID,)
    corrected = AI_BODY.replace("12월 5일", "12월 12일")
    updated = '<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">2025-11-09T09:00:00+09:00</atom:updated>'
    served.body = rss(item(156720412, AI_TITLE + " (종합)", corrected, extra=updated))
    result, pf = ingest_at(opener, site, NOW + timedelta(days=1))
    assert "12월 12일" in pf.store.upstream_changes([AI_ID])[AI_ID].article.body_html
    assert only(result).conflicts == (AI_ID,)


def test_an_edited_release_whose_attachment_upstream_replaces_is_a_conflict_again(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The agency replaces the release's attached file (a corrected hwpx: another file id, another size) and
    its words stay: no view counter, a new file an editor who kept an edit must hear of. Digits in its URL
    and length were "figures" to the figures-only rule, and the change went unsaid."""

    def attached(file_id: int, length: int) -> bytes:
        enclosure = f'<enclosure url="https://www.korea.kr/common/download.do?fileId={file_id}" length="{length}"'
        return rss(item(156720412, AI_TITLE + " (종합)", AI_BODY, extra=f'{enclosure} type="application/x-hwp"/>'))

    served = _edited_release(httpserver, site, opener)
    served.body = attached(197412345, 52311)
    assert only(ingest_at(opener, site, NOW + timedelta(hours=1))[0]).conflicts == (AI_ID,)
    served.body = attached(197419876, 53870)  # the corrected file
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    [kept] = pf.store.upstream_changes([AI_ID])[AI_ID].article.attachments
    assert "fileId=197419876" in kept.url
    assert only(result).conflicts == (AI_ID,)


def test_a_kept_out_upstream_change_is_forgotten_when_upstream_takes_it_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    served = _edited_release(httpserver, site, opener)
    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY))
    assert only(ingest_at(opener, site, NOW + timedelta(hours=1))[0]).conflicts == (AI_ID,)
    served.body = rss(ai_item(), built="2025-11-08 09:00:00")  # the version last taken, back
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert (only(result).conflicts, only(result).updated) == ((), ())
    assert pf.store.upstream_changes([AI_ID]) == {} and pf.article(AI_ID).article.title == "편집된 제목"
    revert = CliRunner().invoke(cli, ["--site", str(site), "--now", NOW.isoformat(), "articles", "revert", AI_ID])
    assert revert.exit_code == 2 and "upstream has not changed it since the local edit" in revert.stderr


def test_a_kept_out_change_of_an_edit_since_undone_is_not_reverted_to(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An editor undid the edit (imported the release as it was): `sources check` still counted the edit, and
    `articles revert` wrote the version upstream had sent back then, saying it dropped a local edit."""
    served = _edited_release(httpserver, site, opener)
    pf = opener(site, NOW)
    original = pf.store.get(AI_ID)
    assert original is not None
    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY))
    assert only(ingest_at(opener, site, NOW + timedelta(hours=1))[0]).conflicts == (AI_ID,)
    pf = opener(site, NOW + timedelta(hours=2))
    undone = replace(original.article, title=AI_TITLE)  # the release as upstream sent it first
    pf.store.write([ArticleWrite(encode(undone), original.origin)])
    assert not locally_edited(pf.article(AI_ID))
    assert pf.source_health()[0].kept_out == ()
    with pytest.raises(UsageError, match="has no local edit"):
        pf.revert(AI_ID)
    assert pf.store.upstream_changes([AI_ID]) == {}  # dropped, not taken
    assert pf.article(AI_ID).article.title == AI_TITLE


def test_a_stale_answer_after_upstream_made_an_edit_alike_does_not_undo_the_editors_fix(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) An editor fixed the title; the ministry's board then gave the same fix once, and a stale answer
    of its cache (the version last taken before the edit, which alone changes nothing of an edited article)
    came next. The one answer alike made the article upstream's (f19f5a9), so the stale one was taken as a
    change: the title readers get went back to the one the editor corrected, dated now as an update, with
    nothing kept out or told; the next fresh answer flipped it back again."""
    served = _edited_release(httpserver, site, opener)
    served.body = rss(item(156720412, "편집된 제목", AI_BODY))  # the board makes the editor's fix
    ingest_at(opener, site, NOW + timedelta(hours=1))
    served.body = rss(ai_item())  # a stale answer: the version taken before the edit
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert pf.article(AI_ID).article.title == "편집된 제목"
    assert only(result).updated == ()


def test_an_edit_upstream_makes_alike_under_a_new_status_keeps_that_status_for_revert(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Review.) The "alike" rule compares content hashes only, and the hash leaves `status` out: an editor fixed
    the title; the ministry's board then gives the same fix while its source is now `status: draft`. Upstream
    changed the status (merge_upstream takes such a change over an unedited article, and `articles revert` over
    an edited one), yet _decide counts the item unchanged: nothing is kept out or told, and `upstream_status`
    stays published, so the status change is lost for good (same_upstream itself asks the status too)."""
    served = _edited_release(httpserver, site, opener)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), status="draft"))
    served.body = rss(item(156720412, "편집된 제목", AI_BODY))  # the board makes the editor's fix
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    after = pf.article(AI_ID)
    kept = pf.store.upstream_changes([AI_ID]).get(AI_ID)
    assert after.upstream_status == "draft" or (kept is not None and kept.status == "draft")


def test_an_editors_date_correction_is_not_made_upstreams_by_an_undated_answer(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The ministry's board dates a release wrongly and an editor corrects its date. One answer of the
    board gives the item no date (a template glitch): the fetch time stands in, and the stored dates are kept
    in the candidate (_keep_dates), so it read exactly as the article holds, and f19f5a9 took the edit for
    upstream's. When the board gave its wrong date again the article was re-dated to it, told to readers as
    an update, and the editor's correction silently lost (nothing kept out, no conflict)."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.store.get(AI_ID)
    assert stored is not None
    corrected = utc(2025, 11, 6, 0, 0)  # the release's real date, 11-06 09:00 KST
    pf.store.write([ArticleWrite(encode(replace(stored.article, published=corrected)), stored.origin)])
    served.body = rss(ai_item(pub=None))  # one answer without the item's date
    ingest_at(opener, site, NOW + timedelta(hours=1))
    served.body = rss(ai_item())  # the board's (wrong) date again: what upstream gave before the edit
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    after = pf.store.get(AI_ID)
    assert after is not None
    assert after.article.published == corrected  # the editor's date stands
    assert only(result).updated == ()
    assert locally_edited(after)


def _taken_over_before_5a94f7a(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch, *service: str
) -> str:
    """A store as the code before 5a94f7a left a link-only takeover (by the service's `service` items, or its
    usual one): the text stored under the link and dates readers had of the board's title, whatever page the
    copy was at, upstream's version recorded as the service gave it. The article's id."""
    from pressfeed.ingest import update

    real, calls = update._as_they_have_it, []

    def as_before(candidate: Any, stored: StoredArticle) -> Any:  # the article as ever; upstream's as given
        calls.append(candidate)
        return real(candidate, stored) if len(calls) % 2 else candidate

    title_first(httpserver, site, republish="link")
    _, pf = ingest_at(opener, site)
    pf.build()  # readers have the board's item
    text_arrives(httpserver, *service)
    with monkeypatch.context() as patched:
        patched.setattr(update, "_as_they_have_it", as_before)
        patched.setattr(update, "_keep_link", lambda candidate, stored, page=True: candidate)  # (no page told apart)
        _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert len(calls) == 2
    (article,) = stored_articles(pf)
    assert locally_edited(pf.store.get(article.id))  # type: ignore[arg-type]
    return article.id


def test_a_title_taken_over_under_link_terms_before_the_fix_reads_as_upstreams_again(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upgrade: the service's next answer (another release posted), its item the same, makes the article
    upstream's again, with nothing new for readers, and its correction after is taken."""
    article_id = _taken_over_before_5a94f7a(httpserver, site, opener, monkeypatch)
    stored = opener(site, NOW + timedelta(hours=1)).article(article_id)
    taken_over = service_item()
    text_arrives(httpserver, taken_over, ai_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [(len(r.new), r.updated, r.conflicts) for r in result.reports] == [(1, (), ()), (0, (), ())]
    healed = pf.article(article_id)
    assert not locally_edited(healed) and healed.article == stored.article  # as readers had it
    corrected = POLICY_BODY.replace("</p>", " 간담회에는 관계부처 차관도 참석했다.</p>")
    text_arrives(httpserver, taken_over.replace(POLICY_BODY, corrected), ai_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert result.reports[0].updated == (stored.article.id,)
    assert "차관도 참석했다" in pf.article(article_id).article.body_html


def test_a_pre_5a94f7a_takeover_whose_service_corrected_since_takes_the_correction(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Attack.) Upgrade: the heal first needed the service's item unchanged at its next answer; when the
    service had corrected the release since (the very case 5a94f7a is about), no answer made the article
    upstream's again: every correction was kept out for good, and `sources check` told editors of a local edit
    none of them made."""
    article_id = _taken_over_before_5a94f7a(httpserver, site, opener, monkeypatch)
    corrected = POLICY_BODY.replace("</p>", " 간담회에는 관계부처 차관도 참석했다.</p>")
    service = service_item(corrected)
    text_arrives(httpserver, service)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [(r.updated, r.conflicts) for r in result.reports] == [((article_id,), ()), ((), ())]
    after = pf.article(article_id)
    assert "차관도 참석했다" in after.article.body_html and not locally_edited(after)
    assert pf.source_health()[0].kept_out == ()


def test_a_pre_5a94f7a_takeover_by_a_copy_at_the_boards_own_page_reads_as_upstreams_again(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Review.) Before 5a94f7a a link-terms takeover recorded upstream's version as the service gave it, also when
    its copy linked the board's own page in another form (https, no www., a tracking parameter): the article
    holds the board's link and dates, upstream's version the copy's. _taken_over_before_5a94f7a declines every
    copy whose link normalizes to the article's ("an editor's new date on a release at its own link"), though
    the exact link tells the two apart (an editor's date fix keeps the link as it was): such an upgraded article
    stays read as locally edited, its service's next answer is told as a conflict, and its corrections are kept
    out for good."""
    same_page = BOARD_LINK.replace("http://www.", "https://") + "&call_from=rsslink"
    taken_over = service_item(link=same_page)
    article_id = _taken_over_before_5a94f7a(httpserver, site, opener, monkeypatch, taken_over)
    pf = opener(site, NOW + timedelta(hours=1))
    article = pf.article(article_id).article
    assert article.link == BOARD_LINK
    text_arrives(httpserver, taken_over, ai_item())  # its next answer: another release
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert [r.conflicts for r in result.reports] == [(), ()]
    assert not locally_edited(pf.article(article.id))


def test_an_editors_new_link_and_text_of_a_takeover_is_an_edit_still(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade's rule takes only link and dates for pressfeed's own: an editor's words over such a
    takeover stay an edit, the service's correction kept out of it."""
    article_id = _taken_over_before_5a94f7a(httpserver, site, opener, monkeypatch)
    pf = opener(site, NOW + timedelta(hours=1))
    stored = pf.article(article_id)
    edited = replace(stored.article, title="편집된 제목")
    pf.store.write([ArticleWrite(encode(edited), stored.origin)])
    corrected = POLICY_BODY.replace("</p>", " 간담회에는 관계부처 차관도 참석했다.</p>")
    service = service_item(corrected)
    text_arrives(httpserver, service)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert result.reports[0].conflicts == (article_id,)
    assert pf.article(article_id).article.title == "편집된 제목" and locally_edited(pf.article(article_id))


def test_an_editors_link_fix_of_a_release_its_board_links_to_its_list_page_stands(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The ministry's board links every item to its list page (each with a guid of its own: the link is
    no key, jobs._without_shared_links); an editor gives one release the link of its own page. At the board's
    next answer (a new post) _taken_over_before_5a94f7a puts the board's link and date back into the article,
    finds upstream's version, and takes the edit for a pre-5a94f7a takeover's: the article reads as upstream's,
    the item (no `had_link` to keep the link) is taken as a change, and the editor's fix is silently replaced by
    the list page again, told to readers as an update (nothing kept out, no conflict)."""
    board = "https://www.msit.go.kr/bbs/list.do?sCode=user&mPid=208&mId=307"
    own = "https://www.msit.go.kr/bbs/view.do?sCode=user&mPid=208&mId=307&nttSeqNo=3186042"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(link=board), law_item(link=board)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    stored = pf.article(AI_ID)
    assert stored.article.link == board
    fixed_link = replace(stored.article, link=own)
    pf.store.write([ArticleWrite(encode(fixed_link), stored.origin)])
    served.body = rss(ai_item(link=board), law_item(link=board), sixg_item(link=board))  # the board's next post
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert AI_ID not in only(result).updated
    after = pf.article(AI_ID)
    assert after.article == fixed_link and locally_edited(after)


def test_local_edit_survives_a_resend_of_the_same_upstream_version(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    served = _edited_release(httpserver, site, opener)
    served.body = rss(ai_item(), built="2025-11-08 09:00:00")  # same entry, new bytes
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    report = only(result)
    assert (report.unchanged, report.updated, report.conflicts) == (1, (), ())
    assert pf.store.get(AI_ID).article.title == "편집된 제목"  # type: ignore[union-attr]


def test_upstream_change_is_applied_without_local_edit(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    served.body = rss(item(156720412, AI_TITLE + " (종합)", AI_BODY.replace("12월 5일", "12월 12일")))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    report = only(result)
    assert (report.updated, report.conflicts) == ((AI_ID,), ())
    after = pf.store.get(AI_ID)
    assert after is not None
    assert after.article.title == AI_TITLE + " (종합)"
    assert "12월 12일" in after.article.body_html
    assert not locally_edited(after)


# ======================================================================================
# hidden and deleted articles
# ======================================================================================


def test_hidden_article_is_not_republished_by_refetch(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), law_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    pf.set_status(AI_ID, Status.HIDDEN)

    # the same entry again, in different bytes (new lastBuildDate), so it is re-parsed
    served.body = rss(ai_item(), law_item(), built="2025-11-08 09:00:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    report = only(result)
    assert report.outcome == "ok"
    assert (report.new, report.updated, report.unchanged) == ((), (), 2)
    assert pf.store.get(AI_ID).article.status is Status.HIDDEN  # type: ignore[union-attr]

    # upstream changes its text: content follows, the editor's hide stands
    served.body = rss(item(156720412, AI_TITLE, AI_BODY.replace("12월 5일", "12월 12일")), law_item())
    when = NOW + timedelta(hours=2)
    result, pf = ingest_at(opener, site, when)
    assert only(result).updated == (AI_ID,)
    stored = pf.store.get(AI_ID)
    assert stored is not None
    assert stored.article.status is Status.HIDDEN
    assert "12월 12일" in stored.article.body_html
    assert AI_ID not in [k for k, _ in pf.store.feed_keys(None, when, 50)]
    pf.build()
    rss_out = (site / "public" / "rss.xml").read_text(encoding="utf-8")
    assert AI_TITLE not in rss_out
    assert LAW_TITLE in rss_out


def test_editor_published_draft_stays_published_when_upstream_changes(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), status="draft"))
    _, pf = ingest_at(opener, site)
    assert pf.store.get(AI_ID).article.status is Status.DRAFT  # type: ignore[union-attr]
    pf.set_status(AI_ID, Status.PUBLISHED)
    served.body = rss(item(156720412, AI_TITLE, AI_BODY.replace("12월 5일", "12월 12일")))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert only(result).updated == (AI_ID,)
    stored = pf.store.get(AI_ID)
    assert stored is not None
    assert stored.article.status is Status.PUBLISHED
    assert "12월 12일" in stored.article.body_html


def test_deleted_article_never_comes_back(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), law_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    pf.delete(AI_ID)
    assert pf.store.get(AI_ID) is None
    assert pf.store.is_tombstoned(AI_ID)

    served.body = rss(ai_item(), law_item(), built="2025-11-08 09:00:00")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    report = only(result)
    assert (report.new, report.updated, report.skipped, report.unchanged) == ((), (), 1, 1)
    assert pf.store.get(AI_ID) is None

    served.body = rss(item(156720412, AI_TITLE + " (수정)", AI_BODY + "<p>추가 내용</p>"), law_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    report = only(result)
    assert (report.new, report.updated, report.skipped) == ((), (), 1)
    assert pf.store.get(AI_ID) is None
    assert pf.store.count() == 1


# ======================================================================================
# dates
# ======================================================================================


def test_items_older_than_max_age_are_skipped(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(
        httpserver,
        "/rss/dept_msit.xml",
        rss(ai_item(pub="2025-11-02 09:00:00"), law_item(pub="2025-10-20 09:00:00")),
    )
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), max_age_days=7))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert (report.new, report.skipped) == ((AI_ID,), 1)
    assert pf.store.get(LAW_ID) is None
    assert pf.store.count() == 1
    assert pf.store.dedupe_sources([LAW_ID]) == {}


def test_future_dated_entry_is_clamped_to_now(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(
        httpserver,
        "/rss/dept_msit.xml",
        rss(
            ai_item(pub="2025-11-09 09:00:00"),  # 21 hours ahead
            law_item(pub="2025-11-08 21:05:00"),  # 5 minutes ahead: clock skew, kept
        ),
    )
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.new == (AI_ID, LAW_ID)
    ai, law = pf.store.get(AI_ID), pf.store.get(LAW_ID)
    assert ai is not None and law is not None
    assert ai.article.published == NOW
    assert ai.article.updated == NOW
    assert law.article.published == NOW + timedelta(minutes=5)
    assert report.warnings == (f"{AI_TITLE[:40]!r}: date 2025-11-09T00:00:00+00:00 is in the future, clamped to now",)


def test_a_board_release_under_embargo_waits_for_the_time_its_notice_names(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board feed has no embargo field, only the notice opening the body (dropped from what is published). The
    release was published at once, its date clamped to now: out 15 hours early, with no trace of the notice."""
    notice = "<p>※ 이 자료는 11월 9일(일) 12:00 이후 보도하여 주시기 바랍니다.</p>"
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub="2025-11-09 12:00:00").replace(AI_BODY, notice + AI_BODY)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    assert only(result).new == (AI_ID,) and only(result).warnings == ()  # no clock error: the embargo's date
    embargo = datetime(2025, 11, 9, 3, tzinfo=UTC)  # 12:00 in Seoul
    assert pf.store.get(AI_ID).article.published == embargo  # type: ignore[union-attr]
    pf.build()
    assert AI_ID not in (site / "public" / "rss.xml").read_text(encoding="utf-8")
    listed = CliRunner().invoke(cli, ["--site", str(site), "--now", NOW.isoformat(), "articles", "list"]).stdout
    assert f"scheduled   it-science    {AI_ID}" in listed

    later = opener(site, embargo + timedelta(minutes=5))  # the first cron run after its time
    later.build()
    published = (site / "public" / "rss.xml").read_text(encoding="utf-8")
    assert AI_ID in published and "보도하여" not in published


@pytest.mark.parametrize("form", ["atom-content", "rss-summary-too"])
def test_an_embargo_notice_is_in_no_summary(httpserver: HTTPServer, site: Path, opener: Opener, form: str) -> None:
    """A reviewer's: an Atom entry with only <content> lost its notice from the body, but feedparser copies the
    content as the entry's summary, and every list view began with "※ 이 자료는 … 보도하여 주시기 바랍니다"."""
    notice = "<p>※ 이 자료는 11월 9일(일) 12:00 이후 보도하여 주시기 바랍니다.</p>"
    if form == "atom-content":
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>과기정통부</title>'
            "<id>tag:msit.go.kr,2025:rss</id><updated>2025-11-09T12:00:00+09:00</updated>"
            f"<entry><title>{AI_TITLE}</title><id>tag:msit.go.kr,2025:1</id>"
            '<link href="https://www.msit.go.kr/bbs/view.do?nttSeqNo=1"/><updated>2025-11-09T12:00:00+09:00</updated>'
            f'<content type="html">{html.escape(notice + AI_BODY)}</content></entry></feed>'
        ).encode()
        serve(httpserver, "/rss/dept_msit.xml", feed, content_type="application/atom+xml")
    else:  # a description that is the body's first lines, beside the whole body
        encoded = f"<content:encoded><![CDATA[{notice + AI_BODY}]]></content:encoded>"
        body = rss(item(156720412, AI_TITLE, notice + AI_BODY[:60], pub="2025-11-09 12:00:00", extra=encoded))
        body = body.replace(b'xmlns:dc="', b'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="')
        serve(httpserver, "/rss/dept_msit.xml", body)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    (article,) = stored_articles(pf)
    assert article.published == datetime(2025, 11, 9, 3, tzinfo=UTC)  # held: the notice was read
    assert article.summary.startswith("과학기술정보통신부는") and "보도하여" not in article.summary


def test_an_editors_summary_over_a_release_is_an_edit(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """A review's: a summary that is the body's opening words is no upstream change, but an editor's edit of
    it (imported over the release) was dropped for the same reason."""
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    article = pf.store.get(AI_ID).article  # type: ignore[union-attr]
    lead = "과학기술정보통신부는 국가 차원의 인공지능 연산 기반을 확충하기 위한"  # its opening words, cut cleanly
    assert article.summary != lead
    edit = {
        "id": AI_ID,
        "title": article.title,
        "section": "it-science",
        "published": article.published.isoformat(),
        "link": article.link,
        "body_html": article.body_html,
        "summary": lead,
    }
    path = site / "edit.json"
    # the release as an editor's record first (as `articles show --record` gives it), then its summary edited
    path.write_text(json.dumps({**edit, "summary": article.summary}, ensure_ascii=False), encoding="utf-8")
    pf.import_files([str(path)])
    path.write_text(json.dumps(edit, ensure_ascii=False), encoding="utf-8")
    assert pf.import_files([str(path)]).updated_ids == (AI_ID,)
    assert pf.store.get(AI_ID).article.summary == lead  # type: ignore[union-attr]


def test_an_edit_of_a_release_imported_under_an_earlier_updated_does_not_date_it_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) README: an import's `updated` "never moves the stored date back: new content under an earlier
    date is dated a second after the stored version". A release's edit imported with an `updated` of its own
    (a record kept from an earlier export) took that date as it was: the item changed under a date older than
    the one readers have, and readers that go by dates never showed the change."""
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    path = site / "edit.json"
    record = {**pf.info(pf.article(AI_ID)).record(), "title": "편집된 제목"}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    opener(site, NOW + timedelta(hours=1)).import_files([str(path)])
    edited = pf.store.get(AI_ID)
    assert edited is not None and edited.article.updated == NOW + timedelta(hours=1)
    record = {**record, "title": "다시 편집된 제목", "updated": "2025-11-07T10:00:00+09:00"}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    pf = opener(site, NOW + timedelta(hours=2))
    assert pf.import_files([str(path)]).updated_ids == (AI_ID,)
    after = pf.store.get(AI_ID)
    assert after is not None and after.article.title == "다시 편집된 제목"
    assert after.article.updated > edited.article.updated, after.article.updated


def test_a_plain_text_description_loses_the_notice_it_runs_into(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A reviewer's: a description stripped of its tags runs the notice into the first words on one line, which
    the notice reader takes for a longer line and leaves."""
    notice = "※ 이 자료는 11월 9일(일) 12:00 이후 보도하여 주시기 바랍니다."
    description = f"{notice} {AI_BODY[3:80]}"
    encoded = f"<content:encoded><![CDATA[<p>{notice}</p>{AI_BODY}]]></content:encoded>"
    body = rss(item(156720412, AI_TITLE, description, pub="2025-11-09 12:00:00", extra=encoded))
    body = body.replace(b'xmlns:dc="', b'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="')
    serve(httpserver, "/rss/dept_msit.xml", body)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    (article,) = stored_articles(pf)
    assert article.summary.startswith("과학기술정보통신부는") and "보도하여" not in article.summary


def test_an_atom_entrys_summary_in_its_new_form_is_no_update(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A reviewer's: versions before stored feedparser's copy of an Atom entry's content as its summary; the
    derived one that replaced it re-dated every such item once, and readers saw them all as updated."""
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    body = AI_BODY * 6
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>과기정통부</title>'
        "<id>tag:msit.go.kr,2025:rss</id><updated>2025-11-07T09:00:00+09:00</updated>"
        f"<entry><title>{AI_TITLE}</title><id>tag:msit.go.kr,2025:1</id>"
        '<link href="https://www.msit.go.kr/bbs/view.do?nttSeqNo=1"/><updated>2025-11-07T09:00:00+09:00</updated>'
        f'<content type="html">{html.escape(body)}</content></entry></feed>'
    ).encode()
    served = serve(httpserver, "/rss/dept_msit.xml", feed, content_type="application/atom+xml")
    _, pf = ingest_at(opener, site)
    (article,) = stored_articles(pf)
    whole = pf.store.get(article.id)
    assert whole is not None and len(article.summary) < 250
    # as versions before stored it: the whole text as its summary
    old = encode(replace(article, summary=plain_text(body)))
    pf.store.write([ArticleWrite.from_upstream(old, whole.origin)])
    served.body = feed.replace(b"</feed>", b"<!-- read again --></feed>")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).updated, only(result).unchanged) == ((), 1)
    again = pf.store.get(article.id)
    assert again is not None and again.article.summary == article.summary
    assert again.article.updated == article.updated


def test_a_release_readers_have_is_not_re_dated_by_its_notice_read_later(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Releases stored before notices were read went out at their feed's date; their notice, read at the next
    change of the feed, re-dated them ahead and took them out of the feeds until then (a review found it)."""
    feed = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub="2025-11-08 09:00:00")))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    notice = "<p>※ 이 자료는 11월 9일(일) 06:00 이후 보도하여 주시기 바랍니다.</p>"
    feed.body = rss(ai_item(pub="2025-11-08 09:00:00").replace(AI_BODY, notice + AI_BODY), law_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).new, only(result).updated) == ((LAW_ID,), ())
    assert pf.store.get(AI_ID).article.published == datetime(2025, 11, 8, 0, tzinfo=UTC)  # type: ignore[union-attr]


def test_an_undated_release_whose_notice_names_a_time_alone_keeps_its_first_date(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """ "14:00 이후 보도" on an undated item is each fetch's day at 14:00: it was re-dated every day it stayed in
    the feed, and taken out of the feeds until 14:00."""
    notice = "<p>※ 이 자료는 14:00 이후 보도 가능합니다.</p>"
    undated = ai_item(pub=None).replace(AI_BODY, notice + AI_BODY)
    feed = serve(httpserver, "/rss/dept_msit.xml", rss(undated))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), max_age_days=30))
    _, pf = ingest_at(opener, site)
    first = pf.store.get(AI_ID).article  # type: ignore[union-attr]
    feed.body = rss(undated, law_item())  # the board's next release: the feed is read again
    next_morning = datetime(2025, 11, 9, 1, tzinfo=UTC)  # 10:00 in Seoul, before that day's 14:00
    result, pf = ingest_at(opener, site, next_morning)
    assert (only(result).new, only(result).updated) == ((LAW_ID,), ())
    assert pf.store.get(AI_ID).article.published == first.published == NOW  # type: ignore[union-attr]


def test_a_link_that_only_changes_its_tracking_or_host_form_is_no_update(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Boards rotate what they add to a link (call_from=rsslink, then pWise=main; www. and m.): every item was
    updated and re-dated, and readers showed the whole feed as unread again."""
    feed = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    first = pf_article(opener, site)
    feed.body = rss(ai_item(link="https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720412&pWise=main"))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).updated, only(result).unchanged) == ((), 1)
    assert pf.store.get(AI_ID).article == first  # type: ignore[union-attr]  # the link first seen, the same dates
    feed.body = rss(ai_item(link=f"{PRESS}156720499"))  # another page: an update
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert only(result).updated == (AI_ID,)
    assert pf.store.get(AI_ID).article.link == f"{PRESS}156720499"  # type: ignore[union-attr]


def pf_article(opener: Opener, site: Path) -> Article:
    stored = opener(site).store.get(AI_ID)
    assert stored is not None and stored.article.link == f"{PRESS}156720412&call_from=rsslink"
    return stored.article


def test_entry_without_date_is_dated_now(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub=None), law_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), max_age_days=30))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.new == (AI_ID, LAW_ID)
    ai = pf.store.get(AI_ID)
    assert ai is not None and ai.article.published == NOW
    assert pf.store.get(LAW_ID).article.published == utc(2025, 11, 3, 3, 0)  # type: ignore[union-attr]
    assert report.warnings == (f"{AI_TITLE[:40]!r}: no usable date, dated at fetch time",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-11-07 09:00:00", utc(2025, 11, 7, 0, 0)),
        ("2025.11.07 09:00", utc(2025, 11, 7, 0, 0)),
        ("Fri, 07 Nov 2025 09:00:00 KST", utc(2025, 11, 7, 0, 0)),
        ("Fri, 07 Nov 2025 09:00:00 +0900", utc(2025, 11, 7, 0, 0)),
        ("Fri, 07 Nov 2025 00:00:00 GMT", utc(2025, 11, 7, 0, 0)),
        ("2025-11-07T09:00:00+09:00", utc(2025, 11, 7, 0, 0)),
        # what boards on .NET, Java or JavaScript in ko-KR write: feedparser reads their date and not their
        # time (midnight UTC, 09:00 KST), and "+09" became nine minutes
        ("2025-11-07 오후 3:00:00", utc(2025, 11, 7, 6, 0)),
        ("2025. 11. 7. 오전 10:30:00", utc(2025, 11, 7, 1, 30)),
        ("20251107150000", utc(2025, 11, 7, 6, 0)),
        ("2025-11-07 15:00:00.0 KST", utc(2025, 11, 7, 6, 0)),
        ("Fri, 07 Nov 2025 15:00:00 +09", utc(2025, 11, 7, 6, 0)),
        ("Fri, 7 Nov 2025 9:00 +09", utc(2025, 11, 7, 0, 0)),
        ("2025-11-07 09:00:00 (KST)", utc(2025, 11, 7, 0, 0)),
        ("2025-11-07 오후 3:00:00 (KST)", utc(2025, 11, 7, 6, 0)),
        # feedparser's reading (pressfeed's rules do not take a zone named twice), midnight UTC as its
        # offset makes it: not a time dropped (a review found 09:00 KST releases dated at fetch time)
        ("2025-11-07T09:00:00+0900 (KST)", utc(2025, 11, 7, 0, 0)),
        # month first, as .NET in en-US writes it; an hour without minutes; a weekday before the time
        ("11/07/2025 3:00:00 PM", utc(2025, 11, 7, 6, 0)),
        ("2025-11-07 오후 3시", utc(2025, 11, 7, 6, 0)),
        ("2025-11-07 15시 KST", utc(2025, 11, 7, 6, 0)),
        ("2025-11-07 금요일 15:00", utc(2025, 11, 7, 6, 0)),
        ("2025.11.07(금) 15:00", utc(2025, 11, 7, 6, 0)),
    ],
)
def test_agency_date_forms(raw: str, expected: datetime, httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub=raw)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    assert only(result).warnings == ()
    assert pf.store.get(AI_ID).article.published == expected  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("금, 07 11월 2025 15:00:00 +0900", utc(2025, 11, 7, 6, 0)),
        ("목, 06 11월 2025 09:00:00 KST", utc(2025, 11, 6, 0, 0)),
    ],
)
def test_an_rfc_822_date_a_korean_locale_wrote_is_read(
    raw: str, expected: datetime, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A Java board formatting pubDate with "EEE, dd MMM yyyy HH:mm:ss Z" under the JVM's ko_KR locale (no
    Locale.US) writes the weekday and month in Korean. The date is whole and readable, yet every such item was
    "unusable", dated at fetch time: a first run listed a board's month of releases as published just now."""
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub=raw)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    assert only(result).warnings == ()
    assert pf.store.get(AI_ID).article.published == expected  # type: ignore[union-attr]


@pytest.mark.parametrize("raw", ["2025-11-07 15:00:00 KST (금)", "2025-11-07 15시경", "2025-11-07 오후 3시경"])
def test_a_date_read_without_its_time_is_not_used(raw: str, httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """Forms pressfeed cannot read, which feedparser reads as the day at midnight UTC (09:00 KST), dropping
    the written time: the item is dated at fetch time with a warning, not misdated in silence."""
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub=raw)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    assert pf.store.get(AI_ID).article.published == NOW  # type: ignore[union-attr]
    assert only(result).warnings == (f"{AI_TITLE[:40]!r}: unusable date {raw!r}, dated at fetch time",)


#: a ministry's board feed as its EUC-KR CMS writes it: no guids, each board's own date form
BOARD_ITEMS = (
    ("국토부, 수도권 주택공급 점검회의 개최", "11/07/2025 3:00:00 PM", utc(2025, 11, 7, 6, 0)),
    ("국토부, 겨울철 도로 제설 대책 추진", "2025년 11월 7일 금요일 오후 2시", utc(2025, 11, 7, 5, 0)),
    ("국토부, 철도 안전 합동점검 결과 발표", "2025.11.06(목) 10시", utc(2025, 11, 6, 1, 0)),
    ("국토부, 건설현장 동절기 안전관리 당부", "2025-11-05 (수) 오후 4:30", utc(2025, 11, 5, 7, 30)),
)


def test_an_euc_kr_board_feeds_dates_are_read_as_written(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    items = [
        item(
            f"2025110{n}",
            title,
            "<p>국토교통부는 관계기관과 함께 대책을 점검했다고 밝혔다.</p>",
            guid=None,
            link=f"http://www.molit.go.kr/USR/NEWS/m_71/dtl.jsp?id=9512{n}",
            pub=pub,
        )
        for n, (title, pub, _) in enumerate(BOARD_ITEMS)
    ]
    text = rss_text(*items, title="국토교통부 보도자료")
    body = text.replace('encoding="UTF-8"', 'encoding="EUC-KR"').encode("euc-kr")
    serve(httpserver, "/USR/NEWS/rss.jsp", body, content_type="text/xml; charset=euc-kr")
    configure(site, source("molit", httpserver.url_for("/USR/NEWS/rss.jsp"), name="국토교통부"))
    result, pf = ingest_at(opener, site)
    assert only(result).warnings == ()
    published = {article.title: article.published for article in stored_articles(pf)}
    assert published == {title: expected for title, _, expected in BOARD_ITEMS}


def test_a_day_first_date_is_not_read_day_first(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """Korean systems write month/day/year; "13/11/2025" is no date (not the 13th of November, silently)."""
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub="13/11/2025 15:00:00")))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    assert pf.store.get(AI_ID).article.published == NOW  # type: ignore[union-attr]
    assert only(result).warnings == (f"{AI_TITLE[:40]!r}: unusable date '13/11/2025 15:00:00', dated at fetch time",)


def test_a_time_feedparser_reads_without_a_zone_is_the_sites(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """feedparser reads "2025-11-07 15:00:00 (수요일 오후)" as 15:00 UTC; it was written in Seoul."""
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub="2025-11-07 15:00:00 (수요일 오후)")))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    assert pf.store.get(AI_ID).article.published == utc(2025, 11, 7, 6, 0)  # type: ignore[union-attr]
    assert only(result).warnings == ()


# ======================================================================================
# include / exclude
# ======================================================================================


def test_include_and_exclude_filters(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), sixg_item(), law_item()))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml"), include=["인공지능"], exclude=["입법\\s*예고"]),
    )
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.new == (AI_ID,)  # 6G: no 인공지능; the law: 입법예고
    assert report.skipped == 2
    assert [a.id for a in stored_articles(pf)] == [AI_ID]


def test_include_matches_body_and_is_case_insensitive(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(
        httpserver,
        "/rss/dept_msit.xml",
        rss(
            item(1, "데이터센터 확충 계획 발표", "<p>국가 ai 연산 자원을 늘린다.</p>"),
            item(2, "우정사업본부 연말 특별소통기간 운영", "<p>택배 물량 증가에 대비한다.</p>"),
        ),
    )
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml"), include=["\\bAI\\b"]))
    report = only(ingest_at(opener, site)[0])
    assert report.new == (guid_id("msit", "msit-1"),)
    assert report.skipped == 1


# ======================================================================================
# dry run
# ======================================================================================


def test_dry_run_writes_nothing(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), law_item()), ETag='"d1"')
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site, dry_run=True)
    assert result.dry_run
    assert only(result).new == (AI_ID, LAW_ID)
    assert result.summary() == "ingest (dry run, nothing written): 1 source, 2 new, 0 updated"
    assert pf.store.count() == 0
    assert pf.store.source_state("msit") is None
    assert pf.store.dedupe_sources([AI_ID]) == {} and pf.store.dedupe_sources([LAW_ID]) == {}
    assert dedupe_key_count(pf) == 0
    assert list(pf.store.source_states()) == []

    # a real run afterwards fetches unconditionally and creates exactly those ids
    real, pf = ingest_at(opener, site)
    assert only(real).new == (AI_ID, LAW_ID)
    assert httpserver.log[1][0].headers.get("If-None-Match") is None
    assert pf.store.count() == 2


def test_dry_run_reports_the_same_new_ids_as_a_real_run(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    # the joint release is claimed by msit earlier in the run, though nothing is stored
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), law_item()))
    serve(
        httpserver,
        "/rss/dept_moef.xml",
        rss(
            item(
                156720010,
                LAW_TITLE,
                LAW_BODY,
                guid="moef-156720010",
                link="http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720010&pWise=sub",
            ),
            item(156720530, MOEF_TITLE, MOEF_BODY, guid="moef-156720530"),
            title="기획재정부 보도자료",
        ),
    )
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
    )
    dry, pf = ingest_at(opener, site, dry_run=True)
    assert pf.store.count() == 0
    real, pf = ingest_at(opener, site)
    expected = [("msit", (AI_ID, LAW_ID), 0), ("moef", (guid_id("moef", "moef-156720530"),), 1)]
    assert [(r.source_id, r.new, r.duplicates) for r in real.reports] == expected
    assert [(r.source_id, r.new, r.duplicates) for r in dry.reports] == expected


# ======================================================================================
# overlapping runs
# ======================================================================================


def test_second_run_while_locked_raises_and_writes_nothing(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    holder = opener(site)
    with holder.locked():
        second = opener(site)
        started = time.monotonic()
        with pytest.raises(LockedError) as caught:
            second.run()
        assert time.monotonic() - started < 2.0  # at once, no waiting for the lock
        assert caught.value.exit_code == 75
        assert "another pressfeed run is in progress" in str(caught.value)
        assert second.store.count() == 0
        assert second.store.source_state("msit") is None
        assert second.store.feed_files() == {}
        assert not (site / "public").exists()
        assert httpserver.log == []
    # the lock is free again
    assert holder.run().ingest is not None
    assert holder.store.get(AI_ID) is not None


# ======================================================================================
# hostile input
# ======================================================================================


def test_hostile_entry_is_stored_clean_and_build_is_valid(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    title = "&lt;script&gt;alert('t')&lt;/script&gt;긴급\x01 발표\x0b 제목\x7f ]]&gt; 끝"
    body = (
        '&lt;p&gt;본문 &lt;a href="javascript:alert(1)"&gt;링크&lt;/a&gt; 중간 ]]&gt; 그리고 '
        '&lt;a href=" JaVaScRiPt:alert(2)"&gt;둘&lt;/a&gt; '
        '&lt;a href="/briefing/pressReleaseView.do?newsId=9"&gt;원문&lt;/a&gt;\x08&lt;/p&gt;'
        "&lt;script&gt;steal(document.cookie)&lt;/script&gt;"
        '&lt;img src="x.png" onerror="alert(3)"&gt;'
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel><title>과학기술정보통신부 보도자료</title><link>https://www.korea.kr/</link>\n'
        f'<item><title>{title}</title><link>{PRESS}9</link><guid isPermaLink="false">msit-9</guid>'
        f"<pubDate>2025-11-07 09:00:00</pubDate><description>{body}</description></item>\n"
        "</channel></rss>\n"
    )
    serve(httpserver, "/rss/dept_msit.xml", feed.encode())
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, pf = ingest_at(opener, site)
    report = only(result)
    assert report.new == (guid_id("msit", "msit-9"),)
    article = pf.store.get(guid_id("msit", "msit-9"))
    assert article is not None
    a = article.article
    assert a.title == "긴급 발표 제목 ]]> 끝"
    for text in (a.title, a.summary, a.body_html):
        assert "<script" not in text.lower()
        assert "javascript" not in text.lower()
        assert "onerror" not in text
        assert not any(ord(c) < 32 and c not in "\t\n\r" for c in text)
        assert "\x7f" not in text
    assert "steal" not in a.body_html
    assert "]]&gt;" in a.body_html
    assert 'href="https://www.korea.kr/briefing/pressReleaseView.do?newsId=9"' in a.body_html

    built = pf.build()
    assert "rss.xml" in built.written and "it-science/atom.xml" in built.written
    public = site / "public"
    for path in ("rss.xml", "atom.xml", "it-science/rss.xml", "it-science/atom.xml"):
        parsed = feedparser.parse((public / path).read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        (entry,) = parsed.entries
        assert entry.title == "긴급 발표 제목 ]]> 끝"
    data = json.loads((public / "feed.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in data["items"]] == ["긴급 발표 제목 ]]> 끝"]


def test_a_board_that_escapes_its_html_in_cdata_is_published_as_markup(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    # e-government framework boards store their HTML escaped and publish that in CDATA, titles too
    body = (
        "&lt;p&gt;과학기술정보통신부는 26일 공공 누리집 &lt;b&gt;디지털 접근성&lt;/b&gt; "
        "점검 결과를 발표했다.&lt;/p&gt;"
        "&lt;p&gt;점검 대상은 1,200개 누리집이다.&lt;br /&gt;자세한 내용은 "
        '&lt;a href="/bbs/view.do?nttSeqNo=3186500"&gt;원문&lt;/a&gt;을 참고.&lt;/p&gt;'
    )
    link = "https://www.msit.go.kr/bbs/view.do?sCode=user&mId=307&nttSeqNo=3186500"
    title = "&amp;lt;보도자료&amp;gt; 디지털 접근성 &amp;lt;b&amp;gt;점검&amp;lt;/b&amp;gt;"
    board = item(3186500, title, body, link=link)
    serve(httpserver, "/rss/board.xml", rss(board))
    configure(site, source("msit", httpserver.url_for("/rss/board.xml")))
    result, pf = ingest_at(opener, site)
    (new_id,) = only(result).new
    stored = pf.store.get(new_id)
    assert stored is not None
    a = stored.article
    assert a.title == "디지털 접근성 점검"  # its markup read as such, and the board's label of a release dropped
    assert a.body_html.startswith("<p>과학기술정보통신부는 26일 공공 누리집 <b>디지털 접근성</b> 점검")
    assert "점검 대상은 1,200개 누리집이다.<br>자세한 내용은" in a.body_html
    original = "https://www.msit.go.kr/bbs/view.do?nttSeqNo=3186500"
    assert f'<a href="{original}" rel="noopener noreferrer">원문</a>' in a.body_html
    assert a.summary.startswith("과학기술정보통신부는 26일 공공 누리집 디지털 접근성 점검 결과를 발표했다. 점검 대상은")
    assert "&lt;" not in a.body_html + a.summary

    pf.build()
    atom = feedparser.parse((site / "public" / "it-science" / "atom.xml").read_bytes()).entries[0]
    assert "<b>디지털 접근성</b>" in atom.content[0].value
    assert atom.summary == a.summary
    data = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))
    assert "<b>디지털 접근성</b>" in data["items"][0]["content_html"]


@pytest.mark.parametrize(
    "bad_link",
    [
        "https://www.korea.kr:99999/briefing/pressReleaseView.do?newsId=9",
        "https://www.korea.kr:abc/briefing/pressReleaseView.do?newsId=9",
        "http://[::1/briefing/pressReleaseView.do?newsId=9",
    ],
)
def test_entry_with_malformed_link_does_not_stop_the_run(
    bad_link: str, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    serve(httpserver, "/rss/dept_moef.xml", rss(item(9, "잘못된 링크의 보도자료", "<p>본문</p>", link=bad_link)))
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item()))
    configure(
        site,
        source("moef", httpserver.url_for("/rss/dept_moef.xml"), section="economy"),
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
    )
    result, pf = ingest_at(opener, site)  # must not raise: one bad entry never stops the others
    moef, msit = result.reports
    assert moef.new == ()
    assert moef.skipped == 1 or moef.outcome == "failed"
    assert msit.new == (AI_ID,)
    assert pf.store.get(AI_ID) is not None
    assert pf.store.get(guid_id("moef", "msit-9")) is None


def _sample_site_with_workers(root: Path, workers: int) -> Path:
    site = root / f"site-{workers}"
    shutil.copytree(SAMPLE_FEEDS, site / "feeds")
    config = site / "feeds" / "pressfeed.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nfetch:\n  workers: {workers}\n", encoding="utf-8")
    return site


def test_worker_processes_give_the_same_articles_as_inline_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds parsed in worker processes (large runs) must map exactly as parsed inline."""
    import pressfeed.workers as workers_module

    pools: list[int] = []
    real_pool = workers_module.ProcessPoolExecutor

    def counting_pool(*args: Any, **kwargs: Any) -> Any:
        pools.append(kwargs["max_workers"])
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(workers_module, "ProcessPoolExecutor", counting_pool)
    results = {}
    for workers in (0, 2):
        site = _sample_site_with_workers(tmp_path, workers)
        with Pressfeed.open(site, clock=fixed(NOW)) as pf:
            report = pf.ingest()
            stored = pf.store.articles(ArticleFilter())
            results[workers] = (
                [(r.source_id, r.new, r.duplicates, r.skipped) for r in report.reports],
                [(s.article, s.origin, s.content_hash) for s in stored],
            )
    assert pools == [2]  # workers: 0 parsed inline, workers: 2 in two processes
    assert results[0][1], "the sample feeds produce articles"
    assert results[2] == results[0]


# -- regressions from code review ------------------------------------------------------


def test_undated_entry_keeps_its_first_date_when_the_feed_changes(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Fetch time stands in for a missing date once; later fetches must not re-date (re-publish) it."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(sixg_item(pub=None)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site, NOW)
    served.body = rss(ai_item(), sixg_item(pub=None))  # new bytes: the feed is parsed again an hour later
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    report = only(result)
    assert (report.new, report.updated) == ((AI_ID,), ())
    article = pf.store.get(SIXG_ID)
    assert article is not None
    assert (article.article.published, article.article.updated) == (NOW, NOW)


def served_at(when: datetime) -> str:
    """A board's pubDate: KST, written without an offset."""
    return (when + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")


def _three_days_of(
    board: Callable[[datetime], bytes], httpserver: HTTPServer, site: Path, opener: Opener
) -> tuple[Served, StoredArticle]:
    """A stamping board's feed fetched at NOW and on the next three days: nothing new, nothing updated, the
    AI release under the dates it was first stored with (returned, with the served feed)."""
    served = serve(httpserver, "/rss/dept_msit.xml", board(NOW))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    first = ingest_at(opener, site, NOW)[1].store.get(AI_ID)
    assert first is not None
    for days in (1, 2, 3):
        when = NOW + timedelta(days=days)
        served.body = board(when)
        result, pf = ingest_at(opener, site, when)
        assert (only(result).new, only(result).updated) == ((), ())
    stored = pf.store.get(AI_ID)
    assert stored is not None and (stored.article.published, stored.article.updated) == (
        first.article.published,
        first.article.updated,
    )
    return served, first


@pytest.mark.parametrize("cached", [0, 30], ids=["fresh", "cached-30-minutes"])
def test_a_board_stamping_its_items_with_the_time_it_serves_them_does_not_re_date_them(
    httpserver: HTTPServer, site: Path, opener: Opener, cached: int
) -> None:
    """A board whose RSS gives every item the time of the request as its pubDate: at the first fetch of each
    new day every item was re-dated and updated, and behind a cache (its stamp older than FETCH_STAMP) its
    changes counted as dated ones, so the limit on undated changes never held. Items of one answer that moved
    to one and the same time carry the time the answer was made, not dates of their own."""

    def board(when: datetime, views: int = 0) -> bytes:
        stamp = served_at(when - timedelta(minutes=cached))
        counter = f"<p>조회수 {views}</p>" if views else ""
        return rss(item(156720412, AI_TITLE, AI_BODY + counter, pub=stamp), sixg_item(pub=stamp), law_item(pub=stamp))

    served, first = _three_days_of(board, httpserver, site, opener)
    # a change of its text is taken (under its first date), and counted as one without a date
    when = NOW + timedelta(days=4)
    served.body = board(when, views=7)
    result, pf = ingest_at(opener, site, when)
    assert only(result).updated == (AI_ID,)
    stored = pf.store.get(AI_ID)
    assert stored is not None and stored.article.published == first.article.published
    assert stored.undated_changes == 1


def test_releases_whose_embargo_moves_to_one_time_together_are_re_dated(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Two releases under one embargo, postponed together: they move to one time, as a board's stamp does, but
    the time is their embargo's (a notice, in the future), and it holds them back. Kept at the old one, they
    went out a day early."""

    def embargoed(day: int) -> bytes:
        notice = f"<p>※ 이 자료는 11월 {day}일 12:00 이후 보도하여 주시기 바랍니다.</p>"
        pub = f"2025-11-{day:02d} 12:00:00"
        return rss(
            item(156720412, AI_TITLE, notice + AI_BODY, pub=pub),
            item(156720287, SIXG_TITLE, notice + SIXG_BODY, pub=pub),
        )

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed(9))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site, NOW)
    served.body = embargoed(10)
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert sorted(only(result).updated) == sorted([AI_ID, SIXG_ID])
    for article_id in (AI_ID, SIXG_ID):
        assert pf.article(article_id).article.published == datetime(2025, 11, 10, 3, tzinfo=UTC)


def test_a_board_stamping_its_items_with_the_time_a_request_reached_it_after_the_run_began_does_not_re_date_them(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: the run's clock is read once, before any source is fetched; a board's stamp is the time
    the request reached it, seconds later (the 30th source of a run, a slow connect). A stamp "after now" was
    never one, so a board stamping fresh answers had every item re-dated and updated at each new day."""

    def board(when: datetime) -> bytes:
        stamp = served_at(when + timedelta(seconds=3))  # the request reached the board 3 s into the run
        return rss(item(156720412, AI_TITLE, AI_BODY, pub=stamp), sixg_item(pub=stamp), law_item(pub=stamp))

    _three_days_of(board, httpserver, site, opener)


def test_two_day_only_releases_a_board_moves_to_today_are_updated(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: a day-only board correcting the days of two releases at once: both are dated when seen on
    today, the fetch's time, one and the same; taken for a serve stamp, they kept yesterday's dates and were no
    update, where one alone is (test_a_day_without_a_time_moved_to_another_day_is_an_update)."""
    rows = (
        ("국토부, 어제 낸 보도자료", "2025-11-07 00:00:00.0"),
        ("국토부, 어제 낸 다른 자료", "2025-11-07 00:00:00.0"),
    )
    kept = ("국토부, 그제 낸 보도자료", "2025-11-06 00:00:00.0")
    served = serve(httpserver, "/USR/NEWS/rss.jsp", day_board(*rows, kept), content_type="text/xml; charset=euc-kr")
    configure(site, source("molit", httpserver.url_for("/USR/NEWS/rss.jsp"), name="국토교통부"))
    ingest_at(opener, site)
    # the board corrected the day of both (the one of the day before stays)
    served.body = day_board(*((title, "2025-11-08 00:00:00.0") for title, _ in rows), kept)
    result, pf = ingest_at(opener, site, NOW + timedelta(minutes=5))
    assert len(only(result).updated) == 2
    for stored in stored_articles(pf):
        if stored.title != kept[0]:  # on their new day, which is today: dated when seen so
            assert (stored.published, stored.updated) == (NOW + timedelta(minutes=5), NOW + timedelta(minutes=5))


CORRECTION = "<p>(정정) 일정이 변경되었습니다.</p>"


def _both_corrected_past_the_limit(
    board: Callable[..., bytes], corrected: bytes, httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board counting views in the AI and 6G releases, fetched until each is past the limit of undated
    changes; then `corrected` (both corrected at 10:00 KST the next morning) is fetched at 10:30: both taken."""
    served = serve(httpserver, "/rss/dept_msit.xml", board(1))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    for run in range(1, UNDATED_CHANGES_MAX + 2):
        served.body = board(1 + run)
        ingest_at(opener, site, NOW + timedelta(minutes=10 * run))
    served.body = corrected
    result, pf = ingest_at(opener, site, datetime(2025, 11, 9, 1, 30, tzinfo=UTC))  # 10:30 KST
    assert sorted(only(result).updated) == sorted([AI_ID, SIXG_ID])
    for article_id in (AI_ID, SIXG_ID):
        assert "(정정)" in pf.article(article_id).article.body_html


@pytest.mark.parametrize("alone", [False, True], ids=["beside-a-third", "on-a-board-of-two"])
def test_two_releases_a_board_corrects_and_re_dates_at_one_minute_are_taken_past_the_undated_limit(
    httpserver: HTTPServer, site: Path, opener: Opener, alone: bool
) -> None:
    """An attack's: a board with a view counter in its items (each past the limit of undated changes) whose
    agency corrects two releases in one minute, and the board re-dates both to it (a minute-precision board
    writes ":00"): the dated correction is the way out of the limit, but the two moved together, taken for a
    serve stamp, kept their dates and counted as undated: the corrections were never taken. (A review's: on a
    board listing the two alone, no third item keeps its date to say so.)"""

    first = ("2025-11-07 09:00:00", "2025-11-05 14:00:00")

    def board(views: int, pub: tuple[str, str] = first, fix: str = "") -> bytes:
        counter = f"<p>조회수 {views}</p>"
        return rss(
            item(156720412, AI_TITLE, AI_BODY + fix + counter, pub=pub[0]),
            item(156720287, SIXG_TITLE, SIXG_BODY + fix + counter, pub=pub[1]),
            *(() if alone else (law_item(),)),
        )

    # the next morning: both corrected at 10:00 KST, and re-dated so
    corrected = board(100, pub=("2025-11-09 10:00:00",) * 2, fix=CORRECTION)
    _both_corrected_past_the_limit(board, corrected, httpserver, site, opener)


@pytest.mark.parametrize("cached", [0, 30], ids=["fresh", "cached-30-minutes"])
def test_a_board_stamping_its_items_updated_with_the_time_it_serves_them_holds_the_undated_changes_limit(
    httpserver: HTTPServer, site: Path, opener: Opener, cached: int
) -> None:
    """An attack's: a board giving its items their own pubDate, but the time it served them as their
    `updated` (dc:date, atom:updated), and a view counter in their text: behind a cache (a stamp older than
    FETCH_STAMP) each change looked dated, so every item was updated, and re-dated, at every fetch for good:
    the case the serve stamp was made for, left open when the stamp is in `updated`."""

    def board(when: datetime, views: int) -> bytes:
        extra = f"<dc:date>{served_at(when - timedelta(minutes=cached))}</dc:date>"
        counter = f"<p>조회수 {views}</p>"
        return rss(
            item(156720412, AI_TITLE, AI_BODY + counter, extra=extra),
            sixg_item(extra=extra),
            law_item(extra=extra),
        )

    served = serve(httpserver, "/rss/dept_msit.xml", board(NOW, 1))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site, NOW)
    taken = []
    for run in range(1, UNDATED_CHANGES_MAX + 4):
        when = NOW + timedelta(hours=run)
        served.body = board(when, 1 + run)
        result, _ = ingest_at(opener, site, when)
        taken.append(only(result).updated == (AI_ID,))
    assert taken[-3:] == [False] * 3, taken


def test_two_releases_a_board_corrects_with_one_minutes_dc_date_are_taken_past_the_undated_limit(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: the dc:date of the test above (two releases corrected in one minute past the undated
    limit). A board giving `updated` only to the items it corrected: the release it left alone gives none, so
    it never says the answer is dated by its releases, and the two dated corrections were taken for a serve
    stamp, counted as undated: never taken."""

    def board(views: int, fix: str = "", extra: str = "") -> bytes:
        counter = f"<p>조회수 {views}</p>"
        return rss(
            item(156720412, AI_TITLE, AI_BODY + fix + counter, extra=extra),
            item(156720287, SIXG_TITLE, SIXG_BODY + fix + counter, pub="2025-11-05 14:00:00", extra=extra),
            law_item(),
        )

    # the next morning: both corrected at 10:00 KST, their pubDates kept, the correction's time as dc:date
    corrected = board(100, fix=CORRECTION, extra="<dc:date>2025-11-09 10:00:00</dc:date>")
    _both_corrected_past_the_limit(board, corrected, httpserver, site, opener)


#: a ministry board that keeps its releases' dates in a DATE column (EUC-KR, no guids): (title, date written)
DAY_BOARD = (
    ("국토부, 오늘 낸 보도자료", "2025-11-08 00:00:00.0"),  # NOW's day in KST: a day without a time
    ("국토부, 어제 낸 보도자료", "2025-11-07 00:00:00.0"),  # the day before: first seen after its day
    ("국토부, 시각이 있는 보도자료", "2025-11-08 09:00:00"),
    ("국토부, 날짜만 쓴 보도자료", "2025.11.08"),
)


def day_board(*rows: tuple[str, str], text: str = "국토교통부는 관계기관과 함께 대책을 점검했다고 밝혔다.") -> bytes:
    items = [
        item(
            f"95{n}",
            title,
            f"<p>{text}</p>",
            guid=None,
            link=f"http://www.molit.go.kr/USR/NEWS/m_71/dtl.jsp?id=95{n}",
            pub=pub,
        )
        for n, (title, pub) in enumerate(rows)
    ]
    text = rss_text(*items, title="국토교통부 보도자료")
    return text.replace('encoding="UTF-8"', 'encoding="EUC-KR"').encode("euc-kr")


def test_a_day_without_a_time_is_dated_when_first_seen_that_day(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A board's "2025-11-08 00:00:00.0" is a day, not midnight: readers would list the release below the
    morning's. Seen on its day, it is dated when first seen; seen later, its day's midnight stands."""
    serve(httpserver, "/USR/NEWS/rss.jsp", day_board(*DAY_BOARD), content_type="text/xml; charset=euc-kr")
    configure(site, source("molit", httpserver.url_for("/USR/NEWS/rss.jsp"), name="국토교통부"))
    result, pf = ingest_at(opener, site)  # NOW: 2025-11-08 21:00 KST
    assert only(result).warnings == ()
    published = {a.title: a.published for a in stored_articles(pf)}
    assert published == {
        "국토부, 오늘 낸 보도자료": NOW,
        "국토부, 어제 낸 보도자료": utc(2025, 11, 6, 15, 0),  # 2025-11-07 00:00 KST
        "국토부, 시각이 있는 보도자료": utc(2025, 11, 8, 0, 0),  # 09:00 KST, as written
        "국토부, 날짜만 쓴 보도자료": NOW,
    }
    assert all(a.updated == a.published for a in stored_articles(pf))


@pytest.mark.parametrize("later", [timedelta(hours=2), timedelta(days=1)], ids=["same-day", "next-day"])
def test_a_day_without_a_time_keeps_its_first_date(
    httpserver: HTTPServer, site: Path, opener: Opener, later: timedelta
) -> None:
    """The fetch time stood in once: a later fetch (whose own time, or its day's midnight, the same item now
    gives) neither re-dates it nor counts as an update; a real change of its text is one, under its date."""
    today = DAY_BOARD[0]
    served = serve(httpserver, "/USR/NEWS/rss.jsp", day_board(today), content_type="text/xml; charset=euc-kr")
    configure(site, source("molit", httpserver.url_for("/USR/NEWS/rss.jsp"), name="국토교통부"))
    ingest_at(opener, site, NOW - timedelta(hours=6))  # 15:00 KST
    first = NOW - timedelta(hours=6)
    served.body = day_board(today, DAY_BOARD[2])  # new bytes: the feed is parsed again
    result, pf = ingest_at(opener, site, NOW - timedelta(hours=6) + later)
    report = only(result)
    assert (len(report.new), report.updated, report.unchanged) == (1, (), 1)
    (stored,) = [a for a in stored_articles(pf) if a.title == today[0]]
    assert (stored.published, stored.updated) == (first, first)

    served.body = day_board(today, DAY_BOARD[2], text="국토교통부는 점검 결과를 정정한다고 밝혔다.")
    when = NOW - timedelta(hours=6) + later + timedelta(minutes=30)
    result, pf = ingest_at(opener, site, when)
    (stored,) = [a for a in stored_articles(pf) if a.title == today[0]]
    assert only(result).updated and stored.published == first and stored.updated == when


def test_a_day_without_a_time_moved_to_another_day_is_an_update(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Only the same day keeps the first date: a board that corrects an item's day updates it."""
    served = serve(httpserver, "/USR/NEWS/rss.jsp", day_board(DAY_BOARD[1]), content_type="text/xml; charset=euc-kr")
    configure(site, source("molit", httpserver.url_for("/USR/NEWS/rss.jsp"), name="국토교통부"))
    ingest_at(opener, site)
    served.body = day_board(("국토부, 어제 낸 보도자료", "2025-11-08 00:00:00.0"))  # the board corrected its day
    result, pf = ingest_at(opener, site, NOW + timedelta(minutes=5))
    assert only(result).updated
    (stored,) = stored_articles(pf)
    # on its new day, which is today: dated when seen so
    assert (stored.published, stored.updated) == (NOW + timedelta(minutes=5), NOW + timedelta(minutes=5))


def test_recurring_text_under_a_new_guid_is_a_new_article(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """A content match joins releases across sources only; within one source guid and link decide."""
    weekly = "<p>이번 주 장관 주요 일정을 알려드립니다.</p>"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(item(1, "주간 주요 일정", weekly, pub="2025-11-03 09:00:00")))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    served.body = rss(item(2, "주간 주요 일정", weekly, pub="2025-11-07 09:00:00"))
    result, pf = ingest_at(opener, site)
    assert only(result).new == (guid_id("msit", "msit-2"),)
    assert {a.id for a in stored_articles(pf)} == {guid_id("msit", "msit-1"), guid_id("msit", "msit-2")}


def test_a_recurring_text_is_posted_again_after_an_editor_deleted_one_of_its_posts(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: a deleted post's content key pointed at a release no longer stored, whose source no one
    could say, and every later post of the text was taken for it and skipped as deleted. Another source's
    copy of the deleted release stays out."""
    weekly = "<p>이번 주 장관 주요 일정을 알려드립니다. 자세한 일정은 붙임 파일을 참고하시기 바랍니다. " * 3 + "</p>"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(item(1, "주간 주요 일정", weekly, pub="2025-11-03 09:00:00")))
    copy = serve(httpserver, "/rss/pressrelease.xml", rss(title="정책브리핑 보도자료"))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
    )
    _, pf = ingest_at(opener, site)
    pf.delete(guid_id("msit", "msit-1"))
    served.body = rss(item(2, "주간 주요 일정", weekly, pub="2025-11-10 09:00:00"))
    copy.body = rss(item(9, "주간 주요 일정", weekly, guid="korea-9", pub="2025-11-03 10:00:00"), title="정책브리핑")
    result, pf = ingest_at(opener, site, NOW + timedelta(days=7))
    ministry, service = result.reports
    assert ministry.new == (guid_id("msit", "msit-2"),) and service.new == ()
    assert [a.id for a in stored_articles(pf)] == [guid_id("msit", "msit-2")]


def test_a_release_an_editor_deleted_stays_deleted_when_its_board_moves_it(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The deleted release is no longer stored to give its day: its own day's title key, still pointing at it,
    says the moved item is that release."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), law_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    pf.delete(AI_ID)
    served.body = rss(
        item(156720412, AI_TITLE, AI_BODY, guid="BBS_0000124", link=f"{PRESS}156720412&amp;board=new"), law_item()
    )
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert only(result).new == () and [a.id for a in stored_articles(pf)] == [LAW_ID]


def test_a_board_that_moves_every_release_to_a_new_guid_and_link_publishes_none_again(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """A ministry's new board software gave each release a new guid and link at once (its time of day written
    anew): within one source guid and link decide, and readers got its recent releases again as new items. A
    release of the same title and text on the same day is the one the source gave before, moved: updated to
    its new link. (A text that recurs on another day is a new post: the test above.)"""
    moved = f"{PRESS}156720010&amp;board=new"
    served = serve(httpserver, "/rss/dept_msit.xml", rss(law_item(), ai_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    served.body = rss(
        item(156720010, LAW_TITLE, LAW_BODY, guid="BBS_0000123", link=moved, pub="2025-11-03 12:30:00"),
        item(156720412, AI_TITLE, AI_BODY, guid="BBS_0000124", link=f"{PRESS}156720412&amp;board=new"),
        item(156720413, AI_TITLE, AI_BODY, guid="BBS_0000125", pub="2025-11-14 09:00:00"),  # posted again
    )
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    report = only(result)
    assert report.new == (guid_id("msit", "BBS_0000125"),) and set(report.updated) == {LAW_ID, AI_ID}
    assert len(stored_articles(pf)) == 3
    law = pf.store.get(LAW_ID)
    assert law is not None and law.article.link == moved.replace("&amp;", "&")
    served.body = served.body.replace(b"</channel>", sixg_item().encode() + b"</channel>")
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=2))  # under its new guid from now on
    assert (only(result).new, only(result).updated) == ((SIXG_ID,), ()) and len(stored_articles(pf)) == 4


def test_a_board_serving_its_old_and_new_forms_in_turn_as_it_moves_updates_its_releases_once(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: during the move a load balancer served the old board and the new one in turn, and each
    form's link (and time of day) was an update of the other's on every run. A page the release was at
    before keeps the link and dates readers have."""
    old = rss(law_item())
    moved = f"{PRESS}156720010&amp;board=new"
    new = rss(item(156720010, LAW_TITLE, LAW_BODY, guid="BBS_0000123", link=moved, pub="2025-11-03 12:30:00"))
    served = serve(httpserver, "/rss/dept_msit.xml", old)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    updates = []
    for hours in range(1, 7):
        served.body = new if hours % 2 else old
        result, pf = ingest_at(opener, site, NOW + timedelta(hours=hours))
        updates += only(result).updated
    assert updates == [LAW_ID] and len(stored_articles(pf)) == 1  # moved once, then neither form is news
    assert pf.store.get(LAW_ID).article.link == f"{PRESS}156720010&board=new"  # type: ignore[union-attr]


def test_a_title_only_board_that_moves_its_releases_publishes_none_again(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: a board that gives titles alone (or whose pages are not read yet) has no text to know its
    moved releases by: its own day's title key does (a title of 12 letters or more, one agency's)."""
    served = serve(httpserver, "/board/rss.do", title_only_board((POLICY_TITLE, BOARD_LINK, "2025-11-06 00:00:00.0")))
    configure(site, source("moef-board", httpserver.url_for("/board/rss.do"), name="기획재정부", republish="link"))
    _, pf = ingest_at(opener, site)
    [release] = stored_articles(pf)
    moved = BOARD_LINK.replace("74400", "99400")
    served.body = title_only_board((POLICY_TITLE, moved, "2025-11-06 09:00:00.0"))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).new, only(result).updated) == ((), (release.id,))
    assert [a.link for a in stored_articles(pf)] == [moved]


def test_a_short_notice_posted_again_the_same_day_after_the_first_left_the_feed_is_a_post_of_its_own(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An attack's: "인사" with "붙임 파일 참조" at 09:00, and another at 16:00 once the first had left the feed
    (which lists its latest items): their short text is any release's, and the second was taken for the first,
    moved, and never published."""
    served = serve(httpserver, "/rss/dept_msit.xml", rss(item(1, "인사", "<p>붙임 파일 참조</p>")))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    served.body = rss(item(2, "인사", "<p>붙임 파일 참조</p>", pub="2025-11-07 16:00:00"))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=8))
    assert only(result).new == (guid_id("msit", "msit-2"),) and len(stored_articles(pf)) == 2


def test_korean_feed_labelled_latin1_decodes_as_cp949(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    body = rss_text(law_item()).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("cp949")
    serve(httpserver, "/rss/dept_moef.xml", body, content_type="text/xml; charset=ISO-8859-1")
    configure(site, source("moef", httpserver.url_for("/rss/dept_moef.xml")))
    _, pf = ingest_at(opener, site)
    assert [a.title for a in stored_articles(pf)] == [LAW_TITLE]


def test_control_characters_in_an_enclosure_type_never_reach_a_build(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    enclosure = '<enclosure url="https://www.korea.kr/a.hwp" length="10" type="application/x-hwp&#1;"/>'
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(extra=enclosure)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    (article,) = stored_articles(pf)
    # the reference to U+0001 is dropped before parsing (one bad character costs only itself)
    assert [a.type for a in article.attachments] == ["application/x-hwp"]
    pf.build()
    assert feedparser.parse((pf.config.output.dir / "rss.xml").read_bytes()).bozo == 0


def test_an_entry_that_cannot_be_mapped_is_skipped_and_the_rest_go_on(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pressfeed.ingest.jobs as jobs

    real = jobs.map_item

    def fragile(entry: Any, *args: Any) -> Any:
        if entry.title == SIXG_TITLE:
            raise OverflowError("date value out of range")
        return real(entry, *args)

    monkeypatch.setattr(jobs, "map_item", fragile)
    serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), sixg_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    result, _ = ingest_at(opener, site)
    report = only(result)
    assert (report.new, report.skipped, result.ok) == ((AI_ID,), 1, True)
    assert any("unusable entry skipped (OverflowError" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("https://www.korea.kr/", "https://www.korea.kr"), ("", "https://www.msit.go.kr")],
    ids=["its-channel-link", "the-source-home"],
)
def test_a_feed_copied_to_disk_resolves_its_relative_links_against_the_site_it_came_from(
    site: Path, opener: Opener, channel: str, expected: str
) -> None:
    """A board feed a proxy host copies to disk (some ministries refuse data-centre addresses): its relative
    links were resolved against the file's own path, so every item was skipped ('is not an http(s) URL')."""
    enclosure = '<enclosure url="/files/1.hwpx" length="10" type="application/haansofthwpx"/>'
    feed = rss_text(ai_item(link="/briefing/view.do?newsId=156720412", extra=enclosure))
    feed = feed.replace("<link>https://www.korea.kr/</link>", f"<link>{channel}</link>" if channel else "")
    (site / "msit.xml").write_text(feed.replace("<p>", '<p><img src="/img/1.jpg">', 1), encoding="utf-8")
    configure(site, source("msit", "msit.xml"))
    result, pf = ingest_at(opener, site)
    assert (only(result).new, only(result).skipped) == ((AI_ID,), 0)
    [article] = stored_articles(pf)
    assert article.link == f"{expected}/briefing/view.do?newsId=156720412"
    assert [a.url for a in article.attachments] == [f"{expected}/files/1.hwpx"]
    assert [i.url for i in article.images] == [f"{expected}/img/1.jpg"]


# -- sources with nothing new: no pipeline, no worker processes ----------------------------------


def test_an_unchanged_feed_file_is_recorded_as_the_pipeline_records_it(
    site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local file whose bytes were parsed last time is not fetched through the pipeline; its state is the same."""
    import pressfeed.ingest.update as update

    (site / "msit.xml").write_bytes(rss(ai_item(), sixg_item()))
    configure(site, source("msit", "msit.xml"))
    first, pf = ingest_at(opener, site)
    assert len(only(first).new) == 2
    parsed = pf.store.source_state("msit")
    assert parsed is not None
    later = NOW + timedelta(hours=1)

    quick, pf = ingest_at(opener, site, later)
    quick_state = pf.store.source_state("msit")
    pf.store.save_source_state("msit", parsed)  # the same starting point for the pipeline's turn
    monkeypatch.setattr(update, "_unchanged_file", lambda run, max_bytes: None)
    piped, pf = ingest_at(opener, site, later)

    assert only(quick) == only(piped)
    assert (only(quick).outcome, only(quick).http_status) == ("not-modified", 200)
    assert quick_state == pf.store.source_state("msit")
    assert quick_state is not None and quick_state["last_fetch"] == later.isoformat()


def test_a_main_process_whose_workers_parse_never_loads_the_feed_parser(site: Path) -> None:
    """Workers get feedparser from their forkserver's preload; the main process only builds jobs
    and takes results, so it does not import the parser (a fresh interpreter, to see its modules)."""
    import subprocess
    import sys

    (site / "feeds" / "msit.xml").write_bytes(rss(ai_item()))
    (site / "feeds" / "moef.xml").write_bytes(rss(sixg_item()))
    configure(site, source("msit", "feeds/msit.xml"), source("moef", "feeds/moef.xml"))
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    (site / "feeds" / "pressfeed.yaml").write_text(text.replace("fetch:\n", "fetch:\n  workers: 2\n"), "utf-8")
    script = (
        "import json, sys\n"
        "from pressfeed.config import load_config\n"
        "from pressfeed.core import Pressfeed\n"
        "if __name__ == '__main__':\n"
        f"    pf = Pressfeed(load_config({str(site)!r}))\n"
        "    result = pf.ingest()\n"
        "    print(json.dumps([sum(len(r.new) for r in result.reports), 'feedparser' in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == [2, False]


def test_an_ingest_that_parses_nothing_starts_no_worker_processes(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressfeed import workers

    pools: list[int] = []
    real = workers.worker_pool

    def counting(count: int, preload: str) -> Any:
        pools.append(count)
        return real(count, preload)

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(rss(ai_item()), content_type=RSS_TYPE, headers={"ETag": '"v1"'})

    monkeypatch.setattr(workers, "worker_pool", counting)
    httpserver.expect_request("/rss/dept_msit.xml").respond_with_handler(handler)
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    (site / "feeds" / "pressfeed.yaml").write_text(text.replace("fetch:\n", "fetch:\n  workers: 2\n"), "utf-8")
    assert len(only(ingest_at(opener, site)[0]).new) == 1
    assert pools == [2]  # the first pass parsed: a pool
    assert only(ingest_at(opener, site, NOW + timedelta(hours=1))[0]).http_status == 304
    assert pools == [2]  # the second was answered 304: none


class CountingStore:
    """The store, counting the calls made to it: each is a round trip to a PostgreSQL server."""

    def __init__(self, store: Any) -> None:
        self._store, self.calls = store, 0

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return value(*args, **kwargs)

        return counted


def test_a_runs_store_calls_do_not_grow_with_its_sources(tmp_path: Path, opener: Opener) -> None:
    """Cron runs every few minutes over a couple of hundred sources; on PostgreSQL each store call is a
    round trip. Fetch state is read and saved in one call for all sources, and the health check reads
    every source's drafts (held items) at once."""

    def second_run_calls(count: int) -> int:
        site = tmp_path / f"sources-{count}"
        feeds = site / "agency"
        feeds.mkdir(parents=True)
        sources = []
        for n in range(count):
            (feeds / f"{n}.xml").write_bytes(rss(item(9000 + n, f"{AI_TITLE} ({n})", f"<p>{n}번째 기관 보도자료</p>")))
            sources.append(source(f"agency-{n}", str(feeds / f"{n}.xml")))
        configure(site, *sources)
        opener(site).run()  # the first run imports, ingests and builds
        pf = opener(site, NOW + timedelta(minutes=5))
        counting = CountingStore(pf.store)
        pf.store = counting  # type: ignore[assignment]
        result = pf.run()
        assert result.ingest is not None and len(result.ingest.reports) == count
        return counting.calls

    few, many = second_run_calls(2), second_run_calls(12)
    assert many == few  # ten more sources, not one call more


def test_review_two_day_only_releases_moved_to_today_on_a_board_listing_only_them_are_updated(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Review.) test_two_day_only_releases_a_board_moves_to_today_are_updated without the third item: the
    fetch's time both now give is taken for a serve stamp, and the board's correction of their day is lost
    (at 9591d25 both were updated, as one alone is)."""
    rows = (
        ("국토부, 어제 낸 보도자료", "2025-11-07 00:00:00.0"),
        ("국토부, 어제 낸 다른 자료", "2025-11-07 00:00:00.0"),
    )
    served = serve(httpserver, "/USR/NEWS/rss.jsp", day_board(*rows), content_type="text/xml; charset=euc-kr")
    configure(site, source("molit", httpserver.url_for("/USR/NEWS/rss.jsp"), name="국토교통부"))
    ingest_at(opener, site)
    served.body = day_board(*((title, "2025-11-08 00:00:00.0") for title, _ in rows))
    result, _ = ingest_at(opener, site, NOW + timedelta(minutes=5))
    assert len(only(result).updated) == 2


def test_a_draft_sources_copy_does_not_take_a_published_link_only_title_out_of_the_feeds(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The board's title is published as a link (its terms) and readers have it. The service is set to
    `status: draft` (its words wait for an editor). Its copy with text takes the release over (_takes_over asks
    nothing of the copy's status) and merge_upstream takes the copy's draft for upstream's new status: the
    release readers had leaves every feed of the portal at the next build, with nothing said, until an editor
    happens to publish the service's draft. A draft source's words go out in no other source's article
    (copies.gives_words); here they take another source's published one away."""
    title_first(httpserver, site, api=dict(status="draft"), republish="link")
    _, pf = ingest_at(opener, site)
    pf.build()  # readers have the board's item
    (board,) = stored_articles(pf)
    data = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))
    assert board.status is Status.PUBLISHED and board.id in [entry["id"] for entry in data["items"]]
    text_arrives(httpserver)
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    pf.build()
    data = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))
    assert board.id in [entry["id"] for entry in data["items"]]  # readers' item is still in the feeds
    assert pf.article(board.id).article.status is Status.PUBLISHED


def test_a_dated_title_correction_of_a_title_taken_over_under_link_terms_is_dated(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) After a link-terms takeover (text and upstream's version under the board's link and dates), the
    service corrects the release's title and dates it (atom:updated, a day later). Its item, at another page than
    the article's, is put under the stored link and dates (_keep_link, `page=False`), its `updated` among them;
    the item still counts as explicitly dated (`given`), so merge_upstream keeps the stored `updated` (an
    explicit one never moves it back): the new title goes out under the `updated` readers had, and feed readers
    keeping items by id and `updated` never show the correction. The same correction undated is dated now."""
    pf = taken_over_under_link_terms(httpserver, site, opener)
    (article,) = stored_articles(pf)
    retitled = POLICY_TITLE.replace("간담회 개최", "간담회 개최(정정)")
    dated = '<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">2025-11-09T09:00:00+09:00</atom:updated>'
    service = item(156750300, retitled, POLICY_BODY, guid="156750300", pub="2025-11-06 14:00:00", extra=dated)
    text_arrives(httpserver, service)
    result, pf = ingest_at(opener, site, NOW + timedelta(days=1))
    after = pf.article(article.id).article
    assert result.reports[0].updated == (article.id,) and after.title == retitled
    assert after.updated > article.updated, after.updated  # told to readers as an update


def test_an_embargo_postponed_as_its_board_moves_to_https_holds_the_release_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) A board moving its links to https (or rotating call_from=rsslink/pWise=main) while the ministry
    postpones a release's embargo a day: the item at another form of its page kept the stored dates (ea95b9a),
    the postponed notice's time was dropped, and the release went into the feeds a day before its embargo."""

    def embargoed(day: int, link: str) -> bytes:
        notice = f"<p>※ 이 자료는 11월 {day}일 12:00 이후 보도하여 주시기 바랍니다.</p>"
        return rss(item(156720412, AI_TITLE, notice + AI_BODY, pub=f"2025-11-{day:02d} 12:00:00", link=link))

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed(9, f"{PRESS}156720412&call_from=rsslink"))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site, NOW)
    served.body = embargoed(10, f"{PRESS.replace('https://www.', 'https://')}156720412&pWise=main")
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert pf.store.get(AI_ID).article.published == datetime(2025, 11, 10, 3, tzinfo=UTC)  # type: ignore[union-attr]
    later = opener(site, datetime(2025, 11, 9, 3, 5, tzinfo=UTC))  # the old embargo passed, the new one not
    later.build()
    assert AI_ID not in (site / "public" / "rss.xml").read_text(encoding="utf-8")


def embargoed_ai(day: int, extra: str = "") -> bytes:
    """msit's feed of the AI release held until 11월 `day`일 12:00 by its notice, `extra` after its text."""
    notice = f"<p>※ 이 자료는 11월 {day}일 12:00 이후 보도하여 주시기 바랍니다.</p>"
    return rss(item(156720412, AI_TITLE, notice + AI_BODY + extra, pub="2025-11-08 15:00:00"))


def retitled_by_an_editor(opener: Opener, site: Path, when: datetime, **fields: str) -> Pressfeed:
    """The AI release's title fixed by an editor (`articles show --record`, edit, `import`), with `fields`."""
    editor = opener(site, when)
    record = {**editor.info(editor.article(AI_ID)).record(), "title": AI_TITLE + " (수정)", **fields}
    (site / "edit.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert editor.import_files([str(site / "edit.json")]).updated_ids == (AI_ID,)
    return editor


def test_an_embargo_postponed_after_an_editor_fixed_the_title_still_holds_the_release_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) An editor fixes a scheduled release's title (`articles show --record`, edit, `import`); the
    ministry then postpones its embargo a day (the notice's time moves). The local edit keeps upstream's whole
    version out, its new date with it: the run says "kept local edit" once, and the release goes into every
    feed at the old time, a day before the embargo. The editor changed a title, not the hold."""

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed_ai(9))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    _, pf = ingest_at(opener, site)
    assert pf.store.get(AI_ID).article.published == datetime(2025, 11, 9, 3, tzinfo=UTC)  # type: ignore[union-attr]
    retitled_by_an_editor(opener, site, NOW + timedelta(hours=1))
    served.body = embargoed_ai(10)  # postponed to 11월 10일 12:00
    ingest_at(opener, site, NOW + timedelta(hours=2))
    later = opener(site, datetime(2025, 11, 9, 3, 5, tzinfo=UTC))  # the old embargo passed, the new one not
    later.build()
    for name in ("rss.xml", "atom.xml", "feed.json", "it-science/rss.xml"):
        assert AI_ID not in (site / "public" / name).read_text(encoding="utf-8"), name
    assert "(수정)" not in (site / "public" / "it-science" / "index.html").read_text(encoding="utf-8")


def test_an_embargo_postponed_and_then_restored_releases_the_edited_release_at_its_time(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) update._held_later (as it was) moved an edited release's date to upstream's postponed embargo.
    When the ministry takes the postponement back (its item as first taken again), upstream's version is the one last
    taken: the kept-out change is settled and dropped, but the hold, pressfeed's own write, stays. The release
    goes out a day late, no run says so, and `articles revert` finds nothing to revert."""

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed_ai(9))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    retitled_by_an_editor(opener, site, NOW + timedelta(hours=1))
    served.body = embargoed_ai(10)  # postponed a day: held
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    assert pf.store.get(AI_ID).article.published == datetime(2025, 11, 10, 3, tzinfo=UTC)  # type: ignore[union-attr]
    served.body = embargoed_ai(9)  # the postponement taken back: the item as first taken
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    stored = pf.store.get(AI_ID)
    assert stored is not None and "(수정)" in stored.article.title
    assert stored.article.published == datetime(2025, 11, 9, 3, tzinfo=UTC), stored.article.published


def test_an_embargo_postponed_before_an_edit_and_taken_back_after_it_releases_at_its_time(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) The ministry postpones a release's embargo a day, pressfeed takes it (no edit yet); an editor
    then fixes the title; the ministry takes the postponement back (its item as first sent). Upstream moved
    nothing but the date, and the editor set none: but update._hold_moved follows a move back only through a
    version kept out dated as the article is (none here), and else only a later date. The release goes out a
    day late, and no run says so."""

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed_ai(9))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    served.body = embargoed_ai(10)  # postponed a day, before any edit: taken
    _, pf = ingest_at(opener, site, NOW + timedelta(minutes=30))
    assert pf.store.get(AI_ID).article.published == datetime(2025, 11, 10, 3, tzinfo=UTC)  # type: ignore[union-attr]
    retitled_by_an_editor(opener, site, NOW + timedelta(hours=1))
    served.body = embargoed_ai(9)  # the postponement taken back
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    stored = pf.store.get(AI_ID)
    assert stored is not None and "(수정)" in stored.article.title
    assert stored.article.published == datetime(2025, 11, 9, 3, tzinfo=UTC), stored.article.published


def test_an_embargo_postponed_with_a_kept_out_correction_taken_back_still_holds_the_release_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) An editor fixes the title; the ministry corrects the text (kept out of the edit, dated as the
    article is), then withdraws the correction and postpones the embargo a day: its item is the version last
    taken but for the date. update._hold_moved, finding a version kept out dated as the article, asks only
    whether the item is that one moved (it is not) and never whether it is the one last taken moved: the
    release goes out a day before its embargo."""

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed_ai(9))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    retitled_by_an_editor(opener, site, NOW + timedelta(hours=1))
    served.body = embargoed_ai(9, "<p>문의: 인공지능기반정책과 044-202-6000</p>")  # a correction: kept out
    ingest_at(opener, site, NOW + timedelta(hours=2))
    served.body = embargoed_ai(10)  # the correction withdrawn, the embargo postponed a day
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    stored = pf.store.get(AI_ID)
    assert stored is not None and "(수정)" in stored.article.title
    assert stored.article.published == datetime(2025, 11, 10, 3, tzinfo=UTC), stored.article.published


def test_an_upstream_correction_does_not_move_an_editors_own_earlier_date_of_a_scheduled_release(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Editors.) update._held_later (as it was) fired whenever upstream's date is later than the *stored* (edited) one,
    not when upstream's embargo moved: an editor who set a scheduled release's time earlier (the evening
    before, as for a 조간 release) has it moved back to upstream's unchanged embargo by any correction upstream
    makes to the text. Upstream postponed nothing; the editor's date is overridden without a word."""

    served = serve(httpserver, "/rss/dept_msit.xml", embargoed_ai(9))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    own = datetime(2025, 11, 8, 21, tzinfo=UTC)  # 11월 9일 06:00 KST: still ahead, before upstream's 12:00
    editor = retitled_by_an_editor(opener, site, NOW + timedelta(hours=1), published=own.isoformat())
    assert editor.store.get(AI_ID).article.published == own  # type: ignore[union-attr]
    served.body = embargoed_ai(9, "<p>문의: 인공지능기반정책과 044-202-6000</p>")  # a correction, same embargo
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=2))
    stored = pf.store.get(AI_ID)
    assert stored is not None and "(수정)" in stored.article.title
    assert stored.article.published == own, stored.article.published


def test_a_release_moved_to_a_page_it_shares_with_a_new_release_takes_the_new_page(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) A ministry moves a release to a new post that also holds another release of the same briefing
    (two items of the document under one page): the page they share lost its key, was read as a board's list
    page (ea95b9a, which looks at no title), and the release stayed at the page it left, its move no update:
    readers kept the dead link. Before, another page was an update, as it is for an item alone at it."""
    feed = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(), sixg_item()))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    moved = f"{PRESS}156720499"
    feed.body = rss(ai_item(link=moved), law_item(link=moved), sixg_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    assert (only(result).new, only(result).updated) == ((LAW_ID,), (AI_ID,))
    assert pf.store.get(AI_ID).article.link == moved  # type: ignore[union-attr]


def test_an_undated_release_its_board_dates_after_moving_to_https_takes_the_date(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) A release first listed without a date (dated at fetch time, with a warning) gets its pubDate the
    day its board moves to https: the item at another form of its page kept the fetch stamp (ea95b9a), and as the
    board serves that form from then on, the release never gets its own date."""
    feed = serve(httpserver, "/rss/dept_msit.xml", rss(ai_item(pub=None)))
    configure(site, source("msit", httpserver.url_for("/rss/dept_msit.xml")))
    ingest_at(opener, site)
    https = f"{PRESS.replace('https://www.', 'https://')}156720412&call_from=rsslink"
    feed.body = rss(ai_item(link=https, pub="2025-11-07 09:00:00"))
    for hours in (1, 2):
        _, pf = ingest_at(opener, site, NOW + timedelta(hours=hours))
    assert pf.store.get(AI_ID).article.published == utc(2025, 11, 7, 0)  # type: ignore[union-attr]


def test_an_undated_copy_of_another_sources_release_counts_for_health_with_that_releases_date(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An undated item counts for its feed's freshness with the date it was stored under (update._newest), read
    by the item's own id: an item landing on another article (a copy of another source's release, under its
    guid) is stored under that article's id, never its own, so it counted with no date at all. A feed whose
    items are all such copies has no newest item and is never stale, however long ago its last one."""
    serve(httpserver, "/rss/dept_msit.xml", rss(item(156712345, AI_TITLE, AI_BODY, pub="2025-11-07 09:00:00")))
    serve(httpserver, "/all.xml", rss(item(156712345, AI_TITLE, AI_BODY, pub=None), title="정책브리핑 보도자료"))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/all.xml")),
    )
    result, pf = ingest_at(opener, site)
    msit, copy = result.reports
    assert (len(msit.new), len(copy.new)) == (1, 0)  # the copy landed on msit's release
    (release,) = stored_articles(pf)
    state = pf.store.source_state("korea-kr") or {}
    assert state.get("newest_item") == release.published.isoformat()
