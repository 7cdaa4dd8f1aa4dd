"""Publishing (`pressfeed build`): RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML and index.html.

Every trap listed in the project's FEEDS.md has a regression test here. The XML
is read back with lxml as well as feedparser: feedparser forgives and
sanitizes, so it cannot show what a stricter reader or the W3C validator sees.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import listparser
import lxml.html
import pytest
from lxml import etree

from pressfeed.clock import Clock, fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import InputError
from pressfeed.model import Status
from w3c import problems

#: the fixed "now" of every test (= conftest.NOW, 2025-11-08 21:00 KST)
NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
#: when the store first saw the config (the fixed clock's now): the `updated` of feeds
#: without items and the OPML dateModified
CONFIG_SEEN = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "portal-2025" / "feeds" / "articles"
TAG = "tag:example-portal.kr,2025:article/"
SITE_URL = "https://www.example-portal.kr/"
FEED_URL = "https://www.example-portal.kr/feeds/"
LIST_URL = "https://www.example-portal.kr/news/articleList.html?sc_section_code="

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2}$")
RFC822_KST = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0900$")

_SECTION_BLOCKS = {
    "politics": """\
  politics:
    title: 정치
    aliases: [정치일반, 외교]
    url: https://www.example-portal.kr/news/articleList.html?sc_section_code=S1N1
""",
    "society": """\
  society:
    title: 사회
    aliases: [사회일반, 날씨]
    url: https://www.example-portal.kr/news/articleList.html?sc_section_code=S1N2
""",
    "economy": """\
  economy:
    title: 경제
    aliases: [경제일반, 부동산]
    url: https://www.example-portal.kr/news/articleList.html?sc_section_code=S1N3
""",
    "it-science": """\
  it-science:
    title: IT/과학
    aliases: ["IT·과학", "IT과학", science]
    url: https://www.example-portal.kr/news/articleList.html?sc_section_code=S1N4
""",
    # no articles in the samples, no url of its own
    "culture": """\
  culture:
    title: 문화
    description: 포탈뉴스통신 문화 섹션 기사
""",
}
SECTIONS = tuple(_SECTION_BLOCKS)
SECTION_URLS = {
    "politics": LIST_URL + "S1N1",
    "society": LIST_URL + "S1N2",
    "economy": LIST_URL + "S1N3",
    "it-science": LIST_URL + "S1N4",
    "culture": SITE_URL,
    "": SITE_URL,
}
KEYS = ("", *SECTIONS)  # "" is the site-wide feed


def portal_config(items_per_feed: int = 50, without: tuple[str, ...] = ()) -> str:
    sections = "".join(block for slug, block in _SECTION_BLOCKS.items() if slug not in without)
    return f"""\
site:
  title: 포탈뉴스통신
  url: https://www.example-portal.kr/
  feed_url: https://www.example-portal.kr/feeds/
  language: ko
  timezone: Asia/Seoul
  description: 포탈뉴스통신의 섹션별 최신 기사
  tag_authority: example-portal.kr,2025

store:
  path: .pressfeed/pressfeed.db

output:
  dir: public
  items_per_feed: {items_per_feed}

sections:
{sections}"""


def i(number: str) -> str:
    return TAG + number


# What the bundled samples publish at NOW: newest first. Left out: the draft
# 20251106-0009, the hidden 20251101-0011 and the 2031 embargo 20251107-0050.
SITE_ORDER = [
    i("20251108-0001"),  # 11-08 09:00  it-science
    i("20251108-0004"),  # 11-08 08:40  society
    i("20251107-0031"),  # 11-07 18:30  politics
    i("20251107-0026"),  # 11-07 15:10  economy
    i("20251107-0019"),  # 11-07 11:30  economy (updated 14:02)
    i("20251107-0014"),  # 11-07 10:20  it-science (updated 11:05)
    i("20251106-0018"),  # 11-06 14:00  politics (updated 15:20)
    i("20251106-0023"),  # 11-06 13:15  society
    i("20251106-0002"),  # 11-06 07:30  society
    i("20251105-0027"),  # 11-05 16:40  it-science
    i("20251105-0013"),  # 11-05 10:45  economy
    i("20251104-0042"),  # 11-04 17:10  politics
    i("20251104-0038"),  # 11-04 15:30  it-science
]
SECTION_ORDER = {
    "": SITE_ORDER,
    "politics": [i("20251107-0031"), i("20251106-0018"), i("20251104-0042")],
    "society": [i("20251108-0004"), i("20251106-0023"), i("20251106-0002")],
    "economy": [i("20251107-0026"), i("20251107-0019"), i("20251105-0013")],
    "it-science": [i("20251108-0001"), i("20251107-0014"), i("20251105-0027"), i("20251104-0038")],
    "culture": [],
}
NOT_PUBLISHED = {
    "20251106-0009": "국회 예결특위, 2026년도 예산안 부별 심사 돌입",  # draft
    "20251101-0011": "수원 화성행궁 ‘가을 야간 축제’ 개막",  # hidden
    "20251107-0050": "[신년특집] 2031년 한국 경제",  # published 2031: embargoed
}
#: newest `updated` of each feed's items (Atom feed updated / RSS lastBuildDate), +09:00
NEWEST_UPDATED = {
    "": "2025-11-08T09:00:00+09:00",
    "politics": "2025-11-07T18:30:00+09:00",
    "society": "2025-11-08T08:40:00+09:00",
    "economy": "2025-11-07T15:10:00+09:00",
    "it-science": "2025-11-08T09:00:00+09:00",
    "culture": "2025-11-08T21:00:00+09:00",  # no items: when the store first saw the config
}


def feed_paths(key: str) -> tuple[str, str, str]:
    prefix = f"{key}/" if key else ""
    return (f"{prefix}rss.xml", f"{prefix}atom.xml", f"{prefix}feed.json")


def page_path(key: str) -> str:
    return f"{key}/index.html" if key else "index.html"


#: every feed, every feed's HTML page (the site's is index.html) and the OPML
ALL_FILES = {p for key in KEYS for p in (*feed_paths(key), page_path(key))} | {"feeds.opml"}


# -- fixtures and helpers -----------------------------------------------------


def set_config(site: Path, text: str) -> None:
    path = site / "feeds" / "pressfeed.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def open_portal(site: Path, clock: Clock) -> Pressfeed:
    return Pressfeed(load_config(site), clock=clock)


@pytest.fixture
def portal(site: Path, clock: Clock) -> Iterator[Pressfeed]:
    """An empty store with the portal config (section URLs, an empty `culture` section)."""
    set_config(site, portal_config())
    pf = open_portal(site, clock)
    try:
        yield pf
    finally:
        pf.close()


@pytest.fixture
def samples(site: Path, portal: Pressfeed) -> Pressfeed:
    """The portal with the bundled sample CMS exports imported (not yet built)."""
    shutil.copytree(SAMPLES, site / "feeds" / "articles")
    portal.import_files(sorted(str(p) for p in (site / "feeds" / "articles").glob("*.yaml")))
    return portal


@pytest.fixture
def built(samples: Pressfeed) -> Pressfeed:
    samples.build()
    return samples


def import_yaml(pf: Pressfeed, site: Path, name: str, text: str) -> None:
    path = site / "feeds" / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    pf.import_files([str(path)])


def out_dir(pf: Pressfeed) -> Path:
    return pf.config.output.dir


def snapshot(pf: Pressfeed) -> dict[str, bytes]:
    root = out_dir(pf)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read(pf: Pressfeed, path: str) -> bytes:
    return (out_dir(pf) / path).read_bytes()


def rss(pf: Pressfeed, key: str = "") -> Any:
    return etree.fromstring(read(pf, feed_paths(key)[0]))


def atom(pf: Pressfeed, key: str = "") -> Any:
    return etree.fromstring(read(pf, feed_paths(key)[1]))


def jsonfeed(pf: Pressfeed, key: str = "") -> dict[str, Any]:
    return json.loads(read(pf, feed_paths(key)[2]))


def rss_items(pf: Pressfeed, key: str = "") -> list[Any]:
    return rss(pf, key).findall("channel/item")


def atom_entries(pf: Pressfeed, key: str = "") -> list[Any]:
    return atom(pf, key).findall(f"{ATOM}entry")


def rss_ids(pf: Pressfeed, key: str = "") -> list[str]:
    return [item.findtext("guid") for item in rss_items(pf, key)]


def atom_ids(pf: Pressfeed, key: str = "") -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in atom_entries(pf, key)]


def json_ids(pf: Pressfeed, key: str = "") -> list[str]:
    return [item["id"] for item in jsonfeed(pf, key)["items"]]


def rss_item(pf: Pressfeed, article_id: str, key: str = "") -> Any:
    (found,) = [item for item in rss_items(pf, key) if item.findtext("guid") == article_id]
    return found


def atom_entry(pf: Pressfeed, article_id: str, key: str = "") -> Any:
    (found,) = [e for e in atom_entries(pf, key) if e.findtext(f"{ATOM}id") == article_id]
    return found


def json_item(pf: Pressfeed, article_id: str, key: str = "") -> dict[str, Any]:
    (found,) = [item for item in jsonfeed(pf, key)["items"] if item["id"] == article_id]
    return found


def feedparsed(data: bytes) -> Any:
    result = feedparser.parse(data)
    assert result.bozo == 0, result.get("bozo_exception")
    return result


def nulls(value: Any, where: str = "$") -> list[str]:
    """JSON paths of every null in `value`."""
    if value is None:
        return [where]
    if isinstance(value, dict):
        return [n for k, v in value.items() for n in nulls(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [n for index, v in enumerate(value) for n in nulls(v, f"{where}[{index}]")]
    return []


def contents(pf: Pressfeed, article_id: str, key: str = "") -> dict[str, str]:
    """The item's full HTML body as each format carries it (XML-unescaped)."""
    return {
        "rss": rss_item(pf, article_id, key).findtext(CONTENT_ENCODED),
        "atom": atom_entry(pf, article_id, key).findtext(f"{ATOM}content"),
        "json": json_item(pf, article_id, key)["content_html"],
    }


def written(*keys: str) -> set[str]:
    """The files a change to these feeds rewrites: the three formats and the page."""
    return {p for key in keys for p in (*feed_paths(key), page_path(key))}


# -- records written by the tests -------------------------------------------------

PRESS_ID = i("20251108-0100")
PRESS_LINK = "https://www.example-portal.kr/news/articleView.html?idxno=123500"
PRESS_RELEASE_URL = "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156720500"
MSIT_HOME = "https://www.msit.go.kr/"
MSIT_FEED = "https://www.korea.kr/rss/dept_msit.xml"
CREDIT = "[뉴스출처 : 과학기술정보통신부]"
ATTACHMENT_URL = "https://www.korea.kr/common/download.do?fileId=198000001&tblKey=GMN"

