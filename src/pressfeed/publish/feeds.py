"""RSS 2.0 and Atom 1.0 through feedgen, with its known traps worked around.

feedgen writes the common fields; two registered extensions write what it
gets wrong or cannot express (the README's "Feed details" lists them):
Atom entry links lose rel/type/length in feedgen 1.0 and its atom:source lacks
id/updated, so we write links and source ourselves; RSS bylines are
`dc:creator` because `<author>` must be an e-mail address. Both write Media RSS
(`media:content`, `media:thumbnail`) for article images, which is where
aggregators look for thumbnails, and the RSS extension writes the WebSub hub link
(feedgen writes only the self link into RSS).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree
from lxml.etree import SubElement

from .. import __version__
from ..model import Article, Attribution, Image
from .common import FeedSpec, body_with_credit, byline_parts, entry_updated, local, summary_of, tags_after

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"


def _sub(parent: Any, tag: str, text: str | None = None, attrib: dict[str, str] | None = None) -> Any:
    """A child element; attributes with empty values are left out."""
    element = SubElement(parent, tag, {k: v for k, v in attrib.items() if v} if attrib else None)
    if text is not None:
        element.text = text
    return element


def _text(parent: Any, tag: str, text: str) -> None:
    """A child element with text (also when empty: `<x></x>`, as `_sub` writes it)."""
    SubElement(parent, tag).text = text


def _plain_sub(parent: Any, tag: str, text: str, attrib: dict[str, str] | None = None) -> None:
    """A child element of plain text, `&` and `<` written as character references (see :func:`_plain`)."""
    element = _sub(parent, tag, text, attrib)
    if _special(text):  # (tested on the text in hand: reading element.text back decodes it again)
        _plain(element)


#: in plain text, the characters written as hexadecimal character references
_REFERENCES = {"&": "#x26", "<": "#x3C"}
_SPECIAL = re.compile("([&<])")


def _special(text: str) -> bool:
    """Whether plain text holds a character :func:`_plain` writes as a reference (few do)."""
    return "&" in text or "<" in text


def _plain(element: Any) -> None:
    """Write `element`'s text with `&` and `<` as hexadecimal character references (`&#x26;`, `&#x3C;`).

    The RSS Profile asks this of plain-text elements, and the W3C validator holds to it: a title
    "<AI 기본법> 시행령" or "3&4분기" written `&lt;AI`, `3&amp;4` draws "Encode "&" and "<" in plain text
    using hexadecimal character references" or "title should not contain HTML". Readers decode the
    same text either way; `&#x3C;` alone leaves no doubt that it is text.
    """
    text = element.text
    if not text or not _special(text):
        return
    pieces = _SPECIAL.split(text)
    element.text = pieces[0]
    for index in range(1, len(pieces), 2):
        reference = etree.Entity(_REFERENCES[pieces[index]])
        reference.tail = pieces[index + 1]
        element.append(reference)


_MEDIA_CONTENT = f"{{{MEDIA}}}content"
_MEDIA_DESCRIPTION = f"{{{MEDIA}}}description"
_MEDIA_THUMBNAIL = f"{{{MEDIA}}}thumbnail"
_DC_CREATOR = f"{{{DC}}}creator"
_DC_RIGHTS = f"{{{DC}}}rights"
_PLAIN = {"type": "plain"}


def _atom_source(entry: Any, source: Attribution, updated: str) -> Any:
    """A complete atom:source (feedgen's lacks id and updated), as the entry's last child."""
    element = SubElement(entry, "source")  # not etree.Element: a new document per entry, then a move
    _sub(element, "id", source.feed or source.home)
    _plain_sub(element, "title", source.name)
    _sub(element, "updated", updated)
    if source.home:
        SubElement(element, "link", {"rel": "alternate", "type": "text/html", "href": source.home})
    if source.feed:
        SubElement(element, "link", {"rel": "self", "href": source.feed})
    return element


class _Parts:
    """What both formats write of one article, worked out once: its RSS item and Atom entry share it.

    `media` is the Media RSS of the article: (media:content attributes, caption) of every image, and
    the lead image's media:thumbnail attributes; sizes only when known: the validator wants positive
    integers, and a wrong size is worse than none. The caption is plain text (no HTML is ever stored).
    """

    __slots__ = ("files", "media", "thumbnail")

    def __init__(self, article: Article) -> None:
        self.files = article.files()
        self.media = [(_media_attributes(image), image.caption) for image in article.images]
        lead = article.lead_image
        self.thumbnail: dict[str, str] | None = None
        if lead is not None:
            self.thumbnail = {"url": lead.url}
            if lead.width:
                self.thumbnail["width"] = str(lead.width)
            if lead.height:
                self.thumbnail["height"] = str(lead.height)


def _media_attributes(image: Image) -> dict[str, str]:
    attrib = {"url": image.url, "medium": "image"}
    if image.type:
        attrib["type"] = image.type
    if image.length:
        attrib["fileSize"] = str(image.length)
    if image.width:
        attrib["width"] = str(image.width)
    if image.height:
        attrib["height"] = str(image.height)
    if not image.url:
        del attrib["url"]  # as _sub leaves out empty values
    return attrib


def _media(parent: Any, parts: _Parts) -> None:
    """Media RSS: every image as media:content, the lead image as the item's media:thumbnail."""
    for attrib, caption in parts.media:
        content = SubElement(parent, _MEDIA_CONTENT, attrib)
        if caption:
            description = SubElement(content, _MEDIA_DESCRIPTION, _PLAIN)
            description.text = caption
            if _special(caption):
                _plain(description)
    if parts.thumbnail is not None:
        SubElement(parent, _MEDIA_THUMBNAIL, parts.thumbnail)


class _AtomExtension(BaseExtension):  # type: ignore[misc]
    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA}

    #: some entry's link has a `title` with `&` or `<` (see :func:`_title_references`)
    special_titles: bool = False

    def extend_atom(self, feed: Any) -> Any:
        for tag in ("title", "subtitle", "author/name"):
            if (element := feed.find(tag)) is not None:
                _plain(element)
        return feed


