"""What the work groups are told, once each: reminders and escalations, new grade I/II disputes,
staged events past their next report, and the week's hazard flags (ledger/workflow/group_robots.py sends).

Each round (part of `python -m ledger remind`, every 15 minutes) gathers, for every group, the
(subject, group) pairs it has not been told yet, writes them as a few digest messages per topic
(a robot takes at most 20 messages a minute, so a busy round is summarised, as both APIs advise),
and logs each pair as sent or failed in journal/reminders/groups.jsonl: a pair logged as sent is
never sent again; a failed one is tried in the next round; a failure of one group never stops
the others. The log names groups by their label, never by key, secret or mobile number.

Quiet hours (`[reminders.groups] quiet_hours = "22:00-07:00"`): only grade I disputes are pushed
then; everything else waits (unlogged) for the first round after the quiet hours.
"""
from __future__ import annotations

import time as clock
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from ledger import jsonlog
from ledger.config import Settings
from ledger.geo import unit_name
from ledger.i18n import t
from ledger.workflow.group_robots import (
    MESSAGES_PER_MINUTE,
    TOPICS,
    Group,
    PostError,
    mention_bytes,
    parse_groups,
    payload,
    post,
    split_text,
)
from ledger.workflow.officers import Officer, load_officers, officers_file, responsible, unit_code_of
from ledger.store import current_snapshot

MESSAGES_PER_ROUND = MESSAGES_PER_MINUTE - 2  # a margin for a round that runs twice in one minute
SERIOUS_GRADES = ("I", "II")
DEFAULTS = {"quiet_hours": "", "serious_lookback_hours": 24}


@dataclass
class Notice:
    """One subject a group should hear about: a line of a digest message."""

    topic: str
    subject: str  # item id, event id or flag key: with the stage, what "once" is counted on
    unit_code: str | None
    line: str
    mobiles: tuple[str, ...] = ()
    urgent: bool = False  # sent in quiet hours too (grade I)

    def key(self, group: Group) -> str:
        return f"{self.topic}|{self.subject}|{group.log_key}"


@dataclass
class GroupOutcome:
    group: Group
    topic: str
    notices: list[Notice] = field(default_factory=list)
    sent: bool = False
    error: str = ""

    def to_json(self) -> dict:
        entry = {"group": self.group.label, "topic": self.topic, "items": [n.subject for n in self.notices],
                 "sent": self.sent}
        return {**entry, "error": self.error} if self.error else entry


def log_file(settings: Settings):
    return settings.journal_dir / "reminders" / "groups.jsonl"


def load_groups(settings: Settings) -> list[Group]:
    path = officers_file(settings)
    if not path.exists():
        return []
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return parse_groups(raw.get("groups", []), unit_code_of, path.name)


def in_quiet_hours(now: datetime, spec: str) -> bool:
    """`spec` "22:00-07:00" (may wrap midnight); an empty spec means never quiet."""
    if not spec:
        return False
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-"))
    moment = now.time()
    return start <= moment < end if start <= end else moment >= start or moment < end


# ---- what there is to say ------------------------------------------------------------------------

