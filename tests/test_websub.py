"""WebSub: the hub announced in every format, and publish pings for changed feeds only.

The hub is a local server on 127.0.0.1 that records each ping and answers
with whatever status the test sets.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from lxml import etree
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import NOW, copy_sample_site, run_site
from pressfeed.cli import cli
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import ConfigError
from pressfeed.publish import websub
from pressfeed.publish.websub import pending_pings

FEED_URL = "https://www.example-portal.kr/feeds/"
KEYS = ("", "politics/", "society/", "economy/", "it-science/")
ALL_FEEDS = {f"{FEED_URL}{key}{name}" for key in KEYS for name in ("rss.xml", "atom.xml", "feed.json")}
ATOM = "{http://www.w3.org/2005/Atom}"
#: the files a new economy article changes
SITE_AND_ECONOMY = {f"{key}{name}" for key in ("", "economy/") for name in ("rss.xml", "atom.xml", "feed.json")}

NEW_ECONOMY = """\
id: "20251108-0200"
title: 한국은행, 기준금리 동결
section: 경제
published: 2025-11-08 10:00:00
byline: 포탈뉴스통신
link: /news/articleView.html?idxno=123600
body_html: <p>한국은행 금융통화위원회가 기준금리를 동결했다.</p>
"""


@dataclass
class Hub:
    """What the hub was sent, and what it answers."""

    server: HTTPServer
    site: Path | None = None
    status: int = 204
    #: where a redirect says the hub is now
    location: str = ""
    pings: list[dict[str, list[str]]] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    #: for each ping, the bytes of the pinged feed's file on disk at that moment
    seen_on_disk: dict[str, bytes] = field(default_factory=dict)
    #: topics the hub refuses (400), as a hub that fetches a topic before it answers does for one that is gone
    refused: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        return self.server.url_for("/hub")

    def handle(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True), strict_parsing=True)
        self.pings.append(form)
        self.content_types.append(request.content_type or "")
        if form["hub.url"][0] in self.refused:
            return Response(status=400)
        if self.site is not None:
            topic = form["hub.url"][0].removeprefix(FEED_URL)
            self.seen_on_disk[topic] = (self.site / "public" / topic).read_bytes()
        return Response(status=self.status, headers={"Location": self.location} if self.location else {})

    def topics(self) -> list[str]:
        return [ping["hub.url"][0] for ping in self.pings]


@pytest.fixture
def hub(httpserver: HTTPServer) -> Hub:
    hub = Hub(httpserver)
    httpserver.expect_request("/hub", method="POST").respond_with_handler(hub.handle)
    return hub


def set_hub(site: Path, url: str | None) -> None:
    """Put `site.websub_hub` into the sample config (or take it out)."""
    path = site / "feeds" / "pressfeed.yaml"
    text = re.sub(r"\n  websub_hub: .*", "", path.read_text(encoding="utf-8"))
    if url is not None:
        text = text.replace("\n  language: ko\n", f"\n  language: ko\n  websub_hub: {url}\n", 1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, hub: Hub) -> Path:
    root = copy_sample_site(tmp_path / "site")
    set_hub(root, hub.url)
    hub.site = root
    return root


def run(site: Path) -> None:
    """`pressfeed run` at NOW (its pings included)."""
    run_site(site, NOW).close()


def add_article(site: Path) -> None:
    path = site / "feeds" / "articles" / "new-economy.yaml"
    path.write_text(NEW_ECONOMY, encoding="utf-8")


def pending(site: Path) -> list[str]:
    with Pressfeed(load_config(site)) as pf:
        return pending_pings(pf.store)


# -- the hub in every format ---------------------------------------------------------------


def test_every_format_announces_the_hub(site: Path, hub: Hub) -> None:
    run(site)
    public = site / "public"
    for key in KEYS:
        rss = etree.parse(str(public / key / "rss.xml")).getroot()
        (rss_hub,) = rss.findall(f"channel/{ATOM}link[@rel='hub']")
        assert rss_hub.get("href") == hub.url
        atom = etree.parse(str(public / key / "atom.xml")).getroot()
        (atom_hub,) = atom.findall(f"{ATOM}link[@rel='hub']")
        assert atom_hub.get("href") == hub.url
        feed = json.loads((public / key / "feed.json").read_bytes())
        assert feed["hubs"] == [{"type": "WebSub", "url": hub.url}]


def test_no_hub_no_links_and_no_pings(site: Path, hub: Hub) -> None:
    set_hub(site, None)
    with run_site(site) as pf:
        result = pf.build(force=True)
    assert result.websub is None
    for key in KEYS:
        assert b'rel="hub"' not in (site / "public" / key / "rss.xml").read_bytes()
        assert b'rel="hub"' not in (site / "public" / key / "atom.xml").read_bytes()
        assert "hubs" not in json.loads((site / "public" / key / "feed.json").read_bytes())
    assert hub.pings == []


def test_hub_must_be_an_http_url(site: Path) -> None:
    set_hub(site, "ftp://hub.example.net/")
    with pytest.raises(ConfigError, match=r"site\.websub_hub: must be an absolute http"):
        load_config(site)


# -- which feeds are pinged ------------------------------------------------------------------


def test_first_run_pings_every_feed_once(site: Path, hub: Hub) -> None:
    with run_site(site) as pf:
        report = pf.build().websub  # nothing changed since the run: nothing more to announce
        assert report is not None and report.pinged == () and report.failed == ()

    assert sorted(hub.topics()) == sorted(ALL_FEEDS)  # feeds only: no pages, no OPML
    for ping in hub.pings:
        assert set(ping) == {"hub.mode", "hub.url"}
        assert ping["hub.mode"] == ["publish"]
    assert set(hub.content_types) == {"application/x-www-form-urlencoded"}
    assert pending(site) == []


def test_no_op_run_pings_nothing(site: Path, hub: Hub) -> None:
    run(site)
    hub.pings.clear()

    with run_site(site) as pf:
        result = pf.build()

    assert hub.pings == []
    assert result.websub is not None and result.websub.pinged == ()


def test_only_changed_feeds_are_pinged(site: Path, hub: Hub) -> None:
    run(site)
    hub.pings.clear()
    add_article(site)

    run(site)

    assert sorted(hub.topics()) == sorted(f"{FEED_URL}{path}" for path in SITE_AND_ECONOMY)


def test_hub_is_pinged_once_the_new_files_are_in_place(site: Path, hub: Hub) -> None:
    run(site)
    add_article(site)
    hub.seen_on_disk.clear()

    run(site)

    assert set(hub.seen_on_disk) == SITE_AND_ECONOMY
    for topic, data in hub.seen_on_disk.items():
        assert "기준금리 동결".encode() in data, topic


def test_a_build_killed_after_its_files_are_in_place_leaves_its_pings_to_the_next_run(
    site: Path, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pings were remembered only when sent: killed between the renames and the pings, a run left new
    feeds no hub heard of, and the next run found the files unchanged and announced nothing."""
    run(site)
    add_article(site)
    hub.pings.clear()

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # (SIGTERM, or kill -9, at this point)

    with monkeypatch.context() as patched:
        patched.setattr(websub, "publish", killed)
        with pytest.raises(KeyboardInterrupt):
            run(site)
    assert "기준금리 동결" in (site / "public" / "economy" / "rss.xml").read_text(encoding="utf-8")
    assert hub.pings == []

    run(site)
    assert sorted(hub.topics()) == sorted(f"{FEED_URL}{path}" for path in SITE_AND_ECONOMY)
    assert pending(site) == []


