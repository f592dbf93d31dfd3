"""The ledger's data in and out: build the demo ledger, rebuild and describe the snapshot, ingest
exports into the journal and export the current items."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from queries import ALL

from ledger import demo
from ledger.cli.common import CliError, Command, Parser, current, iso_date, positive_int, progress_bar, unit_code
from ledger.config import Settings
from ledger.demo import events as demo_events
from ledger.documents.export import FORMATS as EXPORT_FORMATS, export_snapshot
from ledger.i18n import t
from ledger.ingest import FORMATS as INGEST_FORMATS, ingest_files
from ledger.schema import SCHEMA_VERSION
from ledger.store import Journal, build_snapshot, current_snapshot, now_shanghai


def demo_arguments(parser: Parser) -> None:
    parser.add_argument("--items", type=positive_int, default=9000, help="number of monitored items (default 9000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same ledger (default 42)")
    parser.add_argument("--years", type=positive_int, default=3, help="years of history ending on --end (default 3)")
    parser.add_argument("--end", type=iso_date, default=None, help="last day of the demo (default today, Asia/Shanghai)")
    parser.add_argument("--replace", action="store_true", help="delete an existing demo journal and snapshots first")
    parser.add_argument("--if-missing", action="store_true",
                        help="do nothing if a snapshot exists; only build a snapshot if a journal exists")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    journal = Journal(settings.journal_dir)
    existing = journal.batches()
    found = current_snapshot(settings)
    if args.if_missing and found is not None:
        if found.manifest.get("schema_version") == SCHEMA_VERSION:
            print(t("cli.demo.exists", data_dir=settings.data_dir))
            return 0
        print(t("cli.demo.older", "en"))  # in English: the words a test of `make run` looks for
        return cmd_snapshot(settings, args)
    if args.if_missing and existing:
        return cmd_snapshot(settings, args)
    if existing:
        if not args.replace:
            raise CliError(t("cli.demo.journal_exists", data_dir=settings.data_dir))
        if any(b.meta["source"] != "demo" for b in existing if b.kind == "items"):
            raise CliError(t("cli.demo.real_batches", data_dir=settings.data_dir))
        shutil.rmtree(settings.journal_dir)
        shutil.rmtree(settings.snapshots_dir, ignore_errors=True)
        journal = Journal(settings.journal_dir)
    bar, update = progress_bar(t("cli.progress.demo"))
    with bar:
        chunks = demo.generate(n_items=args.items, seed=args.seed, years=args.years, end=args.end)
        note = f"demo --items {args.items} --seed {args.seed} --years {args.years}"
        journal.append("items", chunks, source="demo", note=note, expected_rows=args.items,
                       progress=lambda step, f: update(step, f * 0.6))
        snapshot = build_snapshot(settings, progress=lambda step, f: update(step, 0.6 + f * 0.4))
    staged = demo_events.journal_demo_events(settings, args.seed, now_shanghai())
    if staged:
        snapshot = build_snapshot(settings)
    counts = snapshot.manifest["counts"]
    # in English: the counts scripts and tests look for
    print(t("cli.demo.built", "en", items=counts["items"], collective=counts["collective"], events=staged,
            snapshot=snapshot.snapshot_id))
    return 0


def snapshot_arguments(parser: Parser) -> None:
    """None: the snapshot is always built from the whole journal."""


def cmd_snapshot(settings: Settings, args: argparse.Namespace) -> int:
    bar, update = progress_bar(t("progress.snapshot"))
    with bar:
        snapshot = build_snapshot(settings, progress=update, full=True)
    print(t("cli.snapshot.built", snapshot=snapshot.snapshot_id, items=snapshot.manifest["counts"]["items"]))
    return 0


def info_arguments(parser: Parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_info(settings: Settings, args: argparse.Namespace) -> int:
    snapshot = current_snapshot(settings)
    if snapshot is None:
        # in English: the words scripts and tests look for
        raise CliError(t("cli.info.no_snapshot", "en", data_dir=settings.data_dir))
    m = snapshot.manifest
    info = {
        "snapshot_id": snapshot.snapshot_id,
        "created_at": m["created_at"],
        "schema_version": m["schema_version"],
        **m["counts"],
        **m["data_range"],
        "source_batches": len(m["source_batches"]),
        "path": str(snapshot.path),
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        width = max(map(len, info))
        for key, value in info.items():
            print(f"{key:<{width}}  {value}")
    return 0


def ingest_arguments(parser: Parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to ingest, in order")
    parser.add_argument("--format", choices=INGEST_FORMATS, default="auto",
                        help="clb: China Labour Bulletin strike map; ledger: our own export; generic: any other "
                             "(default: auto, from the headers)")
    parser.add_argument("--source", default=None,
                        help="source of rows that name none, e.g. 南方网; also recorded as who sent the file")
    parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the counts and problems")


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    # The bar only on a terminal: piped or --json output stays what a script can parse.
    bar, update = progress_bar(t("cli.progress.ingest"), disable=args.json or not sys.stderr.isatty())
    with bar:
        report = ingest_files(settings, args.files, fmt=args.format, source=args.source, dry_run=args.dry_run,
                              progress=update)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report.summary())
        for f in report.files:
            if not f.error:
                print("  " + t("cli.ingest.file", name=f.name, format=f.format, rows_read=f.rows_read,
                               accepted=f.accepted, duplicates=f.duplicates, updated=f.updated, outside=f.outside,
                               quarantined=f.quarantined, warnings=len(f.warnings), skipped=len(f.skipped_lines)))
            for path in f.quarantine_files[:1]:
                print("    " + t("cli.ingest.quarantine_file", path=path))
        _print_notes("cli.ingest.quarantined", [f"{p.file} {p.text()}" for p in report.problems])
        _print_notes("cli.ingest.outside", [f"{p.file} {p.text()}" for p in report.outside_rows])
        _print_notes("cli.ingest.warnings", [f"{w.file} {w.text()}" for w in report.warnings])
        _print_notes("cli.ingest.skipped", [f"{n.file} {n.text()}" for n in report.skipped_lines])
        if args.dry_run:
            print(t("import.dry_run_done"))
        else:
            print(t("cli.snapshot.id", snapshot=report.snapshot_id) if report.snapshot_id else t("cli.snapshot.none"))
    if report.unreadable:
        raise CliError("；".join(f"{f.name}: {f.error}" for f in report.unreadable))
    return 0


def _print_notes(heading: str, lines: list[str], limit: int = 20) -> None:
    """The heading (a key of the table, given the count) and the first `limit` lines of one kind of
    row note (all of them are in --json)."""
    if not lines:
        return
    print("  " + t(heading, n=len(lines)))
    for line in lines[:limit]:
        print(f"    {line}")
    if len(lines) > limit:
        print("    " + t("cli.ingest.more", n=len(lines) - limit))


def export_arguments(parser: Parser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.csv, FILE.xlsx or FILE.parquet")
    parser.add_argument("--since", type=iso_date, default=None, help="first capture day (YYYY-MM-DD)")
    parser.add_argument("--until", type=iso_date, default=None, help="last capture day (YYYY-MM-DD)")
    parser.add_argument("--city", default=None, help="one reporting unit: 深圳, shenzhen or 440300")


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    fmt = args.out.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise CliError(t("cli.export.bad_format", formats=t("list.separator").join(f".{f}" for f in EXPORT_FORMATS),
                         name=args.out.name))
    snapshot = current(settings)
    units = [unit_code(args.city)] if args.city else None
    rows = export_snapshot(snapshot, args.out, ALL, since=args.since, until=args.until, units=units)
    print(t("cli.export.written", rows=rows, snapshot=snapshot.snapshot_id, out=args.out))
    return 0


COMMANDS = {
    "demo": Command("build a seeded, realistic demo ledger and its snapshot", demo_arguments, cmd_demo),
    "snapshot": Command("build a new snapshot from the whole journal and make it current", snapshot_arguments,
                        cmd_snapshot),
    "info": Command("describe the current snapshot", info_arguments, cmd_info),
    "ingest": Command("read exports (xlsx, xls, csv, json, jsonl) into the ledger and report every row",
                      ingest_arguments, cmd_ingest),
    "export": Command("write the current ledger's items as csv, xlsx or parquet in the export format",
                      export_arguments, cmd_export),
}
