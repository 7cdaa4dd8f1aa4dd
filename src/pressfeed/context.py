"""What normalization reads from the site: :class:`NormalizeContext`, and the section and
agency registries it holds, each with the one rule that resolves a name to its entry.

The config builds these while it validates, and a run that normalizes nothing
(a cron run with nothing new) needs no more of normalization than this.
"""

from __future__ import annotations

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


def section_key(name: str) -> str:
    """Comparison key for section names: NFKC, case-folded, no spaces ("IT / 과학" = "it/과학")."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


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
    """Comparison key for agency names: NFKC, case-folded, no spaces or middle dots."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().replace("·", "").split())


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
