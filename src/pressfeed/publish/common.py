"""What every output format shares: the feed description and the item body."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from ..terms import credit_agencies, credit_for

if TYPE_CHECKING:
    from collections.abc import Callable

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
    """The body as published: the lead photo when the body does not show it, the sanitized HTML, then the
    credit line once."""
    import html  # (its entity table: only when an item is rendered)

    body = _with_lead_photo(article, html.escape)
    source = article.source
    if source is None or not (source.credit or source.name):
        return body
    line = source.credit or credit_for(source.name)
    # a credit followed by the article's own text stays in the body (credits.split_credit): not said again
    credit = "" if _credits_in(body, line) else html.escape(line, quote=False)
    if source.url:
        credit += f'{" " if credit else ""}<a href="{html.escape(source.url)}">원문 보기</a>'
    if not credit:
        return body
    paragraph = f'<p class="credit">{credit}</p>'
    return f"{body}\n{paragraph}" if body else paragraph


def _credits_in(body: str, line: str) -> bool:
    """Whether the body credits every agency the credit line names already."""
    if "출처" not in body:  # (every credit line says so: most bodies are done here)
        return False
    from ..context import name_key
    from ..sanitize import markup_text

    named = {name_key(agency) for agency in credit_agencies(line)}
    return bool(named) and named <= {name_key(agency) for agency in credit_agencies(markup_text(body))}


def _with_lead_photo(article: Article, escape: Callable[[str], str]) -> str:
    """A CMS article's photos travel beside its text (enclosures, Media RSS), which many readers never show
    (newsboat, most mail-like readers): the lead one goes first in the body, as a figure with its caption,
    unless the body shows it already (an ingested release's lead is its body's first picture)."""
    lead, body = article.lead_image, article.body_html
    if lead is None or not lead.url:
        return body
    src = escape(lead.url)
    if src in body or lead.url in body:
        return body
    size = f' width="{lead.width}" height="{lead.height}"' if lead.width and lead.height else ""
    caption = f"<figcaption>{escape(lead.caption)}</figcaption>" if lead.caption else ""
    figure = f'<figure><img src="{src}" alt="{escape(lead.caption)}"{size}>{caption}</figure>'
    return f"{figure}\n{body}" if body else figure


def summary_of(article: Article) -> str:
    """What list views show under the title: the summary, else the subtitle, else nothing ("" when it would
    only repeat the title: a link-only release or a title-only item has nothing more to say)."""
    summary = article.summary or article.subtitle
    return "" if summary == article.title else summary


#: a name and one e-mail address in angle brackets: "홍길동 기자 <hong@example.kr>" (not a list of them)
_NAMED_ADDRESS = re.compile(r"([^<>@]*[^<>@\s])\s*<([^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>")
#: any address in angle brackets, with the space before it: what a name must not hold (the validator's
#: "name should not include email address" looks for these)
_BRACKETED = re.compile(r"\s*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>")
#: an address as RFC 5322 writes one without quotes (a dot-atom), on an ASCII domain of two labels or more
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def tags_after(section: str, article: Article) -> tuple[str, ...]:
    """The article's tags that follow its section's title among its categories: but one named as the section,
    by its title or its id (a 사회 story tagged "사회" or "society" lists it once, tags spelled alike being one)."""
    return _tags_after(section, article.section, article.tags) if article.tags else ()


@lru_cache(maxsize=4096)  # (each item is in its section's feeds and the site's, in every format)
def _tags_after(section: str, section_id: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    from ..context import name_key

    keys = {name_key(section), name_key(section_id)}
    return tuple(tag for tag in tags if name_key(tag) not in keys)


def byline_parts(byline: str) -> tuple[str, str]:
    """(name, e-mail address) of a byline; the address "" when it holds none, or more than a name and one.

    Every format shows the same name: Atom's <name> and <email>, dc:creator, JSON Feed's author. The name
    holds no address in brackets (a list of authors keeps their names), and the address is one the W3C
    validator takes: a Korean domain in punycode, else none.
    """
    if "@" not in byline:  # (most bylines: a name alone)
        return byline, ""
    match = _NAMED_ADDRESS.fullmatch(byline)
    if match:
        return match.group(1), _address(match.group(2))
    found = [bracketed.strip()[1:-1] for bracketed in _BRACKETED.findall(byline)]
    if not found:
        return byline, ""
    name = _BRACKETED.sub("", byline).strip(" ,")
    address = _address(found[0]) if len(found) == 1 else ""  # of several, none is the one author's
    return name or address or ", ".join(found), address  # (addresses alone: they are the name)


def _address(address: str) -> str:
    """The address as the validator takes it, or ""."""
    local, _, domain = address.rpartition("@")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    address = f"{local}@{domain}"
    return address if _ADDRESS.fullmatch(address) else ""
