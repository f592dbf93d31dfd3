"""The benchmark's own tools run on a real ledger: `make bench` is not part of `make test`, so an
API change that breaks it must fail here, not half an hour into a benchmark."""
from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq

from bench import limits
from bench.panels import panel_params
from bench.run import bare_scan
from ledger.config import REPO_ROOT
from queries import Door


def test_every_panel_has_a_bare_scan_of_the_columns_its_plan_reads(demo_settings, now):
    door = Door(demo_settings, cache_entries=0)
    items = str(door.snapshot().table("items"))
    for name, params in panel_params(now).items():
        assert name in limits.ROWS, name
        assert bare_scan(door, name, params, items, runs=1) > 0
    plan = door.plan("overview_kpis", **panel_params(now)["overview_kpis"])
    read = set(limits.columns_read(plan, pq.read_schema(items).names))
    assert {"captured_at", "verify_due_at", "verified_at", "closed_at", "is_collective"} <= read
    assert not read & {"title", "summary", "enterprise"}  # the overview never reads text


def test_the_verification_latency_tool_runs_on_a_copy(demo_settings):
    before = sorted(p.name for p in demo_settings.snapshots_dir.iterdir())
    out = subprocess.run([sys.executable, "-m", "bench.verify_one", str(demo_settings.data_dir)], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["total_s"] >= figures["save_s"] >= 0
    assert sorted(p.name for p in demo_settings.snapshots_dir.iterdir()) == before  # the ledger itself untouched
