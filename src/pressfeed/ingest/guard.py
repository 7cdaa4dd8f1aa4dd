"""Where fetches may lead: never to loopback, private, link-local or metadata addresses.

The configured source URL is the operator's choice and may be anywhere, an
intranet included. What its server or its content leads to (redirect hops,
and pages linked from items) may not reach the machine pressfeed runs on or
its network: a feed redirecting to ``http://169.254.169.254/`` or
``http://127.0.0.1:6379/`` would otherwise publish an internal service. The
exceptions are the trusted origin (the configured source's own scheme, host
and port) and the networks the operator lists in ``fetch.allow_private``.

The test runs where the connection is made, on the addresses connected to:
integer or hex IPs (``2130706433``), ``localhost``, ``[::1]``, IPv4-mapped
IPv6 and names resolving, or re-resolving, to a private address all end at
the same check, and the connection goes to exactly the address checked.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from ..errors import Picklable, foreign
from .streams import AsyncioBackend

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddressError(Picklable, Exception):
    """A connection would reach an address this request may not reach."""

    def __init__(self, host: str, port: int, address: IPAddress) -> None:
        self.host, self.port, self.address = host, port, address
        shown = foreign(host) if host == str(address) else f"{foreign(host)} ({address})"
        super().__init__(
            f"{shown} is a {address_kind(address)} address; only the source's own host may be, "
            "or a network listed in fetch.allow_private"
        )


#: IPv6 ranges whose last 32 bits are an IPv4 address the host, a tunnel or a NAT64 gateway may deliver to:
#: IPv4-compatible (deprecated), IPv4-translated (RFC 2765), NAT64 well-known and local-use (RFC 6052, 8215)
_EMBEDDING = tuple(ipaddress.IPv6Network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48"))
#: never public, whatever they embed: NAT64 for an operator's own network (RFC 8215), and the relayed
#: transitions 6to4 (RFC 3056, deprecated by RFC 7526) and Teredo, whose relays no agency needs. Python's own
#: tables differ between builds (Debian's patched 3.11.2 calls 6to4 non-global, CPython 3.11.7 global), so
#: the guard decides it once, the same on every Python.
_NEVER_PUBLIC = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b:1::/48", "2002::/16", "2001::/32"))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, translated, NAT64, 6to4), else None."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _EMBEDDING):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address. An IPv6 address that carries an IPv4 one is public only if that
    one is too: `64:ff9b::a00:1` (NAT64) would reach 10.0.0.1; 6to4 and Teredo never are."""
    if isinstance(address, ipaddress.IPv6Address) and any(address in network for network in _NEVER_PUBLIC):
        return False
    inner = embedded_ipv4(address)
    if inner is not None:
        if not (inner.is_global and not inner.is_multicast):
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return True  # ::ffff:0:0/96 is "private" to Python, but the host connects over IPv4
    return address.is_global and not address.is_multicast


def address_kind(address: IPAddress) -> str:
    """What kind of non-public address it is, as messages name it."""
    if address.is_loopback:  # ::1 before its IPv4-compatible reading (0.0.0.1)
        return "loopback"
    address = embedded_ipv4(address) or address
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local (cloud metadata)" if str(address) == "169.254.169.254" else "link-local"
    if address.is_private:
        return "private"
    return "non-public"


def origin_of(url: str) -> frozenset[tuple[str, int]]:
    """(host, port) pairs of a URL's origin as connections see them; plain http also upgrades to https."""
    parsed = httpx.URL(url)
    if parsed.scheme not in DEFAULT_PORTS or not parsed.raw_host:
        return frozenset()
    host = parsed.raw_host.decode("ascii").lower()
    port = parsed.port or DEFAULT_PORTS[parsed.scheme]
    pairs = {(host, port)}
    if parsed.scheme == "http" and port == 80:  # http://intranet/ moving to https://intranet/ stays home
        pairs.add((host, 443))
    return frozenset(pairs)


@dataclass(frozen=True)
class AddressPolicy:
    """What one request may connect to."""

    #: (host, port) that may be private: the configured source's origin
    trusted: frozenset[tuple[str, int]] = frozenset()
    #: fetch.allow_private
    allowed: tuple[IPNetwork, ...] = ()
    #: the source whose request this is: its name lookups share a bound (:data:`LOOKUPS_PER_SOURCE`)
    owner: str = ""

    @classmethod
    def build(cls, trusted_url: str, allow_private: Iterable[str], owner: str = "") -> AddressPolicy:
        allowed = tuple(ipaddress.ip_network(n, strict=False) for n in allow_private)
        return cls(origin_of(trusted_url) if trusted_url else frozenset(), allowed, owner)

    def trusts(self, host: str, port: int) -> bool:
        return (host.lower(), port) in self.trusted

    def allows_network(self, address: IPAddress) -> bool:
        inner = embedded_ipv4(address)
        return any(a in n for n in self.allowed for a in (address, inner) if a is not None and a.version == n.version)

    def permits(self, host: str, port: int, address: IPAddress) -> bool:
        return is_public(address) or self.allows_network(address) or self.trusts(host, port)


