"""The export format: every ledger column under a Chinese header, labels and names a person can
read, a CSV that Excel opens correctly, no formula injection, and provenance in the workbook."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import polars as pl
import pyarrow.parquet as pq
import pytest

from ledger import demo
from ledger.documents.export import FORMATS, export_columns, export_file_name, header, to_bytes, write_items
from ledger.schema import COLUMNS, ITEMS_SCHEMA


@pytest.fixture(scope="module")
def items() -> pl.DataFrame:
    frame = pl.from_arrow(next(iter(demo.generate(n_items=60, seed=3))))
    # A title that a spreadsheet would run as a formula, and one that merely starts with a minus.
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("=HYPERLINK(\"http://x\",\"点我\")"))
          .when(pl.int_range(pl.len()) == 1).then(pl.lit("-1 天后复工"))
          .otherwise(pl.col("title")).alias("title"))


def test_every_ledger_column_has_a_header_and_names_follow_codes():
    names = export_columns()
    assert [n for n in names if n in ITEMS_SCHEMA.names] == [c.name for c in COLUMNS]
    assert names[names.index("unit_code") + 1] == "unit_name"
    assert names[names.index("county_code") + 1] == "county_name"
    assert header("title") == "标题" and header("captured_at") == "发布时间"
    assert header("unit_name") == "所属地市" and header("unit_name", "en") == "City"
    with pytest.raises(ValueError):
        export_columns(["title", "nonsense"])


def test_xlsx_has_headers_rows_freeze_filter_and_provenance(items, tmp_path):
    path = tmp_path / "台账.xlsx"
    meta = {"快照": "20260101-000000-000-abcd", "地市": "全部地市"}
    assert write_items(items, path, meta=meta) == items.height
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [header(n) for n in export_columns()]
    assert sheet.max_row == items.height + 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["D"].width > 8  # titles get room
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    col = {h: i for i, h in enumerate(headers)}
    assert rows[0][col["标题"]] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert rows[1][col["标题"]] == "'-1 天后复工"
    assert all(isinstance(r[col["发布时间"]], datetime) for r in rows)
    assert {r[col["来源"]] for r in rows} <= {"人民网", "南方网", "信息员主动报送", "微信", "QQ", "邮件", "其他"}
    shenzhen = [r for r in rows if r[col["所属地市代码"]] == "440300"]
    assert shenzhen and all(r[col["所属地市"]] == "深圳市" for r in shenzhen)
    about = {r[0]: r[1] for r in book["筛选条件"].iter_rows(values_only=True)}
    assert about["快照"] == meta["快照"] and about["地市"] == "全部地市"
    assert about["行数"] == str(items.height) and about["导出时间"]


def test_csv_is_utf8_with_bom_labels_and_guarded_text(items, tmp_path):
    path = tmp_path / "items.csv"
    write_items(items, path, meta={"快照": "20261203-x", "地市": "深圳市"})
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        about = f.readline()  # what the file is, in the cell a spreadsheet opens at
        rows = list(csv.DictReader(f))
    assert "快照：20261203-x" in about and "地市：深圳市" in about and f"行数：{items.height}" in about
    assert len(rows) == items.height
    assert rows[0]["标题"].startswith("'=")
    source = items.row(2, named=True)
    row = rows[2]
    assert row["发布时间"] == source["captured_at"].strftime("%Y-%m-%d %H:%M:%S")
    assert row["群体性纠纷"] in ("是", "否")
    with_demands = [(r, s) for r, s in zip(rows, items.iter_rows(named=True)) if s["demands"]]
    assert with_demands
    for r, s in with_demands:
        assert len(r["诉求"].split("、")) == len(s["demands"])
        assert "wage_arrears" not in r["诉求"]


def test_english_headers_and_labels(items):
    data = to_bytes(items, "csv", lang="en").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data.split("\n", 1)[1])))  # under the line saying what it is
    assert "Title" in rows[0] and "City" in rows[0]
    assert {r["Status"] for r in rows} <= {"Awaiting verification", "Being verified", "Verified", "Closed"}


def test_parquet_keeps_codes_types_and_provenance(items, tmp_path):
    path = tmp_path / "items.parquet"
    write_items(items, path, meta={"snapshot": "x"})
    table = pq.read_table(path)
    assert table.schema.equals(ITEMS_SCHEMA)
    assert table.num_rows == items.height
    assert b"snapshot" in table.schema.metadata[b"sentinel"]
    assert pl.from_arrow(table).equals(items)


def test_bytes_match_the_file_and_formats_are_checked(items, tmp_path):
    for fmt in FORMATS:
        assert len(to_bytes(items, fmt)) > 100
    body = to_bytes(items, "csv").split(b"\n", 1)[1]  # the first line carries the export time
    assert body == (write_items(items, tmp_path / "a.csv") and (tmp_path / "a.csv").read_bytes().split(b"\n", 1)[1])
    with pytest.raises(ValueError):
        write_items(items, tmp_path / "a.docx")


def test_file_names_are_safe():
    assert export_file_name("台账", "深圳市", None, "2026/05/01", fmt="xlsx") == "台账_深圳市_2026-05-01.xlsx"
