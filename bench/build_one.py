"""Build one demo ledger and its snapshot, and print as JSON the time to generate and journal the
demo, and the snapshot build's time and peak memory, each phase in a fresh process of its own so
that each peak RSS is its own (run by bench/run.py).

    python -m bench.build_one FOLDER ITEMS    # journal ITEMS demo items, then build the snapshot
    python -m bench.build_one FOLDER          # build the snapshot of FOLDER's journal only
"""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.memory import peak_rss_mb
from ledger import demo
from ledger.config import REPO_ROOT, load_settings
from ledger.store import Journal, build_snapshot

folder = Path(sys.argv[1])
start = time.perf_counter()
if len(sys.argv) == 2:
    snapshot = build_snapshot(load_settings(folder), full=True)
    print(json.dumps({"seconds": round(time.perf_counter() - start, 1), "peak_rss_mb": peak_rss_mb(),
                      "snapshot_id": snapshot.snapshot_id}))
else:
    items = int(sys.argv[2])
    shutil.rmtree(folder, ignore_errors=True)
    Journal(load_settings(folder).journal_dir).append("items", demo.generate(n_items=items, seed=42), source="demo",
                                                      expected_rows=items)
    generated = {"generate_s": round(time.perf_counter() - start, 1), "generate_peak_rss_mb": peak_rss_mb()}
    out = subprocess.run([sys.executable, "-m", "bench.build_one", str(folder)], cwd=REPO_ROOT, check=True,
                         capture_output=True, text=True)
    print(json.dumps({**json.loads(out.stdout.strip().splitlines()[-1]), **generated}))
