"""The library API: what the CLI and the tests call.

A :class:`Pressfeed` ties a validated config, a store and a clock together.
Decisions live in pure modules (normalize, publish, ingest.mapping); this
module sequences them and owns the I/O.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import Clock
from .config import Config, load_config
from .errors import ArticleNotFoundError, RecordError, UsageError
from .imports.configured import configured_files, import_each, missing_files
from .ingest.health import OVERDUE, SourceHealth, assess, has_key, next_fetch, warning_due, with_held
from .ingest.state import SourceState
from .merge import UNDATED_CHANGES_MAX
from .publish import build, feed_specs, websub
from .results import BuildResult, ImportResult, IngestResult, RunResult
from .store import Store, StoredArticle, open_store
from .store.base import ArticleWrite, file_lock
from .store.url import redact
from .terms import LISTED_STATUSES, ArticleFilter, Status
from .workers import workers_for

if TYPE_CHECKING:
    from datetime import datetime

    from .imports.read import RawRecord
    from .store.base import PageState
    from .views import ArticleInfo, Plan, SourceReset, SourceStatus


#: store meta: set once the recent releases stored before passage keys were given theirs (stories.backfill_passages)
BACKFILLED_KEY = "passages_backfilled"


class Pressfeed:
    """A site: its validated config, its store and a clock.

    `auto_workers`: the caller's entry point is guarded against re-import, so
    large imports and ingests may start worker processes without
    `fetch.workers` being configured (the pressfeed command sets it).
    """

    def __init__(
        self, config: Config, store: Store | None = None, clock: Clock | None = None, *, auto_workers: bool = False
    ) -> None:
        self.config = config
        self.store: Store = store if store is not None else open_store(config.store_url)
        self.clock = clock or Clock()
        self.context = config.normalize_context()
        self.auto_workers = auto_workers

    @classmethod
    def open(
        cls, site_dir: Path | str = ".", config: Path | str | None = None, clock: Clock | None = None
    ) -> Pressfeed:
        return cls(load_config(site_dir, config), clock=clock)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Pressfeed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import ---------------------------------------------------------------

    @property
    def workers(self) -> int:
        """Worker processes for large jobs (0 = in this process)."""
        return workers_for(self.config.fetch.workers, auto=self.auto_workers)

    def import_files(self, paths: Iterable[str]) -> ImportResult:
        """Import export files all-or-nothing: any bad record in any file, nothing is written."""
        from .imports.importer import import_files

        return import_files(
            self.store, self.context, self.clock.now(), list(paths), self.workers, self.config.supersedable
        )

    def restored_by_exports(self, files: Iterable[str], result: ImportResult) -> list[str]:
        """The newsroom articles an import of `files` updated that the configured exports (`imports:`) may give
        back their own versions on the next run: the CMS is where its articles are edited (an edit imported by
        hand was reverted by the next run without a word, an operator's walkthrough found)."""
        exports = {path.resolve() for path in self._exports(self.config.imports)}
        if not exports or not result.updated_ids or all(f != "-" and Path(f).resolve() in exports for f in files):
            return []  # (stdin, "-", is no export)
        from .imports.importer import CMS_ORIGIN

        stored = self.store.get_many(list(result.updated_ids))
        return [i for i in result.updated_ids if i in stored and stored[i].origin == CMS_ORIGIN]

    def import_records(self, records: Iterable[RawRecord]) -> ImportResult:
        """Import records all-or-nothing (one file's worth, or any iterable)."""
        from .errors import InputError
        from .imports.importer import Importer

        importer = Importer(self.store, self.context, self.clock.now(), self.workers, self.config.supersedable)
        with self.store.transaction():
            importer.add(records)
            if importer.problems:
                raise InputError(importer.problems)
        return importer.result(files=1)

    def import_configured(self) -> ImportResult:
        """The config's `imports:` globs, file by file: a bad file is reported, the rest go in."""
        paths = self._exports(self.config.imports)
        self._backfill_passages()  # (before the exports' articles are linked again, once, with theirs)
        result = import_each(self.store, self.context, self.clock.now(), paths, self.workers, self.config.supersedable)
        return result + ImportResult(failures=tuple(missing_files(self.config.imports, self.config.site_dir)))

    def _exports(self, patterns: Sequence[str]) -> list[Path]:
        """The files `patterns` (the config's `imports:`) name, but pressfeed's own: its output, store, config."""
        config = self.config
        own = [config.output.dir, config.file, config.sources_file]
        if config.store_path is not None:  # (its folder may be the site's own; `**` passes over a `.pressfeed`)
            own.append(config.store_path)
        return configured_files(patterns, config.site_dir, own)

    def _backfill_passages(self) -> None:
        """Once, after the upgrade that brought near copies: the recent releases stored before get passage keys."""
        if self.store.get_meta(BACKFILLED_KEY) is None:
            from .stories import backfill_passages  # (normalization's modules: not for every run)

            with self.store.transaction():
                backfill_passages(self.store, [f"source:{s.id}" for s in self.config.sources], self.clock.now())
                self.store.set_meta(BACKFILLED_KEY, "done")

    # -- the cron job -----------------------------------------------------------

    @property
    def site_lock_file(self) -> Path:
        """The site's own lock of a store several hosts share (PostgreSQL), in the site's directory."""
        return self.config.site_dir / ".pressfeed" / "pressfeed.lock"

    @contextmanager
    def locked(self, wait: float = 0) -> Iterator[None]:
        """Exclusive use of the site's store and output.

        Cron jobs don't wait for another run of this site (a second run gets
        LockedError at once: the first one is doing its work); an editor's
        one-off command may `wait` a little for a run to finish. A store that
        several hosts share (PostgreSQL) has a second lock, the store's own:
        a run waits up to `store.lock_wait` seconds for another host's run,
        which builds that host's output and not this one's.
        """
        with ExitStack() as stack:
            if not self.store.local:  # the site's own lock, in its directory
                stack.enter_context(file_lock(self.site_lock_file, wait))
                wait = max(wait, self.config.store.lock_wait)
            stack.enter_context(self.store.lock(wait))
            yield

    def run(self, progress: Callable[[str], None] | None = None) -> RunResult:
        """Import the configured files, ingest every source, build; under the site lock."""
        with self.locked():
            imported = self.import_configured()
            ingest = self.ingest(progress=progress) if self.config.sources else None
            built = self.build()
            health, due = self._health_after_run()
        return RunResult(imported, built, ingest, health, due)

    def source_health(self, environ: Mapping[str, str] | None = None) -> list[SourceHealth]:
        """Each configured source's health (`pressfeed sources check`), from its stored state."""
        return self._health(self._states(), environ, self.clock.now())

    def _health(
        self, states: Mapping[str, SourceState], environ: Mapping[str, str] | None, now: datetime
    ) -> list[SourceHealth]:
        env = os.environ if environ is None else environ
        held, given_up = self._held(now)
        kept_out = self.store.changed_upstream()
        tz = self.config.site.tz
        return [
            replace(
                with_held(assess(s, states[s.id], now, env, tz), held[s.id], given_up[s.id]),
                kept_out=tuple(kept_out.get(f"source:{s.id}", ())),
                restless=states[s.id].restless,
            )
            for s in self.config.sources
        ]

    def _held(self, now: datetime) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
        """Why each of the items pressfeed holds as a draft is held, by source, and how many of them will not be
        tried again: every source's drafts and their pages in a few reads, not a round trip per source and per
        item."""
        sources = {f"source:{s.id}": s for s in self.config.sources}
        drafts = self.store.articles(ArticleFilter(status=Status.DRAFT, origins=tuple(sources))) if sources else []
        pages = self.store.pages([stored.article.id for stored in drafts]) if drafts else {}
        held: dict[str, list[str]] = {s.id: [] for s in sources.values()}
        given_up = dict.fromkeys(held, 0)
        for stored in drafts:
            if reason := self._held_reason(stored, pages):
                source = sources[stored.origin]
                held[source.id].append(reason)
                page = pages.get(stored.article.id)
                # its retries are spent or overdue (its feed no longer lists it), or it has no text and no page
                # will be read for it; a source that makes every item a draft waits for an editor by design
                spent = not source.fulltext if page is None else page.next_try is None or page.next_try < now - OVERDUE
                if spent and source.status is Status.PUBLISHED:
                    given_up[source.id] += 1
        return {source_id: tuple(reasons) for source_id, reasons in held.items()}, given_up

    def _health_after_run(self) -> tuple[tuple[SourceHealth, ...], tuple[str, ...]]:
        """Every source's health, and which unhealthy ones a quiet run warns about now (remembered)."""
        now, states = self.clock.now(), self._states()
        health = tuple(self._health(states, None, now))
        due, changed = [], {}
        for source, verdict in zip(self.config.sources, health, strict=True):
            state = states[source.id]
            if warning_due(verdict, state, now):
                due.append(source.id)
                state = replace(state, warned_health=str(verdict.status), warned_at=now.isoformat())
            elif verdict.ok and state.warned_health is not None:
                state = replace(state, warned_health=None, warned_at=None)
            else:
                continue
            changed[source.id] = state.to_dict()
        if changed:
            self.store.save_source_states(changed)
        return health, tuple(due)

    def _states(self) -> dict[str, SourceState]:
        """Every configured source's stored state, in one read (a run asks for all of them)."""
        stored = dict(self.store.source_states())
        return {s.id: SourceState.load(stored.get(s.id), s.url) for s in self.config.sources}

    def ingest(
        self,
        source_ids: Sequence[str] = (),
        *,
        dry_run: bool = False,
        progress: Callable[[str], None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> IngestResult:
        from .ingest.update import ingest_sources

        return ingest_sources(
            self.config,
            self.store,
            self.clock,
            source_ids,
            dry_run=dry_run,
            progress=progress,
            auto_workers=self.auto_workers,
            environ=environ,
        )

    def source_status(self, environ: Mapping[str, str] | None = None) -> list[SourceStatus]:
        """Each configured source with its stored fetch state and when the next run fetches it, by the rule
        ingest follows (for `pressfeed sources`; `environ`: where API keys live)."""
        from .views import SourceStatus

        env = os.environ if environ is None else environ
        states, now, tz = self._states(), self.clock.now(), self.config.site.tz
        return [
            SourceStatus(
                s.id,
                s.name,
                s.url,
                s.section,
                states[s.id],
                next_fetch(s, states[s.id], now, tz, key_set=has_key(s, env)),
            )
            for s in self.config.sources
        ]

    def reset_sources(self, source_ids: Sequence[str], environ: Mapping[str, str] | None = None) -> list[SourceReset]:
        """Bring sources back without changing their url (`pressfeed sources reset`): each fetched at the next
        run, in full, as if it had never failed (:func:`pressfeed.ingest.reset.reset` says what that clears),
        the pages of its held items read again (a full round of tries), and the next change of each item that
        changed too often without a date taken (:meth:`Store.unblock_undated`). Articles (but for that hold),
        their dedupe keys and tombstones are not touched: what the source brings again is deduplicated as
        ever, never published twice.

        Every id is checked before anything changes (an unknown one: UsageError); all of them change in one
        transaction. Call it under :meth:`locked`: a run saves every source's state at its end and would undo
        a reset made meanwhile. `environ`: where API keys live, for the next fetch shown.
        """
        from .ingest.fulltext import try_again
        from .ingest.reset import reset, undated_cleared
        from .ingest.update import select_sources
        from .views import SourceReset

        if not source_ids:  # never "all" by omission: a reset is a claim the operator checked each source
            raise UsageError("name the sources to reset (see `pressfeed sources check`)")
        chosen = select_sources(self.config, source_ids)
        env = os.environ if environ is None else environ
        now, tz = self.clock.now(), self.config.site.tz
        done = []
        with self.store.transaction():
            states = self._states()
            for source in chosen:
                after = reset(source, states[source.id], now, tz)
                # a page held for a source that no longer reads pages would never be read: nothing to promise
                held = self.store.held(f"source:{source.id}") if source.fulltext else []
                self.store.save_source_state(source.id, after.state.to_dict())
                self.store.save_pages([try_again(page, now, tz) for page in held])
                restless = self.store.unblock_undated(f"source:{source.id}", UNDATED_CHANGES_MAX)
                restless += self.store.release_held(source.id)  # (its copies' corrections held back: ingest.copies)
                cleared = after.cleared + undated_cleared(restless)
                upcoming = next_fetch(source, after.state, now, tz, key_set=has_key(source, env))
                done.append(SourceReset(source.id, source.name, cleared, after.kept, len(held), after.state, upcoming))
        return done

    def delete(self, article_id: str) -> None:
        """Delete an article, leaving a tombstone so no source brings it back."""
        stored = self.article(article_id)
        now = self.clock.now()
        from .stories import hand_over, settle  # (normalize and nh3 with it: not for every command)

        with self.store.transaction():
            self.store.delete(stored.article.id, now)
            hand_over(self.store, stored, False, now)
            # another article citing the releases it superseded may keep them out now
            settle(self.store, self.config.story_rules(), now, articles=[stored.article.id])

    def plan(self) -> Plan:
        """What `build` would produce, for `pressfeed check`; writes nothing."""
        from .views import FeedPlan, Plan

        now = self.clock.now()
        limit = self.config.output.items_per_feed
        feeds = tuple(
            FeedPlan(
                spec.key or "site",
                spec.title,
                len(self.store.feed_keys(spec.key or None, now, limit)),
                (spec.rss_path, spec.atom_path, spec.json_path, spec.page_path),
            )
            for spec in feed_specs(self.config)
        )
        return Plan(
            config=str(self.config.file),
            store=redact(self.config.store_url),
            articles=self.store.count(),
            output=str(self.config.output.dir),
            feeds=feeds,
            sources=tuple(f"{s.id}: {s.name} <{s.url}>" for s in self.config.sources),
            imports=tuple((p, len(self._exports([p]))) for p in self.config.imports),
            problems=(
                *(f.reason for f in missing_files(self.config.imports, self.config.site_dir)),
                *self._missing_source_files(),
            ),
        )

    def _missing_source_files(self) -> list[str]:
        """The sources read from a local file that is not there (or no file): the run would fail them."""
        missing = []
        for source in self.config.sources:  # (the config gives a local file's path, an http(s) URL with "://")
            if "://" not in source.url and not Path(source.url).is_file():
                missing.append(f"source {source.id}: {source.url}: no such file (its url in the config)")
        return missing

    # -- build ----------------------------------------------------------------

    def build(self, *, force: bool = False) -> BuildResult:
        """Write the feeds and pages, then (files durable) ping the WebSub hub for the changed feeds."""
        result = build(self.config, self.store, self.clock, force=force)
        if not self.config.site.websub_hub and self.store.get_meta(websub.PENDING_KEY) is None:
            return result  # no hub and nothing pending: httpx need not even be imported
        published = {url for spec in feed_specs(self.config) for _, url in spec.feed_urls()}
        pings = websub.publish(
            self.config.site.websub_hub,
            self.store,
            result.changed_feeds,
            user_agent=self.config.fetch.user_agent,
            published=published,
        )
        return replace(result, websub=pings)

    # -- articles ---------------------------------------------------------------

    def articles(
        self, section: str | None = None, status: Status | None = None, limit: int | None = None
    ) -> list[StoredArticle]:
        return self.store.articles(ArticleFilter(section=self._section_slug(section), status=status, limit=limit))

    def listing(
        self, section: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[ArticleInfo]:
        """Newest articles first, as `articles list` shows them. `status` is one of LISTED_STATUSES, and is
        exactly what the list shows: "published" is in the feeds, neither scheduled nor superseded."""
        if status is not None and status not in LISTED_STATUSES:
            raise UsageError(f"unknown status {status!r}: one of {', '.join(LISTED_STATUSES)}")
        slug, stored = self._section_slug(section), LISTED_STATUSES.get(status or "")
        query, now = ArticleFilter(section=slug, status=stored, limit=limit), self.clock.now()
        if status == "scheduled":
            query = replace(query, published_after=now)
        elif status in ("published", "superseded"):
            query = replace(query, published_before=now, superseded=status == "superseded")
        if status not in ("published", "superseded", "draft", "held"):
            return self.infos(self.store.articles(query))  # the store tells these apart itself
        # these are told by other rows too (the newsroom article, the page): candidates until `limit` are found
        if limit is None:
            return [info for info in self.infos(self.store.articles(query)) if info.listed_status == status]
        batch = limit
        while True:
            rows = self.store.articles(replace(query, limit=batch))
            found = [info for info in self.infos(rows) if info.listed_status == status]
            if len(found) >= limit or len(rows) < batch:
                return found[:limit]
            batch *= 4

    def _section_slug(self, section: str | None) -> str | None:
        if section is None:
            return None
        slug = self.config.resolve_section(section)
        if slug is None:
            raise UsageError(f"unknown section {section!r} (see `pressfeed sections`)")
        return slug

    def article(self, article_id: str) -> StoredArticle:
        """An article by its id, or by the CMS number it was imported under (20251108-0001)."""
        stored = self.store.get(article_id)
        ids = [article_id]
        if stored is None:
            from .normalize import make_id

            try:  # the id import gave that number: one rule, in normalize.make_id
                ids.append(make_id(article_id, "", self.config.site.tag_authority))
                stored = self.store.get(ids[-1])
            except RecordError:
                stored = None
        if stored is None:
            raise ArticleNotFoundError(article_id, deleted=bool(self.store.tombstoned(ids)))
        return stored

    def info(self, stored: StoredArticle) -> ArticleInfo:
        """An article with what `articles show` tells about it (:meth:`infos`)."""
        return self.infos([stored])[0]

    def infos(self, stored: Sequence[StoredArticle]) -> list[ArticleInfo]:
        """Articles with what `articles list/show` tell about them: the releases each supersedes, why it is
        held, what reading its page left out. One query of each kind for all of them, never one per article:
        a list stays as fast at 1M articles as at 10k."""
        from .merge import locally_edited
        from .stories import keeps_out
        from .views import ArticleInfo, listed_status

        supersedes = self.store.superseded_many([s.article.id for s in stored])
        edited = [s.article.id for s in stored if locally_edited(s)]
        changes = self.store.upstream_changes(edited) if edited else {}
        superseders = self.store.get_many(sorted({s.superseded_by for s in stored if s.superseded_by}))
        now = self.clock.now()
        # one read of its page serves both: why it is held, or else what reading the page noticed
        ingested = [s.article.id for s in stored if s.origin.startswith("source:")]
        pages = self.store.pages(ingested)
        carried = {  # (an edited article's words are the editor's: a copy's correction is kept out, if any)
            article_id: source_id
            for article_id, rows in (self.store.sightings(ingested) if ingested else {}).items()
            for source_id, row in rows.items()
            if row.carries and article_id not in edited
        }
        infos = []
        for one in stored:
            article_id = one.article.id
            held = self._held_reason(one, pages)
            page = pages.get(article_id)
            note = page.reason if page is not None and not held else ""
            by = superseders.get(one.superseded_by) if one.superseded_by else None
            superseded = keeps_out(one, by, now)
            state = "" if superseded or one.keep_both or not one.superseded_by else _not_in_feeds(by)
            listed = listed_status(one, now, superseded, held)
            change = changes.get(article_id)
            infos.append(
                ArticleInfo(
                    one,
                    tuple(supersedes.get(article_id, ())),
                    held,
                    note,
                    superseded,
                    state,
                    listed,
                    change.seen if change is not None else None,
                    carried.get(article_id),
                )
            )
        return infos

    def kept_out_by(self, stored: StoredArticle) -> str | None:
        """The newsroom article that keeps this release out of the feeds now, if any."""
        from .stories import keeps_out  # (normalize and nh3 with it: not for every command)

        by = self.store.get(stored.superseded_by) if stored.superseded_by else None
        return stored.superseded_by if keeps_out(stored, by, self.clock.now()) else None

    def publish(self, article_id: str, *, keep_both: bool = False) -> tuple[StoredArticle, str | None]:
        """Publish an article (`keep_both`: a release beside the newsroom article that supersedes it). Returns it
        and the article that still keeps it out of the feeds, if one does; a release published already and kept
        out is refused, since publishing it again would do nothing."""
        if keep_both:  # first: it refuses a release nothing supersedes, and a refusal must change nothing
            self.keep_both(article_id)
        stored = self.article(article_id)
        by = self.kept_out_by(stored)
        if by is not None and stored.article.status is Status.PUBLISHED:
            raise UsageError(
                f"{stored.article.id} is published already, but stays out of the feeds while {by}, which "
                f"supersedes it, is in them: `pressfeed articles publish --keep-both {stored.article.id}` "
                "publishes both"
            )
        return self.set_status(stored.article.id, Status.PUBLISHED), by

    def _held_reason(self, stored: StoredArticle, pages: Mapping[str, PageState] | None = None) -> str:
        """Why pressfeed keeps an ingested item a draft: its page gave no text, or it has none at all.

        `pages`: the pages of a batch of drafts, read at once; else this one's is read if it is a draft.
        """
        article = stored.article
        if not stored.origin.startswith("source:") or stored.upstream_status != Status.DRAFT:
            return ""
        page = (self.store.pages([article.id]) if pages is None else pages).get(article.id)
        if page is not None and page.status == "failed":
            return page.reason
        if not article.body_html:
            from .ingest.mapping import NO_TEXT  # (the mapping rules, nh3 and rights: only for such a draft)

            return NO_TEXT
        return ""

    def keep_both(self, article_id: str) -> StoredArticle:
        """Publish a superseded release beside the newsroom article that supersedes it, on purpose."""
        stored = self.article(article_id)
        if stored.superseded_by is None:
            raise UsageError(f"{stored.article.id} is superseded by no article: --keep-both changes nothing")
        from .stories import restamp  # (normalize and nh3 with it: not for every command)

        holder = self.store.get(stored.superseded_by)
        with self.store.transaction():
            self.store.set_keep_both(stored.article.id, True)
            if holder is not None and holder.feed_guid == stored.article.id:
                # the article gives the guid back: the item readers have shows the release again, dated now
                restamp(self.store, stored.article.id, self.clock.now())
        return self.article(stored.article.id)

    def revert(self, article_id: str) -> tuple[StoredArticle, datetime]:
        """Take the upstream version a local edit kept out (:meth:`Store.upstream_changes`), dropping the edit:
        the article as its agency last sent it, dated now as any upstream change is. The editor's publish
        stands unless upstream changed the status too, a hide always. Returns the article and when upstream
        changed."""
        from .merge import locally_edited, merge_upstream
        from .model import encode

        stored = self.article(article_id)
        if not locally_edited(stored):
            # a version kept out of an edit since undone is forgotten; a copy's correction is not, the next run
            # takes it (pressfeed.ingest.copies)
            rows = self.store.sightings([stored.article.id]).get(stored.article.id, {})
            if not any(row.carries for row in rows.values()):
                self.store.drop_upstream_changes([stored.article.id])
            raise UsageError(f"{stored.article.id} has no local edit: nothing to revert")
        change = self.store.upstream_changes([stored.article.id]).get(stored.article.id)
        if change is None:
            raise UsageError(
                f"{stored.article.id}: upstream has not changed it since the local edit, and pressfeed keeps no"
                " other version of it; edit it back (`articles show --record`, then `import`)"
            )
        upstream = encode(change.article)
        now = self.clock.now()
        # dated at the revert, whatever date upstream gave its version: readers get the change now, not hours back
        # (also when upstream's is the text last taken, under a new status: the edit readers had goes)
        merged = merge_upstream(stored, upstream, explicit_updated=False, now=now) or upstream
        if merged.content_hash != stored.content_hash and stored.article.updated <= now:
            merged = merged.restamped(status=merged.status, updated=max(now, merged.updated))
        with self.store.transaction():
            self.store.write([ArticleWrite.from_upstream(merged, stored.origin, upstream=upstream)])
            self.store.drop_upstream_changes([stored.article.id])
        return self.article(stored.article.id), change.seen

    def set_status(self, article_id: str, status: Status) -> StoredArticle:
        from .stories import hand_over, settle

        stored = self.article(article_id)
        if stored.article.status is status:
            return stored  # no edit: nothing to write, and nothing for a story to hand over
        now = self.clock.now()
        with self.store.transaction():
            self.store.set_status(stored.article.id, status, now)
            # under a release's guid: the item readers have changes content, its `updated` must not go back
            in_feeds = status is Status.PUBLISHED and stored.article.published <= now
            hand_over(self.store, stored, in_feeds, now)
            # in the feeds or out: the article citing its releases that is in them sooner keeps them out
            settle(self.store, self.config.story_rules(), now, articles=[stored.article.id])
            return self.article(stored.article.id)


def _not_in_feeds(article: StoredArticle | None) -> str:
    """Why a newsroom article is in no feed: deleted, its status, or dated later (embargoed)."""
    if article is None:
        return "deleted"
    return "scheduled" if article.article.status is Status.PUBLISHED else str(article.article.status)
