"""The article store: a small interface (:mod:`.base`), SQLite or PostgreSQL behind it.

Feed code only talks to :class:`Store`; :func:`open_store` is the one place
that picks an implementation, from the store URL (:mod:`.url`).
"""

from __future__ import annotations

from ..errors import NoStoreError, StoreError
from .base import FeedFileState, PageState, Store, StoredArticle, WriteResult
from .sqlite import SQLiteStore
from .url import POSTGRESQL, backend, redact, sqlite_path


def open_store(url: str, *, create: bool = True) -> Store:
    """The store at a resolved store URL (``Config.store_url``), created or upgraded as needed.

    `create` False: NoStoreError where no store exists yet (no SQLite file, no
    pressfeed tables in the database), so commands that only read never make one.
    """
    if backend(url) == POSTGRESQL:
        try:
            from .postgres import PostgresStore
        except ImportError as exc:  # psycopg is the `postgres` extra; its import is paid only here
            raise StoreError(f"a PostgreSQL store needs psycopg 3 ({exc}): pip install 'pressfeed[postgres]'") from None
        store = PostgresStore(url, create=create)
        if store.version is None:  # no pressfeed tables, and not to be created
            store.close()
            raise NoStoreError(f"no pressfeed store in {redact(url)} yet")
        return store
    path = sqlite_path(url)
    assert path is not None
    if not create and not path.exists():
        raise NoStoreError(f"no pressfeed store at {path} yet")
    return SQLiteStore(path)


def empty_store() -> Store:
    """A store with nothing in it, for a command that only reads where no store exists yet."""
    return SQLiteStore(":memory:")


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Everything `source` holds into `target`, which must hold no data yet; rows copied per table.

    One consistent snapshot of the source, one transaction in the target: a
    failed copy leaves the target empty. Sequence numbers, fetch state and
    build state travel too, so a build from the copy writes the same bytes
    (and, into the same output, writes nothing).
    """
    return target.load(source.dump())


__all__ = [
    "FeedFileState",
    "PageState",
    "SQLiteStore",
    "Store",
    "StoredArticle",
    "WriteResult",
    "copy_store",
    "empty_store",
    "open_store",
]
