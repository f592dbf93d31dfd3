"""The offline map of Guangdong, its layers and legends, shared by the map, hazard, event and wall-screen pages.

No tile server: `map_provider=None` stops Streamlit fetching a CARTO basemap (STACK-NOTES), and
the 22 reporting units and their counties are drawn from the simplified GeoJSON in data/geo/ over
a flat sea-coloured rectangle, Hong Kong and Macau grey for orientation. The view opens on the
Pearl River Delta (the emergency teams' focus) or the whole province, fitted to the screen.

Places are drawn as honestly as they are known (the map_place macro in queries/): a point where
it happened, near its town's or county's centroid, or, known only to its city, in the city's
hollow ring with a count: never as a point at the city seat, nor in a county or a density cell.
Tooltips use pydeck's `text` template (the browser sets innerText), so ledger text can never
become HTML.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from ledger import geo
from ledger.config import REPO_ROOT
from ledger.i18n import t
from ledger.schema import GRADE, GUANGDONG_LAT, GUANGDONG_LON, STATUS

GEO_DIR = REPO_ROOT / "data" / "geo"
UNITS_GEOJSON = "units"
COUNTIES_GEOJSON = "counties"

# Where the map opens: the delta (the emergency teams' focus, the default) or the whole province.
EXTENTS = ("delta", "province")
PROVINCE_BOUNDS = (GUANGDONG_LON[0], GUANGDONG_LAT[0], GUANGDONG_LON[1], GUANGDONG_LAT[1])  # west, south, east, north
# The map's size in CSS pixels on each class of screen, to fit a view to: a phone's full width
# (390 less the page's margins), the map column of a desktop page, the wall screen's map.
SCREENS = {"phone": (350, 480), "desktop": (760, 640), "wall": (1000, 800)}
MIN_ZOOM, MAX_ZOOM, CITY_MAX_ZOOM = 4.5, 13, 10.5


@dataclass(frozen=True)
class Palette:
    """The map's ground colours: light for the browser pages, dark for the wall screen."""

    sea: list[int]
    land_context: list[int]
    land: list[int]
    boundary: list[int]
    county_line: list[int]
    focus_line: list[int]
    label: list[int]
    label_outline: list[int]
    ring: list[int]


LIGHT = Palette(sea=[214, 228, 238], land_context=[236, 234, 228], land=[250, 249, 245], boundary=[120, 120, 120],
                county_line=[170, 170, 170], focus_line=[20, 20, 20], label=[40, 40, 40, 230],
                label_outline=[255, 255, 255, 220], ring=[90, 40, 140, 235])
DARK = Palette(sea=[10, 22, 40], land_context=[30, 36, 46], land=[44, 52, 66], boundary=[150, 160, 175],
               county_line=[78, 88, 104], focus_line=[255, 255, 255], label=[235, 240, 248, 240],
               label_outline=[10, 22, 40, 230], ring=[196, 160, 255, 240])
CJK_FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# grade → RGBA; I (most serious) the union's red, then orange, amber, blue; ungraded grey
GRADE_COLOURS = {"I": [200, 16, 46, 230], "II": [242, 112, 24, 225], "III": [230, 171, 2, 220],
                 "IV": [58, 110, 165, 210]}
UNGRADED_COLOUR = [128, 128, 128, 190]
# sequential reds for counts, light to dark (ColorBrewer Reds, 6 classes)
COUNT_RAMP = [[254, 229, 217], [252, 187, 161], [252, 146, 114], [251, 106, 74], [222, 45, 38], [165, 15, 21]]
# Drawn where they happened (or near their town's or county's centroid); city-level items are rings.
PLACED = ("point", "town", "county")
RING_TITLES = 3  # the most serious titles a city's ring lists


@lru_cache(maxsize=None)
def geojson(name: str) -> dict:
    """One of data/geo/*.geojson, read once per process."""
    return json.loads((GEO_DIR / f"{name}.geojson").read_text(encoding="utf-8"))


def _sea_layer(palette: Palette) -> pdk.Layer:
    west, south, east, north = 108.5, 19.0, 118.5, 26.5
    return pdk.Layer("SolidPolygonLayer", id="sea", data=[{"polygon": [[west, south], [east, south], [east, north], [west, north]]}],
                     get_polygon="polygon", get_fill_color=palette.sea)


