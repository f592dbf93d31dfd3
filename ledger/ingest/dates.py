"""Dates and times in every form Chinese offices write them, to naive Asia/Shanghai time.

Seen in real exports: `2024-03-05`, `2024/3/5 14:03`, `2024.3.5`, `2024年3月5日 14时03分`,
`20240305`, `3月5日` (the year is understood from the sheet: a title such as "2024年3月台账" or
the other dates in it), Excel serial day numbers (45356) when a date column was formatted as a
number, Unix timestamps from platform JSON, and ISO 8601 with an offset (`2024-03-05T06:03:00Z`),
which is converted to Beijing time. Anything else raises DateError with the text that failed.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))
EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year)
EXCEL_SERIALS = (20_000, 80_000)  # 1954 to 2119: a number in a date column here is a day number
UNIX_SECONDS = (1e9, 4e9)

_FULL = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})\s*(?:[:分]\s*(?P<S>\d{1,2})(?P<f>\.\d+)?\s*秒?)?分?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$")
_NO_YEAR = re.compile(
    r"^(?P<m>\d{1,2})\s*[月/-]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?\s*分?)?$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_ENGLISH = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")


class DateError(ValueError):
    """A value that is not a date or time we can read."""


def _from_offset(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI).replace(tzinfo=None) if moment.tzinfo else moment


def _from_number(number: float) -> datetime:
    if EXCEL_SERIALS[0] <= number <= EXCEL_SERIALS[1]:
        return EXCEL_EPOCH + timedelta(days=number)
    if UNIX_SECONDS[0] <= number <= UNIX_SECONDS[1]:
        return datetime.fromtimestamp(number, SHANGHAI).replace(tzinfo=None)
    if UNIX_SECONDS[0] * 1000 <= number <= UNIX_SECONDS[1] * 1000:
        return datetime.fromtimestamp(number / 1000, SHANGHAI).replace(tzinfo=None)
    raise DateError(str(number))


def _build(parts: dict, year: int) -> datetime:
    fraction = parts.get("f")
    moment = datetime(year, int(parts["m"]), int(parts["d"]), int(parts["H"] or 0), int(parts["M"] or 0),
                      int(parts["S"] or 0), round(float(fraction) * 1_000_000) if fraction else 0)
    tz = parts.get("tz")
    if tz:
        offset = timezone.utc if tz == "Z" else timezone(
            (1 if tz[0] == "+" else -1) * timedelta(hours=int(tz[1:3]), minutes=int(tz[-2:])))
        moment = _from_offset(moment.replace(tzinfo=offset))
    return moment


def parse_datetime(value, year_hint: int | None = None) -> datetime | None:
    """`value` as naive Asia/Shanghai time; None when blank; DateError when unreadable.

    `year_hint` completes a date written without its year ("3月5日").
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise DateError(str(value))
    if isinstance(value, datetime):
        return _from_offset(value)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)):
        return _from_number(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().lstrip("'")
    if not text:
        return None
    try:
        if match := _FULL.match(text):
            return _build(match.groupdict(), int(match["y"]))
        if match := _COMPACT.match(text):
            return datetime(int(match["y"]), int(match["m"]), int(match["d"]))
        if match := _NO_YEAR.match(text):
            if year_hint is None:
                raise DateError(text)
            return _build(match.groupdict(), year_hint)
        if re.fullmatch(r"\d+(\.\d+)?", text):
            return _from_number(float(text))
        for pattern in _ENGLISH:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        return _from_offset(datetime.fromisoformat(text))
    except (ValueError, OverflowError, OSError):
        raise DateError(text) from None


def has_year(value) -> bool:
    """Whether a date value states its own year (so it can lend the year to "3月5日")."""
    if value is None:
        return False
    if isinstance(value, (datetime, date, int, float)):
        return True
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return not _NO_YEAR.match(text)


def year_from_title(text: str) -> int | None:
    """The year a title above the table states ("2024年3月舆情台账"), if any."""
    match = re.search(r"(20\d{2})\s*年", unicodedata.normalize("NFKC", text or ""))
    return int(match.group(1)) if match else None
