"""What every output format shares: the feed description and the item body."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ..model import Article


@dataclass(frozen=True)
class FeedSpec:
    """One feed (a section's or the site's), independent of its format."""

    key: str  # section slug, or "" for the site-wide feed
    id: str  # stable tag: URI
    title: str
    description: str
    html_url: str
    language: str
    tz: tzinfo
    site_title: str
    #: output paths relative to the output dir, and their public URLs
    rss_path: str
    atom_path: str
    json_path: str
    rss_url: str
    atom_url: str
    json_url: str
    #: section slug → title, for item categories
    section_titles: dict[str, str]
    #: feed-level updated: newest item's `updated`, else the fallback time
    updated: datetime
    #: the HTML page of this feed (`index.html`, `<section>/index.html`) and its public URL
    page_path: str = ""
    page_url: str = ""
    #: the WebSub hub announced in every format (site.websub_hub), "" for none
    hub: str = ""

    def feed_urls(self) -> tuple[tuple[str, str], ...]:
        """(output path, public URL) of the RSS, Atom and JSON Feed files, in that order."""
        return ((self.rss_path, self.rss_url), (self.atom_path, self.atom_url), (self.json_path, self.json_url))


def local(value: datetime, tz: tzinfo) -> datetime:
    """Dates are written in the site's zone (+09:00 for Korean readers)."""
    return value.astimezone(tz)


def distinct_updated(articles: Sequence[Article]) -> list[datetime]:
    """Each entry's `updated`, made unique by stepping back whole seconds.

    The W3C validator warns about two Atom entries with the same atom:updated,
    and agencies stamp many releases on the hour. Going back (never forward)
    keeps every value at or below the feed's own `updated` and out of the
    future; feed order is deterministic, so the result is too.
    """
    seen: set[datetime] = set()
    out = []
    for article in articles:
        when = article.updated
        while when in seen:
            when -= timedelta(seconds=1)
        seen.add(when)
        out.append(when)
    return out


def body_with_credit(article: Article) -> str:
    """The body as published: sanitized HTML, then the credit line once."""
    source = article.source
    if source is None or not (source.credit or source.name):
        return article.body_html
    credit = html.escape(source.credit or f"[뉴스출처 : {source.name}]", quote=False)
    if source.url:
        credit += f' <a href="{html.escape(source.url)}">원문 보기</a>'
    return f'{article.body_html}\n<p class="credit">{credit}</p>'


def summary_of(article: Article) -> str:
    return article.summary or article.subtitle or article.title
