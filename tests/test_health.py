"""Feed health (`pressfeed sources check`) and the warnings of `pressfeed run`, on a server on 127.0.0.1.

A 404, a feed that answers 200 but stopped changing, and a feed with no items
must all be heard; the fetch state is what health is judged from.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from conftest import CONFIG_TEXT, NOW
from pressfeed.cli import cli

SEOUL = ZoneInfo("Asia/Seoul")

KST_NOW = NOW.isoformat()


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS 2.0 board feed with (title, naive KST date) items."""
    body = "".join(
        f"<item><title>{title}</title><link>https://www.msit.go.kr/bbs/view.do?nttSeqNo={n}</link>"
        f"<guid isPermaLink='false'>msit-{n}</guid><pubDate>{when}</pubDate>"
        f"<description><![CDATA[<p>{title} 본문입니다.</p>]]></description></item>"
        for n, (title, when) in enumerate(items, 3186000)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>과학기술정보통신부 보도자료</title>'
        f"<link>https://www.msit.go.kr/</link><description>보도자료</description>{body}</channel></rss>"
    ).encode()


FRESH = rss(("AI 기본계획 발표", "2025-11-08 10:00:00"))
#: an eGovFrame board's feed whose items link to a script call, not a page
UNUSABLE = FRESH.replace(b"https://www.msit.go.kr/bbs/view.do?nttSeqNo=3186000", b"javascript:fn_view('3186000')")
OLD = rss(("지난달 보도자료", "2025-10-20 10:00:00"))  # 19 days before NOW
EMPTY = rss()


def configure(site: Path, httpserver: HTTPServer, *paths: str, **settings: Any) -> None:
    sources = [
        {
            "id": path.strip("/").replace(".xml", ""),
            "name": "과학기술정보통신부",
            "url": httpserver.url_for(path),
            "section": "it-science",
            "max_age_days": 0,
            **settings,
        }
        for path in paths
    ]
    extra = {"fetch": {"timeout": 5.0, "connect_timeout": 2.0}, "sources": sources}
    text = CONFIG_TEXT + "\n" + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    (site / "feeds" / "pressfeed.yaml").write_text(text, encoding="utf-8")


def invoke(site: Path, *args: str, when: datetime = NOW) -> Result:
    return CliRunner().invoke(cli, ["--site", str(site), "--now", when.isoformat(), *args])


def check(site: Path, when: datetime = NOW) -> dict[str, dict[str, Any]]:
    result = invoke(site, "sources", "check", "--json", when=when)
    return {row["id"]: {**row, "exit": result.exit_code} for row in json.loads(result.stdout)}


def test_every_kind_of_health(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fresh.xml").respond_with_data(FRESH, content_type="application/rss+xml")
    httpserver.expect_request("/old.xml").respond_with_data(OLD, content_type="application/rss+xml")
    httpserver.expect_request("/empty.xml").respond_with_data(EMPTY, content_type="application/rss+xml")
    httpserver.expect_request("/unusable.xml").respond_with_data(UNUSABLE, content_type="application/rss+xml")
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    httpserver.expect_request("/closed.xml").respond_with_data("", status=410)
    httpserver.expect_request("/moved.xml").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/fresh.xml")}
    )
    paths = ("/fresh.xml", "/old.xml", "/empty.xml", "/unusable.xml", "/missing.xml", "/closed.xml", "/moved.xml")
    configure(site, httpserver, *paths)

    before = check(site)
    assert {k: v["status"] for k, v in before.items()} == dict.fromkeys(before, "pending")

    invoke(site, "run")
    health = check(site)
    assert {k: v["status"] for k, v in health.items()} == {
        "fresh": "ok",
        "old": "stale",
        "empty": "empty",
        "unusable": "unusable",
        "missing": "failing",
        "closed": "gone",
        "moved": "moved",
    }
    assert health["old"]["detail"] == "newest item is from 2025-10-20, 19 days ago: has the feed stopped?"
    assert health["unusable"]["detail"].startswith(
        "none of its 1 items could be used, e.g. 'AI 기본계획 발표': skipped (link: \"javascript:fn_view('3186000')\""
    )
    assert (
        health["moved"]["detail"]
        == f"moved permanently to {httpserver.url_for('/fresh.xml')}: update its url in the config"
    )
    assert health["missing"]["detail"].startswith("1 failure in a row since 2025-11-08")
    assert health["missing"]["next_try"] == (NOW + timedelta(minutes=5)).astimezone(SEOUL).isoformat()
    assert all(row["exit"] == 1 for row in health.values())


