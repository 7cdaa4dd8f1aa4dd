"""`pressfeed serve`: media types, caching validators, gzip, section pages and path safety.

Requests go over a real socket to the server on 127.0.0.1. Hostile paths are
sent with http.client, which (unlike httpx or browsers) sends the request
target exactly as written: no dot-segment removal, no re-encoding.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import serving

SECRET = "TOP-SECRET-비밀"


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def request(base: str, target: str, headers: dict[str, str] | None = None, method: str = "GET") -> Reply:
    """One request with `target` sent verbatim."""
    url = urlsplit(base)
    assert url.hostname == "127.0.0.1"
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        return Reply(conn.getresponse())
    finally:
        conn.close()


@pytest.fixture
def output(sample_built: Path, tmp_path: Path) -> Path:
    """A copy of the sample site's output, with a secret beside it and traps inside it."""
    root = tmp_path / "www" / "public"
    shutil.copytree(sample_built / "public", root)
    (tmp_path / "www" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "leak.xml").symlink_to(tmp_path / "www" / "secret.txt")  # a symlink leading out
    (root / "outside").symlink_to(tmp_path / "www", target_is_directory=True)
    (root / "latest.xml").symlink_to("rss.xml")  # a symlink that stays inside: legitimate
    (root / "empty").mkdir()  # a directory without a page: never listed
    (root / "drafts").mkdir()  # a directory whose page leads out: served as "/drafts/", were it followed
    (root / "drafts" / "index.html").symlink_to(tmp_path / "www" / "secret.txt")
    (root / ".rss.xml.x1y2.tmp").write_text(SECRET, encoding="utf-8")  # a build's temp file
    return root


@pytest.fixture
def base(output: Path) -> Iterator[str]:
    with serving(output) as url:
        yield url


# -- what is served, and as what ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
        ("/it-science/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/it-science/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/it-science/feed.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/it-science/", "text/html; charset=utf-8"),
    ],
)
def test_media_types(base: str, output: Path, path: str, media_type: str) -> None:
    reply = request(base, path)

    assert reply.status == 200
    assert reply.header("Content-Type") == media_type
    assert reply.header("X-Content-Type-Options") == "nosniff"
    on_disk = output / path.lstrip("/")
    assert reply.body == (on_disk / "index.html" if on_disk.is_dir() else on_disk).read_bytes()


def test_section_page_at_its_directory(base: str, output: Path) -> None:
    page = request(base, "/it-science/")
    assert page.body == (output / "it-science" / "index.html").read_bytes()
    assert "IT/과학".encode() in page.body

    moved = request(base, "/it-science?from=mail")
    assert moved.status == 301
    assert moved.header("Location") in ("/it-science/?from=mail", f"{base}it-science/?from=mail")


def test_site_page_at_the_root(base: str, output: Path) -> None:
    assert request(base, "/").body == (output / "index.html").read_bytes()


def test_query_string_and_encoded_ordinary_characters_are_fine(base: str, output: Path) -> None:
    rss = (output / "rss.xml").read_bytes()
    assert request(base, "/rss.xml?utm_source=x").body == rss
    assert request(base, "/%72ss.xml").body == rss  # %72 is "r"


def test_symlink_inside_the_output_is_served(base: str, output: Path) -> None:
    reply = request(base, "/latest.xml")
    assert reply.status == 200
    assert reply.body == (output / "rss.xml").read_bytes()


def test_missing_file_is_404(base: str) -> None:
    assert request(base, "/nope.xml").status == 404
    assert request(base, "/nope/").status == 404


@pytest.mark.parametrize("path", ["/it-science/rss.xml/", "/feeds.opml/", "/it-science/index.html/"])
def test_a_file_named_as_a_directory_is_404(base: str, path: str) -> None:
    """As a static server answers: `index.html/` would be a page whose relative links all lead nowhere."""
    assert request(base, path).status == 404


def test_no_directory_listing(base: str) -> None:
    for target in ("/empty/", "/empty"):
        reply = request(base, target)
        assert reply.status == 404, target
        assert b"<a" not in reply.body


def test_only_get_and_head(base: str) -> None:
    reply = request(base, "/rss.xml", method="POST")
    assert reply.status == 405
    assert reply.header("Allow") == "GET, HEAD"


