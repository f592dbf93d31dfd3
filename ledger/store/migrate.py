"""Journal batches written by an older Sentinel, read as the current schema.

The journal is never rewritten (ledger/store/), so an items batch keeps the schema it was
written with (`schema_version` in its batch.json). A snapshot build reads such a batch through a
conformed copy of its parts, made once and kept beside the journal (store.JournalFiles), so that
an old data directory opens and `python -m ledger snapshot` rebuilds it without losing an item
or a change. Changes, event reports and item origins have kept their schemas; only items moved.

What each version needs, oldest first:
- before 3, `location_approx` (the point is a centroid) becomes `place_precision`: a point not
  marked approximate is exact; a centroid is the town's, the county's or the city's by the code
  the item has. Every such item had its unit (the delta only), so none is 属地待定. Grades set
  before 等级确认 existed stay as they were (`grade_review` null: nothing waits for the province).
- any column the batch lacks is null; a column the schema no longer has is dropped.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ledger.schema import ITEMS_SCHEMA


def upgrade_items(table: pa.Table, version: int) -> pa.Table:
    """`table`, an items part written under schema `version`, as ITEMS_SCHEMA."""
    columns = {name: table.column(name) for name in table.column_names}
    if version < 3 and "place_precision" not in columns:
        columns["place_precision"] = _precision_from_approx(table)
    n = table.num_rows
    return pa.table([columns[f.name].cast(f.type) if f.name in columns else pa.nulls(n, f.type)
                     for f in ITEMS_SCHEMA], schema=ITEMS_SCHEMA)


def _precision_from_approx(table: pa.Table) -> pa.ChunkedArray:
    n = table.num_rows
    approx = table.column("location_approx") if "location_approx" in table.column_names else pa.nulls(n, pa.bool_())
    county = table.column("county_code")
    placed = pc.is_valid(table.column("lon"))
    by_code = pc.if_else(pc.is_null(county), "city",
                         pc.if_else(pc.equal(pc.utf8_length(county), 9), "town", "county"))
    exact = pc.and_(placed, pc.invert(pc.fill_null(approx, False)))
    return pc.if_else(exact, "point", by_code)
