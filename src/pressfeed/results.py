"""Typed results of every operation that changes the site, each with its one JSON form.

The library returns these values; the CLI prints their `summary()` lines for
people and their `to_json()` for scripts, and picks what to show by their
types (an :class:`Outcome`, a :class:`NoticeKind`), never by message text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from .errors import InputError, Problem, fields_of, lines_of
from .ingest.health import SourceHealth
from .text import counted


class Outcome(StrEnum):
    """What happened to one source in one ingest."""

    OK = "ok"
    #: 304, or the same bytes as last time: nothing parsed
    NOT_MODIFIED = "not-modified"
    FAILED = "failed"
    #: the server asked us to wait (429/503 with Retry-After): not polled this time
    WAITING = "waiting"
    #: found gone this run (HTTP 410, or a 404 that has now lasted GONE_AFTER): news, a failure
    GONE = "gone"
    #: gone before this run: not fetched after a 410, still 404 at the longest backoff. No failure (unless
    #: named on the command line): its health warning says it (once a day under -q), as for any source in backoff
    STILL_GONE = "still-gone"
    #: a press-release API source whose key variable is not set: not fetched
    DISABLED = "disabled"

    @property
    def failed(self) -> bool:
        return self in (Outcome.FAILED, Outcome.GONE)


class NoticeKind(StrEnum):
    #: the source moved permanently; its url in the config should follow
    MOVED = "moved"
    #: a source named on the command line was not fetched: the server asked to wait
    NOT_FETCHED = "not-fetched"
    #: upstream changed an article an editor had changed: the editor's version stays
    LOCAL_EDIT_KEPT = "local-edit-kept"
    #: entries of a feed that could not be used (no usable link, no title): skipped, the operator told why
    UNUSABLE = "unusable"
    #: odd input that was handled (a skipped entry, a clamped date)
    WARNING = "warning"


@dataclass(frozen=True)
class Notice:
    """Something an operator may want to act on that is not a failure."""

    kind: NoticeKind
    source_id: str
    message: str

    @property
    def actionable(self) -> bool:
        """Shown on a terminal run; warnings only with -v."""
        return self.kind is not NoticeKind.WARNING

    def __str__(self) -> str:
        return f"source {self.source_id}: {self.message}"


@dataclass(frozen=True)
class SourceReport:
    source_id: str
    outcome: Outcome = Outcome.OK
    http_status: int | None = None
    new: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    #: articles whose local edit was kept although upstream changed them
    conflicts: tuple[str, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = ()
    #: why each entry that could not be used was skipped (each among `warnings` too)
    unusable: tuple[str, ...] = ()
    moved_to: str | None = None
    #: named on the command line (`pressfeed ingest ID`): the operator asked for this source
    named: bool = False
    #: a gone source, or a named one not fetched: since when, what pressfeed does, how to bring it back
    note: str = ""

    @property
    def failed(self) -> bool:
        """A fetch of it failed, or found it gone; or it was named on the command line and will not be fetched
        until the operator acts (gone, disabled): the command did not do what it was asked."""
        return self.outcome.failed or (self.named and self.outcome in (Outcome.STILL_GONE, Outcome.DISABLED))

    def failure_line(self) -> str:
        line = f"source {self.source_id} failed: {self.error}" if self.error else f"source {self.source_id} not fetched"
        return f"{line} — {self.note}" if self.note else line

    def notices(self) -> list[Notice]:
        out = []
        if self.named and self.outcome is Outcome.WAITING:
            out.append(Notice(NoticeKind.NOT_FETCHED, self.source_id, self.note))
        if self.moved_to:
            message = f"moved permanently to {self.moved_to}; update its url in the config"
            out.append(Notice(NoticeKind.MOVED, self.source_id, message))
        for article_id in self.conflicts:
            message = f"kept local edit of {article_id}, upstream changed it"
            out.append(Notice(NoticeKind.LOCAL_EDIT_KEPT, self.source_id, message))
        if self.unusable:  # said without -v: an operator whose feed's items all vanish must see why
            count = len(self.unusable)
            more = f"; {count - 1} more with -v" if count > 1 else ""
            message = f"{counted(count, 'entry', 'entries')} could not be used: {self.unusable[0]}{more}"
            out.append(Notice(NoticeKind.UNUSABLE, self.source_id, message))
        out += [Notice(NoticeKind.WARNING, self.source_id, w) for w in self.warnings]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "outcome": str(self.outcome),
            "http_status": self.http_status,
            "new": list(self.new),
            "updated": list(self.updated),
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "conflicts": list(self.conflicts),
            "error": self.error,
            "warnings": list(self.warnings),
            "moved_to": self.moved_to,
            "note": self.note,
        }


@dataclass(frozen=True)
class IngestResult:
    reports: tuple[SourceReport, ...]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def failed(self) -> list[SourceReport]:
        return [r for r in self.reports if r.failed]

    def summary(self) -> str:
        new = sum(len(r.new) for r in self.reports)
        updated = sum(len(r.updated) for r in self.reports)
        label = "ingest (dry run, nothing written):" if self.dry_run else "ingest:"
        text = f"{label} {counted(len(self.reports), 'source')}, {new} new, {updated} updated"
        if self.failed:
            reasons = ", ".join(f"{r.source_id}: {r.error or r.outcome}" for r in self.failed)
            text += f", {len(self.failed)} failed ({reasons})"
        conflicts = sum(len(r.conflicts) for r in self.reports)
        if conflicts:
            text += f", {conflicts} kept local edits"
        return text

    def failure_lines(self) -> list[str]:
        return [r.failure_line() for r in self.failed]

    def notices(self) -> list[Notice]:
        return [n for r in self.reports for n in r.notices()]

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "dry_run": self.dry_run, "sources": [r.to_json() for r in self.reports]}


@dataclass(frozen=True)
class ImportFailure:
    """A configured export file that could not be imported (the others were)."""

    file: str
    problems: tuple[Problem, ...]
    #: why, when no record is at fault (the file is missing)
    reason: str = ""

    @property
    def error(self) -> str:
        return self.reason or str(InputError(list(self.problems)))

    def __str__(self) -> str:
        if self.reason:
            return f"import failed: {self.reason}"
        # the run's other files went in: this line must not read as if the whole import had failed
        why = f" ({fields})" if (fields := fields_of(self.problems)) else ""
        return f"import failed: {self.file}: nothing of this file imported{why}:\n{lines_of(self.problems)}"


#: ids an import result lists of each kind (created, updated, deleted): the counts cover them all,
#: and a million-record import does not keep a million ids
IDS_LISTED = 100


def failures_by_file(problems: Sequence[Problem]) -> tuple[ImportFailure, ...]:
    """An import's problems as one failure per file, in the order the files came."""
    files: dict[str, list[Problem]] = {}
    for problem in problems:
        files.setdefault(problem.file, []).append(problem)
    return tuple(ImportFailure(file, tuple(found)) for file, found in files.items())


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: int = 0
    #: records of deleted articles: the tombstone wins over the export
    deleted: int = 0
    failures: tuple[ImportFailure, ...] = ()
    #: the first IDS_LISTED ids of the articles created, updated, and skipped as deleted, in import order
    created_ids: tuple[str, ...] = ()
    updated_ids: tuple[str, ...] = ()
    deleted_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.files + other.files,
            self.deleted + other.deleted,
            self.failures + other.failures,
            (self.created_ids + other.created_ids)[:IDS_LISTED],
            (self.updated_ids + other.updated_ids)[:IDS_LISTED],
            (self.deleted_ids + other.deleted_ids)[:IDS_LISTED],
        )

    def summary(self) -> str:
        files = counted(self.files, "file")
        text = f"import: {files}, {self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.deleted} deleted (skipped)" if self.deleted else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": self.files,
            "created": self.created,
            "created_ids": list(self.created_ids),
            "updated": self.updated,
            "updated_ids": list(self.updated_ids),
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "deleted_ids": list(self.deleted_ids),
            "failures": [
                {"file": f.file, "error": f.error, "problems": [str(p) for p in f.problems]} for f in self.failures
            ],
        }


