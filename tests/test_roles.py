"""Each role on the pages (AppTest), with a real users file: what a role may open, see and
download, that a forged link cannot widen a city officer's scope, the sign-in form with its
lock-out, the wall token, and the refusal to serve a real ledger without sign-in."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from ledger import access
from ledger.access import audit
from ledger.config import REPO_ROOT, load_settings
from ledger.i18n import t
from ledger.store import now_shanghai
from tests.helpers import add_dispute

APP = str(REPO_ROOT / "app.py")
PASSWORD = "correct horse battery"


@pytest.fixture
def users(sentinel_env, tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    token, digest = access.new_wall_token()
    entries = [{"username": name, "role": role, "unit": unit, "password_hash": access.hash_password(PASSWORD)}
               for name, role, unit in (("chen", "officer", "440300"), ("li", "leader", None),
                                        ("zhang", "analyst", None), ("root", "admin", None))]
    access.save_directory(path, entries, [{"sha256": digest, "note": "指挥室", "revoked": False}])
    monkeypatch.setenv("SENTINEL_USERS", str(path))
    (sentinel_env.data_dir / "auth" / "failures.json").unlink(missing_ok=True)
    return access.load_directory(sentinel_env), token


def run_as(username: str | None, directory=None, query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if username:
        at.session_state["_signed_in"] = (directory.find(username), now_shanghai())
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def test_without_a_session_only_the_sign_in_form_shows(users):
    at = run_as(None)
    assert not at.exception
    assert at.title[0].value == t("auth.heading") and len(at.text_input) == 2
    assert not at.metric and not at.dataframe


def test_wrong_passwords_are_refused_then_locked_out_and_audited(users, sentinel_env):
    settings = load_settings()
    for attempt in range(settings.lockout_attempts):
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.text_input[0].input("chen")
        at.text_input[1].input("wrong password")
        at.button[0].click().run()
        assert not at.exception and not at.metric
    assert t("auth.locked", until="")[:8] in at.error[0].value
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input("chen")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert "_signed_in" not in at.session_state  # the right password is refused while locked
    events = [e["event"] for e in audit.read(settings) if e["user"] == "chen"]
    assert events.count("sign_in_failed") == settings.lockout_attempts - 1 and "locked_out" in events


def test_the_right_password_signs_in_and_is_audited(users, sentinel_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input("li")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["_signed_in"][0].username == "li"
    assert audit.read(load_settings(), event="sign_in")[0]["user"] == "li"


def test_a_city_officer_sees_only_their_unit_whatever_the_link_says(users):
    directory, _ = users
    at = run_as("chen", directory, {"unit": "441900"}, "app_pages/explorer.py")
    assert not at.exception
    assert at.sidebar.warning  # the forged unit is refused as a bad link
    places = at.dataframe[0].value["地点"]
    assert len(places) > 0 and all(p.startswith("深圳市") for p in places)
    assert at.sidebar.multiselect(key="unit").options == ["深圳市"]
    assert len(at.get("download_button")) == 3


def test_a_leader_reads_everything_but_cannot_download(users):
    directory, _ = users
    at = run_as("li", directory, page="app_pages/explorer.py")
    assert not at.exception
    assert not at.get("download_button")
    assert any(t("auth.no_download") in c.value for c in at.caption)


def test_only_the_administrator_reaches_the_admin_page(users):
    directory, _ = users
    admin = run_as("root", directory, page="app_pages/admin.py")
    assert not admin.exception and admin.title[0].value == t("admin.heading")
    leader = run_as("li", directory, page="app_pages/admin.py")
    assert not leader.exception and (not leader.title or leader.title[0].value != t("admin.heading"))


def test_the_wall_token_opens_the_wall_and_nothing_else(users):
    _, token = users
    wall = run_as(None, query={"mode": "wall", "token": token})
    assert not wall.exception and wall.get("deck_gl_json_chart")
    elsewhere = run_as(None, query={"token": token}, page="app_pages/explorer.py")
    assert t("auth.wall_only") in elsewhere.error[0].value
    assert not elsewhere.get("download_button") and not elsewhere.dataframe
    forged = run_as(None, query={"mode": "wall", "token": token[:-2] + "xx"})
    assert t("auth.bad_token") in forged.error[0].value
    assert audit.read(load_settings(), event="access_denied")


def test_analysts_see_personal_data_masked(users, sentinel_env, tmp_path, monkeypatch):
    directory, _ = users
    data = tmp_path / "ledger"
    shutil.copytree(sentinel_env.data_dir, data, ignore=shutil.ignore_patterns("auth", "audit"))
    add_dispute(load_settings(data), title="深圳某厂停工，联系人陈先生13812345678", unit_code="440300")
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    analyst = run_as("zhang", directory, {"q": "某厂停工"}, "app_pages/explorer.py")
    assert analyst.dataframe[0].value["标题"][0] == "深圳某厂停工，联***先生138****5678"
    officer = run_as("chen", directory, {"q": "某厂停工"}, "app_pages/explorer.py")
    assert officer.dataframe[0].value["标题"][0] == "深圳某厂停工，联系人陈先生13812345678"


def test_a_real_ledger_without_users_is_refused_unless_the_network_is_closed(sentinel_env, tmp_path, monkeypatch):
    data = tmp_path / "ledger"
    shutil.copytree(sentinel_env.data_dir, data)
    add_dispute(load_settings(data), title="真实条目")
    monkeypatch.setenv("SENTINEL_DATA_DIR", str(data))
    monkeypatch.setenv("SENTINEL_USERS", str(tmp_path / "none.toml"))
    refused = AppTest.from_file(APP, default_timeout=120).run()
    assert t("auth.refuse_real_ledger")[:10] in refused.error[0].value and not refused.metric
    config = tmp_path / "sentinel.toml"
    config.write_text("[auth]\nclosed_network = true\n", encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(config))
    closed = AppTest.from_file(APP, default_timeout=120).run()
    assert any(t("auth.closed_network") in w.value for w in closed.warning) and closed.metric


def test_a_session_ends_when_its_user_is_given_another_unit(users, monkeypatch):
    directory, _ = users
    at = run_as("chen", directory, page="app_pages/explorer.py")
    assert not at.exception and at.dataframe
    path = access.users_file(load_settings())
    entries, tokens = access.raw_entries(path)
    access.save_directory(path, [{**e, "unit": "440100"} if e["username"] == "chen" else e for e in entries], tokens)
    at.run()  # the officer's next click
    assert any(t("auth.revoked") in i.value for i in at.info)
    assert at.title[0].value == t("auth.heading") and not at.dataframe
    assert audit.read(load_settings(), event="session_ended")[0]["user"] == "chen"
