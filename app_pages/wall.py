"""指挥大屏 Wall screen (?mode=wall): the command room's unattended screen. The map of active
disputes framed on the Pearl River Delta, the delta's ten verification gauges and the other
regions' figures beside them, today's figures and a rotating panel, re-read every
`wall_refresh_seconds` so that a new snapshot shows within a minute without a reload. The delta
is the focus; every count is the whole province's (属地待定 included).

It fills whatever screen it is shown on (1080p, 4K, a 32:9 wall) by itself: ui/wall_screen.py
derives every size from the viewport. The rotating panel moves on every `wall_rotate_seconds`, in
a fixed order, because the page has one timer only (wall_screen.tick_seconds).

It must never be stuck: each panel fails on its own with a calm sentence while the others keep
working, a missing snapshot is retried on the next refresh, and stale data is flagged so that a
stopped ingest is never mistaken for a quiet day. Ledger text is only ever shown escaped.
"""
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from ledger import geo
from ledger.config import load_settings
from ledger.hazards.leading import split as leading_flags
from ledger.hazards.saved import warm_soon
from ledger.i18n import t
from ledger.schema import PLACE_PRECISION
from queries import Filters, NoSnapshot, q, snapshot
from ui import auth, charts, map_layers, regions, wall_screen
from ui.hazard_flags import week_flags
from ui.plain_text import plain
from ui.shell import current_scope, current_time, language_from_url, log, url_value
from ui.tables import suffix

settings = load_settings()
lang = language_from_url()
refresh = max(5, url_value("refresh", int, settings.wall_refresh_seconds))
rotate = max(5, url_value("rotate", int, settings.wall_rotate_seconds))
tick = wall_screen.tick_seconds(refresh, rotate)
screen = url_value("screen", wall_screen.Screen.parse, wall_screen.Screen())
scope = current_scope()
css = (Path(__file__).parents[1] / "ui" / "static" / "wall.css").read_text(encoding="utf-8")
st.html(f"<style>{wall_screen.css_variables()}\n{css}</style>")
st.html(wall_screen.REPORT_SCRIPT, unsafe_allow_javascript=True)  # static: no ledger text in it
CHART = {"displayModeBar": False, "staticPlot": True}


def panel(draw, *args, failed=None):
    """Draw one panel (and return what it returns); if it fails, say so calmly in its place,
    return `failed` and let the others carry on."""
    try:
        return draw(*args)
    except NoSnapshot:
        raise
    except Exception as error:  # noqa: BLE001 — a wall screen must outlive any one panel
        log.exception("wall panel failed", exc_info=error)
        st.warning(t("wall.panel_failed", lang), icon=":material/hourglass_empty:")
        return failed


def header(now: datetime, created: datetime | None) -> None:
    with st.container(key="wall_header"):
        title, stamp, clock = st.columns([5, 3, 1.6], vertical_alignment="center")
        title.title(t("wall.heading", lang))
        if created is not None:
            stamp.container(key="wall_stamp").markdown(t("wall.as_of", lang, created=created.strftime("%Y-%m-%d %H:%M")))
        clock.container(key="wall_clock").markdown(now.strftime("%Y-%m-%d %H:%M"))


def banner(now: datetime) -> int:
    """New grade I/II disputes stay highlighted for wall_banner_minutes after they are captured,
    one line each; returns how many lines it drew (the layout leaves room for them)."""
    serious = q("new_disputes_since", scope, since_time=now - timedelta(minutes=settings.wall_banner_minutes),
                now=now, grades=["I", "II"], limit=3)
    for row in serious.iter_rows(named=True):
        place = " · ".join(p for p in (row[f"unit_name_{suffix(lang)}"], row[f"county_name_{suffix(lang)}"]) if p)
        st.error(t("wall.banner.line", lang, banner=t("wall.banner", lang), grade=row["grade"],
                   time=f"{row['captured_at']:%H:%M}", place=plain(place), title=plain(row["title"])),
                 icon=":material/campaign:")
    return serious.height


def figures(window: Filters, now: datetime) -> None:
    params = {**window.params(), "now": now}
    rates = q("verification_rate_by_unit", scope, **params)
    total = rates.filter(pl.col("unit_code").is_null()).row(0, named=True)
    places = q("active_disputes_by_place", scope, **params).filter(pl.col("level").is_in(["unit", "unplaced"]))
    midnight = datetime.combine(now.date(), datetime.min.time())
    today = q("new_disputes_since", scope, since_time=midnight, now=now, grades=None, limit=1)
    cells = st.columns(4)
    cells[0].metric(t("wall.new_today", lang), today["total_n"][0] if today.height else 0)
    cells[1].metric(t("wall.active", lang), int(places["active_n"].sum()))
    cells[2].metric(t("wall.serious", lang), int(places["serious_n"].sum()))
    cells[3].metric(t("wall.overdue", lang), total["overdue_n"])


