"""Every page through Streamlit's AppTest against the real demo snapshot: it renders without
an exception or an error box, in Chinese by default and in English on request, honours the
global filters, and greets an empty installation with a friendly message.

Each scenario is one fresh run of a link (query parameters), as a person opening a shared URL:
under `st.navigation`, AppTest 1.67 drops the entry point's sidebar widgets on a second run of
the same AppTest, so clicking through widgets is tested in the browser tests instead."""
from __future__ import annotations

import json
from datetime import date
import re

import pytest
from streamlit.testing.v1 import AppTest

from ledger.config import REPO_ROOT
from ledger.i18n import t
from queries import QUERY_DIR
from ui import wall_screen

APP = str(REPO_ROOT / "app.py")


def run_app(query: dict | None = None, page: str | None = None) -> AppTest:
    """Open the app once, as if from a link to `page` (a file in app_pages/) with these query
    parameters."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception and no failure message (the verification page's red "not yet verified" alert
    is content, not a failure)."""
    assert not at.exception, at.exception
    failures = [e.value for e in at.error if "未核实" not in e.value]
    assert not failures, failures


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_renders_kpis_in_chinese(sentinel_env):
    at = run_app()
    assert_clean(at)
    values = metric_values(at)
    assert set(values) == {t(k) for k in ("overview.active", "overview.new_7d", "overview.on_time", "overview.overdue")}
    assert int(values[t("overview.active")]) > 0
    assert values[t("overview.on_time")].endswith("%")
    assert at.title[0].value == "总览"
    assert len(at.dataframe) == 1
    top = at.dataframe[0].value
    assert 0 < len(top) <= 5 and "标题" in top.columns
    assert any("数据截至" in c.value for c in at.sidebar.caption)


def test_overview_in_english(sentinel_env):
    at = run_app({"lang": "en"})
    assert_clean(at)
    assert t("overview.active", "en") in metric_values(at)
    assert "Title" in at.dataframe[0].value.columns


def test_city_filter_narrows_the_figures(sentinel_env):
    everyone = metric_values(run_app())
    at = run_app({"unit": "440400"})  # Zhuhai, a small unit
    assert_clean(at)
    assert at.sidebar.multiselect(key="unit").value == ["440400"]
    zhuhai = metric_values(at)
    assert int(zhuhai[t("overview.active")]) < int(everyone[t("overview.active")])
    assert all("珠海" in place for place in at.dataframe[0].value["地点"])


def test_industry_filter_and_an_empty_result(sentinel_env):
    at = run_app({"ind": "T"})  # international organisations: no disputes
    assert_clean(at)
    assert metric_values(at)[t("overview.active")] == "0"
    assert any(t("overview.serious.empty") in i.value for i in at.info)


def test_a_link_sets_window_and_filters_and_a_bad_link_falls_back(sentinel_env):
    at = run_app({"since": "2025-01-01", "until": "2025-03-31", "unit": "440300,441900", "ind": "C,E"})
    assert_clean(at)
    assert "2025-01-01 至 2025-03-31" in at.caption[0].value
    assert "深圳市、东莞市" in at.caption[0].value and "制造业、建筑业" in at.caption[0].value
    assert at.query_params["unit"] == "440300,441900"
    bad = run_app({"unit": "999999", "since": "last tuesday", "lang": "fr"})
    assert not bad.exception
    assert len(bad.sidebar.warning) == 3
    assert "全部地市" in bad.caption[0].value


def test_a_broken_snapshot_gives_a_calm_message_not_a_stack_trace(demo_settings, tmp_path, monkeypatch):
    import shutil

    broken = tmp_path / "data"
    shutil.copytree(demo_settings.data_dir / "snapshots", broken / "snapshots")
    current = (broken / "snapshots" / "CURRENT").read_text().strip()
    (broken / "snapshots" / current / "items.parquet").write_bytes(b"not parquet")
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(broken))
    at = run_app()
    assert not at.exception
    assert [e.value for e in at.error] and t("app.error.title") in at.error[0].value
    assert "Traceback" not in at.error[0].value


def test_no_snapshot_gives_a_friendly_chinese_message(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(tmp_path))
    at = run_app()
    assert not at.exception
    assert any(t("app.no_snapshot.title") in i.value for i in at.info)
    assert not at.metric


