"""Failed sign-ins, counted per account and per client address, with locks that grow.

Why a book of its own: the sign-in form is the one door a stranger can knock on as often as they
like, from many browser sessions at once. So every failure is recorded before the password is
even checked (a reservation that a right password takes back), under a file lock held while the
book is read, checked and rewritten: fifty attempts sent together cannot all see "under the
limit". An account is locked for `lockout_first_minutes` after `lockout_attempts` failures,
each next lock twice as long up to `lockout_minutes`, so a stranger guessing at `admin` locks it
for a minute, not a day; one address gets a larger budget (`lockout_address_attempts`) across
every name it tries, so spraying many names from one place is slowed too. Names that are no
account cost bounded storage: at most MAX_ENTRIES of them (and of addresses), the longest idle
dropped first. The book is `data/auth/failures.json`, so a restart does not lift a lock.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ledger.config import Settings
from ledger.store import exclusive_lock, write_json_durably

MAX_ENTRIES = 1000  # unknown names and addresses each; real accounts are bounded by the users file
THIS_MACHINE = "local"  # the address key of a browser on the server itself (Streamlit reports None)
_TABLES = ("accounts", "unknown", "addresses")


@dataclass(frozen=True)
class Limits:
    attempts: int  # failures within `longest` minutes that lock
    first: timedelta  # the first lock; each next one twice as long
    longest: timedelta  # no lock is longer; a record idle this long is forgotten

    def lock_for(self, lockouts: int) -> timedelta:
        return min(self.first * 2 ** (lockouts - 1), self.longest)


@dataclass(frozen=True)
class Lock:
    reason: str  # "locked" (the account) or "address_locked"
    until: datetime


def limits(settings: Settings) -> tuple[Limits, Limits]:
    """(per account, per address) from [auth] in sentinel.toml."""
    first, longest = timedelta(minutes=settings.lockout_first_minutes), timedelta(minutes=settings.lockout_minutes)
    return (Limits(settings.lockout_attempts, first, longest),
            Limits(settings.lockout_address_attempts, first, longest))


class Book:
    """The failures as read under the lock; `held()` writes it back when it changed."""

    def __init__(self, tables: dict[str, dict], account_limits: Limits, address_limits: Limits):
        self.tables = {name: tables.get(name, {}) for name in _TABLES}
        self.account_limits, self.address_limits = account_limits, address_limits
        self.changed = False

    def _entries(self, account: str, known: bool, address: str | None):
        yield self.tables["accounts" if known else "unknown"], account, self.account_limits, "locked"
        yield self.tables["addresses"], address or THIS_MACHINE, self.address_limits, "address_locked"

    def locked(self, now: datetime, account: str, known: bool, address: str | None) -> Lock | None:
        """The lock on the account or the address at `now` (the later-ending one), if any."""
        locks = [Lock(reason, datetime.fromisoformat(record["locked_until"]))
                 for table, key, _, reason in self._entries(account, known, address)
                 if (record := table.get(key)) and record.get("locked_until")
                 and datetime.fromisoformat(record["locked_until"]) > now]
        return max(locks, key=lambda lock: lock.until) if locks else None

    def fail(self, now: datetime, account: str, known: bool, address: str | None) -> Lock | None:
        """Count one failure for the account and the address; the lock it brings, if any."""
        for table, key, limit, _ in self._entries(account, known, address):
            record = table.setdefault(key, {"failures": [], "lockouts": 0, "locked_until": None})
            window_start = now - limit.longest
            record["failures"] = [t for t in record["failures"] if datetime.fromisoformat(t) > window_start]
            record["failures"].append(now.isoformat())
            record["seen"] = now.isoformat()
            if len(record["failures"]) >= limit.attempts:
                record["lockouts"] += 1
                record["locked_until"] = (now + limit.lock_for(record["lockouts"])).isoformat()
                record["failures"] = []
        self._forget_idle(now)
        self.changed = True
        return self.locked(now, account, known, address)

    def succeeded(self, now: datetime, account: str, known: bool, address: str | None) -> None:
        """A right password: the account starts afresh; the address takes back its reservation
        (unless that already counted towards a lock)."""
        accounts, _, _, _ = next(self._entries(account, known, address))
        accounts.pop(account, None)
        record = self.tables["addresses"].get(address or THIS_MACHINE)
        if record and now.isoformat() in record["failures"]:
            record["failures"].remove(now.isoformat())
        self.changed = True

    def _forget_idle(self, now: datetime) -> None:
        """Drop records idle for the longest lock after their last failure or lock; then keep
        the MAX_ENTRIES most recently seen unknown names and addresses."""
        longest = self.account_limits.longest
        for name, table in self.tables.items():
            for key in [k for k, r in table.items()
                        if datetime.fromisoformat(max(r["seen"], r["locked_until"] or "")) + longest < now]:
                del table[key]
            if name != "accounts" and len(table) > MAX_ENTRIES:
                for key in sorted(table, key=lambda k: table[k]["seen"])[:len(table) - MAX_ENTRIES]:
                    del table[key]


@contextmanager
def held(settings: Settings):
    """The book of `settings`' data folder, read under its file lock and written back (durably)
    before the lock is let go: one reader-checker-writer at a time, across threads and processes."""
    state_file = failures_file(settings)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(state_file.with_name(".failures.lock")):
        try:
            tables = json.loads(state_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            tables = {}
        book = Book(tables if isinstance(tables, dict) else {}, *limits(settings))
        yield book
        if book.changed:
            write_json_durably(state_file, book.tables)


def failures_file(settings: Settings) -> Path:
    return settings.data_dir / "auth" / "failures.json"
