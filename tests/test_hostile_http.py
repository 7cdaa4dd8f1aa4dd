"""Agency feeds from servers pressfeed does not control: a hostile HTTP server on 127.0.0.1.

The server speaks raw HTTP over a socket so it can do what a well-behaved test
server cannot: stack Content-Encodings into a decompression bomb, reset the
connection mid-body, drip one byte at a time, stream 50 MB, redirect to
loopback, link-local or metadata addresses. Every case of issue 11 that
involves the network is here, through `pressfeed ingest` (the real command,
its JSON report and its stderr) and through the fetcher directly where a
property (bounded memory, no connection made) must be measured.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import fetch_now, run_pressfeed
from pressfeed.clock import fixed
from pressfeed.config import FetchConfig, load_config
from pressfeed.core import Pressfeed
from pressfeed.ingest.fetch import (
    ERROR_BODY_BYTES,
    MAX_RETRY_AFTER,
    FetchRequest,
    FetchResult,
    open_fetcher,
)
from pressfeed.ingest.guard import AddressPolicy, is_public

NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
CLOCK = fixed(NOW)
CONFIG = FetchConfig(concurrency=4, per_host=2, connect_timeout=2.0, timeout=3.0, max_bytes=1024 * 1024, user_agent="t")
PRESS = "https://www.korea.kr/briefing/pressReleaseView.do?newsId="

#: writes a response to the socket; returns True to keep the connection for another request
Handler = Callable[[socket.socket, "Request"], bool | None]


# -- the hostile server ---------------------------------------------------------


class Request:
    def __init__(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        self.method, self.path, _ = lines[0].split(" ", 2)
        self.headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if line)}


class HostileServer:
    """One listener on 127.0.0.1; each path runs a function that writes raw bytes to the socket."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[str] = []
        self.connections = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def close(self) -> None:
        self.stop.set()
        self.listener.close()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            buffer = b""
            try:
                while True:  # requests on this connection, while the responses keep it alive
                    while b"\r\n\r\n" not in buffer:
                        chunk = conn.recv(4096)
                        if not chunk:
                            return
                        buffer += chunk
                    head, buffer = buffer.split(b"\r\n\r\n", 1)
                    request = Request(head)
                    self.log.append(request.path)
                    handler = self.routes.get(request.path.split("?")[0])
                    if handler is None:
                        respond(conn, b"not found", status="404 Not Found")
                        return
                    if not handler(conn, request):
                        return
            except OSError:  # the client hung up on us: that is the point of several cases
                pass


def respond(
    conn: socket.socket,
    body: bytes,
    status: str = "200 OK",
    content_type: str = "application/rss+xml; charset=utf-8",
    keep_alive: bool = False,
    **headers: str,
) -> bool:
    """Send a whole response; returns whether the connection stays open for another request."""
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [] if keep_alive else ["Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    return keep_alive


def serving(body: bytes, **kwargs: Any) -> Handler:
    return lambda conn, request: respond(conn, body, **kwargs)


def redirecting(location: str, status: str = "302 Found", **kwargs: Any) -> Handler:
    return lambda conn, request: respond(conn, b"", status=status, Location=location, **kwargs)


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    hostile = HostileServer()
    yield hostile
    hostile.close()


@pytest.fixture
def bystander() -> Iterator[HostileServer]:
    """An internal service on another loopback port: nothing may ever connect to it."""
    internal = HostileServer()
    internal.route("/admin", serving(b"internal secret", content_type="text/plain"))
    yield internal
    internal.close()


# -- feeds ----------------------------------------------------------------------


def item(n: int, title: str = "", pub: str = "2025-11-07 09:00:00", body: str = "") -> str:
    return (
        f"<item><title>{title or f'과기정통부, 인공지능 기본계획 발표 {n}'}</title>"
        f'<link>{PRESS}{n}&amp;call_from=rsslink</link><guid isPermaLink="false">msit-{n}</guid>'
        f"<pubDate>{pub}</pubDate><description><![CDATA[<p>{body or f'정부는 {n}번째 계획을 발표했다.'}</p>]]>"
        "</description></item>"
    )


def rss(*items: str, encoding: str = "utf-8", doctype: str = "") -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n{doctype}'
        '<rss version="2.0"><channel><title>과학기술정보통신부 보도자료</title><link>https://www.korea.kr/</link>'
        "<description>정책브리핑</description>" + "".join(items) + "</channel></rss>"
    )
    return text.encode(encoding)


def fetch_one(url: str, config: FetchConfig = CONFIG, **kwargs: Any) -> FetchResult:
    return fetch_now([FetchRequest("src", url, **kwargs)], config, CLOCK)[0]


# -- decompression bombs (issue 11, item 3) ------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """64 MiB of zeros, gzipped twice: 273 bytes on the wire."""
    return gzip.compress(gzip.compress(b"\0" * (64 << 20), 9), 9)


def test_stacked_gzip_bomb_is_capped_as_it_decodes(server: HostileServer, bomb: bytes) -> None:
    """The cap bounds decoded bytes as they are produced, not after a whole chunk was inflated."""
    url = server.route("/bomb.xml", serving(bomb, Content_Encoding="gzip, gzip"))

    tracemalloc.start()
    try:
        result = fetch_one(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.error == "response larger than 1.0 MiB, download aborted"
    assert len(bomb) < 1000
    assert peak < 8 * CONFIG.max_bytes  # httpx's own decoder inflated all 64 MiB of the chunk at once


@pytest.mark.parametrize("header", ["gzip, gzip, gzip", "deflate, gzip", "gzip,gzip"])
def test_any_stack_of_encodings_is_capped(server: HostileServer, header: str) -> None:
    body = b"<rss/>" + b"\0" * (4 << 20)
    for name in [h.strip() for h in header.split(",")]:  # listed in the order they were applied
        body = _encode(name, body)
    url = server.route(f"/stack-{len(header)}.xml", serving(body, Content_Encoding=header))

    assert fetch_one(url).error == "response larger than 1.0 MiB, download aborted"


def _encode(name: str, data: bytes) -> bytes:
    return gzip.compress(data) if name == "gzip" else zlib.compress(data)


@pytest.mark.parametrize(
    ("header", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
)
def test_encoded_feeds_still_decode(server: HostileServer, header: str, encode: Callable[[bytes], bytes]) -> None:
    feed = rss(item(1), item(2))
    url = server.route(
        f"/enc-{header.replace(' ', '')}-{id(encode)}.xml", serving(encode(feed), Content_Encoding=header)
    )

    result = fetch_one(url)

    assert result.error is None and result.body == feed


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("br", "unsupported Content-Encoding 'br'"),
        ("gzip, compress", "unsupported Content-Encoding 'compress'"),
        ("gzip, gzip, gzip, gzip, gzip", "5 content encodings (at most 4)"),
    ],
)
def test_unknown_or_absurd_encodings_fail_the_source(server: HostileServer, header: str, message: str) -> None:
    url = server.route(f"/bad-enc-{len(header)}.xml", serving(b"whatever", Content_Encoding=header))
    assert fetch_one(url).error == f"undecodable response: {message}"


