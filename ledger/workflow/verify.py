"""Recording a verification (核实): what the officer of the item's unit found, as a change in the
journal, never an edit.

A verification names the result (属实 / 部分属实 / 不实 / 重复 of another item), the facts found on
site, the enterprise details completed (ownership, union, participants), a corrected grade, the
disposition, and whether the unit had reported the dispute itself (主动报送, which scores bonus
points). `save` turns it into a `Change` of exactly the columns whose value differs and appends it
to the journal as a "verifications" batch; the next snapshot applies it and keeps it in the
item's history (who, when, before, after).

Two officers may open the same item and save it a minute apart. Each form remembers the newest
journal batch it had seen (`ItemVersion.seen_batch`); a save that finds a later batch touching
the same item is refused with the other change (who, when, which fields), so the later officer
reads what changed and saves again on top of it. Nothing is lost: the first change is in the
journal, the second is still in the form. The check and the append happen under one file lock.

Pages and the CLI both come through here, so the rules (scope, required fields, a duplicate must
name an existing other item, the status agreeing with the times) hold whichever way a change
arrives. A city spreadsheet of replies takes the ingest route (ledger/ingest), which writes the
same kind of change.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa

from ledger.access import audit
from queries import ALL, Scope, read

from ledger.access import User
from ledger.changes import CHANGES_SCHEMA, KIND as CHANGES_KIND, Change, changes_table
from ledger.config import Settings
from ledger.workflow.grade_review import after_regrade
from ledger.store.rebuild import rebuild_soon
from ledger.ingest.rows import item_problems
from ledger.schema import GRADE, ITEMS_SCHEMA, OWNERSHIP, VERIFICATION_RESULT
from ledger.store.sqlfiles import sql
from ledger.store import Batch, Journal, StoreError, current_snapshot, exclusive_lock, now_shanghai
from ledger.i18n import Both, pair

# The columns a verification may set; the rest of an item is the monitoring platform's record.
EDITABLE = ("status", "verified_at", "verified_by", "verification_result", "verification_notes", "duplicate_of",
            "enterprise", "ownership", "union_present", "participants_low", "participants_high", "grade",
            "disposition", "proactive", "closed_at")
VERIFY_LOCK_FILE = ".verify.lock"  # held while a change to one item is checked and journalled


class VerificationError(ValueError):
    """A verification that cannot be saved as it is; `reasons` are (zh, en) sentences."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__("; ".join(en for _, en in reasons))
        self.reasons = reasons

    def text(self, lang: str = "zh") -> str:
        return "；".join(r[0] if lang == "zh" else r[1] for r in self.reasons)


@dataclass(frozen=True)
class OtherChange:
    """A change someone else recorded after the form was opened."""

    recorded_by: str
    recorded_at: datetime
    fields: tuple[str, ...]


class ConflictError(Exception):
    """The item changed after the form was opened; `others` say who changed what, and when."""

    def __init__(self, item_id: str, others: list[OtherChange]):
        super().__init__(f"{item_id} was changed by {', '.join(o.recorded_by for o in others)} after the form was opened")
        self.item_id = item_id
        self.others = others


@dataclass(frozen=True)
class ItemVersion:
    """An item's values as a form showed them, and the newest journal batch they include."""

    item: dict
    seen_batch: str


@dataclass(frozen=True)
class Verification:
    """What an officer records; None leaves a column as it is."""

    result: str
    notes: str
    duplicate_of: str | None = None
    enterprise: str | None = None
    ownership: str | None = None
    union_present: bool | None = None
    participants_low: int | None = None
    participants_high: int | None = None
    grade: str | None = None
    disposition: str | None = None
    proactive: bool | None = None
    close: bool = False  # the dispute is settled (办结) as well as verified

    def problems(self) -> list[tuple[str, str]]:
        reasons = []
        if self.result not in VERIFICATION_RESULT.codes:
            reasons.append(pair("msg.verify.choose_result_confirmed_partly"))
        if not (self.notes or "").strip():
            reasons.append(pair("msg.verify.describe_what_was_found"))
        if self.result == "duplicate" and not (self.duplicate_of or "").strip():
            reasons.append(pair("msg.verify.duplicate_must_name_item"))
        if self.ownership is not None and self.ownership not in OWNERSHIP.codes:
            reasons.append(pair("msg.verify.unknown_ownership", ownership=self.ownership))
        if self.grade is not None and self.grade not in GRADE.codes:
            reasons.append(pair("msg.verify.unknown_grade", grade=self.grade))
        low, high = self.participants_low, self.participants_high
        if any(n is not None and n < 0 for n in (low, high)):
            reasons.append(pair("msg.verify.participants_cannot_negative"))
        elif low is not None and high is not None and high < low:
            reasons.append(pair("msg.verify.participants_upper_bound_below"))
        return reasons


