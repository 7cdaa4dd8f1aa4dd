"""A correction only a copy's source gives (pressfeed.ingest.copies).

The ministry's board (`msit`, the owner: it brings the release first) and the
policy-briefing service (`korea-kr`) bring one release; a copy's new words are
taken once they hold at its source's next fetch. Local pytest-httpserver only.
"""

# ruff: noqa: F811 (the fixtures imported from test_ingest are the tests' arguments)

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from conftest import NOW
from pressfeed.core import Pressfeed
from pressfeed.errors import UsageError
from pressfeed.ingest import update
from pressfeed.model import Article, encode
from pressfeed.store.base import ArticleWrite
from test_ingest import (  # noqa: F401 (fixtures)
    LAW_BODY,
    LAW_ID,
    LAW_TITLE,
    PRESS,
    Opener,
    Served,
    _no_unexpected_requests,
    configure,
    ingest_at,
    item,
    law_item,
    opener,
    rss,
    serve,
    sixg_item,
    source,
)

#: the law release's text as the ministry corrected it (60 days, not 40)
LAW_CORRECTED = LAW_BODY.replace("40일간", "60일간")
COMBINED_LAW = f"{PRESS}156720010&utm_source=rss&utm_medium=feed"


def service_item(body: str = LAW_BODY, title: str = LAW_TITLE, **kwargs: Any) -> str:
    """The policy-briefing service's item of the law release (another `title`: of another release it gives)."""
    kwargs.setdefault("pub", "2025-11-03 12:00:00")
    kwargs.setdefault("link", COMBINED_LAW)
    return item(156720010, title, body, guid="pressrelease-156720010", **kwargs)


def combined_law(body: str = LAW_BODY, *extra: str, title: str = LAW_TITLE, **kwargs: Any) -> bytes:
    """The policy-briefing service's answer: its copy of the law release, and its `extra` items."""
    return rss(service_item(body, title, **kwargs), *extra, title="정책브리핑 보도자료")


def board_and_service(
    httpserver: HTTPServer, site: Path, *, service_first: bool = False, board: bytes | None = None, **service: Any
) -> tuple[Served, Served]:
    """The ministry's board (the owner: it lists the release first, or `board`'s items) and the service, whose
    copy of it comes later (`service`: more of its source's settings)."""
    board_feed = serve(httpserver, "/rss/dept_msit.xml", rss(law_item()) if board is None else board)
    service_feed = serve(httpserver, "/rss/pressrelease.xml", rss(title="정책브리핑 보도자료"))
    sources = [
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑", **service),
    ]
    configure(site, *(reversed(sources) if service_first else sources))
    return board_feed, service_feed


