"""Monthly reconciliation (对账): the province's ledger against a unit's own, both ways.

Every month province and each city compare their ledgers so that 100% of items are verified and
nothing is wrong or missing. `reconcile` takes the province's items of one unit captured in one
month and the unit's own export of that month (any file ingest can read: our export, a city
workbook, CSV), matched by item id (else by URL), and lists every discrepancy:

- only_province: in the province's ledger, missing from the unit's (the unit never logged it);
- only_unit: in the unit's ledger, not in the province's (a dispute the platforms missed, or a
  wrong id);
- differs: the same item with a different status, result, grade or date (one row per field);
- unverified: not verified by the end of the month, whatever the files say.

Dates are compared by day: a unit that writes "11月3日" for 2026-11-03 09:12 agrees. Only the
columns the unit's file has are compared.

Each run and each sign-off (province side and unit side, by whom, when, of which report) is
appended to journal/reconciliations/log.jsonl. A report is known by a digest of its
discrepancies, so a sign-off is of exactly what was shown; a discrepancy counts as resolved
when a later run of the same unit and month no longer finds it.
"""
from __future__ import annotations

import calendar
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import xlsxwriter

from ledger.access import audit
from ledger import jsonlog
from ledger.config import Settings
from ledger.documents.export import snapshot_items
from ledger.geo import unit_name
from ledger.ingest.pipeline import understood_rows
from ledger.ingest.dedupe import url_key
from ledger.schema import COLUMN_BY_NAME, verification_time_unknown
from ledger.periods import recent
from ledger.store import Snapshot, now_shanghai
from queries import Scope
from ledger.i18n import Both, Refusal, t

KINDS = {"only_province": Both.of("msg.reconcile.only_province_s_ledger"),
         "only_unit": Both.of("msg.reconcile.only_unit_s_ledger"),
         "differs": Both.of("msg.reconcile.values_differ"),
         "unverified": Both.of("msg.reconcile.unverified_at_month_end")}
COMPARED = ("status", "verification_result", "grade", "captured_at", "verified_at", "closed_at")
DATE_COLUMNS = ("captured_at", "verified_at", "closed_at")
SIDES = {"province": Both.of("msg.reconcile.province"), "unit": Both.of("msg.reconcile.unit")}
REPORT_COLUMNS = {"kind": "rec.report.kind", "item_id": "col.item_id", "title": "col.title", "field": "rec.report.field",
                  "province": "rec.report.province", "unit": "rec.report.unit"}  # keys of the i18n table


class ReconcileError(Refusal):
    """A reconciliation that cannot run as asked."""


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of "YYYY-MM"."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    except (ValueError, TypeError):
        raise ReconcileError("msg.reconcile.bad_month", month=month) from None


@dataclass(frozen=True)
class Reconciliation:
    unit_code: str
    month: str
    snapshot_id: str
    file_name: str
    province_n: int
    unit_n: int
    discrepancies: pl.DataFrame  # kind, item_id, title, field, province, unit

    @property
    def counts(self) -> dict[str, int]:
        found = dict(self.discrepancies.group_by("kind").len().iter_rows())
        return {kind: int(found.get(kind, 0)) for kind in KINDS}

    @property
    def report_id(self) -> str:
        """A digest of what was found: a sign-off names the exact report it approves."""
        rows = self.discrepancies.select("kind", "item_id", "field", "province", "unit").rows()
        return hashlib.sha256(json.dumps([self.unit_code, self.month, rows], ensure_ascii=False,
                                         default=str).encode()).hexdigest()[:16]

    def keys(self) -> set[str]:
        return {f"{k}|{i}|{f}" for k, i, f in self.discrepancies.select("kind", "item_id", "field").rows()}


def _shown(column: str, value) -> str | None:
    """A value as both sides read it: an enum's Chinese label, a day for a time."""
    if value is None:
        return None
    if column in DATE_COLUMNS:
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    enum = COLUMN_BY_NAME[column].enum
    return enum.label(value) if enum and value in enum.codes else str(value)


def _unit_side(path: Path) -> list[dict]:
    rows = understood_rows(path)
    if not rows:
        raise ReconcileError("msg.reconcile.no_rows", file=path.name)
    return [{"item_id": r.fields.get("item_id"), "url": url_key(r.fields.get("url")), "title": r.fields.get("title"),
             **{c: r.fields.get(c) for c in COMPARED}} for r in rows]