#: a republished press release, as the seed records carry them; the body already ends with the credit
PRESS_RELEASE = """\
id: "20251108-0100"
title: 과기정통부, 양자 기술 실증 사업 착수
subtitle: 2030년까지 양자 컴퓨터 실증 거점 3곳 구축
section: IT/과학
published: 2025-11-08 10:30:00
byline: 포탈뉴스통신
link: /news/articleView.html?idxno=123500
tags: [양자, 과학기술정보통신부]
images:
  - url: /news/photo/202511/123500_1.jpg
    type: image/jpeg
    length: 51234
    caption: 양자 기술 실증 사업 착수식
  - url: /news/photo/202511/123500_2.jpg
attachments:
  - url: https://www.korea.kr/common/download.do?fileId=198000001&tblKey=GMN
    type: application/pdf
    length: 20480
    title: 보도자료.pdf
status: published
source:
  name: 과학기술정보통신부
  home: https://www.msit.go.kr/
  feed: https://www.korea.kr/rss/dept_msit.xml
  url: https://www.korea.kr/briefing/pressReleaseView.do?newsId=156720500
  published: 2025-11-08 10:00:00
  credit: "[뉴스출처 : 과학기술정보통신부]"
body_html: |
  <p>(포탈뉴스통신) 과학기술정보통신부는 8일 양자 기술 실증 사업에 착수한다고 밝혔다.</p>
  <p>실증 거점은 2030년까지 세 곳에 구축된다.</p>
  <p>[뉴스출처 : 과학기술정보통신부]</p>
"""

#: a lead image without a known length, and no id (the permalink is the id)
NO_LENGTH = """\
title: 서울 도심 첫눈
section: 사회
published: 2025-11-08 07:00:00
link: https://www.example-portal.kr/news/articleView.html?idxno=123501
images:
  - url: /news/photo/202511/123501_1.png
body_html: <p>서울 도심에 첫눈이 내렸다.</p>
"""
NO_LENGTH_LINK = "https://www.example-portal.kr/news/articleView.html?idxno=123501"

HOSTILE_ID = i("20251108-0666")
HOSTILE = r"""
id: "20251108-0666"
title: "<script>alert(1)</script>제목 ]]> &amp; &nbsp;"
section: 사회
published: 2025-11-08 11:00:00
link: /news/articleView.html?idxno=999
body_html: "<p>본문 ]]> 끝\x00\x0b\x1f\uFFFE 제어문자</p>\n<iframe src=\"https://evil.example/x\"></iframe>\n<p onclick=\"steal()\">클릭</p>\n<p><a href=\"javascript:alert(2)\">링크</a></p>\n<p><img src=\"/a.jpg\" alt=\"사진\"></p>"
"""  # noqa: E501


@pytest.fixture
def press(site: Path, portal: Pressfeed) -> Pressfeed:
    """Only the press release (it-science) and the length-less image record (society), built."""
    import_yaml(portal, site, "press.yaml", PRESS_RELEASE)
    import_yaml(portal, site, "nolength.yaml", NO_LENGTH)
    portal.build()
    return portal


# -- every file parses ------------------------------------------------------------


def test_first_build_writes_every_file(samples: Pressfeed) -> None:
    result = samples.build()

    assert set(result.written) == ALL_FILES
    assert len(result.written) == len(ALL_FILES) == 25
    assert (result.unchanged, result.removed, result.rendered) == ((), (), 6)
    assert set(snapshot(samples)) == ALL_FILES  # and nothing else: no temp files
    assert result.summary() == "build: 25 files, 25 written, 0 unchanged"


@pytest.mark.parametrize("key", KEYS)
def test_rss_and_atom_parse_cleanly(built: Pressfeed, key: str) -> None:
    rss_path, atom_path, _ = feed_paths(key)
    for path, version in ((rss_path, "rss20"), (atom_path, "atom10")):
        data = read(built, path)
        etree.fromstring(data)  # well-formed for a strict XML parser
        parsed = feedparsed(data)
        assert parsed.version == version
        assert [e.id for e in parsed.entries] == SECTION_ORDER[key]


@pytest.mark.parametrize("key", KEYS)
def test_json_feed_fields(built: Pressfeed, key: str) -> None:
    feed = jsonfeed(built, key)

    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == ("포탈뉴스통신" if not key else f"포탈뉴스통신 - {dict(_titles())[key]}")
    assert feed["home_page_url"] == SECTION_URLS[key]
    assert feed["feed_url"] == FEED_URL + feed_paths(key)[2]
    assert feed["language"] == "ko"
    assert nulls(feed) == []
    assert [item["id"] for item in feed["items"]] == SECTION_ORDER[key]
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert isinstance(item["content_html"], str) and item["content_html"].startswith(("<p>", "<figure>"))
        assert RFC3339.match(item["date_published"]), item["date_published"]
        assert item["date_published"].endswith("+09:00")
        assert RFC3339.match(item["date_modified"]) and item["date_modified"].endswith("+09:00")
        assert item["url"].startswith(SITE_URL)
        assert isinstance(item["_pressfeed"], dict)
        assert item["_pressfeed"]["section"] in SECTIONS
        if key:
            assert item["_pressfeed"]["section"] == key


def _titles() -> list[tuple[str, str]]:
    return [
        ("politics", "정치"),
        ("society", "사회"),
        ("economy", "경제"),
        ("it-science", "IT/과학"),
        ("culture", "문화"),
    ]


def test_opml_lists_every_feed(built: Pressfeed) -> None:
    result = listparser.parse(read(built, "feeds.opml"))

    assert not result.bozo, result.bozo_exception
    assert result.meta.title == "포탈뉴스통신"
    assert result.meta.modified_parsed == CONFIG_SEEN
    # each feed once, as RSS: a reader subscribes to every outline of an imported list
    assert [feed.url for feed in result.feeds] == [FEED_URL + feed_paths(key)[0] for key in KEYS]


