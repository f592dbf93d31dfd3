"""Places placed honestly, on a real snapshot: a copy of the demo ledger with disputes journalled
at one identical point, at one county's centroid, known only to a city outside the delta, and with
no place yet (属地待定). Each is checked through the real query door and the map's layer data."""
from __future__ import annotations

import json
import math
import shutil
from datetime import timedelta

import polars as pl
import pytest

from ledger import geo
from ledger.config import load_settings
from ledger.schema import ITEMS_SCHEMA
from ledger.store import Journal, build_snapshot, current_snapshot, now_shanghai
from queries import ALL, Door, Filters, Scope
from ui import map_layers

STACK_POINT = (113.3305, 23.1402)  # one spot in Guangzhou's Tianhe district
STACKED, AT_COUNTY, AT_SHANTOU, UNPLACED = 25, 6, 4, 3
GRADES = ["IV", "III", "II", "I", None]


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dy = (lat2 - lat1) * 111_320
    dx = (lon2 - lon1) * 111_320 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


@pytest.fixture(scope="module")
def placed(demo_settings, tmp_path_factory):
    """The demo ledger plus the four kinds of place, in a data folder of its own; (door, now, params)."""
    data_dir = tmp_path_factory.mktemp("places") / "data"
    shutil.copytree(demo_settings.data_dir, data_dir)
    settings = load_settings(data_dir)
    now = now_shanghai()
    template = pl.read_parquet(current_snapshot(settings).table("items")).filter("is_collective").head(1)

    def rows(prefix: str, n: int, **columns) -> pl.DataFrame:
        return pl.concat([template.with_columns(
            item_id=pl.lit(f"{prefix}{i:03d}"), title=pl.lit(f"测试{prefix}{i}"), grade=pl.lit(GRADES[i % 5], pl.String),
            captured_at=pl.lit(now - timedelta(hours=1 + i)), occurred_on=pl.lit((now - timedelta(hours=1 + i)).date()),
            status=pl.lit("pending"), closed_at=pl.lit(None, pl.Datetime("us")), verified_at=pl.lit(None, pl.Datetime("us")),
            verification_result=pl.lit(None, pl.String), participants_low=pl.lit(10 * (i + 1), pl.Int32),
            participants_high=pl.lit(10 * (i + 1), pl.Int32), is_collective=pl.lit(True),
            **{name: pl.lit(value, template.schema[name]) for name, value in columns.items()}) for i in range(n)])

    yuexiu = geo.county_by_code()["440104"]
    shantou = geo.unit_by_code()["440500"]
    batch = pl.concat([
        rows("PT", STACKED, unit_code="440100", county_code="440106", lon=STACK_POINT[0], lat=STACK_POINT[1],
             place_precision="point"),
        rows("CT", AT_COUNTY, unit_code="440100", county_code="440104", lon=yuexiu.lon, lat=yuexiu.lat,
             place_precision="county"),
        rows("ST", AT_SHANTOU, unit_code="440500", county_code=None, lon=shantou.lon, lat=shantou.lat,
             place_precision="city", assigned_unit="440500"),
        rows("UN", UNPLACED, unit_code=None, county_code=None, lon=None, lat=None, place_precision="unknown",
             place_reason="标题和描述中未提到地点", assigned_unit=None),
    ], how="vertical_relaxed")
    Journal(settings.journal_dir).append("items", [batch.to_arrow().cast(ITEMS_SCHEMA)], source="test")
    build_snapshot(settings)
    params = {**Filters.last_days(30, now.date()).params(), "now": now}
    return Door(settings), params


