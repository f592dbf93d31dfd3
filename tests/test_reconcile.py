"""Monthly reconciliation on a fixture pair: the province's ledger (a real demo snapshot) and a
unit's own export of the same month, edited the way units' ledgers go wrong: a row missing, an
extra row, a status, a result, a grade and a date that differ. Every kind must be found, and
nothing else."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timedelta

import openpyxl
import polars as pl
import pytest

from ledger.access import audit
from ledger.workflow import reconcile
from ledger.config import REPO_ROOT
from ledger.documents.export import export_snapshot
from ledger.store import current_snapshot
from queries import ALL
from tests.helpers import build_demo

UNIT, MONTH = "440300", "2026-10"


def province_items(settings) -> pl.DataFrame:
    first, last = reconcile.month_bounds(MONTH)
    return pl.read_parquet(current_snapshot(settings).table("items")).filter(
        (pl.col("unit_code") == UNIT) & pl.col("captured_at").dt.date().is_between(first, last)).sort("item_id")


@pytest.fixture
def pair(tmp_path, monkeypatch):
    """(settings, the unit's file, what was changed in it)."""
    settings = build_demo(tmp_path / "data", n_items=3000, seed=5)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    first, last = reconcile.month_bounds(MONTH)
    unit_file = tmp_path / "深圳_2026-10.xlsx"
    export_snapshot(current_snapshot(settings), unit_file, ALL, since=first, until=last, units=[UNIT])
    book = openpyxl.load_workbook(unit_file)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    col = {name: header.index(name) + 1 for name in ("编号", "状态", "核实结果", "等级", "核实时间", "标题")}
    rows = list(range(2, sheet.max_row + 1))
    verified = [r for r in rows if sheet.cell(r, col["核实结果"]).value]
    graded = [r for r in verified[6:] if sheet.cell(r, col["等级"]).value in ("III", "IV", "III级（较大）", "IV级（一般）")]
    changed = {
        "status": sheet.cell(verified[0], col["编号"]).value,
        "result": sheet.cell(verified[1], col["编号"]).value,
        "grade": sheet.cell(graded[2], col["编号"]).value,
        "date": sheet.cell(verified[3], col["编号"]).value,
        "missing": sheet.cell(verified[4], col["编号"]).value,
    }
    sheet.cell(verified[0], col["状态"]).value = "已办结" if sheet.cell(verified[0], col["状态"]).value != "已办结" else "已核实"
    old_result = sheet.cell(verified[1], col["核实结果"]).value
    sheet.cell(verified[1], col["核实结果"]).value = "不实" if old_result != "不实" else "属实"
    sheet.cell(graded[2], col["等级"]).value = "I"
    when = sheet.cell(verified[3], col["核实时间"]).value
    moved = (when if isinstance(when, datetime) else datetime.fromisoformat(str(when))) + timedelta(days=2)
    sheet.cell(verified[3], col["核实时间"]).value = moved.strftime("%Y-%m-%d %H:%M")
    extra = sheet.max_row + 1
    for c in range(1, len(header) + 1):
        sheet.cell(extra, c).value = sheet.cell(verified[5], c).value
    sheet.cell(extra, col["编号"]).value = "SZ-LOCAL-0001"
    sheet.cell(extra, col["标题"]).value = "深圳某厂工人聚集（地市自行报送）"
    sheet.delete_rows(verified[4])
    book.save(unit_file)
    return settings, unit_file, changed


def test_every_kind_of_discrepancy_is_found_and_nothing_else(pair):
    settings, unit_file, changed = pair
    result = reconcile.reconcile(current_snapshot(settings), ALL, UNIT, MONTH, unit_file)
    found = result.discrepancies
    assert found.filter(pl.col("kind") == "only_province")["item_id"].to_list() == [changed["missing"]]
    assert found.filter(pl.col("kind") == "only_unit")["item_id"].to_list() == ["SZ-LOCAL-0001"]
    differs = {(r["item_id"], r["field"]) for r in found.filter(pl.col("kind") == "differs").iter_rows(named=True)}
    assert differs == {(changed["status"], "状态"), (changed["result"], "核实结果"), (changed["grade"], "等级"),
                       (changed["date"], "核实时间")}
    grade_row = found.filter((pl.col("item_id") == changed["grade"]) & (pl.col("field") == "等级")).row(0, named=True)
    assert grade_row["unit"] == "I级（特别重大）"
    items = province_items(settings)
    month_end = datetime(2026, 11, 1)
    unverified = items.filter(pl.col("verified_at").is_null() | (pl.col("verified_at") >= month_end))["item_id"]
    assert sorted(found.filter(pl.col("kind") == "unverified")["item_id"].to_list()) == sorted(unverified.to_list())
    assert result.province_n == items.height and result.unit_n == items.height  # one removed, one added


def test_the_report_is_signed_by_both_sides_and_a_fixed_discrepancy_counts_as_resolved(pair, tmp_path):
    settings, unit_file, changed = pair
    snapshot = current_snapshot(settings)
    first = reconcile.reconcile(snapshot, ALL, UNIT, MONTH, unit_file)
    with pytest.raises(reconcile.ReconcileError):
        reconcile.sign_off(settings, first, "province", "省总 王")  # only a report that was run and logged
    reconcile.record_run(settings, first, "cli")
    reconcile.sign_off(settings, first, "province", "省总 王")
    reconcile.sign_off(settings, first, "unit", "深圳 陈")
    book = openpyxl.load_workbook(io.BytesIO(reconcile.report_xlsx(first, reconcile.signoffs(settings, UNIT, MONTH))))
    summary = {row[0]: row[1] for row in book["对账汇总"].iter_rows(values_only=True)}
    assert summary["报告编号"] == first.report_id and summary["省总工会确认"].startswith("省总 王")
    assert book["差异明细"].max_row == first.discrepancies.height + 1
    assert reconcile.discrepancy_history(settings, MONTH)[UNIT]["signed"] == ["province", "unit"]

    book = openpyxl.load_workbook(unit_file)  # the unit corrects its grade
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, header.index("编号") + 1).value == changed["grade"]:
            grade = province_items(settings).filter(pl.col("item_id") == changed["grade"])["grade"][0]
            sheet.cell(r, header.index("等级") + 1).value = grade
    book.save(unit_file)
    second = reconcile.reconcile(snapshot, ALL, UNIT, MONTH, unit_file)
    reconcile.record_run(settings, second, "cli")
    history = reconcile.discrepancy_history(settings, MONTH)[UNIT]
    assert (history["found"], history["resolved"], history["open"]) == \
           (first.discrepancies.height, 1, first.discrepancies.height - 1)
    assert history["signed"] == []  # a new report needs new sign-offs


