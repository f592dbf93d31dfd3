"""A seeded, realistic synthetic ledger (演示台账), so that Sentinel can be shown, tested and
benchmarked without real monitoring data, which names people and may not leave the union.

An analyst should find it believable, and the charts, hazard detectors and tests should find in
it what they would find in the real ledger: Shenzhen, Dongguan and Guangzhou busiest; a surge of
wage-arrears disputes on building sites and in factories in the eight weeks before the Spring
Festival and a lull after it; relocations and closures in manufacturing; Hong Kong, Macau and
Taiwan owned factories in Dongguan and Shenzhen; crowds whose size is heavy-tailed and reported
as "约200人" or "数百人"; a few enterprises with dispute after dispute; most items verified on
time, some late, what was left open caught by the next monthly reconciliation, and the newest
still open. The rates behind these patterns are in `demo.shares`, the words in `demo.words`.

How it scales: rows are made in blocks of BLOCK_ROWS, each from its own random stream derived
from (seed, block number) and each spread over the whole period. Numbers are drawn with numpy
and texts assembled column-wise with Arrow compute from small phrase pools, so no Python code
runs per row. Because every block has the same size, the output depends only on (n_items, seed,
years, end), never on chunk_rows, and the first n items of a larger demo are the smaller demo:
a later demo batch extends an earlier one instead of contradicting it.

`demo.events` turns the demo's serious disputes into staged event reports.
"""
from __future__ import annotations

import math
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ledger import geo, reference
from ledger.i18n import t
from ledger.schema import (
    ACTION_FORM,
    DEMAND,
    ITEMS_SCHEMA,
    OWNERSHIP,
    GUANGDONG_LAT,
    GUANGDONG_LON,
    SOURCE,
    STATUS,
    VERIFICATION_RESULT,
)
from ledger.ingest.places import NO_PLACE_ZH
from ledger.store import now_shanghai

from ledger.demo.shares import (
    ABOUT,
    ACTION_AFFINITY,
    APPROXIMATE,
    ASSIGN_MINUTES,
    CITY_ONLY,
    CLOSE_DAYS,
    CLOSE_MEDIAN_DAYS,
    CLOSE_SIGMA,
    COLLECTIVE,
    COMPLAINT,
    COMPLAINT_ACTION,
    COMPLAINT_KNOWN,
    CONSTRUCTION,
    CROWD_FORMS,
    CROWD_MAX,
    CROWD_MEDIAN,
    CROWD_SIGMA,
    CROWD_TEXTS,
    DEMAND_AFFINITY,
    DEMAND_PAIRS,
    DIVISION_WEIGHTS,
    DUE_HOURS,
    EMPLOYERS,
    EXTRA_DEMANDS,
    FESTIVAL_LULL,
    GROWTH,
    HMT_FACTORY_UNITS,
    HOUR_WEIGHTS,
    KINDS,
    KIND_SHARES,
    LATE,
    LATE_MAX_HOURS,
    LATE_MEDIAN_HOURS,
    LATE_SIGMA,
    LULL_AFTER,
    LULL_BEFORE,
    MANUFACTURING,
    MANUFACTURING_TILT,
    MESSAGE_PROACTIVE,
    MESSAGE_SOURCES,
    NEVER_CLOSED,
    NEWS,
    OCCURRED_LAG,
    OCCURRED_UNKNOWN,
    OFFENDER_EVERY,
    OTHER_DIVISION,
    OTHER_DUE_HOURS,
    OVER,
    OWNERSHIP_SHARES,
    PENDING,
    PLACE_UNKNOWN,
    PLACE_WEIGHTS,
    PLAIN,
    PLATFORMS,
    PRIMARY_ACTION,
    PRIMARY_DEMAND,
    PROACTIVE_TITLE,
    PUBLIC_SECTIONS,
    RANGE,
    RECENT_DAYS,
    RECENT_OPEN,
    RECONCILED_DAYS,
    REPEAT_SHARE,
    RESULT_SHARES,
    SECOND_ACTION,
    SECTION_SHARES,
    SECTORS,
    SERVICE,
    SOURCE_SHARES,
    STILL_OPEN,
    SURGE_DAYS,
    SURGE_FACTORS,
    TIME_UNKNOWN,
    TIME_UNKNOWN_BEFORE_DAYS,
    UNION_RATE,
    UNION_UNKNOWN,
    UNIT_SHARES,
    UNKNOWN,
    URL,
    VAGUE,
    VAGUE_WORDS,
    WEEKDAY_WEIGHTS,
)
from ledger.demo.words import (
    ACTION_SENTENCES,
    ACTION_WORDS,
    ACTIVITIES,
    BRANDS,
    CAUSES,
    COMPLAINTS,
    COMPLAINT_REPLIES,
    COUNTY_IN_TITLE,
    CROWD_WORDS,
    DEMAND_NOUNS,
    DEMAND_VERBS,
    DETAILS,
    DETAIL_SHOWN,
    DETERMINERS,
    ENDING_SHOWN,
    ENTERPRISE_NAMES,
    NEWS_ENDINGS,
    NOTES,
    OTHER_TRADES,
    OTHER_WORKERS,
    OTHER_WORKPLACES,
    POLICIES,
    POLICY_ENDINGS,
    PROJECTS,
    REPLY_SHOWN,
    RESPONSES,
    RESPONSE_SHOWN,
    SECTION_TRADES,
    SECTION_WORKERS,
    SECTION_WORKPLACES,
    SUFFIXES,
    SUMMARIES,
    TITLES,
    TITLE_CROWD_SHOWN,
    TRADES,
    UNION_NAMES,
    VERIFIERS,
    WORKERS,
    WORKPLACES,
)

BLOCK_ROWS = 16_384  # large enough for numpy to pay off, small enough that a tiny demo is instant
DAY_US = 86_400_000_000


