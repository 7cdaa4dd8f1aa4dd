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
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import Clock
from ..config import Config
from ..results import BuildResult
from ..store import FeedFileState, Store, StoredArticle
from .common import FeedSpec, body_with_credit
from .writer import AtomicBatch, file_holds, sweep_temp_files

if TYPE_CHECKING:
    from ..model import Article

log = logging.getLogger(__name__)

#: bump when output changes for the same input, so every file is re-rendered
#: 6: terms of every source and agency that brought a release; 7: `link` drops the files, `images: drop` photos by
#: their listed names (pressfeed.rights)
RENDER_VERSION = "7"
#: the date of a feed that has never had items, before any config was seen
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

#: a feed's files: its three formats and its HTML page (same items, so same fingerprint)
FORMATS = ("rss", "atom", "json", "html")


def render(
    spec: FeedSpec, articles: Sequence[Article], kinds: Sequence[str], specs: Sequence[FeedSpec] = ()
) -> dict[str, bytes]:
    """The requested formats; RSS and Atom come from one feedgen pass. `specs` (all feeds) are the pages' nav."""
    # the renderers (feedgen, lxml) are imported by the first build that renders: a no-op one does not
    from .feeds import render_feeds
    from .jsonfeed import render_json
    from .pages import render_page

    out: dict[str, bytes] = {}
    feeds = "rss" in kinds or "atom" in kinds
    # the body as published is the same in RSS, Atom and JSON Feed: worked out once for all three
    bodies = [body_with_credit(article) for article in articles] if feeds and "json" in kinds else None
    if feeds:
        out["rss"], out["atom"] = render_feeds(spec, articles, bodies)
    if "json" in kinds:
        out["json"] = render_json(spec, articles, bodies)
    if "html" in kinds:
        out["html"] = render_page(spec, articles, specs or [spec])
    return {kind: data for kind, data in out.items() if kind in kinds}


