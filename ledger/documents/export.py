"""The project's export format: ledger items as CSV, Excel or Parquet that a person can read and
that ingest can read back (export, re-ingest, same ledger).

Why a format of our own rather than a raw dump: the people who receive an export read Chinese
headers and labels, not `wage_arrears` or `440300`, and they open CSV files in Excel, which
mis-reads UTF-8 without a byte-order mark and runs any cell that starts with `=` as a formula.
So CSV and Excel carry every ledger column under its Chinese (or English) header, enum codes as
labels, lists joined with "、", times as Asia/Shanghai wall-clock text, the names of units,
counties and industries beside their codes, and text cells that could start a formula behind
a leading apostrophe (ingest strips it again). Parquet is for machines: codes and native types.

Every download says where it came from: the Excel file has a second sheet "筛选条件" with the
filters, the snapshot id, the row count and the export time (`meta`); Parquet keeps `meta` in
its file metadata.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow.parquet as pq
import xlsxwriter

from queries import Scope, read

from ledger import geo, reference
from ledger.i18n import t
from ledger.schema import COLUMNS, ITEMS_SCHEMA, column_label
from ledger.store import Snapshot, now_shanghai

FORMATS = ("csv", "xlsx", "parquet")
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
LIST_SEPARATOR = "、"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); tab and
# carriage return can hide such a start from a reader.
FORMULA_START = "=+-@\t\r"
_FORMULA_RE = "^[" + re.escape(FORMULA_START) + "]"
MAX_WIDTH = 60  # characters; a summary column would otherwise be as wide as its longest text


def _names(lookup: dict, lang: str) -> dict[str, str]:
    return {code: place.name(lang) for code, place in lookup.items()}


# Readable names shown right after a code column: code column -> (name column, zh, en, names).
NAME_COLUMNS: dict[str, tuple[str, str, str]] = {
    "unit_code": ("unit_name", "所属地市", "City"),
    "county_code": ("county_name", "区县", "County or town"),
    "industry": ("industry_name", "行业门类名称", "Industry section name"),
    "sub_industry": ("sub_industry_name", "行业大类名称", "Industry division name"),
    "assigned_unit": ("assigned_unit_name", "责任单位", "Assigned unit name"),
}


def _name_lookup(code_column: str, lang: str) -> dict[str, str]:
    if code_column in ("unit_code", "assigned_unit"):
        return _names(geo.unit_by_code(), lang)
    if code_column == "county_code":
        return _names(geo.county_by_code(), lang)
    return _names(reference.industry_by_code(), lang)


def name_column_labels() -> dict[str, tuple[str, str]]:
    """Name column -> (zh header, en header): what ingest must recognise besides the schema's."""
    return {name: (zh, en) for name, zh, en in NAME_COLUMNS.values()}


def export_columns(columns: Iterable[str] | None = None) -> list[str]:
    """Ledger columns in export order, each code column followed by its name column."""
    wanted = list(columns) if columns is not None else [c.name for c in COLUMNS]
    unknown = [c for c in wanted if c not in ITEMS_SCHEMA.names]
    if unknown:
        raise ValueError(f"not ledger columns: {unknown}")
    ordered = []
    for name in wanted:
        ordered.append(name)
        if name in NAME_COLUMNS:
            ordered.append(NAME_COLUMNS[name][0])
    return ordered


def header(name: str, lang: str = "zh") -> str:
    for zh_en in (n for n in NAME_COLUMNS.values() if n[0] == name):
        return zh_en[1] if lang == "zh" else zh_en[2]
    return column_label(name, lang)


def _guard(expr: pl.Expr) -> pl.Expr:
    """Text that a spreadsheet would run as a formula, shown behind an apostrophe."""
    return pl.when(expr.str.contains(_FORMULA_RE)).then(pl.lit("'") + expr).otherwise(expr)


