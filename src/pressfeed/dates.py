"""Dates as agencies and CMSs write them, read into aware datetimes (naive: the site's zone)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

# -- dates --------------------------------------------------------------------

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
#: as implausible as 1970: a typo ("2205-11-08"), which would hold an article back for centuries, or make a
#: feed's newest date one no reader believes
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_DOTTED = re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})\.?(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?$")
#: a fraction after the hour ("15.20", a dotted time), which Python's fromisoformat reads as one of a second (one
#: after the minute, "15:20.5", it reads as 15:20 and a fraction of a second: the minute right, the stored time too)
_FRACTION_NOT_OF_SECONDS = re.compile(r"[T ]\d{1,2}[.,]\d")
#: a 12-hour clock's marker where RFC 822 has none: email.utils reads past it, twelve hours early
_HALF_DAY = re.compile(r"\b(AM|PM)\b|(오전|오후)", re.IGNORECASE)


def parse_datetime(value: Any, tz: tzinfo) -> datetime:
    """Timezone-aware UTC datetime from what exports and agencies write.

    Accepts datetimes and dates (from YAML), ISO 8601, "2025.11.08 09:00",
    "2025-11-08 09:00:00", RFC 822, and Korean systems' own forms
    (:data:`_LOCAL_FORM`): a 12-hour clock ("2025-11-08 오후 3:00:00",
    "2025. 11. 8. 오전 9:00:00"), Korean units ("2025년 11월 8일 15시 20분"),
    an hour alone ("2025.11.08 15시"), a weekday before the time
    ("2025-11-08 (토) 15:00", "2025년 11월 8일 토요일 오후 3시"), runs of
    digits ("20251108150000"), zone names after the time ("… 15:00:00.0 KST"),
    and month/day/year ("11/08/2025 3:00:00 PM", never day first). Naive
    values are in `tz` (the site's zone, Asia/Seoul for Korean agencies).
    Raises ValueError naming the text for an impossible or unreadable date.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        parsed = _parse_date_string(value.strip())
    else:
        raise ValueError(f"not a date: {value!r}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=tz)
    # the bounds are the years as written ("2100-01-01" in Seoul is still 2099 in UTC)
    if parsed.year < EARLIEST.year:
        raise ValueError(f"implausible date {_as_written(value)!r} (before 1990)")
    if parsed.year >= LATEST.year:
        raise ValueError(f"implausible date {_as_written(value)!r} (after 2099)")
    result = parsed.astimezone(UTC)
    return result.replace(microsecond=0) if result.microsecond else result


def _as_written(value: Any) -> Any:
    """A date as an editor wrote it, for a message: YAML hands over `1989-12-31` as a date object, whose repr
    ("datetime.date(1989, 12, 31)") the editor never wrote."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, date) else value


def _parse_date_string(text: str) -> datetime:
    hour_fraction = _FRACTION_NOT_OF_SECONDS.search(text) is not None
    if not hour_fraction:
        try:
            # ISO 8601, what exports mostly write, read in C at a fifteenth of the cost of the rules below.
            # Where _DOTTED matches too (YYYY-MM-DD[ T]HH:MM[:SS]) both read the same naive time, and the
            # rules below also end in fromisoformat (a "Z" read as +00:00, as here): the same answers.
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    match = _DOTTED.match(text)
    if match:
        y, mo, d, h, mi, s = map(int, match.groups("0"))
        try:
            return datetime(y, mo, d, h, mi, s)
        except ValueError as exc:
            raise ValueError(f"invalid date {text!r}: {exc}") from None
    try:
        if hour_fraction:
            raise ValueError("a fraction of an hour")
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        iso_error = exc
    loose = local_form_date(text)
    if loose is not None:
        return loose
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):  # ISO-shaped but impossible, e.g. month 13
        raise ValueError(f"invalid date {text!r}: {iso_error}")
    try:
        return rfc822_date(text)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year of 20 digits overflows datetime()
        raise ValueError(f"unrecognized date {text!r} (use ISO 8601, e.g. 2025-11-08 09:00:00)") from None


def rfc822_date(text: str) -> datetime:
    """RFC 822/5322; its "-0000" is UTC (the sender's own zone unknown), not a naive local time."""
    from email.utils import parsedate_to_datetime  # here: email and socket cost every start ~8 ms

    text = _in_english(text)
    half = _HALF_DAY.search(text)
    if half is not None:
        text = text[: half.start()] + text[half.end() :]
    # "+09" alone is read as nine minutes: an hour offset gets its minutes
    parsed = parsedate_to_datetime(_HOUR_OFFSET.sub(r"\g<0>00", text))
    if parsed.tzinfo is None and text.rstrip().endswith("-0000"):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed if half is None else _on_a_12_hour_clock(parsed, half.group(0).upper() in ("PM", "오후"))


#: RFC 822 as a JVM under a Korean locale writes it ("금, 07 11월 2025 15:00:00 +0900"): its weekday, its month
_KOREAN_WEEKDAY = re.compile(r"^\s*[월화수목금토일](?:요일)?\s*,?\s*")
_KOREAN_MONTH = re.compile(r"(?<=\s)(1[0-2]|0?[1-9])월(?=\s)")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _in_english(text: str) -> str:
    """An RFC 822 date a Korean locale wrote, its weekday dropped and its month named as RFC 822 names it."""
    if "월" not in text:
        return text
    text = _KOREAN_WEEKDAY.sub("", text)
    return _KOREAN_MONTH.sub(lambda month: _MONTHS[int(month.group(1)) - 1], text)


def _on_a_12_hour_clock(parsed: datetime, afternoon: bool) -> datetime:
    """The time read from a 12-hour clock: 12 a.m. is midnight, 3 p.m. is 15:00; no hour past 12 is one."""
    if not 1 <= parsed.hour <= 12:
        raise ValueError(f"hour {parsed.hour} on a 12-hour clock")
    return parsed.replace(hour=parsed.hour % 12 + (12 if afternoon else 0))


#: what Korean systems write besides ISO 8601 and RFC 822: "2025-11-08 오후 3:00:00" (.NET and Java in ko-KR),
#: "2025. 11. 8. 오전 9:00:00" (JavaScript's ko-KR), "2025년 11월 8일 (토) 15시 20분", an hour alone
#: ("2025.11.08 15시", a briefing's hour), a weekday as boards write it ("(토)", "토", "토요일"), fractions and
#: zone names after the time ("2025-11-08 09:00:00.0 KST", "... GMT+09:00"); and 12 or 14 digits,
#: "20251108150000". The weekday is read past, not checked against the date (as "(토)" always was).
_LOCAL_FORM = re.compile(
    r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?\s*(?:\(\D{1,3}\)|[월화수목금토일](?:요일)?)?"
    r"(?:(?:(?<=[.일)])\s*|\s+|\s*T\s*)(오전|오후|AM|PM)?\s*(\d{1,2})\s*"
    r"(?:[:시]\s*(\d{1,2})(?:[.,]\d{1,9}(?!\d))?\s*분?(?:(?:\s*:\s*|\s+|(?<=분))(\d{1,2})(?:[.,]\d{1,9})?\s*초?)?|시)"
    r"\s*(오전|오후|AM|PM)?)?"
    r"\s*\(?(Z|UTC|GMT|KST|(?:GMT|UTC)?\s*[+-]\d{1,2}(?::?\d{2})?)?\)?"
    r"|(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?",
    re.IGNORECASE,
)
#: month/day/year, as the data.go.kr press-release API and .NET in en-US write dates ("11/08/2025 3:00:00 PM"):
#: read as year first, its time by _LOCAL_FORM. Korean systems never write the day first, so it is not guessed at.
_MONTH_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_ZONE_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?$")
_HOUR_OFFSET = re.compile(r"(?<=\d [+-])\d\d$")


#: longer than this (whitespace collapsed), a text is no date of these forms
LONGEST_LOCAL_FORM = 64


def local_form_date(text: str) -> datetime | None:
    """A date in one of :data:`_LOCAL_FORM`'s forms, or month first (:data:`_MONTH_FIRST`); None when the
    text is none of them, ValueError when it is one but names no real date or time.

    Runs of whitespace are collapsed first and long texts refused: the pattern's optional spaces sit side by
    side, and a feed's date of 400 spaces cost it 40 seconds of backtracking.
    """
    text = " ".join(text.split())
    if len(text) > LONGEST_LOCAL_FORM:
        return None
    match = _LOCAL_FORM.fullmatch(_year_first(text))
    if match is None:
        return None
    g = match.groups()
    if g[9] is not None:  # the run of digits
        y, mo, d, h, mi = (int(v) for v in g[9:14])
        s, before, after, zone = int(g[14] or 0), None, None, None
    else:
        y, mo, d, h, mi, s = (int(v or 0) for v in (g[0], g[1], g[2], g[4], g[5], g[6]))
        before, after, zone = g[3], g[7], g[8]
    half = (before or after or "").upper()
    if (half and not 0 < h <= 12) or (before and after):
        raise ValueError(f"invalid date {text!r}: hour {h} with {half}")
    if half in ("오후", "PM") and h < 12:
        h += 12
    elif half in ("오전", "AM") and h == 12:
        h = 0
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=_zone(zone))
    except ValueError as exc:
        raise ValueError(f"invalid date {text!r}: {exc}") from None


def _year_first(text: str) -> str:
    """A month-first date written year first ("11/08/2025 15:00" as "2025-11-08 15:00"); other texts as they
    are. A first number that is no month is an error that says how the date is read, not a day swapped in."""
    month_first = _MONTH_FIRST.match(text)
    if month_first is None:
        return text
    month, day, year = month_first.groups()
    if not 1 <= int(month) <= 12:
        raise ValueError(f"invalid date {text!r}: {month} is no month (slashed dates are month/day/year)")
    return f"{year}-{month}-{day}{text[month_first.end() :]}"


def _zone(name: str | None) -> tzinfo | None:
    return None if name is None else named_zone(name)


def named_zone(name: str) -> tzinfo:
    """The zone a date writes after its time: Z, UT(C), GMT, KST, JST, or an offset ("+0900", "GMT+09:00");
    ValueError for an offset of a day or more."""
    upper = name.upper()
    if upper in ("Z", "UT", "UTC", "GMT"):
        return UTC
    if upper in ("KST", "JST"):
        return timezone(timedelta(hours=9))
    offset = _ZONE_OFFSET.search(name.replace(" ", ""))
    assert offset is not None  # the pattern allows no other zone
    sign, hours, minutes = offset.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta >= timedelta(hours=24):
        raise ValueError(f"invalid time zone {name!r}")
    return timezone(-delta if sign == "-" else delta)
