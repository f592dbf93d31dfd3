"""The row rules of ingest on files shaped like what offices really send: every line below a
header is a skipped line (listed with its number) or a data row in exactly one outcome (new,
merged duplicate, update, 非本省, quarantined); a bad detail is set aside with a warning and
the row accepted; only a row that cannot be a dispute record is quarantined. The files are
written into tmp_path by the test (the 3,501-row ledger is too big to commit)."""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from ledger import geo
from ledger.config import CLB_EXPORTS, load_settings
from ledger.ingest import ingest_files
from ledger.ingest.dedupe import DETAIL_FATE
from ledger.schema import COLUMNS
from ledger.store import current_snapshot

LEDGER_HEADER = ["标题", "发布时间", "所属地市", "涉事企业", "行业", "涉及人数", "主要诉求", "来源", "核实情况"]
RESULTS = ["属实", "部分属实", "不实", "经核实，情况属实", "经核实，情况不属实", None]


def items_of(settings) -> pl.DataFrame:
    return pl.read_parquet(current_snapshot(settings).table("items"))


def by_row(notes) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for n in notes:
        found.setdefault(n.row, []).append(n.reason[0])
    return found


def three_year_ledger(path: Path, rows: int = 3501) -> dict[str, int]:
    """A plain historical ledger (no 核实时间) covering all 21 cities, with a few rows of no city,
    unknown industries and impossible counts. Returns how many of each kind it holds."""
    rng = random.Random(17)
    cities = [u.name_zh for u in geo.units() if u.code != "440606"]
    start = datetime(2022, 1, 1, 8)
    kinds = {"no_city": 0, "bad_industry": 0, "bad_count": 0, "verified": 0}
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(LEDGER_HEADER)
        for i in range(rows):
            city = cities[i % len(cities)]
            industry, count = rng.choice(["制造业", "建筑业", "交通运输业", "批发和零售业"]), f"{rng.randint(5, 400)}人"
            if i % 500 == 7:
                city, kinds["no_city"] = "", kinds["no_city"] + 1
            if i % 400 == 11:
                industry, kinds["bad_industry"] = "新兴业态", kinds["bad_industry"] + 1
            if i % 450 == 13:
                count, kinds["bad_count"] = rng.choice(["-30", "99999999999999999999", "5000000人"]), kinds["bad_count"] + 1
            result = RESULTS[i % len(RESULTS)]
            kinds["verified"] += result is not None
            out.writerow([f"{city or '某地'}一{industry[:2]}企业{i}号工人讨薪", f"{start + timedelta(hours=7 * i):%Y-%m-%d %H:%M}",
                          city, f"某某{i}有限公司", industry, count, "欠薪", "南方网", result or ""])
    return kinds


def test_a_three_year_ledger_is_taken_in(tmp_path):
    path = tmp_path / "三年台账.csv"
    kinds = three_year_ledger(path)
    settings = load_settings(tmp_path / "ledger")
    report = ingest_files(settings, [path])
    f = report.files[0]
    assert f.rows_read == 3501 and f.balanced and "合计相符" in report.summary()
    assert f.accepted >= 0.99 * f.rows_read, report.summary()
    assert f.accepted == 3501 and f.quarantined == f.outside == 0  # nothing is lost for a missing detail
    items = items_of(settings)
    assert set(items["unit_code"].drop_nulls()) == {u.code for u in geo.units()} - {"440606"}
    undetermined = items.filter(pl.col("unit_code").is_null())
    assert undetermined.height == kinds["no_city"]
    assert set(undetermined["place_precision"]) == {"unknown"} and undetermined["verify_due_at"].null_count() == kinds["no_city"]
    verified = items.filter(pl.col("verification_result").is_not_null())
    assert verified.height == kinds["verified"]  # counted as verified, with the time unknown (核实时间不详)
    assert verified["verified_at"].null_count() == verified.height and set(verified["status"]) == {"verified"}
    warnings = [w.reason[0] for w in f.warnings]
    assert sum("新兴业态" in w for w in warnings) == kinds["bad_industry"]
    counts = [w for w in warnings if w.startswith("涉及人数")]
    assert len(counts) == kinds["bad_count"]
    assert items.filter(pl.col("participants_low") > 1_000_000).height == 0  # set aside, never clamped
    assert "99999999999999999999" in set(items["participants_text"].drop_nulls())  # the text is kept
    assert sum("核实时间不详" in n.reason[0] for n in f.notes) == kinds["verified"]