def test_corrupt_gzip_fails_the_source(server: HostileServer) -> None:
    url = server.route("/corrupt.xml", serving(b"<rss>not gzip at all</rss>", Content_Encoding="gzip"))
    error = fetch_one(url).error
    assert error is not None and error.startswith("undecodable response: bad gzip data")


def test_only_decodable_encodings_are_offered(server: HostileServer) -> None:
    seen: list[Request] = []

    def spy(conn: socket.socket, request: Request) -> None:
        seen.append(request)
        respond(conn, rss(item(1)))

    fetch_one(server.route("/offered.xml", spy))

    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


# -- error bodies: read only when a request asks, and then only their start ------------------------


@pytest.mark.parametrize("status", ["429 Too Many Requests", "503 Service Unavailable"])
def test_a_retry_after_of_thousands_of_digits_waits_the_longest_wait(server: HostileServer, status: str) -> None:
    """Past 4,300 digits int() raises ValueError: the fetch escaped its one-result contract, the source
    failed with an "internal error" and no wait at all. A wait of more digits than MAX_RETRY_AFTER has is
    that maximum, as a long one already was."""
    url = server.route(f"/busy-{status[:3]}.xml", serving(b"busy", status=status, Retry_After="9" * 5000))

    result = fetch_one(url)

    assert (result.status, result.error) == (int(status[:3]), f"HTTP {status[:3]}")
    assert result.retry_after == NOW + MAX_RETRY_AFTER


def test_a_retry_after_date_no_calendar_holds_is_no_date(server: HostileServer) -> None:
    """An HTTP-date of a twenty-digit year overflows datetime() (OverflowError, not ValueError): the fetch
    escaped its contract as above. It is a Retry-After nobody can read: as if there were none."""
    date = "Sat, 08 Nov 99999999999999999999 12:00:00 GMT"
    url = server.route("/busy-date.xml", serving(b"busy", status="503 Service Unavailable", Retry_After=date))

    result = fetch_one(url)

    assert (result.status, result.error) == (503, "HTTP 503")
    assert result.retry_after is None


def test_an_error_body_is_read_only_when_asked(server: HostileServer) -> None:
    """A board feed's error page stays unread (its status is all a report needs); the press-release API
    asks for its errors' bodies, and gets their first ERROR_BODY_BYTES, never the whole page."""
    page = b"<!DOCTYPE html><html><head><title>500</title></head><body>" + b"<p>\xec\x98\xa4\xeb\xa5\x98</p>" * 100_000
    url = server.route("/error-page.xml", serving(page, status="500 Internal Server Error", content_type="text/html"))

    board, api = fetch_one(url), fetch_one(url, error_body=True)

    assert (board.error, board.status, board.body, board.error_body) == ("HTTP 500", 500, None, None)
    assert (api.error, api.status, api.body) == ("HTTP 500", 500, None)
    assert api.error_body == page[:ERROR_BODY_BYTES]


