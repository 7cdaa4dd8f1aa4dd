"""The article store: a small interface, SQLite behind it.

Feed code only talks to :class:`Store`; a PostgreSQL store would implement the
same protocol.
"""

from .base import FeedFileState, PageState, Store, StoredArticle, WriteResult
from .sqlite import SQLiteStore, open_store

__all__ = ["FeedFileState", "PageState", "SQLiteStore", "Store", "StoredArticle", "WriteResult", "open_store"]