def generate(n_items: int = 9000, seed: int = 42, years: int = 3, end: date | None = None,
             chunk_rows: int = 200_000) -> Iterator[pa.Table]:
    """Yield chunks (each ≤ chunk_rows rows, each conforming exactly to schema.ITEMS_SCHEMA, column
    order too) of a seeded, reproducible synthetic ledger covering `years` years ending on `end`
    (default: today in Asia/Shanghai).

    Item ids are "D" and the item's running number ("D00000001"), the same for every seed, so a
    larger demo's batch replaces a smaller one's items instead of adding to them.
    """
    if n_items < 0 or years < 1 or chunk_rows < 1:
        raise ValueError("n_items must be at least 0, years and chunk_rows at least 1")
    world = _world()
    now = now_shanghai()
    calendar = _calendar(end or now.date(), years, world.festivals, now)
    blocks = (_block(world, calendar, seed, number).slice(0, n_items - number * BLOCK_ROWS)
              for number in range(math.ceil(n_items / BLOCK_ROWS)))
    return _rechunk(blocks, chunk_rows)


def _rechunk(tables: Iterable[pa.Table], rows: int) -> Iterator[pa.Table]:
    """The same rows, cut into tables of `rows` rows (the last may be shorter)."""
    pending: list[pa.Table] = []
    pending_rows = 0
    for table in tables:
        pending.append(table)
        pending_rows += table.num_rows
        while pending_rows >= rows:
            merged = pa.concat_tables(pending)
            yield merged.slice(0, rows)
            pending, pending_rows = [merged.slice(rows)], pending_rows - rows
    if pending_rows:
        yield pa.concat_tables(pending)


# ---- small tools ------------------------------------------------------------------------------

def _normalised(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _per_code(codes: Sequence[str], values: dict[str, float]) -> np.ndarray:
    """Values keyed by code, in the order of `codes` (0 for a code not named). Naming a code that
    is not among `codes` is an error, so that the demo can never invent an enum code."""
    unknown = set(values) - set(codes)
    if unknown:
        raise ValueError(f"unknown codes {sorted(unknown)}; known: {list(codes)}")
    return np.array([values.get(code, 0.0) for code in codes], dtype=float)


def _aligned(codes: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    """Weights keyed by code as a probability vector in the order of `codes`."""
    return _normalised(_per_code(codes, weights))


def _draw_given(rng: np.random.Generator, probs: np.ndarray, given: np.ndarray) -> np.ndarray:
    """One category per row, drawn from the row of `probs` that `given` picks (a conditional)."""
    drawn = np.zeros(len(given), dtype=np.int64)
    for group in np.unique(given):
        rows = np.flatnonzero(given == group)
        drawn[rows] = rng.choice(probs.shape[1], size=len(rows), p=probs[group])
    return drawn


def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """values[index] per row, null where the index is -1."""
    return values.take(pa.array(index, mask=index < 0))


def _null_unless(keep: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def _as_text(numbers: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(numbers), pa.string())


class _Pools:
    """Phrase pools keyed by a category: per row, a phrase picked at random from its key's pool."""

    def __init__(self, pools: Sequence[Sequence[str]]):
        self._sizes = np.array([len(p) for p in pools])
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)[:-1]])
        self._phrases = pa.array([phrase for pool in pools for phrase in pool], pa.string())

    @classmethod
    def keyed(cls, codes: Sequence[str], pools: dict[str, Sequence[str]]) -> _Pools:
        """One pool per enum code, keyed by the code's position."""
        _per_code(codes, dict.fromkeys(pools, 1))
        return cls([pools[code] for code in codes])

    @classmethod
    def keyed_by_sector(cls, codes: Sequence[str], pools: dict[str, Sequence[Sequence[str]]]) -> _Pools:
        """One pool per (enum code, sector), keyed by code position * len(SECTORS) + sector."""
        _per_code(codes, dict.fromkeys(pools, 1))
        return cls([pool for code in codes for pool in pools[code]])

    def pick(self, rng: np.random.Generator, keys: np.ndarray) -> pa.Array:
        keys = np.maximum(keys, 0)  # a row without a key gets a phrase its template never uses
        index = self._starts[keys] + (rng.random(len(keys)) * self._sizes[keys]).astype(np.int64)
        return self._phrases.take(index)


def _any_of(rng: np.random.Generator, phrases: Sequence[str], n: int) -> pa.Array:
    return _Pools([phrases]).pick(rng, np.zeros(n, dtype=np.int64))


def _render(templates: Sequence[str], choice: np.ndarray, parts: dict[str, pa.Array]) -> pa.Array:
    """Row i filled in from templates[choice[i]] ("{place}一{workplace}…") with row i of each part;
    a null part reads as empty."""
    texts, rows_in_order = [], []
    for number, template in enumerate(templates):
        rows = np.flatnonzero(choice == number)
        if len(rows) == 0:
            continue
        taken = None if len(rows) == len(choice) else pa.array(rows)
        pieces: list = []
        for literal, field, _, _ in string.Formatter().parse(template):
            if literal:
                pieces.append(pa.scalar(literal))
            if field:
                pieces.append(parts[field] if taken is None else parts[field].take(taken))
        texts.append(pc.binary_join_element_wise(*pieces, "", null_handling="replace", null_replacement=""))
        rows_in_order.append(rows)
    if len(texts) == 1:
        return texts[0]
    return pa.concat_arrays(texts).take(np.argsort(np.concatenate(rows_in_order), kind="stable"))


def _fill(template: str, parts: dict[str, pa.Array]) -> pa.Array:
    """Every row from the one template."""
    return _render([template], np.zeros(len(next(iter(parts.values()))), dtype=np.int64), parts)


def _templates(table: dict[int, list] | Sequence[list]) -> tuple[list[str], np.ndarray]:
    """All (weight, template) options of a table keyed 0, 1, … (by kind or by sector) in one list,
    and per key the chance of each template, zero for other keys': for _draw_given, then _render."""
    options_by_key = [table[key] for key in range(len(table))]
    templates = [template for options in options_by_key for _, template in options]
    probs = np.zeros((len(options_by_key), len(templates)))
    start = 0
    for key, options in enumerate(options_by_key):
        probs[key, start:start + len(options)] = _normalised([weight for weight, _ in options])
        start += len(options)
    return templates, probs


