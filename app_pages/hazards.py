"""隐患预警 Hazard screen: the week's flags on the PRD map and as a ranked list, each with a
sparkline of its cell's recent weeks against the expected band and the ledger items behind it;
replay any past week ("as of", no peeking at later data); export the selected findings as an
early-warning brief (Word or HTML). "方法说明" beside the title says what each method does in a
few sentences. A handful of the strongest kinds of flag lead (ledger.hazards.leading), each with how
often such a flag was right in the evaluation; the weaker signals are one click away."""
from datetime import date, datetime, time, timedelta

import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from ledger import geo
from ledger.hazards.brief import brief_docx, brief_html, file_name
from ledger.hazards.leading import split, track_record
from ledger.hazards.flags import HISTORY_WEEKS, METHODS, Flag, category_name, method_name, monday_of, screen_week
from ledger.i18n import t
from queries import q
from ui import charts, map_layers
from ui.hazard_flags import flags_in_scope, week_flags
from ui.shell import context, keep_in_url, url_value
from ui.plain_text import plain
from ui.tables import show_disputes

SHOWN = 20
METHOD_COLOURS = {"seasonal": [200, 16, 46, 210], "ears": [242, 112, 24, 210], "gi_star": [111, 66, 193, 210],
                  "enterprise_repeat": [58, 110, 165, 210]}

ctx = context()
lang = ctx.lang


def flag_map(flags: list[Flag]) -> pdk.Deck:
    counties = geo.county_by_code()
    points = []
    for f in flags:
        place = next((c for c in counties.values() if c.name_zh == f.county and c.unit_code == f.unit_code), None) \
            or geo.unit_by_code()[f.unit_code]
        points.append({"lon": place.lon, "lat": place.lat, "colour": METHOD_COLOURS[f.method.split("+")[0]],
                       "radius": 2500 + 900 * min(f.score, 12), "tip": f.sentence(lang)})
    layers = map_layers.base_layers() + [
        pdk.Layer("ScatterplotLayer", id="flags", data=points, get_position=["lon", "lat"], get_fill_color="colour",
                  get_radius="radius", radius_min_pixels=6, stroked=True, get_line_color=[255, 255, 255],
                  line_width_min_pixels=1.5, pickable=True)]
    return map_layers.deck(layers, "{tip}", height=520)


