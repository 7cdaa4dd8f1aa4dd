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
from json.encoder import encode_basestring
from typing import Any

from .terms import DEFAULT_CREDIT as DEFAULT_CREDIT
from .terms import ArticleFilter as ArticleFilter
from .terms import Section as Section
from .terms import Status as Status
from .terms import credit_for as credit_for
from .terms import utc_text as utc_text


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
    #: the other agencies of a joint release, as its own credit names them: their terms apply too
    joint: tuple[str, ...] = ()


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
            **({"joint": list(source.joint)} if source.joint else {}),
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


class EncodedArticle:
    """An article's stored form, encoded once: its row fields, its content JSON and the content hash.

    Large imports and ingests encode in worker processes and send back only
    this, not Article objects: the writing process stores the row as it is and
    decodes the Article from the content only when a rule needs it (merging
    with a stored version). Dates travel as their stored text. Immutable.

    The content travels between processes as the UTF-8 bytes its hash was
    computed from (:func:`encode` has them anyway): copying bytes costs a
    fraction of decoding Korean text, and the SQLite store binds the row's
    JSON as those bytes (:attr:`data_utf8`), so the writing process never
    decodes or re-encodes a body. `content` is decoded from them when asked.
    """

    __slots__ = (
        "_article",
        "_content",
        "_content_utf8",
        "_published",
        "_updated",
        "content_hash",
        "id",
        "published_text",
        "section",
        "status",
        "updated_text",
    )

    id: str
    section: str
    status: Status
    #: utc_text() of the dates, as the row stores them
    published_text: str
    updated_text: str
    content_hash: str
    _content: str | None
    _content_utf8: bytes | None
    _published: datetime | None
    _updated: datetime | None
    _article: Article | None

    def __init__(
        self,
        id: str,
        section: str,
        status: Status,
        published: datetime | str,
        updated: datetime | str,
        content: str | bytes,
        content_hash: str,
        article: Article | None = None,
    ) -> None:
        """`published` and `updated` as datetimes, or as their utc_text(); `content` as text or its UTF-8."""
        set_ = object.__setattr__
        set_(self, "id", id)
        set_(self, "section", section)
        set_(self, "status", status)
        if isinstance(published, str):
            set_(self, "published_text", published)
            set_(self, "_published", None)
        else:
            set_(self, "published_text", utc_text(published))
            set_(self, "_published", published)
        if isinstance(updated, str):
            set_(self, "updated_text", updated)
            set_(self, "_updated", None)
        else:
            set_(self, "updated_text", utc_text(updated))
            set_(self, "_updated", updated)
        if isinstance(content, bytes):
            set_(self, "_content", None)
            set_(self, "_content_utf8", content)
        else:
            set_(self, "_content", content)
            set_(self, "_content_utf8", None)
        set_(self, "content_hash", content_hash)
        set_(self, "_article", article)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"EncodedArticle is immutable: cannot set {name}")

    def __reduce__(self) -> tuple[Any, ...]:
        # plain strings and the content's bytes only: a worker's Article stays behind (the content
        # carries it), and neither side runs Python-level state functions or datetime pickling
        fields = (self.id, self.section, str(self.status), self.published_text, self.updated_text, self.content_utf8)
        return _encoded, (*fields, self.content_hash)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EncodedArticle):
            return NotImplemented
        mine = (self.content_hash, self.content, self.status, self.updated_text)
        return mine == (other.content_hash, other.content, other.status, other.updated_text)

    def __hash__(self) -> int:
        return hash((self.content_hash, self.status, self.updated_text))

    def __repr__(self) -> str:
        return f"EncodedArticle(id={self.id!r}, status={self.status!s}, content_hash={self.content_hash[:12]}…)"

    @property
    def content(self) -> str:
        """JSON of everything but `updated` and `status`: what the content hash covers."""
        value = self._content
        if value is None:
            value = self._content_utf8.decode()  # type: ignore[union-attr]  # one of the two is always set
            object.__setattr__(self, "_content", value)
        return value

    @property
    def content_utf8(self) -> bytes:
        """The content as UTF-8: the bytes the content hash is computed from."""
        value = self._content_utf8
        if value is None:
            value = self._content.encode()  # type: ignore[union-attr]  # one of the two is always set
            object.__setattr__(self, "_content_utf8", value)
        return value

    @property
    def published(self) -> datetime:
        value = self._published
        if value is None:
            value = _parse_iso(self.published_text)
            object.__setattr__(self, "_published", value)
        return value

    @property
    def updated(self) -> datetime:
        value = self._updated
        if value is None:
            value = _parse_iso(self.updated_text)
            object.__setattr__(self, "_updated", value)
        return value

    @property
    def article(self) -> Article:
        """The Article, decoded from the content the first time it is needed."""
        article = self._article
        if article is None:
            data = json.loads(self.content)
            data["updated"], data["status"] = self.updated_text, str(self.status)
            article = article_from_dict(data)
            object.__setattr__(self, "_article", article)
        return article

    @property
    def data(self) -> str:
        """The stored JSON: `updated` and `status` followed by the content.

        As ``json.dumps({"updated": …, "status": …}, separators=(",", ":"))`` joined to
        the content: both values are ASCII without characters JSON escapes.
        """
        return f'{{"updated":"{self.updated_text}","status":"{self.status}",{self.content[1:]}'

    @property
    def data_utf8(self) -> bytes:
        """:attr:`data` as UTF-8, built from the content's bytes (no text is decoded or encoded)."""
        head = f'{{"updated":"{self.updated_text}","status":"{self.status}",'.encode()
        return head + self.content_utf8[1:]

    def restamped(self, *, status: Status, updated: datetime) -> EncodedArticle:
        """The same content under another status and `updated` (neither is hashed)."""
        article = self._article
        if article is not None:
            article = replace(article, status=status, updated=updated)
        content = self._content if self._content is not None else self.content_utf8
        return EncodedArticle(
            self.id, self.section, status, self.published_text, updated, content, self.content_hash, article
        )


