"""The limit column of `make bench`: for each panel, the bare scan DuckDB needs to answer it, i.e.
read the ledger columns the panel's plan reads, under the rows the panel must look at, and only
count and sum them. A panel at 1× its limit does nothing beyond reading its data; the ratio shows
how much room is left between a query and the physical limit of the engine on this machine.

The columns come from the panel's own plan (`EXPLAIN`), so a query that starts reading another
column moves its limit with it. The rows are declared below, one predicate per panel in the
panel's own parameters: what the panel logically needs, not what its plan happens to prune (a
filter the optimiser fails to push into the scan then shows as a high ratio, not a high limit).
"""
from __future__ import annotations

import json
import re

# The rows each panel must read. Active disputes can have been captured at any time (an old
# dispute still open is on the map), so the panels that count them read every open collective
# item; the verification panels read items captured up to 60 days before the window (the longest
# deadline) or due in it; the others read their window, or a year before it for comparisons.
_AS_OF = "least($now::timestamp, $until::timestamp + interval 1 day)"  # the as_of macro, spelt out
_PRIOR_WINDOW = f"$since::timestamp - ({_AS_OF} - $since::timestamp)"
_ACTIVE = "is_collective and (closed_at is null or closed_at > $now::timestamp)"
ROWS = {
    "overview_kpis": f"captured_at >= {_PRIOR_WINDOW} - interval 14 day or ({_ACTIVE})",
    "active_disputes_on_map": _ACTIVE,
    "active_disputes_by_place": _ACTIVE,
    "verification_rate_by_unit": "captured_at >= $since::timestamp - interval 60 day",
    "overdue_items": "verify_due_at >= $since::timestamp",
    "verification_rate_by_month": "captured_at >= $since::timestamp - interval 60 day and verify_due_at >= $since::timestamp",
    "disputes_by_industry_period": "is_collective and captured_at >= $since::timestamp - interval 1 year",
    "disputes_breakdown": f"is_collective and captured_at >= {_PRIOR_WINDOW}",
    "industry_change_summary": f"is_collective and captured_at > {_AS_OF} - interval 60 day",
    "disputes_around_festival": "is_collective and list_contains(demands, $demand)",
    "ledger_slice": "captured_at >= $since::timestamp",
    "new_disputes_since": "captured_at >= $since_time::timestamp",
}


def _plan_nodes(node: dict):
    yield node
    for child in node.get("children", []):
        yield from _plan_nodes(child)


def columns_read(plan: list[dict], item_columns: list[str]) -> list[str]:
    """The ledger columns a plan (`Door.plan`) reads at its filtered scans, projected or filtered.
    A scan without a filter there is a lookup of rows already chosen (the explorer fetches every
    column for the 50 rows it shows) or a reference table, not part of the scan that bounds the
    panel; a plan with no filtered scan reads whole columns, and all its scans count."""
    scans = [node.get("extra_info", {}) for tree in plan for node in _plan_nodes(tree) if "SCAN" in node.get("name", "")]
    filtered = [scan for scan in scans if scan.get("Filters")] or scans
    words = set(re.findall(r"[a-z_]+", json.dumps([[s.get("Projections"), s.get("Filters")] for s in filtered])))
    return [c for c in item_columns if c in words]


def bare_scan_sql(name: str, columns: list[str]) -> str:
    """Count and sum the `columns` over the rows panel `name` must read, straight from Parquet
    (no view, no scope, no macro: a plain connection can run it)."""
    return (f"select count(*), sum(hash({', '.join(columns)})) from read_parquet($items_path) "
            f"where {ROWS[name]}")


def params_of(sql: str, params: dict) -> dict:
    """The subset of `params` that `sql` names (DuckDB refuses parameters it does not use)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
