"""Scope is decided in one place (issue 19 point 1): every query of the door, and every ledger
read path that takes a scope, opened with a one-unit scope on the demo ledger, returns no row of
another unit, and no item another unit owns."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from ledger import reference
from ledger.assessment import scoring
from ledger.documents.export import snapshot_items
from ledger.periods import Period
from ledger.demo.events import journal_demo_events
from ledger.store import build_snapshot, current_snapshot, now_shanghai
from ledger.workflow.verify import VerificationError, load_item
from queries import QUERY_DIR, SHARED_MACROS, Door, Scope, query_file
from queries.slices import SliceFilters
from tests.helpers import DEMO_SEED, build_demo

SHENZHEN = "440300"
ONE_UNIT = Scope.only(SHENZHEN)


@pytest.fixture(scope="module")
def events_settings(tmp_path_factory):
    """The demo ledger with its staged events, as `ledger demo` makes it."""
    settings = build_demo(tmp_path_factory.mktemp("scope"))
    journal_demo_events(settings, DEMO_SEED, now_shanghai())
    build_snapshot(settings)
    return settings


@pytest.fixture(scope="module")
def ledger(events_settings):
    """The demo's items, and an item and an event of another unit."""
    snapshot = current_snapshot(events_settings)
    items = pl.read_parquet(snapshot.table("items"))
    reports = pl.read_parquet(snapshot.table("event_reports"))
    others = items.filter(pl.col("unit_code") != SHENZHEN)
    return snapshot, items, others["item_id"][0], reports.filter(pl.col("unit_code") != SHENZHEN)["event_id"][0]


def params_for(name: str, ledger, now: datetime) -> dict:
    """Wide-open values for every parameter `name` takes: the whole history, every item."""
    _, items, other_item, other_event = ledger
    start = date(2015, 1, 1)
    values = {
        "since": start, "until": now.date(), "prev_since": start, "now": now, "as_of": now, "before": now,
        "since_time": datetime(2015, 1, 1), "recent_from": datetime(2015, 1, 1), "closed_since": None,
        "week_start": now.date() - timedelta(days=7), "week_end": now.date(), "units": None, "industries": None,
        "grades": None, "limit": 100_000, "offset": 0, "ids": items["item_id"].to_list(), "item_id": other_item,
        "event_id": other_event, "level": "county", "days": 3650, "soon_hours": 48, "lookback_days": 3650,
        "followup_hours": 24, "first_report_hours": 2, "grain": "month", "dimension": "demands", "demand": None,
        "festivals": sorted(reference.spring_festivals().values()), "weeks_before": 10, "weeks_after": 6,
        "sort": "captured_at", "descending": True, **SliceFilters().params(),
    }
    return {p: values[p] for p in query_file(name).used}


QUERIES = sorted(p.stem for p in QUERY_DIR.glob("*.sql") if p.stem != SHARED_MACROS)


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_keeps_to_a_one_unit_scope(name, events_settings, ledger, now):
    snapshot, items, other_item, other_event = ledger
    result = Door(events_settings, cache_entries=0).q(name, ONE_UNIT, snapshot=snapshot, **params_for(name, ledger, now))
    theirs = set(items.filter((pl.col("unit_code") == SHENZHEN) | (pl.col("assigned_unit") == SHENZHEN))["item_id"])
    for column in ("unit_code", "assigned_unit"):
        if column in result.columns:
            assert set(result[column].drop_nulls()) <= {SHENZHEN}, f"{name}.{column}"
    if "item_id" in result.columns:
        assert set(result["item_id"].drop_nulls()) <= theirs, name
    if "item_ids" in result.columns:
        assert {i for ids in result["item_ids"].drop_nulls() for i in ids} <= theirs, name
    if "event_id" in result.columns:
        assert other_event not in set(result["event_id"]), name


def test_the_ledgers_own_reads_keep_to_a_one_unit_scope(events_settings, ledger, now):
    snapshot, items, other_item, _ = ledger
    exported = snapshot_items(snapshot, ONE_UNIT)
    assert exported.height > 0 and set(exported["unit_code"]) == {SHENZHEN}
    assert exported.height == items.filter(pl.col("unit_code") == SHENZHEN).height
    ranking = scoring.score(snapshot, events_settings, Period.containing("year", now.date()), ONE_UNIT)
    assert ranking.frame["unit_code"].to_list() == [SHENZHEN] and not ranking.complete
    with pytest.raises(VerificationError):  # another unit's item is not found, as if it did not exist
        load_item(events_settings, other_item, ONE_UNIT)
    own = items.filter(pl.col("unit_code") == SHENZHEN)["item_id"][0]
    assert load_item(events_settings, own, ONE_UNIT).item["item_id"] == own
