"""Work-group robots against a real HTTP server on loopback that checks every request the way
企业微信 and 钉钉 document them: the path and key, the text message's shape and byte limit, the
@-mentions, and 钉钉's signature and timestamp. Then whole reminder rounds: each notice reaches
each group once, a failing group does not stop the others and is retried, quiet hours hold all
but grade I, and no key, secret or mobile number reaches the log."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import polars as pl
import pytest

from ledger.workflow import alerts, group_robots, remind
from ledger.config import load_settings
from ledger.store import current_snapshot, now_shanghai
from tests.helpers import build_demo
from tests.loopback import officers_toml

WECOM_KEY, DING_TOKEN, DING_SECRET = "wk-0d1e", "dt-77aa", "SECd1ngs3cret"


class Robots(BaseHTTPRequestHandler):
    """Both robot APIs; records (kind, body) for each valid message, refuses anything else."""

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        problem = (self._check_wecom(query, body) if url.path == "/cgi-bin/webhook/send"
                   else self._check_dingtalk(query, body) if url.path == "/robot/send" else "unknown path")
        if problem is None and self.server.refuse.get(url.path):
            problem = "refused on purpose"
        if problem is None:
            self.server.received.append(("wecom" if "webhook" in url.path else "dingtalk", body))
        else:
            self.server.problems.append(problem)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(json.dumps({"errcode": 0 if problem is None else 310000, "errmsg": problem or "ok"}).encode())

    @staticmethod
    def _check_wecom(query: dict, body: dict) -> str | None:
        if query != {"key": WECOM_KEY}:
            return f"bad key {query}"
        if body.get("msgtype") != "text" or set(body) != {"msgtype", "text"}:
            return f"not a text message: {sorted(body)}"
        text = body["text"]
        if not set(text) <= {"content", "mentioned_mobile_list", "mentioned_list"}:
            return f"unknown fields {sorted(text)}"
        if len(text["content"].encode("utf-8")) > 2048:
            return "content over 2048 bytes"
        if not all(isinstance(m, str) and len(m) == 11 for m in text.get("mentioned_mobile_list", [])):
            return "bad mentions"
        return None

    @staticmethod
    def _check_dingtalk(query: dict, body: dict) -> str | None:
        if set(query) != {"access_token", "timestamp", "sign"} or query["access_token"] != DING_TOKEN:
            return f"bad query {sorted(query)}"
        timestamp = int(query["timestamp"])
        if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
            return "timestamp more than an hour off"
        expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        if query["sign"] != expected:
            return "bad signature"
        if body.get("msgtype") != "text" or not isinstance(body.get("text", {}).get("content"), str):
            return "not a text message"
        at = body.get("at", {})
        if set(at) - {"atMobiles", "isAtAll", "atUserIds"} or at.get("isAtAll"):
            return "bad at"
        if any(f"@{m}" not in body["text"]["content"] for m in at.get("atMobiles", [])):
            return "a mentioned mobile is not in the text"
        return None

    def log_message(self, *args):
        pass


@pytest.fixture
def robots():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robots)
    server.received, server.problems, server.refuse = [], [], {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def groups_toml(port: int, unit: str, quiet: bool = False) -> str:
    return f"""
[[groups]]
unit = "{unit}"
name = "市总工会舆情工作群"
kind = "wecom"
base_url = "http://127.0.0.1:{port}/cgi-bin/webhook/send"
key_env = "TEST_WECOM_KEY"
subscribe = ["reminders", "serious"]

