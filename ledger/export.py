"""The project's export format: ledger items as CSV, Excel or Parquet, for people and for re-import.

CSV and Excel are for people: every ledger column under its Chinese (or English) header, the
unit's and county's names beside their codes, enum codes as labels, lists joined with "、", times
as `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai. Parquet is for machines: codes and native types.

Spreadsheet safety: a CSV cell that starts with = + - @ (or a tab or carriage return) would be
run as a formula by Excel, so it gets a leading apostrophe; in .xlsx every text cell is written as
a string, never a formula. Each download says what produced it: the Excel file's second sheet
lists the filters, the snapshot id, the row count and when it was made.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
import pyarrow as pa
import xlsxwriter

from .schema import COLUMNS, column_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_COLUMNS = {"unit_code": "unit_name", "county_code": "county_name"}  # names go right after these codes
NAME_LABELS = {"unit_name": ("所属地市", "City"), "county_name": ("区县/镇街", "County / town")}
FORMATS = ("csv", "xlsx", "parquet")
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _header(name: str, lang: str) -> str:
    if name in NAME_LABELS:
        zh, en = NAME_LABELS[name]
        return zh if lang == "zh" else en
    return column_label(name, lang)


def for_people(items: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """Ledger columns in schema order with names beside codes and labels for codes, all text.

    `items` must hold every ledger column plus `unit_name_zh/_en` and `county_name_zh/_en` (as
    queries/ledger_slice.sql returns them)."""
    suffix = "zh" if lang == "zh" else "en"
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    expressions = []
    for column in COLUMNS:
        expr = pl.col(column.name)
        if column.enum is not None:
            labels = {code: column.enum.label(code, lang) for code in column.enum.codes}
            if pa.types.is_list(column.type):
                expr = expr.list.eval(pl.element().replace_strict(labels, default=pl.element(),
                                                                  return_dtype=pl.String)).list.join("、")
            else:
                expr = expr.replace_strict(labels, default=expr, return_dtype=pl.String)
        elif items.schema[column.name] == pl.Boolean:
            expr = pl.when(expr).then(pl.lit(yes)).when(~expr).then(pl.lit(no))
        elif items.schema[column.name] == pl.Datetime:
            expr = expr.dt.strftime("%Y-%m-%d %H:%M:%S")
        expressions.append(expr.cast(pl.String).alias(_header(column.name, lang)))
        if column.name in NAME_COLUMNS:
            name = NAME_COLUMNS[column.name]
            expressions.append(pl.col(f"{name}_{suffix}").alias(_header(name, lang)))
    return items.select(expressions)


def for_machines(items: pl.DataFrame) -> pl.DataFrame:
    """Every ledger column with its code values and native types, plus the Chinese names beside
    the unit and county codes."""
    columns = []
    for column in COLUMNS:
        columns.append(pl.col(column.name))
        if column.name in NAME_COLUMNS:
            name = NAME_COLUMNS[column.name]
            columns.append(pl.col(f"{name}_zh").alias(name))
    return items.select(columns)


def neutralise(value: str | None) -> str | None:
    """A text cell Excel would run as a formula, made inert with a leading apostrophe."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(items: pl.DataFrame, lang: str = "zh") -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    table = for_people(items, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.iter_rows():
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _width(header: str, values: pl.Series) -> float:
    """Column width in Excel's units: wide enough for the header and most values, capped."""
    def display_len(text: str) -> int:  # CJK characters take two columns
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    sample = [display_len(v) for v in values.head(500).drop_nulls().to_list()]
    typical = sorted(sample)[int(len(sample) * 0.9)] if sample else 0
    return min(60, max(display_len(header), typical) + 2)


def xlsx_bytes(items: pl.DataFrame, meta: dict[str, str], lang: str = "zh") -> bytes:
    """An Excel workbook: the items (frozen header row, autofilter, fitted widths) and a second
    sheet saying which filters and snapshot produced them."""
    table = for_people(items, lang)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    sheet = book.add_worksheet("台账" if lang == "zh" else "Ledger")
    for col, name in enumerate(table.columns):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, _width(name, table[name]))
    for row_index, row in enumerate(table.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write_string(row_index, col, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, table.height), max(0, table.width - 1))
    about = book.add_worksheet("筛选条件" if lang == "zh" else "Filters")
    about.set_column(0, 0, 24)
    about.set_column(1, 1, 80)
    for row_index, (key, value) in enumerate(meta.items()):
        about.write_string(row_index, 0, key, header)
        about.write_string(row_index, 1, str(value))
    book.close()
    return out.getvalue()


def parquet_bytes(items: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    for_machines(items).write_parquet(out, compression="zstd")
    return out.getvalue()


def to_bytes(items: pl.DataFrame, fmt: str, meta: dict[str, str], lang: str = "zh") -> bytes:
    """The download in one of FORMATS."""
    if fmt == "csv":
        return csv_bytes(items, lang)
    if fmt == "xlsx":
        return xlsx_bytes(items, meta, lang)
    if fmt == "parquet":
        return parquet_bytes(items)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def file_name(what: str, places: list[str], since: date, until: date, fmt: str) -> str:
    """`台账_深圳_2026-05-01_2026-10-31.xlsx`: what the file holds, where, and when (no places
    means all of them: `台账_全部_…`)."""
    where = "-".join(places) if places else "全部"
    return f"{what}_{where}_{since.isoformat()}_{until.isoformat()}.{fmt}"
