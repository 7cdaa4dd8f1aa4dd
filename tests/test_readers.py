"""Real readers against the sample site served over HTTP by `pressfeed serve`'s server.

feedparser fetches every RSS and Atom feed with an ETag round trip (it has no
JSON Feed parser before 7.0, so httpx plays the JSON Feed reader); newsboat
subscribes to the RSS and the Atom feeds and must store every item with its
Hangul title intact.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import etree

from conftest import serving

KEYS = ("", "politics/", "society/", "economy/", "it-science/")
ATOM = "{http://www.w3.org/2005/Atom}"
NEWSBOAT = shutil.which("newsboat")


@pytest.fixture(scope="module")
def base(sample_built: Path) -> Iterator[str]:
    with serving(sample_built / "public") as url:
        yield url


def feed_paths(*names: str) -> list[str]:
    return [f"{key}{name}" for key in KEYS for name in names]


def titles_on_disk(site: Path, path: str) -> dict[str, str]:
    """id → title of every item of an RSS or Atom file, read with lxml (no feedparser clean-up)."""
    root = etree.parse(str(site / "public" / path)).getroot()
    if root.tag == "rss":
        return {item.findtext("guid"): item.findtext("title") for item in root.iter("item")}
    return {entry.findtext(f"{ATOM}id"): entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")}


def channel_title(site: Path, path: str) -> str:
    root = etree.parse(str(site / "public" / path)).getroot()
    return str(root.findtext("channel/title") if root.tag == "rss" else root.findtext(f"{ATOM}title"))


# -- feedparser ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", feed_paths("rss.xml", "atom.xml"))
def test_feedparser_fetches_every_feed_with_an_etag_round_trip(sample_built: Path, base: str, path: str) -> None:
    first = feedparser.parse(base + path)

    assert first.status == 200
    assert first.bozo == 0, first.get("bozo_exception")
    assert first.version == ("rss20" if path.endswith("rss.xml") else "atom10")
    assert first.headers["content-type"].endswith("+xml; charset=utf-8")
    assert first.headers["content-encoding"] == "gzip"  # feedparser asks for it
    assert first.etag and not first.etag.startswith("W/")
    assert {e.id: e.title for e in first.entries} == titles_on_disk(sample_built, path)
    assert first.entries, path

    again = feedparser.parse(base + path, etag=first.etag)
    assert again.status == 304
    assert again.entries == []
    assert again.etag == first.etag

    by_date = feedparser.parse(base + path, modified=first.modified)
    assert by_date.status == 304


@pytest.mark.parametrize("path", feed_paths("feed.json"))
def test_json_feed_over_http_with_an_etag_round_trip(sample_built: Path, base: str, path: str) -> None:
    with httpx.Client(base_url=base) as client:
        first = client.get(path)
        assert first.status_code == 200
        assert first.headers["content-type"] == "application/feed+json; charset=utf-8"
        assert first.headers["content-encoding"] == "gzip"
        assert first.json() == json.loads((sample_built / "public" / path).read_bytes())
        assert first.json()["version"] == "https://jsonfeed.org/version/1.1"

        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""


# -- newsboat ----------------------------------------------------------------------------------


def newsboat_reload(urls: list[str], home: Path) -> sqlite3.Connection:
    """`newsboat -x reload` on these URLs in a fresh profile; returns its cache database."""
    assert NEWSBOAT is not None
    home.mkdir()
    (home / "urls").write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    (home / "config").write_text("", encoding="utf-8")
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "no_proxy": "127.0.0.1",
    }
    cache = home / "cache.db"
    cmd = [NEWSBOAT, "-u", str(home / "urls"), "-c", str(cache), "-C", str(home / "config"), "-x", "reload"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return sqlite3.connect(cache)


@pytest.mark.slow
@pytest.mark.skipif(NEWSBOAT is None, reason="LOUD SKIP: newsboat is not installed (apt-get install newsboat)")
@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_newsboat_lists_every_item_with_its_hangul_title(
    sample_built: Path, base: str, tmp_path: Path, name: str
) -> None:
    paths = feed_paths(name)
    db = newsboat_reload([base + path for path in paths], tmp_path / "newsboat")
    try:
        feeds = dict(db.execute("SELECT rssurl, title FROM rss_feed"))
        items = dict(db.execute("SELECT guid, title FROM rss_item"))
    finally:
        db.close()

    assert feeds == {base + path: channel_title(sample_built, path) for path in paths}
    assert "포탈뉴스통신 - IT/과학" in feeds.values()
    # newsboat keeps an item once however many feeds carry it (the site feed repeats every section's)
    expected: dict[str, str] = {}
    for path in paths:
        expected |= titles_on_disk(sample_built, path)
    assert items == expected
    assert len(items) > 20
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in title) for title in items.values())
