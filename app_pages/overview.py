"""总览 Overview: a leader's quick look. Four headline figures with their change, 今日要务 (what
needs action today, ranked, each line a link to the page that acts on it: ui/today.py), and the
five most serious open disputes; beside the title, the daily, weekly or monthly brief to download."""
import streamlit as st

from ledger.i18n import t
from queries import q_all
from ui.brief_button import brief_popover
from ui.shell import context, current_user, scope_label
from ui.today import draw_actions, todays_actions
from ui.tables import show_disputes

ctx = context()
lang = ctx.lang
params = {**ctx.filters.params(), "now": ctx.now}

title_column, brief_column = st.columns([5, 1], vertical_alignment="bottom")
title_column.title(t("overview.heading", lang))
with brief_column:
    brief_popover(ctx, lang)
st.caption(t("overview.caption", lang, since=ctx.filters.since, until=ctx.filters.until, scope=scope_label(ctx)))

kpis, serious = q_all(("overview_kpis", ctx.scope, params), ("active_disputes_on_map", ctx.scope, {**params, "limit": 5}))
k = kpis.row(0, named=True)
# A row that wraps (two by two on a phone) rather than columns, which a phone stacks one per line.
row = st.container(horizontal=True)
active = new = on_time = overdue = row
active.metric(t("overview.active", lang), k["active_n"], delta=k["active_n"] - k["active_week_ago_n"],
              delta_color="inverse", help=t("overview.active.help", lang), border=True)
new.metric(t("overview.new_7d", lang), k["new_7d_n"], delta=k["new_7d_n"] - k["new_prev_7d_n"],
           delta_color="inverse", help=t("overview.new_7d.help", lang), border=True)
on_time_delta = (None if k["on_time_pct"] is None or k["prev_on_time_pct"] is None
                 else t("overview.points", lang, delta=f"{k['on_time_pct'] - k['prev_on_time_pct']:+.1f}"))
on_time.metric(t("overview.on_time", lang), "—" if k["on_time_pct"] is None else f"{k['on_time_pct']:.1f}%",
               delta=on_time_delta, help=t("overview.on_time.help", lang, on_time=k["on_time_n"], due=k["due_n"]),
               border=True)
overdue.metric(t("overview.overdue", lang), k["overdue_n"], delta=k["overdue_n"] - k["overdue_week_ago_n"],
               delta_color="inverse", help=t("overview.overdue.help", lang), border=True)

draw_actions(todays_actions(ctx, current_user().role), lang)

st.subheader(t("overview.serious", lang))
if serious.is_empty():
    st.info(t("overview.serious.empty", lang))
else:
    show_disputes(serious, lang, ["title", "place", "industry", "grade", "participants", "status",
                                  "days_open"])