def test_a_bomb_in_an_error_body_stops_at_its_start(server: HostileServer, bomb: bytes) -> None:
    url = server.route("/error-bomb", serving(bomb, status="401 Unauthorized", Content_Encoding="gzip, gzip"))

    tracemalloc.start()
    try:
        result = fetch_one(url, error_body=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (result.error, result.error_body) == ("HTTP 401", b"\0" * ERROR_BODY_BYTES)
    assert peak < 32 * ERROR_BODY_BYTES  # 2 MiB, not the 64 MiB it expands to


@pytest.mark.parametrize(
    ("header", "body"),
    [("gzip", b"Unauthorized"), ("br", b"Unauthorized"), ("gzip, gzip, gzip, gzip, gzip", b"x")],
    ids=["corrupt", "unsupported", "too-many"],
)
def test_an_undecodable_error_body_leaves_its_status(server: HostileServer, header: str, body: bytes) -> None:
    handler = serving(body, status="401 Unauthorized", content_type="text/plain", Content_Encoding=header)
    result = fetch_one(server.route(f"/error-enc-{len(header)}", handler), error_body=True)

    assert (result.error, result.status, result.error_body) == ("HTTP 401", 401, b"")


def _error_drip(conn: socket.socket, request: Request) -> None:
    head = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n"
    conn.sendall(head + b"Retry-After: 120\r\n\r\nService Unavailable")
    for _ in range(50):
        time.sleep(0.05)
        conn.sendall(b".")


def test_an_error_body_that_trickles_is_cut_and_the_status_kept(server: HostileServer) -> None:
    """Half of the time left goes to the body; the status is then reported, not a timeout."""
    config = replace(CONFIG, timeout=1.0, connect_timeout=1.0)
    result = fetch_one(server.route("/error-drip", _error_drip), config, error_body=True)

    assert (result.error, result.status) == ("HTTP 503", 503)
    assert result.retry_after == NOW + timedelta(seconds=120)  # what a 503 always gave
    assert result.error_body is not None and result.error_body.startswith(b"Service Unavailable")
    assert result.elapsed < config.timeout


# -- where redirects may lead (issue 11, item 4) --------------------------------------------


def _targets(server: HostileServer, bystander: HostileServer) -> dict[str, str]:
    port = bystander.port
    return {
        "other port": f"http://127.0.0.1:{port}/admin",
        "localhost": f"http://localhost:{port}/admin",
        "localhost, same port": f"http://localhost:{server.port}/feed.xml",
        "ipv6 loopback": f"http://[::1]:{port}/admin",
        "integer ip": f"http://2130706433:{port}/admin",
        "hex ip": f"http://0x7f000001:{port}/admin",
        "short ip": f"http://127.1:{port}/admin",
        "ipv4-mapped ipv6": f"http://[::ffff:127.0.0.1]:{port}/admin",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "private": "http://10.0.0.1/",
        "unspecified": f"http://0.0.0.0:{port}/admin",
    }


@pytest.mark.parametrize(
    "case",
    [
        "other port",
        "localhost",
        "localhost, same port",
        "ipv6 loopback",
        "integer ip",
        "hex ip",
        "short ip",
        "ipv4-mapped ipv6",
        "metadata",
        "private",
        "unspecified",
    ],
)
@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found"])
def test_redirect_to_an_internal_address_is_refused(
    server: HostileServer, bystander: HostileServer, case: str, status: str
) -> None:
    target = _targets(server, bystander)[case]
    server.route("/feed.xml", serving(rss(item(1))))
    url = server.route(f"/to-{case.replace(' ', '-').replace(',', '')}-{status[:3]}", redirecting(target, status))

    result = fetch_one(url)

    assert result.error is not None and result.error.startswith(f"redirect to {target.rstrip('/')}")
    assert " refused: " in result.error and "fetch.allow_private" in result.error
    assert result.moved_to is None and result.body is None  # a 301 there never moves the source
    assert bystander.connections == 0  # refused before connecting


def test_the_configured_origin_itself_may_be_private(server: HostileServer) -> None:
    """The operator configured 127.0.0.1:PORT: it and its own redirects are fine."""
    server.route("/new.xml", serving(rss(item(1))))
    url = server.route("/old.xml", redirecting(server.url("/new.xml"), "301 Moved Permanently"))

    result = fetch_one(url)

    assert result.error is None and result.moved_to == server.url("/new.xml")


def test_allow_private_lets_redirects_reach_listed_networks(server: HostileServer, bystander: HostileServer) -> None:
    bystander.route("/feed.xml", serving(rss(item(1))))
    url = server.route("/to-allowed", redirecting(bystander.url("/feed.xml")))

    assert fetch_one(url, replace(CONFIG, allow_private=("10.0.0.0/8",))).error is not None
    result = fetch_one(url, replace(CONFIG, allow_private=("127.0.0.0/8",)))

    assert result.error is None and result.body == rss(item(1))


def test_content_derived_urls_trust_only_the_configured_origin(server: HostileServer) -> None:
    """A page linked from an item (the full-text fetcher) says which origin is trusted."""
    url = server.route("/article.html", serving(b"<html>article</html>", content_type="text/html"))

    untrusted = fetch_one(url, trusted_origin="")
    other = fetch_one(url, trusted_origin="https://www.korea.kr/rss/dept_msit.xml")
    same = fetch_one(url, trusted_origin=server.url("/rss.xml"))

    assert untrusted.error == f"{url} refused: 127.0.0.1 is a loopback address; only the source's own host may be, " + (
        "or a network listed in fetch.allow_private"
    )
    assert other.error is not None and "refused" in other.error
    assert same.error is None and same.body == b"<html>article</html>"


# -- what a server's headers may put in a stored error (and in cron mail) ---------------------------


def _raw_redirect(location: bytes) -> Handler:
    """A 302 whose Location is these bytes as they are (respond() writes only Latin-1 text)."""
    head = b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\nConnection: close\r\nLocation: " + location + b"\r\n\r\n"
    return lambda conn, request: conn.sendall(head) and None


@pytest.mark.parametrize(
    ("case", "location", "start"),
    [
        # httpx itself refuses a Location of 65,536 characters or more
        ("100 kB", "http://127.0.0.2:{port}/" + "x" * 100_000, "connection failed: Invalid URL"),
        # under that, past MAX_URL_LENGTH (8,192), it is refused for its length, quoted cut short
        ("36 kB", "http://127.0.0.2:{port}/" + "보도자료" * 1_000, "redirect to a URL of 36,0"),
        # under that it becomes a hop, refused as loopback: the whole URL went into the error
        ("7 kB, loopback", "http://127.0.0.2:{port}/" + "보도자료" * 200, "redirect to http://127.0.0.2:"),
        ("10 kB, other scheme", "ftp://ftp.moef.go.kr/" + "x" * 10_000, "redirect to unsupported URL: ftp://ftp.moef"),
        # h11 passes bytes over 0x7f; as UTF-8 they are line breaks (U+2028, NEL) and a bidi override
        (
            "line breaks",
            "gopher://evil.example/a\u2028Subject: forged\u0085X-Mailer: \u202eevil",
            "redirect to unsupported URL: gopher://evil.example/a Subject: forged X-Mailer:  evil",
        ),
    ],
)
def test_a_hostile_location_is_cut_short_and_kept_on_one_line(
    server: HostileServer, case: str, location: str, start: str
) -> None:
    """The error is stored as the source's and printed by cron at every run: a server must neither fill
    it with 100 kB nor start lines of its own in the mail."""
    url = server.route(f"/long-{case.replace(' ', '-')}", _raw_redirect(location.format(port=server.port).encode()))

    result = fetch_one(url)

    assert result.error is not None and result.error.startswith(start), result.error[:300]
    assert len(result.error) <= 500
    assert result.error.isprintable()  # no control character, line separator or bidi override
    assert result.body is None and result.moved_to is None


def test_a_redirect_to_a_url_too_long_to_keep_fails_the_fetch(server: HostileServer) -> None:
    """A 301's Location becomes the source's stored URL (httpx takes up to 64 KiB): past 8,192 characters,
    which most servers refuse in a request anyway, the fetch fails and nothing is stored."""
    server.route("/far.xml", serving(rss(item(1))))
    longest = server.url("/far.xml?page=")
    longest += "x" * (8_192 - len(longest))
    for length in (8_193, 60_000):
        target = longest + "x" * (length - len(longest))
        url = server.route(f"/moved-{length}.xml", redirecting(target, "301 Moved Permanently"))

        result = fetch_one(url)

        assert result.error is not None, length
        assert result.error.startswith(f"redirect to a URL of {length:,} characters, more than the 8,192 allowed: ")
        assert len(result.error) <= 500 and result.body is None and result.moved_to is None

    url = server.route("/moved-8192.xml", redirecting(longest, "301 Moved Permanently"))
    result = fetch_one(url)
    assert result.error is None and result.moved_to == longest


def test_a_redirect_to_a_host_no_url_can_name_fails_the_fetch(server: HostileServer) -> None:
    """httpx decodes an `xn--` label only when asked for the host, raising idna's UnicodeError, which no
    httpx error catches: the source failed as an "internal error" instead of blaming the redirect."""
    url = server.route("/idna.xml", redirecting("http://xn--/feed.xml", "301 Moved Permanently"))

    result = fetch_one(url)

    assert result.error == (
        "redirect to an invalid URL: its host is no IDNA name (Malformed A-label, no Punycode eligible content found)"
    )
    assert result.moved_to is None


def test_a_kept_alive_connection_the_server_has_closed_is_not_reused(server: HostileServer) -> None:
    """A server that promises keep-alive and then hangs up (an idle timeout): the next request connects anew."""
    url = server.route("/hangs-up.xml", lambda conn, request: respond(conn, rss(item(1)), keep_alive=True) and False)
    connections = server.connections

    async def twice() -> tuple[FetchResult, FetchResult]:
        async with open_fetcher(CONFIG, CLOCK) as fetch:
            first = await fetch(FetchRequest("a", url))
            await asyncio.sleep(0.2)  # the server's FIN has arrived; the pooled connection is dead
            return first, await fetch(FetchRequest("a", url))

    first, second = asyncio.run(twice())

    assert first.error is None and second.error is None
    assert second.body == first.body
    assert server.connections - connections == 2


def in_order(config: FetchConfig, urls: list[str]) -> list[FetchResult]:
    """`urls` fetched one after another through one fetcher, as a run's sources share it."""

    async def each() -> list[FetchResult]:
        async with open_fetcher(config, CLOCK) as fetch:
            return [await fetch(FetchRequest("a", url, etag='"v1"')) for url in urls]

    return asyncio.run(each())


def test_a_304_leaves_its_connection_for_the_next_request(server: HostileServer) -> None:
    """Most of a run's answers are 304s: each must not cost a new connection (a TLS handshake on https)."""
    not_modified = lambda conn, request: respond(conn, b"", status="304 Not Modified", keep_alive=True, ETag='"v1"')  # noqa: E731
    url = server.route("/unchanged-304.xml", not_modified)
    connections = server.connections

    results = in_order(CONFIG, [url, url, url])

    assert [r.status for r in results] == [304, 304, 304] and all(r.error is None for r in results)
    assert server.connections - connections == 1


def _overlong(conn: socket.socket, request: Request) -> bool:
    """A body 300 bytes longer than its Content-Length, sent at once, the connection kept alive."""
    body = rss(item(1))
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {len(body) - 300}\r\n\r\n"
    conn.sendall(head.encode("latin-1") + body)
    return True


def test_a_body_longer_than_its_content_length_fails_no_other_source(server: HostileServer) -> None:
    """The bytes past the length stayed in the pooled connection's buffer and were read as the next answer: the
    next source on that host failed ("illegal status line"). A request whose reused connection answers with
    junk before any response is sent once more, on a connection of its own."""
    overlong = server.route("/overlong.xml", _overlong)
    fine = server.route("/after-overlong.xml", serving(rss(item(2)), keep_alive=True))

    first, second = in_order(CONFIG, [overlong, fine])

    assert first.status == 200  # what its length said: its own (cut) document
    assert (second.error, second.status) == (None, 200) and b"<guid" in (second.body or b"")


def late_words(words: bytes, hang_up: bool) -> Handler:
    """Answer with keep-alive, then, while the client holds the connection idle, send `words`."""

    def handler(conn: socket.socket, request: Request) -> bool:
        respond(conn, rss(item(1)), keep_alive=True)
        time.sleep(0.1)
        conn.sendall(words)
        return not hang_up

    return handler


@pytest.mark.parametrize(
    ("words", "hang_up"),
    [
        (b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", True),
        (b"\r\n", False),  # a stray line end after the body, the connection left open
    ],
    ids=["408-then-close", "stray-bytes"],
)
def test_an_idle_connection_the_server_wrote_to_is_not_reused(
    server: HostileServer, words: bytes, hang_up: bool
) -> None:
    """Bytes on an idle pooled connection (nginx's 408 before it closes it) answer no request of ours."""
    url = server.route(f"/late-words-{hang_up}.xml", late_words(words, hang_up))
    connections = server.connections

    async def twice() -> tuple[FetchResult, FetchResult]:
        async with open_fetcher(CONFIG, CLOCK) as fetch:
            first = await fetch(FetchRequest("a", url))
            await asyncio.sleep(0.3)  # the late words have arrived
            return first, await fetch(FetchRequest("a", url))

    first, second = asyncio.run(twice())

    assert (first.error, second.error) == (None, None)
    assert second.status == 200 and second.body == first.body
    assert server.connections - connections == 2


def test_a_tls_handshake_that_never_comes_is_a_connect_timeout(server: HostileServer) -> None:
    """A server that accepts and then says nothing to a ClientHello: the connect timeout ends it, not the total."""
    url = f"https://127.0.0.1:{server.port}/rss.xml"  # the server waits for an HTTP head that never comes
    config = replace(CONFIG, connect_timeout=0.5, timeout=3.0)
    started = time.monotonic()

    result = fetch_one(url, config)

    assert result.error == "connection failed: no connection within 0.5 s"
    assert time.monotonic() - started < 2.5


def test_a_pooled_connection_does_not_carry_one_sources_trust_to_another(
    server: HostileServer, bystander: HostileServer
) -> None:
    """Source A's own private origin is open to A; B redirecting there must not ride A's pooled connection."""
    # keep-alive on A's connection, so the pool would hand it to B's hop without connecting
    server.route("/a.xml", serving(rss(item(1)), keep_alive=True))
    # B is configured at another origin (another loopback port), so its own origin is all it trusts
    bystander.route("/b.xml", redirecting(server.url("/a.xml")))
    config = replace(CONFIG, allow_private=())

    async def both() -> tuple[FetchResult, FetchResult]:
        async with open_fetcher(config, CLOCK) as fetch:
            first = await fetch(FetchRequest("a", server.url("/a.xml")))
            second = await fetch(FetchRequest("b", bystander.url("/b.xml")))
            return first, second

    a, b = asyncio.run(both())

    assert a.error is None
    assert b.error is not None and b.error.startswith(f"redirect to {server.url('/a.xml')} refused")
    assert server.log.count("/a.xml") == 1


@pytest.mark.parametrize("limit", [{"per_host": 1}, {"concurrency": 1}], ids=["per-host", "concurrency"])
def test_a_request_queued_behind_a_trusted_one_does_not_ride_its_pooled_connection(
    server: HostileServer, limit: dict[str, int]
) -> None:
    """The pooled-connection check ran before the request waited for its host's (or a global) slot. A page
    linked from another source's item, asked for while the private source's own request was connecting,
    passed the check (nothing recorded yet), queued behind it, then was handed its idle keep-alive connection
    and read the private origin: the address policy never saw it."""
    server.route("/private.xml", serving(rss(item(1)), keep_alive=True))
    config = replace(CONFIG, **limit)

    async def both() -> list[FetchResult]:
        async with open_fetcher(config, CLOCK) as fetch:
            return list(
                await asyncio.gather(
                    fetch(FetchRequest("intranet", server.url("/private.xml"))),
                    fetch(FetchRequest("other", server.url("/private.xml"), trusted_origin="https://www.korea.kr/")),
                )
            )

    before = server.log.count("/private.xml")
    trusted, other = asyncio.run(both())

    assert trusted.error is None
    assert other.error is not None and " refused: " in other.error and other.body is None
    assert server.log.count("/private.xml") - before == 1


def test_dns_names_are_judged_by_the_address_they_resolve_to(
    server: HostileServer, bystander: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public-looking name that resolves to loopback (a rebinding DNS server) is refused at connect time."""
    real = asyncio.base_events.BaseEventLoop.getaddrinfo

    async def rebinding(self: Any, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "feeds.rebind.example":
            host = "127.0.0.1"
        return await real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(asyncio.base_events.BaseEventLoop, "getaddrinfo", rebinding)
    url = server.route("/to-rebind", redirecting(f"http://feeds.rebind.example:{bystander.port}/admin"))

    result = fetch_one(url)

    assert result.error is not None and "feeds.rebind.example (127.0.0.1) is a loopback address" in result.error
    assert bystander.connections == 0


def test_a_tarpit_resolver_behind_one_sources_links_fails_no_other_source(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names are resolved with loop.getaddrinfo, on asyncio's default executor (min(32, cores + 4) threads). A
    hostile feed whose links name hosts under a domain whose DNS never answers occupies every thread for the
    resolver's own timeout (glibc: 5 s per try and server), long after each request's time ran out and it was
    given up; every other source's lookup queues behind them, and those sources fail as timed out."""
    real = socket.getaddrinfo

    def tarpit(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).endswith(".tarpit.example"):
            time.sleep(3.0)  # a name server that never answers, until the resolver gives up
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real("127.0.0.1" if host == "www.msit.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", tarpit)
    server.route("/msit.xml", serving(rss(item(1))))
    config = replace(CONFIG, concurrency=50, per_host=2, timeout=1.0, connect_timeout=1.0)
    hostile = [FetchRequest("evil", f"http://p{n}.tarpit.example/view", trusted_origin="") for n in range(40)]
    good = FetchRequest("msit", f"http://www.msit.example:{server.port}/msit.xml")

    *pages, feed = fetch_now([*hostile, good], config, CLOCK)

    assert all(page.error is not None for page in pages)
    assert feed.error is None and feed.body == rss(item(1))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("211.43.5.10", True),  # a Korean agency's server
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),  # the IPv6 metadata service
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        # IPv6 addresses that carry an IPv4 one are judged by it too: a tunnel or NAT64 gateway delivers there
        ("64:ff9b::7f00:1", False),  # NAT64 (RFC 6052) to 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 to the metadata service
        ("64:ff9b::808:808", True),  # NAT64 to 8.8.8.8: how an IPv6-only host reaches an IPv4 agency
        ("64:ff9b:1::808:808", False),  # local-use NAT64 (RFC 8215): the operator's own network
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2002:808:808::1", False),  # 6to4 of 8.8.8.8: relayed, deprecated (RFC 7526); whatever Python says
        ("::7f00:1", False),  # IPv4-compatible 127.0.0.1 (deprecated)
        ("::ffff:0:a00:1", False),  # IPv4-translated 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo
    ],
)
def test_what_counts_as_public(address: str, public: bool) -> None:
    import ipaddress

    assert is_public(ipaddress.ip_address(address)) is public


