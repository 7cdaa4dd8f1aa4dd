"""The list of agency sources, in and out as OPML.

`sources export` writes the configured sources; `sources import` reads an OPML
file (listparser) and appends new sources to the machine-written
`feeds/sources.yaml`, never touching the hand-written config.

A source id is in every article id and in the fetch state, so it cannot change
after the first run: import picks one that names the agency and its board
(`https://www.mofa.go.kr/www/brd/rss.do?brdId=235` -> `mofa-235`), which the
user may still edit before that run.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

import listparser
import yaml

from .config import Config, parse_config
from .errors import ConfigError, UsageError
from .publish.opml import Outline, render_opml
from .publish.writer import atomic_write
from .sanitize import plain_text
from .urls import as_uri

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

#: query keys that name a board in Korean agency CMSs, most specific first (compared lower-case, without "_"):
#: eGovFrame's bbsId, brdId (외교부), boardId / board_id, bbs_id, bbsCd, bbsSeqNo (과기정통부 user/rss),
#: rss_id (국토부 board_rss.jsp), code, mId (a menu that holds one board: 과기정통부 bbs/rss.do)
BOARD_KEYS = ("bbsid", "brdid", "boardid", "bbscd", "bbsseqno", "rssid", "code", "mid")
#: path segments that say nothing about the board: feed scripts and the CMS's folders
_GENERIC_WORDS = frozenset(
    {"rss", "rss2", "atom", "feed", "feeds", "xml", "index", "default", "main", "list"}
    | {"board", "brd", "bbs", "portal", "user", "usr", "www", "web", "home", "dev", "jsp", "view"}
)
#: eGovFrame's board ids: BBSMSTR_000000000031 -> 31
_EGOV_BOARD = re.compile(r"^bbsmstr-0*(?=[0-9])")


def export_sources(config: Config) -> bytes:
    outlines = [Outline(s.name, s.url, s.home, category=s.section or "") for s in config.sources]
    return render_opml(f"{config.site.title} 보도자료 출처", outlines)


@dataclass(frozen=True)
class ImportedSources:
    added: tuple[dict[str, Any], ...]
    skipped: tuple[str, ...]
    path: Path


def import_sources(
    config: Config, opml: bytes, name: str, section: str | None, *, dry_run: bool = False
) -> ImportedSources:
    """Append the OPML's feeds that are not configured yet to the sources file.

    A feed's section comes from its OPML category when that names a section,
    else from `section`. The result is validated as config, dry run or not,
    before it is written; a problem names the OPML file and the outline.
    """
    parsed = listparser.parse(_as_utf8(opml))  # bytes: listparser never fetches anything
    if parsed.bozo and not parsed.feeds:
        raise UsageError(f"{name}: not a usable OPML file: {parsed.bozo_exception}")
    if not parsed.feeds:  # listparser reads a text, an HTML error page or a feed without a word
        what = "no outline with an xmlUrl in it" if parsed.version.startswith("opml") else "no <opml> document"
        raise UsageError(f"{name}: not a usable OPML file: {what}")
    default = config.resolve_section(section) if section else None
    if section and default is None:
        raise UsageError(f"--section: unknown section {section!r} (see `pressfeed sections`)")
    lines = _outline_lines(opml)
    known_urls = {s.url for s in config.sources}
    known_ids = {s.id for s in config.sources}
    added: list[dict[str, Any]] = []
    outlines: list[str] = []  # where each added entry came from, for messages
    skipped: list[str] = []
    problems: list[str] = []
    for feed in parsed.feeds:
        url = str(feed.get("url", ""))
        if _as_configured(url) in known_urls:  # the config holds its URLs as URIs (Hangul percent-encoded)
            skipped.append(f"{url}: already configured")
            continue
        title = plain_text(str(feed.get("title", "")))  # OPML's titles are HTML ("R&amp;D")
        where = _outline(name, lines, url, title)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"{where}: xmlUrl: must be an absolute http(s) URL (a local file is added by hand)")
            continue
        inside = _inside(parts.hostname or "", config.fetch.allow_private)
        if inside:
            problems.append(
                f"{where}: xmlUrl: {inside}: a list from elsewhere may not point pressfeed into this machine or its "
                "network (a configured source's own host is trusted); add such a source to the config by hand, or "
                "list its network in fetch.allow_private"
            )
            continue
        if parts.hostname == "apis.data.go.kr":  # what `sources export` lists for a briefing-api source
            skipped.append(f"{url}: a data.go.kr API, not a feed (add it by hand as kind: briefing-api)")
            continue
        slug = _category_section(config, feed) or default
        if slug is None:
            problems.append(f"{where}: no section: give --section or an OPML category naming one")
            continue
        source_id = _unique_id(_id_for(url, title), known_ids)
        known_ids.add(source_id)
        known_urls.add(_as_configured(url))
        agency = _registry_agency(config, title, parts.hostname or "")
        entry: dict[str, Any] = {"id": source_id, "name": agency or title or source_id, "url": url}
        home = _home(lines.get(url.strip()), url)
        if home:
            entry["home"] = home
        entry["section"] = slug
        added.append(entry)
        outlines.append(where)
    if problems:
        raise UsageError(f"{name}: nothing added:\n" + "\n".join(problems))
    path = config.sources_file
    if added:
        text = _checked(config, path, added, outlines, name)  # a dry run is checked as the import is
        if not dry_run:
            atomic_write(path, text.encode("utf-8"))
    return ImportedSources(tuple(added), tuple(skipped), path)


#: the names a standard hosts file gives this machine (Debian's among them)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "localhost6", "ip6-localhost", "ip6-loopback"})


def _inside(host: str, allow_private: tuple[str, ...]) -> str | None:
    """Why a feed's host is this machine or its network, or None: a literal address that is not public
    (in any form a resolver takes: `127.1`, `2130706433`, `[::ffff:10.0.0.1]`, and with the dots and digits
    IDNA maps, `127。0。0。1`) or `localhost`, unless fetch.allow_private lists its network. Names are not
    resolved: import reads no network."""
    import socket

    from .ingest.guard import AddressPolicy, address_kind, is_public

    written = host.lower()
    try:  # as the config and the fetcher take it: "１２７．０．０．１" is 127.0.0.1
        host = written if written.isascii() else written.encode("idna").decode("ascii")
    except UnicodeError:
        return None  # no host at all: the config refuses it
    host = host.rstrip(".")
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address("127.0.0.1")
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            try:  # the legacy IPv4 forms getaddrinfo accepts
                address = ipaddress.IPv4Address(socket.inet_aton(host))
            except OSError:
                return None  # a name
    if is_public(address) or AddressPolicy.build("", allow_private).allows_network(address):
        return None
    shown = written if written == str(address) else f"{written} ({address})"
    return f"{shown} is a {address_kind(address)} address"


def _as_utf8(opml: bytes) -> bytes:
    """The OPML in UTF-8, whatever its XML declaration says.

    listparser reads with lxml's HTML parser, which ignores the declaration: an EUC-KR list of
    ministries came out with mojibake names. A file that is not well-formed XML is left to it as is.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(opml, parser)
    except etree.XMLSyntaxError:
        return opml
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


