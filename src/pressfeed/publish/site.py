"""Site-level files: the OPML list of feeds and the HTML index with autodiscovery."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from .common import FeedSpec
from .opml import Outline, render_opml


def site_opml(title: str, specs: Sequence[FeedSpec], updated: datetime) -> bytes:
    """Every feed of the site, grouped by feed (site, then sections), each in three formats."""
    groups = [
        Outline(
            spec.title,
            children=tuple(
                Outline(f"{spec.title} ({kind})", url, spec.html_url, version="RSS2" if kind == "RSS" else "")
                for kind, url in (("RSS", spec.rss_url), ("Atom", spec.atom_url), ("JSON", spec.json_url))
            ),
        )
        for spec in specs
    ]
    return render_opml(title, groups, updated)


def render_index(title: str, description: str, language: str, site_url: str, specs: Sequence[FeedSpec]) -> bytes:
    e = html.escape
    site, *sections = specs
    links = [
        f'<link rel="alternate" type="application/rss+xml" title="{e(s.title)} (RSS)" href="{e(s.rss_url)}">\n'
        f'<link rel="alternate" type="application/atom+xml" title="{e(s.title)} (Atom)" href="{e(s.atom_url)}">\n'
        f'<link rel="alternate" type="application/feed+json" title="{e(s.title)} (JSON)" href="{e(s.json_url)}">'
        for s in specs
    ]
    rows = "\n".join(
        f'<tr><th scope="row"><a href="{e(s.html_url)}">{e(s.title)}</a></th>'
        f'<td><a href="{e(s.rss_path)}">RSS</a></td><td><a href="{e(s.atom_path)}">Atom</a></td>'
        f'<td><a href="{e(s.json_path)}">JSON</a></td></tr>'
        for s in specs
    )
    page = f"""<!DOCTYPE html>
<html lang="{e(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} — 피드</title>
{chr(10).join(links)}
<style>body{{font-family:sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}th,td{{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}}</style>
</head>
<body>
<h1><a href="{e(site_url)}">{e(title)}</a> 피드</h1>
<p>{e(description or "섹션별 RSS, Atom, JSON 피드를 구독할 수 있습니다.")}</p>
<p>피드 리더에 아래 주소를 추가하세요. 전체 목록: <a href="feeds.opml">OPML</a>.</p>
<table>
<thead><tr><th scope="col">섹션</th><th scope="col" colspan="3">피드</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p><small>{len(sections)}개 섹션 · 전체 기사 피드: <a href="{e(site.rss_path)}">{e(site.rss_url)}</a></small></p>
</body>
</html>
"""
    return page.encode("utf-8")
