"""Ledger text and links are text, never markup (issue 18 point 6): Markdown images and links
planted in an item's title and id and in every query parameter a page reads are shown as written
on every page; the browser never fetches the planted address and no link to it is drawn."""
from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from ledger.access import ROLES
from ledger.config import load_settings
from tests.browser.conftest import open_drawn, start_server
from tests.helpers import add_dispute

# every parameter some page or the shell reads from the link (url_value / st.query_params)
PARAMETERS = ("area", "asof", "closed", "dim", "dir", "event", "focus", "grain", "ind", "item", "lang", "month",
              "new", "page", "period", "pmax", "pmin", "q", "refresh", "rotate", "screen", "since", "sort", "table",
              "union", "unit", "until", "view", "wage")


class Bait(BaseHTTPRequestHandler):
    """An address that must never be asked for: every request is recorded."""

    def do_GET(self):
        self.server.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def bait():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bait)
    server.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def hostile_server(demo_settings, bait, tmp_path_factory):
    """The demo ledger plus one dispute whose title and id carry Markdown aimed at the bait."""
    data = tmp_path_factory.mktemp("markup") / "data"
    shutil.copytree(demo_settings.data_dir, data)
    base = f"http://127.0.0.1:{bait.server_port}"
    item_id = add_dispute(load_settings(data), source="demo", unit_code="440300",
                          item_id=f"T1![i]({base}/id.png)[id]({base}/id)",
                          title=f"![x]({base}/title.png) 某厂工人聚集 [点此]({base}/title) **紧急** :red[红]")
    process, url = start_server(data, data.parent / "streamlit.log")
    yield url, base, item_id
    process.terminate()
    process.wait(timeout=30)


def lure(base: str) -> str:
    return f"[会话已过期，请点击此处重新登录]({base}/login) ![x]({base}/p.png)"


def visit(page, url: str) -> None:
    open_drawn(page, url)
    assert page.locator('[data-testid="stException"]').count() == 0, url


def drawn_markup(page, base: str) -> int:
    """Links and images in the page that point at the bait."""
    return page.locator(f'a[href^="{base}"], img[src^="{base}"]').count()


def test_planted_markdown_is_shown_as_text_on_every_page(hostile_server, bait, page):
    url, base, item_id = hostile_server
    query = "&".join(f"{name}={quote(lure(base))}" for name in PARAMETERS)
    for path in [*sorted(ROLES["admin"].pages), "wall?mode=wall&"]:  # every page, and the wall screen
        visit(page, f"{url}/{path}{'' if path.endswith('&') else '?'}{query}")
        assert drawn_markup(page, base) == 0, path
    # The planted item itself, where its title and id are drawn as text: 核实办理 and the explorer.
    visit(page, f"{url}/verify?item={quote(item_id)}")
    main = page.locator('[data-testid="stMain"]')
    main.locator("h3", has_text="某厂工人聚集").wait_for(timeout=30_000)
    shown = main.inner_text().replace("\u2060", "")  # the word joiners that stop autolinks
    assert f"![x]({base}/title.png)" in shown and "**紧急**" in shown and ":red[红]" in shown
    assert drawn_markup(page, base) == 0
    visit(page, f"{url}/explorer?q={quote('某厂工人聚集')}")
    assert drawn_markup(page, base) == 0
    assert bait.hits == [], bait.hits
    assert page.outside_requests == [], page.outside_requests
