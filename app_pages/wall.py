"""指挥大屏 Wall screen (?mode=wall): the command room's unattended screen. The map of active
disputes framed on the Pearl River Delta, the delta's ten verification gauges and the other
regions' figures beside them, today's figures and a rotating panel, re-read every
`wall_refresh_seconds` so that a new snapshot shows within a minute without a reload. The delta
is the focus; every count is the whole province's (属地待定 included).

It must never be stuck: each panel fails on its own with a calm sentence while the others keep
working, a missing snapshot is retried on the next refresh, and stale data is flagged so that a
stopped ingest is never mistaken for a quiet day. Ledger text is only ever shown escaped.
"""
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from ledger.config import load_settings
from ledger.hazards import screen
from ledger.i18n import t
from ledger.schema import PLACE_PRECISION
from ledger.store import now_shanghai
from queries import Filters, NoSnapshot, q, snapshot
from ui import auth, charts, map_layers, regions
from ui.plain_text import plain
from ui.shell import current_scope, language_from_url, log, url_value
from ui.tables import suffix

settings = load_settings()
lang = language_from_url()
refresh = max(5, url_value("refresh", int, settings.wall_refresh_seconds))
rotate = max(5, url_value("rotate", int, settings.wall_rotate_seconds))
scope = current_scope()
st.html(f"<style>{(Path(__file__).parents[1] / 'ui' / 'static' / 'wall.css').read_text(encoding='utf-8')}</style>")
CHART = {"displayModeBar": False, "staticPlot": True}


def panel(draw, *args) -> None:
    """Draw one panel; if it fails, say so calmly in its place and let the others carry on."""
    try:
        draw(*args)
    except NoSnapshot:
        raise
    except Exception as error:  # noqa: BLE001 — a wall screen must outlive any one panel
        log.exception("wall panel failed", exc_info=error)
        st.warning(t("wall.panel_failed", lang), icon=":material/hourglass_empty:")


def header(now: datetime, created: datetime | None) -> None:
    title, stamp = st.columns([3, 1])
    title.title(t("wall.heading", lang))
    with stamp:
        st.container(key="wall_clock").markdown(now.strftime("%Y-%m-%d %H:%M"))
        if created is not None:
            st.container(key="wall_stamp").markdown(t("wall.as_of", lang, created=created.strftime("%Y-%m-%d %H:%M")))


def banner(now: datetime) -> None:
    """New grade I/II disputes stay highlighted for wall_banner_minutes after they are captured."""
    serious = q("new_disputes_since", scope, since_time=now - timedelta(minutes=settings.wall_banner_minutes),
                now=now, grades=["I", "II"], limit=3)
    for row in serious.iter_rows(named=True):
        place = " · ".join(p for p in (row[f"unit_name_{suffix(lang)}"], row[f"county_name_{suffix(lang)}"]) if p)
        st.error(f"**{t('wall.banner', lang)}（{row['grade']}级）** {row['captured_at']:%H:%M} {plain(place)}："
                 f"{plain(row['title'])}", icon=":material/campaign:")


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


def gauges(window: Filters, now: datetime) -> None:
    """The delta's ten units as gauges, then the other regions as three compact figures."""
    rates = q("verification_rate_by_unit", scope, **window.params(), now=now)
    name = f"name_{suffix(lang)}"
    rows = [{"title": f"{(r[name] or '').removesuffix('市')} {r['on_time_n']}/{r['due_n']}", "rate_pct": r["rate_pct"]}
            for r in regions.focus_rows(rates).iter_rows(named=True)]
    days = (window.until - window.since).days + 1
    st.subheader(t("wall.gauges", lang, days=days))
    figure = charts.gauge_grid(rows, settings.verification_green_pct, settings.verification_amber_pct,
                               height_per_row=155)
    st.plotly_chart(charts.for_wall(figure, font_size=18), config=CHART, key="wall_gauges")
    for cell, region in zip(st.columns(3), regions.region_rows(rates, lang).iter_rows(named=True)):
        cell.container(key=f"wall_region_{region['region']}").markdown(region_figure(region))


def region_figure(region: dict) -> str:
    """"粤东 41/45 · 91.1%" (on time of due), the rate coloured as the gauges colour it."""
    rate = region["rate_pct"]
    colour = "gray" if rate is None else "green" if rate >= settings.verification_green_pct else \
        "orange" if rate >= settings.verification_amber_pct else "red"
    shown = "—" if rate is None else f"{rate:.1f}%"
    return t("wall.region", lang, region=region["name"], on_time=region["on_time_n"], due=region["due_n"],
             rate=f":{colour}[{shown}]")


