"""Site-level files: the OPML list of feeds (the HTML pages are in pages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from .common import FeedSpec


def render_opml(title: str, specs: Sequence[FeedSpec], updated: datetime) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateModified").text = updated.strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = etree.SubElement(root, "body")
    for spec in specs:
        # a group outline with more than `text` needs a type (validator: MissingOutlineType)
        group = etree.SubElement(body, "outline", text=spec.title)
        for kind, url in (("RSS", spec.rss_url), ("Atom", spec.atom_url), ("JSON", spec.json_url)):
            outline = etree.SubElement(
                group,
                "outline",
                type="rss",
                text=f"{spec.title} ({kind})",
                title=f"{spec.title} ({kind})",
                xmlUrl=url,
                htmlUrl=spec.html_url,
            )
            if kind == "RSS":  # OPML's version list knows RSS flavours only
                outline.set("version", "RSS2")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