# -- path safety ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/it-science/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/it-science/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/it-science%2f..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "http://127.0.0.1/../secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
        "/leak.xml",
        "/outside/secret.txt",
        "/outside/",
        "/drafts/",
        "/drafts",
        "/.rss.xml.x1y2.tmp",
        "/%2erss.xml.x1y2.tmp",
        "/rss.xml%00.html",
    ],
)
def test_nothing_outside_the_output_is_reachable(base: str, target: str) -> None:
    reply = request(base, target)

    assert reply.status in (400, 404), (target, reply.status)
    assert SECRET.encode() not in reply.body
    assert b"root:" not in reply.body


@pytest.mark.parametrize(
    "target",
    [
        "/" + "a" * 300 + ".xml",  # one name longer than NAME_MAX (255): ENAMETOOLONG
        "/it-science/" + quote("가" * 100) + "/rss.xml",  # 300 bytes of UTF-8 in one folder name
        "/" + "/".join(["abcdefgh"] * 600),  # a path longer than PATH_MAX (4096)
    ],
)
def test_a_name_too_long_for_the_file_system_is_404_not_500(base: str, target: str) -> None:
    """Any client may ask for a long name: what the file system cannot even look up names no file of ours,
    and is a 404 like any other missing file, not a 500 with a traceback in the operator's log."""
    reply = request(base, target)

    assert reply.status == 404, reply.status


# -- caching: ETag, Last-Modified, 304 ---------------------------------------------------


def test_etag_is_strong_and_stable(base: str) -> None:
    first, second = request(base, "/rss.xml"), request(base, "/rss.xml")

    etag = first.header("ETag")
    assert etag is not None and etag.startswith('"') and etag.endswith('"')  # strong: no W/
    assert second.header("ETag") == etag
    assert first.header("Cache-Control") == "no-cache"
    assert first.header("Vary") == "Accept-Encoding"


def test_last_modified_is_the_files_mtime(base: str, output: Path) -> None:
    mtime = int((output / "atom.xml").stat().st_mtime)
    reply = request(base, "/atom.xml")
    assert int(parsedate_to_datetime(reply.header("Last-Modified") or "").timestamp()) == mtime


def test_etag_follows_the_bytes_not_the_mtime(base: str, output: Path) -> None:
    path = output / "society" / "rss.xml"
    before = request(base, "/society/rss.xml").header("ETag")

    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)  # a restore: same bytes, new file and mtime
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert request(base, "/society/rss.xml").header("ETag") == before

    path.unlink()
    path.write_bytes(data.replace("사회".encode(), "사회·날씨".encode(), 1))
    changed = request(base, "/society/rss.xml")
    assert changed.header("ETag") != before
    assert "사회·날씨".encode() in changed.body


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", '"nope", {etag}', "*", "W/{etag}", '{etag}, "other"'],
)
def test_if_none_match_gives_304(base: str, if_none_match: str) -> None:
    etag = request(base, "/feed.json").header("ETag") or ""

    reply = request(base, "/feed.json", {"If-None-Match": if_none_match.format(etag=etag)})

    assert reply.status == 304
    assert reply.body == b""
    assert reply.header("ETag") == etag
    assert reply.header("Last-Modified")
    assert reply.header("Cache-Control") == "no-cache"
    assert reply.header("Vary") == "Accept-Encoding"


def test_other_etag_gives_the_file(base: str, output: Path) -> None:
    reply = request(base, "/feed.json", {"If-None-Match": '"0123abcd"'})
    assert reply.status == 200
    assert reply.body == (output / "feed.json").read_bytes()


def test_if_modified_since(base: str) -> None:
    last_modified = request(base, "/atom.xml").header("Last-Modified") or ""
    earlier = format_datetime(parsedate_to_datetime(last_modified).replace(year=2020), usegmt=True)

    assert request(base, "/atom.xml", {"If-Modified-Since": last_modified}).status == 304
    assert request(base, "/atom.xml", {"If-Modified-Since": earlier}).status == 200


