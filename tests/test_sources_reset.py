"""`pressfeed sources reset`: a gone, failing or given-up source brought back at the same url.

A ministry board feed on 127.0.0.1 as such boards serve it (EUC-KR, relative
links, naive KST dates, no guids) answers 410 while its site is migrated, then
comes back at the same address. Fixed clock: conftest.NOW (21:00 KST).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import CONFIG_TEXT, NOW
from pressfeed.cli import cli
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.merge import UNDATED_CHANGES_MAX
from pressfeed.model import Status

PAGES = Path(__file__).parent / "pages"
BODY = "과학기술정보통신부는 인공지능 기본계획을 발표했다고 밝혔다. 자세한 내용은 붙임 자료를 참고하기 바란다."

AI = (3186001, "인공지능 기본계획 발표", "2025-11-07 10:00:00")
CHIPS = (3186002, "반도체 연구개발 투자 확대", "2025-11-07 15:30:00")
QUANTUM = (3186003, "양자 기술 로드맵 공개", "2025-11-09 09:00:00")


def board_feed(*items: tuple[int, str, str]) -> bytes:
    """The ministry's board feed: EUC-KR, links relative to the board, dates in KST without an offset, no guid."""
    body = "".join(
        f"<item><title>{title}</title><link>/bbs/view.do?sCode=user&amp;nttSeqNo={number}</link>"
        f"<pubDate>{when}</pubDate><description><![CDATA[<p>{title}. {BODY}</p>]]></description></item>"
        for number, title, when in items
    )
    return (
        '<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel><title>과학기술정보통신부 보도자료</title>'
        f"<link>https://www.msit.go.kr/</link><description>보도자료</description>{body}</channel></rss>"
    ).encode("euc-kr")


class Board:
    """The board's feed at /msit.xml: its answer changeable between runs; counts requests."""

    def __init__(self, server: HTTPServer) -> None:
        self.body = board_feed(AI, CHIPS)
        self.status = 200
        self.headers: dict[str, str] = {"ETag": '"board-1"'}
        self.hits = 0
        server.expect_request("/msit.xml").respond_with_handler(self)

    def __call__(self, request: Request) -> Response:
        self.hits += 1
        if self.status != 200:
            return Response("", status=self.status, headers=self.headers)
        if "ETag" in self.headers and request.headers.get("If-None-Match") == self.headers["ETag"]:
            return Response(status=304, headers=self.headers)
        return Response(self.body, headers=self.headers, content_type="text/xml; charset=euc-kr")


@pytest.fixture
def board(httpserver: HTTPServer) -> Board:
    return Board(httpserver)


def configure(site: Path, url: str, store_url: str | None = None, **settings: Any) -> None:
    source = {"id": "msit", "name": "과학기술정보통신부", "url": url, "section": "it-science", "max_age_days": 0}
    extra = {"fetch": {"timeout": 5.0, "connect_timeout": 2.0}, "sources": [{**source, **settings}]}
    text = CONFIG_TEXT
    if store_url is not None:
        text = text.replace("  path: .pressfeed/pressfeed.db\n", f"  url: {store_url}\n")
    text += "\n" + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")


def invoke(site: Path, *args: str, when: datetime = NOW) -> Result:
    return CliRunner().invoke(cli, ["--site", str(site), "--now", when.isoformat(), *args])


def opened(site: Path, when: datetime = NOW) -> Pressfeed:
    return Pressfeed(load_config(site), clock=fixed(when))


def next_fetch(site: Path, when: datetime = NOW) -> dict[str, Any]:
    [row] = json.loads(invoke(site, "sources", "--json", when=when).stdout)
    return dict(row["next_fetch"])


def state(site: Path) -> dict[str, Any]:
    [row] = json.loads(invoke(site, "sources", "--json").stdout)
    return dict(row["state"])


