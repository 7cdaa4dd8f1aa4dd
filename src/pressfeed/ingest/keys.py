"""Dedupe keys: the explicit, tested ways two entries are "the same release".

- ``guid:<source>:<guid>``  the same source re-sending an entry
- ``link:<normalized link>`` the same page, across sources and http/https, www./m.,
  tracking parameters and trailing slashes
- ``content:<hash>``        the same title and text (a joint release in two
  ministries' feeds with different links)
"""

from __future__ import annotations

import hashlib

from ..normalize import guid_identity, normalize_link, plain_text, without_space

__all__ = ["content_key", "dedupe_keys", "guid_key", "link_key", "normalize_link", "text_key"]


def guid_key(source_id: str, guid: str) -> str:
    """The same guid as the item's id takes it (a URL's session left out)."""
    return f"guid:{source_id}:{guid_identity(guid)}"


def link_key(url: str) -> str:
    return f"link:{normalize_link(url)}"


def content_key(title: str, body: str) -> str:
    """Hash of the normalized title and text (plain or HTML); markup and spacing do not count."""
    return text_key(plain_text(title), plain_text(body))


def text_key(title: str, text: str) -> str:
    """content_key of an already plain-text title and body."""
    # casefold() neither makes nor unmakes whitespace: removing it first is the same
    folded = without_space(f"{title}\n{text}").casefold()
    return "content:" + hashlib.sha256(folded.encode()).hexdigest()


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
