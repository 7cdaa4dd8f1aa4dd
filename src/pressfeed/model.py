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

#: the portal's credit convention, "[뉴스출처 : 기관명]", as a template over the agency's name
DEFAULT_CREDIT = "[뉴스출처 : {name}]"


def credit_for(name: str, template: str = DEFAULT_CREDIT) -> str:
    """The credit line for an agency: the template with its name filled in."""
    return template.replace("{name}", name)


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
    #: the terms the text is republished under, e.g. KOGL-1 (공공누리 제1유형)
    license: str = ""


@dataclass(frozen=True, slots=True)
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
        """Hash of everything but `updated` and `status` (see :func:`encode`)."""
        return encode(self).content_hash


# -- serialization (store rows, `--json` output, JSON Feed extension) ---------


def utc_text(value: datetime) -> str:
    """The one text form of a time in the store and in `--json`; refuses naive datetimes."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r} cannot be stored")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def article_to_dict(article: Article) -> dict[str, Any]:
    source = article.source
    return {
        "id": article.id,
        "title": article.title,
        "section": article.section,
        "published": utc_text(article.published),
        "updated": utc_text(article.updated),
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
            "published": utc_text(source.published) if source.published else None,
            "credit": source.credit,
            # only when given: the stored form (and the content hash) of every other article stays the same
            **({"license": source.license} if source.license else {}),
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


@dataclass(frozen=True, slots=True)
class EncodedArticle:
    """An article with its stored form and content hash, encoded once.

    Large imports and ingests encode in worker processes; the encoding travels
    back with the article, so the writing process never encodes it again.
    """

    article: Article
    #: JSON of everything but `updated` and `status`: what the content hash covers
    content: str
    content_hash: str

    @property
    def data(self) -> str:
        """The stored JSON: `updated` and `status` followed by the content."""
        head = json.dumps(
            {"updated": utc_text(self.article.updated), "status": str(self.article.status)}, separators=(",", ":")
        )
        return head[:-1] + "," + self.content[1:]

    def restamped(self, *, status: Status, updated: datetime) -> EncodedArticle:
        """The same content under another status and `updated` (neither is hashed)."""
        return EncodedArticle(replace(self.article, status=status, updated=updated), self.content, self.content_hash)


def encode(article: Article) -> EncodedArticle:
    """The content hash covers everything but `updated` and the editorial `status`.

    Equal hashes (and status) mean "nothing to write": re-importing an
    unchanged record must not touch the store, not even its `updated` time.
    For ingested articles a changed hash is an upstream or a local edit.
    """
    data = article_to_dict(article)
    del data["updated"], data["status"]
    content = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return EncodedArticle(article, content, hashlib.sha256(content.encode()).hexdigest())


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


# -- records in: what parsers produce, before normalization ---------------------


class InputKind(StrEnum):
    """Where a raw record comes from; decides how strict normalization is."""

    #: a CMS export record: every problem is an error, nothing of the file is imported
    CMS = "cms"
    #: an agency feed entry, API item or extracted page: problems skip the item with a warning
    SOURCE = "source"


@dataclass(frozen=True, slots=True)
class RawMedia:
    """An image or file as the input names it; normalization checks and resolves it."""

    url: Any
    type: Any = ""
    length: Any = 0
    #: an image's caption, a file's title
    title: Any = ""


@dataclass(frozen=True)
class RawArticle:
    """One input record before normalization: the raw values and where they came from.

    Every input (CMS export record, feed entry, press-release API item, a page's
    extracted text) becomes one of these; :func:`pressfeed.normalize.normalize`
    is the one function that turns it into an :class:`Article`. Values are as
    the input gave them (Any: an export may hold a number where text belongs).
    """

    kind: InputKind
    title: Any
    link: Any = None
    #: an explicit id (CMS records)
    id: Any = None
    #: the entry's guid (ingested items); the id derives from it and the source
    guid: str = ""
    #: what a relative link resolves against (the feed's xml:base or URL; the site for CMS records)
    base: str = ""
    #: what relative image and file URLs resolve against when not the link (a feed's xml:base)
    media_base: str = ""
    subtitle: Any = None
    summary: Any = None
    body_html: Any = None
    #: a section name as the input gives it (CMS); ingested items get theirs from the source's rules
    section: Any = None
    #: a date, datetime or string; feeds also give the parser's time tuple as a fallback
    published: Any = None
    updated: Any = None
    published_parsed: tuple[int, ...] | None = None
    updated_parsed: tuple[int, ...] | None = None
    #: not to be published before this (press-release embargo); the article is dated at it when later
    embargo: Any = None
    byline: Any = None
    tags: Any = None
    images: Any = None
    attachments: Any = None
    #: media whose kind (image or file) comes from their type (feed enclosures)
    media: tuple[RawMedia, ...] = ()
    status: Any = None
    #: a CMS record's own attribution mapping
    source: Any = None
    #: the agency as the item itself names it (combined feeds, the press-release API)
    agency: str = ""
    #: the feed or API the item came from (ingested items)
    feed_url: str = ""
    #: field names the input has that an Article has not (CMS records)
    unknown_fields: tuple[str, ...] = ()
