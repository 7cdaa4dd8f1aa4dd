"""httpcore's network backend on asyncio's own streams, under :class:`~pressfeed.ingest.guard.GuardedBackend`.

httpcore's default backend goes through anyio: every connection resolves its
host again on a resolver thread (the guard has already resolved and checked
it, and passes the address), and every read and write enters a cancel scope.
On the one event loop that fetches every source, that is most of the CPU a
304 costs, and a wave of twenty answers waits on it in turn. This backend is
the documented :class:`httpcore.AsyncNetworkBackend` interface over
:func:`asyncio.open_connection`; timeouts and errors map to httpcore's own
exceptions, as its other backends map theirs.

Every timer a fetch arms (its connect, TLS, read and write timeouts here, its
budget in :mod:`pressfeed.ingest.fetch`, the time a fulltext source's pages
share in :mod:`pressfeed.ingest.fulltext`) is known to one :class:`Timers`,
with the moment it may fire: work that holds the event loop's thread must not
outlast any of them (:meth:`Timers.room_for`); the work of tasks that share a
limit waits for no such limit (:meth:`Armed.sharing`).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import httpcore


class Timers:
    """The timeouts armed on one event loop's requests, each with the moment it may fire."""

    def __init__(self) -> None:
        self.deadlines: dict[Armed, float] = {}
        self.disarmed = asyncio.Event()  # set whenever a timer is let go (its block ended, or it fired)

    def timeout(self, seconds: float | None) -> Armed:
        """`asyncio.timeout(seconds)`, known here while its block runs."""
        return Armed(self, seconds)

    def limit(self, seconds: float | None) -> Armed:
        """A timeout that tasks share (:meth:`Armed.sharing`): the time a fulltext source's pages have."""
        return Armed(self, seconds, shared=True)

    async def room_for(self, seconds: float) -> None:
        """Return once no timer armed may fire within `seconds`.

        Work on the event loop's thread (a feed parsed inline) holds every timer; when the loop comes back,
        one whose moment passed meanwhile fires: an answer waiting in its socket would fail its source as
        "timed out", for another source's document. Timers that outlast the hold are not waited for, and
        none armed after this returns can be held: the work follows at once. A task that shares a limit
        waits for no limit (:meth:`Armed.sharing`).
        """
        sharing = _SHARING.get()
        while True:
            now = time.monotonic()
            timers = self.deadlines.items()
            if all(deadline - now > seconds for armed, deadline in timers if not (sharing and armed.shared)):
                return
            self.disarmed.clear()
            await self.disarmed.wait()


class Armed:
    """A timeout its :class:`Timers` knows of (a class, not a generator: one per read and write)."""

    __slots__ = ("_inner", "_seconds", "_timers", "shared")

    def __init__(self, timers: Timers, seconds: float | None, *, shared: bool = False) -> None:
        self._timers, self._seconds, self.shared = timers, seconds, shared
        self._inner = asyncio.timeout(seconds)

    async def __aenter__(self) -> Armed:
        await self._inner.__aenter__()
        if self._seconds is not None:
            self._timers.deadlines[self] = time.monotonic() + self._seconds
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._timers.deadlines.pop(self, None) is not None:
            self._timers.disarmed.set()
        await self._inner.__aexit__(kind, error, trace)  # raises TimeoutError when it fired

    @contextmanager
    def sharing(self) -> Iterator[None]:
        """Tasks created inside share this limit (a fulltext source's pages): their work on the loop's thread
        (a page extracted) waits for no limit (:meth:`Timers.room_for`), their own nor another's.

        Waiting for their own would last until it fired, and every page would come back late; two sources'
        pages each waiting for the other's would do the same. So a page extracted may run out another
        source's time, as it may its own: the pages still on the wire then are read on the next run
        (they count no try). Other work (a feed's parse, placing) waits for every limit.
        """
        token = _SHARING.set(True)
        try:
            yield
        finally:
            _SHARING.reset(token)


#: whether the current task shares a limit (a task copies the context it was created in)
_SHARING: ContextVar[bool] = ContextVar("pressfeed_sharing_a_limit", default=False)


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timers: Timers) -> None:
        self._reader, self._writer, self._timers = reader, writer, timers

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with self._timers.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout(f"no data within {timeout} s") from None
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            async with self._timers.timeout(timeout):
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout(f"could not send within {timeout} s") from None
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from None

    async def aclose(self) -> None:
        # close() flushes and, over TLS, sends close_notify, then waits (up to 30 s) for the peer's; a
        # server that never answers must not keep the socket open that long, or past the event loop
        # that owns it: dropped on the next turn, as anyio does
        transport = self._writer.transport
        try:
            if not transport.is_closing():
                transport.close()
                await asyncio.sleep(0)
        finally:
            transport.abort()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with self._timers.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError:
            self._writer.transport.abort()  # not close(): it would wait to send to a peer that stopped reading
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout} s") from None
        except (OSError, ssl.SSLError) as exc:  # certificate errors are SSLError, itself an OSError
            self._writer.transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from None
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # asked of an idle pooled connection: anything readable (the server hung up, or sent a 408
            # or a stray byte) means it may not be reused. asyncio reads eagerly into the StreamReader,
            # which has no public way to tell buffered bytes or an EOF behind them: its _buffer and
            # _eof (there since Python 3.4) stand in for the socket httpcore's own backends poll
            reader = self._reader
            unread = bool(getattr(reader, "_buffer", b"")) or bool(getattr(reader, "_eof", False))
            return unread or reader.exception() is not None or self._writer.transport.is_closing()
        names = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername", "socket": "socket"}
        return self._writer.get_extra_info(names[info]) if info in names else None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, timers: Timers | None = None) -> None:
        self.timers = timers or Timers()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        local = (local_address, 0) if local_address else None
        try:
            async with self.timers.timeout(timeout):
                reader, writer = await asyncio.open_connection(host, port, local_addr=local)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from None
        try:
            for option in socket_options or ():
                writer.get_extra_info("socket").setsockopt(*option)
        except OSError as exc:
            writer.transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from None
        return AsyncioStream(reader, writer, self.timers)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
