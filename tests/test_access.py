"""Roles, the users file, sign-in with lock-out, wall tokens, masking of personal data and the
audit log, on real files (no stubs): what ledger/access/, ledger/access/masking.py and ledger/access/audit.py
promise."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import timedelta

import polars as pl
import pytest
from argon2 import PasswordHasher

from ledger import access
from ledger.access import audit
from ledger.config import REPO_ROOT, load_settings
from ledger.access.masking import mask
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
    def search(keyword: str, scope: Scope) -> pl.DataFrame:
        return door.q("ledger_slice", scope, **{
            **Filters.last_days(3, now.date()).params(), **SliceFilters(keyword=keyword).params(), "now": now,
            "sort": "captured_at", "descending": True, "limit": None, "offset": 0})

    officer, analyst = Scope.only("440300", personal=True), Scope(personal=False)
    assert search("某厂工人聚集", officer)["title"][0] == "深圳某厂工人聚集，联系人陈先生13812345678"
    assert search("某厂工人聚集", analyst)["title"][0] == "深圳某厂工人聚集，联***先生138****5678"
    assert search("某厂工人聚集", Scope.only("441900")).height == 0
    # A search finds what its caller may read: masked digits and names cannot be probed for.
    for probe in ("1381", "13812", "13812345678", "陈先生", "系人陈"):
        assert search(probe, analyst).height == 0, probe
        assert search(probe, officer).height == 1, probe
    for shown in ("138", "5678", "先生"):
        assert search(shown, analyst).height == 1, shown


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


class CountingHasher(PasswordHasher):
    """The real Argon2 hasher, counting the passwords it checks (the cost a guess is meant to pay)."""

    def __init__(self):
        super().__init__()
        self.checked, self.started = [], threading.Semaphore(0)

    def verify(self, hash, password):
        self.checked.append(password)
        self.started.release()
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(access, "_hasher", counting)
    return counting


def in_parallel(*attempts):
    """Run the callables together (released at once by a barrier); their results in order."""
    barrier, results = threading.Barrier(len(attempts)), [None] * len(attempts)

    def run(i, attempt):
        barrier.wait()
        results[i] = attempt()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_parallel_sign_ins_check_at_most_the_limits_passwords(directory, hasher):
    settings, users, _ = directory
    guard = access.SignInGuard(settings, users)
    now = now_shanghai()
    results = in_parallel(*[lambda i=i: guard.sign_in("chen", f"guess {i}", now, address="198.51.100.7")
                            for i in range(50)])
    assert len(hasher.checked) <= settings.lockout_attempts == 5
    assert all(r.user is None for r in results) and sum(r.reason == "locked" for r in results) >= 45


def test_eleven_wrong_and_one_right_sent_together_do_not_sign_in(directory, hasher):
    settings, users, _ = directory
    guard = access.SignInGuard(settings, users)
    now = now_shanghai()

    def right_one_among_them():
        for _ in range(settings.lockout_attempts):  # sent with the others, checked after five of them
            hasher.started.acquire()
        return guard.sign_in("chen", "correct horse 1", now, address="198.51.100.7")

    results = in_parallel(*[lambda i=i: guard.sign_in("chen", f"wrong {i}", now, address=f"198.51.100.{i}")
                            for i in range(11)], right_one_among_them)
    assert all(r.user is None for r in results)
    assert results[-1].reason == "locked" and "correct horse 1" not in hasher.checked
    assert len(hasher.checked) == settings.lockout_attempts
    # once the first lock is over (a minute), the right password works, and starts the count afresh
    later = now + timedelta(minutes=settings.lockout_first_minutes, seconds=1)
    assert guard.sign_in("chen", "correct horse 1", later, address="198.51.100.7").user.username == "chen"
    assert guard.sign_in("chen", "wrong again", later).reason == "bad_credentials"


def test_a_stranger_locks_an_account_briefly_and_each_next_lock_is_longer(directory, hasher):
    settings, users, _ = directory
    guard = access.SignInGuard(settings, users)
    now, locks = now_shanghai(), []
    for _ in range(6):
        for attempt in range(settings.lockout_attempts):
            result = guard.sign_in("li", "guess", now, address=f"203.0.113.{len(locks) * 10 + attempt}")
        assert result.reason == "locked"
        locks.append(result.locked_until - now)
        assert guard.sign_in("li", "correct horse 2", now + locks[-1] - timedelta(seconds=1)).reason == "locked"
        now = result.locked_until
    assert [lock.total_seconds() / 60 for lock in locks] == [1, 2, 4, 8, 15, 15]
    assert guard.sign_in("li", "correct horse 2", now).user is not None  # the owner, once it ends


def test_spraying_many_names_from_one_address_is_locked_and_other_addresses_are_not(directory, hasher):
    settings, users, _ = directory
    guard = access.SignInGuard(settings, users)
    now = now_shanghai()
    results = [guard.sign_in(f"user{i}", "Passw0rd!", now, address="192.0.2.66") for i in range(30)]
    budget = settings.lockout_address_attempts
    assert budget == 20 and len(hasher.checked) == budget
    assert [r.reason for r in results[budget - 1:]] == ["address_locked"] * (30 - budget + 1)
    assert results[budget].locked_until == now + timedelta(minutes=settings.lockout_first_minutes)
    # the same address is refused even for a real account with its password, unchecked
    assert guard.sign_in("chen", "correct horse 1", now, address="192.0.2.66").reason == "address_locked"
    assert len(hasher.checked) == budget
    # a colleague elsewhere signs in; the address may try again once its lock is over
    assert guard.sign_in("chen", "correct horse 1", now, address="192.0.2.10").user is not None
    later = now + timedelta(minutes=settings.lockout_first_minutes, seconds=1)
    assert guard.sign_in("chen", "correct horse 1", later, address="192.0.2.66").user is not None


def test_names_that_are_no_account_cost_bounded_storage(tmp_path):
    from ledger.access import lockout

    settings = load_settings(tmp_path)
    now = now_shanghai()
    with lockout.held(settings) as book:
        for i in range(3 * lockout.MAX_ENTRIES):
            book.fail(now + timedelta(milliseconds=i), f"nobody-{i}", False, f"2001:db8::{i:x}")
    stored = json.loads(lockout.failures_file(settings).read_text(encoding="utf-8"))
    assert len(stored["unknown"]) == lockout.MAX_ENTRIES and len(stored["addresses"]) == lockout.MAX_ENTRIES
    assert f"nobody-{3 * lockout.MAX_ENTRIES - 1}" in stored["unknown"] and "nobody-0" not in stored["unknown"]
    assert lockout.failures_file(settings).stat().st_size < 1_000_000
