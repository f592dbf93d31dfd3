"""The delta's ten units one by one, the other regions (粤东, 粤西, 粤北) as groups: how the wall
screen shows figures for the whole province while keeping the emergency teams in focus.

A region's figure is the sum of its units' rows of verification_rate_by_unit, so it uses the
query's own definition of due, on time and overdue (counts add up; a rate is recomputed from
the sums, never averaged)."""
from __future__ import annotations

import polars as pl

from ledger import geo


def focus_rows(rates: pl.DataFrame) -> pl.DataFrame:
    """The rate query's rows of the delta's ten units, in the union's order."""
    codes = [u.code for u in geo.focus_units()]
    return rates.filter(pl.col("unit_code").is_in(codes))


def region_rows(rates: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """One row per region outside the delta, in REGIONS order: its name and the sums of its
    units' due_n, on_time_n, late_n and overdue_n, with rate_pct = on_time_n / due_n."""
    regions = [r for r in geo.REGIONS if r != geo.FOCUS_REGION]
    of_unit = pl.DataFrame({"unit_code": [u.code for u in geo.units()], "region": [u.region for u in geo.units()]})
    sums = (rates.filter(pl.col("unit_code").is_not_null()).join(of_unit, on="unit_code")
            .group_by("region").agg(pl.col("due_n", "on_time_n", "late_n", "overdue_n").sum()))
    frame = pl.DataFrame({"region": regions, "name": [geo.region_name(r, lang) for r in regions]})
    return (frame.join(sums, on="region", how="left", maintain_order="left")
            .with_columns(pl.col("due_n", "on_time_n", "late_n", "overdue_n").fill_null(0))
            .with_columns(rate_pct=pl.when(pl.col("due_n") > 0)
                          .then((100 * pl.col("on_time_n") / pl.col("due_n")).round(1))))
