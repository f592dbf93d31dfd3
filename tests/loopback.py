"""Real servers on loopback for the reminder tests: an aiosmtpd SMTP server keeping what it is
given, and a local HTTP server standing in for the province's SMS gateway; plus a sentinel.toml
and officers.toml pointing at them."""
from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from ledger.geo import unit_by_code

HOURS_SOON, DAYS_ESCALATE, DAYS_BACK = 4, 2, 60


def free_port() -> int:
    """aiosmtpd's Controller needs a concrete port to check that its server is up."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class Gateway(BaseHTTPRequestHandler):
    """The SMS gateway: records each JSON body and answers with `server.status`."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.server.status == 200:
            self.server.received.append((json.loads(body), self.headers.get("Authorization")))
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.received, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def officers_toml() -> str:
    lines = []
    for number, code in enumerate(unit_by_code(), start=10):
        lines += ["[[officers]]", f'unit = "{code}"', f'name = "信息员{code}"', f'email = "officer{code}@union.test"',
                  f'mobile = "139000000{number:02d}"', "",
                  "[[officers]]", f'unit = "{code}"', f'name = "负责人{code}"', f'email = "head{code}@union.test"',
                  f'mobile = "138000000{number:02d}"', "head = true", ""]
    return "\n".join(lines)


def configure(tmp_path, monkeypatch, email: dict, sms_url: str) -> None:
    email_lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in email.items())
    (tmp_path / "sentinel.toml").write_text(f"""
[reminders]
due_soon_hours = {HOURS_SOON}
escalate_after_days = {DAYS_ESCALATE}
lookback_days = {DAYS_BACK}
app_url = "http://sentinel.intranet"

[reminders.email]
{email_lines}

[reminders.sms]
url = "{sms_url}"
auth_env = "TEST_SMS_TOKEN"
""", encoding="utf-8")
    (tmp_path / "officers.toml").write_text(officers_toml(), encoding="utf-8")
    monkeypatch.setenv("SENTINEL_CONFIG", str(tmp_path / "sentinel.toml"))
    monkeypatch.setenv("SENTINEL_OFFICERS", str(tmp_path / "officers.toml"))
    monkeypatch.setenv("TEST_SMS_TOKEN", "Bearer s3cret")
