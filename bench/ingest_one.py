"""Ingest one large monitoring export in a fresh process, and print its time and peak memory as
JSON (run by bench/run.py, which writes the export first with `write_export`, so that this
process's peak is the ingest's own). The file is a platform CSV of demo disputes, every one with
an enterprise name, so each row takes part in the near-duplicate search (issue 18 point 10:
200,000 such rows took 752 s and 1.6 GB before that search was blocked by day and place).

    python -m bench.ingest_one EXPORT.csv DATA_FOLDER
"""
import csv
import json
import shutil
import sys
import time
from pathlib import Path

import polars as pl

from bench.memory import peak_rss_mb
from ledger import demo, geo
from ledger.config import load_settings
from ledger.ingest import ingest_files

HEADER = ["标题", "发布时间", "媒体", "网址", "属地", "区县", "企业名称", "人数", "主要诉求", "行为方式"]


def write_export(path: Path, rows: int) -> None:
    """`rows` demo items as a monitoring platform sends them; items without an enterprise get one
    named after their place, so every row is a near-duplicate candidate."""
    units = {u.code: u.name_zh for u in geo.units()}
    counties = {c.code: c.name_zh for c in geo.counties()}
    items = pl.concat([pl.from_arrow(chunk) for chunk in demo.generate(n_items=rows, seed=42)])
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for n, item in enumerate(items.iter_rows(named=True)):
            place = counties.get(item["county_code"] or "", "")
            out.writerow([item["title"], f"{item['captured_at']:%Y-%m-%d %H:%M}", item["source"], item["url"],
                          units.get(item["unit_code"] or "", ""), place,
                          item["enterprise"] or f"{place or '广东'}第{n % 5000}号制品有限公司",
                          item["participants_text"] or "", "欠薪", "聚集"])


if __name__ == "__main__":
    export, folder = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    report = ingest_files(load_settings(folder), [export])
    print(json.dumps({"rows": report.rows_read, "seconds": round(time.perf_counter() - start, 1),
                      "peak_rss_mb": peak_rss_mb(), "accepted": report.accepted, "merged": report.duplicates,
                      "quarantined": report.quarantined, "balanced": report.balanced}, ensure_ascii=False))
