"""The Overview page in a real browser: KPIs drawn with Chinese labels, no error box, nothing
fetched from outside this machine, and a screenshot for people to look at."""
from __future__ import annotations

from ledger.i18n import t
from tests.browser.conftest import ARTIFACTS, wait_until_drawn


def test_overview_in_chromium(server, page):
    page.goto(server + "/")
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_timeout(1500)
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() == 4
    text = page.locator('[data-testid="stMain"]').inner_text()
    for key in ("overview.active", "overview.new_7d", "overview.on_time", "overview.overdue", "overview.serious"):
        assert t(key) in text
    assert "%" in metrics.nth(2).inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert "数据截至" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests


def wait_for_overview(page):
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_timeout(1000)


def test_a_link_reproduces_the_view(server, page):
    page.goto(server + "/?lang=en&unit=440400")
    wait_for_overview(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert t("overview.active", "en") in main
    assert "Zhuhai" in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    assert "unit=440400" in page.url and "lang=en" in page.url
    page.screenshot(path=str(ARTIFACTS / "overview-en-zhuhai.png"), full_page=True)


def test_choices_made_on_the_page_go_into_the_url(server, page):
    page.goto(server + "/")
    wait_for_overview(page)
    page.get_by_role("radio", name="English").click()
    page.wait_for_function("() => location.search.includes('lang=en')", timeout=30_000)
    page.wait_for_selector(f'text={t("overview.active", "en")}', timeout=30_000)
    wait_until_drawn(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    # Typed and entered, as a user who knows the name: a click on the list's last visible option
    # could land while the list still scrolls into place, and choose nothing.
    page.keyboard.type("Dongguan")
    page.get_by_role("option", name="Dongguan").wait_for(timeout=30_000)
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('unit=441900')", timeout=30_000)
    # The link works for someone else, in the other language too.
    shared = page.url.replace("lang=en", "lang=zh")
    page.goto(shared)
    wait_for_overview(page)
    assert "东莞市" in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()


def test_todays_actions_fit_the_first_screen_and_lead_to_the_page_that_acts(server, browser):
    """今日要务 at 1440×900: in the first screen, every line a link; the unit with the most overdue
    items opens 核实督办 on that unit, with the count the line gave."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server + "/")
        block = page.locator(".st-key-todays_actions")
        block.wait_for(timeout=90_000)
        page.wait_for_timeout(2000)
        assert t("today.heading") in block.inner_text()
        box = block.bounding_box()
        assert box["y"] + box["height"] <= 900, box  # one screen, beside the headline figures
        links = block.locator('[data-testid="stPageLink"] a')
        assert links.count() >= 3
        unit_line = block.locator('[data-testid="stPageLink"] a', has_text="逾期未核实").first
        words = unit_line.inner_text().split("\n")[-1]  # after the icon's name
        city, count = words.split("：")[0].strip(), int(words.split("：")[1].split(" 条")[0])
        unit_line.click()
        page.wait_for_selector('.js-plotly-plot .indicatorlayer .trace', timeout=90_000)
        page.wait_for_timeout(2000)
        assert "unit=" in page.url
        heading = page.locator('[data-testid="stMain"]').inner_text()
        assert city in heading and f"超期{count}" in heading.replace(" ", "")
        page.screenshot(path=str(ARTIFACTS / "overview-1440.png"))
    finally:
        context.close()
