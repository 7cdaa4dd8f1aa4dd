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

from .config import Config, as_uri, parse_config
from .errors import ConfigError, UsageError
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
    else from `section`. The result is validated as config, dry run or not,
    before it is written; a problem names the OPML file and the outline.
    """
    parsed = listparser.parse(opml)  # bytes: listparser never fetches anything
    if parsed.bozo and not parsed.feeds:
        raise UsageError(f"{name}: not a usable OPML file: {parsed.bozo_exception}")
    default = config.resolve_section(section) if section else None
    if section and default is None:
        raise UsageError(f"--section: unknown section {section!r} (see `pressfeed sections`)")
    lines = _outline_lines(opml)
    known_urls = {s.url for s in config.sources}
    known_ids = {s.id for s in config.sources}
    added: list[dict[str, Any]] = []
    outlines: list[str] = []  # where each added entry came from, for messages
    skipped: list[str] = []
    problems: list[str] = []
    for feed in parsed.feeds:
        url = str(feed.get("url", ""))
        if _as_configured(url) in known_urls:  # the config holds its URLs as URIs (Hangul percent-encoded)
            skipped.append(f"{url}: already configured")
            continue
        where = _outline(name, lines, url, str(feed.get("title", "")))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"{where}: xmlUrl: must be an absolute http(s) URL (a local file is added by hand)")
            continue
        slug = _category_section(config, feed) or default
        if slug is None:
            problems.append(f"{where}: no section: give --section or an OPML category naming one")
            continue
        source_id = _unique_id(_id_for(url, str(feed.get("title", ""))), known_ids)
        known_ids.add(source_id)
        known_urls.add(_as_configured(url))
        entry: dict[str, Any] = {"id": source_id, "name": str(feed.get("title") or source_id), "url": url}
        entry["section"] = slug
        added.append(entry)
        outlines.append(where)
    if problems:
        raise UsageError(f"{name}: nothing added:\n" + "\n".join(problems))
    path = config.sources_file
    if added:
        text = _checked(config, path, added, outlines, name)  # a dry run is checked as the import is
        if not dry_run:
            atomic_write(path, text.encode("utf-8"))
    return ImportedSources(tuple(added), tuple(skipped), path)


def _as_configured(url: str) -> str:
    try:
        return as_uri(url)
    except ValueError:
        return url  # refused below, as it is


def _checked(config: Config, path: Path, added: list[dict[str, Any]], outlines: list[str], name: str) -> str:
    """The sources file with `added` appended, once the whole config validates with it.

    A problem in an added entry is told against its OPML outline: the sources file it would be in
    is not written (and may not exist yet)."""
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Sources added by `pressfeed sources import`.\n"
    text = existing.rstrip("\n") + "\n"
    starts = []  # the line each added entry starts on in the new text
    for entry in added:
        starts.append(text.count("\n") + 1)
        text += yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    try:
        parse_config(config.file.read_text(encoding="utf-8"), config.file, config.site_dir, sources_text=text)
    except ConfigError as exc:
        if exc.file != str(path) or exc.line is None or exc.line < starts[0]:
            raise  # the config or the sources file already there: not the OPML's doing
        index = max(n for n, start in enumerate(starts) if start <= exc.line)
        key = exc.key.partition("].")[2] or exc.key
        raise UsageError(f"{name}: nothing added:\n{outlines[index]}: {key}: {exc.message}") from None
    return text


def _outline_lines(opml: bytes) -> dict[str, tuple[int, str]]:
    """Each xmlUrl's first outline: its line and title (best effort: listparser gives neither)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(opml, parser)
    except etree.XMLSyntaxError:
        return {}
    text = opml.split(b"\n")
    found: dict[str, tuple[int, str]] = {}
    for outline in root.iter("outline") if root is not None else ():
        url = (outline.get("xmlUrl") or "").strip()
        if url and url not in found:
            line = min(outline.sourceline or 0, len(text))  # libxml2's: where the start tag ends
            while line > 1 and b"<outline" not in text[line - 1]:
                line -= 1
            found[url] = (line, outline.get("title") or outline.get("text") or "")
    return found


def _outline(name: str, lines: dict[str, tuple[int, str]], url: str, title: str) -> str:
    """`file:line: outline "title" <url>`, as much of it as is known."""
    line, written = lines.get(url.strip(), (0, ""))
    label = title or written
    return f"{name}:{line}: outline {label!r} <{url}>" if line else f"{name}: outline {label!r} <{url}>"


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
