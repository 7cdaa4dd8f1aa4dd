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
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ..clock import Clock
from ..config import Config
from ..model import Article
from ..store import FeedFileState, Store
from .common import FeedSpec
from .feeds import render_feeds
from .jsonfeed import render_json
from .site import render_index, render_opml
from .writer import AtomicBatch, file_sha256, sha256, sweep_temp_files

log = logging.getLogger(__name__)

#: bump when output changes for the same input, so every file is re-rendered
RENDER_VERSION = "2"
#: the date of a feed that has never had items, before any config was seen
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

FORMATS = ("rss", "atom", "json")


def render(spec: FeedSpec, articles: Sequence[Article], kinds: Sequence[str]) -> dict[str, bytes]:
    """The requested formats; RSS and Atom come from one feedgen pass."""
    out: dict[str, bytes] = {}
    if "rss" in kinds or "atom" in kinds:
        out["rss"], out["atom"] = render_feeds(spec, articles)
    if "json" in kinds:
        out["json"] = render_json(spec, articles)
    return {kind: data for kind, data in out.items() if kind in kinds}


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


def feed_specs(config: Config, updated: datetime = EPOCH) -> list[FeedSpec]:
    """The site feed first, then one per section, in config order."""
    site = config.site
    titles = {s.slug: s.title for s in config.sections}

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
            updated=updated,
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


def config_changed(config: Config, store: Store, now: datetime) -> datetime:
    """When this store first saw the current config: the date of feeds without items and of the OPML.

    Kept in the store, so it neither churns with file mtimes nor with rebuilds.
    """
    if store.get_meta("config_digest") != config.digest:
        store.set_meta("config_digest", config.digest)
        store.set_meta("config_changed", now.isoformat())
    return datetime.fromisoformat(store.get_meta("config_changed") or now.isoformat())


@dataclass
class _Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    states: dict[str, FeedFileState] = field(default_factory=dict)
    rendered: int = 0


