"""The list of agency sources, in and out as OPML.

`sources export` writes the configured sources; `sources import` reads an OPML
file (listparser) and appends new sources to the machine-written
`feeds/sources.yaml`, never touching the hand-written config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import listparser
import yaml

from .config import Config, parse_config
from .errors import UsageError
from .publish.opml import Outline, render_opml
from .publish.writer import atomic_write


def export_sources(config: Config) -> bytes:
    outlines = [Outline(s.name, s.url, s.home, category=s.section or "") for s in config.sources]
    return render_opml(f"{config.site.title} 보도자료 출처", outlines)


@dataclass(frozen=True)
class ImportedSources:
    added: tuple[dict[str, Any], ...]
    skipped: tuple[str, ...]
    path: Path


def import_sources(
    config: Config, opml: bytes, name: str, section: str | None, *, dry_run: bool = False
) -> ImportedSources:
    """Append the OPML's feeds that are not configured yet to the sources file.

    A feed's section comes from its OPML category when that names a section,
    else from `section`. The result is validated as config before it is written.
    """
    parsed = listparser.parse(opml)  # bytes: listparser never fetches anything
    if parsed.bozo and not parsed.feeds:
        raise UsageError(f"{name}: not a usable OPML file: {parsed.bozo_exception}")
    default = config.resolve_section(section) if section else None
    if section and default is None:
        raise UsageError(f"--section: unknown section {section!r} (see `pressfeed sections`)")
    known_urls = {s.url for s in config.sources}
    known_ids = {s.id for s in config.sources}
    added: list[dict[str, Any]] = []
    skipped: list[str] = []
    problems: list[str] = []
    for feed in parsed.feeds:
        url = str(feed.get("url", ""))
        if url in known_urls:
            skipped.append(f"{url}: already configured")
            continue
        slug = _category_section(config, feed) or default
        if slug is None:
            problems.append(f"{url}: no section: give --section or an OPML category naming one")
            continue
        source_id = _unique_id(_id_for(url, str(feed.get("title", ""))), known_ids)
        known_ids.add(source_id)
        known_urls.add(url)
        entry: dict[str, Any] = {"id": source_id, "name": str(feed.get("title") or source_id), "url": url}
        entry["section"] = slug
        added.append(entry)
    if problems:
        raise UsageError(f"{name}: nothing added:\n" + "\n".join(problems))
    path = config.sources_file
    if added and not dry_run:
        _append(config, path, added)
    return ImportedSources(tuple(added), tuple(skipped), path)


def _append(config: Config, path: Path, added: list[dict[str, Any]]) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Sources added by `pressfeed sources import`.\n"
    text = existing.rstrip("\n") + "\n" + yaml.safe_dump(added, allow_unicode=True, sort_keys=False)
    # the whole config must still be valid with the new list before anything is replaced
    parse_config(config.file.read_text(encoding="utf-8"), config.file, config.site_dir, sources_text=text)
    atomic_write(path, text.encode("utf-8"))


def _category_section(config: Config, feed: Any) -> str | None:
    for category in feed.get("categories", []):
        for name in category:
            slug = config.resolve_section(str(name))
            if slug:
                return slug
    return None


def _id_for(url: str, title: str) -> str:
    stem = Path(urlsplit(url).path).stem or urlsplit(url).hostname or title
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug.removeprefix("dept-") or "source"


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
