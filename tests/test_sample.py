"""The bundled sample site (feeds/), as a new user runs it: offline, today's sources, one story one item."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from pressfeed.cli import cli
from pressfeed.urls import normalize_link

SAMPLE = Path(__file__).resolve().parents[1] / "feeds"
ATOM = "{http://www.w3.org/2005/Atom}"
#: when the sample's newest items are a day old (its feeds are fixed copies)
NOW = "2026-11-27T09:00:00+09:00"
FEEDS = ["", "politics/", "society/", "economy/", "it-science/"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("sample") / "site"
    shutil.copytree(SAMPLE, site / "feeds", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def invoke(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--site", str(site), "--now", NOW, *args], env={"DATA_GO_KR_SERVICE_KEY": ""})


@pytest.fixture(scope="module")
def ran(sample: Path) -> tuple[Path, Result]:
    return sample, invoke(sample, "run")


def test_the_sample_runs_offline_and_says_what_it_did(ran: tuple[Path, Result]) -> None:
    _, result = ran
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "import: 4 files, 17 new, 0 updated, 0 unchanged",
        "ingest: 6 sources, 19 new, 0 updated",
        "build: 21 files, 21 written, 0 unchanged",
    ]
    # the press-release API needs a key: the one warning
    assert result.stderr == (
        "warning: source briefing: disabled — not fetched until DATA_GO_KR_SERVICE_KEY holds the data.go.kr"
        " service key\n"
    )


def test_no_release_appears_twice_in_any_feed(ran: tuple[Path, Result]) -> None:
    """Each item's original release (Atom rel="via", JSON external_url) occurs once per feed."""
    site, _ = ran
    for prefix in FEEDS:
        atom = etree.parse(str(site / "public" / prefix / "atom.xml"))
        originals = [
            normalize_link(link.get("href", ""))
            for entry in atom.iter(f"{ATOM}entry")
            for link in entry.iter(f"{ATOM}link")
            if link.get("rel") == "via"
        ]
        assert originals, prefix
        twice = [url for url, n in Counter(originals).items() if n > 1]
        assert twice == [], f"{prefix or 'site'} feed carries {twice} twice"


def test_the_newsrooms_version_is_the_one_published(ran: tuple[Path, Result]) -> None:
    site, _ = ran
    rss = (site / "public" / "it-science" / "rss.xml").read_text(encoding="utf-8")
    assert "6G 후보기술 12종 한자리에" in rss  # the newsroom's rewrite (CMS 20261125-0036) ...
    assert "과기정통부, 6G 프리표준 기술 시연회" not in rss  # ... not the ministry's release it cites


def test_rights_of_the_sample(ran: tuple[Path, Result]) -> None:
    """금융위원회 forbids altering its text: the registry says link only, under its licence."""
    site, _ = ran
    rss = etree.parse(str(site / "public" / "economy" / "rss.xml"))
    fsc = [item for item in rss.iter("item") if "source/fsc/" in item.findtext("guid", "")]
    assert len(fsc) == 2  # the third is superseded by the newsroom's own article on it
    for item in fsc:
        assert item.findtext("{http://purl.org/dc/elements/1.1/}rights", "").startswith("KOGL-3")
        # no summary of a text that may not be carried, and no repeat of the title in its place: the
        # description is the body as published, the credit line alone
        assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded") is None
        content = item.findtext("description", "")
        assert content.startswith('<p class="credit">[뉴스출처 : 금융위원회]') and "원문 보기" in content


def test_sources_check_names_the_disabled_api(ran: tuple[Path, Result]) -> None:
    site, _ = ran
    result = invoke(site, "sources", "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("briefing: disabled")
    assert lines[1:] == ["msit: ok", "molit: ok", "mofe: ok", "fsc: ok", "kma: ok"]


def test_a_second_run_writes_nothing(ran: tuple[Path, Result]) -> None:
    site, _ = ran
    again = invoke(site, "run")
    assert again.stdout.splitlines()[-1] == "build: 21 files, 0 written, 21 unchanged"
