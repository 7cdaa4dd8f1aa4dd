"""The article store: a small interface (:mod:`.base`), SQLite or PostgreSQL behind it.

Feed code only talks to :class:`Store`; :func:`open_store` is the one place
that picks an implementation, from the store URL (:mod:`.url`).
"""

from __future__ import annotations

from ..errors import StoreError
from .base import FeedFileState, PageState, Store, StoredArticle, WriteResult
from .sqlite import SQLiteStore
from .url import POSTGRESQL, backend, sqlite_path


def open_store(url: str, *, create: bool = True) -> Store:
    """The store at a resolved store URL (``Config.store_url``).

    `create` False: where no store exists yet (no SQLite file, no pressfeed
    tables in the database), an empty in-memory store stands in, so commands
    that only read never create one.
    """
    if backend(url) == POSTGRESQL:
        try:
            from .postgres import PostgresStore
        except ImportError as exc:  # psycopg is the `postgres` extra; its import is paid only here
            raise StoreError(f"a PostgreSQL store needs psycopg 3 ({exc}): pip install 'pressfeed[postgres]'") from None
        store = PostgresStore(url, create=create)
        if store.version is None:  # no pressfeed tables, and not to be created
            store.close()
            return SQLiteStore(":memory:")
        return store
    path = sqlite_path(url)
    assert path is not None
    if not create and not path.exists():
        return SQLiteStore(":memory:")
    return SQLiteStore(path)


__all__ = ["FeedFileState", "PageState", "SQLiteStore", "Store", "StoredArticle", "WriteResult", "open_store"]
