"""The config's `imports:` files, as `pressfeed run` imports them: each only when it changed.

Which files the globs name, and whether one is unchanged since its last
import (:mod:`.state`), is all a run with no new export needs; the modules
that read and normalize records load when a file is imported.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problem, WorkerDiedError
from ..results import ImportFailure, ImportResult
from . import state

if TYPE_CHECKING:
    from ..context import NormalizeContext
    from ..store import Store
    from ..stories import Supersedable
    from .importer import SeenIds


def import_each(
    store: Store,
    ctx: NormalizeContext,
    now: datetime,
    paths: Sequence[Path],
    workers: int = 0,
    supersedable: Supersedable | None = None,
) -> ImportResult:
    """Files one by one, each all-or-nothing: a bad file is reported, the others go in.

    A file unchanged since its last successful import here is not read again
    (pressfeed.imports.state says when that is exact); it counts as importing it would.
    One whose articles' citations are of an older form (or were never given) is read
    again, and each of its articles linked, not only those written (once: it is then
    remembered under the current form). `supersedable`: import_files's rule when None.
    """
    settings = state.settings_key(ctx)
    total = ImportResult()
    # an id two exports give is the second's problem, as `pressfeed import a b` has it: each run its version
    # was taken in turn, the article re-dated twice. While two disagree, every export is read (an unchanged one
    # skipped would not have its ids met)
    disagreed = bool(store.get_meta(state.DISAGREED_KEY))
    seen: SeenIds | None = None
    conflict = False
    for path in paths:
        try:
            before = state.file_sha256(path)
        except OSError:
            before = None  # the import names the problem
        known = None if before is None or disagreed else state.unchanged(store, path, settings, before)
        if known is not None:
            total += known.result()
            continue
        from ..stories import any_release
        from . import importer  # reading and normalizing records: only for a file that changed

        seen = seen or importer.SeenIds()
        rule = supersedable if supersedable is not None else any_release
        relink = not state.linked(store, path)
        try:
            result = importer.import_files(store, ctx, now, [str(path)], workers, rule, relink_all=relink, seen=seen)
        except InputError as exc:
            total += ImportResult(failures=(ImportFailure(str(path), tuple(exc.problems)),))
            conflict = conflict or any(_of_another_export(problem, path) for problem in exc.problems)
            continue
        except WorkerDiedError as exc:  # this file failed; the other exports still go in
            total += ImportResult(failures=(ImportFailure(str(path), (), str(exc)),))
            continue
        total += result
        try:
            after = state.file_sha256(path)
        except OSError:  # moved or removed since it was read (a CMS archiving it): imported, not remembered
            after = None
        if before is not None and after == before:  # not changed while it was read
            state.remember(store, path, settings, result, before)
    if seen is not None:
        seen.close()
    if conflict != disagreed:
        store.set_meta(state.DISAGREED_KEY, "1" if conflict else "")
    return total


def _of_another_export(problem: Problem, path: Path) -> bool:
    """A record whose id another export of the run gave first."""
    duplicate = problem.field == "id" and problem.message.startswith("duplicate of record")
    return duplicate and f" of {path} (line " not in problem.message


def configured_files(patterns: Sequence[str], site_dir: Path, own: Sequence[Path] = ()) -> list[Path]:
    """The export files the config's `imports:` globs name, relative ones against the site; never one of `own`
    (pressfeed's own files and folders: its output, its store, its config), which a recursive glob
    (`**/*.json`) matched too: every JSON Feed it built was read back as a failing export, at every run."""
    found: set[Path] = set()
    for pattern in patterns:
        found.update(Path(p) for p in glob.glob(_full(pattern, site_dir), recursive=True) if Path(p).is_file())
    mine = [path.resolve() for path in own]
    files: dict[tuple[int, int], Path] = {}  # one file, whatever names lead to it (a link `latest.yaml`): its first
    for path in sorted(found):
        if any(path.resolve().is_relative_to(it) for it in mine):
            continue
        try:
            info = path.stat()  # (the file a symbolic or hard link names: its device and inode)
        except OSError:
            continue  # gone since the glob found it
        files.setdefault((info.st_dev, info.st_ino), path)
    return sorted(files.values())


def missing_files(patterns: Sequence[str], site_dir: Path) -> list[ImportFailure]:
    """`imports:` entries that name one file (no wildcard) which is not there: a typo, or an export renamed.

    A glob that matches nothing is not one: an export folder may be empty between deliveries.
    """
    failures = []
    for pattern in patterns:
        full = _full(pattern, site_dir)
        if not any(c in pattern for c in "*?[") and not Path(full).is_file():
            reason = f"{full}: no such file (named in the config's imports:)"
            failures.append(ImportFailure(full, (), reason))
    return failures


def _full(pattern: str, site_dir: Path) -> str:
    return pattern if Path(pattern).is_absolute() else str(site_dir / pattern)