def reconcile(snapshot: Snapshot, scope: Scope, unit_code: str, month: str, unit_file: Path) -> Reconciliation:
    """Compare the province's items of `unit_code` captured in `month` with `unit_file`, as far
    as `scope` may see them (a city officer reconciles their own city)."""
    first, last = month_bounds(month)
    province = snapshot_items(snapshot, scope, first, last, [unit_code])
    theirs = _unit_side(Path(unit_file))
    by_id = {r["item_id"]: r for r in theirs if r["item_id"]}
    by_url = {r["url"]: r for r in theirs if r["url"]}
    # Only the columns the unit's file has: a workbook without a grade column disagrees on nothing.
    present = [c for c in COMPARED if any(r[c] is not None for r in theirs)]
    matched: set[int] = set()
    found = []

    def add(kind, item_id, title, field=None, ours=None, other=None):
        found.append({"kind": kind, "item_id": item_id, "title": title, "field": field,
                      "province": ours, "unit": other})

    month_end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    for item in province.iter_rows(named=True):
        row = by_id.get(item["item_id"]) or by_url.get(url_key(item["url"]) or "")
        if row is None:
            add("only_province", item["item_id"], item["title"])
        else:
            matched.add(id(row))
            for column in present:
                ours, other = _shown(column, item[column]), _shown(column, row[column])
                if ours != other:
                    add("differs", item["item_id"], item["title"], COLUMN_BY_NAME[column].zh, ours, other)
        # a result whose time was not given (核实时间不详) is verified: it is never "unverified"
        if (item["verified_at"] or month_end) >= month_end and not verification_time_unknown(item):
            add("unverified", item["item_id"], item["title"])
    for row in theirs:
        if id(row) not in matched:
            add("only_unit", row["item_id"] or "", row["title"])
    frame = pl.DataFrame(found, schema={"kind": pl.String, "item_id": pl.String, "title": pl.String,
                                        "field": pl.String, "province": pl.String, "unit": pl.String})
    order = {kind: n for n, kind in enumerate(KINDS)}
    frame = frame.sort(pl.col("kind").replace_strict(order, return_dtype=pl.Int8), "item_id", "field")
    return Reconciliation(unit_code, month, snapshot.snapshot_id, Path(unit_file).name, province.height, len(theirs), frame)


def report_frame(result: Reconciliation, lang: str = "zh") -> pl.DataFrame:
    """The discrepancies with headers and kinds in the reader's language."""
    labels = {k: names.text(lang) for k, names in KINDS.items()}
    frame = result.discrepancies.with_columns(pl.col("kind").replace_strict(labels))
    return frame.rename({column: t(key, lang) for column, key in REPORT_COLUMNS.items()})


