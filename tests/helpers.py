"""Small helpers the tests share."""
from __future__ import annotations

from ledger import demo
from ledger.config import Settings, load_settings
from ledger.store import Journal, build_snapshot

DEMO_ITEMS = 4000
DEMO_SEED = 7


def build_demo(data_dir, n_items: int = DEMO_ITEMS, seed: int = DEMO_SEED) -> Settings:
    """Append a demo batch to `data_dir`'s journal and build a snapshot, as `ledger demo` does."""
    settings = load_settings(data_dir)
    Journal(settings.journal_dir).append("items", demo.generate(n_items=n_items, seed=seed), source="demo")
    build_snapshot(settings)
    return settings


def add_dispute(settings: Settings, *, title: str, grade: str = "I", captured_at=None, unit_code: str = "441900",
                item_id: str | None = None, source: str = "test", blank: tuple[str, ...] = ()) -> str:
    """Journal one new, open collective dispute (a copy of an existing item with a new id, title,
    grade and time, and the columns in `blank` left empty) and build a snapshot, as an ingest
    would; return its item id. Journalled with source="demo", the ledger stays a demo (no sign-in
    needed)."""
    import polars as pl

    from ledger.store import current_snapshot, now_shanghai
    from ledger.schema import ITEMS_SCHEMA

    when = captured_at or now_shanghai()
    items = pl.read_parquet(current_snapshot(settings).table("items"))
    template = items.filter(pl.col("is_collective") & (pl.col("unit_code") == unit_code)).head(1)
    item_id = item_id or f"T{when:%Y%m%d%H%M%S%f}"
    row = template.with_columns(
        item_id=pl.lit(item_id), title=pl.lit(title), grade=pl.lit(grade), captured_at=pl.lit(when),
        occurred_on=pl.lit(when.date()), status=pl.lit("pending"), closed_at=pl.lit(None, pl.Datetime("us")),
        verified_at=pl.lit(None, pl.Datetime("us")), verification_result=pl.lit(None, pl.String),
        assigned_at=pl.lit(when), verify_due_at=pl.lit(when), updated_at=pl.lit(when),
        participants_low=pl.lit(1200, pl.Int32), participants_high=pl.lit(1500, pl.Int32))
    row = row.with_columns(pl.lit(None, row.schema[column]).alias(column) for column in blank)
    Journal(settings.journal_dir).append("items", [row.to_arrow().cast(ITEMS_SCHEMA)], source=source)
    build_snapshot(settings)
    return item_id