_STATUSES = {status.value: status for status in Status}


def _encoded(
    id: str, section: str, status: str, published: str, updated: str, content: str | bytes, content_hash: str
) -> EncodedArticle:
    """Unpickles an EncodedArticle (see EncodedArticle.__reduce__)."""
    return EncodedArticle(id, section, _STATUSES[status], published, updated, content, content_hash)


def encode(article: Article) -> EncodedArticle:
    """The content hash covers everything but `updated` and the editorial `status`.

    Equal hashes (and status) mean "nothing to write": re-importing an
    unchanged record must not touch the store, not even its `updated` time.
    For ingested articles a changed hash is an upstream or a local edit.
    """
    content = content_json(article).encode()  # the bytes the hash covers travel and are stored as they are
    return EncodedArticle(
        article.id,
        article.section,
        article.status,
        article.published,
        article.updated,
        content,
        hashlib.sha256(content).hexdigest(),
        article,
    )


#: a JSON string literal exactly as json.dumps(ensure_ascii=False) writes one (the C encoder's)
_q = encode_basestring


def content_json(article: Article) -> str:
    """The article without `updated` and `status` as JSON: what the content hash covers.

    Exactly ``json.dumps(d, ensure_ascii=False, separators=(",", ":"))`` of
    :func:`article_to_dict` without those two keys (tests/test_properties.py
    holds them equal), written field by field: building the dict and walking
    it with the generic encoder cost several times more, once per stored article.
    """
    a = article
    parts = [
        '{"id":',
        _q(a.id),
        ',"title":',
        _q(a.title),
        ',"section":',
        _q(a.section),
        ',"published":"',
        utc_text(a.published),
        '","link":',
        _q(a.link),
        ',"subtitle":',
        _q(a.subtitle),
        ',"summary":',
        _q(a.summary),
        ',"body_html":',
        _q(a.body_html),
        ',"byline":',
        _q(a.byline),
        ',"tags":[',
        ",".join(map(_q, a.tags)),
        '],"images":[',
        ",".join(map(_image_json, a.images)),
        '],"attachments":[',
        ",".join(map(_attachment_json, a.attachments)),
        '],"source":',
        "null" if a.source is None else _source_json(a.source),
        "}",
    ]
    return "".join(parts)


def _int(value: int) -> str:
    return int.__repr__(value)  # as json writes ints (and int subclasses)


def _image_json(i: Image) -> str:
    text = f'{{"url":{_q(i.url)},"type":{_q(i.type)},"length":{_int(i.length)},"caption":{_q(i.caption)}'
    if i.width:
        text += f',"width":{_int(i.width)}'
    if i.height:
        text += f',"height":{_int(i.height)}'
    return text + "}"


def _attachment_json(a: Attachment) -> str:
    return f'{{"url":{_q(a.url)},"type":{_q(a.type)},"length":{_int(a.length)},"title":{_q(a.title)}}}'


def _source_json(s: Attribution) -> str:
    published = f'"{utc_text(s.published)}"' if s.published else "null"
    text = (
        f'{{"name":{_q(s.name)},"home":{_q(s.home)},"feed":{_q(s.feed)},"url":{_q(s.url)},'
        f'"published":{published},"credit":{_q(s.credit)}'
    )
    if s.license:
        text += f',"license":{_q(s.license)}'
    if s.joint:
        text += f',"joint":[{",".join(map(_q, s.joint))}]'
    return text + "}"


def article_from_dict(data: dict[str, Any]) -> Article:
    source = data.get("source")
    attribution = None
    if source is not None:
        published = source.get("published")
        joint = tuple(source.get("joint", ()))
        attribution = Attribution(
            **{**source, "published": _parse_iso(published) if published else None, "joint": joint}
        )
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
