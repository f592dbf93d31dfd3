"""等级确认 on a real ledger: a grade I or II set at ingest or by an officer waits for the province;
only a provincial leader or an administrator decides; a rejection needs its reason and goes back to
the unit; a regrade asks again; every step is in the item's history and the audit; the pages show
unconfirmed grades apart."""
from __future__ import annotations

import json

import polars as pl
import pytest

from ledger.access import audit
from ledger.workflow import grade_review
from ledger.access import ROLES, User
from ledger.config import load_settings
from ledger.store import build_snapshot, current_snapshot
from ledger.workflow.verify import Verification, load_item, save
from queries import ALL, Door
from tests.helpers import build_demo

ADMIN = User("admin1", ROLES["admin"], "省总管理员")
LEADER = User("leader1", ROLES["leader"], "省总领导")
ANALYST = User("analyst1", ROLES["analyst"], "分析员")


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    data = tmp_path / "data"
    build_demo(data, n_items=1500, seed=11)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    return load_settings()


def _items(settings) -> pl.DataFrame:
    return pl.read_parquet(current_snapshot(settings).table("items"))


def _officer(item: dict) -> User:
    return User("officer1", ROLES["officer"], "信息员", unit_code=item["unit_code"])


def _regrade(settings, item_id: str, grade: str) -> None:
    version = load_item(settings, item_id, ALL)
    item = version.item
    save(settings, version, Verification(result="true", notes="现场核实属实", grade=grade), _officer(item))
    build_snapshot(settings)


def test_an_officer_raising_a_grade_puts_it_before_the_province(ledger):
    settings = ledger
    item = _items(settings).filter(pl.col("grade") == "IV").row(0, named=True)
    _regrade(settings, item["item_id"], "II")
    after = load_item(settings, item["item_id"], ALL).item
    assert after["grade"] == "II" and after["grade_review"] == "pending"
    pending = Door(settings).q("grade_reviews", ALL, since=after["captured_at"], now=after["updated_at"])
    assert item["item_id"] in pending["item_id"].to_list()

    with pytest.raises(grade_review.ReviewError, match="不能确认等级"):
        grade_review.review(settings, item["item_id"], "confirm", ANALYST)
    with pytest.raises(grade_review.ReviewError, match="不能确认等级"):
        grade_review.review(settings, item["item_id"], "confirm", _officer(item))
    with pytest.raises(grade_review.ReviewError, match="须填写理由"):
        grade_review.review(settings, item["item_id"], "reject", LEADER, "  ")

    grade_review.review(settings, item["item_id"], "reject", LEADER, "参与人数核实为 40 人，不足 II 级标准")
    with pytest.raises(grade_review.ReviewError, match="不在待确认状态"):
        grade_review.review(settings, item["item_id"], "confirm", ADMIN)  # one decision per question
    build_snapshot(settings)
    sent_back = load_item(settings, item["item_id"], ALL).item
    assert sent_back["grade_review"] == "rejected" and "40 人" in sent_back["grade_review_note"]
    assert sent_back["grade_reviewed_by"] == "省总领导"

    _regrade(settings, item["item_id"], "I")  # the unit answers with a new grade: a new question
    again = load_item(settings, item["item_id"], ALL).item
    assert again["grade_review"] == "pending" and again["grade_review_note"] is None
    grade_review.review(settings, item["item_id"], "confirm", ADMIN)
    build_snapshot(settings)
    assert load_item(settings, item["item_id"], ALL).item["grade_review"] == "confirmed"

    history = Door(settings).q("item_history", ALL, item_id=item["item_id"])
    changed = history.filter(pl.col("field") == "grade_review")
    assert changed["after"].to_list() == ["pending", "rejected", "pending", "confirmed"]
    decisions = audit.read(settings, event="grade_review")
    assert sorted((e["user"], e["decision"]) for e in decisions) == [("admin1", "confirm"), ("leader1", "reject")]


def test_a_regrade_to_a_grade_without_review_clears_the_question(ledger):
    settings = ledger
    item = _items(settings).filter(pl.col("grade") == "IV").row(0, named=True)
    _regrade(settings, item["item_id"], "II")
    _regrade(settings, item["item_id"], "III")
    assert load_item(settings, item["item_id"], ALL).item["grade_review"] is None


def test_which_grades_need_confirmation_is_configured(ledger, tmp_path, monkeypatch):
    (tmp_path / "sentinel.toml").write_text('[grade_review]\ngrades = ["I"]\n', encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(tmp_path / "sentinel.toml"))
    settings = load_settings()
    assert grade_review.initial_review("II", settings) is None and grade_review.initial_review("I", settings) == "pending"
    item = _items(settings).filter(pl.col("grade") == "IV").row(0, named=True)
    _regrade(settings, item["item_id"], "II")
    assert load_item(settings, item["item_id"], ALL).item["grade_review"] is None


def test_a_rejection_reaches_the_units_work_group(ledger, tmp_path, monkeypatch):
    """The unit hears the province's reason in its work group (a dry run shows the notice)."""
    from ledger.workflow import alerts, remind
    from ledger.store import now_shanghai
    settings = ledger
    item = _items(settings).filter(pl.col("grade") == "IV").row(0, named=True)
    _regrade(settings, item["item_id"], "II")
    grade_review.review(settings, item["item_id"], "reject", LEADER, "人数不足 II 级标准")
    build_snapshot(settings)
    officers = tmp_path / "officers.toml"
    officers.write_text(f'[[groups]]\nunit = "{item["unit_code"]}"\nname = "市总群"\nkind = "wecom"\n'
                        f'base_url = "http://127.0.0.1:9/cgi-bin/webhook/send"\nkey = "k"\nsubscribe = ["reminders"]\n',
                        encoding="utf-8")
    monkeypatch.setenv("SENTINEL_OFFICERS", str(officers))
    planned = remind.run_round(load_settings(), now_shanghai(), dry_run=True).groups
    lines = [n.line for g in planned for n in g.notices if "grade_rejected" in n.subject]
    assert len(lines) == 1 and "人数不足 II 级标准" in lines[0] and item["item_id"] in lines[0]
    assert not alerts.log_file(settings).exists()


def test_a_file_cannot_confirm_a_grade_or_keep_a_confirmation_through_a_regrade(ledger, tmp_path):
    """An import that states 等级确认 = 已确认, or raises a confirmed item's grade, leaves the decision to the province."""
    from ledger.documents.export import write_items
    from ledger.ingest import ingest_files

    settings = ledger
    items = _items(settings)
    confirmed = items.filter(pl.col("grade_review") == "confirmed").row(0, named=True)
    lower = items.filter(pl.col("grade") == "IV").row(0, named=True)
    edited = items.filter(pl.col("item_id").is_in([confirmed["item_id"], lower["item_id"]])).with_columns(
        grade=pl.when(pl.col("item_id") == confirmed["item_id"]).then(pl.lit("II" if confirmed["grade"] == "I" else "I"))
        .otherwise(pl.lit("I")),
        grade_review=pl.lit("confirmed"), grade_reviewed_by=pl.lit("导入文件"))
    path = tmp_path / "edited.xlsx"
    write_items(edited, path)
    report = ingest_files(settings, [path])
    assert report.files[0].updated == 2, [p.text() for p in report.problems]
    build_snapshot(settings)
    for item_id in (confirmed["item_id"], lower["item_id"]):
        after = load_item(settings, item_id, ALL).item
        assert after["grade"] in ("I", "II") and after["grade_review"] == "pending" and after["grade_reviewed_by"] is None
