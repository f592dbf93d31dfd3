"""Take the README's screenshots: start the app on the current ledger, open each page in headless
Chromium and save PNGs under docs/screenshots/.

    .venv/bin/python tools/screenshots.py [--data-dir data] [--only map,trends] [--width 1920 --height 1080]

Uses the browser tests' server starter and Chromium settings, so what you see is what they test.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from ledger.config import REPO_ROOT, load_settings  # noqa: E402
from ledger.store import current_snapshot  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402

# name → (URL path with query, selector that shows the page is drawn)
SHOTS = {
    "overview": ("/", '[data-testid="stMetric"]'),
    "map": ("/map", '[data-testid="stDeckGlJsonChart"] canvas'),
    "map-choropleth": ("/map?view=choropleth", '[data-testid="stDeckGlJsonChart"] canvas'),
    "events": ("/events", '[data-testid="stDeckGlJsonChart"] canvas'),
    "verification": ("/verification", ".js-plotly-plot"),
    "trends": ("/trends", ".js-plotly-plot"),
    "explorer": ("/explorer", '[data-testid="stDataFrame"]'),
    "hazards": ("/hazards", '[data-testid="stDeckGlJsonChart"] canvas'),
    # Shenzhen's most overdue item, so that the form shows (which it is depends on the demo's day)
    "verify": ("/verify?item={overdue}", "text=保存核实结果"),
    "reconcile": ("/reconcile", '[data-testid="stDataFrame"]'),
    "scores": ("/scores?period=2026-Q3", '[data-testid="stDataFrame"]'),
}


def most_overdue(settings, unit: str = "440300") -> str:
    items = pl.read_parquet(current_snapshot(settings).table("items"),
                            columns=["item_id", "unit_code", "verified_at", "verify_due_at"])
    return items.filter((pl.col("unit_code") == unit) & pl.col("verified_at").is_null()
                        & pl.col("verify_due_at").is_not_null()).sort("verify_due_at")["item_id"][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--only", default="", help="comma-separated names among: " + ", ".join(SHOTS))
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SHOTS)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = load_settings(args.data_dir)
    process, url = start_server(settings.data_dir, Path(tempfile.mkdtemp()) / "streamlit.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="zh-CN")
            for name in names:
                path, ready = SHOTS[name]
                page.goto(url + path.format(overdue=most_overdue(settings) if "{overdue}" in path else ""))
                page.wait_for_selector(ready, timeout=90_000)
                page.wait_for_timeout(6000)  # deck.gl and Plotly finish drawing after they appear
                target = args.out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