_TITLE_ATTRIBUTE = re.compile(rb' title="[^"]*"')


def _title_references(atom: bytes) -> bytes:
    """Atom link titles with `&` and `<` as character references: plain text like any other (see
    :func:`_plain`), which lxml cannot write in an attribute (it escapes the `&` of a reference).

    Where the pattern also meets escaped HTML content (`&lt;img title="R&amp;D"&gt;`), the text read
    back is the same: `&amp;` and `&#x26;` are one character wherever XML allows either."""

    def fix(match: re.Match[bytes]) -> bytes:
        return match.group(0).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")

    return _TITLE_ATTRIBUTE.sub(fix, atom)


class _RSSExtension(BaseExtension):  # type: ignore[misc]
    """The namespaces of the items' elements, and the channel's WebSub hub link."""

    hub: str = ""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC, "media": MEDIA}

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        for tag in ("title", "description", "image/title"):
            if (element := channel.find(tag)) is not None:
                _plain(element)
        if self.hub:
            own = channel.find(f"{{{ATOM}}}link")  # feedgen's rel="self": the hub goes next to it
            hub = etree.Element(f"{{{ATOM}}}link", {"rel": "hub", "href": self.hub})
            if own is not None:
                own.addnext(hub)
            else:
                channel.append(hub)
        return feed


class _RSSItem(BaseEntryExtension):  # type: ignore[misc]
    """dc:creator, the agency `<source>`, one enclosure and Media RSS."""

    article: Article
    parts: _Parts
    #: the title, given as the summary only for Atom's sake: no description repeats the title
    placeholder: str = ""
    #: a category (a tag, the section's title) has a character :func:`_plain` writes as a reference
    special_categories: bool = False

    def extend_rss(self, item: Any) -> Any:
        article, parts = self.article, self.parts
        if self.placeholder and (description := item.find("description")) is not None:
            item.remove(description)
        if _special(article.title):  # (looked up only then: every lookup is a walk of the item's children)
            _plain(item.find("title"))
        if self.special_categories:  # a tag "<AI 기본법>", a section "R&D"
            for category in item.iterfind("category"):
                _plain(category)
        _text(item, "link", article.link)  # here, not via feedgen: its Atom twin would lose its rel
        if article.byline:  # the name, as Atom and JSON Feed show it (their e-mail fields hold the address)
            _plain_sub(item, _DC_CREATOR, byline_parts(article.byline)[0])
        source = article.source
        if source is not None and source.license:
            _plain_sub(item, _DC_RIGHTS, source.license)
        # RSS takes one enclosure: the lead image, else the first attachment (a release's HWP/PDF)
        if parts.files:
            url, kind, length, _ = parts.files[0]
            SubElement(item, "enclosure", {"url": url, "length": str(length), "type": kind})
        _media(item, parts)
        source_url = source and (source.feed or source.home or source.url)
        if source is not None and source_url:
            _plain_sub(item, "source", source.name, {"url": source_url})
        return item


