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

import io
import tomllib
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import xlsxwriter
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from queries import Scope, read

from ledger import geo
from ledger.config import REFERENCE_DIR, Settings
from ledger.i18n import t
from ledger.periods import Period, PeriodError
from ledger.workflow.reconcile import discrepancy_history
from ledger.store import Snapshot
from ledger.documents.wordfile import save_reproducibly

DEFAULTS_FILE = REFERENCE_DIR / "scoring.toml"
PARTS = ("timeliness", "completeness", "accuracy")
FIELDS = ("enterprise", "ownership", "union_present", "participants", "grade")
ISSUER = "广东省总工会"


class ScoringError(ValueError):
    """A period or a rule that cannot be used as written; the message says what to write."""


# ---- periods ---------------------------------------------------------------------------------

ASSESSED = ("month", "quarter", "year")  # the kinds of ledger.periods.Period an assessment covers


def parse_period(text: str) -> Period:
    """The month, quarter or year written as 2026-11, 2026-Q3 or 2026."""
    try:
        period = Period.parse(text)
    except PeriodError:
        period = None
    if period is None or period.kind not in ASSESSED:
        raise ScoringError(f"考核期间须写作 2026-11（月）、2026-Q3（季度）或 2026（年度）：{str(text).strip()}")
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
            raise ScoringError(f"[{where}] 中没有 {key} 这一项；可用：{', '.join(defaults)}")
        if isinstance(defaults[key], dict) != isinstance(value, dict):
            raise ScoringError(f"[{where}] 的 {key} 须写作{'一个表 [' + where + '.' + key + ']' if isinstance(defaults[key], dict) else '一个值'}")
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
        raise ScoringError("[scoring.timeliness] 的得分比例须在 0 到 1 之间")
    if [hours for hours, _ in late] != sorted(hours for hours, _ in late):
        raise ScoringError("[scoring.timeliness] late 的 up_to_hours 须从小到大排列")
    if not rules.fields or set(rules.fields) - set(FIELDS):
        raise ScoringError(f"[scoring.completeness] fields 须从 {', '.join(FIELDS)} 中选取")
    if min(rules.weights.values()) < 0:
        raise ScoringError("[scoring.weights] 的分值不能为负")
    return rules


def configured_rules(settings: Settings) -> ScoringRules:
    return rules_from(settings.scoring_config)


def _share(value: float) -> str:
    return f"{value:.0%}"


def describe(rules: ScoringRules, lang: str = "zh") -> list[str]:
    """The rules as sentences, for the page, the workbook and the notice."""
    sep = "、" if lang == "zh" else ", "
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


# ---- tables and exports ----------------------------------------------------------------------

SHOWN = ("rank", "name", "due_n", "on_time_n", "late_n", "median_days_late", "max_days_late", "unverified_n",
         "time_unknown_n",
         "timeliness_points", "completeness_pct", "completeness_points", "discrepancies_n", "accuracy_points",
         "proactive_n", "bonus_points", "total", "previous_total", "change", "commended")


def change_label(change: float | None) -> str:
    """▲ up, ▼ down, 0 unchanged, — when either period has no score."""
    if change is None:
        return "—"
    return f"▲{change:g}" if change > 0 else f"▼{-change:g}" if change < 0 else "0"


def table(ranking: Ranking, lang: str = "zh") -> pl.DataFrame:
    """The ranking as a reader sees it: headers in `lang`, the change as ▲/▼, commended as ✓. A
    partial ranking (not every unit) has no rank or commendation columns."""
    frame = ranking.frame.with_columns(
        name=pl.col("name_zh" if lang == "zh" else "name_en"),
        change=pl.col("change").map_elements(change_label, return_dtype=pl.String, skip_nulls=False),
        commended=pl.when(pl.col("commended")).then(pl.lit("✓")).otherwise(pl.lit("")))
    shown = [c for c in SHOWN if ranking.complete or c not in ("rank", "commended")]
    return frame.select(pl.col(c).alias(t(f"score.col.{c}", lang)) for c in shown)