def readable_frame(frame: pl.DataFrame, lang: str = "zh", columns: list[str] | None = None,
                   times_as_text: bool = True) -> pl.DataFrame:
    """`frame`'s ledger items as people read them: labels, names, joined lists, guarded text.

    Headers are the column labels in `lang`. Times stay datetimes unless `times_as_text`
    (Excel keeps them as dates with a display format; CSV needs text).
    """
    yes, no = t("export.yes", lang), t("export.no", lang)
    by_name = {c.name: c for c in COLUMNS}
    exprs = []
    for name in export_columns(columns):
        if name not in by_name:  # a name column beside its code column
            code_column = next(k for k, v in NAME_COLUMNS.items() if v[0] == name)
            expr = pl.col(code_column).replace_strict(_name_lookup(code_column, lang), default=None,
                                                      return_dtype=pl.String)
        else:
            column = by_name[name]
            expr = pl.col(name)
            dtype = frame.schema[name]
            if column.enum is not None:
                labels = {code: column.enum.label(code, lang) for code in column.enum.codes}
                if isinstance(dtype, pl.List):
                    expr = expr.list.eval(pl.element().replace(labels)).list.join(LIST_SEPARATOR)
                else:
                    expr = expr.replace(labels)
            elif isinstance(dtype, pl.List):  # warnings: sentences joined like the enum lists
                expr = expr.list.join(LIST_SEPARATOR)
            elif dtype == pl.Boolean:
                expr = pl.when(expr).then(pl.lit(yes)).when(expr.not_()).then(pl.lit(no))
            elif dtype == pl.Datetime and times_as_text:
                expr = expr.dt.strftime(TIME_FORMAT)
            elif dtype == pl.Date and times_as_text:
                expr = expr.dt.strftime("%Y-%m-%d")
        exprs.append(expr.alias(name))
    readable = guarded(frame.select(exprs))
    return readable.rename({n: header(n, lang) for n in readable.columns})


