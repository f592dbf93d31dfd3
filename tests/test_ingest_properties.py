"""Properties of ingest, by fuzzing (hypothesis) with what hostile and unlucky files hold: for
any cells, in a CSV, a workbook or JSON, the ingest never raises, and every line below the
header is either a data row in exactly one outcome or a skipped line listed with its number;
every quarantined row has a reason; what is stored carries no control or bidi-override text."""
from __future__ import annotations

import csv
import json
import tempfile
import unicodedata
from pathlib import Path

import polars as pl
import xlsxwriter
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from ledger.config import load_settings
from ledger.ingest import ingest_files
from ledger.store import current_snapshot

HEADER = ["标题", "发布时间", "来源", "链接", "地区", "涉及人数", "诉求", "方式", "企业名称", "核实结果", "核实时间"]
HOSTILE = ["2024-03-05 14:03", "9999-12-31", "0001-01-01", "3月5日", "45356", "约200人", "99999999999999999999", "-5",
           "东莞", "长沙", "宝安区", "合计", "Total", "总计：35", "=1+1", "\u200b=HYPERLINK(\"http://x\")", "＝1+1", "@SUM(A1)",
           "+1", "-1", "\u202e", "\u200b\u200b", "\xad", "a\u200db", "\u200e", "a\x00b", "\x07", "", " ", "—", "不详", "属实", '"', '""', "\n", "\r\n"]
cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=25), st.none())
rows = st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=10)
PROPERTY = hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORBIDDEN = {"Cc", "Cf"}  # control and format characters (NUL, BEL, U+202E, soft hyphen, zero-width …)
JOINERS = "\u200c\u200d"  # kept inside text (emoji, scripts), never at its ends


def write_csv(path: Path, data: list[list]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([HEADER, *data])


def write_xlsx(path: Path, data: list[list]) -> None:
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    sheet = book.add_worksheet("台账")
    for r, values in enumerate([HEADER, *data]):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write_string(r, c, value)
    book.close()


def write_json(path: Path, data: list[list]) -> None:
    path.write_text(json.dumps([dict(zip(HEADER, values)) for values in data], ensure_ascii=False), encoding="utf-8")


def check(write, suffix: str, data: list[list]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        write(path, data)
        settings = load_settings(Path(folder) / "ledger")
        report = ingest_files(settings, [path])
        assert not report.unreadable, report.unreadable
        (file,) = report.files
        assert file.balanced
        assert file.rows_read + len(file.skipped_lines) == len(data), (file.rows_read, file.skipped_lines)
        assert len(file.problems) >= file.quarantined and all(note.reason for note in file.problems)
        snapshot = current_snapshot(settings)
        if snapshot is not None and file.accepted:
            titles = pl.read_parquet(snapshot.table("items"), columns=["title"])["title"].to_list()
            assert len(titles) == file.accepted
            assert not [t for t in titles if t != t.strip(JOINERS)
                        or {unicodedata.category(ch) for ch in t if ch not in JOINERS} & FORBIDDEN]


@PROPERTY
@given(rows)
def test_a_csv_never_crashes_and_never_loses_a_line(data):
    check(write_csv, ".csv", data)


@PROPERTY
@given(rows)
def test_a_workbook_never_crashes_and_never_loses_a_line(data):
    check(write_xlsx, ".xlsx", [[None if v is None else v.replace("\x00", "") for v in r] for r in data])


@PROPERTY
@given(rows)
def test_json_never_crashes_and_never_loses_a_record(data):
    check(write_json, ".json", data)
