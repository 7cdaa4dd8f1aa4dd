"""The W3C feed validator (validator.w3.org/feed), vendored in tests/vendor/feedvalidator.

It is not on PyPI and CI cannot fetch it, so its source (w3c/feedvalidator at
43dabeb, MIT, unchanged) is kept here: every feed the tests check with it is
held to what the online validator shows, errors and warnings alike.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent / "vendor"


def _validator() -> tuple[Any, Any, Any]:
    # importing it sets a 10 s default timeout on every socket of the process: not in ours
    timeout = socket.getdefaulttimeout()
    if str(VENDOR) not in sys.path:
        sys.path.insert(0, str(VENDOR))
    try:
        import feedvalidator
        from feedvalidator import compatibility
        from feedvalidator.formatter.text_plain import Formatter
    finally:
        socket.setdefaulttimeout(timeout)
    return feedvalidator, compatibility, Formatter


def problems(data: bytes, url: str) -> list[str]:
    """What the online validator reports for a document served at `url` (errors and warnings)."""
    feedvalidator, compatibility, formatter = _validator()
    # a dict: {"feedType": …, "loggedEvents": […]}; the events are in it, not it
    events = feedvalidator.validateString(data, firstOccurrenceOnly=1, base=url)["loggedEvents"]
    return list(formatter(compatibility.AA(events)))


def site_problems(public: Path, base: str) -> dict[str, list[str]]:
    """Every XML feed and OPML under `public`, each validated at its URL under `base`; only those with problems."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in public.rglob("*") if p.suffix in (".xml", ".opml")):
        name = path.relative_to(public).as_posix()
        said = problems(path.read_bytes(), base + name)
        if said:
            found[name] = said
    return found


def validated(public: Path) -> list[str]:
    """The files `site_problems` would look at, to show a test checked something."""
    return sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.suffix in (".xml", ".opml"))