def test_a_correction_only_the_copys_source_gives_is_taken_once_it_holds(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The ministry corrected a figure on the service alone: the service's item was a copy of the board's
    release, counted a duplicate, and readers kept the wrong figure for good."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + timedelta(hours=1))  # the copy, as it was: its version
    before = pf.article(LAW_ID).article
    service.body = combined_law(LAW_CORRECTED)
    result, _ = ingest_at(opener, site, NOW + timedelta(hours=2))
    # new words once are not yet a correction (a board flapping between two forms gives none)
    assert [r.updated for r in result.reports] == [(), ()] and "40일간" in pf.article(LAW_ID).article.body_html
    # the same answer at the next fetch, read again though unchanged: the correction holds, and is taken
    result, _ = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert [(r.source_id, r.updated) for r in result.reports] == [("msit", ()), ("korea-kr", (LAW_ID,))]
    stored = pf.article(LAW_ID)
    after = stored.article
    assert "60일간" in after.body_html and "40일간" not in after.body_html
    # its words alone: the owner's credit, link, section, byline, status and dates stay, dated as a change
    assert stored.origin == "source:msit" and after.source == before.source
    assert (after.link, after.section, after.byline, after.status) == (
        before.link,
        before.section,
        before.byline,
        before.status,
    )
    assert (after.published, after.updated) == (before.published, NOW + timedelta(hours=3))
    # `articles show` says whose words they are
    info = pf.info(stored)
    assert info.words_from == "korea-kr" and info.to_json()["words_from"] == "korea-kr"
    assert any("its words are source korea-kr's correction" in line for line in info.upstream_lines(UTC))
    # the board's item, unchanged, leaves the correction be; so does the copy's
    board.body = rss(law_item(), sixg_item())  # (a new post: the board's answer is read anew)
    result, _ = ingest_at(opener, site, NOW + timedelta(hours=4))
    assert [r.updated for r in result.reports] == [(), ()]
    assert "60일간" in pf.article(LAW_ID).article.body_html
    # and the board's own change of its words wins again
    board.body = rss(item(156720010, LAW_TITLE, LAW_BODY.replace("40일간", "50일간"), pub="2025-11-03 12:00:00"))
    result, _ = ingest_at(opener, site, NOW + timedelta(hours=5))
    assert [r.updated for r in result.reports] == [(LAW_ID,), ()]
    assert "50일간" in pf.article(LAW_ID).article.body_html
    assert pf.info(pf.article(LAW_ID)).words_from is None


def test_a_copy_flapping_between_two_forms_or_rotating_its_links_corrects_nothing(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """Two forms of a copy served in turn (a board's two servers) are new words at every fetch, never the same
    twice; tracking parameters rotating in its links change no word at all."""
    _, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    service.body = combined_law()
    _, pf = ingest_at(opener, site, NOW + timedelta(hours=1))
    before = pf.article(LAW_ID)
    for run in range(2, 8):
        body = LAW_CORRECTED if run % 2 else LAW_BODY + f'<p><a href="https://www.korea.kr/?utm_id={run}">원문</a></p>'
        service.body = combined_law(body)
        result, _ = ingest_at(opener, site, NOW + timedelta(hours=run))
        assert [r.updated for r in result.reports] == [(), ()]
    assert pf.article(LAW_ID) == before


def test_the_owners_own_correction_wins_over_a_copys_of_the_same_run_whichever_comes_first(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """The service first in the config, the board the owner (it listed the release first): the copy's correction
    held at the run the board corrected the release its own way. The board's words stay, then and after."""
    board, service = board_and_service(httpserver, site, service_first=True)
    ingest_at(opener, site)  # the board's release, the service listing nothing yet
    service.body = combined_law()
    ingest_at(opener, site, NOW + timedelta(hours=1))
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + timedelta(hours=2))
    board.body = rss(item(156720010, LAW_TITLE, LAW_BODY.replace("40일간", "50일간"), pub="2025-11-03 12:00:00"))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert [(r.source_id, r.updated) for r in result.reports] == [("korea-kr", ()), ("msit", (LAW_ID,))]
    assert "50일간" in pf.article(LAW_ID).article.body_html
    result, _ = ingest_at(opener, site, NOW + timedelta(hours=4))
    assert [r.updated for r in result.reports] == [(), ()] and "50일간" in pf.article(LAW_ID).article.body_html


def test_a_copys_correction_of_an_edited_release_is_kept_out_until_reverted_and_stays_then(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """An editor's edit stands against a copy's correction as against the owner's: the editor is told once,
    `articles revert` takes the copy's words, and the owner's unchanged item does not undo them."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    stored = pf.article(LAW_ID)
    pf.store.write([ArticleWrite(encode(replace(stored.article, title="편집된 제목")), stored.origin)])
    service.body = combined_law()
    ingest_at(opener, site, NOW + timedelta(hours=1))
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + timedelta(hours=2))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert [(r.updated, r.conflicts) for r in result.reports] == [((), ()), ((), (LAW_ID,))]
    assert pf.article(LAW_ID).article.title == "편집된 제목"
    assert "60일간" in pf.store.upstream_changes([LAW_ID])[LAW_ID].article.body_html
    board.body = rss(law_item(), sixg_item())  # the board read again, its release unchanged
    result, _ = ingest_at(opener, site, NOW + timedelta(hours=4))
    assert [r.conflicts for r in result.reports] == [(), ()] and LAW_ID in pf.store.upstream_changes([LAW_ID])
    _, changed_at = opener(site, NOW + timedelta(hours=5)).revert(LAW_ID)
    assert changed_at == NOW + timedelta(hours=3)  # when the copy's correction was kept out
    after = opener(site, NOW + timedelta(hours=5)).article(LAW_ID).article
    assert (after.title, "60일간" in after.body_html) == (LAW_TITLE, True)
    board.body = rss(law_item())
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=6))
    assert [r.updated for r in result.reports] == [(), ()] and pf.article(LAW_ID).article == after


H = timedelta(hours=1)
HALF = timedelta(minutes=30)


def copy_confirmed(opener: Opener, site: Path, service: Served, start: int, body: str = LAW_CORRECTED) -> int:
    """The service's copy gives `body` at two fetches in a row from hour `start`; the hour after."""
    service.body = combined_law(body)
    ingest_at(opener, site, NOW + start * H)
    ingest_at(opener, site, NOW + (start + 1) * H)
    return start + 2


# -- the owner's board counts views in its text ---------------------------------------------------------


def viewed_law(views: int, body: str = LAW_BODY) -> bytes:
    """The board's item of the law release, with the view counter Korean government boards print under it."""
    return rss(item(156720010, LAW_TITLE, f"{body}<p>조회수 {views}</p>", pub="2025-11-03 12:00:00"))


def test_a_copys_correction_confirmed_while_the_owners_board_counts_views_is_lost_for_good(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The board prints a view counter under the release ("조회수 11"), as most do, and it moved
    in the runs that saw and confirmed the service's correction. A counter is no word of the release: taken
    for the owner's own change, it dropped the correction for good (the copy's new words were its version
    by then), and readers kept the wrong figure."""
    board, service = board_and_service(httpserver, site)
    board.body = viewed_law(10)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)  # the copy's first sighting: its version
    for hour, views in ((2, 11), (3, 12)):  # (the counter moves while the correction is seen and confirmed)
        service.body = combined_law(LAW_CORRECTED)
        board.body = viewed_law(views)
        ingest_at(opener, site, NOW + hour * H)
    for hour in (4, 5):  # the board's counter stands still now; the service keeps the correction
        ingest_at(opener, site, NOW + hour * H)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body and "40일간" not in body


def test_the_owners_view_counter_alone_flips_a_taken_correction_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The correction taken, the board's item still says 40일간 and only its view counter moves:
    that is the owner's item unchanged, which leaves the correction be (it wrote 40일간 back)."""
    board, service = board_and_service(httpserver, site)
    board.body = viewed_law(10)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    copy_confirmed(opener, site, service, 2)
    assert "60일간" in pf.article(LAW_ID).article.body_html  # taken at hour 3
    board.body = viewed_law(11)  # a reader opened the board's page
    result, _ = ingest_at(opener, site, NOW + 4 * H)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body and "40일간" not in body
    assert [r.updated for r in result.reports] == [(), ()]


# -- a copy whose feed gives a teaser ----------------------------------------------------------------------

LAW_WHOLE = LAW_BODY + (
    "<p>이번 제정안은 고영향 인공지능의 기준과 사업자의 책무, 생성형 인공지능 결과물의 표시 방법, 인공지능"
    " 안전성 확보 의무의 대상과 이행 방법, 국내 대리인 지정 기준 등 법률이 위임한 사항을 구체화하였다.</p>"
    "<p>과학기술정보통신부는 입법예고 기간 동안 관계부처, 산업계, 시민사회 등 각계의 의견을 폭넓게 수렴하여"
    " 제정안을 보완하고, 규제 심사와 법제처 심사를 거쳐 내년 1월 법 시행에 맞추어 공포할 계획이다.</p>"
)
LAW_TEASER = (
    "<p>과학기술정보통신부는 ‘인공지능 발전과 신뢰 기반 조성 등에 관한 기본법’의 시행령 제정안을"
    " 11월 3일부터 40일간...</p>"
)


def test_a_copys_teaser_never_replaces_the_releases_whole_text(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The board gives the whole release; the service's feed its first sentence cut short
    ("…40일간...", a teaser: fulltext.is_release_text). The teaser's corrected figure made the article's body
    the teaser. A teaser says nothing of an article with the text (nor does a first read of the copy's page,
    once it failed)."""
    board, service = board_and_service(httpserver, site)
    board.body = rss(item(156720010, LAW_TITLE, LAW_WHOLE, pub="2025-11-03 12:00:00"))
    _, pf = ingest_at(opener, site)
    service.body = combined_law(LAW_TEASER)
    ingest_at(opener, site, NOW + H)
    copy_confirmed(opener, site, service, 2, LAW_TEASER.replace("40일간", "60일간"))
    body = pf.article(LAW_ID).article.body_html
    assert "국내 대리인 지정 기준" in body and "내년 1월 법 시행" in body


# -- a copy's view counter ------------------------------------------------------------------------------------


def test_a_copys_view_counter_that_stands_still_between_two_fetches_is_no_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The service prints its own view counter under the copy, and it moves once between fetches,
    then stands still at the next (an older release, read now and then). Each move was taken as a
    correction, and each spent the owner's budget of changes without a date."""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law(f"{LAW_BODY}<p>조회수 3</p>")
    ingest_at(opener, site, NOW + H)
    updates = 0
    hour = 2
    for views in range(4, 10):  # one reader between two fetches, then none
        service.body = combined_law(f"{LAW_BODY}<p>조회수 {views}</p>")
        for _ in range(2):
            result, _ = ingest_at(opener, site, NOW + hour * H)
            updates += sum(len(r.updated) for r in result.reports)
            hour += 1
    assert updates == 0
    stored = pf.article(LAW_ID)
    assert "조회수" not in stored.article.body_html and stored.undated_changes == 0


# -- the release's attached file -------------------------------------------------------------------------------

HWP = (
    '<enclosure url="https://www.msit.go.kr/bbs/download.do?fileId=197412345" length="52311" type="application/x-hwp"/>'
)


def test_a_copys_correction_keeps_the_owners_attached_release_file(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The board's item carries the release's hwp file, the service's copy none: the correction of
    its words took the file away from the article and every feed, for good."""
    board, service = board_and_service(httpserver, site)
    board.body = rss(law_item(extra=HWP))
    _, pf = ingest_at(opener, site)
    assert len(pf.article(LAW_ID).article.attachments) == 1
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    hour = copy_confirmed(opener, site, service, 2)
    assert "60일간" in pf.article(LAW_ID).article.body_html
    board.body = rss(law_item(extra=HWP), sixg_item())  # the board read again (a new post): unchanged item
    ingest_at(opener, site, NOW + hour * H)
    assert [a.url for a in pf.article(LAW_ID).article.attachments] == [
        "https://www.msit.go.kr/bbs/download.do?fileId=197412345"
    ]


# -- the digest's recipe -----------------------------------------------------------------------------------

#: the service's form of the law release: its own line under the text (forms of two boards always differ)
LAW_SERVICE_FORM = LAW_BODY + "<p>자료제공 : 과학기술정보통신부 인공지능기반정책과</p>"


def test_sightings_of_another_digest_recipe_are_first_sightings_not_corrections(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Attack.) A pressfeed whose digest is made another way (a new DIGEST_VERSION) takes every stored
    digest for a first sighting: each copy's differed from its new one, held, and every joint release in the
    store was rewritten in its copy's form at once, under no correction at all."""
    from pressfeed.ingest import copies

    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law(LAW_SERVICE_FORM)
    ingest_at(opener, site, NOW + H)  # the copy's first sighting, under the old recipe
    before = pf.article(LAW_ID).article
    assert "자료제공" not in before.body_html
    monkeypatch.setattr(copies, "DIGEST_VERSION", "w2")  # the next pressfeed's recipe
    service.body = rss(
        item(
            156720010,
            LAW_TITLE,
            LAW_SERVICE_FORM,
            guid="pressrelease-156720010",
            link=COMBINED_LAW,
            pub="2025-11-03 12:00:00",
        ),
        sixg_item(guid="pressrelease-156720287"),  # (a new post: the service's answer is read anew)
        title="정책브리핑 보도자료",
    )
    updated = []
    for hour in (2, 3, 4):
        result, _ = ingest_at(opener, site, NOW + hour * H)
        updated += [u for r in result.reports for u in r.updated]
    assert LAW_ID not in updated
    assert pf.article(LAW_ID).article.body_html == before.body_html


# -- a copy flapping between two forms ----------------------------------------------------------------------


def test_a_copy_flapping_between_two_forms_does_not_flip_the_article_each_time_a_form_repeats(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The service behind two caches, one stale (40일간), one fresh (60일간), each form served at
    two fetches in a row: the article went 40 -> 60 -> 40 -> 60. A copy going back to the words it gave
    before is a stale cache, not the ministry: the correction is taken once."""
    _, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    served = [LAW_CORRECTED, LAW_CORRECTED, LAW_BODY, LAW_BODY, LAW_CORRECTED, LAW_CORRECTED, LAW_BODY, LAW_BODY]
    updates = 0
    for hour, body in enumerate(served, start=2):
        service.body = combined_law(body)
        result, _ = ingest_at(opener, site, NOW + hour * H)
        updates += sum(len(r.updated) for r in result.reports)
    assert updates <= 1


# -- dry runs ------------------------------------------------------------------------------------------------


def test_a_dry_run_says_the_correction_the_run_would_take(httpserver: HTTPServer, site: Path, opener: Opener) -> None:
    """(Attack.) `ingest --dry-run` at the fetch that confirms a copy's correction says the update the real
    run then makes, and writes nothing."""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    dry, _ = ingest_at(opener, site, NOW + 3 * H, dry_run=True)
    assert "40일간" in pf.article(LAW_ID).article.body_html  # nothing written
    real, _ = ingest_at(opener, site, NOW + 3 * H)
    assert [r.updated for r in real.reports] == [(), (LAW_ID,)]
    assert [r.updated for r in dry.reports] == [r.updated for r in real.reports]


# -- a source an editor reviews ----------------------------------------------------------------------------------


def test_a_draft_sources_copy_does_not_publish_its_words_unreviewed(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack.) The service is configured `status: draft`: its items wait for an editor. Its copy's new
    words went straight into the board's published article. A draft's words correct nothing."""
    _, service = board_and_service(httpserver, site, status="draft")
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    copy_confirmed(opener, site, service, 2, LAW_BODY.replace("40일간", "4000일간"))
    article = pf.article(LAW_ID).article
    assert str(article.status) == "published"
    assert "4000일간" not in article.body_html


def _edit(pf: Pressfeed, title: str = "편집된 제목") -> None:
    """An editor retitles the law release (a local edit; `LAW_TITLE` undoes it by hand)."""
    stored = pf.article(LAW_ID)
    pf.store.write([ArticleWrite(encode(replace(stored.article, title=title)), stored.origin)])


# -- an edited release, its copy's correction kept out ------------------------------------------------------


def test_a_reverted_copy_correction_stays_at_the_owners_next_unchanged_item(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 2.) An editor retitled the board's release; the service's correction was kept out, and the
    editor took it with `articles revert` before the board's answer was parsed again. The board, never
    sighted, took the article's words (the copy's) for its own and wrote 40일간 back over the revert. The
    words of an article that carries a copy's are not the owner's: its item is its first sighting."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    _edit(pf)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    copy_confirmed(opener, site, service, 2)  # kept out at hour 3
    assert LAW_ID in pf.store.upstream_changes([LAW_ID])
    opener(site, NOW + 4 * H).revert(LAW_ID)
    assert "60일간" in opener(site, NOW + 4 * H).article(LAW_ID).article.body_html
    board.body = rss(law_item(), sixg_item())  # the board's next post: its answer is parsed, the release unchanged
    result, pf = ingest_at(opener, site, NOW + 5 * H)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body and "40일간" not in body
    assert [r.updated for r in result.reports] == [(), ()]


def test_an_edit_undone_by_hand_takes_the_copys_kept_out_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 2.) An editor retitled the release, then changed the title back by hand. The service's
    correction kept out meanwhile was dropped as settled at the next run, for good. It is taken then, as the
    board's own kept-out change would be."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    _edit(pf)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    hour = copy_confirmed(opener, site, service, 2)  # kept out at hour 3
    assert "60일간" in pf.store.upstream_changes([LAW_ID])[LAW_ID].article.body_html
    _edit(pf, LAW_TITLE)  # the editor undoes the edit
    for h in range(hour, hour + 3):
        board.body = rss(law_item(), *([sixg_item()] if h % 2 else []))  # the board read again, release unchanged
        ingest_at(opener, site, NOW + h * H)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body and "40일간" not in body


# -- the owner's files while it carries a copy's words --------------------------------------------------------

HWP_FIXED = HWP.replace("197412345", "197412399")


def test_the_owners_new_file_is_taken_while_the_article_carries_a_copys_words(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 2.) The service's correction of the text taken, the ministry replaced the release's hwp file
    on its board (a new fileId) and left the text as it was: the article kept the stored files, and readers
    the old file. Only words are a copy's; files stay the owner's."""
    board, service = board_and_service(httpserver, site)
    board.body = rss(law_item(extra=HWP))
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    hour = copy_confirmed(opener, site, service, 2)
    assert "60일간" in pf.article(LAW_ID).article.body_html
    board.body = rss(law_item(extra=HWP_FIXED))  # the board's corrected file
    ingest_at(opener, site, NOW + hour * H)
    article = pf.article(LAW_ID).article
    assert [a.url for a in article.attachments] == ["https://www.msit.go.kr/bbs/download.do?fileId=197412399"]
    assert "60일간" in article.body_html


# -- the view-counter rule ----------------------------------------------------------------------------------

VIDEO_TITLE = "과기정통부, 인공지능 기본법 홍보영상 조회수 100만 회 돌파"
VIDEO_BODY = (
    "<p>과학기술정보통신부는 인공지능 기본법 홍보영상이 공개 2주 만에 유튜브 조회수 100만 회를 돌파했다고 밝혔다.</p>"
)


def test_a_copys_correction_of_a_figure_after_the_word_views_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 2.) A release about a campaign video: "유튜브 조회수 100만 회", corrected by the service to
    120만 회. The digest took every "조회수" and digits for a board's view counter, and never saw the
    correction. A figure the text counts (만, 회, 건 after it) is a word."""
    board = rss(item(156720010, VIDEO_TITLE, VIDEO_BODY, pub="2025-11-03 12:00:00"))
    _, service = board_and_service(httpserver, site, board=board)
    _, pf = ingest_at(opener, site)
    service.body = combined_law(VIDEO_BODY, title=VIDEO_TITLE)
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(VIDEO_BODY.replace("100만 회를", "120만 회를"), title=VIDEO_TITLE)
    ingest_at(opener, site, NOW + 2 * H)
    ingest_at(opener, site, NOW + 3 * H)
    ingest_at(opener, site, NOW + 4 * H)
    assert "120만 회" in pf.article(LAW_ID).article.body_html


# -- a full-text copy: its page failed once --------------------------------------------------------------------


#: the whole release, four paragraphs
LAW_LONG = LAW_WHOLE + (
    "<p>제정안에 대한 의견이 있는 기관·단체 또는 개인은 12월 12일까지 국민참여입법센터를 통해 온라인으로 제출하거나"
    " 과학기술정보통신부 인공지능기반정책과로 우편 또는 전자우편으로 제출할 수 있다.</p>"
)
#: its first three paragraphs: what the service's feed gives (more than a teaser's length, and not cut with
#: "…": no teaser to fulltext.is_release_text)
LAW_FEED_PART = LAW_WHOLE
#: the service's page: the whole release, and its own line under it (two sites' forms always differ)
LAW_PAGE = (
    "<html><body><div id='menu'>정책브리핑 메뉴</div><div id='content'>"
    + LAW_LONG
    + "<p>자료제공 : 과학기술정보통신부 인공지능기반정책과</p></div></body></html>"
)


def test_a_full_text_copys_first_page_read_after_a_failure_is_no_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 2.) The service reads its items' pages (`fulltext`). Its page of the release failed once, so
    its item had the feed's text, long enough to be a release's; the page read at the next try was taken as
    a correction, and the board's release went out again in the service's form. An item whose page gave no
    text this time says nothing."""
    page = serve(httpserver, "/briefing/view.do", b"busy", content_type="text/html", status=503)
    link = httpserver.url_for("/briefing/view.do") + "?newsId=156720010"  # (the board links the release there too)
    board = rss(item(156720010, LAW_TITLE, LAW_LONG, link=link, pub="2025-11-03 12:00:00"))
    _, service = board_and_service(httpserver, site, board=board, fulltext="#content")
    _, pf = ingest_at(opener, site)
    before = pf.article(LAW_ID)
    service.body = combined_law(LAW_FEED_PART, link=link)
    result, _ = ingest_at(opener, site, NOW + H)  # its page fails: the item has the feed's text
    page.status, page.body = 200, LAW_PAGE.encode()
    updated = []
    for hour in (2, 3, 4, 5):  # the page read at its next try, and read again
        result, _ = ingest_at(opener, site, NOW + hour * H)
        updated += [u for r in result.reports for u in r.updated]
    assert updated == []
    assert pf.article(LAW_ID).article.body_html == before.article.body_html


# -- an upgrade from schema 11 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("service_first", [False, True], ids=["board-first", "service-first"])
def test_the_first_runs_after_an_upgrade_from_schema_11_update_nothing(
    httpserver: HTTPServer, site: Path, opener: Opener, service_first: bool
) -> None:
    """(Attack 2.) A store of schema 11 (no sightings) with a joint release whose copy the service
    gives in its own form: the runs after the upgrade record what each source gives, and update nothing."""
    board, service = board_and_service(httpserver, site, service_first=service_first)
    ingest_at(opener, site)
    service.body = combined_law(LAW_SERVICE_FORM.replace("40일간", "60일간"))
    _, pf = ingest_at(opener, site, NOW + H)
    before = pf.article(LAW_ID)
    pf.close()
    db = sqlite3.connect(site / ".pressfeed" / "pressfeed.db")
    db.execute("DROP TABLE sighting")
    db.execute("PRAGMA user_version = 11")
    db.commit()
    db.close()
    updated = []
    for hour in range(2, 7):
        board.body = rss(law_item(), *([sixg_item()] if hour % 2 else []))
        if hour == 3:
            service.body = combined_law(LAW_SERVICE_FORM.replace("40일간", "60일간") + "<p> </p>")
        result, pf = ingest_at(opener, site, NOW + hour * H)
        updated += [u for r in result.reports for u in r.updated]
    assert updated == [] and pf.article(LAW_ID).article == before.article


# -- forms that are no correction ------------------------------------------------------------------------------

NOTICE = "<p>※ 이 자료는 11월 3일(월) 12:00 이후 보도하여 주시기 바랍니다.</p>"


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (LAW_TITLE, LAW_BODY.replace(" ", "\u00a0")),  # NBSP for every space
        ("[보도자료] " + LAW_TITLE, LAW_BODY),  # the board's label before the title
        (LAW_TITLE, NOTICE + LAW_BODY),  # an (old) embargo notice opening the text
    ],
    ids=["nbsp", "label", "notice"],
)
def test_a_copys_new_form_that_says_the_same_words_is_no_correction(
    httpserver: HTTPServer, site: Path, opener: Opener, title: str, body: str
) -> None:
    """(Attack 2.) The service re-renders its copy: NBSPs, a "[보도자료]" label, an embargo notice
    (long past) before the text. The same words: no update, however long the form holds."""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    before = pf.article(LAW_ID)
    service.body = rss(
        item(156720010, title, body, guid="pressrelease-156720010", link=COMBINED_LAW, pub="2025-11-03 12:00:00"),
        title="정책브리핑 보도자료",
    )
    updated = []
    for hour in (2, 3, 4):
        result, _ = ingest_at(opener, site, NOW + hour * H)
        updated += [u for r in result.reports for u in r.updated]
    assert updated == [] and pf.article(LAW_ID) == before


def test_a_run_again_at_the_same_instant_is_no_second_fetch_of_a_copys_new_words(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Story machine, seed 1158.) Cron starting `pressfeed run` twice at once: the second run confirmed the
    copy's new words the first had just seen, and wrote the feeds of a run with nothing changed. New words
    hold at a later fetch."""
    _, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    for _ in range(2):
        result, pf = ingest_at(opener, site, NOW + 2 * H)
        assert [r.updated for r in result.reports] == [(), ()]
    result, _ = ingest_at(opener, site, NOW + 2 * H + timedelta(minutes=1))
    assert [r.updated for r in result.reports] == [(), (LAW_ID,)] and "60일간" in pf.article(LAW_ID).article.body_html


def test_a_copys_correction_on_either_store_is_taken_once_and_stays(
    httpserver: HTTPServer, site: Path, opener: Opener, store_url: str
) -> None:
    """The sightings on SQLite and on PostgreSQL alike: the copy's words held at two fetches are taken once,
    and the owner's unchanged item, read again, leaves them."""
    board, service = board_and_service(httpserver, site)
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  path: .pressfeed/pressfeed.db\n", f"  url: {store_url}\n"), encoding="utf-8")
    ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    updated = []
    for hour, body in ((2, LAW_CORRECTED), (3, LAW_CORRECTED), (4, LAW_CORRECTED)):
        service.body = combined_law(body)
        board.body = rss(law_item(), *([sixg_item()] if hour % 2 else []))  # the board read again each run
        result, pf = ingest_at(opener, site, NOW + hour * H)
        updated.append([r.updated for r in result.reports])
    assert updated == [[(), ()], [(), (LAW_ID,)], [(), ()]]
    assert "60일간" in pf.article(LAW_ID).article.body_html


def _db(site: Path) -> sqlite3.Connection:
    return sqlite3.connect(site / ".pressfeed" / "pressfeed.db")


# -- the limit of changes without a date ------------------------------------------------------------------------


def test_a_copys_correction_past_the_undated_limit_is_held_back_not_lost(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) The board's release changed 24 times without a date (merge.undated_changes). The service's
    correction, held at two fetches, was dropped in silence: no warning, no `sources check` line, and the
    copy's sighting already counted it as taken, so `sources reset` of either source never brings it."""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    pf.close()
    with _db(site) as db:
        db.execute("UPDATE article SET undated_changes = 24 WHERE id = ?", (LAW_ID,))
    db.close()
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert "40일간" in pf.article(LAW_ID).article.body_html  # held back, as the owner's change would be
    told = [w for r in result.reports for w in r.warnings] + [h.line() for h in pf.source_health() if h.restless]
    # the operator reset both sources, as `sources check` would tell for the owner's change
    opener(site, NOW + 4 * H).reset_sources(["msit", "korea-kr"])
    for hour in (5, 6):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    body = pf.article(LAW_ID).article.body_html
    assert ("60일간" in body, bool(told)) == (True, True)


# -- `articles revert` of an article no longer edited ------------------------------------------------------------


def test_a_revert_refused_after_an_edit_undone_by_hand_keeps_the_copys_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) An editor retitled the release; the service's correction was kept out. The editor changed the title
    back by hand, then ran `articles revert`: refused ("no local edit"), and the refusal dropped the kept-out
    version. The next run kept 40일간 for good, while `articles show` says the words are the service's
    correction."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    _edit(pf)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    hour = copy_confirmed(opener, site, service, 2)  # kept out at hour 3
    _edit(pf, LAW_TITLE)  # undone by hand
    with pytest.raises(UsageError):
        opener(site, NOW + hour * H).revert(LAW_ID)
    for h in range(hour + 1, hour + 4):
        board.body = rss(law_item(), *([sixg_item()] if h % 2 else []))  # the board read again, unchanged
        _, pf = ingest_at(opener, site, NOW + h * H)
    stored = pf.article(LAW_ID)
    words_from = pf.info(stored).words_from
    assert ("60일간" in stored.article.body_html, words_from) in ((True, "korea-kr"), (False, None))
    assert "60일간" in stored.article.body_html


# -- a copy with text taking over a teaser ---------------------------------------------------------------------

#: the board's own form of the release's whole text: its department line under it
LAW_BOARD_FORM = LAW_WHOLE + "<p>담당 부서 : 인공지능기반정책과 (044-202-6260)</p>"


def test_the_boards_first_text_after_the_service_took_its_teaser_over_is_no_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) The board gave a teaser, the service a teaser too (both sighted, the board as the owner), then the
    service its whole text: it took the release over (update._takes_over). The board, now a copy, later gave
    its whole text in its own form: judged against the teaser it gave as the owner, it was taken as a
    correction, and the release went out again in the board's form, dated anew. A source's first words with
    text are its version (as a full-text copy's first page read is)."""
    board, service = board_and_service(httpserver, site)
    board.body = rss(item(156720010, LAW_TITLE, LAW_TEASER, pub="2025-11-03 12:00:00"))
    ingest_at(opener, site)
    service.body = combined_law(LAW_TEASER)
    ingest_at(opener, site, NOW + H)  # the service's teaser sighted
    board.body = rss(item(156720010, LAW_TITLE, LAW_TEASER, pub="2025-11-03 12:00:00"), sixg_item())
    ingest_at(opener, site, NOW + 2 * H)  # the board's teaser sighted, as the owner's
    service.body = combined_law(LAW_WHOLE)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert pf.article(LAW_ID).origin == "source:korea-kr"  # taken over
    before = pf.article(LAW_ID)
    board.body = rss(item(156720010, LAW_TITLE, LAW_BOARD_FORM, pub="2025-11-03 12:00:00"))
    updated = []
    for hour in (4, 5, 6):
        result, pf = ingest_at(opener, site, NOW + hour * H)
        updated += [(r.source_id, u) for r in result.reports for u in r.updated]
    assert updated == [] and pf.article(LAW_ID).article.body_html == before.article.body_html


# -- forms that are no correction ------------------------------------------------------------------------------


def test_a_copys_full_width_digits_for_the_same_figures_are_no_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) The service re-renders its copy with full-width digits (its HWP converter's), the figures unchanged:
    "１１월 ３일부터 ４０일간". Taken as a correction: the article went out again, dated as an undated change,
    in the copy's digits. (Titles' keys read NFKC; the words' digest reads the code points.)"""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    before = pf.article(LAW_ID)
    wide = LAW_BODY.replace("11월 3일부터 40일간", "１１월 ３일부터 ４０일간")
    service.body = combined_law(wide)
    updated = []
    for hour in (2, 3, 4):
        result, _ = ingest_at(opener, site, NOW + hour * H)
        updated += [u for r in result.reports for u in r.updated]
    assert updated == [] and pf.article(LAW_ID) == before


# -- the view-counter rule ---------------------------------------------------------------------------------------

CLIP_TITLE = "과기정통부, 인공지능 기본법 설명 영상 공개 한 달"
CLIP_BODY = (
    "<p>과학기술정보통신부는 인공지능 기본법 설명 영상이 공개 한 달 만에 조회수 3배 증가를 기록했다고 밝혔다.</p>"
)


def test_a_copys_correction_of_a_multiple_after_the_word_views_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) "조회수 3배 증가" corrected by the service to "조회수 4배 증가": the view-counter rule read
    "조회수3" before 배 as a board's counter, and the correction was never seen. A counter has a separator or
    the end after it; a figure with its unit (배, 위, 일, 만 …) is a word."""
    board = rss(item(156720010, CLIP_TITLE, CLIP_BODY, pub="2025-11-03 12:00:00"))
    _, service = board_and_service(httpserver, site, board=board)
    _, pf = ingest_at(opener, site)
    service.body = combined_law(CLIP_BODY, title=CLIP_TITLE)
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(CLIP_BODY.replace("3배", "4배"), title=CLIP_TITLE)
    for hour in (2, 3, 4):
        ingest_at(opener, site, NOW + hour * H)
    assert "4배" in pf.article(LAW_ID).article.body_html


# -- what `sources list` says ------------------------------------------------------------------------------------


def test_sources_list_counts_the_update_a_copys_correction_made(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) The run that took the service's correction reports `korea-kr` updated 1 (IngestResult), but the
    source's state (`pressfeed sources list`: "new 0, updated 0") was made before corrections are taken."""
    _, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert [r.updated for r in result.reports] == [(), (LAW_ID,)]
    states = {row.id: row.state for row in pf.source_status()}
    assert states["korea-kr"].updated == 1


# -- the ministry corrects both at once -------------------------------------------------------------------------

#: the service's form of the law release: its own line under the text (two boards' forms always differ)
SERVICE_LINE = "<p>자료제공 : 과학기술정보통신부 인공지능기반정책과</p>"


def test_a_correction_both_sources_give_at_once_is_the_owners_not_the_copys_a_run_later(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 3.) The ministry fixed the figure on its board and on the service at once (the common case). The board's
    correction was taken at that run; the service's new words, seen then, held at the next run, and were
    taken as a correction of their own: the article was rewritten in the service's form an hour after the
    owner's correction, dated again, and `articles show` says its words are the service's. The owner's
    change of the run the copy's new words were first seen wins, as it does in the run they are confirmed."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law(LAW_BODY + SERVICE_LINE)
    ingest_at(opener, site, NOW + H)  # the copy's version, in its own form
    board.body = rss(item(156720010, LAW_TITLE, LAW_CORRECTED, pub="2025-11-03 12:00:00"))
    service.body = combined_law(LAW_CORRECTED + SERVICE_LINE)
    result, pf = ingest_at(opener, site, NOW + 2 * H)
    assert [r.updated for r in result.reports] == [(LAW_ID,), ()]  # the board's own correction
    after = pf.article(LAW_ID)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert [r.updated for r in result.reports] == [(), ()]
    assert pf.article(LAW_ID) == after and pf.info(pf.article(LAW_ID)).words_from is None


def test_one_correction_two_copies_give_is_one_update_in_the_owners_form(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 1.) Three sources bring the release: the board (owner), the service, and the service's mobile
    board, whose form adds a "자료제공" line. The ministry's one correction reaches the service first and the
    mobile board a run later: the second was taken again, its whole form differing from the service's, an
    update readers saw for no new word, with the mobile board's boilerplate. The article has that change."""
    serve(httpserver, "/rss/dept_msit.xml", rss(law_item()))
    service = serve(httpserver, "/rss/pressrelease.xml", rss(title="정책브리핑 보도자료"))
    mobile = serve(httpserver, "/rss/mobile.xml", rss(title="정책브리핑 모바일"))
    configure(
        site,
        source("msit", httpserver.url_for("/rss/dept_msit.xml")),
        source("korea-kr", httpserver.url_for("/rss/pressrelease.xml"), name="정책브리핑"),
        source("korea-kr-m", httpserver.url_for("/rss/mobile.xml"), name="정책브리핑"),
    )

    def on_mobile(body: str) -> bytes:
        link = "https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720010"
        copy = item(156720010, LAW_TITLE, body, guid="m-156720010", link=link, pub="2025-11-03 12:00:00")
        return rss(copy, title="정책브리핑 모바일")

    _, pf = ingest_at(opener, site)
    service.body, mobile.body = combined_law(), on_mobile(LAW_SERVICE_FORM)
    ingest_at(opener, site, NOW + H)
    updates = 0
    mobile_60 = LAW_SERVICE_FORM.replace("40일간", "60일간")
    for hour, mobile_body in ((2, LAW_SERVICE_FORM), (3, mobile_60), (4, mobile_60), (5, mobile_60)):
        service.body, mobile.body = combined_law(LAW_CORRECTED), on_mobile(mobile_body)
        result, _ = ingest_at(opener, site, NOW + hour * H)
        updates += sum(len(r.updated) for r in result.reports)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body
    assert updates == 1 and "자료제공" not in body


@pytest.mark.parametrize(
    ("article", "before", "after", "lacking"),
    [
        (
            "시행령을 40일간 입법예고한다",
            "시행령을 40일간 입법예고한다 자료제공",
            "시행령을 60일간 입법예고한다 자료제공",
            True,
        ),
        (
            "시행령을 60일간 입법예고한다",
            "시행령을 40일간 입법예고한다 자료제공",
            "시행령을 60일간 입법예고한다 자료제공",
            False,
        ),
        # whole words only: a figure inside another is not the one added
        ("2060년까지 40 곳", "2060년까지 40 곳 문의", "2060년까지 60 곳 문의", True),
        # a sentence removed: the article that still has it lacks the change
        ("첫 문장. 틀린 문장. 끝.", "첫 문장. 틀린 문장. 끝. 출처", "첫 문장. 끝. 출처", True),
        ("첫 문장. 끝.", "첫 문장. 틀린 문장. 끝. 출처", "첫 문장. 끝. 출처", False),
    ],
    ids=["figure-lacking", "figure-had", "whole-words", "removed-lacking", "removed-had"],
)
def test_an_article_lacks_a_copys_change_unless_it_has_every_run_added_and_none_removed(
    article: str, before: str, after: str, lacking: bool
) -> None:
    from pressfeed.ingest.copies import lacks

    assert lacks(article, before, after) is lacking


# -- attack 4: the change an article has, the held-back correction, the counter rule --


def board_item(body: str = LAW_BODY, title: str = LAW_TITLE) -> str:
    return item(156720010, title, body, pub="2025-11-03 12:00:00")


def updates(opener: Opener, site: Path, hours: range | tuple[int, ...]) -> list[tuple[str, str]]:
    out = []
    for hour in hours:
        result, _ = ingest_at(opener, site, NOW + hour * H)
        out += [(r.source_id, u) for r in result.reports for u in r.updated]
    return out


# == 1. `lacks`: corrections lost because the article is thought to have them ==================================

#: a release's budget table (HWP tables come through as cells): 2025 and 2026 columns
TABLE = (
    "<table><tr><td>구분</td><td>2025년</td><td>2026년</td></tr>"
    "<tr><td>예산(억 원)</td><td>{a}</td><td>{b}</td></tr>"
    "<tr><td>과제 수</td><td>{c}</td><td>{d}</td></tr></table>"
)
TABLE_WRONG = LAW_BODY + TABLE.format(a="1,500", b="1,200", c="40", d="32")  # columns transposed
TABLE_RIGHT = LAW_BODY + TABLE.format(a="1,200", b="1,500", c="32", d="40")


@pytest.mark.parametrize(
    ("article", "before", "after"),
    [
        # two figures swapped (a transposed table: the classic release erratum)
        (
            "예산(억 원) 1,500 1,200 과제 수 40 32",
            "예산(억 원) 1,500 1,200 과제 수 40 32 자료제공",
            "예산(억 원) 1,200 1,500 과제 수 32 40 자료제공",
        ),
        # contact numbers swapped between two officials (a table of 담당자)
        (
            "과장 김철수 044-202-6260 사무관 이영희 044-202-6261",
            "과장 김철수 044-202-6260 사무관 이영희 044-202-6261 자료제공",
            "과장 김철수 044-202-6261 사무관 이영희 044-202-6260 자료제공",
        ),
        # a threshold the text dropped, "이상" (at least), restored: the article has "이상" in another sentence
        (
            "매출액 10조 원 이상 사업자와 이용자 100만 명 사업자는 대리인을 지정한다.",
            "매출액 10조 원 이상 사업자와 이용자 100만 명 사업자는 대리인을 지정한다. 자료제공",
            "매출액 10조 원 이상 사업자와 이용자 100만 명 이상 사업자는 대리인을 지정한다. 자료제공",
        ),
    ],
    ids=["table-swap", "phone-swap", "threshold-inserted"],
)
def test_a_correction_made_of_words_the_article_has_elsewhere_is_lacking(article: str, before: str, after: str) -> None:
    """(Attack 4.) `lacks` looks each added run up anywhere in the article: a correction that swaps two
    figures (its added runs are the removed ones, each found again in the other's place), or inserts a
    word the article has in another sentence, was judged already had, and dropped."""
    from pressfeed.ingest.copies import lacks

    assert lacks(article, before, after) is True


def test_a_copys_correction_of_two_transposed_table_columns_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 4.) The board's release has its budget table's two year columns transposed (1,500 / 1,200 for
    1,200 / 1,500); the service corrects it. Every figure the correction adds is in the article (in the
    other column), every one it removes is one it adds: `lacks` says the article has it, and readers keep
    the transposed budget for good."""
    board, service = board_and_service(httpserver, site)
    board.body = rss(board_item(TABLE_WRONG))
    _, pf = ingest_at(opener, site)
    service.body = combined_law(TABLE_WRONG)
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(TABLE_RIGHT)
    assert updates(opener, site, (2, 3, 4)) == [("korea-kr", LAW_ID)]
    from pressfeed.ingest.copies import words_of

    assert "1,200 1,500 과제 수 32 40" in words_of(pf.article(LAW_ID).article)


def test_a_copys_correction_of_the_title_alone_adding_a_word_of_the_text_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 4.) The service fixes the release's title alone, adding the word it dropped ("… 기본법 시행령
    제정안 입법예고"). The title is one line of the words `lacks` searches, and "시행령" is a word of the body
    ("…기본법’의 시행령 제정안을"): the correction is judged had, and the title stays wrong for good."""
    short = "과기정통부, 인공지능 기본법 제정안 입법예고"
    full = "과기정통부, 인공지능 기본법 시행령 제정안 입법예고"
    board, service = board_and_service(httpserver, site)
    board.body = rss(board_item(title=short))
    _, pf = ingest_at(opener, site)
    service.body = combined_law(title=short)
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(title=full)
    assert updates(opener, site, (2, 3, 4)) == [("korea-kr", LAW_ID)]
    assert pf.article(LAW_ID).article.title == full


