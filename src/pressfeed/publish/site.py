"""Site-level files: the OPML list of feeds (the HTML pages are in pages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .common import FeedSpec
from .opml import Outline, render_opml


def site_opml(title: str, specs: Sequence[FeedSpec], updated: datetime) -> bytes:
    """Every feed of the site (site, then sections), once: its RSS.

    A reader importing the list subscribes to every outline in it: with each
    feed's Atom and JSON Feed beside its RSS, every article came three times,
    and readers without JSON Feed had a subscription that never worked.
    """
    feeds = [Outline(spec.title, spec.rss_url, spec.html_url, version="RSS2") for spec in specs]
    return render_opml(title, feeds, updated)
