"""今日要务: what needs a leader today, ranked, one line each with the page that acts on it.

In order of urgency: new grade I disputes (captured in the last NEW_HOURS), staged events past
their next report, new grade II disputes, the units with the most overdue items (the gauges'
count, so it matches 核实督办), and this week's hazard flags. At most PER_KIND lines of a kind, so
that the block fits one screen at 1440×900 beside the headline figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import polars as pl
import streamlit as st

from ledger import geo
from ledger.access import Role
from ledger.config import load_settings
from ledger.hazards.leading import split
from ledger.i18n import t
from queries import q_all
from ui.hazard_flags import flags_in_scope, week_flags
from ui.plain_text import plain
from ui.shell import PageContext
from ui.tables import suffix

NEW_HOURS = 48
PER_KIND = 3
TITLE_CHARACTERS = 28  # a line stays one line at 1440 px


@dataclass(frozen=True)
class Action:
    """One line of the block: what, and where to act on it."""

    kind: str  # grade_i, event, grade_ii, overdue_unit, hazard
    text: str  # plain text (escaped when drawn)
    page: str
    query: dict[str, str] = field(default_factory=dict)


def _short(title: str | None) -> str:
    title = (title or "").strip()
    return title if len(title) <= TITLE_CHARACTERS else title[:TITLE_CHARACTERS - 1] + "…"


def _dispute_actions(disputes: pl.DataFrame, kind: str, role: Role, ctx: PageContext) -> list[Action]:
    s = suffix(ctx.lang)
    actions = []
    for row in disputes.head(PER_KIND).iter_rows(named=True):
        place = row[f"county_name_{s}"] or row[f"unit_name_{s}"] or t("today.place_pending", ctx.lang)
        hours = max(0, (ctx.now - row["captured_at"]).total_seconds() / 3600)
        text = t(f"today.{kind}", ctx.lang, title=_short(row["title"]), place=place, hours=f"{hours:.0f}")
        # An officer verifies it; anyone else reads it in the explorer (found by its title as shown).
        page, query = (("app_pages/verify.py", {"item": row["item_id"]}) if role.verify and "verify" in role.pages
                       else ("app_pages/explorer.py", {"q": _short(row["title"]).removesuffix("…")}))
        actions.append(Action(kind, text, page, query))
    return actions


def todays_actions(ctx: PageContext, role: Role) -> list[Action]:
    """Everything in the block, most urgent first (see the module docstring)."""
    lang, since_time = ctx.lang, ctx.now - timedelta(hours=NEW_HOURS)
    settings = load_settings()
    new_i, new_ii, events, rates = q_all(
        *(("new_disputes_since", ctx.scope, dict(since_time=since_time, now=ctx.now, grades=[grade], limit=PER_KIND))
          for grade in ("I", "II")),
        ("open_events", ctx.scope, dict(now=ctx.now, followup_hours=settings.events_followup_hours,
                                        first_report_hours=settings.events_first_report_hours, closed_since=None,
                                        units=None)),
        ("verification_rate_by_unit", ctx.scope, dict(now=ctx.now, **ctx.filters.params())))
    new = {"I": new_i, "II": new_ii}
    late = events.filter(pl.col("overdue")).sort("overdue_hours", descending=True).head(PER_KIND)
    event_actions = [Action("event", t("today.event", lang, title=_short(e["title"]), days=f"{e['overdue_hours'] / 24:.1f}"),
                            "app_pages/events.py", {"event": e["event_id"]}) for e in late.iter_rows(named=True)]
    worst = (rates.filter((pl.col("level") == "unit") & (pl.col("overdue_n") > 0))
             .sort(["overdue_n", "unit_code"], descending=[True, False]).head(PER_KIND))
    unit_actions = [Action("overdue_unit", t("today.overdue_unit", lang, unit=geo.unit_name(u["unit_code"], lang),
                                             n=u["overdue_n"]),
                           "app_pages/verification.py", {"unit": u["unit_code"]}) for u in worst.iter_rows(named=True)]
    flags = split(flags_in_scope(week_flags(ctx.snapshot.snapshot_id, ctx.now.date(), ctx.snapshot), ctx.scope))[0]
    hazard_actions = [Action("hazard", t("today.hazard", lang, sentence=f.sentence(lang)), "app_pages/hazards.py")
                      for f in flags[:PER_KIND]]
    return (_dispute_actions(new["I"], "grade_i", role, ctx) + event_actions + _dispute_actions(new["II"], "grade_ii", role, ctx)
            + unit_actions + hazard_actions)


ICONS = {"grade_i": ":material/emergency:", "event": ":material/campaign:", "grade_ii": ":material/priority_high:",
         "overdue_unit": ":material/schedule:", "hazard": ":material/warning:"}


def draw_actions(actions: list[Action], lang: str) -> None:
    """The block: a heading and one link per action; a calm line when nothing needs doing."""
    with st.container(border=True, key="todays_actions"):
        # A line too long for a phone wraps rather than being cut off (links are one line by default).
        st.html("<style>.st-key-todays_actions [data-testid='stPageLink'] p {white-space: normal}</style>")
        st.markdown(f"**{t('today.heading', lang)}**")
        if not actions:
            st.success(t("today.none", lang), icon=":material/check_circle:")
        for action in actions:
            st.page_link(action.page, label=plain(action.text), icon=ICONS[action.kind], query_params=action.query)
