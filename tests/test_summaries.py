"""The trends page's written summary and chart data, on hand-made counts with known answers."""
from datetime import date

import polars as pl

from ledger.workflow.reconcile import recent_months, with_history
from ledger.summaries import (against_last_year, biggest_changes, industry_summary, sentence, top_and_other,
                              verification_gauges)


def row(name, n, n_prev, units=("东莞市", "深圳市")):
    return {"industry_name_zh": name, "industry_name_en": name, "n": n, "n_prev": n_prev,
            "top_units_zh": list(units), "top_units_en": ["Dongguan", "Shenzhen"]}


def test_the_biggest_absolute_changes_come_first_and_small_counts_are_ignored():
    rows = [row("制造业", 50, 45), row("建筑业", 48, 30), row("教育", 3, 1), row("住宿和餐饮业", 6, 12)]
    names = [c.name_zh for c in biggest_changes(rows)]
    assert names == ["建筑业", "住宿和餐饮业", "制造业"]  # +18, -6, +5; 教育 is too small to mean anything


def test_a_sentence_gives_count_change_and_places():
    text = sentence(biggest_changes([row("建筑业", 48, 30)])[0])
    assert text == "建筑业近30天 48 起，较前30天 +60%，主要集中在东莞、深圳。"
    english = sentence(biggest_changes([row("Construction", 48, 30)])[0], "en")
    assert english.startswith("Construction: 48 in the last 30 days, +60%")


def test_from_nothing_is_said_plainly_and_the_headline_adds_up():
    lines = industry_summary([row("建筑业", 6, 0), row("制造业", 10, 10)])
    assert lines[0] == "近30天共发生群体性劳资纠纷 16 起，较前30天 +60%。"
    assert lines[1].startswith("建筑业近30天 6 起，前30天为 0 起")
    assert len(lines) == 2  # 制造业 did not change


def test_no_disputes_gives_only_the_headline():
    assert industry_summary([]) == ["近30天共发生群体性劳资纠纷 0 起，前30天为 0 起。"]


def test_beyond_the_largest_industries_the_rest_are_one_bar_and_nothing_is_lost():
    counts = pl.DataFrame({"period": [date(2026, 1, 1)] * 4 + [date(2026, 2, 1)] * 3,
                           "industry": ["制造业", "建筑业", "教育", "金融业", "制造业", "教育", "金融业"],
                           "n": [9, 7, 1, 2, 8, 1, 1], "n_last_year": [5, 5, 0, 1, 6, 2, 0]})
    stacked = top_and_other(counts, "industry", 2, "其他")
    assert set(stacked["industry"]) == {"制造业", "建筑业", "其他"}  # 17 and 7 are the largest; 教育 2, 金融业 3
    assert stacked.filter(pl.col("industry") == "其他")["n"].to_list() == [3, 2]  # per month, in month order
    assert stacked["n"].sum() == counts["n"].sum()
    versus = against_last_year(counts, "今年", "去年")
    assert versus.filter(pl.col("series") == "今年")["count"].to_list() == [19, 10]
    assert versus.filter(pl.col("series") == "去年")["count"].to_list() == [11, 8]


def test_the_month_view_carries_each_units_discrepancies_and_signatures():
    view = pl.DataFrame({"unit_code": ["440300", "441900"], "open_n": [2, 0]})
    history = {"440300": {"found": 3, "resolved": 1, "signed": ["province", "unit"]}}
    shown = with_history(view, history)
    assert shown["found"].to_list() == [3, 0] and shown["resolved"].to_list() == [1, 0]
    assert shown["signed"].to_list() == ["省总工会、地市工会", "—"]
    assert recent_months(date(2026, 3, 2), 4) == ["2026-03", "2026-02", "2026-01", "2025-12"]


def test_gauges_province_wide_are_the_deltas_units_and_the_other_regions():
    rates = pl.DataFrame({"level": ["total", "unit", "unit", "region", "region"],
                          "unit_code": [None, "440300", "440500", None, None],
                          "region": [None, "prd", "east", "prd", "east"],
                          "name_zh": ["合计", "深圳市", "汕头市", None, None], "rate_pct": [90.0, 95.0, 80.0, 93.0, 80.0]})
    wide = verification_gauges(rates, province_wide=True)
    assert wide["name_zh"].to_list() == ["深圳市", "粤东"]  # Shantou is in its region's gauge, the delta's region is not
    assert verification_gauges(rates, province_wide=False)["name_zh"].to_list() == ["深圳市", "汕头市"]
