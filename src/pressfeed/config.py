"""`feeds/pressfeed.yaml` → a typed, fully validated :class:`Config`.

Each setting is declared once, as a field of the dataclass it belongs to: the
field's name is the YAML key, its type and default are the setting's, and
bounds or a special reading sit in the field's metadata (:func:`setting`).
The reader derives allowed keys, type checks and defaults from those fields,
so nothing is written twice. Validation happens before anything else runs;
every error names file, line and key (:class:`ConfigError`, exit code 2).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import os
import re
import types
from collections.abc import Callable, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass, replace
from datetime import date
from enum import Enum, StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin, get_type_hints
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .context import Agencies, NormalizeContext, Sections, agency_key, section_key
from .errors import ConfigError
from .store import url as store_url
from .terms import DEFAULT_CREDIT, Section, Status
from .urls import as_uri
from .yamlfile import (
    MAX_CONFIG_CHARS,
    LocatedDict,
    LocatedList,
    YAMLCache,
    YAMLSyntaxError,
    line_of,
    load_one,
    value_kind,
)

if TYPE_CHECKING:
    from .store.base import StoredArticle
    from .stories import StoryRules

DEFAULT_CONFIG = Path("feeds/pressfeed.yaml")
#: machine-written list of extra sources (`pressfeed sources import`), beside the hand-written config
DEFAULT_SOURCES_FILE = "feeds/sources.yaml"
CONFIG_ENV = "PRESSFEED_CONFIG"
#: overrides store.url / store.path, so hosts sharing one config can reach the database differently
STORE_URL_ENV = "PRESSFEED_STORE_URL"
#: pressfeed's own folder in the site: the run lock, the config cache and the default store
STATE_DIR = Path(".pressfeed")
DEFAULT_STORE = STATE_DIR / "pressfeed.db"
#: the parsed config and sources file, remembered by their text (:class:`~pressfeed.yamlfile.YAMLCache`)
CONFIG_CACHE = Path(".pressfeed/config-cache.json")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

T = TypeVar("T")
#: reads one raw YAML value at a spot into the setting's value (or raises ConfigError)
Parse = Callable[["_Reader", Any, "Spot"], Any]


def setting(
    default: Any = MISSING,
    *,
    low: float | None = None,
    above: float | None = None,
    high: float | None = None,
    parse: Parse | None = None,
    parse_default: bool = False,
) -> Any:
    """A config setting: its default and how it is checked.

    `low`/`high` bound numbers inclusively, `above` exclusively; `parse` reads
    the raw value instead of the type-driven reader (`parse_default`: the
    default goes through it too, e.g. a path relative to the site).
    """
    metadata = {"low": low, "above": above, "high": high, "parse": parse, "parse_default": parse_default}
    if isinstance(default, list | dict | set):
        raise TypeError("use tuples for sequence defaults")
    return field(default=default, metadata=metadata)


def derived(default: Any = MISSING) -> Any:
    """A field computed by the loader, not a key of the file."""
    return field(default=default, metadata={"config": False})


# -- the settings ---------------------------------------------------------------------


def _url(reader: _Reader, value: Any, spot: Spot) -> str:
    """A URL the feeds publish (a home, the site's, a hub, an icon): never with a user name or password."""
    url = _any_url(reader, value, spot)
    if "@" in url:
        from .urls import has_userinfo  # the one home of the rule; a URL without "@" cannot name a user

        if has_userinfo(url):
            raise reader.error(
                spot, "holds a user name or password, which every feed would publish: remove it from the URL"
            )
    return url


def _any_url(reader: _Reader, value: Any, spot: Spot, *, published: bool = True) -> str:
    text = reader.typed(str, value, spot)
    try:
        return as_uri(text, published=published)
    except ValueError as exc:
        raise reader.error(spot, str(exc)) from None


def _url_with_slash(reader: _Reader, value: Any, spot: Spot) -> str:
    url = _url(reader, value, spot)
    return url if url.endswith("/") else url + "/"


def _timezone(reader: _Reader, value: Any, spot: Spot) -> str:
    name = reader.typed(str, value, spot)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.error(spot, f"unknown time zone {name!r} (e.g. Asia/Seoul)") from None
    return name


def _language(reader: _Reader, value: Any, spot: Spot) -> str:
    tag = reader.typed(str, value, spot)
    if re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", tag) is None:
        raise reader.error(spot, "must be a language tag like ko or en-US")
    return tag


def _tag_authority(reader: _Reader, value: Any, spot: Spot) -> str:
    authority = reader.typed(str, value, spot)
    if re.fullmatch(r"[a-z0-9.@-]+,\d{4}(-\d{2}(-\d{2})?)?", authority) is None:
        raise reader.error(spot, "must look like example.kr,2025 (RFC 4151)")
    return authority


@dataclass(frozen=True, kw_only=True)
class SiteConfig:
    """`site:`: the portal, its feeds' address and the defaults of every input."""

    title: str
    url: str = setting(parse=_url_with_slash)
    #: where output.dir is served; defaults to `url`
    feed_url: str = setting("", parse=_url_with_slash)
    language: str = setting("ko", parse=_language)
    #: the zone of naive dates in every input
    timezone: str = setting("Asia/Seoul", parse=_timezone)
    description: str = ""
    #: RFC 4151 authority for generated ids, e.g. "example-portal.kr,2025"; never change it.
    #: Defaults to the site's host and 2025.
    tag_authority: str = setting("", parse=_tag_authority)
    #: a WebSub hub: feeds name it, and each build pings it for the feeds that changed
    websub_hub: str = setting("", parse=_url)
    #: a square image readers show beside the feed's name (Atom icon, JSON Feed icon and favicon, the pages'
    #: rel="icon"); an absolute URL, e.g. the portal's 192×192 app icon
    icon: str = setting("", parse=_url)
    #: a wider image, the portal's logo (Atom logo, RSS image: GIF, JPEG or PNG, at most 144 pixels wide)
    logo: str = setting("", parse=_url)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _site_path(reader: _Reader, value: Any, spot: Spot) -> Path:
    """A path relative to the site directory, which it may not leave; an absolute path is the operator's choice."""
    path = Path(reader.typed(str, value, spot) if not isinstance(value, Path) else value)
    if path.is_absolute():
        return path
    if problem := _leaving_site(reader.site_dir, path):
        raise reader.error(spot, problem)
    return Path(os.path.normpath(reader.site_dir / path))


def _leaving_site(site_dir: Path, path: str | Path) -> str:
    """Why a relative `path` may not be the site's: it leads outside the site directory ("" when it stays in)."""
    if Path(os.path.normpath(site_dir / path)).is_relative_to(site_dir):
        return ""
    return f"{path} leads outside the site directory (use an absolute path to mean it)"


def _exists(path: Path) -> bool:
    """Does `path` (through its links) exist? One behind a folder this user may not read is taken to: what writing
    there says is the operator's to read."""
    try:
        return path.exists()
    except OSError:
        return True


def _output_dir(reader: _Reader, value: Any, spot: Spot) -> Path:
    path = _site_path(reader, value, spot)
    for link in (path, *path.parents):  # a web root linked before it was made: mkdir cannot make it through the link
        if link.is_symlink() and not _exists(link):
            target = os.path.join(link.parent, os.readlink(link))
            which = "it is" if link == path else f"{link} is"
            raise reader.error(spot, f"{which} a symbolic link to {target}, which does not exist: create that folder")
    resolved = path.resolve()
    for mine, what in ((reader.site_dir, "the site directory"), (reader.config_dir, "the config's folder")):
        if resolved == mine or mine.is_relative_to(resolved):
            raise reader.error(spot, f"must not be {what} or hold it: feeds would be written beside the config")
    state = (reader.site_dir / STATE_DIR).resolve()
    if state.is_relative_to(resolved):
        raise reader.error(
            spot, f"must not be {STATE_DIR} or hold it: its lock and cache would be served; choose another folder"
        )
    for folder in (resolved, *resolved.parents):  # else the build fails once import and ingest have written
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                what = "is a file" if folder == resolved else f"cannot be made: {folder} is a file"
                raise reader.error(spot, f"{what}, not a folder; name a folder (pressfeed creates it)")
            break
    return path


def _store_url(reader: _Reader, value: Any, spot: Spot) -> str:
    """A store URL (pressfeed.store.url); a relative SQLite path is the site's, and may not leave it."""
    text = reader.typed(str, value, spot).strip()
    try:
        resolved = store_url.resolve(text, reader.site_dir)
    except store_url.StoreURLError as exc:
        raise reader.error(spot, str(exc)) from None
    relative = _relative_sqlite(text, resolved)
    if relative is not None:
        return store_url.sqlite_url(_site_path(reader, Path(relative), spot))  # the same rule as store.path
    return resolved


def _relative_sqlite(text: str, resolved: str) -> str | None:
    """The path of a relative SQLite URL as written (`sqlite:data/pressfeed.db`), the site's; None for another."""
    rest = text.partition(":")[2]
    return rest if store_url.sqlite_path(resolved) is not None and not rest.startswith("/") else None


@dataclass(frozen=True, kw_only=True)
class StoreConfig:
    """`store:`: where the articles live (SQLite or PostgreSQL)."""

    #: where the store is: sqlite:///abs/file.db, sqlite:relative/file.db or postgresql://user@host/db
    #: (pressfeed.store.url); the environment's PRESSFEED_STORE_URL overrides it
    url: str = setting("", parse=_store_url)
    #: shorthand for a SQLite file (default .pressfeed/pressfeed.db); keep it out of the served tree and git
    path: Path | None = setting(None, parse=_site_path)
    #: seconds a run waits for another host's run holding a shared (PostgreSQL) store, then exits 75
    lock_wait: float = setting(120.0, low=0, high=3600)


@dataclass(frozen=True, kw_only=True)
class OutputConfig:
    """`output:`: where the feeds are written, and what they hold."""

    #: the folder served at site.feed_url; pressfeed owns what it writes there
    dir: Path = setting(Path("public"), parse=_output_dir, parse_default=True)
    items_per_feed: int = setting(50, low=1, high=1000)
    #: characters of derived summaries
    summary_length: int = setting(200, low=20, high=5000)


#: an HTTP field name: an RFC 9110 token
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: request headers that frame the message, change the protocol or name the host: one given beside the HTTP
#: client's own ("Content-Length: 5" on a GET of no body) fails every fetch of the source, and a Host would
#: go to every host its requests reach (where a 301 leads, its items' pages). Not those a browser's copied
#: headers carry and the client takes ("Connection: keep-alive", "TE: trailers")
_FETCHER_HEADERS = frozenset({"content-length", "transfer-encoding", "upgrade", "host"})
#: what an HTTP field value may not hold: anything but visible ASCII, spaces and tabs (line breaks, NUL, …)
_NOT_HEADER_TEXT = re.compile(r"[^\t\x20-\x7e]")


def _header_value(reader: _Reader, value: Any, spot: Spot, message: str = "") -> str:
    """A request header's value: a line break would end the header (or start another), and httpx refuses
    controls and non-ASCII only when it sends, after the run has written; so refuse them here."""
    text = reader.typed(str, value, spot, message)
    found = _NOT_HEADER_TEXT.search(text)
    if found is not None:
        bad, at = found.group(), found.start() + 1
        if bad.isascii():
            what = {"\n": "a line break", "\r": "a line break", "\0": "NUL"}.get(bad, "a control character")
            raise reader.error(spot, f"{what} (U+{ord(bad):04X}) at character {at}: a header value is one line of text")
        raise reader.error(
            spot, f"{bad!r} at character {at}: header values must be ASCII (percent-encode a URL's Korean characters)"
        )
    return text


def _networks(reader: _Reader, value: Any, spot: Spot) -> tuple[str, ...]:
    """IP networks ("10.0.0.0/8", "192.168.1.20"), normalized; an error points at the bad item."""
    items = reader.typed(LocatedList, value, spot)
    out = []
    for index, item in enumerate(items):
        try:
            out.append(str(ipaddress.ip_network(str(item).strip(), strict=False)))
        except ValueError:
            at = Spot(items, index, f"{spot.path}[{index}]")
            raise reader.error(at, "must be an IP network like 10.0.0.0/8 or 192.168.1.20") from None
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class FetchConfig:
    """`fetch:`: how agency feeds are downloaded (politely, with caps)."""

    #: requests at once
    concurrency: int = setting(10, low=1, high=200)
    #: requests at once to one host
    per_host: int = setting(2, low=1, high=20)
    #: seconds for a whole request, body included (a slow trickle is cut off)
    timeout: float = setting(30.0, above=0, high=3600)
    #: seconds to connect; None = min(10, timeout)
    connect_timeout: float | None = setting(None, above=0, high=3600)
    #: response size cap, enforced while downloading
    max_bytes: int = setting(15 * 1024 * 1024, low=1024, high=1024**3)
    max_redirects: int = setting(5, low=0, high=20)
    #: defaults to "pressfeed/VERSION (+site url)"
    user_agent: str = setting("", parse=_header_value)
    #: processes that parse feeds and normalize large imports; None = one per core (max 4)
    #: under the pressfeed command, 0 = none
    workers: int | None = setting(None, low=0, high=16)
    #: private networks (CIDR) that redirects and content-derived URLs may reach (see ingest/guard.py)
    allow_private: tuple[str, ...] = setting((), parse=_networks)

    @property
    def connect_seconds(self) -> float:
        return self.connect_timeout if self.connect_timeout is not None else min(10.0, self.timeout)


def _slug(reader: _Reader, value: Any, spot: Spot) -> str:
    slug = reader.typed(str, value, spot)
    if SLUG.match(slug) is None:
        raise reader.error(spot, "source ids may use only a-z, 0-9 and '-'")
    return slug


def _section_name(reader: _Reader, value: Any, spot: Spot) -> str | None:
    name = reader.typed(str, value, spot)
    slug = reader.sections.resolve(name)
    if slug is None:
        known = ", ".join(sorted(reader.sections.slugs))
        raise reader.error(spot, f"unknown section {name!r} (known: {known})")
    return slug


def _source_url(reader: _Reader, value: Any, spot: Spot) -> str:
    """An http(s) URL, or a local file relative to the site (offline samples)."""
    text = reader.typed(str, value, spot)
    if not text.strip():
        raise reader.error(spot, "must be an http(s) URL or a local file's path, not empty")
    if text.lower().startswith("file:"):
        raise reader.error(spot, "must be an http(s) URL or a local file's path (give the path, not a file: URL)")
    # its credentials are used for fetching, and `source.feed` is published without them
    return _any_url(reader, text, spot, published=False) if "://" in text else str(reader.site_dir / text)


def _source_status(reader: _Reader, value: Any, spot: Spot) -> Status:
    text = reader.typed(str, value, spot)
    if text not in (Status.PUBLISHED, Status.DRAFT):
        raise reader.error(spot, "must be published or draft")
    return Status(text)


def _headers(reader: _Reader, value: Any, spot: Spot) -> tuple[tuple[str, str], ...]:
    headers = reader.typed(LocatedDict, value, spot)
    for name, header in headers.items():
        at = Spot(headers, name, f"{spot.path}.{name}")
        if _HEADER_NAME.fullmatch(name) is None:
            raise reader.error(
                at, "not a header name: use letters, digits and - (no spaces, colons or other punctuation)"
            )
        if name.lower() in _FETCHER_HEADERS or (name.lower() == "connection" and "upgrade" in str(header).lower()):
            raise reader.error(at, "the fetcher sets this header itself (it frames the request or the connection)")
        _header_value(reader, header, at, "header values must be strings")
    return tuple(sorted(headers.items()))


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One of a source's `rules:`: items matching it go to its section."""

    #: a regular expression over the item's title and summary (case-insensitive)
    match: re.Pattern[str]
    section: str = setting(parse=_section_name)


def _rules(reader: _Reader, value: Any, spot: Spot) -> tuple[Rule, ...]:
    items = reader.typed(LocatedList, value, spot)
    return tuple(reader.read(Rule, item, Spot(items, i, f"{spot.path}[{i}]")) for i, item in enumerate(items))


def _env_name(reader: _Reader, value: Any, spot: Spot) -> str:
    name = reader.typed(str, value, spot)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is None:
        raise reader.error(spot, "must be the name of an environment variable, e.g. DATA_GO_KR_SERVICE_KEY")
    return name


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _credit(reader: _Reader, value: Any, spot: Spot) -> str:
    """The credit template: `{name}` is the agency's name; any other `{…}` would be published as written."""
    template = reader.typed(str, value, spot)
    for placeholder in _PLACEHOLDER.findall(template):
        if placeholder != "{name}":
            raise reader.error(spot, f"unknown placeholder {placeholder} (the agency's name is {{name}})")
    return template


class SourceKind(StrEnum):
    #: an RSS/Atom/RSS 1.0 feed (a ministry's board feed), over http(s) or a local file
    FEED = "feed"
    #: the public-data press-release API of the policy-briefing portal (data.go.kr 15095295)
    BRIEFING_API = "briefing-api"


class WhenInCMS(StrEnum):
    #: a newsroom article citing the release replaces it in the feeds (pressfeed.stories)
    SUPERSEDE = "supersede"
    #: the release stays in the feeds beside the newsroom's article
    KEEP = "keep"


class Republish(StrEnum):
    """How much of an agency's release the feeds carry (its terms of use decide)."""

    #: the whole text
    FULL = "full"
    #: the summary only
    SUMMARY = "summary"
    #: title, link to the original and the credit; no text (e.g. terms forbidding alteration)
    LINK = "link"


class Images(StrEnum):
    KEEP = "keep"
    #: photos not cleared for republication: none in bodies or enclosures
    DROP = "drop"


def _fulltext(reader: _Reader, value: Any, spot: Spot) -> str:
    """`auto`, or a CSS selector for the release text's container, checked now rather than on every page."""
    text = reader.typed(str, value, spot).strip()
    if text and text != "auto":
        from .ingest.extract import InvalidSelectorError, check_selector

        try:
            check_selector(text)
        except InvalidSelectorError as exc:
            raise reader.error(spot, f"not a CSS selector ({exc.message}); use auto or e.g. div.bd_view_cont") from None
    return text


#: settings only the press-release API reads
API_SETTINGS = ("service_key_env", "backfill_days", "recheck_days", "window_days", "rows")


@dataclass(frozen=True, kw_only=True)
class SourceConfig:
    """One of `sources:` (or of the sources file): an agency feed or the press-release API."""

    #: stable: used in article ids and fetch state
    id: str = setting(parse=_slug)
    kind: SourceKind = SourceKind.FEED
    name: str
    url: str = setting(parse=_source_url)
    home: str = setting("", parse=_url)
    #: the section when no rule matches
    section: str | None = setting(None, parse=_section_name)
    #: the first matching rule decides the section
    rules: tuple[Rule, ...] = setting((), parse=_rules)
    byline: str = ""
    credit: str = setting(DEFAULT_CREDIT, parse=_credit)
    status: Status = setting(Status.PUBLISHED, parse=_source_status)
    #: regexes on title + summary; empty = everything
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    #: skip older items; 0 = no limit
    max_age_days: int = setting(30, low=0, high=100_000)
    #: combined feeds: "[외교부] 제목" → credited to 외교부, prefix removed
    agency_from_title: bool = False
    #: extra request headers for picky servers (User-Agent, Referer)
    headers: tuple[tuple[str, str], ...] = setting((), parse=_headers)
    #: a source whose newest item is older than this is reported stale; 0 = never
    stale_after_days: int = setting(14, low=0, high=3650)
    #: what happens to a release when a newsroom (CMS) article cites it
    when_in_cms: WhenInCMS = WhenInCMS.SUPERSEDE
    #: read each item's text from its linked page: "auto", or a CSS selector for the text's container
    fulltext: str = setting("", parse=_fulltext)
    #: how much of each release the feeds carry; the agency's registry entry may say otherwise
    republish: Republish = Republish.FULL
    #: keep or drop the releases' photos (photos in public-data releases need separate permission)
    images: Images = Images.KEEP
    #: the terms the releases are republished under (e.g. KOGL-1 for 공공누리 제1유형), in every format
    license: str = ""
    #: briefing-api: the environment variable holding the data.go.kr service key (never the key itself)
    service_key_env: str = setting("", parse=_env_name)
    #: briefing-api: how many days the first run reads back
    backfill_days: int = setting(7, low=1, high=365)
    #: briefing-api: the trailing days re-read on every run, so corrections are applied
    recheck_days: int = setting(3, low=1, high=30)
    #: briefing-api: days per request (the API allows at most 3); a full window is split
    window_days: int = setting(3, low=1, high=3)
    #: briefing-api: numOfRows per request; a window that comes back full is split
    rows: int = setting(1000, low=10, high=10_000)


def _check_source(reader: _Reader, source: SourceConfig, data: LocatedDict, at: Spot) -> None:
    """Rules across a source's settings, each reported at the key to fix."""

    def spot(key: str) -> Spot:
        return Spot(data, key, f"{at.path}.{key}")

    if source.section is None and not source.rules:
        raise reader.error(spot("section"), "a source needs a section or rules")
    if any(name.lower() == "servicekey" for name, _ in parse_qsl(urlsplit(source.url).query)):
        # a source's URL is published with its items (RSS <source>, atom:source, JSON Feed): never a key
        raise reader.error(
            spot("url"),
            "holds a serviceKey, which every feed would publish: remove it from the URL; a briefing-api "
            "source reads its key from the environment variable named by service_key_env",
        )
    if source.kind is SourceKind.BRIEFING_API:
        if not source.service_key_env:
            raise reader.error(spot("service_key_env"), "required for kind briefing-api (the key's variable name)")
        if not source.url.startswith(("http://", "https://")):
            raise reader.error(spot("url"), "must be the API's http(s) URL for kind briefing-api")
        return
    for key in API_SETTINGS:
        if key in data:
            raise reader.error(spot(key), f"only for kind briefing-api (this source's kind is {source.kind})")


def _agency_names(reader: _Reader, value: Any, spot: Spot) -> tuple[str, ...]:
    return tuple(reader.value(tuple[str, ...], value, spot))


@dataclass(frozen=True, kw_only=True)
class AgencyConfig:
    """An agency of the registry (`agencies:`), keyed by its current name."""

    name: str = derived()
    #: a short stable id, e.g. msit
    id: str = setting("", parse=_slug)
    home: str = setting("", parse=_url)
    #: where its releases go when their source has no rule for them
    section: str | None = setting(None, parse=_section_name)
    #: former names: a 2025 release of 기획재정부 finds 재정경제부's entry and stays credited as 기획재정부
    aliases: tuple[str, ...] = setting((), parse=_agency_names)
    #: the agency's terms, whichever source brings its releases (None: the source's setting)
    republish: Republish | None = None
    images: Images | None = None
    license: str | None = None


def _agencies(reader: _Reader, value: Any, spot: Spot) -> Agencies:
    data = reader.typed(LocatedDict, value, spot)
    owners: dict[str, str] = {}
    out = []
    for name, spec in data.items():
        at = Spot(data, name, f"agencies.{name}")
        agency = reader.read(AgencyConfig, spec, at, given={"name": name})
        for index, known in enumerate((name, *agency.aliases)):
            owner = owners.setdefault(agency_key(known), name)
            if owner != name:
                where = at if index == 0 else Spot(spec["aliases"], index - 1, f"{at.path}.aliases")
                raise reader.error(where, f"{known!r} already names agency {owner!r}")
        out.append(agency)
    return Agencies(out)


def _sections(reader: _Reader, value: Any, spot: Spot) -> Sections:
    data = reader.typed(LocatedDict, value, spot)
    if not data:
        raise reader.error(spot, "define at least one section")
    owners: dict[str, str] = {}
    out = []
    for slug, spec in data.items():
        at = Spot(data, slug, f"sections.{slug}")
        if SLUG.match(slug) is None:
            raise reader.error(at, "section keys may use only a-z, 0-9 and '-'")
        section = reader.read(Section, spec, at, given={"slug": slug})
        if section.url:  # a model record: its URL is checked here rather than by a parse hook
            section = replace(section, url=_url(reader, section.url, Spot(spec, "url", f"{at.path}.url")))
        for index, name in enumerate((slug, section.title, *section.aliases)):
            owner = owners.setdefault(section_key(name), slug)
            if owner != slug:
                where = Spot(spec, "title", at.path) if index == 1 else at
                if index > 1:
                    where = Spot(spec["aliases"], index - 2, f"{at.path}.aliases")
                raise reader.error(where, f"{name!r} already names section {owner!r}")
        out.append(section)
    return Sections(out)


def _imports(reader: _Reader, value: Any, spot: Spot) -> tuple[str, ...]:
    """Globs of CMS exports; a relative one is the site's and may not leave it (`../../etc/*.conf`)."""
    patterns: tuple[str, ...] = reader.value(tuple[str, ...], value, spot)
    for index, pattern in enumerate(patterns):
        if Path(pattern).is_absolute():
            continue
        at = Spot(value, index, f"{spot.path}[{index}]")
        if problem := _leaving_site(reader.site_dir, pattern):
            raise reader.error(at, problem)
        parts = Path(pattern).parts
        if any(part == ".." and any(c in "".join(parts[:n]) for c in "*?[") for n, part in enumerate(parts)):
            raise reader.error(at, f"{pattern}: '..' after a wildcard may lead anywhere; write the folder's name")
    return patterns


def _sources(reader: _Reader, value: Any, spot: Spot) -> tuple[SourceConfig, ...]:
    items = reader.typed(LocatedList, value, spot)
    out = list(reader.known_sources)
    for index, item in enumerate(items):
        at = Spot(items, index, f"sources[{index}]")
        source = reader.read(SourceConfig, item, at)
        _check_source(reader, source, item, at)
        if any(s.id == source.id for s in out):
            raise reader.error(Spot(item, "id", f"{at.path}.id"), f"duplicate source id {source.id!r}")
        out.append(source)
    return tuple(out[len(reader.known_sources) :])


@dataclass(frozen=True, kw_only=True)
class Config:
    """The whole validated config file, with what the loader derived (paths, store URL, sections)."""

    file: Path = derived()
    site_dir: Path = derived()
    site: SiteConfig
    store: StoreConfig = setting(StoreConfig())
    output: OutputConfig = setting(OutputConfig(dir=Path("public")))
    sections: Sections = setting(parse=_sections)
    #: agencies by current name: id, home, section and former names
    agencies: Agencies = setting(Agencies(), parse=_agencies)
    #: CMS exports imported on every `run` (globs, relative to the site, which they may not leave)
    imports: tuple[str, ...] = setting((), parse=_imports)
    sources: tuple[SourceConfig, ...] = setting((), parse=_sources)
    #: machine-written extra sources (`pressfeed sources import` appends there)
    sources_file: Path = setting(Path(DEFAULT_SOURCES_FILE), parse=_site_path, parse_default=True)
    fetch: FetchConfig = setting(FetchConfig())
    #: hash of the config's and the sources file's values (not their comments or layout): part of every
    #: feed's build fingerprint, as a source's terms are applied when an item is rendered
    digest: str = derived("")

    @property
    def store_url(self) -> str:
        """The store's resolved URL (what pressfeed.store.open_store takes)."""
        if self.store.url:
            return self.store.url
        return store_url.sqlite_url(self.store.path or self.site_dir / DEFAULT_STORE)

    @property
    def store_path(self) -> Path | None:
        """The SQLite file, or None when the store is a PostgreSQL database."""
        return store_url.sqlite_path(self.store_url)

    def section(self, slug: str) -> Section:
        return self.sections.get(slug)

    def resolve_section(self, name: str) -> str | None:
        """Slug for a section slug, title or alias ("IT/과학" → "it-science")."""
        return self.sections.resolve(name)

    def normalize_context(self) -> NormalizeContext:
        return NormalizeContext(
            site_url=self.site.url,
            tz=self.site.tz,
            tag_authority=self.site.tag_authority,
            sections=self.sections,
            agencies=self.agencies,
            summary_length=self.output.summary_length,
        )

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def story_rules(self) -> StoryRules:
        """What the config says of which newsroom article supersedes which release (pressfeed.stories.settle)."""
        from .stories import StoryRules

        return StoryRules(self.supersedable, self.agencies)

    def supersedable(self, stored: StoredArticle, brought_by: Sequence[str] = ()) -> bool:
        """May a newsroom article supersede this stored release? Not when a source that brought it, first or a
        copy (`brought_by`), has `when_in_cms: keep`: which of them came first must not decide."""
        keep = {s.id for s in self.sources if s.when_in_cms is WhenInCMS.KEEP}
        ids = {stored.origin.removeprefix("source:"), *brought_by}
        return stored.origin.startswith("source:") and not ids & keep


# -- loading ------------------------------------------------------------------


def find_config(site_dir: Path, config: Path | None = None) -> Path:
    if config is None and os.environ.get(CONFIG_ENV):
        config = Path(os.environ[CONFIG_ENV])
    if config is None:
        return site_dir / DEFAULT_CONFIG
    return config if config.is_absolute() else Path.cwd() / config


def config_cache(site_dir: Path | str) -> YAMLCache:
    """The site's parse cache (in its `.pressfeed` folder; never made for it), for :func:`load_config`."""
    return YAMLCache(Path(site_dir).resolve() / CONFIG_CACHE)


def load_config(
    site_dir: Path | str = ".", config: Path | str | None = None, *, cache: YAMLCache | None = None
) -> Config:
    """The site's validated config. `cache`: texts parsed before come from it (the caller saves it once
    the config is known good, see :func:`config_cache`); validation and its errors are the same."""
    site = Path(site_dir).resolve()
    path = find_config(site, Path(config) if config is not None else None)
    try:
        text = read_utf8(path)
    except FileNotFoundError:
        raise ConfigError(str(path), None, "", f"config file not found ({_no_config_advice(site, path)})") from None
    except OSError as exc:
        raise ConfigError(str(path), None, "", f"cannot read config: {exc}") from None
    return parse_config(text, path, site, cache=cache)


def _no_config_advice(site: Path, path: Path) -> str:
    """What to do when the config is missing: at its default place, the site directory is likely wrong
    (cron starts in the home directory); a path the user gave is simply missing."""
    if path == site / DEFAULT_CONFIG:
        return "name the site directory with --site DIR, or create a site there with `pressfeed init DIR`"
    return "check --config or PRESSFEED_CONFIG"


def read_utf8(path: Path) -> str:
    """A config file's text; not UTF-8 (saved as EUC-KR by a Korean editor) is a ConfigError at its line."""
    most = 4 * MAX_CONFIG_CHARS  # bytes of the longest text the YAML reader takes (4 bytes a character at most)
    with path.open("rb") as fh:  # read no further: `--config /dev/zero` (or a FIFO, a huge file) is no config
        data = fh.read(most + 1)
    if len(data) > most:
        raise ConfigError(str(path), None, "", f"more than {most:,} bytes: not a config file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(str(path), line, "", "not UTF-8 (was it saved as EUC-KR? save it as UTF-8)") from None


def parse_config(
    text: str, path: Path, site_dir: Path, *, sources_text: str | None = None, cache: YAMLCache | None = None
) -> Config:
    """Validate a config text; `sources_text` stands in for the sources file (to check an edit before writing)."""
    reader = _Reader(str(path), site_dir, path.resolve().parent, cache)
    data = _load(text, str(path), cache)
    if data is None:
        raise ConfigError(str(path), 1, "", "config file is empty")
    if not isinstance(data, LocatedDict):
        line = getattr(data, "line", None) or _first_line(text)
        message = f"must be a mapping of settings (site:, sections:, …), not {value_kind(data)}"
        raise ConfigError(str(path), line, "", message)
    top = reader.mapping(data, Spot(None, "", ""), _keys(Config))
    site = reader.read(SiteConfig, top.get("site"), Spot(top, "site", "site"), required=True)
    site = _site_defaults(site, str(top["site"].get("url", "")))
    reader.sections = _sections(reader, top.get("sections"), Spot(top, "sections", "sections"))
    config = reader.read(
        Config,
        top,
        Spot(None, "", ""),
        given={"file": path, "site_dir": site_dir, "site": site, "sections": reader.sections},
    )
    config = _config_defaults(config)
    config = _replace(config, store=_store_defaults(reader, config.store, top.get("store")))
    _check_store_not_served(reader, config, top)
    if config.fetch.connect_seconds > config.fetch.timeout:
        fetch = top.get("fetch")
        raise reader.error(Spot(fetch, "connect_timeout", "fetch.connect_timeout"), "must be at most fetch.timeout")
    if sources_text is None and "sources_file" in top and not config.sources_file.exists():
        _check_sources_file_named(reader, config.sources_file, top)
    extra, extra_data = _extra_sources(reader, config.sources_file, config.sources, sources_text)
    published = {key: value for key, value in data.items() if key != "store"} if isinstance(data, dict) else data
    return _replace(config, sources=config.sources + extra, digest=_digest(published, extra_data))


def _digest(*documents: Any) -> str:
    """The documents' values in their order (sections are published in it), so a comment is no change. Not the
    store's: a site moved to PostgreSQL (or back) publishes the same files, its OPML's date too."""
    blob = json.dumps(documents, ensure_ascii=False, default=repr, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _site_defaults(site: SiteConfig, written_url: str) -> SiteConfig:
    # the host as written, not as site.url keeps it: a Korean domain's ids were made from its Hangul name
    # before URLs were made URIs (punycode), and an id may never change
    host = urlsplit(written_url).hostname or "localhost"
    return _replace(
        site,
        feed_url=site.feed_url or site.url,
        tag_authority=site.tag_authority or f"{host.removeprefix('www.')},2025",
    )


def _store_defaults(reader: _Reader, store: StoreConfig, data: Any) -> StoreConfig:
    """One resolved URL: PRESSFEED_STORE_URL, else store.url, else store.path, else the default file."""
    if store.url and store.path is not None:
        raise reader.error(Spot(data, "url", "store.url"), "give store.url or store.path, not both")
    env = os.environ.get(STORE_URL_ENV, "").strip()
    if env:
        try:
            url = store_url.resolve(env, reader.site_dir)
        except store_url.StoreURLError as exc:
            raise ConfigError(STORE_URL_ENV, None, "", str(exc)) from None
        # store.url's rule, as README says: a relative SQLite path is the site's and may not leave it
        relative = _relative_sqlite(env, url)
        if relative is not None and (problem := _leaving_site(reader.site_dir, relative)):
            raise ConfigError(STORE_URL_ENV, None, "", problem)
    else:
        url = store.url or store_url.sqlite_url(store.path or reader.site_dir / DEFAULT_STORE)
    return _replace(store, url=url, path=store_url.sqlite_path(url))


def served_publicly(config: Config, path: Path) -> bool:
    """Whether `path` is inside output.dir, which is served to anyone: no store may be (its drafts and
    embargoed releases would be too)."""
    return path.resolve().is_relative_to(config.output.dir.resolve())


def _check_store_not_served(reader: _Reader, config: Config, top: LocatedDict) -> None:
    """A SQLite store inside output.dir would be served to anyone, with its drafts and embargoed releases."""
    store = config.store.path
    if store is None:
        return  # PostgreSQL: nothing on disk
    if not served_publicly(config, store):
        return
    advice = "keep the store outside output.dir, e.g. store.path: .pressfeed/pressfeed.db"
    message = f"the SQLite store {store} is inside output.dir {config.output.dir}, which is served publicly"
    if os.environ.get(STORE_URL_ENV, "").strip():
        raise ConfigError(STORE_URL_ENV, None, "", f"{message}: {advice}")
    data = top.get("store")
    for key in ("url", "path"):
        if isinstance(data, LocatedDict) and data.get(key) is not None:
            raise reader.error(Spot(data, key, f"store.{key}"), f"{message}: {advice}")
    where = Spot(top.get("output"), "dir", "output.dir")
    raise reader.error(
        where, f"must not hold the SQLite store {store}: it would be served publicly; choose another folder"
    )


def _config_defaults(config: Config) -> Config:
    from . import __version__

    user_agent = config.fetch.user_agent or f"pressfeed/{__version__} (+{config.site.url})"
    return _replace(config, fetch=_replace(config.fetch, user_agent=user_agent))


def _check_sources_file_named(reader: _Reader, path: Path, top: LocatedDict) -> None:
    """A sources file the config names must be there: a typo in its name dropped every source in it, and
    runs and checks went on without a word. Only the default one may be missing (nothing imported yet)."""
    if path != reader.site_dir / DEFAULT_SOURCES_FILE:
        shown = path.relative_to(reader.site_dir) if path.is_relative_to(reader.site_dir) else path
        message = f"{shown} does not exist: correct the path, or create the file (empty) for `sources import` to fill"
        raise reader.error(Spot(top, "sources_file", "sources_file"), message)


def _extra_sources(
    reader: _Reader, path: Path, known: tuple[SourceConfig, ...], text: str | None
) -> tuple[tuple[SourceConfig, ...], Any]:
    """Sources kept in `sources_file` (written by `pressfeed sources import`), checked like the config's;
    and the file's parsed value."""
    if text is None and not path.exists():
        return (), None  # none imported yet
    if text is None:
        try:
            text = read_utf8(path)
        except OSError as exc:
            raise ConfigError(str(path), None, "", f"cannot read: {exc}") from None
    data = _load(text, str(path), reader.cache)
    if data is None:
        return (), None
    if not isinstance(data, LocatedList):
        line = getattr(data, "line", None) or _first_line(text)
        raise ConfigError(str(path), line, "", f"must be a YAML list of sources, not {value_kind(data)}")
    sub = _Reader(str(path), reader.site_dir, reader.config_dir)
    sub.sections, sub.known_sources = reader.sections, known
    return _sources(sub, data, Spot(None, "sources", "sources")), data


def _first_line(text: str) -> int:
    """The line a document's only value (a scalar, which has no line of its own) is written on."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith(("#", "%", "---")):
            return number
    return 1


def _load(text: str, file: str, cache: YAMLCache | None) -> Any:
    try:
        return cache.load_one(text) if cache is not None else load_one(text)
    except YAMLSyntaxError as exc:
        raise ConfigError(file, exc.line, exc.key, exc.message) from None


def _replace(obj: T, **changes: Any) -> T:
    from dataclasses import replace

    return replace(obj, **changes)  # type: ignore[type-var]


# -- the reader -------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """Where a raw value sits: its container and key (for the line) and its dotted path (for the message)."""

    container: Any
    key: str | int
    path: str


@cache
def _keys(cls: Any) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls) if f.metadata.get("config", True))


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


class _Reader:
    """Reads raw YAML values into settings, by their dataclass fields."""

    def __init__(self, file: str, site_dir: Path, config_dir: Path, cache: YAMLCache | None = None) -> None:
        self.file, self.site_dir, self.config_dir, self.cache = file, site_dir, config_dir, cache
        self.sections = Sections()
        #: sources already defined (the config's, when reading the sources file)
        self.known_sources: tuple[SourceConfig, ...] = ()

    def error(self, spot: Spot, message: str) -> ConfigError:
        return ConfigError(self.file, line_of(spot.container, spot.key), spot.path, message)

    def mapping(self, value: Any, spot: Spot, allowed: frozenset[str]) -> LocatedDict:
        if value is None:
            value = LocatedDict()
            value.line, value.lines = line_of(spot.container, spot.key) or 1, {}
        if not isinstance(value, LocatedDict):
            raise self.error(spot, f"must be a mapping, not {value_kind(value)}")
        for name in value:
            if name not in allowed:
                hint = ", ".join(sorted(allowed))
                where = f"{spot.path}.{name}" if spot.path else name
                raise self.error(Spot(value, name, where), f"unknown key (allowed: {hint})")
        return value

    def read(
        self, cls: type[T], value: Any, spot: Spot, *, given: dict[str, Any] | None = None, required: bool = False
    ) -> T:
        """A dataclass of settings from a mapping: unknown keys refused, each field read by its type."""
        if value is None and required:
            raise self.error(spot, "required")
        kind: Any = cls
        data = self.mapping(value, spot, _keys(kind))
        given = given or {}
        values: dict[str, Any] = {}
        for f in fields(kind):
            if f.name in given:
                values[f.name] = given[f.name]
            elif f.metadata.get("config", True):
                at = Spot(data, f.name, f"{spot.path}.{f.name}" if spot.path else f.name)
                self._field(f, _hints(kind)[f.name], data.get(f.name), at, values)
        return cls(**values)

    def _field(self, f: Field[Any], hint: Any, raw: Any, spot: Spot, values: dict[str, Any]) -> None:
        meta, parse = f.metadata, f.metadata.get("parse")
        if raw is not None:
            values[f.name] = parse(self, raw, spot) if parse else self.value(hint, raw, spot, meta)
        elif is_dataclass(hint):  # an absent group of settings still gets its defaults resolved
            values[f.name] = self.read(hint, None, spot)  # type: ignore[arg-type]
        elif f.default is MISSING:
            raise self.error(spot, "required")
        elif meta.get("parse_default"):
            values[f.name] = parse(self, f.default, spot)  # type: ignore[misc]

    def value(self, hint: Any, raw: Any, spot: Spot, meta: Any = None) -> Any:
        """A raw value read by its declared type."""
        meta = meta or {}
        origin, args = get_origin(hint), get_args(hint)
        if origin in (Union, types.UnionType) and type(None) in args:
            (inner,) = [a for a in args if a is not type(None)]
            return self.value(inner, raw, spot, meta)
        if is_dataclass(hint):
            return self.read(hint, raw, spot)  # type: ignore[arg-type]
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            items = self.typed(LocatedList, raw, spot)
            return tuple(self._item(args[0], item, Spot(items, i, f"{spot.path}[{i}]")) for i, item in enumerate(items))
        if origin is re.Pattern:
            return self.regex(raw, spot)
        if isinstance(hint, type) and issubclass(hint, Enum):
            choices = [str(e.value) for e in hint]
            if raw not in choices:
                raise self.error(spot, f"must be one of {', '.join(choices)}")
            return hint(raw)
        if hint is Path:
            return _site_path(self, raw, spot)
        return self._bounded(self.typed(hint, raw, spot), spot, meta)

    def _item(self, hint: Any, raw: Any, spot: Spot) -> Any:
        if hint is str:
            if not isinstance(raw, str) or not raw.strip():
                raise self.error(spot, "must be a non-empty string")
            return raw
        return self.value(hint, raw, spot)

    def typed(self, kind: type[T], raw: Any, spot: Spot, message: str = "") -> T:
        if kind is float and isinstance(raw, int) and not isinstance(raw, bool):
            raw = float(raw)
        if not isinstance(raw, kind) or (kind is not bool and isinstance(raw, bool)):
            quote = " (put it in quotes)" if kind is str and isinstance(raw, int | float | date) else ""
            raise self.error(spot, message or f"must be {_kind_name(kind)}, not {value_kind(raw)}{quote}")
        return raw

    def _bounded(self, value: Any, spot: Spot, meta: Any) -> Any:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return value
        low, above, high = meta.get("low"), meta.get("above"), meta.get("high")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(spot, "must be a finite number")
        if above is not None and not (value > above and (high is None or value <= high)):
            raise self.error(spot, f"must be more than {above:g} and at most {high:g}")
        if low is not None and not (low <= value <= (high if high is not None else value)):
            raise self.error(spot, f"must be between {low} and {high}")
        return value

    def regex(self, raw: Any, spot: Spot) -> re.Pattern[str]:
        if not isinstance(raw, str) or raw == "":
            raise self.error(spot, "must be a regular expression string")
        try:
            return re.compile(raw, re.IGNORECASE)
        except re.error as exc:
            raise self.error(spot, f"invalid regular expression: {exc}") from None


def _kind_name(kind: type) -> str:
    return {
        str: "text",
        dict: "a mapping",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        LocatedDict: "a mapping",
        LocatedList: "a list",
        list: "a list",
    }.get(kind, kind.__name__)