# == 1b. `lacks`: needless updates, the owner having made the change in its own form =========================

LIST_BOARD = LAW_BODY + "<p>설명회는 서울·부산에서 열린다.</p>"  # the board's middle dot (U+00B7)
LIST_SERVICE = LAW_BODY + "<p>설명회는 서울ㆍ부산에서 열린다.</p>"  # the service's (HWP's araea, U+318D)


def test_the_owners_correction_in_its_own_middle_dot_is_had_when_the_copy_brings_it_a_run_later(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 4.) The ministry added 대구 to the cities on its board first, and on the service an hour later.
    The board writes "·", the service HWP's "ㆍ" (U+318D, which NFKC folds to a jamo, not to "·"): the
    article has the change, but `lacks` sees "서울ㆍ부산ㆍ대구에서" nowhere, and the release goes out again,
    dated anew, in the service's form."""
    board, service = board_and_service(httpserver, site)
    board.body = rss(board_item(LIST_BOARD))
    _, pf = ingest_at(opener, site)
    service.body = combined_law(LIST_SERVICE)
    ingest_at(opener, site, NOW + H)
    board.body = rss(board_item(LIST_BOARD.replace("서울·부산", "서울·부산·대구")))
    assert updates(opener, site, (2,)) == [("msit", LAW_ID)]  # the owner's own correction
    after = pf.article(LAW_ID)
    service.body = combined_law(LIST_SERVICE.replace("서울ㆍ부산", "서울ㆍ부산ㆍ대구"))
    assert updates(opener, site, (3, 4, 5)) == []
    assert pf.article(LAW_ID) == after


