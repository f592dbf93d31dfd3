"""No file can stop ingest (issue 18): the hostile corpus (tests/fixtures/hostile/make_hostile.py)
through ingest_files, the CLI and the import page. A refused file gets one Chinese sentence naming
it; a read file has every row in exactly one outcome; no formula text reaches an export unguarded."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ledger.config import REPO_ROOT, load_settings
from ledger.documents.export import FORMULA_START, export_snapshot
from ledger.ingest import ingest_files
from ledger.ingest.dedupe import _days_around
from ledger.ingest.limits import Limits, json_depth
from ledger.ingest.readers import ReadError, read_file
from ledger.store import current_snapshot
from queries import ALL
from tests.fixtures.hostile.make_hostile import corpus, write_corpus
from tests.helpers import build_demo
from ui.plain_text import plain

NAMES = sorted(corpus())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("name", NAMES)
def test_every_hostile_file_ends_in_a_sentence_or_a_balanced_report(hostile, tmp_path, name):
    path, expected = hostile[name]
    report = ingest_files(load_settings(tmp_path / "data"), [path])
    file_report = report.files[0]
    assert report.balanced, file_report.to_json()
    if expected == "refused":
        zh, en = file_report.error.text("zh"), file_report.error.text("en")  # one sentence in each language
        for text in (zh, en):
            assert name in text and "\n" not in text and "Traceback" not in text, text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en[0].isascii() and en != zh
        assert str(file_report.error) == zh
        assert file_report.rows_read == 0
    else:
        assert file_report.error is None, file_report.error
        assert file_report.rows_read > 0


def test_unclosed_quote_is_reported_with_its_line_and_extent_and_the_other_rows_read(hostile, tmp_path):
    report = ingest_files(load_settings(tmp_path / "data"), [hostile["broken_quote.csv"][0]])
    f = report.files[0]
    assert f.rows_read == 10 and f.balanced  # ten data rows, not two
    assert f.quarantined == 1 and f.accepted == 9
    assert [p.row for p in f.problems] == [3]
    assert f.problems[0].reason[0].startswith("第 3 行起引号未闭合，影响 9 行")
    assert f.problems[0].reason[1].startswith("a quote opened on line 3 is never closed, affecting 9 lines")


def test_quote_closed_later_quarantines_both_ends_and_reads_the_rows_between(hostile):
    sheet = read_file(hostile["broken_quote_closed_later.csv"][0]).sheets[0]
    assert sorted(sheet.broken) == [4, 8]
    assert sheet.broken[4][0].startswith("第 4 行起引号未闭合，影响 5 行")
    assert sheet.row_numbers == list(range(1, 12))
    assert sheet.rows[5][1] == "2026-11-06 10:05"


def test_a_multi_line_cell_is_not_taken_for_broken_quoting(tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text('标题,发布时间,地区\r\n"深圳工人\r\n聚集, 讨薪",2026-11-01 10:00,深圳\r\n"第二行",2026-11-02,深圳\r\n',
                    encoding="utf-8")
    sheet = read_file(path).sheets[0]
    assert not sheet.broken and len(sheet.rows) == 3 and sheet.rows[1][0] == "深圳工人\r\n聚集, 讨薪"


def test_limits_are_checked_before_reading_and_configurable(hostile, tmp_path, monkeypatch):
    with pytest.raises(ReadError, match="声明的表格范围（A1:XFD1048576）超过上限 500 万个单元格"):
        read_file(hostile["cell_bomb.xlsx"][0])
    monkeypatch.setenv("SENTINEL_INGEST_MAX_BYTES", "1000")
    with pytest.raises(ReadError, match="formulas.xlsx.*超过上限 0 MB"):
        read_file(hostile["formulas.xlsx"][0])
    assert Limits.from_env().max_bytes == 1000
    assert json_depth('[[{"a": "[[[["}]]]', 64) == 3


def test_merged_range_out_to_xfd_is_copied_only_as_far_as_the_data(hostile):
    sheet = read_file(hostile["merged_wide.xlsx"][0]).sheets[0]
    assert max(len(row) for row in sheet.rows) == 7
    assert sheet.rows[1][4] == "深圳" and sheet.rows[2][4] == "深圳"


def test_days_around_the_calendar_ends_do_not_overflow():
    from datetime import datetime
    assert len(_days_around(datetime(9999, 12, 31, 12))) == 4
    assert len(_days_around(datetime(1, 1, 1))) == 4


@pytest.mark.parametrize("name", ["cell_bomb.xlsx", "merged_bomb.xlsx", "zip_bomb.xlsx", "deep.json",
                                  "long_line.csv", "binary.csv"])
def test_cli_refuses_with_exit_1_and_one_line(hostile, tmp_path, name):
    done = subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(tmp_path / "data"), "ingest",
                           str(hostile[name][0])], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and name in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_formula_text_never_reaches_an_export_cell_unguarded(hostile, tmp_path):
    settings = load_settings(tmp_path / "data")
    report = ingest_files(settings, [hostile["formulas.csv"][0], hostile["formulas.xlsx"][0],
                                     hostile["control_chars.csv"][0], hostile["nul_bytes.csv"][0]])
    assert report.balanced and report.accepted
    snapshot = current_snapshot(settings)
    export_snapshot(snapshot, tmp_path / "out.xlsx", ALL)
    export_snapshot(snapshot, tmp_path / "out.csv", ALL)
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    xlsx_cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as f:
        csv_cells = [cell for row in csv.reader(f) for cell in row]
    for cell in xlsx_cells + csv_cells:
        assert not (cell[:1] and cell[0] in FORMULA_START), repr(cell)
    assert any(c.startswith("'=") for c in csv_cells)  # the guard was applied, not the text dropped


def test_import_page_survives_the_cell_bomb_and_the_next_page_loads(hostile, tmp_path, monkeypatch):
    settings = build_demo(tmp_path / "data", n_items=200, seed=5)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/import.py").run()
    at.file_uploader(key="import_files").set_value(
        [("cell_bomb.xlsx", hostile["cell_bomb.xlsx"][0].read_bytes(), "application/octet-stream")]).run()
    assert not at.exception, at.exception
    assert any(plain("cell_bomb.xlsx") in e.value and "超过上限" in e.value for e in at.error)
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, at.exception