def feed_specs(config: Config, updated: datetime = EPOCH) -> list[FeedSpec]:
    """The site feed first, then one per section, in config order."""
    site = config.site
    titles = {s.slug: s.title for s in config.sections}

    def spec(key: str, title: str, description: str, html_url: str) -> FeedSpec:
        prefix = f"{key}/" if key else ""
        return FeedSpec(
            page_path=f"{prefix}index.html",
            page_url=f"{site.feed_url}{prefix}",
            hub=site.websub_hub,
            icon=site.icon,
            logo=site.logo,
            category_scheme=site.url,
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


class _Builder:
    """One build: decides per output file whether it is current, renders and stages what is not.

    `previous` is what the last build recorded (fingerprint, feed date and
    stat of each file); `states` collects what this build leaves on disk.
    """

    def __init__(self, config: Config, store: Store, now: datetime, force: bool) -> None:
        self.config, self.store, self.now, self.force = config, store, now, force
        self.out_dir = config.output.dir
        self.previous = store.feed_files()
        self.states: dict[str, FeedFileState] = {}
        self.written: list[str] = []
        self.unchanged: list[str] = []
        self.rendered = 0
        self.articles: dict[str, Article] = {}  # the site feed and the section feeds share items
        self.batch = AtomicBatch()  # every written file becomes durable in one pass at the end
        self.specs: Sequence[FeedSpec] = ()  # every feed, for the pages' navigation
        self.shown: set[str] = set()  # the articles of the feeds rendered: in readers' hands once committed

    def current(self, path: str, fingerprint: str) -> FeedFileState | None:
        """The recorded state when the file on disk is what we last wrote for this fingerprint, else None.

        Size and mtime as written vouch for the file (as make and rsync trust
        them). When they differ (an edit, or a touch or copy that kept the
        bytes) the feed is rendered again and :meth:`emit` compares bytes:
        the file is rewritten only if they differ, and its new stat is kept.
        """
        state = self.previous.get(path)
        if self.force or state is None or state.fingerprint != fingerprint:
            return None
        try:
            st = (self.out_dir / path).stat()
        except FileNotFoundError:
            return None
        return state if (st.st_size, st.st_mtime_ns) == (state.size, state.mtime_ns) else None

    def keep(self, path: str, state: FeedFileState) -> None:
        self.unchanged.append(path)
        self.states[path] = state

    def emit(
        self, path: str, fingerprint: str, data: bytes, updated: datetime, rendered_at: datetime | None = None
    ) -> None:
        """Stage `data` unless the file already holds exactly it; its stat is recorded after the commit.
        `rendered_at`: the time its dates were clamped to (:meth:`dated_at`)."""
        target = self.out_dir / path
        if file_holds(target, data):  # a forced build over unchanged files: compared, not hashed
            self.unchanged.append(path)
        else:
            self.batch.stage(target, data)
            self.written.append(path)
        self.states[path] = FeedFileState(fingerprint, updated, rendered_at=rendered_at)

    def commit(self) -> None:
        """Make the staged files durable and visible, then record their stat."""
        self.batch.commit()
        for path, state in self.states.items():
            if state.size < 0:
                st = (self.out_dir / path).stat()
                self.states[path] = replace(state, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def feed(self, spec: FeedSpec) -> None:
        keys = self.store.feed_keys(spec.key or None, self.now, self.config.output.items_per_feed)
        fingerprint = _fingerprint(self.config, spec.key, repr(keys))
        paths = {"rss": spec.rss_path, "atom": spec.atom_path, "json": spec.json_path, "html": spec.page_path}
        stale = []
        for kind in FORMATS:
            state = self.current(paths[kind], fingerprint)
            if state is None:
                stale.append(kind)
            else:
                self.keep(paths[kind], state)
        if not stale:
            return
        ids = [k for k, _ in keys]
        self.shown.update(ids)
        at = self.dated_at(paths["rss"], fingerprint)
        articles = [not_ahead(a, at) for a in self.load(ids)]
        updated = self.feed_updated(paths["rss"], fingerprint, articles, spec.updated)
        self.rendered += 1
        for kind, data in render(replace(spec, updated=updated), articles, stale, self.specs).items():
            self.emit(paths[kind], fingerprint, data, updated, at)

    def load(self, ids: list[str]) -> list[Article]:
        missing = [i for i in ids if i not in self.articles]
        found = self.store.get_many(missing)
        ingested = [i for i, stored in found.items() if stored.origin.startswith("source:")]
        brought = self.store.dedupe_sources(ingested) if ingested else {}
        self.articles.update((i, as_published(s, self.config, brought.get(i, ()))) for i, s in found.items())
        return [self.articles[i] for i in ids if i in self.articles]

    def same_items(self, path: str, fingerprint: str) -> FeedFileState | None:
        """What was recorded of the file when it was last rendered from these same items (a forced build, a
        file changed on disk), or None."""
        state = self.previous.get(path)
        return state if state is not None and state.fingerprint == fingerprint else None

    def dated_before(self, path: str, fingerprint: str) -> datetime | None:
        """The date the feed carried when it was last rendered from these same items, or None."""
        state = self.same_items(path, fingerprint)
        return state.updated if state is not None else None

    def dated_at(self, path: str, fingerprint: str) -> datetime:
        """The time no date in this feed may pass (:func:`not_ahead`): the build's; or, for the same items
        rendered again, the time they were clamped to then, so the same store renders the same bytes.

        A file recorded before that time was kept has the feed's date instead: the same for an item that
        was clamped (the feed's date was then the clamp), earlier for an agency's date between the two."""
        state = self.same_items(path, fingerprint)
        if state is None:
            return self.now
        before = state.rendered_at or state.updated
        return self.now if before is None else min(before, self.now)

    def feed_updated(self, path: str, fingerprint: str, articles: list[Article], fallback: datetime) -> datetime:
        """The feed's updated/lastBuildDate: the newest item's `updated`, never moving backwards.

        Not now(): an unchanged store must render the same bytes. Hiding the
        newest item keeps the previous value rather than dating the feed older;
        a previous value in the future (a date typed wrong, or taken before
        :func:`not_ahead`) is dropped once the items change.
        """
        before = self.dated_before(path, fingerprint)
        if before is not None:
            return before  # a forced re-render of the same items
        state = self.previous.get(path)
        candidates = [a.updated for a in articles]
        if state is not None and state.updated is not None and state.updated <= self.now:
            candidates.append(state.updated)
        return max(candidates, default=fallback)

    def site_file(self, path: str, fingerprint: str, make: Callable[[], bytes], updated: datetime) -> None:
        state = self.current(path, fingerprint)
        if state is not None:
            self.keep(path, state)
        else:
            self.emit(path, fingerprint, make(), updated)

    def changed_feeds(self, specs: Sequence[FeedSpec]) -> tuple[str, ...]:
        """The public URLs of the feeds this build writes (what a WebSub hub is told of)."""
        urls = {path: url for spec in specs for path, url in spec.feed_urls()}
        return tuple(urls[path] for path in self.written if path in urls)

    def result(self, removed: list[str], specs: Sequence[FeedSpec]) -> BuildResult:
        written, unchanged = tuple(self.written), tuple(self.unchanged)
        return BuildResult(written, unchanged, tuple(removed), self.rendered, self.changed_feeds(specs))


def build(config: Config, store: Store, clock: Clock, *, force: bool = False) -> BuildResult:
    now = clock.now()
    builder = _Builder(config, store, now, force)
    changed = config_changed(config, store, now)
    specs = feed_specs(config, changed)
    site = config.site
    fingerprint = _fingerprint(config, "", "site")
    builder.specs = specs
    # callers hold the site lock, so a temp file of ours found now was left by a killed build
    out_dir = config.output.dir
    folders = {out_dir, *((out_dir / p).parent for p in builder.previous), *(out_dir / s.key for s in specs)}
    for stale in sweep_temp_files(sorted(folders)):
        log.info("removed %s, left by an interrupted build", stale)
    try:
        for spec in specs:
            builder.feed(spec)
        builder.site_file("feeds.opml", fingerprint, lambda: _opml(site.title, specs, changed), changed)
        if site.websub_hub and builder.written:
            from .websub import remember

            remember(store, builder.changed_feeds(specs))
        builder.commit()
    except BaseException:
        builder.batch.discard()  # no temp file outlives a failed build; published files stay as they were
        raise
    removed = _remove_stale(config.output.dir, builder.previous, builder.states)
    if builder.states != builder.previous:
        store.save_feed_files(builder.states)
        store.forget_feed_files(removed)
    # one story, one item (pressfeed.stories) asks which articles readers have. Only new ones are written:
    # a forced rebuild of the same items needs no write (and works on a store the user may only read)
    fresh = builder.shown - store.shown(sorted(builder.shown))
    if fresh:
        store.mark_shown(sorted(fresh))
    return builder.result(removed, specs)


def _opml(title: str, specs: Sequence[FeedSpec], changed: datetime) -> bytes:
    from .site import site_opml

    return site_opml(title, specs, changed)


def as_published(stored: StoredArticle, config: Config, brought_by: Sequence[str] = ()) -> Article:
    """The article as feeds carry it.

    Under the republishing rights of its agencies and of the sources that
    brought it (`brought_by`: pressfeed.rights); and a newsroom
    article that replaced a published release goes by the release's guid,
    dated after it, so readers see an update of that item.
    """
    from ..rights import as_republished, rights_for  # (and normalize's sanitizer: only to render an item)

    article = stored.article
    rights = rights_for(config, stored.origin, article.source, brought_by)
    article = as_republished(article, rights, config.output.summary_length)
    if stored.feed_guid is None:
        return article
    # not before it entered the feeds either: one whose CMS date moved later gave the item back to the release,
    # dated then, and comes back by its date alone, with nothing written to date it
    updated = max(article.updated, article.published)
    if stored.feed_guid_updated is not None:
        updated = max(updated, stored.feed_guid_updated + timedelta(seconds=1))
    return replace(article, id=stored.feed_guid, updated=updated)


def not_ahead(article: Article, now: datetime) -> Article:
    """The article with no date later than `now` (:meth:`_Builder.dated_at`): an import takes an `updated` up
    to a day ahead (a CMS clock off), and an agency's own date as it is; a feed that says so is not believed
    (the W3C validator: "implausible date"). Rendered at `now`, it says what was true then (a feed is rendered
    again only when its items change, so a date that has come since shows then). The agency's release, ahead
    of its article, is dated with the article: a time that stays put, as the release came before it."""
    source = article.source
    source_ahead = source is not None and source.published is not None and source.published > now
    if article.updated <= now and not source_ahead:
        return article  # (nearly every article)
    if source is not None and source_ahead:
        source = replace(source, published=min(article.published, now))
    return replace(article, updated=min(article.updated, now), source=source)


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
