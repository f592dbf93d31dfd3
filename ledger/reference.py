"""Reference tables other than places: industries (GB/T 4754-2017), dispute grades and their
participant thresholds, Spring Festival dates and the official holiday calendar.

Grade thresholds are defaults; `sentinel.toml` may override them ([grades] I = 1000 …), because
each province grades collective disputes by its own rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ledger.config import load_settings, read_reference_csv as _read


@dataclass(frozen=True)
class Industry:
    code: str
    level: str  # "section" or "division"
    section: str
    name_zh: str
    name_en: str

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@lru_cache(maxsize=1)
def industries() -> tuple[Industry, ...]:
    return tuple(Industry(r["code"], r["level"], r["section"], r["name_zh"], r["name_en"])
                 for r in _read("industries.csv"))


def industry_by_code() -> dict[str, Industry]:
    return {i.code: i for i in industries()}


def sections() -> tuple[Industry, ...]:
    return tuple(i for i in industries() if i.level == "section")


@dataclass(frozen=True)
class Grade:
    grade: str
    label_zh: str
    label_en: str
    min_participants: int
    severity_rank: int  # 1 is the most serious


@lru_cache(maxsize=1)
def grades() -> tuple[Grade, ...]:
    """Grades from the most serious down, with thresholds overridden by configuration."""
    overrides = load_settings().grade_thresholds
    rows = [Grade(r["grade"], r["label_zh"], r["label_en"],
                  overrides.get(r["grade"], int(r["min_participants"])), int(r["severity_rank"]))
            for r in _read("grades.csv")]
    return tuple(sorted(rows, key=lambda g: g.severity_rank))


def grade_for(participants: int | None) -> str | None:
    """The grade a dispute of this many participants gets, or None below the lowest threshold."""
    if participants is None:
        return None
    for g in grades():
        if participants >= g.min_participants:
            return g.grade
    return None


@lru_cache(maxsize=1)
def spring_festivals() -> dict[int, date]:
    return {int(r["year"]): date.fromisoformat(r["date"]) for r in _read("spring_festival.csv")}


@lru_cache(maxsize=1)
def calendar_days() -> dict[date, str]:
    """Official holidays ("holiday") and adjusted working weekends ("workday") from holidays.csv."""
    return {date.fromisoformat(r["date"]): r["kind"] for r in _read("holidays.csv")}


def is_working_day(day: date) -> bool:
    """A working day in mainland China: Monday to Friday unless a holiday, and the weekends that
    the State Council's notice makes working days (调休)."""
    kind = calendar_days().get(day)
    if kind is not None:
        return kind == "workday"
    return day.weekday() < 5
