"""The policy-briefing press-release API (data.go.kr dataset 15095295).

One call returns every ministry's releases approved in a date window, with
full HTML text, subtitles, attachments and embargo times:

    GET .../1371000/pressReleaseService/pressReleaseList
        ?serviceKey=KEY&startDate=YYYYMMDD&endDate=YYYYMMDD&numOfRows=N&pageNo=1

What we know of it (from public code that consumes it): a window may span at
most 3 days (result code 98 beyond); `pageNo` is reported to be ignored, so
a window must fit one page; the answer is always XML, `<response>` with a
result code, or the gateway's `<OpenAPI_ServiceResponse>` with a reason code
when the key or the quota is the problem; dates are `MM/DD/YYYY HH:MM:SS` KST.
Those errors may come with HTTP 200 or with an error status (and the gateway
sometimes answers a few words of plain text instead, "Unauthorized"): either
way the message says what the code means and what to do.

So each run walks the days since the last complete window (the first run:
`backfill_days`) plus the trailing `recheck_days`, in windows of
`window_days`; a window that comes back full is split, a full single day is
paged through as far as paging gives new items, and nothing loops for ever.

The service key is a secret: it comes from an environment variable, is
accepted URL-encoded or not (never encoded twice), and every text that
leaves this module (errors, warnings) has it removed.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree

from ..config import SourceConfig
from ..dates import parse_datetime
from ..errors import PressfeedError
from ..filetypes import media_type_for_name
from ..model import InputKind, RawArticle, RawMedia
from ..sanitize import plain_text
from .fetch import FetchRequest, FetchResult
from .request import Fetch
from .state import short_days as read_short_days
from .state import short_entries

KST = ZoneInfo("Asia/Seoul")
#: the widest window the API accepts
MAX_WINDOW_DAYS = 3
#: requests one run may make for one source: a dev key allows ~1,000 a day; a long gap is caught up over runs
MAX_REQUESTS = 40
#: pages tried for one full day before giving up on pageNo (reported ignored)
MAX_PAGES = 10
#: digits of a plausible totalCount (a window holds thousands of releases at most)
MAX_TOTAL_DIGITS = 9
#: release pages on the portal, for items without an OriginalUrl
RELEASE_URL = "https://www.korea.kr/briefing/pressReleaseView.do?newsId={id}"
#: what of an error's plain-text body (or an HTML page's title) a message quotes
QUOTE_CHARS = 100
#: the longest error message: one line of cron mail, whatever a server put in its answer
MESSAGE_CHARS = 400

# The gateway's reason codes (OpenAPI_ServiceResponse/cmmMsgHeader/returnReasonCode).
_GATEWAY = {
    "1": "the API reported an application error (gateway code 1); it is tried again later",
    "4": "the gateway reported an HTTP error (gateway code 4); it is tried again later",
    "12": "no such API service (gateway code 12): check the source's url, "
    "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList",
    "20": "access denied (gateway code 20): the key is not approved for this API; "
    "apply for dataset 15095295 on data.go.kr",
    "22": "the key's daily request limit is used up (gateway code 22); pressfeed waits until midnight KST. "
    "Lower recheck_days or the run frequency, or ask data.go.kr for a higher quota",
    "30": "the service key is not registered (gateway code 30): check that {env} holds the key data.go.kr "
    "issued for this API (a new key can take an hour to work)",
    "31": "the service key has expired (gateway code 31): extend its period on data.go.kr",
    "32": "this server's IP address is not registered for the key (gateway code 32): add it on data.go.kr",
    "33": "unsigned call (gateway code 33): the key is missing or malformed; check {env}",
    "99": "unknown gateway error (gateway code 99); it is tried again later",
}
# The API's own result codes (response/header/resultCode); 0 is success and 3 "no data".
_RESULT = {
    "1": "the API reported an application error (code 1); it is tried again later",
    "2": "the API's database failed (code 2); it is tried again later",
    "4": "the API reported an HTTP error (code 4); it is tried again later",
    "5": "the API timed out (code 5); it is tried again later",
    "10": "the API refused a request parameter (code 10); check the source's url and rows",
    "11": "a mandatory request parameter is missing (code 11); check the source's url",
    "98": "the date window is wider than the API allows (code 98): window_days must be at most 3",
    "99": "unknown API error (code 99); it is tried again later",
}
# What an HTTP error status says to do when its body has no code to explain ("Unauthorized").
_STATUS_ADVICE = {
    401: "check that {env} holds the key data.go.kr issued for this API (a new key can take an hour to work)",
    403: "the key may not be approved for this API; apply for dataset 15095295 on data.go.kr",
    404: "check the source's url, https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList",
}
_NO_DATA = {"3", "03"}
_OK = {"0", "00"}
#: gateway codes worth no retry before midnight KST (the daily quota resets then)
_UNTIL_MIDNIGHT = {"22"}
_PERCENT_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


class BriefingAPIError(PressfeedError):
    """The API answered with an error code; the message says what to do."""

    def __init__(self, message: str, code: str = "", retry_after: datetime | None = None) -> None:
        super().__init__(message)
        self.code, self.retry_after = code, retry_after


@dataclass(frozen=True)
class ServiceKey:
    """The data.go.kr key, in the decoded form; knows every form in which it must never be shown."""

    value: str
    env: str

    @classmethod
    def from_env(cls, env: str, environ: dict[str, str]) -> ServiceKey | None:
        given = environ.get(env, "").strip()
        if not given:
            return None
        # the portal hands out an "encoding" key (already %-encoded) and a "decoding" one: accept both
        return cls(unquote(given) if _PERCENT_ENCODED.search(given) else given, env)

    def redact(self, text: str) -> str:
        """`text` with the key gone in any spelling: each character as itself or %-encoded, in either case
        (an answer may echo it half-encoded, "=" as %3D beside a raw "+")."""
        return _key_pattern(self.value).sub("***", text)


@lru_cache(maxsize=8)
def _key_pattern(value: str) -> re.Pattern[str]:
    def spellings(char: str) -> str:
        encoded = "".join(f"%{byte:02X}" for byte in char.encode())
        return f"(?:{re.escape(char)}|{encoded})"

    return re.compile("".join(spellings(char) for char in value), re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One answer: its items, and how many the window holds in all (when the API says)."""

    items: tuple[RawArticle, ...]
    total: int | None


