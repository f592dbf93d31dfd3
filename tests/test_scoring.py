"""考核排名 on a ledger small enough to score by hand: three units with items of known deadlines,
verification times, filled fields and proactive flags, and reconciliation runs in the log. The
expected points are worked out in the comments from the rules in data/reference/scoring.toml
(timeliness 50, completeness 30, accuracy 20; late ≤ 24 h earns 0.5, later 0.2, unverified 0;
2 points per discrepancy; 0.5 per proactive item up to 5; verified with no time given 0.5;
commended: first 3 with ≥ 80), so a
change in the scoring that changes a result fails here."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from datetime import datetime, timedelta

import docx
import openpyxl
import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from ledger import access, periods
from ledger.workflow import reconcile
from ledger.assessment import scoring
from ledger.documents import ranking as ranking_document
from ledger.config import REPO_ROOT, load_settings
from ledger.schema import ITEMS_SCHEMA
from ledger.store import SHANGHAI, Journal, build_snapshot, current_snapshot, now_shanghai
from queries import ALL, Scope

GUANGZHOU, SHENZHEN, ZHUHAI, SHANTOU = "440100", "440300", "440400", "440500"
Q3 = scoring.parse_period("2026-Q3")
FILLED = {"enterprise": "某电子厂", "ownership": "private", "union_present": False, "participants_low": 80,
          "participants_text": "约80人", "grade": "IV"}
EMPTY = {key: None for key in FILLED}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def item(item_id: str, unit: str, due: str, verified: str | None, result: str | None, *, collective: bool = True,
         fields: dict | None = None, proactive: bool = False, source: str = "people") -> dict:
    due_at = at(due)
    row = {column.name: None for column in ITEMS_SCHEMA}
    row.update({"item_id": item_id, "source": source, "title": f"测试舆情 {item_id}", "unit_code": unit,
                "captured_at": due_at - timedelta(days=2), "assigned_at": due_at - timedelta(days=2),
                "assigned_unit": unit, "verify_due_at": due_at, "is_collective": collective, "proactive": proactive,
                "verified_at": at(verified) if verified else None, "verification_result": result,
                "status": "verified" if verified or result else "pending", "updated_at": at(verified) if verified else due_at})
    row.update(FILLED if fields is None else fields)
    return row


ITEMS = [
    # 广州 in 2026-Q3: five items due.
    item("A1", GUANGZHOU, "2026-07-10 10:00", "2026-07-10 09:00", "true"),  # on time 1; record 5/5 = 1
    item("A2", GUANGZHOU, "2026-08-01 12:00", "2026-08-02 00:00", "partly", collective=False,  # 12 h late: 0.5
         fields={**EMPTY, "enterprise": "某物流公司", "participants_text": "约50人"}),  # 2 of 4 (no grade): 0.5
    item("A3", GUANGZHOU, "2026-09-05 08:00", "2026-09-07 08:00", "false", fields=EMPTY),  # 48 h late: 0.2; 不实: 1
    item("A4", GUANGZHOU, "2026-09-20 08:00", None, None, proactive=True),  # unverified: 0 and 0; proactive
    item("A5", GUANGZHOU, "2026-09-30 23:00", "2026-09-30 20:00", "duplicate", fields=EMPTY,
         source="proactive"),  # on time 1; 重复: 1; proactive by its source
    item("A6", GUANGZHOU, "2026-10-01 00:00", "2026-09-30 22:00", "true", fields=EMPTY),  # due in Q4: not counted
    item("A7", GUANGZHOU, "2026-06-30 23:59", "2026-06-30 10:00", "true"),  # Q2: the previous period, 100 points
    # 深圳 in 2026-Q3: three items due, nothing in Q2.
    item("B1", SHENZHEN, "2026-07-15 10:00", "2026-07-15 08:00", "true", proactive=True),  # 1; 1; proactive
    item("B2", SHENZHEN, "2026-08-15 10:00", "2026-08-15 10:00", "true",  # at the deadline: on time 1
         fields={**FILLED, "grade": None}),  # 4 of 5
    item("B3", SHENZHEN, "2026-09-15 10:00", "2026-09-16 10:00", "true", collective=False),  # 24 h late: 0.5; 4/4
    # 珠海: twelve proactive items, all on time, all found 不实 (a full record by the rule).
    *[item(f"C{n:02d}", ZHUHAI, f"2026-08-{n:02d} 10:00", f"2026-08-{n:02d} 09:00", "false", fields=EMPTY,
           proactive=True) for n in range(1, 13)],
    # 汕头, outside the delta: one verified with no time given (核实时间不详), one unverified.
    item("D1", SHANTOU, "2026-08-20 10:00", None, "true"),  # neither on time nor late: 0.5; full record: 1
    item("D2", SHANTOU, "2026-09-20 10:00", None, None),  # unverified: 0 and 0
]


def discrepancies(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame([{"kind": kind, "item_id": item_id, "title": "", "field": field, "province": None, "unit": None}
                         for kind, item_id, field in rows],
                        schema={c: pl.String for c in ("kind", "item_id", "title", "field", "province", "unit")})


def run(settings, unit: str, month: str, *rows) -> None:
    reconcile.record_run(settings, reconcile.Reconciliation(unit, month, "test", "unit.xlsx", 0, 0, discrepancies(*rows)),
                         "test")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("scoring"))
    Journal(settings.journal_dir).append("items", [pa.Table.from_pylist(ITEMS, schema=ITEMS_SCHEMA)], source="test")
    build_snapshot(settings)
    # 广州, August: three discrepancies, then a second run after one is fixed (found stays 3 keys, of which
    # "unverified" does not count): 2. September: one more. October is outside Q3.
    run(settings, GUANGZHOU, "2026-08", ("differs", "A2", "状态"), ("only_province", "A3", None), ("unverified", "A4", None))
    run(settings, GUANGZHOU, "2026-08", ("differs", "A2", "状态"), ("unverified", "A4", None))
    run(settings, GUANGZHOU, "2026-09", ("only_unit", "X1", None))
    run(settings, GUANGZHOU, "2026-10", *[("only_unit", f"Y{n}", None) for n in range(5)])
    return settings


@pytest.fixture
def ranking(ledger):
    return scoring.score(current_snapshot(ledger), ledger, Q3, ALL)


def row(ranking: scoring.Ranking, unit: str) -> dict:
    return ranking.frame.filter(pl.col("unit_code") == unit).row(0, named=True)


# ---- periods -----------------------------------------------------------------------------------

def test_an_assessment_covers_a_month_a_quarter_or_a_year():
    assert [str(scoring.parse_period(text)) for text in ("2026-11", "2026q3", "2026")] == ["2026-11", "2026-Q3", "2026"]
    for bad in ("2026-13", "2026-Q5", "2026-W48", "2026-11-25", "26-1", "2026/11", ""):  # a week or day is no period to assess
        with pytest.raises(scoring.ScoringError, match="考核期间须写作"):
            scoring.parse_period(bad)


# ---- the scores, by hand ----------------------------------------------------------------------

def test_guangzhou_scored_by_hand(ranking):
    a = row(ranking, GUANGZHOU)
    assert (a["due_n"], a["on_time_n"], a["late_n"], a["unverified_n"]) == (5, 2, 2, 1)  # A6 is Q4, A7 Q2
    assert (a["median_days_late"], a["max_days_late"]) == (1.2, 2.0)  # 12 h and 48 h: median 30 h
    assert a["timeliness_points"] == 27.0  # (1 + 0.5 + 0.2 + 0 + 1) / 5 = 0.54; × 50
    assert a["completeness_points"] == 21.0  # (1 + 0.5 + 1 + 0 + 1) / 5 = 0.7; × 30
    assert a["discrepancies_n"] == 3  # August: differs A2, only_province A3 (not "unverified"); September: 1
    assert a["accuracy_points"] == 14.0  # 20 − 3 × 2
    assert (a["proactive_n"], a["bonus_points"]) == (2, 1.0)  # A4 by its flag, A5 by its source; 2 × 0.5
    assert a["total"] == 63.0  # 27 + 21 + 14 + 1
    assert a["previous_total"] == 100.0  # Q2: A7 alone, on time and complete, no discrepancies
    assert a["change"] == -37.0


def test_shenzhen_scored_by_hand(ranking):
    b = row(ranking, SHENZHEN)
    assert (b["due_n"], b["on_time_n"], b["late_n"], b["unverified_n"]) == (3, 2, 1, 0)
    assert b["timeliness_points"] == 41.67  # (1 + 1 + 0.5) / 3 × 50 = 41.666…: exactly 24 h late still earns 0.5
    assert b["completeness_points"] == 28.0  # (1 + 4/5 + 1) / 3 × 30
    assert (b["discrepancies_n"], b["accuracy_points"]) == (0, 20.0)  # never reconciled: nothing lost
    assert b["bonus_points"] == 0.5
    assert b["total"] == 90.17  # 41.67 + 28 + 20 + 0.5
    assert b["previous_total"] is None and b["change"] is None  # nothing due in Q2


def test_the_bonus_is_capped_and_units_without_items_are_not_ranked(ranking):
    c = row(ranking, ZHUHAI)
    assert (c["proactive_n"], c["bonus_points"], c["total"]) == (12, 5.0, 105.0)  # 12 × 0.5 = 6, capped at 5
    frame = ranking.frame
    assert frame.height == 22  # every reporting unit of the province has a row
    idle = frame.filter(~pl.col("unit_code").is_in([GUANGZHOU, SHENZHEN, ZHUHAI, SHANTOU]))
    assert idle["due_n"].to_list() == [0] * 18
    assert idle["total"].null_count() == 18 and idle["rank"].null_count() == 18 and not idle["commended"].any()


def test_a_verification_without_its_time_earns_the_configured_share(ranking):
    d = row(ranking, SHANTOU)
    assert (d["due_n"], d["on_time_n"], d["late_n"], d["unverified_n"], d["time_unknown_n"]) == (2, 0, 0, 1, 1)
    assert d["median_days_late"] is None  # never counted as late
    assert d["timeliness_points"] == 12.5  # (0.5 + 0) / 2 × 50
    assert d["completeness_points"] == 15.0  # (1 + 0) / 2 × 30: its record counts like any verified one
    assert d["total"] == 47.5  # 12.5 + 15 + 20
    assert any("核实时间不详的得 50%" in line for line in scoring.describe(ranking.rules))


def test_ranks_and_commendation(ranking):
    assert ranking.complete
    ranked = ranking.frame.filter(pl.col("rank").is_not_null())
    assert ranked.select("unit_code", "rank").rows() == [(ZHUHAI, 1), (SHENZHEN, 2), (GUANGZHOU, 3), (SHANTOU, 4)]
    # first three, but 广州's 63 is under 80
    assert ranking.commended()["unit_code"].to_list() == [ZHUHAI, SHENZHEN]


def test_overrides_from_sentinel_toml_change_the_rules(ledger, tmp_path, monkeypatch):
    config = tmp_path / "sentinel.toml"
    config.write_text("[scoring.weights]\ntimeliness = 60\n[scoring.commendation]\nmin_score = 60\n", encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(config))
    settings = load_settings(ledger.data_dir)
    changed = scoring.score(current_snapshot(settings), settings, Q3, ALL)
    a = row(changed, GUANGZHOU)
    assert a["timeliness_points"] == 32.4 and a["total"] == 68.4  # 0.54 × 60; + 21 + 14 + 1
    assert changed.rules.weights["completeness"] == 30  # what is not overridden keeps its default
    assert GUANGZHOU in changed.commended()["unit_code"].to_list()
    with pytest.raises(scoring.ScoringError, match="timelyness"):
        scoring.rules_from({"weights": {"timelyness": 60}})
    with pytest.raises(scoring.ScoringError, match="weights"):
        scoring.rules_from({"weights": 60})


def test_an_officers_units_alone_have_no_rank(ledger):
    own = scoring.score(current_snapshot(ledger), ledger, Q3, Scope.only(SHENZHEN))
    assert not own.complete and own.frame["unit_code"].to_list() == [SHENZHEN]
    assert own.frame["total"][0] == 90.17 and own.frame["rank"][0] is None and not own.frame["commended"][0]
    assert "名次" not in ranking_document.table(own).columns
    with pytest.raises(scoring.ScoringError):
        ranking_document.notice_docx(own)


# ---- exports -----------------------------------------------------------------------------------

def test_the_workbook_has_the_ranking_and_the_rules_used(ranking):
    data = ranking_document.ranking_xlsx(ranking)
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book["考核排名"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("名次", "单位") and "总分" in header and "变化" in header
    assert len(rows) == 23  # the header and the 22 units
    by_name = {r[1]: dict(zip(header, r)) for r in rows[1:]}
    assert by_name["广州市"]["总分"] == 63 and by_name["广州市"]["变化"] == "▼37"
    assert by_name["珠海市"]["名次"] == 1 and by_name["珠海市"]["通报表扬"] == "✓"
    assert by_name["肇庆市"]["总分"] is None
    rules = {r[0]: r[1] for r in book["评分规则"].iter_rows(values_only=True)}
    assert rules["台账快照"] == ranking.snapshot_id and rules["核实时效满分"] == 50
    assert ranking_document.ranking_xlsx(ranking) == data


def test_the_word_notice_names_the_period_ranks_and_commends(ranking):
    data = ranking_document.notice_docx(ranking)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于2026年第三季度全省各地市工会舆情信息工作考核情况的通报"
    table = document.tables[0]
    assert len(table.rows) == 23 and table.rows[0].cells[0].text == "名次"
    assert [c.text for c in table.rows[1].cells][:2] == ["1", "珠海市"]
    assert any("珠海市、深圳市" in text and "通报表扬" in text for text in texts)
    assert any("扣 2 分" in text for text in texts)  # the rules used
    assert ranking.snapshot_id in document.sections[0].footer.paragraphs[0].text
    assert document.core_properties.created == ranking.as_of.replace(tzinfo=SHANGHAI)  # the data's time, not now
    time.sleep(2)  # zip times have a two-second resolution
    assert ranking_document.notice_docx(ranking) == data


# ---- the command line --------------------------------------------------------------------------

def cli(ledger, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(ledger.data_dir), "scores", *args],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_cli_prints_json_and_writes_the_notice(ledger, tmp_path):
    out = tmp_path / "通报.docx"
    done = cli(ledger, "--period", "2026-Q3", "--json", "--out", str(out))
    assert done.returncode == 0, done.stderr
    units = {u["unit_code"]: u for u in json.loads(done.stdout)["units"]}
    assert units[GUANGZHOU]["total"] == 63.0 and units[ZHUHAI]["rank"] == 1
    assert docx.Document(out).paragraphs[0].text.startswith("关于2026年第三季度")


def test_cli_refuses_a_bad_period_in_one_chinese_line(ledger):
    done = cli(ledger, "--period", "2026-13")
    assert done.returncode == 2
    assert "考核期间须写作" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# ---- the page ----------------------------------------------------------------------------------

@pytest.fixture
def users(ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(ledger.data_dir))
    path = tmp_path / "users.toml"
    entries = [{"username": "zhang", "role": "analyst", "password_hash": access.hash_password("correct horse battery")},
               {"username": "chen", "role": "officer", "unit": SHENZHEN,
                "password_hash": access.hash_password("correct horse battery")},
               {"username": "li", "role": "leader", "password_hash": access.hash_password("correct horse battery")}]
    access.save_directory(path, entries, [])
    monkeypatch.setenv("SENTINEL_USERS", str(path))
    return access.load_directory(ledger)


def open_page(directory, username: str, lang: str = "zh", period: str = "2026-Q3") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["_signed_in"] = (directory.find(username), now_shanghai())
    at.query_params["period"] = period
    if lang != "zh":
        at.query_params["lang"] = lang
    at.switch_page("app_pages/scores.py")
    return at.run()


def test_the_page_ranks_every_unit_and_commends_the_first(users):
    at = open_page(users, "zhang")
    assert not at.exception and not at.error
    assert at.title[0].value == "舆情信息工作考核排名"
    shown = at.dataframe[0].value
    assert len(shown) == 22 and shown.iloc[0]["单位"] == "珠海市" and shown.iloc[0]["总分"] == 105
    assert shown[shown["单位"] == "广州市"].iloc[0]["变化"] == "▼37"
    assert "珠海市、深圳市" in at.success[0].value
    assert len(at.get("download_button")) == 2  # the ranking and the notice
    assert at.query_params["period"] == "2026-Q3"


def test_a_bad_period_in_the_link_is_said_and_the_last_whole_quarter_shown(users):
    at = open_page(users, "zhang", period="2026-Q9")
    assert not at.exception
    assert [w.value for w in at.sidebar.warning] == ["链接中的筛选条件有误，已改用默认值：period=2026-Q9"]
    last_quarter = str(periods.recent("quarter", now_shanghai().date(), 2)[1])
    assert at.query_params["period"] == last_quarter


def test_the_page_in_english(users):
    at = open_page(users, "zhang", lang="en")
    assert not at.exception
    assert at.dataframe[0].value.iloc[0]["Unit"] == "Zhuhai" and at.title[0].value == "Assessment of the units' information work"


def test_an_officer_sees_only_their_unit(users):
    at = open_page(users, "chen")
    assert not at.exception and not at.error
    shown = at.dataframe[0].value
    assert shown["单位"].tolist() == ["深圳市"] and shown.iloc[0]["总分"] == 90.17
    assert "名次" not in shown.columns and not at.success  # no rank, no commendation list
    assert len(at.get("download_button")) == 1  # the workbook of their row; no notice


def test_a_leader_may_take_the_ranking_and_the_notice_they_sign(users):
    at = open_page(users, "li")
    assert not at.exception and len(at.dataframe[0].value) == 22
    assert len(at.get("download_button")) == 2  # figures per unit only, nothing personal
