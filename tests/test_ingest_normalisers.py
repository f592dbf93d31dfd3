"""The normalisers, by example and by fuzzing (hypothesis): dates, participant counts, places,
enums and headers never crash on what people type (whole files: test_ingest_properties.py)."""
from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, strategies as st

from ledger.ingest.dates import DateError, parse_datetime
from ledger.ingest.enums import map_industry, map_values, parse_bool
from ledger.ingest.headers import field_for
from ledger.ingest.participants import parse_participants
from ledger.ingest.places import gazetteer
from ledger.ingest.readers import decode


@pytest.mark.parametrize("text, expected", [
    ("2024-03-05", datetime(2024, 3, 5)),
    ("2024/3/5 14:03", datetime(2024, 3, 5, 14, 3)),
    ("2024年3月5日", datetime(2024, 3, 5)),
    ("2024年3月5日 14时03分", datetime(2024, 3, 5, 14, 3)),
    ("２０２４－０３－０５", datetime(2024, 3, 5)),  # full-width digits
    ("20240305", datetime(2024, 3, 5)),
    ("3月5日", datetime(2023, 3, 5)),  # year from the hint
    (45356, datetime(2024, 3, 5)),  # Excel serial
    ("45356", datetime(2024, 3, 5)),
    ("2024-03-05T06:03:00Z", datetime(2024, 3, 5, 14, 3)),  # UTC to Beijing time
    (1709618580, datetime(2024, 3, 5, 14, 3)),  # Unix seconds
    ("March 5, 2024", datetime(2024, 3, 5)),
])
def test_dates_in_office_forms(text, expected):
    assert parse_datetime(text, year_hint=2023) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "下周一", "3月5日", "13/45/2024"])
def test_unreadable_dates_raise_date_error(text):
    with pytest.raises(DateError):
        parse_datetime(text)  # "3月5日" has no year and no hint


@pytest.mark.parametrize("text, low, high", [
    ("200", 200, 200), ("约200人", 200, 200), ("200余人", 200, 299), ("数百人", 200, 999),
    ("上千人", 1000, 1999), ("100-1000", 100, 1000), ("1-100 Persons", 1, 100), ("10000+ Persons", 10000, None),
    ("二百余人", 200, 299), ("1.5万人", 15000, 15000), ("超过300人", 300, None), ("几十名工人", 20, 99),
    ("百余人", 100, 199), (150, 150, 150), ("说不清", None, None),
])
def test_participant_counts(text, low, high):
    count = parse_participants(text)
    assert (count.low, count.high) == (low, high)
    assert count.text == str(text)


@pytest.mark.parametrize("texts, whole_cell, unit, county", [
    (["深圳市宝安区"], True, "440300", "440306"),
    (["Bao'an"], True, "440300", "440306"),
    (["dongguan"], True, "441900", None),
    (["莞"], True, "441900", None),
    (["佛山市顺德区伦教街道"], True, "440606", "440606003"),
    (["Workers at a factory in Lunjiao, Shunde, went on strike"], False, "440606", "440606003"),
    (["Huangpu district, Guangzhou"], False, "440100", "440112"),  # the city settles the ambiguity
    (["东莞市长安镇一五金厂"], False, "441900", "441900119"),
    # the whole province: a city outside the delta is a unit like the others
    (["Shantou toy factory strike"], False, "440500", None),
    (["湛江一水产公司工人讨薪"], False, "440800", None),
    (["梅州市"], True, "441400", None),
    (["Workers in Qingyuan block a road"], False, "441800", None),
    (["湖南籍工人在东莞讨薪"], False, "441900", None),  # a Guangdong place named wins over another province
])
def test_places_resolve(texts, whole_cell, unit, county):
    found = gazetteer().resolve(texts, whole_cell=whole_cell)
    assert (found.unit_code, found.county_code, found.problem) == (unit, county, None)


