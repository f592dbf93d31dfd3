"""Build the offline map boundaries in data/geo/ from the `cnmaps` package (run once, by hand).

Why a build script and not a runtime dependency: cnmaps carries ~250 MB of boundary data and a
heavy geo stack (geopandas, cartopy, fiona) that the intranet server does not need. The app only
reads the few hundred KB of simplified GeoJSON written here.

Run it in a throwaway virtual environment (PyPI only, no other internet):

    python3 -m venv /tmp/geovenv && /tmp/geovenv/bin/pip install cnmaps shapely
    /tmp/geovenv/bin/python tools/build_geo.py

What it writes (WGS84, coordinates rounded to 4 decimals ≈ 10 m):
- units.geojson     the 22 reporting units of the whole province; Foshan is Foshan minus Shunde,
                    Shunde is its district; properties unit_code, name_zh, name_en, region
- counties.geojson  every county-level division of data/reference/counties.csv (Dongguan,
                    Zhongshan and Shunde report by town, which cnmaps has no polygons for: the map
                    shows those towns as points); properties county_code, unit_code, name_zh, name_en
- context.geojson   Hong Kong and Macau, drawn grey for orientation

It stops with an error rather than write a partial map: every unit and every county-level row of
counties.csv must get a polygon, and every Guangdong division in cnmaps must be in counties.csv
(or be one of the three units that report by town).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from cnmaps import get_adm_maps
from shapely import set_precision
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
OUT = ROOT / "data" / "geo"
TOLERANCE_UNITS = 0.004     # degrees; ≈ 400 m, invisible at a city's scale on a wall screen
TOLERANCE_COUNTIES = 0.003
TOLERANCE_CONTEXT = 0.0025
SHUNDE = "440606"
FOSHAN = "440600"
COUNTY_LEVELS = {"市辖区", "县级市", "县", "自治县"}  # counties.csv levels that cnmaps has polygons for
BY_TOWN = {"东莞市", "中山市", "顺德区"}  # cnmaps divisions whose unit reports by town instead


def _geometry(record) -> object:
    """cnmaps' MapPolygon is a shapely geometry subclass; rebuild a plain one from its mapping."""
    return shape(mapping(record["geometry"]))


def _round_coords(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 4), round(coords[1], 4)]
    return [_round_coords(c) for c in coords]


def _rounded(geometry, tolerance: float) -> dict:
    """Simplified, then rounded to 4 decimals. Rounding can make a ring cross itself (Zhanjiang's
    did), which breaks point-in-polygon tests; such a geometry is snapped to the same grid by GEOS'
    precision reducer instead, which keeps it valid."""
    simple = geometry.simplify(tolerance, preserve_topology=True)
    geojson = mapping(simple)
    rounded = {"type": geojson["type"], "coordinates": _round_coords(geojson["coordinates"])}
    if not shape(rounded).is_valid:
        snapped = mapping(set_precision(simple, 1e-4))
        rounded = {"type": snapped["type"], "coordinates": _round_coords(snapped["coordinates"])}
    return rounded


def _feature(geometry, tolerance: float, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": _rounded(geometry, tolerance)}


def _write(name: str, features: list[dict]) -> None:
    path = OUT / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(features)} features, {path.stat().st_size // 1024} KB")


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _unit_features(units: list[dict], cities: list, shunde) -> list[dict]:
    """The 22 units: 21 cities, Foshan without Shunde, and Shunde on its own."""
    by_name = {u["name_zh"]: u for u in units}
    geometries = {}
    for city in cities:
        unit = by_name[city["city"]]  # KeyError: a city cnmaps has that units.csv lacks
        geometry = _geometry(city)
        geometries[unit["unit_code"]] = geometry.difference(shunde) if unit["unit_code"] == FOSHAN else geometry
    geometries[SHUNDE] = shunde
    missing = {u["unit_code"] for u in units} - set(geometries)
    assert not missing, f"reporting units without a boundary: {missing}"
    return [_feature(geometries[u["unit_code"]], TOLERANCE_UNITS, unit_code=u["unit_code"], name_zh=u["name_zh"],
                     name_en=u["name_en"], region=u["region"])
            for u in sorted(units, key=lambda u: u["unit_code"])]


def _county_features(units: list[dict], counties: list) -> list[dict]:
    """Every county-level row of counties.csv, matched to cnmaps by (city, official name)."""
    unit_code_of_city = {u["name_zh"]: u["unit_code"] for u in units}
    reference = {(c["unit_code"], c["name_zh"]): c for c in _read_csv("counties.csv") if c["level"] in COUNTY_LEVELS}
    features, unmatched = [], []
    for county in counties:
        row = reference.pop((unit_code_of_city[county["city"]], county["district"]), None)
        if row is None:
            if county["district"] not in BY_TOWN:
                unmatched.append(f"{county['city']}{county['district']}")
            continue
        features.append(_feature(_geometry(county), TOLERANCE_COUNTIES, county_code=row["county_code"],
                                 unit_code=row["unit_code"], name_zh=row["name_zh"], name_en=row["name_en"]))
    assert not unmatched, f"cnmaps divisions missing from counties.csv: {unmatched}"
    assert not reference, f"counties.csv rows without a cnmaps polygon: {sorted(reference)}"
    return sorted(features, key=lambda f: f["properties"]["county_code"])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    units = _read_csv("units.csv")
    counties = get_adm_maps(province="广东省", level="区县")
    cities = get_adm_maps(province="广东省", level="市")
    shunde = next(_geometry(c) for c in counties if c["district"] == "顺德区")
    files = {  # all built (and checked) before any is written
        "units.geojson": _unit_features(units, cities, shunde),
        "counties.geojson": _county_features(units, counties),
        "context.geojson": [_feature(_geometry(record), TOLERANCE_CONTEXT, name_zh=region)
                            for region in ("香港特别行政区", "澳门特别行政区")
                            for record in get_adm_maps(province=region, level="省")],
    }
    for name, features in files.items():
        _write(name, features)


if __name__ == "__main__":
    main()