def new_values(item: dict, verification: Verification, by: str, at: datetime) -> dict:
    """The item's editable columns after `verification`, recorded by `by` at `at`.

    A first verification stamps its time and officer; a correction of a verified item keeps the
    original time, so the unit's timeliness is judged on when it first answered.
    """
    values = {name: item.get(name) for name in EDITABLE}
    given = {
        "verification_result": verification.result,
        "verification_notes": verification.notes.strip(),
        "duplicate_of": (verification.duplicate_of or "").strip() or None if verification.result == "duplicate" else None,
        "enterprise": (verification.enterprise or "").strip() or None,
        "ownership": verification.ownership, "union_present": verification.union_present,
        "participants_low": verification.participants_low, "participants_high": verification.participants_high,
        "grade": verification.grade, "disposition": (verification.disposition or "").strip() or None,
        "proactive": verification.proactive,
    }
    values.update({k: v for k, v in given.items() if v is not None or k == "duplicate_of"})
    if values["grade"] != item.get("grade"):  # a new grade is a new question for the province
        values.update(after_regrade(values["grade"]))
    if values["verified_at"] is None:
        values["verified_at"], values["verified_by"] = at, by
    if verification.close:
        values["status"], values["closed_at"] = "closed", values["closed_at"] or at
    elif values["status"] != "closed":
        values["status"] = "verified"
    return values


def proposed_change(item: dict, verification: Verification, by: str, at: datetime) -> Change | None:
    """The change `verification` makes to `item`, or None if it changes nothing."""
    after = {k: v for k, v in new_values(item, verification, by, at).items() if v != item.get(k)}
    if not after:
        return None
    return Change(item["item_id"], before={k: item.get(k) for k in after}, after=after, note="核实")


# ---- reading an item as it stands, journal included ----------------------------------------------

def _newer(batches: list[Batch], after_batch: str | None) -> list[Batch]:
    """The items and verification batches among `batches` accepted after `after_batch` (all of
    them for None); batch ids sort in the order they were accepted."""
    return [b for b in batches if b.kind in ("items", CHANGES_KIND) and (after_batch is None or b.batch_id > after_batch)]


def _from_json(value, column_type: pa.DataType):
    """A value as ledger/changes.py stored it, back in the column's Python type."""
    if value is None:
        return None
    if pa.types.is_timestamp(column_type):
        return datetime.fromisoformat(value)
    if pa.types.is_date(column_type):
        return date.fromisoformat(value)
    return value


def load_item(settings: Settings, item_id: str, scope: Scope) -> ItemVersion:
    """`item_id` as it stands now: its row in the current snapshot (through the query door, within
    `scope`) with every item version and change journalled since applied, so a form never starts
    from a stale value. An item outside `scope` is not found, as if it did not exist; one inside
    comes back whole (never masked), because what is loaded is written back."""
    snapshot = current_snapshot(settings)
    if snapshot is None:
        raise StoreError("msg.store.no_snapshot")
    journal = Journal(settings.journal_dir).batches()
    pending = _newer(journal, max(snapshot.manifest.get("source_batches") or [], default=None))
    missing = VerificationError([pair("msg.verify.no_item_ledger", id=item_id)])
    con = duckdb.connect()
    try:
        rows = read(snapshot, "item_record", Scope(scope.units), cached=False, item_id=item_id)
        item_files = [str(p) for b in pending if b.kind == "items" for p in b.part_files]
        if item_files:
            newer = con.sql(sql("item_row"), params={"files": item_files, "item_id": item_id}).pl()
            rows = newer if not newer.is_empty() else rows
        if rows.is_empty():
            raise missing
        # A snapshot built before a column existed lacks it: the item has it, empty.
        item = {**dict.fromkeys(ITEMS_SCHEMA.names), **rows.row(-1, named=True)}
        change_files = [str(p) for b in pending if b.kind == CHANGES_KIND for p in b.part_files]
        if change_files:
            for change in con.sql(sql("item_changes"), params={"files": change_files, "item_id": item_id}).pl().iter_rows(named=True):
                item.update({k: _from_json(v, ITEMS_SCHEMA.field(k).type) for k, v in json.loads(change["after"]).items()})
    finally:
        con.close()
    if not scope.allows_item(item):  # a version journalled since the snapshot may be another unit's
        raise missing
    return ItemVersion(item, journal[-1].batch_id if journal else "")


