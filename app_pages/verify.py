"""核实办理 Verify: an information officer's queue and the form that records what they found.

The queue holds every item of the officer's unit that is not verified yet, the most urgent
first (overdue, then due soon, then new). Choosing one shows the item, its history and the
form; saving goes through ledger.workflow.verify (scope, rules, conflicts) into the journal, and a
snapshot rebuild is started at once so the dashboards show it within a minute. If another
officer saved the same item since the form was opened, the form keeps what this officer typed,
says who changed what, and offers to load the newer values before saving again.
"""
import polars as pl
import streamlit as st

from ledger.config import load_settings
from ledger.i18n import t
from ledger.workflow.remind import due_soon_hours
from ledger.schema import COLUMN_BY_NAME, GRADE, OWNERSHIP, VERIFICATION_RESULT, column_label
from ledger.workflow.verify import ConflictError, Verification, VerificationError, load_item, save
from queries import q
from ui import map_layers
from ui.shell import context, current_user, keep_in_url, scope_label
from ui.tables import grade_label, item_timeline, place_label
from ui.plain_text import plain

QUEUE_SHOWN = 300

ctx = context()
lang = ctx.lang
user = current_user()
settings = load_settings()
SOON_HOURS = due_soon_hours(settings)  # "due soon" here and in the reminders' first stage
phone = map_layers.screen_class(st.context.headers) == "phone"
# Items saved in this session whose change the current snapshot does not show yet: kept out of
# the queue (and counted in a note) until the rebuild started at saving has landed.
saved = {item_id: when for item_id, when in st.session_state.get("verify_saved", {}).items()
         if when > ctx.snapshot.created_at}
st.session_state["verify_saved"] = saved

st.title(t("work.heading", lang))
st.caption(t("work.caption", lang, scope=scope_label(ctx), soon=SOON_HOURS))

filters = ctx.filters.params()
queue = q("verification_queue", ctx.scope, now=ctx.now, soon_hours=SOON_HOURS, limit=QUEUE_SHOWN,
          units=filters["units"], industries=filters["industries"])
queue = queue.filter(~pl.col("item_id").is_in(list(saved)))
counts = queue.row(0, named=True) if queue.height else {"n_overdue": 0, "n_due_soon": 0, "n_new": 0}
figures = st.container(horizontal=True)  # wraps on a phone instead of stacking one per line
for state in ("overdue", "due_soon", "new"):
    figures.metric(t(f"work.state.{state}", lang), counts[f"n_{state}"], border=True)
if saved:
    st.info(t("work.saved_pending", lang, n=len(saved)), icon=":material/hourglass_top:")


def time_left(hours: float | None) -> str:
    if hours is None:
        return t("work.unassigned", lang)
    if hours <= 0:  # due now counts as overdue, as the queue's state says (never "剩 -0 小时")
        return t("work.overdue_by", lang, days=f"{-hours / 24:.0f}") if hours <= -24 else t("work.overdue_by_hours", lang, hours=f"{-hours:.0f}")
    return t("work.left", lang, hours=f"{hours:.0f}") if hours >= 1 else t("work.left_under_hour", lang)


queue_column, form_column = st.columns([6, 5], gap="large")
with queue_column:
    if queue.is_empty():
        st.success(t("work.queue_empty", lang), icon=":material/check_circle:")
        picked_id = None
    else:
        shown = queue.select(
            pl.col("state").replace_strict({s: t(f"work.state.{s}", lang) for s in ("overdue", "due_soon", "new")})
            .alias(t("work.col.state", lang)),
            pl.col("hours_left").map_elements(time_left, return_dtype=pl.String, skip_nulls=False).alias(t("work.col.left", lang)),
            place_label(lang).alias(t("col.place", lang)),
            pl.col("title").alias(t("col.title", lang)),
            grade_label(lang).alias(t("col.grade", lang)),
        )
        if phone:  # a table four columns wide hides the titles at 390 px; a list to pick from, searchable
            labels = dict(zip(queue["item_id"], [" · ".join(r) for r in shown.select(
                shown.columns[0], shown.columns[1], shown.columns[3], shown.columns[2]).iter_rows()]))
            linked = st.query_params.get("item")
            picked_id = st.selectbox(t("work.pick", lang), list(labels), format_func=labels.get,
                                     index=list(labels).index(linked) if linked in labels else None,
                                     placeholder=t("work.pick_placeholder", lang), key=f"verify_pick_{len(saved)}")
            picked_id = picked_id or linked
        else:
            picked = st.dataframe(shown, hide_index=True, width="stretch", height=min(560, 38 + 35 * queue.height),
                                  on_select="rerun", selection_mode="single-row", key=f"verify_queue_{len(saved)}",
                                  column_config={t("col.title", lang): st.column_config.Column(width=300),
                                                 t("work.col.state", lang): st.column_config.Column(width=70),
                                                 # wide enough for "超期 16 小时" and "剩 23 小时"
                                                 t("work.col.left", lang): st.column_config.Column(width=100)})
            rows = picked.selection.rows
            picked_id = queue["item_id"][rows[0]] if rows else st.query_params.get("item")
        if queue.height == QUEUE_SHOWN:
            st.caption(t("work.queue_shown", lang, n=QUEUE_SHOWN))

