"""The hazard screen (隐患排查): run one week's screen for emerging risk areas, and measure how
well its methods find injected synthetic outbreaks."""
from __future__ import annotations

import argparse
import json
import sys

from ledger.cli.common import Command, Parser, current, iso_date, positive_int, progress_bar
from ledger.config import Settings
from ledger.store import now_shanghai


def hazards_arguments(parser: Parser) -> None:
    parser.add_argument("--as-of", type=iso_date, default=None, help="replay the screen on this day (default today)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of flags")


def cmd_hazards(settings: Settings, args: argparse.Namespace) -> int:
    from ledger import hazards
    as_of = args.as_of or now_shanghai().date()
    flags = hazards.screen(current(settings), as_of)
    if args.json:
        print(json.dumps([f.to_json() for f in flags], ensure_ascii=False))
        return 0
    print(f"隐患排查 hazard screen for {hazards.screen_week(as_of).isoformat()} (week of), {len(flags)} flags")
    for number, flag in enumerate(flags, start=1):
        print(f"{number:>3}. [{flag.method}] {flag.sentence()}  (score {flag.score}, {len(flag.item_ids)} items)")
    return 0


def hazards_eval_arguments(parser: Parser) -> None:
    parser.add_argument("--runs", type=positive_int, default=200, help="outbreaks per size (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the injections (default 1)")
    parser.add_argument("--as-of", type=iso_date, default=None, help="end of the test year (default today)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_hazards_eval(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.hazards.evaluate import evaluate, table as evaluation_table
    bar, update = progress_bar("评估 hazards-eval", disable=args.json or not sys.stderr.isatty())
    with bar:
        report = evaluate(current(settings), args.as_of or now_shanghai().date(), runs=args.runs, seed=args.seed,
                          progress=update)
    print(json.dumps(report, ensure_ascii=False) if args.json else evaluation_table(report))
    return 0


COMMANDS = {
    "hazards": Command("the hazard screen for one week: emerging risk areas with their evidence",
                       hazards_arguments, cmd_hazards),
    "hazards-eval": Command("inject synthetic outbreaks and report each method's detection, false alarms, delay",
                            hazards_eval_arguments, cmd_hazards_eval),
}
