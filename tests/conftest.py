"""Shared fixtures: a small site on disk, its config, a fixed clock and a Pressfeed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pgserver import PostgresServer, PostgresUnavailable, find_bindir
from pressfeed import clock as clock_module
from pressfeed.clock import Clock
from pressfeed.config import Config, load_config
from pressfeed.core import Pressfeed
from pressfeed.serve import make as make_server
from pressfeed.serve import url_of

#: the fixed "now" of every test (2025-11-08 21:00 KST)
NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)

SITE_URL = "https://www.example-portal.kr/"

CONFIG_TEXT = """\
site:
  title: 포탈뉴스통신
  url: https://www.example-portal.kr/
  feed_url: https://www.example-portal.kr/feeds/
  language: ko
  timezone: Asia/Seoul
  tag_authority: example-portal.kr,2025

store:
  path: .pressfeed/pressfeed.db

output:
  dir: public

sections:
  politics:
    title: 정치
  society:
    title: 사회
  economy:
    title: 경제
  it-science:
    title: IT/과학
    aliases: ["IT/과학", "IT·과학", science]
"""


#: a ministry's board feed as a local file of the site: no server, never skipped as old nor reported stale
MSIT_BOARD = {
    "id": "msit",
    "name": "과학기술정보통신부",
    "home": "https://www.msit.go.kr/",
    "url": "feeds/agencies/msit.xml",
    "section": "it-science",
    "byline": "포탈뉴스통신",
    "max_age_days": 0,
    "stale_after_days": 0,
}


def write_file(root: Path, relpath: str, text: str) -> Path:
    """Write `text` (UTF-8) to root/relpath, creating folders; returns the path."""
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[Any]:
    """pytest-httpserver's server, threaded and on 127.0.0.1 (the plugin's binds "localhost"): the only
    address network tests use. `httpserver` clears its expectations after each test."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def fetch_now(requests: Any, config: Any, clock: Any, transport: Any = None) -> list[Any]:
    """Fetch `requests` concurrently through one fetcher (shared limits and pool), as ingest does."""
    import asyncio

    from pressfeed.ingest.fetch import open_fetcher

    async def fetch_all() -> list[Any]:
        async with open_fetcher(config, clock, transport) as fetch:
            return list(await asyncio.gather(*(fetch(r) for r in requests)))

    return asyncio.run(fetch_all())


def run_pressfeed(site: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`python -m pressfeed --site SITE ARGS` in a child process, as cron runs it; never the caller's config."""
    env = {k: v for k, v in os.environ.items() if k != "PRESSFEED_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "pressfeed", "--site", str(site), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _no_config_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PRESSFEED_CONFIG in the caller's environment must not leak into tests."""
    monkeypatch.delenv("PRESSFEED_CONFIG", raising=False)


@pytest.fixture
def write():
    """`write(site, "feeds/articles/x.yaml", text)` → the written Path."""
    return write_file


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_file(root, "feeds/pressfeed.yaml", CONFIG_TEXT)
    return root


@pytest.fixture
def config(site: Path) -> Config:
    return load_config(site)


@pytest.fixture
def clock() -> Clock:
    return clock_module.fixed(NOW)


@pytest.fixture
def pf(config: Config, clock: Clock) -> Iterator[Pressfeed]:
    feed = Pressfeed(config, clock=clock)
    try:
        yield feed
    finally:
        feed.close()


# -- the bundled sample site, built and served (pages, serve, WebSub and reader tests) ----------

#: a complete site modelled on the portal and the policy-briefing feeds of November 2025 (tests/fixtures)
SAMPLE_FEEDS = Path(__file__).resolve().parent / "fixtures" / "portal-2025" / "feeds"


def copy_sample_site(root: Path) -> Path:
    """A copy of the bundled sample site (config, CMS exports, agency feeds) at root; returns root."""
    shutil.copytree(SAMPLE_FEEDS, root / "feeds", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def run_site(site: Path, when: datetime = NOW) -> Pressfeed:
    """`pressfeed run` on the site at a fixed time (imports, local agency feeds, build); still open."""
    pf = Pressfeed(load_config(site), clock=clock_module.fixed(when))
    result = pf.run()
    assert result.ok, result.lines()
    return pf


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """`directory` served by pressfeed's own server on 127.0.0.1 (a free port); yields its base URL."""
    server = make_server(directory, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield url_of(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def sample_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site after one run at NOW, shared by a module's tests: read it, never change it."""
    site = copy_sample_site(tmp_path_factory.mktemp("sample"))
    run_site(site).close()
    return site


# -- the store on every backend: SQLite, and a real PostgreSQL server (tests/pgserver.py) ---------

#: why PostgreSQL could not be tested in this run ("" while it can), for the loud summary below
_PG_MISSING: list[str] = []


def _pg_unavailable(reason: str) -> None:
    """In CI a missing PostgreSQL fails the run (.ci/run installs it); elsewhere its tests skip, loudly."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI and cannot be started: {reason}", pytrace=False)
    _PG_MISSING.append(reason)
    pytest.skip(f"PostgreSQL NOT TESTED: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One throwaway server per test session; tests take a schema or a database of their own."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        _pg_unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL where a new, empty store will be: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'store' / 'pressfeed.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.new_schema()


def pytest_report_header(config: pytest.Config) -> str:
    try:
        return f"postgresql: {find_bindir()} (the store contract runs on SQLite and PostgreSQL)"
    except PostgresUnavailable as exc:
        return f"postgresql: NOT FOUND, the PostgreSQL half of the store tests will be SKIPPED: {exc}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _PG_MISSING:
        terminalreporter.section("PostgreSQL NOT TESTED", sep="!", red=True, bold=True)
        terminalreporter.line(f"every PostgreSQL store test was skipped: {_PG_MISSING[0]}", red=True)
        terminalreporter.line("install it (apt-get install postgresql) or set PRESSFEED_PG_BINDIR", red=True)