def base_layers(focus_unit: str | None = None, units: dict | None = None, palette: Palette = LIGHT) -> list[pdk.Layer]:
    """Sea, Hong Kong and Macau, the 22 units as land (the focused one outlined) and county lines.
    `units` may be the units' GeoJSON with a `tip` per feature, so hovering a city tells about it."""
    units = units or geojson(UNITS_GEOJSON)
    focus = [f for f in units["features"] if f["properties"]["unit_code"] == focus_unit]
    layers = [
        _sea_layer(palette),
        pdk.Layer("GeoJsonLayer", id="context", data=geojson("context"), stroked=True, filled=True,
                  get_fill_color=palette.land_context, get_line_color=palette.county_line, line_width_min_pixels=0.5),
        pdk.Layer("GeoJsonLayer", id="units", data=units, stroked=True, filled=True, pickable=True,
                  get_fill_color=palette.land, get_line_color=palette.boundary, line_width_min_pixels=1.4),
        pdk.Layer("GeoJsonLayer", id="counties", data=geojson(COUNTIES_GEOJSON), stroked=True, filled=False,
                  get_line_color=palette.county_line, line_width_min_pixels=0.5),
    ]
    if focus:
        layers.append(pdk.Layer("GeoJsonLayer", id="focus", data={"type": "FeatureCollection", "features": focus},
                                stroked=True, filled=False, get_line_color=palette.focus_line, line_width_min_pixels=3))
    return layers


def label_layer(places: pl.DataFrame, text_column: str, size: int = 15, palette: Palette = LIGHT,
                offset_px: int = 0, layer_id: str | None = None) -> pdk.Layer:
    """Place names drawn on the map. deck.gl only has glyphs for ASCII unless characterSet is
    "auto"; pdk.types.String keeps pydeck from turning these two strings into accessor expressions
    (which silently draws nothing)."""
    return pdk.Layer("TextLayer", id=layer_id or f"labels-{text_column}",
                     data=places.select("lon", "lat", text_column).to_dicts(),
                     get_position=["lon", "lat"], get_text=text_column, get_size=size, get_color=palette.label,
                     get_pixel_offset=[0, offset_px], font_family=pdk.types.String(CJK_FONT),
                     character_set=pdk.types.String("auto"), font_weight=600,
                     outline_width=2, outline_color=palette.label_outline, font_settings={"sdf": True})


def count_colour(value: float, highest: float) -> list[int]:
    """A class of the sequential ramp: 0 gets the lightest, `highest` the darkest."""
    if highest <= 0 or value <= 0:
        return [*COUNT_RAMP[0], 160]
    step = min(len(COUNT_RAMP) - 1, 1 + int((value / highest) * (len(COUNT_RAMP) - 2) + 0.5))
    return [*COUNT_RAMP[step], 200]


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is written without indentation. pydeck indents it (indent=2), which makes
    Python use its pure-Python encoder: the map's boundaries came to 2.8 MB, encoded in 150 ms and
    sent to the browser again on every rerun. Unindented, the C encoder writes the same JSON, a
    fifth of the size, in a fraction of the time."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def deck(layers: list[pdk.Layer], tooltip_text: str | None, view: pdk.ViewState | None = None,
         height: int = 640) -> pdk.Deck:
    """A basemap-free deck (`map_provider=None`, no map_style): nothing is fetched from outside."""
    tooltip = {"text": tooltip_text, "style": {"fontSize": "14px", "whiteSpace": "pre-line", "maxWidth": "360px"}} \
        if tooltip_text else False
    return CompactDeck(layers=layers, initial_view_state=view or view_of(None), map_provider=None, tooltip=tooltip,
                       height=height, views=[pdk.View(type="MapView", controller=True)])


# ---- views: fitted to the bounds and the screen ------------------------------------------------

def _mercator_y(lat: float) -> float:
    """Web Mercator's y of a latitude, in turns of the world (as deck.gl's MapView projects)."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)


def fit_view(bounds: tuple[float, float, float, float], screen: str | tuple[int, int] = "desktop",
             padding: float = 0.04, max_zoom: float = MAX_ZOOM) -> pdk.ViewState:
    """The view that shows `bounds` (west, south, east, north) whole on a map of the screen
    class's size (SCREENS) or of (width, height) px, with `padding` of the map's size free on each
    side. deck.gl's zoom 0 draws the world 512 pixels wide."""
    west, south, east, north = bounds
    width, height = SCREENS[screen] if isinstance(screen, str) else screen
    span_x = max((east - west) / 360, 1e-6)
    span_y = max(_mercator_y(north) - _mercator_y(south), 1e-6)
    usable = 1 - 2 * padding
    zoom = math.log2(min(width * usable / (512 * span_x), height * usable / (512 * span_y)))
    middle_y = (_mercator_y(north) + _mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(middle_y * 2 * math.pi)) - math.pi / 2)
    return pdk.ViewState(longitude=(west + east) / 2, latitude=latitude,
                         zoom=round(max(MIN_ZOOM, min(max_zoom, zoom)), 2), min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)


