"""考核排名: the assessment of each reporting unit's information work, computed from the ledger.

The union's practice (省总工会): "将信息核报列入年底重点工作考核内容，按照舆情信息核报情况进行打分排名，
突出报送时效，并增设主动报送舆情信息加分栏，综合评分后对表现突出者予以通报表扬". So a unit's score
is made of timeliness of verification, completeness of the verified record and accuracy at the
monthly reconciliation, plus a bonus for items it reported before the platforms caught them; units
are ranked, and the first few are commended.

The rules and weights live in one file, data/reference/scoring.toml, which explains each of them;
a deployment overrides single values in a [scoring] table of sentinel.toml (the same sections and
keys), so the defaults file stays the one place to read the rules.

Which items count: those whose verification deadline (verify_due_at) falls in the period, as on the
核实督办 page (a unit's duty falls when its deadline does), and had passed when the snapshot was
built (a deadline still ahead is nobody's failure yet). The facts per item come from
queries/scoring_items.sql; accuracy from the reconciliation log (ledger.workflow.reconcile).

A unit with no item due is not assessed (no score, no rank): there is nothing to judge, and neither
full marks nor zero would be fair to it. Ranks and the commendation exist only when every reporting
unit is scored: a rank among the one unit a city officer sees would mean nothing.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from queries import Scope, read

from ledger import geo
from ledger.config import REFERENCE_DIR, Settings
from ledger.i18n import Refusal, t
from ledger.periods import Period, PeriodError
from ledger.workflow.reconcile import discrepancy_history
from ledger.store import Snapshot

DEFAULTS_FILE = REFERENCE_DIR / "scoring.toml"
PARTS = ("timeliness", "completeness", "accuracy")
FIELDS = ("enterprise", "ownership", "union_present", "participants", "grade")


class ScoringError(Refusal):
    """A period or a rule that cannot be used as written; the sentence says what to write."""


# ---- periods ---------------------------------------------------------------------------------

ASSESSED = ("month", "quarter", "year")  # the kinds of ledger.periods.Period an assessment covers


def parse_period(text: str) -> Period:
    """The month, quarter or year written as 2026-11, 2026-Q3 or 2026."""
    try:
        period = Period.parse(text)
    except PeriodError:
        period = None
    if period is None or period.kind not in ASSESSED:
        raise ScoringError("msg.scoring.period", text=str(text).strip())
    return period


# ---- rules -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoringRules:
    weights: dict[str, float]  # full marks of each part
    on_time: float  # timeliness credit of an item verified by its deadline (share of full credit)
    late: tuple[tuple[float, float], ...]  # (up to hours late, credit), in order
    later: float  # credit when later than every step
    unverified: float  # credit of an item still unverified
    time_unknown: float  # credit of an item verified with no time given (核实时间不详)
    fields: tuple[str, ...]  # fields of the verified record that count for completeness
    points_per_discrepancy: float
    bonus_per_item: float
    bonus_cap: float
    commend_top: int
    commend_min_score: float

    @property
    def full_marks(self) -> float:
        return sum(self.weights.values())


def _merged(defaults: dict, overrides: dict, where: str = "scoring") -> dict:
    """`defaults` with `overrides` laid over it, table by table; an unknown key is refused so that a
    misspelt override is not silently ignored."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if key not in defaults:
            raise ScoringError("msg.scoring.unknown_key", where=where, key=key, known=", ".join(defaults))
        if isinstance(defaults[key], dict) != isinstance(value, dict):
            raise ScoringError("msg.scoring.want_table" if isinstance(defaults[key], dict) else "msg.scoring.want_value",
                              where=where, key=key)
        merged[key] = _merged(defaults[key], value, f"{where}.{key}") if isinstance(defaults[key], dict) else value
    return merged


