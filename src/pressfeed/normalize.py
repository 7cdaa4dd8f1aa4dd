"""Pure functions that turn raw input into clean :class:`Article` records.

Every input goes through :func:`normalize`: CMS export records and, via
:mod:`pressfeed.ingest.mapping`, agency feed entries. Each rule is a small
function so it can be tested on its own; the rules for text, body HTML, URLs,
credit lines and dates live in :mod:`pressfeed.text`, :mod:`pressfeed.sanitize`,
:mod:`pressfeed.urls`, :mod:`pressfeed.credits` and :mod:`pressfeed.dates`.
Here: ids, a record's fields, and :func:`normalize`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .context import INVISIBLE, name_key

# the site's registries and context live in .context (a run that normalizes nothing imports only that);
# they are named here too, where normalization's users have always found them
from .context import Agencies as Agencies
from .context import NormalizeContext as NormalizeContext
from .context import Sections as Sections
from .context import agency_key as agency_key
from .context import section_key as section_key
from .credits import split_credit, without_copyright
from .dates import EARLIEST, parse_datetime
from .embargo import drop_title_lines, notice_embargo, split_embargo_notice
from .errors import RecordError
from .filetypes import guess_image_type, image_type_from_url, media_type_for_name
from .model import (
    Article,
    Attachment,
    Attribution,
    Image,
    InputKind,
    RawArticle,
    RawMedia,
    Status,
    credit_for,
)
from .sanitize import body_words, placeholder_image, plain_text, sanitize_html
from .terms import CMS_CLOCK_SKEW, credit_agencies, credit_agency
from .text import clean_text, collapse_space, shorten, summary_of
from .urls import absolute_url, guid_identity, has_userinfo, normal_uri, normalize_link, without_session
from .yamlfile import value_kind

if TYPE_CHECKING:
    from .config import AgencyConfig, SourceConfig

# -- ids ----------------------------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9._~:/@!$&'()*+,;=-]+$")
#: the characters of a URI in an id, %-escapes well-formed: RFC 3986's but "[" and "]", which the W3C
#: validator refuses in an id (RFC 2396's characters); an id is published as written, as atom:id and guid
_URI_CHARS = r"(?:[A-Za-z0-9._~:/?#@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})"
#: a URN's name as the validator takes it (RFC 2141): no "/", "?", "#", "&" or "~"
_URN_CHARS = r"(?:[A-Za-z0-9()+,.:=@;$_!*'-]|%[0-9A-Fa-f]{2})"
#: ids a CMS may give as URIs, each checked by its own syntax (an invalid one makes the Atom feed invalid)
_URI_ID = {
    # RFC 4151: tag:authority,date:specific, the authority a DNS name or an e-mail address, in lower case
    "tag": re.compile(rf"^tag:(?:[a-z0-9._-]+@)?[a-z0-9.-]+,\d{{4}}(?:-\d{{2}}){{0,2}}:{_URI_CHARS}*$"),
    # RFC 8141: urn:NID:NSS, the namespace id 2-32 letters, digits and hyphens
    "urn": re.compile(rf"^urn:[A-Za-z0-9][A-Za-z0-9-]{{1,31}}:{_URN_CHARS}+$"),
    "http": re.compile(rf"^http://[A-Za-z0-9.-]+(?::\d+)?(?:/{_URI_CHARS}*)?$"),
    "https": re.compile(rf"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/{_URI_CHARS}*)?$"),
}
_URI_ID_FORM = {
    "tag": "tag: URI (tag:example.kr,2025:article/1, RFC 4151: the authority in lower case, no [ ] after it)",
    "urn": "URN (urn:namespace:name, RFC 8141, the name without / ? # & ~ [ ], which feed validators refuse)",
    "http": "http URL (percent-encode spaces, [ ] and non-ASCII characters)",
    "https": "https URL (percent-encode spaces, [ ] and non-ASCII characters)",
}


def make_id(raw_id: Any, link: str, authority: str) -> str:
    """A stable Atom/RSS id: a URI as given, a CMS number as a tag: URI (RFC 4151).

    Without an id the permalink is the id, in its normal form (the validator warns of `:443` or `%7e` in an
    id); it must never change after publication: an article stored under the link as published before ids
    were put in normal form keeps that id (the import looks it up: :func:`legacy_link_ids`).
    """
    if raw_id is None or raw_id == "":
        if not link:
            raise RecordError("id", "required when there is no link")
        if len(link) > MAX_ID_LENGTH:  # the link would be the guid, in every feed
            raise RecordError("id", f"required when the link is longer than {MAX_ID_LENGTH} characters (the guid)")
        return normal_uri(link)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise RecordError("id", "must be a string or a number")
    text = clean_text(str(raw_id)).strip()
    if len(text) > MAX_ID_LENGTH:
        message = (
            f"{len(text):,} characters, more than the {MAX_ID_LENGTH} allowed (it is the article's guid in every feed)"
        )
        raise RecordError("id", message)
    scheme = re.match(r"^(tag|urn|https?):", text)
    if scheme:
        if not _URI_ID[scheme.group(1)].match(text):
            raise RecordError("id", f"{text!r} is no valid {_URI_ID_FORM[scheme.group(1)]}")
        normal = normal_uri(text)
        if normal != text:
            raise IdNotNormal(text, normal)
        return text
    if not _TOKEN.match(text):
        raise RecordError("id", f"{text!r} may use only URL-safe characters")
    return f"tag:{authority}:article/{text}"


class IdNotNormal(RecordError):
    """A CMS record's URI id that is not in its normal form: refused, as the validator refuses it in a feed."""

    def __init__(self, given: str, normal: str) -> None:
        self.given, self.normal = given, normal
        message = f"{given!r} is not in its normal form (RFC 3986): write {normal!r}, as feed readers compare ids"
        super().__init__("id", message)

    @property
    def taken_before(self) -> bool:
        """Versions before took it as it was (they kept dot segments): an article stored under it keeps it, as
        readers know it by it (the import looks it up)."""
        return normal_uri(self.given, dot_segments=True) == self.given