# -- failures ---------------------------------------------------------------------------------


def test_failed_pings_are_reported_kept_and_retried(site: Path, hub: Hub) -> None:
    hub.status = 503
    with run_site(site) as pf:
        first = pf.build()  # (the run itself already tried and failed)
    assert first.websub is not None
    assert sorted(first.websub.failed) == sorted(ALL_FEEDS)
    assert first.websub.error == "HTTP 503"
    assert first.websub.failure_lines() == [
        f"websub: 15 of 15 pings to {hub.url} failed (HTTP 503); they are retried on the next run"
    ]
    assert sorted(pending(site)) == sorted(ALL_FEEDS)

    hub.status = 204
    hub.pings.clear()
    run(site)  # nothing changed, but the pending pings go out
    assert sorted(hub.topics()) == sorted(ALL_FEEDS)
    assert pending(site) == []

    hub.pings.clear()
    run(site)
    assert hub.pings == []


def test_pending_pings_join_the_next_changes(site: Path, hub: Hub) -> None:
    run(site)
    add_article(site)
    hub.status = 500
    run(site)
    assert len(pending(site)) == 6

    hub.status = 202
    hub.pings.clear()
    run(site)  # nothing new: exactly the six that failed
    assert len(hub.pings) == 6
    assert pending(site) == []