# == 2. `absorbed`: the owner's unrelated change of the run ======================================================

SECOND = "<p>제정안은 국민참여입법센터에서 볼 수 있다.</p>"


# == 3. `held_back` ================================================================================================


def test_a_held_back_correction_is_taken_after_the_reset_the_warning_names(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 4.) The warning named `pressfeed sources reset msit` alone: the service's answer stayed as it
    was (its feed had no new post), the service was not read anew, and the correction waited for its next new
    post, however long. The warning names the copy's source: its reset reads its answer anew, and takes the
    next change of the articles its corrections are held back from. `sources check` names the article too."""
    _, _, pf = _held(httpserver, site, opener, told="`pressfeed sources reset korea-kr`")
    [checked] = [h for h in pf.source_health() if h.source_id == "korea-kr"]
    assert checked.restless == (LAW_ID,) and "pressfeed sources reset korea-kr" in checked.line()
    opener(site, NOW + 4 * H).reset_sources(["korea-kr"])
    for hour in (5, 6, 7):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    assert "60일간" in pf.article(LAW_ID).article.body_html


def test_a_held_back_correction_is_said_once_not_at_every_run(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 4.) The owner's own change past the limit is said once (update._restless), and `sources check`
    lists the article as restless after. The copy's held-back correction re-confirms and is said again at
    every run whose service answer is parsed (the service posts all day): 24 warnings a day under -v."""
    _, service, _ = _held(httpserver, site, opener)
    said = 0
    for hour in range(4, 10):
        service.body = rss(
            item(
                156720010,
                LAW_TITLE,
                LAW_CORRECTED,
                guid="pressrelease-156720010",
                link=COMBINED_LAW,
                pub="2025-11-03 12:00:00",
            ),
            *([sixg_item(guid="pressrelease-156720287")] if hour % 2 else []),  # a new post, then not
            title="정책브리핑 보도자료",
        )
        result, _ = ingest_at(opener, site, NOW + hour * H)
        said += sum("held back" in w for r in result.reports for w in r.warnings)
    assert said <= 1


