"""Ingest files into the ledger: read, understand, match, journal, snapshot, report.

Order of events for each file, and why:
1. Read it and find its tables (a file that cannot be read at all is reported with one sentence
   and nothing else happens to it).
2. Understand the rows and match each against the ledger as the current snapshot has it (the
   snapshot is rebuilt first if the journal has batches it lacks), a chunk of rows at a time, so
   that every row lands in exactly one outcome and a large file's rows are never all in memory.
3. Journal: new items (with their origins and the raw file, checksummed) as one "items" batch,
   verification updates as one "verifications" batch. Each batch is whole or absent (store.py),
   so an ingest killed at any moment leaves no half batch; running it again completes it,
   because rows already taken in are then duplicates and updates already applied change nothing.
4. Quarantine as xlsx and Parquet under data/quarantine/, named after the file's checksum.
Then one snapshot for the whole run. Ingests of one data folder take turns (a lock), so two at
once cannot both accept the same new item.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ledger.changes import CHANGES_SCHEMA, KIND as CHANGES_KIND, Change, changes_table
from ledger.config import Settings
from ledger.i18n import Both, pair
from ledger.schema import ORIGINS_SCHEMA
from ledger.store import (
    Journal,
    Progress,
    Snapshot,
    StoreError,
    build_snapshot,
    current_snapshot,
    exclusive_lock,
    fresh_snapshot,
    now_shanghai,
    sha256_of,
)
from ledger.ingest.dedupe import CHUNK_ROWS, LedgerState, NewItems, Outcome, classify
from ledger.ingest.headers import Table, detect_format, find_table
from ledger.ingest.readers import ReadError, ReadResult, read_file
from ledger.ingest.report import FileReport, IngestReport, RowNote, write_quarantine
from ledger.ingest.rows import Context, Row, read_row, skip_reason, year_hint

FORMATS = ("auto", "clb", "ledger", "generic")


@dataclass
class Preview:
    """What ingest would make of a file, before anything is written."""

    name: str
    kind: str
    encoding: str | None
    format: str
    tables: list[Table]


def preview(path: Path, fmt: str = "auto") -> Preview:
    """Read `path` and find its tables and format; ReadError if it cannot be used at all."""
    result: ReadResult = read_file(path)
    tables = [t for t in (find_table(s) for s in result.sheets) if t is not None]
    if not tables:
        names = "、".join(s.name for s in result.sheets if s.name) or Path(path).name
        raise ReadError("msg.read.no_header", names=names)
    chosen = fmt if fmt != "auto" else detect_format(tables[0])
    return Preview(Path(path).name, result.kind, result.encoding, chosen, tables)


def _read_rows(found: Preview, source: str | None, report: FileReport) -> Iterator[list[Row]]:
    """The data rows of `found` as ingest understands them, CHUNK_ROWS at a time (each sheet
    line is let go once read: a large file's cells are hundreds of megabytes); the lines that
    are not data rows, and repeated headers, go into `report`."""
    now = now_shanghai()
    rows: list[Row] = []
    for table in found.tables:
        report.tables.append({"sheet": table.sheet.name, "header_row": table.header_row_number,
                              "mapping": table.mapping()})
        for header, columns in table.repeated.items():
            kept = [f"“{header}({n})”" for n in range(2, len(columns) + 1)]  # the names the reader gave them
            note = pair("msg.read.repeated_header", header=header, first=columns[0],
                        columns=Both.listed(columns), kept=Both.listed(kept))
            report.notes.append(RowNote(report.name, table.sheet.name, table.header_row_number, note))
        ctx = Context(found.name, found.format, source, year_hint(table, now), now)
        for index in range(table.header_index + 1, len(table.sheet.rows)):
            number = table.sheet.row_numbers[index]
            reason = None if number in table.sheet.broken else skip_reason(table, table.sheet.rows[index])
            if reason:
                report.skip(table.sheet.name, number, reason)
            else:
                rows.append(read_row(table, index, ctx))
            table.sheet.rows[index] = []
            if len(rows) == CHUNK_ROWS:
                yield rows
                rows = []
    if rows:
        yield rows


def understood_rows(path: Path, fmt: str = "auto") -> list[Row]:
    """Every data row of `path` as ingest understands it, matched to nothing and written nowhere
    (the monthly reconciliation compares them with the ledger)."""
    found = preview(path, fmt)
    return [row for chunk in _read_rows(found, None, FileReport(found.name)) for row in chunk]


def _origins(outcome: Outcome) -> pa.Table:
    """Where the chunk's new, merged and updating rows came from, for the batch's origins table."""
    every = [(row, item_id, "new") for row, item_id in outcome.accepted] + outcome.links
    return pa.Table.from_pylist([
        {"row_key": row.row_key, "item_id": item_id, "relation": relation, "file": row.file, "sheet": row.sheet,
         "row": row.row, "original": json.dumps(row.original, ensure_ascii=False),
         "unmapped": json.dumps(row.unmapped, ensure_ascii=False) if row.unmapped else None}
        for row, item_id, relation in every], schema=ORIGINS_SCHEMA)


def _report_chunk(report: FileReport, outcome: Outcome, rows: list[Row]) -> None:
    report.rows_read += len(rows)
    report.accepted += len(outcome.accepted)
    report.duplicates += len(outcome.duplicates)
    report.updated += len(outcome.updates)
    for row, reasons in outcome.quarantined:
        report.quarantine(row, reasons)
    for row, reason in outcome.outside:
        report.out_of_province(row, reason)
    for row in [r for r, _ in outcome.accepted] + [r for r, _ in outcome.updates]:
        report.warn(row)
    for row in rows:
        report.note(row)


def _journal(settings: Settings, path: Path, new_items: NewItems, origins: list[pa.Table], changes: list[Change],
             source: str, report: FileReport) -> None:
    journal = Journal(settings.journal_dir)
    note = f"ingest {report.name} ({report.format})"
    if any(t.num_rows for t in origins):
        batch = journal.append("items", new_items.tables(), source=source, note=note, raw_files=[path],
                               tables={"origins": pa.concat_tables(origins)}, expected_rows=len(new_items))
        report.batches.append(batch.batch_id)
    if changes:
        table = changes_table(changes, now_shanghai(), source)
        batch = journal.append(CHANGES_KIND, [table], source=source, note=note, raw_files=[path],
                               schema=CHANGES_SCHEMA)
        report.batches.append(batch.batch_id)


def _ingest_one(settings: Settings, path: Path, fmt: str, source: str | None, dry_run: bool,
                snapshot: Snapshot | None, state: LedgerState, report: FileReport, progress: Progress) -> bool:
    """Ingest one file into `report`; return whether the journal changed.

    Its rows are read, matched and reported a chunk at a time, keeping of each chunk only its new
    items (as Arrow), its origins and its changes, so that memory follows the ledger's size, not
    the rows' (make bench: 200,000 rows)."""
    found = preview(path, fmt)
    report.sha256 = sha256_of(path)
    report.seen_before = [b.batch_id for b in Journal(settings.journal_dir).batches()
                          if report.sha256 in b.raw_checksums]
    report.format, report.encoding = found.format, found.encoding
    total = sum(len(t.sheet.rows) - t.header_index - 1 for t in found.tables) or 1
    outcome, origins, changes = Outcome(), [ORIGINS_SCHEMA.empty_table()], []
    for rows in _read_rows(found, source, report):
        progress(Both.of("progress.compare"), 0.1 + 0.6 * min(report.rows_read / total, 1.0))
        state.extend(snapshot, rows)
        classify(rows, state, report.format, now_shanghai(), outcome)
        _report_chunk(report, outcome, rows)
        origins.append(_origins(outcome))
        changes += [change for _, change in outcome.updates]
        outcome.next_chunk()
    del found  # the sheets' rows, emptied as they were read
    if dry_run:
        return False
    progress(Both.of("progress.journal"), 0.7)
    _journal(settings, path, outcome.new_items, origins, changes, source or report.name, report)
    report.quarantine_files = write_quarantine(report, settings.data_dir / "quarantine")
    return bool(report.batches)


def ingest_files(settings: Settings, paths: Iterable[Path], fmt: str = "auto", source: str | None = None,
                 dry_run: bool = False, progress: Progress | None = None) -> IngestReport:
    """Ingest `paths` in order and build one snapshot (unless `dry_run` or nothing changed).

    A file that cannot be read gets `error` in its report; the others go ahead.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    paths = [Path(p) for p in paths]
    report_progress = progress or (lambda step, fraction: None)
    report = IngestReport([], dry_run=dry_run)
    changed = False
    with exclusive_lock(settings.data_dir / ".ingest.lock"):
        # One view of the ledger for the whole run: the snapshot as of the start, plus what each
        # file adds, so that later files are checked against earlier ones without a rebuild.
        snapshot, state = fresh_snapshot(settings), LedgerState(settings=settings)
        for n, path in enumerate(paths):
            file_report = FileReport(path.name)
            report.files.append(file_report)

            def scaled(step: Both, fraction: float, n=n) -> None:
                report_progress(Both.of("progress.file", file=path.name, step=step), (n + fraction * 0.9) / len(paths))

            try:
                changed |= _ingest_one(settings, path, fmt, source, dry_run, snapshot, state, file_report, scaled)
            except (ReadError, StoreError) as e:
                file_report.error = e
        del state  # the run's view of the ledger: a large file's items, no longer needed by the build
        # Arrow's allocator keeps what the journal's tables freed (220 MB after 200,000 rows) unless
        # asked to give it back; the build's own peak then comes on top of far less.
        pa.default_memory_pool().release_unused()
        if changed:
            report_progress(Both.of("progress.snapshot"), 0.95)
            report.snapshot_id = build_snapshot(settings).snapshot_id
        elif not dry_run and (current := current_snapshot(settings)):
            report.snapshot_id = current.snapshot_id
    report_progress(Both.of("progress.done"), 1.0)
    return report