def _points(coordinates):
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for part in coordinates:
            yield from _points(part)


@lru_cache(maxsize=None)
def units_bounds(unit_codes: tuple[str, ...]) -> tuple[float, float, float, float]:
    """The box (west, south, east, north) around these units' polygons."""
    lons, lats = zip(*(point for feature in geojson(UNITS_GEOJSON)["features"]
                       if feature["properties"]["unit_code"] in unit_codes
                       for point in _points(feature["geometry"]["coordinates"])))
    return min(lons), min(lats), max(lons), max(lats)


def view_for(extent: str = "delta", unit_codes: tuple[str, ...] = (),
             screen: str | tuple[int, int] = "desktop") -> pdk.ViewState:
    """The view a map opens on: the chosen cities framed (a focus or the sidebar's city filter),
    else the delta's ten units or the whole province, fitted to the screen class."""
    if unit_codes:
        return fit_view(units_bounds(tuple(sorted(unit_codes))), screen, max_zoom=CITY_MAX_ZOOM)
    if extent == "province":
        return fit_view(PROVINCE_BOUNDS, screen)
    return fit_view(units_bounds(tuple(u.code for u in geo.focus_units())), screen)


def view_of(unit_code: str | None, screen: str = "desktop") -> pdk.ViewState:
    """The delta, or a closer view framing one unit."""
    return view_for("delta", (unit_code,) if unit_code else (), screen)


def screen_class(headers) -> str:
    """'phone' when the browser says it is a mobile one (the User-Agent's Mobile/Android/iPhone
    token, or the Sec-CH-UA-Mobile client hint), else 'desktop': the server cannot measure the
    page, and a phone's map needs about two zoom levels less to show the same land."""
    agent = (headers.get("User-Agent") or "") if headers else ""
    hint = (headers.get("Sec-CH-UA-Mobile") or "") if headers else ""
    return "phone" if hint == "?1" or any(token in agent for token in ("Mobile", "Android", "iPhone")) else "desktop"


# ---- what is drawn ------------------------------------------------------------------------------