def gauges(window: Filters, now: datetime, size: tuple[int, int]) -> None:
    """The delta's ten units as gauges, then the other regions as three compact figures."""
    rates = q("verification_rate_by_unit", scope, **window.params(), now=now)
    name = f"name_{suffix(lang)}"
    rows = [{"name": re.sub("[市区]$", "", r[name] or ""), "count": f"{r['on_time_n']}/{r['due_n']}",
             "rate_pct": r["rate_pct"]} for r in regions.focus_rows(rates).iter_rows(named=True)]
    days = (window.until - window.since).days + 1
    green, amber = settings.verification_green_pct, settings.verification_amber_pct
    st.subheader(t("wall.gauges", lang, days=days, green=f"{green:g}", amber=f"{amber:g}"))
    figure = charts.wall_gauges(rows, green, amber, width=size[0], height=size[1], font_px=screen.font_px)
    st.plotly_chart(charts.for_wall(figure, font_px=screen.font_px), config=CHART, key="wall_gauges")
    for cell, region in zip(st.columns(3), regions.region_rows(rates, lang).iter_rows(named=True)):
        cell.container(key=f"wall_region_{region['region']}").markdown(region_figure(region))


def region_figure(region: dict) -> str:
    """"粤东" over "41/45 · 91.1%" (on time of due), the rate coloured as the gauges colour it."""
    rate = region["rate_pct"]
    colour = "gray" if rate is None else "green" if rate >= settings.verification_green_pct else \
        "orange" if rate >= settings.verification_amber_pct else "red"
    shown = "—" if rate is None else f"{rate:.1f}%"
    return t("wall.region", lang, region=region["name"], on_time=region["on_time_n"], due=region["due_n"],
             rate=f":{colour}[{shown}]")


def prd_map(window: Filters, now: datetime, size: tuple[int, int]) -> None:
    params = {**window.params(), "now": now}
    disputes = q("active_disputes_on_map", scope, limit=5000, **params)
    places = q("active_disputes_by_place", scope, **params)
    layers = map_layers.for_mode("points", disputes, places, lang, None, palette=map_layers.DARK,
                                 label_size=screen.font_px, ring_labels=False, scale=screen.k)
    view = map_layers.view_for("delta", screen=size)
    st.pydeck_chart(map_layers.deck(layers, None, view=view, height=size[1]), height=size[1], key="wall_map")
    st.container(key="wall_legend").markdown(map_layers.wall_legend(places, lang))


def dispute_lines(disputes: pl.DataFrame, most: int) -> str:
    """A list big enough to read across the room (a table's small type is not); text escaped."""
    s = suffix(lang)
    lines = []
    for row in disputes.head(most).iter_rows(named=True):
        grade = t("grade.short", lang, grade=row["grade"]) if row["grade"] else t("grade.none", lang)
        place = (row[f"county_name_{s}"] or row[f"unit_name_{s}"] or PLACE_PRECISION.label("unknown", lang)).removesuffix("市")
        lines.append(f"- **{plain(place)}** · {grade} · {plain(row['title'])}")
    return "\n".join(lines)


@st.cache_data(max_entries=4, show_spinner=False)
def hazard_sentences(snapshot_id: str, day, lang: str, _snapshot) -> list[str]:
    """This week's leading hazard flags as sentences (the few the hazard page leads with),
    computed once per snapshot and day; of the snapshot the key names, not whichever is
    current by the time it runs."""
    return [f.sentence(lang) for f in leading_flags(week_flags(snapshot_id, day, _snapshot))[0]]


PANELS = ("new_today", "serious", "hazards", "overdue")  # the rotating panel's fixed order


