"""Regenerate the hazard screen's accuracy tables (README.md and docs/hazards.md, between their
hazards-eval markers, and docs/hazards-results.json) by the evaluation protocol of ledger/hazards/evaluate.py, on every
baseline: the demo of seed 42 (the ledger the thresholds were set on, shown for reference), demos of
seeds the tuning never saw, and the real China Labour Bulletin Guangdong incidents when their
exports are beside the project. `make hazards-eval`; about ten minutes on two cores.

    python -m tools.hazards_eval [--runs 100] [--seeds 11,12,13] [--demo-seeds 42,7,99]
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from ledger.config import CLB_EXPORTS, REPO_ROOT
from ledger.hazards.evaluate import clb_baseline, demo_baseline, evaluate, last_day, summary_table, table

DOCS, README, RESULTS = REPO_ROOT / "docs" / "hazards.md", REPO_ROOT / "README.md", REPO_ROOT / "docs" / "hazards-results.json"
START, END = "<!-- hazards-eval:start -->", "<!-- hazards-eval:end -->"


def replace_block(path: Path, block: str) -> None:
    """`block` between the markers of `path`."""
    text = path.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    path.write_text(before + START + "\n\n" + block + "\n\n" + END + rest.split(END, 1)[1], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="outbreaks per size and seed")
    parser.add_argument("--seeds", default="11,12,13", help="injection seeds (never used for tuning)")
    parser.add_argument("--demo-seeds", default="42,7,99", help="demo ledgers; 42 is the tuning ledger")
    args = parser.parse_args()
    seeds = tuple(int(s) for s in args.seeds.split(","))
    reports, started = [], time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        baselines = [(f"demo seed {s}" + (" (thresholds set on it)" if s == 42 else ""),
                      lambda s=s: demo_baseline(s, Path(folder) / f"demo{s}")) for s in map(int, args.demo_seeds.split(","))]
        if CLB_EXPORTS.exists():
            baselines.append(("China Labour Bulletin, Guangdong 2011–2014", lambda: clb_baseline(CLB_EXPORTS, Path(folder) / "clb")))
        else:
            print(f"China Labour Bulletin exports not found at {CLB_EXPORTS}: the real baseline is left out", file=sys.stderr)
        for name, build in baselines:
            snapshot = build()
            print(f"evaluating on {name} …", file=sys.stderr)
            reports.append(evaluate(snapshot, last_day(snapshot), runs=args.runs, seeds=seeds, baseline=name))
    RESULTS.write_text(json.dumps(reports, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    measured = f"_Measured by `make hazards-eval` in {time.perf_counter() - started:.0f} s; every figure in docs/hazards-results.json._"
    replace_block(DOCS, measured + "\n\n" + "\n\n".join(table(r) for r in reports))
    replace_block(README, summary_table(reports))
    print(f"wrote {RESULTS}, {DOCS} and {README}")


if __name__ == "__main__":
    main()
