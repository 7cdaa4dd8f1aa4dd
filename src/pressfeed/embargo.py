"""An embargo notice opening a release's body: where it is, and when it lets the release out."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta, tzinfo

from .sanitize import BLOCK_NAMES, BLOCK_TAG, SANITIZED_TAG, TAG_NAME, balanced
from .text import collapse_space

# A release's embargo notice, as its first line: "※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기
# 바랍니다.", "이 보도자료는 2025. 11. 8.(토) 조간부터 보도할 수 있습니다.", "※ 11. 27.(목) 12:00 이전에는 보도를
# 삼가 주시기 바랍니다.", "[엠바고] 11.27.(금) 06:00 이후 보도", "※ 보도 엠바고 : 11. 27.(목) 12:00". It is an
# instruction to the press, stale once the item is in a feed (pressfeed holds an embargoed item until its time:
# notice_embargo), and no part of the story: a summary derived from the body would begin with it, and a
# newsroom's copy without it would not match the release. It names a time (a digit, 조간, 석간) and addresses
# the press: the release as its subject ("이 자료는 …"), else reporting as the verb asked for ("…이후 보도하여
# 주시기 바랍니다", "…이후 보도 가능"), else 엠바고 (a "보도일시:" line is the release's dateline). Policy
# news of the same shape is none of these: "모바일 신분증은 12월 1일부터 사용할 수 있습니다", "3월부터 보도블록
# 교체 공사를 시작합니다", "5월 1일부터 보도 사진 저작권 표시를 의무화합니다".
#: a character of the notice's one sentence: a full stop only inside a date ("2025. 11. 8.(토)", "11.27.")
_IN_SENTENCE = r"(?:[^.。!]|\.(?=\s?[\d(]))"
#: from or until when
_EMBARGO_WHEN = r"(?:이후|부터|이전에는|전에는|까지는?)\s?(?:에\s?)?"
#: what is asked: please do, may, refrain from
_EMBARGO_ASK = (
    rf"(?:바랍니다|주십시오|주세요|할\s?수\s?있습니다|가능합니다|가능|삼가{_IN_SENTENCE}{{0,20}}|금지합니다|금지"
    r"|부탁\s?(?:드립니다|합니다)?|요망|요청\s?(?:드립니다|합니다)?)"
)
#: reporting as the verb or the thing allowed: 보도하여/보도해 주시기, 보도할 수, 보도를 삼가, 보도 가능, 보도 바랍니다
#: (or the line's last word: "…06:00 이후 보도")
_REPORT = r"보도(?=\s?(?:하여|해\s?주|해도|할|를|는|가능|바랍|부탁|요망|요청))"
#: the time it names: a digit, or the morning or evening papers' edition
_EMBARGO_TIME = rf"(?={_IN_SENTENCE}*?(?:\d|조간|석간))"
_EMBARGO_NOTICE = re.compile(
    r"[※*◆◇■□○●▶▷☞★☆\-–—\s]*[\[(<〈【]?\s*"
    rf"(?:(?:이|본|동|해당)\s?(?:보도\s?)?자료는\s?{_EMBARGO_TIME}{_IN_SENTENCE}{{0,60}}?{_EMBARGO_WHEN}"
    rf"(?:보도|게재|방송|사용|인터넷\s?게재){_IN_SENTENCE}{{0,30}}?{_EMBARGO_ASK}"
    rf"|{_EMBARGO_TIME}{_IN_SENTENCE}{{0,60}}?{_EMBARGO_WHEN}(?:{_REPORT}{_IN_SENTENCE}{{0,30}}?{_EMBARGO_ASK}|보도)"
    rf"|(?:보도\s?)?엠바고\s?[\])>〉】]?\s?[:：]?\s?{_EMBARGO_TIME}{_IN_SENTENCE}{{1,60}}?"
    rf"|{_EMBARGO_TIME}{_IN_SENTENCE}{{1,60}}?(?:까지\s?)?엠바고(?:\s?해제)?(?:입니다)?)"
    # its own remark after it: "(인터넷, 방송, 통신 포함)", "(온라인 11. 30.(일) 12:00 이후 게재 가능)"
    r"\s?[.。!]?\s*(?:\((?:[^()]|\([^()]{1,4}\)){1,50}\)\s?[.。]?)?\s*[\])>〉】]?\s*"
)
#: a notice is a line, not a paragraph: longer first lines are the story's own
_EMBARGO_MAX = 160
#: the opening tags and spaces before the body's first text
_LEADING_BLOCKS = re.compile(rf"(?:\s|&nbsp;|<br\s*/?>|</?(?:{BLOCK_NAMES})\b[^>]*>)*")

#: the close of the element the notice was alone in, left empty by its removal
_EMPTY_BLOCK_END = re.compile(r"</(div|blockquote)>")
#: the blocks a notice may fill and leave with
_NOTICE_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


def drop_embargo_notice(body_html: str) -> str:
    """The body without an embargo notice as its first line (:func:`split_embargo_notice`)."""
    return split_embargo_notice(body_html)[0]


def split_embargo_notice(body_html: str) -> tuple[str, str]:
    """(the body without an embargo notice as its first line (:data:`_EMBARGO_NOTICE`), the notice's text or
    ""); sanitized HTML in, sanitized HTML out. A paragraph that is the notice alone goes with it; a notice
    ending in a line break leaves the rest of its paragraph. A notice that cannot go (in a table's cell) is
    still said: it still holds the release."""
    lead = _LEADING_BLOCKS.match(body_html)
    start = lead.end() if lead is not None else 0
    window = start + _EMBARGO_MAX * 8  # the markup of a line of 160 characters, entities and inline tags too
    end_tag = BLOCK_TAG.search(body_html, start, window)  # the first line ends at a block's tag or a <br>
    end = end_tag.start() if end_tag is not None else len(body_html)
    if end > window:
        return body_html, ""
    line = body_html[start:end]
    text = collapse_space(html.unescape(SANITIZED_TAG.sub("", line)))
    if not text or len(text) > _EMBARGO_MAX or _EMBARGO_NOTICE.fullmatch(text) is None or not balanced(line):
        return body_html, ""
    if end_tag is None or end_tag.group().startswith(("<br", "<hr")):
        after = end_tag.end() if end_tag is not None else end
        return body_html[:start] + body_html[after:].lstrip(), text
    if not end_tag.group().startswith("</"):
        return body_html[:start] + body_html[end:], text  # text before the first block: the block stays
    # the notice is its block's whole text: the block goes, if it is a paragraph of its own (a table's cell
    # would leave a hole in the table)
    opening = body_html.rfind("<", 0, start)
    name = TAG_NAME.match(body_html, opening) if opening >= 0 else None
    if name is None or name.group(2).lower() not in _NOTICE_BLOCKS or end_tag.group() != f"</{name.group(2)}>":
        return body_html, text
    rest = body_html[end_tag.end() :].lstrip()
    # a container the notice was alone in goes too: "<blockquote><p>notice</p></blockquote>"
    while (closing := _EMPTY_BLOCK_END.match(rest)) is not None:
        outer = TAG_NAME.match(body_html, max(body_html.rfind("<", 0, opening), 0))
        if outer is None or outer.group(1) or outer.group(2).lower() != closing.group(1):
            break
        opening, rest = outer.start(), rest[closing.end() :].lstrip()
    return body_html[:opening] + rest, text


# The time an embargo notice names, as agencies write it: days ("11월 27일(금)", "11. 27.(목)", "11.27.",
# "2025. 11. 8.(토)", "’25. 11. 8.", "2025년 11월 8일", "27일(목)") and times ("06:00", "오후 2시", "14시 30분",
# "정오", "밤 12시"), or an edition ("조간", "석간") of a day. A notice may name several: the press's and the
# internet's ("신문은 11. 28.(금) 조간, 방송·인터넷은 11. 27.(목) 12:00"), local time and Korea's. Each time goes
# with the day written before it (else the one after it); the internet's time is a portal's, else the latest
# one: never early.
_NOTICE_DAY = re.compile(
    r"(?<![\d.])(?:[’'‘]?(?P<year>(?:19|20)?\d\d)\s?(?:년|\.)\s?)?(?P<month>1[0-2]|0?[1-9])\s?(?:월|[./-])\s?"
    r"(?P<day>3[01]|[12]\d|0?[1-9])(?![\d:])\s?(?:일|\.)?"
    r"|(?<![\d./-])(?P<lone>3[01]|[12]\d|0?[1-9])\s?일"  # a day of the release's month
)
_NOTICE_TIME = re.compile(
    r"(?:(?P<half>오전|오후|낮|밤|저녁|새벽|[AaPp]\.?[Mm]\.?)\s?)?(?:(?<![\d.])(?P<hour>[01]?\d|2[0-4])\s?"
    r"(?:[:.]\s?(?P<minute>[0-5]\d)(?![\d.])|시(?!간)\s?(?:(?P<minutes>[0-5]?\d)\s?분|(?P<thirty>반))?)"
    r"(?:\s?(?P<suffix>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?|(?P<noon>정오)|(?P<midnight>자정))"
    r"|(?P<edition>조간|석간)"
)
#: the hour an edition's embargo ends at the latest: the morning papers are out by 06:00 of their day (online
#: may report earlier, from the day before); the evening papers are printed by the afternoon
_EDITION_HOUR = {"조간": 6, "석간": 15}
#: a clause about the internet: the time a portal goes by (not an online briefing's or handout's)
_ONLINE = re.compile(r"(?:인터넷|온라인)(?!\s?(?:브리핑|배포|생중계|중계|설명회|간담회|접수|신청))")
#: a time in another country's zone, which a notice gives beside Korea's (else it cannot be read)
_LOCAL_TIME = re.compile(
    r"현지\s?(?:시[간각]|오전|오후|\))|\(현지|(?:동부|서부|중부|태평양)\s?(?:표준)?시[간각]|\b(?:GMT|UTC|CET|EST|EDT|PST|PDT)\b"
)
_KOREAN_TIME = re.compile(r"(?:한국|우리|서울)\s?시[간각]|\bKST\b")
#: a time that is an event's (a briefing, a cabinet vote): when it ends is not written
_EVENT_TIME = re.compile(r"(?:브리핑|회의|의결|발표|행사|설명회|간담회)\s?(?:종료\s?)?(?:이후|후)")
#: a day after the release's: "내일 조간", "익일 06:00"
_NEXT_DAY = re.compile(r"내일|익일|명일|다음\s?날")
#: a day, then "까지": through that day
_THROUGH = re.compile(r"\s?(?:\([^)]{1,4}\))?\s?까지")
#: how far ahead a notice's time may be: further, it is a typo (2026 for 2025), not held for a year unsaid
NOTICE_AHEAD = timedelta(days=31)
#: a day a notice's year puts further back than this is last year's template, not the day meant
STALE_YEAR = timedelta(days=60)


def notice_embargo(notice: str, near: datetime, tz: tzinfo) -> datetime | None:
    """When the embargo notice (:func:`split_embargo_notice`) lets the release out, or None when it names no
    time that can be read: none at all, another zone's alone, an event's ("10시 브리핑 이후": when it ends is
    not said), or one more than NOTICE_AHEAD away. `near` is the release's own date: the year, or the month,
    of a day written without them, and the day of a time alone ("내일": the day after)."""
    notice = notice.replace("：", ":").replace("∶", ":").replace("時", "시")
    if (_LOCAL_TIME.search(notice) and not _KOREAN_TIME.search(notice)) or _EVENT_TIME.search(notice):
        return None
    when = _notice_time(notice, near.astimezone(tz), tz)
    return when if when is not None and when <= near + NOTICE_AHEAD else None


def _notice_time(notice: str, local: datetime, tz: tzinfo) -> datetime | None:
    marks = list(_NOTICE_DAY.finditer(notice))
    days = [_notice_day(m, local.date()) for m in marks]
    spans = [m.span() for m in marks]
    # a time inside a day ("11.27" read as 11:27) is the day's
    times = [m for m in _NOTICE_TIME.finditer(notice) if not any(s <= m.start() < e for s, e in spans)]
    if None in days or not (days or times):
        return None  # 2월 30일; or no time at all
    if not marks:
        today = local.date() + timedelta(days=1 if _NEXT_DAY.search(notice) else 0)
        online = _ONLINE.search(notice) is not None
        # an edition without its day is the next one out ("조간부터" in the afternoon: tomorrow's)
        pairs = [(_at(today + timedelta(days=_next_edition(today, m, local, tz)), m, tz), online) for m in times]
    else:
        pairs, clause_start = [], 0  # (when, said of the internet); where the day's clause begins
        for index, (mark, on) in enumerate(zip(marks, days, strict=True)):
            assert on is not None
            until = marks[index + 1].start() if index + 1 < len(marks) else len(notice)
            own = [m for m in times if mark.end() <= m.start() < until]
            if not own and index == 0:
                own = [m for m in times if m.end() <= mark.start()]  # "12:00(11월 27일)"
            clause_end = max([mark.end(), *(m.end() for m in own)])
            online = _ONLINE.search(notice, clause_start, clause_end) is not None
            through = not own and _THROUGH.match(notice, mark.end()) is not None  # "27일(목)까지 삼가": its end
            pairs += [(_at(on, m, tz), online) for m in own] or [(_at(on, None, tz, through), online)]
            clause_start = clause_end
    online_times = [when for when, is_online in pairs if is_online]
    return max(online_times or [when for when, _ in pairs])


def _notice_day(match: re.Match[str], near: date) -> date | None:
    """The day a notice names, in the year (or month) that puts it nearest `near`."""
    if match["lone"]:
        day = int(match["lone"])
        months = [(near.year + (near.month + k - 1) // 12, (near.month + k - 1) % 12 + 1) for k in (-1, 0, 1)]
        candidates = [_date_or_none(year, month, day) for year, month in months]
    else:
        month, day = int(match["month"]), int(match["day"])
        year = match["year"]
        candidates = [_date_or_none(near.year + k, month, day) for k in (-1, 0, 1)]
        if year is not None:
            written = _date_or_none(int(year) + (2000 if len(year) == 2 else 0), month, day)
            # a template's year not changed in January ("2025. 1. 5." posted 2026-01-02): the nearest year
            if written is None or written >= near - STALE_YEAR:
                candidates = [written]
    found = [d for d in candidates if d is not None]
    return min(found, key=lambda d: abs(d - near)) if found else None


def _next_edition(on: date, match: re.Match[str], local: datetime, tz: tzinfo) -> int:
    return int(match["edition"] is not None and _at(on, match, tz) <= local)


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
    hour = int(match["hour"])
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
