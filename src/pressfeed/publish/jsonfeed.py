"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model import Article
from .common import FeedSpec, body_with_credit, local, summary_of

VERSION = "https://jsonfeed.org/version/1.1"


def _item(article: Article, spec: FeedSpec) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article.id,
        "url": article.link,
        "title": article.title,
        "content_html": body_with_credit(article),
        "summary": summary_of(article),
        "date_published": local(article.published, spec.tz).isoformat(),
        "date_modified": local(article.updated, spec.tz).isoformat(),
        "tags": [spec.section_titles.get(article.section, article.section), *article.tags],
        "language": spec.language,
    }
    source = article.source
    if source is not None and source.url and source.url != article.link:
        item["external_url"] = source.url
    if article.byline:
        item["authors"] = [{"name": article.byline}]
    if article.lead_image is not None:
        item["image"] = article.lead_image.url
    attachments = [
        {
            "url": url,
            "mime_type": kind,
            **({"size_in_bytes": length} if length else {}),
            **({"title": title} if title else {}),
        }
        for url, kind, length, title in article.files()
    ]
    if attachments:
        item["attachments"] = attachments
    extension: dict[str, Any] = {"section": article.section}
    if article.subtitle:
        extension["subtitle"] = article.subtitle
    if source is not None:
        attribution = {
            "name": source.name,
            "home_page_url": source.home,
            "feed_url": source.feed,
            "url": source.url,
            "date_published": local(source.published, spec.tz).isoformat() if source.published else "",
            "credit": source.credit,
        }
        extension["source"] = {k: v for k, v in attribution.items() if v}
        if source.license:
            extension["license"] = source.license
    item["_pressfeed"] = extension
    return item


def render_json(spec: FeedSpec, articles: Sequence[Article]) -> bytes:
    feed = {
        "version": VERSION,
        "title": spec.title,
        "home_page_url": spec.html_url,
        "feed_url": spec.json_url,
        "description": spec.description,
        "language": spec.language,
        "authors": [{"name": spec.site_title}],
        **({"hubs": [{"type": "WebSub", "url": spec.hub}]} if spec.hub else {}),
        "items": [_item(a, spec) for a in articles],
    }
    # compact: indent= switches json to its pure-Python encoder, twice as slow
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
