"""Calendar periods (ledger.periods), shared by the briefs and the assessment: their days, the
period before, the months they touch, how they are written and labelled."""
from __future__ import annotations

import json
from datetime import date

import pytest

from ledger.periods import Period, PeriodError, recent


@pytest.mark.parametrize("text, kind, first, last, previous, months", [
    ("2026-11-25", "day", date(2026, 11, 25), date(2026, 11, 25), "2026-11-24", ["2026-11"]),
    ("2026-3-1", "day", date(2026, 3, 1), date(2026, 3, 1), "2026-02-28", ["2026-03"]),
    ("2026-W48", "week", date(2026, 11, 23), date(2026, 11, 29), "2026-W47", ["2026-11"]),
    ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 3), "2026-W52", ["2026-12", "2027-01"]),
    ("2026-11", "month", date(2026, 11, 1), date(2026, 11, 30), "2026-10", ["2026-11"]),
    ("2026-01", "month", date(2026, 1, 1), date(2026, 1, 31), "2025-12", ["2026-01"]),
    ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-01", ["2024-02"]),
    ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30), "2026-Q2", ["2026-07", "2026-08", "2026-09"]),
    ("2026q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4", ["2026-01", "2026-02", "2026-03"]),
    ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2025", [f"2026-{m:02d}" for m in range(1, 13)]),
])
def test_periods_parse_with_their_days_months_and_previous_period(text, kind, first, last, previous, months):
    period = Period.parse(text)
    assert (period.kind, period.first, period.last, str(period.previous()), period.months()) == \
           (kind, first, last, previous, months)
    assert Period.parse(str(period)) == period and period.next().previous() == period


@pytest.mark.parametrize("kind, day, first, last", [
    ("day", date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 1)),
    ("week", date(2026, 11, 25), date(2026, 11, 23), date(2026, 11, 29)),
    ("week", date(2027, 1, 3), date(2026, 12, 28), date(2027, 1, 3)),  # the ISO week spans the new year
    ("month", date(2026, 3, 31), date(2026, 3, 1), date(2026, 3, 31)),
    ("quarter", date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
    ("year", date(2027, 1, 15), date(2027, 1, 1), date(2027, 12, 31)),
])
def test_the_period_containing_a_day(kind, day, first, last):
    period = Period.containing(kind, day)
    assert (period.first, period.last) == (first, last)


def test_labels_in_chinese_and_english():
    labels = {text: (Period.parse(text).label(), Period.parse(text).label("en"))
              for text in ("2026-11-25", "2026-W48", "2026-11", "2026-Q3", "2026")}
    assert labels == {"2026-11-25": ("2026年11月25日", "25 November 2026"),
                      "2026-W48": ("2026年第48周（11月23日至11月29日）", "Week 48 of 2026 (23 Nov – 29 Nov)"),
                      "2026-11": ("2026年11月", "November 2026"),
                      "2026-Q3": ("2026年第三季度", "Q3 2026"), "2026": ("2026年度", "2026")}


def test_bad_periods_and_the_recent_ones():
    for bad in ("2026-13", "2026-Q5", "2026-W54", "2026-02-30", "26-1", "2026/11", ""):
        with pytest.raises(PeriodError):
            Period.parse(bad)
    with pytest.raises(PeriodError):
        Period.containing("fortnight", date(2026, 1, 1))
    assert [str(p) for p in recent("month", date(2026, 1, 15), 3)] == ["2026-01", "2025-12", "2025-11"]
    assert [str(p) for p in recent("week", date(2026, 1, 1), 2)] == ["2026-W01", "2025-W52"]


def test_the_period_under_way_is_the_one_a_chart_marks():
    from datetime import datetime

    from ledger.periods import under_way

    assert under_way("month", datetime(2026, 12, 2, 15, 0)) == (Period("month", date(2026, 12, 1)), 2)
    assert under_way("month", datetime(2026, 12, 1, 0, 0)) is None  # midnight: November is whole
    assert under_way("month", datetime(2026, 11, 30, 23, 59)) == (Period("month", date(2026, 11, 1)), 30)
    assert under_way("week", datetime(2026, 12, 2, 9, 0)) == (Period("week", date(2026, 11, 30)), 3)
    assert under_way("week", datetime(2026, 12, 7, 0, 0)) is None


def test_trends_and_verification_charts_shade_the_month_under_way(sentinel_env):
    from streamlit.testing.v1 import AppTest

    from ledger.config import REPO_ROOT

    for page, marked in (("app_pages/trends.py", 2), ("app_pages/verification.py", 1)):
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
        at.query_params["since"], at.query_params["until"] = "2025-12-01", "2026-03-10"  # a window ending in March
        at.run()
        at.switch_page(page).run()
        assert not at.exception, at.exception
        figures = [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]
        shaded = [f for f in figures if f.get("shapes")]
        assert len(shaded) == marked, page  # the month bars and the line against last year; the monthly rate
        for layout in shaded:
            (shape,) = layout["shapes"]
            assert shape["x0"] < "2026-03-01" < shape["x1"], (page, shape)
            assert "截至今日（10 天）" in [a["text"] for a in layout["annotations"]]
