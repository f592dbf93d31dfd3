"""核实督办 Verification: is every item verified, and in time? A gauge per reporting unit and for
all of them, the items still unverified (impossible to miss: the goal is 100%), how long units
take, and the rate month by month."""
import polars as pl
import streamlit as st

from ledger.config import load_settings
from ledger.i18n import t
from ledger.periods import under_way
from ledger.summaries import verification_gauges
from queries import q
from ui import charts, map_layers
from ui.plain_text import plain
from ui.shell import context, scope_label
from ui.tables import enum_label, grade_label, place_label, suffix

OVERDUE_SHOWN = 500  # the most overdue first; the counts by unit cover them all

ctx = context()
lang = ctx.lang
params = {**ctx.filters.params(), "now": ctx.now}
settings = load_settings()
green, amber = settings.verification_green_pct, settings.verification_amber_pct

st.title(t("verify.heading", lang))
st.caption(t("verify.caption", lang, since=ctx.filters.since, until=ctx.filters.until, scope=scope_label(ctx),
             green=f"{green:g}", amber=f"{amber:g}"))

rates = q("verification_rate_by_unit", ctx.scope, **params)
total = rates.filter(pl.col("level") == "total").row(0, named=True)
per_unit = rates.filter(pl.col("level") == "unit")
name = f"name_{suffix(lang)}"
province_wide = ctx.scope.units is None and not ctx.filters.units
gauge_rows = verification_gauges(rates, province_wide, lang)
if province_wide:
    total_name = t("verify.total.all", lang)
elif per_unit.height == 1:  # an officer's own unit, or one city picked: its name, not 合计
    total_name = per_unit[name][0]
else:
    total_name = t("verify.total.some", lang)


def count_label(row: dict) -> str:
    """On time out of due, and what is still overdue: a late verification leaves the rate as it
    is but takes the item out of the overdue count, so the gauge shows both."""
    if not row["due_n"]:
        return t("verify.none_due", lang)
    key = "verify.count_overdue" if row["overdue_n"] else "verify.count"
    return t(key, lang, on_time=row["on_time_n"], due=row["due_n"], overdue=row["overdue_n"])


gauge_column, summary_column = st.columns([1, 2], gap="large")
with gauge_column:
    st.plotly_chart(charts.single_gauge(f"{total_name} {count_label(total)}", total["rate_pct"], green, amber),
                    config={"displayModeBar": False}, key="gauge_total")
with summary_column:
    if total["pending_n"]:
        st.error(t("verify.unverified.alert", lang, pending=total["pending_n"], overdue=total["overdue_n"]),
                 icon=":material/notification_important:")
    else:
        st.success(t("verify.all_verified", lang), icon=":material/check_circle:")
    figures = st.container(horizontal=True)  # wraps on a phone instead of stacking one per line
    for key in ("due_n", "on_time_n", "late_n", "overdue_n"):
        figures.metric(t(f"verify.{key}", lang), total[key], border=True)

if gauge_rows.height > 1:  # one unit in view: the gauge above is its own
    st.subheader(t("verify.units", lang))
    if map_layers.screen_class(st.context.headers) == "phone":  # five gauges a row cannot be read at 390 px
        for row in gauge_rows.iter_rows(named=True):
            band = charts.band_name(row["rate_pct"], green, amber)
            rate = "—" if row["rate_pct"] is None else f"{row['rate_pct']:.1f}%"
            st.progress(min(1.0, (row["rate_pct"] or 0) / 100),
                        text=f"**{plain(row[name])}** :{band}[**{rate}**] · {plain(count_label(row))}")
    else:
        gauges = [{"title": f"{row[name]} {count_label(row)}", "rate_pct": row["rate_pct"]}
                  for row in gauge_rows.iter_rows(named=True)]
        st.plotly_chart(charts.gauge_grid(gauges, green, amber, columns=5),
                        config={"displayModeBar": False}, key="gauge_units")

overdue = q("overdue_items", ctx.scope, limit=OVERDUE_SHOWN, **params)
st.subheader(t("verify.overdue_list", lang, n=total["overdue_n"]))
if not overdue.is_empty():
    by_unit_column, list_column = st.columns([1, 3], gap="medium")
    by_unit = (per_unit.filter(pl.col("overdue_n") > 0).sort("overdue_n", descending=True)
               .select(pl.col(name).alias(t("col.unit", lang)), pl.col("overdue_n").alias(t("col.overdue_n", lang))))
    by_unit_column.dataframe(by_unit, hide_index=True, width="stretch")
    list_column.dataframe(overdue.select(
        place_label(lang).alias(t("col.place", lang)),
        pl.col("title").alias(t("col.title", lang)),
        grade_label(lang).alias(t("col.grade", lang)),
        enum_label("status", "status", lang).alias(t("col.status", lang)),
        pl.col("verify_due_at").dt.strftime("%Y-%m-%d %H:%M").alias(t("col.due_at", lang)),
        pl.col("days_overdue").alias(t("col.days_overdue", lang)),
    ), hide_index=True, width="stretch", height=min(420, 38 + 35 * overdue.height),
        column_config={t("col.days_overdue", lang): st.column_config.NumberColumn(format="%.1f")})
    if total["overdue_n"] > overdue.height:
        list_column.caption(t("verify.overdue_shown", lang, shown=overdue.height))

days_column, monthly_column = st.columns(2, gap="large")
with days_column:  # durations in days, one decimal, as everywhere a person reads them
    st.subheader(t("verify.days", lang))
    st.plotly_chart(charts.horizontal_bars(
        per_unit[name].to_list(),
        {t("verify.days.median", lang): (per_unit["median_hours"] / 24).round(1).to_list(),
         t("verify.days.p90", lang): (per_unit["p90_hours"] / 24).round(1).to_list()},
        x_title=t("verify.days", lang)), config={"displayModeBar": False}, key="days")
with monthly_column:
    st.subheader(t("verify.monthly", lang))
    monthly = q("verification_rate_by_month", ctx.scope, **params).join(
        per_unit.select("unit_code", name), on="unit_code", how="left", nulls_equal=True
    ).with_columns(pl.col(name).fill_null(total_name))
    if per_unit.height == 1:  # the one unit's line is the total's, under the same name: draw it once
        monthly = monthly.filter(pl.col("unit_code").is_null())
    partial = under_way("month", ctx.filters.as_of(ctx.now))  # a month two days old: few items due yet
    monthly_chart = charts.lines(monthly.sort(pl.col("unit_code").is_not_null(), "month"), "month", "rate_pct", name,
                                 t("verify.rate_axis", lang), emphasised=total_name, x_format="%Y-%m")
    st.plotly_chart(charts.mark_under_way(monthly_chart, partial, t("chart.under_way", lang, days=partial[1]) if partial else ""),
                    config={"displayModeBar": False}, key="monthly")
