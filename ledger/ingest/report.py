"""What happened to every row, for the person who ran the ingest: counts of the five outcomes
(new, merged duplicate, update, 非本省, quarantined) that add up, a reason for every quarantined
row, the rows outside Guangdong, every line skipped (blank, total, repeated header) with its row
number, the warnings on accepted rows (details set aside), notes on what was assumed, and the
quarantine and the warnings as workbooks.

The quarantine keeps each row's original cells under their original headers, with the file,
sheet, row number and reason in front. Ingest ignores those extra columns, so the corrected
workbook goes straight back in.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ledger.documents.export import workbook_bytes
from ledger.i18n import Both, Refusal, t
from ledger.ingest.rows import Reason, Row

QUARANTINE_COLUMNS = ("隔离原因", "来源文件", "工作表", "原行号")  # first; the row's own cells follow
WARNING_COLUMNS = ("import.col.file", "import.col.sheet", "import.col.row", "import.col.column", "import.col.reason",
                   "import.col.original")  # keys of the i18n table: the columns in the reader's language


@dataclass(frozen=True)
class RowNote:
    file: str
    sheet: str | None
    row: int
    reason: Reason

    def text(self, lang: str = "zh") -> str:
        return t("msg.report.row", lang, row=self.row, reason=Both(*self.reason))


@dataclass(frozen=True)
class WarningNote:
    """A detail set aside on an accepted row: where, which column, why, and what the cell said."""

    file: str
    sheet: str | None
    row: int
    column: str
    reason: Reason
    original: str | None

    def text(self, lang: str = "zh") -> str:
        return t("msg.report.row_column", lang, row=self.row, column=self.column, reason=Both(*self.reason))


@dataclass
class FileReport:
    """One file's outcome; rows_read always equals the sum of the five outcomes."""

    name: str
    sha256: str | None = None
    format: str | None = None
    encoding: str | None = None
    tables: list[dict] = field(default_factory=list)  # sheet, header_row, mapping
    rows_read: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    updated: int = 0
    outside: int = 0  # 非本省
    problems: list[RowNote] = field(default_factory=list)
    outside_rows: list[RowNote] = field(default_factory=list)
    warnings: list[WarningNote] = field(default_factory=list)  # on new and updated rows only
    skipped_lines: list[RowNote] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    unmapped: dict[str, Counter] = field(default_factory=dict)  # column -> original value -> rows
    skipped: Counter = field(default_factory=Counter)  # lines that are not data rows, by kind
    batches: list[str] = field(default_factory=list)
    quarantine_files: list[str] = field(default_factory=list)
    seen_before: list[str] = field(default_factory=list)  # batches that already hold this exact file
    error: Refusal | None = None  # why the file could not be read at all (ReadError, StoreError)
    quarantine_rows: list[dict] = field(default_factory=list, repr=False)

    @property
    def balanced(self) -> bool:
        return self.accepted + self.duplicates + self.updated + self.outside + self.quarantined == self.rows_read

    def skip(self, sheet: str | None, row: int, reason: Reason) -> None:
        self.skipped[reason[0]] += 1  # counted by kind, named in Chinese as the report's JSON has it
        self.skipped_lines.append(RowNote(self.name, sheet, row, reason))

    def out_of_province(self, row: Row, reason: Reason) -> None:
        self.outside += 1
        self.outside_rows.append(RowNote(row.file, row.sheet, row.row, reason))

    def warn(self, row: Row) -> None:
        """The details set aside on an accepted (new or updated) row."""
        for w in row.warnings:
            self.warnings.append(WarningNote(row.file, row.sheet, row.row, row.header_of(w.field), (w.zh, w.en),
                                             row.original_of(w.field)))

    def quarantine(self, row: Row, reasons: list[Reason]) -> None:
        self.quarantined += 1
        for reason in reasons:
            self.problems.append(RowNote(row.file, row.sheet, row.row, reason))
        self.quarantine_rows.append({
            QUARANTINE_COLUMNS[0]: "；".join(zh for zh, _ in reasons), QUARANTINE_COLUMNS[1]: row.file,
            QUARANTINE_COLUMNS[2]: row.sheet or "", QUARANTINE_COLUMNS[3]: str(row.row), **row.original})

    def note(self, row: Row) -> None:
        for note in row.notes:
            self.notes.append(RowNote(row.file, row.sheet, row.row, note))
        for column, values in row.unmapped.items():
            self.unmapped.setdefault(column, Counter()).update(values)

    def quarantine_frame(self) -> pl.DataFrame:
        return quarantine_frame(self.quarantine_rows)

    def to_json(self) -> dict:
        return {
            "name": self.name, "sha256": self.sha256, "format": self.format, "encoding": self.encoding,
            "rows_read": self.rows_read, "accepted": self.accepted, "duplicates": self.duplicates,
            "updated": self.updated, "outside": self.outside, "quarantined": self.quarantined,
            "warnings": len(self.warnings), "balanced": self.balanced,
            "tables": self.tables, "batches": self.batches, "quarantine_files": self.quarantine_files,
            "seen_before": self.seen_before, "skipped": dict(self.skipped),
            "skipped_lines": [{"sheet": n.sheet, "row": n.row, "reason": n.reason[0]} for n in self.skipped_lines],
            "unmapped": {k: dict(v) for k, v in self.unmapped.items()}, "error": str(self.error) if self.error else None,
        }


