"""Per-source fetch state, kept in the store between runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SourceState:
    #: the URL in the config when this state was recorded; a new one resets the state
    config_url: str = ""
    #: where to fetch now (differs from config_url after a permanent redirect)
    url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    #: sha256 of the last body parsed, to skip re-parsing identical bytes without an ETag
    body_sha256: str | None = None
    last_fetch: str | None = None
    last_success: str | None = None
    http_status: int | None = None
    new: int = 0
    updated: int = 0
    skipped: int = 0
    last_error: str | None = None
    retry_after: str | None = None
    gone: bool = False
    moved_to: str | None = None
    failures: int = 0

    @classmethod
    def load(cls, data: dict[str, Any] | None, config_url: str) -> SourceState:
        if not data or data.get("config_url") != config_url:
            return cls(config_url=config_url, url=config_url)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def retry_after_time(self) -> datetime | None:
        return datetime.fromisoformat(self.retry_after) if self.retry_after else None
