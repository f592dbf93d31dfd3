"""How big a file ingest will read, checked before anything large is allocated.

An upload is read by the dashboard's own process, so a file that makes a reader allocate without
bound stops the server for every user (a 5 KB workbook with one cell at XFD1048576 made the
Excel reader ask for 512 GiB and abort). Two guards, because neither alone is enough:

1. Cheap checks here, from what the file declares and holds, before it is parsed: its size; for
   a zip-based workbook (.xlsx/.xlsm) the zip's uncompressed size and compression ratio, each
   sheet's declared dimension, the extent and number of the cells actually present and the area
   of its merged ranges, all read by streaming the sheet XML (never the whole sheet in memory);
   for CSV the cells as they are parsed; for JSON the nesting depth before the parser recurses.
2. Excel files are parsed in a child process with an address-space limit and a time limit
   (excel_child.py), so that whatever a reader library does with a file these checks cannot see
   into (.xls, .xlsb, .ods), the server survives and the user gets a sentence.

Every refusal is one sentence of the i18n table, in Chinese and English, naming the file and the
limit, with what to do.
The limits can be changed with SENTINEL_INGEST_* environment variables (see `Limits.from_env`).
"""
from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import PurePosixPath

from ledger.i18n import Both, Refusal


_MILLION = 1_000_000


class ReadError(Refusal):
    """The file cannot be read at all: one sentence of the i18n table saying what to do, str() in
    Chinese for the command line, `text(lang)` for the page that shows it."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * _MILLION  # the file as sent
    max_cells: int = 5 * _MILLION  # declared range, cells present, rows × columns, merged area
    max_unzipped_bytes: int = 2_000 * _MILLION  # all members of a workbook's zip, uncompressed
    max_zip_ratio: int = 200  # uncompressed / compressed, for members above 10 MB uncompressed
    max_json_depth: int = 64
    max_cell_chars: int = 1_000_000  # one CSV cell (csv's own default is 131,072)
    child_memory_bytes: int = 4_000 * _MILLION  # the Excel reader's address space
    child_seconds: int = 300  # the Excel reader's time

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, each overridden by SENTINEL_INGEST_<NAME> (e.g. SENTINEL_INGEST_MAX_BYTES)."""
        values = {}
        for f in fields(cls):
            text = os.environ.get(f"SENTINEL_INGEST_{f.name.upper()}")
            if text:
                values[f.name] = int(text)
        return cls(**values)


def _mb(n: int) -> str:
    return f"{n / _MILLION:,.0f} MB"


def _cells(n: int) -> Both:
    """A number of cells as each language counts them: 500 万个单元格, 5,000,000 cells."""
    count = Both(f"{n / 10_000:,.0f} 万" if n >= 10_000 else f"{n} ", f"{n:,}")
    return Both.of("msg.read.cells", count=count)


def check_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise ReadError("msg.read.too_large", name=name, size=_mb(size), limit=_mb(limits.max_bytes))


# ---- zip-based workbooks ----------------------------------------------------------------------

_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([^\"]+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s/>])([^>]*)>")
_CELL_R = re.compile(rb"\br=\"\$?([A-Z]{1,3})\$?(\d{1,7})\"")
_ROW_R = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d{1,7})\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")
_CHUNK = 1 << 20


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column), 1-based, of "A1:XFD1048576" or "B3"."""
    corners = []
    for part in ref.split(":")[:2]:
        match = _CELL_REF.match(part.strip())
        if not match:
            return None
        corners.append((int(match.group(2)), column_number(match.group(1))))
    (r0, c0), (r1, c1) = corners[0], corners[-1]
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def area(ref: str) -> int:
    bounds = parse_range(ref)
    return 0 if bounds is None else (bounds[2] - bounds[0] + 1) * (bounds[3] - bounds[1] + 1)


def _too_big(name: str, n: int, limits: Limits, what: str, **values) -> ReadError:
    """`what` of the sheet is too big: msg.read.what.<what> (declared, cells, extent, merged)."""
    return ReadError("msg.read.too_many_cells", name=name, what=Both.of(f"msg.read.what.{what}", **values),
                     limit=_cells(limits.max_cells), n=_cells(n))


def check_zip_workbook(name: str, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip bomb, and any sheet whose declared or actual extent or merged area is too large."""
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_unzipped_bytes:
        raise ReadError("msg.read.unzipped_too_large", name=name, size=_mb(total), limit=_mb(limits.max_unzipped_bytes))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 10 * _MILLION and ratio > limits.max_zip_ratio:
            raise ReadError("msg.read.zip_bomb", name=name, member=member.filename, ratio=ratio,
                            limit=limits.max_zip_ratio)
    for member in members:
        path = PurePosixPath(member.filename)
        if path.parts[:2] == ("xl", "worksheets") and path.suffix == ".xml":
            _check_sheet_xml(name, archive, member, limits)


def _pieces(stream) -> Iterator[bytes]:
    """The stream in pieces that each end just after a '>', so that no tag is split between two."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        block = tail + chunk
        cut = block.rfind(b">") + 1
        yield block[:cut]
        tail = block[cut:][-_CHUNK:]  # text without a '>' cannot hold a tag start we need
    if tail:
        yield tail


def _check_sheet_xml(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    cells = max_row = max_col = merged = 0
    with archive.open(member) as stream:
        for n, piece in enumerate(_pieces(stream)):
            if n == 0:  # the declared dimension comes before the data, in the first KB
                if (match := _DIMENSION.search(piece[:8192])) and area(ref := match.group(1).decode()) > limits.max_cells:
                    raise _too_big(name, area(ref), limits, "declared", ref=ref)
            for match in _CELL.finditer(piece):
                cells += 1
                if ref := _CELL_R.search(match.group(1)):
                    max_col = max(max_col, column_number(ref.group(1).decode()))
                    max_row = max(max_row, int(ref.group(2)))
            for match in _ROW_R.finditer(piece):
                max_row = max(max_row, int(match.group(1)))
            for match in _MERGE.finditer(piece):
                merged += area(match.group(1).decode())
            if cells > limits.max_cells:
                raise _too_big(name, cells, limits, "cells")
            if max_row * max_col > limits.max_cells:
                raise _too_big(name, max_row * max_col, limits, "extent", rows=max_row, columns=max_col)
            if merged > limits.max_cells:
                raise _too_big(name, merged, limits, "merged")


# ---- JSON ---------------------------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str, stop_at: int) -> int:
    """The deepest nesting of arrays and objects in `text` (strings skipped), counting up to `stop_at`."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    return deepest
        else:
            depth -= 1
    return deepest


def check_json_depth(name: str, text: str, limits: Limits) -> None:
    if json_depth(text, limits.max_json_depth) > limits.max_json_depth:
        raise ReadError("msg.read.json_too_deep", name=name, limit=limits.max_json_depth)
