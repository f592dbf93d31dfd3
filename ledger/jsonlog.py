"""Append-only JSON Lines logs (reminders sent, reconciliation runs and sign-offs): each entry is
one line, written and fsynced before the caller goes on, so a crash loses at most the entry being
written and never corrupts the ones before it."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path


def append(path: Path, entries: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        for entry in entries:
            f.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
