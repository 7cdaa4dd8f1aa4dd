"""An agency feed entry → an :class:`Article`, through the same normalization as CMS records.

Pure: the source config, the entry and the current time in, a decision out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from ..config import SourceConfig
from ..model import Article, Attachment, Attribution, Image
from ..normalize import (
    NormalizeContext,
    absolute_url,
    body_text,
    guess_image_type,
    hashed_id,
    image_type_from_url,
    media_type,
    parse_datetime,
    plain_text,
    sanitize_html,
    shorten,
    split_credit,
)
from .keys import dedupe_keys, normalize_link
from .parse import EntryData, MediaData

#: clock skew we accept before calling an entry date "in the future"
FUTURE_SKEW = timedelta(minutes=10)
#: further ahead than this a date is garbage (year 9999), not an early release: the entry is undated
FAR_FUTURE = timedelta(days=366)
_AGENCY_PREFIX = re.compile(r"^\s*\[([^\]]{2,30})\]\s*")
_FIRST_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.IGNORECASE)


@dataclass(frozen=True)
class Mapped:
    article: Article
    keys: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    #: False when the feed gave no usable date and fetch time stands in (not a real change later)
    dated: bool = True


@dataclass(frozen=True)
class Skipped:
    reason: str
    warnings: tuple[str, ...] = field(default=())


def map_entry(
    entry: EntryData, source: SourceConfig, ctx: NormalizeContext, now: datetime, feed_url: str = ""
) -> Mapped | Skipped:
    warnings: list[str] = []
    title_raw, agency = _agency(entry.title, source)
    title = plain_text(title_raw)
    if not title:
        return Skipped("entry without a title")
    link = absolute_url(entry.link, entry.base or feed_url) if entry.link else ""
    if not link.startswith(("http://", "https://")):
        return Skipped(f"{title[:40]!r}: no usable link")
    body = sanitize_html(entry.content or entry.summary, entry.base if not entry.link else link)
    body, _ = split_credit(body)
    summary = plain_text(entry.summary) if entry.content and entry.summary else ""
    text_of_body = body_text(body)  # once: filters, summary and the content key all use it
    text = f"{title}\n{summary or text_of_body}"
    if source.include and not any(p.search(text) for p in source.include):
        return Skipped(f"{title[:40]!r}: not matched by include")
    if any(p.search(text) for p in source.exclude):
        return Skipped(f"{title[:40]!r}: matched by exclude")
    section = _section(text, source)
    if section is None:
        return Skipped(f"{title[:40]!r}: no section rule matched")
    when, dated = _date(entry, ctx, now, warnings, title)
    if source.max_age_days and when < now - timedelta(days=source.max_age_days):
        return Skipped(f"{title[:40]!r}: older than {source.max_age_days} days", tuple(warnings))
    images, attachments = _media(entry, body, link)
    updated = _updated(entry, ctx, when, now)
    name = agency or source.name
    article = Article(
        id=_entry_id(entry, source, link, ctx),
        title=title,
        section=section,
        published=when,
        updated=updated,
        link=link,
        summary=summary or shorten(text_of_body, ctx.summary_length),
        body_html=body,
        byline=plain_text(source.byline),
        tags=tuple(dict.fromkeys(plain_text(t) for t in entry.tags if plain_text(t))),
        images=images,
        attachments=attachments,
        status=source.status,
        source=Attribution(
            name=name,
            home=source.home if not agency else "",
            feed=feed_url if feed_url.startswith(("http://", "https://")) else "",
            url=link,
            published=when,
            credit=source.credit.replace("{name}", name),
        ),
    )
    keys = tuple(dedupe_keys(source.id, entry.guid, link, title, text_of_body))
    return Mapped(article, keys, tuple(warnings), dated)


def _agency(title: str, source: SourceConfig) -> tuple[str, str]:
    """Combined feeds name the ministry in the title: "[외교부] 제목" → ("제목", "외교부")."""
    if not source.agency_from_title:
        return title, ""
    match = _AGENCY_PREFIX.match(plain_text(title))
    if not match:
        return title, ""
    return plain_text(title)[match.end() :], match.group(1).strip()


def _section(text: str, source: SourceConfig) -> str | None:
    for rule in source.rules:
        if rule.match.search(text):
            return rule.section
    return source.section


def _entry_id(entry: EntryData, source: SourceConfig, link: str, ctx: NormalizeContext) -> str:
    """tag: URI from the source and its guid; without a guid, from the normalized link."""
    if entry.guid:
        return hashed_id(ctx.tag_authority, f"source/{source.id}", entry.guid.strip())
    return hashed_id(ctx.tag_authority, "link", normalize_link(link))


def _parse(raw: str, parsed: tuple[int, ...] | None, ctx: NormalizeContext) -> datetime | None:
    if raw:
        try:
            # naive agency dates are KST; feedparser would take them as UTC
            return parse_datetime(raw.replace(" KST", " +0900"), ctx.tz)
        except ValueError:
            pass
    if parsed:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def _date(
    entry: EntryData, ctx: NormalizeContext, now: datetime, warnings: list[str], title: str
) -> tuple[datetime, bool]:
    """The entry's date, and whether the feed really gave it (else fetch time stands in)."""
    when = _parse(entry.published, entry.published_parsed, ctx) or _parse(entry.updated, entry.updated_parsed, ctx)
    if when is None:
        given = (entry.published or entry.updated).strip()
        reason = f"unusable date {given[:40]!r}" if given else "no usable date"
        warnings.append(f"{title[:40]!r}: {reason}, dated at fetch time")
        return now, False
    if when > now + FAR_FUTURE:
        warnings.append(f"{title[:40]!r}: implausible date {when.isoformat()}, dated at fetch time")
        return now, False
    if when > now + FUTURE_SKEW:
        warnings.append(f"{title[:40]!r}: date {when.isoformat()} is in the future, clamped to now")
        return now, False
    return when, True


def _updated(entry: EntryData, ctx: NormalizeContext, published: datetime, now: datetime) -> datetime:
    updated = _parse(entry.updated, entry.updated_parsed, ctx) if entry.updated else None
    if updated is None or updated < published:
        return published
    return min(updated, now)


def _media(entry: EntryData, body: str, link: str) -> tuple[tuple[Image, ...], tuple[Attachment, ...]]:
    images: list[Image] = []
    attachments: list[Attachment] = []
    seen: set[str] = set()

    def add(item: MediaData) -> None:
        url = absolute_url(item.url, entry.base or link) if item.url else ""
        if not url or url in seen:
            return
        seen.add(url)
        kind = media_type(item.type) or image_type_from_url(url) or ""
        if kind.startswith("image/") or item.type.strip().lower() == "image":  # Media RSS medium="image"
            images.append(Image(url, kind or guess_image_type(url), item.length, plain_text(item.title)))
        else:
            attachments.append(Attachment(url, kind or "application/octet-stream", item.length, plain_text(item.title)))

    for item in (*entry.enclosures, *entry.media):
        add(item)
    if not images:
        match = _FIRST_IMG.search(body)
        if match:
            add(MediaData(url=match.group(1).replace("&amp;", "&"), type=guess_image_type(match.group(1))))
    return tuple(images), tuple(attachments)


def with_id(article: Article, article_id: str) -> Article:
    # the same object when nothing changes, so its cached stored form (article_record) survives
    return article if article.id == article_id else replace(article, id=article_id)
