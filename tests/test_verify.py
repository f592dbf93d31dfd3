"""Assigning and verifying items: real journals and snapshots in a private ledger per test, the
rules a verification must meet, the conflict between two officers, the scope of a city officer,
the background rebuild, and the 核实办理 page (AppTest) saving a verification end to end."""
from __future__ import annotations

import pickle
from datetime import timedelta

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ledger.workflow import assign
from ledger.access import audit
from ledger.access import DEMO_USER, ROLES, User
from ledger.config import REPO_ROOT
from ledger.workflow.deadlines import configured_rules
from ledger.store.rebuild import rebuild_soon
from ledger.schema import ITEMS_SCHEMA
from ledger.store import Journal, build_snapshot, current_snapshot, now_shanghai
from ledger.workflow.verify import ConflictError, Verification, VerificationError, load_item, save
from queries import ALL
from tests.helpers import build_demo

APP = str(REPO_ROOT / "app.py")


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    settings = build_demo(tmp_path, n_items=1500, seed=11)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    return settings


def items(settings) -> pl.DataFrame:
    return pl.read_parquet(current_snapshot(settings).table("items"))


def pending(settings, unit: str | None = None) -> dict:
    frame = items(settings).filter((pl.col("status") == "pending") & pl.col("assigned_at").is_not_null())
    if unit:
        frame = frame.filter(pl.col("unit_code") == unit)
    return frame.sort("item_id").row(0, named=True)


def officer(unit: str, name: str = "陈核实") -> User:
    return User(f"officer-{unit}-{name}", ROLES["officer"], name, unit)


def test_a_saved_verification_reaches_the_snapshot_with_its_history(ledger):
    item = pending(ledger)
    who = officer(item["unit_code"])
    change = save(ledger, load_item(ledger, item["item_id"], ALL),
                  Verification("partly", " 现场核实：约30人聚集，已协调发放部分工资。 ", grade="III", ownership="private",
                               union_present=False, participants_low=30, participants_high=35, disposition="已协调",
                               proactive=True), who)
    assert change.before["status"] == "pending" and change.after["status"] == "verified"
    build_snapshot(ledger)
    row = items(ledger).filter(pl.col("item_id") == item["item_id"]).row(0, named=True)
    assert (row["status"], row["verification_result"], row["grade"], row["union_present"], row["proactive"]) == \
           ("verified", "partly", "III", False, True)
    assert row["verification_notes"] == "现场核实：约30人聚集，已协调发放部分工资。"
    assert row["verified_by"] == "陈核实" and row["participants_high"] == 35
    history = pl.read_parquet(current_snapshot(ledger).table("verifications")).filter(pl.col("item_id") == item["item_id"])
    status = history.filter(pl.col("field") == "status").row(0, named=True)
    assert (status["before"], status["after"], status["recorded_by"]) == ('"pending"', '"verified"', who.username)


def test_a_snapshot_built_on_the_last_one_equals_a_build_from_the_whole_journal(ledger):
    """After changes alone, a build starts from the current snapshot's items (fast at ten million
    items); it must give exactly what a full build of the journal gives."""
    waiting = items(ledger).filter(pl.col("status").is_in(["pending", "verifying"]) & pl.col("assigned_at").is_not_null()
                                   & pl.col("verified_at").is_null()).sort("item_id")
    first, second = waiting.row(0, named=True), waiting.row(1, named=True)
    save(ledger, load_item(ledger, first["item_id"], ALL), Verification("true", "属实。", grade="III"),
         officer(first["unit_code"]))
    assert build_snapshot(ledger).manifest["items_from"] is not None  # started from the demo's snapshot
    save(ledger, load_item(ledger, first["item_id"], ALL), Verification("partly", "更正：部分属实。", participants_low=40,
                                                                   close=True), officer(first["unit_code"]))
    save(ledger, load_item(ledger, second["item_id"], ALL), Verification("false", "不实。"), officer(second["unit_code"]))
    built_on = build_snapshot(ledger)
    assert built_on.manifest["items_from"] is not None
    on_last = items(ledger)
    full = build_snapshot(ledger, full=True)
    assert full.manifest["items_from"] is None and full.manifest["counts"] == built_on.manifest["counts"]
    assert on_last.sort("item_id").equals(items(ledger).sort("item_id"))
    assert on_last.filter(pl.col("item_id") == first["item_id"]).select("verification_result", "status", "grade",
                                                                         "participants_low").row(0) == \
           ("partly", "closed", "III", 40)
    add = items(ledger).head(1).with_columns(item_id=pl.lit("NEW-1"))  # an ingest: the next build is full again
    Journal(ledger.journal_dir).append("items", [add.to_arrow().cast(ITEMS_SCHEMA)], source="test")
    assert build_snapshot(ledger).manifest["items_from"] is None


