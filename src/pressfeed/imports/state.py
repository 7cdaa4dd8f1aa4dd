"""What a configured export was when it was last imported, so `run` can leave an unchanged one alone.

`pressfeed run` imports the config's `imports:` files every time. Importing a
file again that did not change writes nothing, yet costs a full parse and
normalization. So after a file imports successfully, the store remembers (in
its meta table) the file's size, mtime and SHA-256, the normalization settings
and pressfeed version it was imported under, the number of tombstones then,
and what the import counted. The next `run` skips the file only when all of
these are still the same and its articles' citations are of the current form
(else it is read again once, and each of its articles linked); it then reports
the counts the import would report again: every record unchanged, those of
deleted articles "deleted (skipped)".

Why that is exact: re-importing a record changes the store only when the
stored article's upstream version differs from it (pressfeed.merge). Since
the file's last import, that version can only have been changed by another
file's import updating the same id (any import that updates an article
forgets the other files' states), and the record can only have turned into a
"deleted" one by a new tombstone (the count would differ). Editors' status
changes and local edits keep the upstream version; ingest never writes a CMS
article; stories only link rows. A file whose size or hash differs is always
imported.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .. import __version__
from ..context import NormalizeContext
from ..results import ImportResult
from ..store import Store

#: store meta key prefix; the rest is the file's path as configured
KEY_PREFIX = "import_file:"
#: the form of the citations an import records (pressfeed.stories.citation_keys): a file last imported under
#: another (or before there were any) is read again once, and every article of it linked
CITATIONS = "passages, agencies"  # (agencies: a near copy names its release's agency, stories.one_agency)
#: store meta: how many imports (of any file, by any command) updated an existing article
UPDATES_KEY = "import_updates"
#: store meta, while two configured exports give one id (the second refused): every export is read each run
DISAGREED_KEY = "imports_disagree"


def updates(store: Store) -> int:
    return int(store.get_meta(UPDATES_KEY) or 0)


def count_update(store: Store) -> None:
    """An import updated an article: what other files imported before is no longer known to be stored."""
    store.set_meta(UPDATES_KEY, str(updates(store) + 1))


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    sha256: str
    #: normalization settings and pressfeed version (settings_key)
    settings: str
    #: tombstones in the store right after the import
    tombstones: int
    #: the store's count of imports that updated an article (UPDATES_KEY), right after this one
    updates: int
    #: what the import found: records stored (created, updated or unchanged), and of deleted articles
    records: int
    deleted: int
    deleted_ids: tuple[str, ...] = ()
    #: the form of the citations its articles were given (CITATIONS)
    citations: str = ""

    def result(self) -> ImportResult:
        """What importing the file again would report."""
        return ImportResult(unchanged=self.records, files=1, deleted=self.deleted, deleted_ids=self.deleted_ids)


def settings_key(ctx: NormalizeContext) -> str:
    """Everything normalization reads besides a record: the site's settings, this pressfeed and its code."""
    return hashlib.sha256(f"{__version__}\0{ctx!r}\0{code_stamp()}".encode()).hexdigest()


#: the modules whose code decides what a record becomes, and how it is stored
NORMALIZING = (
    "normalize.py",
    "text.py",
    "sanitize.py",
    "urls.py",
    "credits.py",
    "filetypes.py",
    "embargo.py",
    "dates.py",
    "context.py",
    "model.py",
    "terms.py",
    "merge.py",
    "yamlfile.py",
    "imports/read.py",
    "imports/importer.py",
)


@cache
def code_stamp() -> str:
    """The digest of the normalizing modules, and the nh3 installed (the sanitizer, found, not imported).

    A version number is not enough: between releases, and in an editable install, the code changes under
    the same version, and a file imported under the old code would never be normalized again. Contents,
    not mtimes: two hosts sharing a PostgreSQL store must agree on it.
    """
    from importlib.machinery import PathFinder

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in NORMALIZING:
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    nh3 = PathFinder.find_spec("nh3")
    folders = [Path(folder).parent for folder in (nh3.submodule_search_locations or [])] if nh3 else []
    versions = sorted(info.name for folder in folders for info in folder.glob("nh3-*.dist-info"))
    return f"{digest.hexdigest()[:16]},{','.join(versions)}"


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def unchanged(store: Store, path: Path, settings: str, sha256: str) -> FileState | None:
    """The file's state when importing it again would change nothing, else None.

    `sha256`: the file's hash now. Size and hash decide (an mtime can be kept
    by a copy, or changed by a touch); the mtime is only recorded.
    """
    state = _remembered(store, path)
    try:
        size = os.stat(path).st_size
    except OSError:  # gone: the import names it
        return None
    if state is None or (size, sha256, settings, CITATIONS) != (
        state.size,
        state.sha256,
        state.settings,
        state.citations,
    ):
        return None
    current = (store.tombstone_count(), updates(store))
    return state if current == (state.tombstones, state.updates) else None


def linked(store: Store, path: Path) -> bool:
    """Were the articles of `path` given citations of the current form when it was last imported?"""
    state = _remembered(store, path)
    return state is not None and state.citations == CITATIONS


def _remembered(store: Store, path: Path) -> FileState | None:
    text = store.get_meta(KEY_PREFIX + str(path))
    if not text:
        return None
    try:
        data = json.loads(text)
        return FileState(**{**data, "deleted_ids": tuple(data.get("deleted_ids", ()))})
    except (TypeError, ValueError):  # a forgotten or older state: import it
        return None


def remember(store: Store, path: Path, settings: str, result: ImportResult, sha256: str) -> None:
    """Record a successful import of `path`, whose hash was `sha256` when the import read it."""
    st = os.stat(path)
    state = FileState(
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        sha256=sha256,
        settings=settings,
        tombstones=store.tombstone_count(),
        updates=updates(store),
        records=result.created + result.updated + result.unchanged,
        deleted=result.deleted,
        deleted_ids=result.deleted_ids,
        citations=CITATIONS,
    )
    store.set_meta(KEY_PREFIX + str(path), json.dumps(asdict(state), ensure_ascii=False))
