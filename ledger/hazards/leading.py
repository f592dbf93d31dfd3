"""What a leader sees first on 隐患预警: a handful of flags, and how often a flag of that kind has
been right (issue 20 point 4).

The leading flags are those of the methods with the fewest false alarms in the evaluation: the
seasonal model (alone or with others), a rise two methods agree on, and an enterprise whose
disputes escalate; at most LEADING of them, by strength. The rest (EARS or Gi* alone, plain
repeats) are weaker signals, kept one click away. A flag's track record is the positive
predictive value its method had in the evaluation (docs/hazards-results.json, written by
`make hazards-eval`) on the baselines the thresholds were not set on.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ledger.config import REPO_ROOT
from ledger.hazards.flags import Flag

LEADING = 5
RESULTS = REPO_ROOT / "docs" / "hazards-results.json"
TUNING_MARK = "thresholds set on it"  # the baseline left out of a track record


def is_leading(flag: Flag) -> bool:
    methods = flag.method.split("+")
    return "seasonal" in methods or len(methods) > 1 or (flag.method == "enterprise_repeat" and flag.category == "escalating")


def split(flags: list[Flag], leading: int = LEADING) -> tuple[list[Flag], list[Flag]]:
    """The week's flags (strongest first) as the few a leader sees first and the weaker rest."""
    first = [f for f in flags if is_leading(f)][:leading]
    return first, [f for f in flags if f not in first]


@lru_cache(maxsize=4)
def _results(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def track_record(flag: Flag, path: Path = RESULTS) -> tuple[float, float] | None:
    """The lowest and highest PPV the flag's method (the first named) had on the baselines the
    tuning never saw; None where it was not evaluated (repeats at one enterprise) or there are no
    results."""
    method = flag.method.split("+")[0]
    values = [r["methods"][method]["ppv_during_outbreaks"] for r in _results(path)
              if TUNING_MARK not in r["baseline"] and method in r.get("methods", {})
              and r["methods"][method]["ppv_during_outbreaks"] is not None]
    return (min(values), max(values)) if values else None