@pytest.mark.parametrize("texts, words", [
    (["Huangpu workers protest"], "黄圃"),
    (["Dongguan workers petition in Guangzhou"], "广州市、东莞市"),
    (["光明网报道一起纠纷"], "广东省地名"),  # 光明 alone is an ordinary word, not 光明区
    (["世界和平与新兴产业论坛"], "广东省地名"),  # 和平 and 新兴 are words before they are counties
])
def test_places_not_guessed(texts, words):
    found = gazetteer().resolve(texts)
    assert found.unit_code is None and found.outside is None and words in found.problem[0]


@pytest.mark.parametrize("texts, whole_cell, named", [
    (["长沙市"], True, "长沙"),
    (["Workers at a car parts factory in Ningbo, Zhejiang, strike"], False, "浙江"),
    (["Henan"], True, "河南"),
])
def test_other_provinces_are_outside(texts, whole_cell, named):
    found = gazetteer().resolve(texts, whole_cell=whole_cell)
    assert (found.unit_code, found.problem, found.outside) == (None, None, named)


def test_enums_keep_what_they_cannot_map():
    mapped = map_values("demands", "Wage arrears, Social insurance, Bonus")
    assert mapped.codes == ["wage_arrears", "social_insurance", "other"] and mapped.unmapped == ["Bonus"]
    assert map_values("ownership", "港资").codes == ["hmt"]
    assert map_values("ownership", "不详").codes == []  # unknown is not "other"
    assert map_values("verification_result", "经核实，情况不属实").codes == ["false"]
    assert map_industry("Manufacturing")[:2] == ("C", None)
    assert map_industry("纺织服装、服饰业")[:2] == ("C", "18")
    assert map_industry("Services") == (None, None, "Services")
    assert parse_bool("是") is True and parse_bool("无") is False and parse_bool("也许") is None


def test_header_variants():
    assert {field_for(h) for h in ("标题", "题目", "Title")} == {"title"}
    assert {field_for(h) for h in ("发布时间", "时间", "日期", "Date")} == {"captured_at"}
    assert {field_for(h) for h in ("地区", "所属地市", "属地")} == {"city"}
    assert field_for("涉及人数（人）") == "participants" and field_for("* 标题") == "title"
    assert field_for("序号") is None
    assert field_for("所属地市代码") == "unit_code"  # our own export


def test_encodings_are_detected_not_assumed():
    text = "标题,发布时间,地区\n东莞一五金厂工人讨薪,2024-03-05,东莞市\n"
    assert decode(text.encode("gbk"))[0] == text
    assert decode(text.encode("utf-8-sig")) == (text, "utf-8-sig")
    assert decode(("䶮" + text).encode("gb18030"))[0] == "䶮" + text


# ---- fuzzing -----------------------------------------------------------------------------------

anything = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**12, 10**13),
                     st.floats(allow_nan=True, allow_infinity=True), st.booleans())
REALISTIC = ["2024-03-05", "3月5日", "45356", "约200人", "数百人", "1-100 Persons", "东莞", "Bao'an", "宝安区", "长沙",
             "欠薪、社保", "Strike, Protest", "港资", "属实", "合计", "=1+1", "'=SUM(A1)", "", " ", "—", "不详"]


@given(anything, st.one_of(st.none(), st.integers(1900, 2100)))
def test_dates_never_crash(value, year):
    try:
        result = parse_datetime(value, year)
    except DateError:
        return
    assert result is None or isinstance(result, datetime)


@given(anything)
def test_participants_never_crash_and_stay_ordered(value):
    count = parse_participants(value)
    if count is not None and count.low is not None and count.high is not None:
        assert count.low <= count.high  # never clamped: a negative count is set aside by the row


@given(st.lists(st.one_of(st.sampled_from(REALISTIC), st.text(max_size=60)), max_size=3), st.booleans())
def test_places_never_crash(texts, whole_cell):
    found = gazetteer().resolve(texts, whole_cell=whole_cell)
    assert (found.unit_code is None) == (found.problem is not None or found.outside is not None)
    assert found.problem is None or found.outside is None


@given(st.sampled_from(["source", "ownership", "demands", "action_forms", "status", "verification_result"]), anything)
def test_enums_never_crash(field, value):
    mapped = map_values(field, value)
    assert len(mapped.codes) == len(set(mapped.codes))