class _Builder:
    def __init__(self, config: Config, store: Store, now: datetime, force: bool) -> None:
        self.config, self.store, self.now, self.force = config, store, now, force
        self.out_dir = config.output.dir
        self.previous = store.feed_files()
        self.outcome = _Outcome()
        self.loaded: dict[str, Article] = {}  # the site feed and the section feeds share items
        self.batch = AtomicBatch()  # every written file becomes durable in one pass at the end
        self.emitted: dict[str, FeedFileState] = {}
        self.refreshed: dict[str, FeedFileState] = {}

    def current(self, path: str, fingerprint: str) -> bool:
        """Is the file on disk what we last wrote for this fingerprint?

        Size and mtime as written vouch for the file (as make and rsync trust
        them); when they differ, its bytes decide.
        """
        state = self.previous.get(path)
        if self.force or state is None or state.fingerprint != fingerprint:
            return False
        try:
            st = (self.out_dir / path).stat()
        except FileNotFoundError:
            return False
        if (st.st_size, st.st_mtime_ns) == (state.size, state.mtime_ns):
            return True
        if file_sha256(self.out_dir / path) != state.sha256:
            return False
        # same bytes, new stat (a copy, a restore): remember it so the next build need not hash
        self.refreshed[path] = replace(state, size=st.st_size, mtime_ns=st.st_mtime_ns)
        return True

    def keep(self, path: str) -> None:
        self.outcome.unchanged.append(path)
        self.outcome.states[path] = self.refreshed.get(path, self.previous[path])

    def emit(self, path: str, fingerprint: str, data: bytes, updated: datetime) -> None:
        digest = sha256(data)
        target = self.out_dir / path
        if file_sha256(target) == digest:
            self.outcome.unchanged.append(path)
        else:
            self.batch.stage(target, data)
            self.outcome.written.append(path)
        self.emitted[path] = FeedFileState(fingerprint, digest, updated)

    def commit(self) -> None:
        """Make the staged files durable and visible, then record what is on disk."""
        self.batch.commit()
        for path, state in self.emitted.items():
            st = (self.out_dir / path).stat()
            self.outcome.states[path] = replace(state, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def feed(self, spec: FeedSpec) -> None:
        keys = self.store.feed_keys(spec.key or None, self.now, self.config.output.items_per_feed)
        fingerprint = _fingerprint(self.config, spec.key, repr(keys))
        paths = {"rss": spec.rss_path, "atom": spec.atom_path, "json": spec.json_path}
        stale = [kind for kind in FORMATS if not self.current(paths[kind], fingerprint)]
        for kind in FORMATS:
            if kind not in stale:
                self.keep(paths[kind])
        if not stale:
            return
        articles = self.load([k for k, _ in keys])
        updated = self.feed_updated(paths["rss"], fingerprint, articles, spec.updated)
        spec = replace(spec, updated=updated)
        self.outcome.rendered += 1
        for kind, data in render(spec, articles, stale).items():
            self.emit(paths[kind], fingerprint, data, updated)

    def load(self, ids: list[str]) -> list[Article]:
        missing = [i for i in ids if i not in self.loaded]
        self.loaded.update((i, stored.article) for i, stored in self.store.get_many(missing).items())
        return [self.loaded[i] for i in ids if i in self.loaded]

    def feed_updated(self, path: str, fingerprint: str, articles: list[Article], fallback: datetime) -> datetime:
        """The feed's updated/lastBuildDate: the newest item's `updated`, never moving backwards.

        Not now(): an unchanged store must render the same bytes. Hiding the
        newest item keeps the previous value rather than dating the feed older.
        """
        state = self.previous.get(path)
        if state is not None and state.updated is not None and state.fingerprint == fingerprint:
            return state.updated  # a forced re-render of the same items
        candidates = [a.updated for a in articles]
        if state is not None and state.updated is not None:
            candidates.append(state.updated)
        return max(candidates, default=fallback)

    def site_file(self, path: str, fingerprint: str, make: Callable[[], bytes], updated: datetime) -> None:
        if self.current(path, fingerprint):
            self.keep(path)
        else:
            self.emit(path, fingerprint, make(), updated)


def build(config: Config, store: Store, clock: Clock, *, force: bool = False) -> BuildResult:
    now = clock.now()
    builder = _Builder(config, store, now, force)
    changed = config_changed(config, store, now)
    specs = feed_specs(config, changed)
    site = config.site
    fingerprint = _fingerprint(config, "", "site")
    # callers hold the site lock, so a temp file of ours found now was left by a killed build
    out_dir = config.output.dir
    folders = {out_dir, *((out_dir / p).parent for p in builder.previous), *(out_dir / s.key for s in specs)}
    for stale in sweep_temp_files(sorted(folders)):
        log.info("removed %s, left by an interrupted build", stale)
    try:
        for spec in specs:
            builder.feed(spec)
        builder.site_file("feeds.opml", fingerprint, lambda: render_opml(site.title, specs, changed), changed)
        builder.site_file(
            "index.html",
            fingerprint,
            lambda: render_index(site.title, site.description, site.language, site.url, specs),
            changed,
        )
        builder.commit()
    except BaseException:
        builder.batch.discard()  # no temp file outlives a failed build; published files stay as they were
        raise
    outcome = builder.outcome
    removed = _remove_stale(config.output.dir, builder.previous, outcome.states)
    if outcome.states != builder.previous:
        store.save_feed_files(outcome.states)
        store.forget_feed_files(removed)
    return BuildResult(tuple(outcome.written), tuple(outcome.unchanged), tuple(removed), outcome.rendered)


def _fingerprint(config: Config, key: str, items: str) -> str:
    blob = "\0".join((RENDER_VERSION, config.digest, key, items))
    return hashlib.sha256(blob.encode()).hexdigest()


def _remove_stale(out_dir: Path, previous: dict[str, FeedFileState], current: dict[str, FeedFileState]) -> list[str]:
    """Delete files a previous build wrote that no feed produces any more (a removed section)."""
    removed = []
    for path in sorted(set(previous) - set(current)):
        (out_dir / path).unlink(missing_ok=True)
        removed.append(path)
    return removed
