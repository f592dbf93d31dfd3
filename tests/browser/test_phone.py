"""Phones are first-class (issue 21 point 2): at 390×844, as an iPhone's browser identifies itself,
总览, 核实督办, 态势地图 and 核实办理 draw with no overlapping text and no sideways scrolling, the
gauges become a list of bars, and an officer finds an item and saves its verification. The same
pages at a leader's 1440×900 laptop: no overlapping text, no sideways scrolling either."""
from __future__ import annotations


import pytest

from ledger.i18n import t
from ledger.store import current_snapshot
from ledger.workflow.verify import load_item
from queries import ALL
from tests.browser.conftest import ARTIFACTS
from tests.browser.measure import document_width, overlapping_text

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                               has_touch=True, device_scale_factor=2, user_agent=IPHONE)


def settle(page, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector(ready, timeout=90_000)
    page.wait_for_timeout(3000)
    assert page.locator('[data-testid="stException"]').count() == 0


def laptop(browser):
    return browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")


# What each page draws once it is ready: on a phone 核实督办 lists bars and 核实办理 a searchable
# list; on a laptop the gauges and a table of the queue.
READY = {"/": ('[data-testid="stMetric"]',) * 2,
         "/verification": ('[data-testid="stProgress"]', ".js-plotly-plot .indicatorlayer .trace"),
         "/map": ('[data-testid="stDeckGlJsonChart"] canvas',) * 2,
         "/verify": ('[data-testid="stSelectbox"]', '[data-testid="stDataFrame"]')}


@pytest.mark.parametrize("device,width", [(phone, 390), (laptop, 1440)], ids=["phone", "laptop"])
@pytest.mark.parametrize("path", READY)
def test_the_pages_an_officer_opens_in_the_field_fit_a_phone_and_a_laptop(server, browser, path, device, width):
    context = device(browser)
    page = context.new_page()
    try:
        settle(page, server + path, READY[path][device is laptop])
        assert document_width(page) == width
        assert overlapping_text(page) == []
        page.screenshot(path=str(ARTIFACTS / f"{device.__name__}-{path.strip('/') or 'overview'}.png"))
        if path == "/verification" and device is phone:  # every unit a readable bar, not five gauges a row
            assert page.locator('[data-testid="stProgress"]').count() >= 10
            assert page.locator(".js-plotly-plot .indicatorlayer .trace").count() == 1  # the province's own gauge only
    finally:
        context.close()


def test_an_officer_finds_an_item_and_saves_its_verification_on_a_phone(private_server, browser):
    url, settings = private_server
    context = phone(browser)
    page = context.new_page()
    try:
        settle(page, url + "/verify", '[data-testid="stSelectbox"]')
        page.locator('[data-testid="stSelectbox"]').click()
        options = page.get_by_role("option")
        options.first.wait_for(timeout=30_000)
        first = options.first.inner_text()
        title_words = first.split(" · ")[2][:6]
        page.keyboard.type(title_words)  # find it by a few words of its title
        page.get_by_role("option").first.click()
        page.locator('[data-testid="stForm"]').wait_for(timeout=60_000)
        item_id = page.url.split("item=")[1].split("&")[0]
        page.get_by_text("属实", exact=True).first.click()
        page.get_by_label(t("work.notes")).fill("手机上核实：现场已了解，属实。")
        page.get_by_role("button", name=t("work.save")).click()
        page.wait_for_selector('[data-testid="stToast"]', timeout=60_000)
        assert "已保存" in page.locator('[data-testid="stToast"]').inner_text()
        assert document_width(page) == 390
        page.screenshot(path=str(ARTIFACTS / "phone-verify-saved.png"))
    finally:
        context.close()
    saved = load_item(settings, item_id, ALL).item
    assert saved["verification_result"] == "true" and "手机上核实" in saved["verification_notes"]
    assert current_snapshot(settings) is not None
