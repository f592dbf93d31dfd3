"""The query door against a real snapshot: documented parameters, scope enforced in DuckDB,
results that agree with an independent Polars computation, caching by snapshot id."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import polars as pl
import pytest

from ledger.config import load_settings
from ledger.store.sqlfiles import LEDGER_SQL_DIR, parse_sql
from queries import ALL, QUERY_DIR, Door, Filters, NoSnapshot, QueryError, Scope
from queries.slices import SliceFilters
from tests.helpers import build_demo

SQL_FILES = sorted(QUERY_DIR.glob("*.sql")) + sorted(LEDGER_SQL_DIR.glob("*.sql"))


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: p.name)
def test_every_sql_file_documents_itself_and_its_parameters(path):
    parsed = parse_sql(path.stem, path.read_text(encoding="utf-8"))
    assert len(parsed.header.splitlines()) >= 2, "start with a comment saying what it returns"
    assert parsed.used == parsed.documented, f"used {sorted(parsed.used)} vs documented {sorted(parsed.documented)}"


@pytest.mark.parametrize("path", sorted(QUERY_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_queries_read_ledger_rows_only_through_the_scoped_view(path):
    text = path.read_text(encoding="utf-8").lower()
    assert "read_parquet" not in text and "getvariable" not in text and "set variable" not in text


@pytest.fixture(scope="module")
def door(demo_settings):
    return Door(demo_settings)


@pytest.fixture(scope="module")
def items(demo_settings, door):
    return pl.read_parquet(door.snapshot().table("items"))


def window(now: datetime, days=183) -> Filters:
    return Filters.last_days(days, now.date())


# The panels that read a window of capture times (bench/limits.py says which rows each must read).
WINDOWED_PANELS = ("overview_kpis", "verification_rate_by_unit", "verification_rate_by_month",
                   "disputes_by_industry_period", "disputes_breakdown", "industry_change_summary", "ledger_slice")


@pytest.mark.parametrize("name", WINDOWED_PANELS)
def test_a_panels_window_is_pushed_into_the_parquet_scan(door, now, name):
    """A bound DuckDB cannot push into the scan (one taken from a joined CTE's column) reads every
    row group of the ledger: at 10 million items that was most of a panel's time."""
    from bench.panels import panel_params

    plan = door.plan(name, ALL, **panel_params(now)[name])
    filters = json.dumps([node["extra_info"].get("Filters") for node in _nodes(plan) if node.get("name") == "PARQUET_SCAN"])
    assert re.search(r"captured_at >=? '", filters), filters


def _nodes(plan):
    for node in plan:
        yield node
        yield from _nodes(node.get("children", []))


def test_kpis_agree_with_an_independent_polars_computation(door, items, now):
    f = window(now)
    k = door.q("overview_kpis", ALL, now=now, **f.params()).row(0, named=True)
    t = min(now, datetime.combine(f.until + timedelta(days=1), datetime.min.time()))
    start = datetime.combine(f.since, datetime.min.time())
    c = pl.col
    # active: not closed at t, captured by t, and occurred, captured or updated in the window
    active = items.filter(c("is_collective") & (c("captured_at") <= t)
                          & (c("closed_at").is_null() | (c("closed_at") > t))
                          & ((c("captured_at") >= start) | (c("occurred_on") >= start.date())
                             | c("updated_at").is_between(start, t))).height
    due = items.filter(c("verify_due_at").is_between(start, t))
    on_time = due.filter(c("verified_at") <= c("verify_due_at")).height
    # overdue: due in the window, not verified at t (a result without a time counts as verified)
    overdue = due.filter((c("verified_at").is_null() | (c("verified_at") > t))
                         & ~(c("verified_at").is_null() & c("verification_result").is_not_null())).height
    new_7d = items.filter(c("is_collective") & (c("captured_at") > t - timedelta(days=7))
                          & (c("captured_at") <= t)).height
    assert k["active_n"] == active > 0
    assert k["due_n"] == due.height > 0
    assert k["on_time_n"] == on_time
    assert k["on_time_pct"] == pytest.approx(round(100 * on_time / due.height, 1))
    assert k["overdue_n"] == overdue
    assert k["new_7d_n"] == new_7d


def test_one_number_one_definition_across_the_overview_the_map_the_wall_and_the_gauges(door, now):
    """Open disputes and overdue items are counted once: the overview's figures equal the map's
    and the wall's (active_disputes_on_map, active_disputes_by_place) and the gauges' and the
    overdue list's (verification_rate_by_unit, overdue_items) at the same snapshot and moment."""
    for f in (window(now), window(now, days=30), Filters(date(2026, 1, 1), date(2026, 3, 31))):
        k = door.q("overview_kpis", ALL, now=now, **f.params()).row(0, named=True)
        on_map = door.q("active_disputes_on_map", ALL, now=now, limit=1_000_000, **f.params())
        by_place = door.q("active_disputes_by_place", ALL, now=now, **f.params())
        rates = door.q("verification_rate_by_unit", ALL, now=now, **f.params())
        overdue = door.q("overdue_items", ALL, now=now, limit=5, **f.params())
        placed = by_place.filter(pl.col("level").is_in(["unit", "unplaced"]))["active_n"].sum()
        assert k["active_n"] == on_map.height == placed > 0, f
        total = rates.filter(pl.col("level") == "total").row(0, named=True)
        assert k["overdue_n"] == total["overdue_n"] == (overdue["total_n"][0] if overdue.height else 0), f
        assert k["due_n"] == total["due_n"] and k["on_time_n"] == total["on_time_n"], f


def test_the_most_serious_active_disputes_come_first(door, now):
    rows = door.q("active_disputes_on_map", ALL, now=now, limit=5, **window(now).params())
    assert 0 < rows.height <= 5
    rank = {"I": 1, "II": 2, "III": 3, "IV": 4, None: 99}
    ranks = [rank[g] for g in rows["grade"].to_list()]
    assert ranks == sorted(ranks)
    assert rows["unit_name_zh"].null_count() == 0
    assert (rows["days_open"] >= 0).all()


def test_scope_is_enforced_in_duckdb(door, now):
    f = window(now, days=1000)
    shenzhen = door.q("active_disputes_on_map", Scope.only("440300"), now=now, limit=50, **f.params())
    assert shenzhen.height > 0 and set(shenzhen["unit_code"]) == {"440300"}
    # Asking for another unit's items through the filter cannot widen the scope.
    widened = door.q("active_disputes_on_map", Scope.only("440300"), now=now, limit=50,
                     **Filters(f.since, f.until, units=("441900",)).params())
    assert widened.height == 0
    # A connection the door has not scoped sees no ledger rows at all.
    held = door._acquire(door.snapshot())
    raw = held.con.cursor()
    assert raw.sql("select count(*) from items").fetchall() == [(0,)]
    raw.close()
    door._release(held)


def test_hostile_filter_text_is_only_data(door, now):
    hostile = Filters(date(2020, 1, 1), now.date(), units=("'; drop table items; --",), industries=("C' or '1'='1",))
    k = door.q("overview_kpis", ALL, now=now, **hostile.params()).row(0, named=True)
    assert k["active_n"] == 0 and k["due_n"] == 0
    assert door.q("overview_kpis", ALL, now=now, **window(now).params())["due_n"][0] > 0


def test_wrong_calls_are_refused_clearly(door, now):
    with pytest.raises(QueryError, match="missing"):
        door.q("overview_kpis", ALL, now=now)
    with pytest.raises(QueryError, match="unknown"):
        door.q("overview_kpis", ALL, now=now, colour="red", **window(now).params())
    with pytest.raises(QueryError):
        door.q("../secrets", ALL)
    with pytest.raises(QueryError):
        door.q("no_such_question", ALL)


def test_results_are_cached_per_snapshot(door, now):
    params = {"now": now, "limit": 5, **window(now).params()}
    first = door.q("active_disputes_on_map", ALL, **params)
    assert door.q("active_disputes_on_map", ALL, **params) is first
    assert door.q("active_disputes_on_map", Scope.only("440300"), **params) is not first


def test_no_snapshot_is_reported_as_such(tmp_path, now):
    with pytest.raises(NoSnapshot):
        Door(load_settings(tmp_path)).q("overview_kpis", ALL, now=now, **window(now).params())


def test_door_follows_a_new_snapshot(tmp_path, now):
    settings = build_demo(tmp_path, n_items=600, seed=3)
    door = Door(settings)
    params = {"now": now, **Filters(date(2000, 1, 1), now.date()).params()}
    before = door.q("overview_kpis", ALL, **params)
    first_id = door.snapshot().snapshot_id
    build_demo(tmp_path, n_items=900, seed=3)  # a later batch with 300 more items
    after = door.q("overview_kpis", ALL, **params)
    assert door.snapshot().snapshot_id != first_id
    assert after["due_n"][0] > before["due_n"][0]


def test_connections_close_only_after_their_last_reader_while_snapshots_swap(tmp_path, now):
    """Eight readers while CURRENT moves among four snapshots 50 times, every 0.1 s: a connection
    left behind is closed by its last reader, never under one (ResourceInUseException)."""
    import os
    import threading
    import time

    from ledger.store import build_snapshot

    settings = build_demo(tmp_path, n_items=4000, seed=5)
    snapshot_ids = [build_snapshot(settings, full=True).snapshot_id for _ in range(4)]
    assert len(set(snapshot_ids)) == 4
    door = Door(settings, cache_entries=0)  # every read goes to DuckDB
    # the whole slice (about 0.1 s a read): long enough for CURRENT to move twice under a reader
    params = {**Filters(date(2000, 1, 1), now.date()).params(), **SliceFilters(keyword="厂").params(), "now": now,
              "sort": "captured_at", "descending": True, "limit": None, "offset": 0}
    errors, reads, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                reads.append(door.q("ledger_slice", ALL, **params).height)
            except Exception as error:  # noqa: BLE001 — any failure is what the test looks for
                errors.append(repr(error))

    readers = [threading.Thread(target=read) for _ in range(8)]
    for reader in readers:
        reader.start()
    pointer = settings.snapshots_dir / "CURRENT"
    swaps = 50  # a count, not a duration: on a busy machine 5 s held fewer swaps than asked
    for swap in range(swaps):
        temp = pointer.with_name(f".CURRENT.test{swap}.tmp")
        temp.write_text(snapshot_ids[swap % 4] + "\n", encoding="utf-8")
        os.replace(temp, pointer)
        time.sleep(0.1)
    stop.set()
    for reader in readers:
        reader.join()
    assert errors == []
    assert len(reads) > 20 and len(set(reads)) == 1
    assert len(door._connections) <= 2
    assert all(held.readers == 0 for held in door._connections.values())


def test_a_connection_left_behind_stays_open_for_its_reader_and_closes_after_it(tmp_path):
    import duckdb

    from ledger.store import build_snapshot

    settings = build_demo(tmp_path, n_items=300, seed=6)
    first, second, third = (build_snapshot(settings, full=True) for _ in range(3))
    door = Door(settings, cache_entries=0)
    reading = door._acquire(first)  # a reader still on the first snapshot ...
    for later in (second, third):  # ... while two newer ones open
        door._release(door._acquire(later))
    assert first.snapshot_id not in door._connections
    cursor = reading.con.cursor()
    assert cursor.sql("select count(*) from grades").fetchall()[0][0] > 0  # still open for it
    cursor.close()
    door._release(reading)
    with pytest.raises(duckdb.ConnectionException):
        reading.con.cursor()  # closed by its last reader


def test_a_retired_snapshots_results_leave_the_cache(tmp_path):
    """Swapping snapshots all day must not fill the cache with results no page asks for again:
    when a snapshot's connection retires, its results go with it."""
    from ledger.store import build_snapshot

    settings = build_demo(tmp_path, n_items=300, seed=6)
    snapshots = [build_snapshot(settings, full=True) for _ in range(4)]
    door = Door(settings)
    for n, snapshot in enumerate(snapshots):
        door.q("unassigned_items", ALL, snapshot=snapshot)
        assert {key[0] for key in door._cache} == {s.snapshot_id for s in snapshots[max(0, n - 1):n + 1]}
        assert door._cached_bytes == sum(frame.estimated_size() for frame in door._cache.values())


def test_the_result_cache_is_bounded_in_bytes(demo_settings, now):
    """A result larger than the budget is not kept; smaller ones are, the oldest going first, and
    what is kept never adds up to more than the budget (query_cache_mb)."""
    from dataclasses import replace

    door = Door(replace(demo_settings, query_cache_mb=1))
    whole = {**Filters(date(2000, 1, 1), now.date()).params(), **SliceFilters().params(), "now": now,
             "sort": "captured_at", "descending": True, "limit": None, "offset": 0}
    big = door.q("ledger_slice", ALL, **whole)
    assert big.estimated_size() > door.cache_bytes
    assert door.q("ledger_slice", ALL, **whole) is not big  # too large to keep: asked again
    kept = []
    for limit in range(1, 400, 7):  # distinct results of growing size
        kept.append(door.q("ledger_slice", ALL, **{**whole, "limit": limit}))
        assert door._cached_bytes <= door.cache_bytes
        assert door._cached_bytes == sum(frame.estimated_size() for frame in door._cache.values())
    assert door.q("ledger_slice", ALL, **{**whole, "limit": 393}) is kept[-1]  # the newest is kept
    assert door.q("ledger_slice", ALL, **{**whole, "limit": 1}) is not kept[0]  # the oldest went first


def test_queries_run_together_answer_as_one_by_one(sentinel_env, now):
    """q_all runs a page's independent queries side by side: same answers, in the order asked,
    and a query's error reaches the page as q would raise it."""
    from queries import q, q_all

    params = {**window(now).params(), "now": now}
    one = Scope.only("440300")
    together = q_all(("overview_kpis", ALL, params), ("verification_rate_by_unit", one, params),
                     ("active_disputes_on_map", ALL, {**params, "limit": 5}))
    assert together[0].equals(q("overview_kpis", ALL, **params))
    assert together[1].equals(q("verification_rate_by_unit", one, **params))
    assert together[2].height == 5 and together[1].filter(level="unit")["unit_code"].to_list() == ["440300"]
    with pytest.raises(QueryError):
        q_all(("overview_kpis", ALL, params), ("overview_kpis", ALL, {"now": now}))
