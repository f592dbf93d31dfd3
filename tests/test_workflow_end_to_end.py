"""The verification workflow end to end, on real components: a demo ledger receives a new grade I
dispute; a reminder round assigns it and emails and texts the Shenzhen officer (loopback SMTP and
SMS servers); the officer signs in, verifies an overdue item on the 核实办理 page (AppTest); the
snapshot is rebuilt in the background; the 核实督办 page's gauge and counts change; and the next
round chases neither item again."""
from __future__ import annotations

import json
import re

import polars as pl
from streamlit.testing.v1 import AppTest

from ledger import access
from ledger.workflow import remind
from ledger.config import REPO_ROOT, load_settings
from ledger.i18n import t
from ledger.store.rebuild import rebuild_soon
from ledger.schema import ITEMS_SCHEMA
from ledger.store import Journal, build_snapshot, current_snapshot, now_shanghai
from tests.helpers import build_demo
from tests.loopback import configure, gateway, smtp  # noqa: F401

APP = str(REPO_ROOT / "app.py")
UNIT = "440300"


def as_officer(directory, page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["_signed_in"] = (directory.find("chen"), now_shanghai())
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def verification_page(directory) -> tuple[dict, str]:
    at = as_officer(directory, "app_pages/verification.py")
    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    gauge = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]  # e.g. 合计 92/108 · 超期3
    return metrics, gauge


def test_from_new_item_to_reminder_to_verification_to_dashboard(tmp_path, monkeypatch, smtp, gateway):
    _, inbox = smtp
    controller, _ = smtp
    configure(tmp_path, monkeypatch, {"host": "127.0.0.1", "port": controller.port, "security": "none"},
              f"http://127.0.0.1:{gateway.server_port}/send")
    settings = build_demo(tmp_path / "data", n_items=2500, seed=9)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(settings.data_dir))
    users = tmp_path / "users.toml"
    access.save_directory(users, [{"username": "chen", "role": "officer", "unit": UNIT, "name": "陈晓",
                                   "password_hash": access.hash_password("correct horse battery")}], [])
    monkeypatch.setenv("SENTINEL_USERS", str(users))
    settings = load_settings()
    directory = access.load_directory(settings)

    # A new grade I dispute arrives without a unit or deadline, as another tool might journal it.
    now = now_shanghai()
    items = pl.read_parquet(current_snapshot(settings).table("items"))
    new = items.filter(pl.col("unit_code") == UNIT).head(1).with_columns(
        item_id=pl.lit("NEW-SZ-1"), title=pl.lit("深圳某电子厂数百名工人停工讨薪"), grade=pl.lit("I"),
        captured_at=pl.lit(now), status=pl.lit("pending"), assigned_unit=pl.lit(None, pl.String),
        assigned_at=pl.lit(None, pl.Datetime("us")), verify_due_at=pl.lit(None, pl.Datetime("us")),
        verified_at=pl.lit(None, pl.Datetime("us")), verification_result=pl.lit(None, pl.String),
        closed_at=pl.lit(None, pl.Datetime("us")), updated_at=pl.lit(now))
    Journal(settings.journal_dir).append("items", [new.to_arrow().cast(ITEMS_SCHEMA)], source="platform.xlsx")
    build_snapshot(settings)

    # The reminder round assigns it (grade I: due in 2 hours, so "due soon") and tells the officer.
    outcomes = remind.run_round(settings, now).reminders
    assert outcomes and all(o.sent for o in outcomes)
    subjects = {m["Subject"]: m for m in inbox.messages if m["To"] == f"officer{UNIT}@union.test"}
    assert "[哨岗] 核实提醒（即将到期）：NEW-SZ-1" in subjects
    assert any("NEW-SZ-1" in body["content"] and body["mobile"] == "13900000011" for body, _ in gateway.received)
    overdue_ids = [s.split("：")[-1] for s in subjects if "已超期" in s]
    assert overdue_ids, "the demo should have overdue Shenzhen items"
    target = overdue_ids[0]

    before, gauge_before = verification_page(directory)

    # The officer verifies the overdue item on the page.
    at = as_officer(directory, "app_pages/verify.py", {"item": target})
    assert not at.exception
    assert at.session_state[f"verify_base_{target}"].item["unit_code"] == UNIT
    at.radio(key=f"verify_{target}_result").set_value("true")
    at.text_area(key=f"verify_{target}_notes").input("现场核实：属实，工人已复工。")
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rebuild_soon(settings).join(timeout=120)  # the page started it; this waits for it to land

    row = pl.read_parquet(current_snapshot(settings).table("items")).filter(pl.col("item_id") == target).row(0, named=True)
    assert (row["status"], row["verification_result"], row["verified_by"]) == ("verified", "true", "陈晓")

    after, gauge_after = verification_page(directory)
    overdue, late = t("verify.overdue_n"), t("verify.late_n")
    assert after[overdue] == before[overdue] - 1 and after[late] == before[late] + 1
    def overdue_in(spec: str) -> int:  # the gauge's title says 超期N, and nothing when none is overdue
        found = re.search(r"超期(\d+)", spec)
        return int(found.group(1)) if found else 0

    assert gauge_before != gauge_after and overdue_in(gauge_after) == overdue_in(gauge_before) - 1

    # The next round sends nothing again: the verified item is done, the others were told once.
    assert remind.run_round(settings, now_shanghai()).reminders == []