def test_identical_points_are_spread_on_a_sunflower_most_serious_at_the_centre(placed):
    door, params = placed
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **params)
    stack = points.filter(pl.col("item_id").str.starts_with("PT"))
    assert stack.height == STACKED and set(stack["place_precision"]) == {"point"}
    positions = list(zip(stack["lon"], stack["lat"]))
    # every one has a spot of its own, at least 100 m from any other, none further than 150 m × sqrt(24)
    for i, a in enumerate(positions):
        assert _metres(*a, *STACK_POINT) <= 150 * math.sqrt(STACKED - 1) + 1
        for b in positions[i + 1:]:
            assert _metres(*a, *b) > 100
    # the most serious is at the exact spot, and the rows keep their most-serious-first order
    assert _metres(*positions[0], *STACK_POINT) < 0.01 and stack["grade"][0] == "I"
    assert stack["severity_rank"].to_list() == sorted(stack["severity_rank"].to_list())
    assert points["severity_rank"].to_list() == sorted(points["severity_rank"].to_list())
    # the same answer every time (deterministic), and the spread grows with the count
    assert door.q("active_disputes_on_map", ALL, limit=100_001, **params).filter(
        pl.col("item_id").str.starts_with("PT"))["lon"].to_list() == stack["lon"].to_list()
    # items known to their county are spread around its centroid the same way
    county = points.filter(pl.col("item_id").str.starts_with("CT"))
    at_yuexiu = points.filter((pl.col("county_code") == "440104") & (pl.col("place_precision") == "county")).height
    yuexiu = geo.county_by_code()["440104"]
    spreads = [_metres(lon, lat, yuexiu.lon, yuexiu.lat) for lon, lat in zip(county["lon"], county["lat"])]
    assert set(county["place_precision"]) == {"county"} and len(set(spreads)) == AT_COUNTY
    assert max(spreads) <= 150 * math.sqrt(at_yuexiu - 1) + 1


def test_city_level_items_are_rings_never_points_density_or_counties(placed):
    door, params = placed
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **params)
    places = door.q("active_disputes_by_place", ALL, **params)
    city = points.filter(place_precision="city")
    assert city.filter(pl.col("item_id").str.starts_with("ST")).height == AT_SHANTOU
    # a city-level row sits at its city's seat, for the ring
    seats = {u.code: (u.lon, u.lat) for u in geo.units()}
    assert all((lon, lat) == pytest.approx(seats[code]) for code, lon, lat in city.select("unit_code", "lon", "lat").iter_rows())
    # not drawn as points, not in the density layer
    drawn = map_layers.dispute_points(points, "zh")
    assert len(drawn) == points.filter(pl.col("place_precision").is_in(map_layers.PLACED)).height
    assert not {(d["lon"], d["lat"]) for d in drawn} & set(zip(city["lon"], city["lat"]))
    assert len(map_layers.density_positions(points)) == len(drawn)
    # one ring per city with its complete count and its most serious titles first
    units = places.filter(level="unit")
    expected = city.group_by("unit_code").len()
    assert dict(units.filter(pl.col("city_level_n") > 0).select("place_code", "city_level_n").iter_rows()) == \
        dict(expected.iter_rows())
    rings = {(r["lon"], r["lat"]): r for r in map_layers.city_rings(points, places, "zh")}
    assert len(rings) == expected.height
    shantou = rings[seats["440500"]]
    in_shantou = city.filter(unit_code="440500")
    assert shantou["label"] == f"仅知地市 {in_shantou.height}" and "汕头市" in shantou["tip"]
    listed = [line.removeprefix("· ") for line in shantou["tip"].split("\n") if line.startswith("· ")]
    assert listed == in_shantou["title"].head(map_layers.RING_TITLES).to_list()  # the most serious, in order
    # the counties count only what happened in them: with the rings and the points that have no
    # county, they make up the units' counts
    counties = places.filter(level="county")
    assert counties["active_n"].sum() == points.filter(pl.col("place_precision").is_in(map_layers.PLACED)
                                                       & pl.col("county_code").is_not_null()).height
    assert units["active_n"].sum() == counties["active_n"].sum() + units["city_level_n"].sum() + \
        points.filter((pl.col("place_precision") == "point") & pl.col("county_code").is_null()).height
    assert "仅知地市" in map_layers.legend("choropleth", places, "zh")


