"""The only door to DuckDB: `q("query_name", scope, **params)` → a Polars frame.

Each question the pages ask is one `.sql` file in this folder, named after it, with its
parameters documented in its header. This module:
- opens the CURRENT snapshot (and follows CURRENT when a new one is built: each call checks the
  pointer, so readers move to a new snapshot on their next query, whole);
- applies the caller's scope in DuckDB itself: the `items` view a query sees is filtered by
  per-cursor variables that only this module sets, and it shows nothing when they are unset.
  A query cannot forget the scope and a page cannot widen it. For roles that may not see
  personal data, every result's text columns are masked here too (ledger.access.masking), so tables
  and downloads cannot differ;
- caches results keyed by snapshot id, scope and parameters, so a new snapshot invalidates
  everything without anyone clearing a cache; the cache is bounded in bytes (`query_cache_mb`)
  as well as in entries, so a few large results cannot grow a long-running server.
The cache and connection live at module level rather than in `st.cache_data`, so the CLI,
reports and benchmarks get the same door and the same speed as the pages.
"""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
from duckdb.sqltypes import VARCHAR
import polars as pl

from ledger.access import User
from ledger.config import Settings, load_settings
from ledger.access.masking import PERSONAL_TEXT_COLUMNS, mask
from ledger.schema import EVENT_REPORTS_SCHEMA
from ledger.store.sqlfiles import SqlFile, load_sql
from ledger.store import Snapshot, StoreError, duckdb_connection, open_snapshot

QUERY_DIR = Path(__file__).resolve().parent
CACHE_ENTRIES = 512
SHARED_MACROS = "shared_macros"  # created on every connection; not a query of its own
# `items` is scoped; the reference tables hold no ledger rows and are shared by everyone. An item
# is in a unit's scope when it is the unit's or assigned to it (Scope.allows_item says the same).
_SCOPE_FILTER = ("coalesce(getvariable('scope_all'), false) "
                 "or list_contains(coalesce(getvariable('scope_units'), []::varchar[]), unit_code)")
_ITEM_SCOPE_FILTER = (f"{_SCOPE_FILTER} "
                      "or list_contains(coalesce(getvariable('scope_units'), []::varchar[]), assigned_unit)")
# finds(text, keyword): `keyword` occurs in `text` (case-insensitive) as the caller may read it.
# For a scope without personal data the keyword must be in the masked text too (mask_text, the
# one masking function that also masks results), so a search cannot recover a masked mobile digit
# by digit or confirm a masked name. The plain test comes first, so masking runs only on the few
# candidate rows. Defined here, beside the scope filter, because only the door reads the scope.
_FINDS_MACRO = ("create or replace macro finds(text, keyword) as contains(lower(text), lower(keyword)) "
                "and (coalesce(getvariable('scope_personal'), false) "
                "or contains(lower(mask_text(text)), lower(keyword)))")
_REFERENCE_VIEWS = ("units", "counties", "industries", "grades")
_SCOPED_PLACES = ("units", "counties")
_NO_HISTORY = ("select null::varchar as item_id, null::varchar as field, null::varchar as before, "
               "null::varchar as after, null::timestamp as recorded_at, null::varchar as recorded_by, "
               "null::varchar as note, null::varchar as batch_id, null::integer as seq where false")


class NoSnapshot(Exception):
    """No snapshot has been built yet (or CURRENT points at one that is gone)."""


class QueryError(Exception):
    """A query was called wrongly (unknown name, missing or unknown parameters)."""


@dataclass(frozen=True)
class Scope:
    """What a caller may see: which reporting units' items (`units=None`: all of them), and
    whether personal data in ledger text (mobiles, ID numbers, names) is shown or masked."""

    units: frozenset[str] | None = None
    personal: bool = True

    @classmethod
    def only(cls, *unit_codes: str, personal: bool = True) -> Scope:
        return cls(frozenset(unit_codes), personal)

    @classmethod
    def of(cls, user: User) -> Scope:
        """What `user` may see: their units (all for most roles, one for a city officer) and
        whether personal data is shown or masked. The one place a role becomes a scope."""
        return cls(user.units, user.role.personal)

    def allows_item(self, item: dict) -> bool:
        """Whether an item (a dict with unit_code and assigned_unit) is in scope: the rule of the
        door's `items` view, for an item read from the journal rather than through the door."""
        return self.allows(item.get("unit_code")) or self.allows(item.get("assigned_unit"))

    def allows(self, unit_code: str | None) -> bool:
        """Whether the caller may see what concerns `unit_code` (a flag, a score): the rule the
        door's `items` view applies, for results computed over the whole province."""
        return self.units is None or unit_code in self.units

    @property
    def key(self) -> str:
        return ("*" if self.units is None else ",".join(sorted(self.units))) + ("" if self.personal else "|masked")


ALL = Scope()


