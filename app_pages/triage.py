"""属地分派 Place triage: the province's queue of items whose place could not be read (属地待定),
the oldest first with why, and a form for an analyst or administrator to give one its reporting
unit and, if known, its county or town (ledger/workflow/assign.py). The assignment is journalled with who
and when, the item's deadline starts from then, and the dashboards follow through a rebuild.
The sidebar's filters do not apply: no waiting item may be hidden by a date window."""
import polars as pl
import streamlit as st

from ledger.workflow import assign
from ledger import geo
from ledger.config import load_settings
from ledger.i18n import t
from queries import q
from ui.plain_text import plain
from ui.shell import context, current_user
from ui.tables import enum_label, grade_label

SHOWN = 500

ctx = context()
lang = ctx.lang
user = current_user()
settings = load_settings()

st.title(t("triage.heading", lang))
queue = q("triage_queue", ctx.scope, limit=SHOWN)
total = queue["total_n"][0] if queue.height else 0
st.caption(t("triage.caption", lang, n=total))
if queue.is_empty():
    st.success(t("triage.none", lang), icon=":material/check_circle:")
    st.stop()

st.dataframe(queue.select(
    pl.col("item_id").alias(t("col.item_id", lang)),
    pl.col("captured_at").dt.strftime("%Y-%m-%d %H:%M").alias(t("col.captured_at", lang)),
    pl.col("title").alias(t("col.title", lang)),
    pl.col("place_reason").alias(t("col.place_reason", lang)),
    grade_label(lang).alias(t("col.grade", lang)),
    enum_label("status", "status", lang).alias(t("col.status", lang)),
), hide_index=True, width="stretch", height=min(420, 38 + 35 * queue.height))
if total > queue.height:
    st.caption(t("triage.shown", lang, n=queue.height))

if not assign.can_triage(user):
    st.info(t("triage.read_only", lang), icon=":material/info:")
    st.stop()

titles = dict(zip(queue["item_id"], queue["title"]))
item_id = st.selectbox(t("triage.pick", lang), list(titles), format_func=lambda i: f"{i} · {titles[i][:40]}")
picked = queue.filter(pl.col("item_id") == item_id).row(0, named=True)
if picked["summary"]:
    st.text(picked["summary"])  # text, never Markdown: it came from outside
units = {u.code: u for u in geo.units()}
left, right = st.columns(2)
unit_code = left.selectbox(t("triage.unit", lang), list(units),
                           format_func=lambda c: f"{geo.region_name(units[c].region, lang)} · {units[c].name(lang)}")
counties = {c.code: c for c in geo.counties() if c.unit_code == unit_code}
county_code = right.selectbox(t("triage.county", lang), [None, *counties],
                              format_func=lambda c: counties[c].name(lang) if c else t("triage.county_none", lang))
if st.button(t("triage.save", lang), type="primary", icon=":material/move_location:"):
    try:
        assign.assign_place_as(settings, user, item_id, unit_code, county_code)
    except assign.AssignmentError as error:
        st.error(plain(error.text(lang)), icon=":material/error:")
    else:
        st.success(t("triage.saved", lang, item=plain(item_id), unit=units[unit_code].name(lang)),
                   icon=":material/check_circle:")
