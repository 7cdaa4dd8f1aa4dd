"""What a feed document may cost feedparser: checked before it parses, and a CPU budget while it does.

feedparser's work grows faster than the document in several places a server
controls: a tag's attributes (its SAX handler looks each one up in a list),
namespace prefixes (searched again for every element of a namespace it does
not know), an item's categories (each checked against every one before it),
an author's text (an e-mail pattern that rescans each run of letters), the
blank text at the head of XHTML content, a long ``xml:base``; and where it
does not, a document of nothing but tiny elements still costs 10-30 µs per
tag (the fallback parser, run when XML fails, doubles that). And its fallback
parser expands a declared entity wherever it is used, without a limit: a
90 KiB feed became a 500 MiB description.

So a document is refused, naming what, when it holds more markup than any
real feed, a tag of more attributes than any real one, more namespace
prefixes than any real feed declares, or entities that would expand past its
own size. Each is counted over the whole document, CDATA and comments
included, because the fallback parser may read as markup what XML would not.
What is left (the paths that grow with one element's text, which only a
parser can delimit) is bounded by CPU time: the parse is stopped and the
document refused when it has taken many times what a feed of its size and
markup takes.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

from ..errors import FeedRefusedError
from ..sanitize import MAX_ATTRIBUTES

#: '<' in a document: tags, end tags, comments, CDATA sections. A 15 MiB feed of 18,000 plain items holds
#: 180,000; the test's 3.3 MiB board feed of 10,000 releases, 150,000. 200,000 empty tags take 3-7 s to parse.
MAX_MARKUP = 200_000
#: distinct namespace prefixes declared (a podcast feed declares about 20)
MAX_PREFIXES = 64
#: what declared entities may add when expanded, at least (or the document's own size, if larger)
MIN_EXPANSION = 1 << 20
#: CPU seconds a parse may take, and more per MiB and per '<': a plain feed takes about 0.25 s per MiB here,
#: a feed of nothing but tiny elements up to 34 µs per '<' (undated entries, or the fallback parser)
CPU_SECONDS = 2.0
CPU_SECONDS_PER_MIB = 1.0
CPU_SECONDS_PER_MARKUP = 1 / 20_000
#: what recoding may make of a document's size: EUC-KR's two bytes for a Hangul syllable are three in UTF-8
UTF8_GROWTH = 1.5
#: wall-clock seconds a step may take per CPU second of its budget (on a shared machine, more than one),
#: and beyond them: what a step on the event loop's thread may hold it for
HOLD_PER_CPU_SECOND = 2.0
HOLD_SLACK = 1.0

# A start tag of more than MAX_ATTRIBUTES attributes, as XML writes them (name="value") and as the fallback
# parser reads them (also bare names, unquoted values, no space after a quote). Possessive and atomic:
# a tag of fewer attributes fails at once, however its names could be split.
_XML_CROWDED = re.compile(
    rb"<([^\s<>/!?]++)(?>\s++[^\s<>/=]++\s*+=\s*+(?:\"[^\"<]*+\"|'[^'<]*+')){%d}" % (MAX_ATTRIBUTES + 1)
)
_HTML_CROWDED = re.compile(
    rb"<([A-Za-z][-_.:A-Za-z0-9]*+)"
    rb"(?>\s*+[A-Za-z_][-:.A-Za-z_0-9]*+\$?+(?:\s*+=\s*+(?:'[^']*+'|\"[^\"]*+\"|[^\s<>]*+))?+){%d}"
    % (MAX_ATTRIBUTES + 1)
)
_PREFIX = re.compile(rb"xmlns:([^\s=<>/\"']++)\s*+=")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s++([^\s%\"'<>]++)\s++(?:\"([^\"]*+)\"|'([^']*+)')")
_ENTITY_REFERENCE = re.compile(rb"&([^\s&;<>#]++);")


def check_markup(data: bytes) -> int:
    """Refuse (FeedRefusedError) a document whose markup would cost the parser far more than its size; else
    its count of markup ('<'), which :func:`parse_seconds` takes."""
    markup = data.count(b"<")
    if markup > MAX_MARKUP:
        raise FeedRefusedError(
            f"feed refused: {markup:,} tags and other markup ('<'), at most {MAX_MARKUP:,}:"
            " more than any real feed holds, and each costs the parser time"
        )
    prefixes = len(set(_PREFIX.findall(data)))
    if prefixes > MAX_PREFIXES:
        raise FeedRefusedError(
            f"feed refused: {prefixes:,} namespace prefixes declared, at most {MAX_PREFIXES}:"
            " the parser searches them all again for every element"
        )
    for crowded in (_XML_CROWDED, _HTML_CROWDED):
        if (found := crowded.search(data)) is not None:
            name = found.group(1)[:40].decode("utf-8", "replace")
            line = data.count(b"\n", 0, found.start()) + 1
            raise FeedRefusedError(
                f"feed refused: a <{name}> tag on line {line:,} has more than {MAX_ATTRIBUTES} attributes:"
                " the parser's work grows with the square of their number"
            )
    _check_entities(data)
    return markup


def _check_entities(data: bytes) -> None:
    """The text declared entities would add where they are used may not pass the document's own size.

    XML parsers bound entities that refer to entities (the billion laughs, which feedparser drops anyway),
    but its fallback parser expands a plain one wherever it is named: a 64 KiB entity named 8,000 times
    made 500 MiB of one description.
    """
    if b"<!ENTITY" not in data:
        return
    lengths: dict[bytes, int] = {}
    for name, double, single in _ENTITY_DECLARATION.findall(data):
        added = len(double or single) - len(name) - 2  # what one reference adds to the text
        if added > 0:
            lengths[name] = max(added, lengths.get(name, 0))
    if not lengths:
        return
    limit, expansion = max(len(data), MIN_EXPANSION), 0
    for reference in _ENTITY_REFERENCE.finditer(data):
        expansion += lengths.get(reference.group(1), 0)
        if expansion > limit:
            raise FeedRefusedError(
                f"feed refused: its entities would expand it by more than {_mib(limit)}"
                f" (at most its own size, or {_mib(MIN_EXPANSION)}): an entity bomb"
            )


def parse_seconds(size: int, markup: int) -> float:
    """The CPU time the parse of a document of `size` bytes (UTF-8), holding `markup` '<', may take: its
    work is linear in both."""
    return CPU_SECONDS + CPU_SECONDS_PER_MIB * size / (1 << 20) + CPU_SECONDS_PER_MARKUP * markup


def most_parse_seconds(raw: bytes) -> float:
    """The most CPU time parsing `raw` (as fetched, before recoding) may take: its budget at the largest."""
    return parse_seconds(round(len(raw) * UTF8_GROWTH), raw.count(b"<"))


def hold_seconds(cpu_seconds: float) -> float:
    """The wall-clock time a step of `cpu_seconds` (its budget) may hold the thread it runs on."""
    return HOLD_PER_CPU_SECOND * cpu_seconds + HOLD_SLACK


#: CPU seconds between the budget's timer firing and firing again, until its block has ended
REFIRE_SECONDS = 0.05


class _OverBudget(BaseException):
    """Raised by the timer inside the parse; not an Exception, so no handler in a library swallows it."""


def cpu_budget(seconds: float, refusal: Callable[[float], Exception] | None = None) -> _Budget:
    """Refuse (FeedRefusedError) the document being parsed in the block once it has used `seconds` of CPU.
    `refusal` makes the error for other work than a feed's parse (given the seconds).

    A process timer (SIGPROF) interrupts the parser wherever it is: between two of its Python lines, or
    in the regular-expression engine, which checks for signals as it goes. It fires again every
    REFIRE_SECONDS of CPU until the block ends: the exception can land in a finalizer (`__del__` runs
    wherever the garbage collector does, and what it raises is dropped), and a one-shot timer lost there
    let the work run unbounded; one dropped so is not printed either (cron mails what a run prints). A
    timer that fires as the block ends (Python runs the handler where it next checks, which can be the
    first line of the block's exit) is still a refusal, never a stray exception that leaves the exit
    undone and the timer running. Signals reach only the main thread, where worker processes and the
    pressfeed command parse; elsewhere (and where there is no such timer) the block runs unbounded.
    """
    return _Budget(seconds, refusal)


class _Budget:
    """The block of :func:`cpu_budget`. A class, not a generator: its exit must be one known frame, which
    the timer's handler tells apart from the work it interrupts."""

    def __init__(self, seconds: float, refusal: Callable[[float], Exception] | None) -> None:
        self.seconds, self.refusal = seconds, refusal
        self.armed = self.late = False

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return
        self.previous = signal.signal(signal.SIGPROF, self._expired)
        self.reporter = sys.unraisablehook
        sys.unraisablehook = self._report
        self.armed = True
        self.earlier = signal.setitimer(signal.ITIMER_PROF, self.seconds, REFIRE_SECONDS)

    def _expired(self, signum: int, frame: FrameType | None) -> None:
        if not self.armed:
            return
        if _in_exit(frame):
            self.late = True  # the block is ending: raised here, the exception would skip the exit's clean-up
            return
        raise _OverBudget

    def _report(self, unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, _OverBudget):
            self.reporter(unraisable)  # (a timer that fired in a finalizer is no one's error: it fires again)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if not self.armed:
            return
        self.armed = False
        signal.setitimer(signal.ITIMER_PROF, *self.earlier)
        signal.signal(signal.SIGPROF, signal.SIG_DFL if self.previous is None else self.previous)
        sys.unraisablehook = self.reporter
        if isinstance(error, _OverBudget) or (self.late and error is None):
            if self.refusal is not None:
                raise self.refusal(self.seconds) from None
            raise FeedRefusedError(
                f"feed refused: still parsing after {self.seconds:.1f} s of CPU time, many times what a plain feed"
                " of its size takes: its markup makes the parser's work grow faster than its size"
            ) from None


def _in_exit(frame: FrameType | None) -> bool:
    """Is `frame` a budget's exit, or called from one (a finalizer the collector ran there, a tracer)?"""
    while frame is not None:
        if frame.f_code is _EXIT:
            return True
        frame = frame.f_back
    return False


_EXIT = _Budget.__exit__.__code__


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"
