"""A data directory written by the previous Sentinel (schema 2: the delta only, `location_approx`,
no place precision, warnings or grade confirmation) opens and is rebuilt by `python -m ledger
snapshot` to the current schema without losing an item or a change; the journal is not touched."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ledger import demo, geo, reference
from ledger.changes import KIND as CHANGES_KIND, Change, changes_table
from ledger.config import REPO_ROOT, load_settings
from ledger.store.migrate import upgrade_items
from ledger.schema import ITEMS_SCHEMA, SCHEMA_VERSION, validate_row
from ledger.store import Journal, StoreError, build_snapshot, current_snapshot, sha256_of

NEW_IN_3 = ("place_precision", "place_reason", "warnings", "grade_review", "grade_review_note",
            "grade_reviewed_by", "grade_reviewed_at")


def _as_schema_2(items: pa.Table) -> pa.Table:
    """Demo items as the previous Sentinel wrote them: delta units only, every column but
    location_approx (a centroid) in the old order, none of schema 3's."""
    delta = [u.code for u in geo.focus_units()]
    items = items.filter(pc.is_in(items["unit_code"], pa.array(delta)))
    approx = pc.not_equal(items["place_precision"], "point")
    items = items.drop_columns(list(NEW_IN_3))
    at = items.column_names.index("lat") + 1
    return items.add_column(at, pa.field("location_approx", pa.bool_()), approx)


def _journal_as_version_2(journal: Journal, table: pa.Table, kind: str, schema: pa.Schema):
    batch = journal.append(kind, [table], source="previous Sentinel", schema=schema)
    meta = json.loads((batch.path / "batch.json").read_text(encoding="utf-8"))
    (batch.path / "batch.json").write_text(json.dumps({**meta, "schema_version": 2}), encoding="utf-8")
    return batch


@pytest.fixture
def old_data(tmp_path):
    settings = load_settings(tmp_path / "data")
    old_items = _as_schema_2(pa.concat_tables(demo.generate(n_items=1200, seed=21)))
    journal = Journal(settings.journal_dir)
    _journal_as_version_2(journal, old_items, "items", old_items.schema)
    first = old_items.slice(0, 1).to_pylist()[0]
    change = Change(first["item_id"], {"verification_notes": first["verification_notes"]},
                    {"verification_notes": "迁移前的核实补充"}, note="schema 2")
    _journal_as_version_2(journal, changes_table([change], datetime(2026, 1, 5, 9), "officer440300"), CHANGES_KIND,
                          changes_table([change], datetime(2026, 1, 5, 9), "x").schema)
    return settings, old_items, first["item_id"]


def test_the_snapshot_command_rebuilds_an_old_directory_without_losing_anything(old_data):
    settings, old_items, changed_id = old_data
    before = {p: sha256_of(p) for p in settings.journal_dir.rglob("*") if p.is_file()}
    run = subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(settings.data_dir), "snapshot"],
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert all(sha256_of(p) == digest for p, digest in before.items())  # the journal is as it was

    snapshot = current_snapshot(settings)
    assert snapshot.manifest["schema_version"] == SCHEMA_VERSION
    items = pl.read_parquet(snapshot.table("items"))
    assert items.columns == ITEMS_SCHEMA.names and items.height == old_items.num_rows
    assert sorted(items["item_id"]) == sorted(old_items["item_id"].to_pylist())
    assert items.filter(pl.col("item_id") == changed_id)["verification_notes"][0] == "迁移前的核实补充"

    old = pl.from_arrow(old_items).select("item_id", "location_approx", "county_code", "lon")
    joined = items.join(old, on="item_id")
    assert set(joined.filter(~pl.col("location_approx"))["place_precision"]) == {"point"}
    centroid = joined.filter(pl.col("location_approx"))
    assert set(centroid["place_precision"]) <= {"town", "county", "city"} and centroid.height
    assert (centroid.filter(pl.col("county_code").is_null())["place_precision"] == "city").all()
    assert items["grade_review"].null_count() == items["warnings"].null_count() == items.height
    units, counties, industries = set(geo.unit_by_code()), geo.county_units(), set(reference.industry_by_code())
    assert not [p for row in items.iter_rows(named=True) for p in validate_row(row, units, counties, industries)]


def test_a_batch_from_a_newer_sentinel_is_refused_with_a_reason(tmp_path):
    settings = load_settings(tmp_path / "data")
    batch = Journal(settings.journal_dir).append("items", demo.generate(n_items=50, seed=3), source="demo")
    meta = json.loads((batch.path / "batch.json").read_text(encoding="utf-8"))
    (batch.path / "batch.json").write_text(json.dumps({**meta, "schema_version": SCHEMA_VERSION + 1}), encoding="utf-8")
    with pytest.raises(StoreError, match="请先升级哨岗"):
        build_snapshot(settings)


def test_upgrading_keeps_every_row_and_casts_to_the_schema():
    old = _as_schema_2(pa.concat_tables(demo.generate(n_items=400, seed=4)))
    new = upgrade_items(old, 2)
    assert new.schema == ITEMS_SCHEMA and new.num_rows == old.num_rows
    assert new.column("item_id").to_pylist() == old.column("item_id").to_pylist()
