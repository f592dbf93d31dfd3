"""Every page through Streamlit's AppTest against the real demo snapshot: it renders without
an exception or an error box, in Chinese by default and in English on request, honours the
global filters, and greets an empty installation with a friendly message.

Each scenario is one fresh run of a link (query parameters), as a person opening a shared URL:
under `st.navigation`, AppTest 1.67 drops the entry point's sidebar widgets on a second run of
the same AppTest, so clicking through widgets is tested in the browser tests instead."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ledger.config import REPO_ROOT
from ledger.i18n import t
from queries import QUERY_DIR

APP = str(REPO_ROOT / "app.py")


def run_app(query: dict | None = None) -> AppTest:
    """Open the app once, as if from a link with these query parameters."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


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