# == 6. the view-counter rule eating a release's figure ==========================================================

RESULTS_TITLE = "과기정통부, 인공지능 기본법 홍보 캠페인 성과 발표"
RESULTS_BODY = (
    "<p>과학기술정보통신부는 인공지능 기본법 홍보 캠페인의 성과를 발표했다.</p>"
    "<table><tr><td>구분</td><td>실적</td></tr>"
    "<tr><td>조회수</td><td>1,234,567</td></tr>"
    "<tr><td>공유</td><td>12,345</td></tr></table>"
    "<p>과학기술정보통신부는 하반기에도 캠페인을 이어갈 계획이다. 문의: 인공지능정책과(044-202-6180)</p>"
)


def test_a_copys_correction_of_a_views_figure_in_a_results_table_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 4.) A campaign release's results table, a row "조회수 | 1,234,567" (label and figure cells,
    flattened to "조회수 1,234,567 공유 …"): the counter rule takes the figure for a board's view counter,
    and the service's correction to 1,324,567 is never seen."""
    board = rss(item(156720010, RESULTS_TITLE, RESULTS_BODY, pub="2025-11-03 12:00:00"))
    _, service = board_and_service(httpserver, site, board=board)
    _, pf = ingest_at(opener, site)
    service.body = combined_law(RESULTS_BODY, title=RESULTS_TITLE)
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(RESULTS_BODY.replace("1,234,567", "1,324,567"), title=RESULTS_TITLE)
    updates(opener, site, (2, 3, 4))
    assert "1,324,567" in pf.article(LAW_ID).article.body_html


@pytest.mark.parametrize(
    "sentence",
    [
        "홍보 영상은 누적 조회수 1,234,567 달성으로 목표를 넘었다.",  # a raw figure, a word after a space
        "홍보 영상(누적 조회수 1,234,567)은 목표를 넘었다.",  # in brackets
    ],
    ids=["space", "bracket"],
)
def test_a_views_figure_of_a_release_sentence_is_a_word(sentence: str) -> None:
    """(Attack 4.) A figure the release counts, without its unit, in its text (not at its start or end, where a
    board prints its counter): still a word of it."""
    from pressfeed.ingest.copies import _without_counter

    lead = "과학기술정보통신부는 인공지능 기본법 홍보 캠페인의 성과를 발표했다."
    text = f"{lead} {sentence} 과학기술정보통신부는 하반기에도 지역 설명회와 함께 캠페인을 이어갈 계획이다."
    assert "1,234,567" in _without_counter(text)
    assert _without_counter(f"{text} 조회수 37") == _without_counter(text)  # (a board's counter after it)


# -- the final review: a run that dies, an edit kept, an edit undone ---------------------------------


def test_a_run_that_dies_before_taking_a_confirmed_correction_does_not_lose_it(
    httpserver: HTTPServer, site: Path, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Review.) The copy's confirming sighting (taken = its new words) is committed with its source's items in
    place_source; the article is written later, in take_corrections' own transaction. A run killed in between
    (SIGTERM, OOM, a later source's failure, settle raising) leaves the sighting saying the words are the copy's
    version already: at the next run the copy gives the same words, `digest == row.taken`, and the correction
    is never taken."""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)  # new words once

    def killed(self: object, *args: object) -> set[str]:
        raise KeyboardInterrupt  # the process dies after every source is placed, before corrections are taken

    with monkeypatch.context() as patched:
        patched.setattr(update._Placer, "take_corrections", killed)
        with pytest.raises(KeyboardInterrupt):
            ingest_at(opener, site, NOW + 3 * H)
    for hour in (4, 5, 6):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body and "40일간" not in body


def _kept_out(httpserver: HTTPServer, site: Path, opener: Opener):  # type: ignore[no-untyped-def]
    """The board's release retitled by an editor; the service's correction confirmed at hour 3, kept out."""
    board, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    _edit(opener(site, NOW))
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert [r.conflicts for r in result.reports] == [(), (LAW_ID,)]
    return board, service, pf


def test_articles_show_does_not_call_an_edited_articles_words_a_copys_correction_it_kept_out(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Review.) The copy's version is kept out of the edit (update._Placer._correction calls `carried` with the edit
    standing), so `sighting.carries` is set while the article's words are the editor's and the owner's
    ("40일간"). `articles show` then says "its words are source korea-kr's correction" under an edited title
    and the old figure; `--json` has words_from "korea-kr"."""
    _, _, pf = _kept_out(httpserver, site, opener)
    stored = pf.article(LAW_ID)
    assert "40일간" in stored.article.body_html and stored.article.title == "편집된 제목"
    info = pf.info(stored)
    assert not any("its words are source korea-kr's correction" in line for line in info.upstream_lines(NOW.tzinfo))
    assert info.words_from is None


def test_an_edit_undone_by_hand_takes_the_copys_correction_at_the_next_run(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Review.) README: the kept-out copy's version is taken "by the next run once the edit is undone by hand". Only a
    run that parses the owner's answer takes it (owner_seen); an owner whose answer is unchanged is not parsed,
    and `articles revert` refuses ("no local edit"). Meanwhile `articles show` says the words are the copy's
    correction while they read 40일간, and `sources check` says nothing."""
    _kept_out(httpserver, site, opener)
    _edit(opener(site, NOW), "과기정통부, 인공지능 기본법 하위법령 제정안 입법예고")  # undone by hand
    for hour in (4, 5, 6):  # neither source's answer changes
        _, pf = ingest_at(opener, site, NOW + hour * H)
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" in body and "40일간" not in body


def test_the_owners_new_file_while_an_edit_keeps_a_copys_correction_out_is_kept_for_revert(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Review.) The edit keeps the copy's correction out; the board then replaces the release's hwp file, its words as
    they were. owner_seen returns True (no new words, a copy's carried) and _decide returns at once with
    "unchanged": the board's version is neither kept out nor told. `articles revert` takes the copy's words
    with the old file, and the board's answer, unchanged from then on, is never parsed again to bring the new
    one. Without a copy's correction the board's new file is kept out and `revert` takes it."""
    from test_copies import HWP, HWP_FIXED
    from test_ingest import law_item, rss

    board, service = board_and_service(httpserver, site)
    board.body = rss(law_item(extra=HWP))
    ingest_at(opener, site)
    _edit(opener(site, NOW))
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    ingest_at(opener, site, NOW + 3 * H)  # the copy's correction kept out
    board.body = rss(law_item(extra=HWP_FIXED))  # the board's corrected file, its text unchanged
    ingest_at(opener, site, NOW + 4 * H)  # not kept out, not told: "unchanged"
    opener(site, NOW + 5 * H).revert(LAW_ID)
    for hour in (6, 7):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    article = pf.article(LAW_ID).article
    assert "60일간" in article.body_html
    assert [a.url for a in article.attachments] == ["https://www.msit.go.kr/bbs/download.do?fileId=197412399"]


# -- attack 5: a reset that takes a held-back correction, a stale kept-out one, a takeover --


def _set_undated(site: Path, count: int) -> None:
    db = _db(site)
    with db:
        db.execute("UPDATE article SET undated_changes = ? WHERE id = ?", (count, LAW_ID))
    db.close()


def _undated(site: Path) -> int:
    db = _db(site)
    try:
        return int(db.execute("SELECT undated_changes FROM article WHERE id = ?", (LAW_ID,)).fetchone()[0])
    finally:
        db.close()


# -- 4. `sources reset` of the copy's source ----------------------------------------------------------------


def test_the_reset_the_held_back_warning_names_is_eaten_by_the_owners_view_counter(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 5.) The board prints a view counter under the release, the README's own example of an item past the limit
    of undated changes: it moves at every fetch, so after 24 the article's changes are no longer taken. The
    service's correction is then held back, and the warning promises `sources reset korea-kr` takes it at the
    next run. The reset lowers the count by one; at that next run the board (its counter moved again) is placed
    first and spends it, and the correction is held back again, silently this time (said once), at every reset."""
    board, service = board_and_service(httpserver, site)
    board.body = viewed_law(10)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    pf.close()
    _set_undated(site, 24)  # the board's counter moved 24 times
    service.body = combined_law(LAW_CORRECTED)
    board.body = viewed_law(11)
    ingest_at(opener, site, NOW + 2 * H)
    board.body = viewed_law(12)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert any("sources reset korea-kr" in w for r in result.reports for w in r.warnings)
    views = 13
    for hour in (4, 6, 8):  # the operator does as told, twice over; the board counts on
        opener(site, NOW + hour * H).reset_sources(["korea-kr"])
        for h in (hour, hour + 1):
            board.body = viewed_law(views)
            views += 1
            _, pf = ingest_at(opener, site, NOW + h * H + timedelta(minutes=30))
    assert "60일간" in pf.article(LAW_ID).article.body_html


def test_resetting_the_copys_source_unblocks_only_articles_its_correction_is_held_back_from(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 5.) A copy whose words changed once (seen, not confirmed) has no correction held back: `sources
    reset korea-kr`, done for korea-kr's own sake, leaves the board's article past the limit as it is (an
    earlier fix unblocked every article with a pending sighting of the source)."""
    _board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    pf.close()
    _set_undated(site, 24)
    service.body = combined_law(LAW_CORRECTED)  # new words once: nothing held back
    result, pf = ingest_at(opener, site, NOW + 2 * H)
    assert not [w for r in result.reports for w in r.warnings if "held back" in w]
    pf.close()
    opener(site, NOW + 2 * H + timedelta(minutes=10)).reset_sources(["korea-kr"])
    assert _undated(site) == 24


# -- 3. the owner's item of an edited article carrying a copy's words --------------------------------------------


# -- 2. an undone edit's kept-out correction ------------------------------------------------------------------


def test_an_undone_edits_stale_kept_out_correction_does_not_overwrite_the_copys_newer_one(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 5.) The edit kept the service's correction (60일간) out; the service then corrected the release
    again (90일간), and the editor undid the edit by hand between the run that saw the new words and the one they
    held at. The newer correction was taken, but the kept-out row stayed, its sighting carrying: at the next run
    the stale 60일간 was written over 90일간. A correction taken drops what was kept out."""
    board, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    _edit(opener(site, NOW))
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    result, _ = ingest_at(opener, site, NOW + 3 * H)
    assert [r.conflicts for r in result.reports] == [(), (LAW_ID,)]  # 60일간 kept out
    service.body = combined_law(LAW_BODY.replace("40일간", "90일간"))
    ingest_at(opener, site, NOW + 4 * H)  # the newer words seen once
    _edit(opener(site, NOW + 4 * H), LAW_TITLE)  # the editor undoes the edit by hand
    result, pf = ingest_at(opener, site, NOW + 5 * H)  # the newer words hold: taken
    assert "90일간" in pf.article(LAW_ID).article.body_html
    for hour in (6, 7):
        board.body = rss(law_item(), *([sixg_item()] if hour % 2 else []))
        _, pf = ingest_at(opener, site, NOW + hour * H)
    body = pf.article(LAW_ID).article.body_html
    assert "90일간" in body and "60일간" not in body


# -- 5. `words_from` ------------------------------------------------------------------------------------------


def test_a_copy_that_took_the_release_over_is_not_named_the_corrector_of_its_own_article(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 5.) The board and the service both gave a teaser; the service corrected its teaser (taken: the article
    carries the service's words), then gave the whole text and took the release over (update._takes_over): the
    service is the owner now. Its sighting still `carries` (absorbed keeps the flag, and owner_seen of an
    unchanged item never clears it): `articles show` says "its words are source korea-kr's correction; source
    korea-kr's item gives others", `--json` words_from "korea-kr", of korea-kr's own article, for good."""
    from test_copies import LAW_TEASER, LAW_WHOLE

    board, service = board_and_service(httpserver, site)
    board.body = rss(item(156720010, LAW_TITLE, LAW_TEASER, pub="2025-11-03 12:00:00"))
    ingest_at(opener, site)
    service.body = combined_law(LAW_TEASER)
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_TEASER.replace("40일간", "60일간"))
    ingest_at(opener, site, NOW + 2 * H)
    _, pf = ingest_at(opener, site, NOW + 3 * H)
    assert "60일간" in pf.article(LAW_ID).article.body_html  # the service's teaser correction taken
    service.body = combined_law(LAW_WHOLE.replace("40일간", "60일간"))
    for hour in (4, 5, 6):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    stored = pf.article(LAW_ID)
    assert stored.origin == "source:korea-kr"  # taken over
    info = pf.info(stored)
    assert info.words_from is None and info.to_json()["words_from"] is None


