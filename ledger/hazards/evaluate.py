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
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ledger import demo, geo
from ledger.config import load_settings
from ledger.i18n import Both
from ledger.hazards import leading, methods
from ledger.hazards.flags import screen_week
from ledger.hazards.screen import (_festivals, industry_groups, place_cells, place_coordinates, screen,
                                   unit_industry_cells)
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


def strata(Y: np.ndarray, first: int) -> dict[str, np.ndarray]:
    """The cells with any dispute before the test window, by baseline level (their mean a week
    over the 52 weeks before it): outbreaks are drawn level by level, so that busy cells, few as
    they are, are tested as often as sparse ones."""
    with_history = np.nonzero(Y[:, :first].sum(axis=1) > 0)[0]
    levels = np.array([level_of(float(Y[c, max(0, first - 52):first].mean())) for c in with_history])
    return {name: with_history[levels == name] for name, _, _ in LEVELS if (levels == name).any()}


def draw(rng: np.random.Generator, Y: np.ndarray, first: int, k: float, pre_festival: np.ndarray, cell: int,
         level: str, neighbours: dict[int, list[int]] | None = None) -> Outbreak:
    """One outbreak of size k (see the module's docstring) in `cell`, of baseline level `level`
    (strata); `neighbours` (county → nearest counties of the same city) makes a third of them
    clusters."""
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
    return Outbreak(cells, start, cases, level, bool(pre_festival[start]))


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


def stratified(tallies: dict[str, "_Tally"], shares: dict[str, float]) -> dict:
    """The figures of cells with history as a whole, from outbreaks drawn level by level: each
    level's rate weighted by its share of the cells, with a 95% interval from the levels'
    Agresti–Coull variances; delays pooled over the detected outbreaks."""
    def rate(part: str, of: str) -> tuple[float, float, float]:
        value = sum(shares[l] * getattr(t, part) / getattr(t, of) for l, t in tallies.items())
        variance = sum(shares[l] ** 2 * _agresti(getattr(t, part), getattr(t, of)) for l, t in tallies.items())
        return value, max(0.0, value - Z95 * math.sqrt(variance)), min(1.0, value + Z95 * math.sqrt(variance))

    pod, low, high = rate("detected", "outbreaks")
    within, _, _ = rate("within_a_week", "outbreaks")
    false, fa_low, fa_high = rate("false_flags", "cell_weeks")
    delays = [d for t in tallies.values() for d in t.delays]
    adjusted = [d for t in tallies.values() for d in t.adjusted]
    return {"outbreaks": sum(t.outbreaks for t in tallies.values()),
            "probability_of_detection": _round(pod), "pod_95": [_round(low), _round(high)],
            "detected_within_one_week": _round(within),
            "median_delay_weeks": float(np.median(delays)) if delays else None,
            "adjusted_median_delay_weeks": float(np.median(adjusted)) if adjusted else None,
            "false_alarms_per_100_same_cells": _round(100 * false),
            "false_alarms_95": [_round(100 * fa_low), _round(100 * fa_high)]}


def _agresti(successes: float, n: float) -> float:
    p = (successes + 2) / (n + 4)
    return p * (1 - p) / (n + 4)


