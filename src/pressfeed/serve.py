"""`pressfeed serve`: the output directory over HTTP, exactly as feed readers will fetch it.

A preview for operators and the server of the end-to-end tests. A production
site serves `output.dir` with its own web server (README: the nginx example
sends the same media types and caching headers as this one).

werkzeug does the HTTP (the threaded server, request parsing, Accept-Encoding
and conditional-request parsing: ETag lists, `*`, weak comparison, dates);
this module decides what may be served and how:

* only regular files below the root: no `..`, no dot-files (a build's temp
  files are `.name.tmp`), no encoded slashes or backslashes, no symlink that
  leads outside, no directory listings; `/section/` is `section/index.html`;
* feed media types with `charset=utf-8`;
* strong ETags from the SHA-256 of the bytes sent (not size+mtime: a copy or a
  restore keeps the ETag, and two same-size writes within a timestamp tick
  cannot share one), Last-Modified from the file, 304s that keep ETag,
  Last-Modified, Cache-Control and Vary;
* deterministic gzip (its own ETag) when the client accepts it;
* at most ``MAX_CONNECTIONS`` connections at once (more wait in the listen
  queue), one request each (werkzeug's server answers every request with
  ``Connection: close``), cut off after ``IDLE_SECONDS`` waiting for it: a
  thread per connection, so a client that never finishes its request cannot
  make it start threads without bound.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import logging
import mimetypes
import os
import re
import socket
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers
from werkzeug.http import http_date, is_resource_modified
from werkzeug.security import safe_join
from werkzeug.serving import (
    LISTEN_QUEUE,
    BaseWSGIServer,
    ThreadedWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    select_address_family,
)
from werkzeug.wrappers import Request, Response

from .errors import UsageError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

#: store, but revalidate every time (a cheap 304): a WebSub hub fetching right after a ping, or a
#: reader after a cron run, must never get a copy cached from before the build
CACHE_CONTROL = "no-cache"
#: what the file names pressfeed writes are served as
MEDIA_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}
SUFFIX_TYPES = {
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}
#: connections served at once (a thread each); further clients wait in the listen queue
MAX_CONNECTIONS = 64
#: seconds a connection may take to send its request (or to take the answer) before it is closed
IDLE_SECONDS = 30.0
#: raw request paths holding these are refused: an encoded slash, backslash or NUL names no file of ours
_SUSPICIOUS = ("%2f", "%5c", "%00", "\\")


def media_type(name: str) -> str:
    known = MEDIA_TYPES.get(name) or SUFFIX_TYPES.get(Path(name).suffix.lower())
    return known or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class _File:
    data: bytes
    etag: str
    modified: datetime
    #: gzip of `data`, made on first request; mtime=0 so the same bytes always compress the same
    compressed: list[bytes]

    def gzipped(self) -> bytes:
        if not self.compressed:
            self.compressed.append(gzip.compress(self.data, compresslevel=6, mtime=0))
        return self.compressed[0]


class _Response(Response):
    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        # werkzeug drops Last-Modified from 304s as an entity header; readers that
        # only do If-Modified-Since (no ETag support) need it to stay in step
        headers = super().get_wsgi_headers(environ)
        if self.status_code == 304 and "Last-Modified" in self.headers:
            headers["Last-Modified"] = self.headers["Last-Modified"]
        return headers


class FileApp:
    """The WSGI application serving one directory."""

    def __init__(self, root: Path, cache_size: int = 256) -> None:
        self.root = Path(os.path.realpath(root))
        self._cache: OrderedDict[tuple[int, int, int, int], _File] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self.respond(Request(environ))
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _plain("method not allowed", 405, {"Allow": "GET, HEAD"})
        raw = str(request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or "").split("?", 1)[0]
        if any(marker in raw.lower() for marker in _SUSPICIOUS) or "\\" in request.path or "\0" in request.path:
            return _plain("bad request", 400)
        target = self.resolve(request.path)
        if target is None:
            return _plain("not found", 404)
        if target.is_dir():
            # resolved as its own path: an index.html symlinked out of the root is no more served than by name
            index = self.resolve(request.path.rstrip("/") + "/index.html")
            if index is None or not index.is_file():
                return _plain("not found", 404)  # never a listing
            if not request.path.endswith("/"):
                location = request.path + "/" + (f"?{request.query_string.decode()}" if request.query_string else "")
                return _plain("moved", 301, {"Location": location})
            target = index
        elif request.path.endswith("/"):  # a file named as a directory: its relative links would all break
            return _plain("not found", 404)
        if not target.is_file():
            return _plain("not found", 404)
        return self.file_response(request, target)

    def resolve(self, path: str) -> Path | None:
        """The file or directory `path` names below the root, or None when it may not be served."""
        parts = [part for part in path.split("/") if part]
        if any(part.startswith(".") for part in parts):  # "..", ".", dot-files and a build's temp files
            return None
        joined = safe_join(str(self.root), *parts) if parts else str(self.root)
        if joined is None:
            return None
        real = Path(os.path.realpath(joined))  # follows symlinks: where they lead decides
        if real != self.root and self.root not in real.parents:
            return None
        try:
            return real if real.exists() else None
        except OSError:  # a name too long to look up (ENAMETOOLONG), a folder it may not search: no file of ours
            return None

    def file_response(self, request: Request, path: Path) -> Response:
        try:
            entry = self.load(path)
        except OSError:
            return _plain("not found", 404)
        compress = request.accept_encodings["gzip"] > 0
        etag = f"{entry.etag}-gz" if compress else entry.etag  # each encoding is its own representation
        # a file rewritten within a second is dated the next (pressfeed.publish.writer): its Last-Modified is
        # never after the Date (RFC 9110 8.8.2.1), and a reader revalidating by that gets the file once more
        # (compared with its own date), and its date then
        said = min(entry.modified, datetime.now(UTC).replace(microsecond=0))
        headers = {
            "ETag": f'"{etag}"',
            "Last-Modified": http_date(said),
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        # If-Match, else If-Unmodified-Since, come first (RFC 9110 13.2.2): failing, 412. werkzeug's
        # is_resource_modified reads a failed If-Match as "not modified" (a 304) and a matching one as
        # "modified" whatever If-None-Match says, so it is not given them
        if _precondition_failed(request, etag, said):  # (the date the client was given)
            return _Response(status=412, headers=headers)
        environ = {k: v for k, v in request.environ.items() if k not in _PRECONDITIONS}
        # If-None-Match decides when present; If-Modified-Since only without it (RFC 9110 13.1.3)
        if not is_resource_modified(environ, etag=etag, last_modified=entry.modified):
            return _Response(status=304, headers=headers)
        response = _Response(entry.gzipped() if compress else entry.data, headers=headers)
        response.headers["Content-Type"] = media_type(path.name)
        if compress:
            response.headers["Content-Encoding"] = "gzip"
        return response

    def load(self, path: Path) -> _File:
        """The file's bytes and validators, cached per inode and mtime.

        Builds replace files by rename, so an open descriptor always reads one
        whole version, and a new version is a new inode.
        """
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                    return cached
            data = fh.read()
        modified = datetime.fromtimestamp(int(st.st_mtime), UTC)
        entry = _File(data, hashlib.sha256(data).hexdigest()[:32], modified, [])
        with self._lock:
            self._cache[key] = entry
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return entry


_PRECONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def _precondition_failed(request: Request, etag: str, modified: datetime) -> bool:
    if "HTTP_IF_MATCH" in request.environ:  # strong comparison (RFC 9110 13.1.1); `*`: any current file
        return not request.if_match.contains(etag)
    since = request.if_unmodified_since
    return since is not None and modified > since


def _plain(text: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(f"{text}\n", status=status, headers=headers, content_type="text/plain; charset=utf-8")


def make(root: Path, host: str = "127.0.0.1", port: int = 8080) -> BaseWSGIServer:
    """A threaded server for `root` (port 0: any free port), not yet serving."""
    if not root.is_dir():
        raise UsageError(f"{root} does not exist: run `pressfeed build` first")
    listening = _listen(host, port)
    try:  # werkzeug serves a socket of ours on a copy of its descriptor
        return _Server(host, port, FileApp(root), _Handler, fd=listening.fileno())
    finally:
        listening.close()


class _Handler(WSGIRequestHandler):
    """werkzeug's handler, closing a connection idle for IDLE_SECONDS (its socket's timeout), or that has not
    sent its whole request within IDLE_SECONDS: the timeout counts from each byte, so a client sending one
    every few seconds would hold its slot for ever, and MAX_CONNECTIONS such clients the whole server."""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(IDLE_SECONDS)  # every read and write of the connection's one request
        self._expired = False
        self._deadline = threading.Timer(IDLE_SECONDS, self._hang_up)
        self._deadline.daemon = True
        self._deadline.start()

    def _hang_up(self) -> None:
        self._expired = True
        with contextlib.suppress(OSError):  # (closed already)
            self.connection.shutdown(socket.SHUT_RDWR)  # wakes the handler's read: it sees the stream end

    def parse_request(self) -> bool:
        parsed = super().parse_request()  # reads the headers
        self._deadline.cancel()
        if self._expired:  # cut off mid-request: what was read is not a request to answer
            self.close_connection = True
            return False
        return parsed

    def finish(self) -> None:
        self._deadline.cancel()
        super().finish()


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server, serving MAX_CONNECTIONS connections at most at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        # the accept loop waits for a slot: the next clients wait in the listen queue, as for a busy server
        self.slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a UsageError saying why not.

    Bound here rather than by werkzeug, which prints its own advice and exits 1 on a busy port
    (the README keeps 1 for partial failures).
    """
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server: restart at once
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(LISTEN_QUEUE)
    except OSError as exc:
        sock.close()
        hint = "; stop what holds it or choose another --port" if exc.errno == errno.EADDRINUSE else ""
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
    return sock


def url_of(server: BaseWSGIServer) -> str:
    host = server.host if ":" not in server.host else f"[{server.host}]"
    return f"http://{host}:{server.port}/"


#: a colour code of a terminal's (SGR), as werkzeug writes around a status in its access log
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class _PlainLog(logging.Filter):
    """werkzeug colours its access log whatever it is written to; in a file, the codes are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_COLOUR.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def serve(root: Path, host: str = "127.0.0.1", port: int = 8080, ready: Callable[[str], None] | None = None) -> None:
    """Serve `root` until interrupted; `ready` is told the base URL once the port is open."""
    server = make(root, host, port)
    plain = _PlainLog()
    access_log = logging.getLogger("werkzeug")
    if not sys.stderr.isatty():
        access_log.addFilter(plain)
    if ready is not None:
        ready(url_of(server))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        access_log.removeFilter(plain)
        server.server_close()