def _us(seconds) -> np.ndarray:
    """Whole seconds (as the platforms record times) in microseconds, the ledger's unit."""
    return np.rint(seconds).astype(np.int64) * 1_000_000


def _timestamps(us: np.ndarray, known: np.ndarray | None = None) -> pa.Array:
    return pa.array(us, pa.timestamp("us"), mask=None if known is None else ~known)


# ---- reference data, as arrays ----------------------------------------------------------------

@dataclass(frozen=True)
class _World:
    """The reference data the demo draws from, indexed by position, and the pools built on it."""

    unit_codes: pa.Array
    unit_p: np.ndarray  # share of items per unit
    city_names: pa.Array  # for enterprise and union names: 东莞市, 佛山市顺德区
    city_short: pa.Array  # for titles: 东莞, 顺德
    unit_lonlat: np.ndarray
    has_counties: np.ndarray  # per unit: the gazetteer lists its counties (else items are placed at city level)
    hmt_factory_units: np.ndarray  # positions of HMT_FACTORY_UNITS
    county_codes: pa.Array
    county_names: pa.Array
    county_short: pa.Array
    county_lonlat: np.ndarray
    county_p: np.ndarray  # (unit, county)
    sections: tuple[str, ...]
    section_p: np.ndarray  # (unit, section)
    divisions: pa.Array
    division_p: np.ndarray  # (section, division)
    trades: _Pools  # by division
    workplaces: _Pools
    workers: _Pools
    grade_codes: pa.Array  # most serious first
    grade_minimums: np.ndarray
    grade_due_hours: np.ndarray
    festivals: tuple[date, ...]

    def section(self, code: str) -> int:
        return self.sections.index(code)

    def sector(self, section: np.ndarray) -> np.ndarray:
        return np.select([section == self.section("C"), section == self.section("E")],
                         [MANUFACTURING, CONSTRUCTION], SERVICE)


def _world() -> _World:
    units, counties = geo.units(), geo.counties()
    unit_codes = [u.code for u in units]
    county_p = np.array([[PLACE_WEIGHTS.get(u.code, {}).get(c.short_zh, 1.0) if c.unit_code == u.code else 0.0
                          for c in counties] for u in units])
    has_counties = county_p.sum(axis=1) > 0
    county_p[~has_counties] = 1.0  # never drawn from (_firms places their items at city level)
    sections = tuple(s.code for s in reference.sections())
    tilt = np.array([[MANUFACTURING_TILT.get(u.code, 1.0) if s == "C" else 1.0 for s in sections] for u in units])
    section_p = _aligned(sections, SECTION_SHARES) * tilt
    divisions = [i for i in reference.industries() if i.level == "division"]
    division_p = np.array([[DIVISION_WEIGHTS.get(s, {}).get(d.code, OTHER_DIVISION) if d.section == s else 0.0
                            for d in divisions] for s in sections])
    division_p[division_p.sum(axis=1) == 0] = 1.0  # a section without divisions is never drawn
    grades = reference.grades()

    def by_division(pools: dict[str, list[str]], by_section: dict[str, list[str]], other: list[str]) -> _Pools:
        return _Pools([pools.get(d.code) or by_section.get(d.section) or other for d in divisions])

    return _World(
        unit_codes=pa.array(unit_codes),
        unit_p=_aligned(unit_codes, UNIT_SHARES),
        city_names=pa.array([_city_name(u, units) for u in units]),
        city_short=pa.array([u.short_zh for u in units]),
        unit_lonlat=np.array([(u.lon, u.lat) for u in units]),
        hmt_factory_units=np.array([unit_codes.index(code) for code in HMT_FACTORY_UNITS]),
        county_codes=pa.array([c.code for c in counties]),
        county_names=pa.array([c.name_zh for c in counties]),
        county_short=pa.array([c.short_zh for c in counties]),
        county_lonlat=np.array([(c.lon, c.lat) for c in counties]),
        has_counties=has_counties,
        county_p=county_p / county_p.sum(axis=1, keepdims=True),
        sections=sections,
        section_p=section_p / section_p.sum(axis=1, keepdims=True),
        divisions=pa.array([d.code for d in divisions]),
        division_p=division_p / division_p.sum(axis=1, keepdims=True),
        trades=by_division(TRADES, SECTION_TRADES, OTHER_TRADES),
        workplaces=by_division(WORKPLACES, SECTION_WORKPLACES, OTHER_WORKPLACES),
        workers=by_division(WORKERS, SECTION_WORKERS, OTHER_WORKERS),
        grade_codes=pa.array([g.grade for g in grades]),
        grade_minimums=np.array([g.min_participants for g in grades]),
        grade_due_hours=np.array([DUE_HOURS.get(g.grade, OTHER_DUE_HOURS) for g in grades]),
        festivals=tuple(sorted(reference.spring_festivals().values())),
    )


def _city_name(unit: geo.Place, units: Sequence[geo.Place]) -> str:
    """The name an enterprise registers under: a district that reports on its own (Shunde) is
    named inside its city, "佛山市顺德区"."""
    city = next((u for u in units if u.code == unit.code[:4] + "00"), unit)
    return unit.name_zh if city is unit or unit.name_zh.startswith(city.name_zh) else city.name_zh + unit.name_zh


# ---- the calendar -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Calendar:
    first_day: int  # days since 1970-01-01
    limit: int  # microseconds since 1970 at the end of the last day, or now: nothing is later
    ordinary_p: np.ndarray  # per day: chance that an item falls on it
    wage_p: np.ndarray  # the same for wage-arrears disputes in construction and manufacturing


