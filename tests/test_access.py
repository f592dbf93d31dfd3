"""Roles, the users file, sign-in with lock-out, wall tokens, masking of personal data and the
audit log, on real files (no stubs): what ledger/access.py, ledger/masking.py and ledger/audit.py
promise."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from ledger import access, audit
from ledger.config import REPO_ROOT, load_settings
from ledger.masking import mask
from ledger.store import now_shanghai
from queries import Door, Filters, Scope
from queries.slices import SliceFilters
from tests.helpers import add_dispute


def make_users(path, *entries, tokens=()):
    access.save_directory(path, [dict(e, password_hash=access.hash_password(e.pop("password"))) for e in entries],
                          list(tokens))


@pytest.fixture
def directory(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("SENTINEL_USERS", str(path))
    token, digest = access.new_wall_token()
    make_users(path, {"username": "chen", "role": "officer", "unit": "440300", "password": "correct horse 1"},
               {"username": "li", "role": "leader", "password": "correct horse 2"},
               tokens=[{"sha256": digest, "note": "指挥室", "revoked": False}])
    settings = load_settings(tmp_path / "data")
    return settings, access.load_directory(settings), token


@pytest.mark.parametrize("text,expected", [
    ("联系人陈先生，电话13812345678", "联***先生，电话138****5678"),
    ("工人王某某女士 +86 139-1234-5678", "工人***女士 +86 139****5678"),
    ("身份证号440301199001011234，另一名44030119900101123X", "身份证号440***********1234，另一名440***********123X"),
    ("一名姓李的工人反映", "一名姓*的工人反映"),
    ("张师傅称已欠薪三个月", "*师傅称已欠薪三个月"),
])
def test_personal_data_is_masked_in_the_forms_chinese_text_uses(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize("text", ["涉及约200人，欠薪金额 1234567 元", "2024年3月5日上午10点", "订单 20240305123456789012",
                                  "电话区号0755-12345678"])
def test_ordinary_numbers_and_words_are_left_alone(text):
    assert mask(text) == text


def test_users_file_roles_and_units(directory):
    settings, users, _ = directory
    chen = users.find("chen")
    assert chen.role.code == "officer" and chen.units == frozenset({"440300"})
    assert users.find("li").units is None and not users.find("li").role.download
    assert users.find("nobody") is None


def test_a_bad_users_file_says_what_to_fix(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    path.write_text('[[users]]\nusername = "x"\nrole = "boss"\n', encoding="utf-8")
    monkeypatch.setenv("SENTINEL_USERS", str(path))
    with pytest.raises(access.AccessError, match="角色"):
        access.load_directory(load_settings(tmp_path))
    path.write_text('[[users]]\nusername = "x"\nrole = "officer"\n', encoding="utf-8")
    with pytest.raises(access.AccessError, match="报送单位"):
        access.load_directory(load_settings(tmp_path))


def test_sign_in_locks_out_after_repeated_failures_even_across_restarts(directory):
    settings, users, _ = directory
    guard = access.SignInGuard(settings, users)
    assert guard.sign_in("chen", "correct horse 1").user.username == "chen"
    now = now_shanghai()
    for attempt in range(settings.lockout_attempts - 1):
        assert guard.sign_in("chen", "wrong", now).reason == "bad_credentials"
    assert guard.sign_in("chen", "wrong", now).reason == "locked"
    restarted = access.SignInGuard(settings, access.load_directory(settings))
    refused = restarted.sign_in("chen", "correct horse 1", now)
    assert refused.user is None and refused.reason == "locked"
    later = now + timedelta(minutes=settings.lockout_minutes + 1)
    assert restarted.sign_in("chen", "correct horse 1", later).user is not None
    assert guard.sign_in("li", "correct horse 2", now).user is not None  # others unaffected


def test_wall_tokens_work_until_revoked(directory, tmp_path):
    settings, users, token = directory
    wall = users.wall_user(token)
    assert wall.role.code == "wall" and wall.role.pages == frozenset({"wall"}) and not wall.role.download
    assert users.wall_user(token[:-1] + "x") is None and users.wall_user("") is None
    entries, tokens = access.raw_entries(access.users_file(settings))
    tokens[0]["revoked"] = True
    access.save_directory(access.users_file(settings), entries, tokens)
    assert access.load_directory(settings).wall_user(token) is None


def test_scope_masks_personal_data_in_the_query_layer(demo_settings, tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(demo_settings.data_dir, data)
    settings = load_settings(data)
    add_dispute(settings, title="深圳某厂工人聚集，联系人陈先生13812345678", unit_code="440300")
    door = Door(settings)
    now = now_shanghai()
    params = {**Filters.last_days(3, now.date()).params(), **SliceFilters(keyword="联系人").params(), "now": now,
              "sort": "captured_at", "descending": True, "limit": None, "offset": 0}
    officer = door.q("ledger_slice", Scope.only("440300", personal=True), **params)
    analyst = door.q("ledger_slice", Scope(personal=False), **params)
    assert officer["title"][0] == "深圳某厂工人聚集，联系人陈先生13812345678"
    assert analyst["title"][0] == "深圳某厂工人聚集，联***先生138****5678"
    other_unit = door.q("ledger_slice", Scope.only("441900"), **params)
    assert other_unit.height == 0


def test_audit_log_is_append_only_lines_read_newest_first(tmp_path):
    settings = load_settings(tmp_path)
    audit.record(settings, "sign_in_failed", "chen", ip=None)
    audit.record(settings, "download", "li", rows=3, filters={"地市": "深圳市"})
    entries = audit.read(settings)
    assert [e["event"] for e in entries] == ["download", "sign_in_failed"]
    assert audit.read(settings, event="download")[0]["filters"] == {"地市": "深圳市"}
    files = list((settings.journal_dir / "audit").glob("*.jsonl"))
    assert len(files) == 1 and all(json.loads(line) for line in files[0].read_text().splitlines())
    with pytest.raises(ValueError):
        audit.record(settings, "deleted_everything", "x")


def test_demo_detection(demo_settings, tmp_path):
    assert access.is_demo_ledger(demo_settings)
    import shutil
    shutil.copytree(demo_settings.data_dir, tmp_path / "data")
    real = load_settings(tmp_path / "data")
    add_dispute(real, title="真实台账条目")
    assert not access.is_demo_ledger(real)


@pytest.mark.parametrize("address, local", [
    (None, True), ("127.0.0.1", True), ("::1", True),
    ("::ffff:127.0.0.1", True),  # what Streamlit reports for http://127.0.0.1 when it listens on IPv6 too
    ("192.168.1.20", False), ("::ffff:192.168.1.20", False), ("fe80::1", False), ("not an address", False),
])
def test_the_demo_answers_this_machine_alone(address, local):
    assert access.is_loopback(address) is local


def test_cli_manages_users_and_wall_tokens(tmp_path):
    env = {"SENTINEL_USERS": str(tmp_path / "users.toml"), "PATH": "/usr/bin:/bin"}
    run = lambda *args, stdin="": subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(tmp_path / "data"),
                                                  *args], input=stdin, capture_output=True, text=True, cwd=REPO_ROOT,
                                                 env=env)  # noqa: E731
    added = run("users", "add", "wang", "--role", "officer", "--unit", "441900", "--password-stdin",
                stdin="a long password\n")
    assert added.returncode == 0, added.stderr
    assert "wang" in run("users", "list").stdout
    short = run("users", "add", "zhao", "--role", "leader", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "10" in short.stderr
    no_unit = run("users", "add", "zhou", "--role", "officer", "--password-stdin", stdin="a long password\n")
    assert no_unit.returncode == 1 and "--unit" in no_unit.stderr
    created = run("wall-token", "new", "--note", "指挥室")
    token = created.stdout.split("token=")[1].strip()
    settings = load_settings(tmp_path / "data")
    import os
    os.environ["SENTINEL_USERS"] = env["SENTINEL_USERS"]
    try:
        digest = access.raw_entries(access.users_file(settings))[1][0]["sha256"]
        assert access.load_directory(settings).wall_user(token) is not None
        assert run("wall-token", "revoke", digest[:10]).returncode == 0
        assert access.load_directory(settings).wall_user(token) is None
    finally:
        del os.environ["SENTINEL_USERS"]
    assert [e["event"] for e in audit.read(settings)].count("config_change") == 3


NGINX_HERE = ("127.0.0.1",)


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    # no proxies configured (the default): the header is never read, loopback included
    ("203.0.113.9", "127.0.0.1", (), "203.0.113.9"),
    (None, "203.0.113.9", (), None),
    ("::ffff:127.0.0.1", "203.0.113.9", (), "::ffff:127.0.0.1"),
    # nginx on this machine, listed: its header names the browser
    (None, "203.0.113.9", NGINX_HERE, "203.0.113.9"),
    ("127.0.0.1", "203.0.113.9", NGINX_HERE, "203.0.113.9"),
    ("::ffff:127.0.0.1", "203.0.113.9", NGINX_HERE, "203.0.113.9"),
    # what the browser wrote itself is left of the proxy's entry and proves nothing
    ("127.0.0.1", "127.0.0.1, 203.0.113.9", NGINX_HERE, "203.0.113.9"),
    ("127.0.0.1", "127.0.0.1,127.0.0.1 , 198.51.100.7", NGINX_HERE, "198.51.100.7"),
    # a chain of trusted proxies (a range): past them all to the first that is not one
    ("10.0.0.2", "198.51.100.7, 10.0.0.5", ("10.0.0.0/8",), "198.51.100.7"),
    ("10.0.0.2", "10.0.0.9, 10.0.0.5", ("10.0.0.0/8",), "10.0.0.9"),
    ("10.0.0.2", "[2001:db8::1]:4431", ("10.0.0.0/8",), "2001:db8::1"),
    ("10.0.0.2", "198.51.100.7:51234", ("10.0.0.0/8",), "198.51.100.7"),
    # a peer that is no listed proxy: its header is ignored, whatever it says
    ("192.0.2.1", "127.0.0.1", ("10.0.0.0/8",), "192.0.2.1"),
    # a trusted proxy passing on something that is no address: unknown, never this machine
    ("127.0.0.1", "localhost", NGINX_HERE, access.UNKNOWN_ADDRESS),
    ("127.0.0.1", "", NGINX_HERE, "127.0.0.1"),
])
def test_x_forwarded_for_is_read_only_from_trusted_proxies(peer, forwarded, proxies, expected):
    networks = access.trusted_networks(load_settings_with(proxies))
    address = access.client_address(peer, forwarded, networks)
    assert address == expected


def load_settings_with(proxies):
    from dataclasses import replace
    return replace(load_settings(), trusted_proxies=tuple(proxies))


def test_trusted_proxies_come_from_the_file_or_the_environment_and_must_be_addresses(tmp_path, monkeypatch):
    config = tmp_path / "sentinel.toml"
    config.write_text('[auth]\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8"]\n', encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(config))
    monkeypatch.delenv("SENTINEL_TRUSTED_PROXIES", raising=False)
    assert load_settings(tmp_path).trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    monkeypatch.setenv("SENTINEL_TRUSTED_PROXIES", "192.168.5.1, ::1")
    assert load_settings(tmp_path).trusted_proxies == ("192.168.5.1", "::1")
    monkeypatch.setenv("SENTINEL_TRUSTED_PROXIES", "")
    assert load_settings(tmp_path).trusted_proxies == ()
    monkeypatch.setenv("SENTINEL_TRUSTED_PROXIES", "nginx.local")
    with pytest.raises(ValueError, match="trusted_proxies"):
        load_settings(tmp_path)
    monkeypatch.delenv("SENTINEL_CONFIG")
    monkeypatch.delenv("SENTINEL_TRUSTED_PROXIES")
    assert load_settings(tmp_path).trusted_proxies == ()  # none by default
