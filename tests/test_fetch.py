"""pressfeed.ingest.fetch against a local pytest-httpserver (127.0.0.1 only)."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import CONFIG_TEXT, fetch_now
from pressfeed.clock import fixed
from pressfeed.config import FetchConfig
from pressfeed.ingest.fetch import (
    ACCEPT,
    FetchRequest,
    FetchResult,
    open_fetcher,
)

NOW = datetime(2025, 11, 8, tzinfo=UTC)
CLOCK = fixed(NOW)
UA = "pressfeed/test (+https://www.example-portal.kr/)"
CONFIG = FetchConfig(
    concurrency=4,
    per_host=2,
    connect_timeout=1.0,
    timeout=1.0,
    max_bytes=1024 * 64,
    max_redirects=5,
    user_agent=UA,
)
RSS = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<rss version="2.0"><channel><title>\xea\xb5\xad\xed\x86\xa0\xeb\xb6\x80</title>'
    b"</channel></rss>"
)


def _server() -> HTTPServer:
    # pytest-httpserver's default server is single-threaded (and binds "localhost"):
    # one slow handler would stall every other request, so concurrency could not be seen
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


@pytest.fixture(scope="module")
def make_httpserver() -> Iterator[HTTPServer]:
    """Overrides the plugin's session server with a threaded one on 127.0.0.1."""
    server = _server()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def second_server() -> Iterator[HTTPServer]:
    server = _server()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_unexpected_requests(httpserver: HTTPServer) -> Iterator[None]:
    yield
    httpserver.check_assertions()  # e.g. a request no handler expected


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown: lets blocked handlers finish so the server thread is freed."""
    event = threading.Event()
    yield event
    event.set()


def fetch(*requests: FetchRequest, config: FetchConfig = CONFIG) -> list[FetchResult]:
    return fetch_now(requests, config, CLOCK)


def fetch_one(
    url: str,
    config: FetchConfig = CONFIG,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> FetchResult:
    request = FetchRequest("src", url, etag=etag, last_modified=last_modified, headers=headers)
    return fetch(request, config=config)[0]


def seen(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


# -- success and request headers ------------------------------------------------------------


def test_200_returns_body_headers_and_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(
        RSS,
        content_type="application/rss+xml; charset=utf-8",
        headers={
            "ETag": '"v1"',
            "Last-Modified": "Fri, 07 Nov 2025 09:00:00 GMT",
            "Content-Location": "https://www.korea.kr/rss/policy.xml",
        },
    )
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.source_id == "src"
    assert result.url == httpserver.url_for("/rss.xml")
    assert result.status == 200
    assert result.body == RSS
    assert result.ok and result.error is None
    assert not result.not_modified
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.headers["content-location"] == "https://www.korea.kr/rss/policy.xml"
    assert result.headers["etag"] == '"v1"'
    assert all(name == name.lower() for name in result.headers)
    assert result.etag == '"v1"'
    assert result.last_modified == "Fri, 07 Nov 2025 09:00:00 GMT"
    assert result.moved_to is None and result.retry_after is None and not result.gone
    assert 0 < result.elapsed < CONFIG.timeout


def test_sends_user_agent_accept_and_per_source_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(RSS)
    extra = (("Referer", "https://www.korea.kr/"), ("X-Requested-With", "pressfeed"))
    fetch_one(httpserver.url_for("/rss.xml"), headers=extra)

    (request,) = seen(httpserver)
    assert request.headers["User-Agent"] == UA
    assert request.headers["Accept"] == ACCEPT
    assert request.headers["Referer"] == "https://www.korea.kr/"
    assert request.headers["X-Requested-With"] == "pressfeed"
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


def test_per_source_headers_override_defaults(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(RSS)
    fetch_one(httpserver.url_for("/rss.xml"), headers=(("user-agent", "Mozilla/5.0 agency-ok"),))

    (request,) = seen(httpserver)
    assert request.headers.getlist("User-Agent") == ["Mozilla/5.0 agency-ok"]


def test_conditional_get_round_trip(httpserver: HTTPServer) -> None:
    modified = "Fri, 07 Nov 2025 09:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(RSS, headers={"ETag": '"v1"', "Last-Modified": modified})

    httpserver.expect_request("/rss.xml").respond_with_handler(handler)
    url = httpserver.url_for("/rss.xml")
    first = fetch_one(url)
    second = fetch_one(url, etag=first.etag, last_modified=first.last_modified)

    assert first.status == 200 and first.body == RSS and first.etag == '"v1"'
    assert second.status == 304
    assert second.not_modified and second.ok and second.error is None
    assert second.body is None
    assert second.etag == '"v1"'
    assert second.last_modified == modified  # kept from the request: the 304 omitted it
    conditional = seen(httpserver)[1]
    assert conditional.headers["If-None-Match"] == '"v1"'
    assert conditional.headers["If-Modified-Since"] == modified


def test_a_304_to_a_request_naming_no_version_is_a_failure(httpserver: HTTPServer) -> None:
    """An attack's: a server answering 304 to the first, unconditional request never sent the feed, and the
    source stayed "ok" in `sources check` for good, with nothing ever read."""
    httpserver.expect_request("/rss.xml").respond_with_data("", status=304, headers={"ETag": '"v1"'})
    result = fetch_one(httpserver.url_for("/rss.xml"))
    assert not result.ok and result.body is None and result.etag is None
    assert result.error is not None and result.error.startswith("HTTP 304 Not Modified to a request that named no")


def test_a_validator_no_server_would_take_back_is_not_kept(httpserver: HTTPServer) -> None:
    # kept, a 5,000-character ETag would go out as If-None-Match on every later request, and a server
    # refusing headers that long (nginx and Apache: 8 kB) would fail the source for good; a bidi control
    # in one would reach `pressfeed sources`' output
    long_etag = '"' + "x" * 5000 + '"'
    disguised = "Fri, 07 Nov 2025 09:00:00 GMT\u202e".encode().decode("latin-1")  # UTF-8 on the wire
    httpserver.expect_request("/rss.xml").respond_with_data(
        RSS, headers={"ETag": long_etag, "Last-Modified": disguised}
    )
    first = fetch_one(httpserver.url_for("/rss.xml"))
    assert first.ok and first.body == RSS
    assert first.etag is None and first.last_modified is None

    # and one stored before pressfeed refused them is not sent
    fetch_one(httpserver.url_for("/rss.xml"), etag=long_etag, last_modified="Fri, 07 Nov 2025\u202e")
    again = seen(httpserver)[1]
    assert "If-None-Match" not in again.headers and "If-Modified-Since" not in again.headers


# -- error statuses -------------------------------------------------------------------------


def test_429_retry_after_seconds(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.status == 429
    assert result.error == "HTTP 429" and not result.ok
    assert result.body is None
    assert result.retry_after == NOW + timedelta(seconds=120)


def test_503_retry_after_http_date(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(
        "maintenance", status=503, headers={"Retry-After": "Sat, 08 Nov 2025 00:10:00 GMT"}
    )
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.status == 503
    assert result.error == "HTTP 503"
    assert result.retry_after == datetime(2025, 11, 8, 0, 10, tzinfo=UTC)
    assert result.retry_after is not None and result.retry_after.utcoffset() == timedelta(0)


def test_503_without_retry_after_names_no_wait(httpserver: HTTPServer) -> None:
    """The server did not say: our backoff after failures decides (test_ingest), not a wait of our own here."""
    httpserver.expect_request("/rss.xml").respond_with_data("", status=503)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.error == "HTTP 503"
    assert result.retry_after is None


def test_410_is_gone(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data("", status=410)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.status == 410
    assert result.gone
    assert result.error == "HTTP 410 Gone"
    assert result.body is None and result.retry_after is None


def test_404_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data("<html>not here</html>", status=404)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.status == 404
    assert result.error == "HTTP 404"
    assert result.body is None
    assert not result.gone and result.retry_after is None and result.etag is None


# -- redirects ------------------------------------------------------------------------------


def redirect(httpserver: HTTPServer, path: str, location: str, status: int) -> None:
    httpserver.expect_request(path).respond_with_data("", status=status, headers={"Location": location})


def test_permanent_redirect_chain_sets_moved_to(httpserver: HTTPServer) -> None:
    redirect(httpserver, "/old.xml", httpserver.url_for("/older/feed.xml"), 301)
    redirect(httpserver, "/older/feed.xml", "../new.xml", 308)  # relative Location
    httpserver.expect_request("/new.xml").respond_with_data(RSS, headers={"ETag": '"n"'})
    result = fetch_one(httpserver.url_for("/old.xml"))

    assert result.ok
    assert result.status == 200
    assert result.body == RSS
    assert result.etag == '"n"'
    assert result.url == httpserver.url_for("/old.xml")
    assert result.moved_to == httpserver.url_for("/new.xml")
    assert [r.path for r in seen(httpserver)] == ["/old.xml", "/older/feed.xml", "/new.xml"]


def test_temporary_redirect_has_no_moved_to(httpserver: HTTPServer) -> None:
    redirect(httpserver, "/rss.xml", "/today.xml", 302)
    httpserver.expect_request("/today.xml").respond_with_data(RSS)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.ok and result.body == RSS
    assert result.moved_to is None


def test_temporary_hop_after_permanent_keeps_permanent_target(httpserver: HTTPServer) -> None:
    redirect(httpserver, "/old.xml", "/new.xml", 301)
    redirect(httpserver, "/new.xml", "/new-today.xml", 302)
    httpserver.expect_request("/new-today.xml").respond_with_data(RSS)
    result = fetch_one(httpserver.url_for("/old.xml"))

    assert result.body == RSS
    assert result.moved_to == httpserver.url_for("/new.xml")


def test_permanent_hop_after_temporary_is_no_move(httpserver: HTTPServer) -> None:
    # the configured URL only redirects temporarily, so it must be kept
    redirect(httpserver, "/rss.xml", "/campaign.xml", 302)
    redirect(httpserver, "/campaign.xml", "/campaign-2025.xml", 301)
    httpserver.expect_request("/campaign-2025.xml").respond_with_data(RSS)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.body == RSS
    assert result.moved_to is None


def test_a_permanent_redirect_to_an_address_that_fails_is_no_move(httpserver: HTTPServer) -> None:
    """An attack's: a 301 to a 404 was taken as the source's new URL, and after days at the 404 the source
    was "gone", while its configured URL might have come back."""
    redirect(httpserver, "/rss.xml", "/nothing-here", 301)
    httpserver.expect_request("/nothing-here").respond_with_data("없음", status=404)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.error == "HTTP 404"
    assert result.moved_to is None


def test_credentials_do_not_follow_cross_origin_redirect(httpserver: HTTPServer, second_server: HTTPServer) -> None:
    redirect(httpserver, "/rss.xml", second_server.url_for("/rss.xml"), 302)
    second_server.expect_request("/rss.xml").respond_with_data(RSS)
    secret = (("Authorization", "Bearer agency-token"), ("Referer", "https://www.korea.kr/"))
    # the second origin is another loopback port: reachable only when the operator allows it
    allowed = replace(CONFIG, allow_private=("127.0.0.0/8",))
    result = fetch_one(httpserver.url_for("/rss.xml"), allowed, headers=secret)

    assert result.body == RSS
    (first,) = seen(httpserver)
    (second,) = seen(second_server)
    assert first.headers["Authorization"] == "Bearer agency-token"
    assert "Authorization" not in second.headers
    assert second.headers["Referer"] == "https://www.korea.kr/"
    assert second.headers["User-Agent"] == UA


def test_credentials_go_only_to_the_configured_origin(httpserver: HTTPServer, second_server: HTTPServer) -> None:
    """A source's headers may hold its board's credentials (a login cookie, a token). They went with every
    request the source made: to each item's page wherever the feed linked it (another agency's site, or a
    collector's, in a hostile feed), and to wherever a 301 moved the feed, on every run after the move,
    though the redirect hop itself was stripped. They now go only to the configured URL's origin."""
    page = b"<html><body><p>\xeb\xb3\xb4\xeb\x8f\x84\xec\x9e\x90\xeb\xa3\x8c</p></body></html>"
    second_server.expect_request("/nw/view.do").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/nw/view.do").respond_with_data(page, content_type="text/html")
    secret = (
        ("Authorization", "Bearer agency-token"),
        ("Cookie", "JSESSIONID=board"),
        ("Referer", "https://www.korea.kr/"),
    )
    allowed = replace(CONFIG, allow_private=("127.0.0.0/8",))  # the other origin is another loopback port
    configured = httpserver.url_for("/rss.xml")

    elsewhere, home = fetch(
        FetchRequest("mofe", second_server.url_for("/nw/view.do?nttId=1"), headers=secret, trusted_origin=configured),
        FetchRequest("mofe", httpserver.url_for("/nw/view.do?nttId=2"), headers=secret, trusted_origin=configured),
        config=allowed,
    )

    assert elsewhere.body == home.body == page
    (other,) = seen(second_server)
    assert "Authorization" not in other.headers and "Cookie" not in other.headers
    assert (other.headers["Referer"], other.headers["User-Agent"]) == ("https://www.korea.kr/", UA)
    (own,) = seen(httpserver)
    assert (own.headers["Authorization"], own.headers["Cookie"]) == ("Bearer agency-token", "JSESSIONID=board")


