"""The 导入 Import page through AppTest against a real (small, private) ledger: upload, preview
of the header mapping, import with the report and the quarantine download, a dry run that
writes nothing, an unreadable file, and English. One fresh AppTest per scenario."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ledger.access import audit
from ledger.config import REPO_ROOT
from ledger.i18n import t
from ledger.store import Journal
from tests.helpers import build_demo

APP = str(REPO_ROOT / "app.py")
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture
def ledger_env(tmp_path, monkeypatch):
    """A ledger of its own: importing writes to it, so the shared demo stays untouched."""
    settings = build_demo(tmp_path / "data", n_items=200, seed=5)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    return settings


def open_import_page(lang: str = "zh", files: list[str] = ()) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if lang != "zh":
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/import.py").run()
    if files:
        at.file_uploader(key="import_files").set_value(
            [(name, (FIXTURES / name).read_bytes(), "application/octet-stream") for name in files]).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception


def test_page_is_listed_and_asks_for_files(ledger_env):
    at = open_import_page()
    assert_clean(at)
    assert at.title[0].value == t("import.heading")
    assert any(t("import.empty") in i.value for i in at.info)
    assert ".csv" in at.file_uploader(key="import_files").allowed_type


def test_upload_preview_import_report_and_quarantine_download(ledger_env):
    at = open_import_page(files=["platform_gbk.csv", "clb_strike_map.xlsx"])
    assert_clean(at)
    mapping = at.dataframe[0].value
    assert dict(zip(mapping[t("import.col.header")], mapping[t("import.col.field")]))["涉及人数"] == "涉及人数"
    at.button[1].click().run()  # 开始导入
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {t("import.rows_read"): "20", t("import.accepted"): "15", t("import.duplicates"): "1",
                       t("import.updated"): "0", t("import.outside"): "3", t("import.quarantined"): "1"}
    assert "合计相符" in at.success[0].value and "非本省 3 条" in at.success[0].value
    tables = [d.value for d in at.dataframe]
    problems = next(d for d in tables if t("import.col.sheet") in d.columns)
    assert len(problems) == 1 and problems[t("import.col.reason")].str.contains("2024-02-30").all()
    warned = next(d for d in tables if t("import.col.original") in d.columns)  # details set aside, with the cell
    assert {"Services", "微博"} <= set(warned[t("import.col.original")].dropna())
    outside = next(d for d in tables if t("import.col.reason") in d.columns
                   and d[t("import.col.reason")].str.contains("非本省").all())
    assert len(outside) == 3 and outside[t("import.col.reason")].str.contains("Zhejiang").any()
    skipped = next(d for d in tables if t("import.col.reason") in d.columns
                   and d[t("import.col.reason")].to_list() == ["合计行"])
    assert skipped[t("import.col.row")].to_list() == [9]
    assert len(Journal(ledger_env.journal_dir).batches()) == 3  # the demo and one per file
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [t("import.download"), t("import.download_warnings")]
    logged = audit.read(ledger_env, event="import")[0]  # the import is in the audit log
    assert logged["files"] == ["platform_gbk.csv", "clb_strike_map.xlsx"] and logged["accepted"] == 15
    assert (logged["outside"], logged["quarantined"]) == (3, 1)


def test_dry_run_writes_nothing(ledger_env):
    at = open_import_page(files=["platform.json"])
    at.button[0].click().run()  # 试运行
    assert_clean(at)
    assert any(t("import.dry_run_done") in i.value for i in at.info)
    assert len(Journal(ledger_env.journal_dir).batches()) == 1


def test_unreadable_file_is_a_sentence(ledger_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/import.py").run()
    at.file_uploader(key="import_files").set_value(("坏文件.xlsx", b"PK\x03\x04 not a workbook", "application/octet-stream")).run()
    assert_clean(at)
    assert at.error and "坏文件.xlsx" in at.error[0].value and "Traceback" not in at.error[0].value


def test_in_english(ledger_env):
    at = open_import_page("en", files=["city_verification.xlsx"])
    assert_clean(at)
    assert at.title[0].value == "Import data"
    at.button[1].click().run()
    assert_clean(at)
    assert "Rows read" in {m.label for m in at.metric}
    assert at.success[0].value.startswith("Read 5 rows")


def test_quarantine_workbook_opens(ledger_env):
    from ledger.ingest import ingest_files

    report = ingest_files(ledger_env, [FIXTURES / "platform_gbk.csv"])
    book = openpyxl.load_workbook(io.BytesIO(report.quarantine_xlsx()))
    sheet = book.worksheets[0]
    assert sheet.max_row == 2 and sheet.freeze_panes == "A2" and [c.value for c in sheet[1]][0] == "隔离原因"


def test_warnings_workbook_has_row_column_reason_and_original(ledger_env):
    from ledger.ingest import ingest_files

    report = ingest_files(ledger_env, [FIXTURES / "platform_gbk.csv"])
    sheet = openpyxl.load_workbook(io.BytesIO(report.warnings_xlsx())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("文件", "工作表", "行号", "列", "原因", "原值")  # as the page's table names them
    english = openpyxl.load_workbook(io.BytesIO(report.warnings_xlsx("en"))).worksheets[0]
    assert next(english.iter_rows(values_only=True)) == ("File", "Sheet", "Row", "Column", "Reason", "Original value")
    assert ("platform_gbk.csv", "", "8", "行业", "行业“制鞋”无法对应国民经济行业分类，已略去（原文保留）", "制鞋") in rows
