"""Dedupe keys: the explicit, tested ways two entries are "the same release".

- ``guid:<source>:<guid>``  the same source re-sending an entry
- ``link:<normalized link>`` the same page, across sources and http/https, www./m.,
  tracking parameters and trailing slashes
- ``content:<hash>``        the same title and text (a joint release in two
  ministries' feeds with different links); a text too short to tell a story
  ("붙임 파일 참조") only on one day, and one agency's under a short title
- ``title:<day>:<hash>``     one agency's release under the same title on the same
  day, else the day before or after: its copy in the press-release API and on
  the ministry's board (whose text, if any, was extracted from another page);
  a joint release has one for each of its agencies, and one of every ministry's
  when its title says "관계부처 합동" (pressfeed.ingest.mapping)
- ``body:<hash>``            the same whole text (pressfeed.stories.body_key), under a title holding
  the other's: a board's title with the release's subtitle, the API's without

``content``, ``title`` and ``body`` join releases across sources only (pressfeed.ingest.update).
``copy:<source>:<article>`` is no way of telling: it records that a source
brought a copy of another's release when every key it gave was known already
(a link and a text, no guid), so the terms of each source that brought it are
found (pressfeed.rights).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from ..sanitize import plain_text
from ..text import without_space
from ..urls import guid_identity, normalize_link

__all__ = [
    "BODY_MIN",
    "content_key",
    "copy_key",
    "dedupe_keys",
    "guid_key",
    "is_release_label",
    "labelled",
    "link_key",
    "normalize_link",
    "one_title",
    "text_key",
    "title_agencies",
    "title_keys",
    "without_release_label",
]

#: characters of normalized body text below which a body says nothing about its story
BODY_MIN = 100
#: the days around an item's own that its title is looked up on
_DAY = timedelta(days=1)
#: letters and digits of a title below which it names no release on its own ("인사", "장관 동정", "주간 일정")
TITLE_MIN = 12
_NOT_WORD = re.compile(r"[\W_]+")
#: the labels a board puts before a release's title that the API's copy does not carry; other labels name
#: another item of the same name ("[정정]", "[사진]", "[해명자료]", "[2보]"), which is no copy of the release
RELEASE_LABELS = frozenset({"보도자료", "보도참고자료", "보도참고", "참고자료", "보도", "보도자료배포"})
#: "[보도자료] …", "(보도참고) …", "보도자료: …"; "… [보도자료]"
_LEADING_LABEL = re.compile(r"\s*(?:[\[(【〈<]([^\])】〉>]{1,20})[\])】〉>]|([^:\[\](){}<>]{1,10})[:：])\s*")
_TRAILING_LABEL = re.compile(r"\s*[\[(【〈<]([^\])】〉>]{1,20})[\])】〉>]\s*[.。]?\s*$")
#: full-width brackets and colon as ASCII (a Korean IME in full-width mode types "［보도자료］", "（보도자료）")
_FULL_WIDTH_BRACKETS = str.maketrans("［］（）＜＞：", "[]()<>:")
#: "ㆍ", the middle dot ministries type (a Hangul letter; "ᆞ" once NFKC has read it)
_HANGUL_DOTS = str.maketrans("", "", "\u318d\u119e")


def guid_key(source_id: str, guid: str) -> str:
    """The same guid as the item's id takes it (a URL's session left out)."""
    return f"guid:{source_id}:{_bounded(guid_identity(guid))}"


def copy_key(source_id: str, article_id: str) -> str:
    return f"copy:{source_id}:{_bounded(article_id)}"


def link_key(url: str) -> str:
    return f"link:{_bounded(normalize_link(url))}"


#: a guid or normalized link longer than this (in UTF-8 bytes) is keyed by its SHA-256: a PostgreSQL index row
#: holds at most 2,704 bytes, and one hostile item's 5,000-character guid or link failed every ingest (exit 74)
MAX_KEY_BYTES = 1024


def _bounded(text: str) -> str:
    encoded = text.encode()
    return text if len(encoded) <= MAX_KEY_BYTES else "sha256:" + hashlib.sha256(encoded).hexdigest()


def content_key(title: str, body: str) -> str:
    """Hash of the normalized title and text (plain or HTML); markup and spacing do not count."""
    return text_key(plain_text(title), plain_text(body))


def text_key(title: str, text: str) -> str:
    """content_key of an already plain-text title and body."""
    return _text_key(without_space(title), without_space(text))


def _text_key(title: str, text: str) -> str:
    """text_key of a title and body already without spaces (without_space takes characters out one by one:
    the two without theirs are the whole without its)."""
    # casefold() neither makes nor unmakes whitespace: removing it first is the same
    return "content:" + hashlib.sha256((title + text).casefold().encode()).hexdigest()


def dedupe_keys(
    source_id: str, guid: str, link: str, title: str, body: str, agency: str = "", day: date | None = None
) -> list[str]:
    """Every key of an entry, strongest first; `title` and `body` are plain text. A text too short to tell a
    story ("붙임 파일 참조") is content only on its own day (an item without one has none), and under a title
    too short to name a release ("인사", "보도참고자료") only its agency's: those are every agency's, any
    day. Unlike a title, its days around are not looked up: the next day's "인사" of an agency that posts
    one a day would be taken for a copy of today's, and never published."""
    keys = []
    if guid:
        keys.append(guid_key(source_id, guid))
    if link:
        keys.append(link_key(link))
    text = without_space(body)  # (once: the body is a release's whole text, and this is every entry's)
    if len(text) >= BODY_MIN:
        keys.append(_text_key(without_space(title), text))
    elif body.strip() and day is not None:  # a title alone ("주간 주요 일정") is no content
        whose = agency if len(title_identity(title)) < TITLE_MIN else ""
        keys.append(_text_key(without_space(f"{whose}\n{day.isoformat()}\n{title}"), text))
    return keys