def legacy_link_ids(article: Article, raw_id: Any) -> tuple[str, ...]:
    """The ids a CMS article without an id of its own had in versions before, when they differ from its id
    now: its link as published (before ids were put in normal form), then its normal form with dot segments
    (before those went). An article stored under one keeps it."""
    if (raw_id is not None and raw_id != "") or not article.link:
        return ()
    earlier = (article.link, normal_uri(article.link, dot_segments=True))
    return tuple(dict.fromkeys(i for i in earlier if i != article.id))


def _summary(raw: RawArticle, base: str, notice: str) -> str:
    """The summary given, as plain text; without the embargo notice its body opened with (a feed's summary
    is often the body's first lines)."""
    given = _str(raw.summary, "summary")
    if not (notice and given):
        return plain_text(given)
    summary = plain_text(split_embargo_notice(sanitize_html(given, base))[0])
    for line in notice.split(" / "):  # a plain-text description runs the notice into its first words
        summary = summary.removeprefix(line).lstrip()
    return summary


def hashed_id(authority: str, kind: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"tag:{authority}:{kind}/{digest}"


#: a CMS id longer than this (in characters, after cleaning) is refused: it is the article's guid in every
#: feed, sent to every subscriber at every poll. (An ingested item's id is a hash of its guid: always short.)
MAX_ID_LENGTH = 200
#: a title longer than this (in characters, after cleaning) is cut, with "…": a press release's runs to
#: 150 at most, and a hostile feed's 1 MB title would go into the store and every feed
MAX_TITLE_LENGTH = 300
#: files and images an ingested item may bring (its enclosures, Media RSS, an API item's FileUrls): a release
#: has a few, a photo story a few dozen; a hostile feed's 10,000 would each be published in every feed
MAX_MEDIA = 50
#: categories an ingested item may bring: each is published in every feed the item is in
MAX_TAGS = 50

# -- records ------------------------------------------------------------------


RECORD_FIELDS = frozenset(
    {
        "id",
        "title",
        "subtitle",
        "summary",
        "body_html",
        "section",
        "published",
        "updated",
        "byline",
        "link",
        "tags",
        "images",
        "attachments",
        "status",
        "source",
    }
)
SOURCE_FIELDS = frozenset({"name", "home", "feed", "url", "published", "credit", "license"})
#: clock skew we accept before calling an ingested item's date "in the future"
FUTURE_SKEW = timedelta(minutes=10)
#: further ahead than this a date is garbage (year 9999), not an early release: the item is undated
FAR_FUTURE = timedelta(days=366)
#: an embargo notice no time can be read from holds a release this recent (older, it has passed)
NOTICE_HOLDS = timedelta(days=7)
_AGENCY_PREFIX = re.compile(r"^\s*\[([^\]]{2,30})\]\s*")
_FIRST_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.IGNORECASE)