#: the policy of the request being sent; connections are made in the requesting task
_POLICY: ContextVar[AddressPolicy | None] = ContextVar("pressfeed_address_policy", default=None)
#: outside a request (no policy set) nothing private is trusted
_STRICT = AddressPolicy()


def current_policy() -> AddressPolicy:
    return _POLICY.get() or _STRICT


def use_policy(policy: AddressPolicy) -> object:
    """Make `policy` apply to connections this task makes; returns a token for :func:`reset_policy`."""
    return _POLICY.set(policy)


def reset_policy(token: object) -> None:
    _POLICY.reset(token)  # type: ignore[arg-type]


#: name lookups of one source's requests running at once, at most. A lookup holds one of the event loop's few
#: resolver threads (getaddrinfo, cores + 4) until the resolver gives up, whatever became of its request: a feed
#: whose links name hosts whose DNS never answers held them all, and every other source timed out
LOOKUPS_PER_SOURCE = 2


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving names itself and connecting only to permitted addresses."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.inner = inner or AsyncioBackend()
        #: (host, port) → address, for connections only a trusting request could open
        self.private_origins: dict[tuple[str, int], IPAddress] = {}
        #: a source's lookups in flight (see LOOKUPS_PER_SOURCE)
        self.lookups: dict[str, asyncio.Semaphore] = {}

    def check_pooled(self, host: str, port: int) -> None:
        """Refuse to reuse a pooled connection to a private address another request's trust opened."""
        address = self.private_origins.get((host.lower(), port))
        if address is not None and not current_policy().trusts(host, port):
            raise BlockedAddressError(host, port, address)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        policy = current_policy()
        addresses = await self._resolve(host, port, policy.owner)
        for address in addresses:
            if not policy.permits(host, port, address):
                raise BlockedAddressError(host, port, address)
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in _interleaved(addresses):
            try:
                stream = await self.inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:  # the next address, as a resolver-connecting client would
                failure = exc
                continue
            if not is_public(address) and not policy.allows_network(address):
                self.private_origins[host.lower(), port] = address
            return stream
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)

    async def _resolve(self, host: str, port: int, owner: str) -> list[IPAddress]:
        try:
            # an address in its standard form needs no resolver (asyncio's own connect skips it too); the
            # other spellings (2130706433, 0x7f.1, 127.1) go through getaddrinfo, whose answer is checked
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        slots = self.lookups.setdefault(owner, asyncio.Semaphore(LOOKUPS_PER_SOURCE))
        await slots.acquire()
        # the slot is the thread's: freed when getaddrinfo returns, not when this request is given up
        lookup = asyncio.ensure_future(asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM))
        lookup.add_done_callback(functools.partial(_lookup_done, slots))
        try:
            infos = await asyncio.shield(lookup)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        return _addresses(infos)


def _lookup_done(slots: asyncio.Semaphore, lookup: asyncio.Future[Any]) -> None:
    """Free a lookup's slot; its failure is read here too, as no one may wait for it any more (else asyncio
    reports "Task exception was never retrieved" on stderr when it is collected)."""
    slots.release()
    if not lookup.cancelled():
        lookup.exception()


def _addresses(infos: Sequence[tuple[Any, ...]]) -> list[IPAddress]:
    """getaddrinfo's answer as addresses, each once, in its order."""
    out: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in out:
            out.append(address)
    return out


def _interleaved(addresses: Sequence[IPAddress]) -> list[IPAddress]:
    """Alternate IPv6 and IPv4 (RFC 8305), so one broken family does not cost every attempt."""
    v6 = [a for a in addresses if a.version == 6]
    v4 = [a for a in addresses if a.version == 4]
    first, second = (v6, v4) if addresses and addresses[0].version == 6 else (v4, v6)
    out: list[IPAddress] = []
    for index in range(max(len(first), len(second))):
        out += [group[index] for group in (first, second) if index < len(group)]
    return out


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over httpcore's pool with :class:`GuardedBackend` (httpx has no option for it)."""

    def __init__(
        self, limits: httpx.Limits, backend: GuardedBackend, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        # not super().__init__(): it would build a second pool (and TLS context) only to drop it;
        # the parent's methods use nothing but self._pool
        self._guard = backend
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # The TLS context (loading the CA bundle: tens of milliseconds) is built with the first https
        # request, not for clients that only ever speak plain http. The pool hands its context to each
        # connection it opens, so every https connection still shares this one.
        if request.url.scheme == "https" and self._pool._ssl_context is None:
            self._pool._ssl_context = httpx.create_ssl_context()
        # here, not before the request waited for its slot: a trusting request may have opened (and left idle) a
        # private connection meanwhile, which the pool would hand over without connecting; nothing awaits between
        # this check and the pool choosing the connection
        url = request.url
        self._guard.check_pooled(url.raw_host.decode("ascii"), url.port or DEFAULT_PORTS.get(url.scheme, 0))
        return await super().handle_async_request(request)