def test_policy_trusts_the_origin_and_its_https_upgrade() -> None:
    import ipaddress

    policy = AddressPolicy.build("http://intranet.example-portal.kr/rss.xml", ["192.168.10.0/24"])
    loopback = ipaddress.ip_address("10.0.0.5")

    assert policy.permits("intranet.example-portal.kr", 80, loopback)
    assert policy.permits("intranet.example-portal.kr", 443, loopback)  # http → https on the same host
    assert not policy.permits("intranet.example-portal.kr", 8080, loopback)
    assert not policy.permits("other.example-portal.kr", 80, loopback)
    assert policy.permits("printer", 80, ipaddress.ip_address("192.168.10.7"))
    assert policy.permits("printer", 80, ipaddress.ip_address("::ffff:192.168.10.7"))
    assert policy.permits("printer", 80, ipaddress.ip_address("64:ff9b::c0a8:a07"))  # the same, through NAT64
    assert not policy.permits("printer", 80, ipaddress.ip_address("64:ff9b::c0a8:b07"))  # 192.168.11.7


def test_a_refusal_names_what_an_ipv6_address_carries() -> None:
    import ipaddress

    from pressfeed.ingest.guard import BlockedAddressError

    message = str(BlockedAddressError("feeds.example", 80, ipaddress.ip_address("64:ff9b::a9fe:a9fe")))

    assert message.startswith("feeds.example (64:ff9b::a9fe:a9fe) is a link-local (cloud metadata) address")


