"""Briefs (ledger.documents.briefs): the figures agree with an independent computation on the snapshot's
Parquet, the Word document has its sections, figures, unit table and footer, the same snapshot and
day give the same bytes, ledger text cannot become markup, and the CLI writes and refuses files."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from docx import Document

from ledger.documents import briefs
from ledger.documents.briefs import charts
from ledger.documents.briefs.content import Table, brief_period
from ledger.periods import Period
from ledger.workflow.events import Report, add_report, open_event
from ledger.store import SHANGHAI, build_snapshot, current_snapshot, now_shanghai
from queries import Door, Scope
from tests.helpers import add_dispute, build_demo
from tests.test_cli import ledger
from tests.test_events import CLOSING, disputes, first

HEADINGS = ["一、总体情况", "二、新发重大纠纷", "三、各地核实情况", "四、行业与地区趋势", "五、隐患预警", "六、重大事件跟踪"]
c = pl.col


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _known_until(snapshot, items: pl.DataFrame) -> datetime:
    """The snapshot's creation, or its last capture if that falls later within the same second."""
    return max(snapshot.created_at, items["captured_at"].max())


def _expected(items: pl.DataFrame, period: Period, now: datetime) -> dict:
    """The headline counts computed straight from items.parquet, without DuckDB or the door."""
    t = min(now, _midnight(period.next().first))
    start, prev_start = _midnight(period.first), _midnight(period.previous().first)
    disputes = items.filter(c("is_collective"))
    new = disputes.filter((c("captured_at") >= start) & (c("captured_at") <= t))
    before = disputes.filter((c("captured_at") >= prev_start) & (c("captured_at") < start))
    return {"new": new.height, "new_prev": before.height,
            "serious": new.filter(c("grade").is_in(["I", "II"])).height,
            "participants": int(new["participants_low"].fill_null(0).sum())}


def _docx(brief) -> Document:
    return Document(io.BytesIO(briefs.render(brief, "docx")))


def _images(document) -> list[bytes]:
    return [document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
            for shape in document.inline_shapes]


@pytest.fixture(scope="module")
def items(demo_settings) -> pl.DataFrame:
    return pl.read_parquet(current_snapshot(demo_settings).table("items"))


@pytest.mark.parametrize("kind", briefs.PERIODS)
@pytest.mark.parametrize("days_back", [0, 45])
def test_headline_figures_match_the_snapshot(demo_settings, items, kind, days_back):
    snapshot = current_snapshot(demo_settings)
    day = briefs.data_date(snapshot) - timedelta(days=days_back)
    brief = briefs.compose(demo_settings, kind, day)
    expected = _expected(items, brief.period, _known_until(snapshot, items))
    headline = brief.headline
    assert (headline["new"].value, headline["new"].previous) == (expected["new"], expected["new_prev"])
    assert headline["serious"].value == expected["serious"]
    assert headline["participants"].value == expected["participants"]
    assert expected["new"] + expected["new_prev"] > 0 or kind == "daily"  # the check compared something
    lead = brief.sections[0].blocks[0].text
    assert f"群体性劳资纠纷 {expected['new']} 起" in lead


def test_default_day_is_the_snapshots_data_date_not_the_clock(demo_settings, items):
    brief = briefs.compose(demo_settings, "daily")
    assert brief.day == items["captured_at"].max().date()
    # Late in the evening the last capture may be yesterday's: that day's brief ends at its midnight.
    assert brief.as_of == min(_known_until(current_snapshot(demo_settings), items), _midnight(brief.period.next().first))


@pytest.mark.parametrize("kind, day, start, end, prev_start", [
    ("daily", date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 1), date(2026, 2, 28)),
    ("weekly", date(2026, 11, 25), date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 16)),
    ("weekly", date(2027, 1, 3), date(2026, 12, 28), date(2027, 1, 3), date(2026, 12, 21)),
    ("monthly", date(2026, 3, 31), date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 1)),
    ("monthly", date(2027, 1, 15), date(2027, 1, 1), date(2027, 1, 31), date(2026, 12, 1)),
])
def test_periods_are_calendar_day_iso_week_and_month(kind, day, start, end, prev_start):
    period = brief_period(kind, day)
    assert (period.first, period.last, period.previous().first) == (start, end, prev_start)
    with pytest.raises(briefs.BriefError, match="日报、周报或月报"):
        brief_period("quarterly", day)


