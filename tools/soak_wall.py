"""Soak test of the wall screen (`make soak`, not part of `make test`): keep the wall open in
headless Chromium for N minutes of rotations while a new snapshot is built every M seconds, and
report the server's memory at the start and the end, and whether the page ever failed.

    .venv/bin/python tools/soak_wall.py [--minutes 30] [--swaps 30] [--items N | --data DIR] [--out bench/soak.json]

Runs on a new demo ledger of N items (`make soak`: a million), or on a copy of the ledger in DIR,
else of the current ledger, else of a 9,000-item demo: never on the real one.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from ledger.config import REPO_ROOT, load_settings  # noqa: E402
from ledger.store import current_snapshot, prune_snapshots  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402
from tests.helpers import add_dispute, build_demo  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--swaps", type=int, default=30)
    parser.add_argument("--items", type=int, help="build a demo ledger of this many items to soak")
    parser.add_argument("--data", type=Path, help="the data folder whose ledger is copied (default: the current one)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "soak.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sentinel-soak-"))
    source = load_settings(args.data)
    if args.items:
        settings = build_demo(work / "data", n_items=args.items, seed=42)
    elif current_snapshot(source) is not None:
        shutil.copytree(source.data_dir / "journal", work / "data" / "journal")
        shutil.copytree(source.data_dir / "snapshots", work / "data" / "snapshots")
        settings = load_settings(work / "data")
    else:
        settings = build_demo(work / "data", n_items=9000, seed=42)
    process, url = start_server(settings.data_dir, work / "streamlit.log")
    samples, failures, seen = [], 0, set()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            page.goto(f"{url}/?mode=wall&refresh=10&rotate=20")
            page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=120_000)
            start = time.monotonic()
            samples.append((0.0, rss_mb(process.pid)))
            interval = args.minutes * 60 / max(1, args.swaps)
            for swap in range(args.swaps):
                while time.monotonic() - start < (swap + 1) * interval:
                    time.sleep(5)
                    text = page.locator('[data-testid="stMain"]').inner_text()
                    failures += page.locator('[data-testid="stException"]').count() + ("Traceback" in text)
                    seen.update(p for p in ("今日新增", "最严重的在办纠纷", "本周隐患预警", "各地市逾期未核实") if p in text)
                add_dispute(settings, title=f"浸泡测试第 {swap + 1} 起", grade="II" if swap % 3 else "I")
                prune_snapshots(settings)
                samples.append((round((time.monotonic() - start) / 60, 1), rss_mb(process.pid)))
                print(f"swap {swap + 1}/{args.swaps}: server RSS {samples[-1][1]:.0f} MB", flush=True)
            page.wait_for_function("() => document.body.innerText.includes('浸泡测试第')", timeout=60_000)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    warm = samples[min(1, len(samples) - 1)]  # with --swaps 0 there is only the start
    result = {"minutes": args.minutes, "swaps": args.swaps, "items": current_snapshot(settings).manifest["counts"]["items"],
              "rss_start_mb": round(samples[0][1]),
              "rss_end_mb": round(samples[-1][1]), "rss_max_mb": round(max(s[1] for s in samples)),
              # after the first swap the caches hold their working set (two snapshots' results and
              # connections, the pages' figures): growth from there on is what a leak would show
              "rss_after_first_swap_mb": round(warm[1]),
              "growth_from_start_pct": round(100 * (samples[-1][1] / samples[0][1] - 1), 1),
              "growth_after_first_swap_pct": round(100 * (samples[-1][1] / warm[1] - 1), 1),
              "page_failures": failures, "rotating_panels_seen": sorted(seen), "samples": samples}
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, ensure_ascii=False))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