def _calendar(end: date, years: int, festivals: Sequence[date], now: datetime) -> _Calendar:
    try:
        first = end.replace(year=end.year - years) + timedelta(days=1)
    except ValueError:  # 29 February
        first = date(end.year - years, 3, 1)
    days = np.arange((end - first).days + 1)
    growth = 1 + GROWTH * days / max(len(days) - 1, 1)
    weekday = WEEKDAY_WEIGHTS[(first.weekday() + days) % 7]
    before, after = _days_from_festivals(first.toordinal() + days, festivals)
    lull = np.where((before <= LULL_BEFORE) | (after <= LULL_AFTER), FESTIVAL_LULL, 1.0)
    surge = np.where((before > LULL_BEFORE) & (before <= SURGE_DAYS[-1]),
                     np.interp(before, SURGE_DAYS, SURGE_FACTORS), 1.0)
    ordinary = growth * weekday * lull
    epoch = datetime(1970, 1, 1)
    return _Calendar(first_day=(first - epoch.date()).days,
                     limit=(min(datetime.combine(end, time.max), now) - epoch) // timedelta(microseconds=1),
                     ordinary_p=_normalised(ordinary), wage_p=_normalised(ordinary * surge))


def _days_from_festivals(ordinals: np.ndarray, festivals: Sequence[date]) -> tuple[np.ndarray, np.ndarray]:
    """Per day: days until the next Spring Festival and since the last one (a large number where
    the reference table has none)."""
    known = np.array([f.toordinal() for f in festivals] or [0])
    far = 10 ** 6
    following = np.searchsorted(known, ordinals, side="left")
    before = np.where(following < len(known), known[np.minimum(following, len(known) - 1)] - ordinals, far)
    preceding = np.searchsorted(known, ordinals, side="right") - 1
    after = np.where(preceding >= 0, ordinals - known[np.maximum(preceding, 0)], far)
    return before, after


# ---- one block of items -----------------------------------------------------------------------

def _block(world: _World, calendar: _Calendar, seed: int, number: int) -> pa.Table:
    rng = np.random.default_rng(np.random.SeedSequence(seed % 2 ** 64, spawn_key=(number,)))
    kind = rng.choice(len(KINDS), size=BLOCK_ROWS, p=KIND_SHARES)
    firms = _firms(rng, world, kind)
    claims = _claims(rng, world, kind, firms.section)
    captured, occurred = _times(rng, calendar, kind, world.sector(firms.section), claims.demand)
    crowd = _crowd(rng, world, kind)
    source, proactive, url = _sources(rng, kind)
    title, summary = _texts(rng, world, kind, firms, claims, crowd, captured, occurred, source)
    numbers = _as_text(number * BLOCK_ROWS + 1 + np.arange(BLOCK_ROWS))
    columns = {
        "item_id": pc.binary_join_element_wise("D", pc.utf8_lpad(numbers, 8, "0"), ""),
        "source": pa.array(SOURCE.codes).take(source),
        "url": url,
        "title": title,
        "summary": summary,
        "captured_at": _timestamps(captured),
        "occurred_on": pa.array(occurred, pa.date32(), mask=occurred < 0),
        **firms.columns(world),
        **_location(rng, world, firms.unit, firms.county),
        "participants_low": crowd.low,
        "participants_high": crowd.high,
        "participants_text": crowd.text,
        "demands": claims.demands,
        "action_forms": claims.action_forms,
        "grade": _take(world.grade_codes, crowd.grade),
        "is_collective": pa.array(kind == COLLECTIVE),
        "proactive": pa.array(proactive),
        **_workflow(rng, world, calendar, kind, firms.unit, firms.county, crowd.grade, captured),
        "place_reason": pa.nulls(BLOCK_ROWS, pa.string()),
        "warnings": pa.nulls(BLOCK_ROWS, pa.list_(pa.string())),
    }
    # Drawn from a child stream of their own, so that every other column stays as it was.
    details = rng.spawn(1)[0]
    columns = _without_place(details, world, columns, (kind == COMPLAINT) & (source != SOURCE.codes.index("proactive"))
                             & (details.random(BLOCK_ROWS) < PLACE_UNKNOWN))
    columns = _without_time(details, calendar, columns, captured)
    columns.update(_grade_reviews(columns["grade"], columns["captured_at"], calendar))
    columns["updated_at"] = pc.max_element_wise(*(columns[name] for name in ("captured_at", "assigned_at", "verified_at",
                                                                         "closed_at")), skip_nulls=True)
    return pa.Table.from_arrays([columns[name] for name in ITEMS_SCHEMA.names], schema=ITEMS_SCHEMA)



def _grade_reviews(grades: pa.Array, captured: pa.Array, calendar: _Calendar) -> dict[str, pa.Array]:
    """Grade I and II disputes older than two days were confirmed by the province the day after
    capture; newer ones still wait (ledger/workflow/grade_review.py)."""
    grade = np.array(grades.to_pylist(), dtype=object)
    moment = pc.cast(captured, pa.int64()).to_numpy(zero_copy_only=False)
    serious = np.isin(grade, ["I", "II"])
    recent = moment > calendar.limit - 2 * 86_400_000_000
    review = np.where(serious, np.where(recent, "pending", "confirmed"), None)
    confirmed = serious & ~recent
    at = pa.array(np.where(confirmed, moment + 86_400_000_000, 0), pa.int64()).cast(pa.timestamp("us"))
    return {"grade_review": pa.array(review, pa.string()), "grade_review_note": pa.nulls(len(grade), pa.string()),
            "grade_reviewed_by": pa.array(np.where(confirmed, "省总工会应急处置分队", None), pa.string()),
            "grade_reviewed_at": pc.if_else(pa.array(confirmed), at, pa.scalar(None, pa.timestamp("us")))}


def _without_place(rng: np.random.Generator, world: _World, columns: dict[str, pa.Array],
                   chosen: np.ndarray) -> dict[str, pa.Array]:
    """The `chosen` items as 属地待定: the place's names taken out of their texts, no unit, county or
    point, and therefore not assigned, not due and not verified (the province assigns them)."""
    rows = np.flatnonzero(chosen)
    names = sorted({*world.city_names.to_pylist(), *world.city_short.to_pylist(), *world.county_names.to_pylist(),
                    *world.county_short.to_pylist()}, key=len, reverse=True)

    def placeless(text: str | None) -> str | None:
        for name in names:
            text = text.replace(name, "") if text else text
        return text

    out = dict(columns)
    for name in ("title", "summary", "enterprise"):
        values = columns[name].to_pylist()
        for row in rows:
            values[row] = placeless(values[row])
        out[name] = pa.array(values, pa.string())
    keep = pa.array(~chosen)
    for name in ("unit_code", "county_code", "lon", "lat", "assigned_unit", "assigned_at", "verify_due_at",
                 "verified_at", "verified_by", "verification_result", "verification_notes", "closed_at"):
        out[name] = _null_unless(~chosen, columns[name])
    out["status"] = pc.if_else(keep, columns["status"], "pending")
    out["place_precision"] = pc.if_else(keep, columns["place_precision"], "unknown")
    out["place_reason"] = pc.if_else(keep, columns["place_reason"], NO_PLACE_ZH)  # as ingest says it
    out["warnings"] = pa.array([[t("msg.places.pending", reason=NO_PLACE_ZH)] if c else None for c in chosen],
                               pa.list_(pa.string()))
    return out


