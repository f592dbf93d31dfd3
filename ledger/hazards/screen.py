"""The weekly hazard screen: run the methods on the cells, merge what fired into one ranked list
of flags, each with its evidence and one sentence in Chinese (or English)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from scipy import special

from queries import ALL, read

from ledger import geo, reference
from ledger.store import Snapshot
from ledger.hazards import methods
from ledger.hazards.flags import UNKNOWN_INDUSTRY, Flag, industry_name, iso_week, screen_week
from ledger.hazards.series import Series, weekly_series


def unit_industry_cells() -> list[str]:
    """Every unit × industry section, and per unit one cell for disputes of unknown industry:
    a dispute without an industry is still counted, in a cell of its own."""
    return [f"{u.code}|{code}" for u in geo.units() for code in industry_codes()]


def industry_codes() -> list[str]:
    """The industry of a unit × industry cell: a GB/T 4754 section, or unknown."""
    return [*(s.code for s in reference.sections()), UNKNOWN_INDUSTRY]


def industry_groups(cells: list[str]) -> np.ndarray:
    """For each unit × industry cell, its industry's index: the seasonal model's festival effects
    are per industry (wage arrears before the festival are a manufacturing and building matter)."""
    codes = industry_codes()
    return np.array([codes.index(cell.split("|")[1]) for cell in cells])


def place_cells() -> list[str]:
    """Every county or town, and every unit: the county method counts a dispute known only to its
    city at the city (queries/hazard_weekly_counts.sql), so it is not left out."""
    return [c.code for c in geo.counties()] + [u.code for u in geo.units()]


def place_coordinates(cells: list[str]) -> np.ndarray:
    """Where each place cell is: a county's point, or a unit's seat."""
    counties, units = geo.county_by_code(), geo.unit_by_code()
    places = [counties.get(c) or units[c] for c in cells]
    return np.array([[p.lon, p.lat] for p in places])


def _festivals() -> list[date]:
    return sorted(reference.spring_festivals().values())


def _p_from_z(z: float) -> float:
    return float(-np.log10(max(special.ndtr(-z), 1e-300)))


def _category(flags_row: np.ndarray, counts_row: np.ndarray, t: int) -> str:
    if t >= 2 and counts_row[t] > counts_row[t - 1] > counts_row[t - 2]:
        return "rising"
    return "continuing" if t >= 1 and flags_row[t - 1] else "new"


def _cell_flags(series: Series, t: int, lang_names: dict) -> list[Flag]:
    """Flags for unit × industry cells in week t from the seasonal model (on size-weighted
    counts) and EARS (on counts)."""
    bins = methods.festival_bins(series.weeks, _festivals())
    results = {"seasonal": methods.seasonal(series.W, bins, first=t - 11, groups=industry_groups(series.cells)),
               "ears": methods.ears(series.Y)}
    flags = []
    for c, cell in enumerate(series.cells):
        fired = [name for name, r in results.items() if r.flag[c, t]]
        if not fired:
            continue
        unit_code, industry_code = cell.split("|")
        main = results["seasonal"] if "seasonal" in fired else results["ears"]
        score = main.score[c, t] if main is results["seasonal"] else _p_from_z(main.score[c, t])
        window = slice(max(0, t - 11), t + 1)
        evidence = _evidence(series, results, "seasonal" in fired, c, t)
        flags.append(Flag(
            unit=geo.unit_name(unit_code), unit_code=unit_code, county=None,
            industry=lang_names.get(industry_code), industry_code=industry_code, week=iso_week(series.weeks[t]),
            method="+".join(fired), **evidence,
            score=round(float(score), 2), category=_category(main.flag[c], series.Y[c], t),
            item_ids=_item_ids(series, cell, t, evidence["weeks"]),
            recent=[int(v) for v in series.Y[c, window]],
            recent_expected=[round(float(v), 2) for v in results["seasonal"].expected[c, window]]))
    return flags


def _evidence(series: Series, results: dict, seasonal: bool, c: int, t: int) -> dict:
    """What a cell flag counts: for the seasonal model, the disputes of the window that fired (the
    week, or the last two or four), their size-weighted count and what was expected; for EARS,
    the week against its recent mean."""
    if not seasonal:
        return {"observed": int(series.Y[c, t]), "expected": round(float(results["ears"].expected[c, t]), 2), "weeks": 1}
    result = results["seasonal"]
    weeks = int(result.window[c, t])
    return {"observed": int(series.Y[c, t - weeks + 1:t + 1].sum()), "weeks": weeks,
            "expected": round(float(result.window_expected[c, t]), 2),
            "weighted": round(float(series.W[c, t - weeks + 1:t + 1].sum()), 1)}


def _item_ids(series: Series, cell: str, t: int, weeks: int) -> list[str]:
    """The ledger items behind a flag's count: the cell's items of weeks t-weeks+1 … t."""
    return [i for w in series.weeks[max(0, t - weeks + 1):t + 1] for i in series.item_ids.get((cell, w), [])]


def _hot_spot_flags(series: Series, t: int) -> list[Flag]:
    counties = geo.county_by_code()
    result = methods.gi_star(series.Y, place_coordinates(series.cells), first=max(0, t - methods.TREND_WEEKS - 11), last=t)
    categories = methods.emerging_categories(result, t)
    flags = []
    for c in np.nonzero(result.flag[:, t])[0]:
        code = series.cells[c]
        county = counties.get(code)  # None: the city's own cell (disputes known only to the city)
        unit_code = county.unit_code if county else code
        window = slice(max(0, t - 11), t + 1)
        flags.append(Flag(
            unit=geo.unit_name(unit_code), unit_code=unit_code, county=county.name_zh if county else None, industry=None,
            industry_code=None, week=iso_week(series.weeks[t]), method="gi_star", weeks=methods.ROLLING,
            observed=int(series.Y[c, max(0, t - 3):t + 1].sum()), expected=round(float(result.expected[c, t]), 2),
            score=round(_p_from_z(result.score[c, t]), 2), category=categories[int(c)],
            item_ids=_item_ids(series, code, t, methods.ROLLING),
            recent=[int(v) for v in series.Y[c, window]],
            recent_expected=[round(float(v) / methods.ROLLING, 2) for v in result.expected[c, window]]))
    return flags


def _enterprise_flags(snapshot: Snapshot, monday: date, lang_names: dict) -> list[Flag]:
    until = datetime.combine(monday + timedelta(days=7), datetime.min.time())
    rows = read(snapshot, "hazard_enterprise_repeats", ALL, until=until, days=28).rows()
    rank = {g.grade: g.severity_rank for g in reference.grades()}
    flags = []
    for firm, enterprise, unit_code, county_code, industry, n, ids, first_p, latest_p, first_g, latest_g in rows:
        escalating = ((latest_p or 0) > (first_p or 0) * 1.5) or rank.get(latest_g, 99) < rank.get(first_g, 99)
        county = geo.county_by_code().get(county_code)
        flags.append(Flag(
            unit=geo.unit_name(unit_code), unit_code=unit_code, county=county.name_zh if county else None,
            industry=lang_names.get(industry), industry_code=industry, week=iso_week(monday),
            method="enterprise_repeat", observed=int(n), expected=1.0, score=round(float(n) + (2 if escalating else 0), 2),
            category="escalating" if escalating else "repeat", item_ids=list(ids), enterprise=enterprise))
    return flags


def screen(snapshot: Snapshot, as_of: date) -> list[Flag]:
    """Every flag for the last complete week on or before `as_of`, most unusual first, using only
    items captured by the end of that week."""
    monday = screen_week(as_of)
    names = {code: industry_name(code) for code in industry_codes()}
    cells = weekly_series(snapshot, "unit_industry", monday, cells=unit_industry_cells())
    counties = weekly_series(snapshot, "county", monday, cells=place_cells())
    t = cells.week_index(monday)
    flags = (_cell_flags(cells, t, names) if t >= 8 else []) + \
        (_hot_spot_flags(counties, counties.week_index(monday)) if t >= 8 else []) + \
        _enterprise_flags(snapshot, monday, names)
    return sorted(flags, key=lambda f: (-f.score, f.unit_code, f.industry_code or "", f.county or ""))
