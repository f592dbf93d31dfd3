"""The offline Pearl River Delta map, its layers and legends, shared by the map, hazard and wall-screen pages.

No tile server: `map_provider=None` stops Streamlit fetching a CARTO basemap (STACK-NOTES), and
the land, the ten reporting units and their counties are drawn from the simplified GeoJSON in
data/geo/ over a flat sea-coloured rectangle. Tooltips use pydeck's `text` template (the
browser sets innerText), so ledger text can never become HTML.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
import pydeck as pdk

from ledger.config import REPO_ROOT
from ledger.i18n import t
from ledger.schema import GRADE, STATUS

GEO_DIR = REPO_ROOT / "data" / "geo"
PRD_VIEW = pdk.ViewState(longitude=113.45, latitude=22.85, zoom=7.6, min_zoom=6, max_zoom=13)


@dataclass(frozen=True)
class Palette:
    """The map's ground colours: light for the browser pages, dark for the wall screen."""

    sea: list[int]
    land_context: list[int]
    land_prd: list[int]
    boundary: list[int]
    county_line: list[int]
    focus_line: list[int]
    label: list[int]
    label_outline: list[int]


LIGHT = Palette(sea=[214, 228, 238], land_context=[236, 234, 228], land_prd=[250, 249, 245], boundary=[120, 120, 120],
                county_line=[170, 170, 170], focus_line=[20, 20, 20], label=[40, 40, 40, 230],
                label_outline=[255, 255, 255, 220])
DARK = Palette(sea=[10, 22, 40], land_context=[30, 36, 46], land_prd=[44, 52, 66], boundary=[150, 160, 175],
               county_line=[78, 88, 104], focus_line=[255, 255, 255], label=[235, 240, 248, 240],
               label_outline=[10, 22, 40, 230])
CJK_FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# grade → RGBA; I (most serious) the union's red, then orange, amber, blue; ungraded grey
GRADE_COLOURS = {"I": [200, 16, 46, 230], "II": [242, 112, 24, 225], "III": [230, 171, 2, 220],
                 "IV": [58, 110, 165, 210]}
UNGRADED_COLOUR = [128, 128, 128, 190]
# sequential reds for counts, light to dark (ColorBrewer Reds, 6 classes)
COUNT_RAMP = [[254, 229, 217], [252, 187, 161], [252, 146, 114], [251, 106, 74], [222, 45, 38], [165, 15, 21]]


@lru_cache(maxsize=None)
def geojson(name: str) -> dict:
    """One of data/geo/*.geojson, read once per process."""
    return json.loads((GEO_DIR / f"{name}.geojson").read_text(encoding="utf-8"))


def _sea_layer(palette: Palette) -> pdk.Layer:
    west, south, east, north = 109.0, 19.5, 118.5, 26.0
    return pdk.Layer("SolidPolygonLayer", id="sea", data=[{"polygon": [[west, south], [east, south], [east, north], [west, north]]}],
                     get_polygon="polygon", get_fill_color=palette.sea)


def base_layers(focus_unit: str | None = None, units: dict | None = None, palette: Palette = LIGHT) -> list[pdk.Layer]:
    """Sea, the land around the PRD, the ten units (the focused one outlined) and county lines.
    `units` may be the units' GeoJSON with a `tip` per feature, so hovering a city tells about it."""
    units = units or geojson("units")
    focus = [f for f in units["features"] if f["properties"]["unit_code"] == focus_unit]
    layers = [
        _sea_layer(palette),
        pdk.Layer("GeoJsonLayer", id="context", data=geojson("context"), stroked=True, filled=True,
                  get_fill_color=palette.land_context, get_line_color=palette.county_line, line_width_min_pixels=0.5),
        pdk.Layer("GeoJsonLayer", id="units", data=units, stroked=True, filled=True, pickable=True,
                  get_fill_color=palette.land_prd, get_line_color=palette.boundary, line_width_min_pixels=1.4),
        pdk.Layer("GeoJsonLayer", id="counties", data=geojson("counties"), stroked=True, filled=False,
                  get_line_color=palette.county_line, line_width_min_pixels=0.5),
    ]
    if focus:
        layers.append(pdk.Layer("GeoJsonLayer", id="focus", data={"type": "FeatureCollection", "features": focus},
                                stroked=True, filled=False, get_line_color=palette.focus_line, line_width_min_pixels=3))
    return layers