def office_workbook(path: Path) -> None:
    """Two title rows, a merged header cell, 所属地市 merged down a block, 核实情况 without a time,
    a 合计 line and one row repeated three times (with a stray space and another source word)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, 6, "2024年第一季度劳动关系舆情台账")
    sheet.write_row(1, 0, ["填报单位：某市总工会", None, None, None, None, None, "填报日期：2024-04-02"])
    sheet.merge_range(2, 0, 2, 1, "标题")
    sheet.write_row(2, 2, ["发布时间", "所属地市", "涉事企业", "来源", "核实情况"])
    rows = [
        ["湛江一水产公司工人讨薪", "2024-01-05 09:00", "湛江市", "湛江海丰水产有限公司", "南方网", "属实"],
        ["汕头玩具厂停工", "2024-01-06 10:00", "汕头市", "汕头某玩具厂", "人民网", "部分属实"],
        ["某工地农民工讨要工资", "2024-01-07 11:00", "清远市", "", "南方网", "经核实，情况属实"],
        ["某工地农民工讨要工资 ", "2024-01-07 11:00", "清远市", "", "微信", ""],
        ["某工地农民工讨要工资", "2024-01-07 11:00", "清远市", "", "南方网", ""],
        ["梅州一鞋厂欠薪", "2024-01-08 12:00", "梅州市", "梅州某鞋业", "南方网", ""],
    ]
    for i, row in enumerate(rows):
        sheet.merge_range(3 + i, 0, 3 + i, 1, row[0])
        sheet.write_row(3 + i, 2, row[1:])
    sheet.write_row(9, 0, ["合计", None, 6])
    book.close()


def test_an_office_workbook(tmp_path):
    path = tmp_path / "一季度台账.xlsx"
    office_workbook(path)
    settings = load_settings(tmp_path / "ledger")
    report = ingest_files(settings, [path])
    f = report.files[0]
    assert (f.rows_read, f.accepted, f.duplicates, f.updated, f.outside, f.quarantined) == (6, 4, 2, 0, 0, 0)
    assert [(n.row, n.reason[0]) for n in f.skipped_lines] == [(10, "合计行")]
    items = items_of(settings)
    assert items.filter(pl.col("title").str.contains("讨要工资")).height == 1  # three repeated rows, one item
    assert set(items["unit_code"]) == {"440800", "440500", "441800", "441400"}
    assert items.filter(pl.col("verification_result").is_not_null())["verified_at"].null_count() == 3


def test_total_lines_by_their_shape(tmp_path):
    path = tmp_path / "totals.csv"
    path.write_text("标题,发布时间,地区,涉及人数\n"
                    "Total wage arrears of 300 workers at a Dongguan factory,2024-03-05 10:00,东莞,300\n"
                    "合计拖欠工资事件,2024-03-06 10:00,深圳,20\n"
                    "合计,,,320\n"
                    "Sum,,,\n"
                    "\n"
                    "标题,发布时间,地区,涉及人数\n", encoding="utf-8")
    settings = load_settings(tmp_path / "ledger")
    f = ingest_files(settings, [path]).files[0]
    assert (f.rows_read, f.accepted) == (2, 2)
    assert [(n.row, n.reason[0]) for n in f.skipped_lines] == [(4, "合计行"), (5, "合计行"), (6, "空行"),
                                                               (7, "重复的表头行")]


def test_each_row_stands_alone_and_details_are_set_aside(tmp_path):
    path = tmp_path / "hostile.csv"
    rows = [
        ["标题", "发布时间", "地区", "涉事企业", "涉事企业", "涉及人数", "核实时间", "核实结果", "等级"],
        ["东莞一厂工人讨薪", "9999-12-31", "东莞", "甲公司", "乙公司", "20", "", "", ""],  # 2: unusable time
        ["东莞二厂工人讨薪", "0001-01-01 00:00", "东莞", "", "", "", "", "", ""],  # 3
        ["\u200b\u200b", "2024-03-05", "东莞", "", "", "", "", "", ""],  # 4: empty after cleaning
        ["\u202e", "2024-03-05", "东莞", "", "", "", "", "", ""],  # 5
        ["深圳\x00一厂\u202e聚集", "2024-03-05 10:00", "深圳", "丙公司", "丁公司", "99999999999999999999", "",
         "", "V级"],  # 6: accepted, control characters removed, count and grade set aside
        ["广州一厂停工", "2024-03-06 10:00", "广州", "", "", "-5", "9999-12-31", "属实", ""],  # 7
        ["佛山一厂停工", "2024-03-07 10:00", "佛山", "", "", "", "2024-03-01", "属实", ""],  # 8: verified before captured
    ]
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    settings = load_settings(tmp_path / "ledger")
    report = ingest_files(settings, [path])
    f = report.files[0]
    assert f.balanced and (f.rows_read, f.accepted, f.quarantined) == (7, 3, 4)
    problems = by_row(f.problems)
    assert "9999-12-31" in problems[2][0] and "0001-01-01" in problems[3][0]
    assert problems[4] == problems[5] == ["标题为空或只有不可见字符"]
    warnings = by_row(f.warnings)
    assert "已删除不可见控制字符" in warnings[6] and any("人数超过" in w for w in warnings[6])
    assert any("等级" in w for w in warnings[6]) and any("人数不能为负" in w for w in warnings[7])
    assert any("核实时间" in w and "不在可用范围内" in w for w in warnings[7])
    assert any("早于发布时间" in w and "已略去核实时间" in w for w in warnings[8])
    items = {r["title"]: r for r in items_of(settings).iter_rows(named=True)}
    shenzhen = items["深圳一厂聚集"]
    assert shenzhen["participants_low"] is None and shenzhen["grade"] is None and shenzhen["enterprise"] == "丙公司"
    assert "已删除不可见控制字符" in shenzhen["warnings"]
    assert items["广州一厂停工"]["verified_at"] is None and items["佛山一厂停工"]["verified_at"] is None
    assert items["佛山一厂停工"]["verification_result"] == "true"  # the result is kept, its bad time set aside
    origins = pl.read_parquet(current_snapshot(settings).table("item_origins"))
    assert any('"涉事企业(2)": "丁公司"' in o for o in origins["original"])  # the repeated header's column kept
    assert any("表头“涉事企业”出现在第 4、5 列" in n.reason[0] for n in f.notes)


def test_every_column_has_a_fate():
    """The decision table: only what makes a dispute record at all is fatal."""
    assert set(DETAIL_FATE) == {c.name for c in COLUMNS}
    assert {c for c, fate in DETAIL_FATE.items() if fate == "quarantine"} == {"item_id", "title", "captured_at"}


def clb_rows(path: Path) -> None:
    header = ["Date", "Title", "Description", "Province", "Industry", "Participants", "Employer", "Enterprise Type",
              "Action Taken Involve", "Employee Demands Involve", "Response to Collective Action"]
    rows = [["2014-03-01", f"Workers in {city} strike over wage arrears", f"Workers in {city} stopped work.",
             "Guangdong", "Manufacturing", "1-100 Persons", "", "Private", "Strike", "Wage Arrears", ""]
            for city in ("Shantou", "Zhanjiang", "Qingyuan", "Meizhou")]
    rows.append(["2014-03-02", "Sanitation workers strike", "Sanitation workers stopped work over pay.", "Guangdong",
                 "Services", "1-100 Persons", "", "", "Strike", "Wage Arrears", ""])
    rows.append(["2014-03-02", "Taxi drivers strike in Hangzhou", "", "Zhejiang", "Transport", "1-100 Persons", "",
                 "", "Strike", "", ""])
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for i, row in enumerate([header, *rows]):
        sheet.write_row(i, 0, row)
    book.close()


def test_clb_rows_from_the_whole_province(tmp_path):
    path = tmp_path / "clb.xlsx"
    clb_rows(path)
    settings = load_settings(tmp_path / "ledger")
    f = ingest_files(settings, [path]).files[0]
    assert (f.format, f.rows_read, f.accepted, f.outside, f.quarantined) == ("clb", 6, 5, 1, 0)
    items = items_of(settings)
    assert set(items["unit_code"].drop_nulls()) == {"440500", "440800", "441800", "441400"}
    assert items.filter(pl.col("unit_code").is_null())["place_precision"].to_list() == ["unknown"]


@pytest.mark.parametrize("name", sorted(p.name for p in CLB_EXPORTS.glob("clb_*.xlsx")) or ["none"])
def test_real_clb_exports(tmp_path, name):
    if not CLB_EXPORTS.is_dir() or name == "none":
        pytest.skip("China Labour Bulletin exports not found in ../shared/data/clb/ (the shared data folder)")
    settings = load_settings(tmp_path / "ledger")
    report = ingest_files(settings, [CLB_EXPORTS / name], dry_run=True)
    f = report.files[0]
    assert f.balanced and not f.error
    guangdong = f.rows_read - f.outside
    assert all(n.reason[0].startswith("非本省（省份：") for n in f.outside_rows)  # other provinces, never corrected
    for note in f.problems:  # a quarantined Guangdong row says what to fix
        assert note.reason[0] and "Traceback" not in note.reason[0]
    assert f.accepted + f.duplicates + f.quarantined == guangdong
    assert f.accepted + f.duplicates >= 0.99 * guangdong, report.summary()  # a repeated incident is merged
    print(f"{name}: {f.rows_read} rows, {guangdong} in Guangdong, {f.accepted} accepted, {f.duplicates} merged, "
          f"{f.quarantined} quarantined, {f.outside} 非本省")


def test_near_duplicates_are_looked_for_on_the_days_around_in_the_rows_unit_and_where_the_unit_is_unknown():
    """The blocked near-duplicate search (day × unit) finds what the whole-week scan found where
    the place agrees or is not known, and never pairs two places that disagree."""
    from ledger.ingest.dedupe import LedgerState
    from ledger.ingest.rows import Row

    when = datetime(2026, 3, 5, 9, 0)
    state = LedgerState()
    for item_id, unit, title in (("A", "441900", "东莞长安五金厂数百工人停工讨薪"), ("B", None, "佛山某陶瓷厂工人聚集要求补缴社保")):
        state.remember({"item_id": item_id, "unit_code": unit, "title": title, "enterprise": "恒达五金制品有限公司",
                        "captured_at": when, "url": None})

    def row(title: str, unit: str | None, days: int = 1) -> Row:
        return Row("f.csv", None, 2, {}, fields={"title": title, "unit_code": unit, "enterprise": "东莞恒达五金制品有限公司",
                                               "captured_at": when + timedelta(days=days)})

    assert state.same_dispute(row("东莞长安五金厂数百名工人停工讨薪", "441900")) == "A"
    assert state.same_dispute(row("东莞长安五金厂数百名工人停工讨薪", None)) == "A"  # unit unknown: any unit's
    assert state.same_dispute(row("东莞长安五金厂数百名工人停工讨薪", "440300")) is None  # another unit
    assert state.same_dispute(row("东莞长安五金厂数百名工人停工讨薪", "441900", days=4)) is None  # beyond 3 days
    assert state.same_dispute(row("佛山某陶瓷厂工人聚集要求补缴社保！", "440600", days=-2)) == "B"  # item's unit unknown


def test_new_items_kept_as_arrow_come_back_as_they_went_in():
    """A file's new items are kept as Arrow tables of CHUNK_ROWS as they come (memory); a later
    row that changes one gets it back whole, from a finished table or from the pending rows."""
    from ledger.ingest.dedupe import CHUNK_ROWS, NewItems
    from ledger.schema import ITEMS_SCHEMA

    def item(n: int) -> dict:
        return {**dict.fromkeys(ITEMS_SCHEMA.names), "item_id": f"I{n}", "title": f"第{n}号厂欠薪",
                "captured_at": datetime(2026, 3, 5, 9, 0) + timedelta(minutes=n), "participants_low": n,
                "demands": ["欠薪"], "union_present": n % 2 == 0}

    kept = NewItems()
    places = [kept.add(item(n)) for n in range(CHUNK_ROWS + 7)]
    assert places == list(range(CHUNK_ROWS + 7)) and len(kept) == CHUNK_ROWS + 7
    for n in (0, CHUNK_ROWS - 1, CHUNK_ROWS, CHUNK_ROWS + 6):  # both sides of the first table's end
        assert kept.get(n) == item(n)
    tables = kept.tables()
    assert [t.num_rows for t in tables] == [CHUNK_ROWS, 7] and all(t.schema == ITEMS_SCHEMA for t in tables)