def sparkline(flag: Flag) -> go.Figure:
    weeks = list(range(-len(flag.recent) + 1, 1))
    upper = [e + 2 * e ** 0.5 for e in flag.recent_expected]
    figure = go.Figure([
        go.Scatter(x=weeks, y=upper, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"),
        go.Scatter(x=weeks, y=flag.recent_expected, mode="lines", fill="tonexty", fillcolor="rgba(120,120,120,0.18)",
                   line=dict(color="#888888", dash="dot"), name=t("hazards.expected", lang)),
        go.Scatter(x=weeks, y=flag.recent, mode="lines+markers", line=dict(color=charts.RED, width=2.5),
                   name=t("hazards.observed", lang)),
    ])
    figure = charts.styled(figure, height=150, legend=False)
    figure.update_layout(margin=dict(l=4, r=4, t=4, b=4), hovermode="x")
    figure.update_xaxes(showticklabels=False)
    return figure


def about_the_methods() -> None:
    """What each method looks for, in a few sentences, where the leader reads the flags."""
    with st.popover(t("hazards.about", lang), icon=":material/help:", width="stretch"):
        st.markdown(t("hazards.about.intro", lang))
        for method in METHODS:
            st.markdown(t(f"hazards.about.{method}", lang))


title_column, about_column = st.columns([5, 1], vertical_alignment="bottom")
title_column.title(t("hazards.heading", lang))
with about_column:
    about_the_methods()
day = st.date_input(t("hazards.as_of", lang), key="hazards_as_of", max_value=ctx.now.date(), format="YYYY-MM-DD",
                    value=url_value("asof", date.fromisoformat, ctx.now.date()))
keep_in_url(asof=None if day == ctx.now.date() else day.isoformat())
week = screen_week(day)
st.caption(t("hazards.caption", lang, week=week.isoformat()))
start = datetime.combine(week, time())
left_out = q("hazard_coverage", ctx.scope, week_start=start, week_end=start + timedelta(days=7)).row(0, named=True)
history = (week - monday_of(date.fromisoformat(ctx.snapshot.manifest["data_range"]["first_captured_at"][:10]))).days // 7
if 0 < history < HISTORY_WEEKS:
    st.caption(t("hazards.short_history", lang, weeks=history))
if left_out["no_county_n"] or left_out["no_industry_n"]:
    st.caption(t("hazards.coverage", lang, total=left_out["total_n"], no_county=left_out["no_county_n"],
                 no_industry=left_out["no_industry_n"], no_unit=left_out["no_unit_n"]))

leading, weaker = split(flags_in_scope(week_flags(ctx.snapshot.snapshot_id, day, ctx.snapshot), ctx.scope))
flags = leading + weaker  # numbered in this order on the page, in the brief's choice and on the map
if not flags:
    st.success(t("hazards.none", lang), icon=":material/check_circle:")
    st.stop()

map_column, brief_column = st.columns([3, 2], gap="large")
map_column.pydeck_chart(flag_map(flags[:SHOWN * 2]), height=520, key="hazard_map")
with brief_column:
    st.subheader(t("hazards.count", lang, n=len(flags)))
    labels = {i: f"{i + 1}. {f.sentence(lang)}" for i, f in enumerate(flags)}
    chosen = st.multiselect(t("hazards.select", lang), list(labels), default=list(labels)[:len(leading)],
                            format_func=labels.get, placeholder=t("hazards.select.none", lang), key="hazards_chosen")
    selected = [flags[i] for i in chosen]
    issued = ctx.now.date()
    st.download_button(t("hazards.brief_docx", lang), icon=":material/description:", width="stretch",
                       data=lambda: brief_docx(selected, week, ctx.snapshot.snapshot_id, issued),
                       file_name=file_name(week, "docx"), on_click="ignore", disabled=not selected,
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(t("hazards.brief_html", lang), icon=":material/language:", width="stretch",
                       data=lambda: brief_html(selected, week, ctx.snapshot.snapshot_id, issued),
                       file_name=file_name(week, "html"), mime="text/html", on_click="ignore",
                       disabled=not selected)

def flag_card(number: int, flag: Flag, with_items: bool) -> None:
    """One flag: where, the sentence, the method and how often such a flag was right, the
    sparkline, and (where there is room for it) the ledger items behind it."""
    with st.container(border=True):
        text_column, spark_column = st.columns([3, 2])
        text_column.markdown(f"**{number}. {flag.place(lang)}**")
        text_column.text(flag.sentence(lang))
        text_column.caption(t("hazards.method", lang, method=plain(method_name(flag.method, lang)),
                              category=category_name(flag.category, lang), score=flag.score))
        record = track_record(flag)
        text_column.caption(t("hazards.track_record", lang, low=f"{record[0]:.0%}", high=f"{record[1]:.0%}") if record
                            else t("hazards.track_record.none", lang))
        if flag.recent:
            spark_column.plotly_chart(sparkline(flag), config={"displayModeBar": False, "staticPlot": True},
                                      key=f"spark_{number}")
        if with_items and flag.item_ids:
            with st.expander(t("hazards.items", lang, n=len(flag.item_ids))):
                items = q("items_by_id", ctx.scope, ids=flag.item_ids)
                show_disputes(items, lang, ["title", "place", "enterprise", "grade", "participants", "status"])


st.subheader(t("hazards.leading", lang, n=len(leading)))
for number, flag in enumerate(leading, start=1):
    flag_card(number, flag, with_items=True)
if weaker:
    with st.expander(t("hazards.weaker", lang, n=len(weaker))):
        for number, flag in enumerate(weaker[:SHOWN], start=len(leading) + 1):
            flag_card(number, flag, with_items=False)