# -- 1. two copies confirming in one run ------------------------------------------------------------------------


# -- attack 6: a hold only a reset lifts, the owner's later correction, hidden and superseded releases --


def _service(body: str | None, *, other: bool = True) -> bytes:
    """The service's answer: the law release's copy with `body` (None: not listed), and a post of its own
    (`other`) so that the answer is new and parsed."""
    items = [] if body is None else [service_item(body)]
    if other:
        items.append(sixg_item(guid="pressrelease-156720287"))
    return rss(*items, title="정책브리핑 보도자료")


def _held(httpserver: HTTPServer, site: Path, opener: Opener, told: str = "held back"):  # type: ignore[no-untyped-def]
    """The board's release past the limit of undated changes; the service's correction held back at hour 3, and
    `told` in a warning."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    pf.close()
    _set_undated(site, 24)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert "40일간" in pf.article(LAW_ID).article.body_html
    assert any(told in w for r in result.reports for w in r.warnings)
    [checked] = [h for h in pf.source_health() if h.source_id == "korea-kr"]
    assert checked.restless == (LAW_ID,)
    return board, service, pf


# == 1. the reset bypass without a reset ==========================================================================


@pytest.mark.parametrize(
    "unseen",
    [
        _service(None),  # the service's list no longer shows the release for one fetch (a busy day's page one)
        _service(""),  # its item without text, once (a feed truncated, its description empty)
    ],
    ids=["off-the-list-once", "no-text-once"],
)
def test_a_held_back_correction_is_not_taken_without_a_reset_after_one_fetch_that_missed_the_copy(
    httpserver: HTTPServer, site: Path, opener: Opener, unseen: bytes
) -> None:
    """(Attack 6.) No `sources reset`: the service's answer at hour 4 did not give the release's words (the item off
    its list, or given without text). _accept rewrote korea-kr's restless list without the article; at hour 5 the
    item is back with the held words, `held_before` no longer named the article, and `_correction` took it as if a
    reset had cleared the list: past the limit, the count unchanged (24), no reset by anyone."""
    _, service, _ = _held(httpserver, site, opener)
    service.body = unseen
    ingest_at(opener, site, NOW + 4 * H)
    service.body = _service(LAW_CORRECTED, other=False)  # back, the same words as held
    result, pf = ingest_at(opener, site, NOW + 5 * H)
    updated = [u for r in result.reports for u in r.updated]
    assert updated == [] and "40일간" in pf.article(LAW_ID).article.body_html


#: the service's page facts above the text, a view counter among them, more than 40 characters in (so no edge)
def _counted(views: int, body: str = LAW_BODY) -> str:
    return f"{body}<p>담당부서 인공지능기반정책과 · 조회수 {views} · 등록일 2025-11-03</p>{body}"


def test_a_restless_copy_updates_an_article_past_the_limit_at_every_fetch_that_misses_it(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 6.) The limit of undated changes (24) is there for items that change at every fetch. The service prints
    a view counter between two paragraphs (no edge: its words change when it moves), and its list shows the release
    on some fetches only. Every (views move, same again, off the list once, back) cycle writes the article past the
    limit: the held-back correction is taken at the fetch after the one that missed it, the count stays at 24, and
    no one reset anything."""
    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = _service(_counted(100))
    ingest_at(opener, site, NOW + H)
    pf.close()
    _set_undated(site, 24)
    hour, updates = 2, 0
    for views in (101, 102, 103):
        for body in (_counted(views), _counted(views), None, _counted(views)):
            service.body = _service(body, other=hour % 2 == 0)
            result, pf = ingest_at(opener, site, NOW + hour * H)
            updates += sum(len(r.updated) for r in result.reports)
            hour += 1
            pf.close()
    assert (updates, _undated(site)) == (0, 24)


def test_a_held_back_correction_does_not_overwrite_the_owners_later_dated_correction(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 6.) The service's 60일간 is held back (past the limit). Later the ministry corrects its own board, dated
    (a new pubDate): 50일간 is taken, the count starts again. The service's answer is unchanged meanwhile (no recheck:
    not parsed). At its next new post the service's item re-confirms the held words, and with the count at 0 they
    are taken over the board's newer, dated correction: readers get 60일간, for good (the board's unchanged item
    leaves a copy's words be). The owner's own change wins over a copy's of the same run; a copy's held back since
    before it wins over it."""
    board, service, pf = _held(httpserver, site, opener)
    pf.close()
    board.body = rss(
        item(156720010, LAW_TITLE, LAW_BODY.replace("40일간", "50일간"), pub="2025-11-08 09:00:00")  # re-dated
    )
    _, pf = ingest_at(opener, site, NOW + 4 * H)
    assert "50일간" in pf.article(LAW_ID).article.body_html
    service.body = _service(LAW_CORRECTED)  # a post of its own: its answer is read
    for hour in (5, 6):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    body = pf.article(LAW_ID).article.body_html
    assert "50일간" in body and "60일간" not in body


# == 3. stories: an editor's hide, a newsroom article superseding the release ======================================


def test_a_release_an_editor_hid_stays_hidden_when_a_copys_correction_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    from pressfeed.model import Status

    _, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    pf.set_status(LAW_ID, Status.HIDDEN)
    pf.close()
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    stored = pf.article(LAW_ID)
    assert [u for r in result.reports for u in r.updated] == [LAW_ID]
    assert "60일간" in stored.article.body_html and stored.article.status is Status.HIDDEN
    pf.build()
    assert "60일간" not in (site / "public" / "rss.xml").read_text(encoding="utf-8")


def _with_imports(site: Path) -> None:
    import yaml

    path = site / "feeds" / "pressfeed.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["imports"] = ["feeds/articles/*.yaml"]
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _cms_article(site: Path, url: str) -> None:
    import yaml

    record = {
        "id": "20251108-0101",
        "title": "AI 기본법 시행령, 40일간 의견 듣는다",
        "section": "IT/과학",
        "published": "2025-11-08 11:30:00",
        "byline": "포탈뉴스통신",
        "link": "/news/articleView.html?idxno=124001",
        "body_html": "<p>(포탈뉴스통신) 정부가 인공지능 기본법 시행령 제정안을 내놓고 의견을 듣는다.</p>",
        "source": {"name": "과학기술정보통신부", "home": "https://www.msit.go.kr/", "url": url},
    }
    path = site / "feeds" / "articles" / "news.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


CMS_ID = "tag:example-portal.kr,2025:article/20251108-0101"


def _feed_ids(site: Path) -> dict[str, list[str]]:
    import json

    from lxml import etree

    public = site / "public"
    atom = "{http://www.w3.org/2005/Atom}"
    return {
        "rss": [g.text or "" for g in etree.parse(str(public / "rss.xml")).iter("guid")],
        "atom": [e.findtext(f"{atom}id") or "" for e in etree.parse(str(public / "atom.xml")).iter(f"{atom}entry")],
        "json": [i["id"] for i in json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"]],
    }


def test_a_copys_correction_of_a_release_a_newsroom_article_supersedes_keeps_the_article_under_its_guid(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 6.) The release went out; the newsroom's article citing it took its guid over. The service's correction
    of the release is taken (settle runs for it): the release stays superseded and out of the feeds, and the article
    keeps the guid readers have."""
    from test_ingest import PRESS

    _, service = board_and_service(httpserver, site)
    _with_imports(site)
    opener(site, NOW).run()
    assert _feed_ids(site)["rss"] == [LAW_ID]
    _cms_article(site, f"{PRESS}156720010")
    service.body = combined_law()
    opener(site, NOW + H).run()
    assert opener(site, NOW + H).article(LAW_ID).superseded_by == CMS_ID
    ids = _feed_ids(site)
    assert ids["rss"] == ids["atom"] == ids["json"] == [LAW_ID]  # the article, under the release's guid
    service.body = combined_law(LAW_CORRECTED)
    opener(site, NOW + 2 * H).run()
    pf = opener(site, NOW + 3 * H)
    result = pf.run()
    assert result.ingest is not None and [u for r in result.ingest.reports for u in r.updated] == [LAW_ID]
    stored = pf.article(LAW_ID)
    assert "60일간" in stored.article.body_html and stored.superseded_by == CMS_ID
    ids = _feed_ids(site)
    assert ids["rss"] == ids["atom"] == ids["json"] == [LAW_ID]
    assert "60일간" not in (site / "public" / "rss.xml").read_text(encoding="utf-8")  # the newsroom's words
    assert pf.article(CMS_ID).feed_guid == LAW_ID


# == 4. end to end through the CLI ================================================================================


def _snapshot(public: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(public).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in public.rglob("*")
        if p.is_file()
    }


def test_pressfeed_run_takes_a_copys_correction_then_rebuilds_nothing_and_the_feeds_stay_valid(
    httpserver: HTTPServer, site: Path
) -> None:
    from click.testing import CliRunner

    from pressfeed.cli import cli
    from w3c import site_problems

    board, service = board_and_service(httpserver, site)
    base = "https://www.example-portal.kr/feeds/"
    public = site / "public"

    def run(hour: int) -> None:
        when = (NOW + hour * H).isoformat()
        result = CliRunner().invoke(cli, ["--site", str(site), "--now", when, "run"])
        assert result.exit_code == 0, result.output
        assert site_problems(public, base) == {}

    run(0)
    service.body = combined_law()
    run(1)
    service.body = combined_law(LAW_CORRECTED)
    run(2)
    assert "60일간" not in (public / "rss.xml").read_text(encoding="utf-8")
    run(3)
    for name in ("rss.xml", "atom.xml", "feed.json"):
        text = (public / name).read_text(encoding="utf-8")
        assert "60일간" in text and "40일간" not in text, name
    before = _snapshot(public)
    run(4)  # nothing changed anywhere
    assert _snapshot(public) == before
    service.body = _service(LAW_CORRECTED)  # the service posts; its copy the same
    board.body = rss(
        item(156720010, LAW_TITLE, LAW_BODY, pub="2025-11-03 12:00:00"), sixg_item(pub="2025-11-05 14:00:00")
    )
    run(5)
    text = (public / "rss.xml").read_text(encoding="utf-8")
    assert "60일간" in text and "40일간" not in text
    before = _snapshot(public)
    run(6)
    assert _snapshot(public) == before


def test_a_held_back_correction_stays_held_across_an_unchanged_answer_a_named_run_and_a_dry_run(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 6.) (Checked, holds.) Runs that do not parse the service's answer keep its list of held-back items."""
    _, service, pf = _held(httpserver, site, opener)
    pf.close()
    ingest_at(opener, site, NOW + 4 * H)  # the service's answer unchanged: not parsed
    ingest_at(opener, site, NOW + 5 * H, source_ids=["msit"])  # the owner alone
    service.body = _service(LAW_CORRECTED)
    result, pf = ingest_at(opener, site, NOW + 6 * H, dry_run=True)
    assert [u for r in result.reports for u in r.updated] == []
    pf.close()
    for hour in (7, 8):
        service.body = _service(LAW_CORRECTED, other=hour % 2 == 0)
        result, pf = ingest_at(opener, site, NOW + hour * H)
        assert [u for r in result.reports for u in r.updated] == []
        pf.close()
    assert _undated(site) == 24


# -- attack 7: what only a reset of the copy's source lets through, and an absorbed version --


