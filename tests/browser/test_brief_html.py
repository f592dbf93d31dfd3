"""Briefs in a real browser: the HTML brief opens from a file with its six sections and its charts
drawn, asks nothing of any network, and is screenshotted (test-artifacts/brief_weekly.png; the
README's copy is docs/screenshots/brief_weekly.png, so that a test run never changes the work
tree); the overview's "生成简报" button downloads a Word brief that opens and is audited."""
from __future__ import annotations

import io

from docx import Document

from ledger.access import audit
from ledger.documents import briefs
from ledger.i18n import t
from tests.browser.conftest import ARTIFACTS

HEADINGS = ["一、总体情况", "二、新发重大纠纷", "三、各地核实情况", "四、行业与地区趋势", "五、隐患预警", "六、重大事件跟踪"]


def test_weekly_html_brief_in_chromium(demo_settings, page, tmp_path):
    brief = briefs.compose(demo_settings, "weekly")
    path = tmp_path / briefs.file_name("weekly", brief.day, "html")
    path.write_bytes(briefs.render(brief, "html"))
    page.set_viewport_size({"width": 1000, "height": 1400})
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    headings = page.locator("h2")
    assert headings.all_inner_texts() == HEADINGS
    for i in range(headings.count()):
        assert headings.nth(i).is_visible()
    assert page.locator("h1").inner_text() == "劳资纠纷舆情监测周报"
    widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
    assert len(widths) == 3 and all(w > 0 for w in widths), widths
    assert brief.snapshot_id in page.locator("footer").inner_text()
    assert [url for url in page.outside_requests if url != path.as_uri()] == []
    page.screenshot(path=str(ARTIFACTS / "brief_weekly.png"), full_page=True)


def test_overview_button_downloads_a_word_brief(server, page, demo_settings):
    page.goto(server + "/")
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.get_by_role("button", name=t("brief.button")).click()
    page.get_by_text(t("brief.monthly"), exact=True).click()
    page.wait_for_timeout(1000)  # the rerun that records the choice
    button = page.get_by_role("button", name=t("brief.download"))
    with page.expect_download(timeout=60_000) as download:
        button.click()
    assert download.value.suggested_filename.startswith("哨岗月报_") and download.value.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    assert len(document.inline_shapes) >= 2
    entries = audit.read(demo_settings, event="download")
    assert any(e.get("brief") == "monthly" and e.get("format") == "docx" for e in entries)
    assert page.outside_requests == [], page.outside_requests
