"""How often the hazard screen is right: inject synthetic outbreaks into a ledger's weekly counts,
replay the screen week by week, and report each method's probability of detection, false alarms
and delay side by side (HAZARD-NOTES.md: "A fair injection protocol").

- Baseline: the ledger's own cells, without injections. False alarms are flags in cell-weeks of
  the test window (the last 52 complete weeks) on that baseline, per 100 cell-weeks, overall and
  in the 8 weeks before a Spring Festival, where the seasonal surge tempts naive rules.
- Outbreaks: extra disputes in one cell (unit × industry, or county for the spatial method) on
  2–6 consecutive weeks, `k` times the cell's baseline SD per week (SD of the 52 weeks before,
  at least 0.5; at least 3 extra disputes in all), a third of them starting in the 8 weeks
  before a Spring Festival. Cells are drawn among those with at least one dispute a quarter.
- Detection: a flag in the outbreak's cell during the outbreak; delay: weeks from its start to
  the first flag (undetected outbreaks are counted at full duration in the "adjusted" delay).
Counts are injected into the count matrices rather than into a rebuilt ledger, so thousands of
replays take seconds; the screen's methods see exactly the matrices they see in production.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ledger import geo
from ledger.store import Snapshot
from ledger.hazards import methods
from ledger.hazards.screen import _festivals, screen_week, unit_industry_cells
from ledger.hazards.series import weekly_series

SIZES = (2, 3, 5, 8)
TEST_WEEKS = 52
METHODS = ("seasonal", "ears", "naive", "gi_star")


@dataclass
class Outbreak:
    cell: int
    start: int
    weeks: int
    extra: int  # disputes added per week


def _pre_festival(weeks: list[date]) -> np.ndarray:
    bins = methods.festival_bins(weeks, _festivals())
    return (bins == 2) | (bins == 3)  # the 8 weeks before the festival


def _run_method(name: str, Y: np.ndarray, bins: np.ndarray, first: int, last: int, coordinates) -> np.ndarray:
    if name == "seasonal":
        return methods.seasonal(Y, bins, first=first, last=last).flag
    if name == "ears":
        return methods.ears(Y).flag
    if name == "naive":
        return methods.naive(Y).flag
    return methods.gi_star(Y, coordinates, first=first, last=last).flag


def _draw(rng, Y: np.ndarray, pre_festival: np.ndarray, first: int, k: float) -> Outbreak:
    last_start = Y.shape[1] - 6
    active = np.nonzero(Y[:, first - 52:first].sum(axis=1) >= 13)[0]
    cell = int(rng.choice(active))
    festival_starts = [t for t in range(first, last_start) if pre_festival[t]]
    start = int(rng.choice(festival_starts)) if festival_starts and rng.random() < 1 / 3 else \
        int(rng.integers(first, last_start))
    weeks = int(rng.integers(2, 7))
    sd = max(0.5, float(Y[cell, start - 52:start].std()))
    extra = max(int(np.ceil(k * sd)), int(np.ceil(3 / weeks)))
    return Outbreak(cell, start, weeks, extra)


def evaluate(snapshot: Snapshot, as_of: date, runs: int = 200, seed: int = 1, progress=None) -> dict:
    """Every method's accuracy on this ledger, side by side; `runs` outbreaks per size."""
    monday = screen_week(as_of)
    cells = weekly_series(snapshot, "unit_industry", monday, cells=unit_industry_cells(), evidence_weeks=0)
    counties = weekly_series(snapshot, "county", monday, cells=[c.code for c in geo.counties()], evidence_weeks=0)
    by_code = geo.county_by_code()
    coordinates = np.array([[by_code[c].lon, by_code[c].lat] for c in counties.cells])
    rng = np.random.default_rng(seed)
    report = {"as_of": monday.isoformat(), "test_weeks": TEST_WEEKS, "runs_per_size": runs, "seed": seed, "methods": {}}
    total_steps, step = len(METHODS) * (1 + len(SIZES) * runs), 0
    for name in METHODS:
        series = counties if name == "gi_star" else cells
        Y, n_weeks = series.Y, series.Y.shape[1]
        first = n_weeks - TEST_WEEKS
        if first < 60:
            raise ValueError("the ledger needs more than two years of weekly history to be evaluated")
        bins = methods.festival_bins(series.weeks, _festivals())
        pre = _pre_festival(series.weeks)
        baseline = _run_method(name, Y, bins, first, n_weeks - 1, coordinates)[:, first:]
        step += 1
        row = {"cells": Y.shape[0], "cell": "county" if name == "gi_star" else "unit × industry",
               "false_alarms_per_100": round(100 * baseline.mean(), 2),
               "false_alarms_per_100_pre_festival": round(100 * baseline[:, pre[first:]].mean(), 2),
               "by_size": {}}
        for k in SIZES:
            detected, delays, adjusted = 0, [], []
            for _ in range(runs):
                outbreak = _draw(rng, Y, pre, first, k)
                injected = Y.copy()
                window = slice(outbreak.start, outbreak.start + outbreak.weeks)
                injected[outbreak.cell, window] += outbreak.extra
                flags = _run_method(name, injected, bins, outbreak.start, outbreak.start + outbreak.weeks - 1,
                                    coordinates)[outbreak.cell, window]
                hits = np.nonzero(flags)[0]
                if hits.size:
                    detected += 1
                    delays.append(int(hits[0]))
                adjusted.append(int(hits[0]) if hits.size else outbreak.weeks)
                step += 1
                if progress:
                    progress(f"{name} k={k}", step / total_steps)
            row["by_size"][str(k)] = {"probability_of_detection": round(detected / runs, 3),
                                      "median_delay_weeks": float(np.median(delays)) if delays else None,
                                      "adjusted_median_delay_weeks": float(np.median(adjusted))}
        report["methods"][name] = row
    return report


def table(report: dict, size: str = "3") -> str:
    """A Markdown table of the report: one row per method, detection at every size."""
    sizes = list(next(iter(report["methods"].values()))["by_size"])
    lines = ["| method | cells | false alarms /100 cell-weeks (pre-festival) | "
             + " | ".join(f"POD k={k}" for k in sizes) + f" | median delay k={size} (weeks) |",
             "|---|---|---:|" + "---:|" * len(sizes) + "---:|"]
    for name, row in report["methods"].items():
        pods = " | ".join(f"{row['by_size'][k]['probability_of_detection']:.2f}" for k in sizes)
        delay = row["by_size"][size]["median_delay_weeks"]
        lines.append(f"| {name} | {row['cell']} ({row['cells']}) | {row['false_alarms_per_100']:.2f} "
                     f"({row['false_alarms_per_100_pre_festival']:.2f}) | {pods} | {'—' if delay is None else delay:} |")
    return "\n".join(lines)
