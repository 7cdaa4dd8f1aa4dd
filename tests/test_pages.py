"""The HTML pages: the site page and one page per section, read as HTML and rendered by Chromium.

The pages are built from the bundled sample site (CMS exports and the agency
feeds, so some items credit an agency). Incremental and byte-identical
rebuilds of the pages are covered with the feeds in test_publish.py.
"""

from __future__ import annotations

import itertools
import json
import posixpath
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import lxml.html
import pytest
from lxml import etree

from conftest import NOW, copy_sample_site, run_site, serving
from pressfeed.publish.pages import _relpath

FEED_URL = "https://www.example-portal.kr/feeds/"
SECTIONS = {"politics": "정치", "society": "사회", "economy": "경제", "it-science": "IT/과학"}
PAGES = ["", *SECTIONS]  # "" is the site page
FORMATS = (
    ("rss.xml", "application/rss+xml"),
    ("atom.xml", "application/atom+xml"),
    ("feed.json", "application/feed+json"),
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def page_file(key: str) -> str:
    return f"{key}/index.html" if key else "index.html"


def page_url(key: str) -> str:
    return f"{FEED_URL}{key}/" if key else FEED_URL


def page(site: Path, key: str) -> Any:
    return lxml.html.fromstring((site / "public" / page_file(key)).read_bytes())


def rss_items(site: Path, key: str) -> list[Any]:
    path = site / "public" / (f"{key}/rss.xml" if key else "rss.xml")
    return etree.parse(str(path)).getroot().findall("channel/item")


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


# -- what a page holds ------------------------------------------------------------------------


def test_a_page_for_the_site_and_every_section(sample_built: Path) -> None:
    for key in PAGES:
        doc = page(sample_built, key)
        assert doc.get("lang") == "ko"
        assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
        assert doc.xpath("//link[@rel='canonical']/@href") == [page_url(key)]
        assert text(doc.xpath("//h1")[0]) == (SECTIONS[key] if key else "전체 기사")


@pytest.mark.parametrize("key", PAGES)
def test_page_lists_the_feeds_items_newest_first(sample_built: Path, key: str) -> None:
    """Title, link, date, agency credit: the same items, in the same order, as the RSS feed."""
    items = page(sample_built, key).xpath("//ol[@class='items']/li")
    feed = rss_items(sample_built, key)

    assert len(items) == len(feed) > 0
    for li, item in zip(items, feed, strict=True):
        (link,) = li.xpath(".//h3/a")
        assert text(link) == item.findtext("title")
        assert link.get("href") == item.findtext("link")
        (when,) = li.xpath(".//time")
        published = item.findtext("pubDate")  # "Sat, 08 Nov 2025 09:00:00 +0900"
        assert when.get("datetime").startswith(_iso_date(published))
        assert when.get("datetime").endswith("+09:00")
        assert text(when) == _shown(published)
        source = item.find("source")
        meta = text(li.xpath(".//p[@class='meta']")[0])
        if source is not None:
            assert f"출처 {source.text}" in meta  # the agency the release comes from
        else:
            assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") in meta


def _iso_date(rfc822: str) -> str:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(rfc822).strftime("%Y-%m-%dT%H:%M")


def _shown(rfc822: str) -> str:
    """How a page shows an item's date: the day, and its time unless midnight (a board giving the day alone)."""
    from email.utils import parsedate_to_datetime

    when = parsedate_to_datetime(rfc822)
    return when.strftime("%Y.%m.%d" if when.strftime("%H:%M:%S") == "00:00:00" else "%Y.%m.%d %H:%M")


def test_a_release_dated_by_its_day_alone_shows_no_time(tmp_path: Path) -> None:
    """재정경제부's board gives a day without a time of day: its releases read "00:00" on the page, as if
    released at midnight. The page shows their day; the others keep their time. (The quick start's sample
    site, run on the day after its newest release.)"""
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parents[1] / "feeds", site / "feeds")
    run_site(site, datetime(2026, 11, 27, tzinfo=UTC)).close()
    shown = [text(t) for t in page(site, "economy").xpath("//ol[@class='items']//time")]
    days = [s for s in shown if " " not in s]
    assert days and all(len(s) == len("2026.11.26") for s in days)
    assert any(len(s) == len("2026.11.25 14:40") for s in shown)
    assert not any(s.endswith(" 00:00") for s in shown)


def test_site_page_names_each_items_section(sample_built: Path) -> None:
    items = page(sample_built, "").xpath("//ol[@class='items']/li")
    sections = {text(li.xpath(".//p[@class='meta']")[0]).split(" · ")[1] for li in items}
    assert sections == set(SECTIONS.values())


def test_agency_credit_links_the_original_release(sample_built: Path) -> None:
    doc = page(sample_built, "it-science")
    credits = doc.xpath("//span[@class='credit']/a")
    assert credits, "the sample's it-science page has agency releases"
    for a in credits:
        assert a.get("href").startswith("https://")
    assert any(text(a) == "과학기술정보통신부" for a in credits)


