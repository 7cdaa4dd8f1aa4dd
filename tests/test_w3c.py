"""Every feed we publish, as the W3C feed validator sees it: no errors and no warnings.

The validator is the online one's own code (tests/w3c.py). The sites are the
golden site's committed output, the bundled sample site (`feeds/`) after a
run, and the tests' portal site after a run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import copy_sample_site, run_site
from pressfeed.cli import cli
from w3c import problems, site_problems, validated

BASE = "https://www.example-portal.kr/feeds/"  # site.feed_url of all three sites
ROOT = Path(__file__).resolve().parents[1]


def test_the_validator_reports_what_it_finds() -> None:
    """The harness itself can fail: a feed the online validator faults is faulted here, line by line."""
    bad = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><link>http://x.kr/</link><item><pubDate>yesterday</pubDate></item></channel></rss>\n'

    said = problems(bad, BASE + "rss.xml")

    assert any("pubDate must be an RFC-822 date-time" in line for line in said)
    assert any("Missing channel element: title" in line for line in said)
    assert any('Missing atom:link with rel="self"' in line for line in said)  # a warning, not an error


def test_a_self_link_elsewhere_is_a_warning_it_shows() -> None:
    """Warnings count too: a feed served at a URL its self link does not name."""
    feed = (ROOT / "tests/golden/expected/public/rss.xml").read_bytes()

    assert problems(feed, BASE + "rss.xml") == []
    assert any("Self reference doesn't match document location" in line for line in problems(feed, BASE + "x.xml"))


def test_the_golden_output_is_clean() -> None:
    public = ROOT / "tests/golden/expected/public"

    assert len(validated(public)) >= 7
    assert site_problems(public, BASE) == {}


def test_the_bundled_sample_is_clean(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "feeds", site / "feeds", ignore=shutil.ignore_patterns("__pycache__"))
    result = CliRunner().invoke(
        cli, ["--site", str(site), "--now", "2026-11-27T09:00:00+09:00", "run"], env={"DATA_GO_KR_SERVICE_KEY": ""}
    )
    assert result.exit_code == 0, result.output

    assert len(validated(site / "public")) >= 11
    assert site_problems(site / "public", BASE) == {}


def test_the_portal_fixture_site_is_clean(tmp_path: Path) -> None:
    site = copy_sample_site(tmp_path)
    run_site(site).close()

    assert len(validated(site / "public")) >= 5
    assert site_problems(site / "public", BASE) == {}