def test_a_feed_rewritten_within_its_second_is_new_to_if_modified_since(base: str, output: Path) -> None:
    """A rebuild within the second of the last: the new version got the same Last-Modified, and a reader
    revalidating by it alone kept the old feed. It is dated the next second, never after the answer's Date."""
    from pressfeed.publish.writer import atomic_write

    atomic_write(output / "atom.xml", b"<feed>one</feed>")
    first = request(base, "/atom.xml")
    atomic_write(output / "atom.xml", b"<feed>two</feed>")
    again = request(base, "/atom.xml", {"If-Modified-Since": first.header("Last-Modified") or ""})
    assert (again.status, again.body) == (200, b"<feed>two</feed>")
    date, modified = (parsedate_to_datetime(again.header(h) or "") for h in ("Date", "Last-Modified"))
    assert modified <= date


def test_if_modified_since_is_ignored_with_if_none_match(base: str) -> None:
    last_modified = request(base, "/atom.xml").header("Last-Modified") or ""
    later = format_datetime(parsedate_to_datetime(last_modified).replace(year=2099), usegmt=True)

    stale_etag = request(base, "/atom.xml", {"If-None-Match": '"stale"', "If-Modified-Since": later})

    assert stale_etag.status == 200


# -- gzip and HEAD ------------------------------------------------------------------------


def test_gzip_when_accepted(base: str, output: Path) -> None:
    plain = request(base, "/rss.xml")
    zipped = request(base, "/rss.xml", {"Accept-Encoding": "gzip, deflate, br"})

    assert zipped.header("Content-Encoding") == "gzip"
    assert zipped.header("Vary") == "Accept-Encoding"
    assert gzip.decompress(zipped.body) == plain.body == (output / "rss.xml").read_bytes()
    assert len(zipped.body) < len(plain.body)
    assert zipped.header("Content-Length") == str(len(zipped.body))
    # another representation, another strong ETag; and the same bytes every time
    assert zipped.header("ETag") != plain.header("ETag")
    assert request(base, "/rss.xml", {"Accept-Encoding": "gzip"}).body == zipped.body


def test_gzip_refused_or_not_offered(base: str) -> None:
    for accept in ("gzip;q=0", "identity", "br"):
        reply = request(base, "/rss.xml", {"Accept-Encoding": accept})
        assert reply.header("Content-Encoding") is None, accept
        assert reply.body.startswith(b"<?xml")


def test_conditional_request_per_encoding(base: str) -> None:
    gz = {"Accept-Encoding": "gzip"}
    gz_etag = request(base, "/atom.xml", gz).header("ETag") or ""
    plain_etag = request(base, "/atom.xml").header("ETag") or ""

    assert request(base, "/atom.xml", gz | {"If-None-Match": gz_etag}).status == 304
    assert request(base, "/atom.xml", {"If-None-Match": plain_etag}).status == 304
    # the identity validator does not vouch for the gzip bytes, nor the other way round
    assert request(base, "/atom.xml", gz | {"If-None-Match": plain_etag}).status == 200
    assert request(base, "/atom.xml", {"If-None-Match": gz_etag}).status == 200


def test_head_has_the_headers_and_no_body(base: str) -> None:
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        get = request(base, "/it-science/", headers)
        head = request(base, "/it-science/", headers, method="HEAD")

        assert head.status == 200
        assert head.body == b""
        for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Content-Encoding", "Vary"):
            assert head.header(name) == get.header(name), name
        assert head.header("Content-Length") == str(len(get.body))


# -- the command --------------------------------------------------------------------------


