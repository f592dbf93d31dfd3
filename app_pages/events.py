"""事件跟踪 Events: large or complex disputes reported in stages, "facts fast, causes with care".

The list holds every open event (and, on request, those closed lately), the late ones first and
marked in red; choosing one shows its reports as a timeline — the facts, and apart from them the
causes, labelled as reported with care — the ledger items it links and where it is. City
officers and administrators file the next report, or open a new event from ledger item ids
(the explorer links here with `?new=ITEM_ID`); the rules live in ledger/workflow/events.py, and the
snapshot is rebuilt at once so the page shows what was filed. Ledger text is shown as plain text.
"""
from datetime import timedelta

import polars as pl
import pydeck as pdk
import streamlit as st

from ledger import geo
from ledger.config import load_settings
from ledger.workflow.events import EventError, Report, add_report, allowed_next, open_event, shown, split_item_ids
from ledger.i18n import t
from ledger.schema import EVENT_STAGE
from queries import q
from ui import map_layers
from ui.plain_text import plain
from ui.shell import context, current_user, keep_in_url, url_value
from ui.tables import show_disputes, suffix

CLOSED_DAYS = 30
OVERDUE_RED, OPEN_BLUE, CLOSED_GREY = [200, 16, 46, 235], [58, 110, 165, 225], [128, 128, 128, 190]
MAP_HEIGHT = 360

ctx = context()
lang = ctx.lang
user = current_user()
settings = load_settings()
can_report = user.role.verify
followup_hours = settings.events_followup_hours
s = suffix(lang)


def when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def overdue_by(hours: float) -> str:
    return t("events.overdue_by", lang, hours=f"{hours:.0f}") if hours < 48 else \
        t("events.overdue_by_days", lang, days=f"{hours / 24:.0f}")


def save(file_report) -> None:
    """File a report (a callable returning the event id), rebuild the snapshot so every page shows
    it, and rerun with a toast; a broken rule is shown as a sentence and what was typed stays.
    Filing starts the ledger's background rebuild; the page waits for it a little (ledger.workflow.events.shown),
    which is all it takes below a million items, and on a bigger ledger says the report shows shortly."""
    try:
        with st.spinner(t("events.saving", lang)):
            event_id, stage = file_report()
            up_to_date = shown(settings)
    except EventError as refused:
        st.error(t("events.refused", lang, reason=plain(refused.text(lang))), icon=":material/block:")
        return
    saved = t("events.saved", lang, stage=EVENT_STAGE.label(stage, lang), event_id=event_id)
    st.session_state["events_toast"] = saved + ("" if up_to_date else t("events.shows_soon", lang))
    st.session_state["events_picked"] = event_id
    st.rerun()


def event_map(selected: dict) -> pdk.Deck:
    """Every listed event with a place, late ones red, closed ones grey; the chosen one larger,
    outlined and in the middle of its unit's view."""
    points = [{"lon": e["lon"], "lat": e["lat"],
               "colour": CLOSED_GREY if e["closed"] else OVERDUE_RED if e["overdue"] else OPEN_BLUE,
               "radius": 13 if e["event_id"] == selected["event_id"] else 8,
               "line": [20, 20, 20] if e["event_id"] == selected["event_id"] else [255, 255, 255],
               "tip": f"{e['title']}\n{e['event_id']}"}
              for e in events.iter_rows(named=True) if e["lon"] is not None]
    layers = map_layers.base_layers(focus_unit=selected["unit_code"]) + [
        pdk.Layer("ScatterplotLayer", id="events", data=points, get_position=["lon", "lat"], get_fill_color="colour",
                  get_radius="radius", radius_units=pdk.types.String("pixels"), stroked=True, get_line_color="line",
                  line_width_min_pixels=2, pickable=True)]
    view = map_layers.view_of(selected["unit_code"])
    if selected["lon"] is not None:
        # a step out from the unit, so neighbouring events stay in sight
        view = pdk.ViewState(longitude=selected["lon"], latitude=selected["lat"], zoom=view.zoom - 1, min_zoom=6,
                             max_zoom=13)
    return map_layers.deck(layers, "{tip}", view=view, height=MAP_HEIGHT)


st.title(t("events.heading", lang))
st.caption(t("events.caption", lang, first=settings.events_first_report_hours, followup=followup_hours))
if "events_toast" in st.session_state:
    st.toast(st.session_state.pop("events_toast"), icon=":material/check_circle:")

