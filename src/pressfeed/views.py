"""What the read-only commands show, each with its one JSON form: the build plan
(`pressfeed check`), each source's fetch state (`pressfeed sources`) and a stored
article with its story links (`pressfeed articles list/show`); and what an
operator's `pressfeed sources reset` did.

They sit apart from :mod:`pressfeed.results` (what import, ingest, build and run
return) because the cron job builds none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .terms import Status, utc_text
from .text import counted

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from .ingest.health import NextFetch
    from .ingest.state import SourceState
    from .store.base import StoredArticle


@dataclass(frozen=True)
class FeedPlan:
    key: str
    title: str
    items: int
    files: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What `build` would produce (`pressfeed check`)."""

    config: str
    store: str
    articles: int
    output: str
    feeds: tuple[FeedPlan, ...]
    sources: tuple[str, ...]
    #: each `imports:` entry and how many files it names now
    imports: tuple[tuple[str, int], ...] = ()
    #: what the next run would fail on: an `imports:` entry naming one file that is not there, a source's local
    #: file that is not there
    problems: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        out = [f"config ok: {self.config}", f"store: {self.store} ({self.articles} articles)", f"output: {self.output}"]
        out += [f"  {f.title}: {f.items} items -> {', '.join(f.files)}" for f in self.feeds]
        out += [f"  imports {pattern}: {counted(count, 'file')}" for pattern, count in self.imports]
        return out + [f"  source {s}" for s in self.sources]

    def to_json(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "store": self.store,
            "articles": self.articles,
            "output": self.output,
            "feeds": [{"key": f.key, "title": f.title, "items": f.items, "files": list(f.files)} for f in self.feeds],
            "sources": list(self.sources),
            "imports": [{"pattern": pattern, "files": count} for pattern, count in self.imports],
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class SourceStatus:
    """A configured source with its stored fetch state (`pressfeed sources`)."""

    id: str
    name: str
    url: str
    section: str | None
    state: SourceState
    #: when the next run fetches it, and why not before (pressfeed.ingest.health.next_fetch)
    next_fetch: NextFetch

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "section": self.section,
            "state": self.state.to_dict(),
            "next_fetch": self.next_fetch.to_json(),
        }


@dataclass(frozen=True)
class SourceReset:
    """What `pressfeed sources reset` did to a source (pressfeed.ingest.reset.reset), and when it is fetched
    next now."""

    id: str
    name: str
    #: what was cleared, and what was kept and why, as a person reads each
    cleared: tuple[str, ...]
    kept: tuple[str, ...]
    #: items whose pages get a full round of tries again (held as drafts, or keeping an earlier read's text)
    pages: int
    #: the fetch state now
    state: SourceState
    next_fetch: NextFetch

    def line(self) -> str:
        """'closed: reset gone (HTTP 410 since 2025-11-08), 1 failure in a row; next fetch at the next run'"""
        done = list(self.cleared)
        if self.pages:
            done.append(f"{self.pages} item page{'s' if self.pages > 1 else ''} to be read again")
        text = f"{self.id}: reset {', '.join(done)}" if done else f"{self.id}: nothing to reset"
        text += "".join(f"; kept {kept}" for kept in self.kept)
        return f"{text}; next fetch {self.next_fetch.text()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "cleared": list(self.cleared),
            "kept": list(self.kept),
            "pages": self.pages,
            "state": self.state.to_dict(),
            "next_fetch": self.next_fetch.to_json(),
        }


def listed_status(stored: StoredArticle, now: datetime, superseded: bool, held: str) -> str:
    """The status `articles list` shows for an article (:data:`pressfeed.terms.LISTED_STATUSES`)."""
    status = stored.article.status
    if status is Status.PUBLISHED and stored.article.published > now:
        return "scheduled"  # embargoed: in no feed yet
    if status is Status.PUBLISHED and superseded:
        return "superseded"  # a newsroom article in the feeds republishes it (`articles show` says which)
    if status is Status.DRAFT and held:
        return "held"  # a draft pressfeed keeps until its page gives text (`articles show` says why)
    return str(status)


