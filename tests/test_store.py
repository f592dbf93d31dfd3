"""The journal and snapshots: durable batches, manifests that match their files, and readers
that see a whole snapshot while another process builds the next one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from ledger import demo
from ledger.cli import main
from ledger.config import REPO_ROOT, load_settings
from ledger.schema import ITEMS_SCHEMA
from ledger.store import (STALE_TEMP_SECONDS, Journal, StoreError, build_snapshot, current_snapshot,
                          list_snapshots, prune_snapshots, sha256_of)
from tests.helpers import build_demo


def small_chunks(n=300, seed=1):
    return demo.generate(n_items=n, seed=seed, chunk_rows=100)


def test_batch_is_durable_and_described(tmp_path):
    journal = Journal(tmp_path / "journal")
    raw = tmp_path / "export.csv"
    raw.write_text("标题\n某厂欠薪\n", encoding="utf-8")
    batch = journal.append("items", small_chunks(), source="test", raw_files=[raw])
    meta = json.loads((batch.path / "batch.json").read_text(encoding="utf-8"))
    assert meta["rows"] == 300
    assert len(batch.part_files) == 3
    for part in batch.part_files:
        assert meta["parts"][part.name] == sha256_of(part)
    assert meta["raw"][0]["sha256"] == sha256_of(batch.path / "raw" / "export.csv")
    assert [b.batch_id for b in journal.batches()] == [batch.batch_id]


def test_interrupted_batch_leaves_nothing_visible(tmp_path):
    journal = Journal(tmp_path / "journal")

    def chunks_then_crash():
        yield next(iter(small_chunks()))
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        journal.append("items", chunks_then_crash(), source="test")
    assert journal.batches() == []
    leftovers = list((tmp_path / "journal").glob(".incoming-*"))
    assert len(leftovers) == 1  # invisible to readers, removed once stale


def test_batch_with_wrong_columns_is_refused(tmp_path):
    journal = Journal(tmp_path / "journal")
    wrong = pa.table({"item_id": ["x"]})
    with pytest.raises(StoreError):
        journal.append("items", [wrong], source="test")
    assert journal.batches() == []


def test_snapshot_manifest_matches_files_and_is_sorted_open_items_first(tmp_path):
    settings = load_settings(tmp_path)
    journal = Journal(settings.journal_dir)
    journal.append("items", small_chunks(500, seed=3), source="test")
    snapshot = build_snapshot(settings)
    m = snapshot.manifest
    assert current_snapshot(settings).snapshot_id == snapshot.snapshot_id
    for name, entry in m["tables"].items():
        path = snapshot.path / entry["file"]
        assert pq.read_metadata(path).num_rows == entry["rows"], name
        assert sha256_of(path) == entry["sha256"], name
    assert m["counts"]["items"] == 500
    assert m["source_batches"] == [b.batch_id for b in journal.batches()]
    rows = pq.read_table(snapshot.table("items"), columns=["closed_at", "captured_at"]).to_pylist()
    order = [(r["closed_at"] is not None, r["captured_at"]) for r in rows]
    assert order == sorted(order)  # open items first, each part by capture time
    assert any(r["closed_at"] is None for r in rows) and any(r["closed_at"] is not None for r in rows)
    assert pq.read_schema(snapshot.table("items")).names == ITEMS_SCHEMA.names


def test_later_batch_wins_for_the_same_item(tmp_path):
    settings = load_settings(tmp_path)
    journal = Journal(settings.journal_dir)
    first = pa.concat_tables(list(small_chunks(200, seed=5)))
    journal.append("items", [first], source="test")
    changed = first.slice(0, 10).set_column(
        ITEMS_SCHEMA.get_field_index("title"), "title", pa.array(["更正后的标题"] * 10))
    journal.append("items", [changed], source="test")
    items = pq.read_table(build_snapshot(settings).table("items")).to_pylist()
    assert len(items) == 200
    titles = {row["item_id"]: row["title"] for row in items}
    assert all(titles[i] == "更正后的标题" for i in changed.column("item_id").to_pylist())


def test_batches_written_before_a_column_was_added_still_build_with_every_column(tmp_path):
    settings = load_settings(tmp_path)
    batch = Journal(settings.journal_dir).append("items", small_chunks(50, seed=2), source="test")
    for part in batch.part_files:  # as an older Sentinel wrote it, without the newer columns
        pq.write_table(pq.read_table(part).drop_columns(["duplicate_of", "disposition"]), part)
    snapshot = build_snapshot(settings)
    assert pq.read_schema(snapshot.table("items")).names == ITEMS_SCHEMA.names
    assert pq.read_metadata(snapshot.table("items")).num_rows == 50


def test_snapshot_of_empty_journal_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="demo"):
        build_snapshot(load_settings(tmp_path))


def test_a_build_repairs_a_current_pointer_to_a_snapshot_that_is_gone(tmp_path):
    settings = load_settings(tmp_path)
    Journal(settings.journal_dir).append("items", small_chunks(), source="demo")
    build_snapshot(settings)
    (settings.snapshots_dir / "CURRENT").write_text("20000101-000000-000-gone\n", encoding="utf-8")
    with pytest.raises(StoreError, match="不存在"):
        current_snapshot(settings)
    rebuilt = build_snapshot(settings)  # not from the missing one: from the journal
    assert rebuilt.manifest["items_from"] is None and rebuilt.manifest["counts"]["items"] == 300
    assert current_snapshot(settings).snapshot_id == rebuilt.snapshot_id


def test_prune_keeps_current_and_previous(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINEL_SNAPSHOT_RETENTION_DAYS", "0")
    settings = load_settings(tmp_path)
    Journal(settings.journal_dir).append("items", small_chunks(50), source="test")
    ids = [build_snapshot(settings).snapshot_id for _ in range(4)]
    kept = [s.snapshot_id for s in list_snapshots(settings)]
    assert kept == ids[-2:]
    assert prune_snapshots(settings) == []


def _reader_check(settings) -> int:
    """Open CURRENT and verify the snapshot it names is whole; return its item count."""
    snapshot = current_snapshot(settings)
    entry = snapshot.manifest["tables"]["items"]
    path = snapshot.path / entry["file"]
    assert sha256_of(path) == entry["sha256"]
    table = pq.read_table(path, columns=["item_id"])
    assert table.num_rows == entry["rows"] == snapshot.manifest["counts"]["items"]
    return table.num_rows


def test_reader_sees_whole_snapshots_while_another_process_builds(tmp_path):
    settings = load_settings(tmp_path)
    journal = Journal(settings.journal_dir)
    journal.append("items", small_chunks(2000, seed=11), source="test")
    build_snapshot(settings)
    writer_code = (
        "import sys; from ledger import demo; from ledger.config import load_settings;"
        "from ledger.store import Journal, build_snapshot;"
        "s = load_settings(sys.argv[1]); j = Journal(s.journal_dir)\n"
        "for k in range(6):\n"
        "    j.append('items', demo.generate(n_items=2000 + 500 * (k + 1), seed=11), source='test')\n"
        "    build_snapshot(s)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", writer_code, str(tmp_path)])
    seen_counts = set()
    reads = 0
    deadline = time.monotonic() + 240
    while writer.poll() is None and time.monotonic() < deadline:
        seen_counts.add(_reader_check(settings))
        reads += 1
    assert writer.wait(timeout=60) == 0
    seen_counts.add(_reader_check(settings))
    assert reads > 10
    assert len(seen_counts) >= 2, "the reader should have seen the snapshot change under it"
    assert max(seen_counts) == 5000


def test_what_killed_writers_left_is_cleaned_when_the_app_or_a_command_starts(tmp_path, monkeypatch):
    """A batch cut off mid-write, a half-built snapshot, the temp files of atomic replacements and
    an upload's folder, all older than an hour, are gone once the app starts; a writer's fresh temp
    (another process at work) is kept. A command cleans the same way."""
    settings = build_demo(tmp_path / "data", n_items=200, seed=3)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    (tmp_path / "system-tmp").mkdir()

    def crashing():
        yield next(iter(small_chunks()))
        raise RuntimeError("kill -9")

    with pytest.raises(RuntimeError):
        Journal(settings.journal_dir).append("items", crashing(), source="test")
    half_build = settings.snapshots_dir / ".building-20260101-000000-x"
    upload = tmp_path / "system-tmp" / "sentinel-import-abc"
    for folder in (half_build, upload):
        folder.mkdir()
        (folder / "part.parquet").write_bytes(b"half")
    temp_files = [settings.snapshots_dir / ".CURRENT.abc.tmp", settings.data_dir / "auth" / ".failures.json.abc.tmp"]
    for path in temp_files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    stale = [*settings.journal_dir.glob(".incoming-*"), half_build, upload, *temp_files]
    assert len(stale) == 5
    an_hour_ago = time.time() - STALE_TEMP_SECONDS - 60
    for path in stale:
        os.utime(path, (an_hour_ago, an_hour_ago))
    fresh = settings.snapshots_dir / ".building-20261203-000000-y"
    fresh.mkdir()
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert [p for p in stale if p.exists()] == [] and fresh.exists()
    assert current_snapshot(settings) is not None  # readers never saw any of it
    os.utime(fresh, (an_hour_ago, an_hour_ago))
    assert main(["--data-dir", str(settings.data_dir), "info"]) == 0
    assert not fresh.exists()
