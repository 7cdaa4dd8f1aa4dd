"""The press-release API source (kind: briefing-api) against a stand-in of the API on 127.0.0.1.

The stand-in enforces what the real API does, as far as public consumers
report it: the key (code 30 otherwise), windows of at most 3 days (code 98),
`numOfRows`, and an ignored `pageNo`; it answers XML only.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
from pressfeed.ingest.briefing import MESSAGE_CHARS, QUOTE_CHARS, ServiceKey, api_time, request_url
from pressfeed.ingest.fetch import ERROR_BODY_BYTES
from pressfeed.model import ArticleFilter, Status, encode
from pressfeed.normalize import hashed_id
from pressfeed.results import IngestResult, SourceReport
from pressfeed.store.base import ArticleWrite

KST = ZoneInfo("Asia/Seoul")
PATH = "/1371000/pressReleaseService/pressReleaseList"
#: a key as data.go.kr issues it: the "decoding" form, and the "encoding" form of the same key
KEY = "Xq7+Lp/2kRZt9w==AbCd"
KEY_ENCODED = "Xq7%2BLp%2F2kRZt9w%3D%3DAbCd"
FIXTURES = Path(__file__).parent / "fixtures" / "portal-2025" / "feeds" / "agencies"
ENV = "DATA_GO_KR_SERVICE_KEY"
TODAY = NOW.astimezone(KST).date()  # 2025-11-08 (21:00 KST)
AUTHORITY = "example-portal.kr,2025"

REGISTRY = {
    "과학기술정보통신부": {"id": "msit", "home": "https://www.msit.go.kr/", "section": "it-science"},
    "재정경제부": {"id": "mofe", "home": "https://www.mofe.go.kr/", "section": "economy", "aliases": ["기획재정부"]},
    "외교부": {"id": "mofa", "home": "https://www.mofa.go.kr/", "section": "politics"},
}


def item_id(news_id: int) -> str:
    return hashed_id(AUTHORITY, "source/briefing", str(news_id))


@dataclass
class Release:
    news_id: int
    title: str
    agency: str
    approved: datetime
    body: str = "<p>정부는 관계부처 합동으로 대책을 마련했다고 밝혔다.</p>"
    subtitles: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    embargo: datetime | None = None
    modified: datetime | None = None
    #: the EmbargoDate as written, when not the API's own MM/DD/YYYY layout
    embargo_text: str | None = None

    def xml(self) -> str:
        def when(value: datetime | None) -> str:
            return value.astimezone(KST).strftime("%m/%d/%Y %H:%M:%S") if value else ""

        subtitles = "".join(
            f"<SubTitle{n}>{html.escape(s)}</SubTitle{n}>" for n, s in enumerate((*self.subtitles, "", "", "")[:3], 1)
        )
        files = "".join(
            f"<FileName>{html.escape(n)}</FileName><FileUrl>{html.escape(u)}</FileUrl>" for n, u in self.files
        )
        return (
            f"<NewsItem><NewsItemId>{self.news_id}</NewsItemId><ContentsStatus>I</ContentsStatus>"
            f"<MinisterCode>{self.agency}</MinisterCode>"
            f"<ApproveDate>{when(self.approved)}</ApproveDate><ModifyDate>{when(self.modified)}</ModifyDate>"
            f"<EmbargoDate>{when(self.embargo) if self.embargo_text is None else self.embargo_text}</EmbargoDate>"
            "<GroupingCode>보도자료</GroupingCode>"
            f"<Title>{html.escape(self.title)}</Title>{subtitles}"
            f"<DataContents>{html.escape(self.body)}</DataContents>"
            f"<OriginalUrl>https://www.korea.kr/briefing/pressReleaseView.do?newsId={self.news_id}</OriginalUrl>"
            f"{files}</NewsItem>"
        )


def gateway_error(code: str, auth: str) -> str:
    return (
        "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        f"<returnAuthMsg>{auth}</returnAuthMsg><returnReasonCode>{code}</returnReasonCode>"
        "</cmmMsgHeader></OpenAPI_ServiceResponse>"
    )


def result_answer(code: str, message: str, items: str = "", total: int = 0, rows: int = 10) -> str:
    return (
        f"<response><header><resultCode>{code}</resultCode><resultMsg>{message}</resultMsg></header>"
        f"<body>{items}<numOfRows>{rows}</numOfRows><pageNo>1</pageNo><totalCount>{total}</totalCount></body>"
        "</response>"
    )


@dataclass
class FakeAPI:
    """The stand-in: releases by approval day; records every request's query."""

    releases: list[Release] = field(default_factory=list)
    key: str = KEY
    honour_page: bool = False
    #: the most rows one answer holds, whatever numOfRows asks (a server-side cap)
    page_cap: int | None = None
    #: releases a day's totalCount counts and no page lists (one withdrawn, and still counted)
    counted_not_listed: dict[date, int] = field(default_factory=dict)
    #: answer every request with this instead (an error XML, or an HTTP status)
    forced: str | bytes | None = None
    forced_status: int = 200
    forced_type: str = "text/xml;charset=UTF-8"
    forced_headers: dict[str, str] = field(default_factory=dict)
    #: fail the n-th request (1-based) with HTTP 500
    fail_call: int | None = None
    calls: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        args = {k: request.args[k] for k in request.args}  # werkzeug decodes the query once
        self.calls.append(args)
        if self.fail_call == len(self.calls):
            return Response("upstream error", status=500)
        if self.forced is not None:
            body = self.forced.encode("utf-8") if isinstance(self.forced, str) else self.forced
            return Response(body, self.forced_status, self.forced_headers, content_type=self.forced_type)
        if args.get("serviceKey") != self.key:
            return self._xml(gateway_error("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"))
        start, end = (datetime.strptime(args[k], "%Y%m%d").date() for k in ("startDate", "endDate"))
        if (end - start).days > 2:
            return self._xml(result_answer("98", "THREE_DAYS_OVER_ERROR"))
        found = [r for r in self.releases if start <= r.approved.astimezone(KST).date() <= end]
        phantoms = sum(n for day, n in self.counted_not_listed.items() if start <= day <= end)
        if not found:
            return self._xml(result_answer("03", "NODATA_ERROR"))
        rows = min(int(args["numOfRows"]), self.page_cap or int(args["numOfRows"]))
        page = int(args.get("pageNo", "1")) if self.honour_page else 1
        chosen = found[(page - 1) * rows : page * rows]
        body = "".join(r.xml() for r in chosen)
        return self._xml(result_answer("00", "NORMAL_SERVICE", body, len(found) + phantoms, rows))

    @staticmethod
    def _xml(text: str, status: int = 200) -> Response:
        return Response(text.encode("utf-8"), status=status, content_type="text/xml;charset=UTF-8")

    def windows(self) -> list[tuple[str, str]]:
        return [(c["startDate"], c["endDate"]) for c in self.calls]