def _as_configured(url: str) -> str:
    try:
        return as_uri(url)
    except ValueError:
        return url  # refused below, as it is


def _checked(config: Config, path: Path, added: list[dict[str, Any]], outlines: list[str], name: str) -> str:
    """The sources file with `added` appended, once the whole config validates with it.

    A problem in an added entry is told against its OPML outline: the sources file it would be in
    is not written (and may not exist yet)."""
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Sources added by `pressfeed sources import`.\n"
    text = existing.rstrip("\n") + "\n"
    starts = []  # the line each added entry starts on in the new text
    for entry in added:
        starts.append(text.count("\n") + 1)
        text += yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    try:
        parse_config(config.file.read_text(encoding="utf-8"), config.file, config.site_dir, sources_text=text)
    except ConfigError as exc:
        if exc.file == str(path) and exc.line is None:  # the file as a whole: too large with them
            message = f"with {len(added):,} feeds more, {path} would be too large to read ({exc.message})"
            raise UsageError(f"{name}: nothing added: {message}; import the list in parts") from None
        if exc.file != str(path) or exc.line is None or exc.line < starts[0]:
            raise  # the config or the sources file already there: not the OPML's doing
        index = max(n for n, start in enumerate(starts) if start <= exc.line)
        key = exc.key.partition("].")[2] or exc.key
        raise UsageError(f"{name}: nothing added:\n{outlines[index]}: {key}: {exc.message}") from None
    return text


@dataclass(frozen=True)
class _Written:
    """What listparser does not give of an outline: where it is, its title as written, its htmlUrl."""

    line: int
    title: str
    html_url: str


