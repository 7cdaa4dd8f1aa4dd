"""The vocabulary every layer shares, apart from the Article record itself.

An article's status, the credit convention, a site section, a store query and
the one text form of a time. :mod:`pressfeed.model` (the Article record, its
parts and encodings) names these too; modules that only need them import this
one, so a run that reads and writes no article never builds the record types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

#: how far a CMS record's `updated` may run ahead of this machine's clock (and of its own `published`)
#: before it is a typo: a CMS clock set wrong, or a zone mistaken by hours, stays within it
CMS_CLOCK_SKEW = timedelta(days=1)

#: characters left alone when percent-encoding a URL's parts (reserved ones and "%" itself): links in bodies and
#: records, and the config's URLs, are made URIs by one rule (pressfeed.urls.as_uri). Not "[" and "]": a URI
#: has them only around an IPv6 host ("/[붙임]계획.hwp" is "/%5B…%5D…")
URL_SAFE = ":/?#@!$&'()*+,;=%~"

#: the portal's credit convention, "[뉴스출처 : 기관명]", as a template over the agency's name
DEFAULT_CREDIT = "[뉴스출처 : {name}]"


#: the brackets editors write a credit line in (opening, closing): "[…]" and "［…］", "【…】", "(…)" and "（…）"
_CREDIT_BRACKETS = (("[［", "]］"), ("【", "】"), ("(（", ")）"))
#: a name's own parentheses inside a credit in parentheses: "(뉴스출처 : 행정안전부(국가기록원))"
_NESTED = r"[(（][^()（）\n<>]*+[)）]"


def credit_forms(blank: str, markup: str = "", capture: bool = True) -> str:
    """The credit line's pattern in each of its brackets, each closing its own: `blank` the spaces between its
    words ("뉴스 출처", full-width colon), `markup` a pattern of the tags an agency's name may hold ("<b>…</b>":
    "<" and ">" are then no name's own); the name is a group of each form unless `capture` is false.

    The name runs to the closing bracket, its spaces with it (the caller strips them), possessively: a
    pattern where spaces could end the name or precede the bracket tried every split of a hostile line's
    thousands of spaces before a bracket that never comes (seconds per item)."""
    forms = []
    for opening, closing in _CREDIT_BRACKETS:
        nested = "(" in opening
        excluded = re.escape(closing) + (r"\(（" if nested else "") + ("<>" if markup else "") + r"\n"
        units = [f"[^{excluded}]", *([markup] if markup else []), *([_NESTED] if nested else [])]
        name = f"(?:{'|'.join(units)})++"
        forms.append(
            rf"[{re.escape(opening)}]{blank}뉴스{blank}출처{blank}[:：]{blank}"
            rf"{f'({name})' if capture else name}[{re.escape(closing)}]"
        )
    return "|".join(forms)


#: a credit line of that convention as editors write it ("［뉴스출처：기관명］", "【뉴스출처 : 기관명】")
CREDIT_LINE = re.compile(credit_forms(r"\s*"))


def credit_for(name: str, template: str = DEFAULT_CREDIT) -> str:
    """The credit line for an agency: the template with its name filled in."""
    return template.replace("{name}", name)


def credit_agency(credit: str) -> str:
    """The agency named in a credit line, or ""."""
    match = CREDIT_LINE.search(credit)
    return _named(match) if match else ""


def credit_agencies(credit: str) -> list[str]:
    """Every agency a credit names, in order: a joint release's credit names each of its agencies."""
    return [_named(match) for match in CREDIT_LINE.finditer(credit)]


def _named(match: re.Match[str]) -> str:
    return next(name for name in match.groups() if name is not None).strip()


class Status(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    HIDDEN = "hidden"


#: the statuses `articles list` shows and filters by, each with the stored status it is a kind of: the stored
#: three, and what keeps a published article from the feeds (embargoed until its date; a newsroom article
#: that republishes it) or an ingested one a draft (its page gave no text yet)
LISTED_STATUSES = {
    "published": Status.PUBLISHED,
    "scheduled": Status.PUBLISHED,
    "superseded": Status.PUBLISHED,
    "draft": Status.DRAFT,
    "held": Status.DRAFT,
    "hidden": Status.HIDDEN,
}


def utc_text(value: datetime) -> str:
    """The one text form of a time in the store and in `--json`; refuses naive datetimes."""
    if value.tzinfo is not UTC:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored")
        value = value.astimezone(UTC)
    if value.year < 1000:  # isoformat() pads the year to four digits, strftime() does not
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    # strftime("%Y-%m-%dT%H:%M:%SZ") at half the cost: every stored row and hash needs a few
    return value.isoformat()[:19] + "Z"


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
    #: only items published after this time (scheduled: embargoed until then)
    published_after: datetime | None = None
    #: only items a newsroom article supersedes (whether it keeps them out now is the caller's to tell)
    superseded: bool = False
    #: only items of one of these origins ("cms", "source:<id>"); a run's health check asks for all its sources
    origins: tuple[str, ...] | None = None
