"""The command room's wall screen (?mode=wall) in Chromium: readable at 1920×1080 and 3840×2160
with no Streamlit chrome, current without a manual reload when a new snapshot is built, calm and
self-healing when the snapshot disappears; and the normal pages on a 390×844 phone."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from ledger.config import load_settings
from ledger.i18n import t
from tests.browser.conftest import ARTIFACTS, start_server
from tests.helpers import add_dispute

WALL_READY = '[data-testid="stDeckGlJsonChart"] canvas'


def open_wall(browser, url: str, width: int, height: int, query: str = ""):
    """A 3840×2160 screen runs as `make wall` runs it: 1920×1080 CSS pixels at a scale factor of 2."""
    scale = 2 if width >= 3840 else 1
    context = browser.new_context(viewport={"width": width // scale, "height": height // scale},
                                  device_scale_factor=scale, locale="zh-CN")
    page = context.new_page()
    page.outside_requests = []
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1"))
            else page.outside_requests.append(r.url))
    page.goto(f"{url}/?mode=wall{query}")
    page.wait_for_selector(WALL_READY, timeout=90_000)
    page.wait_for_selector(".js-plotly-plot .indicatorlayer", timeout=60_000)
    page.wait_for_timeout(3000)
    return context, page


def metric_value(page, label: str):
    return page.locator('[data-testid="stMetric"]', has_text=label).locator('[data-testid="stMetricValue"]')


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_wall_fills_the_screen_without_chrome(server, browser, width, height):
    context, page = open_wall(browser, server, width, height)
    try:
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert t("wall.heading") in main and "数据截至" in main
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('header[data-testid="stHeader"]').is_hidden()
        assert page.locator('[data-testid="stMetric"]').count() == 4
        assert page.locator(".js-plotly-plot .indicatorlayer .trace").count() == 10
        # the whole wall is on one screen: nothing to scroll, nothing cut off sideways
        css_width, css_height = page.viewport_size["width"], page.viewport_size["height"]
        assert page.evaluate("document.documentElement.scrollHeight") <= css_height + 2
        assert page.evaluate("document.documentElement.scrollWidth") <= css_width
        # readable from five metres: key figures at least 40 px tall on a 1080p screen (80 on 4K)
        size = page.locator('[data-testid="stMetricValue"]').first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size * page.evaluate("window.devicePixelRatio") >= 40 * width / 1920
        assert page.evaluate("window.devicePixelRatio") * css_width == width
        page.screenshot(path=str(ARTIFACTS / f"wall-{width}x{height}.png"))
        assert page.outside_requests == [], page.outside_requests
    finally:
        context.close()


@pytest.fixture
def private_server(demo_settings, tmp_path):
    """A server on a copy of the demo ledger that a test may change."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo_settings.data_dir, data_dir)
    process, url = start_server(data_dir, tmp_path / "streamlit.log")
    yield url, load_settings(data_dir)
    process.terminate()
    process.wait(timeout=30)


def test_wall_shows_a_new_snapshot_and_flags_a_serious_dispute_without_reload(private_server, browser):
    url, settings = private_server
    context, page = open_wall(browser, url, 1920, 1080, "&refresh=5")
    try:
        before = int(metric_value(page, t("wall.new_today")).inner_text())
        page.evaluate("window.__no_reload = true")
        add_dispute(settings, title="测试：某电子厂千名工人停工", grade="I")
        page.wait_for_function("() => document.body.innerText.includes('测试：某电子厂千名工人停工')", timeout=60_000)
        # The banner is drawn before the figures in the same run: wait for the figure to follow.
        expect(metric_value(page, t("wall.new_today"))).to_have_text(str(before + 1), timeout=30_000)
        assert t("wall.banner") in page.locator('[data-testid="stAlertContainer"]').first.inner_text()
        assert page.evaluate("window.__no_reload") is True  # the same page, not a reload
        page.wait_for_timeout(3000)
        page.screenshot(path=str(ARTIFACTS / "wall-serious-banner.png"))
    finally:
        context.close()


def test_wall_is_calm_without_a_snapshot_and_recovers(private_server, browser):
    url, settings = private_server
    context, page = open_wall(browser, url, 1920, 1080, "&refresh=5")
    pointer = settings.snapshots_dir / "CURRENT"
    saved = pointer.read_text()
    try:
        pointer.unlink()
        page.wait_for_selector(f"text={t('wall.no_data')}", timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
        page.screenshot(path=str(ARTIFACTS / "wall-no-data.png"))
        pointer.write_text(saved)
        page.wait_for_selector(WALL_READY, timeout=60_000)
        page.wait_for_selector(f"text={t('wall.new_today')}", timeout=60_000)
        assert page.locator(f"text={t('wall.no_data')}").count() == 0
    finally:
        if not pointer.exists():
            pointer.write_text(saved)
        context.close()


@pytest.mark.parametrize("path", ["/", "/verification", "/map"])
def test_pages_fit_a_phone(server, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(server + path)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
        page.wait_for_timeout(4000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator('[data-testid="stException"]').count() == 0
        name = path.strip("/") or "overview"
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"))
    finally:
        context.close()