def test_the_later_of_two_officers_gets_a_conflict_and_the_first_change_is_kept(ledger):
    item = pending(ledger)
    first, second = officer(item["unit_code"], "甲"), officer(item["unit_code"], "乙")
    form_a, form_b = load_item(ledger, item["item_id"], ALL), load_item(ledger, item["item_id"], ALL)
    save(ledger, form_a, Verification("true", "甲的核实"), first)
    with pytest.raises(ConflictError) as conflict:
        save(ledger, form_b, Verification("false", "乙的核实"), second)
    assert conflict.value.others[0].recorded_by == first.username
    assert "verification_result" in conflict.value.others[0].fields
    reloaded = load_item(ledger, item["item_id"], ALL)  # the newer values, before any snapshot is built
    assert reloaded.item["verification_notes"] == "甲的核实"
    save(ledger, reloaded, Verification("false", "乙的核实"), second)
    build_snapshot(ledger)
    history = pl.read_parquet(current_snapshot(ledger).table("verifications")).filter(
        (pl.col("item_id") == item["item_id"]) & (pl.col("field") == "verification_notes"))
    assert history["after"].to_list() == ['"甲的核实"', '"乙的核实"']  # neither is lost
    assert history["before"].to_list() == ["null", '"甲的核实"']


@pytest.mark.parametrize("verification, words", [
    (Verification("", "有内容"), "核实结果"),
    (Verification("true", "  "), "核实情况"),
    (Verification("duplicate", "重复"), "重复的台账编号"),
    (Verification("duplicate", "重复", duplicate_of="NO-SUCH-ITEM"), "没有编号为 NO-SUCH-ITEM"),
    (Verification("true", "人数", participants_low=50, participants_high=10), "上限不能小于下限"),
])
def test_verifications_that_break_the_rules_are_refused_with_a_reason(ledger, verification, words):
    item = pending(ledger)
    with pytest.raises(VerificationError) as error:
        save(ledger, load_item(ledger, item["item_id"], ALL), verification, officer(item["unit_code"]))
    assert words in error.value.text("zh")
    assert not [b for b in (ledger.journal_dir).glob("*-verifications-*")]


def test_a_duplicate_names_another_item_and_a_correction_keeps_the_first_verification_time(ledger):
    item = items(ledger).filter((pl.col("status") == "pending") & pl.col("assigned_at").is_not_null()
                                & (pl.col("captured_at") < now_shanghai() - timedelta(hours=2))).sort("item_id").row(0, named=True)
    other = items(ledger).row(0, named=True)
    who = officer(item["unit_code"])
    first = save(ledger, load_item(ledger, item["item_id"], ALL), Verification("duplicate", "与另一条重复", duplicate_of=other["item_id"]),
                 who, at=now_shanghai() - timedelta(hours=1))
    correction = save(ledger, load_item(ledger, item["item_id"], ALL), Verification("true", "复核后确认属实"), who)
    assert "verified_at" not in correction.after and correction.after["duplicate_of"] is None
    build_snapshot(ledger)
    row = items(ledger).filter(pl.col("item_id") == item["item_id"]).row(0, named=True)
    assert row["verified_at"] == first.after["verified_at"] and row["verification_result"] == "true"
    assert save(ledger, load_item(ledger, item["item_id"], ALL), Verification("true", "复核后确认属实"), who) is None


