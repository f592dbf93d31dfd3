"""Browser fixtures: the real Streamlit server on a free loopback port, and Debian's Chromium
driven by Playwright. Under CI=true a missing Chromium fails the run; elsewhere it skips."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ledger.access import SERVER_ENV
from ledger.config import REPO_ROOT, load_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO_ROOT / "test-artifacts"


def pytest_collection_modifyitems(items):
    """Browser tests are marked, and kept to one worker under `make test`'s two (pytest-xdist
    --dist loadgroup): they run one after another, as their timings assume, beside the rest."""
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def open_drawn(page, url: str) -> None:
    """Open `url` and wait until its script run has finished and drawn a heading (a fixed wait
    is too short on a busy machine and wasted on an idle one)."""
    page.goto(url)
    wait_until_drawn(page)


def wait_until_drawn(page) -> None:
    """Wait until the page's script run has finished and drawn a heading: a click made while a
    rerun is still drawing may land on a widget that is about to be replaced."""
    page.wait_for_function("""() => {
        const app = document.querySelector('[data-test-script-state]');
        return app && app.getAttribute('data-test-script-state') === 'notRunning'
            && document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] h2');
    }""", timeout=60_000)
    page.wait_for_timeout(400)  # lazily loaded widgets (uploader, dataframe) draw after the run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, log_path: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` directly (no shell wrapper, so we stop the right process)."""
    port = _free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        # No users file unless the test gives one (never the project folder's, which another test may write).
        cwd=REPO_ROOT, env={**os.environ, **SERVER_ENV, "SENTINEL_DATA_DIR": str(data_dir),
                            "SENTINEL_USERS": str(log_path.parent / "no-users.toml"), **(env or {})}, stdout=log,
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return process, url
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"streamlit did not start; see {log_path}")


@pytest.fixture(scope="session")
def server(demo_settings, tmp_path_factory):
    process, url = start_server(demo_settings.data_dir, tmp_path_factory.mktemp("server") / "streamlit.log")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def private_server(demo_settings, tmp_path):
    """A server on a copy of the demo ledger that a test may change: (url, its settings)."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo_settings.data_dir, data_dir)
    process, url = start_server(data_dir, tmp_path / "streamlit.log")
    yield url, load_settings(data_dir)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are required under CI=true but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not found: browser tests skipped (install Debian's chromium to run them)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh 1920×1080 page that records every request leaving this machine; when the test
    fails, what the browser showed is saved as test-artifacts/failed-<test>.png."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.outside_requests = []
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1"))
            else page.outside_requests.append(r.url))
    ARTIFACTS.mkdir(exist_ok=True)
    yield page
    if getattr(request.node, "report_call", None) is not None and request.node.report_call.failed:
        page.screenshot(path=ARTIFACTS / f"failed-{request.node.name}.png", full_page=True)
    context.close()
