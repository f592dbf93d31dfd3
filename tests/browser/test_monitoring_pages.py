"""The map, verification, trends and explorer pages in headless Chromium at 1920×1080: the map
canvas, gauges and charts are really drawn with Chinese labels, nothing is fetched from outside,
downloads hold exactly the filtered slice, and a screenshot of each is saved for people to see."""
from __future__ import annotations

import csv
import io
import re

import openpyxl

from ledger.i18n import t
from tests.browser.conftest import ARTIFACTS


def open_page(page, url: str, ready: str) -> str:
    page.goto(url)
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=60_000)
    page.wait_for_selector(ready, timeout=90_000)
    page.wait_for_timeout(3000)  # deck.gl and Plotly finish drawing after they appear
    assert page.locator('[data-testid="stException"]').count() == 0
    return page.locator('[data-testid="stMain"]').inner_text()


def canvas_is_drawn(page, selector: str) -> bool:
    """True when the canvas holds more than one colour (an empty WebGL canvas is uniform)."""
    return page.evaluate("""(selector) => {
        const source = document.querySelector(selector);
        const copy = document.createElement('canvas');
        copy.width = 200; copy.height = 200;
        const ctx = copy.getContext('2d');
        ctx.drawImage(source, 0, 0, 200, 200);
        const data = ctx.getImageData(0, 0, 200, 200).data;
        const colours = new Set();
        for (let i = 0; i < data.length; i += 4 * 97) colours.add(data[i] + ',' + data[i+1] + ',' + data[i+2]);
        return colours.size > 5;
    }""", selector)


def listed_disputes(page, place: str) -> int:
    """The count in the map's list heading, "{place}在办纠纷 N 起"."""
    heading = page.locator('[data-testid="stMain"] h3', has_text=f"{place}在办纠纷").first
    heading.wait_for(timeout=60_000)
    return int(re.search(r"在办纠纷 (\d+) 起", heading.inner_text()).group(1))


def test_map_page_draws_an_offline_map_and_widens_to_the_whole_province(server, page):
    text = open_page(page, server + "/map", '[data-testid="stDeckGlJsonChart"] canvas')
    assert t("mappage.heading") in text and "在办纠纷" in text
    assert canvas_is_drawn(page, '[data-testid="stDeckGlJsonChart"] canvas')
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    delta = listed_disputes(page, "珠三角")
    # A click on 全省, as a user would: the whole province's disputes, the view kept in the link.
    page.get_by_role("radio", name="全省").click()
    province = listed_disputes(page, "全省")
    assert province > delta > 0 and "area=province" in page.url
    page.wait_for_timeout(3000)
    assert canvas_is_drawn(page, '[data-testid="stDeckGlJsonChart"] canvas')
    page.screenshot(path=str(ARTIFACTS / "map-province.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests


def test_map_choropleth_focused_on_a_city(server, page):
    text = open_page(page, server + "/map?view=choropleth&focus=441900", '[data-testid="stDeckGlJsonChart"] canvas')
    assert "东莞市在办纠纷" in text
    assert canvas_is_drawn(page, '[data-testid="stDeckGlJsonChart"] canvas')
    page.screenshot(path=str(ARTIFACTS / "map-choropleth-dongguan.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests


def test_verification_page_draws_the_delta_units_and_the_other_regions(server, page):
    text = open_page(page, server + "/verification", ".js-plotly-plot .indicatorlayer")
    assert t("verify.units") in text
    page.wait_for_selector(".js-plotly-plot .indicatorlayer .trace", timeout=30_000)
    assert page.locator(".js-plotly-plot .indicatorlayer .trace").count() == 14  # the total, the delta's ten units, 粤东, 粤西 and 粤北
    assert "广州市" in page.locator(".js-plotly-plot").nth(1).inner_text()
    page.screenshot(path=str(ARTIFACTS / "verification.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests


def test_verification_page_for_a_city_outside_the_delta(server, page):
    open_page(page, server + "/verification?unit=440500", ".js-plotly-plot .indicatorlayer")  # 汕头市, 粤东
    page.wait_for_selector(".js-plotly-plot .indicatorlayer .trace", timeout=30_000)
    gauges = page.locator(".js-plotly-plot").first.inner_text()
    assert page.locator(".js-plotly-plot .indicatorlayer .trace").count() == 1 and "汕头市" in gauges  # no grid of one
    assert "合计" not in gauges and "广州市" not in page.locator('[data-testid="stMain"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / "verification-shantou.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests


def test_trends_page_draws_its_charts(server, page):
    text = open_page(page, server + "/trends", ".js-plotly-plot .barlayer")
    assert t("trends.summary") in text and "近30天共发生群体性劳资纠纷" in text
    assert page.locator(".js-plotly-plot").count() == 4
    assert page.locator(".js-plotly-plot .barlayer .point").count() > 10
    assert "制造业" in page.locator(".js-plotly-plot").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "trends.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests


def test_explorer_downloads_exactly_the_filtered_slice(server, page):
    text = open_page(page, server + "/explorer?unit=440300&demand=wage_arrears", '[data-testid="stDataFrame"]')
    shown = int(text.split("共 ", 1)[1].split(" 条", 1)[0].replace(",", ""))
    assert shown > 0
    with page.expect_download() as xlsx_download:
        page.get_by_text(t("explorer.download.xlsx")).click()
    name = xlsx_download.value.suggested_filename  # every filter in force, then the window
    assert name.startswith("台账_深圳市_全部行业_欠薪_") and name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    items = book.worksheets[0]
    assert items.max_row - 1 == shown
    assert [c.value for c in items[1]][:4] == ["编号", "来源", "链接", "标题"]
    assert all(row[8] == "深圳市" for row in items.iter_rows(min_row=2, values_only=True))
    assert ("诉求", "欠薪") in list(book.worksheets[1].iter_rows(values_only=True))
    with page.expect_download() as csv_download:
        page.get_by_text(t("explorer.download.csv")).click()
    raw = open(csv_download.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    about, header, data = rows[0][0], rows[1], rows[2:]  # the first line says what the file holds
    assert "地市：深圳市" in about and "诉求：欠薪" in about and f"行数：{shown}" in about and "快照：" in about
    assert len(data) == shown and header[3] == "标题"
    assert csv_download.value.suggested_filename == name.removesuffix(".xlsx") + ".csv"
    page.screenshot(path=str(ARTIFACTS / "explorer.png"), full_page=True)
    assert page.outside_requests == [], page.outside_requests