def test_an_officer_cannot_verify_another_units_item_and_a_leader_cannot_verify_at_all(ledger):
    item = pending(ledger)
    elsewhere = next(code for code in ("440100", "440300") if code != item["unit_code"])
    version = load_item(ledger, item["item_id"], ALL)
    with pytest.raises(VerificationError, match="another unit"):
        save(ledger, version, Verification("true", "越权"), officer(elsewhere))
    with pytest.raises(VerificationError, match="cannot record"):
        save(ledger, version, Verification("true", "越权"), User("li", ROLES["leader"], "李"))


def test_new_items_without_a_unit_are_assigned_with_a_deadline_by_grade(ledger):
    snapshot_items = items(ledger)
    waiting = pl.concat([snapshot_items.filter(pl.col("grade") == grade).head(1) for grade in ("I", "IV")]).with_columns(
        item_id=pl.Series(["NEW-1", "NEW-2"]), status=pl.lit("pending"), assigned_unit=pl.lit(None, pl.String),
        assigned_at=pl.lit(None, pl.Datetime("us")), verify_due_at=pl.lit(None, pl.Datetime("us")),
        verified_at=pl.lit(None, pl.Datetime("us")), verification_result=pl.lit(None, pl.String),
        closed_at=pl.lit(None, pl.Datetime("us")))
    Journal(ledger.journal_dir).append("items", [waiting.to_arrow().cast(ITEMS_SCHEMA)], source="platform.csv")
    build_snapshot(ledger)
    now = now_shanghai()
    changes = assign.assign_new(ledger, now)
    # The demo's own newest items may be waiting too (captured minutes ago): they are assigned alike.
    # Items without a unit (属地待定) wait for the province instead.
    demo_waiting = snapshot_items.filter(pl.col("assigned_at").is_null() & pl.col("status").is_in(["pending", "verifying"])
                                         & pl.col("unit_code").is_not_null())
    assert sorted(c.item_id for c in changes) == sorted(waiting["item_id"].to_list() + demo_waiting["item_id"].to_list())
    build_snapshot(ledger)
    assert assign.assign_new(ledger, now) == []  # nothing twice
    after = items(ledger).filter(pl.col("item_id").is_in(waiting["item_id"].to_list()))
    for row in after.iter_rows(named=True):
        assert row["assigned_unit"] == row["unit_code"] and row["assigned_at"] == now
        assert row["verify_due_at"] == configured_rules().due_at(now, row["grade"], row["source"])


def test_rebuilds_requested_in_a_burst_end_with_a_snapshot_that_has_them_all(ledger):
    before = current_snapshot(ledger).snapshot_id
    ids = items(ledger).filter((pl.col("status") == "pending") & pl.col("unit_code").is_not_null()).sort("item_id")[
        "item_id"].to_list()[:3]
    for item_id in ids:
        unit = items(ledger).filter(pl.col("item_id") == item_id)["unit_code"][0]
        save(ledger, load_item(ledger, item_id, ALL), Verification("true", "批量核实"), officer(unit))
        thread = rebuild_soon(ledger)
    thread.join(timeout=120)
    assert current_snapshot(ledger).snapshot_id != before
    assert set(items(ledger).filter(pl.col("item_id").is_in(ids))["status"]) == {"verified"}