def test_word_brief_has_its_sections_figures_unit_table_and_footer(demo_settings):
    brief = briefs.compose(demo_settings, "weekly")
    document = _docx(brief)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    assert document.paragraphs[0].text == "劳资纠纷舆情监测周报"
    assert len(document.inline_shapes) >= 2
    assert all(blob.startswith(b"\x89PNG") for blob in _images(document))
    unit_table = next(t for t in document.tables if t.rows[0].cells[0].text == "单位")
    rows = [row.cells[0].text for row in unit_table.rows[1:]]
    assert len(rows) == 23 and rows[-1] == "合计"  # the 22 units of the province and the total
    assert {"广州市", "深圳市", "顺德区", "肇庆市"} <= set(rows)
    footer = " ".join(p.text for p in document.sections[0].footer.paragraphs)
    assert f"哨岗台账快照 {brief.snapshot_id}" in footer
    assert document.core_properties.created == brief.as_of.replace(tzinfo=SHANGHAI)  # the data's time, not now


def test_same_snapshot_and_day_give_identical_documents(demo_settings):
    # Two doors: nothing is shared but the snapshot on disk.
    first = briefs.compose(Door(demo_settings), "monthly")
    second = briefs.compose(Door(demo_settings), "monthly")
    assert briefs.render(first, "docx") == briefs.render(second, "docx")
    assert briefs.render(first, "html") == briefs.render(second, "html")
    assert _images(_docx(first)) == _images(_docx(second)) == [chart.png for chart in first.charts()]
    other_day = briefs.compose(Door(demo_settings), "monthly", first.day - timedelta(days=40))
    assert briefs.render(other_day, "html") != briefs.render(first, "html")


def test_a_city_brief_sees_only_its_city(demo_settings, items):
    brief = briefs.compose(demo_settings, "monthly", scope=Scope.only("440300"))
    table = next(b for b in brief.sections[2].blocks if isinstance(b, Table))
    assert [row[0] for row in table.rows] == ["深圳市"]
    expected = _expected(items.filter(c("unit_code") == "440300"), brief.period,
                         _known_until(current_snapshot(demo_settings), items))
    assert brief.headline["new"].value == expected["new"]
    assert brief.scope_label == "深圳市"