def title_keys(agency: str, title: str, day: date) -> list[str]:
    """The `title:` keys of one agency's release: its title's letters and digits (no quotes, brackets, spacing
    or press-release label) on its day in the site's zone; then the same on the day before and after, which
    are only looked up (an embargo, a board that posts late), never recorded: a briefing of the same name on
    consecutive days keeps its own day's copy. None for a short title or no agency."""
    folded = title_identity(title)
    if not agency or len(folded) < TITLE_MIN:
        return []
    digest = hashlib.sha256(f"{agency}\n{folded}".encode()).hexdigest()
    return [f"title:{d.isoformat()}:{digest}" for d in (day, day - _DAY, day + _DAY)]


#: what a joint release's title says of it ("(관계부처 합동)", "[관계부처합동]"), once title_identity has read it:
#: every ministry's copy of it has that title, whichever ministry the API or a board lists it under
JOINT_MARK = "관계부처합동"
#: the agency a joint release's title keys are known by besides its own
JOINT_AGENCY = "관계부처 합동"


def title_agencies(agencies: list[str], title: str) -> list[str]:
    """The agencies a release's title keys are made for: its own (a joint release's credit may name several),
    and every ministry's, when its title says it is a joint release (its credit may name the lead alone)."""
    return [*agencies, JOINT_AGENCY] if JOINT_MARK in title_identity(title) else agencies


# an item's title is read four or five times (its keys, a joint release's mark, its first line, a copy's title): once
@lru_cache(maxsize=4096)
def title_identity(title: str) -> str:
    """What two copies of one release's title share: its letters and digits, full-width ones as ASCII ("ＡＩ",
    "２０２５"), without quotes, brackets, spacing, "ㆍ" or a press-release label before or after it."""
    title = without_release_label(unicodedata.normalize("NFKC", title))
    return _NOT_WORD.sub("", title.translate(_HANGUL_DOTS)).casefold()


def without_release_label(title: str) -> str:
    """The title without a press-release label before or after it ("[보도자료] …", "(보도참고자료) …", "보도자료:
    …", "… [보도자료]"): how a board lists a release, no part of its title (the press-release service's copy
    has none). A label that is the whole title stays. Other labels name another item ("[정정]", "[사진]")."""
    brackets = title.translate(_FULL_WIDTH_BRACKETS)  # (one character for one: the positions hold)
    label = _LEADING_LABEL.match(brackets)
    if label is not None and title[label.end() :].strip():
        bracketed = label.group(1)
        if is_release_label(bracketed) if bracketed is not None else _named_release(label.group(2)):
            title = title[label.end() :]
    label = _TRAILING_LABEL.search(title.translate(_FULL_WIDTH_BRACKETS))
    if label is not None and _named_release(label.group(1)) and title[: label.start()].strip():
        title = title[: label.start()]
    return title


def _named_release(text: str) -> bool:
    """A press-release label that names itself as one, not "보도" alone: "보도 : 「○○일보」 기사는 …" and "… 보도
    관련 (보도)" are about a report, and only a bracket before the title makes "[보도]" a label."""
    return is_release_label(text) and text.replace(" ", "") != "보도"


def one_title(ours: str, theirs: str) -> bool:
    """Are two titles one release's, one with more of it than the other (a board's with the release's subtitle
    after it, "… - 2030년까지 GPU 5만 장 확보 지원 -")? Their identities alike, or one the other's start, of
    TITLE_MIN letters at least. Never when one is labelled as another item ("[정정] …", "… [사진]")."""
    if labelled(ours) or labelled(theirs):
        return False
    shorter, longer = sorted((title_identity(ours), title_identity(theirs)), key=len)
    return len(shorter) >= TITLE_MIN and longer.startswith(shorter)


def labelled(title: str) -> bool:
    """Does a title carry a label naming another item than the release ("[정정]", "[사진]", "[2보]")?"""
    title = unicodedata.normalize("NFKC", title)
    for label in (_LEADING_LABEL.match(title), _TRAILING_LABEL.search(title)):
        if label is not None and label.group(1) is not None and not is_release_label(label.group(1)):
            return True
    return False


def is_release_label(text: str) -> bool:
    """Is a label (or a line) a press-release label alone ("보도자료", "보도 참고자료")?"""
    return text.replace(" ", "") in RELEASE_LABELS