@dataclass(frozen=True)
class Filters:
    """The global filters every panel query honours."""

    since: date
    until: date
    units: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()

    def params(self) -> dict:
        return {"since": self.since, "until": self.until,
                "units": list(self.units) or None, "industries": list(self.industries) or None}

    def as_of(self, now: datetime) -> datetime:
        """The moment the panels are computed at: the earlier of `now` and the end of the last
        day (the as_of macro of shared_macros.sql)."""
        return min(now, datetime.combine(self.until + timedelta(days=1), datetime.min.time()))

    @classmethod
    def last_days(cls, days: int, until: date) -> Filters:
        return cls(since=until - timedelta(days=days - 1), until=until)


def query_file(name: str) -> SqlFile:
    try:
        return load_sql(QUERY_DIR, name)
    except (KeyError, ValueError) as e:
        raise QueryError(str(e)) from None


def _hashable(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(sorted(value)) if isinstance(value, (set, frozenset)) else tuple(value)
    return value


@dataclass
class _Connection:
    """A snapshot's DuckDB connection and how many queries are reading it right now; `retired`
    once it is no longer among the newest two, then closed by whoever is its last reader."""

    con: duckdb.DuckDBPyConnection
    readers: int = 0
    retired: bool = False


class Door:
    """Connections to snapshots of one data directory, and the result cache."""

    def __init__(self, settings: Settings, cache_entries: int = CACHE_ENTRIES):
        self.settings = settings
        self.cache_entries = cache_entries  # 0: no result cache (benchmarks measure the queries)
        self.cache_bytes = settings.query_cache_mb * 2**20
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self._connections: OrderedDict[str, _Connection] = OrderedDict()
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self._cache: OrderedDict[tuple, pl.DataFrame] = OrderedDict()

    def snapshot(self) -> Snapshot:
        """The CURRENT snapshot; raises NoSnapshot when there is none."""
        pointer = self.settings.snapshots_dir / "CURRENT"
        try:
            snapshot_id = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise NoSnapshot() from None
        with self._lock:
            opened = self._snapshots.get(snapshot_id)
        if opened is None:
            try:
                opened = open_snapshot(self.settings, snapshot_id)
            except StoreError:
                raise NoSnapshot() from None
            with self._lock:
                self._snapshots[snapshot_id] = opened
                while len(self._snapshots) > 2:  # a server runs for months; remember only recent ones
                    self._snapshots.popitem(last=False)
        return opened

    def _open(self, snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
        """A new connection whose views are `snapshot`'s tables, scoped by per-cursor variables."""
        con = duckdb_connection(self.settings)
        con.read_parquet(str(snapshot.table("items"))).filter(_ITEM_SCOPE_FILTER).create_view("items")
        for name in _REFERENCE_VIEWS:
            con.read_parquet(str(snapshot.table(name))).create_view(name)
        # The places the caller may see, for queries that list every unit or county even
        # where nothing happened (a zero is still information about that place).
        for name in _SCOPED_PLACES:
            con.read_parquet(str(snapshot.table(name))).filter(_SCOPE_FILTER).create_view(f"{name}_in_scope")
        # Change history carries no unit of its own: it is visible for the items in scope.
        # Snapshots built before the history existed have none: an empty history, not an error.
        history_rows = (con.read_parquet(str(snapshot.table("verifications")))
                        if "verifications" in snapshot.manifest["tables"] else con.sql(_NO_HISTORY))
        history_rows.filter("item_id in (select item_id from items)").create_view("verifications")
        # Staged event reports repeat their event's unit, so they are scoped like items;
        # snapshots built before events existed have none: an empty table, not an error.
        reports = (con.read_parquet(str(snapshot.table("event_reports")))
                   if "event_reports" in snapshot.manifest["tables"]
                   else con.from_arrow(EVENT_REPORTS_SCHEMA.empty_table()))
        reports.filter(_SCOPE_FILTER).create_view("event_reports")
        con.execute(query_file(SHARED_MACROS).text)
        con.create_function("mask_text", mask, [VARCHAR], VARCHAR, side_effects=False)
        con.execute(_FINDS_MACRO)
        return con

    def _acquire(self, snapshot: Snapshot) -> _Connection:
        """`snapshot`'s connection with one more reader counted; give it back with `_release`."""
        with self._lock:
            held = self._connections.get(snapshot.snapshot_id)
            if held is None:
                held = _Connection(self._open(snapshot))
                self._connections[snapshot.snapshot_id] = held
                # Keep the previous snapshot's connection for readers still on it; retire older
                # ones, each closed when its last reader is done (closing one under a reader's
                # cursor raises ResourceInUseException in that reader).
                while len(self._connections) > 2:
                    retired_id, retired = self._connections.popitem(last=False)
                    retired.retired = True
                    if retired.readers == 0:
                        retired.con.close()
                    self._forget_results(retired_id)
            held.readers += 1
            return held

    def _forget_results(self, snapshot_id: str) -> None:
        """Drop a retired snapshot's results (the lock held): no page asks for them again, and
        left to the LRU they would fill the cache over a day of snapshot swaps."""
        for key in [key for key in self._cache if key[0] == snapshot_id]:
            self._cached_bytes -= self._cache.pop(key).estimated_size()

    def _release(self, held: _Connection) -> None:
        with self._lock:
            held.readers -= 1
            if held.retired and held.readers == 0:
                held.con.close()

    @contextmanager
    def _cursor(self, snapshot: Snapshot, scope: Scope):
        """A cursor on `snapshot`'s connection whose views see `scope` only."""
        held = self._acquire(snapshot)
        try:
            cursor = held.con.cursor()
            try:
                cursor.execute("set variable scope_all = $all", {"all": scope.units is None})
                cursor.execute("set variable scope_units = $units", {"units": sorted(scope.units or ())})
                cursor.execute("set variable scope_personal = $personal", {"personal": scope.personal})
                yield cursor
            finally:
                cursor.close()
        finally:
            self._release(held)

    def plan(self, name: str, scope: Scope = ALL, **params) -> list[dict]:
        """DuckDB's plan of query `name` (EXPLAIN, as JSON) against the CURRENT snapshot: which
        columns and filters reach each Parquet scan, for the benchmark's limit column and for
        the tests that a window's bound is pushed into the scan."""
        with self._cursor(self.snapshot(), scope) as cursor:
            return json.loads(cursor.sql("explain (format json) " + query_file(name).text, params=params).fetchall()[0][1])

    def q(self, name: str, scope: Scope = ALL, *, snapshot: Snapshot | None = None, cached: bool = True,
          **params) -> pl.DataFrame:
        """Run query `name` against the CURRENT snapshot (or the given one) within `scope`;
        `cached=False` for results too large to keep (a whole ledger's export)."""
        if name == SHARED_MACROS:
            raise QueryError(f"{name} defines macros for the other queries; it is not a query")
        query = query_file(name)
        missing = query.used - params.keys()
        unknown = params.keys() - query.used
        if missing or unknown:
            raise QueryError(f"{name}: missing parameters {sorted(missing)}, unknown {sorted(unknown)}")
        snapshot = snapshot or self.snapshot()
        key = (snapshot.snapshot_id, name, scope.key, tuple(sorted((k, _hashable(v)) for k, v in params.items())))
        with self._lock:
            if cached and key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        with self._cursor(snapshot, scope) as cursor:
            result = cursor.sql(query.text, params=params).pl()
        if not scope.personal:
            result = result.with_columns(pl.col(c).map_elements(mask, return_dtype=pl.String)
                                         for c in PERSONAL_TEXT_COLUMNS if c in result.columns)
        size = result.estimated_size()
        if not cached or size > self.cache_bytes:
            return result
        with self._lock:
            if key not in self._cache and snapshot.snapshot_id in self._connections:  # not retired meanwhile
                self._cache[key] = result
                self._cached_bytes += size
            while self._cache and (len(self._cache) > self.cache_entries or self._cached_bytes > self.cache_bytes):
                self._cached_bytes -= self._cache.popitem(last=False)[1].estimated_size()
        return result


_doors: dict[str, Door] = {}
_doors_lock = threading.Lock()


def door() -> Door:
    """The process-wide door for the configured data directory (SENTINEL_DATA_DIR)."""
    data_dir = os.environ.get("SENTINEL_DATA_DIR", "")
    with _doors_lock:
        if data_dir not in _doors:
            _doors[data_dir] = Door(load_settings())
        return _doors[data_dir]


def q(name: str, scope: Scope = ALL, **params) -> pl.DataFrame:
    return door().q(name, scope, **params)


# DuckDB releases the GIL while it plans and runs a query; at the province's size planning is most
# of a query's time, so a page's independent queries run side by side, one per core.
_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="sentinel-query")


def q_all(*calls: tuple[str, Scope, dict]) -> list[pl.DataFrame]:
    """Several queries at once, each (name, scope, params), their results in the same order; the
    first error raised is re-raised here, as q would raise it."""
    current = door()
    futures = [_POOL.submit(current.q, name, scope, **params) for name, scope, params in calls]
    return [future.result() for future in futures]


def snapshot() -> Snapshot:
    return door().snapshot()


def read(snapshot: Snapshot, name: str, scope: Scope, *, cached: bool = True, **params) -> pl.DataFrame:
    """Run query `name` against `snapshot` within `scope`: for the ledger's jobs, which are handed
    a snapshot (a hazard screen replaying a past week, a reminder round on a fresh build, a
    brief) rather than following CURRENT. The scope is explicit: ALL for a job of the province."""
    return door().q(name, scope, snapshot=snapshot, cached=cached, **params)


__all__ = ["ALL", "Door", "Filters", "NoSnapshot", "QueryError", "Scope", "door", "q", "q_all", "read", "snapshot"]