def test_a_joint_release_credits_each_of_its_agencies() -> None:
    from pressfeed.model import Article, Attribution
    from pressfeed.publish.pages import _credit

    source = Attribution("과학기술정보통신부", url="https://www.msit.go.kr/bbs/1", joint=("금융위원회",))
    article = Article("tag:x,2025:1", "AI 금융 규제 샌드박스", "it-science", NOW, NOW, "https://x.kr/1", source=source)
    assert _credit(article) == '출처 <a href="https://www.msit.go.kr/bbs/1">과학기술정보통신부 · 금융위원회</a>'


@pytest.mark.parametrize("key", PAGES)
def test_subscribe_box_shows_the_exact_urls(sample_built: Path, key: str) -> None:
    doc = page(sample_built, key)
    rows = doc.xpath("//dl[@class='feeds']/div")
    prefix = f"{key}/" if key else ""

    assert [text(row.xpath(".//code")[0]) for row in rows] == [f"{FEED_URL}{prefix}{name}" for name, _ in FORMATS]
    for row, (name, kind) in zip(rows, FORMATS, strict=True):
        (link,) = row.xpath(".//dt/a")
        assert urljoin(page_url(key), link.get("href")) == f"{FEED_URL}{prefix}{name}"  # relative, and right
        assert link.get("type") == kind


def test_autodiscovery(sample_built: Path) -> None:
    def alternates(key: str) -> list[tuple[str, str]]:
        return [
            (link.get("type"), link.get("href"))
            for link in page(sample_built, key).xpath("//head/link[@rel='alternate']")
        ]

    def feeds(key: str) -> list[tuple[str, str]]:
        prefix = f"{key}/" if key else ""
        return [(kind, f"{FEED_URL}{prefix}{name}") for name, kind in FORMATS]

    assert alternates("") == [pair for key in PAGES for pair in feeds(key)]
    for key in SECTIONS:
        assert alternates(key) == feeds(key) + feeds("")  # its own first: what a reader picks
    titles = page(sample_built, "economy").xpath("//head/link[@rel='alternate']/@title")
    assert titles[:3] == ["포탈뉴스통신 - 경제 (RSS)", "포탈뉴스통신 - 경제 (Atom)", "포탈뉴스통신 - 경제 (JSON)"]


@pytest.mark.parametrize("key", PAGES)
def test_navigation_between_pages(sample_built: Path, key: str) -> None:
    doc = page(sample_built, key)
    links = doc.xpath("//nav//a")
    targets = [urljoin(page_url(key), a.get("href")) for a in links]
    assert targets == [page_url(k) for k in PAGES]
    assert [text(a) for a in links if a.get("aria-current") == "page"] == [SECTIONS.get(key, "전체")]


def test_site_page_lists_every_sections_feed_and_the_opml(sample_built: Path) -> None:
    doc = page(sample_built, "")
    rows = doc.xpath("//ul[@class='sections']/li")
    assert [text(row.xpath("a")[0]) for row in rows] == list(SECTIONS.values())
    assert [text(row.xpath(".//code")[0]) for row in rows] == [f"{FEED_URL}{k}/rss.xml" for k in SECTIONS]
    assert doc.xpath("//a[@href='feeds.opml']")


def test_empty_section_page(tmp_path: Path) -> None:
    site = copy_sample_site(tmp_path / "site")
    config = site / "feeds" / "pressfeed.yaml"
    text_ = config.read_text(encoding="utf-8")
    config.write_text(text_.replace("\nsections:\n", "\nsections:\n  culture:\n    title: 문화\n", 1), encoding="utf-8")
    run_site(site).close()

    doc = page(site, "culture")
    assert doc.xpath("//ol[@class='items']") == []
    assert "아직 기사가 없습니다." in text(doc)
    assert text(doc.xpath("//dl[@class='feeds']//code")[0]) == f"{FEED_URL}culture/rss.xml"


HOSTILE = """\
id: "20251108-0666"
title: "&lt;img src=x onerror=alert(1)&gt; 제목 & \\"따옴표\\""
section: 사회
published: 2025-11-08 11:00:00
link: /news/articleView.html?idxno=999&x="><script>alert(2)</script>
body_html: <p>본문</p>
"""


