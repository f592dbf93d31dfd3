"""What the province sends on: the units' scores and ranking for a period (考核排名), and the daily,
weekly or monthly brief (日报/周报/月报)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from queries import ALL, Scope

from ledger.assessment import scoring
from ledger.cli.common import CliError, Command, Parser, UsageError, current, iso_date, unit_code
from ledger.config import Settings
from ledger.documents import ranking as ranking_document
from ledger.i18n import t
from ledger.periods import BRIEF_KINDS, Period


def _period(text: str) -> Period:
    try:
        return scoring.parse_period(text)
    except scoring.ScoringError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def scores_arguments(parser: Parser) -> None:
    parser.add_argument("--period", type=_period, required=True, help="2026-11 (month), 2026-Q3 (quarter) or 2026 (year)")
    parser.add_argument("--out", type=Path, default=None, help="write the ranking (.xlsx) or the notice (.docx) here")
    parser.add_argument("--json", action="store_true", help="print the period, snapshot and every unit's row as JSON")


def cmd_scores(settings: Settings, args: argparse.Namespace) -> int:
    ranking = scoring.score(current(settings), settings, args.period, ALL)
    if args.out:
        exports = {".xlsx": ranking_document.ranking_xlsx, ".docx": ranking_document.notice_docx}
        if args.out.suffix.lower() not in exports:
            raise CliError(t("cli.scores.bad_out", name=args.out.name))
        args.out.write_bytes(exports[args.out.suffix.lower()](ranking))
    if args.json:
        print(json.dumps({"period": str(ranking.period), "snapshot_id": ranking.snapshot_id,
                          "as_of": ranking.as_of.isoformat(), "units": ranking.frame.drop("sort_order").to_dicts()},
                         ensure_ascii=False, default=str))
        return 0
    print(t("cli.scores.heading", period=ranking.period.label(), first=ranking.period.first, last=ranking.period.last,
            snapshot=ranking.snapshot_id))
    for row in ranking.frame.iter_rows(named=True):
        parts = "  ".join(f"{row[f'{part}_points']}" for part in ("timeliness", "completeness", "accuracy", "bonus"))
        print("  " + t("cli.scores.row", rank=row["rank"] or "—", name=row["name_zh"], due=row["due_n"], points=parts,
                       total=row["total"], change=ranking_document.change_label(row["change"]))
              + ("  " + t("score.commendation") if row["commended"] else ""))
    if args.out:
        print(t("cli.written", out=args.out))
    return 0


def _brief_out(text: str) -> Path:
    from ledger.documents import briefs
    path = Path(text)
    if path.suffix.lower().lstrip(".") not in briefs.FORMATS:
        raise argparse.ArgumentTypeError(t("cli.report.bad_out", text=text))
    return path


def report_arguments(parser: Parser) -> None:
    parser.add_argument("period", choices=tuple(BRIEF_KINDS), help="daily: one day; weekly: its ISO week; monthly: its month")
    parser.add_argument("--date", type=iso_date, default=None,
                        help="a day in the period (default: the snapshot's data date, so reruns give the same brief)")
    parser.add_argument("--out", type=_brief_out, default=None, metavar="FILE",
                        help="FILE.docx, FILE.html or FILE.pdf (default: 哨岗周报_DATE.docx etc. in this folder)")
    parser.add_argument("--city", default=None, help="one reporting unit's brief: 深圳, shenzhen or 440300")


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.documents import briefs
    snapshot = current(settings)
    latest = briefs.data_date(snapshot)
    day = args.date or latest
    if day > latest:
        raise UsageError(t("cli.report.after_data", snapshot=snapshot.snapshot_id, latest=latest))
    scope = Scope.only(unit_code(args.city)) if args.city else ALL
    out = args.out or Path.cwd() / briefs.file_name(args.period, day, "docx")
    brief = briefs.compose(settings, args.period, day, scope)  # a BriefError is said by main, as every Refusal
    data = briefs.render(brief, out.suffix.lower().lstrip("."))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(out)
    return 0


COMMANDS = {
    "scores": Command("score and rank the units' information work for a month, quarter or year (考核排名)",
                      scores_arguments, cmd_scores),
    "report": Command("write the daily, weekly or monthly brief (日报/周报/月报) as docx, html or pdf",
                      report_arguments, cmd_report),
}
