"""The demo ledger: reproducible, valid row by row, bounded chunks, and the patterns an analyst
expects to find (busiest cities, the Spring Festival wage-arrears surge, relocations in
manufacturing, most items verified on time), checked on the default-sized demo."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import polars as pl
import pyarrow as pa
import pytest

from ledger import demo, geo, reference
from ledger.i18n import t
from ledger.ingest.places import NO_PLACE_ZH
from ledger.schema import ITEMS_SCHEMA, validate_row
from ledger.store import now_shanghai

END = date(2025, 11, 25)  # a fixed last day, so that no test depends on today's date
LAST_MOMENT = datetime.combine(END, time.max)
c = pl.col


def ledger(**kwargs) -> pa.Table:
    return pa.concat_tables(demo.generate(**{"end": END, **kwargs}))


@pytest.fixture(scope="module")
def chunks() -> list[pa.Table]:
    """The default demo (9,000 items, seed 42, three years), in several chunks."""
    return list(demo.generate(end=END, chunk_rows=2000))


@pytest.fixture(scope="module")
def items(chunks) -> pl.DataFrame:
    return pl.from_arrow(pa.concat_tables(chunks))


@pytest.fixture(scope="module")
def disputes(items) -> pl.DataFrame:
    return items.filter(c("is_collective"))


def test_same_arguments_give_the_same_ledger_whatever_the_chunk_size():
    first = ledger(n_items=2000, seed=5)
    assert first.equals(ledger(n_items=2000, seed=5))
    assert first.equals(ledger(n_items=2000, seed=5, chunk_rows=300))
    other = ledger(n_items=2000, seed=6)
    assert other.column("item_id").equals(first.column("item_id"))  # ids do not depend on the seed
    assert not other.equals(first)
    assert sum(a != b for a, b in zip(other.column("title").to_pylist(), first.column("title").to_pylist())) > 1500


def test_a_larger_demo_extends_a_smaller_one():
    small, large = ledger(n_items=700, seed=3), ledger(n_items=40_000, seed=3)
    assert large.slice(0, 700).equals(small)


def test_chunks_match_the_schema_and_ids_are_unique_across_them(chunks, items):
    assert [chunk.num_rows for chunk in chunks] == [2000] * 4 + [1000]
    assert all(chunk.schema.equals(ITEMS_SCHEMA) for chunk in chunks)
    assert items["item_id"].n_unique() == 9000
    assert items["item_id"].to_list()[:2] == ["D00000001", "D00000002"] and items["item_id"][-1] == "D00009000"


def test_about_a_third_are_collective_disputes(items, disputes):
    assert 2700 <= disputes.height <= 3300
    graded = disputes.filter(c("grade").is_not_null()).height
    assert graded > disputes.height / 2, "most disputes are big enough to be graded"
    others = items.filter(~c("is_collective"))
    assert others.filter(c("grade").is_not_null()).height == 0
    for column in ("enterprise", "industry", "participants_low", "demands"):
        assert others[column].null_count() > 0.4 * others.height > disputes[column].null_count(), column


def test_every_row_of_a_3000_item_demo_is_valid():
    units = {u.code for u in geo.units()}
    industries = {i.code for i in reference.industries()}
    county_units = geo.county_units()
    rows = ledger(n_items=3000, seed=1).to_pylist()
    problems = {row["item_id"]: [p.text("en") for p in validate_row(row, units, county_units, industries)]
                for row in rows}
    assert {item: found for item, found in problems.items() if found} == {}
    assert len(rows) == 3000


def test_times_follow_the_workflow_and_nothing_happens_after_the_last_day(items):
    for column in ("captured_at", "assigned_at", "verified_at", "closed_at", "updated_at"):
        assert items[column].max() <= LAST_MOMENT, column
    assert items["captured_at"].min() >= datetime.combine(END - timedelta(days=3 * 366), time())
    assert items.filter(c("occurred_on") > c("captured_at").dt.date()).height == 0
    assigned = items.filter(c("assigned_at").is_not_null())
    minutes = (assigned["assigned_at"] - assigned["captured_at"]).dt.total_minutes()
    assert minutes.min() >= 5 and minutes.max() <= 60
    assert (assigned["assigned_unit"] == assigned["unit_code"]).all()
    due_hours = (assigned["verify_due_at"] - assigned["assigned_at"]).dt.total_hours()
    expected = assigned["grade"].replace_strict({"I": 2, "II": 12}, default=72, return_dtype=pl.Int64)
    assert (due_hours == expected).all()
    closed = items.filter(c("closed_at").is_not_null())
    days = (closed["closed_at"] - closed["verified_at"]).dt.total_days()
    assert days.min() >= 1 and days.max() <= 30
    latest = pl.max_horizontal("captured_at", "assigned_at", "verified_at", "closed_at")
    assert (items["updated_at"] == items.select(latest).to_series()).all()


def test_default_period_ends_today_in_shanghai_and_never_after_now():
    table = pa.concat_tables(demo.generate(n_items=2000))
    now = now_shanghai()
    today = now.date()
    for name in ("captured_at", "assigned_at", "verified_at", "closed_at", "updated_at"):
        assert max(v for v in table.column(name).to_pylist() if v is not None) <= now, name
    captured = table.column("captured_at").to_pylist()
    assert max(captured).date() <= today and max(table.column("updated_at").to_pylist()).date() <= today
    assert min(captured).date() > today - timedelta(days=3 * 366)
    assert max(captured).date() >= today - timedelta(days=10)


def test_shenzhen_dongguan_and_guangzhou_are_the_busiest_units(items):
    counts = items["unit_code"].value_counts(sort=True)
    assert set(counts["unit_code"][:3]) == {"440300", "441900", "440100"}
    assert set(counts["unit_code"].drop_nulls()) == {u.code for u in geo.units()}  # all 22 units
    shenzhen = items.filter(c("unit_code") == "440300")["county_code"].value_counts(sort=True)
    short = {p.code: p.short_zh for p in geo.counties()}
    assert {"宝安", "龙岗"} <= {short.get(code) for code in shenzhen["county_code"][:3]}


def test_the_rest_of_the_province_brings_a_tenth_and_a_few_places_are_unknown(items):
    delta = {u.code for u in geo.focus_units()}
    outside = items.filter(c("unit_code").is_not_null() & ~c("unit_code").is_in(list(delta))).height
    assert 0.08 < outside / items.height < 0.12
    for region in ("east", "west", "north"):
        codes = [u.code for u in geo.units() if u.region == region]
        assert items.filter(c("unit_code").is_in(codes)).height > 0, region
    unknown = items.filter(c("unit_code").is_null())
    assert 0.005 < unknown.height / items.height < 0.015
    assert set(unknown["place_precision"]) == {"unknown"} and set(unknown["place_reason"]) == {NO_PLACE_ZH}
    assert set(unknown["warnings"].list.join("|")) == {t("msg.places.pending", reason=NO_PLACE_ZH)}  # as ingest warns
    assert unknown["county_code"].null_count() == unknown["lon"].null_count() == unknown.height
    assert unknown["assigned_unit"].null_count() == unknown["verify_due_at"].null_count() == unknown.height
    assert set(unknown["status"]) == {"pending"}
    names = [p.short_zh for p in (*geo.units(), *geo.counties())]
    assert not any(name in title for title in unknown["title"] for name in names)


def test_some_old_verifications_have_no_time(items):
    unknown_time = items.filter(c("verified_at").is_null() & c("verification_result").is_not_null())
    assert 0 < unknown_time.height < 0.03 * items.height
    assert set(unknown_time["status"]) <= {"verified", "closed"}
    assert unknown_time["captured_at"].max() < LAST_MOMENT - timedelta(days=700)


def test_place_weights_name_real_places():
    short_names = {(p.unit_code, p.short_zh) for p in geo.counties()}
    named = {(unit, name) for unit, weights in demo.PLACE_WEIGHTS.items() for name in weights}
    assert named - short_names == set(), "a weight for a place the gazetteer does not have"


def test_weekdays_and_daytime_are_busier(items):
    weekday = items.filter(c("captured_at").dt.weekday() <= 5).height / 5
    weekend = items.filter(c("captured_at").dt.weekday() > 5).height / 2
    assert weekday > 1.3 * weekend
    assert items.filter(c("captured_at").dt.hour().is_between(8, 21)).height > 0.8 * items.height


def spring_festival_windows(first: date, weeks_before: int = 8) -> list[tuple[date, date]]:
    """[festival - N weeks, festival) for every festival whose window meets the period."""
    windows = []
    for festival in reference.spring_festivals().values():
        start, stop = max(festival - timedelta(weeks=weeks_before), first), min(festival, END + timedelta(days=1))
        if start < stop:
            windows.append((start, stop))
    return windows


def test_wage_arrears_surge_in_the_eight_weeks_before_each_spring_festival(disputes):
    wages = disputes.filter(c("demands").list.contains("wage_arrears") & c("industry").is_in(["C", "E"]))
    first = wages["captured_at"].min().date()
    period_days = (END - first).days + 1
    in_window = pl.lit(False)
    window_days = 0
    for start, stop in spring_festival_windows(first):
        in_window |= c("captured_at").dt.date().is_between(start, stop, closed="left")
        window_days += (stop - start).days
    before = wages.filter(in_window).height / (window_days / 7)
    rest = wages.filter(~in_window).height / ((period_days - window_days) / 7)
    assert window_days >= 3 * 7 * 8 - 7, "three festivals fall in a three-year demo"
    assert before >= 2 * rest, (before, rest)


def test_festival_week_and_the_week_after_are_quiet(disputes):
    first = disputes["captured_at"].min().date()
    festivals = [f for f in reference.spring_festivals().values() if first <= f <= END - timedelta(days=14)]
    lull = pl.lit(False)
    for festival in festivals:
        lull |= c("captured_at").dt.date().is_between(festival - timedelta(days=1), festival + timedelta(days=13))
    lull_rate = disputes.filter(lull).height / (15 * len(festivals))
    overall_rate = disputes.height / ((END - first).days + 1)
    assert lull_rate < 0.6 * overall_rate


def test_relocations_are_mostly_in_manufacturing_and_most_employers_private_or_hmt(disputes):
    relocations = disputes.filter(c("demands").list.contains("relocation"))
    assert relocations.height > 100
    assert relocations.filter(c("industry") == "C").height > 0.6 * relocations.height
    closures = disputes.filter(c("demands").list.first() == "severance")
    assert closures.filter(c("industry") == "C").height > 0.5 * closures.height
    owners = disputes["ownership"].value_counts().to_dict(as_series=False)
    shares = dict(zip(owners["ownership"], owners["count"]))
    assert shares["hmt"] + shares["private"] >= 0.6 * disputes.height
    assert shares["private"] > shares["hmt"] > shares["foreign"] > shares["state"] > shares["collective"]
    factories = disputes.filter(c("industry") == "C")
    hmt_share = lambda frame: frame.filter(c("ownership") == "hmt").height / frame.height  # noqa: E731
    assert hmt_share(factories.filter(c("unit_code").is_in(["440300", "441900"]))) > hmt_share(disputes)


def test_industries_are_led_by_manufacturing_and_construction(disputes):
    sections = disputes["industry"].value_counts(sort=True)
    assert sections["industry"][:2].to_list() == ["C", "E"]
    assert 0.38 < sections["count"][0] / disputes.height < 0.52
    divisions = {i.code: i.section for i in reference.industries() if i.level == "division"}
    assert all(divisions[d] == s for s, d in disputes.select("industry", "sub_industry").iter_rows())
    factory_divisions = disputes.filter(c("industry") == "C")["sub_industry"].value_counts(sort=True)
    assert factory_divisions["sub_industry"][0] == "39"  # electronics


def test_most_items_verified_on_time_some_late_some_still_open(items):
    due = items.filter(c("verify_due_at") <= LAST_MOMENT)
    on_time = due.filter(c("verified_at") <= c("verify_due_at")).height / due.height
    late = due.filter(c("verified_at") > c("verify_due_at")).height / due.height
    still_open = due.filter(c("verification_result").is_null()).height / due.height
    assert on_time >= 0.8 and late > 0.02 and still_open > 0.003, (on_time, late, still_open)
    # Items of the last two weeks are still being verified far more often, even those whose
    # three-day deadline has passed.
    age = LAST_MOMENT - c("captured_at")
    recent = items.filter(age.is_between(timedelta(days=4), timedelta(days=14)))
    older = items.filter(age > timedelta(days=14))
    open_share = lambda frame: frame.filter(c("verification_result").is_null()).height / frame.height  # noqa: E731
    assert open_share(recent) > 3 * open_share(older)
    results = items["verification_result"].drop_nulls().value_counts(sort=True)
    assert results["verification_result"][0] == "true" and results["count"][0] > 0.7 * results["count"].sum()
    assert set(items.filter(c("verification_result").is_null())["status"]) <= {"pending", "verifying"}
    assert items.filter(c("verification_result").is_null() & c("verified_by").is_not_null()).height == 0


def test_a_few_hundred_disputes_are_still_active(disputes):
    active = disputes.filter(c("closed_at").is_null()).height
    assert 100 <= active <= 600
    assert (disputes.filter(c("closed_at").is_not_null())["status"] == "closed").all()


def test_participants_text_agrees_with_low_high_and_grade(disputes):
    vague = {"十余人": (10, 19), "数十人": (20, 90), "上百人": (100, 199), "数百人": (200, 900),
             "近千人": (800, 999), "上千人": (1000, 1999), "数千人": (2000, 9000)}
    thresholds = [(g.grade, g.min_participants) for g in reference.grades()]
    for text, low, high, grade in disputes.select("participants_text", "participants_low", "participants_high",
                                                  "grade").iter_rows():
        if text is None:
            assert low is None and high is None and grade is None
            continue
        if m := re.fullmatch(r"约(\d+)人", text):
            assert low == high == int(m[1]), text
        elif m := re.fullmatch(r"(\d+)余人", text):
            assert low == int(m[1]) < high, text
        elif m := re.fullmatch(r"(\d+)-(\d+)人", text):
            assert (low, high) == (int(m[1]), int(m[2])) and low < high, text
        elif text.isdigit():
            assert low == high == int(text)
        else:
            assert (low, high) == vague[text], text
        assert grade == next((g for g, minimum in thresholds if low >= minimum), None), (text, grade)
    lows = disputes["participants_low"].drop_nulls()
    assert 25 <= lows.median() <= 60
    assert (lows >= 1000).sum() < 0.01 * len(lows) and (lows >= 300).sum() > 10


def test_titles_vary_and_name_no_people_or_real_sites(items, disputes):
    assert disputes["title"].n_unique() > 0.95 * disputes.height
    assert disputes["enterprise"].null_count() == 0
    registered = disputes.filter(~c("enterprise").str.contains("某"))  # "广州某物流公司" names no one firm
    repeats = registered.group_by("enterprise").agg(first=c("captured_at").min(), last=c("captured_at").max(),
                                                    n=pl.len()).filter(c("n") >= 3)
    assert repeats.filter((c("last") - c("first")) > timedelta(days=60)).height >= 10, "repeat offenders"
    text = pl.concat_str([c("title"), c("summary"), c("verification_notes"), c("verified_by")],
                         separator=" ", ignore_nulls=True)
    assert items.filter(text.str.contains(r"\d{7,}")).height == 0, "no phone numbers"
    urls = items["url"].drop_nulls()
    assert urls.str.starts_with("https://yuqing.example.cn/").all()
    assert items.filter(c("source") == "proactive")["url"].null_count() == items.filter(c("source") == "proactive").height
    assert 0.04 < items["proactive"].mean() < 0.09


def test_locations_lie_near_their_place(items):
    centroid = {p.code: (p.lon, p.lat) for p in geo.counties()}
    exact = items.filter((c("place_precision") == "point") & c("county_code").is_not_null())
    delta = items.filter(c("unit_code").is_in([u.code for u in geo.focus_units()]))
    assert 0.75 * delta.height < exact.filter(c("unit_code").is_in([u.code for u in geo.focus_units()])).height
    for county, lon, lat in exact.select("county_code", "lon", "lat").iter_rows():
        clon, clat = centroid[county]
        assert abs(lon - clon) < 0.04 and abs(lat - clat) < 0.04


def test_large_demo_in_bounded_chunks():
    sizes, ids = [], []
    for chunk in demo.generate(n_items=300_000, seed=9, end=END, chunk_rows=100_000):
        assert chunk.schema.equals(ITEMS_SCHEMA)
        sizes.append(chunk.num_rows)
        ids.append(chunk.column("item_id")[0].as_py())
    assert sizes == [100_000] * 3
    assert ids == ["D00000001", "D00100001", "D00200001"]
