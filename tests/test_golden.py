"""Golden values: what subscribers and stores depend on, pinned literally.

Article ids are the guids readers dedupe on, content hashes decide whether an
article changed, and the feed bytes are what readers cache. A change to any
of them re-publishes items or breaks readers, so these tests compare against
literal values and files, never against the production functions' own output.

When a change is deliberate, regenerate the expected files and review the diff:

    PRESSFEED_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pressfeed.clock import fixed
from pressfeed.core import Pressfeed
from pressfeed.ingest.keys import content_key, normalize_link
from pressfeed.model import ArticleFilter
from pressfeed.normalize import hashed_id, make_id

GOLDEN = Path(__file__).resolve().parent / "golden"
SITE = GOLDEN / "site"
EXPECTED = GOLDEN / "expected"
UPDATE = os.environ.get("PRESSFEED_UPDATE_GOLDEN") == "1"
#: 2025-11-08 21:00 KST, as everywhere in the tests
NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
AUTHORITY = "example-portal.kr,2025"


# -- ids and keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "key", "expected"),
    [
        ("source/msit", "msit-156720010", "tag:example-portal.kr,2025:source/msit/9cf69db8a13f2eb1a84d"),
        (
            "link",
            "korea.kr/briefing/pressReleaseView.do?newsId=156720287",
            "tag:example-portal.kr,2025:link/14803045659d5aca6580",
        ),
    ],
)
def test_hashed_ids_are_pinned(kind: str, key: str, expected: str) -> None:
    assert hashed_id(AUTHORITY, kind, key) == expected


@pytest.mark.parametrize(
    ("raw", "link", "expected"),
    [
        ("20251108-0001", "", "tag:example-portal.kr,2025:article/20251108-0001"),
        (123435, "", "tag:example-portal.kr,2025:article/123435"),
        ("tag:other.kr,2024:x/1", "", "tag:other.kr,2024:x/1"),
        (None, "https://www.example-portal.kr/news/1", "https://www.example-portal.kr/news/1"),
    ],
)
def test_cms_ids_are_pinned(raw: object, link: str, expected: str) -> None:
    assert make_id(raw, link, AUTHORITY) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720355&call_from=rsslink",
            "korea.kr/briefing/pressReleaseView.do?newsId=156720355",
        ),
        (
            "HTTP://WWW.Korea.KR:80/briefing/view.do/?b=2&a=1&utm_source=rss#top",
            "korea.kr/briefing/view.do?a=1&b=2",
        ),
    ],
)
def test_normalized_links_are_pinned(url: str, expected: str) -> None:
    assert normalize_link(url) == expected


def test_content_key_is_pinned() -> None:
    key = content_key("과기정통부, <b>AI</b> 기본계획 발표", "<p>인공지능 기본계획을 발표했다.</p>")
    assert key == "content:659cda9845ac721fe3a1bbc4a45eedc62f57e25090be9543254ba295acaef84e"


# -- a whole site, byte for byte ------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("golden") / "site"
    shutil.copytree(SITE, site)
    with Pressfeed.open(site, clock=fixed(NOW)) as pf:
        result = pf.run()
        assert result.ok
        articles = [
            {
                "id": s.article.id,
                "hash": s.content_hash,
                "section": s.article.section,
                "status": str(s.article.status),
                "published": s.article.published.isoformat(),
                "updated": s.article.updated.isoformat(),
                "origin": s.origin,
            }
            for s in pf.store.articles(ArticleFilter())
        ]
    (site / "articles.json").write_text(json.dumps(articles, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return site


def _outputs(site: Path) -> dict[str, bytes]:
    files = {"articles.json": (site / "articles.json").read_bytes()}
    public = site / "public"
    files.update({str(p.relative_to(site)): p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file()})
    return files


def test_site_output_is_byte_identical_to_the_golden_files(built: Path) -> None:
    actual = _outputs(built)
    if UPDATE:
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for name, data in actual.items():
            (EXPECTED / name).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / name).write_bytes(data)
    expected = {str(p.relative_to(EXPECTED)): p.read_bytes() for p in sorted(EXPECTED.rglob("*")) if p.is_file()}
    assert sorted(actual) == sorted(expected), "a file appeared or disappeared"
    for name, data in expected.items():
        assert actual[name].decode() == data.decode(), f"{name} differs from tests/golden/expected/{name}"