class Serving:
    """`pressfeed serve --port 0` on a site, in a child process with stdout and stderr piped (no terminal)."""

    def __init__(self, site: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pressfeed", "--site", str(site), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self.proc.stdout is not None
        self.said = self.proc.stdout.readline()  # "serving DIR at URL (Ctrl-C to stop)", once it listens
        self.url = self.said.split(" at ", 1)[1].split()[0] if " at " in self.said else ""
        self.log = ""

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        _, self.log = self.proc.communicate(timeout=10)


# -- connections ------------------------------------------------------------------------------


def _connect(base: str) -> socket.socket:
    url = urlsplit(base)
    return socket.create_connection((url.hostname, url.port), timeout=10)


def test_an_idle_connection_is_closed(output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that connects and never sends its request (or keeps a connection it no longer uses) held a
    thread for ever; it is let go after IDLE_SECONDS, and the server goes on serving."""
    monkeypatch.setattr("pressfeed.serve.IDLE_SECONDS", 0.5)
    with serving(output) as base, _connect(base) as idle:
        started = time.monotonic()
        assert idle.recv(1) == b""  # the server hung up
        assert 0.4 < time.monotonic() - started < 5
        assert request(base, "/rss.xml").status == 200


def test_connections_beyond_the_cap_wait_their_turn(output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread per connection: readers keeping connections open could make the server start threads without
    bound. Past MAX_CONNECTIONS a client waits in the listen queue, and is served once one closes."""
    monkeypatch.setattr("pressfeed.serve.MAX_CONNECTIONS", 2)
    with serving(output) as base:
        first, second = _connect(base), _connect(base)
        try:
            time.sleep(0.3)  # both taken: each holds a slot, waiting for its request
            replies: list[Reply] = []
            waiting = threading.Thread(target=lambda: replies.append(request(base, "/rss.xml")), daemon=True)
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive() and not replies  # queued, not served, not refused
            first.close()
            waiting.join(5)
            assert [reply.status for reply in replies] == [200]
        finally:
            first.close()
            second.close()


def test_serve_command(sample_built: Path) -> None:
    """`pressfeed serve --port 0` prints where it listens and serves the site's output."""
    with Serving(sample_built) as server:
        assert server.said.startswith(f"serving {sample_built / 'public'} at http://127.0.0.1:"), server.said
        reply = request(server.url, "/it-science/rss.xml")
        assert reply.status == 200
        assert reply.body == (sample_built / "public" / "it-science" / "rss.xml").read_bytes()


def test_the_access_log_is_plain_text_off_a_terminal(sample_built: Path) -> None:
    """Redirected to a file (nohup, systemd), the log holds each request as text, without colour codes."""
    with Serving(sample_built) as server:
        url = server.url
        assert request(url, "/no-such-feed.xml").status == 404  # werkzeug colours a 404 yellow
        assert request(url, "/rss.xml", {"If-None-Match": request(url, "/rss.xml").header("ETag")}).status == 304
    assert '"GET /no-such-feed.xml HTTP/1.1" 404' in server.log
    assert '"GET /rss.xml HTTP/1.1" 304' in server.log
    assert "\x1b[" not in server.log


def test_serve_without_output_says_what_to_do(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parents[1] / "feeds", site / "feeds")
    proc = subprocess.run(
        [sys.executable, "-m", "pressfeed", "--site", str(site), "serve", "--port", "0"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "run `pressfeed build` first" in proc.stderr


def test_serve_on_a_busy_port_says_so_and_exits_2(sample_built: Path) -> None:
    """The port is the operator's input: a busy one is their error (2), named with what to do, not werkzeug's 1."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "pressfeed", "--site", str(sample_built), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
    assert proc.returncode == 2, proc.stderr
    expected = f"cannot listen on 127.0.0.1:{port}: Address already in use; stop what holds it or choose another --port"
    assert proc.stderr == f"error: {expected}\n"
    assert proc.stdout == ""


def test_a_trickling_request_is_cut_off(output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """IDLE_SECONDS bounds the whole request, not each read: a client sending a byte of its headers every
    little while (slowloris) held its slot for ever, and MAX_CONNECTIONS of them starved every reader."""
    monkeypatch.setattr("pressfeed.serve.IDLE_SECONDS", 0.5)
    with serving(output) as base, _connect(base) as slow:
        slow.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        with pytest.raises(OSError):  # the server hangs up: a send fails, or a recv ends the stream
            while time.monotonic() - started < 5:
                slow.sendall(b"a")
                time.sleep(0.1)
                slow.setblocking(False)
                try:
                    if slow.recv(1) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    pass
                finally:
                    slow.setblocking(True)
        assert time.monotonic() - started < 3
        assert request(base, "/rss.xml").status == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"If-Match": '"other"'}, 412),
        ({"If-Match": "*"}, 200),
        ({"If-Unmodified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}, 412),
        ({"If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}, 200),
    ],
)
def test_failed_preconditions_are_412(base: str, headers: dict[str, str], status: int) -> None:
    """If-Match and If-Unmodified-Since are preconditions (RFC 9110 13.1.1, 13.1.4): a failed one is 412,
    never a 304 (which told a client that sent another ETag that it had the current file)."""
    assert request(base, "/rss.xml", headers).status == status


def test_a_matching_if_match_leaves_if_none_match_to_decide(base: str) -> None:
    etag = request(base, "/rss.xml").header("ETag")
    assert request(base, "/rss.xml", {"If-Match": etag, "If-None-Match": etag}).status == 304
