"""How an upstream version (a CMS export record or an ingested item) meets a stored article.

The rules in one place: when upstream sent nothing new, when an editor's local
edit must be kept, and what to store when upstream did change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import EncodedArticle
    from .store.base import StoredArticle


def locally_edited(stored: StoredArticle) -> bool:
    """An article whose content an editor changed since it was last taken from upstream."""
    return stored.upstream_hash is not None and stored.upstream_hash != stored.content_hash


def same_upstream(stored: StoredArticle, incoming: EncodedArticle) -> bool:
    """Is `incoming` (fresh from upstream) what was last taken from upstream?"""
    return stored.upstream_hash == incoming.content_hash and stored.upstream_status == incoming.status


def merge_upstream(
    stored: StoredArticle, incoming: EncodedArticle, *, explicit_updated: bool, now: datetime
) -> EncodedArticle | None:
    """What to store when upstream sends `incoming`; None = nothing.

    Re-sending the version last taken changes nothing, whatever an editor did
    locally since. An editor's hide/publish stands until upstream itself changes
    the status. Content edits without an explicit `updated` are dated now. An
    explicit `updated` never moves the stored one back: readers take a version
    as newer by it (new content under an earlier date is dated a second after
    the stored version); only a stored date still in the future, typed wrong,
    gives way to the record's.
    """
    old = stored.article
    if explicit_updated:
        if old.updated > now:
            updated = incoming.updated
        elif incoming.updated < old.updated and stored.upstream_hash != incoming.content_hash:
            updated = old.updated + timedelta(seconds=1)
        else:
            updated = max(incoming.updated, old.updated)
    elif stored.upstream_hash == incoming.content_hash:
        updated = old.updated
    else:
        updated = max(now, old.updated)
    if same_upstream(stored, incoming) and updated == old.updated:
        return None
    status = incoming.status if stored.upstream_status != incoming.status else old.status
    return incoming.restamped(status=status, updated=updated)