with form_column:
    if not picked_id:
        st.caption(t("work.pick_hint", lang))
        st.stop()
    found = q("items_by_id", ctx.scope, ids=[picked_id])
    if found.is_empty():  # not in this officer's scope, or a stale link
        st.warning(t("work.not_found", lang, item_id=plain(picked_id)), icon=":material/search_off:")
        st.stop()
    keep_in_url(item=picked_id)
    base_key = f"verify_base_{picked_id}"
    if base_key not in st.session_state:
        st.session_state[base_key] = load_item(settings, picked_id, ctx.scope)
    base = st.session_state[base_key]
    item = base.item

    st.subheader(plain(item["title"]), anchor=False)
    st.caption(t("work.item_meta", lang, item_id=plain(item["item_id"]), captured=f"{item['captured_at']:%Y-%m-%d %H:%M}",
                 due=f"{item['verify_due_at']:%Y-%m-%d %H:%M}" if item["verify_due_at"] else "—"))
    if item["summary"]:
        st.text(item["summary"])
    with st.expander(t("explorer.history", lang)):
        st.dataframe(item_timeline(item, ctx.scope, lang), hide_index=True, width="stretch")

    def pick(label_key: str, options: list, current, format_func, key: str):
        index = options.index(current) if current in options else 0
        return st.selectbox(label_key, options, index=index, format_func=format_func, key=key)

    k = f"verify_{picked_id}_"  # widget keys per item, so what was typed survives a conflict
    with st.form(f"verify_form_{picked_id}"):
        result = st.radio(column_label("verification_result", lang), VERIFICATION_RESULT.codes, horizontal=True,
                          index=VERIFICATION_RESULT.codes.index(item["verification_result"]) if item["verification_result"] else None,
                          format_func=lambda c: VERIFICATION_RESULT.label(c, lang), key=k + "result")
        duplicate_of = st.text_input(t("work.duplicate_of", lang), value=item["duplicate_of"] or "", key=k + "dup")
        notes = st.text_area(t("work.notes", lang), value=item["verification_notes"] or "", key=k + "notes",
                             placeholder=t("work.notes_hint", lang))
        left, middle, right = st.columns(3)
        with left:
            enterprise = st.text_input(column_label("enterprise", lang), value=item["enterprise"] or "", key=k + "ent")
            ownership = pick(column_label("ownership", lang), [None, *OWNERSHIP.codes], item["ownership"],
                             lambda c: OWNERSHIP.label(c, lang) if c else t("work.unknown", lang), k + "own")
        with middle:
            union = pick(column_label("union_present", lang), [None, True, False], item["union_present"],
                         lambda v: t("work.unknown", lang) if v is None else t("work.yes" if v else "work.no", lang), k + "union")
            grade = pick(column_label("grade", lang), [None, *GRADE.codes], item["grade"],
                         lambda c: GRADE.label(c, lang) if c else t("grade.none", lang), k + "grade")
        with right:
            low = st.number_input(column_label("participants_low", lang), min_value=0, step=1,
                                  value=item["participants_low"], key=k + "low")
            high = st.number_input(column_label("participants_high", lang), min_value=0, step=1,
                                   value=item["participants_high"], key=k + "high")
        disposition = st.text_area(column_label("disposition", lang), value=item["disposition"] or "", key=k + "disp")
        proactive = st.checkbox(t("work.proactive", lang), value=bool(item["proactive"]), key=k + "pro")
        close = st.checkbox(t("work.close", lang), value=item["status"] == "closed", key=k + "close")
        submitted = st.form_submit_button(t("work.save", lang), type="primary", icon=":material/save:")

    if submitted:
        verification = Verification(
            result=result or "", notes=notes, duplicate_of=duplicate_of, enterprise=enterprise, ownership=ownership,
            union_present=union, participants_low=None if low is None else int(low),
            participants_high=None if high is None else int(high), grade=grade, disposition=disposition,
            proactive=proactive, close=close)
        try:
            change = save(settings, base, verification, user)
        except VerificationError as error:
            st.error(plain(error.text(lang)), icon=":material/error:")  # it may quote what was typed
        except ConflictError as conflict:
            st.session_state["verify_conflict"] = (picked_id, conflict.others)
        else:
            if change is None:
                st.info(t("work.nothing_changed", lang), icon=":material/info:")
            else:
                saved[picked_id] = ctx.now
                del st.session_state[base_key]
                st.toast(t("work.saved", lang, item_id=plain(picked_id)), icon=":material/check_circle:")
                st.query_params.pop("item", None)
                st.rerun()

    conflict = st.session_state.get("verify_conflict")
    if conflict and conflict[0] == picked_id:
        for other in conflict[1]:
            st.error(t("work.conflict", lang, who=other.recorded_by, when=f"{other.recorded_at:%H:%M}",
                       fields=t("list.separator", lang).join(column_label(f, lang) if f in COLUMN_BY_NAME
                                                            else t(f"work.other.{f}", lang) for f in other.fields)),
                     icon=":material/sync_problem:")
        if st.button(t("work.reload", lang), icon=":material/refresh:"):
            st.session_state[base_key] = load_item(settings, picked_id, ctx.scope)
            del st.session_state["verify_conflict"]
            st.rerun()
