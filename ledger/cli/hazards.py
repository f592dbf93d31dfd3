"""The hazard screen (隐患排查): run one week's screen for emerging risk areas, and measure how
well its methods find injected synthetic outbreaks."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ledger.cli.common import Command, Parser, UsageError, current, iso_date, positive_int, progress_bar
from ledger.config import Settings
from ledger.i18n import t
from ledger.store import now_shanghai


def hazards_arguments(parser: Parser) -> None:
    parser.add_argument("--as-of", type=iso_date, default=None, help="replay the screen on this day (default today)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of flags")


def cmd_hazards(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.hazards.flags import screen_week
    from ledger.hazards.saved import week_flags
    as_of = args.as_of or now_shanghai().date()
    flags = week_flags(current(settings), as_of)
    if args.json:
        print(json.dumps([f.to_json() for f in flags], ensure_ascii=False))
        return 0
    print(t("cli.hazards.heading", week=screen_week(as_of).isoformat(), n=len(flags)))
    for number, flag in enumerate(flags, start=1):
        print(t("cli.hazards.flag", number=number, method=flag.method, sentence=flag.sentence(), score=flag.score,
                n=len(flag.item_ids)))
    return 0


def hazards_eval_arguments(parser: Parser) -> None:
    parser.add_argument("--runs", type=positive_int, default=200, help="outbreaks per size and seed (default 200)")
    parser.add_argument("--seeds", type=lambda v: tuple(int(s) for s in v.split(",")), default=(1, 2, 3),
                        help="random seeds of the injections, comma-separated (default 1,2,3)")
    parser.add_argument("--baseline", default="ledger", metavar="ledger|demo:SEED|clb:FOLDER",
                        help="the counts outbreaks go into: this ledger (default), the demo of a seed, or China "
                             "Labour Bulletin exports in FOLDER (Guangdong rows)")
    parser.add_argument("--as-of", type=iso_date, default=None,
                        help="end of the test year (default: today for this ledger, the last capture otherwise)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_hazards_eval(settings: Settings, args: argparse.Namespace) -> int:
    import tempfile

    from ledger.hazards.evaluate import clb_baseline, demo_baseline, evaluate, last_day, table as evaluation_table
    bar, update = progress_bar(t("cli.progress.hazards_eval"), disable=args.json or not sys.stderr.isatty())
    with tempfile.TemporaryDirectory() as folder, bar:
        kind, _, value = args.baseline.partition(":")
        if kind == "ledger":
            snapshot, as_of = current(settings), args.as_of or now_shanghai().date()
        elif kind in ("demo", "clb") and value:
            snapshot = demo_baseline(int(value), Path(folder)) if kind == "demo" else clb_baseline(Path(value), Path(folder))
            as_of = args.as_of or last_day(snapshot)
        else:
            raise UsageError(t("cli.hazards.bad_baseline", baseline=args.baseline))
        report = evaluate(snapshot, as_of, runs=args.runs, seeds=args.seeds, progress=update, baseline=args.baseline)
    print(json.dumps(report, ensure_ascii=False) if args.json else evaluation_table(report))
    return 0


COMMANDS = {
    "hazards": Command("the hazard screen for one week: emerging risk areas with their evidence",
                       hazards_arguments, cmd_hazards),
    "hazards-eval": Command("inject synthetic outbreaks and report each method's detection, false alarms, delay",
                            hazards_eval_arguments, cmd_hazards_eval),
}
