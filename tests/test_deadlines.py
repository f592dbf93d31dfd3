"""Verification deadlines by grade and the official working-day calendar, on dates whose answer
is known from the State Council's holiday notices (data/reference/holidays.csv)."""
from datetime import datetime

from ledger.workflow.deadlines import DEFAULT_WORKING_DAYS, add_working_days, rules_from
from ledger.reference import is_working_day


def test_holidays_and_adjusted_weekends():
    assert not is_working_day(datetime(2026, 2, 17).date())  # 春节
    assert not is_working_day(datetime(2026, 10, 1).date())  # 国庆
    assert is_working_day(datetime(2026, 11, 25).date())  # an ordinary Wednesday
    assert not is_working_day(datetime(2026, 11, 28).date())  # an ordinary Saturday
    workdays = [d for d in (datetime(2026, 2, 14).date(), datetime(2026, 2, 28).date()) if is_working_day(d)]
    assert workdays  # the Spring Festival's adjusted Saturdays are working days


def test_serious_grades_are_due_in_hours_the_rest_in_working_days():
    rules = rules_from({})
    assigned = datetime(2026, 11, 25, 9, 30)  # Wednesday
    assert rules.due_at(assigned, "I") == datetime(2026, 11, 25, 11, 30)
    assert rules.due_at(assigned, "II") == datetime(2026, 11, 25, 21, 30)
    assert rules.due_at(assigned, "III") == datetime(2026, 11, 30, 9, 30) == rules.due_at(assigned, None)
    assert DEFAULT_WORKING_DAYS == 3


def test_working_days_skip_the_national_holiday_and_count_from_the_next_working_day():
    # 1–7 October off; the 8th and 9th count, and Saturday the 10th is an adjusted working day
    assert add_working_days(datetime(2026, 9, 30, 15, 0), 3) == datetime(2026, 10, 10, 15, 0)
    assert add_working_days(datetime(2026, 11, 28, 20, 0), 1) == datetime(2026, 12, 1, 0, 0)  # from a Saturday


def test_configured_rules_override_the_defaults():
    rules = rules_from({"hours": {"III": 24}, "working_days": 5})
    assigned = datetime(2026, 11, 25, 9, 30)
    assert rules.due_at(assigned, "III") == datetime(2026, 11, 26, 9, 30)
    assert rules.due_at(assigned, "IV") == datetime(2026, 12, 2, 9, 30)


def test_a_source_with_its_own_time_shortens_the_deadline_but_never_lengthens_it():
    rules = rules_from({"hours_by_source": {"people": 24}})
    assigned = datetime(2026, 11, 25, 9, 30)
    assert rules.due_at(assigned, "IV", "people") == datetime(2026, 11, 26, 9, 30)  # not 3 working days
    assert rules.due_at(assigned, "I", "people") == datetime(2026, 11, 25, 11, 30)  # grade I's 2 hours win
    assert rules.due_at(assigned, "IV", "wechat") == datetime(2026, 11, 30, 9, 30)
