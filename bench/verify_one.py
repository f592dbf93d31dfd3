"""Save one verification on a bench ledger and time it until the snapshot that shows it is built,
in a fresh process (so the peak memory is the rebuild's), and print the figures as JSON. Run by
bench/run.py: the issue asks that a verification reach the dashboards within a minute.

The ledger is a copy made of hard links (journal batches and snapshot files are never written
again once made), so the bench ledger itself stays as it was and `--reuse` keeps working.

    python -m bench.verify_one FOLDER
"""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.memory import peak_rss_mb
from ledger.access import DEMO_USER
from ledger.config import load_settings
from ledger.store import build_snapshot, current_snapshot
from ledger.workflow.verify import Verification, load_item, save
from queries import ALL

source = load_settings(Path(sys.argv[1]))
snapshot = current_snapshot(source)
with tempfile.TemporaryDirectory(dir=source.data_dir.parent) as scratch:
    settings = load_settings(scratch)
    shutil.copytree(source.journal_dir, settings.journal_dir, copy_function=os.link)
    shutil.copytree(snapshot.path, settings.snapshots_dir / snapshot.snapshot_id, copy_function=os.link)
    (settings.snapshots_dir / "CURRENT").write_text(snapshot.snapshot_id, encoding="utf-8")
    [(item_id,)] = duckdb.sql("select item_id from read_parquet($items) where status = 'pending' limit 1",
                              params={"items": str(snapshot.table("items"))}).fetchall()
    start = time.perf_counter()
    version = load_item(settings, item_id, ALL)
    loaded = time.perf_counter()
    save(settings, version, Verification("true", "bench"), DEMO_USER)
    saved = time.perf_counter()
    build_snapshot(settings)  # what ledger.store.rebuild runs in the background after a save
    built = time.perf_counter()
    print(json.dumps({"load_s": round(loaded - start, 2), "save_s": round(saved - loaded, 2),
                      "rebuild_s": round(built - saved, 1), "total_s": round(built - start, 1),
                      "peak_rss_mb": peak_rss_mb()}), flush=True)
# DuckDB 2.0.1 at times aborts while this process's connections are destroyed at interpreter exit
# ("terminate called after throwing…", exit 134, after the figures are printed): leave at once.
os._exit(0)