def _without_time(rng: np.random.Generator, calendar: _Calendar, columns: dict[str, pa.Array],
                  captured: np.ndarray) -> dict[str, pa.Array]:
    """A few old verifications keep their result but not their time (核实时间不详)."""
    old = captured < calendar.limit - _us(86_400 * TIME_UNKNOWN_BEFORE_DAYS)
    chosen = old & columns["verified_at"].is_valid().to_numpy(zero_copy_only=False) \
        & (rng.random(len(captured)) < TIME_UNKNOWN)
    return {**columns, "verified_at": _null_unless(~chosen, columns["verified_at"])}


@dataclass(frozen=True)
class _Firms:
    """Where each item happened and, for disputes and complaints, the enterprise involved."""

    unit: np.ndarray  # position in world units
    county: np.ndarray  # position in world counties; -1 where only the city is known
    section: np.ndarray  # position in world sections; -1 for news and policy
    division: np.ndarray
    ownership: np.ndarray  # position in OWNERSHIP codes; -1 unknown
    union: np.ndarray  # 1 has a union, 0 has none, -1 unknown
    enterprise: pa.Array

    def columns(self, world: _World) -> dict[str, pa.Array]:
        return {
            "unit_code": world.unit_codes.take(self.unit),
            "county_code": _take(world.county_codes, self.county),
            "enterprise": self.enterprise,
            "ownership": _take(pa.array(OWNERSHIP.codes), self.ownership),
            "industry": _take(pa.array(world.sections), self.section),
            "sub_industry": _take(world.divisions, self.division),
            "union_present": pa.array(self.union == 1, mask=self.union < 0),
        }


def _firms(rng: np.random.Generator, world: _World, kind: np.ndarray) -> _Firms:
    n = len(kind)
    unit = rng.choice(len(world.unit_p), size=n, p=world.unit_p)
    city_only = (rng.random(n) < CITY_ONLY[kind]) | ~world.has_counties[unit]
    county = np.where(city_only, -1, _draw_given(rng, world.county_p, unit))
    section = _draw_given(rng, world.section_p, unit)
    division = _draw_given(rng, world.division_p, section)
    owner_p = np.array([_aligned(OWNERSHIP.codes, OWNERSHIP_SHARES[employer]) for employer in EMPLOYERS])
    ownership = _draw_given(rng, owner_p, _employer_kind(world, unit, section))
    union_rate = _per_code(OWNERSHIP.codes, UNION_RATE)[ownership]
    union = np.where(rng.random(n) < UNION_UNKNOWN, -1, rng.random(n) < union_rate)
    enterprise = _enterprise_names(rng, world, unit, county, section, division)

    same = _repeat_offenders(rng, kind)
    unit, county, section, division, ownership, union = (
        a[same] for a in (unit, county, section, division, ownership, union))
    enterprise = enterprise.take(same)

    # News and policy items name no enterprise; a complaint often leaves out what a report says.
    no_firm = kind >= NEWS

    def unknown(what: str) -> np.ndarray:
        return no_firm | ((kind == COMPLAINT) & (rng.random(n) >= COMPLAINT_KNOWN[what]))

    return _Firms(unit=unit, county=county,
                  section=np.where(no_firm, -1, section), division=np.where(no_firm, -1, division),
                  ownership=np.where(unknown("ownership"), -1, ownership),
                  union=np.where(unknown("union"), -1, union),
                  enterprise=_null_unless(~unknown("enterprise"), enterprise))


def _employer_kind(world: _World, unit: np.ndarray, section: np.ndarray) -> np.ndarray:
    """Row -> position in EMPLOYERS."""
    factory = section == world.section("C")
    public = np.isin(section, [world.section(s) for s in PUBLIC_SECTIONS])
    return np.select([factory & np.isin(unit, world.hmt_factory_units), factory, section == world.section("E"), public],
                     [EMPLOYERS.index(e) for e in ("factory_sz_dg", "factory", "construction", "public_service")],
                     EMPLOYERS.index("service"))


