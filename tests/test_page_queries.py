"""The monitoring pages' queries against the real demo snapshot, each checked against an
independent Polars computation on the snapshot's Parquet or against another query's totals."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from ledger import geo
from ledger.ingest.places import NO_PLACE_ZH
from ledger.reference import spring_festivals
from queries import ALL, Door, Filters, Scope
from queries.slices import SliceFilters

c = pl.col


@pytest.fixture(scope="module")
def door(demo_settings):
    return Door(demo_settings)


@pytest.fixture(scope="module")
def items(door):
    return pl.read_parquet(door.snapshot().table("items"))


def params(now: datetime, days: int = 183, **more) -> dict:
    return {**Filters.last_days(days, now.date()).params(), "now": now, **more}


def as_of(now: datetime, until: date) -> datetime:
    return min(now, datetime.combine(until + timedelta(days=1), datetime.min.time()))


def slice_params(now: datetime, filters: SliceFilters = SliceFilters(), days: int = 183, **more) -> dict:
    return {**params(now, days), **filters.params(), "sort": "captured_at", "descending": True,
            "limit": None, "offset": 0, **more}


def test_active_disputes_are_open_collective_and_placed(door, items, now):
    p = params(now)
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **p)
    places = door.q("active_disputes_by_place", ALL, **p)
    t = as_of(now, p["until"])
    start = datetime.combine(p["since"], datetime.min.time())
    expected = items.filter(c("is_collective") & (c("captured_at") <= t)
                            & (c("closed_at").is_null() | (c("closed_at") > t))
                            & ((c("captured_at") >= start) | (c("occurred_on") >= p["since"])
                               | ((c("updated_at") >= start) & (c("updated_at") <= t))))
    assert points.height == expected.height > 0
    assert set(points["item_id"]) == set(expected["item_id"])
    # every dispute with a place has a position; only those with none yet (属地待定) have none
    placed = points.filter(c("place_precision") != "unknown")
    assert placed["lon"].null_count() == 0 and placed["lat"].null_count() == 0
    assert points.filter(place_precision="unknown")["lon"].null_count() == points.height - placed.height
    unplaced = places.filter(level="unplaced")["active_n"].sum()
    assert places.filter(level="unit")["active_n"].sum() + unplaced == points.height
    assert unplaced == expected.filter(c("unit_code").is_null()).height
    by_unit = dict(places.filter(level="unit").select("place_code", "active_n").iter_rows())
    assert len(by_unit) == 22 and by_unit["440300"] == points.filter(unit_code="440300").height
    ranks = points["severity_rank"].to_list()
    assert ranks == sorted(ranks)  # most serious first, so a cap keeps those


def test_map_points_are_capped_by_the_limit(door, now):
    assert door.q("active_disputes_on_map", ALL, limit=7, **params(now)).height == 7


def test_map_places_follow_the_precision_the_ledger_records(door, items, now):
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **params(now))
    recorded = dict(items.select("item_id", "place_precision").iter_rows())
    shown = dict(points.select("item_id", "place_precision").iter_rows())
    assert {"point", "city"} <= set(shown.values())  # the demo knows some places only to the city
    # an item is never placed more precisely than the ledger knows it (county and town alike)
    rank = {"point": 0, "town": 1, "county": 1, "city": 2, "unknown": 3}
    assert all(rank[shown[i]] >= rank[recorded[i]] for i in shown)


def test_verification_rates_add_up_and_match_the_ledger(door, items, now):
    p = params(now)
    rates = door.q("verification_rate_by_unit", ALL, **p)
    assert rates["level"][0] == "total"
    total = rates.filter(level="total").row(0, named=True)
    units = rates.filter(level="unit")
    regions = rates.filter(level="region")
    assert units["unit_code"].to_list() == [u.code for u in geo.units()]  # all 22, the delta's ten first
    assert regions["region"].to_list() == list(geo.REGIONS) and regions["unit_code"].null_count() == 4
    for key in ("due_n", "on_time_n", "late_n", "time_unknown_n", "overdue_n"):
        assert units[key].sum() == total[key] == regions[key].sum(), key
    for code in geo.REGIONS:
        in_region = units.filter(region=code)
        assert regions.filter(region=code)["due_n"][0] == in_region["due_n"].sum()
    # 属地待定 has no unit: only the total counts it, among the items received and still pending
    waiting = items.filter(c("unit_code").is_null() & c("captured_at").is_between(
        datetime.combine(p["since"], datetime.min.time()), as_of(now, p["until"])))
    assert total["place_unknown_n"] == waiting.height > 0
    assert total["received_n"] == units["received_n"].sum() + waiting.height
    assert total["pending_n"] == units["pending_n"].sum() + waiting.height
    # hours to verify: each unit's own median, from its items due in the window and verified by t
    t = as_of(now, p["until"])
    start = datetime.combine(p["since"], datetime.min.time())
    verified = items.filter(c("verify_due_at").is_between(start, t) & (c("verified_at") <= t)
                            & c("unit_code").is_not_null())
    medians = verified.group_by("unit_code").agg(
        ((c("verified_at").dt.truncate("1m") - c("captured_at").dt.truncate("1m")).dt.total_minutes() / 60)
        .median().round(1).alias("expected"))  # date_diff counts the minute boundaries crossed
    shown = units.join(medians, on="unit_code").filter(c("median_hours").is_not_null())
    assert shown.height > 15 and (shown["median_hours"] - shown["expected"]).abs().max() < 0.1 + 1e-9  # ties round apart
    assert rates.filter(c("level") != "unit")["median_hours"].null_count() == 1 + regions.height  # do not add up
    assert total["due_n"] == total["on_time_n"] + total["late_n"] + total["time_unknown_n"] + total["overdue_n"]
    t = as_of(now, p["until"])
    start = datetime.combine(p["since"], datetime.min.time())
    due = items.filter(c("verify_due_at").is_between(start, t))
    on_time = due.filter(c("verified_at") <= c("verify_due_at")).height
    no_time = due.filter(c("verified_at").is_null() & c("verification_result").is_not_null()).height
    assert total["due_n"] == due.height > 0 and total["time_unknown_n"] == no_time
    assert total["rate_pct"] == pytest.approx(round(100 * on_time / (due.height - no_time), 1))
    overdue = door.q("overdue_items", ALL, limit=100_000, **p)
    assert overdue.height == total["overdue_n"] == overdue["total_n"][0]
    assert (overdue["days_overdue"] > 0).all()
    days = overdue["days_overdue"].to_list()
    assert days == sorted(days, reverse=True)
    capped = door.q("overdue_items", ALL, limit=5, **p)
    assert capped["item_id"].to_list() == overdue["item_id"][:5].to_list() and capped["total_n"][0] == overdue.height


def test_verification_rates_respect_the_scope(door, now):
    rates = door.q("verification_rate_by_unit", Scope.only("440400"), **params(now))
    assert rates.select("level", "unit_code", "region").rows() == [("total", None, None), ("unit", "440400", "prd"),
                                                                   ("region", None, "prd")]
    assert rates["place_unknown_n"][0] == 0  # an item without a unit is in no unit's scope
    overdue = door.q("overdue_items", Scope.only("440400"), limit=1000, **params(now))
    assert set(overdue["unit_code"]) <= {"440400"}


def test_monthly_rates_cover_the_due_items(door, now):
    p = params(now)
    monthly = door.q("verification_rate_by_month", ALL, **p)
    total = door.q("verification_rate_by_unit", ALL, **p).filter(level="total")
    assert monthly.filter(c("unit_code").is_null())["due_n"].sum() == total["due_n"][0]
    assert monthly.filter(c("unit_code").is_not_null())["due_n"].sum() == total["due_n"][0]


@pytest.mark.parametrize("grain", ["week", "month"])
def test_industry_periods_count_each_dispute_once_and_last_year_too(door, items, now, grain):
    p = params(now, days=120)
    periods = door.q("disputes_by_industry_period", ALL, grain=grain, **p)
    t = as_of(now, p["until"])
    start = datetime.combine(p["since"], datetime.min.time())
    shift = timedelta(days=364) if grain == "week" else None
    collective = items.filter("is_collective")
    this_year = collective.filter(c("captured_at").is_between(start, t)).height
    assert periods["n"].sum() == this_year > 0
    if shift is not None:
        last_year = collective.filter(c("captured_at").is_between(start - shift, t - shift, closed="left")).height
        assert periods["n_last_year"].sum() == last_year


def test_breakdowns_count_every_dispute_under_each_of_its_values(door, items, now):
    p = params(now)
    start = datetime.combine(p["since"], datetime.min.time())
    window = items.filter(c("is_collective") & c("captured_at").is_between(start, as_of(now, p["until"])))
    ownership = door.q("disputes_breakdown", ALL, dimension="ownership", **p)
    assert ownership["n"].sum() == window.height
    demands = door.q("disputes_breakdown", ALL, dimension="demands", **p)
    assert demands["n"].sum() == window.select(c("demands").list.len().clip(1, None)).sum().item()
    union = door.q("disputes_breakdown", ALL, dimension="union_present", **p)
    assert set(union["key"]) <= {"yes", "no", "unknown"}


def test_festival_weeks_line_up_on_the_festival(door, items, now):
    festivals = [d for y, d in sorted(spring_festivals().items()) if 2024 <= y <= 2026]
    weeks = door.q("disputes_around_festival", ALL, units=None, industries=None, festivals=festivals,
                   weeks_before=8, weeks_after=4, demand="wage_arrears", now=now)
    assert set(weeks["week_from_festival"]) <= set(range(-8, 4))
    per_week = weeks.group_by("week_from_festival").agg(c("n").mean()).sort("week_from_festival")
    before = per_week.filter(c("week_from_festival").is_between(-6, -1))["n"].mean()
    after = per_week.filter(c("week_from_festival").is_between(1, 3))["n"].mean()
    assert before > 2 * after  # the demo's pre-festival wage-arrears surge, seen through the query
    # every festival's weeks counted, however the scan narrows itself to them
    collective = items.filter(c("is_collective") & c("demands").list.contains("wage_arrears"))
    for festival in festivals:
        first, last = festival - timedelta(weeks=8), festival + timedelta(weeks=4)
        expected = collective.filter((c("captured_at") >= first) & (c("captured_at") < last)).height
        assert weeks.filter(c("festival_day") == festival)["n"].sum() == expected > 0
    # more festivals than the scan has narrow ranges for: the later ones' weeks are still read
    many = [date(2018 + i, 2, 1) for i in range(9)]
    weeks = door.q("disputes_around_festival", ALL, units=None, industries=None, festivals=many[::-1], weeks_before=8,
                   weeks_after=4, demand=None, now=now)
    collective = items.filter(c("is_collective"))
    for festival in many:
        first, last = festival - timedelta(weeks=8), festival + timedelta(weeks=4)
        expected = collective.filter((c("captured_at") >= first) & (c("captured_at") < last)).height
        assert weeks.filter(c("festival_day") == festival)["n"].sum() == expected
    assert weeks.filter(c("festival_day") >= date(2024, 2, 1))["n"].sum() > 0


def test_slice_total_matches_an_independent_filter(door, items, now):
    filters = SliceFilters(grades=("I", "II", "III"), demands=("wage_arrears", "severance"), collective_only=True,
                           min_participants=50)
    rows = door.q("ledger_slice", ALL, **slice_params(now, filters, days=1000))
    start = datetime.combine(now.date() - timedelta(days=999), datetime.min.time())
    expected = items.filter(
        (c("captured_at") >= start) & c("grade").is_in(["I", "II", "III"]) & c("is_collective")
        & (c("participants_high") >= 50)
        & c("demands").list.eval(pl.element().is_in(["wage_arrears", "severance"])).list.any())
    assert rows.height == expected.height > 0
    assert rows["total_n"][0] == rows.height
    assert set(rows["item_id"]) == set(expected["item_id"])


def test_slice_pages_sort_and_search(door, now):
    everything = door.q("ledger_slice", ALL, **slice_params(now))
    page_two = door.q("ledger_slice", ALL, **slice_params(now, limit=20, offset=20))
    assert page_two["item_id"].to_list() == everything["item_id"][20:40].to_list()
    by_people = door.q("ledger_slice", ALL, **slice_params(now, sort="participants", limit=30))
    people = by_people["participants_high"].fill_null(-1).to_list()
    assert people == sorted(people, reverse=True)
    oldest = door.q("ledger_slice", ALL, **slice_params(now, descending=False, limit=5))
    assert oldest["captured_at"].to_list() == sorted(everything["captured_at"].to_list())[:5]
    word = everything["enterprise"].drop_nulls()[0][:4]
    found = door.q("ledger_slice", ALL, **slice_params(now, SliceFilters(keyword=word)))
    assert 0 < found.height < everything.height
    assert all(word in " ".join(filter(None, (r["title"], r["summary"], r["enterprise"])))
               for r in found.iter_rows(named=True))


def test_slice_keyword_is_data_not_sql(door, now):
    for hostile in ("'; DROP TABLE items; --", "%", "_", "\\"):
        rows = door.q("ledger_slice", ALL, **slice_params(now, SliceFilters(keyword=hostile)))
        assert rows.height == 0, hostile
    assert door.q("ledger_slice", ALL, **slice_params(now, limit=1)).height == 1


def test_overdue_only_slice_matches_the_overdue_list(door, now):
    rows = door.q("ledger_slice", ALL, **slice_params(now, SliceFilters(overdue_only=True)))
    assert rows.height > 0 and rows["overdue"].all()


def test_slice_respects_the_scope(door, now):
    rows = door.q("ledger_slice", Scope.only("442000"), **slice_params(now, days=1000))
    assert rows.height > 0 and set(rows["unit_code"]) == {"442000"}


# ---- the whole province: 属地待定 and 核实时间不详 ------------------------------------------------

def test_place_unknown_is_a_filter_value_and_counted_on_the_overview(door, items, now):
    p = params(now, days=1200)
    unknown = door.q("ledger_slice", ALL, **slice_params(now, SliceFilters(place_precisions=("unknown",)), days=1200))
    expected = items.filter(c("unit_code").is_null())
    assert unknown.height == expected.height > 0 and set(unknown["item_id"]) == set(expected["item_id"])
    assert set(unknown["place_precision"]) == {"unknown"} and unknown["unit_name_zh"].null_count() == unknown.height
    everything = door.q("ledger_slice", ALL, **slice_params(now, days=1200))
    assert everything.height == items.height  # the explorer drops nobody for want of a unit
    k = door.q("overview_kpis", ALL, **p).row(0, named=True)
    assert k["place_unknown_n"] == expected.height
    # an officer's scope holds no item without a unit, and neither does a city filter
    officer = door.q("ledger_slice", Scope.only("440300"), **slice_params(now, SliceFilters(place_precisions=("unknown",)),
                                                                           days=1200))
    assert officer.height == 0
    assert door.q("overview_kpis", ALL, **{**p, "units": ["440300"]})["place_unknown_n"][0] == 0
    assert door.q("triage_queue", Scope.only("440300"), limit=None).height == 0
    queue = door.q("triage_queue", ALL, limit=None)
    assert queue.height == queue["total_n"][0] == expected.filter(c("status").is_in(["pending", "verifying"])).height
    assert queue["captured_at"].to_list() == sorted(queue["captured_at"].to_list())
    assert set(queue["place_reason"]) == {NO_PLACE_ZH}
    waiting = door.q("verification_queue", ALL, now=now, soon_hours=4, limit=100_000, units=None, industries=None)
    assert not set(waiting["item_id"]) & set(queue["item_id"])  # no unit's queue holds them


def test_a_result_without_its_time_is_verified_and_neither_on_time_nor_late(door, items, now):
    p = params(now, days=1200)
    k = door.q("overview_kpis", ALL, **p).row(0, named=True)
    t = as_of(now, p["until"])
    start = datetime.combine(p["since"], datetime.min.time())
    due = items.filter(c("verify_due_at").is_between(start, t))
    no_time = due.filter(c("verified_at").is_null() & c("verification_result").is_not_null())
    assert k["time_unknown_n"] == no_time.height > 0
    assert k["on_time_pct"] == pytest.approx(round(100 * k["on_time_n"] / (k["due_n"] - no_time.height), 1))
    overdue = door.q("overdue_items", ALL, limit=100_000, **p)
    assert not set(overdue["item_id"]) & set(no_time["item_id"])  # verified: never overdue
    assert door.q("ledger_slice", ALL, **slice_params(now, SliceFilters(keyword=None), days=1200)).filter(
        c("item_id").is_in(no_time["item_id"].to_list()))["overdue"].sum() == 0
    monthly = door.q("verification_rate_by_month", ALL, **p).filter(c("unit_code").is_null())
    assert monthly["time_unknown_n"].sum() == no_time.height


def test_the_month_view_lists_every_unit_and_the_unplaced_items(door, items):
    month_items = items.filter(c("verified_at").is_null() & c("verification_result").is_not_null())
    month = month_items["captured_at"].min()
    first = month.date().replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    view = door.q("month_reconciliation", ALL, since=first, until=last, now=datetime.combine(last, datetime.max.time()))
    in_month = items.filter(c("captured_at").dt.date().is_between(first, last))
    assert view["unit_code"].drop_nulls().to_list() == [u.code for u in geo.units()]
    assert view["received_n"].sum() == in_month.height
    no_time = in_month.filter(c("verified_at").is_null() & c("verification_result").is_not_null())
    assert view["time_unknown_n"].sum() == no_time.height > 0
    month_end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    open_items = in_month.filter(c("verification_result").is_null() | (c("verified_at") >= month_end))
    assert view["open_n"].sum() == open_items.height  # a result without its time is never open
    unplaced = in_month.filter(c("unit_code").is_null()).height
    assert (view.filter(c("unit_code").is_null())["received_n"].to_list() or [0]) == [unplaced]
