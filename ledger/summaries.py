"""Short written summaries of what changed, computed from the data rather than canned.

The trends page (and later the briefs) open with a few sentences an analyst would write:
"建筑业近30天 14 起，较前30天 +180%，主要集中在东莞、广州". Which changes deserve a sentence is
decided here so that it can be tested without Streamlit: the biggest absolute changes among
industries with enough disputes for a percentage to mean something.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ledger import geo
from ledger.i18n import pair, t

MIN_COUNT = 5  # below this in both periods, a percentage change is noise


@dataclass(frozen=True)
class IndustryChange:
    name_zh: str
    name_en: str
    n: int
    n_prev: int
    top_units_zh: tuple[str, ...]
    top_units_en: tuple[str, ...]

    @property
    def change_pct(self) -> float | None:
        return None if self.n_prev == 0 else 100.0 * (self.n - self.n_prev) / self.n_prev


def biggest_changes(rows: list[dict], limit: int = 3) -> list[IndustryChange]:
    """The industries whose counts moved most (by absolute change), among those with at least
    MIN_COUNT disputes in either period; rows as returned by queries/industry_change_summary.sql."""
    unknown_zh, unknown_en = pair("summary.unknown_industry")
    changes = [IndustryChange(r["industry_name_zh"] or unknown_zh, r["industry_name_en"] or unknown_en,
                              int(r["n"]), int(r["n_prev"]), tuple(r["top_units_zh"] or ()), tuple(r["top_units_en"] or ()))
               for r in rows]
    notable = [c for c in changes if max(c.n, c.n_prev) >= MIN_COUNT and c.n != c.n_prev]
    return sorted(notable, key=lambda c: (-abs(c.n - c.n_prev), c.name_zh))[:limit]


def _change_text(change: IndustryChange, lang: str) -> str:
    pct = change.change_pct
    return t("summary.none_before", lang) if pct is None else t("summary.change", lang, pct=pct)


def sentence(change: IndustryChange, lang: str = "zh") -> str:
    """One sentence: count, change, and where most of them happened."""
    name, units = (change.name_zh, [u.removesuffix("市") for u in change.top_units_zh]) if lang == "zh" \
        else (change.name_en, list(change.top_units_en))
    text = t("summary.industry", lang, industry=name, n=change.n, change=_change_text(change, lang))
    if units and change.n:
        text += t("summary.mostly_in", lang, units=t("summary.units_joined", lang).join(units))
    return text + t("summary.end", lang)


def overall_sentence(rows: list[dict], lang: str = "zh") -> str:
    """The headline: all collective disputes in the last 30 days against the 30 before."""
    total = IndustryChange(*pair("app.industries_all"), sum(int(r["n"]) for r in rows),
                           sum(int(r["n_prev"]) for r in rows), (), ())
    return t("summary.overall", lang, n=total.n, change=_change_text(total, lang))


def industry_summary(rows: list[dict], lang: str = "zh", limit: int = 3) -> list[str]:
    """The summary's sentences: the headline, then one per notable industry change."""
    return [overall_sentence(rows, lang), *(sentence(c, lang) for c in biggest_changes(rows, limit))]


def top_and_other(counts: pl.DataFrame, key: str, n: int, other: str) -> pl.DataFrame:
    """`counts` (period, `key`, n) with every key outside the `n` largest over the whole window
    summed into one key named `other`: twenty-one sections stacked in one bar read as noise."""
    top = counts.group_by(key).agg(pl.col("n").sum()).sort(["n", key], descending=[True, False]).head(n)[key]
    return (counts.with_columns(pl.when(pl.col(key).is_in(top.implode())).then(pl.col(key)).otherwise(pl.lit(other))
                                .alias(key))
            .group_by("period", key).agg(pl.col("n").sum()).sort("period", key))


def against_last_year(counts: pl.DataFrame, this_year: str, last_year: str) -> pl.DataFrame:
    """Totals per period this year (n) and in the same period last year (n_last_year), long:
    period, count, and the series each belongs to (named `this_year` and `last_year`)."""
    totals = counts.group_by("period").agg(pl.col("n").sum(), pl.col("n_last_year").sum()).sort("period")
    return pl.concat([
        totals.select("period", pl.col("n").alias("count"), pl.lit(this_year).alias("series")),
        totals.select("period", pl.col("n_last_year").alias("count"), pl.lit(last_year).alias("series")),
    ])


def verification_gauges(rates: pl.DataFrame, province_wide: bool, lang: str = "zh") -> pl.DataFrame:
    """The rows of verification_rate_by_unit that get a gauge on 核实督办: province-wide, the
    delta's ten units (the emergency teams) and one per other region, named in `name_{lang}`;
    otherwise (cities picked, or an officer's own unit) every unit row."""
    per_unit = rates.filter(pl.col("level") == "unit")
    if not province_wide:
        return per_unit
    name = f"name_{lang}"
    regions = rates.filter((pl.col("level") == "region") & (pl.col("region") != geo.FOCUS_REGION))
    return pl.concat([per_unit.filter(pl.col("unit_code").is_in([u.code for u in geo.focus_units()])),
                      regions.with_columns(pl.col("region").replace_strict(
                          {r: geo.region_name(r, lang) for r in geo.REGIONS}).alias(name))])
