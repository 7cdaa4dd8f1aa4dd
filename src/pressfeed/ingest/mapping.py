"""An ingested item → an Article: the one normalization path, then the source's filters and dedupe keys.

Pure: the source config, the raw item and the current time in, a decision out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from ..config import Republish, SourceConfig
from ..model import Article, EncodedArticle, RawArticle, Status, encode
from ..normalize import NormalizeContext, RecordProblems, agency_key, normalize
from ..rights import source_rights
from ..sanitize import plain_text
from ..stories import copy_keys
from .keys import dedupe_keys, title_agencies, title_keys


@dataclass(frozen=True)
class Mapped:
    encoded: EncodedArticle
    keys: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    #: False when the item gave no usable date and fetch time stands in (not a real change later)
    dated: bool = True
    #: the agency the item names when the registry does not know it
    unknown_agency: str = ""
    #: what a newsroom article citing this release finds it by besides its link (pressfeed.stories): its body
    #: key (an exact copy), and its passage keys (a near copy)
    body_key: str | None = None
    passages: tuple[str, ...] = ()
    #: keys only looked up, after `keys`, never recorded for the article: its title on the days around its own
    probes: tuple[str, ...] = ()
    #: the day the item gave without a time of day (pressfeed.normalize.Normalized.day)
    day: date | None = None
    #: dated by its embargo notice (pressfeed.normalize.Normalized.noticed)
    noticed: bool = False

    @property
    def published(self) -> datetime:
        return self.encoded.published


@dataclass(frozen=True)
class Skipped:
    reason: str
    #: problems worth an operator's eye (an unusable item); a filter's choice has none
    warnings: tuple[str, ...] = field(default=())
    #: the item's date, when it had one (a filtered item still shows the feed is alive)
    published: datetime | None = None
    #: the item could not be used (not a filter's choice): its warning says why
    unusable: bool = False


def map_item(raw: RawArticle, source: SourceConfig, ctx: NormalizeContext, now: datetime) -> Mapped | Skipped:
    try:
        normalized = normalize(raw, ctx, source, now)
    except RecordProblems as exc:
        label = f"{plain_text(str(raw.title or ''))[:40]!r}"
        return Skipped(f"{label}: unusable", (f"{label}: skipped ({exc})",), unusable=True)
    article = normalized.article
    label = f"{article.title[:40]!r}"
    if source.include and not any(p.search(normalized.match_text) for p in source.include):
        return Skipped(f"{label}: not matched by include", published=article.published)
    if source.exclude and any(p.search(normalized.match_text) for p in source.exclude):
        return Skipped(f"{label}: matched by exclude", published=article.published)
    if source.max_age_days and article.published < now - timedelta(days=source.max_age_days):
        return Skipped(f"{label}: older than {source.max_age_days} days", normalized.warnings, article.published)
    warnings = normalized.warnings
    if not normalized.words.strip() and article.status is Status.PUBLISHED and _republishes_text(source, ctx, article):
        # never an empty re-publication: a title-only item waits for an editor (or its page's text)
        article = replace(article, status=Status.DRAFT)
        warnings += (f"{label}: {NO_TEXT}",)
    # by its day: an item the feed gives no date is dated at each fetch, and would gather a key a day
    agencies, day = _agency_keys(article, source, ctx), _day(article, ctx) if normalized.dated else None
    # the keys ignore whitespace: the body's words need no collapsing
    keys = dedupe_keys(source.id, raw.guid, article.link, article.title, normalized.words, agencies[0], day)
    # a joint release is each of its agencies': the other ministry's board gives its title too
    titled = (
        [title_keys(a, article.title, day) for a in title_agencies(agencies, article.title)] if day is not None else []
    )
    body, passages = copy_keys(normalized.words)
    unknown = normalized.unknown_agency
    found_by = (*keys, *(own[0] for own in titled if own))
    probes = tuple(key for own in titled for key in own[1:])
    return Mapped(
        encode(article),
        found_by,
        warnings,
        normalized.dated,
        unknown,
        body_key=body,
        passages=passages,
        probes=probes,
        day=normalized.day,
        noticed=normalized.noticed,
    )


def _day(article: Article, ctx: NormalizeContext) -> date:
    return article.published.astimezone(ctx.tz).date()


#: why a title-only item is held as a draft
NO_TEXT = "no text to republish: held as a draft (set the source's fulltext, or republish: link)"


def _agency_keys(article: Article, source: SourceConfig, ctx: NormalizeContext) -> list[str]:
    """The agencies a release is known by, the one it names first, then a joint release's others: each by its
    registry id (a former name is the same agency), else its name."""
    names = [article.source.name, *article.source.joint] if article.source is not None else [source.name]
    return [_agency_key(name, ctx) for name in names]


def _agency_key(name: str, ctx: NormalizeContext) -> str:
    entry = ctx.agencies.find(name)
    return agency_key(name) if entry is None else entry.id or agency_key(entry.name)


def _republishes_text(source: SourceConfig, ctx: NormalizeContext, article: Article) -> bool:
    agency = article.source.name if article.source is not None else ""
    return source_rights(source, ctx.agencies, agency).republish is not Republish.LINK
