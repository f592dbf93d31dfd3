"""Sign-in, roles and hostile ledger text in a real browser against a real server with a users
file: a city officer cannot reach another unit's items by link or widget, nor download them; the
wall token opens the wall and nothing else; wrong passwords lock the account; ledger text with
HTML in it is shown as text everywhere; and the audit log records each case."""
from __future__ import annotations

import csv
import io
import shutil

import pytest
from playwright.sync_api import expect

from ledger import access
from ledger.access import audit
from ledger.config import load_settings
from ledger.i18n import t
from tests.browser.conftest import ARTIFACTS, start_server
from tests.helpers import add_dispute

PASSWORD = "correct horse battery"
HOSTILE_TITLE = '东莞某厂<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>停工'


@pytest.fixture(scope="module")
def secured(demo_settings, tmp_path_factory):
    """A server on a copy of the demo with a users file and one item whose title carries HTML."""
    root = tmp_path_factory.mktemp("secured")
    shutil.copytree(demo_settings.data_dir, root / "data", ignore=shutil.ignore_patterns("auth", "audit"))
    settings = load_settings(root / "data")
    add_dispute(settings, title=HOSTILE_TITLE, grade="I", unit_code="441900")
    token, digest = access.new_wall_token()
    users = [{"username": "chen", "role": "officer", "unit": "440300", "password_hash": access.hash_password(PASSWORD)},
             {"username": "root", "role": "admin", "password_hash": access.hash_password(PASSWORD)},
             {"username": "lockme", "role": "analyst", "password_hash": access.hash_password(PASSWORD)}]
    access.save_directory(root / "users.toml", users, [{"sha256": digest, "note": "test", "revoked": False}])
    process, url = start_server(settings.data_dir, root / "streamlit.log", env={"SENTINEL_USERS": str(root / "users.toml")})
    yield url, settings, token
    process.terminate()
    process.wait(timeout=30)


def sign_in(page, url: str, username: str, password: str = PASSWORD, path: str = "/", refused: bool = False) -> None:
    """Sign in at `path`; unless the sign-in is to be `refused` (or the password is wrong), wait
    until the page the link asked for is showing: a quick sign-in once opened the default page."""
    page.goto(url + path)
    heading = page.locator(f"text={t('auth.heading')}")
    heading.wait_for(timeout=60_000)
    page.get_by_label(t("auth.username")).fill(username)
    page.get_by_label(t("auth.password")).fill(password)
    page.get_by_role("button", name=t("auth.submit")).click()
    if refused or password != PASSWORD:
        return
    heading.wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(1000)  # the wrong page showed about a second after the form was sent
    asked = path.split("?")[0]
    opens = "/overview" if asked == "/" and "mode=wall" not in path else asked  # / opens the overview
    assert page.url.split("?")[0] == url + opens, page.url


def test_officer_cannot_reach_another_units_items(secured, page):
    url, settings, _ = secured
    # A forged link to Dongguan's items: signing in keeps the link, the scope refuses it.
    sign_in(page, url, "chen", path="/explorer?unit=441900&q=东莞某厂")
    page.wait_for_selector(f"text={t('explorer.empty')}", timeout=60_000)
    assert "东莞某厂" not in page.locator('[data-testid="stMain"]').inner_text().replace("东莞某厂停工", "")
    assert "441900" in page.locator('[data-testid="stSidebar"]').inner_text()  # told the link was refused
    sign_in(page, url, "chen", path="/explorer")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        page.locator('[data-testid="stDownloadButton"]').first.click()  # CSV
    # the city box offers Shenzhen only: there is no widget value that reaches Dongguan
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    options = page.get_by_role("option").all_inner_texts()
    assert options == ["深圳市"]
    page.keyboard.press("Escape")
    rows = list(csv.reader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    header, data = rows[1], rows[2:]  # under the line saying what the file holds
    unit_column = header.index("所属地市")
    assert data and {r[unit_column] for r in data} == {"深圳市"}
    logged = audit.read(settings, event="download")[0]
    assert logged["user"] == "chen" and logged["rows"] == len(data)
    page.screenshot(path=str(ARTIFACTS / "officer-explorer.png"), full_page=True)


def test_wrong_passwords_lock_the_account(secured, browser):
    url, settings, _ = secured
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        for _ in range(settings.lockout_attempts):
            sign_in(page, url, "lockme", "not the password")
            page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30_000)
        assert "锁定" in page.locator('[data-testid="stAlertContentError"]').inner_text()
        sign_in(page, url, "lockme", PASSWORD, refused=True)
        page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        events = [e["event"] for e in audit.read(settings) if e["user"] == "lockme"]
        assert "locked_out" in events and "sign_in_failed" in events and "sign_in" not in events
    finally:
        context.close()