class RecordProblems(RecordError):
    """Every problem of one record, so the user can fix them in one pass."""

    def __init__(self, problems: list[RecordError]) -> None:
        self.problems = problems
        super().__init__(problems[0].field, problems[0].message)
        self.args = ("; ".join(str(p) for p in problems),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Normalized:
    """An input record as an Article, with what the ingest rules need beside it."""

    article: Article
    #: the body's text as body_words() gives it (whitespace not collapsed; the content and body keys
    #: ignore it); `text` is the collapsed form
    words: str
    #: the summary the input gave ("" when it was derived from the body)
    given_summary: str = ""
    #: False when the input gave no usable date and `now` stands in for it
    dated: bool = True
    warnings: tuple[str, ...] = ()
    #: the agency the item names when the registry does not know it (for `sources check`)
    unknown_agency: str = ""
    #: the day an ingested item gave without a time of day (a board's "2025-11-08 00:00:00.0"): on that
    #: day the fetch time stands in for the midnight it says
    day: date | None = None
    #: its date is the one its embargo notice names (a board's release, held until then)
    noticed: bool = False

    @cached_property
    def text(self) -> str:
        """The body as plain text (body_text())."""
        return collapse_space(self.words)

    @cached_property
    def match_text(self) -> str:
        """What a source's section rules and include/exclude filters match: the title and the given
        summary, else the body text."""
        return f"{self.article.title}\n{self.given_summary or self.text}"


class _Collector:
    """Runs each field's rule, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[RecordError] = []

    def __call__(self, name: str, rule: Callable[[], Any], default: Any = None) -> Any:
        try:
            return rule()
        except RecordError as exc:
            self.problems.append(exc)
        except (ValueError, TypeError) as exc:
            self.problems.append(RecordError(name, str(exc)))
        return default


def normalize(
    raw: RawArticle, ctx: NormalizeContext, source: SourceConfig | None = None, now: datetime | None = None
) -> Normalized:
    """The one path from any input record to an Article; raises RecordProblems.

    CMS records must be complete and correct: every problem is collected and
    raised together (given `now`, an `updated` in the future is one). Ingested
    items (a feed entry, an API item, a page's text) take what their `source`
    decides (section rules, byline, credit, status) and are lenient where
    agencies are sloppy: a missing date becomes `now` with a warning and a
    future one is clamped to it.
    """
    field = _Collector()
    for name in raw.unknown_fields:
        field.problems.append(RecordError(name, f"unknown field (allowed: {', '.join(sorted(RECORD_FIELDS))})"))
    title_raw, agency = _agency(raw, source)
    # the registry entry of the item's own agency, else of its source's
    registered = ctx.agencies.find(agency) if agency else ctx.agencies.find(source.name) if source else None
    link = field("link", lambda: _link(raw.link, raw.base or ctx.site_url, strict=raw.kind is InputKind.CMS), "")
    base = link or raw.base or ctx.site_url
    title = field("title", lambda: _required_text(title_raw, "title"), "")
    if raw.kind is not InputKind.CMS:  # a board's "[보도자료] …": how it lists a release, not its title
        from .ingest.keys import without_release_label  # (not a CMS record's rule: not in imports' code stamp)

        title = without_release_label(title)
    if len(title) > MAX_TITLE_LENGTH:
        warnings: list[str] = [f"{title[:40]!r}: title of {len(title):,} characters cut to {MAX_TITLE_LENGTH}"]
        title = shorten(title, MAX_TITLE_LENGTH - 1)  # between words when it can; "…" is the last character
    else:
        warnings = []
    if link and has_userinfo(raw.link):  # (an ingested item's: a CMS record's is refused)
        warnings.append(f"{title[:40]!r}: its link's user name and password dropped")
    body = field("body_html", lambda: sanitize_html(_str(raw.body_html, "body_html"), base), "")
    body, credit = split_credit(body)
    notice = ""
    if raw.kind is not InputKind.CMS:  # an agency's page's title and notice to the press; a newsroom's text is its own
        body, notice = split_embargo_notice(drop_title_lines(body, title))
    words = body_words(body)
    summary = field("summary", lambda: _summary(raw, base, notice), "")

    def match_text() -> str:  # only source rules need it
        return f"{title}\n{summary or collapse_space(words)}"

    section = field("section", lambda: _section(raw.section, ctx.sections, source, match_text, agency, registered), "")
    published, updated, dated, embargoed, day, noticed = _dates(raw, ctx, now, field, warnings, title, notice)
    status = field("status", lambda: _status(raw.status, source), Status.PUBLISHED)
    if embargoed:
        status = Status.DRAFT
    attribution = field(
        "source",
        lambda: _attribution(raw, source, agency, registered, credit, base, link, published, ctx),
    )
    # a bad link is one problem, not three (link, "link required", "id needs a link")
    link_given = raw.link not in (None, "")
    article_id = field("id", lambda: _article_id(raw, source, link or ("-" if link_given else ""), ctx), "")
    images, attachments = _media(raw, raw.media_base or base, body, field, warnings, title)
    tags = field("tags", lambda: _tags(raw.tags), ())
    if len(tags) > MAX_TAGS and raw.kind is not InputKind.CMS:  # (an editor's own tags are the editor's)
        warnings.append(f"{title[:40]!r}: {len(tags):,} categories, the first {MAX_TAGS} kept")
        tags = tags[:MAX_TAGS]
    subtitle = field("subtitle", lambda: plain_text(_str(raw.subtitle, "subtitle")), "")
    byline = field("byline", lambda: plain_text(_str(raw.byline, "byline") or (source.byline if source else "")), "")
    if not link_given:
        field.problems.append(RecordError("link", "required (the article's URL on the portal)"))
    if field.problems:
        raise RecordProblems(field.problems)
    if updated is None or updated < published:
        updated = published
    article = Article(
        id=article_id,
        title=title,
        subtitle=subtitle,
        summary=summary or summary_of(without_copyright(words), ctx.summary_length),
        body_html=body,
        section=section,
        published=published,
        updated=updated,
        byline=byline,
        link=link,
        tags=tags,
        images=images,
        attachments=attachments,
        status=status,
        source=attribution,
    )
    unknown = agency if agency and registered is None else ""
    return Normalized(article, words, summary, dated, tuple(warnings), unknown, day, noticed)


def _dates(
    raw: RawArticle,
    ctx: NormalizeContext,
    now: datetime | None,
    field: _Collector,
    warnings: list[str],
    title: str,
    notice: str = "",
) -> tuple[Any, Any, bool, bool, date | None, bool]:
    """(published, updated, whether the input gave a date, whether an unreadable embargo holds the item, the
    day it gave without a time, whether the date is its notice's): strict for CMS records, lenient for
    ingested items.

    An ingested item's embargo is its own field's (the press-release API's), else the one its body's notice
    names (`notice`, "※ 이 자료는 11월 30일(월) 12:00 이후 보도하여 주시기 바랍니다."): a board gives no other,
    and publishing the release while dropping the notice broke it unseen. An unreadable one holds only a
    recent item: on a release weeks old it has passed."""
    if raw.kind is InputKind.CMS:
        published = field("published", lambda: _date(raw.published, "published", ctx.tz, required=True))
        updated = field("updated", lambda: _cms_updated(raw.updated, ctx.tz, published, now))
        return published, updated, True, False, None, False
    assert now is not None, "ingested items need the current time"
    published, dated, ahead = _entry_date(raw, ctx, now, warnings, title)
    day = _day_only(published, ctx.tz) if dated else None
    given, noticed = str(raw.embargo or "").strip(), False
    if given:
        embargo, unreadable = _entry_time(raw.embargo, None, ctx.tz), f"embargo {given!r} could not be read"
    else:
        posted = dated or ahead is not None  # else `published` is the fetch's time, not the posting's
        embargo = notice_embargo(notice, ahead or published, ctx.tz, posted) if notice else None
        unreadable = f"embargo notice {notice!r} names no time that can be read"
    if ahead is not None and (embargo is None or embargo < ahead):
        warnings.append(f"{title[:40]!r}: date {ahead.isoformat()} is in the future, clamped to now")
    if embargo is not None and embargo > published:  # not clamped: a future embargo is the point
        published, dated, day, noticed = embargo, True, None, not given
    # fail closed: an embargo given but nobody can read may not have passed (a notice on an old release has)
    unread = embargo is None and (given != "" or (notice != "" and published > now - NOTICE_HOLDS))
    if unread:
        warnings.append(f"{title}: {unreadable}: held as a draft")
    if day is not None and day == now.astimezone(ctx.tz).date():
        published = now  # its day's midnight would sort it below what came out earlier that day
    return published, _entry_updated(raw, ctx, published, now), dated, unread, day, noticed


def _day_only(when: datetime, tz: tzinfo) -> date | None:
    """The day of a date that is its day's midnight in the site's zone: a day without a time of day.

    Boards that keep a release's date in a DATE column write it so ("2025-11-08 00:00:00.0"), and so do
    feeds that give a day alone; readers would show such an item at 00:00, below the releases of that
    morning. A release embargoed to midnight is rare, and fetched then, it is dated within minutes of it.
    """
    local = when.astimezone(tz)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date()


def _media(
    raw: RawArticle, base: str, body: str, field: _Collector, warnings: list[str], title: str
) -> tuple[tuple[Image, ...], tuple[Attachment, ...]]:
    """A record's own image and file lists (strict), then media typed by their type (lenient)."""
    images = field("images", lambda: _images(raw.images, base), ())
    attachments = field("attachments", lambda: _attachments(raw.attachments, base), ())
    media = raw.media
    if len(media) > MAX_MEDIA:  # each would be an enclosure or attachment of every feed the item is in
        warnings.append(f"{title[:40]!r}: {len(media):,} media files, the first {MAX_MEDIA} kept")
        media = media[:MAX_MEDIA]
    if media or raw.kind is not InputKind.CMS:
        images, attachments = _classified(media, base, body, images, attachments)
    return images, attachments


def _agency(raw: RawArticle, source: SourceConfig | None) -> tuple[Any, str]:
    """(the title, the agency the item names): "[외교부] 제목" in combined feeds, or the item's own field."""
    if raw.agency or source is None or not source.agency_from_title or not isinstance(raw.title, str):
        return raw.title, plain_text(raw.agency)
    title = plain_text(raw.title)
    match = _AGENCY_PREFIX.match(title)
    if not match or _is_kind_label(match.group(1)):
        return raw.title, ""
    return title[match.end() :], match.group(1).strip()


#: what a bracketed title prefix names when it names no agency: the kind of item ("[설명자료] …", "[사진] …")
# fmt: off
_KIND_LABELS = frozenset({
    "보도", "설명", "해명", "참고", "보도참고", "보도해명", "보도설명", "알림", "공지",
    "안내", "공고", "사진", "포토", "영상", "동영상", "속보", "단독", "인사",
    "부고", "동정", "기고", "칼럼", "사설", "인터뷰", "카드뉴스", "인포그래픽", "브리핑",
    "정책브리핑", "일정", "행사", "채용", "입찰", "정정", "반론보도", "알려드립니다", "팩트체크",
    "보도계획", "주간계획", "모두발언", "연설문", "보도일정",
})
# fmt: on


def _is_kind_label(prefix: str) -> bool:
    """A label of the item's kind, not an agency: one listed, any "…자료", or one with a number ("2025 국정감사")."""
    key = name_key(prefix).replace(" ", "")
    return key in _KIND_LABELS or key.endswith("자료") or any(c.isdigit() for c in key)


def ingested_id(raw: RawArticle, source: SourceConfig, ctx: NormalizeContext) -> str | None:
    """The id an ingested item will have, before it is normalized; None when its link is unusable."""
    known = ingested_identity(raw, source, ctx)
    return known[0] if known is not None else None


def ingested_identity(raw: RawArticle, source: SourceConfig, ctx: NormalizeContext) -> tuple[str, str] | None:
    """The id and the link (absolute: a board's are often relative) an ingested item will have, before it is
    normalized; None when its link is unusable."""
    try:
        link = _link(raw.link, raw.base or ctx.site_url)
        return (_article_id(raw, source, link, ctx), link) if link else None
    except RecordError:
        return None


def _article_id(raw: RawArticle, source: SourceConfig | None, link: str, ctx: NormalizeContext) -> str:
    """A CMS record's own id (:func:`make_id`); for ingested items a tag: URI from the source and its guid.

    An ingested item without a guid is known by its normalized link, so the
    same release reached over http/https or www./m. gets the same id.
    """
    if raw.kind is InputKind.CMS or source is None:
        return make_id(raw.id, link, ctx.tag_authority)
    if raw.guid.strip():
        return hashed_id(ctx.tag_authority, f"source/{source.id}", guid_identity(raw.guid))
    return hashed_id(ctx.tag_authority, "link", normalize_link(link))


def _str(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        quote = " (put it in quotes)" if isinstance(value, bool | date) else ""
        raise RecordError(name, f"must be text, not {value_kind(value)}{quote}")
    return str(value)


def _required_text(value: Any, name: str) -> str:
    text = plain_text(_str(value, name))
    if not text or not text.translate(INVISIBLE).strip():
        raise RecordError(name, "required and must not be empty")
    return text


def _link(value: Any, base: str, *, strict: bool = False) -> str:
    """The item's link; `strict` (a CMS record's) is read as :func:`_cms_url` reads any, so a user name or
    password in it is an error, which an ingested item's loses."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise RecordError("link", "must be a URL string")
    if strict:
        return without_session(_cms_url(value, base, "link"))
    url = absolute_url(value, base)
    if not url.startswith(("http://", "https://")):
        # (an item's base is its feed's xml:base or link, else the source's home: a board's feed may give none)
        relative = not base.startswith(("http://", "https://")) and not urlsplit(value).scheme
        why = " (a relative link: give the source a home to resolve it against)" if relative else ""
        raise RecordError("link", f"{value!r} is not an http(s) URL{why}")
    return without_session(url)


def _cms_url(value: Any, base: str, name: str) -> str:
    """A CMS record's URL (link, source URLs, images, attachments) as published: absolute, http(s), without
    a user name or password (every subscriber would get them; the message shows where, not what).

    A CMS that stores its URLs HTML-escaped exports "…?idxno=1&amp;page=2", and no page names a parameter
    "amp;page": left, the link is broken and its `source.url` matches no release's link. So `&amp;` is read
    as `&`. (An ingested item's come through feedparser, unescaped.)
    """
    given = str(value)
    given = given.replace("&amp;", "&") if "&amp;" in given else given
    url = absolute_url(given, base)
    if not url.startswith(("http://", "https://")):  # (a mailto: link is no file, nor an article)
        raise RecordError(name, f"{value!r} is not an http(s) URL")
    if has_userinfo(given):
        masked = url.replace("://", "://***@", 1)
        raise RecordError(
            name, f"{_shown(masked)} has a user name or password in it: remove them (the URL is published)"
        )
    return url


def _section(
    value: Any,
    sections: Sections,
    source: SourceConfig | None,
    text: Callable[[], str],
    agency: str,
    registered: AgencyConfig | None,
) -> str:
    """A CMS record names its section. An ingested item takes the first of: its source's first matching
    rule, its own agency's section in the registry, its source's section, the source's agency's section.
    """
    if source is None or value not in (None, ""):
        if not isinstance(value, str) or not value.strip():
            raise RecordError("section", "required")
        slug = sections.resolve(clean_text(value))
        if slug is None:
            raise RecordError("section", f"unknown section {value!r} (see `pressfeed sections`)")
        return slug
    for rule in source.rules:
        if rule.match.search(text()):
            return rule.section
    registry_section = registered.section if registered is not None else None
    found = (registry_section if agency else None) or source.section or registry_section
    if found is None:
        raise RecordError("section", "no section rule matched, and neither the source nor the agency has a section")
    return found


def _date(value: Any, name: str, tz: tzinfo, *, required: bool) -> datetime | None:
    if value is None or value == "":
        if required:
            raise RecordError(name, "required")
        return None
    try:
        return parse_datetime(value, tz)
    except ValueError as exc:
        raise RecordError(name, str(exc)) from None


def _cms_updated(value: Any, tz: tzinfo, published: datetime | None, now: datetime | None) -> datetime | None:
    """A CMS record's `updated`; with `now`, one that is ahead of both the clock and `published` is refused.

    An article cannot have been updated after now, and a year typed wrong
    (2027 for 2025) would date it, and its feeds, in the future: a feed's
    `updated` never moves backwards. A scheduled article (`published` ahead)
    may be updated up to the time it appears.
    """
    updated = _date(value, "updated", tz, required=False)
    if updated is None or now is None or published is None:
        return updated
    latest = max(now, published) + CMS_CLOCK_SKEW
    if updated > latest:
        raise RecordError(
            "updated",
            f"{updated.astimezone(tz).isoformat()} is in the future (later than now and than `published`, by "
            f"more than {CMS_CLOCK_SKEW.days} day); is the year right?",
        )
    return updated


def _entry_time(value: Any, parsed: tuple[int, ...] | None, tz: tzinfo) -> datetime | None:
    """An ingested item's date: its own text first (naive = the site's zone), else the parser's reading."""
    if isinstance(value, str) and value:
        try:
            # naive agency dates are KST; feedparser would take them as UTC
            return parse_datetime(value.replace(" KST", " +0900"), tz)
        except ValueError:
            pass
    elif isinstance(value, datetime | date):
        return parse_datetime(value, tz)
    if parsed:
        year, month, day, hour, minute, second = parsed[:6]
        if year < EARLIEST.year:  # as parse_datetime bounds it: 1970 is a date that failed (later: FAR_FUTURE)
            return None
        # feedparser gives UTC, and takes a time written without a zone for UTC too: it is the site's
        zone = UTC if not isinstance(value, str) or _WRITTEN_ZONE.search(value) else tz
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    return None


#: a zone written with a date: an offset after the time, or a zone's name (GMT, KST, EST, ...)
_WRITTEN_ZONE = re.compile(r"\d:\d\d(?::\d\d)?(?:[.,]\d+)?\s*(?:Z|[+-]\d)|\b(?:UTC?|GMT|[A-Z]{1,4}[SD]T|KST|JST)\b")


def _entry_date(
    raw: RawArticle, ctx: NormalizeContext, now: datetime, warnings: list[str], title: str
) -> tuple[datetime, bool, datetime | None]:
    """The item's date, whether the input really gave it (else `now` stands in), and the date ahead of now it
    gave instead (clamped: the caller says so, unless the item's embargo is that late)."""
    when = _entry_time(raw.published, raw.published_parsed, ctx.tz) or _entry_time(
        raw.updated, raw.updated_parsed, ctx.tz
    )
    if when is None:
        given = str(raw.published or raw.updated or "").strip()
        reason = f"unusable date {given[:40]!r}" if given else "no usable date"
        warnings.append(f"{title[:40]!r}: {reason}, dated at fetch time")
        return now, False, None
    if when > now + FAR_FUTURE:
        warnings.append(f"{title[:40]!r}: implausible date {when.isoformat()}, dated at fetch time")
        return now, False, None
    if when > now + FUTURE_SKEW:
        return now, False, when
    return when, True, None


def _entry_updated(raw: RawArticle, ctx: NormalizeContext, published: datetime, now: datetime) -> datetime:
    updated = _entry_time(raw.updated, raw.updated_parsed, ctx.tz) if raw.updated else None
    if updated is None or updated < published:
        return published
    return min(updated, now)


def _status(value: Any, source: SourceConfig | None) -> Status:
    if value is None:
        return source.status if source is not None else Status.PUBLISHED
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        raise RecordError("status", f"{value!r} is not one of published, draft, hidden") from None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise RecordError("tags", "must be a list of strings")
    tags: dict[str, str] = {}  # the first spelling of each tag, by its name_key ("AI", "ai", "ＡＩ" are one)
    for index, item in enumerate(value):
        if item is None:  # an empty cell of the export
            continue
        tag = plain_text(item if isinstance(item, str) else _str(item, f"tags.{index}"))
        key = name_key(tag)
        if key and key not in tags:
            tags[key] = tag
    return tuple(tags.values())


def _length(value: Any, name: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str) or not whole_number(str(value)):
        raise RecordError(name, f"length must be a whole number of bytes, not {_shown(value)}")
    return int(value)


#: digits of a plausible file size (a petabyte has 16): more is no size, and past 4,300 int() refuses them
MAX_LENGTH_DIGITS = 15


def whole_number(text: str) -> bool:
    """ASCII digits, at most MAX_LENGTH_DIGITS of them: a size or a count a record or a feed may mean."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_LENGTH_DIGITS


def _shown(value: Any) -> str:
    """A record's value in a message, cut short (an error names it; a field of 5,000 digits need not be seen)."""
    return shorten(repr(value), 59)


def _media_items(value: Any, name: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(field name for messages, item) of an images/attachments list; one URL alone is a list of one, an empty
    string none. An empty cell of the list (null, "") is skipped, as in tags; an item that says more but has
    no url is an error, named by its place ("images.1")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, str):
        return [(name, {"url": value})]
    if not isinstance(value, list):
        raise RecordError(name, "must be a list")
    out = []
    for index, item in enumerate(value):
        if item is None or (isinstance(item, str) and not item.strip()):
            continue
        item = {"url": item} if isinstance(item, str) else item
        # an empty url would resolve to the base, publishing the article's own page as the file
        if not isinstance(item, Mapping) or not isinstance(item.get("url"), str) or not item["url"].strip():
            raise RecordError(f"{name}.{index}", "needs a url")
        out.append((f"{name}.{index}", item))
    return out


def _files(value: Any, base: str, name: str) -> list[tuple[str, str | None, int, str]]:
    """(absolute url, given type, length, caption/title) of an images/attachments list."""
    out = []
    for field, item in _media_items(value, name):
        url = _cms_url(item["url"], base, field)
        title = plain_text(str(item.get("caption" if name == "images" else "title") or ""))
        out.append((url, media_type(item.get("type")), _length(item.get("length"), field), title))
    return out


_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")


def media_type(value: Any) -> str | None:
    """A MIME type as "type/subtype" (parameters dropped), or None when it is not one."""
    text = str(value or "").split(";")[0].strip().lower()
    return text if _MEDIA_TYPE.fullmatch(text) else None


def _images(value: Any, base: str) -> tuple[Image, ...]:
    files = _files(value, base, "images")
    sizes = [(_pixels(item, "width", f), _pixels(item, "height", f)) for f, item in _media_items(value, "images")]
    return tuple(
        Image(u, t or guess_image_type(u), n, c, w, h) for (u, t, n, c), (w, h) in zip(files, sizes, strict=True)
    )


def _pixels(item: Mapping[str, Any], key: str, field: str) -> int:
    """An image's optional width or height: a positive whole number of pixels, 0 when not given."""
    value = item.get(key)
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str) or not whole_number(str(value)) or int(value) == 0:
        raise RecordError(field, f"{key} must be a positive whole number of pixels, not {_shown(value)}")
    return int(value)


def _attachments(value: Any, base: str) -> tuple[Attachment, ...]:
    files = _files(value, base, "attachments")
    # without a type, the file's name says it (as for ingested files): readers then know an HWP from a PDF
    return tuple(
        Attachment(u, t or media_type_for_name(c) or media_type_for_name(u) or "application/octet-stream", n, c)
        for u, t, n, c in files
    )


def _classified(
    media: tuple[RawMedia, ...],
    base: str,
    body: str,
    images: tuple[Image, ...],
    attachments: tuple[Attachment, ...],
) -> tuple[tuple[Image, ...], tuple[Attachment, ...]]:
    """Add media whose kind comes from their type (feed enclosures, Media RSS); the body's first image as a lead.

    Lenient: a feed's unusable media URL is dropped, not an error.
    """
    found_images, found_files = list(images), list(attachments)
    seen = {i.url for i in found_images} | {a.url for a in found_files}

    def add(item: RawMedia) -> None:
        url = absolute_url(str(item.url), base) if item.url else ""
        if not url.startswith(("http://", "https://")) or url in seen:  # (a mailto: link is no file)
            return
        seen.add(url)
        given = str(item.type or "")
        kind = media_type(given) or image_type_from_url(url) or ""
        length = item.length if isinstance(item.length, int) and not isinstance(item.length, bool) else 0
        title = plain_text(str(item.title or ""))
        if kind.startswith("image/") or given.strip().lower() == "image":  # Media RSS medium="image"
            found_images.append(Image(url, kind or guess_image_type(url), length, title))
        else:
            found_files.append(Attachment(url, kind or "application/octet-stream", length, title))

    for item in media:
        add(item)
    if not found_images:  # the body's first picture, not a lazy-loading page's placeholder
        for match in _FIRST_IMG.finditer(body):
            url = match.group(1).replace("&amp;", "&")
            if not placeholder_image(url):
                add(RawMedia(url=url, type=guess_image_type(url)))
                break
    return tuple(found_images), tuple(found_files)


def _attribution(
    raw: RawArticle,
    source: SourceConfig | None,
    agency: str,
    registered: AgencyConfig | None,
    body_credit: str,
    base: str,
    link: str,
    published: datetime | None,
    ctx: NormalizeContext,
) -> Attribution | None:
    """Who the article comes from: a CMS record says so itself; an ingested item is its agency's.

    The credit names the agency as the item does (a former name stays), and
    the other agencies of a joint release its body's own credit names (their
    terms apply too: pressfeed.rights); its home comes from the source when
    the item is the source's own, else from the registry.
    """
    if raw.kind is InputKind.CMS or source is None:
        return _record_attribution(raw.source, body_credit, base, ctx.tz)
    name = agency or source.name
    joint = _joint_agencies(body_credit, registered, ctx.agencies)
    home = (source.home if not agency else "") or (registered.home if registered is not None else "")
    # the URL the source is fetched from may carry a user name and password (HTTP basic auth): never published,
    # nor a host only fetching takes ("news_api.…"; absolute_url gives "" for it)
    feed = absolute_url(raw.feed_url, "") if raw.feed_url.startswith(("http://", "https://")) else ""
    return Attribution(
        name=name,
        home=home,
        feed=feed,
        url=link,
        published=published,
        credit=" ".join(credit_for(n, source.credit) for n in (name, *joint)),
        joint=tuple(joint),
    )


def _joint_agencies(body_credit: str, registered: AgencyConfig | None, agencies: Agencies) -> list[str]:
    """The registry's agencies other than the item's own that its body's credit names, as it names them. One
    the registry does not know is left out: a short form of the item's own agency's name ("과기정통부") would
    credit it twice."""
    joint: list[str] = []
    seen = {registered.name} if registered is not None else set()  # (an entry's current name is its key)
    for named in credit_agencies(body_credit):
        entry = agencies.find(named)
        if entry is not None and entry.name not in seen:
            seen.add(entry.name)
            joint.append(named)
    return joint


def _record_attribution(value: Any, body_credit: str, base: str, tz: tzinfo) -> Attribution | None:
    if value is None:
        agency = credit_agency(body_credit)
        return Attribution(name=agency, credit=body_credit) if agency else None
    if not isinstance(value, Mapping):
        raise RecordError("source", "must be a mapping with at least a name")
    unknown = [] if value.keys() <= SOURCE_FIELDS else sorted(set(value) - SOURCE_FIELDS)
    if unknown:
        raise RecordError(f"source.{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(SOURCE_FIELDS))})")
    name = plain_text(str(value.get("name") or "")) or credit_agency(body_credit)
    if not name:
        raise RecordError("source.name", "required")
    credit = plain_text(str(value.get("credit") or "")) or body_credit or credit_for(name)
    published = value.get("published")
    return Attribution(
        name=name,
        home=_optional_url(value.get("home"), base, "source.home"),
        feed=_optional_url(value.get("feed"), base, "source.feed"),
        url=_optional_url(value.get("url"), base, "source.url"),
        published=parse_datetime(published, tz) if published else None,
        credit=credit,
        license=plain_text(str(value.get("license") or "")),
    )


def _optional_url(value: Any, base: str, name: str) -> str:
    return _cms_url(value, base, name) if value else ""