def open_verify_page(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("app_pages/verify.py")
    return at.run()


def test_the_province_assigns_an_item_whose_place_is_unknown(ledger):
    queue = assign.pending(ledger)
    unplaced = items(ledger).filter(pl.col("unit_code").is_null() & pl.col("status").is_in(["pending", "verifying"]))
    assert sorted(queue["item_id"]) == sorted(unplaced["item_id"]) and queue.height > 0
    item_id = queue["item_id"][0]
    # No officer's scope holds it, and no automatic assignment gives it a unit.
    with pytest.raises(VerificationError, match="another unit"):
        save(ledger, load_item(ledger, item_id, ALL), Verification("true", "越权"), officer("440300"))
    assert item_id not in {c.item_id for c in assign.assign_new(ledger, now_shanghai())}
    with pytest.raises(assign.AssignmentError, match="不属于深圳市"):
        assign.assign_place(ledger, item_id, "440300", "441900003")  # a Dongguan town
    with pytest.raises(assign.AssignmentError, match="不是广东省的报送单位"):
        assign.assign_place(ledger, item_id, "110000")
    now = now_shanghai()
    change = assign.assign_place(ledger, item_id, "440500", by="省总 王分派", now=now)
    assert change.before["unit_code"] is None and change.after["place_precision"] == "city"
    with pytest.raises(assign.AssignmentError, match="已属于汕头市") as refused:  # the journal is read, not only the snapshot
        assign.assign_place(ledger, item_id, "440300")
    assert refused.value.text("en") == f"{item_id} already belongs to Shantou: nothing to assign."  # the English page's
    copied = pickle.loads(pickle.dumps(refused.value))  # as a cache or a worker would copy it
    assert (type(copied), str(copied), copied.text("en")) == (assign.AssignmentError, str(refused.value), refused.value.text("en"))
    build_snapshot(ledger)
    row = items(ledger).filter(pl.col("item_id") == item_id).row(0, named=True)
    assert (row["unit_code"], row["assigned_unit"], row["county_code"], row["place_precision"], row["place_reason"]) == \
           ("440500", "440500", None, "city", None)
    assert row["assigned_at"] == now and row["verify_due_at"] == configured_rules().due_at(now, row["grade"], row["source"])
    assert row["status"] == "pending" and (row["lon"], row["lat"]) != (None, None)
    history = pl.read_parquet(current_snapshot(ledger).table("verifications")).filter(pl.col("item_id") == item_id)
    assert set(history["recorded_by"]) == {"省总 王分派"} and "unit_code" in set(history["field"])
    assert [e["item_id"] for e in audit.read(ledger, event="assignment")] == [item_id]
    assert item_id not in set(assign.pending(ledger)["item_id"])
    # Now it is 汕头's: its officer may verify it; a town given with its unit is placed at the town.
    save(ledger, load_item(ledger, item_id, ALL), Verification("true", "现场核实属实"), officer("440500"))
    other = queue["item_id"][1]
    assert assign.assign_place(ledger, other, "441900", "441900003").after["place_precision"] == "town"


def open_triage_page(user: User | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        at.session_state["_signed_in"] = (user, now_shanghai())
    at.switch_page("app_pages/triage.py")
    return at.run()


def test_the_triage_page_assigns_a_place_and_the_queue_shrinks(ledger):
    queue = assign.pending(ledger)
    at = open_triage_page()  # the demo's user is an administrator
    assert not at.exception and at.title[0].value == "属地分派"
    listed = at.dataframe[0].value
    assert listed["编号"].to_list() == queue["item_id"].to_list() and set(listed["属地待定原因"]) == set(queue["place_reason"])
    assert f"待分派 {queue.height} 条" in at.caption[0].value
    item_id = queue["item_id"][1]
    at.selectbox[0].set_value(item_id).run()
    at.selectbox[1].set_value("441900").run()  # 东莞市
    at.selectbox[2].set_value("441900003").run()
    next(b for b in at.button if b.label == "分派").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith(f"已将 {item_id} 分派到东莞市")
    after = load_item(ledger, item_id, ALL).item
    assert (after["unit_code"], after["county_code"], after["place_precision"]) == ("441900", "441900003", "town")
    assert after["assigned_at"] is not None and after["verify_due_at"] > after["assigned_at"]
    build_snapshot(ledger)
    history = pl.read_parquet(current_snapshot(ledger).table("verifications")).filter(pl.col("item_id") == item_id)
    assert set(history["recorded_by"]) == {DEMO_USER.name or DEMO_USER.username}
    assert item_id not in set(assign.pending(ledger)["item_id"])
    # A city officer cannot assign, not even by calling the ledger directly; the page is not theirs.
    with pytest.raises(assign.AssignmentError, match="不能分派属地"):
        assign.assign_place_as(ledger, officer("440300"), queue["item_id"][0], "440300")
    assert "triage" not in ROLES["officer"].pages and "triage" not in ROLES["leader"].pages


def test_the_page_lists_the_queue_by_urgency_and_saves_a_verification(ledger):
    at = open_verify_page({})
    assert not at.exception and at.title[0].value == "核实办理"
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts["已超期"] > 0
    states = at.dataframe[0].value["紧急程度"].to_list()
    assert states == sorted(states, key=["已超期", "即将到期", "新交办"].index)  # overdue first

    item = pending(ledger)
    at = open_verify_page({"item": item["item_id"]})
    at.radio(key=f"verify_{item['item_id']}_result").set_value("true")
    at.text_area(key=f"verify_{item['item_id']}_notes").input("现场核实：属实，已介入协调。")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "已保存" in at.toast[0].value
    events = [e for e in audit.read(ledger) if e["event"] == "verification_edit"]
    assert events and events[0]["item_id"] == item["item_id"] and events[0]["user"] == DEMO_USER.username


def test_the_page_shows_a_conflict_and_keeps_what_was_typed(ledger):
    item = pending(ledger)
    at = open_verify_page({"item": item["item_id"]})
    save(ledger, load_item(ledger, item["item_id"], ALL), Verification("true", "另一位信息员先保存"), officer(item["unit_code"], "王"))
    at.radio(key=f"verify_{item['item_id']}_result").set_value("false")
    at.text_area(key=f"verify_{item['item_id']}_notes").input("我的核实内容")
    at.button[0].click().run()
    assert "保存未成功" in at.error[0].value and "officer-" in at.error[0].value  # who saved first
    assert at.text_area(key=f"verify_{item['item_id']}_notes").value == "我的核实内容"
    at.button[1].click().run()  # 载入最新内容, then save again on top of it
    at.button[0].click().run()
    assert not at.error and "已保存" in at.toast[0].value


def test_markdown_in_a_link_or_a_title_stays_text_on_the_verify_page(ledger):
    """?item=![x](http://…) and a title holding a Markdown image or link are shown as written,
    escaped: the browser is never told to fetch an address from a link or from ledger text."""
    lure = "[会话已过期，请点击此处重新登录](http://127.0.0.1:9/login) ![x](http://127.0.0.1:9/p.png)"
    at = open_verify_page({"item": lure})
    warning = at.warning[0].value
    assert "](http" not in warning.replace("\\]\\(http", "") and "\\!\\[x\\]" in warning
    item = pending(ledger)
    hostile = items(ledger).filter(pl.col("item_id") == item["item_id"]).with_columns(
        title=pl.lit("![x](http://127.0.0.1:9/p.png) 工人聚集 [点此](http://127.0.0.1:9/)"), updated_at=pl.lit(now_shanghai()))
    # Journalled as the demo's, so that the ledger stays the demo and the page needs no sign-in.
    Journal(ledger.journal_dir).append("items", [hostile.to_arrow().cast(ITEMS_SCHEMA)], source="demo")
    build_snapshot(ledger)
    at = open_verify_page({"item": item["item_id"]})
    assert not at.exception
    heading = next(h.value for h in at.subheader if "工人聚集" in h.value)
    assert heading.startswith("\\!\\[x\\]\\(http") and "](http" not in heading