# -- the whole command against every hostile case -------------------------------------------


def _drip(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<rss")
    for _ in range(100):
        time.sleep(0.1)
        conn.sendall(b" ")


def _reset(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<rss ver")
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close


def _fifty_megabytes(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n")
    block = b"<item>" + b"x" * 65530
    chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    for _ in range(50 * 1024 * 1024 // len(block)):
        conn.sendall(chunk)
    conn.sendall(b"0\r\n\r\n")


XXE = """<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n"""
LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>\n"
)


def _inside(n: int, markup: str) -> str:
    """Release n with `markup` at its end: one hostile element among real ones."""
    return item(n).replace("</item>", markup + "</item>")


#: feeds built to hold feedparser: refused before it parses, or stopped by the CPU budget (the author)
HOLDING = {
    "crowded": rss(_inside(51, '<enclosure url="/f.hwp" ' + " ".join(f'a{n}="1"' for n in range(20_000)) + "/>")),
    "prefixes": rss(_inside(52, "".join(f'<x{n}:a xmlns:x{n}="urn:x:{n}"/>' for n in range(65)))),
    "markup": rss(_inside(53, "<br/>" * 200_000)),
    "entities": rss(
        item(54, title="&agency;" * 200),
        doctype='<!DOCTYPE rss [\n<!ENTITY agency "' + "과학기술정보통신부 " * 6_000 + '">\n]>\n',
    ),
    "author": rss(_inside(55, "<author>" + "a" * 600_000 + "</author>")),
}


def _hostile_site(root: Path, server: HostileServer, bystander: HostileServer, bomb: bytes) -> dict[str, str]:
    """Configure one source per case; returns source id → configured URL."""
    cases: dict[str, Handler] = {
        "good": serving(rss(*(item(n) for n in range(1, 4)))),
        "euckr": serving(rss(item(11, "기획재정부 경제정책방향"), encoding="euc-kr"), content_type="text/xml"),
        "bomb": serving(bomb, Content_Encoding="gzip, gzip"),
        "to-other-port": redirecting(bystander.url("/admin"), "301 Moved Permanently"),
        "to-localhost": redirecting(f"http://localhost:{bystander.port}/admin", "301 Moved Permanently"),
        "to-ipv6": redirecting(f"http://[::1]:{bystander.port}/admin"),
        "to-integer": redirecting(f"http://2130706433:{bystander.port}/admin"),
        "to-metadata": redirecting("http://169.254.169.254/latest/meta-data/", "301 Moved Permanently"),
        "loop": redirecting("/loop"),
        "to-far": redirecting(server.url("/good.xml?page=" + "x" * 9_000), "301 Moved Permanently"),
        "drip": _drip,
        "reset": _reset,
        "huge": _fifty_megabytes,
        "e500": serving(b"Internal Server Error", status="500 Internal Server Error", content_type="text/html"),
        "e429": serving(b"slow down", status="429 Too Many Requests", content_type="text/plain", Retry_After="120"),
        "xxe": serving(rss(item(21, "&xxe;"), doctype=XXE)),
        "laughs": serving(rss(item(31, "&lol9;"), doctype=LAUGHS)),
        "html": serving(
            b"<!DOCTYPE html><html><body><h1>\xec\xa0\x90\xea\xb2\x80 \xec\xa4\x91</h1>", content_type="text/html"
        ),
        "binary": serving(bytes(range(256)) * 64, content_type="application/octet-stream"),
        "surrogate": serving(
            rss(
                item(41),
                item(42, "나쁜 &#xD800; 제목", body="본문 &#xDFFF; 끝 &#0; &#x110000;"),
                item(43),
                item(44, "날짜가 틀린 보도자료", pub="2025-13-45"),
                item(45, "먼 미래의 보도자료", pub="9999-01-01T00:00:00Z"),
                item(46, "방향 &#x202E;fdp.exe 바꾸기"),
            )
        ),
        **{case: serving(feed) for case, feed in HOLDING.items()},
    }
    urls = {}
    for source_id, handler in cases.items():
        path = "/loop" if source_id == "loop" else f"/{source_id}.xml"
        urls[source_id] = server.route(path, handler)
    sources = "\n".join(
        f"  - {{id: {source_id}, name: 기관 {source_id}, url: '{url}', section: it-science, max_age_days: 0}}"
        for source_id, url in urls.items()
    )
    config = f"""\
site:
  title: 포탈뉴스통신
  url: https://www.example-portal.kr/
  feed_url: https://www.example-portal.kr/feeds/
  tag_authority: example-portal.kr,2025
sections:
  it-science: {{title: IT/과학}}
fetch:
  timeout: 3
  connect_timeout: 2
sources:
{sources}
"""
    (root / "feeds").mkdir(parents=True)
    (root / "feeds" / "pressfeed.yaml").write_text(config, encoding="utf-8")
    return urls


def pressfeed(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pressfeed(site, *args)


@pytest.mark.slow
def test_ingest_survives_every_hostile_server(
    tmp_path: Path, server: HostileServer, bystander: HostileServer, bomb: bytes
) -> None:
    site = tmp_path / "site"
    urls = _hostile_site(site, server, bystander, bomb)

    proc = pressfeed(site, "ingest", "--json")

    assert proc.returncode == 1, proc.stderr  # partial failure: the bad sources failed, the rest went in
    assert "Traceback" not in proc.stderr
    reports = {r["source_id"]: r for r in json.loads(proc.stdout)["sources"]}
    errors = {k: r["error"] for k, r in reports.items()}
    assert len(reports["good"]["new"]) == 3 and errors["good"] is None
    assert len(reports["euckr"]["new"]) == 1
    assert errors["bomb"] == "response larger than 15.0 MiB, download aborted"
    for case in ("to-other-port", "to-localhost", "to-ipv6", "to-integer", "to-metadata"):
        assert errors[case].startswith("redirect to ") and " refused: " in errors[case], case
        assert reports[case]["moved_to"] is None
    assert bystander.connections == 0
    assert errors["loop"] == "too many redirects (more than 5)"
    assert errors["to-far"].startswith("redirect to a URL of 9,0") and reports["to-far"]["moved_to"] is None
    assert errors["drip"] == "timed out after 3.0 s"
    assert errors["reset"].startswith("connection failed")
    assert errors["huge"] == "response larger than 15.0 MiB, download aborted"
    assert errors["e500"] == "HTTP 500"
    assert errors["e429"] == "HTTP 429" and reports["e429"]["outcome"] == "failed"
    assert errors["html"].startswith("not an RSS/Atom feed")
    # feeds built to hold the parser: refused, naming what; no item of them went in
    assert errors["crowded"] == (
        "feed refused: a <enclosure> tag on line 2 has more than 64 attributes:"
        " the parser's work grows with the square of their number"
    )
    assert errors["prefixes"].startswith("feed refused: 65 namespace prefixes declared, at most 64")
    assert errors["markup"].startswith("feed refused: 200,0")
    assert errors["entities"].startswith("feed refused: its entities would expand it by more than 1.0 MiB")
    assert errors["author"].startswith("feed refused: still parsing after 2.6 s of CPU time")
    assert all(not reports[case]["new"] for case in HOLDING)
    assert errors["binary"].startswith("not an RSS/Atom feed")
    # item 5: one bad character never drops a feed; every entry of it goes in
    assert errors["surrogate"] is None and len(reports["surrogate"]["new"]) == 6
    warnings = reports["surrogate"]["warnings"]
    assert "'날짜가 틀린 보도자료': unusable date '2025-13-45', dated at fetch time" in warnings
    assert "'먼 미래의 보도자료': implausible date 9999-01-01T00:00:00+00:00, dated at fetch time" in warnings

    # a 301 to an internal address never rewrote the stored source URL
    states = {s["id"]: s for s in json.loads(pressfeed(site, "sources", "--json").stdout)}
    for case in ("to-other-port", "to-localhost", "to-metadata", "to-far"):
        assert states[case]["state"]["url"] in (None, urls[case]), states[case]

    listed = json.loads(pressfeed(site, "articles", "list", "--json", "--limit", "100").stdout)
    titles = {a["title"] for a in listed}
    assert "나쁜 제목" in titles  # the lone surrogate cleaned out of the title, the entry kept
    assert "방향 fdp.exe 바꾸기" in titles  # no right-to-left override left to disguise the text
    rolled = next(a for a in listed if a["title"] == "날짜가 틀린 보도자료")
    assert abs(datetime.fromisoformat(rolled["published"]) - datetime.now(UTC)) < timedelta(hours=1)  # not 2026-01-01
    assert not any("root:" in t for t in titles)
    assert all(len(t) < 1000 for t in titles)  # the laughs were never expanded

    build = pressfeed(site, "build")
    assert build.returncode == 0, build.stderr
    out = site / "public"
    for path in out.rglob("*.xml"):
        text = path.read_bytes()
        etree.fromstring(text)  # well-formed
        assert b"root:x:0:0" not in text and "\u202e".encode() not in text
    for path in out.rglob("*.json"):
        json.loads(path.read_bytes())


def _late(seconds: float, feed: bytes) -> Handler:
    def handle(conn: socket.socket, request: Request) -> bool:
        time.sleep(seconds)
        return respond(conn, feed)

    return handle


@pytest.mark.slow
def test_a_feed_that_holds_the_parser_fails_no_other_source(tmp_path: Path, server: HostileServer) -> None:
    """A run of few sources parses on the event loop's thread (no worker process is worth starting), which
    holds every request's timers meanwhile. The author feed takes its whole CPU budget (2.6 s) while the
    other source's answer is on its way (1 s of fetch.timeout's 2): that source came back "timed out after
    2.0 s", failed for another one's document. Now the parse waits until it may hold the loop."""
    urls = {
        "holding": server.route("/holding-author.xml", serving(HOLDING["author"])),
        "late": server.route("/late.xml", _late(1.0, rss(item(61), item(62)))),
    }
    site = _two_sources(tmp_path / "site", urls, "{timeout: 2}")

    proc = pressfeed(site, "ingest", "--json")

    assert proc.returncode == 1, proc.stderr
    reports = {r["source_id"]: r for r in json.loads(proc.stdout)["sources"]}
    assert reports["holding"]["error"].startswith("feed refused: still parsing after 2.6 s of CPU time")
    assert reports["late"]["error"] is None and len(reports["late"]["new"]) == 2


def _two_sources(site: Path, urls: dict[str, str], fetch: str) -> Path:
    (site / "feeds").mkdir(parents=True)
    sources = "".join(
        f"  - {{id: {name}, name: 기관 {name}, url: '{url}', section: it-science, max_age_days: 0}}\n"
        for name, url in urls.items()
    )
    (site / "feeds" / "pressfeed.yaml").write_text(
        "site: {title: 포탈뉴스통신, url: 'https://www.example-portal.kr/'}\n"
        f"sections: {{it-science: {{title: IT/과학}}}}\nfetch: {fetch}\nsources:\n{sources}",
        encoding="utf-8",
    )
    return site


@pytest.mark.slow
def test_placing_a_large_feed_fails_no_other_source(
    tmp_path: Path, server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Placing is on the event loop (one store, one writer), ~40 µs an item: a 50,000-item feed holds it
    ~2 s. Here placing takes 3 s (and says so, PLACE_SECONDS_PER_ITEM) while the other source's answer is
    on its way; the feeds are parsed by a worker process, so nothing else waits for that answer."""
    from pressfeed.ingest import pipeline, update

    urls = {
        "large": server.route("/large.xml", serving(rss(item(71), item(72)))),
        "late": server.route("/late-placing.xml", _late(0.7, rss(item(73), item(74)))),
    }
    site = _two_sources(tmp_path / "site", urls, "{timeout: 2, workers: 1}")
    place = update._Placer.place_source

    def slowly(self: Any, source: Any, mapped: Any, report: Any) -> None:
        if source.id == "large":
            time.sleep(3)
        place(self, source, mapped, report)

    monkeypatch.setattr(update._Placer, "place_source", slowly)
    monkeypatch.setattr(pipeline, "PLACE_SECONDS_PER_ITEM", 1.5)
    result = Pressfeed(load_config(site), clock=fixed(datetime.now(UTC))).ingest()

    reports = {r.source_id: r for r in result.reports}
    assert reports["large"].error is None and len(reports["large"].new) == 2
    assert reports["late"].error is None and len(reports["late"].new) == 2


@pytest.mark.slow
def test_ten_thousand_items_are_ingested(tmp_path: Path, server: HostileServer) -> None:
    url = server.route("/many.xml", serving(rss(*(item(n) for n in range(10_000)))))
    site = tmp_path / "site"
    (site / "feeds").mkdir(parents=True)
    (site / "feeds" / "pressfeed.yaml").write_text(
        "site: {title: 포탈뉴스통신, url: 'https://www.example-portal.kr/'}\n"
        "sections: {it-science: {title: IT/과학}}\n"
        f"sources:\n  - {{id: msit, name: 과학기술정보통신부, url: '{url}', section: it-science, max_age_days: 0}}\n",
        encoding="utf-8",
    )

    proc = pressfeed(site, "ingest", "--json")

    assert proc.returncode == 0, proc.stderr
    (report,) = json.loads(proc.stdout)["sources"]
    assert len(report["new"]) == 10_000


# -- fetch.allow_private in the config ----------------------------------------------------------


def test_allow_private_is_validated_and_normalized(tmp_path: Path) -> None:
    from pressfeed.config import load_config
    from pressfeed.errors import ConfigError

    config = tmp_path / "feeds" / "pressfeed.yaml"
    config.parent.mkdir(parents=True)
    head = "site: {title: 포탈뉴스통신, url: 'https://www.example-portal.kr/'}\nsections: {politics: {title: 정치}}\n"
    config.write_text(head + "fetch:\n  allow_private: [10.20.0.0/16, 192.168.1.20, 'fd00::/8']\n", encoding="utf-8")
    assert load_config(tmp_path).fetch.allow_private == ("10.20.0.0/16", "192.168.1.20/32", "fd00::/8")

    config.write_text(head + "fetch:\n  allow_private:\n    - 10.0.0.0/8\n    - intranet.example\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"{config}:6: fetch.allow_private[1]: must be an IP network like 10.0.0.0/8 or 192.168.1.20"
    )


# -- cookies a server sets ----------------------------------------------------------------------


def _cookie_setter(cookie: str) -> Handler:
    return lambda conn, request: respond(conn, rss(item(1)), Set_Cookie=cookie)


def _cookie_seer(seen: list[str | None]) -> Handler:
    def handler(conn: socket.socket, request: Request) -> bool:
        seen.append(request.headers.get("cookie"))
        return respond(conn, rss(item(2)))

    return handler


def test_a_cookie_one_source_set_is_not_sent_to_another_origin(server: HostileServer, bystander: HostileServer) -> None:
    """The run's sources share one httpx client, and with it httpx's cookie jar: a cookie source A's server set
    went with every later request to its host, whatever the port, so source B at another origin (another port
    of that host) got A's session cookie. Only a source's configured `Cookie` header is meant to be sent."""
    seen: list[str | None] = []
    server.route("/sets-cookie.xml", _cookie_setter("sess=source-a-secret; Path=/"))
    bystander.route("/b.xml", _cookie_seer(seen))

    async def both() -> list[FetchResult]:
        async with open_fetcher(CONFIG, CLOCK) as fetch:
            return [
                await fetch(FetchRequest("a", server.url("/sets-cookie.xml"))),
                await fetch(FetchRequest("b", bystander.url("/b.xml"))),
            ]

    a, b = asyncio.run(both())

    assert (a.error, b.error) == (None, None)
    assert seen == [None]


def test_a_cookie_for_a_whole_domain_does_not_reach_other_agencies(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """http.cookiejar refuses `Domain=.co.kr` but not `Domain=.go.kr`: one ministry's server (or anyone's on a
    go.kr host) set a cookie that then went to every other ministry's feed and release pages, a session
    leaked across sources, and a hostile one could fill every agency's request with kilobytes of cookies
    (a 400 "Request Header Too Large" for sources it does not serve)."""
    real = asyncio.base_events.BaseEventLoop.getaddrinfo

    async def agencies(self: Any, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        return await real(self, "127.0.0.1" if str(host).endswith(".go.kr") else host, port, *args, **kwargs)

    monkeypatch.setattr(asyncio.base_events.BaseEventLoop, "getaddrinfo", agencies)
    seen: list[str | None] = []
    server.route("/evil.xml", _cookie_setter("tracker=" + "x" * 100 + "; Domain=.go.kr; Path=/"))
    server.route("/msit.xml", _cookie_seer(seen))

    async def both() -> list[FetchResult]:
        async with open_fetcher(CONFIG, CLOCK) as fetch:
            return [
                await fetch(FetchRequest("evil", f"http://www.evil.go.kr:{server.port}/evil.xml")),
                await fetch(FetchRequest("msit", f"http://www.msit.go.kr:{server.port}/msit.xml")),
            ]

    evil, msit = asyncio.run(both())

    assert (evil.error, msit.error) == (None, None)
    assert seen == [None]
