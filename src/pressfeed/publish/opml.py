"""OPML 2.0, the format feed lists travel in: the site's feeds (`feeds.opml`) and `sources export`.

Its titles and outline texts "may contain encoded HTML markup" (the spec), and the
W3C validator reads them so: a section called `R&D` is written as the HTML
`R&amp;D` (and `sources import` reads titles back as HTML), or the validator
reports "Invalid HTML" for the whole file.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree


@dataclass(frozen=True)
class Outline:
    """One feed."""

    text: str
    xml_url: str = ""
    html_url: str = ""
    #: OPML's version list knows RSS flavours only ("RSS2"); empty where the format is not known
    version: str = ""
    category: str = ""


def render_opml(title: str, outlines: Sequence[Outline], date_modified: datetime | None = None) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = html.escape(title, quote=False)
    if date_modified is not None:
        etree.SubElement(head, "dateModified").text = date_modified.strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = etree.SubElement(root, "body")
    for outline in outlines:
        _outline(body, outline)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _outline(parent: etree._Element, outline: Outline) -> None:
    text = html.escape(outline.text, quote=False)
    attrs = {"type": "rss", "text": text, "title": text, "xmlUrl": outline.xml_url}
    if outline.html_url:
        attrs["htmlUrl"] = outline.html_url
    if outline.version:
        attrs["version"] = outline.version
    if outline.category:
        attrs["category"] = outline.category
    etree.SubElement(parent, "outline", attrs)
