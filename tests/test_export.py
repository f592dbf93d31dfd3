"""Downloads in the project's export format, opened the way a user's Excel or a script would."""
from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pytest

from ledger import export
from ledger.schema import COLUMNS
from queries import ALL, Door, Filters
from queries.slices import SliceFilters

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+86 138", "-1+2", "@SUM(A1)", "\tTab", "普通标题"]


@pytest.fixture(scope="module")
def slice_rows(demo_settings, now_module):
    door = Door(demo_settings)
    rows = door.q("ledger_slice", ALL, **Filters.last_days(400, now_module.date()).params(),
                  **SliceFilters().params(), now=now_module, sort="captured_at", descending=True, limit=None, offset=0)
    return rows.with_columns(pl.Series("title", (HOSTILE * (rows.height // len(HOSTILE) + 1))[:rows.height]))


@pytest.fixture(scope="module")
def now_module():
    from ledger.store import now_shanghai
    return now_shanghai()


def test_csv_has_a_bom_chinese_headers_every_row_and_inert_formulas(slice_rows):
    data = export.csv_bytes(slice_rows)
    assert data.startswith("\ufeff".encode("utf-8"))
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    assert header[:4] == ["编号", "来源", "链接", "标题"] and "所属地市" in header and "区县/镇街" in header
    assert len(header) == len(COLUMNS) + 2
    assert len(body) == slice_rows.height > 100
    titles = {row[3] for row in body}
    assert titles == {"'" + h if h[0] in "=+-@\t" else h for h in HOSTILE}
    assert not any(cell.startswith(("=", "+", "@")) for row in body for cell in row if cell)


def test_xlsx_has_headers_frozen_row_filter_strings_only_and_the_filters_sheet(slice_rows):
    meta = {"时间范围": "2025-10-21 – 2026-11-25", "数据快照": "20261125-000000-000-abcd"}
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(slice_rows, meta)))
    items, about = book.worksheets
    assert items.title == "台账" and about.title == "筛选条件"
    assert items.freeze_panes == "A2"
    assert items.auto_filter.ref.startswith("A1:")
    assert items.max_row == slice_rows.height + 1
    headers = [cell.value for cell in items[1]]
    assert headers[3] == "标题" and "发布时间" in headers
    title_cells = [row[3] for row in items.iter_rows(min_row=2)]
    assert {cell.value for cell in title_cells} == set(HOSTILE)
    assert all(cell.data_type == "s" for cell in title_cells)  # text, never a formula
    assert items.column_dimensions["D"].width > 10
    assert dict(about.iter_rows(values_only=True)) == meta


def test_parquet_keeps_codes_and_types(slice_rows):
    back = pl.read_parquet(io.BytesIO(export.parquet_bytes(slice_rows)))
    assert back.height == slice_rows.height
    assert back["captured_at"].dtype == pl.Datetime
    assert set(back["unit_code"]) <= {"440100", "440300", "440400", "440600", "440606", "441300", "441900",
                                      "442000", "440700", "441200"}
    assert "unit_name" in back.columns and back["demands"].dtype == pl.List(pl.String)


def test_english_export_uses_english_labels(slice_rows):
    header = export.csv_bytes(slice_rows.head(3), lang="en").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Item ID,Source,URL,Title")


def test_file_names_say_what_where_and_when():
    from datetime import date
    name = export.file_name("台账", ["深圳"], date(2026, 5, 1), date(2026, 10, 31), "xlsx")
    assert name == "台账_深圳_2026-05-01_2026-10-31.xlsx"
    assert export.file_name("台账", [], date(2026, 5, 1), date(2026, 10, 31), "csv") == "台账_全部_2026-05-01_2026-10-31.csv"
    with pytest.raises(ValueError, match="unknown export format"):
        export.to_bytes(pl.DataFrame(), "pdf", {})