def _round(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(x, 3)


def _run(name: str, Y: np.ndarray, bins: np.ndarray, first: int, last: int, coordinates, groups) -> np.ndarray:
    if name == "seasonal":
        return methods.seasonal(Y, bins, first=first, last=last, groups=groups).flag
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
                    progress=None, neighbours=None, groups=None) -> dict:
    """One method on one baseline: `runs` outbreaks per size and seed."""
    n = Y.shape[1]
    first = n - TEST_WEEKS
    if first < HISTORY_WEEKS:
        raise ValueError("the ledger needs more than a year and a quarter of weekly history before its last year")
    bins = methods.festival_bins(weeks, _festivals())
    pre = bins == FOUR_WEEKS_BEFORE
    baseline = _run(name, Y, bins, first, n - 1, coordinates, groups)[:, first:]
    per_cell = baseline.sum(axis=1)
    history = Y[:, :first].sum(axis=1) > 0
    levels = strata(Y, first)
    shares = {level: len(cells) / sum(map(len, levels.values())) for level, cells in levels.items()}
    by_level = {level: {k: _Tally() for k in SIZES} for level in levels}
    festival, other = _Tally(), _Tally()
    true_flags = false_during = 0
    done, total = 0, len(seeds) * len(SIZES) * runs
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for k in SIZES:
            for run in range(runs):
                level = list(levels)[run % len(levels)]
                outbreak = draw(rng, Y, first, k, pre, int(rng.choice(levels[level])), level, neighbours)
                cells, window = list(outbreak.cells), slice(outbreak.start, outbreak.start + outbreak.weeks)
                injected = Y.copy()
                injected[cells, window] += outbreak.cases
                flags = _run(name, injected, bins, outbreak.start, outbreak.start + outbreak.weeks - 1, coordinates, groups)
                in_outbreak = flags[cells, window]
                hit = int(np.argmax(in_outbreak.any(axis=0))) if in_outbreak.any() else None
                true_flags += int(in_outbreak.sum())
                false_during += int(flags[:, window].sum()) - int(in_outbreak.sum())
                flagged_before = int(per_cell[outbreak.cells[0]])
                for tally in (by_level[level][k], (festival if outbreak.pre_festival else other)):
                    tally.add(hit, outbreak.weeks, flagged_before)
                done += 1
                if progress:
                    progress(Both(f"{name} k={k}", f"{name} k={k}"), done / total)
    ppv_low, ppv_high = wilson(true_flags, true_flags + false_during)
    return {
        "cells": int(Y.shape[0]), "cells_with_history": int(history.sum()),
        "by_size": {str(k): stratified({level: sizes[k] for level, sizes in by_level.items()}, shares) for k in SIZES},
        "by_level": {level: {"cells": int(len(levels[level])), "share": _round(shares[level]),
                             "by_size": {str(k): tally.summary() for k, tally in sizes.items()}}
                     for level, sizes in by_level.items()},
        "pre_festival": festival.summary() if festival.outbreaks else None,
        "other_weeks": other.summary() if other.outbreaks else None,
        "false_alarms_per_100_all_cells": _round(100 * baseline.mean()),
        "false_alarms_per_100_pre_festival_weeks": _round(100 * baseline[history][:, pre[first:]].mean()) if pre[first:].any() else None,
        "false_alarms_per_100_other_weeks": _round(100 * baseline[history][:, ~pre[first:]].mean()),
        "province_false_flags_per_week": _round(baseline.sum() / TEST_WEEKS),
        "ppv_during_outbreaks": _round(true_flags / (true_flags + false_during) if true_flags + false_during else math.nan),
        "ppv_95": [_round(ppv_low), _round(ppv_high)],
    }


def calibration(Y: np.ndarray, weeks: list, groups: np.ndarray) -> dict:
    """How well the seasonal model's expectations match what came, over the test window: each
    week's expectation is fitted on the weeks before it only (as the screen does), so the year is
    one the model did not fit. Observed ÷ expected by the cells' baseline level (their mean over
    the 52 weeks before the window), and in the cells that had ≥ 1 dispute a week in the window
    itself; 95% intervals by a bootstrap of 4-week blocks of the window (2,000 draws)."""
    first = Y.shape[1] - TEST_WEEKS
    bins = methods.festival_bins(weeks, _festivals())
    expected = methods.seasonal(Y, bins, first=first, groups=groups).expected[:, first:]
    observed = Y[:, first:]
    history = Y[:, :first].sum(axis=1) > 0
    prior = Y[:, max(0, first - 52):first].mean(axis=1)
    groups_of_cells = {name: history & (prior >= low) & (prior < high) for name, low, high in LEVELS}
    groups_of_cells["≥ 1 a week in the window"] = observed.mean(axis=1) >= 1
    groups_of_cells["all cells with history"] = history
    blocks = np.arange(TEST_WEEKS).reshape(-1, 4)
    rng = np.random.default_rng(0)
    draws = blocks[rng.integers(0, len(blocks), size=(2000, len(blocks)))].reshape(2000, -1)
    report = {}
    for name, mask in groups_of_cells.items():
        if not mask.any():
            continue
        o, e = observed[mask].sum(axis=0), expected[mask].sum(axis=0)
        ratios = o[draws].sum(axis=1) / np.maximum(e[draws].sum(axis=1), 1e-9)
        report[name] = {"cells": int(mask.sum()), "observed": int(o.sum()), "expected": round(float(e.sum()), 1),
                        "ratio": _round(o.sum() / e.sum()),
                        "ratio_95": [_round(float(np.quantile(ratios, 0.025))), _round(float(np.quantile(ratios, 0.975)))]}
    return report