def test_page_escapes_what_it_shows(tmp_path: Path) -> None:
    site = copy_sample_site(tmp_path / "site")
    (site / "feeds" / "articles" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    run_site(site).close()

    doc = page(site, "society")
    assert doc.xpath("//script") == []
    assert doc.xpath("//*[@onerror]") == []
    (first,) = doc.xpath("//ol[@class='items']/li[1]//h3/a")
    # a tag that closes nothing is text in a title (one that does, "</script>", is not kept)
    assert text(first) == '<img src=x onerror=alert(1)> 제목 & "따옴표"'


def test_pages_do_not_depend_on_the_build_time(tmp_path: Path) -> None:
    from datetime import timedelta

    site = copy_sample_site(tmp_path / "site")
    run_site(site).close()
    before = {key: (site / "public" / page_file(key)).read_bytes() for key in PAGES}
    with run_site(site, NOW + timedelta(days=400)) as later:
        assert later.build(force=True).written == ()
    assert {key: (site / "public" / page_file(key)).read_bytes() for key in PAGES} == before


# -- in a real browser ------------------------------------------------------------------------

#: loads a page in a phone-sized frame and reports how Chromium laid it out
LAYOUT_PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<iframe id="page" src="{src}" style="width:390px;height:844px;border:0"></iframe>
<pre id="result">not measured</pre>
<script>
document.getElementById("page").addEventListener("load", () => {{
  const frame = document.getElementById("page");
  const doc = frame.contentDocument, win = frame.contentWindow;
  const body = win.getComputedStyle(doc.body);
  const split = [];
  for (const link of doc.querySelectorAll(".item h3 a")) {{
    const node = link.firstChild;
    // words: between spaces, and between the ellipses and middle dots headlines join words with
    // ("운영…대설·한파"): a line may end after those, as after a comma
    for (const match of node.data.matchAll(/[^\\s…·]+/g)) {{
      const range = doc.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) split.push(match[0]);
    }}
  }}
  const result = {{
    width: win.innerWidth,
    scrollWidth: doc.documentElement.scrollWidth,
    overflowing: [...doc.querySelectorAll("body *")]
      .filter(e => e.getBoundingClientRect().right > win.innerWidth + 0.5)
      .map(e => e.tagName + "." + e.className),
    fontSize: parseFloat(body.fontSize),
    lineHeight: parseFloat(body.lineHeight),
    wordBreak: body.wordBreak,
    lang: doc.documentElement.lang,
    titles: [...doc.querySelectorAll(".item h3")].map(h => h.textContent),
    splitWords: split,
    urls: [...doc.querySelectorAll(".feeds code")].map(c => c.textContent),
    alternates: [...doc.querySelectorAll("link[rel=alternate]")].map(l => l.type),
  }};
  document.getElementById("result").textContent = JSON.stringify(result);
}});
</script>
</body></html>
"""


def chromium_dom(url: str, profile: Path) -> str:
    """The DOM Chromium has after loading `url`; only 127.0.0.1 resolves (the pages' photos do not)."""
    assert CHROMIUM is not None
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--window-size=800,1000",
        "--virtual-time-budget=5000",
        "--dump-dom",
        url,
    ]
    proc = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="LOUD SKIP: Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("key", ["it-science", ""])
def test_page_reads_well_on_a_phone(sample_built: Path, tmp_path: Path, key: str) -> None:
    """At 390 px wide: nothing sticks out, body text is large and airy, no Korean word is broken."""
    public = tmp_path / "public"
    shutil.copytree(sample_built / "public", public)
    (public / "layout-probe.html").write_text(LAYOUT_PROBE.format(src=f"{key}/" if key else "./"), encoding="utf-8")

    with serving(public) as base:
        dom = chromium_dom(f"{base}layout-probe.html", tmp_path / "profile")

    (result,) = lxml.html.fromstring(dom).xpath("//pre[@id='result']")
    measured = json.loads(result.text)
    assert measured["width"] == 390
    assert measured["scrollWidth"] <= 390, measured["overflowing"]
    assert measured["overflowing"] == []
    assert measured["fontSize"] >= 16
    assert measured["lineHeight"] >= 1.6 * measured["fontSize"]
    assert measured["wordBreak"] == "keep-all"
    assert measured["lang"] == "ko"
    assert measured["splitWords"] == []  # line breaks fall between words (eojeol), never inside one
    titles = [item.findtext("title") for item in rss_items(sample_built, key)]
    assert measured["titles"] == titles  # Hangul intact as the browser decoded it
    prefix = f"{key}/" if key else ""
    assert measured["urls"] == [f"{FEED_URL}{prefix}{name}" for name, _ in FORMATS]  # <wbr> copies as nothing
    assert measured["alternates"][:3] == [kind for _, kind in FORMATS]


_PATHS = ["", "a", "b", "a/b", "a/", "a/c/", "feeds.opml", "a/rss.xml", "b/x/y"]
_PATHS += [".", "..", "a/../b", "/a", "a//b", "./a"]  # odd ones go to posixpath


@pytest.mark.parametrize(("target", "start"), list(itertools.product(_PATHS, repeat=2)))
def test_relative_links_are_posixpath_relpath(target: str, start: str) -> None:
    """The pages' own relpath (no abspath per link) agrees with posixpath.relpath, odd paths included."""
    assert _relpath(target, start) == posixpath.relpath(target or ".", start or ".")
