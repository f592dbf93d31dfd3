"""等级确认 Grade confirmation: the grade I and II disputes waiting for the province, the oldest
first, with a form for a provincial leader or an administrator to confirm a grade or send it back
to its unit with a reason (ledger/workflow/grade_review.py); and the grades sent back in the last 30 days.
The sidebar's filters do not apply: nothing waiting may be hidden by a date window."""
from datetime import timedelta

import polars as pl
import streamlit as st

from ledger.workflow import grade_review
from ledger.config import load_settings
from ledger.i18n import t
from queries import q
from ui.plain_text import plain
from ui.shell import context, current_user
from ui.tables import suffix

REJECTED_DAYS = 30

ctx = context()
lang = ctx.lang
user = current_user()
name = f"unit_name_{suffix(lang)}"

st.title(t("grades.heading", lang))
rows = q("grade_reviews", ctx.scope, since=ctx.now - timedelta(days=REJECTED_DAYS), now=ctx.now)
pending = rows.filter(pl.col("grade_review") == "pending")
rejected = rows.filter(pl.col("grade_review") == "rejected")
st.caption(t("grades.caption", lang, pending=pending.height, rejected=rejected.height))


def shown(frame: pl.DataFrame, *extra: tuple[str, str]) -> pl.DataFrame:
    return frame.select(
        pl.col("item_id").alias(t("col.item_id", lang)),
        pl.col(name).alias(t("col.unit", lang)),
        pl.format(t("grade.short", lang, grade="{}"), pl.col("grade")).alias(t("col.grade", lang)),
        pl.col("title").alias(t("col.title", lang)),
        pl.col("participants_text").alias(t("col.participants", lang)),
        pl.col("captured_at").dt.strftime("%Y-%m-%d %H:%M").alias(t("col.captured_at", lang)),
        *(pl.col(column).cast(pl.String).alias(t(key, lang)) for column, key in extra))


st.subheader(t("grades.pending", lang))
if pending.is_empty():
    st.success(t("grades.none", lang), icon=":material/check_circle:")
else:
    st.dataframe(shown(pending, ("waiting_days", "col.waiting_days")), hide_index=True, width="stretch")
    if not grade_review.can_review(user):
        st.info(t("grades.read_only", lang), icon=":material/info:")
    else:
        with st.form("grade_review_form"):
            labels = dict(zip(pending["item_id"], pending["title"]))
            item_id = st.selectbox(t("grades.pick", lang), list(labels), format_func=lambda i: f"{i} · {labels[i][:40]}")
            decision = st.radio(t("grades.decision", lang), list(grade_review.DECISIONS), horizontal=True,
                                format_func=lambda d: t(f"grades.{d}", lang))
            note = st.text_area(t("grades.note", lang), max_chars=500)
            if st.form_submit_button(t("grades.save", lang), type="primary"):
                try:
                    grade_review.review(load_settings(), item_id, decision, user, note)
                except grade_review.ReviewError as error:
                    st.error(plain(error.text(lang)), icon=":material/error:")
                else:
                    st.success(t("grades.saved", lang, decision=t(f"grades.{decision}", lang), item=plain(item_id)),
                               icon=":material/check_circle:")

if not rejected.is_empty():
    st.subheader(t("grades.rejected", lang))
    st.dataframe(shown(rejected, ("grade_review_note", "col.review_note"), ("grade_reviewed_by", "col.reviewed_by")),
                 hide_index=True, width="stretch")
