"""Calendar periods: a day, an ISO week (Monday to Sunday), a month, a quarter or a year, with the
period before and after and a label in the words of a Chinese report. The briefs (day, week,
month) and the assessment (month, quarter, year) share this one class, so that "the period
before" and "2026年11月" mean the same in both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ledger.i18n import Both, t

KINDS = ("day", "week", "month", "quarter", "year")
# The briefs' names for their periods (日报、周报、月报), here so the CLI can offer them without
# loading the briefs.
BRIEF_KINDS = {"daily": "day", "weekly": "week", "monthly": "month"}
_MONTHS_LONG = {"month": 1, "quarter": 3, "year": 12}
QUARTERS = "一二三四"


class PeriodError(ValueError):
    """A period written in a way this module does not read."""


@dataclass(frozen=True)
class Period:
    kind: str  # one of KINDS
    first: date  # the period's first day; `last` is its last (both inclusive)

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        if kind == "day":
            return cls(kind, day)
        if kind == "week":
            return cls(kind, day - timedelta(days=day.weekday()))
        if kind in _MONTHS_LONG:
            month = 1 + (day.month - 1) // _MONTHS_LONG[kind] * _MONTHS_LONG[kind]
            return cls(kind, date(day.year, month, 1))
        raise PeriodError(f"unknown kind of period {kind!r}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """2026-11-25 (day), 2026-W48 (ISO week), 2026-11 (month), 2026-Q3 (quarter) or 2026 (year)."""
        text = str(text).strip()
        try:
            if match := re.fullmatch(r"(\d{4})", text):
                return cls("year", date(int(match[1]), 1, 1))
            if match := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
                return cls("quarter", date(int(match[1]), 3 * int(match[2]) - 2, 1))
            if match := re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text):
                return cls("week", date.fromisocalendar(int(match[1]), int(match[2]), 1))
            if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
                return cls("month", date(int(match[1]), int(match[2]), 1))
            if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
                return cls("day", date.fromisoformat("-".join(part.zfill(2) for part in text.split("-"))))
        except ValueError:
            pass  # month 13, week 54, 31 February: said below like any other bad text
        raise PeriodError(f"cannot read a period from {text!r}")

    def __str__(self) -> str:
        year, week, _ = self.first.isocalendar()
        return {"day": self.first.isoformat(), "week": f"{year}-W{week:02d}", "month": f"{self.first:%Y-%m}",
                "quarter": f"{self.first.year}-Q{self.quarter}", "year": f"{self.first.year}"}[self.kind]

    @property
    def quarter(self) -> int:
        return (self.first.month - 1) // 3 + 1

    @property
    def last(self) -> date:
        return self.next().first - timedelta(days=1)

    def next(self) -> Period:
        if self.kind in ("day", "week"):
            return Period(self.kind, self.first + timedelta(days=1 if self.kind == "day" else 7))
        index = self.first.year * 12 + self.first.month - 1 + _MONTHS_LONG[self.kind]
        return Period(self.kind, date(index // 12, index % 12 + 1, 1))

    def previous(self) -> Period:
        return Period.containing(self.kind, self.first - timedelta(days=1))

    def months(self) -> list[str]:
        """The months the period touches, as YYYY-MM (the key of the reconciliation log)."""
        months, day = [], self.first
        while day <= self.last:
            months.append(f"{day:%Y-%m}")
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        return months

    def label(self, lang: str = "zh") -> str:
        """2026年11月25日, 2026年第48周（11月23日至11月29日）, 2026年11月, 2026年第三季度, 2026年度."""
        iso_year, week, _ = self.first.isocalendar()  # a week is named by its ISO year
        return t(f"period.{self.kind}", lang, first=self.first, last=self.last, week=week,
                 year=iso_year if self.kind == "week" else self.first.year,
                 quarter=Both(QUARTERS[self.quarter - 1], str(self.quarter)))


def under_way(kind: str, as_of: datetime) -> tuple[Period, int] | None:
    """The period of `kind` that `as_of` falls inside before its end, with the days of it seen so
    far (2 on 2 December for a month); None when `as_of` is the very end of a period. A chart
    marks that period, so that a month two days old is not read as a fall."""
    day = (as_of - timedelta(microseconds=1)).date()  # midnight closes the day before
    period = Period.containing(kind, day)
    if as_of >= datetime.combine(period.last + timedelta(days=1), datetime.min.time()):
        return None
    return period, (day - period.first).days + 1


def recent(kind: str, today: date, n: int) -> list[Period]:
    """The `n` periods of `kind` up to the one containing `today`, newest first."""
    periods = [Period.containing(kind, today)]
    while len(periods) < n:
        periods.append(periods[-1].previous())
    return periods