def test_unreachable_hub_is_not_fatal(site: Path, hub: Hub) -> None:
    closed = "http://127.0.0.1:9/hub"  # the discard port: nothing listens there
    set_hub(site, closed)

    with run_site(site) as pf:
        report = pf.build().websub

    assert report is not None
    assert sorted(report.failed) == sorted(ALL_FEEDS)
    assert report.pinged == ()
    assert report.error
    assert hub.pings == []


def dripping_hub() -> tuple[str, socket.socket]:
    """A hub on 127.0.0.1 whose first answer comes a header line every quarter second for 5 s (each
    gap well inside any read timeout), and then a 204; later connections get their 204 at once."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def answer(conn: socket.socket, drip: bool) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 204 No Content\r\n")
                for _ in range(20 if drip else 0):
                    conn.sendall(b"X-Queue: busy\r\n")
                    time.sleep(0.25)
                conn.sendall(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:  # the client gave up: the point of the test
                pass

    def serve() -> None:
        for number in range(1000):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn, number == 0), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/hub", listener


def test_a_hub_that_trickles_its_answer_is_cut_off_and_its_pings_kept(
    site: Path, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx's timeouts restart with every byte: a hub dripping its answer held the run, and with it the
    site lock and the next cron run, for as long as it kept dripping. A ping has TIMEOUT seconds in all
    (cut here to keep the test short)."""
    monkeypatch.setattr("pressfeed.publish.websub.TIMEOUT", 1.0)
    url, listener = dripping_hub()
    set_hub(site, url)
    try:
        with Pressfeed(load_config(site), clock=fixed(NOW)) as pf:
            report = pf.run().build.websub
    finally:
        listener.close()

    assert report is not None
    assert report.pinged == ()
    assert sorted(report.failed) == sorted(ALL_FEEDS)  # the hub is not tried again this run
    assert report.error == "timed out: no answer within 1 s"
    assert sorted(pending(site)) == sorted(ALL_FEEDS)  # retried on the next run


def test_a_pending_ping_for_a_feed_the_site_no_longer_publishes_is_dropped(site: Path, hub: Hub) -> None:
    """Pings left pending while the hub was down, then a section taken out of the config: its feeds are
    deleted, yet their URLs stayed pending and were announced on every run. A hub that fetches a topic before
    it answers refuses one that is a 404, so they failed, and cron mailed about it, on every run for ever:
    nothing but removing the hub forgets them."""
    hub.status = 503
    run(site)
    assert sorted(pending(site)) == sorted(ALL_FEEDS)

    config = site / "feeds" / "pressfeed.yaml"
    text = re.sub(r"\n  politics:\n(?:    .*\n)+", "\n", config.read_text(encoding="utf-8"), count=1)
    config.write_text(text.replace("section: politics}", "section: society}"), encoding="utf-8")
    gone = {url for url in ALL_FEEDS if "/politics/" in url}
    hub.status, hub.refused, hub.site = 204, gone, None
    hub.pings.clear()

    for _ in range(2):  # (build only: the politics export no longer imports)
        with Pressfeed(load_config(site), clock=fixed(NOW)) as pf:
            result = pf.build()
        assert not any(path.startswith("politics/") for path in result.unchanged)

        assert result.websub is not None
        assert result.websub.failure_lines() == []
        assert not gone & set(hub.topics())
        assert pending(site) == []


def test_removing_the_hub_forgets_pending_pings(site: Path, hub: Hub) -> None:
    hub.status = 503
    run(site)
    assert pending(site)

    set_hub(site, None)
    run(site)

    assert pending(site) == []


# -- what cron sees ----------------------------------------------------------------------------


