"""趋势研判 Trends: collective disputes by industry week by week or month by month against last
year, around the Spring Festival (when wage-arrears disputes peak), and broken down the ways the
union studies them. Opens with a summary written from the data. Choices kept in the URL
(?grain=week&dim=demands&table=1)."""
import polars as pl
import streamlit as st

from ledger import reference, summaries
from ledger.summaries import against_last_year, top_and_other
from ledger.i18n import t
from ledger.periods import under_way
from ledger.schema import ENUMS
from queries import q
from ui import charts
from ui.shell import context, keep_in_url, one_of, scope_label, url_value
from ui.tables import suffix

TOP_INDUSTRIES = 6  # the rest are stacked as "other industries"
DIMENSIONS = ["demands", "ownership", "union_present", "action_forms", "grade", "source"]
ENUM_OF = {"demands": "demand", "ownership": "ownership", "action_forms": "action_form", "grade": "grade",
           "source": "source"}

ctx = context()
lang = ctx.lang
params = {**ctx.filters.params(), "now": ctx.now}
chart_config = {"displayModeBar": False}

st.title(t("trends.heading", lang))
st.caption(t("trends.caption", lang, since=ctx.filters.since, until=ctx.filters.until, scope=scope_label(ctx)))

changes = q("industry_change_summary", ctx.scope, until=ctx.filters.until, units=params["units"],
            industries=params["industries"], now=ctx.now)
with st.container(border=True):
    st.markdown(f"**{t('trends.summary', lang)}**")
    st.markdown("\n".join(f"- {line}" for line in summaries.industry_summary(changes.to_dicts(), lang)))

# --- by industry, against last year --------------------------------------------------------
st.subheader(t("trends.by_industry", lang))
grain = st.segmented_control(t("trends.grain", lang), ["week", "month"], key="trends_grain", required=True,
                             default=url_value("grain", one_of(["week", "month"]), "month"),
                             format_func=lambda g: t(f"trends.grain.{g}", lang)) or "month"
by_period = q("disputes_by_industry_period", ctx.scope, grain=grain, **params)
name = f"industry_name_{suffix(lang)}"
if by_period["n"].sum() == 0:
    st.info(t("trends.empty", lang))
else:
    stacked = top_and_other(by_period, name, TOP_INDUSTRIES, t("trends.other_industries", lang))
    x_format = "%Y-%m" if grain == "month" else "%m-%d"
    bars_column, lines_column = st.columns([3, 2], gap="large")
    partial = under_way(grain, ctx.filters.as_of(ctx.now))
    partial_label = t("chart.under_way", lang, days=partial[1]) if partial else ""
    bars = charts.stacked_bars(stacked, "period", "n", name, t("trends.count_axis", lang))
    bars.update_xaxes(tickformat=x_format, hoverformat=x_format)
    charts.mark_under_way(bars, partial, partial_label)
    bars_column.plotly_chart(bars, config=chart_config, key="industry_bars")
    versus = against_last_year(by_period, t("trends.this_year", lang), t("trends.last_year", lang))
    lines_column.markdown(f"**{t('trends.total_vs_last_year', lang)}**")
    versus_chart = charts.lines(versus, "period", "count", "series", t("trends.count_axis", lang),
                                emphasised=t("trends.this_year", lang), x_format=x_format,
                                dash={t("trends.last_year", lang): "dash"})
    lines_column.plotly_chart(charts.mark_under_way(versus_chart, partial, partial_label), config=chart_config,
                              key="versus_last_year")
    if partial:  # last year's figure for it counts the same days, so the two compare like with like
        lines_column.caption(t("trends.under_way_note", lang, days=partial[1]))

# --- around the Spring Festival ------------------------------------------------------------
st.subheader(t("trends.festival", lang))
st.caption(t("trends.festival.caption", lang))
wage_only = st.toggle(t("trends.festival.wage_only", lang), key="festival_wage_only",
                      value=url_value("wage", one_of(["0", "1"]), "1") == "1")
festivals = [day for year, day in sorted(reference.spring_festivals().items()) if ctx.now.year - 3 <= year <= ctx.now.year + 1]
around = q("disputes_around_festival", ctx.scope, units=params["units"], industries=params["industries"],
           festivals=festivals, weeks_before=10, weeks_after=6, demand="wage_arrears" if wage_only else None,
           now=ctx.now)
around = around.with_columns(pl.struct("festival_year", "festival_day").map_elements(
    lambda r: t("trends.festival.year", lang, year=r["festival_year"], day=r["festival_day"].strftime("%m-%d")),
    return_dtype=pl.String).alias("festival"))
latest = around["festival"].max() if not around.is_empty() else None
festival_chart = charts.lines(around.sort("festival_year", "week_from_festival"), "week_from_festival", "n", "festival",
                              t("trends.count_axis", lang), emphasised=latest)
festival_chart.update_xaxes(title_text=t("trends.festival.axis", lang), dtick=1, zeroline=True,
                            zerolinecolor=charts.RED, zerolinewidth=2)
st.plotly_chart(festival_chart, config=chart_config, key="festival")

# --- breakdowns ----------------------------------------------------------------------------
st.subheader(t("trends.breakdown", lang))
st.caption(t("trends.breakdown.caption", lang))
dimension_column, table_column = st.columns([4, 1])
dimension = dimension_column.segmented_control(
    t("trends.dimension", lang), DIMENSIONS, key="trends_dim", required=True,
    default=url_value("dim", one_of(DIMENSIONS), "demands"),
    format_func=lambda d: t(f"trends.dim.{d}", lang)) or "demands"
as_table = table_column.toggle(t("trends.as_table", lang), key="trends_table",
                               value=url_value("table", one_of(["0", "1"]), "0") == "1")
keep_in_url(grain=None if grain == "month" else grain, dim=None if dimension == "demands" else dimension,
            table="1" if as_table else None, wage=None if wage_only else "0")

breakdown = q("disputes_breakdown", ctx.scope, dimension=dimension, **params)


def key_label(key: str) -> str:
    if key in ("yes", "no", "unknown"):
        return t(f"value.{key}", lang)
    return ENUMS[ENUM_OF[dimension]].label(key, lang)


labels = [key_label(k) for k in breakdown["key"].to_list()]
if as_table:
    st.dataframe(pl.DataFrame({
        t("col.category", lang): labels,
        t("col.n", lang): breakdown["n"],
        t("col.n_prev", lang): breakdown["n_prev"],
        t("col.change_pct", lang): [None if p == 0 else round(100 * (n - p) / p) for n, p in
                                    zip(breakdown["n"], breakdown["n_prev"])],
    }), hide_index=True, width="stretch", column_config={
        t("col.change_pct", lang): st.column_config.NumberColumn(format="%+d%%")})
else:
    st.plotly_chart(charts.horizontal_bars(labels, {t("trends.this_year", lang): breakdown["n"].to_list(),
                                                    t("trends.prev", lang): breakdown["n_prev"].to_list()},
                                           x_title=t("trends.count_axis", lang), height=120 + 36 * len(labels)),
                    config=chart_config, key="breakdown")
