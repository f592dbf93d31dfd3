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

Hostile or broken files: sizes are checked before anything large is allocated and Excel is
parsed in a child process with a memory and time limit (limits.py, excel_child.py); a merged
range is copied only as far as the sheet has data. A CSV quote that is never closed (or closed
many lines later) would make the csv module swallow every following line into one cell: such a
record is found by its continuation lines looking like whole records, and its lines are read
one by one instead, the line where the quote opens quarantined with where it starts and how
many lines it affects.
"""
from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import pickle
import re
import subprocess
import sys
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import charset_normalizer

from ledger.i18n import Both, pair
from ledger.ingest.limits import Limits, ReadError, check_json_depth, check_size, check_zip_workbook

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}

Cell = str | int | float | bool | datetime | date | time | None
EXCEL_CHILD = Path(__file__).with_name("excel_child.py")
MIN_RECORD_FIELDS = 2  # a line must split into at least this many cells to look like a record

__all__ = ["Cell", "ReadError", "ReadResult", "Sheet", "decode", "read_file"]


@dataclass
class Sheet:
    """The cells of one sheet (or the whole CSV/JSON file), row by row, as read."""

    name: str | None
    rows: list[list[Cell]]
    row_numbers: list[int]  # as a person counts: spreadsheet row, CSV line, JSONL line, JSON record
    broken: dict[int, tuple[str, str]] = field(default_factory=dict)  # row number -> why not read (zh, en)


@dataclass
class ReadResult:
    kind: str  # excel | csv | json | jsonl
    sheets: list[Sheet]
    encoding: str | None = None


def read_file(path: Path, limits: Limits | None = None) -> ReadResult:
    """Every sheet of `path` with its raw cells; ReadError if the file cannot be read at all,
    or is larger than `limits` allow (Limits.from_env() by default)."""
    path = Path(path)
    limits = limits or Limits.from_env()
    try:
        check_size(path.name, path.stat().st_size, limits)
        data = path.read_bytes()
    except OSError as e:
        raise ReadError("msg.read.cannot_open", name=path.name, reason=_why_not_opened(e)) from None
    if not data.strip():
        raise ReadError("msg.read.empty", name=path.name)
    kind = _kind(path, data, limits)
    try:
        if kind == "excel":
            return ReadResult("excel", _read_excel(path, data, limits))
        text, encoding = decode(data, path.name)
        del data  # the text holds it now; a large file's bytes need not wait for its cells
        if kind == "json":
            return ReadResult("json", [_read_json(path.name, text, limits)], encoding)
        if kind == "jsonl":
            return ReadResult("jsonl", [_read_jsonl(text, limits, path.name)], encoding)
        return ReadResult("csv", [_read_csv(path.name, text, limits)], encoding)
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 — a corrupt file must give a sentence, not a trace
        raise ReadError("msg.read.damaged", name=path.name, kind=_KIND_NAME[kind]) from None


def _why_not_opened(error: OSError) -> Both:
    """The operating system's reason in both languages (its own strerror is English only)."""
    key = {errno.ENOENT: "msg.read.missing", errno.EACCES: "msg.read.denied",
           errno.EISDIR: "msg.read.folder"}.get(error.errno, "msg.read.os_error")
    return Both.of(key, errno=error.errno)


_KIND_NAME = {"excel": "Excel", "csv": "CSV", "json": "JSON", "jsonl": "JSON Lines"}


