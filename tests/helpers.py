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
