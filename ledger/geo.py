"""Guangdong's reporting units and their counties and towns, from the reference gazetteer in
data/reference/ (GB/T 2260 codes; NBS township codes for towns).

The ledger is the whole province's: 21 prefecture-level cities, with Shunde district (440606)
reporting on its own inside Foshan, so "Foshan" here means Foshan without Shunde: 22 units.
The Pearl River Delta's nine cities and Shunde have emergency teams and are the default focus of
the map, the wall and the gauges (`focus_units`); the other cities are grouped by region
(粤东, 粤西, 粤北) where a page shows groups. Dongguan and Zhongshan have no counties: their towns
and sub-districts take the county's place.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ledger.config import read_reference_csv as _read


@dataclass(frozen=True)
class Place:
    code: str
    unit_code: str
    name_zh: str
    short_zh: str
    name_en: str
    pinyin: str
    aliases: tuple[str, ...]
    level: str
    lon: float
    lat: float
    region: str = ""  # REGIONS code of the unit (a county's is its unit's)

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


# The province's regions, in the order pages list them: the delta (the emergency teams) first.
REGIONS: dict[str, tuple[str, str]] = {
    "prd": ("珠三角", "Pearl River Delta"),
    "east": ("粤东", "Eastern Guangdong"),
    "west": ("粤西", "Western Guangdong"),
    "north": ("粤北", "Northern Guangdong"),
}
FOCUS_REGION = "prd"


def _place(row: dict[str, str], code: str, unit_code: str, level: str, region: str) -> Place:
    return Place(
        code=code, unit_code=unit_code, name_zh=row["name_zh"], short_zh=row["short_zh"],
        name_en=row["name_en"], pinyin=row["pinyin"],
        aliases=tuple(a for a in row["aliases"].split("|") if a), level=level,
        lon=float(row["lon"]), lat=float(row["lat"]), region=region,
    )


@lru_cache(maxsize=1)
def units() -> tuple[Place, ...]:
    """The 22 reporting units, in the order the union lists them: the delta's ten, then by region."""
    rows = sorted(_read("units.csv"), key=lambda r: int(r["sort_order"]))
    return tuple(_place(r, r["unit_code"], r["unit_code"], "报送单位", r["region"]) for r in rows)


@lru_cache(maxsize=1)
def focus_units() -> tuple[Place, ...]:
    """The Pearl River Delta's nine cities and Shunde: the emergency teams, the wall's default focus."""
    return tuple(u for u in units() if u.region == FOCUS_REGION)


def region_of(unit_code: str | None) -> str | None:
    place = unit_by_code().get(unit_code or "")
    return place.region if place else None


def region_name(region: str, lang: str = "zh") -> str:
    zh, en = REGIONS[region]
    return zh if lang == "zh" else en


@lru_cache(maxsize=1)
def counties() -> tuple[Place, ...]:
    """Counties, districts and (for Dongguan, Zhongshan and Shunde) towns and sub-districts."""
    region = {r["unit_code"]: r["region"] for r in _read("units.csv")}
    return tuple(_place(r, r["county_code"], r["unit_code"], r["level"], region[r["unit_code"]])
                 for r in _read("counties.csv"))


@lru_cache(maxsize=1)
def unit_by_code() -> dict[str, Place]:
    return {u.code: u for u in units()}


@lru_cache(maxsize=1)
def county_by_code() -> dict[str, Place]:
    return {c.code: c for c in counties()}


@lru_cache(maxsize=1)
def county_units() -> dict[str, str]:
    """County or town code -> its reporting unit's code."""
    return {c.code: c.unit_code for c in counties()}


def unit_name(code: str | None, lang: str = "zh") -> str:
    place = unit_by_code().get(code or "")
    return place.name(lang) if place else (code or "")