def _tip(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def point_radius_px(participants: pl.Expr) -> pl.Expr:
    """A dispute's dot: 3 px, larger with the crowd (sqrt, so 1,000 people are 11 px), at most 14.
    In pixels rather than metres so that, zoomed in, dots spread around one place come apart."""
    return pl.min_horizontal(14.0, 3 + participants.cast(pl.Float64).sqrt() / 4).round(1)


def dispute_points(disputes: pl.DataFrame, lang: str) -> list[dict]:
    """One dict per dispute placed at a point, town or county, with its position, colour, radius
    and tooltip text (`tip`), least serious first so that the most serious are drawn on top.
    City-level and unplaced items are not points (see city_rings). Built as column expressions,
    not a loop over rows: the map carries up to 20,000 points."""
    s = "zh" if lang == "zh" else "en"
    placed = disputes.filter(pl.col("place_precision").is_in(PLACED)).reverse()
    participants = (pl.when(pl.col("participants_high") > 0).then("participants_high")
                    .when(pl.col("participants_low") > 0).then("participants_low").otherwise(0))
    days_before, days_after = t("map.days_open", lang, days="\0").split("\0")
    lines = [
        _text("title"),
        _text("enterprise"),
        pl.concat_str(pl.concat_str(_text(f"unit_name_{s}"), _text(f"county_name_{s}"), separator=" · ",
                                    ignore_nulls=True).fill_null(""),
                      pl.col(f"industry_name_{s}").fill_null(""), separator=" · "),
        pl.lit(f"{t('col.participants', lang)}：") + _text("participants_text").fill_null("—"),
        pl.concat_str(_labels(_text("grade"), GRADE, lang).fill_null(t("grade.none", lang)),
                      _labels(pl.col("status"), STATUS, lang).fill_null(""),
                      pl.lit(days_before) + pl.col("days_open").cast(pl.String) + pl.lit(days_after),
                      separator=" · ", ignore_nulls=True),
        pl.col("place_precision").replace_strict({p: None if p == "point" else t(f"map.near_{p}", lang) for p in PLACED},
                                                 return_dtype=pl.String),
    ]
    colours = pl.DataFrame({"grade": list(GRADE_COLOURS), "colour": list(GRADE_COLOURS.values())})
    return (placed.join(colours, on="grade", how="left", maintain_order="left")
            .select("lon", "lat", pl.col("colour").fill_null(pl.lit(UNGRADED_COLOUR)),
                    radius=point_radius_px(participants),
                    tip=pl.concat_str(lines, separator="\n", ignore_nulls=True))
            .to_dicts())


def _text(column: str) -> pl.Expr:
    """A text column with empty strings as missing, so that a tooltip leaves them out."""
    return pl.when(pl.col(column) != "").then(pl.col(column))


def _labels(codes: pl.Expr, enum, lang: str) -> pl.Expr:
    """Codes as their labels in `lang` (an unknown code as itself, like Enum.label)."""
    return codes.replace({code: enum.label(code, lang) for code in enum.labels})


def city_rings(disputes: pl.DataFrame, places: pl.DataFrame, lang: str) -> list[dict]:
    """One ring per city with items known only to the city, at its seat: the count (from
    `places`, complete even when the points are capped) and the most serious titles."""
    name = "name_zh" if lang == "zh" else "name_en"
    titles = (disputes.filter(place_precision="city").group_by("unit_code", maintain_order=True)
              .agg(pl.col("title").head(RING_TITLES)))
    titles = dict(titles.iter_rows())
    rings = []
    for r in places.filter((pl.col("level") == "unit") & (pl.col("city_level_n") > 0)).iter_rows(named=True):
        listed = titles.get(r["unit_code"], [])
        rings.append({
            "lon": r["lon"], "lat": r["lat"], "radius": round(9 + 2.2 * r["city_level_n"] ** 0.5, 1),
            "label": t("map.ring", lang, n=r["city_level_n"]),
            "tip": _tip(t("map.ring_tip", lang, city=r[name], n=r["city_level_n"]),
                        t("map.most_serious", lang) if listed else None,
                        *(f"· {title}" for title in listed)),
        })
    return rings


def _ring_layers(disputes: pl.DataFrame, places: pl.DataFrame, lang: str, palette: Palette,
                 label_size: int, labels: bool = True, scale: float = 1.0) -> list[pdk.Layer]:
    """The hollow rings of city-level items, with their count written under the city's name."""
    rings = city_rings(disputes, places, lang)
    if not rings:
        return []
    layers = [
        pdk.Layer("ScatterplotLayer", id="city-rings", data=rings, get_position=["lon", "lat"], get_radius="radius",
                  radius_units=pdk.types.String("pixels"), radius_scale=scale, filled=False, stroked=True,
                  get_line_color=palette.ring, line_width_units=pdk.types.String("pixels"), get_line_width=2.5 * scale,
                  pickable=True),
    ]
    if labels:
        layers.append(label_layer(pl.DataFrame(rings).select("lon", "lat", "label"), "label", round(label_size * 0.7),
                                  palette, offset_px=round(label_size * 1.2), layer_id="city-ring-labels"))
    return layers


def _unit_tips(places: pl.DataFrame, lang: str) -> dict:
    """The units' GeoJSON with a tooltip per unit, so hovering a city tells its count and how
    many of them are known only to the city."""
    counts = {r["place_code"]: r for r in places.filter(level="unit").iter_rows(named=True)}
    features = []
    for feature in geojson(UNITS_GEOJSON)["features"]:
        code = feature["properties"]["unit_code"]
        row = counts.get(code, {"active_n": 0, "serious_n": 0, "city_level_n": 0})
        name = feature["properties"]["name_zh" if lang == "zh" else "name_en"]
        tip = _tip(name, t("map.active_n", lang, n=row["active_n"]), t("map.serious_n", lang, n=row["serious_n"]),
                   t("map.city_level_n", lang, n=row["city_level_n"]) if row["city_level_n"] else None)
        features.append({**feature, "tip": tip, "properties": {**feature["properties"], "tip": tip}})
    return {"type": "FeatureCollection", "features": features}


def _choropleth(places: pl.DataFrame, lang: str) -> list[pdk.Layer]:
    """Counties with polygons filled by their count; towns (no polygons) as circles on the same ramp.
    City-level items are in no county (active_disputes_by_place counts them apart)."""
    counties = places.filter(level="county")
    highest = float(counties["active_n"].max() or 0)
    by_code = {r["place_code"]: r for r in counties.iter_rows(named=True)}
    name = "name_zh" if lang == "zh" else "name_en"
    features = []
    for feature in geojson(COUNTIES_GEOJSON)["features"]:
        row = by_code.get(feature["properties"]["county_code"])
        if row is None:  # outside the scope or the unit filter
            continue
        tip = _tip(row[name], t("map.active_n", lang, n=row["active_n"]))
        features.append({**feature, "tip": tip, "colour": count_colour(row["active_n"], highest)})
    with_polygons = {f["properties"]["county_code"] for f in geojson(COUNTIES_GEOJSON)["features"]}
    towns = [{"lon": r["lon"], "lat": r["lat"], "colour": count_colour(r["active_n"], highest),
              "radius": 1500 + 500 * r["active_n"] ** 0.5, "tip": _tip(r[name], t("map.active_n", lang, n=r["active_n"]))}
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


def density_positions(disputes: pl.DataFrame) -> list[dict]:
    """The positions the density layer bins: points, towns and counties, never a city-level item."""
    return disputes.filter(pl.col("place_precision").is_in(PLACED)).select("lon", "lat").to_dicts()


def for_mode(mode: str, disputes: pl.DataFrame, places: pl.DataFrame, lang: str,
             focus_unit: str | None, palette: Palette = LIGHT, label_size: int = 15,
             ring_labels: bool = True, scale: float = 1.0) -> list[pdk.Layer]:
    """The map's layers for one display mode: points, hex (density) or choropleth, with the rings
    of city-level items in every mode and the cities' names on top. The wall screen leaves out the
    rings' counts (ring_labels, readable there only at a size that covers the next city's name;
    its legend gives the total) and enlarges the dots and rings by `scale`, its size unit."""
    layers = base_layers(focus_unit, _unit_tips(places, lang), palette)
    if mode == "choropleth":
        layers[3:3] = _choropleth(places, lang)  # under the county lines and the focus outline
    elif mode == "hex":
        layers.append(pdk.Layer("HexagonLayer", id="density", data=density_positions(disputes),
                                get_position=["lon", "lat"], radius=HEX_RADIUS_M, extruded=False, coverage=0.92,
                                opacity=0.75, color_range=COUNT_RAMP, pickable=False))
    else:
        layers.append(pdk.Layer("ScatterplotLayer", id="disputes", data=dispute_points(disputes, lang),
                                get_position=["lon", "lat"], get_fill_color="colour", get_radius="radius",
                                radius_units=pdk.types.String("pixels"), radius_scale=scale, stroked=True,
                                get_line_color=palette.label_outline[:3], line_width_min_pixels=0.7, pickable=True))
    layers += _ring_layers(disputes, places, lang, palette, label_size, ring_labels, scale)
    units = places.filter(level="unit").with_columns(
        label=pl.col("name_zh" if lang == "zh" else "name_en").str.replace("[市区]$", ""))
    layers.append(label_layer(units, "label", label_size, palette))
    return layers


def legend(mode: str, places: pl.DataFrame, lang: str) -> str:
    """What the colours and rings mean, under the map (Markdown colour names, no HTML)."""
    city_level = int(places.filter(level="unit")["city_level_n"].sum())
    rings = t("map.legend.rings", lang, n=city_level) if city_level else ""
    if mode == "choropleth":
        return t("map.legend.count", lang, max=int(places.filter(level="county")["active_n"].max() or 0)) + rings
    if mode == "hex":
        return t("map.legend.hex", lang, km=round(HEX_RADIUS_M * 2 / 1000)) + rings
    swatches = {"I": "red", "II": "orange", "III": "yellow", "IV": "blue"}
    chips = " ".join(f":{colour}[●] {GRADE.label(g, lang)}" for g, colour in swatches.items())
    return f"{t('map.legend.grade', lang)} {chips} :gray[●] {t('grade.none', lang)}" + rings


def wall_legend(places: pl.DataFrame, lang: str) -> str:
    """The points legend in one short line, for the wall screen (nothing there to hover)."""
    swatches = {"I": "red", "II": "orange", "III": "yellow", "IV": "blue"}
    chips = " ".join(f":{colour}[●] {g}" for g, colour in swatches.items()) + f" :gray[●] {t('grade.none', lang)}"
    city_level = int(places.filter(level="unit")["city_level_n"].sum())
    rings = t("wall.legend.rings", lang, n=city_level) if city_level else ""
    return t("wall.legend", lang, chips=chips) + rings


def unplaced_n(places: pl.DataFrame) -> int:
    """Active disputes whose place is not yet known (属地待定): counted, not drawn."""
    return int(places.filter(level="unplaced")["active_n"].sum())


def clicked_unit(chart_state) -> str | None:
    """The unit code of a city clicked on the map, from st.pydeck_chart's selection state."""
    try:
        objects = chart_state["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for obj in objects.get("units", []):
        return obj.get("properties", {}).get("unit_code")
    return None
