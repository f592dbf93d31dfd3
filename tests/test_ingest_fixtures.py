"""Ingest of every fixture format, end to end through the real journal and snapshots: where each
row goes and why (the table in docs/ingest.md), nothing lost, idempotent, verification updates
kept as history, the export round trip, and a corrected quarantine accepted on resubmission."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from ledger.config import load_settings
from ledger.documents.export import write_items
from ledger.workflow.grade_review import REVIEW_COLUMNS
from ledger.ingest import ingest_files, preview
from ledger.store import Journal, current_snapshot, sha256_of
from queries import ALL, Door, Scope
from tests.helpers import build_demo

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
# In delivery order, into one ledger: file -> (read, accepted, duplicates, quarantined, updated, 非本省).
EXPECTED = {
    "platform_gbk.csv": (7, 4, 1, 1, 0, 1),
    "platform_utf8_bom.csv": (5, 3, 2, 0, 0, 0),
    "platform_gb18030.txt": (2, 2, 0, 0, 0, 0),
    "platform.json": (3, 3, 0, 0, 0, 0),
    "platform.jsonl": (3, 2, 0, 1, 0, 0),
    "city_workbook.xlsx": (6, 6, 0, 0, 0, 0),
    "clb_strike_map.xlsx": (13, 11, 0, 0, 0, 2),
    "city_verification.xlsx": (5, 0, 1, 1, 3, 0),
}


def counts(file_report) -> tuple:
    f = file_report
    return f.rows_read, f.accepted, f.duplicates, f.quarantined, f.updated, f.outside


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """All fixtures ingested in delivery order, one file at a time, into a fresh ledger."""
    settings = load_settings(tmp_path_factory.mktemp("ledger"))
    reports = {name: ingest_files(settings, [FIXTURES / name]) for name in EXPECTED}
    return settings, reports


def items_of(settings) -> pl.DataFrame:
    return pl.read_parquet(current_snapshot(settings).table("items"))


@pytest.mark.parametrize("name", EXPECTED)
def test_every_fixture_row_lands_in_exactly_one_outcome(delivered, name):
    _, reports = delivered
    report = reports[name]
    assert not report.unreadable
    assert counts(report.files[0]) == EXPECTED[name]
    assert report.balanced and "合计相符" in report.summary()


def reasons(report) -> dict[int, str]:
    return {p.row: p.reason[0] for p in report.problems}


def outside(report) -> dict[int, str]:
    return {p.row: p.reason[0] for p in report.outside_rows}


def warnings(report) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for w in report.warnings:
        found.setdefault(w.row, []).append(w.reason[0])
    return found


def test_formats_and_encodings_are_detected(delivered):
    _, reports = delivered
    detected = {name: (r.files[0].format, r.files[0].encoding) for name, r in reports.items()}
    assert detected["platform_gbk.csv"] == ("generic", "gb18030")
    assert detected["platform_utf8_bom.csv"] == ("generic", "utf-8-sig")
    assert detected["platform_gb18030.txt"] == ("generic", "gb18030")
    assert detected["clb_strike_map.xlsx"][0] == "clb"
    gbk = reports["platform_gbk.csv"].files[0]
    assert gbk.skipped == {"合计行": 1}
    assert gbk.tables[0]["mapping"]["涉及人数"] == "participants" and "序号" not in gbk.tables[0]["mapping"]


def test_gbk_csv_outcomes(delivered):
    settings, reports = delivered
    problems = reasons(reports["platform_gbk.csv"])
    assert set(problems) == {6} and "2024-02-30" in problems[6]
    assert outside(reports["platform_gbk.csv"]) == {5: "非本省（地点：长沙）"}  # counted and listed, not to correct
    assert "微博" in warnings(reports["platform_gbk.csv"])[4][0]  # an unknown source: other, with a warning
    items = items_of(settings)
    hardware = items.filter(pl.col("url") == "https://news.example.cn/a/1001").row(0, named=True)
    assert (hardware["unit_code"], hardware["county_code"]) == ("441900", "441900119")  # 东莞市长安镇
    assert (hardware["participants_low"], hardware["participants_high"], hardware["participants_text"]) == (200, 999, "数百人")
    assert hardware["demands"] == ["wage_arrears", "social_insurance"] and hardware["ownership"] == "hmt"
    white_cloud = items.filter(pl.col("url") == "https://weibo.example.cn/s/1003").row(0, named=True)
    assert white_cloud["captured_at"].year == 2024  # "3月7日" took the year from the other dates
    assert white_cloud["source"] == "other"
    unmapped = reports["platform_gbk.csv"].files[0].unmapped
    assert unmapped["source"] == {"微博": 1, "抖音": 1} and unmapped["demands"] == {"年终奖": 1}


def test_second_platform_is_linked_not_counted_twice(delivered):
    settings, _ = delivered
    origins = pl.read_parquet(current_snapshot(settings).table("item_origins"))
    bom = origins.filter(pl.col("file") == "platform_utf8_bom.csv")
    relation = dict(zip(bom["row"], bom["relation"]))
    assert relation[2] == "same_dispute" and relation[3] == "same_url"
    linked = bom.filter(pl.col("relation") == "same_dispute").row(0, named=True)
    assert json.loads(linked["original"])["媒体"] == "今日头条"
    assert items_of(settings).filter(pl.col("title").str.contains("恒达|长安.*五金")).height == 1


def test_workbook_title_rows_merged_cells_total_row_and_sheets(delivered):
    settings, reports = delivered
    report = reports["city_workbook.xlsx"].files[0]
    assert [(t["sheet"], t["header_row"]) for t in report.tables] == [("3月", 3), ("4月", 1)]
    assert report.skipped == {"合计行": 1}
    items = items_of(settings)
    humen = items.filter(pl.col("title").str.starts_with("虎门"))
    assert humen.height == 3 and set(humen["county_code"]) == {"441900121"}  # merged 镇街 cell
    assert all(t.year == 2024 and t.month == 3 for t in humen["captured_at"])  # year from the title row
    dalang = items.filter(pl.col("title").str.starts_with("大朗")).row(0, named=True)
    assert str(dalang["captured_at"].date()) == "2024-04-03"  # Excel serial 45385
    # 属实 without 核实时间 is verified, its time not given (核实时间不详): accepted, never invented
    tangxia = items.filter(pl.col("title").str.starts_with("塘厦")).row(0, named=True)
    assert (tangxia["status"], tangxia["verification_result"], tangxia["verified_at"]) == ("verified", "true", None)
    assert any(n.row == 7 and "核实时间不详" in n.reason[0] for n in report.notes)


def test_clb_places_from_text_and_reasons_for_the_rest(delivered):
    settings, reports = delivered
    report = reports["clb_strike_map.xlsx"]
    assert reasons(report) == {}
    assert outside(report) == {6: "非本省（省份：Zhejiang）", 7: "非本省（省份：Henan）"}
    items = items_of(settings).filter(pl.col("source") == "other", pl.col("title").str.contains("[A-Za-z]"))
    by_title = {r["title"]: r for r in items.iter_rows(named=True)}
    undetermined = {r["title"]: r for r in by_title.values() if r["unit_code"] is None}
    assert len(undetermined) == 3  # 属地待定: accepted, no unit, no assignment, no deadline, the reason kept
    for item in undetermined.values():
        assert item["place_precision"] == "unknown" and item["place_reason"]
        assert item["assigned_unit"] is item["assigned_at"] is item["verify_due_at"] is None
        assert any(w.startswith("属地待定") for w in item["warnings"])
    reasons_of = sorted(r["place_reason"] for r in undetermined.values())
    assert any("黄圃" in r and "黄埔" in r for r in reasons_of)  # ambiguous, never guessed
    assert any("广州市、东莞市" in r for r in reasons_of) and any("没有可识别的广东省地名" in r for r in reasons_of)
    shantou = next(r for r in by_title.values() if "Shantou" in r["title"])
    assert (shantou["unit_code"], shantou["assigned_unit"], shantou["place_precision"]) == ("440500", "440500", "city")
    assert by_title["Bao'an garment workers block road"]["county_code"] == "440306"
    assert by_title["Furniture workers in Lunjiao protest relocation"]["unit_code"] == "440606"
    assert by_title["Furniture workers in Lunjiao protest relocation"]["demands"] == ["relocation", "severance"]
    strike = by_title["Dongguan electronics workers strike over unpaid wages"]
    assert (strike["participants_low"], strike["participants_high"]) == (100, 1000) and strike["is_collective"]
    assert strike["action_forms"] == ["strike", "gathering"] and strike["ownership"] == "hmt"
    notes = [n.reason[0] for n in reports["clb_strike_map.xlsx"].files[0].notes]
    assert any("Dongguang" in n and "东莞" in n for n in notes)  # a fuzzy match is reported
    assert reports["clb_strike_map.xlsx"].files[0].unmapped["action_forms"] == {"Threaten to jump": 1}


def test_verification_updates_change_status_and_keep_history(delivered):
    settings, reports = delivered
    problems = reasons(reports["city_verification.xlsx"])
    assert set(problems) == {4} and "9999" in problems[4]
    items = items_of(settings)
    hardware = items.filter(pl.col("url") == "https://news.example.cn/a/1001").row(0, named=True)
    assert hardware["status"] == "verified" and hardware["verification_result"] == "true"
    assert hardware["verified_by"] == "东莞市总工会" and str(hardware["verified_at"]) == "2024-03-06 16:00:00"
    assert items.height == 31  # updates made no new items
    history = pl.read_parquet(current_snapshot(settings).table("verifications"))
    status = history.filter(pl.col("item_id") == hardware["item_id"], pl.col("field") == "status").row(0, named=True)
    assert (status["before"], status["after"], status["recorded_by"]) == ('"pending"', '"verified"', "city_verification.xlsx")
    partly = items.filter(pl.col("url") == "https://news.example.cn/a/1002").row(0, named=True)
    assert partly["verification_result"] == "partly"
    white_cloud = items.filter(pl.col("url") == "https://weibo.example.cn/s/1003").row(0, named=True)
    assert (white_cloud["status"], white_cloud["verification_result"], white_cloud["verified_at"]) == \
        ("verified", "true", None)  # a result without a time is an update: 核实时间不详
    # the explorer's history of the item, through the query door and its scope
    door = Door(settings)
    shown = door.q("item_history", ALL, item_id=hardware["item_id"])
    assert ("status", "pending", "verified") in shown.select("field", "before", "after").rows()
    assert door.q("item_history", Scope.only("440300"), item_id=hardware["item_id"]).height == 0


def test_raw_files_are_archived_with_checksums(delivered):
    settings, reports = delivered
    batch_id = reports["platform_gbk.csv"].files[0].batches[0]
    batch = next(b for b in Journal(settings.journal_dir).batches() if b.batch_id == batch_id)
    assert batch.raw_checksums == {sha256_of(FIXTURES / "platform_gbk.csv")}
    assert (batch.path / "raw" / "platform_gbk.csv").read_bytes() == (FIXTURES / "platform_gbk.csv").read_bytes()


def test_ingesting_everything_again_changes_nothing(delivered):
    settings, _ = delivered
    before_batches = [b.batch_id for b in Journal(settings.journal_dir).batches()]
    before = current_snapshot(settings).snapshot_id
    again = ingest_files(settings, [FIXTURES / name for name in EXPECTED])
    assert again.accepted == again.updated == 0 and again.balanced
    assert again.quarantined == sum(e[3] for e in EXPECTED.values())
    assert [b.batch_id for b in Journal(settings.journal_dir).batches()] == before_batches
    assert again.snapshot_id == before
    assert all(f.seen_before for f in again.files)


def test_dry_run_writes_nothing(tmp_path):
    settings = load_settings(tmp_path)
    report = ingest_files(settings, [FIXTURES / "platform_gbk.csv"], dry_run=True)
    assert report.accepted == 4 and report.snapshot_id is None
    assert Journal(settings.journal_dir).batches() == [] and not (tmp_path / "quarantine").exists()


def test_corrected_quarantine_is_accepted_when_resubmitted(tmp_path):
    settings = load_settings(tmp_path / "ledger")
    first = ingest_files(settings, [FIXTURES / "platform_gbk.csv"])
    xlsx = Path(first.files[0].quarantine_files[0])
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["隔离原因", "来源文件", "工作表", "原行号"] and sheet.max_row == 2  # 长沙 is 非本省
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(headers, row))
        if cells["发布时间"].value == "2024-02-30":
            cells["发布时间"].value = "2024-02-29"
    fixed = tmp_path / "fixed.xlsx"
    book.save(fixed)
    second = ingest_files(settings, [fixed])
    assert counts(second.files[0]) == (1, 1, 0, 0, 0, 0), [p.text() for p in second.problems]
    assert items_of(settings).height == 5


def test_export_round_trip_gives_the_same_ledger(tmp_path):
    source = build_demo(tmp_path / "a", n_items=300, seed=11)
    items = items_of(source)
    seconds = lambda f: f.with_columns(pl.col(pl.Datetime).dt.truncate("1s")).sort("item_id")  # noqa: E731
    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"export.{fmt}"
        write_items(items, path)
        assert preview(path).format == "ledger"
        fresh = load_settings(tmp_path / f"b-{fmt}")
        report = ingest_files(fresh, [path])
        assert counts(report.files[0]) == (300, 300, 0, 0, 0, 0)
        back = items_of(fresh)
        # The export keeps times to the second; a grade's confirmation is made in Sentinel, never
        # imported, so a grade I or II item comes back awaiting confirmation.
        assert seconds(back.drop(REVIEW_COLUMNS)).equals(seconds(items.drop(REVIEW_COLUMNS)))
        awaiting = back.filter(pl.col("grade").is_in(["I", "II"]))
        assert awaiting.height and set(awaiting["grade_review"]) == {"pending"}
        assert back.filter(~pl.col("grade").is_in(["I", "II"]) | pl.col("grade").is_null())["grade_review"].null_count() \
            == back.height - awaiting.height
        again = ingest_files(source, [path])
        assert counts(again.files[0]) == (300, 0, 300, 0, 0, 0)


def test_an_edited_export_becomes_updates_with_history(tmp_path):
    settings = build_demo(tmp_path / "a", n_items=100, seed=12)
    items = items_of(settings)
    target = items.filter(pl.col("status") == "verified").row(0, named=True)
    edited = items.with_columns(
        pl.when(pl.col("item_id") == target["item_id"]).then(pl.lit("东莞市某某制品有限公司"))
          .otherwise(pl.col("enterprise")).alias("enterprise"))
    path = tmp_path / "edited.csv"
    write_items(edited, path)
    report = ingest_files(settings, [path])
    assert counts(report.files[0]) == (100, 0, 99, 0, 1, 0)
    history = pl.read_parquet(current_snapshot(settings).table("verifications"))
    assert history.select("item_id", "field").rows() == [(target["item_id"], "enterprise")]
    assert items_of(settings).filter(pl.col("item_id") == target["item_id"])["enterprise"][0] == "东莞市某某制品有限公司"
