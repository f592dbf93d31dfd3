"""Schema validation returns readable reasons, in Chinese and English, for each kind of fault."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ledger import geo, reference
from ledger.schema import COLUMNS, ENUMS, ITEMS_SCHEMA, SOURCE, STATUS, validate_row, verification_time_unknown


@pytest.fixture(scope="module")
def lookups():
    return ({u.code for u in geo.units()}, geo.county_units(), {i.code for i in reference.industries()})


def good_row(**changes):
    row = {
        "item_id": "T1", "source": "people", "title": "东莞长安一电子厂工人聚集讨薪",
        "captured_at": datetime(2026, 1, 10, 9, 30), "occurred_on": date(2026, 1, 9),
        "unit_code": "441900", "county_code": None, "lon": 113.8, "lat": 22.8, "industry": "C",
        "sub_industry": "39", "participants_low": 100, "participants_high": 200, "demands": ["wage_arrears"],
        "action_forms": ["gathering"], "grade": "III", "is_collective": True, "proactive": False,
        "status": "verified", "verified_at": datetime(2026, 1, 10, 15), "verification_result": "true",
        "updated_at": datetime(2026, 1, 10, 15),
    }
    row.update(changes)
    return row


def test_a_good_row_passes(lookups):
    assert validate_row(good_row(), *lookups) == []


@pytest.mark.parametrize("changes, column, words", [
    ({"title": None}, "title", "必填"),
    ({"source": "twitter"}, "source", "无法识别"),
    ({"demands": ["wage_arrears", "free_lunch"]}, "demands", "free_lunch"),
    ({"unit_code": "110000"}, "unit_code", "不是广东省的报送单位代码"),
    ({"county_code": "440306"}, "county_code", "不属于"),
    ({"county_code": "999999"}, "county_code", "不是已知"),
    ({"industry": "Z"}, "industry", "GB/T 4754"),
    ({"lon": 120.0, "lat": 30.0}, "lon", "不在广东省范围内"),
    ({"lat": None}, "lon", "同时"),
    ({"participants_low": 300, "participants_high": 200}, "participants_high", "小于"),
    ({"verification_result": None}, "status", "核实结果"),
    ({"verified_at": datetime(2026, 1, 1)}, "verified_at", "早于"),
    ({"status": "closed"}, "closed_at", "办结时间"),
    ({"captured_at": "2026-01-10"}, "captured_at", "日期时间"),
    ({"occurred_on": datetime(2026, 1, 9, 8)}, "occurred_on", "日期"),
    ({"occurred_on": date(2026, 1, 11)}, "occurred_on", "晚于"),
    ({"assigned_at": datetime(2026, 1, 10, 8)}, "assigned_at", "早于"),
    ({"closed_at": datetime(2026, 1, 10, 12), "status": "closed"}, "closed_at", "早于"),
    ({"closed_at": datetime(2026, 1, 12)}, "status", "已办结"),
    ({"status": "pending"}, "status", "不应为"),
    ({"assigned_unit": "440000"}, "assigned_unit", "不是广东省的报送单位代码"),
    ({"unit_code": None}, "place_precision", "属地待定"),
])
def test_each_fault_has_a_readable_reason(lookups, changes, column, words):
    problems = validate_row(good_row(**changes), *lookups)
    assert any(p.column == column and words in p.text("zh") for p in problems), [p.text() for p in problems]
    assert all(p.text("en") for p in problems)


def test_a_result_without_a_time_is_valid(lookups):
    """核实时间不详: verified, its time not given (schema 3); counted verified, never on time or late."""
    row = good_row(verified_at=None)
    assert validate_row(row, *lookups) == [] and verification_time_unknown(row)
    assert not verification_time_unknown(good_row())


def test_place_unknown_is_valid_without_a_unit(lookups):
    row = good_row(unit_code=None, place_precision="unknown", place_reason="标题和描述中没有可识别的广东省地名",
                   lon=None, lat=None)
    assert validate_row(row, *lookups) == []


def test_a_problem_names_the_columns_that_may_settle_it(lookups):
    """Ingest sets aside the first of a problem's columns the row stated (ledger.ingest.dedupe.settle)."""
    closed = validate_row(good_row(closed_at=datetime(2026, 1, 12)), *lookups)
    assert [p.columns for p in closed] == [("status", "closed_at")]
    coordinates = validate_row(good_row(lat=None), *lookups)
    assert [p.columns for p in coordinates] == [("lon", "lat")]


def test_county_of_the_right_unit_passes(lookups):
    baoan = next(c for c in geo.counties() if c.short_zh == "宝安")
    assert validate_row(good_row(unit_code="440300", county_code=baoan.code), *lookups) == []


def test_every_enum_code_has_both_labels():
    for enum in ENUMS.values():
        for code, (zh, en) in enum.labels.items():
            assert zh and en, (enum.name, code)
    assert SOURCE.code_for_label("南方网") == "southcn"
    assert STATUS.label("closed", "zh") == "已办结"


def test_arrow_schema_matches_columns():
    assert ITEMS_SCHEMA.names == [c.name for c in COLUMNS]
    assert len(set(ITEMS_SCHEMA.names)) == len(COLUMNS)