def _outline_lines(opml: bytes) -> dict[str, _Written]:
    """Each xmlUrl's first outline (best effort: a file lxml cannot read gives nothing)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(opml, parser)
    except etree.XMLSyntaxError:
        return {}
    text = opml.split(b"\n")
    found: dict[str, _Written] = {}
    for outline in root.iter("outline") if root is not None else ():
        url = (outline.get("xmlUrl") or "").strip()
        if url and url not in found:
            line = min(outline.sourceline or 0, len(text))  # libxml2's: where the start tag ends
            while line > 1 and b"<outline" not in text[line - 1]:
                line -= 1
            title = plain_text(outline.get("title") or outline.get("text") or "")
            found[url] = _Written(line, title, (outline.get("htmlUrl") or "").strip())
    return found


def _outline(name: str, lines: dict[str, _Written], url: str, title: str) -> str:
    """`file:line: outline "title" <url>`, as much of it as is known."""
    written = lines.get(url.strip(), _Written(0, "", ""))
    label = title or written.title
    return f"{name}:{written.line}: outline {label!r} <{url}>" if written.line else f"{name}: outline {label!r} <{url}>"


def _home(written: _Written | None, url: str) -> str:
    """The outline's htmlUrl as the source's home page, when it is one (some tools repeat the feed URL)."""
    if written is None or not written.html_url or written.html_url == url.strip():
        return ""
    try:
        as_uri(written.html_url)
    except ValueError:
        return ""  # a relative or javascript: link names no page; the source works without a home
    return written.html_url


def _category_section(config: Config, feed: Any) -> str | None:
    # OPML categories are slash-delimited paths, which listparser splits: a section titled "IT/과학" (as
    # `pressfeed sections` shows it) is the whole path, so that is tried before each of its parts
    for category in feed.get("categories", []):
        for name in ("/".join(category), *category):
            slug = config.resolve_section(str(name))
            if slug:
                return slug
    return None


def _id_for(url: str, title: str) -> str:
    """A permanent id naming the agency and its board.

    The agency is the host's registrable label (`www.mofa.go.kr` -> `mofa`), else the title if it
    is ASCII; the board is the first of BOARD_KEYS in the query, else the last path segment that is
    not a feed script or CMS folder. The closed policy-briefing feeds keep the ids they always had
    (`korea.kr/rss/dept_msit.xml` -> `msit`): sites configured from them have articles under those.
    """
    parts = urlsplit(url)
    name = _slug(PurePosixPath(parts.path).stem)
    if name.startswith("dept-") and name != "dept-":
        return name.removeprefix("dept-")
    agency = _agency(parts.hostname or "") or _slug(title if title.isascii() else "")
    board = _board(parts, agency)
    if agency and board:
        return f"{agency}-{board}"
    return agency or (f"source-{board}" if board else "source")


#: what a list's title says after the agency's name: "외교부 보도자료", "환경부 - 보도자료 RSS"
_TITLE_TAIL = re.compile(
    r"[\s\-–—:|·]*(?:(?:보도\s?(?:참고\s?)?자료|보도|새?소식|뉴스|알림|공지\s?사항|RSS|피드|게시판)[\s\-–—:|·]*)+$",
    re.I,
)


def _registry_agency(config: Config, title: str, host: str) -> str:
    """The registry's agency a listed feed is: its title's (a name or a former one, maybe followed by
    "보도자료"), else the one agency whose home is on the feed's domain. A source's name is the agency its
    releases are credited to, and the registry's terms (republish, images, license) are found by it: "외교부
    보도자료" found none, and its releases went out in full under a wrong credit."""
    for name in (title, _TITLE_TAIL.sub("", title)):
        found = config.agencies.find(name.strip())
        if found is not None:
            return found.name
    domain = _registrable(host)
    owners = {a.name for a in config.agencies if a.home and _registrable(urlsplit(a.home).hostname or "") == domain}
    return owners.pop() if domain and len(owners) == 1 else ""  # korea.kr lists every ministry's: none


def _registrable(host: str) -> str:
    try:
        ipaddress.ip_address(host)
        return ""
    except ValueError:
        return _suffixes().privatesuffix(host.lower()) or ""


def _agency(host: str) -> str:
    label = _registrable(host).partition(".")[0]
    return "" if label.startswith("xn--") else _slug(label)  # a Hangul domain's punycode names nothing


@cache
def _suffixes() -> PublicSuffixList:
    from publicsuffixlist import PublicSuffixList  # its bundled list: nothing is fetched

    return PublicSuffixList()


def _board(parts: SplitResult, agency: str) -> str:
    query = {key.lower().replace("_", ""): value for key, value in parse_qsl(parts.query)}
    for key in BOARD_KEYS:
        board = _EGOV_BOARD.sub("", _slug(query.get(key, "")))
        if board:
            return board
    for segment in reversed(PurePosixPath(parts.path).parts):  # fsc_bbs_rss says nothing that fsc does not
        words = _slug(PurePosixPath(segment).stem).split("-")
        kept = [w for w in words if w and w != agency and w not in _GENERIC_WORDS]
        if kept:
            return "-".join(kept)
    return ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