@pytest.fixture
def api(httpserver: HTTPServer) -> FakeAPI:
    fake = FakeAPI()
    httpserver.expect_request(PATH).respond_with_handler(fake)
    return fake


def at(day_offset: int, hour: int = 10) -> datetime:
    """A time `day_offset` days from TODAY (KST), at `hour` o'clock KST."""
    day = TODAY + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, tzinfo=KST).astimezone(UTC)


def configure(site: Path, url: str, *, also: tuple[dict[str, Any], ...] = (), **settings: Any) -> Path:
    """The site with the briefing source at `url` (its `settings` added), and the sources `also`."""
    source = {
        "id": "briefing",
        "kind": "briefing-api",
        "name": "정책브리핑",
        "home": "https://www.korea.kr/",
        "url": url,
        "service_key_env": ENV,
        "section": "society",
        "byline": "포탈뉴스통신",
        "max_age_days": 0,
        **settings,
    }
    extra = {
        "fetch": {"timeout": 5.0, "connect_timeout": 2.0, "user_agent": "pressfeed-test"},
        "agencies": REGISTRY,
        "sources": [source, *also],
    }
    text = CONFIG_TEXT + "\n" + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    (site / "feeds").mkdir(parents=True, exist_ok=True)
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")
    return site


@pytest.fixture
def api_site(site: Path, httpserver: HTTPServer, api: FakeAPI) -> Path:
    return configure(site, httpserver.url_for(PATH), backfill_days=7, window_days=3, recheck_days=3, rows=50)


Ingest = Callable[..., tuple[IngestResult, Pressfeed]]


@pytest.fixture
def ingest() -> Iterator[Ingest]:
    """`ingest(site, when=NOW, key=KEY)` → (result, Pressfeed) with the key in the environment given."""
    opened: list[Pressfeed] = []

    def run(site: Path, when: datetime = NOW, key: str | None = KEY, **kwargs: Any) -> tuple[IngestResult, Pressfeed]:
        pf = Pressfeed(load_config(site), clock=fixed(when))
        opened.append(pf)
        environ = {ENV: key} if key is not None else {}
        return pf.ingest(environ=environ, **kwargs), pf

    yield run
    for pf in opened:
        pf.close()


def only(result: IngestResult) -> SourceReport:
    [report] = result.reports
    return report


def ymd(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).strftime("%Y%m%d")


# -- windows ------------------------------------------------------------------------------------------


