"""Rebuilding the snapshot soon after a change, without making the person who saved it wait.

A verification saved on a page must show on the dashboards within a minute. A full build takes
about 2 seconds at the demo's size and a minute or more at ten million items, so the page asks
for a rebuild in a background thread and returns at once. Requests that arrive while a build
runs are folded into one more build after it (a burst of saves costs two builds, not one each),
and builds never overlap (ledger.store also serialises them across processes with a file lock).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from ledger.config import Settings
from ledger.store import build_snapshot

log = logging.getLogger(__name__)
_guard = threading.Lock()
_running: dict[Path, threading.Thread] = {}
_wanted: set[Path] = set()


def rebuild_soon(settings: Settings) -> threading.Thread:
    """Make sure a build starts after this call; return the thread that will run it (tests join it)."""
    key = settings.data_dir
    with _guard:
        _wanted.add(key)
        thread = _running.get(key)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_build_while_wanted, args=(settings,), name=f"rebuild:{key.name}",
                                      daemon=True)
            _running[key] = thread
            thread.start()
        return thread


def wait(settings: Settings, seconds: float) -> bool:
    """Wait up to `seconds` for the rebuild asked for last; return whether none is still to run
    (the snapshot then holds every change saved before the rebuild was asked for)."""
    with _guard:
        thread = _running.get(settings.data_dir)
    if thread is not None:
        thread.join(timeout=seconds)
    return thread is None or not thread.is_alive()


def _build_while_wanted(settings: Settings) -> None:
    key = settings.data_dir
    while True:
        with _guard:
            if key not in _wanted:
                _running.pop(key, None)
                return
            _wanted.discard(key)
        try:
            build_snapshot(settings)
        except Exception:  # noqa: BLE001 — a failed build must not kill later ones; the log says why
            log.exception("snapshot rebuild after a change failed")
