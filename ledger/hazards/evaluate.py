"""How often the hazard screen is right, by the protocol of the surveillance literature (docs/hazards.md,
"Evaluation"; HAZARD-NOTES.md): inject synthetic outbreaks into a baseline's weekly counts, replay
each method on the weeks of the outbreak, and report detection, false alarms in the same cells,
delay, and what the screen as a whole does to a leader (false flags a week, the share of flags
that are true), each with a 95% interval.

- Baseline: a ledger's own cells as they are (the demo at several seeds, or the real China Labour
  Bulletin Guangdong incidents); the test window is its last 52 complete weeks.
- Outbreaks (Noufaily et al. 2013; R surveillance::sts_creation): a cell is drawn among all cells
  with any dispute before the test window; the outbreak starts at any week of the window (the four
  weeks before a Spring Festival included, and reported apart), lasts 1–6 weeks, and its total size
  is Poisson with mean k × the cell's baseline SD (SD of its 52 weeks before the start; at least
  one dispute), spread over its weeks by a lognormal profile (each dispute's time since onset
  LogNormal(0, 0.5), its 99th percentile at the outbreak's end) or, for a quarter of them, a ramp
  (weights 1, 2, …). For the spatial method a third of the outbreaks are clusters over 2–4
  neighbouring counties of one city.
- Detection: a flag in an outbreak cell during the outbreak; delay: weeks from its first week to
  the first flag (undetected outbreaks count at full length in the "adjusted" delay).
- False alarms are counted in the same cells the outbreaks went into (flags on the baseline in
  those cells' test-window weeks), overall and by baseline level; and for the province: false
  flags a week on the baseline, and during outbreaks the share of all flags that are the
  outbreak's (positive predictive value).
Counts are injected into the count matrices rather than into a rebuilt ledger, so thousands of
replays take seconds; the methods see exactly the matrices they see in production.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ledger import demo, geo
from ledger.config import load_settings
from ledger.i18n import Both
from ledger.hazards import methods
from ledger.hazards.screen import _festivals, place_cells, place_coordinates, screen_week, unit_industry_cells
from ledger.hazards.series import weekly_series
from ledger.ingest import ingest_files
from ledger.store import Journal, Snapshot, build_snapshot, current_snapshot

SIZES = (2, 3, 5, 8)
TEST_WEEKS = 52
HISTORY_WEEKS = 60  # the least history before the test window that an evaluation accepts
METHODS = ("seasonal", "ears", "naive", "gi_star")
LEVELS = (("< 0.25", 0.0, 0.25), ("0.25–1", 0.25, 1.0), ("1–4", 1.0, 4.0), ("> 4", 4.0, math.inf))  # disputes a week
LONGEST = 6  # weeks
RAMP_SHARE = 0.25
CLUSTER_SHARE = 1 / 3  # of the spatial method's outbreaks
LOGNORMAL_SIGMA = 0.5
FOUR_WEEKS_BEFORE = methods.SEASON_BINS.index((-4, -1)) + 1  # the festival bin of weeks -4 … -1
Z95 = 1.959964


@dataclass
class Outbreak:
    cells: tuple[int, ...]  # one cell, or 2–4 neighbouring counties of one city
    start: int
    cases: np.ndarray  # extra disputes [len(cells), weeks]
    level: str  # the first cell's baseline level (LEVELS)
    pre_festival: bool  # starts in the four weeks before a Spring Festival

    @property
    def weeks(self) -> int:
        return self.cases.shape[1]


def spread(rng: np.random.Generator, total: int, weeks: int, ramp: bool) -> np.ndarray:
    """`total` disputes over `weeks` weeks: by a ramp (weights 1, 2, …) or a lognormal profile."""
    if ramp:
        weights = np.arange(1, weeks + 1, dtype=float)
        return rng.multinomial(total, weights / weights.sum())
    onset = rng.lognormal(0.0, LOGNORMAL_SIGMA, total) / math.exp(LOGNORMAL_SIGMA * 2.326)  # 99th percentile → 1
    return np.bincount(np.minimum((onset * weeks).astype(int), weeks - 1), minlength=weeks)


def level_of(mean_per_week: float) -> str:
    return next(name for name, low, high in LEVELS if low <= mean_per_week < high)


def draw(rng: np.random.Generator, Y: np.ndarray, first: int, k: float, pre_festival: np.ndarray,
         neighbours: dict[int, list[int]] | None = None) -> Outbreak:
    """One outbreak of size k (see the module's docstring); `neighbours` (county → nearest
    counties of the same city) makes a third of them clusters."""
    candidates = np.nonzero(Y[:, :first].sum(axis=1) > 0)[0]
    cell = int(rng.choice(candidates))
    weeks = int(rng.integers(1, LONGEST + 1))
    start = int(rng.integers(first, Y.shape[1] - weeks + 1))
    history = Y[cell, max(0, start - 52):start]
    total = max(1, int(rng.poisson(k * float(history.std()))))
    cells = (cell,)
    if neighbours and rng.random() < CLUSTER_SHARE and neighbours.get(cell):
        cells = (cell, *neighbours[cell][:int(rng.integers(1, 4))])
    per_cell = rng.multinomial(total, np.full(len(cells), 1 / len(cells)))
    ramp = rng.random() < RAMP_SHARE
    cases = np.array([spread(rng, int(n), weeks, ramp) for n in per_cell])
    return Outbreak(cells, start, cases, level_of(float(history.mean())), bool(pre_festival[start]))


def wilson(successes: float, n: float) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion."""
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class _Tally:
    """What the outbreaks of one group (a size, a level, the pre-festival weeks) came to."""

    outbreaks: int = 0
    detected: int = 0
    within_a_week: int = 0
    delays: list[int] = field(default_factory=list)  # detected outbreaks only
    adjusted: list[int] = field(default_factory=list)  # undetected at full length
    false_flags: int = 0  # baseline flags in the outbreaks' cells, test window
    cell_weeks: int = 0

    def add(self, hit: int | None, weeks: int, baseline_flags: int) -> None:
        self.outbreaks += 1
        if hit is not None:
            self.detected += 1
            self.within_a_week += hit <= 1
            self.delays.append(hit)
        self.adjusted.append(weeks if hit is None else hit)
        self.false_flags += baseline_flags
        self.cell_weeks += TEST_WEEKS

    def summary(self) -> dict:
        low, high = wilson(self.detected, self.outbreaks)
        fa_low, fa_high = wilson(self.false_flags, self.cell_weeks)
        return {"outbreaks": self.outbreaks,
                "probability_of_detection": _round(self.detected / self.outbreaks if self.outbreaks else math.nan),
                "pod_95": [_round(low), _round(high)],
                "detected_within_one_week": _round(self.within_a_week / self.outbreaks if self.outbreaks else math.nan),
                "median_delay_weeks": float(np.median(self.delays)) if self.delays else None,
                "adjusted_median_delay_weeks": float(np.median(self.adjusted)) if self.adjusted else None,
                "false_alarms_per_100_same_cells": _round(100 * self.false_flags / self.cell_weeks if self.cell_weeks else math.nan),
                "false_alarms_95": [_round(100 * fa_low), _round(100 * fa_high)]}


