"""The Article record and its parts: frozen, typed, no I/O.

Every input (CMS export, agency feed entry) becomes an :class:`Article` through
:mod:`pressfeed.normalize`; the store keeps them and the publishers render them.
All datetimes here are timezone-aware UTC.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
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


@dataclass(frozen=True)  # no slots: content_hash() caches itself in __dict__
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

    def content_hash(self) -> str:
        """Hash of the content: everything but `updated` and the editorial `status`.

        Equal hashes (and status) mean "nothing to write": re-importing an
        unchanged record must not touch the store, not even its `updated` time.
        For ingested articles a changed hash is an upstream or a local edit.
        """
        cached: str | None = self.__dict__.get("_content_hash")
        if cached is None:
            data = article_to_dict(self)
            del data["updated"], data["status"]
            blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            cached = hashlib.sha256(blob.encode()).hexdigest()
            object.__setattr__(self, "_content_hash", cached)  # frozen: set once, derived only
        return cached

    def with_updated(self, when: datetime) -> Article:
        return replace(self, updated=when)


# -- serialization (store rows, `--json` output, JSON Feed extension) ---------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def article_to_dict(article: Article) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(Article):
        value = getattr(article, f.name)
        if isinstance(value, datetime):
            value = _iso(value)
        elif f.name in ("images", "attachments"):
            value = [{g.name: getattr(item, g.name) for g in fields(item)} for item in value]
        elif f.name == "tags":
            value = list(value)
        elif f.name == "status":
            value = str(value)
        elif f.name == "source" and value is not None:
            value = {g.name: getattr(value, g.name) for g in fields(Attribution)}
            if value["published"] is not None:
                value["published"] = _iso(value["published"])
        out[f.name] = value
    return out


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
    ids: tuple[str, ...] = field(default=())