def prd_map(window: Filters, now: datetime) -> None:
    params = {**window.params(), "now": now}
    disputes = q("active_disputes_on_map", scope, limit=5000, **params)
    places = q("active_disputes_by_place", scope, **params)
    layers = map_layers.for_mode("points", disputes, places, lang, None, palette=map_layers.DARK, label_size=22)
    view = map_layers.view_for("delta", screen="wall")
    st.pydeck_chart(map_layers.deck(layers, None, view=view, height=800), height=800, key="wall_map")
    st.caption(map_layers.legend("points", places, lang))


def dispute_lines(disputes: pl.DataFrame, most: int = 6) -> str:
    """A list big enough to read across the room (a table's small type is not); text escaped."""
    s = suffix(lang)
    lines = []
    for row in disputes.head(most).iter_rows(named=True):
        grade = f"{row['grade']}级" if row["grade"] and lang == "zh" else row["grade"] or t("grade.none", lang)
        place = (row[f"county_name_{s}"] or row[f"unit_name_{s}"] or PLACE_PRECISION.label("unknown", lang)).removesuffix("市")
        lines.append(f"- **{plain(place)}** · {grade} · {plain(row['title'])}")
    return "\n".join(lines)


@st.cache_data(max_entries=4, show_spinner=False)
def hazard_sentences(snapshot_id: str, day, lang: str) -> list[str]:
    """This week's hazard flags as sentences, computed once per snapshot and day."""
    return [f.sentence(lang) for f in screen(snapshot(), day)]


def rotating(window: Filters, now: datetime) -> None:
    """One of four panels, chosen by the clock so that a refresh never loses its place."""
    which = int(now.timestamp() // rotate) % 4
    params = {**window.params(), "now": now}
    if which == 0:
        midnight = datetime.combine(now.date(), datetime.min.time())
        today = q("new_disputes_since", scope, since_time=midnight, now=now, grades=None, limit=8)
        st.subheader(t("wall.panel.new_today", lang, n=today["total_n"][0] if today.height else 0))
        st.markdown(dispute_lines(today) if today.height else t("wall.nothing_today", lang))
    elif which == 1:
        st.subheader(t("wall.panel.serious", lang))
        st.markdown(dispute_lines(q("active_disputes_on_map", scope, limit=6, **params)))
    elif which == 2:
        flags = hazard_sentences(snapshot().snapshot_id, now.date(), lang)
        st.subheader(t("wall.panel.hazards", lang, n=len(flags)))
        st.markdown("\n".join(f"- {plain(s)}" for s in flags[:6]) or t("hazards.none", lang))
    else:
        st.subheader(t("wall.panel.overdue", lang))
        rates = q("verification_rate_by_unit", scope, **params)
        units, groups = regions.focus_rows(rates), regions.region_rows(rates, lang)
        names = units[f"name_{suffix(lang)}"].to_list() + groups["name"].to_list()
        overdue = units["overdue_n"].to_list() + groups["overdue_n"].to_list()
        figure = charts.horizontal_bars(names, {t("wall.overdue", lang): overdue}, x_title=None, height=330)
        figure.update_layout(showlegend=False, margin=dict(t=10, b=10))
        figure.update_yaxes(dtick=1)  # every name, the regions' too
        figure.update_traces(texttemplate="%{x}", textposition="outside", cliponaxis=False)
        st.plotly_chart(charts.for_wall(figure, font_size=16), config=CHART, key="wall_overdue")


@st.fragment(run_every=timedelta(seconds=refresh))
def wall() -> None:
    if auth.wall_token_revoked():  # a full rerun, where the sign-in check refuses the token
        st.rerun(scope="app")
    now = now_shanghai()
    try:
        current = snapshot()
    except NoSnapshot:
        header(now, None)
        st.info(t("wall.no_data", lang), icon=":material/sync:")
        return
    header(now, current.created_at)
    age = now - current.created_at
    if age > timedelta(minutes=settings.wall_stale_minutes):
        st.warning(t("wall.stale", lang, hours=f"{age.total_seconds() / 3600:.0f}"), icon=":material/warning:")
    window = Filters.last_days(settings.default_window_days, now.date())
    try:
        panel(banner, now)
        left, right = st.columns([11, 9], gap="large")
        with left:
            panel(prd_map, window, now)
        with right:
            panel(figures, window, now)
            panel(gauges, window, now)
            panel(rotating, window, now)
    except NoSnapshot:  # the snapshot vanished between two panels: say so, retry on the next refresh
        st.info(t("wall.no_data", lang), icon=":material/sync:")


wall()