def test_days_and_times_are_the_sites(site: Path, httpserver: HTTPServer) -> None:
    """At 01:00 in Seoul a failure is from that day, not from the UTC day before."""
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    configure(site, httpserver, "/missing.xml")
    when = datetime(2025, 11, 8, 16, 0, tzinfo=UTC)  # 2025-11-09 01:00 KST
    invoke(site, "run", when=when)
    missing = check(site, when)["missing"]
    assert missing["detail"].startswith("1 failure in a row since 2025-11-09: ")
    assert missing["next_try"] == "2025-11-09T01:05:00+09:00"
    line = invoke(site, "sources", "check", when=when).stdout
    assert "since 2025-11-09" in line and "; next fetch 2025-11-09T01:05:00+09:00 (backing off" in line


def test_a_404_for_three_days_is_gone(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    configure(site, httpserver, "/missing.xml")
    for hours in (0, 24, 48, 73):
        invoke(site, "run", when=NOW + timedelta(hours=hours))
    assert check(site, NOW + timedelta(hours=73))["missing"]["status"] == "gone"


def test_all_ok_exits_0_with_one_line_per_source(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fresh.xml").respond_with_data(FRESH, content_type="application/rss+xml")
    configure(site, httpserver, "/fresh.xml")
    invoke(site, "run")
    result = invoke(site, "sources", "check")
    assert (result.exit_code, result.stdout) == (0, "fresh: ok\n")


def test_stale_after_days_zero_never_reports_stale(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old.xml").respond_with_data(OLD, content_type="application/rss+xml")
    configure(site, httpserver, "/old.xml", stale_after_days=0)
    invoke(site, "run")
    assert check(site)["old"]["status"] == "ok"


def test_a_recovered_source_is_ok_again(site: Path, httpserver: HTTPServer) -> None:
    state = {"status": 500}

    def handler(request: Any) -> Any:
        from werkzeug import Response

        if state["status"] != 200:
            return Response("오류", status=state["status"])
        return Response(FRESH, content_type="application/rss+xml")

    httpserver.expect_request("/flaky.xml").respond_with_handler(handler)
    configure(site, httpserver, "/flaky.xml")
    invoke(site, "run")
    assert check(site)["flaky"]["status"] == "failing"
    state["status"] = 200
    invoke(site, "run", when=NOW + timedelta(minutes=5))
    assert check(site, NOW + timedelta(minutes=5))["flaky"]["status"] == "ok"


# -- what `run` says about it -------------------------------------------------------------------------


def test_run_warns_about_unhealthy_sources(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old.xml").respond_with_data(OLD, content_type="application/rss+xml")
    configure(site, httpserver, "/old.xml")
    result = invoke(site, "run")
    assert result.exit_code == 0  # stale is a warning, not a failure of this run
    assert "warning: source old: stale — newest item is from 2025-10-20" in result.stderr
    # without -q, every run says so
    assert "warning: source old: stale" in invoke(site, "run", when=NOW + timedelta(minutes=5)).stderr


def test_a_quiet_run_warns_when_health_changes_and_then_once_a_day(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old.xml").respond_with_data(OLD, content_type="application/rss+xml")
    configure(site, httpserver, "/old.xml")

    def quiet(minutes: int) -> str:
        result = invoke(site, "-q", "run", when=NOW + timedelta(minutes=minutes))
        assert result.exit_code == 0
        return result.stderr

    assert "warning: source old: stale" in quiet(0)  # became unhealthy: cron mails it
    assert quiet(5) == ""  # the same, five minutes later: silence
    assert quiet(60 * 12) == ""
    assert "warning: source old: stale" in quiet(60 * 24 + 5)  # a day later: a reminder


def test_the_log_gets_every_warning_a_quiet_run_holds_back(site: Path, httpserver: HTTPServer, tmp_path: Path) -> None:
    """Cron's mail stays rare (-q: once a day), and the log (--log) still says it at every run."""
    httpserver.expect_request("/old.xml").respond_with_data(OLD, content_type="application/rss+xml")
    configure(site, httpserver, "/old.xml")
    log = tmp_path / "run.log"
    for minutes in (0, 5, 10):
        result = invoke(site, "-q", "--log", str(log), "run", when=NOW + timedelta(minutes=minutes))
        assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == ""  # held back on the terminal ...
    warnings = [line for line in log.read_text(encoding="utf-8").splitlines() if "warning: source old: stale" in line]
    assert len(warnings) == 3  # ... and logged by every run
    assert all(" run: warning: source old: stale — newest item is from 2025-10-20" in line for line in warnings)


def test_a_source_failing_this_run_is_reported_once(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    configure(site, httpserver, "/missing.xml")
    result = invoke(site, "-q", "run")
    assert result.exit_code == 1
    assert result.stderr == "source missing failed: HTTP 404\n"  # no second "failing" warning beside it


def test_a_gone_source_is_news_once_then_a_daily_reminder(site: Path, httpserver: HTTPServer) -> None:
    """410 stops polling: the run that got it fails and says so; later runs, which skip the source, are no
    failures, and cron (-q) hears of it again only once a day, as of any other unhealthy source."""
    httpserver.expect_request("/closed.xml").respond_with_data("", status=410)
    configure(site, httpserver, "/closed.xml")

    def quiet(minutes: int) -> Result:
        return invoke(site, "-q", "run", when=NOW + timedelta(minutes=minutes))

    first = quiet(0)
    assert (first.exit_code, first.stderr) == (
        1,
        "source closed failed: HTTP 410 Gone — no longer polled; once it answers again, `pressfeed sources reset "
        "closed` polls it again (or put its new url in the config, or remove the source)\n",
    )
    for minutes in (5, 60 * 12):
        later = quiet(minutes)
        assert (later.exit_code, later.stderr) == (0, "")
    reminder = quiet(60 * 24 + 5)
    assert reminder.exit_code == 0
    assert reminder.stderr == (
        "warning: source closed: gone — HTTP 410 since 2025-11-08: `pressfeed sources reset closed` once it "
        "answers again, else change its url or remove the source\n"
    )
    loud = invoke(site, "run", when=NOW + timedelta(days=1, minutes=10))  # a terminal: a line every run
    assert loud.exit_code == 0 and "source closed failed" not in loud.stderr
    assert "warning: source closed: gone — HTTP 410 since 2025-11-08" in loud.stderr
    assert len(httpserver.log) == 1  # never asked again


def test_a_gone_source_has_no_next_try(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/closed.xml").respond_with_data("", status=410)
    configure(site, httpserver, "/closed.xml")
    invoke(site, "run")
    assert check(site)["closed"]["next_try"] is None
    result = invoke(site, "sources", "check")
    assert result.stdout == (
        "closed: gone — HTTP 410 since 2025-11-08: `pressfeed sources reset closed` once it answers again, "
        "else change its url or remove the source\n"
    )


def test_a_404_gone_source_is_news_once_then_a_daily_reminder(site: Path, httpserver: HTTPServer) -> None:
    """A 404 for three days is gone too: still tried at the longest backoff (it may come back), but only the
    try that finds it gone fails the run; the tries after it are no news until the daily reminder."""
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    configure(site, httpserver, "/missing.xml")

    def quiet(hours: float) -> Result:
        return invoke(site, "-q", "run", "--json", when=NOW + timedelta(hours=hours))

    for hours in (0, 24, 48):
        assert quiet(hours).exit_code == 1  # failing: each failed try is mailed
    crossing = quiet(73)
    assert crossing.exit_code == 1
    [report] = json.loads(crossing.stdout)["ingest"]["sources"]
    assert (report["outcome"], report["http_status"]) == ("gone", 404)
    later = quiet(80)  # past the 6-hour backoff: tried again, still 404
    [report] = json.loads(later.stdout)["ingest"]["sources"]
    assert (report["outcome"], report["http_status"], later.exit_code) == ("still-gone", 404, 0)
    assert len(httpserver.log) == 5
    text = invoke(site, "-q", "run", when=NOW + timedelta(hours=90))
    assert (text.exit_code, text.stderr) == (0, "")


def test_a_410_after_404s_that_made_a_source_gone_is_news(site: Path, httpserver: HTTPServer) -> None:
    """A 404-gone source is still tried; a 410 then stops its polling for good, which the operator must hear.
    It was taken as more of the same: exit 0, nothing said, and its health stayed "gone" so no warning came."""
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    configure(site, httpserver, "/missing.xml")
    for hours in (0, 24, 48, 73):
        invoke(site, "-q", "run", when=NOW + timedelta(hours=hours))
    httpserver.clear()
    httpserver.expect_request("/missing.xml").respond_with_data("", status=410)

    closed = invoke(site, "-q", "run", "--json", when=NOW + timedelta(hours=80))

    [report] = json.loads(closed.stdout)["ingest"]["sources"]
    assert (report["outcome"], report["http_status"], closed.exit_code) == ("gone", 410, 1)
    assert report["note"].startswith("no longer polled; once it answers again, `pressfeed sources reset ")
    assert invoke(site, "-q", "run", when=NOW + timedelta(hours=90)).exit_code == 0  # then no news, not fetched
    assert len(httpserver.log) == 1


# -- when a source is fetched next: one rule, shown alike by `sources` and `sources check` -------------------


def next_fetch_lines(site: Path, when: datetime) -> dict[str, str]:
    """`pressfeed sources`: the text after "next fetch:" of each source that has one, by source id."""
    found: dict[str, str] = {}
    source = ""
    for line in invoke(site, "sources", when=when).stdout.splitlines():
        if not line.startswith(" "):
            source = line.split()[0]
        elif line.lstrip().startswith("next fetch: "):
            found[source] = line.lstrip().removeprefix("next fetch: ")
    return found


CLOSED_NOTE = (
    "gone since 2025-11-08 (HTTP 410), no longer polled; once it answers again, `pressfeed sources reset closed` "
    "polls it again (or put its new url in the config, or remove the source)"
)


def serve_every_reason(site: Path, httpserver: HTTPServer) -> None:
    """A source that answers, one that fails (backoff), one whose server asks to wait, one that is gone."""
    httpserver.expect_request("/fresh.xml").respond_with_data(FRESH, content_type="application/rss+xml")
    httpserver.expect_request("/failing.xml").respond_with_data("서버 오류", status=500)
    httpserver.expect_request("/throttled.xml").respond_with_data("잠시 후", status=429, headers={"Retry-After": "120"})
    httpserver.expect_request("/closed.xml").respond_with_data("", status=410)
    configure(site, httpserver, "/fresh.xml", "/failing.xml", "/throttled.xml", "/closed.xml")


def test_sources_and_sources_check_show_the_next_fetch_alike_whatever_the_reason(
    site: Path, httpserver: HTTPServer
) -> None:
    """`sources` showed a next fetch only for a server's Retry-After, and in UTC; `sources check` in KST.
    Both now say when and why, in the site's zone, from the rule ingest skips sources by."""
    serve_every_reason(site, httpserver)
    invoke(site, "run")
    later = NOW + timedelta(minutes=1)

    listed = next_fetch_lines(site, later)
    assert listed == {  # the source that answered is fetched at the next run: nothing to say
        "failing": "2025-11-08T21:05:00+09:00 (backing off after 1 failure)",
        "throttled": "2025-11-08T21:02:00+09:00 (the server asked to wait)",
        "closed": f"none — {CLOSED_NOTE}",
    }
    checked = {line.split(":")[0]: line for line in invoke(site, "sources", "check", when=later).stdout.splitlines()}
    assert checked["fresh"] == "fresh: ok"
    assert checked["failing"].endswith(f"; next fetch {listed['failing']}")
    assert checked["throttled"].endswith(f"; next fetch {listed['throttled']}")
    assert "next fetch" not in checked["closed"]  # its detail says what brings it back
    # and the listing's other times are the site's too
    assert "last fetch 2025-11-08T21:00:00+09:00, HTTP 500" in invoke(site, "sources", when=later).stdout

    # --json: ISO 8601 with the offset, the same object in both
    rows = {r["id"]: r["next_fetch"] for r in json.loads(invoke(site, "sources", "--json", when=later).stdout)}
    assert rows == {
        "fresh": {"at": None, "wait": None, "reason": ""},
        "failing": {"at": "2025-11-08T21:05:00+09:00", "wait": "backoff", "reason": "backing off after 1 failure"},
        "throttled": {"at": "2025-11-08T21:02:00+09:00", "wait": "retry-after", "reason": "the server asked to wait"},
        "closed": {"at": None, "wait": "gone", "reason": CLOSED_NOTE},
    }
    health = check(site, later)
    assert {source: row["next_fetch"] for source, row in health.items()} == rows
    assert health["throttled"]["next_try"] == "2025-11-08T21:02:00+09:00"  # the older key stays


def test_the_next_fetch_shown_is_when_ingest_fetches(site: Path, httpserver: HTTPServer) -> None:
    serve_every_reason(site, httpserver)
    invoke(site, "run")

    def requests(path: str) -> int:
        return sum(1 for request, _ in httpserver.log if request.path == path)

    rows = {r["id"]: r["next_fetch"] for r in json.loads(invoke(site, "sources", "--json").stdout)}
    for source in ("throttled", "failing"):  # the earlier first: an ingest at the later fetches both
        at = datetime.fromisoformat(rows[source]["at"])
        before = requests(f"/{source}.xml")
        invoke(site, "-q", "ingest", when=at - timedelta(seconds=1))
        assert requests(f"/{source}.xml") == before, source
        invoke(site, "-q", "ingest", when=at)
        assert requests(f"/{source}.xml") == before + 1, source


# -- a gone source named on the command line; the run that finds a 404 gone --------------------------------


def test_ingest_of_a_gone_source_named_on_the_command_line_says_so_and_exits_1(
    site: Path, httpserver: HTTPServer
) -> None:
    """The operator asked for that source: silence and exit 0 read as "ingested". Unnamed, it stays no news."""
    httpserver.expect_request("/closed.xml").respond_with_data("", status=410)
    configure(site, httpserver, "/closed.xml")
    assert invoke(site, "-q", "run").exit_code == 1  # the run that got the 410
    later = NOW + timedelta(hours=1)

    named = invoke(site, "ingest", "closed", when=later)
    assert named.exit_code == 1
    assert named.stderr == f"source closed not fetched — {CLOSED_NOTE}\n"
    assert named.stdout == "ingest: 1 source, 0 new, 0 updated, 1 failed (closed: still-gone)\n"
    quiet = invoke(site, "-q", "ingest", "closed", when=later)
    assert (quiet.exit_code, quiet.stderr) == (1, named.stderr)  # a failure: said under -q too
    [report] = json.loads(invoke(site, "ingest", "closed", "--json", when=later).stdout)["sources"]
    assert (report["outcome"], report["note"]) == ("still-gone", CLOSED_NOTE)

    for unnamed in (("-q", "ingest"), ("-q", "run")):  # cron: as quiet as before
        result = invoke(site, *unnamed, when=later)
        assert (result.exit_code, result.stderr) == (0, ""), unnamed
    assert len(httpserver.log) == 1  # named, it is still never fetched

    # what the message says brings it back does: a new url starts afresh
    httpserver.expect_request("/reopened.xml").respond_with_data(FRESH, content_type="application/rss+xml")
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(httpserver.url_for("/closed.xml"), httpserver.url_for("/reopened.xml")), "utf-8")
    back = invoke(site, "ingest", "closed", when=later)
    assert (back.exit_code, back.stdout, back.stderr) == (0, "ingest: 1 source, 1 new, 0 updated\n", "")
    assert check(site, later)["closed"]["status"] == "ok"


def test_a_named_source_the_server_asked_to_wait_for_says_until_when(site: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/throttled.xml").respond_with_data("잠시 후", status=429, headers={"Retry-After": "120"})
    configure(site, httpserver, "/throttled.xml")
    invoke(site, "run")
    named = invoke(site, "ingest", "throttled", when=NOW + timedelta(minutes=1))
    assert named.exit_code == 0  # it is fetched by itself once the wait is over: nothing failed
    assert named.stderr == (
        "source throttled: not polled: next fetch 2025-11-08T21:02:00+09:00 (the server asked to wait)\n"
    )
    quiet = invoke(site, "-q", "ingest", "throttled", when=NOW + timedelta(minutes=1))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert len(httpserver.log) == 1


def test_the_run_that_finds_a_404_gone_says_what_now_and_how_to_bring_it_back(
    site: Path, httpserver: HTTPServer
) -> None:
    """It said "HTTP 404" only, as on the days before; the failures stop after it, so it must say why."""
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)
    configure(site, httpserver, "/missing.xml")
    for hours in (0, 24, 48):
        assert invoke(site, "-q", "run", when=NOW + timedelta(hours=hours)).stderr == (
            "source missing failed: HTTP 404\n"
        )
    crossing = invoke(site, "-q", "run", when=NOW + timedelta(hours=73))
    assert crossing.exit_code == 1
    assert crossing.stderr == (  # 4 failures in a row: the next try 40 minutes on
        "source missing failed: HTTP 404 — now treated as gone after 3 days of HTTP 404 (since 2025-11-08): "
        "no longer a failure, only retried in case it returns (next 2025-11-11T22:40:00+09:00); "
        "once it answers again, `pressfeed sources reset missing` fetches it at the next run "
        "(or put its new url in the config, or remove the source)\n"
    )
    listed = next_fetch_lines(site, NOW + timedelta(hours=73))
    assert listed == {
        "missing": "2025-11-11T22:40:00+09:00 (gone after 3 days of HTTP 404, retried in case it returns)"
    }

    # named within its backoff it is tried at once, as any source; still 404, the operator hears why
    named = invoke(site, "ingest", "missing", when=NOW + timedelta(hours=74))
    assert named.exit_code == 1
    assert named.stderr == (
        "source missing failed: HTTP 404 — gone after 3 days of HTTP 404 (since 2025-11-08): "
        "only retried in case it returns (next 2025-11-12T00:20:00+09:00); "
        "once it answers again, `pressfeed sources reset missing` fetches it at the next run "
        "(or put its new url in the config, or remove the source)\n"
    )
    unnamed = invoke(site, "-q", "ingest", when=NOW + timedelta(hours=80))  # tried, still 404: no news
    assert (unnamed.exit_code, unnamed.stderr) == (0, "")
    assert len(httpserver.log) == 6


def test_a_feed_that_never_parses_backs_off_and_counts_its_failures(site: Path, httpserver: HTTPServer) -> None:
    """A board answering 200 with its maintenance page (no feed) fails like a 500: in a row, backing off.

    Each answer first cleared the failures (it was a 200), then counted the parse failure as the first: the
    source stayed at "1 failure in a row since" its latest try, was fetched at every run and cron mailed a
    failure every five minutes."""
    page = "<html><body>시스템 점검 중입니다</body></html>".encode()
    httpserver.expect_request("/broken.xml").respond_with_data(page, content_type="text/html")
    configure(site, httpserver, "/broken.xml")
    for minutes in (0, 5, 15):  # each run past the backoff of the failures before it
        assert invoke(site, "-q", "run", when=NOW + timedelta(minutes=minutes)).exit_code == 1
    broken = check(site, NOW + timedelta(minutes=15))["broken"]
    assert broken["detail"].startswith("3 failures in a row since 2025-11-08")
    assert broken["next_try"] == (NOW + timedelta(minutes=15 + 20)).astimezone(SEOUL).isoformat()
    # within that backoff the source is left alone, as any failing source
    assert invoke(site, "-q", "run", when=NOW + timedelta(minutes=20)).exit_code == 0
    assert len(httpserver.log) == 3


def test_a_404_after_days_of_other_failures_is_not_three_days_of_404(site: Path, httpserver: HTTPServer) -> None:
    """Gone-by-404 counted from the first failure of any kind: a board down with 503s for three days that then
    answered one 404 (a redeploy) was declared gone "after 3 days of HTTP 404" at once, and its later
    failures no longer failed a run."""
    httpserver.expect_request("/missing.xml").respond_with_data("점검 중", status=503)
    configure(site, httpserver, "/missing.xml")
    for hours in (0, 24, 48, 72):
        invoke(site, "-q", "run", when=NOW + timedelta(hours=hours))
    httpserver.clear()
    httpserver.expect_request("/missing.xml").respond_with_data("없음", status=404)

    first_404 = invoke(site, "-q", "run", "--json", when=NOW + timedelta(hours=79))

    [report] = json.loads(first_404.stdout)["ingest"]["sources"]
    assert (report["outcome"], report["http_status"], report["note"]) == ("failed", 404, "")
    assert check(site, NOW + timedelta(hours=79))["missing"]["status"] == "failing"


def test_a_feed_whose_undated_items_never_change_goes_stale(site: Path, httpserver: HTTPServer) -> None:
    """An item without a date is dated at its first fetch and keeps that date; health took the time of each
    fetch as its date instead. A board whose script stamps each answer (lastBuildDate) and whose items give
    no date was "ok" for ever, however long ago its last release: the silent dead feed health is for."""
    stamps = iter(range(1000))

    def handler(request: Any) -> Any:
        from werkzeug import Response

        body = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>보도자료</title>'
            f"<link>https://www.msit.go.kr/</link><description>보도자료</description>"
            f"<lastBuildDate>{next(stamps)}</lastBuildDate><item><title>AI 기본계획 발표</title>"
            "<link>https://www.msit.go.kr/bbs/view.do?nttSeqNo=3186000</link>"
            "<description>AI 기본계획 발표 본문입니다.</description></item></channel></rss>"
        )
        return Response(body.encode(), content_type="application/rss+xml")

    httpserver.expect_request("/undated.xml").respond_with_handler(handler)
    configure(site, httpserver, "/undated.xml")
    for days in (0, 10, 20):
        invoke(site, "-q", "run", when=NOW + timedelta(days=days))
    undated = check(site, NOW + timedelta(days=20))["undated"]
    assert (undated["status"], undated["exit"]) == ("stale", 1)
    assert undated["detail"].startswith("newest item is from 2025-11-08, 20 days ago")
