"""Weekly count matrices for the hazard screen, read from a snapshot through the query door
(the whole province: the screen compares every cell with its neighbours)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from queries import ALL, read

from ledger.store import Snapshot


@dataclass
class Series:
    """Counts `Y[cell, week]` for consecutive ISO weeks, the same weighted by the disputes' sizes
    (`W`, in disputes of the ledger's average size, so that W sums to what Y sums to), and the ids
    behind the recent ones."""

    cells: list[str]
    weeks: list[date]  # Mondays, consecutive
    Y: np.ndarray
    W: np.ndarray
    item_ids: dict[tuple[str, date], list[str]]

    def week_index(self, monday: date) -> int:
        return (monday - self.weeks[0]).days // 7


def weekly_series(snapshot: Snapshot, level: str, last_week: date, cells: list[str] | None = None,
                  evidence_weeks: int = 8) -> Series:
    """Counts per cell for every week from the first dispute to `last_week` (a Monday), counting
    only items captured before that week ends. `cells` fixes the rows (every known cell, zeros
    included); otherwise the cells seen in the data."""
    until = datetime.combine(last_week + timedelta(days=7), datetime.min.time())
    recent_from = until - timedelta(weeks=evidence_weeks)
    rows = read(snapshot, "hazard_weekly_counts", ALL, until=until, recent_from=recent_from, level=level).rows()
    cells = cells or sorted({r[0] for r in rows})
    first = min((r[1] for r in rows), default=last_week)
    weeks = [first + timedelta(weeks=i) for i in range((last_week - first).days // 7 + 1)]
    index = {c: i for i, c in enumerate(cells)}
    Y, W = np.zeros((len(cells), len(weeks))), np.zeros((len(cells), len(weeks)))
    item_ids = {}
    for cell, week, n, weighted, ids in rows:
        if cell in index:
            Y[index[cell], (week - first).days // 7] = n
            W[index[cell], (week - first).days // 7] = weighted
            if ids:
                item_ids[(cell, week)] = ids
    return Series(cells, weeks, Y, W * (Y.sum() / W.sum() if W.sum() else 1.0), item_ids)