PAGE_FILES = re.findall(r'"(app_pages/[a-z_]+\.py)"', (REPO_ROOT / "app.py").read_text(encoding="utf-8"))


def test_app_lists_pages():
    assert "app_pages/overview.py" in PAGE_FILES


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_listed_page_draws_only_and_uses_known_queries(page):
    source = (REPO_ROOT / page).read_text(encoding="utf-8")
    assert "select " not in source.lower() and "duckdb" not in source
    for name in re.findall(r'\bq\(\s*"([a-z0-9_]+)"', source):
        assert (QUERY_DIR / f"{name}.sql").exists(), name


def test_no_legacy_pages_folder():
    """A folder named pages/ beside app.py makes Streamlit run a deep link's page without app.py
    until the first st.navigation call after a restart (docs/decisions.md)."""
    assert not (REPO_ROOT / "pages").exists()


# --- the monitoring pages: each opened from links that matter --------------------------------

def test_map_page_draws_the_map_and_the_list(sentinel_env):
    at = run_app(page="app_pages/map.py")
    assert_clean(at)
    assert at.title[0].value == t("mappage.heading")
    assert at.get("deck_gl_json_chart"), "the map is drawn"
    listed = at.dataframe[0].value
    assert len(listed) > 0 and "标题" in listed.columns
    assert at.segmented_control(key="map_mode").value == "points"


@pytest.mark.parametrize("view", ["hex", "choropleth"])
def test_map_views_and_focus_come_from_the_link(sentinel_env, view):
    at = run_app({"view": view, "focus": "441900", "lang": "en"}, page="app_pages/map.py")
    assert_clean(at)
    assert at.segmented_control(key="map_mode").value == view
    assert at.selectbox(key="map_focus").value == "441900"
    assert "Dongguan" in at.subheader[0].value
    assert at.query_params["view"] == view and at.query_params["focus"] == "441900"


def test_map_focus_lists_only_that_city(sentinel_env):
    at = run_app({"focus": "440300"}, page="app_pages/map.py")
    places = at.dataframe[0].value[t("col.county")]
    shenzhen = {"罗湖区", "福田区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区", "光明区", "—"}
    assert set(places) <= shenzhen


def test_verification_page_shows_gauges_and_unverified_items(sentinel_env):
    at = run_app(page="app_pages/verification.py")
    assert_clean(at)
    charts = at.get("plotly_chart")
    assert len(charts) == 4  # total gauge, unit gauges, hours, monthly
    assert "尚有" in at.error[0].value and "已超过核实期限" in at.error[0].value
    assert {m.label for m in at.metric} == {t(f"verify.{k}") for k in ("due_n", "on_time_n", "late_n", "overdue_n")}


def test_verification_page_for_one_city(sentinel_env):
    at = run_app({"unit": "440400"}, page="app_pages/verification.py")
    assert_clean(at)
    total_gauge = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert total_gauge["layout"]["title"]["text"].startswith("珠海市 ")  # one unit: its name, not 合计
    assert len(at.get("plotly_chart")) == 3 and t("verify.units") not in [h.value for h in at.subheader]  # no grid of one
    monthly = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert [line["name"] for line in monthly["data"]] == ["珠海市"]  # drawn once, not twice under one name


def test_trends_page_summary_and_charts(sentinel_env):
    at = run_app(page="app_pages/trends.py")
    assert_clean(at)
    summary = [m.value for m in at.markdown if m.value.startswith("- ")][0]
    assert summary.startswith("- 近30天共发生群体性劳资纠纷")
    assert len(at.get("plotly_chart")) == 4


def test_trends_choices_from_the_link_and_a_table(sentinel_env):
    at = run_app({"grain": "week", "dim": "ownership", "table": "1", "wage": "0"}, page="app_pages/trends.py")
    assert_clean(at)
    assert at.segmented_control(key="trends_grain").value == "week"
    table = at.dataframe[0].value
    assert set(table[t("col.category")]) <= {"国有", "集体", "民营", "港澳台", "外资", "其他", "不详"}
    assert at.toggle(key="festival_wage_only").value is False


def test_explorer_default_slice_and_downloads(sentinel_env):
    at = run_app(page="app_pages/explorer.py")
    assert_clean(at)
    assert at.subheader[0].value.startswith("共 ")
    assert len(at.dataframe[0].value) == 50
    assert len(at.get("download_button")) == 3


