"""What every output format shares: the feed description and the item body."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from ..terms import credit_for

if TYPE_CHECKING:
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
    #: the site's images for readers (site.icon, site.logo), "" for none
    icon: str = ""
    logo: str = ""
    #: what an item's section category is a term of (RSS domain, Atom scheme): the site's sections, so
    #: one section is one category in every feed that carries it; "" = the feed's own page
    category_scheme: str = ""

    def feed_urls(self) -> tuple[tuple[str, str], ...]:
        """(output path, public URL) of the RSS, Atom and JSON Feed files, in that order."""
        return ((self.rss_path, self.rss_url), (self.atom_path, self.atom_url), (self.json_path, self.json_url))


def local(value: datetime, tz: tzinfo) -> datetime:
    """Dates are written in the site's zone (+09:00 for Korean readers)."""
    return value.astimezone(tz)


def entry_updated(article: Article) -> datetime:
    """An entry's Atom `updated`: the article's, plus a sub-second fraction derived from its id.

    The W3C validator warns when two entries share an atom:updated value, and
    agencies stamp many releases on the same second. A fraction taken from
    the item alone (not from its neighbours) keeps one article's time the same
    in every feed that carries it and across rebuilds; two entries collide
    only when both the second and 20 bits of their ids' hashes agree, and no
    rule using the item alone can promise less.
    """
    digest = hashlib.sha256(article.id.encode()).digest()
    micros = int.from_bytes(digest[:4], "big") % 1_000_000 or 1
    return article.updated.replace(microsecond=micros)


def body_with_credit(article: Article) -> str:
    """The body as published: sanitized HTML, then the credit line once."""
    source = article.source
    if source is None or not (source.credit or source.name):
        return article.body_html
    import html  # (its entity table: only when an item is rendered)

    credit = html.escape(source.credit or credit_for(source.name), quote=False)
    if source.url:
        credit += f' <a href="{html.escape(source.url)}">원문 보기</a>'
    paragraph = f'<p class="credit">{credit}</p>'
    return f"{article.body_html}\n{paragraph}" if article.body_html else paragraph


def summary_of(article: Article) -> str:
    """What list views show under the title: the summary, else the subtitle, else nothing ("" when it would
    only repeat the title: a link-only release or a title-only item has nothing more to say)."""
    summary = article.summary or article.subtitle
    return "" if summary == article.title else summary


#: a name and one e-mail address in angle brackets: "홍길동 기자 <hong@example.kr>" (not a list of them)
_NAMED_ADDRESS = re.compile(r"([^<>@]*[^<>@\s])\s*<([^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>")


def byline_parts(byline: str) -> tuple[str, str]:
    """(name, e-mail address) of a byline; the address "" when it holds none, or more than a name and one.

    Every format shows the same name: Atom's <name> and <email>, dc:creator, JSON Feed's author.
    """
    match = _NAMED_ADDRESS.fullmatch(byline) if "@" in byline else None  # (most bylines: a name alone)
    return (match.group(1), match.group(2)) if match else (byline, "")
