"""总览 Overview: a leader's quick look. Four headline figures with their change, a warning
when anything is overdue, and the five most serious open disputes."""
import polars as pl
import streamlit as st

from ledger.i18n import t
from ledger.schema import STATUS
from queries import q
from ui.shell import context, scope_label

ctx = context()
lang = ctx.lang
params = {**ctx.filters.params(), "now": ctx.now}

st.title(t("overview.heading", lang))
st.caption(t("overview.caption", lang, since=ctx.filters.since, until=ctx.filters.until, scope=scope_label(ctx)))

k = q("overview_kpis", ctx.scope, **params).row(0, named=True)
active, new, on_time, overdue = st.columns(4)
active.metric(t("overview.active", lang), k["active_n"], delta=k["active_n"] - k["active_week_ago_n"],
              delta_color="inverse", help=t("overview.active.help", lang), border=True)
new.metric(t("overview.new_7d", lang), k["new_7d_n"], delta=k["new_7d_n"] - k["new_prev_7d_n"],
           delta_color="inverse", help=t("overview.new_7d.help", lang), border=True)
on_time_delta = (None if k["on_time_pct"] is None or k["prev_on_time_pct"] is None
                 else f"{k['on_time_pct'] - k['prev_on_time_pct']:+.1f} pp")
on_time.metric(t("overview.on_time", lang), "—" if k["on_time_pct"] is None else f"{k['on_time_pct']:.1f}%",
               delta=on_time_delta, help=t("overview.on_time.help", lang, on_time=k["on_time_n"], due=k["due_n"]),
               border=True)
overdue.metric(t("overview.overdue", lang), k["overdue_n"], delta=k["overdue_n"] - k["overdue_week_ago_n"],
               delta_color="inverse", help=t("overview.overdue.help", lang), border=True)

if k["overdue_n"]:
    st.warning(t("overview.overdue.alert", lang, n=k["overdue_n"]), icon=":material/schedule:")
else:
    st.success(t("overview.all_verified", lang), icon=":material/check_circle:")

st.subheader(t("overview.serious", lang))
serious = q("most_serious_open_disputes", ctx.scope, limit=5, **params)
if serious.is_empty():
    st.info(t("overview.serious.empty", lang))
else:
    suffix = "zh" if lang == "zh" else "en"
    table = serious.select(
        pl.col("title").alias(t("overview.col.title", lang)),
        pl.concat_str([pl.col(f"unit_name_{suffix}"), pl.col(f"county_name_{suffix}")], separator=" · ",
                      ignore_nulls=True).alias(t("overview.col.place", lang)),
        pl.col("enterprise").alias(t("overview.col.enterprise", lang)),
        pl.col(f"industry_name_{suffix}").alias(t("overview.col.industry", lang)),
        (pl.col("grade") + pl.lit("级" if lang == "zh" else "")).fill_null(t("grade.none", lang))
          .alias(t("overview.col.grade", lang)),
        pl.col("participants_text").alias(t("overview.col.participants", lang)),
        pl.col("status").map_elements(lambda s: STATUS.label(s, lang), return_dtype=pl.String)
          .alias(t("overview.col.status", lang)),
        pl.col("days_open").alias(t("overview.col.days_open", lang)),
    )
    widths = {"title": 300, "place": 125, "enterprise": 220, "industry": 140, "grade": 64,
              "participants": 90, "status": 80, "days_open": 72}  # pixels: fits a 1366-pixel screen
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        t(f"overview.col.{name}", lang): st.column_config.Column(width=px) for name, px in widths.items()
    })
