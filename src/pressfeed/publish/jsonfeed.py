"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from ..model import Article, Attribution
from .common import FeedSpec, body_with_credit, byline_parts, local, summary_of, tags_after

VERSION = "https://jsonfeed.org/version/1.1"


def _item(article: Article, spec: FeedSpec, body: str) -> dict[str, Any]:
    # built for every item of every feed: plain dict displays (no helper per field)
    tz, source = spec.tz, article.source
    summary = summary_of(article)
    section = spec.section_titles.get(article.section, article.section)
    item: dict[str, Any] = {
        "id": article.id,
        "url": article.link,
        "title": article.title,
        # one of the two must be there: an item without a body (a title-only CMS item) shows its summary, or
        # its title when it has nothing else
        **({"content_html": body} if body else {"content_text": summary or article.title}),
        **({"summary": summary} if summary else {}),
        "date_published": local(article.published, tz).isoformat(),
        "date_modified": local(article.updated, tz).isoformat(),
        "tags": [section, *tags_after(section, article)],
        "language": spec.language,
    }
    if source is not None and source.url and source.url != article.link:
        item["external_url"] = source.url
    if article.byline:
        name, email = byline_parts(article.byline)
        item["authors"] = [{"name": name, "url": f"mailto:{email}"} if email else {"name": name}]
    if (lead := article.lead_image) is not None:
        item["image"] = lead.url
    if article.images or article.attachments:
        item["attachments"] = [_attachment(*file) for file in article.files()]
    extension: dict[str, Any] = {"section": article.section}
    if article.subtitle:
        extension["subtitle"] = article.subtitle
    if source is not None:
        extension["source"] = _attribution(source, tz)
        if source.license:
            extension["license"] = source.license
    item["_pressfeed"] = extension
    return item


def _attachment(url: str, kind: str, length: int, title: str) -> dict[str, Any]:
    attachment: dict[str, Any] = {"url": url, "mime_type": kind}
    if length:
        attachment["size_in_bytes"] = length
    if title:
        attachment["title"] = title
    return attachment


def _attribution(source: Attribution, tz: tzinfo) -> dict[str, str]:
    """The agency's fields that have a value, in a fixed order."""
    published = local(source.published, tz).isoformat() if source.published else ""
    fields = (
        ("name", source.name),
        ("home_page_url", source.home),
        ("feed_url", source.feed),
        ("url", source.url),
        ("date_published", published),
        ("credit", source.credit),
    )
    return {key: value for key, value in fields if value}


def render_json(spec: FeedSpec, articles: Sequence[Article], bodies: Sequence[str] | None = None) -> bytes:
    """The JSON Feed of the items; `bodies`: their :func:`body_with_credit`, if worked out already."""
    if bodies is None:
        bodies = [body_with_credit(article) for article in articles]
    feed = {
        "version": VERSION,
        "title": spec.title,
        "home_page_url": spec.html_url,
        "feed_url": spec.json_url,
        "description": spec.description,
        "language": spec.language,
        "authors": [{"name": spec.site_title}],
        **({"icon": spec.icon, "favicon": spec.icon} if spec.icon else {}),
        **({"hubs": [{"type": "WebSub", "url": spec.hub}]} if spec.hub else {}),
        "items": [_item(a, spec, body) for a, body in zip(articles, bodies, strict=True)],
    }
    # compact: indent= switches json to its pure-Python encoder, twice as slow
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