@dataclass(frozen=True)
class Walk:
    """What one run read from the API for one source."""

    #: the last response, or the failure that stopped the walk (its error redacted)
    result: FetchResult
    items: tuple[RawArticle, ...]
    #: the last day read completely (ISO date, KST), where the next run starts
    window_end: str | None
    warnings: tuple[str, ...] = ()
    #: the exact responses taken, to tell an unchanged answer from a changed one
    bodies: tuple[bytes, ...] = ()
    #: the days whose answers count more releases than they give, and how many more: "YYYY-MM-DD:N"
    #: (pressfeed.ingest.state.SourceState.short_days)
    short_days: tuple[str, ...] = ()


def request_url(base: str, key: ServiceKey, start: date, end: date, rows: int, page: int = 1) -> str:
    """The request URL: the key %-encoded exactly once, the dates as YYYYMMDD."""
    parts = urlsplit(base)
    query = urlencode(
        [
            ("serviceKey", key.value),
            ("startDate", start.strftime("%Y%m%d")),
            ("endDate", end.strftime("%Y%m%d")),
            ("numOfRows", str(rows)),
            ("pageNo", str(page)),
        ],
        quote_via=quote,
        safe="",
    )
    extra = f"{parts.query}&" if parts.query else ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path, extra + query, ""))


def windows(start: date, end: date, days: int) -> list[tuple[date, date]]:
    """[start, end] cut into windows of at most `days` days, oldest first."""
    out = []
    while start <= end:
        stop = min(start + timedelta(days=days - 1), end)
        out.append((start, stop))
        start = stop + timedelta(days=1)
    return out


def first_day(source: SourceConfig, window_end: str | None, today: date) -> date:
    """Where a run starts: the last complete day again (late approvals), and never after the recheck days."""
    recheck = today - timedelta(days=source.recheck_days - 1)
    if window_end is None:
        return min(today - timedelta(days=source.backfill_days - 1), recheck)
    return min(date.fromisoformat(window_end), recheck)


