"""Dedupe keys: the explicit, tested ways two entries are "the same release".

- ``guid:<source>:<guid>``  the same source re-sending an entry
- ``link:<normalized link>`` the same page, across sources and http/https, www./m.,
  tracking parameters and trailing slashes
- ``content:<hash>``        the same title and text (a joint release in two
  ministries' feeds with different links)
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..normalize import plain_text

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
    }
)
_MOBILE_HOST = re.compile(r"^(?:www|m|mobile)\.")


def normalize_link(url: str) -> str:
    """A comparison form of a URL; not for display.

    Scheme-insensitive, host lower-cased without www./m., default port,
    fragment, tracking parameters and trailing slash dropped, the remaining
    query sorted.
    """
    parts = urlsplit(url.strip())
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
    return urlunsplit(("", host, path, urlencode(query), "")).lstrip("/")


def guid_key(source_id: str, guid: str) -> str:
    return f"guid:{source_id}:{guid.strip()}"


def link_key(url: str) -> str:
    return f"link:{normalize_link(url)}"


def content_key(title: str, body: str) -> str:
    """Hash of the normalized title and text (plain or HTML); markup and spacing do not count."""
    return text_key(plain_text(title), plain_text(body))


def text_key(title: str, text: str) -> str:
    """content_key of an already plain-text title and body."""
    folded = f"{title}\n{text}".casefold()
    return "content:" + hashlib.sha256("".join(folded.split()).encode()).hexdigest()


def dedupe_keys(source_id: str, guid: str, link: str, title: str, body: str) -> list[str]:
    """Every key of an entry, strongest first; `title` and `body` are plain text."""
    keys = []
    if guid:
        keys.append(guid_key(source_id, guid))
    if link:
        keys.append(link_key(link))
    if body.strip():  # a title alone ("주간 주요 일정") is no evidence of the same release
        keys.append(text_key(title, body))
    return keys
