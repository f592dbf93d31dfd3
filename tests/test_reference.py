"""Reference data integrity: codes unique, every county in a unit, places in the delta,
festival dates complete, grade thresholds ordered."""
from __future__ import annotations

from datetime import date

from ledger import geo, reference
from ledger.schema import in_guangdong

PRD = {"440100", "440300", "440400", "440600", "440606", "441300", "441900", "442000", "440700", "441200"}
OTHERS = {"440200", "440500", "440800", "440900", "441400", "441500", "441600", "441700", "441800", "445100",
          "445200", "445300"}
UNITS = PRD | OTHERS


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
    assert all(c.code.startswith(c.unit_code[:4]) for c in counties)


def test_dongguan_zhongshan_and_shunde_have_towns():
    by_unit = {}
    for c in geo.counties():
        by_unit.setdefault(c.unit_code, []).append(c)
    assert len(by_unit["441900"]) >= 30 and len(by_unit["442000"]) >= 20 and len(by_unit["440606"]) == 10
    assert {"长安", "虎门"} <= {c.short_zh for c in by_unit["441900"]}
    assert "伦教" in {c.short_zh for c in by_unit["440606"]}
    assert "顺德" not in {c.short_zh for c in by_unit["440600"]}


def test_places_lie_in_the_delta_and_have_names():
    for place in geo.units() + geo.counties():
        assert in_guangdong(place.lon, place.lat), place
        assert place.name_zh and place.name_en and place.pinyin, place


def test_aliases_include_the_common_ones():
    aliases = {a for p in geo.units() + geo.counties() for a in p.aliases}
    assert {"莞", "鹏城"} <= aliases
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
