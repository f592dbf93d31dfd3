"""The journal (every accepted input, kept for ever) and the snapshots built from it.

Why two layers: inputs arrive as messy batches and must never be lost or edited, while the
dashboard needs one clean, fast, consistent picture. So every accepted input is first written
durably to the journal as an immutable batch (temp folder, fsync, rename: a batch is either
whole or absent), and only then is anyone told "accepted". A snapshot is a folder of Parquet
files built from the whole journal plus a manifest; it never changes after it is written. The
CURRENT file names the snapshot readers should use and is replaced with `os.replace`, so a
reader sees the old snapshot or the new one, never half of one. Old snapshots are kept for a
configurable number of days so that two snapshots can be compared ("since yesterday", monthly
reconciliation).

Layout under the data directory:
    journal/<batch_id>/batch.json, part-00000.parquet …, raw/<original files>, <side table>.parquet
    journal/.conformed/v<schema>/<batch_id>/part-… (older items batches as read now; ledger/store/migrate.py)
    snapshots/<snapshot_id>/manifest.json, items.parquet, verifications.parquet, units.parquet …

Batches of kind "items" hold item versions (the newest version of an item wins); batches of kind
"verifications" hold changes to existing items (ledger/changes.py), applied over them in order;
batches of kind "event_reports" hold staged event reports (ledger/workflow/events.py).
    snapshots/CURRENT

The package also holds the SQL that builds snapshots and matches ingested rows (`sql/`,
read with `sqlfiles`), the background rebuild after a change (`rebuild`) and the conformed
copies of older journals (`migrate`). Reads of a snapshot go through the query door (queries/).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ledger.changes import CHANGES_SCHEMA, KIND as CHANGES_KIND, items_json_structure
from ledger.config import REFERENCE_DIR, Settings
from ledger.i18n import Both, Refusal
from ledger.store.migrate import upgrade_items
from ledger.schema import EVENT_REPORTS_KIND, EVENT_REPORTS_SCHEMA, ITEMS_SCHEMA, ORIGINS_SCHEMA, SCHEMA_VERSION
from ledger.store.sqlfiles import sql

SHANGHAI = timezone(timedelta(hours=8))
SNAPSHOT_KINDS = ("items", CHANGES_KIND, EVENT_REPORTS_KIND)  # the batch kinds a snapshot is built from
STALE_TEMP_SECONDS = 3600  # a temp folder this old belongs to a writer that died
BUILDING_PREFIX = ".building-"  # a snapshot being built, under snapshots/
Progress = Callable[[Both, float], None]  # (the step in both languages, fraction done 0..1)


class StoreError(Refusal):
    """A problem with the journal or snapshots that a person can act on, said in both languages."""


def now_shanghai() -> datetime:
    """Current wall-clock time in Asia/Shanghai, naive (the ledger's convention)."""
    return datetime.now(SHANGHAI).replace(tzinfo=None)


# ---- durable file writing -------------------------------------------------------------------

def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json_durably(path: Path, payload: dict) -> None:
    """Write JSON next to `path`, fsync it, then atomically move it into place."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temp.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    _fsync_path(temp)
    os.replace(temp, path)
    _fsync_path(path.parent)


def _publish_folder(temp_dir: Path, final_dir: Path) -> None:
    """Make a fully written folder visible under its final name, durably."""
    for child in temp_dir.rglob("*"):
        _fsync_path(child)
    os.rename(temp_dir, final_dir)
    _fsync_path(final_dir.parent)


def _remove_stale_temps(folder: Path, pattern: str) -> list[Path]:
    """Remove what matches `pattern` under `folder` and is older than STALE_TEMP_SECONDS (younger
    ones may belong to a writer still at work); return what was removed."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    removed = []
    for temp in folder.glob(pattern):
        try:
            if temp.lstat().st_mtime >= cutoff:
                continue
            if temp.is_dir() and not temp.is_symlink():
                shutil.rmtree(temp)
            else:
                temp.unlink()
        except OSError:  # gone already (another process cleaned it), or not ours to remove
            continue
        removed.append(temp)
    return removed


# ---- journal ----------------------------------------------------------------------------------

def _conform(chunk: pa.Table, schema: pa.Schema, index: int, temp: Path) -> pa.Table:
    """`chunk` cast to `schema` (same column names in the same order, castable types), or refuse."""
    try:
        if chunk.schema.names != schema.names:
            raise ValueError("column names differ")
        return chunk.cast(schema)
    except (ValueError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        shutil.rmtree(temp, ignore_errors=True)
        raise StoreError("msg.store.batch_columns", n=index + 1) from None


@dataclass(frozen=True)
class Batch:
    batch_id: str
    kind: str
    path: Path
    meta: dict

    @property
    def part_files(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet"))

    def side_table(self, name: str) -> Path | None:
        """The side table `name` written with this batch (see Journal.append), if any."""
        entry = self.meta.get("tables", {}).get(name)
        return self.path / entry["file"] if entry else None

    @property
    def raw_checksums(self) -> set[str]:
        return {raw["sha256"] for raw in self.meta.get("raw", [])}


class Journal:
    """Append-only store of accepted input batches."""

    TEMP_PREFIX = ".incoming-"

    def __init__(self, journal_dir: Path):
        self.dir = journal_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(self.dir, f"{self.TEMP_PREFIX}*")

    def append(self, kind: str, chunks: Iterable[pa.Table], *, source: str, note: str = "",
               raw_files: Iterable[Path] = (), schema: pa.Schema = ITEMS_SCHEMA,
               progress: Progress | None = None, expected_rows: int | None = None,
               tables: Mapping[str, pa.Table] | None = None) -> Batch:
        """Write `chunks` (tables of `schema`) and the raw files as one batch; return it once durable.

        `tables` are side tables that belong to the same batch (e.g. where each ingested row came
        from), written as NAME.parquet with their checksums, so they appear with the batch or not
        at all.

        If anything fails before the final rename, nothing is visible: the half-written temp
        folder is ignored by readers and removed later.
        """
        created = now_shanghai()
        batch_id = f"{created:%Y%m%dT%H%M%S%f}-{kind}-{uuid.uuid4().hex[:6]}"
        temp = self.dir / f"{self.TEMP_PREFIX}{batch_id}"
        temp.mkdir()
        rows = 0
        checksums: dict[str, str] = {}
        for index, chunk in enumerate(chunks):
            chunk = _conform(chunk, schema, index, temp)
            part = temp / f"part-{index:05d}.parquet"
            pq.write_table(chunk, part, compression="zstd")
            checksums[part.name] = sha256_of(part)
            rows += chunk.num_rows
            if progress:
                progress(Both.of("progress.journal_batch"), min(rows / expected_rows, 1.0) if expected_rows else 0.0)
        raw_meta = []
        if raw_files:
            (temp / "raw").mkdir()
            for raw in map(Path, raw_files):
                target = temp / "raw" / raw.name
                shutil.copy2(raw, target)
                raw_meta.append({"name": raw.name, "sha256": sha256_of(target), "bytes": target.stat().st_size})
        side = {}
        for name, table in (tables or {}).items():
            pq.write_table(table, temp / f"{name}.parquet", compression="zstd")
            side[name] = {"file": f"{name}.parquet", "rows": table.num_rows,
                          "sha256": sha256_of(temp / f"{name}.parquet")}
        meta = {
            "batch_id": batch_id, "kind": kind, "created_at": created.isoformat(), "source": source,
            "note": note, "rows": rows, "schema_version": SCHEMA_VERSION, "parts": checksums, "raw": raw_meta,
            "tables": side,
        }
        (temp / "batch.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        _publish_folder(temp, self.dir / batch_id)
        return Batch(batch_id, kind, self.dir / batch_id, meta)

    def batches(self, kind: str | None = None) -> list[Batch]:
        """Committed batches in the order they were accepted."""
        found = []
        for folder in sorted(p for p in self.dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            meta_file = folder / "batch.json"
            if not meta_file.exists():
                continue
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if kind is None or meta["kind"] == kind:
                found.append(Batch(meta["batch_id"], meta["kind"], folder, meta))
        return found


# ---- snapshots --------------------------------------------------------------------------------

REFERENCE_TABLES = ("units", "counties", "industries", "grades")


CONFORMED_DIR = ".conformed"  # in the journal: older items batches as the current schema (ledger/store/migrate.py)


def _items_parts(batch: Batch) -> list[Path]:
    """An items batch's part files as the current schema: its own when it was written under it,
    else conformed copies, made once under journal/.conformed/v<schema>/<batch_id>/ (never the
    batch itself: the journal is not rewritten). Called under the build lock."""
    version = batch.meta.get("schema_version", 1)
    if version == SCHEMA_VERSION:
        return batch.part_files
    if version > SCHEMA_VERSION:
        raise StoreError("msg.store.newer_schema", batch=batch.batch_id, version=version, known=SCHEMA_VERSION)
    folder = batch.path.parent / CONFORMED_DIR / f"v{SCHEMA_VERSION}" / batch.batch_id
    if not folder.exists():
        temp = folder.with_name(f"{Journal.TEMP_PREFIX}{batch.batch_id}")
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir(parents=True)
        for part in batch.part_files:
            pq.write_table(upgrade_items(pq.read_table(part), version), temp / part.name, compression="zstd")
        _publish_folder(temp, folder)
    return sorted(folder.glob("part-*.parquet"))


# What writers leave behind when killed: half-written journal batches and their conformed copies,
# half-built snapshots, the temp files of atomic replacements (write_json_durably, CURRENT,
# users.toml, ingest reports), and the import page's and briefs' folders in the system temp.
_LEFTOVERS: tuple[tuple[Callable[[Settings], Path], str], ...] = (
    (lambda s: s.journal_dir, f"{Journal.TEMP_PREFIX}*"),
    (lambda s: s.journal_dir / CONFORMED_DIR, f"v*/{Journal.TEMP_PREFIX}*"),
    (lambda s: s.snapshots_dir, f"{BUILDING_PREFIX}*"),
    (lambda s: s.data_dir, "**/.*.tmp"),
    (lambda s: Path(tempfile.gettempdir()), "sentinel-import-*"),
    (lambda s: Path(tempfile.gettempdir()), "sentinel-brief-*"),
)


def remove_leftovers(settings: Settings) -> list[Path]:
    """Clean what a killed ingest, build or upload left, at the start of the app or a command;
    return what was removed (a fresh temp of a writer at work in another process is kept)."""
    removed = []
    for folder_of, pattern in _LEFTOVERS:
        if (folder := folder_of(settings)).is_dir():
            removed += _remove_stale_temps(folder, pattern)
    return removed


@dataclass(frozen=True)
class JournalFiles:
    """The journal files a snapshot is built from."""

    batches: list[Batch]

    @property
    def items(self) -> list[str]:
        return [str(p) for b in self.batches if b.kind == "items" for p in _items_parts(b)]

    @property
    def changes(self) -> list[str]:
        return [str(p) for b in self.batches if b.kind == CHANGES_KIND for p in b.part_files]

    @property
    def event_reports(self) -> list[str]:
        return [str(p) for b in self.batches if b.kind == EVENT_REPORTS_KIND for p in b.part_files]

    @property
    def origins(self) -> list[str]:
        return [str(b.side_table("origins")) for b in self.batches if b.side_table("origins")]


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    path: Path
    manifest: dict

    def table(self, name: str) -> Path:
        return self.path / self.manifest["tables"][name]["file"]

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["created_at"])


def _read_reference(name: str) -> pa.Table:
    """A reference CSV as an Arrow table; codes stay strings (440300 is a code, not a number)."""
    path = REFERENCE_DIR / f"{name}.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    numeric = {"lon": pa.float64(), "lat": pa.float64(), "sort_order": pa.int32(),
               "min_participants": pa.int32(), "severity_rank": pa.int32()}
    types = {col: numeric.get(col, pa.string()) for col in header}
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))


@contextmanager
def exclusive_lock(path: Path):
    """Hold an exclusive lock on the file `path` (created with its folder if missing): the work
    inside runs in one process at a time (snapshot builds, ingests, verifications, reminder
    rounds); the others wait their turn. The lock goes with the process if it dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_snapshot(settings: Settings, progress: Progress | None = None, full: bool = False) -> Snapshot:
    """Build a new snapshot of the journal and make it CURRENT; return it. When the journal has
    received only changes since the current snapshot (verifications, event reports), its items
    table starts from the current one's (`_incremental_base`), unless `full` is asked for."""
    report = progress or (lambda step, fraction: None)
    snapshots_dir = settings.snapshots_dir
    snapshots_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(snapshots_dir / ".build.lock"):  # one build at a time per data folder
        _remove_stale_temps(snapshots_dir, f"{BUILDING_PREFIX}*")
        batches = [b for b in Journal(settings.journal_dir).batches() if b.kind in SNAPSHOT_KINDS]
        files = JournalFiles(batches)
        if not files.items:
            raise StoreError("msg.store.empty_journal")
        base = None if full else _incremental_base(settings, batches)
        created = now_shanghai()
        # Sortable to the millisecond (builds are serialised by the lock), unique by the suffix.
        snapshot_id = f"{created:%Y%m%d-%H%M%S}-{created.microsecond // 1000:03d}-{uuid.uuid4().hex[:4]}"
        temp = snapshots_dir / f"{BUILDING_PREFIX}{snapshot_id}"
        temp.mkdir()
        try:
            tables = _write_snapshot_tables(settings, temp, files, report, base)
            report(Both.of("progress.checksums"), 0.85)
            for entry in tables.values():
                entry["sha256"] = sha256_of(temp / entry["file"])
            manifest = {
                "snapshot_id": snapshot_id,
                "created_at": created.isoformat(timespec="seconds"),
                "schema_version": SCHEMA_VERSION,
                "tables": tables,
                "source_batches": [b.batch_id for b in batches],
                "items_from": base.previous.snapshot_id if base else None,  # None: built from the journal alone
                **_summarise(temp / "items.parquet"),
            }
            (temp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                                encoding="utf-8")
            _publish_folder(temp, snapshots_dir / snapshot_id)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        report(Both.of("progress.switch"), 0.95)
        _point_current_at(snapshots_dir, snapshot_id)
        prune_snapshots(settings)
        report(Both.of("progress.done"), 1.0)
        return Snapshot(snapshot_id, snapshots_dir / snapshot_id, manifest)


def duckdb_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection held to the configured memory limit, spilling into the
    data folder."""
    con = duckdb.connect()
    con.execute("set memory_limit = $limit", {"limit": settings.duckdb_memory_limit})
    con.execute("set temp_directory = $dir", {"dir": str(settings.duckdb_temp_dir)})
    return con


def _connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb_connection(settings)
    con.execute("set preserve_insertion_order = false")
    return con


def _or_empty(files: list[str], schema: pa.Schema, folder: Path, name: str) -> list[str]:
    """`files`, or one empty Parquet file of `schema` (in the build folder) when there are none,
    so that the SQL reads an empty table of the right types instead of failing."""
    if files:
        return files
    empty = folder / f".empty-{name}.parquet"
    pq.write_table(schema.empty_table(), empty)
    return [str(empty)]


@dataclass(frozen=True)
class _Base:
    """The snapshot a new one starts from, and the change batches the journal received since."""

    previous: Snapshot
    new_changes: list[str]


def _incremental_base(settings: Settings, batches: list[Batch]) -> _Base | None:
    """The current snapshot as a base, when all the journal received since it is changes and
    event reports: no items batch (an ingest), none gone, the same schema. Journal batches and
    snapshot files are never rewritten, so its items less those the new changes touch are what a
    full build would give them (tests/test_store.py checks this against a full build)."""
    try:
        previous = current_snapshot(settings)
    except StoreError:  # CURRENT names a snapshot that is gone: a full build repairs it
        return None
    if (previous is None or previous.manifest.get("schema_version") != SCHEMA_VERSION
            or not previous.table("items").exists()):
        return None
    known = set(previous.manifest["source_batches"])
    new = [b for b in batches if b.batch_id not in known]
    if not known <= {b.batch_id for b in batches} or any(b.kind == "items" for b in new):
        return None
    return _Base(previous, [b.batch_id for b in new if b.kind == CHANGES_KIND])


def _write_snapshot_tables(settings: Settings, folder: Path, files: JournalFiles, report: Progress,
                           base: _Base | None) -> dict[str, dict]:
    con = _connect(settings)
    try:
        tables = {}

        def write(name: str, query: str, **params) -> Path:
            out = folder / f"{name}.parquet"
            con.execute(sql(query), {**params, "out": str(out)})
            tables[name] = {"file": out.name, "rows": pq.read_metadata(out).num_rows}
            return out

        report(Both.of("progress.verifications"), 0.05)
        history = write("verifications", "build_verifications",
                        change_files=_or_empty(files.changes, CHANGES_SCHEMA, folder, "changes"))
        report(Both.of("progress.merge"), 0.1)
        changed = folder / ".changed-items.parquet"
        con.execute(sql("build_changed_items"), {"item_files": files.items, "history_file": str(history),
                                                 "item_structure": items_json_structure(), "out": str(changed),
                                                 "new_batches": base.new_changes if base else None})
        if base:  # kept in the previous order, so that build after build the row groups stay sorted
            con.execute("set preserve_insertion_order = true")
            write("items", "build_items_from_previous", previous_items=str(base.previous.table("items")),
                  changed_file=str(changed))
        else:
            write("items", "build_items", item_files=files.items, changed_file=str(changed))
        changed.unlink()
        write("item_origins", "build_item_origins",
              origin_files=_or_empty(files.origins, ORIGINS_SCHEMA, folder, "origins"))
        write("event_reports", "build_event_reports",
              report_files=_or_empty(files.event_reports, EVENT_REPORTS_SCHEMA, folder, "event_reports"))
        for empty in folder.glob(".empty-*.parquet"):
            empty.unlink()
        report(Both.of("progress.reference"), 0.75)
        for name in REFERENCE_TABLES:
            reference = _read_reference(name)
            pq.write_table(reference, folder / f"{name}.parquet")
            tables[name] = {"file": f"{name}.parquet", "rows": reference.num_rows}
        return tables
    finally:
        con.close()


def _summarise(items_file: Path) -> dict:
    """Headline counts for the manifest (and `python -m ledger info`)."""
    con = duckdb.connect()
    try:
        row = con.execute(sql("snapshot_summary"), {"items_file": str(items_file)}).fetchone()
    finally:
        con.close()
    items, collective, units, first, last = row
    return {"counts": {"items": items, "collective": collective, "units": units},
            "data_range": {"first_captured_at": str(first), "last_captured_at": str(last)}}


def _point_current_at(snapshots_dir: Path, snapshot_id: str) -> None:
    temp = snapshots_dir / f".CURRENT.{uuid.uuid4().hex}.tmp"
    temp.write_text(snapshot_id + "\n", encoding="utf-8")
    _fsync_path(temp)
    os.replace(temp, snapshots_dir / "CURRENT")
    _fsync_path(snapshots_dir)


def current_snapshot(settings: Settings) -> Snapshot | None:
    """The snapshot CURRENT points at, or None when no snapshot has been built yet."""
    pointer = settings.snapshots_dir / "CURRENT"
    try:
        snapshot_id = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return open_snapshot(settings, snapshot_id)


def fresh_snapshot(settings: Settings) -> Snapshot | None:
    """The current snapshot, rebuilt first if the journal holds batches it does not include (or it
    predates the item_origins table); None when the journal holds no ledger data yet."""
    batches = [b for b in Journal(settings.journal_dir).batches() if b.kind in SNAPSHOT_KINDS]
    if not any(b.kind == "items" for b in batches):
        return None
    current = current_snapshot(settings)
    if (current is None or current.manifest["source_batches"] != [b.batch_id for b in batches]
            or "item_origins" not in current.manifest["tables"] or current.manifest.get("schema_version") != SCHEMA_VERSION):
        return build_snapshot(settings)
    return current


def open_snapshot(settings: Settings, snapshot_id: str) -> Snapshot:
    folder = settings.snapshots_dir / snapshot_id
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError("msg.store.no_such_snapshot", snapshot=snapshot_id) from None
    return Snapshot(snapshot_id, folder, manifest)


def list_snapshots(settings: Settings) -> list[Snapshot]:
    """All complete snapshots, oldest first."""
    if not settings.snapshots_dir.exists():
        return []
    return [open_snapshot(settings, p.name) for p in sorted(settings.snapshots_dir.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()]


def prune_snapshots(settings: Settings) -> list[str]:
    """Delete snapshots older than the retention period; never CURRENT nor the one before it."""
    current = current_snapshot(settings)
    snapshots = list_snapshots(settings)
    keep = {current.snapshot_id if current else None}
    keep.update(s.snapshot_id for s in snapshots[-2:])
    cutoff = now_shanghai() - timedelta(days=settings.snapshot_retention_days)
    removed = []
    for snapshot in snapshots:
        if snapshot.snapshot_id not in keep and snapshot.created_at < cutoff:
            shutil.rmtree(snapshot.path, ignore_errors=True)
            removed.append(snapshot.snapshot_id)
    return removed
