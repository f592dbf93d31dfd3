"""系统管理 Administration: who may sign in (read from the users file; edited with
`python -m ledger users`) and the audit log of sign-ins, downloads, edits, imports and changes."""
import polars as pl
import streamlit as st

from ledger.access import audit
from ledger import geo
from ledger.access import load_directory, users_file
from ledger.config import load_settings
from ledger.i18n import t
from ledger.workflow.alerts import load_groups
from ledger.workflow.group_robots import TOPICS, RobotError
from ledger.workflow.officers import OfficersError, load_officers, officers_file
from ui.plain_text import plain
from ui.shell import context

ctx = context()
lang = ctx.lang
settings = load_settings()

st.title(t("admin.heading", lang))
st.subheader(t("admin.users", lang))
directory = load_directory(settings)
st.caption(t("admin.users.caption", lang, path=users_file(settings).name))
people = [{t("admin.col.username", lang): user.username, t("admin.col.name", lang): user.name,
           t("admin.col.role", lang): user.role.label(lang),
           t("col.unit", lang): geo.unit_name(user.unit_code, lang) if user.unit_code else "—",
           t("admin.col.email", lang): user.email or "—"} for user, _ in directory.users.values()]
if people:
    st.dataframe(pl.DataFrame(people), hide_index=True, width="stretch")
else:
    st.info(t("admin.no_users", lang))
st.caption(t("admin.wall_tokens", lang, n=len(directory.wall_tokens)))

# The officers who receive reminders. Their phone numbers stay in the file: this page only says
# whether one is on file.
st.subheader(t("admin.officers", lang))
st.caption(t("admin.officers.caption", lang, path=officers_file(settings).name))
try:
    roster, work_groups = load_officers(settings), load_groups(settings)
except (OfficersError, RobotError) as error:  # the file's mistake, said so that the administrator can fix it
    st.error(plain(error.text(lang)), icon=":material/error:")
    roster, work_groups = [], []
officers = [{t("col.unit", lang): geo.unit_name(o.unit_code, lang),
             t("col.county", lang): geo.county_by_code()[o.county_code].name(lang) if o.county_code else "—",
             t("admin.col.name", lang): o.name,
             t("admin.col.duty", lang): t("admin.duty.head" if o.head else "admin.duty.officer", lang),
             t("admin.col.email", lang): o.email or "—",
             t("admin.col.mobile", lang): t("admin.mobile.on_file" if o.mobile else "admin.mobile.none", lang)}
            for o in roster]
if officers:
    st.dataframe(pl.DataFrame(officers), hide_index=True, width="stretch")
else:
    st.info(t("admin.no_officers", lang))
# The work groups whose robots hear reminders and alerts: named by label, never by key or secret.
groups = [{t("col.unit", lang): geo.unit_name(g.unit_code, lang) if g.unit_code else t("admin.groups.province", lang),
           t("admin.col.group", lang): g.label,
           t("admin.col.topics", lang): t("list.separator", lang).join(
               t(f"admin.topic.{topic}", lang) for topic in TOPICS if topic in g.subscribe)}
          for g in work_groups]
if groups:
    st.caption(t("admin.groups", lang, n=len(groups)))
    st.dataframe(pl.DataFrame(groups), hide_index=True, width="stretch")

st.subheader(t("admin.audit", lang))
kinds = [None, *audit.EVENTS]
kind = st.selectbox(t("admin.audit.kind", lang), kinds, format_func=lambda k: t("explorer.any", lang) if k is None
                    else t(f"audit.{k}", lang), key="audit_kind")
entries = audit.read(settings, event=kind)
if not entries:
    st.info(t("admin.audit.empty", lang))
else:
    st.dataframe(pl.DataFrame([{t("col.when", lang): e["at"].replace("T", " "), t("admin.col.event", lang):
                                t(f"audit.{e['event']}", lang), t("admin.col.username", lang): e["user"],
                                t("admin.col.details", lang): ", ".join(f"{k}={v}" for k, v in e.items()
                                                                        if k not in ("at", "event", "user"))}
                               for e in entries[:2000]]), hide_index=True, width="stretch", height=520)
