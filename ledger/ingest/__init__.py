"""Ingest the exports the union really receives, with nothing lost.

    report = ingest_files(settings, [Path("3月舆情.xlsx")], fmt="auto", source=None, dry_run=False)
    report.summary()   # 共读取 120 行：新增 97 条，合并重复 15 条，隔离 6 条，更新核实 2 条（…合计相符…）

Every input row ends in exactly one outcome: accepted as a new item, merged as a duplicate of
an item the ledger has (linked when another platform reported the same dispute), a
verification update of an item the ledger has, or quarantined with a reason a person can act
on. The rules are in docs/ingest.md; the modules, in the order a row meets them:

    readers.py       files and encodings → sheets of cells
    headers.py       header variants → fields; the header row; the format (clb, ledger, generic)
    dates.py, participants.py, places.py, enums.py    the normalisers
    rows.py          one row → ledger values, problems, notes, originals; a new item's defaults
    dedupe.py        a row against the ledger → its outcome
    report.py        counts, reasons, the quarantine workbook
    pipeline.py      journal, snapshot, locking, progress
"""
from ledger.ingest.pipeline import FORMATS, Preview, ingest_files, preview
from ledger.ingest.readers import ReadError
from ledger.ingest.report import FileReport, IngestReport

__all__ = ["FORMATS", "FileReport", "IngestReport", "Preview", "ReadError", "ingest_files", "preview"]