def screen_level(snapshot: Snapshot, monday: date) -> dict:
    """What a leader would have seen on the baseline, week by week over the test window: the
    leading flags (at most LEADING, of the kinds shown first) and all flags. On a baseline without
    injected outbreaks every flag counts as false, which overstates false flags where the real
    baseline had real rises."""
    leading_counts, all_counts = [], []
    for back in range(TEST_WEEKS):
        flags = screen(snapshot, monday - timedelta(weeks=back) + timedelta(days=6))
        first, _ = leading.split(flags)
        leading_counts.append(len(first))
        all_counts.append(len(flags))
    return {"weeks": TEST_WEEKS, "leading_flags_per_week": _round(float(np.mean(leading_counts))),
            "leading_flags_most_in_a_week": int(max(leading_counts)),
            "all_flags_per_week": _round(float(np.mean(all_counts))), "all_flags_most_in_a_week": int(max(all_counts))}


def evaluate(snapshot: Snapshot, as_of: date, runs: int = 200, seeds: tuple[int, ...] = (1, 2, 3), progress=None,
             baseline: str = "ledger", method_names: tuple[str, ...] = METHODS, screen_weeks: bool = True) -> dict:
    """Every method's accuracy on this ledger's baseline, side by side; the seasonal model's
    calibration; and the screen as a leader sees it (`screen_weeks`)."""
    monday = screen_week(as_of)
    cells = weekly_series(snapshot, "unit_industry", monday, cells=unit_industry_cells(), evidence_weeks=0)
    counties = weekly_series(snapshot, "county", monday, cells=place_cells(), evidence_weeks=0)
    coordinates = place_coordinates(counties.cells)
    groups = industry_groups(cells.cells)
    report = {"baseline": baseline, "as_of": monday.isoformat(), "test_weeks": TEST_WEEKS, "runs_per_size_and_seed": runs,
              "seeds": list(seeds), "methods": {},
              "calibration": {"counts": calibration(cells.Y, cells.weeks, groups),
                              "size_weighted": calibration(cells.W, cells.weeks, groups)}}
    if screen_weeks:
        report["screen"] = screen_level(snapshot, monday)
    for name in method_names:
        spatial = name == "gi_star"
        Y = counties.Y if spatial else cells.W if name == "seasonal" else cells.Y  # the matrices the screen uses
        report["methods"][name] = {
            "cell": "county" if spatial else "unit × industry",
            **evaluate_method(name, Y, counties.weeks if spatial else cells.weeks, coordinates, runs, seeds, progress,
                              _neighbours(counties.cells) if spatial else None, None if spatial else groups)}
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
    return "—" if pair is None or pair[0] is None else f"{pair[0]:.2f}–{pair[1]:.2f}"


BUSY = ("1–4", "> 4")  # the levels of cells with at least one dispute a week


def pooled(row: dict, size: str, levels: tuple[str, ...]) -> dict | None:
    """Detection and false alarms at size k over the given baseline levels together (outbreaks
    were drawn level by level, so the levels' counts add up), and the slowest level's median
    delay (medians do not pool)."""
    parts = [row["by_level"][level]["by_size"][size] for level in levels if level in row["by_level"]]
    n = sum(part["outbreaks"] for part in parts)
    if not n:
        return None
    detected = sum(part["probability_of_detection"] * part["outbreaks"] for part in parts)
    false = sum(part["false_alarms_per_100_same_cells"] * part["outbreaks"] for part in parts) / n
    delays = [part["median_delay_weeks"] for part in parts if part["median_delay_weeks"] is not None]
    return {"outbreaks": n, "probability_of_detection": detected / n, "pod_95": list(wilson(detected, n)),
            "false_alarms_per_100_same_cells": false, "slowest_median_delay_weeks": max(delays) if delays else None}