def _kind(path: Path, data: bytes, limits: Limits) -> str:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return "excel"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    stripped = data.lstrip(codecs.BOM_UTF8).strip()
    if suffix in JSON_SUFFIXES or stripped[:1] == b"[":
        return "json"
    if stripped[:1] == b"{":  # one object (JSON) or one per line (JSON Lines)
        text = stripped.decode("utf-8", errors="replace")
        try:
            check_json_depth(path.name, text, limits)
            json.loads(text)
            return "json"
        except ValueError:  # not one JSON value, or nested too deep (a ReadError is a ValueError too)
            return "jsonl"
    return "csv"


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """The text of `data` (the file `name`) and the encoding it was in."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:  # a BOM that lies (GBK text behind a UTF-8 BOM): guess as without one
                data = data[len(bom):]
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise ReadError("msg.read.encoding", name=name)
    encoding = "gb18030" if guess.encoding.replace("_", "").lower() in GB_FAMILY else guess.encoding
    return data.decode(encoding, errors="strict"), encoding


def _read_csv(name: str, text: str, limits: Limits) -> Sheet:
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(max(limits.max_cell_chars, csv.field_size_limit()))
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)  # line by line: a StringIO would copy the text
    sheet, cells, ended, width = Sheet(None, [], []), 0, 0, None
    try:
        for row in reader:
            first, last = ended + 1, reader.line_num
            ended = last
            if width is None and row:
                width = len(row)
            if last > first and _swallows_records(lines.span(first, last), delimiter, width):
                _read_lines_alone(sheet, lines, first, last, delimiter)
            else:
                sheet.rows.append([cell if cell != "" else None for cell in row])
                sheet.row_numbers.append(last)  # where the record ends; a quoted newline spans lines
            cells += len(row)
            if cells > limits.max_cells:
                raise ReadError("msg.read.csv_too_many_cells", name=name, limit=limits.max_cells)
    except csv.Error as e:
        line = reader.line_num
        if "field larger than field limit" in str(e):
            raise ReadError("msg.read.cell_too_long", name=name, line=line, limit=limits.max_cell_chars) from None
        raise ReadError("msg.read.bad_csv", name=name, line=line, error=e) from None
    return sheet


_LINE_END = re.compile(r"\r\n|\r|\n")


class _Lines:
    """The text's physical lines as csv counts them (its line_num), by where each ends: held as a
    list of strings beside the text, a 200,000-line file's lines took over 100 MB more."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = array("q", (m.end() for m in _LINE_END.finditer(text)))
        if len(text) > (self.ends[-1] if self.ends else 0):  # a last line without a line break
            self.ends.append(len(text))

    def __getitem__(self, index: int) -> str:
        """Line `index` (0-based)."""
        return self.text[self.ends[index - 1] if index else 0:self.ends[index]]

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self.ends)))

    def span(self, start: int, stop: int) -> list[str]:
        """Lines `start` to `stop` - 1 (0-based), as a list slice would give them."""
        return [self[i] for i in range(start, min(stop, len(self.ends)))]


def _split_alone(line: str, delimiter: str) -> tuple[list[str], bool]:
    """One physical line as cells, and whether its quotes balance on that line."""
    balanced = line.count('"') % 2 == 0
    quoting = csv.QUOTE_MINIMAL if balanced else csv.QUOTE_NONE
    row = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter, quoting=quoting), [])
    return row, balanced


def _swallows_records(continued: list[str], delimiter: str, width: int | None) -> bool:
    """Whether a record's continuation lines look like whole records of their own: the sign of a
    quote left open, not of a cell that holds a few lines of text."""
    need = max(MIN_RECORD_FIELDS, width or 0)
    for line in continued:
        # Only a line without any quote counts: the lines of real multi-line cells that hold
        # delimiters are those where a quoted cell closes or opens.
        if '"' not in line and len(_split_alone(line, delimiter)[0]) >= need:
            return True
    return False


def _read_lines_alone(sheet: Sheet, lines: _Lines, first: int, last: int, delimiter: str) -> None:
    """Lines `first`..`last` (1-based) read one by one; the line where the quote opens, and any
    other whose quotes do not balance, go to quarantine with where the quoting broke."""
    reason = pair("msg.read.line.open_quote", first=first, n=last - first + 1, last=last)
    for number in range(first, last + 1):
        row, balanced = _split_alone(lines[number - 1], delimiter)
        if number == first or not balanced:
            sheet.broken[number] = reason
        sheet.rows.append([cell if cell != "" else None for cell in row])
        sheet.row_numbers.append(number)


