"""httpcore's network backend on asyncio's own streams, under :class:`~pressfeed.ingest.guard.GuardedBackend`.

httpcore's default backend goes through anyio: every connection resolves its
host again on a resolver thread (the guard has already resolved and checked
it, and passes the address), and every read and write enters a cancel scope.
On the one event loop that fetches every source, that is most of the CPU a
304 costs, and a wave of twenty answers waits on it in turn. This backend is
the documented :class:`httpcore.AsyncNetworkBackend` interface over
:func:`asyncio.open_connection`; timeouts and errors map to httpcore's own
exceptions, as its other backends map theirs.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
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
            async with asyncio.timeout(timeout):
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
            async with asyncio.timeout(timeout):
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
            async with asyncio.timeout(timeout):
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
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