def test_redirect_loop_is_too_many_redirects(httpserver: HTTPServer) -> None:
    redirect(httpserver, "/loop.xml", "/loop.xml", 301)
    result = fetch_one(httpserver.url_for("/loop.xml"))

    assert result.status is None
    assert result.error == "too many redirects (more than 5)"
    assert result.moved_to is None
    assert len(httpserver.log) == 6  # the first request plus 5 followed redirects


def test_six_hops_are_too_many_five_are_fine(httpserver: HTTPServer) -> None:
    for hop in range(1, 7):
        redirect(httpserver, f"/r{hop}", f"/r{hop + 1}", 302)
    httpserver.expect_request("/r7").respond_with_data(RSS)

    six, five = fetch(
        FetchRequest("six", httpserver.url_for("/r1")),
        FetchRequest("five", httpserver.url_for("/r2")),
    )
    assert six.error == "too many redirects (more than 5)" and six.status is None
    assert five.ok and five.body == RSS


def test_a_cookie_the_sources_own_redirect_sets_goes_to_where_it_redirects(httpserver: HTTPServer) -> None:
    """A board behind a session check (a JSESSIONID set on a 302 back to the feed, as many Java/.NET CMSs and
    WAFs do) needs the cookie it set on the next hop of the same fetch. Since no cookie a server sets is kept
    at all (not even within one request's redirect chain), the feed answers 302 again and again: "too many
    redirects", a source that read fine before. Keeping cookies per fetch would not leak one source's
    session to another."""

    result = fetch_through_a_session_check(httpserver, "JSESSIONID=abc; Path=/")
    assert (result.error, result.body) == (None, RSS)