@dataclass(frozen=True)
class PingReport:
    """What one round of pings did."""

    hub: str
    #: feed URLs the hub acknowledged (2xx)
    pinged: tuple[str, ...] = ()
    #: feed URLs still pending: retried on the next run
    failed: tuple[str, ...] = ()
    #: why the first failed ping failed
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return f"websub: {len(self.pinged)} feeds announced to {_display(self.hub)}"

    def failure_lines(self) -> list[str]:
        """One line however many pings failed: a down hub must not flood a cron mail."""
        if not self.failed:
            return []
        return [
            f"websub: {len(self.failed)} of {len(self.failed) + len(self.pinged)} pings to {_display(self.hub)} "
            f"failed ({self.error}); they are retried on the next run"
        ]

    def to_json(self) -> dict[str, Any]:
        return {"hub": self.hub, "pinged": list(self.pinged), "failed": list(self.failed), "error": self.error}


def _display(url: str) -> str:
    """The hub without user info or query: a hub URL may carry a token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: feeds rendered (the rest were skipped by their fingerprint)
    rendered: int = 0
    #: public URLs of the feed files written (not pages or OPML): what WebSub announces
    changed_feeds: tuple[str, ...] = ()
    #: the WebSub pings made after the build (None when no hub is configured)
    websub: PingReport | None = None

    @property
    def files(self) -> int:
        return len(self.written) + len(self.unchanged)

    def summary(self) -> str:
        text = f"build: {counted(self.files, 'file')}, {len(self.written)} written, {len(self.unchanged)} unchanged"
        return text + (f", {len(self.removed)} removed" if self.removed else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "written": list(self.written),
            "unchanged": len(self.unchanged),
            "removed": list(self.removed),
            "websub": self.websub.to_json() if self.websub else None,
        }


@dataclass(frozen=True)
class RunResult:
    imported: ImportResult
    build: BuildResult
    ingest: IngestResult | None = None
    #: every source's health after the run
    health: tuple[SourceHealth, ...] = ()
    #: unhealthy sources a quiet (cron) run should warn about now: health changed, or a day has passed
    health_due: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.imported.ok and (self.ingest is None or self.ingest.ok)

    def lines(self) -> list[str]:
        """The one-line-per-stage summary cron logs."""
        out = [self.imported.summary()]
        if self.ingest is not None:
            out.append(self.ingest.summary())
        out.append(self.build.summary())
        return out

    def failure_lines(self) -> list[str]:
        lines = [str(f) for f in self.imported.failures]
        return lines + (self.ingest.failure_lines() if self.ingest is not None else [])

    def notices(self) -> list[Notice]:
        return self.ingest.notices() if self.ingest is not None else []

    def health_warnings(self) -> list[tuple[str, bool]]:
        """Unhealthy sources not already reported as failed this run, each with whether it is due: whether a
        quiet (cron) run warns of it now."""
        failed = {r.source_id for r in self.ingest.failed} if self.ingest is not None else set()
        return [
            (f"warning: source {h.line()}", h.source_id in self.health_due)
            for h in self.health
            if not h.ok and h.source_id not in failed
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "import": self.imported.to_json(),
            "ingest": self.ingest.to_json() if self.ingest is not None else None,
            "build": self.build.to_json(),
            "health": [h.to_json() for h in self.health],
        }