def _byline(author: Any) -> None:
    """An Atom author's address goes in `<email>`: a name holding one draws a validator warning."""
    name = author.find("name") if author is not None else None
    if name is None or not name.text:
        return
    name.text, email = byline_parts(name.text)
    if email:
        SubElement(author, "email").text = email


class _AtomEntry(BaseEntryExtension):  # type: ignore[misc]
    """Entry links with their rel/type/length, Media RSS and a complete atom:source."""

    article: Article
    parts: _Parts
    spec: FeedSpec
    #: the item has no body: feedgen made the RSS description the Atom content, which must go
    bare: bool = False
    #: its title, summary or byline has a character :func:`_plain` writes as a reference
    special: bool = False

    def extend_atom(self, entry: Any) -> Any:
        article, tz = self.article, self.spec.tz
        if self.bare and (content := entry.find("content")) is not None:
            entry.remove(content)  # the summary is there, and the alternate link: RFC 4287 asks no more
        # elements are looked up only where there is something to change: each lookup walks the entry's children
        if "@" in article.byline:  # (without one, byline_parts gives the name as it is and no address)
            _byline(entry.find("author"))
        if self.special:
            for plain in (entry.find("title"), entry.find("summary"), entry.find("author/name")):
                if plain is not None:
                    _plain(plain)
        SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": article.link})
        source = article.source
        if source is not None and source.url:
            _sub(entry, "link", None, {"rel": "via", "type": "text/html", "href": source.url, "title": source.name})
        for url, kind, length, title in self.parts.files:
            attrib = {"rel": "enclosure", "type": kind, "href": url, "length": str(length) if length else ""}
            _sub(entry, "link", None, attrib | {"title": title})
        _media(entry, self.parts)
        if source is not None and source.license:
            _plain_sub(entry, "rights", source.license, {"type": "text"})
        if source is not None and (source.feed or source.home):
            _atom_source(entry, source, local(source.published or article.published, tz).isoformat())
        return entry


#: what the W3C validator takes for HTML in a plain-text Atom element ("summary should not contain HTML unless
#: declared in the type attribute"): an end tag. A summary derived from a body that quotes one ("&lt;/p&gt;
#: 대신 …") is written as the escaped HTML it reads as, as RSS descriptions always are
_END_TAG = re.compile(r"</\w+>")


def _generator(spec: FeedSpec) -> FeedGenerator:
    """One generator for both formats: entries are built once, serialized twice."""
    fg = FeedGenerator()
    fg.register_extension("pressfeed_rss", _RSSExtension, _RSSItem, atom=False, rss=True)
    fg.register_extension("pressfeed_atom", _AtomExtension, _AtomEntry, atom=True, rss=False)
    fg.pressfeed_rss.hub = spec.hub
    fg.id(spec.id)
    fg.title(spec.title)
    if spec.description:
        fg.subtitle(spec.description)
    fg.description(spec.description or spec.title)
    fg.language(spec.language)
    fg.generator("pressfeed", __version__)
    fg.docs("https://www.rssboard.org/rss-specification")
    fg.author({"name": spec.site_title})
    if spec.icon:
        fg.icon(spec.icon)
    if spec.logo:  # Atom's logo and RSS's image, whose title and link must be the channel's (the validator)
        fg.image(url=spec.logo, title=spec.title, link=spec.html_url)
    # Not now(): an unchanged store must render byte-identical files. (Atom's updated: see render_feeds)
    fg.lastBuildDate(local(spec.updated, spec.tz))
    return fg