def _updated(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [u for r in result.reports for u in r.updated]


def _warned(result, text: str = "held back") -> bool:  # type: ignore[no-untyped-def]
    return any(text in w for r in result.reports for w in r.warnings)


# == 1. `sources reset` of the owner: "nothing else lets it through" ============================================


def test_resetting_the_owner_does_not_let_the_copys_held_correction_spend_the_owners_freed_change(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 7.) README: the held-back correction is "taken at the next run that reads the copy
    after `sources reset` of the copy's source (nothing else lets it through ...)", and the commit
    calls the release mark "the only way through". The operator resets the board (`sources reset
    msit`) for the board's own sake (its own next change): the count drops to 23
    (Store.unblock_undated). At the next read of the service its held row (since '', not 'reset')
    re-confirms, `undated_changes` gives 24 (not None), and the service's correction is taken
    without any reset of korea-kr. It also spends the one change the board's reset freed: the
    board's own correction an hour later is held back again (count 24), though its source was just
    reset."""
    board, service, pf = _held(httpserver, site, opener)
    pf.close()
    opener(site, NOW + 3 * H + HALF).reset_sources(["msit"])
    service.body = _service(LAW_CORRECTED)  # the service posts: its answer is read, its held words again
    _, pf = ingest_at(opener, site, NOW + 4 * H)
    copy_taken = "60일간" in pf.article(LAW_ID).article.body_html
    pf.close()
    # the board's own correction, undated: the change the operator's reset of msit was for
    board.body = rss(item(156720010, LAW_TITLE, LAW_BODY.replace("40일간", "50일간"), pub="2025-11-03 12:00:00"))
    _, pf = ingest_at(opener, site, NOW + 5 * H)
    owner_taken = "50일간" in pf.article(LAW_ID).article.body_html
    assert (copy_taken, owner_taken) == (False, True)


# == 2. a released row the next read does not take ============================================================


def test_a_released_correction_is_not_held_back_again_after_one_stale_read_of_the_copy(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 7.) `sources reset korea-kr` marks the held row 'reset'. At the next run the service's
    answer (a stale cache, a second server) gives its old form once: copy_seen's "back to its
    version" path sets seen = taken and leaves since 'reset'. The run after, the released words are
    back: seen again with since = now, so at the following fetch they re-confirm with
    `before.since` a time, not 'reset', and the very correction the operator let through is held
    back again (the warning again asks for `sources reset korea-kr`). A stale read is what the code
    itself expects of a copy (Correction.before.earlier); expected: one reset, the correction taken
    once its words hold."""
    _, service, pf = _held(httpserver, site, opener)
    pf.close()
    opener(site, NOW + 3 * H + HALF).reset_sources(["korea-kr"])
    service.body = _service(LAW_BODY)  # one stale answer: the service's old form
    ingest_at(opener, site, NOW + 4 * H)[1].close()
    warned = False
    for hour in (5, 6, 7):  # the released words, back and held
        service.body = _service(LAW_CORRECTED, other=hour % 2 == 1)
        result, pf = ingest_at(opener, site, NOW + hour * H)
        warned = warned or _warned(result)
        pf.close()
    _, pf = ingest_at(opener, site, NOW + 8 * H)
    assert ("60일간" in pf.article(LAW_ID).article.body_html, warned) == (True, False)


def test_a_released_copy_that_corrects_its_correction_before_the_next_read_is_taken(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 7.) The operator resets korea-kr as told; before the next run the ministry corrects the
    service's item again (60일간 → 70일간: a correction of the correction). The released row's `since`
    becomes the run's time, the new words re-confirm with no 'reset', and they are held back with
    the same warning naming the reset the operator just did. An owner's item past the limit gets
    its next change taken after a reset, whatever the change (Store.unblock_undated); the copy's
    reset is spent on words that never came. Expected: 70일간 taken."""
    _, service, pf = _held(httpserver, site, opener)
    pf.close()
    opener(site, NOW + 3 * H + HALF).reset_sources(["korea-kr"])
    again = LAW_BODY.replace("40일간", "70일간")
    warned = False
    for hour in (4, 5, 6):
        service.body = _service(again, other=hour % 2 == 0)
        result, pf = ingest_at(opener, site, NOW + hour * H)
        warned = warned or _warned(result)
        pf.close()
    _, pf = ingest_at(opener, site, NOW + 7 * H)
    assert ("70일간" in pf.article(LAW_ID).article.body_html, warned) == (True, False)


# == 3. `sources check` after the owner's change absorbed the held correction ==================================


def test_sources_check_stops_naming_a_held_correction_the_owners_dated_change_absorbed(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 7.) The service's 60일간 is held back; `sources check` names it under korea-kr. The board
    then corrects its own release, dated (50일간): the service's pending words become its version
    (_absorb: since '', seen = taken), so nothing is held back any more and
    Store.held_corrections() is empty. But the service's answer was not parsed at that run
    (unchanged), so its state keeps the old list (ingest_sources only adds the store's list to
    `restless`, never drops from it), and `sources check` goes on telling the operator to `sources
    reset korea-kr` for a correction that no longer exists, until the service happens to post."""
    board, _, pf = _held(httpserver, site, opener)
    pf.close()
    board.body = rss(item(156720010, LAW_TITLE, LAW_BODY.replace("40일간", "50일간"), pub="2025-11-08 09:00:00"))
    _, pf = ingest_at(opener, site, NOW + 4 * H)
    assert "50일간" in pf.article(LAW_ID).article.body_html
    assert pf.store.held_corrections() == {}
    for hour in (5, 6):
        _, pf = ingest_at(opener, site, NOW + hour * H)
    [checked] = [h for h in pf.source_health() if h.source_id == "korea-kr"]
    assert checked.restless == ()


# == 4. `_absorb` with the copy's words unknown ===================================================================


TITLE_FIXED = LAW_TITLE.replace("하위법령", "시행령")


def test_a_copys_absorbed_version_with_unknown_words_does_not_bring_the_superseded_correction_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 7.) The service's 60일간 is held back (past the limit). The board corrects its own
    release, dated: 50일간, and _absorb makes the service's held words its version, with words ""
    (not seen this run). The board then fixes its title (하위법령 → 시행령); the service makes the same
    title fix a run later (its body still 60일간, as ever). The article has that change; with the
    service's words known `lacks` says so and nothing is taken. With words "" `_correction` skips
    `lacks` ("in doubt ... taken") and takes the service's whole words: the superseded 60일간 is
    written over the board's dated 50일간, the exact outcome attack 6's fix was for, now one
    unrelated fix later."""
    board, service, pf = _held(httpserver, site, opener)
    pf.close()
    dated = "2025-11-08 09:00:00"
    board.body = rss(item(156720010, LAW_TITLE, LAW_BODY.replace("40일간", "50일간"), pub=dated))
    ingest_at(opener, site, NOW + 4 * H)[1].close()
    service.body = _service(LAW_CORRECTED)  # the service posts: its held words read again (its version now)
    ingest_at(opener, site, NOW + 5 * H)[1].close()
    board.body = rss(item(156720010, TITLE_FIXED, LAW_BODY.replace("40일간", "50일간"), pub=dated))
    _, pf = ingest_at(opener, site, NOW + 6 * H)
    assert pf.article(LAW_ID).article.title == TITLE_FIXED and "50일간" in pf.article(LAW_ID).article.body_html
    pf.close()
    fixed = rss(
        item(
            156720010,
            TITLE_FIXED,
            LAW_CORRECTED,
            guid="pressrelease-156720010",
            link=COMBINED_LAW,
            pub="2025-11-03 12:00:00",
        ),
        sixg_item(guid="pressrelease-156720287"),
        title="정책브리핑 보도자료",
    )
    service.body = fixed
    updated = []
    for hour in (7, 8):
        result, pf = ingest_at(opener, site, NOW + hour * H)
        updated += _updated(result)
        pf.close()
    _, pf = ingest_at(opener, site, NOW + 9 * H)
    body = pf.article(LAW_ID).article.body_html
    assert ("50일간" in body, "60일간" in body, updated) == (True, False, [])


def test_control_with_the_copys_words_known_the_same_title_fix_is_had(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Control, passes.) The same story without the held-back correction: the service's version is 40일간, words
    known. The board fixes the title and dates 50일간; the service makes the same title fix: `lacks` says the
    article has it, nothing is taken."""
    from test_copies import board_and_service, combined_law

    board, service = board_and_service(httpserver, site)
    ingest_at(opener, site)[1].close()
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)[1].close()
    dated = "2025-11-08 09:00:00"
    board.body = rss(item(156720010, TITLE_FIXED, LAW_BODY.replace("40일간", "50일간"), pub=dated))
    ingest_at(opener, site, NOW + 2 * H)[1].close()
    service.body = rss(
        item(
            156720010,
            TITLE_FIXED,
            LAW_BODY,
            guid="pressrelease-156720010",
            link=COMBINED_LAW,
            pub="2025-11-03 12:00:00",
        ),
        title="정책브리핑 보도자료",
    )
    updated = []
    for hour in (3, 4):
        result, pf = ingest_at(opener, site, NOW + hour * H)
        updated += _updated(result)
        pf.close()
    _, pf = ingest_at(opener, site, NOW + 5 * H)
    assert "50일간" in pf.article(LAW_ID).article.body_html and updated == []


# == 5. both stores, end to end (checked, holds) ==================================================================


def test_held_release_and_take_on_either_store(
    httpserver: HTTPServer, site: Path, opener: Opener, store_url: str
) -> None:
    """(Checked, holds.) held_corrections / release_held inside `sources reset`'s transaction, SQLite and
    PostgreSQL alike: held, named, released (not named), taken once, the count unchanged, nothing held after."""
    from test_copies import board_and_service, combined_law

    _, service = board_and_service(httpserver, site)
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  path: .pressfeed/pressfeed.db\n", f"  url: {store_url}\n"), encoding="utf-8")
    ingest_at(opener, site)[1].close()
    service.body = combined_law()
    _, pf = ingest_at(opener, site, NOW + H)
    stored = pf.store.get(LAW_ID)
    assert stored is not None
    from pressfeed.store.base import ArticleWrite

    pf.store.write([ArticleWrite.from_upstream(stored_encoded(stored), stored.origin, undated_changes=24)])
    pf.close()
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + 2 * H)[1].close()
    result, pf = ingest_at(opener, site, NOW + 3 * H)
    assert _warned(result) and pf.store.held_corrections() == {"korea-kr": [LAW_ID]}
    assert pf.store.get(LAW_ID).undated_changes == 24  # type: ignore[union-attr]
    pf.close()
    [_done] = opener(site, NOW + 3 * H + HALF).reset_sources(["korea-kr"])
    pf = opener(site, NOW + 3 * H + HALF)
    assert pf.store.held_corrections() == {}
    assert pf.store.sightings([LAW_ID])[LAW_ID]["korea-kr"].since == "reset"
    [checked] = [h for h in pf.source_health() if h.source_id == "korea-kr"]
    assert checked.restless == ()
    pf.close()
    result, pf = ingest_at(opener, site, NOW + 4 * H)
    assert _updated(result) == [LAW_ID] and "60일간" in pf.article(LAW_ID).article.body_html
    assert pf.store.held_corrections() == {} and pf.store.get(LAW_ID).undated_changes == 24  # type: ignore[union-attr]
    [checked] = [h for h in pf.source_health() if h.source_id == "korea-kr"]
    assert checked.restless == ()


def stored_encoded(stored):  # type: ignore[no-untyped-def]
    from pressfeed.model import encode

    return encode(stored.article)


# -- attack 8: the owner's later change of other words keeps the copy's correction --


def _corrected_by_the_service(httpserver: HTTPServer, site: Path, opener: Opener):  # type: ignore[no-untyped-def]
    board, service = board_and_service(httpserver, site)
    ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + timedelta(hours=1))
    service.body = combined_law(LAW_CORRECTED)
    ingest_at(opener, site, NOW + timedelta(hours=2))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert [r.updated for r in result.reports] == [(), (LAW_ID,)]
    assert "60일간" in pf.article(LAW_ID).article.body_html
    return board, service


