"""今日要务 on the overview (ui/today.py): what needs action today, most urgent first, each line a
link to the page that acts on it, and the same counts as the pages it links to."""
from __future__ import annotations

import shutil

import polars as pl
from streamlit.testing.v1 import AppTest

from ledger.config import REPO_ROOT, load_settings
from ledger.store import now_shanghai
from queries import ALL, Door, Filters
from tests.helpers import add_dispute


def overview(monkeypatch, data) -> AppTest:
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def test_a_new_grade_i_dispute_comes_first_and_the_units_with_most_overdue_follow(sentinel_env, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(sentinel_env.data_dir, data)
    item_id = add_dispute(load_settings(data), title="东莞某电子厂千名工人停工讨薪", grade="I", source="demo")
    links = overview(monkeypatch, data).get("page_link")
    labels = [link.proto.label for link in links]
    assert "新发Ⅰ级" in labels[0] and "东莞某电子厂千名工人停工讨薪" in labels[0]
    assert links[0].proto.page.endswith("verify") and f"item={item_id}" in links[0].proto.query_string
    # The units with the most overdue items, with the gauges' counts, most first.
    now = now_shanghai()
    rates = Door(load_settings(data)).q("verification_rate_by_unit", ALL, now=now,
                                        **Filters.last_days(load_settings(data).default_window_days, now.date()).params())
    worst = rates.filter((pl.col("level") == "unit") & (pl.col("overdue_n") > 0)).sort("overdue_n", descending=True)
    unit_lines = [label for label in labels if "逾期未核实" in label]
    assert 0 < len(unit_lines) <= 3
    assert unit_lines[0].endswith(f"{worst['overdue_n'][0]} 条逾期未核实，请督办")
    order = [next(kind for kind, word in (("grade_i", "新发Ⅰ级"), ("event", "事件"), ("grade_ii", "新发Ⅱ级"),
                                         ("overdue_unit", "逾期未核实"), ("hazard", "隐患")) if word in label)
             for label in labels]
    rank = ["grade_i", "event", "grade_ii", "overdue_unit", "hazard"]
    assert order == sorted(order, key=rank.index)
