"""The week's hazard screen, saved beside its snapshot, so that no reader waits for it.

A screen costs about a second at the province's size and six at ten million items, and it loads
the statistics stack (scipy, esda, libpysal: about a second of imports). Yet it depends only on
the snapshot, which never changes, and the week it judges. So each (snapshot, week) is screened
once: in the background as soon as a server sees a new snapshot (`warm_soon`, called by every
page), or else by its first reader; its flags are saved as JSON in the snapshot's `derived/`
folder, where every page, the wall, alert rounds, briefs and the CLI find them, in any process.

`derived/` is not in the manifest's checksums: it holds nothing the tables and the screen's code
do not determine. The file's name carries a digest of that code, so a screen changed by an
upgrade is run again rather than read stale; a file that cannot be read is screened again, and
one that cannot be written (a read-only folder) only costs the next reader the wait.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict
from datetime import date
from functools import lru_cache
from pathlib import Path

from ledger.config import REFERENCE_DIR, REPO_ROOT
from ledger.hazards.flags import Flag, iso_week, screen_week
from ledger.store import Snapshot

log = logging.getLogger(__name__)
DERIVED = "derived"
_HAZARD_DIR = Path(__file__).resolve().parent
_guard = threading.Lock()
_screening = threading.Lock()  # one screen at a time: they are rare, and two would share two cores
_warming: set[Path] = set()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of what a screen's result depends on besides the snapshot: the hazard package's
    code, the queries it reads and the reference data of festivals, sections and places."""
    digest = hashlib.sha256()
    sources = [*sorted(_HAZARD_DIR.glob("*.py")), *sorted((REPO_ROOT / "queries").glob("hazard_*.sql")),
               *sorted(REFERENCE_DIR.glob("*.csv"))]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def saved_path(snapshot: Snapshot, as_of: date) -> Path:
    return snapshot.path / DERIVED / f"hazards-{iso_week(screen_week(as_of))}-{code_digest()}.json"


def week_flags(snapshot: Snapshot, as_of: date) -> list[Flag]:
    """The flags of the week a screen on `as_of` judges (screen.screen), read from the snapshot's
    saved screen, or screened now and saved. A caller arriving during a screen waits for it, then
    reads what it saved."""
    path = saved_path(snapshot, as_of)
    with _screening:
        flags = _load(path)
        if flags is None:
            from ledger.hazards.screen import screen  # the statistics stack loads only when a screen runs
            flags = screen(snapshot, as_of)
            _save(path, flags)
        return flags


def warm_soon(snapshot: Snapshot, as_of: date) -> threading.Thread | None:
    """Screen the week in a background thread unless it is saved or already being screened;
    return the thread (tests join it), or None when there was nothing to do."""
    path = saved_path(snapshot, as_of)
    with _guard:
        if path in _warming or path.exists():
            return None
        _warming.add(path)
    thread = threading.Thread(target=_warm, args=(snapshot, as_of, path), name=f"hazards:{path.name}", daemon=True)
    thread.start()
    return thread


def _warm(snapshot: Snapshot, as_of: date, path: Path) -> None:
    try:
        week_flags(snapshot, as_of)
    except Exception:  # noqa: BLE001 — a failed warm-up leaves the screen to its first reader, who sees why
        log.exception("hazard screen of %s in the background failed", path.name)
    finally:
        with _guard:
            _warming.discard(path)


def _load(path: Path) -> list[Flag] | None:
    try:
        return [Flag(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):  # damaged or of another shape: screened again
        log.warning("saved hazard screen %s is unreadable; screening again", path)
        return None


def _save(path: Path, flags: list[Flag]) -> None:
    """Write the flags whole or not at all (a reader in another process never sees half a file)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temp.write_text(json.dumps([asdict(f) for f in flags], ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        log.warning("could not save the hazard screen to %s; the next reader screens again", path, exc_info=True)
        temp.unlink(missing_ok=True)
