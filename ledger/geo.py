"""The Pearl River Delta's reporting units and their counties and towns, from the reference
gazetteer in data/reference/ (GB/T 2260 codes; NBS township codes for towns).

Shunde district (440606) is a reporting unit of its own inside Foshan, so "Foshan" here means
Foshan without Shunde. Dongguan and Zhongshan have no counties: their towns and sub-districts
take the county's place.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .config import read_reference_csv as _read


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

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


def _place(row: dict[str, str], code: str, unit_code: str, level: str) -> Place:
    return Place(
        code=code, unit_code=unit_code, name_zh=row["name_zh"], short_zh=row["short_zh"],
        name_en=row["name_en"], pinyin=row["pinyin"],
        aliases=tuple(a for a in row["aliases"].split("|") if a), level=level,
        lon=float(row["lon"]), lat=float(row["lat"]),
    )


@lru_cache(maxsize=1)
def units() -> tuple[Place, ...]:
    """The ten reporting units, in the order the union lists them."""
    rows = sorted(_read("units.csv"), key=lambda r: int(r["sort_order"]))
    return tuple(_place(r, r["unit_code"], r["unit_code"], "报送单位") for r in rows)


@lru_cache(maxsize=1)
def counties() -> tuple[Place, ...]:
    """Counties, districts and (for Dongguan, Zhongshan and Shunde) towns and sub-districts."""
    return tuple(_place(r, r["county_code"], r["unit_code"], r["level"]) for r in _read("counties.csv"))


@lru_cache(maxsize=1)
def unit_by_code() -> dict[str, Place]:
    return {u.code: u for u in units()}


@lru_cache(maxsize=1)
def county_by_code() -> dict[str, Place]:
    return {c.code: c for c in counties()}


def county_units() -> dict[str, str]:
    """County or town code -> its reporting unit's code."""
    return {c.code: c.unit_code for c in counties()}


def unit_name(code: str | None, lang: str = "zh") -> str:
    place = unit_by_code().get(code or "")
    return place.name(lang) if place else (code or "")
