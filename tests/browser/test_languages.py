"""No English in the Chinese interface and no Chinese in the English one (issue 21 point 6).

Every page an administrator may open, and the wall screen, in headless Chromium in both
languages: the words a user reads in the interface's chrome (headings, labels, buttons,
captions, alerts, tooltips, drop-downs, what our stylesheet draws in ::after, and the title,
placeholder and aria-label attributes of visible controls), after opening the widgets that show
more of Streamlit's own words where that is cheap (a dataframe toolbar's tooltip, a drop-down,
the calendar, the column menu, the hazard page's method notes).

Left out, because they are data or not words: dataframe cells (drawn on a canvas), maps and
charts, ledger text shown with st.text, commands and file names shown as code on the
administration page, and Material icons (their ligature names are not read as words). In the
English interface, Chinese is allowed only where it is ledger data (titles, enterprises,
summaries, sources: any text the snapshot holds) or in ALLOWED_CJK.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ledger.access import ROLES
from ledger.store import current_snapshot
from tests.browser.conftest import open_drawn

APP_PAGES = Path(__file__).parents[2] / "app.py"

# Latin words a Chinese user reads as they are: grades, file formats and products, the method
# names the hazard page keeps (EARS, Gi*), units, the product's own name, and the language
# switch, which names the other language in that language.
ALLOWED_LATIN = {"I", "II", "III", "IV", "CSV", "Excel", "Word", "HTML", "PDF", "URL", "Parquet", "JSON", "EARS",
                 "Gi*", "CUSUM", "km", "MB", "Sentinel", "English", "Language"}
# Chinese in the English interface: the product's name and the language switch.
ALLOWED_CJK = {"哨岗", "语言", "中文"}
# Screen-reader labels Streamlit 1.67 hard-codes on its own controls; CSS cannot change an
# attribute and Streamlit offers no setting, so in the Chinese interface these English phrases
# are taken out of aria-labels before the check (whatever else a label holds is still checked).
STREAMLIT_ARIA = re.compile(r"^(Help for |Remove |year, |month, |day, )|( start date| end date)$|^(Open|Close|Clear all|"
                            r"Sidebar|App pages|Collapse sidebar|Expand sidebar|Increment|Decrement|Choose date|"
                            r"Choose date range|Previous month|Next month|Show/hide columns|Download as CSV|Search|"
                            r"Fullscreen|Close fullscreen|Close Search|Previous result|Next result|Select all|"
                            r"Quick select a date range|file upload|Add files)(, .*)?$")
LATIN_WORD = re.compile(r"[A-Za-z0-9*_.\-/']+")
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")

COLLECT = r"""() => {
  const ROOTS = '[data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stTooltipContent"], '
    + '[data-testid="portal"], [role="dialog"], [role="listbox"]';
  const SKIP = '[data-testid="stIconMaterial"], [data-testid*="Icon"], [translate="no"], [data-testid="stText"], '
    + '[data-testid="stDataFrameResizable"], [data-testid="stDeckGlJsonChart"], .js-plotly-plot, code, '
    + 'script, style';
  const hidden = e => {
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.clipPath === 'inset(50%)' || s.clip.startsWith('rect(0px')) return true;  // for screen readers only
    }
    return !e.checkVisibility({opacityProperty: true, visibilityProperty: true}) || !e.getClientRects().length;
  };
  const where = e => { const t = e.closest('[data-testid]'); return t ? t.dataset.testid : e.tagName.toLowerCase(); };
  const out = [], seen = new Set();
  for (const root of document.querySelectorAll(ROOTS)) {
    if ([...seen].some(r => r.contains(root))) continue;
    seen.add(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement, text = n.nodeValue.trim();
      if (!text || p.closest(SKIP)) continue;
      if (getComputedStyle(p).fontSize === '0px') {  // hidden by our stylesheet, which draws its words in ::after
        const after = getComputedStyle(p, '::after').content;
        if (after.startsWith('"') && !hidden(p)) out.push(['::after', where(p), JSON.parse(after)]);
      } else if (!hidden(p)) {
        out.push(['text', where(p), text]);
      }
    }
    for (const e of [root, ...root.querySelectorAll('[title], [aria-label], [placeholder]')]) {
      if (e.closest(SKIP) || hidden(e)) continue;
      for (const name of ['title', 'aria-label', 'placeholder']) {
        const value = (e.getAttribute(name) || '').trim();
        if (!value || (name === 'placeholder' && e.value)) continue;  // a filled field shows no placeholder
        out.push([name, where(e), value]);
      }
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def ledger_text(demo_settings) -> str:
    """Every text the snapshot holds (titles, enterprises, summaries, sources, notes), one blob:
    Chinese found in it is data, not an untranslated label."""
    snapshot = current_snapshot(demo_settings)
    values = set()
    for name in ("items", "event_reports", "verifications", "item_origins", "grades"):
        if name not in snapshot.manifest["tables"]:
            continue
        table = pq.read_table(snapshot.table(name))
        for column in table.column_names:
            if str(table.schema.field(column).type) in ("string", "large_string"):
                values.update(v for v in table.column(column).to_pylist() if v)
    return "\n".join(values)


def pages() -> list[str]:
    """The administrator's pages in the menu's order (app.py's PAGES), then the wall screen."""
    in_menu = re.findall(r'\("app_pages/\w+\.py", "page\.\w+", "[^"]+", "(\w+)"\)', APP_PAGES.read_text(encoding="utf-8"))
    assert set(in_menu) == ROLES["admin"].pages
    return [f"/{key}" for key in in_menu] + ["/?mode=wall"]


def reveal(page, path: str):
    """Open what shows more of Streamlit's own words, where it costs little; yield after each so
    that its words are collected while they are on screen. The explorer, the table page, shows
    each of the dataframe toolbar's tooltips (they take a second to appear)."""
    main = page.locator('[data-testid="stMain"]')
    frames = main.locator('[data-testid="stDataFrame"]:visible')
    if path == "/explorer":
        buttons = frames.first.locator('[data-testid="stElementToolbarButton"] button')
        for i in range(buttons.count()):
            frames.first.hover()
            buttons.nth(i).hover()
            page.wait_for_selector('[data-testid="stTooltipContent"]', timeout=5_000)
            yield "toolbar tooltip"
            page.mouse.move(0, 0)
            page.wait_for_selector('[data-testid="stTooltipContent"]', state="detached", timeout=5_000)
    if path == "/?mode=wall":
        return
    multiselects = main.locator('[data-testid="stMultiSelect"] input:visible')
    in_sidebar = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] input')
    if not multiselects.count() and not in_sidebar.count():  # a page without filters (考核排名, 导入 …)
        return
    chosen = multiselects.first if multiselects.count() else in_sidebar.first
    chosen.click()
    page.wait_for_selector('[role="listbox"]', timeout=5_000)
    yield "multiselect"
    if path == "/explorer":
        chosen.fill("zzzz")
        page.wait_for_selector('[role="listbox"][data-empty="true"]', timeout=5_000)
        yield "multiselect without results"
    page.keyboard.press("Escape")
    if path == "/explorer":
        frames.first.hover()
        frames.first.locator('button[aria-label="Show/hide columns"]').click()
        page.wait_for_selector('[data-testid="stDataFrameColumnVisibilityMenu"]', timeout=5_000)
        yield "column menu"
        page.keyboard.press("Escape")
        frames.first.hover()
        frames.first.locator('button[aria-label="Search"]').click()
        page.wait_for_selector(".gdg-search-status", timeout=5_000)
        yield "table search"
        page.keyboard.press("Escape")
    if path == "/overview":
        page.locator('[data-testid="stSidebar"] [data-testid="stDateInputCalendarButton"]').click()
        page.wait_for_selector('[data-testid="stDateInputCalendar"]', timeout=5_000)
        yield "calendar"
        page.keyboard.press("Escape")
    if path == "/hazards":
        main.locator('[data-testid="stPopover"] button').first.click()
        page.wait_for_selector('[data-testid="stPopoverBody"]', timeout=5_000)
        yield "method notes"
        page.keyboard.press("Escape")


def offending(records, lang: str, ledger_text: str) -> set[str]:
    words = set()
    for kind, where, value in records:
        if lang == "zh":
            if kind == "aria-label":
                value = STREAMLIT_ARIA.sub("", value)
            for token in LATIN_WORD.findall(value):
                token = token.strip("./-'_")
                if re.search(r"[A-Za-z]", token) and not re.search(r"\d", token) and token not in ALLOWED_LATIN:
                    words.add(f"{token!r} ({kind} in {where}: {value[:60]!r})")
        else:
            for run in CJK_RUN.findall(value):
                if run not in ALLOWED_CJK and run not in ledger_text:
                    words.add(f"{run!r} ({kind} in {where}: {value[:60]!r})")
    return words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(server, browser, ledger_text, lang):
    # The calendar's month and weekday names follow the browser's language, as a user's would.
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    problems = {}
    try:
        for path in pages():
            url = server + path + ("" if lang == "zh" else ("&" if "?" in path else "?") + "lang=en")
            open_drawn(page, url)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            records = page.evaluate(COLLECT)
            for _ in reveal(page, path):
                records += page.evaluate(COLLECT)
            if words := offending(records, lang, ledger_text):
                problems[path] = sorted(words)
    finally:
        context.close()
    assert not problems, f"{'English' if lang == 'zh' else 'Chinese'} in the {lang} interface:\n" + "\n".join(
        f"{path}:\n  " + "\n  ".join(words) for path, words in problems.items())


def test_a_chosen_file_keeps_its_name_in_the_chinese_uploader(server, page):
    """The Chinese words drawn over Streamlit's uploader must not cover what it shows once a file
    is chosen: the chip's name stays readable and the drag-over words stay away."""
    open_drawn(page, server + "/import")
    fixture = Path(__file__).parents[1] / "fixtures" / "ingest" / "platform_gbk.csv"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(fixture))
    chip = page.locator('[data-testid="stFileChipName"]').first
    chip.wait_for(timeout=30_000)
    assert chip.inner_text() == "platform_gbk.csv"
    assert chip.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12
    drawn = page.locator('[data-testid="stFileUploader"] *').evaluate_all(
        "all => all.map(e => getComputedStyle(e, '::after').content).filter(c => c && c !== 'none')")
    assert not any("松开鼠标" in c for c in drawn), drawn