def test_places_not_yet_known_are_counted_not_drawn(placed):
    door, params = placed
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **params)
    places = door.q("active_disputes_by_place", ALL, **params)
    unknown = points.filter(place_precision="unknown")
    assert unknown.height == UNPLACED and unknown["lon"].null_count() == UNPLACED
    assert map_layers.unplaced_n(places) == UNPLACED
    assert places.filter(level="unit")["active_n"].sum() + UNPLACED == points.height
    assert not {d["tip"].split("\n")[0] for d in map_layers.dispute_points(points, "zh")} & set(unknown["title"])
    # an officer's scope and a city filter hold none of them
    officer = door.q("active_disputes_by_place", Scope.only("440100"), **params)
    assert map_layers.unplaced_n(officer) == 0
    assert map_layers.unplaced_n(door.q("active_disputes_by_place", ALL, **{**params, "units": ["440100"]})) == 0


@pytest.mark.parametrize("screen", list(map_layers.SCREENS))
@pytest.mark.parametrize("extent", map_layers.EXTENTS)
def test_views_fit_their_land_on_each_screen(screen, extent):
    """The view shows the whole area on that screen class: the area's box, projected at the view's
    zoom, fits the map's size in pixels."""
    view = map_layers.view_for(extent, screen=screen)
    west, south, east, north = map_layers.PROVINCE_BOUNDS if extent == "province" else \
        map_layers.units_bounds(tuple(u.code for u in geo.focus_units()))
    scale = 512 * 2 ** view.zoom
    width, height = map_layers.SCREENS[screen]
    assert (east - west) / 360 * scale <= width
    assert (map_layers._mercator_y(north) - map_layers._mercator_y(south)) * scale <= height
    assert west < view.longitude < east and south < view.latitude < north
    # and it is not needlessly small: half a zoom level more would no longer fit
    bigger = 512 * 2 ** (view.zoom + 0.5)
    assert (east - west) / 360 * bigger > width or \
        (map_layers._mercator_y(north) - map_layers._mercator_y(south)) * bigger > height


def test_a_phone_is_known_by_its_browser():
    assert map_layers.screen_class({"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}) == "phone"
    assert map_layers.screen_class({"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}) == "phone"
    assert map_layers.screen_class({"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130", "Sec-CH-UA-Mobile": "?0"}) == "desktop"
    assert map_layers.screen_class({}) == "desktop"


def test_a_points_tooltip_tells_what_where_how_many_and_how_serious(placed):
    """The points are built as column expressions: each tooltip line must still come from its
    own row, blanks left out, codes shown as labels."""
    door, params = placed
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **params)
    drawn = map_layers.dispute_points(points, "zh")
    rows = points.filter(pl.col("place_precision").is_in(map_layers.PLACED)).reverse().to_dicts()
    assert len(drawn) == len(rows) > 0
    for row, point in zip(rows, drawn):
        lines = point["tip"].split("\n")
        assert lines[0] == row["title"] and (point["lon"], point["lat"]) == (row["lon"], row["lat"])
        assert ("" not in lines) and (row["enterprise"] in lines if row["enterprise"] else True)
        assert f"涉及人数：{row['participants_text'] or '—'}" in lines
        assert f"已持续 {row['days_open']} 天" in lines[-1 if row["place_precision"] == "point" else -2]
        assert point["colour"] == map_layers.GRADE_COLOURS.get(row["grade"] or "", map_layers.UNGRADED_COLOUR)
        people = row["participants_high"] or row["participants_low"] or 0
        assert point["radius"] == round(min(14.0, 3 + people ** 0.5 / 4), 1)  # 3 px, with the crowd, at most 14
        if row["place_precision"] != "point":
            assert lines[-1].startswith("（仅知")


def test_the_maps_json_is_pydecks_json_unindented(placed):
    from pydeck.bindings.json_tools import serialize

    door, params = placed
    points = door.q("active_disputes_on_map", ALL, limit=100_000, **params)
    places = door.q("active_disputes_by_place", ALL, **params)
    deck = map_layers.deck(map_layers.for_mode("points", points, places, "zh", None), "{tip}")
    assert json.loads(deck.to_json()) == json.loads(serialize(deck))
    assert len(deck.to_json()) < len(serialize(deck)) / 3