@dataclass(frozen=True)
class ArticleInfo:
    """A stored article as `articles list/show` present it."""

    stored: StoredArticle
    #: the releases this newsroom article supersedes (pressfeed.stories)
    supersedes: tuple[str, ...] = ()
    #: why pressfeed keeps this ingested item a draft (its page gave no text), or ""
    held: str = ""
    #: what reading its page left out or could not do (script-only files, a failed re-read), or ""
    page_note: str = ""
    #: the article it is superseded_by keeps it out of the feeds now (pressfeed.stories.keeps_out)
    superseded: bool = False
    #: else why that article does not: it is a draft, hidden, scheduled or deleted ("" if kept beside it)
    superseder_state: str = ""
    #: the status `articles list` shows (one of LISTED_STATUSES): its own, or why a published one is in no
    #: feed (scheduled, superseded), or why a draft is one (held: its page gave no text yet)
    listed_status: str = ""
    #: when upstream changed it since an editor's local edit, which kept that version out (`articles revert`)
    upstream_changed: datetime | None = None
    #: the source whose correction the article's words are, not its owner's (pressfeed.ingest.copies)
    words_from: str | None = None

    @property
    def locally_edited(self) -> bool:
        from .merge import locally_edited

        return locally_edited(self.stored)

    def story_lines(self) -> list[str]:
        """ "superseded by …" / "supersedes …", as an editor reads them."""
        stored = self.stored
        out = []
        if stored.superseded_by:
            line = f"superseded by {stored.superseded_by}"
            if stored.keep_both:
                line += " (kept in the feeds too: --keep-both)"
            elif not self.superseded:
                line += f" only while it is in the feeds; it is {self.superseder_state}"
            out.append(line)
        out += [f"supersedes {release_id}" for release_id in self.supersedes]
        if stored.feed_guid:
            out.append(f"in the feeds as {stored.feed_guid} (the release it replaced)")
        if self.held:
            out.append(f"held as a draft: {self.held}")
        return out

    def upstream_lines(self, tz: tzinfo) -> list[str]:
        """Upstream's changes pressfeed did not take, as an editor reads it: one an editor's local edit kept
        out, and those of an item that changes without a new date (pressfeed.merge.undated_changes)."""
        from .merge import UNDATED_CHANGES_MAX

        out = []
        if self.upstream_changed is not None:
            when = self.upstream_changed.astimezone(tz).isoformat()
            article_id = self.stored.article.id
            out.append(
                f"changed at {when}; the local edit is kept (`pressfeed articles revert {article_id}`"
                " takes upstream's version instead)"
            )
        if self.words_from is not None:
            owner = self.stored.origin.removeprefix("source:")
            out.append(
                f"its words are source {self.words_from}'s correction; source {owner}'s item gives others, and"
                " its next change of them is taken"
            )
        if self.stored.undated_changes >= UNDATED_CHANGES_MAX:
            out.append(
                f"changed {UNDATED_CHANGES_MAX} times without a date of its own; its changes are not taken"
                " until its feed dates one"
            )
        return out

    def record(self) -> dict[str, Any]:
        """The article as a record `pressfeed import` takes back (an editor's edit; a release's is a local
        edit). Without `updated`: an edit imported is dated then, and an unchanged record changes nothing."""
        from .model import article_to_dict

        record = article_to_dict(self.stored.article)
        del record["updated"]
        return record

    def text_fields(self, tz: tzinfo) -> dict[str, Any]:
        """The fields `articles show` prints, but the body: its dates in the site's zone, as every other
        line an editor reads is (--json keeps UTC)."""
        from datetime import datetime

        fields = self.to_json()
        del fields["body_html"]
        for key in ("published", "updated", "upstream_changed"):
            if fields.get(key):
                fields[key] = datetime.fromisoformat(fields[key]).astimezone(tz).isoformat()
        return fields

    def to_json(self) -> dict[str, Any]:
        from .model import article_to_dict

        return {
            **article_to_dict(self.stored.article),
            "origin": self.stored.origin,
            "locally_edited": self.locally_edited,
            "superseded_by": self.stored.superseded_by,
            "superseded": self.superseded,
            "keep_both": self.stored.keep_both,
            "supersedes": list(self.supersedes),
            "feed_guid": self.stored.feed_guid,
            "held": self.held or None,
            "page_note": self.page_note or None,
            "listed_status": self.listed_status,
            "upstream_changed": utc_text(self.upstream_changed) if self.upstream_changed is not None else None,
            "undated_changes": self.stored.undated_changes,
            "words_from": self.words_from,
        }
