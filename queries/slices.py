"""The explorer's filters beyond the global ones, as one value that becomes ledger_slice's
parameters, its URL and the "filters used" sheet of a download.

Kept apart from the Streamlit form (ui/slice_form.py) so that a download, a test or a notebook
builds exactly the same slice from the same value.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

SORTS = ("captured_at", "participants", "grade", "verify_due_at")


@dataclass(frozen=True)
class SliceFilters:
    counties: tuple[str, ...] = ()
    place_precisions: tuple[str, ...] = ()  # PLACE_PRECISION codes; "unknown" is 属地待定
    sub_industries: tuple[str, ...] = ()
    ownerships: tuple[str, ...] = ()
    union_present: bool | None = None
    grades: tuple[str, ...] = ()
    min_participants: int | None = None
    max_participants: int | None = None
    demands: tuple[str, ...] = ()
    action_forms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    collective_only: bool = False
    overdue_only: bool = False
    proactive_only: bool = False
    keyword: str | None = None

    def params(self) -> dict:
        """ledger_slice's parameters for these filters (empty choices mean "all": null)."""
        values = asdict(self)
        for f in fields(self):
            if isinstance(values[f.name], tuple):
                values[f.name] = list(values[f.name]) or None
        values["keyword"] = (self.keyword or "").strip() or None
        return values

    def chosen(self) -> dict:
        """Only the filters that narrow the slice, by field name."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) not in ((), None, False, "")}