def reminder_notices(items: list[dict], officers: list[Officer], now: datetime, app_url: str) -> list[Notice]:
    """A line per (item, stage) of the reminder round (remind.reminder_items), with the responsible
    officers to @-mention."""
    from ledger.workflow.remind import STAGE_WORDS
    notices = []
    for item in items:
        for stage in item["stages"]:
            mobiles = tuple(o.mobile for o in responsible(officers, item["unit_code"], item["county_code"],
                                                          stage == "escalated") if o.mobile)
            late = now - item["verify_due_at"]
            when = (t("send.overdue_by", days=late.days, hours=late.seconds // 3600) if late >= timedelta(0)
                    else t("send.alerts.due_at", due_at=item["verify_due_at"]))
            grade = t("grade.short", grade=item["grade"]) if item["grade"] else t("grade.none")
            notices.append(Notice("reminders", f"{item['item_id']}|{stage}", item["unit_code"],
                                  t("send.alerts.reminder", stage=STAGE_WORDS[stage], unit=unit_name(item["unit_code"]),
                                    title=item["title"], item_id=item["item_id"], grade=grade, when=when,
                                    link=_link(app_url, item["item_id"])),
                                  mobiles))
    return notices


def serious_notices(rows: list[dict], app_url: str) -> list[Notice]:
    return [Notice("serious", row["item_id"], row["unit_code"],
                   t("send.alerts.serious", grade=row["grade"], unit=unit_name(row["unit_code"]) or t("today.place_pending"),
                     title=row["title"], item_id=row["item_id"], captured_at=row["captured_at"],
                     link=_link(app_url, row["item_id"])),
                   urgent=row["grade"] == "I")
            for row in rows]


def rejection_notices(rows: list[dict], app_url: str) -> list[Notice]:
    """Grades the province sent back: the unit hears the reason (ledger/workflow/grade_review.py)."""
    return [Notice("reminders", f"{row['item_id']}|grade_rejected|{row['grade_reviewed_at']:%Y%m%d%H%M}", row["unit_code"],
                   t("send.alerts.grade_rejected", unit=unit_name(row["unit_code"]), title=row["title"],
                     item_id=row["item_id"], grade=row["grade"], note=row["grade_review_note"],
                     link=_link(app_url, row["item_id"])))
            for row in rows if row["grade_review"] == "rejected"]


def event_notices(rows: list[dict]) -> list[Notice]:
    """Events past their next report: once per lateness, i.e. per last report they are late after."""
    return [Notice("events", f"{row['event_id']}|{row['last_reported_at']:%Y%m%d%H%M}", row["unit_code"],
                   t("send.alerts.event_late", unit=unit_name(row["unit_code"]), title=row["title"],
                     event_id=row["event_id"], next_due_at=row["next_due_at"], hours=row["overdue_hours"]))
            for row in rows if row["overdue"]]


def hazard_notices(flags: list) -> list[Notice]:
    return [Notice("hazards", f"{flag.week}|{flag.unit_code}|{flag.county or ''}|{flag.industry_code or ''}|{flag.method}",
                   flag.unit_code, t("send.alerts.hazard", week=flag.week, place=flag.place("zh"),
                                     industry=flag.industry or "", observed=flag.observed, expected=flag.expected))
            for flag in flags]


def _link(app_url: str, item_id: str) -> str:
    return f" {app_url.rstrip('/')}/verify?item={item_id}" if app_url else ""


def gather(settings: Settings, now: datetime, groups: list[Group], reminder_items: list[dict]) -> list[Notice]:
    """Every notice the groups subscribe to at `now` (read through the query door, scope ALL)."""
    topics = set().union(*(g.subscribe for g in groups)) if groups else set()
    options = {**DEFAULTS, **settings.reminder_config.get("groups", {})}
    app_url = str(settings.reminder_config.get("app_url", ""))
    notices: list[Notice] = []
    if not topics:
        return notices
    from queries import ALL, Door  # the door reads snapshots; it needs the ledger, not the reverse
    door = Door(settings)
    if "reminders" in topics:
        notices += reminder_notices(reminder_items, load_officers(settings), now, app_url)
        since = now - timedelta(hours=float(options["serious_lookback_hours"]))
        notices += rejection_notices(door.q("grade_reviews", ALL, since=since, now=now).to_dicts(), app_url)
    if "serious" in topics:
        since = now - timedelta(hours=float(options["serious_lookback_hours"]))
        notices += serious_notices(door.q("new_disputes_since", ALL, since_time=since, now=now,
                                          grades=list(SERIOUS_GRADES), limit=200).to_dicts(), app_url)
    if "events" in topics:
        notices += event_notices(door.q("open_events", ALL, now=now, followup_hours=settings.events_followup_hours,
                                        first_report_hours=settings.events_first_report_hours, closed_since=None,
                                        units=None).to_dicts())
    if "hazards" in topics and (snapshot := current_snapshot(settings)):
        from ledger.hazards.saved import week_flags
        notices += hazard_notices(week_flags(snapshot, now.date()))
    return notices


# ---- the round -----------------------------------------------------------------------------------

def plan(groups: list[Group], notices: list[Notice], sent_before: set[str], quiet: bool) -> list[GroupOutcome]:
    """The messages of one round: per group and topic, the notices it has not heard, at most
    MESSAGES_PER_ROUND messages per group (the rest wait for the next round)."""
    messages = []
    for group in groups:
        budget = MESSAGES_PER_ROUND
        for topic in TOPICS:
            fresh = [n for n in notices if n.topic == topic and group.hears(topic, n.unit_code)
                     and n.key(group) not in sent_before and (n.urgent or not quiet)]
            while fresh and budget:
                chunk = _one_message(group, fresh)
                messages.append(GroupOutcome(group, topic, chunk))
                fresh = fresh[len(chunk):]
                budget -= 1
    return messages


def _one_message(group: Group, notices: list[Notice]) -> list[Notice]:
    """The longest run of `notices` whose lines and mentions fit one message."""
    header = t("send.robots.header", topic=TOPICS[notices[0].topic])
    taken = []
    for notice in notices:
        trial = taken + [notice]
        mobiles = sorted({m for n in trial for m in n.mobiles})
        texts = split_text([n.line for n in trial], header, reserve=mention_bytes(group.kind, mobiles))
        if len(texts) > 1 and taken:
            break
        taken = trial
    return taken


def text_of(outcome: GroupOutcome) -> tuple[str, list[str]]:
    mobiles = sorted({m for n in outcome.notices for m in n.mobiles})
    header = t("send.robots.header", topic=TOPICS[outcome.topic])
    text = split_text([n.line for n in outcome.notices], header, reserve=mention_bytes(outcome.group.kind, mobiles))[0]
    return text, mobiles


def run_group_round(settings: Settings, now: datetime, reminder_items: list[dict], dry_run: bool = False) -> list[GroupOutcome]:
    """Tell every group what it has not heard; returns one outcome per message."""
    groups = load_groups(settings)
    if not groups:
        return []
    options = {**DEFAULTS, **settings.reminder_config.get("groups", {})}
    sent_before = {entry["key"] for entry in jsonlog.read(log_file(settings)) if entry["sent"]}
    messages = plan(groups, gather(settings, now, groups, reminder_items), sent_before,
                    in_quiet_hours(now, str(options["quiet_hours"])))
    if dry_run:
        return messages
    timestamp_ms = int(clock.time() * 1000)  # 钉钉 checks it against real time (±1 h); `now` is Shanghai wall time
    for message in messages:
        text, mobiles = text_of(message)
        try:
            post(message.group, payload(message.group.kind, text, mobiles), timestamp_ms)
            message.sent = True
        except PostError as error:
            message.error = str(error)
        jsonlog.append(log_file(settings), [{"key": n.key(message.group), "at": now.isoformat(sep=" ", timespec="seconds"),
                                             "group": message.group.label, "topic": message.topic, "sent": message.sent,
                                             **({"error": message.error} if message.error else {})}
                                            for n in message.notices])
    return messages