async def walk(
    source: SourceConfig,
    key: ServiceKey,
    window_end: str | None,
    fetch: Fetch,
    now: datetime,
    short_days: Sequence[str] = (),
    seconds: float | None = None,
) -> Walk:
    """Read every window due; stop at the first failure, keeping what came before it, or once `seconds` (the
    source's fetch.timeout) are spent: no window is begun then, and the next run goes on from there.

    `short_days`: the days the API counted more releases for than it gave, as a run before found them. A
    window whose count is over by no more than theirs is read: it is no fuller than it was, and splitting it
    again (as a count over the releases listed asks) would spend the key's daily quota in every run.
    """
    today = now.astimezone(KST).date()
    first = first_day(source, window_end, today)
    short = {d: n for d, n in read_short_days(short_days).items() if d >= first}  # days never read again go
    queue = deque(windows(first, today, source.window_days))
    items: dict[str, RawArticle] = {}
    warnings: list[str] = []
    bodies: list[bytes] = []
    done: date | None = None
    requests = 0
    last: FetchResult | None = None

    def walked(result: FetchResult) -> Walk:
        return Walk(result, tuple(items.values()), _iso(done), tuple(warnings), tuple(bodies), short_entries(short))

    # the source's time, as a feed has it, counted from its first request's turn (not its wait for a slot other
    # sources hold); a window begun is read to its end, its day's pages with it (each request has its own
    # timeout), or a day of more pages than the time allows was never read
    loop = asyncio.get_running_loop()
    deadline: float | None = None
    while queue:
        start, end = queue.popleft()
        if requests >= MAX_REQUESTS:
            warnings.append(f"{requests} requests made; the days from {start} on are read by the next run")
            break
        if deadline is not None and loop.time() >= deadline:
            warnings.append(
                f"the API took the source's fetch.timeout ({seconds:g} s) before every day was read: the days"
                f" from {start} on are read by the next run"
            )
            break
        result, page = await _get(source, key, fetch, start, end, 1, now)
        if deadline is None and seconds is not None:  # from when its first request had its turn on the wire
            deadline = loop.time() - result.elapsed + seconds
        requests += 1
        last = result
        if page is None:
            return walked(result)
        bodies.append(result.body or b"")
        known = sum(n for d, n in short.items() if start <= d <= end)
        if _full(page, source.rows, known) and end > start:  # split rather than lose items
            middle = start + timedelta(days=(end - start).days // 2)
            queue.extendleft([(middle + timedelta(days=1), end), (start, middle)])
            continue
        found = {i.guid: i for i in page.items}
        if _full(page, source.rows, known):
            more, note, spent = await _more_pages(source, key, fetch, start, page, found, now)
            requests += spent
            if note:
                warnings.append(note)
            if isinstance(more, FetchResult):
                return walked(key_free(more, key))
            missing = (page.total or 0) - len(found)
            # said once (the note); the next runs take the day as it is, and health tells of it
            if missing > 0:
                short[start] = missing
            else:
                short.pop(start, None)
        elif page.total is not None and page.total <= len(found):  # all it counts: no day of it is short
            short = {d: n for d, n in short.items() if not start <= d <= end}
        items.update(found)
        done = end
    assert last is not None or not items
    return walked(last or FetchResult(source.id, source.url, None, None, {}))


async def _more_pages(
    source: SourceConfig,
    key: ServiceKey,
    fetch: Fetch,
    day: date,
    page: Page,
    found: dict[str, RawArticle],
    now: datetime,
) -> tuple[FetchResult | None, str, int]:
    """Page through one full day; returns (the failure if any, a warning, requests made).

    `pageNo` is reported to be ignored: a page that brings nothing new ends it.
    """
    total = page.total or 0
    # pages of the size the API gave, which may be fewer than numOfRows asked for (a server-side cap)
    size = min(source.rows, len(page.items)) or source.rows
    pages = min(MAX_PAGES, -(-total // size)) if total else MAX_PAGES  # integers: no float overflow
    spent = 0
    paged = False  # a later page brought releases: the first was short of them, a cap of the server's
    for number in range(2, pages + 1):
        result, more = await _get(source, key, fetch, day, day, number, now)
        spent += 1
        if more is None:
            return result, "", spent
        new = {i.guid: i for i in more.items if i.guid not in found}
        if not new:
            break
        paged = True
        found.update(new)
    if total and len(found) >= total:
        return None, "", spent
    missing = f"{total - len(found)} of {total}" if total else "some"
    if size >= source.rows:
        advice = "raise rows"
    elif paged:
        advice = f"the API gave {size} per page although {source.rows} were asked for: raising rows will not help"
    else:  # one page short of rows and nothing more: a cap, or releases counted and listed nowhere
        advice = (
            f"the API lists {len(found)} and counts {total}: a release withdrawn and still counted, or pages it "
            f"caps at {size}; raising rows will not help"
        )
    note = (
        f"{day} holds more releases than one page ({size}) and paging gave no more: {missing} may be missing; {advice}"
    )
    return None, note, spent


async def _get(
    source: SourceConfig, key: ServiceKey, fetch: Fetch, start: date, end: date, page_no: int, now: datetime
) -> tuple[FetchResult, Page | None]:
    """One request; (its result, the page), or (the failed result, None) with the error redacted."""
    url = request_url(source.url, key, start, end, source.rows, page_no)
    result = await fetch(FetchRequest(source.id, url, headers=source.headers, error_body=True))
    if not result.ok:
        return key_free(_http_error(result, key, now), key), None
    result = key_free(result, key)
    try:
        return result, parse_page(result.body or b"", source.url, now, source.rows)
    except BriefingAPIError as exc:
        return _failed(result, str(exc), key, exc.retry_after or result.retry_after), None


def _http_error(result: FetchResult, key: ServiceKey, now: datetime) -> FetchResult:
    """A failed request with what its error's body says: the gateway's or the API's code explained as in
    a 200 answer ("HTTP 401: the service key is not registered ..."), else a few words of text quoted
    and what the status says to do. The wait: the code's when it is a used-up quota, and never less than
    a Retry-After."""
    if result.status is None or result.error is None:
        return result  # no answer (a timeout, a refused connection): nothing more to say
    body = result.error_body or b""
    try:
        parse_page(body, "", now)  # only its error matters here
    except BriefingAPIError as exc:
        if exc.code:  # the gateway's or the API's own error answer
            waits = [t for t in (exc.retry_after, result.retry_after) if t is not None]
            return _failed(result, f"{result.error}: {exc}", key, max(waits, default=None))
    advice = _STATUS_ADVICE.get(result.status)
    message = result.error + _body_note(result, key) + (f": {advice}" if advice else "")
    return _failed(result, message, key, result.retry_after)


def _failed(result: FetchResult, message: str, key: ServiceKey, retry_after: datetime | None) -> FetchResult:
    """The result failed with `message`: the key's variable named, the key itself gone, one short line."""
    text = key.redact(message.replace("{env}", key.env))[: 2 * MESSAGE_CHARS]  # cut only once redacted
    return replace(
        result, body=None, error_body=None, error=_cut(plain_text(text), MESSAGE_CHARS), retry_after=retry_after
    )


def _body_note(result: FetchResult, key: ServiceKey) -> str:
    """What an error's body adds to its status: a few words of plain text quoted, or an HTML page's
    title; never markup, nothing from a body that is neither (binary, or an empty page)."""
    body = result.error_body or b""
    text = _decoded(body)
    if not text.strip():
        return ""
    content_type = result.headers.get("content-type", "").lower()
    if text.lstrip().startswith("<") or "html" in content_type or "xml" in content_type:
        title = _quote(_title(body), key)
        return f' (a page titled "{title}")' if title else ""
    quoted = _quote(text, key)
    return f' ("{quoted}")' if quoted else ""


def _quote(text: str, key: ServiceKey) -> str:
    # the key goes after entities are decoded ("&#43;" is a "+" of it) and before the text is cut (a cut key
    # would no longer be recognized)
    return _cut(key.redact(plain_text(text)), QUOTE_CHARS)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _decoded(body: bytes) -> str:
    """An error's text: UTF-8, else EUC-KR/CP949 (a Korean gateway's), else UTF-8 with the bad bytes dropped."""
    for codec in ("utf-8-sig", "cp949"):
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace")


def _title(body: bytes) -> str:
    try:
        return lxml.html.document_fromstring(body).findtext(".//title") or ""
    except (etree.LxmlError, ValueError):  # an empty or unparsable page has no title to show
        return ""


def key_free(result: FetchResult, key: ServiceKey) -> FetchResult:
    """The result without the key: the request URL becomes the API's own, errors are redacted."""
    clean = urlsplit(result.url)
    return replace(
        result,
        url=urlunsplit((clean.scheme, clean.netloc, clean.path, "", "")),
        error=key.redact(result.error) if result.error else None,
        error_body=None,  # the answer's bytes may echo the key
        moved_to=None,  # a redirect of one windowed request is no move of the source
        final_url="",  # it may carry the key too; items resolve against their own OriginalUrl
    )


def _full(page: Page, rows: int, known: int = 0) -> bool:
    """Might the window hold more releases than the page gave: as many as asked for, or a count over them by
    more than the `known` shortfall of its days?"""
    return len(page.items) >= rows or (page.total is not None and page.total - len(page.items) > known)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# -- the XML ----------------------------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


def parse_page(body: bytes, api_url: str, now: datetime, rows: int | None = None) -> Page:
    """An answer of the API: its items, or BriefingAPIError with a message a user can act on.

    `rows`: the numOfRows asked for. The API never answers more; an answer that does is refused before its
    items are read, since each becomes an article (15 MiB of tiny items are ~300,000).
    """
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        # the parser's reason says whether the url is wrong (an HTML page, "Unauthorized") or the answer broke a
        # limit of its own (nested past 256 levels, a text node past 10 MB, an entity bomb): then the url is right
        raise BriefingAPIError(
            f"the answer is not the press-release API's XML (is the source's url right?): {exc.msg}"
        ) from None
    if root.tag == "OpenAPI_ServiceResponse":
        code = (root.findtext("cmmMsgHeader/returnReasonCode") or "").strip().lstrip("0") or "0"
        reason = (root.findtext("cmmMsgHeader/returnAuthMsg") or "").strip()
        message = _GATEWAY.get(code, f"the gateway refused the request (code {code} {reason})")
        retry = _quota_reset_after(now) if code in _UNTIL_MIDNIGHT else None
        raise BriefingAPIError(message, code, retry)
    if root.tag != "response":
        raise BriefingAPIError("the answer is not the press-release API's XML (is the source's url right?)")
    code = (root.findtext("header/resultCode") or "").strip()
    if code in _NO_DATA:
        return Page((), 0)
    if code not in _OK:
        text = (root.findtext("header/resultMsg") or "").strip()
        raise BriefingAPIError(_RESULT.get(code.lstrip("0"), f"the API answered code {code} ({text})"), code)
    total = (root.findtext("body/totalCount") or "").strip()
    elements = list(root.iter("NewsItem"))
    if rows is not None and len(elements) > rows:
        raise BriefingAPIError(
            f"the answer holds {len(elements):,} releases, more than the {rows:,} asked for (numOfRows): "
            "not the press-release API's answer (is the source's url right?); none of it was taken"
        )
    items = tuple(item for el in elements if (item := news_item(el, api_url)) is not None)
    return Page(items, _count(total))


def _count(text: str) -> int | None:
    """`totalCount` as a number, or None when it is none a window can hold (the walk then goes by the
    items given): thousands are a busy day, while 5,000 digits are more than int() reads and 400 more
    than a float holds."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_TOTAL_DIGITS:
        return None
    return int(text)


def news_item(element: etree._Element, api_url: str) -> RawArticle | None:
    """A `NewsItem` as raw input; None without an id (nothing to know it by)."""

    def text(tag: str) -> str:
        return (element.findtext(tag) or "").strip()

    news_id = text("NewsItemId")
    if not news_id:
        return None
    link = text("OriginalUrl") or (RELEASE_URL.format(id=news_id) if news_id.isdigit() else "")
    subtitles = [s for s in (text(f"SubTitle{n}") for n in (1, 2, 3)) if s]
    return RawArticle(
        kind=InputKind.SOURCE,
        title=text("Title"),
        link=link,
        guid=news_id,
        base=link or api_url,
        subtitle=" / ".join(subtitles),
        body_html=text("DataContents"),
        published=api_time(text("ApproveDate")),
        updated=api_time(text("ModifyDate")),
        embargo=api_time(text("EmbargoDate")),
        agency=text("MinisterCode"),
        media=tuple(_files(element)),
        # no feed_url: the endpoint is no feed a reader could follow (it answers an error without a key), and
        # every ministry's items would share it as their atom:source; they name their ministry's home instead
    )


def _files(element: etree._Element) -> Iterable[RawMedia]:
    """The repeated FileName/FileUrl pairs, in order; the type comes from the file name."""
    names = [(e.text or "").strip() for e in element.iter("FileName")]
    urls = [(e.text or "").strip() for e in element.iter("FileUrl")]
    for name, url in zip(names, urls, strict=False):
        if url:
            yield RawMedia(url=url, type=media_type_for_name(name or url) or "", title=name)


def api_time(text: str) -> datetime | str | None:
    """The API's dates (`MM/DD/YYYY HH:MM:SS`, in KST) read by the rule every date goes through; text it
    cannot read is left as it is, for normalization to warn of (or hold an item by)."""
    if not text:
        return None
    try:
        return parse_datetime(text, KST)
    except ValueError:
        return text


#: how long after midnight KST a used-up quota is taken for the reset lagging (the gateway's clock, or ours, a few
#: minutes off) rather than today's quota used up already: tried again after RESET_RETRY, not a day later
RESET_LAG = timedelta(hours=1)
RESET_RETRY = timedelta(minutes=15)


def _quota_reset_after(now: datetime) -> datetime:
    """When a used-up daily quota is asked again: a few minutes into the next day in KST, or soon when the
    refusal came just after midnight."""
    local = now.astimezone(KST)
    midnight = datetime.combine(local.date(), time(0, 0), tzinfo=KST)
    if local - midnight < RESET_LAG:  # just past midnight: yesterday's count has not been reset yet
        return local + RESET_RETRY
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 5), tzinfo=KST)  # a few minutes in: quotas reset at midnight
