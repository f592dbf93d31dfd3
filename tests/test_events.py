"""Staged event reports (事件跟踪): the rules a report must meet, the journal → snapshot → query
path with lateness judged at a fixed moment, the scope of a city officer, snapshots built before
events existed, the 事件跟踪 page (AppTest) filing a follow-up, and `python -m ledger event`.
Each test has its own real ledger on disk (journal, Parquet snapshot, DuckDB queries)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import polars as pl
import pytest

from ledger.workflow.events import (
    EventError,
    Report,
    add_report,
    allowed_next,
    event_reports,
    open_event,
    split_item_ids,
)
from ledger.store import build_snapshot, current_snapshot, fresh_snapshot
from queries import Door, Scope
from tests.helpers import build_demo

FOLLOWUP_HOURS, FIRST_HOURS = 24, 2


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    settings = build_demo(tmp_path, n_items=1500, seed=11)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    return settings


def disputes(settings, unit: str | None = None) -> list[dict]:
    """Collective disputes of the snapshot (of one unit), oldest first, at least a week old."""
    frame = pl.read_parquet(current_snapshot(settings).table("items")).filter(pl.col("is_collective"))
    if unit:
        frame = frame.filter(pl.col("unit_code") == unit)
    newest = frame["captured_at"].max()
    return frame.filter(pl.col("captured_at") < newest - timedelta(days=7)).sort("captured_at").to_dicts()[-20:]


def first(item: dict, **fields) -> Report:
    return Report("first", fields.pop("facts", "约80名员工在厂门口聚集，要求支付10月工资。"),
                  title=fields.pop("title", "某电子厂欠薪聚集"), item_ids=(item["item_id"],), **fields)


CLOSING = dict(facts="企业已支付拖欠工资，员工复工。", causes="订单下滑，资金链紧张，延期发薪且未与员工沟通。",
               handling="镇街工作组与工会进驻协调，企业分两期支付。", lessons="欠薪苗头要早发现；工会要在企业与员工之间搭好沟通渠道。")


def test_a_first_report_may_hold_facts_only_and_takes_its_place_from_the_item(ledger):
    item = disputes(ledger)[0]
    at = item["captured_at"] + timedelta(hours=1)
    event_id = open_event(ledger, first(item), unit_code=item["unit_code"], by="陈信息员", at=at)
    assert event_id.startswith(f"E{at:%Y%m%d}-") and len(event_id) == 14
    [row] = event_reports(ledger, event_id)
    assert (row["seq"], row["stage"], row["causes"], row["lessons"]) == (1, "first", None, None)
    assert row["item_ids"] == [item["item_id"]] and row["reported_by"] == "陈信息员"
    assert (row["lon"], row["lat"]) == (item["lon"], item["lat"])
    unit_from_item = open_event(ledger, first(item), unit_code=None, by="陈信息员", at=at)
    assert event_reports(ledger, unit_from_item)[0]["unit_code"] == item["unit_code"]


@pytest.mark.parametrize("missing, words", [("causes", "原因"), ("handling", "处置情况"), ("lessons", "案例剖析")])
def test_a_closing_report_needs_causes_handling_and_lessons(ledger, missing, words):
    item = disputes(ledger)[0]
    at = item["captured_at"] + timedelta(hours=1)
    event_id = open_event(ledger, first(item), unit_code=item["unit_code"], by="a", at=at)
    with pytest.raises(EventError, match=words):
        add_report(ledger, event_id, Report("closing", **{**CLOSING, missing: "  "}), by="a", at=at + timedelta(hours=5))
    assert len(event_reports(ledger, event_id)) == 1  # nothing was written


def test_nothing_may_follow_the_closing_report(ledger):
    item = disputes(ledger)[0]
    at = item["captured_at"] + timedelta(hours=1)
    event_id = open_event(ledger, first(item), unit_code=item["unit_code"], by="a", at=at)
    add_report(ledger, event_id, Report("followup", "双方协商中。", handling="工作组进驻"), by="a", at=at + timedelta(hours=6))
    add_report(ledger, event_id, Report("closing", **CLOSING), by="a", at=at + timedelta(hours=30))
    assert allowed_next([r["stage"] for r in event_reports(ledger, event_id)]) == ()
    with pytest.raises(EventError, match="已终报"):
        add_report(ledger, event_id, Report("followup", "又有员工聚集。"), by="a", at=at + timedelta(hours=40))
    assert [r["seq"] for r in event_reports(ledger, event_id)] == [1, 2, 3]


@pytest.mark.parametrize("change, words", [
    (dict(item_ids=()), "关联至少一条台账记录"),
    (dict(title=""), "标题"),
    (dict(facts=" "), "事实"),
    (dict(lessons="太早"), "案例剖析在终报中填写"),
    (dict(item_ids=("NO-SUCH-ITEM",)), "找不到编号 NO-SUCH-ITEM"),
    (dict(lon=113.5), "经度和纬度须同时填写"),
    (dict(participants=-3), "不能为负"),
])
def test_a_first_report_that_breaks_a_rule_is_refused_with_a_reason(ledger, change, words):
    item = disputes(ledger)[0]
    report = Report(**{**first(item).__dict__, **change})
    with pytest.raises(EventError, match=words):
        open_event(ledger, report, unit_code=item["unit_code"], by="a", at=item["captured_at"] + timedelta(hours=1))


def test_a_location_alone_may_open_an_event_and_stages_come_in_order(ledger):
    event_id = open_event(ledger, Report("first", "数十名工人在工地门口聚集。", title="工地聚集", lon=113.3, lat=23.1),
                          unit_code="440100", by="a", at=datetime(2026, 1, 5, 9))
    with pytest.raises(EventError, match="只能报送续报或终报"):
        add_report(ledger, event_id, Report("first", "再报一次", title="x"), by="a", at=datetime(2026, 1, 5, 10))
    with pytest.raises(EventError, match="早于上一次报告"):
        add_report(ledger, event_id, Report("followup", "人员散去。"), by="a", at=datetime(2026, 1, 5, 8))
    with pytest.raises(EventError, match="找不到事件"):
        add_report(ledger, "E20260105-0000", Report("followup", "人员散去。"), by="a")


def test_an_officer_reports_only_for_their_own_unit(ledger):
    item = disputes(ledger, "441900")[0]
    at = item["captured_at"] + timedelta(hours=1)
    with pytest.raises(EventError, match="只能为本单位"):
        open_event(ledger, first(item), unit_code="441900", by="b", at=at, units=frozenset({"440300"}))
    with pytest.raises(EventError, match="不属于本单位"):
        open_event(ledger, first(item), unit_code="440300", by="b", at=at, units=frozenset({"440300"}))
    event_id = open_event(ledger, first(item), unit_code="441900", by="c", at=at, units=frozenset({"441900"}))
    with pytest.raises(EventError, match="只能为本单位"):
        add_report(ledger, event_id, Report("followup", "x"), by="b", at=at + timedelta(hours=2), units=frozenset({"440300"}))


def test_two_officers_closing_at_once_file_one_closing_report(ledger):
    item = disputes(ledger)[0]
    at = item["captured_at"] + timedelta(hours=1)
    event_id = open_event(ledger, first(item), unit_code=item["unit_code"], by="a", at=at)
    outcomes = []

    def close(who: str):
        try:
            add_report(ledger, event_id, Report("closing", **CLOSING), by=who, at=at + timedelta(hours=8))
            outcomes.append("filed")
        except EventError:
            outcomes.append("refused")

    threads = [threading.Thread(target=close, args=(w,)) for w in ("甲", "乙", "丙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["filed", "refused", "refused"]
    assert [r["stage"] for r in event_reports(ledger, event_id)] == ["first", "closing"]


def test_two_officers_filing_follow_ups_at_once_are_both_accepted_in_order(ledger):
    """The report time is stamped under the lock: stamped before it, the officer who waited
    carried a time earlier than the report just filed and was refused (4 rounds in 10)."""
    item = disputes(ledger)[0]
    event_id = open_event(ledger, first(item), unit_code=item["unit_code"], by="a",
                          at=item["captured_at"] + timedelta(hours=1))
    refusals = []

    def follow_up(who: str, ready: threading.Barrier):
        ready.wait()
        try:
            add_report(ledger, event_id, Report("followup", f"{who}：现场秩序平稳，正在协商。"), by=who)
        except EventError as error:
            refusals.append(str(error))

    for _ in range(10):
        ready = threading.Barrier(2)
        threads = [threading.Thread(target=follow_up, args=(who, ready)) for who in ("甲", "乙")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert refusals == []
    reports = event_reports(ledger, event_id)
    assert len(reports) == 21
    times = [r["reported_at"] for r in reports]
    assert times == sorted(times)


def test_split_item_ids_accepts_what_people_paste():
    assert split_item_ids("A1, A2，A3\nA4 ;A5") == ("A1", "A2", "A3", "A4", "A5")


# ---- journal → snapshot → queries -------------------------------------------------------------

def events_at(settings, now: datetime, scope: Scope = Scope(), closed_since=None, units=None) -> pl.DataFrame:
    return Door(settings).q("open_events", scope, now=now, followup_hours=FOLLOWUP_HOURS,
                            first_report_hours=FIRST_HOURS, closed_since=closed_since, units=units)


@pytest.fixture
def three_events(ledger):
    """An event followed up on time, one whose first report came 3 hours after the dispute was
    caught and then went quiet, and a closed one; all in Dongguan."""
    a, b, c, d = disputes(ledger, "441900")[-4:]
    t0 = max(x["captured_at"] for x in (a, b, c, d))
    assert t0 == d["captured_at"]
    kept = open_event(ledger, first(d, participants=80), unit_code="441900", by="a", at=t0 + timedelta(hours=1))
    add_report(ledger, kept, Report("followup", "协商中。", item_ids=(a["item_id"],), participants=120), by="a",
               at=t0 + timedelta(hours=20))  # linking an older item does not make the first report late
    quiet = open_event(ledger, first(c, title="安静的事件"), unit_code="441900", by="a",
                       at=c["captured_at"] + timedelta(hours=3))
    closed = open_event(ledger, first(b), unit_code="441900", by="a", at=t0 + timedelta(hours=2))
    add_report(ledger, closed, Report("closing", **CLOSING), by="a", at=t0 + timedelta(hours=10))
    build_snapshot(ledger)
    return {"kept": kept, "quiet": quiet, "closed": closed, "t0": t0, "items": (a, b, c, d)}


def test_open_events_judges_lateness_at_the_moment_given(ledger, three_events):
    t0 = three_events["t0"]
    rows = {r["event_id"]: r for r in events_at(ledger, t0 + timedelta(hours=30)).to_dicts()}
    assert set(rows) == {three_events["kept"], three_events["quiet"]}  # the closed one is not open
    kept, quiet = rows[three_events["kept"]], rows[three_events["quiet"]]
    assert (kept["stage"], kept["reports_n"], kept["items_n"], kept["participants"]) == ("followup", 2, 2, 120)
    assert kept["next_due_at"] == t0 + timedelta(hours=44) and not kept["overdue"] and kept["overdue_hours"] is None
    assert not kept["first_late"] and kept["unit_name_zh"] == "东莞市"
    quiet_since = three_events["items"][2]["captured_at"] + timedelta(hours=3)
    assert quiet["overdue"] and quiet["first_late"] and quiet["title"] == "安静的事件"
    assert quiet["overdue_hours"] == pytest.approx((t0 + timedelta(hours=30) - quiet_since).total_seconds() / 3600 - 24,
                                                   abs=1 / 60)
    assert list(rows) == [three_events["quiet"], three_events["kept"]]  # late first
    later = {r["event_id"]: r["overdue"] for r in events_at(ledger, t0 + timedelta(hours=45)).to_dicts()}
    assert later == {three_events["kept"]: True, three_events["quiet"]: True}


def test_closed_events_are_listed_when_asked_and_the_timeline_keeps_causes_apart(ledger, three_events):
    t0 = three_events["t0"]
    listed = events_at(ledger, t0 + timedelta(hours=30), closed_since=t0)
    closed = listed.filter(pl.col("event_id") == three_events["closed"]).row(0, named=True)
    assert closed["closed"] and closed["next_due_at"] is None and not closed["overdue"]
    assert closed["closed_at"] == t0 + timedelta(hours=10)
    timeline = Door(ledger).q("event_timeline", event_id=three_events["closed"], followup_hours=FOLLOWUP_HOURS)
    assert timeline["stage"].to_list() == ["first", "closing"]
    assert timeline["causes"].to_list() == [None, CLOSING["causes"]] and timeline["facts"][1] == CLOSING["facts"]
    assert timeline["late"].to_list() == [False, False]
    late = Door(ledger).q("event_timeline", event_id=three_events["kept"], followup_hours=10)
    assert late["late"].to_list() == [False, True]  # 19 hours after the first report, 10 allowed


def test_a_city_officer_sees_only_their_units_events(ledger, three_events):
    now = three_events["t0"] + timedelta(hours=30)
    assert events_at(ledger, now, Scope.only("440300")).is_empty()
    assert Door(ledger).q("event_timeline", Scope.only("440300"), event_id=three_events["kept"],
                          followup_hours=FOLLOWUP_HOURS).is_empty()
    assert events_at(ledger, now, Scope.only("441900")).height == 2
    assert events_at(ledger, now, units=["440300"]).is_empty()  # the sidebar's city filter


def test_personal_data_in_reports_is_masked_for_roles_that_may_not_see_it(ledger):
    event_id = open_event(ledger, Report("first", "联系人陈先生 13812345678 反映约50人聚集。", title="聚集", lon=113.3,
                                         lat=23.1), unit_code="440100", by="王女士", at=datetime(2026, 1, 5, 9))
    build_snapshot(ledger)
    masked = Door(ledger).q("event_timeline", Scope(personal=False), event_id=event_id, followup_hours=24).row(0, named=True)
    assert "13812345678" not in masked["facts"] and "138****5678" in masked["facts"] and "陈先生" not in masked["facts"]
    assert Door(ledger).q("event_timeline", event_id=event_id, followup_hours=24)["facts"][0].startswith("联系人陈先生")


def test_a_snapshot_built_before_events_existed_still_opens(ledger, three_events):
    snapshot = current_snapshot(ledger)
    manifest = json.loads((snapshot.path / "manifest.json").read_text(encoding="utf-8"))
    del manifest["tables"]["event_reports"]
    (snapshot.path / "event_reports.parquet").unlink()
    (snapshot.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    door = Door(ledger)
    assert events_at(ledger, three_events["t0"]).is_empty()
    assert door.q("event_timeline", event_id=three_events["kept"], followup_hours=24).is_empty()
    assert door.q("items_by_id", ids=[three_events["items"][0]["item_id"]]).height == 1


def test_a_snapshot_with_the_events_is_fresh_and_one_without_a_new_report_is_not(ledger, three_events):
    built = current_snapshot(ledger)
    assert fresh_snapshot(ledger).snapshot_id == built.snapshot_id  # nothing to rebuild
    add_report(ledger, three_events["kept"], Report("followup", "已复工。"), by="a", at=three_events["t0"] + timedelta(hours=30))
    rebuilt = fresh_snapshot(ledger)
    assert rebuilt.snapshot_id != built.snapshot_id
    assert rebuilt.manifest["tables"]["event_reports"]["rows"] == built.manifest["tables"]["event_reports"]["rows"] + 1


def test_a_new_ledger_has_an_empty_event_table(ledger):
    assert current_snapshot(ledger).manifest["tables"]["event_reports"]["rows"] == 0
    assert events_at(ledger, datetime(2026, 1, 1)).is_empty()


def test_deadlines_come_from_sentinel_toml(tmp_path, monkeypatch):
    from ledger.config import load_settings

    config = tmp_path / "sentinel.toml"
    config.write_text("[events]\nfollowup_hours = 12\nfirst_report_hours = 1\n", encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(config))
    settings = load_settings(tmp_path)
    assert (settings.events_followup_hours, settings.events_first_report_hours) == (12, 1)


# ---- the 事件跟踪 page (AppTest) -------------------------------------------------------------

def open_page(query: dict, user=None) -> "AppTest":
    from streamlit.testing.v1 import AppTest

    from ledger.config import REPO_ROOT
    from ledger.store import now_shanghai

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    if user is not None:
        at.session_state["_signed_in"] = (user, now_shanghai())
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("app_pages/events.py")
    return at.run()


def test_the_page_files_a_follow_up_and_shows_it_in_the_timeline_with_causes_apart(ledger, three_events):
    event_id = three_events["kept"]
    at = open_page({"event": event_id})
    assert not at.exception and not at.error and at.title[0].value == "事件跟踪"
    listed = at.dataframe[0].value
    assert "超过24小时未续报" in set(listed["状态"])  # the quiet event, judged at the real clock
    form = f"events_report_{event_id}"
    assert at.radio(key=f"{form}_stage").options == ["续报", "终报"]
    at.text_area(key=f"{form}_facts").input("镇街工作组进驻，双方第二轮协商中，现场约40人。")
    at.text_area(key=f"{form}_causes").input("初步了解：订单减少导致延期发薪。")
    next(b for b in at.button if b.label == "报送").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.toast[0].value == f"已报送续报：{event_id}"
    headers = [m.value for m in at.markdown if m.value.startswith("**续报**")]
    assert len(headers) == 2 and headers[-1].endswith("演示用户 · :red[迟报]")  # 11 days after the last one
    assert any("镇街工作组进驻" in x.value for x in at.text)
    assert [i.value for i in at.info] == ["**原因（审慎）**  \n初步了解：订单减少导致延期发薪。"]
    assert [r["stage"] for r in event_reports(ledger, event_id)] == ["first", "followup", "followup"]


def test_the_page_refuses_a_closing_report_without_causes_and_keeps_what_was_typed(ledger, three_events):
    event_id = three_events["kept"]
    at = open_page({"event": event_id})
    form = f"events_report_{event_id}"
    at.radio(key=f"{form}_stage").set_value("closing")
    at.text_area(key=f"{form}_facts").input("员工已复工。")
    next(b for b in at.button if b.label == "报送").click().run()
    assert not at.exception and "终报须写明原因、处置情况、案例剖析" in at.error[0].value
    assert at.text_area(key=f"{form}_facts").value == "员工已复工。"
    assert len(event_reports(ledger, event_id)) == 2


def test_the_page_opens_an_event_from_an_item_id_in_the_link(ledger):
    item = disputes(ledger, "440300")[-1]
    at = open_page({"new": item["item_id"]})
    assert not at.exception and any(t.value.startswith("暂无在办事件") for t in at.info)
    assert at.text_input(key="events_new_items").value == item["item_id"]
    at.text_input(key="events_new_title").input("宝安某厂欠薪聚集")
    at.text_area(key="events_new_facts").input("约60名员工在厂区聚集，要求支付拖欠工资。")
    next(b for b in at.button if b.label == "报送首报").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.toast[0].value.startswith("已报送首报：E")
    assert at.subheader[0].value == "宝安某厂欠薪聚集" and "new" not in at.query_params


def test_a_leader_reads_events_without_forms_and_another_units_officer_sees_none(ledger, three_events, tmp_path,
                                                                                  monkeypatch):
    from ledger import access

    users = tmp_path / "users.toml"
    access.save_directory(users, [
        {"username": "li", "role": "leader", "password_hash": access.hash_password("correct horse battery")},
        {"username": "chen", "role": "officer", "unit": "440300",
         "password_hash": access.hash_password("correct horse battery")}], [])
    monkeypatch.setenv("SENTINEL_USERS", str(users))
    directory = access.load_directory(ledger)
    leader = open_page({"event": three_events["kept"]}, directory.find("li"))
    assert not leader.exception and len(leader.dataframe[0].value) == 2
    assert not [b for b in leader.button if b.label in ("报送", "报送首报")]
    assert any("报送由地市信息员和管理员进行" in c.value for c in leader.caption)
    officer = open_page({"event": three_events["kept"]}, directory.find("chen"))
    assert not officer.exception and any(i.value.startswith("暂无在办事件") for i in officer.info)
    assert not [m for m in officer.markdown if m.value.startswith("**首报**")]  # a forged link shows nothing


# ---- python -m ledger event -----------------------------------------------------------------

def cli(settings, *args) -> subprocess.CompletedProcess:
    from ledger.config import REPO_ROOT

    return subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(settings.data_dir), "event", *args],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def test_the_command_line_opens_reports_and_lists_events(ledger):
    item = disputes(ledger, "440300")[-1]
    opened = cli(ledger, "open", "--title", "宝安某厂欠薪聚集", "--facts", "约60名员工聚集。", "--item", item["item_id"],
                 "--by", "陈信息员")
    assert opened.returncode == 0, opened.stderr
    event_id = opened.stdout.split(":")[0]
    listed = json.loads(cli(ledger, "list", "--json").stdout)
    assert [(e["event_id"], e["unit_code"], e["stage"], e["items_n"]) for e in listed] == \
           [(event_id, "440300", "first", 1)]
    refused = cli(ledger, "report", event_id, "--stage", "closing", "--facts", "已复工。")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == ["python -m ledger event report: 终报须写明原因、处置情况、案例剖析。"]
    closed = cli(ledger, "report", event_id, "--stage", "closing", "--facts", CLOSING["facts"], "--causes", CLOSING["causes"],
                 "--handling", CLOSING["handling"], "--lessons", CLOSING["lessons"])
    assert closed.returncode == 0, closed.stderr
    assert "0 listed" in cli(ledger, "list").stdout
    assert "已终报" in cli(ledger, "list", "--closed-days", "1").stdout
    unknown = cli(ledger, "report", "E20200101-0000", "--stage", "followup", "--facts", "x")
    assert unknown.returncode == 2 and "找不到事件" in unknown.stderr


def test_the_demo_journals_staged_events_through_the_same_rules(ledger):
    from ledger.demo.events import journal_demo_events
    from ledger.store import now_shanghai

    now = now_shanghai()
    assert journal_demo_events(ledger, seed=11, now=now) == 3
    build_snapshot(ledger)
    rows = events_at(ledger, now, closed_since=now - timedelta(days=3650))
    assert rows.height == 3 and rows["closed"].sum() == 1 and rows["overdue"].sum() >= 1
    closed = rows.filter(pl.col("closed"))["event_id"][0]
    timeline = Door(ledger).q("event_timeline", event_id=closed, followup_hours=FOLLOWUP_HOURS)
    assert timeline["stage"].to_list() == ["first", "followup", "closing"]
    assert timeline["causes"][0] is None and timeline["lessons"][2].startswith("一是")