def test_cli_writes_the_report_and_refuses_a_bad_month(pair, tmp_path):
    settings, unit_file, _ = pair
    out = tmp_path / "report.xlsx"
    run = subprocess.run([sys.executable, "-m", "ledger", "reconcile", "--month", MONTH, "--unit", "深圳",
                          str(unit_file), "--out", str(out), "--json", "--sign", "unit", "--by", "chen"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    counts = json.loads(run.stdout)["counts"]
    signed, ran = audit.read(settings, event="reconciliation")[:2]  # the CLI audits as the page does
    assert (ran["user"], ran["unit"], ran["counts"]) == ("chen", UNIT, counts)
    assert (signed["user"], signed["signed"], signed["report_id"]) == ("chen", "unit", ran["report_id"])
    assert counts["only_province"] == 1 and counts["only_unit"] == 1 and counts["differs"] == 4
    assert openpyxl.load_workbook(out)["差异明细"].max_row > 6
    bad = subprocess.run([sys.executable, "-m", "ledger", "reconcile", "--month", "2026-13", "--unit", "深圳",
                          str(unit_file)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "YYYY-MM" in bad.stderr and "Traceback" not in bad.stderr


def test_the_month_view_counts_found_resolved_and_signed_per_unit(pair):
    from streamlit.testing.v1 import AppTest

    settings, unit_file, _ = pair
    result = reconcile.reconcile(current_snapshot(settings), ALL, UNIT, MONTH, unit_file)
    reconcile.record_run(settings, result, "cli")
    reconcile.sign_off(settings, result, "unit", "深圳 陈")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params["month"] = MONTH
    at.switch_page("app_pages/reconcile.py")
    at.run()
    assert not at.exception
    view = at.dataframe[0].value
    shenzhen = view[view["地市"] == "深圳市"].iloc[0]
    assert shenzhen["发现差异"] == result.discrepancies.height and shenzhen["已确认"] == "地市工会"
    items = province_items(settings)
    assert shenzhen["收到"] == items.height
    assert "尚有" in at.warning[0].value  # the goal is not met while discrepancies are open


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_who_signed_and_offers_the_other_side_its_signature(pair, lang):
    """月度对账 after a run: the province's signature is shown with its signer, the unit's side is a
    button (the page once failed here on a name left over from a refactor)."""
    from streamlit.testing.v1 import AppTest

    from ledger.i18n import pair as both

    settings, unit_file, _ = pair
    result = reconcile.reconcile(current_snapshot(settings), ALL, UNIT, MONTH, unit_file)
    reconcile.record_run(settings, result, "cli")
    reconcile.sign_off(settings, result, "province", "省总 王")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params["month"], at.query_params["lang"] = MONTH, lang
    at.session_state["rec_result"], at.session_state["rec_unit"] = result, UNIT
    at.switch_page("app_pages/reconcile.py").run()
    assert not at.exception, at.exception
    province, unit = (both(f"msg.reconcile.{side}")[lang == "en"] for side in ("province", "unit"))
    assert any(province in s.value and "省总 王" in s.value for s in at.success)
    assert any(unit in b.label for b in at.button)
    headers = list(at.dataframe[-1].value.columns)  # the discrepancies, headed in the page's language
    assert headers[:3] == (["差异类型", "编号", "标题"] if lang == "zh" else ["Discrepancy", "Item ID", "Title"]), headers