def rules_from(overrides: dict) -> ScoringRules:
    """The defaults of data/reference/scoring.toml with `overrides` (a [scoring] table) applied."""
    raw = _merged(tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8")), overrides)
    late = tuple((float(step["up_to_hours"]), float(step["credit"])) for step in raw["timeliness"]["late"])
    rules = ScoringRules(
        weights={part: float(raw["weights"][part]) for part in PARTS},
        on_time=float(raw["timeliness"]["on_time"]), late=late, later=float(raw["timeliness"]["later"]),
        unverified=float(raw["timeliness"]["unverified"]), time_unknown=float(raw["timeliness"]["time_unknown"]),
        fields=tuple(raw["completeness"]["fields"]),
        points_per_discrepancy=float(raw["accuracy"]["points_per_discrepancy"]),
        bonus_per_item=float(raw["bonus"]["points_per_item"]), bonus_cap=float(raw["bonus"]["cap"]),
        commend_top=int(raw["commendation"]["top"]), commend_min_score=float(raw["commendation"]["min_score"]))
    credits = [rules.on_time, rules.later, rules.unverified, rules.time_unknown, *(credit for _, credit in late)]
    if not all(0 <= c <= 1 for c in credits):
        raise ScoringError("msg.scoring.credit_range")
    if [hours for hours, _ in late] != sorted(hours for hours, _ in late):
        raise ScoringError("msg.scoring.late_order")
    if not rules.fields or set(rules.fields) - set(FIELDS):
        raise ScoringError("msg.scoring.fields", fields=", ".join(FIELDS))
    if min(rules.weights.values()) < 0:
        raise ScoringError("msg.scoring.negative")
    return rules


def configured_rules(settings: Settings) -> ScoringRules:
    return rules_from(settings.scoring_config)


def _share(value: float) -> str:
    return f"{value:.0%}"


def describe(rules: ScoringRules, lang: str = "zh") -> list[str]:
    """The rules as sentences, for the page, the workbook and the notice."""
    sep = t("list.separator", lang)
    steps = sep.join(t("score.rule.step", lang, hours=f"{hours:g}", credit=_share(credit)) for hours, credit in rules.late)
    fields = sep.join(t(f"score.field.{name}", lang) for name in rules.fields)
    return [
        t("score.rule.items", lang),
        t("score.rule.weights", lang, full=f"{rules.full_marks:g}", **{p: f"{rules.weights[p]:g}" for p in PARTS}),
        t("score.rule.timeliness", lang, on_time=_share(rules.on_time), steps=steps, later=_share(rules.later),
          unverified=_share(rules.unverified), time_unknown=_share(rules.time_unknown)),
        t("score.rule.completeness", lang, fields=fields),
        t("score.rule.accuracy", lang, points=f"{rules.points_per_discrepancy:g}"),
        t("score.rule.bonus", lang, points=f"{rules.bonus_per_item:g}", cap=f"{rules.bonus_cap:g}"),
        t("score.rule.commendation", lang, top=rules.commend_top, min_score=f"{rules.commend_min_score:g}"),
    ]


# ---- scores ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ranking:
    """The scores of one period with what produced them: the exports name the snapshot and the
    rules, so a ranking can be traced and recomputed."""

    period: Period
    snapshot_id: str
    as_of: datetime  # when the snapshot was built: the moment the ledger describes
    rules: ScoringRules
    complete: bool  # every reporting unit is scored, so ranks and the commendation exist
    frame: pl.DataFrame  # one row per unit; see score()

    def commended(self) -> pl.DataFrame:
        return self.frame.filter(pl.col("commended")).sort("rank", "sort_order")


def item_facts(snapshot: Snapshot, period: Period, scope: Scope) -> pl.DataFrame:
    """The items due in `period` with the facts the score uses (queries/scoring_items.sql), read
    through the query door, so that "verified" means here what it means on the pages."""
    return read(snapshot, "scoring_items", scope, since=period.first, until=period.last, as_of=snapshot.created_at)


def _timeliness_credit(rules: ScoringRules) -> pl.Expr:
    """Full credit on time; when late, the first step that covers the hours late, else `later`;
    `unverified` for an item still unverified; `time_unknown` for one verified with no time given."""
    late = pl.lit(rules.later)
    for hours, credit in reversed(rules.late):
        late = pl.when(pl.col("hours_late") <= hours).then(pl.lit(credit)).otherwise(late)
    return (pl.when(pl.col("timeliness") == "unverified").then(pl.lit(rules.unverified))
            .when(pl.col("timeliness") == "time_unknown").then(pl.lit(rules.time_unknown))
            .when(pl.col("timeliness") == "on_time").then(pl.lit(rules.on_time))
            .otherwise(late))


def _completeness_credit(rules: ScoringRules) -> pl.Expr:
    """The share of the record's fields that are filled, each field counting equally (grade only
    for collective disputes, the only ones graded). An item verified as 不实 or 重复 has no dispute
    to describe and counts in full; an item still unverified has no verified record and counts 0."""
    applies = [pl.col("is_collective") if name == "grade" else pl.lit(True) for name in rules.fields]
    filled = pl.sum_horizontal([(pl.col(f"has_{name}") & a).cast(pl.Int32) for name, a in zip(rules.fields, applies)])
    applicable = pl.sum_horizontal([a.cast(pl.Int32) for a in applies])
    return (pl.when(pl.col("timeliness") == "unverified").then(0.0)
            .when(~pl.col("has_record") | (applicable == 0)).then(1.0)
            .otherwise(filled / applicable))


def _unit_frame(scope: Scope) -> pl.DataFrame:
    places = [u for u in geo.units() if scope.allows(u.code)]
    return pl.DataFrame({"unit_code": [u.code for u in places], "name_zh": [u.name_zh for u in places],
                         "name_en": [u.name_en for u in places], "sort_order": list(range(len(places)))})


def _discrepancies(settings: Settings, period: Period) -> pl.DataFrame:
    """Per unit, the discrepancies the period's monthly reconciliations found, except "unverified at
    month end", which the timeliness part already scores."""
    found: dict[str, int] = {}
    for month in period.months():
        for unit, history in discrepancy_history(settings, month).items():
            kinds = history["found_by_kind"]
            found[unit] = found.get(unit, 0) + sum(n for kind, n in kinds.items() if kind != "unverified")
    return pl.DataFrame({"unit_code": list(found), "discrepancies_n": list(found.values())},
                        schema={"unit_code": pl.String, "discrepancies_n": pl.Int64})


def _period_scores(snapshot: Snapshot, settings: Settings, rules: ScoringRules, period: Period,
                   scope: Scope) -> pl.DataFrame:
    facts = item_facts(snapshot, period, scope).with_columns(
        timeliness_credit=_timeliness_credit(rules), completeness_credit=_completeness_credit(rules))
    counted = facts.group_by("unit_code").agg(
        due_n=pl.len(),
        on_time_n=(pl.col("timeliness") == "on_time").sum(),
        late_n=(pl.col("timeliness") == "late").sum(),
        unverified_n=(pl.col("timeliness") == "unverified").sum(),
        time_unknown_n=(pl.col("timeliness") == "time_unknown").sum(),
        median_days_late=(pl.col("hours_late").median() / 24).round(1),  # days, as people read durations
        max_days_late=(pl.col("hours_late").max() / 24).round(1),
        timeliness_rate=pl.col("timeliness_credit").mean(),
        completeness_rate=pl.col("completeness_credit").mean(),
        proactive_n=pl.col("is_proactive").sum(),
    )
    frame = (_unit_frame(scope).join(counted, on="unit_code", how="left")
             .join(_discrepancies(settings, period), on="unit_code", how="left")
             .with_columns(pl.col("due_n", "on_time_n", "late_n", "unverified_n", "time_unknown_n", "proactive_n",
                                  "discrepancies_n")
                           .fill_null(0).cast(pl.Int64)))
    assessed = pl.col("due_n") > 0
    weights = rules.weights
    frame = frame.with_columns(
        timeliness_points=pl.when(assessed).then((weights["timeliness"] * pl.col("timeliness_rate")).round(2)),
        completeness_pct=pl.when(assessed).then((100 * pl.col("completeness_rate")).round(1)),
        completeness_points=pl.when(assessed).then((weights["completeness"] * pl.col("completeness_rate")).round(2)),
        accuracy_points=pl.when(assessed).then(
            pl.max_horizontal(pl.lit(0.0), weights["accuracy"] - rules.points_per_discrepancy * pl.col("discrepancies_n"))
            .round(2)),
        bonus_points=pl.when(assessed).then(
            pl.min_horizontal(pl.lit(rules.bonus_cap), rules.bonus_per_item * pl.col("proactive_n")).round(2)),
    )
    parts = ("timeliness_points", "completeness_points", "accuracy_points", "bonus_points")
    return frame.with_columns(total=pl.when(assessed).then(pl.sum_horizontal(parts).round(2)))


def score(snapshot: Snapshot, settings: Settings, period: Period, scope: Scope) -> Ranking:
    """Every reporting unit's score for `period` within `scope` (ALL: the province's ranking), one
    row per unit: items due
    (`due_n`), on time, late (with the median and longest hours late), unverified; each part's
    points; discrepancies and proactive items; bonus; `total`; `rank` (ties share a place);
    `previous_total` and `change` against the period before; `commended`."""
    rules = configured_rules(settings)
    complete = all(scope.allows(u.code) for u in geo.units())
    previous = _period_scores(snapshot, settings, rules, period.previous(), scope).select(
        "unit_code", previous_total="total")
    frame = (_period_scores(snapshot, settings, rules, period, scope).join(previous, on="unit_code", how="left")
             .with_columns(change=(pl.col("total") - pl.col("previous_total")).round(2)))
    if complete:
        frame = frame.with_columns(rank=pl.col("total").rank("min", descending=True).cast(pl.Int64))
        frame = frame.with_columns(commended=((pl.col("rank") <= rules.commend_top)
                                              & (pl.col("total") >= rules.commend_min_score)).fill_null(False))
    else:
        frame = frame.with_columns(rank=pl.lit(None, pl.Int64), commended=pl.lit(False))
    frame = frame.sort(pl.col("total").is_null(), pl.col("total"), "sort_order", descending=[False, True, False])
    return Ranking(period, snapshot.snapshot_id, snapshot.created_at, rules, complete, frame)