def test_first_run_reads_the_backfill_in_windows_of_three_days(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.releases = [
        Release(156750001, "7일 전 보도자료", "외교부", at(-6)),
        Release(156750002, "3일 전 보도자료", "과학기술정보통신부", at(-3)),
        Release(156750003, "오늘 보도자료", "재정경제부", at(0)),
        Release(156750004, "8일 전 보도자료", "외교부", at(-7)),  # before the backfill
    ]
    result, pf = ingest(api_site)
    report = only(result)
    assert (report.outcome, result.ok) == ("ok", True)
    assert api.windows() == [(ymd(-6), ymd(-4)), (ymd(-3), ymd(-1)), (ymd(0), ymd(0))]
    assert sorted(report.new) == sorted(item_id(n) for n in (156750001, 156750002, 156750003))
    assert pf.store.source_state("briefing")["window_end"] == TODAY.isoformat()  # type: ignore[index]


def test_next_run_rereads_the_trailing_days_and_changes_nothing(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.releases = [Release(156750002, "어제 보도자료", "과학기술정보통신부", at(-1))]
    ingest(api_site)
    api.calls.clear()
    again, _ = ingest(api_site, NOW + timedelta(hours=1))
    report = only(again)
    assert api.windows() == [(ymd(-2), ymd(0))]  # recheck_days 3: corrections of recent releases are seen
    assert (report.new, report.updated, report.unchanged) == ((), (), 1)
    third, _ = ingest(api_site, NOW + timedelta(hours=2))
    assert only(third).outcome == "not-modified"  # the same answer as last time: not even parsed again


def test_a_day_later_the_walk_starts_on_the_last_complete_day(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    ingest(api_site)
    api.calls.clear()
    ingest(api_site, NOW + timedelta(days=5))
    # from the last complete day (late approvals), which is older than the recheck days
    assert api.windows() == [(ymd(0), ymd(2)), (ymd(3), ymd(5))]


def test_a_full_window_is_split_rather_than_losing_items(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    configure(site, httpserver.url_for(PATH), backfill_days=3, window_days=3, rows=10)
    api.releases = [Release(156760000 + n, f"보도자료 {n}", "외교부", at(-(n % 3), hour=8 + n // 3)) for n in range(18)]
    result, _ = ingest(site)
    report = only(result)
    assert len(report.new) == 18 and report.warnings == ()
    assert api.windows()[0] == (ymd(-2), ymd(0))  # 18 > 10 rows: split ...
    assert set(api.windows()[1:]) == {(ymd(-2), ymd(-1)), (ymd(0), ymd(0)), (ymd(-2), ymd(-2)), (ymd(-1), ymd(-1))}


def test_a_full_day_is_paged_and_a_page_number_the_api_ignores_stops_the_paging(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    configure(site, httpserver.url_for(PATH), backfill_days=1, recheck_days=1, window_days=1, rows=10)
    api.releases = [Release(156770000 + n, f"보도자료 {n}", "외교부", at(0, hour=1 + n // 2)) for n in range(14)]
    result, _ = ingest(site)
    report = only(result)
    assert len(report.new) == 10  # one page's worth: the second page repeated the first
    assert len(api.calls) == 2, "no endless paging"
    assert report.warnings == (
        f"{TODAY} holds more releases than one page (10) and paging gave no more: 4 of 14 may be missing; raise rows",
    )


def test_a_full_day_is_paged_when_the_api_honours_page_numbers(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    configure(site, httpserver.url_for(PATH), backfill_days=1, recheck_days=1, window_days=1, rows=10)
    api.honour_page = True
    api.releases = [Release(156770000 + n, f"보도자료 {n}", "외교부", at(0, hour=1 + n // 2)) for n in range(14)]
    report = only(ingest(site)[0])
    assert (len(report.new), report.warnings, len(api.calls)) == (14, (), 2)


def test_a_walk_that_fails_midway_keeps_the_windows_read_before(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.releases = [Release(156750001, "이른 보도자료", "외교부", at(-6)), Release(156750003, "오늘", "외교부", at(0))]
    api.fail_call = 2
    result, pf = ingest(api_site)
    report = only(result)
    assert (report.outcome, report.error, result.ok) == ("failed", 'HTTP 500 ("upstream error")', False)
    assert report.new == (item_id(156750001),)
    assert pf.store.source_state("briefing")["window_end"] == (TODAY - timedelta(days=4)).isoformat()  # type: ignore[index]
    api.calls.clear()
    api.fail_call = None
    after = only(ingest(api_site, NOW + timedelta(minutes=5))[0])
    assert api.windows()[0] == (ymd(-4), ymd(-2))  # from the last complete day on
    assert after.new == (item_id(156750003),)


def test_a_day_is_paged_by_the_size_of_the_pages_the_api_gives(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    # numOfRows 50 asked, 20 given (a cap on the server's side), totalCount 30: page 2 is asked for
    configure(site, httpserver.url_for(PATH), backfill_days=1, recheck_days=1, window_days=1, rows=50)
    api.honour_page, api.page_cap = True, 20
    api.releases = [Release(156770000 + n, f"보도자료 {n}", "외교부", at(0, hour=1 + n // 3)) for n in range(30)]
    report = only(ingest(site)[0])
    assert (len(report.new), report.warnings) == (30, ())
    assert [c["pageNo"] for c in api.calls] == ["1", "2"]


def test_a_capped_page_that_paging_cannot_pass_says_raising_rows_will_not_help(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    configure(site, httpserver.url_for(PATH), backfill_days=1, recheck_days=1, window_days=1, rows=50)
    api.page_cap = 20
    api.releases = [Release(156770000 + n, f"보도자료 {n}", "외교부", at(0, hour=1 + n // 3)) for n in range(30)]
    report = only(ingest(site)[0])
    assert len(report.new) == 20
    assert report.warnings == (
        f"{TODAY} holds more releases than one page (20) and paging gave no more: 10 of 30 may be missing; "
        "the API lists 20 and counts 30: a release withdrawn and still counted, or pages it caps at 20; "
        "raising rows will not help",
    )


def test_a_day_counted_over_its_releases_is_told_of_once_and_costs_one_request_a_run_after(
    api_site: Path, api: FakeAPI, ingest: Ingest
) -> None:
    """An attack's: a day's totalCount one over the releases listed (one withdrawn, still counted) had every
    run split its window down to days and page that day again: 5-6 requests a run, a development key's daily
    quota gone by the afternoon, and nothing ever said of the day but a -v warning."""
    api.releases = [Release(156780000 + n, f"보도자료 {n}", "외교부", at(-(n % 2))) for n in range(6)]
    api.counted_not_listed = {TODAY - timedelta(days=1): 1}
    first, pf = ingest(api_site)
    assert len(only(first).new) == 6
    assert only(first).warnings == (
        f"{TODAY - timedelta(days=1)} holds more releases than one page (3) and paging gave no more: 1 of 4 may be "
        "missing; the API lists 3 and counts 4: a release withdrawn and still counted, or pages it caps at 3; "
        "raising rows will not help",
    )
    [health] = pf.source_health(environ={ENV: KEY})
    assert (health.status, health.ok) == ("incomplete", False)
    assert health.detail.startswith(
        f"the API counts more releases than it gives, however paged (1 on {TODAY - timedelta(days=1)})"
    )
    api.calls.clear()
    again, pf = ingest(api_site, NOW + timedelta(hours=1))
    assert api.windows() == [(ymd(-2), ymd(0))] and only(again).warnings == ()  # one request, as any run
    assert pf.source_health(environ={ENV: KEY})[0].status == "incomplete"
    api.releases.append(Release(156780100, "어제 늦게 승인된 보도자료", "외교부", at(-1, hour=20)))
    api.calls.clear()
    later, pf = ingest(api_site, NOW + timedelta(hours=2))
    assert [len(r.new) for r in later.reports] == [1]  # a release more than the day's known shortfall: read it
    api.counted_not_listed = {}
    api.calls.clear()
    _, pf = ingest(api_site, NOW + timedelta(hours=3))
    assert len(api.calls) == 1 and pf.source_health(environ={ENV: KEY})[0].status == "ok"  # all it counts again


def test_a_short_day_is_forgotten_once_it_is_not_read_again(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.releases = [Release(156780000 + n, f"보도자료 {n}", "외교부", at(-1)) for n in range(3)]
    api.counted_not_listed = {TODAY - timedelta(days=1): 1}
    _, pf = ingest(api_site)
    assert pf.source_health(environ={ENV: KEY})[0].status == "incomplete"
    _, pf = ingest(api_site, NOW + timedelta(days=4))  # recheck_days 3: the day is past
    assert pf.store.source_state("briefing")["short_days"] == []  # type: ignore[index]
    assert pf.source_health(environ={ENV: KEY})[0].status == "ok"


def test_a_reset_reads_the_short_days_again_in_full(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.releases = [Release(156780000 + n, f"보도자료 {n}", "외교부", at(-1)) for n in range(3)]
    api.counted_not_listed = {TODAY - timedelta(days=1): 1}
    _, pf = ingest(api_site)
    [done] = pf.reset_sources(["briefing"], environ={ENV: KEY})
    day = TODAY - timedelta(days=1)
    assert done.cleared == (f"the days the API counted more releases than it gave ({day}: read again in full)",)
    api.calls.clear()
    again, _ = ingest(api_site, NOW + timedelta(hours=1))
    assert len(api.calls) > 1 and only(again).warnings  # split and paged again, and said again


# -- the key ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", [KEY, KEY_ENCODED], ids=["decoded", "encoded"])
def test_the_key_is_accepted_in_either_form_and_encoded_once(
    api_site: Path, api: FakeAPI, ingest: Ingest, given: str
) -> None:
    api.releases = [Release(156750003, "오늘 보도자료", "외교부", at(0))]
    result, _ = ingest(api_site, key=given)
    assert result.ok, only(result).error
    assert {c["serviceKey"] for c in api.calls} == {KEY}


def test_request_url_encodes_the_key_exactly_once() -> None:
    key = ServiceKey.from_env(ENV, {ENV: KEY_ENCODED})
    assert key is not None and key.value == KEY
    url = request_url("https://apis.data.go.kr" + PATH, key, date(2026, 11, 24), date(2026, 11, 26), 100)
    assert f"serviceKey={KEY_ENCODED}&startDate=20261124&endDate=20261126&numOfRows=100&pageNo=1" in url


def _leaks(text: str) -> list[str]:
    forms = (KEY, KEY_ENCODED, KEY_ENCODED.lower(), "Xq7+Lp", "Xq7%2B", "2kRZt9w")
    return [form for form in forms if form in text]


@pytest.mark.parametrize("given", [KEY, KEY_ENCODED], ids=["decoded", "encoded"])
@pytest.mark.parametrize(
    "failure",
    [
        "none",
        "key refused",
        "http 500",
        "unreachable",
        "echoed in text",
        "echoed in xml",
        "echoed as entities",
        "echoed half-encoded",
    ],
)
def test_the_key_never_reaches_a_log_an_error_the_json_the_store_or_a_feed(
    site: Path,
    httpserver: HTTPServer,
    api: FakeAPI,
    given: str,
    failure: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = httpserver.url_for(PATH) if failure != "unreachable" else "http://127.0.0.1:9/" + PATH
    configure(site, url, backfill_days=3)
    api.releases = [Release(156750003, "오늘 보도자료", "외교부", at(0))]
    if failure == "key refused":
        api.key = "another"
    elif failure == "http 500":
        api.fail_call = 1
    elif failure == "echoed in text":  # the key straddles the end of the quoted excerpt: cut, it would leak
        api.forced = "Unauthorized: serviceKey not registered ".ljust(QUOTE_CHARS - 10, ".") + given
        api.forced_status, api.forced_type = 401, "text/plain"
    elif failure == "echoed as entities":  # a "+" of the key as "&#43;" is a "+" once decoded, past a long text
        api.forced = " " * 340 + "".join(f"&#{ord(c)};" for c in KEY) + " invalid"
        api.forced_status, api.forced_type = 401, "text/plain"
    elif failure == "echoed half-encoded":  # "=" as %3D beside a raw "+" and "/": no one form of the key
        api.forced = "invalid key " + KEY.replace("=", "%3D")
        api.forced_status, api.forced_type = 401, "text/plain"
    elif failure == "echoed in xml":
        api.forced, api.forced_status = gateway_error("77", f"KEY_{given}_UNKNOWN"), 401
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    args = ["--site", str(site), "--now", NOW.isoformat(), "-vv", "run", "--json"]
    result = runner.invoke(cli, args, env={ENV: given})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    data = json.loads(result.stdout)
    if failure != "none":
        assert data["ok"] is False
        assert data["ingest"]["sources"][0]["error"]
    dump = "\n".join(sqlite3.connect(site / ".pressfeed" / "pressfeed.db").iterdump())
    outputs = "".join(p.read_text(encoding="utf-8") for p in (site / "public").rglob("*") if p.is_file())
    # what pressfeed logged (the stand-in server's own request log is not ours)
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug"))
    for where, text in {"stdout": result.stdout, "stderr": result.stderr, "log": logged, "store": dump}.items():
        assert _leaks(text) == [], where
    assert _leaks(outputs) == []


# -- errors a user can act on -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (gateway_error("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"), f"check that {ENV} holds the key data.go.kr"),
        (gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"), "daily request limit is used up"),
        (gateway_error("32", "UNREGISTERED_IP_ERROR"), "IP address is not registered for the key"),
        (gateway_error("20", "SERVICE_ACCESS_DENIED_ERROR"), "apply for dataset 15095295"),
        (gateway_error("31", "DEADLINE_HAS_EXPIRED_ERROR"), "the service key has expired"),
        (gateway_error("77", "SOMETHING_NEW"), "the gateway refused the request (code 77 SOMETHING_NEW)"),
        (result_answer("98", "THREE_DAYS_OVER_ERROR"), "window_days must be at most 3"),
        (result_answer("10", "INVALID_REQUEST_PARAMETER_ERROR"), "refused a request parameter"),
        ("<html><body>점검 중</body></html>", "not the press-release API's XML"),
        ("Unauthorized", "not the press-release API's XML (is the source's url right?): Start tag expected"),
        # what the parser will not read is named: the url is right, the answer is not
        ("<response>" + "<a>" * 300 + "</a>" * 300 + "</response>", "url right?): Excessive depth in document: 256"),
        (
            '<?xml version="1.0"?><!DOCTYPE response [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
            + "]><response>&j;</response>",
            "Maximum entity amplification factor exceeded",
        ),
    ],
)
def test_api_errors_become_one_line_messages_recorded_against_the_source(
    api_site: Path, api: FakeAPI, ingest: Ingest, answer: str, expected: str
) -> None:
    api.forced = answer
    result, pf = ingest(api_site)
    report = only(result)
    assert (report.outcome, result.ok) == ("failed", False)
    assert report.error is not None and expected in report.error and "\n" not in report.error
    assert pf.store.source_state("briefing")["last_error"] == report.error  # type: ignore[index]


# -- errors with an HTTP error status: their body says why ------------------------------------------


NOT_REGISTERED = (
    "the service key is not registered (gateway code 30): "
    f"check that {ENV} holds the key data.go.kr issued for this API (a new key can take an hour to work)"
)


@pytest.mark.parametrize(
    ("status", "answer", "content_type", "expected"),
    [
        (401, gateway_error("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"), "text/xml", f"HTTP 401: {NOT_REGISTERED}"),
        (
            403,
            gateway_error("20", "SERVICE ACCESS DENIED"),
            "text/xml;charset=UTF-8",
            "HTTP 403: access denied (gateway code 20): the key is not approved for this API; "
            "apply for dataset 15095295 on data.go.kr",
        ),
        (
            500,
            result_answer("01", "APPLICATION_ERROR"),
            "application/xml",
            "HTTP 500: the API reported an application error (code 1); it is tried again later",
        ),
        (
            400,
            '<?xml version="1.0" encoding="EUC-KR"?>'
            + result_answer("98", "THREE_DAYS_OVER_ERROR(조회기간은 3일 이내로 입력하세요)"),
            "text/xml;charset=EUC-KR",
            "HTTP 400: the date window is wider than the API allows (code 98): window_days must be at most 3",
        ),
        (
            401,
            "Unauthorized",
            "text/plain",
            f'HTTP 401 ("Unauthorized"): check that {ENV} holds the key data.go.kr issued for this API '
            "(a new key can take an hour to work)",
        ),
        (
            404,
            "API not found",
            "text/plain;charset=UTF-8",
            'HTTP 404 ("API not found"): check the source\'s url, '
            "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList",
        ),
        (
            500,
            "Internal Server Error\r\n\tat kr.go.data.gateway.Filter.doFilter(Filter.java:81)\r\n",
            "text/plain",
            'HTTP 500 ("Internal Server Error at kr.go.data.gateway.Filter.doFilter(Filter.java:81)")',
        ),
        (500, "서비스 점검 중입니다".encode("euc-kr"), "text/plain", 'HTTP 500 ("서비스 점검 중입니다")'),
        (500, b"", "text/plain", "HTTP 500"),
        (502, "\x00\x01\x02 <b>\u202e</b>", "text/plain", "HTTP 502"),  # nothing a reader could use
    ],
    ids=[
        "401-gateway-xml",
        "403-gateway-xml",
        "500-api-result-code",
        "400-api-result-code-euc-kr",
        "401-text",
        "404-text",
        "500-text-lines",
        "500-text-euc-kr",
        "500-empty",
        "502-junk",
    ],
)
def test_an_error_status_says_what_its_body_says(
    api_site: Path, api: FakeAPI, ingest: Ingest, status: int, answer: str | bytes, content_type: str, expected: str
) -> None:
    """Only "HTTP 401" was reported: the gateway's reason, which says what to do, was never read."""
    if isinstance(answer, str) and "EUC-KR" in answer[:40]:
        answer = answer.encode("euc-kr")
    api.forced, api.forced_status, api.forced_type = answer, status, content_type
    result, pf = ingest(api_site)
    report = only(result)
    assert (report.outcome, report.http_status, report.error, result.ok) == ("failed", status, expected, False)
    assert pf.store.source_state("briefing")["last_error"] == expected  # type: ignore[index]
    assert len(api.calls) == 1  # the walk stops at the first failure


def _waits_until(pf: Pressfeed) -> datetime:
    """The server's wait, or else our backoff's."""
    state = pf.store.source_state("briefing")
    assert state is not None
    return datetime.fromisoformat(state["retry_after"] or state["next_try"])


MIDNIGHT_KST = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), tzinfo=KST) + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("status", "answer", "retry_after", "until"),
    [
        # a used-up daily quota waits for midnight KST, as with HTTP 200, not the next run or the Retry-After ...
        (429, gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"), "60", MIDNIGHT_KST),
        (401, gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"), None, MIDNIGHT_KST),
        # ... but never less than a Retry-After asks for
        (
            503,
            gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"),
            "172800",
            NOW + timedelta(days=2),
        ),
        # other codes keep the status's own wait
        (503, result_answer("99", "UNKNOWN_ERROR"), "600", NOW + timedelta(minutes=10)),
        # no wait named: our backoff's first step, not a guess of an hour
        (503, "Service Unavailable", None, NOW + timedelta(minutes=5)),
    ],
    ids=["429-quota", "401-quota", "503-quota-retry-after-later", "503-code-99", "503-text"],
)
def test_an_error_status_waits_as_its_code_and_its_retry_after_say(
    api_site: Path, api: FakeAPI, ingest: Ingest, status: int, answer: str, retry_after: str | None, until: datetime
) -> None:
    api.forced, api.forced_status = answer, status
    api.forced_type = "text/plain" if not answer.startswith("<") else api.forced_type
    api.forced_headers = {"Retry-After": retry_after} if retry_after else {}
    result, pf = ingest(api_site)
    report = only(result)
    assert report.outcome == "failed" and report.error is not None and report.error.startswith(f"HTTP {status}")
    assert _waits_until(pf) == until
    api.calls.clear()
    waiting = only(ingest(api_site, min(until, MIDNIGHT_KST) - timedelta(minutes=1))[0])
    assert waiting.outcome == "waiting" and api.calls == []


def test_a_bomb_in_an_error_body_is_read_no_further_than_its_start(
    site: Path, httpserver: HTTPServer, ingest: Ingest
) -> None:
    """16 MiB of zeros gzipped twice (a few hundred bytes) behind a 500: a fixed start of the body is read
    and decoded, the source fails with its status, and the board feed beside it is read as usual."""
    bomb = gzip.compress(gzip.compress(b"\0" * (16 << 20), 9), 9)

    def answer(request: Request) -> Response:
        return Response(bomb, 500, {"Content-Encoding": "gzip, gzip"}, content_type="text/xml")

    httpserver.expect_request(PATH).respond_with_handler(answer)
    msit = (FIXTURES / "dept_msit.xml").read_bytes()
    httpserver.expect_request("/rss/dept_msit.xml").respond_with_data(msit, content_type="application/rss+xml")
    board = {"id": "msit", "name": "과학기술정보통신부", "url": httpserver.url_for("/rss/dept_msit.xml")}
    configure(site, httpserver.url_for(PATH), also=({**board, "section": "it-science", "max_age_days": 0},))
    result, _ = ingest(site)
    reports = {r.source_id: r for r in result.reports}
    assert (reports["briefing"].outcome, reports["briefing"].error) == ("failed", "HTTP 500")
    assert (reports["msit"].outcome, reports["msit"].error) == ("ok", None) and reports["msit"].new
    assert len(bomb) < 100_000


def test_an_answer_of_more_releases_than_asked_for_is_refused_and_the_board_beside_it_goes_on(
    site: Path, httpserver: HTTPServer, ingest: Ingest
) -> None:
    """The API answers numOfRows releases at most. 100,000 tiny items (3.5 MiB, under the size cap) would each
    have become an article, and 40 requests a run could bring millions: refused before any item is read."""
    release = Release(156780001, "외교부, 재외국민 안전 대책 발표", "외교부", at(0))
    tiny = "".join(f"<NewsItem><NewsItemId>{n}</NewsItemId><Title>t</Title></NewsItem>" for n in range(100_000))
    flood = result_answer("00", "NORMAL_SERVICE", release.xml() + tiny, total=100_001, rows=50)
    httpserver.expect_request(PATH).respond_with_data(flood, content_type="text/xml;charset=UTF-8")
    msit = (FIXTURES / "dept_msit.xml").read_bytes()
    httpserver.expect_request("/rss/dept_msit.xml").respond_with_data(msit, content_type="application/rss+xml")
    board = {"id": "msit", "name": "과학기술정보통신부", "url": httpserver.url_for("/rss/dept_msit.xml")}
    configure(site, httpserver.url_for(PATH), rows=50, also=({**board, "section": "it-science", "max_age_days": 0},))
    result, pf = ingest(site)
    reports = {r.source_id: r for r in result.reports}
    assert (reports["briefing"].outcome, reports["briefing"].new) == ("failed", ())
    assert reports["briefing"].error == (
        "the answer holds 100,001 releases, more than the 50 asked for (numOfRows): not the press-release "
        "API's answer (is the source's url right?); none of it was taken"
    )
    assert (reports["msit"].outcome, reports["msit"].error) == ("ok", None) and reports["msit"].new
    assert not [a for a in pf.store.articles(ArticleFilter()) if a.origin == "briefing"]


def test_an_answer_of_as_many_releases_as_asked_for_is_read(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    """rows=50: a day of exactly 50 releases is a full page, read (and paged for more), not refused."""
    api.releases = [Release(156790000 + n, f"외교부 보도자료 {n}번", "외교부", at(0, 9)) for n in range(50)]
    result, _ = ingest(api_site)
    report = only(result)
    assert (report.outcome, len(report.new)) == ("ok", 50)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("서비스 점검 안내", 'HTTP 502 (a page titled "서비스 점검 안내")'),
        ("", "HTTP 502"),
        ("점검 " * 2000, 'HTTP 502 (a page titled "' + ("점검 " * 50)[: QUOTE_CHARS - 1].rstrip() + '…")'),
    ],
    ids=["titled", "untitled", "long-title"],
)
def test_a_huge_html_error_page_gives_at_most_its_title(
    api_site: Path, api: FakeAPI, ingest: Ingest, title: str, expected: str
) -> None:
    """A gateway's or proxy's error page (EUC-KR, megabytes of markup): never HTML in cron mail."""
    head = '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
    head += f"<title>{title}</title>" if title else ""
    rows = "".join(f'<tr><td class="err">오류 {n}</td><td><script>log({n})</script></td></tr>' for n in range(20000))
    page = f"<!DOCTYPE html><html><head>{head}</head><body><table>{rows}</table></body></html>".encode("euc-kr")
    assert len(page) > 16 * ERROR_BODY_BYTES
    api.forced, api.forced_status, api.forced_type = page, 502, "text/html"
    report = only(ingest(api_site)[0])
    assert report.error == expected
    assert "<" not in report.error and len(report.error) <= MESSAGE_CHARS


def test_no_data_is_an_empty_window_not_a_failure(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    result, _ = ingest(api_site)
    report = only(result)
    assert (report.outcome, report.new, report.error, result.ok) == ("ok", (), None, True)


@pytest.mark.parametrize("digits", [401, 5000], ids=["past-a-float", "past-int-parsing"])
def test_a_total_count_no_window_can_hold_is_no_count(
    api_site: Path, api: FakeAPI, ingest: Ingest, digits: int
) -> None:
    """A gateway that garbles totalCount must cost nothing: 401 digits overflowed a float when the
    pages were counted, 5,000 are more than int() reads, and either failed every source of the run."""
    release = Release(156780001, "외교부, 재외국민 안전 대책 발표", "외교부", at(0))
    answer = result_answer("00", "NORMAL_SERVICE", release.xml(), total=1)
    api.forced = answer.replace("<totalCount>1<", f"<totalCount>{'9' * digits}<")
    result, _ = ingest(api_site)
    report = only(result)
    assert (report.outcome, report.new, result.ok) == ("ok", (item_id(156780001),), True)
    assert len(api.calls) == 3  # one request per window: the count is not believed, nothing is paged


def test_a_used_up_quota_waits_until_midnight_kst(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.forced = gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR")
    ingest(api_site)
    api.calls.clear()
    waiting = only(ingest(api_site, NOW + timedelta(hours=2))[0])  # 23:00 KST
    assert waiting.outcome == "waiting" and api.calls == []
    api.forced = None
    after = only(ingest(api_site, NOW + timedelta(hours=3, minutes=10))[0])  # 00:10 KST the next day
    assert after.outcome == "ok" and api.calls


def test_a_used_up_quota_just_after_midnight_is_tried_again_soon_not_a_day_later(
    api_site: Path, api: FakeAPI, ingest: Ingest
) -> None:
    # the gateway's reset lags (or its clock does): at 00:05 KST it still counts yesterday's calls
    api.forced = gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR")
    just_after = datetime(TODAY.year, TODAY.month, TODAY.day, 0, 5, tzinfo=KST).astimezone(UTC)
    _, pf = ingest(api_site, just_after)
    state = pf.store.source_state("briefing")
    assert state is not None
    assert datetime.fromisoformat(state["retry_after"]) == just_after + timedelta(minutes=15)


def test_a_used_up_quota_is_the_next_fetch_sources_and_sources_check_show(
    api_site: Path, api: FakeAPI, ingest: Ingest
) -> None:
    api.forced = gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR")
    _, pf = ingest(api_site)
    [status] = pf.source_status(environ={ENV: KEY})
    [health] = pf.source_health(environ={ENV: KEY})
    midnight = {"at": "2025-11-09T00:05:00+09:00", "wait": "retry-after", "reason": "the server asked to wait"}
    assert status.next_fetch.to_json() == midnight == health.next_fetch.to_json()


def test_a_reset_keeps_the_used_up_quota_and_clears_the_rest(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    """`sources reset` lifts pressfeed's own waits, not data.go.kr's: the key is refused until midnight KST
    however often it is asked, so the API is not asked before then (and where the walk got to stays)."""
    api.forced = gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR")
    _, pf = ingest(api_site)
    window_end = pf.store.source_state("briefing")["window_end"]  # type: ignore[index]
    [done] = pf.reset_sources(["briefing"], environ={ENV: KEY})
    assert done.cleared == ("1 failure in a row",)
    assert done.kept == (
        "the API's wait until 2025-11-09T00:05:00+09:00 (its quota: data.go.kr refuses the key till then)",
    )
    midnight = {"at": "2025-11-09T00:05:00+09:00", "wait": "retry-after", "reason": "the server asked to wait"}
    assert done.next_fetch.to_json() == midnight
    assert (done.state.failures, done.state.window_end) == (0, window_end)
    api.calls.clear()
    assert only(ingest(api_site, NOW + timedelta(hours=2))[0]).outcome == "waiting" and api.calls == []

    # without the key in this shell a reset cannot make it fetched: the key is the run's environment's to hold
    [keyless] = pf.reset_sources(["briefing"], environ={})
    assert keyless.next_fetch.text() == f"none — set {ENV} to the data.go.kr service key"


def test_a_source_without_its_key_named_on_the_command_line_fails_saying_what_to_set(
    api_site: Path, api: FakeAPI, ingest: Ingest
) -> None:
    """Unnamed it is no failure (below); named, the operator asked for it and must hear why nothing came."""
    result, pf = ingest(api_site, key=None, source_ids=["briefing"])
    assert (only(result).outcome, result.ok, api.calls) == ("disabled", False, [])
    assert result.failure_lines() == [f"source briefing not fetched — set {ENV} to the data.go.kr service key"]
    [status] = pf.source_status(environ={})
    assert status.next_fetch.text() == f"none — set {ENV} to the data.go.kr service key"


def test_a_source_without_its_key_is_disabled_not_failed(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    result, pf = ingest(api_site, key=None)
    report = only(result)
    assert (report.outcome, result.ok, api.calls) == ("disabled", True, [])
    assert report.warnings == (f"not fetched: set {ENV} to the data.go.kr service key",)
    [health] = pf.source_health(environ={})
    assert (health.status, health.ok) == ("disabled", False)


# -- items ------------------------------------------------------------------------------------------------


def test_items_are_credited_and_sectioned_through_the_registry(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    api.releases = [
        Release(156750010, "AI 기본계획", "과학기술정보통신부", at(-1)),
        Release(156750011, "하반기 경제정책방향", "기획재정부", at(-1)),  # a former name
        Release(156750012, "국가유산 보존 대책", "국가유산청", at(-1)),  # not in the registry
    ]
    _, pf = ingest(api_site)
    got = {a.id: a for a in (s.article for s in pf.store.articles(ArticleFilter()))}
    msit, mofe, heritage = (got[item_id(n)] for n in (156750010, 156750011, 156750012))
    assert (msit.section, msit.source.name, msit.source.home) == (  # type: ignore[union-attr]
        "it-science",
        "과학기술정보통신부",
        "https://www.msit.go.kr/",
    )
    assert (mofe.section, mofe.source.name, mofe.source.credit) == (  # type: ignore[union-attr]
        "economy",
        "기획재정부",
        "[뉴스출처 : 기획재정부]",
    )
    assert (heritage.section, heritage.source.name) == ("society", "국가유산청")  # type: ignore[union-attr]
    assert msit.link == "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156750010"
    assert msit.source.feed == ""  # type: ignore[union-attr]  # the keyed endpoint is no feed to publish
    [health] = pf.source_health(environ={ENV: KEY})
    assert health.unknown_agencies == ("국가유산청",)


def test_fields_map_to_the_article(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    body = '<p>첫 문단</p><table><tr><td>구분</td></tr></table><img src="/newsWeb/img/1.jpg"><script>x()</script>'
    api.releases = [
        Release(
            156750020,
            "미세먼지 &lt;특별대책&gt; 시행",
            "외교부",
            at(-1),
            body=body,
            subtitles=("관계부처 합동", "", "겨울철 집중관리"),
            files=(
                ("붙임1. 보도자료.hwpx", "https://www.korea.kr/common/download.do?fileId=1"),
                ("붙임2. 세부계획.pdf", "https://www.korea.kr/common/download.do?fileId=2"),
            ),
        )
    ]
    _, pf = ingest(api_site)
    [stored] = pf.store.articles(ArticleFilter())
    article = stored.article
    assert article.title == "미세먼지 <특별대책> 시행"
    assert article.subtitle == "관계부처 합동 / 겨울철 집중관리"
    assert "<script>" not in article.body_html and "x()" not in article.body_html
    assert 'src="https://www.korea.kr/newsWeb/img/1.jpg"' in article.body_html
    assert [(a.title, a.type, a.url) for a in article.attachments] == [
        ("붙임1. 보도자료.hwpx", "application/hwp+zip", "https://www.korea.kr/common/download.do?fileId=1"),
        ("붙임2. 세부계획.pdf", "application/pdf", "https://www.korea.kr/common/download.do?fileId=2"),
    ]
    assert article.published == at(-1)
    assert article.byline == "포탈뉴스통신"


def test_an_embargoed_release_enters_the_feeds_when_its_time_comes(
    api_site: Path, api: FakeAPI, ingest: Ingest
) -> None:
    embargo = NOW + timedelta(hours=9)
    api.releases = [Release(156750030, "엠바고 보도자료", "외교부", NOW - timedelta(hours=2), embargo=embargo)]
    _, pf = ingest(api_site)
    pf.build()
    rss = (pf.config.output.dir / "rss.xml").read_text(encoding="utf-8")
    assert item_id(156750030) not in rss
    stored = pf.store.get(item_id(156750030))
    assert stored is not None and stored.article.published == embargo
    # a build after the embargo publishes it, with no other change (what cron at */5 does)
    later = Pressfeed(load_config(api_site), clock=fixed(embargo + timedelta(minutes=5)))
    try:
        built = later.build()
        assert "rss.xml" in built.written
        assert item_id(156750030) in (later.config.output.dir / "rss.xml").read_text(encoding="utf-8")
    finally:
        later.close()


@pytest.mark.parametrize("layout", ["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S.0", "%Y%m%d%H%M%S", "%Y. %m. %d. %H:%M"])
def test_an_embargo_in_another_layout_is_read_and_kept(
    api_site: Path, api: FakeAPI, ingest: Ingest, layout: str
) -> None:
    """Only MM/DD/YYYY was read: any other layout was dropped without a word and the release went out at
    once, hours before its embargo."""
    embargo = (NOW + timedelta(hours=9)).replace(second=0)
    written = embargo.astimezone(KST).strftime(layout)
    api.releases = [Release(156750031, "엠바고 보도자료", "외교부", NOW - timedelta(hours=2), embargo_text=written)]
    _, pf = ingest(api_site)
    pf.build()
    assert item_id(156750031) not in (pf.config.output.dir / "rss.xml").read_text(encoding="utf-8")
    stored = pf.store.get(item_id(156750031))
    assert stored is not None and stored.article.published == embargo


def test_an_embargo_nobody_can_read_holds_the_release(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    """Fail closed: an embargo that cannot be read may not have passed."""
    unread = "별도 공지 시까지"
    api.releases = [Release(156750032, "엠바고 보도자료", "외교부", NOW - timedelta(hours=2), embargo_text=unread)]
    result, pf = ingest(api_site)
    pf.build()
    assert item_id(156750032) not in (pf.config.output.dir / "rss.xml").read_text(encoding="utf-8")
    stored = pf.store.get(item_id(156750032))
    assert stored is not None and stored.article.status is Status.DRAFT
    assert any("embargo '별도 공지 시까지' could not be read: held as a draft" in w for w in only(result).warnings)


def test_a_later_modify_date_is_an_upstream_update(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    release = Release(156750040, "정정 보도자료", "외교부", at(-1))
    api.releases = [release]
    ingest(api_site)
    release.body = "<p>수치를 정정합니다.</p>"
    release.modified = at(0, hour=9)
    report = only(ingest(api_site, NOW + timedelta(minutes=5))[0])
    assert report.updated == (item_id(156750040),)
    result, pf = ingest(api_site, NOW + timedelta(minutes=10))
    assert only(result).outcome == "not-modified"
    stored = pf.store.get(item_id(156750040))
    assert stored is not None
    assert "수치를 정정합니다" in stored.article.body_html and stored.article.updated == at(0, hour=9)


def test_a_local_edit_survives_an_upstream_update(api_site: Path, api: FakeAPI, ingest: Ingest) -> None:
    release = Release(156750041, "원래 제목", "외교부", at(-1))
    api.releases = [release]
    _, pf = ingest(api_site)
    stored = pf.store.get(item_id(156750041))
    assert stored is not None
    edited = encode(stored.article.__class__(**{**_fields(stored.article), "title": "편집국이 고친 제목"}))
    pf.store.write([ArticleWrite(edited, stored.origin)])
    release.body, release.modified = "<p>바뀐 본문</p>", at(0, hour=9)
    report = only(ingest(api_site, NOW + timedelta(minutes=5))[0])
    assert report.conflicts == (item_id(156750041),)


def _fields(article: Any) -> dict[str, Any]:
    return {name: getattr(article, name) for name in article.__slots__}


def test_drafts_stay_drafts(site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest) -> None:
    configure(site, httpserver.url_for(PATH), backfill_days=2, status="draft")
    api.releases = [Release(156750050, "검토 대기", "외교부", at(0))]
    _, pf = ingest(site)
    [stored] = pf.store.articles(ArticleFilter())
    assert stored.article.status is Status.DRAFT


def test_the_apis_dates_are_read_by_the_rule_every_date_goes_through() -> None:
    """The API writes month/day/year in KST; .NET's 12-hour form and an ISO date it might send instead are read
    the same way, in KST whatever the site's zone (they used to be left as text, then read in the site's)."""
    three_pm = datetime(2025, 11, 8, 6, 0, tzinfo=UTC)
    assert api_time("11/08/2025 15:00:00") == three_pm
    assert api_time("11/08/2025 15:00:00.0") == three_pm
    assert api_time("11/08/2025 3:00:00 PM") == three_pm
    assert api_time("2025-11-08 15:00") == three_pm
    assert api_time("11/08/2025") == datetime(2025, 11, 7, 15, 0, tzinfo=UTC)
    assert api_time("13/08/2025 15:00:00") == "13/08/2025 15:00:00"  # never day first: normalization warns
    assert api_time("") is None


def test_a_slow_api_holds_the_run_no_longer_than_the_sources_time(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    """fetch.timeout is "per source, redirects and slow drips included", and a fulltext source's pages share
    what its feed left of it; but each of the walk's requests had a whole fetch.timeout of its own. An API (or
    anything at the source's url) answering each request just inside the timeout held the run for up to 40
    requests (MAX_REQUESTS, plus 9 pages of a full day) times fetch.timeout: 20 minutes at the default 30 s,
    and a run every 5 minutes then overlaps itself."""
    import time as clock

    configure(site, httpserver.url_for(PATH), backfill_days=30, window_days=3, recheck_days=3, rows=50)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    text = text.replace("timeout: 5.0", "timeout: 1.0").replace("connect_timeout: 2.0", "connect_timeout: 1.0")
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")

    def slow(request: Request) -> Response:
        clock.sleep(0.6)  # inside the 1 s each request may take
        return api(request)

    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(slow)
    started = clock.monotonic()
    result, _ = ingest(site)
    took = clock.monotonic() - started

    assert took < 3.0, f"{len(api.calls)} requests took {took:.1f} s, fetch.timeout is 1 s"
    (report,) = result.reports
    assert not report.failed and report.error is None  # what it read is kept: the walk goes on from there
    assert [w for w in report.warnings if "fetch.timeout (1 s) before every day was read" in w]
    read = len(api.calls)
    assert 1 <= read < 10  # of the ten 3-day windows in 30 days
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(api)
    ingest(site)
    first = {call["startDate"] for call in api.calls[read:]}
    assert min(first) > "20251010", "the next run read again what was read"


def test_the_walks_time_is_not_spent_waiting_for_a_slot_other_sources_hold(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    """A feed's fetch.timeout starts when its request has its slot ("queueing for a slot is not counted"), but
    the walk's asyncio.timeout(seconds) is armed before its first request queues for one: in a run whose
    slots (fetch.concurrency) other sources' slow feeds hold for longer than the source's timeout, the API,
    which answers at once, fails as "timed out after 1 s" without a request sent, and the source backs off."""
    import time as clock

    api.releases = [Release(156790001, "오늘 보도자료", "외교부", at(0))]
    msit = (FIXTURES / "dept_msit.xml").read_bytes()

    def slow(request: Request) -> Response:
        clock.sleep(0.6)  # inside the 1 s each request may take
        return Response(msit, content_type="application/rss+xml")

    boards = []
    for n in range(3):
        httpserver.expect_request(f"/rss/board{n}.xml").respond_with_handler(slow)
        url = httpserver.url_for(f"/rss/board{n}.xml")
        boards.append({"id": f"board{n}", "name": "과학기술정보통신부", "url": url})
    configure(site, httpserver.url_for(PATH), backfill_days=1, recheck_days=1, window_days=1, rows=50)
    config = yaml.safe_load((site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8"))
    config["fetch"].update(timeout=1.0, connect_timeout=1.0, concurrency=1)
    # the boards first: their requests have the one slot before the API's
    config["sources"] = [*({**b, "section": "it-science", "max_age_days": 0} for b in boards), *config["sources"]]
    (site / "feeds" / "pressfeed.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    result, _ = ingest(site)
    reports = {r.source_id: r for r in result.reports}
    assert all(reports[b["id"]].error is None for b in boards)
    assert (reports["briefing"].outcome, reports["briefing"].error) == ("ok", None)
    assert reports["briefing"].new == (item_id(156790001),)


def test_a_full_day_whose_paging_outlasts_the_walks_time_is_still_read(
    site: Path, httpserver: HTTPServer, api: FakeAPI, ingest: Ingest
) -> None:
    """The walk keeps "what it read by then", but a day's pages are kept only once its paging is done: a
    timeout during _more_pages drops the pages already read, and window_end stays before the day. The next
    run reads the same day from page 1 and runs out of time at the same page: a full day whose pages take
    longer than fetch.timeout is never read (before, each request had its own fetch.timeout), while the source
    reports ok with a warning promising that the next run reads it."""
    import time as clock

    configure(site, httpserver.url_for(PATH), backfill_days=1, recheck_days=1, window_days=1, rows=10)
    text = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8")
    text = text.replace("timeout: 5.0", "timeout: 1.0").replace("connect_timeout: 2.0", "connect_timeout: 1.0")
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")
    api.honour_page = True
    api.releases = [Release(156800000 + n, f"보도자료 {n}", "외교부", at(0, hour=1 + n // 2)) for n in range(30)]

    def slow(request: Request) -> Response:
        clock.sleep(0.4)  # inside the 1 s each request may take; three pages take 1.2 s
        return api(request)

    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(slow)
    first = only(ingest(site)[0])
    second = only(ingest(site, NOW + timedelta(minutes=5))[0])
    assert len(first.new) + len(second.new) > 0, (first.warnings, second.warnings)
