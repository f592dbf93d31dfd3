"""`make bench`: build demo ledgers of several sizes and measure, in one run on this machine:
snapshot build time and peak memory; every panel query cold and warm against the same panel
computed with pandas and against its bare scan; each page's render and reruns through AppTest;
a leader's first visit to each page in headless Chromium; a verification saved until the snapshot
shows it; ten concurrent sessions at the protocol level; a 200,000-row monitoring export ingested.
Writes bench/results.json and the table in README.md (between the bench markers).

    .venv/bin/python -m bench.run [--sizes 10000,1000000,10000000] [--reuse] [--sessions 10] [--ingest-rows 200000]

`--sizes "" --reuse` measures the ingest alone and keeps the sizes' figures of the last run.

Ratios, not absolute times, are what carry over between machines: read them side by side.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from ledger import geo
from ledger.config import REPO_ROOT, load_settings
from ledger.store import current_snapshot, now_shanghai
from queries import Door

from . import limits, pandas_panels, protocol_client
from .first_visit import first_visits
from .ingest_one import write_export
from .panels import panel_params

BENCH_DIR = REPO_ROOT / "bench"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
PAGES = ["overview", "map", "verification", "trends", "explorer"]
SERVER_START_PAGE = "events"  # opened first, untimed as a page: it pays the process's imports
FILTER_CHANGES = ["440300", "440100", "440606"]  # 深圳, 广州, 顺德: the cities a page rerun is timed on


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def build(folder: Path, items: int, reuse: bool, previous: dict) -> dict:
    """Build the ledger, or with `reuse` keep one already built at this size (and the build
    figures measured when it was built, from the previous results)."""
    settings = load_settings(folder)
    existing = current_snapshot(settings)
    if reuse and existing is not None and existing.manifest["counts"]["items"] == items:
        earlier = previous.get("sizes", {}).get(str(items), {}).get("build", {})
        if earlier.get("snapshot_id") == existing.snapshot_id:
            return earlier
        return {"seconds": None, "peak_rss_mb": None, "snapshot_id": existing.snapshot_id}
    out = subprocess.run([sys.executable, "-m", "bench.build_one", str(folder), str(items)], cwd=REPO_ROOT,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def hazard_screen(settings) -> float:
    """Seconds to screen the current week, then saved beside the snapshot, as a server's background
    screen leaves it for the pages (ledger.hazards.saved) before their first render is timed."""
    from ledger.hazards.saved import saved_path, week_flags

    snapshot, today = current_snapshot(settings), now_shanghai().date()
    saved_path(snapshot, today).unlink(missing_ok=True)
    start = time.perf_counter()
    week_flags(snapshot, today)
    return round(time.perf_counter() - start, 1)


def ingest(folder: Path, rows: int) -> dict:
    """A monitoring export of `rows` disputes, all with enterprise names, ingested in a fresh
    process (its time and peak memory its own; bench/ingest_one.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / f"platform-{rows}.csv"
    if not export.exists():
        write_export(export, rows)
    out = subprocess.run([sys.executable, "-m", "bench.ingest_one", str(export), str(folder / "data")], cwd=REPO_ROOT,
                         check=True, capture_output=True, text=True)
    return {**json.loads(out.stdout.strip().splitlines()[-1]),
            "measured_at": now_shanghai().isoformat(timespec="seconds")}


def verification_latency(folder: Path) -> dict:
    """From opening an item on the 核实办理 page to a snapshot that shows the saved verification."""
    out = subprocess.run([sys.executable, "-m", "bench.verify_one", str(folder)], cwd=REPO_ROOT,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_panels(settings, warm_runs: int) -> dict:
    """Per panel: cold (a new connection each time), warm (same connection, no result cache), and
    the pandas equivalent where there is one, whose answer must agree."""
    now = now_shanghai()
    params = panel_params(now)
    items_path = current_snapshot(settings).table("items")
    warm_door = Door(settings, cache_entries=0)
    results = {}
    for name, p in params.items():
        cold = []
        for _ in range(3):
            door = Door(settings, cache_entries=0)
            start = time.perf_counter()
            door.q(name, **p)
            cold.append(time.perf_counter() - start)
        warm_door.q(name, **p)
        warm = []
        for _ in range(warm_runs):
            start = time.perf_counter()
            answer = warm_door.q(name, **p)
            warm.append(time.perf_counter() - start)
        row = {"p50_warm_ms": _ms(statistics.median(warm)), "p95_warm_ms": _ms(_p95(warm)),
               "p95_cold_ms": _ms(max(cold))}
        row["limit_ms"] = _ms(bare_scan(warm_door, name, p, str(items_path), warm_runs))
        row["limit_ratio"] = round(row["p50_warm_ms"] / max(row["limit_ms"], 0.1), 1)
        if name in pandas_panels.PANELS:
            start = time.perf_counter()
            expected = pandas_panels.PANELS[name](items_path, p)
            row["pandas_ms"] = _ms(time.perf_counter() - start)
            row["pandas_ratio"] = round(row["pandas_ms"] / max(row["p50_warm_ms"], 0.1), 1)
            row["agrees_with_pandas"] = _agrees(name, answer, expected)
        results[name] = row
        print(f"  {name:32s} warm p50 {row['p50_warm_ms']:8.1f} ms  p95 {row['p95_warm_ms']:8.1f}  "
              f"cold {row['p95_cold_ms']:8.1f}  limit ×{row['limit_ratio']}" + (f"  pandas ×{row['pandas_ratio']}" if "pandas_ratio" in row else ""),
              flush=True)
    return results


def bare_scan(door: Door, name: str, params: dict, items_path: str, runs: int) -> float:
    """The median time of panel `name`'s bare scan (bench/limits.py) on a plain connection of
    its own, warmed once like the panel's."""
    columns = limits.columns_read(door.plan(name, **params), pq.read_schema(items_path).names)
    sql = limits.bare_scan_sql(name, columns)
    bound = {**limits.params_of(sql, params), "items_path": items_path}
    con = duckdb.connect()
    con.execute("set memory_limit = $limit", {"limit": door.settings.duckdb_memory_limit})
    con.sql(sql, params=bound).fetchall()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        con.sql(sql, params=bound).fetchall()
        times.append(time.perf_counter() - start)
    con.close()
    return statistics.median(times)


def _agrees(name: str, answer, expected: dict) -> bool:
    if name == "overview_kpis":
        row = answer.row(0, named=True)
        return all(row[key] == value for key, value in expected.items())
    if name == "verification_rate_by_unit":
        return {r["unit_code"]: r["due_n"] for r in answer.iter_rows(named=True)
                if r["unit_code"] and r["due_n"]} == expected
    if name == "active_disputes_by_place":
        return {r["place_code"]: r["active_n"] for r in answer.filter(level="unit").iter_rows(named=True)
                if r["active_n"]} == expected
    if name == "disputes_by_industry_period":
        return answer["n"].sum() == expected["total"]
    if name == "disputes_breakdown":
        return dict(answer.select("key", "n").iter_rows()) == expected
    if name == "ledger_slice":
        return answer["total_n"][0] == expected["total_n"] and answer["item_id"][0] == expected["first"]
    return False


def time_pages(settings) -> dict:
    """Each page through AppTest: its first render in a new session (nothing of the page cached),
    then reruns of that session after the city filter is changed in the sidebar, as a user does
    it (each a new query, not a cache hit): the median and the slowest of three."""
    import logging

    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    os.environ["SENTINEL_DATA_DIR"] = str(settings.data_dir)
    # A new AppTest scans every installed package for components on its first run (0.24 s here),
    # which a server does once when it starts: one scan, shared, leaves the page's own time.
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    # The server's first run in this process (the app's imports, the snapshot's connection), which
    # a server pays once when it starts, on a page not timed below.
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    at._bidi_component_manager = components
    at.switch_page(f"app_pages/{SERVER_START_PAGE}.py")
    results = {SERVER_START_PAGE: {"server_first_run_ms": _ms(_timed_run(at, SERVER_START_PAGE))}}
    print(f"  the server's first run ({SERVER_START_PAGE}) {results[SERVER_START_PAGE]['server_first_run_ms']} ms",
          flush=True)
    for page in PAGES:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
        at._bidi_component_manager = components
        at.switch_page(f"app_pages/{page}.py")
        first = _timed_run(at, page)
        reruns = []
        for unit in FILTER_CHANGES:
            at.multiselect(key="unit").set_value([unit])
            reruns.append(_timed_run(at, page))
        results[page] = {"render_ms": _ms(first), "rerun_after_filter_ms": _ms(statistics.median(reruns)),
                         "slowest_rerun_after_filter_ms": _ms(max(reruns))}
        print(f"  page {page:14s} render {results[page]['render_ms']:8.1f} ms  "
              f"after a filter change {results[page]['rerun_after_filter_ms']:8.1f} ms "
              f"(slowest {results[page]['slowest_rerun_after_filter_ms']:.1f})", flush=True)
    return results


def _timed_run(at, page: str) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception}")
    return elapsed


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024)
    return float("nan")


