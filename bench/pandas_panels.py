"""The same panels computed the straightforward way: read the snapshot's Parquet into pandas
(only the columns the panel needs), filter, group. The benchmark's yardstick, and a second
implementation whose answers must agree with the SQL (checked in bench/run.py)."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd


def _as_of(now: datetime, until) -> pd.Timestamp:
    return pd.Timestamp(min(now, datetime.combine(until + timedelta(days=1), datetime.min.time())))


def overview_kpis(items: Path, p: dict) -> dict:
    df = pd.read_parquet(items, columns=["is_collective", "captured_at", "closed_at", "verify_due_at", "verified_at"])
    t, start = _as_of(p["now"], p["until"]), pd.Timestamp(p["since"])
    window = df["captured_at"].between(start, t)
    open_now = df["closed_at"].isna() | (df["closed_at"] > t)
    due = df["verify_due_at"].between(start, t)
    on_time = due & (df["verified_at"] <= df["verify_due_at"])
    overdue = window & (df["verify_due_at"] < t) & (df["verified_at"].isna() | (df["verified_at"] > t))
    return {"active_n": int((df["is_collective"] & window & open_now).sum()), "due_n": int(due.sum()),
            "on_time_n": int(on_time.sum()), "overdue_n": int(overdue.sum()),
            "new_7d_n": int((df["is_collective"] & (df["captured_at"] > t - pd.Timedelta(days=7))
                             & (df["captured_at"] <= t)).sum())}


def verification_rate_by_unit(items: Path, p: dict) -> dict:
    df = pd.read_parquet(items, columns=["unit_code", "captured_at", "verify_due_at", "verified_at"])
    t, start = _as_of(p["now"], p["until"]), pd.Timestamp(p["since"])
    due = df[df["verify_due_at"].between(start, t)].copy()
    due["on_time"] = due["verified_at"] <= due["verify_due_at"]
    due["hours"] = (due["verified_at"] - due["captured_at"]).dt.total_seconds() / 3600
    grouped = due.groupby("unit_code").agg(due_n=("on_time", "size"), on_time_n=("on_time", "sum"),
                                           median_hours=("hours", "median"))
    return {code: int(row.due_n) for code, row in grouped.iterrows()}


def active_disputes_by_place(items: Path, p: dict) -> dict:
    df = pd.read_parquet(items, columns=["is_collective", "captured_at", "closed_at", "occurred_on", "updated_at",
                                         "unit_code", "county_code"])
    t, start = _as_of(p["now"], p["until"]), pd.Timestamp(p["since"])
    active = df[df["is_collective"] & (df["captured_at"] <= t) & (df["closed_at"].isna() | (df["closed_at"] > t))
                & ((df["captured_at"] >= start) | (pd.to_datetime(df["occurred_on"]) >= start)
                   | ((df["updated_at"] >= start) & (df["updated_at"] <= t)))]
    return active.groupby("unit_code").size().to_dict()


def disputes_by_industry_period(items: Path, p: dict) -> dict:
    df = pd.read_parquet(items, columns=["is_collective", "captured_at", "industry"])
    t, start = _as_of(p["now"], p["until"]), pd.Timestamp(p["since"])
    now = df[df["is_collective"] & df["captured_at"].between(start, t)]
    counts = now.groupby([now["captured_at"].dt.to_period("M"), "industry"]).size()
    return {"total": int(counts.sum())}


def disputes_breakdown(items: Path, p: dict) -> dict:
    df = pd.read_parquet(items, columns=["is_collective", "captured_at", "demands"])
    t, start = _as_of(p["now"], p["until"]), pd.Timestamp(p["since"])
    window = df[df["is_collective"] & df["captured_at"].between(start, t)].explode("demands")
    return window["demands"].fillna("unknown").value_counts().to_dict()


def ledger_slice(items: Path, p: dict) -> dict:
    df = pd.read_parquet(items)
    start, end = pd.Timestamp(p["since"]), pd.Timestamp(p["until"]) + pd.Timedelta(days=1)
    window = df[(df["captured_at"] >= start) & (df["captured_at"] < end)]
    page = window.sort_values(["captured_at", "item_id"], ascending=[False, True]).head(p["limit"])
    return {"total_n": len(window), "first": page["item_id"].iloc[0] if len(page) else None}


PANELS = {f.__name__: f for f in (overview_kpis, verification_rate_by_unit, active_disputes_by_place,
                                  disputes_by_industry_period, disputes_breakdown, ledger_slice)}