def targets(report: dict) -> list[tuple[str, str, bool | None]]:
    """Issue 20's targets for the seasonal model on this baseline: (target, measured, met); met is
    None where the baseline has no cell to measure it in."""
    row = report["methods"].get("seasonal")
    if row is None:
        return []
    out = []
    for size, goal in (("3", 0.8), ("5", 0.95)):
        busy = pooled(row, size, BUSY)
        out.append((f"POD k={size}, cells ≥ 1 a week ≥ {goal}",
                    "—" if busy is None else f"{busy['probability_of_detection']:.2f} (n={busy['outbreaks']})",
                    None if busy is None else busy["probability_of_detection"] >= goal))
    busy = pooled(row, "3", BUSY)
    out.append(("false alarms ≤ 1 /100 cell-weeks in those cells",
                "—" if busy is None else f"{busy['false_alarms_per_100_same_cells']:.2f}",
                None if busy is None else busy["false_alarms_per_100_same_cells"] <= 1))
    busy = pooled(row, "5", BUSY)
    delay = None if busy is None else busy["slowest_median_delay_weeks"]
    out.append(("median delay ≤ 1 week (k=5, in each of those levels)", _weeks(delay),
                None if delay is None else delay <= 1))
    middle = pooled(row, "5", ("0.25–1",))
    out.append(("POD k=5, cells 0.25–1 a week ≥ 0.6",
                "—" if middle is None else f"{middle['probability_of_detection']:.2f} (n={middle['outbreaks']})",
                None if middle is None else middle["probability_of_detection"] >= 0.6))
    if "screen" in report:
        out.append(("screen: ≤ 1.5 false flags a week (leading flags on the baseline)",
                    f"{report['screen']['leading_flags_per_week']:.2f}", report["screen"]["leading_flags_per_week"] <= 1.5))
    pre, other = row["false_alarms_per_100_pre_festival_weeks"], row["false_alarms_per_100_other_weeks"]
    if pre is not None:
        out.append(("false alarms in the 4 pre-festival weeks ≤ 1.2 × other weeks", f"{pre:.2f} vs {other:.2f}",
                    pre <= 1.2 * other or pre == 0))
    calibrated = report["calibration"]["size_weighted"].get("≥ 1 a week in the window")
    out.append(("observed/expected 0.9–1.1, cells ≥ 1 a week in the year evaluated",
                "—" if calibrated is None else f"{calibrated['ratio']:.2f} [{_interval(calibrated['ratio_95'])}]",
                None if calibrated is None else 0.9 <= calibrated["ratio"] <= 1.1))
    return out


def _weeks(delay: float | None) -> str:
    return "—" if delay is None else f"{delay:g}"