def test_index_html_autodiscovery(built: Pressfeed) -> None:
    page = lxml.html.fromstring(read(built, "index.html"))

    assert page.get("lang") == "ko"
    links = {(link.get("type"), link.get("href")) for link in page.xpath("//head/link[@rel='alternate']")}
    expected = set()
    for key in KEYS:
        rss_path, atom_path, json_path = feed_paths(key)
        expected |= {
            ("application/rss+xml", FEED_URL + rss_path),
            ("application/atom+xml", FEED_URL + atom_path),
            ("application/feed+json", FEED_URL + json_path),
        }
    assert links == expected
    assert len(page.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']")) == 6


# -- attribution of a republished press release -----------------------------------------


def test_rss_attribution(press: Pressfeed) -> None:
    for key in ("", "it-science"):
        item = rss_item(press, PRESS_ID, key)
        (source,) = item.findall("source")
        assert source.get("url") == MSIT_FEED
        assert source.text == "과학기술정보통신부"
        assert [e.text for e in item.findall(DC_CREATOR)] == ["포탈뉴스통신"]
        assert item.findall("author") == []
        assert item.findtext("link") == PRESS_LINK


def test_atom_attribution(press: Pressfeed) -> None:
    for key in ("", "it-science"):
        entry = atom_entry(press, PRESS_ID, key)
        (source,) = entry.findall(f"{ATOM}source")
        assert source.findtext(f"{ATOM}id") == MSIT_FEED
        assert source.findtext(f"{ATOM}title") == "과학기술정보통신부"
        assert source.findtext(f"{ATOM}updated") == "2025-11-08T10:00:00+09:00"
        links = [(link.get("rel"), link.get("href")) for link in source.findall(f"{ATOM}link")]
        assert sorted(links) == [("alternate", MSIT_HOME), ("self", MSIT_FEED)]
        via = [link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "via"]
        assert via == [PRESS_RELEASE_URL]
        assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == ["포탈뉴스통신"]


def test_json_attribution(press: Pressfeed) -> None:
    for key in ("", "it-science"):
        item = json_item(press, PRESS_ID, key)
        assert item["url"] == PRESS_LINK
        assert item["external_url"] == PRESS_RELEASE_URL
        assert item["authors"] == [{"name": "포탈뉴스통신"}]
        assert item["_pressfeed"] == {
            "section": "it-science",
            "subtitle": "2030년까지 양자 컴퓨터 실증 거점 3곳 구축",
            "source": {
                "name": "과학기술정보통신부",
                "home_page_url": MSIT_HOME,
                "feed_url": MSIT_FEED,
                "url": PRESS_RELEASE_URL,
                "date_published": "2025-11-08T10:00:00+09:00",
                "credit": CREDIT,
            },
        }


def test_json_media_of_a_press_release(press: Pressfeed) -> None:
    item = json_item(press, PRESS_ID)
    assert item["image"] == "https://www.example-portal.kr/news/photo/202511/123500_1.jpg"
    assert item["attachments"] == [
        {
            "url": "https://www.example-portal.kr/news/photo/202511/123500_1.jpg",
            "mime_type": "image/jpeg",
            "size_in_bytes": 51234,
            "title": "양자 기술 실증 사업 착수식",
        },
        {"url": "https://www.example-portal.kr/news/photo/202511/123500_2.jpg", "mime_type": "image/jpeg"},
        {"url": ATTACHMENT_URL, "mime_type": "application/pdf", "size_in_bytes": 20480, "title": "보도자료.pdf"},
    ]


# -- Media RSS: thumbnails for aggregators ------------------------------------------------

MEDIA = "{http://search.yahoo.com/mrss/}"
PRESS_PHOTO = "https://www.example-portal.kr/news/photo/202511/123500_1.jpg"
PRESS_PHOTO_2 = "https://www.example-portal.kr/news/photo/202511/123500_2.jpg"

#: a photo whose pixel size the CMS knows
SIZED = """\
id: "20251108-0300"
title: 누리호 5차 발사 성공
section: IT/과학
published: 2025-11-08 11:00:00
link: /news/articleView.html?idxno=123700
images:
  - url: /news/photo/202511/123700_1.jpg
    length: 98304
    width: 1200
    height: 800
    caption: 나로우주센터에서 발사되는 누리호 (사진=한국항공우주연구원)
body_html: <p>누리호가 5차 발사에 성공했다.</p>
"""
SIZED_PHOTO = "https://www.example-portal.kr/news/photo/202511/123700_1.jpg"


def _media_of(element: Any) -> tuple[list[dict[str, str]], list[str | None], list[dict[str, str]]]:
    """(media:content attributes, their media:description texts, media:thumbnail attributes)."""
    contents = element.findall(f"{MEDIA}content")
    captions = [c.findtext(f"{MEDIA}description") for c in contents]
    return [dict(c.attrib) for c in contents], captions, [dict(t.attrib) for t in element.findall(f"{MEDIA}thumbnail")]


def test_media_rss_for_article_images(press: Pressfeed) -> None:
    """Every image is a media:content, the lead one the item's media:thumbnail; the PDF is not media."""
    expected = (
        [
            {"url": PRESS_PHOTO, "medium": "image", "type": "image/jpeg", "fileSize": "51234"},
            {"url": PRESS_PHOTO_2, "medium": "image", "type": "image/jpeg"},  # size unknown: left out, not 0
        ],
        ["양자 기술 실증 사업 착수식", None],
        [{"url": PRESS_PHOTO}],
    )
    for key in ("", "it-science"):
        assert _media_of(rss_item(press, PRESS_ID, key)) == expected
        assert _media_of(atom_entry(press, PRESS_ID, key)) == expected
    description = rss_item(press, PRESS_ID).find(f"{MEDIA}content/{MEDIA}description")
    assert description.get("type") == "plain"
    assert rss(press).nsmap["media"] == atom(press).nsmap["media"] == "http://search.yahoo.com/mrss/"


def test_media_rss_sizes_when_known(portal: Pressfeed, site: Path) -> None:
    import_yaml(portal, site, "sized.yaml", SIZED)
    portal.build()

    contents, captions, thumbnails = _media_of(rss_items(portal, "it-science")[0])
    size = {"width": "1200", "height": "800"}
    assert contents == [{"url": SIZED_PHOTO, "medium": "image", "type": "image/jpeg", "fileSize": "98304"} | size]
    assert captions == ["나로우주센터에서 발사되는 누리호 (사진=한국항공우주연구원)"]
    assert thumbnails == [{"url": SIZED_PHOTO} | size]
    assert _media_of(atom_entries(portal, "it-science")[0]) == (contents, captions, thumbnails)


def test_readers_find_the_thumbnail(press: Pressfeed) -> None:
    for data in (read(press, "rss.xml"), read(press, "atom.xml")):
        entry = next(e for e in feedparsed(data).entries if e.id == PRESS_ID)
        assert entry.media_thumbnail[0]["url"] == PRESS_PHOTO
        assert [c["url"] for c in entry.media_content] == [PRESS_PHOTO, PRESS_PHOTO_2]
        assert entry.media_content[0]["medium"] == "image"


def test_no_media_elements_without_images(portal: Pressfeed, site: Path) -> None:
    """A release with only its HWP: the enclosure, but no Media RSS (it is not a picture)."""
    without_photo = SIZED.split("images:")[0] + (
        "attachments:\n"
        "  - url: https://www.korea.kr/common/download.do?fileId=1977&tblKey=GMN\n"
        "    type: application/x-hwp\n"
        "body_html: <p>본문</p>\n"
    )
    import_yaml(portal, site, "hwp.yaml", without_photo)
    portal.build()

    (item,) = rss_items(portal, "it-science")
    assert item.find("enclosure").get("type") == "application/x-hwp"
    assert [child.tag for child in item if child.tag.startswith(MEDIA)] == []
    (entry,) = atom_entries(portal, "it-science")
    assert [child.tag for child in entry if child.tag.startswith(MEDIA)] == []


def test_image_size_must_be_whole_pixels(portal: Pressfeed, site: Path) -> None:
    from pressfeed.errors import InputError

    with pytest.raises(InputError, match="width must be a positive whole number of pixels, not '1200px'"):
        import_yaml(portal, site, "bad.yaml", SIZED.replace("width: 1200", "width: 1200px"))


def test_images_without_sizes_are_stored_as_before(press: Pressfeed) -> None:
    """Sizes appear in the stored form only when known, so older articles keep their content hash."""
    from pressfeed.model import article_to_dict

    images = article_to_dict(press.article(PRESS_ID).article)["images"]
    assert images == [
        {"url": PRESS_PHOTO, "type": "image/jpeg", "length": 51234, "caption": "양자 기술 실증 사업 착수식"},
        {"url": PRESS_PHOTO_2, "type": "image/jpeg", "length": 0, "caption": ""},
    ]


def test_attribution_without_agency_feed(built: Pressfeed) -> None:
    """A source with a home page but no feed: RSS points at the home page, Atom has no rel=self."""
    article_id = i("20251108-0004")
    home = "https://www.gmr.or.kr/"
    release = "https://www.gmr.or.kr/base/board/read?boardManagementNo=6&boardNo=1284&menuLevel=2&menuNo=19"
    (source,) = rss_item(built, article_id).findall("source")
    assert (source.get("url"), source.text) == (home, "경기도시장상권진흥원")
    entry = atom_entry(built, article_id)
    (source,) = entry.findall(f"{ATOM}source")
    assert source.findtext(f"{ATOM}id") == home
    assert source.findtext(f"{ATOM}updated") == "2025-11-07T15:00:00+09:00"
    assert [(x.get("rel"), x.get("href")) for x in source.findall(f"{ATOM}link")] == [("alternate", home)]
    assert [x.get("href") for x in entry.findall(f"{ATOM}link") if x.get("rel") == "via"] == [release]
    item = json_item(built, article_id)
    assert item["external_url"] == release
    assert item["_pressfeed"]["source"] == {
        "name": "경기도시장상권진흥원",
        "home_page_url": home,
        "url": release,
        "date_published": "2025-11-07T15:00:00+09:00",
        "credit": "[뉴스출처 : 경기도시장상권진흥원]",
    }


CREDIT_ONLY = """\
id: "20251108-0300"
title: 반도체 수출 역대 최대
section: 경제
published: 2025-11-08 09:30:00
link: /news/articleView.html?idxno=123700
body_html: |
  <p>10월 반도체 수출이 역대 최대를 기록했다.</p>
  <p>[뉴스출처 : 산업통상자원부]</p>
"""


def test_attribution_from_the_credit_line_only(portal: Pressfeed, site: Path) -> None:
    """No source record, only the body's credit line: credited, but no URL to point at."""
    import_yaml(portal, site, "credit.yaml", CREDIT_ONLY)
    portal.build()
    article_id = i("20251108-0300")

    assert rss_item(portal, article_id).findall("source") == []
    entry = atom_entry(portal, article_id)
    assert entry.findall(f"{ATOM}source") == []
    assert [x.get("rel") for x in entry.findall(f"{ATOM}link")] == ["alternate"]
    item = json_item(portal, article_id)
    assert "external_url" not in item
    assert item["_pressfeed"] == {
        "section": "economy",
        "source": {"name": "산업통상자원부", "credit": "[뉴스출처 : 산업통상자원부]"},
    }
    for kind, html in contents(portal, article_id).items():
        assert (
            html == '<p>10월 반도체 수출이 역대 최대를 기록했다.</p>\n<p class="credit">[뉴스출처 : 산업통상자원부]</p>'
        ), kind


def test_credit_line_once_at_the_end_in_every_format(press: Pressfeed) -> None:
    last_paragraph = re.compile(r"<p[^>]*>" + re.escape(CREDIT) + r"(?:\s*<a [^>]*>[^<]*</a>)?</p>\s*$")
    for key in ("", "it-science"):
        for kind, html in contents(press, PRESS_ID, key).items():
            assert html.count(CREDIT) == 1, (kind, html)
            assert html.count("뉴스출처") == 1, (kind, html)
            assert last_paragraph.search(html), (kind, html)
            lead, _, text = html.partition("</figure>\n")
            assert lead.startswith("<figure><img ") and text.startswith("<p>(포탈뉴스통신) 과학기술정보통신부는"), kind


def test_a_cms_articles_lead_photo_opens_its_body_in_every_format(press: Pressfeed) -> None:
    """Readers that show neither enclosures nor Media RSS (newsboat, NetNewsWire) showed no photo at all: the
    lead photo now opens the body, with its caption, once."""
    figure = (
        '<figure><img src="https://www.example-portal.kr/news/photo/202511/123500_1.jpg" alt="{caption}">'
        "<figcaption>{caption}</figcaption></figure>\n"
    )
    caption = (
        rss_item(press, PRESS_ID)
        .find("{http://search.yahoo.com/mrss/}content")
        .findtext("{http://search.yahoo.com/mrss/}description")
    )
    for kind, html in contents(press, PRESS_ID).items():
        assert html.startswith(figure.format(caption=caption)), kind
        assert html.count("123500_1.jpg") == 1, kind


def test_a_body_that_shows_its_lead_photo_gets_no_second(portal: Pressfeed, site: Path) -> None:
    """An ingested release's lead photo is its body's first picture (and a CMS body may show it too)."""
    record = SAME_HOUR.format(n=3).replace(
        "body_html: <p>같은 시각에 나온 보도자료 3.</p>\n",
        'body_html: <p><img src="/news/photo/202511/a&amp;b.jpg" alt="현장"></p><p>본문.</p>\n',
    )
    import_yaml(portal, site, "shown.yaml", record + "images:\n  - url: /news/photo/202511/a&b.jpg\n")
    portal.build()
    item = jsonfeed(portal, "society")["items"][0]
    assert "<figure>" not in item["content_html"] and item["content_html"].count("a&amp;b.jpg") == 1


def test_credit_appended_once_for_sample_releases(built: Pressfeed) -> None:
    """The bundled records end their bodies with the credit paragraph too."""
    for article_id, agency in ((i("20251108-0001"), "과학기술정보통신부"), (i("20251105-0013"), "기획재정부")):
        for kind, html in contents(built, article_id).items():
            assert html.count(f"[뉴스출처 : {agency}]") == 1, kind


# -- feedgen traps (FEEDS.md), read back with lxml -------------------------------------


def test_atom_entry_links_keep_rel_type_length(press: Pressfeed) -> None:
    entry = atom_entry(press, PRESS_ID, "it-science")
    links = [
        (link.get("rel"), link.get("type"), link.get("href"), link.get("length"))
        for link in entry.findall(f"{ATOM}link")
    ]
    assert links == [
        ("alternate", "text/html", PRESS_LINK, None),
        ("via", "text/html", PRESS_RELEASE_URL, None),
        ("enclosure", "image/jpeg", "https://www.example-portal.kr/news/photo/202511/123500_1.jpg", "51234"),
        ("enclosure", "image/jpeg", "https://www.example-portal.kr/news/photo/202511/123500_2.jpg", None),
        ("enclosure", "application/pdf", ATTACHMENT_URL, "20480"),
    ]


def _alternates(element: Any) -> list[Any]:
    """Links that count as rel="alternate" (a link without rel is an alternate link)."""
    return [link for link in element.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]


def test_exactly_one_alternate_link_per_entry(built: Pressfeed, site: Path) -> None:
    import_yaml(built, site, "press.yaml", PRESS_RELEASE)
    built.build()
    for key in KEYS:
        root = atom(built, key)
        assert len(_alternates(root)) == 1
        for entry in root.findall(f"{ATOM}entry"):
            assert len(_alternates(entry)) == 1, entry.findtext(f"{ATOM}id")
            assert all(link.get("rel") for link in entry.findall(f"{ATOM}link"))
            assert all(link.get("length") != "None" for link in entry.iter(f"{ATOM}link"))


@pytest.mark.parametrize("key", KEYS)
def test_channel_link_is_the_html_page_and_self_is_the_public_url(built: Pressfeed, key: str) -> None:
    rss_path, atom_path, json_path = feed_paths(key)
    channel = rss(built, key).find("channel")
    assert channel.findtext("link") == SECTION_URLS[key]
    assert [link.text for link in channel.findall("link")] == [SECTION_URLS[key]]
    selfs = [(a.get("rel"), a.get("href"), a.get("type")) for a in channel.findall(f"{ATOM}link")]
    assert selfs == [("self", FEED_URL + rss_path, "application/rss+xml")]

    root = atom(built, key)
    links = sorted((link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link"))
    assert links == [("alternate", SECTION_URLS[key]), ("self", FEED_URL + atom_path)]
    assert root.findtext(f"{ATOM}id") == f"tag:example-portal.kr,2025:feed/{key or 'all'}"

    feed = jsonfeed(built, key)
    assert (feed["home_page_url"], feed["feed_url"]) == (SECTION_URLS[key], FEED_URL + json_path)


def atom_updated(feed: Any) -> str:
    """A feed's atom:updated to the second (it is dated at the second's end: see
    test_an_atom_feed_is_dated_no_earlier_than_its_newest_entry)."""
    return re.sub(r"\.\d+(?=[+-]\d\d:\d\d$|Z$)", "", feed.findtext(f"{ATOM}updated"))


def _rfc822(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S +0900")


@pytest.mark.parametrize("key", KEYS)
def test_feed_updated_is_newest_item_not_now(built: Pressfeed, key: str) -> None:
    assert rss(built, key).findtext("channel/lastBuildDate") == _rfc822(NEWEST_UPDATED[key])
    assert atom_updated(atom(built, key)) == NEWEST_UPDATED[key]


@pytest.mark.parametrize("key", KEYS)
def test_an_atom_feed_is_dated_no_earlier_than_its_newest_entry(built: Pressfeed, key: str) -> None:
    """RFC 4287: a feed's atom:updated is the most recent instant it changed. An entry's carries a fraction of a
    second of its own (entry_updated), and the feed was dated on the second, before it: now at its end."""
    updated = atom(built, key).findtext(f"{ATOM}updated")
    assert updated == NEWEST_UPDATED[key].replace("+09:00", ".999999+09:00")
    entries = [datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in atom_entries(built, key)]
    assert all(entry < datetime.fromisoformat(updated) for entry in entries)


def test_feed_updated_follows_an_edit(built: Pressfeed, site: Path) -> None:
    """A later `updated` on an older item moves the feed's updated, not its position."""
    text = (SAMPLES / "politics.yaml").read_text(encoding="utf-8")
    edited = text.replace("updated: 2025-11-06 15:20:00", "updated: 2025-11-08 20:00:00")
    assert edited != text
    import_yaml(built, site, "politics.yaml", edited)

    result = built.build()

    assert set(result.written) == written("", "politics")
    for key in ("", "politics"):
        assert atom_updated(atom(built, key)) == "2025-11-08T20:00:00+09:00"
        assert rss(built, key).findtext("channel/lastBuildDate") == "Sat, 08 Nov 2025 20:00:00 +0900"
    assert rss_ids(built, "politics") == SECTION_ORDER["politics"]


@pytest.mark.parametrize("key", KEYS)
def test_atom_content_is_escaped_html_never_cdata(built: Pressfeed, key: str) -> None:
    data = read(built, feed_paths(key)[1])
    assert b"CDATA" not in data
    for entry in atom_entries(built, key):
        (content,) = entry.findall(f"{ATOM}content")
        assert content.get("type") == "html"
        assert content.text.startswith(("<p>", "<figure>"))  # escaped markup; a lead photo first
        (summary,) = entry.findall(f"{ATOM}summary")
        assert summary.get("type") == "text"


def test_rss_enclosure_length_is_real_or_zero(press: Pressfeed) -> None:
    (enclosure,) = rss_item(press, PRESS_ID).findall("enclosure")
    assert dict(enclosure.attrib) == {
        "url": "https://www.example-portal.kr/news/photo/202511/123500_1.jpg",
        "length": "51234",
        "type": "image/jpeg",
    }
    (enclosure,) = rss_item(press, NO_LENGTH_LINK).findall("enclosure")
    assert dict(enclosure.attrib) == {
        "url": "https://www.example-portal.kr/news/photo/202511/123501_1.png",
        "length": "0",
        "type": "image/png",
    }
    assert b'"None"' not in read(press, "rss.xml")
    (link,) = [x for x in atom_entry(press, NO_LENGTH_LINK).findall(f"{ATOM}link") if x.get("rel") == "enclosure"]
    assert (link.get("type"), link.get("length")) == ("image/png", None)
    attachments = json_item(press, NO_LENGTH_LINK)["attachments"]
    assert attachments == [
        {"url": "https://www.example-portal.kr/news/photo/202511/123501_1.png", "mime_type": "image/png"}
    ]


@pytest.mark.parametrize("key", KEYS)
def test_every_enclosure_has_a_numeric_length(built: Pressfeed, key: str) -> None:
    for enclosure in rss(built, key).iter("enclosure"):
        assert enclosure.get("length", "").isdigit(), dict(enclosure.attrib)
        assert enclosure.get("url", "").startswith("https://")


@pytest.mark.parametrize("key", KEYS)
def test_items_newest_first_in_every_format(built: Pressfeed, key: str) -> None:
    assert rss_ids(built, key) == SECTION_ORDER[key]
    assert atom_ids(built, key) == SECTION_ORDER[key]
    assert json_ids(built, key) == SECTION_ORDER[key]


def test_guid_is_not_a_permalink_for_tag_ids(built: Pressfeed) -> None:
    for key in KEYS:
        for item in rss_items(built, key):
            (guid,) = item.findall("guid")
            assert guid.text.startswith(TAG)
            assert guid.get("isPermaLink") == "false"


def test_guid_is_a_permalink_when_the_link_is_the_id(press: Pressfeed) -> None:
    (guid,) = rss_item(press, NO_LENGTH_LINK).findall("guid")
    assert (guid.text, guid.get("isPermaLink")) == (NO_LENGTH_LINK, "true")
    assert atom_entry(press, NO_LENGTH_LINK).findtext(f"{ATOM}id") == NO_LENGTH_LINK


def test_language_is_korean_everywhere(built: Pressfeed) -> None:
    for key in KEYS:
        assert rss(built, key).findtext("channel/language") == "ko"
        assert atom(built, key).get(XML_LANG) == "ko"
        feed = jsonfeed(built, key)
        assert feed["language"] == "ko"
        assert {item["language"] for item in feed["items"]} <= {"ko"}


def test_dates_carry_the_seoul_offset(built: Pressfeed, site: Path) -> None:
    import_yaml(built, site, "press.yaml", PRESS_RELEASE)
    built.build()
    for key in KEYS:
        channel = rss(built, key).find("channel")
        rss_dates = [channel.findtext("lastBuildDate")] + [item.findtext("pubDate") for item in channel.iter("item")]
        assert all(RFC822_KST.match(d) for d in rss_dates), rss_dates
        atom_dates = [e.text for e in atom(built, key).iter(f"{ATOM}updated", f"{ATOM}published")]
        assert atom_dates and all(RFC3339.match(d) and d.endswith("+09:00") for d in atom_dates), atom_dates
    assert rss_item(built, PRESS_ID).findtext("pubDate") == "Sat, 08 Nov 2025 10:30:00 +0900"
    entry = atom_entry(built, PRESS_ID)
    assert entry.findtext(f"{ATOM}published") == "2025-11-08T10:30:00+09:00"
    # the same second, with a fraction of its own (see test_atom_entries_never_share_an_updated_time)
    assert (entry.findtext(f"{ATOM}updated") or "").startswith("2025-11-08T10:30:00.")


def test_rss_byline_is_dc_creator_never_author(built: Pressfeed) -> None:
    for key in KEYS:
        channel = rss(built, key).find("channel")
        assert channel.findall("managingEditor") == []
        for item in channel.findall("item"):
            assert item.findall("author") == []
            assert len(item.findall(DC_CREATOR)) <= 1
    item = rss_item(built, i("20251104-0038"))
    assert item.findtext(DC_CREATOR) == "김민준 기자"
    assert [a.findtext(f"{ATOM}name") for a in atom_entry(built, i("20251104-0038")).findall(f"{ATOM}author")] == [
        "김민준 기자"
    ]


def test_titles_are_plain_text(built: Pressfeed) -> None:
    """`반도체 &amp; 배터리 <b>수출</b>` in the export: no markup, no double escaping."""
    title = "반도체 & 배터리 수출 역대 최대…기재부 “경기 회복 흐름 이어져”"
    article_id = i("20251107-0019")
    assert rss_item(built, article_id).findtext("title") == title
    assert atom_entry(built, article_id).findtext(f"{ATOM}title") == title
    assert json_item(built, article_id)["title"] == title
    titles = [item.findtext("title") for item in rss_items(built)]
    titles += [entry.findtext(f"{ATOM}title") for entry in atom_entries(built)]
    assert not [t for t in titles if "&amp;" in t or "<" in t], titles


# -- what is published -------------------------------------------------------------


def test_only_published_items_in_every_format(built: Pressfeed) -> None:
    files = snapshot(built)
    for number, title in NOT_PUBLISHED.items():
        for path, data in files.items():
            assert number.encode() not in data, (number, path)
            assert title.encode() not in data, (title, path)
    assert built.store.count() == 16  # they are in the store, just not published


def test_embargoed_item_appears_when_its_time_comes(built: Pressfeed, site: Path) -> None:
    embargo = i("20251107-0050")
    with open_portal(site, fixed(datetime(2031, 1, 1, 0, 0, tzinfo=UTC))) as later:
        result = later.build()

        assert set(result.written) == written("", "economy")
        assert rss_ids(later, "economy")[0] == embargo
        assert atom_ids(later, "")[0] == embargo
        assert json_ids(later, "economy") == [embargo, *SECTION_ORDER["economy"]]
        assert atom_updated(atom(later, "economy")) == "2031-01-01T09:00:00+09:00"


def test_draft_becomes_visible_when_published(built: Pressfeed) -> None:
    draft = i("20251106-0009")
    built.set_status(draft, Status.PUBLISHED)

    result = built.build()

    assert set(result.written) == written("", "politics")
    assert draft in rss_ids(built, "politics")


def test_items_per_feed_bounds_every_feed(samples: Pressfeed, site: Path, clock: Clock) -> None:
    set_config(site, portal_config(items_per_feed=2))
    with open_portal(site, clock) as pf:
        pf.build()
        for key in KEYS:
            expected = SECTION_ORDER[key][:2]
            assert rss_ids(pf, key) == expected
            assert atom_ids(pf, key) == expected
            assert json_ids(pf, key) == expected
        assert atom_updated(atom(pf, "")) == "2025-11-08T09:00:00+09:00"


# -- sections ----------------------------------------------------------------------


def test_section_feeds_hold_only_their_section(built: Pressfeed) -> None:
    for key in SECTIONS:
        assert {item["_pressfeed"]["section"] for item in jsonfeed(built, key)["items"]} <= {key}
        for item in rss_items(built, key):
            section_title = dict(_titles())[key]
            assert item.findall("category")[0].text == section_title
        for entry in atom_entries(built, key):
            assert entry.findall(f"{ATOM}category")[0].get("term") == key
    site_ids = set(SITE_ORDER)
    assert site_ids == {x for key in SECTIONS for x in SECTION_ORDER[key]}
    assert set(json_ids(built, "")) == site_ids


def test_an_items_section_is_one_category_in_every_feed_that_carries_it(built: Pressfeed) -> None:
    """The scheme names the categorisation (RFC 4287 4.2.2; RSS domain): the site's sections, in the site's
    feed as in the section's own. It was the feed's page, so the site feed's 경제 was another category."""
    for key in SECTIONS:
        for article_id in SECTION_ORDER[key][:2]:
            rss_categories = {
                (c.get("domain"), c.text)
                for feed in ("", key)
                for c in rss_item(built, article_id, feed).findall("category")
            }
            atom_categories = {
                (c.get("scheme"), c.get("term"))
                for feed in ("", key)
                for c in atom_entry(built, article_id, feed).findall(f"{ATOM}category")
                if c.get("scheme")
            }
            assert rss_categories == {("https://www.example-portal.kr/", dict(_titles())[key])} | {
                (None, c.text) for c in rss_item(built, article_id, key).findall("category")[1:]
            }
            assert atom_categories == {("https://www.example-portal.kr/", key)}


def test_a_tag_that_names_the_items_section_is_not_listed_twice(portal: Pressfeed, site: Path) -> None:
    """Reporters tag a 사회 story "사회". The section leads the item's categories and the tags follow, so
    JSON Feed's tags read ["사회", "사회", …] and an RSS reader lists the category 사회 twice, where tags
    spelled alike are one (README, `tags`)."""
    record = SAME_HOUR.format(n=8) + "tags: [사회, 고용]\n"
    import_yaml(portal, site, "tagged.yaml", record)
    portal.build()
    assert jsonfeed(portal, "society")["items"][0]["tags"] == ["사회", "고용"]
    assert [c.text for c in rss_items(portal, "society")[0].findall("category")] == ["사회", "고용"]


def test_a_tag_that_is_the_items_section_id_is_not_listed_twice(portal: Pressfeed, site: Path) -> None:
    """tags_after compares tags with the section's title only. A record (or an Atom feed read, whose category
    term is a slug) tagging its society story "society" lists the section twice: Atom's categories read
    term="society" (the section's, with its label) and term="society" again, JSON Feed ["사회", "society", …]."""
    record = SAME_HOUR.format(n=8) + "tags: [society, 고용]\n"
    import_yaml(portal, site, "tagged.yaml", record)
    portal.build()
    terms = [c.get("term") for c in atom_entries(portal, "society")[0].findall(f"{ATOM}category")]
    assert terms == ["society", "고용"]
    assert jsonfeed(portal, "society")["items"][0]["tags"] == ["사회", "고용"]


def test_empty_section_gets_valid_empty_feeds(built: Pressfeed) -> None:
    rss_path, atom_path, _ = feed_paths("culture")
    for path, version in ((rss_path, "rss20"), (atom_path, "atom10")):
        parsed = feedparsed(read(built, path))
        assert parsed.version == version
        assert parsed.entries == []
    feed = jsonfeed(built, "culture")
    assert feed["items"] == []
    assert nulls(feed) == []
    assert feed["title"] == "포탈뉴스통신 - 문화"
    assert atom_updated(atom(built, "culture")) == "2025-11-08T21:00:00+09:00"
    assert atom(built, "culture").findtext(f"{ATOM}subtitle") == "포탈뉴스통신 문화 섹션 기사"
    assert rss(built, "culture").findtext("channel/lastBuildDate") == "Sat, 08 Nov 2025 21:00:00 +0900"


def test_empty_section_updated_is_stable(built: Pressfeed, site: Path, clock: Clock) -> None:
    before = {p: read(built, p) for p in feed_paths("culture")}
    assert built.build(force=True).written == ()
    with open_portal(site, fixed(NOW + timedelta(days=3))) as later:
        assert later.build(force=True).written == ()
    assert {p: read(built, p) for p in feed_paths("culture")} == before


# -- determinism and incremental builds ---------------------------------------------


def test_second_build_is_byte_identical_and_writes_nothing(built: Pressfeed) -> None:
    before = snapshot(built)

    result = built.build()

    assert result.written == ()
    assert result.removed == ()
    assert set(result.unchanged) == ALL_FILES
    assert result.rendered == 0
    assert snapshot(built) == before


def test_fresh_process_writes_nothing(built: Pressfeed, site: Path, clock: Clock) -> None:
    before = snapshot(built)
    built.close()

    with open_portal(site, clock) as again:
        result = again.build()

    assert (result.written, result.removed, result.rendered) == ((), (), 0)
    assert snapshot(built) == before


def test_passing_time_changes_nothing(built: Pressfeed, site: Path) -> None:
    """No file depends on the build time (no `now()` in lastBuildDate/updated)."""
    before = snapshot(built)
    with open_portal(site, fixed(NOW + timedelta(days=30))) as later:
        assert later.build().written == ()
        assert later.build(force=True).written == ()
    assert snapshot(built) == before


def test_same_store_renders_same_bytes_in_another_site(built: Pressfeed, tmp_path: Path, clock: Clock) -> None:
    """Two independent sites with the same input produce the same files."""
    other = tmp_path / "other"
    set_config(other, portal_config())
    shutil.copytree(SAMPLES, other / "feeds" / "articles")
    with open_portal(other, clock) as pf:
        pf.import_files(sorted(str(p) for p in (other / "feeds" / "articles").glob("*.yaml")))
        pf.build()
        assert snapshot(pf) == snapshot(built)


NEW_ECONOMY = """\
id: "20251108-0200"
title: 한국은행, 기준금리 동결
section: 경제
published: 2025-11-08 10:00:00
byline: 포탈뉴스통신
link: /news/articleView.html?idxno=123600
body_html: <p>한국은행 금융통화위원회가 기준금리를 동결했다.</p>
"""


def test_new_article_rewrites_its_section_and_the_site_only(built: Pressfeed, site: Path) -> None:
    before = snapshot(built)
    import_yaml(built, site, "new.yaml", NEW_ECONOMY)

    result = built.build()

    assert set(result.written) == written("", "economy")
    assert len(result.written) == 8
    assert result.removed == ()
    assert result.rendered == 2
    after = snapshot(built)
    assert {p for p in after if after[p] != before[p]} == written("", "economy")
    assert rss_ids(built, "economy")[0] == i("20251108-0200")
    assert json_ids(built, "")[:2] == [i("20251108-0200"), i("20251108-0001")]
    assert atom_updated(atom(built, "economy")) == "2025-11-08T10:00:00+09:00"


def test_reimporting_unchanged_exports_writes_nothing(built: Pressfeed, site: Path) -> None:
    built.import_files(sorted(str(p) for p in (site / "feeds" / "articles").glob("*.yaml")))
    assert built.build().written == ()


def test_hiding_an_article_rewrites_its_section_and_the_site(built: Pressfeed) -> None:
    hidden = i("20251106-0023")
    built.set_status(hidden, Status.HIDDEN)

    result = built.build()

    assert set(result.written) == written("", "society")
    for key in ("", "society"):
        assert hidden not in rss_ids(built, key)
        assert hidden not in atom_ids(built, key)
        assert hidden not in json_ids(built, key)
    assert rss_ids(built, "society") == [i("20251108-0004"), i("20251106-0002")]


def test_deleting_an_article_rewrites_its_section_and_the_site(built: Pressfeed) -> None:
    built.delete(i("20251104-0042"))

    result = built.build()

    assert set(result.written) == written("", "politics")
    assert i("20251104-0042") not in json_ids(built, "")


def test_deleted_output_file_is_rewritten_alone(built: Pressfeed) -> None:
    before = snapshot(built)
    (out_dir(built) / "politics" / "atom.xml").unlink()

    result = built.build()

    assert result.written == ("politics/atom.xml",)
    assert snapshot(built) == before


def test_deleted_site_file_is_rewritten_alone(built: Pressfeed) -> None:
    before = snapshot(built)
    (out_dir(built) / "index.html").unlink()
    (out_dir(built) / "feed.json").unlink()

    result = built.build()

    assert set(result.written) == {"index.html", "feed.json"}
    assert snapshot(built) == before


def test_tampered_output_file_is_restored(built: Pressfeed) -> None:
    before = snapshot(built)
    (out_dir(built) / "society" / "rss.xml").write_bytes(b"<rss>half a fe")

    result = built.build()

    assert result.written == ("society/rss.xml",)
    assert snapshot(built) == before


def test_touched_file_with_the_same_bytes_is_compared_not_rewritten(built: Pressfeed) -> None:
    """A new mtime (touch, a copy back from a backup) makes the build look again, once; same bytes stay put."""
    before = snapshot(built)
    path = out_dir(built) / "society" / "rss.xml"
    inode = path.stat().st_ino
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))

    result = built.build()
    again = built.build()

    assert result.written == () and result.rendered == 1
    assert path.stat().st_ino == inode  # not replaced by a rewrite
    assert again.rendered == 0 and again.written == ()  # the new stat was recorded
    assert snapshot(built) == before


def test_a_build_whose_terms_keep_images_loads_no_sanitizer(built: Pressfeed, site: Path) -> None:
    """`pressfeed build` renders stored, already sanitized HTML: normalization and nh3 are not loaded
    unless some source's terms drop images (then nh3 strips them at render time)."""
    code = (
        "import sys\n"
        "from pressfeed.config import load_config\n"
        "from pressfeed.core import Pressfeed\n"
        f"pf = Pressfeed(load_config({str(site)!r}))\n"
        "assert pf.build(force=True).rendered\n"
        "print(sorted({'nh3', 'pressfeed.normalize'} & set(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PRESSFEED_CONFIG"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_force_rerenders_but_writes_nothing(built: Pressfeed) -> None:
    before = snapshot(built)

    result = built.build(force=True)

    assert result.rendered == 6
    assert result.written == ()
    assert set(result.unchanged) == ALL_FILES
    assert snapshot(built) == before


def test_removed_section_loses_its_files(built: Pressfeed, site: Path, clock: Clock) -> None:
    set_config(site, portal_config(without=("politics",)))
    with open_portal(site, clock) as pf:
        result = pf.build()

        assert result.removed == ("politics/atom.xml", "politics/feed.json", "politics/index.html", "politics/rss.xml")
        assert {"feeds.opml", "index.html"} <= set(result.written)
        assert not any(p.is_file() for p in (out_dir(pf) / "politics").glob("*"))
        assert set(snapshot(pf)) == ALL_FILES - written("politics")
        opml = listparser.parse(read(pf, "feeds.opml"))
        assert len(opml.feeds) == len(KEYS) - 1
        assert all("/politics/" not in feed.url for feed in opml.feeds)
        assert b"/politics/" not in read(pf, "index.html")

        again = pf.build()
        assert (again.written, again.removed) == ((), ())


def test_changed_config_rewrites_what_it_changes(built: Pressfeed, site: Path, clock: Clock) -> None:
    set_config(site, portal_config().replace("title: 문화", "title: 문화·생활"))
    with open_portal(site, clock) as pf:
        result = pf.build()
        assert written("culture") | {"feeds.opml", "index.html"} <= set(result.written)
        assert jsonfeed(pf, "culture")["title"] == "포탈뉴스통신 - 문화·생활"
        assert pf.build().written == ()


# -- atomic writes during a build ------------------------------------------------------


def _tmp_files(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


def test_failed_replace_keeps_previous_files(built: Pressfeed, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(built)
    import_yaml(built, site, "new.yaml", NEW_ECONOMY)

    def refuse(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", refuse)
    with pytest.raises(OSError):
        built.build()
    monkeypatch.undo()

    assert snapshot(built) == before
    assert _tmp_files(out_dir(built)) == []
    # nothing was recorded as written: the next build writes the changed feeds
    assert set(built.build().written) == written("", "economy")


def test_crash_mid_build_leaves_each_file_old_or_new(
    built: Pressfeed, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = snapshot(built)
    import_yaml(built, site, "new.yaml", NEW_ECONOMY)
    real_replace = os.replace
    calls: list[str] = []

    def crash_on_fourth(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 4:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", crash_on_fourth)
    with pytest.raises(OSError):
        built.build()
    monkeypatch.undo()
    crashed = snapshot(built)
    assert _tmp_files(out_dir(built)) == []

    recovery = built.build()
    new = snapshot(built)

    assert set(crashed) == set(old) == set(new)
    for path, data in crashed.items():
        assert data in (old[path], new[path]), path
    replaced = {p for p in crashed if crashed[p] != old[p]}
    assert len(replaced) == 3  # the three replaces before the crash
    assert set(recovery.written) == written("", "economy") - replaced
    assert {p for p in new if new[p] != old[p]} == written("", "economy")


# -- hostile content -------------------------------------------------------------------


@pytest.fixture
def hostile(site: Path, portal: Pressfeed) -> Pressfeed:
    import_yaml(portal, site, "hostile.yaml", HOSTILE)
    portal.build()
    return portal


def test_hostile_content_parses_everywhere(hostile: Pressfeed) -> None:
    for key in ("", "society"):
        rss_path, atom_path, _ = feed_paths(key)
        for path, version in ((rss_path, "rss20"), (atom_path, "atom10")):
            data = read(hostile, path)
            etree.fromstring(data)
            parsed = feedparsed(data)
            assert parsed.version == version
            assert [e.id for e in parsed.entries] == [HOSTILE_ID]
        assert json_ids(hostile, key) == [HOSTILE_ID]


def test_hostile_content_is_sanitized_in_every_output(hostile: Pressfeed) -> None:
    for path, data in snapshot(hostile).items():
        lower = data.lower()
        for needle in (b"<script", b"javascript:", b"onclick", b"alert(", b"<iframe", b"evil.example", b"steal()"):
            assert needle not in lower, (needle, path)
        for char in ("\x00", "\x0b", "\x1f", "\ufffe"):
            assert char.encode() not in data, (repr(char), path)
        assert b"&nbsp;" not in data, path
    for kind, html in contents(hostile, HOSTILE_ID).items():
        lower = html.lower()
        for needle in ("<script", "javascript:", "onclick", "<iframe", "alert("):
            assert needle not in lower, (needle, kind)
        assert "본문 ]]&gt; 끝 제어문자" in html, kind


def test_hostile_title_is_plain_text(hostile: Pressfeed) -> None:
    title = "제목 ]]> &"
    for key in ("", "society"):
        assert rss_item(hostile, HOSTILE_ID, key).findtext("title") == title
        assert atom_entry(hostile, HOSTILE_ID, key).findtext(f"{ATOM}title") == title
        assert json_item(hostile, HOSTILE_ID, key)["title"] == title


def test_relative_image_becomes_absolute_in_every_format(hostile: Pressfeed) -> None:
    for kind, html in contents(hostile, HOSTILE_ID).items():
        assert 'src="https://www.example-portal.kr/a.jpg"' in html, kind
        assert 'src="/a.jpg"' not in html, kind


@pytest.mark.parametrize("key", KEYS)
def test_sample_content_has_no_relative_urls_or_scripts(built: Pressfeed, key: str) -> None:
    bodies: list[str] = [item.findtext(CONTENT_ENCODED) for item in rss_items(built, key)]
    bodies += [entry.findtext(f"{ATOM}content") for entry in atom_entries(built, key)]
    bodies += [item["content_html"] for item in jsonfeed(built, key)["items"]]
    for html in bodies:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in fragment.iter():
            for name in ("href", "src"):
                value = element.get(name)
                assert value is None or value.startswith("https://"), (name, value)
            assert not any(a.startswith("on") for a in element.attrib), element.attrib
        assert fragment.xpath("//script|//iframe|//style") == []


# -- W3C validator warnings seen in review ---------------------------------------------

SAME_HOUR = """\
id: "20251108-02{n}"
title: 정각 보도자료 {n}
section: 사회
published: 2025-11-08 09:00:00
link: /news/articleView.html?idxno=1240{n}
body_html: <p>같은 시각에 나온 보도자료 {n}.</p>
"""


def test_atom_entries_never_share_an_updated_time(portal: Pressfeed, site: Path) -> None:
    """Validator warning DuplicateUpdated: agencies stamp releases on the hour."""
    for n in range(3):
        import_yaml(portal, site, f"hour{n}.yaml", SAME_HOUR.format(n=n))
    portal.build()
    updated = [e.findtext(f"{ATOM}updated") or "" for e in atom_entries(portal, "society")]
    assert len(set(updated)) == 3
    # the same second for all three: a fraction of each item's own tells them apart
    assert all(re.fullmatch(r"2025-11-08T09:00:00\.\d{6}\+09:00", u) for u in updated), updated
    # taken from the item alone, so an article has the same time in every feed that carries it
    site_updated = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated") for e in atom_entries(portal, "")}
    section_updated = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated") for e in atom_entries(portal, "society")}
    assert all(site_updated[i] == u for i, u in section_updated.items())
    # the other formats keep the real time
    assert {item["date_modified"] for item in jsonfeed(portal, "society")["items"]} == {"2025-11-08T09:00:00+09:00"}


def test_no_feed_carries_a_date_ahead_of_its_build(portal: Pressfeed, site: Path) -> None:
    """An import takes an `updated` up to a day ahead (a CMS clock off, KST written as UTC), and an agency's own
    date anywhere before 2100: the feeds carried them, and the W3C validator reports a date ahead of its clock
    as implausible (RSS: by more than ten minutes). A feed says no more than what was true when it was built."""
    record = SAME_HOUR.format(n=9).replace("published: 2025-11-08 09:00:00", "published: 2025-11-08 20:00:00")
    record += "updated: 2025-11-09 06:00:00\nsource: {name: 기상청, home: 'https://www.kma.go.kr/', "
    record += "published: '2026-03-01 09:00:00'}\n"
    import_yaml(portal, site, "ahead.yaml", record)
    portal.build()
    now = NOW.astimezone(ZoneInfo("Asia/Seoul"))
    feed, entry = atom(portal, "society"), atom_entries(portal, "society")[0]
    dates = [
        feed.findtext(f"{ATOM}updated"),
        entry.findtext(f"{ATOM}updated"),
        entry.findtext(f"{ATOM}source/{ATOM}updated"),
    ]
    item = jsonfeed(portal, "society")["items"][0]
    dates += [item["date_modified"], item["_pressfeed"]["source"]["date_published"]]
    # (an entry's updated has a fraction of a second of its own: see test_atom_entries_never_share_an_updated_time)
    assert all(datetime.fromisoformat(d) < now + timedelta(seconds=1) for d in dates), dates
    assert datetime.fromisoformat(item["date_modified"]) == now  # when it was built: the newest it can say
    last_build = rss(portal, "society").findtext("channel/lastBuildDate")
    assert last_build == _rfc822(now.isoformat())


def test_a_feed_with_an_item_dated_ahead_renders_the_same_bytes_again(portal: Pressfeed, site: Path) -> None:
    """Clamped to each build's time, an item dated ahead took a new date at every forced build (and the Atom,
    RSS, JSON and page files changed with it): the same store must render the same bytes, and a reader polling
    the feed must not see the item change when it did not."""
    record = SAME_HOUR.format(n=9) + "updated: 2025-11-09 06:00:00\nsource: {name: 기상청, "
    record += "home: 'https://www.kma.go.kr/', published: '2026-03-01 09:00:00'}\n"
    import_yaml(portal, site, "ahead.yaml", record)
    portal.build()
    before = snapshot(portal)
    for hours in (1, 10):  # before its `updated` (06:00 KST, 9 h after the first build), and past it
        with open_portal(site, fixed(NOW + timedelta(hours=hours))) as later:
            assert later.build(force=True).written == ()
    assert snapshot(portal) == before
    entry = atom_entries(portal, "society")[0]
    assert entry.findtext(f"{ATOM}updated", "").startswith("2025-11-08T21:00:00")  # the first build's time
    assert entry.findtext(f"{ATOM}source/{ATOM}updated") == "2025-11-08T09:00:00+09:00"  # its article's date
    # once the items change, they are dated as true then
    import_yaml(portal, site, "another.yaml", SAME_HOUR.format(n=8))
    with open_portal(site, fixed(NOW + timedelta(hours=11))) as later:
        later.build()
        dates = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated") for e in atom_entries(later, "society")}
    assert dates[f"{TAG}20251108-029"].startswith("2025-11-09T06:00:00")  # (and its own fraction)


def test_an_agency_date_between_the_feeds_date_and_its_build_renders_the_same_bytes_again(
    portal: Pressfeed, site: Path
) -> None:
    """An agency's date after its article's (15:00 against 09:00) but before the build (21:00) is true when
    built, and written as it is. A forced build later clamped the feed's dates to the feed's own date (09:00,
    its newest item's), not to the time it was built, so that date became the article's and the file
    changed: the time each file was rendered at is now kept, and the same store renders the same bytes."""
    record = SAME_HOUR.format(n=9) + "source: {name: 기상청, home: 'https://www.kma.go.kr/', "
    record += "published: '2025-11-08 15:00:00'}\n"
    import_yaml(portal, site, "agency-later.yaml", record)
    portal.build()
    before = snapshot(portal)
    entry = atom_entries(portal, "society")[0]
    assert entry.findtext(f"{ATOM}source/{ATOM}updated") == "2025-11-08T15:00:00+09:00"
    with open_portal(site, fixed(NOW + timedelta(hours=1))) as later:
        assert later.build(force=True).written == ()
    assert snapshot(portal) == before


def test_rss_description_is_escaped_html(portal: Pressfeed, site: Path) -> None:
    """A plain-text summary like "R&D <AI 기본법>" must not read as markup (validator: NotHtml)."""
    record = SAME_HOUR.format(n=7) + "summary: R&D 예산과 <AI 기본법> 시행령\n"
    import_yaml(portal, site, "rnd.yaml", record)
    portal.build()
    item = rss_items(portal, "society")[0]
    assert item.findtext("description") == "R&amp;D 예산과 &lt;AI 기본법&gt; 시행령"
    assert feedparsed(read(portal, "society/rss.xml")).entries[0].summary == "R&amp;D 예산과 &lt;AI 기본법&gt; 시행령"
    # Atom summary is type="text" and JSON is plain: unescaped there
    entry = atom_entries(portal, "society")[0]
    assert entry.findtext(f"{ATOM}summary") == "R&D 예산과 <AI 기본법> 시행령"
    assert jsonfeed(portal, "society")["items"][0]["summary"] == "R&D 예산과 <AI 기본법> 시행령"


def test_a_summary_that_quotes_markup_is_escaped_html_in_atom(portal: Pressfeed, site: Path) -> None:
    """A summary derived from a body that quotes tags as text ("&lt;/script&gt;") held "</script>" in a
    type="text" Atom summary: 'summary should not contain HTML unless declared in the type attribute'. As
    escaped HTML it reads the same, as RSS descriptions already do."""
    body = "body_html: <p>HTML 문서에 &lt;br&gt; 대신 &lt;/p&gt;를 쓰는 R&amp;D</p>\n"
    import_yaml(
        portal,
        site,
        "markup.yaml",
        SAME_HOUR.format(n=6).replace("body_html: <p>같은 시각에 나온 보도자료 6.</p>\n", body),
    )
    portal.build()
    (summary,) = atom_entries(portal, "society")[0].findall(f"{ATOM}summary")
    assert (summary.get("type"), summary.text) == ("html", "HTML 문서에 &lt;br&gt; 대신 &lt;/p&gt;를 쓰는 R&amp;D")
    assert feedparsed(read(portal, "society/atom.xml")).entries[0].summary == summary.text
    assert (
        jsonfeed(portal, "society")["items"][0]["summary"] == "HTML 문서에 <br> 대신 </p>를 쓰는 R&D"
    )  # plain text there


PLAIN_TEXT = """\
id: "20251108-0070"
title: <AI 기본법> 시행령 공포…3&4분기 점검
section: 사회
published: 2025-11-08 10:00:00
link: /news/articleView.html?idxno=124070
byline: 홍길동 기자 <hong@example-portal.kr>
summary: 정부는 <AI 기본법> 시행령을 공포했다 & 점검한다.
images:
  - url: /news/photo/202511/124070_1.jpg
    type: image/jpeg
    caption: <AI 기본법> 설명회 & 간담회
body_html: <p>정부는 &lt;AI 기본법&gt; 시행령을 공포했다.</p>
"""


def test_plain_text_writes_its_ampersands_and_angle_brackets_as_references(portal: Pressfeed, site: Path) -> None:
    """Validator (RSS Profile): "<AI 기본법>" in a title draws 'Encode "&" and "<" in plain text using hexadecimal
    character references', "3&4분기" 'title should not contain HTML'; `&#x3C;`, `&#x26;` are what it asks."""
    import_yaml(portal, site, "plain.yaml", PLAIN_TEXT)
    portal.build()
    title = "<AI 기본법> 시행령 공포…3&4분기 점검"
    rss_bytes, atom_bytes = read(portal, "society/rss.xml"), read(portal, "society/atom.xml")
    written = "&#x3C;AI 기본법&gt; 시행령 공포…3&#x26;4분기 점검".encode()
    assert f"<title>{written.decode()}</title>".encode() in rss_bytes
    assert f"<title>{written.decode()}</title>".encode() in atom_bytes
    assert "정부는 &#x3C;AI 기본법&gt; 시행령을 공포했다 &#x26; 점검한다.".encode() in atom_bytes  # summary
    caption = "&#x3C;AI 기본법&gt; 설명회 &#x26; 간담회</media:description>".encode()
    assert caption in rss_bytes and caption in atom_bytes
    # the same text to every reader
    assert rss_items(portal, "society")[0].findtext("title") == title
    assert feedparsed(rss_bytes).entries[0].title == title
    entry = feedparsed(atom_bytes).entries[0]
    assert (entry.title, entry.summary) == (title, "정부는 <AI 기본법> 시행령을 공포했다 & 점검한다.")


def test_rss_categories_write_their_ampersands_and_angle_brackets_as_references(portal: Pressfeed, site: Path) -> None:
    """A tag "<AI 기본법>" in an RSS <category> drew the validator's 'Encode "&" and "<" in plain text using
    hexadecimal character references', as titles did; a section's title is a category too."""
    set_config(site, portal_config().replace("title: 사회\n", "title: 사회&<문화>\n", 1))
    with open_portal(site, fixed(NOW)) as pf:
        record = SAME_HOUR.format(n=5).replace("section: 사회", "section: society")
        import_yaml(pf, site, "tags.yaml", record + "tags: [<AI 기본법>, R&D, 정책]\n")
        pf.build()
        rss_bytes = read(pf, "society/rss.xml")
        categories = [c.term for c in feedparsed(rss_bytes).entries[0].tags]
    for written in (
        "<category>&#x3C;AI 기본법&gt;</category>",
        "<category>R&#x26;D</category>",
        "사회&#x26;&#x3C;문화&gt;</category>",
    ):
        assert written.encode() in rss_bytes
    assert b"&lt;AI" not in rss_bytes and b"R&amp;D" not in rss_bytes
    assert categories == ["사회&<문화>", "<AI 기본법>", "R&D", "정책"]  # the same text to every reader


def test_every_plain_text_element_writes_its_ampersands_as_references(site: Path) -> None:
    """Names from the config and the record, not only titles: "R&D" in a site, section, agency, byline,
    license or attachment name drew 'should not contain HTML' (checked with the W3C validator)."""
    config = portal_config().replace("title: 포탈뉴스통신", "title: 포탈R&D뉴스", 1)
    config = config.replace("description: 포탈뉴스통신의", "description: 3&4분기 <AI 기본법>과 포탈뉴스통신의", 1)
    config = config.replace("title: 문화", "title: 문화 <R&D>", 1)
    set_config(site, config)
    record = (
        PRESS_RELEASE.replace("byline: 포탈뉴스통신", "byline: R&D팀 3&4")
        .replace("title: 보도자료.pdf", "title: 붙임 R&D <계획>.pdf")
        .replace("  name: 과학기술정보통신부", "  name: 한국R&D진흥원\n  license: CC BY&4.0")
    )
    with open_portal(site, fixed(NOW)) as pf:
        import_yaml(pf, site, "press.yaml", record)
        pf.build()
        rss_bytes, atom_bytes = read(pf, "rss.xml"), read(pf, "atom.xml")
        parsed_rss, parsed_atom = feedparsed(rss_bytes), feedparsed(atom_bytes)
        opml = read(pf, "feeds.opml")
    # OPML's titles are HTML (its spec, and the validator's reading): escaped once more than plain text
    assert problems(opml, FEED_URL + "feeds.opml") == []
    outlines = listparser.parse(opml)
    assert unescape(outlines.meta.title) == "포탈R&D뉴스"
    assert "포탈R&D뉴스 - 문화 <R&D>" in {unescape(feed.title) for feed in outlines.feeds}
    for written in ("<title>포탈R&#x26;D뉴스</title>", "3&#x26;4분기 &#x3C;AI 기본법&gt;과"):
        assert written.encode() in rss_bytes and written.encode() in atom_bytes
    for written in ("R&#x26;D팀 3&#x26;4</dc:creator>", "CC BY&#x26;4.0</dc:rights>", "한국R&#x26;D진흥원</source>"):
        assert written.encode() in rss_bytes
    for written in (
        "<name>포탈R&#x26;D뉴스</name>",  # the feed's author
        '<rights type="text">CC BY&#x26;4.0</rights>',
        "<title>한국R&#x26;D진흥원</title>",  # atom:source
        'title="한국R&#x26;D진흥원"/>',  # the release's via link
        'title="붙임 R&#x26;D &#x3C;계획&gt;.pdf"/>',  # its enclosure link
    ):
        assert written.encode() in atom_bytes
    # the same text to every reader
    assert parsed_rss.feed.title == parsed_atom.feed.title == "포탈R&D뉴스"
    assert parsed_atom.feed.subtitle.startswith("3&4분기 <AI 기본법>과")
    (item,), (entry,) = parsed_rss.entries, parsed_atom.entries
    assert item.author == entry.author == "R&D팀 3&4"
    assert item.source.title == entry.source.title == "한국R&D진흥원"
    assert entry.rights == "CC BY&4.0"
    links = {link.rel: link.get("title") for link in entry.links}
    assert (links["via"], links["enclosure"]) == ("한국R&D진흥원", "붙임 R&D <계획>.pdf")


def test_an_atom_author_address_goes_in_its_email_element(portal: Pressfeed, site: Path) -> None:
    """Validator: 'name should not include email address'. Every format names the same author: RSS and
    JSON showed the byline as written, so a reader saw three authors for one item."""
    import_yaml(portal, site, "plain.yaml", PLAIN_TEXT)
    portal.build()
    (author,) = atom_entries(portal, "society")[0].findall(f"{ATOM}author")
    assert (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}email")) == (
        "홍길동 기자",
        "hong@example-portal.kr",
    )
    assert rss_items(portal, "society")[0].findtext(DC_CREATOR) == "홍길동 기자"
    assert jsonfeed(portal, "society")["items"][0]["authors"] == [
        {"name": "홍길동 기자", "url": "mailto:hong@example-portal.kr"}
    ]
    rss_path, atom_path, _ = feed_paths("society")
    parsed = [feedparsed(read(portal, path)).entries[0] for path in (rss_path, atom_path)]
    assert {entry.author_detail.name for entry in parsed} == {"홍길동 기자"}


@pytest.mark.parametrize(
    ("byline", "parts"),
    [
        ("홍길동 기자 <hong@example-portal.kr>", ("홍길동 기자", "hong@example-portal.kr")),
        ("포탈뉴스통신", ("포탈뉴스통신", "")),
        ("홍길동 기자 hong@example-portal.kr", ("홍길동 기자 hong@example-portal.kr", "")),  # no brackets: a name
        # two authors: no one address is the author's, and none stays in the name ('name should not include
        # email address')
        ("홍길동 <hong@example-portal.kr>, 김철수 <kim@example-portal.kr>", ("홍길동, 김철수", "")),
        ("<hong@example-portal.kr>", ("hong@example-portal.kr", "hong@example-portal.kr")),  # an address alone
        # one author's address inside the byline: still that author's
        ("홍길동 <hong@example-portal.kr> 기자", ("홍길동 기자", "hong@example-portal.kr")),
        # an address the validator takes ('email must be an email address'): a Korean domain as punycode,
        # and none rather than one it refuses
        ("홍길동 기자 <hong@예제.kr>", ("홍길동 기자", "hong@xn--2j5b21b.kr")),
        ('홍길동 기자 <"hong"@example-portal.kr>', ("홍길동 기자", "")),
        ("홍길동 기자 <hong@a..kr>", ("홍길동 기자", "")),
    ],
)
def test_a_byline_gives_a_name_without_addresses_and_an_address_the_validator_takes(
    byline: str, parts: tuple[str, str]
) -> None:
    from pressfeed.publish.common import byline_parts

    assert byline_parts(byline) == parts


def test_an_item_without_a_body_has_no_blank_content(portal: Pressfeed, site: Path) -> None:
    """Validator: 'content should not be blank'. Atom needs no content beside a summary and an alternate link;
    JSON Feed needs content_html or content_text: the summary stands in."""
    record = SAME_HOUR.format(n=8).replace("body_html: <p>같은 시각에 나온 보도자료 8.</p>\n", "")
    import_yaml(portal, site, "bare.yaml", record + "summary: 사진으로 보는 오늘\n")
    portal.build()
    entry = atom_entries(portal, "society")[0]
    assert entry.find(f"{ATOM}content") is None
    assert entry.findtext(f"{ATOM}summary") == "사진으로 보는 오늘"
    assert rss_items(portal, "society")[0].find(CONTENT_ENCODED) is None
    item = jsonfeed(portal, "society")["items"][0]
    assert "content_html" not in item and item["content_text"] == "사진으로 보는 오늘"


def test_an_item_with_nothing_but_its_title_does_not_repeat_it_as_its_summary(portal: Pressfeed, site: Path) -> None:
    """A title-only item (or a release whose terms allow only its link) has no summary: the title in its place
    showed twice in every reader's list. JSON Feed's required content is the title then, and Atom's text (the
    validator warns of an entry without any); an RSS item needs no description beside its title."""
    record = SAME_HOUR.format(n=8).replace("body_html: <p>같은 시각에 나온 보도자료 8.</p>\n", "")
    import_yaml(portal, site, "bare.yaml", record)
    portal.build()
    entry = atom_entries(portal, "society")[0]
    assert entry.findtext(f"{ATOM}summary") == "정각 보도자료 8" and entry.find(f"{ATOM}content") is None
    item = rss_items(portal, "society")[0]
    assert item.find("description") is None and item.findtext("title") == "정각 보도자료 8"
    json_item = jsonfeed(portal, "society")["items"][0]
    assert "summary" not in json_item and json_item["content_text"] == "정각 보도자료 8"
    page = read(portal, "society/index.html").decode()
    assert 'class="summary"' not in page


ICON = "https://www.example-portal.kr/image/icon-192.png"
LOGO = "https://www.example-portal.kr/image/logo.png"


@pytest.mark.parametrize(("icon", "logo"), [(ICON, LOGO), (ICON, ""), ("", LOGO)], ids=["both", "icon", "logo"])
def test_the_sites_icon_and_logo_reach_every_format(site: Path, clock: Clock, icon: str, logo: str) -> None:
    """Readers show a feed's image beside its name: the icon as Atom icon, JSON Feed icon and favicon and the
    page's icon; the logo as Atom logo and RSS image (with the channel's own title and link, as the validator
    asks)."""
    images = "".join(f"  {key}: {url}\n" for key, url in (("icon", icon), ("logo", logo)) if url)
    set_config(site, portal_config().replace("  language: ko\n", "  language: ko\n" + images, 1))
    pf = open_portal(site, clock)
    try:
        import_yaml(pf, site, "hour.yaml", SAME_HOUR.format(n=1))
        pf.build()
        feed, channel = atom(pf, "society"), rss(pf, "society").find("channel")
        assert (feed.findtext(f"{ATOM}icon"), feed.findtext(f"{ATOM}logo")) == (icon or None, logo or None)
        image = channel.find("image")
        if logo:
            assert image.findtext("url") == logo
            assert (image.findtext("title"), image.findtext("link")) == (
                channel.findtext("title"),
                channel.findtext("link"),
            )
        else:
            assert image is None
        data = jsonfeed(pf, "society")
        assert (data.get("icon"), data.get("favicon")) == ((icon, icon) if icon else (None, None))
        page = read(pf, "society/index.html").decode()
        assert (f'<link rel="icon" href="{icon}">' in page) == bool(icon)
    finally:
        pf.close()


def test_a_feed_without_images_names_none(built: Pressfeed) -> None:
    assert rss(built).find("channel/image") is None and atom(built).find(f"{ATOM}icon") is None
    assert "icon" not in jsonfeed(built) and 'rel="icon"' not in read(built, "index.html").decode()


def test_opml_outlines_pass_the_validator_rules(built: Pressfeed) -> None:
    """Every outline a feed of type rss (MissingOutlineType), naming its RSS version and its page."""
    root = etree.fromstring(read(built, "feeds.opml"))
    outlines = root.findall("body/outline")
    assert len(outlines) == len(KEYS)
    for outline in outlines:
        assert set(outline.attrib) == {"type", "text", "title", "xmlUrl", "htmlUrl", "version"}
        assert (outline.get("type"), outline.get("version")) == ("rss", "RSS2")
        assert len(outline) == 0


def test_non_ascii_urls_are_percent_encoded(portal: Pressfeed, site: Path) -> None:
    record = SAME_HOUR.format(n=8) + "images:\n  - url: /news/photo/202511/첫눈 사진.jpg\n"
    import_yaml(portal, site, "hangul.yaml", record)
    portal.build()
    enclosure = rss_items(portal, "society")[0].find("enclosure")
    assert enclosure.get("url") == (
        "https://www.example-portal.kr/news/photo/202511/%EC%B2%AB%EB%88%88%20%EC%82%AC%EC%A7%84.jpg"
    )


def test_feed_updated_never_moves_backwards(built: Pressfeed) -> None:
    """Hiding the newest item keeps the feed's updated instead of dating the feed older."""
    before = atom(built, "it-science").findtext(f"{ATOM}updated")
    newest = atom_ids(built, "it-science")[0]
    built.set_status(newest, Status.HIDDEN)
    result = built.build()
    assert "it-science/atom.xml" in result.written
    assert newest not in atom_ids(built, "it-science")
    assert atom(built, "it-science").findtext(f"{ATOM}updated") == before
    assert rss(built, "it-science").findtext("channel/lastBuildDate") == _rfc822(before)


def test_a_feed_updated_from_a_mistyped_year_comes_back_once_it_is_fixed(built: Pressfeed, site: Path) -> None:
    """A store that took `updated: 2027-…` for a 2025 article (an import before such dates were refused, or
    a clock that was wrong) dated its feeds 2027, and "never backwards" would have kept them there."""
    text = (SAMPLES / "politics.yaml").read_text(encoding="utf-8")
    typo = text.replace("updated: 2025-11-06 15:20:00", "updated: 2027-11-06 15:20:00")
    assert typo != text
    built.close()
    with open_portal(site, fixed(datetime(2028, 1, 1, tzinfo=UTC))) as then:
        import_yaml(then, site, "politics.yaml", typo)
        then.build()
        assert atom_updated(atom(then, "politics")) == "2027-11-06T15:20:00+09:00"

    with open_portal(site, fixed(NOW)) as now:
        with pytest.raises(InputError, match=r"politics\.yaml:\d+: updated: .*in the future"):
            now.import_files([str(site / "feeds" / "incoming" / "politics.yaml")])
        import_yaml(now, site, "politics.yaml", text)  # the export fixed
        assert "politics/atom.xml" in now.build().written
        for key in ("", "politics"):
            assert atom_updated(atom(now, key)) == NEWEST_UPDATED[key]
            assert rss(now, key).findtext("channel/lastBuildDate") == _rfc822(NEWEST_UPDATED[key])


def test_a_feed_updated_an_import_accepted_ahead_of_now_does_not_go_back(built: Pressfeed, site: Path) -> None:
    """A CMS clock ten hours ahead is no typo (the import takes up to a day): the feed is dated when it was built
    (no later: test_no_feed_carries_a_date_ahead_of_its_build), and hiding that article keeps the feed's date,
    as for any newest item (a review found it dropped back)."""
    record = PRESS_RELEASE.replace(
        "published: 2025-11-08 10:30:00", "published: 2025-11-08 10:30:00\nupdated: 2025-11-09 07:00:00"
    )
    import_yaml(built, site, "ahead.yaml", record)
    built.build()
    assert atom_updated(atom(built, "")) == "2025-11-08T21:00:00+09:00"
    built.set_status(f"{TAG}20251108-0100", Status.HIDDEN)
    assert "atom.xml" in built.build().written
    assert atom_updated(atom(built, "")) == "2025-11-08T21:00:00+09:00"


def test_empty_feed_date_does_not_follow_the_config_file_mtime(built: Pressfeed, site: Path) -> None:
    before = {p: read(built, p) for p in [*feed_paths("culture"), "feeds.opml"]}
    config = site / "feeds" / "pressfeed.yaml"
    os.utime(config, (1_000_000_000, 1_000_000_000))
    assert built.build(force=True).written == ()
    assert {p: read(built, p) for p in before} == before


def test_control_characters_written_as_entities_never_reach_the_xml(portal: Pressfeed, site: Path) -> None:
    record = SAME_HOUR.format(n=9).replace(
        "body_html: <p>같은 시각에 나온 보도자료 9.</p>", 'body_html: "<p>본문&#1;끝&#xFFFE;</p>"'
    )
    import_yaml(portal, site, "entities.yaml", record)
    portal.build()
    for path in feed_paths("society")[:2]:
        parsed = feedparsed(read(portal, path))
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert "본문끝" in parsed.entries[0].content[0].value


def test_rss_enclosure_falls_back_to_the_first_attachment(portal: Pressfeed, site: Path) -> None:
    """A press release without a photo still carries its HWP as the RSS enclosure."""
    record = SAME_HOUR.format(n=6) + (
        "attachments:\n"
        "  - url: https://www.korea.kr/common/download.do?fileId=1977&tblKey=GMN\n"
        "    type: application/x-hwp\n"
        "    length: 183296\n"
    )
    import_yaml(portal, site, "hwp.yaml", record)
    portal.build()
    enclosure = rss_items(portal, "society")[0].find("enclosure")
    assert dict(enclosure.attrib) == {
        "url": "https://www.korea.kr/common/download.do?fileId=1977&tblKey=GMN",
        "length": "183296",
        "type": "application/x-hwp",
    }


def test_build_sweeps_temp_files_a_killed_build_left(built: Pressfeed) -> None:
    """Issue 11, item 1: a kill leaves `.rss.xml.*.tmp` files; the next build (under the lock) removes them."""
    root = out_dir(built)
    litter = [root / ".rss.xml.k3j9x_2a.tmp", root / "it-science" / ".atom.xml.abcdefgh.tmp"]
    for path in litter:
        path.write_bytes(b"<half a feed")
    keep = [root / ".htaccess", root / "it-science" / "notes.tmp"]
    for path in keep:
        path.write_bytes(b"the operator's")

    result = built.build()

    assert result.written == ()  # nothing else changes
    assert not any(p.exists() for p in litter)
    assert all(p.read_bytes() == b"the operator's" for p in keep)
