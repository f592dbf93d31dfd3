"""Build one demo ledger and its snapshot in a fresh process, and print its time and peak memory
as JSON (run by bench/run.py so that each size's peak RSS is its own).

    python -m bench.build_one FOLDER ITEMS
"""
import json
import shutil
import sys
import time
from pathlib import Path

from bench.memory import peak_rss_mb
from ledger import demo
from ledger.config import load_settings
from ledger.store import Journal, build_snapshot

folder, items = Path(sys.argv[1]), int(sys.argv[2])
shutil.rmtree(folder, ignore_errors=True)
settings = load_settings(folder)
start = time.perf_counter()
Journal(settings.journal_dir).append("items", demo.generate(n_items=items, seed=42), source="demo", expected_rows=items)
snapshot = build_snapshot(settings)
print(json.dumps({"seconds": round(time.perf_counter() - start, 1),
                  "peak_rss_mb": peak_rss_mb(),
                  "snapshot_id": snapshot.snapshot_id}))
