"""Build the offline map boundaries in data/geo/ from the `cnmaps` package (run once, by hand).

Why a build script and not a runtime dependency: cnmaps carries ~250 MB of boundary data and a
heavy geo stack (geopandas, cartopy, fiona) that the intranet server does not need. The app only
reads the few hundred KB of simplified GeoJSON written here.

Run it in a throwaway virtual environment (PyPI only, no other internet):

    python3 -m venv /tmp/geovenv && /tmp/geovenv/bin/pip install cnmaps shapely
    /tmp/geovenv/bin/python tools/build_geo.py

What it writes (WGS84, coordinates rounded to 4 decimals ≈ 10 m):
- prd_units.geojson    the ten reporting units; Foshan is Foshan minus Shunde, Shunde is its district
- prd_counties.geojson the county-level divisions of the seven cities that have them, matched to
                       data/reference/counties.csv codes (Dongguan, Zhongshan and Shunde report by
                       town, which cnmaps has no polygons for: the map shows those towns as points)
- context.geojson      the rest of Guangdong plus Hong Kong and Macau, drawn grey for orientation
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from cnmaps import get_adm_maps
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
OUT = ROOT / "data" / "geo"
TOLERANCE_UNITS = 0.004     # degrees; ≈ 400 m, invisible at the PRD's scale on a wall screen
TOLERANCE_COUNTIES = 0.003
TOLERANCE_CONTEXT = 0.01
SHUNDE = "440606"
FOSHAN = "440600"


def _geometry(record) -> object:
    """cnmaps' MapPolygon is a shapely geometry subclass; rebuild a plain one from its mapping."""
    return shape(mapping(record["geometry"]))


def _rounded(geometry, tolerance: float) -> dict:
    simple = geometry.simplify(tolerance, preserve_topology=True)
    geojson = mapping(simple)

    def round_coords(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], 4), round(coords[1], 4)]
        return [round_coords(c) for c in coords]

    return {"type": geojson["type"], "coordinates": round_coords(geojson["coordinates"])}


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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    units = _read_csv("units.csv")
    unit_by_name = {u["name_zh"]: u for u in units}
    counties = get_adm_maps(province="广东省", level="区县")
    cities = get_adm_maps(province="广东省", level="市")
    shunde = next(_geometry(c) for c in counties if c["district"] == "顺德区")

    unit_features = []
    for city in cities:
        unit = unit_by_name.get(city["city"])
        if unit is None:
            continue
        geometry = _geometry(city)
        if unit["unit_code"] == FOSHAN:
            geometry = geometry.difference(shunde)
        unit_features.append(_feature(geometry, TOLERANCE_UNITS, unit_code=unit["unit_code"],
                                      name_zh=unit["name_zh"], name_en=unit["name_en"]))
    shunde_unit = next(u for u in units if u["unit_code"] == SHUNDE)
    unit_features.append(_feature(shunde, TOLERANCE_UNITS, unit_code=SHUNDE,
                                  name_zh=shunde_unit["name_zh"], name_en=shunde_unit["name_en"]))
    assert len(unit_features) == len(units), "every reporting unit needs a boundary"
    _write("prd_units.geojson", sorted(unit_features, key=lambda f: f["properties"]["unit_code"]))

    reference = {(c["unit_code"], c["name_zh"]): c for c in _read_csv("counties.csv")}
    unit_code_of_city = {u["name_zh"]: u["unit_code"] for u in units}
    county_features = []
    for county in counties:
        unit_code = unit_code_of_city.get(county["city"])
        row = reference.get((unit_code, county["district"]))
        if row is None:  # Dongguan, Zhongshan (whole cities) and Shunde (a unit of its own)
            continue
        county_features.append(_feature(_geometry(county), TOLERANCE_COUNTIES,
                                        county_code=row["county_code"], unit_code=unit_code,
                                        name_zh=row["name_zh"], name_en=row["name_en"]))
    _write("prd_counties.geojson", sorted(county_features, key=lambda f: f["properties"]["county_code"]))

    context = [_feature(_geometry(c), TOLERANCE_CONTEXT, name_zh=c["city"])
               for c in cities if c["city"] not in unit_by_name]
    for region in ("香港特别行政区", "澳门特别行政区"):
        for record in get_adm_maps(province=region, level="省"):
            context.append(_feature(_geometry(record), TOLERANCE_CONTEXT / 4, name_zh=region))
    _write("context.geojson", context)


if __name__ == "__main__":
    main()