def label_layer(places: pl.DataFrame, text_column: str, size: int = 15, palette: Palette = LIGHT) -> pdk.Layer:
    """Place names drawn on the map. deck.gl only has glyphs for ASCII unless characterSet is
    "auto"; pdk.types.String keeps pydeck from turning these two strings into accessor expressions
    (which silently draws nothing)."""
    return pdk.Layer("TextLayer", id=f"labels-{text_column}", data=places.select("lon", "lat", text_column).to_dicts(),
                     get_position=["lon", "lat"], get_text=text_column, get_size=size, get_color=palette.label,
                     font_family=pdk.types.String(CJK_FONT), character_set=pdk.types.String("auto"), font_weight=600,
                     outline_width=2, outline_color=palette.label_outline, font_settings={"sdf": True})


def grade_colour(grade: str | None) -> list[int]:
    return GRADE_COLOURS.get(grade or "", UNGRADED_COLOUR)


def count_colour(value: float, highest: float) -> list[int]:
    """A class of the sequential ramp: 0 gets the lightest, `highest` the darkest."""
    if highest <= 0 or value <= 0:
        return [*COUNT_RAMP[0], 160]
    step = min(len(COUNT_RAMP) - 1, 1 + int((value / highest) * (len(COUNT_RAMP) - 2) + 0.5))
    return [*COUNT_RAMP[step], 200]


def deck(layers: list[pdk.Layer], tooltip_text: str | None, view: pdk.ViewState = PRD_VIEW,
         height: int = 640) -> pdk.Deck:
    """A basemap-free deck (`map_provider=None`, no map_style): nothing is fetched from outside."""
    tooltip = {"text": tooltip_text, "style": {"fontSize": "14px", "whiteSpace": "pre-line", "maxWidth": "360px"}} \
        if tooltip_text else False
    return pdk.Deck(layers=layers, initial_view_state=view, map_provider=None, tooltip=tooltip, height=height,
                    views=[pdk.View(type="MapView", controller=True)])


def view_of(unit_code: str | None) -> pdk.ViewState:
    """The whole PRD, or a closer view centred on one unit."""
    if unit_code is None:
        return PRD_VIEW
    feature = next(f for f in geojson("units")["features"] if f["properties"]["unit_code"] == unit_code)
    lons, lats = zip(*_points(feature["geometry"]["coordinates"]))
    span = max(max(lons) - min(lons), max(lats) - min(lats))
    zoom = 9.6 if span < 0.5 else 9.0 if span < 1.0 else 8.3 if span < 1.8 else 7.8
    return pdk.ViewState(longitude=(min(lons) + max(lons)) / 2, latitude=(min(lats) + max(lats)) / 2, zoom=zoom,
                         min_zoom=6, max_zoom=13)


def _points(coordinates):
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for part in coordinates:
            yield from _points(part)


