"""Reminder rounds against real servers on loopback: an aiosmtpd SMTP server (plain and STARTTLS
with a private CA made by trustme) and a local HTTP server standing in for the SMS gateway. What
the servers received is compared with what the ledger calls for, counted independently."""
from __future__ import annotations

import json
import ssl
import subprocess
import sys
from datetime import timedelta

import polars as pl
import pytest
import trustme
from aiosmtpd.controller import Controller

from ledger.workflow import remind
from ledger.config import REPO_ROOT, load_settings
from ledger.geo import unit_by_code
from ledger.store import current_snapshot, now_shanghai
from queries import ALL
from tests.helpers import build_demo
from tests.loopback import DAYS_BACK, DAYS_ESCALATE, HOURS_SOON, Inbox, configure, free_port, gateway, smtp  # noqa: F401

@pytest.fixture
def ledger(tmp_path, monkeypatch, smtp, gateway):
    controller, _ = smtp
    configure(tmp_path, monkeypatch, {"host": "127.0.0.1", "port": controller.port, "security": "none",
                                      "sender": "sentinel@union.test"},
              f"http://127.0.0.1:{gateway.server_port}/send")
    data = tmp_path / "data"
    build_demo(data, n_items=2500, seed=5)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    return load_settings()


def expected_stages(settings, now) -> pl.DataFrame:
    """Reminder stages per unverified item, counted from the snapshot with Polars."""
    items = pl.read_parquet(current_snapshot(settings).table("items")).filter(
        pl.col("verified_at").is_null() & pl.col("status").is_in(["pending", "verifying"])
        & (pl.col("verify_due_at") <= now + timedelta(hours=HOURS_SOON))
        & (pl.col("verify_due_at") >= now - timedelta(days=DAYS_BACK)))
    late = pl.lit(now) - pl.col("verify_due_at")
    return items.select(
        "item_id", pl.coalesce("assigned_unit", "unit_code").alias("unit"),
        (pl.col("verify_due_at") > now).alias("due_soon"),
        (pl.col("verify_due_at") <= now).alias("overdue"),
        (late >= timedelta(days=DAYS_ESCALATE)).alias("escalated"))


def test_a_round_sends_each_stage_once_to_the_right_people_by_email_and_sms(ledger, smtp, gateway):
    _, inbox = smtp
    now = now_shanghai()
    outcomes = remind.run_round(ledger, now).reminders
    stages = expected_stages(ledger, now)
    n_officer = int(stages["due_soon"].sum() + stages["overdue"].sum())
    n_head = int(stages["escalated"].sum())
    assert n_officer > 0 and n_head > 0, "the demo should have items due soon, overdue and long overdue"
    assert all(o.sent for o in outcomes) and len(outcomes) == 2 * (n_officer + n_head)
    recipients = [m["To"] for m in inbox.messages]
    assert len(recipients) == n_officer + n_head
    assert sum(r.startswith("head") for r in recipients) == n_head
    by_unit = stages.group_by("unit").agg(pl.col("due_soon").sum() + pl.col("overdue").sum()).rows()
    for unit, count in by_unit:
        assert recipients.count(f"officer{unit}@union.test") == count
    first = next(m for m in inbox.messages if "已超期" in m["Subject"])
    item_id = first["Subject"].split("：")[-1]
    assert item_id in stages.filter(pl.col("overdue"))["item_id"].to_list()
    assert f"http://sentinel.intranet/verify?item={item_id}" in first.get_content()
    assert len(gateway.received) == n_officer + n_head
    body, auth = gateway.received[0]
    assert auth == "Bearer s3cret" and body["mobile"].startswith("13") and "【哨岗】" in body["content"]

    assert remind.run_round(ledger, now + timedelta(minutes=15)).reminders == []  # never the same reminder twice
    assert len(inbox.messages) == n_officer + n_head


def test_failed_sms_are_logged_and_sent_in_the_next_round_while_emails_are_not_repeated(ledger, smtp, gateway):
    _, inbox = smtp
    now = now_shanghai()
    gateway.status = 503
    first = remind.run_round(ledger, now).reminders
    failed = [o for o in first if not o.sent]
    assert failed and {o.reminder.channel for o in failed} == {"sms"} and "503" in failed[0].error
    logged = remind.read_log(ledger)
    assert len(logged) == len(first) and sum(not e["sent"] for e in logged) == len(failed)
    emails = len(inbox.messages)
    gateway.status = 200
    second = remind.run_round(ledger, now + timedelta(minutes=15)).reminders
    assert sorted(o.reminder.key for o in second) == sorted(o.reminder.key for o in failed)
    assert all(o.sent for o in second) and len(gateway.received) == len(failed)
    assert len(inbox.messages) == emails


def test_a_verified_item_is_no_longer_chased(ledger, smtp):
    from ledger.access import DEMO_USER
    from ledger.workflow.verify import Verification, load_item, save

    now = now_shanghai()
    target = expected_stages(ledger, now).filter(pl.col("due_soon") | pl.col("overdue"))["item_id"][0]
    save(ledger, load_item(ledger, target, ALL), Verification("true", "已核实"), DEMO_USER)
    dry = remind.run_round(ledger, now, dry_run=True).reminders  # the round rebuilds the snapshot first
    assert dry and target not in {o.reminder.item_id for o in dry}
    assert not smtp[1].messages and remind.read_log(ledger) == []  # a dry run sends and logs nothing


def test_starttls_with_a_private_ca(tmp_path, monkeypatch, gateway):
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=server_context, require_starttls=True)
    controller.start()
    try:
        ca_file = tmp_path / "ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        configure(tmp_path, monkeypatch, {"host": "127.0.0.1", "port": controller.port, "security": "starttls",
                                          "ca_file": str(ca_file)}, f"http://127.0.0.1:{gateway.server_port}/send")
        build_demo(tmp_path / "data", n_items=1500, seed=5)
        settings = load_settings(tmp_path / "data")
        outcomes = remind.run_round(settings, now_shanghai()).reminders
        emails = [o for o in outcomes if o.reminder.channel == "email"]
        assert emails and all(o.sent for o in emails) and len(inbox.messages) == len(emails)
    finally:
        controller.stop()


def test_cli_json_dry_run_lists_reminders_without_phone_numbers(ledger):
    run = subprocess.run([sys.executable, "-m", "ledger", "remind", "--dry-run", "--json"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    reminders = json.loads(run.stdout)["reminders"]
    assert reminders and set(reminders[0]) == {"item_id", "unit", "officer", "channel", "stage", "due_at", "sent"}
    assert not any(r["sent"] for r in reminders) and "139000000" not in run.stdout
    assert {r["stage"] for r in reminders} <= set(remind.STAGES)


def test_a_missing_officers_file_is_a_clear_error(ledger, monkeypatch, tmp_path):
    monkeypatch.setenv("SENTINEL_OFFICERS", str(tmp_path / "none.toml"))
    run = subprocess.run([sys.executable, "-m", "ledger", "remind"], cwd=REPO_ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1 and "officers.toml" in run.stderr and "Traceback" not in run.stderr


def test_the_admin_page_lists_officers_without_their_phone_numbers(ledger):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.switch_page("app_pages/admin.py")
    at.run()
    assert not at.exception
    officers = next(frame.value for frame in at.dataframe if "职责" in frame.value.columns)
    assert len(officers) == 2 * len(unit_by_code()) and set(officers["手机"]) == {"已登记"}
    assert not any("1390000" in str(frame.value.to_csv()) or "1380000" in str(frame.value.to_csv()) for frame in at.dataframe)
