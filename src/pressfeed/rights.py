"""Republishing rights: what the feeds may carry of each agency's releases.

Not every release may be republished in full: some agencies' terms forbid
altering their text (republish the link), photos in public-data releases
need separate permission (drop them), and the licence (공공누리 제1유형:
attribution) should travel with the text. A source sets its terms; the
agency's registry entry overrides them. A release several sources brought,
or several agencies issued, goes out under the least of their terms. The
stored article keeps what was fetched: rights shape only what the feeds
carry, so changing them republishes without refetching.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from .config import Config, Images, Republish, SourceConfig
from .context import Agencies
from .filetypes import is_photo
from .model import Article, Attribution

if TYPE_CHECKING:
    import nh3


@dataclass(frozen=True)
class Rights:
    republish: Republish = Republish.FULL
    images: Images = Images.KEEP
    license: str = ""


#: the newsroom's own articles, and anything no term restricts
FULL_RIGHTS = Rights()
#: a release whose source is no longer configured, of an agency the registry does not know: its terms are
#: not known any more, so the feeds carry the least (a source removed with `republish: link` re-published its
#: items in full)
UNKNOWN_TERMS = Rights(Republish.LINK, Images.DROP)


def rights_for(config: Config, origin: str, source: Attribution | None, brought_by: Iterable[str] = ()) -> Rights:
    """The terms for a stored article: none for the newsroom's own; else the least of those of every source
    that brought it (`origin`'s and `brought_by`, the sources of its copies) for each of its agencies: the one
    it names, a joint release's others, and a board's own (a registry agency brought it, so it is one of its).
    So a release goes out under the same terms whichever source brought it first: the API's copy of a release
    whose board is `link`, a joint release whose other agency's terms are. A source no longer in the config
    counts no more, whichever it was; with none left, its terms are not known: the least (UNKNOWN_TERMS)."""
    if not origin.startswith("source:"):
        return FULL_RIGHTS  # the portal's own article
    agencies = config.agencies
    by_id = {s.id: s for s in config.sources}
    ids = dict.fromkeys((origin.removeprefix("source:"), *brought_by))
    sources = [by_id[i] for i in ids if i in by_id]
    names = [source.name, *source.joint] if source is not None else [""]
    names += [s.name for s in sources if agencies.find(s.name) is not None]
    names = list(dict.fromkeys(names))
    if not sources:
        return least(source_rights(None, agencies, n, missing=UNKNOWN_TERMS) for n in names)
    return least(source_rights(s, agencies, n) for s in sources for n in names)


def least(terms: Iterable[Rights]) -> Rights:
    """The least of several terms: what all of them allow; every licence they name, in order."""
    found = list(dict.fromkeys(terms))
    if len(found) == 1:
        return found[0]
    licenses = dict.fromkeys(t.license for t in found if t.license)
    return Rights(
        min((t.republish for t in found), key=_REPUBLISH_ORDER.index),
        Images.DROP if any(t.images is Images.DROP for t in found) else Images.KEEP,
        ", ".join(licenses),
    )


#: from the least that may be republished to the most
_REPUBLISH_ORDER = (Republish.LINK, Republish.SUMMARY, Republish.FULL)


def source_rights(
    source: SourceConfig | None, agencies: Agencies, agency: str, *, missing: Rights = FULL_RIGHTS
) -> Rights:
    """A source's terms (`missing` without one), overridden by the agency's registry entry."""
    base = Rights(source.republish, source.images, source.license) if source is not None else missing
    entry = agencies.find(agency)
    if entry is None:
        return base
    return Rights(
        entry.republish or base.republish,
        entry.images or base.images,
        entry.license if entry.license is not None else base.license,
    )


def as_republished(article: Article, rights: Rights, summary_length: int = 200) -> Article:
    """The article as the feeds may carry it under `rights`; a summary at most `summary_length` long when
    that is all they may carry (a feed's own summary may be its whole text)."""
    if rights == FULL_RIGHTS:
        return article
    source = article.source
    if source is not None and rights.license and not source.license:
        source = replace(source, license=rights.license)
    body, summary, subtitle, images = article.body_html, article.summary, article.subtitle, article.images
    attachments = article.attachments
    if rights.republish is Republish.SUMMARY:
        from .text import shorten

        summary = shorten(summary, summary_length)
        body = f"<p>{html.escape(summary, quote=False)}</p>" if summary else ""
    elif rights.republish is Republish.LINK:  # the release's files are its text too (HWP, PDF)
        body, summary, subtitle, images, attachments = "", "", "", (), ()
    if rights.images is Images.DROP:
        body, images = _without_images(body), ()
        attachments = tuple(a for a in attachments if not is_photo(a.url, a.type, a.title))
    return replace(
        article,
        body_html=body,
        summary=summary,
        subtitle=subtitle,
        images=images,
        attachments=attachments,
        source=source,
    )


@cache
def _no_images() -> nh3.Cleaner:
    """The sanitizer's allow-list without <img>; built when some terms drop images, so a build of feeds
    whose terms keep them loads neither nh3 nor normalization (its patterns are compiled on import)."""
    import nh3

    from .sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS - {"img"}),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items() if k != "img"},
        link_rel=None,
        strip_comments=True,
    )


def _without_images(body_html: str) -> str:
    return str(_no_images().clean(body_html)) if "<img" in body_html else body_html
