"""The credit line ("[뉴스출처 : 기관명]") and the notices around it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from .context import name_key
from .sanitize import CODE_START, SANITIZED_TAG, TAG_NAME, VOID_ELEMENTS, markup_text
from .terms import CREDIT_LINE, credit_agencies, credit_forms
from .text import collapse_space

# The portal's credit convention (terms.CREDIT_LINE) as the body's last line; in sanitized HTML, no-break spaces
# are "&nbsp;"
_BLANK = r"(?:\s|&nbsp;)*"
#: markup an editor may give the agency's name inside the brackets ("[뉴스출처 : <b>기관명</b>]", "기관명<br>]")
_INLINE = r"</?(?:b|strong|em|i|u|span|a|small|mark|br)(?:\s[^>]*)?/?>"
_CREDIT_HTML = re.compile(credit_forms(_BLANK, _INLINE, capture=False))
#: a paragraph that is a credit line and nothing more
_PARAGRAPH_CREDIT = re.compile(rf"{_BLANK}({_CREDIT_HTML.pattern}){_BLANK}")
#: what may follow the credit, in the plain text of the body's end: the customary notice ("이 자료는 과학기술
#: 정보통신부의 보도자료를 전재하여 제공함"), the portal's copyright line ("<저작권자 © 포탈뉴스통신 무단전재 및
#: 재배포금지>"), "원문 보기", another credit line; the notice right after the credit is its own (group 1)
_NOTICE = (
    r"(?:이|본)\s?(?:자료|기사)는\s?[^.。<>]{1,60}?보도\s?자료를\s?(?:전재|인용)하여\s?"
    r"(?:제공|작성)(?:함|합니다|했습니다|하였습니다)?\.?"
)
_COPYRIGHT = (
    r"[<〈《(\[]?\s?(?:저작권자|copyright|[©ⓒ]|\(c\))[^<>〈〉《》\[\]]{0,100}?"
    r"(?:무단\s?전재|재\s?배포|all rights reserved)[^<>〈〉《》\[\]]{0,60}[>〉》)\]]?"
)
# each piece atomic: once one has matched, the next is tried after it and never inside it again. A piece's
# spaces could otherwise go to either side of it, and a tail of n credits or notices was tried 2ⁿ ways (30
# credits in a hostile feed's body held the run). Every piece ends where it must (a bracket, a fixed word),
# so the first way each matches is the only one a whole closing can use.
_CLOSING = re.compile(rf"(?>\s?(?:{_COPYRIGHT}|{_NOTICE}|원문\s?보기|{CREDIT_LINE.pattern}))*\s?", re.IGNORECASE)
#: what of it stays with the credit: notices and further credits (a joint release names two agencies)
_WITH_CREDIT = re.compile(rf"{_NOTICE}|{CREDIT_LINE.pattern}")
#: a copyright line that ends a text
_CLOSING_COPYRIGHT = re.compile(rf"\s*{_COPYRIGHT}\s*$", re.IGNORECASE)
#: the mark every copyright line opens with: a text's end without one is let go before _CLOSING_COPYRIGHT tries
#: each of its characters (~17 µs a body); read through _has_copyright_mark, which asks it only where an "h" is
_COPYRIGHT_MARK = re.compile(r"저작권자|copyright|[©ⓒ]|\(c\)", re.IGNORECASE)
#: _COPYRIGHT_MARK's marks in each case re.IGNORECASE gives them ("ⓒ" and "Ⓒ", "(c)" and "(C)"), which str's
#: own search finds; "copyright" has an "h" or "H": a text's end with neither is let go without the pattern
_COPYRIGHT_MARKS = ("저작권자", "©", "ⓒ", "Ⓒ", "(c)", "(C)")
#: how much of a body's end holds its credit, notice, copyright line and empty paragraphs
_CREDIT_TAIL = 2000
#: passes at most: one more finds an earlier credit the cut brought into the tail (only bodies that end in
#: thousands of characters of credits and empty paragraphs need more)
_CREDIT_PASSES = 4


def split_credit(body_html: str) -> tuple[str, str]:
    """(body without its closing credit line, the credit line or "").

    The credit is kept in the attribution and appended by the publishers, so it
    appears exactly once whatever the input did. It closes the body when what
    follows it is only the customary notice (which stays with the credit), a
    copyright line, "원문 보기", another credit or empty paragraphs, all of which
    go with it; a credit followed by text of the article's own stays where it is.
    `body_html` is sanitized HTML; what is left is too (:func:`cut_html`), and a
    fixed point of the sanitizer.
    """
    credit = ""
    # the body without its credit may end in another one, which was too far from the end to be seen: that
    # one is then the credit, so that a second normalization finds none
    for _ in range(_CREDIT_PASSES):
        found = _closing_credit(body_html)
        if found is None:
            break
        body_html, credit = found
    return body_html, credit


def _closing_credit(body_html: str) -> tuple[str, str] | None:
    last = _last_paragraph_credit(body_html)
    return last if last is not None else _searched_credit(body_html)


def _searched_credit(body_html: str) -> tuple[str, str] | None:
    start = max(0, len(body_html) - _CREDIT_TAIL)
    for match in _credits(body_html, start):
        position = match.start()
        if body_html.rfind("<", 0, position) > body_html.rfind(">", 0, position):
            continue  # in a tag: an image's alt text
        kept = _closing_notice(body_html[match.end() :])
        if kept is not None:
            return cut_html(body_html, position), " ".join(_once([markup_text(match.group()), *kept]))
    return None


def _last_paragraph_credit(body_html: str) -> tuple[str, str] | None:
    """What the general search finds where the last paragraph is the credit alone, as nearly always, for a
    few string operations: nothing is open around that paragraph (sanitized HTML closes what it opens, so
    what it ends with is the last to open), so the body is what comes before it."""
    end = len(body_html)
    while end and body_html[end - 1].isspace():  # (rstrip() would copy the body)
        end -= 1
    if not body_html.endswith("</p>", 0, end):
        return None
    opening = body_html.rfind("<p>", 0, end)
    match = _PARAGRAPH_CREDIT.fullmatch(body_html, opening + 3, end - 4) if opening >= 0 else None
    if match is None or body_html.find("출처", max(0, len(body_html) - _CREDIT_TAIL), opening) >= 0:
        return None  # (a credit before it, a joint release's: the general search keeps both)
    return _trim_end(body_html[:opening]), markup_text(match.group(1))


#: the brackets a credit line opens with
_OPENINGS = ("[", "［", "【", "(", "（")


def _credits(body_html: str, start: int) -> Iterator[re.Match[str]]:
    """The credit lines from `start` on, in order: each "출처" found, the pattern tried at the bracket before
    it (what finditer() gives, at a fraction of its cost: its scan tries every bracket of the text)."""
    at = body_html.find("출처", start)
    while at >= 0:
        bracket = max(body_html.rfind(opening, start, at) for opening in _OPENINGS)
        match = _CREDIT_HTML.match(body_html, bracket) if bracket >= 0 else None
        if match is not None and match.end() > at:
            yield match
            at = match.end()
        at = body_html.find("출처", at + 1)


def _closing_notice(rest: str) -> list[str] | None:
    """What of `rest`, following a credit, stays with it (its notice, more credits; [] for nothing), or None
    when `rest` is more than what closes a body: text other than notices, copyright lines, "원문 보기" and
    credits, or an image.

    Elements without such text (empty paragraphs, a table of empty cells) are nothing: the cut drops them
    from the body's end too, and a credit before them closes the body as well as the one after.
    """
    if "<img" in rest or CODE_START.search(rest):  # code keeps the escaped markup before it as text
        return None
    text = collapse_space(html.unescape(SANITIZED_TAG.sub(" ", rest)))
    if _CLOSING.fullmatch(text) is None:
        return None
    return [kept.group() for kept in _WITH_CREDIT.finditer(text)]


def _once(lines: Iterable[str]) -> list[str]:
    """Credit lines and notices, each once: a CMS template appending the credit to a pasted release that
    ended in it already wrote it twice, which is no joint release of two agencies."""
    first: dict[object, str] = {}
    for line in lines:
        first.setdefault(_sameness(line), line)
    return list(first.values())


def _sameness(line: str) -> object:
    """What two forms of one line share: a credit's agencies (whatever its brackets or colon), else a notice's
    letters and digits (whatever its spaces and stops)."""
    agencies = credit_agencies(line)
    if agencies:  # (a name's spaces too: "과학기술 정보통신부" is the one ministry)
        return tuple("".join(name_key(agency).split()) for agency in agencies)
    return "".join(ch for ch in line if ch.isalnum())


#: the elements of :data:`CODE_START`
_CODE_NAMES = ("pre", "code")


def cut_html(markup: str, end: int) -> str:
    """Sanitized HTML up to `end` (a position in text, not in a tag), well-formed: the elements open there
    closed, then its trailing line breaks, spaces and empty elements dropped.

    "<p>본문<br><br>" + "[뉴스출처 : …]</p>" leaves "<p>본문</p>", not an unclosed paragraph whose
    line breaks a second pass would keep: the result sanitizes to itself.
    """
    prefix = markup[:end]
    open_elements: list[str] = []
    for closing, tag in TAG_NAME.findall(prefix):
        name = tag.lower()
        if not closing:
            if name not in VOID_ELEMENTS:
                open_elements.append(name)
        elif open_elements and open_elements[-1] == name:  # sanitized: the innermost, nearly always
            open_elements.pop()
        elif name in open_elements:  # but pop up to it whatever
            del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name) :]
    return _trim_end(prefix + "".join(f"</{name}>" for name in reversed(open_elements)))


def _trim_end(markup: str) -> str:
    """Sanitized HTML without the spaces, line breaks and empty elements at its end (inside its last
    elements too: "<div><p>본문<br></p><p>&nbsp;</p></div>" is "<div><p>본문</p></div>")."""
    end = len(markup)
    closers: list[str] = []  # end tags at the end, last first
    while True:
        end = _blank_before(markup, end)
        if not end or markup[end - 1] != ">":
            break
        start = markup.rfind("<", 0, end)
        tag = TAG_NAME.match(markup, start)
        if tag is None:
            break
        name = tag.group(2).lower()
        if tag.group(1):
            closers.append(markup[start:end])
        elif (name != "br" and not (closers and closers[-1].lower() == f"</{name}>")) or name in _CODE_NAMES:
            # an image, a rule, an element with content, or code (whose presence tells sanitize_html that
            # an escaped "&lt;p&gt;" is quoted, not markup escaped once too often): the body ends there
            break
        elif name != "br":
            closers.pop()  # an empty element: gone with its end tag
        end = start
    return markup[:end] + "".join(reversed(closers))


def _blank_before(markup: str, end: int) -> int:
    """Where the whitespace and no-break spaces ("&nbsp;") that end `markup[:end]` begin."""
    while end:
        if markup[end - 1].isspace():
            end -= 1
        elif markup.endswith("&nbsp;", 0, end):
            end -= 6
        else:
            break
    return end


def without_copyright(words: str) -> str:
    """A body's text without the copyright line that ends it ("<저작권자 © 포탈뉴스통신 무단전재 및 재배포금지>",
    which a body with no credit before it keeps): the summary of a short article does not end in it."""
    start = max(0, len(words) - _COPYRIGHT_SPAN)
    if not _has_copyright_mark(words[start:]):
        return words
    match = _CLOSING_COPYRIGHT.search(words, start)
    return words[: match.start()] if match else words


def _has_copyright_mark(end: str) -> bool:
    """Does `end` hold a copyright mark (_COPYRIGHT_MARK)? The case-blind pattern tried each of its characters
    (~4.4 µs a 300-character end); str's search of its marks takes ~0.5."""
    return any(mark in end for mark in _COPYRIGHT_MARKS) or (
        ("h" in end or "H" in end) and _COPYRIGHT_MARK.search(end) is not None
    )


#: characters of a text's end its copyright line is looked for in
_COPYRIGHT_SPAN = 300