def test_explorer_link_reproduces_the_slice(sentinel_env):
    query = {"grade": "I,II,III", "demand": "wage_arrears", "coll": "1", "sort": "participants", "unit": "440300,441900",
             "since": "2024-01-01", "until": "2026-11-25"}
    at = run_app(query, page="app_pages/explorer.py")
    assert_clean(at)
    assert at.multiselect(key="slice_grades").value == ["I", "II", "III"]
    assert at.toggle(key="slice_collective_only").value is True
    shown = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["等级"]) <= {"I级", "II级", "III级"}
    assert all(p.startswith(("深圳市", "东莞市")) for p in shown["地点"])
    people = [int("".join(ch for ch in p if ch.isdigit()) or 0) for p in shown["涉及人数"] if p[0].isdigit()]
    assert people  # sorted by participants, largest first (the text is as reported, so only roughly checked)
    for key, value in query.items():
        assert at.query_params[key] == value


def test_explorer_keyword_with_no_match_and_hostile_text(sentinel_env):
    at = run_app({"q": "'; DROP TABLE items; --"}, page="app_pages/explorer.py")
    assert_clean(at)
    assert any(t("explorer.empty") in i.value for i in at.info)


def test_wall_mode_draws_without_sidebar(sentinel_env):
    at = run_app({"mode": "wall"})
    assert_clean(at)
    assert not at.sidebar.multiselect  # no filters, no menus on the wall
    assert {m.label for m in at.metric} == {t(k) for k in ("wall.new_today", "wall.active", "wall.serious", "wall.overdue")}
    assert at.get("deck_gl_json_chart")


@pytest.mark.parametrize("screen,wide", [("3840x2160", False), ("3840x1080", True)])
def test_wall_mode_sizes_its_charts_from_the_screen(sentinel_env, screen, wide):
    """The size the page reports (?screen=) gives the charts their px heights and type sizes, and
    a 32:9 wall three columns, in English too; a bad value is ignored."""
    at = run_app({"mode": "wall", "lang": "en", "screen": screen})
    assert_clean(at)
    plan = wall_screen.layout(wall_screen.Screen.parse(screen))
    assert plan.wide is wide
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    gauges = next(f["layout"] for f in figures if f["data"][0]["type"] == "indicator")
    assert gauges["height"] == plan.gauges_size[1] and gauges["font"]["size"] == plan.screen.font_px
    assert all(a["font"]["size"] >= plan.screen.font_px for a in gauges["annotations"])
    assert not run_app({"mode": "wall", "screen": "9x9"}).exception


def test_wall_mode_without_a_snapshot_is_calm(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(tmp_path))
    at = run_app({"mode": "wall"})
    assert not at.exception and not at.error
    assert any(t("wall.no_data") in i.value for i in at.info)


def test_filters_appear_only_where_they_apply_and_are_kept_across_pages_that_ignore_them(sentinel_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["since"], at.query_params["until"] = "2026-01-01", "2026-03-31"
    at.run()
    at.sidebar.multiselect(key="unit").set_value(["440100"]).run()
    for page in ("app_pages/scores.py", "app_pages/reconcile.py", "app_pages/import.py", "app_pages/admin.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.sidebar.multiselect and not at.sidebar.date_input and not at.sidebar.header, page
        assert at.query_params["unit"] == "440100" and at.query_params["since"] == "2026-01-01", page
    at.switch_page("app_pages/verify.py").run()  # the city and the industry, no window: its queue has none
    assert at.sidebar.multiselect(key="unit").value == ["440100"] and not at.sidebar.date_input
    at.switch_page("app_pages/verification.py").run()
    assert at.sidebar.multiselect(key="unit").value == ["440100"]
    assert at.sidebar.date_input(key="window").value == (date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize("lang,words", [("zh", "缺少姓名"), ("en", "the name is missing")])
def test_a_mistake_in_the_officers_file_is_said_on_the_admin_page(sentinel_env, tmp_path, monkeypatch, lang, words):
    roster = tmp_path / "officers.toml"
    roster.write_text('[[officers]]\nunit = "440300"\nemail = "a@example.org"\n', encoding="utf-8")
    monkeypatch.setenv("SENTINEL_OFFICERS", str(roster))
    at = run_app({"lang": lang}, page="app_pages/admin.py")
    assert not at.exception
    assert any(words in e.value and "officers.toml" in e.value for e in at.error), [e.value for e in at.error]
