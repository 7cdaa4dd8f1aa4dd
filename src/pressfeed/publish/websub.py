"""WebSub publishing: tell the hub which feeds changed, so readers hear of a release at once.

Without it a subscriber learns of a new article at its next poll, up to an
hour later. After a build has made its files durable, each changed feed's
public URL is announced to `site.websub_hub` with a publish ping (a
form-encoded POST of `hub.mode=publish` and `hub.url=<feed url>`, one per feed,
as every hub accepts). The hub then fetches the feed and pushes it to
subscribers.

A ping that fails is remembered in the store (meta `websub_pending`, a JSON
list of feed URLs) and retried on the next run, together with that run's
changes. A failure is reported but never fatal: the feeds are published
already, and readers that poll still get them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from ..results import PingReport
from ..store import Store

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

#: store meta key: feed URLs whose ping has not succeeded yet
PENDING_KEY = "websub_pending"
#: seconds (connect, whole request): a slow hub must not hold the site lock (and the next cron run) for long
CONNECT_TIMEOUT, TIMEOUT = 5.0, 10.0
#: seconds all of a run's pings may take: a hub answering each just in time held a 30-section site's lock for
#: 15 minutes (93 feeds), and every cron run in them failed; the rest is announced on the next run
BUDGET = 30.0
OVER_BUDGET = "the hub took more than {:g} s in all: the rest is announced on the next run"


def publish(
    hub: str,
    store: Store,
    changed: Iterable[str],
    *,
    user_agent: str,
    published: Collection[str] | None = None,
) -> PingReport | None:
    """Ping `hub` for every changed feed URL and every ping left over from earlier runs.

    Call only once the feed files are durable: the hub fetches them at once.
    Returns None when no hub is configured (pings left over from a removed
    hub are forgotten).
    """
    if not hub:
        if pending_pings(store):
            _save(store, [])
        return None
    urls = remember(store, changed)  # before the first request: a crash mid-way loses no ping
    if published is not None and any(url not in published for url in urls):
        # a feed the site no longer publishes (a section taken out, another feed_url): its URL is a 404 now
        urls = [url for url in urls if url in published]
        _save(store, urls)
    if not urls:
        return PingReport(hub)
    pinged, failed, error = _ping_all(hub, urls, user_agent)
    if failed != urls:
        _save(store, failed)
    return PingReport(hub, tuple(pinged), tuple(failed), error)


def remember(store: Store, changed: Iterable[str]) -> list[str]:
    """Add `changed` to the pending pings, and return them all. A build does so before its new files are put
    in place: killed after the renames and before its pings, it would leave them unannounced, as the next
    run finds the files unchanged."""
    pending = pending_pings(store)
    urls = list(dict.fromkeys([*pending, *changed]))
    if urls != pending:
        _save(store, urls)
    return urls


def pending_pings(store: Store) -> list[str]:
    raw = store.get_meta(PENDING_KEY)
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [url for url in value if isinstance(url, str)] if isinstance(value, list) else []


def _save(store: Store, urls: list[str]) -> None:
    store.set_meta(PENDING_KEY, json.dumps(urls))


def _ping_all(hub: str, urls: list[str], user_agent: str) -> tuple[list[str], list[str], str]:
    """(pinged, failed, first error). A hub that cannot be reached is not tried again for the rest."""
    from ..stops import run_coroutine

    return run_coroutine(_ping_each(hub, urls, user_agent))


async def _ping_each(hub: str, urls: list[str], user_agent: str) -> tuple[list[str], list[str], str]:
    pinged: list[str] = []
    failed: list[str] = []
    error = ""
    import asyncio

    import httpx  # only when there is something to announce: most runs import no HTTP client

    headers = {"User-Agent": user_agent}
    timeout = httpx.Timeout(TIMEOUT, connect=CONNECT_TIMEOUT)
    deadline = asyncio.get_running_loop().time() + BUDGET
    # trust_env=False: no proxy from the environment, as for fetching (README "Fetching")
    async with httpx.AsyncClient(timeout=timeout, headers=headers, trust_env=False) as client:
        for index, url in enumerate(urls):
            within = min(TIMEOUT, deadline - asyncio.get_running_loop().time())
            try:
                if within <= 0:
                    raise TimeoutError
                status, moved = await _ping(client, hub, url, within)
            except (httpx.HTTPError, TimeoutError) as exc:
                over = isinstance(exc, TimeoutError) and within < TIMEOUT
                error = error or (OVER_BUDGET.format(BUDGET) if over else _describe(exc))
                failed.extend(urls[index:])  # unreachable: the others would wait out the same timeout
                break
            if 200 <= status < 300:
                pinged.append(url)
                log.info("websub: announced %s", url)
            else:
                said = f": the hub says it is at {moved} now (site.websub_hub)" if moved else ""
                error = error or f"HTTP {status}{said}"
                failed.append(url)
    return pinged, failed, error


async def _ping(client: httpx.AsyncClient, hub: str, url: str, within: float) -> tuple[int, str]:
    """One ping's status, and where a redirect says the hub is (no query: it may hold a token), within
    `within` seconds in all: httpx's timeouts restart with every byte, so a hub trickling its answer would hold
    the run (and the site lock) for ever. Its body says nothing we use: it is not read, however long it is.
    A redirect is not followed: a 301 or 302 would turn the ping into a GET, and the hub is the operator's
    to set."""
    import asyncio

    async with (
        asyncio.timeout(within),
        client.stream("POST", hub, data={"hub.mode": "publish", "hub.url": url}) as response,
    ):
        moved = response.headers.get("Location", "") if response.is_redirect else ""
        if moved:
            target = response.url.join(moved)
            moved = str(target.copy_with(query=None, fragment=None, username=None, password=None))
        return response.status_code, moved


def _describe(exc: Exception) -> str:
    import httpx

    if isinstance(exc, TimeoutError):
        return f"timed out: no answer within {TIMEOUT:g} s"
    text = str(exc) or type(exc).__name__
    return f"timed out: {text}" if isinstance(exc, httpx.TimeoutException) else text
