"""Polite, bounded fetching of agency press-release feeds.

Every request yields exactly one :class:`FetchResult`; a failing source is
recorded in its result and never stops the others. Politeness and safety:

* at most ``concurrency`` requests at once, and ``per_host`` per host;
* a wall-clock budget of ``timeout`` seconds per source, shared by all of its
  redirect hops and covering the body download (slow trickles are cut off);
* a ``max_bytes`` cap on the body, enforced while streaming, on the raw bytes
  and on the decoded bytes as each Content-Encoding layer produces them, so
  a decompression bomb (``gzip, gzip`` of a few KB) stops at the cap;
* redirects are followed by hand so a permanent move (301/308) can be
  reported back and the configured URL updated;
* an HTTP error's body is not read, unless the request asks for it (an API
  that explains its errors there): then at most ``ERROR_BODY_BYTES`` of it,
  decoded under the same caps, in what is left of the time budget;
* redirect hops (and URLs taken from content) never reach loopback, private
  or link-local addresses, except the configured source's own origin and
  ``fetch.allow_private`` (see :mod:`pressfeed.ingest.guard`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from ..clock import Clock
from ..config import FetchConfig
from ..errors import foreign
from ..urls import MAX_URL_LENGTH
from .guard import AddressPolicy, BlockedAddressError, GuardedBackend, GuardedTransport, reset_policy, use_policy
from .request import ON_THE_WIRE, FetchRequest, FetchResult, is_local, local_path, read_capped, size_text
from .request import FetchFailure as _Failure
from .streams import Armed, AsyncioBackend, Timers

__all__ = ["FetchRequest", "FetchResult", "Fetcher", "open_fetcher"]


class _RedactQuerySecrets(logging.Filter):
    """httpx logs every request's URL (INFO); a key in a query string (the press-release API's
    serviceKey) must not reach a log, so such parameters are masked in its records."""

    SECRET = re.compile(r"((?:service_?key|api_?key|access_?token|token)=)[^&\s'\"]+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.SECRET.sub(r"\1***", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_RedactQuerySecrets())

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_STATUSES = frozenset({301, 308})
RETRY_STATUSES = frozenset({429, 503})
#: a Retry-After further out than this is treated as this (also avoids datetime overflow)
MAX_RETRY_AFTER = timedelta(days=7)
#: credentials configured for one origin must not follow a redirect to another one
ORIGIN_BOUND_HEADERS = ("authorization", "proxy-authorization", "cookie")
#: bytes of the cookies a fetch's own redirects set that go with its next hops, at most (browsers allow ~4 KB each)
COOKIE_BYTES = 4096
#: a Max-Age as RFC 6265 reads one: an optional "-" and ASCII digits
_MAX_AGE = re.compile(r"-?[0-9]{1,12}")
#: a cookie as a request header may carry it: a name of printable ASCII, no separator; a value of printable ASCII
#: but ";" and spaces (a quoted value, `JSESSIONID="abc"`, and a comma, as browsers send them)
_COOKIE_TEXT = re.compile(r"[!#-+\--:<-~]+=[!-:<-~]*")
DEFAULT_PORTS = {"http": 80, "https": 443}
#: the codings we offer: zlib can decode them with bounded output (brotli and zstd are not offered)
ACCEPT_ENCODING = "gzip, deflate"
#: Content-Encoding layers we undo; more is an error, not a feed
MAX_ENCODINGS = 4
#: decoded bytes produced per step, whatever one compressed chunk expands to
DECODE_STEP = 64 * 1024
#: a fetch error's length at most, its foreign parts (URLs, header values: errors.FOREIGN_CHARS each) included
MESSAGE_CHARS = 1000
#: what is read of an HTTP error's body when a request asks for it: any API's error XML fits
ERROR_BODY_BYTES = 64 * 1024
#: the longest ETag or Last-Modified kept to send back (real ones are under 100 characters; servers
#: refuse request headers past 8 kB, nginx and Apache alike)
MAX_VALIDATOR_CHARS = 1024
#: what a validator may hold: visible ASCII and spaces (RFC 9110's obs-text is never needed)
_VALIDATOR = re.compile(r"[\x20-\x7e]*")


@asynccontextmanager
async def open_fetcher(
    config: FetchConfig, clock: Clock, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[Fetcher]:
    """A fetch function sharing one client, its limits and its connection pool (a :class:`~.request.Wire`)."""
    fetcher = Fetcher(config, clock, transport)
    try:
        yield fetcher
    finally:
        await fetcher.aclose()


def _limits(config: FetchConfig) -> httpx.Limits:
    # the semaphores decide how many requests run, so the pool must never be the bottleneck. No more idle
    # connections than that: httpcore looks at every pooled connection for every request, and a pool of 100
    # cost an all-304 pass of 200 feeds ~50% more CPU (docs/benchmarks.md, "Peer, all-304 pass")
    return httpx.Limits(max_connections=config.concurrency, max_keepalive_connections=config.concurrency)


def _client(config: FetchConfig, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    # redirects are followed by hand to see every hop. No cookie a server sets is kept: the run's sources share
    # this client, and a cookie one set went to the others (any port of its host; `Domain=.go.kr` to every
    # ministry); one fetch's redirects carry theirs (_HopCookies). A source's configured Cookie header is still
    # sent, to its origin only
    from http.cookiejar import CookieJar, DefaultCookiePolicy

    timeout = httpx.Timeout(config.timeout, connect=config.connect_seconds)
    jar = CookieJar(DefaultCookiePolicy(allowed_domains=()))  # (no domain allowed: none set, none sent)
    return httpx.AsyncClient(
        transport=transport, limits=_limits(config), timeout=timeout, follow_redirects=False, cookies=jar
    )


@dataclass(frozen=True)
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes | None
    #: its Set-Cookie headers
    cookies: tuple[str, ...] = ()


class _HopCookies:
    """The cookies a fetch's redirects set, sent on its next hops to the host that set each (a board's session
    check: a JSESSIONID set on a 302 back to the feed). Kept for that one fetch only, never for another source's
    (the client keeps none: see _client), and bounded: a server's cookies add at most COOKIE_BYTES to a request.
    Read as browsers read Set-Cookie (RFC 6265): the pair before the first ";", removed by a Max-Age of 0 or
    less or an Expires passed; the other attributes do not matter to a cookie sent only back to its host."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.hosts: dict[str, dict[str, str]] = {}

    def take(self, url: str, set_cookies: Sequence[str]) -> None:
        jar = self.hosts.setdefault(_host_key(url), {})
        for line in set_cookies:
            pair, _, attributes = line.partition(";")
            name, equals, value = pair.partition("=")
            name, value = name.strip(), value.strip()
            if not equals or not _COOKIE_TEXT.fullmatch(f"{name}={value}"):
                continue  # none a request header may carry as it came
            if self._removes(attributes):
                jar.pop(name, None)
            else:
                jar[name] = value

    def _removes(self, attributes: str) -> bool:
        """Whether the attributes end the cookie: a Max-Age of 0 or less, else (none given) an Expires passed."""
        from email.utils import parsedate_to_datetime

        named = {}
        for attribute in attributes.split(";"):
            key, _, value = attribute.partition("=")
            named[key.strip().lower()] = value.strip()
        age = named.get("max-age", "")
        if _MAX_AGE.fullmatch(age):  # (it wins over Expires: RFC 6265; one malformed is none)
            return int(age) <= 0
        try:
            expires = parsedate_to_datetime(named["expires"])
        except (KeyError, TypeError, ValueError, IndexError, OverflowError):
            return False
        return (expires if expires.tzinfo is not None else expires.replace(tzinfo=UTC)) <= self.now

    def added(self, headers: httpx.Headers, url: str) -> httpx.Headers:
        jar = self.hosts.get(_host_key(url))
        if not jar:
            return headers
        set_here, size = {}, 0
        for name, value in jar.items():  # (the bound is on what servers set, not on the source's own)
            size += len(name) + len(value) + 3
            if size > COOKIE_BYTES:
                break
            set_here[name] = value
        # the source's own (origin-bound) first, each replaced by a cookie of its name a redirect set
        pairs = {**dict(_cookie_pairs(headers.get("cookie", ""))), **set_here}
        with_jar = headers.copy()
        with_jar["cookie"] = "; ".join(f"{name}={value}" for name, value in pairs.items())
        return with_jar