def report_xlsx(result: Reconciliation, signoffs: list[dict], lang: str = "zh") -> bytes:
    """The discrepancy report both sides sign: a summary with signature lines, then the list."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet(t("rec.book.summary", lang))
    summary.set_column(0, 0, 22)
    summary.set_column(1, 1, 48)
    lines = [(t(f"rec.book.{key}", lang), value) for key, value in (
        ("unit", unit_name(result.unit_code, lang)), ("month", result.month), ("snapshot", result.snapshot_id),
        ("file", result.file_name), ("province_n", result.province_n), ("unit_n", result.unit_n),
        ("report", result.report_id))]
    lines += [(names.text(lang), result.counts[kind]) for kind, names in KINDS.items()]
    for side, names in SIDES.items():
        signed = next((s for s in reversed(signoffs) if s["side"] == side and s["report_id"] == result.report_id), None)
        lines.append((t("rec.book.signed", lang, side=names.text(lang)),
                      f"{signed['by']}  {signed['at']}" if signed else t("rec.book.unsigned", lang)))
    for number, (label, value) in enumerate(lines):
        summary.write(number, 0, label, bold)
        summary.write(number, 1, value)
    detail = book.add_worksheet(t("rec.book.detail", lang))
    frame = report_frame(result, lang)
    for column, name in enumerate(frame.columns):
        detail.write(0, column, name, bold)
        detail.set_column(column, column, 40 if name == t("col.title", lang) else 14)
    for number, row in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(row):
            detail.write_string(number, column, "" if value is None else str(value))
    detail.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


# ---- the log of runs and sign-offs ------------------------------------------------------------

def log_file(settings: Settings) -> Path:
    return settings.journal_dir / "reconciliations" / "log.jsonl"


def read_log(settings: Settings) -> list[dict]:
    return jsonlog.read(log_file(settings))


def _append(settings: Settings, entry: dict) -> dict:
    entry = {"at": now_shanghai().isoformat(sep=" ", timespec="seconds"), **entry}
    jsonlog.append(log_file(settings), [entry])
    return entry


def record_run(settings: Settings, result: Reconciliation, by: str) -> dict:
    """Log the run of `result` by `by` (a username) and audit it, whether from the page or the CLI."""
    entry = _append(settings, {"event": "run", "unit": result.unit_code, "month": result.month, "by": by,
                               "report_id": result.report_id, "snapshot_id": result.snapshot_id,
                               "file": result.file_name, "counts": result.counts, "keys": sorted(result.keys())})
    audit.record(settings, "reconciliation", by, unit=result.unit_code, month=result.month,
                 report_id=result.report_id, counts=result.counts)
    return entry


def sign_off(settings: Settings, result: Reconciliation, side: str, by: str, note: str = "") -> dict:
    """Record that `side` (province or unit) accepts the report `result`, as `by` (a username),
    and audit it."""
    if side not in SIDES:
        raise ReconcileError("msg.reconcile.bad_side", side=side)
    runs = [e for e in read_log(settings) if e["event"] == "run" and e["report_id"] == result.report_id]
    if not runs:
        raise ReconcileError("msg.reconcile.no_report_to_sign")
    entry = _append(settings, {"event": "signoff", "unit": result.unit_code, "month": result.month, "side": side,
                               "by": by, "note": note, "report_id": result.report_id})
    audit.record(settings, "reconciliation", by, unit=result.unit_code, month=result.month,
                 report_id=result.report_id, signed=side)
    return entry


def signoffs(settings: Settings, unit_code: str, month: str) -> list[dict]:
    return [e for e in read_log(settings) if e["event"] == "signoff" and e["unit"] == unit_code and e["month"] == month]


def discrepancy_history(settings: Settings, month: str) -> dict[str, dict]:
    """Per unit for `month`: discrepancies found (in any run), and of them how many of each kind,
    still open (in the latest run), resolved (found but gone from the latest run), and which
    sides signed the latest report."""
    history: dict[str, dict] = {}
    for entry in read_log(settings):
        if entry["month"] != month:
            continue
        unit = history.setdefault(entry["unit"], {"found": set(), "latest": set(), "report_id": None, "signed": set()})
        if entry["event"] == "run":
            unit["found"] |= set(entry["keys"])
            unit["latest"], unit["report_id"], unit["signed"] = set(entry["keys"]), entry["report_id"], set()
        elif entry["report_id"] == unit["report_id"]:
            unit["signed"].add(entry["side"])
    return {code: {"found": len(h["found"]), "open": len(h["latest"]), "resolved": len(h["found"] - h["latest"]),
                   "signed": sorted(h["signed"]),
                   "found_by_kind": {kind: sum(key.startswith(f"{kind}|") for key in h["found"]) for kind in KINDS}}
            for code, h in history.items()}


def recent_months(today: date, n: int = 12) -> list[str]:
    """The `n` months up to the one containing `today`, newest first, as YYYY-MM."""
    return [f"{period.first:%Y-%m}" for period in recent("month", today, n)]


def with_history(view: pl.DataFrame, history: dict[str, dict], lang: str = "zh") -> pl.DataFrame:
    """The month's per-unit view (month_reconciliation) with each unit's discrepancies found and
    resolved in the month's runs, and who has signed the month off (`discrepancy_history`)."""
    sides = {code: names.text(lang) for code, names in SIDES.items()}
    of = {code: history.get(code, {}) for code in view["unit_code"].to_list()}
    return view.with_columns(
        found=pl.Series([of[c].get("found", 0) for c in view["unit_code"]], dtype=pl.Int64),
        resolved=pl.Series([of[c].get("resolved", 0) for c in view["unit_code"]], dtype=pl.Int64),
        signed=pl.Series(["、".join(sides[s] for s in of[c].get("signed", [])) or "—" for c in view["unit_code"]],
                         dtype=pl.String))
