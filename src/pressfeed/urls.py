"""URLs: resolved against a base, and normalized into the keys that tell two links to one page apart."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from .terms import URL_SAFE
from .text import clean_text

URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: a URL pressfeed keeps (a redirect's Location, which a 301 makes the source's URL) is at most this long:
#: most servers refuse a longer request line anyway (nginx 8 KiB, Apache 8,190), and httpx takes up to 64 KiB
MAX_URL_LENGTH = 8_192
#: a URI's characters after its host: unreserved, reserved but brackets and "#", and "%" only to begin an escape
_URI_PART = r"(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]++|%[0-9A-Fa-f]{2})*+"
#: a URI as :func:`as_uri` would write it: a host of names in lower case, no port or user, a path, one "#" at most
_PLAIN_ABSOLUTE = re.compile(rf"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*/{_URI_PART}(?:#{_URI_PART})?\Z")


@lru_cache(maxsize=4096)  # homes, feeds and bases repeat across records
def absolute_url(url: str, base: str) -> str:
    """`url` resolved against `base`, as a URI (:func:`as_uri`); empty when it is not an http(s)/mailto URL,
    or its host is an IP literal (no news site is served from "[::1]", and the W3C validator refuses
    brackets in atom:id and RSS urls)."""
    if _PLAIN_ABSOLUTE.match(url):  # already absolute, portless and ASCII: nothing to resolve
        return url
    if "\\" in url:
        url = _backslashes_as_slashes(url)
    # "/path" (no dot segments for urljoin to fold): the base's origin + path
    if url.startswith("/") and not url.startswith("//") and "/." not in url:
        joined = _origin(base) + url
        if _PLAIN_ABSOLUTE.match(joined):
            return joined
    try:
        resolved = urljoin(base, clean_text(url).strip())
        scheme = urlsplit(resolved).scheme
        if scheme == "mailto":
            return _encoded(resolved)
        uri = as_uri(resolved) if scheme in URL_SCHEMES else ""
    except ValueError:
        return ""
    return without_userinfo(uri) if uri and "[" not in uri.split("/", 3)[2] else ""


#: a scheme other than http(s): a URL whose backslashes are its own
_OTHER_SCHEME = re.compile(r"(?!https?:)[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _backslashes_as_slashes(url: str) -> str:
    """An http(s) URL's backslashes before its query read as slashes, as browsers read them (WHATWG URL): a
    Windows CMS's `\\news\\photo\\1.jpg` shows on the portal's page, and was published as `%5Cnews%5Cphoto…`."""
    if _OTHER_SCHEME.match(url):
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:cut].replace("\\", "/") + url[cut:]


def as_uri(text: str, *, published: bool = True) -> str:
    """An absolute http(s) URL as a URI, or ValueError saying what is wrong with it.

    Feeds publish these: an IRI (`/피드/`) in a self link or a WebSub topic does not compare equal to the URI
    a reader or hub fetched. Hangul and spaces are percent-encoded, a Korean domain is punycoded, a "%"
    that begins no escape is encoded itself, and so are brackets but around an IPv6 host, which keeps them,
    and a "#" after the first; an empty path is "/" (RFC 3986's normal form, which the validator asks of ids).
    """
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    if _PLAIN_ABSOLUTE.match(text):  # no port, no user: nothing to check or encode
        return text
    host = parts.hostname or ""
    if host.endswith(".") and ":" not in host:
        host = host[:-1]  # "www.korea.kr." names the same host, from the DNS root
    try:
        port = parts.port
        if port == 0:
            raise ValueError(port)
        if ":" in host:  # IPv6
            host = f"[{host}]"
        else:
            if not host.isascii():
                host = host.encode("idna").decode("ascii")  # a Korean domain (한국.kr) as punycode
            # "a..kr", ".kr", "ex ample.kr" name no host; "ex_ample.kr" none a feed may publish
            if not (_HOST if published else _FETCHED_HOST).fullmatch(host):
                raise ValueError(host)
    except (UnicodeError, ValueError):
        raise ValueError(f"{parts.netloc!r} is no valid host (and port)") from None
    user, at, _ = parts.netloc.rpartition("@")
    netloc = _encoded(user) + at + host + (f":{port}" if port is not None else "")
    path, fragment = _encoded(parts.path) or "/", _encoded(parts.fragment).replace("#", "%23")
    return urlunsplit((parts.scheme, netloc, path, _encoded(parts.query), fragment))


#: a host's name (urlsplit gives it in lower case): labels of letters, digits and hyphens, as DNS and the
#: W3C validator take them
_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*")
#: a host only fetched (a source's URL, never published) may hold "_" too: DNS serves such names
_FETCHED_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")


def _encoded(part: str) -> str:
    return _STRAY_PERCENT.sub("%25", quote(part, safe=URL_SAFE))


#: a "%" that begins no escape ("100%할인")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


_ESCAPE = re.compile("%([0-9A-Fa-f]{2})")


def normal_uri(uri: str, *, dot_segments: bool = False) -> str:
    """A URI as RFC 3986 normalizes it, and the W3C validator writes an atom:id's "canonical form": escapes of
    unreserved characters decoded (`%41` is `A`, `%7e` is `~`) and the others in upper case (`%2f` is `%2F`,
    never `/`: an escaped reserved character is another URI); an http(s) URL's host in lower case, without its
    default port, its path at least "/" and without dot segments once unescaped ("/a/./b" and "/a/%2E/b" are
    "/a/b", as the validator writes an id with an authority; `dot_segments` keeps them, as versions before
    did); a "#" after the first escaped."""
    parts = urlsplit(uri)
    netloc, path = parts.netloc, parts.path
    if parts.scheme in ("http", "https"):
        host, _, port = netloc.lower().partition(":")
        netloc = host if port in ("", "80" if parts.scheme == "http" else "443") else f"{host}:{port}"
        path = path or "/"
    authority = "//" in uri[: len(parts.scheme) + 3]
    normal = f"{parts.scheme}:" + (f"//{netloc}" if authority else "")
    path = _unescaped_needlessly(path)
    normal += _without_dot_segments(path) if authority and not dot_segments else path
    if parts.query or "?" in uri.split("#", 1)[0]:
        normal += "?" + _unescaped_needlessly(parts.query)
    if parts.fragment or "#" in uri:
        normal += "#" + _unescaped_needlessly(parts.fragment).replace("#", "%23")
    return normal


def _without_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4: "/a/./b/../c" is "/a/c"; a path ending in one ends in "/"."""
    if "." not in path:
        return path
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(segments) > 1:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    if path.endswith(("/.", "/..")):
        segments.append("")
    return "/".join(segments) or "/"


def _unescaped_needlessly(part: str) -> str:
    def one(escape: re.Match[str]) -> str:
        char = chr(int(escape.group(1), 16))
        return char if char.isascii() and (char.isalnum() or char in "-._~") else "%" + escape.group(1).upper()

    return _ESCAPE.sub(one, part) if "%" in part else part


def without_userinfo(url: str) -> str:
    """`url` without a user name or password ("http://user:pass@host/" → "http://host/"): a URL with them is
    never published. "" for a URL that names one but cannot be read."""
    if "@" not in url:
        return url
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return ""
    return url.replace(netloc, netloc.rpartition("@")[2], 1) if "@" in netloc else url


def has_userinfo(url: str) -> bool:
    """Whether `url` as written names a user or a password ("http://user:pass@host/", "//user@host/"), which
    :func:`absolute_url` drops: a CMS record is refused for it, an ingested item warned about."""
    if "@" not in url:  # every record's link comes here: most have none, and cleaning makes none
        return False
    try:
        return "@" in urlsplit(clean_text(url).strip()).netloc
    except ValueError:
        return False


#: the origin of a plain http(s) URL, which urlsplit() would give unchanged
_PLAIN_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?=[/?#]|\Z)")


def _origin(base: str) -> str:
    """scheme://host[:port] of an absolute URL, or "" (then the fast path never matches)."""
    plain = _PLAIN_ORIGIN.match(base)  # bases are articles' links: too many to cache
    return plain.group() if plain else _split_origin(base)


@lru_cache(maxsize=256)
def _split_origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# -- URLs as dedupe keys ------------------------------------------------------

#: query parameters that only track where a click came from
TRACKING_PARAMS = frozenset(
    {
        "call_from",
        "pwise",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "cmpid",
        # sessions, not pages: a server hands one to every client without its cookie, a fetcher included
        "jsessionid",
        "phpsessid",
    }
)
_MOBILE_HOST = re.compile(r"^(?:www|m|mobile)\.")
#: a Java servlet's session in the path (eGovFrame boards: "view.do;jsessionid=AB12…?nttId=3"), new on every fetch
_SESSION_PATH = re.compile(r";jsessionid=[^/?#;]*", re.IGNORECASE)


def without_session(url: str) -> str:
    """`url` without a session, a `;jsessionid=` path parameter or a `jsessionid`/`PHPSESSID` query one: the
    page is the same whatever the session, and a link readers get must not carry the fetcher's."""
    if ";" in url:
        url = _SESSION_PATH.sub("", url)
    lowered = url.lower()
    if "sessionid=" in lowered or "sessid=" in lowered:
        url = _DANGLING.sub("", _SESSION_QUERY.sub("", url))
    return url


#: a session in a query string ("list.php?PHPSESSID=…&id=3"), with the separator after it
_SESSION_QUERY = re.compile(r"(?<=[?&])(?:jsessionid|phpsessid)=[^&#]*&?", re.IGNORECASE)
#: a "?" or "&" the removal left with nothing after it
_DANGLING = re.compile(r"[?&]+(?=#|\Z)")


def guid_identity(guid: str) -> str:
    """The guid an item is known by: without a session when it is a URL. eGovFrame boards give an item
    its link as guid, with a new `;jsessionid=` at every fetch: a new id and new keys each time."""
    guid = guid.strip()
    if not guid[:8].lower().startswith(("http://", "https://")):
        return guid  # an opaque guid is the publisher's: taken as it is
    return without_session(guid)


def normalize_link(url: str) -> str:
    """A comparison form of a URL; not for display.

    Scheme-insensitive, host lower-cased without www./m., default port,
    fragment (unless a hash route), tracking parameters and trailing slash dropped, the remaining
    query sorted. Ids of ingested items without a guid and the `link:` dedupe
    key both derive from it.
    """
    plain = _PLAIN_LINK.match(without_session(url.strip()))
    if plain is None:
        return _normalized_split(url)
    host, path, query = plain.groups()
    host = _MOBILE_HOST.sub("", host.lower())
    path = path.rstrip("/") if path else ""
    if query:  # unreserved characters only: parse_qsl and urlencode would give each pair back as it is
        pairs = sorted(
            tuple(pair.split("=", 1)) for pair in query.split("&") if not _tracking(pair[: pair.index("=")].lower())
        )
        return f"{host}{path}?{'&'.join(f'{k}={v}' for k, v in pairs)}" if pairs else f"{host}{path}"
    return f"{host}{path}"


#: a link whose normalization needs no URL parser: http(s), a plain host, no port, no
#: fragment, a path and query of characters that need no quoting
_PLAIN_LINK = re.compile(
    r"https?://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(/[A-Za-z0-9._~!$'()*,;:@/-]*)?"
    r"(?:\?([A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*(?:&[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*)*))?\Z"
)


def _tracking(key: str) -> bool:
    return key in TRACKING_PARAMS or key.startswith("utm_")


def _normalized_split(url: str) -> str:
    """normalize_link() by the URL parser, for any link."""
    parts = urlsplit(without_session(url.strip()))
    host = (parts.hostname or "").lower()
    host = _MOBILE_HOST.sub("", host)
    try:
        port = parts.port
    except ValueError:  # a malformed port is dropped: such links only come from broken feeds
        port = None
    if port and (parts.scheme.lower(), port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", host, path, urlencode(query), _route(parts.fragment))).lstrip("/")


def _route(fragment: str) -> str:
    """The fragment when it is a hash route ("#/press/view/3", "#!/press/view/3"): in a single-page app
    it names the page, so two releases' links differ only there. Any other fragment is a place on a page."""
    return fragment if fragment.startswith(("/", "!/")) else ""