# the Pearl River Delta's nine cities and Shunde, whose officers the sessions stand for
SESSION_UNITS = ["440100", "440300", "440400", "440600", "440606", "441300", "441900", "442000", "440700", "441200"]


async def _sessions(url: str, count: int, rounds: int) -> list[dict]:
    """`count` sessions at once, each opening the verification page `rounds` times with another
    city (and every other time one industry), as ten officers of ten cities would."""
    async def session(i: int) -> dict:
        timings, own, failed = [], True, 0
        for step in range(rounds):
            unit = SESSION_UNITS[(i + 3 * step) % len(SESSION_UNITS)]
            run = await protocol_client.run_page(url, "verification", f"unit={unit}" + ("&ind=C" if step % 2 else ""))
            if not run.finished:
                failed += 1
                continue
            timings.append(run.seconds)
            caption = next((text for text in run.texts if "核实期限在" in text), "")
            own = own and f"· {geo.unit_name(unit)} ·" in caption and \
                all(f"· {geo.unit_name(other)} ·" not in caption for other in SESSION_UNITS if other != unit)
        return {"timings": timings, "own_filters_only": own, "failed": failed}

    return await asyncio.gather(*(session(i) for i in range(count)))


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def concurrency(settings, count: int, rounds: int = 3) -> dict:
    """Ten sessions driven at the protocol level against a real server (bench/protocol_client.py):
    the time from asking for a page to its last element, the server's CPU time per run, its
    memory, and whether any session saw another's filters."""
    from tests.browser.conftest import start_server

    process, url = start_server(settings.data_dir, Path(tempfile.mkdtemp()) / "streamlit.log")
    try:
        asyncio.run(protocol_client.run_page(url, "verification", ""))  # the first run imports the pages
        rss_start, cpu_start = _rss_mb(process.pid), _cpu_seconds(process.pid)
        started = time.perf_counter()
        results = asyncio.run(_sessions(url, count, rounds))
        wall = time.perf_counter() - started
        rss_end, cpu = _rss_mb(process.pid), _cpu_seconds(process.pid) - cpu_start
    finally:
        process.terminate()
        process.wait(timeout=30)
    timings = [t for r in results for t in r["timings"]] or [float("nan")]
    return {"sessions": count, "runs": len(timings), "page": "verification", "p50_ms": _ms(statistics.median(timings)),
            "p95_ms": _ms(_p95(timings)), "server_cpu_ms_per_run": _ms(cpu / max(len(timings), 1)),
            "runs_per_second": round(len(timings) / wall, 2),
            "runs_not_finished_in_3_minutes": sum(r["failed"] for r in results),
            "server_rss_mb_start": rss_start, "server_rss_mb_end": rss_end,
            "every_session_saw_only_its_own_filters": all(r["own_filters_only"] for r in results)}


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def _listed(visits: dict) -> str:
    return ", ".join(f"{page} {ms['finished']} / {ms['drawn']}" for page, ms in visits.items())


