"""态势地图 Map of active disputes: where collective disputes are open now, on an offline map of
Guangdong that opens on the Pearl River Delta (or the whole province), as points (colour = grade,
size = participants), hexagon density or counts per county, with city-level items as rings and the
focused city's list beside it. The view, area and focus are kept in the URL
(?view=hex&area=province&focus=441900)."""
import streamlit as st

from ledger import geo
from ledger.i18n import t
from queries import q
from ui import map_layers
from ui.shell import codes_among, context, keep_in_url, one_of, scope_label, url_value
from ui.tables import show_disputes

MAX_POINTS = 20_000  # deck.gl draws more with ease; the browser's JSON download is the limit

ctx = context()
lang = ctx.lang
params = {**ctx.filters.params(), "now": ctx.now}
unit_codes = [u.code for u in geo.units()]
delta_codes = {u.code for u in geo.focus_units()}

st.title(t("mappage.heading", lang))
st.caption(t("mappage.caption", lang, since=ctx.filters.since, until=ctx.filters.until, scope=scope_label(ctx)))

# A click on a city in the map arrives as the chart's selection on the next run: make it the focus
# before the focus box is drawn (a widget's value cannot be changed after it is drawn).
clicked = map_layers.clicked_unit(st.session_state.get("prd_map"))
if clicked and clicked != st.session_state.get("_map_last_click"):
    st.session_state["_map_last_click"] = clicked
    st.session_state["map_focus"] = clicked

modes = ["points", "hex", "choropleth"]
mode_box, area_box, focus_box = st.columns([4, 3, 4])
mode = mode_box.segmented_control(t("mappage.mode", lang), modes, key="map_mode", required=True,
                                  default=url_value("view", one_of(modes), "points"),
                                  format_func=lambda m: t(f"mappage.mode.{m}", lang)) or "points"
area = area_box.segmented_control(t("mappage.area", lang), map_layers.EXTENTS, key="map_area", required=True,
                                  default=url_value("area", one_of(map_layers.EXTENTS), "delta"),
                                  format_func=lambda a: t(f"mappage.area.{a}", lang)) or "delta"
focus_default = url_value("focus", codes_among(unit_codes), [])
focus = focus_box.selectbox(t("mappage.focus", lang), [None, *unit_codes], key="map_focus",
                            index=1 + unit_codes.index(focus_default[0]) if focus_default else 0,
                            format_func=lambda c: t("mappage.focus.none", lang) if c is None else geo.unit_name(c, lang))
keep_in_url(view=None if mode == "points" else mode, area=None if area == "delta" else area, focus=focus)

disputes = q("active_disputes_on_map", ctx.scope, limit=MAX_POINTS, **params)
places = q("active_disputes_by_place", ctx.scope, **params)

# Frame the focused city, else the cities the sidebar (or an officer's scope) keeps, else the area.
framed = (focus,) if focus else tuple(ctx.filters.units or sorted(ctx.scope.units or ()))
screen = map_layers.screen_class(st.context.headers)
map_column, list_column = st.columns([3, 2], gap="medium")
with map_column:
    layers = map_layers.for_mode(mode, disputes, places, lang, focus)
    height = map_layers.SCREENS[screen][1]
    st.pydeck_chart(map_layers.deck(layers, "{tip}", view=map_layers.view_for(area, framed, screen), height=height),
                    key="prd_map", on_select="rerun", selection_mode="single-object", height=height)
    st.caption(map_layers.legend(mode, places, lang))
    unplaced = map_layers.unplaced_n(places)
    if unplaced:
        st.caption(t("mappage.unplaced", lang, n=unplaced))
    total = places.filter(level="unit")["active_n"].sum() + unplaced
    if total > disputes.height:
        st.caption(t("mappage.capped", lang, shown=disputes.height, total=total))

with list_column:
    if focus is not None or framed:
        in_focus = disputes if focus is None else disputes.filter(unit_code=focus)
        place = t("mappage.area.chosen", lang) if focus is None else geo.unit_name(focus, lang)
    else:
        in_focus = disputes.filter(disputes["unit_code"].is_in(delta_codes)) if area == "delta" else disputes
        place = t(f"mappage.area.{area}", lang)
    st.subheader(t("mappage.list", lang, place=place, n=in_focus.height))
    if in_focus.is_empty():
        st.info(t("mappage.list.empty", lang))
    else:
        columns = ["title", "county", "grade", "days_open"]
        show_disputes(in_focus, lang, columns, height=600)