def _links(fg: FeedGenerator, spec: FeedSpec, *, rss: bool) -> None:
    # feedgen's RSS channel <link> is the *last* link added: self first.
    fg.link(
        href=spec.rss_url if rss else spec.atom_url,
        rel="self",
        type="application/rss+xml" if rss else "application/atom+xml",
        replace=True,
    )
    fg.link(href=spec.html_url, rel="alternate", type="text/html")
    if spec.hub and not rss:  # RSS: written by _RSSExtension
        fg.link(href=spec.hub, rel="hub")


def _entry(fg: FeedGenerator, spec: FeedSpec, article: Article, body: str) -> None:
    entry: FeedEntry = fg.add_entry(order="append")
    entry.pressfeed_rss.article = entry.pressfeed_atom.article = article
    entry.pressfeed_rss.parts = entry.pressfeed_atom.parts = parts = _Parts(article)
    entry.pressfeed_atom.spec = spec
    titles = [title for *_, title in parts.files] + ([article.source.name] if article.source else [])
    if any("&" in title or "<" in title for title in titles):
        fg.pressfeed_atom.special_titles = True
    entry.guid(article.id, permalink=article.id == article.link)  # also the Atom id
    entry.title(article.title)
    entry.updated(local(entry_updated(article), spec.tz))
    entry.published(local(article.published, spec.tz))
    if article.byline:
        entry.author({"name": article.byline})  # Atom only: RSS <author> must be an e-mail
    summary = summary_of(article)
    if not (summary or body):  # a title-only item: an Atom entry needs text (the validator's "Missing textual
        # content"), so its title is its summary there; the RSS item drops it (title and link are an item)
        summary = entry.pressfeed_rss.placeholder = article.title
    entry.pressfeed_atom.special = _special(article.title) or _special(summary) or _special(article.byline)
    if summary:
        if "</" in summary and _END_TAG.search(summary):  # text quoting markup reads as HTML to the validator
            entry.summary(html.escape(summary, quote=False), type="html")
        else:
            entry.summary(summary, type="text")
        # RSS descriptions are HTML: plain-text summaries must be escaped ("R&D", "<AI 기본법>")
        entry.description(html.escape(summary, quote=False))
    # "html" (escaped) in both: feedgen's "CDATA" is no Atom type, and a body may contain "]]>"
    if body:
        entry.content(body, type="html")
    else:  # none at all (a title-only CMS item): no blank or made-up content
        entry.pressfeed_atom.bare = True
    section = spec.section_titles.get(article.section, article.section)
    categories = [{"term": article.section, "label": section, "scheme": spec.category_scheme or spec.html_url}]
    tags = tags_after(section, article)
    entry.pressfeed_rss.special_categories = _special(section) or any(_special(tag) for tag in tags)
    entry.category(categories + [{"term": tag} for tag in tags])


def render_feeds(
    spec: FeedSpec, articles: Sequence[Article], bodies: Sequence[str] | None = None
) -> tuple[bytes, bytes]:
    """(RSS 2.0, Atom 1.0) of the same items; `bodies`: their :func:`body_with_credit`, if worked out already."""
    fg = _generator(spec)
    if bodies is None:
        bodies = [body_with_credit(article) for article in articles]
    for article, body in zip(articles, bodies, strict=True):
        _entry(fg, spec, article, body)
    # the feed's atom:updated is "the most recent instant" any of it changed (RFC 4287): not before its newest
    # entry's, which has a fraction of a second of its own (entry_updated). The end of the feed's second is
    # after every entry's in it, and moves only with that second, so it never goes back (Builder.feed_updated)
    fg.updated(local(spec.updated.replace(microsecond=999_999), spec.tz))
    _links(fg, spec, rss=True)
    rss = bytes(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))
    _links(fg, spec, rss=False)
    atom = bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))
    return rss, _title_references(atom) if fg.pressfeed_atom.special_titles else atom


def render_rss(spec: FeedSpec, articles: Sequence[Article]) -> bytes:
    return render_feeds(spec, articles)[0]


def render_atom(spec: FeedSpec, articles: Sequence[Article]) -> bytes:
    return render_feeds(spec, articles)[1]
