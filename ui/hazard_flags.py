"""The week's hazard flags as the pages see them: the snapshot's saved screen (ledger.hazards.saved),
read once per snapshot and day, and kept to what the caller may see."""
from __future__ import annotations

from datetime import date

import streamlit as st

from ledger.hazards.flags import Flag
from ledger.hazards.saved import week_flags as saved_week_flags
from ledger.store import Snapshot
from queries import Scope


@st.cache_data(max_entries=16, show_spinner=False)
def week_flags(snapshot_id: str, day: date, _snapshot: Snapshot) -> list[Flag]:
    """The hazard screen of the week `day` falls in; cached by snapshot and day, so a replay, a
    rerun or another page asking is free."""
    return saved_week_flags(_snapshot, day)


def flags_in_scope(flags: list[Flag], scope: Scope) -> list[Flag]:
    """A city officer sees the flags of their own unit only (the screen itself is province-wide:
    its statistics need every cell)."""
    return [f for f in flags if scope.allows(f.unit_code)]
