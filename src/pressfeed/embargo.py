"""An embargo notice opening a release's body: where it is, and when it lets the release out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .sanitize import BLOCK_NAMES, BLOCK_TAG, TAG_NAME, balanced, markup_text

# A release's embargo notice, as its first line: "※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기
# 바랍니다.", "이 보도자료는 2025. 11. 8.(토) 조간부터 보도할 수 있습니다.", "※ 11. 27.(목) 12:00 이전에는 보도를
# 삼가 주시기 바랍니다.", "[엠바고] 11.27.(금) 06:00 이후 보도", "※ 보도 엠바고 : 11. 27.(목) 12:00", "보도일시:
# 2025. 11. 27.(목) 12:00", "11. 27.(목) 조간용", "방송·인터넷: 11. 27.(목) 12:00 이후 / 신문: 11. 28.(금) 조간". It
# is an instruction to the press, stale once the item is in a feed (pressfeed holds an embargoed item until its
# time: notice_embargo), and no part of the story: a summary derived from the body would begin with it, and a
# newsroom's copy without it would not match the release. It names a time (a digit, 조간, 석간) and addresses
# the press: the release as its subject ("이 자료는 …"), else reporting as the verb asked for ("…이후 보도하여
# 주시기 바랍니다", "…이후 보도 가능"), else a label (엠바고, 보도일시, 보도시점, "방송·인터넷:"), else an edition
# ("조간용"). Policy news of the same shape is none of these: "모바일 신분증은 12월 1일부터 사용할 수
# 있습니다", "3월부터 보도블록 교체 공사를 시작합니다", "5월 1일부터 보도 사진 저작권 표시를 의무화합니다".
#: a character of the notice's one sentence: a full stop only after a digit, inside a date ("2025. 11. 8.(토)",
#: "11.27.", "11. 27. 오후 2시"), or in "p.m."
_IN_SENTENCE = r"(?:[^.。!]|(?<=\d)\.(?=\s?\S)|(?<=\b[AaPp])\.(?=[Mm])|(?<=\b[AaPp]\.[Mm])\.)"
#: from or until when
_EMBARGO_WHEN = (
    r"(?:이후|부터|이전에는|전에는|이전|전|까지는?|(?:종료\s?)?(?:후|뒤)|종료\s?시|즉시|에(?=\s?(?:보도|게재)))"
    r"\s?(?:에\s?)?"
)
#: what is asked, as the notice's last words: please do, may, refrain from ("…자제해 달라고 요청했다" is a story's)
_EMBARGO_ASK = (
    r"(?:바랍니다|바람|주십시오|주세요|할\s?수\s?있(?:습니다|음)|가능(?:합니다|함|한\s?자료(?:입니다)?)?|삼가|자제"
    r"|금지(?!합)|불가|유예|부탁\s?(?:드립니다|합니다)?|요망|요청\s?(?:드립니다|합니다))"
)
#: reporting (or posting) as the verb or the thing allowed: 보도하여/보도해 주시기, 보도할 수, 보도를 삼가, 보도
#: 가능, 보도 및 게재 가능, 게재 바랍니다 (or the line's last word: "…06:00 이후 보도")
_REPORT = (
    r"(?:보도(?=\s?(?:하여|하시|해\s?주|해도|할|를|는|가능|바랍|바람|부탁|요망|요청|금지|자제|삼가|불가|유예|및|[·ㆍ]))"
    r"|게재(?=\s?(?:하여|하시|해\s?주|해도|할|가능|바랍|바람|부탁|요망|요청)))"
)
#: the time it names: a digit, or the morning or evening papers' edition
_EMBARGO_TIME = rf"(?={_IN_SENTENCE}*?(?:\d|조간|석간))"
#: a medium a notice names a time for: "방송·인터넷은 …", "신문: …"
_MEDIUM = r"(?:방송|통신|인터넷|온라인|신문|지면|라디오|TV|포털|종이\s?신문)"
_MEDIA = rf"{_MEDIUM}(?:\s?[·ㆍ,/및]\s?{_MEDIUM})*"
#: the words a labelled time may be written with ("보도일시: 2025. 11. 27.(목) 12:00 이후 / 배포일시: …"), and
#: nothing else: "방송 : 12월 1일(월) 저녁 8시 KBS1", "신문: 11월 27일자 1면" are a story's
#: (each written one way only, the digits possessive: a line the words fail on is given up on at once, not after
#: trying every way to split "2025" or "일시")
_TIME_WORDS = (
    r"\d++|[’'‘`]|년|월|일|시|분|반|정각|요일|[화수목금토月火水木金土日]|오전|오후|낮|밤|저녁|새벽|정오|자정|내일|익일|명일|오늘"
    r"|다음\s?날|같은\s?날|조간|석간|용|자|이후|부터|까지|이전|전|에|해제|보도|게재|기사화|가능|허용|엄수|준수|및|엠바고"
    r"|입니다|동시|(?:한국|우리|서울|현지)\s?(?:시간|시각|기준)|KST|(?>[AaPp]\.?[Mm]\.?)|배포|하여|해|주시기|주시길"
    r"|바랍니다|바람|주십시오|부탁드립니다|가능합니다|할\s?수\s?있습니다|요망|[\s.,·ㆍ/|:：()\-]"
)
#: a label's time, its media named too; a range only after a label of the embargo ("엠바고 : 12:00 ~ 13:00"), not
#: a medium's ("온라인: 11. 27.(목) 10:00~12:00" is a broadcast's)
_TIME_VALUE = rf"(?:{_TIME_WORDS}|{_MEDIUM}|은|는|단)+"
_LABEL_VALUE = rf"(?:{_TIME_WORDS}|{_MEDIUM}|은|는|단|~)+"
_BULLETS = r"(?:[※*◆◇◈■□○●◎▣▶▷☞★☆\-–—\s]|\d{1,2}[.)](?=\s))*"
_OPEN = r"[\[(<〈【「《『]"
_CLOSE = r"[\])>〉】」》』]"
_SUBJECT = r"(?:이|본|동|해당)\s?(?:보도\s?)?자료"
#: a day or a clock as a notice writes them: "11월 27일", "11. 27.", "27일", "12:00", "12시"
_DAY_OR_CLOCK = (
    r"(?:\d{1,2}\s?월\s?\d|\d{1,2}\s?[./]\s?\d|\d{1,2}\s?일|\d{1,2}\s?[:：]\s?[0-5]\d|\d{1,2}\s?시(?![간행작점기각]))"
)
#: what the label of a notice's time says: 엠바고, 보도 엠바고, 보도일시, 보도 시점, 보도 유예, 엠바고 해제 시점
_LABEL = (
    r"(?:(?:보도\s?자료\s?)?(?:보도\s?)?엠바고(?:\s?해제)?(?:\s?(?:일시|시[점간각]|요청|엄수|준수))?|embargo"
    r"|보도\s?(?:가능\s?)?(?:일시|일자|시점|시각|시간|시기|유예)|게재\s?(?:가능\s?)?(?:일시|시[점간각])"
    r"|배포\s?(?:일시|일자|시각)|배포(?=\s?[:：])|보도(?=\s?(?:[\])>〉】」》』]|[:：]|\d)))"
)
#: what a label without a colon goes straight on to: "엠바고 11/27(목) 12:00", not "엠바고 제도는 …"
_LABELLED = r"(?:[\d’'‘]|조간|석간|오전|오후|정오|내일|익일|명일|금일|오늘)"
_NOTICE_CORE = (
    rf"(?:{_SUBJECT}는\s?{_EMBARGO_TIME}{_IN_SENTENCE}{{0,90}}?{_EMBARGO_WHEN}{_IN_SENTENCE}{{0,40}}?"
    rf"(?:보도|게재|방송|사용(?=\s?(?:하여|하시|해\s?주))){_IN_SENTENCE}{{0,30}}?(?:{_EMBARGO_ASK}|금지합니다)"
    rf"|{_EMBARGO_TIME}{_IN_SENTENCE}{{0,90}}?{_EMBARGO_WHEN}(?:{_MEDIA}\s?)?(?:{_REPORT}{_IN_SENTENCE}{{0,30}}?{_EMBARGO_ASK}"
    r"|보도)"
    rf"|(?:{_SUBJECT}의\s?)?{_LABEL}(?:\s?{_CLOSE}?\s?[:：]|\s?{_CLOSE}|\s?(?:은|는)|(?=\s?\(?\s?{_LABELLED}))\s?{_EMBARGO_TIME}"
    rf"{_LABEL_VALUE}"
    # "보도시 11월 27일 12:00 이후로 부탁드립니다" (a day or a clock: "보도 시 익명 처리 후 부탁드립니다" is guidance)
    rf"|보도\s?시(?:에는?)?\s(?={_IN_SENTENCE}{{0,30}}?(?:{_DAY_OR_CLOCK}|조간|석간)){_IN_SENTENCE}{{0,60}}?(?:이후|부터)"
    rf"\s?(?:에|으?로)?\s?{_EMBARGO_ASK}"
    # a day and its clock, then the release: "11월 27일(목) 12:00 보도자료" (a day alone is the release's date)
    rf"|(?:{_SUBJECT}는\s?)?(?={_IN_SENTENCE}{{0,40}}?\d\s?(?:[:：]\s?[0-5]\d|시))(?:{_TIME_WORDS})+?(?<=[\d\s)])"
    r"보도\s?(?:용\s?)?자료(?:입니다)?"
    rf"|{_EMBARGO_TIME}{_IN_SENTENCE}{{1,60}}?(?:까지\s?)?(?:엠바고|embargo)(?:\s?해제)?"
    rf"(?:입니다|\s?(?:(?:준수|엄수)\s?)?{_EMBARGO_ASK})?"
    rf"|(?:{_SUBJECT}는\s?)?{_EMBARGO_TIME}{_IN_SENTENCE}{{0,40}}?(?:조간|석간)\s?(?:용|보도\s?(?:용\s?)?(?:자료)?|자료)"
    r"(?:입니다)?"
    rf"|{_MEDIA}\s?(?:은|는)?\s?[:：]\s?(?={_IN_SENTENCE}*(?:이후|조간|석간|보도|게재|엠바고)){_EMBARGO_TIME}{_TIME_VALUE})"
)
#: its own remark after it: "(인터넷, 방송, 통신 포함)", "(온라인 11. 30.(일) 12:00 이후 게재 가능)"
_NOTICE_TAIL = (
    r"\s?[.。!]?\s*(?:\((?:[^()]|\([^()]{1,4}\)){1,50}\)\s?[.。]?|\[[^\[\]]{1,50}\]|※[^※\d]{0,20}(?:포함|참고|문의|동일|준수|엄수)[^※\d]{0,10})?\s*"
    # the header's other fields, without a number to misread: "/ 담당부서 : 산업통상자원부"
    r"(?:[/|]\s?[가-힣\s]{1,10}[:：][^/|\d]{1,40})*"
)
#: a proviso after it, naming another time: "…바랍니다. 단, 인터넷 게재는 18:00 이후", "…보도, 지면은 …
#: 조간", "… 이후 / 신문: … 조간"
_PROVISO = (
    rf"(?:(?:[,，/|]\s?|※?\s?(?:단|다만)\s?[,，]?\s?|(?={_MEDIA}\s?(?:은|는|게재){_IN_SENTENCE}*(?:이후|조간|석간|보도|게재)))"
    rf"{_EMBARGO_TIME}{_IN_SENTENCE}{{1,80}}{_NOTICE_TAIL})?"
)
_EMBARGO_NOTICE = re.compile(rf"{_BULLETS}{_OPEN}?\s*{_NOTICE_CORE}{_NOTICE_TAIL}{_PROVISO}{_CLOSE}?\s*", re.IGNORECASE)
#: what every notice the two patterns here read has: a time (a digit, 조간, 석간: `_EMBARGO_TIME`, `_DAY_OR_CLOCK`)
#: and a word of one (`_SUBJECT`'s 자료, `_REPORT`'s and `_LABEL`'s words, an edition, or a medium's colon). Most
#: first lines are a story's, and have neither: they are let go before the patterns try each of their ways in
#: (~30 µs a line each). Looked for by str's own search: the case-blind patterns "\d|조간|석간" and
#: "보도|…|embargo|…|[:：]" tried every character (~10 and ~17 µs over the first line's markup that a newsroom
#: copy is searched in, when it has no digit), ASCII and full-width digits and the words take ~1. The
#: patterns' \d reads any script's digits (a styled copy's 𝟏𝟐:𝟎𝟎): those are searched for by pattern, only in a
#: text with a notice's word and no other time (a story's first lines without a date: ~6 µs over that window).
_DIGITS = "0123456789０１２３４５６７８９"
_NOTICE_WORDS = ("보도", "게재", "자료", "엠바고", "배포", "조간", "석간", ":", "：")
_EMBARGO_WORD = re.compile("embargo", re.IGNORECASE)
_ANY_DIGIT = re.compile(r"\d")
#: a notice as the first sentence of a longer line: it holds the release, though the line stays
_NOTICE_SENTENCE = re.compile(
    rf"{_BULLETS}{_OPEN}?\s*{_NOTICE_CORE}\s?(?:(?<!\d)[.。!]|[.。!](?=\s*[가-힣A-Za-z]))", re.IGNORECASE
)
#: a line under a notice that gives a medium its own time: "※ 단, 인터넷은 11. 27.(목) 18:00 이후 게재 바랍니다.",
#: "※ 방송·인터넷은 11월 27일(목) 18:00 이후"; the medium first, as a word, then a time in its words
#: ("인터넷 이용자는 12월 1일부터 …", "라디오 방송은 …" are a story's)
_FOLLOWING_NOTICE = re.compile(
    rf"{_BULLETS}{_OPEN}?\s*(?:(?:단|다만)\s?[,，]?\s?)?{_MEDIA}\s?(?:은|는|에는|의\s?경우)?\s?[:：]?\s?{_EMBARGO_TIME}"
    # a word of the press's too: "온라인은 11월 1일부터 가능합니다", "라디오는 오전 7시부터" are a story's
    rf"(?={_IN_SENTENCE}*(?:이후|조간|석간|보도|게재))(?:{_TIME_WORDS})+{_NOTICE_TAIL}{_CLOSE}?\s*",
    re.IGNORECASE,
)
#: how many such lines may follow a notice
_FOLLOWING_LINES = 2
#: a notice is a line, not a paragraph: longer first lines are the story's own
_EMBARGO_MAX = 160
#: the markup of a first line of _EMBARGO_MAX characters at most, entities and inline tags too
FIRST_LINE_MARKUP = _EMBARGO_MAX * 8
#: the opening tags and spaces before the body's first text
_LEADING_BLOCKS = re.compile(rf"(?:\s|&nbsp;|<br\s*/?>|</?(?:{BLOCK_NAMES})\b[^>]*>)*")

#: the close of the element the notice was alone in, left empty by its removal
_EMPTY_BLOCK_END = re.compile(r"</(div|blockquote)>")
#: the blocks a notice may fill and leave with
_NOTICE_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


#: lines a release's page may open with before its title: the board's label alone ("보도자료")
_TITLE_LINES = 3


def drop_title_lines(body_html: str, title: str) -> str:
    """The body without the lines its page opens with before the release's text: the release's title (a board's
    heading, "[보도자료] …", with or without its subtitle) and a press-release label alone before it
    ("<h3>보도자료</h3>"). Readers saw the title twice, an embargo notice after it was not read as one, and
    a newsroom's copy without it was no copy (a subscriber's attack). Unchanged when no line is the title."""
    from .ingest.keys import TITLE_MIN, is_release_label, one_title, title_identity
    from .sanitize import body_words

    body, ours = body_html, ""
    for _ in range(_TITLE_LINES):
        line = _FirstLine.of(body)
        if line is None or not line.whole:
            return body_html  # (most bodies: their first line is a paragraph of the story)
        ours = ours or title_identity(title)
        if len(ours) < TITLE_MIN:
            return body_html  # "인사": a short title may well open the text
        # the title alone, or a heading with more or less of it (its subtitle): never a lead sentence
        if title_identity(line.text) == ours or (line.heading() and one_title(line.text, title)):
            rest = line.cut()
            # a body that is the title alone (a board's description) stays: an item without text is held
            return rest if body_words(rest).strip() else body_html
        if not is_release_label(line.text) or (rest := line.cut()) == body:
            return body_html
        body = rest
    return body_html


def drop_embargo_notice(body_html: str) -> str:
    """The body without an embargo notice as its first line (:func:`split_embargo_notice`)."""
    return split_embargo_notice(body_html)[0]


def split_embargo_notice(body_html: str) -> tuple[str, str]:
    """(the body without an embargo notice as its first line (:data:`_EMBARGO_NOTICE`) and the lines that
    follow it with a medium's own time, the notices' text or ""); sanitized HTML in, sanitized HTML out.

    A paragraph that is the notice alone goes with it; a notice ending in a line break leaves the rest of
    its paragraph. A notice that cannot go (in a table's cell), or that opens a longer line ("…바랍니다.
    11월 27일 11:30 브리핑 예정"), is still said: it still holds the release."""
    line = _FirstLine.of(body_html)
    if line is None:
        return body_html, ""
    if not line.whole or not _is_notice(line.text):
        for fields in _header_fields(body_html, line):
            if _is_notice(fields):
                return body_html, fields  # the government template's header table: it stays, as a cell's notice does
        text = line.text[: _EMBARGO_MAX * 2]  # a notice's sentence is no longer
        sentence = _NOTICE_SENTENCE.match(text) if may_be_notice(text) else None
        return body_html, sentence.group().strip() if sentence is not None else ""
    body, said = line.cut(), line.text
    for _ in range(_FOLLOWING_LINES):
        following = _FirstLine.of(body)
        if following is None or not following.whole or not _follows(following.text):
            break
        if (rest := following.cut()) == body:
            break  # a line that cannot go (a list's item) is not read again as the next
        body, said = rest, f"{said} / {following.text}"  # a clause of its own (notice_embargo)
    return body, said


#: a table's row, and its cells (with their attributes: a label may span rows)
_ROW = re.compile(r"\s*<tr\b[^>]*>(.*?)</tr>", re.DOTALL | re.IGNORECASE)
_CELL = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_ROWSPAN = re.compile(r'\browspan="?(\d{1,2})')
#: a cell that is a notice's label alone: "보도시점", "보도일시", "엠바고"
_LABEL_CELL = re.compile(rf"{_LABEL}", re.IGNORECASE)


def _header_fields(body_html: str, line: _FirstLine) -> list[str]:
    """The government template's header table, when the body opens with it, read as a notice's fields: the label
    and the time are in cells of their own. Its first row paired, "보도시점 : 12. 1.(화) 06:00 / 배포 : 11. 29.(일)";
    then from the label's cell on, with the rows it spans, "보도시점 : 신문 11. 28.(금) 조간 / 방송·인터넷 11. 27.(목)
    12:00" (a label after another field, "담당부서 | 해운정책과 | 보도시점 | …", too). [] when it opens with none."""
    opening = body_html.rfind("<tr", 0, line.start)  # (the first line is the body's first text: nothing between)
    rows: list[list[tuple[str, str]]] = []
    position, end = opening, line.start + _EMBARGO_MAX * 16
    while opening >= 0 and len(rows) < _HEADER_ROWS and (row := _ROW.match(body_html, position)) and row.end() < end:
        cells = [(attributes, markup_text(cell)) for _, attributes, cell in _CELL.findall(row.group(1))]
        rows.append([(attributes, text) for attributes, text in cells if text])
        position = row.end()
    if not rows or not rows[0]:
        return []
    first = [text for _, text in rows[0]]
    paired = " / ".join(f"{label} : {value}" for label, value in zip(first[::2], first[1::2], strict=False))
    fields = [" ".join(first) if len(first) % 2 else paired]
    for index, (attributes, text) in enumerate(rows[0]):
        if _LABEL_CELL.fullmatch(text):
            spans = int(span.group(1)) if (span := _ROWSPAN.search(attributes)) else 1
            rest = [[t for _, t in rows[0][index + 1 :]], *([t for _, t in row] for row in rows[1:spans])]
            fields.append(f"{text} : " + " / ".join(" ".join(cells) for cells in rest if cells))
            break
    return fields


#: rows of a header table read at most
_HEADER_ROWS = 3


def _follows(text: str) -> bool:
    return _FOLLOWING_NOTICE.fullmatch(text) is not None or _is_notice(text)


def _is_notice(text: str) -> bool:
    """Is the text a notice (:data:`_EMBARGO_NOTICE`) alone?"""
    return may_be_notice(text) and _EMBARGO_NOTICE.fullmatch(text) is not None


def may_be_notice(text: str) -> bool:
    """Could :data:`_EMBARGO_NOTICE` or :data:`_NOTICE_SENTENCE` read the text? No when it has no time or no word
    of a notice. What may open with a notice (a newsroom's copy, :mod:`pressfeed.stories`) asks this too."""
    if not (
        any(word in text for word in _NOTICE_WORDS)
        or (("m" in text or "M" in text) and _EMBARGO_WORD.search(text) is not None)
    ):
        return False
    # the patterns' \d is any script's digit: searched for by pattern only in a text with a notice's word
    return (
        any(digit in text for digit in _DIGITS)
        or "조간" in text
        or "석간" in text
        or (not text.isascii() and _ANY_DIGIT.search(text) is not None)
    )


@dataclass(frozen=True, slots=True)
class _FirstLine:
    """A body's first line of text: where it is in the markup, what ends it, and its text."""

    markup: str
    start: int
    end: int
    end_tag: re.Match[str] | None
    text: str
    #: the whole line, short and well-formed: a notice's, that can go
    whole: bool

    @classmethod
    def of(cls, body_html: str) -> _FirstLine | None:
        lead = _LEADING_BLOCKS.match(body_html)
        start = lead.end() if lead is not None else 0
        window = start + FIRST_LINE_MARKUP
        end_tag = BLOCK_TAG.search(body_html, start, window)  # the first line ends at a block's tag or a <br>
        end = end_tag.start() if end_tag is not None else len(body_html)
        line = body_html[start : min(end, window)]
        text = markup_text(line)
        if not text:
            return None
        whole = end <= window and len(text) <= _EMBARGO_MAX and balanced(line)
        return cls(body_html, start, end, end_tag, text, whole)

    def heading(self) -> bool:
        """Is the line in a heading (<h1> to <h6>)?"""
        opening = self.markup.rfind("<", 0, self.start)
        name = TAG_NAME.match(self.markup, opening) if opening >= 0 else None
        return name is not None and not name.group(1) and re.fullmatch(r"h[1-6]", name.group(2).lower()) is not None

    def cut(self) -> str:
        """The body without this line. A paragraph that is the line alone goes with it; a line ending in a
        line break leaves the rest of its paragraph; a table's cell stays (it would leave a hole)."""
        body_html, start, end, end_tag = self.markup, self.start, self.end, self.end_tag
        if end_tag is None or end_tag.group().startswith(("<br", "<hr")):
            after = end_tag.end() if end_tag is not None else end
            return body_html[:start] + body_html[after:].lstrip()
        if not end_tag.group().startswith("</"):
            return body_html[:start] + body_html[end:]  # text before the first block: the block stays
        opening = body_html.rfind("<", 0, start)
        while opening > 0 and body_html.startswith("<br", opening):  # "<p><br>notice</p>": the paragraph's
            opening = body_html.rfind("<", 0, opening)
        name = TAG_NAME.match(body_html, opening) if opening >= 0 else None
        if name is None or name.group(2).lower() not in _NOTICE_BLOCKS or end_tag.group() != f"</{name.group(2)}>":
            return body_html
        rest = body_html[end_tag.end() :].lstrip()
        # a container the line was alone in goes too: "<blockquote><p>notice</p></blockquote>"
        while (closing := _EMPTY_BLOCK_END.match(rest)) is not None:
            outer = TAG_NAME.match(body_html, max(body_html.rfind("<", 0, opening), 0))
            if outer is None or outer.group(1) or outer.group(2).lower() != closing.group(1):
                break
            opening, rest = outer.start(), rest[closing.end() :].lstrip()
        return body_html[:opening] + rest


# The time an embargo notice names, as agencies write it: days ("11월 27일(금)", "11. 27.(목)", "11.27.",
# "2025. 11. 8.(토)", "’25. 11. 8.", "2025년 11월 8일", "27일(목)") and times ("06:00", "오후 2시", "14시 30분",
# "정오", "밤 12시", "오후 세 시"), or an edition ("조간", "석간") of a day. A notice may name several: the
# press's and the internet's ("신문은 11. 28.(금) 조간, 방송·인터넷은 11. 27.(목) 12:00"), local time and
# Korea's, and times of other things in an aside ("(브리핑: 11. 27.(목) 10:30)", "12월 1일부터 시행되는"). Each
# time goes with the day written before it (else the one right after it, else the release's day); the
# internet's time is a portal's, else the latest one: never early.
_NOTICE_DAY = re.compile(
    r"(?<![\d.])(?:[’'‘`]?(?P<year>(?:19|20)?\d\d)\s?(?:년|\.)\s?)?(?P<month>1[0-2]|0?[1-9])\s?(?:월|[./-])\s?"
    r"(?P<day>3[01]|[12]\d|0?[1-9])(?![\d:])\s?(?:일|\.)?"
    r"|(?<![\d./-])(?P<lone>3[01]|[12]\d|0?[1-9])\s?일"  # a day of the release's month
    r"|(?<![\d.])(?P<cyear>20\d\d)(?P<cmonth>0[1-9]|1[0-2])(?P<cday>0[1-9]|[12]\d|3[01])(?![\d:])"  # "20251127"
)
#: the weekday written after a day: "(목)", "(목요일)", "목요일", "(木)"
_WEEKDAY = re.compile(r"\s?(?:\(\s?([월화수목금토일月火水木金土日])\s?(?:요일)?\s?\)|([월화수목금토일])요일)")
#: Monday's 0 to Sunday's 6, in Hangul or in hanja ("(木)")
_WEEKDAYS = {name: index % 7 for index, name in enumerate("월화수목금토일月火水木金土日")}
#: hours in words: "세 시", "열두 시"
_WORD_HOURS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
_WORD_HOURS |= {"열한": 11, "열두": 12}
_NOTICE_TIME = re.compile(
    r"(?:(?P<half>오전|오후|낮|밤|저녁|새벽|[AaPp]\.?[Mm]\.?)\s?)?(?:(?:(?<![\d.])(?P<hour>[01]?\d|2[0-4])"
    r"|(?<![가-힣])(?P<word>열\s?한|열\s?두|다섯|여섯|일곱|여덟|아홉|한|두|세|네|열)(?=\s?시))\s?"
    r"(?:[:.]\s?(?P<minute>[0-5]\d)(?![\d.])|시(?![간행작점기각])\s?(?:(?P<minutes>[0-5]?\d)\s?분|(?P<thirty>반))?"
    r"|(?=\s?[AaPp]\.?[Mm]\.?(?![A-Za-z])))"
    r"(?:\s?(?P<suffix>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?|(?P<noon>정오)|(?P<midnight>자정))"
    r"|(?P<edition>조간|석간)"
)
#: the hour an edition's embargo ends at the latest: the morning papers are out by 06:00 of their day (online
#: may report earlier, from the day before); the evening papers are printed by the afternoon
_EDITION_HOUR = {"조간": 6, "석간": 15}
#: a clause about the internet as a medium: the time a portal goes by (not an online briefing's, broadcast's or
#: handout's: "(온라인 기자설명회: 11. 27.(목) 10:00)", "(인터넷으로 사전 배포 …)")
_ONLINE = re.compile(
    rf"(?:인터넷|온라인)(?=\s?(?:[·ㆍ,/및]\s?{_MEDIUM}|\)|은|는|에는|의\s?경우|:|：|게재|보도|매체|기사|포함|동일|판|\d|$))"
)
#: what ends a time's clause after it: a list's separator, a proviso, a bracket that names another time
_CLAUSE_END = re.compile(r"[,，/|;]|단\s?[,，]|\([^()]*\d|(?<!\d)[.。](?=\s|$)")
#: a time in another country's zone, which a notice gives beside Korea's (else it cannot be read); Japan
#: keeps Korea's
_LOCAL_TIME = re.compile(
    r"현지\s?(?:시[간각]|오전|오후|\))|\(현지|(?:동부|서부|중부|태평양)\s?(?:표준)?시[간각]|\b(?:GMT|UTC|CET|EST|EDT|PST|PDT)\b"
    r"|(?:미국|영국|프랑스|독일|중국|유럽|스위스|벨기에|파리|런던|뉴욕|워싱턴|제네바|베를린|브뤼셀|베이징|북경|미\s?동부)"
    r"\s?(?:현지\s?)?(?:시[간각]|기준)|현지\s?(?:기준|(?=\d))|\b(?:ET|CEST|BST)\b"
)
_KOREAN_TIME = re.compile(r"(?:한국|우리|서울)\s?시[간각]|\bKST\b")
#: a time that is an event's (a briefing, a cabinet vote): when it ends is not written
_EVENT_TIME = re.compile(
    r"(?:브리핑|회의|의결|발표|행사|설명회|간담회|기자회견|회견|연설|회담|면담|통과|[가-힣]{1,3}식)"
    r"(?:\s?\([^()]*(?:\([^()]{1,4}\)[^()]*)*\))?\s?(?:이|가)?\s?(?:종료\s?|끝난\s?|마친\s?)?(?:이후|후|뒤|시\s?보도)"
    r"|(?:종료|끝난|마친|종료된)\s?(?:이후|후|뒤|시\s?보도)|직후"
    # a time, then what happens at it: "12월 1일부터 신청 접수 후", "10:00 위원회 의결 뒤"
    r"|(?:(?<=\d)\s|(?<=\))\s?)(?!(?:시작|시간|이후|부터|까지|이전|정각|조간|석간|정오|자정|오전|오후|새벽|저녁|내일|익일"
    r"|명일|금일|오늘|다음|같은|한국|우리|서울|현지|엠바고|해제|국내|모든|동시|매체|보도|게재))[가-힣]{2,}(?:\s[가-힣]{2,}){0,3}\s?(?:이|가)?\s?"
    r"(?:이후|후|뒤)(?![가-힣])"
)
#: the things an aside dates, not the release: "(브리핑: 11. 27.(목) 10:30)", "12월 1일(월)부터 시행되는"
_OTHER_THINGS = r"시행|접수|개최|신청|적용|공표|발표|브리핑|행사|예정|회의|설명회|마감"
#: an aside in brackets about another thing (a bracket about the press, or the internet, is the notice's own)
_ASIDE = re.compile(rf"\((?:[^()]|\([^()]{{1,4}}\))*?(?:{_OTHER_THINGS}|배포)(?:[^()]|\([^()]{{1,4}}\))*\)")
_ABOUT_PRESS = re.compile(r"보도|게재|엠바고")
#: a day or a time that another thing's: "12월 1일(월)부터 시행", "11. 27.(목) 10:00 브리핑"
_OTHER_THING = re.compile(
    rf"\s?(?:\([^()]{{1,4}}\))?\s?(?:부터|까지|에는|에서|에)?\s?(?:{_OTHER_THINGS}|배포(?!\s?[:：]?\s?\d))"
)
#: a time after another, not written: "인터넷 게재는 1시간 후부터", "배포 30분 뒤"
_DURATION = re.compile(r"\d+\s?시간\s?(?:이?후|뒤|경과)|(?<!시)(?<!시\s)(?<![\d:])\d+\s?분\s?(?:이?후|뒤|경과)")
#: the internet's time said to be the paper's: "(인터넷은 신문과 동일)"
_AS_THE_PAPER = re.compile(r"(?:인터넷|온라인)[^()]{0,12}(?:신문|지면|조간|석간)[^()]{0,6}(?:동일|같)")
#: a time written without its colon right after a day: "20251127 1200", "11. 27.(목) 1200"
_BARE_CLOCK = re.compile(r"\s?(?:\([^()]{1,4}\))?\s?-?\s?(?:[01]?\d|2[0-4])[0-5]\d(?![\d:.])")
#: a day after the release's: "내일 조간", "익일 06:00"
_NEXT_DAY = re.compile(r"내일|익일|명일|다음\s?날")
#: a day, then "까지": through that day
_THROUGH = re.compile(r"\s?(?:\([^)]{1,4}\))?\s?까지")
#: how far ahead a notice's time may be: further, it is a typo (2026 for 2025), not held for a year unsaid
NOTICE_AHEAD = timedelta(days=31)
#: a day a notice's year puts further back than this is last year's template, not the day meant
STALE_YEAR = timedelta(days=60)
#: how long after a time alone ("12:00 이후 보도") a release may be posted that day: later, the time is the
#: next day's ("06:00 이후" posted at 17:00)
POSTED_LATE = timedelta(hours=1)


def notice_embargo(notice: str, near: datetime, tz: tzinfo, posted: bool = True) -> datetime | None:
    """When the embargo notice (:func:`split_embargo_notice`) lets the release out, or None when it names no
    time that can be read: none at all, another zone's alone, an event's ("10시 브리핑 이후": when it ends is
    not said), a day whose weekday is not the one written, or one more than NOTICE_AHEAD away. `near` is the
    release's own date: the year, or the month, of a day written without them, and the day of a time alone
    ("내일": the day after). `posted`: `near` is when the release was posted, so a time alone that had passed
    then is the next day's; else it is when the release was read, later, and the time is still that day's."""
    notice = notice.replace("：", ":").replace("∶", ":").replace("時", "시")
    notice = _ASIDE.sub(lambda aside: aside.group() if _about_press(aside.group()) else " ", notice)
    foreign = _LOCAL_TIME.search(notice) is not None
    if (foreign and not _KOREAN_TIME.search(notice)) or _EVENT_TIME.search(notice) or _DURATION.search(notice):
        return None
    # beside another zone's time, the internet's clause may be that zone's; "인터넷은 신문과 동일" names none of
    # its own: the latest is the one, never early
    latest = foreign or _AS_THE_PAPER.search(notice) is not None
    when = _notice_time(notice, near.astimezone(tz), tz, posted, latest=latest)
    return when if when is not None and when <= near + NOTICE_AHEAD else None


def _about_press(text: str) -> bool:
    return _ABOUT_PRESS.search(text) is not None or _ONLINE.search(text) is not None


def _notice_time(notice: str, local: datetime, tz: tzinfo, posted: bool, latest: bool) -> datetime | None:
    marks = list(_NOTICE_DAY.finditer(notice))
    days = [_notice_day(m, notice, local.date()) for m in marks]
    spans = [m.span() for m in marks]
    # a time inside a day ("11.27" read as 11:27) is the day's
    times = [m for m in _NOTICE_TIME.finditer(notice) if not any(s <= m.start() < e for s, e in spans)]
    if None in days or not (days or times):
        return None  # 2월 30일, 11월 27일(금) in 2025; or no time at all
    if any(_BARE_CLOCK.match(notice, mark.end()) for mark in marks):
        return None  # "11. 27.(목) 1200": a time, but not one to read as the day's start
    today = local.date() + timedelta(days=1 if _NEXT_DAY.search(notice) else 0)
    # each time, or day without one: where its clause may begin (its day, written before it), it, and when it is
    said: list[tuple[int, re.Match[str], datetime]] = []
    owned: set[int] = set()  # the marks a time went with
    for found in times:
        index = _day_of(found, marks, notice)
        if index is None:
            said.append((found.start(), found, _alone(found, today, local, tz, posted)))
        else:
            owned.add(index)
            on, mark = days[index], marks[index]
            assert on is not None
            if _NEXT_DAY.search(notice, mark.end(), found.start()):  # "11. 26.(수) 배포, 익일 06:00"
                on += timedelta(days=1)
            said.append((min(mark.start(), found.start()), found, _at(on, found, tz)))
    for index, mark in enumerate(marks):
        if index not in owned:  # a day alone: "11월 27일부터" from its start, "11월 27일까지" through its end
            on = days[index]
            assert on is not None
            through = _THROUGH.match(notice, mark.end()) is not None
            said.append((mark.start(), mark, _at(on, None, tz, through=through)))
    said.sort(key=lambda item: item[1].start())
    # what is said of another thing does not count, unless nothing else is said
    release = [item for item in said if _OTHER_THING.match(notice, item[1].end()) is None] or said
    whens = [when for _, _, when in release]
    # the internet's time, unless it had passed when the paper's had not: a typo, or another thing's
    online = [when for when, is_online in zip(whens, _online(notice, release), strict=True) if is_online]
    if online and max(online) <= local < max(whens):
        online = []
    return max(online if online and not latest else whens)


def _online(notice: str, release: list[tuple[int, re.Match[str], datetime]]) -> list[bool]:
    """Whether each time's clause names the internet. A clause runs from the one before it to a separator
    after the time ("12:00 이후 방송·인터넷, 11. 28.(금) 조간 신문에"), else to the time itself: what follows
    it without a separator is the next one's ("…조간 방송·인터넷 11. 27.(목) 12:00")."""
    said, clause_start = [], 0
    for index, (_, found, _) in enumerate(release):
        last = index + 1 == len(release)
        following = len(notice) if last else max(release[index + 1][0], found.end())
        after = _CLAUSE_END.search(notice, found.end())
        if after is not None and after.start() <= following:
            clause_end = after.start()
        else:
            clause_end = len(notice) if last else found.end()
        clause_end = max(clause_end, found.end())
        said.append(_ONLINE.search(notice, clause_start, clause_end) is not None)
        clause_start = clause_end
    return said


def _day_of(found: re.Match[str], marks: list[re.Match[str]], notice: str) -> int | None:
    """The day mark a time goes with: the last before it, else the one right after it ("12:00(11월 27일)")."""
    before = [index for index, mark in enumerate(marks) if mark.end() <= found.start()]
    if before:
        return before[-1]
    if marks and re.fullmatch(r"\s?[(（]?\s?", notice[found.end() : marks[0].start()]):
        return 0
    return None


def _alone(found: re.Match[str], today: date, local: datetime, tz: tzinfo, posted: bool) -> datetime:
    """A time named without its day: today's, unless it had passed when the release was posted ("06:00 이후"
    posted at 17:00; read later, it is still today's); an edition is the next one out ("조간부터" in the
    afternoon: tomorrow's)."""
    when = _at(today, found, tz)
    passed = when <= local if found["edition"] else posted and when + POSTED_LATE <= local
    return when + timedelta(days=1) if passed else when


def _notice_day(match: re.Match[str], notice: str, near: date) -> date | None:
    """The day a notice names, in the year (or month) that puts it nearest `near`. A weekday written that is
    not that day's picks the year (or month) a typo got wrong ("2026. 11. 27.(목)" for 2025's Thursday, "12일
    (금)" for next month's), never a day past ("11월 27일(수)" in 2025 is not 2024's Wednesday): else the day
    cannot be read."""
    written_weekday = _WEEKDAY.match(notice, match.end())
    weekday = _WEEKDAYS[written_weekday.group(1) or written_weekday.group(2)] if written_weekday else None
    if match["lone"]:
        day = int(match["lone"])
        months = [(near.year + (near.month + k - 1) // 12, (near.month + k - 1) % 12 + 1) for k in (-1, 0, 1)]
        around = [_date_or_none(year, month, day) for year, month in months]
        candidates = around
    else:
        month, day = int(match["month"] or match["cmonth"]), int(match["day"] or match["cday"])
        year = match["year"] or match["cyear"]
        around = [_date_or_none(near.year + k, month, day) for k in (-1, 0, 1)]
        candidates = around
        if year is not None:
            written = _date_or_none(int(year) + (2000 if len(year) == 2 else 0), month, day)
            # a template's year not changed in January ("2025. 1. 5." posted 2026-01-02): the nearest year
            if written is None or written >= near - STALE_YEAR:
                candidates = [written]
    found = [d for d in candidates if d is not None]
    if not found:
        return None  # 2월 30일
    nearest = min(found, key=lambda d: abs(d - near))
    if weekday is None or nearest.weekday() == weekday:
        return nearest
    # the weekday corrects a typo forward only: a day past on it would let the release out at once
    fits = [d for d in around if d is not None and d.weekday() == weekday and d >= near]
    return min(fits) if fits else None


def _at(on: date, match: re.Match[str] | None, tz: tzinfo, through: bool = False) -> datetime:
    # a day alone: "11월 27일부터" from its start, "11월 27일까지" through its end
    hour, minute = _clock(match) if match is not None else (24 if through else 0, 0)
    return datetime.combine(on, time(), tz) + timedelta(hours=hour, minutes=minute)


def _clock(match: re.Match[str]) -> tuple[int, int]:
    if match["edition"]:
        return _EDITION_HOUR[match["edition"]], 0
    if match["noon"]:
        return 12, 0
    if match["midnight"]:
        return 24, 0  # the day's end: never early
    hour = int(match["hour"]) if match["hour"] else _WORD_HOURS[match["word"].replace(" ", "")]
    minute = int(match["minute"] or match["minutes"] or 0) + (30 if match["thirty"] else 0)
    half = match["half"] or match["suffix"] or ""
    if (half in ("오후", "낮", "밤", "저녁") or half[:1] in ("P", "p")) and hour < 12:
        hour += 12
    elif match["half"] in ("밤", "저녁") and hour == 12:
        hour = 24  # 밤 12시: midnight, the day's end
    return hour, minute


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
