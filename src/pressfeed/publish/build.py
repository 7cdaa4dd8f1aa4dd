"""`pressfeed build`: every feed of the site, skipping what has not changed.

Each output file has a fingerprint: the renderer version, the config text and
the (id, seq) of the items it shows. When the fingerprint and the file on disk
match what was last written, the feed is neither loaded nor rendered; when a
re-render yields the same bytes, nothing is written. So an unchanged store
rebuilds to zero writes, and one new article rewrites only its section's and
the site's feeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..clock import Clock
from ..config import Config
from ..model import Article
from ..store import FeedFileState, Store
from .common import FeedSpec
from .feeds import render_atom, render_rss
from .jsonfeed import render_json
from .site import render_index, render_opml
from .writer import atomic_write, file_sha256, sha256

#: bump when output changes for the same input, so every file is re-rendered
RENDER_VERSION = "1"

Renderer = Callable[[FeedSpec, Sequence[Article]], bytes]
FORMATS: tuple[tuple[str, Renderer], ...] = (("rss", render_rss), ("atom", render_atom), ("json", render_json))


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    rendered: int = 0

    @property
    def files(self) -> int:
        return len(self.written) + len(self.unchanged)

    def summary(self) -> str:
        text = f"build: {self.files} files, {len(self.written)} written, {len(self.unchanged)} unchanged"
        return text + (f", {len(self.removed)} removed" if self.removed else "")


def feed_specs(config: Config, updated: dict[str, datetime] | None = None) -> list[FeedSpec]:
    """The site feed first, then one per section, in config order."""
    site = config.site
    titles = {s.slug: s.title for s in config.sections}
    fallback = config_time(config)
    updated = updated or {}

    def spec(key: str, title: str, description: str, html_url: str) -> FeedSpec:
        prefix = f"{key}/" if key else ""
        return FeedSpec(
            key=key,
            id=f"tag:{site.tag_authority}:feed/{key or 'all'}",
            title=title,
            description=description,
            html_url=html_url,
            language=site.language,
            tz=site.tz,
            site_title=site.title,
            rss_path=f"{prefix}rss.xml",
            atom_path=f"{prefix}atom.xml",
            json_path=f"{prefix}feed.json",
            rss_url=f"{site.feed_url}{prefix}rss.xml",
            atom_url=f"{site.feed_url}{prefix}atom.xml",
            json_url=f"{site.feed_url}{prefix}feed.json",
            section_titles=titles,
            updated=updated.get(key, fallback),
        )

    specs = [spec("", site.title, site.description or f"{site.title} 전체 기사", site.url)]
    for section in config.sections:
        specs.append(
            spec(
                section.slug,
                f"{site.title} - {section.title}",
                section.description or f"{site.title} {section.title} 섹션 기사",
                section.url or site.url,
            )
        )
    return specs


def config_time(config: Config) -> datetime:
    """Feed `updated` for feeds with no items: when the config last changed."""
    try:
        return datetime.fromtimestamp(int(config.file.stat().st_mtime), UTC)
    except OSError:
        return datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class _Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    states: dict[str, FeedFileState] = field(default_factory=dict)
    rendered: int = 0


def build(config: Config, store: Store, clock: Clock, *, force: bool = False) -> BuildResult:
    now = clock.now()
    out_dir = config.output.dir
    previous = store.feed_files()
    outcome = _Outcome()

    def current(path: str, fingerprint: str) -> bool:
        state = previous.get(path)
        return (
            not force
            and state is not None
            and state.fingerprint == fingerprint
            and file_sha256(out_dir / path) == state.sha256
        )

    def emit(path: str, fingerprint: str, data: bytes) -> None:
        digest = sha256(data)
        target = out_dir / path
        if file_sha256(target) == digest:
            outcome.unchanged.append(path)
        else:
            atomic_write(target, data)
            outcome.written.append(path)
        outcome.states[path] = FeedFileState(fingerprint, digest)

    specs = feed_specs(config)
    limit = config.output.items_per_feed
    for spec in specs:
        keys = store.feed_keys(spec.key or None, now, limit)
        fingerprint = _fingerprint(config, spec.key, repr(keys))
        paths = {"rss": spec.rss_path, "atom": spec.atom_path, "json": spec.json_path}
        stale = [(kind, render) for kind, render in FORMATS if not current(paths[kind], fingerprint)]
        for kind, _ in FORMATS:
            if (kind, _) not in stale:
                outcome.unchanged.append(paths[kind])
                outcome.states[paths[kind]] = previous[paths[kind]]
        if not stale:
            continue
        articles = _load(store, [k for k, _ in keys])
        if articles:
            spec = _with_updated(spec, max(a.updated for a in articles))
        outcome.rendered += 1
        for kind, render in stale:
            emit(paths[kind], fingerprint, render(spec, articles))

    site_fingerprint = _fingerprint(config, "", "site")
    site = config.site
    site_files: tuple[tuple[str, Callable[[], bytes]], ...] = (
        ("feeds.opml", lambda: render_opml(site.title, specs, config_time(config))),
        ("index.html", lambda: render_index(site.title, site.description, site.language, site.url, specs)),
    )
    for path, make in site_files:
        if current(path, site_fingerprint):
            outcome.unchanged.append(path)
            outcome.states[path] = previous[path]
        else:
            emit(path, site_fingerprint, make())

    removed = _remove_stale(out_dir, previous, outcome.states)
    if outcome.states != previous:
        store.save_feed_files(outcome.states)
        store.forget_feed_files(removed)
    return BuildResult(tuple(outcome.written), tuple(outcome.unchanged), tuple(removed), outcome.rendered)


def _fingerprint(config: Config, key: str, items: str) -> str:
    blob = "\0".join((RENDER_VERSION, config.digest, key, items))
    return hashlib.sha256(blob.encode()).hexdigest()


def _load(store: Store, ids: list[str]) -> list[Article]:
    found = store.get_many(ids)
    return [found[i].article for i in ids if i in found]


def _with_updated(spec: FeedSpec, updated: datetime) -> FeedSpec:
    from dataclasses import replace

    return replace(spec, updated=updated)


def _remove_stale(out_dir: Path, previous: dict[str, FeedFileState], current: dict[str, FeedFileState]) -> list[str]:
    """Delete files a previous build wrote that no feed produces any more (a removed section)."""
    removed = []
    for path in sorted(set(previous) - set(current)):
        (out_dir / path).unlink(missing_ok=True)
        removed.append(path)
    return removed
