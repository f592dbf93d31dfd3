"""`python -m ledger ingest` and `export` as a person or a cron job runs them, and an ingest
killed mid-way (SIGKILL, so no clean-up code runs) that leaves no half batch behind."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import polars as pl

from ledger.config import REPO_ROOT, load_settings
from ledger.store import Journal, current_snapshot, sha256_of
from tests.test_cli import ledger

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
JSON_KEYS = {"rows_read", "accepted", "duplicates", "quarantined", "updated", "outside", "snapshot_id", "files",
             "problems", "outside_rows", "warnings", "skipped_lines"}


def test_ingest_json_is_one_object_with_the_counts(tmp_path):
    result = ledger("ingest", "--json", str(FIXTURES / "platform_gbk.csv"), str(FIXTURES / "clb_strike_map.xlsx"),
                    env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert JSON_KEYS <= report.keys()
    assert (report["rows_read"], report["accepted"], report["outside"], report["quarantined"]) == (20, 15, 3, 1)
    assert report["rows_read"] == (report["accepted"] + report["duplicates"] + report["updated"] + report["outside"]
                                   + report["quarantined"])
    assert report["snapshot_id"] == current_snapshot(load_settings(tmp_path)).snapshot_id
    assert [f["name"] for f in report["files"]] == ["platform_gbk.csv", "clb_strike_map.xlsx"]
    assert {"file", "row", "reason"} <= report["problems"][0].keys()
    assert any(p["file"] == "clb_strike_map.xlsx" and p["row"] == 6 and "Zhejiang" in p["reason"]
               for p in report["outside_rows"])
    assert {"file", "row", "column", "reason", "original"} <= report["warnings"][0].keys()
    assert any(w["row"] == 5 and w["column"] == "Industry" and w["original"] == "Services" for w in report["warnings"])
    assert report["skipped_lines"] == [{"file": "platform_gbk.csv", "sheet": None, "row": 9, "reason": "合计行"}]
    quarantine = Path(report["files"][0]["quarantine_files"][0])
    assert quarantine.suffix == ".xlsx" and openpyxl.load_workbook(quarantine).worksheets[0].max_row == 2


def test_dry_run_and_source(tmp_path):
    result = ledger("ingest", "--json", "--dry-run", "--source", "南方网", str(FIXTURES / "city_workbook.xlsx"),
                    env_dir=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["snapshot_id"] is None and report["accepted"] == 6
    assert not (tmp_path / "journal").exists() or Journal(tmp_path / "journal").batches() == []
    human = ledger("ingest", "--source", "南方网", str(FIXTURES / "city_workbook.xlsx"), env_dir=tmp_path)
    assert human.returncode == 0 and "合计相符" in human.stdout and "非本省 0 条" in human.stdout
    assert "跳过 skipped lines (1):" in human.stdout and "第 8 行：合计行" in human.stdout
    items = pl.read_parquet(current_snapshot(load_settings(tmp_path)).table("items"))
    assert set(items["source"]) == {"southcn"}


def test_unreadable_file_gives_one_line_and_nonzero_exit(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    for args in (["ingest", str(broken)], ["ingest", "--json", str(tmp_path / "missing.csv")]):
        result = ledger(*args, env_dir=tmp_path / "data")
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "无法" in lines[0], result.stderr
    assert ledger("ingest", "--format", "pdf", str(broken)).returncode == 2


def test_export_by_city_and_dates(tmp_path):
    assert ledger("ingest", str(FIXTURES / "platform_gbk.csv"), str(FIXTURES / "city_workbook.xlsx"),
                  env_dir=tmp_path).returncode == 0
    out = tmp_path / "东莞.xlsx"
    result = ledger("export", "--out", str(out), "--city", "dongguan", "--since", "2024-03-01",
                    "--until", "2024-03-31", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    headers = rows[0]
    assert "标题" in headers and "所属地市" in headers
    assert len(rows) - 1 == 5 and {r[headers.index("所属地市")] for r in rows[1:]} == {"东莞市"}
    about = dict(book["筛选条件"].iter_rows(values_only=True))
    assert about["地市"] == "东莞市" and about["开始日期"] == "2024-03-01" and about["行数"] == "5"
    for city in ("441900", "东莞"):
        assert ledger("export", "--out", str(tmp_path / "a.parquet"), "--city", city, env_dir=tmp_path).returncode == 0
    bad = ledger("export", "--out", str(tmp_path / "a.csv"), "--city", "长沙", env_dir=tmp_path)
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert ledger("export", "--out", str(tmp_path / "a.docx"), env_dir=tmp_path).returncode == 1


def _big_export(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["标题", "发布时间", "来源", "链接", "地区", "涉及人数"])
        for i in range(rows):
            writer.writerow([f"东莞某厂工人讨薪（{i}）", f"2024-03-{1 + i % 28:02d} 10:{i % 60:02d}", "南方网",
                             f"https://news.example.cn/big/{i}", "东莞市", f"约{30 + i % 500}人"])


def test_killed_mid_ingest_leaves_no_half_batch_and_a_rerun_completes(tmp_path):
    rows = 6000
    big = tmp_path / "big.csv"
    _big_export(big, rows)
    data = tmp_path / "data"
    journal = data / "journal"
    process = subprocess.Popen([sys.executable, "-m", "ledger", "--data-dir", str(data), "ingest", "--json", str(big)],
                               cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = False
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        # The moment the batch is being written (its temp folder exists), pull the plug.
        if journal.exists() and any(p.name.startswith(".incoming-") for p in journal.iterdir()):
            os.kill(process.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.001)
    process.wait()
    assert killed, "the ingest finished before it could be killed"
    assert process.returncode == -signal.SIGKILL
    assert Journal(journal).batches() == []  # the half-written batch is invisible
    assert current_snapshot(load_settings(data)) is None

    rerun = subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(data), "ingest", "--json", str(big)],
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert (report["rows_read"], report["accepted"]) == (rows, rows)
    [batch] = Journal(journal).batches()
    assert batch.meta["rows"] == rows and batch.raw_checksums == {sha256_of(big)}
    for part in batch.part_files:
        assert batch.meta["parts"][part.name] == sha256_of(part)
    items = pl.read_parquet(current_snapshot(load_settings(data)).table("items"))
    assert items.height == rows and items["item_id"].n_unique() == rows
