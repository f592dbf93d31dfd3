"""Where each understood row goes: a new item, a duplicate of an item the ledger has (merged,
and linked when it is another report of it), a verification update of an item the ledger has,
or quarantine with a reason. Every row goes to exactly one of these.

A row is the same item as one in the ledger when it states that item's id, has the key an
earlier ingest gave the same row, or has its URL. It is the same dispute reported by another
platform when, within DUPLICATE_DAYS of an item, its title is near-identical and its enterprise
the same: it is then linked to that item (the link and the row's own cells are kept in the
item's origins) instead of counted twice. A row matching an item changes it only where it
states a different value in a column it may change (UPDATABLE; our own export may correct
any column), and the change is recorded with its before and after values.

The state of the ledger comes from the current snapshot, loaded only for the ids, URLs and days
the incoming rows touch, and grows as rows are accepted, so a file that repeats itself (or a
second file in the same run) is checked against everything before it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
from rapidfuzz import fuzz

from ..changes import FIXED_COLUMNS, Change
from ..sqlfiles import sql
from ..store import Snapshot
from .rows import ITEMS_LABELS, Reason, Row, derive_status, item_problems, new_item

DUPLICATE_DAYS = 3
TITLE_SIMILARITY = 85  # rapidfuzz ratio of normalised titles
ENTERPRISE_SIMILARITY = 90
UPDATABLE = ("status", "assigned_unit", "assigned_at", "verify_due_at", "verified_at", "verified_by",
             "verification_result", "verification_notes", "duplicate_of", "disposition",
             "closed_at")
_COMPANY_WORDS = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|分公司|公司|co\.?,?|ltd\.?|limited|inc\.?|corp\.?)",
                            re.IGNORECASE)


def url_key(url: str | None) -> str | None:
    return url.strip().rstrip("/").lower() if url and url.strip() else None


def _plain(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _same_enterprise(a: str | None, b: str | None) -> bool:
    a, b = _plain(_COMPANY_WORDS.sub("", a or "")), _plain(_COMPANY_WORDS.sub("", b or ""))
    return bool(a and b) and (a in b or b in a or fuzz.ratio(a, b) >= ENTERPRISE_SIMILARITY)


def _same_value(a, b) -> bool:
    """Equal as far as an export can tell: times to the second (the export's precision)."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(microsecond=0) == b.replace(microsecond=0)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) == list(b)
    return a == b


def _days_around(moment: datetime) -> list[date]:
    """The calendar days within DUPLICATE_DAYS of `moment`, leaving out those beyond the
    calendar's ends (a row dated 9999-12-31 has no day after it)."""
    days = []
    for offset in range(-DUPLICATE_DAYS, DUPLICATE_DAYS + 1):
        try:
            days.append(moment.date() + timedelta(days=offset))
        except OverflowError:
            continue
    return days


@dataclass
class LedgerState:
    """The part of the ledger incoming rows can match, kept up to date as rows are taken in."""

    items: dict[str, dict] = field(default_factory=dict)  # full rows, by item id
    known_rows: dict[str, str] = field(default_factory=dict)  # row key -> item id
    by_url: dict[str, str] = field(default_factory=dict)
    by_day: dict[date, list[dict]] = field(default_factory=dict)  # slim rows for near-duplicates

    def extend(self, snapshot: Snapshot | None, rows: list[Row]) -> None:
        """Add what `snapshot` holds that `rows` may match. Items this run already took in or
        changed are kept as they are here: they are newer than the snapshot."""
        if snapshot is None:
            return
        keys = [r.row_key for r in rows]
        urls = sorted({k for r in rows if (k := url_key(r.fields.get("url")))})
        days = sorted({day for r in rows if isinstance(t := r.fields.get("captured_at"), datetime)
                       for day in _days_around(t)})
        con = duckdb.connect()
        try:
            items_file = str(snapshot.table("items"))
            for key, item_id in con.execute(sql("ingest_known_rows"), {
                    "origins_file": str(snapshot.table("item_origins")), "keys": keys}).fetchall():
                self.known_rows.setdefault(key, item_id)
            ids = sorted({*keys, *self.known_rows.values(), *(r.fields["item_id"] for r in rows if r.fields.get("item_id"))})
            for item in con.sql(sql("ingest_matches"), params={"items_file": items_file, "ids": ids,
                                                                 "urls": urls}).pl().iter_rows(named=True):
                if item["item_id"] not in self.items:
                    self.remember(item)
            for item in con.sql(sql("ingest_neighbours"), params={"items_file": items_file,
                                                                    "days": days}).pl().iter_rows(named=True):
                self.by_day.setdefault(item["captured_at"].date(), []).append(item)
        finally:
            con.close()

    def remember(self, item: dict, row_key: str | None = None) -> None:
        self.items[item["item_id"]] = item
        if key := url_key(item.get("url")):
            self.by_url.setdefault(key, item["item_id"])
        if row_key:
            self.known_rows[row_key] = item["item_id"]
        if item.get("title") and item.get("enterprise") and item.get("captured_at"):
            self.by_day.setdefault(item["captured_at"].date(), []).append(item)

    def same_item(self, row: Row) -> str | None:
        """The id of the ledger item this row is (by id, earlier key or URL), if any."""
        for item_id in (row.fields.get("item_id"), self.known_rows.get(row.row_key), row.row_key,
                        self.by_url.get(url_key(row.fields.get("url")) or "")):
            if item_id and item_id in self.items:
                return item_id
        return None

    def same_dispute(self, row: Row) -> str | None:
        """An item that is the same dispute reported elsewhere: near-identical title, same
        enterprise, captured within DUPLICATE_DAYS."""
        captured, title = row.fields.get("captured_at"), _plain(row.fields.get("title"))
        if not (captured and title and row.fields.get("enterprise")):
            return None
        for day in _days_around(captured):
            for item in self.by_day.get(day, []):
                if (abs(item["captured_at"] - captured) <= timedelta(days=DUPLICATE_DAYS)
                        and fuzz.ratio(_plain(item["title"]), title) >= TITLE_SIMILARITY
                        and _same_enterprise(item["enterprise"], row.fields["enterprise"])):
                    return item["item_id"]
        return None


@dataclass
class Outcome:
    """Where every row of one file went."""

    accepted: list[tuple[Row, dict]] = field(default_factory=list)  # new items
    duplicates: list[tuple[Row, str]] = field(default_factory=list)  # row, item merged into
    links: list[tuple[Row, str, str]] = field(default_factory=list)  # row, item, relation: kept in origins
    updates: list[tuple[Row, Change]] = field(default_factory=list)
    quarantined: list[tuple[Row, list[Reason]]] = field(default_factory=list)


def proposed_change(item: dict, row: Row, fmt: str) -> Change | None:
    """What `row` changes in `item`: only values it states that differ, in columns it may change."""
    allowed = set(item) - FIXED_COLUMNS if fmt == "ledger" else set(UPDATABLE)
    stated = {k: v for k, v in row.fields.items() if k in allowed and v is not None}
    status = derive_status(stated, item["status"])
    if status:
        stated["status"] = status
    after = {k: v for k, v in stated.items() if not _same_value(item.get(k), v)}
    if not after:
        return None
    where = f"{row.file}{'!' + row.sheet if row.sheet else ''} 第 {row.row} 行"
    return Change(item["item_id"], {k: item.get(k) for k in after}, after, note=where)


def _not_new_reasons(row: Row, item: dict) -> list[Reason]:
    """Why a row that matches nothing in the ledger cannot be a new item either."""
    missing = [ITEMS_LABELS[n] for n in ("title", "captured_at") if not item.get(n)]
    named = row.fields.get("item_id") or row.fields.get("url")
    if missing and named:  # most likely an update for an item the ledger does not have
        return [(f"台账中没有编号或链接为“{named}”的条目；作为新条目又缺少{'、'.join(missing)}，请核对编号或链接",
                 f"no ledger item {named!r}, and as a new item it lacks {', '.join(missing)}; check the id or link")]
    reasons = [(f"缺少{'、'.join(missing)}，无法作为新条目", f"lacks {', '.join(missing)}")] if missing else []
    if not item.get("unit_code") and row.place_problem:
        reasons.append(row.place_problem)
    return reasons or item_problems(item)


def _link(out: Outcome, state: LedgerState, row: Row, item_id: str, relation: str) -> None:
    """Keep a row that was merged into (or updated) an item as one of the item's origins, once:
    a row whose key is already known, or is the item's own id, adds nothing."""
    if row.row_key not in state.known_rows and row.row_key != item_id:
        out.links.append((row, item_id, relation))
        state.known_rows[row.row_key] = item_id


def classify(rows: list[Row], state: LedgerState, fmt: str, now: datetime) -> Outcome:
    """Send every row to exactly one place (see module docstring); `state` learns as it goes."""
    out = Outcome()
    for row in rows:
        if row.problems:
            out.quarantined.append((row, row.problems))
            continue
        item_id = state.same_item(row)
        if item_id:
            item = state.items[item_id]
            change = proposed_change(item, row, fmt)
            if change is None:
                out.duplicates.append((row, item_id))
                _link(out, state, row, item_id, "same_url")
                continue
            merged = {**item, **change.after, "updated_at": max(now, item["updated_at"])}
            if problems := item_problems(merged):
                out.quarantined.append((row, problems))
                continue
            out.updates.append((row, change))
            _link(out, state, row, item_id, "update")
            state.items[item_id] = merged
            continue
        if twin := state.same_dispute(row):
            out.duplicates.append((row, twin))
            _link(out, state, row, twin, "same_dispute")
            continue
        item = new_item(row, fmt, now)
        if problems := _not_new_reasons(row, item):
            out.quarantined.append((row, problems))
            continue
        out.accepted.append((row, item))
        state.remember(item, row.row_key)
    return out