def _tip(lang: str, *lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def dispute_points(disputes: pl.DataFrame, lang: str) -> list[dict]:
    """One dict per dispute with its position, colour, radius and tooltip text (`tip`)."""
    s = "zh" if lang == "zh" else "en"
    rows = []
    for d in disputes.iter_rows(named=True):
        participants = d["participants_high"] or d["participants_low"] or 0
        place = " · ".join(p for p in (d[f"unit_name_{s}"], d[f"county_name_{s}"]) if p)
        rows.append({
            "lon": d["lon"], "lat": d["lat"], "colour": grade_colour(d["grade"]),
            "radius": 700 + 110 * participants ** 0.5,
            "tip": _tip(lang, d["title"], d["enterprise"], f"{place} · {d[f'industry_name_{s}'] or ''}",
                        f"{t('col.participants', lang)}：{d['participants_text'] or '—'}",
                        f"{GRADE.label(d['grade'], lang) or t('grade.none', lang)} · {STATUS.label(d['status'], lang)} · "
                        f"{t('map.days_open', lang, days=d['days_open'])}",
                        t("map.approx", lang) if d["approx_location"] else None),
        })
    return rows


def _unit_tips(places: pl.DataFrame, lang: str) -> dict:
    """The units' GeoJSON with a tooltip per unit, so hovering a city tells its count."""
    counts = {r["place_code"]: r for r in places.filter(level="unit").iter_rows(named=True)}
    features = []
    for feature in geojson("units")["features"]:
        code = feature["properties"]["unit_code"]
        row = counts.get(code, {"active_n": 0, "serious_n": 0})
        name = feature["properties"]["name_zh" if lang == "zh" else "name_en"]
        tip = _tip(lang, name, t("map.active_n", lang, n=row["active_n"]), t("map.serious_n", lang, n=row["serious_n"]))
        features.append({**feature, "tip": tip, "properties": {**feature["properties"], "tip": tip}})
    return {"type": "FeatureCollection", "features": features}


def _choropleth(places: pl.DataFrame, lang: str) -> list[pdk.Layer]:
    """Counties with polygons filled by their count; towns (no polygons) as circles on the same ramp."""
    counties = places.filter(level="county")
    highest = float(counties["active_n"].max() or 0)
    by_code = {r["place_code"]: r for r in counties.iter_rows(named=True)}
    name = "name_zh" if lang == "zh" else "name_en"
    features = []
    for feature in geojson("counties")["features"]:
        row = by_code.get(feature["properties"]["county_code"])
        if row is None:  # outside the scope or the unit filter
            continue
        tip = _tip(lang, row[name], t("map.active_n", lang, n=row["active_n"]))
        features.append({**feature, "tip": tip, "colour": count_colour(row["active_n"], highest)})
    with_polygons = {f["properties"]["county_code"] for f in geojson("counties")["features"]}
    towns = [{"lon": r["lon"], "lat": r["lat"], "colour": count_colour(r["active_n"], highest),
              "radius": 1500 + 500 * r["active_n"] ** 0.5, "tip": _tip(lang, r[name], t("map.active_n", lang, n=r["active_n"]))}
             for r in counties.iter_rows(named=True) if r["place_code"] not in with_polygons]
    return [
        pdk.Layer("GeoJsonLayer", id="choropleth", data={"type": "FeatureCollection", "features": features},
                  filled=True, stroked=True, pickable=True, get_fill_color="colour", get_line_color=[255, 255, 255],
                  line_width_min_pixels=0.8),
        pdk.Layer("ScatterplotLayer", id="towns", data=towns, get_position=["lon", "lat"], get_fill_color="colour",
                  get_radius="radius", radius_min_pixels=4, stroked=True, get_line_color=[90, 90, 90],
                  line_width_min_pixels=0.6, pickable=True),
    ]


HEX_RADIUS_M = 4000


def for_mode(mode: str, disputes: pl.DataFrame, places: pl.DataFrame, lang: str,
             focus_unit: str | None, palette: Palette = LIGHT, label_size: int = 15) -> list[pdk.Layer]:
    """The map's layers for one display mode: points, hex (density) or choropleth."""
    layers = base_layers(focus_unit, _unit_tips(places, lang), palette)
    if mode == "choropleth":
        layers[3:3] = _choropleth(places, lang)  # under the county lines and the focus outline
    elif mode == "hex":
        layers.append(pdk.Layer("HexagonLayer", id="density", data=disputes.select("lon", "lat").to_dicts(),
                                get_position=["lon", "lat"], radius=HEX_RADIUS_M, extruded=False, coverage=0.92,
                                opacity=0.75, color_range=COUNT_RAMP, pickable=False))
    else:
        layers.append(pdk.Layer("ScatterplotLayer", id="disputes", data=dispute_points(disputes, lang),
                                get_position=["lon", "lat"], get_fill_color="colour", get_radius="radius",
                                radius_min_pixels=3, radius_max_pixels=28, stroked=True,
                                get_line_color=palette.label_outline[:3], line_width_min_pixels=0.7, pickable=True))
    units = places.filter(level="unit").with_columns(
        label=pl.col("name_zh" if lang == "zh" else "name_en").str.replace("[市区]$", ""))
    layers.append(label_layer(units, "label", label_size, palette))
    return layers


def legend(mode: str, places: pl.DataFrame, lang: str) -> str:
    """One line under the map saying what the colours mean (Markdown colour names, no HTML)."""
    if mode == "choropleth":
        return t("map.legend.count", lang, max=int(places.filter(level="county")["active_n"].max() or 0))
    if mode == "hex":
        return t("map.legend.hex", lang, km=round(HEX_RADIUS_M * 2 / 1000))
    swatches = {"I": "red", "II": "orange", "III": "yellow", "IV": "blue"}
    chips = " ".join(f":{colour}[●] {GRADE.label(g, lang)}" for g, colour in swatches.items())
    return f"{t('map.legend.grade', lang)} {chips} :gray[●] {t('grade.none', lang)}"


def clicked_unit(chart_state) -> str | None:
    """The unit code of a city clicked on the map, from st.pydeck_chart's selection state."""
    try:
        objects = chart_state["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for obj in objects.get("units", []):
        return obj.get("properties", {}).get("unit_code")
    return None
