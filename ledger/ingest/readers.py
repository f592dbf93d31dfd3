"""Read an export file into sheets of raw cells, whatever its format and encoding.

Files arrive as Excel workbooks (.xlsx, and .xls/.ods through the same reader), CSV in whatever
encoding the sender's Excel or platform used (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16 from
"Unicode text"), JSON and JSON Lines. Everything here is about getting every row out with the
number a person would use to find it again (the spreadsheet row, the CSV or JSONL line); what
the cells mean is decided later (headers.py, rows.py).

Excel: python-calamine (Rust) reads .xlsx, .xls and .ods alike and reports merged ranges, whose
value we copy into every cell they cover, so a city merged down over five rows applies to all
five. Encodings: a BOM or strict UTF-8 decides at once; otherwise charset-normalizer guesses,
and any GB family guess is decoded as GB18030, the superset of GB2312 and GBK.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import charset_normalizer
from python_calamine import CalamineWorkbook

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}

Cell = str | int | float | bool | datetime | date | time | None


class ReadError(Exception):
    """The file cannot be read at all; the message is one sentence for a person (Chinese first)."""


@dataclass
class Sheet:
    """The cells of one sheet (or the whole CSV/JSON file), row by row, as read."""

    name: str | None
    rows: list[list[Cell]]
    row_numbers: list[int]  # as a person counts: spreadsheet row, CSV line, JSONL line, JSON record
    broken: dict[int, str] = field(default_factory=dict)  # row number -> why it could not be read


@dataclass
class ReadResult:
    kind: str  # excel | csv | json | jsonl
    sheets: list[Sheet]
    encoding: str | None = None


def read_file(path: Path) -> ReadResult:
    """Every sheet of `path` with its raw cells; ReadError if the file cannot be read at all."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(f"无法打开文件“{path.name}”（{e.strerror}）。 Cannot open the file.") from None
    if not data.strip():
        raise ReadError(f"文件“{path.name}”是空的。 The file is empty.")
    kind = _kind(path, data)
    try:
        if kind == "excel":
            return ReadResult("excel", _read_excel(data))
        text, encoding = decode(data)
        if kind == "json":
            return ReadResult("json", [_read_json(text)], encoding)
        if kind == "jsonl":
            return ReadResult("jsonl", [_read_jsonl(text)], encoding)
        return ReadResult("csv", [_read_csv(text)], encoding)
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 — a corrupt file must give a sentence, not a trace
        raise ReadError(f"文件“{path.name}”已损坏或不是 {_KIND_NAME[kind]} 文件，无法读取（{type(e).__name__}）。 "
                        f"The file is damaged or not in {_KIND_NAME[kind]} format.") from None


_KIND_NAME = {"excel": "Excel", "csv": "CSV", "json": "JSON", "jsonl": "JSON Lines"}


def _kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return "excel"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES or data.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"[", b"{"):
        stripped = data.lstrip(codecs.BOM_UTF8).strip()
        try:
            json.loads(stripped)
            return "json"
        except ValueError:
            return "jsonl" if stripped[:1] == b"{" else "json"
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """The text of `data` and the encoding it was in."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise ReadError("无法识别文件的字符编码（不是 UTF-8 或 GBK/GB18030）；请另存为 UTF-8 的 CSV 或 Excel 文件。 "
                        "Unknown text encoding; save it as UTF-8 CSV or Excel.")
    encoding = "gb18030" if guess.encoding.replace("_", "").lower() in GB_FAMILY else guess.encoding
    return data.decode(encoding, errors="strict"), encoding


def _read_csv(text: str) -> Sheet:
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers = [], []
    for row in reader:
        rows.append([cell if cell != "" else None for cell in row])
        numbers.append(reader.line_num)  # the line where the record ends; a quoted newline spans lines
    return Sheet(None, rows, numbers)


def _records_to_sheet(records: list[tuple[int, object]]) -> Sheet:
    """JSON objects as a table: the header is every key in order of first appearance."""
    keys: dict[str, None] = {}
    for _, record in records:
        if isinstance(record, dict):
            keys.update(dict.fromkeys(map(str, record)))
    header = list(keys)
    sheet = Sheet(None, [list(header)], [0])
    for number, record in records:
        if not isinstance(record, dict):
            sheet.broken[number] = "不是一个 JSON 对象（应为 {\"标题\": …} 的形式）"
            sheet.rows.append([])
        else:
            sheet.rows.append([_json_cell(record.get(k)) for k in header])
        sheet.row_numbers.append(number)
    return sheet


def _json_cell(value) -> Cell:
    if isinstance(value, (dict, list)):
        return "、".join(map(str, value)) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)
    return value


def _read_json(text: str) -> Sheet:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise ReadError(f"JSON 格式错误（第 {e.lineno} 行）：{e.msg}。 Invalid JSON at line {e.lineno}.") from None
    if isinstance(data, dict):  # {"items": [...]} or {"data": [...]} wrappers, else one record
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise ReadError("JSON 文件应是一组记录（数组）。 The JSON file should hold a list of records.")
    return _records_to_sheet(list(enumerate(data, start=1)))


def _read_jsonl(text: str) -> Sheet:
    records, broken = [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except ValueError as e:
            broken[number] = f"不是有效的 JSON（{e.msg}）"
            records.append((number, None))
    sheet = _records_to_sheet(records)
    sheet.broken.update(broken)
    return sheet


def _read_excel(data: bytes) -> list[Sheet]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        rows = [[None if cell == "" else cell for cell in row]
                for row in sheet.to_python(skip_empty_area=False)]
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
            value = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                row = rows[r]
                row.extend([None] * (c1 + 1 - len(row)))
                for c in range(c0, c1 + 1):
                    row[c] = value
        sheets.append(Sheet(name, rows, list(range(1, len(rows) + 1))))
    return sheets