def test_the_owners_later_typo_fix_elsewhere_does_not_bring_the_wrong_figure_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 8.) The ministry fixed 40→60 on the service alone (taken); a day later it fixes a typo
    in another sentence on its board, the board's 40 untouched. The owner's new words still lack
    the copy's change (lacks() says so), yet the owner's change replaces the whole text: readers
    get 40 again, and the service, unchanged since, never brings 60 back."""
    board, _ = _corrected_by_the_service(httpserver, site, opener)
    typo_fixed = LAW_BODY.replace("밝혔다", "밝혔습니다")
    board.body = rss(item(156720010, LAW_TITLE, typo_fixed, pub="2025-11-03 12:00:00"))
    ingest_at(opener, site, NOW + timedelta(days=1))
    for hours in (1, 2, 3):  # the cron keeps running: nothing restores it
        _, pf = ingest_at(opener, site, NOW + timedelta(days=1, hours=hours))
    body = pf.article(LAW_ID).article.body_html
    assert "밝혔습니다" in body  # the owner's own change is had
    assert "60일간" in body and "40일간" not in body, body  # and so is the correction the owner still lacks


def test_the_owners_title_marked_amended_does_not_bring_the_wrong_figure_back(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 8.) Boards mark an amended post in its title ("(수정)") when the ministry fixes the
    release elsewhere (the service, the attached HWP): a title change alone, the board's text still
    40. The copy's 60 is lost."""
    board, _ = _corrected_by_the_service(httpserver, site, opener)
    board.body = rss(item(156720010, f"(수정) {LAW_TITLE}", LAW_BODY, pub="2025-11-03 12:00:00"))
    for hours in (0, 1, 2):
        _, pf = ingest_at(opener, site, NOW + timedelta(days=1, hours=hours))
    stored = pf.article(LAW_ID).article
    assert "60일간" in stored.body_html and "40일간" not in stored.body_html, stored.body_html


def test_a_copys_correction_is_made_in_the_owners_text_only_where_its_place_is_found_once() -> None:
    from pressfeed.ingest.copies import patched, words_of

    def article(body: str, title: str = LAW_TITLE) -> Article:
        when = datetime(2025, 11, 3, 3, tzinfo=UTC)
        return Article(
            id="a", title=title, section="it-science", published=when, updated=when, link="https://x/1", body_html=body
        )

    copy_before, copy_after = words_of(article(LAW_BODY)), words_of(article(LAW_CORRECTED))
    owners = LAW_BODY.replace("밝혔다", "밝혔습니다")  # the owner's own later change, elsewhere
    both = patched(article(owners), copy_before, copy_after)
    assert both is not None and "60일간" in both.body_html and "밝혔습니다" in both.body_html
    # not found as plain words (markup within the place), or found twice: not made, the caller keeps the copy's
    assert patched(article(owners.replace("40일간", "<b>40일간</b>")), copy_before, copy_after) is None
    assert patched(article(owners + owners), copy_before, copy_after) is None


# -- attack 9: the correction made in the owner's text, not in a tag; the owner's own rewrite of the place --


CARD = (
    '<p><img src="https://www.msit.go.kr/images/card1.png"'
    ' alt="시행령 제정안을 11월 3일부터 40일간 입법예고한다고 밝혔다"></p>'
)
BOLD_BODY = (
    "<p>과학기술정보통신부는 ‘인공지능 발전과 신뢰 기반 조성 등에 관한 기본법’의 시행령 제정안을"
    " 11월 3일부터 <strong>40일간</strong> 입법예고한다고 밝혔다.</p>" + CARD
)


def _carried(httpserver: HTTPServer, site: Path, opener: Opener, body: str):  # type: ignore[no-untyped-def]
    board, service = board_and_service(httpserver, site)
    board.body = rss(item(156720010, LAW_TITLE, body, pub="2025-11-03 12:00:00"))
    ingest_at(opener, site)
    service.body = combined_law(body)
    ingest_at(opener, site, NOW + timedelta(hours=1))
    service.body = combined_law(body.replace("40일간", "60일간"))
    ingest_at(opener, site, NOW + timedelta(hours=2))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=3))
    assert [r.updated for r in result.reports] == [(), (LAW_ID,)]
    assert "60일간" in pf.article(LAW_ID).article.body_html
    return board, service


def test_the_correction_made_in_the_owners_text_goes_into_an_alt_attribute_not_the_text_readers_read(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 9.) The figure is bold in the text (no plain-words match there) but the card's alt text
    repeats the sentence as plain words: patched() finds the place once, in the attribute, and
    "corrects" only that. Readers see 40 again, and no warning says so."""
    board, _ = _carried(httpserver, site, opener, BOLD_BODY)
    typo_fixed = BOLD_BODY.replace("밝혔다.</p>", "밝혔습니다.</p>")
    board.body = rss(item(156720010, LAW_TITLE, typo_fixed, pub="2025-11-03 12:00:00"))
    for hours in (0, 1, 2):
        _, pf = ingest_at(opener, site, NOW + timedelta(days=1, hours=hours))
    body = pf.article(LAW_ID).article.body_html
    assert "<strong>60일간</strong>" in body, body


def test_the_owners_own_correction_with_a_before_and_after_notice_is_not_rewritten_as_the_copys(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 9.) The ministry corrects its own board differently (40→50, not the service's 60) and,
    as boards do, adds a "정정 전 / 정정 후" notice quoting the old sentence. The old place, still read
    in the notice, makes untouched() say the owner left it as it was: the owner's own correction is
    taken for a change of other words, and patched() rewrites the quoted "before" line to the
    copy's 60."""
    from test_ingest import LAW_BODY

    board, _ = _carried(httpserver, site, opener, LAW_BODY)
    owners = LAW_BODY.replace("40일간", "50일간") + (
        "<p>※ 정정 전: 11월 3일부터 40일간 입법예고한다고 밝혔다.</p>"
        "<p>※ 정정 후: 11월 3일부터 50일간 입법예고한다고 밝혔다.</p>"
    )
    board.body = rss(item(156720010, LAW_TITLE, owners, pub="2025-11-03 12:00:00"))
    for hours in (0, 1, 2):
        _, pf = ingest_at(opener, site, NOW + timedelta(days=1, hours=hours))
    body = pf.article(LAW_ID).article.body_html
    assert "60일간" not in body, body  # the owner's own correction of that place wins, its notice as it wrote it
    assert "정정 전: 11월 3일부터 40일간" in body, body


def test_the_owners_change_of_other_words_while_an_edit_stands_on_a_carried_correction_is_kept_for_revert(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 10.) The service's correction taken (the article carries its words), an editor retitled the release;
    the ministry then added a sentence on its board, the corrected figure's place as it was. owner_seen finds the
    carried correction untouched and _carried_words, the article edited with no version kept out, returns None:
    _decide says "unchanged". The board's change is neither kept out nor told, `sources check` says nothing,
    `articles revert` refuses ("upstream has not changed it"), and the board's answer, unchanged from then on, is
    never read again to bring it: the ministry's addition is lost for good, though its keys were recorded."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    hour = copy_confirmed(opener, site, service, 2)
    assert "60일간" in pf.article(LAW_ID).article.body_html  # carried
    _edit(pf)
    added = LAW_BODY + "<p>제정안은 국민참여입법센터에서 볼 수 있다.</p>"
    board.body = rss(item(156720010, LAW_TITLE, added, pub="2025-11-03 12:00:00"))
    result, pf = ingest_at(opener, site, NOW + hour * H)
    assert [r.conflicts for r in result.reports] == [(LAW_ID,), ()]  # the editor is told
    kept = pf.store.upstream_changes([LAW_ID]).get(LAW_ID)
    assert kept is not None and "국민참여입법센터" in kept.article.body_html  # `articles revert` takes it
    assert "60일간" in kept.article.body_html  # with the copy's correction made in it


def test_the_owners_second_change_of_other_words_while_an_edit_stands_on_a_carried_correction_is_kept_for_revert(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 11.) As above, the board's first addition kept out (92f7100); the ministry then adds a second
    sentence, the corrected place still untouched. The version kept out now stands in for the copy's words
    (`kept is None` is false), so the owner's text is not patched: its words are replaced by the kept version's,
    the new sentence dropped, and the result reads as "kept out and told before". No conflict, a warning saying
    the source's other change is left out, and `articles revert` takes the first addition only: the ministry's
    second sentence is lost for good (the board's row records it as seen). Unedited, it is taken."""
    board, service = board_and_service(httpserver, site)
    _, pf = ingest_at(opener, site)
    service.body = combined_law()
    ingest_at(opener, site, NOW + H)
    hour = copy_confirmed(opener, site, service, 2)
    _edit(pf)
    added = LAW_BODY + "<p>제정안은 국민참여입법센터에서 볼 수 있다.</p>"
    board.body = rss(item(156720010, LAW_TITLE, added, pub="2025-11-03 12:00:00"))
    result, pf = ingest_at(opener, site, NOW + hour * H)
    assert [r.conflicts for r in result.reports] == [(LAW_ID,), ()]
    again = added + "<p>의견은 12월 12일까지 제출할 수 있다.</p>"
    board.body = rss(item(156720010, LAW_TITLE, again, pub="2025-11-03 12:00:00"))
    result, pf = ingest_at(opener, site, NOW + (hour + 1) * H)
    kept = pf.store.upstream_changes([LAW_ID])[LAW_ID].article.body_html
    assert "12월 12일까지" in kept and "60일간" in kept, kept  # `articles revert` would take the second addition
    assert [r.conflicts for r in result.reports] == [(LAW_ID,), ()]  # and the editor is told of it


def test_the_owners_change_of_other_words_after_a_copys_second_correction_keeps_the_first(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Attack 12.) The service corrects the law release twice, a day apart (40일간→60일간, then the title's
    하위법령→시행령), each taken. The ministry then fixes a typo in another sentence on its board. The carried
    correction records only the copy's last change (`was`: its words before the second), so _carried_words makes
    that one in the owner's text and not the first: readers get "40일간" again, the figure the ministry corrected,
    with no warning, and the service, unchanged since, never brings 60일간 back."""
    board, service = _corrected_by_the_service(httpserver, site, opener)
    retitled = LAW_TITLE.replace("하위법령", "시행령")
    service.body = combined_law(LAW_CORRECTED, title=retitled)
    ingest_at(opener, site, NOW + timedelta(hours=4))
    result, pf = ingest_at(opener, site, NOW + timedelta(hours=5))
    assert [r.updated for r in result.reports] == [(), (LAW_ID,)]
    article = pf.article(LAW_ID).article
    assert article.title == retitled and "60일간" in article.body_html  # both corrections carried
    typo_fixed = LAW_BODY.replace("밝혔다", "밝혔습니다")
    board.body = rss(item(156720010, LAW_TITLE, typo_fixed, pub="2025-11-03 12:00:00"))
    for hours in (0, 1, 2):
        _, pf = ingest_at(opener, site, NOW + timedelta(days=1, hours=hours))
    stored = pf.article(LAW_ID).article
    assert "밝혔습니다" in stored.body_html  # the owner's change is had
    assert stored.title == retitled  # the copy's second correction stays
    assert "60일간" in stored.body_html and "40일간" not in stored.body_html, stored.body_html  # and its first


def test_the_owners_change_of_other_words_while_an_edit_stands_is_kept_out_where_the_correction_cannot_be_made_in_it(
    httpserver: HTTPServer, site: Path, opener: Opener
) -> None:
    """(Review.) As attack 10, but the corrected figure is bold in the board's text (patched() finds no plain-words
    place, and gives None). _carried_words then falls to "edited and nothing kept out: None", which its docstring
    gives for an owner whose words are unchanged: _decide counts the board's addition unchanged. It is neither
    kept out nor told (the owner's sighting already has its new words, so no later answer brings it): the loss
    92f7100 fixed, back whenever the correction cannot be made in the owner's text. (Unedited, the article keeps
    the copy's words with a warning instead.)"""
    board, _ = _carried(httpserver, site, opener, BOLD_BODY)
    _edit(opener(site, NOW + 3 * H))
    added = BOLD_BODY + "<p>제정안은 국민참여입법센터에서 볼 수 있다.</p>"
    board.body = rss(item(156720010, LAW_TITLE, added, pub="2025-11-03 12:00:00"))
    result, pf = ingest_at(opener, site, NOW + 4 * H)
    told = [r.conflicts for r in result.reports] == [(LAW_ID,), ()] or any(
        LAW_ID in w for r in result.reports for w in r.warnings
    )
    kept = pf.store.upstream_changes([LAW_ID]).get(LAW_ID)
    assert told and kept is not None and "국민참여입법센터" in kept.article.body_html  # `articles revert` takes it