def fetch_through_a_session_check(
    httpserver: HTTPServer, set_cookie: str, session: str = "abc", headers: tuple[tuple[str, str], ...] = ()
) -> FetchResult:
    """A board's session check: the feed to a request sending JSESSIONID=`session`, to any other a 302 back to
    the feed setting `set_cookie` (one that never sends it is sent round again: 'too many redirects')."""

    def board(request: Request) -> Response:
        if request.cookies.get("JSESSIONID") == session:
            return Response(RSS, content_type="application/rss+xml")
        return Response("", 302, {"Location": "/board/rss.do", "Set-Cookie": set_cookie})

    httpserver.expect_request("/board/rss.do").respond_with_handler(board)
    return fetch_one(httpserver.url_for("/board/rss.do"), headers=headers)


def test_cookies_a_redirect_sets_are_bounded_and_only_what_a_header_can_carry(httpserver: HTTPServer) -> None:
    """A hostile redirect setting hundreds of cookies, or one no header can carry (non-ASCII, a space), adds at
    most COOKIE_BYTES to its next hop and breaks nothing: the feed is read."""
    from pressfeed.ingest.fetch import COOKIE_BYTES

    seen: list[str] = []

    def board(request: Request) -> Response:
        if request.headers.get("Cookie"):
            seen.append(request.headers["Cookie"])
            return Response(RSS, content_type="application/rss+xml")
        response = Response("", 302, {"Location": "/board/rss.do"})
        for n in range(300):
            response.headers.add("Set-Cookie", f"c{n}={'x' * 40}; Path=/")
        response.headers.add("Set-Cookie", "bad=caf\u00e9 au lait")
        return response

    httpserver.expect_request("/board/rss.do").respond_with_handler(board)
    result = fetch_one(httpserver.url_for("/board/rss.do"))

    assert (result.error, result.body) == (None, RSS)
    (cookie,) = seen
    assert 0 < len(cookie) <= COOKIE_BYTES and "bad=" not in cookie and cookie.startswith("c0=")