list_column, map_column = st.columns([7, 4], gap="medium")
with list_column:
    show_closed = st.toggle(t("events.show_closed", lang, days=CLOSED_DAYS), key="events_show_closed",
                            value=url_value("closed", lambda raw: raw == "1", False))
    keep_in_url(closed="1" if show_closed else None)
    events = q("open_events", ctx.scope, now=ctx.now, followup_hours=followup_hours,
               first_report_hours=settings.events_first_report_hours,
               closed_since=ctx.now - timedelta(days=CLOSED_DAYS) if show_closed else None,
               units=list(ctx.filters.units) or None)
    still_open = events.filter(~pl.col("closed"))
    for column, (key, value) in zip(st.columns(3), (("open_n", still_open.height),
                                                    ("overdue_n", still_open["overdue"].sum()),
                                                    ("first_late_n", still_open["first_late"].sum()))):
        column.metric(t(f"events.{key}", lang), value, border=True)

    picked_id = st.session_state.pop("events_picked", None) or st.query_params.get("event")
    if events.is_empty():
        st.info(t("events.empty", lang), icon=":material/inbox:")
        event = None
    else:
        state = (pl.when(pl.col("closed")).then(pl.lit(t("events.state.closed", lang)))
                 .when(pl.col("overdue")).then(pl.lit(t("events.state.overdue", lang, hours=followup_hours)))
                 .otherwise(pl.lit(t("events.state.on_time", lang))))
        listed = events.select(
            state.alias(t("events.col.state", lang)),
            pl.col("title").alias(t("events.col.title", lang)),
            pl.col(f"unit_name_{s}").alias(t("col.unit", lang)),
            pl.col("stage").replace_strict({c: EVENT_STAGE.label(c, lang) for c in EVENT_STAGE.codes})
            .alias(t("events.col.stage", lang)),
            pl.col("last_reported_at").dt.strftime("%m-%d %H:%M").alias(t("events.col.last", lang)),
            pl.col("next_due_at").dt.strftime("%m-%d %H:%M").fill_null("—").alias(t("events.col.next", lang)),
        )
        overdue = events["overdue"].to_list()
        styled = listed.to_pandas().style.apply(
            lambda column: ["color: #c8102e; font-weight: 600" if late else "" for late in overdue],
            subset=[t("events.col.state", lang), t("events.col.next", lang)])
        ids = events["event_id"].to_list()
        picked = st.dataframe(styled, hide_index=True, width="stretch", height=38 + 35 * min(8, events.height),
                              on_select="rerun", selection_mode="single-row", key=f"events_list_{len(ids)}",
                              column_config={t(f"events.col.{name}", lang): st.column_config.Column(width=width)
                                             for name, width in (("state", 125), ("title", 250), ("stage", 72),
                                                                 ("last", 90), ("next", 90))})
        if picked.selection.rows:
            picked_id = ids[picked.selection.rows[0]]
        keep_in_url(event=picked_id if picked_id in ids else None)
        # nothing chosen: the most urgent event, so a leader sees what needs chasing at once
        event = events.row(ids.index(picked_id) if picked_id in ids else 0, named=True)
        st.caption(t("events.select_hint", lang))
with map_column:
    if event is not None and event["lon"] is not None:
        st.pydeck_chart(event_map(event), height=MAP_HEIGHT, key="events_map")
    elif event is not None:
        st.caption(t("events.no_location", lang))


def show_report(report: dict) -> None:
    """One stage report: the facts first; the causes apart, labelled as reported with care."""
    with st.container(border=True):
        head = f"**{EVENT_STAGE.label(report['stage'], lang)}** · {when(report['reported_at'])} · " \
               f"{plain(report['reported_by'] or '—')}"
        st.markdown(head + (f" · :red[{t('events.late', lang)}]" if report["late"] else ""))
        st.caption(t("events.facts", lang))
        st.text(report["facts"])
        if report["handling"]:
            st.caption(t("events.handling", lang))
            st.text(report["handling"])
        if report["causes"]:
            st.info(f"**{t('events.causes', lang)}**  \n{plain(report['causes'])}", icon=":material/psychology_alt:")
        if report["lessons"]:
            st.success(f"**{t('events.lessons', lang)}**  \n{plain(report['lessons'])}", icon=":material/school:")
        extras = [t("events.participants", lang, n=report["participants"]) if report["participants"] is not None else None,
                  t("events.linked_in_report", lang, ids="、".join(report["item_ids"])) if report["item_ids"] else None]
        if any(extras):
            st.caption(" · ".join(plain(x) for x in extras if x))