def test_cron_is_quiet_on_success_and_hears_of_failure(site: Path, hub: Hub) -> None:
    quiet = CliRunner().invoke(cli, ["--site", str(site), "-q", "run"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == quiet.stderr == ""
    assert len(hub.pings) == 15

    add_article(site)
    hub.status = 503
    failed = CliRunner().invoke(cli, ["--site", str(site), "-q", "run"])
    assert failed.exit_code == 0  # the feeds are published; the pings are retried next run
    assert failed.stdout == ""
    assert failed.stderr == f"websub: 6 of 6 pings to {hub.url} failed (HTTP 503); they are retried on the next run\n"


def test_run_says_how_many_feeds_were_announced(site: Path, hub: Hub) -> None:
    result = CliRunner().invoke(cli, ["--site", str(site), "run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"websub: 15 feeds announced to {hub.url}"

    again = CliRunner().invoke(cli, ["--site", str(site), "run", "--json"])
    data = json.loads(again.stdout)
    assert data["build"]["websub"] == {"hub": hub.url, "pinged": [], "failed": [], "error": ""}


@pytest.mark.parametrize("status", [301, 307])
def test_a_hub_that_moved_says_where_to(site: Path, hub: Hub, httpserver: HTTPServer, status: int) -> None:
    """An attack's: a hub moved to https answered every ping with a redirect, and every cron run mailed
    'HTTP 307' and no more. The ping is not followed (a 301 makes a POST a GET); where the hub is is said."""
    moved = httpserver.url_for("/hub/v2")
    hub.status = status
    hub.location = moved + "?token=s3cret"
    with run_site(site) as pf:
        first = pf.build()
    assert first.websub is not None
    assert first.websub.error == f"HTTP {status}: the hub says it is at {moved} now (site.websub_hub)"
    assert "s3cret" not in " ".join(first.websub.failure_lines())


def test_hub_url_secrets_stay_out_of_messages(site: Path, hub: Hub) -> None:
    parts = urlsplit(hub.url)
    secret = f"http://{parts.netloc}/hub?token=s3cret"  # (a user name or password is a config error)
    set_hub(site, secret)
    hub.status = 403
    result = CliRunner().invoke(cli, ["--site", str(site), "-q", "run"])
    assert result.exit_code == 0
    assert "websub: 15 of 15 pings" in result.stderr
    assert "s3cret" not in result.stderr


def test_a_slow_hub_gets_a_budget_per_run_and_the_rest_waits(
    site: Path, hub: Hub, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attack's: a hub answering each ping just inside its timeout held the run, and the site lock, for
    (feeds × timeout): 15 minutes on a 30-section site, every cron run in them refused. All of a run's pings
    share BUDGET seconds (cut here); the rest are announced on the next run."""
    monkeypatch.setattr(websub, "BUDGET", 1.0)

    def slow(request: Request) -> Response:
        time.sleep(0.3)
        return hub.handle(request)

    httpserver.clear()
    httpserver.expect_request("/hub", method="POST").respond_with_handler(slow)
    started = time.monotonic()
    with Pressfeed(load_config(site), clock=fixed(NOW)) as pf:
        report = pf.run().build.websub
    assert time.monotonic() - started < 10
    assert report is not None and 1 <= len(report.pinged) <= 5
    assert report.error == "the hub took more than 1 s in all: the rest is announced on the next run"
    assert set(report.pinged) | set(report.failed) == ALL_FEEDS
    assert sorted(pending(site)) == sorted(report.failed)


def test_pings_take_no_proxy_from_the_environment(
    site: Path, hub: Hub, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attack's: HTTP_PROXY (a systemd Environment=, /etc/environment) routed every ping, and the feed URLs
    it names, through that proxy; the README says pressfeed uses none. (httpx never proxies 127.0.0.1, so the
    hub here has a name that resolves nowhere: only a proxy could take its pings.)"""
    proxied: list[str] = []
    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(
        lambda request: (proxied.append(request.url), Response(status=204))[1]
    )
    set_hub(site, "http://hub.example.invalid/hub")
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, httpserver.url_for("/"))
    with Pressfeed(load_config(site), clock=fixed(NOW)) as pf:
        report = pf.run().build.websub
    assert proxied == []
    assert report is not None and report.pinged == () and len(report.failed) == 15