[[groups]]
unit = "province"
name = "省总应急分队"
kind = "dingtalk"
base_url = "http://127.0.0.1:{port}/robot/send"
key_env = "TEST_DING_TOKEN"
secret_env = "TEST_DING_SECRET"
subscribe = ["serious", "events"]
"""


@pytest.fixture
def ledger(tmp_path, monkeypatch, robots):
    data = tmp_path / "data"
    build_demo(data, n_items=2500, seed=5)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    (tmp_path / "sentinel.toml").write_text('[reminders]\napp_url = "http://sentinel.intranet"\n'
                                            '[reminders.groups]\nserious_lookback_hours = 2400\n', encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(tmp_path / "sentinel.toml"))
    monkeypatch.setenv("TEST_WECOM_KEY", WECOM_KEY)
    monkeypatch.setenv("TEST_DING_TOKEN", DING_TOKEN)
    monkeypatch.setenv("TEST_DING_SECRET", DING_SECRET)
    settings = load_settings()
    items = pl.read_parquet(current_snapshot(settings).table("items"))
    busiest = items.filter(pl.col("verified_at").is_null() & pl.col("unit_code").is_not_null())["unit_code"].mode()[0]
    officers = tmp_path / "officers.toml"
    officers.write_text(officers_toml() + groups_toml(robots.server_port, busiest), encoding="utf-8")
    monkeypatch.setenv("SENTINEL_OFFICERS", str(officers))
    return settings, busiest, items


def test_text_is_split_within_the_byte_limit_and_long_lines_are_cut():
    lines = [f"【已超期】深圳市“某某电子厂拖欠工资{i}”" + "工人聚集" * 20 for i in range(40)]
    texts = group_robots.split_text(lines, "【哨岗·核实催办】", limit=2048, reserve=60)
    assert len(texts) > 1 and all(len(t.encode("utf-8")) <= 2048 - 60 for t in texts)
    assert all(t.startswith("【哨岗·核实催办】") for t in texts)
    assert sum(t.count("【已超期】") for t in texts) == 40, "every line is in exactly one message"
    (cut,) = group_robots.split_text(["长" * 5000], "【头】", limit=2048)
    assert len(cut.encode("utf-8")) <= 2048 and cut.endswith("……")


def test_quiet_hours_wrap_midnight():
    spec = "22:00-07:00"
    assert alerts.in_quiet_hours(datetime(2026, 12, 2, 23, 30), spec)
    assert alerts.in_quiet_hours(datetime(2026, 12, 2, 6, 59), spec)
    assert not alerts.in_quiet_hours(datetime(2026, 12, 2, 7, 0), spec)
    assert not alerts.in_quiet_hours(datetime(2026, 12, 2, 23, 30), "")


def test_a_bad_groups_entry_is_one_chinese_sentence(monkeypatch):
    with pytest.raises(group_robots.RobotError, match="kind 须为"):
        group_robots.parse_groups([{"kind": "slack", "name": "x", "key": "k"}], lambda v, w: v)
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    with pytest.raises(group_robots.RobotError, match="NO_SUCH_KEY"):
        group_robots.parse_groups([{"kind": "wecom", "name": "x", "key_env": "NO_SUCH_KEY"}], lambda v, w: v)


def test_a_round_tells_each_group_once_in_the_documented_shape(ledger, robots):
    settings, busiest, items = ledger
    now = now_shanghai()
    done = remind.run_round(settings, now)
    assert not robots.problems, robots.problems
    assert done.groups and all(g.sent for g in done.groups)
    kinds = {kind for kind, _ in robots.received}
    assert kinds == {"wecom", "dingtalk"}

    # Every chased item of the city's group's unit is in its reminders, once.
    chased = {i["item_id"] for i in remind.reminder_items(settings, now) if i["unit_code"] == busiest}
    told = {n.subject.split("|")[0] for g in done.groups if g.topic == "reminders" for n in g.notices}
    assert chased and told == chased
    texts = "\n".join(body["text"]["content"] for kind, body in robots.received if kind == "wecom")
    assert all(item_id in texts for item_id in chased)
    mentioned = {m for kind, body in robots.received if kind == "wecom" for m in body["text"].get("mentioned_mobile_list", [])}
    assert mentioned, "the responsible officers are @-mentioned"

    # The province's group hears the serious disputes of every unit.
    serious = items.filter(pl.col("is_collective") & pl.col("grade").is_in(["I", "II"])
                           & (pl.col("captured_at") >= now - timedelta(hours=2400)) & (pl.col("captured_at") <= now))
    province_text = "\n".join(body["text"]["content"] for kind, body in robots.received if kind == "dingtalk")
    assert serious.height and all(item_id in province_text for item_id in serious["item_id"].head(50))

    # Nothing twice; the log names groups, never their key, secret or an officer's mobile.
    received = len(robots.received)
    assert all(not g.notices for g in remind.run_round(settings, now + timedelta(minutes=15)).groups)
    assert len(robots.received) == received
    log = alerts.log_file(settings).read_text(encoding="utf-8")
    assert WECOM_KEY not in log and DING_TOKEN not in log and DING_SECRET not in log
    assert not any(m in log for m in mentioned)


def test_a_failing_group_does_not_stop_the_others_and_is_retried(ledger, robots):
    settings, _, _ = ledger
    now = now_shanghai()
    robots.refuse["/cgi-bin/webhook/send"] = True
    first = remind.run_round(settings, now).groups
    failed = [g for g in first if not g.sent]
    assert failed and {g.group.kind for g in failed} == {"wecom"} and "310000" in failed[0].error
    assert any(g.sent for g in first if g.group.kind == "dingtalk")
    robots.refuse.clear()
    second = remind.run_round(settings, now + timedelta(minutes=15)).groups
    assert {n.key(g.group) for g in second for n in g.notices} == {n.key(g.group) for g in failed for n in g.notices}
    assert all(g.sent for g in second)


def test_quiet_hours_hold_everything_but_grade_one(ledger, robots, monkeypatch, tmp_path):
    settings, _, _ = ledger
    now = now_shanghai()
    loud = remind.run_round(settings, now, dry_run=True).groups
    urgent = sorted(n.key(g.group) for g in loud for n in g.notices if n.urgent)
    assert any(not n.urgent for g in loud for n in g.notices)
    start, end = (now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=1)).strftime("%H:%M")
    config = tmp_path / "sentinel.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'quiet_hours = "{start}-{end}"\n', encoding="utf-8")
    quiet = load_settings()
    planned = remind.run_round(quiet, now, dry_run=True).groups
    assert sorted(n.key(g.group) for g in planned for n in g.notices) == urgent, "only grade I in quiet hours"
    assert not robots.received, "a dry run posts nothing"


def test_the_demo_has_a_fictitious_roster_that_cannot_reach_anyone(tmp_path, monkeypatch):
    """`remind --dry-run` on a fresh demo shows what would go out, to example.org addresses and
    robots on a closed loopback port; no officers.toml is needed."""
    from ledger import geo
    from ledger.workflow import officers
    from ledger.config import REPO_ROOT
    if (REPO_ROOT / "officers.toml").exists():
        pytest.skip("this checkout has its own officers.toml, which wins over the demo roster")
    monkeypatch.delenv("SENTINEL_OFFICERS", raising=False)
    data = tmp_path / "data"
    build_demo(data, n_items=2500, seed=5)
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    settings = load_settings()
    assert officers.officers_file(settings) == officers.DEMO_ROSTER
    roster = officers.load_officers(settings)
    assert {o.unit_code for o in roster if not o.head} == {o.unit_code for o in roster if o.head} == set(geo.unit_by_code())
    assert all(o.email.endswith("@example.org") and o.mobile.startswith("100") for o in roster)
    groups = alerts.load_groups(settings)
    assert groups and all(urllib.parse.urlsplit(g.base_url).hostname == "127.0.0.1" for g in groups)
    done = remind.run_round(settings, now_shanghai(), dry_run=True)
    assert done.reminders and done.groups and not alerts.log_file(settings).exists()
