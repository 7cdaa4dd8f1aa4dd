"""What normalization reads from the site: :class:`NormalizeContext`, and the section and
agency registries it holds, each with the one rule that resolves a name to its entry.

The config builds these while it validates, and a run that normalizes nothing
(a cron run with nothing new) needs no more of normalization than this.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from .config import AgencyConfig
    from .terms import Section


T = TypeVar("T")


class _Registry(Generic[T]):
    """Entries in config order: iterated, counted and shown as the config gave them."""

    _items: tuple[T, ...]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._items)!r})"


#: characters that show nothing but are no whitespace to str.strip(): zero-width ones, joiners, the
#: byte order mark, a soft hyphen, and the blank Hangul and Braille fillers ("ㅤ" passes for a blank title)
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u115f\u1160\u180e\u200b\u200c\u200d\u2060\u2800\u3164\ufeff\uffa0"))
#: names compare without invisible characters, and with every middle dot (가운뎃점) as "·": the ㆍ Korean
#: keyboards type (U+318D, which NFKC would turn into a vowel), the Japanese ・ and ･, and look-alike operators
_NAME_FORM = INVISIBLE | dict.fromkeys(map(ord, "\u318d\u30fb\uff65\u2027\u2219\u22c5"), "·")
_NAME_FORM_CHARS = re.compile("[" + "".join(map(chr, _NAME_FORM)) + "]")


def name_key(name: str) -> str:
    """Comparison key for names people type: NFKC, case-folded, blanks collapsed.

    "ＡＩ" = "ai", "ITㆍ과학" = "it·과학", "인공지능\u200b" = "인공지능".
    """
    if name.isascii():  # most tags and slugs: NFKC and the table change nothing
        return " ".join(name.casefold().split())
    if _NAME_FORM_CHARS.search(name):  # (a regex first: translate() costs a dict lookup per character)
        name = name.translate(_NAME_FORM)
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def section_key(name: str) -> str:
    """Comparison key for section names: name_key without spaces ("IT / 과학" = "it/과학")."""
    return name_key(name).replace(" ", "")


# -- sections -----------------------------------------------------------------


class Sections(_Registry["Section"]):
    """The site's sections in config order, and the one rule that resolves a name to a slug.

    Any slug, title or alias names its section, compared by :func:`section_key`.
    The config reader has already refused names claimed by two sections.
    """

    def __init__(self, sections: Iterable[Section] = ()) -> None:
        self._items = tuple(sections)
        self._index = {section_key(n): s.slug for s in self._items for n in (s.slug, s.title, *s.aliases)}

    def resolve(self, name: str) -> str | None:
        """The slug a section name (slug, title or alias) stands for, or None."""
        return self._index.get(section_key(name))

    def get(self, slug: str) -> Section:
        for section in self._items:
            if section.slug == slug:
                return section
        raise KeyError(slug)

    @property
    def slugs(self) -> list[str]:
        return [s.slug for s in self._items]


# -- agencies -----------------------------------------------------------------


def agency_key(name: str) -> str:
    """Comparison key for agency names: name_key without spaces or middle dots."""
    return name_key(name).replace(" ", "").replace("·", "")


class Agencies(_Registry["AgencyConfig"]):
    """The agency registry: finds an agency by its current or a former name.

    The registry gives an agency's id, home and section; the credit keeps the
    name the release itself uses (a 2025 release of 기획재정부 stays credited
    to 기획재정부 after the ministry became 재정경제부).
    """

    def __init__(self, agencies: Iterable[AgencyConfig] = ()) -> None:
        self._items = tuple(agencies)
        self._index = {agency_key(n): a for a in self._items for n in (a.name, *a.aliases)}

    def find(self, name: str) -> AgencyConfig | None:
        return self._index.get(agency_key(name)) if name else None


@dataclass(frozen=True)
class NormalizeContext:
    """What normalization needs from the site config, and nothing else."""

    site_url: str
    tz: tzinfo
    tag_authority: str
    sections: Sections
    agencies: Agencies = field(default_factory=Agencies)
    summary_length: int = 200