def test_hostile_ledger_text_is_escaped_in_html(tmp_path):
    settings = build_demo(tmp_path)
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>东莞某厂欠薪'
    add_dispute(settings, title=title, grade="I")
    brief = briefs.compose(settings, "weekly")
    page = briefs.render(brief, "html").decode("utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;东莞某厂欠薪" in page
    assert "<script" not in page and "<img src=x" not in page
    assert "default-src 'none'" in page  # and even then nothing could run or load
    text = "\n".join(p.text for p in _docx(brief).paragraphs)
    assert title in text  # Word shows the title as it was written


def test_open_events_are_the_events_pages_within_scope_and_as_of_the_brief(tmp_path):
    settings = build_demo(tmp_path, n_items=1500, seed=11)
    assert briefs.compose(settings, "weekly").sections[5].blocks[0].text == "本期无在办重大事件。"
    dongguan, (shenzhen_old, shenzhen) = disputes(settings, "441900")[-1], disputes(settings, "440300")[-2:]
    quiet = dongguan["captured_at"] + timedelta(hours=1)
    open_event(settings, first(dongguan, title="东莞某厂聚集"), unit_code="441900", by="a", at=quiet)
    closed = open_event(settings, first(shenzhen_old, title="深圳某厂已办结"), unit_code="440300", by="a",
                        at=shenzhen_old["captured_at"] + timedelta(hours=1))
    add_report(settings, closed, Report("closing", **CLOSING), by="a", at=shenzhen_old["captured_at"] + timedelta(hours=5))
    kept = open_event(settings, first(shenzhen, title="深圳某厂停工"), unit_code="440300", by="a",
                      at=shenzhen["captured_at"] + timedelta(hours=1))
    add_report(settings, kept, Report("followup", "协商中。"), by="a", at=now_shanghai() - timedelta(hours=1))
    build_snapshot(settings)

    section = briefs.compose(settings, "weekly").sections[5]
    assert sorted(row[:3] for row in section.blocks[1].rows) == [("东莞某厂聚集", "东莞市", "首报"), ("深圳某厂停工", "深圳市", "续报")]
    assert dict((row[0], row[4]) for row in section.blocks[1].rows) == {"东莞某厂聚集": "是", "深圳某厂停工": "否"}
    assert section.blocks[0].text == "在办重大事件 2 件，其中 1 件续报逾期。"
    shenzhen_only = briefs.compose(Door(settings), "weekly", scope=Scope.only("440300")).sections[5]
    assert [row[0] for row in shenzhen_only.blocks[1].rows] == ["深圳某厂停工"]
    earliest = min(x["captured_at"] for x in (dongguan, shenzhen_old, shenzhen))
    before_any = briefs.compose(settings, "daily", day=earliest.date() - timedelta(days=1)).sections[5]
    assert before_any.blocks[0].text == "本期无在办重大事件。"
    # A brief for a past day shows each event as it stood that day: the Shenzhen dispute is at least
    # a week old (disputes()), so the day of its first report came before today's follow-up.
    first_day = (shenzhen["captured_at"] + timedelta(hours=1)).date()
    rows = briefs.compose(settings, "daily", day=first_day).sections[5].blocks[1].rows
    assert ("深圳某厂停工", "深圳市", "首报") in [row[:3] for row in rows]


def test_pdf_needs_chromium_and_says_so(demo_settings, monkeypatch, tmp_path):
    brief = briefs.compose(demo_settings, "daily")
    monkeypatch.setenv("SENTINEL_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(briefs.BriefError, match="未找到 Chromium"):
        briefs.render(brief, "pdf")
    monkeypatch.delenv("SENTINEL_CHROMIUM")
    if not briefs.pdf_available():
        pytest.skip("chromium is not installed: the PDF itself cannot be printed here")
    assert briefs.render(brief, "pdf").startswith(b"%PDF")


def test_a_chinese_font_installed_after_matplotlib_listed_its_fonts_is_found(monkeypatch):
    """As after `apt-get install fonts-noto-cjk` on a machine where matplotlib already ran: its
    cached list has no Chinese font, the system has one."""
    if not any("NotoSansCJK" in path or "noto-cjk" in path for path in charts.font_manager.findSystemFonts()):
        pytest.skip("fonts-noto-cjk is not installed on this machine")
    monkeypatch.setattr(charts.font_manager.fontManager, "ttflist", [])
    charts.cjk_font.cache_clear()
    try:
        assert charts.cjk_font() == "Noto Sans CJK SC"
    finally:
        monkeypatch.undo()
        charts.cjk_font.cache_clear()


def test_charts_refuse_to_draw_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(charts.font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(charts.font_manager, "findSystemFonts", lambda: [])
    charts.cjk_font.cache_clear()
    try:
        with pytest.raises(charts.ChartFontMissing, match="fonts-noto-cjk"):
            charts.compare_bars(["制造业"], [1], [2], "本周", "上周", "按行业")
    finally:
        monkeypatch.undo()
        charts.cjk_font.cache_clear()


def test_cli_writes_reproducible_briefs_and_refuses_bad_names(demo_settings, tmp_path):
    written = {}
    for name in ("a.docx", "b.docx", "c.html"):
        result = ledger("report", "weekly", "--out", str(tmp_path / name), env_dir=demo_settings.data_dir)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(tmp_path / name)
        written[name] = (tmp_path / name).read_bytes()
    assert written["a.docx"] == written["b.docx"]  # separate processes, same bytes
    snapshot_id = current_snapshot(demo_settings).snapshot_id
    assert snapshot_id in written["c.html"].decode("utf-8")
    for args, words in ((["--out", str(tmp_path / "brief.txt")], ".docx"), (["--date", "2026-02-30"], "YYYY-MM-DD"),
                        (["--date", "2999-01-01"], "不能晚于")):
        refused = ledger("report", "daily", *args, env_dir=demo_settings.data_dir)
        lines = refused.stderr.strip().splitlines()
        assert refused.returncode == 2 and len(lines) == 1 and words in lines[0], refused.stderr
    assert not (tmp_path / "brief.txt").exists()