def _round(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(x, 3)


def _run(name: str, Y: np.ndarray, bins: np.ndarray, first: int, last: int, coordinates) -> np.ndarray:
    if name == "seasonal":
        return methods.seasonal(Y, bins, first=first, last=last).flag
    if name == "ears":
        return methods.ears(Y).flag
    if name == "naive":
        return methods.naive(Y).flag
    return methods.gi_star(Y, coordinates, first=first, last=last).flag


def _neighbours(codes: list[str]) -> dict[int, list[int]]:
    """Each county's nearest counties of the same city, nearest first (a city's own cell, of the
    disputes known only to the city, has none: a cluster is of counties)."""
    by_code = geo.county_by_code()
    places = {i: by_code[c] for i, c in enumerate(codes) if c in by_code}
    return {i: [j for _, j in sorted((math.hypot(p.lon - place.lon, p.lat - place.lat), j) for j, p in places.items()
                                     if j != i and p.unit_code == place.unit_code)]
            for i, place in places.items()}


def evaluate_method(name: str, Y: np.ndarray, weeks: list, coordinates, runs: int, seeds: tuple[int, ...],
                    progress=None, neighbours=None) -> dict:
    """One method on one baseline: `runs` outbreaks per size and seed."""
    n = Y.shape[1]
    first = n - TEST_WEEKS
    if first < HISTORY_WEEKS:
        raise ValueError("the ledger needs more than a year and a quarter of weekly history before its last year")
    bins = methods.festival_bins(weeks, _festivals())
    pre = bins == FOUR_WEEKS_BEFORE
    baseline = _run(name, Y, bins, first, n - 1, coordinates)[:, first:]
    per_cell = baseline.sum(axis=1)
    by_size = {k: _Tally() for k in SIZES}
    by_level = {level: _Tally() for level, _, _ in LEVELS}
    festival, other = _Tally(), _Tally()
    true_flags = false_during = 0
    done, total = 0, len(seeds) * len(SIZES) * runs
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for k in SIZES:
            for _ in range(runs):
                outbreak = draw(rng, Y, first, k, pre, neighbours)
                cells, window = list(outbreak.cells), slice(outbreak.start, outbreak.start + outbreak.weeks)
                injected = Y.copy()
                injected[cells, window] += outbreak.cases
                flags = _run(name, injected, bins, outbreak.start, outbreak.start + outbreak.weeks - 1, coordinates)
                in_outbreak = flags[cells, window]
                hit = int(np.argmax(in_outbreak.any(axis=0))) if in_outbreak.any() else None
                true_flags += int(in_outbreak.sum())
                false_during += int(flags[:, window].sum()) - int(in_outbreak.sum())
                flagged_before = int(per_cell[outbreak.cells[0]])
                for tally in (by_size[k], (festival if outbreak.pre_festival else other)):
                    tally.add(hit, outbreak.weeks, flagged_before)
                if k == 3:
                    by_level[outbreak.level].add(hit, outbreak.weeks, flagged_before)
                done += 1
                if progress:
                    progress(Both(f"{name} k={k}", f"{name} k={k}"), done / total)
    ppv_low, ppv_high = wilson(true_flags, true_flags + false_during)
    return {
        "cells": int(Y.shape[0]), "cells_with_history": int((Y[:, :first].sum(axis=1) > 0).sum()),
        "by_size": {str(k): tally.summary() for k, tally in by_size.items()},
        "by_level_k3": {level: tally.summary() for level, tally in by_level.items() if tally.outbreaks},
        "pre_festival": festival.summary() if festival.outbreaks else None,
        "other_weeks": other.summary() if other.outbreaks else None,
        "false_alarms_per_100_all_cells": _round(100 * baseline.mean()),
        "province_false_flags_per_week": _round(baseline.sum() / TEST_WEEKS),
        "ppv_during_outbreaks": _round(true_flags / (true_flags + false_during) if true_flags + false_during else math.nan),
        "ppv_95": [_round(ppv_low), _round(ppv_high)],
    }


def evaluate(snapshot: Snapshot, as_of: date, runs: int = 200, seeds: tuple[int, ...] = (1, 2, 3), progress=None,
             baseline: str = "ledger", method_names: tuple[str, ...] = METHODS) -> dict:
    """Every method's accuracy on this ledger's baseline, side by side."""
    monday = screen_week(as_of)
    cells = weekly_series(snapshot, "unit_industry", monday, cells=unit_industry_cells(), evidence_weeks=0)
    counties = weekly_series(snapshot, "county", monday, cells=place_cells(), evidence_weeks=0)
    coordinates = place_coordinates(counties.cells)
    report = {"baseline": baseline, "as_of": monday.isoformat(), "test_weeks": TEST_WEEKS, "runs_per_size_and_seed": runs,
              "seeds": list(seeds), "methods": {}}
    for name in method_names:
        spatial = name == "gi_star"
        series = counties if spatial else cells
        report["methods"][name] = {
            "cell": "county" if spatial else "unit × industry",
            **evaluate_method(name, series.Y, series.weeks, coordinates, runs, seeds, progress,
                              _neighbours(counties.cells) if spatial else None)}
    return report


def last_day(snapshot: Snapshot) -> date:
    """The day of the snapshot's last capture: where a baseline's test window ends."""
    return date.fromisoformat(snapshot.manifest["data_range"]["last_captured_at"][:10])


def clb_baseline(clb_dir: Path, folder: Path) -> Snapshot:
    """China Labour Bulletin's strike-map exports in `clb_dir` (all provinces; ingest keeps the
    Guangdong rows) as a ledger in `folder`: the real baseline outbreaks are injected into."""
    files = sorted(Path(clb_dir).glob("*.xlsx"))
    if not files:
        raise ValueError(f"no China Labour Bulletin exports (*.xlsx) in {clb_dir}")
    settings = load_settings(folder)
    ingest_files(settings, files, fmt="clb")
    snapshot = current_snapshot(settings)
    if snapshot is None:
        raise ValueError(f"the exports in {clb_dir} hold no Guangdong incident")
    return snapshot


def demo_baseline(seed: int, folder: Path, items: int = 9000) -> Snapshot:
    """The demo ledger of `seed` in `folder`: a synthetic baseline the thresholds were not set on
    (they were set on seed 42, make run's)."""
    settings = load_settings(folder)
    Journal(settings.journal_dir).append("items", demo.generate(n_items=items, seed=seed), source="demo",
                                         expected_rows=items)
    return build_snapshot(settings)


def _interval(pair: list) -> str:
    return "—" if pair[0] is None else f"{pair[0]:.2f}–{pair[1]:.2f}"


def table(report: dict, size: str = "3") -> str:
    """The report as Markdown: detection by size with intervals, false alarms in the same cells,
    and the screen as a leader sees it; then detection and false alarms by baseline level (k = 3)."""
    lines = [f"Baseline: {report['baseline']}, week of {report['as_of']}, {report['runs_per_size_and_seed']} outbreaks "
             f"per size and seed, seeds {', '.join(map(str, report['seeds']))}.", "",
             "| method | cells (with history) | " + " | ".join(f"POD k={k} [95%]" for k in SIZES)
             + f" | within 1 week k={size} | false alarms /100 same cells k={size} [95%] | false flags /week (province) "
               "| PPV during outbreaks [95%] |",
             "|---|---|" + "---:|" * (len(SIZES) + 4)]
    for name, row in report["methods"].items():
        pods = " | ".join(f"{row['by_size'][str(k)]['probability_of_detection']:.2f} "
                          f"[{_interval(row['by_size'][str(k)]['pod_95'])}]" for k in SIZES)
        at = row["by_size"][size]
        lines.append(f"| {name} | {row['cell']} {row['cells']} ({row['cells_with_history']}) | {pods} | "
                     f"{at['detected_within_one_week']:.2f} | {at['false_alarms_per_100_same_cells']:.2f} "
                     f"[{_interval(at['false_alarms_95'])}] | {row['province_false_flags_per_week']:.1f} | "
                     f"{row['ppv_during_outbreaks']:.2f} [{_interval(row['ppv_95'])}] |")
    lines += ["", "| method | baseline level (disputes a week) | outbreaks | POD k=3 [95%] | false alarms /100 same cells [95%] |",
              "|---|---|---:|---:|---:|"]
    for name, row in report["methods"].items():
        for level, s in row["by_level_k3"].items():
            lines.append(f"| {name} | {level} | {s['outbreaks']} | {s['probability_of_detection']:.2f} "
                         f"[{_interval(s['pod_95'])}] | {s['false_alarms_per_100_same_cells']:.2f} "
                         f"[{_interval(s['false_alarms_95'])}] |")
    return "\n".join(lines)


def summary_table(reports: list[dict], size: str = "3") -> str:
    """One line per baseline and method, for the README: detection at k = `size` overall and in
    cells of 0.25–1 and ≥ 1 disputes a week, false alarms in the same cells, the province's false
    flags a week, PPV and delay. Regenerated from docs/hazards-results.json (tools/hazards_eval.py)."""
    lines = [f"| baseline | method | POD k={size} [95%] | POD k={size}, 0.25–1 a week | POD k={size}, ≥ 1 a week | "
             f"false alarms /100 same cells | false flags /week (province) | PPV during outbreaks | median delay (weeks) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for report in reports:
        for name, row in report["methods"].items():
            at, levels = row["by_size"][size], row["by_level_k3"]
            busy = [levels[k] for k in ("1–4", "> 4") if k in levels]
            busy_n = sum(level["outbreaks"] for level in busy)
            busy_pod = (sum(level["probability_of_detection"] * level["outbreaks"] for level in busy) / busy_n) if busy_n else None
            middle = levels.get("0.25–1")
            lines.append(
                f"| {report['baseline']} | {name} | {at['probability_of_detection']:.2f} [{_interval(at['pod_95'])}] | "
                + (f"{middle['probability_of_detection']:.2f} (n={middle['outbreaks']})" if middle else "—") + " | "
                + (f"{busy_pod:.2f} (n={busy_n})" if busy_pod is not None else "—") + " | "
                f"{at['false_alarms_per_100_same_cells']:.2f} | {row['province_false_flags_per_week']:.1f} | "
                f"{row['ppv_during_outbreaks']:.2f} | {'—' if at['median_delay_weeks'] is None else at['median_delay_weeks']} |")
    return "\n".join(lines)
