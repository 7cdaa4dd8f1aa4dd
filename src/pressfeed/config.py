"""`feeds/pressfeed.yaml` → a typed, fully validated :class:`Config`.

Validation happens before anything else runs: unknown keys, wrong types, bad
slugs and duplicate aliases raise :class:`ConfigError` naming file, line and key.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .model import Section, Status
from .normalize import NormalizeContext, section_key
from .yamlfile import LocatedDict, LocatedList, YAMLSyntaxError, line_of, load_one

DEFAULT_CONFIG = Path("feeds/pressfeed.yaml")
#: machine-written list of extra sources (`pressfeed sources import`), beside the hand-written config
DEFAULT_SOURCES_FILE = "feeds/sources.yaml"
CONFIG_ENV = "PRESSFEED_CONFIG"
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

T = TypeVar("T")


@dataclass(frozen=True)
class SiteConfig:
    title: str
    url: str
    feed_url: str
    language: str = "ko"
    timezone: str = "Asia/Seoul"
    description: str = ""
    #: RFC 4151 authority for generated ids, e.g. "example-portal.kr,2025"; never change it
    tag_authority: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class OutputConfig:
    dir: Path
    items_per_feed: int = 50
    summary_length: int = 200


@dataclass(frozen=True)
class Rule:
    match: re.Pattern[str]
    section: str


@dataclass(frozen=True)
class SourceConfig:
    id: str
    name: str
    url: str
    home: str = ""
    section: str | None = None
    rules: tuple[Rule, ...] = ()
    byline: str = ""
    credit: str = "[뉴스출처 : {name}]"
    status: Status = Status.PUBLISHED
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    #: 0 = no limit
    max_age_days: int = 30
    #: agency name taken from a "[기관명] 제목" title prefix (combined feeds)
    agency_from_title: bool = False
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def credit_line(self) -> str:
        return self.credit.replace("{name}", self.name)


@dataclass(frozen=True)
class FetchConfig:
    concurrency: int = 10
    per_host: int = 2
    connect_timeout: float = 10.0
    timeout: float = 30.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = ""
    #: processes that parse feeds while others download; None = one per core for large runs, 0 = none
    workers: int | None = None
    #: private networks (CIDR) that redirects and content-derived URLs may reach; see ingest.guard
    allow_private: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    file: Path
    site_dir: Path
    site: SiteConfig
    store_path: Path
    output: OutputConfig
    sections: tuple[Section, ...]
    imports: tuple[str, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    fetch: FetchConfig = field(default_factory=FetchConfig)
    #: machine-written extra sources (`pressfeed sources import` appends there)
    sources_file: Path = Path(DEFAULT_SOURCES_FILE)
    #: hash of the config text: part of every feed's build fingerprint
    digest: str = ""

    def section(self, slug: str) -> Section:
        for section in self.sections:
            if section.slug == slug:
                return section
        raise KeyError(slug)

    def resolve_section(self, name: str) -> str | None:
        """Slug for a section slug, title or alias ("IT/과학" → "it-science")."""
        return self._section_index.get(section_key(name))

    @cached_property
    def _section_index(self) -> dict[str, str]:
        return section_index(self.sections)

    def normalize_context(self) -> NormalizeContext:
        return NormalizeContext(
            site_url=self.site.url,
            tz=self.site.tz,
            tag_authority=self.site.tag_authority,
            sections=self._section_index,
            summary_length=self.output.summary_length,
        )

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


# -- loading ------------------------------------------------------------------


def find_config(site_dir: Path, config: Path | None = None) -> Path:
    if config is None and os.environ.get(CONFIG_ENV):
        config = Path(os.environ[CONFIG_ENV])
    if config is None:
        return site_dir / DEFAULT_CONFIG
    return config if config.is_absolute() else Path.cwd() / config


def load_config(site_dir: Path | str = ".", config: Path | str | None = None) -> Config:
    site = Path(site_dir).resolve()
    path = find_config(site, Path(config) if config is not None else None)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), None, "", "config file not found (create one with `pressfeed init`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, "", f"cannot read config: {exc}") from None
    return parse_config(text, path, site)


def parse_config(text: str, path: Path, site_dir: Path, *, sources_text: str | None = None) -> Config:
    """Validate a config text; `sources_text` stands in for the sources file (to check an edit before writing)."""
    try:
        data = load_one(text)
    except YAMLSyntaxError as exc:
        raise ConfigError(str(path), exc.line, exc.key, exc.message) from None
    parser = _Parser(str(path), site_dir, sources_text)
    return parser.config(data, path, hashlib.sha256(text.encode()).hexdigest())


class _Parser:
    def __init__(self, file: str, site_dir: Path, sources_text: str | None = None) -> None:
        self.file, self.site_dir, self.sources_text = file, site_dir, sources_text

    def error(self, container: Any, key: str | int, path: str, message: str) -> ConfigError:
        return ConfigError(self.file, line_of(container, key), path, message)

    # generic field readers --------------------------------------------------

    def mapping(self, value: Any, path: str, allowed: set[str], parent: Any = None, key: Any = None) -> LocatedDict:
        if value is None:
            value = LocatedDict()
            value.line, value.lines = line_of(parent, key) or 1, {}
        if not isinstance(value, LocatedDict):
            raise self.error(parent, key, path, "must be a mapping")
        for name in value:
            if name not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.error(value, name, f"{path}.{name}" if path else name, f"unknown key (allowed: {hint})")
        return value

    def get(
        self, data: LocatedDict, key: str, path: str, kind: type[T], default: T | None = None, *, required: bool = False
    ) -> T:
        where = f"{path}.{key}" if path else key
        if key not in data or data[key] is None:
            if required:
                raise self.error(data, key, where, "required")
            return default  # type: ignore[return-value]
        value = data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.error(data, key, where, f"must be {_kind_name(kind)}, not {type(value).__name__}")
        return value

    def check(self, ok: bool, data: Any, key: str | int, where: str, message: str) -> None:
        if not ok:
            raise self.error(data, key, where, message)

    def strings(self, data: LocatedDict, key: str, path: str) -> tuple[str, ...]:
        where = f"{path}.{key}" if path else key
        items = self.get(data, key, path, list, LocatedList())
        for index, item in enumerate(items):
            self.check(
                isinstance(item, str) and item.strip() != "",
                items,
                index,
                f"{where}[{index}]",
                "must be a non-empty string",
            )
        return tuple(items)

    def url(self, data: LocatedDict, key: str, path: str, *, required: bool = False, default: str = "") -> str:
        value = self.get(data, key, path, str, default, required=required)
        if value:
            parts = urlsplit(value)
            self.check(
                parts.scheme in ("http", "https") and bool(parts.netloc),
                data,
                key,
                f"{path}.{key}",
                "must be an absolute http(s) URL",
            )
        return value

    def positive(self, data: LocatedDict, key: str, path: str, default: int, low: int = 1, high: int = 10**9) -> int:
        value = self.get(data, key, path, int, default)
        self.check(low <= value <= high, data, key, f"{path}.{key}", f"must be between {low} and {high}")
        return value

    def regex(self, data: Any, key: str | int, where: str, pattern: Any) -> re.Pattern[str]:
        self.check(isinstance(pattern, str) and pattern != "", data, key, where, "must be a regular expression string")
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise self.error(data, key, where, f"invalid regular expression: {exc}") from None

    def patterns(self, data: LocatedDict, key: str, path: str) -> tuple[re.Pattern[str], ...]:
        """A list of regexes; an error points at the bad item's own line."""
        items = self.get(data, key, path, LocatedList, LocatedList())
        return tuple(self.regex(items, i, f"{path}.{key}[{i}]", p) for i, p in enumerate(items))

    # sections of the file ---------------------------------------------------

    def config(self, data: Any, path: Path, digest: str) -> Config:
        if data is None:
            raise ConfigError(self.file, 1, "", "config file is empty")
        top = self.mapping(
            data, "", {"site", "store", "output", "sections", "imports", "sources", "sources_file", "fetch"}
        )
        self.check("site" in top, top, "site", "site", "required")
        site = self.site(top)
        sections = self.sections(top)
        store = self.mapping(top.get("store"), "store", {"path"}, top, "store")
        store_path = self.site_dir / self.get(store, "path", "store", str, ".pressfeed/pressfeed.db")
        output = self.output(top)
        imports = self.strings(top, "imports", "")
        slugs, resolve = {s.slug for s in sections}, _section_resolver(sections)
        sources = self.sources(top, slugs, resolve)
        sources += self.extra_sources(top, slugs, resolve, list(sources))
        return Config(
            file=path,
            site_dir=self.site_dir,
            site=site,
            store_path=store_path,
            output=output,
            sections=sections,
            imports=imports,
            sources=sources,
            fetch=self.fetch(top, site),
            digest=digest,
            sources_file=self.sources_path(top),
        )

    def site(self, top: LocatedDict) -> SiteConfig:
        keys = {"title", "url", "feed_url", "language", "timezone", "description", "tag_authority"}
        data = self.mapping(top["site"], "site", keys, top, "site")
        url = _with_slash(self.url(data, "url", "site", required=True))
        feed_url = _with_slash(self.url(data, "feed_url", "site", default=url))
        timezone = self.get(data, "timezone", "site", str, "Asia/Seoul")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(
                data, "timezone", "site.timezone", f"unknown time zone {timezone!r} (e.g. Asia/Seoul)"
            ) from None
        language = self.get(data, "language", "site", str, "ko")
        self.check(
            re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", language) is not None,
            data,
            "language",
            "site.language",
            "must be a language tag like ko or en-US",
        )
        host = urlsplit(url).hostname or "localhost"
        authority = self.get(data, "tag_authority", "site", str, f"{host.removeprefix('www.')},2025")
        self.check(
            re.fullmatch(r"[a-z0-9.@-]+,\d{4}(-\d{2}(-\d{2})?)?", authority) is not None,
            data,
            "tag_authority",
            "site.tag_authority",
            "must look like example.kr,2025 (RFC 4151)",
        )
        return SiteConfig(
            title=self.get(data, "title", "site", str, required=True),
            url=url,
            feed_url=feed_url,
            language=language,
            timezone=timezone,
            description=self.get(data, "description", "site", str, ""),
            tag_authority=authority,
        )

    def sections(self, top: LocatedDict) -> tuple[Section, ...]:
        data = self.get(top, "sections", "", LocatedDict, required=True)
        self.check(len(data) > 0, top, "sections", "sections", "define at least one section")
        seen: dict[str, str] = {}
        out = []
        for slug, value in data.items():
            where = f"sections.{slug}"
            self.check(SLUG.match(slug) is not None, data, slug, where, "section keys may use only a-z, 0-9 and '-'")
            spec = self.mapping(value, where, {"title", "aliases", "description", "url"}, data, slug)
            section = Section(
                slug=slug,
                url=self.url(spec, "url", where),
                title=self.get(spec, "title", where, str, required=True),
                aliases=self.strings(spec, "aliases", where),
                description=self.get(spec, "description", where, str, ""),
            )
            for index, name in enumerate((slug, section.title, *section.aliases)):
                key = section_key(name)
                owner = seen.get(key)
                if owner is not None and owner != slug:
                    at = spec["aliases"] if index > 1 else spec
                    at_key: str | int = index - 2 if index > 1 else ("title" if index == 1 else slug)
                    raise self.error(
                        at,
                        at_key,
                        f"{where}.aliases" if index > 1 else where,
                        f"{name!r} already names section {owner!r}",
                    )
                seen[key] = slug
            out.append(section)
        return tuple(out)

    def output(self, top: LocatedDict) -> OutputConfig:
        data = self.mapping(top.get("output"), "output", {"dir", "items_per_feed", "summary_length"}, top, "output")
        return OutputConfig(
            dir=self.site_dir / self.get(data, "dir", "output", str, "public"),
            items_per_feed=self.positive(data, "items_per_feed", "output", 50, 1, 1000),
            summary_length=self.positive(data, "summary_length", "output", 200, 20, 5000),
        )

    def fetch(self, top: LocatedDict, site: SiteConfig) -> FetchConfig:
        keys = {
            "concurrency",
            "per_host",
            "connect_timeout",
            "timeout",
            "max_bytes",
            "max_redirects",
            "user_agent",
            "workers",
            "allow_private",
        }
        data = self.mapping(top.get("fetch"), "fetch", keys, top, "fetch")
        from . import __version__

        default_ua = f"pressfeed/{__version__} (+{site.url})"
        timeout = self.get(data, "timeout", "fetch", float, 30.0)
        connect = self.get(data, "connect_timeout", "fetch", float, min(10.0, timeout))
        self.check(
            0 < connect <= timeout,
            data,
            "connect_timeout",
            "fetch.connect_timeout",
            "must be > 0 and at most fetch.timeout",
        )
        return FetchConfig(
            concurrency=self.positive(data, "concurrency", "fetch", 10, 1, 200),
            per_host=self.positive(data, "per_host", "fetch", 2, 1, 20),
            connect_timeout=connect,
            timeout=timeout,
            max_bytes=self.positive(data, "max_bytes", "fetch", 15 * 1024 * 1024, 1024),
            max_redirects=self.positive(data, "max_redirects", "fetch", 5, 0, 20),
            user_agent=self.get(data, "user_agent", "fetch", str, default_ua),
            workers=self.positive(data, "workers", "fetch", 0, 0, 16) if "workers" in data else None,
            allow_private=self.networks(data, "allow_private", "fetch"),
        )

    def networks(self, data: LocatedDict, key: str, path: str) -> tuple[str, ...]:
        """IP networks ("10.0.0.0/8", "192.168.1.20"), normalized; an error points at the bad item."""
        items = self.strings(data, key, path)
        out = []
        for index, item in enumerate(items):
            try:
                out.append(str(ipaddress.ip_network(item.strip(), strict=False)))
            except ValueError:
                raise self.error(
                    data[key], index, f"{path}.{key}[{index}]", "must be an IP network like 10.0.0.0/8 or 192.168.1.20"
                ) from None
        return tuple(out)

    def extra_sources(
        self, top: LocatedDict, slugs: set[str], resolve: Callable[[str], str | None], known: list[SourceConfig]
    ) -> tuple[SourceConfig, ...]:
        """Sources kept in `sources_file` (written by `pressfeed sources import`)."""
        path = self.sources_path(top)
        if self.sources_text is None and not path.exists():
            return ()  # none imported yet
        parser = _Parser(str(path), self.site_dir)
        try:
            text = self.sources_text if self.sources_text is not None else path.read_text(encoding="utf-8")
            data = load_one(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), None, "", f"cannot read: {exc}") from None
        except YAMLSyntaxError as exc:
            raise ConfigError(str(path), exc.line, exc.key, exc.message) from None
        if data is None:
            return ()
        if not isinstance(data, LocatedList):
            raise ConfigError(str(path), 1, "", "must be a YAML list of sources")
        wrapper = LocatedDict(sources=data)
        wrapper.line, wrapper.lines = 1, {"sources": 1}
        return parser.sources(wrapper, slugs, resolve, known)

    def sources_path(self, top: LocatedDict) -> Path:
        return self.site_dir / self.get(top, "sources_file", "", str, DEFAULT_SOURCES_FILE)

    def sources(
        self,
        top: LocatedDict,
        slugs: set[str],
        resolve: Callable[[str], str | None],
        known: list[SourceConfig] | None = None,
    ) -> tuple[SourceConfig, ...]:
        items = self.get(top, "sources", "", LocatedList, LocatedList())
        known = known or []
        keys = {
            "id",
            "name",
            "home",
            "url",
            "section",
            "rules",
            "byline",
            "credit",
            "status",
            "include",
            "exclude",
            "max_age_days",
            "agency_from_title",
            "headers",
        }
        out: list[SourceConfig] = []
        for index, value in enumerate(items):
            where = f"sources[{index}]"
            data = self.mapping(value, where, keys, items, index)
            source_id = self.get(data, "id", where, str, required=True)
            self.check(
                SLUG.match(source_id) is not None, data, "id", f"{where}.id", "source ids may use only a-z, 0-9 and '-'"
            )
            self.check(
                all(s.id != source_id for s in (*known, *out)),
                data,
                "id",
                f"{where}.id",
                f"duplicate source id {source_id!r}",
            )
            url = self.get(data, "url", where, str, required=True)
            # an http(s) URL, or a local file relative to the site (offline samples)
            url = self.url(data, "url", where) if "://" in url else str(self.site_dir / url)
            section_name = self.get(data, "section", where, str, None)
            section: str | None = None
            if section_name is not None:
                slug = section = resolve(section_name)
                self.check(
                    slug is not None,
                    data,
                    "section",
                    f"{where}.section",
                    f"unknown section {section_name!r} (known: {', '.join(sorted(slugs))})",
                )
            rules = self.rules(data, where, resolve)
            self.check(
                section is not None or bool(rules),
                data,
                "section",
                f"{where}.section",
                "a source needs a section or rules",
            )
            status = self.get(data, "status", where, str, "published")
            self.check(
                status in ("published", "draft"), data, "status", f"{where}.status", "must be published or draft"
            )
            name = self.get(data, "name", where, str, required=True)
            out.append(
                SourceConfig(
                    id=source_id,
                    name=name,
                    url=url,
                    home=self.url(data, "home", where),
                    section=section,
                    rules=rules,
                    byline=self.get(data, "byline", where, str, ""),
                    credit=self.get(data, "credit", where, str, "[뉴스출처 : {name}]"),
                    status=Status(status),
                    include=self.patterns(data, "include", where),
                    exclude=self.patterns(data, "exclude", where),
                    max_age_days=self.positive(data, "max_age_days", where, 30, 0, 100_000),
                    agency_from_title=self.get(data, "agency_from_title", where, bool, False),
                    headers=self.headers(data, where),
                )
            )
        return tuple(out)

    def rules(self, data: LocatedDict, where: str, resolve: Callable[[str], str | None]) -> tuple[Rule, ...]:
        items = self.get(data, "rules", where, LocatedList, LocatedList())
        out = []
        for index, value in enumerate(items):
            at = f"{where}.rules[{index}]"
            rule = self.mapping(value, at, {"match", "section"}, items, index)
            pattern = self.regex(rule, "match", f"{at}.match", rule.get("match"))
            name = self.get(rule, "section", at, str, required=True)
            slug = resolve(name)
            self.check(slug is not None, rule, "section", f"{at}.section", f"unknown section {name!r}")
            out.append(Rule(pattern, slug or ""))
        return tuple(out)

    def headers(self, data: LocatedDict, where: str) -> tuple[tuple[str, str], ...]:
        value = self.get(data, "headers", where, LocatedDict, LocatedDict())
        for name, header in value.items():
            self.check(isinstance(header, str), value, name, f"{where}.headers.{name}", "header values must be strings")
        return tuple(sorted(value.items()))


def section_index(sections: tuple[Section, ...]) -> dict[str, str]:
    return {section_key(n): s.slug for s in sections for n in (s.slug, s.title, *s.aliases)}


def _section_resolver(sections: tuple[Section, ...]) -> Callable[[str], str | None]:
    index = section_index(sections)
    return lambda name: index.get(section_key(name))


def _with_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def _kind_name(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        LocatedDict: "a mapping",
        LocatedList: "a list",
        list: "a list",
    }.get(kind, kind.__name__)
