"""Assigning items (交办): each item goes to the union of its reporting unit, with a deadline by
grade and source (ledger/workflow/deadlines.py), counted from the moment of assignment.

Ingest assigns the items it brings in. `assign_new` catches any open item still without an
assignment (items journalled by other tools, the demo's last minutes), and runs before every
reminder round, so nothing waits unassigned and therefore unreminded.

An item whose place could not be read (属地待定: no unit, place_precision 'unknown', the reason in
place_reason) belongs to no unit, so `assign_new` leaves it alone and no officer sees it. It waits
in the province's triage queue (`pending`; `python -m ledger assign --pending`; the 属地分派
page for the province's analysts and administrators) until someone gives it its unit, and county
if known (`assign_place`).
That is a journalled change like a verification: who and when are in the item's history, and its
deadline starts from then, not from when it was captured.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from queries import ALL, Door, read

from ledger.access import audit
from ledger import geo
from ledger.changes import CHANGES_SCHEMA, KIND as CHANGES_KIND, Change, changes_table
from ledger.access import User
from ledger.config import Settings
from ledger.workflow.deadlines import configured_rules
from ledger.store.rebuild import rebuild_soon
from ledger.store import Journal, current_snapshot, exclusive_lock, now_shanghai
from ledger.workflow.verify import VERIFY_LOCK_FILE, VerificationError, load_item
from ledger.i18n import Both, Refusal

ASSIGNER = "sentinel"  # recorded as the author of automatic assignments
TRIAGE_ROLES = ("analyst", "admin")  # the province's monitoring staff give 属地待定 items their unit


class AssignmentError(Refusal):
    """An assignment that cannot be made as asked."""


def assign_new(settings: Settings, now: datetime) -> list[Change]:
    """Journal an assignment for every open, unassigned item of the current snapshot that has a
    unit (属地待定 waits for `assign_place`); return them."""
    snapshot = current_snapshot(settings)
    if snapshot is None:
        return []
    waiting = read(snapshot, "unassigned_items", ALL)
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


def pending(settings: Settings, limit: int | None = None) -> pl.DataFrame:
    """The triage queue (queries/triage_queue.sql): open items without a unit, oldest first."""
    return Door(settings, cache_entries=0).q("triage_queue", ALL, limit=limit)


def place_values(unit_code: str, county_code: str | None) -> dict:
    """The place columns of an item given `unit_code` (and `county_code`): the place's centroid,
    at the precision that was given (a town, a county, or the city only)."""
    unit = geo.unit_by_code().get(unit_code)
    if unit is None:
        raise AssignmentError("msg.assign.unknown_unit", unit_code=unit_code)
    place = unit
    if county_code:
        place = geo.county_by_code().get(county_code)
        if place is None or place.unit_code != unit_code:
            raise AssignmentError("msg.assign.county_not_in_unit", county_code=county_code, unit=Both(unit.name_zh, unit.name_en))
    precision = "city" if place is unit else "town" if len(county_code) > 6 else "county"
    return {"unit_code": unit_code, "county_code": county_code or None, "lon": place.lon, "lat": place.lat,
            "place_precision": precision, "place_reason": None}


def can_triage(user: User) -> bool:
    return user.role.code in TRIAGE_ROLES


def assign_place_as(settings: Settings, user: User, item_id: str, unit_code: str,
                    county_code: str | None = None) -> Change:
    """`assign_place` on behalf of a signed-in `user`, who must be of the province's triage roles."""
    if not can_triage(user):
        raise AssignmentError("msg.assign.role_cannot_triage", role=Both(user.role.zh, user.role.en))
    return assign_place(settings, item_id, unit_code, county_code, by=user.name or user.username)


def assign_place(settings: Settings, item_id: str, unit_code: str, county_code: str | None = None,
                 by: str = ASSIGNER, now: datetime | None = None, rebuild: bool = True) -> Change:
    """Give the 属地待定 item `item_id` its unit (and county): journal the change, recorded by `by`
    at `now`, with the item assigned to that unit and its deadline counted from `now`; audit it;
    have the snapshot rebuilt in the background unless the caller builds (`rebuild=False`).
    Raises AssignmentError for an unknown unit or county, or an item that is not waiting."""
    now = now or now_shanghai()
    place = place_values(unit_code, county_code)
    with exclusive_lock(settings.journal_dir / VERIFY_LOCK_FILE):  # no verification slips in between
        try:
            item = load_item(settings, item_id, ALL).item  # 属地待定 items belong to no unit yet
        except VerificationError as error:
            raise AssignmentError("msg.assign.no_such_item", reason=Both(error.text("zh"), error.text("en"))) from None
        if item["unit_code"] is not None:
            raise AssignmentError("msg.assign.already_placed", item_id=item_id,
                                  unit=Both(geo.unit_name(item["unit_code"]), geo.unit_name(item["unit_code"], "en")))
        if item["status"] not in ("pending", "verifying"):
            raise AssignmentError("msg.assign.not_waiting", item_id=item_id)
        after = {**place, "assigned_unit": unit_code, "assigned_at": now,
                 "verify_due_at": configured_rules().due_at(now, item["grade"], item["source"])}
        change = Change(item_id, before={k: item.get(k) for k in after}, after=after, note="属地分派")
        Journal(settings.journal_dir).append(CHANGES_KIND, [changes_table([change], now, by)], source=f"assign:{by}",
                                             note=f"属地分派 {item_id} → {unit_code}", schema=CHANGES_SCHEMA)
    audit.record(settings, "assignment", by, item_id=item_id, unit=unit_code, county=county_code)
    if rebuild:
        rebuild_soon(settings)
    return change