def _records_to_sheet(records: list[tuple[int, object]], limits: Limits, name: str = "") -> Sheet:
    """JSON objects as a table: the header is every key in order of first appearance."""
    keys: dict[str, None] = {}
    for _, record in records:
        if isinstance(record, dict):
            keys.update(dict.fromkeys(map(str, record)))
    header = list(keys)
    if len(header) * len(records) > limits.max_cells:
        raise ReadError("msg.read.json_too_many_cells", name=name, records=len(records), fields=len(header),
                        limit=limits.max_cells)
    sheet = Sheet(None, [list(header)], [0])
    for number, record in records:
        if not isinstance(record, dict):
            sheet.broken[number] = pair("msg.read.line.not_object")
            sheet.rows.append([])
        else:
            sheet.rows.append([_json_cell(record.get(k)) for k in header])
        sheet.row_numbers.append(number)
    return sheet


def _json_cell(value) -> Cell:
    if isinstance(value, (dict, list)):
        return "、".join(map(str, value)) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)
    return value


def _read_json(name: str, text: str, limits: Limits) -> Sheet:
    check_json_depth(name, text, limits)
    try:
        data = json.loads(text)
    except ValueError as e:
        line, column = getattr(e, "lineno", 0), getattr(e, "colno", 0)
        raise ReadError("msg.read.bad_json", name=name, line=line, column=column, error=getattr(e, "msg", e)) from None
    if isinstance(data, dict):  # {"items": [...]} or {"data": [...]} wrappers, else one record
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise ReadError("msg.read.json_not_list", name=name)
    return _records_to_sheet(list(enumerate(data, start=1)), limits, name)


def _read_jsonl(text: str, limits: Limits, name: str = "") -> Sheet:
    records, broken = [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            check_json_depth(name, line, limits)
            records.append((number, json.loads(line)))
        except ReadError:
            broken[number] = pair("msg.read.line.too_deep", limit=limits.max_json_depth)
            records.append((number, None))
        except ValueError as e:
            broken[number] = pair("msg.read.line.bad_json", column=getattr(e, "colno", 0), error=getattr(e, "msg", e))
            records.append((number, None))
    sheet = _records_to_sheet(records, limits, name)
    sheet.broken.update(broken)
    return sheet


def _read_excel(path: Path, data: bytes, limits: Limits) -> list[Sheet]:
    if data[:4] == b"PK\x03\x04":  # .xlsx/.xlsm/.xlsb: what the zip declares and holds, checked first
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                check_zip_workbook(path.name, archive, limits)
        except ReadError:  # a Refusal is a ValueError too: the limit's own sentence, not "damaged"
            raise
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
            raise ReadError("msg.read.damaged", name=path.name, kind="Excel") from None
    sheets = []
    for name, rows, merged in _excel_in_child(path, limits):
        rows = [[None if cell == "" else cell for cell in row] for row in rows]
        width = max((i + 1 for row in rows for i, cell in enumerate(row) if cell is not None), default=0)
        for (r0, c0), (r1, c1) in merged:
            # Copied only as far as the sheet has data: a range merged out to column XFD adds nothing.
            value = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                row = rows[r]
                last = min(c1, width - 1)
                row.extend([None] * (last + 1 - len(row)))
                for c in range(c0, last + 1):
                    row[c] = value
        sheets.append(Sheet(name, rows, list(range(1, len(rows) + 1))))
    return sheets


def _excel_in_child(path: Path, limits: Limits) -> list:
    """The workbook's sheets as (name, rows, merged ranges), parsed by excel_child.py."""
    try:
        done = subprocess.run([sys.executable, "-I", str(EXCEL_CHILD), str(path), str(limits.child_memory_bytes)],
                              capture_output=True, timeout=limits.child_seconds, check=False)
    except subprocess.TimeoutExpired:
        raise ReadError("msg.read.too_slow", name=path.name, seconds=limits.child_seconds) from None
    if done.returncode == 0:  # the child's own output, written by excel_child.py for this process only
        return pickle.loads(done.stdout)
    if done.returncode < 0 or b"MemoryError" in done.stderr or b"memory allocation" in done.stderr:
        raise ReadError("msg.read.too_much_memory", name=path.name, limit=limits.child_memory_bytes // 1_000_000)
    raise ReadError("msg.read.damaged", name=path.name, kind="Excel")
