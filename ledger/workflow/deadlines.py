"""When an item must be verified (核实时限): by grade and source, from the moment it is assigned.

The union's practice: the most serious disputes within hours, the rest within working days, and
working days follow the official calendar (holidays off, adjusted weekends on: data/reference/
holidays.csv). The rules live in `[deadlines]` of sentinel.toml; the defaults are grade I within
2 hours, grade II within 12 hours, everything else within 3 working days. A source may have a
time of its own (`hours_by_source = {people = 24}`, e.g. for reports in the central media);
when both grade and source name a time, the shorter wins. A deadline that falls in working days
ends at the same time of day on the last working day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from ledger.config import load_settings
from ledger.reference import is_working_day

DEFAULT_HOURS = {"I": 2, "II": 12}
DEFAULT_WORKING_DAYS = 3


@dataclass(frozen=True)
class DeadlineRules:
    hours_by_grade: dict[str, int]
    working_days: int = DEFAULT_WORKING_DAYS
    hours_by_source: dict[str, int] = field(default_factory=dict)

    def due_at(self, assigned_at: datetime, grade: str | None, source: str | None = None) -> datetime:
        hours = [h for h in (self.hours_by_grade.get(grade or ""), self.hours_by_source.get(source or "")) if h is not None]
        if hours:
            return assigned_at + timedelta(hours=min(hours))
        return add_working_days(assigned_at, self.working_days)


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` working days (a start on a day off counts from the next
    working day's beginning)."""
    moment = start
    if not is_working_day(moment.date()):
        moment = datetime.combine(moment.date(), datetime.min.time())
        while not is_working_day(moment.date()):
            moment += timedelta(days=1)
    counted = 0
    while counted < days:
        moment += timedelta(days=1)
        if is_working_day(moment.date()):
            counted += 1
    return moment


def rules_from(config: dict) -> DeadlineRules:
    """The `[deadlines]` table of sentinel.toml: `hours = {I = 2, II = 12}`, `working_days = 3`,
    `hours_by_source = {people = 24}`."""
    return DeadlineRules(hours_by_grade={**DEFAULT_HOURS, **{k: int(v) for k, v in config.get("hours", {}).items()}},
                         working_days=int(config.get("working_days", DEFAULT_WORKING_DAYS)),
                         hours_by_source={k: int(v) for k, v in config.get("hours_by_source", {}).items()})


@lru_cache(maxsize=1)
def configured_rules() -> DeadlineRules:
    """The rules in sentinel.toml, read once per process (a changed file needs a restart)."""
    return rules_from(load_settings().deadline_config)