def test_a_410_source_back_at_its_address_is_polled_again_and_brings_only_what_is_new(
    site: Path, board: Board, httpserver: HTTPServer, store_url: str
) -> None:
    configure(site, httpserver.url_for("/msit.xml"), store_url)
    with opened(site) as pf:
        first = pf.ingest()
        assert len(first.reports[0].new) == 2
        ai_id, chips_id = first.reports[0].new
        pf.delete(chips_id)  # an editor deleted one: its tombstone must outlive the reset
        pf.set_status(ai_id, Status.HIDDEN)  # and hid the other

    board.status = 410  # the site is migrated
    assert invoke(site, "-q", "run", when=NOW + timedelta(hours=1)).exit_code == 1
    for hours in (2, 30):
        invoke(site, "-q", "run", when=NOW + timedelta(hours=hours))
    assert board.hits == 2  # gone: never asked again
    assert next_fetch(site)["wait"] == "gone"

    board.status, board.body = 200, board_feed(QUANTUM, AI, CHIPS)  # put back at the same address
    back = NOW + timedelta(days=2)
    reset = invoke(site, "sources", "reset", "msit", when=back)
    assert (reset.exit_code, reset.stderr) == (0, "")
    assert reset.stdout == (
        "msit: reset gone (HTTP 410 since 2025-11-08), 1 failure in a row, ETag/Last-Modified (the next fetch is "
        "a full one); next fetch at the next run\n"
    )
    assert next_fetch(site, back) == {"at": None, "wait": None, "reason": ""}

    with opened(site, back) as pf:
        [report] = pf.ingest().reports
        assert (report.outcome, report.http_status) == ("ok", 200)
        [quantum_id] = report.new  # the old items are known by their links: only the new one is new
        assert report.updated == ()
        assert pf.store.is_tombstoned(chips_id) and pf.store.get(chips_id) is None
        assert pf.article(ai_id).article.status is Status.HIDDEN
        assert pf.article(quantum_id).article.title == "양자 기술 로드맵 공개"
        assert pf.store.count() == 2
    assert board.hits == 3
    assert "If-None-Match" not in httpserver.log[-1][0].headers  # the validators were reset: a full fetch
    assert json.loads(invoke(site, "sources", "check", "--json", when=back).stdout)[0]["status"] == "ok"


def test_a_source_still_gone_after_a_reset_is_news_again(site: Path, board: Board, httpserver: HTTPServer) -> None:
    """The run after the reset finds the 410 anew: it fails, so the operator hears at once that it is not back."""
    board.status = 410
    configure(site, httpserver.url_for("/msit.xml"))
    invoke(site, "-q", "run")
    assert invoke(site, "-q", "sources", "reset", "msit").stdout == ""
    later = invoke(site, "-q", "run", when=NOW + timedelta(minutes=5))
    assert later.exit_code == 1 and "source msit failed: HTTP 410 Gone" in later.stderr
    assert "`pressfeed sources reset msit` polls it again" in later.stderr
    assert board.hits == 2


def test_a_reset_source_that_never_answered_is_pending_not_ok(site: Path, board: Board, httpserver: HTTPServer) -> None:
    """A board that answered 410 at its first fetch, reset: nothing says it answers yet, and `sources check`
    said `ok` (exit 0), so monitoring cleared its alert before any fetch. Not fetched since: `pending`."""
    board.status = 410
    configure(site, httpserver.url_for("/msit.xml"))
    invoke(site, "-q", "run")
    invoke(site, "-q", "sources", "reset", "msit")
    result = invoke(site, "sources", "check")
    assert (result.exit_code, result.stdout.split(" — ")[0]) == (1, "msit: pending")


def test_a_backoff_is_cleared_and_the_next_run_fetches_the_source(
    site: Path, board: Board, httpserver: HTTPServer
) -> None:
    board.status = 500
    configure(site, httpserver.url_for("/msit.xml"))
    for minutes in (0, 5, 15):  # backing off 5, 10, then 20 minutes
        invoke(site, "-q", "run", when=NOW + timedelta(minutes=minutes))
    when = NOW + timedelta(minutes=16)
    assert next_fetch(site, when) == {
        "at": "2025-11-08T21:35:00+09:00",
        "wait": "backoff",
        "reason": "backing off after 3 failures",
    }
    board.status = 200
    reset = invoke(site, "sources", "reset", "msit", when=when)
    assert reset.stdout == (
        "msit: reset 3 failures in a row, the backoff until 2025-11-08T21:35:00+09:00; next fetch at the next run\n"
    )
    assert (state(site)["failures"], state(site)["last_error"]) == (0, None)
    ran = invoke(site, "-q", "run", when=when)
    assert (ran.exit_code, board.hits) == (0, 4)
    assert state(site)["new"] == 2


def test_a_servers_retry_after_is_cleared_too(site: Path, board: Board, httpserver: HTTPServer) -> None:
    """A board that answered 503 with a day's Retry-After while the site moved: the operator sees it is back."""
    board.status, board.headers = 503, {"Retry-After": "86400"}
    configure(site, httpserver.url_for("/msit.xml"))
    invoke(site, "-q", "run")
    [done] = json.loads(invoke(site, "sources", "reset", "msit", "--json").stdout)
    assert done["cleared"] == ["1 failure in a row", "the server's wait until 2025-11-09T21:00:00+09:00 (Retry-After)"]
    assert done["state"]["retry_after"] is None and done["state"]["next_try"] is None


