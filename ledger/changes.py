"""Changes to items already in the ledger (a verification result, a status, a corrected field),
recorded as facts in the journal rather than by editing anything.

A change names the item, the new value of each field it sets and the value it had before, who
recorded it and when. Changes go to the journal as batches of kind "verifications"; a snapshot
applies them in the order they were accepted over the newest version of each item, and keeps
every one of them in its `verifications` history table (one row per field changed, before and
after), so the ledger can always say who changed what, from what, and when.

Values are stored as JSON (times as "YYYY-MM-DD HH:MM:SS", dates ISO, enum codes, lists as
arrays) so that one table holds changes to columns of any type; the snapshot casts them back
with the items schema (ledger/store/sql/build_items.sql).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa

from ledger.schema import ITEMS_SCHEMA

KIND = "verifications"
# Columns a change may never set: who the item is, and the time of the change itself (set by
# the snapshot from `recorded_at`).
FIXED_COLUMNS = frozenset({"item_id", "updated_at"})

CHANGES_SCHEMA = pa.schema([
    pa.field("item_id", pa.string(), nullable=False),
    pa.field("seq", pa.int32(), nullable=False),  # order within the batch
    pa.field("recorded_at", pa.timestamp("us"), nullable=False),
    pa.field("recorded_by", pa.string()),
    pa.field("note", pa.string()),  # e.g. the file and row it came from
    pa.field("before", pa.string(), nullable=False),  # JSON object: column -> value before
    pa.field("after", pa.string(), nullable=False),  # JSON object: column -> value after
])


def json_value(value):
    """A ledger value as the JSON the snapshot casts back (see module docstring)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True)
class Change:
    """New values for some columns of one item, and what those columns held before."""

    item_id: str
    before: dict
    after: dict
    note: str = ""

    def __post_init__(self):
        bad = [c for c in self.after if c in FIXED_COLUMNS or c not in ITEMS_SCHEMA.names]
        if bad or set(self.before) != set(self.after):
            raise ValueError(f"a change may not set {bad or 'these columns'}")


def changes_table(changes: Iterable[Change], recorded_at: datetime, recorded_by: str) -> pa.Table:
    """`changes` as one journal chunk of CHANGES_SCHEMA."""
    rows = list(changes)

    def as_json(values: dict) -> str:
        return json.dumps({k: json_value(v) for k, v in values.items()}, ensure_ascii=False)

    return pa.table({
        "item_id": [c.item_id for c in rows],
        "seq": list(range(len(rows))),
        "recorded_at": [recorded_at] * len(rows),
        "recorded_by": [recorded_by] * len(rows),
        "note": [c.note for c in rows],
        "before": [as_json(c.before) for c in rows],
        "after": [as_json(c.after) for c in rows],
    }, schema=CHANGES_SCHEMA)


def items_json_structure() -> str:
    """The items schema as DuckDB's json_transform structure, to cast changed values back."""
    names = {pa.string(): "VARCHAR", pa.timestamp("us"): "TIMESTAMP", pa.date32(): "DATE",
             pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN", pa.int32(): "INTEGER",
             pa.list_(pa.string()): ["VARCHAR"]}
    return json.dumps({f.name: names[f.type] for f in ITEMS_SCHEMA})