def _met(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measurable"}[met]


def table(report: dict, size: str = "3") -> str:
    """The report as Markdown: the targets; the seasonal model's calibration; the screen as a leader
    sees it; detection by size with intervals, false alarms in the same cells, false flags a week,
    PPV and delay per method; then detection and false alarms by baseline level."""
    lines = [f"#### {report['baseline']}", "",
             f"Test window: the 52 weeks to the week of {report['as_of']}; {report['runs_per_size_and_seed']} outbreaks "
             f"per size and seed (drawn level by level), seeds {', '.join(map(str, report['seeds']))}.", "",
             "| target (seasonal model) | measured | |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {_met(met)} |" for name, value, met in targets(report)]
    lines += ["", "| calibration (seasonal model, weeks fitted on the weeks before them) | cells | observed | expected | "
                  "observed/expected [95%] (counts) | observed/expected [95%] (size-weighted) |", "|---|---:|---:|---:|---:|---:|"]
    weighted = report["calibration"]["size_weighted"]
    for group, c in report["calibration"]["counts"].items():
        w = weighted.get(group)
        lines.append(f"| {group} | {c['cells']} | {c['observed']} | {c['expected']:.1f} | {c['ratio']:.2f} "
                     f"[{_interval(c['ratio_95'])}] | " + (f"{w['ratio']:.2f} [{_interval(w['ratio_95'])}]" if w else "—") + " |")
    if "screen" in report:
        screen_row = report["screen"]
        lines += ["", f"The screen on this baseline (no outbreak injected), week by week over {screen_row['weeks']} weeks: "
                      f"{screen_row['leading_flags_per_week']:.2f} leading flags a week (at most "
                      f"{screen_row['leading_flags_most_in_a_week']}), {screen_row['all_flags_per_week']:.2f} flags of all "
                      f"kinds (at most {screen_row['all_flags_most_in_a_week']})."]
    lines += ["", "| method | cells (with history) | " + " | ".join(f"POD k={k} [95%]" for k in SIZES)
              + f" | within 1 week k={size} | median delay k={size} | false alarms /100 same cells k={size} [95%] "
                "| false flags /week (province) | false alarms /100, pre-festival vs other weeks | PPV during outbreaks [95%] |",
              "|---|---|" + "---:|" * (len(SIZES) + 6)]
    for name, row in report["methods"].items():
        pods = " | ".join(f"{row['by_size'][str(k)]['probability_of_detection']:.2f} "
                          f"[{_interval(row['by_size'][str(k)]['pod_95'])}]" for k in SIZES)
        at = row["by_size"][size]
        pre = row["false_alarms_per_100_pre_festival_weeks"]
        lines.append(f"| {name} | {row['cell']} {row['cells']} ({row['cells_with_history']}) | {pods} | "
                     f"{at['detected_within_one_week']:.2f} | {_weeks(at['median_delay_weeks'])} | "
                     f"{at['false_alarms_per_100_same_cells']:.2f} [{_interval(at['false_alarms_95'])}] | "
                     f"{row['province_false_flags_per_week']:.2f} | {'—' if pre is None else f'{pre:.2f}'} vs "
                     f"{row['false_alarms_per_100_other_weeks']:.2f} | {row['ppv_during_outbreaks']:.2f} [{_interval(row['ppv_95'])}] |")
    lines += ["", "| method | baseline level (disputes a week) | cells | " + " | ".join(f"POD k={k} [95%]" for k in SIZES)
              + " | false alarms /100 same cells [95%] |", "|---|---|---:|" + "---:|" * (len(SIZES) + 1)]
    for name, row in report["methods"].items():
        for level, part in row["by_level"].items():
            by = part["by_size"]
            lines.append(f"| {name} | {level} | {part['cells']} | "
                         + " | ".join(f"{by[str(k)]['probability_of_detection']:.2f} [{_interval(by[str(k)]['pod_95'])}]" for k in SIZES)
                         + f" | {by[size]['false_alarms_per_100_same_cells']:.2f} [{_interval(by[size]['false_alarms_95'])}] |")
    return "\n".join(lines)


def summary_table(reports: list[dict], size: str = "3") -> str:
    """One line per baseline and method, for the README: detection at k = `size` over cells with
    history (level-weighted), at k = 3 and 5 in cells of ≥ 1 dispute a week and at k = 5 in cells
    of 0.25–1, false alarms in the same cells, the province's false flags a week, PPV and delay;
    and per baseline the screen's leading flags a week. Regenerated from docs/hazards-results.json
    (tools/hazards_eval.py)."""
    def pod(part: dict | None) -> str:
        return "—" if part is None else f"{part['probability_of_detection']:.2f} (n={part['outbreaks']})"

    lines = [f"| baseline | method | POD k={size} [95%] | POD k=3, ≥ 1 a week | POD k=5, ≥ 1 a week | POD k=5, 0.25–1 a week | "
             f"false alarms /100 same cells | false flags /week (province) | PPV during outbreaks | median delay (weeks) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for report in reports:
        for name, row in report["methods"].items():
            at = row["by_size"][size]
            lines.append(
                f"| {report['baseline']} | {name} | {at['probability_of_detection']:.2f} [{_interval(at['pod_95'])}] | "
                f"{pod(pooled(row, '3', BUSY))} | {pod(pooled(row, '5', BUSY))} | {pod(pooled(row, '5', ('0.25–1',)))} | "
                f"{at['false_alarms_per_100_same_cells']:.2f} | {row['province_false_flags_per_week']:.2f} | "
                f"{row['ppv_during_outbreaks']:.2f} | {_weeks(at['median_delay_weeks'])} |")
    lines += ["", "| baseline | leading flags a week on the baseline (screen) | observed/expected, cells ≥ 1 a week | targets met |",
              "|---|---:|---:|---:|"]
    for report in reports:
        met = [m for _, _, m in targets(report) if m is not None]
        calibrated = report["calibration"]["size_weighted"].get("≥ 1 a week in the window")
        lines.append(f"| {report['baseline']} | "
                     + (f"{report['screen']['leading_flags_per_week']:.2f}" if "screen" in report else "—") + " | "
                     + ("—" if calibrated is None else f"{calibrated['ratio']:.2f} [{_interval(calibrated['ratio_95'])}]")
                     + f" | {sum(met)} of {len(met)} |")
    return "\n".join(lines)
