"""Agency feeds over HTTP on loopback, each answer delayed by a fixed latency; ETag / 304 aware.

The server binds the loopback addresses 127.0.0.2 … 127.0.0.(1 + hosts) on one
port, so a client's per-host connection limit applies as it would against many
agencies (``--single-loopback``, or a failure to bind them, falls back to ports on
127.0.0.1). Nothing leaves the machine. It runs on a thread of the benchmark's
own process, so its CPU is never counted in a measured child's process tree.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter


class FeedServer:
    """Feeds over HTTP on loopback hosts, each answer delayed by `latency`; ETag / 304 aware."""

    def __init__(self, feeds: dict[str, bytes], latency: float, hosts: int, single: bool) -> None:
        self.feeds, self.latency, self.hosts, self.single = feeds, latency, hosts, single
        self.etags = {path: f'"{hashlib.sha256(body).hexdigest()[:20]}"' for path, body in feeds.items()}
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.servers: list[asyncio.Server] = []
        self.addresses: list[tuple[str, int]] = []
        self.mode = ""
        self.statuses: Counter[int] = Counter()
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self._run, name="feed-server", daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        self.ready.wait()
        if self.error is not None:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()

    def url(self, index: int, path: str) -> str:
        host, port = self.addresses[index % len(self.addresses)]
        return f"http://{host}:{port}{path}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._bind())
        except BaseException as exc:
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        for writer in list(self.writers):
            writer.close()
        for server in self.servers:
            server.close()
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()

    async def _bind(self) -> None:
        problem: OSError | None = None
        for _ in range(0 if self.single else 5):
            servers: list[asyncio.Server] = []
            try:
                first = await asyncio.start_server(self._serve, "127.0.0.2", 0)
                servers.append(first)
                port = first.sockets[0].getsockname()[1]
                for k in range(1, self.hosts):
                    servers.append(await asyncio.start_server(self._serve, f"127.0.0.{2 + k}", port))
            except OSError as exc:
                problem = exc
                for server in servers:
                    server.close()
                continue
            self.servers = servers
            self.addresses = [(f"127.0.0.{2 + k}", port) for k in range(self.hosts)]
            self.mode = f"{self.hosts} loopback hosts 127.0.0.2-127.0.0.{1 + self.hosts}, port {port}"
            return
        for _ in range(self.hosts):
            server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            self.servers.append(server)
            self.addresses.append(("127.0.0.1", server.sockets[0].getsockname()[1]))
        why = f"binding 127.0.0.2+ failed: {problem}" if problem else "--single-loopback"
        self.mode = f"FALLBACK: 127.0.0.1 with {self.hosts} ports, one per host ({why})"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1] if " " in lines[0] else "/"
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                await asyncio.sleep(self.latency)
                body = self.feeds.get(target)
                if body is None:
                    status, extra, payload = 404, "Content-Length: 9\r\n", b"not found"
                elif headers.get("if-none-match") == self.etags[target]:
                    status, extra, payload = 304, f"ETag: {self.etags[target]}\r\n", b""
                else:
                    status, payload = 200, body
                    extra = (
                        f"ETag: {self.etags[target]}\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                        f"Content-Length: {len(body)}\r\n"
                    )
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                writer.write(f"HTTP/1.1 {status} {reason}\r\n{extra}\r\n".encode("latin-1") + payload)
                await writer.drain()
                self.statuses[status] += 1
                if headers.get("connection", "").lower() == "close":
                    return
        except ConnectionError:
            return
        finally:
            self.writers.discard(writer)
            writer.close()
