"""The overview's "生成简报" button: a small popover to pick the brief (daily, weekly, monthly),
its day and its format, and a download built only when clicked, for what the signed-in user may
see, and written to the audit log.

Every role that sees the overview may take a brief: it holds figures and the serious disputes a
leader is told about anyway, not a slice of the ledger (which the role's `download` right
governs), and personal data in it is masked for roles that may not see it, by the query door.
"""
from __future__ import annotations

import streamlit as st

from ledger.access import audit
from ledger.documents import briefs
from ledger.config import load_settings
from ledger.i18n import t
from queries import door
from ui.shell import PageContext, current_scope, current_user


def _formats() -> list[str]:
    return [fmt for fmt in briefs.FORMATS if fmt != "pdf" or briefs.pdf_available()]


def brief_popover(ctx: PageContext, lang: str) -> None:
    latest = briefs.data_date(ctx.snapshot)
    with st.popover(t("brief.button", lang), icon=":material/summarize:", width="stretch"):
        kind = st.segmented_control(t("brief.period", lang), briefs.PERIODS, key="brief_period", required=True,
                                    default="weekly", format_func=lambda k: t(f"brief.{k}", lang))
        day = st.date_input(t("brief.day", lang), value=latest, max_value=latest, key="brief_day",
                            format="YYYY-MM-DD")
        fmt = st.segmented_control(t("brief.format", lang), _formats(), key="brief_format", required=True,
                                   default="docx", format_func=lambda f: t(f"brief.format.{f}", lang))
        user, scope = current_user(), current_scope()

        def build() -> bytes:
            """Composed only when clicked, for the user's own scope, and audited like any download."""
            brief = briefs.compose(door(), kind, day, scope)
            audit.record(load_settings(), "download", user.username, format=fmt, brief=kind, day=day.isoformat(),
                         snapshot=brief.snapshot_id)
            return briefs.render(brief, fmt)

        st.download_button(t("brief.download", lang), data=build, file_name=briefs.file_name(kind, day, fmt),
                           mime=briefs.MIME[fmt], key="brief_download", icon=":material/download:",
                           width="stretch", on_click="ignore", help=t("brief.help", lang, snapshot=ctx.snapshot.snapshot_id))