def ranking_xlsx(ranking: Ranking, lang: str = "zh") -> bytes:
    """The ranking, and a sheet with the period, the snapshot and the rules used."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{ranking.period.label(lang)} {t('score.heading', lang)}",
                         "created": ranking.as_of})  # also the zip entries' time: same ranking, same bytes
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(t("score.sheet.ranking", lang))
    frame = table(ranking, lang)
    for column, name in enumerate(frame.columns):
        sheet.write(0, column, name, bold)
        sheet.set_column(column, column, 14 if column == 1 else 10)
    for number, row in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(number, column, value)
    sheet.freeze_panes(1, 2)
    rules = book.add_worksheet(t("score.sheet.rules", lang))
    rules.set_column(0, 0, 18)
    rules.set_column(1, 1, 100)
    lines = [(t("score.meta.period", lang), ranking.period.label(lang)),
             (t("score.meta.snapshot", lang), ranking.snapshot_id),
             (t("score.meta.as_of", lang), f"{ranking.as_of:%Y-%m-%d %H:%M}")]
    lines += [(t(f"score.part.{part}", lang), ranking.rules.weights[part]) for part in PARTS]
    lines += [(t("score.meta.rule", lang, n=n), text) for n, text in enumerate(describe(ranking.rules, lang), start=1)]
    for number, (label, value) in enumerate(lines):
        rules.write(number, 0, label, bold)
        rules.write(number, 1, value)
    book.close()
    return buffer.getvalue()


def notice_title(period: Period) -> str:
    return f"关于{period.label('zh')}全省各地市工会舆情信息工作考核情况的通报"


def notice_docx(ranking: Ranking, issuer: str = ISSUER) -> bytes:
    """The Word notice (通报) a provincial union issues: title, addressees, what was assessed and
    how, the ranking table, the commended units, the rules, issuer and date; the snapshot in the
    footer. Only for a complete ranking: a notice about some units would rank them wrongly."""
    if not ranking.complete:
        raise ScoringError("考核通报须包括全部报送单位的得分")
    period, rules = ranking.period, ranking.rules
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = notice_title(period), issuer, issuer
    properties.revision = 1
    heading = document.add_heading(notice_title(period), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("各地级以上市总工会，顺德区总工会：")
    assessed = ranking.frame.filter(pl.col("total").is_not_null())
    document.add_paragraph(
        f"　　为落实舆情信息核报工作要求，突出报送时效，省总工会依据舆情台账，对各单位{period.label('zh')}"
        f"（{period.first:%Y年%m月%d日}至{period.last:%Y年%m月%d日}）到期舆情的核实时效、核实信息完整性和报送准确性"
        f"进行了考核，并对主动报送舆情信息的予以加分。共有 {assessed.height} 个单位参加考核，"
        f"涉及到期舆情 {int(ranking.frame['due_n'].sum())} 条。现将考核情况通报如下：")
    document.add_heading("一、考核结果", level=1)
    columns = ("rank", "name", "due_n", "timeliness_points", "completeness_points", "accuracy_points",
               "bonus_points", "total", "change")
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, columns):
        cell.text = t(f"score.col.{column}")
    for row in ranking.frame.with_columns(name=pl.col("name_zh")).iter_rows(named=True):
        values = [row[c] for c in columns]
        values[-1] = change_label(row["change"])
        for cell, value in zip(grid.add_row().cells, values):
            cell.text = "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    document.add_paragraph(f"注：“变化”为与{period.previous().label('zh')}相比；“—”表示该期没有到期舆情、不参加排名。")
    document.add_heading("二、通报表扬", level=1)
    commended = ranking.commended()
    if commended.is_empty():
        document.add_paragraph(f"　　本期没有单位达到通报表扬条件（综合得分前 {rules.commend_top} 名且不低于 "
                               f"{rules.commend_min_score:g} 分）。")
    else:
        names = "、".join(commended["name_zh"])
        document.add_paragraph(f"　　{names}在{period.label('zh')}舆情信息工作中核实及时、信息完整、报送准确，"
                               f"综合得分位列前茅，予以通报表扬。希望受到表扬的单位再接再厉；其他单位要对照考核结果，"
                               f"查找差距，切实提高舆情信息核报质量。")
    document.add_heading("三、评分规则", level=1)
    for number, line in enumerate(describe(rules, "zh"), start=1):
        document.add_paragraph(f"{number}. {line}")
    signature = document.add_paragraph(f"{issuer}\n{ranking.as_of.year}年{ranking.as_of.month}月{ranking.as_of.day}日")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"数据来源：哨岗台账快照 {ranking.snapshot_id}（数据截至 {ranking.as_of:%Y-%m-%d %H:%M}）"
    footer.runs[0].font.size = Pt(9)
    return save_reproducibly(document, ranking.as_of)
