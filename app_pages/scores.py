"""考核排名 Scores: each unit's information work for a month, quarter or year, scored and ranked
by the rules of data/reference/scoring.toml, with its parts, its change from the period before,
the units proposed for commendation (通报表扬), and the rules themselves.

The period has its own picker (the sidebar's date window does not apply: an assessment covers
whole periods). A city officer sees only their unit's score, computed from their unit's items
alone, without rank or commendation, which only a ranking of every unit can give. The scoring
is ledger.assessment.scoring, the same as `python -m ledger scores`.
"""
import streamlit as st

from ledger.access import audit
from ledger import periods
from ledger.assessment import scoring
from ledger.documents import ranking as ranking_document
from ledger.config import load_settings
from ledger.i18n import t
from ui.shell import context, current_user, keep_in_url, url_value

KINDS = ("year", "quarter", "month")
CHOICES = {"year": 5, "quarter": 8, "month": 24}  # how many periods back the picker offers

ctx = context()
lang = ctx.lang
user = current_user()
settings = load_settings()
today = ctx.now.date()


st.title(t("score.heading", lang))
linked = url_value("period", scoring.parse_period, periods.recent("quarter", today, 2)[1])  # a ScoringError is a ValueError
kind_column, period_column, _ = st.columns([1, 1, 2])
kind = kind_column.segmented_control(t("score.kind", lang), KINDS, key="score_kind", required=True,
                                     default=linked.kind, format_func=lambda k: t(f"score.kind.{k}", lang)) or linked.kind
options = [str(p) for p in periods.recent(kind, today, CHOICES[kind])]
if linked.kind == kind and str(linked) not in options:
    options.append(str(linked))
wanted = str(linked) if linked.kind == kind else options[1]  # else the last whole period
period = scoring.parse_period(period_column.selectbox(
    t("score.period", lang), options, index=options.index(wanted), key=f"score_period_{kind}",
    format_func=lambda code: scoring.parse_period(code).label(lang)))
keep_in_url(period=str(period))

ranking = scoring.score(ctx.snapshot, settings, period, ctx.scope)
st.caption(t("score.caption", lang, period=period.label(lang), since=period.first, until=period.last,
             snapshot=ranking.snapshot_id, as_of=f"{ranking.as_of:%Y-%m-%d %H:%M}",
             previous=period.previous().label(lang)))
if not ranking.complete:
    st.info(t("score.partial", lang), icon=":material/info:")
st.dataframe(ranking_document.table(ranking, lang), hide_index=True, width="stretch")

rules = ranking.rules
if ranking.complete:
    st.subheader(t("score.commendation", lang))
    commended = ranking.commended()
    if commended.is_empty():
        st.info(t("score.commended_none", lang, top=rules.commend_top, min_score=f"{rules.commend_min_score:g}"),
                icon=":material/info:")
    else:
        names = t("list.separator", lang).join(commended["name_zh" if lang == "zh" else "name_en"])
        st.success(t("score.commended", lang, names=names, top=rules.commend_top,
                     min_score=f"{rules.commend_min_score:g}"), icon=":material/military_tech:")

with st.expander(t("score.rules", lang)):
    st.markdown("\n".join(f"{n}. {line}" for n, line in enumerate(scoring.describe(rules, lang), start=1)))
    st.caption(t("score.rules_source", lang))


def download(fmt: str) -> bytes:
    """Built only when the button is clicked, and written to the audit log like every download.
    Every role that sees the page may take both files, leaders included (whose role may not
    download ledger slices): they hold per-unit figures only, nothing personal, and the notice is
    what a leader signs and sends."""
    audit.record(settings, "download", user.username, format=fmt, what="scores", period=str(period),
                 snapshot=ranking.snapshot_id)
    return ranking_document.ranking_xlsx(ranking, lang) if fmt == "xlsx" else ranking_document.notice_docx(ranking)


xlsx_column, docx_column, _ = st.columns([1, 1, 2])
xlsx_column.download_button(
    t("score.download_xlsx", lang), data=lambda: download("xlsx"), file_name=t("score.file.xlsx", lang, period=period),
    icon=":material/download:", on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
if ranking.complete:
    docx_column.download_button(
        t("score.download_docx", lang), data=lambda: download("docx"), file_name=t("score.file.docx", lang, period=period),
        icon=":material/description:", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
