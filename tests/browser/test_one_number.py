"""One number, one definition (issue 21 point 4), read as people read it: the open collective
disputes on 总览, on 态势地图 for the whole province, on the wall, and in the week's brief downloaded
from 总览 are one number at the same snapshot and moment (the queries' own test is
tests/test_queries.py; this one catches a page that labels, filters or sums it differently)."""
from __future__ import annotations

import io
import re

from docx import Document

from ledger.i18n import t
from tests.browser.conftest import open_drawn, wait_until_drawn
from tests.browser.test_monitoring_pages import listed_disputes


def metric(page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    box.wait_for(timeout=90_000)
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().strip())


def test_open_disputes_are_one_number_on_every_screen_and_in_the_brief(server, page):
    open_drawn(page, server + "/overview")
    overview = metric(page, t("overview.active"))

    page.get_by_role("button", name=t("brief.button")).click()
    page.get_by_text(t("brief.weekly"), exact=True).click()
    wait_until_drawn(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=t("brief.download")).click()
    text = "\n".join(p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    brief = int(re.search(r"截至期末在办群体性纠纷 (\d+) 起", text).group(1))

    open_drawn(page, server + "/map?area=province")
    on_map = listed_disputes(page, "全省")

    page.goto(server + "/?mode=wall")
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=90_000)
    wall = metric(page, t("wall.active"))

    assert overview == brief == on_map == wall > 0, (overview, brief, on_map, wall)
    assert page.outside_requests == [], page.outside_requests