def _repeat_offenders(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Row -> the row whose enterprise (and place, industry, ownership) it is: a few enterprises
    have several disputes, usually months apart since each dispute's date is drawn on its own."""
    same = np.arange(len(kind))
    disputes = np.flatnonzero(kind == COLLECTIVE)
    offenders = disputes[:max(1, len(disputes) // OFFENDER_EVERY)]  # rows are in random order
    others = disputes[len(offenders):]
    repeats = others[rng.random(len(others)) < REPEAT_SHARE]
    same[repeats] = rng.choice(offenders, size=len(repeats))
    return same


def _enterprise_names(rng: np.random.Generator, world: _World, unit: np.ndarray, county: np.ndarray,
                      section: np.ndarray, division: np.ndarray) -> pa.Array:
    """"东莞市长安镇宏达五金制品有限公司", "深圳市宝安区金利源电子厂", "广州某物流公司",
    "广东恒信建设集团龙岗某安置房项目部"."""
    n = len(unit)
    sector = world.sector(section)
    templates, probs = _templates(ENTERPRISE_NAMES)
    parts = {
        "city": world.city_names.take(unit),
        "city_short": world.city_short.take(unit),
        "county": _take(world.county_names, county),
        "county_short": _take(world.county_short, county),
        "brand": _any_of(rng, BRANDS, n),
        "trade": world.trades.pick(rng, division),
        "workplace": world.workplaces.pick(rng, division),
        "suffix": _Pools(SUFFIXES).pick(rng, sector),
        "project": _any_of(rng, PROJECTS, n),
    }
    return _render(templates, _draw_given(rng, probs, sector), parts)


def _location(rng: np.random.Generator, world: _World, unit: np.ndarray, county: np.ndarray) -> dict[str, pa.Array]:
    """The county's centroid moved 0.3–3 km; or, flagged as approximate, a centroid exactly: the
    city's where only the city is known, else the city's or the county's for a few items."""
    n = len(unit)
    at_city = (county < 0) | (rng.random(n) < APPROXIMATE / 2)
    approx = at_city | (rng.random(n) < APPROXIMATE / 2)
    lonlat = np.where(at_city[:, None], world.unit_lonlat[unit], world.county_lonlat[np.maximum(county, 0)])
    km = np.where(approx, 0.0, rng.uniform(0.3, 3.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    lat = lonlat[:, 1] + km * np.sin(angle) / 111.0
    lon = lonlat[:, 0] + km * np.cos(angle) / (111.0 * np.cos(np.radians(lat)))
    precision = np.where(at_city, "city", np.where(approx, "county", "point"))
    return {"lon": pa.array(np.round(np.clip(lon, *GUANGDONG_LON), 6)),
            "lat": pa.array(np.round(np.clip(lat, *GUANGDONG_LAT), 6)),
            "place_precision": pa.array(precision)}


@dataclass(frozen=True)
class _Claims:
    demand: np.ndarray  # the main demand (position in DEMAND codes); -1 none
    action: np.ndarray  # the main form of action (position in ACTION_FORM codes); -1 none
    demands: pa.Array
    action_forms: pa.Array


def _claims(rng: np.random.Generator, world: _World, kind: np.ndarray, section: np.ndarray) -> _Claims:
    n = len(kind)
    sector = world.sector(section)
    demand_p = np.array([_aligned(DEMAND.codes, PRIMARY_DEMAND[s]) for s in (*SECTORS, "complaint")])
    demand = _draw_given(rng, demand_p, np.where(kind == COMPLAINT, len(SECTORS), sector))
    demand[kind >= NEWS] = -1
    extra_demands = np.where(kind == COLLECTIVE, rng.choice(len(EXTRA_DEMANDS), size=n, p=EXTRA_DEMANDS), 0)

    action = _draw_given(rng, np.array([_aligned(ACTION_FORM.codes, PRIMARY_ACTION[s]) for s in SECTORS]), sector)
    complaint_p = _per_code(ACTION_FORM.codes, COMPLAINT_ACTION)
    complaint_action = rng.choice(len(complaint_p) + 1, size=n, p=[*complaint_p, 1 - complaint_p.sum()])
    complaint_action[complaint_action == len(complaint_p)] = -1
    action = np.where(kind == COMPLAINT, complaint_action, action)
    action[kind >= NEWS] = -1
    extra_actions = ((kind == COLLECTIVE) & (rng.random(n) < SECOND_ACTION)).astype(np.int64)

    return _Claims(
        demand, action,
        _code_lists(rng, DEMAND.codes, demand, extra_demands, _affinity(DEMAND.codes, DEMAND_AFFINITY, DEMAND_PAIRS)),
        _code_lists(rng, ACTION_FORM.codes, action, extra_actions, _affinity(ACTION_FORM.codes, ACTION_AFFINITY, {})),
    )


def _affinity(codes: Sequence[str], weights: dict[str, float], pairs: dict[tuple[str, str], float]) -> np.ndarray:
    """(first code, other code) -> how likely the other comes along with the first."""
    base = _aligned(codes, weights)
    return np.array([[base[j] * pairs.get((first, other), 1.0) for j, other in enumerate(codes)] for first in codes])


def _code_lists(rng: np.random.Generator, codes: Sequence[str], first: np.ndarray, extra: np.ndarray,
                affinity: np.ndarray) -> pa.Array:
    """Per row, `first` and then `extra` (0–2) more distinct codes drawn by their affinity with
    it; null where first is -1. (Without repeats: Gumbel noise on the log weights, best first.)"""
    chosen = np.column_stack([np.maximum(first, 0), np.zeros((len(first), 2), dtype=np.int64)])
    more = np.flatnonzero(extra > 0)
    keys = np.log(affinity[chosen[more, 0]]) + rng.gumbel(size=(len(more), len(codes)))
    for column in (1, 2):
        keys[np.arange(len(more)), chosen[more, column - 1]] = -np.inf
        chosen[more, column] = keys.argmax(axis=1)
    lengths = np.where(first < 0, 0, 1 + extra)
    values = pa.array(codes).take(chosen[np.arange(3) < lengths[:, None]])
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]), pa.int32())
    return pa.ListArray.from_arrays(offsets, values, mask=pa.array(first < 0))


def _times(rng: np.random.Generator, calendar: _Calendar, kind: np.ndarray, sector: np.ndarray,
           demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Capture times (microseconds since 1970) and the days the disputes happened (days since
    1970; -1 unknown)."""
    n = len(kind)
    seasonal = (kind == COLLECTIVE) & (sector != SERVICE) & (demand == DEMAND.codes.index("wage_arrears"))
    days = len(calendar.ordinary_p)
    day = calendar.first_day + np.where(seasonal, rng.choice(days, size=n, p=calendar.wage_p),
                                        rng.choice(days, size=n, p=calendar.ordinary_p))
    hour = rng.choice(24, size=n, p=_normalised(HOUR_WEIGHTS))
    time_of_day = _us(hour * 3600 + rng.integers(0, 3600, n))
    # When the demo ends today, an item drawn for an hour still to come happened at that hour
    # yesterday: today fills up hour by hour as a real day does (just after midnight it is nearly
    # empty), and the number of items stays what was asked.
    day = np.where(day * DAY_US + time_of_day > calendar.limit, day - 1, day)
    captured = day * DAY_US + time_of_day
    lag = rng.choice(len(OCCURRED_LAG), size=n, p=OCCURRED_LAG)
    occurred = np.where(rng.random(n) < OCCURRED_UNKNOWN[kind], -1, day - lag)
    return captured, occurred.astype(np.int32)


@dataclass(frozen=True)
class _Crowd:
    size: np.ndarray  # the best estimate of the crowd; 0 unknown
    low: pa.Array
    high: pa.Array
    text: pa.Array  # as reported: "约200人", "85"
    people: pa.Array  # as a summary says it: "约200人", "85人"
    grade: np.ndarray  # position in world grades; -1 none


def _crowd(rng: np.random.Generator, world: _World, kind: np.ndarray) -> _Crowd:
    """How many took part, as reported, with the low and high it implies and the grade of the low."""
    n = len(kind)
    dispute = np.clip(np.rint(np.exp(rng.normal(np.log(CROWD_MEDIAN), CROWD_SIGMA, n))), 3, CROWD_MAX)
    size = np.where(kind == COLLECTIVE, dispute, 1 + rng.poisson(0.4, n)).astype(np.int64)
    form = _draw_given(rng, CROWD_FORMS / CROWD_FORMS.sum(axis=1, keepdims=True), kind)
    form[(size < 10) & (form != UNKNOWN)] = PLAIN  # nobody writes "约5人"

    step = np.select([size < 100, size < 1000], [10, 50], 100)
    about = np.maximum(step, np.rint(size / step).astype(np.int64) * step)
    over_step = np.select([size < 100, size < 1000], [10, 100], 1000)
    over = size // over_step * over_step
    range_low = np.maximum(step, (0.75 * size // step).astype(np.int64) * step)
    range_high = np.ceil(1.3 * size / step).astype(np.int64) * step
    vague = np.maximum(np.searchsorted([w[0] for w in VAGUE_WORDS], size, side="right") - 1, 0)
    vague_low, vague_high = (np.array([w[i] for w in VAGUE_WORDS])[vague] for i in (2, 3))

    by_form = {  # (low, high, the number the text shows)
        PLAIN: (size, size, size), ABOUT: (about, about, about), OVER: (over, over + over_step - 1, over),
        RANGE: (range_low, range_high, size), VAGUE: (vague_low, vague_high, size), UNKNOWN: (size, size, size),
    }
    low, high, shown = (np.choose(form, [by_form[f][i] for f in range(len(by_form))]) for i in range(3))
    parts = {"n": _as_text(shown), "low": _as_text(range_low), "high": _as_text(range_high),
             "vague": pa.array([w[1] for w in VAGUE_WORDS]).take(vague)}
    text = _render([CROWD_TEXTS[f] for f in range(len(CROWD_TEXTS))], np.minimum(form, VAGUE), parts)
    people = _render(["{text}人", "{text}"], (form != PLAIN).astype(np.int64), {"text": text})

    known = form != UNKNOWN
    reaches = low[:, None] >= world.grade_minimums[None, :]
    graded = (kind == COLLECTIVE) & known & reaches.any(axis=1)
    return _Crowd(size=np.where(known, size, 0),
                  low=pa.array(low.astype(np.int32), mask=~known), high=pa.array(high.astype(np.int32), mask=~known),
                  text=_null_unless(known, text), people=_null_unless(known, people),
                  grade=np.where(graded, reaches.argmax(axis=1), -1))


def _sources(rng: np.random.Generator, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Where each item came from, whether an officer reported it first, and its link."""
    n = len(kind)
    source = _draw_given(rng, np.array([_aligned(SOURCE.codes, SOURCE_SHARES[k]) for k in KINDS]), kind)
    code = np.array(SOURCE.codes)[source]
    proactive = (code == "proactive") | (np.isin(code, MESSAGE_SOURCES) & (rng.random(n) < MESSAGE_PROACTIVE))
    url = _fill(URL, {"source": pa.array(code), "number": _as_text(rng.integers(10 ** 11, 10 ** 12, n))})
    return source, proactive, _null_unless(np.isin(code, PLATFORMS), url)


def _texts(rng: np.random.Generator, world: _World, kind: np.ndarray, firms: _Firms, claims: _Claims,
           crowd: _Crowd, captured: np.ndarray, occurred: np.ndarray, source: np.ndarray
           ) -> tuple[pa.Array, pa.Array]:
    """News-style titles and one-to-three-sentence summaries, from templates by kind of item."""
    n = len(kind)
    sector = world.sector(firms.section)
    action_key = np.maximum(claims.action, 0) * len(SECTORS) + sector
    quantity = _Pools([words for _, words in CROWD_WORDS]).pick(
        rng, np.searchsorted([smallest for smallest, _ in CROWD_WORDS], crowd.size, side="right") - 1)
    worker = world.workers.pick(rng, firms.division)
    city = world.city_names.take(firms.unit)
    county = _take(world.county_names, firms.county)
    parts = {
        "place": _fill("{city}{county}", {
            "city": world.city_short.take(firms.unit),
            "county": _take(world.county_short, np.where(rng.random(n) < COUNTY_IN_TITLE, firms.county, -1))}),
        "city_short": world.city_short.take(firms.unit),
        "det": _Pools(DETERMINERS).pick(rng, sector),
        "workplace": world.workplaces.pick(rng, firms.division),
        "worker": worker,
        "crowd": _fill("{quantity}{worker}", {
            "quantity": _null_unless((crowd.size > 0) & (rng.random(n) < TITLE_CROWD_SHOWN), quantity),
            "worker": worker}),
        "action": _Pools.keyed_by_sector(ACTION_FORM.codes, ACTION_WORDS).pick(rng, action_key),
        "demand_verb": _Pools.keyed(DEMAND.codes, DEMAND_VERBS).pick(rng, claims.demand),
        "demand_noun": _Pools.keyed(DEMAND.codes, DEMAND_NOUNS).pick(rng, claims.demand),
        "cause": _Pools.keyed(DEMAND.codes, CAUSES).pick(rng, claims.demand),
        "complaint": _Pools.keyed(DEMAND.codes, COMPLAINTS).pick(rng, claims.demand),
        "union": _render(UNION_NAMES, ((firms.county >= 0) & (rng.random(n) < 0.5)).astype(np.int64),
                         {"city": city, "county": county}),
        "activity": _any_of(rng, ACTIVITIES, n),
        "policy": _any_of(rng, POLICIES, n),
    }
    templates, probs = _templates(TITLES)
    title = _render(templates, _draw_given(rng, probs, kind), parts)
    reported = np.array(SOURCE.codes)[source] == "proactive"
    title = pc.if_else(pa.array(reported), _fill(PROACTIVE_TITLE, {"title": title}), title)

    day = np.where(occurred >= 0, occurred, captured // DAY_US).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    parts |= {
        "title": title,
        "date": _fill("{month}月{day}日", {"month": _as_text(month.astype(np.int64) % 12 + 1),
                                          "day": _as_text((day - month).astype(np.int64) + 1)}),
        "enterprise": firms.enterprise,
        "employer": pc.coalesce(firms.enterprise, _fill("{place}某{workplace}", parts)),
        "action_sentence": _Pools.keyed_by_sector(ACTION_FORM.codes, ACTION_SENTENCES).pick(rng, action_key),
        "scale": pc.binary_join_element_wise("涉及", worker, crowd.people, "。", "", null_handling="emit_null"),
        "detail": _null_unless(rng.random(n) < DETAIL_SHOWN,
                               _Pools.keyed(DEMAND.codes, DETAILS).pick(rng, claims.demand)),
        "response": _null_unless(rng.random(n) < RESPONSE_SHOWN, _any_of(rng, RESPONSES, n)),
        "reply": _null_unless(rng.random(n) < REPLY_SHOWN, _any_of(rng, COMPLAINT_REPLIES, n)),
        "news_ending": _null_unless(rng.random(n) < ENDING_SHOWN, _any_of(rng, NEWS_ENDINGS, n)),
        "policy_ending": _any_of(rng, POLICY_ENDINGS, n),
    }
    templates, probs = _templates(SUMMARIES)
    return title, _render(templates, _draw_given(rng, probs, kind), parts)


def _workflow(rng: np.random.Generator, world: _World, calendar: _Calendar, kind: np.ndarray, unit: np.ndarray,
              county: np.ndarray, grade: np.ndarray, captured: np.ndarray) -> dict[str, pa.Array]:
    """Assignment, deadline, verification and closing, as they stood at the end of the demo's
    last day: nothing happens after it, and the newest items are more often still open."""
    n = len(kind)
    assigned = captured + _us(60 * rng.uniform(*ASSIGN_MINUTES, n))
    is_assigned = assigned <= calendar.limit
    due = assigned + _us(3600 * np.where(grade >= 0, world.grade_due_hours[grade], OTHER_DUE_HOURS))

    age_days = (calendar.limit - captured) / DAY_US
    left_open = rng.random(n) < STILL_OPEN + RECENT_OPEN * np.clip(1 - age_days / RECENT_DAYS, 0, 1)
    late = rng.random(n) < LATE / (1 - STILL_OPEN)
    on_time_at = assigned + _us((due - assigned) / 1e6 * rng.beta(1.6, 3.0, n))
    late_hours = np.clip(np.exp(rng.normal(np.log(LATE_MEDIAN_HOURS), LATE_SIGMA, n)), 0.25, LATE_MAX_HOURS)
    verified = np.where(late, due + _us(3600 * late_hours), on_time_at)
    # The month-end reconciliation chases what was left open (a child stream, so that every other
    # column of the demo stays as it was): only the last weeks' items are still unverified.
    reconciled_at = captured + _us(86_400 * rng.spawn(1)[0].uniform(*RECONCILED_DAYS, n))
    reconciled = left_open & (reconciled_at <= calendar.limit)
    verified = np.where(reconciled, reconciled_at, verified)
    is_verified = is_assigned & (~left_open | reconciled) & (verified <= calendar.limit)

    close_days = np.clip(np.exp(rng.normal(np.log(CLOSE_MEDIAN_DAYS), CLOSE_SIGMA, n)), *CLOSE_DAYS)
    closed = verified + _us(86_400 * close_days)
    is_closed = is_verified & (rng.random(n) >= NEVER_CLOSED) & (closed <= calendar.limit)

    pending = rng.random(n) < np.where(age_days < 2, 2 * PENDING, PENDING)
    status = np.select([is_closed, is_verified, pending | ~is_assigned],
                       [STATUS.codes.index(code) for code in ("closed", "verified", "pending")],
                       STATUS.codes.index("verifying"))
    result = rng.choice(len(RESULT_SHARES), size=n, p=_aligned(VERIFICATION_RESULT.codes, RESULT_SHARES))
    verifier = rng.integers(0, np.where(county >= 0, len(VERIFIERS), len(VERIFIERS) - 1))
    verified_by = _render(VERIFIERS, verifier, {"city": world.city_names.take(unit),
                                                "county": _take(world.county_names, county)})
    notes = _Pools([pool for code in VERIFICATION_RESULT.codes for pool in NOTES[code]]).pick(
        rng, 2 * result + (kind != COLLECTIVE))
    updated = np.max([captured, np.where(is_assigned, assigned, 0), np.where(is_verified, verified, 0),
                      np.where(is_closed, closed, 0)], axis=0)
    return {
        "assigned_unit": _null_unless(is_assigned, world.unit_codes.take(unit)),
        "assigned_at": _timestamps(assigned, is_assigned),
        "verify_due_at": _timestamps(due, is_assigned),
        "verified_at": _timestamps(verified, is_verified),
        "verified_by": _null_unless(is_verified, verified_by),
        "verification_result": _null_unless(is_verified, pa.array(VERIFICATION_RESULT.codes).take(result)),
        "verification_notes": _null_unless(is_verified, notes),
        "duplicate_of": pa.nulls(n, pa.string()),  # the demo does not say which item it repeats
        "disposition": pa.nulls(n, pa.string()),
        "status": pa.array(STATUS.codes).take(status),
        "closed_at": _timestamps(closed, is_closed),
        "updated_at": _timestamps(updated),
    }
