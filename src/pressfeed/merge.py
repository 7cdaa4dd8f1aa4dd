"""How an upstream version (CMS export or agency feed) is merged into a stored article."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .model import Article
from .store.base import StoredArticle


def merge_upstream(
    stored: StoredArticle, incoming: Article, *, explicit_updated: bool, now: datetime
) -> Article | None:
    """What to store when upstream (CMS export or agency feed) sends `incoming`; None = nothing.

    Re-sending the version last taken changes nothing, whatever an editor did
    locally since. An editor's hide/publish stands until upstream itself changes
    the status. Content edits without an explicit `updated` are dated now.
    """
    if stored.same_upstream(incoming) and (not explicit_updated or stored.article.updated == incoming.updated):
        return None
    old = stored.article
    status_changed_upstream = stored.upstream_status != incoming.status
    status = incoming.status if status_changed_upstream else old.status
    if explicit_updated:
        updated = incoming.updated
    elif stored.upstream_hash == incoming.content_hash():
        updated = old.updated
    else:
        updated = max(now, old.updated)
    return replace(incoming, status=status, updated=updated)