def quarantine_frame(rows: list[dict]) -> pl.DataFrame:
    """Quarantined rows as text columns: the four of QUARANTINE_COLUMNS, then original headers."""
    if not rows:
        return pl.DataFrame({c: [] for c in QUARANTINE_COLUMNS}, schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String))
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return pl.DataFrame([{c: r.get(c) for c in columns} for r in rows], schema=dict.fromkeys(columns, pl.String))


@dataclass
class IngestReport:
    files: list[FileReport]
    snapshot_id: str | None = None
    dry_run: bool = False

    def _total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    rows_read = property(lambda self: self._total("rows_read"))
    accepted = property(lambda self: self._total("accepted"))
    duplicates = property(lambda self: self._total("duplicates"))
    quarantined = property(lambda self: self._total("quarantined"))
    updated = property(lambda self: self._total("updated"))
    outside = property(lambda self: self._total("outside"))

    @property
    def balanced(self) -> bool:
        return all(f.balanced for f in self.files)

    @property
    def unreadable(self) -> list[FileReport]:
        return [f for f in self.files if f.error]

    @property
    def problems(self) -> list[RowNote]:
        return [p for f in self.files for p in f.problems]

    @property
    def warnings(self) -> list[WarningNote]:
        return [w for f in self.files for w in f.warnings]

    @property
    def outside_rows(self) -> list[RowNote]:
        return [n for f in self.files for n in f.outside_rows]

    @property
    def skipped_lines(self) -> list[RowNote]:
        return [n for f in self.files for n in f.skipped_lines]

    def summary(self, lang: str = "zh") -> str:
        """One sentence with the five outcomes, saying whether they add up, then the warnings
        (on accepted rows, counted apart) and the lines skipped."""
        outcomes = (self.accepted, self.duplicates, self.updated, self.outside, self.quarantined)
        return t("msg.report.summary", lang, read=self.rows_read, new=self.accepted, merged=self.duplicates,
                 updated=self.updated, outside=self.outside, quarantined=self.quarantined,
                 parts="+".join(map(str, outcomes)), total=sum(outcomes),
                 check=t("msg.report.balanced" if self.balanced else "msg.report.unbalanced", lang),
                 warned=len(self.warnings), skipped=len(self.skipped_lines))

    def to_json(self) -> dict:
        return {
            "rows_read": self.rows_read, "accepted": self.accepted, "duplicates": self.duplicates,
            "updated": self.updated, "outside": self.outside, "quarantined": self.quarantined,
            "warnings_count": len(self.warnings), "snapshot_id": self.snapshot_id,
            "balanced": self.balanced, "dry_run": self.dry_run,
            "files": [f.to_json() for f in self.files],
            "problems": [{"file": p.file, "sheet": p.sheet, "row": p.row, "reason": p.reason[0]} for p in self.problems],
            "outside_rows": [{"file": p.file, "sheet": p.sheet, "row": p.row, "reason": p.reason[0]}
                             for p in self.outside_rows],
            "warnings": [{"file": w.file, "sheet": w.sheet, "row": w.row, "column": w.column, "reason": w.reason[0],
                          "original": w.original} for w in self.warnings],
            "skipped_lines": [{"file": n.file, "sheet": n.sheet, "row": n.row, "reason": n.reason[0]}
                              for n in self.skipped_lines],
            "notes": [{"file": p.file, "sheet": p.sheet, "row": p.row, "note": p.reason[0]}
                      for f in self.files for p in f.notes],
        }

    def warnings_frame(self, lang: str = "zh") -> pl.DataFrame:
        """The warnings as text columns named in `lang` (WARNING_COLUMNS): file, sheet, row, column,
        reason, original value."""
        rows = [(w.file, w.sheet or "", str(w.row), w.column, w.reason[0 if lang == "zh" else 1], w.original)
                for w in self.warnings]
        return pl.DataFrame(rows, schema=dict.fromkeys((t(c, lang) for c in WARNING_COLUMNS), pl.String), orient="row")

    def warnings_xlsx(self, lang: str = "zh") -> bytes:
        """The warnings as a workbook: what was set aside on which row, and the cell as sent."""
        return workbook_bytes(self.warnings_frame(lang), t("msg.report.sheet.warnings", lang),
                              {t("export.sheet.about", lang): self.summary(lang)}, lang)

    def quarantine_frame(self) -> pl.DataFrame:
        return quarantine_frame([r for f in self.files for r in f.quarantine_rows])

    def quarantine_xlsx(self, lang: str = "zh") -> bytes:
        """The quarantined rows of every file as one workbook to correct and submit again."""
        return workbook_bytes(self.quarantine_frame(), t("msg.report.sheet.quarantine", lang),
                              {t("export.sheet.about", lang): self.summary(lang)}, lang)


def write_quarantine(report: FileReport, folder: Path) -> list[str]:
    """The file's quarantine as xlsx and Parquet in `folder`, named after the file's checksum so
    that ingesting the same file again rewrites the same files."""
    if not report.quarantine_rows:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{(report.sha256 or 'unknown')[:12]}-{Path(report.name).stem}.quarantine"
    frame = report.quarantine_frame()
    xlsx, parquet = folder / f"{stem}.xlsx", folder / f"{stem}.parquet"
    for target, data in ((xlsx, workbook_bytes(frame, t("msg.report.sheet.quarantine"),
                                                 {t("msg.report.file"): report.name,
                                                  t("msg.report.quarantined_n"): str(frame.height)})),
                         (parquet, None)):
        temp = target.with_name(f".{target.name}.tmp")
        if data is None:
            frame.write_parquet(temp)
        else:
            temp.write_bytes(data)
        temp.replace(target)
    return [str(xlsx), str(parquet)]