def test_a_cookie_a_redirect_removes_by_a_past_expires_is_not_sent_on(httpserver: HTTPServer) -> None:
    """_HopCookies removes a cookie only on Max-Age 0 or -1. A board that ends its check by expiring the
    cookie it set (`Expires=Thu, 01 Jan 1970 ...`, as PHP and many servlets write a removal) still gets it
    back on the next hop, and takes the fetch for one that has not passed its check: 'too many redirects'."""
    result = fetch_through_a_cookie_check(httpserver, "check=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert (result.error, result.body) == (None, RSS)


def fetch_through_a_cookie_check(httpserver: HTTPServer, removal: str) -> FetchResult:
    """A board's session check: a 302 setting a cookie, one removing it (`removal`), and the feed only to a
    request that no longer sends it (one that still does is sent round again: 'too many redirects')."""

    def board(request: Request) -> Response:
        if request.args.get("step") is None:
            return Response("", 302, {"Location": "/board/rss.do?step=1", "Set-Cookie": "check=1; Path=/"})
        if request.args.get("step") == "1":
            return Response("", 302, {"Location": "/board/rss.do?step=2", "Set-Cookie": removal})
        if request.cookies.get("check") is not None:
            return Response("", 302, {"Location": "/board/rss.do"})
        return Response(RSS, content_type="application/rss+xml")

    httpserver.expect_request("/board/rss.do").respond_with_handler(board)
    return fetch_one(httpserver.url_for("/board/rss.do"))


def test_a_cookie_a_redirect_sets_replaces_the_configured_one_of_its_name(httpserver: HTTPServer) -> None:
    """A source configured with a Cookie header (a session copied from a browser) whose board answers its
    stale session with a 302 setting a new one: _HopCookies.added appends the new cookie after the configured
    one, `JSESSIONID=old; JSESSIONID=new`, and a server reads the first of a name (Tomcat, PHP): the stale
    session again, 302 after 302, 'too many redirects'. A browser's jar would send the new value only."""

    result = fetch_through_a_session_check(
        httpserver, "JSESSIONID=new; Path=/", session="new", headers=(("Cookie", "JSESSIONID=old"),)
    )
    assert (result.error, result.body) == (None, RSS)


def test_a_redirects_cookie_with_an_attribute_python_does_not_know_is_still_sent(httpserver: HTTPServer) -> None:
    """_HopCookies reads Set-Cookie with http.cookies.SimpleCookie, which drops a whole line at a flag it does
    not know: `JSESSIONID=abc; Path=/; Secure; HttpOnly; Partitioned` (CHIPS, as browsers now take it) sets
    nothing, and the session-check board loops again: 'too many redirects'."""

    result = fetch_through_a_session_check(httpserver, "JSESSIONID=abc; Path=/; HttpOnly; Partitioned")
    assert (result.error, result.body) == (None, RSS)


@pytest.mark.parametrize(
    "cookie", ['JSESSIONID="abc"; Path=/', 'JSESSIONID="abc"; Version=1; Path=/'], ids=["quoted", "version-1"]
)
def test_a_redirects_cookie_with_a_quoted_value_is_sent_on(httpserver: HTTPServer, cookie: str) -> None:
    """RFC 6265 (4.1.1): a cookie-value may be in double quotes (a servlet container's version-1 cookie,
    `JSESSIONID="abc"`), and browsers send it back as it came. _HopCookies.take drops any pair _COOKIE_TEXT
    refuses, and it refuses the DQUOTE: the session check loops, 'too many redirects' (the client's cookie jar
    of before sent it on)."""

    result = fetch_through_a_session_check(httpserver, cookie)
    assert (result.error, result.body) == (None, RSS)


@pytest.mark.parametrize(
    "removal",
    [
        "check=; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0",
        "check=; Path=/; expires=Sun, 08-Nov-2026 12:00:00 GMT; Max-Age=0",
    ],
    ids=["max-age-0-after-a-future-expires", "php-order"],
)
def test_a_redirects_max_age_0_removes_its_cookie_whatever_expires_says(httpserver: HTTPServer, removal: str) -> None:
    """RFC 6265 (5.3 step 3): Max-Age wins over Expires, wherever it stands. _HopCookies._removes returns at the
    first of the two it meets: an Expires before Max-Age decides alone, and a removal by Max-Age=0 after a
    future Expires (the old SimpleCookie reading removed it) is sent on: the board loops, 'too many redirects'."""
    result = fetch_through_a_cookie_check(httpserver, removal)
    assert (result.error, result.body) == (None, RSS)


def test_a_redirects_cookie_with_a_max_age_is_kept_whatever_expires_says(httpserver: HTTPServer) -> None:
    """A board whose clock is behind writes an Expires already past beside a Max-Age of half an hour (PHP writes
    `expires=…; Max-Age=1800`). Browsers keep the cookie (Max-Age wins); _HopCookies._removes reads the Expires
    first and drops it: the session check loops, 'too many redirects' (the SimpleCookie reading kept it)."""

    result = fetch_through_a_session_check(
        httpserver, "JSESSIONID=abc; expires=Thu, 01-Jan-2015 00:00:00 GMT; Max-Age=1800; path=/"
    )
    assert (result.error, result.body) == (None, RSS)


@pytest.mark.parametrize("age", ["--1", "\u00b2"], ids=["double-minus", "superscript-two"])
def test_a_redirects_cookie_with_a_malformed_max_age_is_kept_and_fails_nothing(
    httpserver: HTTPServer, age: str
) -> None:
    """RFC 6265 (5.2.2): a Max-Age whose remainder after its first character holds a non-DIGIT is ignored.
    _HopCookies._removes takes any value that is digits once its leading "-"s are stripped (str.isdigit, which
    also passes "²") and hands it to int(), which raises: a ValueError out of Fetcher.fetch (no _Failure), the
    source failed as an 'internal error' by one odd Set-Cookie on a redirect (a full-text page's, its whole
    source)."""

    result = fetch_through_a_session_check(httpserver, f"JSESSIONID=abc; Max-Age={age}; Path=/")
    assert (result.error, result.body) == (None, RSS)


def test_a_configured_cookie_header_is_not_cut_by_the_bound_on_a_redirects_cookies(httpserver: HTTPServer) -> None:
    """COOKIE_BYTES bounds what a server's redirects add to a request. _HopCookies.added now counts the source's
    own configured Cookie header in it too, the configured pairs first: a browser's session copied whole (over
    4 KiB of its tracking cookies) leaves no room, and the JSESSIONID the board's 302 set is never sent (before,
    the configured header went as it was, the redirect's cookies after it): 'too many redirects'."""
    from pressfeed.ingest.fetch import COOKIE_BYTES

    configured = "; ".join(f"_ga{n}=GA1.1.{'7' * 60}" for n in range(COOKIE_BYTES // 70 + 1))

    result = fetch_through_a_session_check(httpserver, "JSESSIONID=abc; Path=/", headers=(("Cookie", configured),))
    assert (result.error, result.body) == (None, RSS)


def test_redirect_to_file_url_is_refused(httpserver: HTTPServer) -> None:
    redirect(httpserver, "/rss.xml", "file:///etc/passwd", 302)
    result = fetch_one(httpserver.url_for("/rss.xml"))

    assert result.status is None and result.body is None
    assert result.error == "redirect to unsupported URL: file:///etc/passwd"


# -- limits -----------------------------------------------------------------------------------


def test_size_cap_aborts_streaming_download(httpserver: HTTPServer) -> None:
    chunk, total = b"x" * 16384, 10_000  # 160 MiB: far more than socket buffers can hold
    produced = 0
    finished = threading.Event()

    def chunks() -> Iterator[bytes]:
        nonlocal produced
        try:
            for _ in range(total):
                produced += 1
                yield chunk
        finally:
            finished.set()  # also runs when werkzeug closes the generator on a broken pipe

    httpserver.expect_request("/huge.xml").respond_with_handler(
        lambda request: Response(chunks(), mimetype="application/rss+xml")  # no Content-Length
    )
    result = fetch_one(httpserver.url_for("/huge.xml"))

    assert result.status is None and result.body is None
    assert result.error == "response larger than 64.0 KiB, download aborted"
    assert finished.wait(5), "the server kept streaming after the client gave up"
    assert produced < total


def test_declared_content_length_over_cap_is_rejected_before_reading(
    httpserver: HTTPServer, release: threading.Event
) -> None:
    def body() -> Iterator[bytes]:
        yield b"<rss>"
        release.wait(10)  # the rest never comes: only an early rejection is quick

    httpserver.expect_request("/big.xml").respond_with_handler(
        lambda request: Response(body(), headers={"Content-Length": str(10**9)})
    )
    started = time.monotonic()
    result = fetch_one(httpserver.url_for("/big.xml"))

    assert result.error == "response larger than 64.0 KiB, download aborted"
    assert time.monotonic() - started < CONFIG.timeout


def test_size_cap_boundary(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big.xml").respond_with_data(b"x" * (CONFIG.max_bytes + 1))
    exact = replace(CONFIG, max_bytes=CONFIG.max_bytes + 1)

    too_big = fetch_one(httpserver.url_for("/big.xml"))
    just_fits = fetch_one(httpserver.url_for("/big.xml"), config=exact)

    assert too_big.error == "response larger than 64.0 KiB, download aborted"
    assert just_fits.ok and just_fits.body is not None
    assert len(just_fits.body) == CONFIG.max_bytes + 1


def test_slow_server_times_out(httpserver: HTTPServer, release: threading.Event) -> None:
    def handler(request: Request) -> Response:
        release.wait(10)  # far beyond the 1 s timeout; freed at teardown
        return Response(RSS)

    httpserver.expect_request("/slow.xml").respond_with_handler(handler)
    started = time.monotonic()
    result = fetch_one(httpserver.url_for("/slow.xml"))

    assert time.monotonic() - started < 3
    assert result.status is None and result.body is None
    assert result.error == "timed out after 1.0 s"


def test_trickling_server_hits_total_time_cap(httpserver: HTTPServer, release: threading.Event) -> None:
    sent = 0

    def trickle() -> Iterator[bytes]:
        # one byte every 0.3 s for 10 s: httpx's read timeout (1 s) never fires
        nonlocal sent
        for _ in range(33):
            sent += 1
            yield b"<"
            if release.wait(0.3):
                return

    httpserver.expect_request("/trickle.xml").respond_with_handler(
        lambda request: Response(trickle(), mimetype="application/rss+xml")
    )
    started = time.monotonic()
    result = fetch_one(httpserver.url_for("/trickle.xml"))

    assert time.monotonic() - started < 3
    assert result.status is None and result.body is None
    assert result.error == "timed out after 1.0 s"
    assert sent >= 2  # the body had started arriving when the cap cut it off


class InFlight:
    """Counts simultaneous requests inside handlers (the servers are threaded)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[int, int] = {}
        self.peak: dict[int, int] = {}
        self.peak_total = 0

    def handler(self, port: int) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            with self.lock:
                self.now[port] = self.now.get(port, 0) + 1
                self.peak[port] = max(self.peak.get(port, 0), self.now[port])
                self.peak_total = max(self.peak_total, sum(self.now.values()))
            time.sleep(0.2)
            with self.lock:
                self.now[port] -= 1
            return Response(RSS)

        return handle


def test_per_host_concurrency_is_limited(httpserver: HTTPServer) -> None:
    tracker = InFlight()
    httpserver.expect_request("/feed").respond_with_handler(tracker.handler(httpserver.port))
    requests = [FetchRequest(f"s{i}", httpserver.url_for(f"/feed?n={i}")) for i in range(6)]
    results = fetch(*requests)

    assert all(r.ok for r in results)
    assert tracker.peak[httpserver.port] == CONFIG.per_host  # 2 at a time, never 3


def test_global_concurrency_is_limited(httpserver: HTTPServer, second_server: HTTPServer) -> None:
    tracker = InFlight()
    config = replace(CONFIG, concurrency=3, per_host=2)
    requests = []
    for server in (httpserver, second_server):  # two hosts: same IP, different ports
        server.expect_request("/feed").respond_with_handler(tracker.handler(server.port))
        requests += [FetchRequest(f"{server.port}-{i}", server.url_for("/feed")) for i in range(4)]
    # a roomy pool of its own, so only the semaphore can hold the 4th request back
    roomy = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=100))
    results = fetch_now(requests, config, CLOCK, transport=roomy)

    assert all(r.ok for r in results)
    assert tracker.peak_total == 3
    assert max(tracker.peak.values()) <= 2


# -- holding the event loop -------------------------------------------------------------------------


def _held(
    url: str, arrived: threading.Event, let_go: threading.Event, config: FetchConfig, *waits: float
) -> list[bool]:
    """With one request on the wire (its server set `arrived`, and holds it until `let_go` is set), whether
    room_for(w) returned while it was still there, for each w; then every wait must end with the request."""

    async def scenario() -> list[bool]:
        async with open_fetcher(config, CLOCK) as fetch:
            request = asyncio.create_task(fetch(FetchRequest("src", url)))
            while not arrived.is_set():
                await asyncio.sleep(0.01)
            waiting = [asyncio.create_task(fetch.room_for(seconds)) for seconds in waits]
            await asyncio.sleep(0.3)
            returned = [task.done() for task in waiting]
            let_go.set()
            await request
            await asyncio.wait_for(asyncio.gather(*waiting), 2)  # no request left: no wait is left either
            return returned

    return asyncio.run(scenario())


def test_the_loop_may_be_held_for_less_than_a_requests_time_left(
    httpserver: HTTPServer, release: threading.Event
) -> None:
    """A feed parsed on the event loop's thread holds every request's timers: it may start while the
    requests on the wire have more time left than it may take, and waits for those with less. A request
    connected and waiting for its answer has its budget left (20 s), whatever its connect timeout (3 s)."""
    arrived = threading.Event()

    def handler(request: Request) -> Response:
        arrived.set()
        release.wait(10)
        return Response(RSS)

    httpserver.expect_request("/held.xml").respond_with_handler(handler)
    config = replace(CONFIG, timeout=20.0, connect_timeout=3.0)
    url = httpserver.url_for("/held.xml")
    assert _held(url, arrived, release, config, 1.0, 12.0, 30.0) == [True, True, False]


def test_a_request_still_connecting_may_time_out_sooner(release: threading.Event) -> None:
    """While its TLS handshake is under way, a request's connect timeout (3 s) may fire first."""
    listener = socket.create_server(("127.0.0.1", 0))
    arrived = threading.Event()

    def mute() -> None:  # takes the connection, says nothing, and hangs up when let go
        conn, _ = listener.accept()
        arrived.set()
        release.wait(10)
        conn.close()

    threading.Thread(target=mute, daemon=True).start()
    config = replace(CONFIG, timeout=20.0, connect_timeout=3.0)
    url = f"https://127.0.0.1:{listener.getsockname()[1]}/rss.xml"
    try:
        assert _held(url, arrived, release, config, 1.0, 4.0) == [True, False]
    finally:
        listener.close()


# -- isolation and order ------------------------------------------------------------------


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A 127.0.0.1 port that is bound but not listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/rss.xml"


def test_one_failing_source_does_not_affect_others(httpserver: HTTPServer, refused_url: str, tmp_path: Path) -> None:
    httpserver.expect_request("/a.xml").respond_with_data(RSS)
    httpserver.expect_request("/broken.xml").respond_with_data("", status=500)
    httpserver.expect_request("/b.xml").respond_with_data(RSS + b" ")
    a, broken, refused, missing, b = fetch(
        FetchRequest("a", httpserver.url_for("/a.xml")),
        FetchRequest("broken", httpserver.url_for("/broken.xml")),
        FetchRequest("refused", refused_url),
        FetchRequest("missing", str(tmp_path / "nope.xml")),
        FetchRequest("b", httpserver.url_for("/b.xml")),
    )

    assert a.ok and a.body == RSS
    assert b.ok and b.body == RSS + b" "
    assert broken.error == "HTTP 500" and broken.status == 500
    assert refused.status is None
    assert refused.error is not None and refused.error.startswith("connection failed: ")
    assert missing.error == f"file not found: {tmp_path / 'nope.xml'}"


def test_results_come_back_in_request_order(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.3)  # finishes last, yet is listed first
        return Response(b"slow")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    httpserver.expect_request("/fast").respond_with_data(b"fast")
    ids = ["slow", "fast", "file-missing", "fast-2"]
    results = fetch(
        FetchRequest("slow", httpserver.url_for("/slow")),
        FetchRequest("fast", httpserver.url_for("/fast")),
        FetchRequest("file-missing", "/nonexistent/pressfeed/feed.xml"),
        FetchRequest("fast-2", httpserver.url_for("/fast")),
    )

    assert [r.source_id for r in results] == ids
    assert [r.body for r in results] == [b"slow", b"fast", None, b"fast"]


def test_a_fetcher_with_nothing_to_fetch() -> None:
    assert fetch_now([], CONFIG, CLOCK) == []


# -- local files ----------------------------------------------------------------------------


def test_local_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sample" / "policy.xml"
    path.parent.mkdir()
    path.write_bytes(RSS)

    by_path, by_uri = fetch(FetchRequest("p", str(path)), FetchRequest("u", path.as_uri()))

    for result in (by_path, by_uri):
        assert result.status == 200
        assert result.body == RSS
        assert result.headers == {}  # feedparser sniffs the XML declaration instead
        assert result.ok and result.etag is None


def test_missing_local_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.xml"
    result = fetch_one(str(path))

    assert result.status is None and result.body is None
    assert result.error == f"file not found: {path}"


def test_local_file_is_size_capped(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * (CONFIG.max_bytes + 1))
    result = fetch_one(str(path))

    assert result.body is None
    assert result.error == "file larger than 64.0 KiB, not read"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_local_source_that_is_a_pipe_fails_and_the_run_ends(tmp_path: Path) -> None:
    """Opening a named pipe waits for a writer, for ever, on a thread the fetch timeout cannot stop and the
    event loop waits for on its way out: `pressfeed ingest` never ended, holding the site lock against
    every later cron run. What is no regular file is no feed: refused at once, the other sources read."""
    site = tmp_path / "site"
    (site / "feeds" / "agencies").mkdir(parents=True)
    os.mkfifo(site / "feeds" / "agencies" / "msit.xml")
    (site / "feeds" / "agencies" / "moef.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>재정경제부</title>'
        "<item><title>2026년 예산안 발표</title><link>https://www.mofe.go.kr/nw/view.do?nttId=1</link>"
        "<description>정부는 2026년 예산안을 발표했다.</description><pubDate>2025-11-07 09:00:00</pubDate>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    sources = "".join(
        f"  - {{id: {name}, name: {name}, url: feeds/agencies/{name}.xml, section: it-science, max_age_days: 0}}\n"
        for name in ("msit", "moef")
    )
    (site / "feeds" / "pressfeed.yaml").write_text(CONFIG_TEXT + "fetch: {timeout: 2}\nsources:\n" + sources)

    proc = subprocess.run(
        [sys.executable, "-m", "pressfeed", "--site", str(site), "ingest", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert proc.returncode == 1, proc.stderr
    reports = {r["source_id"]: r for r in json.loads(proc.stdout)["sources"]}
    pipe = site / "feeds" / "agencies" / "msit.xml"
    assert reports["msit"]["error"] == f"{pipe} is not a regular file (a pipe or a device?): not read"
    assert reports["moef"]["error"] is None and reports["moef"]["new"]


def test_a_tls_context_is_built_only_for_https(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the CA bundle costs tens of milliseconds: plain-http fetches (an all-304 cron run) never pay it."""
    built: list[object] = []
    real = httpx.create_ssl_context

    def counting(*args: object, **kwargs: object) -> object:
        built.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    httpserver.expect_request("/rss.xml").respond_with_data(RSS, content_type="application/rss+xml")
    assert fetch(FetchRequest("msit", httpserver.url_for("/rss.xml")))[0].status == 200
    assert built == []
    with socket.socket() as closed:  # a port nothing listens on: the TLS handshake is never reached
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = fetch(FetchRequest("msit", f"https://127.0.0.1:{port}/rss.xml"))[0]
    assert result.error is not None and len(built) == 1


# -- TLS: agency sites are https ---------------------------------------------------


@pytest.fixture(scope="module")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(tls_ca: trustme.CA) -> Iterator[HTTPServer]:
    """An https server on 127.0.0.1 with a certificate from `tls_ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


def trusting(ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's CA bundle, plus `ca`: as if the agency's certificate were publicly issued."""
    real = httpx.create_ssl_context

    def with_test_ca(*args: object, **kwargs: object) -> ssl.SSLContext:
        context = real(*args, **kwargs)  # type: ignore[arg-type]
        ca.configure_trust(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", with_test_ca)


def test_https_is_fetched_and_revalidated_over_tls(
    tls_server: HTTPServer, tls_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    trusting(tls_ca, monkeypatch)
    tls_server.expect_request("/rss.xml", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    tls_server.expect_request("/rss.xml").respond_with_data(
        RSS, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    url = tls_server.url_for("/rss.xml")
    assert url.startswith("https://127.0.0.1:")

    first = fetch_one(url)
    again = fetch_one(url, etag=first.etag)

    assert (first.error, first.status, first.body, first.etag) == (None, 200, RSS, '"v1"')
    assert (again.error, again.status, again.body) == (None, 304, None)


def test_an_untrusted_certificate_is_a_connection_failure(tls_server: HTTPServer) -> None:
    """The test CA is not in the bundle: the handshake fails verification and nothing is read."""
    tls_server.expect_request("/rss.xml").respond_with_data(RSS)

    result = fetch_one(tls_server.url_for("/rss.xml"))

    assert result.status is None and result.body is None
    assert result.error is not None and result.error.startswith("connection failed: ")
    assert "CERTIFICATE_VERIFY_FAILED" in result.error
    assert tls_server.log == []


@pytest.fixture
def mute_tls_server(tls_ca: trustme.CA) -> Iterator[tuple[str, threading.Event]]:
    """An https server on 127.0.0.1 that answers one request, keeps the connection, and never reads again:
    never answering the TLS close_notify a client sends when it is done."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1").configure_cert(context)
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        raw, _ = listener.accept()
        with context.wrap_socket(raw, server_side=True) as conn:
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
            conn.sendall(f"Content-Length: {len(RSS)}\r\n\r\n".encode() + RSS)
            done.wait(10)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}/rss.xml", done
    done.set()
    thread.join(5)
    listener.close()


def test_a_tls_connection_is_closed_without_waiting_for_the_server(
    mute_tls_server: tuple[str, threading.Event], tls_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing the client drops its pooled TLS connection at once: no socket outlives the fetch's event loop
    (asyncio would wait up to 30 s for the server's close_notify, the loop being long gone)."""
    trusting(tls_ca, monkeypatch)
    url, _ = mute_tls_server
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        result = fetch_one(url)
        gc.collect()

    assert (result.error, result.status, result.body) == (None, 200, RSS)
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