def readme_table(results: dict) -> str:
    lines = [README_START, "", f"Measured on {results['machine']['cpus']} cores, "
             f"{results['machine']['memory_gb']} GB, Python {results['machine']['python']} "
             f"({results['measured_at']}). Times in ms; ×limit = warm median / the panel's bare scan (the columns "
             f"its plan reads, under the rows it must read, only counted and summed: bench/limits.py); "
             f"×pandas = pandas time / DuckDB warm median.", ""]
    for size, data in results["sizes"].items():
        b = data["build"]
        built = "reused" if b.get("seconds") is None else f"{b['seconds']} s, peak {b['peak_rss_mb']} MB" + (
            f" (the demo's generation before it: {b['generate_s']} s)" if "generate_s" in b else "")
        lines += [f"**{int(size):,} items** — snapshot build: {built}", "",
                  "| panel | warm p50 | warm p95 | cold p95 | limit | ×limit | pandas | ×pandas |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, p in data["panels"].items():
            lines.append(f"| {name} | {p['p50_warm_ms']} | {p['p95_warm_ms']} | {p['p95_cold_ms']} | "
                         f"{p.get('limit_ms', '')} | {p.get('limit_ratio', '')} | "
                         f"{p.get('pandas_ms', '')} | {p.get('pandas_ratio', '')} |")
        lines += ["", "| page (AppTest) | first render | rerun after a filter change (median of 3) | slowest rerun |",
                  "|---|---:|---:|---:|"]
        lines += [f"| {name} | {p['render_ms']} | {p['rerun_after_filter_ms']} | {p.get('slowest_rerun_after_filter_ms', '')} |"
                  for name, p in data["pages"].items() if "render_ms" in p]
        started = data["pages"].get(SERVER_START_PAGE, {}).get("server_first_run_ms")
        if started is not None:
            lines += ["", f"Before them, the server's first run in a new process ({SERVER_START_PAGE} page: the app's "
                      f"imports and the snapshot's connection, once per server start): {started} ms."]
        if data.get("hazard_screen_s") is not None:
            lines += ["", f"The week's hazard screen: {data['hazard_screen_s']} s, run once per snapshot and week in the "
                      "background and saved beside the snapshot; the overview reads it."]
        if data.get("first_visit"):
            visits = data["first_visit"]
            lines += ["", "A page's first visit in headless Chromium (1920×1080, a new tab and session each, on a server "
                      f"that has drawn one page: {visits['server_first_page_ms']} ms), ms from the tab's navigation to "
                      "its run finished with its heading drawn / to every chart, map and table drawn (bench/first_visit.py):"]
            lines += [f"- from a browser that has opened Sentinel before (scripts cached): {_listed(visits['returning'])}",
                      f"- from a new browser profile (4–8 MB of scripts fetched and parsed): {_listed(visits['fresh'])}"]
        if "verification_to_snapshot" in data:
            v = data["verification_to_snapshot"]
            lines += ["", f"A verification saved until the snapshot that shows it: {v['total_s']} s (load "
                      f"{v['load_s']} s, save {v['save_s']} s, rebuild {v['rebuild_s']} s, peak {v['peak_rss_mb']} MB)."]
        if "concurrency" in data:
            c = data["concurrency"]
            lines += ["", f"{c['sessions']} sessions at once, driven at the protocol level (no browser), each opening the "
                      f"{c['page']} page {c['runs'] // max(c['sessions'], 1)} times with other filters: p50 {c['p50_ms']} ms, "
                      f"p95 {c['p95_ms']} ms from the request to the page's last element; the server's CPU "
                      f"{c['server_cpu_ms_per_run']} ms per run, {c['runs_per_second']} runs a second "
                      f"({c['runs_not_finished_in_3_minutes']} not finished within 3 minutes); server memory "
                      f"{c['server_rss_mb_start']} → {c['server_rss_mb_end']} MB; each saw only its own filters: "
                      f"{c['every_session_saw_only_its_own_filters']}."]
        lines.append("")
    if "ingest" in results:
        i = results["ingest"]
        lines += [f"A monitoring export of {i['rows']:,} rows, every one with an enterprise name, ingested in "
                  f"{i['seconds']} s at a peak of {i['peak_rss_mb']} MB ({i['accepted']:,} new, {i['merged']:,} merged "
                  f"as the same dispute; target ≤ 60 s and ≤ 1 GB; {i['measured_at']}).", ""]
    lines.append(README_END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000,10000000")
    parser.add_argument("--data", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--reuse", action="store_true", help="keep a ledger already built at a size (no build timing)")
    parser.add_argument("--warm-runs", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--concurrency-size", type=int, default=1_000_000,
                        help="the ledger size the concurrent browser sessions use (default 1,000,000)")
    parser.add_argument("--ingest-rows", type=int, default=200_000,
                        help="rows of the monitoring export ingested in one process (0: skip)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results = {"machine": machine(), "sizes": previous.get("sizes", {}) if args.reuse else {},
               # the sizes' figures keep the time they were measured at when none is measured now
               "measured_at": now_shanghai().isoformat(timespec="seconds") if sizes or "measured_at" not in previous
               else previous["measured_at"]}
    for size in sizes:
        folder = args.data / str(size)
        print(f"{size:,} items: building", flush=True)
        data = {"build": build(folder, size, args.reuse, previous)}
        settings = load_settings(folder)
        data["hazard_screen_s"] = hazard_screen(settings)
        print(f"  hazard screen of the week {data['hazard_screen_s']} s (saved; the pages read it)", flush=True)
        data["panels"] = time_panels(settings, args.warm_runs)
        data["pages"] = time_pages(settings)
        if size == min(sizes):  # the province's size: a leader's first visit to each page
            data["first_visit"] = first_visits(folder)
            print(f"  first visits in a browser: {data['first_visit']}", flush=True)
        data["verification_to_snapshot"] = verification_latency(folder)
        print(f"  verification to snapshot: {data['verification_to_snapshot']}", flush=True)
        if size == args.concurrency_size and args.sessions:
            data["concurrency"] = concurrency(settings, args.sessions)
            print(f"  concurrency: {data['concurrency']}", flush=True)
        results["sizes"][str(size)] = data
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.ingest_rows:
        print(f"ingesting a {args.ingest_rows:,}-row export", flush=True)
        results["ingest"] = ingest(args.data / f"ingest-{args.ingest_rows}", args.ingest_rows)
        print(f"  {results['ingest']}", flush=True)
    elif "ingest" in previous:
        results["ingest"] = previous["ingest"]
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    readme = REPO_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START in text:
        before, rest = text.split(README_START, 1)
        text = before + readme_table(results) + rest.split(README_END, 1)[1]
        readme.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