def _cookie_pairs(header: str) -> Iterator[tuple[str, str]]:
    """(name, value) of a Cookie header's pairs, in order."""
    for pair in header.split(";"):
        name, _, value = pair.partition("=")
        if name.strip():
            yield name.strip(), value.strip()


class _Budget:
    """Wire time a source may still spend, shared by all of its redirect hops."""

    def __init__(self, total: float, timers: Timers) -> None:
        self.total, self.spent, self.timers = total, 0.0, timers
        self.started = 0.0

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        # a hard wall-clock cap: httpx's read timeout alone restarts on every byte,
        # so a server trickling one byte a second would never time out
        self.started = time.monotonic()
        if (on_the_wire := ON_THE_WIRE.get()) is not None:
            on_the_wire()
        try:
            async with self.timers.timeout(max(self.total - self.spent, 0.0)):
                yield
        finally:
            self.spent += time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left, from inside `running`."""
        return max(self.total - self.spent - (time.monotonic() - self.started), 0.0)


class Fetcher:
    """Call it with a :class:`FetchRequest`; see the module's docstring for what every fetch obeys."""

    def __init__(self, config: FetchConfig, clock: Clock, transport: httpx.AsyncBaseTransport | None) -> None:
        self.config, self.clock, self.transport = config, clock, transport
        self.slots = asyncio.Semaphore(config.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        #: every timeout its requests arm: the budgets', and the sockets' (only the budgets' with a transport
        #: given by the caller)
        self.timers = Timers()
        self._client: httpx.AsyncClient | None = None
        #: checks every connection's address (a transport given by the caller brings its own rules)
        self.guard: GuardedBackend | None = GuardedBackend(AsyncioBackend(self.timers)) if transport is None else None

    @property
    def client(self) -> httpx.AsyncClient:
        # made on first use: local-file sources need no client (its TLS setup costs ~20 ms)
        if self._client is None:
            transport = self.transport
            if self.guard is not None:
                transport = GuardedTransport(_limits(self.config), self.guard)
            self._client = _client(self.config, transport)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def room_for(self, seconds: float) -> None:
        """Return once no request's timer may fire within `seconds` (:meth:`Timers.room_for`)."""
        await self.timers.room_for(seconds)

    def limit(self, seconds: float | None) -> Armed:
        """A time limit tasks share, among the timers :meth:`room_for` waits for (:meth:`Timers.limit`)."""
        return self.timers.limit(seconds)

    async def __call__(self, request: FetchRequest) -> FetchResult:
        return await self.fetch(request)

    async def fetch(self, request: FetchRequest) -> FetchResult:
        budget = _Budget(self.config.timeout, self.timers)
        try:
            if is_local(request.url):
                result = await self._read_local(request, budget)
            else:
                result = await self._fetch_http(request, budget)
        except (_Failure, BlockedAddressError, TimeoutError, httpx.HTTPError, httpx.InvalidURL) as exc:
            # once more over the whole: a message from deep in httpx or the guard may quote a server too
            error = foreign(self._describe(exc), MESSAGE_CHARS)
            result = FetchResult(request.source_id, request.url, None, None, {}, error=error)
        return dataclasses.replace(result, elapsed=budget.spent)

    def _describe(self, exc: Exception) -> str:
        if isinstance(exc, httpx.ConnectTimeout):
            return f"connection failed: no connection within {self.config.connect_seconds} s"
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            return f"timed out after {self.config.timeout} s"
        # httpx's messages may quote a host name or URL a redirect gave
        if isinstance(exc, httpx.TransportError):
            return f"connection failed: {foreign(str(exc)) or type(exc).__name__}"
        if isinstance(exc, httpx.DecodingError):
            return f"undecodable response: {foreign(str(exc))}"
        if isinstance(exc, httpx.InvalidURL):
            return f"invalid URL: {foreign(str(exc))}"
        return str(exc)

    # -- http -----------------------------------------------------------------

    async def _fetch_http(self, request: FetchRequest, budget: _Budget) -> FetchResult:
        url, headers = _http_url(request.url), _request_headers(request, self.config)
        trusted = request.url if request.trusted_origin is None else request.trusted_origin
        # a source's credentials are its configured origin's: not an item's page elsewhere, nor where a 301 led
        headers = _redirect_headers(headers, trusted, url) if trusted else _origin_free(headers)
        policy = AddressPolicy.build(trusted, self.config.allow_private, owner=request.source_id)
        moved_to: str | None = None
        permanent = True
        jar = _HopCookies(self.clock.now())
        for hop in range(self.config.max_redirects + 1):
            try:
                response = await self._send(url, jar.added(headers, url), budget, policy, request.error_body)
            except BlockedAddressError as exc:
                # a failure before any 301 is taken: the stored source URL never moves there
                raise _Failure(f"{'redirect to ' if hop else ''}{foreign(url)} refused: {exc}") from None
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return self._result(request, response, moved_to, url)
            jar.take(url, response.cookies)
            target = _redirect_target(url, location)
            # only an unbroken run of permanent hops from the configured URL is a move:
            # after a temporary hop the source still lives where it was
            permanent = permanent and response.status in PERMANENT_STATUSES
            if permanent:
                moved_to = target
            headers = _redirect_headers(headers, url, target)
            url = target
        raise _Failure(f"too many redirects (more than {self.config.max_redirects})")

    async def _send(
        self, url: str, headers: httpx.Headers, budget: _Budget, policy: AddressPolicy, error_body: bool
    ) -> _Response:
        # connections opened for this hop are checked against it, and a pooled one where the pool hands it out
        # (GuardedTransport: after the wait for a slot, when another request may have left a private one idle)
        token = use_policy(policy)
        try:
            return await self._exchange(url, headers, budget, error_body)
        except UnicodeError as exc:
            # httpx reads every redirect's Location (for its next_request), and a host it cannot decode
            # (`http://xn--/`) raises idna's UnicodeError, no httpx error: only the Location can be at fault
            # here, as the URL asked for was checked (_http_url)
            raise _Failure(f"redirect to an invalid URL: its host is no IDNA name ({foreign(str(exc))})") from None
        finally:
            reset_policy(token)

    async def _exchange(
        self, url: str, headers: httpx.Headers, budget: _Budget, error_body: bool, *, again: bool = True
    ) -> _Response:
        """One GET and what of its body is wanted; asked `again` (once) when junk came where its answer's head
        should: bytes an earlier answer on that pooled connection sent past its Content-Length (a server's
        fault, which failed the next source on its host). The junk's connection is closed by then."""
        answered = False
        try:
            async with (
                self._slot(url),
                budget.running(),
                self.client.stream("GET", url, headers=headers) as response,
            ):
                answered = True
                # redirect and error bodies are not read (an error's start only when asked): leaving the
                # block closes them
                body = None
                if response.is_success:
                    body = await self._read_body(response)
                elif response.status_code == 304:
                    # it has no body by definition; reading its end keeps the connection for the next request
                    await response.aread()
                elif error_body and response.status_code >= 400:
                    body = await self._read_error_body(response, budget)
                names = {name.lower(): value for name, value in response.headers.items()}
                return _Response(response.status_code, names, body, tuple(response.headers.get_list("set-cookie")))
        except httpx.RemoteProtocolError:
            if answered or not again:
                raise
        return await self._exchange(url, headers, budget, error_body, again=False)

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        # the host first, then a global slot: a request queued behind a busy host
        # must not sit on a global slot that requests to other hosts could use
        key = _host_key(url)
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = asyncio.Semaphore(self.config.per_host)
        async with host, self.slots:
            yield

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self.config.max_bytes
        length = response.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > limit:
            raise _Failure(_too_large(limit))  # declared too big: don't start
        body = _Body(response.headers.get_list("content-encoding", split_commas=True), limit)
        async for chunk in response.aiter_raw():  # undecoded: _Body decodes with its output bounded
            body.feed(chunk)  # raises past the cap; closing drops the connection
        return body.value()

    async def _read_error_body(self, response: httpx.Response, budget: _Budget) -> bytes:
        """The start of an error's body, decoded: what of it arrives, decodes and fits in half the time left.

        The status is the news and the body only explains it, so nothing here fails the fetch: a body
        that is too big, undecodable or trickling yields what came of it. Half the time: the rest is for
        the status to be reported, rather than the whole fetch timing out.
        """
        limit = min(ERROR_BODY_BYTES, self.config.max_bytes)
        body: _Body | None = None
        try:
            body = _Body(response.headers.get_list("content-encoding", split_commas=True), limit, prefix=True)
            async with self.timers.timeout(budget.left() / 2):
                async for chunk in response.aiter_raw():
                    if not body.feed(chunk):
                        break  # enough: leaving the stream unread closes the connection
        except (_Failure, TimeoutError, httpx.TransportError):
            pass
        return body.value() if body is not None else b""

    def _result(self, request: FetchRequest, response: _Response, moved_to: str | None, final: str) -> FetchResult:
        status, headers = response.status, response.headers
        error, gone, retry_after = None, False, None
        if status == 410:
            error, gone = "HTTP 410 Gone", True
        elif status in RETRY_STATUSES:
            error, retry_after = f"HTTP {status}", self._retry_after(headers.get("retry-after"))
        elif not (200 <= status < 300 or status == 304):
            error = f"HTTP {status}"
        elif status == 304 and not (request.etag or request.last_modified):
            # "not modified" since no version we named: the server never sends the feed (a cache, a broken
            # proxy), and taken as an answer the source would stay "ok" with nothing ever read
            error = "HTTP 304 Not Modified to a request that named no version it has (If-None-Match, If-Modified-Since)"
        etag = last_modified = None
        if error is None:
            # a 304 need not repeat the validators; the ones we sent are still valid then
            fallback = status == 304
            etag = _validator(headers.get("etag")) or (request.etag if fallback else None)
            last_modified = _validator(headers.get("last-modified")) or (request.last_modified if fallback else None)
        return FetchResult(
            source_id=request.source_id,
            url=request.url,
            status=status,
            body=response.body if error is None else None,
            headers=headers,
            etag=etag,
            last_modified=last_modified,
            # a move is taken where the new address answers: a 301 to a 404 would leave the source stored at the
            # 404, "gone" after days, while the configured URL may come back
            moved_to=moved_to if moved_to != request.url and error is None else None,
            retry_after=retry_after,
            gone=gone,
            error=error,
            final_url=final if final != request.url else "",
            error_body=response.body if error is not None else None,
        )

    def _retry_after(self, value: str | None) -> datetime | None:
        """When the server asked to be tried again; None when it did not say (or not legibly): a 429/503
        is then a failure like any other, and our backoff (5 minutes, doubling) decides. A fixed wait
        would hold a board's releases back for its whole length after one passing 503."""
        now = self.clock.now()
        delay = _retry_delay(value, now)
        if delay is None:
            return None
        return now + min(max(delay, timedelta(0)), MAX_RETRY_AFTER)

    # -- local files ----------------------------------------------------------

    async def _read_local(self, request: FetchRequest, budget: _Budget) -> FetchResult:
        path = local_path(request.url)
        async with budget.running():
            body = await asyncio.to_thread(read_capped, path, self.config.max_bytes)
        # no headers: feedparser then sniffs the encoding from the XML declaration
        return FetchResult(request.source_id, request.url, 200, body, {})


# -- helpers ------------------------------------------------------------------


def _http_url(url: str) -> str:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _Failure(f"unsupported URL scheme {scheme!r}: {url}")
    # httpx decodes an IDNA host (`xn--`) only when asked for it, raising idna's UnicodeError, no httpx
    # error: one item's link (a fulltext page) would fail its whole source as an internal error every run
    try:
        httpx.URL(url).host  # noqa: B018 (the decoding is the check)
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise _Failure(f"invalid URL: {foreign(url)} ({foreign(str(exc))})") from None
    return url


def _request_headers(request: FetchRequest, config: FetchConfig) -> httpx.Headers:
    headers = httpx.Headers({"Accept": request.accept or ACCEPT, "Accept-Encoding": ACCEPT_ENCODING})
    if config.user_agent:
        headers["User-Agent"] = config.user_agent
    # (a validator stored before they were checked is checked here too)
    if etag := _validator(request.etag):
        headers["If-None-Match"] = etag
    if last_modified := _validator(request.last_modified):
        headers["If-Modified-Since"] = last_modified
    for name, value in request.headers:
        headers[name] = value  # per-source settings win (case-insensitively)
    return headers


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth keeping, else None. One too long would be sent back on every request
    (and a server refusing that long a header would fail the source for good), one with other characters
    could disguise `pressfeed sources`' output; without it the next fetch is a full GET, whose body hash
    still tells an unchanged feed."""
    if value and len(value) <= MAX_VALIDATOR_CHARS and _VALIDATOR.fullmatch(value):
        return value
    return None


def _redirect_target(url: str, location: str) -> str:
    target = httpx.URL(url).join(location.strip())
    # a server must not be able to send us to file:// or other schemes
    if target.scheme not in DEFAULT_PORTS:
        raise _Failure(f"redirect to unsupported URL: {foreign(location)}")
    # nor have us store (a 301 is the source's new URL) and resolve its items' links against 60 kB of URL
    text = str(target)
    if len(text) > MAX_URL_LENGTH:
        raise _Failure(
            f"redirect to a URL of {len(text):,} characters, more than the {MAX_URL_LENGTH:,} allowed: {foreign(text)}"
        )
    return text


def _redirect_headers(headers: httpx.Headers, source: str, target: str) -> httpx.Headers:
    if _host_key(source, with_scheme=True) == _host_key(target, with_scheme=True):
        return headers
    return _origin_free(headers)


def _origin_free(headers: httpx.Headers) -> httpx.Headers:
    safe = headers.copy()
    for name in ORIGIN_BOUND_HEADERS:
        safe.pop(name, None)
    return safe


def _host_key(url: str, *, with_scheme: bool = False) -> str:
    """ "host:port" with the default port filled in (with the scheme: the origin)."""
    parsed = httpx.URL(url)
    key = f"{parsed.host}:{parsed.port or DEFAULT_PORTS.get(parsed.scheme, 0)}"
    return f"{parsed.scheme}://{key}" if with_scheme else key


def _retry_delay(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After is delta-seconds or an HTTP-date (RFC 9110, section 10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        limit = int(MAX_RETRY_AFTER.total_seconds())
        # more digits than the limit has is past it (and past 4,300, int() raises ValueError)
        return timedelta(seconds=min(int(value), limit) if len(value) <= len(str(limit)) else limit)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year of 20 digits overflows datetime()
        return None
    if when.tzinfo is None:  # "-0000": UTC with unknown local offset (RFC 5322)
        when = when.replace(tzinfo=UTC)
    return when - now


class _Layer:
    """One Content-Encoding undone incrementally; each step yields at most DECODE_STEP bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        # gzip, or deflate in its zlib wrapper (RFC 9110); raw deflate is tried when that fails
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if name in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while not self.inflate.eof:  # after the end of the stream, trailing bytes are dropped
            try:
                out = self.inflate.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                if self.name == "deflate" and not self.started:  # servers that send raw deflate
                    self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    self.started = True
                    continue
                raise _Failure(f"undecodable response: bad {self.name} data ({exc})") from None
            self.started = True
            data = self.inflate.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < DECODE_STEP:  # a full step may leave output inside zlib: ask again
                return


class _Full(Exception):
    """A prefix has its `limit` bytes."""


class _Body:
    """The response body: raw chunks in, decoded bytes out, `limit` enforced as they are produced.

    Each layer's output is bounded too, so a stack of encodings cannot make any
    stage expand more than `limit` bytes, however small the body on the wire.
    With `prefix`, a stage reaching `limit` ends the body instead of failing it:
    the value is then the start of the decoded body (an error's explanation).
    """

    def __init__(self, encodings: Sequence[str], limit: int, *, prefix: bool = False) -> None:
        names = [e.strip().lower() for e in encodings if e.strip() and e.strip().lower() != "identity"]
        if len(names) > MAX_ENCODINGS:
            raise _Failure(f"undecodable response: {len(names)} content encodings (at most {MAX_ENCODINGS})")
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise _Failure(f"undecodable response: unsupported Content-Encoding {foreign(unknown[0])!r}")
        self.layers = [_Layer(n) for n in reversed(names)]  # the last encoding applied comes off first
        self.produced = [0] * (len(self.layers) + 1)
        self.limit, self.prefix = limit, prefix
        self.chunks: list[bytes] = []

    def feed(self, raw: bytes) -> bool:
        """Take one raw chunk; False once a prefix is complete (read no more)."""
        try:
            for piece in self._through(raw, 0):
                self.chunks.append(piece)
        except _Full:
            return False
        return True

    def value(self) -> bytes:
        return b"".join(self.chunks)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        self.produced[index] += len(data)
        over = self.produced[index] - self.limit
        if over > 0:
            if not self.prefix:
                raise _Failure(_too_large(self.limit))
            data = data[: max(len(data) - over, 0)]  # what fits goes on; then the body ends
        if index == len(self.layers):
            yield data
        else:
            for piece in self.layers[index].feed(data):
                yield from self._through(piece, index + 1)
        if over > 0:
            raise _Full  # out through every layer's generator: none inflates another byte


def _too_large(limit: int) -> str:
    return f"response larger than {size_text(limit)}, download aborted"