def test_wall_token_reaches_the_wall_but_no_page_or_download(secured, page):
    url, _, token = secured
    page.goto(f"{url}/?mode=wall&token={token}")
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=90_000)
    page.goto(f"{url}/explorer?token={token}")
    page.wait_for_selector(f"text={t('auth.wall_only')}", timeout=60_000)
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


def test_html_in_ledger_text_stays_text(secured, page):
    url, _, _ = secured
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path, ready in (("/", '[data-testid="stDataFrame"]'), ("/map", '[data-testid="stDeckGlJsonChart"] canvas'),
                        ("/explorer?q=东莞某厂", '[data-testid="stDataFrame"]')):
        sign_in(page, url, "root", path=path)  # a new page load is a new session: sign in again
        page.wait_for_selector(ready, timeout=60_000)
        page.wait_for_timeout(2500)
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator('img[src="x"]').count() == 0, path
    # the wall's banner shows the new grade I dispute, as text
    sign_in(page, url, "root", path="/?mode=wall")
    page.wait_for_selector('[data-testid="stAlertContainer"]', timeout=60_000)
    banner = page.locator('[data-testid="stAlertContainer"]').first.inner_text()
    assert "<img" in banner and "<script>" in banner
    assert page.evaluate("window.__pwned") is None and dialogs == []


def test_revocation_ends_open_sessions_within_one_refresh(secured, browser):
    """An administrator revokes a wall token and removes a user while both are on screen: the
    wall stops at its next refresh, the user is signed out at their next click."""
    url, settings, _ = secured
    users_path = settings.data_dir.parent / "users.toml"  # the server's SENTINEL_USERS (the fixture's)
    users, tokens = access.raw_entries(users_path)
    token, digest = access.new_wall_token()
    leaving = {"username": "leaving", "role": "analyst", "password_hash": access.hash_password(PASSWORD)}
    access.save_directory(users_path, [*users, leaving], [*tokens, {"sha256": digest, "note": "临时", "revoked": False}])
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    wall, analyst = context.new_page(), context.new_page()
    try:
        wall.goto(f"{url}/?mode=wall&token={token}&refresh=5")
        wall.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=90_000)
        sign_in(analyst, url, "leaving", path="/explorer")
        analyst.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
        access.save_directory(users_path, users, [*tokens, {"sha256": digest, "note": "临时", "revoked": True}])
        wall.wait_for_selector(f"text={t('auth.bad_token')}", timeout=30_000)  # refresh=5: within one refresh
        # The map goes when the run that drew the notice ends (Streamlit clears a run's stale elements last).
        expect(wall.locator('[data-testid="stDeckGlJsonChart"]')).to_have_count(0, timeout=15_000)
        analyst.get_by_role("link", name=t("page.overview")).click()  # the next click, same session
        analyst.wait_for_selector(f"text={t('auth.revoked')}", timeout=30_000)
        analyst.locator(f"text={t('auth.heading')}").wait_for(timeout=30_000)
        expect(analyst.locator('[data-testid="stMetric"]')).to_have_count(0, timeout=15_000)
        assert any(e["event"] == "session_ended" and e["user"] == "leaving" for e in audit.read(settings))
    finally:
        context.close()
        access.save_directory(users_path, users, tokens)
