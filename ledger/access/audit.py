"""The audit log: an append-only record of sign-ins, failed sign-ins, downloads, verification
edits, imports and configuration changes, kept in the journal folder as one JSON line per event
in a file per month (journal/audit/2026-11.jsonl). Each line is written and fsynced before the
action it records is reported done; nothing ever rewrites a line.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path

from ledger.config import Settings
from ledger.store import now_shanghai

_lock = threading.Lock()
EVENTS = ("sign_in", "sign_in_failed", "locked_out", "sign_out", "session_ended", "download", "verification_edit", "reconciliation",
          "import", "config_change", "access_denied", "assignment", "grade_review")


def audit_dir(settings: Settings) -> Path:
    return settings.journal_dir / "audit"


def record(settings: Settings, event: str, user: str, **details) -> dict:
    """Append one event; returns it as written."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    entry = {"at": now_shanghai().isoformat(timespec="seconds"), "event": event, "user": user, **details}
    folder = audit_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
    with _lock, open(folder / f"{entry['at'][:7]}.jsonl", "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
    return entry


def read(settings: Settings, since: datetime | None = None, event: str | None = None) -> list[dict]:
    """Events, newest first, optionally from a moment on and of one kind."""
    entries = []
    for path in sorted(audit_dir(settings).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if (since is None or entry["at"] >= since.isoformat()) and (event is None or entry["event"] == event):
                entries.append(entry)
    return entries[::-1]  # lines are appended in time order