def test_an_unknown_source_is_an_error_naming_it_and_nothing_is_reset(
    site: Path, board: Board, httpserver: HTTPServer, store_url: str
) -> None:
    board.status = 410
    configure(site, httpserver.url_for("/msit.xml"), store_url)
    invoke(site, "-q", "run")
    before = state(site)
    result = invoke(site, "sources", "reset", "msit", "moef-press")
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == ("", "error: unknown source moef-press (known: msit)\n")
    assert state(site) == before and before["gone"] is True


def test_json_and_quiet_output(site: Path, board: Board, httpserver: HTTPServer) -> None:
    board.status = 410
    configure(site, httpserver.url_for("/msit.xml"))
    invoke(site, "-q", "run")
    result = invoke(site, "sources", "reset", "msit", "--json", when=NOW + timedelta(hours=1))
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)
    assert {k: v for k, v in row.items() if k != "state"} == {
        "id": "msit",
        "name": "과학기술정보통신부",
        "cleared": ["gone (HTTP 410 since 2025-11-08)", "1 failure in a row"],
        "kept": [],
        "pages": 0,
        "next_fetch": {"at": None, "wait": None, "reason": ""},
    }
    assert row["state"]["gone"] is False and row["state"]["http_status"] == 410  # its history stays
    again = invoke(site, "sources", "reset", "msit")  # nothing left to reset: says so, changes nothing
    assert again.stdout == "msit: nothing to reset; next fetch at the next run\n"
    assert invoke(site, "-q", "sources", "reset", "msit").stdout == ""


