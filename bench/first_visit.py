"""Each page's first visit in a real browser (headless Chromium, 1920×1080), in a new Streamlit
session (a new tab: nothing of the page cached in the session), on a server that has started and
drawn one other page (its imports done, as on a server in use). Two moments, in ms from the
tab's navigation start (the page's own clock, so the driver's overhead is not counted):

- finished: the script run has finished and the page's heading is drawn;
- drawn: every chart, map and table shown on the first screen has drawn itself too, the last
  element having appeared 2.5 s before the measurement ends (a table in a closed expander, as a
  flag's items on the hazard page, draws only when opened, so it is not waited for; nor is one
  below the fold, which a first look does not see). Streamlit loads each kind of element's code when the first one
  arrives, and a chart's library (Plotly.js, deck.gl) is evaluated in every new tab, so this can
  come well after the run has finished.

Two kinds of browser:
- returning: one that has opened Sentinel before, so its cache holds the frontend's scripts
  (Streamlit serves them under hashed names, cached for good): the visit of a member of staff
  who uses the dashboard every day;
- fresh: a new browser profile, nothing cached: the very first visit, which also fetches and
  parses the frontend's scripts (4–8 MB of JavaScript a page).

    python -m bench.first_visit FOLDER    # print the figures as JSON (run by bench/run.py)
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

PAGES = ["overview", "map", "verification", "trends", "explorer", "hazards", "events"]
WARM_UP_PAGE = "admin"
VIEWPORT = {"width": 1920, "height": 1080}
QUIET_MS = 2500
_HEAVY = '[data-testid="stPlotlyChart"],[data-testid="stDeckGlJsonChart"],[data-testid="stDataFrame"]'
# Installed in every tab before Sentinel's scripts run. "Drawn" moves on when an element is added
# to the page (not when a chart redraws its own insides) and when a chart, map or table first
# holds its drawing (an SVG or a canvas).
_WATCH = """
window.__visit = {finished: 0, last: 0};
new MutationObserver((records) => {
  const now = performance.now(), visit = window.__visit;
  for (const record of records) {
    const element = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    if (record.type === 'childList' && element && !element.closest(HEAVY)
        && element.closest('[data-testid="stMain"], [data-testid="stSidebar"]')) visit.last = now;
  }
  for (const chart of document.querySelectorAll(HEAVY)) {
    if (!chart.__drawn && chart.querySelector('.main-svg, canvas')) { chart.__drawn = true; visit.last = now; }
  }
  const app = document.querySelector('[data-test-script-state]');
  if (!visit.finished && app && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] h2')) visit.finished = now;
}).observe(document, {subtree: true, childList: true, attributes: true});
""".replace("HEAVY", repr(_HEAVY))
_SETTLED = f"""() => window.__visit && window.__visit.finished
    && performance.now() - Math.max(window.__visit.finished, window.__visit.last) > {QUIET_MS}
    && [...document.querySelectorAll({_HEAVY!r})]
        .filter(chart => chart.checkVisibility() && chart.getBoundingClientRect().top < window.innerHeight)
        .every(chart => chart.__drawn)"""


def first_visits(data_dir: Path) -> dict:
    """{"server_first_page_ms", "returning"/"fresh": page → {"finished", "drawn"}}; {} without Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server

    if not Path(CHROMIUM).exists():
        return {}
    process, url = start_server(data_dir, Path(tempfile.mkdtemp()) / "streamlit.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            returning = _context(browser)
            results = {"server_first_page_ms": _visit(returning, f"{url}/{WARM_UP_PAGE}")["drawn"]}
            for page in PAGES:  # the browser's cache fills with every page's scripts, untimed
                _visit(returning, f"{url}/{page}")
            results["returning"] = {page: _visit(returning, f"{url}/{page}") for page in PAGES}
            results["fresh"] = {}
            for page in PAGES:
                fresh = _context(browser)
                results["fresh"][page] = _visit(fresh, f"{url}/{page}")
                fresh.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def _context(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_init_script(_WATCH)
    return context


def _visit(context, address: str) -> dict[str, float]:
    """The two moments of opening `address` in a new tab (see the module docstring)."""
    page = context.new_page()
    page.goto(address)
    page.wait_for_function(_SETTLED, timeout=60_000)
    finished, last = page.evaluate("[window.__visit.finished, window.__visit.last]")
    page.close()
    return {"finished": round(finished), "drawn": round(max(finished, last))}


if __name__ == "__main__":
    print(json.dumps(first_visits(Path(sys.argv[1]))))
