"""Turning query frames into what a reader sees: localized names, labels for codes, and column
headers from the label table. Shared by every page that lists disputes, so a grade or a status
reads the same everywhere."""
from __future__ import annotations

import polars as pl
import streamlit as st

from ledger.i18n import t
from ledger.schema import COLUMN_BY_NAME, ENUMS, column_label
from queries import Scope, q


def suffix(lang: str) -> str:
    """Queries return names as `…_zh` and `…_en`; this picks the column for the language."""
    return "zh" if lang == "zh" else "en"


def grade_label(lang: str) -> pl.Expr:
    """'II级' / 'II', 'II级（待确认）' while the province has not confirmed it, or 未定级 / Ungraded."""
    label = pl.format(t("grade.short", lang, grade="{}"), pl.col("grade"))
    if_pending = pl.when(pl.col("grade_review") == "pending").then(pl.lit(t("grade.pending_suffix", lang))).otherwise(pl.lit(""))
    return (label + if_pending).fill_null(t("grade.none", lang))


def enum_label(column: str, enum_name: str, lang: str) -> pl.Expr:
    enum = ENUMS[enum_name]
    return pl.col(column).replace_strict({c: enum.label(c, lang) for c in enum.codes}, default=pl.col(column),
                                         return_dtype=pl.String)


def value_label(column: str, value: str | None, lang: str) -> str:
    """A ledger value as a reader sees it: an enum code as its label, nothing as a dash."""
    if value is None:
        return "—"
    enum = COLUMN_BY_NAME[column].enum if column in COLUMN_BY_NAME else None
    return enum.label(value, lang) if enum is not None else value


def place_label(lang: str) -> pl.Expr:
    s = suffix(lang)
    return pl.concat_str([pl.col(f"unit_name_{s}"), pl.col(f"county_name_{s}")], separator=" · ", ignore_nulls=True)


def dispute_table(frame: pl.DataFrame, lang: str, columns: list[str]) -> pl.DataFrame:
    """The chosen columns of a dispute list (title, place, enterprise, industry, grade,
    participants, status, days_open), headed in the reader's language."""
    s = suffix(lang)
    expressions = {
        "title": pl.col("title"),
        "place": place_label(lang),
        "county": pl.col(f"county_name_{s}"),
        "enterprise": pl.col("enterprise"),
        "industry": pl.col(f"industry_name_{s}"),
        "grade": grade_label(lang),
        "participants": pl.col("participants_text"),
        "status": enum_label("status", "status", lang),
        "days_open": pl.col("days_open"),
    }
    return (frame.select(expressions[name].alias(t(f"col.{name}", lang)) for name in columns)
            .with_columns(pl.col(pl.String).fill_null("—")))


# Pixel widths that let a dispute list fit a 1366-pixel laptop screen.
COLUMN_WIDTHS = {"title": 300, "place": 125, "county": 90, "enterprise": 220, "industry": 140, "grade": 64,
                 "participants": 90, "status": 80, "days_open": 72}


def show_disputes(frame: pl.DataFrame, lang: str, columns: list[str], **dataframe_args):
    """st.dataframe of a dispute list with set column widths; returns what st.dataframe returns
    (the selection event when `on_select` is given)."""
    config = {t(f"col.{name}", lang): st.column_config.Column(width=COLUMN_WIDTHS[name]) for name in columns}
    return st.dataframe(dispute_table(frame, lang, columns), hide_index=True, width="stretch",
                        column_config=config, **dataframe_args)


def item_timeline(item: dict, scope: Scope, lang: str) -> pl.DataFrame:
    """An item's history, oldest first: its own workflow times (captured, assigned, due, verified,
    closed) and every recorded change (who changed which field from what to what), as the
    explorer and the verification form show it. The changes come through the query door, so
    the caller's scope and masking apply."""
    steps = [("captured", "captured_at"), ("assigned", "assigned_at"), ("due", "verify_due_at"),
             ("verified", "verified_at"), ("closed", "closed_at"), ("updated", "updated_at")]
    timeline = [(item[column], t(f"explorer.history.{step}", lang)) for step, column in steps if item.get(column)]
    changes = q("item_history", scope, item_id=item["item_id"])
    timeline += [(r["recorded_at"], t("explorer.history.change", lang, field=column_label(r["field"], lang),
                                      before=value_label(r["field"], r["before"], lang),
                                      after=value_label(r["field"], r["after"], lang),
                                      by=r["recorded_by"] or "—")) for r in changes.iter_rows(named=True)]
    timeline.sort(key=lambda entry: entry[0])
    return pl.DataFrame({t("col.when", lang): [when.strftime("%Y-%m-%d %H:%M") for when, _ in timeline],
                         t("col.step", lang): [step for _, step in timeline]})