def guarded(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that could start a formula behind an apostrophe."""
    return frame.with_columns(_guard(pl.col(n)).alias(n) for n, t in frame.schema.items() if t == pl.String)


def _display_width(text: str) -> int:
    """Characters as Excel measures them: a Chinese character is about two Latin ones wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _column_width(name: str, values: pl.Series) -> int:
    sample = values.head(500).cast(pl.String).drop_nulls().to_list()
    widest = max([_display_width(name), *(_display_width(v) for v in sample)])
    return min(max(widest + 2, 8), MAX_WIDTH)


def _write_xlsx(readable: pl.DataFrame, target: Path | BinaryIO, sheet_name: str, about_name: str,
                about: dict[str, str]) -> None:
    """One table sheet (bold frozen header, filter, widths) and a key-value sheet about it."""
    # Strings are written as strings: never turned into formulas or hyperlinks.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "in_memory": not isinstance(target, Path)}
    workbook = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), options)
    head = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(sheet_name)
    for col, name in enumerate(readable.columns):
        sheet.write_string(0, col, name, head)
        sheet.set_column(col, col, _column_width(name, readable[name]))
    writers = []
    for name in readable.columns:
        dtype = readable.schema[name]
        if dtype == pl.Datetime:
            writers.append(lambda r, c, v: sheet.write_datetime(r, c, v, when))
        elif dtype == pl.Date:
            writers.append(lambda r, c, v: sheet.write_datetime(r, c, v, day))
        elif dtype == pl.String:
            writers.append(sheet.write_string)
        else:
            writers.append(sheet.write_number)
    for r, row in enumerate(readable.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is not None:
                writers[c](r, c, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(readable.height, 1), max(readable.width - 1, 0))
    about_sheet = workbook.add_worksheet(about_name)
    for r, (key, value) in enumerate(about.items()):
        about_sheet.write_string(r, 0, key, head)
        about_sheet.write_string(r, 1, str(value))
    about_sheet.set_column(0, 0, 16)
    about_sheet.set_column(1, 1, 60)
    workbook.close()


def _provenance(meta: dict[str, str] | None, rows: int, lang: str) -> dict[str, str]:
    """`meta` (filters, snapshot id …) plus the row count and the export time."""
    return {**(meta or {}), t("export.meta.rows", lang): str(rows),
            t("export.meta.exported_at", lang): now_shanghai().strftime(TIME_FORMAT)}


def _write_csv(frame: pl.DataFrame, target: Path | BinaryIO, provenance: dict[str, str]) -> None:
    """The table under one line saying what it is: the filters, the snapshot, the rows and the
    export time, in the first cell, where a spreadsheet user sees it. Ingest reads the file back
    as it reads an office's file with a title row: the header is the row naming known columns,
    the line above it is the title."""
    line = " · ".join(f"{key}：{value}" for key, value in provenance.items())
    body = frame.write_csv()
    data = ("\ufeff" + pl.DataFrame({"a": [line]}).write_csv(include_header=False) + body).encode("utf-8")
    if isinstance(target, Path):
        target.write_bytes(data)
    else:
        target.write(data)


def _write(frame: pl.DataFrame, target: Path | BinaryIO, fmt: str, meta: dict[str, str] | None,
           lang: str, columns: list[str] | None) -> int:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    provenance = _provenance(meta, frame.height, lang)
    if fmt == "parquet":
        table = frame.select(columns or ITEMS_SCHEMA.names).to_arrow()
        if columns is None:
            table = table.cast(ITEMS_SCHEMA)
        table = table.replace_schema_metadata({"sentinel": json.dumps(provenance, ensure_ascii=False)})
        pq.write_table(table, target if not isinstance(target, Path) else str(target), compression="zstd")
    elif fmt == "csv":
        _write_csv(readable_frame(frame, lang, columns), target, provenance)
    else:
        _write_xlsx(readable_frame(frame, lang, columns, times_as_text=False), target,
                    t("export.sheet.ledger", lang), t("export.sheet.filters", lang), provenance)
    return frame.height


def write_items(frame: pl.DataFrame, path: Path, *, fmt: str | None = None,
                meta: dict[str, str] | None = None, lang: str = "zh",
                columns: list[str] | None = None) -> int:
    """Write ledger items to `path` (format from `fmt` or the file's suffix); return rows written."""
    path = Path(path)
    return _write(frame, path, fmt or path.suffix.lstrip(".").lower(), meta, lang, columns)


def to_bytes(frame: pl.DataFrame, fmt: str, meta: dict[str, str] | None = None, lang: str = "zh",
             columns: list[str] | None = None) -> bytes:
    """The export file's bytes, for a download button."""
    buffer = io.BytesIO()
    _write(frame, buffer, fmt, meta, lang, columns)
    return buffer.getvalue()


def workbook_bytes(frame: pl.DataFrame, sheet_name: str, about: dict[str, str], lang: str = "zh") -> bytes:
    """Any table (e.g. an ingest's quarantine) as a guarded workbook with an "about" sheet."""
    buffer = io.BytesIO()
    _write_xlsx(guarded(frame), buffer, sheet_name, t("export.sheet.about", lang), about)
    return buffer.getvalue()


def snapshot_items(snapshot: Snapshot, scope: Scope, since: date | None = None, until: date | None = None,
                   units: list[str] | None = None) -> pl.DataFrame:
    """A snapshot's items within `scope` captured from `since` to `until` (inclusive days) in
    `units` (None: all), through the query door (not cached: a whole ledger is large)."""
    return read(snapshot, "export_items", scope, cached=False, since=since, until=until, units=units)


def export_snapshot(snapshot: Snapshot, path: Path, scope: Scope, since: date | None = None,
                    until: date | None = None, units: list[str] | None = None, lang: str = "zh") -> int:
    """Write a snapshot's items (filtered as in snapshot_items) to `path`; return rows written.
    The filters and the snapshot id go into the file's provenance."""
    frame = snapshot_items(snapshot, scope, since, until, units)
    meta = {t("export.meta.snapshot", lang): snapshot.snapshot_id,
            t("export.meta.since", lang): str(since or t("export.meta.open", lang)),
            t("export.meta.until", lang): str(until or t("export.meta.open", lang)),
            t("export.meta.units", lang): t("list.separator", lang).join(geo.unit_name(u, lang) for u in units) if units
            else t("export.meta.all_units", lang)}
    return write_items(frame, Path(path), meta=meta, lang=lang)


FILE_NAME_PART = 24  # characters of one part of a file name (a long keyword or list of cities)


def export_file_name(*parts: str | date | None, fmt: str) -> str:
    """A file name from its parts, e.g. ("台账", "深圳市", date) → "台账_深圳市_2026-05-01.xlsx";
    a part longer than FILE_NAME_PART characters is cut with "…"."""
    words = [p.isoformat() if isinstance(p, date) else str(p) for p in parts if p]
    safe = [re.sub(r'[\\/:*?"<>|\s]+', "-", w).strip("-") for w in words]
    cut = [w if len(w) <= FILE_NAME_PART else w[:FILE_NAME_PART - 1] + "…" for w in safe]
    return "_".join(w for w in cut if w) + f".{fmt}"