def _changes_since(settings: Settings, item_id: str, seen_batch: str) -> list[OtherChange]:
    """Changes to `item_id` journalled after `seen_batch`, as the conflict message tells them."""
    newer = _newer(Journal(settings.journal_dir).batches(), seen_batch)
    others = []
    con = duckdb.connect()
    try:
        change_files = [str(p) for b in newer if b.kind == CHANGES_KIND for p in b.part_files]
        if change_files:
            for row in con.sql(sql("item_changes"), params={"files": change_files, "item_id": item_id}).pl().iter_rows(named=True):
                others.append(OtherChange(row["recorded_by"] or "", row["recorded_at"], tuple(json.loads(row["after"]))))
        for batch in (b for b in newer if b.kind == "items"):
            found = con.sql(sql("item_row"), params={"files": [str(p) for p in batch.part_files], "item_id": item_id}).pl()
            if not found.is_empty():
                others.append(OtherChange(batch.meta.get("source", ""), datetime.fromisoformat(batch.meta["created_at"]).replace(tzinfo=None),
                                          ("imported",)))  # no field list: a whole row came in
    finally:
        con.close()
    return others


def _check_allowed(user: User, item: dict) -> None:
    if not user.role.verify:
        raise VerificationError([pair("msg.verify.role_cannot_verify", role=Both(user.role.zh, user.role.en))])
    if not Scope.of(user).allows_item(item):
        raise VerificationError([pair("msg.verify.item_belongs_another_unit")])


def save(settings: Settings, version: ItemVersion, verification: Verification, user: User,
         at: datetime | None = None, rebuild: bool = True) -> Change | None:
    """Journal `verification` of the item in `version` by `user`, audit it and have the snapshot
    rebuilt in the background (`rebuild=False`: the caller builds, as the command line does);
    return the change written (None when it changes nothing). Raises VerificationError for a
    change that breaks the rules and ConflictError when someone else changed the item after
    `version` was read."""
    item = version.item
    _check_allowed(user, item)
    reasons = verification.problems()
    if verification.result == "duplicate" and (verification.duplicate_of or "").strip() == item["item_id"]:
        reasons.append(pair("msg.verify.item_cannot_duplicate_itself"))
    if reasons:
        raise VerificationError(reasons)
    at = at or now_shanghai()
    by = user.name or user.username
    change = proposed_change(item, verification, by, at)
    if change is None:
        return None
    problems = item_problems({**item, **change.after})
    if problems:
        raise VerificationError(problems)
    if verification.result == "duplicate":
        # Raises if it is not in the ledger; the item duplicated may be another unit's.
        load_item(settings, change.after.get("duplicate_of") or item["duplicate_of"], ALL)
    with exclusive_lock(settings.journal_dir / VERIFY_LOCK_FILE):
        others = _changes_since(settings, item["item_id"], version.seen_batch)
        if others:
            raise ConflictError(item["item_id"], others)
        Journal(settings.journal_dir).append(CHANGES_KIND, [changes_table([change], at, user.username)],
                                             source=f"verify:{user.username}", note=f"核实 {item['item_id']}",
                                             schema=CHANGES_SCHEMA)
    audit.record(settings, "verification_edit", user.username, item_id=item["item_id"], fields=sorted(change.after))
    if rebuild:
        rebuild_soon(settings)
    return change
