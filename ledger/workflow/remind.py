"""Reminders (催办): tell the responsible officer, by email and SMS, that an item is due soon or
overdue, and tell the unit's head when it stays overdue.

`python -m ledger remind` runs one round and is meant for cron or a systemd timer (every 15
minutes; docs/operations.md). A round assigns new items first (ledger/workflow/assign.py), builds a
snapshot if the journal has moved on (so an item verified a minute ago is not chased), then
finds, from the snapshot:

- due_soon: the deadline is within `due_soon_hours` (default 4);
- overdue: the deadline has passed;
- escalated: the deadline passed more than `escalate_after_days` ago (default 2): to the heads.

Each (item, stage, officer, channel) is one reminder, sent at most once: every attempt is
appended to a log (journal/reminders/log.jsonl) with its outcome, a reminder logged as sent is
never sent again, and one that failed is tried again in the next round, so nothing is lost when
the mail server or the SMS gateway is down. Rounds never overlap (a file lock).

Email goes through SMTP with implicit TLS or STARTTLS (a private CA file may be given, as
government intranets often have one); SMS through the province's HTTP gateway: a URL, a JSON
body template with {mobile} and {message}, and an authorisation header whose value comes from
an environment variable, never from the file.
"""
from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from queries import ALL, read

from ledger.workflow import alerts
from ledger import jsonlog
from ledger.i18n import Refusal, t
from ledger.workflow.assign import assign_new
from ledger.config import Settings
from ledger.geo import unit_name
from ledger.workflow.officers import Officer, load_officers, responsible
from ledger.store import build_snapshot, exclusive_lock, fresh_snapshot

STAGES = ("due_soon", "overdue", "escalated")
STAGE_WORDS = {"due_soon": t("work.state.due_soon"), "overdue": t("work.state.overdue"),
               "escalated": t("send.remind.stage.escalated")}
DEFAULTS = {"due_soon_hours": 4, "escalate_after_days": 2, "lookback_days": 60, "app_url": ""}


def due_soon_hours(settings) -> int:
    """Hours before a deadline that an item counts as due soon: the reminders' first stage and
    核实办理's 即将到期, from one setting ([reminders] due_soon_hours)."""
    return int({**DEFAULTS, **settings.reminder_config}["due_soon_hours"])


class ReminderError(Refusal):
    """A reminder round that cannot run as configured; the sentence says what to fix."""


class SendError(RuntimeError):
    """One message that could not be delivered; it will be tried again in the next round."""


@dataclass(frozen=True)
class Reminder:
    item_id: str
    unit_code: str
    title: str
    grade: str | None
    due_at: datetime
    stage: str
    officer: Officer
    channel: str  # email | sms

    @property
    def key(self) -> str:
        return f"{self.item_id}|{self.stage}|{self.channel}|{self.officer.key}"

    def message(self, now: datetime, app_url: str = "") -> tuple[str, str]:
        """(subject, text) in Chinese; the SMS is the text alone."""
        late = now - self.due_at
        when = (t("send.overdue_by", days=late.days, hours=late.seconds // 3600) if late >= timedelta(0)
                else t("send.remind.due_on", due_at=self.due_at))
        grade = t("grade.short", grade=self.grade) if self.grade else t("grade.none")
        link = (" " + t("send.remind.link", url=f"{app_url.rstrip('/')}/verify?item={self.item_id}")) if app_url else ""
        text = t("send.remind.text", officer=self.officer.name, unit=unit_name(self.unit_code), title=self.title,
                 item_id=self.item_id, grade=grade, due_at=self.due_at, when=when, link=link)
        return t("send.remind.subject", stage=STAGE_WORDS[self.stage], item_id=self.item_id), text

    def to_json(self, sent: bool, error: str = "") -> dict:
        """The shape `remind --json` prints; the officer by name, never by phone number."""
        entry = {"item_id": self.item_id, "unit": self.unit_code, "officer": self.officer.name, "channel": self.channel,
                 "stage": self.stage, "due_at": self.due_at.isoformat(sep=" ", timespec="minutes"), "sent": sent}
        return {**entry, "error": error} if error else entry


@dataclass(frozen=True)
class Outcome:
    reminder: Reminder
    sent: bool
    error: str = ""


# ---- channels ------------------------------------------------------------------------------------

class EmailChannel:
    """SMTP with `security` = starttls (default), tls (implicit, port 465) or none (loopback
    relays only). One connection per round, opened on the first message."""

    name = "email"

    def __init__(self, config: dict):
        self.host = config["host"]
        self.security = config.get("security", "starttls")
        if self.security not in ("starttls", "tls", "none"):
            raise ReminderError("msg.remind.security", value=self.security)
        self.port = int(config.get("port", 465 if self.security == "tls" else 587))
        self.sender = config.get("sender", "sentinel@localhost")
        self.username = config.get("username")
        self.password = os.environ.get(config.get("password_env", "SENTINEL_SMTP_PASSWORD"), "")
        self.ca_file = config.get("ca_file")
        self.timeout = float(config.get("timeout_seconds", 20))
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=self._context())
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    def send(self, reminder: Reminder, subject: str, text: str) -> None:
        if not reminder.officer.email:
            raise SendError(t("send.remind.no_email"))
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, reminder.officer.email, subject
        message.set_content(text)
        try:
            self._smtp = self._smtp or self._connect()
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise SendError(t("send.remind.email_failed", error=error)) from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None


