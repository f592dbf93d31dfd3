"""对账 Reconcile: the month's "100% verified, nothing wrong or missing" goal, unit by unit, and the
two-way comparison of the province's ledger with a unit's own export, with its sign-offs.

Everyone who may open the page sees the month view for their units. Running a comparison and
signing its report needs the verify right: the province's side is signed by a role that sees
every unit (the administrator), a unit's side by that unit's officer (or the administrator).
The comparison itself is ledger.workflow.reconcile, the same as `python -m ledger reconcile`.
"""
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from ledger import geo
from ledger.workflow import reconcile
from ledger.config import load_settings
from ledger.i18n import Refusal, t
from queries import q
from ui.plain_text import plain
from ui.shell import context, current_user, keep_in_url, url_value
from ui.tables import suffix

ctx = context()
lang = ctx.lang
user = current_user()
settings = load_settings()


st.title(t("rec.heading", lang))
months = reconcile.recent_months(ctx.now.date())
month = st.columns([1, 3])[0].selectbox(t("rec.month", lang), months, key="month",
                     index=months.index(url_value("month", lambda v: v if v in months else months[1], months[1])))
keep_in_url(month=month)
first, last = reconcile.month_bounds(month)

# --- the month view -----------------------------------------------------------------------------
view = q("month_reconciliation", ctx.scope, since=first, until=last, now=ctx.now)
view = reconcile.with_history(view, reconcile.discrepancy_history(settings, month), lang)
open_total, found_total = int(view["open_n"].sum()), int(view["found"].sum() - view["resolved"].sum())
if open_total == 0 and found_total == 0:
    st.success(t("rec.goal_met", lang, month=month), icon=":material/verified:")
else:
    st.warning(t("rec.goal_missed", lang, month=month, open=open_total, discrepancies=found_total), icon=":material/rule:")
st.dataframe(view.select(
    pl.col(f"name_{suffix(lang)}").alias(t("col.unit", lang)),
    pl.col("received_n").alias(t("rec.col.received", lang)),
    pl.col("on_time_n").alias(t("rec.col.on_time", lang)),
    pl.col("late_n").alias(t("rec.col.late", lang)),
    pl.col("time_unknown_n").alias(t("rec.col.time_unknown", lang)),
    pl.col("open_n").alias(t("rec.col.open", lang)),
    pl.col("verified_pct").alias(t("rec.col.verified_pct", lang)),
    pl.col("found").alias(t("rec.col.found", lang)),
    pl.col("resolved").alias(t("rec.col.resolved", lang)),
    pl.col("signed").alias(t("rec.col.signed", lang)),
), hide_index=True, width="stretch", column_config={  # verified at all, not on time: said where it is read
    t("rec.col.verified_pct", lang): st.column_config.NumberColumn(help=t("rec.col.verified_pct.help", lang))})

# --- one unit's comparison ----------------------------------------------------------------------
st.subheader(t("rec.compare", lang))
if not user.role.verify:
    st.caption(t("rec.read_only", lang))
    st.stop()
units = view["unit_code"].drop_nulls().to_list()  # 属地待定 has no unit to compare with
unit = st.selectbox(t("app.units", lang), units, format_func=lambda c: geo.unit_name(c, lang), key="rec_unit")
upload = st.file_uploader(t("rec.upload", lang), type=["xlsx", "xls", "ods", "csv", "json", "jsonl"], key="rec_file")
if upload is not None and st.button(t("rec.run", lang), type="primary", icon=":material/compare_arrows:"):
    with tempfile.TemporaryDirectory() as folder, st.spinner(t("rec.running", lang)):
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            result = reconcile.reconcile(ctx.snapshot, ctx.scope, unit, month, path)
        except ValueError as error:  # a Refusal (the reconciliation's, or the reader's naming the file and the limit)
            reason = error.text(lang) if isinstance(error, Refusal) else str(error)
            st.error(t("rec.unreadable", lang, detail=plain(reason)), icon=":material/error:")
            st.stop()
    reconcile.record_run(settings, result, user.username)
    st.session_state["rec_result"] = result

result = st.session_state.get("rec_result")
if result is None or (result.unit_code, result.month) != (unit, month):
    st.caption(t("rec.hint", lang))
    st.stop()
counts = result.counts
for column, (kind, names) in zip(st.columns(4), reconcile.KINDS.items()):
    column.metric(names.text(lang), counts[kind], border=True)
st.caption(t("rec.summary", lang, province=result.province_n, unit=result.unit_n, report=result.report_id,
             file=result.file_name))
st.dataframe(reconcile.report_frame(result, lang), hide_index=True, width="stretch",
             height=min(480, 38 + 35 * max(result.discrepancies.height, 1)))
signed = reconcile.signoffs(settings, unit, month)
st.download_button(t("rec.download", lang), data=lambda: reconcile.report_xlsx(result, signed, lang),
                   file_name=t("rec.book.file_name", lang, unit=geo.unit_name(unit, lang), month=month), icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")

may_sign = {"province": user.units is None, "unit": user.units is None or unit in user.units}
for column, (side, names) in zip(st.columns(2), reconcile.SIDES.items()):
    name = names.text(lang)
    done = next((s for s in reversed(signed) if s["side"] == side and s["report_id"] == result.report_id), None)
    if done:
        column.success(t("rec.signed", lang, side=name, by=done["by"], at=done["at"]), icon=":material/draw:")
    elif may_sign[side] and column.button(t("rec.sign", lang, side=name), key=f"sign_{side}"):
        reconcile.sign_off(settings, result, side, user.username)
        st.rerun()
