"""Assigning new items (交办): each item goes to the union of its reporting unit, with a deadline
by grade and source (ledger/deadlines.py), counted from the moment of assignment.

Ingest assigns the items it brings in. `assign_new` catches any open item still without a unit
(items journalled by other tools, the demo's last minutes), and runs before every reminder
round, so nothing waits unassigned and therefore unreminded.
"""
from __future__ import annotations

from datetime import datetime

import duckdb

from .changes import CHANGES_SCHEMA, KIND as CHANGES_KIND, Change, changes_table
from .config import Settings
from .deadlines import configured_rules
from .sqlfiles import sql
from .store import Journal, current_snapshot

ASSIGNER = "sentinel"  # recorded as the author of automatic assignments


def assign_new(settings: Settings, now: datetime) -> list[Change]:
    """Journal an assignment for every open, unassigned item of the current snapshot; return them."""
    snapshot = current_snapshot(settings)
    if snapshot is None:
        return []
    con = duckdb.connect()
    try:
        waiting = con.sql(sql("unassigned_items"), params={"items_file": str(snapshot.table("items"))}).pl()
    finally:
        con.close()
    rules = configured_rules()
    changes = [
        Change(row["item_id"],
               before={"assigned_unit": None, "assigned_at": None, "verify_due_at": None},
               after={"assigned_unit": row["unit_code"], "assigned_at": now,
                      "verify_due_at": rules.due_at(now, row["grade"], row["source"])},
               note="自动交办")
        for row in waiting.iter_rows(named=True)
    ]
    if changes:
        Journal(settings.journal_dir).append(CHANGES_KIND, [changes_table(changes, now, ASSIGNER)],
                                             source="assign", note=f"交办 {len(changes)} 条", schema=CHANGES_SCHEMA)
    return changes
