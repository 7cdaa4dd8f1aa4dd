"""The Article record and its parts: frozen, typed, no I/O.

Every input (CMS export, agency feed entry) becomes an :class:`Article` through
:mod:`pressfeed.normalize`; the store keeps them and the publishers render them.
All datetimes here are timezone-aware UTC.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    type: str = "image/jpeg"
    #: bytes; 0 when unknown (feeds must never say "None")
    length: int = 0
    caption: str = ""
    #: pixels; 0 when unknown (Media RSS and the HTML pages then leave them out)
    width: int = 0
    height: int = 0


@dataclass(frozen=True, slots=True)
class Attachment:
    """A press release's file (HWP, PDF …), published as an enclosure."""

    url: str
    type: str = "application/octet-stream"
    length: int = 0
    title: str = ""


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who the article comes from when it republishes someone else's release."""

    name: str
    home: str = ""
    #: the agency feed the item was taken from
    feed: str = ""
    #: the original item's URL (the press release page)
    url: str = ""
    #: the agency's own publication date, which may differ from the portal's
    published: datetime | None = None
    #: the credit line shown at the end of the body, e.g. "[뉴스출처 : 과학기술정보통신부]"
    credit: str = ""


@dataclass(frozen=True)  # no slots: article_record() caches itself in __dict__
class Article:
    id: str
    title: str
    section: str
    published: datetime
    updated: datetime
    link: str
    subtitle: str = ""
    summary: str = ""
    body_html: str = ""
    byline: str = ""
    tags: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    status: Status = Status.PUBLISHED
    source: Attribution | None = None

    def __post_init__(self) -> None:
        for name in ("published", "updated"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"Article.{name} must be timezone-aware")

    @property
    def lead_image(self) -> Image | None:
        return self.images[0] if self.images else None

    def files(self) -> list[tuple[str, str, int, str]]:
        """(url, type, length, title) of every image, then every attachment: the enclosures."""
        return [(i.url, i.type, i.length, i.caption) for i in self.images] + [
            (a.url, a.type, a.length, a.title) for a in self.attachments
        ]

    def content_hash(self) -> str:
        """Hash of the content: everything but `updated` and the editorial `status`.

        Equal hashes (and status) mean "nothing to write": re-importing an
        unchanged record must not touch the store, not even its `updated` time.
        For ingested articles a changed hash is an upstream or a local edit.
        """
        return article_record(self)[1]

    def with_updated(self, when: datetime) -> Article:
        return replace(self, updated=when)


# -- serialization (store rows, `--json` output, JSON Feed extension) ---------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def article_to_dict(article: Article) -> dict[str, Any]:
    source = article.source
    return {
        "id": article.id,
        "title": article.title,
        "section": article.section,
        "published": _iso(article.published),
        "updated": _iso(article.updated),
        "link": article.link,
        "subtitle": article.subtitle,
        "summary": article.summary,
        "body_html": article.body_html,
        "byline": article.byline,
        "tags": list(article.tags),
        "images": [_image_dict(i) for i in article.images],
        "attachments": [
            {"url": a.url, "type": a.type, "length": a.length, "title": a.title} for a in article.attachments
        ],
        "status": str(article.status),
        "source": None
        if source is None
        else {
            "name": source.name,
            "home": source.home,
            "feed": source.feed,
            "url": source.url,
            "published": _iso(source.published) if source.published else None,
            "credit": source.credit,
        },
    }


def _image_dict(image: Image) -> dict[str, Any]:
    data: dict[str, Any] = {"url": image.url, "type": image.type, "length": image.length, "caption": image.caption}
    # only when known: the stored form (and so the content hash) of every older article stays the same
    if image.width:
        data["width"] = image.width
    if image.height:
        data["height"] = image.height
    return data


def article_record(article: Article) -> tuple[str, str]:
    """(the article as stored JSON, its content hash), from one encoding pass.

    The content is everything but `updated` and `status`; the stored JSON is
    that same text with the two prepended, so nothing is encoded twice.
    """
    cached: tuple[str, str] | None = article.__dict__.get("_record")
    if cached is None:
        data = article_to_dict(article)
        head = {"updated": data.pop("updated"), "status": data.pop("status")}
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        stored = json.dumps(head, separators=(",", ":"))[:-1] + "," + content[1:]
        cached = stored, hashlib.sha256(content.encode()).hexdigest()
        object.__setattr__(article, "_record", cached)  # frozen: set once, derived only
    return cached


def article_from_dict(data: dict[str, Any]) -> Article:
    source = data.get("source")
    attribution = None
    if source is not None:
        published = source.get("published")
        attribution = Attribution(**{**source, "published": _parse_iso(published) if published else None})
    return Article(
        id=data["id"],
        title=data["title"],
        section=data["section"],
        published=_parse_iso(data["published"]),
        updated=_parse_iso(data["updated"]),
        link=data["link"],
        subtitle=data.get("subtitle", ""),
        summary=data.get("summary", ""),
        body_html=data.get("body_html", ""),
        byline=data.get("byline", ""),
        tags=tuple(data.get("tags", ())),
        images=tuple(Image(**i) for i in data.get("images", ())),
        attachments=tuple(Attachment(**a) for a in data.get("attachments", ())),
        status=Status(data.get("status", "published")),
        source=attribution,
    )


@dataclass(frozen=True, slots=True)
class Section:
    slug: str
    title: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    #: the section's page on the portal (feeds link to it); defaults to the site URL
    url: str = ""


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What `Store.articles()` returns: newest first."""

    section: str | None = None
    status: Status | None = None
    limit: int | None = None
    #: only items published at or before this time (embargo)
    published_before: datetime | None = None
    origin: str | None = None