class SmsChannel:
    """The SMS gateway: POST `body` (JSON with {mobile} and {message} filled in) to `url`, with
    the header `auth_header` set from the environment variable `auth_env`; any 2xx is success."""

    name = "sms"

    def __init__(self, config: dict):
        self.url = config["url"]
        self.body = config.get("body", '{"mobile": "{mobile}", "content": "{message}"}')
        self.auth_header = config.get("auth_header", "Authorization")
        self.auth_value = os.environ.get(config.get("auth_env", "SENTINEL_SMS_TOKEN"), "")
        self.timeout = float(config.get("timeout_seconds", 10))

    def send(self, reminder: Reminder, subject: str, text: str) -> None:
        if not reminder.officer.mobile:
            raise SendError(t("send.remind.no_mobile"))
        # Values are JSON-escaped before they go into the template, so a title cannot break it.
        body = self.body.replace("{mobile}", json.dumps(reminder.officer.mobile)[1:-1]) \
                        .replace("{message}", json.dumps(text, ensure_ascii=False)[1:-1])
        request = urllib.request.Request(self.url, data=body.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        if self.auth_value:
            request.add_header(self.auth_header, self.auth_value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise SendError(t("send.remind.sms_status", code=error.code)) from None
        except (OSError, ValueError) as error:
            raise SendError(t("send.remind.sms_unreachable", error=error)) from None

    def close(self) -> None:
        pass


def channels_from(config: dict) -> dict[str, EmailChannel | SmsChannel]:
    channels = {}
    if "email" in config:
        channels["email"] = EmailChannel(config["email"])
    if "sms" in config:
        channels["sms"] = SmsChannel(config["sms"])
    return channels


# ---- the round -----------------------------------------------------------------------------------

def log_file(settings: Settings) -> Path:
    return settings.journal_dir / "reminders" / "log.jsonl"


def read_log(settings: Settings) -> list[dict]:
    return jsonlog.read(log_file(settings))


def reminder_items(settings: Settings, now: datetime) -> list[dict]:
    """The items the ledger chases at `now`, each with its stages (due_soon, or overdue and maybe
    escalated), most urgent first."""
    options = {**DEFAULTS, **settings.reminder_config}
    # A snapshot that includes every journalled change, so an item verified a minute ago is not
    # chased; on an empty journal build_snapshot says there is no ledger yet.
    snapshot = fresh_snapshot(settings) or build_snapshot(settings)
    items = read(snapshot, "reminder_candidates", ALL, cached=False, now=now,
                 soon_hours=int(options["due_soon_hours"]), lookback_days=int(options["lookback_days"]))
    escalate = timedelta(days=float(options["escalate_after_days"]))
    chased = []
    for item in items.iter_rows(named=True):
        due = item["verify_due_at"]
        stages = ["due_soon"] if due > now else ["overdue"] + (["escalated"] if now - due >= escalate else [])
        chased.append({**item, "stages": stages})
    return chased


def due_reminders(items: list[dict], officers: list[Officer], channels: Iterable[str]) -> list[Reminder]:
    """Every email and SMS reminder `items` call for, sent or not."""
    reminders = []
    for item in items:
        for stage in item["stages"]:
            for officer in responsible(officers, item["unit_code"], item["county_code"], stage == "escalated"):
                for channel in channels:
                    if (channel == "email" and officer.email) or (channel == "sms" and officer.mobile):
                        reminders.append(Reminder(item["item_id"], item["unit_code"], item["title"], item["grade"],
                                                  item["verify_due_at"], stage, officer, channel))
    return reminders


@dataclass(frozen=True)
class Round:
    """What one round sent (or, dry run, would send): to officers and to work groups."""

    reminders: list[Outcome]
    groups: list[alerts.GroupOutcome]


def run_round(settings: Settings, now: datetime, dry_run: bool = False) -> Round:
    """One reminder round at `now`: assign, find what is due, send what was not sent before, to
    officers by email and SMS and to the work groups (ledger/workflow/alerts.py)."""
    channels = channels_from(settings.reminder_config)
    groups = alerts.load_groups(settings)
    if not channels and not groups and not dry_run:
        raise ReminderError("msg.remind.no_channel")
    officers = load_officers(settings)
    if not officers and not groups:
        raise ReminderError("msg.remind.no_officers")
    app_url = str(settings.reminder_config.get("app_url", ""))
    with exclusive_lock(log_file(settings).parent / ".round.lock"):  # rounds never overlap
        if not dry_run:
            assign_new(settings, now)  # reminder_items' fresh snapshot then includes the assignments
        items = reminder_items(settings, now)
        sent_before = {entry["key"] for entry in read_log(settings) if entry["sent"]}
        # A dry run without channels shows what email and SMS would carry once configured.
        names = list(channels) or (["email", "sms"] if dry_run else [])
        wanted = [r for r in due_reminders(items, officers, names) if r.key not in sent_before]
        if dry_run:
            return Round([Outcome(r, sent=False) for r in wanted], alerts.run_group_round(settings, now, items, True))
        outcomes = []
        try:
            for reminder in wanted:
                subject, text = reminder.message(now, app_url)
                try:
                    channels[reminder.channel].send(reminder, subject, text)
                    outcome = Outcome(reminder, sent=True)
                except SendError as error:
                    outcome = Outcome(reminder, sent=False, error=str(error))
                outcomes.append(outcome)
                jsonlog.append(log_file(settings), [{"key": reminder.key, "at": now.isoformat(sep=" ", timespec="seconds"),
                                        **reminder.to_json(outcome.sent, outcome.error)}])
        finally:
            for channel in channels.values():
                channel.close()
        return Round(outcomes, alerts.run_group_round(settings, now, items))
