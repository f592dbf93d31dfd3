"""The panel queries the pages run, with the parameters a default page view uses: one list for
the benchmark, the pandas comparison and the page tests to agree on."""
from __future__ import annotations

from datetime import datetime

from ledger.reference import spring_festivals
from queries import Filters
from queries.slices import SliceFilters


def panel_params(now: datetime, window_days: int = 183) -> dict[str, dict]:
    """query name → parameters, as the pages call them with the default filters."""
    f = Filters.last_days(window_days, now.date())
    p = {**f.params(), "now": now}
    festivals = [day for year, day in sorted(spring_festivals().items()) if now.year - 3 <= year <= now.year + 1]
    return {
        "overview_kpis": p,
        "active_disputes_on_map": {**p, "limit": 20_000},
        "active_disputes_by_place": p,
        "verification_rate_by_unit": p,
        "overdue_items": {**p, "limit": 500},
        "verification_rate_by_month": p,
        "disputes_by_industry_period": {**p, "grain": "month"},
        "disputes_breakdown": {**p, "dimension": "demands"},
        "industry_change_summary": {"until": f.until, "units": None, "industries": None, "now": now},
        "disputes_around_festival": {"units": None, "industries": None, "festivals": festivals, "weeks_before": 10,
                                     "weeks_after": 6, "demand": "wage_arrears", "now": now},
        "ledger_slice": {**p, **SliceFilters().params(), "sort": "captured_at", "descending": True,
                         "limit": 50, "offset": 0},
        "new_disputes_since": {"since_time": now.replace(hour=0, minute=0, second=0, microsecond=0), "now": now,
                               "grades": None, "limit": 8},
    }
