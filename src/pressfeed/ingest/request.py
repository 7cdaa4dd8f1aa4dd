"""What a fetch is asked and what it gives back, and reading local feed files: plain data, no HTTP client.

:mod:`pressfeed.ingest.fetch` (httpx) does the fetching; the ingest pipeline
reads an unchanged local file without it (see ``ingest.update``), so a run
whose sources need no download never imports the HTTP stack.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:  # (streams imports httpcore: a run reading local files only never loads it)
    from .streams import Armed


def url2pathname(path: str) -> str:
    """urllib.request.url2pathname, without importing http.client and email along with it."""
    if os.name == "nt":
        from nturl2path import url2pathname as nt_url2pathname

        return nt_url2pathname(path)
    return unquote(path)


class FetchFailure(Exception):
    """One source failed; the message becomes :attr:`FetchResult.error`."""


@dataclass(frozen=True)
class FetchRequest:
    source_id: str
    #: http(s) URL, or a local file path (no scheme) for offline sample sites
    url: str
    etag: str | None = None
    last_modified: str | None = None
    #: per-source extra request headers (User-Agent, Referer ...); they win over the defaults
    headers: tuple[tuple[str, str], ...] = ()
    #: the URL whose origin may be on a private network: the configured source's. None = this
    #: request's own URL (it is the configured one); "" = none, for URLs found in content
    trusted_origin: str | None = None
    #: the Accept header; "" = feeds (a page fetch asks for HTML)
    accept: str = ""
    #: read the start of an HTTP error's body into FetchResult.error_body: for an API that says there
    #: what went wrong (a board feed's error page is not read: its status says all cron mail needs)
    error_body: bool = False


@dataclass(frozen=True)
class FetchResult:
    source_id: str
    #: the URL requested
    url: str
    #: final HTTP status; 200 for a local file; None when there was no response
    status: int | None
    #: raw (charset-undecoded) bytes of a successful response; None on 304 and errors
    body: bytes | None
    #: final response headers, names lower-cased (feedparser uses them for charset detection)
    headers: dict[str, str]
    etag: str | None = None
    last_modified: str | None = None
    #: the URL reached by the leading run of 301/308 hops, when there was one
    moved_to: str | None = None
    #: aware UTC; set for 429 and 503
    retry_after: datetime | None = None
    #: HTTP 410: the feed is gone for good
    gone: bool = False
    #: short human message when the fetch failed
    error: str | None = None
    #: seconds spent on the wire (or reading the file); queueing for a slot is not counted
    elapsed: float = 0.0
    #: the URL the body came from, after every redirect ("" = `url`): what relative links resolve against
    final_url: str = ""
    #: the first decoded bytes (at most 64 KiB) of an HTTP error's body, when the request asked for them
    error_body: bytes | None = None

    @property
    def base_url(self) -> str:
        """Where the body's relative links point from, as a browser or feed reader resolves them. (State
        and identity stay keyed on `url`, the URL asked for: a temporary redirect moves nothing.)"""
        return self.final_url or self.url

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None


#: what fetches: a source's feed, the API's pages, an item's page
Fetch = Callable[[FetchRequest], Awaitable[FetchResult]]

#: called (in the requesting task's context) when a request gets its turn on the wire: its host's slot taken and
#: its time running. A caller that cuts requests short tells those cut while they were read from those that
#: never had their turn (:mod:`pressfeed.ingest.fulltext`)
ON_THE_WIRE: ContextVar[Callable[[], None] | None] = ContextVar("on_the_wire", default=None)


class Wire(Protocol):
    """A fetch function that knows the timers its requests have armed (:func:`pressfeed.ingest.fetch.open_fetcher`)."""

    async def __call__(self, request: FetchRequest) -> FetchResult: ...

    async def room_for(self, seconds: float) -> None:
        """Return once this thread may be held for `seconds` without any of those timers firing meanwhile."""
        ...

    def limit(self, seconds: float | None) -> Armed:
        """A time limit tasks share (`asyncio.timeout(seconds)`), one of those timers while its block runs."""
        ...


def is_local(url: str) -> bool:
    scheme = urlsplit(url).scheme
    # a one-letter "scheme" is a Windows drive letter (C:\sites\...)
    return scheme in ("", "file") or len(scheme) == 1


def local_path(url: str) -> Path:
    parts = urlsplit(url)
    return Path(url2pathname(parts.path)) if parts.scheme == "file" else Path(url)


def read_capped(path: Path, limit: int) -> bytes:
    try:
        # without O_NONBLOCK, opening a named pipe waits for a writer for ever (on a thread no timeout stops)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            _check_regular(path, os.fstat(fd).st_mode)
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(limit + 1)  # one byte more tells "too big" from "exactly full"
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise FetchFailure(f"file not found: {path}") from None
    except OSError as exc:
        raise FetchFailure(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FetchFailure(f"file larger than {size_text(limit)}, not read")
    return data


def _check_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise FetchFailure(f"cannot read {path}: it is a folder")
    if not stat.S_ISREG(mode):  # a pipe, a socket, a terminal: no feed, and a read could wait for ever
        raise FetchFailure(f"{path} is not a regular file (a pipe or a device?): not read")


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    if count >= 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count} bytes"
