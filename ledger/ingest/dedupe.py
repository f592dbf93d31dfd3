"""Where each understood row goes: a new item, a duplicate of an item the ledger has (merged,
and linked when it is another report of it), a verification update of an item the ledger has,
or quarantine with a reason. Every row goes to exactly one of these.

A row is the same item as one in the ledger when it states that item's id, has the key an
earlier ingest gave the same row, or has its URL. It is the same dispute reported by another
platform when, within DUPLICATE_DAYS of an item of the same unit (or where either unit is not
known), its title is near-identical and its enterprise the same: it is then linked to that item (the link and the row's own cells are kept in the
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
from collections.abc import Callable
from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa
from rapidfuzz import fuzz, process

from ledger.changes import FIXED_COLUMNS, Change
from ledger.config import Settings
from ledger.workflow.grade_review import REVIEW_COLUMNS, after_regrade
from ledger.store.sqlfiles import sql
from ledger.store import Snapshot
from ledger import geo, reference
from ledger.schema import COLUMNS, ITEMS_SCHEMA, Problem, validate_row
from ledger.ingest.rows import ITEMS_LABELS, Reason, Row, derive_status, new_item
from ledger.i18n import Both, pair

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
class _Block:
    """The items of one day and one unit that a row may be the same dispute as: their titles as
    compared (normalised once) beside what the comparison needs of each item (id, capture time,
    enterprise), so rapidfuzz scans a block in C and a block holds no whole item."""

    titles: list[str] = field(default_factory=list)
    items: list[tuple[str, datetime, str]] = field(default_factory=list)


CHUNK_ROWS = 5000


class NewItems:
    """The new items one file adds, in order, kept as Arrow tables of CHUNK_ROWS items as they
    come: 200,000 items held as dicts of 45 fields took about 400 MB that their Arrow tables do
    not (make bench's ingest figure). An item is turned back into a dict only when a later row of
    the run changes it, which is rare."""

    def __init__(self) -> None:
        self._tables: list[pa.Table] = []
        self._pending: list[dict] = []

    def __len__(self) -> int:
        return len(self._tables) * CHUNK_ROWS + len(self._pending)

    def add(self, item: dict) -> int:
        """Keep `item`; return its place, for `get`."""
        self._pending.append(item)
        if len(self._pending) == CHUNK_ROWS:
            self._tables.append(pa.Table.from_pylist(self._pending, schema=ITEMS_SCHEMA))
            self._pending = []
        return len(self) - 1

    def get(self, index: int) -> dict:
        chunk, offset = divmod(index, CHUNK_ROWS)
        if chunk < len(self._tables):
            return self._tables[chunk].slice(offset, 1).to_pylist()[0]
        return self._pending[offset]

    def tables(self) -> list[pa.Table]:
        """Every item as Arrow tables of ITEMS_SCHEMA, for the journal."""
        return self._tables + ([pa.Table.from_pylist(self._pending, schema=ITEMS_SCHEMA)] if self._pending else [])


@dataclass
class LedgerState:
    """The part of the ledger incoming rows can match, kept up to date as rows are taken in.

    Near-duplicates are looked for in blocks of one day and one unit: a row is compared with the
    items of its unit (and those whose unit is not known) on the days around it; a row whose unit
    is not known, with every unit's. Comparing every row with every item of a week made 200,000
    rows with enterprise names take 752 s; blocked, they take well under a minute (make bench)."""

    items: dict[str, dict] = field(default_factory=dict)  # whole items from the snapshot or changed in this run, by id
    new: dict[str, tuple[NewItems, int]] = field(default_factory=dict)  # items this run took in, by id
    known_rows: dict[str, str] = field(default_factory=dict)  # row key -> item id
    by_url: dict[str, str] = field(default_factory=dict)
    blocks: dict[date, dict[str | None, _Block]] = field(default_factory=dict)  # day -> unit -> block
    loaded_days: set[date] = field(default_factory=set)  # days whose snapshot items are in the blocks
    settings: Settings | None = None  # read once per run (which grades the province confirms)

    def extend(self, snapshot: Snapshot | None, rows: list[Row]) -> None:
        """Add what `snapshot` holds that `rows` may match. Items this run already took in or
        changed are kept as they are here: they are newer than the snapshot."""
        if snapshot is None:
            return
        keys = [r.row_key for r in rows]
        urls = sorted({k for r in rows if (k := url_key(r.fields.get("url")))})
        days = sorted({day for r in rows if isinstance(t := r.fields.get("captured_at"), datetime)
                       for day in _days_around(t)} - self.loaded_days)
        self.loaded_days.update(days)
        con = duckdb.connect()
        try:
            items_file = str(snapshot.table("items"))
            for key, item_id in con.execute(sql("ingest_known_rows"), {
                    "origins_file": str(snapshot.table("item_origins")), "keys": keys}).fetchall():
                self.known_rows.setdefault(key, item_id)
            ids = sorted({*keys, *self.known_rows.values(), *(r.fields["item_id"] for r in rows if r.fields.get("item_id"))})
            for item in con.sql(sql("ingest_matches"), params={"items_file": items_file, "ids": ids,
                                                                 "urls": urls}).pl().iter_rows(named=True):
                if not self.knows(item["item_id"]):
                    self.remember(item)
            for item in con.sql(sql("ingest_neighbours"), params={"items_file": items_file,
                                                                    "days": days}).pl().iter_rows(named=True):
                self._add_neighbour(item)
        finally:
            con.close()

    def remember(self, item: dict, row_key: str | None = None, kept: NewItems | None = None) -> None:
        """Learn `item`: a whole item from the snapshot, or one this run took in and `kept`."""
        if kept is None:
            self.items[item["item_id"]] = item
        else:
            self.new[item["item_id"]] = (kept, kept.add(item))
        if key := url_key(item.get("url")):
            self.by_url.setdefault(key, item["item_id"])
        if row_key:
            self.known_rows[row_key] = item["item_id"]
        if item.get("title") and item.get("enterprise") and item.get("captured_at"):
            self._add_neighbour(item)

    def knows(self, item_id: str) -> bool:
        return item_id in self.items or item_id in self.new

    def item(self, item_id: str) -> dict:
        """The item as the run has it now: as changed in this run, else as taken in or loaded."""
        if item_id in self.items:
            return self.items[item_id]
        kept, index = self.new[item_id]
        return kept.get(index)

    def _add_neighbour(self, item: dict) -> None:
        block = self.blocks.setdefault(item["captured_at"].date(), {}).setdefault(item.get("unit_code"), _Block())
        block.titles.append(_plain(item["title"]))
        block.items.append((item["item_id"], item["captured_at"], item["enterprise"]))

    def same_item(self, row: Row) -> str | None:
        """The id of the ledger item this row is (by id, earlier key or URL), if any."""
        for item_id in (row.fields.get("item_id"), self.known_rows.get(row.row_key), row.row_key,
                        self.by_url.get(url_key(row.fields.get("url")) or "")):
            if item_id and self.knows(item_id):
                return item_id
        return None

    def same_dispute(self, row: Row) -> str | None:
        """An item that is the same dispute reported elsewhere: near-identical title, same
        enterprise, captured within DUPLICATE_DAYS."""
        captured, title = row.fields.get("captured_at"), _plain(row.fields.get("title"))
        if not (captured and title and row.fields.get("enterprise")):
            return None
        unit = row.fields.get("unit_code")
        for day in _days_around(captured):
            units = self.blocks.get(day, {})
            for block in ([units.get(unit), units.get(None)] if unit else units.values()):
                if block is None:
                    continue
                for _, _, index in process.extract(title, block.titles, scorer=fuzz.ratio, processor=None,
                                                    score_cutoff=TITLE_SIMILARITY, limit=None):
                    item_id, item_captured, enterprise = block.items[index]
                    if (abs(item_captured - captured) <= timedelta(days=DUPLICATE_DAYS)
                            and _same_enterprise(enterprise, row.fields["enterprise"])):
                        return item_id
        return None


@dataclass
class Outcome:
    """Where the rows of one file went. A file is classified a chunk of rows at a time: the lists
    hold the latest chunk's rows until `next_chunk` (the pipeline reports and journals them first,
    so that a large file's rows are never all held at once); the new items and the repeats are
    the whole file's."""

    accepted: list[tuple[Row, str]] = field(default_factory=list)  # row, id of the new item it made
    duplicates: list[tuple[Row, str]] = field(default_factory=list)  # row, item merged into
    links: list[tuple[Row, str, str]] = field(default_factory=list)  # row, item, relation: kept in origins
    updates: list[tuple[Row, Change]] = field(default_factory=list)
    outside: list[tuple[Row, Reason]] = field(default_factory=list)  # 非本省: counted and listed, never corrected
    quarantined: list[tuple[Row, list[Reason]]] = field(default_factory=list)
    new_items: NewItems = field(default_factory=NewItems)  # the file's new items, in order
    repeats: dict[tuple, str] = field(default_factory=dict)  # repeat_key -> id, for the file's new items

    def next_chunk(self) -> None:
        for rows in (self.accepted, self.duplicates, self.links, self.updates, self.outside, self.quarantined):
            rows.clear()


# What a validate_row problem on a column does to a row: only a row that cannot be a dispute
# record at all is quarantined; any other detail is set aside (the row is accepted without it).
FATAL_COLUMNS = ("item_id", "title", "captured_at")
DETAIL_FATE = {c.name: "quarantine" if c.name in FATAL_COLUMNS else "set_aside" for c in COLUMNS}


def proposed_change(item: dict, row: Row, fmt: str, settings: Settings | None = None) -> Change | None:
    """What `row` changes in `item`: only values it states that differ, in columns it may change."""
    allowed = (set(item) - FIXED_COLUMNS if fmt == "ledger" else set(UPDATABLE)) - set(REVIEW_COLUMNS)
    stated = {k: v for k, v in row.fields.items() if k in allowed and v is not None}
    status = derive_status(stated, item["status"])
    if status:
        stated["status"] = status
    after = {k: v for k, v in stated.items() if not _same_value(item.get(k), v)}
    if not after:
        return None
    if "grade" in after:  # a new grade is confirmed afresh in Sentinel, never by a file (ledger/workflow/grade_review.py)
        after.update(after_regrade(after["grade"], settings))
    where = f"{row.file}{'!' + row.sheet if row.sheet else ''} 第 {row.row} 行"
    return Change(item["item_id"], {k: item.get(k) for k in after}, after, note=where)


def _reason(problem: Problem) -> Reason:
    return problem.text("zh"), problem.text("en")


def settle(row: Row, build: Callable[[], dict | None]) -> tuple[dict | None, list[Reason]]:
    """Build the item `row` makes (a new item, or an item with the row's change) and validate
    it; while a problem is about a detail the row stated, set that detail aside and build again.

    Returns the item that passes (None if nothing is left to change), or the fatal reasons: a
    problem on a FATAL_COLUMNS column, or one about no value the row itself stated.
    """
    for _ in range(len(COLUMNS) + 1):
        item = build()
        if item is None:
            return None, []
        problems = validate_row(item, set(geo.unit_by_code()), geo.county_units(), set(reference.industry_by_code()))
        if not problems:
            return item, []
        fatal = [p for p in problems if DETAIL_FATE.get(p.column) == "quarantine"]
        if fatal:
            return None, [_reason(p) for p in fatal]
        problem = problems[0]
        culprit = next((c for c in problem.columns if c in row.fields), None)
        if culprit is None:
            return None, [_reason(problem)]
        row.set_aside(culprit, *pair("msg.dedupe.detail_set_aside", problem=Both(problem.text("zh"), problem.text("en")),
                                     column=Both(ITEMS_LABELS[culprit], culprit)))
    return None, [_reason(problems[0])]


def _not_new_reasons(row: Row) -> list[Reason]:
    """Why a row that matches nothing in the ledger cannot be a new item either."""
    missing = [ITEMS_LABELS[n] for n in ("title", "captured_at") if not row.fields.get(n)]
    named = row.fields.get("item_id") or row.fields.get("url")
    if missing and named:  # most likely an update for an item the ledger does not have
        return [pair("msg.dedupe.no_such_item_nor_new", named=named, missing=Both.listed(missing))]
    return [pair("msg.dedupe.lacks", missing=Both.listed(missing))] if missing else []


def _link(out: Outcome, state: LedgerState, row: Row, item_id: str, relation: str) -> None:
    """Keep a row that was merged into (or updated) an item as one of the item's origins, once:
    a row whose key is already known, or is the item's own id, adds nothing."""
    if row.row_key not in state.known_rows and row.row_key != item_id:
        out.links.append((row, item_id, relation))
        state.known_rows[row.row_key] = item_id


def repeat_key(fields: dict) -> tuple | None:
    """What makes two rows of one file the same item even when their keys differ (a repeated row
    with another source word or a stray space in its title): the same title, time and place."""
    title, captured = _plain(fields.get("title")), fields.get("captured_at")
    if not (title and captured):
        return None
    return title, captured.replace(second=0, microsecond=0), fields.get("unit_code"), fields.get("county_code")


def _update(out: Outcome, state: LedgerState, row: Row, item_id: str, fmt: str, now: datetime) -> None:
    item = state.item(item_id)
    change: list[Change | None] = [None]

    def build() -> dict | None:
        change[0] = proposed_change(item, row, fmt, state.settings)
        return {**item, **change[0].after, "updated_at": max(now, item["updated_at"])} if change[0] else None

    merged, problems = settle(row, build)
    if problems:
        out.quarantined.append((row, problems))
    elif merged is None:
        out.duplicates.append((row, item_id))
        _link(out, state, row, item_id, "same_url")
    else:
        out.updates.append((row, change[0]))
        _link(out, state, row, item_id, "update")
        state.items[item_id] = merged


def classify(rows: list[Row], state: LedgerState, fmt: str, now: datetime, out: Outcome | None = None) -> Outcome:
    """Send every row to exactly one place (see module docstring), into `out` when the rows are
    the next chunk of a file; `state` learns as it goes."""
    out = out if out is not None else Outcome()
    repeats = out.repeats
    for row in rows:
        if row.outside:
            out.outside.append((row, row.outside))
            continue
        if row.problems:
            out.quarantined.append((row, row.problems))
            continue
        if item_id := state.same_item(row):
            _update(out, state, row, item_id, fmt, now)
            continue
        twin = state.same_dispute(row) or repeats.get(repeat_key(row.fields) or ())
        if twin:
            out.duplicates.append((row, twin))
            _link(out, state, row, twin, "same_dispute")
            continue
        if reasons := _not_new_reasons(row):
            out.quarantined.append((row, reasons))
            continue
        if row.place_problem and not row.fields.get("unit_code"):
            row.warn("unit_code", *pair("msg.places.pending", reason=Both(*row.place_problem)))
        item, reasons = settle(row, lambda: new_item(row, fmt, now, state.settings))
        if reasons:
            out.quarantined.append((row, reasons))
            continue
        out.accepted.append((row, item["item_id"]))
        state.remember(item, row.row_key, kept=out.new_items)
        row.fields = {}  # the item holds them now; what the report needs of the row is its cells and notes
        if key := repeat_key(item):
            repeats.setdefault(key, item["item_id"])
    return out