def rotation_position(now: datetime) -> int:
    """Which of PANELS shows: the next one once a panel has been up for the rotation interval,
    less half a redraw period, so that it moves on at every `rotate // tick`-th redraw however
    late a redraw comes, and a redraw that catches up after a stalled browser (a slow first map
    draw) does not move it on again at once. The clock picks the first panel, so that a reload
    lands about where the rotation was."""
    state, moment = st.session_state, time.monotonic()
    if "wall_panel" not in state:
        state.wall_panel, state.wall_panel_since = int(now.timestamp() // rotate) % len(PANELS), moment
    elif moment - state.wall_panel_since >= rotate - tick / 2:
        state.wall_panel, state.wall_panel_since = (state.wall_panel + 1) % len(PANELS), moment
    return state.wall_panel


def panel_heading(title: str, which: int) -> None:
    """The panel's heading, and where it is in the rotation: ●○○○ 1/4."""
    with st.container(key="wall_panel_heading"):
        text, where = st.columns([5, 1.4], vertical_alignment="center")
        text.subheader(title)
        dots = "".join("●" if i == which else "○" for i in range(len(PANELS)))
        where.container(key="wall_position").markdown(t("wall.position", lang, dots=dots, i=which + 1, n=len(PANELS)))


def rotating(which: int, window: Filters, now: datetime, size: tuple[int, int], lines: int, most_bars: int) -> None:
    """One of the four panels, `size` px under its heading: lists of at most `lines` lines, bars
    for at most `most_bars` places."""
    params = {**window.params(), "now": now}
    name = PANELS[which]
    if name == "new_today":
        midnight = datetime.combine(now.date(), datetime.min.time())
        today = q("new_disputes_since", scope, since_time=midnight, now=now, grades=None, limit=lines)
        panel_heading(t("wall.panel.new_today", lang, n=today["total_n"][0] if today.height else 0), which)
        st.markdown(dispute_lines(today, lines) if today.height else t("wall.nothing_today", lang))
    elif name == "serious":
        panel_heading(t("wall.panel.serious", lang), which)
        st.markdown(dispute_lines(q("active_disputes_on_map", scope, limit=lines, **params), lines))
    elif name == "hazards":
        shown = snapshot()
        flags = hazard_sentences(shown.snapshot_id, now.date(), lang, shown)
        panel_heading(t("wall.panel.hazards", lang, n=len(flags)), which)
        st.markdown("\n".join(f"- {plain(s)}" for s in flags[:lines]) or t("hazards.none", lang))
    else:
        panel_heading(t("wall.panel.overdue", lang), which)
        rates = q("verification_rate_by_unit", scope, **params)
        units, groups = regions.focus_rows(rates), regions.region_rows(rates, lang)
        bars = pl.concat([units.select(name=f"name_{suffix(lang)}", n="overdue_n"), groups.select("name", n="overdue_n")])
        if bars.height > most_bars:  # squeezed by banners: the most overdue, still in the usual order
            bars = bars.with_row_index().top_k(most_bars, by="n").sort("index")
        figure = charts.horizontal_bars(bars["name"].to_list(), {t("wall.overdue", lang): bars["n"].to_list()},
                                        x_title=None, height=size[1])
        figure = charts.for_wall(figure, font_px=screen.font_px)
        figure.update_layout(showlegend=False, margin=dict(l=0, t=0, b=0, r=3 * screen.font_px), bargap=0.25)
        figure.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)  # the bars carry their numbers
        figure.update_yaxes(dtick=1, automargin=True)  # every name, the regions' too
        # constraintext: Plotly would otherwise shrink the numbers to the bars' thickness
        figure.update_traces(texttemplate="%{x}", textposition="outside", cliponaxis=False, constraintext="none")
        st.plotly_chart(figure, config=CHART, key="wall_overdue")


@st.fragment(run_every=timedelta(seconds=tick))
def wall() -> None:
    if auth.wall_token_revoked():  # a full rerun, where the sign-in check refuses the token
        st.rerun(scope="app")
    now = current_time()
    which = rotation_position(now)
    try:
        current = snapshot()
    except NoSnapshot:
        header(now, None)
        st.info(t("wall.no_data", lang), icon=":material/sync:")
        return
    header(now, current.created_at)
    warm_soon(current, now.date())  # the hazard panel's screen, ready before the rotation reaches it
    age = now - current.created_at
    stale = age > timedelta(minutes=settings.wall_stale_minutes)
    if stale:
        st.warning(t("wall.stale", lang, hours=f"{age.total_seconds() / 3600:.0f}"), icon=":material/warning:")
    window = Filters.last_days(settings.default_window_days, now.date())
    try:
        alerts = stale + panel(banner, now, failed=1)
        plan = wall_screen.layout(screen, alerts, gauges=len(geo.focus_units()),
                                  bars=len(geo.focus_units()) + len(geo.REGIONS) - 1)
        with st.container(key="wall_body"):
            columns = st.columns(plan.columns, gap="small")
        figures_box = columns[1].container(key="wall_figures")
        panel_box = columns[-1].container(key="wall_panel")  # under the figures unless it has a column
        with panel_box:  # drawn first, so that it changes on time however long the rest takes
            panel(rotating, which, window, now, plan.panel_size, plan.list_lines, plan.bars)
        with columns[0]:
            panel(prd_map, window, now, plan.map_size)
        with figures_box:
            panel(figures, window, now)
            panel(gauges, window, now, plan.gauges_size)
    except NoSnapshot:  # the snapshot vanished between two panels: say so, retry on the next refresh
        st.info(t("wall.no_data", lang), icon=":material/sync:")


wall()
