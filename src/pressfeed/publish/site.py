"""Site-level files: the OPML list of feeds (the HTML pages are in pages.py)."""

from __future__ import annotations

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