def test_a_reset_waits_for_a_run_and_changes_nothing_when_it_cannot(
    site: Path, board: Board, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run saves every source's state at its end: a reset made meanwhile would be undone, so it waits."""
    board.status = 410
    configure(site, httpserver.url_for("/msit.xml"))
    invoke(site, "-q", "run")
    monkeypatch.setattr("pressfeed.cli.EDITOR_WAIT", 0.2)
    with opened(site) as running, running.locked():
        result = invoke(site, "sources", "reset", "msit")
        unknown = invoke(site, "sources", "reset", "moef-press")  # said at once, not after the wait
    assert result.exit_code == 75 and "another pressfeed run is in progress" in result.stderr
    assert (unknown.exit_code, unknown.stderr) == (2, "error: unknown source moef-press (known: msit)\n")
    assert state(site)["gone"] is True


# -- items given up on: their pages read again -----------------------------------------------------------


class PagedBoard(Board):
    """A title-only board whose release pages fail until `pages_ok`: its item is held as a draft."""

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        self.headers = {}
        self.base = server.url_for("").rstrip("/")
        self.body = (
            '<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel><title>재정경제부 보도자료</title>'
            "<link>https://www.mofe.go.kr/</link><description>보도자료</description>"
            "<item><title>청년 일자리 도약 장려금 지원 확대 방안</title>"
            f"<link>{self.base}/nw/view.do?nttId=74496</link>"
            "<pubDate>2025-11-07 00:00:00.0</pubDate></item></channel></rss>"
        ).encode("euc-kr")
        self.pages_ok = False
        self.page_hits = 0
        server.expect_request("/nw/view.do").respond_with_handler(self.page)

    def page(self, request: Request) -> Response:
        self.page_hits += 1
        if not self.pages_ok:
            return Response("점검 중", status=500, content_type="text/html; charset=utf-8")
        page = (PAGES / "mofe_board_view.html").read_bytes()
        return Response(page, content_type="text/html; charset=utf-8")


def test_items_given_up_on_get_a_full_round_of_tries_again(site: Path, httpserver: HTTPServer, store_url: str) -> None:
    paged = PagedBoard(httpserver)
    configure(site, httpserver.url_for("/msit.xml"), store_url, fulltext="auto")
    when = NOW
    for _ in range(7):  # 13 hours apart: past every retry wait; the sixth try is the last
        invoke(site, "-q", "run", when=when)
        when += timedelta(hours=13)
    assert paged.page_hits == 6
    [verdict] = json.loads(invoke(site, "sources", "check", "--json", when=when).stdout)
    assert (verdict["status"], verdict["given_up"]) == ("held", 1)
    assert "fix the source and run `pressfeed sources reset msit` to try their pages again" in verdict["detail"]

    reset = invoke(site, "sources", "reset", "msit", when=when)
    assert reset.stdout == "msit: reset 1 item page to be read again; next fetch at the next run\n"
    with opened(site, when) as pf:
        [draft] = pf.articles(status=Status.DRAFT)
        assert "given up" not in pf.info(draft).held
        assert f"reset at {when.astimezone(ZoneInfo('Asia/Seoul')).isoformat()})" in pf.info(draft).held  # as shown
    assert json.loads(invoke(site, "sources", "check", "--json", when=when).stdout)[0]["status"] == "ok"

    paged.pages_ok = True  # the ministry fixed its pages
    assert invoke(site, "-q", "run", when=when + timedelta(minutes=5)).exit_code == 0
    assert paged.page_hits == 7
    with opened(site, when) as pf:
        [item] = pf.articles()
        assert item.article.id == draft.article.id  # the same article, now published: not a second one
        assert item.article.status is Status.PUBLISHED and item.article.body_html


def test_a_followed_redirect_is_forgotten_the_config_url_is_fetched_again(
    site: Path, board: Board, httpserver: HTTPServer
) -> None:
    """The ministry moved its board and then put it back: the next fetch starts at the config's address (a
    redirect still there is followed, and reported, again)."""
    httpserver.expect_request("/old.xml").respond_with_data("", status=301, headers={"Location": "/msit.xml"})
    configure(site, httpserver.url_for("/old.xml"))
    invoke(site, "-q", "run")
    assert state(site)["url"] == httpserver.url_for("/msit.xml")
    with opened(site) as pf:
        [done] = pf.reset_sources(["msit"])
    assert done.cleared == (
        f"the redirect to {httpserver.url_for('/msit.xml')}",
        "ETag/Last-Modified (the next fetch is a full one)",
    )
    assert (done.state.url, done.state.moved_to) == (httpserver.url_for("/old.xml"), None)


def counted(views: int) -> bytes:
    """The AI release with the board's view counter under its text."""
    return board_feed(AI).replace(b"</p>]]>", f"</p><p>View {views}</p>]]>".encode())


def _restless_ai(site: Path, board: Board, httpserver: HTTPServer, store_url: str) -> tuple[str, datetime]:
    """The AI release on a board that puts its view counter in the description, fetched until its changes are
    no longer taken: its id, and the time of the last fetch."""
    configure(site, httpserver.url_for("/msit.xml"), store_url)
    board.headers = {}  # no validators: every fetch is a full one
    board.body = counted(0)
    with opened(site) as pf:
        [ai_id] = pf.ingest().reports[0].new
    when = NOW
    for views in range(1, UNDATED_CHANGES_MAX + 2):
        when += timedelta(minutes=10)
        board.body = counted(views)
        with opened(site, when) as pf:
            pf.ingest()
    return ai_id, when


def test_an_item_changing_without_a_date_is_named_by_check_and_a_reset_takes_its_next_change(
    site: Path, board: Board, httpserver: HTTPServer, store_url: str
) -> None:
    """Past the limit its changes are not taken (said once, with -v): `sources check` names the item, and a
    reset takes its latest text, once."""
    ai_id, when = _restless_ai(site, board, httpserver, store_url)
    with opened(site, when) as pf:
        assert f"View {UNDATED_CHANGES_MAX}<" in pf.article(ai_id).article.body_html  # the 25th change not taken

    check = invoke(site, "sources", "check", when=when)
    assert check.exit_code == 0  # the source answers: it is ok, and says what it does not take
    assert check.stdout == (
        "msit: ok; 1 item changed too often without a date of its own, its latest change held back, e.g. "
        f"{ai_id} (`pressfeed sources reset msit` takes its next change)\n"
    )
    assert json.loads(invoke(site, "sources", "check", "--json", when=when).stdout)[0]["restless"] == [ai_id]

    reset = invoke(site, "sources", "reset", "msit", when=when)
    assert reset.stdout == (
        "msit: reset the hold on 1 item past the limit of changes without a date (its next change is taken); next"
        " fetch at the next run\n"
    )
    assert json.loads(invoke(site, "sources", "check", "--json", when=when).stdout)[0]["restless"] == []
    board.body = counted(100)
    with opened(site, when + timedelta(minutes=10)) as pf:
        assert pf.ingest().reports[0].updated == (ai_id,)
        assert "View 100<" in pf.article(ai_id).article.body_html


def test_a_reset_takes_a_still_counting_items_next_change_not_its_next_24(
    site: Path, board: Board, httpserver: HTTPServer, store_url: str
) -> None:
    """(A helper's attack.) Followed while the board still counts, the reset put the count back to 0: the item
    was updated on each of the next 24 fetches, a new `updated` for subscribers every 10 minutes, for one
    counter. One is taken, and the item is named again."""
    ai_id, when = _restless_ai(site, board, httpserver, store_url)
    assert invoke(site, "sources", "reset", "msit", when=when).exit_code == 0
    updates = 0
    for views in range(100, 100 + UNDATED_CHANGES_MAX):
        when += timedelta(minutes=10)
        board.body = counted(views)
        with opened(site, when) as pf:
            updates += pf.ingest().reports[0].updated == (ai_id,)
    assert updates == 1
    assert json.loads(invoke(site, "sources", "check", "--json", when=when).stdout)[0]["restless"] == [ai_id]


def test_an_item_stays_named_while_its_latest_change_is_held_back_and_its_feed_lists_it(
    site: Path, board: Board, httpserver: HTTPServer, store_url: str
) -> None:
    """(Helpers' attacks.) `sources check` named, for good, every item a board ever counted, even after the feed
    dropped it; and then, clearing the list at a 304, it let go of an item whose last change (a correction,
    maybe) is held back once the board stopped changing it, which a reset would take."""
    ai_id, when = _restless_ai(site, board, httpserver, store_url)

    def named(later: datetime) -> list[str]:
        return list(json.loads(invoke(site, "sources", "check", "--json", when=later).stdout)[0]["restless"])

    with opened(site, when + timedelta(minutes=10)) as pf:  # the board stopped counting: the same answer
        pf.ingest()
    assert named(when + timedelta(minutes=10)) == [ai_id]
    # a new release beside it: the answer is read again, and the item's version is still the one held back
    views = f"</p><p>View {UNDATED_CHANGES_MAX + 1}</p>]]>".encode()
    board.body = board_feed(AI, CHIPS).replace(b"</p>]]>", views, 1)
    with opened(site, when + timedelta(minutes=20)) as pf:
        pf.ingest()
    assert named(when + timedelta(minutes=20)) == [ai_id]
    board.body = board_feed(CHIPS)  # the item left the feed
    with opened(site, when + timedelta(days=1)) as pf:
        pf.ingest()
    assert named(when + timedelta(days=1)) == []


def test_several_restless_items_are_counted_in_check_and_reset() -> None:
    from pressfeed.ingest.health import Health, SourceHealth
    from pressfeed.ingest.reset import undated_cleared

    health = SourceHealth("msit", "과학기술정보통신부", Health.OK, "", restless=("a", "b"))
    assert health.line() == (
        "msit: ok; 2 items changed too often without a date of their own, their latest change held back, "
        "e.g. a (`pressfeed sources reset msit` takes their next change)"
    )
    assert undated_cleared(0) == ()
    assert undated_cleared(3) == (
        "the hold on 3 items past the limit of changes without a date (the next change of each is taken)",
    )


def test_reset_names_the_day_the_404s_began_not_the_first_failure_before_them() -> None:
    """Health counts a source's 404s from the first 404 (SourceState.first_404), not from failures of other kinds
    before them; `sources reset` still said "HTTP 404 since" the first failure of any kind: check and reset
    named two days for the one gone source."""
    from pressfeed.config import SourceConfig
    from pressfeed.ingest.health import assess
    from pressfeed.ingest.reset import reset
    from pressfeed.ingest.state import SourceState

    url = "https://www.msit.go.kr/rss.xml"
    source = SourceConfig(id="msit", name="과학기술정보통신부", url=url)
    now = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
    state = SourceState(  # a week of 503s from the 10th, 404s since the 16th
        config_url=url,
        url=url,
        last_fetch=now.isoformat(),
        http_status=404,
        failures=30,
        first_failure=datetime(2025, 11, 10, 12, 0, tzinfo=UTC).isoformat(),
        first_404=datetime(2025, 11, 16, 12, 0, tzinfo=UTC).isoformat(),
        last_error="HTTP 404",
    )
    health = assess(source, state, now, {})
    assert health.detail == "HTTP 404 since 2025-11-16: has the feed moved or closed?"
    assert "gone (HTTP 404 since 2025-11-16)" in reset(source, state, now).cleared