def report_form(event: dict, stages: list[str]) -> None:
    allowed = allowed_next(stages)
    st.markdown(f"**{t('events.form.add', lang)}**")
    if not allowed:
        st.caption(t("events.form.closed", lang))
        return
    key = f"events_report_{event['event_id']}"
    with st.form(key, border=True):
        stage = st.radio(t("events.form.stage", lang), allowed, horizontal=True, key=f"{key}_stage",
                         format_func=lambda code: EVENT_STAGE.label(code, lang))
        facts = st.text_area(t("events.form.facts", lang), help=t("events.form.facts.help", lang), key=f"{key}_facts")
        handling = st.text_area(t("events.form.handling", lang), key=f"{key}_handling", height=80)
        causes = st.text_area(t("events.form.causes", lang), help=t("events.form.causes.help", lang),
                              key=f"{key}_causes", height=80)
        lessons = st.text_area(t("events.form.lessons", lang), key=f"{key}_lessons", height=80)
        more_items = st.text_input(t("events.form.items", lang), key=f"{key}_items")
        participants = st.number_input(t("events.form.participants", lang), min_value=0, value=None, step=10,
                                       key=f"{key}_participants")
        if st.form_submit_button(t("events.form.submit", lang), type="primary", icon=":material/send:"):
            report = Report(stage, facts, causes=causes, handling=handling, lessons=lessons,
                            item_ids=split_item_ids(more_items), participants=participants)
            save(lambda: (add_report(settings, event["event_id"], report, by=user.name or user.username,
                                     units=user.units), stage))


if event is not None:
    st.subheader(plain(event["title"]))
    status = [(t("events.state.closed", lang), "gray") if event["closed"] else
              (overdue_by(event["overdue_hours"]), "red") if event["overdue"] else
              (t("events.next_due", lang, due=when(event["next_due_at"])), "blue")]
    if event["first_late"]:
        status.append((t("events.first_late", lang, hours=settings.events_first_report_hours), "orange"))
    badges = st.container(horizontal=True)
    for text, colour in status:
        badges.badge(text, color=colour)
    st.caption(t("events.detail", lang, event_id=event["event_id"], unit=event[f"unit_name_{s}"],
                 reports=event["reports_n"]))
    timeline = q("event_timeline", ctx.scope, event_id=event["event_id"], followup_hours=followup_hours)
    timeline_column, side_column = st.columns([3, 2], gap="large")
    with timeline_column:
        st.markdown(f"**{t('events.timeline', lang)}**")
        for report in timeline.iter_rows(named=True):
            show_report(report)
    with side_column:
        linked_ids = list(dict.fromkeys(i for ids in timeline["item_ids"].to_list() for i in ids or []))
        items = q("items_by_id", ctx.scope, ids=linked_ids)
        st.markdown(f"**{t('events.items', lang, n=len(linked_ids))}**")
        if items.height:
            show_disputes(items, lang, ["title", "place", "grade", "participants", "status"])
        if items.height < len(linked_ids):
            st.caption(t("events.items_hidden", lang, n=len(linked_ids) - items.height))
        if can_report:
            report_form(event, timeline["stage"].to_list())
        else:
            st.caption(t("events.form.read_only", lang))

if can_report:
    new_ids = st.query_params.get("new")
    with st.expander(t("events.new", lang), expanded=bool(new_ids) or events.is_empty(), icon=":material/add_alert:"):
        with st.form("events_new"):
            ids_text = st.text_input(t("events.new.items", lang), value=new_ids or "", key="events_new_items")
            title = st.text_input(t("events.new.title", lang), key="events_new_title")
            own = sorted(user.units) if user.units is not None else None
            unit_names = {u.code: u.name(lang) for u in geo.units() if own is None or u.code in own}
            unit = st.selectbox(t("events.new.unit", lang), [None, *unit_names] if own is None else own,
                                format_func=lambda code: unit_names[code] if code else t("events.new.unit_auto", lang),
                                key="events_new_unit")
            facts = st.text_area(t("events.form.facts", lang), help=t("events.form.facts.help", lang),
                                 key="events_new_facts")
            causes = st.text_area(t("events.form.causes", lang), help=t("events.form.causes.help", lang),
                                  key="events_new_causes", height=80)
            participants = st.number_input(t("events.form.participants", lang), min_value=0, value=None, step=10,
                                           key="events_new_participants")
            if st.form_submit_button(t("events.new.submit", lang), type="primary", icon=":material/send:"):
                report = Report("first", facts, title=title, causes=causes, item_ids=split_item_ids(ids_text),
                                participants=participants)
                keep_in_url(new=None)
                save(lambda: (open_event(settings, report, unit_code=unit, by=user.name or user.username,
                                         units=user.units), "first"))
