"""The article store: a small interface, SQLite behind it.

Feed code only talks to :class:`Store`; a PostgreSQL store would implement the
same protocol.
"""

from .base import FeedFileState, Store, StoredArticle, WriteResult
from .sqlite import SQLiteStore, open_store

__all__ = ["FeedFileState", "SQLiteStore", "Store", "StoredArticle", "WriteResult", "open_store"]
